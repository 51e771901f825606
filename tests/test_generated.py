"""Generated datasets and command lines (hypothesis): whatever people feed spendcalc, the loader accepts it
or says why, and every accepted dataset gives the same numbers in CSV, JSON and the table.

The dataset builder here is independent of conftest's fixtures: 2-4 allies with random shares (0-100), GDP
and population, some years missing, sometimes an ally without armed forces; then random mutations.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from spendcalc.cli.app import app
from spendcalc.data.load import parse_dataset
from spendcalc.data.schema import Dataset
from spendcalc.errors import SpendcalcError
from spendcalc.reports.gap import EXPORT_COLUMNS

SETTINGS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- the dataset builder -------------------------------------------------------------------------------

ALLIES = (
    ("ALP", "AP", "Alphaland"),
    ("BET", "BT", "Betaland"),
    ("GAM", "GM", "Gammaland"),
    ("DEL", "DL", "Deltaland"),
)
YEARS = ("2023", "2024", "2025")
SHARE_SOURCE = "src-share"
GDP_SOURCE = "src-gdp"
SOURCES = [
    {"id": SHARE_SOURCE, "title": "Shares", "publisher": "Test", "published": "2025-08-28", "url": None},
    {"id": GDP_SOURCE, "title": "GDP", "publisher": "Test", "published": "2026-04-14", "note": "US$ bn"},
]
EDITIONS = [
    {
        "id": SHARE_SOURCE,
        "title": "Shares",
        "publisher": "Test",
        "published": "2025-08-28",
        "basis": "core defence",
        "first_year": 2014,
        "last_year": 2026,
        "latest": True,
    }
]
TARGETS = [
    {
        "id": "nato-2pct",
        "label": "NATO 2%",
        "share_pct": 2.0,
        "of": "gdp",
        "by_year": 2024,
        "agreed": "2014-09-05",
        "scope": "total",
    },
    {
        "id": "equipment-20pct",
        "label": "20% equipment",
        "share_pct": 20.0,
        "of": "defence_expenditure",
        "by_year": 2024,
        "agreed": "2014-09-05",
        "scope": "equipment",
    },
]

shares = st.one_of(
    st.sampled_from([0.0, 0.01, 1.99, 2.0, 2.5, 3.5, 5.0, 99.99, 100.0]),
    st.floats(min_value=0, max_value=100, allow_nan=False),
)
positive = st.floats(min_value=1e-3, max_value=1e5, allow_nan=False, allow_infinity=False)
populations = st.floats(min_value=0.01, max_value=2000, allow_nan=False, allow_infinity=False)


@st.composite
def share_records(draw: st.DrawFn, positive_share: bool = False) -> dict[str, Any]:
    record: dict[str, Any] = {
        "pct": draw(shares.filter(lambda pct: pct >= 0.01) if positive_share else shares),
        "estimate": draw(st.booleans()),
        "precision": draw(st.sampled_from([0.01, 0.1])),
        "edition": SHARE_SOURCE,
    }
    if draw(st.booleans()):
        record["note"] = draw(st.sampled_from([None, "an estimate", "=1+1", 'Ünïcødé, "quoted", semi;colon']))
    return record


@st.composite
def year_records(draw: st.DrawFn, armed: bool, complete: bool) -> dict[str, Any]:
    record: dict[str, Any] = {}
    if armed and (complete or draw(st.integers(0, 3)) > 0):
        record["shares"] = [draw(share_records(positive_share=complete))]
    if complete or draw(st.integers(0, 3)) > 0:
        kind = draw(st.sampled_from(["actual", "estimate", "projection"]))
        record["gdp"] = {"usd_bn": draw(positive), "kind": kind, "source": GDP_SOURCE}
    if complete or draw(st.booleans()):
        record["population"] = {"millions": draw(populations), "source": GDP_SOURCE}
    return record


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, Any]:
    """A valid dataset: ally 0 has every figure in every year; the others miss some, and one of them may have
    no armed forces. Ally 0's shares are at least 0.01, so that every generated alliance spends something;
    one that spends nothing at all is tested on its own (test_an_alliance_that_spends_nothing)."""
    count = draw(st.integers(2, 4))
    unarmed = draw(st.one_of(st.none(), st.integers(1, count - 1)))
    allies = []
    for index, (iso3, iso2, name) in enumerate(ALLIES[:count]):
        armed = index != unarmed
        complete = index == 0
        years = {}
        for year in YEARS:
            if complete or draw(st.integers(0, 4)) > 0:
                years[year] = draw(year_records(armed, complete))
        ally: dict[str, Any] = {
            "iso3": iso3,
            "iso2": iso2,
            "name": name,
            "joined": draw(st.integers(1949, 2023)),  # an ally in every generated year
            "currency": "EUR",
            "has_armed_forces": armed,
            "years": years,
        }
        if draw(st.booleans()):
            ally["aliases"] = [f"{name[:4]}ia"]
        allies.append(ally)
    data: dict[str, Any] = {
        "schema_version": 2,
        "editions": copy.deepcopy(EDITIONS),
        "sources": copy.deepcopy(SOURCES),
        "targets": copy.deepcopy(TARGETS),
        "allies": allies,
    }
    if draw(st.booleans()):
        data["eur_per_usd"] = {"2025": {"per_usd": 0.92, "source": GDP_SOURCE}}
    return data


# --- mutations -------------------------------------------------------------------------------------------

Path_ = tuple[str | int, ...]
OPTIONAL_KEYS = frozenset(
    {
        "note",
        "url",
        "aliases",
        "currency_note",
        "shares",
        "gdp",
        "population",
        "fx",
        "eur_per_usd",
        "pledges",
        "nato_tables",
        "estimate_years",
    }
)
"""Keys the schema lets a file leave out; every other key is required."""
MAPPINGS = frozenset({"years", "eur_per_usd"})
"""Objects whose keys are data (years), not field names: any entry can go."""


def walk(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, (*path, index))


def at(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def number_paths(data: dict[str, Any]) -> list[Path_]:
    return [p for p, v in walk(data) if isinstance(v, (int, float)) and not isinstance(v, bool)]


def key_paths(data: dict[str, Any]) -> list[Path_]:
    return [p for p, _ in walk(data) if p and isinstance(p[-1], str)]


def dict_paths(data: dict[str, Any]) -> list[Path_]:
    return [p for p, v in walk(data) if isinstance(v, dict) and (not p or p[-1] not in MAPPINGS)]


def source_paths(data: dict[str, Any]) -> list[Path_]:
    return [p for p, _ in walk(data) if p and p[-1] == "source"]


@dataclass(frozen=True)
class Mutation:
    kind: str
    path: Path_
    must_reject: bool | None
    """True: the loader must refuse the result; False: it must accept it; None: either."""


@st.composite
def mutate(draw: st.DrawFn, data: dict[str, Any], huge: st.SearchStrategy[float]) -> Mutation:
    """Apply one random mutation to `data` in place, and say whether it must make the dataset invalid.

    Mutations can be chained: each one falls back to adding an unknown key when what it would change is
    gone (a dropped `sources`, no numbers left)."""
    kinds = ["drop-key", "unknown-key", "to-string", "negative", "huge", "none", "rename-source"]
    kind = draw(st.sampled_from(kinds))
    sources = data.get("sources")
    ids = [s.get("id") for s in sources if isinstance(s, dict)] if isinstance(sources, list) else []
    renamable = [i for i in (SHARE_SOURCE, GDP_SOURCE) if i in ids]
    if kind == "rename-source" and renamable and isinstance(sources, list):
        how = draw(st.sampled_from(["definition", "reference", "everywhere"]))
        old = draw(st.sampled_from(renamable))
        new = draw(st.sampled_from(["renamed", "src-other", "SRC-SHARE"]))
        referring = [p for p in source_paths(data) if at(data, p) == old]
        if how != "reference":
            next(s for s in sources if isinstance(s, dict) and s.get("id") == old)["id"] = new
        for path in referring if how == "everywhere" else referring[:1] if how == "reference" else []:
            at(data, path[:-1])["source"] = new
        # On the builder's data ally 0 refers to both sources, so a half rename always breaks a reference.
        return Mutation(f"rename-source-{how}", (), None if not referring else how != "everywhere")
    if kind == "drop-key" and key_paths(data):
        path = draw(st.sampled_from(key_paths(data)))
        del at(data, path[:-1])[path[-1]]
        optional = path[-1] in OPTIONAL_KEYS or (len(path) > 1 and path[-2] in MAPPINGS)
        return Mutation(kind, path, None if optional else True)
    numbers = number_paths(data)
    if kind in ("unknown-key", "drop-key", "rename-source") or not numbers:
        path = draw(st.sampled_from(dict_paths(data)))
        at(data, path)[draw(st.sampled_from(["colour", "Name", "extra_field", "iso_3"]))] = 1
        return Mutation("unknown-key", path, True)
    path = draw(st.sampled_from(numbers))
    parent, key = at(data, path[:-1]), path[-1]
    number = parent[key]
    if kind == "to-string":
        parent[key] = str(number)
        return Mutation(kind, path, True)  # strict: "2.5" is not 2.5
    if kind == "negative":
        parent[key] = -abs(number) - 1  # every number in the schema has a lower bound of 0 or more
        return Mutation(kind, path, True)
    if kind == "none":
        parent[key] = None  # no number in the schema is optional
        return Mutation(kind, path, True)
    parent[key] = draw(huge)
    return Mutation(kind, path, None)


def encode(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def load(raw: bytes) -> Dataset | SpendcalcError:
    """What parse_dataset does with `raw`: a Dataset, or the SpendcalcError it raised (nothing else)."""
    try:
        return parse_dataset(raw, "x.json")
    except SpendcalcError as error:
        assert error.message.startswith("x.json: "), error.message
        assert "\n" not in error.message
        assert all(line and "\n" not in line for line in error.details)
        return error


ANY_HUGE = st.sampled_from([1e12, 1e100, 1e300, 1.7976931348623157e308, 2**63, 10**30])


# --- the loader ------------------------------------------------------------------------------------------


@SETTINGS
@given(datasets())
def test_builder_datasets_are_accepted(data: dict[str, Any]) -> None:
    dataset = load(encode(data))
    assert isinstance(dataset, Dataset), dataset
    assert [a.iso3 for a in dataset.allies] == [a["iso3"] for a in data["allies"]]
    for ally, raw in zip(dataset.allies, data["allies"], strict=True):
        for year, record in raw["years"].items():
            share = ally.share(int(year))
            assert (share.pct if share else None) == (
                record["shares"][0]["pct"] if "shares" in record else None
            )


@SETTINGS
@given(st.data())
def test_one_mutation_is_accepted_or_refused_as_the_schema_says(data: st.DataObject) -> None:
    dataset = data.draw(datasets())
    mutation = data.draw(mutate(dataset, ANY_HUGE))
    note(repr(mutation))
    result = load(encode(dataset))
    event(f"{mutation.kind}: {type(result).__name__}")
    if mutation.must_reject is True:
        assert isinstance(result, SpendcalcError), mutation
    elif mutation.must_reject is False:
        assert isinstance(result, Dataset), result


@SETTINGS
@given(st.data())
def test_any_mutations_give_a_dataset_or_a_spendcalc_error(data: st.DataObject) -> None:
    dataset = data.draw(datasets())
    for _ in range(data.draw(st.integers(1, 4))):
        note(repr(data.draw(mutate(dataset, ANY_HUGE))))
    raw = encode(dataset)
    load(raw)
    # Cut anywhere, the file is refused with a SpendcalcError too.
    cut = data.draw(st.integers(0, len(raw) - 1))
    assert isinstance(load(raw[:cut]), SpendcalcError)


@SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes_give_a_spendcalc_error(raw: bytes) -> None:
    assert isinstance(load(raw), SpendcalcError)


# --- accepted datasets: the same numbers in every format ---------------------------------------------------

NUMBER_COLUMNS = (
    "share_pct",
    "gdp_usd_bn",
    "spending_usd_bn",
    "target_pct",
    "gap_pp",
    "gap_usd_bn",
    "gap_usd_per_capita",
)
SAFE_HUGE = st.sampled_from([1e6, 1e9, 1e12])
"""Large but far from the dataset's bounds: values near 1e308 are refused when the dataset is loaded (see
test_huge_but_finite_figures_do_not_crash), so this property keeps to figures that load."""


def run(args: list[str]) -> Result:
    result = CliRunner().invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def csv_number(cell: str) -> float | None:
    return None if cell == "" else float(cell)


def share_text(pct: float, precision: float, estimate: bool) -> str:
    return f"{pct:.{1 if precision >= 0.1 else 2}f}{'e' if estimate else ''}"


def check_formats_agree(data: dict[str, Any], csv_text: str, json_text: str, table: str) -> None:
    document = json.loads(json_text)
    year = document["metadata"]["year"]
    assert document["columns"] == list(EXPORT_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert len(rows) == len(document["rows"]) > 0
    for row, record in zip(rows, document["rows"], strict=True):
        assert list(row) == list(EXPORT_COLUMNS)
        assert row["iso3"] == (record["iso3"] or "")  # a group total has none
        assert int(row["year"]) == record["year"] == year
        assert row["meets_target"] == (
            "" if record["meets_target"] is None else str(record["meets_target"]).lower()
        )
        for column in NUMBER_COLUMNS:
            value = record[column]
            assert csv_number(row[column]) == value, (column, row[column], value)
            if isinstance(value, float):
                assert row[column] == repr(value), (column, row[column], value)  # the same 12 digits
        if record["share_pct"] is not None:
            # Both exported to 12 significant digits: equal to that precision.
            assert record["gap_pp"] == pytest.approx(
                record["target_pct"] - record["share_pct"], rel=1e-11, abs=1e-11
            )
            # Decided on unrounded values: a share a hair below the target may print as the target itself,
            # but its gap keeps the sign (significant digits, not decimal places).
            assert record["meets_target"] is (record["gap_pp"] <= 0)
    # Against the dataset itself, and the table: each ally's share, rounded as published.
    shown = {line.split()[0]: line.split() for line in table.splitlines() if line.strip()}
    for ally in data["allies"]:
        shares = ally["years"].get(str(year), {}).get("shares") if ally["has_armed_forces"] else None
        share = shares[0] if shares else None
        records = [r for r in document["rows"] if r["iso3"] == ally["iso3"]]
        assert records, ally["iso3"]
        assert {r["share_pct"] for r in records} == {float(f"{share['pct']:.12g}") if share else None}
        cells = shown[ally["name"]]
        expected = share_text(share["pct"], share["precision"], share["estimate"]) if share else "n/a"
        assert cells[1] == expected, (ally["name"], cells, share)


def spends_nothing(dataset: Dataset) -> bool:
    """Whether the allies' total spending in the default year is 0 (every share there is 0 or so small
    that share × GDP underflows)."""
    from spendcalc.core import default_year

    year = default_year(dataset)
    spending = [
        share.pct / 100 * gdp.usd_bn  # as core computes it: 1e-323 % of GDP underflows to 0 too
        for ally in dataset.allies
        if (share := ally.share(year)) is not None and (gdp := ally.gdp(year)) is not None
    ]
    return bool(spending) and not any(spending)


@SETTINGS
@given(st.data())
def test_accepted_datasets_give_the_same_numbers_in_csv_json_and_table(data: st.DataObject) -> None:
    dataset = data.draw(datasets())
    mutations = [data.draw(mutate(dataset, SAFE_HUGE)) for _ in range(data.draw(st.integers(0, 1)))]
    note(repr(mutations))
    raw = encode(dataset)
    loaded = load(raw)
    accepted = isinstance(loaded, Dataset)
    assume(not (isinstance(loaded, Dataset) and spends_nothing(loaded)))  # tested on its own below
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "data.json"
        path.write_bytes(raw)
        results = {
            output_format: run(["--no-timestamp", "--data", str(path), "compare", "-f", output_format])
            for output_format in ("csv", "json", "table")
        }
    codes = {result.exit_code for result in results.values()}
    assert len(codes) == 1, {f: r.output for f, r in results.items()}
    code = codes.pop()
    if not accepted or code != 0:
        # Refused, or (after a mutation such as dropping ally 0's GDP) nothing to compare: the same clean
        # error whatever the format.
        assert code == 1, {f: r.output for f, r in results.items()}
        assert mutations, results["csv"].stderr
        assert len({result.stderr for result in results.values()}) == 1
        assert all(r.stdout == "" and r.stderr.startswith("spendcalc: error: ") for r in results.values())
        assert accepted or "data.json: " in results["csv"].stderr
        event("refused" if not accepted else "accepted, nothing to compare")
        return
    event("accepted: formats compared")
    check_formats_agree(dataset, results["csv"].stdout, results["json"].stdout, results["table"].stdout)


@settings(SETTINGS, max_examples=25)
@given(datasets())
def test_builder_datasets_always_compare(data: dict[str, Any]) -> None:
    """Unmutated: every command that reads a year works (ally 0 has every figure)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "data.json"
        path.write_bytes(encode(data))
        for args in (
            ["compare", "--sort", "gap"],
            ["export", "-f", "json"],
            ["share"],
            ["gap", "ALP", "-t", "3"],
        ):
            result = run(["--data", str(path), *args])
            assert result.exit_code == 0, (args, result.output)
            assert result.stderr == ""


# --- the known overflow bug ---------------------------------------------------------------------------------


def _extreme(field: str, value: float) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema_version": 2,
        "editions": copy.deepcopy(EDITIONS),
        "sources": copy.deepcopy(SOURCES),
        "targets": copy.deepcopy(TARGETS),
        "allies": [
            {
                "iso3": "ALP",
                "iso2": "AP",
                "name": "Alphaland",
                "joined": 1949,
                "currency": "EUR",
                "has_armed_forces": True,
                "years": {
                    "2025": {
                        "shares": [
                            {"edition": SHARE_SOURCE, "pct": 1.5, "estimate": False, "precision": 0.01}
                        ],
                        "gdp": {"usd_bn": 100.0, "kind": "actual", "source": GDP_SOURCE},
                        "population": {"millions": 10.0, "source": GDP_SOURCE},
                    }
                },
            }
        ],
    }
    record = data["allies"][0]["years"]["2025"]
    record["gdp" if field == "usd_bn" else "population"][field] = value
    return data


@pytest.mark.parametrize(
    ("field", "value"), [("usd_bn", 1e308), ("millions", 1e-320)], ids=["gdp", "population"]
)
@pytest.mark.parametrize("command", ["compare", "export"])
def test_huge_but_finite_figures_do_not_crash(command: str, field: str, value: float, tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_bytes(encode(_extreme(field, value)))
    for output_format in ("json", "csv"):
        result = CliRunner().invoke(app, ["--data", str(path), command, "-f", output_format])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        # Refused when the dataset is loaded, naming the field: the schema bounds every magnitude.
        assert result.exit_code == 1, result.output
        assert f"{field}" in result.stderr and result.stdout == "", result.output


@pytest.mark.parametrize(
    "command", [["compare"], ["export"], ["share"], ["compare", "-f", "json"]], ids=" ".join
)
def test_an_alliance_that_spends_nothing(command: list[str], tmp_path: Path) -> None:
    data = _extreme("usd_bn", 100.0)
    data["allies"][0]["years"]["2025"]["shares"][-1]["pct"] = 0.0
    path = tmp_path / "data.json"
    path.write_bytes(encode(data))
    assert isinstance(load(path.read_bytes()), Dataset)
    result = CliRunner().invoke(app, ["--data", str(path), *command])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0, result.output
    assert "Alphaland" in result.stdout


# --- random command lines ---------------------------------------------------------------------------------

COUNTRIES = (["POL", "uk", "Türkiye", "ger", "ISL", "usa"], ["", "xyz", "slov", "42"])
VALUES: dict[str, tuple[list[str], list[str]]] = {
    "--target": (
        ["2", "2.5%", "2,5", "hague-core", "nato-2pct", "hague"],
        ["abc", "0", "101", "nan", "equipment-20pct", ""],
    ),
    "--year": (["2014", "2019", "2025"], ["2040", "abc", ""]),
    "--current": (["2.3", "0", "100"], ["-1", "abc", "nan"]),
    "--sort": (["name", "share", "gap"], ["bogus"]),
    "--currency": (["usd", "EUR", "lcu"], ["JPY"]),
    "--format": (["table", "csv", "json"], ["xml"]),
    "--by": (["2030", "2035", "2100"], ["2020", "abc"]),
    "--from": (["2020", "2025"], ["1800", "abc"]),
    "--to": (["2020", "2025"], ["abc"]),
    "--shape": (["linear", "front", "back"], ["x"]),
    "--baseline": (["flat-share", "flat-cash"], ["x"]),
    # Not 1e308: the growth that would overflow is refused (test_bad_input's huge-growth test).
    "--growth": (["2", "-5", "0", "1e5"], ["abc", "nan"]),
    "--group": (["eu", "nordic", "nato", "x=EST,LVA", "fs=FIN,SWE"], ["nope", "=EST", "x=", "x=EST,xyz"]),
}
"""Valid and invalid values of each option; three draws in four take a valid one."""
FLAGS = ["--only-below"]
COMMANDS: dict[str, tuple[bool, list[str]]] = {
    "gap": (True, ["--target", "--year", "--current", "--currency", "--format"]),
    "compare": (
        False,
        ["--target", "--year", "--sort", "--only-below", "--group", "--currency", "--format"],
    ),
    "export": (False, ["--target", "--year", "--group", "--currency", "--format"]),
    "path": (
        True,
        [
            "--target",
            "--by",
            "--from",
            "--current",
            "--shape",
            "--baseline",
            "--growth",
            "--currency",
            "--format",
        ],
    ),
    "history": (True, ["--from", "--to", "--format"]),
    "share": (False, ["--year", "--target", "--format"]),
    "pledges": (True, ["--format"]),
    "countries": (False, ["--format"]),
    "groups": (False, ["--format"]),
    "targets": (False, ["--format"]),
    "sources": (False, ["--format"]),
    "chart": (False, ["--year", "--target", "--sort", "--format"]),
    "schema": (False, []),
    "dataset": (False, []),
    "revisions": (True, ["--year", "--format"]),
    "equipment": (False, ["--year", "--format"]),
}
DEFAULT_FORMATS = {"export": "csv", "schema": "json", "dataset": "json"}


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(sorted(COMMANDS)))
    takes_country, options = COMMANDS[command]
    argv = ["--no-timestamp"] if draw(st.booleans()) else []
    argv.append(command)
    if takes_country and draw(st.integers(0, 9)) > 0:
        argv.append(draw(st.sampled_from(pick(draw, COUNTRIES))))
    for _ in range(draw(st.integers(0, 4))):
        # Mostly options of this command, sometimes one of another command's (a usage error).
        own = options and draw(st.integers(0, 5)) > 0
        option = draw(st.sampled_from(options if own else [*VALUES, *FLAGS]))
        if option in FLAGS:
            argv.append(option)
        else:
            argv += [option, draw(st.sampled_from(pick(draw, VALUES[option])))]
    return argv


def pick(draw: st.DrawFn, values: tuple[list[str], list[str]]) -> list[str]:
    valid, invalid = values
    return valid if draw(st.integers(0, 3)) > 0 else invalid


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(command_lines())
def test_random_command_lines(argv: list[str]) -> None:
    result = run(argv)
    assert result.exit_code in (0, 1, 2), result.output
    event(f"exit {result.exit_code}")
    if result.exit_code != 0:
        assert result.stdout == ""
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert 1 <= len(lines) <= 4, result.stderr
        return
    assert result.stdout
    command = argv[1] if argv[0] == "--no-timestamp" else argv[0]
    formats = [argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == "--format"]
    chosen = formats[-1] if formats else DEFAULT_FORMATS.get(command, "table")
    if chosen == "csv":
        rows = list(csv.reader(io.StringIO(result.stdout)))
        header = rows[0]
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*", name) for name in header), header
        assert len(header) >= 2 and len(set(header)) == len(header), header
        assert all(len(row) == len(header) for row in rows), result.stdout
    elif chosen == "json":
        document = json.loads(result.stdout, parse_constant=_no_constant)
        assert isinstance(document, dict) and document
        if command not in ("schema", "dataset"):
            assert document["columns"]
            assert all(list(row) == document["columns"] for row in document["rows"])
    else:
        assert not result.stdout.startswith(("{", "iso3,")), result.stdout[:200]


def _no_constant(literal: str) -> object:
    raise AssertionError(f"{literal} in JSON output")


def test_command_grammar_covers_every_command() -> None:
    result = run(["--help"])
    commands = result.stdout.split("Commands:\n", 1)[1]
    listed = set(re.findall(r"^  ([a-z]+)  ", commands, re.MULTILINE))
    assert listed == set(COMMANDS) | {"scenario"}, listed  # scenario: a group of commands, tested with them


@pytest.mark.parametrize("output_format", ["csv", "json"])
def test_pledges_columns_do_not_depend_on_the_selection(output_format: str) -> None:
    def columns(*args: str) -> list[str]:
        result = run(["pledges", *args, "-f", output_format])
        assert result.exit_code == 0, result.output
        if output_format == "csv":
            return next(csv.reader(io.StringIO(result.stdout)))
        return list(json.loads(result.stdout)["columns"])

    everyone = columns()
    assert len(everyone) > 2
    assert columns("GBR") == everyone
    assert columns("Türkiye") == everyone
