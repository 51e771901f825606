"""`history`: an ally's share of GDP and spending over the years, with a bar per year."""

from collections.abc import Callable, Sequence
from datetime import datetime

from spendcalc.data.schema import Ally, Dataset
from spendcalc.domain.history import HistoryYear
from spendcalc.reports.chart import BAR_FULL, BAR_MARK, share_bar
from spendcalc.reports.columns import Field, Table, share_fields
from spendcalc.reports.common import (
    gdp_source_changes,
    metadata,
    money_note,
    source_notes,
)
from spendcalc.reports.model import Kind, Report


def history_report(
    dataset: Dataset, history: Sequence[HistoryYear], ally: Ally, generated: datetime | None = None
) -> Report:
    ally_name = ally.name
    scale = max([2.0, *(h.share.pct for h in history if h.share)]) * 1.1

    def nato(metric: str, per: float = 1.0) -> Callable[[HistoryYear], float | None]:
        def read(year: HistoryYear) -> float | None:
            value = dataset.nato_figure(ally.iso3, year.year, metric)
            return value / per if value is not None else None

        return read

    table: Table[HistoryYear] = Table(
        (
            Field("iso3", lambda _: ally.iso3),
            Field("name", lambda _: ally_name),
            Field("year", lambda h: h.year, "Year", Kind.INT),
            *share_fields(lambda h: h.share),
            Field("gdp_usd_bn", lambda h: h.gdp.usd_bn if h.gdp else None, "GDP\n(US$ bn)", Kind.USD_BN),
            Field("gdp_kind", lambda h: h.gdp.kind if h.gdp else None),
            Field("gdp_source", lambda h: h.gdp.source if h.gdp else None, "GDP source"),
            Field("spending_usd_bn", lambda h: h.spending_usd_bn, "Spending\n(US$ bn)", Kind.USD_BN),
            # NATO's own tables (the chosen edition's, where it has them): real terms, at 2021 prices.
            Field("nato_spending_usd_bn", nato("spending_usd_m", 1000), kind=Kind.USD_BN),
            Field(
                "spending_usd_2021_bn", nato("spending_usd_2021_m", 1000), "Real\n(2021 US$ bn)", Kind.USD_BN
            ),
            Field("real_change_pct", nato("real_change_pct"), "Real\nchange (%)", Kind.CHANGE),
            Field(
                "bar",
                lambda h: share_bar(h.share.pct if h.share else None, scale),
                f"Share of GDP ({BAR_MARK} = 2%)",
                exported=False,
            ),
        ),
        shown=(
            "year",
            "share_pct",
            "gdp_usd_bn",
            "spending_usd_bn",
            "spending_usd_2021_bn",
            "real_change_pct",
            "bar",
        ),
    )
    notes = gdp_source_changes([(h.year, h.gdp.source if h.gdp else None) for h in history])
    if not any(h.share for h in history):
        reason = "n/a — no armed forces" if not ally.has_armed_forces else "no defence share recorded"
        notes.insert(0, f"{ally_name}: {reason}; no share in these years.")
    sources = [h.share.source for h in history if h.share] + [h.gdp.source for h in history if h.gdp]
    notes += [
        "e = estimate.",
        f"Bars: {BAR_FULL} = share of GDP, {BAR_MARK} = the 2% line.",
        "Real: NATO's own spending at constant 2021 prices and exchange rates, and its change on the year "
        "before (the edition's tables; n/a where it has none). GDP and spending: NATO's own in its tables' "
        "years, else the dataset's GDP and share × GDP.",
        *source_notes(dataset, sources),
        money_note(dataset),
    ]
    first, last = history[0].year, history[-1].year
    return Report(
        title=f"{ally_name}: defence spending {first}–{last}",
        columns=table.columns(),
        rows=table.rows(history),
        notes=tuple(notes),
        record_columns=table.record_columns(),
        records=table.records(history),
        metadata=metadata(dataset, last, [], generated) | {"from": first, "to": last},
    )
