"""`countries`, `groups`, `targets`, `sources`: the dataset's reference lists."""

from collections.abc import Sequence

from spendcalc.data.schema import Dataset
from spendcalc.domain.gaps import Status
from spendcalc.domain.years import year_span
from spendcalc.reports.common import (
    MONEY_NOTE,
    edition_note,
    editions_note,
    source_record,
)
from spendcalc.reports.model import Cell, Column, Kind, Report, Scalar


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
    return _simple_report("The NATO allies", columns, records, (edition_note(dataset),))


def groups_report(dataset: Dataset) -> Report:
    columns = (
        Column("id", "Id"),
        Column("name", "Group"),
        Column("members", "Members"),
        Column("count", "Allies", Kind.INT),
        Column("source", "Source"),
    )
    records: list[dict[str, Scalar]] = [
        {
            "id": g.id,
            "name": g.name,
            "members": g.rule if g.rule else " ".join(g.members),
            "count": len(g.members),
            "source": g.url,
            "note": g.note,
            "iso3": " ".join(g.members),
        }
        for g in dataset.groups
    ]
    notes = (
        "Add a group's totals to compare with --group ID, or your own: --group baltics=EST,LVA,LTU.",
        "A member counts in a year's totals only once it has joined NATO (Finland 2023, Sweden 2024).",
        *(f"{g.name}: {g.note}" for g in dataset.groups if g.note),
    )
    return _simple_report(
        "Groups of allies",
        columns,
        records,
        notes,
        record_columns=(*(c.key for c in columns), "note", "iso3"),
    )


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
    notes = (
        editions_note(dataset),
        edition_note(dataset),
        MONEY_NOTE,
        *(f"[{s.id}] {s.note}" for s in dataset.sources if s.note),
    )
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
