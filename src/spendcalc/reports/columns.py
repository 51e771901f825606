"""Columns declared once: each gives both a table cell for people and a CSV/JSON field for programs.

A report lists its `Field`s over the items it shows (allies, years, targets ...). The records hold
every field; the table shows the fields the report picks, in the order it picks them. Both read the
value through the same `value` function, so a figure can never be shown one way and exported another;
the display rule (marks such as `e` for an estimate, the decimals a share was published to) belongs to
the field too.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from spendcalc.domain.gaps import ShareFigure
from spendcalc.reports.model import Cell, Column, Kind, Scalar

Item = TypeVar("Item")
Other = TypeVar("Other")


def _no_mark(_: object) -> str:
    return ""


def _column_decimals(_: object) -> int | None:
    return None


@dataclass(frozen=True)
class Field(Generic[Item]):
    key: str
    """The CSV/JSON field name, and the column's key in the table."""
    value: Callable[[Item], Scalar]
    """The unrounded value; None when missing."""
    header: str | None = None
    """The table header (the key when None)."""
    kind: Kind = Kind.TEXT
    """The unit, and with it how a value is shown: decimals, sign, n/a."""
    mark: Callable[[Item], str] = _no_mark
    """A suffix shown after the number (e = estimate, u = user-supplied); never exported as text."""
    decimals: Callable[[Item], int | None] = _column_decimals
    """The precision rule: decimals for this item, or None for the kind's default."""
    exported: bool = True
    """False only for a drawing of another field (a text bar), which the records hold as a number."""

    def column(self) -> Column:
        return Column(self.key, self.header or self.key, self.kind)

    def cell(self, item: Item) -> Cell:
        return Cell(self.value(item), self.mark(item), self.decimals(item))

    def over(self, key: str, header: str | None, get: Callable[[Other], Item]) -> "Field[Other]":
        """The same figure for items of another kind, e.g. one target's gap in a row per ally."""
        value, mark, decimals = self.value, self.mark, self.decimals
        return Field(
            key,
            lambda item: value(get(item)),
            header,
            self.kind,
            lambda item: mark(get(item)),
            lambda item: decimals(get(item)),
            self.exported,
        )


class Table(Generic[Item]):
    """The fields of one report: all of them make the records, those named in `shown` the table."""

    def __init__(self, fields: Iterable[Field[Item]], shown: Iterable[str] | None = None) -> None:
        self.fields = tuple(fields)
        keys = [f.key for f in self.fields]
        duplicated = sorted({k for k in keys if keys.count(k) > 1})
        if duplicated:
            raise ValueError(f"fields declared twice: {', '.join(duplicated)}")
        by_key = {f.key: f for f in self.fields}
        self.shown = self.fields if shown is None else tuple(by_key[key] for key in shown)

    def columns(self) -> tuple[Column, ...]:
        return tuple(f.column() for f in self.shown)

    def row(self, item: Item) -> tuple[Cell, ...]:
        return tuple(f.cell(item) for f in self.shown)

    def rows(self, items: Iterable[Item]) -> tuple[tuple[Cell, ...], ...]:
        return tuple(self.row(item) for item in items)

    def record_columns(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields if f.exported)

    def record(self, item: Item) -> dict[str, Scalar]:
        return {f.key: f.value(item) for f in self.fields if f.exported}

    def records(self, items: Iterable[Item]) -> tuple[dict[str, Scalar], ...]:
        return tuple(self.record(item) for item in items)


# --- the share of GDP, shown to the precision it was published to ---------------------------------


def share_mark(share: ShareFigure | None) -> str:
    if share is None:
        return ""
    return "u" if share.user_supplied else "e" if share.estimate else ""


def share_decimals(share: ShareFigure | None) -> int | None:
    """One decimal for a share published only to 0.1 (some 2025 estimates), the default otherwise."""
    return 1 if share is not None and share.precision >= 0.1 else None


def share_fields(
    get: Callable[[Item], ShareFigure | None], header: str | None = "Share\n(% GDP)", prefix: str = "share"
) -> tuple[Field[Item], ...]:
    """A share of GDP and what a reader needs to cite it: estimate or not, source, precision."""

    def attribute(name: str) -> Callable[[Item], Scalar]:
        def read(item: Item) -> Scalar:
            share = get(item)
            if share is None:
                return None
            if name == "source":
                return share.source if share.source is not None else "user-supplied"
            value: Scalar = getattr(share, name)
            return value

        return read

    return (
        Field(
            f"{prefix}_pct",
            attribute("pct"),
            header,
            Kind.PCT,
            lambda item: share_mark(get(item)),
            lambda item: share_decimals(get(item)),
        ),
        Field(f"{prefix}_estimate", attribute("estimate"), kind=Kind.BOOL),
        Field(f"{prefix}_precision", attribute("precision"), kind=Kind.PCT),
        Field(f"{prefix}_source", attribute("source")),
    )
