"""`pledges`: national pledges against NATO figures and The Hague's 3.5% core."""

from collections.abc import Sequence
from datetime import datetime

from spendcalc.data.schema import Dataset
from spendcalc.domain.pledges import PledgeCheck
from spendcalc.reports.common import (
    GDP_MARK_NOTE,
    GDP_MARKS,
    MONEY_NOTE,
    figure_cell,
    metadata,
    source_notes,
)
from spendcalc.reports.model import Cell, Column, Kind, Report, Scalar

PLEDGE_COLUMNS = (
    "iso3",
    "name",
    "announced",
    "pledge_pct",
    "by_year",
    "status",
    "measure",
    "nato_definition",
    "latest_year",
    "latest_share_pct",
    "latest_share_estimate",
    "latest_share_source",
    "rise_pp",
    "hague_core_pct",
    "hague_core_gap_pp",
    "gdp_year",
    "gdp_usd_bn",
    "gdp_kind",
    "gdp_source",
    "extra_usd_bn",
    "note",
    "url",
)


def pledges_report(
    dataset: Dataset, checks: Sequence[PledgeCheck], generated: datetime | None = None
) -> Report:
    columns = (
        Column("name", "Ally"),
        Column("pledge_pct", "Pledge\n(% GDP)", Kind.PCT),
        Column("by_year", "By", Kind.INT),
        Column("status", "Status"),
        Column("measure", "Measure"),
        Column("latest_share_pct", "Latest NATO\nshare (%)", Kind.PCT),
        Column("rise_pp", "Rise\n(pp)", Kind.GAP_PP),
        Column("hague_core_gap_pp", "Gap to 3.5%\ncore (pp)", Kind.GAP_PP),
        Column("extra_usd_bn", "Extra in year\n(US$ bn)", Kind.GAP_USD_BN),
    )
    rows: list[tuple[Cell, ...]] = []
    records: list[dict[str, Scalar]] = []
    notes: list[str] = []
    for check in checks:
        pledge = check.pledge
        measure = pledge.measure if pledge.nato_definition else f"{pledge.measure} (not NATO's)"
        rows.append(
            (
                Cell(check.ally.name),
                Cell(pledge.share_pct),
                Cell(pledge.by_year),
                Cell(pledge.status),
                Cell(measure),
                figure_cell(
                    check.latest,
                    f"e {check.latest_year}" if check.latest.estimate else f" {check.latest_year}",
                ),
                Cell(check.rise_pp),
                Cell(check.hague_core_gap_pp),
                Cell(check.extra_usd_bn, GDP_MARKS.get(check.gdp.kind, "")),
            )
        )
        records.append(
            {
                "iso3": check.ally.iso3,
                "name": check.ally.name,
                "announced": pledge.announced,
                "pledge_pct": pledge.share_pct,
                "by_year": pledge.by_year,
                "status": pledge.status,
                "measure": pledge.measure,
                "nato_definition": pledge.nato_definition,
                "latest_year": check.latest_year,
                "latest_share_pct": check.latest.pct,
                "latest_share_estimate": check.latest.estimate,
                "latest_share_source": check.latest.source,
                "rise_pp": check.rise_pp,
                "hague_core_pct": check.hague_core_pct,
                "hague_core_gap_pp": check.hague_core_gap_pp,
                "gdp_year": check.gdp.year,
                "gdp_usd_bn": check.gdp.usd_bn,
                "gdp_kind": check.gdp.kind,
                "gdp_source": check.gdp.source,
                "extra_usd_bn": check.extra_usd_bn,
                "note": pledge.note,
                "url": pledge.url,
            }
        )
        if check.gdp_growth_basis:
            notes.append(f"{check.ally.name} {check.gdp.year} GDP assumed: {check.gdp_growth_basis}.")
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
        MONEY_NOTE,
    ]
    if not checks:
        notes.insert(0, "No pledges recorded for this selection.")
    return Report(
        title="National pledges against NATO figures and The Hague's 3.5% core",
        columns=columns,
        rows=tuple(rows),
        notes=tuple(notes),
        record_columns=PLEDGE_COLUMNS,
        records=tuple(records),
        metadata=metadata(dataset, None, [], generated),
    )
