"""`chart`: a bar per ally with each target drawn across the bars; the text bars `history` uses too."""

from collections.abc import Sequence
from datetime import datetime

from spendcalc.data.schema import Dataset
from spendcalc.domain.comparison import Comparison
from spendcalc.domain.gaps import AllyGaps, ShareFigure
from spendcalc.domain.groups import ALLIANCE, EUROPE_AND_CANADA, GroupSpec, GroupTotal
from spendcalc.domain.targets import format_pct
from spendcalc.errors import UsageError
from spendcalc.reports.columns import Field, Table, share_fields
from spendcalc.reports.common import (
    metadata,
    source_notes,
)
from spendcalc.reports.gap import GROUP_SHARE_SOURCE
from spendcalc.reports.model import Kind, Report

TARGET_MARKS = ("│", "┃", "║", "¦", "┆", "╏")
"""One mark per target, drawn across the bars: different shapes, so they read without colour."""


CHART_DEFAULT_WIDTH = 100
"""Off a terminal."""


CHART_FIXED_WIDTH = 34
"""Columns besides the bar: the ally's name, the share and the padding between them."""


BAR_WIDTH = 24


BAR_FULL = "█"


BAR_MARK = "│"
"""The 2% line: drawn across each bar so it reads without colour."""


BAR_EIGHTHS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")
"""The end of a bar in eighths of a character, so that 2.00% and 2.21% do not draw the same bar."""


def chart_bar(share: float | None, scale_max: float, marks: Sequence[tuple[float, str]], width: int) -> str:
    """A bar of `share` on a scale from 0 to `scale_max`, `width` characters long, targets marked.

    The bar ends to an eighth of a character. Rounding never puts it on the wrong side of a mark: a
    share below a target stops short of its mark, one at or above it shows at least an eighth past
    it, so that 1.99% does not read as 2%."""
    eighths = 0 if share is None else max(0, min(8 * width, round(share / scale_max * width * 8)))
    positions = [(level, min(width - 1, round(level / scale_max * width)), mark) for level, mark in marks]
    if share is not None:
        for level, position, _ in sorted(positions):
            if share < level:
                eighths = min(eighths, 8 * position)
            else:
                eighths = max(eighths, min(8 * width, 8 * (position + 1) + 1))
    full, part = divmod(eighths, 8)
    cells = [BAR_FULL if i < full else " " for i in range(width)]
    if part and full < width:
        cells[full] = BAR_EIGHTHS[part]
    for _, position, mark in positions:
        cells[position] = mark
    return "".join(cells).rstrip()


def share_bar(share: float | None, scale_max: float, line_pct: float = 2.0, width: int = BAR_WIDTH) -> str:
    """A text bar of `share` on a scale to `scale_max`, with the line at `line_pct` marked."""
    return chart_bar(share, scale_max, [(line_pct, BAR_MARK)], width)


def chart_report(
    dataset: Dataset,
    comparison: Comparison,
    bar_width: int,
    generated: datetime | None = None,
    groups: Sequence[GroupSpec] = (),
) -> Report:
    """A horizontal bar per ally with each target drawn as a mark across the bars."""
    targets = comparison.targets
    if len(targets) > len(TARGET_MARKS):
        raise UsageError(
            f"a chart shows at most {len(TARGET_MARKS)} targets; {len(targets)} given", "--target"
        )
    width = max(10, bar_width)
    shares = [g.share.pct for g in comparison.allies if g.share]
    shares += [t.share_pct for t in chosen_totals(comparison, groups)]
    scale_max = max([*shares, *(t.share_pct for t in targets), 1.0]) * 1.04
    marks = [(t.share_pct, mark) for t, mark in zip(targets, TARGET_MARKS, strict=False)]
    lowest = min((t.share_pct for t in targets), default=None)

    totals = chosen_totals(comparison, groups)

    def figure(item: AllyGaps | GroupTotal) -> ShareFigure | None:
        if isinstance(item, AllyGaps):
            return item.share
        return group_figure(item)

    def below(item: AllyGaps | GroupTotal) -> bool | None:
        share = figure(item)
        if share is None or lowest is None:
            return None
        return share.pct < lowest

    def bar(item: AllyGaps | GroupTotal) -> str:
        share = figure(item)
        if share is not None:
            return chart_bar(share.pct, scale_max, marks, width)
        return item.status.value if isinstance(item, AllyGaps) else "n/a"

    table: Table[AllyGaps | GroupTotal] = Table(
        (
            Field("iso3", lambda g: g.ally.iso3 if isinstance(g, AllyGaps) else None),
            Field("name", lambda g: g.ally.name if isinstance(g, AllyGaps) else g.name, "Ally"),
            Field("group", lambda g: not isinstance(g, AllyGaps), kind=Kind.BOOL),
            Field("year", lambda _: comparison.year, kind=Kind.INT),
            *share_fields(figure),
            Field("below_lowest_target", below, kind=Kind.BOOL),
            Field("members", lambda g: None if isinstance(g, AllyGaps) else " ".join(g.members)),
            Field(
                "bar",
                bar,
                f"0%{' ' * max(1, width - 7)}{scale_max:.1f}%\nShare of GDP",
                Kind.BAR,
                mark=lambda g: "below" if below(g) else "",
                exported=False,
            ),
        ),
        shown=("name", "share_pct", "bar"),
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
    if totals:
        from spendcalc.reports.groups import MEMBERSHIP_NOTE, group_note

        notes[1:1] = [
            "Group bars (below the allies): the group's share is Σspending / ΣGDP over its members of the "
            "year, drawn like an ally's; e = some member's share is an estimate.",
            *(group_note(dataset, spec) for spec in groups),
            MEMBERSHIP_NOTE,
        ]
    return Report(
        title=f"Defence spending as a share of GDP, {comparison.year}",
        columns=table.columns(),
        rows=table.rows(comparison.allies),
        footer=table.rows(totals),
        notes=tuple(notes),
        record_columns=table.record_columns(),
        records=table.records([*comparison.allies, *totals]),
        metadata=metadata(dataset, comparison.year, targets, generated),
    )


def chosen_totals(comparison: Comparison, groups: Sequence[GroupSpec]) -> list[GroupTotal]:
    """The totals of the groups asked for, in the order asked: NATO and Europe and Canada included only
    if asked for (`compare` always totals them)."""
    always = {"nato": ALLIANCE, "europe-canada": EUROPE_AND_CANADA}
    by_name = {t.name: t for t in comparison.totals}
    return [by_name[g.name if g.user_defined else always.get(g.id, g.name)] for g in groups]


def group_figure(total: GroupTotal) -> ShareFigure:
    """A group's share (Σspending / ΣGDP) as a figure: an estimate if any member's share is one; its
    source says how it is made, as in `compare` (the members' sources are in the notes)."""
    return ShareFigure(total.share_pct, total.estimate, GROUP_SHARE_SOURCE, 0.0)
