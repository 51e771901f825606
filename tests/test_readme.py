"""The README's examples and worked examples, run against the bundled data: what it shows is what prints."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from support import ok

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
CONSOLE = re.compile(r"```console\n\$ (spendcalc [^\n]*)\n(.*?)```", re.DOTALL)
EXAMPLES = CONSOLE.findall(README)
PLACEHOLDER = "Source: ... (every publication used, with its date and id)"


def run(command: str) -> str:
    return ok(*shlex.split(command)[1:], env={"COLUMNS": "80", "NO_COLOR": "1"})


def test_the_readme_has_examples() -> None:
    assert [c for c, _ in EXAMPLES][:2] == [
        "spendcalc gap POL --target 2 --target 3.5 --target 5",
        "spendcalc compare",
    ]
    assert "spendcalc revisions POL --year 2025" in [c for c, _ in EXAMPLES]


@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_console_example_is_what_spendcalc_prints(command: str, shown: str) -> None:
    printed = run(command)
    if "\n ...\n" not in shown:
        assert printed == shown
        return
    # An abridged table: every line shown is printed, in the same order.
    lines = printed.splitlines()
    position = 0
    for line in shown.splitlines():
        if line in (" ...", PLACEHOLDER):
            continue
        position = lines.index(line, position) + 1


WORKED = [
    ("spendcalc path DEU -t hague --by 2035", ["US$ 247.3 bn", "US$ 266.8 bn", "US$ 494.1 bn", "2.69%"]),
    ("spendcalc path ESP -t 5 --by 2035", ["US$ 147.8 bn", "US$ 41.8 bn in 2026", "US$ 403.3 bn"]),
    ("spendcalc path POL -t 5 --by 2035", ["4.68%", "US$ 25.0 bn"]),
    ("spendcalc share --year 2014", ["69.33", "61.15"]),
    ("spendcalc share --year 2019", ["71.34"]),
    ("spendcalc share --year 2025", ["59.88"]),
    ("spendcalc gap GBR --current 2.3 --target 2.5 --year 2024 --currency LCU", ["+5.8"]),
    (
        "spendcalc path GBR --current 2.3 --from 2024 -t 2.5 --by 2027 --baseline flat-cash --currency LCU",
        ["GBP 81.8 bn", "GBP 66.5 bn in 2024"],
    ),
]


@pytest.mark.parametrize(("command", "figures"), WORKED, ids=[c for c, _ in WORKED])
def test_worked_example_figures(command: str, figures: list[str]) -> None:
    # The README writes the last two share runs as `--year 2019` and `--year 2025` after the first.
    assert f"`{command}`" in README or f"`{command.removeprefix('spendcalc share ')}`" in README
    printed = " ".join(run(command).split())
    for figure in figures:
        assert figure in printed, figure


def test_worked_example_figures_are_the_readmes() -> None:
    section = README[README.index("## Worked examples") : README.index("## Bring your own dataset")]
    text = " ".join(section.split())
    for figure in (
        "US$ 247.3 bn",
        "US$ 266.8 bn",
        "US$ 494.1 bn",
        "US$ 147.8 bn",
        "US$ 403.3 bn",
        "US$ 25.0 bn",
    ):
        assert figure in text, figure
    for figure in ("69.3%", "71.3%", "59.9%", "61.2%", "£81.8bn", "£66.5bn"):
        assert figure in text, figure
