"""`revisions`: one ally's share for one year in each of NATO's editions."""

from datetime import datetime

from spendcalc.data.schema import Dataset
from spendcalc.domain.revisions import Revision, Revisions
from spendcalc.reports.common import figure_cell, metadata, source_notes
from spendcalc.reports.model import Cell, Column, Kind, Report, Scalar

BASIS_SHORT = {"core defence": "core", "total defence expenditure": "total"}
BASIS_NOTE = (
    "Basis: total = total defence expenditure (NATO's measure until 2025); "
    "core = core defence expenditure (The Hague's 3.5%, from the July 2026 edition)."
)


def basis_note(row: Revision) -> str | None:
    if row.compared_with is None or not row.basis_changed:
        return None
    return f"basis changed: {row.compared_with.basis} → {row.edition.basis}"


def short_basis(basis: str) -> str:
    return BASIS_SHORT.get(basis, basis)


def change_text(row: Revision) -> str | None:
    """The change in points, signed, to the coarser of the two values' precisions."""
    if row.change_pp is None or row.share is None or row.previous is None:
        return None
    places = 2 if max(row.share.precision, row.previous.precision) < 0.1 else 1
    text = f"{abs(row.change_pp):.{places}f}"
    if round(row.change_pp, places) == 0:
        return text
    return f"+{text}" if row.change_pp > 0 else f"−{text}"


def revisions_report(dataset: Dataset, revisions: Revisions, generated: datetime | None = None) -> Report:
    ally, year = revisions.ally, revisions.year
    columns = (
        Column("edition", "Edition"),
        Column("published", "Published"),
        Column("basis", "Basis"),
        Column("share_pct", "Share\n(% GDP)", Kind.PCT),
        Column("change_pp", "Change\n(points)"),
        Column("note", "Note"),
    )
    rows = []
    records: list[dict[str, Scalar]] = []
    for row in revisions.rows:
        edition, share = row.edition, row.share
        note = basis_note(row) or (None if share is not None else "not in this dataset")
        shown_note = (
            f"basis {short_basis(row.compared_with.basis)} → {short_basis(edition.basis)}"
            if row.basis_changed and row.compared_with is not None
            else note
        )
        rows.append(
            (
                Cell(edition.id),
                Cell(edition.published.isoformat()),
                Cell(short_basis(edition.basis)),
                figure_cell(share) if share is not None else Cell(None),
                Cell(change_text(row)),
                Cell(shown_note or ""),
            )
        )
        records.append(
            {
                "iso3": ally.iso3,
                "name": ally.name,
                "year": year,
                "edition": edition.id,
                "published": edition.published.isoformat(),
                "basis": edition.basis,
                "latest": edition.latest,
                "share_pct": share.pct if share else None,
                "share_estimate": share.estimate if share else None,
                "share_precision": share.precision if share else None,
                "change_pp": row.change_pp,
                "compared_with": row.compared_with.id if row.compared_with else None,
                "basis_changed": row.basis_changed,
                "note": row.note or note,
            }
        )
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
        columns=columns,
        rows=tuple(rows),
        notes=tuple(notes),
        record_columns=tuple(records[0]) if records else (),
        records=tuple(records),
        metadata=metadata(dataset, year, [], generated),
    )
