"""Defence in depth (issue 13): text shown to people never carries a control character or a bidi override,
even when validation was bypassed (a dataset assembled through the Python API) or the text is a path or
an argument the user typed. Tables, pictures, CSV on a terminal, JSON and every message on stderr."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spendcalc.choices import OutputFormat
from spendcalc.data.load import load_dataset
from spendcalc.data.schema import Dataset
from spendcalc.output.escape import UNSAFE, escaped, json_escaped, printable
from spendcalc.output.formats import CsvFormatter, JsonFormatter, formatter_for
from spendcalc.output.table import TableFormatter
from spendcalc.reports.model import Cell, Column, Kind, Report
from support import invoke

HOSTILE = "Po\x1b[2J\x1b]0;owned\x07land\u009b31m\u202eevil\nspendcalc: error: forged\r\x00\x7f\u2066"
"""Clear screen, window title, 8-bit CSI, a bidi override and isolate, a forged line, NUL and DEL."""
UNSAFE_CHARS = [
    chr(c) for c in (*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A))
]


def clean(text: str) -> bool:
    """Nothing a terminal acts on (line breaks between lines are the caller's to check)."""
    return not UNSAFE.search(text.replace("\n", ""))


@given(st.text(alphabet=st.sampled_from([*UNSAFE_CHARS, "a", "é", "\\", " "])))
def test_escaped_leaves_nothing_unsafe_and_one_line(text: str) -> None:
    shown = escaped(text)
    assert not UNSAFE.search(shown)
    # Safe text is unchanged; each unsafe character becomes one visible escape.
    assert escaped(UNSAFE.sub("", text)) == UNSAFE.sub("", text)
    assert len(shown) >= len(text)


@pytest.mark.parametrize(
    ("char", "shown"),
    [
        ("\x1b", "\\x1b"),
        ("\n", "\\n"),
        ("\r", "\\r"),
        ("\t", "\\t"),
        ("\x00", "\\x00"),
        ("\x7f", "\\x7f"),
        ("\u009b", "\\x9b"),
        ("\u202e", "\\u202e"),
        ("\u2069", "\\u2069"),
    ],
)
def test_escaped_forms(char: str, shown: str) -> None:
    assert escaped(f"a{char}b") == f"a{shown}b"


def test_json_escaped_is_lossless() -> None:
    document = json.dumps({"name": HOSTILE}, ensure_ascii=False)
    safe = json_escaped(document)
    assert not UNSAFE.search(safe)
    assert json.loads(safe) == {"name": HOSTILE}


def hostile_report() -> Report:
    return Report(
        title=f"Title {HOSTILE}",
        # A header's own line breaks are its layout (code-defined); everything else in it is escaped.
        columns=(
            Column("name", f"Name\n{HOSTILE.replace(chr(10), ' ')}"),
            Column("share", "Share", Kind.PCT),
        ),
        rows=((Cell(HOSTILE, mark="\x1b"), Cell(2.5)),),
        footer=((Cell("Total"), Cell(2.5)),),
        summary=((HOSTILE, HOSTILE),),
        notes=(f"Source: {HOSTILE}",),
        record_columns=("name", "share"),
        records=({"name": HOSTILE, "share": 2.5},),
    )


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("width", [None, 40, 200])
def test_tables_escape_every_text(color: bool, width: int | None) -> None:
    text = TableFormatter(width=width, color=color).format(hostile_report())
    without_colour = text.replace("\x1b[", "")  # Rich's own colour codes, when asked for
    assert "\x1b]" not in text and "\u009b" not in text and "\u202e" not in text
    assert clean(without_colour.replace("\x1b", "")) if color else clean(text)
    assert "forged" in text and "\\x1b]0;owned\\x07" in text
    # No line of its own starts with a forged message: the newline is shown, not acted on.
    assert not any(line.lstrip().startswith("spendcalc: error") for line in text.splitlines())


def test_printable_keeps_header_lines_and_numbers() -> None:
    report = printable(hostile_report())
    assert report.columns[0].header.split("\n")[0] == "Name"
    assert report.columns[0].header.count("\n") == 1
    assert report.rows[0][1] == Cell(2.5)


def test_csv_on_a_terminal_is_escaped_and_in_a_file_is_not() -> None:
    report = hostile_report()
    on_terminal = formatter_for(OutputFormat.CSV, terminal=True).format(report)
    assert clean(on_terminal) and on_terminal.count("\n") == 2
    saved = CsvFormatter().format(report)
    # Data, kept whole. Python 3.10's csv reader refuses a NUL ("line contains NUL"): read it stood in for.
    stand_in = "\ue000"
    assert "\ue000" not in saved
    rows = list(csv.reader(io.StringIO(saved.replace("\x00", stand_in), newline="")))
    assert rows[1][0].replace(stand_in, "\x00") == HOSTILE


def test_json_keeps_the_values_and_escapes_them() -> None:
    text = JsonFormatter().format(hostile_report())
    assert clean(text)
    assert json.loads(text)["rows"][0]["name"] == HOSTILE


@pytest.fixture
def hostile_dataset(monkeypatch: pytest.MonkeyPatch) -> Iterator[Dataset]:
    """The bundled dataset with Poland's name made hostile through the Python API, as a program may
    assemble one (model_copy does not validate), handed to the CLI in place of the loaded file."""
    data = load_dataset()
    allies = tuple(
        ally.model_copy(update={"name": HOSTILE}) if ally.iso3 == "POL" else ally for ally in data.allies
    )
    hostile = data.model_copy(update={"allies": allies})
    monkeypatch.setattr("spendcalc.data.load.load_dataset", lambda *_, **__: hostile)
    yield hostile


@pytest.mark.parametrize(
    "args",
    [
        ["gap", "POL"],
        ["compare"],
        ["chart"],
        ["history", "POL"],
        ["path", "POL", "-t", "3.5", "--by", "2030"],
    ],
)
def test_cli_tables_escape_a_hostile_dataset(hostile_dataset: Dataset, args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert clean(result.stdout), result.stdout
    assert "Po\\x1b[2J\\x1b]0;owned\\x07land" in result.stdout


def test_cli_csv_on_a_terminal_is_escaped(hostile_dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("spendcalc.cli.emit._stdout_is_terminal", lambda: True)
    result = invoke("compare", "-f", "csv")
    assert result.exit_code == 0
    assert clean(result.stdout) and "\\x1b[2J" in result.stdout


def test_svg_of_a_hostile_dataset_is_valid_xml(hostile_dataset: Dataset, tmp_path: Path) -> None:
    svg = tmp_path / "t.svg"
    result = invoke("compare", "--svg", str(svg))
    assert result.exit_code == 0, result.output
    ET.fromstring(svg.read_text(encoding="utf-8"))  # C0 characters would make it invalid XML
    assert clean(svg.read_text(encoding="utf-8"))


def test_error_messages_escape_paths(tmp_path: Path) -> None:
    data = f"{tmp_path}/x\x1b[2J\u202ey\nspendcalc: error: forged.json"
    result = invoke("--data", data, "compare")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and clean(result.stderr)
    assert "\\x1b[2J\\u202ey\\nspendcalc: error: forged.json" in result.stderr


def test_written_names_are_escaped(tmp_path: Path) -> None:
    name = tmp_path / "out\n\x1b[2Jspendcalc: error: forged.csv"
    result = invoke("export", "-o", str(name))
    assert result.exit_code == 0
    assert result.stderr == f"wrote {tmp_path}/out\\n\\x1b[2Jspendcalc: error: forged.csv\n"
    assert name.exists()


def test_usage_errors_escape_their_values() -> None:
    result = invoke("compare", "--year", "2024", "--group", "\x1b[2J\u202e")
    assert result.exit_code in (1, 2)
    assert clean(result.stderr), result.stderr


@pytest.mark.parametrize(
    "args",
    [["\x1b]0;owned\x07\u202e"], ["compare", "extra\u202e\nError: forged"], ["compare", "--\u202e\x1b[2J"]],
)
def test_click_messages_are_escaped(args: list[str]) -> None:
    """Click's own messages (the script's entry point) quote the command line: escaped too, bidi included."""
    result = subprocess.run(
        [sys.executable, "-m", "spendcalc", *args], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2, result.stderr
    assert clean(result.stderr), result.stderr
    assert "\\u202e" in result.stderr
    assert not any(line.startswith("Error: forged") for line in result.stderr.splitlines())
