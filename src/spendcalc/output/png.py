"""Pictures as PNG images, with matplotlib from the optional `plot` extra: the chart (a bar per ally),
a history (a bar per year) and a path (share and spending year by year).

Imported only by `--png` (chart, history, path), so that no other command pays for matplotlib.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from spendcalc.domain.comparison import Comparison
from spendcalc.domain.targets import format_pct
from spendcalc.domain.trajectories import DefencePath
from spendcalc.errors import SpendcalcError

INSTALL_HINT = (
    "--png needs matplotlib: pip install matplotlib (in a clone: pip install '.[plot]'; "
    "an installed spendcalc: pip install 'spendcalc[plot]')"
)
LINE_STYLES = ("-", "--", ":", "-.", (0, (5, 1)), (0, (1, 3)))


def _pyplot() -> Any:
    """matplotlib's pyplot, drawing to memory; a clear error if matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        raise SpendcalcError(INSTALL_HINT) from None
    return pyplot


def _png(pyplot: Any, figure: Any, source_lines: Sequence[str]) -> bytes:
    """The figure with its sources along the bottom, as PNG bytes."""
    figure.text(0.01, 0.005, "\n".join(source_lines), fontsize=6, color="0.35", va="bottom")
    figure.tight_layout(rect=(0, 0.02 * len(source_lines), 1, 1))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": "spendcalc"})
    pyplot.close(figure)
    return buffer.getvalue()


def chart_png(
    comparison: Comparison,
    source_lines: Sequence[str],
    groups: Sequence[tuple[str, float, bool]] = (),
) -> bytes:
    """A horizontal bar per ally, then per group (name, Σspending / ΣGDP share, estimate), targets as
    vertical lines, estimates hatched, n/a allies labelled."""
    pyplot = _pyplot()
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
    return _png(pyplot, figure, source_lines)


HISTORY_LINE_PCT = 2.0
"""The line drawn across a history's bars, as in its table."""

Series = tuple[str, Sequence[tuple[int, float | None, bool]]]
"""An ally's or a group's years: (year, share of GDP or None, estimate)."""


def history_png(title: str, series: Sequence[Series], source_lines: Sequence[str]) -> bytes:
    """A bar per year of each series' share of GDP (side by side, an ally then its groups), estimates
    hatched, years without a share labelled n/a in place, and the 2% line."""
    pyplot = _pyplot()
    figure, axes = pyplot.subplots(figsize=(9, 4.5), dpi=100)
    years = sorted({year for _, points in series for year, _, _ in points})
    width = 0.8 / max(len(series), 1)
    from matplotlib.patches import Patch

    colours = pyplot.rcParams["axes.prop_cycle"].by_key()["color"]
    named: list[Any] = []
    for index, (name, points) in enumerate(series):
        offset = (index - (len(series) - 1) / 2) * width
        one = len(series) == 1
        for year, pct, estimate in points:
            if pct is None:
                axes.text(
                    year + offset,
                    0.05,
                    "n/a",
                    ha="center",
                    va="bottom",
                    fontsize=7,
                    color="0.4",
                    rotation=0 if one else 90,
                )
                continue
            colour = (
                ("#c0392b" if pct < HISTORY_LINE_PCT else "#2e86c1") if one else colours[index % len(colours)]
            )
            axes.bar(
                year + offset, pct, width, color=colour, hatch="//" if estimate else None, edgecolor="white"
            )
        if not one:
            named.append(Patch(color=colours[index % len(colours)], label=name))  # the legend's entry
    line = axes.axhline(HISTORY_LINE_PCT, color="0.2", linestyle="--", linewidth=1, label="2%")
    shares = [pct for _, points in series for _, pct, _ in points if pct is not None]
    axes.set_ylim(0, max([HISTORY_LINE_PCT, *shares]) * 1.15)  # years without a share keep their place
    axes.set_xlim(years[0] - 0.6, years[-1] + 0.6)
    axes.set_xticks(years, [str(year) for year in years], fontsize=8)
    axes.set_ylabel("Defence expenditure, % of GDP (NATO definition)")
    axes.set_xlabel("hatched = estimate")
    axes.set_title(title, fontsize=10, loc="left")
    axes.legend(handles=[line, *named], fontsize=8, loc="upper left")
    return _png(pyplot, figure, source_lines)


def path_png(path: DefencePath, source_lines: Sequence[str]) -> bytes:
    """Above, the share of GDP year by year for each line of the path, its milestones marked; below,
    spending against the baseline, in the path's currency."""
    pyplot = _pyplot()
    figure, (shares, money) = pyplot.subplots(2, 1, figsize=(9, 7), dpi=100, sharex=True)
    for line, style in zip(path.lines, LINE_STYLES, strict=False):
        years = [point.year for point in line.years]
        shares.plot(
            years,
            [point.share_pct for point in line.years],
            linestyle=style,
            marker="o",
            markersize=3,
            label=line.label,
        )
        for target, year in line.milestones:
            shares.plot([year], [target.share_pct], marker="D", color="0.2", markersize=5)
            shares.annotate(
                f"{format_pct(target.share_pct)}% by {year}",
                (year, target.share_pct),
                textcoords="offset points",
                xytext=(4, 4),
                fontsize=7,
            )
        money.plot(
            years,
            [point.spending_bn for point in line.years],
            linestyle=style,
            label=f"{line.label}: spending",
        )
        money.plot(
            years,
            [point.baseline_bn for point in line.years],
            linestyle=style,
            color="0.5",
            linewidth=1,
            label=f"{line.label}: baseline ({path.baseline.value})",
        )
    shares.set_ylabel("Share of GDP (%)")
    shares.set_title(
        f"{path.ally.name}: path {path.from_year}–{path.by_year} ({path.shape.value})",
        fontsize=10,
        loc="left",
    )
    shares.legend(fontsize=8, loc="upper left")
    money.set_ylabel(f"{path.money} bn")
    money.set_xlabel("Year")
    money.legend(fontsize=8, loc="upper left")
    return _png(pyplot, figure, source_lines)
