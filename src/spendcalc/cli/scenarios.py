"""`scenario run|compare|show|schema`: what a group of allies spends, year by year, under each plan."""

from typing import TYPE_CHECKING, Annotated

import typer

from spendcalc.choices import Currency, OutputFormat
from spendcalc.cli.emit import emit, write_document
from spendcalc.cli.options import (
    CurrencyOption,
    FormatOption,
    HtmlOption,
    OutputOption,
    SvgOption,
    state,
)

if TYPE_CHECKING:
    from spendcalc.data.schema import Dataset
    from spendcalc.domain.scenarios import Scenario

scenario_app = typer.Typer(
    name="scenario",
    help="Pledge scenarios: what a group of allies spends, year by year, under each plan.\n\n"
    "Example: spendcalc scenario compare status-quo hague-core-2035 national-plans",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

SCENARIO_HELP = (
    "A built-in scenario (status-quo, hague-core-2035, hague-2035, floor-2, national-plans) or a TOML "
    "scenario file (see examples/rearm-europe.toml)."
)
GroupOption = Annotated[
    str,
    typer.Option(
        "--group",
        "-g",
        metavar="ID|NAME=ISO3,...",
        help="A group of the dataset (nato, europe-canada, eu, nordic, baltic, b9, g7, weimar; see "
        "`spendcalc groups`), one a scenario file defines, or your own, baltics=EST,LVA,LTU. "
        "Default: europe-canada.",
    ),
]
ByOption = Annotated[
    int | None,
    typer.Option(
        "--by", metavar="YEAR", help="The last year. Default: the scenario's (2035 for the built-ins)."
    ),
]


def _scenario(dataset: "Dataset", name: str) -> "Scenario":
    from spendcalc.domain.scenarios import BUILT_IN_IDS, built_in, is_scenario_file, load_scenario

    if name.strip().casefold() not in BUILT_IN_IDS and is_scenario_file(name):
        return load_scenario(dataset, name)
    return built_in(name, dataset)


def run(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME|FILE", help=SCENARIO_HELP)],
    group: GroupOption = "europe-canada",
    by: ByOption = None,
    detail: Annotated[
        bool, typer.Option("--detail", help="One row per ally and year instead of the group's total.")
    ] = False,
    currency: CurrencyOption = Currency.USD,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = "-",
    svg: SvgOption = None,
    html: HtmlOption = None,
) -> None:
    """A group's spending, share of GDP, extra over a flat share, and allies at 2% and 3.5%, year by year.

    Example: spendcalc scenario run hague-core-2035 --group NATO
    """
    from spendcalc.domain.scenarios import run_scenario
    from spendcalc.reports.scenarios import scenario_report

    current = state(ctx)
    dataset = current.dataset()
    result = run_scenario(dataset, _scenario(dataset, name), group, by, currency)
    emit(scenario_report(dataset, result, current.generated(), detail), output_format, output, svg, html)


def compare(
    ctx: typer.Context,
    names: Annotated[
        list[str], typer.Argument(metavar="NAME|FILE ...", help="Two or more scenarios. " + SCENARIO_HELP)
    ],
    group: GroupOption = "europe-canada",
    by: ByOption = None,
    chart: Annotated[
        bool,
        typer.Option("--chart", help="A bar of each scenario's share of GDP each year instead of money."),
    ] = False,
    currency: CurrencyOption = Currency.USD,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = "-",
    svg: SvgOption = None,
    html: HtmlOption = None,
) -> None:
    """Scenarios side by side for one group: share, spending, cumulative extra and the differences.

    Example: spendcalc scenario compare status-quo hague-core-2035 national-plans --currency EUR
    """
    from spendcalc.domain.scenarios import run_scenario
    from spendcalc.errors import UsageError
    from spendcalc.reports.scenarios import compare_report

    if len(names) < 2:
        raise UsageError("give two or more scenarios to compare", "NAME")
    current = state(ctx)
    dataset = current.dataset()
    scenarios = [_scenario(dataset, name) for name in names]
    horizon = by if by is not None else max(s.horizon for s in scenarios)
    runs = [run_scenario(dataset, s, group, horizon, currency) for s in scenarios]
    starts = {r.start_year for r in runs}
    if len(starts) > 1:
        raise UsageError("the scenarios start in different years; compare scenarios with one start", "NAME")
    emit(compare_report(dataset, runs, current.generated(), chart), output_format, output, svg, html)


def show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME|FILE", help=SCENARIO_HELP)],
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = "-",
) -> None:
    """A scenario as spendcalc understood it: each ally's rule and, for national plans, the plans used.

    Example: spendcalc scenario show examples/rearm-europe.toml
    """
    from spendcalc.domain.years import default_year
    from spendcalc.reports.scenarios import show_report

    dataset = state(ctx).dataset()
    emit(show_report(dataset, _scenario(dataset, name), default_year(dataset)), output_format, output)


def schema(output: OutputOption = "-") -> None:
    """The JSON Schema of scenario files, from the same models that validate them.

    Example: spendcalc scenario schema --output scenario.schema.json
    """
    import json

    from spendcalc.data.scenario_file import ScenarioFile

    document = ScenarioFile.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    write_document(json.dumps(document, indent=2, ensure_ascii=False) + "\n", output)
