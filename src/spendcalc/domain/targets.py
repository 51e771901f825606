"""Targets as people give them: 2, 2.5%, 2,5, an id such as hague-core, or a sweep 1:6:0.5."""

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from spendcalc.errors import UsageError

if TYPE_CHECKING:
    from spendcalc.data.schema import Target


DEFAULT_TARGETS = ("2", "2.5", "3.5", "5")


class TargetSpec(NamedTuple):
    """A target share of GDP, given as a number or by the id of a target in the dataset."""

    share_pct: float
    id: str | None = None
    label: str | None = None

    @property
    def name(self) -> str:
        return self.id or f"{format_pct(self.share_pct)}%"


def checked(spec: TargetSpec) -> TargetSpec:
    """A TargetSpec built in Python (not parsed) as a share of GDP: finite, above 0 and at most 100."""
    share = spec.share_pct
    if isinstance(share, bool) or not isinstance(share, (int, float)):
        raise UsageError(f"target {spec.name!r}: the share must be a number, not {type(share).__name__}")
    if not (math.isfinite(share) and 0 < share <= 100):
        raise UsageError(f"target {spec.name!r} must be a finite share above 0 and at most 100 (% of GDP)")
    return spec


def format_pct(value: float) -> str:
    """2.0 -> '2', 2.5 -> '2.5', 3.25 -> '3.25' (shortest exact form, for names and headers)."""
    return f"{value:.10g}"


def parse_pct(text: str) -> float:
    """A percentage as people write it: `2.5`, `2.5%`, `2,5` (comma decimals appear in real texts)."""
    return float(text.strip().removesuffix("%").strip().replace(",", "."))


def parse_target(text: str | float, known: "Sequence[Target]" = ()) -> TargetSpec:
    """Accept `2`, `2.5`, `2.5%`, `2,5`, a number, or a target id such as `hague-core`."""
    text = str(text)
    cleaned = text.strip()
    if cleaned.casefold() == "hague":
        raise UsageError(
            "target 'hague' (3.5% core + 1.5% related) is for `path`; here give hague-core or hague-5pct",
            "--target",
        )
    if cleaned.startswith("+"):
        raise UsageError(
            f"target {text!r} is a rise from a start share: it is for `path` (e.g. -t +1.5 --by 2028); "
            "here give a share of GDP",
            "--target",
        )
    if ":" in cleaned:
        raise UsageError(
            f"target {text!r}: a sweep START:STOP:STEP gives several targets; this needs one", "--target"
        )
    for target in known:
        if cleaned.casefold() == target.id:
            if target.of == "defence_expenditure":
                raise UsageError(
                    f"target {target.id!r} is a share of defence expenditure, not of GDP; "
                    "it cannot be compared with a share of GDP",
                    "--target",
                )
            if target.of == "related_spending":
                raise UsageError(
                    f"target {target.id!r} is defence-related spending, which NATO does not measure yet: "
                    "it cannot be compared with a defence share; plan it with `path -t hague`",
                    "--target",
                )
            return TargetSpec(target.share_pct, target.id, target.label)
    try:
        value = parse_pct(cleaned)
    except ValueError:
        ids = ", ".join(t.id for t in known if t.of == "gdp")
        hint = f" or a target id ({ids})" if ids else ""
        raise UsageError(
            f"target {text!r} is not a share of GDP: give a number such as 2.5{hint}", "--target"
        ) from None
    if not math.isfinite(value):
        raise UsageError(f"target {text!r} must be a finite number", "--target")
    if not 0 < value <= 100:
        raise UsageError(f"target {text!r} must be above 0 and at most 100 (% of GDP)", "--target")
    return TargetSpec(value)


MAX_SWEEP = 500
"""More targets than this in one command, sweeps and repeats counted together, is almost surely a typo
(a step of 0.001); it is also what keeps a command's work and output bounded."""


def expand_sweep(text: str, limit: int = MAX_SWEEP) -> list[str]:
    """`1:6:0.5` -> ['1', '1.5', ..., '6']: START to STOP inclusive, in steps of STEP (% of GDP)."""
    parts = [part.strip().removesuffix("%").replace(",", ".") for part in text.split(":")]
    try:
        start, stop, step = (Decimal(part) for part in parts)
    except (ValueError, ArithmeticError):
        raise UsageError(
            f"sweep {text!r}: give START:STOP:STEP as numbers, e.g. 1:6:0.5", "--target"
        ) from None
    if not all(v.is_finite() for v in (start, stop, step)) or step <= 0 or start > stop:
        raise UsageError(f"sweep {text!r}: needs START ≤ STOP and a STEP above 0, e.g. 1:6:0.5", "--target")
    try:
        steps = (stop - start) / step
    except ArithmeticError:  # a step so small that the count overflows
        steps = None
    # Compared as a Decimal: as an int, a count of 1e999990 takes minutes to convert and cannot be printed.
    if steps is None or steps >= limit:
        if limit == MAX_SWEEP:
            raise UsageError(f"sweep {text!r} gives more than {MAX_SWEEP} targets", "--target")
        raise UsageError(
            f"sweep {text!r} gives more than the {limit} targets left: at most {MAX_SWEEP} targets in all "
            "(sweeps and repeated targets count together)",
            "--target",
        )
    count = int(steps) + 1
    # Decimal steps, so that 0.1 steps land on 0.3 and not on 0.30000000000000004.
    return [str(start + step * i) for i in range(count)]


def parse_targets(
    texts: Iterable[str | float] | str | float | None, known: "Sequence[Target]" = ()
) -> tuple[TargetSpec, ...]:
    """Parse targets in the order given, expanding sweeps (`1:6:0.5`) and dropping repeats of the same
    share (`2` and `nato-2pct`; or two shares that differ only past the ten significant digits a target
    is named and shown with, which no column could tell apart). At most MAX_SWEEP targets are given in
    all, sweeps and repeats counted together. One string or number is one target (`"2.5"`, not '2', '.'
    and '5'); None means the default targets."""
    if texts is None:
        texts = DEFAULT_TARGETS
    elif isinstance(texts, (str, int, float)):
        texts = [texts]
    elif not isinstance(texts, Iterable):
        raise UsageError(
            f"targets must be a list of shares or ids such as ['2', '3.5'], not {type(texts).__name__}",
            "--target",
        )
    specs: list[TargetSpec] = []
    seen: set[str] = set()
    given_count = 0
    for given in texts:
        text = str(given)
        if ":" in text and text.count(":") != 2:
            raise UsageError(
                f"sweep {text!r}: a sweep START:STOP:STEP needs three parts, e.g. 1:6:0.5", "--target"
            )
        parts = expand_sweep(text, MAX_SWEEP - given_count) if text.count(":") == 2 else [text]
        given_count += len(parts)
        if given_count > MAX_SWEEP:
            raise UsageError(
                f"{given_count} targets given: at most {MAX_SWEEP} targets in all "
                "(sweeps and repeated targets count together)",
                "--target",
            )
        for part in parts:
            spec = parse_target(part, known)
            shown = format_pct(spec.share_pct)
            if shown not in seen:
                seen.add(shown)
                specs.append(spec)
    return tuple(specs)
