"""The choices the command line offers, as enums that import nothing heavy.

Typer validates an option against its enum itself; keeping them here (no pydantic, no Rich) lets the CLI
declare them at start-up for free, and lets the domain take the same values.
"""

from enum import Enum


class SortKey(str, Enum):
    NAME = "name"
    SHARE = "share"
    GAP = "gap"


class Shape(str, Enum):
    LINEAR = "linear"
    """The same rise in share of GDP every year."""
    FRONT = "front"
    """Most of the rise early: share = start + rise × (1 − (1 − τ)²), τ the fraction of the years gone."""
    BACK = "back"
    """Most of the rise late: share = start + rise × τ²."""


class Baseline(str, Enum):
    FLAT_SHARE = "flat-share"
    """Keep spending the start share of each year's GDP."""
    FLAT_CASH = "flat-cash"
    """Keep spending the start year's amount, in the path's currency (no growth, no inflation)."""


class Currency(str, Enum):
    USD = "USD"
    EUR = "EUR"
    LCU = "LCU"
    """The ally's national currency in each year (local currency units)."""


class OutputFormat(str, Enum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


class Picture(str, Enum):
    SVG = "svg"
    HTML = "html"


class ChartOrder(str, Enum):
    """How `chart` orders its bars (a gap order would be the share order reversed)."""

    SHARE = "share"
    NAME = "name"
