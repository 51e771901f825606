"""The table format: a Report drawn with Rich. The only module that imports Rich."""

from __future__ import annotations

import io
from collections.abc import Sequence
from enum import Enum
from typing import NamedTuple

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.constrain import Constrain
from rich.table import Table
from rich.text import Span, Text

from spendcalc.report import Kind, Report, Shown, Tone, show

_STYLES = {Tone.PLAIN: "", Tone.GAP: "red", Tone.SURPLUS: "green", Tone.MISSING: "dim"}
_NUMERIC = {Kind.INT, Kind.PCT, Kind.GAP_PP, Kind.USD_BN, Kind.GAP_USD_BN, Kind.GAP_USD}


SEPARATOR = "  "
"""Between two columns: a space of padding each side, collapsed, and the box's blank rule."""
EDGE = " "
"""The box's blank left and right edges."""
MAX_TEXT_WIDTH = 60
"""Free text (notes, titles) wraps at this width rather than stretching a table across a file."""
MIN_WRAPPED_WIDTH = 12
MIN_FILE_WIDTH = 100
"""Off a terminal (a pipe or a file) nothing is cut: tables take the width they need, at least this."""


class Layout(NamedTuple):
    """A report's cells as shown, and each column's width and whether it may wrap."""

    header_lines: list[tuple[str, ...]]
    """The headers line by line across the columns, aligned to the bottom as Rich aligns them."""
    rows: list[list[Shown]]
    widths: list[int]
    wraps: list[bool]

    @property
    def single_lines(self) -> bool:
        """Whether every cell and header line fits its column on one line, with nothing Rich would
        expand or drop (tabs, control characters): then the table can be drawn line by line."""
        texts = [*self.header_lines, *([shown.text for shown in row] for row in self.rows)]
        return all(
            text.isprintable() and cell_len(text) <= width
            for row in texts
            for text, width in zip(row, self.widths, strict=True)
        )


def layout(report: Report) -> Layout:
    headers = [column.header.splitlines() or [""] for column in report.columns]
    height = max(len(lines) for lines in headers)
    headers = [[""] * (height - len(lines)) + lines for lines in headers]
    rows = [
        [show(cell, column.kind) for cell, column in zip(row, report.columns, strict=True)]
        for row in (*report.rows, *report.footer)
    ]
    # Column widths from the plain texts: when the table fits, Rich need not measure every cell again.
    natural = [
        max([cell_len(line) for line in headers[i]] + [cell_len(r[i].text) for r in rows])
        for i in range(len(report.columns))
    ]
    wraps = [
        column.kind not in _NUMERIC and column.kind is not Kind.BAR and position > 0
        for position, column in enumerate(report.columns)
    ]
    widths = [min(w, MAX_TEXT_WIDTH) if wrap else w for w, wrap in zip(natural, wraps, strict=True)]
    return Layout(list(zip(*headers, strict=True)), rows, widths, wraps)


def table_renderable(report: Report, cells: Layout, fits: bool) -> RenderableType:
    """The table, drawn line by line when every cell fits on one line, laid out by Rich otherwise."""
    if fits and cells.single_lines:
        return _lined_table(report, cells)
    return _laid_out_table(report, cells, fits)


def build_renderable(report: Report, width: int | None) -> tuple[RenderableType, int]:
    """The report as Rich renderables, and the console width to print it at."""
    cells = layout(report)
    natural, wraps = cells.widths, cells.wraps
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
    table = table_renderable(report, cells, fits)
    parts.append(table)
    if report.notes:
        parts.append(Text("\n".join(report.notes), style="dim"))
    return Group(*parts), console_width


def _table(report: Report) -> Table:
    return Table(
        title=report.title,
        box=box.SIMPLE_HEAD,
        show_footer=False,
        title_justify="left",
        pad_edge=False,
        collapse_padding=True,
    )


def _laid_out_table(report: Report, cells: Layout, fits: bool) -> Table:
    """A table whose cells may wrap: Rich lays out every cell."""
    table = _table(report)
    for position, column in enumerate(report.columns):
        numeric = column.kind in _NUMERIC
        # Numbers and the row label never wrap; long text columns (notes, titles) may.
        table.add_column(
            Text(column.header),
            justify="right" if numeric else "left",
            no_wrap=not cells.wraps[position],
            overflow="fold",
            width=cells.widths[position] if fits else None,
        )
    for index, shown_row in enumerate(cells.rows):
        table.add_row(
            *(Text(shown.text, style=_STYLES[shown.tone]) for shown in shown_row),
            style="bold" if index >= len(report.rows) else None,
            end_section=index == len(report.rows) - 1 and bool(report.footer),
        )
    return table


def _lined_table(report: Report, cells: Layout) -> RenderableType:
    """The table drawn line by line, when every cell fits on one line: what `_laid_out_table` gives,
    without Rich laying out each cell (which took longer than all the rest `spendcalc compare`
    does). The tests check that both draw the same table."""
    widths = cells.widths
    right = [column.kind in _NUMERIC for column in report.columns]
    inner = sum(widths) + len(SEPARATOR) * (len(widths) - 1)

    def line(texts: Sequence[tuple[str, str]], style: str = "") -> Text:
        plain = EDGE
        spans = []
        for position, (text, cell_style) in enumerate(texts):
            cell = text.rstrip()  # as Rich justifies a line
            padding = " " * (widths[position] - cell_len(cell))
            if position:
                plain += SEPARATOR
            if right[position]:
                plain += padding
            if cell_style:
                spans.append(Span(len(plain), len(plain) + len(cell), cell_style))
            plain += cell
            if not right[position]:
                plain += padding
        return Text(plain + EDGE, style=style, spans=spans)

    blank = Text(EDGE + " " * inner + EDGE)  # the box's top and bottom edges and its row rule
    header = (line([(text, "") for text in texts], "table.header") for texts in cells.header_lines)
    lines = [blank, *header]
    lines.append(Text(EDGE + "─" * inner + EDGE))
    for index, shown_row in enumerate(cells.rows):
        if index == len(report.rows) and index:
            lines.append(blank)
        footer = index >= len(report.rows)
        lines.append(
            line([(shown.text, _STYLES[shown.tone]) for shown in shown_row], "bold" if footer else "")
        )
    lines.append(blank)
    body = Text("\n", no_wrap=True, overflow="ignore").join(lines)
    if not report.title:
        return body
    title = Constrain(Text(report.title, style="table.title", justify="left"), width=inner + 2 * len(EDGE))
    return Group(title, body)


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
