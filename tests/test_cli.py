"""The command line through typer's CliRunner: every command, format, option and input spelling.

Expected figures are computed here from data/allies.json, independently of spendcalc's own code.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main
from typer.testing import CliRunner

import spendcalc
from spendcalc.cli.app import app, app_for
from support import EXPORT_HEADER, Raw, invoke, load_raw, ok, raw_ally, write_copy

DEFAULT_TARGETS = [2.0, 2.5, 3.5, 5.0]
COMMANDS = ("gap", "compare", "export", "countries", "targets", "sources", "revisions")
# Arguments that make each command produce a report.
COMMAND_ARGS: dict[str, list[str]] = {
    "gap": ["gap", "POL"],
    "compare": ["compare"],
    "export": ["export"],
    "countries": ["countries"],
    "targets": ["targets"],
    "sources": ["sources"],
    "revisions": ["revisions", "DEU", "--year", "2025"],
}


def registered_commands(typer_app: typer.Typer = app) -> list[str]:
    commands = getattr(typer.main.get_command(typer_app), "commands", None)
    assert isinstance(commands, dict)
    return [str(name) for name in commands]


# --- independent reading of the dataset ----------------------------------------------------------


def share(data: Raw, iso3: str, year: int) -> float | None:
    record = raw_ally(data, iso3)["years"].get(str(year)) or {}
    figure = (record.get("shares") or [None])[-1]
    return None if figure is None else float(figure["pct"])


def nato(data: Raw, code: str, year: int, metric: str) -> float:
    """NATO's own table value (money in US$ bn) from the JSON."""
    table = next(t for t in data["nato_tables"] if t["metric"] == metric)
    return float(table["values"][code][year - table["first_year"]]) / 1000


def gdp(data: Raw, iso3: str, year: int) -> float:
    """GDP as the commands use it: NATO's own in its tables' years (Iceland's the residual of NATO's total,
    which includes it), the dataset's US$ GDP in other years."""
    if 2014 <= year <= 2026:
        if iso3 == "ISL":
            allies = [a["iso3"] for a in armed(data) if a["joined"] <= year]
            return nato(data, "NATO_TOTAL", year, "gdp_usd_m") - sum(
                nato(data, a, year, "gdp_usd_m") for a in allies
            )
        return nato(data, iso3, year, "gdp_usd_m")
    return float(raw_ally(data, iso3)["years"][str(year)]["gdp"]["usd_bn"])


def population(data: Raw, iso3: str, year: int) -> float:
    return float(raw_ally(data, iso3)["years"][str(year)]["population"]["millions"])


def armed(data: Raw) -> list[dict[str, Any]]:
    return [a for a in data["allies"] if a["has_armed_forces"]]


def share_years(data: Raw) -> list[int]:
    return sorted({int(y) for a in data["allies"] for y, r in a["years"].items() if r.get("shares")})


def latest_full_year(data: Raw) -> int:
    common = set.intersection(
        *({int(y) for y, r in a["years"].items() if r.get("shares")} for a in armed(data))
    )
    return max(common)


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def group_share(data: Raw, year: int, exclude: frozenset[str] = frozenset()) -> tuple[float, float]:
    """(share %, GDP) of a group, NATO's way: Σ constant-2021 spending / Σ constant-2021 GDP over that
    year's allies, Iceland's GDP counted (NATO's total less the allies'); GDP in current US$, Iceland's
    included."""
    members = [a["iso3"] for a in armed(data) if a["iso3"] not in exclude and a["joined"] <= year]
    everyone = [a["iso3"] for a in armed(data) if a["joined"] <= year]
    iceland_real = nato(data, "NATO_TOTAL", year, "gdp_usd_2021_m") - math.fsum(
        nato(data, m, year, "gdp_usd_2021_m") for m in everyone
    )
    real_gdp = math.fsum(nato(data, m, year, "gdp_usd_2021_m") for m in members) + iceland_real
    real_spending = math.fsum(nato(data, m, year, "spending_usd_2021_m") for m in members)
    total_gdp = math.fsum(gdp(data, m, year) for m in members) + gdp(data, "ISL", year)
    return real_spending / real_gdp * 100, total_gdp


# --- running the CLI -----------------------------------------------------------------------------


def csv_rows(text: str, groups: bool = False) -> list[dict[str, str]]:
    """The rows of the allies (or, with `groups`, of the group totals that follow them)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    return [r for r in rows if (r.get("group") == "true") == groups]


def table_line(text: str, label: str) -> str:
    """The one table line whose first cell is `label`."""
    pattern = re.compile(rf"^\s*{re.escape(label)}(\s{{2,}}|$)")
    lines = [line for line in text.splitlines() if pattern.match(line)]
    assert len(lines) == 1, (label, lines)
    return lines[0]


# --- basics --------------------------------------------------------------------------------------


def test_runner_captures_stdout_and_stderr_separately() -> None:
    result = invoke("gap", "no-such-country")
    assert hasattr(result, "stdout")
    assert hasattr(result, "stderr")
    assert result.stdout == ""
    assert "no-such-country" in result.stderr


def test_version() -> None:
    assert ok("--version") == f"spendcalc {spendcalc.__version__}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", spendcalc.__version__)


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_main_help_lists_every_command(flag: str) -> None:
    out = ok(flag)
    assert out.startswith("Usage:")
    assert "--data" in out
    assert "SPENDCALC_DATA" in out
    listed = re.search(r"^Commands:\n(.*)", out, re.MULTILINE | re.DOTALL)
    assert listed is not None
    names = {line.split()[0] for line in listed.group(1).splitlines() if line.strip()}
    assert names >= set(COMMANDS)


def test_all_documented_commands_are_registered() -> None:
    assert set(COMMANDS) <= set(registered_commands())


@pytest.mark.parametrize("command", registered_commands())
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_command_help_has_an_example(command: str, flag: str) -> None:
    out = ok(command, flag)
    assert out.startswith(f"Usage: spendcalc {command}")
    examples = [line.strip() for line in out.splitlines() if line.strip().startswith("Example:")]
    assert examples, out
    assert examples[0].startswith(f"Example: spendcalc {command}")


@pytest.mark.parametrize("command", registered_commands())
def test_a_run_builds_only_the_command_it_names(command: str) -> None:
    narrow = app_for([command, "--help"])
    assert registered_commands(narrow) == [command]
    # What it does is what the whole app does: help, a run, a bad argument, a bad option.
    for extra in (
        ["--help"],
        ["-f", "csv"],
        ["POL", "-f", "json", "--no-timestamp"],
        ["XYZ"],
        ["--sort", "x"],
    ):
        full, alone = (
            CliRunner().invoke(app, [command, *extra]),
            CliRunner().invoke(narrow, [command, *extra]),
        )
        assert (alone.exit_code, alone.stdout, alone.stderr) == (full.exit_code, full.stdout, full.stderr)


@pytest.mark.parametrize("args", [[], ["--data", "x.json", "gap"], ["gpa"], ["--help"], ["-h", "gap"]])
def test_anything_else_gets_the_whole_app(args: list[str]) -> None:
    assert app_for(args) is app


@pytest.mark.parametrize("command", COMMANDS)
def test_help_examples_run(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The example in each command's help is a working command line."""
    monkeypatch.chdir(tmp_path)  # the export example writes gaps.csv
    out = ok(command, "--help")
    example = next(line.strip() for line in out.splitlines() if line.strip().startswith("Example:"))
    argv = example.removeprefix("Example:").split()
    assert argv[0] == "spendcalc"
    result = invoke(*argv[1:])
    assert result.exit_code == 0, result.output


# --- gap -----------------------------------------------------------------------------------------


def test_gap_poland_csv_is_share_times_gdp(raw: Raw) -> None:
    out = ok("gap", "POL", "--target", "3.5", "--year", "2025", "--format", "csv")
    assert out.splitlines()[0] == EXPORT_HEADER
    rows = csv_rows(out)
    assert len(rows) == 1
    row = rows[0]
    pct, usd_bn, people = share(raw, "POL", 2025), gdp(raw, "POL", 2025), population(raw, "POL", 2025)
    assert pct is not None
    gap_pp = 3.5 - pct
    gap_bn = gap_pp / 100 * usd_bn
    assert row["iso3"] == "POL"
    assert row["name"] == "Poland"
    assert row["year"] == "2025"
    assert float(row["share_pct"]) == pct
    assert (
        row["share_estimate"] == str(raw_ally(raw, "POL")["years"]["2025"]["shares"][-1]["estimate"]).lower()
    )
    assert float(row["gdp_usd_bn"]) == usd_bn
    assert float(row["spending_usd_bn"]) == pytest.approx(nato(raw, "POL", 2025, "spending_usd_m"), rel=1e-11)
    assert float(row["target_pct"]) == 3.5
    assert float(row["gap_pp"]) == pytest.approx(gap_pp, rel=1e-11)
    assert float(row["gap_usd_bn"]) == pytest.approx(gap_bn, rel=1e-11)
    assert float(row["gap_usd_per_capita"]) == pytest.approx(gap_bn * 1e9 / (people * 1e6), rel=1e-11)
    assert row["meets_target"] == ("true" if pct >= 3.5 else "false")
    assert row["share_source"] == raw_ally(raw, "POL")["years"]["2025"]["shares"][-1]["edition"]
    assert row["gdp_source"] == "nato-2026-07"


def test_gap_with_current_share_says_it_was_supplied(raw: Raw) -> None:
    out = ok("gap", "UK", "--current", "2.3", "--target", "2.5", "--year", "2024")
    assert "United Kingdom (GBR), 2024" in out
    assert "supplied by the user" in out
    assert "2.30% of GDP" in out
    assert "+0.20" in out
    gap_bn = 0.2 / 100 * gdp(raw, "GBR", 2024)
    assert f"+{gap_bn:,.1f}" in out


def test_gap_with_current_share_csv(raw: Raw) -> None:
    out = ok("gap", "UK", "--current", "2.3", "--target", "2.5", "--year", "2024", "-f", "csv")
    (row,) = csv_rows(out)
    assert row["iso3"] == "GBR"
    assert float(row["share_pct"]) == 2.3
    assert row["share_source"] == "user-supplied"
    assert float(row["gap_pp"]) == pytest.approx(0.2, abs=1e-12)
    assert float(row["gap_usd_bn"]) == pytest.approx(0.2 / 100 * gdp(raw, "GBR", 2024), rel=1e-9)
    assert row["meets_target"] == "false"


def test_gap_defaults_to_latest_full_year_and_four_targets(raw: Raw) -> None:
    rows = csv_rows(ok("gap", "Poland", "-f", "csv"))
    year = latest_full_year(raw)
    assert [float(r["target_pct"]) for r in rows] == DEFAULT_TARGETS
    assert {r["year"] for r in rows} == {str(year)}
    pct = share(raw, "POL", year)
    assert pct is not None
    for row in rows:
        assert float(row["gap_pp"]) == pytest.approx(float(row["target_pct"]) - pct, abs=1e-12)
        assert (row["meets_target"] == "true") == (pct >= float(row["target_pct"]))


def test_gap_table_names_ally_year_and_sources(raw: Raw) -> None:
    out = ok("gap", "POL", "--year", "2025")
    assert "Poland (POL), 2025" in out
    source_id = raw_ally(raw, "POL")["years"]["2025"]["shares"][-1]["edition"]
    assert f"[{source_id}]" in out
    for target in ("2%", "2.5%", "3.5%", "5%"):
        assert table_line(out, target)


def test_gap_iceland_has_no_share(raw: Raw) -> None:
    out = ok("gap", "Iceland")
    assert "no armed forces" in out
    assert "n/a" in table_line(out, "2%")
    rows = csv_rows(ok("gap", "ISL", "-f", "csv"))
    assert len(rows) == 4
    for row in rows:
        assert row["share_pct"] == ""
        assert row["gap_pp"] == ""
        assert row["meets_target"] == ""
        assert float(row["gdp_usd_bn"]) == pytest.approx(gdp(raw, "ISL", latest_full_year(raw)), rel=1e-11)


@pytest.mark.parametrize(
    ("spelling", "iso3"),
    [
        ("pol", "POL"),
        ("PL", "POL"),
        ("Poland", "POL"),
        ("UK", "GBR"),
        ("Turkey", "TUR"),
        ("Türkiye", "TUR"),
        ("turkiye", "TUR"),
        ("united states", "USA"),
    ],
)
def test_country_spellings(spelling: str, iso3: str) -> None:
    (row,) = csv_rows(ok("gap", spelling, "-t", "2", "-f", "csv"))
    assert row["iso3"] == iso3


@pytest.mark.parametrize(
    ("text", "share_pct", "target_id"),
    [
        ("2", 2.0, None),
        ("2.5%", 2.5, None),
        ("2,5", 2.5, None),
        ("hague-core", None, "hague-core"),
        ("HAGUE-5PCT", None, "hague-5pct"),
    ],
)
def test_target_spellings(raw: Raw, text: str, share_pct: float | None, target_id: str | None) -> None:
    if target_id is not None:
        share_pct = next(float(t["share_pct"]) for t in raw["targets"] if t["id"] == target_id)
    document = json.loads(ok("gap", "POL", "--target", text, "--format", "json"))
    (target,) = document["metadata"]["targets"]
    assert target["share_pct"] == share_pct
    assert target["id"] == target_id
    (row,) = document["rows"]
    assert row["target_pct"] == share_pct


def test_repeats_of_a_target_are_dropped() -> None:
    rows = csv_rows(ok("gap", "POL", "-t", "2", "-t", "2.0", "-t", "2%", "-f", "csv"))
    assert [float(r["target_pct"]) for r in rows] == [2.0]


def test_same_share_by_number_and_by_id_is_dropped() -> None:
    rows = csv_rows(ok("gap", "POL", "-t", "2", "-t", "nato-2pct", "-f", "csv"))
    assert [float(r["target_pct"]) for r in rows] == [2.0]
    out = ok("compare", "-t", "2", "-t", "nato-2pct")
    assert out.count("Gap 2%") == 1


def test_repeated_targets_keep_their_order() -> None:
    rows = csv_rows(ok("gap", "POL", "-t", "5", "-t", "2", "--target", "3.5", "-f", "csv"))
    assert [float(r["target_pct"]) for r in rows] == [5.0, 2.0, 3.5]


# --- compare -------------------------------------------------------------------------------------


def test_compare_table(raw: Raw) -> None:
    out = ok("compare")
    year = latest_full_year(raw)
    assert str(year) in out[: out.index("Albania")]  # in the title
    names = [a["name"] for a in raw["allies"]]
    assert len(names) == 32
    for name in names:
        table_line(out, name)
    # In alphabetical order, Albania first and the United States last.
    positions = [out.index(table_line(out, name)) for name in sorted(names, key=fold)]
    assert positions == sorted(positions)
    assert "n/a" in table_line(out, "Iceland")
    assert "Iceland: n/a — no armed forces" in out

    nato_share, _ = group_share(raw, year)
    europe_share, _ = group_share(raw, year, frozenset({"USA"}))
    assert table_line(out, "NATO").split()[1] == f"{nato_share:.2f}e"
    assert table_line(out, "Europe and Canada").split()[3] == f"{europe_share:.2f}e"

    counted = [a["iso3"] for a in armed(raw)]
    expected = [
        f"{sum(1 for m in counted if (share(raw, m, year) or 0.0) >= t)} of {len(counted)}"
        for t in DEFAULT_TARGETS
    ]
    meeting = table_line(out, "Allies meeting it")
    assert re.findall(r"\d+ of \d+", meeting) == expected


def test_compare_group_rows_give_net_gap_and_shortfall(raw: Raw) -> None:
    """Each group total is in the CSV (group = true) with its net gap and its shortfall, and in the
    table: the net gap on the group's line, the shortfall on the line below it."""
    year = latest_full_year(raw)
    rows = csv_rows(ok("compare", "-t", "2.5", "-t", "3.5", "-f", "csv"), groups=True)
    assert [(r["name"], r["target"]) for r in rows] == [
        ("NATO", "2.5%"),
        ("NATO", "3.5%"),
        ("Europe and Canada", "2.5%"),
        ("Europe and Canada", "3.5%"),
    ]
    table = ok("compare", "-t", "2.5", "-t", "3.5")
    for row in rows:
        exclude = frozenset({"USA"}) if row["name"] == "Europe and Canada" else frozenset[str]()
        members = [a["iso3"] for a in armed(raw) if a["iso3"] not in exclude]
        target = float(row["target_pct"])
        group_pct, group_gdp = group_share(raw, year, exclude)
        net = (target - group_pct) / 100 * group_gdp
        shortfall = math.fsum(
            (target - pct) / 100 * gdp(raw, m, year)
            for m in members
            if (pct := share(raw, m, year) or 0.0) < target
        )
        assert float(row["gap_usd_bn"]) == pytest.approx(net, rel=1e-9)
        assert float(row["shortfall_usd_bn"]) == pytest.approx(shortfall, rel=1e-9)
        assert row["iso3"] == "" and row["share_source"] == "Σspending/ΣGDP"
    # Europe and Canada, 2.5%: lifting those below costs more than the net gap says.
    europe = next(r for r in rows if r["name"] == "Europe and Canada" and r["target"] == "2.5%")
    net, shortfall = float(europe["gap_usd_bn"]), float(europe["shortfall_usd_bn"])
    assert shortfall > 0 and shortfall > net
    lines = table.splitlines()
    at = lines.index(table_line(table, "Europe and Canada"))
    assert lines[at].split()[5] == f"{'+' if net > 0 else '−'}{abs(net):,.1f}"
    assert lines[at + 1].split() == ["shortfall", f"+{shortfall:,.1f}", lines[at + 1].split()[2]]
    assert "The shortfall under each total is what lifting only its allies" in " ".join(table.split())


def test_compare_json_totals(raw: Raw) -> None:
    year = latest_full_year(raw)
    document = json.loads(ok("compare", "--format", "json"))
    assert document["metadata"]["year"] == year
    totals = {t["name"]: t for t in document["metadata"]["totals"]}
    for name, exclude in (("NATO", frozenset[str]()), ("Europe and Canada", frozenset({"USA"}))):
        expected_share, expected_gdp = group_share(raw, year, exclude)
        total = totals[name]
        assert total["excluded"] == ["ISL"]
        assert set(total["members"]) == {a["iso3"] for a in armed(raw)} - exclude
        assert total["gdp_usd_bn"] == pytest.approx(expected_gdp, rel=1e-11)
        assert total["share_pct"] == pytest.approx(expected_share, rel=1e-11)
        targets = total["targets"]
        assert [t["target_pct"] for t in targets] == DEFAULT_TARGETS
        for entry in targets:
            assert entry["gap_pp"] == pytest.approx(entry["target_pct"] - expected_share, rel=1e-11)
            assert entry["gap_usd_bn"] == pytest.approx(entry["gap_pp"] / 100 * expected_gdp, rel=1e-9)
            members = list(total["members"])
            assert entry["allies_counted"] == len(members)
            assert entry["allies_meeting"] == sum(
                1 for m in members if (share(raw, m, year) or 0.0) >= entry["target_pct"]
            )
            shortfall = math.fsum(
                (entry["target_pct"] - (share(raw, m, year) or 0.0)) / 100 * gdp(raw, m, year)
                for m in members
                if (share(raw, m, year) or 0.0) < entry["target_pct"]
            )
            assert entry["shortfall_usd_bn"] == pytest.approx(shortfall, rel=1e-9, abs=1e-9)


def test_compare_csv_has_every_ally_and_target(raw: Raw) -> None:
    rows = csv_rows(ok("compare", "-f", "csv"))
    assert len(rows) == 32 * 4
    order = list(dict.fromkeys(r["iso3"] for r in rows))
    assert order == [a["iso3"] for a in sorted(raw["allies"], key=lambda a: fold(a["name"]))]


def _compare_order(*options: str) -> list[dict[str, str]]:
    return csv_rows(ok("compare", "--target", "2", "--format", "csv", *options))


def test_compare_sort_by_share(raw: Raw) -> None:
    rows = _compare_order("--sort", "share")
    assert len(rows) == 32
    assert rows[-1]["iso3"] == "ISL"
    shares = [float(r["share_pct"]) for r in rows[:-1]]
    assert shares == sorted(shares, reverse=True)
    assert shares[0] == max(share(raw, a["iso3"], latest_full_year(raw)) or 0.0 for a in armed(raw))


def test_compare_sort_by_gap() -> None:
    rows = _compare_order("--sort", "gap")
    assert rows[-1]["iso3"] == "ISL"
    gaps = [float(r["gap_pp"]) for r in rows[:-1]]
    assert gaps == sorted(gaps, reverse=True)


@pytest.mark.parametrize("spelling", ["name", "NAME", "Name"])
def test_compare_sort_by_name(raw: Raw, spelling: str) -> None:
    rows = _compare_order("--sort", spelling)
    assert [r["name"] for r in rows] == sorted((a["name"] for a in raw["allies"]), key=fold)


def test_compare_only_below(raw: Raw) -> None:
    year = 2025
    rows = csv_rows(ok("compare", "--only-below", "--target", "2.5", "--year", str(year), "-f", "csv"))
    expected = {
        a["iso3"] for a in armed(raw) if (pct := share(raw, a["iso3"], year)) is not None and pct < 2.5
    }
    assert expected  # the filter has something to show...
    assert len(expected) < len(armed(raw))  # ...and something to hide
    assert {r["iso3"] for r in rows} == expected
    assert all(float(r["share_pct"]) < 2.5 for r in rows)
    assert all(r["meets_target"] == "false" for r in rows)


def test_compare_only_below_table_keeps_whole_alliance_totals(raw: Raw) -> None:
    out = ok("compare", "--only-below", "--target", "2.5", "--year", "2025")
    for a in armed(raw):
        pct = share(raw, a["iso3"], 2025)
        assert pct is not None
        listed = re.search(rf"^\s*{re.escape(a['name'])}\s{{2,}}", out, re.MULTILINE) is not None
        assert listed == (pct < 2.5), a["name"]
    nato_share, _ = group_share(raw, 2025)
    assert table_line(out, "NATO").split()[1] == f"{nato_share:.2f}e"


def test_compare_year_2014(raw: Raw) -> None:
    out = ok("compare", "--year", "2014")
    assert "2014" in out[: out.index("Albania")]
    table_line(out, "Poland")
    rows = csv_rows(ok("compare", "--year", "2014", "--target", "2", "-f", "csv"))
    assert len(rows) == 32
    for row in rows:
        assert row["year"] == "2014"
        expected = share(raw, row["iso3"], 2014)
        assert (float(row["share_pct"]) if row["share_pct"] else None) == expected
        assert float(row["gdp_usd_bn"]) == pytest.approx(gdp(raw, row["iso3"], 2014), rel=1e-11)


# --- export --------------------------------------------------------------------------------------


def test_export_csv_default(raw: Raw) -> None:
    out = ok("export")
    lines = out.splitlines()
    assert lines[0] == EXPORT_HEADER
    rows = csv_rows(out)
    assert len(rows) == 32 * 4
    pairs = {(r["iso3"], float(r["target_pct"])) for r in rows}
    assert pairs == {(a["iso3"], t) for a in raw["allies"] for t in DEFAULT_TARGETS}
    year = latest_full_year(raw)
    for row in rows:
        assert row["year"] == str(year)
        pct = share(raw, row["iso3"], year)
        if pct is None:
            assert row["share_pct"] == row["gap_pp"] == row["spending_usd_bn"] == ""
            continue
        usd_bn = gdp(raw, row["iso3"], year)
        assert float(row["share_pct"]) == pct
        assert float(row["spending_usd_bn"]) == pytest.approx(
            nato(raw, row["iso3"], year, "spending_usd_m"), rel=1e-11
        )
        gap_bn = (float(row["target_pct"]) - pct) / 100 * usd_bn
        assert float(row["gap_usd_bn"]) == pytest.approx(gap_bn, rel=1e-9, abs=1e-12)


def test_export_json_metadata(raw: Raw) -> None:
    document = json.loads(ok("export", "--format", "json"))
    metadata = document["metadata"]
    assert metadata["spendcalc_version"] == spendcalc.__version__
    assert metadata["year"] == latest_full_year(raw)
    assert [s["id"] for s in metadata["sources"]] == [s["id"] for s in raw["sources"]]
    assert [t["share_pct"] for t in metadata["targets"]] == DEFAULT_TARGETS
    generated = datetime.fromisoformat(metadata["generated"])
    assert generated.utcoffset() is not None
    assert document["columns"] == EXPORT_HEADER.split(",")
    assert [row["group"] for row in document["rows"]] == [False] * 32 * 4 + [True] * 2 * 4


def test_export_source_date_epoch_is_reproducible() -> None:
    env = {"SOURCE_DATE_EPOCH": "0"}
    first = invoke("export", "--format", "json", env=env)
    second = invoke("export", "--format", "json", env=env)
    assert first.exit_code == second.exit_code == 0
    assert json.loads(first.stdout)["metadata"]["generated"] == "1970-01-01T00:00:00+00:00"
    assert first.stdout_bytes == second.stdout_bytes


def test_export_year_and_targets() -> None:
    rows = csv_rows(ok("export", "--year", "2024", "-t", "hague-core", "-t", "5"))
    assert len(rows) == 32 * 2
    assert {r["year"] for r in rows} == {"2024"}
    assert {float(r["target_pct"]) for r in rows} == {3.5, 5.0}


def test_export_table_format() -> None:
    """Not squeezed to '…' at the default width: the names and sources are readable."""
    out = ok("export", "--format", "table", "-t", "2")
    assert "Scenario grid" in out
    assert "…" not in out
    assert "Poland" in table_line(out, "POL")
    assert "North Macedonia" in table_line(out, "MKD")


# --- countries, targets, sources -----------------------------------------------------------------


def test_countries(raw: Raw) -> None:
    rows = csv_rows(ok("countries", "-f", "csv"))
    assert [r["iso3"] for r in rows] == [a["iso3"] for a in raw["allies"]]
    by_iso3 = {r["iso3"]: r for r in rows}
    assert "UK" in by_iso3["GBR"]["aliases"].split("; ")
    assert by_iso3["ISL"]["share_years"] == "n/a — no armed forces"
    years = share_years(raw)
    assert years == list(range(years[0], years[-1] + 1))
    assert by_iso3["POL"]["share_years"] == f"{years[0]}–{years[-1]}"
    out = ok("countries")
    assert "Türkiye" in table_line(out, "TUR")


def test_targets(raw: Raw) -> None:
    rows = csv_rows(ok("targets", "-f", "csv"))
    assert [(r["id"], float(r["share_pct"])) for r in rows] == [
        (t["id"], float(t["share_pct"])) for t in raw["targets"]
    ]
    out = ok("targets")
    for target in raw["targets"]:
        assert target["id"] in out


def test_sources(raw: Raw) -> None:
    document = json.loads(ok("sources", "-f", "json"))
    assert [(r["id"], r["publisher"]) for r in document["rows"]] == [
        (s["id"], s["publisher"]) for s in raw["sources"]
    ]
    out = ok("sources")
    for source in raw["sources"]:
        assert source["id"] in out


# --- formats and --output on every command --------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("output_format", ["table", "csv", "json"])
def test_every_format_and_output_file(command: str, output_format: str, tmp_path: Path) -> None:
    env = {"SOURCE_DATE_EPOCH": "0"}  # so that the JSON of two runs can be compared
    args = [*COMMAND_ARGS[command], "--format", output_format]
    printed = ok(*args, env=env)
    assert printed.strip()
    if output_format == "csv":
        header = printed.splitlines()[0]
        assert len(csv_rows(printed)) >= (3 if command == "revisions" else 4)  # one row per edition
        if command in ("gap", "export"):
            assert header == EXPORT_HEADER
    elif output_format == "json":
        document = json.loads(printed)
        assert set(document) >= {"title", "metadata", "notes", "columns", "rows"}
        assert document["rows"]

    path = tmp_path / f"out.{output_format}"
    result = invoke(*args, "--output", str(path), env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"wrote {path}\n"
    assert path.read_text(encoding="utf-8") == printed
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_output_dash_is_stdout() -> None:
    printed = ok("targets", "-f", "csv")
    assert ok("targets", "-f", "csv", "--output", "-") == printed
    assert ok("targets", "-f", "csv", "-o", "-") == printed


def test_short_options(tmp_path: Path) -> None:
    path = tmp_path / "gap.csv"
    result = invoke("gap", "POL", "-t", "2", "-y", "2024", "-f", "csv", "-o", str(path))
    assert result.exit_code == 0, result.output
    (row,) = csv_rows(path.read_text(encoding="utf-8"))
    assert (row["year"], row["target_pct"]) == ("2024", "2.0")


# --- another dataset -----------------------------------------------------------------------------


def _modified_dataset(tmp_path: Path, pct: float, name: str = "modified.json") -> Path:
    data = load_raw()
    raw_ally(data, "POL")["years"]["2025"]["shares"][-1]["pct"] = pct
    return write_copy(data, tmp_path / name)


def test_data_option_selects_dataset(tmp_path: Path) -> None:
    path = _modified_dataset(tmp_path, 9.87)
    (row,) = csv_rows(ok("--data", str(path), "gap", "POL", "-t", "2", "--year", "2025", "-f", "csv"))
    assert float(row["share_pct"]) == 9.87
    assert float(row["gap_pp"]) == pytest.approx(2 - 9.87)
    out = ok("--data", str(path), "compare", "--year", "2025")
    assert "9.87" in table_line(out, "Poland")


def test_data_environment_variable_selects_dataset(tmp_path: Path) -> None:
    path = _modified_dataset(tmp_path, 7.65)
    env = {"SPENDCALC_DATA": str(path)}
    (row,) = csv_rows(ok("gap", "POL", "-t", "2", "--year", "2025", "-f", "csv", env=env))
    assert float(row["share_pct"]) == 7.65


def test_data_option_beats_environment_variable(tmp_path: Path) -> None:
    from_env = _modified_dataset(tmp_path, 7.65, "env.json")
    from_option = _modified_dataset(tmp_path, 6.54, "option.json")
    args = ("--data", str(from_option), "gap", "POL", "-t", "2", "--year", "2025", "-f", "csv")
    (row,) = csv_rows(ok(*args, env={"SPENDCALC_DATA": str(from_env)}))
    assert float(row["share_pct"]) == 6.54


def test_bundled_dataset_is_data_allies_json(raw: Raw) -> None:
    """Without --data, the figures are those of data/allies.json."""
    (row,) = csv_rows(ok("gap", "POL", "-t", "2", "--year", "2025", "-f", "csv"))
    assert float(row["share_pct"]) == share(raw, "POL", 2025)
