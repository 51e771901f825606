"""`share`: who pays, now and if every ally below a target rose to it."""

from datetime import datetime

from spendcalc.data.schema import Dataset
from spendcalc.domain.burden import BurdenRow, BurdenSharing
from spendcalc.domain.targets import format_pct
from spendcalc.reports.columns import Field, Table, share_fields
from spendcalc.reports.common import (
    metadata,
    money_note,
    source_notes,
)
from spendcalc.reports.model import Kind, Report


def share_report(dataset: Dataset, burden: BurdenSharing, generated: datetime | None = None) -> Report:
    target = burden.target
    level = f"{format_pct(target.share_pct)}%"
    table: Table[BurdenRow] = Table(
        (
            Field("iso3", lambda r: r.iso3),
            Field("name", lambda r: r.name, "Ally"),
            Field("group", lambda r: r.iso3 is None, kind=Kind.BOOL),
            Field("year", lambda _: burden.year, kind=Kind.INT),
            Field("target_pct", lambda _: target.share_pct, kind=Kind.PCT),
            Field("spending_usd_bn", lambda r: r.spending_usd_bn, "Spending\n(US$ bn)", Kind.USD_BN),
            Field(
                "share_of_total_pct", lambda r: r.share_of_total_pct, "Share of NATO\nspending (%)", Kind.PCT
            ),
            Field(
                "raised_spending_usd_bn",
                lambda r: r.raised_spending_usd_bn,
                f"If all ≥ {level}\n(US$ bn)",
                Kind.USD_BN,
            ),
            Field(
                "raised_share_of_total_pct",
                lambda r: r.raised_share_of_total_pct,
                f"Share if all\n≥ {level} (%)",
                Kind.PCT,
            ),
            *share_fields(lambda r: r.share),
            Field("gdp_source", lambda r: r.gdp_source),
        ),
        shown=(
            "name",
            "spending_usd_bn",
            "share_of_total_pct",
            "raised_spending_usd_bn",
            "raised_share_of_total_pct",
        ),
    )
    total = BurdenRow("NATO", None, burden.total_usd_bn, 100.0, burden.raised_total_usd_bn, 100.0)
    missing = [(r.name, r.left_out) for r in burden.rows if r.left_out]
    notes = [
        f"If all ≥ {level}: every ally below {level} of GDP rises to it; the others keep their spending.",
        "Shares of NATO spending are each ally's spending over the sum of all allies' (Σspending).",
        *(f"{name}: {reason}; left out of the totals." for name, reason in missing),
        *source_notes(dataset, burden.sources),
        money_note(dataset),
    ]
    return Report(
        title=f"Who pays: shares of NATO defence spending, {burden.year}",
        columns=table.columns(),
        rows=table.rows(burden.rows),
        footer=table.rows((*burden.groups, total)),
        notes=tuple(notes),
        record_columns=table.record_columns(),
        records=table.records((*burden.rows, *burden.groups)),
        metadata=metadata(dataset, burden.year, [target], generated),
    )
