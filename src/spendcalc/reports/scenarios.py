"""`scenario run`: a group's spending year by year under a scenario, with its extra over a stated baseline."""

from datetime import datetime

from spendcalc.data.schema import Dataset
from spendcalc.domain.scenarios import GroupYear, ScenarioRun
from spendcalc.reports.columns import Field, Table
from spendcalc.reports.common import GDP_MARK_NOTE, metadata, money_note, source_notes
from spendcalc.reports.model import Kind, Report


def scenario_fields(run: ScenarioRun) -> Table[GroupYear]:
    return Table(
        (
            Field("scenario", lambda _: run.scenario.id),
            Field("group", lambda _: run.group),
            Field("year", lambda y: y.year, "Year", Kind.INT),
            Field(
                "spending_usd_bn",
                lambda y: y.spending_usd_bn,
                "Spending\n(US$ bn)",
                Kind.USD_BN,
                mark=lambda y: "a" if y.assumed_gdp else "",
            ),
            Field("gdp_usd_bn", lambda y: y.gdp_usd_bn, kind=Kind.USD_BN),
            Field("share_pct", lambda y: y.share_pct, "Share\n(% GDP)", Kind.PCT),
            Field("baseline_usd_bn", lambda y: y.baseline_usd_bn, kind=Kind.USD_BN),
            Field("extra_usd_bn", lambda y: y.extra_usd_bn, "Extra\n(US$ bn)", Kind.GAP_USD_BN),
            Field(
                "cumulative_extra_usd_bn",
                lambda y: y.cumulative_extra_usd_bn,
                "Cumulative\n(US$ bn)",
                Kind.GAP_USD_BN,
            ),
            Field("allies_counted", lambda y: y.allies_counted, kind=Kind.INT),
            Field("allies_at_2", lambda y: y.allies_at_2, "At 2%\nor more", Kind.INT),
            Field("allies_at_3_5", lambda y: y.allies_at_3_5, "At 3.5%\nor more", Kind.INT),
            Field(
                "usa_share_of_spending_pct",
                lambda y: y.usa_share_of_spending_pct,
                "US share of\nNATO (%)",
                Kind.PCT,
            ),
            Field("assumed_gdp", lambda y: y.assumed_gdp, kind=Kind.BOOL),
            Field("baseline", lambda _: "flat-share"),
        ),
        shown=(
            "year",
            "spending_usd_bn",
            "share_pct",
            "extra_usd_bn",
            "cumulative_extra_usd_bn",
            "allies_at_2",
            "allies_at_3_5",
            "usa_share_of_spending_pct",
        ),
    )


def scenario_report(dataset: Dataset, run: ScenarioRun, generated: datetime | None = None) -> Report:
    table = scenario_fields(run)
    scenario = run.scenario
    last = run.years[-1]
    notes = [
        f"{scenario.title}: {scenario.description}",
        f"{run.group}: {last.allies_counted} allies in {run.horizon}, counted from the year each joined; "
        "spending and share are Σspending / ΣGDP over them.",
        f"Extra: spending beyond each ally keeping its {run.start_year} share of each year's GDP (flat-share "
        f"baseline); cumulative over {run.start_year + 1}–{run.horizon}. The start year is the latest with a "
        "share for every ally.",
        "US share of NATO: the United States' share of all allies' spending that year, under the same "
        "scenario.",
        "GDP: NATO's in the edition's years; then each ally's GDP in national currency grows as "
        "the IMF's (to 2029), then at the IMF's real growth and CPI inflation (to 2031), then at the "
        "last of those rates (a = a year with an assumed GDP, an assumption, not a forecast); US$ at "
        "the IMF's implied exchange rates (2029's after 2029). " + GDP_MARK_NOTE,
        "Iceland has no armed forces: not counted. Spending = share × each year's GDP.",
        *source_notes(
            dataset,
            [
                *(p.lines[0].start.source for p in run.paths if p.lines[0].start),
                *(point.source for p in run.paths for point in p.gdp.points),
            ],
        ),
        money_note(dataset),
    ]
    return Report(
        title=f"{scenario.title}: {run.group}, {run.start_year}–{run.horizon}",
        columns=table.columns(),
        rows=table.rows(run.years),
        summary=(
            ("Scenario", f"{scenario.id}: {scenario.description}"),
            ("Group", f"{run.group} ({len(run.members)} allies)"),
            ("Baseline", f"flat share of GDP, from {run.start_year}"),
            (
                f"In {run.horizon}",
                f"US$ {last.spending_usd_bn:,.1f} bn, {last.share_pct:.2f}% of GDP; cumulative extra "
                f"{run.start_year + 1}–{run.horizon} US$ {last.cumulative_extra_usd_bn:,.1f} bn",
            ),
        ),
        notes=tuple(notes),
        record_columns=table.record_columns(),
        records=table.records(run.years),
        metadata=metadata(dataset, run.start_year, [], generated)
        | {"scenario": scenario.id, "group": run.group, "horizon": run.horizon, "baseline": "flat-share"},
    )
