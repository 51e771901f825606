"""`gap`: one ally's share, spending and gap to each target."""

from collections.abc import Sequence
from datetime import datetime

from spendcalc.choices import Currency
from spendcalc.data.schema import Dataset
from spendcalc.domain.currency import Conversion, conversion, unit
from spendcalc.domain.gaps import AllyGaps, GapRow
from spendcalc.domain.targets import TargetSpec
from spendcalc.domain.years import year_span
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
from spendcalc.reports.model import MISSING, Cell, Column, Kind, Report, Scalar, plain

EXPORT_COLUMNS = (
    "iso3",
    "name",
    "year",
    "share_pct",
    "share_estimate",
    "gdp_usd_bn",
    "spending_usd_bn",
    "target_pct",
    "gap_pp",
    "gap_usd_bn",
    "gap_usd_per_capita",
    "meets_target",
    "share_source",
    "gdp_source",
)


CURRENCY_COLUMNS = (
    "currency",
    "fx_per_usd",
    "fx_rate_year",
    "gdp_bn",
    "spending_bn",
    "gap_bn",
    "gap_per_capita",
    "fx_source",
)
"""Appended to EXPORT_COLUMNS with --currency EUR or LCU: the same money in that currency, and the rate."""


def record_columns(currency: Currency) -> tuple[str, ...]:
    return EXPORT_COLUMNS if currency is Currency.USD else EXPORT_COLUMNS + CURRENCY_COLUMNS


def gap_records(
    gaps: AllyGaps,
    targets: Sequence[TargetSpec],
    currency: Currency = Currency.USD,
    rate: Conversion | None = None,
) -> list[dict[str, Scalar]]:
    """Tidy rows, one per target, with the EXPORT_COLUMNS; missing figures are None, never 0."""
    records: list[dict[str, Scalar]] = []
    for target in targets:
        row: GapRow | None = gaps.row(target)
        record: dict[str, Scalar] = {
            "iso3": gaps.ally.iso3,
            "name": gaps.ally.name,
            "year": gaps.year,
            "share_pct": gaps.share.pct if gaps.share else None,
            "share_estimate": gaps.share.estimate if gaps.share else None,
            "gdp_usd_bn": gaps.gdp.usd_bn if gaps.gdp else None,
            "spending_usd_bn": gaps.spending_usd_bn,
            "target_pct": target.share_pct,
            "gap_pp": row.gap_pp if row else None,
            "gap_usd_bn": row.gap_usd_bn if row else None,
            "gap_usd_per_capita": row.gap_usd_per_capita if row else None,
            "meets_target": row.meets if row else None,
            "share_source": _share_source(gaps),
            "gdp_source": gaps.gdp.source if gaps.gdp else None,
        }
        if currency is not Currency.USD:
            convert = rate.convert if rate else missing
            record |= {
                "currency": rate.code if rate else None,
                "fx_per_usd": rate.per_usd if rate else None,
                "fx_rate_year": rate.rate_year if rate else None,
                "gdp_bn": convert(gaps.gdp.usd_bn if gaps.gdp else None),
                "spending_bn": convert(gaps.spending_usd_bn),
                "gap_bn": convert(row.gap_usd_bn if row else None),
                "gap_per_capita": convert(row.gap_usd_per_capita if row else None),
                "fx_source": rate.source if rate else None,
            }
        records.append(record)
    return records


def _share_source(gaps: AllyGaps) -> str | None:
    if gaps.share is None:
        return None
    return gaps.share.source if gaps.share.source is not None else "user-supplied"


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
    columns = (
        Column("target", "Target"),
        Column("target_pct", "Target\n(% GDP)", Kind.PCT),
        Column("gap_pp", "Gap\n(pp of GDP)", Kind.GAP_PP),
        Column("gap_bn", f"Gap\n({money} bn)", Kind.GAP_USD_BN),
        Column("gap_per_capita", f"Gap per\nperson ({money})", Kind.GAP_USD),
        Column("meets_target", "Met", Kind.BOOL),
    )
    rows = []
    for target in targets:
        row = gaps.row(target)
        rows.append(
            (
                Cell(target.name),
                Cell(target.share_pct),
                Cell(row.gap_pp if row else None),
                Cell(convert(row.gap_usd_bn) if row else None),
                Cell(convert(row.gap_usd_per_capita) if row else None),
                Cell(row.meets if row else None),
            )
        )
    share_source = gaps.share.source if gaps.share else None
    sources = [share_source, gaps.gdp.source if gaps.gdp else None]
    sources += [gaps.population.source if gaps.population else None, rate.source if rate else None]
    notes = [*(f"{t.id}: {t.label}" for t in targets if t.id and t.label)]
    notes += [*source_notes(dataset, sources), MONEY_NOTE, SIGN_NOTE]
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
        columns=columns,
        rows=tuple(rows),
        summary=tuple(summary),
        notes=tuple(notes),
        record_columns=record_columns(currency),
        records=tuple(gap_records(gaps, targets, currency, rate)),
        metadata=metadata(dataset, gaps.year, targets, generated)
        | {"currency": currency.value, "share_note": share_note},
    )
