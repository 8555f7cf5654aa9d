"""`rotation-solver compare` and `rotation-solver frontier`: what more money buys."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from rotation_solver import whatif
from rotation_solver.cli.options import (
    FilePath,
    debug_option,
    emit,
    load,
    output_options,
    plot_option,
    quiet_option,
    refuse_output_files,
    scenario_options,
    solver_options,
    warn,
)
from rotation_solver.errors import ExitCode
from rotation_solver.scenario import Lock
from rotation_solver.scenario.schema import MAX_DOLLARS
from rotation_solver.solve import SolveOptions

MAX_POINTS = 1000
# 9_000 as thousands grouping; ASCII digits only (int() would also read ٩٠٠٠ and 9_0_00).
_AMOUNT = r"\$?\s*(\d{1,3}(?:_\d{3})+|\d+)"


def _amount(text: str, what: str) -> int:
    match = re.fullmatch(r"\s*" + _AMOUNT + r"\s*", text, re.ASCII)
    if not match and text.strip().startswith("-"):
        raise click.BadParameter(f"{text!r}: {what} must not be negative")
    if not match:
        raise click.BadParameter(f"{text!r}: {what} must be a whole number of dollars")
    amount = int(match.group(1).replace("_", ""))
    if amount > MAX_DOLLARS:
        raise click.BadParameter(f"{text!r}: {what} must be at most {MAX_DOLLARS:,} dollars")
    return amount


def _amounts(value: str, *, signed: bool, what: str, example: str) -> list[int]:
    """Whole dollars joined by commas; with `signed`, each may start with + or -."""
    parts = [p.strip() for p in value.split(",")]
    joiner = re.search(r"\d\s*([;/|])\s*[+-]?\$?\d", value)
    # "4000 6000" too, but not "10 000" (a thousands space): every amount of 4 digits.
    spaced = re.fullmatch(r"\s*([+-]?\$?\d{4,}\s+)+[+-]?\$?\d{4,}\s*", value)
    if joiner or (len(parts) == 1 and spaced):
        # Found by review: "4000;6000" was told "must be a whole number of dollars".
        between = repr(joiner.group(1)) if joiner else "spaces"
        raise click.BadParameter(
            f"{value!r}: join the amounts with commas, not {between}, e.g. {example}"
        )
    if any(not p for p in parts):
        raise click.BadParameter(f"{value!r}: expected amounts joined by commas, e.g. {example}")
    read = []  # (sign, digits as written, amount)
    for part in parts:
        sign, rest = (part[0], part[1:].strip()) if signed and part[0] in "+-" else ("", part)
        if signed and rest[:1] in ("+", "-"):
            raise click.BadParameter(f"{part!r}: give one sign at most, e.g. {example}")
        try:
            amount = _amount(rest, what)
        except click.BadParameter as error:  # name the amount as written, sign and all
            raise click.BadParameter(str(error.message).replace(repr(rest), repr(part))) from None
        read.append((sign, rest, amount))
    # "4,000,6,000" would read as 4, 0, 6, 0: an unsigned group with a leading zero, or
    # one of three digits after an unsigned amount under 100, is a thousands separator.
    # A blank after the comma is never a thousands separator's: "50, 100" is two amounts
    # (found by review: small budgets could not be listed in ascending order).
    spaced_after = [raw[:1].isspace() for raw in value.split(",")[1:]] + [False]
    for (sign, rest, amount), (after_sign, after, _), blank in zip(
        read, [*read[1:], ("+", "", 0)], spaced_after, strict=True
    ):
        group = not after_sign and len(after) == 3 and after.isdigit() and not blank
        if (len(rest) > 1 and rest.startswith("0")) or (not sign and 0 < amount < 100 and group):
            raise click.BadParameter(
                f"{value!r}: commas separate amounts, so write each without thousands "
                f"separators, e.g. {example} (for small amounts such as 50 and 100, put a "
                "blank after the comma: '50, 100')"
            )
    return [-amount if sign == "-" else amount for sign, _, amount in read]


def parse_budgets(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> list[int] | None:
    if value is None:
        return None
    if value.count(",") >= MAX_POINTS:  # as --more and --budget-range (found by review)
        raise click.BadParameter(f"{value!r}: more than {MAX_POINTS} budgets")
    return _amounts(value, signed=False, what="a budget", example="4000,6000")


def changed_budgets(own: int, more: list[int]) -> list[int]:
    """The budget `own` changed by each amount of --more, each within $0..MAX_DOLLARS."""
    changed = [own + delta for delta in more]
    for delta, budget in zip(more, changed, strict=True):
        if not 0 <= budget <= MAX_DOLLARS:
            raise click.BadParameter(
                f"your budget ${own:,} changed by {delta:+,} is "
                f"{'-' if budget < 0 else ''}${abs(budget):,}; a budget lies between $0 "
                f"and ${MAX_DOLLARS:,}",
                param_hint="'--more'",
            )
    return changed


def parse_changes(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> list[int] | None:
    """Signed amounts: +2000 (or 2000) raises the budget, -1000 lowers it."""
    if value is None:
        return None
    if value.count(",") >= MAX_POINTS:
        raise click.BadParameter(f"{value!r}: more than {MAX_POINTS} amounts")
    return _amounts(value, signed=True, what="an amount", example="-1000,2000")


def _parse_range(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> list[int] | None:
    if value is None:
        return None
    parts = value.split(":")
    if len(parts) != 3:
        raise click.BadParameter(f"{value!r}: expected START:END:STEP, e.g. 3000:15000:1000")
    if parts[2].strip().startswith("-"):
        raise click.BadParameter(f"{value!r}: STEP must be above 0")
    start, end, step = (_amount(p, "each of START, END and STEP") for p in parts)
    if step <= 0:
        raise click.BadParameter(f"{value!r}: STEP must be above 0")
    if end < start:
        raise click.BadParameter(f"{value!r}: END must not be below START")
    if (end - start) // step + 1 > MAX_POINTS:
        raise click.BadParameter(f"{value!r}: more than {MAX_POINTS} budgets; use a larger STEP")
    return list(range(start, end + 1, step))


@contextmanager
def _progress(enabled: bool, unit: str) -> Iterator[whatif.OnStep | None]:
    """A rich progress bar on standard error, on a terminal only (a log or a pipe gets no
    bar frames; standard output stays clean)."""
    if not enabled:
        yield None
        return
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    task = progress.add_task("starting", total=None)

    def on_step(done: int, total: int | None, message: str) -> None:
        progress.update(task, completed=done, total=total, description=message)

    with progress:
        yield on_step


@click.command()
@click.argument("scenario", type=FilePath())
@click.option(
    "--budgets",
    callback=parse_budgets,
    metavar="B1,B2,...",
    help="Budgets to compare, in dollars, joined by commas.",
)
@click.option(
    "--budget-range",
    callback=_parse_range,
    metavar="START:END:STEP",
    help="Budgets from START to END (inclusive) every STEP dollars.",
)
@click.option(
    "--more",
    callback=parse_changes,
    metavar="D1,D2,...",
    help="Compare the scenario's own budget with it changed by each amount, in dollars: "
    "2000 raises it (what does another $2,000 buy?), -1000 lowers it.",
)
@plot_option("a picture of the result")
@output_options(("table", "json", "csv", "markdown"))
@solver_options
@scenario_options
@quiet_option
@debug_option
def compare(
    scenario: Path,
    budgets: list[int] | None,
    budget_range: list[int] | None,
    more: list[int] | None,
    plot: Path | None,
    fmt: str,
    output: Path | None,
    force: bool,
    time_limit: float,
    workers: int,
    seed: int,
    value_model: str | None,
    locks: list[Lock],
    exclude: tuple[str, ...],
    quiet: bool,
) -> None:
    """Compare the best plan of SCENARIO at several budgets: what does more money buy?

    One row per budget (ascending): status, value (with the gap when the time
    limit stopped the proof), total cost, the rotations, what changed from the
    row before, and the value each extra $1,000 bought. A budget too small for
    any plan is a row that says so, with the least budget that works; the exit
    code is 0 if any budget has a plan (else 4 if the time limit stopped a
    search, 3 if every budget was proven to have none). The scenario's own
    `budget:` is compared only with --more, or when no budget is given: then it
    is set beside $1,000 less (if it is at least $1,000) and $1,000 and $2,000
    more. One model is built and re-used for every budget; every plan is
    re-verified by the independent checker. Where a budget between two rows
    buys most of the gain (3/4 of it, for at most half of what the higher row's
    plan costs beyond the lower budget), a note under the table names it (JSON:
    `sooner`).

    \b
    Examples:
        rotation-solver compare scenarios/example/scenario.yaml
        rotation-solver compare scenarios/example/scenario.yaml --more 2000
        rotation-solver compare scenarios/example/scenario.yaml --budgets 4000,6000,8000
        rotation-solver compare scenarios/national/scenario.yaml --budget-range 3000:15000:1000
        rotation-solver compare my.yaml --budget-range 4000:12000:500 --format csv -o sweep.csv
        rotation-solver compare my.yaml --budgets 5000,9000 --plot compare.png
    """
    refuse_output_files(output, plot, force)
    loaded = load(scenario, value_model=value_model, locks=locks, exclude=exclude)
    own = loaded.budget
    if more is None and not budgets and not budget_range:
        # The default: a step down and two up, as far as budgets go.
        changed = [b for b in (own - 1000, own + 1000, own + 2000) if 0 <= b <= MAX_DOLLARS]
    else:
        changed = changed_budgets(own, more or [])
    chosen = [*(budgets or []), *(budget_range or []), *([own, *changed] if changed else [])]
    if not chosen:
        chosen = [own]
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
    bars = not quiet and Console(stderr=True).is_terminal
    with _progress(bars, "budgets") as on_step:
        result = whatif.sweep(loaded, chosen, options, on_step=on_step)
    payload = whatif.sweep_payload(result)
    # The steps between the rows: "+$2,000" may need only $80 (found by review). Not
    # searched for CSV, which has no place for them.
    if fmt != "csv" or plot is not None:
        with _progress(bars, "frontier plans between them") as on_step:
            steps = whatif.sooner_steps(loaded, result, options, on_step=on_step)
        payload["sooner"] = [step.as_dict() for step in steps]
    if plot is not None:
        whatif.plot_compare(payload, plot)
        click.echo(f"picture written to {plot}", err=True)
    texts = {"json": whatif.render_json, "csv": whatif.compare_csv}
    texts["markdown"] = whatif.compare_markdown
    emit(payload, fmt, output, whatif.compare_table, texts.get(fmt), width=160)
    warn(whatif.plan_warnings_by_budget(payload))
    # Exit codes as for one plan (spec section 8): 0 if any budget has a plan.
    statuses = {row.result.status for row in result.rows}
    if not statuses & {"optimal", "feasible"}:
        sys.exit(ExitCode.NO_PLAN_IN_TIME if "unknown" in statuses else ExitCode.INFEASIBLE)


@click.command()
@click.argument("scenario", type=FilePath())
@click.option(
    "--max-budget",
    type=click.IntRange(0, MAX_DOLLARS),
    help="Only plans costing at most this (default: no limit, the whole frontier).",
)
@click.option(
    "--method",
    type=click.Choice(["lexicographic", "two-step"]),
    default="lexicographic",
    show_default=True,
    help="One solve per plan (best value, then least cost, in one objective) "
    "or two (maximise value; then minimise cost at that value). Same frontier.",
)
@plot_option("a picture of the result")
@output_options(("table", "json", "csv", "markdown"))
@solver_options
@scenario_options
@quiet_option
@debug_option
def frontier(
    scenario: Path,
    max_budget: int | None,
    method: whatif.Method,
    plot: Path | None,
    fmt: str,
    output: Path | None,
    force: bool,
    time_limit: float,
    workers: int,
    seed: int,
    value_model: str | None,
    locks: list[Lock],
    exclude: tuple[str, ...],
    quiet: bool,
) -> None:
    """Every efficient plan of SCENARIO: none other is both worth more and cheaper.

    The exact value/cost frontier by the epsilon-constraint method: the best
    plan (and the cheapest of that value) at cost <= B, then B = its cost - 1,
    until no plan fits. Each plan is the best you can buy at its own cost;
    between two plans, extra money buys nothing. The scenario's own `budget:`
    is ignored. Sorted by cost; every plan is re-verified by the independent
    checker. Exit 3 when no plan exists up to --max-budget (at any budget without
    it), 4 when the time limit stopped the search before it found a plan.

    \b
    Examples:
        rotation-solver frontier scenarios/example/scenario.yaml
        rotation-solver frontier scenarios/national/scenario.yaml --plot frontier.png
        rotation-solver frontier my.yaml --format json -o frontier.json
        rotation-solver frontier my.yaml --max-budget 10000 --format markdown
    """
    refuse_output_files(output, plot, force)
    loaded = load(scenario, value_model=value_model, locks=locks, exclude=exclude)
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
    with _progress(not quiet and Console(stderr=True).is_terminal, "plans") as on_step:
        result = whatif.frontier(
            loaded, options, max_budget=max_budget, on_step=on_step, method=method
        )
    payload = whatif.frontier_payload(result)
    if plot is not None:
        whatif.plot_frontier(payload, plot)
        click.echo(f"picture written to {plot}", err=True)
    texts = {"json": whatif.render_json, "csv": whatif.frontier_csv}
    texts["markdown"] = whatif.frontier_markdown
    emit(payload, fmt, output, whatif.frontier_table, texts.get(fmt), width=160)
    warn(whatif.plan_warnings_by_budget(payload))
    if not result.points:
        sys.exit(ExitCode.INFEASIBLE if result.complete else ExitCode.NO_PLAN_IN_TIME)
