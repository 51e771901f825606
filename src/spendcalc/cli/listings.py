"""`countries`, `groups`, `targets`, `sources`: the dataset's reference lists."""

import typer

from spendcalc.choices import OutputFormat
from spendcalc.cli.emit import emit
from spendcalc.cli.options import FormatOption, OutputOption, state


def countries(
    ctx: typer.Context, output_format: FormatOption = OutputFormat.TABLE, output: OutputOption = "-"
) -> None:
    """The allies, their codes and aliases, and the years with data.

    Example: spendcalc countries --format csv
    """
    from spendcalc.reports.listings import countries_report

    emit(countries_report(state(ctx).dataset()), output_format, output)


def groups(
    ctx: typer.Context, output_format: FormatOption = OutputFormat.TABLE, output: OutputOption = "-"
) -> None:
    """The groups of allies (EU members in NATO, Nordic, Baltic, ...), their ids, members and sources.

    Example: spendcalc groups
    """
    from spendcalc.reports.listings import groups_report

    emit(groups_report(state(ctx).dataset()), output_format, output)


def targets(
    ctx: typer.Context, output_format: FormatOption = OutputFormat.TABLE, output: OutputOption = "-"
) -> None:
    """What the targets are (Wales 2%, The Hague 3.5% + 1.5%, ...) and their ids.

    Example: spendcalc targets
    """
    from spendcalc.reports.listings import targets_report

    emit(targets_report(state(ctx).dataset()), output_format, output)


def sources(
    ctx: typer.Context, output_format: FormatOption = OutputFormat.TABLE, output: OutputOption = "-"
) -> None:
    """Where every figure comes from. Also a quick way to validate a dataset: spendcalc --data FILE sources.

    Example: spendcalc sources
    """
    from spendcalc.reports.listings import sources_report

    emit(sources_report(state(ctx).dataset()), output_format, output)
