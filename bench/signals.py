"""Signal loop: hundreds of `spendcalc export -o FILE` runs, each sent SIGINT, SIGTERM, SIGHUP or SIGQUIT
after a random delay, counting what must never happen.

    python bench/signals.py [RUNS] [--workers N] [--seed S]

Never: a swallowed signal (exit 0 although the signal reached the running process), a wrong exit status
(anything but 128 + n with one line, or death by the signal's default action before the handlers exist or
after the work is done), a traceback or "Exception ignored", a left-over `.part` file, or a file that is
neither the old content nor the complete export. Exits 1 if any of these happened.

Counted apart: what Python does with a Ctrl-C before spendcalc's first line runs (the interpreter's start-up,
`site`, the console script's own `import re`), which no program code can reach: a KeyboardInterrupt
traceback (spendcalc's handlers never raise KeyboardInterrupt), a KeyboardInterrupt Python raised in an
import callback and ignored itself, or a fatal error while the interpreter initialises. Then the window
itself is measured: how long after the process starts the handlers exist, against a whole run.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
MESSAGES = {
    signal.SIGINT: "spendcalc: interrupted",
    signal.SIGTERM: "spendcalc: terminated",
    signal.SIGHUP: "spendcalc: hung up",
    signal.SIGQUIT: "spendcalc: quit",
}
OLD = b"old,content\n"
SHOW = "--show" in sys.argv
BAD = ("swallowed", "wrong status", "traceback", "exception ignored", "left-over .part", "damaged file")
APART = ("before-handlers traceback", "before-handlers swallowed by Python", "interpreter start-up error")


PF_EXITING = 0x4
"""The kernel's flag for a process inside exit(): its program has ended, and a signal sent now is lost
whatever the program did (the teardown of its memory can take milliseconds on a busy machine)."""


def alive(pid: int) -> bool:
    """Running its program: not a zombie, and not already inside the kernel's exit."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return False
    # pid (comm) state ppid pgrp session tty_nr tpgid flags ...: comm may hold spaces, so split after it.
    fields = stat.rsplit(")", 1)[1].split()
    return fields[0] != "Z" and not int(fields[6]) & PF_EXITING


def handlers_installed(pid: int) -> bool:
    """spendcalc catches SIGTERM (only its entry point does): its handlers exist."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
            if line.startswith("SigCgt:"):
                return bool(int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)))
    except OSError:
        return False
    return False


def python_before_handlers(stderr: str) -> str | None:
    """What Python itself did with a signal that came before spendcalc's handlers existed, if that is what
    stderr shows; None otherwise."""
    if "Fatal Python error: init_" in stderr:
        return "interpreter start-up error"  # SIGINT while the interpreter initialises (site, streams)
    if "KeyboardInterrupt" in stderr:
        # Python's default SIGINT handler raised it: spendcalc's handlers raise Stopped, never this, and
        # once the work is done they give SIGINT back to its default action (no exception at all).
        return (
            "before-handlers swallowed by Python"
            if "Exception ignored" in stderr
            else "before-handlers traceback"
        )
    return None


def one_run(script: str, seed: int, max_delay: float, expected: bytes) -> tuple[str, ...]:
    """The outcome of one run, and anything bad that happened."""
    rng = random.Random(seed)
    signum = rng.choice(SIGNALS)
    delay = rng.uniform(0, max_delay)
    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory) / "out.csv"
        target.write_bytes(OLD)
        process = subprocess.Popen(
            [script, "export", "-o", str(target)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        if seed % 2:  # half the runs: from spendcalc's handlers on (the rest: from the process start)
            while alive(process.pid) and not handlers_installed(process.pid):
                time.sleep(0.001)
        time.sleep(delay)
        sent = alive(process.pid)
        exiting = False
        if sent:
            process.send_signal(signum)
            # Already inside the kernel's exit a moment after the signal: it began before the signal could be
            # acted on (Python takes milliseconds to handle one and end), the program's work was done, and
            # the signal is lost whatever the program does. Checked at once, in the same thread.
            exiting = not alive(process.pid)
        _, stderr_bytes = process.communicate(timeout=60)
        stderr = stderr_bytes.decode("utf-8", "replace")
        lines = [line for line in stderr.splitlines() if line.strip()]
        code = process.returncode
        bad: list[str] = []
        before = python_before_handlers(stderr)
        if before is not None:
            bad.append(before)
        elif "Traceback" in stderr or "Fatal Python error" in stderr:
            bad.append("traceback")
        elif "Exception ignored" in stderr:
            bad.append("exception ignored")
        if any(p.name.endswith(".part") for p in Path(directory).iterdir()):
            bad.append("left-over .part")
        content = target.read_bytes()
        if content not in (OLD, expected):
            bad.append("damaged file")
        wrote = f"wrote {target}"
        if not sent:
            outcome = "finished before the signal"
            if code != 0:
                bad.append("wrong status")
        elif code == 0 and exiting and wrote in lines and content == expected:
            outcome = "exiting as the signal came"
        elif code == 0:
            outcome = "exit 0"
            if before is None:
                bad.append("swallowed")
        elif code == 128 + signum:
            outcome = "stopped: 128+n and one line"
            if MESSAGES[signum] not in lines or not set(lines) <= {MESSAGES[signum], wrote}:
                bad.append("wrong status")
        elif code == -signum or (code == 1 and before == "interpreter start-up error"):
            # The signal's default action: before the handlers exist (nothing printed), or once the work
            # is done (its confirmation printed). Ctrl-C before the handlers prints a traceback: counted.
            outcome = (
                "default action, after the work" if wrote in lines else "default action, before handlers"
            )
        else:
            outcome = f"exit {code}"
            bad.append("wrong status")
        if bad and SHOW:
            print(
                f"--- {signal.Signals(signum).name} after {delay:.3f} s: exit {code}, {bad}\n{stderr}",
                file=sys.stderr,
            )
        return (outcome, *bad)


def main() -> int:
    # The runs start as from a terminal: a signal this bench inherited ignored (SIGHUP under nohup, SIGINT
    # and SIGQUIT in a script's background job) would stay ignored in spendcalc until its handlers exist,
    # and a run that ignored it would look like one that swallowed it.
    for signum in SIGNALS:
        if signal.getsignal(signum) == signal.SIG_IGN:
            signal.signal(signum, signal.SIG_DFL)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="?", type=int, default=400)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--show", action="store_true", help="print the stderr of every run that went wrong")
    parser.add_argument("--max-delay", type=float, default=0.5, help="seconds (a run takes about 0.3-0.5)")
    parser.add_argument("--window-runs", type=int, default=50, help="runs timing the window before handlers")
    args = parser.parse_args()
    script = shutil.which("spendcalc")
    if script is None:
        print("the spendcalc script is not on PATH", file=sys.stderr)
        return 2
    expected = complete_export(script)
    with ThreadPoolExecutor(args.workers) as pool:
        results = list(
            pool.map(
                lambda i: one_run(script, args.seed * 100_003 + i, args.max_delay, expected), range(args.runs)
            )
        )
    outcomes = Counter(result[0] for result in results)
    problems = Counter(problem for result in results for problem in result[1:])
    print(f"{args.runs} runs (seed {args.seed}, delays 0-{args.max_delay} s, {args.workers} at a time)")
    for outcome, count in sorted(outcomes.items()):
        print(f"  {outcome}: {count}")
    for problem in (*BAD, *APART):
        print(f"  {problem}: {problems[problem]}")
    window, whole = measure_window(script, args.window_runs)
    print(
        f"window before the handlers exist ({args.window_runs} runs, one at a time): median "
        f"{statistics.median(window):.1f} ms, max {max(window):.1f} ms; a whole run: median "
        f"{statistics.median(whole):.0f} ms"
    )
    return 1 if any(problems[problem] for problem in BAD) else 0


def complete_export(script: str) -> bytes:
    """What an undisturbed run writes: a file must be this or the old content, never anything else."""
    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory) / "out.csv"
        subprocess.run([script, "export", "-o", str(target)], check=True, capture_output=True, timeout=60)
        return target.read_bytes()


def measure_window(script: str, runs: int) -> tuple[list[float], list[float]]:
    """Milliseconds from the process's start until spendcalc catches SIGTERM (its handlers exist, seen in
    /proc/PID/status, polled every 0.2 ms), and until the run ends."""
    window, whole = [], []
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(
            [script, "export", "-o", os.devnull], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        while alive(process.pid) and not handlers_installed(process.pid):
            time.sleep(0.0002)  # polled, not spun: the run needs the CPU
        window.append((time.perf_counter() - started) * 1000)
        process.wait(timeout=60)
        whole.append((time.perf_counter() - started) * 1000)
    return window, whole


if __name__ == "__main__":
    sys.exit(main())
