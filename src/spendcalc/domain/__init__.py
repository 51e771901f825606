"""Pure calculations over a loaded dataset: no I/O, no printing; frozen, unrounded results with their sources.

Reading order: `targets`, `countries`, `years` (what the user asked for) → `gaps` (one ally) → `groups` and
`comparison` (every ally, group totals) → `history`, `burden`, `gdp`, `trajectories`, `pledges`, `currency`.
"""
