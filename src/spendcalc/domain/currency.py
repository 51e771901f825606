"""Money in US$, euros or national currency, at the dataset's annual average rates."""

from typing import TYPE_CHECKING, NamedTuple

from spendcalc.choices import Currency

if TYPE_CHECKING:
    from spendcalc.data.schema import Ally, Dataset


class Conversion(NamedTuple):
    """How to turn US$ of one year into `code`: multiply by `per_usd`."""

    code: str
    per_usd: float
    year: int
    rate_year: int
    """The year whose average rate is used; earlier than `year` for projection years."""
    source: str | None
    """Source id of the rate; None for US$ itself."""

    @property
    def carried_forward(self) -> bool:
        return self.rate_year != self.year

    def convert(self, usd: float | None) -> float | None:
        return None if usd is None else usd * self.per_usd


def identity(year: int) -> Conversion:
    return Conversion("USD", 1.0, year, year, None)


def conversion(dataset: "Dataset", ally: "Ally | None", year: int, currency: Currency) -> "Conversion | None":
    """The rate for `year`: that year's average where there is one, else (for years after the last
    full year of rates) the last full year's; None where no rate exists, never a guess."""
    if currency is Currency.USD:
        return identity(year)
    if currency is Currency.EUR:
        eur_years = sorted(dataset.eur_per_usd)
        if not eur_years or year < eur_years[0]:
            return None
        rate_year = year if year in dataset.eur_per_usd else eur_years[-1] if year > eur_years[-1] else None
        if rate_year is None:
            return None
        rate = dataset.eur_per_usd[rate_year]
        return Conversion("EUR", rate.per_usd, year, rate_year, rate.source)
    if ally is None:
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


def unit(conversions: "list[Conversion | None]", currency: Currency) -> str:
    """The money unit for a header: 'US$', 'EUR', 'GBP', or 'LCU' when allies' currencies differ."""
    codes = {c.code for c in conversions if c is not None}
    if currency is Currency.USD:
        return "US$"
    if len(codes) == 1:
        return codes.pop()
    return "LCU" if currency is Currency.LCU else currency.value
