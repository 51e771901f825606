"""The records a dataset is made of: sources, targets, editions, shares, NATO's tables, GDP, pledges and
groups, and the rules every record follows (strict fields, printable text of a sane length)."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from spendcalc.data.compact import YEAR_PARTS, AllyYear, Fx, Gdp, GdpLcu, Growth, Kind, Population, Share

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, TypeAdapter, ValidatorFunctionWrapHandler
    from pydantic_core import CoreSchema

SCHEMA_VERSION = 2

Year = Annotated[int, Field(ge=1900, le=2100)]
SourceId = Annotated[str, Field(min_length=1)]


class ParsedJson:
    """The validation context of a document that data.load parsed with json.loads, validated in strict
    Python mode as pydantic's strict JSON mode would have validated its text: its arrays arrive as tuples
    already (the loader makes them so), its dates as text, read here by pydantic's own JSON parser.

    `frees`: the document is the loader's own, and its allies' years are emptied as they are validated
    (see _check_year_keys); not when an ally is validated while the file is parsed (data.load.parse_json),
    whose object is kept as it was should it not validate."""

    def __init__(self, frees: bool = True) -> None:
        self.frees = frees


PARSED_JSON = ParsedJson()
PARSED_ALLY = ParsedJson(frees=False)


class _JsonDate:
    """A date read from text as pydantic's JSON mode reads it (strict or lax as validation is), also from a
    json.loads document in the ParsedJson context, where strict Python mode would refuse any text."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        from pydantic_core import core_schema

        schema = handler(source)
        return core_schema.json_or_python_schema(
            json_schema=schema,
            python_schema=core_schema.with_info_wrap_validator_function(_date_from_json, schema),
            serialization=schema.get("serialization"),
        )


def _date_from_json(value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
    if not (isinstance(value, str) and isinstance(info.context, ParsedJson)):
        return handler(value)
    import json

    from pydantic import ValidationError
    from pydantic_core import PydanticCustomError

    try:
        return _date_adapter().validate_json(json.dumps(value), strict=True)
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        raise PydanticCustomError(detail["type"], detail["msg"]) from None


@cache
def _date_adapter() -> TypeAdapter[date]:
    from pydantic import TypeAdapter

    return TypeAdapter(date)


Day = Annotated[date, _JsonDate]
"""A date; in a data file, text as YYYY-MM-DD (see ParsedJson)."""


MAX_TEXT = 2000
"""Characters in any text of a dataset (a name, a title, a note): far above any real one."""
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Control characters (C0, DEL, C1: terminal escapes, NUL, line breaks) and bidi overrides and isolates,
which could rewrite a terminal, forge a table row or reverse what a reader sees."""


TEXT_FIELDS = (
    *("aliases", "announced", "currency", "currency_note", "edition", "id", "iso2", "iso3", "label"),
    *("measure", "members", "metric", "name", "note", "publisher", "rule", "scope", "source", "status"),
    *("table", "title", "unit", "url"),
)
"""The fields of the records that hold text (or a tuple of texts), each checked by `_printable_text`:
named rather than every field ('*'), whose check of each number was most of validating a large
dataset. tests/test_scale.py holds this list to the records' fields of text."""


def _check_text(text: str) -> None:
    if len(text) > MAX_TEXT:
        raise ValueError(f"text of {len(text):,} characters; at most {MAX_TEXT:,}")
    found = _UNPRINTABLE.search(text)
    if found:
        raise ValueError(
            f"text holds a control or bidi character (U+{ord(found.group()):04X}) at position "
            f"{found.start()}: datasets must hold printable text only"
        )


_CHECKED: dict[str, str] = {}
"""Short texts found printable, each kept once (see Record._printable_text); at most _CHECKED_COUNT of
at most _CHECKED_LENGTH characters, then forgotten all at once."""
_CHECKED_LENGTH = 64
_CHECKED_COUNT = 16_384


class Record(BaseModel):
    # Validators are built on first validation, not at import: the bundled dataset, checked when it is
    # built and by the tests, is assembled without them (loader.assemble_trusted), which halves start-up.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, defer_build=True)

    @field_validator(*TEXT_FIELDS, check_fields=False)
    @classmethod
    def _printable_text(cls, value: object) -> object:
        """Every text of a dataset (which is untrusted input) is printable and of a sane length.

        A short text once checked is remembered (_CHECKED): a dataset repeats its ids in every record,
        and each record then holds the one text rather than a copy of its own (json.loads makes one
        string per occurrence)."""
        if isinstance(value, str):
            known = _CHECKED.get(value)
            if known is not None:
                return known
            _check_text(value)
            if len(value) <= _CHECKED_LENGTH:
                if len(_CHECKED) >= _CHECKED_COUNT:
                    _CHECKED.clear()
                _CHECKED[value] = value
            return value
        for text in value if isinstance(value, tuple) else (value,):
            if isinstance(text, str):
                _check_text(text)
        return value


class _Compact:
    """Validated by the pydantic `model` (its rules, messages and JSON Schema), held as the compact
    record (a NamedTuple of the same fields in the same order): the model's instance is made and let go
    at once. Dumped as the model dumps (model_dump, model_dump_json)."""

    def __init__(self, model: type[Record]) -> None:
        self.model = model

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        from pydantic_core import core_schema

        model = self.model
        schema = handler.generate_schema(model)
        new = tuple.__new__

        def compact(validated: Record) -> Any:
            return new(source, validated.__dict__.values())

        def dumped(record: Any, dump: core_schema.SerializerFunctionWrapHandler) -> Any:
            # Through the model's own serializer: include, exclude and the like apply within a record.
            return dump(model.model_construct(**record._asdict()))

        return core_schema.no_info_after_validator_function(
            compact,
            schema,
            serialization=core_schema.wrap_serializer_function_ser_schema(dumped, schema=schema),
        )


class Source(Record):
    id: SourceId
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    published: Day
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
    agreed: Day
    scope: str
    note: str | None = None
    url: str | None = None


class Edition(Record):
    """An edition of NATO's defence-expenditure figures: every share is held per edition."""

    id: SourceId
    """Also the id of the publication in `sources`, with the same title, publisher and date."""
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    published: Day
    basis: Literal["core defence", "total defence expenditure"]
    """What the shares measure: core defence (The Hague's 3.5% core) or total defence expenditure."""
    first_year: Year
    last_year: Year
    latest: bool
    """Exactly one edition is the latest: the default one."""


class ShareModel(Record):
    """Defence expenditure as a share of GDP, NATO definition, as one edition published it."""

    edition: SourceId
    pct: float = Field(ge=0, le=100, allow_inf_nan=False)
    estimate: bool
    precision: float = Field(gt=0, le=1, allow_inf_nan=False)
    note: str | None = None


NATO_AGGREGATES = ("NATO_TOTAL", "NATO_EUROPE_AND_CANADA")
"""NATO's own aggregate rows in its tables, beside the allies' ISO3 codes."""

Figure = Annotated[float, Field(ge=-1e12, le=1e12, allow_inf_nan=False)]


class NatoTable(Record):
    """One of NATO's own tables in one edition (e.g. spending in current US$): a metric for each ally and
    NATO's aggregates, year by year from `first_year`. A value NATO does not give is null, never 0.

    Money in millions; national currency as NATO's table gives it (Bulgaria and Croatia: euros in the
    2026 edition for every year, as its implied exchange rates show); constant prices and exchange rates
    of 2021 where the unit says so.
    """

    edition: SourceId
    metric: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    unit: str = Field(min_length=1)
    table: str = Field(min_length=1)
    """Where NATO prints it, e.g. 'Table 2'."""
    first_year: Year
    estimate_years: tuple[Year, ...] = ()
    """The years whose values are NATO's estimates (for every ally)."""
    values: dict[str, tuple[Figure | None, ...]]
    """By ISO3 code or NATO_TOTAL / NATO_EUROPE_AND_CANADA."""
    currencies: dict[str, str] = Field(default_factory=dict)
    """National-currency tables only: the currency of each ally's row, as NATO's implied exchange rates
    show it (the ally's currency in the edition's last year for every year: euros for Bulgaria, Croatia,
    Lithuania and Latvia from 2014)."""

    def value(self, code: str, year: int) -> float | None:
        row = self.values.get(code)
        index = year - self.first_year
        return row[index] if row is not None and 0 <= index < len(row) else None


class GdpModel(Record):
    """GDP at current prices, billions of US dollars."""

    # Bounds far outside any economy (world GDP is about 1e5 bn), so that no sum or ratio overflows.
    usd_bn: float = Field(gt=0, le=1e9, allow_inf_nan=False)
    kind: Kind
    source: SourceId


class GdpLcuModel(Record):
    """GDP at current prices in national currency, billions (IMF NGDP)."""

    lcu_bn: float = Field(gt=0, le=1e12, allow_inf_nan=False)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    kind: Kind
    source: SourceId


class GrowthModel(Record):
    """Real GDP growth and CPI inflation, % a year (IMF); used only to extend GDP past NGDP's last year."""

    real_pct: float = Field(gt=-100, le=100, allow_inf_nan=False)
    cpi_pct: float = Field(gt=-100, le=1000, allow_inf_nan=False)
    kind: Kind
    source: SourceId


class PopulationModel(Record):
    millions: float = Field(ge=1e-6, le=1e5, allow_inf_nan=False)
    source: SourceId


class Rate(Record):
    """An annual average exchange rate: units of a currency per US dollar."""

    per_usd: float = Field(ge=1e-6, le=1e9, allow_inf_nan=False)
    source: SourceId


class FxModel(Rate):
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    """The national currency in use that year (Croatia: HRK until 2022, EUR from 2023)."""


class AllyYearModel(Record):
    shares: tuple[Annotated[Share, _Compact(ShareModel)], ...] = ()
    """At most one per edition."""

    @field_validator("shares", mode="before")
    @classmethod
    def _arrays(cls, values: object) -> object:
        # Ally.years is validated past the JSON parser (see _check_year_keys), where strict mode takes
        # only real tuples: a JSON array arrives as a list.
        return tuple(values) if isinstance(values, list) else values

    gdp: Annotated[Gdp, _Compact(GdpModel)] | None = None
    gdp_lcu: Annotated[GdpLcu, _Compact(GdpLcuModel)] | None = None
    growth: Annotated[Growth, _Compact(GrowthModel)] | None = None
    population: Annotated[Population, _Compact(PopulationModel)] | None = None
    fx: Annotated[Fx, _Compact(FxModel)] | None = None


CompactYear = Annotated[AllyYear, _Compact(AllyYearModel)]
"""An ally's year as a field of Ally: validated by AllyYearModel, held as an AllyYear."""

COMPACT = (
    (Share, ShareModel),
    (Gdp, GdpModel),
    (GdpLcu, GdpLcuModel),
    (Growth, GrowthModel),
    (Population, PopulationModel),
    (Fx, FxModel),
    (AllyYear, AllyYearModel),
)
"""Each compact record and its model, which has the same fields in the same order (tests/test_one_parse)."""
for _record, _model in COMPACT:
    # The model is named as its record in the JSON Schema (its $defs) and in pydantic's messages.
    _model.__name__ = _model.__qualname__ = _record.__name__


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


class Plan(Record):
    """A government's announced plan, pledge or position on its defence share (pledges_2026.csv), as
    announced: in its own `measure`, which is not always NATO's, with its `status` (plan, pledge, law,
    budget, position, ambition, ...) and how sure the collector was of it. Some give no share."""

    iso3: str = Field(pattern=r"^[A-Z]{3}$")
    announced: str = Field(min_length=4)
    """YYYY, YYYY-MM or YYYY-MM-DD as far as known; a few are undated beyond a year or two."""
    share_pct: float | None = Field(default=None, gt=0, le=100, allow_inf_nan=False)
    by_year: Year
    measure: str = Field(min_length=1)
    nato_definition: bool
    status: str = Field(min_length=1)
    confidence: Literal["high", "medium", "low"] | None = None
    note: str | None = None
    url: str | None = None


class Group(Record):
    """A group of allies (the EU members in NATO, the Baltic states, ...) with its source.

    `members` are ISO3 codes of the dataset's allies; a member counts in a year's totals only once it has
    joined the alliance (`Ally.joined`), as NATO's own aggregates do."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9\-]*$")
    name: str = Field(min_length=1)
    members: tuple[str, ...] = Field(min_length=1)
    rule: str | None = None
    """How the source states the membership when it is a rule ("all allies but USA"), else None."""
    url: str | None = None
    note: str | None = None

    @field_validator("members", mode="before")
    @classmethod
    def _arrays(cls, values: object) -> object:
        return tuple(values) if isinstance(values, list) else values


def _check_edition(editions: dict[str, Edition], edition_id: str, first: int, last: int, where: str) -> None:
    edition = editions.get(edition_id)
    if edition is None:
        raise ValueError(f"{where}: unknown edition {edition_id!r}")
    if not edition.first_year <= first <= last <= edition.last_year:
        span = str(first) if first == last else f"{first}-{last}"
        raise ValueError(f"{where}: {edition_id!r} does not cover {span}")


def _check_year_keys(years: object, context: object = None) -> object:
    """Year keys as ints (one int object per year, shared by every record of that year). In the
    ParsedJson context the document is the loader's own: the mapping given is emptied (unless the context
    says otherwise, as while the file is parsed), so that its records are freed as soon as they are
    validated, not when the whole dataset is."""
    # "02014" or " 2014" would become 2014 too and silently replace the real 2014.
    if not isinstance(years, dict):
        return years
    for key in years:
        if isinstance(key, str) and not (len(key) == 4 and key.isascii() and key.isdigit()):
            raise ValueError(f"year {key!r} must be written as four digits, e.g. 2024")
    # Validation from here on is past the JSON parser, where strict mode takes only real ints as keys.
    keyed = {
        (_YEARS.get(key) or int(key)) if isinstance(key, str) else key: value for key, value in years.items()
    }
    if not isinstance(context, ParsedJson):
        # Records of an ally's years made in Python (another ally's, or by hand) are checked as their
        # fields would be: validated again from the document they stand for.
        for year, value in keyed.items():
            if value.__class__ is AllyYear:
                keyed[year] = _year_document(value)
    elif context.frees:
        years.clear()
    return keyed


_YEARS = {str(year): year for year in range(1900, 2101)}


def _year_document(record: AllyYear) -> dict[str, Any]:
    """A compact year record as the document of its fields (None for those not given)."""
    document: dict[str, Any] = record._asdict()
    document["shares"] = tuple(share._asdict() for share in record.shares)
    for part in YEAR_PARTS:
        value = document[part]
        if value is not None:
            document[part] = value._asdict()
    return document


def _reject_duplicates(what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what} {value!r}")
        seen.add(value)
