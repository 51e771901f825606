"""NATO's own tables in commands: `equipment` against the 20% guideline, and `history` in real terms; expected
figures are read independently from data/sources/nato_2026_tables.csv."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest

from spendcalc.data.load import load_dataset
from spendcalc.domain.equipment import equipment_check
from spendcalc.errors import SpendcalcError
from support import invoke, ok

TABLES = Path(__file__).resolve().parents[1] / "data" / "sources" / "nato_2026_tables.csv"


def source(iso3: str, year: int, metric: str) -> float | None:
    with TABLES.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["iso3"] == iso3 and int(row["year"]) == year and row["metric"] == metric:
                return float(row["value"]) if row["value"] else None
    return None


def test_each_ally_is_natos_figure_against_20_percent() -> None:
    check = equipment_check(load_dataset(), 2024)
    assert check.year == 2024 and check.guideline_pct == 20.0
    poland = next(r for r in check.allies if r.iso3 == "POL")
    expected = source("POL", 2024, "equipment_pct")
    assert expected is not None
    assert poland.equipment_pct == expected
    assert poland.gap_pp == pytest.approx(20.0 - expected)
    assert poland.meets == (expected >= 20.0)
    spending = source("POL", 2024, "spending_usd_m")
    assert spending is not None
    assert poland.spending_usd_bn == pytest.approx(spending / 1000)
    assert poland.gap_usd_bn == pytest.approx((20.0 - expected) / 100 * spending / 1000)
    iceland = next(r for r in check.allies if r.iso3 == "ISL")
    assert iceland.equipment_pct is None and iceland.meets is None and iceland.gap_pp is None


def test_group_totals_are_sums_not_means() -> None:
    check = equipment_check(load_dataset(), 2026)
    rows = [r for r in check.allies if r.equipment_pct is not None and r.spending_usd_bn is not None]
    spending = math.fsum(r.spending_usd_bn or 0.0 for r in rows)
    equipment = math.fsum((r.equipment_pct or 0.0) / 100 * (r.spending_usd_bn or 0.0) for r in rows)
    nato, europe = check.groups
    assert nato.name == "NATO" and nato.members == len(rows)
    assert nato.equipment_pct == pytest.approx(equipment / spending * 100)
    mean = math.fsum(r.equipment_pct or 0.0 for r in rows) / len(rows)
    assert nato.equipment_pct != pytest.approx(mean)  # weighted by spending, not a mean of ratios
    usa = next(r for r in rows if r.iso3 == "USA")
    assert europe.spending_usd_bn == pytest.approx(
        math.fsum(r.spending_usd_bn or 0.0 for r in rows if r is not usa)
    )


def test_default_year_is_the_latest_with_every_armed_ally() -> None:
    assert equipment_check(load_dataset()).year == 2026


def test_an_edition_without_tables_says_which_has_them() -> None:
    older = load_dataset().for_edition("nato-2025-08")
    with pytest.raises(SpendcalcError, match="no equipment shares; use --edition nato-2026-07"):
        equipment_check(older)


def test_cli_table_csv_json() -> None:
    table = ok("equipment", "--year", "2024")
    assert "against 20%, 2024" in table and "not a share of GDP" in " ".join(table.split())
    rows = list(csv.DictReader(io.StringIO(ok("equipment", "--year", "2024", "-f", "csv"))))
    assert [r["name"] for r in rows if r["group"] == "true"] == ["NATO", "Europe and Canada"]
    poland = next(r for r in rows if r["iso3"] == "POL")
    assert float(poland["equipment_pct"]) == source("POL", 2024, "equipment_pct")
    assert poland["source"] == "nato-2026-07"
    iceland = next(r for r in rows if r["iso3"] == "ISL")
    assert iceland["equipment_pct"] == "" and iceland["meets_guideline"] == ""
    document = json.loads(ok("equipment", "-f", "json"))
    assert document["metadata"]["guideline_pct"] == 20.0
    assert document["metadata"]["edition"]["id"] == "nato-2026-07"


@pytest.mark.parametrize(
    ("args", "code", "pattern"),
    [
        (("equipment", "--year", "2030"), 1, "no equipment shares for 2030"),
        (("--edition", "nato-2025-08", "equipment"), 1, "use --edition nato-2026-07"),
    ],
)
def test_cli_errors(args: tuple[str, ...], code: int, pattern: str) -> None:
    result = invoke(*args)
    assert result.exit_code == code, result.output
    assert pattern in result.stderr and result.stdout == ""


def test_history_shows_real_spending_and_change() -> None:
    rows = {int(r["year"]): r for r in csv.DictReader(io.StringIO(ok("history", "DEU", "-f", "csv")))}
    for year in (2014, 2024, 2026):
        real = source("DEU", year, "spending_usd_2021_m")
        change = source("DEU", year, "real_change_pct")
        assert real is not None
        assert float(rows[year]["spending_usd_2021_bn"]) == pytest.approx(real / 1000)
        assert (
            (rows[year]["real_change_pct"] == "")
            if change is None
            else (float(rows[year]["real_change_pct"]) == change)
        )
    table = ok("history", "DEU", "--from", "2024")
    change_2024 = source("DEU", 2024, "real_change_pct")
    assert change_2024 is not None and change_2024 > 0
    assert f"+{change_2024:.1f}" in table
    # An edition without NATO's tables shows them as missing, never as 0.
    older = list(csv.DictReader(io.StringIO(ok("--edition", "nato-2025-08", "history", "DEU", "-f", "csv"))))
    assert {r["spending_usd_2021_bn"] for r in older} == {""}
