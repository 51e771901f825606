"""Unit and property tests of spendcalc.core (and the export records built on it)."""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spendcalc import core
from spendcalc.core import AllyGaps, SortKey, Status, TargetSpec
from spendcalc.data.schema import Ally, Dataset
from spendcalc.domain.countries import fold
from spendcalc.errors import SpendcalcError, UsageError
from spendcalc.output.formats import CsvFormatter, JsonFormatter, exported_number
from spendcalc.reports import compare as compare_reports
from spendcalc.reports import gap as gap_reports
from spendcalc.reports import model as report

FIXED_TIME = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def ally(dataset: Dataset, iso3: str) -> Ally:
    return next(a for a in dataset.allies if a.iso3 == iso3)


def specs(dataset: Dataset, *texts: str) -> tuple[TargetSpec, ...]:
    return core.parse_targets(texts, dataset.targets)


def nato_gdp(dataset: Dataset, iso3: str, year: int, metric: str = "gdp_usd_m") -> float:
    value = dataset.nato_figure(iso3, year, metric)
    assert value is not None
    return value / 1000


def independent_share(dataset: Dataset, year: int, exclude: frozenset[str] = frozenset()) -> float:
    """NATO's way, straight from its tables: Σ constant-2021 spending / Σ constant-2021 GDP over that
    year's allies, Iceland's GDP (NATO's total less the allies') counted as NATO counts it."""
    spending = gdp = 0.0
    allies = [a for a in dataset.allies if a.joined <= year and a.has_armed_forces]
    for a in allies:
        if a.iso3 not in exclude:
            spending += nato_gdp(dataset, a.iso3, year, "spending_usd_2021_m")
            gdp += nato_gdp(dataset, a.iso3, year, "gdp_usd_2021_m")
    iceland = nato_gdp(dataset, "NATO_TOTAL", year, "gdp_usd_2021_m") - math.fsum(
        nato_gdp(dataset, a.iso3, year, "gdp_usd_2021_m") for a in allies
    )
    assert 20 < iceland < 32  # US$ bn at 2021 prices
    return spending / (gdp + iceland) * 100


# --- parse_target --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2", 2.0), ("2.5", 2.5), ("2.5%", 2.5), ("2,5", 2.5), (" 3.5 ", 3.5), ("3,5 %", 3.5), ("100", 100.0)],
)
def test_parse_target_numbers(text: str, expected: float) -> None:
    spec = core.parse_target(text)
    assert spec.share_pct == expected
    assert spec.id is None
    assert spec.label is None
    assert spec.name == f"{core.format_pct(expected)}%"


def test_parse_target_name_is_shortest_form() -> None:
    assert core.parse_target("2").name == "2%"
    assert core.parse_target("2.50").name == "2.5%"
    assert core.parse_target("3,25%").name == "3.25%"


@pytest.mark.parametrize(
    ("text", "share"),
    [("hague-core", 3.5), ("hague-5pct", 5.0), ("nato-2pct", 2.0), ("  HAGUE-CORE ", 3.5)],
)
def test_parse_target_ids(dataset: Dataset, text: str, share: float) -> None:
    spec = core.parse_target(text, dataset.targets)
    target = next(t for t in dataset.targets if t.id == text.strip().lower())
    assert spec.share_pct == share == target.share_pct
    assert spec.id == target.id
    assert spec.label == target.label
    assert spec.name == target.id


@pytest.mark.parametrize("text", ["abc", "-1", "0", "101", "nan", "inf", "-inf", "", "2.5.1", "%"])
def test_parse_target_rejects(dataset: Dataset, text: str) -> None:
    with pytest.raises(UsageError) as caught:
        core.parse_target(text, dataset.targets)
    assert repr(text) in caught.value.message


def test_parse_target_rejects_share_of_defence_expenditure(dataset: Dataset) -> None:
    with pytest.raises(UsageError, match="share of defence expenditure"):
        core.parse_target("equipment-20pct", dataset.targets)


def test_parse_target_unknown_id_lists_the_gdp_ids(dataset: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        core.parse_target("hague-core2", dataset.targets)
    assert "hague-core" in caught.value.message
    assert "equipment-20pct" not in caught.value.message


def test_parse_targets_keeps_order_and_drops_repeats(dataset: Dataset) -> None:
    parsed = core.parse_targets(["3.5", "2", "3,5%", "2.0", "hague-core", "hague-5pct"], dataset.targets)
    # The same share given twice, by number or by id, is one target: the first form given wins.
    assert [(t.share_pct, t.id) for t in parsed] == [(3.5, None), (2.0, None), (5.0, "hague-5pct")]


def test_targets_that_read_alike_are_one_target(dataset: Dataset) -> None:
    """Two shares that differ only past the ten digits a target is named with are one target, the first
    as given: no table, CSV or JSON column could tell them apart (hypothesis found the crash: 'fields
    declared twice: gap_0.01%')."""
    parsed = core.parse_targets(["0.01", "0.010000000000000002", "2", "2.00000000001", "2.0001"])
    assert [t.share_pct for t in parsed] == [0.01, 2.0, 2.0001]
    comparison = core.compare_allies(dataset, 2025, core.parse_targets(["0.01", "0.010000000000000002"]))
    report = compare_reports.export_report(dataset, comparison, FIXED_TIME)
    assert {record["target"] for record in report.records} == {"0.01%"}


# --- resolve_country -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("pol", "POL"),
        ("PL", "POL"),
        ("Poland", "POL"),
        ("UK", "GBR"),
        ("Turkey", "TUR"),
        ("Türkiye", "TUR"),
        ("turkiye", "TUR"),
        ("TÜRKİYE", "TUR"),
        ("united states", "USA"),
        ("US", "USA"),
        ("USA", "USA"),
        ("u.s.", "USA"),
        ("Czech Republic", "CZE"),
        ("Czechia", "CZE"),
        ("  holland ", "NLD"),
        ("ger", "DEU"),
        # Names in other languages, and the nations of the United Kingdom.
        ("England", "GBR"),
        ("scotland", "GBR"),
        ("Wales", "GBR"),
        ("Deutschland", "DEU"),
        ("deutsch", "DEU"),
        ("Allemagne", "DEU"),
        ("España", "ESP"),
        ("espana", "ESP"),
        ("Nederland", "NLD"),
        ("Polska", "POL"),
        ("Sverige", "SWE"),
        # Two letters: an ISO2 code first, else a unique start of a name.
        ("sw", "SWE"),
        ("sp", "ESP"),
        ("ge", "DEU"),
        ("si", "SVN"),
        ("sk", "SVK"),
        ("es", "ESP"),
    ],
)
def test_resolve_country(dataset: Dataset, text: str, iso3: str) -> None:
    assert core.resolve_country(dataset, text).iso3 == iso3


def test_resolve_country_unknown_suggests(dataset: Dataset) -> None:
    with pytest.raises(SpendcalcError) as caught:
        core.resolve_country(dataset, "portgal")
    message = caught.value.message
    assert "unknown country 'portgal'" in message
    assert "did you mean Portugal" in message


def test_resolve_country_unknown_without_suggestion(dataset: Dataset) -> None:
    with pytest.raises(SpendcalcError, match="unknown country 'zzzzqq'; see `spendcalc countries`"):
        core.resolve_country(dataset, "zzzzqq")


def test_resolve_country_ambiguous_prefix(dataset: Dataset) -> None:
    with pytest.raises(SpendcalcError) as caught:
        core.resolve_country(dataset, "slov")
    message = caught.value.message
    assert "ambiguous" in message
    assert "Slovakia" in message
    assert "Slovenia" in message


@pytest.mark.parametrize(
    ("text", "name"),
    [("Austria", "Austria"), ("ukraine", "Ukraine"), ("IRELAND", "Ireland"), ("Schweiz", "Schweiz")],
)
def test_resolve_country_not_an_ally(dataset: Dataset, text: str, name: str) -> None:
    with pytest.raises(SpendcalcError, match=rf"^{name} is not a NATO ally; see `spendcalc countries`$"):
        core.resolve_country(dataset, text)


@pytest.mark.parametrize("text", ["sl", "un", "po"])
def test_resolve_country_two_letters_ambiguous(dataset: Dataset, text: str) -> None:
    with pytest.raises(SpendcalcError, match=rf"country '{text}' is ambiguous: did you mean \w"):
        core.resolve_country(dataset, text)


def test_resolve_country_typo_of_another_name_suggests_the_ally(dataset: Dataset) -> None:
    with pytest.raises(SpendcalcError, match="did you mean United Kingdom"):
        core.resolve_country(dataset, "Englnd")


def test_other_names_never_shadow_an_ally_of_the_dataset(dataset: Dataset) -> None:
    """A dataset's own names win: were 'England' an ally of its own, it would be found as itself."""
    england = dataset.allies[0].model_copy(update={"name": "England", "iso3": "ENG", "iso2": "EN"})
    own = dataset.model_copy(update={"allies": (*dataset.allies, england)})
    assert core.resolve_country(own, "England").iso3 == "ENG"
    assert core.resolve_country(own, "Wales").iso3 == "GBR"


@pytest.mark.parametrize("text", ["", "   ", "."])
def test_resolve_country_empty(dataset: Dataset, text: str) -> None:
    with pytest.raises(SpendcalcError, match="country is empty"):
        core.resolve_country(dataset, text)


# --- years ---------------------------------------------------------------------------------------


def test_default_year(dataset: Dataset) -> None:
    assert core.default_year(dataset) == 2026
    assert core.default_year(dataset.for_edition("nato-2025-08")) == 2024  # nine allies lack 2025 there


def test_default_year_is_latest_year_every_armed_ally_has(dataset: Dataset) -> None:
    armed = [a for a in dataset.allies if a.has_armed_forces]
    year = core.default_year(dataset)
    assert all(a.share(year) is not None for a in armed)
    assert not all(a.share(year + 1) is not None for a in armed)


@pytest.mark.parametrize("year", [2013, 2027, 1999, 2100])
def test_check_year_rejects_years_without_shares(dataset: Dataset, year: int) -> None:
    with pytest.raises(SpendcalcError) as caught:
        core.check_year(dataset, year)
    ahead = (
        "; for years ahead, see `spendcalc path` (an ally) or `spendcalc scenario run` (a group)"
        if year > 2026
        else ""
    )
    assert caught.value.message == f"no defence shares for {year}; years with data: 2014–2026{ahead}"


@pytest.mark.parametrize("year", [2014, 2020, 2025, 2026])
def test_check_year_accepts(dataset: Dataset, year: int) -> None:
    assert core.check_year(dataset, year) == year


def test_year_span() -> None:
    assert core.year_span([]) == "none"
    assert core.year_span([2024]) == "2024"
    assert core.year_span([2014, 2015, 2016]) == "2014–2016"
    assert core.year_span([2014, 2016]) == "2014, 2016"


# --- one ally ------------------------------------------------------------------------------------

# Poland 2025 in the August 2025 edition, from data/sources: share 4.48 % (defence_share_of_gdp.csv,
# nato-2025-08, estimate),
# GDP US$ 1035.586 bn (gdp_usd.csv, imf-weo-2026-04, estimate), population 36.497 m (population.csv).
POL_SHARE_2025 = 4.48
POL_GDP_2025 = 1035.586
POL_POP_2025 = 36.497


def test_ally_gaps_poland_2025(dataset: Dataset) -> None:
    targets = specs(dataset, "3.5", "5")
    august = dataset.for_edition("nato-2025-08")
    gaps = core.ally_gaps(august, ally(august, "POL"), 2025, targets)
    assert gaps.status is Status.OK
    assert gaps.share is not None
    assert gaps.share.pct == POL_SHARE_2025
    assert gaps.share.estimate is True
    assert gaps.share.source == "nato-2025-08"
    assert not gaps.share.user_supplied
    assert gaps.gdp is not None
    assert gaps.gdp.usd_bn == POL_GDP_2025
    assert gaps.gdp.source == "imf-weo-2026-04"
    assert gaps.spending_usd_bn is not None
    assert math.isclose(gaps.spending_usd_bn, POL_SHARE_2025 / 100 * POL_GDP_2025, rel_tol=1e-12)
    assert math.isclose(gaps.spending_usd_bn, 46.3942528, rel_tol=1e-9)  # 4.48 × 1035.586 / 100 by hand
    below, above = gaps.rows
    assert math.isclose(below.gap_pp, -0.98, abs_tol=1e-12)
    assert below.meets
    assert below.gap_usd_bn is not None
    assert math.isclose(below.gap_usd_bn, -0.98 / 100 * POL_GDP_2025, rel_tol=1e-9)
    assert math.isclose(above.gap_pp, 0.52, abs_tol=1e-12)
    assert not above.meets
    assert above.gap_usd_bn is not None
    assert above.gap_usd_per_capita is not None
    assert math.isclose(above.gap_usd_bn, 0.52 / 100 * POL_GDP_2025, rel_tol=1e-9)
    assert math.isclose(
        above.gap_usd_per_capita, above.gap_usd_bn * 1e9 / (POL_POP_2025 * 1e6), rel_tol=1e-12
    )
    assert gaps.row(targets[1]) == above  # the same figures (each row is made when read)


def test_gap_entry_point_matches_ally_gaps(dataset: Dataset) -> None:
    via_gap = core.gap(dataset, "Poland", ["3.5", "5"])
    direct = core.ally_gaps(dataset, ally(dataset, "POL"), 2026, specs(dataset, "3.5", "5"))
    assert via_gap == direct
    assert core.gap(dataset, "pl", ["hague-core"], year=2024).rows[0].target.id == "hague-core"


def test_gap_default_targets_and_year(dataset: Dataset) -> None:
    gaps = core.gap(dataset, "POL")
    assert gaps.year == 2026
    assert [r.target.share_pct for r in gaps.rows] == [2.0, 2.5, 3.5, 5.0]
    assert [r.meets for r in gaps.rows] == [True, True, True, False]  # 4.68 % in 2026 (core defence)


def test_gap_checks_the_year(dataset: Dataset) -> None:
    with pytest.raises(SpendcalcError, match="no defence shares for 2030"):
        core.gap(dataset, "POL", ["2"], year=2030)


def test_iceland_has_no_armed_forces(dataset: Dataset) -> None:
    gaps = core.ally_gaps(dataset, ally(dataset, "ISL"), 2025, specs(dataset, "2", "3.5"))
    assert gaps.status is Status.NO_ARMED_FORCES
    assert gaps.rows == ()
    assert gaps.share is None
    assert gaps.share is None
    assert gaps.spending_usd_bn is None
    assert gaps.gdp is not None  # its GDP is still known and shown
    assert gaps.row(specs(dataset, "2")[0]) is None


def test_iceland_excluded_from_totals_and_counts(dataset: Dataset) -> None:
    comparison = core.compare_allies(dataset, 2025, specs(dataset, "2", "3.5"))
    armed = [a.iso3 for a in dataset.allies if a.has_armed_forces]
    nato, europe = comparison.totals
    assert nato.excluded == ("ISL",)
    assert europe.excluded == ("ISL",)
    assert "ISL" not in nato.members
    assert "ISL" not in comparison.spending_shares
    assert sorted(nato.members) == sorted(armed)
    assert all(r.members_counted == len(armed) == 31 for r in nato.rows)
    assert all(r.members_counted == 30 for r in europe.rows)
    # Iceland's GDP counts in the totals' GDP, as in NATO's: NATO's total is the allies' and Iceland's.
    assert nato.gdp_only == europe.gdp_only == ("ISL",)
    assert math.isclose(nato.gdp_usd_bn, nato_gdp(dataset, "NATO_TOTAL", 2025), rel_tol=1e-12)
    armed_gdp = math.fsum(nato_gdp(dataset, a, 2025) for a in armed)
    assert 30 < nato.gdp_usd_bn - armed_gdp < 45


def test_current_what_if(dataset: Dataset) -> None:
    targets = specs(dataset, "3.5")
    gaps = core.ally_gaps(dataset, ally(dataset, "POL"), 2025, targets, current_pct=2.0)
    assert gaps.share is not None
    assert gaps.share.pct == 2.0
    assert gaps.share.user_supplied
    assert gaps.share.source is None
    assert gaps.share.estimate is False
    assert gaps.status is Status.OK
    assert gaps.spending_usd_bn is not None
    # A share given by hand prices on NATO's GDP: share × GDP, not NATO's spending.
    assert math.isclose(gaps.spending_usd_bn, 0.02 * nato_gdp(dataset, "POL", 2025), rel_tol=1e-12)
    assert gaps.rows[0].gap_pp == 1.5
    assert not gaps.rows[0].meets
    via_gap = core.gap(dataset, "POL", ["3.5"], year=2025, current_pct=2.0)
    assert via_gap == gaps
    records = gap_reports.gap_records(gaps, targets)
    assert records[0]["share_source"] == "user-supplied"


def test_current_what_if_for_iceland_is_an_error(dataset: Dataset) -> None:
    with pytest.raises(SpendcalcError, match="Iceland has no armed forces"):
        core.ally_gaps(dataset, ally(dataset, "ISL"), 2025, specs(dataset, "2"), current_pct=1.0)


@pytest.mark.parametrize("current", [-0.1, 100.5, math.nan, math.inf])
def test_current_out_of_range_is_usage_error(dataset: Dataset, current: float) -> None:
    with pytest.raises(UsageError):
        core.ally_gaps(dataset, ally(dataset, "POL"), 2025, specs(dataset, "2"), current_pct=current)


def test_no_gdp_status(tiny_dataset_dict: dict[str, Any]) -> None:
    del tiny_dataset_dict["allies"][1]["years"]["2025"]["gdp"]
    data = Dataset.model_validate(tiny_dataset_dict)
    targets = (TargetSpec(2.0),)
    gaps = core.ally_gaps(data, ally(data, "BET"), 2025, targets)
    assert gaps.status is Status.NO_GDP
    assert gaps.spending_usd_bn is None
    assert all(r.gap_usd_bn is None for r in gaps.rows)
    total = core.compare_allies(data, 2025, targets).totals[0]
    assert total.members == ("ALP",)
    assert set(total.excluded) == {"BET", "ICE"}


def test_no_share_status(tiny_dataset_dict: dict[str, Any]) -> None:
    del tiny_dataset_dict["allies"][1]["years"]["2025"]["shares"][-1]
    data = Dataset.model_validate(tiny_dataset_dict)
    gaps = core.ally_gaps(data, ally(data, "BET"), 2025, (TargetSpec(2.0),))
    assert gaps.status is Status.NO_SHARE
    assert gaps.rows == ()
    assert gaps.share is None


# --- groups --------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2014, 2019, 2023, 2024, 2025])
def test_totals_are_spending_over_gdp(dataset: Dataset, year: int) -> None:
    targets = specs(dataset, "2", "3.5", "5")
    comparison = core.compare_allies(dataset, year, targets)
    nato, europe = comparison.totals
    assert nato.name == "NATO"
    assert europe.name == "Europe and Canada"
    assert math.isclose(nato.share_pct, independent_share(dataset, year), rel_tol=1e-12)
    assert math.isclose(europe.share_pct, independent_share(dataset, year, frozenset({"USA"})), rel_tol=1e-12)
    for total in (nato, europe):
        counted = [ally(dataset, iso3) for iso3 in total.members]
        for row in total.rows:
            assert math.isclose(row.gap_pp, row.target.share_pct - total.share_pct, abs_tol=1e-12)
            assert math.isclose(row.gap_usd_bn, row.gap_pp / 100 * total.gdp_usd_bn, rel_tol=1e-9)
            shares = [s.pct for a in counted if (s := a.share(year))]
            assert row.members_meeting == sum(1 for s in shares if s >= row.target.share_pct)
            assert row.members_counted == len(counted)
            shortfall = math.fsum(
                (row.target.share_pct - s.pct) / 100 * nato_gdp(dataset, a.iso3, year)
                for a in counted
                if (s := a.share(year)) and s.pct < row.target.share_pct
            )
            assert math.isclose(row.shortfall_usd_bn, shortfall, rel_tol=1e-9, abs_tol=1e-9)
            # Signed, surpluses offset shortfalls: gross ≥ net over the same weights (current GDP). The
            # net gap is the group's GDP times NATO's gap, whose share weighs members by constant-2021
            # GDP (and counts Iceland's GDP): the two nets differ by that weighting, under 0.1 point.
            signed = math.fsum(
                (row.target.share_pct - s.pct) / 100 * nato_gdp(dataset, a.iso3, year)
                for a in counted
                if (s := a.share(year))
            )
            assert row.shortfall_usd_bn >= signed - 1e-9
            assert abs(row.gap_usd_bn - signed) <= 0.1 / 100 * total.gdp_usd_bn


def test_europe_and_canada_excludes_usa(dataset: Dataset) -> None:
    nato, europe = core.compare_allies(dataset, 2025, specs(dataset, "2")).totals
    assert "USA" in nato.members
    assert "USA" not in europe.members
    assert "USA" not in europe.excluded
    assert "CAN" in europe.members
    assert set(nato.members) - set(europe.members) == {"USA"}
    assert math.isclose(nato.gdp_usd_bn - europe.gdp_usd_bn, nato_gdp(dataset, "USA", 2025), rel_tol=1e-9)


def test_spending_shares_sum_to_100(dataset: Dataset) -> None:
    comparison = core.compare_allies(dataset, 2024, specs(dataset, "2"))
    assert math.isclose(sum(comparison.spending_shares.values()), 100.0, rel_tol=1e-12)
    expected = nato_gdp(dataset, "USA", 2024, "spending_usd_m") / comparison.totals[0].spending_usd_bn * 100
    assert math.isclose(comparison.spending_shares["USA"], expected, rel_tol=1e-12)


def test_group_total_with_no_counted_member_is_an_error(dataset: Dataset) -> None:
    iceland = core.ally_gaps(dataset, ally(dataset, "ISL"), 2025, ())
    with pytest.raises(SpendcalcError, match="no ally has both a share and GDP"):
        core.group_total("Iceland only", [iceland], ())


def test_only_below(dataset: Dataset) -> None:
    targets = specs(dataset, "3.5", "2")  # the lowest target (2) decides, not the first
    full = core.compare_allies(dataset, 2024, targets)
    below = core.compare_allies(dataset, 2024, targets, only_below=True)
    expected = {a.iso3 for a in dataset.allies if (s := a.share(2024)) and s.pct < 2.0}
    assert expected  # 2024 has allies below 2 %
    assert {g.ally.iso3 for g in below.allies} == expected
    assert "ISL" not in expected
    assert below.totals == full.totals  # totals always cover every ally
    assert below.spending_shares == full.spending_shares


def test_only_below_without_targets_filters_nothing(dataset: Dataset) -> None:
    comparison = core.compare_allies(dataset, 2024, (), only_below=True)
    assert len(comparison.allies) == len(dataset.allies)


def _folded_names(allies: tuple[AllyGaps, ...]) -> list[str]:
    return [fold(g.ally.name) for g in allies]


def test_sort_by_name(dataset: Dataset) -> None:
    comparison = core.compare(dataset, ["2"], sort="name")
    names = [g.ally.name for g in comparison.allies]
    assert _folded_names(comparison.allies) == sorted(_folded_names(comparison.allies))
    assert names[0] == "Albania"
    assert names[-1] == "United States"
    # Accents do not send Türkiye to the end: it sorts as "turkiye".
    assert names.index("Sweden") < names.index("Türkiye") < names.index("United Kingdom")
    assert len(names) == len(dataset.allies)


@pytest.mark.parametrize("year", [2024, 2025])
def test_sort_by_share(dataset: Dataset, year: int) -> None:
    comparison = core.compare_allies(dataset, year, specs(dataset, "2"), SortKey.SHARE)
    with_share = [g.share.pct for g in comparison.allies if g.share is not None]
    assert with_share == sorted(with_share, reverse=True)
    assert comparison.allies[0].share is not None
    top = max((s.pct, a.iso3) for a in dataset.allies if (s := a.share(year)))
    assert comparison.allies[0].share.pct == top[0]
    assert comparison.allies[-1].ally.iso3 == "ISL"  # n/a last
    for first, second in itertools.pairwise(comparison.allies[:-1]):
        assert first.share is not None
        assert second.share is not None
        if first.share.pct == second.share.pct:  # ties keep name order
            assert fold(first.ally.name) < fold(second.ally.name)


@pytest.mark.parametrize("year", [2024, 2025])
def test_sort_by_gap(dataset: Dataset, year: int) -> None:
    targets = specs(dataset, "3.5", "2")
    comparison = core.compare_allies(dataset, year, targets, SortKey.GAP)
    shown = [g for g in comparison.allies if g.share is not None]
    shares = [g.share.pct for g in shown if g.share is not None]
    assert shares == sorted(shares)  # lowest share first
    gaps = [r.gap_pp for g in shown if (r := g.row(targets[0]))]
    assert gaps == sorted(gaps, reverse=True)  # largest gap first
    assert comparison.allies[-1].ally.iso3 == "ISL"  # n/a last
    # Ties keep name order.
    for first, second in itertools.pairwise(shown):
        assert first.share is not None
        assert second.share is not None
        if first.share.pct == second.share.pct:
            assert fold(first.ally.name) < fold(second.ally.name)


def test_compare_rejects_unknown_sort(dataset: Dataset) -> None:
    with pytest.raises(UsageError, match="bogus") as caught:
        core.compare(dataset, ["2"], sort="bogus")
    assert caught.value.option == "--sort"


# --- properties ----------------------------------------------------------------------------------

target_pcts = st.floats(min_value=0.01, max_value=100, allow_nan=False, allow_infinity=False)
years = st.integers(min_value=2014, max_value=2025)


@st.composite
def target_lists(draw: st.DrawFn) -> tuple[TargetSpec, ...]:
    values = draw(st.lists(target_pcts, min_size=1, max_size=4))
    return core.parse_targets([repr(v) for v in values])


@PROPERTY
@given(
    data=st.data(),
    year=years,
    targets=target_lists(),
    current=st.none() | st.floats(min_value=0, max_value=100),
)
def test_gap_money_is_gap_pp_times_gdp(
    dataset: Dataset, data: st.DataObject, year: int, targets: tuple[TargetSpec, ...], current: float | None
) -> None:
    chosen = data.draw(st.sampled_from([a for a in dataset.allies if a.has_armed_forces]))
    gaps = core.ally_gaps(dataset, chosen, year, targets, current_pct=current)
    assert gaps.gdp is not None
    assert gaps.share is not None
    assert len(gaps.rows) == len(targets)
    for row in gaps.rows:
        assert row.gap_usd_bn is not None
        assert math.isclose(row.gap_usd_bn, row.gap_pp * gaps.gdp.usd_bn / 100, rel_tol=1e-9, abs_tol=1e-12)
        assert math.isclose(row.gap_pp, row.target.share_pct - gaps.share.pct, rel_tol=1e-12, abs_tol=1e-12)
        assert row.meets == (row.gap_pp <= 0) == (gaps.share.pct >= row.target.share_pct)
        if row.gap_usd_per_capita is not None:
            assert (row.gap_usd_per_capita > 0) == (row.gap_pp > 0)


@PROPERTY
@given(share=st.floats(min_value=0, max_value=100), target=target_pcts)
def test_meets_iff_gap_not_positive(share: float, target: float) -> None:
    row = core.gap_row(TargetSpec(target), share, 100.0, 1.0)
    assert row.meets == (row.gap_pp <= 0)
    assert row.meets == (share >= target)


def synthetic_dataset(members: list[tuple[float, float]]) -> Dataset:
    """One ally per (share %, GDP US$ bn) pair, all for 2024."""
    allies = []
    for index, (share, gdp) in enumerate(members):
        code = f"{chr(65 + index // 26)}{chr(65 + index % 26)}"
        allies.append(
            {
                "iso3": f"X{code}",
                "iso2": code,
                "name": f"Ally {code}",
                "joined": 1949,
                "currency": "EUR",
                "has_armed_forces": True,
                "years": {
                    2024: {
                        "shares": [{"edition": "s", "pct": share, "estimate": False, "precision": 0.01}],
                        "gdp": {"usd_bn": gdp, "kind": "actual", "source": "s"},
                    }
                },
            }
        )
    source = {"id": "s", "title": "t", "publisher": "p", "published": "2025-01-01"}
    edition = {**source, "basis": "core defence", "first_year": 2024, "last_year": 2024, "latest": True}
    return Dataset.model_validate(
        {"schema_version": 2, "editions": [edition], "sources": [source], "targets": [], "allies": allies}
    )


def assert_between_min_and_max(total: core.GroupTotal, members: list[AllyGaps]) -> None:
    counted = [m.share for m in members if core.counts_in_totals(m) and m.share is not None]
    shares = [s.pct for s in counted]
    low, high = min(shares), max(shares)
    slack = 1e-12 * max(1.0, high)
    if total.real_share_pct is not None:
        # NATO's way: a mean of the exact ratios, of which the shares are NATO's rounding.
        slack += max(s.precision for s in counted) / 2 + 0.01 * high  # and NATO rounds small allies to US$ m
    # Iceland's GDP (no spending) lowers the share by its part of the group's GDP, a few in ten thousand.
    iceland = math.fsum(m.gdp.usd_bn for m in members if m.ally.iso3 in total.gdp_only and m.gdp)
    low *= 1 - 2 * iceland / total.gdp_usd_bn
    assert low - slack <= total.share_pct <= high + slack


@PROPERTY
@given(
    members=st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=100),
            st.floats(min_value=1e-3, max_value=1e5),
        ),
        min_size=1,
        max_size=12,
    ),
    targets=target_lists(),
)
def test_group_share_between_member_min_and_max_synthetic(
    members: list[tuple[float, float]], targets: tuple[TargetSpec, ...]
) -> None:
    data = synthetic_dataset(members)
    gaps = [core.ally_gaps(data, a, 2024, targets) for a in data.allies]
    total = core.group_total("group", gaps, targets)
    assert_between_min_and_max(total, gaps)
    assert total.members == tuple(a.iso3 for a in data.allies)
    for row in total.rows:
        assert 0 <= row.members_meeting <= row.members_counted == len(members)


@PROPERTY
@given(data=st.data(), year=years, targets=target_lists())
def test_group_share_between_member_min_and_max_real(
    dataset: Dataset, data: st.DataObject, year: int, targets: tuple[TargetSpec, ...]
) -> None:
    chosen = data.draw(st.lists(st.sampled_from(dataset.allies), min_size=1, unique_by=lambda a: a.iso3))
    gaps = [core.ally_gaps(dataset, a, year, targets) for a in chosen]
    # Only that year's allies with a share and GDP count (Sweden in 2014 does not).
    if not any(core.counts_in_totals(g) for g in gaps):
        with pytest.raises(SpendcalcError):
            core.group_total("group", gaps, targets)
        return
    total = core.group_total("group", gaps, targets)
    assert_between_min_and_max(total, gaps)
    assert set(total.members) | set(total.excluded) == {a.iso3 for a in chosen}


# --- export records round-trip -------------------------------------------------------------------


def assert_csv_cell_matches(cell: str, value: object) -> None:
    if value is None:
        assert cell == ""
    elif isinstance(value, bool):
        assert cell == ("true" if value else "false")
    elif isinstance(value, int):
        assert int(cell) == value
    elif isinstance(value, float):
        assert float(cell) == exported_number(value)  # to 12 significant digits, then exactly
    else:
        assert cell == value


def assert_round_trips(rep: report.Report) -> None:
    parsed = list(csv.reader(io.StringIO(CsvFormatter().format(rep))))
    assert tuple(parsed[0]) == rep.record_columns
    assert len(parsed) - 1 == len(rep.records)
    for cells, record in zip(parsed[1:], rep.records, strict=True):
        assert len(cells) == len(rep.record_columns)
        for cell, key in zip(cells, rep.record_columns, strict=True):
            assert_csv_cell_matches(cell, record[key])
    document = json.loads(JsonFormatter().format(rep))
    assert document["columns"] == list(rep.record_columns)
    assert len(document["rows"]) == len(rep.records)
    for row, record in zip(document["rows"], rep.records, strict=True):
        for key in rep.record_columns:
            value = record[key]
            assert row[key] == (exported_number(value) if type(value) is float else value)
            assert type(row[key]) is type(value)


@PROPERTY
@given(
    year=years,
    targets=target_lists(),
    sort=st.sampled_from(list(SortKey)),
    only_below=st.booleans(),
)
def test_export_records_round_trip(
    dataset: Dataset, year: int, targets: tuple[TargetSpec, ...], sort: SortKey, only_below: bool
) -> None:
    comparison = core.compare_allies(dataset, year, targets, sort, only_below)
    rep = compare_reports.export_report(dataset, comparison, FIXED_TIME)
    assert rep.record_columns == gap_reports.EXPORT_COLUMNS
    # A record per ally and target, then per group total (NATO, Europe and Canada) and target.
    assert len(rep.records) == (len(comparison.allies) + len(comparison.totals)) * len(targets)
    assert [r["group"] for r in rep.records].count(True) == len(comparison.totals) * len(targets)
    # The records are the in-memory results, unrounded.
    for record in rep.records:
        if record["group"]:
            total = next(t for t in comparison.totals if t.name == record["name"])
            group_row = next(r for r in total.rows if r.target.share_pct == record["target_pct"])
            assert record["gap_usd_bn"] == group_row.gap_usd_bn
            assert record["shortfall_usd_bn"] == group_row.shortfall_usd_bn
            assert record["spending_usd_bn"] == total.spending_usd_bn
            continue
        gaps = next(g for g in comparison.allies if g.ally.iso3 == record["iso3"])
        row = next((r for r in gaps.rows if r.target.share_pct == record["target_pct"]), None)
        assert record["gap_pp"] == (row.gap_pp if row else None)
        assert record["gap_usd_bn"] == (row.gap_usd_bn if row else None)
        assert record["spending_usd_bn"] == gaps.spending_usd_bn
    assert_round_trips(rep)
    document = json.loads(JsonFormatter().format(rep))
    totals = document["metadata"]["totals"]
    assert [t["share_pct"] for t in totals] == [t.share_pct for t in comparison.totals]
    assert document["metadata"]["generated"] == "2026-01-02T03:04:05+00:00"


@PROPERTY
@given(data=st.data(), targets=target_lists(), current=st.none() | st.floats(min_value=0, max_value=100))
def test_gap_records_round_trip(
    dataset: Dataset, data: st.DataObject, targets: tuple[TargetSpec, ...], current: float | None
) -> None:
    chosen = data.draw(st.sampled_from([a for a in dataset.allies if a.has_armed_forces]))
    gaps = core.ally_gaps(dataset, chosen, 2025, targets, current_pct=current)
    rep = gap_reports.gap_report(dataset, gaps, FIXED_TIME)
    assert_round_trips(rep)
    recorded = chosen.share(2025)
    assert recorded is not None
    expected = "user-supplied" if current is not None else recorded.source
    assert {r["share_source"] for r in rep.records} == {expected}


def test_iceland_records_are_missing_not_zero(dataset: Dataset) -> None:
    targets = specs(dataset, "2")
    gaps = core.ally_gaps(dataset, ally(dataset, "ISL"), 2025, targets)
    (record,) = gap_reports.gap_records(gaps, targets)
    assert record["share_pct"] is None
    assert record["gap_pp"] is None
    assert record["meets_target"] is None
    assert record["spending_usd_bn"] is None
    assert record["gdp_usd_bn"] is not None
    line = CsvFormatter().format(gap_reports.gap_report(dataset, gaps, FIXED_TIME)).splitlines()[1]
    assert line.startswith("ISL,Iceland,false,2025,true,,,")  # an ally (nato_member), with no share
