"""Running a scenario: every ally's share of GDP year by year, priced on its GDP, summed over a group.

Each ally's path starts from the common start year (the latest year in which every ally has a share) and
goes through its rule's milestones, each leg shaped from where the last one ended, as `path` plans them
(a target is a floor). Its extra is priced against the stated baseline: the start share of each year's
GDP (flat share) or the start year's spending (flat cash). Groups add up their members of each year:
Σspending / ΣGDP, never a mean of shares. Money is in US$, and also, when asked, in euros or a national
currency at each year's rate (converted per ally, then added).
"""

import itertools
import math
import operator
from collections.abc import Sequence
from typing import Any, NamedTuple

from spendcalc.choices import Baseline, Currency, Shape
from spendcalc.data.schema import Ally, Dataset
from spendcalc.domain.currency import Conversion, conversions
from spendcalc.domain.gaps import ShareFigure
from spendcalc.domain.gdp import MAX_PATH_YEAR, GdpPoint, GdpSeries, gdp_series
from spendcalc.domain.groups import ALLIANCE, EUROPE_AND_CANADA, GroupSpec, parse_group
from spendcalc.domain.money import tables
from spendcalc.domain.scenarios.model import Rule, RuleShape, Scenario, Step
from spendcalc.domain.targets import format_pct
from spendcalc.domain.trajectories import RelativeTarget, share_on_path
from spendcalc.domain.years import default_year
from spendcalc.errors import SpendcalcError

_tuple_new = tuple.__new__
"""A NamedTuple made from the tuple of its fields without the call of its generated __new__: about a
third cheaper, and a run makes one for every ally and year."""
DEFAULT_GROUP = "europe-canada"
_GROUP_NAMES = {ALLIANCE: "nato", EUROPE_AND_CANADA: "europe-canada"}


class AllyYear(NamedTuple):
    year: int
    gdp: GdpPoint
    share_pct: float
    spending_usd_bn: float
    baseline_usd_bn: float
    extra_usd_bn: float
    cumulative_extra_usd_bn: float
    """Over the years after the start year, through this one."""
    related_pct: float
    """The defence-related slice (0 unless the scenario plans it)."""
    related_usd_bn: float
    rate: Conversion | None
    """US$ into the run's currency that year; None where no rate exists."""

    @property
    def gdp_usd_bn(self) -> float:
        return self.gdp.usd_bn


class AllyPath(NamedTuple):
    ally: Ally
    rule: Rule
    start: ShareFigure
    milestones: tuple[tuple[float, int], ...]
    """Each step as the share it reaches (relative ones resolved; a floor, so never below the share before)
    and its year."""
    gdp: GdpSeries
    years: tuple[AllyYear, ...]


class Money(NamedTuple):
    """A group's money in the run's currency: converted per member at each year's rate, then added."""

    code: str
    spending_bn: float
    extra_bn: float
    cumulative_extra_bn: float
    related_bn: float
    carried_forward: bool
    """Whether a rate of an earlier year was used (projection years)."""


class GroupYear(NamedTuple):
    year: int
    spending_usd_bn: float
    gdp_usd_bn: float
    baseline_usd_bn: float
    extra_usd_bn: float
    cumulative_extra_usd_bn: float
    related_usd_bn: float
    cumulative_related_usd_bn: float
    allies_counted: int
    allies_at_2: int
    allies_at_3_5: int
    usa_share_of_spending_pct: float | None
    """The United States' share of the whole alliance's spending that year."""
    assumed_gdp: bool
    """Whether any member's GDP that year is extended beyond the IMF's projections."""
    money: Money | None
    """In the run's currency; None where it cannot be added up (national currencies that differ, a
    missing rate)."""

    @property
    def share_pct(self) -> float:
        return self.spending_usd_bn / self.gdp_usd_bn * 100

    @property
    def related_pct(self) -> float:
        return self.related_usd_bn / self.gdp_usd_bn * 100


class ScenarioRun(NamedTuple):
    scenario: Scenario
    group: GroupSpec
    members: tuple[str, ...]
    """The group's allies with armed forces, in the dataset's order."""
    start_year: int
    horizon: int
    currency: Currency
    paths: tuple[AllyPath, ...]
    """One per ally with armed forces, whatever the group."""
    years: tuple[GroupYear, ...]
    gdp_only: tuple[tuple[Ally, GdpSeries], ...] = ()
    """The group's members without armed forces (Iceland) and their GDP: counted in the group's GDP,
    as in NATO's totals, never in its spending."""
    gdp_missing: tuple[Ally, ...] = ()
    """Members without armed forces whose GDP the dataset does not give for the run's years: not counted."""

    @property
    def member_paths(self) -> tuple[AllyPath, ...]:
        return tuple(p for p in self.paths if p.ally.iso3 in self.members)

    @property
    def assumed_gdp(self) -> bool:
        return any(y.assumed_gdp for y in self.years)

    @property
    def gdp_series(self) -> tuple[tuple[Ally, GdpSeries], ...]:
        """Every member's GDP series: the allies with armed forces, then those without (Iceland)."""
        return (*((p.ally, p.gdp) for p in self.member_paths), *self.gdp_only)


def resolve_group(dataset: Dataset, scenario: Scenario, group: str) -> GroupSpec:
    """A group of the dataset, its name for NATO and Europe and Canada, one the scenario's file
    defines, or the user's own (`baltics=EST,LVA,LTU`)."""
    defined = dict(scenario.groups)
    name = group.strip()
    if name in defined:
        return GroupSpec(name, name, defined[name], user_defined=True)
    return parse_group(dataset, _GROUP_NAMES.get(name, name))


def run_scenario(
    dataset: Dataset,
    scenario: Scenario,
    group: str = DEFAULT_GROUP,
    horizon: int | None = None,
    currency: Currency = Currency.USD,
) -> ScenarioRun:
    """The scenario for every ally, summed over a group: a dataset's group id (`nato`, `eu`, `baltic`,
    ...), its name for NATO and Europe and Canada, or a group of one's own (`baltics=EST,LVA,LTU`)."""
    spec = resolve_group(dataset, scenario, group)
    start = scenario.start_year if scenario.start_year is not None else default_year(dataset)
    end = horizon if horizon is not None else scenario.horizon
    if not start < end <= MAX_PATH_YEAR:
        raise SpendcalcError(f"--by {end} must be after the start year {start} and at most {MAX_PATH_YEAR}")
    rules = dict(scenario.rules)
    paths = tuple(
        ally_path(
            dataset,
            ally,
            rules.get(ally.iso3, scenario.default),
            start,
            end,
            scenario.related,
            scenario.baseline,
            currency,
        )
        for ally in dataset.allies
        if ally.has_armed_forces
    )
    members = frozenset(spec.members)
    in_group = [p for p in paths if p.ally.iso3 in members]
    if not in_group:
        raise SpendcalcError(f"group {spec.name!r} has no ally with armed forces")
    # Members without armed forces (Iceland) add their GDP to the group's, as NATO's totals count it
    # (as compare's group totals, one without a GDP is left out, and the note says so).
    gdp_only: list[tuple[Ally, GdpSeries]] = []
    gdp_missing: list[Ally] = []
    for ally in dataset.allies:
        if not ally.has_armed_forces and ally.iso3 in members:
            try:
                gdp_only.append((ally, _series(dataset, ally, start, end, Currency.USD)[0]))
            except SpendcalcError:
                gdp_missing.append(ally)
    gdp_only_by_year = [
        [series.points[index] for ally, series in gdp_only if ally.joined <= start + index]
        for index in range(end - start + 1)
    ]
    usa = next((p for p in paths if p.ally.iso3 == "USA"), None)
    years = []
    cumulative = cumulative_related = 0.0
    cumulative_money = 0.0
    # Each year's sums read the allies' records of that year a field at a time (`map` over an
    # itemgetter), the years turned into rows of allies once (`zip`): a run sums about ten fields of
    # every ally in every year. A member counts from the year it joined.
    group_rows = _rows_by_year(in_group, start)
    alliance_rows = _rows_by_year(list(paths), start)
    for index in range(end - start + 1):
        year = start + index
        points = group_rows[index]
        spending = math.fsum(map(_SPENDING, points))
        baseline = math.fsum(map(_BASELINE, points))
        related = math.fsum(map(_RELATED, points))
        extra = spending - baseline
        if index:
            cumulative += extra
            cumulative_related += related
        alliance = math.fsum(map(_SPENDING, alliance_rows[index]))
        usa_share = (
            usa.years[index].spending_usd_bn / alliance * 100 if usa is not None and alliance > 0 else None
        )
        money = _money(points, currency, index, cumulative_money)
        if money is not None:
            cumulative_money = money.cumulative_extra_bn
        shares = list(map(_SHARE, points))
        gdps = [*map(_GDP, points), *gdp_only_by_year[index]]
        years.append(
            GroupYear(
                year,
                spending,
                math.fsum(map(_USD, gdps)),
                baseline,
                extra,
                cumulative,
                related,
                cumulative_related,
                len(points),
                sum(map((2.0).__le__, shares)),
                sum(map((3.5).__le__, shares)),
                usa_share,
                "assumed" in map(_KIND, gdps),
                money,
            )
        )
    return ScenarioRun(
        scenario,
        spec,
        tuple(p.ally.iso3 for p in in_group),
        start,
        end,
        currency,
        paths,
        tuple(years),
        tuple(gdp_only),
        tuple(gdp_missing),
    )


def _rows_by_year(paths: Sequence[AllyPath], start: int) -> list[tuple[AllyYear, ...]]:
    """For each year of the paths (from `start`), the year's records of the allies that are members
    by then, in the paths' order."""
    rows = list(zip(*(p.years for p in paths), strict=True)) if paths else []
    joined = [p.ally.joined for p in paths]
    if all(year <= start for year in joined):
        return rows
    return [
        tuple(itertools.compress(row, [year <= start + index for year in joined]))
        for index, row in enumerate(rows)
    ]


def _field(record: type[tuple[Any, ...]], name: str) -> "operator.itemgetter[Any]":
    """A C-level reader of one field of a NamedTuple, for `map` over many records."""
    return operator.itemgetter(record._fields.index(name))  # type: ignore[attr-defined]


_SHARE, _SPENDING, _BASELINE, _EXTRA, _RELATED, _GDP, _RATE = (
    _field(AllyYear, name)
    for name in (
        "share_pct",
        "spending_usd_bn",
        "baseline_usd_bn",
        "extra_usd_bn",
        "related_usd_bn",
        "gdp",
        "rate",
    )
)
_USD, _KIND = _field(GdpPoint, "usd_bn"), _field(GdpPoint, "kind")
_CODE, _PER_USD = _field(Conversion, "code"), _field(Conversion, "per_usd")


def _money(points: Sequence[AllyYear], currency: Currency, index: int, cumulative: float) -> Money | None:
    if currency is Currency.USD or not points:
        return None
    rates = list(map(_RATE, points))
    if None in rates:
        return None
    codes = set(map(_CODE, rates))
    if len(codes) != 1:
        return None
    per_usd = list(map(_PER_USD, rates))
    extra = math.fsum(map(operator.mul, map(_EXTRA, points), per_usd))
    return Money(
        codes.pop(),
        math.fsum(map(operator.mul, map(_SPENDING, points), per_usd)),
        extra,
        cumulative + extra if index else 0.0,
        math.fsum(map(operator.mul, map(_RELATED, points), per_usd)),
        any(rate.carried_forward for rate in rates),
    )


def _legs(start_pct: float, start: int, steps: Sequence[Step]) -> list[tuple[int, float, int, float]]:
    legs = []
    leg_start, leg_pct = start, start_pct
    for step in steps:
        year = step.year if step.year is not None else start + 1
        if isinstance(step.target, RelativeTarget):
            target = start_pct + step.target.rise_pp
            if target > 100:
                raise SpendcalcError(f"{format_pct(start_pct)}% {step.target.name} is above 100% of GDP")
        else:
            target = step.target.share_pct
        if year <= leg_start:
            raise SpendcalcError(
                f"milestone {step.describe()}: must be after the year before it ({leg_start})"
            )
        end_pct = max(leg_pct, target)  # a floor: an ally above keeps its share
        legs.append((leg_start, leg_pct, year, end_pct))
        leg_start, leg_pct = year, end_pct
    return legs


_SERIES: dict[tuple[int, int, int, Currency, str], tuple[Ally, GdpSeries, tuple[Conversion | None, ...]]] = {}
"""GDP and rates of an ally over a run's years, computed once: datasets are immutable, and a run (or a
comparison of several) asks for the same series again. Keyed by the ally's identity, checked on use."""
_SERIES_LIMIT = 512
"""A compare of several scenarios asks for each ally's series again (31 to a run and currency); each entry
holds its ally alive, so a long-lived program keeps a few datasets' worth, not every one it loaded."""


def _series(
    dataset: Dataset, ally: Ally, start: int, end: int, currency: Currency
) -> tuple[GdpSeries, tuple[Conversion | None, ...]]:
    key = (id(ally), start, end, currency, tables(dataset).prices)
    cached = _SERIES.get(key)
    if cached is not None and cached[0] is ally:
        return cached[1], cached[2]
    gdp = gdp_series(ally, start, end, dataset=dataset)
    rates = (
        conversions(dataset, ally, [point.year for point in gdp.points], currency)
        if currency is not Currency.USD
        else (None,) * len(gdp.points)
    )
    if len(_SERIES) >= _SERIES_LIMIT:
        _SERIES.clear()
    _SERIES[key] = (ally, gdp, rates)
    return gdp, rates


def ally_path(
    dataset: Dataset,
    ally: Ally,
    rule: Rule,
    start: int,
    end: int,
    related: Step | None = None,
    baseline: Baseline = Baseline.FLAT_SHARE,
    currency: Currency = Currency.USD,
) -> AllyPath:
    """One ally's path under a rule, from `start` to `end` (steps after `end` are cut at `end`, on the
    way; steps before it and then held)."""
    recorded = ally.share(start)
    if recorded is None:
        raise SpendcalcError(f"{ally.name}: no defence share for {start}, the scenario's start year")
    share = ShareFigure.of(recorded)
    legs = _legs(share.pct, start, rule.steps)
    shares = shares_by_year(share.pct, legs, start, end, rule.shape)
    if related is not None:
        related_shares = shares_by_year(0.0, _legs(0.0, start, (related,)), start, end, RuleShape.LINEAR)
    else:
        related_shares = [0.0] * (end - start + 1)
    gdp, rates = _series(dataset, ally, start, end, currency)
    flat_share = baseline is Baseline.FLAT_SHARE
    first_gdp = gdp.points[0].usd_bn
    base_pct = share.pct
    years = []
    cumulative = 0.0
    for point, pct, related_pct, rate in zip(gdp.points, shares, related_shares, rates, strict=True):
        usd = point.usd_bn
        spending = pct / 100 * usd
        base = base_pct / 100 * (usd if flat_share else first_gdp)
        extra = spending - base
        if point.year > start:
            cumulative += extra
        years.append(
            _tuple_new(
                AllyYear,
                (
                    point.year,
                    point,
                    pct,
                    spending,
                    base,
                    extra,
                    cumulative,
                    related_pct,
                    related_pct / 100 * usd,
                    rate,
                ),
            )
        )
    milestones = tuple((to_pct, to_year) for _, _, to_year, to_pct in legs)
    return AllyPath(ally, rule, share, milestones, gdp, tuple(years))


def shares_by_year(
    start_pct: float, legs: Sequence[tuple[int, float, int, float]], start: int, end: int, shape: RuleShape
) -> list[float]:
    """The share in each year from `start` to `end`: along each leg in turn (shaped as `path` shapes it,
    `trajectories.share_on_path`, or a step), then held at the last leg's end."""
    shares = [start_pct]
    year, held = start + 1, start_pct
    for from_year, from_pct, to_year, to_pct in legs:
        span, rise = to_year - from_year, to_pct - from_pct
        while year <= to_year and year <= end:
            fraction = (year - from_year) / span
            if shape is RuleShape.LINEAR:
                shares.append(from_pct + rise * fraction)
            elif shape is RuleShape.STEP:
                shares.append(to_pct if year == to_year else from_pct)
            else:
                shares.append(share_on_path(from_pct, to_pct, fraction, Shape(shape.value)))
            year += 1
        held = to_pct
    shares.extend([held] * (end - year + 1))
    return shares
