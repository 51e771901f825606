"""Built-in scenarios: what a group spends year by year, summed from its members' paths."""

from __future__ import annotations

import csv
import io
import json
import math
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spendcalc.choices import Currency
from spendcalc.data.load import load_dataset
from spendcalc.data.schema import Dataset, Plan
from spendcalc.domain.currency import conversion
from spendcalc.domain.scenarios import (
    BUILT_IN_IDS,
    KEEP,
    Rule,
    RuleShape,
    Scenario,
    Step,
    built_in,
    built_ins,
    core_share,
    plan_rule,
    read_plans,
    run_scenario,
)
from spendcalc.domain.targets import TargetSpec
from spendcalc.domain.trajectories import RelativeTarget
from spendcalc.errors import SpendcalcError
from support import invoke, ok


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


def test_status_quo_costs_nothing_extra(ds: Dataset) -> None:
    """Every ally keeping its share: zero extra in every year, for every group."""
    for group in ("NATO", "Europe and Canada"):
        run = run_scenario(ds, built_in("status-quo", ds), group)
        assert all(y.extra_usd_bn == pytest.approx(0, abs=1e-9) for y in run.years)
        assert all(y.cumulative_extra_usd_bn == pytest.approx(0, abs=1e-9) for y in run.years)


@pytest.mark.parametrize("scenario", BUILT_IN_IDS)
@pytest.mark.parametrize("group", ["NATO", "Europe and Canada"])
def test_a_group_is_the_sum_of_its_members(ds: Dataset, scenario: str, group: str) -> None:
    run = run_scenario(ds, built_in(scenario, ds), group)
    for index, year in enumerate(run.years):
        members = [p for p in run.paths if p.ally.iso3 in run.members and p.ally.joined <= year.year]
        points = [p.years[index] for p in members]
        # Iceland, with no armed forces, adds its GDP (never spending), as NATO's totals count it.
        iceland = [series.points[index].usd_bn for ally, series in run.gdp_only if ally.joined <= year.year]
        gdp = math.fsum([*(pt.gdp_usd_bn for pt in points), *iceland])
        assert year.gdp_usd_bn == pytest.approx(gdp)
        assert year.spending_usd_bn == pytest.approx(math.fsum(pt.spending_usd_bn for pt in points))
        assert year.share_pct == pytest.approx(math.fsum(pt.spending_usd_bn for pt in points) / gdp * 100)
        assert year.allies_at_3_5 == sum(1 for pt in points if pt.share_pct >= 3.5)
        assert year.related_usd_bn == pytest.approx(math.fsum(pt.related_usd_bn for pt in points))
    assert ("USA" in run.members) == (group == "NATO")
    assert [ally.iso3 for ally, _ in run.gdp_only] == ["ISL"]  # both groups hold Iceland
    assert all(series.points[0].source == "nato-2026-07" for _, series in run.gdp_only)  # NATO's own total


def test_a_group_without_iceland_counts_no_gdp_of_its_own(ds: Dataset) -> None:
    run = run_scenario(ds, built_in("status-quo", ds), "baltic")
    assert run.gdp_only == ()
    for index, year in enumerate(run.years):
        assert year.gdp_usd_bn == math.fsum(p.years[index].gdp_usd_bn for p in run.member_paths)


def test_hague_core_lifts_everyone_below_to_3_5_by_2035(ds: Dataset) -> None:
    run = run_scenario(ds, built_in("hague-core-2035"), "NATO")
    for path in run.paths:
        start, end = path.years[0].share_pct, path.years[-1].share_pct
        assert end == pytest.approx(max(start, 3.5))
    last = run.years[-1]
    assert last.year == 2035 and last.allies_at_3_5 == last.allies_counted
    assert last.cumulative_extra_usd_bn > 0


def test_hague_2035_plans_the_related_slice_apart(ds: Dataset) -> None:
    core = run_scenario(ds, built_in("hague-core-2035", ds), "NATO")
    full = run_scenario(ds, built_in("hague-2035", ds), "NATO")
    for a, b in zip(core.years, full.years, strict=True):
        # The related slice never offsets (or adds to) core: core figures are exactly hague-core-2035's.
        assert (a.spending_usd_bn, a.extra_usd_bn, a.share_pct) == (
            b.spending_usd_bn,
            b.extra_usd_bn,
            b.share_pct,
        )
        assert a.related_usd_bn == 0
    for path in full.paths:
        related = [pt.related_pct for pt in path.years]
        assert related[0] == 0 and related[-1] == pytest.approx(1.5)
        steps = [b - a for a, b in pairwise(related)]
        assert all(step == pytest.approx(1.5 / 9) for step in steps)  # linear from 0, 2026 to 2035
    last = full.years[-1]
    armed_gdp = math.fsum(p.years[-1].gdp_usd_bn for p in full.member_paths)
    assert last.related_usd_bn / armed_gdp * 100 == pytest.approx(1.5)
    # Over NATO's GDP, Iceland's included, the slice is a hair under 1.5%: Iceland plans none.
    assert 1.49 < last.related_pct < 1.5
    assert full.years[-1].cumulative_related_usd_bn == pytest.approx(
        math.fsum(y.related_usd_bn for y in full.years[1:])
    )


def test_floor_2_from_the_year_after_the_start(ds: Dataset) -> None:
    run = run_scenario(ds, built_in("floor-2"), "NATO")
    for path in run.paths:
        start = path.years[0].share_pct
        assert all(y.share_pct >= min(2.0, start) - 1e-9 for y in path.years)
        assert all(y.share_pct == pytest.approx(max(2.0, start)) for y in path.years[1:])


def _plan(
    share: float | None,
    by: int,
    announced: str = "2025-06-01",
    measure: str = "NATO definition",
    status: str = "plan",
    note: str | None = None,
) -> Plan:
    return Plan(
        iso3="DEU",
        announced=announced,
        share_pct=share,
        by_year=by,
        measure=measure,
        nato_definition="NATO definition" in measure,
        status=status,
        note=note,
    )


def test_the_plan_rule_newest_announcement_per_target_year() -> None:
    plans = [
        _plan(3.0, 2029, "2025-03"),
        _plan(3.5, 2029, "2025-11-26"),  # newer, same year: wins
        _plan(4.0, 2029, "2025"),  # a year alone counts as 1 January: older
        _plan(5.0, 2035, "2026-01-01", "NATO definition core 3.5 + related 1.5", "pledge"),
        _plan(2.4, 2025, "2025-06-24", status="budget"),  # not after the start year
        _plan(6.0, 2031, "2026-02-01", status="position"),  # not a plan
        _plan(6.0, 2032, "2026-02-01", status="ambition"),
        _plan(1.5, 2033, "2026-02-01", "defence- and security-related"),  # related alone: no core share
        _plan(4.1, 2027, "2026-02-01", "NATO new definitions (core + related)"),  # no split
        _plan(None, 2028, "2026-02-01"),  # no share
    ]
    reasons = [r.reason for r in read_plans(plans, 2026)]
    assert reasons == [
        "a newer one for the same year",
        "used",
        "a newer one for the same year",
        "used",
        "for 2025, not after 2026",
        "position: not a plan",
        "ambition: not a plan",
        "no core defence share",
        "no core defence share",
        "no core defence share",
    ]
    rule = plan_rule(plans, 2026)
    assert [(s.target.share_pct, s.year) for s in rule.steps if isinstance(s.target, TargetSpec)] == [
        (3.5, 2029),
        (3.5, 2035),
    ]
    assert [p.announced for p in rule.plans] == ["2025-11-26", "2026-01-01"]
    assert core_share(plans[3]) == 3.5 and core_share(plans[0]) == 3.0


def test_the_plan_rule_on_the_same_date_takes_the_later_row_and_no_plan_keeps() -> None:
    first, second = _plan(3.0, 2030, "2026-01-30"), _plan(2.8, 2030, "2026-01-30")
    assert plan_rule([first, second], 2026).plans == (second,)
    assert plan_rule([], 2026) == KEEP
    assert plan_rule([_plan(3.0, 2030, "2025/2026 (undated)", status="position")], 2026) == KEEP


def test_national_plans_on_the_bundled_data(ds: Dataset) -> None:
    scenario = built_in("national-plans", ds)
    rules = dict(scenario.rules)
    assert "newest announcement" in scenario.description and "keeps its latest share" in scenario.description
    germany = rules["DEU"]
    assert [(s.year, s.target) for s in germany.steps] == [(2029, TargetSpec(3.5))]
    assert germany.plans[0].status == "budget" and germany.plans[0].announced == "2025-11-26"
    assert "USA" not in rules and "LTU" not in rules and "ISL" not in rules  # no usable plan: keep
    assert not rules["LUX"].plans[0].nato_definition  # a national measure, kept and flagged
    assert scenario.uses_national_measures
    run = run_scenario(ds, scenario, "NATO")
    paths = {p.ally.iso3: p for p in run.paths}
    assert paths["DEU"].years[3].share_pct == pytest.approx(max(3.5, paths["DEU"].start.pct))  # 2029
    assert all(pt.share_pct == paths["USA"].start.pct for pt in paths["USA"].years)
    assert [iso3 for iso3, _ in scenario.rules] == [a.iso3 for a in ds.allies if a.iso3 in rules]
    with pytest.raises(SpendcalcError, match="give the dataset"):
        built_in("national-plans")
    assert [s.id for s in built_ins(ds)] == list(BUILT_IN_IDS)


def test_milestones_relative_targets_and_shapes(ds: Dataset) -> None:
    two = Rule((Step(TargetSpec(3.5), 2029), Step(TargetSpec(5.0), 2035)))
    scenario = Scenario(
        "x", "x", "x", KEEP, (("DEU", two), ("POL", Rule((Step(RelativeTarget(1.5), 2028),))))
    )
    run = run_scenario(ds, scenario, "NATO")
    paths = {p.ally.iso3: p for p in run.paths}
    deu = [pt.share_pct for pt in paths["DEU"].years]
    start = paths["DEU"].start.pct
    assert deu[3] == pytest.approx(3.5) and deu[-1] == pytest.approx(5.0)
    assert deu[1] == pytest.approx(start + (3.5 - start) / 3)
    assert deu[4] == pytest.approx(3.5 + 1.5 / 6)
    assert paths["DEU"].milestones == ((3.5, 2029), (5.0, 2035))
    pol = paths["POL"]
    assert pol.years[2].share_pct == pytest.approx(pol.start.pct + 1.5)
    assert pol.years[-1].share_pct == pytest.approx(pol.start.pct + 1.5)
    stepped = scenario._replace(rules=(("DEU", two._replace(shape=RuleShape.STEP)),))
    steps = {p.ally.iso3: p for p in run_scenario(ds, stepped, "NATO").paths}["DEU"].years
    assert [round(pt.share_pct, 6) for pt in steps[:4]] == [round(start, 6)] * 3 + [3.5]
    assert steps[4].share_pct == pytest.approx(3.5) and steps[-1].share_pct == pytest.approx(5.0)
    front = scenario._replace(rules=(("DEU", Rule((Step(TargetSpec(5.0), 2030),), RuleShape.FRONT)),))
    back = scenario._replace(rules=(("DEU", Rule((Step(TargetSpec(5.0), 2030),), RuleShape.BACK)),))
    f = {p.ally.iso3: p for p in run_scenario(ds, front, "NATO").paths}["DEU"].years
    b = {p.ally.iso3: p for p in run_scenario(ds, back, "NATO").paths}["DEU"].years
    assert f[2].share_pct > b[2].share_pct and f[4].share_pct == pytest.approx(b[4].share_pct)


@settings(max_examples=25, deadline=None)
@given(
    members=st.sets(st.integers(min_value=0, max_value=30), min_size=1),
    year=st.integers(min_value=2027, max_value=2040),
    shape=st.sampled_from(list(RuleShape)),
    default_too=st.booleans(),
)
def test_every_rule_at_the_latest_share_costs_nothing(
    members: set[int], year: int, shape: RuleShape, default_too: bool
) -> None:
    """A scenario whose every rule is the ally's latest share gives zero extra, in every year and group."""
    ds = _DATASET
    armed = [a for a in ds.allies if a.has_armed_forces]
    start = run_scenario(ds, built_in("status-quo"), "NATO").start_year
    rules = tuple(
        (ally.iso3, Rule((Step(TargetSpec(ally.share(start).pct), year),), shape))  # type: ignore[union-attr]
        for index, ally in enumerate(armed)
        if index in members or default_too
    )
    scenario = Scenario("same", "same", "same", KEEP, rules, horizon=max(year, 2035))
    for group in ("nato", "eu", "baltic"):
        run = run_scenario(ds, scenario, group)
        assert all(y.extra_usd_bn == pytest.approx(0, abs=1e-9) for y in run.years)
        assert run.years[-1].cumulative_extra_usd_bn == pytest.approx(0, abs=1e-9)


_DATASET = load_dataset()


def test_money_in_euros_is_each_members_dollars_at_each_years_rate(ds: Dataset) -> None:
    run = run_scenario(ds, built_in("hague-core-2035"), "eu", currency=Currency.EUR)
    for index, year in enumerate(run.years):
        assert year.money is not None
        assert year.money.code == "EUR"
        # Each member's dollars at its own rate that year (a euro ally's euros are its own, NATO's or the
        # IMF's implied rate, not one rate for the group).
        members = [(p.ally, p.years[index]) for p in run.member_paths]
        rates: dict[str, float] = {}
        for ally, member_year in members:
            rate = conversion(ds, ally, member_year.year, Currency.EUR)
            assert rate is not None
            rates[ally.iso3] = rate.per_usd
        spending = math.fsum(y.spending_usd_bn * rates[a.iso3] for a, y in members)
        extra = math.fsum(y.extra_usd_bn * rates[a.iso3] for a, y in members)
        assert year.money.spending_bn == pytest.approx(spending)
        assert year.money.extra_bn == pytest.approx(extra)
        if index:
            assert year.money.cumulative_extra_bn == pytest.approx(
                run.years[index - 1].money.cumulative_extra_bn + year.money.extra_bn  # type: ignore[union-attr]
            )
    lcu = run_scenario(ds, built_in("hague-core-2035"), "eu", currency=Currency.LCU)
    assert all(y.money is None for y in lcu.years)  # national currencies are never added up
    one = run_scenario(ds, built_in("hague-core-2035"), "uk=GBR", currency=Currency.LCU)
    assert all(y.money is not None and y.money.code == "GBP" for y in one.years)


def test_errors(ds: Dataset) -> None:
    with pytest.raises(SpendcalcError, match="unknown scenario 'x'; built-in scenarios: status-quo"):
        built_in("x")
    with pytest.raises(SpendcalcError, match="unknown group 'narnia'"):
        run_scenario(ds, built_in("status-quo"), "narnia")
    with pytest.raises(SpendcalcError, match="at most 2100"):
        run_scenario(ds, built_in("status-quo"), horizon=2200)
    with pytest.raises(SpendcalcError, match="must be after the start year"):
        run_scenario(ds, built_in("status-quo"), horizon=2020)
    with pytest.raises(SpendcalcError, match="no ally with armed forces"):
        run_scenario(ds, built_in("status-quo"), "ice=ISL")
    backwards = Scenario("b", "b", "b", Rule((Step(TargetSpec(3), 2030), Step(TargetSpec(4), 2029))))
    with pytest.raises(SpendcalcError, match="must be after the year before it"):
        run_scenario(ds, backwards)
    too_high = Scenario("h", "h", "h", Rule((Step(RelativeTarget(99), 2030),)))
    with pytest.raises(SpendcalcError, match="above 100% of GDP"):
        run_scenario(ds, too_high)


def test_cli_states_baseline_years_and_assumptions() -> None:
    table = " ".join(ok("scenario", "run", "hague-core-2035").split())
    assert "flat share, from 2026" in table
    assert "cumulative over 2027–2035" in table
    assert "a = a year with an assumed GDP" in table
    assert "Source: IMF, World Economic Outlook" in table
    rows = list(
        csv.DictReader(io.StringIO(ok("scenario", "run", "hague-core-2035", "--group", "NATO", "-f", "csv")))
    )
    assert [int(r["year"]) for r in rows] == list(range(2026, 2036))
    assert {r["scenario"] for r in rows} == {"hague-core-2035"} and {r["group"] for r in rows} == {"NATO"}
    assert {r["share_source"] for r in rows} == {"nato-2026-07"}
    # IMF NGDP to 2029; from 2030 growth and CPI (an assumption), then the last rate.
    assert [r["assumed_gdp"] for r in rows] == ["false"] * 4 + ["true"] * 6
    document = json.loads(ok("scenario", "run", "floor-2", "--by", "2030", "-f", "json"))
    assert document["metadata"]["horizon"] == 2030 and document["metadata"]["scenario"] == "floor-2"
    assert document["metadata"]["baseline"] == "flat-share"
    result = invoke("scenario", "run", "nope")
    assert result.exit_code == 1 and "built-in scenarios" in result.stderr


def test_cli_national_plans_names_national_measures() -> None:
    table = " ".join(ok("scenario", "run", "national-plans").split())
    assert "National measures: the plans of" in table and "Luxembourg" in table
    assert "newest announcement" in table
    shown = " ".join(ok("scenario", "show", "national-plans").split())
    assert "Not used (" in shown and "position: not a plan" in shown
    assert "3.5% of GDP by 2029: budget, NATO definition, announced 2025-11-26" in shown


def test_cli_detail_gives_one_row_per_ally_and_year() -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(ok("scenario", "run", "hague-2035", "-g", "baltic", "--detail", "-f", "csv"))
        )
    )
    assert [(r["iso3"], r["year"]) for r in rows[:2]] == [("EST", "2026"), ("EST", "2027")]
    assert {r["iso3"] for r in rows} == {"EST", "LVA", "LTU"} and len(rows) == 30
    assert rows[-1]["related_pct"] == "1.5"
    assert {r["national_measure"] for r in rows} == {"false"}
    table = ok("scenario", "run", "hague-core-2035", "-g", "g7", "--detail", "--currency", "LCU")
    assert "held at" in table or "3.5% by 2035" in table


def test_cli_compare_tidy_long_form_and_chart() -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(
                ok(
                    "scenario",
                    "compare",
                    "status-quo",
                    "hague-2035",
                    "-g",
                    "nato",
                    "-f",
                    "csv",
                    "--by",
                    "2030",
                )
            )
        )
    )
    assert [(r["scenario"], r["year"]) for r in rows[:2]] == [("status-quo", "2026"), ("status-quo", "2027")]
    assert len(rows) == 10 and {r["group"] for r in rows} == {"NATO"}
    chart = ok("scenario", "compare", "status-quo", "hague-core-2035", "--chart")
    assert "█" in chart and "┃ = 3.5%" in chart
    result = invoke("scenario", "compare", "status-quo")
    assert result.exit_code == 2 and "two or more" in result.stderr


def test_the_python_api_is_the_domain(ds: Dataset) -> None:
    from spendcalc import scenarios as api

    assert api.run_scenario is run_scenario and api.built_in is built_in
    run = api.run_scenario(ds, api.built_in("national-plans", ds), "eu", horizon=2030)
    assert isinstance(run, api.ScenarioRun) and run.years[-1].year == 2030
    with pytest.raises(AttributeError):
        run.years[0].spending_usd_bn = 0  # type: ignore[misc]


def test_cli_pictures_and_stated_gdp_assumptions(tmp_path: Path) -> None:
    svg, page = tmp_path / "c.svg", tmp_path / "c.html"
    result = invoke("scenario", "compare", "status-quo", "hague-2035", "--svg", str(svg), "--html", str(page))
    assert result.exit_code == 0 and f"wrote {svg}" in result.stderr
    assert svg.read_text(encoding="utf-8").startswith("<svg") and "hague-2035" in page.read_text(
        encoding="utf-8"
    )
    document = json.loads(ok("scenario", "run", "hague-core-2035", "-g", "baltic", "-f", "json"))
    assumptions = document["metadata"]["gdp_assumptions"]
    assert set(assumptions) == {"EST", "LVA", "LTU"} and all(
        "an assumption" in v for v in assumptions.values()
    )


def test_a_group_counts_each_member_from_the_year_it_joined(ds: Dataset) -> None:
    """A scenario from 2022 over the Nordic allies: Finland counts from 2023, Sweden from 2024; Iceland's
    GDP every year (a founding member), never its spending."""
    run = run_scenario(ds, built_in("floor-2", ds)._replace(start_year=2022), "nordic", 2026)
    by_iso3 = {p.ally.iso3: p for p in run.member_paths}
    (iceland,) = run.gdp_only
    for index, year in enumerate(run.years):
        counted = [iso3 for iso3 in ("DNK", "NOR", "FIN", "SWE") if by_iso3[iso3].ally.joined <= year.year]
        assert year.allies_counted == len(counted)
        assert year.spending_usd_bn == math.fsum(by_iso3[m].years[index].spending_usd_bn for m in counted)
        gdp = [*(by_iso3[m].years[index].gdp_usd_bn for m in counted), iceland[1].points[index].usd_bn]
        assert year.gdp_usd_bn == math.fsum(gdp)
    assert [y.allies_counted for y in run.years] == [2, 3, 4, 4, 4]
