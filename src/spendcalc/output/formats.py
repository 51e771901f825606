"""Output formats: one formatter class per format, chosen by one enum. Formatters return text;
the CLI decides where it goes."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from spendcalc.choices import OutputFormat

if TYPE_CHECKING:
    from spendcalc.reports.model import Report, Scalar


class Formatter(Protocol):
    def format(self, report: Report) -> str: ...


_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Scalar) -> str:
    """A CSV cell: unrounded numbers, true/false, empty for missing, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
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


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


class CsvFormatter:
    def format(self, report: Report) -> str:
        lines = [csv_row(report.record_columns)]
        for record in report.records:
            lines.append(csv_row(csv_cell(record.get(key)) for key in report.record_columns))
        return "".join(lines)


class JsonFormatter:
    def format(self, report: Report) -> str:
        document = {
            "title": report.title,
            "metadata": report.metadata,
            "notes": list(report.notes),
            "columns": list(report.record_columns),
            "rows": [{key: record.get(key) for key in report.record_columns} for record in report.records],
        }
        return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def formatter_for(output_format: OutputFormat, *, width: int | None = None, color: bool = False) -> Formatter:
    if output_format is OutputFormat.CSV:
        return CsvFormatter()
    if output_format is OutputFormat.JSON:
        return JsonFormatter()
    from spendcalc.output.table import TableFormatter

    return TableFormatter(width=width, color=color)
