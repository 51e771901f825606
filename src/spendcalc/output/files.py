"""Where formatted text goes: stdout (`-`) or a file replaced whole, never half-written."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from spendcalc.errors import SpendcalcError

STDOUT = "-"


def silence_stdout() -> None:
    """After a reader closed the pipe: point stdout at /dev/null, or Python reports the broken pipe
    again when it flushes stdout at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def check_destination(destination: str) -> None:
    """Fail before any work is done if the output can clearly not be written."""
    if destination == STDOUT:
        return
    path = Path(destination)
    if path.is_dir() or destination.endswith(("/", os.sep)):
        raise SpendcalcError(f"{destination}: is a directory; give a file name for --output")
    parent = path.parent
    if not parent.is_dir():
        raise SpendcalcError(f"{path}: directory {str(parent)!r} does not exist")
    if (
        path.exists()
        and path.is_file()
        and not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    ):
        raise SpendcalcError(f"{path}: file is read-only; not replaced")


def write_text(text: str, destination: str) -> None:
    if destination == STDOUT:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as error:  # e.g. `> /dev/full`: stdout is a full disk
            silence_stdout()
            raise SpendcalcError(f"stdout: cannot write ({error.strerror or error})") from None
        return
    write_bytes(text.encode("utf-8"), destination)


def write_bytes(data: bytes, destination: str) -> None:
    """Write a file whole: to a temporary file beside it, then renamed over it."""
    check_destination(destination)
    # Through a symlink, replace the file it points to, not the link itself.
    path = Path(destination).resolve() if Path(destination).is_symlink() else Path(destination)
    try:
        if path.exists() and not path.is_file():
            # A device or pipe (e.g. /dev/stdout, /dev/full) cannot be replaced by a rename.
            with path.open("wb") as handle:
                handle.write(data)
            return
        _replace_atomically(path, data)
    except OSError as error:
        raise SpendcalcError(f"{path}: cannot write ({error.strerror or error})") from None


def _replace_atomically(path: Path, data: bytes) -> None:
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else _default_mode()
    # Ctrl-C or SIGTERM waits until the file is either replaced or untouched and its temporary gone:
    # between mkstemp and the cleanup below there would otherwise be moments that leave a '.part'.
    with _signals_held():
        _write_and_rename(path, data, mode)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _write_and_rename(path: Path, data: bytes, mode: int) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).chmod(mode)
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
