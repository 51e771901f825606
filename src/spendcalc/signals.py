"""SIGINT, SIGTERM, SIGHUP and SIGQUIT end a run cleanly: one line, exit 128 + the signal's number, no
temporary file left, and never a signal lost.

Python runs a signal handler between any two bytecodes, and so also inside an import, a finalizer
(`__del__`, a weakref callback) or `__set_name__`. An exception raised there is swallowed ("Exception
ignored in ...", and the run then ends with 0) or becomes another one ("RuntimeError: Error calling
__set_name__"). So the handler only records the signal. It raises `Stopped` at once only inside
`interruptible()` (a write or read that may block: a full pipe, a FIFO without a reader) and only when no
import or finalizer is running; everywhere else the work raises it at its next `checkpoint()`, and the
entry point checks a last time when the work is done (`finish`, then `checkpoint`).

Stdlib only and tiny: the entry point imports this first, before anything else of spendcalc.
"""

from __future__ import annotations

import os

from spendcalc.errors import Stopped

TYPE_CHECKING = False  # not `typing`: this module is imported first, before the handlers exist
if TYPE_CHECKING:
    import signal
    from types import FrameType, TracebackType
else:
    # The C module under `signal`: `signal` itself imports enum (and with it functools and collections),
    # which took most of the time before the handlers were installed.
    import _signal as signal

HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
MESSAGES: dict[int, str] = {
    signal.SIGINT: "interrupted",
    signal.SIGTERM: "terminated",
    signal.SIGHUP: "hung up",
    signal.SIGQUIT: "quit",
}


def message(signal_number: int) -> str:
    return MESSAGES.get(signal_number, "stopped")


_pending: int | None = None
"""The first signal received and not yet acted on."""
_interruptible = 0
"""Depth of `interruptible()` blocks: the handler may raise at once."""
_finished = False
"""The work is over: a signal from now on takes its default action (there is nothing left to clean up)."""

_UNSAFE_FUNCTIONS = frozenset({"__del__", "__set_name__", "__init_subclass__", "__class_getitem__"})
_UNSAFE_FILES = ("weakref.py", "_weakrefset.py")


def install() -> None:
    """Take the signals over (the console script does, first thing)."""
    global _pending, _interruptible, _finished
    _pending, _interruptible, _finished = None, 0, False
    for signal_number in HANDLED:
        signal.signal(signal_number, _handle)


def restore() -> None:
    """Give the signals back to their default action, and forget the run's (for the next one in the same
    process, as in tests)."""
    global _pending, _interruptible, _finished
    for signal_number in HANDLED:
        signal.signal(signal_number, signal.SIG_DFL)
    _pending, _interruptible, _finished = None, 0, False


def finish() -> None:
    """The work is done: from here a signal ends the process as it ends any program. Call `checkpoint`
    right after, for a signal that came before."""
    global _finished
    _finished = True


def pending() -> int | None:
    return _pending


def checkpoint() -> None:
    """A safe point: raise Stopped if a signal came and was not acted on yet."""
    if _pending is not None:
        raise Stopped(_pending)


class interruptible:  # used as `with interruptible():`, like a contextmanager function
    """A block that may wait (on a pipe, a FIFO, a slow disk): a signal stops it at once."""

    def __enter__(self) -> None:
        global _interruptible
        checkpoint()
        _interruptible += 1

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        global _interruptible
        _interruptible -= 1
        if kind is None:
            checkpoint()


def _handle(signal_number: int, frame: FrameType | None) -> None:
    global _pending
    if _finished:
        # The run is over (its output written, or its message printed): end as any program ends on this
        # signal, rather than raise where nothing catches it.
        signal.signal(signal_number, signal.SIG_DFL)
        os.kill(os.getpid(), signal_number)
        return
    if _pending is None:
        _pending = signal_number
    if _interruptible and _safe(frame):
        raise Stopped(_pending)


def _safe(frame: FrameType | None) -> bool:
    """No import and no finalizer is running: an exception raised here reaches the run."""
    while frame is not None:
        code = frame.f_code
        if (
            code.co_name in _UNSAFE_FUNCTIONS
            or code.co_filename.startswith("<frozen importlib")
            or code.co_filename.endswith(_UNSAFE_FILES)
        ):
            return False
        frame = frame.f_back
    return True
