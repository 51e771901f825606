"""`share`, `history` and `chart` with --group: group rows summed over the members of each year."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spendcalc.data.schema import Dataset
from spendcalc.domain.burden import burden_sharing
from spendcalc.domain.groups import GroupSpec, parse_group
from spendcalc.domain.history import group_history
from spendcalc.domain.targets import TargetSpec
from spendcalc.errors import SpendcalcError, UsageError
from support import invoke, load_raw, ok

RAW = load_raw()
ALL = [a["iso3"] for a in RAW["allies"]]
LATEST = "nato-2026-07"


def _table(metric: str) -> dict[str, list[float | None]]:
    """One of NATO's tables of the latest edition, read from the JSON: ISO3 → values from its first year."""
    (table,) = [t for t in RAW["nato_tables"] if t["edition"] == LATEST and t["metric"] == metric]
    assert table["first_year"] == 2014
    return table["values"]  # type: ignore[no-any-return]


TABLES = {m: _table(m) for m in ("spending_usd_m", "gdp_usd_m", "spending_usd_2021_m", "gdp_usd_2021_m")}


def _nato(iso3: str, year: int, metric: str) -> float | None:
    values = TABLES[metric].get(iso3)
    return None if values is None else values[year - 2014]


def _joined(iso3: str) -> int:
    return int(next(a["joined"] for a in RAW["allies"] if a["iso3"] == iso3))


def _raw_year(iso3: str, year: int) -> tuple[float, float] | None:
    """(share, GDP) of an ally in a year, read from the JSON, if it counts in that year's totals."""
    ally = next(a for a in RAW["allies"] if a["iso3"] == iso3)
    record = ally["years"].get(str(year), {})
    share = next((s["pct"] for s in record.get("shares", []) if s["edition"] == LATEST), None)
    gdp = _nato(iso3, year, "gdp_usd_m")
    if share is None or gdp is None or ally["joined"] > year:
        return None
    return share, gdp / 1000


def _iceland(year: int, metric: str) -> float:
    """Iceland's GDP in NATO's totals: NATO's total less the other allies of the year (millions)."""
    others = [
        _nato(a["iso3"], year, metric) for a in RAW["allies"] if a["joined"] <= year and a["iso3"] != "ISL"
    ]
    return (_nato("NATO_TOTAL", year, metric) or 0.0) - math.fsum(v or 0.0 for v in others)


def _sums(members: list[str] | tuple[str, ...], year: int) -> tuple[float, float, float, float]:
    """Σspending, ΣGDP (Iceland's counted as in NATO's totals), Σmax(0, 3.5% − share) × GDP, and NATO's
    share (Σ constant-2021 spending / Σ constant-2021 GDP) over the members counted, from NATO's tables in
    the JSON."""
    counted = [m for m in members if _raw_year(m, year) is not None]
    iceland = "ISL" in members and _joined("ISL") <= year

    def total(metric: str, gdp: bool) -> float:
        summed = math.fsum(_nato(m, year, metric) or 0.0 for m in counted)
        return summed + (_iceland(year, metric) if gdp and iceland else 0.0)

    spending = total("spending_usd_m", False) / 1000
    gdp = total("gdp_usd_m", True) / 1000
    shortfall = math.fsum(max(0.0, 3.5 - s) / 100 * g for m in counted for s, g in [_raw_year(m, year)])  # type: ignore[misc]
    share = total("spending_usd_2021_m", False) / total("gdp_usd_2021_m", True) * 100
    return spending, gdp, shortfall, share


# --- share ----------------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(members=st.lists(st.sampled_from(ALL), min_size=1, max_size=10, unique=True))
def test_share_group_row_is_sum_over_members(dataset: Dataset, members: list[str]) -> None:
    year = 2024
    group = GroupSpec("g", "g", tuple(members), user_defined=True)
    if not any(_raw_year(m, year) for m in members):
        with pytest.raises(SpendcalcError, match="no member counts in 2024"):
            burden_sharing(dataset, year, TargetSpec(3.5), [group])
        return
    burden = burden_sharing(dataset, year, TargetSpec(3.5), [group])
    (row,) = burden.asked
    spending, gdp, shortfall, share = _sums(members, year)
    assert row.spending_usd_bn is not None and row.share is not None and row.gdp_usd_bn is not None
    assert math.isclose(row.spending_usd_bn, spending, rel_tol=1e-9)
    assert math.isclose(row.gdp_usd_bn, gdp, rel_tol=1e-9)
    assert math.isclose(row.share.pct, share, rel_tol=1e-9)
    assert row.gap_usd_bn is not None and row.shortfall_usd_bn is not None
    assert math.isclose(row.gap_usd_bn, (3.5 - share) / 100 * gdp, rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(row.shortfall_usd_bn, shortfall, rel_tol=1e-9, abs_tol=1e-9)
    # NATO's weighting (constant-2021 GDP) can put the net gap a little above the shortfall, never far.
    assert row.gap_usd_bn <= row.shortfall_usd_bn + 0.01 * gdp
    assert math.isclose(row.share_of_total_pct or 0.0, spending / burden.total_usd_bn * 100, rel_tol=1e-12)


def test_share_group_membership_by_year(dataset: Dataset) -> None:
    fs = parse_group(dataset, "fs=FIN,SWE")
    assert burden_sharing(dataset, 2023, TargetSpec(2), [fs]).asked[0].members == ("FIN",)
    assert burden_sharing(dataset, 2024, TargetSpec(2), [fs]).asked[0].members == ("FIN", "SWE")
    with pytest.raises(SpendcalcError, match="group 'fs': no member counts in 2022"):
        burden_sharing(dataset, 2022, TargetSpec(2), [fs])
    nordic = burden_sharing(dataset, 2026, TargetSpec(2), [parse_group(dataset, "nordic")]).asked[0]
    assert "ISL" not in nordic.members


def test_share_nato_and_europe_canada_asked_are_not_repeated(dataset: Dataset) -> None:
    burden = burden_sharing(dataset, 2026, TargetSpec(2), [parse_group(dataset, "nato")])
    assert burden.asked == ()
    with pytest.raises(UsageError, match="taken by a total always shown"):
        burden_sharing(dataset, 2026, TargetSpec(2), [parse_group(dataset, "NATO=POL")])


def test_cli_share_group_table_csv_json() -> None:
    table = ok("share", "-t", "3.5", "-g", "baltic", "-g", "mine=POL,DEU")
    assert "Net gap 3.5%" in table and "Shortfall 3.5%" in table
    assert "mine (given on the command line): Poland, Germany." in table
    assert any(line.startswith("Group gaps: the net gap") for line in table.splitlines())
    rows = list(csv.DictReader(ok("share", "-t", "3.5", "-g", "baltic", "-f", "csv").splitlines()))
    baltic = next(r for r in rows if r["name"] == "Baltic states")
    assert (baltic["group"], baltic["group_id"], baltic["members"]) == ("true", "baltic", "EST LVA LTU")
    assert baltic["share_source"] == "Σspending/ΣGDP" and baltic["share_estimate"] == "true"
    assert float(baltic["shortfall_usd_bn"]) == 0.0 and float(baltic["gap_usd_bn"]) < 0
    europe = next(r for r in rows if r["name"] == "Europe and Canada (total)")
    raised = float(europe["raised_spending_usd_bn"]) - float(europe["spending_usd_bn"])
    assert math.isclose(float(europe["shortfall_usd_bn"]), raised, rel_tol=1e-9)
    data = json.loads(ok("share", "-g", "eu", "-f", "json"))
    assert data["metadata"]["edition"]["id"] == LATEST
    assert [r["name"] for r in data["rows"] if r["group"]][-1] == "EU members in NATO"
    # Without --group, the table is the one it was; the records carry the gaps all the same.
    plain = ok("share", "-t", "3.5")
    assert "Net gap" not in plain and "Shortfall" not in plain
    assert "shortfall_usd_bn" in ok("share", "-f", "csv").splitlines()[0]


# --- history --------------------------------------------------------------------------------------


def test_history_group_years_sum_members_of_the_year(dataset: Dataset) -> None:
    nordic = parse_group(dataset, "nordic")
    assert "ISL" in nordic.members  # its GDP counts in the group's, as in NATO's totals
    rows = group_history(dataset, nordic, 2021, 2024)
    assert [r.members for r in rows] == [
        ("DNK", "NOR"),
        ("DNK", "NOR"),
        ("DNK", "FIN", "NOR"),
        ("DNK", "FIN", "NOR", "SWE"),
    ]
    for row in rows:
        spending, gdp, _, share = _sums(nordic.members, row.year)
        assert row.spending_usd_bn is not None and row.share_pct is not None
        assert math.isclose(row.spending_usd_bn, spending, rel_tol=1e-9)
        assert row.gdp_usd_bn is not None and math.isclose(row.gdp_usd_bn, gdp, rel_tol=1e-9)
        assert math.isclose(row.share_pct, share, rel_tol=1e-9)


def test_history_group_before_any_member_joined_is_missing(dataset: Dataset) -> None:
    rows = group_history(dataset, parse_group(dataset, "fs=FIN,SWE"), 2021, 2024)
    assert [(r.year, r.share_pct is None) for r in rows] == [
        (2021, True),
        (2022, True),
        (2023, False),
        (2024, False),
    ]
    with pytest.raises(SpendcalcError, match="no member counts in 2014–2022"):
        group_history(dataset, parse_group(dataset, "fs=FIN,SWE"), 2014, 2022)
    with pytest.raises(SpendcalcError, match="no member has a share"):
        group_history(dataset, parse_group(dataset, "i=ISL"))


def test_cli_history_groups() -> None:
    rows = list(
        csv.DictReader(
            ok("history", "-g", "baltic", "-g", "x=FIN", "--from", "2022", "-f", "csv").splitlines()
        )
    )
    assert [(r["name"], r["year"]) for r in rows][:2] == [("Baltic states", "2022"), ("x", "2022")]
    assert rows[1]["share_pct"] == "" and rows[3]["share_pct"] != ""  # Finland counts from 2023
    assert {r["group"] for r in rows} == {"true"}
    table = ok("history", "POL", "-g", "b9", "--from", "2025")
    assert "Bucharest Nine" in table and "Poland" in table and "Ally or group" in table
    assert ok("history", "POL", "--from", "2025").startswith("Poland: defence spending 2025–2026")


def test_cli_history_needs_a_country_or_a_group() -> None:
    result = invoke("history")
    assert result.exit_code == 2 and "give a COUNTRY, a --group, or both" in result.stderr


# --- chart ----------------------------------------------------------------------------------------


def test_cli_chart_group_bars() -> None:
    data = json.loads(ok("chart", "-g", "nato", "-g", "mine=EST,LVA", "-f", "json"))
    groups = [r for r in data["rows"] if r["group"]]
    assert [g["name"] for g in groups] == ["NATO", "mine"]
    *_, share = _sums(["EST", "LVA"], 2026)
    assert math.isclose(groups[1]["share_pct"], share, rel_tol=1e-9)
    assert groups[1]["members"] == "EST LVA" and groups[1]["share_source"] == "Σspending/ΣGDP"
    table = ok("chart", "-g", "baltic")
    bars = [line for line in table.splitlines() if line.startswith(" Baltic states")]
    assert len(bars) == 1 and "█" in bars[0]
    assert "Baltic states (group baltic): Estonia, Latvia, Lithuania." in table


def test_cli_chart_png_with_groups(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "c.png"
    result = invoke("chart", "-g", "eu", "--png", str(png))
    assert result.exit_code == 0 and png.read_bytes().startswith(b"\x89PNG")


def test_history_group_year_errors(dataset: Dataset) -> None:
    baltic = parse_group(dataset, "baltic")
    with pytest.raises(SpendcalcError, match="--from 2024 is after --to 2020"):
        group_history(dataset, baltic, 2024, 2020)
    with pytest.raises(SpendcalcError, match="group 'Baltic states': no figures for 2030–2032"):
        group_history(dataset, baltic, 2030, 2032)


def test_share_an_allys_net_gap_is_its_shortfall_below_the_target(dataset: Dataset) -> None:
    """For one ally there is nothing to offset: below the target its net gap is its shortfall (points to
    the target × GDP, as `gap` has it), above it the shortfall is 0."""
    burden = burden_sharing(dataset, 2026, TargetSpec(3.5))
    allies = [r for r in burden.rows if r.iso3 is not None and r.share is not None]
    assert len(allies) == 31
    for row in allies:
        assert row.share is not None and row.gdp_usd_bn is not None and row.gap_usd_bn is not None
        assert math.isclose(row.gap_usd_bn, (3.5 - row.share.pct) / 100 * row.gdp_usd_bn, rel_tol=1e-12)
        expected = max(row.gap_usd_bn, 0.0)
        assert math.isclose(row.shortfall_usd_bn or 0.0, expected, rel_tol=1e-9, abs_tol=1e-12)
