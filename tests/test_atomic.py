"""`--output` is atomic: an existing file is either left exactly as it was or replaced by a complete new
one, whatever happens (a full disk, Ctrl-C, SIGTERM), and no temporary file is left behind. Exports are
deterministic when asked to be.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from spendcalc.cli.app import Stopped, app
from spendcalc.errors import SpendcalcError
from spendcalc.output import files as output
from spendcalc.reports.gap import EXPORT_COLUMNS

SPENDCALC = shutil.which("spendcalc")
OLD = "old,content\nkept,whole\n"
EXPORT_LINES = 1 + (32 + 2) * 4
"""The header, then a row per ally and default target, then per group total (NATO, Europe and Canada)."""
"""`spendcalc export` with the bundled data: a header and 32 allies × 4 default targets."""


def leftovers(directory: Path, name: str = "out.csv") -> list[str]:
    """Temporary files of output.write_text (`.<name>.*.part`), and anything else ending in .part."""
    return sorted(
        {p.name for p in directory.glob(f".{name}.*.part")} | {p.name for p in directory.glob("*.part")}
    )


def invoke(args: list[str], env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(app, args, env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


# --- (a), (b): a write that fails or is interrupted half-way ---------------------------------------------


def _raising(error: BaseException) -> Callable[[int], None]:
    calls: list[int] = []

    def fsync(descriptor: int) -> None:
        calls.append(descriptor)
        raise error

    return fsync


FAILURES: dict[str, tuple[BaseException, type[BaseException], str | None]] = {
    "enospc": (OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), SpendcalcError, "No space left on device"),
    "eio": (OSError(errno.EIO, os.strerror(errno.EIO)), SpendcalcError, "cannot write"),
    "sigint": (Stopped(signal.SIGINT), Stopped, None),
    "sigterm": (Stopped(signal.SIGTERM), Stopped, None),
    "keyboard-interrupt": (KeyboardInterrupt(), KeyboardInterrupt, None),
}


@pytest.mark.parametrize("existing", [True, False], ids=["existing-file", "new-file"])
@pytest.mark.parametrize("failure", list(FAILURES), ids=list(FAILURES))
def test_failure_at_fsync_keeps_the_old_file(
    failure: str, existing: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    error, expected, message = FAILURES[failure]
    target = tmp_path / "out.csv"
    if existing:
        target.write_text(OLD, encoding="utf-8")
    fsync = _raising(error)
    monkeypatch.setattr("spendcalc.output.files.os.fsync", fsync)
    with pytest.raises(expected) as raised:
        output.write_text("new,content\n" * 1000, str(target))
    if message is not None:
        assert isinstance(raised.value, SpendcalcError)
        assert str(target) in raised.value.message
        assert message in raised.value.message
    else:
        assert raised.value is error  # propagated as it is, so that the CLI reports the signal
    if existing:
        assert target.read_text(encoding="utf-8") == OLD
    else:
        assert not target.exists()
    assert leftovers(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == (["out.csv"] if existing else [])


def test_failure_at_rename_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.csv"
    target.write_text(OLD, encoding="utf-8")

    def replace(self: Path, destination: object) -> Path:
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

    monkeypatch.setattr(Path, "replace", replace)
    with pytest.raises(SpendcalcError, match="cannot write"):
        output.write_text("new\n", str(target))
    assert target.read_text(encoding="utf-8") == OLD
    assert leftovers(tmp_path) == []


def test_export_through_the_cli_survives_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.csv"
    target.write_text(OLD, encoding="utf-8")
    monkeypatch.setattr(
        "spendcalc.output.files.os.fsync", _raising(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    )
    result = invoke(["export", "-o", str(target)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"spendcalc: error: {target}: cannot write (No space left on device)\n"
    assert target.read_text(encoding="utf-8") == OLD
    assert leftovers(tmp_path) == []


# --- (c): signals against the real process -------------------------------------------------------------

needs_script = pytest.mark.skipif(SPENDCALC is None, reason="the spendcalc console script is not installed")
needs_proc = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc/<pid>/status")
MESSAGES: dict[int, str] = {signal.SIGINT: "spendcalc: interrupted", signal.SIGTERM: "spendcalc: terminated"}
DELAYS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3)


def handled_signals(pid: int) -> int | None:
    """The mask of signals the process catches (SigCgt), or None once it is gone."""
    try:
        with Path(f"/proc/{pid}/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("SigCgt:"):
                    return int(line.split()[1], 16)
    except OSError:
        return None
    return None


def catches(mask: int, signum: int) -> bool:
    return bool(mask & (1 << (signum - 1)))


def wait_until(process: subprocess.Popen[bytes], ready: Callable[[int], bool], timeout: float = 30) -> bool:
    """Poll the process's caught-signal mask until `ready(mask)`; False if it exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mask = handled_signals(process.pid)
        if mask is None or process.poll() is not None:
            return False
        if ready(mask):
            return True
        time.sleep(0.001)
    raise AssertionError("the process never reached the expected state")


def spendcalc_handlers_installed(mask: int) -> bool:
    return catches(mask, signal.SIGTERM)  # only spendcalc's entry point catches SIGTERM


def start_export(target: Path) -> subprocess.Popen[bytes]:
    assert SPENDCALC is not None
    env = dict(os.environ)
    return subprocess.Popen(
        [SPENDCALC, "export", "-o", str(target)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )


def assert_complete_export(content: bytes) -> None:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert len(rows) == EXPORT_LINES, len(rows)
    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert all(len(row) == len(EXPORT_COLUMNS) for row in rows)
    assert content.endswith(b"\n")


def check_attempt(
    process: subprocess.Popen[bytes], signum: int, target: Path, *, killed_ok: bool = False
) -> str:
    """The contract for one run that got `signum` at some point; returns what happened."""
    stdout, stderr_bytes = process.communicate(timeout=60)
    stderr = stderr_bytes.decode("utf-8", "replace")
    code = process.returncode
    assert stdout == b""
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    wrote = f"wrote {target}"
    # A message, or (when the signal came after the file was complete) the confirmation, or both.
    assert set(lines) <= {MESSAGES[signum], wrote}, stderr
    assert len(lines) == len(set(lines)), stderr
    content = target.read_bytes()
    assert leftovers(target.parent) == [], stderr
    if code == 0:
        assert lines == [wrote], stderr
        assert_complete_export(content)
        return "finished"
    if code == 128 + signum:
        assert MESSAGES[signum] in lines, stderr
    else:
        # Killed by the signal's default action: before spendcalc installed its handlers (SIGTERM), or
        # while the interpreter shuts down after the file was written. The shell reports 128 + signum.
        assert code == -signum, (code, stderr)
        assert killed_ok or wrote in lines, (code, stderr)
    if wrote in lines:
        assert_complete_export(content)
        return "interrupted after writing"
    if content != OLD.encode():
        assert_complete_export(content)  # renamed into place just before the signal was handled
    return "interrupted"


@needs_script
@needs_proc
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_during_export_leaves_old_or_new_file(signum: int, tmp_path: Path) -> None:
    """Signals from the moment spendcalc handles them to well after the work: every run is clean."""
    target = tmp_path / "out.csv"
    outcomes = []
    for delay in DELAYS:
        target.write_text(OLD, encoding="utf-8")
        process = start_export(target)
        if wait_until(process, spendcalc_handlers_installed):
            time.sleep(delay)
            process.send_signal(signum)
        outcomes.append(check_attempt(process, signum, target))
    assert outcomes[0] == "interrupted", outcomes  # at least one landed mid-run
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


@needs_script
def test_sigterm_right_after_start(tmp_path: Path) -> None:
    """From the very start: before the handlers exist SIGTERM kills silently (the shell says 143)."""
    target = tmp_path / "out.csv"
    outcomes = []
    for delay in DELAYS:
        target.write_text(OLD, encoding="utf-8")
        process = start_export(target)
        time.sleep(delay)
        process.send_signal(signal.SIGTERM)
        outcomes.append(check_attempt(process, signal.SIGTERM, target, killed_ok=True))
    assert "finished" not in outcomes[:1], outcomes


@needs_script
@needs_proc
@pytest.mark.parametrize("delay", [0.0, 0.005, 0.02, 0.05, 0.1])
def test_sigint_while_starting_up(tmp_path: Path, delay: float) -> None:
    """From the entry point's first line on (handlers installed before Typer, pydantic or the dataset are
    even imported), Ctrl-C gives one line and 130. The interpreter's own start-up before that, which no
    program code can reach, is the one window left."""
    target = tmp_path / "out.csv"
    target.write_text(OLD, encoding="utf-8")
    process = start_export(target)
    assert wait_until(process, spendcalc_handlers_installed)
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    check_attempt(process, signal.SIGINT, target)


# --- (d): permissions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [0o640, 0o600, 0o664, 0o755])
def test_replacing_keeps_the_permission_bits(mode: int, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text(OLD, encoding="utf-8")
    target.chmod(mode)
    output.write_text("new\n", str(target))
    assert target.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert leftovers(tmp_path) == []


def test_export_keeps_the_permission_bits(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text(OLD, encoding="utf-8")
    target.chmod(0o640)
    result = invoke(["export", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {target}\n"
    assert result.stdout == ""
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert_complete_export(target.read_bytes())


def test_a_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    umask = os.umask(0o027)
    try:
        output.write_text("new\n", str(target))
    finally:
        os.umask(umask)
    # Not mkstemp's private 0o600: the mode any other program would have created the file with.
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


# --- (e): deterministic exports --------------------------------------------------------------------------


def export(*args: str, env: dict[str, str] | None = None) -> str:
    result = invoke(list(args), env)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout


def test_json_without_timestamp_is_byte_identical() -> None:
    first = export("--no-timestamp", "export", "--format", "json")
    second = export("--no-timestamp", "export", "--format", "json")
    assert first == second
    document = json.loads(first)
    assert document["metadata"]["generated"] is None
    assert len(document["rows"]) == EXPORT_LINES - 1


def test_no_timestamp_wins_over_source_date_epoch() -> None:
    text = export("--no-timestamp", "export", "-f", "json", env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert json.loads(text)["metadata"]["generated"] is None
    assert text == export("--no-timestamp", "export", "-f", "json")


def test_json_with_source_date_epoch_is_byte_identical() -> None:
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    first = export("export", "--format", "json", env=env)
    second = export("export", "--format", "json", env=env)
    assert first == second
    generated = json.loads(first)["metadata"]["generated"]
    assert datetime.fromisoformat(generated) == datetime.fromtimestamp(1700000000, tz=timezone.utc)
    # Only the generated time differs from the --no-timestamp export.
    untimed = json.loads(export("--no-timestamp", "export", "--format", "json"))
    untimed["metadata"]["generated"] = generated
    assert json.loads(first) == untimed


def test_json_without_either_says_when_it_was_made() -> None:
    before = datetime.now(timezone.utc).replace(microsecond=0)
    generated = datetime.fromisoformat(json.loads(export("export", "-f", "json"))["metadata"]["generated"])
    assert before <= generated <= datetime.now(timezone.utc)


def test_csv_is_always_byte_identical(tmp_path: Path) -> None:
    plain = export("export")
    assert export("export") == plain
    assert export("export", env={"SOURCE_DATE_EPOCH": "1700000000"}) == plain
    assert export("--no-timestamp", "export") == plain
    assert_complete_export(plain.encode("utf-8"))
    # A file gets exactly what stdout gets.
    target = tmp_path / "out.csv"
    result = invoke(["export", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == plain.encode("utf-8")


@pytest.mark.parametrize("output_format", ["csv", "json", "table"])
def test_file_and_stdout_agree(output_format: str, tmp_path: Path) -> None:
    target = tmp_path / f"out.{output_format}"
    args = ["--no-timestamp", "compare", "-f", output_format]
    result = invoke([*args, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == export(*args)
