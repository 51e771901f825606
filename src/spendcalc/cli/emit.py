"""The one place every command's result goes through: pick a formatter, then write where the user asked."""

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from spendcalc.choices import OutputFormat
from spendcalc.errors import UsageError

if TYPE_CHECKING:
    from spendcalc.reports.model import Report


Also = tuple[Path, Callable[[], bytes]]
"""One more file `emit` writes (a PNG): its path, and what produces its content."""

_dataset_in_use: tuple[str, ...] = ()
"""The --data file of this run: never an output (set by the app's callback, on every run)."""


def reading_dataset(path: Path | None) -> None:
    global _dataset_in_use
    _dataset_in_use = (str(path),) if path is not None else ()


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout is not None and sys.stdout.isatty()
    except (OSError, ValueError):
        return False


def use_color() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return _stdout_is_terminal() and os.environ.get("TERM") != "dumb"


def terminal_width() -> int | None:
    import shutil

    if _stdout_is_terminal() or os.environ.get("COLUMNS"):
        return shutil.get_terminal_size().columns
    return None


def png_file(path: Path | None, notes: Sequence[str], draw: Callable[[list[str]], bytes]) -> list[Also]:
    """`--png PATH` as a file for `emit`: `draw` gets the report's source notes, for the image's foot."""
    if path is None:
        return []
    sources = [note for note in notes if note.startswith("Source:")]
    return [(path, lambda: draw(sources))]


def emit(
    report: "Report",
    output_format: OutputFormat,
    output: str,
    svg: Path | None = None,
    html: Path | None = None,
    also: "Sequence[tuple[Path, Callable[[], bytes]]]" = (),
) -> None:
    """Format, then write; and the same table saved as an SVG picture or an HTML page when asked
    (`also`: more files, e.g. a PNG). Every destination is checked before anything is written."""
    from spendcalc.output.files import STDOUT, check_destination, silence_stdout, write_bytes, write_text
    from spendcalc.output.formats import formatter_for
    from spendcalc.signals import checkpoint

    report = report.at_its_prices()
    files: list[tuple[Path, Callable[[], bytes]]] = list(also)
    options = ["--output"] + ["--png"] * len(files)
    for path, kind in ((svg, "svg"), (html, "html")):
        if path is not None:
            files.append((path, partial(_picture_bytes, report, kind)))
            options.append(f"--{kind}")
    for path, _ in files:
        if str(path) == STDOUT:
            raise UsageError(f"{path}: a picture needs a file name, not stdout")
    for destination, option in zip((output, *(str(path) for path, _ in files)), options, strict=True):
        check_destination(destination, option, _dataset_in_use)
    checkpoint()
    to_stdout = output == STDOUT
    formatter = formatter_for(
        output_format,
        width=terminal_width() if to_stdout else None,
        color=use_color() if to_stdout else False,
        terminal=to_stdout and _stdout_is_terminal(),
    )
    # A formatter with `chunks` (CSV) gives its text a block at a time: a large grid is tens of megabytes,
    # so it goes to stdout as it is made, or to a file's bytes, never held whole as a string.
    chunks: Callable[[Report], Iterable[str]] | None = getattr(formatter, "chunks", None)
    pieces: Iterable[str] = ()
    payload = bytearray()
    if chunks is not None and to_stdout and not files:
        pieces = chunks(report)
    elif chunks is not None and not to_stdout:
        for piece in chunks(report):
            payload += piece.encode()
    elif to_stdout:
        pieces = (formatter.format(report),)
    else:
        payload += formatter.format(report).encode()
    notes: list[str] = []
    for path, produce in files:
        content = produce()
        checkpoint()
        notes += write_bytes(content, str(path), _dataset_in_use)
    try:
        if to_stdout:
            for piece in pieces:
                notes += write_text(piece, output)
        else:
            notes += write_bytes(payload, output, _dataset_in_use)
    except BrokenPipeError:
        # The reader (head, a closed pager) has all it wants: that is success, not an error.
        silence_stdout()
        raise typer.Exit(0) from None
    _wrote((*([] if to_stdout else [output]), *(str(path) for path, _ in files)), notes)


def write_document(text: str, output: str) -> None:
    """A document that is not a report (the dataset, its schema), written as it is."""
    from spendcalc.output.files import STDOUT, silence_stdout, write_bytes, write_text

    try:
        notes = (
            write_text(text, output)
            if output == STDOUT
            else write_bytes(text.encode(), output, _dataset_in_use)
        )
    except BrokenPipeError:
        silence_stdout()
        raise typer.Exit(0) from None
    _wrote(() if output == STDOUT else (output,), notes)


def _wrote(destinations: Sequence[str], notes: Sequence[str]) -> None:
    """What was written, on stderr: names as the user gave them, escaped (a newline in a name cannot
    forge a line)."""
    from spendcalc.output.escape import escaped

    for destination in destinations:
        typer.echo(f"wrote {escaped(destination)}", err=True)
    for note in notes:
        typer.echo(f"spendcalc: note: {escaped(note)}", err=True)


def _picture_bytes(report: "Report", kind: str) -> bytes:
    from spendcalc.choices import Picture
    from spendcalc.output.table import picture  # Rich, only when a picture is asked for

    return picture(report, Picture(kind), terminal_width()).encode("utf-8")
