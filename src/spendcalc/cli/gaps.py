"""`gap`, `compare` and `export`: the gap of one ally, or of every ally, to each target."""

from typing import Annotated

import typer

from spendcalc.choices import Currency, OutputFormat, SortKey
from spendcalc.cli.emit import emit
from spendcalc.cli.options import (
    CountryArgument,
    CurrencyOption,
    FormatOption,
    GroupsOption,
    HtmlOption,
    OutputOption,
    SvgOption,
    TargetsOption,
    YearOption,
    choice_option,
    format_option,
    pct,
    state,
)


def gap(
    ctx: typer.Context,
    country: CountryArgument,
    target: TargetsOption = None,
    year: YearOption = None,
    current: Annotated[
        str | None,
        typer.Option(
            "--current",
            metavar="PCT",
            help="What if the share were this (% of GDP)? Replaces the NATO figure.",
        ),
    ] = None,
    currency: CurrencyOption = Currency.USD,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = "-",
    svg: SvgOption = None,
    html: HtmlOption = None,
) -> None:
    """One ally's share, spending and gap to each target.

    Example: spendcalc gap UK --current 2.3 --target 2.5 --year 2024
    """
    from spendcalc.domain.gaps import gap as ally_gap
    from spendcalc.domain.targets import DEFAULT_TARGETS
    from spendcalc.reports.gap import gap_report

    run = state(ctx)
    dataset = run.dataset()
    gaps = ally_gap(dataset, country, target or DEFAULT_TARGETS, year, pct(current, "--current"))
    emit(gap_report(dataset, gaps, run.generated(), currency), output_format, output, svg, html)


def compare(
    ctx: typer.Context,
    target: TargetsOption = None,
    year: YearOption = None,
    sort: Annotated[
        SortKey,
        choice_option(SortKey, "--sort", help_text="name, share (highest first) or gap (largest first)."),
    ] = SortKey.NAME,
    only_below: Annotated[
        bool, typer.Option("--only-below", help="Show only allies below the lowest target.")
    ] = False,
    group: GroupsOption = None,
    currency: CurrencyOption = Currency.USD,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = "-",
    svg: SvgOption = None,
    html: HtmlOption = None,
) -> None:
    """Every ally against every target, with NATO and Europe-and-Canada totals (and --group's).

    Example: spendcalc compare --target 2 --target 3.5 --sort gap --group eu
    """
    from spendcalc.domain.comparison import compare as compare_all
    from spendcalc.domain.targets import DEFAULT_TARGETS
    from spendcalc.reports.compare import compare_report

    run = state(ctx)
    dataset = run.dataset()
    comparison = compare_all(dataset, target or DEFAULT_TARGETS, year, sort, only_below, group or ())
    emit(compare_report(dataset, comparison, run.generated(), currency), output_format, output, svg, html)


def export(
    ctx: typer.Context,
    target: TargetsOption = None,
    year: YearOption = None,
    group: GroupsOption = None,
    currency: CurrencyOption = Currency.USD,
    output_format: Annotated[
        OutputFormat, format_option("csv (default) or json; table for a look.")
    ] = OutputFormat.CSV,
    output: OutputOption = "-",
) -> None:
    """The scenario grid as tidy rows, one per ally × target, for spreadsheets and programs.

    Example: spendcalc export --year 2024 --format csv --output gaps.csv
    """
    from spendcalc.domain.comparison import compare as compare_all
    from spendcalc.domain.targets import DEFAULT_TARGETS
    from spendcalc.reports.compare import export_report

    run = state(ctx)
    dataset = run.dataset()
    comparison = compare_all(dataset, target or DEFAULT_TARGETS, year, groups=group or ())
    table = output_format is OutputFormat.TABLE
    emit(export_report(dataset, comparison, run.generated(), currency, table), output_format, output)
