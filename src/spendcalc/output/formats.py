"""Output formats: one formatter class per format, chosen by one enum. Formatters return text;
the CLI decides where it goes."""

from __future__ import annotations

import io
import json
import math
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
    if value.startswith(_FORMULA_PREFIXES) and not _is_number(value):
        # A leading quote makes spreadsheets show the text instead of evaluating it.
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


class CsvFormatter:
    def format(self, report: Report) -> str:
        import csv

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        columns = report.record_columns
        writer.writerow(columns)
        # csv_cell for every cell, without a call for most of them: the csv module writes None as an
        # empty cell and an int or float as its repr, as csv_cell does; text and booleans are converted
        # once per distinct value (a grid of many targets repeats its names and sources on every row).
        converted: dict[Scalar, Scalar] = {True: "true", False: "false"}
        for record in report.records:
            cells = [record.get(key) for key in columns]
            writer.writerow(
                [
                    value
                    if value is None or type(value) is float or type(value) is int
                    else converted[value]
                    if value in converted
                    else converted.setdefault(value, csv_cell(value))
                    for value in cells
                ]
            )
        return buffer.getvalue()


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
