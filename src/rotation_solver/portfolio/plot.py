"""The picture of `apply --plot`: the distribution of plan values over the outcomes."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rotation_solver.figures import plain_text, save_figure
from rotation_solver.portfolio.apply import PortfolioReport
from rotation_solver.portfolio.outcomes import evaluate
from rotation_solver.portfolio.summary import outcome_value_distribution


@plain_text
def plot_distribution(report: PortfolioReport, path: Path) -> Path:
    """Histogram of the plan value over the outcomes: exact for the portfolio, naive too."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    problem = report.problem
    fig = Figure(figsize=(7.5, 3.6), dpi=120)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    top = 1
    series = []
    for row in report.comparisons:
        table = evaluate(problem, row.portfolio)
        values, probs = outcome_value_distribution(problem, table)
        top = max(top, int(values.max()))
        series.append((row.name, values, probs))
    bins = np.linspace(0, top + 1, 21)
    colours = ["#1f5fa8", "#d98c2b", "#7a7a7a"]
    width = (bins[1] - bins[0]) / (len(series) + 0.5)
    for k, (name, values, probs) in enumerate(series):
        hist, _ = np.histogram(values, bins=bins, weights=probs)
        mean = float(probs @ values)
        ax.bar(
            bins[:-1] + k * width,
            hist,
            width=width,
            align="edge",
            color=colours[k % len(colours)],
            label=f"{name} (exact mean {mean:.1f})",
        )
    ax.set_xlabel("value of the best plan built from the offers received (0 = no plan)")
    ax.set_ylabel("probability")
    ax.set_title(f"{report.payload['scenario']}\nplan value over all offer outcomes", fontsize=9)
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return save_figure(fig, path)
