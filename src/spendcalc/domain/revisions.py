"""One ally's share for one year across NATO's editions: how NATO revised it."""

from typing import NamedTuple

from spendcalc.data.schema import Ally, Dataset, Edition
from spendcalc.domain.gaps import ShareFigure
from spendcalc.domain.years import year_span
from spendcalc.errors import SpendcalcError


class Revision(NamedTuple):
    edition: Edition
    share: ShareFigure | None
    """None where the edition covers the year but gives no value for the ally (missing, never 0)."""
    change_pp: float | None
    """This value minus the previous edition's that has one, in points of GDP, unrounded."""
    compared_with: Edition | None
    """The edition the change is measured against."""
    note: str | None = None
    """The dataset's note on this value, if any."""
    previous: ShareFigure | None = None
    """The value the change is measured from."""

    @property
    def basis_changed(self) -> bool:
        return self.compared_with is not None and self.compared_with.basis != self.edition.basis


class Revisions(NamedTuple):
    ally: Ally
    year: int
    rows: tuple[Revision, ...]
    """One per edition covering the year, oldest first."""


def revision_years(ally: Ally) -> dict[int, int]:
    """For each year, how many editions give the ally a share."""
    return {year: len(record.shares) for year, record in ally.years.items() if record.shares}


def revisions(dataset: Dataset, ally: Ally, year: int | None = None) -> Revisions:
    """The ally's share for `year` in every edition covering it, with the change between editions.

    Default year: the latest year with a share in more than one edition (else the latest with any).
    """
    if not ally.has_armed_forces:
        raise SpendcalcError(f"{ally.name} has no armed forces: no defence share in any edition")
    counted = revision_years(ally)
    if not counted:
        raise SpendcalcError(f"{ally.name}: no defence share in any edition")
    if year is None:
        revised = [y for y, n in counted.items() if n > 1]
        year = max(revised or counted)
    elif year not in counted:
        raise SpendcalcError(
            f"{ally.name}: no defence share for {year} in any edition; "
            f"years with one: {year_span(sorted(counted))}"
        )
    rows: list[Revision] = []
    previous: tuple[Edition, ShareFigure] | None = None
    for edition in dataset.editions:
        if not edition.first_year <= year <= edition.last_year:
            continue
        recorded = ally.share(year, edition.id)
        if recorded is None:
            rows.append(Revision(edition, None, None, None))
            continue
        share = ShareFigure.of(recorded)
        if previous is None:
            rows.append(Revision(edition, share, None, None, recorded.note))
        else:
            change = share.pct - previous[1].pct
            rows.append(Revision(edition, share, change, previous[0], recorded.note, previous[1]))
        previous = (edition, share)
    return Revisions(ally, year, tuple(rows))
