"""Options and arguments shared by the commands, each declared once, and the run's state (`--data`, ...)."""

# No `from __future__ import annotations`: Typer reads these annotations at start-up, and evaluating
# them from strings would rebuild each typer.Option again, on every run.
import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from spendcalc.choices import Currency, OutputFormat
from spendcalc.errors import SpendcalcError, UsageError

if TYPE_CHECKING:
    from datetime import datetime

    from spendcalc.data.schema import Dataset


DATA_VARIABLE = "SPENDCALC_DATA"


@dataclass
class State:
    data_path: Path | None = None
    timestamp: bool = True
    edition: str | None = None
    """--edition: the edition of NATO's figures every command uses (None: the dataset's latest)."""
    data_from_environment: bool = False
    """The data path came from SPENDCALC_DATA, not --data: its errors say so."""
    prices: str = "current"
    """--prices: money at current prices or at NATO's constant 2021 prices and exchange rates."""
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
            seconds = int(epoch)
        except ValueError:
            raise SpendcalcError(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds") from None
        try:
            return datetime.fromtimestamp(seconds, tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise SpendcalcError(
                f"SOURCE_DATE_EPOCH={epoch!r} is out of range: give seconds since 1970 up to the year 9999"
            ) from None

    def dataset(self) -> "Dataset":
        if self._dataset is None:
            import spendcalc.data.schema  # noqa: F401  (imported outside `interruptible`: see spendcalc.signals)
            from spendcalc.data.load import load_dataset
            from spendcalc.signals import interruptible

            # Reading may wait (a FIFO, `--data <(...)`): a signal stops it at once.
            try:
                with interruptible():
                    self._dataset = (
                        load_dataset(self.data_path).for_edition(self.edition).for_prices(self.prices)
                    )
            except SpendcalcError as error:
                if not self.data_from_environment:
                    raise
                raise SpendcalcError(f"{error.message} (from {DATA_VARIABLE})", error.details) from None
        return self._dataset


def state(ctx: typer.Context) -> State:
    found = ctx.find_object(State)
    return found if found is not None else State()


def _data_path(ctx: typer.Context) -> str | None:
    data = ctx.find_root().params.get("data")
    return str(data) if data else os.environ.get(DATA_VARIABLE) or None


def complete_country(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from spendcalc.cli.completion import country_items

    return country_items(incomplete, _data_path(ctx))


def complete_target(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from spendcalc.cli.completion import target_items

    return target_items(incomplete, _data_path(ctx))


def complete_group(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from spendcalc.cli.completion import group_items

    return group_items(incomplete, _data_path(ctx))


def pct(text: str | None, option: str) -> float | None:
    """A percentage option, written as people write them: 2.3, 2.3% or 2,3."""
    from spendcalc.domain.targets import parse_pct

    if text is None:
        return None
    try:
        return parse_pct(text)
    except ValueError:
        raise UsageError(f"{text!r} is not a percentage: give a number such as 2.3", option) from None


_E = TypeVar("_E", bound=Enum)


def choice_option(
    choices: type[_E], *declarations: str, help_text: str, hint: str = ""
) -> typer.models.OptionInfo:
    """An option taking one of an enum's values, in any case. Parsed here rather than by Typer, so that
    every supported Typer gives the same help, the same completion and the same one-line error, without
    the "Value error," that Typer's pydantic coercion puts in front; `hint` ends that error."""
    values = [member.value for member in choices]

    def parse(given: "str | _E") -> _E:
        if isinstance(given, choices):
            return given
        wanted = str(given).strip().casefold()
        found = next((member for member in choices if member.value.casefold() == wanted), None)
        if found is None:
            listed = ", ".join(repr(value) for value in values)
            raise typer.BadParameter(f"{given!r} is not one of {listed}{hint}")
        return found

    def complete(incomplete: str) -> list[str]:
        from spendcalc.cli.completion import extend

        # In the case typed: `-c l` offers `lcu`, which the shell keeps (and the option accepts).
        return [text for value in values if (text := extend(incomplete, value))]

    option: typer.models.OptionInfo = typer.Option(
        *declarations,
        parser=parse,
        autocompletion=complete,
        metavar=f"[{'|'.join(values)}]",
        help=help_text,
    )
    return option


COUNTRY_HELP = "ISO3, ISO2, name or alias: POL, PL, Poland, UK, Turkey."
CountryArgument = Annotated[
    str, typer.Argument(metavar="COUNTRY", autocompletion=complete_country, help=COUNTRY_HELP)
]
OptionalCountryArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="[COUNTRY]", autocompletion=complete_country, help="Only this ally's pledges. Default: all."
    ),
]
TargetsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--target",
        "-t",
        metavar="PCT|ID",
        autocompletion=complete_target,
        help="Target share of GDP: 2, 2.5, 2.5%, 2,5 or an id (hague-core, hague-5pct, nato-2pct). "
        "Repeat for several. Default: 2, 2.5, 3.5 and 5.",
    ),
]

GroupsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--group",
        "-g",
        metavar="ID|NAME=ISO3,...",
        autocompletion=complete_group,
        help="Add a group's totals: an id (eu, nordic, baltic, b9, g7, weimar, ...; see `spendcalc groups`) "
        "or a group of your own, e.g. baltics=EST,LVA,LTU. Repeat for several. NATO and Europe and "
        "Canada are always shown.",
    ),
]


def one_target_option(help_text: str) -> typer.models.OptionInfo:
    """--target for a command that takes one target, with its own help."""
    option: typer.models.OptionInfo = typer.Option(
        "--target", "-t", metavar="PCT|ID", autocompletion=complete_target, help=help_text
    )
    return option


YearOption = Annotated[
    int | None,
    typer.Option(
        "--year", "-y", metavar="YEAR", help="Year of the figures. Default: the latest year with every share."
    ),
]
FORMAT_HINT = "; table for people, csv (for spreadsheets) or json for programs"


def format_option(help_text: str) -> typer.models.OptionInfo:
    """--format, with a command's own help."""
    return choice_option(OutputFormat, "--format", "-f", help_text=help_text, hint=FORMAT_HINT)


FormatOption = Annotated[OutputFormat, format_option("table for people; csv or json for programs.")]
CurrencyOption = Annotated[
    Currency,
    choice_option(
        Currency,
        "--currency",
        "-c",
        help_text="Money in US$, EUR or LCU (national currency), at annual average ECB rates.",
        hint="; LCU is each ally's national currency (local currency units)",
    ),
]
SvgOption = Annotated[
    Path | None,
    typer.Option("--svg", metavar="PATH", help="Also save the table, in colour, as an SVG picture."),
]
HtmlOption = Annotated[
    Path | None,
    typer.Option("--html", metavar="PATH", help="Also save the table, in colour, as an HTML page."),
]
PngOption = Annotated[
    Path | None,
    typer.Option(
        "--png",
        metavar="PATH",
        help="Also save it as a PNG image (needs matplotlib: pip install matplotlib).",
    ),
]
OutputOption = Annotated[
    str,
    typer.Option(
        "--output", "-o", metavar="PATH", help="Write to this file (replaced whole) instead of stdout (-)."
    ),
]
