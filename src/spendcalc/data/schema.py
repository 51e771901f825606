"""The dataset: pydantic models that validate data/allies.json strictly. Immutable once loaded."""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from spendcalc.data.compact import YEAR_PARTS, AllyYear, Fx, Gdp, GdpLcu, Growth, Population, Share
from spendcalc.data.records import (
    MAX_TEXT,
    NATO_AGGREGATES,
    SCHEMA_VERSION,
    CompactYear,
    Edition,
    Figure,
    Group,
    NatoTable,
    Plan,
    Pledge,
    Rate,
    Record,
    Source,
    SourceId,
    Target,
    Year,
    _check_edition,
    _check_year_keys,
    _reject_duplicates,
)
from spendcalc.errors import SpendcalcError

__all__ = [
    "MAX_TEXT",
    "NATO_AGGREGATES",
    "SCHEMA_VERSION",
    "Ally",
    "AllyYear",
    "Dataset",
    "Edition",
    "Figure",
    "Fx",
    "Gdp",
    "GdpLcu",
    "Group",
    "Growth",
    "NatoTable",
    "Plan",
    "Pledge",
    "Population",
    "Rate",
    "Record",
    "Share",
    "Source",
    "SourceId",
    "Target",
    "Year",
]


class Ally(Record):
    iso3: str = Field(pattern=r"^[A-Z]{3}$")
    iso2: str = Field(pattern=r"^[A-Z]{2}$")
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    joined: Year
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    currency_note: str | None = None
    has_armed_forces: bool
    years: dict[Year, CompactYear]
    _edition: str | None = PrivateAttr(default=None)
    """The edition `share` and `share_years` read: set by the dataset (its latest, or the one chosen)."""

    @field_validator("years", mode="before")
    @classmethod
    def _plain_year_keys(cls, years: object, info: ValidationInfo) -> object:
        return _check_year_keys(years, info.context)

    @model_validator(mode="after")
    def _no_share_without_armed_forces(self) -> Ally:
        if not self.has_armed_forces and any(y.shares for y in self.years.values()):
            raise ValueError("an ally without armed forces cannot have a defence share")
        for year, record in self.years.items():
            if len(record.shares) < 2:  # most years: one edition's share, or none
                continue
            editions = [share.edition for share in record.shares]
            for edition in editions:
                if editions.count(edition) > 1:
                    raise ValueError(f"years.{year}.shares: edition {edition!r} appears twice")
        return self

    @property
    def edition(self) -> str | None:
        return self._edition

    def share(self, year: int, edition: str | None = None) -> Share | None:
        """The share for `year` in `edition` (default: the dataset's chosen edition); never another's."""
        record = self.years.get(year)
        if record is None:
            return None
        # The chosen edition read straight from pydantic's private store: its __getattr__ made this
        # lookup, asked for every ally of a run or comparison, most of its cost.
        wanted = edition or (self.__pydantic_private__ or {}).get("_edition")
        for share in record.shares:
            if share.edition == wanted:
                return share
        return None

    def shares(self, year: int) -> tuple[Share, ...]:
        """Every edition's share for `year`, in the dataset's order of editions (oldest first)."""
        record = self.years.get(year)
        return record.shares if record else ()

    def gdp(self, year: int) -> Gdp | None:
        record = self.years.get(year)
        return record.gdp if record else None

    def gdp_lcu(self, year: int) -> GdpLcu | None:
        record = self.years.get(year)
        return record.gdp_lcu if record else None

    def growth(self, year: int) -> Growth | None:
        record = self.years.get(year)
        return record.growth if record else None

    def population(self, year: int) -> Population | None:
        record = self.years.get(year)
        return record.population if record else None

    def fx(self, year: int) -> Fx | None:
        record = self.years.get(year)
        return record.fx if record else None

    @cached_property
    def share_years(self) -> tuple[int, ...]:
        """The years with a share in the chosen edition; cached (the model is frozen), since a loop over
        years asks for them once per ally and year."""
        edition = self._edition
        return tuple(sorted(y for y, r in self.years.items() if any(s.edition == edition for s in r.shares)))

    @cached_property
    def gdp_years(self) -> tuple[int, ...]:
        return tuple(sorted(y for y, r in self.years.items() if r.gdp is not None))


class Dataset(Record):
    schema_version: Literal[2]
    editions: tuple[Edition, ...] = Field(min_length=1)
    """Oldest first; exactly one is the latest."""
    sources: tuple[Source, ...] = Field(min_length=1)
    targets: tuple[Target, ...]
    eur_per_usd: dict[Year, Rate] = Field(default_factory=dict)

    @field_validator("eur_per_usd", mode="before")
    @classmethod
    def _plain_year_keys(cls, years: object, info: ValidationInfo) -> object:
        return _check_year_keys(years, info.context)

    pledges: tuple[Pledge, ...] = ()
    plans: tuple[Plan, ...] = ()
    """Governments' announced plans, several per ally (the `national-plans` scenario reads them)."""
    groups: tuple[Group, ...] = ()
    """Groups of allies with their source; NATO and Europe and Canada among them in the bundled data."""
    allies: tuple[Ally, ...] = Field(min_length=1)
    nato_tables: tuple[NatoTable, ...] = ()
    """NATO's own tables (money, real change, the split of spending, personnel), per edition and metric."""

    _edition: str | None = PrivateAttr(default=None)
    _prices: str = PrivateAttr(default="current")
    _tables: dict[tuple[str, str], NatoTable] | None = PrivateAttr(default=None)

    @field_validator("editions")
    @classmethod
    def _one_latest_edition(cls, editions: tuple[Edition, ...]) -> tuple[Edition, ...]:
        _reject_duplicates("edition id", [e.id for e in editions])
        latest = [e.id for e in editions if e.latest]
        if len(latest) != 1:
            raise ValueError(f"exactly one edition must be the latest, not {len(latest)}")
        for edition in editions:
            if edition.first_year > edition.last_year:
                raise ValueError(f"edition {edition.id!r}: first_year is after last_year")
        return editions

    @field_validator("sources")
    @classmethod
    def _unique_sources(cls, sources: tuple[Source, ...]) -> tuple[Source, ...]:
        _reject_duplicates("source id", [s.id for s in sources])
        return sources

    @field_validator("targets")
    @classmethod
    def _unique_targets(cls, targets: tuple[Target, ...]) -> tuple[Target, ...]:
        _reject_duplicates("target id", [t.id for t in targets])
        return targets

    @field_validator("groups")
    @classmethod
    def _unique_groups(cls, groups: tuple[Group, ...]) -> tuple[Group, ...]:
        _reject_duplicates("group id", [g.id for g in groups])
        for group in groups:
            try:
                _reject_duplicates("member", list(group.members))
            except ValueError as error:
                raise ValueError(f"group {group.id!r}: {error}") from None
        return groups

    @field_validator("allies")
    @classmethod
    def _unique_allies(cls, allies: tuple[Ally, ...]) -> tuple[Ally, ...]:
        _reject_duplicates("ISO3 code", [a.iso3 for a in allies])
        _reject_duplicates("ISO2 code", [a.iso2 for a in allies])
        _reject_duplicates("name", [a.name.casefold() for a in allies])
        return allies

    @model_validator(mode="after")
    def _sources_resolve(self) -> Dataset:
        known = {s.id for s in self.sources}
        sources = {s.id: s for s in self.sources}
        editions = {e.id: e for e in self.editions}
        for edition in self.editions:
            source = sources.get(edition.id)
            if source is None or (source.title, source.publisher, source.published) != (
                edition.title,
                edition.publisher,
                edition.published,
            ):
                raise ValueError(
                    f"editions: {edition.id!r} needs a source of the same id, title, publisher and date"
                )
        for year, rate in self.eur_per_usd.items():
            if rate.source not in known:
                raise ValueError(f"eur_per_usd.{year}.source: unknown source id {rate.source!r}")
        allies = {a.iso3 for a in self.allies}
        for index, pledge in enumerate(self.pledges):
            if pledge.iso3 not in allies:
                raise ValueError(f"pledges[{index}].iso3: {pledge.iso3!r} is not an ally in this dataset")
        for index, plan in enumerate(self.plans):
            if plan.iso3 not in allies:
                raise ValueError(f"plans[{index}].iso3: {plan.iso3!r} is not an ally in this dataset")
        for index, group in enumerate(self.groups):
            for member in group.members:
                if member not in allies:
                    raise ValueError(
                        f"groups[{index}].members: {member!r} is not an ally in this dataset ({group.id})"
                    )
        for index, ally in enumerate(self.allies):
            for year, record in ally.years.items():
                for part_name, part in zip(YEAR_PARTS, record[1:], strict=True):  # the fields after shares
                    if part is not None and part.source not in known:
                        raise ValueError(
                            f"allies[{index}].years.{year}.{part_name}.source: "
                            f"unknown source id {part.source!r}"
                        )
                for position, share in enumerate(record.shares):
                    of_share = editions.get(share.edition)
                    if of_share is None or not of_share.first_year <= year <= of_share.last_year:
                        where = f"allies[{index}].years.{year}.shares[{position}].edition"
                        _check_edition(editions, share.edition, year, year, where)
        codes = {a.iso3 for a in self.allies} | set(NATO_AGGREGATES)
        for index, table in enumerate(self.nato_tables):
            where = f"nato_tables[{index}]"
            lengths = {len(row) for row in table.values.values()}
            last = table.first_year + max(lengths, default=1) - 1
            _check_edition(editions, table.edition, table.first_year, last, f"{where}.edition")
            if len(lengths) > 1:
                raise ValueError(f"{where}.values: rows of different lengths")
            for code in table.values:
                if code not in codes:
                    raise ValueError(f"{where}.values: {code!r} is not an ally or NATO aggregate")
        try:
            _reject_duplicates("table", [f"{t.edition} {t.metric}" for t in self.nato_tables])
        except ValueError as error:
            raise ValueError(f"nato_tables: {error}") from None
        return self.selected()

    def selected(self) -> Dataset:
        """Point every ally at the latest edition (what loading a dataset does)."""
        latest = self.latest_edition.id
        self._edition = latest
        self._tables = {(t.edition, t.metric): t for t in self.nato_tables}
        for ally in self.allies:
            ally._edition = latest
        return self

    @property
    def latest_edition(self) -> Edition:
        return next(e for e in self.editions if e.latest)

    @property
    def edition(self) -> Edition:
        """The edition whose shares this dataset gives: the latest unless `for_edition` chose another."""
        return self.find_edition(self._edition) if self._edition else self.latest_edition

    def find_edition(self, edition_id: str) -> Edition:
        found = next((e for e in self.editions if e.id == edition_id), None)
        if found is None:
            known = ", ".join(f"{e.id} (latest)" if e.latest else e.id for e in self.editions)
            raise SpendcalcError(f"unknown edition {edition_id!r}; editions: {known}")
        return found

    def for_edition(self, edition_id: str | None) -> Dataset:
        """The same dataset giving `edition_id`'s shares only (None: the latest edition)."""
        edition = self.latest_edition if edition_id is None else self.find_edition(edition_id)
        if edition.id == self._edition:
            return self
        allies = []
        for ally in self.allies:
            view = ally.model_copy()
            view._edition = edition.id
            view.__dict__.pop("share_years", None)  # cached for the other edition, copied with the rest
            allies.append(view)
        dataset = self.model_copy(update={"allies": tuple(allies)})
        dataset._edition = edition.id
        return dataset

    def find_group(self, group_id: str) -> Group:
        found = next((g for g in self.groups if g.id == group_id), None)
        if found is None:
            known = ", ".join(g.id for g in self.groups) or "none in this dataset"
            raise SpendcalcError(f"unknown group {group_id!r}; groups: {known}")
        return found

    def source(self, source_id: str) -> Source:
        return next(s for s in self.sources if s.id == source_id)

    def nato_table(self, metric: str, edition: str | None = None) -> NatoTable | None:
        """One of NATO's tables of an edition (the chosen one by default); None where it has none."""
        # Read straight from pydantic's private store: its __getattr__ made this the slowest part of a
        # comparison, which asks for a table a few hundred times.
        private = self.__pydantic_private__ or {}
        tables = private.get("_tables")
        if tables is None:  # a dataset built without `selected` (model_construct)
            tables = self._tables = {(t.edition, t.metric): t for t in self.nato_tables}
        return tables.get((edition or private.get("_edition") or self.latest_edition.id, metric))

    def nato_figure(self, code: str, year: int, metric: str, edition: str | None = None) -> float | None:
        """A value of NATO's own tables (chosen edition by default), e.g. ('POL', 2026, 'spending_usd_m')."""
        table = self.nato_table(metric, edition)
        return table.value(code, year) if table is not None else None

    @property
    def prices(self) -> str:
        """'current' or 'constant' (2021 prices and exchange rates): which of NATO's money tables the
        domain reads; chosen with `for_prices` (the CLI's --prices)."""
        return str((self.__pydantic_private__ or {}).get("_prices", "current"))

    def for_prices(self, prices: str) -> Dataset:
        """The same dataset giving money at `prices` ('current' or 'constant'). Constant prices are NATO's
        tables': an edition without them has none."""
        if prices not in ("current", "constant"):
            raise SpendcalcError(f"prices {prices!r}: give current or constant")
        if prices == self._prices:
            return self
        if prices == "constant" and self.nato_table("spending_usd_2021_m") is None:
            with_tables = sorted({t.edition for t in self.nato_tables})
            raise SpendcalcError(
                f"edition {self.edition.id} has no constant-price tables; constant 2021 prices come from "
                f"NATO's own tables ({', '.join(with_tables) or 'none in this dataset'})"
            )
        dataset = self.model_copy()
        dataset._prices = prices
        return dataset
