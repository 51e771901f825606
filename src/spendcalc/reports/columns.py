"""Columns declared once: each gives both a table cell for people and a CSV/JSON field for programs.

A report lists its `Field`s over the items it shows (allies, years, targets ...). The records hold
every field; the table shows the fields the report picks, in the order it picks them. Both read the
value through the same `value` function, so a figure can never be shown one way and exported another;
the display rule (marks such as `e` for an estimate, the decimals a share was published to) belongs to
the field too.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar, overload

from spendcalc.domain.gaps import ShareFigure
from spendcalc.reports.model import Cell, Column, Kind, Per, Scalar

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
    per: Per = Per.ITEM
    """What the value varies with in a `Grid`, which reads a SUBJECT field once per subject and a TARGET
    field once per target (tests/test_columns.py holds every declaration to the values)."""
    across: "Callable[[Item, Sequence[object]], Sequence[Scalar] | None] | None" = None
    """For an ITEM field, optionally: a subject's values for each target at once, from its item without a
    target, made from the same reading of a row as `value` (None when its rows do not follow the targets:
    the grid then reads item by item)."""

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


Target = TypeVar("Target")


class Grid(Sequence[dict[str, Scalar]], Generic[Item, Target]):
    """The records of a table over subjects x targets (each subject's row for each target in turn),
    built as they are read rather than held: a grid of 500 allies x 500 targets is 250,000 records.

    `subjects` are items without a target; `at(subject, target)` is the item of one record. A field's
    `per` says which reads can be shared: a SUBJECT field is read once per subject, a TARGET field once
    per target, an ITEM field per record (or a subject's values at once, when the field has `across`).
    Reading a record by index gives what `Table.record` gives for its item.
    """

    def __init__(
        self,
        table: Table[Item],
        subjects: Sequence[Item],
        targets: Sequence[Target],
        at: Callable[[Item, Target], Item],
    ) -> None:
        self.table = table
        self.subjects = tuple(subjects)
        self.targets = tuple(targets)
        self.at = at
        self.fields = tuple(f for f in table.fields if f.exported)
        self.columns = tuple(f.key for f in self.fields)
        self.layout = tuple(f.per for f in self.fields)

    def __len__(self) -> int:
        return len(self.subjects) * len(self.targets)

    @overload
    def __getitem__(self, index: int) -> dict[str, Scalar]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Scalar]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Scalar] | list[dict[str, Scalar]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError("grid record index out of range")
        subject, target = divmod(index % len(self), len(self.targets))
        return self.table.record(self.at(self.subjects[subject], self.targets[target]))

    def __iter__(self) -> Iterator[dict[str, Scalar]]:
        columns = self.columns
        for values in self.values():
            yield dict(zip(columns, values, strict=True))

    def values(self) -> Iterator[tuple[Scalar, ...]]:
        """Each record's values, in the order of `columns`."""
        by_target = self.target_values()
        layout = self.layout
        for shared_values, columns in self.subject_values():
            for own_values, cross in zip(by_target, zip(*columns, strict=True), strict=True):
                shared, own, crossed = iter(shared_values), iter(own_values), iter(cross)
                yield tuple(
                    next(crossed) if per is Per.ITEM else next(shared) if per is Per.SUBJECT else next(own)
                    for per in layout
                )

    def target_values(self) -> list[tuple[Scalar, ...]]:
        """For each target, the values of the TARGET fields (read with the first subject)."""
        fields = [f for f in self.fields if f.per is Per.TARGET]
        if not self.subjects:
            return [() for _ in self.targets]
        first = self.subjects[0]
        return [tuple(f.value(self.at(first, t)) for f in fields) for t in self.targets]

    def subject_values(self) -> Iterator[tuple[tuple[Scalar, ...], list[Sequence[Scalar]]]]:
        """For each subject, the values of its SUBJECT fields, and the values of each ITEM field for
        each target (a column per field; with no ITEM field, one column of nothing)."""
        shared = [f for f in self.fields if f.per is Per.SUBJECT]
        own = [f for f in self.fields if f.per is Per.ITEM]
        targets = self.targets
        for subject in self.subjects:
            columns: list[Sequence[Scalar]] = []
            for field in own:
                column = field.across(subject, targets) if field.across is not None else None
                if column is None or len(column) != len(targets):
                    column = [field.value(self.at(subject, t)) for t in targets]
                columns.append(column)
            yield tuple(f.value(subject) for f in shared), columns or [[None] * len(targets)]


# --- the share of GDP, shown to the precision it was published to ---------------------------------


def share_mark(share: ShareFigure | None) -> str:
    if share is None:
        return ""
    return "u" if share.user_supplied else "e" if share.estimate else ""


def share_decimals(share: ShareFigure | None) -> int | None:
    """One decimal for a share published only to 0.1 (some 2025 estimates), the default otherwise."""
    return 1 if share is not None and share.precision >= 0.1 else None


def share_fields(
    get: Callable[[Item], ShareFigure | None],
    header: str | None = "Share\n(% GDP)",
    prefix: str = "share",
    per: Per = Per.ITEM,
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
            per=per,
        ),
        Field(f"{prefix}_estimate", attribute("estimate"), kind=Kind.BOOL, per=per),
        Field(f"{prefix}_precision", attribute("precision"), kind=Kind.PCT, per=per),
        Field(f"{prefix}_source", attribute("source"), per=per),
    )
