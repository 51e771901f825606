"""Reports over time and across the alliance: paths to a target year, pledges, history, burden sharing."""

from collections.abc import Sequence
from datetime import datetime

from spendcalc.core import BurdenSharing, Comparison, HistoryYear, ShareFigure, format_pct
from spendcalc.currency import Conversion, Currency
from spendcalc.errors import UsageError
from spendcalc.models import Ally, Dataset
from spendcalc.paths import Baseline, DefencePath, PathLine, PathYear, PledgeCheck
from spendcalc.report import (
    MONEY_NOTE,
    Cell,
    Column,
    Kind,
    Report,
    Scalar,
    figure_cell,
    metadata,
    rate_note,
    share_cell,
    share_origin,
    show,
    source_notes,
)

BASELINE_WORDS = {
    Baseline.FLAT_SHARE: "a flat {share}% of each year's GDP",
    Baseline.FLAT_CASH: "flat cash ({year} spending of {money} each year, no growth)",
}
RELATED_NOTE = (
    "Defence-related (up to 1.5%): NATO does not yet measure this slice, so it is planned from 0 and its "
    "extra is the whole slice; it never offsets a shortfall in core defence."
)
GDP_MARKS = {"actual": "", "estimate": "e", "projection": "p", "assumed": "a"}
GDP_MARK_NOTE = "GDP: e = estimate, p = IMF projection, a = assumed (extended at the growth rate stated)."


def _money(value: float | None, code: str) -> str:
    return "n/a" if value is None else f"{'US$' if code == 'USD' else code} {value:,.1f} bn"


def path_report(dataset: Dataset, path: DefencePath, generated: datetime | None = None) -> Report:
    ally = path.ally
    money = path.money
    two_lines = len(path.lines) > 1
    columns = (
        *((Column("line", "Line"),) if two_lines else ()),
        Column("year", "Year", Kind.INT),
        Column("gdp_bn", f"GDP\n({money} bn)", Kind.USD_BN),
        Column("share_pct", "Share\n(% GDP)", Kind.PCT),
        Column("spending_bn", f"Spending\n({money} bn)", Kind.USD_BN),
        Column("baseline_bn", f"Baseline\n({money} bn)", Kind.USD_BN),
        Column("extra_bn", f"Extra\n({money} bn)", Kind.GAP_USD_BN),
        Column("cumulative_extra_bn", f"Cumulative\n({money} bn)", Kind.GAP_USD_BN),
    )
    rows: list[tuple[Cell, ...]] = []
    records: list[dict[str, Scalar]] = []
    for line in path.lines:
        for point in line.years:
            rows.append(
                (
                    *((Cell(line.name),) if two_lines else ()),
                    Cell(point.year),
                    Cell(point.gdp_bn, GDP_MARKS.get(point.gdp.kind, "")),
                    Cell(point.share_pct),
                    Cell(point.spending_bn),
                    Cell(point.baseline_bn),
                    Cell(point.extra_bn),
                    Cell(point.cumulative_extra_bn),
                )
            )
            records.append(_path_record(path, line, point))
    sentences = [path_sentence(path, line) for line in path.lines]
    notes = list(sentences)
    if two_lines:
        notes.append(RELATED_NOTE)
    notes += gdp_source_changes([(p.year, p.source) for p in path.gdp.points])
    if path.gdp.growth_basis:
        notes.append(f"GDP growth: {path.gdp.growth_basis}.")
    notes.append(GDP_MARK_NOTE)
    start = path.lines[0].start
    rates = [y.rate for y in path.lines[0].years]
    sources = [
        start.source if start else None,
        *(p.source for p in path.gdp.points),
        *(r.source for r in rates),
    ]
    notes += source_notes(dataset, sources)
    notes.append(MONEY_NOTE)
    notes += _path_rate_notes(rates, path.currency, ally.name, ally.currency)
    target_names = " + ".join(
        f"{format_pct(line.target.share_pct)}% {line.label.lower()}" for line in path.lines
    )
    start_text = share_origin(start, dataset) if start is not None else "not measured"
    summary = (
        ("Ally", f"{ally.name} ({ally.iso3})"),
        ("Target", f"{target_names} by {path.by_year}"),
        ("Start", f"{_share_text(start)}% of GDP in {path.from_year}, {start_text}"),
        ("Shape", f"{path.shape.value} (in share of GDP)"),
        ("Baseline", path.baseline.value),
    )
    return Report(
        title=f"{ally.name}: path to {target_names} by {path.by_year}",
        columns=columns,
        rows=tuple(rows),
        summary=summary,
        notes=tuple(notes),
        record_columns=tuple(records[0]),
        records=tuple(records),
        metadata=metadata(dataset, path.from_year, [line.target for line in path.lines], generated)
        | {
            "currency": path.currency.value,
            "by_year": path.by_year,
            "shape": path.shape.value,
            "baseline": path.baseline.value,
            "gdp_growth_pct_after_data": path.gdp.growth_pct,
            "gdp_growth_basis": path.gdp.growth_basis,
            "summary": sentences,
        },
    )


def _share_text(share: ShareFigure | None) -> str:
    """A share as published: 2.4 for a figure given to 0.1, 2.40 for one given to 0.01."""
    return show(figure_cell(share, ""), Kind.PCT).text if share is not None else "0.00"


def gdp_source_changes(years: Sequence[tuple[int, str | None]]) -> list[str]:
    """A note for each year where the GDP series passes from one source to another (World Bank → IMF)."""
    notes = []
    previous: str | None = None
    for year, source in years:
        if previous and source and source != previous:
            notes.append(
                f"GDP source changes in {year}: {previous} before, {source} from {year}; "
                "the two differ by a few per cent for the same year."
            )
        previous = source or previous
    return notes


def path_sentence(path: DefencePath, line: PathLine) -> str:
    """Spending in the target year vs the start year, and the cumulative extra with baseline and years."""
    first, last = line.years[0], line.years[-1]
    code = path.money
    from_year, to_year = path.extra_years
    baseline = (
        BASELINE_WORDS[path.baseline].format(
            share=_share_text(line.start), year=path.from_year, money=_money(first.spending_bn, code)
        )
        if line.start is not None
        else "nothing, since the slice is not yet measured"
    )
    held = " (already at or above the target: share held, no rise)" if line.already_met else ""
    return (
        f"{line.label}: spending in {last.year} {_money(last.spending_bn, code)} "
        f"({last.share_pct:.2f}% of GDP) vs {_money(first.spending_bn, code)} in {first.year} "
        f"({first.share_pct:.2f}%){held}. Cumulative extra {from_year}–{to_year} against {baseline}: "
        f"{_money(line.cumulative_extra_bn, code)}."
    )


def _path_record(path: DefencePath, line: PathLine, point: PathYear) -> dict[str, Scalar]:
    return {
        "iso3": path.ally.iso3,
        "name": path.ally.name,
        "line": line.name,
        "target_pct": line.target.share_pct,
        "by_year": path.by_year,
        "year": point.year,
        "share_pct": point.share_pct,
        "currency": point.rate.code,
        "gdp_bn": point.gdp_bn,
        "spending_bn": point.spending_bn,
        "baseline": path.baseline.value,
        "baseline_bn": point.baseline_bn,
        "extra_bn": point.extra_bn,
        "cumulative_extra_bn": point.cumulative_extra_bn,
        "gdp_usd_bn": point.gdp.usd_bn,
        "gdp_kind": point.gdp.kind,
        "gdp_source": point.gdp.source,
        "fx_per_usd": point.rate.per_usd,
        "fx_rate_year": point.rate.rate_year,
        "fx_source": point.rate.source,
        "start_share_source": (line.start.source or "user-supplied") if line.start else None,
    }


def _path_rate_notes(rates: Sequence[Conversion], currency: Currency, name: str, code: str) -> list[str]:
    notes: list[str] = []
    for rate in rates:
        note = None if rate.carried_forward else rate_note(rate, currency, name, code)
        if note and note not in notes:
            notes.append(note)
    carried = [r for r in rates if r.carried_forward]
    if carried:
        first = carried[0]
        notes.append(
            f"{first.code} per US$ for {first.year}–{carried[-1].year}: {first.per_usd:.4f}, "
            f"the {first.rate_year} average (the last full year) carried forward [{first.source}]."
        )
    return notes


# --- pledges -------------------------------------------------------------------------------------

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


# --- history -------------------------------------------------------------------------------------

BAR_WIDTH = 24
BAR_FULL = "█"
BAR_MARK = "│"
"""The 2% line: drawn across each bar so it reads without colour."""


def share_bar(share: float | None, scale_max: float, line_pct: float = 2.0, width: int = BAR_WIDTH) -> str:
    """A text bar of `share` on a scale to `scale_max`, with the line at `line_pct` marked."""
    return chart_bar(share, scale_max, [(line_pct, BAR_MARK)], width)


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


# --- burden sharing ------------------------------------------------------------------------------


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


# --- chart ---------------------------------------------------------------------------------------

TARGET_MARKS = ("│", "┃", "║", "¦", "┆", "╏")
"""One mark per target, drawn across the bars: different shapes, so they read without colour."""
CHART_DEFAULT_WIDTH = 100
"""Off a terminal."""
CHART_FIXED_WIDTH = 34
"""Columns besides the bar: the ally's name, the share and the padding between them."""


def chart_bar(share: float | None, scale_max: float, marks: Sequence[tuple[float, str]], width: int) -> str:
    """A bar of `share` on a scale from 0 to `scale_max`, `width` characters long, targets marked.

    Rounding never puts a bar on the wrong side of a mark: a share below a target stops short of its
    mark, one at or above it shows at least one block past it, so that 1.99% does not read as 2%."""
    filled = 0 if share is None else max(0, min(width, round(share / scale_max * width)))
    positions = [(level, min(width - 1, round(level / scale_max * width)), mark) for level, mark in marks]
    if share is not None:
        for level, position, _ in sorted(positions):
            filled = min(filled, position) if share < level else max(filled, min(width, position + 2))
    cells = [BAR_FULL if i < filled else " " for i in range(width)]
    for _, position, mark in positions:
        cells[position] = mark
    return "".join(cells).rstrip()


def chart_report(
    dataset: Dataset,
    comparison: Comparison,
    bar_width: int,
    generated: datetime | None = None,
) -> Report:
    """A horizontal bar per ally with each target drawn as a mark across the bars."""
    targets = comparison.targets
    if len(targets) > len(TARGET_MARKS):
        raise UsageError(
            f"a chart shows at most {len(TARGET_MARKS)} targets; {len(targets)} given", "--target"
        )
    width = max(10, bar_width)
    shares = [g.share.pct for g in comparison.allies if g.share]
    scale_max = max([*shares, *(t.share_pct for t in targets), 1.0]) * 1.04
    marks = [(t.share_pct, mark) for t, mark in zip(targets, TARGET_MARKS, strict=False)]
    lowest = min((t.share_pct for t in targets), default=None)
    columns = (
        Column("name", "Ally"),
        Column("share_pct", "Share\n(% GDP)", Kind.PCT),
        Column("bar", f"0%{' ' * max(1, width - 7)}{scale_max:.1f}%\nShare of GDP", Kind.BAR),
    )
    rows: list[tuple[Cell, ...]] = []
    records: list[dict[str, Scalar]] = []
    for gaps in comparison.allies:
        share = gaps.share
        bar_text = chart_bar(share.pct if share else None, scale_max, marks, width)
        below = share is not None and lowest is not None and share.pct < lowest
        rows.append(
            (
                Cell(gaps.ally.name),
                share_cell(gaps),
                Cell(bar_text if share else gaps.status.value, "below" if below else ""),
            )
        )
        records.append(
            {
                "iso3": gaps.ally.iso3,
                "name": gaps.ally.name,
                "year": comparison.year,
                "share_pct": share.pct if share else None,
                "share_estimate": share.estimate if share else None,
                "share_source": share.source if share else None,
                "below_lowest_target": below if share else None,
            }
        )
    legend = "  ".join(f"{mark} {format_pct(level)}%" for level, mark in marks)
    notes = [
        f"Targets: {legend}   {BAR_FULL} = share of GDP; e = estimate.",
        *(
            [f"Bars below {format_pct(lowest)}% are drawn in red on a colour terminal."]
            if lowest is not None
            else []
        ),
        *(f"{g.ally.name}: {g.status.value}." for g in comparison.allies if g.share is None),
        *source_notes(dataset, [g.share.source for g in comparison.allies if g.share]),
    ]
    return Report(
        title=f"Defence spending as a share of GDP, {comparison.year}",
        columns=columns,
        rows=tuple(rows),
        notes=tuple(notes),
        record_columns=tuple(records[0]),
        records=tuple(records),
        metadata=metadata(dataset, comparison.year, targets, generated),
    )
