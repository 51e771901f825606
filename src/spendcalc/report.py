"""Turn core results into a neutral Report: a table for people and tidy records for programs.

A Report knows nothing of Rich, CSV or JSON; the formatters in `spendcalc.formats` render it.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import Enum
from typing import NamedTuple

from spendcalc import __version__
from spendcalc.core import (
    AllyGaps,
    Comparison,
    GapRow,
    GroupTotal,
    ShareFigure,
    Status,
    TargetSpec,
    format_pct,
    year_span,
)
from spendcalc.currency import Conversion, Currency, conversion, unit
from spendcalc.models import Dataset, Source

Scalar = str | int | float | bool | None


class Kind(str, Enum):
    """How a column's values are shown to people; records keep the raw values."""

    TEXT = "text"
    INT = "int"
    PCT = "pct"
    GAP_PP = "gap_pp"
    USD_BN = "usd_bn"
    GAP_USD_BN = "gap_usd_bn"
    GAP_USD = "gap_usd"
    BOOL = "bool"
    BAR = "bar"
    """A bar drawn in text; its cell's mark 'below' flags it as short of the lowest target."""


class Column(NamedTuple):
    key: str
    header: str
    kind: Kind = Kind.TEXT


class Cell(NamedTuple):
    value: Scalar
    mark: str = ""
    """A suffix such as 'e' (estimate) or 'u' (user-supplied), shown after the number."""
    decimals: int | None = None
    """Overrides the column's decimals, e.g. a share published only to 0.1."""


class Report(NamedTuple):
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    footer: tuple[tuple[Cell, ...], ...] = ()
    summary: tuple[tuple[str, str], ...] = ()
    """Label/value lines shown above the table."""
    notes: tuple[str, ...] = ()
    """Caption lines: sources, markers, baselines."""
    record_columns: tuple[str, ...] = ()
    records: tuple[dict[str, Scalar], ...] = ()
    metadata: dict[str, object] = {}  # noqa: RUF012 - never mutated; a NamedTuple field default


EXPORT_COLUMNS = (
    "iso3",
    "name",
    "year",
    "share_pct",
    "share_estimate",
    "gdp_usd_bn",
    "spending_usd_bn",
    "target_pct",
    "gap_pp",
    "gap_usd_bn",
    "gap_usd_per_capita",
    "meets_target",
    "share_source",
    "gdp_source",
)

MONEY_NOTE = (
    "US$ = share of GDP × GDP in current US$ (IMF; World Bank before 2024), not NATO's own dollar tables."
)
SIGN_NOTE = "Gaps: + is short of the target, − is above it (a surplus). e = estimate."


CURRENCY_COLUMNS = (
    "currency",
    "fx_per_usd",
    "fx_rate_year",
    "gdp_bn",
    "spending_bn",
    "gap_bn",
    "gap_per_capita",
    "fx_source",
)
"""Appended to EXPORT_COLUMNS with --currency EUR or LCU: the same money in that currency, and the rate."""


def record_columns(currency: Currency) -> tuple[str, ...]:
    return EXPORT_COLUMNS if currency is Currency.USD else EXPORT_COLUMNS + CURRENCY_COLUMNS


def gap_records(
    gaps: AllyGaps,
    targets: Sequence[TargetSpec],
    currency: Currency = Currency.USD,
    rate: Conversion | None = None,
) -> list[dict[str, Scalar]]:
    """Tidy rows, one per target, with the EXPORT_COLUMNS; missing figures are None, never 0."""
    records: list[dict[str, Scalar]] = []
    for target in targets:
        row: GapRow | None = gaps.row(target)
        record: dict[str, Scalar] = {
            "iso3": gaps.ally.iso3,
            "name": gaps.ally.name,
            "year": gaps.year,
            "share_pct": gaps.share.pct if gaps.share else None,
            "share_estimate": gaps.share.estimate if gaps.share else None,
            "gdp_usd_bn": gaps.gdp.usd_bn if gaps.gdp else None,
            "spending_usd_bn": gaps.spending_usd_bn,
            "target_pct": target.share_pct,
            "gap_pp": row.gap_pp if row else None,
            "gap_usd_bn": row.gap_usd_bn if row else None,
            "gap_usd_per_capita": row.gap_usd_per_capita if row else None,
            "meets_target": row.meets if row else None,
            "share_source": _share_source(gaps),
            "gdp_source": gaps.gdp.source if gaps.gdp else None,
        }
        if currency is not Currency.USD:
            convert = rate.convert if rate else _missing
            record |= {
                "currency": rate.code if rate else None,
                "fx_per_usd": rate.per_usd if rate else None,
                "fx_rate_year": rate.rate_year if rate else None,
                "gdp_bn": convert(gaps.gdp.usd_bn if gaps.gdp else None),
                "spending_bn": convert(gaps.spending_usd_bn),
                "gap_bn": convert(row.gap_usd_bn if row else None),
                "gap_per_capita": convert(row.gap_usd_per_capita if row else None),
                "fx_source": rate.source if rate else None,
            }
        records.append(record)
    return records


def _missing(_: float | None) -> None:
    return None


def rate_note(rate: Conversion | None, currency: Currency, ally_name: str, ally_currency: str) -> str | None:
    """Says which exchange rate a money figure rests on, or that there is none."""
    if currency is Currency.USD:
        return None
    if rate is None:
        code = ally_currency if currency is Currency.LCU else currency.value
        return f"{ally_name}: no ECB rate for {code}; its {currency.value} figures are n/a."
    if rate.source is None:
        return None
    carried = f", carried forward to {rate.year}" if rate.carried_forward else ""
    return (
        f"{rate.code} per US$: {rate.per_usd:.4f}, the {rate.rate_year} average of the ECB's daily "
        f"reference rates{carried} [{rate.source}]."
    )


def _share_source(gaps: AllyGaps) -> str | None:
    if gaps.share is None:
        return None
    return gaps.share.source if gaps.share.source is not None else "user-supplied"


def metadata(
    dataset: Dataset, year: int | None, targets: Sequence[TargetSpec], generated: datetime | None
) -> dict[str, object]:
    return {
        "spendcalc_version": __version__,
        "year": year,
        "generated": generated.isoformat(timespec="seconds") if generated else None,
        "targets": [{"id": t.id, "share_pct": t.share_pct, "label": t.label} for t in targets],
        "sources": [source_record(s) for s in dataset.sources],
        "money": MONEY_NOTE,
    }


def source_record(source: Source) -> dict[str, Scalar]:
    return {
        "id": source.id,
        "title": source.title,
        "publisher": source.publisher,
        "published": source.published.isoformat(),
        "url": source.url,
        "note": source.note,
    }


def source_notes(dataset: Dataset, source_ids: Iterable[str | None]) -> tuple[str, ...]:
    wanted = {s for s in source_ids if s}
    return tuple(
        f"Source: {s.publisher}, {s.title} ({s.published.isoformat()}) [{s.id}]"
        for s in dataset.sources
        if s.id in wanted
    )


def share_cell(gaps: AllyGaps) -> Cell:
    # A missing share's reason is in the table's notes: a long cell would widen the column.
    return figure_cell(gaps.share) if gaps.share is not None else Cell(None)


def figure_cell(share: ShareFigure, mark: str | None = None) -> Cell:
    """A share shown to the precision it was published to, marked e (estimate) or u (user-supplied)."""
    default = "u" if share.user_supplied else "e" if share.estimate else ""
    return Cell(share.pct, default if mark is None else mark, 1 if share.precision >= 0.1 else None)


def share_origin(share: ShareFigure, dataset: Dataset) -> str:
    """Where a share comes from, in words: 'NATO estimate [nato-2025-08]' or the user."""
    if share.user_supplied:
        return "supplied by the user (--current)"
    publisher = next((s.publisher for s in dataset.sources if s.id == share.source), "source")
    return f"{publisher}{' estimate' if share.estimate else ''} [{share.source}]"


def _target_header(target: TargetSpec, unit: str) -> str:
    return f"Gap {format_pct(target.share_pct)}%\n({unit})"


def gap_report(
    dataset: Dataset,
    gaps: AllyGaps,
    generated: datetime | None = None,
    currency: Currency = Currency.USD,
) -> Report:
    ally = gaps.ally
    targets = gaps.targets
    rate = conversion(dataset, ally, gaps.year, currency)
    money = unit([rate], currency) if currency is not Currency.USD else "US$"
    convert = rate.convert if rate else _missing

    def amount(usd: float | None) -> str:
        if currency is Currency.USD or usd is None:
            return f"US$ {usd:,.1f} bn" if usd is not None else MISSING
        converted = convert(usd)
        local = f"{money} {converted:,.1f} bn" if converted is not None else f"{money} {MISSING}"
        return f"{local} (US$ {usd:,.1f} bn)"

    summary: list[tuple[str, str]] = [("Ally", f"{ally.name} ({ally.iso3}), {gaps.year}")]
    if gaps.share is None:
        summary.append(("Defence share", gaps.status.value))
    else:
        share = share_cell(gaps)
        origin = share_origin(gaps.share, dataset)
        summary.append(("Defence share", f"{_plain(share._replace(mark=''), Kind.PCT)}% of GDP, {origin}"))
    if gaps.gdp is not None:
        summary.append(("GDP", f"{amount(gaps.gdp.usd_bn)}, {gaps.gdp.kind} [{gaps.gdp.source}]"))
    if gaps.spending_usd_bn is not None:
        summary.append(("Defence spending", f"{amount(gaps.spending_usd_bn)} (share × GDP)"))
    if gaps.population is not None:
        summary.append(("Population", f"{gaps.population.millions:,.2f} million [{gaps.population.source}]"))
    columns = (
        Column("target", "Target"),
        Column("target_pct", "Target\n(% GDP)", Kind.PCT),
        Column("gap_pp", "Gap\n(pp of GDP)", Kind.GAP_PP),
        Column("gap_bn", f"Gap\n({money} bn)", Kind.GAP_USD_BN),
        Column("gap_per_capita", f"Gap per\nperson ({money})", Kind.GAP_USD),
        Column("meets_target", "Met", Kind.BOOL),
    )
    rows = []
    for target in targets:
        row = gaps.row(target)
        rows.append(
            (
                Cell(target.name),
                Cell(target.share_pct),
                Cell(row.gap_pp if row else None),
                Cell(convert(row.gap_usd_bn) if row else None),
                Cell(convert(row.gap_usd_per_capita) if row else None),
                Cell(row.meets if row else None),
            )
        )
    share_source = gaps.share.source if gaps.share else None
    sources = [share_source, gaps.gdp.source if gaps.gdp else None]
    sources += [gaps.population.source if gaps.population else None, rate.source if rate else None]
    notes = [*(f"{t.id}: {t.label}" for t in targets if t.id and t.label)]
    notes += [*source_notes(dataset, sources), MONEY_NOTE, SIGN_NOTE]
    if gaps.share is not None and gaps.share.user_supplied:
        notes.append("u = share supplied by the user with --current, not a NATO figure.")
    if gaps.population is None and gaps.rows:
        years = year_span([y for y, r in sorted(ally.years.items()) if r.population is not None])
        notes.append(
            f"Gap per person: n/a, no population figure for {gaps.year} (population years: {years})."
        )
    fx_note = rate_note(rate, currency, ally.name, ally.currency)
    if fx_note:
        notes.append(fx_note)
    return Report(
        title=f"{ally.name}: gap to each target, {gaps.year}",
        columns=columns,
        rows=tuple(rows),
        summary=tuple(summary),
        notes=tuple(notes),
        record_columns=record_columns(currency),
        records=tuple(gap_records(gaps, targets, currency, rate)),
        metadata=metadata(dataset, gaps.year, targets, generated) | {"currency": currency.value},
    )


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
    convert = rate.convert if rate else _missing
    cells = [Cell(gaps.ally.name)]
    if with_code:
        cells.append(Cell(rate.code if rate else gaps.ally.currency))  # the currency, even with no rate
    cells += [share_cell(gaps), Cell(convert(gaps.spending_usd_bn))]
    for target in targets:
        row = gaps.row(target)
        cells.append(Cell(convert(row.gap_usd_bn) if row else None))
    return tuple(cells)


def _total_row(total: GroupTotal, rate: Conversion | None, with_code: bool) -> tuple[Cell, ...]:
    convert = rate.convert if rate else _missing
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
) -> Report:
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
        rows=tuple(_compare_row(g, targets, rates[g.ally.iso3], with_code) for g in comparison.allies),
        footer=(*(_total_row(t, total_rate, with_code) for t in comparison.totals), meeting),
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
) -> Report:
    """The scenario grid: the comparison as tidy rows, one per ally × target."""
    base = compare_report(dataset, comparison, generated, currency)
    columns = tuple(Column(key, key, _EXPORT_KINDS.get(key, Kind.TEXT)) for key in base.record_columns)
    rows = tuple(tuple(Cell(record[c.key]) for c in columns) for record in base.records)
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


def countries_report(dataset: Dataset) -> Report:
    columns = (
        Column("iso3", "ISO3"),
        Column("iso2", "ISO2"),
        Column("name", "Name"),
        Column("aliases", "Also accepted"),
        Column("joined", "Joined", Kind.INT),
        Column("currency", "Currency"),
        Column("share_years", "Shares"),
        Column("gdp_years", "GDP"),
    )
    records: list[dict[str, Scalar]] = []
    for ally in dataset.allies:
        records.append(
            {
                "iso3": ally.iso3,
                "iso2": ally.iso2,
                "name": ally.name,
                "aliases": "; ".join(ally.aliases),
                "joined": ally.joined,
                "currency": ally.currency,
                "share_years": year_span(ally.share_years)
                if ally.has_armed_forces
                else Status.NO_ARMED_FORCES.value,
                "gdp_years": year_span(ally.gdp_years),
            }
        )
    return _simple_report("The NATO allies", columns, records, ())


TARGET_OF = {
    "gdp": "GDP",
    "defence_expenditure": "defence expenditure",
    "related_spending": "GDP, defence-related (not measured)",
}


def targets_report(dataset: Dataset) -> Report:
    columns = (
        Column("id", "Id"),
        Column("label", "Target"),
        Column("share_pct", "Share (%)", Kind.PCT),
        Column("of", "Of"),
        Column("by_year", "By", Kind.INT),
        Column("agreed", "Agreed"),
        Column("note", "Note"),
    )
    records: list[dict[str, Scalar]] = [
        {
            "id": t.id,
            "label": t.label,
            "share_pct": t.share_pct,
            "of": TARGET_OF[t.of],
            "by_year": t.by_year,
            "agreed": t.agreed.isoformat(),
            "note": t.note,
            "url": t.url,
        }
        for t in dataset.targets
    ]
    notes = ("Give a target by id or as a number: --target hague-core, --target 3.5, --target 3,5%.",)
    return _simple_report(
        "Targets", columns, records, notes, record_columns=(*(c.key for c in columns), "url")
    )


def sources_report(dataset: Dataset) -> Report:
    columns = (
        Column("id", "Id"),
        Column("publisher", "Publisher"),
        Column("title", "Title"),
        Column("published", "Published"),
        Column("url", "URL"),
    )
    records = [source_record(s) for s in dataset.sources]
    notes = (MONEY_NOTE, *(f"[{s.id}] {s.note}" for s in dataset.sources if s.note))
    return _simple_report(
        "Sources", columns, records, notes, record_columns=(*(c.key for c in columns), "note")
    )


def _simple_report(
    title: str,
    columns: tuple[Column, ...],
    records: Sequence[dict[str, Scalar]],
    notes: tuple[str, ...],
    record_columns: tuple[str, ...] | None = None,
) -> Report:
    rows = tuple(tuple(Cell(record[c.key]) for c in columns) for record in records)
    return Report(
        title=title,
        columns=columns,
        rows=rows,
        notes=notes,
        record_columns=record_columns or tuple(c.key for c in columns),
        records=tuple(records),
    )


class Tone(str, Enum):
    PLAIN = "plain"
    GAP = "gap"
    SURPLUS = "surplus"
    MISSING = "missing"


class Shown(NamedTuple):
    text: str
    tone: Tone = Tone.PLAIN


MISSING = "n/a"


def show(cell: Cell, kind: Kind) -> Shown:
    """A cell as people read it: rounded for display only, signed gaps, n/a for missing."""
    value = cell.value
    if value is None:
        return Shown(MISSING, Tone.MISSING)
    if isinstance(value, bool):
        if kind is Kind.BOOL:
            return Shown("yes" if value else "no", Tone.SURPLUS if value else Tone.GAP)
        return Shown(str(value))
    if kind is Kind.BAR and not str(value).startswith(MISSING):
        return Shown(str(value), Tone.GAP if cell.mark == "below" else Tone.SURPLUS)
    if isinstance(value, str) or kind in (Kind.TEXT, Kind.INT):
        return Shown(str(value), Tone.MISSING if str(value).startswith(MISSING) else Tone.PLAIN)
    decimals = cell.decimals
    if kind is Kind.PCT:
        return Shown(f"{value:.{2 if decimals is None else decimals}f}{cell.mark}")
    if kind is Kind.USD_BN:
        return Shown(f"{value:,.{1 if decimals is None else decimals}f}{cell.mark}")
    places = {Kind.GAP_PP: 2, Kind.GAP_USD_BN: 1, Kind.GAP_USD: 0}[kind]
    text = f"{abs(value):,.{places if decimals is None else decimals}f}{cell.mark}"
    if value > 0:
        return Shown(f"+{text}", Tone.GAP)
    # Met exactly (0) reads as met: it is not short of the target.
    return Shown(f"−{text}" if value < 0 else text, Tone.SURPLUS)


def _plain(cell: Cell, kind: Kind) -> str:
    return show(cell, kind).text
