"""Real commands against committed outputs: the plain-text table format, exactly (see output/table.py).

After an intended change of output, regenerate with `SPENDCALC_UPDATE_GOLDEN=1 pytest tests/test_golden.py`
and read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support import ok

GOLDEN = Path(__file__).parent / "golden"
COMMANDS: dict[str, tuple[str, ...]] = {
    "compare": ("compare",),
    "compare-eur-2024": ("compare", "--year", "2024", "--currency", "EUR", "-t", "2", "-t", "3.5"),
    "gap-pol": ("gap", "POL", "-t", "2", "-t", "3.5", "-t", "5"),
    "gap-gbr-current": ("gap", "UK", "--current", "2.3", "-t", "2.5", "--year", "2024"),
    "history-deu": ("history", "DEU", "--from", "2018"),
    "path-deu": ("path", "DEU", "-t", "3.5", "--by", "2029"),
    "path-pol-hague": ("path", "POL", "-t", "hague", "--by", "2030", "--baseline", "flat-cash"),
    "pledges-gbr": ("pledges", "GBR"),
    "share": ("share", "-t", "3.5"),
    "chart": ("chart", "-t", "2", "-t", "3.5", "-t", "5"),
    "countries": ("countries",),
    "targets": ("targets",),
    "path-groups": ("path", "-g", "nordic", "-g", "baltics=EST,LVA,LTU", "-t", "3.5", "--by", "2030"),
    "share-groups": ("share", "-t", "3.5", "-g", "eu", "-g", "weimar"),
    "history-groups": ("history", "FIN", "--from", "2021", "-g", "nordic"),
    "chart-groups": ("chart", "-t", "2", "-t", "3.5", "-g", "eu", "-g", "baltic"),
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_output_is_the_committed_one(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)  # off a terminal: the width the table needs
    out = ok(*COMMANDS[name])
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("SPENDCALC_UPDATE_GOLDEN"):
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_every_golden_file_belongs_to_a_command() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.txt")) == sorted(COMMANDS)
