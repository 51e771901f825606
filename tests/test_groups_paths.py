"""`path --group`: a group planned as the sum of its members' own paths, by membership year."""

from __future__ import annotations

import csv
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spendcalc.choices import Baseline, Currency, Shape
from spendcalc.data.load import load_dataset
from spendcalc.data.schema import Dataset
from spendcalc.domain.groups import GroupSpec, parse_group
from spendcalc.domain.targets import TargetSpec
from spendcalc.domain.trajectories import Milestone, RelativeTarget, defence_path, group_path
from spendcalc.errors import SpendcalcError, UsageError
from support import invoke, load_raw, ok

DATASET = load_dataset()
ARMED = [a["iso3"] for a in load_raw()["allies"] if a.get("has_armed_forces", True)]
ALL = [a["iso3"] for a in load_raw()["allies"]]
JOINED = {a["iso3"]: a["joined"] for a in load_raw()["allies"]}
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _group(*members: str) -> GroupSpec:
    return GroupSpec("test", "test", members, user_defined=True)


@PROPERTY
@given(
    members=st.lists(st.sampled_from(ALL), min_size=1, max_size=8, unique=True),
    start=st.sampled_from([2022, 2023, 2024, 2025, 2026]),
    span=st.integers(1, 9),
    target=st.one_of(
        st.floats(0.5, 8.0).map(TargetSpec),
        st.floats(0.1, 3.0).map(RelativeTarget),
    ),
    shape=st.sampled_from(list(Shape)),
    baseline=st.sampled_from(list(Baseline)),
    currency=st.sampled_from([Currency.USD, Currency.EUR]),
)
def test_group_path_is_the_sum_of_member_paths(
    members: list[str],
    start: int,
    span: int,
    target: TargetSpec | RelativeTarget,
    shape: Shape,
    baseline: Baseline,
    currency: Currency,
) -> None:
    """Each year, the group's spending, GDP, baseline and extra are the sums of its members' own paths
    (planned one by one through the public entry point), over the members that had joined by then."""
    if not any(m in ARMED and JOINED[m] <= start for m in members):
        with pytest.raises(SpendcalcError, match="no member"):
            group_path(
                DATASET, _group(*members), target, start + span, start, shape, baseline, None, currency
            )
        return
    result = group_path(
        DATASET, _group(*members), target, start + span, start, shape, baseline, None, currency
    )
    allies = {a.iso3: a for a in DATASET.allies}
    own = {
        m: defence_path(
            DATASET, allies[m], target, start + span, start, None, shape, baseline, None, currency
        )
        for m in members
        if m in ARMED
    }
    (line,) = result.lines
    cumulative = 0.0
    for index, year in enumerate(line.years):
        counted = [m for m in members if m in ARMED and JOINED[m] <= year.year]
        assert year.year == start + index
        assert list(year.members) == counted
        points = [own[m].lines[0].years[index] for m in counted]
        for attribute in ("spending_bn", "baseline_bn", "extra_bn"):
            expected = math.fsum(getattr(p, attribute) for p in points)
            assert math.isclose(getattr(year, attribute), expected, rel_tol=1e-12, abs_tol=1e-9), attribute
        # Iceland (no armed forces, no path) adds its GDP, as NATO's totals count it.
        iceland = [g.gdp_bn[index] for g in result.gdp_only]
        assert [g.ally.iso3 for g in result.gdp_only] == (["ISL"] if "ISL" in members else [])
        expected_gdp = math.fsum([*(p.gdp_bn for p in points), *iceland])
        assert math.isclose(year.gdp_bn, expected_gdp, rel_tol=1e-12, abs_tol=1e-9)
        cumulative += year.extra_bn
        assert math.isclose(year.cumulative_extra_bn, cumulative, rel_tol=1e-12, abs_tol=1e-9)
        assert math.isclose(year.share_pct, year.spending_bn / year.gdp_bn * 100, rel_tol=1e-12)
        # The shortfall never offsets; the net gap does, so it is never above the shortfall.
        assert year.shortfall_bn >= 0
        assert year.net_gap_bn <= year.shortfall_bn + 1e-9
        below = [
            own[m].lines[0].target.share_pct / 100 * p.gdp_bn - p.spending_bn
            for m, p in zip(counted, points, strict=True)
        ]
        assert math.isclose(year.shortfall_bn, math.fsum(max(0.0, b) for b in below), abs_tol=1e-9)
        assert math.isclose(year.net_gap_bn, math.fsum(below), rel_tol=1e-9, abs_tol=1e-9)
    # Every member is on its target in the target year: nothing is left short.
    assert line.years[-1].shortfall_bn == pytest.approx(0.0, abs=1e-9)
    assert [p.ally.iso3 for p in result.paths] == [m for m in members if m in ARMED]


def test_membership_by_year_finland_and_sweden() -> None:
    """A group of Norway, Finland and Sweden from 2022: Finland counts from 2023, Sweden from 2024."""
    result = group_path(DATASET, _group("NOR", "FIN", "SWE"), TargetSpec(3.5), 2026, 2022)
    members = {y.year: y.members for y in result.lines[0].years}
    assert members == {
        2022: ("NOR",),
        2023: ("NOR", "FIN"),
        2024: ("NOR", "FIN", "SWE"),
        2025: ("NOR", "FIN", "SWE"),
        2026: ("NOR", "FIN", "SWE"),
    }
    nor = next(a for a in DATASET.allies if a.iso3 == "NOR")
    alone = defence_path(DATASET, nor, TargetSpec(3.5), 2026, 2022)
    first = result.lines[0].years[0]
    assert first.spending_bn == alone.lines[0].years[0].spending_bn
    assert first.share_pct == pytest.approx(alone.lines[0].years[0].share_pct)


def test_group_of_finland_and_sweden_before_either_joined() -> None:
    with pytest.raises(SpendcalcError, match="group 'test': no member counts in 2022"):
        group_path(DATASET, _group("FIN", "SWE"), TargetSpec(3.5), 2026, 2022)
    later = group_path(DATASET, _group("FIN", "SWE"), TargetSpec(3.5), 2026, 2023)
    assert [y.members for y in later.lines[0].years][:2] == [("FIN",), ("FIN", "SWE")]


def test_iceland_counts_its_gdp_not_a_path_as_nato_does() -> None:
    nordic = group_path(DATASET, parse_group(DATASET, "nordic"), TargetSpec(3.5), 2030)
    assert nordic.excluded == (("ISL", "n/a — no armed forces"),)
    assert all("ISL" not in y.members for y in nordic.lines[0].years)
    (iceland,) = nordic.gdp_only
    assert iceland.ally.iso3 == "ISL" and iceland.gdp.points[0].source == "nato-2026-07"
    (line,) = nordic.lines
    for index, year in enumerate(line.years):
        armed = math.fsum(p.lines[0].years[index].gdp_bn for p in nordic.paths)
        assert year.gdp_bn == pytest.approx(armed + iceland.gdp_bn[index])
    # Every armed member meets 3.5% in 2030; Iceland's GDP keeps the group's share just under it.
    assert line.years[-1].shortfall_bn == pytest.approx(0.0, abs=1e-9)
    assert 3.3 < line.years[-1].share_pct < 3.5
    with pytest.raises(SpendcalcError, match="group 'test': no member has armed forces"):
        group_path(DATASET, _group("ISL"), TargetSpec(3.5), 2030)


def test_hague_plans_two_summed_lines() -> None:
    baltic = group_path(DATASET, parse_group(DATASET, "baltic"), "hague", 2030)
    assert [line.name for line in baltic.lines] == ["core", "related"]
    related = baltic.lines[1].years
    assert related[0].spending_bn == 0.0
    assert related[-1].share_pct == pytest.approx(1.5)


def test_milestones_for_a_group() -> None:
    milestones = [Milestone(TargetSpec(3.5), 2029), Milestone(TargetSpec(5.0), 2035)]
    weimar = group_path(DATASET, parse_group(DATASET, "weimar"), milestones)
    shares = {y.year: y.share_pct for y in weimar.lines[0].years}
    # Poland is above 3.5% from the start: the group reaches 5% in 2035, and is above 3.5% in 2029.
    assert shares[2035] == pytest.approx(5.0)
    assert shares[2029] > 3.5


def test_national_currencies_cannot_be_summed() -> None:
    with pytest.raises(UsageError, match="cannot be summed"):
        group_path(DATASET, parse_group(DATASET, "weimar"), TargetSpec(3.5), 2030, currency=Currency.LCU)
    baltic = group_path(DATASET, parse_group(DATASET, "baltic"), TargetSpec(3.5), 2030, currency=Currency.LCU)
    assert baltic.money == "EUR"


def test_cli_group_path_table_csv_json(dataset: Dataset) -> None:
    table = ok("path", "--group", "nordic", "-g", "b=EST,LVA", "-t", "3.5", "--by", "2030")
    assert "Net gap" in table and "Shortfall" in table
    assert "Nordic allies (group nordic): Denmark, Finland, Iceland, Norway, Sweden." in table
    assert "Nordic allies: Iceland: n/a — no armed forces; GDP counted, no path." in table
    rows = list(
        csv.DictReader(
            ok(
                "path", "-g", "nordic", "-g", "b=EST,LVA", "-t", "3.5", "--by", "2030", "-f", "csv"
            ).splitlines()
        )
    )
    assert {r["group"] for r in rows} == {"Nordic allies", "b"}
    nordic = [r for r in rows if r["group_id"] == "nordic"]
    assert [int(r["year"]) for r in nordic] == list(range(2026, 2031))
    last = nordic[-1]
    assert 3.3 < float(last["share_pct"]) < 3.5  # Iceland's GDP counts, and it has no path
    assert float(last["target_pct"]) == pytest.approx(3.5)  # the armed members' target, not diluted
    assert last["members"] == "DNK FIN NOR SWE" and last["start_share_sources"] == "nato-2026-07"
    assert float(last["shortfall_bn"]) == pytest.approx(0.0, abs=1e-6)
    data = json.loads(ok("path", "-g", "baltic", "-t", "3.5", "--by", "2030", "-f", "json"))
    assert data["metadata"]["groups"][0]["members"] == ["EST", "LVA", "LTU"]
    assert data["metadata"]["edition"]["id"] == "nato-2026-07"
    assert any(n.startswith("Net gap and shortfall:") for n in data["notes"])
    # Above 3.5% already: no shortfall, and a net gap below zero (a surplus) the members keep.
    assert all(r["shortfall_bn"] == 0 and r["net_gap_bn"] < 0 for r in data["rows"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("path", "DEU", "-g", "eu", "-t", "3.5", "--by", "2030"), "give a COUNTRY or --group, not both"),
        (("path", "-t", "3.5", "--by", "2030"), "give a COUNTRY or --group"),
        (
            ("path", "-g", "eu", "--current", "2", "-t", "3.5", "--by", "2030"),
            "--current is one ally's share",
        ),
        (("path", "-g", "eu", "-c", "LCU", "-t", "3.5", "--by", "2030"), "cannot be summed"),
        (("path", "-g", "eu", "-g", "eu", "-t", "3.5", "--by", "2030"), "given twice"),
    ],
)
def test_cli_group_path_usage_errors(args: tuple[str, ...], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_cli_group_path_unknown_group_exit_1() -> None:
    result = invoke("path", "-g", "nope", "-t", "3.5", "--by", "2030")
    assert result.exit_code == 1 and "unknown group 'nope'" in result.stderr


def test_cli_group_path_milestones_flat_cash_and_assumed_gdp() -> None:
    table = ok(
        "path",
        "-g",
        "weimar",
        "-t",
        "3.5",
        "--by",
        "2029",
        "-t",
        "5",
        "--by",
        "2035",
        "--baseline",
        "flat-cash",
    )
    assert "Weimar Triangle: path to 3.5% defence by 2029, then 5% by 2035" in table
    assert "against each member's 2026 spending in cash" in table
    # GDP after 2030 is extended beyond the IMF's projections: marked, and the note says how.
    (row_2035,) = [line for line in table.splitlines() if line.startswith(" 2035 ")]
    assert row_2035.split()[1].endswith("a")
    assert "In a group, a = some member's GDP that year is assumed." in " ".join(table.split())


def test_cli_group_path_relative_target() -> None:
    table = ok("path", "-g", "baltic", "-t", "+1", "--by", "2028")
    assert "Baltic states: path to +1 points on each member's start share defence by 2028" in table
    rows = list(
        csv.DictReader(ok("path", "-g", "baltic", "-t", "+1", "--by", "2028", "-f", "csv").splitlines())
    )
    first, last = rows[0], rows[-1]
    # Every member one point of GDP higher: so is the group, whatever the weights.
    assert float(last["share_pct"]) == pytest.approx(float(first["share_pct"]) + 1, abs=0.05)
    assert float(last["shortfall_bn"]) == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("group", ["europe-canada", "eu", "nordic"])
def test_group_path_agrees_with_the_hague_core_scenario(group: str) -> None:
    """Two ways to the same plan: every member below 3.5% rising linearly to it by 2035, the others
    keeping their share, against a flat share of each year's GDP."""
    from spendcalc.domain.scenarios import built_in, run_scenario

    run = run_scenario(DATASET, built_in("hague-core-2035"), group)
    path = group_path(DATASET, parse_group(DATASET, group), TargetSpec(3.5), 2035, run.start_year)
    (line,) = path.lines
    assert [y.year for y in line.years] == [y.year for y in run.years]
    for ours, theirs in zip(line.years, run.years, strict=True):
        assert len(ours.members) == theirs.allies_counted
        assert math.isclose(ours.spending_bn, theirs.spending_usd_bn, rel_tol=1e-12)
        assert math.isclose(ours.gdp_bn, theirs.gdp_usd_bn, rel_tol=1e-12)
        assert math.isclose(
            ours.cumulative_extra_bn, theirs.cumulative_extra_usd_bn, rel_tol=1e-9, abs_tol=1e-9
        )
