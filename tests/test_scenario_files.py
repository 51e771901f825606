"""User scenarios in TOML: validation (one line per problem), what they mean, `show` and the schema."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

import jsonschema
import pytest

from spendcalc.data.load import load_dataset
from spendcalc.data.schema import Dataset
from spendcalc.domain.scenarios import (
    RuleShape,
    Step,
    is_scenario_file,
    load_scenario,
    parse_scenario,
    run_scenario,
)
from spendcalc.domain.scenarios.files import MAX_FILE_BYTES
from spendcalc.domain.targets import TargetSpec
from spendcalc.domain.trajectories import RelativeTarget
from spendcalc.errors import SpendcalcError
from support import ROOT, invoke, ok

EXAMPLE = ROOT / "examples" / "rearm-europe.toml"


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


def _problems(ds: Dataset, text: str) -> tuple[str, ...]:
    with pytest.raises(SpendcalcError) as caught:
        parse_scenario(ds, text.encode(), "s.toml")
    assert caught.value.message.startswith("s.toml: invalid scenario")
    return caught.value.details


def test_the_example_file_runs(ds: Dataset) -> None:
    scenario = load_scenario(ds, EXAMPLE)
    assert scenario.id == "rearm-europe" and scenario.horizon == 2029 and scenario.origin == str(EXAMPLE)
    eu = ds.find_group("eu").members
    assert [iso3 for iso3, _ in scenario.rules] == [a.iso3 for a in ds.allies if a.iso3 in eu]
    assert all(rule.steps == (Step(RelativeTarget(1.5), 2028),) for _, rule in scenario.rules)
    run = run_scenario(ds, scenario, "eu")
    for path in run.member_paths:
        assert path.years[2].share_pct == pytest.approx(path.start.pct + 1.5)
        assert path.years[1].share_pct == pytest.approx(path.start.pct + 0.75)
    outsiders = [p for p in run.paths if p.ally.iso3 not in eu]
    assert all(pt.share_pct == p.start.pct for p in outsiders for pt in p.years)
    table = " ".join(ok("scenario", "run", str(EXAMPLE), "--group", "eu", "--currency", "EUR").split())
    assert "In 2029 EUR" in table and "(flat share)" in table


def test_everything_a_file_can_say(ds: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        """
title = "Mine"
start = 2025
horizon = 2036
baseline = "flat-cash"
related = { target = "hague-related", by = 2035 }

[groups]
baltics = "EST, LVA, LTU"
weimar3 = ["France", "DE", "POL"]

[default]
target = 2
by = 2027
shape = "step"

[[rules]]
group = "weimar3"
milestones = [{ target = "hague-core", by = 2029 }, { target = 5, by = 2035 }]
shape = "back"

[[rules]]
group = "nordics=DNK,NOR"
target = "+1"
by = 2030

[[rules]]
allies = ["POL"]
note = "a later rule overrides an earlier one: Poland keeps its share"
""",
        encoding="utf-8",
    )
    scenario = load_scenario(ds, path)
    assert scenario.id == "mine" and scenario.title == "Mine" and scenario.start_year == 2025
    assert scenario.baseline.value == "flat-cash" and scenario.horizon == 2036
    assert scenario.related == Step(TargetSpec(1.5, "hague-related", scenario.related.target.label), 2035)  # type: ignore[union-attr]
    assert dict(scenario.groups) == {"baltics": ("EST", "LVA", "LTU"), "weimar3": ("FRA", "DEU", "POL")}
    rules = dict(scenario.rules)
    assert rules["POL"].steps == () and rules["FRA"].shape is RuleShape.BACK
    assert [s.year for s in rules["DEU"].steps] == [2029, 2035]
    assert rules["NOR"].steps == (Step(RelativeTarget(1.0), 2030),)
    assert scenario.default.shape is RuleShape.STEP
    run = run_scenario(ds, scenario, "baltics")
    assert run.group.name == "baltics" and run.start_year == 2025 and run.years[-1].year == 2036
    shown = " ".join(ok("scenario", "show", str(path)).split())
    assert "Group baltics EST, LVA, LTU" in shown and "keeps its share of GDP" in shown
    assert "at least 3.5% of GDP (hague-core) by 2029, then 5% of GDP by 2035 (back)" in shown


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("bogus = 1", "bogus: unknown field"),
        ("horizon = 1800", "horizon: must be ≥ 1901"),
        ("horizon = 2020", "horizon: 2020 must be after the start year 2026"),
        ('baseline = "flat"', "baseline: Input should be 'flat-share' or 'flat-cash'"),
        ("[default]\ntarget = 3.5", "default: target and by go together: give both"),
        (
            "[default]\ntarget = 0\nby = 2030",
            "default.target: a share of GDP must be above 0 and at most 100",
        ),
        ('[default]\ntarget = "abc"\nby = 2030', "default.target: target 'abc' is not a share of GDP"),
        ('[default]\ntarget = "+200"\nby = 2030', "default.target: target '+200': a rise must be above 0"),
        ("[default]\ntarget = 3\nby = 2026", "default.by: 2026 must be after the start year 2026"),
        ('[default]\nshape = "zigzag"', "default.shape: Input should be 'linear', 'front', 'back' or 'step'"),
        ("[[rules]]\ntarget = 3\nby = 2030", "rules[0]: give either allies or group"),
        ('[[rules]]\nallies = ["POL"]\ngroup = "eu"', "rules[0]: give either allies or group"),
        ('[[rules]]\nallies = ["Narnia"]', "rules[0].allies[0]: unknown country 'Narnia'"),
        ('[[rules]]\ngroup = "nope"', "rules[0].group: unknown group 'nope'"),
        (
            '[[rules]]\nallies = ["POL"]\nmilestones = [{target = 4, by = 2030}, {target = 5, by = 2029}]',
            "rules[0]: milestones must be in order of year: 2029 comes after 2030",
        ),
        (
            '[[rules]]\nallies = ["POL"]\nmilestones = [{target = "hague", by = 2030}]',
            "rules[0].milestones[0].target: target 'hague' (3.5% core + 1.5% related) is for `path`",
        ),
        (
            '[[rules]]\nallies = ["POL"]\nmilestones = []',
            "rules[0].milestones: List should have at least 1 item after validation, not 0",
        ),
        ('[groups]\nmine = ["POL", "Poland"]', "groups.mine[1]: 'Poland' is listed twice"),
        ('[groups]\nmine = "POL,XX"', "groups.mine: unknown country 'XX'"),
        (
            'related = { target = "x", by = 2035 }',
            "related.target: 'x': give a share of GDP or hague-related",
        ),
        ("[default]\ntarget = true\nby = 2030", "default.target.float: Input should be a valid number"),
        ('title = "a\\u001bb"', "title: contains a control or bidi character"),
    ],
)
def test_each_problem_is_one_line(ds: Dataset, text: str, line: str) -> None:
    problems = _problems(ds, text)
    assert any(p.startswith(line) for p in problems), problems
    assert all("\n" not in p for p in problems)


def test_several_problems_one_line_each(ds: Dataset) -> None:
    problems = _problems(
        ds, '[default]\ntarget = "abc"\nby = 2030\n[[rules]]\nallies = ["Narnia", "POL"]\ngroup2 = 1\n'
    )
    assert problems == ("rules[0].group2: unknown field",)
    problems = _problems(ds, '[default]\ntarget = "abc"\nby = 2030\n[[rules]]\nallies = ["Narnia", "POL"]\n')
    assert len(problems) == 2 and problems[1].startswith("rules[0].allies[0]: unknown country 'Narnia'")


def test_file_errors(ds: Dataset, tmp_path: Path) -> None:
    with pytest.raises(SpendcalcError, match=r"s.toml: not valid TOML: .*line 1"):
        parse_scenario(ds, b"horizon = = 3", "s.toml")
    with pytest.raises(SpendcalcError, match="not UTF-8 text"):
        parse_scenario(ds, b"title = '\xff'", "s.toml")
    with pytest.raises(SpendcalcError, match="no such scenario file"):
        load_scenario(ds, tmp_path / "missing.toml")
    with pytest.raises(SpendcalcError, match=r"is a directory, not a scenario file$"):
        load_scenario(ds, tmp_path)
    unreadable = tmp_path / "locked.toml"
    unreadable.write_bytes(b"")
    unreadable.chmod(0)
    if not os.access(unreadable, os.R_OK):  # root reads anything
        with pytest.raises(SpendcalcError, match=r"cannot read scenario file \(Permission denied\)$"):
            load_scenario(ds, unreadable)
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(SpendcalcError, match="larger than"):
        load_scenario(ds, big)
    assert is_scenario_file("x.TOML") and is_scenario_file("dir/x") and not is_scenario_file("hague-2035")
    result = invoke("scenario", "run", str(tmp_path / "missing.toml"))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip() == f"spendcalc: error: {tmp_path / 'missing.toml'}: no such scenario file"


def test_cli_prints_one_line_per_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('bogus = 1\n[[rules]]\nallies = ["Narnia"]\n', encoding="utf-8")
    result = invoke("scenario", "run", str(bad))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"spendcalc: error: {bad}: invalid scenario (1 problem(s))",
        "  bogus: unknown field",
    ]


def test_schema_describes_and_accepts_the_example() -> None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

    schema = json.loads(ok("scenario", "schema"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.validate(tomllib.loads(EXAMPLE.read_text(encoding="utf-8")), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"bogus": 1}, schema)


def test_compare_a_file_with_built_ins_in_tidy_form() -> None:
    out = ok("scenario", "compare", "status-quo", str(EXAMPLE), "-g", "eu", "-f", "csv", "--currency", "EUR")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["scenario"] for r in rows] == ["status-quo"] * 10 + [
        "rearm-europe"
    ] * 10  # to the later horizon
    assert {r["currency"] for r in rows} == {"EUR"} and rows[-1]["cumulative_extra_bn"] != ""
