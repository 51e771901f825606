"""Paths to a target year. Pure functions, frozen results.

A path raises the share of GDP from a start year to a target in a given year, and prices every year
against a stated baseline: the start share of each year's GDP (flat share) or the start year's cash
(flat cash). GDP comes from the dataset (IMF projections to 2030); after its last year it grows at the
last projected nominal rate, or at a rate the user gives, and those years are marked as assumed.
"""

import math
from collections.abc import Sequence
from typing import NamedTuple

from spendcalc.choices import Baseline, Currency, Shape
from spendcalc.data.schema import Ally, Dataset
from spendcalc.domain.currency import Conversion, conversion, unit
from spendcalc.domain.gaps import ShareFigure
from spendcalc.domain.gdp import MAX_PATH_YEAR, GdpPoint, GdpSeries, gdp_series
from spendcalc.domain.targets import TargetSpec
from spendcalc.domain.years import check_year
from spendcalc.errors import SpendcalcError, UsageError


def share_on_path(start: float, target: float, fraction: float, shape: Shape) -> float:
    """The share after `fraction` (0 to 1) of the years from start to target year have gone."""
    if shape is Shape.FRONT:
        progress = 1 - (1 - fraction) ** 2
    elif shape is Shape.BACK:
        progress = fraction**2
    else:
        progress = fraction
    return start + (target - start) * progress


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
    start_year = from_year if from_year is not None else latest_share_year(ally)
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


def latest_share_year(ally: Ally) -> int:
    years = ally.share_years
    if not years:
        where = f" of edition {ally.edition}" if ally.edition else ""
        raise SpendcalcError(f"{ally.name}: no defence share in any year{where}")
    return years[-1]
