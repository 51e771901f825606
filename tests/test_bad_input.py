"""Bad input of every kind, table-driven: the right exit status, a short stderr naming the problem, no
traceback, and nothing on stdout that a script could mistake for data.

"People will paste spendcalc into scripts, feed it their own datasets, pipe it into other tools... It must
never lose output, never crash with a traceback."

Each `Case` runs through Typer's CliRunner (stdout and stderr apart). What CliRunner cannot represent (a
full disk, arguments that are not UTF-8, a 50 MB file read by the real process) runs the installed script.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from spendcalc.cli.app import app
from support import access_as_a_user

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = (ROOT / "data" / "allies.json").read_bytes()
BUNDLED_DATA: dict[str, Any] = json.loads(BUNDLED)
SPENDCALC = shutil.which("spendcalc")
YEARS = "2014–2026"
"""The years with shares in the bundled dataset, as error messages name them."""
ERROR_PREFIX = "spendcalc: error: "


# --- building bad datasets -----------------------------------------------------------------------


def mutated(change: Callable[[dict[str, Any]], object]) -> bytes:
    """The bundled dataset with one change, as UTF-8 JSON bytes."""
    data = copy.deepcopy(BUNDLED_DATA)
    change(data)
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def first_share(data: dict[str, Any]) -> dict[str, Any]:
    share: dict[str, Any] = data["allies"][0]["years"]["2014"]["shares"][-1]
    return share


def first_gdp(data: dict[str, Any]) -> dict[str, Any]:
    gdp: dict[str, Any] = data["allies"][0]["years"]["2014"]["gdp"]
    return gdp


def extra_year(key: str) -> bytes:
    """A year key that is not a year, holding a copy of a real year's record."""

    def change(data: dict[str, Any]) -> None:
        years = data["allies"][0]["years"]
        years[key] = copy.deepcopy(years["2014"])

    return mutated(change)


def replace_once(old: bytes, new: bytes) -> bytes:
    assert old in BUNDLED, old
    return BUNDLED.replace(old, new, 1)


FIRST_PCT = b'"pct": ' + json.dumps(BUNDLED_DATA["allies"][0]["years"]["2014"]["shares"][-1]["pct"]).encode()
DEPTH = 100_000


# --- the table -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One bad invocation. `{tmp}` and `{data}` in argv or env are replaced by a fresh temporary directory
    and the file holding `data` (written there, with `mode` if given)."""

    id: str
    argv: tuple[str, ...]
    exit_code: int
    stderr: str
    """A regex that stderr must match: it names the problem."""
    env: tuple[tuple[str, str], ...] = ()
    data: bytes | None = None
    mode: int | None = None


def country_cases() -> list[Case]:
    cases = [
        Case("country-unknown", ("gap", "xyzzy"), 1, r"unknown country 'xyzzy'"),
        Case("country-typo", ("gap", "portgal"), 1, r"unknown country 'portgal'; did you mean Portugal"),
        Case("country-ambiguous", ("gap", "slov"), 1, r"'slov' is ambiguous: .*Slovakia.*Slovenia"),
        Case("country-empty", ("gap", ""), 1, r"country is empty"),
        Case("country-whitespace", ("gap", "   "), 1, r"country is empty"),
        Case("country-tab-newline", ("gap", "\t\n"), 1, r"country is empty"),
        Case("country-number", ("gap", "42"), 1, r"unknown country '42'"),
        Case("country-negative-number", ("gap", "-1"), 2, r"No such option: -1"),
        Case("country-float", ("gap", "2.5"), 1, r"unknown country '2\.5'"),
        Case("country-dots", ("gap", "..."), 1, r"country is empty"),
        Case(
            "country-sl-ambiguous", ("gap", "sl"), 1, r"'sl' is ambiguous: did you mean Slovakia or Slovenia"
        ),
        Case("country-austria", ("gap", "Austria"), 1, r"error: Austria is not a NATO ally"),
        Case(
            "country-ukraine",
            ("path", "ukraine", "-t", "3", "--by", "2030"),
            1,
            r"error: Ukraine is not a NATO ally",
        ),
        Case("country-englnd", ("gap", "Englnd"), 1, r"did you mean United Kingdom"),
        Case("country-deutschlnd", ("gap", "Deutschlnd"), 1, r"did you mean Germany"),
    ]
    for command, extra in (("history", ()), ("pledges", ()), ("path", ("-t", "3", "--by", "2030"))):
        cases += [
            Case(f"{command}-country-unknown", (command, "xyzzy", *extra), 1, r"unknown country 'xyzzy'"),
            Case(f"{command}-country-empty", (command, "", *extra), 1, r"country is empty"),
            Case(f"{command}-country-ambiguous", (command, "slov", *extra), 1, r"ambiguous"),
        ]
    return cases


def target_cases() -> list[Case]:
    not_share = "is not a share of GDP"
    out_of_range = "must be above 0 and at most 100"
    not_finite = "must be a finite number"
    values = {
        "abc": not_share,
        "-1": out_of_range,
        "0": out_of_range,
        "0%": out_of_range,
        "101": out_of_range,
        "100.0001": out_of_range,
        "-0": out_of_range,
        "nan": not_finite,
        "NaN%": not_finite,
        "inf": not_finite,
        "-inf": not_finite,
        "1e400": not_finite,
        "": not_share,
        " ": not_share,
        "%": not_share,
        "%%": not_share,
        "2,5,5": not_share,
        "2.5.5": not_share,
        "0x10": not_share,
        "two": not_share,
        "hague-nonsense": not_share,
        "equipment-20pct": "share of defence expenditure, not of GDP",
    }
    cases = [
        Case(
            f"gap-target-{value or 'empty'}",
            ("gap", "POL", "--target", value),
            2,
            rf"Invalid value for '--target': target {re.escape(repr(value))} .*{message}",
        )
        for value, message in values.items()
    ]
    for command, before in (
        ("compare", ()),
        ("export", ()),
        ("share", ()),
        ("path", ("POL", "--by", "2030")),
    ):
        for value in ("abc", "101", "nan", "equipment-20pct"):
            cases.append(
                Case(
                    f"{command}-target-{value}",
                    (command, *before, "-t", value),
                    2,
                    rf"'--target'.*{re.escape(repr(value))}",
                )
            )
    # The first bad target fails the command even after good ones.
    cases.append(Case("target-bad-after-good", ("compare", "-t", "2", "-t", "abc"), 2, r"'abc'"))
    # A sweep of two or four parts: compare takes sweeps, so say what a sweep needs.
    for sweep in ("1:6", "1:6:0.5:1", ":"):
        cases.append(
            Case(
                f"compare-sweep-parts-{sweep}",
                ("compare", "-t", sweep),
                2,
                rf"sweep {re.escape(repr(sweep))}: a sweep START:STOP:STEP needs three parts",
            )
        )
    # Sweeps whose count overflows a Decimal, or has more digits than an int may print.
    for sweep in ("1:2:1e-9999999", "1:2:1e-999990", "1:6:0.001"):
        cases.append(
            Case(f"compare-sweep-{sweep}", ("compare", "-t", sweep), 2, r"gives more than 500 targets")
        )
    return cases


def year_cases() -> list[Case]:
    no_data = rf"no defence shares for {{year}}; years with data: {YEARS}"
    cases = []
    for command, before in (("gap", ("POL",)), ("compare", ()), ("export", ()), ("share", ())):
        # Every value on compare; the two the brief names (and two of usage) on the other commands.
        everything = command == "compare"
        for year in ("1800", "2040", "0", "-5", "99999999999999999999")[: None if everything else 2]:
            cases.append(
                Case(
                    f"{command}-year-{year}", (command, *before, "--year", year), 1, no_data.format(year=year)
                )
            )
        for year in ("abc", "", "2025x", "MMXXV", "20 25")[: None if everything else 2]:
            cases.append(
                Case(
                    f"{command}-year-{year or 'empty'}",
                    (command, *before, "--year", year),
                    2,
                    r"Invalid value for '--year'.*valid integer",
                )
            )
    ahead = re.escape(
        "; for years ahead, see `spendcalc path` (an ally) or `spendcalc scenario run` (a group)"
    )
    cases += [
        Case(
            "compare-year-ahead", ("compare", "--year", "2030"), 1, rf"no defence shares for 2030; .*{ahead}$"
        ),
        Case("gap-year-ahead", ("gap", "POL", "-y", "2030"), 1, rf"{ahead}$"),
        Case("compare-year-before", ("compare", "--year", "2000"), 1, rf"{YEARS}$"),
        Case(
            "path-from-ahead", ("path", "POL", "-t", "3", "--by", "2040", "--from", "2030"), 1, rf"{YEARS}$"
        ),
        Case("path-from-1800", ("path", "POL", "-t", "3", "--by", "2030", "--from", "1800"), 1, r"1800"),
        Case("path-by-past", ("path", "POL", "-t", "3", "--by", "2020"), 1, r"--by 2020 must be after"),
        Case("path-by-far", ("path", "POL", "-t", "3", "--by", "9999"), 1, r"--by 9999 .*at most 2100"),
        Case("history-from-after-to", ("history", "POL", "--from", "2020", "--to", "2018"), 1, r"after --to"),
        Case("history-from-future", ("history", "POL", "--from", "2040"), 1, rf"years with data: {YEARS}"),
    ]
    return cases


def option_type_cases() -> list[Case]:
    path = ("path", "POL", "-t", "3", "--by", "2030")
    return [
        Case("gap-year-x", ("gap", "POL", "--year", "x"), 2, r"'--year'.*valid integer"),
        Case(
            "gap-current-abc",
            ("gap", "POL", "--current", "abc"),
            2,
            r"'--current'.*'abc' is not a percentage",
        ),
        Case("gap-current-empty", ("gap", "POL", "--current", ""), 2, r"'--current'.*'' is not a percentage"),
        Case("gap-current-negative", ("gap", "POL", "--current", "-1"), 2, r"current share -1\.0 must be"),
        Case("gap-current-101", ("gap", "POL", "--current", "101"), 2, r"current share 101\.0 must be"),
        Case("gap-current-nan", ("gap", "POL", "--current", "nan"), 2, r"current share nan must be"),
        Case("gap-current-1e400", ("gap", "POL", "--current", "1e400"), 2, r"current share inf must be"),
        Case("gap-current-no-armed-forces", ("gap", "ISL", "--current", "2"), 1, r"Iceland has no armed"),
        Case("path-by-abc", ("path", "POL", "-t", "3", "--by", "abc"), 2, r"'--by'.*valid integer"),
        Case("path-from-abc", (*path, "--from", "abc"), 2, r"'--from'.*valid integer"),
        Case("path-growth-x", (*path, "--growth", "x"), 2, r"'--growth'.*'x' is not a percentage"),
        Case("path-growth-nan", (*path, "--growth", "nan"), 2, r"growth nan% must be a finite number"),
        Case("path-growth-inf", (*path, "--growth", "inf"), 2, r"growth inf% must be a finite number"),
        Case("path-growth--100", (*path, "--growth", "-100"), 2, r"growth -100\.0% must be .*above -100"),
        Case("path-current-abc", (*path, "--current", "abc"), 2, r"'--current'.*'abc' is not a percentage"),
        Case(
            "path-shape-x",
            (*path, "--shape", "x"),
            2,
            r"'--shape': .*'x' is not one of 'linear', 'front', 'back'",
        ),
        Case(
            "path-baseline-x",
            (*path, "--baseline", "x"),
            2,
            r"'--baseline': .*'x' is not one of 'flat-share'",
        ),
        Case("path-no-armed-forces", ("path", "ISL", "-t", "3", "--by", "2030"), 1, r"Iceland has no armed"),
        Case(
            "path-lcu-no-ecb-rate",
            (
                "--edition",
                "nato-2025-08",
                "path",
                "ALB",
                "-t",
                "3",
                "--by",
                "2030",
                "--from",
                "2022",
                "-c",
                "lcu",
            ),
            1,
            r"no ECB rate",
        ),
        Case("history-from-x", ("history", "POL", "--from", "x"), 2, r"'--from'.*valid integer"),
        Case(
            "compare-sort-bogus",
            ("compare", "--sort", "bogus"),
            2,
            r"'--sort': .*'bogus' is not one of 'name'",
        ),
        Case("compare-sort-empty", ("compare", "--sort", ""), 2, r"'--sort': .*'' is not one of"),
        Case("compare-format-xml", ("compare", "--format", "xml"), 2, r"'--format'.*'xml' is not one of"),
        Case("export-format-xml", ("export", "-f", "xml"), 2, r"'--format'.*'xml'"),
        Case("countries-format-empty", ("countries", "-f", ""), 2, r"'--format'.*'' is not one of"),
        Case("compare-currency-JPY", ("compare", "--currency", "JPY"), 2, r"'--currency'.*'JPY' is not one"),
        Case("gap-currency-empty", ("gap", "POL", "-c", ""), 2, r"'--currency'"),
        # Every supported Typer gives the same line, naming the choices; LCU is explained.
        Case(
            "compare-currency-GBP",
            ("compare", "--currency", "GBP"),
            2,
            r"Invalid value for '--currency' / '-c': 'GBP' is not one of 'USD', 'EUR', 'LCU'; "
            r"LCU is each ally's national currency \(local currency units\)$",
        ),
        Case(
            "compare-format-xlsx",
            ("compare", "-f", "xlsx"),
            2,
            r"Invalid value for '--format' / '-f': 'xlsx' is not one of 'table', 'csv', 'json'; "
            r"table for people, csv \(for spreadsheets\) or json for programs$",
        ),
        Case(
            "chart-sort-gap",
            ("chart", "--sort", "gap"),
            2,
            r"Invalid value for '--sort': 'gap' is not one of",
        ),
        Case("share-target-empty", ("share", "-t", ""), 2, r"'--target'.*''"),
    ]


def usage_cases() -> list[Case]:
    return [
        Case("unknown-command", ("frobnicate",), 2, r"No such command 'frobnicate'"),
        Case("empty-command", ("",), 2, r"No such command ''"),
        Case("unknown-option", ("compare", "--bogus"), 2, r"No such option: --bogus"),
        Case("unknown-global-option", ("--bogus", "compare"), 2, r"No such option: --bogus"),
        Case("unknown-option-only", ("compare", "--bogus"), 2, r"No such option: --bogus$"),
        # A global option after the command: say where it goes.
        Case(
            "global-data-after-command",
            ("compare", "--data", "x.json"),
            2,
            r"No such option: --data after the command; global options go before it: "
            r"spendcalc --data PATH compare$",
        ),
        Case(
            "global-data-equals-after-command",
            ("gap", "POL", "--data=x.json"),
            2,
            r"spendcalc --data PATH gap$",
        ),
        Case(
            "global-flag-after-command",
            ("export", "--no-timestamp"),
            2,
            r"--no-timestamp after the command; .*: spendcalc --no-timestamp export$",
        ),
        Case("version-after-command", ("compare", "--version"), 2, r"No such option: --version$"),
        Case("option-without-value", ("compare", "--year"), 2, r"'--year' requires an argument"),
        Case("gap-missing-country", ("gap",), 2, r"Missing argument 'COUNTRY'"),
        Case("path-missing-target", ("path", "POL"), 2, r"Missing option '--target'"),
        Case("path-missing-by", ("path", "POL", "-t", "3"), 2, r"Missing option '--by'"),
        Case("extra-argument", ("compare", "extra"), 2, r"unexpected extra argument.*\(extra\)"),
        Case("data-without-command", ("--data", "x.json"), 2, r"Missing command"),
    ]


def data_file_cases() -> list[Case]:
    def invalid(field: str, message: str) -> str:
        return rf"data\.json: invalid dataset \(1 problem\(s\)\)\n  {re.escape(field)}: {message}"

    def without_name(data: dict[str, Any]) -> None:
        del data["allies"][0]["name"]

    def duplicate_ally(data: dict[str, Any]) -> None:
        data["allies"].append(copy.deepcopy(data["allies"][3]))

    def unknown_source(data: dict[str, Any]) -> None:
        first_share(data)["edition"] = "no-such-source"

    def share_101(data: dict[str, Any]) -> None:
        first_share(data)["pct"] = 101

    def negative_gdp(data: dict[str, Any]) -> None:
        first_gdp(data)["usd_bn"] = -5.0

    def gdp_string(data: dict[str, Any]) -> None:
        first_gdp(data)["usd_bn"] = "5.0"

    def extra_ally_field(data: dict[str, Any]) -> None:
        data["allies"][0]["colour"] = "blue"

    def extra_top_field(data: dict[str, Any]) -> None:
        data["comment"] = "hello"

    def renamed_source(data: dict[str, Any]) -> None:
        data["sources"][2]["id"] = "renamed"  # the IMF's, cited by GDP figures

    def no_allies(data: dict[str, Any]) -> None:
        data["allies"] = []

    def schema_2(data: dict[str, Any]) -> None:
        data["schema_version"] = 3

    def share_for_iceland(data: dict[str, Any]) -> None:
        iceland = next(a for a in data["allies"] if a["iso3"] == "ISL")
        iceland["years"]["2024"]["shares"] = [copy.deepcopy(first_share(data))]

    first_iso3 = BUNDLED_DATA["allies"][3]["iso3"]
    data = ("--data", "{data}", "sources")
    return [
        Case("data-empty", data, 1, r"data\.json: data file is empty", data=b""),
        Case("data-whitespace", data, 1, r"data\.json: data file is empty", data=b" \n\t\r\n  "),
        Case(
            "data-truncated",
            data,
            1,
            r"data\.json: not valid JSON: .*\(line \d+, column \d+\)",
            data=BUNDLED[:1000],
        ),
        Case(
            "data-deeply-nested",
            data,
            1,
            r"data\.json: JSON is nested too deeply",
            data=b"[" * DEPTH + b"]" * DEPTH,
        ),
        Case(
            "data-deeply-nested-objects",
            data,
            1,
            r"data\.json: JSON is nested too deeply",
            data=b'{"a":' * DEPTH + b"1" + b"}" * DEPTH,
        ),
        Case(
            "data-nested-500",
            data,
            1,
            r"data\.json: invalid dataset .*\n.*\(top level\): Input should be an object",
            data=b"[" * 500 + b"]" * 500,
        ),
        Case("data-bom", data, 1, r"data\.json: .*byte-order mark", data=b"\xef\xbb\xbf" + BUNDLED),
        Case("data-utf16", data, 1, r"data\.json: .*byte-order mark", data=BUNDLED.decode().encode("utf-16")),
        Case(
            "data-utf16-no-bom",
            data,
            1,
            r"data\.json: not UTF-8 text \(invalid byte at offset \d+\)",
            data=BUNDLED.decode().encode("utf-16-le"),
        ),
        Case(
            "data-latin1",
            data,
            1,
            r"data\.json: not UTF-8 text",
            data=replace_once(b"Turkey", b"T\xfcrkiye"),
        ),
        Case(
            "data-duplicate-keys",
            data,
            1,
            r"data\.json: duplicate key 'schema_version' in a JSON object",
            data=replace_once(b'"schema_version": 2,', b'"schema_version": 2,\n "schema_version": 2,'),
        ),
        Case(
            "data-duplicate-ally",
            data,
            1,
            invalid("allies", f"duplicate ISO3 code '{first_iso3}'"),
            data=mutated(duplicate_ally),
        ),
        Case(
            "data-unknown-source",
            data,
            1,
            r"data\.json: invalid dataset .*\n  allies\[0\]\.years\.2014\.shares\[1\]\.edition: "
            r"unknown edition 'no-such-source'",
            data=mutated(unknown_source),
        ),
        Case("data-renamed-source", data, 1, r"unknown source id", data=mutated(renamed_source)),
        Case(
            "data-share-101",
            data,
            1,
            invalid("allies[0].years.2014.shares[1].pct", "must be ≤ 100"),
            data=mutated(share_101),
        ),
        Case(
            "data-negative-gdp",
            data,
            1,
            invalid("allies[0].years.2014.gdp.usd_bn", "must be > 0"),
            data=mutated(negative_gdp),
        ),
        Case(
            "data-gdp-string",
            data,
            1,
            invalid("allies[0].years.2014.gdp.usd_bn", "Input should be a valid number"),
            data=mutated(gdp_string),
        ),
        Case(
            "data-nan",
            data,
            1,
            r"data\.json: NaN is not a number JSON allows",
            data=replace_once(FIRST_PCT, b'"pct": NaN'),
        ),
        Case(
            "data-infinity",
            data,
            1,
            r"data\.json: Infinity is not a number JSON allows",
            data=replace_once(FIRST_PCT, b'"pct": Infinity'),
        ),
        Case(
            "data-minus-infinity",
            data,
            1,
            r"data\.json: -Infinity is not a number JSON allows",
            data=replace_once(FIRST_PCT, b'"pct": -Infinity'),
        ),
        Case(
            "data-year-abc",
            data,
            1,
            invalid("allies[0].years", "year 'abc' must be written as four digits, e.g. 2024"),
            data=extra_year("abc"),
        ),
        Case(
            "data-year-20x4",
            data,
            1,
            invalid("allies[0].years", "year '20x4' must be written as four digits, e.g. 2024"),
            data=extra_year("20x4"),
        ),
        Case(
            "data-year-1800",
            data,
            1,
            invalid("allies[0].years.1800", "must be ≥ 1900"),
            data=extra_year("1800"),
        ),
        Case(
            "data-missing-name",
            data,
            1,
            invalid("allies[0].name", "required field is missing"),
            data=mutated(without_name),
        ),
        Case(
            "data-extra-field",
            data,
            1,
            invalid("allies[0].colour", "unknown field"),
            data=mutated(extra_ally_field),
        ),
        Case(
            "data-extra-top-field",
            data,
            1,
            invalid("comment", "unknown field"),
            data=mutated(extra_top_field),
        ),
        Case("data-no-allies", data, 1, r"invalid dataset .*\n  allies: ", data=mutated(no_allies)),
        Case("data-schema-3", data, 1, r"invalid dataset .*\n  schema_version: ", data=mutated(schema_2)),
        Case(
            "data-share-without-armed-forces",
            data,
            1,
            r"without armed forces cannot have",
            data=mutated(share_for_iceland),
        ),
        Case("data-list", data, 1, r"\(top level\): Input should be an object", data=b"[]"),
        Case("data-null", data, 1, r"\(top level\): Input should be an object", data=b"null"),
        Case("data-number", data, 1, r"\(top level\): Input should be an object", data=b"42"),
        Case("data-garbage", data, 1, r"data\.json: not valid JSON", data=b"\x00\x01garbage"),
        Case(
            "data-two-documents", data, 1, r"data\.json: not valid JSON: Extra data", data=BUNDLED + BUNDLED
        ),
        Case("data-directory", ("--data", "{tmp}", "sources"), 1, r"is a directory, not a data file"),
        Case(
            "data-missing",
            ("--data", "{tmp}/missing.json", "sources"),
            1,
            r"missing\.json: no such data file",
        ),
        Case("data-empty-path", ("--data", "", "sources"), 1, r"is a directory, not a data file"),
        Case("data-dev-zero", ("--data", "/dev/zero", "sources"), 1, r"larger than the 10 MB limit"),
        Case("data-dev-null", ("--data", "/dev/null", "sources"), 1, r"/dev/null: data file is empty"),
        # A bad dataset fails every command the same way, not only `sources`.
        Case("data-empty-compare", ("--data", "{data}", "compare"), 1, r"data file is empty", data=b""),
        Case("data-empty-gap", ("--data", "{data}", "gap", "POL"), 1, r"data file is empty", data=b""),
        Case("data-empty-export-json", ("--data", "{data}", "export", "-f", "json"), 1, r"empty", data=b""),
    ]


def output_cases() -> list[Case]:
    return [
        Case(
            "output-directory", ("export", "-o", "{tmp}"), 1, r"is a directory; give a file name for --output"
        ),
        Case(
            "output-missing-directory",
            ("export", "-o", "{tmp}/missing/out.csv"),
            1,
            r"directory '.*missing' does not exist",
        ),
        Case("output-empty", ("export", "-o", ""), 1, r"is a directory; give a file name"),
        Case(
            "output-read-only",
            ("export", "-o", "{data}"),
            1,
            r"data\.json: file is read-only; not replaced",
            data=b"old content\n",
            mode=0o444,
        ),
        Case(
            "output-read-only-compare-json",
            ("compare", "-f", "json", "-o", "{data}"),
            1,
            r"read-only",
            data=b"old content\n",
            mode=0o444,
        ),
        # The destination is checked for every command, not only export.
        Case("output-directory-gap", ("gap", "POL", "-o", "{tmp}"), 1, r"is a directory"),
        Case(
            "output-file-as-directory",
            ("export", "-o", "{data}/out.csv"),
            1,
            r"is not a directory",
            data=b"x",
        ),
    ]


def environment_cases() -> list[Case]:
    return [
        Case(
            "env-data-missing",
            ("compare",),
            1,
            r"/nonexistent: no such data file \(from SPENDCALC_DATA\)$",
            env=(("SPENDCALC_DATA", "/nonexistent"),),
        ),
        Case(
            "env-data-directory",
            ("compare",),
            1,
            r"is a directory, not a data file \(from SPENDCALC_DATA\)",
            env=(("SPENDCALC_DATA", "{tmp}"),),
        ),
        Case(
            "env-data-overridden-by-option",
            ("--data", "{tmp}/missing.json", "compare"),
            1,
            r"missing\.json: no such data file$",
            env=(("SPENDCALC_DATA", "/nonexistent"),),
        ),
        Case(
            "env-data-invalid",
            ("sources",),
            1,
            r"data\.json: data file is empty \(from SPENDCALC_DATA\)$",
            env=(("SPENDCALC_DATA", "{data}"),),
            data=b"",
        ),
        Case(
            "env-epoch-abc",
            ("export", "--format", "json"),
            1,
            r"SOURCE_DATE_EPOCH='abc' is not a whole number of seconds",
            env=(("SOURCE_DATE_EPOCH", "abc"),),
        ),
        Case(
            "env-epoch-empty",
            ("export", "-f", "json"),
            1,
            r"SOURCE_DATE_EPOCH=''",
            env=(("SOURCE_DATE_EPOCH", ""),),
        ),
        Case(
            "env-epoch-float",
            ("export", "-f", "json"),
            1,
            r"SOURCE_DATE_EPOCH='1e9'",
            env=(("SOURCE_DATE_EPOCH", "1e9"),),
        ),
        Case(
            "env-epoch-overflow",
            ("export", "-f", "json"),
            1,
            r"SOURCE_DATE_EPOCH='99999999999999999999' is out of range",
            env=(("SOURCE_DATE_EPOCH", "99999999999999999999"),),
        ),
        Case(
            "env-epoch-year-10000",
            ("export", "-f", "json"),
            1,
            r"SOURCE_DATE_EPOCH='253402300800' is out of range",
            env=(("SOURCE_DATE_EPOCH", "253402300800"),),
        ),
    ]


CASES = [
    *country_cases(),
    *target_cases(),
    *year_cases(),
    *option_type_cases(),
    *usage_cases(),
    *data_file_cases(),
    *output_cases(),
    *environment_cases(),
]


def test_case_ids_are_unique() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert len(CASES) >= 150


def fill(text: str, tmp: Path, data_path: Path) -> str:
    return text.replace("{tmp}", str(tmp)).replace("{data}", str(data_path))


def invoke(argv: list[str], env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, argv, env=env)


def non_empty_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def part_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".part"))


def assert_clean_failure(result: Result, exit_code: int, pattern: str) -> None:
    """The contract of every failure: status, a short stderr naming the problem, no traceback, no stdout."""
    shown = f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == exit_code, shown
    assert "Traceback" not in result.stdout + result.stderr, shown
    assert result.stdout == "", shown
    lines = non_empty_lines(result.stderr)
    assert 1 <= len(lines) <= 4, shown
    assert re.search(pattern, result.stderr), f"stderr does not match {pattern!r}\n{shown}"
    # Nothing of the machinery: pydantic's prefix (Typer 0.26 and later) or click 8.2's empty env var.
    assert "Value error" not in result.stderr, shown
    assert "env var" not in result.stderr, shown
    if exit_code == 1:
        assert lines[0].startswith(ERROR_PREFIX), shown
    else:
        assert lines[-1].startswith("Error: "), shown  # usage errors end with the message itself


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_path = tmp_path / "data.json"
    if case.data is not None:
        data_path.write_bytes(case.data)
        if case.mode is not None:
            data_path.chmod(case.mode)
            access_as_a_user(monkeypatch)
    argv = [fill(arg, tmp_path, data_path) for arg in case.argv]
    env = {name: fill(value, tmp_path, data_path) for name, value in case.env} or None
    try:
        result = invoke(argv, env)
    finally:
        if case.mode is not None:
            data_path.chmod(0o644)
    assert_clean_failure(result, case.exit_code, case.stderr)
    # A failed run changes nothing: the input (or the refused output) is intact, no temporary file is left.
    if case.data is not None:
        assert data_path.read_bytes() == case.data
    assert part_files(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == (["data.json"] if case.data is not None else [])


def test_no_arguments_prints_help_on_stderr_only() -> None:
    result = invoke([])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Usage: spendcalc [OPTIONS] COMMAND [ARGS]...")
    assert "Commands:" in result.stderr


# --- environments that must still work ---------------------------------------------------------------

WORKING_ENVIRONMENTS = {
    "no-color": {"NO_COLOR": "1"},
    "no-color-empty": {"NO_COLOR": ""},
    "columns-abc": {"COLUMNS": "abc"},
    "columns-zero": {"COLUMNS": "0"},
    "columns-negative": {"COLUMNS": "-3"},
    "columns-huge": {"COLUMNS": "99999"},
    "lines-abc": {"LINES": "abc"},
    "data-empty": {"SPENDCALC_DATA": ""},
    "term-dumb": {"TERM": "dumb"},
    "epoch-negative": {"SOURCE_DATE_EPOCH": "-1"},
    "epoch-zero": {"SOURCE_DATE_EPOCH": "0"},
    "lang-bogus": {"LANG": "xx_YY.bogus", "LC_ALL": "xx_YY.bogus"},
}


@pytest.mark.parametrize("command", [("compare",), ("export", "-f", "json"), ("gap", "POL")], ids=" ".join)
@pytest.mark.parametrize("env", list(WORKING_ENVIRONMENTS.values()), ids=list(WORKING_ENVIRONMENTS))
def test_harmless_environment_still_works(env: dict[str, str], command: tuple[str, ...]) -> None:
    result = invoke(list(command), env)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "Traceback" not in result.stdout
    assert "\x1b[" not in result.stdout  # not a terminal: no colour, whatever the environment says
    assert "Poland" in result.stdout
    if env.get("COLUMNS", "99999").isdigit() and env.get("COLUMNS") != "0":
        # (An invalid COLUMNS falls back to the width of whatever terminal runs pytest: not checked.)
        assert "…" not in result.stdout  # nothing cut to fit


def test_no_timestamp_ignores_a_bad_source_date_epoch() -> None:
    result = invoke(["--no-timestamp", "export", "-f", "json"], {"SOURCE_DATE_EPOCH": "abc"})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["metadata"]["generated"] is None


# --- through the installed script: full disks, bytes that are not UTF-8, big files ---------------------

needs_script = pytest.mark.skipif(SPENDCALC is None, reason="the spendcalc console script is not installed")
needs_dev_full = pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")


def script_env() -> dict[str, str]:
    return dict(os.environ)


def run_script(
    *args: str, env: dict[str, str] | None = None, stdout: Any = subprocess.PIPE
) -> subprocess.CompletedProcess[bytes]:
    assert SPENDCALC is not None
    return subprocess.run(
        [SPENDCALC, *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=script_env() if env is None else env,
        timeout=60,
        check=False,
    )


@needs_script
@needs_dev_full
@pytest.mark.parametrize("command", [("export",), ("compare", "-f", "json"), ("countries",)], ids=" ".join)
def test_output_onto_dev_full(command: tuple[str, ...]) -> None:
    result = run_script(*command, "-o", "/dev/full")
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert result.stdout == b""
    assert "Traceback" not in stderr
    assert non_empty_lines(stderr) == [f"{ERROR_PREFIX}/dev/full: cannot write (No space left on device)"]


@needs_script
@needs_dev_full
@pytest.mark.parametrize("command", [("export",), ("compare",)], ids=" ".join)
def test_stdout_onto_dev_full(command: tuple[str, ...]) -> None:
    with Path("/dev/full").open("wb") as full:
        result = run_script(*command, stdout=full)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert "Traceback" not in stderr, stderr
    lines = non_empty_lines(stderr)
    assert len(lines) == 1, stderr
    assert re.search(r"cannot write|No space", lines[0]), stderr


NOT_UTF8 = b"\xff".decode("utf-8", "surrogateescape")
"""The argument b'\\xff' as Python sees it on a POSIX system (os.fsdecode)."""


@needs_script
@pytest.mark.parametrize(
    ("args", "exit_code", "pattern"),
    [
        (("gap", NOT_UTF8), 1, r"^spendcalc: error: unknown country '\\udcff'"),
        (("gap", "Pol" + NOT_UTF8), 1, r"unknown country"),
        (("history", NOT_UTF8), 1, r"unknown country"),
        (("gap", "POL", "-t", NOT_UTF8), 2, r"'--target'"),
        (("compare", "--year", NOT_UTF8), 2, r"'--year'"),
        (("compare", "--sort", NOT_UTF8), 2, r"'--sort'"),
        (("--data", NOT_UTF8, "sources"), 1, r"no such data file"),
        ((NOT_UTF8,), 2, r"No such command"),
    ],
    ids=["gap", "gap-mixed", "history", "target", "year", "sort", "data", "command"],
)
def test_argument_not_utf8(args: tuple[str, ...], exit_code: int, pattern: str) -> None:
    assert os.fsencode(NOT_UTF8) == b"\xff"
    # The C locale is where bytes that are not UTF-8 come from (and where stderr could not encode them).
    result = run_script(*args, env={**script_env(), "LC_ALL": "C"})
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == exit_code, stderr
    assert result.stdout == b""
    assert "Traceback" not in stderr
    lines = non_empty_lines(stderr)
    assert 1 <= len(lines) <= 4, stderr
    assert len([line for line in lines if "rror" in line]) == 1, stderr
    assert re.search(pattern, stderr, re.MULTILINE), stderr


@needs_script
def test_fifty_megabyte_data_file_fails_fast(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as handle:  # a valid JSON document: one 50 MB string
        handle.write(b'"')
        chunk = b"a" * (1024 * 1024)
        for _ in range(50):
            handle.write(chunk)
        handle.write(b'"')
    assert big.stat().st_size > 50 * 1024 * 1024
    started = time.monotonic()
    result = run_script("--data", str(big), "sources")
    elapsed = time.monotonic() - started
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert result.stdout == b""
    assert non_empty_lines(stderr) == [f"{ERROR_PREFIX}{big}: data file is larger than the 10 MB limit"]
    assert elapsed < 10, f"took {elapsed:.1f} s: the size check must come before reading it all"


# --- figures at the edge of what a float holds ------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["json", "csv"])
def test_huge_growth_is_refused(output_format: str) -> None:
    """A growth rate that would overflow GDP to infinity is a usage error, whatever the format."""
    result = invoke(["path", "POL", "-t", "3", "--by", "2035", "--growth", "1e308", "-f", output_format])
    assert_clean_failure(result, 2, r"'--growth': growth 1e\+308% must be a finite number above -100")


@pytest.mark.parametrize("alias", ["02014", " 2014", "2_014"])
def test_two_keys_for_the_same_year_are_rejected(alias: str, tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        years = data["allies"][0]["years"]
        years[alias] = copy.deepcopy(years["2014"])
        years[alias]["shares"][-1]["pct"] = 9.99

    path = tmp_path / "data.json"
    path.write_bytes(mutated(change))
    result = invoke(["--data", str(path), "history", BUNDLED_DATA["allies"][0]["iso3"]])
    assert_clean_failure(result, 1, rf"year {re.escape(repr(alias))} must be written as four digits")


def test_output_into_a_missing_directory_with_trailing_slash(tmp_path: Path) -> None:
    target = tmp_path / "reports"
    result = invoke(["export", "-o", f"{target}/"])
    assert not target.exists(), "a file was written under the directory's name"
    assert_clean_failure(result, 1, r"reports")


def test_table_on_an_80_column_terminal_loses_nothing() -> None:
    result = invoke(["export", "--format", "table"], {"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "…" not in result.stdout
    for ally in BUNDLED_DATA["allies"]:
        assert ally["iso3"] in result.stdout


@pytest.mark.parametrize(
    ("argv", "column"),
    [
        (("compare", "-f", "CSV", "-c", "eur"), "currency"),
        (("export", "--format", " Json "), None),
        (("compare", "--sort", "GAP", "-f", "csv"), None),
    ],
)
def test_choices_in_any_case(argv: tuple[str, ...], column: str | None) -> None:
    result = invoke(list(argv))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip()
    if column is not None:
        assert column in result.stdout.splitlines()[0].split(",")


@pytest.mark.parametrize(
    ("command", "usage", "argument"),
    [
        (("gap",), "Usage: spendcalc gap [OPTIONS] COUNTRY", "COUNTRY "),
        (("history",), "Usage: spendcalc history [OPTIONS] [COUNTRY]", "[COUNTRY] "),
        (("pledges",), "Usage: spendcalc pledges [OPTIONS] [COUNTRY]", "[COUNTRY] "),
        (("compare",), "Usage: spendcalc compare [OPTIONS]", None),
    ],
)
def test_usage_lines_are_the_same_on_every_typer(
    command: tuple[str, ...], usage: str, argument: str | None
) -> None:
    """Not `{COUNTRY}`, `[[COUNTRY]]` or `COUNTRY <str>` (Typer 0.26 and later)."""
    result = invoke([*command, "--help"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == usage
    assert "<str>" not in result.stdout
    assert "{" not in result.stdout.splitlines()[0]
    if argument is not None:
        arguments = result.stdout.split("Arguments:\n", 1)[1].splitlines()[0]
        assert arguments.strip().startswith(argument)


def test_choice_options_show_their_choices() -> None:
    result = invoke(["compare", "--help"])
    assert result.exit_code == 0
    assert "-c, --currency [USD|EUR|LCU]" in result.stdout
    assert "-f, --format [table|csv|json]" in result.stdout
    assert "--sort [name|share|gap]" in result.stdout
