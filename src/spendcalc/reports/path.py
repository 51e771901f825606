"""`path`: year by year to a target, priced against a stated baseline."""

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from spendcalc.choices import Baseline, Currency
from spendcalc.data.schema import Dataset
from spendcalc.domain.currency import Conversion
from spendcalc.domain.targets import TargetSpec, format_pct
from spendcalc.domain.trajectories import (
    DefencePath,
    GroupPath,
    GroupPathLine,
    GroupPathYear,
    PathLine,
    PathYear,
)
from spendcalc.reports.columns import Field, Item, Table, share_decimals
from spendcalc.reports.common import (
    ASSUMED_GDP_NOTE,
    GDP_MARK_NOTE,
    GDP_MARKS,
    gdp_source_changes,
    metadata,
    money_note,
    rate_note,
    share_origin,
    share_text,
    source_notes,
)
from spendcalc.reports.model import Kind, Report

BASELINE_WORDS = {
    Baseline.FLAT_SHARE: "a flat {share}% of each year's GDP",
    Baseline.FLAT_CASH: "flat cash ({year} spending of {money} each year, no growth)",
}


RELATED_NOTE = (
    "Defence-related (up to 1.5%): NATO does not yet measure this slice, so it is planned from 0 and its "
    "extra is the whole slice; it never offsets a shortfall in core defence."
)


def _money(value: float | None, code: str) -> str:
    return "n/a" if value is None else f"{'US$' if code == 'USD' else code} {value:,.1f} bn"


def path_report(dataset: Dataset, path: DefencePath, generated: datetime | None = None) -> Report:
    ally = path.ally
    two_lines = len(path.lines) > 1
    table = path_fields(path)
    items = [PathItem(line, point) for line in path.lines for point in line.years]
    sentences = [path_sentence(path, line) for line in path.lines]
    notes = list(sentences)
    if two_lines:
        notes.append(RELATED_NOTE)
    notes += gdp_source_changes([(p.year, p.source) for p in path.gdp.points])
    if path.gdp.growth_basis:
        notes.append(f"GDP growth: {path.gdp.growth_basis}.")
    notes.append(GDP_MARK_NOTE)
    start = path.lines[0].start
    rates = [y.rate for y in path.lines[0].years]
    sources = [
        start.source if start else None,
        *(p.source for p in path.gdp.points),
        *(r.source for r in rates),
    ]
    notes += source_notes(dataset, sources)
    notes.append(money_note(dataset))
    notes += _path_rate_notes(rates, path.currency, ally.name, ally.currency)
    if all(len(line.milestones) == 1 for line in path.lines):  # one target, or The Hague's two parts
        parts = " + ".join(f"{_target_text(line.target)} {line.label.lower()}" for line in path.lines)
        target_names = f"{parts} by {path.by_year}"
    else:
        target_names = _milestones_text(path.lines[0])
    start_text = share_origin(start, dataset) if start is not None else "not measured"
    summary = (
        ("Ally", f"{ally.name} ({ally.iso3})"),
        ("Target", target_names),
        ("Start", f"{share_text(start)}% of GDP in {path.from_year}, {start_text}"),
        ("Shape", f"{path.shape.value} (in share of GDP)"),
        ("Baseline", path.baseline.value),
    )
    return _report(
        dataset,
        path,
        title=f"{ally.name}: path to {target_names}",
        table=table,
        items=items,
        summary=summary,
        notes=notes,
        targets=[line.target for line in path.lines],
        generated=generated,
        extra_metadata={
            "gdp_growth_pct_after_data": path.gdp.growth_pct,
            "gdp_growth_basis": path.gdp.growth_basis,
            "summary": sentences,
        },
    )


def _report(
    dataset: Dataset,
    path: DefencePath | GroupPath,
    *,
    title: str,
    table: Table[Item],
    items: Sequence[Item],
    summary: tuple[tuple[str, str], ...],
    notes: Sequence[str],
    targets: Sequence[TargetSpec],
    generated: datetime | None,
    extra_metadata: dict[str, object],
) -> Report:
    """A path's report, an ally's or groups': the table of its years, and the metadata every path gives
    (the start year, targets, currency, deadline, shape and baseline) before its own."""
    return Report(
        title=title,
        columns=table.columns(),
        rows=table.rows(items),
        summary=summary,
        notes=tuple(notes),
        record_columns=table.record_columns(),
        records=table.records(items),
        metadata=metadata(dataset, path.from_year, targets, generated)
        | {
            "currency": path.currency.value,
            "by_year": path.by_year,
            "shape": path.shape.value,
            "baseline": path.baseline.value,
        }
        | extra_metadata,
    )


def _target_text(target: TargetSpec) -> str:
    """'3.5%'; a rise from the start share also says what it rose from: '3.9% (2.4% +1.5 points)'."""
    shown = f"{format_pct(round(target.share_pct, 4))}%"
    return f"{shown} ({target.label})" if target.id is None and target.label else shown


def _milestones_text(line: PathLine) -> str:
    """'3.5% defence by 2029, then 5% by 2035'."""
    (first, first_year), *rest = line.milestones
    legs = [f"{_target_text(first)} {line.label.lower()} by {first_year}"]
    legs += [f"{_target_text(target)} by {year}" for target, year in rest]
    return ", then ".join(legs)


def path_sentence(path: DefencePath, line: PathLine) -> str:
    """Spending in the target year vs the start year, and the cumulative extra with baseline and years."""
    first, last = line.years[0], line.years[-1]
    code = path.money
    from_year, to_year = path.extra_years
    baseline = (
        BASELINE_WORDS[path.baseline].format(
            share=share_text(line.start), year=path.from_year, money=_money(first.spending_bn, code)
        )
        if line.start is not None
        else "nothing, since the slice is not yet measured"
    )
    held = " (already at or above the target: share held, no rise)" if line.already_met else ""
    return (
        f"{line.label}: spending in {last.year} {_money(last.spending_bn, code)} "
        f"({last.share_pct:.2f}% of GDP) vs {_money(first.spending_bn, code)} in {first.year} "
        f"({first.share_pct:.2f}%){held}. Cumulative extra {from_year}–{to_year} against {baseline}: "
        f"{_money(line.cumulative_extra_bn, code)}."
    )


class PathItem(NamedTuple):
    line: PathLine
    point: PathYear


def path_fields(path: DefencePath) -> Table[PathItem]:
    money = path.money
    shown = ("year", "gdp_bn", "share_pct", "spending_bn", "baseline_bn", "extra_bn", "cumulative_extra_bn")
    return Table(
        (
            Field("iso3", lambda _: path.ally.iso3),
            Field("name", lambda _: path.ally.name),
            Field("line", lambda i: i.line.name, "Line"),
            Field("target_pct", lambda i: i.line.target.share_pct, kind=Kind.PCT),
            Field("by_year", lambda _: path.by_year, kind=Kind.INT),
            # With several milestones, the one this year is on the way to.
            Field("milestone_pct", lambda i: i.line.milestone_for(i.point.year)[0].share_pct, kind=Kind.PCT),
            Field("milestone_year", lambda i: i.line.milestone_for(i.point.year)[1], kind=Kind.INT),
            Field("year", lambda i: i.point.year, "Year", Kind.INT),
            Field(
                "share_pct",
                lambda i: i.point.share_pct,
                "Share\n(% GDP)",
                Kind.PCT,
                # The start year's share is the published figure: shown to the precision it was published to.
                decimals=lambda i: share_decimals(i.line.start) if i.point.year == path.from_year else None,
            ),
            Field("currency", lambda i: i.point.rate.code),
            Field(
                "gdp_bn",
                lambda i: i.point.gdp_bn,
                f"GDP\n({money} bn)",
                Kind.USD_BN,
                mark=lambda i: GDP_MARKS.get(i.point.gdp.kind, ""),
            ),
            Field("spending_bn", lambda i: i.point.spending_bn, f"Spending\n({money} bn)", Kind.USD_BN),
            Field("baseline", lambda _: path.baseline.value),
            Field("baseline_bn", lambda i: i.point.baseline_bn, f"Baseline\n({money} bn)", Kind.USD_BN),
            Field("extra_bn", lambda i: i.point.extra_bn, f"Extra\n({money} bn)", Kind.GAP_USD_BN),
            Field(
                "cumulative_extra_bn",
                lambda i: i.point.cumulative_extra_bn,
                f"Cumulative\n({money} bn)",
                Kind.GAP_USD_BN,
            ),
            Field("gdp_usd_bn", lambda i: i.point.gdp.usd_bn, kind=Kind.USD_BN),
            Field("gdp_kind", lambda i: i.point.gdp.kind),
            Field("gdp_source", lambda i: i.point.gdp.source),
            Field("fx_per_usd", lambda i: i.point.rate.per_usd, kind=Kind.RATE),
            Field("fx_rate_year", lambda i: i.point.rate.rate_year, kind=Kind.INT),
            Field("fx_source", lambda i: i.point.rate.source),
            Field(
                "start_share_source",
                lambda i: (i.line.start.source or "user-supplied") if i.line.start else None,
            ),
        ),
        shown=("line", *shown) if len(path.lines) > 1 else shown,
    )


def _path_rate_notes(rates: Sequence[Conversion], currency: Currency, name: str, code: str) -> list[str]:
    """One note per run of years on the same kind of rate: NATO's, the IMF's, the ECB's, carried forward."""
    notes: list[str] = []
    runs: list[list[Conversion]] = []
    for rate in rates:
        if runs and (runs[-1][-1].method, runs[-1][-1].carried_forward) == (
            rate.method,
            rate.carried_forward,
        ):
            runs[-1].append(rate)
        else:
            runs.append([rate])
    for run in runs:
        first, last = run[0], run[-1]
        if first.source is None:  # US$ itself
            continue
        if first.carried_forward:
            what = "the IMF's last implied rate" if first.method == "imf" else "the last full year's average"
            note = (
                f"{first.code} per US$ for {first.year}–{last.year}: {first.per_usd:.4f}, "
                f"{what} ({first.rate_year}) carried forward [{first.source}]."
            )
        elif len(run) == 1:
            note = rate_note(first, currency, name, code) or ""
        else:
            low, high = min(r.per_usd for r in run), max(r.per_usd for r in run)
            what = {
                "nato": "the rates implied by NATO's tables (national-currency ÷ US$ spending)",
                "imf": "the IMF's implied rates (GDP in national currency ÷ GDP in US$)",
            }.get(first.method, "annual averages of the ECB's daily reference rates")
            note = (
                f"{first.code} per US$ for {first.year}–{last.year}: {low:.4f}–{high:.4f}, {what} "
                f"[{first.source}]."
            )
        if note and note not in notes:
            notes.append(note)
    return notes


# --- a group's path: the sum of its members' paths ------------------------------------------------


class GroupPathItem(NamedTuple):
    path: GroupPath
    line: GroupPathLine
    point: GroupPathYear


def group_path_fields(paths: Sequence[GroupPath]) -> Table[GroupPathItem]:
    money = paths[0].money
    two_lines = any(len(p.lines) > 1 for p in paths)
    several = len(paths) > 1

    def sources(item: GroupPathItem, kind: str) -> str:
        counted = [p for p in item.path.paths if p.ally.iso3 in item.point.members]
        index = item.point.year - item.path.from_year
        if kind == "gdp":
            ids = [p.gdp.points[index].source for p in counted]
            ids += [
                g.gdp.points[index].source for g in item.path.gdp_only if g.ally.joined <= item.point.year
            ]
        else:
            ids = [s.source if (s := p.lines[0].start) else None for p in counted]
        return " ".join(dict.fromkeys(i for i in ids if i))

    def estimate(item: GroupPathItem) -> bool:
        return any(
            p.lines[0].start is not None and p.lines[0].start.estimate
            for p in item.path.paths
            if p.ally.iso3 in item.point.members
        )

    shown = (
        "year",
        "gdp_bn",
        "share_pct",
        "spending_bn",
        "extra_bn",
        "cumulative_extra_bn",
        "net_gap_bn",
        "shortfall_bn",
    )
    return Table(
        (
            Field("group", lambda i: i.path.group.name, "Group"),
            Field("group_id", lambda i: None if i.path.group.user_defined else i.path.group.id),
            Field("line", lambda i: i.line.name, "Line"),
            Field("target_pct", lambda i: i.point.target_pct, kind=Kind.PCT),
            Field("by_year", lambda i: i.path.by_year, kind=Kind.INT),
            Field("year", lambda i: i.point.year, "Year", Kind.INT),
            Field("members", lambda i: " ".join(i.point.members)),
            Field("members_counted", lambda i: len(i.point.members), kind=Kind.INT),
            Field("share_pct", lambda i: i.point.share_pct, "Share\n(% GDP)", Kind.PCT),
            Field("start_share_estimate", estimate, kind=Kind.BOOL),
            Field("currency", lambda i: i.path.money),
            Field(
                "gdp_bn",
                lambda i: i.point.gdp_bn,
                f"GDP\n({money} bn)",
                Kind.USD_BN,
                mark=lambda i: "a" if i.point.assumed_gdp else "",
            ),
            Field("spending_bn", lambda i: i.point.spending_bn, f"Spending\n({money} bn)", Kind.USD_BN),
            Field("baseline", lambda i: i.path.baseline.value),
            Field("baseline_bn", lambda i: i.point.baseline_bn, f"Baseline\n({money} bn)", Kind.USD_BN),
            Field("extra_bn", lambda i: i.point.extra_bn, f"Extra\n({money} bn)", Kind.GAP_USD_BN),
            Field(
                "cumulative_extra_bn",
                lambda i: i.point.cumulative_extra_bn,
                f"Cumulative\n({money} bn)",
                Kind.GAP_USD_BN,
            ),
            Field("net_gap_bn", lambda i: i.point.net_gap_bn, f"Net gap\n({money} bn)", Kind.GAP_USD_BN),
            Field(
                "shortfall_bn", lambda i: i.point.shortfall_bn, f"Shortfall\n({money} bn)", Kind.GAP_USD_BN
            ),
            Field("gdp_assumed", lambda i: i.point.assumed_gdp, kind=Kind.BOOL),
            Field("gdp_sources", lambda i: sources(i, "gdp")),
            Field("start_share_sources", lambda i: sources(i, "share")),
        ),
        shown=(*(("group",) if several else ()), *(("line",) if two_lines else ()), *shown),
    )


def group_path_sentence(path: GroupPath, line: GroupPathLine) -> str:
    first, last = line.years[0], line.years[-1]
    code = path.money
    from_year, to_year = path.extra_years
    baseline = (
        "each member's own start share of each year's GDP"
        if path.baseline is Baseline.FLAT_SHARE
        else f"each member's {path.from_year} spending in cash"
    )
    if line.name == "related":
        baseline = "nothing, since the slice is not yet measured"
    return (
        f"{path.group.name}, {line.label.lower()}: spending in {last.year} {_money(last.spending_bn, code)} "
        f"({last.share_pct:.2f}% of GDP) vs {_money(first.spending_bn, code)} in {first.year} "
        f"({first.share_pct:.2f}%). Cumulative extra {from_year}–{to_year} against {baseline}: "
        f"{_money(line.cumulative_extra_bn, code)}."
    )


def group_path_report(
    dataset: Dataset, paths: Sequence[GroupPath], generated: datetime | None = None
) -> Report:
    """One or more groups, each the sum of its members' own paths to the target."""
    from spendcalc.reports.groups import GROUP_GAPS_NOTE, PATH_MEMBERSHIP_NOTE, group_note

    first = paths[0]
    table = group_path_fields(paths)
    items = [GroupPathItem(p, line, point) for p in paths for line in p.lines for point in line.years]
    names = {a.iso3: a.name for a in dataset.allies}
    sentences = [group_path_sentence(p, line) for p in paths for line in p.lines]
    notes = list(sentences)
    notes.append(
        "Each member follows its own path to the target (a floor: a member above it keeps its share; a "
        "rise +N is from its own start share); the group's spending, GDP, baseline and extra are their sums "
        "over the members of each year, and its share is Σspending / ΣGDP."
    )
    notes.append(
        "Net gap and shortfall: what remains in that year, on the planned path, to each member's target "
        f"(the last milestone). {GROUP_GAPS_NOTE}"
    )
    if any(len(p.lines) > 1 for p in paths):
        notes.append(RELATED_NOTE)
    notes += [group_note(dataset, p.group) for p in paths]
    notes.append(PATH_MEMBERSHIP_NOTE)
    for p in paths:
        joined = [m for m in p.paths if m.ally.joined > p.from_year]
        if joined:
            listed = ", ".join(f"{m.ally.name} ({m.ally.joined})" for m in joined)
            notes.append(f"{p.group.name}: counted only from the year each joined NATO: {listed}.")
        notes += [
            f"{p.group.name}: {names.get(iso3, iso3)}: {why}; "
            + (
                "no path, and its GDP is not counted: none for these years in this dataset and currency."
                if iso3 in p.gdp_missing
                else "GDP counted, no path."
            )
            for iso3, why in p.excluded
        ]
    if any(y.assumed_gdp for p in paths for line in p.lines for y in line.years):
        notes.append(f"{ASSUMED_GDP_NOTE} In a group, a = some member's GDP that year is assumed.")
    sources = [
        *(s.source if (s := m.lines[0].start) else None for p in paths for m in p.paths),
        *(pt.source for p in paths for m in p.paths for pt in m.gdp.points),
        *(y.rate.source for p in paths for m in p.paths for y in m.lines[0].years),
        *(pt.source for p in paths for g in p.gdp_only for pt in g.gdp.points),
        *(rate.source for p in paths for g in p.gdp_only for rate in g.rates),
    ]
    notes += source_notes(dataset, sources)
    notes.append(money_note(dataset))
    target_names = _group_targets_text(first.paths[0])
    group_names = ", ".join(p.group.name for p in paths)
    summary = (
        ("Groups" if len(paths) > 1 else "Group", group_names),
        ("Target", target_names),
        ("Start", f"{first.from_year}, each member's share of GDP that year"),
        ("Shape", f"{first.shape.value} (in share of GDP)"),
        ("Baseline", first.baseline.value),
    )
    return _report(
        dataset,
        first,
        title=f"{group_names}: path to {target_names}",
        table=table,
        items=items,
        summary=summary,
        notes=notes,
        targets=[line.target for line in first.paths[0].lines],
        generated=generated,
        extra_metadata={
            "groups": [
                {
                    "name": p.group.name,
                    "id": None if p.group.user_defined else p.group.id,
                    "members": list(p.group.members),
                    "excluded": [iso3 for iso3, _ in p.excluded],
                    "source": p.group.url,
                    "gdp_growth_pct_after_data": {
                        **{m.ally.iso3: m.gdp.growth_pct for m in p.paths},
                        **{g.ally.iso3: g.gdp.growth_pct for g in p.gdp_only},
                    },
                }
                for p in paths
            ],
            "summary": sentences,
        },
    )


def _group_target_text(target: TargetSpec) -> str:
    """A member's target as the group's: '3.5%', or for a rise '+1.5 points on each member's start'."""
    if target.id is None and target.label and " +" in target.label:
        return f"{target.label.split(' ', 1)[1]} on each member's start share"
    return _target_text(target)


def _group_targets_text(member: DefencePath) -> str:
    """The targets of a group's path, read off one member's: every member has the same milestones."""
    lines = member.lines
    if all(len(line.milestones) == 1 for line in lines):
        parts = " + ".join(f"{_group_target_text(line.target)} {line.label.lower()}" for line in lines)
        return f"{parts} by {member.by_year}"
    (first, first_year), *rest = lines[0].milestones
    legs = [f"{_group_target_text(first)} {lines[0].label.lower()} by {first_year}"]
    legs += [f"{_group_target_text(target)} by {year}" for target, year in rest]
    return ", then ".join(legs)
