"""The dataset: pydantic models that validate data/allies.json strictly. Immutable once loaded."""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1

Year = Annotated[int, Field(ge=1900, le=2100)]
SourceId = Annotated[str, Field(min_length=1)]


class Record(BaseModel):
    # Validators are built on first validation, not at import: the bundled dataset, checked when it is
    # built and by the tests, is assembled without them (loader.assemble_trusted), which halves start-up.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, defer_build=True)


class Source(Record):
    id: SourceId
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    published: date
    url: str | None = None
    note: str | None = None


class Target(Record):
    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9.\-]*$")
    label: str = Field(min_length=1)
    share_pct: float = Field(gt=0, le=100, allow_inf_nan=False)
    of: Literal["gdp", "defence_expenditure", "related_spending"]
    """gdp: a share of GDP for defence (NATO definition), comparable with a defence share.
    defence_expenditure: a share of defence spending (the 20% equipment guideline).
    related_spending: a share of GDP for defence-related spending, which NATO does not measure yet."""
    by_year: Year
    agreed: date
    scope: str
    note: str | None = None
    url: str | None = None


class Share(Record):
    """Defence expenditure as a share of GDP, NATO definition."""

    pct: float = Field(ge=0, le=100, allow_inf_nan=False)
    estimate: bool
    precision: float = Field(gt=0, le=1, allow_inf_nan=False)
    source: SourceId
    note: str | None = None


class Gdp(Record):
    """GDP at current prices, billions of US dollars."""

    # Bounds far outside any economy (world GDP is about 1e5 bn), so that no sum or ratio overflows.
    usd_bn: float = Field(gt=0, le=1e9, allow_inf_nan=False)
    kind: Literal["actual", "estimate", "projection"]
    source: SourceId


class Population(Record):
    millions: float = Field(ge=1e-6, le=1e5, allow_inf_nan=False)
    source: SourceId


class Rate(Record):
    """An annual average exchange rate: units of a currency per US dollar."""

    per_usd: float = Field(ge=1e-6, le=1e9, allow_inf_nan=False)
    source: SourceId


class Fx(Rate):
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    """The national currency in use that year (Croatia: HRK until 2022, EUR from 2023)."""


class AllyYear(Record):
    share: Share | None = None
    gdp: Gdp | None = None
    population: Population | None = None
    fx: Fx | None = None


class Pledge(Record):
    """A national pledge or plan, in the measure it was announced in (not always NATO's)."""

    iso3: str = Field(pattern=r"^[A-Z]{3}$")
    announced: str = Field(pattern=r"^\d{4}(-\d{2}){0,2}$")
    share_pct: float = Field(gt=0, le=100, allow_inf_nan=False)
    by_year: Year
    measure: str = Field(min_length=1)
    nato_definition: bool
    status: str = Field(min_length=1)
    note: str | None = None
    url: str | None = None


class Ally(Record):
    iso3: str = Field(pattern=r"^[A-Z]{3}$")
    iso2: str = Field(pattern=r"^[A-Z]{2}$")
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    joined: Year
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    currency_note: str | None = None
    has_armed_forces: bool
    years: dict[Year, AllyYear]

    @field_validator("years", mode="before")
    @classmethod
    def _plain_year_keys(cls, years: object) -> object:
        return _check_year_keys(years)

    @model_validator(mode="after")
    def _no_share_without_armed_forces(self) -> Ally:
        if not self.has_armed_forces and any(y.share is not None for y in self.years.values()):
            raise ValueError("an ally without armed forces cannot have a defence share")
        return self

    def share(self, year: int) -> Share | None:
        record = self.years.get(year)
        return record.share if record else None

    def gdp(self, year: int) -> Gdp | None:
        record = self.years.get(year)
        return record.gdp if record else None

    def population(self, year: int) -> Population | None:
        record = self.years.get(year)
        return record.population if record else None

    def fx(self, year: int) -> Fx | None:
        record = self.years.get(year)
        return record.fx if record else None

    @cached_property
    def share_years(self) -> tuple[int, ...]:
        # Cached (the model is frozen): a loop over years asks for them once per ally and year.
        return tuple(sorted(y for y, r in self.years.items() if r.share is not None))

    @cached_property
    def gdp_years(self) -> tuple[int, ...]:
        return tuple(sorted(y for y, r in self.years.items() if r.gdp is not None))


class Dataset(Record):
    schema_version: Literal[1]
    sources: tuple[Source, ...] = Field(min_length=1)
    targets: tuple[Target, ...]
    eur_per_usd: dict[Year, Rate] = Field(default_factory=dict)

    @field_validator("eur_per_usd", mode="before")
    @classmethod
    def _plain_year_keys(cls, years: object) -> object:
        return _check_year_keys(years)

    pledges: tuple[Pledge, ...] = ()
    allies: tuple[Ally, ...] = Field(min_length=1)

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
        for year, rate in self.eur_per_usd.items():
            if rate.source not in known:
                raise ValueError(f"eur_per_usd.{year}.source: unknown source id {rate.source!r}")
        allies = {a.iso3 for a in self.allies}
        for index, pledge in enumerate(self.pledges):
            if pledge.iso3 not in allies:
                raise ValueError(f"pledges[{index}].iso3: {pledge.iso3!r} is not an ally in this dataset")
        for index, ally in enumerate(self.allies):
            for year, record in ally.years.items():
                for part_name in ("share", "gdp", "population", "fx"):
                    part = getattr(record, part_name)
                    if part is not None and part.source not in known:
                        raise ValueError(
                            f"allies[{index}].years.{year}.{part_name}.source: "
                            f"unknown source id {part.source!r}"
                        )
        return self

    def source(self, source_id: str) -> Source:
        return next(s for s in self.sources if s.id == source_id)


def _check_year_keys(years: object) -> object:
    # "02014" or " 2014" would become 2014 too and silently replace the real 2014.
    if not isinstance(years, dict):
        return years
    for key in years:
        if isinstance(key, str) and not (len(key) == 4 and key.isascii() and key.isdigit()):
            raise ValueError(f"year {key!r} must be written as four digits, e.g. 2024")
    # Validation from here on is past the JSON parser, where strict mode takes only real ints as keys.
    return {int(key) if isinstance(key, str) else key: value for key, value in years.items()}


def _reject_duplicates(what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what} {value!r}")
        seen.add(value)
