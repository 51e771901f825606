"""Built-in scenarios: what a group spends year by year, summed from its members' paths."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest

from spendcalc.data.load import load_dataset
from spendcalc.data.schema import Dataset
from spendcalc.domain.scenarios import BUILT_IN, built_in, run_scenario
from spendcalc.errors import SpendcalcError
from support import invoke, ok


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


def test_status_quo_costs_nothing_extra(ds: Dataset) -> None:
    """Every ally keeping its share: zero extra in every year, for every group."""
    for group in ("NATO", "Europe and Canada"):
        run = run_scenario(ds, built_in("status-quo"), group)
        assert all(y.extra_usd_bn == pytest.approx(0, abs=1e-9) for y in run.years)
        assert all(y.cumulative_extra_usd_bn == pytest.approx(0, abs=1e-9) for y in run.years)


@pytest.mark.parametrize("scenario", [s.id for s in BUILT_IN])
@pytest.mark.parametrize("group", ["NATO", "Europe and Canada"])
def test_a_group_is_the_sum_of_its_members(ds: Dataset, scenario: str, group: str) -> None:
    run = run_scenario(ds, built_in(scenario), group)
    for index, year in enumerate(run.years):
        members = [p for p in run.paths if p.ally.iso3 in run.members and p.ally.joined <= year.year]
        points = [p.lines[0].years[index] for p in members]
        assert year.spending_usd_bn == pytest.approx(math.fsum(pt.spending_bn for pt in points))
        assert year.share_pct == pytest.approx(
            math.fsum(pt.spending_bn for pt in points) / math.fsum(pt.gdp_bn for pt in points) * 100
        )
        assert year.allies_at_3_5 == sum(1 for pt in points if pt.share_pct >= 3.5)
    assert ("USA" in run.members) == (group == "NATO")


def test_hague_core_lifts_everyone_below_to_3_5_by_2035(ds: Dataset) -> None:
    run = run_scenario(ds, built_in("hague-core-2035"), "NATO")
    for path in run.paths:
        start = path.lines[0].years[0].share_pct
        end = path.lines[0].years[-1].share_pct
        assert end == pytest.approx(max(start, 3.5))
    last = run.years[-1]
    assert last.year == 2035 and last.allies_at_3_5 == last.allies_counted
    assert last.cumulative_extra_usd_bn > 0


def test_floor_2_from_the_year_after_the_start(ds: Dataset) -> None:
    run = run_scenario(ds, built_in("floor-2"), "NATO")
    for path in run.paths:
        start = path.lines[0].years[0].share_pct
        assert all(y.share_pct >= min(2.0, start) - 1e-9 for y in path.lines[0].years)
        assert all(y.share_pct == pytest.approx(max(2.0, start)) for y in path.lines[0].years[1:])


def test_errors(ds: Dataset) -> None:
    with pytest.raises(SpendcalcError, match="unknown scenario 'x'; built-in scenarios: status-quo"):
        built_in("x")
    with pytest.raises(SpendcalcError, match="unknown group 'narnia'"):
        run_scenario(ds, built_in("status-quo"), "narnia")
    with pytest.raises(SpendcalcError, match="at most 2100"):
        run_scenario(ds, built_in("status-quo"), horizon=2200)
    with pytest.raises(SpendcalcError, match="must be after the start year"):
        run_scenario(ds, built_in("status-quo"), horizon=2020)


def test_cli_states_baseline_years_and_assumptions() -> None:
    table = " ".join(ok("scenario", "run", "hague-core-2035").split())
    assert "flat share of GDP, from 2026" in table
    assert "cumulative over 2027–2035" in table
    assert "a = a year with an assumed GDP" in table
    rows = list(
        csv.DictReader(io.StringIO(ok("scenario", "run", "hague-core-2035", "--group", "NATO", "-f", "csv")))
    )
    assert [int(r["year"]) for r in rows] == list(range(2026, 2036))
    assert {r["scenario"] for r in rows} == {"hague-core-2035"} and {r["group"] for r in rows} == {"NATO"}
    assert {r["baseline"] for r in rows} == {"flat-share"}
    document = json.loads(ok("scenario", "run", "floor-2", "--by", "2030", "-f", "json"))
    assert document["metadata"]["horizon"] == 2030 and document["metadata"]["scenario"] == "floor-2"
    result = invoke("scenario", "run", "nope")
    assert result.exit_code == 1 and "built-in scenarios" in result.stderr


@pytest.mark.parametrize("group", ["baltic", "eu", "nordic", "mine=POL,DEU,FRA"])
def test_any_group_of_the_dataset_or_ones_own(ds: Dataset, group: str) -> None:
    run = run_scenario(ds, built_in("hague-core-2035"), group)
    paths = {p.ally.iso3: p for p in run.paths}
    first = run.years[0]
    assert first.spending_usd_bn == pytest.approx(
        math.fsum(
            paths[m].lines[0].years[0].spending_bn for m in run.members if paths[m].ally.joined <= first.year
        )
    )
    if group.startswith("mine="):
        assert set(run.members) == {"POL", "DEU", "FRA"} and run.group == "mine"  # in the dataset's order
