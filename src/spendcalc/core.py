"""The calculations of spendcalc 1.0 under their old name, kept so that `spendcalc.core` goes on working.

They now live in `spendcalc.domain`, one module per concept; new code imports from there.
"""

from spendcalc.choices import SortKey
from spendcalc.domain.burden import BurdenRow, BurdenSharing, burden_sharing
from spendcalc.domain.comparison import Comparison, compare, compare_allies, sort_allies
from spendcalc.domain.countries import country_keys, resolve_country
from spendcalc.domain.gaps import AllyGaps, GapRow, ShareFigure, Status, ally_gaps, gap, gap_row
from spendcalc.domain.groups import (
    ALLIANCE,
    EUROPE_AND_CANADA,
    NOT_EUROPE_OR_CANADA,
    GroupRow,
    GroupTotal,
    counts_in_totals,
    group_total,
)
from spendcalc.domain.history import HistoryYear, history
from spendcalc.domain.targets import (
    DEFAULT_TARGETS,
    MAX_SWEEP,
    TargetSpec,
    expand_sweep,
    format_pct,
    parse_pct,
    parse_target,
    parse_targets,
)
from spendcalc.domain.years import check_year, default_year, share_years, year_span

__all__ = [
    "ALLIANCE",
    "DEFAULT_TARGETS",
    "EUROPE_AND_CANADA",
    "MAX_SWEEP",
    "NOT_EUROPE_OR_CANADA",
    "AllyGaps",
    "BurdenRow",
    "BurdenSharing",
    "Comparison",
    "GapRow",
    "GroupRow",
    "GroupTotal",
    "HistoryYear",
    "ShareFigure",
    "SortKey",
    "Status",
    "TargetSpec",
    "ally_gaps",
    "burden_sharing",
    "check_year",
    "compare",
    "compare_allies",
    "country_keys",
    "counts_in_totals",
    "default_year",
    "expand_sweep",
    "format_pct",
    "gap",
    "gap_row",
    "group_total",
    "history",
    "parse_pct",
    "parse_target",
    "parse_targets",
    "resolve_country",
    "share_years",
    "sort_allies",
    "year_span",
]
