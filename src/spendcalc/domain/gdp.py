"""GDP through any year: the dataset's figures (IMF projections to 2030), then extended at a stated rate."""

import math
from typing import NamedTuple

from spendcalc.data.schema import Ally
from spendcalc.domain.targets import format_pct
from spendcalc.domain.years import year_span
from spendcalc.errors import SpendcalcError, UsageError

MAX_PATH_YEAR = 2100


MAX_GROWTH_PCT = 100.0
"""Nominal growth a year; beyond this a path is not a scenario, and its figures would overflow."""


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
