"""The command line: the Typer app (`app`), its commands, one error handler; and shell completion.

Kept empty so that `spendcalc.cli.completion` answers a Tab press without importing Typer.
"""
