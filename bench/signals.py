"""Signal loop: hundreds of `spendcalc export -o FILE` runs, each sent SIGINT, SIGTERM, SIGHUP or SIGQUIT
after a random delay, counting what must never happen.

    python bench/signals.py [RUNS] [--workers N] [--seed S]

Never: a swallowed signal (exit 0 although the signal reached the running process), a wrong exit status
(anything but 128 + n with one line, or death by the signal's default action before the handlers exist or
after the work is done), a traceback or "Exception ignored", a left-over `.part` file, or a file that is
neither the old content nor the complete export. Exits 1 if any of these happened.
"""

from __future__ import annotations

import argparse
import random
import shutil
import signal
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
APART = ("before-handlers traceback",)


def alive(pid: int) -> bool:
    """Running, not a zombie that has already finished its work."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
            if line.startswith("State:"):
                return "Z" not in line.split()[1]
    except OSError:
        return False
    return False


def handlers_installed(pid: int) -> bool:
    """spendcalc catches SIGTERM (only its entry point does): its handlers exist."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
            if line.startswith("SigCgt:"):
                return bool(int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)))
    except OSError:
        return False
    return False


def one_run(script: str, seed: int, max_delay: float) -> tuple[str, ...]:
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
        handlers_were_installed = sent and handlers_installed(process.pid)
        if sent:
            process.send_signal(signum)
        _, stderr_bytes = process.communicate(timeout=60)
        stderr = stderr_bytes.decode("utf-8", "replace")
        lines = [line for line in stderr.splitlines() if line.strip()]
        code = process.returncode
        bad: list[str] = []
        if "Traceback" in stderr or "Fatal Python error" in stderr:
            # Before spendcalc's first line runs (interpreter start-up, the script wrapper's `import re`),
            # Ctrl-C is Python's KeyboardInterrupt: counted apart, as no program code can reach it.
            ours = "/spendcalc/" in stderr and "signals.install" not in stderr
            bad.append("traceback" if ours or handlers_were_installed else "before-handlers traceback")
        if "Exception ignored" in stderr:
            bad.append("exception ignored")
        if any(p.name.endswith(".part") for p in Path(directory).iterdir()):
            bad.append("left-over .part")
        content = target.read_bytes()
        if content != OLD and not (content.startswith(b"iso3,") and content.count(b"\n") == 129):
            bad.append("damaged file")
        wrote = f"wrote {target}"
        if not sent:
            outcome = "finished before the signal"
            if code != 0:
                bad.append("wrong status")
        elif code == 0:
            outcome = "exit 0"
            bad.append("swallowed")
        elif code == 128 + signum:
            outcome = "stopped: 128+n and one line"
            if MESSAGES[signum] not in lines or not set(lines) <= {MESSAGES[signum], wrote}:
                bad.append("wrong status")
        elif code == -signum or (code == 1 and "init_import_site" in stderr):
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="?", type=int, default=400)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--show", action="store_true", help="print the stderr of every run that went wrong")
    parser.add_argument("--max-delay", type=float, default=0.5, help="seconds (a run takes about 0.3-0.5)")
    args = parser.parse_args()
    script = shutil.which("spendcalc")
    if script is None:
        print("the spendcalc script is not on PATH", file=sys.stderr)
        return 2
    with ThreadPoolExecutor(args.workers) as pool:
        results = list(
            pool.map(lambda i: one_run(script, args.seed * 100_003 + i, args.max_delay), range(args.runs))
        )
    outcomes = Counter(result[0] for result in results)
    problems = Counter(problem for result in results for problem in result[1:])
    print(f"{args.runs} runs (seed {args.seed}, delays 0-{args.max_delay} s, {args.workers} at a time)")
    for outcome, count in sorted(outcomes.items()):
        print(f"  {outcome}: {count}")
    for problem in (*BAD, *APART):
        print(f"  {problem}: {problems[problem]}")
    return 1 if any(problems[problem] for problem in BAD) else 0


if __name__ == "__main__":
    sys.exit(main())
