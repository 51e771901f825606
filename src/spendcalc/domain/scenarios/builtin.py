"""The built-in scenarios, and the rule that turns governments' announcements into `national-plans`."""

import re
from collections.abc import Sequence
from typing import NamedTuple

from spendcalc.data.schema import Dataset, Plan
from spendcalc.domain.scenarios.model import KEEP, Rule, Scenario, Step
from spendcalc.domain.targets import TargetSpec
from spendcalc.domain.trajectories import HAGUE_CORE, HAGUE_RELATED, hague_parts
from spendcalc.domain.years import default_year
from spendcalc.errors import SpendcalcError

PLAN_STATUSES = ("law", "budget", "draft budget", "plan", "pledge")
"""What counts as a plan. Positions, ambitions, budget requests and estimates of a past year do not."""

PLAN_RULE = (
    "For each ally, the announcements in the dataset's plans (pledges_2026.csv) whose status is a law, "
    "budget, draft budget, plan or pledge (not a position, ambition, request or estimate), that give a "
    "core defence share (for 'core 3.5 + related 1.5', the 3.5; a defence-related share alone, or core "
    "and related together without a split, is not one) for a year after the start year. For each target "
    "year the newest announcement wins (a date known only to the month or year counts as its first day; "
    "on the same date, the later row); the years in order are the ally's milestones, each a floor (a plan "
    "below the ally's share keeps its share: no cuts are modelled), linear, and the ally holds its share "
    "after the last. An ally with no such plan keeps its latest share. A plan in a national measure "
    "(not NATO's definition) is applied to NATO's share as if it were one, and flagged."
)

_CORE_IN_MEASURE = re.compile(r"core[^+]*?(\d+(?:\.\d+)?)")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


class PlanReading(NamedTuple):
    """How the national-plans rule reads one announcement."""

    plan: Plan
    core_pct: float | None
    """The core defence share it plans; None when it is not a plan of one (see `reason`)."""
    reason: str
    """'used', or why it is not."""


def core_share(plan: Plan) -> float | None:
    """The core defence share an announcement plans, or None when it gives none."""
    measure = plan.measure.casefold()
    if "related" in measure:
        found = _CORE_IN_MEASURE.search(measure)
        return float(found.group(1)) if found else None
    return plan.share_pct


def announced_key(plan: Plan) -> tuple[int, int, int]:
    """A sortable date: a date known only to the month or year counts as its first day; none, oldest."""
    found = _DATE.match(plan.announced)
    if found is None:
        return (0, 0, 0)
    year, month, day = found.groups()
    return (int(year), int(month or 1), int(day or 1))


def read_plans(plans: Sequence[Plan], start_year: int) -> tuple[PlanReading, ...]:
    """Every announcement of one ally, with whether the rule uses it and why not."""
    readings: list[PlanReading] = []
    newest: dict[int, int] = {}
    for plan in plans:
        core = core_share(plan)
        if plan.status.casefold() not in PLAN_STATUSES:
            readings.append(PlanReading(plan, core, f"{plan.status}: not a plan"))
        elif core is None:
            readings.append(PlanReading(plan, None, "no core defence share"))
        elif plan.by_year <= start_year:
            readings.append(PlanReading(plan, core, f"for {plan.by_year}, not after {start_year}"))
        else:
            index = newest.get(plan.by_year)
            if index is not None and announced_key(readings[index].plan) > announced_key(plan):
                readings.append(PlanReading(plan, core, "a newer one for the same year"))
                continue
            if index is not None:
                readings[index] = readings[index]._replace(reason="a newer one for the same year")
            newest[plan.by_year] = len(readings)
            readings.append(PlanReading(plan, core, "used"))
    return tuple(readings)


def plan_rule(plans: Sequence[Plan], start_year: int) -> Rule:
    used = sorted(
        (r for r in read_plans(plans, start_year) if r.reason == "used"), key=lambda r: r.plan.by_year
    )
    if not used:
        return KEEP
    steps = tuple(Step(TargetSpec(r.core_pct or 0.0), r.plan.by_year) for r in used)
    return Rule(steps, plans=tuple(r.plan for r in used))


_PLANS: dict[int, tuple[Dataset, Scenario]] = {}
"""The national-plans scenario of a dataset, read once (datasets are immutable); checked by identity."""


def national_plans(dataset: Dataset) -> Scenario:
    cached = _PLANS.get(id(dataset))
    if cached is not None and cached[0] is dataset:
        return cached[1]
    if len(_PLANS) > 16:
        _PLANS.clear()
    scenario = _national_plans(dataset)
    _PLANS[id(dataset)] = (dataset, scenario)
    return scenario


def _national_plans(dataset: Dataset) -> Scenario:
    start = default_year(dataset)
    by_ally: dict[str, list[Plan]] = {}
    for plan in dataset.plans:
        by_ally.setdefault(plan.iso3, []).append(plan)
    rules = tuple(
        (ally.iso3, rule)
        for ally in dataset.allies
        if ally.has_armed_forces
        for rule in (plan_rule(by_ally.get(ally.iso3, ()), start),)
        if rule.steps
    )
    horizon = max([2035, *(step.year or 0 for _, rule in rules for step in rule.steps)])
    return Scenario(
        "national-plans",
        "National plans",
        "Each government's latest announced plans. " + PLAN_RULE,
        KEEP,
        rules,
        horizon=horizon,
    )


def _static(dataset: Dataset | None) -> tuple[Scenario, ...]:
    core, related = hague_parts(dataset) if dataset is not None else (HAGUE_CORE, HAGUE_RELATED)
    hague_core = Rule((Step(core, 2035),))
    return (
        Scenario("status-quo", "Status quo", "Every ally keeps its latest share of GDP.", KEEP),
        Scenario(
            "hague-core-2035",
            "The Hague, core: 3.5% by 2035",
            "Every ally below 3.5% of GDP rises linearly to it by 2035; the others keep their share.",
            hague_core,
        ),
        Scenario(
            "hague-2035",
            "The Hague: 3.5% core + 1.5% related by 2035",
            "Core defence as in hague-core-2035; and the 1.5% defence-related slice, not yet measured by "
            "NATO, planned from 0 to 1.5% of GDP by 2035 for every ally, shown apart: it never offsets core.",
            hague_core,
            related=Step(related, 2035),
        ),
        Scenario(
            "floor-2",
            "2% floor",
            "Every ally below 2% of GDP is at 2% from the year after the start; the others keep their share.",
            Rule((Step(TargetSpec(2.0), None),)),
        ),
    )


BUILT_IN_IDS = ("status-quo", "hague-core-2035", "hague-2035", "floor-2", "national-plans")


def built_in(scenario_id: str, dataset: Dataset | None = None) -> Scenario:
    """A built-in scenario by id; `national-plans` needs the dataset its plans come from."""
    wanted = scenario_id.strip().casefold()
    if wanted == "national-plans":
        if dataset is None:
            raise SpendcalcError(
                "the national-plans scenario is read from a dataset's plans: give the dataset"
            )
        return national_plans(dataset)
    found = next((s for s in _static(dataset) if s.id == wanted), None)
    if found is None:
        raise SpendcalcError(
            f"unknown scenario {scenario_id!r}; built-in scenarios: {', '.join(BUILT_IN_IDS)}"
        )
    return found


def built_ins(dataset: Dataset) -> tuple[Scenario, ...]:
    return (*_static(dataset), national_plans(dataset))
