"""Groups of allies: in the dataset as data/sources/groups.csv lists them, and their totals in `compare`."""

from __future__ import annotations

import copy
import csv
import json
import math
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from spendcalc.data.schema import Dataset
from spendcalc.domain.comparison import compare
from spendcalc.domain.groups import parse_group, parse_groups
from spendcalc.errors import SpendcalcError, UsageError
from support import invoke, load_raw, ok

GROUPS_CSV = Path(__file__).resolve().parents[1] / "data" / "sources" / "groups.csv"
LATEST = "nato-2026-07"


def _csv_groups() -> list[dict[str, str]]:
    with GROUPS_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_groups_equal_groups_csv(dataset: Dataset) -> None:
    allies = [a["iso3"] for a in load_raw()["allies"]]
    rows = _csv_groups()
    assert [g.id for g in dataset.groups] == [r["id"] for r in rows]
    for group, row in zip(dataset.groups, rows, strict=True):
        assert group.name == row["label"]
        assert group.url == (row["source_url"] or None)
        assert group.note == (row["note"] or None)
        raw = row["members"]
        if raw == "all allies of the year":
            assert group.members == tuple(allies)
            assert group.rule == raw
        elif raw.startswith("all allies but "):
            left_out = set(raw.removeprefix("all allies but ").split())
            assert group.members == tuple(a for a in allies if a not in left_out)
            assert group.rule == raw
        else:
            assert group.members == tuple(raw.split())
            assert group.rule is None


def _nato(raw: dict[str, Any], code: str, year: int, metric: str) -> float:
    table = next(t for t in raw["nato_tables"] if t["metric"] == metric)
    value: float = table["values"][code][year - table["first_year"]]
    return value


def test_group_total_is_sum_over_members_from_the_json(dataset: Dataset) -> None:
    """NATO's way, from NATO's own tables in the JSON: money is Σ of the members' current-US$ spending and
    GDP; the share is Σ constant-2021 spending / Σ constant-2021 GDP."""
    raw = load_raw()
    by_iso3 = {a["iso3"]: a for a in raw["allies"]}
    eu = next(g for g in raw["groups"] if g["id"] == "eu")
    year = 2024
    spending = gdp = real_spending = real_gdp = 0.0
    for iso3 in eu["members"]:
        record = by_iso3[iso3]["years"].get(str(year), {})
        share = next((s["pct"] for s in record.get("shares", []) if s["edition"] == LATEST), None)
        if share is None or by_iso3[iso3]["joined"] > year:
            continue
        spending += _nato(raw, iso3, year, "spending_usd_m") / 1000
        gdp += _nato(raw, iso3, year, "gdp_usd_m") / 1000
        real_spending += _nato(raw, iso3, year, "spending_usd_2021_m") / 1000
        real_gdp += _nato(raw, iso3, year, "gdp_usd_2021_m") / 1000
    total = compare(dataset, [2], year, groups=["eu"]).totals[-1]
    assert total.name == "EU members in NATO"
    assert total.gdp_only == ()  # Iceland is not in the EU
    assert math.isclose(total.gdp_usd_bn, gdp, rel_tol=1e-12)
    assert math.isclose(total.spending_usd_bn, spending, rel_tol=1e-12)
    assert math.isclose(total.share_pct, real_spending / real_gdp * 100, rel_tol=1e-12)
    assert math.isclose(total.rows[0].gap_usd_bn, (2 - total.share_pct) / 100 * gdp, rel_tol=1e-9)


def test_membership_by_year_nordic_2014(dataset: Dataset) -> None:
    nordic = compare(dataset, [2], 2014, groups=["nordic"]).totals[-1]
    assert set(nordic.members) == {"DNK", "NOR"}
    assert set(nordic.excluded) == {"FIN", "SWE", "ISL"}  # not yet allies; no armed forces
    later = compare(dataset, [2], 2024, groups=["nordic"]).totals[-1]
    assert set(later.members) == {"DNK", "FIN", "NOR", "SWE"}


def test_defaults_stay_and_groups_add(dataset: Dataset) -> None:
    names = [t.name for t in compare(dataset, [2], 2024, groups=["nato", "baltic", "b=POL"]).totals]
    assert names == ["NATO", "Europe and Canada", "Baltic states", "b"]


def test_user_group(dataset: Dataset) -> None:
    group = parse_group(dataset, " baltics = est, Latvia ,LT")
    assert (group.name, group.members, group.user_defined) == ("baltics", ("EST", "LVA", "LTU"), True)
    mine = compare(dataset, [2], 2024, groups=["baltics=EST,LVA,LTU"]).totals[-1]
    theirs = compare(dataset, [2], 2024, groups=["baltic"]).totals[-1]
    assert (mine.spending_usd_bn, mine.gdp_usd_bn) == (theirs.spending_usd_bn, theirs.gdp_usd_bn)


@pytest.mark.parametrize("text", ["=EST", "x=", "x=EST,,LVA", "x=EST,est", "NATO=EST"])
def test_user_group_usage_errors(dataset: Dataset, text: str) -> None:
    with pytest.raises(UsageError):
        compare(dataset, [2], 2024, groups=[text])


def test_group_errors(dataset: Dataset) -> None:
    with pytest.raises(SpendcalcError, match="unknown group 'nope'; groups: nato, europe-canada, "):
        parse_group(dataset, "nope")
    with pytest.raises(SpendcalcError, match="group 'x': unknown country 'Narnia'"):
        parse_group(dataset, "x=EST,Narnia")
    with pytest.raises(UsageError, match="given twice"):
        parse_groups(dataset, ["eu", "eu"])


def test_cli_group_rows_and_records() -> None:
    table = ok("compare", "--year", "2024", "-t", "2", "--group", "weimar", "-g", "mine=EST,LVA")
    assert "Weimar Triangle" in table and "mine " in table
    data = json.loads(ok("compare", "--year", "2024", "-t", "2", "-g", "g7", "-f", "json"))
    groups = [r["name"] for r in data["rows"] if r["group"]]
    assert groups == ["NATO", "Europe and Canada", "G7 allies"]
    assert data["metadata"]["totals"][-1]["members"] == ["CAN", "FRA", "DEU", "ITA", "GBR", "USA"]


def test_cli_unknown_group_is_one_line_exit_1() -> None:
    result = invoke("compare", "--group", "nope")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "nato, europe-canada, european-allies, eu, nordic" in lines[0]


def _with_groups(raw: dict[str, Any], groups: list[dict[str, Any]]) -> dict[str, Any]:
    data = copy.deepcopy(raw)
    data["groups"] = groups
    return data


def test_schema_rejects_unknown_members_and_duplicate_ids() -> None:
    raw = load_raw()
    good = {"id": "x", "name": "X", "members": ["EST"]}
    Dataset.model_validate_json(json.dumps(_with_groups(raw, [good])))
    for groups, message in (
        ([{**good, "members": ["EST", "XXX"]}], "'XXX' is not an ally"),
        ([good, {**good, "name": "Y"}], "duplicate group id 'x'"),
        ([{**good, "members": ["EST", "EST"]}], "duplicate member 'EST'"),
        ([{**good, "members": []}], "at least 1 item"),
    ):
        with pytest.raises(ValidationError, match=message):
            Dataset.model_validate_json(json.dumps(_with_groups(raw, groups)))


def test_groups_command_lists_ids_members_and_sources() -> None:
    table = ok("groups")
    for line in ("baltic", "EST LVA LTU", "all allies but USA", "https://b9.mae.ro/"):
        assert line in table
    rows = list(csv.DictReader(ok("groups", "-f", "csv").splitlines()))
    assert [r["id"] for r in rows] == [r["id"] for r in _csv_groups()]
    assert rows[1]["iso3"].split() == [a["iso3"] for a in load_raw()["allies"] if a["iso3"] != "USA"]


def test_group_with_no_member_in_the_year(dataset: Dataset) -> None:
    with pytest.raises(SpendcalcError, match="group 'fs': no member counts in 2014"):
        compare(dataset, [2], 2014, groups=["fs=FIN,SWE"])
    assert compare(dataset, [2], 2024, groups=["fs=FIN,SWE"]).totals[-1].members == ("FIN", "SWE")


def test_export_takes_groups_too() -> None:
    rows = list(csv.DictReader(ok("export", "--year", "2024", "-t", "2", "-g", "baltic").splitlines()))
    assert [r["name"] for r in rows if r["group"] == "true"] == ["NATO", "Europe and Canada", "Baltic states"]


def test_compare_notes_say_who_is_in_each_asked_group() -> None:
    notes = json.loads(ok("compare", "--year", "2024", "-g", "b9", "-g", "x=EST,LVA", "-f", "json"))["notes"]
    assert any(n.startswith("Bucharest Nine (group b9, source https://b9.mae.ro/): Bulgaria,") for n in notes)
    assert "x (given on the command line): Estonia, Latvia." in notes
