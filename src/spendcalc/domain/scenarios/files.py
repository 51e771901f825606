"""Scenario files: TOML, validated by `spendcalc.data.scenario_file`, then read against the dataset
(countries, groups, target ids), every problem one `place: message` line."""

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from spendcalc.choices import Baseline
from spendcalc.data.schema import Dataset
from spendcalc.domain.groups import parse_group
from spendcalc.domain.scenarios.model import KEEP, Rule, RuleShape, Scenario, Step
from spendcalc.domain.targets import TargetSpec, parse_pct
from spendcalc.domain.trajectories import hague_parts, parse_path_target
from spendcalc.domain.years import default_year
from spendcalc.errors import SpendcalcError

if TYPE_CHECKING:  # the file's models are imported only when a file is read: built-ins start faster
    from spendcalc.data.scenario_file import MilestoneEntry, RuleBody, ScenarioFile

MAX_FILE_BYTES = 1_000_000
"""A scenario file is a few dozen lines; anything this large is not one."""


def is_scenario_file(text: str) -> bool:
    """Whether `scenario run NAME|FILE` was given a file: a name ending in .toml, or a path that exists."""
    return text.casefold().endswith(".toml") or "/" in text or Path(text).is_file()


def load_scenario(dataset: Dataset, path: Path | str) -> Scenario:
    from spendcalc.data.load import read_capped

    path = Path(path)
    raw = read_capped(path, MAX_FILE_BYTES, "scenario file")
    if len(raw) > MAX_FILE_BYTES:
        raise SpendcalcError(f"{path}: larger than {MAX_FILE_BYTES:,} bytes; not a scenario file")
    return parse_scenario(dataset, raw, str(path), path.stem)


def parse_scenario(dataset: Dataset, raw: bytes, name: str, default_id: str = "scenario") -> Scenario:
    """A scenario from the bytes of a TOML file; `name` is how errors name it."""
    from pydantic import ValidationError

    from spendcalc.data.load import validation_lines
    from spendcalc.data.scenario_file import ScenarioFile

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SpendcalcError(f"{name}: not UTF-8 text (invalid byte at offset {error.start})") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SpendcalcError(f"{name}: not valid TOML: {error}") from None
    try:
        model = ScenarioFile.model_validate(document)
    except ValidationError as error:
        lines = validation_lines(error)
        raise SpendcalcError(f"{name}: invalid scenario ({len(lines)} problem(s))", tuple(lines)) from None
    problems: list[str] = []
    scenario = _read(dataset, model, name, default_id, problems)
    if problems:
        raise SpendcalcError(f"{name}: invalid scenario ({len(problems)} problem(s))", tuple(problems))
    return scenario


def _read(
    dataset: Dataset, model: "ScenarioFile", name: str, default_id: str, problems: list[str]
) -> Scenario:
    from spendcalc.domain.countries import resolve_country

    groups: dict[str, tuple[str, ...]] = {}
    for group, listed in model.groups.items():
        names = [m.strip() for m in listed.split(",")] if isinstance(listed, str) else listed
        found: list[str] = []
        for index, member in enumerate(names):
            where = f"groups.{group}" + (f"[{index}]" if not isinstance(listed, str) else "")
            try:
                iso3 = resolve_country(dataset, member).iso3
            except SpendcalcError as error:
                problems.append(f"{where}: {error.message}")
                continue
            if iso3 in found:
                problems.append(f"{where}: {member!r} is listed twice")
            found.append(iso3)
        groups[group] = tuple(found)
    start = model.start if model.start is not None else default_year(dataset)
    if not start < model.horizon:
        problems.append(f"horizon: {model.horizon} must be after the start year {start}")
    default = _rule(dataset, model.default, "default", start, problems)
    rules: dict[str, Rule] = {}
    for index, entry in enumerate(model.rules):
        where = f"rules[{index}]"
        rule = _rule(dataset, entry, where, start, problems)
        members: Sequence[str] = ()
        if entry.group is not None:
            if entry.group in groups:
                members = groups[entry.group]
            else:
                try:
                    members = parse_group(dataset, entry.group).members
                except SpendcalcError as error:
                    problems.append(f"{where}.group: {error.message}")
        for position, text in enumerate(entry.allies or ()):
            try:
                members = [*members, resolve_country(dataset, text).iso3]
            except SpendcalcError as error:
                problems.append(f"{where}.allies[{position}]: {error.message}")
        for iso3 in members:
            rules.pop(iso3, None)  # a later rule overrides an earlier one for the same ally
            rules[iso3] = rule
    related = None
    if model.related is not None:
        related_steps = _steps(dataset, [model.related], "related", start, problems, related=True)
        related = related_steps[0] if related_steps else None
    order = {ally.iso3: i for i, ally in enumerate(dataset.allies)}
    return Scenario(
        model.id or _slug(default_id),
        model.title or model.id or default_id,
        model.description or "A scenario read from " + name + ".",
        default,
        tuple(sorted(rules.items(), key=lambda item: order[item[0]])),
        horizon=model.horizon,
        related=related,
        baseline=Baseline(model.baseline),
        start_year=model.start,
        origin=name,
        groups=tuple(groups.items()),
    )


def _slug(text: str) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in text.casefold()).strip("-")
    return slug or "scenario"


def _rule(dataset: Dataset, body: "RuleBody", where: str, start: int, problems: list[str]) -> Rule:
    entries = body.steps()
    if not entries:
        return KEEP
    steps = _steps(dataset, entries, where, start, problems, single=body.milestones is None)
    return Rule(tuple(steps), shape=RuleShape(body.shape))


def _steps(
    dataset: Dataset,
    entries: "Sequence[MilestoneEntry]",
    where: str,
    start: int,
    problems: list[str],
    single: bool = False,
    related: bool = False,
) -> list[Step]:
    steps = []
    for index, entry in enumerate(entries):
        place = where if single or related else f"{where}.milestones[{index}]"
        if entry.by <= start:
            problems.append(f"{place}.by: {entry.by} must be after the start year {start}")
        if related:
            target = _related_target(dataset, entry.target)
            if target is None:
                problems.append(f"{place}.target: {entry.target!r}: give a share of GDP or hague-related")
                continue
            steps.append(Step(target, entry.by))
            continue
        text = f"{entry.target:g}" if isinstance(entry.target, float) else entry.target
        try:
            steps.append(Step(parse_path_target(text, dataset.targets), entry.by))
        except SpendcalcError as error:
            problems.append(f"{place}.target: {error.message}")
    return steps


def _related_target(dataset: Dataset, value: float | str) -> TargetSpec | None:
    if isinstance(value, float):
        return TargetSpec(value)
    if value.strip().casefold() == "hague-related":
        return hague_parts(dataset)[1]
    try:
        pct = parse_pct(value)
    except ValueError:
        return None
    return TargetSpec(pct) if 0 < pct <= 100 else None
