"""Money in US$, euros or national currency: which exchange rate each year's figure uses.

For the chosen edition's table years, NATO's implied rates (national-currency ÷ US$ spending; 2021's at
constant prices); then the IMF's implied rates (NGDP ÷ NGDPD) to their last year, and that last rate carried
forward after it; the ECB's annual averages only for years neither covers (the history years of an edition
without tables, Iceland before 2024). See domain/money.py.
"""

from typing import TYPE_CHECKING, NamedTuple

from spendcalc.choices import Currency
from spendcalc.domain.money import (
    CONSTANT_PRICE_YEAR,
    imf_rate,
    last_imf_year,
    max_fx_year,
    max_imf_year,
    nato_rate,
    tables,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from spendcalc.data.schema import Ally, Dataset
    from spendcalc.domain.money import Rate


class Conversion(NamedTuple):
    """How to turn US$ of one year into `code`: multiply by `per_usd`."""

    code: str
    per_usd: float
    year: int
    rate_year: int
    """The year whose rate is used; earlier than `year` for years after the last rate, 2021 at constant
    prices."""
    source: str | None
    """Source id of the rate; None for US$ itself."""
    method: str = "ecb"
    """'nato' (implied by NATO's tables), 'imf' (NGDP ÷ NGDPD), 'ecb' (annual average of daily rates)."""

    @property
    def carried_forward(self) -> bool:
        return self.rate_year > self.year or (self.rate_year < self.year and self.method != "nato")

    def convert(self, usd: float | None) -> float | None:
        return None if usd is None else usd * self.per_usd


def identity(year: int) -> Conversion:
    return Conversion("USD", 1.0, year, year, None)


def conversion(dataset: "Dataset", ally: "Ally | None", year: int, currency: Currency) -> "Conversion | None":
    """The rate for `year` (see the module's docstring); None where no rate exists, never a guess."""
    if currency is Currency.USD:
        return identity(year)
    euro = currency is Currency.EUR
    if ally is None and not euro:
        return None
    found = tables(dataset)
    if found.prices == "constant":
        rate = nato_rate(dataset, ally, CONSTANT_PRICE_YEAR, euro)
        return _of_rate(rate, year) if rate is not None else None
    rate = nato_rate(dataset, ally, year, euro) if year in found.years else None
    if rate is None:
        rate = imf_rate(dataset, ally, year, euro)
    if rate is None:
        last = last_imf_year(ally) if ally is not None else max_imf_year(dataset)
        if last is not None and year > last:
            rate = imf_rate(dataset, ally, last, euro)
    if rate is not None:
        return _of_rate(rate, year)
    return _ecb(dataset, ally, year, euro)


def _of_rate(rate: "Rate", year: int) -> Conversion:
    if rate.code == "USD":
        return identity(year)  # the dollar is the dollar, whatever the rounding of an implied rate
    # Made from its fields' tuple (no generated __new__ call): one for every ally and year of a run.
    return tuple.__new__(
        Conversion, (rate.code, rate.per_usd, year, rate.rate_year, rate.source, rate.method)
    )


def _ecb(dataset: "Dataset", ally: "Ally | None", year: int, euro: bool) -> "Conversion | None":
    """The ECB's annual average of `year` (the last full year's after it)."""
    if euro:
        eur_years = sorted(dataset.eur_per_usd)
        if not eur_years or year < eur_years[0]:
            return None
        rate_year = year if year in dataset.eur_per_usd else eur_years[-1] if year > eur_years[-1] else None
        if rate_year is None:
            return None
        rate = dataset.eur_per_usd[rate_year]
        return Conversion("EUR", rate.per_usd, year, rate_year, rate.source)
    if ally is None:  # pragma: no cover - the caller returns first
        return None
    fx_years = sorted(y for y, r in ally.years.items() if r.fx is not None)
    last_year = fx_years[-1] if fx_years else None
    if ally.currency == "USD" and not fx_years:
        return identity(year)
    if year in fx_years:
        rate_year = year
    elif last_year is not None and year > last_year:
        rate_year = last_year
    else:
        return None
    fx = ally.fx(rate_year)
    if fx is None:  # pragma: no cover - rate_year is taken from the years that have one
        return None
    return Conversion(fx.currency, fx.per_usd, year, rate_year, fx.source)


def conversions(
    dataset: "Dataset", ally: "Ally | None", years: "Sequence[int]", currency: Currency
) -> "tuple[Conversion | None, ...]":
    """`conversion` for each of `years`, looking up once the rate that every year from some year on shares:
    past the edition's tables, the IMF's years (every ally's) and the ECB's, each year converts at the same
    last rate, carried forward (a 2035 path asks for it nine times)."""
    if currency is Currency.USD:
        return tuple(identity(year) for year in years)
    # Every ally's last IMF and ECB years, not this ally's: a later start of the shared years only looks
    # a few more up one by one, to the same rates, and these are known once for the dataset.
    ends = [max_imf_year(dataset) or 0, max(dataset.eur_per_usd, default=0), max_fx_year(dataset) or 0]
    shared_from = max(ends) + 1
    found_tables = tables(dataset)
    while shared_from in found_tables.years:
        shared_from += 1
    constant = found_tables.prices == "constant"
    shared: Conversion | None = None
    dollar = False
    found: list[Conversion | None] = []
    euro = currency is Currency.EUR
    table_years = found_tables.years
    for year in years:
        if year < shared_from or constant:
            # After NATO's tables, `conversion` starts with the IMF's implied rate: asked directly here.
            rate = imf_rate(dataset, ally, year, euro) if not (constant or year in table_years) else None
            found.append(
                _of_rate(rate, year) if rate is not None else conversion(dataset, ally, year, currency)
            )
            continue
        if shared is None:
            shared = conversion(dataset, ally, year, currency)
            if shared is None:
                found.append(None)
                continue
            dollar = shared == identity(shared.year)
        # The dollar is the dollar each year (rate year = year); any other shared rate is carried forward.
        if dollar:
            found.append(identity(year))
        else:
            # Made from its fields' tuple (no generated __new__ call): one for every ally and later year.
            fields = (shared.code, shared.per_usd, year, shared.rate_year, shared.source, shared.method)
            found.append(tuple.__new__(Conversion, fields))
    return tuple(found)


def unit(conversions: "list[Conversion | None]", currency: Currency) -> str:
    """The money unit for a header: 'US$', 'EUR', 'GBP', or 'LCU' when allies' currencies differ."""
    codes = {c.code for c in conversions if c is not None}
    if currency is Currency.USD:
        return "US$"
    if len(codes) == 1:
        return codes.pop()
    return "LCU" if currency is Currency.LCU else currency.value
