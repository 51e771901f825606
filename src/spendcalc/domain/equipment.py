"""The 20% guideline: the share of defence spending that goes on major equipment (with its R&D).

A guideline on the split of spending, not a share of GDP (Wales 2014). The shares are NATO's own
(Table 8a of the chosen edition's tables), decided on their unrounded values; the money is NATO's own
spending in current US$. Group totals are Σ equipment spending / Σ spending over the allies of that year.
"""

import math
from collections.abc import Sequence
from typing import NamedTuple

from spendcalc.data.schema import Ally, Dataset
from spendcalc.domain.groups import ALLIANCE, EUROPE_AND_CANADA, NOT_EUROPE_OR_CANADA
from spendcalc.errors import SpendcalcError

GUIDELINE_ID = "equipment-20pct"
GUIDELINE_PCT = 20.0
"""Used when a dataset does not declare the guideline itself."""
SPLIT = ("equipment_pct", "personnel_pct", "infrastructure_pct", "other_pct")


class EquipmentRow(NamedTuple):
    name: str
    iso3: str | None
    """None for a group total."""
    year: int
    equipment_pct: float | None
    """Major equipment and its R&D, % of defence spending; None where NATO gives none (Iceland)."""
    personnel_pct: float | None
    infrastructure_pct: float | None
    other_pct: float | None
    spending_usd_bn: float | None
    """NATO's own figure, current US$."""
    guideline_pct: float
    estimate: bool
    members: int = 1

    @property
    def gap_pp(self) -> float | None:
        """Guideline minus the equipment share, in points of spending: + is short, − is above."""
        return self.guideline_pct - self.equipment_pct if self.equipment_pct is not None else None

    @property
    def gap_usd_bn(self) -> float | None:
        """What moving the split to the guideline would take, within the same spending."""
        gap = self.gap_pp
        return (
            gap / 100 * self.spending_usd_bn if gap is not None and self.spending_usd_bn is not None else None
        )

    @property
    def meets(self) -> bool | None:
        return self.equipment_pct >= self.guideline_pct if self.equipment_pct is not None else None


class EquipmentCheck(NamedTuple):
    year: int
    edition: str
    guideline_pct: float
    allies: tuple[EquipmentRow, ...]
    groups: tuple[EquipmentRow, ...]
    """NATO and Europe and Canada, over the allies of that year with a share."""


def guideline(dataset: Dataset) -> float:
    return next((t.share_pct for t in dataset.targets if t.id == GUIDELINE_ID), GUIDELINE_PCT)


def equipment_check(dataset: Dataset, year: int | None = None) -> EquipmentCheck:
    edition = dataset.edition.id
    table = next(
        (t for t in dataset.nato_tables if t.edition == edition and t.metric == "equipment_pct"), None
    )
    if table is None:
        editions = sorted({t.edition for t in dataset.nato_tables if t.metric == "equipment_pct"})
        hint = f"; use --edition {editions[-1]}" if editions else ""
        raise SpendcalcError(f"edition {edition} has no equipment shares{hint}")
    years = range(table.first_year, table.first_year + max(len(v) for v in table.values.values()))
    chosen = (
        year
        if year is not None
        else max(
            y
            for y in years
            if all(table.value(a.iso3, y) is not None for a in dataset.allies if a.has_armed_forces)
        )
    )
    if chosen not in years:
        raise SpendcalcError(f"no equipment shares for {chosen}; years with data: {years[0]}–{years[-1]}")
    level = guideline(dataset)
    estimate = chosen in table.estimate_years
    rows = tuple(_ally_row(dataset, ally, chosen, level, estimate) for ally in dataset.allies)
    members = [r for r, a in zip(rows, dataset.allies, strict=True) if a.joined <= chosen]
    groups = (
        _group_row(ALLIANCE, members, chosen, level, estimate),
        _group_row(
            EUROPE_AND_CANADA,
            [r for r in members if r.iso3 not in NOT_EUROPE_OR_CANADA],
            chosen,
            level,
            estimate,
        ),
    )
    return EquipmentCheck(chosen, edition, level, rows, groups)


def _ally_row(dataset: Dataset, ally: Ally, year: int, level: float, estimate: bool) -> EquipmentRow:
    figure = {metric: dataset.nato_figure(ally.iso3, year, metric) for metric in SPLIT}
    metric = "spending_usd_2021_m" if dataset.prices == "constant" else "spending_usd_m"
    spending = dataset.nato_figure(ally.iso3, year, metric)
    return EquipmentRow(
        ally.name,
        ally.iso3,
        year,
        figure["equipment_pct"],
        figure["personnel_pct"],
        figure["infrastructure_pct"],
        figure["other_pct"],
        spending / 1000 if spending is not None else None,
        level,
        estimate,
    )


def _group_row(
    name: str, rows: Sequence[EquipmentRow], year: int, level: float, estimate: bool
) -> EquipmentRow:
    counted = [r for r in rows if r.equipment_pct is not None and r.spending_usd_bn is not None]
    if not counted:
        raise SpendcalcError(f"{name}: no ally has both an equipment share and spending for {year}")
    spending = math.fsum(r.spending_usd_bn or 0.0 for r in counted)
    equipment = math.fsum((r.equipment_pct or 0.0) / 100 * (r.spending_usd_bn or 0.0) for r in counted)
    return EquipmentRow(
        name,
        None,
        year,
        equipment / spending * 100,
        None,
        None,
        None,
        spending,
        level,
        estimate,
        len(counted),
    )
