"""Scale (issue 12): the target cap counts every target of a command, indented and compact data files are
treated alike, and the keyed look-ups and caches give exactly what the plain scans gave. No timings here:
bench/scale.py measures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spendcalc.data import load as loader
from spendcalc.data.schema import Ally, Dataset
from spendcalc.domain.comparison import compare
from spendcalc.domain.gaps import AllyGaps, GapRow, Status, ally_gaps, gap_row, gap_rows
from spendcalc.domain.targets import MAX_SWEEP, TargetSpec, parse_targets
from spendcalc.domain.years import check_year, default_year, share_years
from spendcalc.errors import SpendcalcError, UsageError
from support import invoke

# --- the target cap ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "texts",
    [
        ["0.01:5:0.01"],  # one sweep of exactly 500
        ["0.01:2.5:0.01", "2.51:5:0.01"],  # 250 + 250
        ["2"] * MAX_SWEEP,  # 500 repeats of one target
        ["0.01:4.99:0.01", "5"],  # 499 + 1
    ],
)
def test_up_to_the_cap_in_all_is_accepted(texts: list[str]) -> None:
    assert 1 <= len(parse_targets(texts)) <= MAX_SWEEP


@pytest.mark.parametrize(
    "texts",
    [
        ["0.01:5:0.01", "6"],  # a sweep of 500 and one more
        ["0.01:3:0.01", "3.01:6:0.01"],  # two sweeps of 300: each under the cap, together over it
        ["0.01:5:0.01", "0.01:5:0.01"],  # the same sweep twice: repeats count too
        ["2"] * (MAX_SWEEP + 1),  # repeats of a single target
        ["7", "0.01:5:0.01"],  # one target, then a sweep of 500
    ],
)
def test_the_cap_counts_sweeps_and_repeats_together(texts: list[str]) -> None:
    with pytest.raises(UsageError, match=rf"at most {MAX_SWEEP}"):
        parse_targets(texts)


def test_the_cap_on_the_command_line_counts_every_target_option() -> None:
    result = invoke("compare", "-t", "0.01:3:0.01", "-t", "3.01:6:0.01")
    assert result.exit_code == 2
    assert f"at most {MAX_SWEEP} targets in all" in result.stderr
    assert invoke("compare", "-t", "0.01:2.5:0.01", "-t", "2.51:5:0.01", "-f", "csv").exit_code == 0


# --- the size limit: indented and compact alike -----------------------------------------------------------


def _forms(tmp_path: Path, data: dict[str, Any]) -> list[Path]:
    """The same data compact, indented as `spendcalc dataset` writes the bundled data, and indented by 4."""
    paths = []
    for name, text in (
        ("compact", json.dumps(data, separators=(",", ":"), ensure_ascii=False)),
        ("indent1", json.dumps(data, indent=1, ensure_ascii=False) + "\n"),
        ("indent4", json.dumps(data, indent=4, ensure_ascii=False) + "\r\n"),
    ):
        path = tmp_path / f"{name}.json"
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    return paths


def test_indented_and_compact_files_of_the_same_data_count_the_same(
    tmp_path: Path, tiny_dataset_dict: dict[str, Any]
) -> None:
    paths = _forms(tmp_path, tiny_dataset_dict)
    sizes = {path.stat().st_size for path in paths}
    assert len(sizes) == 3  # really different files
    assert len({loader.significant_bytes(path.read_bytes()) for path in paths}) == 1


def test_indented_and_compact_files_load_or_are_refused_alike(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tiny_dataset_dict: dict[str, Any]
) -> None:
    paths = _forms(tmp_path, tiny_dataset_dict)
    limit = loader.significant_bytes(paths[0].read_bytes())
    assert all(path.stat().st_size > limit for path in paths[1:])
    monkeypatch.setattr(loader, "MAX_DATA_BYTES", limit)
    loaded = [loader.load_dataset(path) for path in paths]
    assert loaded[1:] == loaded[:-1]
    monkeypatch.setattr(loader, "MAX_DATA_BYTES", limit - 1)
    for path in paths:
        with pytest.raises(SpendcalcError, match="data file is larger than the 0 MB limit"):
            loader.load_dataset(path)


def test_the_bundled_data_written_by_spendcalc_dataset_loads(tmp_path: Path) -> None:
    written = tmp_path / "copy.json"
    assert invoke("dataset", "--output", str(written)).exit_code == 0
    raw = written.read_bytes()
    assert loader.significant_bytes(raw) < len(raw)  # it is indented
    assert loader.load_dataset(written) == loader.parse_dataset(raw, "copy")


def test_duplicate_keys_are_still_rejected_deep_inside(
    tmp_path: Path, tiny_dataset_dict: dict[str, Any]
) -> None:
    text = json.dumps(tiny_dataset_dict).replace('"usd_bn":', '"usd_bn": 1, "usd_bn":', 1)
    path = tmp_path / "dup.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpendcalcError, match="duplicate key 'usd_bn' in a JSON object"):
        loader.load_dataset(path)


# --- keyed look-ups give what the scans gave --------------------------------------------------------------

shares = st.floats(min_value=0, max_value=100, allow_nan=False)
target_values = st.floats(min_value=0.01, max_value=100, allow_nan=False)
target_specs = st.builds(TargetSpec, target_values, st.sampled_from([None, "nato-2pct", "x"]))


@settings(max_examples=200, deadline=None)
@given(
    targets=st.lists(target_specs, max_size=30),
    extra=st.lists(target_specs, max_size=5),
    share=shares,
    gdp=st.none() | st.floats(min_value=1e-3, max_value=1e9, allow_nan=False),
    population=st.none() | st.floats(min_value=1e-6, max_value=1e5, allow_nan=False),
)
def test_rows_and_keyed_lookup_match_the_plain_scan(
    targets: list[TargetSpec],
    extra: list[TargetSpec],
    share: float,
    gdp: float | None,
    population: float | None,
) -> None:
    rows = gap_rows(targets, share, gdp, population)
    assert rows == tuple(gap_row(t, share, gdp, population) for t in targets)
    assert all(type(r) is GapRow for r in rows)
    from spendcalc.domain.gaps import target_index

    keyed = AllyGaps(
        _ALLY, 2025, Status.OK, None, None, None, None, rows, tuple(targets), target_index(targets)
    )
    scanned = keyed._replace(positions={})
    for target in [*targets, *extra]:
        expected = next((r for r in rows if r.target == target), None)
        assert keyed.row(target) == expected
        assert scanned.row(target) == expected


def test_a_comparison_is_the_same_with_positions_shared_or_not(dataset: Dataset) -> None:
    specs = parse_targets(["0.5:5:0.5", "nato-2pct"], dataset.targets)
    year = default_year(dataset)
    result = compare(dataset, ["0.5:5:0.5", "nato-2pct"], year)
    for gaps in result.allies:
        alone = ally_gaps(dataset, gaps.ally, year, list(specs))
        assert alone == gaps
        for target in specs:
            assert gaps.row(target) == next((r for r in gaps.rows if r.target == target), None)


def test_years_are_what_a_fresh_scan_gives(dataset: Dataset) -> None:
    every = sorted({y for a in dataset.allies for y in a.years if a.share(y) is not None})
    assert share_years(dataset) == tuple(every)
    assert share_years(dataset) is share_years(dataset)  # computed once
    for ally in dataset.allies:
        assert ally.share_years == tuple(sorted(y for y in ally.years if ally.share(y) is not None))
        assert ally.gdp_years == tuple(sorted(y for y, r in ally.years.items() if r.gdp is not None))
    assert check_year(dataset, every[0]) == every[0]
    with pytest.raises(SpendcalcError, match="no defence shares for 1901"):
        check_year(dataset, 1901)


def test_years_follow_each_dataset(tiny_dataset_dict: dict[str, Any], write_dataset: Any) -> None:
    first = loader.load_dataset(write_dataset(tiny_dataset_dict))
    for ally in tiny_dataset_dict["allies"]:
        ally["years"].pop("2025", None)
    second = loader.load_dataset(write_dataset(tiny_dataset_dict))
    assert 2025 in share_years(first)
    assert 2025 not in share_years(second)
    assert default_year(first) == 2025
    assert default_year(second) == 2024


_ALLY = Ally.model_construct(
    iso3="ALP", iso2="AL", name="Alphaland", joined=2000, currency="EUR", has_armed_forces=True, years={}
)


def test_cached_years_follow_the_edition(dataset: Dataset) -> None:
    """An edition's view has its own years, even when the latest edition's were cached first."""
    poland = next(a for a in dataset.allies if a.iso3 == "POL")
    latest_years = poland.share_years  # cached on the latest edition's ally
    older = next(a for a in dataset.for_edition("nato-sgar-2025").allies if a.iso3 == "POL")
    assert older.share_years == tuple(y for y in older.years if older.share(y) is not None)
    assert older.share_years != latest_years
    assert poland.share_years == latest_years
