"""The console-script entry point.

`--version` and shell completion answer here, before Typer, pydantic or Rich are imported: completion
runs on every Tab press and must feel instant. Everything else goes to the Typer app in `cli`.
"""

from __future__ import annotations

import os
import sys

_stopping = False
"""Set once the run is over (done, or stopping on a signal): a signal from then on is not raised."""


def main() -> None:
    """The console script. It takes the process over until exit: signal handlers and the collector."""
    global _stopping
    import gc
    import signal

    from spendcalc.errors import Stopped

    _stopping = False
    # First of all, so that Ctrl-C at any point from here on gives one line and no traceback.
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    # One short run: what it allocates (modules, the dataset, one table) lives until exit, so cycle
    # collection would only walk it again and again while the imports and the dataset are built.
    gc.disable()
    try:
        _run()
    except Stopped as stopped:
        _stopping = True
        name = "interrupted" if stopped.signal_number == signal.SIGINT else "terminated"
        sys.stderr.write(f"spendcalc: {name}\n")
        sys.exit(128 + stopped.signal_number)
    finally:
        _stopping = True
        # The work is done and its output flushed; the process ends next. A signal from here on takes
        # its default action, and the collector stays off: everything moves to the permanent generation,
        # so the collection the interpreter runs while it shuts down has nothing to walk (it took longer
        # than any part of a command's own work).
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        gc.freeze()


def _stop(signal_number: int, _frame: object) -> None:
    if _stopping:
        # Reached only in the moment between the end of the run and the reset of the handlers: end as
        # any program ends on this signal, rather than raise where nothing catches it.
        import signal

        signal.signal(signal_number, signal.SIG_DFL)
        os.kill(os.getpid(), signal_number)
        return
    from spendcalc.errors import Stopped

    raise Stopped(signal_number)


def _run() -> None:
    if sys.argv[1:] == ["--version"]:
        from spendcalc import __version__

        try:
            sys.stdout.write(f"spendcalc {__version__}\n")
            sys.stdout.flush()
        except BrokenPipeError:
            from spendcalc.output.files import silence_stdout

            silence_stdout()
        return
    from spendcalc.cli.completion import COMPLETE_VAR

    if os.environ.get(COMPLETE_VAR):
        from spendcalc.cli.completion import fast_complete

        answer = fast_complete()
        if answer is not None:
            sys.stdout.write(answer)
            return
    from spendcalc.cli.app import main as run

    run()


if __name__ == "__main__":
    main()
