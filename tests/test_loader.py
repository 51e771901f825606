"""Reading and validating dataset files: every bad file is a SpendcalcError with a clear message."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from spendcalc.data import load as loader
from spendcalc.data.schema import Dataset
from spendcalc.errors import SpendcalcError

WriteDataset = Callable[[dict[str, Any]], Path]


def load_error(path: Path) -> SpendcalcError:
    with pytest.raises(SpendcalcError) as caught:
        loader.load_dataset(path)
    return caught.value


def invalid(write_dataset: WriteDataset, data: dict[str, Any]) -> SpendcalcError:
    path = write_dataset(data)
    error = load_error(path)
    assert error.message == f"{path}: invalid dataset ({len(error.details)} problem(s))"
    assert error.details
    return error


# --- valid files ---------------------------------------------------------------------------------


def test_bundled_dataset_loads(dataset: Dataset) -> None:
    assert dataset.schema_version == 2
    assert len(dataset.allies) == 32
    assert {a.iso3 for a in dataset.allies} >= {"POL", "USA", "ISL", "TUR", "GBR"}
    assert dataset.sources
    assert {t.id for t in dataset.targets} >= {"nato-2pct", "hague-core", "hague-5pct"}


def test_bundled_dataset_equals_repository_file(dataset: Dataset) -> None:
    repository_file = Path(__file__).resolve().parents[1] / "data" / "allies.json"
    assert loader.load_dataset(repository_file) == dataset
    assert loader.load_dataset(str(repository_file)) == dataset


def test_tiny_dataset_loads(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    data = loader.load_dataset(write_dataset(tiny_dataset_dict))
    assert [a.iso3 for a in data.allies] == ["ALP", "BET", "ICE"]
    alpha = data.allies[0]
    assert alpha.share_years == (2024, 2025)
    share = alpha.share(2024)
    assert share is not None
    assert share.pct == 1.5
    assert data.allies[2].share_years == ()
    assert data.source("src-gdp").publisher == "Test Fund"


def test_dataset_is_immutable(dataset: Dataset) -> None:
    field = "name"
    with pytest.raises(ValueError, match="frozen"):
        setattr(dataset.allies[0], field, "Renamed")


# --- validation: `loc: msg` lines ----------------------------------------------------------------


def test_share_above_100(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    tiny_dataset_dict["allies"][1]["years"]["2024"]["shares"][-1]["pct"] = 101
    error = invalid(write_dataset, tiny_dataset_dict)
    assert error.details == ("allies[1].years.2024.shares[0].pct: must be ≤ 100",)


def test_several_problems_are_all_listed(
    write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]
) -> None:
    tiny_dataset_dict["allies"][0]["years"]["2025"]["shares"][-1]["pct"] = -0.5
    tiny_dataset_dict["allies"][1]["years"]["2024"]["gdp"]["usd_bn"] = 0
    error = invalid(write_dataset, tiny_dataset_dict)
    assert set(error.details) == {
        "allies[0].years.2025.shares[0].pct: must be ≥ 0",
        "allies[1].years.2024.gdp.usd_bn: must be > 0",
    }
    assert "(2 problem(s))" in error.message


def test_unknown_field(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    tiny_dataset_dict["allies"][2]["colour"] = "blue"
    tiny_dataset_dict["allies"][0]["years"]["2024"]["gdp"]["usd"] = 1.0
    tiny_dataset_dict["extra"] = 1
    error = invalid(write_dataset, tiny_dataset_dict)
    assert set(error.details) == {
        "allies[2].colour: unknown field",
        "allies[0].years.2024.gdp.usd: unknown field",
        "extra: unknown field",
    }


def test_missing_field(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    del tiny_dataset_dict["allies"][1]["name"]
    error = invalid(write_dataset, tiny_dataset_dict)
    assert error.details == ("allies[1].name: required field is missing",)


def test_unknown_source_id(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    tiny_dataset_dict["allies"][1]["years"]["2025"]["gdp"]["source"] = "nowhere"
    error = invalid(write_dataset, tiny_dataset_dict)
    assert error.details == ("allies[1].years.2025.gdp.source: unknown source id 'nowhere'",)


def test_unknown_source_id_in_exchange_rates(
    write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]
) -> None:
    tiny_dataset_dict["eur_per_usd"] = {"2024": {"per_usd": 0.92, "source": "nowhere"}}
    error = invalid(write_dataset, tiny_dataset_dict)
    assert error.details == ("eur_per_usd.2024.source: unknown source id 'nowhere'",)


def test_pledge_for_unknown_ally(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    tiny_dataset_dict["pledges"] = [
        {
            "iso3": "ZZZ",
            "announced": "2025-02",
            "share_pct": 3.0,
            "by_year": 2030,
            "measure": "national measure",
            "nato_definition": False,
            "status": "plan",
        }
    ]
    error = invalid(write_dataset, tiny_dataset_dict)
    assert error.details == ("pledges[0].iso3: 'ZZZ' is not an ally in this dataset",)


def test_duplicate_iso3(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    tiny_dataset_dict["allies"][1]["iso3"] = "ALP"
    error = invalid(write_dataset, tiny_dataset_dict)
    assert error.details == ("allies: duplicate ISO3 code 'ALP'",)


def test_duplicate_name_ignores_case(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    tiny_dataset_dict["allies"][1]["name"] = "ALPHALAND"
    error = invalid(write_dataset, tiny_dataset_dict)
    assert error.details == ("allies: duplicate name 'alphaland'",)


def test_duplicate_source_id(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    tiny_dataset_dict["sources"][1]["id"] = "src-share"
    error = invalid(write_dataset, tiny_dataset_dict)
    assert any(line.startswith("sources: duplicate source id 'src-share'") for line in error.details)


def test_negative_gdp(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    tiny_dataset_dict["allies"][0]["years"]["2025"]["gdp"]["usd_bn"] = -3.5
    error = invalid(write_dataset, tiny_dataset_dict)
    assert error.details == ("allies[0].years.2025.gdp.usd_bn: must be > 0",)


def test_year_key_not_a_number(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    years = tiny_dataset_dict["allies"][1]["years"]
    years["abc"] = years.pop("2025")
    error = invalid(write_dataset, tiny_dataset_dict)
    assert len(error.details) == 1
    assert error.details == ("allies[1].years: year 'abc' must be written as four digits, e.g. 2024",)


@pytest.mark.parametrize("key", ["02025", " 2025", "2_025", "+2025"])
def test_year_key_in_another_spelling_is_refused(
    write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any], key: str
) -> None:
    # Each would otherwise become 2025 and silently replace the real 2025.
    years = tiny_dataset_dict["allies"][1]["years"]
    years[key] = years["2025"]
    error = invalid(write_dataset, tiny_dataset_dict)
    assert error.details == (f"allies[1].years: year {key!r} must be written as four digits, e.g. 2024",)


def test_year_out_of_range(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    years = tiny_dataset_dict["allies"][1]["years"]
    years["1800"] = years.pop("2025")
    error = invalid(write_dataset, tiny_dataset_dict)
    assert len(error.details) == 1
    assert error.details[0].startswith("allies[1].years.1800")
    assert "must be ≥ 1900" in error.details[0]


def test_share_for_ally_without_armed_forces(
    write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]
) -> None:
    share = dict(tiny_dataset_dict["allies"][0]["years"]["2024"]["shares"][-1])
    tiny_dataset_dict["allies"][2]["years"]["2024"]["shares"] = [share]
    error = invalid(write_dataset, tiny_dataset_dict)
    assert error.details == ("allies[2]: an ally without armed forces cannot have a defence share",)


def test_strict_types(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    """A number in a string, or 1 for a boolean, is not silently coerced."""
    tiny_dataset_dict["allies"][0]["years"]["2024"]["shares"][-1]["pct"] = "1.5"
    tiny_dataset_dict["allies"][0]["years"]["2024"]["shares"][-1]["estimate"] = 1
    error = invalid(write_dataset, tiny_dataset_dict)
    locations = sorted(line.split(": ", 1)[0] for line in error.details)
    assert locations == ["allies[0].years.2024.shares[0].estimate", "allies[0].years.2024.shares[0].pct"]


@pytest.mark.parametrize(
    ("field", "value", "line"),
    [
        ("iso3", "pol", "allies[0].iso3: "),
        ("iso2", "PLN", "allies[0].iso2: "),
        ("currency", "zł", "allies[0].currency: "),
        ("has_armed_forces", "yes", "allies[0].has_armed_forces: "),
    ],
)
def test_bad_ally_fields(
    write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any], field: str, value: object, line: str
) -> None:
    tiny_dataset_dict["allies"][0][field] = value
    error = invalid(write_dataset, tiny_dataset_dict)
    assert len(error.details) == 1
    assert error.details[0].startswith(line)


def test_wrong_schema_version(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    tiny_dataset_dict["schema_version"] = 3
    error = invalid(write_dataset, tiny_dataset_dict)
    assert len(error.details) == 1
    assert error.details[0].startswith("schema_version: ")


def test_no_allies(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    tiny_dataset_dict["allies"] = []
    error = invalid(write_dataset, tiny_dataset_dict)
    assert len(error.details) == 1
    assert error.details[0].startswith("allies: ")


def test_top_level_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[1, 2]", encoding="utf-8")
    error = load_error(path)
    assert "invalid dataset" in error.message
    assert error.details and error.details[0].startswith("(top level): ")


# --- files ---------------------------------------------------------------------------------------


def write_bytes(tmp_path: Path, raw: bytes) -> Path:
    path = tmp_path / "data.json"
    path.write_bytes(raw)
    return path


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    error = load_error(path)
    assert error.message == f"{path}: no such data file"


def test_directory(tmp_path: Path) -> None:
    error = load_error(tmp_path)
    assert error.message == f"{tmp_path}: is a directory, not a data file"


@pytest.mark.parametrize("raw", [b"", b"   \n\t\n"])
def test_empty_file(tmp_path: Path, raw: bytes) -> None:
    path = write_bytes(tmp_path, raw)
    assert load_error(path).message == f"{path}: data file is empty"


@pytest.mark.parametrize(
    ("raw", "lines"),
    [(b"{", (1,)), (b'{\n "a": 1,\n}', (2, 3)), (b"allies", (1,))],
)
def test_not_json(tmp_path: Path, raw: bytes, lines: tuple[int, ...]) -> None:
    """The message gives the position the json module reports, which moved between Python versions (3.13
    reports a trailing comma at the comma, 3.12 and earlier at the brace): not hard-coded."""
    path = write_bytes(tmp_path, raw)
    message = load_error(path).message
    assert message.startswith(f"{path}: not valid JSON: ")
    with pytest.raises(json.JSONDecodeError) as python:
        json.loads(raw)
    assert message.endswith(f" (line {python.value.lineno}, column {python.value.colno})")
    assert python.value.lineno in lines


def test_not_utf8(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b'{"name": "Espa\xf1a"}')  # Latin-1 ñ
    assert load_error(path).message == f"{path}: not UTF-8 text (invalid byte at offset 14)"


@pytest.mark.parametrize("bom", [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])
def test_byte_order_mark(tmp_path: Path, tiny_dataset_dict: dict[str, Any], bom: bytes) -> None:
    path = write_bytes(tmp_path, bom + json.dumps(tiny_dataset_dict).encode())
    message = load_error(path).message
    assert message.startswith(f"{path}: data file starts with a byte-order mark")
    assert "UTF-8 without BOM" in message


def test_duplicate_json_keys(tmp_path: Path, tiny_dataset_dict: dict[str, Any]) -> None:
    text = json.dumps(tiny_dataset_dict)
    # The second "pct" would silently win in most JSON parsers.
    text = text.replace('"pct": 1.5,', '"pct": 1.5, "pct": 99.0,', 1)
    path = write_bytes(tmp_path, text.encode())
    assert load_error(path).message == f"{path}: duplicate key 'pct' in a JSON object"


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_literal(tmp_path: Path, tiny_dataset_dict: dict[str, Any], literal: str) -> None:
    text = json.dumps(tiny_dataset_dict).replace('"pct": 1.5,', f'"pct": {literal},', 1)
    assert literal in text
    path = write_bytes(tmp_path, text.encode())
    assert load_error(path).message == f"{path}: {literal} is not a number JSON allows"


def test_deeply_nested(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"[" * 200_000 + b"]" * 200_000)
    assert load_error(path).message == f"{path}: JSON is nested too deeply"


def test_too_large(
    monkeypatch: pytest.MonkeyPatch, write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]
) -> None:
    path = write_dataset(tiny_dataset_dict)
    size = loader.significant_bytes(path.read_bytes())  # the limit leaves out whitespace
    monkeypatch.setattr(loader, "MAX_DATA_BYTES", size)
    assert loader.load_dataset(path).allies[0].iso3 == "ALP"  # exactly at the limit is fine
    monkeypatch.setattr(loader, "MAX_DATA_BYTES", size - 1)
    message = load_error(path).message
    assert message.startswith(f"{path}: data file is larger than the ")
    assert "limit" in message


def test_too_large_message_names_the_limit_in_megabytes(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as handle:
        handle.truncate(loader.MAX_DATA_BYTES + 1)  # sparse: no real 10 MB write
    assert load_error(path).message == f"{path}: data file is larger than the 10 MB limit"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    path = write_dataset(tiny_dataset_dict)
    path.chmod(0)
    try:
        message = load_error(path).message
    finally:
        path.chmod(0o644)
    assert message.startswith(f"{path}: cannot read data file (")


def test_read_error_is_reported(
    monkeypatch: pytest.MonkeyPatch, write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]
) -> None:
    path = write_dataset(tiny_dataset_dict)

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    assert load_error(path).message == f"{path}: cannot read data file (Permission denied)"


def test_parse_dataset_names_the_input() -> None:
    with pytest.raises(SpendcalcError, match=r"^<stdin>: data file is empty$"):
        loader.parse_dataset(b"", "<stdin>")


def test_validation_lines_format_numbers_compactly(
    write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]
) -> None:
    tiny_dataset_dict["allies"][0]["years"]["2024"]["shares"][-1]["precision"] = 1.5
    error = invalid(write_dataset, tiny_dataset_dict)
    assert error.details == ("allies[0].years.2024.shares[0].precision: must be ≤ 1",)


# --- editions ------------------------------------------------------------------------------------


def test_version_1_file_is_told_what_to_do(
    write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]
) -> None:
    tiny_dataset_dict["schema_version"] = 1
    with pytest.raises(SpendcalcError) as caught:
        loader.load_dataset(write_dataset(tiny_dataset_dict))
    assert "schema version 1" in caught.value.message
    assert "this spendcalc reads version 2: start from `spendcalc dataset`" in caught.value.message
    assert caught.value.details == ()


def test_share_of_an_unknown_edition(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    tiny_dataset_dict["allies"][0]["years"]["2024"]["shares"][0]["edition"] = "nowhere"
    error = invalid(write_dataset, tiny_dataset_dict)
    assert error.details == ("allies[0].years.2024.shares[0].edition: unknown edition 'nowhere'",)


def test_share_outside_its_editions_years(
    write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]
) -> None:
    tiny_dataset_dict["editions"][0]["last_year"] = 2024
    error = invalid(write_dataset, tiny_dataset_dict)
    assert error.details[0] == "allies[0].years.2025.shares[0].edition: 'src-share' does not cover 2025"


def test_two_shares_of_one_edition_in_a_year(
    write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]
) -> None:
    shares = tiny_dataset_dict["allies"][0]["years"]["2024"]["shares"]
    shares.append(dict(shares[0], pct=1.6))
    error = invalid(write_dataset, tiny_dataset_dict)
    assert error.details == ("allies[0]: years.2024.shares: edition 'src-share' appears twice",)


def test_exactly_one_latest_edition(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    tiny_dataset_dict["editions"][0]["latest"] = False
    error = invalid(write_dataset, tiny_dataset_dict)
    assert error.details == ("editions: exactly one edition must be the latest, not 0",)


def test_edition_must_match_its_source(
    write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]
) -> None:
    tiny_dataset_dict["editions"][0]["published"] = "2025-09-01"
    error = invalid(write_dataset, tiny_dataset_dict)
    assert error.details == (
        "editions: 'src-share' needs a source of the same id, title, publisher and date",
    )


def test_tiny_dataset_defaults_to_its_only_edition(
    write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]
) -> None:
    data = loader.load_dataset(write_dataset(tiny_dataset_dict))
    assert data.edition.id == "src-share"
    assert data.for_edition("src-share") is data
    assert data.nato_tables == ()
    assert data.nato_figure("ALP", 2024, "spending_usd_m") is None


def _nato_table(**changes: Any) -> dict[str, Any]:
    table: dict[str, Any] = {
        "edition": "src-share",
        "metric": "spending_usd_m",
        "unit": "million US$, current prices",
        "table": "Table 2",
        "first_year": 2024,
        "estimate_years": [2025],
        "values": {"ALP": [3000.0, 5500.0], "BET": [1500.0, None], "NATO_TOTAL": [4500.0, None]},
    }
    return table | changes


def test_nato_tables_load_and_read(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    tiny_dataset_dict["nato_tables"] = [_nato_table()]
    data = loader.load_dataset(write_dataset(tiny_dataset_dict))
    assert data.nato_figure("ALP", 2025, "spending_usd_m") == 5500.0
    assert data.nato_figure("BET", 2025, "spending_usd_m") is None  # null stays missing
    assert data.nato_figure("NATO_TOTAL", 2024, "spending_usd_m") == 4500.0
    assert data.nato_figure("ALP", 2023, "spending_usd_m") is None  # before the table
    assert data.nato_figure("ALP", 2024, "gdp_usd_m") is None  # no such table


@pytest.mark.parametrize(
    ("table", "line"),
    [
        (_nato_table(edition="nowhere"), "nato_tables[0].edition: unknown edition 'nowhere'"),
        (_nato_table(first_year=2025), "nato_tables[0].edition: 'src-share' does not cover 2025-2026"),
        (
            _nato_table(values={"ALP": [1.0, 2.0], "BET": [1.0]}),
            "nato_tables[0].values: rows of different lengths",
        ),
        (
            _nato_table(values={"ZZZ": [1.0, 2.0]}),
            "nato_tables[0].values: 'ZZZ' is not an ally or NATO aggregate",
        ),
    ],
)
def test_bad_nato_tables(
    write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any], table: dict[str, Any], line: str
) -> None:
    tiny_dataset_dict["nato_tables"] = [table]
    error = invalid(write_dataset, tiny_dataset_dict)
    assert error.details == (line,)


def test_a_nato_table_twice(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    tiny_dataset_dict["nato_tables"] = [_nato_table(), _nato_table()]
    error = invalid(write_dataset, tiny_dataset_dict)
    assert error.details == ("nato_tables: duplicate table 'src-share spending_usd_m'",)


def test_edition_years_in_order(write_dataset: WriteDataset, tiny_dataset_dict: dict[str, Any]) -> None:
    tiny_dataset_dict["editions"][0]["first_year"] = 2030
    error = invalid(write_dataset, tiny_dataset_dict)
    assert error.details[0] == "editions: edition 'src-share': first_year is after last_year"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Alpha\x1b[2Jland", "001B"),  # ESC: clear the screen
        ("Alpha\x1b]8;;http://x\x07land", "001B"),  # an OSC 8 link
        ("Alpha\x9bland", "009B"),  # the 8-bit CSI
        ("Alpha\x00land", "0000"),
        ("Alpha\u202eland", "202E"),  # right-to-left override
        ("Alpha\nBetaland  9.99", "000A"),  # a forged table row
        ("Alpha\rland", "000D"),
        ("Alpha\x7fland", "007F"),
    ],
)
@pytest.mark.parametrize("field", ["name", "alias", "source title", "share note"])
def test_control_and_bidi_characters_are_refused_with_the_field(
    write_dataset: Callable[[dict[str, Any]], Path],
    tiny_dataset_dict: dict[str, Any],
    text: str,
    code: str,
    field: str,
) -> None:
    data = tiny_dataset_dict
    ally = data["allies"][0]
    if field == "name":
        ally["name"], where = text, "allies[0].name"
    elif field == "alias":
        ally["aliases"], where = [text], "allies[0].aliases"
    elif field == "source title":
        data["sources"][0]["title"], where = text, "sources[0].title"
    else:
        year, record = next((y, r) for y, r in ally["years"].items() if r.get("shares"))
        record["shares"][0]["note"], where = text, f"allies[0].years.{year}.shares[0].note"
    with pytest.raises(SpendcalcError) as raised:
        loader.load_dataset(write_dataset(data))
    details = "\n".join(raised.value.details)
    assert where in details, details
    assert f"U+{code}" in details
    assert all("\x1b" not in line and "\n" not in line for line in raised.value.details)


def test_text_has_a_length_limit(
    write_dataset: Callable[[dict[str, Any]], Path], tiny_dataset_dict: dict[str, Any]
) -> None:
    tiny_dataset_dict["allies"][0]["name"] = "A" * 2001
    with pytest.raises(SpendcalcError) as raised:
        loader.load_dataset(write_dataset(tiny_dataset_dict))
    assert any("allies[0].name" in line and "at most 2,000" in line for line in raised.value.details)
