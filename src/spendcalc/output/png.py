"""The chart as a PNG image, with matplotlib from the optional `plot` extra.

Imported only by `chart --png`, so that no other command pays for matplotlib.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from spendcalc.domain.comparison import Comparison
from spendcalc.domain.targets import format_pct
from spendcalc.errors import SpendcalcError

INSTALL_HINT = (
    "--png needs matplotlib: pip install matplotlib (in a clone: pip install '.[plot]'; "
    "an installed spendcalc: pip install 'spendcalc[plot]')"
)
LINE_STYLES = ("-", "--", ":", "-.", (0, (5, 1)), (0, (1, 3)))


def chart_png(
    comparison: Comparison,
    source_lines: Sequence[str],
    groups: Sequence[tuple[str, float, bool]] = (),
) -> bytes:
    """A horizontal bar per ally, then per group (name, Σspending / ΣGDP share, estimate), targets as
    vertical lines, estimates hatched, n/a allies labelled."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        raise SpendcalcError(INSTALL_HINT) from None
    bars: list[tuple[str, float | None, bool, str]] = [
        (g.ally.name, g.share.pct if g.share else None, bool(g.share and g.share.estimate), g.status.value)
        for g in comparison.allies
    ]
    bars += [(name, pct, estimate, "") for name, pct, estimate in groups]
    bars.reverse()  # matplotlib draws the first bar at the bottom
    lowest = min((t.share_pct for t in comparison.targets), default=0.0)
    figure, axes = pyplot.subplots(figsize=(9, 0.28 * len(bars) + 1.6), dpi=100)
    for index, (_, pct, estimate, status) in enumerate(bars):
        if pct is None:
            axes.text(0.02, index, status, va="center", fontsize=8, color="0.4")
            continue
        axes.barh(
            index,
            pct,
            color="#c0392b" if pct < lowest else "#2e86c1",
            hatch="//" if estimate else None,
            edgecolor="white",
        )
    for target, style in zip(comparison.targets, LINE_STYLES, strict=False):
        axes.axvline(
            target.share_pct,
            color="0.2",
            linestyle=style,
            linewidth=1,
            label=f"{format_pct(target.share_pct)}%",
        )
    axes.set_yticks(range(len(bars)), [name for name, *_ in bars], fontsize=8)
    axes.set_xlabel("Defence expenditure, % of GDP (NATO definition); hatched = estimate")
    axes.set_title(f"NATO allies' defence spending, {comparison.year}", fontsize=10, loc="left")
    axes.legend(title="Targets", fontsize=8, title_fontsize=8, loc="lower right")
    axes.set_ylim(-0.6, len(bars) - 0.4)
    figure.text(0.01, 0.005, "\n".join(source_lines), fontsize=6, color="0.35", va="bottom")
    figure.tight_layout(rect=(0, 0.02 * len(source_lines), 1, 1))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": "spendcalc"})
    pyplot.close(figure)
    return buffer.getvalue()
