"""Helpers the test modules share: the bundled data read as plain JSON, and the CLI run in process."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from spendcalc.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
DATA_FILE = ROOT / "data" / "allies.json"

EXPORT_HEADER = (
    "iso3,name,group,year,nato_member,share_pct,share_estimate,share_precision,share_source,gdp_usd_bn,spending_usd_bn,"
    "target,target_pct,gap_pp,gap_usd_bn,shortfall_usd_bn,gap_usd_per_capita,meets_target,allies_meeting,"
    "allies_counted,gdp_source"
)
"""The CSV header of `gap`, `compare` and `export` in US$, as documented in the README."""

Raw = dict[str, Any]


def load_raw() -> Raw:
    """data/allies.json as JSON, read independently of spendcalc's own loader."""
    data: Raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return data


def raw_ally(data: Raw, iso3: str) -> dict[str, Any]:
    found: dict[str, Any] = next(a for a in data["allies"] if a["iso3"] == iso3)
    return found


def write_copy(data: Raw, path: Path) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(app, list(args), env=env)
    # Whatever happened, it was an orderly exit, not an escaped exception.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def ok(*args: str, env: dict[str, str] | None = None) -> str:
    """Run a command that must succeed quietly; return its stdout."""
    result = invoke(*args, env=env)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout


def access_as_a_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under root, os.access grants everything: judge it by the owner's mode bits, as the kernel does for
    an ordinary user who owns the file (a no-op for other users)."""
    if os.geteuid() != 0:
        return
    bits = ((os.R_OK, stat.S_IRUSR), (os.W_OK, stat.S_IWUSR), (os.X_OK, stat.S_IXUSR))

    def access(path: str | os.PathLike[str], mode: int, **_: object) -> bool:
        try:
            st_mode = Path(path).stat().st_mode
        except OSError:
            return False
        return all(st_mode & bit for wanted, bit in bits if mode & wanted)

    monkeypatch.setattr(os, "access", access)


# --- money as issue 9 (items 4 and 5) says it is, read from the JSON ---------------------------------


def raw_nato(data: Raw, code: str, year: int, metric: str) -> float:
    table = next(t for t in data["nato_tables"] if t["metric"] == metric)
    value: float = table["values"][code][year - table["first_year"]]
    return value


def raw_nato_rate(data: Raw, code: str, year: int) -> float:
    """NATO's implied rate: national-currency spending / US$ spending, read from the JSON."""
    return raw_nato(data, code, year, "spending_lcu_m") / raw_nato(data, code, year, "spending_usd_m")


def raw_imf_rate(data: Raw, iso3: str, year: int) -> float:
    """The IMF's implied rate: NGDP / NGDPD, read from the JSON."""
    record = raw_ally(data, iso3)["years"][str(year)]
    return float(record["gdp_lcu"]["lcu_bn"]) / float(record["gdp"]["usd_bn"])


def expected_local(raw: Raw, iso3: str, year: int, edition_last: int = 2026) -> float:
    """GDP in national currency as item 5 of issue 9 says, read from the JSON: NATO's in the edition's
    years (US$ GDP × NATO's implied rate); then the IMF's NGDP growth (to 2029), then (1 + real growth) ×
    (1 + CPI inflation) (to 2031), then 2031's rate."""
    if year <= edition_last:
        return raw_nato(raw, iso3, year, "gdp_usd_m") / 1000 * raw_nato_rate(raw, iso3, year)
    years = raw_ally(raw, iso3)["years"]
    before = expected_local(raw, iso3, year - 1, edition_last)
    if year <= 2029:
        return float(
            before * years[str(year)]["gdp_lcu"]["lcu_bn"] / years[str(year - 1)]["gdp_lcu"]["lcu_bn"]
        )
    growth = years[str(min(year, 2031))]["growth"]
    return float(before * (1 + growth["real_pct"] / 100) * (1 + growth["cpi_pct"] / 100))


def expected_gdp(raw: Raw, iso3: str, year: int) -> float:
    """US$ GDP: NATO's in the edition's years, then national currency at the IMF's implied rate."""
    if year <= 2026:
        return raw_nato(raw, iso3, year, "gdp_usd_m") / 1000
    rate = 1.0 if iso3 == "USA" else raw_imf_rate(raw, iso3, min(year, 2029))  # the dollar is the dollar
    return expected_local(raw, iso3, year) / rate
