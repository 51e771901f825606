"""`compare` and `export`: every ally against every target, with the group totals."""

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from spendcalc.choices import Currency
from spendcalc.data.schema import Dataset
from spendcalc.domain.comparison import Comparison
from spendcalc.domain.currency import Conversion, conversion, unit
from spendcalc.domain.gaps import AllyGaps, Status, target_index
from spendcalc.domain.groups import GroupTotal
from spendcalc.domain.targets import TargetSpec, format_pct
from spendcalc.reports.columns import Grid, Table
from spendcalc.reports.common import (
    SIGN_NOTE,
    metadata,
    money_note,
    rate_note,
    source_notes,
)
from spendcalc.reports.gap import GapItem, gap_fields
from spendcalc.reports.groups import group_note
from spendcalc.reports.model import Cell, Report


def _target_header(target: TargetSpec, unit: str, heading: str = "Gap") -> str:
    return f"{heading} {format_pct(target.share_pct)}%\n({unit})"


def not_yet_allies_note(allies: Iterable[AllyGaps], year: int) -> list[str]:
    later = [g.ally for g in allies if g.status is Status.OK and g.ally.joined > year]
    if not later:
        return []
    names = ", ".join(f"{a.name} ({a.joined})" for a in later)
    return [f"Not yet allies in {year}: {names}; shown, but left out of totals and counts."]


def within_rounding_note(allies: Iterable[AllyGaps]) -> list[str]:
    """Allies whose verdict on a target rests on a share published only to 0.1, within half of that."""
    close = [
        f"{g.ally.name} ({format_pct(row.target.share_pct)}%)"
        for g in allies
        if g.share is not None and g.share.precision >= 0.1
        for row in g.rows
        if abs(row.gap_pp) < g.share.precision / 2
    ]
    if not close:
        return []
    return [
        f"Within rounding: {', '.join(close)}: the share was published only to 0.1, so meeting the "
        "target or not rests on the rounded figure."
    ]


def compare_table(
    targets: Sequence[TargetSpec], currency: Currency, money: str, with_code: bool, measure: str = "gap"
) -> Table[GapItem]:
    """A row per ally (or group), a column per target: each column is a field of the records, read for
    that target (`Field.over`), so the table shows exactly what CSV and JSON export. `measure` is the
    field in the target columns: the gap, or for a group its shortfall."""
    fields = {f.key: f for f in gap_fields(currency, money).fields}
    in_usd = currency is Currency.USD
    spending = fields["spending_usd_bn" if in_usd else "spending_bn"]
    per_target = fields[f"{measure}_usd_bn" if in_usd else f"{measure}_bn"]

    def of_ally(item: GapItem) -> GapItem:
        return item

    def for_target(target: TargetSpec) -> Callable[[GapItem], GapItem]:
        return lambda item: item._replace(target=target)

    heading = "Gap" if measure == "gap" else "Shortfall"
    return Table(
        (
            fields["name"],
            *((fields["currency"],) if with_code else ()),
            fields["share_pct"],
            spending.over(spending.key, f"Spending\n({money} bn)", of_ally),
            *(
                per_target.over(
                    f"{measure}_{t.name}", _target_header(t, f"{money} bn", heading), for_target(t)
                )
                for t in targets
            ),
        )
    )


def _footer(
    comparison: Comparison, total_rate: Conversion | None, currency: Currency, money: str, with_code: bool
) -> tuple[tuple[Cell, ...], ...]:
    """Each group's total, net, then what lifting only its members below each target would cost."""
    net = compare_table(comparison.targets, currency, money, with_code)
    shortfall = compare_table(comparison.targets, currency, money, with_code, "shortfall")
    fixed = len(net.columns()) - len(comparison.targets)  # name, currency, share, spending
    rows: list[tuple[Cell, ...]] = []
    positions = target_index(comparison.targets)
    for total in comparison.totals:
        item = GapItem(total, None, total_rate, comparison.year, positions)
        _, *net_cells = net.row(item)
        rows.append((Cell(total.name), *net_cells))
        short_cells = shortfall.row(item)[fixed:]
        rows.append((Cell("  shortfall"), *(Cell("") for _ in range(fixed - 1)), *short_cells))
    alliance = comparison.totals[0]
    rows.append(
        (
            Cell("Allies meeting it"),
            *(Cell("") for _ in range(fixed - 1)),
            *(Cell(f"{r.members_meeting} of {r.members_counted}") for r in alliance.rows),
        )
    )
    return tuple(rows)


def compare_report(
    dataset: Dataset,
    comparison: Comparison,
    generated: datetime | None = None,
    currency: Currency = Currency.USD,
    table: bool = True,
) -> Report:
    """`table=False` leaves out the table for people (rows and footer): `export` has its own."""
    targets = comparison.targets
    year = comparison.year
    rates = _rates(dataset, comparison, currency)
    money = unit(list(rates.values()), currency)
    with_code = currency is Currency.LCU and money == "LCU"
    total_rate = _total_rate(dataset, year, currency)
    excluded = [a for a in comparison.allies if a.status is not Status.OK]
    notes = [
        # The totals cover every ally, shown or not (--only-below): cite what they rest on too.
        *source_notes(dataset, [*_year_sources(dataset, year), *(r.source for r in rates.values() if r)]),
        money_note(dataset),
        SIGN_NOTE,
        "Totals are Σspending / ΣGDP over the allies with a share, NATO's way where its tables give the "
        "year (the share Σ constant-2021 spending / Σ constant-2021 GDP, Iceland's GDP counted as in NATO's "
        "totals); their gaps are net: the group's GDP × (target − its share), where allies above a target "
        "offset those below. The shortfall under each total is what lifting only its allies below a target "
        "to it would cost, with no offsetting (NATO's weighting by constant-2021 GDP and Iceland's GDP can "
        "make a net gap exceed it slightly).",
    ]
    notes += [group_note(dataset, g) for g in comparison.groups]
    gdp_only = {iso3 for total in comparison.totals for iso3 in total.gdp_only}
    notes += [
        f"{g.ally.name}: {g.status.value}; left out of the counts; its GDP counts in the totals' GDP, as "
        "in NATO's."
        if g.ally.iso3 in gdp_only
        else f"{g.ally.name}: {g.status.value}; left out of totals and counts."
        for g in excluded
    ]
    notes += not_yet_allies_note(comparison.allies, year)
    notes += within_rounding_note(comparison.allies)
    if not comparison.allies:
        lowest = min((t.share_pct for t in targets), default=0.0)
        notes.insert(
            0, f"No ally is below {format_pct(lowest)}% of GDP in {year}; the totals cover every ally."
        )
    if currency is Currency.LCU:
        notes.append("National currencies cannot be summed: totals in national currency are n/a.")
    notes += _rate_notes(comparison.allies, rates, currency)
    grid = compare_table(targets, currency, money, with_code)
    return Report(
        title=f"Defence spending of the NATO allies against each target, {year}",
        columns=grid.columns(),
        rows=grid.rows(GapItem(g, None, rates[g.ally.iso3]) for g in comparison.allies) if table else (),
        footer=_footer(comparison, total_rate, currency, money, with_code) if table else (),
        notes=tuple(notes),
        record_columns=gap_fields(currency).record_columns(),
        records=_records(comparison, rates, total_rate, currency),
        metadata={
            **metadata(dataset, year, targets, generated),
            "currency": currency.value,
            "totals": [_total_record(t) for t in comparison.totals],
        },
    )


def _rate_notes(
    allies: Sequence[AllyGaps], rates: dict[str, Conversion | None], currency: Currency
) -> list[str]:
    """One note per currency and kind of rate (the euro allies' own rates, which NATO's rounding to
    millions makes differ in the fourth decimal, in one), then the allies with none."""
    notes: list[str] = []
    kinds: dict[tuple[str, str, int, str | None], list[Conversion]] = {}
    for gaps in allies:
        if gaps.status is not Status.OK:
            continue
        rate = rates[gaps.ally.iso3]
        if rate is not None and rate.source is not None:
            kinds.setdefault((rate.code, rate.method, rate.rate_year, rate.source), []).append(rate)
            continue
        note = rate_note(rate, currency, gaps.ally.name, gaps.ally.currency)
        if note and note not in notes:
            notes.append(note)
    grouped: list[str] = []
    for same in kinds.values():
        note = rate_note(same[0], currency, "", "") or ""
        low, high = min(r.per_usd for r in same), max(r.per_usd for r in same)
        if f"{low:.4f}" != f"{high:.4f}":
            note = note.replace(f"{same[0].per_usd:.4f}", f"{low:.4f}–{high:.4f} (each ally's own)", 1)
        grouped.append(note)
    return grouped + notes


def _total_record(total: GroupTotal) -> dict[str, object]:
    return {
        "name": total.name,
        "members": list(total.members),
        "excluded": list(total.excluded),
        "gdp_usd_bn": total.gdp_usd_bn,
        "spending_usd_bn": total.spending_usd_bn,
        "share_pct": total.share_pct,
        "targets": [
            {
                "target_pct": r.target.share_pct,
                "gap_pp": r.gap_pp,
                "gap_usd_bn": r.gap_usd_bn,
                "shortfall_usd_bn": r.shortfall_usd_bn,
                "allies_meeting": r.members_meeting,
                "allies_counted": r.members_counted,
            }
            for r in total.rows
        ],
    }


def _year_sources(dataset: Dataset, year: int) -> list[str | None]:
    ids: list[str | None] = []
    from spendcalc.domain.money import ally_money

    for ally in dataset.allies:
        share, (gdp, _) = ally.share(year), ally_money(dataset, ally, year)
        ids += [share.source if share else None, gdp.source if gdp else None]
    return ids


def _rates(dataset: Dataset, comparison: Comparison, currency: Currency) -> dict[str, Conversion | None]:
    return {g.ally.iso3: conversion(dataset, g.ally, comparison.year, currency) for g in comparison.allies}


def _records(
    comparison: Comparison,
    rates: dict[str, Conversion | None],
    total_rate: Conversion | None,
    currency: Currency,
) -> Grid[GapItem, TargetSpec]:
    """A record per ally and target, then per group total and target (`group` true), built as read."""
    return Grid(gap_fields(currency), _subjects(comparison, rates, total_rate), comparison.targets, _at)


def _subjects(
    comparison: Comparison, rates: dict[str, Conversion | None], total_rate: Conversion | None
) -> list[GapItem]:
    """The grid's subjects in order: each ally, then each group total (without a target)."""
    items = [GapItem(g, None, rates[g.ally.iso3]) for g in comparison.allies]
    positions = target_index(comparison.targets)
    items += [GapItem(t, None, total_rate, comparison.year, positions) for t in comparison.totals]
    return items


def _at(subject: GapItem, target: TargetSpec) -> GapItem:
    return GapItem(subject.subject, target, subject.rate, subject.year, subject.positions)


def _grid_items(
    comparison: Comparison, rates: dict[str, Conversion | None], total_rate: Conversion | None
) -> list[GapItem]:
    """The grid's items in order: each ally × target, then each group total × target."""
    subjects = _subjects(comparison, rates, total_rate)
    return [_at(subject, target) for subject in subjects for target in comparison.targets]


def _total_rate(dataset: Dataset, year: int, currency: Currency) -> Conversion | None:
    # National currencies cannot be added up: with LCU the totals' money is in US$ only, in the metadata.
    return conversion(dataset, None, year, currency) if currency is not Currency.LCU else None


def export_report(
    dataset: Dataset,
    comparison: Comparison,
    generated: datetime | None = None,
    currency: Currency = Currency.USD,
    table: bool = True,
) -> Report:
    """The scenario grid: the comparison as tidy rows, one per ally (then group total) × target, every
    field a column; with `table=False` only as records (CSV and JSON are written from them), without
    the same grid again as cells for people."""
    base = compare_report(dataset, comparison, generated, currency, table=False)
    rates = _rates(dataset, comparison, currency)
    fields = gap_fields(currency, unit(list(rates.values()), currency))
    rows: tuple[tuple[Cell, ...], ...] = ()
    if table:
        rows = fields.rows(_grid_items(comparison, rates, _total_rate(dataset, comparison.year, currency)))
    return base._replace(
        title=f"Scenario grid, {comparison.year}",
        columns=fields.columns(),
        rows=rows,
        footer=(),
    )
