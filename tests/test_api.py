"""The documented Python API: `from spendcalc import load_dataset, gap, compare`.

The results must be the very figures the command line prints; expectations are also computed here from
data/allies.json, independently of spendcalc's own code.
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.resources
import io
import json
import math
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import spendcalc
from spendcalc import __version__, compare, gap, load_dataset
from spendcalc import core as core_module
from spendcalc.cli.app import app
from spendcalc.data.schema import Dataset
from spendcalc.errors import SpendcalcError, UsageError

ROOT = Path(__file__).resolve().parents[1]
DATA_FILE = ROOT / "data" / "allies.json"
RAW: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
API = {"__version__", "compare", "gap", "load_dataset"}


@pytest.fixture(scope="module")
def data() -> Dataset:
    return load_dataset()


def raw_ally(iso3: str) -> dict[str, Any]:
    found: dict[str, Any] = next(a for a in RAW["allies"] if a["iso3"] == iso3)
    return found


LATEST_EDITION = next(e["id"] for e in RAW["editions"] if e["latest"])


def raw_share(iso3: str, year: int) -> float | None:
    """The latest edition's share, read from the JSON independently of spendcalc."""
    shares = (raw_ally(iso3)["years"].get(str(year)) or {}).get("shares", [])
    share = next((s for s in shares if s["edition"] == LATEST_EDITION), None)
    return None if share is None else float(share["pct"])


def raw_nato(code: str, year: int, metric: str) -> float:
    """A value of NATO's own tables in the JSON, in US$ bn for money (NATO prints millions)."""
    table = next(t for t in RAW["nato_tables"] if t["metric"] == metric)
    return float(table["values"][code][year - table["first_year"]]) / 1000


def raw_gdp(iso3: str, year: int) -> float:
    """GDP as a gap uses it: NATO's own in its tables' years (2014-2026), current US$."""
    return raw_nato(iso3, year, "gdp_usd_m")


def cli(*args: str) -> str:
    result = CliRunner().invoke(
        app, list(args), env={"SPENDCALC_DATA": None, "COLUMNS": None, "SOURCE_DATE_EPOCH": "0"}
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --- what the package exports ----------------------------------------------------------------------


def test_all_lists_exactly_the_api() -> None:
    assert set(spendcalc.__all__) == API
    assert len(spendcalc.__all__) == len(API)
    namespace: dict[str, Any] = {}
    exec("from spendcalc import *", namespace)
    assert set(namespace) - {"__builtins__"} == API


def test_api_names_are_the_core_functions() -> None:
    assert spendcalc.gap is core_module.gap
    assert spendcalc.compare is core_module.compare
    assert callable(spendcalc.load_dataset)
    with pytest.raises(AttributeError):
        _ = spendcalc.no_such_thing


def test_version_is_the_installed_version() -> None:
    assert __version__ == importlib.metadata.version("spendcalc")
    assert cli("--version").strip() == f"spendcalc {__version__}"


def test_py_typed_ships() -> None:
    assert (ROOT / "src" / "spendcalc" / "py.typed").is_file()
    assert importlib.resources.files("spendcalc").joinpath("py.typed").is_file()


def test_import_alone_does_not_import_pydantic() -> None:
    code = (
        "import sys\n"
        "import spendcalc\n"
        "assert spendcalc.__version__\n"
        "print(sorted(m for m in ('pydantic', 'rich', 'typer') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert "pydantic" not in result.stdout
    assert result.stdout.strip() == "[]"


# --- load_dataset ----------------------------------------------------------------------------------


def test_load_dataset_bundled_equals_file(data: Dataset) -> None:
    assert isinstance(data, Dataset)
    assert load_dataset(str(DATA_FILE)) == data
    assert load_dataset(DATA_FILE) == data
    assert [a.iso3 for a in data.allies] == [a["iso3"] for a in RAW["allies"]]


def test_load_dataset_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpendcalcError, match="no such data file"):
        load_dataset(tmp_path / "none.json")


# --- gap -------------------------------------------------------------------------------------------


def test_gap_returns_ally_gaps_with_the_cli_figures(data: Dataset) -> None:
    result = gap(data, "POL", ["3.5"], year=2025)
    assert isinstance(result, core_module.AllyGaps)
    assert result.ally.iso3 == "POL"
    assert result.year == 2025
    assert len(result.rows) == 1
    row = list(csv.DictReader(io.StringIO(cli("gap", "POL", "-t", "3.5", "-y", "2025", "-f", "csv"))))
    assert len(row) == 1
    printed = row[0]

    # The CLI prints the API's value to 12 significant digits (no float noise): the same figure.
    def exported(value: float | None) -> str:
        assert value is not None
        return repr(float(f"{value:.12g}"))

    assert exported(result.rows[0].gap_usd_bn) == printed["gap_usd_bn"]
    assert exported(result.rows[0].gap_pp) == printed["gap_pp"]
    assert exported(result.rows[0].gap_usd_per_capita) == printed["gap_usd_per_capita"]
    assert exported(result.spending_usd_bn) == printed["spending_usd_bn"]


def test_gap_figures_from_the_data(data: Dataset) -> None:
    result = gap(data, "Poland", ["3.5", "5"])
    assert result.year == 2026
    share, gdp_bn = raw_share("POL", 2026), raw_gdp("POL", 2026)
    assert share is not None
    assert result.share is not None
    assert result.share.pct == share == 4.68
    assert result.share.estimate is True
    assert result.share.source == "nato-2026-07"
    assert [r.target.share_pct for r in result.rows] == [3.5, 5.0]
    assert result.rows[0].gap_usd_bn == pytest.approx((3.5 - share) / 100 * gdp_bn, rel=1e-12)
    assert result.rows[1].gap_usd_bn == pytest.approx((5.0 - share) / 100 * gdp_bn, rel=1e-12)
    assert [r.meets for r in result.rows] == [True, False]


def test_gap_defaults_and_options(data: Dataset) -> None:
    default = gap(data, "pl")
    assert [r.target.share_pct for r in default.rows] == [2.0, 2.5, 3.5, 5.0]
    what_if = gap(data, "GBR", ["2.5"], year=2024, current_pct=2.3)
    assert what_if.year == 2024
    assert what_if.share is not None
    assert what_if.share.pct == 2.3
    assert what_if.share.user_supplied
    assert what_if.rows[0].gap_pp == pytest.approx(0.2)
    swept = gap(data, "POL", ["1:3:1"])
    assert [r.target.share_pct for r in swept.rows] == [1.0, 2.0, 3.0]


def test_gap_iceland_has_no_rows(data: Dataset) -> None:
    result = gap(data, "ISL", ["2"])
    assert result.status is core_module.Status.NO_ARMED_FORCES
    assert result.share is None
    assert result.rows == ()
    assert result.spending_usd_bn is None


def test_gap_unknown_country(data: Dataset) -> None:
    with pytest.raises(SpendcalcError, match="Atlantis") as caught:
        gap(data, "Atlantis")
    assert not isinstance(caught.value, UsageError)


def test_gap_bad_target_names_the_option(data: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        gap(data, "POL", ["abc"])
    assert caught.value.option == "--target"
    assert isinstance(caught.value, SpendcalcError)


@pytest.mark.parametrize("target", ["0", "-1", "101", "nan", "inf", "equipment-20pct", "1:2"])
def test_gap_impossible_targets(data: Dataset, target: str) -> None:
    with pytest.raises(UsageError) as caught:
        gap(data, "POL", [target])
    assert caught.value.option == "--target"


def test_gap_year_without_data(data: Dataset) -> None:
    with pytest.raises(SpendcalcError, match="2014"):
        gap(data, "POL", year=1990)


# --- compare ---------------------------------------------------------------------------------------


def test_compare_totals_match_the_cli_json(data: Dataset) -> None:
    result = compare(data, ["2"], 2024)
    assert isinstance(result, core_module.Comparison)
    assert result.year == 2024
    assert [t.share_pct for t in result.targets] == [2.0]
    metadata = json.loads(cli("compare", "-t", "2", "--year", "2024", "-f", "json"))["metadata"]
    printed = {t["name"]: t for t in metadata["totals"]}
    assert result.totals[0].name == "NATO"
    assert result.totals[0].share_pct == printed["NATO"]["share_pct"]
    assert result.totals[1].share_pct == printed[result.totals[1].name]["share_pct"]
    assert result.totals[0].spending_usd_bn == printed["NATO"]["spending_usd_bn"]


def test_compare_nato_share_from_the_data(data: Dataset) -> None:
    result = compare(data, ["2"], 2024)
    counted = [a["iso3"] for a in RAW["allies"] if raw_share(a["iso3"], 2024) is not None]
    # NATO's way: Σ constant-2021 spending / Σ constant-2021 GDP, its GDP total counting Iceland's.
    spending = math.fsum(raw_nato(c, 2024, "spending_usd_2021_m") for c in counted)
    gdp_total = raw_nato("NATO_TOTAL", 2024, "gdp_usd_2021_m")
    assert result.totals[0].share_pct == pytest.approx(spending / gdp_total * 100, rel=1e-12)
    assert round(result.totals[0].share_pct, 2) == 2.65  # as NATO prints it
    current = math.fsum(raw_nato(c, 2024, "spending_usd_m") for c in counted)
    assert result.totals[0].spending_usd_bn == pytest.approx(current, rel=1e-12)


def test_compare_defaults(data: Dataset) -> None:
    result = compare(data)
    assert result.year == 2026
    assert [t.share_pct for t in result.targets] == [2.0, 2.5, 3.5, 5.0]
    assert len(result.allies) == 32
    assert [g.ally.name for g in result.allies] == sorted((a["name"] for a in RAW["allies"]), key=fold)


def test_compare_sort_gap_puts_the_lowest_share_first(data: Dataset) -> None:
    result = compare(data, ["2", "hague-core"], year=2024, sort="gap")
    with_share = [a for a in RAW["allies"] if raw_share(a["iso3"], 2024) is not None]
    expected = [
        a["iso3"] for a in sorted(with_share, key=lambda a: (raw_share(a["iso3"], 2024), fold(a["name"])))
    ]
    assert [g.ally.iso3 for g in result.allies] == [*expected, "ISL"]
    assert result.targets[1].id == "hague-core"
    by_enum = compare(data, ["2"], 2024, core_module.SortKey.GAP)
    assert [g.ally.iso3 for g in by_enum.allies] == [g.ally.iso3 for g in result.allies]


def test_compare_sort_share_puts_the_highest_share_first(data: Dataset) -> None:
    result = compare(data, ["2"], 2024, "share")
    shares = [g.share.pct for g in result.allies if g.share is not None]
    assert shares == sorted(shares, reverse=True)
    assert result.allies[-1].ally.iso3 == "ISL"


def test_compare_only_below(data: Dataset) -> None:
    result = compare(data, ["2", "3.5"], 2024, only_below=True)
    expected = {a["iso3"] for a in RAW["allies"] if (s := raw_share(a["iso3"], 2024)) is not None and s < 2}
    assert expected  # 2024 has allies below 2%
    assert {g.ally.iso3 for g in result.allies} == expected
    assert len(result.totals[0].members) == 31  # totals stay over every ally


def test_compare_errors(data: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        compare(data, ["abc"])
    assert caught.value.option == "--target"
    with pytest.raises(SpendcalcError, match="years with data"):
        compare(data, year=2050)


# --- what a caller may pass by mistake ------------------------------------------------------------


@pytest.mark.parametrize("targets", ["25", "2.5", 25, 2.5])
def test_one_target_as_a_string_or_number_is_one_target(data: Dataset, targets: str | float) -> None:
    """Not iterated: "25" is 25%, never the targets 2% and 5%."""
    result = gap(data, "POL", targets)
    assert [r.target.share_pct for r in result.rows] == [float(targets)]
    assert [t.share_pct for t in compare(data, targets, 2024).targets] == [float(targets)]


def test_none_targets_are_the_default_targets(data: Dataset) -> None:
    assert gap(data, "POL", None) == gap(data, "POL")
    assert compare(data, None) == compare(data)


def test_targets_of_a_wrong_type_are_a_usage_error(data: Dataset) -> None:
    with pytest.raises(UsageError, match="targets must be a list of shares or ids"):
        gap(data, "POL", object())  # type: ignore[arg-type]


@pytest.mark.parametrize("country", [None, 616, ["POL"]])
def test_country_that_is_not_text_is_a_clear_error(data: Dataset, country: Any) -> None:
    with pytest.raises(SpendcalcError, match=r"country must be given as text, e\.g\. 'POL'"):
        gap(data, country)


@pytest.mark.parametrize("year", ["2024", " 2024 "])
def test_year_as_digits_is_the_year(data: Dataset, year: str) -> None:
    assert gap(data, "POL", ["2"], year=year) == gap(data, "POL", ["2"], year=2024)
    assert compare(data, ["2"], year) == compare(data, ["2"], 2024)


@pytest.mark.parametrize("year", ["20x4", "", "2024.0", 2024.0, True])
def test_year_that_is_not_a_whole_number_is_a_usage_error(data: Dataset, year: Any) -> None:
    with pytest.raises(UsageError, match="is not a whole number such as 2024") as caught:
        gap(data, "POL", year=year)
    assert caught.value.option == "--year"
    with pytest.raises(UsageError, match="is not a whole number"):
        compare(data, year=year)


# --- immutability ----------------------------------------------------------------------------------


def test_results_are_immutable(data: Dataset) -> None:
    one = gap(data, "POL", ["3.5"])
    every = compare(data, ["2"], 2024)
    with pytest.raises(AttributeError):
        one.year = 2000  # type: ignore[misc]
    with pytest.raises(AttributeError):
        one.rows[0].gap_usd_bn = 0.0  # type: ignore[misc]
    assert one.share is not None
    with pytest.raises(AttributeError):
        one.share.pct = 0.0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        every.totals[0].gdp_usd_bn = 0.0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        every.year = 2000  # type: ignore[misc]
    with pytest.raises(TypeError):
        every.allies[0] = one  # type: ignore[index]
    # The dataset objects inside (pydantic, frozen) refuse changes too; the loaded data stays as it was.
    with pytest.raises(ValueError, match="frozen"):
        one.ally.name = "Atlantis"
    assert gap(data, "POL", ["3.5"]) == one
