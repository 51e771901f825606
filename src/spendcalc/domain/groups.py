"""Group totals computed as NATO computes its aggregates: Σspending / ΣGDP over the members of a year."""

import math
from collections.abc import Sequence
from typing import NamedTuple

from spendcalc.domain.gaps import AllyGaps, Status
from spendcalc.domain.targets import TargetSpec
from spendcalc.errors import SpendcalcError

EUROPE_AND_CANADA = "Europe and Canada"


ALLIANCE = "NATO"


NOT_EUROPE_OR_CANADA = frozenset({"USA"})


class GroupRow(NamedTuple):
    target: TargetSpec
    gap_pp: float
    """Target minus the group's share (Σspending / ΣGDP)."""
    gap_usd_bn: float
    """Net: the group's GDP times its gap; members above target offset those below."""
    shortfall_usd_bn: float
    """What the members below target would need, with no offsetting."""
    members_meeting: int
    members_counted: int


class GroupTotal(NamedTuple):
    name: str
    members: tuple[str, ...]
    """ISO3 codes of the allies counted: those with both a share and GDP."""
    excluded: tuple[str, ...]
    """ISO3 codes left out, with no share (Iceland) or no GDP."""
    gdp_usd_bn: float
    spending_usd_bn: float
    rows: tuple[GroupRow, ...]
    estimate: bool = False
    """Whether any counted member's share is an estimate."""

    @property
    def share_pct(self) -> float:
        return self.spending_usd_bn / self.gdp_usd_bn * 100


def counts_in_totals(gaps: AllyGaps) -> bool:
    """An ally counts in a year's totals if it was an ally that year and has both a share and GDP.

    NATO's tables also give figures for years before an ally joined (Finland and Sweden from 2014):
    they are shown, but a 2014 total is the total of the allies of 2014."""
    return gaps.status is Status.OK and gaps.ally.joined <= gaps.year


def group_total(name: str, members: Sequence[AllyGaps], targets: Sequence[TargetSpec]) -> GroupTotal:
    counted = [m for m in members if counts_in_totals(m)]
    excluded = tuple(m.ally.iso3 for m in members if not counts_in_totals(m))
    if not counted:
        raise SpendcalcError(f"{name}: no ally has both a share and GDP for this year")
    gdp_total = math.fsum(m.gdp.usd_bn for m in counted if m.gdp)
    spending_total = math.fsum(m.spending_usd_bn for m in counted if m.spending_usd_bn is not None)
    share = spending_total / gdp_total * 100
    rows = []
    for target in targets:
        member_rows = [r for m in counted if (r := m.row(target)) is not None]
        rows.append(
            GroupRow(
                target,
                target.share_pct - share,
                (target.share_pct - share) / 100 * gdp_total,
                math.fsum(r.gap_usd_bn for r in member_rows if r.gap_usd_bn is not None and r.gap_pp > 0),
                sum(1 for r in member_rows if r.meets),
                len(member_rows),
            )
        )
    estimate = any(m.share.estimate for m in counted if m.share is not None)
    return GroupTotal(
        name, tuple(m.ally.iso3 for m in counted), excluded, gdp_total, spending_total, tuple(rows), estimate
    )
