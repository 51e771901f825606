"""An ally's share and spending year by year."""

import math
from collections.abc import Sequence
from typing import NamedTuple

from spendcalc.data.schema import Ally, Dataset, Gdp
from spendcalc.domain.gaps import ShareFigure
from spendcalc.domain.groups import GroupSpec
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
    chosen = _chosen(years, from_year, to_year, f"{ally.name}: no figures", "years with data")
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


class GroupHistoryYear(NamedTuple):
    """A group's year: sums over the members counted that year (allies by then, with a share and GDP)."""

    year: int
    members: tuple[str, ...]
    """ISO3 codes of the members counted; empty in a year none of them counts (figures then missing)."""
    gdp_usd_bn: float | None
    spending_usd_bn: float | None
    estimate: bool
    """Whether any counted member's share is an estimate."""
    share_sources: tuple[str, ...]
    gdp_sources: tuple[str, ...]
    nato_spending_usd_bn: float | None = None
    """Σ NATO's own current-dollar spending of the members counted, where every one of them has it."""
    spending_usd_2021_bn: float | None = None
    """Σ NATO's own spending at 2021 prices of the members counted, where every one of them has it."""
    real_change_pct: float | None = None
    """The change of that sum on the year before, over the same members (like for like)."""
    nato_share_pct: float | None = None
    """Σ constant-2021 spending / Σ constant-2021 GDP (NATO's way), where its tables give every member's."""

    @property
    def share_pct(self) -> float | None:
        """NATO's way where its tables give the year, else Σspending / ΣGDP; None in a year with no member
        counted."""
        if self.spending_usd_bn is None or not self.gdp_usd_bn:
            return None
        if self.nato_share_pct is not None:
            return self.nato_share_pct
        return self.spending_usd_bn / self.gdp_usd_bn * 100


def group_history(
    dataset: Dataset, group: GroupSpec, from_year: int | None = None, to_year: int | None = None
) -> tuple[GroupHistoryYear, ...]:
    """A group's share and spending for each year with a share of any member, summed over the members
    of that year (an ally counts from its accession year, as NATO's aggregates do; Iceland never)."""
    from spendcalc.domain.gaps import ally_gaps
    from spendcalc.domain.groups import counts_in_totals, group_total

    by_iso3 = {a.iso3: a for a in dataset.allies}
    allies = [by_iso3[m] for m in group.members if m in by_iso3]
    years = sorted({y for a in allies for y in a.share_years})
    if not years:
        raise SpendcalcError(f"group {group.name!r}: no member has a share in any year")
    chosen = _chosen(years, from_year, to_year, f"group {group.name!r}: no figures", "years")

    def nato_sum(members: Sequence[str], year: int, metric: str) -> float | None:
        values = [dataset.nato_figure(m, year, metric) for m in members]
        known = [v for v in values if v is not None]
        return math.fsum(known) / 1000 if members and len(known) == len(values) else None

    rows = []
    for year in chosen:
        gaps = [ally_gaps(dataset, a, year, ()) for a in allies]
        counted = [g for g in gaps if counts_in_totals(g)]
        members = tuple(g.ally.iso3 for g in counted)
        real = nato_sum(members, year, "spending_usd_2021_m")
        before = nato_sum(members, year - 1, "spending_usd_2021_m")
        # Summed as compare's totals are: Iceland's GDP counted as in NATO's totals, NATO's share.
        summed = group_total(group.name, gaps, ()) if counted else None
        rows.append(
            GroupHistoryYear(
                year,
                members,
                summed.gdp_usd_bn if summed else None,
                summed.spending_usd_bn if summed else None,
                any(g.share.estimate for g in counted if g.share),
                tuple(dict.fromkeys(g.share.source for g in counted if g.share and g.share.source)),
                tuple(dict.fromkeys(g.gdp.source for g in counted if g.gdp)),
                nato_sum(members, year, "spending_usd_m"),
                real,
                (real / before - 1) * 100 if real is not None and before else None,
                summed.real_share_pct if summed else None,
            )
        )
    if not any(r.members for r in rows):
        raise SpendcalcError(
            f"group {group.name!r}: no member counts in {year_span(chosen)}: none was yet an ally with a "
            "share and GDP"
        )
    return tuple(rows)


def _chosen(
    years: Sequence[int], from_year: int | None, to_year: int | None, what: str, label: str
) -> list[int]:
    """The years of `years` within --from/--to (their ends by default); one clear line when none is."""
    first = years[0] if from_year is None else from_year
    last = years[-1] if to_year is None else to_year
    if from_year is not None and to_year is not None and from_year > to_year:
        raise SpendcalcError(f"--from {from_year} is after --to {to_year}")
    chosen = [y for y in years if first <= y <= last]
    if not chosen:
        raise SpendcalcError(f"{what} for {first}–{last}; {label}: {year_span(years)}")
    return chosen
