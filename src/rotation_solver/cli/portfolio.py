"""`rotation-solver apply`: which electives to apply to, for the best plan from the offers."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from rotation_solver.cli.options import (
    FilePath,
    apply_solver_options,
    debug_option,
    emit,
    emit_calendar,
    load,
    output_options,
    plot_option,
    quiet_option,
    refuse_output_files,
    scenario_options,
    warn,
    warn_about_plan,
)
from rotation_solver.cli.whatif import changed_budgets, parse_budgets, parse_changes
from rotation_solver.errors import ExitCode
from rotation_solver.portfolio import MAX_APPLICATIONS, plan_portfolio, plot_distribution
from rotation_solver.portfolio.apply import PortfolioReport
from rotation_solver.portfolio.budgets import (
    portfolio_budgets,
    render_budgets_csv,
    render_budgets_markdown,
    render_budgets_table,
    sweep_warnings,
)
from rotation_solver.portfolio.local_search import EXACT_CANDIDATES
from rotation_solver.portfolio.render import (
    render_portfolio_csv,
    render_portfolio_markdown,
    render_portfolio_table,
)
from rotation_solver.portfolio.since import portfolio_changes, read_earlier_portfolio
from rotation_solver.render import render_json
from rotation_solver.scenario import LoadedScenario, Lock
from rotation_solver.solve import SolveOptions

# Sampled outcomes are rows of a (outcomes x programs) table held in memory.
MAX_OUTCOMES = 100_000


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
    help="Sampled offer outcomes for the sample average approximation. Not used when "
    "every outcome can be enumerated (at most 14 programs to choose from, unless "
    "--no-enumerate): the choice is then exact.",
)
@click.option(
    "--evaluate",
    "evaluate_outcomes",
    type=click.IntRange(2, MAX_OUTCOMES),
    default=1000,
    show_default=True,
    help="Fresh outcomes for the out-of-sample evaluation (a separate seed stream); "
    "1,000 or more for a tight confidence interval.",
)
@click.option(
    "--enumerate/--no-enumerate",
    "enumerate_outcomes",
    default=True,
    show_default=True,
    help=f"With at most {EXACT_CANDIDATES} programs to apply to, value every portfolio on "
    "every offer outcome (all 2^k): the exact optimum, no sample needed. --no-enumerate "
    "keeps to the sampled outcomes, as on larger catalogs.",
)
@click.option(
    "--bound/--no-bound",
    default=True,
    show_default=True,
    help="Compute the perfect-information upper bound (one CP-SAT solve per outcome) "
    "when the search is not exhaustive; an exhaustive search is its own bound.",
)
@click.option(
    "--budgets",
    callback=parse_budgets,
    metavar="B1,B2,...",
    help="Instead of one portfolio, the best applications at each of these budgets (in "
    "dollars, joined by commas), their expected values side by side (offers uncertain, "
    "unlike `compare`). --time-limit applies to each budget; --plot is refused.",
)
@click.option(
    "--more",
    callback=parse_changes,
    metavar="D1,D2,...",
    help="As --budgets (and with it), the scenario's own budget and it changed by each "
    "amount in dollars: 2000 asks what another $2,000 buys once offers are uncertain; "
    "-1000 (write --more=-1000) what $1,000 less costs.",
)
@click.option(
    "--since",
    type=FilePath(dir_okay=False),
    default=None,
    help="An earlier report (`apply --format json`): say which applications are kept, "
    "new or dropped, and why each dropped one left (the `changes` key in JSON); with "
    "--format ics, the calendar cancels the earlier calendar's events these "
    "applications no longer have.",
)
@plot_option("the distribution of the plan value over the outcomes (histogram)")
@output_options(("table", "json", "csv", "markdown", "ics"))
@quiet_option
@apply_solver_options
@scenario_options
@debug_option
def apply(
    scenario: Path,
    max_applications: int | None,
    scenarios: int,
    evaluate_outcomes: int,
    enumerate_outcomes: bool,
    bound: bool,
    budgets: list[int] | None,
    more: list[int] | None,
    since: Path | None,
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
    outcomes (--seed seeds the sampling and CP-SAT); with at most 14 programs to
    apply to, over every outcome exactly (--no-enumerate: on the sample). The
    report gives each application's dates and role, the chances of a full plan,
    an upper bound and an out-of-sample comparison with two naive strategies.
    --time-limit caps the search for applications (one that tries every portfolio
    takes at most half of it, then the sample and a local search take over), and
    again the bound's solves (outcomes it cannot reach in time get a looser bound,
    marked not proven). Values are on another scale than
    `solve`'s: here a rotation that was offered counts in full, while `solve`
    multiplies each rotation's value by its acceptance, so the numbers here are
    higher.

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
        rotation-solver apply my.yaml -o applications.ics   # submit-on dates in a calendar
        rotation-solver apply my.yaml --since apply.json -o applications.ics   # re-run
        rotation-solver apply scenarios/example/scenario.yaml --more 2000
        rotation-solver apply my.yaml --budgets 5000,6000,7000 --format markdown

    With --budgets or --more, one row per budget instead: the best applications
    there (possibly none, when accepted offers already make the plan), their
    exact expected value, fees, the chance of no plan, and what changed from the
    row before. Exit 0 if any budget has a portfolio, else 3 (4 if a time limit
    stopped one).
    """
    sweeping = bool(budgets) or more is not None
    if plot is not None and sweeping:
        raise click.UsageError("--plot draws one portfolio; leave it out with --budgets or --more")
    if fmt == "ics" and sweeping:
        # The format may come from -o's suffix alone (found by review).
        asked = (
            "--format ics" if output is None or output.suffix.lower() != ".ics" else f"-o {output}"
        )
        raise click.UsageError(
            f"{asked}: a calendar is one portfolio's; leave it out with --budgets or --more"
        )
    if since is not None and sweeping:
        raise click.UsageError(
            "--since compares one portfolio with an earlier one; leave it out with "
            "--budgets or --more"
        )
    earlier = read_earlier_portfolio(since) if since is not None else None
    refuse_output_files(output, plot, force)
    loaded = load(scenario, value_model=value_model, locks=locks, exclude=exclude)
    n = max_applications if max_applications is not None else loaded.scenario.max_applications
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
    with _progress(Console(stderr=True).is_terminal and not quiet) as progress:

        def apply_at(at: LoadedScenario) -> PortfolioReport:
            prefix = f"${at.budget:,}: " if sweeping else ""  # which budget a bar is for
            return plan_portfolio(
                at,
                max_applications=n,
                scenarios=scenarios,
                seed=seed,
                evaluate_outcomes=evaluate_outcomes,
                options=options,
                bound=bound,
                progress=lambda label, total: progress(prefix + label, total),
                enumerate_outcomes=enumerate_outcomes,
            )

        if sweeping:
            own = [loaded.budget, *changed_budgets(loaded.budget, more)] if more is not None else []
            chosen = [*(budgets or []), *own]
            sweep = portfolio_budgets(loaded, chosen, lambda at: apply_at(at).payload)
        else:
            report = apply_at(loaded)
    if sweeping:
        text = {
            "json": render_json,
            "csv": render_budgets_csv,
            "markdown": render_budgets_markdown,
        }
        emit(sweep, fmt, output, render_budgets_table, text.get(fmt), width=160)
        warn(sweep_warnings(sweep, loaded.warnings))
        # As `compare`: 0 if any budget has a portfolio, else 4 if a time limit stopped one.
        statuses = {row["status"] for row in sweep["rows"]}
        if not statuses & {"optimal", "feasible"}:
            sys.exit(ExitCode.NO_PLAN_IN_TIME if "unknown" in statuses else ExitCode.INFEASIBLE)
        return
    payload = report.payload
    same_scenario = earlier is not None and earlier.scenario == payload["scenario"]
    if earlier is not None:
        payload["changes"] = portfolio_changes(earlier, payload, loaded)
        if earlier.scenario is not None and not same_scenario:
            payload["warnings"].append(
                f"--since {since}: those applications were chosen for the scenario "
                f"{earlier.scenario!r}, not {payload['scenario']!r}; if it is another "
                "scenario, the changes compare unrelated portfolios (and its calendar "
                "events are not cancelled)."
            )
    document = earlier.document if earlier is not None and same_scenario else None
    if fmt == "json":
        _record_calendar(loaded, payload, document)
    if fmt == "ics":
        _emit_calendar(loaded, payload, output, document)
    else:
        text = {
            "json": render_json,
            "csv": render_portfolio_csv,
            "markdown": render_portfolio_markdown,
        }
        emit(payload, fmt, output, render_portfolio_table, text.get(fmt), width=140)
    if plot is not None and payload["probabilities"]["no_plan"] >= 1:
        click.echo(f"no plan in any outcome, so {plot} was not drawn", err=True)
    elif plot is not None:
        plot_distribution(report, plot)
        click.echo(f"picture written to {plot}", err=True)
    warn_about_plan(loaded, payload)
    if "why" in payload and (fmt in ("json", "csv") or output is not None):
        click.echo(f"no plan in any outcome: {payload['why']}", err=True)
    sys.exit(ExitCode.for_status(payload["status"]))


def _record_calendar(
    loaded: LoadedScenario, payload: dict[str, Any], earlier: dict[str, Any] | None
) -> None:
    """The calendar's events in the JSON, for a later `--since` to cancel those a re-run
    drops; with no applications (no calendar to import), the earlier one's carried on."""
    from rotation_solver.portfolio.calendar import (  # icalendar loads late
        application_calendar_events,
        carried_application_calendar,
    )

    if payload["applications"]:
        payload["calendar"] = application_calendar_events(loaded, payload)
    elif earlier is not None:
        payload["calendar"] = carried_application_calendar(loaded, earlier)


def _emit_calendar(
    loaded: LoadedScenario,
    payload: dict[str, Any],
    output: Path | None,
    earlier: dict[str, Any] | None,
) -> None:
    """The applications as a calendar; with none to send (and no earlier calendar to
    cancel, `earlier`), the report goes to stderr."""
    from rotation_solver.portfolio.calendar import applications_ics  # icalendar loads late

    # With none to send, a calendar still cancels what the earlier one asked (found by a
    # season-long review: ten dropped applications stayed in the calendar).
    wanted = bool(payload["applications"]) or earlier is not None
    emit_calendar(
        payload,
        output,
        render_portfolio_table,
        (lambda: applications_ics(loaded, payload, earlier)) if wanted else None,
        "no applications",
    )
