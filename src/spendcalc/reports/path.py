"""`path`: year by year to a target, priced against a stated baseline."""

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from spendcalc.choices import Baseline, Currency
from spendcalc.data.schema import Dataset
from spendcalc.domain.currency import Conversion
from spendcalc.domain.targets import TargetSpec, format_pct
from spendcalc.domain.trajectories import DefencePath, PathLine, PathYear
from spendcalc.reports.columns import Field, Table, share_decimals
from spendcalc.reports.common import (
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
    return Report(
        title=f"{ally.name}: path to {target_names}",
        columns=table.columns(),
        rows=table.rows(items),
        summary=summary,
        notes=tuple(notes),
        record_columns=table.record_columns(),
        records=table.records(items),
        metadata=metadata(dataset, path.from_year, [line.target for line in path.lines], generated)
        | {
            "currency": path.currency.value,
            "by_year": path.by_year,
            "shape": path.shape.value,
            "baseline": path.baseline.value,
            "gdp_growth_pct_after_data": path.gdp.growth_pct,
            "gdp_growth_basis": path.gdp.growth_basis,
            "summary": sentences,
        },
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
