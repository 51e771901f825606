"""Every ally against every target in one year, sorted and filtered, with the group totals."""

from collections.abc import Mapping, Sequence
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple

from spendcalc.choices import SortKey
from spendcalc.collector import collector_paused
from spendcalc.data.schema import Dataset
from spendcalc.domain.countries import fold
from spendcalc.domain.gaps import AllyGaps, RowBatch, ally_gaps, target_index
from spendcalc.domain.groups import (
    ALLIANCE,
    DEFAULT_GROUP_IDS,
    EUROPE_AND_CANADA,
    NOT_EUROPE_OR_CANADA,
    GroupSpec,
    GroupTotal,
    counts_in_totals,
    group_total,
    parse_groups,
)
from spendcalc.domain.targets import DEFAULT_TARGETS, TargetSpec, parse_targets
from spendcalc.domain.years import check_year, default_year
from spendcalc.errors import SpendcalcError, UsageError


class Comparison(NamedTuple):
    year: int
    targets: tuple[TargetSpec, ...]
    allies: tuple[AllyGaps, ...]
    """The allies shown, sorted and filtered as asked."""
    totals: tuple[GroupTotal, ...]
    """NATO and Europe-and-Canada, then the groups asked for (`--group`), always over every member,
    whatever was filtered."""
    spending_shares: Mapping[str, float]
    """ISO3 -> share of total alliance spending, in per cent."""
    groups: tuple[GroupSpec, ...] = ()
    """The groups asked for beyond NATO and Europe and Canada, in the order of their totals."""


def compare_allies(
    dataset: Dataset,
    year: int,
    targets: Sequence[TargetSpec],
    sort: SortKey = SortKey.NAME,
    only_below: bool = False,
    groups: Sequence[GroupSpec] = (),
) -> Comparison:
    targets = tuple(targets)
    positions = target_index(targets)
    batch = RowBatch()  # the allies' GapRow tuples made together, when any is first read
    everyone = [ally_gaps(dataset, ally, year, targets, None, positions, batch) for ally in dataset.allies]
    totals: tuple[GroupTotal, ...] = (
        group_total(ALLIANCE, everyone, targets),
        group_total(
            EUROPE_AND_CANADA, [g for g in everyone if g.ally.iso3 not in NOT_EUROPE_OR_CANADA], targets
        ),
    )
    extra = tuple(g for g in groups if g.user_defined or g.id not in DEFAULT_GROUP_IDS)
    totals += tuple(_extra_totals(everyone, targets, extra))
    alliance_spending = totals[0].spending_usd_bn
    # With nothing spent at all (a what-if dataset), nobody has a share of it: missing, not 0.
    spending_shares = {
        g.ally.iso3: g.spending_usd_bn / alliance_spending * 100
        for g in everyone
        if counts_in_totals(g) and g.spending_usd_bn is not None and alliance_spending > 0
    }
    shown = everyone
    if only_below and targets:
        lowest = min(targets, key=lambda t: t.share_pct)
        shown = [g for g in everyone if (r := g.row(lowest)) is not None and not r.meets]
    return Comparison(
        year,
        tuple(targets),
        tuple(sort_allies(shown, sort)),
        totals,
        MappingProxyType(spending_shares),
        extra,
    )


def _extra_totals(
    everyone: Sequence[AllyGaps], targets: tuple[TargetSpec, ...], groups: Sequence[GroupSpec]
) -> list[GroupTotal]:
    """The totals of the groups asked for beyond the two always shown."""
    by_iso3 = {g.ally.iso3: g for g in everyone}
    totals = []
    for group in groups:
        if group.name in (ALLIANCE, EUROPE_AND_CANADA):
            raise UsageError(f"group name {group.name!r} is taken by a total always shown", "--group")
        members = [by_iso3[m] for m in group.members if m in by_iso3]
        if not any(counts_in_totals(m) for m in members):
            year = members[0].year if members else "this year"
            raise SpendcalcError(
                f"group {group.name!r}: no member counts in {year}: none was yet an ally with a share and GDP"
            )
        totals.append(group_total(group.name, members, targets))
    return totals


_folded = lru_cache(maxsize=4096)(fold)
"""An ally's name folded for sorting, once per name: a loop over years sorts the same names each year."""


def sort_allies(allies: Sequence[AllyGaps], key: SortKey) -> list[AllyGaps]:
    """Sort by name, by share (highest first) or by gap to the first target (largest first); n/a last."""
    by_name = sorted(allies, key=lambda g: _folded(g.ally.name))
    if key is SortKey.NAME:
        return by_name
    with_share = [g for g in by_name if g.share is not None]
    without = [g for g in by_name if g.share is None]
    # A gap to any target is T − share, so the largest gap first is the lowest share first.
    ranked = sorted(with_share, key=lambda g: g.share.pct if g.share else 0.0, reverse=key is SortKey.SHARE)
    return ranked + without


def compare(
    dataset: Dataset,
    targets: Sequence[str | float] | str | float | None = DEFAULT_TARGETS,
    year: int | str | None = None,
    sort: SortKey | str = SortKey.NAME,
    only_below: bool = False,
    groups: Sequence[str] = (),
) -> Comparison:
    """Every ally against every target, with totals (library entry point); `groups` adds group totals:
    ids of the dataset's groups ('eu', 'baltic') or groups of one's own ('baltics=EST,LVA,LTU')."""
    specs = parse_targets(targets, dataset.targets)
    chosen = default_year(dataset) if year is None else check_year(dataset, year)
    try:
        key = SortKey(sort)
    except ValueError:
        choices = ", ".join(k.value for k in SortKey)
        raise UsageError(f"sort {sort!r} is not one of {choices}", "--sort") from None
    if isinstance(groups, str):
        groups = [groups]
    chosen_groups = parse_groups(dataset, groups)
    with collector_paused():  # allies x targets rows, none in a cycle
        return compare_allies(dataset, chosen, specs, key, only_below, chosen_groups)
