"""National pledges against the latest NATO share and The Hague's 3.5% core, with their cost."""

from typing import NamedTuple

from spendcalc.data.schema import Ally, Dataset, Pledge
from spendcalc.domain.gaps import ShareFigure
from spendcalc.domain.gdp import GdpPoint, gdp_series, recorded_gdp
from spendcalc.domain.trajectories import hague_parts, latest_share_year
from spendcalc.errors import SpendcalcError


class PledgeCheck(NamedTuple):
    pledge: Pledge
    ally: Ally
    latest_year: int
    latest: ShareFigure
    """The ally's latest NATO share, the yardstick for the pledge."""
    hague_core_pct: float
    gdp: GdpPoint
    """GDP in the pledge year (projected or assumed where the year is in the future)."""
    gdp_growth_basis: str | None

    @property
    def rise_pp(self) -> float:
        """Pledge minus the latest NATO share, in points of GDP; negative when already above it."""
        return self.pledge.share_pct - self.latest.pct

    @property
    def hague_core_gap_pp(self) -> float:
        """How far the pledge falls short of The Hague's 3.5% core, in points of GDP; negative when it
        is above it (the sign of every gap in spendcalc: + is short)."""
        return self.hague_core_pct - self.pledge.share_pct

    @property
    def extra_usd_bn(self) -> float:
        """What the pledge costs in its year beyond the latest share of that year's GDP (flat share)."""
        return self.rise_pp / 100 * self.gdp.usd_bn


def check_pledges(dataset: Dataset, ally: Ally | None = None) -> tuple[PledgeCheck, ...]:
    hague_core = hague_parts(dataset)[0].share_pct
    by_iso = {a.iso3: a for a in dataset.allies}
    checks = []
    for pledge in dataset.pledges:
        if ally is not None and pledge.iso3 != ally.iso3:
            continue
        pledged = by_iso[pledge.iso3]
        latest_year = latest_share_year(pledged)
        recorded = pledged.share(latest_year)
        if recorded is None:  # pragma: no cover - the latest share year has a share by definition
            continue
        if pledge.by_year >= latest_year:
            series = gdp_series(pledged, latest_year, pledge.by_year, dataset=dataset)
            gdp, basis = series.at(pledge.by_year), series.growth_basis
        else:
            gdp, basis = _recorded_gdp(dataset, pledged, pledge.by_year), None
        checks.append(
            PledgeCheck(
                pledge,
                pledged,
                latest_year,
                ShareFigure.of(recorded),
                hague_core,
                gdp,
                basis if gdp.assumed else None,
            )
        )
    return tuple(checks)


def _recorded_gdp(dataset: Dataset, ally: Ally, year: int) -> GdpPoint:
    recorded = recorded_gdp(dataset, ally, year)
    if recorded is None:
        raise SpendcalcError(f"{ally.name}: no GDP for {year}")
    return recorded
