"""Paths to a target year, national pledges and the GDP they rest on. Pure functions, frozen results.

A path raises the share of GDP from a start year to a target in a given year, and prices every year
against a stated baseline: the start share of each year's GDP (flat share) or the start year's cash
(flat cash). GDP comes from the dataset (IMF projections to 2030); after its last year it grows at the
last projected nominal rate, or at a rate the user gives, and those years are marked as assumed.
"""

import math
from collections.abc import Sequence
from enum import Enum
from typing import NamedTuple

from spendcalc.core import ShareFigure, TargetSpec, check_year, format_pct, year_span
from spendcalc.currency import Conversion, Currency, conversion, unit
from spendcalc.errors import SpendcalcError, UsageError
from spendcalc.models import Ally, Dataset, Pledge

MAX_PATH_YEAR = 2100
MAX_GROWTH_PCT = 100.0
"""Nominal growth a year; beyond this a path is not a scenario, and its figures would overflow."""


class Shape(str, Enum):
    LINEAR = "linear"
    """The same rise in share of GDP every year."""
    FRONT = "front"
    """Most of the rise early: share = start + rise × (1 − (1 − τ)²), τ the fraction of the years gone."""
    BACK = "back"
    """Most of the rise late: share = start + rise × τ²."""


class Baseline(str, Enum):
    FLAT_SHARE = "flat-share"
    """Keep spending the start share of each year's GDP."""
    FLAT_CASH = "flat-cash"
    """Keep spending the start year's amount, in the path's currency (no growth, no inflation)."""


def share_on_path(start: float, target: float, fraction: float, shape: Shape) -> float:
    """The share after `fraction` (0 to 1) of the years from start to target year have gone."""
    if shape is Shape.FRONT:
        progress = 1 - (1 - fraction) ** 2
    elif shape is Shape.BACK:
        progress = fraction**2
    else:
        progress = fraction
    return start + (target - start) * progress


# --- GDP through any year ---------------------------------------------------------------------------


class GdpPoint(NamedTuple):
    year: int
    usd_bn: float
    kind: str
    """actual, estimate or projection (from the dataset), or assumed (extended at a stated growth rate)."""
    source: str | None

    @property
    def assumed(self) -> bool:
        return self.kind == "assumed"


class GdpSeries(NamedTuple):
    points: tuple[GdpPoint, ...]
    growth_pct: float | None
    """The nominal growth used for assumed years; None when no year needed one."""
    growth_basis: str | None
    """Where that rate comes from, in words."""

    def at(self, year: int) -> GdpPoint:
        return next(p for p in self.points if p.year == year)


def gdp_series(ally: Ally, start: int, end: int, growth_pct: float | None = None) -> GdpSeries:
    """GDP for every year from `start` to `end`; `growth_pct` replaces the dataset after `start`."""
    first = ally.gdp(start)
    if first is None:
        raise SpendcalcError(f"{ally.name}: no GDP for {start}; GDP years: {year_span(ally.gdp_years)}")
    points = [GdpPoint(start, first.usd_bn, first.kind, first.source)]
    if growth_pct is not None:
        if not (math.isfinite(growth_pct) and -100 < growth_pct <= MAX_GROWTH_PCT):
            raise UsageError(
                f"growth {growth_pct}% must be a finite number above -100 and at most {MAX_GROWTH_PCT:g}",
                "--growth",
            )
        for year in range(start + 1, end + 1):
            points.append(GdpPoint(year, points[-1].usd_bn * (1 + growth_pct / 100), "assumed", None))
        given = f"{format_pct(growth_pct)}% a year from {start}, as given with --growth"
        return _finite(
            GdpSeries(tuple(points), growth_pct if end > start else None, given if end > start else None),
            ally,
        )
    rate: float | None = None
    basis: str | None = None
    for year in range(start + 1, end + 1):
        recorded = ally.gdp(year)
        if recorded is not None and rate is None:
            points.append(GdpPoint(year, recorded.usd_bn, recorded.kind, recorded.source))
            continue
        if rate is None:
            previous = ally.gdp(year - 2)
            if previous is None:
                raise SpendcalcError(
                    f"{ally.name}: no GDP after {year - 1} and no two years to extend it from; give --growth"
                )
            rate = (points[-1].usd_bn / previous.usd_bn - 1) * 100
            basis = (
                f"{rate:.2f}% a year after {year - 1}: the last projected nominal growth "
                f"({year - 2}→{year - 1}, [{points[-1].source}]), an assumption"
            )
        points.append(GdpPoint(year, points[-1].usd_bn * (1 + rate / 100), "assumed", None))
    return _finite(GdpSeries(tuple(points), rate, basis), ally)


def _finite(series: GdpSeries, ally: Ally) -> GdpSeries:
    if not all(math.isfinite(p.usd_bn) for p in series.points):
        raise SpendcalcError(
            f"{ally.name}: GDP at {series.growth_basis} grows beyond any number by the end year"
        )
    return series


# --- paths ---------------------------------------------------------------------------------------


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

    @property
    def label(self) -> str:
        return LINE_LABELS.get(self.name, self.name)

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
    target: TargetSpec,
    start: ShareFigure | None,
    gdp: GdpSeries,
    rates: Sequence[Conversion],
    shape: Shape,
    baseline: Baseline,
) -> PathLine:
    start_pct = start.pct if start else 0.0
    # A target is a floor: an ally already above it keeps its share rather than cutting to it.
    end_pct = max(start_pct, target.share_pct)
    first, last = gdp.points[0], gdp.points[-1]
    first_gdp = first.usd_bn * rates[0].per_usd
    span = last.year - first.year
    cumulative = 0.0
    years = []
    for point, rate in zip(gdp.points, rates, strict=True):
        fraction = (point.year - first.year) / span
        share = share_on_path(start_pct, end_pct, fraction, shape)
        gdp_bn = point.usd_bn * rate.per_usd
        spending = share / 100 * gdp_bn
        base = start_pct / 100 * (gdp_bn if baseline is Baseline.FLAT_SHARE else first_gdp)
        extra = spending - base
        cumulative += extra
        years.append(PathYear(point.year, point, rate, share, gdp_bn, spending, base, extra, cumulative))
    return PathLine(name, target, start, tuple(years))


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
    target: TargetSpec | str,
    by_year: int,
    from_year: int | None = None,
    current_pct: float | None = None,
    shape: Shape = Shape.LINEAR,
    baseline: Baseline = Baseline.FLAT_SHARE,
    growth_pct: float | None = None,
    currency: Currency = Currency.USD,
) -> DefencePath:
    """The year-by-year path of one ally to a target share by `by_year`.

    `target` may be a TargetSpec or the text 'hague'/'hague-5pct', which plans the core 3.5% and the
    defence-related 1.5% as two lines: the related slice never offsets a core shortfall.
    """
    if not ally.has_armed_forces:
        raise SpendcalcError(f"{ally.name} has no armed forces: there is no defence share to plan from")
    start_year = from_year if from_year is not None else _latest_share_year(ally)
    check_year(dataset, start_year)
    if not start_year < by_year <= MAX_PATH_YEAR:
        raise SpendcalcError(
            f"--by {by_year} must be after the start year {start_year} and at most {MAX_PATH_YEAR}"
        )
    if current_pct is not None:
        start = ShareFigure.supplied(current_pct)
    else:
        recorded = ally.share(start_year)
        if recorded is None:
            raise SpendcalcError(f"{ally.name}: no defence share for {start_year}; give --current or --from")
        start = ShareFigure.of(recorded)
    gdp = gdp_series(ally, start_year, by_year, growth_pct)
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
            f"{ally.name} changed currency ({' → '.join(codes)}) within {start_year}–{by_year}: a path in "
            "national currency would add up two currencies; use --currency EUR or USD"
        )
    lines: tuple[PathLine, ...]
    if isinstance(target, str):
        if target.strip().casefold() not in HAGUE_TOTAL_IDS:
            raise UsageError(
                f"target {target!r}: give a TargetSpec, or 'hague' for the 3.5% + 1.5% split", "--target"
            )
        core, related = hague_parts(dataset)
        lines = (
            path_line("core", core, start, gdp, known_rates, shape, baseline),
            path_line("related", related, None, gdp, known_rates, shape, baseline),
        )
    else:
        lines = (path_line("defence", target, start, gdp, known_rates, shape, baseline),)
    money = [y.cumulative_extra_bn for line in lines for y in line.years] + [y.gdp_bn for y in lines[0].years]
    if not all(math.isfinite(value) for value in money):
        raise SpendcalcError(
            f"{ally.name}: the path's money overflows in {currency.value}; check the dataset"
        )
    return DefencePath(ally, start_year, by_year, shape, baseline, currency, gdp, lines)


def _latest_share_year(ally: Ally) -> int:
    years = ally.share_years
    if not years:
        raise SpendcalcError(f"{ally.name}: no defence share in any year")
    return years[-1]


# --- pledges -------------------------------------------------------------------------------------


class PledgeCheck(NamedTuple):
    pledge: Pledge
    ally: Ally
    latest_year: int
    latest: ShareFigure
    """The ally's latest NATO share, the yardstick for the pledge."""
    hague_core_pct: float
    gdp: GdpPoint
    """GDP in the pledge year (projected or assumed where the year is in the future)."""
    gdp_growth_basis: str | None

    @property
    def rise_pp(self) -> float:
        """Pledge minus the latest NATO share, in points of GDP; negative when already above it."""
        return self.pledge.share_pct - self.latest.pct

    @property
    def hague_core_gap_pp(self) -> float:
        """How far the pledge falls short of The Hague's 3.5% core, in points of GDP; negative when it
        is above it (the sign of every gap in spendcalc: + is short)."""
        return self.hague_core_pct - self.pledge.share_pct

    @property
    def extra_usd_bn(self) -> float:
        """What the pledge costs in its year beyond the latest share of that year's GDP (flat share)."""
        return self.rise_pp / 100 * self.gdp.usd_bn


def check_pledges(dataset: Dataset, ally: Ally | None = None) -> tuple[PledgeCheck, ...]:
    hague_core = hague_parts(dataset)[0].share_pct
    by_iso = {a.iso3: a for a in dataset.allies}
    checks = []
    for pledge in dataset.pledges:
        if ally is not None and pledge.iso3 != ally.iso3:
            continue
        pledged = by_iso[pledge.iso3]
        latest_year = _latest_share_year(pledged)
        recorded = pledged.share(latest_year)
        if recorded is None:  # pragma: no cover - the latest share year has a share by definition
            continue
        if pledge.by_year >= latest_year:
            series = gdp_series(pledged, latest_year, pledge.by_year)
            gdp, basis = series.at(pledge.by_year), series.growth_basis
        else:
            gdp, basis = _recorded_gdp(pledged, pledge.by_year), None
        checks.append(
            PledgeCheck(
                pledge,
                pledged,
                latest_year,
                ShareFigure.of(recorded),
                hague_core,
                gdp,
                basis if gdp.assumed else None,
            )
        )
    return tuple(checks)


def _recorded_gdp(ally: Ally, year: int) -> GdpPoint:
    recorded = ally.gdp(year)
    if recorded is None:
        raise SpendcalcError(f"{ally.name}: no GDP for {year}")
    return GdpPoint(year, recorded.usd_bn, recorded.kind, recorded.source)
