"""The table format: a Report drawn with Rich. The only module that imports Rich."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console, Group, RenderableType
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from spendcalc.report import Kind, Report, Tone, show

_STYLES = {Tone.PLAIN: "", Tone.GAP: "red", Tone.SURPLUS: "green", Tone.MISSING: "dim"}
_NUMERIC = {Kind.INT, Kind.PCT, Kind.GAP_PP, Kind.USD_BN, Kind.GAP_USD_BN, Kind.GAP_USD}


def build_renderable(report: Report) -> RenderableType:
    parts: list[RenderableType] = []
    if report.summary:
        summary = Table.grid(padding=(0, 2))
        summary.add_column(style="bold")
        summary.add_column()
        for label, value in report.summary:
            summary.add_row(Text(label), Text(value))
        parts.append(summary)
    table = Table(
        title=report.title,
        box=box.SIMPLE_HEAD,
        show_footer=False,
        title_justify="left",
        pad_edge=False,
        collapse_padding=True,
    )
    for position, column in enumerate(report.columns):
        numeric = column.kind in _NUMERIC
        # Numbers and the row label never wrap; long text columns (notes, titles) may.
        table.add_column(
            Text(column.header), justify="right" if numeric else "left", no_wrap=numeric or position == 0
        )
    for index, row in enumerate((*report.rows, *report.footer)):
        texts = []
        for cell, column in zip(row, report.columns, strict=True):
            shown = show(cell, column.kind)
            texts.append(Text(shown.text, style=_STYLES[shown.tone]))
        footer = index >= len(report.rows)
        table.add_row(
            *texts,
            style="bold" if footer else None,
            end_section=index == len(report.rows) - 1 and bool(report.footer),
        )
    parts.append(table)
    if report.notes:
        parts.append(Text("\n".join(report.notes), style="dim"))
    return Group(*parts)


class TableFormatter:
    def __init__(self, *, width: int | None = None, color: bool = False) -> None:
        self.width = width
        self.color = color

    def format(self, report: Report) -> str:
        buffer = io.StringIO()
        renderable = build_renderable(report)
        console = Console(
            file=buffer,
            width=self.width or _natural_width(renderable),
            force_terminal=self.color,
            no_color=not self.color,
            color_system="standard" if self.color else None,
            highlight=False,
            emoji=False,
        )
        console.print(renderable)
        text = buffer.getvalue()
        if self.color:
            return text
        # Rich pads every line to the table's width; plain text reads and diffs better without.
        return "".join(line.rstrip() + "\n" for line in text.splitlines())


MIN_FILE_WIDTH = 100


def _natural_width(renderable: RenderableType) -> int:
    """Not on a terminal (a pipe or a file), nothing is cut: the width the table needs, at least 100."""
    console = Console(width=1000, file=io.StringIO())
    table_width = max(
        Measurement.get(console, console.options, part).maximum
        for part in getattr(renderable, "renderables", [renderable])
        if isinstance(part, Table)
    )
    return max(MIN_FILE_WIDTH, table_width)
