"""`scenario run`: what a group of allies spends, year by year, under a scenario."""

from typing import Annotated

import typer

from spendcalc.choices import OutputFormat
from spendcalc.cli.emit import emit
from spendcalc.cli.options import FormatOption, HtmlOption, OutputOption, SvgOption, state

scenario_app = typer.Typer(
    name="scenario",
    help="Pledge scenarios: what a group of allies spends, year by year, under each plan.\n\n"
    "Example: spendcalc scenario run hague-core-2035 --group NATO",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def run(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="A built-in scenario: status-quo, hague-core-2035, floor-2.")
    ],
    group: Annotated[
        str,
        typer.Option(
            "--group",
            "-g",
            metavar="ID|NAME=ISO3,...",
            help="A group of the dataset (nato, europe-canada, eu, nordic, baltic, b9, g7, weimar; see "
            "`spendcalc groups`) or your own, baltics=EST,LVA,LTU. Default: europe-canada.",
        ),
    ] = "europe-canada",
    by: Annotated[
        int | None,
        typer.Option("--by", metavar="YEAR", help="The last year. Default: the scenario's (2035)."),
    ] = None,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = "-",
    svg: SvgOption = None,
    html: HtmlOption = None,
) -> None:
    """A group's spending, share of GDP, extra over a flat share, and allies at 2% and 3.5%, year by year.

    Example: spendcalc scenario run hague-core-2035 --group NATO
    """
    from spendcalc.domain.scenarios import built_in, run_scenario
    from spendcalc.reports.scenarios import scenario_report

    current = state(ctx)
    dataset = current.dataset()
    result = run_scenario(dataset, built_in(name), group, by)
    emit(scenario_report(dataset, result, current.generated()), output_format, output, svg, html)
