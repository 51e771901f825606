"""Pledge scenarios, the public API: what the `scenario` commands call.

    from spendcalc import load_dataset, scenarios
    data = load_dataset()
    run = scenarios.run_scenario(data, scenarios.built_in("hague-2035", data), "eu")
    print(run.years[-1].share_pct, run.years[-1].cumulative_extra_usd_bn)

Results are immutable NamedTuples with unrounded values and their source ids; errors are
`spendcalc.errors.SpendcalcError`.
"""

from spendcalc.domain.scenarios import (
    BUILT_IN_IDS,
    DEFAULT_GROUP,
    DEFAULT_HORIZON,
    KEEP,
    PLAN_RULE,
    AllyPath,
    AllyYear,
    GroupYear,
    Money,
    PlanReading,
    Rule,
    RuleShape,
    Scenario,
    ScenarioRun,
    Step,
    built_in,
    built_ins,
    load_scenario,
    national_plans,
    parse_scenario,
    read_plans,
    run_scenario,
)

__all__ = [
    "BUILT_IN_IDS",
    "DEFAULT_GROUP",
    "DEFAULT_HORIZON",
    "KEEP",
    "PLAN_RULE",
    "AllyPath",
    "AllyYear",
    "GroupYear",
    "Money",
    "PlanReading",
    "Rule",
    "RuleShape",
    "Scenario",
    "ScenarioRun",
    "Step",
    "built_in",
    "built_ins",
    "load_scenario",
    "national_plans",
    "parse_scenario",
    "read_plans",
    "run_scenario",
]
