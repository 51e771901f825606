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

from support import EXPORT_HEADER, Raw, expected_gdp, invoke, ok, raw_ally, raw_nato, raw_nato_rate

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
    """GDP as the commands use it: NATO's in its tables' years, then grown as the IMF's (support.py)."""
    return expected_gdp(data, iso3, year)


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
    fx = raw_nato_rate(raw, "GBR", 2024)  # NATO's implied rate in its tables' years
    expected = (2.5 - 2.3) / 100 * raw_gdp(raw, "GBR", 2024) * fx
    assert row["currency"] == "GBP"
    assert row["share_source"] == "user-supplied"
    assert float(row["fx_per_usd"]) == pytest.approx(fx, rel=1e-11)
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
    # The path prices its shares on the gap's GDP (NATO's), not NATO's spending, which is at current prices
    # while the share is a ratio at constant prices (147.0 against 146.8 here).
    assert float(rows[0]["gdp_bn"]) == float(gap_rows[0]["gdp_usd_bn"])
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
    assert (
        "2030–2031 at the IMF's real growth and CPI inflation [imf-weo-2026-04-growth], an assumption" in text
    )
    # Years after 2029 carry the assumed mark on GDP; 2029 itself is an IMF projection.
    for line in ("core", "related"):
        for year in range(2030, 2036):
            assert re.search(rf"^\s*{line}\s+{year}\s+[\d,]+\.\da\s", out, re.MULTILINE), (line, year)
        assert re.search(rf"^\s*{line}\s+2029\s+[\d,]+\.\dp\s", out, re.MULTILINE)
    gdp_2035 = raw_gdp(raw, "DEU", 2035)
    assert f"spending in 2035 US$ {3.5 / 100 * gdp_2035:,.1f} bn (3.50% of GDP)" in text
    assert f"spending in 2035 US$ {1.5 / 100 * gdp_2035:,.1f} bn (1.50% of GDP)" in text


def test_path_hague_csv_has_two_lines() -> None:
    rows = csv_rows(ok("path", "DEU", "-t", "hague", "--by", "2035", "--format", "csv"))
    assert [r["line"] for r in rows] == ["core"] * 10 + ["related"] * 10  # 2026-2035
    related = [r for r in rows if r["line"] == "related"]
    assert float(related[0]["share_pct"]) == 0.0
    assert related[0]["start_share_source"] == ""
    assert {r["gdp_kind"] for r in rows if int(r["year"]) > 2029} == {"assumed"}


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
    assert "GDP source changes" not in flat(out)  # NATO's GDP throughout
    # Each year's spending, NATO's own, as shown (one decimal).
    for year in (2014, 2025, 2026):
        spending = raw_nato(raw, "POL", year, "spending_usd_m") / 1000
        row = next(line for line in out.splitlines() if line.strip().startswith(str(year)))
        assert f"{spending:,.1f}" in row


def test_history_poland_csv(raw: Raw) -> None:
    rows = csv_rows(ok("history", "POL", "--format", "csv"))
    assert len(rows) == 13
    for row in rows:
        year = int(row["year"])
        expected = raw_nato(raw, "POL", year, "spending_usd_m") / 1000
        assert math.isclose(float(row["spending_usd_bn"]), expected, rel_tol=1e-12)
        assert row["gdp_source"] == "nato-2026-07"


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
        a["iso3"]: raw_nato(raw, a["iso3"], 2025, "spending_usd_m") / 1000
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
    # NATO's tables give every armed ally's national currency, the lek and the denar too.
    for iso3, code in (("ALB", "ALL"), ("MKD", "MKD"), ("GBR", "GBP")):
        (row,) = [r for r in rows if r["iso3"] == iso3][:1]
        fx = raw_nato_rate(raw, iso3, 2026)
        assert row["currency"] == code
        assert row["fx_source"] == "nato-2026-07"
        assert float(row["fx_per_usd"]) == pytest.approx(fx, rel=1e-11)
        for column in LCU_MONEY_COLUMNS:
            if column != "gap_per_capita":  # no population figure for 2026
                assert row[column] != "", (iso3, column)
        assert math.isclose(float(row["gdp_bn"]), raw_gdp(raw, iso3, 2026) * fx, rel_tol=1e-11)
        assert math.isclose(
            float(row["spending_bn"]), raw_nato(raw, iso3, 2026, "spending_lcu_m") / 1000, rel_tol=1e-9
        )
