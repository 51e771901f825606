"""What a scenario is: for every ally, a rule for its share of GDP, year by year, to a horizon."""

from enum import Enum
from typing import NamedTuple

from spendcalc.choices import Baseline
from spendcalc.data.schema import Ally, Plan
from spendcalc.domain.targets import TargetSpec, format_pct
from spendcalc.domain.trajectories import RelativeTarget

DEFAULT_HORIZON = 2035


class RuleShape(str, Enum):
    """How a share moves between milestones: path's three shapes, or a step."""

    LINEAR = "linear"
    FRONT = "front"
    BACK = "back"
    STEP = "step"
    """The share stays where it was until the milestone year, then is at the target."""

    def __str__(self) -> str:
        return str(self.value)


class Step(NamedTuple):
    """A milestone of a rule: a share of GDP (or a rise from the start share) to reach by a year. A year
    of None is the year after the start: "at least 2% from the start year"."""

    target: TargetSpec | RelativeTarget
    year: int | None

    def describe(self) -> str:
        if isinstance(self.target, RelativeTarget):
            what = f"{self.target.name} of GDP"
        else:
            what = f"{format_pct(self.target.share_pct)}% of GDP"
            if self.target.id:
                what += f" ({self.target.id})"
        return f"{what} from the start" if self.year is None else f"{what} by {self.year}"


class Rule(NamedTuple):
    """What one ally's share does: through each step in turn (each a floor: an ally above it keeps its
    share), then holds; with no steps it keeps its start share."""

    steps: tuple[Step, ...] = ()
    shape: RuleShape = RuleShape.LINEAR
    plans: tuple[Plan, ...] = ()
    """For national plans: the announcements the steps come from, one per step."""

    def describe(self) -> str:
        if not self.steps:
            return "keeps its share of GDP"
        steps = ", then ".join(step.describe() for step in self.steps)
        return f"at least {steps} ({self.shape.value})"


KEEP = Rule()


class Scenario(NamedTuple):
    id: str
    title: str
    description: str
    default: Rule
    """The rule of every ally without one of its own."""
    rules: tuple[tuple[str, Rule], ...] = ()
    """ISO3 and rule, for allies with a rule of their own."""
    horizon: int = DEFAULT_HORIZON
    related: Step | None = None
    """The Hague's defence-related slice, planned from 0 (NATO does not measure it yet) to this step, for
    every ally with armed forces, shown apart and never offsetting core defence."""
    baseline: Baseline = Baseline.FLAT_SHARE
    start_year: int | None = None
    """None: the latest year in which every ally has a share."""
    origin: str = "built-in"
    """'built-in', or the file the scenario was read from."""
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Groups the scenario's file defines (name, ISO3 members), usable as --group."""

    def rule_for(self, ally: Ally) -> Rule:
        return next((rule for iso3, rule in self.rules if iso3 == ally.iso3), self.default)

    @property
    def uses_national_measures(self) -> bool:
        return any(not plan.nato_definition for _, rule in self.rules for plan in rule.plans)
