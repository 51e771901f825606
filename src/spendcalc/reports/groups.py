"""What every report with group rows says about them: who is in each group, and which gap is which."""

from spendcalc.data.schema import Dataset
from spendcalc.domain.groups import GroupSpec

GROUP_GAPS_NOTE = (
    "Group gaps: the net gap is the group's GDP × (target − its share, Σspending / ΣGDP), where members "
    "above the target offset those below; the shortfall is what lifting only the members below the target "
    "to it would cost, with no offsetting."
)


MEMBERSHIP_NOTE = (
    "A group counts a member in a year only once it has joined NATO (Finland 2023, Sweden 2024); Iceland, "
    "with no armed forces, adds its GDP but no spending, as in NATO's totals."
)
PATH_MEMBERSHIP_NOTE = (
    "A group counts a member in a year only once it has joined NATO (Finland 2023, Sweden 2024). Iceland, "
    "with no armed forces, has no path, no spending and no target, but its GDP counts in the group's GDP "
    "and share, as in NATO's totals: a group with Iceland stays a little below a target its other members "
    "all meet, and its net gap and shortfall are to those members' targets."
)


def group_note(dataset: Dataset, group: GroupSpec) -> str:
    """'Baltic states (group baltic, source ...): Estonia, Latvia, Lithuania.'"""
    names = {a.iso3: a.name for a in dataset.allies}
    members = ", ".join(names.get(m, m) for m in group.members)
    if group.user_defined:
        return f"{group.name} (given on the command line): {members}."
    where = f", source {group.url}" if group.url else ""
    return f"{group.name} (group {group.id}{where}): {members}."
