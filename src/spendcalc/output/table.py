"""The table format: a Report drawn for people. The only module that imports Rich.

The plain-text format (a pipe, a file, NO_COLOR), which spendcalc owns and draws line by line here
without importing Rich's console (that import alone cost more than all the rest a command does):

    Label  value                     the summary, if any: labels padded to the longest, two spaces
    Title, wrapped to the table's width
    <blank line>                     the table's top edge
     Head     Head                   headers split on "\n", aligned to the bottom
     ──────────────────              a rule across the table, inside its edges
     text     1.23                   a row per item: text left-aligned, numbers (`_NUMERIC`) right-aligned
    <blank line>                     before the totals (footer rows), if any
     Total    4.56
    <blank line>                     the table's bottom edge
    Notes, one per line, each wrapped at the console width

A line starts and ends with one space (`EDGE`); columns are `SEPARATOR` (two spaces) apart and as wide
as their widest cell or header line, text columns capped at `MAX_TEXT_WIDTH`; trailing spaces are cut.
Cells are `reports.model.show`n: rounded for display only, signed gaps, `n/a` for a missing value.
Off a terminal the width is what the table needs (at least `MIN_FILE_WIDTH` for the notes).

This is what Rich draws for the same table with box.SIMPLE_HEAD (tests/test_formats.py holds the two
equal for the Rich versions pyproject.toml allows, and tests/test_golden.py holds real commands to
committed outputs). Colour on a terminal, the SVG and HTML pictures, and tables whose cells must wrap
on a narrow terminal are drawn by Rich.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len

from spendcalc.choices import Picture
from spendcalc.output.escape import printable
from spendcalc.reports.model import Kind, Report, Shown, Tone, show

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table
    from rich.text import Text

_STYLES = {Tone.PLAIN: "", Tone.GAP: "red", Tone.SURPLUS: "green", Tone.MISSING: "dim"}
_NUMERIC = {
    Kind.INT,
    Kind.PCT,
    Kind.GAP_PP,
    Kind.USD_BN,
    Kind.GAP_USD_BN,
    Kind.GAP_USD,
    Kind.RATE,
    Kind.CHANGE,
}

SEPARATOR = "  "
"""Between two columns: a space of padding each side, collapsed, and the box's blank rule."""
EDGE = " "
"""The box's blank left and right edges."""
SUMMARY_GAP = "  "
"""Between a summary label and its value."""
MAX_TEXT_WIDTH = 60
"""Free text (notes, titles) wraps at this width rather than stretching a table across a file."""
MIN_WRAPPED_WIDTH = 12
MIN_FILE_WIDTH = 100
"""Off a terminal (a pipe or a file) nothing is cut: tables take the width they need, at least this."""


class Layout(NamedTuple):
    """A report's cells as shown, each column's width and whether it may wrap, and the console width."""

    header_lines: list[tuple[str, ...]]
    """The headers line by line across the columns, aligned to the bottom as Rich aligns them."""
    rows: list[list[Shown]]
    widths: list[int]
    wraps: list[bool]
    fits: bool
    """The table, its text columns capped at MAX_TEXT_WIDTH, fits the width asked for."""
    console_width: int
    cell_lines: list[list[list[str] | None]]
    """Each cell's lines in its column: one, or its text wrapped (a text column); None where Rich would do
    more than wrap words (fold a long word, expand a tab, drop a control character)."""

    @property
    def table_width(self) -> int:
        return _table_width(self.widths)

    @property
    def line_by_line(self) -> bool:
        """Whether the table can be drawn line by line as Rich would: it fits, every header line fits
        its column, and every cell fits its column on one line or wraps in it as Rich wraps text, with
        nothing Rich would expand or drop (tabs, control characters)."""
        return (
            self.fits
            and bool(self.widths)
            and all(
                text.isprintable() and cell_len(text) <= width
                for row in self.header_lines
                for text, width in zip(row, self.widths, strict=True)
            )
            and all(lines is not None for row in self.cell_lines for lines in row)
        )


def _cell_lines(text: str, width: int, wraps: bool) -> list[str] | None:
    if not text.isprintable():
        return None
    if cell_len(text) <= width:
        return [text]
    return wrap(text, width) if wraps else None


def layout(report: Report, width: int | None) -> Layout:
    """How `report` is laid out on a console `width` columns wide (None: off a terminal)."""
    headers = [column.header.split("\n") for column in report.columns]  # as Rich splits a Text
    height = max((len(lines) for lines in headers), default=0)
    headers = [[""] * (height - len(lines)) + lines for lines in headers]
    rows = [
        [show(cell, column.kind) for cell, column in zip(row, report.columns, strict=True)]
        for row in (*report.rows, *report.footer)
    ]
    natural = [
        max([cell_len(line) for line in headers[i]] + [cell_len(r[i].text) for r in rows])
        for i in range(len(report.columns))
    ]
    wraps = [
        column.kind not in _NUMERIC and column.kind is not Kind.BAR and position > 0
        for position, column in enumerate(report.columns)
    ]
    widths = [min(w, MAX_TEXT_WIDTH) if wrap else w for w, wrap in zip(natural, wraps, strict=True)]
    table_width = _table_width(widths)
    fits = width is None or table_width <= width
    # Narrower than the table: text columns may wrap, but numbers and names are never cut to '…';
    # the console gets at least the width they need, and the terminal folds the longer lines.
    least = _table_width(
        [min(w, MIN_WRAPPED_WIDTH) if wrap else w for w, wrap in zip(widths, wraps, strict=True)]
    )
    console_width = max(width, least) if width is not None else max(MIN_FILE_WIDTH, table_width)
    cell_lines = [
        [
            _cell_lines(shown.text, column, wrap)
            for shown, column, wrap in zip(row, widths, wraps, strict=True)
        ]
        for row in rows
    ]
    return Layout(list(zip(*headers, strict=True)), rows, widths, wraps, fits, console_width, cell_lines)


def _table_width(widths: Sequence[int]) -> int:
    return sum(widths) + len(SEPARATOR) * max(len(widths) - 1, 0) + 2 * len(EDGE)


class Line(NamedTuple):
    """One line of a table drawn line by line: its text, the styled stretches and the line's style."""

    text: str
    spans: tuple[tuple[int, int, str], ...] = ()
    style: str = ""


def table_lines(report: Report, cells: Layout) -> list[Line]:
    """The table (without its title) line by line, when `cells.line_by_line`: the lines Rich draws
    for it with box.SIMPLE_HEAD, collapsed padding and no padding at the edges, a row as many lines as
    its most wrapped cell (the others blank below their text, as Rich aligns cells to the top)."""
    widths = cells.widths
    right = [column.kind in _NUMERIC for column in report.columns]
    inner = cells.table_width - 2 * len(EDGE)

    def line(texts: Sequence[tuple[str, str]], style: str = "") -> Line:
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
                spans.append((len(plain), len(plain) + len(cell), cell_style))
            plain += cell
            if not right[position]:
                plain += padding
        return Line(plain + EDGE, tuple(spans), style)

    blank = Line(EDGE + " " * inner + EDGE)  # the box's top and bottom edges and its row rule
    lines = [blank, *(line([(text, "") for text in texts], "table.header") for texts in cells.header_lines)]
    lines.append(Line(EDGE + "─" * inner + EDGE))
    for index, (shown_row, row_lines) in enumerate(zip(cells.rows, cells.cell_lines, strict=True)):
        if index == len(report.rows) and index:
            lines.append(blank)
        footer = index >= len(report.rows)
        styles = [_STYLES[shown.tone] for shown in shown_row]
        texts = [
            cell if cell is not None else [shown.text]
            for cell, shown in zip(row_lines, shown_row, strict=True)
        ]
        for depth in range(max(len(cell) for cell in texts)):
            parts = [
                (cell[depth] if depth < len(cell) else "", style)
                for cell, style in zip(texts, styles, strict=True)
            ]
            lines.append(line(parts, "bold" if footer else ""))
    lines.append(blank)
    return lines


_WORD = re.compile(r"\s*\S+\s*")


def wrap(text: str, width: int) -> list[str] | None:
    """`text` wrapped at `width` cells as Rich wraps it (a word moves to the next line when it does
    not fit, lines lose trailing spaces); None when Rich would do more than that (a word wider than
    the line is folded, tabs expanded, control characters dropped)."""
    lines = []
    for paragraph in text.split("\n"):
        if not paragraph.isprintable():
            return None
        line, used = "", 0
        for word in _WORD.findall(paragraph):
            length = cell_len(word.rstrip())
            if length > width:
                return None
            if length > width - used:
                lines.append(line.rstrip())
                line, used = "", 0
            line += word
            used += cell_len(word)
        lines.append(line.rstrip())
    return lines


def plain_text(report: Report, width: int | None) -> str | None:
    """The report as plain text, drawn line by line; None when Rich must lay it out (cells that wrap)."""
    cells = layout(report, width)
    if not cells.line_by_line:
        return None
    parts: list[list[str] | None] = []
    if report.summary:
        label_width = max(cell_len(label) for label, _ in report.summary)
        summary = [
            label + " " * (label_width - cell_len(label)) + SUMMARY_GAP + value
            for label, value in report.summary
        ]
        drawn_alike = label_width > 0 and all(  # Rich drops a column with no width at all
            line.isprintable() and cell_len(line) <= cells.console_width for line in summary
        )
        parts.append(summary if drawn_alike else None)
    if report.title:
        parts.append(wrap(report.title, cells.table_width))
    parts.append([line.text for line in table_lines(report, cells)])
    if report.notes:
        parts.append(wrap("\n".join(report.notes), cells.console_width))
    if any(part is None for part in parts):
        return None
    return "".join(line.rstrip() + "\n" for part in parts if part is not None for line in part)


def build_renderable(report: Report, width: int | None) -> tuple[RenderableType, int]:
    """The report as Rich renderables, and the console width to print it at."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    cells = layout(report, width)
    parts: list[RenderableType] = []
    if report.summary:
        summary = Table.grid(padding=(0, len(SUMMARY_GAP)))
        summary.add_column(style="bold")
        summary.add_column()
        for label, value in report.summary:
            summary.add_row(Text(label), Text(value))
        parts.append(summary)
    parts.append(table_renderable(report, cells))
    if report.notes:
        parts.append(Text("\n".join(report.notes), style="dim"))
    return Group(*parts), cells.console_width


def table_renderable(report: Report, cells: Layout) -> RenderableType:
    """The table for Rich: line by line when every cell fits on one line, laid out by Rich otherwise."""
    return _lined_table(report, cells) if cells.line_by_line else _laid_out_table(report, cells)


def _title(report: Report) -> Text | None:
    from rich.text import Text

    # A Text, not a string: a country's name in brackets is not Rich markup.
    return Text(report.title, style="table.title", justify="left") if report.title else None


def _laid_out_table(report: Report, cells: Layout) -> Table:
    """A table whose cells may wrap: Rich lays out every cell."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=_title(report),
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
            no_wrap=not cells.wraps[position],
            overflow="fold",
            width=cells.widths[position] if cells.fits else None,
        )
    for index, shown_row in enumerate(cells.rows):
        table.add_row(
            *(Text(shown.text, style=_STYLES[shown.tone]) for shown in shown_row),
            style="bold" if index >= len(report.rows) else None,
            end_section=index == len(report.rows) - 1 and bool(report.footer),
        )
    return table


def _lined_table(report: Report, cells: Layout) -> RenderableType:
    """The table's lines as styled Texts under its title, which wraps at the table's width."""
    from rich.console import Group
    from rich.constrain import Constrain
    from rich.text import Span, Text

    lines = [
        Text(line.text, style=line.style, spans=[Span(*span) for span in line.spans])
        for line in table_lines(report, cells)
    ]
    body = Text("\n", no_wrap=True, overflow="ignore").join(lines)
    title = _title(report)
    return body if title is None else Group(Constrain(title, width=cells.table_width), body)


def picture(report: Report, kind: Picture, width: int | None = None) -> str:
    """The table as a coloured picture: an SVG image or an HTML page, as Rich records its console."""
    import io

    from rich.console import Console

    report = printable(report)
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
    title = f"spendcalc — {report.title}"
    if kind is Picture.SVG:
        # Rich's template would fetch its font from a CDN when the picture is opened: nothing here
        # touches the network, so the picture uses the font if it is installed, else a local monospace.
        svg = console.export_svg(title=title)
        svg = _FONT_URL.sub("", svg)
        return svg.replace("font-family: Fira Code, monospace;", f"font-family: {_MONOSPACE};")
    return console.export_html(
        inline_styles=True, code_format=_HTML_PAGE.replace("{page_title}", _html_text(title))
    )


_FONT_URL = re.compile(r',\s*url\("https?://[^"]*"\) format\("[^"]*"\)')
_MONOSPACE = "Fira Code, Menlo, 'DejaVu Sans Mono', Consolas, 'Courier New', monospace"
_HTML_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8">
<title>{page_title}</title>
<style>
{stylesheet}
body {{
    color: {foreground};
    background-color: {background};
}}
</style>
</head>
<body>
    <pre style="font-family:Menlo,'DejaVu Sans Mono',consolas,'Courier New',monospace"><code
        style="font-family:inherit">{code}</code></pre>
</body>
</html>
"""
"""Rich's page, with a title; `{page_title}` is filled in (escaped) before Rich fills in the rest."""


def _html_text(text: str) -> str:
    import html

    # Braces doubled: the page is a format string Rich fills in next.
    return html.escape(text).replace("{", "{{").replace("}", "}}")


class TableFormatter:
    def __init__(self, *, width: int | None = None, color: bool = False) -> None:
        self.width = width
        self.color = color

    def format(self, report: Report) -> str:
        report = printable(report)  # no control character or bidi override reaches a terminal
        if not self.color:
            text = plain_text(report, self.width)
            if text is not None:
                return text
        return self.rich_text(report)

    def rich_text(self, report: Report) -> str:
        import io

        from rich.console import Console

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
