"""A scenario file (TOML): pydantic models that validate it strictly, and whose JSON Schema
`spendcalc scenario schema` prints. Countries, groups and target ids are checked against the dataset
afterwards (`spendcalc.domain.scenarios.files`), each problem with its place in the file."""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FileYear = Annotated[int, Field(ge=1901, le=2100)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
TargetText = Annotated[
    float | str,
    Field(
        description="A share of GDP (3.5, or '3.5'), a rise in points from the start share ('+1.5'), or a "
        "target id of the dataset ('hague-core')"
    ),
]
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    @field_validator("*")
    @classmethod
    def _printable(cls, value: object) -> object:
        if isinstance(value, str) and _UNPRINTABLE.search(value):
            raise ValueError("contains a control or bidi character")
        return value


class MilestoneEntry(Entry):
    """A target to reach by a year."""

    target: TargetText
    by: FileYear

    @field_validator("target")
    @classmethod
    def _number_is_a_share(cls, value: float | str) -> float | str:
        if isinstance(value, float) and not 0 < value <= 100:
            raise ValueError("a share of GDP must be above 0 and at most 100")
        return value

    @field_validator("target", mode="before")
    @classmethod
    def _int_is_a_float(cls, value: object) -> object:
        return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


class RuleBody(Entry):
    """What a share does: one target by a year (`target`, `by`), or several milestones in order; with
    neither, the ally keeps its share."""

    target: TargetText | None = None
    by: FileYear | None = None
    milestones: list[MilestoneEntry] | None = Field(default=None, min_length=1)
    shape: Literal["linear", "front", "back", "step"] = "linear"
    note: Text | None = None

    @field_validator("target", mode="before")
    @classmethod
    def _int_is_a_float(cls, value: object) -> object:
        return float(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("target")
    @classmethod
    def _number_is_a_share(cls, value: float | str | None) -> float | str | None:
        if isinstance(value, float) and not 0 < value <= 100:
            raise ValueError("a share of GDP must be above 0 and at most 100")
        return value

    @model_validator(mode="after")
    def _one_way(self) -> RuleBody:
        if self.milestones is not None and (self.target is not None or self.by is not None):
            raise ValueError("give either target and by, or milestones, not both")
        if (self.target is None) != (self.by is None):
            raise ValueError("target and by go together: give both")
        if self.milestones:
            years = [m.by for m in self.milestones]
            for before, after in pairwise(years):
                if after <= before:
                    raise ValueError(f"milestones must be in order of year: {after} comes after {before}")
        return self

    def steps(self) -> list[MilestoneEntry]:
        if self.milestones is not None:
            return list(self.milestones)
        if self.target is not None and self.by is not None:
            return [MilestoneEntry(target=self.target, by=self.by)]
        return []


class RuleEntry(RuleBody):
    """A rule for some allies: `allies` (codes or names) or `group` (an id of the dataset, a group of the
    file's [groups], or NAME=ISO3,...). A later rule overrides an earlier one for the same ally."""

    allies: list[Text] | None = Field(default=None, min_length=1)
    group: Text | None = None

    @model_validator(mode="after")
    def _who(self) -> RuleEntry:
        if (self.allies is None) == (self.group is None):
            raise ValueError("give either allies or group")
        return self


class ScenarioFile(Entry):
    """A scenario: a rule for every ally, year by year, to a horizon."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9\-]*$", max_length=60)] | None = None
    title: Text | None = None
    description: Text | None = None
    start: FileYear | None = None
    """The start year; default: the latest in which every ally has a share."""
    horizon: FileYear = 2035
    baseline: Literal["flat-share", "flat-cash"] = "flat-share"
    related: MilestoneEntry | None = None
    """The Hague's defence-related slice, planned from 0 to this target for every ally, shown apart."""
    groups: dict[Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")], list[Text] | Text] = Field(
        default_factory=dict
    )
    """Groups of this file: a list of countries, or 'ISO3,ISO3,...'."""
    default: RuleBody = Field(default_factory=RuleBody)
    """The rule of every ally no rule names; default: it keeps its share."""
    rules: list[RuleEntry] = Field(default_factory=list)
