"""The table format: a Report drawn with Rich. The only module that imports Rich."""

from __future__ import annotations

import io
from enum import Enum

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from spendcalc.report import Kind, Report, Tone, show

_STYLES = {Tone.PLAIN: "", Tone.GAP: "red", Tone.SURPLUS: "green", Tone.MISSING: "dim"}
_NUMERIC = {Kind.INT, Kind.PCT, Kind.GAP_PP, Kind.USD_BN, Kind.GAP_USD_BN, Kind.GAP_USD}


MAX_TEXT_WIDTH = 60
"""Free text (notes, titles) wraps at this width rather than stretching a table across a file."""
MIN_WRAPPED_WIDTH = 12
MIN_FILE_WIDTH = 100
"""Off a terminal (a pipe or a file) nothing is cut: tables take the width they need, at least this."""


def build_renderable(report: Report, width: int | None) -> tuple[RenderableType, int]:
    """The report as Rich renderables, and the console width to print it at."""
    rows = [
        [show(cell, column.kind) for cell, column in zip(row, report.columns, strict=True)]
        for row in (*report.rows, *report.footer)
    ]
    # Column widths from the plain texts: when the table fits, Rich need not measure every cell again.
    natural = [
        max([cell_len(line) for line in column.header.splitlines()] + [cell_len(r[i].text) for r in rows])
        for i, column in enumerate(report.columns)
    ]
    wraps = [
        column.kind not in _NUMERIC and column.kind is not Kind.BAR and position > 0
        for position, column in enumerate(report.columns)
    ]
    natural = [min(w, MAX_TEXT_WIDTH) if wrap else w for w, wrap in zip(natural, wraps, strict=True)]
    table_width = sum(natural) + 2 * len(natural)
    fits = width is None or table_width <= width
    # Narrower than the table: text columns may wrap, but numbers and names are never cut to '…';
    # the console gets at least the width they need, and the terminal folds the longer lines.
    least = sum(min(w, MIN_WRAPPED_WIDTH) if wrap else w for w, wrap in zip(natural, wraps, strict=True))
    least += 2 * len(natural)
    console_width = max(width, least) if width is not None else max(MIN_FILE_WIDTH, table_width)
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
            Text(column.header),
            justify="right" if numeric else "left",
            no_wrap=not wraps[position],
            overflow="fold",
            width=natural[position] if fits else None,
        )
    for index, shown_row in enumerate(rows):
        footer = index >= len(report.rows)
        table.add_row(
            *(Text(shown.text, style=_STYLES[shown.tone]) for shown in shown_row),
            style="bold" if footer else None,
            end_section=index == len(report.rows) - 1 and bool(report.footer),
        )
    parts.append(table)
    if report.notes:
        parts.append(Text("\n".join(report.notes), style="dim"))
    return Group(*parts), console_width


class Picture(str, Enum):
    SVG = "svg"
    HTML = "html"


def picture(report: Report, kind: Picture, width: int | None = None) -> str:
    """The table as a coloured picture: an SVG image or an HTML page, as Rich records its console."""
    renderable, console_width = build_renderable(report, width)
    console = Console(
        file=io.StringIO(),
        record=True,
        width=console_width,
        force_terminal=True,
        color_system="truecolor",
        highlight=False,
        emoji=False,
    )
    console.print(renderable)
    if kind is Picture.SVG:
        return console.export_svg(title=f"spendcalc — {report.title}")
    return console.export_html(inline_styles=True)


class TableFormatter:
    def __init__(self, *, width: int | None = None, color: bool = False) -> None:
        self.width = width
        self.color = color

    def format(self, report: Report) -> str:
        buffer = io.StringIO()
        renderable, width = build_renderable(report, self.width)
        console = Console(
            file=buffer,
            width=width,
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
