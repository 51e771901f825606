"""The Typer app: global options, the commands in the order `--help` lists them, and the entry point.

Exit codes: 0 ok, 1 error (bad data, unknown country, year without data, unwritable output), 2 usage;
130 and 143 on SIGINT and SIGTERM (handled in spendcalc.__main__). Errors are mapped in `cli.errors`.
"""

# No `from __future__ import annotations` here: Typer reads every command's annotations at start-up,
# and evaluating them from strings would rebuild each typer.Option again, on every run.
import copy
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from spendcalc import __version__
from spendcalc.choices import Prices
from spendcalc.cli import dataset, equipment, gaps, history, listings, revisions, scenarios, trajectories
from spendcalc.cli.emit import reading_dataset
from spendcalc.cli.errors import handled
from spendcalc.cli.options import DATA_VARIABLE, State
from spendcalc.cli.scenarios import scenario_app
from spendcalc.errors import Stopped

__all__ = ["Stopped", "app", "main"]

app = typer.Typer(
    name="spendcalc",
    help="Defence-spending gaps of the NATO allies against the 2%, 3.5% and 5% targets, with sources.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

COMMANDS = (
    gaps.gap,
    gaps.compare,
    gaps.export,
    listings.countries,
    listings.groups,
    listings.targets,
    listings.sources,
    trajectories.path,
    trajectories.pledges,
    history.history,
    history.share,
    history.chart,
    equipment.equipment,
    revisions.revisions,
    dataset.dataset,
    dataset.schema,
)
"""Every command, in the order `spendcalc --help` lists them; each named after its function."""


class OneValueCommand(typer.core.TyperCommand):
    """A command in which an option that takes one value may be given once: `--year 2024 --year 2025`
    is a usage error naming the option, never silently the last one."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """`[OPTIONS] COUNTRY` or `[OPTIONS] [COUNTRY]` on every Typer (0.26 and later would write
        `{COUNTRY}` and `[[COUNTRY]]`)."""
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, typer.core.TyperArgument):
                name = (param.metavar or (param.name or "").upper()).strip("[]{}")
                pieces.append(name if param.required else f"[{name}]")
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # Any: click's or typer's own Context
        for param in self.params:
            # Typer shows every option's environment variable; with click 8.2 an error about an option
            # that has none would read "'--year' (env var: 'None')".
            if getattr(param, "envvar", None) is None and getattr(param, "show_envvar", False):
                param.show_envvar = False  # type: ignore[attr-defined]
            # Typer 0.26 and later add the type to an argument's help ("COUNTRY <str>"); the metavar says it.
            if isinstance(param, typer.core.TyperArgument) and hasattr(param, "display_type_rich"):
                param.display_type_rich = _no_type  # type: ignore[method-assign]
        # Parsed once more, for the order in which options were given (repeats included).
        try:
            _, _, given = self.make_parser(ctx).parse_args(args=list(args))
        except Exception as error:  # click's or typer's own NoSuchOption
            raise _global_option_misplaced(ctx, error, self.name) or error from None
        seen: set[str | None] = set()
        for param in given:
            if (
                not isinstance(param, typer.core.TyperOption)
                or param.multiple
                or param.count
                or param.is_flag
            ):
                continue
            if param.name in seen:
                raise typer.BadParameter("given more than once; it takes one value", ctx=ctx, param=param)
            seen.add(param.name)
        return super().parse_args(ctx, args)


def _no_type(ctx: Any) -> None:
    return None


def _global_option_misplaced(ctx: Any, error: Exception, command: str | None) -> Exception | None:
    """For `compare --data x.json`, the same NoSuchOption saying where a global option goes."""
    name = getattr(error, "option_name", None)
    if type(error).__name__ != "NoSuchOption" or not isinstance(name, str):
        return None
    root = ctx.find_root().command
    for param in root.params:
        # Not the eager ones (--help, --version, completion): they stop before any command runs.
        if name in param.opts and not param.is_eager:
            value = "" if getattr(param, "is_flag", False) else f" {param.metavar or 'VALUE'}"
            message = (
                f"No such option: {name} after the command; global options go before it: "
                f"spendcalc {name}{value} {command or 'COMMAND'}"
            )
            no_such_option: Any = type(error)
            return no_such_option(name, message=message, ctx=ctx)  # type: ignore[no-any-return]
    return None


for _command in COMMANDS:
    app.command(cls=OneValueCommand)(handled(_command))

scenario_app.command("run", cls=OneValueCommand)(handled(scenarios.run))
scenario_app.command("compare", cls=OneValueCommand)(handled(scenarios.compare))
scenario_app.command("show", cls=OneValueCommand)(handled(scenarios.show))
scenario_app.command("schema", cls=OneValueCommand)(handled(scenarios.schema))
app.add_typer(scenario_app, name="scenario")


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
            envvar=DATA_VARIABLE,
            metavar="PATH",
            help="Use this dataset (same schema as the bundled data/allies.json) instead of the bundled one.",
            dir_okay=True,
        ),
    ] = None,
    edition: Annotated[
        str | None,
        typer.Option(
            "--edition",
            envvar="SPENDCALC_EDITION",
            metavar="ID",
            help="Use this edition of NATO's figures (e.g. nato-2025-08; `spendcalc sources` lists them). "
            "Default: the latest.",
        ),
    ] = None,
    prices: Annotated[
        Prices,
        typer.Option(
            "--prices",
            envvar="SPENDCALC_PRICES",
            case_sensitive=False,
            help="Money at current prices, or at constant 2021 prices and exchange rates (NATO's tables).",
        ),
    ] = Prices.CURRENT,
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
    reading_dataset(data)
    source = ctx.get_parameter_source("data")
    from_environment = source is not None and source.name == "ENVIRONMENT"
    ctx.obj = State(
        data,
        timestamp=not no_timestamp,
        edition=edition,
        data_from_environment=from_environment,
        prices=prices.value,
    )


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
            narrow.registered_groups = []
            return narrow
    for group in app.registered_groups:
        if args[0] == group.name:  # a group of commands (`scenario`): it alone
            narrow = copy.copy(app)
            narrow.registered_commands = []
            narrow.registered_groups = [group]
            return narrow
    return app


def main() -> None:
    """Run the Typer app (the console script enters through spendcalc.__main__, which handles signals)."""
    try:
        code = app_for(sys.argv[1:])(prog_name="spendcalc", standalone_mode=False)
    except BrokenPipeError:
        from spendcalc.output.files import silence_stdout

        silence_stdout()
        sys.exit(0)
    except _CLICK_ERROR as error:
        # Click's own messages quote the command line (an unknown command, an extra argument): escaped
        # as spendcalc's are (click 8.2 leaves control characters raw, and no click escapes bidi).
        from spendcalc.output.escape import escaped

        if type(error).__name__ != "NoArgsIsHelpError":  # `spendcalc` alone: its message is the help
            error.message = escaped(error.message)
        error.show()
        sys.exit(error.exit_code)
    except typer.Abort:
        typer.echo("Aborted!", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


_CLICK_ERROR: Any = next(kind for kind in typer.BadParameter.__mro__ if kind.__name__ == "ClickException")
"""Click's base exception, from click or from Typer's own copy of it (Typer 0.26 and later)."""
