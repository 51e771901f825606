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
MESSAGES: dict[int, str] = {
    signal.SIGINT: "spendcalc: interrupted",
    signal.SIGTERM: "spendcalc: terminated",
    signal.SIGHUP: "spendcalc: hung up",
    signal.SIGQUIT: "spendcalc: quit",
}
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
@pytest.mark.parametrize(
    "signum",
    [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT],
    ids=["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"],
)
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


# --- (f): streams are written in place, only regular files are replaced -----------------------------


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert SPENDCALC is not None
    env = {k: v for k, v in os.environ.items() if k not in ("SPENDCALC_DATA", "COLUMNS")}
    return subprocess.run(
        ["bash", "-c", command.replace("spendcalc", f"'{SPENDCALC}'")],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )


@needs_script
@pytest.mark.parametrize("name", ["/dev/stdout", "/proc/self/fd/1", "/dev/fd/1", "link-to-stdout"])
def test_output_to_stdout_by_name_appends_like_the_shell(name: str, tmp_path: Path) -> None:
    """`-o /dev/stdout >> log.txt` appends to log.txt: nothing renamed over the file behind stdout."""
    (tmp_path / "link-to-stdout").symlink_to("/dev/stdout")
    done = shell(f"printf 'keep\\n' > log.txt; spendcalc export -o {name} >> log.txt", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == f"wrote {name}\n"
    log = (tmp_path / "log.txt").read_bytes()
    assert log.startswith(b"keep\n")
    assert_complete_export(log.removeprefix(b"keep\n"))
    assert leftovers(tmp_path, "log.txt") == []


@needs_script
def test_output_to_stdout_by_name_between_other_writers(tmp_path: Path) -> None:
    done = shell("{ echo HEADER; spendcalc export -o /dev/stdout; echo FOOTER; } > r.txt", tmp_path)
    assert done.returncode == 0, done.stderr
    lines = (tmp_path / "r.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "HEADER"
    assert lines[-1] == "FOOTER"
    assert len(lines) == EXPORT_LINES + 2


@needs_script
@pytest.mark.parametrize("name", ["/dev/stdout", "/proc/self/fd/1"])
def test_output_to_stdout_by_name_in_a_pipe(name: str, tmp_path: Path) -> None:
    done = shell(f"set -o pipefail; spendcalc export -o {name} | cat", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == f"wrote {name}\n"
    assert_complete_export(done.stdout.encode("utf-8"))
    # A reader that stops early: as for `-`, that is success.
    done = shell(f"set +o pipefail; spendcalc export -t 1:40:1 -o {name} | head -1", tmp_path)
    assert done.returncode == 0
    assert done.stdout.startswith("iso3,")
    assert "Traceback" not in done.stderr


@needs_script
def test_output_to_stderr_by_name(tmp_path: Path) -> None:
    done = shell("printf 'keep\\n' > err.txt; spendcalc export -o /dev/stderr 2>> err.txt", tmp_path)
    assert done.returncode == 0
    assert done.stdout == ""
    err = (tmp_path / "err.txt").read_bytes()
    assert err.startswith(b"keep\n")
    assert err.endswith(b"wrote /dev/stderr\n")
    assert_complete_export(err.removeprefix(b"keep\n").removesuffix(b"wrote /dev/stderr\n"))


def test_output_to_a_fifo_is_written_in_place(tmp_path: Path) -> None:
    import threading

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = invoke(["export", "-o", str(fifo)])
    reader.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # still the FIFO, not a file renamed over it
    assert_complete_export(received[0])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo"]


def test_output_to_a_full_device_is_one_line() -> None:
    result = invoke(["export", "-o", "/dev/full"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "spendcalc: error: /dev/full: cannot write (No space left on device)\n"
    assert stat.S_ISCHR(Path("/dev/full").stat().st_mode)


@pytest.mark.parametrize("through", ["same-name", "symlink", "hard-link"])
@pytest.mark.parametrize("command", [["export"], ["dataset"], ["compare", "--svg"]], ids=" ".join)
def test_the_dataset_in_use_is_never_an_output(through: str, command: list[str], tmp_path: Path) -> None:
    data = tmp_path / "d.json"
    shutil.copyfile(Path(__file__).resolve().parents[1] / "data" / "allies.json", data)
    before = data.read_bytes()
    other = tmp_path / "other.json"
    if through == "symlink":
        other.symlink_to(data)
    elif through == "hard-link":
        other.hardlink_to(data)
    output_path = data if through == "same-name" else other
    args = [*command, str(output_path)] if command[-1] == "--svg" else [*command, "-o", str(output_path)]
    for data_args, env in (["--data", str(data)], None), ([], {"SPENDCALC_DATA": str(data)}):
        result = invoke([*data_args, *args], env)
        assert result.exit_code == 1, result.output
        assert result.stdout == ""
        assert result.stderr == (
            f"spendcalc: error: {output_path}: is the dataset this run reads (--data); not replaced\n"
        )
    assert data.read_bytes() == before
    assert leftovers(tmp_path, "d.json") == []


def test_a_read_only_directory_is_named_as_such(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from support import access_as_a_user

    access_as_a_user(monkeypatch)
    directory = tmp_path / "locked"
    directory.mkdir()
    (directory / "out.csv").write_text(OLD, encoding="utf-8")
    directory.chmod(0o555)
    try:
        for name in ("out.csv", "new.csv"):
            result = invoke(["export", "-o", str(directory / name)])
            assert result.exit_code == 1
            assert result.stderr == (
                f"spendcalc: error: {directory / name}: directory {str(directory)!r} is not writable; "
                "nothing written\n"
            )
    finally:
        directory.chmod(0o755)
    assert (directory / "out.csv").read_text(encoding="utf-8") == OLD


def test_access_is_judged_by_access_not_mode_bits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file whose mode has write bits, but that this user may not write, is refused; the kernel's answer
    (os.access) decides, not the bits."""
    target = tmp_path / "out.csv"
    target.write_text(OLD, encoding="utf-8")
    target.chmod(0o666)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != target and real_access(path, mode))
    result = invoke(["export", "-o", str(target)])
    assert result.exit_code == 1
    assert result.stderr == f"spendcalc: error: {target}: file is read-only; not replaced\n"
    assert target.read_text(encoding="utf-8") == OLD


def test_a_sticky_directory_is_named_as_such(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tmp_path / "shared"
    directory.mkdir()
    directory.chmod(0o1777)
    target = directory / "theirs.csv"
    target.write_text(OLD, encoding="utf-8")
    owner = target.stat().st_uid
    # Someone who owns neither the file nor the directory (and is not root).
    monkeypatch.setattr(os, "geteuid", lambda: owner + 4242)
    result = invoke(["export", "-o", str(target)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"spendcalc: error: {target}: directory {str(directory)!r} is sticky and the file belongs to "
        "another user; not replaced\n"
    )
    assert target.read_text(encoding="utf-8") == OLD


@pytest.mark.parametrize("length", [200, 240, 250, 254, 255])
def test_the_temporary_name_always_fits(length: int, tmp_path: Path) -> None:
    name = "x" * (length - 4) + ".csv"
    target = tmp_path / name
    result = invoke(["export", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert_complete_export(target.read_bytes())
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    assert len(os.fsencode(output.temporary_prefix(tmp_path, name))) + 8 + len(".part") <= 255


def test_the_temporary_name_fits_with_multibyte_characters(tmp_path: Path) -> None:
    name = "é" * 125 + ".csv"  # 254 bytes
    output.write_text("new\n", str(tmp_path / name))
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_a_symlink_loop_is_one_line(tmp_path: Path) -> None:
    loop = tmp_path / "loop.csv"
    loop.symlink_to(loop)
    result = invoke(["export", "-o", str(loop)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"spendcalc: error: {loop}: too many levels of symbolic links (a symlink loop?)\n"
    )
    assert loop.is_symlink()


@pytest.mark.parametrize("option", ["-o", "--svg", "--html"])
def test_a_directory_as_any_output_is_the_same_error(option: str, tmp_path: Path) -> None:
    result = invoke(["compare", option, str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    name = "--output" if option == "-o" else option
    assert result.stderr == f"spendcalc: error: {tmp_path}: is a directory; give a file name for {name}\n"


def test_replacing_a_hard_linked_file_says_so(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text(OLD, encoding="utf-8")
    (tmp_path / "twin.csv").hardlink_to(target)
    result = invoke(["export", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"wrote {target}\nspendcalc: note: {target} had 1 other hard link(s); they keep the old content\n"
    )
    assert (tmp_path / "twin.csv").read_text(encoding="utf-8") == OLD
    assert_complete_export(target.read_bytes())


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file to another user")
def test_replacing_keeps_the_owner_when_allowed(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text(OLD, encoding="utf-8")
    os.chown(target, 4321, 4321)
    result = invoke(["export", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {target}\n"
    assert (target.stat().st_uid, target.stat().st_gid) == (4321, 4321)
