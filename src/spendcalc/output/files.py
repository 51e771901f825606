"""Where formatted text goes: stdout (`-`), a stream written in place, or a regular file replaced whole.

- `-` is stdout.
- A descriptor of this process, named as `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` or `/proc/self/fd/N`
  (or a link to one), is written through that descriptor, as the shell would: at its offset, in its
  append mode. `spendcalc export -o /dev/stdout >> log.txt` appends; nothing is ever renamed over the file
  behind the descriptor.
- A FIFO, a character device (a terminal, /dev/null, /dev/full) or another process's `/proc/PID/fd/N` is
  opened and written in place (appending, never truncating).
- Only a regular file (or a new name) is written atomically: to a temporary file beside it, then renamed
  over it, so that it is either untouched or complete. Its permission bits are kept; its owner and group
  are kept when the process may set them (root, or a group the user is in), otherwise the file becomes the
  user's; a file with other hard links is replaced by a new file, and the other names keep the old content
  (`write_bytes` says so).

Access is judged as the kernel will judge it (os.access on the directory and on the file), before any
work is done.
"""

# os.path, not pathlib, on purpose: paths are followed one link at a time and kept as the user wrote them
# (Path.resolve follows every link at once, and Path("") is ".").
# ruff: noqa: PTH100, PTH112, PTH114, PTH115, PTH116, PTH118, PTH120

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from spendcalc.errors import SpendcalcError
from spendcalc.signals import checkpoint, interruptible

STDOUT = "-"

_STREAM_NAME = re.compile(
    r"/dev/(?P<std>stdin|stdout|stderr)|(?:/dev|/proc/(?P<pid>[^/]+)(?:/task/\d+)?)/fd/(?P<fd>\d+)"
)
"""Names of a process's open descriptors: written through the descriptor, never replaced."""
_STANDARD = {"stdin": 0, "stdout": 1, "stderr": 2}
_MAX_LINKS = 40
_TEMPORARY_SUFFIX = ".part"
_RANDOM_LENGTH = 8
"""The random part of tempfile.mkstemp's names."""


def silence_stdout() -> None:
    """After a reader closed the pipe: point stdout at /dev/null, or Python reports the broken pipe
    again when it flushes stdout at exit."""
    if sys.stdout is None:
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    with contextlib.suppress(OSError, ValueError):
        os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


@dataclass(frozen=True)
class Destination:
    """Where --output goes, and how it is written."""

    name: str
    """As the user gave it, for messages."""
    kind: str
    """'stdout', 'descriptor' (one of this process's, written through it), 'stream' (opened and written
    in place) or 'file' (replaced atomically)."""
    path: str = ""
    """The file or stream to open; for a symlink to a regular file, the file it points to."""
    descriptor: int = -1
    existing: os.stat_result | None = None


def check_destination(destination: str, option: str = "--output", protected: tuple[str, ...] = ()) -> None:
    """Fail before any work is done if the output can clearly not be written, or must not be:
    `protected` names files that are read by this run (the dataset) and so are never overwritten."""
    _destination(destination, option, protected)


def _destination(destination: str, option: str = "--output", protected: tuple[str, ...] = ()) -> Destination:
    if destination == STDOUT:
        return Destination(destination, "stdout")
    if destination == "" or destination.endswith(("/", os.sep)):
        raise SpendcalcError(f"{destination}: is a directory; give a file name for {option}")
    stream = _stream_name(destination)
    if stream is not None:
        match = _STREAM_NAME.fullmatch(stream)
        assert match is not None
        pid = match["pid"]
        if pid is None or pid in ("self", "thread-self", str(os.getpid())):
            descriptor = _STANDARD[match["std"]] if match["std"] else int(match["fd"])
            try:
                mode = os.fstat(descriptor).st_mode
            except OSError:
                raise SpendcalcError(f"{destination}: descriptor {descriptor} is not open") from None
            if stat.S_ISDIR(mode):
                raise SpendcalcError(f"{destination}: is a directory; give a file name for {option}")
            return Destination(destination, "descriptor", descriptor=descriptor)
        return Destination(destination, "stream", path=destination)
    try:
        existing: os.stat_result | None = os.stat(destination)
    except (FileNotFoundError, NotADirectoryError):
        existing = None  # and its directory is checked below
    except OSError as error:
        raise SpendcalcError(f"{destination}: {_reason(error)}") from None
    if existing is not None:
        mode = existing.st_mode
        if stat.S_ISDIR(mode):
            raise SpendcalcError(f"{destination}: is a directory; give a file name for {option}")
        if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
            return Destination(destination, "stream", path=destination)
        if not stat.S_ISREG(mode):
            raise SpendcalcError(
                f"{destination}: not a regular file, a pipe or a character device; not written"
            )
        for name in protected:
            with contextlib.suppress(OSError):
                if os.path.samestat(existing, os.stat(name)):
                    raise SpendcalcError(
                        f"{destination}: is the dataset this run reads (--data); not replaced"
                    )
    # Through a symlink, replace the file it points to, not the link itself.
    path = os.path.realpath(destination) if os.path.islink(destination) else destination
    parent = os.path.dirname(path) or "."
    if not os.path.isdir(parent):
        if os.path.lexists(parent):
            raise SpendcalcError(f"{destination}: {parent!r} is not a directory")
        raise SpendcalcError(f"{destination}: directory {parent!r} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise SpendcalcError(f"{destination}: directory {parent!r} is not writable; nothing written")
    if existing is not None:
        if not os.access(path, os.W_OK):
            raise SpendcalcError(f"{destination}: file is read-only; not replaced")
        if _sticky_and_not_ours(parent, existing):
            raise SpendcalcError(
                f"{destination}: directory {parent!r} is sticky and the file belongs to another user; "
                "not replaced"
            )
    return Destination(destination, "file", path=path, existing=existing)


def _stream_name(destination: str) -> str | None:
    """The descriptor name (/dev/stdout, /proc/self/fd/1, ...) the destination is, or links to."""
    path = os.path.abspath(destination)
    for _ in range(_MAX_LINKS):
        if _STREAM_NAME.fullmatch(path):
            return path
        try:
            link = os.readlink(path)
        except (OSError, ValueError):
            return None
        path = os.path.normpath(os.path.join(os.path.dirname(path), link))
    return None


def _sticky_and_not_ours(parent: str, existing: os.stat_result) -> bool:
    """In a sticky directory (/tmp) only the file's owner, the directory's owner or root may replace it."""
    try:
        directory = os.stat(parent)
    except OSError:
        return False
    user = os.geteuid()
    return bool(directory.st_mode & stat.S_ISVTX) and user not in (0, existing.st_uid, directory.st_uid)


def _reason(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "too many levels of symbolic links (a symlink loop?)"
    if error.errno == errno.ENAMETOOLONG:
        return "file name too long"
    if error.errno == errno.ENOTDIR:
        return "a part of the path is not a directory"
    return f"cannot write ({error.strerror or error})"


def write_text(text: str, destination: str) -> tuple[str, ...]:
    """Write `text` (UTF-8 in files); returns notes for the user (see `write_bytes`)."""
    if destination == STDOUT:
        _write_stdout(text)
        return ()
    return write_bytes(text.encode("utf-8"), destination)


def _write_stdout(text: str) -> None:
    stdout = sys.stdout
    if stdout is None:
        raise SpendcalcError("stdout is closed; give a file with --output")
    checkpoint()
    try:
        with interruptible():
            try:
                stdout.write(text)
            except UnicodeEncodeError:
                # An encoding that cannot show everything (PYTHONIOENCODING=ascii): the nearest it has.
                stdout.write(in_encoding(text, stdout.encoding or "ascii"))
            stdout.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as error:  # e.g. `> /dev/full`, or stdout closed underneath
        silence_stdout()
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise SpendcalcError(f"stdout: cannot write ({reason})") from None


_NEAREST = str.maketrans(
    {
        "−": "-",
        "–": "-",
        "—": "-",
        "×": "x",
        "…": "...",
        "─": "-",
        "━": "=",
        "│": "|",
        "·": ".",
        "≤": "<=",
        "≥": ">=",
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "Σ": "Sum ",
        "█": "#",
        "▏": "|",
        "\u00a0": " ",
    }
)


def in_encoding(text: str, encoding: str) -> str:
    """`text` as `encoding` can show it: typographic signs as their ASCII forms (a minus stays a minus),
    accented letters without their accents, '?' for anything else."""
    import unicodedata

    def nearest(char: str) -> str:
        for candidate in (char.translate(_NEAREST), unicodedata.normalize("NFKD", char)[:1]):
            try:
                candidate.encode(encoding)
            except UnicodeEncodeError:
                continue
            return candidate
        return "?"

    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return "".join(nearest(char) for char in text)
    except LookupError:
        return text
    return text


def write_bytes(
    data: bytes | bytearray, destination: str, protected: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """Write a whole file (or stream; see the module's doc). Returns notes for the user: what replacing
    the file changed besides its content (its owner, its other hard links)."""
    target = _destination(destination, protected=protected)
    checkpoint()
    if target.kind == "stdout":
        _write_stdout(data.decode("utf-8"))
        return ()
    try:
        if target.kind == "descriptor":
            _write_descriptor(target, data)
            return ()
        if target.kind == "stream":
            with interruptible():
                descriptor = os.open(target.path, os.O_WRONLY | os.O_APPEND | os.O_NOCTTY)
                try:
                    _write_all(descriptor, data)
                finally:
                    os.close(descriptor)
            return ()
        return _replace_atomically(target, data)
    except BrokenPipeError as error:
        raise SpendcalcError(f"{destination}: cannot write ({error.strerror or error})") from None
    except OSError as error:
        raise SpendcalcError(f"{destination}: {_reason(error)}") from None


def _write_descriptor(target: Destination, data: bytes | bytearray) -> None:
    """Through one of this process's descriptors, after what Python buffered for it."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):
                if stream.fileno() == target.descriptor:
                    stream.flush()
    try:
        with interruptible():
            _write_all(target.descriptor, data)
    except BrokenPipeError:
        if target.descriptor == 1:
            raise BrokenPipeError from None  # the reader of stdout is gone: as for `-`
        raise


def _write_all(descriptor: int, data: bytes | bytearray) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _replace_atomically(target: Destination, data: bytes | bytearray) -> tuple[str, ...]:
    existing = target.existing
    mode = stat.S_IMODE(existing.st_mode) if existing is not None else _default_mode()
    # Ctrl-C or SIGTERM waits until the file is either replaced or untouched and its temporary gone:
    # between mkstemp and the cleanup below there would otherwise be moments that leave a '.part'.
    with _signals_held():
        changed_owner = _write_and_rename(Path(target.path), data, mode, existing)
    notes = []
    if existing is not None and existing.st_nlink > 1:
        notes.append(
            f"{target.name} had {existing.st_nlink - 1} other hard link(s); they keep the old content"
        )
    if changed_owner and existing is not None:
        notes.append(
            f"{target.name} was replaced by a new file that is yours (it was user {existing.st_uid}'s)"
        )
    return tuple(notes)


HELD_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT})


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def temporary_prefix(directory: str | Path, name: str) -> str:
    """`.NAME.`, NAME shortened (and marked with ~) so that `.NAME.XXXXXXXX.part` fits the file system."""
    try:
        limit = os.pathconf(directory, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    room = limit - len(b"..") - _RANDOM_LENGTH - len(_TEMPORARY_SUFFIX)
    if len(os.fsencode(name)) <= room:
        return f".{name}."
    short = name
    while short and len(os.fsencode(short + "~")) > room:
        short = short[:-1]
    return f".{short}~."


def _write_and_rename(
    path: Path, data: bytes | bytearray, mode: int, existing: os.stat_result | None
) -> bool:
    """Returns whether the file's owner or group could not be kept."""
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=temporary_prefix(path.parent, path.name), suffix=_TEMPORARY_SUFFIX
    )
    changed_owner = False
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            if existing is not None:
                changed_owner = not _keep_owner(handle.fileno(), existing)
            os.fsync(handle.fileno())
        Path(temporary).chmod(mode)
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise
    return changed_owner


def _keep_owner(descriptor: int, existing: os.stat_result) -> bool:
    """Give the new file the old one's owner and group, as far as allowed; False if the owner changes."""
    try:
        os.fchown(descriptor, existing.st_uid, existing.st_gid)
    except OSError:
        with contextlib.suppress(OSError):
            os.fchown(descriptor, -1, existing.st_gid)
        return existing.st_uid == os.geteuid()
    return True


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
