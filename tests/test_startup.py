"""The fast paths: the trusted bundled dataset, --version and shell completion before Typer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spendcalc.cli.app import app
from spendcalc.cli.completion import COMPLETE_VAR, country_items, fast_complete, target_items
from spendcalc.data.load import assemble_trusted, bundled_bytes, load_dataset, parse_dataset
from spendcalc.data.schema import AllyYear

HEAVY = ("typer", "pydantic", "rich")


@pytest.fixture(autouse=True)
def _process_restored() -> Iterator[None]:
    """The entry point takes the process over (signal handlers, the collector); give pytest them back."""
    import gc

    previous = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGINT, previous[0])
    signal.signal(signal.SIGTERM, previous[1])
    gc.unfreeze()
    gc.enable()


def test_trusted_assembly_equals_full_validation() -> None:
    raw = bundled_bytes()
    trusted = assemble_trusted(json.loads(raw))
    validated = parse_dataset(raw, "allies.json")
    assert trusted == validated
    assert load_dataset() == validated
    # Nested values have the validated types, not raw JSON.
    poland = next(a for a in trusted.allies if a.iso3 == "POL")
    assert type(poland.years[2025].shares[0]) is type(validated.allies[0].years[2014].shares[0])
    assert [s.edition for s in poland.years[2025].shares] == ["nato-2025-08", "nato-2026-07"]
    validated_poland = next(a for a in validated.allies if a.iso3 == "POL")
    assert poland.share(2025) == validated_poland.share(2025)
    assert poland.edition == validated_poland.edition == "nato-2026-07"
    assert type(trusted.nato_tables[0].values["POL"]) is tuple
    assert trusted.nato_tables == validated.nato_tables
    assert poland.share_years == validated.allies[22].share_years
    # The records of the years, made directly as compact tuples, are what validation makes: the same type
    # (no dict of their own), values, dump and repr.
    assert trusted.model_dump() == validated.model_dump()
    assert trusted.model_dump_json(exclude_unset=True) == validated.model_dump_json(exclude_unset=True)
    assert repr(poland.years[2025]) == repr(validated.allies[22].years[2025])
    for ally, other in zip(trusted.allies, validated.allies, strict=True):
        for year, record in ally.years.items():
            assert type(record) is type(other.years[year]) is AllyYear
            parts = [*record.shares, *(p for p in record[1:] if p is not None)]
            assert all(not hasattr(part, "__dict__") for part in (record, *parts))
    assert poland.years[2025]._replace(shares=()).shares == ()


def _modules_after(argv: list[str], env: dict[str, str]) -> tuple[str, list[str]]:
    code = (
        "import sys, io\n"
        f"sys.argv = {argv!r}\n"
        "out = io.StringIO(); real = sys.stdout; sys.stdout = out\n"
        "from spendcalc.__main__ import main\n"
        "main()\n"
        "sys.stdout = real\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})\n"
        "print(out.getvalue(), end='')\n"
        "print('HEAVY:' + ','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True, timeout=60
    )
    output, _, heavy = result.stdout.rpartition("HEAVY:")
    return output, [m for m in heavy.strip().split(",") if m]


def test_version_imports_nothing_heavy() -> None:
    output, heavy = _modules_after(["spendcalc", "--version"], {"PATH": "/usr/bin:/bin"})
    assert output.startswith("spendcalc ")
    assert heavy == []


def test_country_completion_imports_nothing_heavy() -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        COMPLETE_VAR: "complete_bash",
        "COMP_WORDS": "spendcalc gap po",
        "COMP_CWORD": "2",
    }
    output, heavy = _modules_after(["spendcalc"], env)
    assert output.split() == ["pol", "poland", "portugal"]
    assert heavy == []


def _typer_answer(env: dict[str, str]) -> str:
    result = CliRunner().invoke(app, [], env=env, prog_name="spendcalc")
    return result.stdout


CASES = [
    "spendcalc gap ",
    "spendcalc gap po",
    "spendcalc gap PO",
    "spendcalc path türk",
    "spendcalc history uni",
    "spendcalc pledges x",
    "spendcalc --data data/allies.json gap ge",
    "spendcalc compare -t ",
    "spendcalc compare -t ha",
    "spendcalc path DEU --target hague-",
    "spendcalc compare --group ",
    "spendcalc compare -g n",
]


def _environment(shell: str, line: str) -> dict[str, str]:
    if shell == "bash":
        words = line.split()
        cword = len(words) if line.endswith(" ") else len(words) - 1
        return {COMPLETE_VAR: "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(cword)}
    return {
        COMPLETE_VAR: f"complete_{shell}",
        "_TYPER_COMPLETE_ARGS": line,
        "_TYPER_COMPLETE_FISH_ACTION": "get-args",
    }


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
@pytest.mark.parametrize("line", CASES)
def test_fast_completion_prints_what_typer_prints(shell: str, line: str) -> None:
    env = _environment(shell, line)
    fast = fast_complete(env)
    assert fast is not None
    assert fast == _typer_answer(env)


@pytest.mark.parametrize(
    "line",
    ["spendcalc gap --year ", "spendcalc gap -", "spendcalc ", "spendcalc compare --sort "],
)
def test_other_requests_are_left_to_typer(line: str) -> None:
    assert fast_complete(_environment("bash", line)) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("spendcalc compare --currency ", ["USD", "EUR", "LCU"]),
        ("spendcalc compare -c l", ["lcu"]),
        ("spendcalc compare -c E", ["EUR"]),
        ("spendcalc export -f ", ["table", "csv", "json"]),
        ("spendcalc gap POL -f j", ["json"]),
        ("spendcalc compare --sort ", ["name", "share", "gap"]),
        ("spendcalc path POL -t 3 --by 2030 --shape f", ["front"]),
        ("spendcalc path POL -t 3 --by 2030 --baseline ", ["flat-share", "flat-cash"]),
        ("spendcalc chart --sort ", ["share", "name"]),
    ],
)
def test_typer_completes_the_choices(line: str, expected: list[str]) -> None:
    assert _typer_answer(_environment("bash", line)).split() == expected


def test_fish_is_args_is_left_to_typer() -> None:
    env = _environment("fish", "spendcalc gap po") | {"_TYPER_COMPLETE_FISH_ACTION": "is-args"}
    assert fast_complete(env) is None


def test_completion_values_are_accepted_by_the_resolver() -> None:
    from spendcalc.core import resolve_country

    dataset = load_dataset()
    for typed in ("po", "PO", "türk", "uni", "a", "Ne"):
        for value, name in country_items(typed):
            assert value.startswith(typed)
            assert resolve_country(dataset, value).name == name


def test_target_completion_offers_gdp_targets_only() -> None:
    values = [value for value, _ in target_items("")]
    assert values[:4] == ["2", "2.5", "3.5", "5"]
    assert "hague-core" in values
    assert "equipment-20pct" not in values


def test_completion_never_fails_on_a_bad_data_file() -> None:
    assert country_items("po", "/nonexistent/file.json") == []
    assert fast_complete(_environment("bash", "spendcalc --data /nonexistent gap po")) == "\n"


# --- the entry point, in process --------------------------------------------------------------


def test_entry_version(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from spendcalc import __main__, __version__

    monkeypatch.setattr(sys, "argv", ["spendcalc", "--version"])
    __main__.main()
    assert capsys.readouterr().out == f"spendcalc {__version__}\n"


def test_entry_runs_and_ends_without_cycle_collection(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from spendcalc import __main__

    during: list[bool] = []
    monkeypatch.setattr(__main__, "_run", lambda: during.append(gc.isenabled()))
    __main__.main()
    assert during == [False]
    # Everything is in the permanent generation, so the shutdown collection has nothing to walk.
    assert not gc.isenabled()
    assert gc.get_freeze_count() > 0


def test_entry_leaves_late_signals_to_their_default_action(monkeypatch: pytest.MonkeyPatch) -> None:
    from spendcalc import __main__, signals

    during: list[object] = []
    monkeypatch.setattr(__main__, "_run", lambda: during.append(signal.getsignal(signal.SIGTERM)))
    __main__.main()
    assert during == [signals._handle]
    # Once the work is done, a signal while the interpreter shuts down ends it without a traceback.
    for number in signals.HANDLED:
        assert signal.getsignal(number) is signal.SIG_DFL


def test_a_signal_after_the_run_takes_its_default_action(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from spendcalc import signals

    killed: list[tuple[int, int]] = []
    monkeypatch.setattr(os, "kill", lambda pid, number: killed.append((pid, number)))
    signals.install()
    try:
        signals.finish()
        signals._handle(signal.SIGTERM, None)  # no Stopped raised into the interpreter's shutdown
        assert killed == [(os.getpid(), signal.SIGTERM)]
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    finally:
        signals.restore()


def test_entry_fast_completion(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from spendcalc import __main__

    monkeypatch.setattr(sys, "argv", ["spendcalc"])
    for key, value in _environment("bash", "spendcalc history pol").items():
        monkeypatch.setenv(key, value)
    __main__.main()
    assert capsys.readouterr().out == "pol\npoland\n"


def test_entry_hands_everything_else_to_typer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from spendcalc import __main__

    monkeypatch.setattr(sys, "argv", ["spendcalc", "gap", "POL", "-t", "3.5", "-f", "csv"])
    with pytest.raises(SystemExit) as exited:
        __main__.main()
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1].startswith("POL,Poland,false,2026,true,4.68,")


def test_entry_leaves_unknown_completion_requests_to_typer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from spendcalc import __main__

    monkeypatch.setattr(sys, "argv", ["spendcalc"])
    for key, value in _environment("bash", "spendcalc compare --sort ").items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SystemExit) as exited:
        __main__.main()
    assert exited.value.code == 0
    # Not a country or a target: Typer answers, with the choices of --sort's enum.
    assert capsys.readouterr().out == "name\nshare\ngap\n"


@pytest.mark.parametrize(
    ("signal_name", "status", "word"),
    [
        ("SIGINT", 130, "interrupted"),
        ("SIGTERM", 143, "terminated"),
        ("SIGHUP", 129, "hung up"),
        ("SIGQUIT", 131, "quit"),
    ],
)
@pytest.mark.parametrize("where", ["interruptible", "deferred"])
def test_signals_exit_with_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    signal_name: str,
    status: int,
    word: str,
    where: str,
) -> None:
    """A signal in an interruptible block stops the run at once; anywhere else it waits for the next
    checkpoint, or for the end of the run: either way one line and 128 + n, never exit 0."""
    from spendcalc import __main__, signals

    number = getattr(signal, signal_name)
    after: list[str] = []

    def interrupted() -> None:
        if where == "interruptible":
            with signals.interruptible():
                signals._handle(number, None)
        else:
            signals._handle(number, None)  # returns: recorded, not raised
        after.append("went on")

    monkeypatch.setattr(__main__, "_run", interrupted)
    with pytest.raises(SystemExit) as exited:
        __main__.main()
    assert exited.value.code == status
    assert capsys.readouterr().err == f"spendcalc: {word}\n"
    assert after == ([] if where == "interruptible" else ["went on"])


def _importing_frame() -> object:
    """A frame as the handler sees it while a module is being imported."""
    code = compile("import sys\nframe = sys._getframe()", "<frozen importlib._bootstrap>", "exec")
    namespace: dict[str, object] = {}
    exec(code, namespace)
    return namespace["frame"]


def test_no_signal_is_raised_inside_an_import_or_a_finalizer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Raised there, it would be swallowed ("Exception ignored in ...") or become a RuntimeError: it is
    recorded and raised at the next safe point instead."""
    from spendcalc import signals
    from spendcalc.errors import Stopped

    signals.install()
    try:
        with pytest.raises(Stopped), signals.interruptible():
            signals._handle(signal.SIGTERM, _importing_frame())  # type: ignore[arg-type]
            assert signals.pending() == signal.SIGTERM  # not raised yet
            signals._handle(signal.SIGINT, None)  # the first signal is the one reported

        class Finalized:
            def __del__(self) -> None:
                signals._handle(signal.SIGINT, sys._getframe())

        signals.install()
        finalizer_ran = False
        with pytest.raises(Stopped), signals.interruptible():
            Finalized()
            finalizer_ran = signals.pending() == signal.SIGINT
        assert finalizer_ran  # recorded inside the finalizer, raised when the block ended
    except Stopped as stopped:  # pragma: no cover (the assertion shows which)
        raise AssertionError(f"raised where it must not be: {stopped}") from None
    finally:
        signals.restore()


def test_library_attributes_are_lazy() -> None:
    import spendcalc

    assert spendcalc.gap is spendcalc.core.gap
    assert spendcalc.compare is spendcalc.core.compare
    assert spendcalc.load_dataset is spendcalc.data.load.load_dataset
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = spendcalc.nothing


# --- completion reads SPENDCALC_DATA as carefully as the loader ---------------------------------


def _complete_in_a_process(data: str) -> subprocess.CompletedProcess[str]:
    """Completion of `gap po` with SPENDCALC_DATA=data, in its own process: a hang fails, not blocks."""
    env = {"PATH": "/usr/bin:/bin", "SPENDCALC_DATA": data, **_environment("bash", "spendcalc gap po")}
    code = "from spendcalc.__main__ import main\nmain()\n"
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False, timeout=60
    )


def test_completion_offers_nothing_for_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "data.json"
    os.mkfifo(fifo)
    done = _complete_in_a_process(str(fifo))  # no writer: reading would wait for ever
    assert done.returncode == 0, done.stderr
    assert done.stdout == "\n"


def test_completion_offers_nothing_for_an_endless_device() -> None:
    done = _complete_in_a_process("/dev/zero")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "\n"


@pytest.mark.parametrize("over", [False, True], ids=["at-the-limit", "over-the-limit"])
def test_completion_applies_the_loaders_size_limit(over: bool, tmp_path: Path) -> None:
    from spendcalc.data.load import MAX_DATA_BYTES

    start = b'{"allies": [{"iso3": "POL", "name": "Poland"}], "pad": "'
    end = b'"}'
    size = MAX_DATA_BYTES + (1 if over else 0)
    path = tmp_path / "data.json"
    path.write_bytes(start + b"x" * (size - len(start) - len(end)) + end)
    assert path.stat().st_size == size
    environment = _environment("bash", "spendcalc gap po") | {"SPENDCALC_DATA": str(path)}
    assert fast_complete(environment) == ("\n" if over else "pol\npoland\n")
