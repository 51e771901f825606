"""Scale (issue 12): the target cap counts every target of a command, indented and compact data files are
treated alike, and the keyed look-ups and caches give exactly what the plain scans gave. No timings here:
bench/scale.py measures."""

from __future__ import annotations

import itertools
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


@settings(max_examples=100, deadline=None)
@given(
    targets=st.lists(target_specs, max_size=12),
    share=shares,
    gdp=st.none() | st.floats(min_value=1e-3, max_value=1e9, allow_nan=False),
    population=st.none() | st.floats(min_value=1e-6, max_value=1e5, allow_nan=False),
)
def test_gap_rows_read_as_the_tuple_of_their_rows(
    targets: list[TargetSpec], share: float, gdp: float | None, population: float | None
) -> None:
    """Held as columns, an ally's rows read as the tuple of gap_row's: by index (one row alone, or after
    every row was made), slice, iteration, reversed, equality both ways, hash, repr, pickling."""
    import copy
    import pickle

    expected = tuple(gap_row(t, share, gdp, population) for t in targets)
    rows = gap_rows(targets, share, gdp, population)
    fresh = gap_rows(targets, share, gdp, population)
    assert [fresh[i] for i in range(len(targets))] == list(expected)  # one at a time, no tuple made
    assert [fresh[-i] for i in range(1, len(targets) + 1)] == list(expected[::-1])
    assert len(rows) == len(expected) and bool(rows) == bool(expected)
    assert rows == expected and expected == rows and (rows != expected) is False
    assert rows == fresh and rows != (*expected, GapRow(TargetSpec(1.0), 0.0, None, None))
    assert rows[1:3] == expected[1:3] and list(reversed(rows)) == list(expected[::-1])
    assert list(rows) == list(expected) and all(type(r) is GapRow for r in rows)
    assert [rows[i] for i in range(len(targets))] == list(expected)  # from the tuple made once
    assert hash(rows) == hash(expected) and repr(rows) == repr(expected)
    assert pickle.loads(pickle.dumps(rows)) == expected and copy.deepcopy(rows) == expected
    # Each column the same floats whichever is read first (each is computed from those already kept).
    for order in itertools.permutations(("gap_pp", "gap_usd_bn", "gap_usd_per_capita")):
        columns = gap_rows(targets, share, gdp, population)
        for field in order:
            assert list(columns.column(field)) == [getattr(r, field) for r in expected]
    assert (rows == list(expected)) is False  # a tuple's equality: not equal to a list
    with pytest.raises(IndexError):
        fresh[len(targets)]


def test_gap_rows_are_immutable_and_checked() -> None:
    from spendcalc.domain.gaps import GapRows

    targets = (TargetSpec(2.0), TargetSpec(3.5))
    rows = gap_rows(targets, 2.5, 100.0, 10.0)
    with pytest.raises(AttributeError, match="immutable"):
        rows.targets = ()
    with pytest.raises(AttributeError, match="immutable"):
        del rows.targets
    with pytest.raises(TypeError):
        rows[0] = rows[1]  # type: ignore[index]
    with pytest.raises(TypeError, match="read-only"):
        rows.column("gap_pp")[0] = 0.0  # type: ignore[index]
    with pytest.raises(ValueError, match="not a figure"):
        rows.column("target")
    assert rows.column("gap_usd_bn") == rows.gap_usd_bn and list(rows.gap_pp) == [-0.5, 1.0]
    # A view a caller releases is its own: the rows stay readable.
    for view in (rows.gap_pp, rows.column("gap_pp"), rows.column("gap_usd_bn"), rows.gap_usd_per_capita):
        assert isinstance(view, memoryview)
        view.release()
    assert rows[0].gap_pp == -0.5 and rows[1].gap_usd_bn == pytest.approx(1.0) and len(rows.rows) == 2
    with pytest.raises(TypeError, match="not columns"):
        GapRows(targets, [0.5, 1.0], [2.0, 3.0], None)  # type: ignore[arg-type]  # the former columns
    # Without GDP, no figure in money; without population (or none above 0), none per head.
    assert GapRows(targets, 1.5, None, 10.0).column("gap_usd_bn") == (None, None)
    assert GapRows(targets, 1.5, 100.0, 0.0).column("gap_usd_per_capita") == (None, None)
    assert GapRows((), 1.5, 100.0, 10.0) == () and not GapRows((), 1.5, 100.0, 10.0)


def test_gap_rows_compute_each_figure_once_when_first_read() -> None:
    """Nothing is computed until read; a column is computed once and kept, and the rows made after a
    column was read hold the same floats as rows made without it."""
    from spendcalc.domain.gaps import GapRows

    targets = tuple(TargetSpec(t / 10) for t in range(1, 40))
    rows = GapRows(targets, 1.37, 812.5, 37.2)
    assert rows._columns is None and rows._rows is None
    first = rows.doubles("gap_usd_bn")
    assert rows._columns is not None and set(rows._columns) == {"gap_usd_bn"} and rows._rows is None
    assert rows.doubles("gap_usd_bn") is first  # kept, not computed again
    assert (
        rows.rows
        == GapRows(targets, 1.37, 812.5, 37.2).rows
        == tuple(gap_row(t, 1.37, 812.5, 37.2) for t in targets)
    )


def test_a_comparisons_rows_are_made_together_when_one_allys_are_kept(dataset: Dataset) -> None:
    """A loop over an ally's rows makes each as it is reached and keeps none; asking for one ally's tuple
    of rows (`.rows`, or equality) makes and keeps those of every ally of the comparison still held (one
    batch), the same rows as made alone; a batch holds none alive."""
    import gc

    from spendcalc.domain.gaps import GapRows, RowBatch

    specs = parse_targets(["1:4:0.5"], dataset.targets)
    result = compare(dataset, ["1:4:0.5"], 2024)
    held = [g.rows for g in result.allies if isinstance(g.rows, GapRows)]
    assert len(held) > 2
    assert all(rows._rows is None for rows in held)  # nothing made yet
    alone = held[1][0]
    assert held[1]._rows is None and held[0]._rows is None  # one row read alone: no tuple made
    looped = list(held[2])  # a loop: rows made as it goes, none kept
    assert [r.target for r in looped] == list(specs) and all(type(r) is GapRow for r in looped)
    assert all(rows._rows is None for rows in held)
    assert held[2].rows == tuple(looped)  # one ally's tuple made ...
    assert all(rows._rows is not None for rows in held)  # ... and every ally's made with it
    assert list(held[2]) == looped and type(iter(held[2])) is type(iter(()))  # now the kept tuple's
    assert alone == held[1].rows[0]
    for gaps in result.allies:
        assert gaps.rows == ally_gaps(dataset, gaps.ally, 2024, specs).rows

    batch = RowBatch()
    first = gap_rows(specs, 2.0, 100.0, 5.0, batch)
    dropped = gap_rows(specs, 3.0, 100.0, 5.0, batch)
    del dropped
    gc.collect()
    assert len(batch.members) == 2 and batch.members[1]() is None  # weak: the batch kept it not
    assert first.rows == tuple(gap_row(t, 2.0, 100.0, 5.0) for t in specs) and batch.members == []


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


# --- group totals, the grid of records and its CSV --------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    members=st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=100, allow_nan=False),
            st.floats(min_value=1e-3, max_value=1e6, allow_nan=False),
        ),
        min_size=1,
        max_size=12,
    ),
    targets=st.lists(target_specs, min_size=1, max_size=12),
)
def test_group_rows_are_what_the_members_rows_give(
    members: list[tuple[float, float]], targets: list[TargetSpec]
) -> None:
    """The shortfall and the count from the members' shares in order are exactly the sums and counts
    over the members' own rows (the same floats, not merely close ones)."""
    import math

    from spendcalc.data.schema import Gdp
    from spendcalc.domain.gaps import ShareFigure
    from spendcalc.domain.groups import group_total

    specs = tuple(targets)
    allies = []
    for index, (pct, usd_bn) in enumerate(members):
        share = ShareFigure(pct, False, "s")
        gdp = Gdp(usd_bn=usd_bn, kind="actual", source="s")
        rows = gap_rows(specs, pct, usd_bn, None)
        spending = pct / 100 * usd_bn
        # Rows as a comparison makes them (columns: the group reads their column of money), as a tuple
        # built by hand, or for other targets (the group then computes the figures as the rows do).
        # Or for these targets but without money (made by hand): the group computes them then too.
        held = (
            rows,
            tuple(rows),
            gap_rows(specs[::-1], pct, usd_bn, None),
            gap_rows(specs, pct, None, None),
        )[index % 4]
        allies.append(AllyGaps(_ALLY, 2025, Status.OK, share, gdp, None, spending, held, specs))
    total = group_total("G", allies, specs)
    for position, row in enumerate(total.rows):
        own = [
            gap_rows(specs, a.share.pct, a.gdp.usd_bn, None)[position] for a in allies if a.share and a.gdp
        ]
        assert row.shortfall_usd_bn == math.fsum(r.gap_usd_bn for r in own if r.gap_usd_bn and r.gap_pp > 0)
        assert row.members_meeting == sum(1 for r in own if r.meets)
        assert row.members_counted == len(allies)


@pytest.mark.parametrize("currency", ["USD", "EUR", "LCU"])
def test_grid_records_are_the_fields_read_item_by_item(dataset: Dataset, currency: str) -> None:
    """Each record of the grid (read through `per` and `across`) is Table.record of its item, and the
    CSV written a subject at a time is the CSV written record by record."""
    from spendcalc.choices import Currency
    from spendcalc.output.formats import CsvFormatter
    from spendcalc.reports.columns import Grid
    from spendcalc.reports.compare import _grid_items, export_report

    comparison = compare(dataset, ["1:4:0.5", "nato-2pct", "2"], groups=["eu", "x=EST,LVA"])
    report = export_report(dataset, comparison, currency=Currency(currency), table=False)
    grid = report.records
    assert isinstance(grid, Grid)
    items = _grid_items(comparison, *_rates(dataset, comparison, Currency(currency)))
    expected = [grid.table.record(item) for item in items]
    assert list(grid) == expected
    assert len(grid) == len(expected)
    assert [grid[i] for i in (0, 5, -1)] == [expected[0], expected[5], expected[-1]]
    assert grid[2:9:3] == expected[2:9:3]
    with pytest.raises(IndexError):
        grid[len(grid)]
    plain = report._replace(records=tuple(expected))
    assert CsvFormatter().format(report) == CsvFormatter().format(plain)


def _rates(dataset: Dataset, comparison: Any, currency: Any) -> tuple[Any, Any]:
    from spendcalc.reports.compare import _rates as rates
    from spendcalc.reports.compare import _total_rate

    return rates(dataset, comparison, currency), _total_rate(dataset, comparison.year, currency)


def test_a_grid_reads_item_by_item_where_rows_do_not_follow_the_targets(dataset: Dataset) -> None:
    """A subject whose rows are not one per target in order (built by hand) is read item by item."""
    from spendcalc.choices import Currency
    from spendcalc.reports.columns import Grid
    from spendcalc.reports.gap import GapItem, gap_fields

    comparison = compare(dataset, ["2", "3"])
    table = gap_fields(Currency.USD)
    subjects = [GapItem(g, None) for g in comparison.allies[:3]]
    targets = (*comparison.targets[::-1], TargetSpec(4.0))
    grid = Grid(table, subjects, targets, lambda s, t: s._replace(target=t))
    assert list(grid) == [table.record(s._replace(target=t)) for s in subjects for t in targets]
    assert list(Grid(table, [], targets, lambda s, t: s)) == []


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(
        st.floats(allow_nan=True, allow_infinity=True)
        | st.floats(min_value=-1e13, max_value=1e13).map(lambda v: round(v, 3))
        | st.integers(min_value=-(10**13), max_value=10**13).map(float),
        min_size=1,
        max_size=20,
    )
)
def test_float_texts_are_csv_cell_texts(values: list[float]) -> None:
    """The quick float texts (one at a time, and a column at once) are csv_cell's, byte for byte."""
    from spendcalc.output.formats import _float_text, _float_texts, csv_cell

    expected = [csv_cell(v) for v in values]
    assert [_float_text(v) for v in values] == expected
    assert _float_texts(values) == expected


def test_csv_columns_of_missing_and_boolean_cells_and_of_mixed_cells() -> None:
    from spendcalc.output.formats import _column_texts

    assert _column_texts({}, [None, True, False]) == ["", "true", "false"]
    assert _column_texts({}, [1, 1.0, True, "a,b", None]) == ["1", "1.0", "true", '"a,b"', ""]
    assert _column_texts({}, [None, None]) == ["", ""] and _column_texts({}, [None, 0.5]) == ["", "0.5"]


def test_float_texts_of_zeros_in_a_row() -> None:
    """Zeros are written 0.0 wherever they fall (first, last, several in a row: lines that share a line
    break), beside -0.0 and other whole numbers."""
    from spendcalc.output.formats import _float_texts, csv_cell

    for values in ([0.0], [0.0, 0.0, 0.0, 1.5, 0.0], [0.0, -0.0, 0.0, 2.0, 0.25, 0.0, 0.0], [0.5, 0.0, 10.0]):
        assert _float_texts(values) == [csv_cell(v) for v in values]


def test_export_streams_the_same_csv_to_stdout_and_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "grid.csv"
    streamed = invoke("export", "-t", "0.1:5:0.1", "-g", "eu")
    assert streamed.exit_code == 0
    assert invoke("export", "-t", "0.1:5:0.1", "-g", "eu", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == streamed.stdout
    assert streamed.stdout.count("\n") == 1 + (32 + 3) * 50


def test_every_text_field_of_the_records_is_checked_for_printable_text() -> None:
    """TEXT_FIELDS names every field of a record that can hold text (Literal choices aside: fixed
    texts), so that the printable-text check misses none."""
    import typing

    from spendcalc.data import schema
    from spendcalc.data.records import COMPACT, TEXT_FIELDS, Record

    def holds_text(annotation: object) -> bool:
        if typing.get_origin(annotation) in (typing.Literal, dict):
            return False
        return annotation is str or any(holds_text(a) for a in typing.get_args(annotation))

    records = [c for c in vars(schema).values() if isinstance(c, type) and issubclass(c, Record)]
    records += [model for _, model in COMPACT]  # the models validating the compact records of years
    found = {n for c in records for n, f in c.model_fields.items() if holds_text(f.annotation)}
    assert found == set(TEXT_FIELDS)


@pytest.mark.parametrize("year", [2014, 2022, 2025])
def test_a_group_total_counts_the_members_counts_in_totals_counts(dataset: Dataset, year: int) -> None:
    """group_total sorts its members in one pass: counted exactly as `counts_in_totals` says (Finland and
    Sweden not before they joined), Iceland's GDP counted but not Iceland, every other member excluded."""
    from spendcalc.domain.groups import counts_in_totals, group_total

    specs = parse_targets(["2", "3.5"], dataset.targets)
    members = [ally_gaps(dataset, a, year, specs) for a in dataset.allies]
    total = group_total("NATO", members, specs)
    assert total.members == tuple(m.ally.iso3 for m in members if counts_in_totals(m))
    assert total.excluded == tuple(m.ally.iso3 for m in members if not counts_in_totals(m))
    assert total.gdp_only == ("ISL",) and "ISL" in total.excluded
    assert ("FIN" in total.members) is (year >= 2023) and ("SWE" in total.members) is (year >= 2024)


def test_a_totals_row_for_a_target_is_looked_up_as_a_scan_finds_it(dataset: Dataset) -> None:
    """A group's row for a target in a report comes from the comparison's positions of its targets (no
    scan of its rows for every cell of a 500-target table); without positions, from a scan."""
    from spendcalc.domain.gaps import target_index
    from spendcalc.reports.compare import _subjects
    from spendcalc.reports.gap import GapItem

    comparison = compare(dataset, ["1:4:0.5", "nato-2pct", "2"], groups=["eu"])
    subjects = _subjects(comparison, {g.ally.iso3: None for g in comparison.allies}, None)
    groups = [s for s in subjects if s.group is not None]
    assert [s.subject for s in groups] == list(comparison.totals)
    for item in groups:
        assert item.positions == target_index(comparison.targets)
        for target in (*comparison.targets, TargetSpec(9.99)):
            expected = next((r for r in item.subject.rows if r.target == target), None)
            assert item._replace(target=target).row is expected
            assert GapItem(item.subject, target).row is expected  # no positions: a scan


def test_a_row_is_found_whatever_positions_it_is_given(dataset: Dataset) -> None:
    """`row_at` gives the first row for a target as a scan finds it, with the positions of the rows'
    own targets, of others (fewer, reordered, repeated, none), or of rows replaced since
    (`_replace(rows=...)` keeps the former positions): a position is taken only where its row is for
    that target."""
    from spendcalc.domain.gaps import row_at, target_index
    from spendcalc.domain.groups import group_total

    two, three, unknown = TargetSpec(2.0), TargetSpec(3.0), TargetSpec(9.99)
    theirs = (two, three, two)
    members = [ally_gaps(dataset, a, 2024, theirs, None, target_index(theirs)) for a in dataset.allies]
    ally = next(m for m in members if m.rows)
    for asked in (theirs, list(theirs), (three,), (three, two), ()):
        total = group_total("NATO", members, asked)
        assert [r.target for r in total.rows] == list(asked)
        shorter = ally._replace(rows=ally.rows[1:])
        for target in (two, three, unknown):
            for rows in (total.rows, ally.rows, ally.rows[1:], total.rows[::-1]):
                expected = next((r for r in rows if r.target == target), None)
                for positions in (target_index(asked), target_index(theirs), {}):
                    assert row_at(rows, positions, target) is expected
            assert shorter.row(target) is next((r for r in ally.rows[1:] if r.target == target), None)


def test_a_columns_shortfalls_are_max_of_each_bit_for_bit() -> None:
    """`_shortfalls` (a comparison for each gap) gives `_shortfall_of` (max(gap, 0.0)) bit for bit, where
    the two could differ: a gap of -0.0 (0 times a GDP below 0), NaN and infinities (rows made by hand)."""
    import math
    import struct

    from spendcalc.reports.gap import _shortfall_of, _shortfalls

    def bits(values: Any) -> list[bytes]:
        return [struct.pack("d", value) for value in values]

    targets = [TargetSpec(2.0), TargetSpec(1.0), TargetSpec(3.0)]
    cases = [(2.0, -1.0), (math.nan, 1.0), (2.0, math.inf), (2.0, -math.inf), (1.0, 5e-324)]
    negative_zeros = 0
    for share, gdp in cases:
        rows = gap_rows(targets, share, gdp, None)
        usd = rows.column("gap_usd_bn")
        negative_zeros += sum(math.copysign(1.0, u) < 0 and u == 0 for u in usd if u is not None)
        assert bits(_shortfalls(rows)) == bits(map(_shortfall_of, usd))
    assert negative_zeros  # the case that a `gap <= 0.0` would write as 0.0
