"""The command line: parse, call the core, pick a formatter, map errors to exit codes.

Exit codes: 0 ok, 1 error (bad data, unknown country, year without data, unwritable output), 2 usage;
130 and 143 on SIGINT and SIGTERM (handled in spendcalc.__main__).
"""

# No `from __future__ import annotations` here: Typer reads every command's annotations at start-up,
# and evaluating them from strings would rebuild each typer.Option again, on every run.
import copy
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from spendcalc import __version__
from spendcalc.currency import Currency
from spendcalc.errors import SpendcalcError, Stopped, UsageError

__all__ = ["Stopped", "app", "main"]
from spendcalc.formats import OutputFormat

if TYPE_CHECKING:
    from datetime import datetime

    from spendcalc.core import SortKey, TargetSpec
    from spendcalc.models import Dataset
    from spendcalc.report import Report

app = typer.Typer(
    name="spendcalc",
    help="Defence-spending gaps of the NATO allies against the 2%, 3.5% and 5% targets, with sources.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


@dataclass
class State:
    data_path: Path | None = None
    timestamp: bool = True
    _dataset: "Dataset | None" = None

    def generated(self) -> "datetime | None":
        """When exports say they were made: now, SOURCE_DATE_EPOCH, or nothing with --no-timestamp."""
        from datetime import datetime, timezone

        if not self.timestamp:
            return None
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch is None:
            return datetime.now(timezone.utc)
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise SpendcalcError(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds") from None

    def dataset(self) -> "Dataset":
        if self._dataset is None:
            from spendcalc.loader import load_dataset

            self._dataset = load_dataset(self.data_path)
        return self._dataset


def _version(value: bool) -> None:
    if value:
        typer.echo(f"spendcalc {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            envvar="SPENDCALC_DATA",
            metavar="PATH",
            help="Use this dataset (same schema as the bundled data/allies.json) instead of the bundled one.",
            dir_okay=True,
        ),
    ] = None,
    no_timestamp: Annotated[
        bool,
        typer.Option(
            "--no-timestamp",
            help="Leave the generated time out of JSON output (null), for byte-identical, diffable exports.",
        ),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Defence-spending gaps of the NATO allies against the 2%, 3.5% and 5% targets, with sources.

    Example: spendcalc gap POL --target 3.5
    """
    ctx.obj = State(data, timestamp=not no_timestamp)


def _data_path(ctx: typer.Context) -> str | None:
    data = ctx.find_root().params.get("data")
    return str(data) if data else os.environ.get("SPENDCALC_DATA") or None


def _complete_country(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from spendcalc.completion import country_items

    return country_items(incomplete, _data_path(ctx))


def _complete_target(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from spendcalc.completion import target_items

    return target_items(incomplete, _data_path(ctx))


# --- shared options and the one output dispatch ---------------------------------------------------

TargetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--target",
        "-t",
        metavar="PCT|ID",
        autocompletion=_complete_target,
        help="Target share of GDP: 2, 2.5, 2.5%, 2,5 or an id (hague-core, hague-5pct, nato-2pct). "
        "Repeat for several. Default: 2, 2.5, 3.5 and 5.",
    ),
]
YearOption = Annotated[
    int | None,
    typer.Option(
        "--year", "-y", metavar="YEAR", help="Year of the figures. Default: the latest year with every share."
    ),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="table for people; csv or json for programs.")
]
CurrencyOption = Annotated[
    Currency,
    typer.Option(
        "--currency",
        "-c",
        case_sensitive=False,
        help="Money in US$, EUR or LCU (national currency), at annual average ECB rates.",
    ),
]
SvgOption = Annotated[
    Path | None,
    typer.Option(
        "--svg", metavar="PATH", help="Also save the table, in colour, as an SVG picture.", dir_okay=False
    ),
]
HtmlOption = Annotated[
    Path | None,
    typer.Option(
        "--html", metavar="PATH", help="Also save the table, in colour, as an HTML page.", dir_okay=False
    ),
]
OutputOption = Annotated[
    str,
    typer.Option(
        "--output", "-o", metavar="PATH", help="Write to this file (replaced whole) instead of stdout (-)."
    ),
]


def _state(ctx: typer.Context) -> State:
    state = ctx.find_object(State)
    return state if state is not None else State()


def _use_color() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def _width() -> int | None:
    import shutil

    if sys.stdout.isatty() or os.environ.get("COLUMNS"):
        return shutil.get_terminal_size().columns
    return None


def emit(
    report: "Report",
    output_format: OutputFormat,
    output: str,
    svg: Path | None = None,
    html: Path | None = None,
    also: "Sequence[tuple[Path, Callable[[], bytes]]]" = (),
) -> None:
    """The one place every command's result goes through: format, then write; and the same table
    saved as an SVG picture or an HTML page when asked (`also`: more files, e.g. a PNG). Every
    destination is checked before anything is written."""
    from spendcalc.formats import formatter_for
    from spendcalc.output import STDOUT, check_destination, silence_stdout, write_bytes, write_text

    files: list[tuple[Path, Callable[[], bytes]]] = list(also)
    for path, kind in ((svg, "svg"), (html, "html")):
        if path is not None:
            files.append((path, partial(_picture_bytes, report, kind)))
    for path, _ in files:
        if str(path) == STDOUT:
            raise UsageError(f"{path}: a picture needs a file name, not stdout")
    for destination in (output, *(str(path) for path, _ in files)):
        check_destination(destination)
    to_stdout = output == STDOUT
    formatter = formatter_for(
        output_format,
        width=_width() if to_stdout else None,
        color=_use_color() if to_stdout else False,
    )
    text = formatter.format(report)
    for path, produce in files:
        write_bytes(produce(), str(path))
    try:
        write_text(text, output)
    except BrokenPipeError:
        # The reader (head, a closed pager) has all it wants: that is success, not an error.
        silence_stdout()
        raise typer.Exit(0) from None
    for destination in (*([] if to_stdout else [output]), *(str(path) for path, _ in files)):
        typer.echo(f"wrote {destination}", err=True)


def _picture_bytes(report: "Report", kind: str) -> bytes:
    from spendcalc.render import Picture, picture  # Rich, only when a picture is asked for

    return picture(report, Picture(kind), _width()).encode("utf-8")


@contextmanager
def user_errors() -> Iterator[None]:
    """One domain exception becomes one line (plus one per invalid field) and exit status 1."""
    try:
        yield
    except UsageError as error:
        hint = f"'{error.option}'" if error.option else None
        raise typer.BadParameter(error.message, param_hint=hint) from None
    except SpendcalcError as error:
        typer.echo(f"spendcalc: error: {error.message}", err=True)
        for detail in error.details:
            typer.echo(f"  {detail}", err=True)
        raise typer.Exit(1) from None


# --- commands -------------------------------------------------------------------------------------


@app.command()
def gap(
    ctx: typer.Context,
    country: Annotated[
        str,
        typer.Argument(
            metavar="COUNTRY",
            autocompletion=_complete_country,
            help="ISO3, ISO2, name or alias: POL, PL, Poland, UK, Turkey.",
        ),
    ],
    target: TargetOption = None,
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
    from spendcalc import core, report

    with user_errors():
        state = _state(ctx)
        dataset = state.dataset()
        gaps = core.gap(dataset, country, target or core.DEFAULT_TARGETS, year, _pct(current, "--current"))
        emit(report.gap_report(dataset, gaps, state.generated(), currency), output_format, output, svg, html)


@app.command()
def compare(
    ctx: typer.Context,
    target: TargetOption = None,
    year: YearOption = None,
    sort: Annotated[
        str,
        typer.Option(
            "--sort", metavar="name|share|gap", help="name, share (highest first) or gap (largest first)."
        ),
    ] = "name",
    only_below: Annotated[
        bool, typer.Option("--only-below", help="Show only allies below the lowest target.")
    ] = False,
    currency: CurrencyOption = Currency.USD,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = "-",
    svg: SvgOption = None,
    html: HtmlOption = None,
) -> None:
    """Every ally against every target, with NATO and Europe-and-Canada totals.

    Example: spendcalc compare --target 2 --target 3.5 --sort gap
    """
    from spendcalc import core, report

    sort_key = _sort_key(sort)
    with user_errors():
        state = _state(ctx)
        dataset = state.dataset()
        comparison = core.compare(dataset, target or core.DEFAULT_TARGETS, year, sort_key, only_below)
        emit(
            report.compare_report(dataset, comparison, state.generated(), currency),
            output_format,
            output,
            svg,
            html,
        )


def _sort_key(text: str) -> "SortKey":
    from spendcalc.core import SortKey

    return _choice(SortKey, text, "--sort")


@app.command()
def export(
    ctx: typer.Context,
    target: TargetOption = None,
    year: YearOption = None,
    currency: CurrencyOption = Currency.USD,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="csv (default) or json; table for a look.")
    ] = OutputFormat.CSV,
    output: OutputOption = "-",
) -> None:
    """The scenario grid as tidy rows, one per ally × target, for spreadsheets and programs.

    Example: spendcalc export --year 2024 --format csv --output gaps.csv
    """
    from spendcalc import core, report

    with user_errors():
        state = _state(ctx)
        dataset = state.dataset()
        comparison = core.compare(dataset, target or core.DEFAULT_TARGETS, year)
        emit(report.export_report(dataset, comparison, state.generated(), currency), output_format, output)


def _listing(name: str, build: str, doc: str) -> None:
    """Register a command that shows one of the dataset's reference lists."""

    def command(
        ctx: typer.Context, output_format: FormatOption = OutputFormat.TABLE, output: OutputOption = "-"
    ) -> None:
        from spendcalc import report

        with user_errors():
            emit(getattr(report, build)(_state(ctx).dataset()), output_format, output)

    command.__doc__ = doc
    app.command(name)(command)


_listing(
    "countries",
    "countries_report",
    """The allies, their codes and aliases, and the years with data.

    Example: spendcalc countries --format csv
    """,
)
_listing(
    "targets",
    "targets_report",
    """What the targets are (Wales 2%, The Hague 3.5% + 1.5%, ...) and their ids.

    Example: spendcalc targets
    """,
)
_listing(
    "sources",
    "sources_report",
    """Where every figure comes from. Also a quick way to validate a dataset: spendcalc --data FILE sources.

    Example: spendcalc sources
    """,
)


@app.command()
def path(
    ctx: typer.Context,
    country: Annotated[
        str,
        typer.Argument(
            metavar="COUNTRY", autocompletion=_complete_country, help="ISO3, ISO2, name or alias."
        ),
    ],
    target: Annotated[
        str,
        typer.Option(
            "--target",
            "-t",
            metavar="PCT|ID",
            autocompletion=_complete_target,
            help="Target share of GDP (3.5, hague-core, ...). hague or hague-5pct plans the 3.5% core and "
            "the 1.5% defence-related slice as two lines.",
        ),
    ],
    by: Annotated[int, typer.Option("--by", metavar="YEAR", help="The year the target is reached.")],
    from_year: Annotated[
        int | None,
        typer.Option("--from", metavar="YEAR", help="Start year. Default: the latest year with a share."),
    ] = None,
    current: Annotated[
        str | None,
        typer.Option("--current", metavar="PCT", help="Start from this share instead (what-if)."),
    ] = None,
    shape: Annotated[
        str,
        typer.Option(
            "--shape",
            metavar="linear|front|back",
            help="linear: the same rise in share every year. front: most of the rise early "
            "(start + rise × (1 − (1 − τ)²), τ = share of the years gone). "
            "back: most of it late (start + rise × τ²).",
        ),
    ] = "linear",
    baseline: Annotated[
        str,
        typer.Option(
            "--baseline",
            metavar="flat-share|flat-cash",
            help="What the extra is measured against: the start share of each year's GDP (flat-share) or "
            "the start year's spending in cash (flat-cash).",
        ),
    ] = "flat-share",
    growth: Annotated[
        str | None,
        typer.Option(
            "--growth",
            metavar="PCT",
            help="Nominal GDP growth a year to use instead of the IMF projections (after the start year).",
        ),
    ] = None,
    currency: CurrencyOption = Currency.USD,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = "-",
    svg: SvgOption = None,
    html: HtmlOption = None,
) -> None:
    """Year by year: GDP, share, spending and the extra over a stated baseline, up to a target year.

    Example: spendcalc path DEU --target 3.5 --by 2029 --currency EUR
    """
    from spendcalc import core, paths, report_paths

    chosen_shape = _choice(paths.Shape, shape, "--shape")
    chosen_baseline = _choice(paths.Baseline, baseline, "--baseline")
    with user_errors():
        dataset = _state(ctx).dataset()
        ally = core.resolve_country(dataset, country)
        split = target.strip().casefold() in paths.HAGUE_TOTAL_IDS
        spec: TargetSpec | str = target if split else core.parse_target(target, dataset.targets)
        result = paths.defence_path(
            dataset,
            ally,
            spec,
            by,
            from_year,
            _pct(current, "--current"),
            chosen_shape,
            chosen_baseline,
            _pct(growth, "--growth"),
            currency,
        )
        emit(
            report_paths.path_report(dataset, result, _state(ctx).generated()),
            output_format,
            output,
            svg,
            html,
        )


@app.command()
def pledges(
    ctx: typer.Context,
    country: Annotated[
        str | None,
        typer.Argument(
            metavar="[COUNTRY]",
            autocompletion=_complete_country,
            help="Only this ally's pledges. Default: all.",
        ),
    ] = None,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = "-",
) -> None:
    """National pledges against the latest NATO share and The Hague's 3.5% core, with their cost.

    Example: spendcalc pledges GBR
    """
    from spendcalc import core, paths, report_paths

    with user_errors():
        dataset = _state(ctx).dataset()
        ally = core.resolve_country(dataset, country) if country is not None else None
        checks = paths.check_pledges(dataset, ally)
        emit(report_paths.pledges_report(dataset, checks, _state(ctx).generated()), output_format, output)


@app.command()
def history(
    ctx: typer.Context,
    country: Annotated[
        str,
        typer.Argument(
            metavar="COUNTRY", autocompletion=_complete_country, help="ISO3, ISO2, name or alias."
        ),
    ],
    from_year: Annotated[int | None, typer.Option("--from", metavar="YEAR", help="First year.")] = None,
    to_year: Annotated[int | None, typer.Option("--to", metavar="YEAR", help="Last year.")] = None,
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = "-",
    svg: SvgOption = None,
    html: HtmlOption = None,
) -> None:
    """An ally's share of GDP and spending over the years, with a bar per year and the 2% line.

    Example: spendcalc history POL --from 2018
    """
    from spendcalc import core, report_paths

    with user_errors():
        dataset = _state(ctx).dataset()
        ally = core.resolve_country(dataset, country)
        rows = core.history(ally, from_year, to_year)
        emit(
            report_paths.history_report(dataset, rows, ally, _state(ctx).generated()),
            output_format,
            output,
            svg,
            html,
        )


@app.command()
def share(
    ctx: typer.Context,
    year: YearOption = None,
    target: Annotated[
        str,
        typer.Option(
            "--target",
            "-t",
            metavar="PCT|ID",
            autocompletion=_complete_target,
            help="Raise every ally below this to it.",
        ),
    ] = "2",
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = "-",
) -> None:
    """Each ally's share of total NATO spending, now and if every ally below the target rose to it.

    Example: spendcalc share --year 2025 --target 3.5
    """
    from spendcalc import core, report_paths

    with user_errors():
        dataset = _state(ctx).dataset()
        spec = core.parse_target(target, dataset.targets)
        chosen = core.default_year(dataset) if year is None else core.check_year(dataset, year)
        burden = core.burden_sharing(dataset, chosen, spec)
        emit(report_paths.share_report(dataset, burden, _state(ctx).generated()), output_format, output)


@app.command()
def chart(
    ctx: typer.Context,
    year: YearOption = None,
    target: TargetOption = None,
    sort: Annotated[
        str, typer.Option("--sort", metavar="share|name", help="share (highest first, default) or name.")
    ] = "share",
    output_format: FormatOption = OutputFormat.TABLE,
    output: OutputOption = "-",
    svg: SvgOption = None,
    html: HtmlOption = None,
    png: Annotated[
        Path | None,
        typer.Option(
            "--png",
            metavar="PATH",
            dir_okay=False,
            help="Also save the chart as a PNG image (needs the plot extra: pip install 'spendcalc[plot]').",
        ),
    ] = None,
) -> None:
    """A bar per ally, scaled to the terminal, with each target drawn across the bars.

    Example: spendcalc chart --target 2 --target 3.5 --target 5
    """
    from spendcalc import core, report_paths

    sort_key = _choice(core.SortKey, sort, "--sort")
    if sort_key is core.SortKey.GAP:
        raise typer.BadParameter("'gap' is not one of share, name", param_hint="'--sort'")
    with user_errors():
        state = _state(ctx)
        dataset = state.dataset()
        comparison = core.compare(dataset, target or ("2", "3.5", "5"), year, sort_key)
        # Bars fit the terminal they are printed on; into a file they take the default width.
        width = (_width() if output == "-" else None) or report_paths.CHART_DEFAULT_WIDTH
        bar_width = width - report_paths.CHART_FIXED_WIDTH
        result = report_paths.chart_report(dataset, comparison, bar_width, state.generated())
        also: list[tuple[Path, Callable[[], bytes]]] = []
        if png is not None:
            from spendcalc.plot import chart_png

            sources = [n for n in result.notes if n.startswith("Source:")]
            also.append((png, lambda: chart_png(comparison, sources)))
        emit(result, output_format, output, svg, html, also)


@app.command()
def dataset(ctx: typer.Context, output: OutputOption = "-") -> None:
    """The dataset in use (the bundled one unless --data is given), as JSON: a start for your own.

    Example: spendcalc dataset --output allies-2026.json
    """
    from spendcalc.loader import bundled_bytes
    from spendcalc.output import write_text

    with user_errors():
        state = _state(ctx)
        state.dataset()  # a --data file is validated before it is copied anywhere
        raw = bundled_bytes() if state.data_path is None else state.data_path.read_bytes()
        write_text(raw.decode("utf-8"), output)
        if output != "-":
            typer.echo(f"wrote {output}", err=True)


@app.command()
def schema(output: OutputOption = "-") -> None:
    """The JSON Schema of the dataset, from the same models that validate it, for your own datasets.

    Example: spendcalc schema --output allies.schema.json
    """
    import json

    from spendcalc.models import Dataset
    from spendcalc.output import write_text

    with user_errors():
        document = Dataset.model_json_schema()
        document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", output)
        if output != "-":
            typer.echo(f"wrote {output}", err=True)


def _pct(text: str | None, option: str) -> float | None:
    """A percentage option, written as people write them: 2.3, 2.3% or 2,3."""
    from spendcalc.core import parse_pct

    if text is None:
        return None
    try:
        return parse_pct(text)
    except ValueError:
        raise UsageError(f"{text!r} is not a percentage: give a number such as 2.3", option) from None


_Choice = TypeVar("_Choice", bound=Enum)


def _choice(kind: type[_Choice], text: str, option: str) -> _Choice:
    for member in kind:
        if member.value == text.strip().lower():
            return member
    choices = ", ".join(str(m.value) for m in kind)
    raise typer.BadParameter(f"{text!r} is not one of {choices}", param_hint=f"'{option}'")


def app_for(args: Sequence[str]) -> typer.Typer:
    """The app as a run of `spendcalc ARGS` needs it: with only the command named first, if one is.

    On every run Typer turns each registered command into a Click command, reading its signature;
    a run uses one. Anything else (global options first, no command, a misspelt one)
    gets the whole app, with its help and its suggestions.
    """
    if not args:
        return app
    for command in app.registered_commands:
        # Named as Typer names it: the given name, else the function's, lower case, - for _.
        name = command.name or typer.main.get_command_name(getattr(command.callback, "__name__", ""))
        if args[0] == name:
            narrow = copy.copy(app)
            narrow.registered_commands = [command]
            return narrow
    return app


def main() -> None:
    """Run the Typer app (the console script enters through spendcalc.__main__, which handles signals)."""
    try:
        app_for(sys.argv[1:])(prog_name="spendcalc")
    except BrokenPipeError:
        from spendcalc.output import silence_stdout

        silence_stdout()
        sys.exit(0)
