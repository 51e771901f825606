"""The records of an ally's years: Share, Gdp, GdpLcu, Growth, Population, Fx and AllyYear.

Tens of thousands in a large dataset: compact immutable tuples without a dict of their own (a NamedTuple,
about a fifth of a pydantic model's memory), validated by the pydantic model of the same name and fields in
records.py (the same rules, messages and JSON Schema; see records._Compact). Annotations are not postponed
here: typing.NamedTuple would compile each one as text at import (most of the cost of making them).
"""

from typing import Any, Literal, NamedTuple, TypeVar

Kind = Literal["actual", "estimate", "projection"]


def _same_record(record: tuple[Any, ...], other: object) -> bool:
    """Records are equal as pydantic models are: of the same type, with equal fields (a Population is
    not a tuple, nor a Rate of the same figures). Anything but a tuple is asked in turn (NotImplemented),
    as `unittest.mock.ANY` expects."""
    if not isinstance(other, tuple):
        return NotImplemented  # type: ignore[no-any-return]  # typeshed types NotImplemented as Any
    return other.__class__ is record.__class__ and bool(tuple.__eq__(record, other))


def _other_record(record: tuple[Any, ...], other: object) -> bool:
    same = _same_record(record, other)
    return same if same is NotImplemented else not same


RecordT = TypeVar("RecordT", bound=type[tuple[Any, ...]])


def _compared_as_records(kind: RecordT) -> RecordT:
    """A NamedTuple compared as a record (`_same_record`) and hashed as its tuple: set on each kind, as a
    NamedTuple takes no base class to inherit them from."""
    kind.__eq__ = _same_record  # type: ignore[method-assign]
    kind.__ne__ = _other_record  # type: ignore[assignment]
    kind.__hash__ = tuple.__hash__  # type: ignore[method-assign]
    return kind


@_compared_as_records
class Share(NamedTuple):
    """Defence expenditure as a share of GDP, NATO definition, as one edition published it."""

    edition: str
    pct: float
    estimate: bool
    precision: float
    note: str | None = None

    @property
    def source(self) -> str:
        """The publication the value comes from: its edition."""
        return self.edition


@_compared_as_records
class Gdp(NamedTuple):
    """GDP at current prices, billions of US dollars."""

    usd_bn: float
    kind: Kind
    source: str


@_compared_as_records
class GdpLcu(NamedTuple):
    """GDP at current prices in national currency, billions (IMF NGDP)."""

    lcu_bn: float
    currency: str
    kind: Kind
    source: str


@_compared_as_records
class Growth(NamedTuple):
    """Real GDP growth and CPI inflation, % a year (IMF); used only to extend GDP past NGDP's last year."""

    real_pct: float
    cpi_pct: float
    kind: Kind
    source: str

    @property
    def nominal_pct(self) -> float:
        """Nominal growth: (1 + real) × (1 + inflation) − 1."""
        return ((1 + self.real_pct / 100) * (1 + self.cpi_pct / 100) - 1) * 100


@_compared_as_records
class Population(NamedTuple):
    millions: float
    source: str


@_compared_as_records
class Fx(NamedTuple):
    """An ally's annual average exchange rate (a Rate with its currency): units per US dollar."""

    per_usd: float
    source: str
    currency: str
    """The national currency in use that year (Croatia: HRK until 2022, EUR from 2023)."""


@_compared_as_records
class AllyYear(NamedTuple):
    """An ally's records of one year."""

    shares: tuple[Share, ...] = ()
    """At most one per edition."""
    gdp: Gdp | None = None
    gdp_lcu: GdpLcu | None = None
    growth: Growth | None = None
    population: Population | None = None
    fx: Fx | None = None


YEAR_PARTS = AllyYear._fields[1:]
"""An ally-year's records after its shares, each with a source: gdp, gdp_lcu, growth, population, fx."""
