"""Bad input through the command line: the right exit status, one clear line on stderr, nothing on stdout.

Exit status 1 is an error in what the command was asked to do (unknown country, year without data, bad
dataset, unwritable output); 2 is a usage error (an option value that can never be valid).
"""

from __future__ import annotations

import csv
import io
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from support import DATA_FILE, access_as_a_user, invoke, load_raw, write_copy

ERROR_PREFIX = "spendcalc: error: "


def ally_index(data: dict[str, Any], iso3: str) -> int:
    return next(i for i, a in enumerate(data["allies"]) if a["iso3"] == iso3)


def fails(*args: str, env: dict[str, str] | None = None) -> str:
    """Run a command that must fail with exit status 1 and one error line; return that line."""
    result = invoke(*args, env=env)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(ERROR_PREFIX)
    return lines[0]


def usage_error(*args: str) -> str:
    """Run a command that must fail with exit status 2; return its one `Error:` line."""
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert result.stderr.rstrip("\n").endswith(errors[0])  # the message is the last thing said
    return errors[0]


def years_span() -> str:
    data = load_raw()
    years = sorted({int(y) for a in data["allies"] for y, r in a["years"].items() if r.get("shares")})
    return f"{years[0]}–{years[-1]}"


def part_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.name.endswith(".part"))


# --- countries, targets, years, options ----------------------------------------------------------


def test_unknown_country_suggests_the_closest() -> None:
    line = fails("gap", "portgal")
    assert "portgal" in line
    assert "did you mean Portugal" in line


def test_ambiguous_country_names_the_candidates() -> None:
    line = fails("gap", "slov")
    assert "ambiguous" in line
    assert "Slovakia" in line
    assert "Slovenia" in line


def test_empty_country() -> None:
    assert "country is empty" in fails("gap", "")


@pytest.mark.parametrize("target", ["abc", "-1", "0", "101", "nan", "inf", "equipment-20pct"])
def test_invalid_target_is_a_usage_error(target: str) -> None:
    line = usage_error("gap", "POL", "--target", target)
    assert "--target" in line
    assert repr(target) in line


def test_equipment_target_is_not_a_share_of_gdp() -> None:
    assert "defence expenditure" in usage_error("compare", "--target", "equipment-20pct")


@pytest.mark.parametrize("command", ["gap", "compare", "export"])
def test_year_without_data(command: str) -> None:
    args = [command, "--year", "2040"] if command != "gap" else ["gap", "POL", "--year", "2040"]
    line = fails(*args)
    assert "2040" in line
    assert years_span() in line
    assert years_span() == "2014–2026"


def test_bad_sort_key() -> None:
    line = usage_error("compare", "--sort", "bogus")
    assert "--sort" in line
    assert "bogus" in line
    for key in ("name", "share", "gap"):
        assert key in line


@pytest.mark.parametrize("current", ["-1", "101", "nan"])
def test_current_share_out_of_range(current: str) -> None:
    assert "current share" in usage_error("gap", "POL", "--current", current)


def test_current_share_for_an_ally_without_armed_forces() -> None:
    line = fails("gap", "Iceland", "--current", "2")
    assert "Iceland" in line
    assert "no armed forces" in line


def test_bad_source_date_epoch() -> None:
    line = fails("export", "--format", "json", env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert "SOURCE_DATE_EPOCH" in line


# --- datasets ------------------------------------------------------------------------------------


def test_data_file_missing(tmp_path: Path) -> None:
    path = tmp_path / "missing.json"
    line = fails("--data", str(path), "sources")
    assert str(path) in line
    assert "no such data file" in line


def test_data_file_missing_through_environment(tmp_path: Path) -> None:
    path = tmp_path / "missing.json"
    line = fails("compare", env={"SPENDCALC_DATA": str(path)})
    assert str(path) in line


def test_data_is_a_directory(tmp_path: Path) -> None:
    line = fails("--data", str(tmp_path), "sources")
    assert str(tmp_path) in line
    assert "is a directory" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a file with mode 000")
def test_data_file_unreadable(tmp_path: Path) -> None:
    path = write_copy(load_raw(), tmp_path / "locked.json")
    path.chmod(0)
    try:
        line = fails("--data", str(path), "sources")
    finally:
        path.chmod(0o600)
    assert str(path) in line
    assert "cannot read" in line


def test_data_file_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"schema_version": 1,', encoding="utf-8")
    line = fails("--data", str(path), "sources")
    assert str(path) in line
    assert "not valid JSON" in line
    assert "line 1" in line


def test_data_file_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.json"
    path.write_bytes(b'{"a": "\xff"}')
    line = fails("--data", str(path), "sources")
    assert str(path) in line
    assert "not UTF-8" in line


def test_data_file_with_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + DATA_FILE.read_bytes())
    line = fails("--data", str(path), "sources")
    assert "byte-order mark" in line


def test_data_file_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    assert "empty" in fails("--data", str(path), "sources")


def test_data_file_failing_validation(tmp_path: Path) -> None:
    data = load_raw()
    index = ally_index(data, "POL")
    data["allies"][index]["years"]["2024"]["shares"][-1]["pct"] = 101
    path = write_copy(data, tmp_path / "too-much.json")
    result = invoke("--data", str(path), "gap", "POL")
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith(ERROR_PREFIX)
    assert path.name in lines[0]
    assert "invalid dataset (1 problem(s))" in lines[0]
    assert lines[1:] == [f"  allies[{index}].years.2024.shares[1].pct: must be ≤ 100"]


def test_data_file_failing_validation_as_a_subprocess(tmp_path: Path) -> None:
    """Through the real entry point too: a message, no traceback."""
    data = load_raw()
    data["allies"][0]["years"]["2024"]["shares"][-1]["pct"] = 101
    path = write_copy(data, tmp_path / "too-much.json")
    done = subprocess.run(
        [sys.executable, "-m", "spendcalc", "--data", str(path), "compare"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(ERROR_PREFIX)
    assert "allies[0].years.2024.shares[1].pct: must be ≤ 100" in done.stderr


# --- output --------------------------------------------------------------------------------------


def test_output_into_missing_directory(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "out.csv"
    line = fails("export", "--output", str(path))
    assert str(path) in line
    assert "does not exist" in line
    assert list(tmp_path.iterdir()) == []


def test_output_onto_a_directory(tmp_path: Path) -> None:
    line = fails("countries", "--output", str(tmp_path))
    assert "is a directory" in line
    assert list(tmp_path.iterdir()) == []


def test_output_onto_a_read_only_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    access_as_a_user(monkeypatch)
    path = tmp_path / "keep.csv"
    path.write_text("keep me\n", encoding="utf-8")
    path.chmod(0o444)
    line = fails("targets", "-f", "csv", "--output", str(path))
    assert "read-only" in line
    assert path.read_text(encoding="utf-8") == "keep me\n"


def test_existing_output_file_is_replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / "targets.csv"
    path.write_text("x" * 200_000 + "\n", encoding="utf-8")  # longer than the new content
    expected = invoke("targets", "--format", "csv").stdout
    result = invoke("targets", "--format", "csv", "--output", str(path))
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == expected
    assert part_files(tmp_path) == []
    assert [p.name for p in tmp_path.iterdir()] == ["targets.csv"]


def test_failed_command_leaves_existing_output_alone(tmp_path: Path) -> None:
    path = tmp_path / "gap.csv"
    path.write_text("old\n", encoding="utf-8")
    fails("gap", "portgal", "--output", str(path))
    assert path.read_text(encoding="utf-8") == "old\n"
    assert part_files(tmp_path) == []


def _limit_file_size() -> None:
    # Writes beyond 4 kB fail with EFBIG instead of killing the process with SIGXFSZ.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_write_failure_leaves_no_part_file_and_old_content(tmp_path: Path) -> None:
    path = tmp_path / "grid.csv"
    path.write_text("old\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "spendcalc", "export", "--output", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=_limit_file_size,  # the test process is single-threaded
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(ERROR_PREFIX)
    assert str(path) in lines[0]
    assert "cannot write" in lines[0]
    assert path.read_text(encoding="utf-8") == "old\n"
    assert part_files(tmp_path) == []


# --- spreadsheet safety --------------------------------------------------------------------------


def test_csv_export_neutralises_formulas(tmp_path: Path) -> None:
    data = load_raw()
    formula = '=HYPERLINK("x")'
    data["allies"][ally_index(data, "POL")]["name"] = formula
    path = write_copy(data, tmp_path / "formula.json")
    result = invoke("--data", str(path), "export", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    names = [r["name"] for r in rows if r["iso3"] == "POL"]
    assert len(names) == 4
    assert all(name == "'" + formula for name in names)
    assert not any(r["name"].startswith(("=", "+", "-", "@")) for r in rows)
