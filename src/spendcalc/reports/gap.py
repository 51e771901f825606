"""`gap`: one ally's share, spending and gap to each target."""

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from spendcalc.choices import Currency
from spendcalc.data.schema import Dataset
from spendcalc.domain.currency import Conversion, conversion, unit
from spendcalc.domain.gaps import AllyGaps, GapRow
from spendcalc.domain.targets import TargetSpec
from spendcalc.domain.years import year_span
from spendcalc.reports.columns import Field, Table, share_fields
from spendcalc.reports.common import (
    MONEY_NOTE,
    SIGN_NOTE,
    metadata,
    missing,
    rate_note,
    share_cell,
    share_origin,
    source_notes,
)
from spendcalc.reports.model import MISSING, Kind, Report, Scalar, plain


class GapItem(NamedTuple):
    """One ally against one target: a row of `gap`, a record of `compare` and `export`."""

    gaps: AllyGaps
    target: TargetSpec | None
    """None for the fields of the ally alone (share, spending), as in a row of `compare`."""
    rate: Conversion | None = None

    @property
    def row(self) -> GapRow | None:
        return self.gaps.row(self.target) if self.target is not None else None

    def convert(self, usd: float | None) -> float | None:
        return self.rate.convert(usd) if self.rate is not None else None


def _gdp_usd_bn(item: GapItem) -> float | None:
    return item.gaps.gdp.usd_bn if item.gaps.gdp else None


def _gap_usd_bn(item: GapItem) -> float | None:
    row = item.row
    return row.gap_usd_bn if row else None


def _gap_usd_per_capita(item: GapItem) -> float | None:
    row = item.row
    return row.gap_usd_per_capita if row else None


def _code(item: GapItem, currency: Currency) -> str:
    return item.gaps.ally.currency if currency is Currency.LCU else currency.value


def gap_fields(currency: Currency, money: str = "US$") -> Table[GapItem]:
    """Every field of an ally's gap to a target, declared once for `gap`, `compare` and `export`.

    With --currency EUR or LCU the same money follows in that currency (`money`), with the rate."""
    fields: list[Field[GapItem]] = [
        Field("iso3", lambda i: i.gaps.ally.iso3, "ISO3"),
        Field("name", lambda i: i.gaps.ally.name, "Ally"),
        Field("year", lambda i: i.gaps.year, "Year", Kind.INT),
        *share_fields(lambda i: i.gaps.share),
        Field("gdp_usd_bn", _gdp_usd_bn, "GDP\n(US$ bn)", Kind.USD_BN),
        Field("spending_usd_bn", lambda i: i.gaps.spending_usd_bn, "Spending\n(US$ bn)", Kind.USD_BN),
        Field("target", lambda i: i.target.name if i.target else None, "Target"),
        Field("target_pct", lambda i: i.target.share_pct if i.target else None, "Target\n(% GDP)", Kind.PCT),
        Field("gap_pp", lambda i: r.gap_pp if (r := i.row) else None, "Gap\n(pp of GDP)", Kind.GAP_PP),
        Field("gap_usd_bn", _gap_usd_bn, "Gap\n(US$ bn)", Kind.GAP_USD_BN),
        Field("gap_usd_per_capita", _gap_usd_per_capita, "Gap per\nperson (US$)", Kind.GAP_USD),
        Field("meets_target", lambda i: r.meets if (r := i.row) else None, "Met", Kind.BOOL),
        Field("gdp_source", lambda i: i.gaps.gdp.source if i.gaps.gdp else None, "GDP source"),
    ]
    if currency is not Currency.USD:
        fields += [
            # The currency even where there is no rate to it: the ally's own with LCU.
            Field("currency", lambda i: i.rate.code if i.rate else _code(i, currency), "Cur."),
            Field("fx_per_usd", lambda i: i.rate.per_usd if i.rate else None, "Per US$", Kind.RATE),
            Field("fx_rate_year", lambda i: i.rate.rate_year if i.rate else None, "Rate year", Kind.INT),
            Field("gdp_bn", lambda i: i.convert(_gdp_usd_bn(i)), f"GDP\n({money} bn)", Kind.USD_BN),
            Field(
                "spending_bn",
                lambda i: i.convert(i.gaps.spending_usd_bn),
                f"Spending\n({money} bn)",
                Kind.USD_BN,
            ),
            Field("gap_bn", lambda i: i.convert(_gap_usd_bn(i)), f"Gap\n({money} bn)", Kind.GAP_USD_BN),
            Field(
                "gap_per_capita",
                lambda i: i.convert(_gap_usd_per_capita(i)),
                f"Gap per\nperson ({money})",
                Kind.GAP_USD,
            ),
            Field("fx_source", lambda i: i.rate.source if i.rate else None, "Rate source"),
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
        summary.append(("Defence spending", f"{amount(gaps.spending_usd_bn)} (share × GDP)"))
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
    notes += [*source_notes(dataset, sources), MONEY_NOTE, SIGN_NOTE]
    if gaps.share is not None and gaps.share.user_supplied:
        notes.append("u = share supplied by the user with --current, not a NATO figure.")
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
        metadata=metadata(dataset, gaps.year, targets, generated) | {"currency": currency.value},
    )
