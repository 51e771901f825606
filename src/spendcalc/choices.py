"""The choices the command line offers, as enums that import nothing heavy.

Typer validates an option against its enum itself; keeping them here (no pydantic, no Rich) lets the CLI
declare them at start-up for free, and lets the domain take the same values.
"""

from enum import Enum


class Choice(str, Enum):
    """A choice whose text is its value on every Python (as StrEnum, which 3.10 lacks): `str(Currency.EUR)`
    and f"{Currency.EUR}" are 'EUR', never 'Currency.EUR'."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class SortKey(Choice):
    NAME = "name"
    SHARE = "share"
    GAP = "gap"


class Shape(Choice):
    LINEAR = "linear"
    """The same rise in share of GDP every year."""
    FRONT = "front"
    """Most of the rise early: share = start + rise × (1 − (1 − τ)²), τ the fraction of the years gone."""
    BACK = "back"
    """Most of the rise late: share = start + rise × τ²."""


class Baseline(Choice):
    FLAT_SHARE = "flat-share"
    """Keep spending the start share of each year's GDP."""
    FLAT_CASH = "flat-cash"
    """Keep spending the start year's amount, in the path's currency (no growth, no inflation)."""


class Currency(Choice):
    USD = "USD"
    EUR = "EUR"
    LCU = "LCU"
    """The ally's national currency in each year (local currency units)."""


class Prices(Choice):
    CURRENT = "current"
    """Money of each year at that year's prices and exchange rates."""
    CONSTANT = "constant"
    """Money at 2021 prices and exchange rates (NATO's constant-price tables)."""


class OutputFormat(Choice):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


class Picture(Choice):
    SVG = "svg"
    HTML = "html"


class ChartOrder(Choice):
    """How `chart` orders its bars (a gap order would be the share order reversed)."""

    SHARE = "share"
    NAME = "name"
