"""spendcalc: defence-spending gaps of the NATO allies, with the sources of every figure.

The library API is what the command line calls:

    from spendcalc import load_dataset, gap, compare
    data = load_dataset()
    print(gap(data, "POL", ["3.5"]).rows[0].gap_usd_bn)
"""

from __future__ import annotations

# Not `from typing import ...`: the console script imports this package before spendcalc.__main__ can
# install its signal handlers, and importing typing takes most of that window (a Ctrl-C there is a
# KeyboardInterrupt traceback). Type checkers treat TYPE_CHECKING by its name.
TYPE_CHECKING = False

__version__ = "1.0.0"

__all__ = ["__version__", "compare", "gap", "load_dataset"]

if TYPE_CHECKING:
    from typing import Any

    from spendcalc.data.load import load_dataset
    from spendcalc.domain.comparison import compare
    from spendcalc.domain.gaps import gap


def __getattr__(name: str) -> Any:
    # Lazy, so that `spendcalc --version` and shell completion do not pay for pydantic.
    if name == "gap":
        from spendcalc.domain.gaps import gap

        return gap
    if name == "compare":
        from spendcalc.domain.comparison import compare

        return compare
    if name == "load_dataset":
        from spendcalc.data.load import load_dataset

        return load_dataset
    raise AttributeError(f"module 'spendcalc' has no attribute {name!r}")
