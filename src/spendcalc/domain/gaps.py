"""One ally's share, spending and gap to each target: the calculation at the heart of spendcalc.

No I/O and no printing. Every result is an immutable NamedTuple that keeps the figures unrounded and the
sources they rest on; compliance is decided on the unrounded values.
"""

import math
import struct
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from enum import Enum
from functools import lru_cache
from itertools import repeat
from types import MappingProxyType
from typing import NamedTuple, Protocol, TypeVar, cast, overload

from spendcalc.collector import collector_paused
from spendcalc.data.schema import Ally, Dataset, Gdp, Population, Share
from spendcalc.domain.countries import resolve_country
from spendcalc.domain.money import NatoMoney, ally_money
from spendcalc.domain.targets import DEFAULT_TARGETS, TargetSpec, parse_targets
from spendcalc.domain.years import check_year, default_year
from spendcalc.errors import SpendcalcError, UsageError


class Status(str, Enum):
    OK = "ok"
    NO_ARMED_FORCES = "n/a — no armed forces"
    NO_SHARE = "n/a — no share for this year"
    NO_GDP = "n/a — no GDP for this year"


class ShareFigure(NamedTuple):
    pct: float
    estimate: bool
    source: str | None
    """Source id; None when the user supplied the share (`--current`)."""
    precision: float = 0.01
    """The precision the source published it to (0.1 for some 2025 estimates)."""

    @property
    def user_supplied(self) -> bool:
        return self.source is None

    @classmethod
    def of(cls, share: Share) -> "ShareFigure":
        # From the tuple of its fields (NamedTuple._make): every ally's share is read every year.
        return cls._make((share.pct, share.estimate, share.source, share.precision))

    @classmethod
    def supplied(cls, pct: float) -> "ShareFigure":
        """A share the user gave (`--current`), checked to be a share of GDP."""
        if not (math.isfinite(pct) and 0 <= pct <= 100):
            raise UsageError(f"current share {pct} must be between 0 and 100 (% of GDP)", "--current")
        return cls(pct, False, None)


class GapRow(NamedTuple):
    target: TargetSpec
    gap_pp: float
    """Target minus share, in percentage points of GDP; negative is a surplus."""
    gap_usd_bn: float | None
    gap_usd_per_capita: float | None

    @property
    def meets(self) -> bool:
        return self.gap_pp <= 0


class AllyGaps(NamedTuple):
    ally: Ally
    year: int
    status: Status
    share: ShareFigure | None
    gdp: Gdp | None
    population: Population | None
    spending_usd_bn: float | None
    rows: Sequence[GapRow]
    """One per target (`GapRows`, or any tuple of GapRow built by hand); empty without a share (no armed
    forces, or no share for the year); without GDP (NO_GDP), rows with a gap in points only."""
    targets: tuple[TargetSpec, ...]
    """The targets asked for, rows or not."""
    positions: Mapping[TargetSpec, int] = MappingProxyType({})
    """Target -> position in `targets` (and in `rows` when there are rows); shared by the allies of a
    comparison, so that looking a target up costs the same however many targets there are."""
    money: "NatoMoney | None" = None
    """NATO's own GDP and spending for the year (the edition's tables), when the figures come from them."""

    @property
    def spending_source(self) -> str:
        """Where `spending_usd_bn` comes from: NATO's own figure or share × GDP."""
        money = self.money
        if (
            money is not None
            and money.spending_usd_bn is not None
            and self.spending_usd_bn == money.spending_usd_bn
        ):
            return f"NATO's own figure [{money.source}]"
        return "share × GDP"

    def row(self, target: TargetSpec) -> GapRow | None:
        return row_at(self.rows, self.positions, target)


class _ForATarget(Protocol):
    @property
    def target(self) -> TargetSpec: ...


_Row = TypeVar("_Row", bound=_ForATarget)


def row_at(rows: Sequence[_Row], positions: Mapping[TargetSpec, int], target: TargetSpec) -> _Row | None:
    """The first row for `target` among `rows`: at its place in `positions` (`target_index` of the targets
    the rows were made for: a look-up, where a 500-target table would scan for every cell), or found by a
    scan (rows built by hand, or given to a copy whose positions are another's: `_replace(rows=...)`)."""
    if not rows:
        return None
    position = positions.get(target)
    if position is not None and position < len(rows):
        row = rows[position]
        if row.target is target or row.target == target:
            return row
    return next((r for r in rows if r.target == target), None)


def target_index(targets: Sequence[TargetSpec]) -> Mapping[TargetSpec, int]:
    """Each target's first position: built once for a set of targets, shared by every ally's gaps."""
    index: dict[TargetSpec, int] = {}
    for position, target in enumerate(targets):
        index.setdefault(target, position)
    return MappingProxyType(index)


def gap_row(
    target: TargetSpec, share_pct: float, gdp_usd_bn: float | None, population_m: float | None
) -> GapRow:
    gap_pp = target.share_pct - share_pct
    gap_usd_bn = gap_pp / 100 * gdp_usd_bn if gdp_usd_bn is not None else None
    per_capita = gap_usd_bn * 1e9 / (population_m * 1e6) if gap_usd_bn is not None and population_m else None
    return GapRow(target, gap_pp, gap_usd_bn, per_capita)


def gap_rows(
    targets: Sequence[TargetSpec],
    share_pct: float,
    gdp_usd_bn: float | None,
    population_m: float | None,
    batch: "RowBatch | None" = None,
) -> "GapRows":
    """`gap_row` for each target, the same figures computed the same way, when first read (`GapRows`): a
    comparison makes allies x targets rows, and computing each figure and making each tuple, read or not,
    was most of its cost."""
    return GapRows(targets, share_pct, gdp_usd_bn, population_m, batch)


@lru_cache(maxsize=64)
def _doubles(count: int) -> struct.Struct:
    return struct.Struct(f"{count}d")


class GapRows(Sequence[GapRow]):
    """An ally's rows, one per target, from its share, GDP and population: each figure is computed when
    first read, a column at a time (`column`, kept as read-only doubles), and each `GapRow` when the rows
    are read (a 500-target comparison of 500 allies is 250,000 rows, and computing them all, then making
    the tuples and the collector walking every float in them, was most of its cost). Immutable through
    what is public (its private slots are not guarded); equal to the tuple of its rows, and read as one
    (index, slice, iterate, len). A loop over rows not yet kept makes a new GapRow for each, each time."""

    __slots__ = (
        "__weakref__",
        "_batch",
        "_columns",
        "_gdp",
        "_population",
        "_rows",
        "_share",
        "_targets",
    )

    _targets: tuple[TargetSpec, ...]
    _share: float
    _gdp: float | None
    _population: float | None
    _columns: "dict[str, memoryview[float] | None] | None"
    _rows: tuple[GapRow, ...] | None
    _batch: "RowBatch | None"

    def __init__(
        self,
        targets: Sequence[TargetSpec],
        share_pct: float,
        gdp_usd_bn: float | None,
        population_m: float | None,
        batch: "RowBatch | None" = None,
    ) -> None:
        """The rows of an ally whose share is `share_pct` (% of GDP), GDP `gdp_usd_bn` and population
        `population_m` (either None when missing, and then its figures in money too). `batch`: the rows
        made with these (a comparison's allies), whose GapRows are all made at once."""
        # Private slots, set here; later only the figures and rows kept once computed (_columns, _rows,
        # _batch). What is public is read-only (`targets`, the rows, the columns); a __setattr__ refusing
        # every assignment made each of these a call, and a comparison makes a GapRows for every ally
        # every year.
        if not isinstance(share_pct, float | int) or not isinstance(gdp_usd_bn, float | int | None):
            raise TypeError("gap rows are made from a share of GDP and a GDP (numbers), not columns")
        self._targets = tuple(targets)
        self._share = share_pct
        self._gdp = gdp_usd_bn
        # No population (or none above 0) gives no figure per head, as gap_row's `if population_m`.
        self._population = population_m if population_m and gdp_usd_bn is not None else None
        self._columns = None
        self._rows = None
        self._batch = batch
        if batch is not None:
            batch.members.append(weakref.ref(self))

    @property
    def targets(self) -> tuple[TargetSpec, ...]:
        """The targets, one row for each."""
        return self._targets

    @targets.setter
    def targets(self, _: object) -> None:
        raise AttributeError("gap rows are immutable: cannot set 'targets'")

    @targets.deleter
    def targets(self) -> None:
        raise AttributeError("gap rows are immutable: cannot delete 'targets'")

    def __reduce__(self) -> tuple[type["GapRows"], tuple[object, ...]]:
        return GapRows, (self._targets, self._share, self._gdp, self._population)

    def _figures(self, field: str) -> list[float] | None:
        """One figure of every row, computed as `gap_row` computes it (None when missing)."""
        share, gdp, population = self._share, self._gdp, self._population
        if field == "gap_pp":
            return [t[0] - share for t in self._targets]  # t[0]: TargetSpec.share_pct
        if gdp is None:
            return None
        # gap_row's steps, each from the column before when it is kept: the gap, in money, per head (a
        # group's total reads the gaps in money alone).
        if field == "gap_usd_bn":
            gaps = (self._columns or {}).get("gap_pp")
            if gaps is None:
                return [(t[0] - share) / 100 * gdp for t in self._targets]
            return [gap / 100 * gdp for gap in gaps]
        if population is None:
            return None
        people = population * 1e6
        return [usd * 1e9 / people for usd in cast("memoryview[float]", self._column("gap_usd_bn"))]

    def _column(self, field: str) -> "memoryview[float] | None":
        """`field`'s figures as read-only doubles (nothing the collector walks), computed once."""
        columns = self._columns
        if columns is None:
            columns = {}
            self._columns = columns
        elif field in columns:
            return columns[field]
        if field not in _FIGURES:
            raise ValueError(f"{field!r} is not a figure of a gap row ({', '.join(_FIGURES)})")
        figures = self._figures(field)
        view = None if figures is None else memoryview(_doubles(len(figures)).pack(*figures)).cast("d")
        columns[field] = view
        return view

    def column(self, field: str) -> Sequence[float | None]:
        """The figures of one of GapRow's fields ('gap_pp', 'gap_usd_bn' or 'gap_usd_per_capita'), one
        per target (None for each when missing), as the rows hold them."""
        values = self._column(field)
        # A new view each time: a caller who releases it leaves the rows' own intact.
        return values[:] if values is not None else (None,) * len(self._targets)

    def doubles(self, field: str) -> bytes | None:
        """The figures of `column(field)` as native doubles (`struct` format 'd'), None when missing."""
        values = self._column(field)  # the kept view's bytes: no new view (a group's total reads each)
        return None if values is None else cast(bytes, values.obj)

    @property
    def gap_pp(self) -> Sequence[float]:
        return cast("Sequence[float]", self.column("gap_pp"))

    @property
    def gap_usd_bn(self) -> Sequence[float | None]:
        return self.column("gap_usd_bn")

    @property
    def gap_usd_per_capita(self) -> Sequence[float | None]:
        return self.column("gap_usd_per_capita")

    @property
    def rows(self) -> tuple[GapRow, ...]:
        """Every row as a tuple of `GapRow`s, made on first use and kept; with those of its batch."""
        rows = self._rows
        if rows is None:
            batch = self._batch
            # Many tuples at once, none in a cycle: made with the collector held off (see compare()),
            # a batch's all in one go, as a reader of one ally's rows in a comparison usually reads all.
            with collector_paused():
                if batch is not None:
                    batch.make_rows()
                rows = self._make_rows()
        return rows

    def _make_rows(self) -> tuple[GapRow, ...]:
        rows = self._rows
        if rows is None:
            rows = tuple(self._each_row())
            self._rows = rows
            self._batch = None
        return rows

    def _each_row(self) -> Iterator[GapRow]:
        """Each row, made as it is reached."""
        targets, share, gdp, population = self._targets, self._share, self._gdp, self._population
        count = len(targets)
        columns = self._columns or {}
        # A figure already computed as a column is read from it (the same floats, as a group's total
        # computes the gaps in money); the others are computed as `_figures` computes them.
        gaps: Sequence[float] = columns.get("gap_pp") or [t[0] - share for t in targets]
        usd: Iterable[float | None] = repeat(None, count)
        per_capita: Iterable[float | None] = repeat(None, count)
        if gdp is not None:
            money: Sequence[float] = columns.get("gap_usd_bn") or [gap / 100 * gdp for gap in gaps]
            usd = money
            if population is not None:
                people = population * 1e6
                per_capita = [bn * 1e9 / people for bn in money]
        # tuple.__new__(GapRow, figures) makes a row from its figures (NamedTuple._make), called
        # straight from map: through a partial or _make, a row cost a fifth more.
        figures = zip(targets, gaps, usd, per_capita, strict=True)
        return map(tuple.__new__, repeat(GapRow, count), figures)

    def __len__(self) -> int:
        return len(self._targets)

    @overload
    def __getitem__(self, index: int) -> GapRow: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[GapRow, ...]: ...
    def __getitem__(self, index: int | slice) -> GapRow | tuple[GapRow, ...]:
        if self._rows is not None or isinstance(index, slice):
            return self.rows[index]
        # One row read (a look-up by target): made alone, as the whole tuple would make it (an index out
        # of range raises IndexError, as a tuple's).
        return gap_row(self._targets[index], self._share, self._gdp, self._population)

    def __iter__(self) -> Iterator[GapRow]:
        # Rows not yet kept are made as the loop reaches them and kept by nobody: each is gone when the
        # loop moves on, with nothing for the collector to walk (keeping a comparison's rows, then the
        # collector walking them, was a fifth of reading them).
        rows = self._rows
        return iter(rows) if rows is not None else self._each_row()

    def __reversed__(self) -> Iterator[GapRow]:
        return reversed(self.rows)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, GapRows | tuple):
            return self.rows == tuple(other)
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self.rows)

    def __repr__(self) -> str:
        return repr(self.rows)


_FIGURES = ("gap_pp", "gap_usd_bn", "gap_usd_per_capita")
"""GapRow's figures, each a column of `GapRows`."""


class RowBatch:
    """The GapRows of one comparison (each ally's): the first read of any one's rows makes every one's
    that is still held. Making an ally's GapRow tuples in its own pause of the collector left a
    collection after each ally, and the tuples (a NamedTuple is never untracked) soon made full ones:
    reading every row of a 500 x 500 comparison took twice as long as making them all at once."""

    __slots__ = ("members",)

    def __init__(self) -> None:
        self.members: list[weakref.ref[GapRows]] = []
        """Weak references: a batch keeps no rows alive, and makes no cycle with them."""

    def make_rows(self) -> None:
        members, self.members = self.members, []
        for member in members:
            rows = member()
            if rows is not None:
                rows._make_rows()


_OK, _NO_GDP = Status.OK, Status.NO_GDP  # read once: Python 3.11 reads an enum's members slowly


def ally_gaps(
    dataset: Dataset,
    ally: Ally,
    year: int,
    targets: Sequence[TargetSpec],
    current_pct: float | None = None,
    positions: Mapping[TargetSpec, int] | None = None,
    batch: "RowBatch | None" = None,
) -> AllyGaps:
    """An ally's share, spending and gap to each target in `year`; `current_pct` replaces its share.

    `positions` is `target_index(targets)`, passed when many allies are computed for the same targets;
    `batch`, a `RowBatch` their rows share."""
    asked = tuple(targets)
    if positions is None:
        positions = target_index(asked)
    gdp, money = ally_money(dataset, ally, year)  # NATO's own figures in its tables' years
    population = ally.population(year)
    recorded = ally.share(year)
    if not ally.has_armed_forces:
        if current_pct is not None:
            raise SpendcalcError(f"{ally.name} has no armed forces: there is no defence share to replace")
        return AllyGaps(
            ally, year, Status.NO_ARMED_FORCES, None, gdp, population, None, (), asked, positions, money
        )
    if current_pct is not None:
        share: ShareFigure | None = ShareFigure.supplied(current_pct)
    else:
        share = ShareFigure.of(recorded) if recorded is not None else None
    if share is None:
        return AllyGaps(ally, year, Status.NO_SHARE, None, gdp, population, None, (), asked, positions, money)
    gdp_bn = gdp.usd_bn if gdp else None
    if money is not None and money.spending_usd_bn is not None and current_pct is None:
        spending: float | None = money.spending_usd_bn
    else:
        spending = share.pct / 100 * gdp_bn if gdp_bn is not None else None
    rows = GapRows(asked, share.pct, gdp_bn, population.millions if population else None, batch)
    status = _OK if gdp is not None else _NO_GDP
    # From the tuple of its fields (NamedTuple._make), without its __new__'s handling of arguments:
    # made for every ally every year of a comparison.
    return AllyGaps._make(
        (ally, year, status, share, gdp, population, spending, rows, asked, positions, money)
    )


def gap(
    dataset: Dataset,
    country: str,
    targets: Sequence[str | float] | str | float | None = DEFAULT_TARGETS,
    year: int | str | None = None,
    current_pct: float | None = None,
) -> AllyGaps:
    """The gap of one ally, by country name or code, to each target (library entry point)."""
    specs = parse_targets(targets, dataset.targets)
    ally = resolve_country(dataset, country)
    chosen = default_year(dataset) if year is None else check_year(dataset, year)
    return ally_gaps(dataset, ally, chosen, specs, current_pct)
