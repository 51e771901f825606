"""Pledge scenarios: what every ally's share of GDP does, year by year, to a horizon; and what the allies,
together, then spend. Pure functions, frozen unrounded results.

A scenario gives each ally a rule (a target share by a year; none: it keeps its share). Each ally's
year-by-year path is a `trajectories.defence_path` from the common start year (the latest year in
which every ally has a share), priced against the same baseline: the start share of each year's GDP.
Groups add up their members of each year: Σspending / ΣGDP, never a mean of shares.
"""

import math
from collections.abc import Sequence
from typing import NamedTuple

from spendcalc.choices import Baseline, Shape
from spendcalc.data.schema import Ally, Dataset
from spendcalc.domain.gdp import MAX_PATH_YEAR
from spendcalc.domain.groups import ALLIANCE, EUROPE_AND_CANADA, parse_group
from spendcalc.domain.targets import TargetSpec, format_pct
from spendcalc.domain.trajectories import DefencePath, Milestone, defence_path
from spendcalc.domain.years import default_year
from spendcalc.errors import SpendcalcError

DEFAULT_HORIZON = 2035


class Rule(NamedTuple):
    """What one ally's share does: rise to `target_pct` by `by_year` (a floor: an ally above keeps its
    share), or, with no target, keep its start share."""

    target_pct: float | None
    by_year: int | None = None
    shape: Shape = Shape.LINEAR

    def describe(self) -> str:
        if self.target_pct is None:
            return "keeps its share of GDP"
        return f"at least {format_pct(self.target_pct)}% of GDP by {self.by_year} ({self.shape.value})"


class Scenario(NamedTuple):
    id: str
    title: str
    description: str
    default: Rule
    """The rule of every ally without one of its own."""
    rules: tuple[tuple[str, Rule], ...] = ()
    """ISO3 and rule, for allies with a rule of their own."""
    horizon: int = DEFAULT_HORIZON

    def rule_for(self, ally: Ally) -> Rule:
        return next((rule for iso3, rule in self.rules if iso3 == ally.iso3), self.default)


def _floor_from_start(level: float) -> Rule:
    # Reached in the first year after the start: "at least 2% from the start year".
    return Rule(level, None)


BUILT_IN: tuple[Scenario, ...] = (
    Scenario(
        "status-quo",
        "Status quo",
        "Every ally keeps its latest share of GDP.",
        Rule(None),
    ),
    Scenario(
        "hague-core-2035",
        "The Hague, core: 3.5% by 2035",
        "Every ally below 3.5% of GDP rises linearly to it by 2035; the others keep their share.",
        Rule(3.5, 2035),
    ),
    Scenario(
        "floor-2",
        "2% floor",
        "Every ally below 2% of GDP is at 2% from the year after the start; the others keep their share.",
        _floor_from_start(2.0),
    ),
)


def built_in(scenario_id: str) -> Scenario:
    found = next((s for s in BUILT_IN if s.id == scenario_id.strip().casefold()), None)
    if found is None:
        known = ", ".join(s.id for s in BUILT_IN)
        raise SpendcalcError(f"unknown scenario {scenario_id!r}; built-in scenarios: {known}")
    return found


class GroupYear(NamedTuple):
    year: int
    spending_usd_bn: float
    gdp_usd_bn: float
    baseline_usd_bn: float
    extra_usd_bn: float
    cumulative_extra_usd_bn: float
    allies_counted: int
    allies_at_2: int
    allies_at_3_5: int
    usa_share_of_spending_pct: float | None
    """The United States' share of the whole alliance's spending that year."""
    assumed_gdp: bool
    """Whether any member's GDP that year is extended beyond the IMF's projections."""

    @property
    def share_pct(self) -> float:
        return self.spending_usd_bn / self.gdp_usd_bn * 100


class ScenarioRun(NamedTuple):
    scenario: Scenario
    group: str
    members: tuple[str, ...]
    start_year: int
    horizon: int
    paths: tuple[DefencePath, ...]
    """One per ally with armed forces, whatever the group."""
    years: tuple[GroupYear, ...]


DEFAULT_GROUP = "europe-canada"
_GROUP_NAMES = {ALLIANCE: "nato", EUROPE_AND_CANADA: "europe-canada"}


def run_scenario(
    dataset: Dataset, scenario: Scenario, group: str = DEFAULT_GROUP, horizon: int | None = None
) -> ScenarioRun:
    """The scenario for every ally, summed over a group: a dataset's group id (`nato`, `eu`, `baltic`,
    ...), its name for NATO and Europe and Canada, or a group of one's own (`baltics=EST,LVA,LTU`)."""
    spec = parse_group(dataset, _GROUP_NAMES.get(group, group))
    start = default_year(dataset)
    end = horizon if horizon is not None else scenario.horizon
    if not start < end <= MAX_PATH_YEAR:
        raise SpendcalcError(f"--by {end} must be after the start year {start} and at most {MAX_PATH_YEAR}")
    paths = tuple(
        _ally_path(dataset, ally, scenario.rule_for(ally), start, end)
        for ally in dataset.allies
        if ally.has_armed_forces
    )
    in_group = [p for p in paths if p.ally.iso3 in spec.members]
    years = []
    cumulative = 0.0
    for index in range(end - start + 1):
        year = start + index
        counted = [p for p in in_group if p.ally.joined <= year]
        points = [p.lines[0].years[index] for p in counted]
        spending = math.fsum(pt.spending_bn for pt in points)
        gdp = math.fsum(pt.gdp_bn for pt in points)
        baseline = math.fsum(pt.baseline_bn for pt in points)
        extra = spending - baseline
        cumulative += extra if index else 0.0
        alliance = math.fsum(p.lines[0].years[index].spending_bn for p in paths if p.ally.joined <= year)
        usa = next((p.lines[0].years[index].spending_bn for p in paths if p.ally.iso3 == "USA"), None)
        years.append(
            GroupYear(
                year,
                spending,
                gdp,
                baseline,
                extra,
                cumulative,
                len(points),
                sum(1 for pt in points if pt.share_pct >= 2.0),
                sum(1 for pt in points if pt.share_pct >= 3.5),
                usa / alliance * 100 if usa is not None and alliance > 0 else None,
                any(pt.gdp.kind == "assumed" for pt in points),
            )
        )
    members = tuple(p.ally.iso3 for p in in_group)
    return ScenarioRun(scenario, spec.name, members, start, end, paths, tuple(years))


def _ally_path(dataset: Dataset, ally: Ally, rule: Rule, start: int, end: int) -> DefencePath:
    share = ally.share(start)
    if share is None:
        raise SpendcalcError(f"{ally.name}: no defence share for {start}, the scenario's start year")
    if rule.target_pct is None:
        target = share.pct  # held: a target at the start share keeps it
        milestones: Sequence[Milestone] = [Milestone(TargetSpec(target), end)]
    elif rule.by_year is None:  # a floor from the year after the start, then held
        milestones = [Milestone(TargetSpec(rule.target_pct), start + 1)]
        if end > start + 1:
            milestones = [*milestones, Milestone(TargetSpec(rule.target_pct), end)]
    else:
        by = min(rule.by_year, end)
        milestones = [Milestone(TargetSpec(rule.target_pct), by)]
        if end > by:
            milestones = [*milestones, Milestone(TargetSpec(rule.target_pct), end)]
    return defence_path(dataset, ally, milestones, None, start, None, rule.shape, Baseline.FLAT_SHARE, None)
