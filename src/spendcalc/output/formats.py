"""Output formats: one formatter class per format, chosen by one enum. Formatters return text;
the CLI decides where it goes."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice, repeat
from typing import TYPE_CHECKING, Protocol

from spendcalc.choices import OutputFormat
from spendcalc.output.escape import escaped, json_escaped

if TYPE_CHECKING:
    from spendcalc.reports.model import GridRecords, Report, Scalar


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
    """The cell's text, quoted as csv_row quotes it, remembered for the next equal value."""
    text = _float_text(value) if type(value) is float else csv_cell(value)
    if _NEEDS_QUOTES.search(text):
        text = f'"{text.replace(chr(34), chr(34) * 2)}"'
    # Only text and floats with a fraction: those equal no other value of another type (True == 1 ==
    # 1.0, and 0.0 == -0.0 but they are written differently), so a look-up can never give another's text.
    if type(value) is str or (type(value) is float and not value.is_integer()):
        if len(cache) >= _REMEMBERED:
            cache.clear()
        cache[value] = text
    return text


_FIXED_TEXTS: dict[Scalar, str] = {None: "", True: "true", False: "false"}
_FIXED_TYPES = frozenset({type(None), bool})


def _column_texts(cache: dict[Scalar, str], column: Sequence[Scalar]) -> list[str]:
    """The texts of a column of cells, as `_remembered` makes them; a column of floats only (a gap per
    target) formatted in one go, and one of booleans and missing values only looked up."""
    if isinstance(column, memoryview):
        if column.format == "d":  # doubles: floats, every one
            return _float_texts(column)
    elif column and column[0] is None and column.count(None) == len(column):
        return [""] * len(column)  # missing throughout (a count of allies, on an ally's lines)
    kinds = set(map(type, column))
    if kinds == {float}:
        return _float_texts(column)  # type: ignore[arg-type]
    if kinds <= _FIXED_TYPES:
        return list(map(_FIXED_TEXTS.__getitem__, column))
    return [cache.get(v) or _remembered(cache, v) for v in column]


def _float_texts(column: Sequence[float]) -> list[str]:
    """`_float_text` of each, the '.12g' texts made by one formatting of them all."""
    values = tuple(column)
    joined = (f"%.{SIGNIFICANT_DIGITS}g\n" * len(values)) % values
    if "e" in joined or "n" in joined:
        return [_float_text(value) for value in values]
    whole_numbers = joined.count(".") != len(values)  # 2 is written 2.0
    if whole_numbers:
        # Zeros first, in the text at once: a shortfall is 0 on most lines. (Two passes: the lines of
        # two zeros in a row share a line break, and one pass takes every other one.)
        joined = ("\n" + joined).replace("\n0\n", "\n0.0\n").replace("\n0\n", "\n0.0\n")[1:]
        whole_numbers = joined.count(".") != len(values)
    texts = joined.split("\n")
    texts.pop()  # after the last line break
    if whole_numbers:
        return [text if "." in text else f"{text}.0" for text in texts]
    return texts


def _float_text(value: float) -> str:
    """What csv_cell writes for a float, repr(exported_number(value)), without parsing it back: a number
    of 12 significant digits written without an exponent is already the shortest text of its float, so
    repr differs from the '.12g' text only by the '.0' of a whole number (checked in test_formats)."""
    text = f"{value:.{SIGNIFICANT_DIGITS}g}"
    if "e" in text or "n" in text:  # an exponent (repr starts one at 1e16, not 1e12), inf or nan
        return repr(float(text))
    return text if "." in text else f"{text}.0"


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
        return "".join(self.chunks(report))

    def chunks(self, report: Report) -> Iterator[str]:
        """The CSV text a block of lines at a time, for writing as it is made: a grid of many targets is
        tens of megabytes, and one string of it several times that."""
        from spendcalc.reports.model import GridRecords

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
        yield csv_row(columns)
        # A cell's text is remembered per column: a grid of many targets repeats an ally's figures,
        # names and sources on each of its rows and each target on every ally's, and turning a float into
        # its shortest exact text was most of the cost of writing a large grid.
        records = report.records
        if isinstance(records, GridRecords) and records.columns == columns:
            yield from _grid_chunks(records)
            return
        caches: list[dict[Scalar, str]] = [{} for _ in columns]
        lines: list[str] = []
        for record in records:
            values = [record.get(key) for key in columns]
            lines.append(
                ",".join(
                    cache.get(value) or _remembered(cache, value)
                    for cache, value in zip(caches, values, strict=True)
                )
            )
            if len(lines) >= _BLOCK:
                yield "\n".join(lines) + "\n"
                lines = []
        if lines:
            yield "\n".join(lines) + "\n"


_BLOCK = 2000
"""Lines written at a time."""


def _grid_chunks(grid: GridRecords) -> Iterator[str]:
    """A grid's lines a subject at a time: each subject's cells and each target's turned into text once,
    each subject x target cell a column at a time, the lines joined from them."""
    from spendcalc.reports.model import Per

    layout = grid.layout
    runs: list[tuple[Per, int]] = []  # (what the columns vary with, how many in a row)
    for per in layout:
        if runs and runs[-1][0] is per and per is not Per.ITEM:
            runs[-1] = (per, runs[-1][1] + 1)
        else:
            runs.append((per, 1))
    shared_caches: list[dict[Scalar, str]] = [{} for per in layout if per is Per.SUBJECT]
    item_caches: list[dict[Scalar, str]] = [{} for per in layout if per is Per.ITEM]
    own_caches: list[dict[Scalar, str]] = [{} for per in layout if per is Per.TARGET]
    # Each run of TARGET columns as one text per target.
    own_texts = [
        [c.get(v) or _remembered(c, v) for c, v in zip(own_caches, values, strict=True)]
        for values in grid.target_values()
    ]
    if not own_texts:
        return  # no target, no record
    own_runs: list[list[str]] = []
    start = 0
    for per, count in runs:
        if per is Per.TARGET:
            own_runs.append([",".join(texts[start : start + count]) for texts in own_texts])
            start += count
    for shared_values, columns in grid.subject_values():
        shared = [c.get(v) or _remembered(c, v) for c, v in zip(shared_caches, shared_values, strict=True)]
        parts: list[Iterable[str]] = []
        shared_at = own_at = item_at = 0
        for per, count in runs:
            if per is Per.SUBJECT:
                parts.append(repeat(",".join(shared[shared_at : shared_at + count])))
                shared_at += count
            elif per is Per.TARGET:
                parts.append(own_runs[own_at])
                own_at += 1
            else:
                parts.append(_column_texts(item_caches[item_at], columns[item_at]))
                item_at += 1
        # A line per target (the repeated texts are as many as there are).
        yield "\n".join(islice(map(",".join, zip(*parts, strict=False)), len(own_texts))) + "\n"


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
