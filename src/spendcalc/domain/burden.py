"""Burden sharing: each ally's share of alliance spending, now and if those below a target rose to it."""

import math
from collections.abc import Collection, Sequence
from typing import NamedTuple

from spendcalc.data.schema import Dataset
from spendcalc.domain.gaps import AllyGaps, ShareFigure, Status, ally_gaps
from spendcalc.domain.groups import (
    ALLIANCE,
    DEFAULT_GROUP_IDS,
    EUROPE_AND_CANADA,
    NOT_EUROPE_OR_CANADA,
    GroupSpec,
    counts_in_totals,
    group_total,
)
from spendcalc.domain.targets import TargetSpec
from spendcalc.errors import SpendcalcError, UsageError


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
    gdp_usd_bn: float | None = None
    gap_usd_bn: float | None = None
    """Net: GDP × (target − share); for a group, members above the target offset those below."""
    shortfall_usd_bn: float | None = None
    """What lifting only the allies below the target to it would cost: the raised spending minus today's."""
    members: tuple[str, ...] = ()
    """For a group row: the ISO3 codes of the members counted that year."""
    group: GroupSpec | None = None
    """For a group asked for with --group: the group."""


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
    asked: tuple[BurdenRow, ...] = ()
    """The groups asked for (`--group`), each summed over its members of the year."""
    alliance: BurdenRow | None = None
    """NATO as a whole: 100% of the spending."""


def burden_sharing(
    dataset: Dataset, year: int, target: TargetSpec, groups_given: Sequence[GroupSpec] = ()
) -> BurdenSharing:
    """Each ally's share of alliance spending now, and if every ally below `target` rose to it; with
    the totals of the United States, Europe and Canada, the groups asked for, and NATO."""
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
    total_spending = math.fsum(g.spending_usd_bn or 0.0 for g in counted)
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
                    part(now, total_spending),
                    then,
                    part(then, raised_total),
                    g.share,
                    g.gdp.source if g.gdp else None,
                    gdp_usd_bn=g.gdp.usd_bn if g.gdp else None,
                    # As `gap` has it: the points to the target × GDP (NATO's spending ÷ GDP at
                    # current prices is not NATO's share, a ratio at constant prices).
                    gap_usd_bn=(target.share_pct - g.share.pct) / 100 * g.gdp.usd_bn
                    if g.gdp and g.share
                    else None,
                    shortfall_usd_bn=then - now,
                )
            )
        else:
            reason = (
                g.status.value
                if g.status is not Status.OK
                else f"not yet an ally in {year} (joined {g.ally.joined})"
            )
            rows.append(BurdenRow(g.ally.name, g.ally.iso3, None, None, None, None, left_out=reason))

    def total(
        name: str, members: Sequence[AllyGaps], pool: Collection[str], group: GroupSpec | None = None
    ) -> BurdenRow:
        """The total of `members` (counted allies); `pool` is every ally the total covers, so that an ally
        without armed forces among them (Iceland) adds its GDP, as in NATO's totals."""
        now = math.fsum(g.spending_usd_bn or 0.0 for g in members)
        then = math.fsum(raised[g.ally.iso3] for g in members)
        # The share, GDP and net gap as compare's totals have them: NATO's way (Σ constant-2021 spending /
        # Σ constant-2021 GDP where its tables give the year), Iceland's GDP counted as in NATO's totals.
        gdp_only = [g for g in everyone if g.status is Status.NO_ARMED_FORCES and g.ally.iso3 in pool]
        summed = group_total(name, [*members, *gdp_only], ()) if members else None
        gdp = summed.gdp_usd_bn if summed else 0.0
        # No member with GDP (a what-if dataset, an edition without the United States): missing, not 0.
        share = (
            ShareFigure(
                summed.share_pct,
                any(g.share.estimate for g in members if g.share),
                " ".join(sorted({g.share.source for g in members if g.share and g.share.source})) or None,
            )
            if summed is not None and gdp > 0
            else None
        )
        net_gap = (target.share_pct - share.pct) / 100 * gdp if share is not None else None
        return BurdenRow(
            name,
            None,
            now,
            part(now, total_spending),
            then,
            part(then, raised_total),
            share,
            gdp_usd_bn=gdp,
            gap_usd_bn=net_gap,
            shortfall_usd_bn=then - now if members else None,
            members=tuple(g.ally.iso3 for g in members),
            group=group,
        )

    groups = [
        total(
            "United States (total)",
            [g for g in counted if g.ally.iso3 in NOT_EUROPE_OR_CANADA],
            NOT_EUROPE_OR_CANADA,
        ),
        total(
            f"{EUROPE_AND_CANADA} (total)",
            [g for g in counted if g.ally.iso3 not in NOT_EUROPE_OR_CANADA],
            {g.ally.iso3 for g in everyone} - NOT_EUROPE_OR_CANADA,
        ),
    ]
    asked = []
    for group in groups_asked(groups_given):
        members = [g for g in counted if g.ally.iso3 in group.members]
        if not members:
            raise SpendcalcError(
                f"group {group.name!r}: no member counts in {year}: none was yet an ally with a share and GDP"
            )
        asked.append(
            total(
                group.name,
                sorted(members, key=lambda g: group.members.index(g.ally.iso3)),
                group.members,
                group,
            )
        )
    sources = {g.share.source for g in counted if g.share and g.share.source}
    sources |= {g.gdp.source for g in counted if g.gdp}
    return BurdenSharing(
        year,
        target,
        tuple(rows),
        tuple(groups),
        total_spending,
        raised_total,
        tuple(sorted(sources)),
        tuple(asked),
        total(ALLIANCE, counted, {g.ally.iso3 for g in everyone}),
    )


def groups_asked(groups: Sequence[GroupSpec]) -> tuple[GroupSpec, ...]:
    """The groups asked for beyond those always shown (NATO, and Europe and Canada)."""
    asked = tuple(g for g in groups if g.user_defined or g.id not in DEFAULT_GROUP_IDS)
    for group in asked:
        if group.name in (ALLIANCE, EUROPE_AND_CANADA):
            raise UsageError(f"group name {group.name!r} is taken by a total always shown", "--group")
    return asked
