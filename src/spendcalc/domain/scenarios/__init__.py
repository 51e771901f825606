"""Pledge scenarios: what every ally's share of GDP does, year by year, to a horizon; and what the allies,
together, then spend. Pure functions, frozen unrounded results.

A scenario gives each ally a rule (milestones: a share of GDP, or a rise, by a year; none: it keeps its
share). `run_scenario` plans every ally from the common start year and sums a group's members of each
year: Σspending / ΣGDP, never a mean of shares. Scenarios are built in (`built_in`) or read from a TOML
file (`load_scenario`).
"""

from spendcalc.domain.scenarios.builtin import (
    BUILT_IN_IDS,
    PLAN_RULE,
    PLAN_STATUSES,
    PlanReading,
    built_in,
    built_ins,
    core_share,
    national_plans,
    plan_rule,
    read_plans,
)
from spendcalc.domain.scenarios.files import is_scenario_file, load_scenario, parse_scenario
from spendcalc.domain.scenarios.model import DEFAULT_HORIZON, KEEP, Rule, RuleShape, Scenario, Step
from spendcalc.domain.scenarios.run import (
    DEFAULT_GROUP,
    AllyPath,
    AllyYear,
    GroupYear,
    Money,
    ScenarioRun,
    ally_path,
    resolve_group,
    run_scenario,
)

__all__ = [
    "BUILT_IN_IDS",
    "DEFAULT_GROUP",
    "DEFAULT_HORIZON",
    "KEEP",
    "PLAN_RULE",
    "PLAN_STATUSES",
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
    "ally_path",
    "built_in",
    "built_ins",
    "core_share",
    "is_scenario_file",
    "load_scenario",
    "national_plans",
    "parse_scenario",
    "plan_rule",
    "read_plans",
    "resolve_group",
    "run_scenario",
]
