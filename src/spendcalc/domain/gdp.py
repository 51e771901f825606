"""GDP through any year, in national currency first, then in US$ at each year's exchange rate.

For the years of the chosen edition's tables GDP is NATO's own (current US$, or constant 2021 US$). After
them GDP in national currency grows as the IMF's GDP in national currency does (NGDP, to 2029), then by the
IMF's real growth and CPI inflation (to 2031, an assumption), then at the last of those rates or at a rate
given with --growth (an assumption). US$ in those years is the national-currency figure at the IMF's
implied exchange rate (NGDP ÷ NGDPD; its last one after 2029), so that a series is continuous in every
currency. At constant prices the path is real growth only, at 2021 exchange rates. Without NATO's tables
(an older edition) the series starts from the dataset's US$ GDP (IMF; World Bank before 2024).
"""

import math
from typing import TYPE_CHECKING, Any, NamedTuple

from spendcalc.choices import Currency
from spendcalc.data.schema import Ally
from spendcalc.domain.currency import conversion
from spendcalc.domain.money import Tables, _imf_own, last_imf_year, nato_gdp, tables
from spendcalc.domain.targets import format_pct
from spendcalc.domain.years import year_span
from spendcalc.errors import SpendcalcError, UsageError

if TYPE_CHECKING:
    from spendcalc.data.schema import Dataset

MAX_PATH_YEAR = 2100
_tuple_new = tuple.__new__
"""A NamedTuple made from the tuple of its fields without the call of its generated __new__: about a
third cheaper, and a series makes one for every ally and year."""


MAX_GROWTH_PCT = 100.0
"""Nominal growth a year; beyond this a path is not a scenario, and its figures would overflow."""

NGDP_SOURCE = "imf-weo-2026-04-ngdp"


class GdpPoint(NamedTuple):
    year: int
    usd_bn: float
    kind: str
    """actual or estimate (NATO's or the dataset's), projection (the IMF's GDP in national currency), or
    assumed (IMF real growth and inflation, or a stated rate)."""
    source: str | None
    local_bn: float | None = None
    """The same GDP in national currency (2021's at constant prices), where a rate is known."""

    @property
    def assumed(self) -> bool:
        return self.kind == "assumed"


class GdpSeries(NamedTuple):
    points: tuple[GdpPoint, ...]
    growth_pct: float | None
    """The growth used for the years after the IMF's figures (or given); None when no year needed one."""
    basis: "_Basis | None" = None
    """What `growth_basis` says, kept as figures: the words are made only when shown."""

    @property
    def growth_basis(self) -> str | None:
        """Where every year after the first comes from, in words; None when all are recorded figures."""
        return self.basis.words() if self.basis is not None else None

    def at(self, year: int) -> GdpPoint:
        return next(p for p in self.points if p.year == year)


def recorded_gdp(dataset: "Dataset | None", ally: Ally, year: int) -> GdpPoint | None:
    """GDP of a year as recorded: NATO's (the chosen edition's tables, in the dataset's prices), else the
    dataset's US$ GDP (current prices only)."""
    if dataset is not None:
        nato = nato_gdp(dataset, ally, year)
        if nato is not None:
            return GdpPoint(year, *nato)
        if tables(dataset).prices == "constant":
            return None
    recorded = ally.gdp(year)
    return GdpPoint(year, recorded.usd_bn, recorded.kind, recorded.source) if recorded else None


class _Rates:
    """`_rate` for one series, remembering the rate of years that share one: at constant prices every
    year's (2021's), and after the IMF's last year and the edition's tables, the IMF's last implied rate
    (`conversion`'s rule), so a long path does not look the same rate up again each year."""

    def __init__(self, dataset: "Dataset | None", ally: Ally, found: "Tables | None") -> None:
        self.dataset, self.ally, self.found = dataset, ally, found
        self.constant = found is not None and found.prices == "constant"
        last_imf = last_imf_year(ally) if dataset is not None else None
        # From `shared_from` on, every year converts at the IMF's last implied rate (after the tables).
        self.shared_from = self.shared_key = 10_000  # no year
        if found is not None and last_imf is not None:
            self.shared_from, self.shared_key = last_imf + 1, last_imf
            while self.shared_from in found.years:
                self.shared_from += 1
        self.memo: dict[int, float | None] = {}

    def __call__(self, year: int) -> float | None:
        key = 0 if self.constant else self.shared_key if year >= self.shared_from else year
        memo = self.memo
        if key not in memo:
            memo[key] = _rate(self.dataset, self.ally, year, self.found)
        return memo[key]


def _rate(dataset: "Dataset | None", ally: Ally, year: int, found: "Tables | None") -> float | None:
    """National currency per US$ in `year`, as `conversion` gives it (IMF's implied rates without a
    dataset); `found`: the dataset's tables."""
    if dataset is None or found is None:
        last = last_imf_year(ally)
        own = _imf_own(ally, min(year, last) if last is not None else year)
        return own[1] if own else None
    if found.prices != "constant" and year not in found.years:
        # `conversion`'s rule for a year after NATO's tables: the IMF's implied rate of the year where it
        # gives one (the dollar's being 1), read without building the Rate and the Conversion.
        own = _imf_own(ally, year)
        if own is not None:
            return 1.0 if own[0] == "USD" else own[1]
    rate = conversion(dataset, ally, year, Currency.LCU)
    return rate.per_usd if rate else None


def gdp_series(
    ally: Ally, start: int, end: int, growth_pct: float | None = None, dataset: "Dataset | None" = None
) -> GdpSeries:
    """GDP for every year from `start` to `end` (see the module's docstring); `growth_pct` replaces
    everything after `start` (growth in national currency, or real growth at constant prices)."""
    first = recorded_gdp(dataset, ally, start)
    if first is None:
        years = ally.gdp_years
        raise SpendcalcError(f"{ally.name}: no GDP for {start}; GDP years: {year_span(years)}")
    if growth_pct is not None and not (math.isfinite(growth_pct) and -100 < growth_pct <= MAX_GROWTH_PCT):
        raise UsageError(
            f"growth {growth_pct}% must be a finite number above -100 and at most {MAX_GROWTH_PCT:g}",
            "--growth",
        )
    found = tables(dataset) if dataset is not None else None
    constant = found is not None and found.prices == "constant"
    rate_of = _Rates(dataset, ally, found)
    rate = rate_of(start)
    points = [GdpPoint(start, first.usd_bn, first.kind, first.source, first.usd_bn * rate if rate else None)]
    # A series runs through NATO's or the dataset's recorded years first, then only projects: the
    # segments say how each projected year was made ([first year, last year, what]).
    segments: list[list[Any]] = []
    records = ally.years  # read directly: a run asks for every ally's every year
    last_growth: float | None = None
    last_growth_years: tuple[int, int] | None = None
    previous = points[0]
    for year in range(start + 1, end + 1):
        growth: float | None = None
        what = kind = "assumed"
        source: str | None = None
        if growth_pct is not None:
            growth, what = growth_pct, "given"
        else:
            from_nato = False
            if not segments:  # still in the recorded years
                recorded = recorded_gdp(dataset, ally, year)
                if recorded is not None and found is not None:
                    from_nato = recorded.source == found.edition
            else:
                recorded = None
            now = records.get(year)
            if not constant and previous.local_bn and not from_nato:
                # The IMF's GDP in national currency, grown as it grows (NGDP, two years in one currency).
                before = records.get(year - 1)
                now_lcu = now.gdp_lcu if now is not None else None
                before_lcu = before.gdp_lcu if before is not None else None
                if now_lcu is not None and before_lcu is not None and now_lcu.currency == before_lcu.currency:
                    growth, what = (now_lcu.lcu_bn / before_lcu.lcu_bn - 1) * 100, "projection"
                    kind, source = what, now_lcu.source
            if growth is None and recorded is not None:
                rate = rate_of(year)
                local_bn = recorded.usd_bn * rate if rate else None
                previous = GdpPoint(year, recorded.usd_bn, recorded.kind, recorded.source, local_bn)
                points.append(previous)
                continue
            if growth is None:
                imf = now.growth if now is not None else None
                if imf is not None:
                    growth, source = (imf.real_pct if constant else imf.nominal_pct), imf.source
                    last_growth, last_growth_years = growth, (year - 1, year)
                else:
                    if last_growth is None:
                        # The last rate: of the series' last two years, or, when the series starts in
                        # the last year with a GDP, of the recorded year before it and that one.
                        recorded_before = recorded_gdp(dataset, ally, start - 1) if len(points) == 1 else None
                        if recorded_before is not None:
                            rate = rate_of(start - 1)
                            local = recorded_before.usd_bn * rate if rate else None
                            year_before = recorded_before._replace(local_bn=local)
                            last_growth = _last_recorded_growth([year_before, points[0]])
                        else:
                            last_growth = _last_recorded_growth(points)
                        if last_growth is None:
                            raise SpendcalcError(
                                f"{ally.name}: no GDP after {year - 1} and no two years to extend it from; "
                                "give --growth"
                            )
                        last_growth_years = (year - 2, year - 1)
                    growth, what = last_growth, "last"
        if segments and segments[-1][2] == what and segments[-1][1] == year - 1:
            segments[-1][1] = year
        else:
            segments.append([year, year, what])
        local = previous.local_bn * (1 + growth / 100) if previous.local_bn is not None else None
        rate = rate_of(year) if local is not None else None
        if local is not None and rate:
            usd = local / rate
        else:
            local, usd = None, previous.usd_bn * (1 + growth / 100)
        previous = _tuple_new(GdpPoint, (year, usd, kind, source, local))
        points.append(previous)
    # Each projected year grows the one before it (by a factor above 0), so a series that overflowed
    # ends in infinity: its last year says.
    if not math.isfinite(points[-1].usd_bn):  # pragma: no cover - growth is bounded
        raise SpendcalcError(f"{ally.name}: GDP grows beyond any number by {end}")
    if not segments:
        return GdpSeries(tuple(points), None)
    basis = _Basis(
        tuple((first, last, what) for first, last, what in segments),
        growth_pct,
        start,
        last_growth,
        last_growth_years,
        constant,
        dataset is not None,
    )
    used = growth_pct if growth_pct is not None else last_growth
    return GdpSeries(tuple(points), used, basis)


def _last_recorded_growth(points: list[GdpPoint]) -> float | None:
    if len(points) < 2:
        return None
    a, b = points[-2], points[-1]
    if a.local_bn is not None and b.local_bn is not None:
        return (b.local_bn / a.local_bn - 1) * 100
    return (b.usd_bn / a.usd_bn - 1) * 100


class _Basis(NamedTuple):
    """How a series' years after the first were made, as figures; `words` says it."""

    segments: tuple[tuple[int, int, str], ...]
    """(first year, last year, what): 'projection' (IMF NGDP), 'assumed' (IMF real growth and CPI),
    'last' (the last rate carried on) or 'given' (--growth)."""
    growth_pct: float | None
    start: int
    last_growth: float | None
    last_years: tuple[int, int] | None
    constant: bool
    with_rates: bool

    def words(self) -> str:
        if self.growth_pct is not None:
            measured = "real growth" if self.constant else "growth in national currency"
            given = f"{format_pct(self.growth_pct)}% a year from {self.start}"
            return f"{given}, as given with --growth ({measured})"
        parts = []
        for first, last, label in self.segments:
            span = f"{first}" if first == last else f"{first}–{last}"
            if label == "projection":
                parts.append(f"{span} as the IMF's GDP in national currency grows [{NGDP_SOURCE}]")
            elif label == "assumed":
                measure = "real growth" if self.constant else "real growth and CPI inflation"
                parts.append(f"{span} at the IMF's {measure} [imf-weo-2026-04-growth], an assumption")
            else:  # the last rate, carried on
                rate = f"{self.last_growth:.2f}%" if self.last_growth is not None else "the last rate"
                years = f" ({self.last_years[0]}→{self.last_years[1]})" if self.last_years else ""
                parts.append(f"from {first} {rate} a year, the last rate{years}, an assumption")
        if self.with_rates and not self.constant:
            parts.append(
                "US$ and euros at the IMF's implied exchange rates (NGDP ÷ NGDPD), its last one after 2029"
            )
        if self.constant:
            parts.append("constant 2021 US$ and exchange rates")
        return "; ".join(parts)
