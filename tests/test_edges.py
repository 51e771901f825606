"""Edges of paths, currencies and output that the bundled data never reaches: synthetic datasets."""

from __future__ import annotations

import copy
import errno
import io
import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spendcalc.choices import Currency
from spendcalc.cli.app import app
from spendcalc.core import TargetSpec
from spendcalc.data.load import bundled_bytes, parse_dataset
from spendcalc.data.schema import Dataset
from spendcalc.domain.currency import conversion
from spendcalc.domain.gdp import gdp_series
from spendcalc.domain.pledges import check_pledges
from spendcalc.domain.trajectories import defence_path
from spendcalc.errors import SpendcalcError, UsageError
from spendcalc.output import files as output

BUNDLED: dict[str, Any] = json.loads(bundled_bytes())


def dataset_with(change: Any) -> Dataset:
    document = copy.deepcopy(BUNDLED)
    change(document)
    return parse_dataset(json.dumps(document).encode(), "edge.json")


def ally(dataset: Dataset, iso3: str) -> Any:
    return next(a for a in dataset.allies if a.iso3 == iso3)


OLD = "nato-2025-08"
"""An edition without NATO's tables: its GDP is the dataset's, which these tests take away."""


def test_path_from_a_year_without_gdp_is_an_error() -> None:
    def drop(document: dict[str, Any]) -> None:
        del document["allies"][22]["years"]["2025"]["gdp"]  # Poland

    data = dataset_with(drop).for_edition(OLD)
    with pytest.raises(SpendcalcError, match="Poland: no GDP for 2025"):
        defence_path(data, ally(data, "POL"), TargetSpec(5.0), 2030)


def test_gdp_that_ends_after_one_year_cannot_be_extended() -> None:
    def only_2025(document: dict[str, Any]) -> None:
        years = document["allies"][22]["years"]
        for year, record in years.items():
            record.pop("gdp_lcu", None)
            record.pop("growth", None)
            if year != "2025":
                record.pop("gdp", None)

    data = dataset_with(only_2025).for_edition(OLD)
    with pytest.raises(SpendcalcError, match="no two years to extend it from; give --growth"):
        gdp_series(ally(data, "POL"), 2025, 2027, dataset=data)
    # With a stated growth rate it works, and every later year is marked assumed.
    series = gdp_series(ally(data, "POL"), 2025, 2027, growth_pct=3.0, dataset=data)
    assert [p.kind for p in series.points] == ["estimate", "assumed", "assumed"]
    # In zloty at the ECB's 2025 rate carried forward (no IMF rate left), so 3% in US$ too.
    assert math.isclose(series.points[-1].usd_bn, series.points[0].usd_bn * 1.03**2)


def test_gdp_that_ends_in_the_start_year_grows_at_its_last_recorded_rate() -> None:
    """No projection in the dataset (no IMF NGDP, no growth): a series from its last GDP year grows at
    the rate of the two recorded years before, and says so (as a dataset of one's own often is)."""

    def no_projections(document: dict[str, Any]) -> None:
        years = document["allies"][22]["years"]
        for year, record in years.items():
            record.pop("gdp_lcu", None)
            record.pop("growth", None)
            if int(year) > 2025:
                record.pop("gdp", None)

    data = dataset_with(no_projections).for_edition(OLD)
    poland = ally(data, "POL")
    series = gdp_series(poland, 2025, 2028, dataset=data)
    before, last = poland.gdp(2024), poland.gdp(2025)
    assert before is not None and last is not None
    assert [p.kind for p in series.points[1:]] == ["assumed"] * 3
    assert series.growth_basis is not None and "(2024→2025)" in series.growth_basis
    # Growth in zloty (at the ECB's rates of 2024 and 2025), carried on in zloty at 2025's rate.
    rate_2024, rate_2025 = (conversion(data, poland, year, Currency.LCU) for year in (2024, 2025))
    assert rate_2024 is not None and rate_2025 is not None and rate_2025.code == "PLN"
    zloty = (last.usd_bn * rate_2025.per_usd) / (before.usd_bn * rate_2024.per_usd)
    assert series.growth_pct is not None and series.growth_pct == pytest.approx((zloty - 1) * 100)
    growth = (1 + series.growth_pct / 100) ** 3
    assert series.points[-1].usd_bn == pytest.approx(series.points[0].usd_bn * growth)


def _iceland_without_gdp(document: dict[str, Any]) -> None:
    iceland = next(a for a in document["allies"] if a["iso3"] == "ISL")
    for record in iceland["years"].values():
        for part in ("gdp", "gdp_lcu", "growth"):
            record.pop(part, None)


def test_a_dataset_without_icelands_gdp_still_runs_nato_wide_scenarios_and_paths() -> None:
    """Iceland's GDP counts in a group's where the dataset gives it; where it does not (a dataset of one's
    own), the group is its other members, as compare's totals have it, and the notes say so."""
    from spendcalc.domain.groups import parse_group
    from spendcalc.domain.scenarios import built_in, run_scenario
    from spendcalc.domain.trajectories import group_path

    data = dataset_with(_iceland_without_gdp).for_edition(OLD)
    run = run_scenario(data, built_in("status-quo", data), "nato", 2030)
    assert run.gdp_only == () and [a.iso3 for a in run.gdp_missing] == ["ISL"]
    for index, year in enumerate(run.years):
        assert year.gdp_usd_bn == math.fsum(p.years[index].gdp_usd_bn for p in run.member_paths)
    path = group_path(data, parse_group(data, "nato"), TargetSpec(3.5), 2030)
    assert path.gdp_only == () and path.gdp_missing == ("ISL",)
    from spendcalc.reports.path import group_path_report
    from spendcalc.reports.scenarios import scenario_report

    notes = "\n".join(scenario_report(data, run, None, False).notes)
    assert "Iceland (no armed forces) not counted at all: the dataset gives no GDP for 2024–2030" in notes
    path_notes = "\n".join(group_path_report(data, [path], None).notes)
    assert "Iceland: n/a — no armed forces; no path, and its GDP is not counted" in path_notes


def test_the_largest_growth_to_2100_stays_a_number(dataset: Dataset) -> None:
    series = gdp_series(ally(dataset, "POL"), 2026, 2100, growth_pct=100.0, dataset=dataset)
    assert all(math.isfinite(p.usd_bn) for p in series.points)
    assert series.points[-1].usd_bn == pytest.approx(series.points[0].usd_bn * 2**74, rel=0.2)


def test_path_current_share_out_of_range_is_a_usage_error(dataset: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        defence_path(dataset, ally(dataset, "POL"), TargetSpec(5.0), 2030, current_pct=101)
    assert caught.value.option == "--current"


def test_path_without_a_share_in_the_start_year() -> None:
    def drop(document: dict[str, Any]) -> None:
        del document["allies"][22]["years"]["2024"]["shares"][-1]

    data = dataset_with(drop)
    with pytest.raises(SpendcalcError, match="no defence share for 2024; give --current or --from"):
        defence_path(data, ally(data, "POL"), TargetSpec(5.0), 2030, from_year=2024)
    started = defence_path(data, ally(data, "POL"), TargetSpec(5.0), 2030, from_year=2024, current_pct=4.0)
    assert started.lines[0].years[0].share_pct == 4.0


def test_path_target_text_must_be_hague(dataset: Dataset) -> None:
    with pytest.raises(UsageError, match=r"'hague' for the 3\.5% \+ 1\.5% split"):
        defence_path(dataset, ally(dataset, "POL"), "nato", 2030)


def test_pledge_for_a_year_before_the_latest_share_uses_that_years_gdp() -> None:
    def early(document: dict[str, Any]) -> None:
        document["pledges"][0]["by_year"] = 2024  # the UK's 2.5%, now "by 2024"

    data = dataset_with(early)
    check = next(c for c in check_pledges(data, ally(data, "GBR")) if c.pledge.share_pct == 2.5)
    assert check.gdp.year == 2024
    assert check.gdp.usd_bn == data.nato_figure("GBR", 2024, "gdp_usd_m") / 1000  # type: ignore[operator]
    assert check.gdp.source == "nato-2026-07"
    assert check.gdp_growth_basis is None


def test_euro_conversion_before_the_first_rate_is_missing(dataset: Dataset) -> None:
    assert conversion(dataset, None, 2010, Currency.EUR) is None
    assert conversion(dataset, None, 2024, Currency.LCU) is None
    rate = conversion(dataset, None, 2024, Currency.EUR)
    assert rate is not None
    assert rate.code == "EUR"
    assert not rate.carried_forward


def test_no_euro_rates_at_all() -> None:
    def drop(document: dict[str, Any]) -> None:
        document["eur_per_usd"] = {}

    data = dataset_with(drop)
    # NATO's euro rate in its tables' years, the IMF's from 2024; the ECB's only before, and none here.
    assert conversion(data, None, 2024, Currency.EUR) is not None
    assert conversion(data.for_edition(OLD), None, 2023, Currency.EUR) is None


def test_stdout_that_cannot_be_written_is_one_error(monkeypatch: pytest.MonkeyPatch) -> None:
    class FullDisk(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sys, "stdout", FullDisk())
    monkeypatch.setattr(output, "silence_stdout", lambda: None)
    with pytest.raises(SpendcalcError, match="stdout: cannot write \\(No space left on device\\)"):
        output.write_text("data\n", output.STDOUT)


def test_a_device_is_written_in_place() -> None:
    output.write_text("discarded\n", "/dev/null")
    assert Path("/dev/null").exists()


def test_output_through_a_symlink_replaces_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real.csv"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    output.write_text("new\n", str(link))
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "new\n"


@pytest.mark.parametrize("option", ["--svg", "--html", "--png"])
def test_a_picture_needs_a_file_name(option: str) -> None:
    result = CliRunner().invoke(app, ["chart", option, "-"])
    assert result.exit_code == 2
    assert "a picture needs a file name, not stdout" in result.stderr
    assert result.stdout == ""
