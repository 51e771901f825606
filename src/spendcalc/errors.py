"""The one domain exception the CLI turns into a one-line message and exit status 1."""

from __future__ import annotations


class SpendcalcError(Exception):
    """A problem the user can fix: unknown country, year without data, invalid dataset, unwritable output."""

    def __init__(self, message: str, details: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class UsageError(SpendcalcError):
    """An option value that can never be valid (exit status 2), such as a target of -1 or 'abc'."""

    def __init__(self, message: str, option: str | None = None) -> None:
        super().__init__(message)
        self.option = option
        """The option at fault, e.g. '--target', for the usage message."""


class Stopped(BaseException):
    """Raised from the SIGINT/SIGTERM handler. A BaseException, so that Click does not turn Ctrl-C into
    'Aborted!' and exit 1, and so that a file being written is cleaned up on the way out."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.signal_number = signal_number
