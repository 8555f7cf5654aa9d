"""How `solve` writes a plan: the plan document (`--format`, `-o`) and its picture
(`--plot`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from rotation_solver.cli.options import emit, emit_calendar, refuse_overwrite
from rotation_solver.planner import PlanOutcome
from rotation_solver.render import render_csv, render_json, render_markdown, render_table
from rotation_solver.scenario import LoadedScenario
from rotation_solver.timeline import build_timeline

F = TypeVar("F", bound=Callable[..., Any])


def emit_plan_document(
    loaded: LoadedScenario,
    outcome: PlanOutcome,
    fmt: str,
    output: Path | None,
    force: bool,
    earlier: dict[str, Any] | None = None,
) -> None:
    """Write the `solve` formats that need the scenario too: `ics` and `markdown`.

    A calendar needs a plan: without one the reason goes to stderr and nothing
    is written. With `earlier` (the `--since` plan), the calendar cancels the events
    of that plan this one no longer has. The Markdown report carries the timeline
    when there is a plan.
    """
    payload = outcome.payload
    has_plan = outcome.result.has_plan
    if fmt == "markdown":
        steps = build_timeline(loaded, payload) if has_plan else None
        emit_text(render_markdown(payload, timeline=steps), payload, fmt, output, force)
        return
    refuse_overwrite(output, force, "--output")

    def calendar() -> bytes:
        from rotation_solver.calendar_export import calendar_ics  # icalendar loads late

        return calendar_ics(loaded, payload, earlier=earlier)

    emit_calendar(payload, output, render_table, calendar if has_plan else None, "no plan")


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


def emit_text(
    text: str | None, payload: dict[str, Any], fmt: str, output: Path | None, force: bool
) -> None:
    """`emit` for a plan payload whose text is already rendered (refusing to clobber
    a file unasked)."""
    refuse_overwrite(output, force, "--output")
    emit(payload, fmt, output, render_table, None if text is None else lambda _p: text)


def render_payload(payload: dict[str, Any], fmt: str) -> str | None:
    return {
        "json": render_json,
        "csv": render_csv,
        "markdown": render_markdown,
    }.get(fmt, lambda _p: None)(payload)
