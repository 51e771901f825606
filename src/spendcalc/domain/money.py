"""Money from NATO's own tables for the years an edition covers, and the exchange rates of every year.

For a year of the chosen edition's tables an ally's spending and GDP are NATO's (current US$, or constant
2021 US$ with `Dataset.for_prices('constant')`), never share × GDP; its exchange rate is the one NATO's tables
imply (national-currency spending ÷ US$ spending), so every ally with armed forces, Albania and North
Macedonia included, has national-currency figures. Iceland, which NATO's tables leave out, has its GDP as
the residual of NATO's own total (NATO's GDP totals include it): it counts in a group's GDP, never in its
spending, as in NATO's aggregates.

Outside the tables' years a rate is, in this order: the IMF's implied rate (NGDP ÷ NGDPD, 2024-2029), the
IMF's last implied rate carried forward (after 2029), or the ECB's annual average (history years of an
edition without tables). No rate is ever guessed: where none applies there is none.
"""

import functools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from spendcalc.data.compact import Gdp, Kind

if TYPE_CHECKING:
    from spendcalc.data.schema import Ally, Dataset, NatoTable

K = TypeVar("K")
V = TypeVar("V")

CONSTANT_PRICE_YEAR = 2021
"""NATO's constant-price tables are at 2021 prices and exchange rates."""

IMF_RATE_SOURCE = "imf-weo-2026-04-ngdp"


class NatoMoney(NamedTuple):
    """An ally's GDP and spending in one year from NATO's tables, US$ bn, in the dataset's prices."""

    year: int
    gdp_usd_bn: float
    spending_usd_bn: float | None
    """None for Iceland (no armed forces: GDP only)."""
    real_gdp_usd_bn: float
    """Constant 2021 US$, whatever the prices shown: NATO's shares and aggregates are ratios of these."""
    real_spending_usd_bn: float | None
    estimate: bool
    source: str
    """The edition's id."""
    residual: bool = False
    """GDP derived as NATO's total less the allies' (Iceland), not printed per ally by NATO."""

    @property
    def kind(self) -> Kind:
        return "estimate" if self.estimate else "actual"


class Rate(NamedTuple):
    code: str
    per_usd: float
    rate_year: int
    source: str | None
    method: str
    """'nato' (implied by NATO's tables), 'imf' (NGDP ÷ NGDPD), 'ecb' (annual average), 'usd'."""


# Per-object memos: datasets and their records are immutable, and a scenario or a path asks the same
# question for every year of every ally. Keyed by identity, checked on use, bounded.
_LAST_IMF_YEAR: "dict[int, tuple[object, int | None]]" = {}
_TABLES: "dict[int, tuple[object, Tables]]" = {}
"""NATO's tables of a dataset, looked up once per dataset (`tables`)."""
_MAX_IMF_YEAR: "dict[int, tuple[object, int | None]]" = {}
_MAX_FX_YEAR: "dict[int, tuple[object, int | None]]" = {}
_EURO_RATE: "dict[tuple[int, int, str], tuple[object, Rate | None]]" = {}
"""The euro's implied rate of a year (NATO's or the IMF's), summed over the euro allies: the same for every
ally asking."""
_DATASETS_KEPT = 8
"""A memo keyed by dataset holds its datasets alive: a few (a command has one; an edition or a price basis
chosen is another), not every dataset a long-lived program ever loaded."""
_MEMO_LIMIT = 256
"""Allies (32 to a dataset) and the euro's rates (a few dozen years to a dataset): several datasets' worth."""


def _remember(
    memo: "dict[int, tuple[object, Any]]", key: object, value: object, limit: int = _MEMO_LIMIT
) -> None:
    if len(memo) >= limit:
        memo.clear()
    memo[id(key)] = (key, value)


def _remembered(
    memo: "dict[int, tuple[object, Any]]", limit: int = _MEMO_LIMIT
) -> "Callable[[Callable[[K], V]], Callable[[K], V]]":
    """A function of one immutable object (an ally, a dataset), remembered per object in `memo` (at most
    `limit` objects, each held alive while remembered)."""

    def decorate(function: "Callable[[K], V]") -> "Callable[[K], V]":
        @functools.wraps(function)
        def remembered(key: K) -> V:
            cached = memo.get(id(key))
            if cached is not None and cached[0] is key:
                return cached[1]  # type: ignore[no-any-return]
            value = function(key)
            _remember(memo, key, value, limit)
            return value

        return remembered

    return decorate


class Tables(NamedTuple):
    """The chosen edition's tables a dataset's money is read from, looked up once per dataset: a run asks
    for them for every ally and year."""

    dataset: "Dataset"
    prices: str
    """'current' or 'constant'."""
    edition: str
    """The chosen edition's id."""
    gdp: "NatoTable | None"
    """NATO's GDP in the dataset's prices (US$ m); None for an edition without NATO's tables."""
    spending: "NatoTable | None"
    real_gdp: "NatoTable | None"
    """Constant 2021 US$, whatever the prices shown."""
    real_spending: "NatoTable | None"
    lcu_spending: "NatoTable | None"
    """National-currency spending in the dataset's prices (NATO's implied rates)."""
    years: range
    """The edition's table years (empty without tables)."""


@_remembered(_TABLES, _DATASETS_KEPT)
def tables(dataset: "Dataset") -> Tables:
    prices = dataset.prices
    constant = prices == "constant"
    spending_metric, gdp_metric = (
        ("spending_usd_2021_m", "gdp_usd_2021_m") if constant else ("spending_usd_m", "gdp_usd_m")
    )
    current_gdp = dataset.nato_table("gdp_usd_m")
    width = max((len(row) for row in current_gdp.values.values()), default=0) if current_gdp else 0
    return Tables(
        dataset,
        prices,
        dataset.edition.id,
        dataset.nato_table(gdp_metric),
        dataset.nato_table(spending_metric),
        dataset.nato_table("gdp_usd_2021_m"),
        dataset.nato_table("spending_usd_2021_m"),
        dataset.nato_table("spending_lcu_2021_m" if constant else "spending_lcu_m"),
        range(current_gdp.first_year, current_gdp.first_year + width) if current_gdp else range(0),
    )


def _value(table: "NatoTable | None", code: str, year: int) -> float | None:
    return table.value(code, year) if table is not None else None


def nato_money(dataset: "Dataset", ally: "Ally", year: int) -> NatoMoney | None:
    """NATO's own figures for an ally in `year` of the chosen edition's tables; None outside them."""
    found = tables(dataset)
    table = found.gdp
    if table is None:
        return None
    edition = table.edition
    estimate = year in table.estimate_years
    gdp = table.value(ally.iso3, year)
    if gdp is None:
        if ally.has_armed_forces or ally.iso3 in table.values:
            return None
        gdp_metric = "gdp_usd_2021_m" if found.prices == "constant" else "gdp_usd_m"
        residual = _iceland_gdp(dataset, ally, year, gdp_metric)
        real = _iceland_gdp(dataset, ally, year, "gdp_usd_2021_m")
        if residual is None or real is None:
            return None
        return NatoMoney(year, residual / 1000, None, real / 1000, None, estimate, edition, True)
    real_gdp = _value(found.real_gdp, ally.iso3, year)
    spending = _value(found.spending, ally.iso3, year)
    real_spending = _value(found.real_spending, ally.iso3, year)
    if real_gdp is None:  # pragma: no cover - NATO's tables give both GDP series wherever they give one
        return None
    return NatoMoney(
        year,
        gdp / 1000,
        None if spending is None else spending / 1000,
        real_gdp / 1000,
        None if real_spending is None else real_spending / 1000,
        estimate,
        edition,
    )


def nato_gdp(dataset: "Dataset", ally: "Ally", year: int) -> tuple[float, str, str] | None:
    """`nato_money`'s GDP, kind and source alone (US$ bn, 'actual' or 'estimate', the edition): a GDP
    series asks for it for every ally without the rest of NATO's figures."""
    found = tables(dataset)
    table = found.gdp
    if table is None:
        return None
    gdp = table.value(ally.iso3, year)
    if gdp is None and (ally.has_armed_forces or ally.iso3 in table.values):
        return None  # as nato_money: not one of the table's years, or no figure for the ally
    if gdp is None or found.real_gdp is None or found.real_gdp.value(ally.iso3, year) is None:
        money = nato_money(dataset, ally, year)  # Iceland's residual, or none
        return (money.gdp_usd_bn, money.kind, money.source) if money is not None else None
    return gdp / 1000, "estimate" if year in table.estimate_years else "actual", table.edition


def ally_money(dataset: "Dataset", ally: "Ally", year: int) -> "tuple[Gdp | None, NatoMoney | None]":
    """An ally's GDP record for `year`, and NATO's figures where they are the source: NATO's GDP (its
    source the edition) in the years of the chosen edition's tables, else the dataset's (IMF; World Bank
    before 2024), none at constant prices outside NATO's tables."""
    money = nato_money(dataset, ally, year)
    if money is None:
        return (None if tables(dataset).prices == "constant" else ally.gdp(year)), None
    # A compact record of figures already valid (NATO's, from a validated dataset), made without
    # validation as the loader makes the bundled ones.
    return Gdp(money.gdp_usd_bn, money.kind, money.source), money


def _iceland_gdp(dataset: "Dataset", ally: "Ally", year: int, metric: str) -> float | None:
    """An ally without armed forces that NATO's tables leave out: NATO's total GDP less the other allies'
    of that year (millions). NATO's GDP totals include Iceland's GDP; this is it, within rounding."""
    if ally.joined > year:
        return None
    total = dataset.nato_figure("NATO_TOTAL", year, metric)
    if total is None:
        return None
    others = [
        dataset.nato_figure(a.iso3, year, metric)
        for a in dataset.allies
        if a.joined <= year and a is not ally
    ]
    known = [value for value in others if value is not None]
    if len(known) != sum(1 for a in dataset.allies if a.joined <= year and a.has_armed_forces):
        return None
    residual = total - math.fsum(known)
    return residual if residual > 0 else None


def nato_rate(dataset: "Dataset", ally: "Ally | None", year: int, euro: bool = False) -> Rate | None:
    """NATO's implied rate: national-currency spending ÷ US$ spending of the year (at constant prices,
    2021's for every year). `euro`: the euro's, Σ over the allies whose NATO rows are in euros."""
    found = tables(dataset)
    constant = found.prices == "constant"
    lcu_table, usd_table = found.lcu_spending, found.spending
    if lcu_table is None or usd_table is None:
        return None
    rate_year = CONSTANT_PRICE_YEAR if constant else year
    own = lcu_table.currencies.get(ally.iso3) if ally is not None else None
    if euro and own == "EUR":
        euro = False  # a euro ally's own rate: its euros are its national currency
    if not euro and ally is not None:  # an ally's own rate (the common case: every ally, every year)
        lcu_m, usd_m = lcu_table.value(ally.iso3, year), usd_table.value(ally.iso3, year)
        if own is None or lcu_m is None or usd_m is None or usd_m <= 0:
            return None
        return Rate(own, lcu_m / usd_m, rate_year, lcu_table.edition, "nato")
    if not euro:
        return None
    cached = _EURO_RATE.get((id(dataset), year, "nato"))
    if cached is not None and cached[0] is dataset:
        return cached[1]
    rate = _nato_euro(lcu_table, usd_table, year, rate_year)
    _remember_euro(dataset, (id(dataset), year, "nato"), rate)
    return rate


def _nato_euro(lcu_table: "NatoTable", usd_table: "NatoTable", year: int, rate_year: int) -> Rate | None:
    """The euro's rate implied by NATO's tables: Σ euro spending ÷ Σ US$ spending of the euro allies."""
    codes = [c for c, currency in lcu_table.currencies.items() if currency == "EUR"]
    if not codes or usd_table.value(codes[0], year) is None:
        return None
    lcu = [lcu_table.value(c, year) for c in codes]
    usd = [usd_table.value(c, year) for c in codes]
    if None in lcu or None in usd:
        return None
    total_usd = math.fsum(v for v in usd if v is not None)
    if total_usd <= 0:  # pragma: no cover - NATO's spending is positive
        return None
    per_usd = math.fsum(v for v in lcu if v is not None) / total_usd
    return Rate("EUR", per_usd, rate_year, lcu_table.edition, "nato")


def imf_rate(dataset: "Dataset", ally: "Ally | None", year: int, euro: bool = False) -> Rate | None:
    """The IMF's implied rate of `year`: GDP in national currency ÷ GDP in US$ (NGDP ÷ NGDPD). `euro`: the
    euro's, Σ NGDP ÷ Σ NGDPD over the allies whose NGDP is in euros (an ally's own where it is one)."""
    if ally is not None:
        own = _imf_own(ally, year)
        if own is not None and (not euro or own[0] == "EUR"):
            return Rate(own[0], own[1], year, IMF_RATE_SOURCE, "imf")
    if not euro:
        return None
    cached = _EURO_RATE.get((id(dataset), year, "imf"))
    if cached is not None and cached[0] is dataset:
        return cached[1]
    lcu = usd = 0.0
    for other in dataset.allies:
        gdp_lcu, gdp = other.gdp_lcu(year), other.gdp(year)
        if gdp_lcu is not None and gdp is not None and gdp_lcu.currency == "EUR":
            lcu, usd = lcu + gdp_lcu.lcu_bn, usd + gdp.usd_bn
    rate = Rate("EUR", lcu / usd, year, IMF_RATE_SOURCE, "imf") if usd > 0 else None
    _remember_euro(dataset, (id(dataset), year, "imf"), rate)
    return rate


def _remember_euro(dataset: "Dataset", key: tuple[int, int, str], rate: Rate | None) -> None:
    if len(_EURO_RATE) >= _MEMO_LIMIT:
        _EURO_RATE.clear()
    _EURO_RATE[key] = (dataset, rate)


def _imf_own(ally: "Ally", year: int) -> tuple[str, float] | None:
    gdp_lcu, gdp = ally.gdp_lcu(year), ally.gdp(year)
    if gdp_lcu is None or gdp is None or not gdp.source.startswith("imf-"):
        return None
    return gdp_lcu.currency, gdp_lcu.lcu_bn / gdp.usd_bn


@_remembered(_LAST_IMF_YEAR)
def last_imf_year(ally: "Ally") -> int | None:
    """The last year of the IMF's NGDP and NGDPD for `ally` (remembered: a run asks for every year)."""
    for year, record in sorted(ally.years.items(), reverse=True):
        gdp = record.gdp
        if record.gdp_lcu is not None and gdp is not None and gdp.source.startswith("imf-"):  # _imf_own
            return year
    return None


@_remembered(_MAX_IMF_YEAR, _DATASETS_KEPT)
def max_imf_year(dataset: "Dataset") -> int | None:
    """The last year of the IMF's figures of any ally (remembered: asked for each ally's conversions)."""
    years = [year for year in map(last_imf_year, dataset.allies) if year is not None]
    return max(years) if years else None


@_remembered(_MAX_FX_YEAR, _DATASETS_KEPT)
def max_fx_year(dataset: "Dataset") -> int | None:
    """The last year of any ally's ECB rate (remembered: asked for each ally's conversions)."""
    years = [year for ally in dataset.allies for year, record in ally.years.items() if record.fx is not None]
    return max(years) if years else None
