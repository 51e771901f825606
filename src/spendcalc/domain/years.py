"""Which years a dataset has shares for, and the default year."""

import weakref
from collections.abc import Callable, Sequence
from typing import NamedTuple

from spendcalc.data.schema import Dataset
from spendcalc.errors import SpendcalcError, UsageError


class _Years(NamedTuple):
    every: tuple[int, ...]
    """Years in which any ally has a share, sorted."""
    common: int | None
    """The latest year in which every ally with armed forces has a share."""
    lookup: frozenset[int]


_CACHE: dict[int, tuple["weakref.ref[Dataset]", _Years]] = {}
"""A dataset's years, computed once per dataset (datasets are immutable), by id; an entry goes when its
dataset does. A loop over years would otherwise go over every ally's years once per year."""


def _years(dataset: Dataset) -> _Years:
    key = id(dataset)
    cached = _CACHE.get(key)
    if cached is not None and cached[0]() is dataset:
        return cached[1]
    every = tuple(sorted({y for a in dataset.allies for y in a.share_years}))
    armed = [set(a.share_years) for a in dataset.allies if a.has_armed_forces]
    common = set.intersection(*armed) if armed else set()
    years = _Years(every, max(common) if common else None, frozenset(every))
    _CACHE[key] = (weakref.ref(dataset, _forget(key)), years)
    return years


def _forget(key: int) -> "Callable[[weakref.ref[Dataset]], None]":
    return lambda _: _CACHE.pop(key, None) and None


def share_years(dataset: Dataset) -> tuple[int, ...]:
    return _years(dataset).every


def default_year(dataset: Dataset) -> int:
    """The latest year in which every ally with armed forces has a share."""
    years = _years(dataset)
    if years.common is not None:
        return years.common
    if not years.every:
        raise SpendcalcError("the dataset has no defence shares at all")
    return years.every[-1]


def year_span(years: Sequence[int]) -> str:
    if not years:
        return "none"
    if list(years) == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    return ", ".join(map(str, years))


def whole_year(year: object) -> int:
    """A year given in Python as an int or as digits (`"2024"`, from a form or a file); anything else is a
    usage error rather than a year without data."""
    if isinstance(year, int) and not isinstance(year, bool):
        return year
    if isinstance(year, str):
        try:
            return int(year.strip())
        except ValueError:
            pass
    raise UsageError(f"year {year!r} is not a whole number such as 2024", "--year")


def check_year(dataset: Dataset, year: int | str, *, ahead_hint: bool = True) -> int:
    """`year` as an int, if the dataset has shares for it. A year after the data points to `path`, which
    projects (with `ahead_hint`)."""
    year = whole_year(year)
    years = share_years(dataset)
    if year not in _years(dataset).lookup:
        ahead = (
            "; for years ahead, see `spendcalc path` (an ally) or `spendcalc scenario run` (a group)"
            if ahead_hint and years and year > years[-1]
            else ""
        )
        raise SpendcalcError(f"no defence shares for {year}; years with data: {year_span(years)}{ahead}")
    return year
