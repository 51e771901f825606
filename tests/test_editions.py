"""Schema 2: every edition kept, one edition per series, --edition, and `revisions`."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from spendcalc.data.load import load_dataset
from spendcalc.data.schema import Ally, Dataset
from spendcalc.domain.gaps import gap
from spendcalc.domain.revisions import revisions
from spendcalc.domain.years import default_year
from spendcalc.errors import SpendcalcError
from support import invoke, ok

SOURCES = Path(__file__).resolve().parents[1] / "data" / "sources"


def read(name: str) -> list[dict[str, str]]:
    with (SOURCES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def ally(dataset: Dataset, iso3: str) -> Ally:
    return next(a for a in dataset.allies if a.iso3 == iso3)


def test_editions_declared_oldest_first_with_one_latest(dataset: Dataset) -> None:
    assert [e.id for e in dataset.editions] == ["nato-2025-08", "nato-sgar-2025", "nato-2026-07"]
    assert [e.basis for e in dataset.editions] == ["total defence expenditure"] * 2 + ["core defence"]
    assert dataset.latest_edition.id == dataset.edition.id == "nato-2026-07"
    assert [(e.first_year, e.last_year) for e in dataset.editions] == [
        (2014, 2025),
        (2025, 2025),
        (2014, 2026),
    ]


def test_each_edition_holds_exactly_its_source_rows(dataset: Dataset) -> None:
    expected: dict[tuple[str, int, str], float] = {}
    for row in read("defence_share_of_gdp.csv"):
        expected[(row["iso3"], int(row["year"]), row["source"])] = float(row["share_pct"])
    for row in read("nato_2026_core_share_of_gdp.csv"):
        if not row["iso3"].startswith("NATO_"):
            expected[(row["iso3"], int(row["year"]), row["source"])] = float(row["share_pct"])
    held = {
        (a.iso3, year, share.edition): share.pct
        for a in dataset.allies
        for year, record in a.years.items()
        for share in record.shares
    }
    assert held == expected  # nothing filled in, nothing dropped, each value under its own edition


def test_a_series_never_mixes_editions(dataset: Dataset) -> None:
    for edition in dataset.editions:
        view = dataset.for_edition(edition.id)
        for a in view.allies:
            for year in a.share_years:
                share = a.share(year)
                assert share is not None and share.edition == edition.id


def test_the_august_2025_edition_leaves_its_blanks_missing(dataset: Dataset) -> None:
    august = dataset.for_edition("nato-2025-08")
    germany = ally(august, "DEU")
    assert germany.share(2025) is None  # left blank in August 2025; the SG report's 2.4 is not borrowed
    assert germany.share(2025, "nato-sgar-2025") is not None
    assert default_year(august) == 2024  # nine allies have no 2025 value in this edition
    assert ally(august, "NLD").share(2025) is not None  # found only to 0.1, still August 2025's
    assert ally(dataset, "ISL").share_years == ()


def test_default_year_follows_the_edition(dataset: Dataset) -> None:
    assert default_year(dataset) == 2026
    assert default_year(dataset.for_edition("nato-sgar-2025")) == 2025


def test_poland_in_each_edition(dataset: Dataset) -> None:
    latest = gap(dataset, "POL")
    assert (latest.year, latest.share and latest.share.pct, latest.share and latest.share.source) == (
        2026,
        4.68,
        "nato-2026-07",
    )
    august = gap(dataset.for_edition("nato-2025-08"), "POL", year=2025)
    assert august.share is not None and august.share.pct == 4.48


def test_unknown_edition_is_one_clear_line(dataset: Dataset) -> None:
    with pytest.raises(SpendcalcError, match=r"unknown edition 'nato-1999'; editions: nato-2025-08, "):
        dataset.for_edition("nato-1999")
    result = invoke("--edition", "nato-1999", "gap", "POL")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "nato-2026-07 (latest)" in result.stderr


def test_cli_gap_names_the_edition() -> None:
    out = ok("gap", "POL")
    assert "Poland (POL), 2026" in out
    assert "4.68% of GDP, NATO estimate [nato-2026-07]" in out
    assert "Shares: edition nato-2026-07 (core defence), the latest." in out
    older = ok("--edition", "nato-2025-08", "gap", "POL", "--year", "2025")
    assert "4.48% of GDP" in older
    assert "not the latest: nato-2026-07" in " ".join(older.split())
    document = json.loads(ok("--edition", "nato-2025-08", "gap", "POL", "-y", "2025", "-f", "json"))
    assert document["metadata"]["edition"]["id"] == "nato-2025-08"
    assert document["metadata"]["edition"]["latest"] is False
    assert document["metadata"]["edition"]["latest_edition"] == "nato-2026-07"


def test_edition_from_the_environment() -> None:
    out = ok("gap", "POL", "-y", "2025", "-f", "csv", env={"SPENDCALC_EDITION": "nato-2025-08"})
    assert ",4.48," in out


def test_revisions_poland_2025(dataset: Dataset) -> None:
    result = revisions(dataset, ally(dataset, "POL"), 2025)
    rows = {r.edition.id: r for r in result.rows}
    assert rows["nato-2025-08"].share is not None and rows["nato-2025-08"].share.pct == 4.48
    assert rows["nato-sgar-2025"].share is None  # not in this dataset: missing, never 0
    latest = rows["nato-2026-07"]
    assert latest.share is not None and latest.share.pct == 4.25
    assert latest.change_pp == pytest.approx(-0.23)
    assert latest.compared_with is not None and latest.compared_with.id == "nato-2025-08"
    assert latest.basis_changed


def test_revisions_default_year_is_the_latest_revised_one(dataset: Dataset) -> None:
    assert revisions(dataset, ally(dataset, "POL")).year == 2025
    with pytest.raises(SpendcalcError, match="no armed forces"):
        revisions(dataset, ally(dataset, "ISL"))
    with pytest.raises(SpendcalcError, match="no defence share for 1990 in any edition"):
        revisions(dataset, ally(dataset, "POL"), 1990)


def test_revisions_cli_table_csv_json() -> None:
    table = ok("revisions", "POL", "--year", "2025")
    assert "4.48e" in table and "4.25e" in table and "−0.23" in table
    assert "basis total → core" in table and "Latest edition: nato-2026-07." in table
    rows = list(csv.DictReader(ok("revisions", "DEU", "-y", "2025", "-f", "csv").splitlines()))
    assert [r["edition"] for r in rows] == ["nato-2025-08", "nato-sgar-2025", "nato-2026-07"]
    assert [r["share_pct"] for r in rows] == ["", "2.4", "2.22"]
    assert rows[2]["compared_with"] == "nato-sgar-2025"
    assert rows[2]["note"] == "basis total → core"
    assert rows[1]["note"].startswith("Aug-2025 edition left this cell blank pending Germany's budget")
    document = json.loads(ok("--no-timestamp", "revisions", "POL", "-y", "2025", "-f", "json"))
    assert document["metadata"]["year"] == 2025
    assert [r["share_pct"] for r in document["rows"]] == [4.48, None, 4.25]


def test_version_1_file_gets_one_line(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text('{"schema_version": 1, "sources": [], "allies": []}', encoding="utf-8")
    result = invoke("--data", str(path), "gap", "POL")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "schema version 1" in result.stderr and "spendcalc dataset" in result.stderr


def test_nato_tables_keep_the_2026_edition(dataset: Dataset) -> None:
    rows = [r for r in read("nato_2026_tables.csv") if r["metric"] != "share_of_gdp_pct"]
    for row in rows:
        assert dataset.nato_figure(row["iso3"], int(row["year"]), row["metric"]) == float(row["value"]), row
    held = sum(v is not None for t in dataset.nato_tables for row in t.values.values() for v in row)
    assert held == len(rows)
    assert dataset.nato_figure("NLD", 2026, "personnel_pct") is None  # not published: missing, not 0
    assert dataset.for_edition("nato-2025-08").nato_figure("POL", 2024, "spending_usd_m") is None


def test_computed_aggregates_equal_natos_rows(dataset: Dataset) -> None:
    """NATO's aggregates are Σ constant-2021 spending / Σ constant-2021 GDP over the allies of that year;
    its US$ totals (current and constant 2021) are the sums of the allies' of that year.

    Iceland: NATO's GDP totals include Iceland's GDP, which its tables do not give per ally. The allies'
    spending sums to NATO's row within the rounding of the printed millions; the allies' GDP sums to
    NATO's row less 20-32 bn US$ (Iceland's GDP, about 0.05% of NATO's). The share is therefore Σ spending
    over NATO's GDP total (Iceland's GDP counted, as NATO counts it): it equals the printed share within
    its rounding; leaving Iceland's GDP out would raise it by 0.001-0.003 points."""
    joined = {a.iso3: a.joined for a in dataset.allies}
    printed = {
        (r["iso3"], int(r["year"])): float(r["share_pct"]) for r in read("nato_2026_core_share_of_gdp.csv")
    }
    members: dict[str, Callable[[str], bool]] = {
        "NATO_TOTAL": lambda iso3: True,
        "NATO_EUROPE_AND_CANADA": lambda iso3: iso3 != "USA",
    }
    for code, member in members.items():
        for year in range(2014, 2027):
            allies = [a for a in joined if joined[a] <= year and member(a) and a != "ISL"]
            spending = [dataset.nato_figure(a, year, "spending_usd_2021_m") for a in allies]
            gdp = [dataset.nato_figure(a, year, "gdp_usd_2021_m") for a in allies]
            total_spending = dataset.nato_figure(code, year, "spending_usd_2021_m")
            total_gdp = dataset.nato_figure(code, year, "gdp_usd_2021_m")
            assert total_spending is not None and total_gdp is not None
            assert None not in spending and None not in gdp, (code, year)
            summed = sum(s for s in spending if s is not None)
            assert abs(summed - total_spending) <= len(allies) / 2, (code, year)
            current = [dataset.nato_figure(a, year, "spending_usd_m") for a in allies]
            total_current = dataset.nato_figure(code, year, "spending_usd_m")
            assert None not in current and total_current is not None
            assert abs(sum(c for c in current if c is not None) - total_current) <= len(allies) / 2
            iceland_gdp = total_gdp - sum(g for g in gdp if g is not None)
            assert 20_000 <= iceland_gdp <= 32_000, (code, year, iceland_gdp)
            share = 100 * summed / total_gdp
            assert abs(share - printed[(code, year)]) <= 0.005, (code, year, share)


def test_sources_lists_the_editions() -> None:
    text = " ".join(ok("--edition", "nato-sgar-2025", "sources").split())
    assert (
        "Editions of NATO's shares (--edition ID): nato-2025-08 (total defence expenditure, 2014–2025), "
        "nato-sgar-2025 (total defence expenditure, 2025), "
        "nato-2026-07 (core defence, 2014–2026, the latest)."
    ) in text
    assert "Shares: edition nato-sgar-2025 (total defence expenditure), not the latest" in text


@pytest.mark.parametrize("edition", ["nato-2025-08", "nato-sgar-2025", "nato-2026-07"])
@pytest.mark.parametrize(
    "args", [["compare"], ["chart"], ["share"], ["history", "DEU"], ["export", "-f", "json"], ["countries"]]
)
def test_every_edition_runs_every_command(edition: str, args: list[str]) -> None:
    out = ok("--edition", edition, *args)
    assert edition in out


def test_an_ally_without_shares_in_the_edition_is_named(dataset: Dataset) -> None:
    result = invoke("--edition", "nato-sgar-2025", "path", "GBR", "-t", "3.5", "--by", "2030")
    assert result.exit_code == 1
    assert "United Kingdom: no defence share in any year of edition nato-sgar-2025" in result.stderr


def test_a_values_note_is_in_gaps_notes_and_json() -> None:
    text = " ".join(ok("gap", "SVN").split())
    assert "Share note [nato-2026-07]: NATO's workbook carries a footnote on this row" in text
    document = json.loads(ok("--edition", "nato-sgar-2025", "gap", "DEU", "-f", "json"))
    assert document["metadata"]["share_note"].startswith("Aug-2025 edition left this cell blank")
    assert json.loads(ok("gap", "POL", "-f", "json"))["metadata"]["share_note"] is None


def test_revisions_list_only_the_editions_covering_the_year(dataset: Dataset) -> None:
    result = revisions(dataset, ally(dataset, "POL"), 2026)
    assert [(r.edition.id, r.change_pp) for r in result.rows] == [("nato-2026-07", None)]
    assert ally(dataset, "POL").shares(2026)[0].pct == 4.68


def test_revisions_of_an_armed_ally_without_any_share(
    write_dataset: Callable[[dict[str, Any]], Path], tiny_dataset_dict: dict[str, Any]
) -> None:
    for record in tiny_dataset_dict["allies"][1]["years"].values():
        record.pop("shares", None)
    data = load_dataset(write_dataset(tiny_dataset_dict))
    with pytest.raises(SpendcalcError, match="Betaland: no defence share in any edition"):
        revisions(data, ally(data, "BET"))


def test_no_change_reads_as_zero(dataset: Dataset) -> None:
    from spendcalc.reports.model import Kind, show
    from spendcalc.reports.revisions import revision_fields

    # Albania 2016: 1.09 in both editions.
    result = revisions(dataset, ally(dataset, "ALB"), 2016)
    assert [r.share.pct for r in result.rows if r.share] == [1.09, 1.09]
    change = next(f for f in revision_fields(result).fields if f.key == "change_pp")
    assert show(change.cell(result.rows[1]), Kind.GAP_PP).text == "0.00"


@pytest.mark.parametrize("prices", ["current", "constant"])
def test_compare_totals_are_natos_aggregate_rows(dataset: Dataset, prices: str) -> None:
    """The NATO and Europe-and-Canada totals that compare computes (domain/groups.py), 2014-2026: the
    share equals NATO's printed aggregate within its rounding; spending equals NATO's aggregate row in
    current or constant 2021 US$ within the rounding of the allies' printed millions; GDP equals NATO's
    row (Iceland's GDP counted, as the residual of NATO's total)."""
    from spendcalc.domain.comparison import compare_allies
    from spendcalc.domain.targets import TargetSpec

    priced = dataset.for_prices(prices)
    suffix = "_2021_m" if prices == "constant" else "_m"
    printed = {
        (r["iso3"], int(r["year"])): float(r["share_pct"]) for r in read("nato_2026_core_share_of_gdp.csv")
    }
    for year in range(2014, 2027):
        nato, europe = compare_allies(priced, year, (TargetSpec(2.0),)).totals
        for total, code in ((nato, "NATO_TOTAL"), (europe, "NATO_EUROPE_AND_CANADA")):
            assert abs(total.share_pct - printed[(code, year)]) <= 0.005, (code, year, total.share_pct)
            spending = dataset.nato_figure(code, year, f"spending_usd{suffix}")
            gdp = dataset.nato_figure(code, year, f"gdp_usd{suffix}")
            assert spending is not None and gdp is not None
            assert abs(total.spending_usd_bn * 1000 - spending) <= len(total.members) / 2, (code, year)
            assert abs(total.gdp_usd_bn * 1000 - gdp) <= len(total.members) / 2, (code, year)
            assert total.gdp_only == ("ISL",)
            assert total.rows[0].gap_pp == 2.0 - total.share_pct
        # The gap to a target in money is at the prices asked for: NATO's GDP times the gap in points.
        assert nato.rows[0].gap_usd_bn == pytest.approx((2.0 - nato.share_pct) / 100 * nato.gdp_usd_bn)
