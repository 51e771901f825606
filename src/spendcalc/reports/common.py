"""What many reports share: source notes, metadata, share cells, rate notes."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from spendcalc import __version__
from spendcalc.choices import Currency
from spendcalc.data.schema import Dataset, Source
from spendcalc.domain.currency import Conversion
from spendcalc.domain.gaps import AllyGaps, ShareFigure
from spendcalc.domain.targets import TargetSpec
from spendcalc.reports.model import Cell, Kind, Scalar, show

MONEY_NOTE = (
    "Money: in the years of the edition's tables, NATO's own spending and GDP (national currency and euros "
    "at NATO's implied rates); other years share × GDP (IMF; World Bank before 2024); after the edition, GDP "
    "grows as the IMF projects it in national currency, converted at the IMF's implied rates."
)


def money_note(dataset: Dataset) -> str:
    """Where money figures come from, and at which prices."""
    if dataset.prices == "constant":
        return (
            "Money at constant 2021 prices and exchange rates (US$ of 2021): NATO's own spending and "
            "GDP in the years of the edition's tables; after them GDP grows at the IMF's real growth "
            "(an assumption)."
        )
    return MONEY_NOTE + " Current prices (--prices constant for 2021 prices)."


ASSUMED_GDP_NOTE = (
    "GDP after the edition: in national currency as the IMF projects it (NGDP, to 2029), then by the IMF's "
    "real growth and CPI inflation (to 2031), then at the last of those rates or --growth; in US$ at the "
    "IMF's implied exchange rates (NGDP ÷ NGDPD). a = a year with an assumed GDP (past the IMF's NGDP "
    "years: an assumption, not a forecast); each ally's basis in the JSON metadata."
)

SIGN_NOTE = "Gaps: + is short of the target, − is above it (a surplus). e = estimate."


def missing(_: float | None) -> None:
    return None


def rate_note(rate: Conversion | None, currency: Currency, ally_name: str, ally_currency: str) -> str | None:
    """Says which exchange rate a money figure rests on, or that there is none."""
    if currency is Currency.USD:
        return None
    if rate is None:
        code = ally_currency if currency is Currency.LCU else currency.value
        return f"{ally_name}: no ECB rate for {code}; its {currency.value} figures are n/a."
    if rate.source is None:
        return None
    carried = f", carried forward to {rate.year}" if rate.carried_forward else ""
    what = {
        "nato": f"the {rate.rate_year} rate implied by NATO's tables (national-currency ÷ US$ spending)",
        "imf": f"the IMF's implied rate of {rate.rate_year} (GDP in national currency ÷ GDP in US$)",
    }.get(rate.method, f"the {rate.rate_year} average of the ECB's daily reference rates")
    return f"{rate.code} per US$: {rate.per_usd:.4f}, {what}{carried} [{rate.source}]."


def metadata(
    dataset: Dataset, year: int | None, targets: Sequence[TargetSpec], generated: datetime | None
) -> dict[str, object]:
    return {
        "spendcalc_version": __version__,
        "year": year,
        "generated": generated.isoformat(timespec="seconds") if generated else None,
        "targets": [{"id": t.id, "share_pct": t.share_pct, "label": t.label} for t in targets],
        "edition": edition_record(dataset),
        "sources": [source_record(s) for s in dataset.sources],
        "money": money_note(dataset),
        "prices": dataset.prices,
    }


def edition_record(dataset: Dataset) -> dict[str, Scalar]:
    """The edition the shares come from, for JSON metadata."""
    edition, latest = dataset.edition, dataset.latest_edition
    return {
        "id": edition.id,
        "title": edition.title,
        "publisher": edition.publisher,
        "published": edition.published.isoformat(),
        "basis": edition.basis,
        "latest": edition.latest,
        "latest_edition": latest.id,
    }


def editions_note(dataset: Dataset) -> str:
    """Every edition the dataset keeps, as `--edition` takes them."""
    listed = ", ".join(
        f"{e.id} ({e.basis}, {year_range(e.first_year, e.last_year)}{', the latest' if e.latest else ''})"
        for e in dataset.editions
    )
    return f"Editions of NATO's shares (--edition ID): {listed}."


def year_range(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def edition_note(dataset: Dataset) -> str:
    """Which edition the shares come from, and whether a later one revises them."""
    edition, latest = dataset.edition, dataset.latest_edition
    line = f"Shares: edition {edition.id} ({edition.basis})"
    if edition.latest:
        return f"{line}, the latest."
    return (
        f"{line}, not the latest: {latest.id} ({latest.published.isoformat()}, {latest.basis}) revises them."
    )


def source_record(source: Source) -> dict[str, Scalar]:
    return {
        "id": source.id,
        "title": source.title,
        "publisher": source.publisher,
        "published": source.published.isoformat(),
        "url": source.url,
        "note": source.note,
    }


def source_notes(dataset: Dataset, source_ids: Iterable[str | None]) -> tuple[str, ...]:
    """The edition the shares come from, then one line per source cited."""
    wanted = {s for s in source_ids if s}
    return (
        edition_note(dataset),
        *(
            f"Source: {s.publisher}, {s.title} ({s.published.isoformat()}) [{s.id}]"
            for s in dataset.sources
            if s.id in wanted
        ),
    )


def share_cell(gaps: AllyGaps) -> Cell:
    # A missing share's reason is in the table's notes: a long cell would widen the column.
    return figure_cell(gaps.share) if gaps.share is not None else Cell(None)


def figure_cell(share: ShareFigure, mark: str | None = None) -> Cell:
    """A share shown to the precision it was published to, marked e (estimate) or u (user-supplied)."""
    default = "u" if share.user_supplied else "e" if share.estimate else ""
    return Cell(share.pct, default if mark is None else mark, 1 if share.precision >= 0.1 else None)


def share_origin(share: ShareFigure, dataset: Dataset) -> str:
    """Where a share comes from, in words: 'NATO estimate [nato-2025-08]' or the user."""
    if share.user_supplied:
        return "supplied by the user (--current)"
    publisher = next((s.publisher for s in dataset.sources if s.id == share.source), "source")
    return f"{publisher}{' estimate' if share.estimate else ''} [{share.source}]"


GDP_MARKS = {"actual": "", "estimate": "e", "projection": "p", "assumed": "a"}


GDP_MARK_NOTE = "GDP: e = estimate, p = IMF projection, a = assumed (extended at the growth rate stated)."


def share_text(share: ShareFigure | None) -> str:
    """A share as published: 2.4 for a figure given to 0.1, 2.40 for one given to 0.01."""
    return show(figure_cell(share, ""), Kind.PCT).text if share is not None else "0.00"


CHAINED_GDP_SOURCES = frozenset({"imf-weo-2026-04-ngdp", "imf-weo-2026-04-growth"})
"""GDP grown from the year before at these sources' rates: a change of rate, not of level."""


def gdp_source_changes(years: Sequence[tuple[int, str | None]]) -> list[str]:
    """A note for each year where the GDP series passes from one source's levels to another's (World Bank →
    IMF, NATO → IMF); none where GDP is grown on from the year before (the IMF's growth rates)."""
    notes = []
    previous: str | None = None
    for year, source in years:
        if previous and source and source != previous and source not in CHAINED_GDP_SOURCES:
            notes.append(
                f"GDP source changes in {year}: {previous} before, {source} from {year}; "
                "the two differ by a few per cent for the same year."
            )
        previous = source or previous
    return notes
