"""Shared fixtures: the bundled dataset, and a tiny valid dataset that tests can mutate and write out."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from spendcalc.data.load import load_dataset
from spendcalc.data.schema import Dataset
from support import Raw, load_raw

SPENDCALC_ENVIRONMENT = ("SPENDCALC_DATA", "SOURCE_DATE_EPOCH", "COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR")
"""Variables that change what spendcalc prints: every test starts without them (and sets them itself)."""


@pytest.fixture(scope="module")
def raw() -> Raw:
    """data/allies.json as plain JSON, read once per module, independently of spendcalc's loader."""
    return load_raw()


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SPENDCALC_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


WriteDataset = Callable[[dict[str, Any]], Path]

_TINY: dict[str, Any] = {
    "schema_version": 2,
    "editions": [
        {
            "id": "src-share",
            "title": "Defence shares, test edition",
            "publisher": "Test Publisher",
            "published": "2025-08-28",
            "basis": "total defence expenditure",
            "first_year": 2014,
            "last_year": 2025,
            "latest": True,
        }
    ],
    "sources": [
        {
            "id": "src-share",
            "title": "Defence shares, test edition",
            "publisher": "Test Publisher",
            "published": "2025-08-28",
            "url": "https://example.org/shares",
            "note": None,
        },
        {
            "id": "src-gdp",
            "title": "GDP, test edition",
            "publisher": "Test Fund",
            "published": "2026-04-14",
            "url": None,
            "note": "GDP in US$ billions",
        },
    ],
    "targets": [
        {
            "id": "nato-2pct",
            "label": "NATO 2% guideline",
            "share_pct": 2.0,
            "of": "gdp",
            "by_year": 2024,
            "agreed": "2014-09-05",
            "scope": "nato-definition total",
            "note": None,
            "url": None,
        },
        {
            "id": "equipment-20pct",
            "label": "20% on major equipment",
            "share_pct": 20.0,
            "of": "defence_expenditure",
            "by_year": 2024,
            "agreed": "2014-09-05",
            "scope": "share of defence expenditure",
            "note": None,
            "url": None,
        },
    ],
    "allies": [
        {
            "iso3": "ALP",
            "iso2": "AP",
            "name": "Alphaland",
            "aliases": ["Alpha"],
            "joined": 1949,
            "currency": "ALP",
            "currency_note": None,
            "has_armed_forces": True,
            "years": {
                "2024": {
                    "shares": [
                        {
                            "edition": "src-share",
                            "pct": 1.5,
                            "estimate": False,
                            "precision": 0.01,
                            "note": None,
                        }
                    ],
                    "gdp": {"usd_bn": 200.0, "kind": "actual", "source": "src-gdp"},
                    "population": {"millions": 10.0, "source": "src-gdp"},
                },
                "2025": {
                    "shares": [
                        {
                            "edition": "src-share",
                            "pct": 2.5,
                            "estimate": True,
                            "precision": 0.01,
                            "note": "an estimate",
                        }
                    ],
                    "gdp": {"usd_bn": 220.0, "kind": "estimate", "source": "src-gdp"},
                    "population": {"millions": 10.5, "source": "src-gdp"},
                },
            },
        },
        {
            "iso3": "BET",
            "iso2": "BT",
            "name": "Betaland",
            "aliases": [],
            "joined": 2004,
            "currency": "EUR",
            "currency_note": None,
            "has_armed_forces": True,
            "years": {
                "2024": {
                    "shares": [
                        {
                            "edition": "src-share",
                            "pct": 3.0,
                            "estimate": False,
                            "precision": 0.1,
                            "note": None,
                        }
                    ],
                    "gdp": {"usd_bn": 50.0, "kind": "actual", "source": "src-gdp"},
                },
                "2025": {
                    "shares": [
                        {
                            "edition": "src-share",
                            "pct": 3.2,
                            "estimate": True,
                            "precision": 0.1,
                            "note": None,
                        }
                    ],
                    "gdp": {"usd_bn": 55.0, "kind": "estimate", "source": "src-gdp"},
                },
            },
        },
        {
            "iso3": "ICE",
            "iso2": "IC",
            "name": "Icyland",
            "aliases": [],
            "joined": 1949,
            "currency": "ISK",
            "currency_note": None,
            "has_armed_forces": False,
            "years": {
                "2024": {"gdp": {"usd_bn": 30.0, "kind": "actual", "source": "src-gdp"}},
                "2025": {"gdp": {"usd_bn": 32.0, "kind": "estimate", "source": "src-gdp"}},
            },
        },
    ],
}


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    """The bundled dataset (data/allies.json), loaded and validated once."""
    return load_dataset()


@pytest.fixture
def tiny_dataset_dict() -> dict[str, Any]:
    """A small valid dataset as plain JSON data, fresh for each test so it can be mutated.

    Allies: ALP (Alphaland: shares, GDP and population for 2024 and 2025), BET (Betaland: shares and GDP),
    ICE (Icyland: no armed forces, GDP only, like Iceland).
    """
    return copy.deepcopy(_TINY)


@pytest.fixture
def write_dataset(tmp_path: Path) -> WriteDataset:
    """Return a helper that writes a dataset dict as UTF-8 JSON to a new file under tmp_path."""
    counter = iter(range(1_000_000))

    def write(data: dict[str, Any]) -> Path:
        path = tmp_path / f"dataset-{next(counter)}.json"
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return path

    return write
