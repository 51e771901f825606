"""`share`: who pays, now and if every ally below a target rose to it."""

from datetime import datetime

from spendcalc.data.schema import Dataset
from spendcalc.domain.burden import BurdenRow, BurdenSharing
from spendcalc.domain.gaps import ShareFigure
from spendcalc.domain.targets import format_pct
from spendcalc.reports.columns import Field, Table, share_fields
from spendcalc.reports.common import (
    metadata,
    money_note,
    source_notes,
)
from spendcalc.reports.gap import GROUP_SHARE_SOURCE
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
            *share_fields(_share, "Share\n(% GDP)"),
            Field("gdp_usd_bn", lambda r: r.gdp_usd_bn, kind=Kind.USD_BN),
            Field("gap_usd_bn", lambda r: r.gap_usd_bn, f"Net gap {level}\n(US$ bn)", Kind.GAP_USD_BN),
            Field(
                "shortfall_usd_bn",
                lambda r: r.shortfall_usd_bn,
                f"Shortfall {level}\n(US$ bn)",
                Kind.GAP_USD_BN,
            ),
            Field("members", lambda r: " ".join(r.members) if r.iso3 is None else None),
            Field("group_id", lambda r: r.group.id if r.group and not r.group.user_defined else None),
            Field("gdp_source", lambda r: r.gdp_source),
        ),
        shown=(
            "name",
            *(("share_pct",) if burden.asked else ()),
            "spending_usd_bn",
            "share_of_total_pct",
            "raised_spending_usd_bn",
            "raised_share_of_total_pct",
            *(("gap_usd_bn", "shortfall_usd_bn") if burden.asked else ()),
        ),
    )
    total = burden.alliance or BurdenRow(
        "NATO", None, burden.total_usd_bn, 100.0, burden.raised_total_usd_bn, 100.0
    )
    missing = [(r.name, r.left_out) for r in burden.rows if r.left_out]
    notes = [
        f"If all ≥ {level}: every ally below {level} of GDP rises to it; the others keep their spending.",
        "Shares of NATO spending are each ally's spending over the sum of all allies' (Σspending).",
        *(f"{name}: {reason}; left out of the totals." for name, reason in missing),
        *(_group_notes(dataset, burden) if burden.asked else ()),
        *source_notes(dataset, burden.sources),
        money_note(dataset),
    ]
    return Report(
        title=f"Who pays: shares of NATO defence spending, {burden.year}",
        columns=table.columns(),
        rows=table.rows(burden.rows),
        footer=table.rows((*burden.groups, *burden.asked, total)),
        notes=tuple(notes),
        record_columns=table.record_columns(),
        records=table.records((*burden.rows, *burden.groups, *burden.asked)),
        metadata=metadata(dataset, burden.year, [target], generated),
    )


def _group_notes(dataset: Dataset, burden: BurdenSharing) -> list[str]:
    """Who is in each group asked for, how its share is summed, and which gap is which."""
    from spendcalc.reports.groups import GROUP_GAPS_NOTE, MEMBERSHIP_NOTE, group_note

    notes = [
        "A group's share of GDP is Σspending / ΣGDP over its members of the year; "
        "its share of NATO spending is Σspending over NATO's.",
        f"{GROUP_GAPS_NOTE} An ally's shortfall is its gap where short, else 0; for NATO and each group, "
        "the shortfall is what the 'If all ≥' column adds to today's spending.",
    ]
    notes += [group_note(dataset, r.group) for r in burden.asked if r.group is not None]
    notes.append(MEMBERSHIP_NOTE)
    return notes


def _share(row: BurdenRow) -> ShareFigure | None:
    """An ally's share as published; a group's is Σspending / ΣGDP, its source said so, as in `compare`."""
    if row.iso3 is None and row.share is not None:
        return row.share._replace(source=GROUP_SHARE_SOURCE, precision=0.0)
    return row.share
