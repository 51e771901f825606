"""A data file is parsed once (issue 12), and loads or is refused exactly as when it was parsed twice.

The loader used to check the text with json.loads (duplicate keys, NaN) and then validate the text again with
pydantic's strict JSON mode. It now validates json.loads' document in strict Python mode
(records.ParsedJson). `_two_parses` below is that former loader, kept as the reference: every document of
the tiny dataset with one value, key or field changed must give the same Dataset or the same messages.
"""

from __future__ import annotations

import copy
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from pydantic import ValidationError

from spendcalc.data import load as loader
from spendcalc.data.schema import Dataset, Gdp, Population
from spendcalc.errors import SpendcalcError

Outcome = tuple[str, Any]

REPLACEMENTS: tuple[Any, ...] = (
    *(None, True, False, 0, -1, 2024, 1.5, -0.0, 1e308, 10**30),
    *("", "x", "ALP", "2024-01-02", "2024-13-01", "2024-01-02T00:00:00", "20240102"),
    *([], [1], ["x"], [[]], [{}], {}, {"x": 1}, {"2024": {}}),
)


def _two_parses(raw: bytes, name: str) -> Dataset:
    """The loader before issue 12 (the same messages for the bytes, JSON and validation)."""
    text = loader.decode(raw, name)
    try:
        json.loads(text, object_pairs_hook=_check_keys, parse_constant=loader._reject_constant)
    except json.JSONDecodeError as error:
        raise SpendcalcError(
            f"{name}: not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except loader._JsonContentError as error:
        raise SpendcalcError(f"{name}: {error}") from None
    except RecursionError:
        raise SpendcalcError(f"{name}: JSON is nested too deeply") from None
    try:
        return Dataset.model_validate_json(text, strict=True)
    except ValidationError as error:
        lines = loader.validation_lines(error)
        raise SpendcalcError(f"{name}: invalid dataset ({len(lines)} problem(s))", tuple(lines)) from None


def _check_keys(pairs: list[tuple[str, Any]]) -> None:
    loader._reject_duplicate_keys(pairs)


def _outcome(parse: Any, raw: bytes) -> Outcome:
    try:
        dataset = parse(raw, "x.json")
    except SpendcalcError as error:
        return "refused", (error.message, error.details)
    return "loaded", dataset.model_dump()


def _variants(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(path, changer) for every value of the document: replace it, or drop or add a key."""
    for value in REPLACEMENTS:
        yield path, ("replace", value)
    if isinstance(node, dict):
        yield path, ("add", "unknown_field")
        for key in list(node):
            yield path, ("drop", key)
            if key.isdigit():
                for spelling in ("02024", " 2024", "1800", "year"):
                    yield path, ("rename", key, spelling)
            yield from _variants(node[key], (*path, key))
    elif isinstance(node, list):
        yield path, ("add", None)
        for index, item in enumerate(node):
            yield from _variants(item, (*path, index))


def _changed(document: dict[str, Any], path: tuple[Any, ...], change: tuple[Any, ...]) -> Any:
    document = copy.deepcopy(document)
    if not path and change[0] == "replace":
        return change[1]
    parent: Any = document
    for part in path[:-1]:
        parent = parent[part]
    target = parent[path[-1]] if path else document
    kind = change[0]
    if kind == "replace":
        parent[path[-1]] = change[1]
    elif kind == "add":
        if isinstance(target, dict):
            target[change[1]] = 1
        else:
            target.append(change[1])
    elif kind == "drop":
        del target[change[1]]
    else:
        target[change[2]] = target.pop(change[1])
    return document


def test_every_one_change_of_a_dataset_is_treated_as_with_two_parses(
    tiny_dataset_dict: dict[str, Any],
) -> None:
    seen = {"loaded": 0, "refused": 0}
    for path, change in _variants(tiny_dataset_dict):
        raw = json.dumps(_changed(tiny_dataset_dict, path, change), ensure_ascii=False).encode()
        expected = _outcome(_two_parses, raw)
        if change == ("replace", 10**30) and "Input should be a valid number" in str(expected):
            # pydantic-core 2.18 (pydantic 2.7, the lowest allowed) reads a JSON integer beyond 64
            # bits as no number; later ones, and json.loads, read it as the integer it is, which a float
            # field takes. The one parse then answers as the text does with the latest pydantic.
            as_float = _changed(tiny_dataset_dict, path, ("replace", float(10**30)))
            expected = _outcome(_two_parses, json.dumps(as_float, ensure_ascii=False).encode())
        assert _outcome(loader.parse_dataset, raw) == expected, (path, change)
        seen[expected[0]] += 1
    # Both kinds are exercised, many times (a note replaced by text loads; a share replaced by text does not).
    assert seen["loaded"] > 50
    assert seen["refused"] > 1000


@pytest.mark.parametrize(
    "text",
    [
        '"\\ud800"',  # a lone surrogate: pydantic's parser refuses it
        '"\\udc00 x"',
        '"\\ud83d\\ude00"',  # a pair: an emoji, fine
        '"\\\\ud800"',  # an escaped backslash, then text
        '"\\\\ud83d\\ude00"',  # text, then a lone surrogate
        '"\\\\\\ud83d\\ude00"',  # a backslash, then a pair
        '"\\ude00\\ud83d"',  # a pair the wrong way round
        '"a\\u0000b"',
        "1e400",
        "-1e400",
        "123456789012345678901234567890",
        "[" * 150 + "]" * 150,
    ],
)
@pytest.mark.parametrize("field", [("allies", 0, "name"), ("allies", 0, "years", "2024", "gdp", "usd_bn")])
def test_json_edge_values_are_treated_as_with_two_parses(
    tiny_dataset_dict: dict[str, Any], field: tuple[Any, ...], text: str
) -> None:
    marker = "__REPLACED__"
    document = _changed(tiny_dataset_dict, field, ("replace", marker))
    raw = json.dumps(document, ensure_ascii=False).replace(f'"{marker}"', text).encode()
    assert _outcome(loader.parse_dataset, raw) == _outcome(_two_parses, raw)


def test_a_file_is_parsed_once(tmp_path: Path, tiny_dataset_dict: dict[str, Any]) -> None:
    """json.loads once, and pydantic's JSON parser never (it validates the parsed document); also with
    escaped characters beyond the BMP (surrogate pairs), as json.dumps writes them by default."""
    tiny_dataset_dict["allies"][0]["name"] = "Alphaland \U0001f600"
    path = tmp_path / "data.json"
    path.write_text(json.dumps(tiny_dataset_dict), encoding="ascii")
    assert "\\ud83d\\ude00" in path.read_text(encoding="ascii")
    with (
        mock.patch("spendcalc.data.load.json.loads", wraps=json.loads) as loads,
        mock.patch.object(Dataset, "model_validate_json", side_effect=AssertionError("a second parse")),
    ):
        dataset = loader.load_dataset(path)
    assert loads.call_count == 1
    assert dataset.allies[0].name == "Alphaland \U0001f600"
    assert dataset == _two_parses(path.read_bytes(), "x")


@pytest.mark.parametrize("text", ["[" * 300 + "]" * 300, '{"a": ' * 300 + "1" + "}" * 300])
def test_nesting_deeper_than_pydantics_parser_allows_is_refused_by_the_schema(
    tiny_dataset_dict: dict[str, Any], text: str
) -> None:
    """Pydantic's JSON parser stopped at 200 levels ('recursion limit exceeded at line 1 column 1243');
    json.loads goes to Python's recursion limit (then 'JSON is nested too deeply', test_loader), and
    the schema says what is wrong with the value."""
    tiny_dataset_dict["allies"][0]["name"] = "__REPLACED__"
    raw = json.dumps(tiny_dataset_dict).replace('"__REPLACED__"', text).encode()
    assert "recursion limit" in str(_outcome(_two_parses, raw))
    assert _outcome(loader.parse_dataset, raw) == (
        "refused",
        ("x.json: invalid dataset (1 problem(s))", ("allies[0].name: Input should be a valid string",)),
    )


# --- memory: compact records, what a loaded dataset shares, and the document it lets go -----------------


def _records(dataset: Dataset) -> list[Any]:
    return [
        model
        for ally in dataset.allies
        for record in ally.years.values()
        for model in (record, *record.shares, record.gdp, record.population)
        if model is not None
    ]


def test_records_are_compact_and_share_their_texts(
    write_dataset: Any, tiny_dataset_dict: dict[str, Any]
) -> None:
    dataset = loader.load_dataset(write_dataset(tiny_dataset_dict))
    records = _records(dataset)
    assert len(records) > 10
    # Compact: tuples without a dict of their own, immutable (no set of fields set either).
    assert all(isinstance(m, tuple) and not hasattr(m, "__dict__") for m in records)
    share = dataset.allies[0].years[2024].shares[0]
    with pytest.raises(AttributeError):
        share.pct = 0.0  # type: ignore[misc]
    sources = [model.source for model in records if isinstance(model, (Gdp, Population))]
    assert len(sources) > 3
    assert len({id(text) for text in sources}) == len(set(sources))  # one string per distinct text
    years = [year for ally in dataset.allies for year in ally.years]
    assert len({id(year) for year in years}) == len(set(years))
    # What validation from the text gives: equal records, the same dump (unset fields are dumped too: a
    # compact record holds no set of the fields given; nothing in spendcalc dumps without them).
    raw = json.dumps(tiny_dataset_dict).encode()
    reference = _two_parses(raw, "x")
    assert records == _records(reference)
    assert dataset.model_dump_json() == reference.model_dump_json()
    assert dataset.model_dump() == reference.model_dump()


def test_compact_records_compare_as_models_did(write_dataset: Any, tiny_dataset_dict: dict[str, Any]) -> None:
    """Equal when of the same type with equal fields, as pydantic models are; never equal to a plain tuple
    or to another kind of record of the same values; hashable, picklable, copyable."""
    import pickle

    from spendcalc.data.schema import Fx, Rate, Share

    dataset = loader.load_dataset(write_dataset(tiny_dataset_dict))
    record = dataset.allies[0].years[2024]
    share = record.shares[0]
    same = Share(*share)
    assert share == same and (share != same) is False and hash(share) == hash(same)
    assert share != tuple(share) and tuple(share) != share
    assert share._replace(note="changed") != share and share.note != "changed"
    fx = Fx(1.5, "src", "EUR")
    rate: object = Rate(per_usd=1.5, source="src")  # a model, of the same figures as fx's but its currency
    assert fx != rate and fx != (1.5, "src", "EUR")
    assert pickle.loads(pickle.dumps(record)) == record and copy.deepcopy(record) == record
    assert pickle.loads(pickle.dumps(dataset)) == dataset
    assert {share: 1}[same] == 1
    # Every kind alike: equal to its copy only, hashed as it.
    from spendcalc.data.records import COMPACT

    class Other(tuple[Any, ...]):
        pass

    for kind, _ in COMPACT:
        values = [f"v{i}" for i in range(len(kind._fields))]
        one: Any = kind._make(values)
        assert one == kind._make(values) and (one != kind._make(values)) is False
        assert hash(one) == hash(kind._make(values))
        assert one != tuple(values) and one != Other(values) and one != values


def test_compact_records_made_in_python_are_validated_again(
    write_dataset: Any, tiny_dataset_dict: dict[str, Any]
) -> None:
    """An ally built in Python from another's year records (or records made by hand) is validated as
    the document of their fields: the same ally when they are valid, refused at the field when not;
    a record compares with anything but a tuple as that thing says (mock.ANY); a dump's include reaches
    into a record."""
    from spendcalc.data.schema import Ally

    dataset = loader.load_dataset(write_dataset(tiny_dataset_dict))
    ally = dataset.allies[0]
    fields = {name: getattr(ally, name) for name in Ally.model_fields}
    assert Ally(**fields).years == ally.years
    assert Ally.model_validate({**fields, "years": dict(ally.years)}).years == ally.years
    record = ally.years[2024]
    assert record.gdp is not None
    bad = record._replace(gdp=record.gdp._replace(usd_bn=-5.0))
    with pytest.raises(ValidationError) as refused:
        Ally(**{**fields, "years": {2024: bad}})
    assert [e["loc"] for e in refused.value.errors()] == [("years", 2024, "gdp", "usd_bn")]
    assert record == mock.ANY and (record != mock.ANY) is False and {"r": record} == {"r": mock.ANY}
    dumped = ally.model_dump(include={"years": {2024: {"gdp": {"usd_bn"}}}})
    assert dumped == {"years": {2024: {"gdp": {"usd_bn": record.gdp.usd_bn}}}}


def test_compact_records_have_the_fields_of_their_models() -> None:
    """Each compact record is validated by its model and made from its fields in order: the same names
    and defaults, the model named as the record (the JSON Schema's $defs, pydantic's messages)."""
    from spendcalc.data.records import COMPACT

    for record, model in COMPACT:
        assert record._fields == tuple(model.model_fields)
        assert model.__name__ == record.__name__
        defaults = {name: f.default for name, f in model.model_fields.items() if not f.is_required()}
        assert record._field_defaults == defaults


def test_the_loader_lets_go_of_the_years_it_validated_but_not_of_a_callers(
    tiny_dataset_dict: dict[str, Any],
) -> None:
    from spendcalc.data.records import PARSED_JSON

    document = json.loads(json.dumps(tiny_dataset_dict), object_pairs_hook=loader._json_object)
    Dataset.model_validate(document, strict=True, context=PARSED_JSON)
    assert all(ally["years"] == {} for ally in document["allies"])  # freed as each ally was validated
    mine = copy.deepcopy(tiny_dataset_dict)
    Dataset.model_validate(mine)
    assert mine == tiny_dataset_dict  # an API caller's own data is left alone


# --- reading: no buffer the size of the limit ------------------------------------------------------------


def test_a_file_is_read_at_its_size_and_on_to_the_limit_if_it_grew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.json"
    path.write_bytes(b"x" * 100)
    assert loader.read_capped(path, 1000, "data file") == b"x" * 100
    assert loader.read_capped(path, 100, "data file") == b"x" * 100
    assert loader.read_capped(path, 99, "data file") == b"x" * 100  # limit + 1: the caller refuses it
    real_fstat = os.fstat
    reading = [-1]

    class Stat:
        st_size = 10  # as if it grew after fstat, or a pipe's 0

    monkeypatch.setattr(os, "fstat", lambda fd: Stat() if fd == reading[0] else real_fstat(fd))
    real_open = Path.open

    def open_(self: Path, *args: Any, **kwargs: Any) -> Any:
        handle = real_open(self, *args, **kwargs)
        reading[0] = handle.fileno()
        return handle

    monkeypatch.setattr(Path, "open", open_)
    assert loader.read_capped(path, 1000, "data file") == b"x" * 100
    assert loader.read_capped(path, 50, "data file") == b"x" * 51


def test_an_integer_of_more_digits_than_python_reads_is_refused_cleanly(
    tmp_path: Path, tiny_dataset_dict: dict[str, Any]
) -> None:
    """json.loads raises a plain ValueError past Python's limit on digits (the former loader let it out
    as a traceback); where Python has no such limit, the schema refuses the number."""
    text = json.dumps(tiny_dataset_dict).replace('"pct": 1.5,', '"pct": ' + "9" * 5000 + ",", 1)
    path = tmp_path / "digits.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpendcalcError) as error:
        loader.load_dataset(path)
    if hasattr(sys, "get_int_max_str_digits") and sys.get_int_max_str_digits():
        assert error.value.message.startswith(f"{path}: not valid JSON: Exceeds the limit")
    else:
        assert "invalid dataset" in error.value.message


def test_the_texts_remembered_are_bounded(
    monkeypatch: pytest.MonkeyPatch, write_dataset: Any, tiny_dataset_dict: dict[str, Any]
) -> None:
    from spendcalc.data import records

    monkeypatch.setattr(records, "_CHECKED", {})
    monkeypatch.setattr(records, "_CHECKED_COUNT", 3)
    dataset = loader.load_dataset(write_dataset(tiny_dataset_dict))
    assert 0 < len(records._CHECKED) <= 3
    assert dataset == _two_parses(json.dumps(tiny_dataset_dict).encode(), "x")
    assert all(len(text) <= records._CHECKED_LENGTH for text in records._CHECKED)


# --- each ally validated as soon as its object is parsed --------------------------------------------------


def test_allies_are_validated_while_the_file_is_parsed(tiny_dataset_dict: dict[str, Any]) -> None:
    """The parsed document holds the allies already validated (their objects let go at once), with the
    rest as parsed; the dataset is the one validation from the text gives."""
    from spendcalc.data.schema import Ally

    raw = json.dumps(tiny_dataset_dict).encode()
    document = loader.parse_json(loader.decode(raw, "x"), "x")
    assert [type(ally) for ally in document["allies"]] == [Ally] * len(tiny_dataset_dict["allies"])
    assert isinstance(document["editions"][0], dict)
    assert loader.validate_document(document, "x") == _two_parses(raw, "x")


def test_an_ally_that_does_not_validate_is_kept_as_parsed(tiny_dataset_dict: dict[str, Any]) -> None:
    tiny_dataset_dict["allies"][1]["years"]["2024"]["gdp"]["usd_bn"] = -1
    raw = json.dumps(tiny_dataset_dict).encode()
    document = loader.parse_json(loader.decode(raw, "x"), "x")
    allies = document["allies"]
    assert isinstance(allies[1], dict) and set(allies[1]["years"]) == set(
        tiny_dataset_dict["allies"][1]["years"]
    )
    assert not isinstance(allies[0], dict)
    assert _outcome(loader.parse_dataset, raw) == _outcome(_two_parses, raw)


@pytest.mark.parametrize(
    "place",
    ["root", "in a list", "target", "extra field", "inside an ally", "gdp", "aliases"],
)
def test_an_allys_object_elsewhere_is_treated_as_with_two_parses(
    tiny_dataset_dict: dict[str, Any], place: str
) -> None:
    """An object that validates as an ally is taken for one by its keys while parsing; in any other place
    than the allies, the file is parsed again without that (and treated exactly as before)."""
    ally = copy.deepcopy(tiny_dataset_dict["allies"][0])
    document: Any = tiny_dataset_dict
    if place == "root":
        document = ally
    elif place == "in a list":
        document = [ally]
    elif place == "target":
        document["targets"][0] = ally
    elif place == "extra field":
        document["extra"] = ally
    elif place == "inside an ally":
        document["allies"][1]["extra"] = ally
    elif place == "gdp":
        document["allies"][1]["years"]["2024"]["gdp"] = ally
    else:
        document["allies"][1]["aliases"] = [ally]
    raw = json.dumps(document).encode()
    with mock.patch("spendcalc.data.load.json.loads", wraps=json.loads) as loads:
        outcome = _outcome(loader.parse_dataset, raw)
    assert loads.call_count == 2
    assert outcome == _outcome(_two_parses, raw)
    assert outcome[0] == "refused"


def test_a_failure_of_any_kind_while_validating_an_ally_early_is_left_to_the_whole_validation(
    tiny_dataset_dict: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = json.dumps(tiny_dataset_dict).encode()
    hook = loader._AllyHook()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise TypeError("not a validation error")

    monkeypatch.setattr(hook, "ally", mock.Mock(model_validate=broken))
    document = json.loads(raw, object_pairs_hook=hook)
    assert all(isinstance(ally, dict) for ally in document["allies"]) and hook.made == []
    assert loader.validate_document(document, "x") == _two_parses(raw, "x")
