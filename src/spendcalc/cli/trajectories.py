"""`path` and `pledges`: where an ally's spending goes, and what its government has promised."""

from typing import Annotated

import typer

from spendcalc.choices import Baseline, Currency, OutputFormat, Shape
from spendcalc.cli.emit import emit, png_file
from spendcalc.cli.options import (
    COUNTRY_HELP,
    CurrencyOption,
    FormatOption,
    HtmlOption,
    OptionalCountryArgument,
    OutputOption,
    PngOption,
    SvgOption,
    choice_option,
    complete_country,
    complete_group,
    complete_target,
    pct,
    state,
)
from spendcalc.errors import UsageError

PathCountryArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="[COUNTRY]",
        autocompletion=complete_country,
        help=f"{COUNTRY_HELP} Or plan groups instead, with --group.",
    ),
]


def path(
    ctx: typer.Context,
    target: Annotated[
        list[str],
        typer.Option(
            "--target",
            "-t",
            metavar="PCT|+PP|ID",
            autocompletion=complete_target,
            help="Target share of GDP (3.5, hague-core, ...) or a rise from the start share (+1.5). Repeat "
            "with --by for milestones: -t 3.5 --by 2029 -t 5 --by 2035. hague or hague-5pct plans the 3.5% "
            "core and the 1.5% defence-related slice as two lines.",
        ),
    ],
    by: Annotated[
        list[int],
        typer.Option("--by", metavar="YEAR", help="The year the target is reached; one for each --target."),
    ],
    country: PathCountryArgument = None,
    from_year: Annotated[
        int | None,
        typer.Option("--from", metavar="YEAR", help="Start year. Default: the latest year with a share."),
    ] = None,
    current: Annotated[
        str | None,
        typer.Option("--current", metavar="PCT", help="Start from this share instead (what-if)."),
    ] = None,
    shape: Annotated[
        Shape,
        choice_option(
            Shape,
            "--shape",
            help_text="linear: the same rise in share every year. front: most of the rise early "
            "(start + rise × (1 − (1 − τ)²), τ = share of the years gone). "
            "back: most of it late (start + rise × τ²).",
        ),
    ] = Shape.LINEAR,
    baseline: Annotated[
        Baseline,
        choice_option(
            Baseline,
            "--baseline",
            help_text="What the extra is measured against: the start share of each year's GDP "
            "(flat-share) or the start year's spending in cash (flat-cash).",
        ),
    ] = Baseline.FLAT_SHARE,
    growth: Annotated[
        str | None,
        typer.Option(
            "--growth",
            metavar="PCT",
            help="Nominal GDP growth a year to use instead of the IMF projections (after the start year).",
        ),
    ] = None,
    group: Annotated[
        list[str] | None,
        typer.Option(
            "--group",
            "-g",
            metavar="ID|NAME=ISO3,...",
            autocompletion=complete_group,
            help="Plan a group instead of one ally: the sum of its members' own paths (eu, nordic, ...; see "
            "`spendcalc groups`), or a group of your own, e.g. baltics=EST,LVA,LTU. Repeat for several.",
        ),
    ] = None,
    currency: CurrencyOption = Currency.USD,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = "-",
    svg: SvgOption = None,
    html: HtmlOption = None,
    png: PngOption = None,
) -> None:
    """Year by year: GDP, share, spending and the extra over a stated baseline, up to a target year.

    Example: spendcalc path DEU --target 3.5 --by 2029 --currency EUR
    """
    from spendcalc.domain.countries import resolve_country
    from spendcalc.domain.trajectories import HAGUE_TOTAL_IDS, Milestone, defence_path, parse_path_target
    from spendcalc.reports.path import path_report

    run = state(ctx)
    if (country is None) == (not group):
        raise UsageError("give a COUNTRY or --group, not both" if group else "give a COUNTRY or --group")
    dataset = run.dataset()
    if len(target) != len(by):
        raise UsageError(
            f"{len(target)} --target and {len(by)} --by: give one --by for each --target, in order", "--by"
        )
    hague = [t for t in target if t.strip().casefold() in HAGUE_TOTAL_IDS]
    if hague and len(target) > 1:
        raise UsageError(f"{hague[0]!r} plans two lines: give it alone, with one --by", "--target")
    milestones = [
        Milestone(text if hague else parse_path_target(text, dataset.targets), year)
        for text, year in zip(target, by, strict=True)
    ]
    if group:
        if png is not None:
            raise UsageError("--png draws one ally's path: give a COUNTRY, not --group", "--png")
        if current is not None:
            raise UsageError(
                "--current is one ally's share: a group's members start from theirs", "--current"
            )
        from spendcalc.domain.groups import parse_groups
        from spendcalc.domain.trajectories import group_path
        from spendcalc.reports.path import group_path_report

        planned = [
            group_path(
                dataset, spec, milestones, None, from_year, shape, baseline, pct(growth, "--growth"), currency
            )
            for spec in parse_groups(dataset, group)
        ]
        emit(group_path_report(dataset, planned, run.generated()), output_format, output, svg, html)
        return
    assert country is not None
    result = defence_path(
        dataset,
        resolve_country(dataset, country),
        milestones,
        None,
        from_year,
        pct(current, "--current"),
        shape,
        baseline,
        pct(growth, "--growth"),
        currency,
    )
    report = path_report(dataset, result, run.generated())

    def draw(sources: list[str]) -> bytes:
        from spendcalc.output.png import path_png  # matplotlib, only for --png

        return path_png(result, sources)

    emit(report, output_format, output, svg, html, png_file(png, report.notes, draw))


def pledges(
    ctx: typer.Context,
    country: OptionalCountryArgument = None,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = "-",
) -> None:
    """National pledges against the latest NATO share and The Hague's 3.5% core, with their cost.

    Example: spendcalc pledges GBR
    """
    from spendcalc.domain.countries import resolve_country
    from spendcalc.domain.pledges import check_pledges
    from spendcalc.reports.pledges import pledges_report

    run = state(ctx)
    dataset = run.dataset()
    ally = resolve_country(dataset, country) if country is not None else None
    emit(pledges_report(dataset, check_pledges(dataset, ally), run.generated()), output_format, output)
