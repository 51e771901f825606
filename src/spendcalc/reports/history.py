"""`history`: an ally's share of GDP and spending over the years, with a bar per year."""

from collections.abc import Sequence
from datetime import datetime

from spendcalc.data.schema import Ally, Dataset
from spendcalc.domain.history import HistoryYear
from spendcalc.reports.chart import BAR_FULL, BAR_MARK, share_bar
from spendcalc.reports.common import (
    MONEY_NOTE,
    gdp_source_changes,
    metadata,
    source_notes,
)
from spendcalc.reports.model import Cell, Column, Kind, Report, Scalar


def history_report(
    dataset: Dataset, history: Sequence[HistoryYear], ally: Ally, generated: datetime | None = None
) -> Report:
    ally_name = ally.name
    scale = max([2.0, *(h.share.pct for h in history if h.share)]) * 1.1
    columns = (
        Column("year", "Year", Kind.INT),
        Column("share_pct", "Share\n(% GDP)", Kind.PCT),
        Column("gdp_usd_bn", "GDP\n(US$ bn)", Kind.USD_BN),
        Column("spending_usd_bn", "Spending\n(US$ bn)", Kind.USD_BN),
        Column("gdp_source", "GDP source"),
        Column("bar", f"Share of GDP ({BAR_MARK} = 2%)"),
    )
    rows: list[tuple[Cell, ...]] = []
    records: list[dict[str, Scalar]] = []
    notes = gdp_source_changes([(h.year, h.gdp.source if h.gdp else None) for h in history])
    for item in history:
        gdp_source = item.gdp.source if item.gdp else None
        share = item.share
        rows.append(
            (
                Cell(item.year),
                Cell(share.pct, "e" if share.estimate else "") if share else Cell(None),
                Cell(item.gdp.usd_bn if item.gdp else None),
                Cell(item.spending_usd_bn),
                Cell(gdp_source),
                Cell(share_bar(share.pct if share else None, scale)),
            )
        )
        records.append(
            {
                "year": item.year,
                "share_pct": share.pct if share else None,
                "share_estimate": share.estimate if share else None,
                "share_source": share.source if share else None,
                "gdp_usd_bn": item.gdp.usd_bn if item.gdp else None,
                "gdp_kind": item.gdp.kind if item.gdp else None,
                "gdp_source": gdp_source,
                "spending_usd_bn": item.spending_usd_bn,
            }
        )
    if not any(h.share for h in history):
        reason = "n/a — no armed forces" if not ally.has_armed_forces else "no defence share recorded"
        notes.insert(0, f"{ally_name}: {reason}; no share in these years.")
    sources = [h.share.source for h in history if h.share] + [h.gdp.source for h in history if h.gdp]
    notes += [
        "e = estimate.",
        f"Bars: {BAR_FULL} = share of GDP, {BAR_MARK} = the 2% line.",
        *source_notes(dataset, sources),
        MONEY_NOTE,
    ]
    first, last = history[0].year, history[-1].year
    return Report(
        title=f"{ally_name}: defence spending {first}–{last}",
        columns=columns,
        rows=tuple(rows),
        notes=tuple(notes),
        record_columns=tuple(records[0]),
        records=tuple(records),
        metadata=metadata(dataset, last, [], generated) | {"from": first, "to": last},
    )
