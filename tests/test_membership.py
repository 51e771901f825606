"""Whether a row's country was a NATO ally in the row's year (issue 13: 'a year's rows do not say whether
the country was an ally that year'): `nato_member` in the records of gap, compare, export and history."""

from __future__ import annotations

import csv
import io
import json

from spendcalc.data.load import load_dataset
from support import ok


def rows(*args: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(ok(*args, "-f", "csv"))))


def test_compare_says_who_was_an_ally_that_year() -> None:
    data = load_dataset()
    for year in (2014, 2020, 2024):
        records = rows("compare", "--year", str(year))
        for record in records:
            if record["group"] == "true":
                assert record["nato_member"] == ""  # a group total is no country
                continue
            joined = next(ally.joined for ally in data.allies if ally.iso3 == record["iso3"])
            assert record["nato_member"] == ("true" if joined <= year else "false"), record
        members = {r["iso3"]: r["nato_member"] for r in records if r["group"] == "false"}
        assert members["POL"] == "true"
        assert members["FIN"] == ("false" if year < 2023 else "true")
        assert members["SWE"] == ("false" if year < 2024 else "true")


def test_export_and_gap_carry_it() -> None:
    export = rows("export", "--year", "2016")
    assert {r["nato_member"] for r in export if r["iso3"] == "MNE"} == {"false"}  # joined 2017
    assert {r["nato_member"] for r in rows("gap", "MNE", "--year", "2017")} == {"true"}
    document = json.loads(ok("gap", "SWE", "--year", "2023", "-f", "json"))
    assert {row["nato_member"] for row in document["rows"]} == {False}


def test_history_rows_say_it_year_by_year() -> None:
    history = rows("history", "FIN", "--from", "2021", "--to", "2024")
    assert [(r["year"], r["nato_member"]) for r in history] == [
        ("2021", "false"),
        ("2022", "false"),
        ("2023", "true"),
        ("2024", "true"),
    ]
    assert {r["iso3"] for r in history} == {"FIN"}
