"""The time and alliance commands through typer's CliRunner: gap in national currency, path, pledges,
history, share, and the currency columns of compare and export.

Expected figures are computed here from data/allies.json with the json module, not copied from output.
"""

from __future__ import annotations

import csv
import io
import math
import re
from typing import Any

import pytest

from support import EXPORT_HEADER, Raw, invoke, ok, raw_ally

LAST_DATA_YEAR = 2030

CURRENCY_HEADER = (
    "currency,fx_per_usd,fx_rate_year,gdp_bn,spending_bn,gap_bn,shortfall_bn,gap_per_capita,fx_source"
)
LCU_MONEY_COLUMNS = ("fx_per_usd", "fx_rate_year", "gdp_bn", "spending_bn", "gap_bn", "gap_per_capita")

Row = dict[str, str]


# --- independent reading of the dataset ----------------------------------------------------------


def raw_year(data: Raw, iso3: str, year: int) -> dict[str, Any]:
    record: dict[str, Any] = raw_ally(data, iso3)["years"][str(year)]
    return record


def raw_gdp(data: Raw, iso3: str, year: int) -> float:
    return float(raw_year(data, iso3, year)["gdp"]["usd_bn"])


def raw_share(data: Raw, iso3: str, year: int) -> float:
    return float(raw_year(data, iso3, year)["shares"][-1]["pct"])


# --- running the CLI -----------------------------------------------------------------------------


def flat(text: str) -> str:
    """Whitespace collapsed, so that sentences wrapped by the table renderer read as one line."""
    return " ".join(text.split())


def csv_rows(text: str) -> list[Row]:
    return list(csv.DictReader(io.StringIO(text)))


def csv_header(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text)))


# --- gap in national currency ----------------------------------------------------------------------


def test_uk_gap_in_pounds(raw: Raw) -> None:
    out = ok("gap", "GBR", "--current", "2.3", "--target", "2.5", "--year", "2024", "--currency", "LCU")
    # The table shows the same gap, in pounds.
    assert "GBP" in out
    rows = csv_rows(
        ok(
            "gap",
            "GBR",
            "--current",
            "2.3",
            "--target",
            "2.5",
            "--year",
            "2024",
            "--currency",
            "LCU",
            "--format",
            "csv",
        )
    )
    assert len(rows) == 1
    row = rows[0]
    fx = float(raw_year(raw, "GBR", 2024)["fx"]["per_usd"])
    expected = (2.5 - 2.3) / 100 * raw_gdp(raw, "GBR", 2024) * fx
    assert row["currency"] == "GBP"
    assert row["share_source"] == "user-supplied"
    assert float(row["fx_per_usd"]) == fx
    assert row["fx_rate_year"] == "2024"
    assert abs(float(row["gap_bn"]) - expected) < 0.05
    assert round(float(row["gap_bn"]), 1) == 5.8
    assert math.isclose(float(row["gap_bn"]), expected, rel_tol=1e-9)


# --- path ----------------------------------------------------------------------------------------


def test_path_csv_reaches_the_target_and_starts_where_gap_does(raw: Raw) -> None:
    rows = csv_rows(ok("path", "DEU", "--target", "3.5", "--by", "2029", "--format", "csv"))
    assert [int(r["year"]) for r in rows] == list(range(2026, 2030))
    assert float(rows[-1]["share_pct"]) == 3.5
    assert rows[-1]["year"] == "2029"
    gap_rows = csv_rows(ok("gap", "DEU", "--year", "2026", "--format", "csv"))
    assert float(rows[0]["spending_bn"]) == float(gap_rows[0]["spending_usd_bn"])
    assert float(rows[0]["share_pct"]) == raw_share(raw, "DEU", 2026)
    assert math.isclose(
        float(rows[0]["spending_bn"]), raw_share(raw, "DEU", 2026) / 100 * raw_gdp(raw, "DEU", 2026)
    )
    assert {r["baseline"] for r in rows} == {"flat-share"}
    assert {r["currency"] for r in rows} == {"USD"}


def test_path_table_states_baseline_and_years(raw: Raw) -> None:
    text = flat(ok("path", "DEU", "--target", "3.5", "--by", "2029"))
    start = raw_share(raw, "DEU", 2026)
    # Germany's 2026 share (July 2026 edition) is published to 0.01, and is shown so.
    assert f"Cumulative extra 2027–2029 against a flat {start:.2f}% of each year's GDP" in text
    # The cumulative figure, computed here: Σ (s_t − s_0) × GDP_t over 2027–2029, linear steps.
    cumulative = math.fsum(
        (start + (3.5 - start) * (year - 2026) / 3 - start) / 100 * raw_gdp(raw, "DEU", year)
        for year in range(2027, 2030)
    )
    assert (
        f"Cumulative extra 2027–2029 against a flat 2.69% of each year's GDP: US$ {cumulative:,.1f} bn"
        in text
    )


def test_path_table_flat_cash_sentence(raw: Raw) -> None:
    text = flat(ok("path", "DEU", "--target", "3.5", "--by", "2029", "--baseline", "flat-cash"))
    cash = raw_share(raw, "DEU", 2026) / 100 * raw_gdp(raw, "DEU", 2026)
    assert f"Cumulative extra 2027–2029 against flat cash (2026 spending of US$ {cash:,.1f} bn" in text


def test_path_hague_split_table(raw: Raw) -> None:
    out = ok("path", "DEU", "-t", "hague", "--by", "2035")
    text = flat(out)
    assert "NATO does not yet measure" in text
    assert "a = assumed" in text
    growth = (raw_gdp(raw, "DEU", LAST_DATA_YEAR) / raw_gdp(raw, "DEU", LAST_DATA_YEAR - 1) - 1) * 100
    assert f"GDP growth: {growth:.2f}% a year after 2030" in text
    # Years after 2030 carry the assumed mark on GDP; 2030 itself is an IMF projection.
    for line in ("core", "related"):
        for year in range(2031, 2036):
            assert re.search(rf"^\s*{line}\s+{year}\s+[\d,]+\.\da\s", out, re.MULTILINE), (line, year)
        assert re.search(rf"^\s*{line}\s+2030\s+[\d,]+\.\dp\s", out, re.MULTILINE)
    gdp_2035 = raw_gdp(raw, "DEU", LAST_DATA_YEAR) * (1 + growth / 100) ** 5
    assert f"spending in 2035 US$ {3.5 / 100 * gdp_2035:,.1f} bn (3.50% of GDP)" in text
    assert f"spending in 2035 US$ {1.5 / 100 * gdp_2035:,.1f} bn (1.50% of GDP)" in text


def test_path_hague_csv_has_two_lines() -> None:
    rows = csv_rows(ok("path", "DEU", "-t", "hague", "--by", "2035", "--format", "csv"))
    assert [r["line"] for r in rows] == ["core"] * 10 + ["related"] * 10  # 2026-2035
    related = [r for r in rows if r["line"] == "related"]
    assert float(related[0]["share_pct"]) == 0.0
    assert related[0]["start_share_source"] == ""
    assert {r["gdp_kind"] for r in rows if int(r["year"]) > LAST_DATA_YEAR} == {"assumed"}


@pytest.mark.parametrize("option", ["--shape", "--baseline"])
def test_path_unknown_choice_is_a_usage_error(option: str) -> None:
    result = invoke("path", "DEU", "-t", "3.5", "--by", "2029", option, "bogus")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "bogus" in result.stderr


def test_path_by_before_start_is_an_error() -> None:
    result = invoke("path", "DEU", "-t", "3.5", "--by", "2020")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("spendcalc: error:")
    assert "--by 2020" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --- pledges -------------------------------------------------------------------------------------


def test_pledges_csv_lists_every_pledge(raw: Raw) -> None:
    rows = csv_rows(ok("pledges", "--format", "csv"))
    assert [(r["iso3"], float(r["pledge_pct"]), int(r["by_year"])) for r in rows] == [
        (p["iso3"], p["share_pct"], p["by_year"]) for p in raw["pledges"]
    ]


def test_pledges_for_one_ally(raw: Raw) -> None:
    rows = csv_rows(ok("pledges", "GBR", "--format", "csv"))
    assert rows
    assert {r["iso3"] for r in rows} == {"GBR"}
    assert len(rows) == sum(1 for p in raw["pledges"] if p["iso3"] == "GBR")
    pledge_2027 = next(r for r in rows if r["by_year"] == "2027")
    latest = raw_share(raw, "GBR", 2026)
    expected = (2.5 - latest) / 100 * raw_gdp(raw, "GBR", 2027)
    assert math.isclose(float(pledge_2027["extra_usd_bn"]), expected, rel_tol=1e-9)


def test_pledges_table_notes_national_measures(raw: Raw) -> None:
    text = flat(ok("pledges"))
    names = {a["iso3"]: a["name"] for a in raw["allies"]}
    national = list(
        dict.fromkeys(names[p["iso3"]] for p in raw["pledges"] if "NATO definition" not in p["measure"])
    )
    assert national
    assert f"Not NATO's measure ({', '.join(national)})" in text
    assert "(not NATO's)" in text


# --- history -------------------------------------------------------------------------------------


def test_history_poland(raw: Raw) -> None:
    out = ok("history", "POL")
    years = [int(m) for m in re.findall(r"^\s*(\d{4})\s", out, re.MULTILINE)]
    assert years == list(range(2014, 2027))
    assert "│" in out
    assert "GDP source changes in 2024" in flat(out)
    # Each year's spending, share × GDP, as shown (one decimal).
    for year in (2014, 2025, 2026):
        spending = raw_share(raw, "POL", year) / 100 * raw_gdp(raw, "POL", year)
        row = next(line for line in out.splitlines() if line.strip().startswith(str(year)))
        assert f"{spending:,.1f}" in row


def test_history_poland_csv(raw: Raw) -> None:
    rows = csv_rows(ok("history", "POL", "--format", "csv"))
    assert len(rows) == 13
    for row in rows:
        year = int(row["year"])
        expected = raw_share(raw, "POL", year) * raw_gdp(raw, "POL", year) / 100
        assert math.isclose(float(row["spending_usd_bn"]), expected, rel_tol=1e-12)


def test_history_iceland() -> None:
    text = flat(ok("history", "ISL"))
    assert "n/a — no armed forces" in text


def test_history_from_after_the_data_is_an_error() -> None:
    result = invoke("history", "POL", "--from", "2030")
    assert result.exit_code == 1
    assert result.stdout == ""


# --- share ---------------------------------------------------------------------------------------


def test_share_united_states(raw: Raw) -> None:
    rows = csv_rows(ok("share", "--year", "2025", "--format", "csv"))
    usa = next(r for r in rows if r["iso3"] == "USA")
    assert 55 < float(usa["share_of_total_pct"]) < 65
    spending = {
        a["iso3"]: a["years"]["2025"]["shares"][-1]["pct"] / 100 * a["years"]["2025"]["gdp"]["usd_bn"]
        for a in raw["allies"]
        if a["has_armed_forces"]
    }
    expected = spending["USA"] / math.fsum(spending.values()) * 100
    assert math.isclose(float(usa["share_of_total_pct"]), expected, rel_tol=1e-9)
    allies = [r for r in rows if r["group"] == "false" and r["share_of_total_pct"]]
    assert math.isclose(math.fsum(float(r["share_of_total_pct"]) for r in allies), 100.0, rel_tol=1e-9)


# --- currency columns ----------------------------------------------------------------------------


def test_compare_eur_header() -> None:
    out = ok("compare", "--currency", "EUR", "--format", "csv")
    assert out.splitlines()[0] == f"{EXPORT_HEADER},{CURRENCY_HEADER}"
    assert csv_header(out) == [*EXPORT_HEADER.split(","), *CURRENCY_HEADER.split(",")]
    rows = csv_rows(out)
    assert {r["currency"] for r in rows if r["share_pct"]} == {"EUR"}


def test_export_lcu_header_and_albania(raw: Raw) -> None:
    out = ok("export", "--currency", "LCU", "--format", "csv")
    assert out.splitlines()[0] == f"{EXPORT_HEADER},{CURRENCY_HEADER}"
    assert csv_header(out) == [*EXPORT_HEADER.split(","), *CURRENCY_HEADER.split(",")]
    rows = csv_rows(out)
    albania = [r for r in rows if r["iso3"] == "ALB"]
    assert albania
    for row in albania:
        assert row["gdp_usd_bn"] != ""
        for column in LCU_MONEY_COLUMNS:
            assert row[column] == "", column
    # A country with an ECB rate has every currency cell filled.
    britain = [r for r in rows if r["iso3"] == "GBR"]
    assert britain
    # 2026 has no annual ECB average yet: the 2025 one is carried forward.
    fx = float(raw_year(raw, "GBR", 2025)["fx"]["per_usd"])
    for row in britain:
        assert row["currency"] == "GBP"
        assert float(row["fx_per_usd"]) == fx
        assert math.isclose(float(row["gdp_bn"]), raw_gdp(raw, "GBR", 2026) * fx, rel_tol=1e-12)
