"""Build data/allies.json from the reference CSV files.

Usage: python scripts/build_data.py [REFERENCE_DIR] [OUTPUT]

REFERENCE_DIR defaults to ../shared/reference beside the repository; OUTPUT to data/allies.json.
Every value keeps the id of the source it came from; nothing missing is filled in.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = REPO.parent / "shared" / "reference"
DEFAULT_OUTPUT = REPO / "data" / "allies.json"
SCHEMA_VERSION = 1

# The equipment guideline is a share of defence spending, not of GDP: it can never be a GDP target.
DEFENCE_EXPENDITURE_SCOPE = "share of defence expenditure"


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


def build(reference: Path) -> dict[str, Any]:
    allies_rows = read_csv(reference / "allies.csv")
    shares = read_csv(reference / "defence_share_of_gdp.csv")
    gdp_history = read_csv(reference / "gdp_usd_history.csv")
    gdp_imf = read_csv(reference / "gdp_usd.csv")
    population = read_csv(reference / "population.csv")

    years: dict[str, dict[int, dict[str, Any]]] = {row["iso3"]: {} for row in allies_rows}

    def year_record(iso3: str, year: str) -> dict[str, Any]:
        return years[iso3].setdefault(int(year), {})

    for row in shares:
        record = year_record(row["iso3"], row["year"])
        record["share"] = {
            "pct": float(row["share_pct"]),
            "estimate": yes_no(row["estimate"]),
            "precision": float(row["precision"]),
            "source": row["source"],
            "note": optional(row["note"]),
        }
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
    for row in population:
        year_record(row["iso3"], row["year"])["population"] = {
            "millions": float(row["population_m"]),
            "source": row["source"],
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
        for key in ("share", "gdp", "population")
        if key in part
    }
    sources = [
        {
            "id": row["id"],
            "title": row["title"],
            "publisher": row["publisher"],
            "published": row["published"],
            "url": optional(row["url"]),
            "note": optional(row["note"]),
        }
        for row in read_csv(reference / "sources.csv")
        if row["id"] in cited
    ]
    targets = [
        {
            "id": row["id"],
            "label": row["label"],
            "share_pct": float(row["share_pct"]),
            "of": "defence_expenditure" if row["scope"] == DEFENCE_EXPENDITURE_SCOPE else "gdp",
            "by_year": int(row["by_year"]),
            "agreed": row["agreed"],
            "scope": row["scope"],
            "note": optional(row["note"]),
            "url": optional(row["source_url"]),
        }
        for row in read_csv(reference / "targets.csv")
    ]
    return {"schema_version": SCHEMA_VERSION, "sources": sources, "targets": targets, "allies": allies}


def main(argv: list[str]) -> int:
    reference = Path(argv[1]) if len(argv) > 1 else DEFAULT_REFERENCE
    output = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUTPUT
    dataset = build(reference)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(dataset, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {output} ({len(dataset['allies'])} allies)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
