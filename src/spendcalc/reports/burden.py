"""`share`: who pays, now and if every ally below a target rose to it."""

from datetime import datetime

from spendcalc.data.schema import Dataset
from spendcalc.domain.burden import BurdenSharing
from spendcalc.domain.targets import format_pct
from spendcalc.reports.common import (
    MONEY_NOTE,
    metadata,
    source_notes,
)
from spendcalc.reports.model import Cell, Column, Kind, Report, Scalar


def share_report(dataset: Dataset, burden: BurdenSharing, generated: datetime | None = None) -> Report:
    target = burden.target
    level = f"{format_pct(target.share_pct)}%"
    columns = (
        Column("name", "Ally"),
        Column("spending_usd_bn", "Spending\n(US$ bn)", Kind.USD_BN),
        Column("share_of_total_pct", "Share of NATO\nspending (%)", Kind.PCT),
        Column("raised_spending_usd_bn", f"If all ≥ {level}\n(US$ bn)", Kind.USD_BN),
        Column("raised_share_of_total_pct", f"Share if all\n≥ {level} (%)", Kind.PCT),
    )

    def cells(row: object) -> tuple[Cell, ...]:
        return tuple(Cell(getattr(row, c.key)) for c in columns)

    total = (
        Cell("NATO"),
        Cell(burden.total_usd_bn),
        Cell(100.0),
        Cell(burden.raised_total_usd_bn),
        Cell(100.0),
    )
    records: list[dict[str, Scalar]] = [
        {
            "iso3": row.iso3,
            "name": row.name,
            "group": row.iso3 is None,
            "year": burden.year,
            "target_pct": target.share_pct,
            "spending_usd_bn": row.spending_usd_bn,
            "share_of_total_pct": row.share_of_total_pct,
            "raised_spending_usd_bn": row.raised_spending_usd_bn,
            "raised_share_of_total_pct": row.raised_share_of_total_pct,
            "share_pct": row.share.pct if row.share else None,
            "share_estimate": row.share.estimate if row.share else None,
            "share_source": row.share.source if row.share else None,
            "gdp_source": row.gdp_source,
        }
        for row in (*burden.rows, *burden.groups)
    ]
    missing = [(r.name, r.left_out) for r in burden.rows if r.left_out]
    notes = [
        f"If all ≥ {level}: every ally below {level} of GDP rises to it; the others keep their spending.",
        "Shares of NATO spending are each ally's spending over the sum of all allies' (Σspending).",
        *(f"{name}: {reason}; left out of the totals." for name, reason in missing),
        *source_notes(dataset, burden.sources),
        MONEY_NOTE,
    ]
    return Report(
        title=f"Who pays: shares of NATO defence spending, {burden.year}",
        columns=columns,
        rows=tuple(cells(r) for r in burden.rows),
        footer=(*(cells(g) for g in burden.groups), total),
        notes=tuple(notes),
        record_columns=tuple(records[0]),
        records=tuple(records),
        metadata=metadata(dataset, burden.year, [target], generated),
    )
