"""`rotation-solver apply`: which electives to apply to, for the best plan from the offers."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from rotation_solver.cli_options import (
    FilePath,
    debug_option,
    emit,
    load,
    output_options,
    quiet_option,
    refuse_overwrite,
    scenario_options,
    solver_options,
    warn_about_plan,
)
from rotation_solver.errors import ExitCode
from rotation_solver.portfolio import MAX_APPLICATIONS, plan_portfolio, plot_distribution
from rotation_solver.scenario import Lock
from rotation_solver.solve import SolveOptions

PLOT_SUFFIXES = (".png", ".svg", ".pdf")
# Sampled outcomes are rows of a (outcomes x programs) table held in memory.
MAX_OUTCOMES = 100_000
_SHORT = {"internal_medicine": "IM", "emergency_medicine": "EM", "radiology": "rad"}


def _check_plot(_ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None and value.suffix.lower() not in PLOT_SUFFIXES:
        raise click.BadParameter("the picture must end in .png, .svg or .pdf")
    return value


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int], Callable[[int], None]]]:
    """Rich progress bars on stderr (only on a terminal: stdout stays clean for JSON)."""
    if not enabled:
        yield lambda _label, _total: lambda _n: None
        return
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with progress:

        def factory(label: str, total: int) -> Callable[[int], None]:
            task = progress.add_task(label, total=total or None)
            return lambda n: progress.advance(task, n)

        yield factory


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


def _ci(pair: list[float]) -> str:
    return f"[{pair[0]:.1f}, {pair[1]:.1f}]"


def _no_portfolio_lines(payload: dict[str, Any]) -> list[str] | None:
    """When no portfolio can yield a plan, the report is the reason, not empty tables."""
    if payload["status"] not in ("infeasible", "unknown"):
        return None
    lines = [f"No applications can lead to a plan: {payload.get('why', '')}"]
    conflict = payload.get("conflict") or {}
    for repair in conflict.get("repairs", []):
        if repair.get("objective") is not None:
            lines.append(f"  - a plan becomes possible if you {repair['change']}")
    return lines


def _worthless_lines(payload: dict[str, Any]) -> list[str]:
    """Say why a strategy is worth exactly 0: it never ends with a plan."""
    return [
        f"{s['name']} is worth 0: no outcome of its applications leaves a plan worth "
        f"anything (its fees: ${s['fees']:,} of the ${payload['budget']:,} budget)."
        for s in payload["evaluation"]["strategies"]
        if s.get("exact_value") == 0
    ]


def render_portfolio_table(payload: dict[str, Any], console: Console) -> None:
    """The report for the terminal."""
    reason = _no_portfolio_lines(payload)
    if reason is not None:
        console.print(Text.assemble(("Scenario", "bold"), "  ", payload["scenario"]))
        for line in reason:
            console.print(line, soft_wrap=True, markup=False)
        return
    saa = payload["saa"]
    probs = payload["probabilities"]
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold")
    summary.add_column()
    rows = [
        ("Scenario", payload["scenario"]),
        (
            "Applications",
            f"{len(payload['applications'])} of at most {payload['max_applications']} · "
            f"fees ${payload['fees']:,} of the ${payload['budget']:,} budget",
        ),
        (
            "Expected value",
            f"{payload['expected_value']:.1f} (exact; an offered rotation counts in full, "
            "not weighed by acceptance as in `solve`)",
        ),
        (
            "In sample (SAA)",
            f"{saa['in_sample_value']:.1f} over {payload['sampling']['scenarios']} outcomes; "
            f"bound {saa['bound']:.1f} (offers known in advance), "
            f"gap at most {_pct(saa['optimality_gap'])}"
            if saa["bound"] is not None
            else f"{saa['in_sample_value']:.1f} over {payload['sampling']['scenarios']} outcomes",
        ),
        (
            "Out of sample",
            f"{saa['out_of_sample_value']:.1f} {_ci(saa['out_of_sample_ci95'])} over "
            f"{payload['evaluation']['outcomes']} fresh outcomes; SAA gap "
            f"{saa['saa_gap']:+.1f}",
        ),
        (
            "Chances",
            f">= 2 radiology {_pct(probs['two_or_more_radiology'])} · clinical "
            f"{_pct(probs['clinical'])} · no plan {_pct(probs['no_plan'])}",
        ),
    ]
    if payload["locks"]:
        rows.append(
            ("Locks", ", ".join(f"{x['program_id']}@{x['start']}" for x in payload["locks"]))
        )
    for label, value in rows:
        summary.add_row(label, Text(value))  # names and ids are text, never markup
    console.print(summary)
    apps = Table(title="Applications", box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    for name in ("Program", "Kind", "Starts", "Submit on", "Deadline", "Fee", "Offer"):
        # Names fold in a narrow terminal rather than end in "…"; dates and money stay whole.
        folds = name in ("Program", "Kind", "Starts")
        apps.add_column(name, no_wrap=not folds, overflow="fold" if folds else "ellipsis")
    apps.add_column("Role · in plan / taken if offered")
    for a in payload["applications"]:
        starts = a["starts"]
        span = (
            starts[0] if len(starts) == 1 else f"{len(starts)} · {starts[0][5:]}..{starts[-1][5:]}"
        )
        apps.add_row(
            Text(a["program_id"]),
            Text(f"{_SHORT.get(a['specialty'], a['specialty'])} · {a['tier']}"),
            span,
            a["submit_on"],
            a["deadline"] or "—",
            f"${a['fee']:,}",
            f"{100 * a['acceptance']:.0f}%",
            f"[bold]{a['role']}[/bold] {100 * a['p_in_plan']:.0f}% / "
            f"{100 * a['p_taken_if_offered']:.0f}%",
        )
    console.print(apps)
    console.print(
        "[dim]Roles: audition target = taken in at least half of the outcomes where it is "
        "offered; safety net = taken less often (it covers outcomes where better offers "
        "fail); clinical backup = a clinical application.[/dim]"
    )
    strategies = Table(
        title="Out-of-sample comparison (same outcomes, 95% CI)",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
    )
    for name in ("Strategy", "Value", "95% CI", "Margin of the portfolio", "Fees"):
        strategies.add_column(name)
    for s in payload["evaluation"]["strategies"]:
        margin = f"{s['margin']:+.1f} {_ci(s['margin_ci95'])}" if "margin" in s else "—"
        strategies.add_row(
            Text(s["name"]), f"{s['value']:.1f}", _ci(s["ci95"]), margin, f"${s['fees']:,}"
        )
    console.print(strategies)
    for line in _worthless_lines(payload):
        console.print(Text(line, "dim"))
    dist = payload["distribution"]
    top = max(dist["counts"]) or 1
    console.print("[bold]Plan value over the outcomes[/bold] (exact probabilities)")
    for lo, hi, count in zip(dist["edges"], dist["edges"][1:], dist["counts"], strict=False):
        bar = "█" * round(30 * count / top)
        console.print(f"  {lo:6.0f}–{hi:<6.0f} {bar} {100 * count:.1f}%")
    timings = payload["timings"]
    console.print(
        f"[dim]search {timings['search_seconds']:.1f} s · bound {timings['bound_seconds']:.1f} s"
        f" · evaluation {timings['evaluation_seconds']:.1f} s · total "
        f"{timings['total_seconds']:.1f} s[/dim]"
    )


def render_portfolio_markdown(payload: dict[str, Any]) -> str:
    reason = _no_portfolio_lines(payload)
    if reason is not None:
        return "\n".join([f"# Applications: {payload['scenario']}", "", *reason]) + "\n"
    saa = payload["saa"]
    probs = payload["probabilities"]
    lines = [
        f"# Applications: {payload['scenario']}",
        "",
        f"- Expected plan value: **{payload['expected_value']:.1f}** (exact over every offer "
        "outcome of these applications; an offered rotation counts in full, not weighed "
        "by acceptance as in `solve`)",
        f"- In sample (SAA, {payload['sampling']['scenarios']} outcomes): "
        f"{saa['in_sample_value']:.1f}; bound {_num(saa['bound'])} (as if the offers were "
        f"known in advance); gap at most {_pct(saa['optimality_gap'])}",
        f"- Out of sample ({payload['evaluation']['outcomes']} fresh outcomes): "
        f"{saa['out_of_sample_value']:.1f} {_ci(saa['out_of_sample_ci95'])}",
        f"- Chance of >= 2 radiology rotations {_pct(probs['two_or_more_radiology'])}, of a "
        f"clinical one {_pct(probs['clinical'])}, of no plan {_pct(probs['no_plan'])}",
        f"- Fees: ${payload['fees']:,} of the ${payload['budget']:,} budget",
        "",
        "| Program | Specialty | Tier | Starts | Submit on | Deadline | Fee | Offer | Role | Why |",
        "|---|---|---|---|---|---|---:|---:|---|---|",
    ]
    for a in payload["applications"]:
        lines.append(
            f"| {a['program_id']} | {a['specialty']} | {a['tier']} | {', '.join(a['starts'])} "
            f"| {a['submit_on']} | {a['deadline'] or '—'} | ${a['fee']:,} "
            f"| {100 * a['acceptance']:.0f}% | {a['role']} | {a['reason']} |"
        )
    lines += [
        "",
        "| Strategy | Value | 95% CI | Margin of the portfolio (95% CI) |",
        "|---|---:|---|---|",
    ]
    for s in payload["evaluation"]["strategies"]:
        margin = f"{s['margin']:+.1f} {_ci(s['margin_ci95'])}" if "margin" in s else "—"
        lines.append(f"| {s['name']} | {s['value']:.1f} | {_ci(s['ci95'])} | {margin} |")
    worthless = _worthless_lines(payload)
    if worthless:
        lines += ["", *worthless]
    if payload.get("warnings"):
        lines += ["", *[f"> warning: {w}" for w in payload["warnings"]]]
    return "\n".join(lines) + "\n"


@click.command()
@click.argument("scenario", type=FilePath())
@click.option(
    "--max-applications",
    type=click.IntRange(1, MAX_APPLICATIONS),
    default=None,
    help="Most applications to send (default: the scenario's `max_applications`, 10).",
)
@click.option(
    "--scenarios",
    type=click.IntRange(1, MAX_OUTCOMES),
    default=200,
    show_default=True,
    help="Sampled offer outcomes for the sample average approximation.",
)
@click.option(
    "--evaluate",
    "evaluate_outcomes",
    type=click.IntRange(1, MAX_OUTCOMES),
    default=1000,
    show_default=True,
    help="Fresh outcomes for the out-of-sample evaluation (a separate seed stream).",
)
@click.option(
    "--bound/--no-bound",
    default=True,
    show_default=True,
    help="Compute the perfect-information upper bound (one CP-SAT solve per outcome).",
)
@click.option(
    "--plot",
    type=FilePath(dir_okay=False),
    callback=_check_plot,
    metavar="FILE.png|svg|pdf",
    help="Also draw the distribution of the plan value over the outcomes (histogram).",
)
@output_options(("table", "json", "markdown"))
@quiet_option
@solver_options
@scenario_options
@debug_option
def apply(
    scenario: Path,
    max_applications: int | None,
    scenarios: int,
    evaluate_outcomes: int,
    bound: bool,
    plot: Path | None,
    fmt: str,
    output: Path | None,
    force: bool,
    quiet: bool,
    time_limit: float,
    workers: int,
    seed: int,
    value_model: str | None,
    locks: list[Lock],
    exclude: tuple[str, ...],
) -> None:
    """Choose which electives (and dates) to apply to, for the best plan from the offers.

    Offers are uncertain (each program offers with its `acceptance`); every fee is
    paid whatever happens. The applications maximise the expected value of the best
    plan that can be built from the offers received, over --scenarios sampled
    outcomes (--seed seeds the sampling and CP-SAT). The report gives each
    application's dates and role, the chances of a full plan, an upper bound and
    an out-of-sample comparison with two naive strategies. --time-limit caps the
    local search. Values are on another scale than `solve`'s: here a rotation
    that was offered counts in full, while `solve` multiplies each rotation's
    value by its acceptance, so the numbers here are higher.

    Exit 0 with a portfolio (or with none, when every plan is worth 0 or less);
    3 when no portfolio can ever yield a plan, saying why (too few applications
    allowed, or the conflicting rules, as `solve` names them); 4 when the time
    limit stopped every search.

    \b
    Example:
        rotation-solver apply scenarios/example/scenario.yaml
        rotation-solver apply scenarios/example/scenario.yaml --format json -o apply.json
        rotation-solver apply my.yaml --max-applications 8 --scenarios 400 --seed 1
        rotation-solver apply my.yaml --plot outcomes.png --no-bound
    """
    refuse_overwrite(output, force, "--output")
    refuse_overwrite(plot, force, "--plot")
    loaded = load(scenario, value_model=value_model, locks=locks, exclude=exclude)
    n = max_applications if max_applications is not None else loaded.scenario.max_applications
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
    with _progress(Console(stderr=True).is_terminal and not quiet) as progress:
        report = plan_portfolio(
            loaded,
            max_applications=n,
            scenarios=scenarios,
            seed=seed,
            evaluate_outcomes=evaluate_outcomes,
            options=options,
            bound=bound,
            progress=progress,
        )
    payload = report.payload
    text = {"json": lambda p: json.dumps(p, indent=2) + "\n", "markdown": render_portfolio_markdown}
    emit(payload, fmt, output, render_portfolio_table, text.get(fmt), width=140)
    if plot is not None:
        plot_distribution(report, plot)
        click.echo(f"picture written to {plot}", err=True)
    warn_about_plan(loaded, payload)
    if "why" in payload and (fmt == "json" or output is not None):
        click.echo(f"no plan in any outcome: {payload['why']}", err=True)
    if payload["status"] == "infeasible":
        sys.exit(ExitCode.INFEASIBLE)
    if payload["status"] == "unknown":
        sys.exit(ExitCode.NO_PLAN_IN_TIME)
