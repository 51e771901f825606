"""`pledges`: national pledges against NATO figures and The Hague's 3.5% core."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from spendcalc.data.schema import Dataset
from spendcalc.domain.pledges import PledgeCheck
from spendcalc.reports.columns import Field, Table, share_fields
from spendcalc.reports.common import (
    GDP_MARK_NOTE,
    GDP_MARKS,
    metadata,
    money_note,
    source_notes,
)
from spendcalc.reports.model import Kind, Report


def pledge_fields() -> Table[PledgeCheck]:
    latest: tuple[Field[PledgeCheck], ...] = share_fields(
        lambda c: c.latest, "Latest NATO\nshare (%)", prefix="latest_share"
    )
    # The share's year follows its estimate mark, the space keeping the years aligned.
    latest_share = replace(latest[0], mark=lambda c: f"{'e' if c.latest.estimate else ' '} {c.latest_year}")
    return Table(
        (
            Field("iso3", lambda c: c.ally.iso3),
            Field("name", lambda c: c.ally.name, "Ally"),
            Field("announced", lambda c: c.pledge.announced),
            Field("pledge_pct", lambda c: c.pledge.share_pct, "Pledge\n(% GDP)", Kind.PCT),
            Field("by_year", lambda c: c.pledge.by_year, "By", Kind.INT),
            Field("status", lambda c: c.pledge.status, "Status"),
            Field(
                "measure",
                lambda c: c.pledge.measure,
                "Measure",
                mark=lambda c: "" if c.pledge.nato_definition else " (not NATO's)",
            ),
            Field("nato_definition", lambda c: c.pledge.nato_definition, kind=Kind.BOOL),
            Field("latest_year", lambda c: c.latest_year, kind=Kind.INT),
            latest_share,
            *latest[1:],
            Field("rise_pp", lambda c: c.rise_pp, "Rise\n(pp)", Kind.GAP_PP),
            Field("hague_core_pct", lambda c: c.hague_core_pct, kind=Kind.PCT),
            Field("hague_core_gap_pp", lambda c: c.hague_core_gap_pp, "Gap to 3.5%\ncore (pp)", Kind.GAP_PP),
            Field("gdp_year", lambda c: c.gdp.year, kind=Kind.INT),
            Field("gdp_usd_bn", lambda c: c.gdp.usd_bn, kind=Kind.USD_BN),
            Field("gdp_kind", lambda c: c.gdp.kind),
            Field("gdp_source", lambda c: c.gdp.source),
            Field(
                "extra_usd_bn",
                lambda c: c.extra_usd_bn,
                "Extra in year\n(US$ bn)",
                Kind.GAP_USD_BN,
                mark=lambda c: GDP_MARKS.get(c.gdp.kind, ""),
            ),
            Field("note", lambda c: c.pledge.note),
            Field("url", lambda c: c.pledge.url),
        ),
        shown=(
            "name",
            "pledge_pct",
            "by_year",
            "status",
            "measure",
            "latest_share_pct",
            "rise_pp",
            "hague_core_gap_pp",
            "extra_usd_bn",
        ),
    )


PLEDGE_COLUMNS = pledge_fields().record_columns()


def pledges_report(
    dataset: Dataset, checks: Sequence[PledgeCheck], generated: datetime | None = None
) -> Report:
    table = pledge_fields()
    notes = [
        f"{c.ally.name} {c.gdp.year} GDP assumed: {c.gdp_growth_basis}." for c in checks if c.gdp_growth_basis
    ]
    national = [c.ally.name for c in checks if not c.pledge.nato_definition]
    notes = [
        "Extra in year = (pledge − latest NATO share) × GDP of the pledge year: the cost beyond keeping the "
        "latest share of GDP (flat-share baseline), one year, not cumulative.",
        "Rise, gap and extra: + is what the pledge adds to the latest share, or still lacks of the 3.5% "
        "core; − is a pledge below the latest share, or above the core.",
        *(
            [
                f"Not NATO's measure ({', '.join(dict.fromkeys(national))}): a national definition, "
                "so the pledge and the NATO share are not strictly comparable."
            ]
            if national
            else []
        ),
        "Latest NATO share: e = estimate, with its year. " + GDP_MARK_NOTE,
        *notes,
        *source_notes(dataset, [c.latest.source for c in checks] + [c.gdp.source for c in checks]),
        "Pledges: national announcements; each row's source URL is in the CSV/JSON output.",
        money_note(dataset),
    ]
    if not checks:
        notes.insert(0, "No pledges recorded for this selection.")
    return Report(
        title="National pledges against NATO figures and The Hague's 3.5% core",
        columns=table.columns(),
        rows=table.rows(checks),
        notes=tuple(notes),
        record_columns=table.record_columns(),
        records=table.records(checks),
        metadata=metadata(dataset, None, [], generated),
    )
