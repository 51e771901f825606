"""Reading a dataset file: size limit, strict UTF-8 JSON, then validation by the models."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spendcalc.errors import SpendcalcError

if TYPE_CHECKING:
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails

    from spendcalc.data.schema import Dataset

MAX_DATA_BYTES = 10 * 1024 * 1024
"""Datasets are untrusted input; the bundled one is about 0.5 MB, so 10 MB leaves room and fails fast.
Counted without whitespace (significant_bytes), so that the same data loads or not whether it is written
compact or indented (as `spendcalc dataset` writes it)."""

MAX_FILE_BYTES = 4 * MAX_DATA_BYTES
"""On disk, with its whitespace: room for any indentation of a dataset within MAX_DATA_BYTES; a file
beyond it is refused before it is read whole."""

_WHITESPACE = (b" ", b"\t", b"\n", b"\r")

BUNDLED = "allies.json"


def read_capped(path: Path, limit: int, kind: str) -> bytes:
    """A user's file (a dataset, a scenario): at most `limit` + 1 bytes, so that the caller can refuse a
    larger one without reading it all; a missing, unreadable or directory path is one clear line."""
    try:
        with path.open("rb") as handle:
            # Not read(limit + 1) alone: that sets aside the whole limit (40 MB for a dataset) first.
            size = os.fstat(handle.fileno()).st_size
            raw = handle.read(min(size, limit) + 1)
            if len(raw) > size:  # not a regular file, or one that grew: on to the limit
                raw += handle.read(limit + 1 - len(raw))
            return raw
    except FileNotFoundError:
        raise SpendcalcError(f"{path}: no such {kind}") from None
    except IsADirectoryError:
        raise SpendcalcError(f"{path}: is a directory, not a {kind}") from None
    except OSError as error:
        raise SpendcalcError(f"{path}: cannot read {kind} ({error.strerror or error})") from None


def load_dataset(path: Path | str | None = None) -> Dataset:
    """Load and validate a dataset; the bundled one when `path` is None."""
    if path is None:
        return assemble_trusted(json.loads(bundled_bytes()))
    path = Path(path)
    raw = read_capped(path, MAX_FILE_BYTES, "data file")
    if len(raw) > MAX_FILE_BYTES or significant_bytes(raw) > MAX_DATA_BYTES:
        raise SpendcalcError(
            f"{path}: data file is larger than the {MAX_DATA_BYTES // (1024 * 1024)} MB limit"
        )
    text = decode(raw, str(path))
    del raw  # the file's bytes are not kept while its objects and then its models are made
    document = parse_json(text, str(path))
    del text
    return validate_document(document, str(path))


def significant_bytes(raw: bytes) -> int:
    """The size without whitespace: the same for a document written compact or indented (the bytes of
    spaces inside strings are left out too, in both)."""
    return len(raw) - sum(raw.count(space) for space in _WHITESPACE)


def assemble_trusted(document: dict[str, Any]) -> Dataset:
    """Build a Dataset from a document known to be valid, without running validation.

    Only for the dataset shipped with spendcalc: scripts/build_data.py writes it, and the tests check
    that this gives exactly what full validation (parse_dataset) gives. Anything else goes through
    parse_dataset.
    """
    from datetime import date

    from spendcalc.data.schema import (
        Ally,
        AllyYear,
        Dataset,
        Edition,
        Fx,
        Gdp,
        GdpLcu,
        Group,
        Growth,
        NatoTable,
        Plan,
        Pledge,
        Population,
        Rate,
        Share,
        Source,
        Target,
    )

    # The records of the allies' years are compact tuples (records.AllyYear): made directly.
    parts: dict[str, Callable[[Any], Any]] = {
        "shares": lambda values: tuple(Share(**value) for value in values),
        "gdp": lambda value: Gdp(**value),
        "gdp_lcu": lambda value: GdpLcu(**value),
        "growth": lambda value: Growth(**value),
        "population": lambda value: Population(**value),
        "fx": lambda value: Fx(**value),
    }
    allies = []
    for ally in document["allies"]:
        years = {
            int(year): AllyYear(**{name: parts[name](value) for name, value in record.items()})
            for year, record in ally["years"].items()
        }
        allies.append(Ally.model_construct(**{**ally, "aliases": tuple(ally["aliases"]), "years": years}))
    return Dataset.model_construct(
        schema_version=document["schema_version"],
        editions=tuple(
            Edition.model_construct(**{**e, "published": date.fromisoformat(e["published"])})
            for e in document["editions"]
        ),
        sources=tuple(
            Source.model_construct(**{**s, "published": date.fromisoformat(s["published"])})
            for s in document["sources"]
        ),
        targets=tuple(
            Target.model_construct(**{**t, "agreed": date.fromisoformat(t["agreed"])})
            for t in document["targets"]
        ),
        eur_per_usd={
            int(year): Rate.model_construct(**rate) for year, rate in document["eur_per_usd"].items()
        },
        pledges=tuple(Pledge.model_construct(**p) for p in document["pledges"]),
        plans=tuple(Plan.model_construct(**p) for p in document.get("plans", ())),
        groups=tuple(
            Group.model_construct(**{**g, "members": tuple(g["members"])}) for g in document.get("groups", ())
        ),
        allies=tuple(allies),
        nato_tables=tuple(
            NatoTable.model_construct(
                **{
                    **t,
                    "estimate_years": tuple(t["estimate_years"]),
                    "values": {code: tuple(row) for code, row in t["values"].items()},
                }
            )
            for t in document["nato_tables"]
        ),
    ).selected()


def bundled_bytes() -> bytes:
    # Beside this module, where the wheel puts it: a path, not importlib.resources, whose import alone
    # took 5 ms of a command's start. A source checkout (editable install) keeps it at the root.
    here = Path(__file__).resolve().parent
    packaged = here / BUNDLED
    return (packaged if packaged.is_file() else here.parents[2] / "data" / BUNDLED).read_bytes()


def parse_dataset(raw: bytes, name: str) -> Dataset:
    """Validate a data file's bytes (`name` names it in messages)."""
    return validate_document(parse_json(decode(raw, name), name), name)


def decode(raw: bytes, name: str) -> str:
    if not raw.strip():
        raise SpendcalcError(f"{name}: data file is empty")
    if raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        raise SpendcalcError(f"{name}: data file starts with a byte-order mark; save it as UTF-8 without BOM")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SpendcalcError(f"{name}: not UTF-8 text (invalid byte at offset {error.start})") from None


_SURROGATE_ESCAPE = re.compile(
    r"(?<!\\)(?:\\\\)*\\u(?:[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|([dD][89a-fA-F]))"
)
"""An escape of a surrogate in JSON text (after an even number of backslashes): a pair, or (group 1) a
lone one."""


def parse_json(text: str, name: str) -> Any:
    """The file's one parse: strict JSON (no duplicate key at any depth, no NaN or Infinity), its objects
    dicts and its arrays tuples, as validation in strict Python mode takes them (see records.ParsedJson),
    its allies validated already where they are valid (see _AllyHook).

    A text with an escaped lone surrogate (\\uD800 to \\uDFFF not in a pair) is the one exception:
    json.loads lets it through, where pydantic's JSON parser refuses it; such a text is validated from
    the text as before (see validate_document), after this check for duplicate keys."""
    from spendcalc.collector import collector_paused

    hook = _AllyHook()
    try:
        with collector_paused():  # the document's objects, none in a cycle
            document = json.loads(text, object_pairs_hook=hook, parse_constant=_reject_constant)
            if not hook.in_place(document):
                del document
                hook.made.clear()
                document = json.loads(text, object_pairs_hook=_json_object, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise SpendcalcError(
            f"{name}: not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except _JsonContentError as error:
        raise SpendcalcError(f"{name}: {error}") from None
    except RecursionError:
        raise SpendcalcError(f"{name}: JSON is nested too deeply") from None
    except ValueError as error:  # an integer of more digits than Python converts
        raise SpendcalcError(f"{name}: not valid JSON: {error}") from None
    if ("\\ud" in text or "\\uD" in text) and any(
        match.group(1) for match in _SURROGATE_ESCAPE.finditer(text)
    ):
        return _Text(text)
    return document


class _Text(str):
    """A text validated from the text (see parse_json)."""


class _AllyHook:
    """The parser's hook for objects (_json_object) that also validates each ally as soon as its object
    is parsed, so that the file's objects are never all held at once: an ally's object (about 4x its
    text in dicts, strings and floats) becomes its compact Ally (about 2x) while the rest is parsed.

    An object that does not validate is kept as it is: validating the whole document then reports it
    exactly as before, at its place. An object that does is taken for an ally by its keys, not its place:
    `in_place` checks that every ally made is an element of the document's `allies`, else parse_json
    parses again without this hook (only a document with an ally's object in some other place)."""

    def __init__(self) -> None:
        from spendcalc.data.records import PARSED_ALLY
        from spendcalc.data.schema import Ally

        self.ally = Ally
        self.context = PARSED_ALLY
        self.made: list[object] = []

    def __call__(self, pairs: list[tuple[str, Any]]) -> Any:
        document = _json_object(pairs)
        if "years" not in document or "iso3" not in document:
            return document
        try:
            ally = self.ally.model_validate(document, strict=True, context=self.context)
        except Exception:  # whatever it is, validating the document reports it as before
            return document
        self.made.append(ally)
        return ally

    def in_place(self, document: Any) -> bool:
        if not self.made:
            return True
        allies = document.get("allies") if isinstance(document, dict) else None
        if not isinstance(allies, tuple):
            return False
        made = {id(ally) for ally in self.made}
        return sum(id(ally) in made for ally in allies) == len(made)


def validate_document(document: Any, name: str) -> Dataset:
    from pydantic import ValidationError

    from spendcalc.collector import collector_paused
    from spendcalc.data.records import PARSED_JSON
    from spendcalc.data.schema import Dataset

    try:
        with collector_paused():  # tens of thousands of records, none in a cycle
            if isinstance(document, _Text):
                return Dataset.model_validate_json(document, strict=True)
            return Dataset.model_validate(document, strict=True, context=PARSED_JSON)
    except ValidationError as error:
        if any(
            e["loc"] == ("schema_version",) and type(e.get("input")) is int and e.get("input") == 1
            for e in error.errors()
        ):
            raise SpendcalcError(
                f"{name}: schema version 1 (one share per ally-year, no editions); this spendcalc reads "
                "version 2: start from `spendcalc dataset`, which writes a version-2 file, and carry your "
                "changes into it"
            ) from None
        lines = validation_lines(error, parsed_json=not isinstance(document, _Text))
        raise SpendcalcError(f"{name}: invalid dataset ({len(lines)} problem(s))", tuple(lines)) from None


def _in_json_terms(item: ErrorDetails) -> ErrorDetails:
    """The error worded by pydantic as for JSON input: 'an object' for 'a valid dictionary', etc."""
    from pydantic_core import InitErrorDetails
    from pydantic_core import ValidationError as CoreError

    error: InitErrorDetails = {"type": item["type"], "loc": item["loc"], "input": item["input"]}
    if "ctx" in item:
        error["ctx"] = item["ctx"]
    worded = CoreError.from_exception_data("Dataset", [error], input_type="json").errors()[0]
    return {**item, "msg": worded["msg"]}


class _JsonContentError(ValueError):
    pass


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object: a dict, refused if a key is repeated; its arrays made tuples (strict validation
    takes no list for a tuple). Most objects hold no array: the test for one runs in C."""
    document = dict(pairs)
    if len(document) != len(pairs):
        _reject_duplicate_keys(pairs)
    if list in map(type, document.values()):
        for key, value in pairs:
            if value.__class__ is list:
                document[key] = tuple(value)
    return document


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> None:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _JsonContentError(f"duplicate key {key!r} in a JSON object")
        seen.add(key)


def _reject_constant(literal: str) -> Any:
    raise _JsonContentError(f"{literal} is not a number JSON allows")


_MESSAGES = {
    "less_than_equal": "must be ≤ {le}",
    "less_than": "must be < {lt}",
    "greater_than_equal": "must be ≥ {ge}",
    "greater_than": "must be > {gt}",
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
}


_YEAR_MAPS = ("years", "eur_per_usd")
"""Mappings keyed by year: their keys print as `.2024`, list positions as `[3]`."""
_LOCATED = re.compile(r"^[A-Za-z_][\w.\[\]-]*: ")


_BY_INPUT = frozenset(
    {"model_type", "dict_type", "dataclass_type", "model_attributes_type", "none_required"}
    | {"tuple_type", "list_type", "set_type", "frozen_set_type", "iterable_type"}
)
"""Errors whose wording names the input's type: in Python terms (a dictionary, a tuple, None) when a
document json.loads parsed is validated, in JSON's (an object, an array, null) when text is."""


def validation_lines(error: ValidationError, parsed_json: bool = False) -> list[str]:
    """One `loc: msg` line per invalid field, e.g. `allies[3].years.2024.share.pct: must be ≤ 100`.

    `parsed_json`: the error is of a document json.loads made (see parse_json); it is worded as pydantic
    words it for the JSON text."""
    lines = []
    for item in error.errors(include_url=False):
        if parsed_json and item["type"] in _BY_INPUT:
            item = _in_json_terms(item)
        location = ""
        previous: object = None
        for part in item["loc"]:
            if part == "[key]":
                continue  # the key itself is at fault; its location already ends with it
            is_index = isinstance(part, int) and previous not in _YEAR_MAPS
            location += f"[{part}]" if is_index and location else f".{part}" if location else str(part)
            previous = part
        template = _MESSAGES.get(item["type"])
        context = item.get("ctx") or {}
        shown = {k: f"{v:g}" if isinstance(v, (int, float)) else v for k, v in context.items()}
        message = template.format(**shown) if template else str(item["msg"])
        if message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        if not location and _LOCATED.match(message):
            # Cross-field checks name the field they are about in their own message.
            lines.append(message)
        else:
            lines.append(f"{location or '(top level)'}: {message}")
    return lines
