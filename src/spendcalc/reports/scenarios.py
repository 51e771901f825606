"""`scenario run`, `scenario compare` and `scenario show`: a group's spending year by year under each
scenario, with its extra over a stated baseline, and the method stated with every output.

CSV and JSON are tidy: one row per scenario × group (or ally, with `--detail`) × year, the same columns
for `run` and `compare`."""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import NamedTuple

from spendcalc.choices import Baseline, Currency
from spendcalc.data.schema import Dataset, Plan
from spendcalc.domain.scenarios import PLAN_RULE, Scenario, ScenarioRun, read_plans
from spendcalc.domain.targets import format_pct
from spendcalc.reports.chart import BAR_MARK, chart_bar
from spendcalc.reports.columns import Field, Table
from spendcalc.reports.common import (
    ASSUMED_GDP_NOTE,
    GDP_MARK_NOTE,
    GDP_MARKS,
    metadata,
    money_note,
    source_notes,
)
from spendcalc.reports.model import Kind, Report, Scalar

HAGUE_MARK = "┃"
CHART_WIDTH = 20


class Row(NamedTuple):
    """One tidy row: a scenario's group total, or one ally, in one year. Money in US$, and in the run's
    currency where asked (None where there is no rate or national currencies would be added up)."""

    scenario: str
    group: str
    iso3: str | None
    name: str
    year: int
    share_pct: float
    gdp_usd_bn: float
    spending_usd_bn: float
    baseline_usd_bn: float
    extra_usd_bn: float
    cumulative_extra_usd_bn: float
    related_pct: float
    related_usd_bn: float
    cumulative_related_usd_bn: float
    allies_counted: int | None
    allies_at_2: int | None
    allies_at_3_5: int | None
    usa_share_of_spending_pct: float | None
    currency: str
    spending_bn: float | None
    extra_bn: float | None
    cumulative_extra_bn: float | None
    gdp_mark: str
    assumed_gdp: bool
    national_measure: bool
    """Whether the share rests on a plan in a national measure rather than NATO's definition."""
    milestone: str | None
    share_source: str
    gdp_source: str


def _unit(run: ScenarioRun) -> str:
    if run.currency is Currency.USD:
        return "USD"
    codes = {y.money.code for y in run.years if y.money is not None}
    codes |= {pt.rate.code for p in run.member_paths for pt in p.years if pt.rate is not None}
    return codes.pop() if len(codes) == 1 else run.currency.value


def group_rows(run: ScenarioRun) -> tuple[Row, ...]:
    national = {iso3 for iso3, rule in run.scenario.rules if any(not p.nato_definition for p in rule.plans)}
    paths = run.member_paths
    national_measure = any(p.ally.iso3 in national for p in paths)
    share_sources = " ".join(dict.fromkeys(p.start.source or "user-supplied" for p in paths))
    code = _unit(run)
    rows = []
    for index, y in enumerate(run.years):
        gdp_sources = dict.fromkeys(
            series.points[index].source or "assumed"
            for ally, series in run.gdp_series
            if ally.joined <= y.year
        )
        usd = run.currency is Currency.USD
        rows.append(
            Row(
                run.scenario.id,
                run.group.name,
                None,
                run.group.name,
                y.year,
                y.share_pct,
                y.gdp_usd_bn,
                y.spending_usd_bn,
                y.baseline_usd_bn,
                y.extra_usd_bn,
                y.cumulative_extra_usd_bn,
                y.related_pct,
                y.related_usd_bn,
                y.cumulative_related_usd_bn,
                y.allies_counted,
                y.allies_at_2,
                y.allies_at_3_5,
                y.usa_share_of_spending_pct,
                code,
                y.spending_usd_bn if usd else y.money.spending_bn if y.money else None,
                y.extra_usd_bn if usd else y.money.extra_bn if y.money else None,
                y.cumulative_extra_usd_bn if usd else y.money.cumulative_extra_bn if y.money else None,
                "a" if y.assumed_gdp else "",
                y.assumed_gdp,
                national_measure,
                None,
                share_sources,
                " ".join(gdp_sources),
            )
        )
    return tuple(rows)


def ally_rows(run: ScenarioRun) -> tuple[Row, ...]:
    rows = []
    usd = run.currency is Currency.USD
    for path in run.member_paths:
        national = any(not p.nato_definition for p in path.rule.plans)
        cumulative_money: float | None = 0.0
        cumulative_related = 0.0
        for point in path.years:
            after_start = point.year > run.start_year
            money = 1.0 if usd else point.rate.per_usd if point.rate else None
            if after_start:
                cumulative_related += point.related_usd_bn
                if cumulative_money is not None:
                    cumulative_money = (
                        None if money is None else cumulative_money + point.extra_usd_bn * money
                    )
            milestone = _milestone(path.milestones, point.year)
            rows.append(
                Row(
                    run.scenario.id,
                    run.group.name,
                    path.ally.iso3,
                    path.ally.name,
                    point.year,
                    point.share_pct,
                    point.gdp.usd_bn,
                    point.spending_usd_bn,
                    point.baseline_usd_bn,
                    point.extra_usd_bn,
                    point.cumulative_extra_usd_bn,
                    point.related_pct,
                    point.related_usd_bn,
                    cumulative_related,
                    None,
                    None,
                    None,
                    None,
                    "USD" if usd else point.rate.code if point.rate else run.currency.value,
                    None if money is None else point.spending_usd_bn * money,
                    None if money is None else point.extra_usd_bn * money,
                    cumulative_money if money is not None else None,
                    GDP_MARKS.get(point.gdp.kind, ""),
                    point.gdp.assumed,
                    national,
                    milestone,
                    path.start.source or "user-supplied",
                    point.gdp.source or "assumed",
                )
            )
    return tuple(rows)


def row_fields(money: str, detail: bool = False, related: bool = False) -> Table[Row]:
    fields: tuple[Field[Row], ...] = (
        Field("scenario", lambda r: r.scenario),
        Field("group", lambda r: r.group),
        Field("iso3", lambda r: r.iso3),
        Field("name", lambda r: r.name, "Ally" if detail else "Group"),
        Field("year", lambda r: r.year, "Year", Kind.INT),
        Field("share_pct", lambda r: r.share_pct, "Share\n(% GDP)", Kind.PCT),
        Field("gdp_usd_bn", lambda r: r.gdp_usd_bn, kind=Kind.USD_BN),
        Field("spending_usd_bn", lambda r: r.spending_usd_bn, kind=Kind.USD_BN),
        Field("baseline_usd_bn", lambda r: r.baseline_usd_bn, kind=Kind.USD_BN),
        Field("extra_usd_bn", lambda r: r.extra_usd_bn, kind=Kind.GAP_USD_BN),
        Field("cumulative_extra_usd_bn", lambda r: r.cumulative_extra_usd_bn, kind=Kind.GAP_USD_BN),
        Field("related_pct", lambda r: r.related_pct, "Related\n(% GDP)", Kind.PCT),
        Field("related_usd_bn", lambda r: r.related_usd_bn, kind=Kind.USD_BN),
        Field(
            "cumulative_related_usd_bn",
            lambda r: r.cumulative_related_usd_bn,
            "Related,\ncumulative\n(US$ bn)",
            Kind.USD_BN,
        ),
        Field("allies_counted", lambda r: r.allies_counted, kind=Kind.INT),
        Field("allies_at_2", lambda r: r.allies_at_2, "At 2%\nor more", Kind.INT),
        Field("allies_at_3_5", lambda r: r.allies_at_3_5, "At 3.5%\nor more", Kind.INT),
        Field(
            "usa_share_of_spending_pct",
            lambda r: r.usa_share_of_spending_pct,
            "US share of\nNATO (%)",
            Kind.PCT,
        ),
        Field("currency", lambda r: r.currency),
        Field(
            "spending_bn",
            lambda r: r.spending_bn,
            f"Spending\n({money} bn)",
            Kind.USD_BN,
            mark=lambda r: r.gdp_mark,
        ),
        Field("extra_bn", lambda r: r.extra_bn, f"Extra\n({money} bn)", Kind.GAP_USD_BN),
        Field(
            "cumulative_extra_bn",
            lambda r: r.cumulative_extra_bn,
            f"Cumulative\n({money} bn)",
            Kind.GAP_USD_BN,
        ),
        Field("milestone", lambda r: r.milestone, "On the way to"),
        Field("assumed_gdp", lambda r: r.assumed_gdp, kind=Kind.BOOL),
        Field("national_measure", lambda r: r.national_measure, kind=Kind.BOOL),
        Field("share_source", lambda r: r.share_source),
        Field("gdp_source", lambda r: r.gdp_source),
    )
    shown = ["year", "spending_bn", "share_pct", "extra_bn", "cumulative_extra_bn"]
    if related:
        shown += ["related_pct", "cumulative_related_usd_bn"]
    shown = (
        ["name", *shown, "milestone"]
        if detail
        else [*shown, "allies_at_2", "allies_at_3_5", "usa_share_of_spending_pct"]
    )
    return Table(fields, shown=shown)


def method_notes(dataset: Dataset, runs: Sequence[ScenarioRun]) -> list[str]:
    """Baseline, years, GDP and its assumptions, currencies, national measures: stated every time."""
    run = runs[0]
    notes = []
    for each in runs:
        notes.append(f"{each.scenario.id} ({each.scenario.origin}): {each.scenario.description}")
    baseline = {
        Baseline.FLAT_SHARE: f"each ally keeping its {run.start_year} share of each year's GDP (flat share)",
        Baseline.FLAT_CASH: f"each ally keeping its {run.start_year} spending in cash (flat cash)",
    }
    for kind in dict.fromkeys(r.scenario.baseline for r in runs):
        notes.append(
            f"Extra: spending beyond {baseline[kind]}; cumulative over {run.start_year + 1}–{run.horizon}. "
            f"The start year {run.start_year} is the latest with a share for every ally."
        )
    last = run.years[-1]
    notes.append(
        f"{run.group.name}: {last.allies_counted} allies in {run.horizon}, counted from the year each "
        "joined; spending and share are Σspending / ΣGDP over them, at the prices shown"
        + (
            f", {' and '.join(a.name for a, _ in run.gdp_only)}'s GDP counted, as in NATO's totals (no armed "
            "forces: no spending, not among the allies counted)"
            if run.gdp_only
            else ""
        )
        + (
            f"; {' and '.join(a.name for a in run.gdp_missing)} (no armed forces) not counted at all: the "
            f"dataset gives no GDP for {run.start_year}–{run.horizon}"
            if run.gdp_missing
            else ""
        )
        + ". (NATO's own aggregate, in compare and share, divides constant-2021 sums: in the start year it "
        "can differ by a few hundredths of a point.)"
    )
    if any(r.scenario.related is not None for r in runs):
        notes.append(
            "Related: The Hague's defence-related slice (up to 1.5% of GDP), not yet measured by NATO, so "
            "planned from 0; shown apart and never counted in core spending, its extra or its shortfall."
        )
    notes.append(
        "US share of NATO: the United States' share of all allies' spending that year, under the scenario."
    )
    national = sorted(
        {
            p.ally.name
            for r in runs
            for p in r.member_paths
            if any(not plan.nato_definition for plan in p.rule.plans)
        }
    )
    if national:
        notes.append(
            "National measures: the plans of "
            + ", ".join(national)
            + " are stated in a national measure (not NATO's definition) and applied to NATO's share as if "
            "they were one (national_measure in CSV/JSON)."
        )
    notes.append(f"{ASSUMED_GDP_NOTE} {GDP_MARK_NOTE}")
    if run.currency is not Currency.USD:
        notes.append(
            f"{run.currency.value}: each ally's money at its own rate each year (NATO's implied rate in the "
            "edition's years, the IMF's after; see Money below); national currencies are not added up (a "
            "group's total in LCU is n/a unless its members share one currency)."
        )
    notes += source_notes(
        dataset,
        [
            *(p.start.source for r in runs for p in r.paths),
            *(pt.source for r in runs for p in r.paths for pt in p.gdp.points),
            *(pt.source for r in runs for _, series in r.gdp_only for pt in series.points),
            *(pt.rate.source for r in runs for p in r.member_paths for pt in p.years if pt.rate),
        ],
    )
    notes.append(money_note(dataset))
    return notes


def _metadata(dataset: Dataset, runs: Sequence[ScenarioRun], generated: datetime | None) -> dict[str, object]:
    run = runs[0]
    return metadata(dataset, run.start_year, [], generated) | {
        "scenarios": [
            {
                "id": r.scenario.id,
                "title": r.scenario.title,
                "description": r.scenario.description,
                "origin": r.scenario.origin,
                "baseline": r.scenario.baseline.value,
            }
            for r in runs
        ],
        "group": {"name": run.group.name, "members": list(run.members)},
        "gdp_assumptions": {
            ally.iso3: series.growth_basis
            for ally, series in run.gdp_series
            if series.growth_basis is not None
        },
        "start_year": run.start_year,
        "horizon": run.horizon,
        "currency": run.currency.value,
    }


def scenario_report(
    dataset: Dataset, run: ScenarioRun, generated: datetime | None = None, detail: bool = False
) -> Report:
    money = _unit(run).replace("USD", "US$")
    table = row_fields(money, detail, run.scenario.related is not None)
    rows = ally_rows(run) if detail else group_rows(run)
    scenario = run.scenario
    last = group_rows(run)[-1]
    cumulative = "n/a" if last.cumulative_extra_bn is None else f"{last.cumulative_extra_bn:,.1f}"
    spending = "n/a" if last.spending_bn is None else f"{last.spending_bn:,.1f}"
    summary = [
        ("Scenario", f"{scenario.id}: {scenario.title}"),
        ("Group", f"{run.group.name} ({len(run.members)} allies)"),
        ("Baseline", f"{scenario.baseline.value.replace('-', ' ')}, from {run.start_year}"),
        (
            f"In {run.horizon}",
            f"{money} {spending} bn, {last.share_pct:.2f}% of GDP; cumulative extra "
            f"{run.start_year + 1}–{run.horizon} {money} {cumulative} bn",
        ),
    ]
    if scenario.related is not None:
        summary.append(
            (
                "Related",
                f"{last.related_pct:.2f}% of GDP in {run.horizon}; "
                f"US$ {last.cumulative_related_usd_bn:,.1f} bn "
                f"over {run.start_year + 1}–{run.horizon}, apart from core",
            )
        )
    return Report(
        title=f"{scenario.title}: {run.group.name}, {run.start_year}–{run.horizon}"
        + (", by ally" if detail else ""),
        columns=table.columns(),
        rows=table.rows(rows),
        summary=tuple(summary),
        notes=tuple(method_notes(dataset, [run])),
        record_columns=table.record_columns(),
        records=table.records(rows),
        metadata=_metadata(dataset, [run], generated)
        | {"scenario": scenario.id, "baseline": scenario.baseline.value},
    )


class CompareRow(NamedTuple):
    year: int
    rows: tuple[Row, ...]
    """One per scenario, in the order given."""


def compare_report(
    dataset: Dataset, runs: Sequence[ScenarioRun], generated: datetime | None = None, chart: bool = False
) -> Report:
    """Scenarios side by side for one group: share, spending and cumulative extra each year, and each
    scenario's spending minus the first's; or (`chart`) a bar of each scenario's share."""
    money = _unit(runs[0]).replace("USD", "US$")
    per_run = [group_rows(r) for r in runs]
    years = [CompareRow(rows[0].year, tuple(rows)) for rows in zip(*per_run, strict=True)]
    top = max(5.0, *(r.share_pct for rows in per_run for r in rows)) * 1.05
    fields: list[Field[CompareRow]] = [Field("year", lambda c: c.year, "Year", Kind.INT)]
    letters = [chr(ord("A") + i) if i < 26 else str(i + 1) for i in range(len(runs))]
    for index, run in enumerate(runs):
        sid, letter = run.scenario.id, letters[index]
        fields.append(
            Field(f"{sid}:share_pct", _of(index, lambda r: r.share_pct), f"{letter}\n(% GDP)", Kind.PCT)
        )
        if chart:
            fields.append(
                Field(
                    f"{sid}:bar",
                    _of(
                        index,
                        lambda r: chart_bar(
                            r.share_pct, top, [(2.0, BAR_MARK), (3.5, HAGUE_MARK)], CHART_WIDTH
                        ),
                    ),
                    f"{letter}: share of GDP",
                    exported=False,
                )
            )
            continue
        fields += [
            Field(
                f"{sid}:spending_bn",
                _of(index, lambda r: r.spending_bn),
                f"{letter}\n({money} bn)",
                Kind.USD_BN,
                mark=_mark(index),
            ),
            Field(
                f"{sid}:cumulative_extra_bn",
                _of(index, lambda r: r.cumulative_extra_bn),
                f"{letter}\ncumulative\nextra",
                Kind.GAP_USD_BN,
            ),
        ]
        if index:
            fields.append(
                Field(
                    f"{sid}:difference_bn",
                    _difference(index),
                    f"{letter} − A\n({money} bn)",
                    Kind.GAP_USD_BN,
                )
            )
    table = Table(fields)
    tidy = row_fields(money)
    records = [r for rows in per_run for r in rows]
    run = runs[0]
    notes = method_notes(dataset, runs)
    legend = "; ".join(f"{letter} = {r.scenario.id}" for letter, r in zip(letters, runs, strict=True))
    if not chart:
        notes.insert(
            0,
            f"{legend}. Each: share of GDP, spending and cumulative extra ({money} bn); B − A: B's "
            "spending minus A's that year.",
        )
    else:
        notes.insert(
            0, f"{legend}. Bars: share of GDP on a scale to {top:.1f}%; {BAR_MARK} = 2%, {HAGUE_MARK} = 3.5%."
        )
    last = [rows[-1] for rows in per_run]
    return Report(
        title=f"Scenarios for {run.group.name}, {run.start_year}–{run.horizon}: "
        + ", ".join(r.scenario.id for r in runs),
        columns=table.columns(),
        rows=table.rows(years),
        summary=tuple(
            (
                row.scenario,
                f"{row.share_pct:.2f}% of GDP in {row.year}; cumulative extra "
                f"{run.start_year + 1}–{row.year} {money} {_bn(row.cumulative_extra_bn)} bn",
            )
            for row in last
        ),
        notes=tuple(notes),
        record_columns=tidy.record_columns(),
        records=tidy.records(records),
        metadata=_metadata(dataset, runs, generated),
    )


def _of(index: int, get: Callable[[Row], Scalar]) -> Callable[[CompareRow], Scalar]:
    return lambda c: get(c.rows[index])


def _mark(index: int) -> Callable[[CompareRow], str]:
    return lambda c: c.rows[index].gdp_mark


def _difference(index: int) -> Callable[[CompareRow], Scalar]:
    def value(c: CompareRow) -> float | None:
        this, first = c.rows[index].spending_bn, c.rows[0].spending_bn
        return None if this is None or first is None else this - first

    return value


class ShowRow(NamedTuple):
    iso3: str
    name: str
    rule: str
    plans: str
    national_measure: bool


def show_report(dataset: Dataset, scenario: Scenario, start_year: int) -> Report:
    """A scenario as the tool understood it: each ally's rule, and for national plans the announcements
    used and why the others were not."""
    rows = []
    plans_by_ally: dict[str, list[Plan]] = {}
    for plan in dataset.plans:
        plans_by_ally.setdefault(plan.iso3, []).append(plan)
    named = dict(scenario.rules)
    for ally in dataset.allies:
        if not ally.has_armed_forces:
            not_planned = "n/a: no armed forces (its GDP counts in a group's)"
            rows.append(ShowRow(ally.iso3, ally.name, not_planned, "", False))
            continue
        rule = scenario.rule_for(ally)
        used = "; ".join(
            f"{step.describe()}: {plan.status}, {plan.measure}, announced {plan.announced}"
            for step, plan in zip(rule.steps, rule.plans, strict=False)
        )
        rows.append(
            ShowRow(
                ally.iso3,
                ally.name,
                rule.describe() + ("" if ally.iso3 in named else " (default)"),
                used,
                any(not p.nato_definition for p in rule.plans),
            )
        )
    table: Table[ShowRow] = Table(
        (
            Field("iso3", lambda r: r.iso3, "ISO3"),
            Field("name", lambda r: r.name, "Ally"),
            Field("rule", lambda r: r.rule, "Rule"),
            Field("plans", lambda r: r.plans, "Plans used"),
            Field("national_measure", lambda r: r.national_measure, kind=Kind.BOOL),
        ),
        shown=("name", "rule", "plans") if scenario.id == "national-plans" else ("name", "rule"),
    )
    summary = [
        ("Scenario", f"{scenario.id}: {scenario.title}"),
        ("From", scenario.origin),
        ("Years", f"{scenario.start_year or start_year}–{scenario.horizon}"),
        ("Baseline", scenario.baseline.value),
        ("Default", scenario.default.describe()),
    ]
    if scenario.related is not None:
        summary.append(("Related", f"from 0 to {scenario.related.describe()}, apart from core"))
    for name, members in scenario.groups:
        summary.append((f"Group {name}", ", ".join(members)))
    notes = [scenario.description]
    if scenario.id == "national-plans":
        skipped = [
            f"{r.plan.iso3} {r.plan.announced} {_plan_share(r.plan)} by {r.plan.by_year}: {r.reason}"
            for plans in plans_by_ally.values()
            for r in read_plans(plans, start_year)
            if r.reason != "used"
        ]
        notes.append(f"Not used ({len(skipped)}): " + "; ".join(skipped) + ".")
        notes.append("Rule: " + PLAN_RULE)
    return Report(
        title=f"Scenario {scenario.id}: {scenario.title}",
        columns=table.columns(),
        rows=table.rows(rows),
        summary=tuple(summary),
        notes=tuple(notes),
        record_columns=table.record_columns(),
        records=table.records(rows),
        metadata={"scenario": scenario.id, "origin": scenario.origin, "horizon": scenario.horizon},
    )


def _plan_share(plan: Plan) -> str:
    return "n/a" if plan.share_pct is None else f"{format_pct(plan.share_pct)}%"


def _bn(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.1f}"


def _milestone(milestones: Sequence[tuple[float, int]], year: int) -> str:
    """What a year of an ally's path is on the way to."""
    if not milestones:
        return "keeps its share"
    ahead = next(((pct, by) for pct, by in milestones if year <= by), None)
    if ahead is None:
        return f"held at {format_pct(milestones[-1][0])}%"
    return f"{format_pct(ahead[0])}% by {ahead[1]}"
