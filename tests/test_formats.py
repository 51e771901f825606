"""Formatters (CSV, JSON, table) and display rules, on hand-built reports."""

from __future__ import annotations

import csv
import io
import json
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from spendcalc.choices import OutputFormat
from spendcalc.output.escape import printable
from spendcalc.output.formats import CsvFormatter, JsonFormatter, csv_cell, formatter_for
from spendcalc.output.table import (
    TableFormatter,
    _laid_out_table,
    _lined_table,
    layout,
    plain_text,
    table_renderable,
    wrap,
)
from spendcalc.reports.model import Cell, Column, Kind, Report, Scalar, Shown, Tone, show

RED = "\x1b[31m"
GREEN = "\x1b[32m"
DIM = "\x1b[2m"

RECORD_COLUMNS = ("iso3", "name", "year", "share_pct", "meets", "formula", "note")
RECORDS: tuple[dict[str, Scalar], ...] = (
    {
        "iso3": "ALP",
        "name": "Alphaland",
        "year": 2025,
        "share_pct": 1.55,
        "meets": False,
        "formula": "=SUM(A1:A2)",
        "note": None,
    },
    {
        "iso3": "BET",
        "name": "Betaland, the",
        "year": 2025,
        "share_pct": -0.5,
        "meets": True,
        "formula": "-0.5",
        "note": 'say "hi"',
    },
    {
        "iso3": "GAM",
        "name": "+Gammaland",
        "year": 2024,
        "share_pct": 0.1 + 0.2,
        "meets": None,
        "formula": "@SUM(1)",
        "note": "-x",
    },
    {
        "iso3": "DEL",
        "name": "Deltaland",
        "year": 2024,
        "share_pct": 2.0,
        "meets": True,
        "formula": "+1",
        "note": "\tcmd",
    },
)


def tiny_report() -> Report:
    columns = (
        Column("name", "Ally"),
        Column("share_pct", "Share\n(% GDP)", Kind.PCT),
        Column("gap_pp", "Gap\n(pp)", Kind.GAP_PP),
        Column("gap_usd_bn", "Gap\n(US$ bn)", Kind.GAP_USD_BN),
        Column("meets", "Met", Kind.BOOL),
    )
    rows = (
        (Cell("Alphaland"), Cell(1.55, "e"), Cell(0.45), Cell(1234.56), Cell(False)),
        (Cell("Betaland"), Cell(3.2, decimals=1), Cell(-0.12), Cell(-6.6), Cell(True)),
        (Cell("Icyland"), Cell(None), Cell(None), Cell(None), Cell(None)),
    )
    footer = ((Cell("Total"), Cell(2.0), Cell(0.0), Cell(0.0), Cell(True)),)
    return Report(
        title="Tiny report, 2025",
        columns=columns,
        rows=rows,
        footer=footer,
        summary=(("Year", "2025"),),
        notes=("Gaps: + is short of the target.", "Icyland: no armed forces."),
        record_columns=RECORD_COLUMNS,
        records=RECORDS,
        metadata={"spendcalc_version": "0.0.test", "year": 2025, "targets": [{"id": None, "share_pct": 2.0}]},
    )


# --- CSV -----------------------------------------------------------------------------------------

EXPECTED_CSV = (
    "iso3,name,year,share_pct,meets,formula,note\n"
    "ALP,Alphaland,2025,1.55,false,'=SUM(A1:A2),\n"
    'BET,"Betaland, the",2025,-0.5,true,-0.5,"say ""hi"""\n'
    "GAM,'+Gammaland,2024,0.3,,'@SUM(1),'-x\n"  # 0.1 + 0.2 to 12 significant digits: no float noise
    "DEL,Deltaland,2024,2.0,true,+1,'\tcmd\n"
)


def test_csv_exact() -> None:
    assert CsvFormatter().format(tiny_report()) == EXPECTED_CSV


def test_csv_parses_back() -> None:
    parsed = list(csv.reader(io.StringIO(CsvFormatter().format(tiny_report()))))
    assert parsed[0] == list(RECORD_COLUMNS)
    assert parsed[2][1] == "Betaland, the"
    assert parsed[2][6] == 'say "hi"'
    assert float(parsed[3][3]) == 0.3  # 0.1 + 0.2 without its float noise


def test_csv_header_only_without_records() -> None:
    report = Report(title="empty", columns=(), rows=(), record_columns=("a", "b"))
    assert CsvFormatter().format(report) == "a,b\n"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (2025, "2025"),
        (-3, "-3"),
        (-0.5, "-0.5"),
        (1e-7, "1e-07"),
        (2.0, "2.0"),
        ("=1+2", "'=1+2"),
        ("+cmd", "'+cmd"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Albania\r=cmd|' /C calc'!A0", "Albania\r'=cmd|' /C calc'!A0"),
        ("a\n+b\r\n@c\rd", "a\n'+b\r\n'@c\rd"),
        ("a\n-1.5", "a\n-1.5"),
        ("-0.5", "-0.5"),
        ("+2.5", "+2.5"),
        ("-1e3", "-1e3"),
        ("-inf", "'-inf"),
        ("-nan", "'-nan"),
        ("Poland", "Poland"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_csv_cell(value: Scalar, expected: str) -> None:
    assert csv_cell(value) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=12))
def test_csv_cell_never_starts_a_formula(text: str) -> None:
    cell = csv_cell(text)
    # Neither the cell nor any line in it starts a formula (only plain numbers may start with a sign).
    for line in re.split(r"\r\n|\r|\n", cell):
        if line[:1] in ("=", "+", "-", "@", "\t", "\r"):
            assert math.isfinite(float(line))
    if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        assert cell == text

    # Only quotes are added: one before the cell, or before a line after a line break, that would start
    # a formula (a whole cell that is a plain number is left alone).
    def number(part: str) -> bool:
        try:
            return math.isfinite(float(part))
        except ValueError:
            return False

    parts = re.split(r"(\r\n|\r|\n)", text)
    # The cell's own first character decides for the first line (a cell may start with a line break).
    starts = [text if index == 0 else part for index, part in enumerate(parts)]
    expected = "".join(
        "'" + part
        if index % 2 == 0
        and starts[index][:1] in ("=", "+", "-", "@", "\t", "\r")
        and not number(starts[index])
        else part
        for index, part in enumerate(parts)
    )
    assert cell == expected


@pytest.mark.parametrize("line_break", ["\r", "\n", "\r\n"])
def test_csv_line_breaks_are_quoted_and_guarded(line_break: str) -> None:
    """A carriage return is quoted like a newline, and a formula after any line break is neutralised."""
    name = f"Albania{line_break}=cmd|' /C calc'!A0"
    report = Report(
        title="t", columns=(), rows=(), record_columns=("name", "x"), records=({"name": name, "x": 1},)
    )
    text = CsvFormatter().format(report)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [["name", "x"], [f"Albania{line_break}'=cmd|' /C calc'!A0", "1"]]
    # Even a reader that splits lines itself sees no line starting with a formula.
    assert not any(line.startswith("=") for line in re.split(r"\r\n|\r|\n", text))


# --- JSON ----------------------------------------------------------------------------------------


def test_json_document() -> None:
    text = JsonFormatter().format(tiny_report())
    assert text.endswith("}\n")
    document = json.loads(text)
    assert set(document) == {"title", "metadata", "notes", "columns", "rows"}
    assert document["title"] == "Tiny report, 2025"
    assert document["metadata"] == tiny_report().metadata
    assert document["notes"] == ["Gaps: + is short of the target.", "Icyland: no armed forces."]
    assert document["columns"] == list(RECORD_COLUMNS)
    # Raw values (formulas are not quoted in JSON), numbers to 12 significant digits: 0.1 + 0.2 is 0.3.
    assert document["rows"] == [
        {k: float(f"{v:.12g}") if type(v) is float else v for k, v in r.items()} for r in RECORDS
    ]
    assert document["rows"][2]["share_pct"] == 0.3
    assert document["rows"][0]["note"] is None
    assert document["rows"][2]["meets"] is None
    assert '"note": null' in text
    assert '"meets": false' in text


def test_json_keeps_non_ascii_and_rejects_nan() -> None:
    report = Report(
        title="Türkiye", columns=(), rows=(), record_columns=("x",), records=({"x": "−1"},), metadata={}
    )
    text = JsonFormatter().format(report)
    assert "Türkiye" in text
    assert "−1" in text
    bad = Report(title="t", columns=(), rows=(), record_columns=("x",), records=({"x": math.nan},))
    with pytest.raises(ValueError, match="JSON compliant"):
        JsonFormatter().format(bad)


def test_json_only_record_columns() -> None:
    report = Report(
        title="t", columns=(), rows=(), record_columns=("a",), records=({"a": 1, "hidden": 2},), metadata={}
    )
    assert json.loads(JsonFormatter().format(report))["rows"] == [{"a": 1}]


def test_formatter_for() -> None:
    assert isinstance(formatter_for(OutputFormat.CSV), CsvFormatter)
    assert isinstance(formatter_for(OutputFormat.JSON), JsonFormatter)
    table = formatter_for(OutputFormat.TABLE, width=60, color=True)
    assert isinstance(table, TableFormatter)
    assert table.width == 60
    assert table.color


# --- table ---------------------------------------------------------------------------------------

# Checked by hand: percentages to 2 decimals (Betaland to 1, as published) with the 'e' marker, signed gaps
# with + for a gap and U+2212 for a surplus, thousands separators, n/a for missing, yes/no, numbers
# right-aligned, a rule under the header, a blank line between the rows and the bold footer, dim notes.
EXPECTED_TABLE = "\n".join(
    [
        "Year  2025",
        "Tiny report, 2025",
        "",
        "              Share    Gap       Gap",
        " Ally       (% GDP)   (pp)  (US$ bn)  Met",
        " ────────────────────────────────────────",
        " Alphaland    1.55e  +0.45  +1,234.6  no",
        " Betaland       3.2  −0.12      −6.6  yes",
        " Icyland        n/a    n/a       n/a  n/a",
        "",
        " Total         2.00   0.00       0.0  yes",
        "",
        "Gaps: + is short of the target.",
        "Icyland: no armed forces.",
        "",
    ]
)


def test_table_exact() -> None:
    assert TableFormatter(width=80, color=False).format(tiny_report()) == EXPECTED_TABLE


def test_table_without_color_has_no_escape_codes() -> None:
    text = TableFormatter(width=80, color=False).format(tiny_report())
    assert "\x1b[" not in text
    assert all(line == line.rstrip() for line in text.splitlines())


def test_table_with_color() -> None:
    text = TableFormatter(width=80, color=True).format(tiny_report())
    assert "\x1b[" in text
    assert styled(RED, "+0.45", text)  # a gap is red
    assert styled(RED, "+1,234.6", text)
    assert styled(GREEN, "−0.12", text)  # a surplus is green
    assert styled(GREEN, "−6.6", text)
    assert styled(GREEN, "yes", text)
    assert styled(RED, "no", text)
    assert not styled(RED, "−0.12", text)
    assert not styled(GREEN, "+0.45", text)
    assert styled(DIM, "n/a", text)


def styled(code: str, shown: str, text: str) -> bool:
    """Whether `shown` appears in `text` inside the ANSI style `code` (after any alignment padding)."""
    return re.search(re.escape(code) + r" *" + re.escape(shown), text) is not None


def test_table_width_is_respected() -> None:
    for width in (60, 80, 120):
        text = TableFormatter(width=width, color=False).format(tiny_report())
        assert max(len(line) for line in text.splitlines()) <= width


# --- the two ways of drawing a table --------------------------------------------------------------
# Plain text is drawn line by line without Rich's console (render.plain_text), and so is a coloured
# table whose every cell fits on one line (render._lined_table); otherwise Rich lays out each cell
# (render._laid_out_table). All must draw the same text.

CELL_TEXT = st.text(
    alphabet="Aaßü é—–-.,()%/:'[]国🛡❤\ufe0f\U0001f1e6\U0001f1ff\t\u0301\u200d\x07█▌│ ", max_size=24
)
NUMBER = st.floats(min_value=-1e7, max_value=1e7, allow_nan=False)
FREE_TEXT = st.text(alphabet="Aa bcdefghij —,.:()Σ国\n\t", max_size=300)


def cells(values: st.SearchStrategy[Scalar], marks: tuple[str, ...] = ("",)) -> st.SearchStrategy[Cell]:
    return st.builds(
        Cell, values, st.sampled_from(marks), st.sampled_from([None, 1] if marks != ("",) else [None])
    )


LONG_CELL_TEXT = st.text(alphabet="Aa bcdefghij —,.:()国", min_size=50, max_size=200)
"""Longer than a text column may be (60): wrapped in its cell, line by line as Rich wraps it."""

CELLS_BY_KIND = {
    Kind.TEXT: cells(st.one_of(st.none(), CELL_TEXT, LONG_CELL_TEXT)),
    Kind.INT: cells(st.one_of(st.none(), st.integers(-(10**6), 10**6))),
    Kind.PCT: cells(st.one_of(st.none(), NUMBER), ("", "e", "u")),
    Kind.GAP_PP: cells(st.one_of(st.none(), NUMBER)),
    Kind.USD_BN: cells(st.one_of(st.none(), NUMBER)),
    Kind.GAP_USD_BN: cells(st.one_of(st.none(), NUMBER)),
    Kind.BOOL: cells(st.one_of(st.none(), st.booleans())),
    Kind.BAR: st.builds(Cell, st.text(alphabet="█▌ │┃", max_size=30), st.sampled_from(["", "below"])),
}
HEADER = st.lists(st.text(alphabet="Ab ()%$", min_size=1, max_size=8), min_size=1, max_size=2).map("\n".join)


@st.composite
def reports(draw: st.DrawFn) -> Report:
    kinds = draw(st.lists(st.sampled_from(list(CELLS_BY_KIND)), min_size=1, max_size=6))
    columns = tuple(Column(f"c{i}", draw(HEADER), kind) for i, kind in enumerate(kinds))
    row = st.tuples(*(CELLS_BY_KIND[kind] for kind in kinds))
    label = st.text(alphabet="Ab ()é", min_size=1, max_size=12)
    return Report(
        title=draw(
            st.one_of(
                st.text(alphabet="Ab ,—[]", max_size=20), st.text(alphabet="Ab ,", min_size=40, max_size=150)
            )
        ),
        columns=columns,
        rows=tuple(draw(st.lists(row, max_size=5))),
        footer=tuple(draw(st.lists(row, max_size=2))),
        summary=tuple(draw(st.lists(st.tuples(label, st.text(alphabet="Ab 1.%", max_size=40)), max_size=3))),
        notes=tuple(draw(st.lists(FREE_TEXT, max_size=3))),
    )


WIDTHS = st.one_of(st.none(), st.integers(min_value=20, max_value=160))


def drawn_by_rich(renderable: RenderableType, width: int) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None, highlight=False, emoji=False).print(renderable)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


@settings(max_examples=300, deadline=None)
@given(reports(), WIDTHS)
def test_a_table_drawn_line_by_line_is_the_table_rich_lays_out(report: Report, width: int | None) -> None:
    cells = layout(report, width)
    lined, laid_out = _lined_table(report, cells), _laid_out_table(report, cells)
    if cells.line_by_line:
        assert drawn_by_rich(lined, cells.console_width) == drawn_by_rich(laid_out, cells.console_width)
    assert isinstance(table_renderable(report, cells), Table) is not cells.line_by_line


@settings(max_examples=300, deadline=None)
@given(reports(), WIDTHS)
def test_plain_text_is_what_rich_prints_without_colour(report: Report, width: int | None) -> None:
    formatter = TableFormatter(width=width, color=False)
    report = printable(report)  # as the formatter shows it: control characters escaped (test_escape.py)
    text = plain_text(report, width)
    if text is not None:
        assert text == formatter.rich_text(report)
        assert formatter.format(report) == text
    else:
        assert formatter.format(report) == formatter.rich_text(report)


@settings(max_examples=300, deadline=None)
@given(FREE_TEXT, st.integers(min_value=1, max_value=80))
def test_wrap_is_how_rich_wraps(text: str, width: int) -> None:
    lines = wrap(text, width)
    rich = drawn_by_rich(Text(text), width).splitlines()
    if lines is not None:
        assert lines == rich
    else:
        # A word (with the spaces before it, at the start of a line) wider than the line: Rich folds it.
        assert "\t" in text or any(cell_len(word) > width for word in re.findall(r"\s*\S+", text))


def test_a_long_text_cell_wraps_line_by_line_as_rich_wraps_it() -> None:
    note = "announced in March: 3.5% of GDP by 2030 and 5% by 2035, related spending included, in law"
    report = Report(
        "Plans",
        (Column("a", "Ally"), Column("b", "Plan"), Column("c", "Share", Kind.PCT)),
        ((Cell("Poland"), Cell(note), Cell(4.1)), (Cell("Germany"), Cell("none"), Cell(2.1))),
    )
    cells = layout(report, 100)
    assert cells.line_by_line and cells.widths[1] == 60
    text = plain_text(report, 100)
    assert text == TableFormatter(width=100, color=False).rich_text(report)
    assert text is not None and text.splitlines()[4:7] == [
        " Poland   announced in March: 3.5% of GDP by 2030 and 5% by 2035,        4.10",
        "          related spending included, in law",
        " Germany  none                                                           2.10",
    ]


def test_tables_that_fit_are_drawn_line_by_line() -> None:
    assert layout(tiny_report(), 80).line_by_line
    assert plain_text(tiny_report(), 80) == EXPECTED_TABLE
    # Narrower than the table: Rich lays it out, wrapping what may wrap.
    assert not layout(tiny_report(), 30).line_by_line
    assert plain_text(tiny_report(), 30) is None
    assert TableFormatter(width=30).format(tiny_report()).startswith("Year  2025\nTiny report, 2025\n")
    long_name = tiny_report()._replace(
        rows=((Cell("Alphaland\tthe"), Cell(1.0), Cell(0.0), Cell(0.0), Cell(True)),)
    )
    assert plain_text(long_name, 80) is None


@pytest.mark.parametrize("summary", [(("\u0301", ""),), (("\u0301", "b"),), (("a", ""),), (("a", "\u0301"),)])
def test_zero_width_summary_text_is_drawn_as_rich_draws_it(summary: tuple[tuple[str, str], ...]) -> None:
    report = Report("T", (Column("a", "Ally"),), ((Cell("x"),),), summary=summary)
    formatter = TableFormatter(width=None)
    assert formatter.format(report) == formatter.rich_text(report)


def test_a_report_without_columns_is_left_to_rich() -> None:
    report = Report("Nothing", (), ())
    assert plain_text(report, None) is None
    assert TableFormatter(width=None).format(report) == TableFormatter(width=None).rich_text(report)


def test_plain_text_does_not_import_richs_console() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from spendcalc.output.table import TableFormatter\n"
        "from spendcalc.reports.model import Cell, Column, Report\n"
        "report = Report('Gaps', (Column('a', 'Ally'),), ((Cell('Poland'),),), notes=('A note.',))\n"
        "text = TableFormatter(width=80).format(report)\n"
        "assert text == 'Gaps\\n\\n Ally\\n ──────\\n Poland\\n\\nA note.\\n', text\n"
        "print(sorted(m for m in sys.modules if m.startswith('rich.') and m != 'rich.cells'"
        " and not m.startswith('rich._')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


# --- show ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "kind", "expected"),
    [
        (Cell(0.45), Kind.GAP_PP, Shown("+0.45", Tone.GAP)),
        (Cell(-0.12), Kind.GAP_PP, Shown("−0.12", Tone.SURPLUS)),
        (Cell(0.0), Kind.GAP_PP, Shown("0.00", Tone.SURPLUS)),
        (Cell(None), Kind.GAP_PP, Shown("n/a", Tone.MISSING)),
        (Cell(None), Kind.TEXT, Shown("n/a", Tone.MISSING)),
        (Cell(1234.56), Kind.GAP_USD_BN, Shown("+1,234.6", Tone.GAP)),
        (Cell(-1234.56), Kind.GAP_USD_BN, Shown("−1,234.6", Tone.SURPLUS)),
        (Cell(-278.07), Kind.GAP_USD, Shown("−278", Tone.SURPLUS)),
        (Cell(1500.5), Kind.GAP_USD, Shown("+1,500", Tone.GAP)),  # round half to even
        (Cell(4.48, "e"), Kind.PCT, Shown("4.48e")),
        (Cell(2.4, "e", 1), Kind.PCT, Shown("2.4e")),
        (Cell(2.0, "u"), Kind.PCT, Shown("2.00u")),
        (Cell(46394.2528), Kind.USD_BN, Shown("46,394.3")),
        (Cell(True), Kind.BOOL, Shown("yes", Tone.SURPLUS)),
        (Cell(False), Kind.BOOL, Shown("no", Tone.GAP)),
        (Cell(2025), Kind.INT, Shown("2025")),
        (Cell("Poland"), Kind.TEXT, Shown("Poland")),
        (Cell("n/a — no armed forces"), Kind.TEXT, Shown("n/a — no armed forces", Tone.MISSING)),
    ],
)
def test_show(cell: Cell, kind: Kind, expected: Shown) -> None:
    assert show(cell, kind) == expected


def test_show_surplus_uses_true_minus_sign() -> None:
    text = show(Cell(-0.12), Kind.GAP_PP).text
    assert text[0] == "\u2212"
    assert "-" not in text
