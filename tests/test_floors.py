"""The lowest versions scripts/matrix tests (.ci/lowest.txt) are exactly the floors in pyproject.toml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLOOR = re.compile(r"(?P<name>[A-Za-z0-9._-]+)\s*>=\s*(?P<version>[^\s;,]+)\s*(?:;\s*(?P<marker>.+))?")
PIN = re.compile(r"(?P<name>[A-Za-z0-9._-]+)\s*==\s*(?P<version>[^\s;,]+)\s*(?:;\s*(?P<marker>.+))?")


def parsed(requirements: list[str], pattern: re.Pattern[str]) -> set[tuple[str, str, str]]:
    """(name, version, marker) of each requirement; each must have the form the pattern gives."""
    found = set()
    for requirement in requirements:
        match = pattern.fullmatch(requirement.strip())
        assert match is not None, f"not of the form {pattern.pattern}: {requirement}"
        name = re.sub(r"[-_.]+", "-", match["name"]).lower()
        marker = " ".join((match["marker"] or "").replace('"', "'").split())
        found.add((name, match["version"], marker))
    return found


def test_lowest_constraints_are_the_declared_floors() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+; the matrix runs this on 3.11, 3.12 and 3.13
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    lines = (ROOT / ".ci" / "lowest.txt").read_text(encoding="utf-8").splitlines()
    pinned = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    floors = parsed(declared, FLOOR)
    assert floors, "pyproject.toml declares no dependencies"
    assert parsed(pinned, PIN) == floors
