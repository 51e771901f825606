"""Pictures and new outputs: the `chart` command, `--svg`/`--html` on the table commands, `chart --png`,
`schema`, target sweeps START:STOP:STEP, and CSV that opens cleanly in other tools.

Expected figures are computed here from data/allies.json, independently of spendcalc's own code.
"""

from __future__ import annotations

import builtins
import copy
import csv
import io
import json
import math
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from spendcalc.cli.app import app
from support import EXPORT_HEADER

ROOT = Path(__file__).resolve().parents[1]
DATA_FILE = ROOT / "data" / "allies.json"
RAW: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
NAMES = [str(a["name"]) for a in RAW["allies"]]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
CHART_ARGS = ["chart", "--year", "2026", "--target", "2", "--target", "3.5", "--target", "5"]
EXPORT_COLUMNS = EXPORT_HEADER.split(",")
# The commands that take --svg and --html, and a text each picture must contain.
PICTURE_COMMANDS: dict[str, tuple[list[str], str]] = {
    "compare": (["compare"], "Defence spending of the NATO allies"),
    "gap": (["gap", "POL"], "Poland"),
    "chart": (["chart"], "Defence spending as a share of GDP"),
    "history": (["history", "POL"], "Poland"),
    "path": (["path", "DEU", "-t", "3.5", "--by", "2029"], "Germany"),
}

# `spendcalc chart --year 2026 --target 2 --target 3.5 --target 5` at COLUMNS=80 without colour.
# Checked by hand (and again by test_chart_bars_follow_the_scale): the scale runs to 5.33 × 1.04 = 5.54%
# (Lithuania's 5.33 is above the 5% target), the bars are 80 − 34 = 46 cells, marks at
# round(2/5.5432·46) = 17, round(3.5/5.5432·46) = 29 and round(5/5.5432·46) = 41; Lithuania's bar fills
# round(5.33/5.5432·46) = 44 cells (0–43), Slovenia's 13 (1.61), short of the 2% mark.
CHART_80 = """\
Defence spending as a share of GDP, 2026

                    Share  0%                                       5.5%
 Ally             (% GDP)  Share of GDP
 ───────────────────────────────────────────────────────────────────────
 Lithuania          5.33e  █████████████████│███████████┃███████████║██▎
 Estonia            5.10e  █████████████████│███████████┃███████████║▍
 Latvia             4.92e  █████████████████│███████████┃██████████▉║
 Poland             4.68e  █████████████████│███████████┃████████▉  ║
 Greece             3.65e  █████████████████│███████████┃▎          ║
 Denmark            3.49e  █████████████████│███████████┃           ║
 Sweden             3.22e  █████████████████│████████▊  ┃           ║
 Norway             3.17e  █████████████████│████████▎  ┃           ║
 United States      3.17e  █████████████████│████████▎  ┃           ║
 Türkiye            2.85e  █████████████████│█████▋     ┃           ║
 Germany            2.69e  █████████████████│████▍      ┃           ║
 Finland            2.65e  █████████████████│████       ┃           ║
 Netherlands        2.58e  █████████████████│███▍       ┃           ║
 United Kingdom     2.56e  █████████████████│███▎       ┃           ║
 Romania            2.43e  █████████████████│██▏        ┃           ║
 Bulgaria           2.22e  █████████████████│▍          ┃           ║
 France             2.22e  █████████████████│▍          ┃           ║
 Montenegro         2.17e  █████████████████│▏          ┃           ║
 Albania            2.15e  █████████████████│▏          ┃           ║
 Canada             2.13e  █████████████████│▏          ┃           ║
 Italy              2.10e  █████████████████│▏          ┃           ║
 Portugal           2.10e  █████████████████│▏          ┃           ║
 Hungary            2.09e  █████████████████│▏          ┃           ║
 North Macedonia    2.09e  █████████████████│▏          ┃           ║
 Croatia            2.03e  █████████████████│▏          ┃           ║
 Luxembourg         2.03e  █████████████████│▏          ┃           ║
 Slovakia           2.02e  █████████████████│▏          ┃           ║
 Czechia            2.01e  █████████████████│▏          ┃           ║
 Belgium            2.00e  █████████████████│▏          ┃           ║
 Spain              2.00e  █████████████████│▏          ┃           ║
 Slovenia           1.61e  █████████████▍   │           ┃           ║
 Iceland              n/a  n/a — no armed forces

Targets: │ 2%  ┃ 3.5%  ║ 5%   █ = share of GDP; e = estimate.
Bars below 2% are drawn in red on a colour terminal.
Iceland: n/a — no armed forces.
Shares: edition nato-2026-07 (core defence), the latest.
Source: NATO, Defence Investment of NATO Countries (2014-2026) (2026-07-07)
[nato-2026-07]
"""


def run(args: Sequence[str], **env: str | None) -> Result:
    """Run the CLI in-process at 80 columns, without colour unless asked."""
    settings: dict[str, str | None] = {
        "COLUMNS": "80",
        "NO_COLOR": "1",
        "FORCE_COLOR": None,
        "SPENDCALC_DATA": None,
        "SOURCE_DATE_EPOCH": "1700000000",
    }
    settings.update(env)
    return CliRunner().invoke(app, list(args), env=settings)


def columns_of(line: str) -> int:
    """Display width of a line: wide East Asian characters take two columns, combining marks none."""
    width = 0
    for char in line:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def raw_share(iso3: str, year: int, data: dict[str, Any] = RAW) -> dict[str, Any] | None:
    ally = next(a for a in data["allies"] if a["iso3"] == iso3)
    latest = next(e["id"] for e in data["editions"] if e["latest"])
    shares = (ally["years"].get(str(year)) or {}).get("shares", [])
    share: dict[str, Any] | None = next((s for s in shares if s["edition"] == latest), None)
    return share


@pytest.fixture
def what_if(tmp_path: Path) -> Path:
    """The bundled dataset with Spain at 1.5% of GDP in 2026: below every target, like Slovenia (1.61)."""
    data = copy.deepcopy(RAW)
    spain = next(a for a in data["allies"] if a["iso3"] == "ESP")
    spain["years"]["2026"]["shares"][-1]["pct"] = 1.5
    path = tmp_path / "what-if.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --- chart: snapshot, scale, colour, width ---------------------------------------------------------


def test_chart_snapshot_at_80_columns() -> None:
    result = run(CHART_ARGS)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == CHART_80


def test_chart_snapshot_fits_80_columns() -> None:
    assert max(columns_of(line) for line in CHART_80.splitlines()) <= 80
    assert all(line == line.rstrip() for line in CHART_80.splitlines())


CHART_LINE = re.compile(r"^ (?P<name>\S.*?)\s{2,}(?P<share>[0-9.]+e?|n/a)  (?P<bar>.*)$")


def chart_rows(text: str) -> dict[str, tuple[str, str]]:
    rows: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        match = CHART_LINE.match(line)
        if match and match["name"] in NAMES:
            rows[match["name"]] = (match["share"], match["bar"])
    return rows


def test_chart_bars_follow_the_scale() -> None:
    """Every bar is round(share / scale × width × 8) eighths of a cell, kept on the right side of each
    mark; every mark at round(target / scale × width)."""
    result = run(CHART_ARGS)
    assert result.exit_code == 0
    rows = chart_rows(result.stdout)
    assert set(rows) == set(NAMES)
    targets = {2.0: "│", 3.5: "┃", 5.0: "║"}
    shares = {a["name"]: raw_share(a["iso3"], 2026) for a in RAW["allies"]}
    scale = max([*(float(s["pct"]) for s in shares.values() if s), *targets]) * 1.04
    width = 80 - 34
    assert f"{scale:.1f}%" in result.stdout.splitlines()[2]
    for name, (shown, bar) in rows.items():
        share = shares[name]
        if share is None:
            assert name == "Iceland"
            assert shown == "n/a"
            assert bar == "n/a — no armed forces"
            continue
        assert shown.endswith("e") == bool(share["estimate"]), name
        assert float(shown.rstrip("e")) == pytest.approx(float(share["pct"]), abs=0.0051)
        eighths = round(float(share["pct"]) / scale * width * 8)
        marks = {round(level / scale * width): mark for level, mark in targets.items()}
        # Rounding never puts a bar on the wrong side of a mark: short of it below the target, at least
        # an eighth past it at or above the target.
        for level, position in sorted((level, p) for p, level in zip(marks, targets, strict=True)):
            below = float(share["pct"]) < level
            eighths = min(eighths, 8 * position) if below else max(eighths, 8 * (position + 1) + 1)
        full, part = divmod(eighths, 8)
        for position, mark in marks.items():
            assert bar[position] == mark, (name, position)
        end = " ▏▎▍▌▋▊▉"[part]
        drawn = ["█" if i < full else end if i == full else " " for i in range(len(bar))]
        assert [c for i, c in enumerate(bar) if i not in marks] == [
            c for i, c in enumerate(drawn) if i not in marks
        ], name
        assert len(bar) == max(full + (1 if part else 0), max(marks) + 1)


def test_chart_sorted_by_share_with_iceland_last() -> None:
    result = run(CHART_ARGS)
    order = [n for line in result.stdout.splitlines() for n in NAMES if line.startswith(f" {n}  ")]
    iso = {a["name"]: a["iso3"] for a in RAW["allies"]}
    shares = [raw_share(iso[n], 2026) for n in order]
    values = [float(s["pct"]) for s in shares if s is not None]
    assert len(values) == 31
    assert values == sorted(values, reverse=True)
    assert order[-1] == "Iceland"
    assert len(order) == 32


def test_chart_legend_and_iceland_note() -> None:
    result = run(CHART_ARGS)
    assert "Targets: │ 2%  ┃ 3.5%  ║ 5%" in result.stdout
    assert "e = estimate" in result.stdout
    assert "Iceland: n/a — no armed forces." in result.stdout


def test_chart_sort_by_name() -> None:
    result = run([*CHART_ARGS, "--sort", "name"])
    assert result.exit_code == 0
    order = [n for line in result.stdout.splitlines() for n in NAMES if line.startswith(f" {n}  ")]
    assert order[0] == "Albania"
    assert order[-1] == "United States"
    assert order.index("Iceland") < order.index("Italy")


def test_chart_sort_gap_is_a_usage_error() -> None:
    result = run(["chart", "--sort", "gap"])
    assert result.exit_code == 2
    assert result.stdout == ""


def test_chart_colour_red_below_lowest_target_green_otherwise(what_if: Path) -> None:
    result = run(["--data", str(what_if), *CHART_ARGS], NO_COLOR=None, FORCE_COLOR="1")
    assert result.exit_code == 0, result.stderr
    assert "\x1b[" in result.stdout
    lines = {n: line for line in result.stdout.splitlines() for n in NAMES if line.startswith(f" {n}  ")}
    assert set(lines) == set(NAMES)
    below = {"Spain", "Slovenia"}  # 1.5 (the what-if) and 1.61, below 2%; every other ally at or above
    for name, line in lines.items():
        if name == "Iceland":
            continue
        assert ("\x1b[31m" in line) is (name in below), name
        assert ("\x1b[32m" in line) is (name not in below), name


def test_chart_colour_iceland_is_not_green(what_if: Path) -> None:
    result = run(["--data", str(what_if), *CHART_ARGS], NO_COLOR=None, FORCE_COLOR="1")
    iceland = next(line for line in result.stdout.splitlines() if line.startswith(" Iceland  "))
    # n/a is neither "meets" (green) nor "below" (red): dimmed, like every missing value.
    assert "\x1b[32m" not in iceland
    assert "\x1b[31m" not in iceland
    assert "\x1b[2mn/a — no armed forces" in iceland


def test_chart_colour_reads_the_same_without_escapes(what_if: Path) -> None:
    coloured = run(["--data", str(what_if), *CHART_ARGS], NO_COLOR=None, FORCE_COLOR="1")
    plain = run(["--data", str(what_if), *CHART_ARGS])
    assert "\x1b[" not in plain.stdout
    stripped = [line.rstrip() for line in ANSI.sub("", coloured.stdout).splitlines()]
    assert stripped == plain.stdout.splitlines()
    assert max(columns_of(line) for line in ANSI.sub("", coloured.stdout).splitlines()) <= 80
    spain = chart_rows(plain.stdout)["Spain"]
    # 1.5 / 5.5432 × 46 × 8 = 99.6 eighths: 12 cells and a half, then blanks up to the 2% mark at 17.
    assert spain == ("1.50e", "█" * 12 + "▌" + " " * 4 + "│" + " " * 11 + "┃" + " " * 11 + "║")


def test_chart_json_flags_allies_below_the_lowest_target(what_if: Path) -> None:
    result = run(["--data", str(what_if), *CHART_ARGS, "-f", "json"])
    assert result.exit_code == 0
    rows = {r["iso3"]: r for r in json.loads(result.stdout)["rows"]}
    assert rows["ESP"]["below_lowest_target"] is True
    assert rows["ISL"]["below_lowest_target"] is None
    assert rows["ISL"]["share_pct"] is None
    assert rows["SVN"]["below_lowest_target"] is True
    assert sum(1 for r in rows.values() if r["below_lowest_target"] is False) == 29


@pytest.mark.parametrize(
    "args",
    [
        ["chart"],
        ["compare"],
        ["gap", "POL"],
        ["history", "POL"],
        ["path", "DEU", "-t", "3.5", "--by", "2029"],
    ],
    ids=lambda a: " ".join(a),
)
def test_every_line_fits_80_columns(args: list[str]) -> None:
    result = run(args)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) > 10
    too_wide = [line for line in lines if columns_of(line) > 80]
    assert too_wide == []


@pytest.mark.parametrize("columns", [60, 120])
def test_chart_bar_follows_terminal_width(columns: int) -> None:
    result = run(CHART_ARGS, COLUMNS=str(columns))
    assert result.exit_code == 0
    width = columns - 34
    _, bar = chart_rows(result.stdout)["Poland"]
    assert bar.index("║") == round(5 / (5.33 * 1.04) * width)  # the scale runs to Lithuania's 5.33 × 1.04
    assert max(columns_of(line) for line in result.stdout.splitlines()) <= columns


# --- --svg and --html ------------------------------------------------------------------------------


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def svg_text(path: Path) -> str:
    root = ET.fromstring(path.read_text(encoding="utf-8"))
    assert root.tag.endswith("svg")
    texts = [el for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "text"]
    assert texts
    return "".join("".join(el.itertext()) for el in texts).replace("\xa0", " ")


def html_text(path: Path) -> tuple[set[str], str]:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.tags, "".join(parser.text).replace("\xa0", " ")


@pytest.mark.parametrize("command", list(PICTURE_COMMANDS))
def test_svg_and_html_pictures(command: str, tmp_path: Path) -> None:
    args, expected = PICTURE_COMMANDS[command]
    svg, page = tmp_path / "table.svg", tmp_path / "table.html"
    result = run([*args, "--svg", str(svg), "--html", str(page)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [f"wrote {svg}", f"wrote {page}"]
    assert expected in result.stdout  # the table still goes to stdout
    picture = svg_text(svg)
    tags, text = html_text(page)
    assert {"html", "body"} <= tags or "pre" in tags
    assert expected in picture
    assert expected in text
    if command in ("compare", "chart"):
        assert [n for n in NAMES if n not in picture] == []
        assert [n for n in NAMES if n not in text] == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.html", "table.svg"]


def test_pictures_are_coloured_even_when_stdout_is_not(what_if: Path, tmp_path: Path) -> None:
    page = tmp_path / "chart.html"
    result = run(["--data", str(what_if), *CHART_ARGS, "--html", str(page)])
    assert result.exit_code == 0
    assert "\x1b[" not in result.stdout
    html = page.read_text(encoding="utf-8")
    colours = set(re.findall(r"color: (#[0-9a-f]{6})", html))
    assert len(colours) >= 2  # Spain's red bar and the others' green


def test_picture_with_csv_output_is_still_the_table(tmp_path: Path) -> None:
    svg = tmp_path / "compare.svg"
    result = run(["compare", "-f", "csv", "--svg", str(svg)])
    assert result.exit_code == 0
    assert result.stdout.startswith("iso3,name,")
    assert "Allies meeting it" in svg_text(svg)


def test_existing_picture_is_replaced_whole(tmp_path: Path) -> None:
    svg, page = tmp_path / "c.svg", tmp_path / "c.html"
    junk = "JUNK " * 100_000  # longer than either picture: any leftover tail would show
    svg.write_text(junk, encoding="utf-8")
    page.write_text(junk, encoding="utf-8")
    inode = svg.stat().st_ino
    result = run(["compare", "--svg", str(svg), "--html", str(page)])
    assert result.exit_code == 0, result.stderr
    for path in (svg, page):
        content = path.read_text(encoding="utf-8")
        assert "JUNK" not in content
        assert len(content) < len(junk)
    assert "Poland" in svg_text(svg)
    assert "Poland" in html_text(page)[1]
    assert svg.stat().st_ino != inode  # renamed over, not rewritten in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.html", "c.svg"]


@pytest.mark.parametrize("command", ["compare", "chart", "gap"])
@pytest.mark.parametrize("broken", ["--svg", "--html"])
def test_picture_into_missing_directory(command: str, broken: str, tmp_path: Path) -> None:
    args, _ = PICTURE_COMMANDS[command]
    good = {"--svg": tmp_path / "ok.svg", "--html": tmp_path / "ok.html"}
    good[broken] = tmp_path / "missing" / "picture.out"
    output = tmp_path / "table.txt"
    result = run([*args, "--svg", str(good["--svg"]), "--html", str(good["--html"]), "-o", str(output)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "missing" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_chart_png_not_written_when_svg_directory_missing(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "chart.png"
    result = run(["chart", "--png", str(png), "--svg", str(tmp_path / "missing" / "c.svg")])
    assert result.exit_code == 1
    assert list(tmp_path.iterdir()) == []


# --- chart --png -----------------------------------------------------------------------------------


def test_chart_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "chart.png"
    result = run(["chart", "--png", str(png)])
    assert result.exit_code == 0, result.stderr
    assert f"wrote {png}" in result.stderr.splitlines()
    assert "Poland" in result.stdout
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 10_000
    assert data[12:16] == b"IHDR"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > 300
    assert height > 300
    assert data.endswith(b"IEND\xaeB`\x82")  # complete: the last chunk is there
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.png"]


PNG_COMMANDS = {
    "chart": ["chart"],
    "history": ["history", "POL", "--from", "2018"],
    "history-iceland": ["history", "ISL"],
    "history-groups": ["history", "FIN", "--group", "nordic", "--group", "eu", "--from", "2018"],
    "history-group-only": ["history", "--group", "baltic"],
    "path": ["path", "DEU", "-t", "3.5", "--by", "2029", "-t", "5", "--by", "2035"],
    "path-hague-eur": ["path", "ESP", "-t", "hague", "--by", "2035", "--currency", "EUR"],
}


def png_size(data: bytes) -> tuple[int, int]:
    """A complete PNG's width and height."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert data[12:16] == b"IHDR"
    assert data.endswith(b"IEND\xaeB`\x82")  # complete: the last chunk is there
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.mark.parametrize("case", PNG_COMMANDS)
def test_png_on_chart_history_and_path(case: str, tmp_path: Path) -> None:
    """--png on every command that draws something over allies or years (issue 13: history and path)."""
    pytest.importorskip("matplotlib")
    png = tmp_path / "picture.png"
    table = run(PNG_COMMANDS[case])
    result = run([*PNG_COMMANDS[case], "--png", str(png)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [f"wrote {png}"]
    assert result.stdout == table.stdout  # the table as without --png
    width, height = png_size(png.read_bytes())
    assert width >= 800 and height >= 400
    assert len(png.read_bytes()) > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["picture.png"]


def test_png_differs_with_the_data(tmp_path: Path) -> None:
    """Each picture is drawn from its own figures, not a fixed image."""
    pytest.importorskip("matplotlib")
    pictures = []
    for index, args in enumerate(
        (
            ["history", "POL"],
            ["history", "DEU"],
            ["path", "DEU", "-t", "3.5", "--by", "2029"],
            ["path", "DEU", "-t", "5", "--by", "2029"],
        )
    ):
        png = tmp_path / f"{index}.png"
        assert run([*args, "--png", str(png)]).exit_code == 0
        pictures.append(png.read_bytes())
    assert len(set(pictures)) == len(pictures)


def test_path_png_is_one_allys(tmp_path: Path) -> None:
    """A group's path has no picture (yet): said at once, nothing written."""
    png = tmp_path / "p.png"
    result = run(["path", "--group", "eu", "-t", "3.5", "--by", "2030", "--png", str(png)])
    assert result.exit_code == 2
    assert "--png draws one ally's path" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["chart", "history", "path"])
def test_png_without_matplotlib(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_matplotlib(name: str, *args: Any, **kwargs: Any) -> ModuleType:
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    png = tmp_path / "p.png"
    result = run([*PNG_COMMANDS[command], "--png", str(png)])
    assert result.exit_code == 1
    # One line, with advice that works from a clone and from an installed package alike.
    assert result.stderr.count("\n") == 1
    assert "pip install matplotlib" in result.stderr
    assert "pip install '.[plot]'" in result.stderr and "pip install 'spendcalc[plot]'" in result.stderr
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_chart_png_without_matplotlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_matplotlib(name: str, *args: Any, **kwargs: Any) -> ModuleType:
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    png = tmp_path / "chart.png"
    result = run(["chart", "--png", str(png)])
    assert result.exit_code == 1
    assert "pip install 'spendcalc[plot]'" in result.stderr
    assert result.stdout == ""
    assert not png.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "command", ["compare", "chart", "history POL", "path POL -t 5 --by 2030"], ids=lambda c: c.split()[0]
)
def test_table_commands_do_not_import_matplotlib(command: str) -> None:
    code = (
        "import io, sys\n"
        f"sys.argv = ['spendcalc', *{command.split()!r}]\n"
        "real, sys.stdout = sys.stdout, io.StringIO()\n"
        "from spendcalc.__main__ import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
        "out, sys.stdout = sys.stdout.getvalue(), real\n"
        "print('Poland' in out, 'matplotlib' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == ["True", "False"]


# --- schema ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    pytest.importorskip("jsonschema")
    result = run(["schema"])
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_schema_is_draft_2020_12(schema: dict[str, Any]) -> None:
    import jsonschema

    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_bundled_dataset_matches_schema(schema: dict[str, Any]) -> None:
    import jsonschema

    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(RAW))
    assert errors == []


def _share_101(data: dict[str, Any]) -> None:
    data["allies"][0]["years"]["2024"]["shares"][-1]["pct"] = 101


def _unknown_top_key(data: dict[str, Any]) -> None:
    data["extra"] = 1


def _unknown_ally_key(data: dict[str, Any]) -> None:
    data["allies"][3]["nickname"] = "x"


def _unknown_share_key(data: dict[str, Any]) -> None:
    data["allies"][0]["years"]["2024"]["shares"][-1]["confidence"] = "high"


@pytest.mark.parametrize("spoil", [_share_101, _unknown_top_key, _unknown_ally_key, _unknown_share_key])
def test_schema_rejects_what_the_loader_rejects(schema: dict[str, Any], spoil: Any, tmp_path: Path) -> None:
    import jsonschema

    data = copy.deepcopy(RAW)
    spoil(data)
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) != []
    path = tmp_path / "spoilt.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert run(["--data", str(path), "sources"]).exit_code == 1


def test_schema_to_file(tmp_path: Path) -> None:
    out = tmp_path / "allies.schema.json"
    result = run(["schema", "-o", str(out)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"wrote {out}\n"
    assert json.loads(out.read_text(encoding="utf-8"))["type"] == "object"


# --- target sweeps ---------------------------------------------------------------------------------


def export_rows(args: Sequence[str]) -> list[dict[str, str]]:
    result = run(["export", *args])
    assert result.exit_code == 0, result.stderr
    # The allies' rows; the group totals that follow them are tested with compare.
    return [r for r in csv.DictReader(io.StringIO(result.stdout)) if r["group"] == "false"]


def test_sweep_in_half_points() -> None:
    rows = export_rows(["-t", "1:6:0.5"])
    assert len(rows) == 11 * 32
    targets = sorted({float(r["target_pct"]) for r in rows})
    assert targets == [1 + 0.5 * i for i in range(11)]
    assert all(sum(1 for r in rows if r["iso3"] == a["iso3"]) == 11 for a in RAW["allies"])


def test_sweep_has_no_float_drift() -> None:
    rows = export_rows(["-t", "0.1:0.3:0.1"])
    assert len(rows) == 3 * 32
    assert [r["target_pct"] for r in rows[:3]] == ["0.1", "0.2", "0.3"]
    assert {r["target_pct"] for r in rows} == {"0.1", "0.2", "0.3"}


def test_sweep_and_single_targets_mix_without_repeats() -> None:
    rows = export_rows(["-t", "2", "-t", "1:3:1"])
    assert sorted({float(r["target_pct"]) for r in rows}) == [1.0, 2.0, 3.0]
    assert len(rows) == 3 * 32


def test_sweep_on_compare_and_chart() -> None:
    result = run(["compare", "-t", "1:6:0.5", "-f", "json"])
    assert result.exit_code == 0
    assert [t["share_pct"] for t in json.loads(result.stdout)["metadata"]["targets"]] == [
        1 + 0.5 * i for i in range(11)
    ]
    chart = run(["chart", "-t", "1:6:1"])
    assert chart.exit_code == 0, chart.stderr
    assert "Targets: │ 1%  ┃ 2%  ║ 3%  ¦ 4%  ┆ 5%  ╏ 6%" in chart.stdout


@pytest.mark.parametrize("sweep", ["6:1:1", "1:2:0", "1:2:0.0001", "a:b:c", "1:2", "1:2:-1", "0:1:0.5"])
@pytest.mark.parametrize("command", ["export", "compare", "chart"])
def test_invalid_sweep_is_a_usage_error(command: str, sweep: str) -> None:
    result = run([command, "-t", sweep])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--target" in result.stderr


def test_path_takes_no_sweep() -> None:
    result = run(["path", "DEU", "-t", "1:2:1", "--by", "2030"])
    assert result.exit_code == 2
    assert result.stdout == ""


@pytest.mark.parametrize(
    "targets",
    [["1:7:1"], ["1", "2", "3", "4", "5", "6", "7"]],
    ids=["sweep", "repeated"],
)
def test_chart_with_seven_targets_is_a_usage_error(targets: list[str]) -> None:
    result = run(["chart", *(a for t in targets for a in ("-t", t))])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "6" in result.stderr


# --- CSV that opens cleanly ------------------------------------------------------------------------

NUMBER_COLUMNS = (
    "year",
    "share_pct",
    "gdp_usd_bn",
    "spending_usd_bn",
    "target_pct",
    "gap_pp",
    "gap_usd_bn",
    "gap_usd_per_capita",
)


def test_export_csv_parses_cleanly() -> None:
    result = run(["export"])
    assert result.exit_code == 0
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table[0] == EXPORT_COLUMNS
    assert len(table) == 1 + (32 + 2) * 4  # allies, then the two group totals, × 4 targets
    assert all(len(row) == len(EXPORT_COLUMNS) for row in table)
    for row in table[1:]:
        record = dict(zip(EXPORT_COLUMNS, row, strict=True))
        for column in NUMBER_COLUMNS:
            if record[column] != "":
                assert math.isfinite(float(record[column])), (column, record[column])
        assert record["share_estimate"] in ("true", "false", "")
        assert record["meets_target"] in ("true", "false", "")
        if record["group"] == "true":
            assert record["iso3"] == "" and record["name"] in ("NATO", "Europe and Canada")
            assert record["share_source"] == "Σspending/ΣGDP"
        elif record["iso3"] == "ISL":
            assert record["share_pct"] == ""
            assert record["meets_target"] == ""
        else:
            share = raw_share(record["iso3"], 2026)
            assert share is not None
            assert float(record["share_pct"]) == float(share["pct"])


def test_export_csv_opens_in_pandas() -> None:
    pandas = pytest.importorskip("pandas")
    text = run(["export"]).stdout
    frame = pandas.read_csv(io.StringIO(text))
    header = next(csv.reader(io.StringIO(text)))
    assert len(header) > 15 and list(frame.columns) == header  # every column, named as in the CSV
    assert frame.shape == (136, len(header))  # 32 allies and 2 totals x 4 targets
    assert str(frame["share_pct"].dtype).startswith("float")
    assert str(frame["gap_usd_bn"].dtype).startswith("float")
    assert str(frame["meets_target"].dtype) in ("bool", "object", "boolean")
    assert frame.loc[frame["iso3"] == "ISL", "share_pct"].isna().all()
