"""Burden sharing: each ally's share of alliance spending, now and if those below a target rose to it."""

import math
from typing import NamedTuple

from spendcalc.data.schema import Dataset
from spendcalc.domain.gaps import ShareFigure, Status, ally_gaps
from spendcalc.domain.groups import EUROPE_AND_CANADA, NOT_EUROPE_OR_CANADA, counts_in_totals
from spendcalc.domain.targets import TargetSpec
from spendcalc.errors import SpendcalcError


class BurdenRow(NamedTuple):
    name: str
    iso3: str | None
    """None for a group row."""
    spending_usd_bn: float | None
    share_of_total_pct: float | None
    raised_spending_usd_bn: float | None
    """Spending if this ally (or the group's allies) below the target rose to it."""
    raised_share_of_total_pct: float | None
    share: ShareFigure | None = None
    """The ally's share of GDP the spending rests on; None for a group row."""
    gdp_source: str | None = None
    left_out: str | None = None
    """Why an ally is left out of the totals, if it is."""


class BurdenSharing(NamedTuple):
    year: int
    target: TargetSpec
    rows: tuple[BurdenRow, ...]
    groups: tuple[BurdenRow, ...]
    """The United States and Europe-and-Canada, side by side."""
    total_usd_bn: float
    raised_total_usd_bn: float
    sources: tuple[str, ...]
    """Source ids of the shares and GDP figures used."""


def burden_sharing(dataset: Dataset, year: int, target: TargetSpec) -> BurdenSharing:
    """Each ally's share of alliance spending now, and if every ally below `target` rose to it."""
    everyone = [ally_gaps(dataset, ally, year, (target,)) for ally in dataset.allies]
    counted = [g for g in everyone if counts_in_totals(g) and g.spending_usd_bn is not None and g.gdp]
    if not counted:
        raise SpendcalcError(f"no ally has both a share and GDP for {year}")
    # Raised by the gap to the target (T − share) × GDP: NATO's own spending plus what the share lacks.
    raised = {
        g.ally.iso3: (g.spending_usd_bn or 0.0)
        + max(target.share_pct - g.share.pct, 0.0) / 100 * g.gdp.usd_bn
        for g in counted
        if g.gdp is not None and g.share is not None
    }
    total = math.fsum(g.spending_usd_bn or 0.0 for g in counted)
    raised_total = math.fsum(raised.values())

    def part(amount: float, whole: float) -> float | None:
        return amount / whole * 100 if whole > 0 else None

    rows = []
    for g in everyone:
        if g.ally.iso3 in raised:
            now = g.spending_usd_bn or 0.0
            then = raised[g.ally.iso3]
            rows.append(
                BurdenRow(
                    g.ally.name,
                    g.ally.iso3,
                    now,
                    part(now, total),
                    then,
                    part(then, raised_total),
                    g.share,
                    g.gdp.source if g.gdp else None,
                )
            )
        else:
            reason = (
                g.status.value
                if g.status is not Status.OK
                else f"not yet an ally in {year} (joined {g.ally.joined})"
            )
            rows.append(BurdenRow(g.ally.name, g.ally.iso3, None, None, None, None, left_out=reason))
    groups = []
    for name, members in (
        ("United States (total)", [g for g in counted if g.ally.iso3 in NOT_EUROPE_OR_CANADA]),
        (f"{EUROPE_AND_CANADA} (total)", [g for g in counted if g.ally.iso3 not in NOT_EUROPE_OR_CANADA]),
    ):
        now = math.fsum(g.spending_usd_bn or 0.0 for g in members)
        then = math.fsum(raised[g.ally.iso3] for g in members)
        groups.append(BurdenRow(name, None, now, part(now, total), then, part(then, raised_total)))
    sources = {g.share.source for g in counted if g.share and g.share.source}
    sources |= {g.gdp.source for g in counted if g.gdp}
    return BurdenSharing(
        year, target, tuple(rows), tuple(groups), total, raised_total, tuple(sorted(sources))
    )
