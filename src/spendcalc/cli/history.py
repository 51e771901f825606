"""`history`, `share` and `chart`: shares over the years, who pays, and a bar per ally."""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from spendcalc.choices import ChartOrder, OutputFormat, SortKey
from spendcalc.cli.emit import emit, png_file, terminal_width
from spendcalc.cli.options import (
    COUNTRY_HELP,
    FormatOption,
    GroupsOption,
    HtmlOption,
    OutputOption,
    PngOption,
    SvgOption,
    YearOption,
    choice_option,
    complete_country,
    complete_target,
    one_target_option,
    state,
)
from spendcalc.errors import UsageError

HistoryCountryArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="[COUNTRY]",
        autocompletion=complete_country,
        help=f"{COUNTRY_HELP} Optional with --group.",
    ),
]


def history(
    ctx: typer.Context,
    country: HistoryCountryArgument = None,
    from_year: Annotated[int | None, typer.Option("--from", metavar="YEAR", help="First year.")] = None,
    to_year: Annotated[int | None, typer.Option("--to", metavar="YEAR", help="Last year.")] = None,
    group: GroupsOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = "-",
    svg: SvgOption = None,
    html: HtmlOption = None,
    png: PngOption = None,
) -> None:
    """An ally's share of GDP and spending over the years, with a bar per year and the 2% line.

    Example: spendcalc history POL --from 2018
    """
    from spendcalc.domain.countries import resolve_country
    from spendcalc.domain.groups import parse_groups
    from spendcalc.domain.history import group_history
    from spendcalc.domain.history import history as ally_history
    from spendcalc.reports.history import history_report

    run = state(ctx)
    if country is None and not group:
        raise UsageError("give a COUNTRY, a --group, or both")
    dataset = run.dataset()
    ally = resolve_country(dataset, country) if country is not None else None
    rows = ally_history(ally, from_year, to_year, dataset) if ally is not None else ()
    groups = [(g, group_history(dataset, g, from_year, to_year)) for g in parse_groups(dataset, group or ())]
    report = history_report(dataset, rows, ally, run.generated(), groups)

    def draw(sources: list[str]) -> bytes:
        from spendcalc.output.png import history_png  # matplotlib, only for --png

        series = [
            (
                a.name,
                [
                    (h.year, h.share.pct if h.share else None, bool(h.share and h.share.estimate))
                    for h in rows
                ],
            )
            for a in ([ally] if ally is not None else [])
        ]
        series += [(g.name, [(h.year, h.share_pct, h.estimate) for h in years]) for g, years in groups]
        return history_png(report.title, series, sources)

    emit(report, output_format, output, svg, html, png_file(png, report.notes, draw))


def share(
    ctx: typer.Context,
    year: YearOption = None,
    target: Annotated[str, one_target_option("Raise every ally below this to it.")] = "2",
    group: GroupsOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = "-",
) -> None:
    """Each ally's share of total NATO spending, now and if every ally below the target rose to it.

    Example: spendcalc share --year 2025 --target 3.5
    """
    from spendcalc.domain.burden import burden_sharing
    from spendcalc.domain.groups import parse_groups
    from spendcalc.domain.targets import parse_target
    from spendcalc.domain.years import check_year, default_year
    from spendcalc.reports.burden import share_report

    run = state(ctx)
    dataset = run.dataset()
    spec = parse_target(target, dataset.targets)
    chosen = default_year(dataset) if year is None else check_year(dataset, year)
    burden = burden_sharing(dataset, chosen, spec, parse_groups(dataset, group or ()))
    emit(share_report(dataset, burden, run.generated()), output_format, output)


CHART_TARGETS = ("2", "3.5", "5")


def chart(
    ctx: typer.Context,
    year: YearOption = None,
    target: Annotated[
        list[str] | None,
        typer.Option(
            "--target",
            "-t",
            metavar="PCT|ID",
            autocompletion=complete_target,
            help="A target to draw across the bars: 2, 2.5%, an id (hague-core) or a sweep 1:6:1. Repeat for "
            "several, at most 6 (one mark each). Default: 2, 3.5 and 5.",
        ),
    ] = None,
    sort: Annotated[
        ChartOrder, choice_option(ChartOrder, "--sort", help_text="share (highest first) or name.")
    ] = ChartOrder.SHARE,
    group: GroupsOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = "-",
    svg: SvgOption = None,
    html: HtmlOption = None,
    png: Annotated[
        Path | None,
        typer.Option(
            "--png",
            metavar="PATH",
            help="Also save the chart as a PNG image (needs matplotlib: pip install matplotlib).",
        ),
    ] = None,
) -> None:
    """A bar per ally, scaled to the terminal, with each target drawn across the bars.

    Example: spendcalc chart --target 2 --target 3.5 --target 5
    """
    from spendcalc.domain.comparison import compare
    from spendcalc.reports.chart import CHART_DEFAULT_WIDTH, CHART_FIXED_WIDTH, chart_report

    run = state(ctx)
    dataset = run.dataset()
    from spendcalc.domain.groups import parse_groups

    specs = parse_groups(dataset, group or ())
    comparison = compare(dataset, target or CHART_TARGETS, year, SortKey(sort.value), groups=group or ())
    # Bars fit the terminal they are printed on; into a file they take the default width.
    width = (terminal_width() if output == "-" else None) or CHART_DEFAULT_WIDTH
    result = chart_report(dataset, comparison, width - CHART_FIXED_WIDTH, run.generated(), specs)
    also: list[tuple[Path, Callable[[], bytes]]] = []
    if png is not None:
        from spendcalc.output.png import chart_png

        sources = [n for n in result.notes if n.startswith("Source:")]
        from spendcalc.reports.chart import chosen_totals

        bars = [(t.name, t.share_pct, t.estimate) for t in chosen_totals(comparison, specs)]
        also.append((png, lambda: chart_png(comparison, sources, bars)))
    emit(result, output_format, output, svg, html, also)
