"""Scaling benchmark: spendcalc on generated datasets, many targets and many years.

Usage: python bench/scale.py [--runs N] [--quick]

Datasets are generated from the bundled one (its targets, a GDP source, an edition of their own, the
groups NATO and Europe and Canada) with 32, 200 and 500 allies over 12 and 75 years, written compact to a
temporary directory. For each, `compare`, `export --format csv`, `history` and `scenario run
hague-core-2035` are run as whole processes (median of N runs, default 3; CPU = user + system; peak memory =
the child's maximum resident set size, read with os.wait4) with 4, 100 and 500 targets (the defaults;
sweeps 0.05:5:0.05 and 0.01:5:0.01). The Python API is timed in-process: `compare()` for every year of a
dataset, the result rows being allies x years x targets, and the same with every GapRow of the results
read (figures and rows are computed when first read, so this is the rate judged); the least of 3 passes,
the 12- and 75-year datasets' passes taking turns in one process. The growth exponents are least-squares
slopes of log(API seconds, every row read) against log(targets) (500 allies, 12 and 75 years) and against
log(years) (500 allies, 4, 100 and 500 targets), the seconds of all years being there a year's seconds
(the median of 7 rounds timing 12 years of each dataset in turn: samples of equal length) times the years.

Loading is timed too: load_dataset() of the bundled data (written compact) and of the 500-ally files, in a
fresh process after a warm-up (CPU seconds, median of N), with the peak of Python's allocations during it
(tracemalloc), the growth of the process's maximum resident set and the dataset kept (tracemalloc's
allocations once it returned), each as a multiple of the file size.

When pandas is installed, a 9-line pandas script writing the same 500-target tidy CSV of the bundled data
is timed side by side with `spendcalc export -t 0.01:5:0.01` (alternating runs, whole process).

Targets (printed PASS/FAIL; exits 1 if any fails): exponent <= 1.1 in targets and in years; 500 allies x
500 targets `export` <= 1.5 s CPU (the median of at least 5 runs, --quick too: one run on this shared
machine can be half as slow again) and <= 150 MiB; a 500-target export of the bundled data no slower than
the pandas script; the API >= 1M result rows/s, every row read, for the large runs (500 allies x 75
years x 100 targets, 500 allies x 12 years x 500 targets); loading a file of over 1 MB at a peak of at
most 5x its size (issue 12's aim). `--quick` skips the 75-year command runs and takes one run of each
(the judged export 500 x 500: 5); `--max-rows N` skips API runs with more result rows (to measure a slow
version).
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ALLIES = (32, 200, 500)
YEARS = (12, 75)
TARGETS = {
    4: ["-t", "2", "-t", "2.5", "-t", "3.5", "-t", "5"],
    100: ["-t", "0.05:5:0.05"],
    500: ["-t", "0.01:5:0.01"],
}
LAST_YEAR = 2025
MIB = 1024 * 1024

PANDAS = """
import json, sys, pandas as pd
d = json.load(open(sys.argv[1])); e = next(e["id"] for e in d["editions"] if e["latest"])
rows = [{"iso3": a["iso3"], "name": a["name"], "year": int(y), "share_pct": s.get("pct"), "share_estimate": s.get("estimate"), "gdp_usd_bn": (r.get("gdp") or {}).get("usd_bn"), "population_m": (r.get("population") or {}).get("millions"), "share_source": s.get("edition"), "gdp_source": (r.get("gdp") or {}).get("source")} for a in d["allies"] for y, r in a["years"].items() if int(y) == int(sys.argv[2]) for s in [next((s for s in r.get("shares", []) if s["edition"] == e), {})]]
f = pd.DataFrame(rows).merge(pd.DataFrame({"target_pct": [i / 100 for i in range(1, 501)]}), how="cross")
f["spending_usd_bn"] = f.share_pct / 100 * f.gdp_usd_bn
f["gap_pp"] = f.target_pct - f.share_pct
f["gap_usd_bn"] = f.gap_pp / 100 * f.gdp_usd_bn
f["gap_usd_per_capita"], f["meets_target"] = f.gap_usd_bn * 1e9 / (f.population_m * 1e6), f.gap_pp <= 0
f[["iso3", "name", "year", "share_pct", "share_estimate", "gdp_usd_bn", "spending_usd_bn", "target_pct", "gap_pp", "gap_usd_bn", "gap_usd_per_capita", "meets_target", "share_source", "gdp_source"]].to_csv(sys.stdout, index=False)
"""  # noqa: E501 - nine lines, as an analyst would write them


@dataclass
class Timing:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_kb: list[int] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(self.cpu)

    @property
    def peak_mib(self) -> float:
        return max(self.peak_kb) / 1024


def run_once(argv: list[str], timing: Timing) -> None:
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    error = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    timing.wall.append(time.perf_counter() - started)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)}: failed\n{error.decode(errors='replace')}")
    timing.cpu.append(usage.ru_utime + usage.ru_stime)
    timing.peak_kb.append(usage.ru_maxrss)


def time_command(argv: list[str], runs: int) -> Timing:
    timing = Timing()
    run_once(argv, Timing())  # warm the file cache
    for _ in range(runs):
        run_once(argv, timing)
    return timing


def code(index: int, width: int) -> str:
    letters = ""
    for _ in range(width):
        index, digit = divmod(index, 26)
        letters = chr(ord("A") + digit) + letters
    return letters


EDITION = "bench-edition"


def generate(allies: int, years: int, bundled: dict[str, Any]) -> dict[str, Any]:
    """A dataset of `allies` allies with a share (one edition), GDP and population in each of `years`
    years, and the groups NATO and Europe and Canada (`scenario run` totals the latter)."""
    source = next(s["id"] for s in bundled["sources"] if s["id"].startswith("imf"))
    first = LAST_YEAR - years + 1
    edition = {
        "id": EDITION,
        "title": "Generated for bench/scale.py",
        "publisher": "spendcalc",
        "published": f"{LAST_YEAR}-12-31",
        "basis": "core defence",
        "first_year": first,
        "last_year": LAST_YEAR,
        "latest": True,
    }
    members = []
    for index in range(allies):
        iso3 = "USA" if index == 0 else code(index + 1, 3)
        records = {}
        size = 5 + (index * 7919 % 1000) * 3.7 + index  # GDP grows 3% a year from it
        for offset, year in enumerate(range(first, LAST_YEAR + 1)):
            seed = (index * 7919 + offset * 104729) % 1000
            records[str(year)] = {
                "shares": [
                    {
                        "edition": EDITION,
                        "pct": round(0.5 + seed / 250, 2),
                        "estimate": False,
                        "precision": 0.01,
                    }
                ],
                "gdp": {"usd_bn": round(size * 1.03**offset, 3), "kind": "actual", "source": source},
                "population": {"millions": round(1 + seed / 10, 3), "source": source},
            }
        members.append(
            {
                "iso3": iso3,
                "iso2": code(index, 2),
                "name": f"Ally {index:04d}",
                "aliases": [],
                "joined": first,
                "currency": "EUR",
                "has_armed_forces": True,
                "years": records,
            }
        )
    codes = [m["iso3"] for m in members]
    return {
        "schema_version": bundled["schema_version"],
        "editions": [edition],
        "sources": [
            *(s for s in bundled["sources"] if s["id"] == source),
            {k: edition[k] for k in ("id", "title", "publisher", "published")},
        ],
        "targets": bundled["targets"],
        "groups": [
            {"id": "nato", "name": "NATO", "members": codes},
            {"id": "europe-canada", "name": "Europe and Canada", "members": codes[1:]},
        ],
        "allies": members,
    }


def slope(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of log(y) against log(x)."""
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def time_api(paths: Sequence[Path], targets: int, passes: int = 3) -> list[tuple[float, int, float, float]]:
    """For each dataset: the seconds of compare() over every year of it, the result rows, the seconds
    when every GapRow of the results is read too (figures are computed when first read:
    `spendcalc.domain.gaps.GapRows`), and the seconds a year takes, every row read (`per_year`). The
    least of `passes` passes, the datasets' passes taking turns (the machine is shared: a dataset timed
    only after another would meet other load)."""
    from spendcalc import compare, load_dataset
    from spendcalc.domain.years import share_years

    datasets = [load_dataset(path) for path in paths]
    specs = [f"{i * 5 / targets:.4f}" for i in range(1, targets + 1)]
    best = [math.inf] * len(datasets)
    read = [math.inf] * len(datasets)
    rows = [0] * len(datasets)
    for _ in range(passes):
        for index, dataset in enumerate(datasets):
            years = share_years(dataset)
            started = time.process_time()
            count = 0
            for year in years:
                result = compare(dataset, specs, year)
                count += sum(len(g.rows) for g in result.allies)
            best[index] = min(best[index], time.process_time() - started)
            rows[index] = count
            read[index] = min(read[index], read_years(dataset, specs, years))
    return list(zip(best, rows, read, per_year(datasets, specs), strict=True))


def read_years(dataset: Any, specs: list[str], years: Sequence[int]) -> float:
    """CPU seconds of compare() for each of `years`, every GapRow of the results read."""
    from spendcalc import compare

    started = time.process_time()
    for year in years:
        for gaps in compare(dataset, specs, year).allies:
            for _row in gaps.rows:
                pass
    return time.process_time() - started


CHUNK = 12
ROUNDS = 7


def per_year(datasets: Sequence[Any], specs: list[str]) -> list[float]:
    """The seconds a year takes in each dataset, every row read: the median over ROUNDS rounds, each
    timing CHUNK years of every dataset in turn (the next CHUNK of its years each round, the order of
    the datasets reversed every other round). Samples of the same length and number for a dataset of 12
    years and one of 75: the least of whole passes, one 6 times longer than the other, would favour the
    shorter (it more often falls in a quiet moment of this shared machine) and bias the exponent."""
    from spendcalc.domain.years import share_years

    samples: list[list[float]] = [[] for _ in datasets]
    for round_ in range(ROUNDS):
        order = list(enumerate(datasets))
        for index, dataset in order if round_ % 2 == 0 else order[::-1]:
            years = share_years(dataset)
            chunk = [years[(round_ * CHUNK + k) % len(years)] for k in range(CHUNK)]
            samples[index].append(read_years(dataset, specs, chunk) / CHUNK)
    return [statistics.median(values) for values in samples]


def time_load(path: Path, measure: str) -> float:
    """One load_dataset(path) after a warm-up (imports, validators built): its CPU seconds ('time'), the
    peak of Python's allocations during it ('traced', tracemalloc), what they are once it returned, the
    dataset kept ('kept'), or the growth of the process's maximum resident set size ('rss'), in bytes."""
    import gc
    import resource
    import tracemalloc

    from spendcalc import load_dataset

    load_dataset(path.with_name("allies-32x12.json"))
    gc.collect()
    if measure in ("traced", "kept"):
        tracemalloc.start()
        dataset = load_dataset(path)
        current, peak = tracemalloc.get_traced_memory()
        del dataset
        return float(peak if measure == "traced" else current)
    if measure == "rss":
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        load_dataset(path)
        return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
    started = time.process_time()
    load_dataset(path)
    return time.process_time() - started


def loading(directory: Path, runs: int) -> list[str]:
    """Loading (one parse of the file, validation) in process, each measure in a fresh child."""
    print(
        "\nloading: load_dataset() in a fresh process after a warm-up; memory as a multiple of the file size"
    )
    print(f"{'file':<22} {'MB':>6} {'cpu s':>7} {'peak traced':>12} {'max RSS growth':>15} {'kept':>6}")
    worst = 0.0
    for name in ("allies.json", "allies-500x12.json", "allies-500x75.json"):
        path = directory / name
        size = path.stat().st_size
        seconds = statistics.median(float(child_output(["--load", str(path), "time"])) for _ in range(runs))
        traced = float(child_output(["--load", str(path), "traced"])) / size
        rss = float(child_output(["--load", str(path), "rss"])) / size
        kept = float(child_output(["--load", str(path), "kept"])) / size
        if size > 1_000_000:  # a small file's figures are mostly the allocator's granularity
            worst = max(worst, traced, rss)
        print(f"{name:<22} {size / 1e6:>6.2f} {seconds:>7.3f} {traced:>11.1f}x {rss:>14.1f}x {kept:>5.1f}x")
    return [f"{verdict(worst <= 5)} loading a large file: peak memory {worst:.1f}x the file size (<= 5x)"]


def child_output(arguments: list[str]) -> str:
    """Heavy work (generating data, the API runs) is done in a child: Linux counts the RSS a process had
    before exec in its children's peak, so this process stays small to measure the commands fairly."""
    done = subprocess.run([sys.executable, __file__, *arguments], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench/scale.py {' '.join(arguments)} failed:\n{done.stderr}")
    return done.stdout


def generate_all(directory: Path) -> int:
    """Write the generated datasets and the bundled one (compact) to `directory`; return its default year."""
    from spendcalc import load_dataset
    from spendcalc.data.load import bundled_bytes
    from spendcalc.domain.years import default_year

    bundled = json.loads(bundled_bytes())
    (directory / "allies.json").write_text(json.dumps(bundled))
    for allies in ALLIES:
        for years in YEARS:
            path = directory / f"allies-{allies}x{years}.json"
            path.write_text(json.dumps(generate(allies, years, bundled), separators=(",", ":")))
    return default_year(load_dataset())


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one run each; no 75-year command runs")
    parser.add_argument("--max-rows", type=int, default=None, help="skip API runs with more result rows")
    parser.add_argument("--generate", metavar="DIR", help=argparse.SUPPRESS)
    parser.add_argument("--api", nargs="+", metavar="TARGETS PATH", help=argparse.SUPPRESS)
    parser.add_argument("--load", nargs=2, metavar=("PATH", "MEASURE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        print(generate_all(Path(args.generate)))
        return 0
    if args.load:
        print(time_load(Path(args.load[0]), args.load[1]))
        return 0
    if args.api:
        for seconds, rows, read, year in time_api([Path(p) for p in args.api[1:]], int(args.api[0])):
            print(seconds, rows, read, year)
        return 0
    runs = 1 if args.quick else args.runs
    program = shutil.which("spendcalc")
    if program is None:
        raise SystemExit("spendcalc is not installed: pip install . first")
    import spendcalc  # lazy: this imports no pydantic, and the parent stays small (see run_once)

    compileall.compile_dir(Path(spendcalc.__file__).parent, quiet=1)
    results: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        year = int(child_output(["--generate", tmp]))
        paths = {(a, y): Path(tmp) / f"allies-{a}x{y}.json" for a in ALLIES for y in YEARS}
        print(
            f"python {sys.version.split()[0]}, {os.cpu_count()} cores, median of {runs} run(s) "
            f"(export 500 x 12 x 500: of {max(runs, 5)}), CPU seconds"
        )
        header = ("command", "allies", "years", "targets", "cpu s", "wall s", "peak MiB")
        print("{:<10} {:>6} {:>5} {:>7} {:>7} {:>7} {:>9}".format(*header))
        commands: dict[tuple[str, int, int, int], Timing] = {}
        for (allies, years), path in paths.items():
            if args.quick and years != YEARS[0]:
                continue
            data = [program, "--data", str(path)]
            for command, extra in (("compare", []), ("export", ["--format", "csv"])):
                for count, target_args in TARGETS.items():
                    judged = (command, allies, years, count) == ("export", 500, 12, 500)  # issue 12 target
                    timing = time_command(
                        [*data, command, *target_args, *extra], max(runs, 5) if judged else runs
                    )
                    commands[command, allies, years, count] = timing
                    print(
                        f"{command:<10} {allies:>6} {years:>5} {count:>7} {timing.seconds:>7.3f} "
                        f"{statistics.median(timing.wall):>7.3f} {timing.peak_mib:>9.1f}"
                    )
            for command, extra in (("history", ["USA"]), ("scenario", ["run", "hague-core-2035"])):
                timing = time_command([*data, command, *extra], runs)
                commands[command, allies, years, 0] = timing
                print(
                    f"{command:<10} {allies:>6} {years:>5} {'':>7} {timing.seconds:>7.3f} "
                    f"{statistics.median(timing.wall):>7.3f} {timing.peak_mib:>9.1f}"
                )

        print(
            "\nAPI: compare() for every year; rows = allies x years x targets; least of 3 passes, the"
            " 12- and 75-year datasets' passes taking turns;\nms a year: every row read, median of"
            f" {ROUNDS} rounds timing {CHUNK} years of each dataset in turn"
        )
        print(
            f"{'allies':>6} {'years':>5} {'targets':>7} {'cpu s':>8} {'rows':>10} {'rows/s':>11}"
            f" {'cpu s, rows read':>17} {'rows/s, rows read':>18} {'ms a year':>12}"
        )
        api: dict[tuple[int, int, int], tuple[float, int, float]] = {}
        for allies in ALLIES:
            for count in TARGETS:
                timed = []
                for years in YEARS:
                    if args.max_rows is not None and allies * years * count > args.max_rows:
                        print(f"{allies:>6} {years:>5} {count:>7} skipped (--max-rows)")
                    else:
                        timed.append(years)
                if not timed:
                    continue
                arguments = [str(paths[allies, years]) for years in timed]
                lines = child_output(["--api", str(count), *arguments]).splitlines()
                for years, line in zip(timed, lines, strict=True):
                    seconds_text, rows_text, read_text, year_text = line.split()
                    seconds, rows, read = float(seconds_text), int(rows_text), float(read_text)
                    api[allies, years, count] = read, rows, float(year_text)
                    print(
                        f"{allies:>6} {years:>5} {count:>7} {seconds:>8.3f} {rows:>10}"
                        f" {rows / seconds:>11,.0f} {read:>17.3f} {rows / read:>18,.0f}"
                        f" {float(year_text) * 1000:>12.2f}"
                    )
        pandas_lines = pandas_comparison(program, runs, Path(tmp) / "allies.json", year)
        loading_lines = loading(Path(tmp), runs)

    print()

    def exponent(label: str, points: list[tuple[float, float]]) -> None:
        if len(points) >= 2:
            fitted = slope(points)
            results.append(f"{verdict(fitted <= 1.1)} exponent in {label}: {fitted:.2f}")

    # In targets: the seconds of every year, every row read. In years: a year's seconds (paired samples
    # of equal length, see per_year) times the years.
    for years in YEARS:
        keys = [(count, (500, years, count)) for count in TARGETS]
        exponent(f"targets (500 allies, {years} years)", [(x, api[k][0]) for x, k in keys if k in api])
    for count in TARGETS:
        keys = [(years, (500, years, count)) for years in YEARS]
        exponent(f"years (500 allies, {count} targets)", [(x, api[k][2] * x) for x, k in keys if k in api])
    big = commands["export", 500, 12, 500]
    results.append(
        f"{verdict(big.seconds <= 1.5)} export 500 allies x 500 targets: {big.seconds:.2f} s CPU (<= 1.5 s; "
        f"median of {len(big.cpu)}, {min(big.cpu):.2f} to {max(big.cpu):.2f}), "
        f"{statistics.median(big.wall):.2f} s wall"
    )
    results.append(
        f"{verdict(big.peak_mib <= 150)} export 500 allies x 500 targets: {big.peak_mib:.0f} MiB (<= 150)"
    )
    for key in ((500, 75, 100), (500, 12, 500)):
        if key not in api:
            continue
        seconds, rows, _ = api[key]
        results.append(
            f"{verdict(rows / seconds >= 1e6)} API {key[0]} allies x {key[1]} years x {key[2]} targets, "
            f"every row read: {rows / seconds:,.0f} rows/s (>= 1,000,000)"
        )
    results += pandas_lines
    results += loading_lines
    print("\n".join(results))
    return 1 if any(line.startswith("FAIL") for line in results) else 0


def pandas_comparison(program: str, runs: int, data: Path, year: int) -> list[str]:
    if importlib.util.find_spec("pandas") is None:
        return ["(pandas is not installed: no comparison)"]
    ours, theirs = Timing(), Timing()
    ours_argv = [program, "export", "-t", "0.01:5:0.01", "--year", str(year), "--format", "csv"]
    theirs_argv = [sys.executable, "-c", PANDAS, str(data), str(year)]
    run_once(ours_argv, Timing())
    run_once(theirs_argv, Timing())
    for _ in range(max(runs, 5)):
        run_once(ours_argv, ours)
        run_once(theirs_argv, theirs)
    print(
        f"\n500-target tidy CSV of the bundled data ({year}): spendcalc export {ours.seconds:.3f} s "
        f"{ours.peak_mib:.0f} MiB, pandas script {theirs.seconds:.3f} s {theirs.peak_mib:.0f} MiB"
    )
    return [
        f"{verdict(ours.seconds <= theirs.seconds)} 500-target export of the bundled data: "
        f"{ours.seconds:.3f} s vs pandas {theirs.seconds:.3f} s"
    ]


if __name__ == "__main__":
    raise SystemExit(main())
