"""One ally's share, spending and gap to each target: the calculation at the heart of spendcalc.

No I/O and no printing. Every result is an immutable NamedTuple that keeps the figures unrounded and the
sources they rest on; compliance is decided on the unrounded values.
"""

import math
from collections.abc import Mapping, Sequence
from enum import Enum
from functools import partial
from itertools import repeat
from types import MappingProxyType
from typing import NamedTuple

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
        return cls(share.pct, share.estimate, share.source, share.precision)

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
    rows: tuple[GapRow, ...]
    """One per target; empty when the status is not OK."""
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
        if not self.rows:
            return None
        if not self.positions:
            # Built by hand, without positions: the first row for this target, as a scan finds it.
            return next((r for r in self.rows if r.target == target), None)
        position = self.positions.get(target)
        return None if position is None else self.rows[position]


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
    targets: Sequence[TargetSpec], share_pct: float, gdp_usd_bn: float | None, population_m: float | None
) -> tuple[GapRow, ...]:
    """`gap_row` for each target, the same figures computed the same way, a column at a time: a
    comparison makes allies x targets rows, and a call (or a Python-level tuple) per row was most of it."""
    new = partial(tuple.__new__, GapRow)
    gaps = [t[0] - share_pct for t in targets]  # t[0]: TargetSpec.share_pct
    if gdp_usd_bn is None:
        return tuple(map(new, zip(targets, gaps, repeat(None), repeat(None), strict=False)))
    usd = [gap / 100 * gdp_usd_bn for gap in gaps]
    if not population_m:
        return tuple(map(new, zip(targets, gaps, usd, repeat(None), strict=False)))
    people = population_m * 1e6
    return tuple(map(new, zip(targets, gaps, usd, [bn * 1e9 / people for bn in usd], strict=True)))


def ally_gaps(
    dataset: Dataset,
    ally: Ally,
    year: int,
    targets: Sequence[TargetSpec],
    current_pct: float | None = None,
    positions: Mapping[TargetSpec, int] | None = None,
) -> AllyGaps:
    """An ally's share, spending and gap to each target in `year`; `current_pct` replaces its share.

    `positions` is `target_index(targets)`, passed when many allies are computed for the same targets."""
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
    rows = gap_rows(asked, share.pct, gdp_bn, population.millions if population else None)
    status = Status.OK if gdp is not None else Status.NO_GDP
    return AllyGaps(ally, year, status, share, gdp, population, spending, rows, asked, positions, money)


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
