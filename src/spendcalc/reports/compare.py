"""`compare` and `export`: every ally against every target, with the group totals."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from spendcalc.choices import Currency
from spendcalc.data.schema import Dataset
from spendcalc.domain.comparison import Comparison
from spendcalc.domain.currency import Conversion, conversion, unit
from spendcalc.domain.gaps import AllyGaps, Status
from spendcalc.domain.groups import GroupTotal
from spendcalc.domain.targets import TargetSpec, format_pct
from spendcalc.reports.common import (
    MONEY_NOTE,
    SIGN_NOTE,
    metadata,
    missing,
    rate_note,
    share_cell,
    source_notes,
)
from spendcalc.reports.gap import gap_records, record_columns
from spendcalc.reports.model import Cell, Column, Kind, Report


def _target_header(target: TargetSpec, unit: str) -> str:
    return f"Gap {format_pct(target.share_pct)}%\n({unit})"


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


def compare_columns(targets: Sequence[TargetSpec], money: str, with_code: bool) -> tuple[Column, ...]:
    return (
        Column("name", "Ally"),
        *((Column("currency", "Cur."),) if with_code else ()),
        Column("share_pct", "Share\n(% GDP)", Kind.PCT),
        Column("spending_bn", f"Spending\n({money} bn)", Kind.USD_BN),
        *(Column(f"gap_{t.name}", _target_header(t, f"{money} bn"), Kind.GAP_USD_BN) for t in targets),
    )


def _compare_row(
    gaps: AllyGaps, targets: Sequence[TargetSpec], rate: Conversion | None, with_code: bool
) -> tuple[Cell, ...]:
    convert = rate.convert if rate else missing
    cells = [Cell(gaps.ally.name)]
    if with_code:
        cells.append(Cell(rate.code if rate else gaps.ally.currency))  # the currency, even with no rate
    cells += [share_cell(gaps), Cell(convert(gaps.spending_usd_bn))]
    for target in targets:
        row = gaps.row(target)
        cells.append(Cell(convert(row.gap_usd_bn) if row else None))
    return tuple(cells)


def _total_row(total: GroupTotal, rate: Conversion | None, with_code: bool) -> tuple[Cell, ...]:
    convert = rate.convert if rate else missing
    return (
        Cell(total.name),
        *((Cell(rate.code if rate else None),) if with_code else ()),
        Cell(total.share_pct),
        Cell(convert(total.spending_usd_bn)),
        *(Cell(convert(r.gap_usd_bn)) for r in total.rows),
    )


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
    rates = {g.ally.iso3: conversion(dataset, g.ally, year, currency) for g in comparison.allies}
    money = unit(list(rates.values()), currency)
    with_code = currency is Currency.LCU and money == "LCU"
    # National currencies cannot be added up: with LCU the totals' money is in US$ only, in the metadata.
    total_rate = conversion(dataset, None, year, currency) if currency is not Currency.LCU else None
    alliance = comparison.totals[0]
    meeting = (
        Cell("Allies meeting it"),
        *((Cell(""),) if with_code else ()),
        Cell(""),
        Cell(""),
        *(Cell(f"{r.members_meeting} of {r.members_counted}") for r in alliance.rows),
    )
    excluded = [a for a in comparison.allies if a.status is not Status.OK]
    notes = [
        # The totals cover every ally, shown or not (--only-below): cite what they rest on too.
        *source_notes(dataset, [*_year_sources(dataset, year), *(r.source for r in rates.values() if r)]),
        MONEY_NOTE,
        SIGN_NOTE,
        "Totals are Σspending / ΣGDP over the allies with a share, and net: "
        "allies above a target offset those below.",
    ]
    notes += [f"{g.ally.name}: {g.status.value}; left out of totals and counts." for g in excluded]
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
    records = [r for g in comparison.allies for r in gap_records(g, targets, currency, rates[g.ally.iso3])]
    return Report(
        title=f"Defence spending of the NATO allies against each target, {year}",
        columns=compare_columns(targets, money, with_code),
        rows=tuple(_compare_row(g, targets, rates[g.ally.iso3], with_code) for g in comparison.allies)
        if table
        else (),
        footer=(*(_total_row(t, total_rate, with_code) for t in comparison.totals), meeting) if table else (),
        notes=tuple(notes),
        record_columns=record_columns(currency),
        records=tuple(records),
        metadata={
            **metadata(dataset, year, targets, generated),
            "currency": currency.value,
            "totals": [_total_record(t) for t in comparison.totals],
        },
    )


def _rate_notes(
    allies: Sequence[AllyGaps], rates: dict[str, Conversion | None], currency: Currency
) -> list[str]:
    """One note per distinct rate (all euro allies share one), then the allies with none."""
    notes: list[str] = []
    for gaps in allies:
        if gaps.status is not Status.OK:
            continue
        note = rate_note(rates[gaps.ally.iso3], currency, gaps.ally.name, gaps.ally.currency)
        if note and note not in notes:
            notes.append(note)
    return notes


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
    for ally in dataset.allies:
        share, gdp = ally.share(year), ally.gdp(year)
        ids += [share.source if share else None, gdp.source if gdp else None]
    return ids


def export_report(
    dataset: Dataset,
    comparison: Comparison,
    generated: datetime | None = None,
    currency: Currency = Currency.USD,
    table: bool = True,
) -> Report:
    """The scenario grid: the comparison as tidy rows, one per ally × target; with `table=False` only as
    records (CSV and JSON are written from them), without the same grid again as cells for people."""
    base = compare_report(dataset, comparison, generated, currency, table=False)
    columns = tuple(Column(key, key, _EXPORT_KINDS.get(key, Kind.TEXT)) for key in base.record_columns)
    rows = tuple(tuple(Cell(record[c.key]) for c in columns) for record in base.records) if table else ()
    return Report(
        title=f"Scenario grid, {comparison.year}",
        columns=columns,
        rows=rows,
        notes=base.notes,
        record_columns=base.record_columns,
        records=base.records,
        metadata=base.metadata,
    )


_EXPORT_KINDS = {
    "year": Kind.INT,
    "share_pct": Kind.PCT,
    "share_estimate": Kind.BOOL,
    "gdp_usd_bn": Kind.USD_BN,
    "spending_usd_bn": Kind.USD_BN,
    "target_pct": Kind.PCT,
    "gap_pp": Kind.GAP_PP,
    "gap_usd_bn": Kind.GAP_USD_BN,
    "gap_usd_per_capita": Kind.GAP_USD,
    "meets_target": Kind.BOOL,
    "fx_rate_year": Kind.INT,
    "gdp_bn": Kind.USD_BN,
    "spending_bn": Kind.USD_BN,
    "gap_bn": Kind.GAP_USD_BN,
    "gap_per_capita": Kind.GAP_USD,
}
