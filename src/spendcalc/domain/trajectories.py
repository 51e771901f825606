"""Paths to a target year. Pure functions, frozen results.

A path raises the share of GDP from a start year to a target in a given year, and prices every year
against a stated baseline: the start share of each year's GDP (flat share) or the start year's cash
(flat cash). GDP comes from the dataset (IMF projections to 2030); after its last year it grows at the
last projected nominal rate, or at a rate the user gives, and those years are marked as assumed.
"""

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from spendcalc.choices import Baseline, Currency, Shape
from spendcalc.data.schema import Ally, Dataset, Target
from spendcalc.domain.currency import Conversion, conversion, unit
from spendcalc.domain.gaps import ShareFigure
from spendcalc.domain.gdp import MAX_PATH_YEAR, GdpPoint, GdpSeries, gdp_series
from spendcalc.domain.targets import TargetSpec, checked, format_pct, parse_pct, parse_target
from spendcalc.domain.years import check_year
from spendcalc.errors import SpendcalcError, UsageError

if TYPE_CHECKING:
    from spendcalc.domain.groups import GroupSpec


def share_on_path(start: float, target: float, fraction: float, shape: Shape) -> float:
    """The share after `fraction` (0 to 1) of the years from start to target year have gone."""
    if shape is Shape.FRONT:
        progress = 1 - (1 - fraction) ** 2
    elif shape is Shape.BACK:
        progress = fraction**2
    else:
        progress = fraction
    return start + (target - start) * progress


class RelativeTarget(NamedTuple):
    """A target given as a rise from the path's start share, in points of GDP: `-t +1.5`."""

    rise_pp: float

    @property
    def name(self) -> str:
        return f"+{format_pct(self.rise_pp)} points"


class Milestone(NamedTuple):
    """A target share to reach by a year; a path may have several, in order (`-t 3.5 --by 2029 -t 5
    --by 2035`)."""

    target: TargetSpec | RelativeTarget | str
    """A share, a rise from the start share, or 'hague' (only as a path's one milestone)."""
    year: int


def parse_path_target(text: str, known: "Sequence[Target]" = ()) -> TargetSpec | RelativeTarget:
    """A target as `path` takes it: what `parse_target` takes, or a rise from the start share (`+1.5`)."""
    cleaned = text.strip()
    if not cleaned.startswith("+"):
        return parse_target(cleaned, known)
    try:
        rise = parse_pct(cleaned[1:])
    except ValueError:
        raise UsageError(f"target {text!r}: give a rise in points of GDP, e.g. +1.5", "--target") from None
    if not (math.isfinite(rise) and 0 < rise <= 100):
        raise UsageError(f"target {text!r}: a rise must be above 0 and at most 100 points", "--target")
    return RelativeTarget(rise)


class PathYear(NamedTuple):
    """One year of a path. Money is in the path's currency (billions), converted before any arithmetic,
    so that a flat-cash baseline is flat in that currency."""

    year: int
    gdp: GdpPoint
    rate: Conversion
    share_pct: float
    gdp_bn: float
    spending_bn: float
    baseline_bn: float
    extra_bn: float
    cumulative_extra_bn: float


LINE_LABELS = {"defence": "Defence", "core": "Core defence", "related": "Defence-related"}


class PathLine(NamedTuple):
    name: str
    """'defence' for one target; 'core' and 'related' for the two parts of The Hague's 5%."""
    target: TargetSpec
    start: ShareFigure | None
    """None for the defence-related slice: NATO does not measure it yet, so it starts from 0."""
    years: tuple[PathYear, ...]
    milestones: tuple[tuple[TargetSpec, int], ...] = ()
    """Every target on the way with its year, the last being `target`; relative ones resolved."""

    @property
    def label(self) -> str:
        return LINE_LABELS.get(self.name, self.name)

    def milestone_for(self, year: int) -> tuple[TargetSpec, int]:
        """The milestone a year is on the way to (the last one, from then on)."""
        return next((m for m in self.milestones if year <= m[1]), self.milestones[-1])

    @property
    def start_pct(self) -> float:
        return self.start.pct if self.start else 0.0

    @property
    def already_met(self) -> bool:
        return self.start_pct >= self.target.share_pct

    @property
    def cumulative_extra_bn(self) -> float:
        return self.years[-1].cumulative_extra_bn


class DefencePath(NamedTuple):
    ally: Ally
    from_year: int
    by_year: int
    shape: Shape
    baseline: Baseline
    currency: Currency
    gdp: GdpSeries
    lines: tuple[PathLine, ...]

    @property
    def money(self) -> str:
        """The unit of every money figure: 'US$', 'EUR' or the national currency's code."""
        return unit([y.rate for y in self.lines[0].years], self.currency)

    @property
    def extra_years(self) -> tuple[int, int]:
        """The years a cumulative extra covers: after the start year, through the target year."""
        return self.from_year + 1, self.by_year


def path_line(
    name: str,
    target: TargetSpec | Sequence[tuple[TargetSpec, int]],
    start: ShareFigure | None,
    gdp: GdpSeries,
    rates: Sequence[Conversion],
    shape: Shape,
    baseline: Baseline,
) -> PathLine:
    """One line of a path: to `target` by the GDP series' last year, or through each (target, year)
    milestone in turn, each leg shaped from where the previous one ended."""
    first, last = gdp.points[0], gdp.points[-1]
    milestones = ((target, last.year),) if isinstance(target, TargetSpec) else tuple(target)
    start_pct = start.pct if start else 0.0
    # A target is a floor: an ally already above it keeps its share rather than cutting to it.
    legs: list[tuple[int, float, int, float]] = []
    leg_start, leg_pct = first.year, start_pct
    for spec, year in milestones:
        end_pct = max(leg_pct, spec.share_pct)
        legs.append((leg_start, leg_pct, year, end_pct))
        leg_start, leg_pct = year, end_pct
    first_gdp = first.usd_bn * rates[0].per_usd
    cumulative = 0.0
    years = []
    for point, rate in zip(gdp.points, rates, strict=True):
        share = start_pct
        for from_year, from_pct, to_year, to_pct in legs:
            if from_year < point.year <= to_year:
                fraction = (point.year - from_year) / (to_year - from_year)
                share = share_on_path(from_pct, to_pct, fraction, shape)
                break
        gdp_bn = point.usd_bn * rate.per_usd
        spending = share / 100 * gdp_bn
        base = start_pct / 100 * (gdp_bn if baseline is Baseline.FLAT_SHARE else first_gdp)
        extra = spending - base
        cumulative += extra
        years.append(PathYear(point.year, point, rate, share, gdp_bn, spending, base, extra, cumulative))
    return PathLine(name, milestones[-1][0], start, tuple(years), milestones)


HAGUE_TOTAL_IDS = ("hague", "hague-5pct")


HAGUE_CORE = TargetSpec(3.5, "hague-core", "Hague core defence 3.5% by 2035")


HAGUE_RELATED = TargetSpec(1.5, "hague-related", "Hague defence-related up to 1.5% by 2035")


def hague_parts(dataset: Dataset) -> tuple[TargetSpec, TargetSpec]:
    known = {t.id: t for t in dataset.targets}
    core = known.get("hague-core")
    related = known.get("hague-related")
    return (
        TargetSpec(core.share_pct, core.id, core.label) if core else HAGUE_CORE,
        TargetSpec(related.share_pct, related.id, related.label) if related else HAGUE_RELATED,
    )


def defence_path(
    dataset: Dataset,
    ally: Ally,
    target: TargetSpec | RelativeTarget | str | Sequence[Milestone],
    by_year: int | None = None,
    from_year: int | None = None,
    current_pct: float | None = None,
    shape: Shape = Shape.LINEAR,
    baseline: Baseline = Baseline.FLAT_SHARE,
    growth_pct: float | None = None,
    currency: Currency = Currency.USD,
) -> DefencePath:
    """The year-by-year path of one ally to a target share by `by_year`, or through several milestones
    (`target` a sequence of Milestone, in order, and no `by_year`).

    A target may be relative to the start share (RelativeTarget), or the text 'hague'/'hague-5pct',
    which plans the core 3.5% and the defence-related 1.5% as two lines: the related slice never
    offsets a core shortfall.
    """
    if not isinstance(target, (TargetSpec, RelativeTarget, str)) and len(target) == 1 and by_year is None:
        (target, by_year), *_ = target  # one milestone: a path to one target
    if isinstance(target, (TargetSpec, RelativeTarget, str)):
        if by_year is None:
            raise UsageError("give the year the target is reached", "--by")
        milestones: tuple[Milestone, ...] = (Milestone(target, by_year),)
        hague = isinstance(target, str)
    else:
        milestones = tuple(target)
        hague = False
        if not milestones or any(isinstance(m.target, str) for m in milestones):
            raise UsageError("a path with several milestones takes shares of GDP or rises (+1.5)", "--target")
    if not ally.has_armed_forces:
        raise SpendcalcError(f"{ally.name} has no armed forces: there is no defence share to plan from")
    start_year = from_year if from_year is not None else latest_share_year(ally)
    check_year(dataset, start_year, ahead_hint=False)
    previous = start_year
    for milestone in milestones:
        if not previous < milestone.year <= MAX_PATH_YEAR:
            after = "the start year" if previous == start_year else "the milestone before it"
            raise SpendcalcError(
                f"--by {milestone.year} must be after {after} ({previous}) and at most {MAX_PATH_YEAR}"
            )
        previous = milestone.year
    end_year = milestones[-1].year
    if current_pct is not None:
        start = ShareFigure.supplied(current_pct)
    else:
        recorded = ally.share(start_year)
        if recorded is None:
            raise SpendcalcError(f"{ally.name}: no defence share for {start_year}; give --current or --from")
        start = ShareFigure.of(recorded)
    gdp = gdp_series(ally, start_year, end_year, growth_pct, dataset)
    rates = [conversion(dataset, ally, p.year, currency) for p in gdp.points]
    known_rates = [r for r in rates if r is not None]
    if len(known_rates) != len(rates):
        missing = [p.year for p, r in zip(gdp.points, rates, strict=True) if r is None]
        code = ally.currency if currency is Currency.LCU else currency.value
        raise SpendcalcError(
            f"{ally.name}: no ECB rate for {code} in {missing[0]}; its {currency.value} figures are n/a "
            "(use --currency USD)"
        )
    codes = list(dict.fromkeys(r.code for r in known_rates))
    if len(codes) > 1:
        raise SpendcalcError(
            f"{ally.name} changed currency ({' → '.join(codes)}) within {start_year}–{end_year}: a path in "
            "national currency would add up two currencies; use --currency EUR or USD"
        )
    lines: tuple[PathLine, ...]
    if hague:
        if str(milestones[0].target).strip().casefold() not in HAGUE_TOTAL_IDS:
            raise UsageError(
                f"target {milestones[0].target!r}: give a TargetSpec, or 'hague' for the 3.5% + 1.5% split",
                "--target",
            )
        core, related = hague_parts(dataset)
        lines = (
            path_line("core", core, start, gdp, known_rates, shape, baseline),
            path_line("related", related, None, gdp, known_rates, shape, baseline),
        )
    else:
        resolved = [(_resolve(m.target, start), m.year) for m in milestones if not isinstance(m.target, str)]
        lines = (path_line("defence", resolved, start, gdp, known_rates, shape, baseline),)
    money = [y.cumulative_extra_bn for line in lines for y in line.years] + [y.gdp_bn for y in lines[0].years]
    if not all(math.isfinite(value) for value in money):
        raise SpendcalcError(
            f"{ally.name}: the path's money overflows in {currency.value}; check the dataset"
        )
    return DefencePath(ally, start_year, end_year, shape, baseline, currency, gdp, lines)


def _resolve(target: TargetSpec | RelativeTarget, start: ShareFigure) -> TargetSpec:
    """A rise from the start share as the share it reaches: 2.4% + 1.5 points is 3.9%."""
    if isinstance(target, TargetSpec):
        return checked(target)
    reached = start.pct + target.rise_pp
    if reached > 100:
        raise UsageError(f"{format_pct(start.pct)}% {target.name} is above 100% of GDP", "--target")
    return checked(TargetSpec(reached, None, f"{format_pct(start.pct)}% {target.name}"))


def latest_share_year(ally: Ally) -> int:
    years = ally.share_years
    if not years:
        where = f" of edition {ally.edition}" if ally.edition else ""
        raise SpendcalcError(f"{ally.name}: no defence share in any year{where}")
    return years[-1]


# --- a group's path: the sum of its members' own paths ---------------------------------------------


class GroupPathYear(NamedTuple):
    """One year of a group's path: the sums over the members counted that year (allies by then), each
    on its own path. Money in the path's currency (billions)."""

    year: int
    members: tuple[str, ...]
    """ISO3 codes of the members counted this year: those that had joined NATO by then."""
    gdp_bn: float
    spending_bn: float
    baseline_bn: float
    extra_bn: float
    cumulative_extra_bn: float
    target_bn: float
    """Σ each member's target share (the line's last) × its GDP: what the group spends at the target."""
    shortfall_bn: float
    """Σ over the members below their target of what lifting each to it would cost, no offsetting."""
    assumed_gdp: bool
    """Whether any member's GDP this year is extended beyond the dataset's projections."""
    planned_gdp_bn: float
    """ΣGDP of the members with a path: `gdp_bn` less a member's without armed forces (Iceland)."""

    @property
    def target_pct(self) -> float:
        """The members' targets weighted by their GDP (the target itself when it is one share)."""
        return self.target_bn / self.planned_gdp_bn * 100

    @property
    def share_pct(self) -> float:
        """Σspending / ΣGDP over the members of the year: never a mean of shares."""
        return self.spending_bn / self.gdp_bn * 100

    @property
    def net_gap_bn(self) -> float:
        """Σ target − Σ spending: members above their target offset those below."""
        return self.target_bn - self.spending_bn


class GroupPathLine(NamedTuple):
    name: str
    """As the members' lines: 'defence', or 'core' and 'related' for The Hague's 5%."""
    years: tuple[GroupPathYear, ...]

    @property
    def label(self) -> str:
        return LINE_LABELS.get(self.name, self.name)

    @property
    def cumulative_extra_bn(self) -> float:
        return self.years[-1].cumulative_extra_bn


class GdpOnly(NamedTuple):
    """A group member without armed forces (Iceland): no path and no spending, but its GDP counts in the
    group's, as in NATO's totals."""

    ally: Ally
    gdp: GdpSeries
    rates: tuple[Conversion, ...]
    gdp_bn: tuple[float, ...]
    """Each year's GDP in the path's currency."""


class GroupPath(NamedTuple):
    group: "GroupSpec"
    from_year: int
    by_year: int
    shape: Shape
    baseline: Baseline
    currency: Currency
    paths: tuple[DefencePath, ...]
    """Each member's own path (members with armed forces), in the group's order."""
    excluded: tuple[tuple[str, str], ...]
    """(ISO3, why) for the members without a path: no armed forces (their GDP is in `gdp_only`)."""
    lines: tuple[GroupPathLine, ...]
    gdp_only: tuple[GdpOnly, ...] = ()
    gdp_missing: tuple[str, ...] = ()
    """ISO3 of the members without armed forces whose GDP cannot be counted (none in the dataset for the
    path's years, or no rate into its currency): left out, as compare's group totals leave them out."""

    @property
    def money(self) -> str:
        return self.paths[0].money

    @property
    def extra_years(self) -> tuple[int, int]:
        return self.from_year + 1, self.by_year


def group_start_year(name: str, allies: Sequence[Ally]) -> int:
    """The latest year in which every member with armed forces has a share: the members' common start."""
    planned = [a for a in allies if a.has_armed_forces]
    if not planned:
        raise SpendcalcError(
            f"group {name!r}: no member has armed forces: there is no defence share to plan from"
        )
    return min(latest_share_year(a) for a in planned)


def group_path(
    dataset: Dataset,
    group: "GroupSpec",
    target: TargetSpec | RelativeTarget | str | Sequence[Milestone],
    by_year: int | None = None,
    from_year: int | None = None,
    shape: Shape = Shape.LINEAR,
    baseline: Baseline = Baseline.FLAT_SHARE,
    growth_pct: float | None = None,
    currency: Currency = Currency.USD,
) -> GroupPath:
    """A group's path: each member's own `defence_path` to the target (a rise `+1.5` from its own start
    share), all from one start year, summed year by year over the members of that year (an ally counts
    from its accession year, as NATO's aggregates do). Members without armed forces (Iceland) are left
    out of the spending but their GDP counts, as in NATO's totals. The group's share is Σspending / ΣGDP."""
    by_iso3 = {a.iso3: a for a in dataset.allies}
    allies = [by_iso3[m] for m in group.members if m in by_iso3]
    start = from_year if from_year is not None else group_start_year(group.name, allies)
    check_year(dataset, start, ahead_hint=False)
    if not any(a.has_armed_forces and a.joined <= start for a in allies):
        raise SpendcalcError(
            f"group {group.name!r}: no member counts in {start}: none was yet an ally with armed forces"
        )
    excluded = tuple((a.iso3, "n/a — no armed forces") for a in allies if not a.has_armed_forces)
    paths = tuple(
        defence_path(dataset, a, target, by_year, start, None, shape, baseline, growth_pct, currency)
        for a in allies
        if a.has_armed_forces
    )
    gdp_only: list[GdpOnly] = []
    gdp_missing: list[str] = []
    for ally in allies:
        if not ally.has_armed_forces:
            try:
                gdp_only.append(_gdp_only(dataset, ally, start, paths[0].by_year, growth_pct, currency))
            except SpendcalcError:
                gdp_missing.append(ally.iso3)
    codes = {p.money for p in paths} | {unit(list(g.rates), currency) for g in gdp_only}
    if len(codes) > 1:
        raise UsageError(
            f"group {group.name!r}: its members' national currencies ({', '.join(sorted(codes))}) cannot be "
            "summed; use --currency USD or EUR",
            "--currency",
        )
    first = paths[0]
    lines = tuple(
        _group_line(line.name, [p.lines[index] for p in paths], [p.ally for p in paths], gdp_only)
        for index, line in enumerate(first.lines)
    )
    return GroupPath(
        group,
        start,
        first.by_year,
        shape,
        baseline,
        currency,
        paths,
        excluded,
        lines,
        tuple(gdp_only),
        tuple(gdp_missing),
    )


def _gdp_only(
    dataset: Dataset, ally: Ally, start: int, end: int, growth_pct: float | None, currency: Currency
) -> GdpOnly:
    """A member without armed forces: its GDP each year, in the path's currency."""
    gdp = gdp_series(ally, start, end, growth_pct, dataset)
    rates = [conversion(dataset, ally, p.year, currency) for p in gdp.points]
    known = [rate for rate in rates if rate is not None]
    if len(known) != len(rates):
        raise SpendcalcError(f"{ally.name}: no rate into {currency.value} for every year of the path")
    values = tuple(p.usd_bn * rate.per_usd for p, rate in zip(gdp.points, known, strict=True))
    return GdpOnly(ally, gdp, tuple(known), values)


def _group_line(
    name: str, lines: Sequence[PathLine], allies: Sequence[Ally], gdp_only: Sequence[GdpOnly] = ()
) -> GroupPathLine:
    years = []
    cumulative = 0.0
    for index, first in enumerate(lines[0].years):
        counted = [(a, line) for a, line in zip(allies, lines, strict=True) if a.joined <= first.year]
        points = [line.years[index] for _, line in counted]
        targets = [line.target.share_pct / 100 * line.years[index].gdp_bn for _, line in counted]
        spending = math.fsum(p.spending_bn for p in points)
        baseline = math.fsum(p.baseline_bn for p in points)
        extra = math.fsum(p.extra_bn for p in points)
        cumulative += extra
        gdp_members = [g for g in gdp_only if g.ally.joined <= first.year]
        planned_gdp = [p.gdp_bn for p in points]
        years.append(
            GroupPathYear(
                first.year,
                tuple(a.iso3 for a, _ in counted),
                math.fsum([*planned_gdp, *(g.gdp_bn[index] for g in gdp_members)]),
                spending,
                baseline,
                extra,
                cumulative,
                math.fsum(targets),
                math.fsum(max(0.0, t - p.spending_bn) for t, p in zip(targets, points, strict=True)),
                any(p.gdp.kind == "assumed" for p in points)
                or any(g.gdp.points[index].kind == "assumed" for g in gdp_members),
                math.fsum(planned_gdp),
            )
        )
    return GroupPathLine(name, tuple(years))
