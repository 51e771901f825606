"""Paths through several milestones, targets relative to the start share, and options given twice."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spendcalc.choices import Shape
from spendcalc.data.load import load_dataset
from spendcalc.data.schema import Dataset
from spendcalc.domain.targets import TargetSpec, parse_target
from spendcalc.domain.trajectories import Milestone, RelativeTarget, defence_path, parse_path_target
from spendcalc.errors import SpendcalcError, UsageError
from support import invoke, ok


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


def shares(path_years: object) -> dict[int, float]:
    return {y.year: y.share_pct for y in path_years}  # type: ignore[attr-defined]


def test_two_milestones_pass_through_both(ds: Dataset) -> None:
    deu = next(a for a in ds.allies if a.iso3 == "DEU")
    path = defence_path(ds, deu, [Milestone(TargetSpec(3.5), 2029), Milestone(TargetSpec(5.0), 2035)])
    (line,) = path.lines
    by_year = shares(line.years)
    start = by_year[path.from_year]
    assert by_year[2029] == pytest.approx(3.5)
    assert by_year[2035] == pytest.approx(5.0)
    assert path.by_year == 2035 and line.target.share_pct == 5.0
    # Linear on each leg: equal steps to 2029, then equal (smaller) steps to 2035.
    first_leg = [by_year[y + 1] - by_year[y] for y in range(path.from_year, 2029)]
    second_leg = [by_year[y + 1] - by_year[y] for y in range(2029, 2035)]
    assert first_leg == pytest.approx([(3.5 - start) / (2029 - path.from_year)] * len(first_leg))
    assert second_leg == pytest.approx([1.5 / 6] * 6)
    assert line.milestone_for(2027) == (TargetSpec(3.5), 2029)
    assert line.milestone_for(2030) == (TargetSpec(5.0), 2035)


def test_one_milestone_is_the_plain_path(ds: Dataset) -> None:
    pol = next(a for a in ds.allies if a.iso3 == "POL")
    plain = defence_path(ds, pol, TargetSpec(5.0), 2032)
    listed = defence_path(ds, pol, [Milestone(TargetSpec(5.0), 2032)])
    assert plain == listed


def test_relative_target_rises_from_the_start_share(ds: Dataset) -> None:
    deu = next(a for a in ds.allies if a.iso3 == "DEU")
    path = defence_path(ds, deu, RelativeTarget(1.5), 2028)
    (line,) = path.lines
    start = line.years[0].share_pct
    assert line.years[-1].year == 2028
    assert line.years[-1].share_pct == pytest.approx(start + 1.5)
    assert line.target.share_pct == pytest.approx(start + 1.5)


def test_a_milestone_below_the_share_reached_holds_it(ds: Dataset) -> None:
    """A target is a floor: after reaching 5% by 2030, a 3% milestone keeps 5%, never cuts to 3%."""
    deu = next(a for a in ds.allies if a.iso3 == "DEU")
    path = defence_path(ds, deu, [Milestone(TargetSpec(5.0), 2030), Milestone(TargetSpec(3.0), 2033)])
    by_year = shares(path.lines[0].years)
    assert [by_year[y] for y in range(2030, 2034)] == pytest.approx([5.0] * 4)


@pytest.mark.parametrize(
    ("milestones", "message"),
    [
        ([(5.0, 2035), (3.5, 2029)], "after the milestone before it"),
        ([(3.5, 2029), (5.0, 2029)], "after the milestone before it"),
        ([(3.5, 2020)], "after the start year"),
    ],
)
def test_milestones_out_of_order_are_refused(
    ds: Dataset, milestones: list[tuple[float, int]], message: str
) -> None:
    deu = next(a for a in ds.allies if a.iso3 == "DEU")
    with pytest.raises(SpendcalcError, match=message):
        defence_path(ds, deu, [Milestone(TargetSpec(share), year) for share, year in milestones])


def test_parse_path_target(ds: Dataset) -> None:
    assert parse_path_target("+1.5") == RelativeTarget(1.5)
    assert parse_path_target(" +1,5% ") == RelativeTarget(1.5)
    assert parse_path_target("3.5") == TargetSpec(3.5)
    assert parse_path_target("hague-core", ds.targets) == TargetSpec(
        3.5, "hague-core", next(t.label for t in ds.targets if t.id == "hague-core")
    )
    for bad in ("+", "+abc", "+0", "+101", "+nan"):
        with pytest.raises(UsageError):
            parse_path_target(bad)


def test_other_commands_refuse_a_relative_target() -> None:
    with pytest.raises(UsageError, match="rise from a start share"):
        parse_target("+1.5")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=st.floats(0.5, 10, allow_nan=False),
    second=st.floats(0.5, 10, allow_nan=False),
    gap1=st.integers(1, 6),
    gap2=st.integers(1, 6),
    shape=st.sampled_from(list(Shape)),
)
def test_each_milestone_is_reached_or_held(
    ds: Dataset, first: float, second: float, gap1: int, gap2: int, shape: Shape
) -> None:
    """At each milestone's year the share is the target, or the higher share already reached."""
    pol = next(a for a in ds.allies if a.iso3 == "POL")
    start_year = max(pol.share_years)
    y1, y2 = start_year + gap1, start_year + gap1 + gap2
    path = defence_path(
        ds, pol, [Milestone(TargetSpec(first), y1), Milestone(TargetSpec(second), y2)], shape=shape
    )
    by_year = shares(path.lines[0].years)
    start = by_year[start_year]
    assert by_year[y1] == pytest.approx(max(start, first))
    assert by_year[y2] == pytest.approx(max(start, first, second))
    assert all(
        b >= a - 1e-9 for a, b in zip(list(by_year.values()), list(by_year.values())[1:], strict=False)
    )


# --- the command line -----------------------------------------------------------------------------


def test_cli_path_with_two_milestones() -> None:
    out = ok("path", "DEU", "-t", "3.5", "--by", "2029", "-t", "5", "--by", "2035", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    by_year = {int(r["year"]): float(r["share_pct"]) for r in rows}
    assert by_year[2029] == pytest.approx(3.5) and by_year[2035] == pytest.approx(5.0)
    assert {r["milestone_year"] for r in rows if int(r["year"]) <= 2029} == {"2029"}
    assert {r["milestone_year"] for r in rows if int(r["year"]) > 2029} == {"2035"}
    table = ok("path", "DEU", "-t", "3.5", "--by", "2029", "-t", "5", "--by", "2035")
    assert "3.5% defence by 2029, then 5% by 2035" in table


def test_cli_path_relative_target() -> None:
    out = ok("path", "DEU", "-t", "+1.5", "--by", "2028", "-f", "json")
    assert "+1.5 points" in ok("path", "DEU", "-t", "+1.5", "--by", "2028")
    assert '"by_year": 2028' in out


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (("path", "DEU", "-t", "3.5", "-t", "5", "--by", "2029"), "2 --target and 1 --by"),
        (("path", "DEU", "-t", "hague", "--by", "2030", "-t", "5", "--by", "2035"), "give it alone"),
        # Click names an option by its declarations, in an order that differs between versions.
        (
            ("compare", "--year", "2024", "--year", "2025"),
            r"'(--year' / '-y|-y' / '--year)': given more than once",
        ),
        (("gap", "POL", "--current", "2", "--current", "3"), r"'--current': given more than once"),
        (("path", "DEU", "-t", "3.5", "--by", "2029", "--shape", "front", "--shape", "back"), "'--shape'"),
        (
            ("compare", "-f", "csv", "--format", "json"),
            r"'(--format' / '-f|-f' / '--format)': given more than once",
        ),
        (("compare", "-t", "+1.5"), r"rise from a start share"),
    ],
)
def test_cli_usage_errors(args: tuple[str, ...], pattern: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert re.search(pattern, result.stderr), result.stderr
    assert result.stdout == ""


def test_a_list_option_may_be_repeated() -> None:
    out = ok("compare", "-t", "2", "-t", "3.5", "-f", "csv")
    assert {r["target"] for r in csv.DictReader(io.StringIO(out))} == {"2%", "3.5%"}


def test_chart_help_states_its_own_defaults_and_limit() -> None:
    from spendcalc.cli.history import CHART_TARGETS
    from spendcalc.reports.chart import TARGET_MARKS

    text = " ".join(ok("chart", "--help").split())
    assert f"at most {len(TARGET_MARKS)} (one mark each)" in text
    assert "Default: " + ", ".join(CHART_TARGETS[:-1]) + " and " + CHART_TARGETS[-1] + "." in text
    assert invoke("chart", "-t", "1:6:0.5").exit_code == 2  # eleven targets: more than there are marks
    assert ok("chart", "-t", "1:6:1")
