"""Text shown to people is escaped: control characters and bidi overrides never reach a terminal.

Datasets are validated (`data.records` refuses these characters in every text field), but a dataset
assembled through the Python API skips that, and paths and arguments reach messages as the user typed
them. So everything drawn for people (tables, their pictures, CSV on a terminal, messages on stderr) goes
through `escaped`: C0 (ESC, NUL, line breaks), DEL, C1 (the 8-bit CSI U+009B) and the bidi overrides and
isolates (U+202A-202E, U+2066-2069) are written as `\\n`, `\\x1b`, `\\u202e`, so that no text can clear
the screen, set the window title, forge a line or reverse what follows.

Stdlib only: the error handler imports it on every run.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spendcalc.reports.model import Cell, Report

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""What never reaches a terminal raw (the characters dataset validation refuses)."""
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def escaped(text: str) -> str:
    """`text` with every unsafe character written as an escape: one line, nothing a terminal acts on."""
    return UNSAFE.sub(_escape, text) if UNSAFE.search(text) else text


def json_escaped(document: str) -> str:
    """A JSON document with DEL, C1 and bidi characters as `\\uXXXX` escapes (json.dumps with
    ensure_ascii=False escapes only C0): the same values, nothing raw for a terminal or an editor."""
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", document)


_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""What json.dumps leaves raw: C0 it escapes itself, and its own line breaks are the layout."""


def printable(report: Report) -> Report:
    """`report` with its text for people escaped: title, headers (line by line), cells, summary, notes."""

    def cell(value: Cell) -> Cell:
        if isinstance(value.value, str):
            return value._replace(value=escaped(value.value), mark=escaped(value.mark))
        return value._replace(mark=escaped(value.mark)) if value.mark else value

    return report._replace(
        title=escaped(report.title),
        columns=tuple(
            column._replace(header="\n".join(escaped(line) for line in column.header.split("\n")))
            for column in report.columns
        ),
        rows=tuple(tuple(cell(c) for c in row) for row in report.rows),
        footer=tuple(tuple(cell(c) for c in row) for row in report.footer),
        summary=tuple((escaped(label), escaped(value)) for label, value in report.summary),
        notes=tuple(escaped(note) for note in report.notes),
    )
