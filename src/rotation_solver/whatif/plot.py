"""Pictures of a sweep (value by budget) and of a frontier (value against cost),
drawn with matplotlib's Agg backend."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rotation_solver.figures import plain_text, save_figure
from rotation_solver.whatif.report import no_plan_span
from rotation_solver.words import counted


def _figure(width: float = 10.0, height: float = 6.0) -> tuple[Any, Any]:
    # A Figure on its own Agg canvas: no pyplot, so no global backend switch.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(1, 1, 1)


def _save(fig: Any, path: Path) -> None:
    fig.tight_layout()
    save_figure(fig, path)


def _short(labels: Sequence[str]) -> str:
    """`rad-046 06-07` per rotation, one per line."""
    return "\n".join(f"{x.rsplit('@', 1)[0]} {x.rsplit('@', 1)[1][5:]}" for x in labels)


def known_values(solved: Sequence[dict[str, Any]]) -> list[tuple[int, int, int]]:
    """(from, to, value): the budgets where the best value is known, one run per value.

    A plan serves every budget from its own cost, and nothing better fits up to the
    largest compared budget that returned its value; beyond that, up to the cost of the
    next plan, the best value is only known to be at least this one."""
    runs: dict[int, tuple[int, int]] = {}
    for row in solved:
        low, high = runs.get(row["objective"], (row["total_cost"], row["budget"]))
        runs[row["objective"]] = (min(low, row["total_cost"]), max(high, row["budget"]))
    return [(low, high, value) for value, (low, high) in sorted(runs.items())]


@plain_text
def plot_compare(payload: dict[str, Any], path: Path) -> None:
    """Value against budget; plan changes marked and labelled."""
    fig, ax = _figure()
    rows = payload["rows"]
    solved = [r for r in rows if r["objective"] is not None]
    if solved:
        runs = known_values(solved)
        for i, (low, high, value) in enumerate(runs):
            # Solid where the value is proven; dashed (a lower bound) up to the next plan.
            ax.plot(
                [low, high],
                [value, value],
                color="tab:blue",
                linewidth=1.5,
                label="best value within the budget (from each plan's cost)" if i == 0 else None,
            )
            if i + 1 < len(runs):
                following = runs[i + 1]
                ax.plot(
                    [high, max(high, following[0]), max(high, following[0])],
                    [value, value, following[2]],
                    color="tab:blue",
                    linewidth=1,
                    linestyle="--",
                    alpha=0.6,
                    label="at least this (budgets not compared)" if i == 0 else None,
                )
        ax.plot(
            [r["budget"] for r in solved],
            [r["objective"] for r in solved],
            "o",
            color="tab:blue",
            markersize=4,
            label="budgets compared",
        )
    changed = [r for r in solved if r["added"] is None or r["added"] or r["removed"]]
    labels = []
    for i, row in enumerate(changed):
        ax.axvline(row["total_cost"], color="tab:orange", alpha=0.25, linewidth=1)
        ax.plot(row["total_cost"], row["objective"], "D", color="tab:orange", markersize=7)
        text = _short(row["plan"]) + f"\nvalue {row['objective']} · ${row['total_cost']:,}"
        labels.append(
            ax.annotate(
                text,
                (row["total_cost"], row["objective"]),
                # Neighbours alternate below and above their point, so close budgets'
                # labels do not print over each other.
                xytext=(6, -12 if i % 2 == 0 else 12),
                textcoords="offset points",
                fontsize=6.5,
                va="top" if i % 2 == 0 else "bottom",
                family="monospace",
                # A leader line: a label moved away still points at its plan.
                arrowprops={"arrowstyle": "-", "color": "0.6", "lw": 0.5, "shrinkB": 4},
            )
        )
    sooner_labels = []
    for i, step in enumerate(payload.get("sooner", [])):
        # A budget between the rows that buys most of the gain (`whatif.sooner`).
        ax.plot(
            step["budget"],
            step["value"],
            "*",
            color="tab:green",
            markersize=11,
            label="most of the gain, sooner (see the note)" if i == 0 else None,
        )
        sooner_labels.append(
            ax.annotate(
                f"${step['budget']:,} buys {step['value']}",
                (step["budget"], step["value"]),
                # Below the star: the next plan's label sits above and to the right.
                xytext=(8, -8),
                textcoords="offset points",
                va="top",
                fontsize=7,
                color="tab:green",
            )
        )
    infeasible = [r for r in rows if r["status"] == "infeasible"]
    if infeasible:
        # On the bottom edge, not at a value: there is no plan to value.
        ax.plot(
            [r["budget"] for r in infeasible],
            [0.03] * len(infeasible),
            "x",
            color="tab:red",
            label="no plan fits",
            transform=ax.get_xaxis_transform(),
            clip_on=False,
        )
    if payload.get("least_budget") is not None:
        ax.axvline(
            payload["least_budget"],
            color="tab:red",
            linestyle=":",
            linewidth=1,
            label=f"least workable budget ${payload['least_budget']:,}",
        )
    own = payload.get("scenario_budget")
    if own is not None and any(r["budget"] == own for r in rows):
        ax.axvline(own, color="0.35", linestyle="--", linewidth=1, label=f"your budget ${own:,}")
    if solved:
        low = min(r["objective"] for r in solved)
        high = max(r["objective"] for r in solved)
        # The axis spans at least 6% of the value (0.6 x a tenth): a 5-point step on
        # 218 should not look like a cliff, and one value alone still gets a sane axis.
        pad = max(high - low, abs(high) / 10, 10)
        ax.set_ylim(low - 0.3 * pad, high + 0.3 * pad)
    else:
        ax.set_ylim(0, 1)
        ax.set_yticks([])
    if changed:
        ax.plot(
            [],
            [],
            "D",
            color="tab:orange",
            label="a new plan (labelled: program, start; value, cost)",
        )
    ax.set_xlabel("budget (USD)")
    ax.set_ylabel("plan value (objective)")
    ax.set_title(f"What-if budgets: {payload['scenario']}", fontsize=10)
    ax.xaxis.set_major_formatter(_dollars())
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    # The plans' diamonds and the stars, where they are drawn; the stars' labels stay put
    # and the plans' labels keep clear of them (found by an advisor's review: "$6,120
    # buys 245" printed over the next plan's label).
    marks = [(r["total_cost"], r["objective"]) for r in changed]
    marks += [(step["budget"], step["value"]) for step in payload.get("sooner", [])]
    _keep_apart(fig, ax, labels, marks, fixed=sooner_labels)
    save_figure(fig, path)  # laid out by _keep_apart: another layout would move the labels


def _keep_apart(
    fig: Any,
    ax: Any,
    labels: list[Any],
    marks: list[tuple[float, float]],
    fixed: Sequence[Any] = (),
) -> None:
    """Move a plan label that still prints over an earlier one (or over a plan's marker)
    to the other side of its point, then further away; if no place is free, leave it out
    (the table and the JSON list every plan). Found by review: close budgets' labels
    overprinted."""
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

    fig.tight_layout()
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    inside = ax.get_window_extent(renderer)  # not over the title or outside the axes
    kept: list[Any] = [ax.get_legend().get_window_extent(renderer)]
    for x, y in marks:  # each diamond, about 7 points wide
        px, py = ax.transData.transform((x, y))
        kept.append(Bbox.from_extents(px - 6, py - 6, px + 6, py + 6))
    kept += [Text.get_window_extent(label, renderer) for label in fixed]
    hidden = 0
    # Right of the point first, then left of it (a plan at the highest budget has no room
    # on the right); each side near, then further up or down.
    places = [(dx, dy) for dx in (6, -6) for dy in (12, -12, 44, -44, 76, -76)]
    for label in labels:
        for dx, dy in [(None, None), *places]:
            if dx is not None and dy is not None:
                label.set_position((dx, dy))
                label.set_va("bottom" if dy > 0 else "top")
                label.set_ha("left" if dx > 0 else "right")
            box = Text.get_window_extent(label, renderer)  # the text, not its leader line
            fits = inside.x0 <= box.x0 and box.x1 <= inside.x1
            fits = fits and inside.y0 <= box.y0 and box.y1 <= inside.y1
            if fits and not any(box.overlaps(other) for other in kept):
                kept.append(box)
                break
        else:
            label.set_visible(False)
            hidden += 1
    if hidden:  # the legend must not promise a label on every plan
        for text in ax.get_legend().get_texts():
            if text.get_text().startswith("a new plan (labelled"):
                text.set_text(
                    f"a new plan (labelled where there is room, {hidden} not: see the table)"
                )


def _dollars() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: f"${x:,.0f}")


FRONTIER_ROWS_BELOW = 12


@plain_text
def plot_frontier(payload: dict[str, Any], path: Path) -> None:
    """The efficient staircase: value against cost; each plan numbered on the curve and
    listed (value, cost, rotations) beside it."""
    points = payload["points"]
    rows = max(1, len(points))
    # A short list goes under the chart (found by a student's review: three plans beside
    # it left 40% of the picture blank); a long one beside it, in a taller picture.
    below = rows <= FRONTIER_ROWS_BELOW
    if below:
        fig, ax = _figure(10.0 if points else 9.0, 6.0 + 0.16 * rows)
    else:
        fig, ax = _figure(14.0, max(6.5, min(24.0, 1.6 + 0.16 * rows)))
    if points:  # the list of plans under or beside the chart
        if below:
            grid = fig.add_gridspec(2, 1, height_ratios=[6.0, 0.3 + 0.16 * rows])
        else:
            grid = fig.add_gridspec(1, 2, width_ratios=[5, 3])
        ax.set_subplotspec(grid[0])
        side = fig.add_subplot(grid[1])
        side.axis("off")
        costs = [p["total_cost"] for p in points]
        values = [p["objective"] for p in points]
        span = max(1, costs[-1] - costs[0])
        ax.step(
            [*costs, costs[-1] + 0.04 * span],
            [*values, values[-1]],
            where="post",
            color="tab:blue",
            linewidth=1.5,
            label="best value you can buy",
        )
        ax.plot(costs, values, "o", color="tab:blue", markersize=4, label="efficient plan (#)")
        offsets = ((-4, 5), (5, -9))
        for i, p in enumerate(points, 1):
            dx, dy = offsets[i % 2]
            ax.annotate(
                str(i),
                (p["total_cost"], p["objective"]),
                xytext=(dx, dy),
                textcoords="offset points",
                fontsize=6.5,
                ha="right" if dx < 0 else "left",
                color="0.2",
            )
        lines = [
            f"#{i:<3}{p['objective']:>5}  {'$' + format(p['total_cost'], ','):>8}  "
            + "  ".join(f"{x.rsplit('@', 1)[0]} {x.rsplit('@', 1)[1][5:]}" for x in p["plan"])
            for i, p in enumerate(points, 1)
        ]
        header = "#   value      cost  rotations (program, start MM-DD)"
        side.text(
            0.0,
            1.0,
            "\n".join([header, *lines]),
            va="top",
            ha="left",
            family="monospace",
            fontsize=max(4.5, min(7.5, 430 / rows)),
            transform=side.transAxes,
        )
    ax.set_xlabel("total cost (USD)")
    ax.set_ylabel("plan value (objective)")
    exact = "proven exact" if payload.get("exact") else "not proven exact"
    found = counted(len(points), "efficient plan") if points else f"no plan {no_plan_span(payload)}"
    ax.set_title(f"Value/cost frontier: {found}, {exact}", fontsize=10)
    fig.suptitle(payload["scenario"], fontsize=9)
    ax.xaxis.set_major_formatter(_dollars())
    ax.grid(alpha=0.3)
    if len(points) == 1:  # one cost: a span around it, not ticks that all read the same
        cost = points[0]["total_cost"]
        ax.set_xlim(cost - max(100, 0.1 * cost), cost + max(100, 0.1 * cost))
    if points:
        ax.legend(loc="lower right", fontsize=8)
    else:  # say so on the chart instead of drawing empty axes
        ax.set_xticks([])
        ax.set_yticks([])
        why = payload.get("why") or "no plan fits"
        ax.text(0.5, 0.5, "\n".join(textwrap.wrap(why, 60)), ha="center", va="center",
                transform=ax.transAxes, fontsize=9)  # fmt: skip
    _save(fig, path)
