"""`history`: an ally's (or a group's) share of GDP and spending over the years, with a bar per year."""

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from spendcalc.data.schema import Ally, Dataset
from spendcalc.domain.gaps import ShareFigure
from spendcalc.domain.groups import GroupSpec
from spendcalc.domain.history import GroupHistoryYear, HistoryYear
from spendcalc.domain.years import year_span
from spendcalc.reports.chart import BAR_FULL, BAR_MARK, share_bar
from spendcalc.reports.columns import Field, Table, share_fields
from spendcalc.reports.common import (
    gdp_source_changes,
    metadata,
    money_note,
    source_notes,
)
from spendcalc.reports.gap import GROUP_SHARE_SOURCE
from spendcalc.reports.model import Kind, Report


class HistoryRow(NamedTuple):
    """A year of an ally or of a group, as the table and the records read it."""

    name: str
    iso3: str | None
    group: GroupSpec | None
    year: int
    share: ShareFigure | None
    gdp_usd_bn: float | None
    gdp_kind: str | None
    gdp_source: str | None
    spending_usd_bn: float | None
    nato_spending_usd_bn: float | None
    spending_usd_2021_bn: float | None
    real_change_pct: float | None
    members: tuple[str, ...] = ()
    share_sources: tuple[str, ...] = ()
    """A group's: its members' share sources that year."""


def _ally_rows(dataset: Dataset, ally: Ally, history: Sequence[HistoryYear]) -> list[HistoryRow]:
    def nato(year: int, metric: str, per: float = 1.0) -> float | None:
        value = dataset.nato_figure(ally.iso3, year, metric)
        return value / per if value is not None else None

    return [
        HistoryRow(
            ally.name,
            ally.iso3,
            None,
            h.year,
            h.share,
            h.gdp.usd_bn if h.gdp else None,
            h.gdp.kind if h.gdp else None,
            h.gdp.source if h.gdp else None,
            h.spending_usd_bn,
            # NATO's own tables (the chosen edition's, where it has them): real terms, at 2021 prices.
            nato(h.year, "spending_usd_m", 1000),
            nato(h.year, "spending_usd_2021_m", 1000),
            nato(h.year, "real_change_pct"),
        )
        for h in history
    ]


def _group_rows(group: GroupSpec, history: Sequence[GroupHistoryYear]) -> list[HistoryRow]:
    rows = []
    for h in history:
        share = h.share_pct
        # Its source says how it is made, as in `compare`; the members' sources are in the notes.
        figure = ShareFigure(share, h.estimate, GROUP_SHARE_SOURCE, 0.0) if share is not None else None
        rows.append(
            HistoryRow(
                group.name,
                None,
                group,
                h.year,
                figure,
                h.gdp_usd_bn,
                None,
                " ".join(h.gdp_sources) or None,
                h.spending_usd_bn,
                h.nato_spending_usd_bn,
                h.spending_usd_2021_bn,
                h.real_change_pct,
                h.members,
                h.share_sources,
            )
        )
    return rows


def history_report(
    dataset: Dataset,
    history: Sequence[HistoryYear],
    ally: Ally | None,
    generated: datetime | None = None,
    groups: Sequence[tuple[GroupSpec, Sequence[GroupHistoryYear]]] = (),
) -> Report:
    """An ally's years (if `ally`), then each group's (Σspending / ΣGDP over its members of the year),
    year by year."""
    rows = _ally_rows(dataset, ally, history) if ally is not None else []
    for group, years in groups:
        rows += _group_rows(group, years)
    rows.sort(key=lambda r: r.year)  # stable: the ally, then the groups in the order asked, each year
    several = (ally is not None) + len(groups) > 1
    scale = max([2.0, *(r.share.pct for r in rows if r.share)]) * 1.1
    table: Table[HistoryRow] = Table(
        (
            Field("iso3", lambda r: r.iso3),
            Field("name", lambda r: r.name, "Ally" if not groups else "Ally or group"),
            Field("year", lambda r: r.year, "Year", Kind.INT),
            # The ally's: whether it was an ally that year (a group's rows: empty).
            Field("nato_member", lambda r: ally.joined <= r.year if ally and r.group is None else None),
            *share_fields(lambda r: r.share),
            Field("gdp_usd_bn", lambda r: r.gdp_usd_bn, "GDP\n(US$ bn)", Kind.USD_BN),
            Field("gdp_kind", lambda r: r.gdp_kind),
            Field("gdp_source", lambda r: r.gdp_source, "GDP source"),
            Field("spending_usd_bn", lambda r: r.spending_usd_bn, "Spending\n(US$ bn)", Kind.USD_BN),
            Field("nato_spending_usd_bn", lambda r: r.nato_spending_usd_bn, kind=Kind.USD_BN),
            Field(
                "spending_usd_2021_bn", lambda r: r.spending_usd_2021_bn, "Real\n(2021 US$ bn)", Kind.USD_BN
            ),
            Field("real_change_pct", lambda r: r.real_change_pct, "Real\nchange (%)", Kind.CHANGE),
            *(
                (
                    Field("group", lambda r: r.group is not None, kind=Kind.BOOL),
                    Field("group_id", lambda r: r.group.id if r.group and not r.group.user_defined else None),
                    Field("members", lambda r: " ".join(r.members) if r.group else None),
                )
                if groups
                else ()
            ),
            Field(
                "bar",
                lambda r: share_bar(r.share.pct if r.share else None, scale),
                f"Share of GDP ({BAR_MARK} = 2%)",
                exported=False,
            ),
        ),
        shown=(
            *(("name",) if several else ()),
            "year",
            "share_pct",
            "gdp_usd_bn",
            "spending_usd_bn",
            "spending_usd_2021_bn",
            "real_change_pct",
            "bar",
        ),
    )
    notes = []
    if ally is not None:
        notes += gdp_source_changes([(h.year, h.gdp.source if h.gdp else None) for h in history])
        if not any(h.share for h in history):
            reason = "n/a — no armed forces" if not ally.has_armed_forces else "no defence share recorded"
            notes.insert(0, f"{ally.name}: {reason}; no share in these years.")
    notes += [
        "e = estimate.",
        f"Bars: {BAR_FULL} = share of GDP, {BAR_MARK} = the 2% line.",
        "Real: NATO's own spending at constant 2021 prices and exchange rates, and its change on the year "
        "before (the edition's tables; n/a where it has none). GDP and spending: NATO's own in its tables' "
        "years, else the dataset's GDP and share × GDP.",
    ]
    if groups:
        from spendcalc.reports.groups import MEMBERSHIP_NOTE, group_note

        notes += [
            "A group's share is Σspending / ΣGDP over its members of the year (e: some member's share is "
            "an estimate); its real figures are the sums of NATO's over those members, n/a if any lacks "
            "one, and its real change is over the same members the year before (like for like).",
            *(group_note(dataset, group) for group, _ in groups),
            MEMBERSHIP_NOTE,
        ]
        for group, years in groups:
            empty = [h.year for h in years if not h.members]
            if empty:
                span = year_span(empty)
                notes.append(f"{group.name}: no member counts in {span} (none was yet an ally): n/a.")
    sources = [
        s
        for r in rows
        for s in (
            *(r.share_sources or ((r.share.source,) if r.share and r.share.source else ())),
            *(r.gdp_source.split() if r.gdp_source else ()),
        )
    ]
    notes += [*source_notes(dataset, sources), money_note(dataset)]
    first, last = rows[0].year, rows[-1].year
    names = [*([ally.name] if ally is not None else []), *(g.name for g, _ in groups)]
    return Report(
        title=f"{', '.join(names)}: defence spending {first}–{last}",
        columns=table.columns(),
        rows=table.rows(rows),
        notes=tuple(notes),
        record_columns=table.record_columns(),
        records=table.records(rows),
        metadata=metadata(dataset, last, [], generated) | {"from": first, "to": last},
    )
