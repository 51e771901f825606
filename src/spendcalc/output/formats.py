"""Output formats: one formatter class per format, chosen by one enum. Formatters return text;
the CLI decides where it goes."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from spendcalc.choices import OutputFormat
from spendcalc.output.escape import escaped, json_escaped

if TYPE_CHECKING:
    from spendcalc.reports.model import Report, Scalar


class Formatter(Protocol):
    def format(self, report: Report) -> str: ...


_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


SIGNIFICANT_DIGITS = 12
"""CSV and JSON give a number to 12 significant digits: more than any figure was published to (shares to
0.01, money to a thousand dollars in a trillion) and free of binary float noise (0.30000000000000004 is
0.3, -0.009999999999999787 is -0.01). Compliance is decided before, on the unrounded values."""


def exported_number(value: float) -> float:
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


def _exported(value: Scalar) -> Scalar:
    return exported_number(value) if type(value) is float else value


def csv_cell(value: Scalar) -> str:
    """A CSV cell: unrounded numbers, true/false, empty for missing, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(exported_number(value)) if isinstance(value, float) else str(value)
    # A leading quote makes spreadsheets show the text instead of evaluating it: at the start, and
    # after every line break (a reader that splits lines itself would otherwise see a formula row).
    parts = _LINE_BREAK.split(_guarded(value))  # text, break, text, ...: the texts are the even items
    return "".join(_guarded(part) if index % 2 == 0 and index else part for index, part in enumerate(parts))


_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")


def _guarded(part: str) -> str:
    if part.startswith(_FORMULA_PREFIXES) and not _is_number(part):
        return "'" + part
    return part


_NEEDS_QUOTES = re.compile(r'[",\r\n]')


def csv_row(cells: Iterable[str]) -> str:
    r"""One CSV line, ended by \n: a cell is quoted when it holds a comma, a quote or any line break,
    \r included (the csv module leaves a lone \r unquoted when lines end with \n, and readers then
    split the row there)."""
    return (
        ",".join(
            f'"{cell.replace(chr(34), chr(34) * 2)}"' if _NEEDS_QUOTES.search(cell) else cell
            for cell in cells
        )
        + "\n"
    )


_REMEMBERED = 4096
"""Distinct values remembered per column; beyond that the column's memory starts again."""


def _remembered(cache: dict[Scalar, str], value: Scalar) -> str:
    text = csv_cell(value)
    # Only text and floats with a fraction: those equal no other value of another type (True == 1 ==
    # 1.0, and 0.0 == -0.0 but they are written differently), so a look-up can never give another's text.
    if type(value) is str or (type(value) is float and not value.is_integer()):
        if len(cache) >= _REMEMBERED:
            cache.clear()
        cache[value] = text
    return text


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


class CsvFormatter:
    def __init__(self, *, escape: bool = False) -> None:
        self.escape = escape
        """Text cells escaped (`output.escape`): CSV shown on a terminal, not saved."""

    def format(self, report: Report) -> str:
        if self.escape:
            report = report._replace(
                records=tuple(
                    {
                        key: escaped(value) if isinstance(value, str) else value
                        for key, value in record.items()
                    }
                    for record in report.records
                )
            )
        columns = report.record_columns
        lines = [csv_row(columns)]
        # csv_cell for every cell, remembered per column: a grid of many targets repeats an ally's
        # figures, names and sources on each of its rows and each target on every ally's, and turning
        # a float into its shortest exact text was most of the cost of writing a large grid.
        caches: list[dict[Scalar, str]] = [{} for _ in columns]
        for record in report.records:
            values = [record.get(key) for key in columns]
            lines.append(
                csv_row(
                    cache.get(value) or _remembered(cache, value)
                    for cache, value in zip(caches, values, strict=True)
                )
            )
        return "".join(lines)


class JsonFormatter:
    def format(self, report: Report) -> str:
        document = {
            "title": report.title,
            "metadata": report.metadata,
            "notes": list(report.notes),
            "columns": list(report.record_columns),
            "rows": [
                {key: _exported(record.get(key)) for key in report.record_columns}
                for record in report.records
            ],
        }
        # Lossless: the same values, with DEL, C1 and bidi characters escaped as C0 already is.
        return json_escaped(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)) + "\n"


def formatter_for(
    output_format: OutputFormat, *, width: int | None = None, color: bool = False, terminal: bool = False
) -> Formatter:
    """The formatter for `output_format`; `terminal`: the text goes to a terminal (CSV is escaped; a
    table always is, JSON is escaped losslessly)."""
    if output_format is OutputFormat.CSV:
        return CsvFormatter(escape=terminal)
    if output_format is OutputFormat.JSON:
        return JsonFormatter()
    from spendcalc.output.table import TableFormatter

    return TableFormatter(width=width, color=color)
