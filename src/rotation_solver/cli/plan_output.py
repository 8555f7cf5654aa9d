"""Writing a plan: the plan document (`--format`, `-o`) and its picture (`--plot`),
shared by `solve` and `timeline`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from rotation_solver import files
from rotation_solver.cli.options import (
    FilePath,
    emit_text,
    refuse_overwrite,
)
from rotation_solver.planner import PlanOutcome
from rotation_solver.render import render_markdown, render_table
from rotation_solver.scenario import LoadedScenario
from rotation_solver.timeline import (
    build_timeline,
)

F = TypeVar("F", bound=Callable[..., Any])

PLOT_FORMATS = ("png", "svg", "pdf")  # matplotlib and icalendar load only when used


# --- helpers for `solve`: --format ics|markdown and --plot -----------------------


def _check_plot_suffix(
    _ctx: click.Context, _param: click.Parameter, value: Path | None
) -> Path | None:
    if value is not None and value.suffix.lower().lstrip(".") not in PLOT_FORMATS:
        raise click.BadParameter(f"{value}: the picture must end in .png, .svg or .pdf")
    return value


def plot_option(func: F) -> F:
    """`--plot FILE.png|svg|pdf`: also draw the plan (only when a plan exists)."""
    return click.option(
        "--plot",
        "plot",
        type=FilePath(dir_okay=False),
        callback=_check_plot_suffix,
        metavar="FILE.png|svg|pdf",
        help="Also draw the plan as a timeline picture (PNG, SVG or PDF); "
        "written only when a plan exists, never over an existing file without --force.",
    )(func)


def emit_plan_document(
    loaded: LoadedScenario,
    outcome: PlanOutcome,
    fmt: str,
    output: Path | None,
    force: bool,
) -> None:
    """Write the `solve` formats that need the scenario too: `ics` and `markdown`.

    A calendar needs a plan: without one the reason goes to stderr and nothing
    is written. The Markdown report carries the timeline when there is a plan.
    """
    payload = outcome.payload
    has_plan = outcome.result.has_plan
    if fmt == "markdown":
        steps = build_timeline(loaded, payload) if has_plan else None
        emit_text(render_markdown(payload, timeline=steps), payload, fmt, output, force)
        return
    refuse_overwrite(output, force, "--output")
    if not has_plan:
        render_table(payload, Console(stderr=True, highlight=False))
        click.echo("no plan, so no calendar was written", err=True)
        return
    from rotation_solver.calendar_export import calendar_ics

    data = calendar_ics(loaded, payload)
    if output is None:
        click.echo(data, nl=False)
    else:
        files.write_bytes(output, data)


def write_plot(
    loaded: LoadedScenario, outcome: PlanOutcome, plot: Path | None, force: bool
) -> None:
    """Draw the plan to `plot` when one was asked for and a plan exists."""
    if plot is None:
        return
    if not outcome.result.has_plan:
        click.echo(f"no plan, so {plot} was not drawn", err=True)
        return
    refuse_overwrite(plot, force, "--plot")
    from rotation_solver.plot import plot_plan

    plot_plan(loaded, outcome.payload, plot)
    click.echo(f"picture written to {plot}", err=True)
