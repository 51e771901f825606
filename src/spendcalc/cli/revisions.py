"""`revisions`: one ally's share across NATO's editions."""

from typing import Annotated

import typer

from spendcalc.choices import OutputFormat
from spendcalc.cli.emit import emit
from spendcalc.cli.options import CountryArgument, FormatOption, OutputOption, state


def revisions(
    ctx: typer.Context,
    country: CountryArgument,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            "-y",
            metavar="YEAR",
            help="Year of the share. Default: the latest year with a share in more than one edition.",
        ),
    ] = None,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = "-",
) -> None:
    """One ally's share of GDP for a year in each of NATO's editions, and how it was revised.

    Example: spendcalc revisions POL --year 2025
    """
    from spendcalc.domain.countries import resolve_country
    from spendcalc.domain.revisions import revisions as ally_revisions
    from spendcalc.reports.revisions import revisions_report

    run = state(ctx)
    dataset = run.dataset()
    ally = resolve_country(dataset, country)
    report = revisions_report(dataset, ally_revisions(dataset, ally, year), run.generated())
    emit(report, output_format, output)
