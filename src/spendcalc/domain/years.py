"""Which years a dataset has shares for, and the default year."""

from collections.abc import Sequence

from spendcalc.data.schema import Dataset
from spendcalc.errors import SpendcalcError, UsageError


def share_years(dataset: Dataset) -> tuple[int, ...]:
    return tuple(sorted({y for a in dataset.allies for y in a.share_years}))


def default_year(dataset: Dataset) -> int:
    """The latest year in which every ally with armed forces has a share."""
    armed = [set(a.share_years) for a in dataset.allies if a.has_armed_forces]
    common = set.intersection(*armed) if armed else set()
    if common:
        return max(common)
    years = share_years(dataset)
    if not years:
        raise SpendcalcError("the dataset has no defence shares at all")
    return years[-1]


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
    if year not in years:
        ahead = "; for years ahead, see `spendcalc path`" if ahead_hint and years and year > years[-1] else ""
        raise SpendcalcError(f"no defence shares for {year}; years with data: {year_span(years)}{ahead}")
    return year
