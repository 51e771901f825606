"""Group totals computed as NATO computes its aggregates: Σspending / ΣGDP over the members of a year."""

import math
from bisect import bisect_left
from collections.abc import Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from spendcalc.domain.gaps import AllyGaps, GapRows, Status, gap_rows
from spendcalc.domain.targets import TargetSpec
from spendcalc.errors import SpendcalcError, UsageError

if TYPE_CHECKING:
    from spendcalc.data.schema import Dataset

EUROPE_AND_CANADA = "Europe and Canada"


ALLIANCE = "NATO"


NOT_EUROPE_OR_CANADA = frozenset({"USA"})


DEFAULT_GROUP_IDS = ("nato", "europe-canada")
"""The groups every comparison totals: NATO and Europe and Canada (the dataset's ids for them)."""


class GroupSpec(NamedTuple):
    """A group to total: the dataset's (`--group eu`) or the user's own (`--group baltics=EST,LVA,LTU`)."""

    id: str
    name: str
    members: tuple[str, ...]
    """ISO3 codes; each counts in a year only once it has joined (`counts_in_totals`)."""
    user_defined: bool = False
    url: str | None = None
    """The source of the membership, where the dataset gives one."""


def parse_group(dataset: "Dataset", text: str) -> GroupSpec:
    """A group id of the dataset, or NAME=COUNTRY,COUNTRY,... for a group of the user's own (countries
    as ISO3, ISO2 or names, as everywhere). An unknown id is one line listing the dataset's ids."""
    from spendcalc.domain.countries import resolve_country

    if "=" not in text:
        group = dataset.find_group(text.strip())
        return GroupSpec(group.id, group.name, group.members, url=group.url)
    name, _, members_text = text.partition("=")
    name = name.strip()
    if not name:
        raise UsageError(f"group {text!r} has no name: write NAME=COUNTRY,COUNTRY,...", "--group")
    parts = [p.strip() for p in members_text.split(",")]
    if not any(parts):
        raise UsageError(f"group {name!r} has no members: write {name}=COUNTRY,COUNTRY,...", "--group")
    if not all(parts):
        raise UsageError(f"group {name!r}: an empty member in {members_text!r}", "--group")
    members: list[str] = []
    for part in parts:
        try:
            ally = resolve_country(dataset, part)
        except UsageError:
            raise
        except SpendcalcError as error:
            raise SpendcalcError(f"group {name!r}: {error}") from None
        if ally.iso3 in members:
            raise UsageError(f"group {name!r}: {ally.name} is listed twice", "--group")
        members.append(ally.iso3)
    return GroupSpec(name, name, tuple(members), user_defined=True)


def parse_groups(dataset: "Dataset", texts: Sequence[str]) -> tuple[GroupSpec, ...]:
    """The groups asked for, each once, in the order given."""
    groups: list[GroupSpec] = []
    for text in texts:
        group = parse_group(dataset, text)
        if any(g.id == group.id or g.name == group.name for g in groups):
            raise UsageError(f"group {group.id!r} is given twice", "--group")
        groups.append(group)
    return tuple(groups)


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
    real_share_pct: float | None = None
    """Σ constant-2021 spending / Σ constant-2021 GDP, NATO's way, where every member has NATO's figures."""
    gdp_only: tuple[str, ...] = ()
    """Members without armed forces (Iceland) whose GDP counts in `gdp_usd_bn`, as in NATO's totals."""

    @property
    def share_pct(self) -> float:
        if self.real_share_pct is not None:
            return self.real_share_pct
        return self.spending_usd_bn / self.gdp_usd_bn * 100


_OK, _NO_ARMED_FORCES = Status.OK, Status.NO_ARMED_FORCES
"""Read once: an enum member read from its class took most of `counts_in_totals` on Python 3.11, which
is asked for every member of every total."""


def counts_in_totals(gaps: AllyGaps) -> bool:
    """An ally counts in a year's totals if it was an ally that year and has both a share and GDP.

    NATO's tables also give figures for years before an ally joined (Finland and Sweden from 2014):
    they are shown, but a 2014 total is the total of the allies of 2014."""
    return gaps.status is _OK and gaps.ally.joined <= gaps.year


def group_total(name: str, members: Sequence[AllyGaps], targets: Sequence[TargetSpec]) -> GroupTotal:
    # One pass over the members sorts them (a total is asked of every member of every group each year):
    # those counted (`counts_in_totals`), the others, and among those the members without armed forces
    # (Iceland) whose GDP counts, as NATO's GDP totals include it.
    counted: list[AllyGaps] = []
    excluded: list[str] = []
    gdp_only: list[AllyGaps] = []
    for member in members:
        status = member.status
        if status is _OK and member.ally.joined <= member.year:
            counted.append(member)
            continue
        excluded.append(member.ally.iso3)
        if status is _NO_ARMED_FORCES and member.gdp and member.ally.joined <= member.year:
            gdp_only.append(member)
    if not counted:
        raise SpendcalcError(f"{name}: no ally has both a share and GDP for this year")
    gdp_total = math.fsum(
        [*(m.gdp.usd_bn for m in counted if m.gdp), *(m.gdp.usd_bn for m in gdp_only if m.gdp)]
    )
    spending_total = math.fsum(m.spending_usd_bn for m in counted if m.spending_usd_bn is not None)
    real_share = _real_share([*counted, *gdp_only], len(counted))
    share = real_share if real_share is not None else spending_total / gdp_total * 100
    # A member's gap to a target is target − share (the same float as its row's gap_pp, gaps.gap_rows),
    # positive exactly when its share is below the target: with the members in order of share, those
    # below a target come first, and those meeting it are the rest (a look-up, not a pass over them).
    # The shortfall sums the below members' gaps in money, computed as their rows compute them
    # (tests/test_scale.py holds the two to be the same floats).
    ranked = sorted(
        [(m.share.pct, m.gdp.usd_bn, m) for m in counted if m.share is not None and m.gdp is not None],
        key=itemgetter(0, 1),
    )
    ranked_shares = [pct for pct, _, _ in ranked]
    asked = tuple(targets)
    # Each member's gap in money to each target (its rows' own column when its rows are for these
    # targets), the members' one after another in order of share: a target's figures are then every
    # len(asked)-th, and those of the members below it the first `below` of them, summed exactly (fsum).
    count = len(asked)
    block = memoryview(b"".join([_usd_doubles(m, asked, p, g) for p, g, m in ranked])).cast("d")
    rows = []
    for position, target in enumerate(asked):
        pct = target.share_pct
        gap_pp = pct - share
        below = bisect_left(ranked_shares, pct)
        rows.append(
            GroupRow(
                target,
                gap_pp,
                gap_pp / 100 * gdp_total,
                math.fsum(block[position : below * count : count]),
                len(ranked) - below,
                len(ranked),
            )
        )
    return GroupTotal(
        name,
        tuple(m.ally.iso3 for m in counted),
        tuple(excluded),
        gdp_total,
        spending_total,
        tuple(rows),
        any(m.share.estimate for m in counted if m.share is not None),
        real_share,
        tuple(m.ally.iso3 for m in gdp_only),
    )


def _usd_doubles(
    member: AllyGaps, targets: tuple[TargetSpec, ...], share_pct: float, gdp_usd_bn: float
) -> bytes:
    """A counted member's gap in US$ bn to each of `targets`, as doubles: its rows' own if they are for
    these targets, else computed as its rows compute them (`gap_rows`). With GDP, every one is a number."""
    rows = member.rows
    if isinstance(rows, GapRows) and (rows.targets is targets or rows.targets == targets):
        own = rows.doubles("gap_usd_bn")
        if own is not None:
            return own
    return gap_rows(targets, share_pct, gdp_usd_bn, None).doubles("gap_usd_bn") or b""


def _real_share(members: Sequence[AllyGaps], with_spending: int) -> float | None:
    """NATO's way: Σ constant-2021 spending / Σ constant-2021 GDP, where NATO's tables give every member's
    (the first `with_spending` members count their spending, the others their GDP only); else None."""
    figures = [m.money for m in members]
    if not figures or any(f is None for f in figures):
        return None
    spending = [f.real_spending_usd_bn for f in figures[:with_spending] if f is not None]
    if None in spending or any(
        m.spending_usd_bn != (m.money.spending_usd_bn if m.money else None) for m in members[:with_spending]
    ):
        return None  # a share given by hand: NATO's figures do not apply
    gdp = math.fsum(f.real_gdp_usd_bn for f in figures if f is not None)
    return math.fsum(s for s in spending if s is not None) / gdp * 100 if gdp > 0 else None
