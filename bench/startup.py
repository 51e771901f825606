"""Start-up budget: spendcalc's commands against a floor program, in alternating runs.

Usage: python bench/startup.py [--runs N]

Bytecode for spendcalc is compiled first, as `pip install` does. The floor only imports typer,
rich's console and table, declares one pydantic model and prints an empty
table: the least any Typer + Rich + pydantic command can cost. Each command is run N times (default 15),
interleaved with the floor, and the median wall time of each is compared with the floor's median. Peak
memory is each child's maximum resident set size, read with os.wait4.

Targets (2-core machine): every command <= 1.10x the floor; --version and the completion call <= 0.5x;
peak memory <= 1.2x the floor. Exits 1 if any target is missed.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

FLOOR = """
import typer
from rich.console import Console
from rich.table import Table
from pydantic import BaseModel

class Floor(BaseModel):
    value: int

Console().print(Table())
"""


@dataclass
class Case:
    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    time_budget: float = 1.10
    seconds: list[float] = field(default_factory=list)
    peak_kb: list[int] = field(default_factory=list)


def run_once(case: Case) -> None:
    env = {**os.environ, **case.env}
    started = time.perf_counter()
    child = subprocess.Popen(case.argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{case.name}: exit status {child.returncode}")
    case.seconds.append(elapsed)
    case.peak_kb.append(usage.ru_maxrss)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    program = shutil.which("spendcalc")
    if program is None:
        raise SystemExit("spendcalc is not installed: pip install . first")
    # pip compiles bytecode when it installs a package, but an editable install run with
    # PYTHONDONTWRITEBYTECODE=1 would recompile spendcalc's sources on every run: measure the program,
    # not the compiler.
    import spendcalc

    compileall.compile_dir(Path(spendcalc.__file__).parent, quiet=1)
    completion_env = {
        "_SPENDCALC_COMPLETE": "complete_bash",
        "COMP_WORDS": "spendcalc gap po",
        "COMP_CWORD": "2",
    }
    floor = Case("floor", [sys.executable, "-c", FLOOR])
    cases = [
        Case("compare", [program, "compare"]),
        # What a terminal gets: colour, drawn by Rich (every other line is plain text, as in a pipe).
        Case("compare, in colour", [program, "compare"], env={"FORCE_COLOR": "1"}),
        Case("gap POL", [program, "gap", "POL"]),
        Case("export --format csv", [program, "export", "--format", "csv"]),
        # The commands added with the 2026 edition and the scenarios.
        Case("revisions POL", [program, "revisions", "POL"]),
        Case("equipment", [program, "equipment"]),
        Case(
            "path DEU (two milestones)",
            [program, "path", "DEU", "-t", "3.5", "--by", "2029", "-t", "5", "--by", "2035"],
        ),
        Case("scenario run hague-core-2035", [program, "scenario", "run", "hague-core-2035"]),
        Case("path --group eu", [program, "path", "--group", "eu", "-t", "3.5", "--by", "2035"]),
        Case("share --group eu", [program, "share", "--group", "eu"]),
        Case("--help", [program, "--help"]),
        Case("--version", [program, "--version"], time_budget=0.5),
        Case("completion (country)", [program], env=completion_env, time_budget=0.5),
    ]
    for case in [floor, *cases]:  # warm the file cache once
        run_once(case)
        case.seconds.clear()
        case.peak_kb.clear()
    for _ in range(args.runs):
        for case in cases:
            run_once(floor)
            run_once(case)

    floor_time = statistics.median(floor.seconds)
    floor_memory = statistics.median(floor.peak_kb)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.runs} alternating runs")
    print(f"{'command':<24} {'median ms':>10} {'x floor':>8} {'budget':>7} {'peak MB':>8} {'x floor':>8}")
    print(f"{'floor':<24} {floor_time * 1000:>10.1f} {1:>8.2f} {'':>7} {floor_memory / 1024:>8.1f} {1:>8.2f}")
    missed = []
    for case in cases:
        median = statistics.median(case.seconds)
        memory = max(case.peak_kb)
        ratio, memory_ratio = median / floor_time, memory / floor_memory
        ok = ratio <= case.time_budget and memory_ratio <= 1.2
        if not ok:
            missed.append(case.name)
        print(
            f"{case.name:<24} {median * 1000:>10.1f} {ratio:>8.2f} {case.time_budget:>7.2f} "
            f"{memory / 1024:>8.1f} {memory_ratio:>8.2f}{'' if ok else '  MISSED'}"
        )
    if missed:
        print(f"missed: {', '.join(missed)}")
        return 1
    print("all within budget")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
