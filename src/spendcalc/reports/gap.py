"""`gap`: one ally's share, spending and gap to each target."""

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from itertools import repeat
from operator import attrgetter, le
from types import MappingProxyType
from typing import NamedTuple, cast

from spendcalc.choices import Currency
from spendcalc.data.schema import Dataset
from spendcalc.domain.currency import Conversion, conversion, unit
from spendcalc.domain.gaps import AllyGaps, GapRow, GapRows, ShareFigure, row_at
from spendcalc.domain.groups import GroupRow, GroupTotal
from spendcalc.domain.targets import TargetSpec
from spendcalc.domain.years import year_span
from spendcalc.reports.columns import Field, Table, share_fields
from spendcalc.reports.common import (
    SIGN_NOTE,
    metadata,
    missing,
    money_note,
    rate_note,
    share_cell,
    share_origin,
    source_notes,
)
from spendcalc.reports.model import MISSING, Kind, Per, Report, Scalar, plain


class GapItem(NamedTuple):
    """One ally, or one group of allies, against one target: a row of `gap`, a record of `compare` and
    `export`. The properties read either, so that each field is declared once for both."""

    subject: AllyGaps | GroupTotal
    target: TargetSpec | None
    """None for the fields of the ally alone (share, spending), as in a row of `compare`."""
    rate: Conversion | None = None
    year: int | None = None
    """The year of a group's total (an ally's is its own)."""
    positions: Mapping[TargetSpec, int] = MappingProxyType({})
    """Where each target's row is in a group total's rows (`target_index` of the comparison's targets), for
    a look-up by position as an ally's gaps hold it; without it, a scan of the rows."""

    @property
    def gaps(self) -> AllyGaps | None:
        return self.subject if isinstance(self.subject, AllyGaps) else None

    @property
    def group(self) -> GroupTotal | None:
        return self.subject if isinstance(self.subject, GroupTotal) else None

    @property
    def name(self) -> str:
        return self.subject.ally.name if isinstance(self.subject, AllyGaps) else self.subject.name

    @property
    def row(self) -> GapRow | GroupRow | None:
        if self.target is None:
            return None
        subject = self.subject
        if isinstance(subject, AllyGaps):
            return subject.row(self.target)
        return row_at(subject.rows, self.positions, self.target)

    def rows_for(self, targets: Sequence[object]) -> Sequence[GapRow] | tuple[GroupRow, ...] | None:
        """The subject's rows, if they are one for each of `targets` in order (as a comparison makes
        them); else None."""
        rows = self.subject.rows
        if isinstance(rows, GapRows):  # its targets in a column: no row made to compare them
            same = rows.targets is targets or rows.targets == tuple(targets)
            return rows if same else None
        if len(rows) != len(targets) or [r.target for r in rows] != list(targets):
            return None
        return rows

    @property
    def share(self) -> ShareFigure | None:
        if isinstance(self.subject, AllyGaps):
            return self.subject.share
        # Computed as NATO computes its aggregates, to no published precision.
        return ShareFigure(self.subject.share_pct, self.subject.estimate, GROUP_SHARE_SOURCE, 0.0)

    @property
    def gdp_usd_bn(self) -> float | None:
        if isinstance(self.subject, AllyGaps):
            return self.subject.gdp.usd_bn if self.subject.gdp else None
        return self.subject.gdp_usd_bn

    def convert(self, usd: float | None) -> float | None:
        return self.rate.convert(usd) if self.rate is not None else None


GROUP_SHARE_SOURCE = "Σspending/ΣGDP"
"""What a group's share rests on, in place of a source id: its members' figures, summed."""


def _code(item: GapItem, currency: Currency) -> str | None:
    if currency is not Currency.LCU:
        return str(currency.value)
    return item.gaps.ally.currency if item.gaps else None  # national currencies have no group total


def _ally(read: Callable[[AllyGaps], Scalar]) -> Callable[[GapItem], Scalar]:
    """A figure of the ally's own, which a group does not have."""
    return lambda item: read(item.gaps) if item.gaps else None


RowReader = Callable[[GapItem, GapRow | GroupRow], Scalar]


_EVERY_ROW = "(read every row)"


def _by_row(
    key: str,
    read: RowReader | str,
    header: str,
    kind: Kind,
    ally: str | None = _EVERY_ROW,
    ally_column: "Callable[[GapRows], Sequence[Scalar]] | None" = None,
) -> Field[GapItem]:
    """A figure of the item's row (the subject's for the item's target), None without one: read item by
    item, or for a grid a subject's rows at once (`Field.across`), through the same `read` (a function,
    or the name of an attribute both kinds of row have). `ally` says what `read` gives for an ally's
    rows, for a grid to read them at once: an attribute of GapRow, or None for none (a group's figure);
    `ally_column`, what it gives for an ally's rows held as columns (`GapRows`), computed on the columns
    in one go; tests/test_scale.py holds the grid's records to `read`'s."""
    if isinstance(read, str):
        name = read

        def value(item: GapItem) -> Scalar:
            row = item.row
            return getattr(row, name) if row is not None else None

        def column(item: GapItem, targets: Sequence[object]) -> Sequence[Scalar] | None:
            rows = item.rows_for(targets)
            if isinstance(rows, GapRows):
                return rows.column(name)
            return None if rows is None else list(map(attrgetter(name), rows))

        return Field(key, value, header, kind, across=column)
    reader = read

    def value_read(item: GapItem) -> Scalar:
        row = item.row
        return reader(item, row) if row is not None else None

    def column_read(item: GapItem, targets: Sequence[object]) -> Sequence[Scalar] | None:
        rows = item.rows_for(targets)
        if rows is None:
            return None
        if ally is not _EVERY_ROW and isinstance(item.subject, AllyGaps):
            if ally is None:
                return [None] * len(rows)
            return rows.column(ally) if isinstance(rows, GapRows) else list(map(attrgetter(ally), rows))
        if ally_column is not None and isinstance(rows, GapRows):
            return ally_column(rows)
        return [reader(item, row) for row in rows]

    return Field(key, value_read, header, kind, across=column_read)


def _shortfalls(rows: GapRows) -> Sequence[Scalar]:
    """`_shortfall` of each of an ally's rows: max(gap, 0.0), or None without GDP."""
    usd = rows.column("gap_usd_bn")
    if usd and usd[0] is None:  # no GDP: none of them
        return [_shortfall_of(u) for u in usd]
    # max(gap, 0.0) of each, as `_shortfall_of`: the gap unless 0.0 > gap (a -0.0 or NaN kept as max
    # keeps it), without a call per row.
    return [0.0 if gap < 0.0 else gap for gap in cast("Sequence[float]", usd)]


def _shortfall_of(usd: float | None) -> float | None:
    return max(usd, 0.0) if usd is not None else None


def _meets(rows: GapRows) -> Sequence[Scalar]:
    """Whether each of an ally's rows meets its target: gap_pp <= 0, as `meets_target` reads it."""
    return list(map(le, rows.gap_pp, repeat(0.0, len(rows))))  # a float with a float: the quick compare


def _shortfall(_: GapItem, row: GapRow | GroupRow) -> float | None:
    """What lifting those below the target costs: the ally's gap if it is short (else 0); for a group,
    the sum over its members below the target, with no offsetting."""
    if isinstance(row, GroupRow):
        return row.shortfall_usd_bn
    return _shortfall_of(row.gap_usd_bn)


def _per_capita(_: GapItem, row: GapRow | GroupRow) -> float | None:
    return row.gap_usd_per_capita if isinstance(row, GapRow) else None


def _converted(read: RowReader) -> RowReader:
    return lambda item, row: item.convert(read(item, row))  # type: ignore[arg-type]


def _gap_usd_bn(_: GapItem, row: GapRow | GroupRow) -> float | None:
    return row.gap_usd_bn


def gap_fields(currency: Currency, money: str = "US$") -> Table[GapItem]:
    """Every field of an ally's (or a group's) gap to a target, declared once for `gap`, `compare` and
    `export`. With --currency EUR or LCU the same money follows in that currency (`money`), with the rate.
    `per` says which fields are the subject's alone and which the target's, for a grid of both."""
    subject, target = Per.SUBJECT, Per.TARGET
    fields: list[Field[GapItem]] = [
        Field("iso3", _ally(lambda g: g.ally.iso3), "ISO3", per=subject),
        Field("name", lambda i: i.name, "Ally", per=subject),
        Field("group", lambda i: i.group is not None, "Group", Kind.BOOL, per=subject),
        Field("year", lambda i: i.gaps.year if i.gaps else i.year, "Year", Kind.INT, per=subject),
        # Whether the country was an ally that year (Finland and Sweden in 2014 were not); empty for a group.
        Field("nato_member", _ally(lambda g: g.ally.joined <= g.year), "NATO\nally", Kind.BOOL, per=subject),
        *share_fields(lambda i: i.share, per=subject),
        Field("gdp_usd_bn", lambda i: i.gdp_usd_bn, "GDP\n(US$ bn)", Kind.USD_BN, per=subject),
        Field(
            "spending_usd_bn",
            lambda i: i.subject.spending_usd_bn,
            "Spending\n(US$ bn)",
            Kind.USD_BN,
            per=subject,
        ),
        Field("target", lambda i: i.target.name if i.target else None, "Target", per=target),
        Field(
            "target_pct",
            lambda i: i.target.share_pct if i.target else None,
            "Target\n(% GDP)",
            Kind.PCT,
            per=target,
        ),
        _by_row("gap_pp", "gap_pp", "Gap\n(pp of GDP)", Kind.GAP_PP),
        _by_row("gap_usd_bn", "gap_usd_bn", "Gap\n(US$ bn)", Kind.GAP_USD_BN),
        _by_row(
            "shortfall_usd_bn", _shortfall, "Shortfall\n(US$ bn)", Kind.GAP_USD_BN, ally_column=_shortfalls
        ),
        _by_row(
            "gap_usd_per_capita", _per_capita, "Gap per\nperson (US$)", Kind.GAP_USD, "gap_usd_per_capita"
        ),
        _by_row("meets_target", lambda _, r: r.gap_pp <= 0, "Met", Kind.BOOL, ally_column=_meets),
        _by_row(
            "allies_meeting",
            lambda _, r: r.members_meeting if isinstance(r, GroupRow) else None,
            "Meeting",
            Kind.INT,
            None,
        ),
        _by_row(
            "allies_counted",
            lambda _, r: r.members_counted if isinstance(r, GroupRow) else None,
            "Counted",
            Kind.INT,
            None,
        ),
        Field("gdp_source", _ally(lambda g: g.gdp.source if g.gdp else None), "GDP source", per=subject),
    ]
    if currency is not Currency.USD:
        fields += [
            # The currency even where there is no rate to it: the ally's own with LCU.
            Field("currency", lambda i: i.rate.code if i.rate else _code(i, currency), "Cur.", per=subject),
            Field(
                "fx_per_usd", lambda i: i.rate.per_usd if i.rate else None, "Per US$", Kind.RATE, per=subject
            ),
            Field(
                "fx_rate_year",
                lambda i: i.rate.rate_year if i.rate else None,
                "Rate year",
                Kind.INT,
                per=subject,
            ),
            Field(
                "gdp_bn", lambda i: i.convert(i.gdp_usd_bn), f"GDP\n({money} bn)", Kind.USD_BN, per=subject
            ),
            Field(
                "spending_bn",
                lambda i: i.convert(i.subject.spending_usd_bn),
                f"Spending\n({money} bn)",
                Kind.USD_BN,
                per=subject,
            ),
            _by_row("gap_bn", _converted(_gap_usd_bn), f"Gap\n({money} bn)", Kind.GAP_USD_BN),
            _by_row("shortfall_bn", _converted(_shortfall), f"Shortfall\n({money} bn)", Kind.GAP_USD_BN),
            _by_row("gap_per_capita", _converted(_per_capita), f"Gap per\nperson ({money})", Kind.GAP_USD),
            Field("fx_source", lambda i: i.rate.source if i.rate else None, "Rate source", per=subject),
        ]
    return Table(fields)


def gap_items(gaps: AllyGaps, targets: Sequence[TargetSpec], rate: Conversion | None = None) -> list[GapItem]:
    return [GapItem(gaps, target, rate) for target in targets]


def gap_records(
    gaps: AllyGaps,
    targets: Sequence[TargetSpec],
    currency: Currency = Currency.USD,
    rate: Conversion | None = None,
) -> tuple[dict[str, Scalar], ...]:
    """Tidy rows, one per target; missing figures are None, never 0."""
    return gap_fields(currency).records(gap_items(gaps, targets, rate))


EXPORT_COLUMNS = gap_fields(Currency.USD).record_columns()
"""The CSV/JSON fields of `gap`, `compare` and `export` in US$; EUR and LCU add the money in that currency."""


def gap_report(
    dataset: Dataset,
    gaps: AllyGaps,
    generated: datetime | None = None,
    currency: Currency = Currency.USD,
) -> Report:
    ally = gaps.ally
    targets = gaps.targets
    rate = conversion(dataset, ally, gaps.year, currency)
    money = unit([rate], currency) if currency is not Currency.USD else "US$"
    convert = rate.convert if rate else missing

    def amount(usd: float | None) -> str:
        if currency is Currency.USD or usd is None:
            return f"US$ {usd:,.1f} bn" if usd is not None else MISSING
        converted = convert(usd)
        local = f"{money} {converted:,.1f} bn" if converted is not None else f"{money} {MISSING}"
        return f"{local} (US$ {usd:,.1f} bn)"

    summary: list[tuple[str, str]] = [("Ally", f"{ally.name} ({ally.iso3}), {gaps.year}")]
    if gaps.share is None:
        summary.append(("Defence share", gaps.status.value))
    else:
        share = share_cell(gaps)
        origin = share_origin(gaps.share, dataset)
        summary.append(("Defence share", f"{plain(share._replace(mark=''), Kind.PCT)}% of GDP, {origin}"))
    if gaps.gdp is not None:
        summary.append(("GDP", f"{amount(gaps.gdp.usd_bn)}, {gaps.gdp.kind} [{gaps.gdp.source}]"))
    if gaps.spending_usd_bn is not None:
        summary.append(("Defence spending", f"{amount(gaps.spending_usd_bn)} ({gaps.spending_source})"))
    if gaps.population is not None:
        summary.append(("Population", f"{gaps.population.millions:,.2f} million [{gaps.population.source}]"))
    money_keys = (
        ("gap_usd_bn", "gap_usd_per_capita") if currency is Currency.USD else ("gap_bn", "gap_per_capita")
    )
    table = Table(
        gap_fields(currency, money).fields, ("target", "target_pct", "gap_pp", *money_keys, "meets_target")
    )
    items = gap_items(gaps, targets, rate)
    share_source = gaps.share.source if gaps.share else None
    sources = [share_source, gaps.gdp.source if gaps.gdp else None]
    sources += [gaps.population.source if gaps.population else None, rate.source if rate else None]
    notes = [*(f"{t.id}: {t.label}" for t in targets if t.id and t.label)]
    notes += [*source_notes(dataset, sources), money_note(dataset), SIGN_NOTE]
    if gaps.share is not None and gaps.share.user_supplied:
        notes.append("u = share supplied by the user with --current, not a NATO figure.")
    recorded = ally.share(gaps.year) if gaps.share is not None and not gaps.share.user_supplied else None
    share_note = recorded.note if recorded is not None else None
    if recorded is not None and recorded.note:
        notes.append(f"Share note [{recorded.edition}]: {recorded.note}")
    if gaps.population is None and gaps.rows:
        years = year_span([y for y, r in sorted(ally.years.items()) if r.population is not None])
        notes.append(
            f"Gap per person: n/a, no population figure for {gaps.year} (population years: {years})."
        )
    fx_note = rate_note(rate, currency, ally.name, ally.currency)
    if fx_note:
        notes.append(fx_note)
    return Report(
        title=f"{ally.name}: gap to each target, {gaps.year}",
        columns=table.columns(),
        rows=table.rows(items),
        summary=tuple(summary),
        notes=tuple(notes),
        record_columns=table.record_columns(),
        records=table.records(items),
        metadata=metadata(dataset, gaps.year, targets, generated)
        | {"currency": currency.value, "share_note": share_note},
    )
