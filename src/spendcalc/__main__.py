"""The console-script entry point.

`--version` and shell completion answer here, before Typer, pydantic or Rich are imported: completion
runs on every Tab press and must feel instant. Everything else goes to the Typer app in `cli`.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """The console script. It takes the process over until exit: signal handlers and the collector."""
    # First of all, so that a signal at any point from here on gives one line and no traceback (the
    # interpreter's own start-up, before this line, is the one window no program code can reach).
    from spendcalc import signals

    signals.install()
    import gc

    from spendcalc.errors import Stopped

    # One short run: what it allocates (modules, the dataset, one table) lives until exit, so cycle
    # collection would only walk it again and again while the imports and the dataset are built.
    gc.disable()
    # Pydantic looks for plugins among every installed distribution the first time it builds a validator
    # (a scenario file, a --data file): a command line has no use for them. A user can still set the
    # variable (to an empty value, say) to have them.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        try:
            _run()
        finally:
            # From here a signal takes its default action; one that came before and waited for a safe
            # point (it arrived during an import, say) is acted on now, even if the work has ended.
            signals.finish()
            signals.checkpoint()
    except Stopped as stopped:
        _say(f"spendcalc: {signals.message(stopped.signal_number)}\n")
        sys.exit(128 + stopped.signal_number)
    finally:
        # The work is done and its output flushed; the process ends next. A signal from here on takes
        # its default action, and the collector stays off: everything moves to the permanent generation,
        # so the collection the interpreter runs while it shuts down has nothing to walk (it took longer
        # than any part of a command's own work).
        signals.restore()
        gc.freeze()


def _say(text: str) -> None:
    """A line on stderr, if there is one (closed with 2>&-, or gone with the terminal on SIGHUP)."""
    if sys.stderr is not None:
        try:
            sys.stderr.write(text)
            sys.stderr.flush()
        except (OSError, ValueError):
            pass


def _run() -> None:
    if sys.argv[1:] == ["--version"]:
        from spendcalc import __version__

        if sys.stdout is None:
            _say("spendcalc: error: stdout is closed\n")
            sys.exit(1)
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
            if sys.stdout is not None:
                sys.stdout.write(answer)
            return
    from spendcalc.cli.app import main as run
    from spendcalc.signals import checkpoint

    checkpoint()  # a signal during the imports above
    run()


if __name__ == "__main__":
    main()
