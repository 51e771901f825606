"""The one place errors become exit codes: a SpendcalcError is one line (plus one per invalid field) and
exit 1; a UsageError is Click's usage message and exit 2. Every command is wrapped in `handled`.

Messages are escaped (`output.escape`): a path, an argument or a dataset's text with a control character
or a bidi override reaches stderr as `\x1b`, `\n`, `\u202e`, never raw."""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

import typer

from spendcalc.errors import SpendcalcError, UsageError
from spendcalc.output.escape import escaped

_P = ParamSpec("_P")
_R = TypeVar("_R")


@contextmanager
def user_errors() -> Iterator[None]:
    """One domain exception becomes one line (plus one per invalid field) and exit status 1."""
    try:
        yield
    except UsageError as error:
        hint = f"'{error.option}'" if error.option else None
        raise typer.BadParameter(escaped(error.message), param_hint=hint) from None
    except SpendcalcError as error:
        typer.echo(f"spendcalc: error: {escaped(error.message)}", err=True)
        for detail in error.details:
            typer.echo(f"  {escaped(detail)}", err=True)
        raise typer.Exit(1) from None


def handled(command: Callable[_P, _R]) -> Callable[_P, _R]:
    """A command with its errors mapped by `user_errors`. functools.wraps keeps the signature and the
    annotations Typer reads its parameters from."""

    @functools.wraps(command)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with user_errors():
            return command(*args, **kwargs)

    return run
