"""`revisions`: one ally's share for one year in each of NATO's editions."""

from datetime import datetime

from spendcalc.data.schema import Dataset
from spendcalc.domain.revisions import Revision, Revisions
from spendcalc.reports.columns import Field, Table, share_fields
from spendcalc.reports.common import metadata, source_notes
from spendcalc.reports.model import Kind, Report

BASIS_SHORT = {"core defence": "core", "total defence expenditure": "total"}
BASIS_NOTE = (
    "Basis (also in CSV/JSON): total = total defence expenditure (NATO's measure until 2025); "
    "core = core defence expenditure (The Hague's 3.5%, from the July 2026 edition)."
)


def short_basis(basis: str) -> str:
    return BASIS_SHORT.get(basis, basis)


def change_decimals(row: Revision) -> int | None:
    """The change is known to the coarser of the two values' precisions."""
    if row.share is None or row.previous is None:
        return None
    return 2 if max(row.share.precision, row.previous.precision) < 0.1 else 1


def row_note(row: Revision) -> str | None:
    if row.basis_changed and row.compared_with is not None:
        return f"basis {short_basis(row.compared_with.basis)} → {short_basis(row.edition.basis)}"
    if row.share is None:
        return row.note or "not in this dataset"
    return row.note


def revision_fields(revisions: Revisions) -> Table[Revision]:
    ally, year = revisions.ally, revisions.year
    return Table(
        (
            Field("iso3", lambda _: ally.iso3),
            Field("name", lambda _: ally.name),
            Field("year", lambda _: year, kind=Kind.INT),
            Field("edition", lambda r: r.edition.id, "Edition"),
            Field("published", lambda r: r.edition.published.isoformat(), "Published"),
            Field("basis", lambda r: short_basis(r.edition.basis), "Basis"),
            Field("latest", lambda r: r.edition.latest, kind=Kind.BOOL),
            *share_fields(lambda r: r.share),
            Field(
                "change_pp", lambda r: r.change_pp, "Change\n(points)", Kind.GAP_PP, decimals=change_decimals
            ),
            Field("compared_with", lambda r: r.compared_with.id if r.compared_with else None),
            Field("basis_changed", lambda r: r.basis_changed, kind=Kind.BOOL),
            Field("note", lambda r: row_note(r) or "", "Note"),
        ),
        shown=("edition", "published", "basis", "share_pct", "change_pp", "note"),
    )


def revisions_report(dataset: Dataset, revisions: Revisions, generated: datetime | None = None) -> Report:
    ally, year = revisions.ally, revisions.year
    table = revision_fields(revisions)
    notes = [
        "Change: this edition's value minus the previous edition's that has one, in points of GDP. "
        "e = estimate.",
        BASIS_NOTE,
        f"Latest edition: {dataset.latest_edition.id}.",
        *(f"{r.edition.id}: {r.note}" for r in revisions.rows if r.note),
        *source_notes(dataset, [r.edition.id for r in revisions.rows])[1:],
    ]
    return Report(
        title=f"{ally.name}: defence share of GDP for {year} in each NATO edition",
        columns=table.columns(),
        rows=table.rows(revisions.rows),
        notes=tuple(notes),
        record_columns=table.record_columns(),
        records=table.records(revisions.rows),
        metadata=metadata(dataset, year, [], generated),
    )
