"""The installed `spendcalc` script, run as a user would: real processes, real pipes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import spendcalc
from support import EXPORT_HEADER

ROOT = Path(__file__).resolve().parents[1]
DATA_FILE = ROOT / "data" / "allies.json"
SCRIPT = shutil.which("spendcalc")
needs_script = pytest.mark.skipif(SCRIPT is None, reason="the spendcalc script is not on PATH")


def clean_env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("SPENDCALC_DATA", "SOURCE_DATE_EPOCH", "COLUMNS", "FORCE_COLOR", "NO_COLOR"):
        env.pop(name, None)
    return env


def run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False, env=clean_env())


def shell(command: str) -> subprocess.CompletedProcess[str]:
    """Run a pipeline under bash without pipefail, so the status is the last command's."""
    return run(["bash", "-c", f"set +o pipefail; {command}"])


@needs_script
def test_compare_lists_every_ally() -> None:
    assert SCRIPT is not None
    done = run([SCRIPT, "compare"])
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    names = sorted(a["name"] for a in json.loads(DATA_FILE.read_text(encoding="utf-8"))["allies"])
    lines = done.stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip().startswith("Albania"))
    last = next(i for i, line in enumerate(lines) if line.strip().startswith("United States"))
    assert last - first == len(names) - 1
    for name in names:
        assert name in done.stdout


@needs_script
def test_export_into_head() -> None:
    done = shell(f"'{SCRIPT}' export | head -1")
    assert done.returncode == 0
    assert done.stdout == EXPORT_HEADER + "\n"
    assert done.stderr == ""


@needs_script
def test_compare_into_head() -> None:
    done = shell(f"'{SCRIPT}' compare | head -3")
    assert done.returncode == 0
    assert len(done.stdout.splitlines()) == 3
    assert "Defence spending" in done.stdout.splitlines()[0]
    assert done.stderr == ""


@needs_script
def test_reader_gone_after_one_line_is_quiet_and_successful() -> None:
    """Output far larger than a pipe buffer, with the reader gone after the first line."""
    assert SCRIPT is not None
    targets = [arg for pct in range(1, 41) for arg in ("--target", str(pct))]
    process = subprocess.Popen(
        [SCRIPT, "export", *targets],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=clean_env(),
    )
    assert process.stdout is not None
    assert process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    errors = process.stderr.read()
    status = process.wait(timeout=60)
    process.stderr.close()
    assert first.decode() == EXPORT_HEADER + "\n"
    assert errors == b""
    assert status == 0


def _run_into_closed_pipe(args: list[str]) -> tuple[int, bytes]:
    """Run with stdout a pipe whose reader is already gone, as in `spendcalc export | true`."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        done = subprocess.run(
            args, stdout=writer, stderr=subprocess.PIPE, timeout=60, check=False, env=clean_env()
        )
    finally:
        os.close(writer)
    return done.returncode, done.stderr


@needs_script
@pytest.mark.parametrize("command", ["export", "compare"])
def test_reader_gone_before_any_output_is_quiet(command: str) -> None:
    assert SCRIPT is not None
    _, errors = _run_into_closed_pipe([SCRIPT, command])
    assert errors == b""


@needs_script
@pytest.mark.parametrize("command", ["export", "compare"])
def test_reader_gone_before_any_output_exits_0(command: str) -> None:
    assert SCRIPT is not None
    status, _ = _run_into_closed_pipe([SCRIPT, command])
    assert status == 0


def test_python_dash_m_version() -> None:
    done = run([sys.executable, "-m", "spendcalc", "--version"])
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"spendcalc {spendcalc.__version__}\n"
    assert done.stderr == ""


@needs_script
def test_script_version_matches_package() -> None:
    assert SCRIPT is not None
    done = run([SCRIPT, "--version"])
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"spendcalc {spendcalc.__version__}\n"


@needs_script
@pytest.mark.parametrize("command", ["compare", "export", "--version", "gap POL -o {tmp}/out.txt"])
def test_stdout_closed_is_one_line_or_unneeded(command: str, tmp_path: Path) -> None:
    """`spendcalc compare >&-`: exit 1 and one line, unless the output goes to a file."""
    done = shell(f"'{SCRIPT}' {command.format(tmp=tmp_path)} >&-")
    assert "Traceback" not in done.stderr, done.stderr
    if "-o" in command:
        assert done.returncode == 0, done.stderr
        assert done.stderr == f"wrote {tmp_path}/out.txt\n"
    else:
        assert done.returncode == 1
        assert len(done.stderr.splitlines()) == 1
        assert done.stderr.startswith("spendcalc: error: stdout is closed")


@needs_script
@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["gap", "TUR"], "Turkiye"),
        (["compare"], "Poland"),
        (["export", "-f", "json"], "Poland"),
        (["history", "POL"], "Poland"),
    ],
)
def test_an_encoding_without_every_character(encoding: str, args: list[str], shown: str) -> None:
    """PYTHONIOENCODING=ascii or latin-1: the nearest characters (a minus stays a minus), no traceback."""
    assert SCRIPT is not None
    env = clean_env() | {"PYTHONIOENCODING": encoding}
    done = subprocess.run([SCRIPT, *args], capture_output=True, timeout=60, check=False, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    text = done.stdout.decode(encoding)
    assert shown in text or shown.replace("Turkiye", "Türkiye") in text
    if args == ["gap", "TUR"]:
        assert re.search(r"  -0\.\d\d  ", text), text  # Türkiye above 2.5%: a surplus, with its sign


@needs_script
@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_an_error_in_an_encoding_without_every_character(encoding: str) -> None:
    assert SCRIPT is not None
    env = clean_env() | {"PYTHONIOENCODING": encoding}
    done = subprocess.run([SCRIPT, "gap", "Türkiyé€"], capture_output=True, timeout=60, check=False, env=env)
    assert done.returncode == 1
    assert done.stdout == b""
    assert b"Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1
