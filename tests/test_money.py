"""NATO's own money in an edition's years, and GDP paths after them that are right in every currency
(issue 9, items 4 and 5). Expected figures are read from data/allies.json with the json module."""

from __future__ import annotations

import itertools
import json
import math
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spendcalc.choices import Currency, Prices
from spendcalc.data.load import load_dataset
from spendcalc.data.schema import Ally, Dataset
from spendcalc.domain.currency import conversion
from spendcalc.domain.gaps import ally_gaps
from spendcalc.domain.gdp import gdp_series
from spendcalc.domain.money import nato_money
from spendcalc.domain.targets import TargetSpec
from spendcalc.domain.trajectories import defence_path
from spendcalc.errors import SpendcalcError
from support import invoke, load_raw, ok, raw_ally, raw_nato

RAW: dict[str, Any] = load_raw()
LAST = 2026
"""The July 2026 edition's last year: projections start after it."""

PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


def ally_of(ds: Dataset, iso3: str) -> Ally:
    return next(a for a in ds.allies if a.iso3 == iso3)


def imf_nominal_growth(iso3: str, year: int) -> float:
    """The IMF's nominal growth into `year`, % (NGDP to 2029, then real growth and CPI to 2031, then
    2031's): what GDP in national currency should grow by."""
    years = raw_ally(RAW, iso3)["years"]
    if year <= 2029:
        return float(
            (years[str(year)]["gdp_lcu"]["lcu_bn"] / years[str(year - 1)]["gdp_lcu"]["lcu_bn"] - 1) * 100
        )
    growth = years[str(min(year, 2031))]["growth"]
    return float(((1 + growth["real_pct"] / 100) * (1 + growth["cpi_pct"] / 100) - 1) * 100)


EURO_ALLIES = sorted(
    a["iso3"]
    for a in RAW["allies"]
    if a["has_armed_forces"]
    and all(r["gdp_lcu"]["currency"] == "EUR" for r in a["years"].values() if "gdp_lcu" in r)
)
ARMED = [a["iso3"] for a in RAW["allies"] if a["has_armed_forces"]]


def test_the_euro_allies_are_the_eighteen_of_2026() -> None:
    assert len(EURO_ALLIES) == 18  # Montenegro uses the euro without issuing it
    assert {"BGR", "HRV", "DEU", "MNE"} <= set(EURO_ALLIES)


@pytest.mark.parametrize("iso3", EURO_ALLIES)
def test_no_euro_allys_gdp_in_euros_moves_beyond_imf_nominal_growth(ds: Dataset, iso3: str) -> None:
    """Every projection year: GDP in euros grows as the IMF's nominal growth, within ± 0.5 points."""
    path = defence_path(ds, ally_of(ds, iso3), TargetSpec(3.5), 2040, currency=Currency.EUR)
    assert path.money == "EUR"
    years = path.lines[0].years
    for before, now in itertools.pairwise(years):
        if now.year <= LAST:
            continue
        growth = (now.gdp_bn / before.gdp_bn - 1) * 100
        assert abs(growth - imf_nominal_growth(iso3, now.year)) <= 0.5, (iso3, now.year, growth)


def test_germanys_gdp_in_euros_no_longer_jumps_in_2027(ds: Dataset) -> None:
    """The issue's example: converting IMF dollars at a frozen 2025 rate made Germany's GDP in euros
    jump 8% in 2026; now 2027 grows as the IMF's euros do (3.7%)."""
    path = defence_path(ds, ally_of(ds, "DEU"), TargetSpec(3.5), 2029, currency=Currency.EUR)
    first, second = path.lines[0].years[:2]
    assert (second.gdp_bn / first.gdp_bn - 1) * 100 == pytest.approx(
        imf_nominal_growth("DEU", 2027), abs=1e-9
    )


def test_turkiyes_gdp_in_lira_rises_every_year(ds: Dataset) -> None:
    turkiye = ally_of(ds, "TUR")
    path = defence_path(ds, turkiye, TargetSpec(3.5), 2060, from_year=2014, currency=Currency.LCU)
    assert path.money == "TRY"
    lira = [y.gdp_bn for y in path.lines[0].years]
    assert all(b > a for a, b in itertools.pairwise(lira))
    # And from the edition's last year, with the IMF's figures (the case the issue saw fall in 2027).
    series = gdp_series(turkiye, LAST, 2060, dataset=ds)
    local = [p.local_bn for p in series.points]
    assert None not in local
    assert all(b > a for a, b in itertools.pairwise(local))  # type: ignore[operator]


@pytest.mark.parametrize("iso3", ARMED)
def test_the_first_projection_year_continues_the_editions_last(ds: Dataset, iso3: str) -> None:
    """2026 is NATO's; 2027 is NATO's 2026 national-currency GDP grown as the IMF's NGDP, so no break:
    in national currency exactly the IMF's growth, in US$ the IMF's growth within a point (NATO's 2026
    rate against the IMF's)."""
    series = gdp_series(ally_of(ds, iso3), LAST, LAST + 1, dataset=ds)
    last, first = series.points
    assert (last.kind, last.source) == ("estimate", "nato-2026-07")
    assert last.usd_bn == ds.nato_figure(iso3, LAST, "gdp_usd_m") / 1000  # type: ignore[operator]
    assert (first.kind, first.source) == ("projection", "imf-weo-2026-04-ngdp")
    assert last.local_bn is not None and first.local_bn is not None
    assert (first.local_bn / last.local_bn - 1) * 100 == pytest.approx(
        imf_nominal_growth(iso3, LAST + 1), abs=1e-9
    )
    years = raw_ally(RAW, iso3)["years"]
    imf_usd_growth = (years["2027"]["gdp"]["usd_bn"] / years["2026"]["gdp"]["usd_bn"] - 1) * 100
    assert abs((first.usd_bn / last.usd_bn - 1) * 100 - imf_usd_growth) <= 1.0, iso3


@PROPERTY
@given(
    iso3=st.sampled_from(ARMED),
    start=st.integers(min_value=2014, max_value=LAST),
    years=st.integers(min_value=1, max_value=40),
    currency=st.sampled_from([Currency.LCU, Currency.EUR]),
    growth=st.one_of(st.none(), st.floats(min_value=-5, max_value=30)),
)
def test_every_currency_is_the_same_gdp(
    ds: Dataset, iso3: str, start: int, years: int, currency: Currency, growth: float | None
) -> None:
    """A year's GDP in US$ times that year's rate is the same GDP in national currency (euros for a euro
    ally): the series and the conversions rest on the same rates; and GDP stays positive."""
    ally = ally_of(ds, iso3)
    series = gdp_series(ally, start, start + years, growth, dataset=ds)
    for point in series.points:
        assert point.usd_bn > 0
        rate = conversion(ds, ally, point.year, Currency.LCU)
        assert rate is not None and point.local_bn is not None
        assert point.usd_bn * rate.per_usd == pytest.approx(point.local_bn, rel=1e-12)
        if currency is Currency.EUR and iso3 in EURO_ALLIES:
            euro = conversion(ds, ally, point.year, currency)
            assert euro is not None and euro.per_usd == rate.per_usd
        assert point.assumed == ((growth is not None and point.year > start) or point.year > 2029)


def test_projections_state_their_assumptions(ds: Dataset) -> None:
    series = gdp_series(ally_of(ds, "POL"), LAST, 2035, dataset=ds)
    basis = series.growth_basis
    assert basis is not None
    assert "2027–2029 as the IMF's GDP in national currency grows [imf-weo-2026-04-ngdp]" in basis
    assert (
        "2030–2031 at the IMF's real growth and CPI inflation [imf-weo-2026-04-growth], an assumption"
        in basis
    )
    assert "from 2032" in basis and "the last rate (2030→2031), an assumption" in basis
    assert "implied exchange rates (NGDP ÷ NGDPD)" in basis
    given = gdp_series(ally_of(ds, "POL"), LAST, 2035, 2.0, dataset=ds).growth_basis
    assert given == "2% a year from 2026, as given with --growth (growth in national currency)"


# --- NATO's own money ----------------------------------------------------------------------------


@pytest.mark.parametrize("prices", list(Prices))
@pytest.mark.parametrize("iso3", ["POL", "ALB", "MKD", "USA", "NLD"])
def test_gap_money_is_natos_own_in_the_editions_years(ds: Dataset, prices: Prices, iso3: str) -> None:
    priced = ds.for_prices(prices.value)
    suffix = "_2021_m" if prices is Prices.CONSTANT else "_m"
    for year in (2014, 2024, LAST):
        gaps = ally_gaps(priced, ally_of(priced, iso3), year, (TargetSpec(3.5),))
        assert gaps.gdp is not None and gaps.share is not None and gaps.spending_usd_bn is not None
        assert gaps.gdp.usd_bn == ds.nato_figure(iso3, year, f"gdp_usd{suffix}") / 1000  # type: ignore[operator]
        assert gaps.spending_usd_bn == ds.nato_figure(iso3, year, f"spending_usd{suffix}") / 1000  # type: ignore[operator]
        assert gaps.gdp.source == "nato-2026-07"
        assert gaps.spending_source == "NATO's own figure [nato-2026-07]"
        assert gaps.rows[0].gap_usd_bn == pytest.approx((3.5 - gaps.share.pct) / 100 * gaps.gdp.usd_bn)
        if prices is Prices.CONSTANT:
            # NATO's share is constant-price spending over constant-price GDP: spending is share × GDP
            # within the share's rounding (and NATO's rounding to US$ millions for the smallest).
            assert gaps.spending_usd_bn == pytest.approx(gaps.share.pct / 100 * gaps.gdp.usd_bn, rel=0.02)


def test_albania_and_north_macedonia_have_national_currency_money(ds: Dataset) -> None:
    for iso3, code in (("ALB", "ALL"), ("MKD", "MKD")):
        gaps = ally_gaps(ds, ally_of(ds, iso3), 2024, (TargetSpec(2.0),))
        rate = conversion(ds, gaps.ally, 2024, Currency.LCU)
        assert rate is not None and rate.code == code and rate.method == "nato"
        lcu = ds.nato_figure(iso3, 2024, "spending_lcu_m")
        assert lcu is not None and gaps.spending_usd_bn is not None
        assert rate.convert(gaps.spending_usd_bn) == pytest.approx(lcu / 1000, rel=1e-12)


def test_constant_prices_use_2021_rates_and_real_growth(ds: Dataset) -> None:
    constant = ds.for_prices("constant")
    assert constant.prices == "constant" and ds.prices == "current"
    germany = ally_of(constant, "DEU")
    rates = {conversion(constant, germany, year, Currency.EUR) for year in (2014, 2026, 2040)}
    assert len({(r.per_usd, r.rate_year) for r in rates if r is not None}) == 1
    series = gdp_series(germany, LAST, 2033, dataset=constant)
    assert series.points[0].usd_bn == ds.nato_figure("DEU", LAST, "gdp_usd_2021_m") / 1000  # type: ignore[operator]
    years = raw_ally(RAW, "DEU")["years"]
    for before, now in itertools.pairwise(series.points):
        real = years[str(min(now.year, 2031))]["growth"]["real_pct"]
        assert (now.usd_bn / before.usd_bn - 1) * 100 == pytest.approx(real, abs=1e-9)
    assert series.growth_basis is not None and "constant 2021 US$" in series.growth_basis


def test_constant_prices_need_natos_tables(ds: Dataset) -> None:
    with pytest.raises(SpendcalcError, match="nato-2025-08 has no constant-price tables"):
        ds.for_edition("nato-2025-08").for_prices("constant")
    with pytest.raises(SpendcalcError, match="give current or constant"):
        ds.for_prices("real")
    assert ds.for_prices("current") is ds


def test_iceland_has_gdp_only_the_residual_of_natos_total(ds: Dataset) -> None:
    iceland = ally_of(ds, "ISL")
    for year in (2014, 2024, LAST):
        money = nato_money(ds, iceland, year)
        assert money is not None and money.residual and money.spending_usd_bn is None
        allies = [a.iso3 for a in ds.allies if a.has_armed_forces and a.joined <= year]
        total = ds.nato_figure("NATO_TOTAL", year, "gdp_usd_m")
        assert total is not None
        others = math.fsum(ds.nato_figure(a, year, "gdp_usd_m") or 0.0 for a in allies)
        assert money.gdp_usd_bn == pytest.approx((total - others) / 1000, rel=1e-12)
        # Its own IMF/World Bank GDP, within 10%: the residual is Iceland's GDP, not rounding noise.
        recorded = iceland.gdp(year)
        assert recorded is not None and money.gdp_usd_bn == pytest.approx(recorded.usd_bn, rel=0.1)
    # Before 2014 NATO's tables have nothing: nothing is derived.
    assert nato_money(ds, iceland, 2013) is None


# --- the command line: --prices ------------------------------------------------------------------


def test_prices_constant_on_the_command_line() -> None:
    document = json.loads(ok("--prices", "constant", "gap", "POL", "--year", "2024", "-f", "json"))
    assert document["metadata"]["prices"] == "constant"
    assert "constant 2021 prices" in document["metadata"]["money"]
    record = document["rows"][0]
    assert record["gdp_usd_bn"] == pytest.approx(nato_bn("POL", 2024, "gdp_usd_2021_m"), rel=1e-11)
    assert record["spending_usd_bn"] == pytest.approx(nato_bn("POL", 2024, "spending_usd_2021_m"), rel=1e-11)
    current = json.loads(ok("gap", "POL", "--year", "2024", "-f", "json"))
    assert current["metadata"]["prices"] == "current"
    assert current["rows"][0]["spending_usd_bn"] == pytest.approx(
        nato_bn("POL", 2024, "spending_usd_m"), rel=1e-11
    )
    # From the environment too, and for every command that shows money.
    table = ok("history", "DEU", "--from", "2024", env={"SPENDCALC_PRICES": "constant"})
    assert "Money at constant 2021 prices" in " ".join(table.split())
    for command in (["compare"], ["path", "DEU", "-t", "3.5", "--by", "2030"], ["share"], ["pledges", "GBR"]):
        assert "constant 2021 prices" in " ".join(ok("--prices", "constant", *command).split()), command


def test_prices_errors_on_the_command_line() -> None:
    wrong = invoke("--prices", "real", "gap", "POL")
    assert wrong.exit_code == 2 and "real" in wrong.stderr
    old = invoke("--edition", "nato-2025-08", "--prices", "constant", "gap", "POL")
    assert old.exit_code == 1 and old.stdout == ""
    assert old.stderr.count("\n") == 1 and "no constant-price tables" in old.stderr


def nato_bn(code: str, year: int, metric: str) -> float:
    return raw_nato(RAW, code, year, metric) / 1000


def test_equipment_money_follows_the_prices(ds: Dataset) -> None:
    from spendcalc.domain.equipment import equipment_check

    for prices, metric in (("current", "spending_usd_m"), ("constant", "spending_usd_2021_m")):
        check = equipment_check(ds.for_prices(prices), 2024)
        poland = next(r for r in check.allies if r.iso3 == "POL")
        assert poland.spending_usd_bn == pytest.approx(nato_bn("POL", 2024, metric), rel=1e-12)


def test_rates_that_do_not_exist_are_none(ds: Dataset) -> None:
    from spendcalc.domain.money import imf_rate, nato_rate

    poland, iceland = ally_of(ds, "POL"), ally_of(ds, "ISL")
    assert nato_rate(ds, poland, 2013) is None  # before NATO's tables
    assert nato_rate(ds, None, 2024) is None  # national currency of no ally
    assert nato_rate(ds, iceland, 2024) is None  # not in NATO's tables
    assert nato_rate(ds.for_edition("nato-2025-08"), poland, 2024) is None  # an edition without tables
    assert imf_rate(ds, poland, 2035) is None and imf_rate(ds, None, 2024) is None
    constant = ds.for_prices("constant")
    assert conversion(constant, iceland, 2024, Currency.LCU) is None
    usa = conversion(constant, ally_of(constant, "USA"), 2030, Currency.LCU)
    assert usa is not None and (usa.code, usa.per_usd) == ("USD", 1.0)


def test_gdp_without_a_dataset_is_the_imfs_path(ds: Dataset) -> None:
    """The library call without a dataset: no NATO tables, the IMF's figures and implied rates."""
    poland = ally_of(ds, "POL")
    series = gdp_series(poland, 2025, 2033)
    assert series.points[0].source == "imf-weo-2026-04"
    with_data = gdp_series(poland, 2025, 2033, dataset=ds.for_edition("nato-2025-08"))
    for bare, full in zip(series.points, with_data.points, strict=True):
        assert bare.usd_bn == pytest.approx(full.usd_bn, rel=1e-12)
        assert bare.local_bn == pytest.approx(full.local_bn, rel=1e-12)


def test_gdp_without_a_national_currency_rate_grows_in_dollars(ds: Dataset) -> None:
    """Albania in 2020 under an edition without NATO's tables has no rate (no ECB lek): its GDP is grown in
    US$, at the stated rate."""
    old = ds.for_edition("nato-2025-08")
    series = gdp_series(ally_of(old, "ALB"), 2020, 2023, 3.0, dataset=old)
    assert all(p.local_bn is None for p in series.points)
    assert series.points[-1].usd_bn == pytest.approx(series.points[0].usd_bn * 1.03**3, rel=1e-12)
    recorded = gdp_series(ally_of(old, "ALB"), 2020, 2026, dataset=old)
    assert [p.local_bn is None for p in recorded.points] == [True] * 4 + [False] * 3


@pytest.mark.parametrize(
    "command",
    [
        ("compare", "-t", "3.5"),
        ("gap", "DEU"),
        ("history", "POL", "--from", "2024"),
        ("scenario", "run", "hague-core-2035"),
        ("share",),
    ],
)
def test_tables_at_constant_prices_say_2021_dollars(command: tuple[str, ...]) -> None:
    """Every dollar label above a table's rule (summary lines, title, headers) says '2021 US$' at constant
    prices, and current prices keep plain 'US$'; CSV field names stay the same."""

    def head(text: str) -> str:
        return text.split("───", 1)[0]

    current_dollars = re.compile(r"(?<!2021 )US\$")
    constant = head(ok("--prices", "constant", *command))
    current = head(ok(*command))
    assert "2021 US$" in constant and "2021 2021" not in constant
    assert current_dollars.search(constant) is None, constant
    assert current_dollars.search(current) is not None, current
    assert (
        ok("--prices", "constant", *command, "-f", "csv").splitlines()[0]
        == ok(*command, "-f", "csv").splitlines()[0]
    )


@pytest.mark.parametrize("prices", list(Prices))
def test_conversions_of_many_years_are_each_years_conversion(prices: Prices) -> None:
    """`conversions` looks a shared rate up once; every year's result is still `conversion`'s, for every
    ally (and for none, in euros), in euros and national currency, at both prices, through 2060."""
    from spendcalc.domain.currency import conversion, conversions

    dataset = load_dataset().for_prices(prices.value)
    years = list(range(2014, 2061))
    for ally in [*dataset.allies, None]:
        for currency in (Currency.EUR, Currency.LCU, Currency.USD):
            assert conversions(dataset, ally, years, currency) == tuple(
                conversion(dataset, ally, year, currency) for year in years
            ), (ally.iso3 if ally else None, currency)


def test_memos_keep_only_a_few_datasets_alive(dataset: Dataset) -> None:
    """A long-lived program that loads or derives many datasets: the domain's memos hold a few, not all."""
    from spendcalc.domain import money
    from spendcalc.domain.scenarios import built_in, run_scenario
    from spendcalc.domain.scenarios import run as scenario_run

    copies = [dataset.for_prices("constant").for_prices("current") for _ in range(30)]
    for copy in copies:
        run_scenario(copy, built_in("status-quo", copy), "baltic", 2028)
    assert len(money._TABLES) <= money._DATASETS_KEPT and len(money._MAX_IMF_YEAR) <= money._DATASETS_KEPT
    assert len(scenario_run._SERIES) <= scenario_run._SERIES_LIMIT
    remembered = {id(entry[0]) for entry in money._TABLES.values()}
    assert remembered <= {id(copy) for copy in copies[-money._DATASETS_KEPT :]}  # the latest few only
