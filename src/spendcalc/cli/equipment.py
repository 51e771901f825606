"""`equipment`: the 20% guideline on major equipment, ally by ally."""

import typer

from spendcalc.choices import OutputFormat
from spendcalc.cli.emit import emit
from spendcalc.cli.options import FormatOption, HtmlOption, OutputOption, SvgOption, YearOption, state


def equipment(
    ctx: typer.Context,
    year: YearOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = "-",
    svg: SvgOption = None,
    html: HtmlOption = None,
) -> None:
    """Each ally's share of defence spending on major equipment against the 20% guideline (NATO's tables).

    Example: spendcalc equipment --year 2024
    """
    from spendcalc.domain.equipment import equipment_check
    from spendcalc.reports.equipment import equipment_report

    run = state(ctx)
    dataset = run.dataset()
    emit(
        equipment_report(dataset, equipment_check(dataset, year), run.generated()),
        output_format,
        output,
        svg,
        html,
    )
