"""An ally's share and spending year by year."""

from typing import NamedTuple

from spendcalc.data.schema import Ally, Dataset, Gdp
from spendcalc.domain.gaps import ShareFigure
from spendcalc.domain.years import year_span
from spendcalc.errors import SpendcalcError


class HistoryYear(NamedTuple):
    year: int
    share: ShareFigure | None
    gdp: Gdp | None
    spending_usd_bn: float | None


def history(
    ally: Ally, from_year: int | None = None, to_year: int | None = None, dataset: Dataset | None = None
) -> tuple[HistoryYear, ...]:
    """An ally's share and spending for each year with a share (or with GDP, for an ally without one).

    With `dataset`, GDP and spending are NATO's own figures in the years of its tables (in the dataset's
    prices); elsewhere spending is share × GDP."""
    from spendcalc.domain.money import ally_money

    years = ally.share_years or ally.gdp_years
    if not years:
        raise SpendcalcError(f"{ally.name}: no figures in any year")
    first = years[0] if from_year is None else from_year
    last = years[-1] if to_year is None else to_year
    if from_year is not None and to_year is not None and from_year > to_year:
        raise SpendcalcError(f"--from {from_year} is after --to {to_year}")
    chosen = [y for y in years if first <= y <= last]
    if not chosen:
        raise SpendcalcError(
            f"{ally.name}: no figures for {first}–{last}; years with data: {year_span(years)}"
        )
    rows = []
    for year in chosen:
        recorded = ally.share(year)
        gdp, money = ally_money(dataset, ally, year) if dataset is not None else (ally.gdp(year), None)
        share = ShareFigure.of(recorded) if recorded else None
        if money is not None and money.spending_usd_bn is not None:
            spending: float | None = money.spending_usd_bn
        else:
            spending = share.pct / 100 * gdp.usd_bn if share and gdp else None
        rows.append(HistoryYear(year, share, gdp, spending))
    return tuple(rows)
