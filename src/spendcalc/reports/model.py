"""The neutral report: a table for people and tidy records for programs, and how a cell reads.

A Report knows nothing of Rich, CSV or JSON; the formatters in `spendcalc.output` render it.
"""

from collections.abc import Iterator, Sequence
from enum import Enum
from typing import NamedTuple, Protocol, runtime_checkable

Scalar = str | int | float | bool | None


class Kind(str, Enum):
    """How a column's values are shown to people; records keep the raw values."""

    TEXT = "text"
    INT = "int"
    PCT = "pct"
    GAP_PP = "gap_pp"
    USD_BN = "usd_bn"
    GAP_USD_BN = "gap_usd_bn"
    GAP_USD = "gap_usd"
    RATE = "rate"
    """An exchange rate: units of a currency per US$."""
    CHANGE = "change"
    """A signed change in per cent (real growth): + or −, neither good nor bad."""
    BOOL = "bool"
    BAR = "bar"
    """A bar drawn in text; its cell's mark 'below' flags it as short of the lowest target."""


class Per(str, Enum):
    """What a field's value varies with in a grid of subjects (allies, groups) x targets."""

    ITEM = "item"
    """Both: each subject's value for each target (a gap)."""
    SUBJECT = "subject"
    """The subject only: the same on each of its rows (a name, a share)."""
    TARGET = "target"
    """The target only: the same on each subject's row for it (the target's share of GDP)."""


class Column(NamedTuple):
    key: str
    header: str
    kind: Kind = Kind.TEXT


class Cell(NamedTuple):
    value: Scalar
    mark: str = ""
    """A suffix such as 'e' (estimate) or 'u' (user-supplied), shown after the number."""
    decimals: int | None = None
    """Overrides the column's decimals, e.g. a share published only to 0.1."""


class Report(NamedTuple):
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    footer: tuple[tuple[Cell, ...], ...] = ()
    summary: tuple[tuple[str, str], ...] = ()
    """Label/value lines shown above the table."""
    notes: tuple[str, ...] = ()
    """Caption lines: sources, markers, baselines."""
    record_columns: tuple[str, ...] = ()
    records: Sequence[dict[str, Scalar]] = ()
    """One per tidy row; a tuple, or a `columns.Grid` built as it is read (see `GridRecords`)."""
    metadata: dict[str, object] = {}  # noqa: RUF012 - never mutated; a NamedTuple field default

    def at_its_prices(self) -> "Report":
        """The report with its dollar labels saying '2021 US$' when its money is at NATO's constant 2021
        prices (--prices constant), so that no table or summary line passes 2021 dollars off as current
        ones; CSV/JSON field names stay the same and the metadata says `prices`."""
        if self.metadata.get("prices") != "constant":
            return self
        return self._replace(
            columns=tuple(c._replace(header=_constant(c.header)) for c in self.columns),
            summary=tuple((label, _constant(value)) for label, value in self.summary),
        )


def _constant(text: str) -> str:
    return text.replace("2021 US$", "US$").replace("US$", "2021 US$")


@runtime_checkable
class GridRecords(Protocol):
    """Records over subjects x targets, readable a subject at a time (`columns.Grid`), which a writer
    can use to turn each subject's and each target's figures into text once rather than on every row."""

    columns: tuple[str, ...]
    layout: tuple[Per, ...]
    """For each of `columns`, what it varies with."""

    def target_values(self) -> list[tuple[Scalar, ...]]:
        """Per target: its TARGET columns' values, in order."""
        ...

    def subject_values(self) -> Iterator[tuple[tuple[Scalar, ...], list[Sequence[Scalar]]]]:
        """Per subject: its SUBJECT columns' values, and for each ITEM column its values per target."""
        ...


class Tone(str, Enum):
    PLAIN = "plain"
    GAP = "gap"
    SURPLUS = "surplus"
    MISSING = "missing"


class Shown(NamedTuple):
    text: str
    tone: Tone = Tone.PLAIN


MISSING = "n/a"


def show(cell: Cell, kind: Kind) -> Shown:
    """A cell as people read it: rounded for display only, signed gaps, n/a for missing."""
    value = cell.value
    if value is None:
        return Shown(MISSING, Tone.MISSING)
    if isinstance(value, bool):
        if kind is Kind.BOOL:
            return Shown("yes" if value else "no", Tone.SURPLUS if value else Tone.GAP)
        return Shown(str(value))
    if kind is Kind.BAR and not str(value).startswith(MISSING):
        return Shown(str(value), Tone.GAP if cell.mark == "below" else Tone.SURPLUS)
    if isinstance(value, str) or kind in (Kind.TEXT, Kind.INT):
        return Shown(f"{value}{cell.mark}", Tone.MISSING if str(value).startswith(MISSING) else Tone.PLAIN)
    decimals = cell.decimals
    if kind is Kind.PCT:
        return Shown(f"{value:.{2 if decimals is None else decimals}f}{cell.mark}")
    if kind is Kind.CHANGE:
        digits = f"{abs(value):,.{1 if decimals is None else decimals}f}"
        sign = "" if not digits.strip("0.,") else "+" if value > 0 else "−" if value < 0 else ""
        return Shown(f"{sign}{digits}{cell.mark}")
    if kind is Kind.RATE:
        return Shown(f"{value:,.{4 if decimals is None else decimals}f}{cell.mark}")
    if kind is Kind.USD_BN:
        return Shown(f"{value:,.{1 if decimals is None else decimals}f}{cell.mark}")
    places = {Kind.GAP_PP: 2, Kind.GAP_USD_BN: 1, Kind.GAP_USD: 0}[kind]
    digits = f"{abs(value):,.{places if decimals is None else decimals}f}"
    text = f"{digits}{cell.mark}"
    if value > 0:
        # Short of the target, if only by less than the last digit shown: the + says it is not met.
        return Shown(f"+{text}", Tone.GAP)
    # Met exactly (0) reads as met; a surplus too small to show is 0.0, not −0.0.
    tiny = not digits.strip("0.,")
    return Shown(f"−{text}" if value < 0 and not tiny else text, Tone.SURPLUS)


def plain(cell: Cell, kind: Kind) -> str:
    return show(cell, kind).text
