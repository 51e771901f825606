"""Every figure a command shows in its table is the figure it exports (one column spec per report).

The report each command builds is caught on its way to the formatter; then each table cell is held to
the record it comes from: same value, and a share shown to the precision it was published to.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from spendcalc.cli.app import COMMANDS
from spendcalc.cli.scenarios import scenario_app
from spendcalc.output import formats
from spendcalc.reports.model import Cell, Column, Report, Scalar
from support import ok

# Arguments that make each reporting command produce a full report; the SG's annual report (an edition
# of its own) has 2025 shares published only to 0.1.
SG = ("--edition", "nato-sgar-2025")
REPORT_ARGS: dict[str, tuple[str, ...]] = {
    "gap": ("gap", "DEU", "--year", "2025"),
    "gap-eur": ("gap", "DEU", "--year", "2025", "--currency", "EUR"),
    "compare": ("compare", "--year", "2025"),
    "compare-lcu": ("compare", "--year", "2025", "--currency", "LCU", "-t", "2", "-t", "3.5"),
    "export": ("export", "--year", "2025", "--format", "table"),
    "countries": ("countries",),
    "groups": ("groups",),
    "compare-groups": ("compare", "--year", "2025", "-g", "eu", "-g", "x=EST,LVA"),
    "targets": ("targets",),
    "sources": ("sources",),
    "path": ("path", "DEU", "-t", "hague", "--by", "2030", "--from", "2025"),
    "pledges": ("pledges",),
    "history": ("history", "DEU"),
    "share": ("share", "--year", "2025"),
    "chart": ("chart", "--year", "2025"),
    "revisions": ("revisions", "POL"),
    "equipment": ("equipment", "--year", "2024"),
    "scenario": ("scenario", "run", "hague-core-2035"),
    "scenario-detail": ("scenario", "run", "hague-2035", "--detail", "-g", "baltic", "--currency", "EUR"),
    "scenario-compare": ("scenario", "compare", "status-quo", "hague-2035", "national-plans", "--by", "2030"),
    "scenario-chart": ("scenario", "compare", "status-quo", "floor-2", "--chart"),
    "scenario-show": ("scenario", "show", "national-plans"),
    "gap-sg": (*SG, "gap", "DEU", "--year", "2025"),
    "compare-sg": (*SG, "compare", "--year", "2025"),
    "history-sg": (*SG, "history", "DEU"),
    "chart-sg": (*SG, "chart", "--year", "2025"),
    "path-sg": (*SG, "path", "DEU", "-t", "3.5", "--by", "2029"),
}
NOT_REPORTS = {"dataset", "schema"}
"""Commands that write a document (the dataset, its JSON Schema), not a table."""


@pytest.fixture
def caught(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Report]]:
    reports: list[Report] = []

    class Catcher:
        def format(self, report: Report) -> str:
            reports.append(report)
            return ""

    monkeypatch.setattr(formats, "formatter_for", lambda *_, **__: Catcher())
    yield reports


def test_every_reporting_command_is_checked() -> None:
    # Top-level commands, and the commands of `scenario`.
    names = {command.__name__ for command in COMMANDS}
    names |= {getattr(c.callback, "__name__", "") for c in scenario_app.registered_commands}
    assert {next(a for a in args if a in names) for args in REPORT_ARGS.values()} == names - NOT_REPORTS


def _pairs(report: Report) -> Iterator[tuple[Column, Cell, Scalar, dict[str, Scalar]]]:
    """Each shown cell with the value its record holds for it, and that record."""
    pivot = any(c.key.startswith("gap_") and c.key not in report.record_columns for c in report.columns)
    if any(":" in c.key for c in report.columns):
        yield from _scenario_pairs(report)
        return
    if not pivot:
        # A row (or a total below the table) per record, in order; a total may have no record (NATO).
        lines = (*report.rows, *report.footer)
        matched = [(row, [record], "") for row, record in zip(lines, report.records, strict=False)]
        assert len(matched) >= len(report.rows)
    else:
        # compare: a row per ally, a record per ally and target, a gap column per target; below the
        # table each group total (net gap) and its shortfall, from the group's records.
        per_row = sum(1 for c in report.columns if c.key.startswith("gap_"))
        groups = [r for r in report.records if r["group"]]
        assert len(report.records) - len(groups) == per_row * len(report.rows)
        chunks = [list(report.records[i : i + per_row]) for i in range(0, len(report.records), per_row)]
        matched = [(row, chunk, "") for row, chunk in zip(report.rows, chunks, strict=False)]
        group_chunks = chunks[len(report.rows) :]
        for index, chunk in enumerate(group_chunks):
            matched.append((report.footer[2 * index], chunk, ""))
            matched.append((report.footer[2 * index + 1], chunk, "shortfall"))
    for row, records, measure in matched:
        for index, (column, cell) in enumerate(zip(report.columns, row, strict=True)):
            if column.key == "bar" or (measure and cell.value == ""):
                continue  # a drawing of the share beside it; a blank cell beside a shortfall
            if column.key in records[0] and not measure:
                if records[0].get("group") and column.key == "name":
                    assert cell.value == records[0]["name"]
                yield column, cell, records[0][column.key], records[0]
                continue
            if column.key in records[0]:
                continue  # the shortfall line's label
            # A target column of compare: the record for that target, in the order asked.
            target_index = index - (len(report.columns) - len(records))
            record = records[target_index]
            assert column.key == f"gap_{record['target']}", (column.key, record["target"])
            key = measure or "gap"
            yield column, cell, record[f"{key}_usd_bn" if "currency" not in record else f"{key}_bn"], record


def _scenario_pairs(report: Report) -> Iterator[tuple[Column, Cell, Scalar, dict[str, Scalar]]]:
    """scenario compare: a row per year, a column per scenario and measure (SCENARIO:FIELD); the records
    are tidy, one per scenario and year. A difference column is the two scenarios' spending apart."""
    by_key = {(r["scenario"], r["year"]): r for r in report.records}
    first = report.records[0]["scenario"]
    for row in report.rows:
        year = row[0].value
        for column, cell in zip(report.columns, row, strict=True):
            if ":" not in column.key:
                continue
            scenario, field = column.key.split(":")
            record = by_key[(scenario, year)]
            if field == "bar":
                assert isinstance(cell.value, str)
            elif field == "difference_bn":
                base, this = by_key[(first, year)]["spending_bn"], record["spending_bn"]
                assert isinstance(base, float) and isinstance(this, float)
                assert cell.value == pytest.approx(this - base)
            else:
                yield column, cell, record[field], record


@pytest.mark.parametrize("case", sorted(REPORT_ARGS))
def test_table_shows_what_is_exported(case: str, caught: list[Report]) -> None:
    ok(*REPORT_ARGS[case])
    (report,) = caught
    assert report.rows, "a report with nothing to check"
    checked = 0
    for column, cell, value, _ in _pairs(report):
        assert cell.value == value, (column.key, cell.value, value)
        checked += 1
    assert checked >= len(report.rows)


@pytest.mark.parametrize("case", sorted(REPORT_ARGS))
def test_shares_show_the_precision_they_were_published_to(case: str, caught: list[Report]) -> None:
    ok(*REPORT_ARGS[case])
    (report,) = caught
    for column, cell, _, record in _pairs(report):
        prefix = column.key.removesuffix("_pct")
        precision = record.get(f"{prefix}_precision")
        if not column.key.endswith("share_pct") or precision is None:
            continue
        assert isinstance(precision, float)
        assert cell.decimals == (1 if precision >= 0.1 else None), (record.get("name"), column.key, precision)


def test_some_share_is_published_to_one_decimal(caught: list[Report]) -> None:
    """The precision test above is not vacuous: the data has shares known only to 0.1."""
    ok(*REPORT_ARGS["compare-sg"])
    (report,) = caught
    assert any(r["share_precision"] == 0.1 for r in report.records)
    shown = {row[0].value: row for row in report.rows}
    assert shown["Germany"][1].decimals == 1
