"""Pure calculations over a loaded dataset: gaps to targets, comparisons and group totals.

No I/O and no printing. Every result is an immutable NamedTuple that keeps the figures unrounded and the
sources they rest on; compliance is decided on the unrounded values.
"""

import difflib
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from enum import Enum
from types import MappingProxyType
from typing import NamedTuple

from spendcalc.errors import SpendcalcError, UsageError
from spendcalc.models import Ally, Dataset, Gdp, Population, Share, Target

DEFAULT_TARGETS = ("2", "2.5", "3.5", "5")
EUROPE_AND_CANADA = "Europe and Canada"
ALLIANCE = "NATO"
NOT_EUROPE_OR_CANADA = frozenset({"USA"})


# --- targets -------------------------------------------------------------------------------------


class TargetSpec(NamedTuple):
    """A target share of GDP, given as a number or by the id of a target in the dataset."""

    share_pct: float
    id: str | None = None
    label: str | None = None

    @property
    def name(self) -> str:
        return self.id or f"{format_pct(self.share_pct)}%"


def format_pct(value: float) -> str:
    """2.0 -> '2', 2.5 -> '2.5', 3.25 -> '3.25' (shortest exact form, for names and headers)."""
    return f"{value:.10g}"


def parse_pct(text: str) -> float:
    """A percentage as people write it: `2.5`, `2.5%`, `2,5` (comma decimals appear in real texts)."""
    return float(text.strip().removesuffix("%").strip().replace(",", "."))


def parse_target(text: str | float, known: Sequence[Target] = ()) -> TargetSpec:
    """Accept `2`, `2.5`, `2.5%`, `2,5`, a number, or a target id such as `hague-core`."""
    text = str(text)
    cleaned = text.strip()
    if cleaned.casefold() == "hague":
        raise UsageError(
            "target 'hague' (3.5% core + 1.5% related) is for `path`; here give hague-core or hague-5pct",
            "--target",
        )
    if ":" in cleaned:
        raise UsageError(
            f"target {text!r}: a sweep START:STOP:STEP gives several targets; this needs one", "--target"
        )
    for target in known:
        if cleaned.casefold() == target.id:
            if target.of == "defence_expenditure":
                raise UsageError(
                    f"target {target.id!r} is a share of defence expenditure, not of GDP; "
                    "it cannot be compared with a share of GDP",
                    "--target",
                )
            if target.of == "related_spending":
                raise UsageError(
                    f"target {target.id!r} is defence-related spending, which NATO does not measure yet: "
                    "it cannot be compared with a defence share; plan it with `path -t hague`",
                    "--target",
                )
            return TargetSpec(target.share_pct, target.id, target.label)
    try:
        value = parse_pct(cleaned)
    except ValueError:
        ids = ", ".join(t.id for t in known if t.of == "gdp")
        hint = f" or a target id ({ids})" if ids else ""
        raise UsageError(
            f"target {text!r} is not a share of GDP: give a number such as 2.5{hint}", "--target"
        ) from None
    if not math.isfinite(value):
        raise UsageError(f"target {text!r} must be a finite number", "--target")
    if not 0 < value <= 100:
        raise UsageError(f"target {text!r} must be above 0 and at most 100 (% of GDP)", "--target")
    return TargetSpec(value)


MAX_SWEEP = 500
"""A sweep of more targets than this is almost surely a typo (a step of 0.001)."""


def expand_sweep(text: str) -> list[str]:
    """`1:6:0.5` -> ['1', '1.5', ..., '6']: START to STOP inclusive, in steps of STEP (% of GDP)."""
    parts = [part.strip().removesuffix("%").replace(",", ".") for part in text.split(":")]
    try:
        start, stop, step = (Decimal(part) for part in parts)
    except (ValueError, ArithmeticError):
        raise UsageError(
            f"sweep {text!r}: give START:STOP:STEP as numbers, e.g. 1:6:0.5", "--target"
        ) from None
    if not all(v.is_finite() for v in (start, stop, step)) or step <= 0 or start > stop:
        raise UsageError(f"sweep {text!r}: needs START ≤ STOP and a STEP above 0, e.g. 1:6:0.5", "--target")
    count = int((stop - start) / step) + 1
    if count > MAX_SWEEP:
        raise UsageError(f"sweep {text!r} gives {count} targets; at most {MAX_SWEEP}", "--target")
    # Decimal steps, so that 0.1 steps land on 0.3 and not on 0.30000000000000004.
    return [str(start + step * i) for i in range(count)]


def parse_targets(texts: Iterable[str | float], known: Sequence[Target] = ()) -> tuple[TargetSpec, ...]:
    """Parse targets in the order given, expanding sweeps (`1:6:0.5`) and dropping repeats of the same
    share (`2` and `nato-2pct`)."""
    specs: list[TargetSpec] = []
    for given in texts:
        text = str(given)
        for part in expand_sweep(text) if text.count(":") == 2 else [text]:
            spec = parse_target(part, known)
            if all(s.share_pct != spec.share_pct for s in specs):
                specs.append(spec)
    return tuple(specs)


# --- countries -----------------------------------------------------------------------------------


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace(".", "")


def country_keys(ally: Ally) -> tuple[str, ...]:
    return (ally.iso3, ally.iso2, ally.name, *ally.aliases)


def resolve_country(dataset: Dataset, text: str) -> Ally:
    """Find an ally by ISO3, ISO2, English name or alias, in any case and with or without accents."""
    wanted = _fold(text)
    if not wanted:
        raise SpendcalcError("country is empty: give an ISO code or a name, e.g. POL or Poland")
    exact = [a for a in dataset.allies if any(_fold(k) == wanted for k in country_keys(a))]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        names = ", ".join(a.name for a in exact)
        raise SpendcalcError(f"country {text!r} is ambiguous: {names}")
    if len(wanted) >= 3:
        prefixed = [
            a for a in dataset.allies if any(_fold(k).startswith(wanted) for k in (a.name, *a.aliases))
        ]
        if len(prefixed) == 1:
            return prefixed[0]
        if len(prefixed) > 1:
            names = " or ".join(a.name for a in prefixed[:3])
            raise SpendcalcError(f"country {text!r} is ambiguous: did you mean {names}?")
    by_key = {_fold(k): a for a in dataset.allies for k in country_keys(a) if len(k) > 2}
    close = difflib.get_close_matches(wanted, list(by_key), n=6, cutoff=0.6)
    suggestions = list(dict.fromkeys(by_key[k].name for k in close))[:3]
    hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else "; see `spendcalc countries`"
    raise SpendcalcError(f"unknown country {text!r}{hint}")


# --- years ---------------------------------------------------------------------------------------


def share_years(dataset: Dataset) -> tuple[int, ...]:
    return tuple(sorted({y for a in dataset.allies for y in a.share_years}))


def default_year(dataset: Dataset) -> int:
    """The latest year in which every ally with armed forces has a share."""
    armed = [set(a.share_years) for a in dataset.allies if a.has_armed_forces]
    common = set.intersection(*armed) if armed else set()
    if common:
        return max(common)
    years = share_years(dataset)
    if not years:
        raise SpendcalcError("the dataset has no defence shares at all")
    return years[-1]


def year_span(years: Sequence[int]) -> str:
    if not years:
        return "none"
    if list(years) == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    return ", ".join(map(str, years))


def check_year(dataset: Dataset, year: int) -> int:
    years = share_years(dataset)
    if year not in years:
        raise SpendcalcError(f"no defence shares for {year}; years with data: {year_span(years)}")
    return year


# --- one ally ------------------------------------------------------------------------------------


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

    def row(self, target: TargetSpec) -> GapRow | None:
        return next((r for r in self.rows if r.target == target), None)


def gap_row(
    target: TargetSpec, share_pct: float, gdp_usd_bn: float | None, population_m: float | None
) -> GapRow:
    gap_pp = target.share_pct - share_pct
    gap_usd_bn = gap_pp / 100 * gdp_usd_bn if gdp_usd_bn is not None else None
    per_capita = gap_usd_bn * 1e9 / (population_m * 1e6) if gap_usd_bn is not None and population_m else None
    return GapRow(target, gap_pp, gap_usd_bn, per_capita)


def ally_gaps(
    dataset: Dataset,
    ally: Ally,
    year: int,
    targets: Sequence[TargetSpec],
    current_pct: float | None = None,
) -> AllyGaps:
    """An ally's share, spending and gap to each target in `year`; `current_pct` replaces its share."""
    del dataset  # the ally carries its figures; kept for a uniform signature with the other entry points
    gdp = ally.gdp(year)
    population = ally.population(year)
    recorded = ally.share(year)
    if not ally.has_armed_forces:
        if current_pct is not None:
            raise SpendcalcError(f"{ally.name} has no armed forces: there is no defence share to replace")
        return AllyGaps(ally, year, Status.NO_ARMED_FORCES, None, gdp, population, None, (), tuple(targets))
    if current_pct is not None:
        share: ShareFigure | None = ShareFigure.supplied(current_pct)
    else:
        share = ShareFigure.of(recorded) if recorded is not None else None
    if share is None:
        return AllyGaps(ally, year, Status.NO_SHARE, None, gdp, population, None, (), tuple(targets))
    gdp_bn = gdp.usd_bn if gdp else None
    spending = share.pct / 100 * gdp_bn if gdp_bn is not None else None
    rows = tuple(gap_row(t, share.pct, gdp_bn, population.millions if population else None) for t in targets)
    status = Status.OK if gdp is not None else Status.NO_GDP
    return AllyGaps(ally, year, status, share, gdp, population, spending, rows, tuple(targets))


def gap(
    dataset: Dataset,
    country: str,
    targets: Sequence[str | float] = DEFAULT_TARGETS,
    year: int | None = None,
    current_pct: float | None = None,
) -> AllyGaps:
    """The gap of one ally, by country name or code, to each target (library entry point)."""
    specs = parse_targets(targets, dataset.targets)
    ally = resolve_country(dataset, country)
    chosen = default_year(dataset) if year is None else check_year(dataset, year)
    return ally_gaps(dataset, ally, chosen, specs, current_pct)


# --- groups --------------------------------------------------------------------------------------


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
    return GroupTotal(
        name, tuple(m.ally.iso3 for m in counted), excluded, gdp_total, spending_total, tuple(rows)
    )


class SortKey(str, Enum):
    NAME = "name"
    SHARE = "share"
    GAP = "gap"


class Comparison(NamedTuple):
    year: int
    targets: tuple[TargetSpec, ...]
    allies: tuple[AllyGaps, ...]
    """The allies shown, sorted and filtered as asked."""
    totals: tuple[GroupTotal, ...]
    """NATO and Europe-and-Canada, always over every ally, whatever was filtered."""
    spending_shares: Mapping[str, float]
    """ISO3 -> share of total alliance spending, in per cent."""


def compare_allies(
    dataset: Dataset,
    year: int,
    targets: Sequence[TargetSpec],
    sort: SortKey = SortKey.NAME,
    only_below: bool = False,
) -> Comparison:
    everyone = [ally_gaps(dataset, ally, year, targets) for ally in dataset.allies]
    totals = (
        group_total(ALLIANCE, everyone, targets),
        group_total(
            EUROPE_AND_CANADA, [g for g in everyone if g.ally.iso3 not in NOT_EUROPE_OR_CANADA], targets
        ),
    )
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
        year, tuple(targets), tuple(sort_allies(shown, sort)), totals, MappingProxyType(spending_shares)
    )


def sort_allies(allies: Sequence[AllyGaps], key: SortKey) -> list[AllyGaps]:
    """Sort by name, by share (highest first) or by gap to the first target (largest first); n/a last."""
    by_name = sorted(allies, key=lambda g: _fold(g.ally.name))
    if key is SortKey.NAME:
        return by_name
    with_share = [g for g in by_name if g.share is not None]
    without = [g for g in by_name if g.share is None]
    # A gap to any target is T − share, so the largest gap first is the lowest share first.
    ranked = sorted(with_share, key=lambda g: g.share.pct if g.share else 0.0, reverse=key is SortKey.SHARE)
    return ranked + without


def compare(
    dataset: Dataset,
    targets: Sequence[str | float] = DEFAULT_TARGETS,
    year: int | None = None,
    sort: SortKey | str = SortKey.NAME,
    only_below: bool = False,
) -> Comparison:
    """Every ally against every target, with totals (library entry point)."""
    specs = parse_targets(targets, dataset.targets)
    chosen = default_year(dataset) if year is None else check_year(dataset, year)
    try:
        key = SortKey(sort)
    except ValueError:
        choices = ", ".join(k.value for k in SortKey)
        raise UsageError(f"sort {sort!r} is not one of {choices}", "--sort") from None
    return compare_allies(dataset, chosen, specs, key, only_below)


# --- history -------------------------------------------------------------------------------------


class HistoryYear(NamedTuple):
    year: int
    share: ShareFigure | None
    gdp: Gdp | None
    spending_usd_bn: float | None


def history(ally: Ally, from_year: int | None = None, to_year: int | None = None) -> tuple[HistoryYear, ...]:
    """An ally's share and spending for each year with a share (or with GDP, for an ally without one)."""
    years = ally.share_years or ally.gdp_years
    if not years:
        raise SpendcalcError(f"{ally.name}: no figures in any year")
    first = years[0] if from_year is None else from_year
    last = years[-1] if to_year is None else to_year
    if from_year is not None and to_year is not None and from_year > to_year:
        raise SpendcalcError(f"--from {from_year} is after --to {to_year}")
    chosen = [y for y in years if first <= y <= last]
    if not chosen:
        raise SpendcalcError(
            f"{ally.name}: no figures for {first}–{last}; years with data: {year_span(years)}"
        )
    rows = []
    for year in chosen:
        recorded = ally.share(year)
        gdp = ally.gdp(year)
        share = ShareFigure.of(recorded) if recorded else None
        spending = share.pct / 100 * gdp.usd_bn if share and gdp else None
        rows.append(HistoryYear(year, share, gdp, spending))
    return tuple(rows)


# --- burden sharing ------------------------------------------------------------------------------


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
    raised = {
        g.ally.iso3: max(g.spending_usd_bn or 0.0, target.share_pct / 100 * g.gdp.usd_bn)
        for g in counted
        if g.gdp is not None
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
