"""The `rotation-solver` command line: one click group, shared option decorators."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from rotation_solver.errors import ExitCode, InputError, Problem
from rotation_solver.planner import PlanRejected, plan_scenario
from rotation_solver.problem import build_problem
from rotation_solver.render import render_csv, render_json, render_markdown, render_table
from rotation_solver.scenario import LoadedScenario, Lock, Scenario, ValueModel, load_scenario
from rotation_solver.scenario.value_model import available_models
from rotation_solver.solve import SolveOptions, default_workers

F = TypeVar("F", bound=Callable[..., Any])
EXIT_INTERNAL = 70  # not a contract code: a bug, reported as such

_EXIT_BY_STATUS = {
    "optimal": ExitCode.PLAN,
    "feasible": ExitCode.PLAN,
    "infeasible": ExitCode.INFEASIBLE,
    "unknown": ExitCode.NO_PLAN_IN_TIME,
}


class RotationGroup(click.Group):
    """Turns domain errors into clear messages and the contract's exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as error:
            if ctx.meta.get("debug"):
                raise
            err = Console(stderr=True, highlight=False, soft_wrap=True)
            for problem in error.problems:
                err.print(f"[bold red]error:[/bold red] {problem}", markup=True)
            ctx.exit(ExitCode.BAD_INPUT)
        except PlanRejected as error:
            if ctx.meta.get("debug"):
                raise
            click.echo(f"internal error (please report): {error}", err=True)
            ctx.exit(EXIT_INTERNAL)


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta["debug"] = True
    return value


def debug_option(func: F) -> F:
    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_debug,
        help="Show full tracebacks instead of short messages.",
    )(func)


def _parse_lock(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> list[Lock]:
    locks = []
    for value in values:
        match = re.fullmatch(r"\s*([^@\s]+)@(\d{4}-\d{2}-\d{2})\s*", value)
        if not match:
            raise click.BadParameter(f"{value!r}: expected PROGRAM@YYYY-MM-DD")
        try:
            start = date.fromisoformat(match.group(2))
        except ValueError:
            raise click.BadParameter(f"{value!r}: {match.group(2)} is not a real date") from None
        locks.append(Lock(program=match.group(1), start=start))
    return locks


def scenario_options(func: F) -> F:
    """Options that change what a scenario file says, without editing it."""
    func = click.option(
        "--exclude",
        "exclude",
        multiple=True,
        metavar="PROGRAM",
        help="Never use this program (declined or unwanted). Repeatable; merged with `exclude:`.",
    )(func)
    func = click.option(
        "--lock",
        "locks",
        multiple=True,
        metavar="PROGRAM@YYYY-MM-DD",
        callback=_parse_lock,
        help="An offer already accepted: it must be in the plan. Repeatable; merged with `locks:`.",
    )(func)
    func = click.option(
        "--value-model",
        metavar="NAME|PATH",
        help=f"Value model to use instead of the file's `value_model:` ({', '.join(available_models())}).",
    )(func)
    return func


def solver_options(func: F) -> F:
    """CP-SAT run settings; the same seed with --workers 1 gives the same plan."""
    func = click.option(
        "--seed", type=int, default=0, show_default=True, help="CP-SAT random seed."
    )(func)
    func = click.option(
        "--workers",
        type=click.IntRange(1, 64),
        default=default_workers(),
        show_default=True,
        help="CP-SAT worker threads (default: this machine's cores, at most 8).",
    )(func)
    func = click.option(
        "--time-limit",
        type=click.FloatRange(0.01),
        default=60.0,
        show_default=True,
        help="Seconds before the best plan so far is returned.",
    )(func)
    return func


def output_options(formats: tuple[str, ...]) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        func = click.option(
            "--force", is_flag=True, help="Overwrite the --output file if it already exists."
        )(func)
        func = click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Write to this file instead of standard output (never overwritten without --force).",
        )(func)
        func = click.option(
            "--format",
            "fmt",
            type=click.Choice(formats),
            default=formats[0],
            show_default=True,
            help="Output format.",
        )(func)
        return func

    return decorate


def _load(path: Path, **overrides: Any) -> LoadedScenario:
    return load_scenario(path, **overrides)


def _emit(text: str | None, payload: dict[str, Any], fmt: str, output: Path | None, force: bool) -> None:
    """Write rendered output to stdout or a file (refusing to clobber a file unasked)."""
    if output is not None and output.exists() and not force:
        raise InputError(
            Problem(str(output), "already exists; pass --force to overwrite it", field="--output")
        )
    if fmt == "table":
        if output is None:
            console = Console(highlight=False)
            if not console.is_terminal:
                console = Console(highlight=False, width=120)
            render_table(payload, console)
            return
        with output.open("w", encoding="utf-8") as handle:
            render_table(payload, Console(file=handle, width=120, no_color=True, highlight=False))
        return
    assert text is not None
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


def _render(payload: dict[str, Any], fmt: str) -> str | None:
    return {
        "json": render_json,
        "csv": render_csv,
        "markdown": render_markdown,
    }.get(fmt, lambda _p: None)(payload)


@click.group(cls=RotationGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rotation-solver")
@debug_option
def cli() -> None:
    """Plan away rotations for a US-citizen IMG applying to diagnostic radiology.

    A scenario file (YAML) names the calendar, budget, documents and a catalog
    of programs; `solve` picks the rotations with the highest expected letter
    and audition value, proves the plan optimal with CP-SAT, and re-checks it
    independently.

    \b
    Quick start:
        rotation-solver validate scenarios/example/scenario.yaml
        rotation-solver solve scenarios/example/scenario.yaml
        rotation-solver solve scenarios/example/scenario.yaml --format json -o plan.json
        rotation-solver check scenarios/example/scenario.yaml plan.json

    Exit codes: 0 plan, 1 bad input, 2 usage, 3 infeasible, 4 no plan in time.
    """


@cli.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@output_options(("table", "json", "csv", "markdown"))
@solver_options
@scenario_options
@debug_option
def solve(
    scenario: Path,
    fmt: str,
    output: Path | None,
    force: bool,
    time_limit: float,
    workers: int,
    seed: int,
    value_model: str | None,
    locks: list[Lock],
    exclude: tuple[str, ...],
) -> None:
    """Find the best plan for SCENARIO and show dates, costs and when to apply.

    The plan is proven optimal when the status says `optimal`, and every plan
    is re-verified by the independent checker before it is shown. When no
    plan exists, the rules in conflict are named (exit 3).

    \b
    Examples:
        rotation-solver solve scenarios/example/scenario.yaml
        rotation-solver solve scenarios/example/scenario.yaml --format json -o plan.json
        rotation-solver solve my.yaml --lock rad-lakeshore@2027-06-07 --exclude rad-harbor
        rotation-solver solve my.yaml --workers 1 --seed 0   # reproducible
    """
    loaded = _load(scenario, value_model=value_model, locks=locks, exclude=exclude)
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
    err = Console(stderr=True)
    if err.is_terminal:
        with err.status("Solving with CP-SAT…"):
            outcome = plan_scenario(loaded, options)
    else:
        outcome = plan_scenario(loaded, options)
    _emit(_render(outcome.payload, fmt), outcome.payload, fmt, output, force)
    sys.exit(_EXIT_BY_STATUS[outcome.result.status])


@cli.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.argument("plan", type=click.Path(path_type=Path))
@scenario_options
@debug_option
def check(
    scenario: Path,
    plan: Path,
    value_model: str | None,
    locks: list[Lock],
    exclude: tuple[str, ...],
) -> None:
    """Re-verify PLAN (a JSON plan) against SCENARIO, independently of the solver.

    Every rule and the objective are recomputed from the scenario alone.
    Exit 0 when the plan is valid; otherwise each violation is listed and the
    exit code is 1.

    \b
    Example:
        rotation-solver solve scenarios/example/scenario.yaml --format json -o plan.json
        rotation-solver check scenarios/example/scenario.yaml plan.json
    """
    from rotation_solver.checker import check_plan

    loaded = _load(scenario, value_model=value_model, locks=locks, exclude=exclude)
    if not plan.exists():
        raise InputError(Problem(str(plan), "plan file not found"))
    try:
        data = json.loads(plan.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InputError(
            Problem(str(plan), f"not JSON: {error.msg}", error.lineno, error.colno)
        ) from None
    except UnicodeDecodeError:
        raise InputError(Problem(str(plan), "not UTF-8 text")) from None
    if not isinstance(data, dict):
        raise InputError(Problem(str(plan), "expected a JSON object (spec section 7)", 1, 1))
    report = check_plan(loaded, data)
    if report.ok:
        click.echo(
            f"valid: {len(data.get('rotations') or [])} rotation(s), objective "
            f"{report.objective}, total cost ${report.total_cost:,}"
        )
        return
    click.echo(f"{plan}: {len(report.violations)} violation(s)", err=True)
    for violation in report.violations:
        click.echo(f"  - [{violation.rule}] {violation.message}", err=True)
    sys.exit(ExitCode.BAD_INPUT)


@cli.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@scenario_options
@debug_option
def validate(
    scenario: Path, value_model: str | None, locks: list[Lock], exclude: tuple[str, ...]
) -> None:
    """Check SCENARIO and its catalog, and summarise what the planner will see.

    Prints the programs, the feasible offerings, and how many (program, start)
    pairs were dropped and why. Exit 0 when the files are valid, 1 otherwise.

    \b
    Example:
        rotation-solver validate scenarios/example/scenario.yaml
    """
    loaded = _load(scenario, value_model=value_model, locks=locks, exclude=exclude)
    problem = build_problem(loaded)
    req = loaded.requirements
    console = Console(highlight=False)
    by_specialty = Counter(p.specialty for p in loaded.programs)
    kinds = Counter(o.kind for o in problem.offerings)
    console.print(f"[bold]{loaded.scenario.name}[/bold]  ({scenario})")
    console.print(
        f"  programs: {len(loaded.programs)} ("
        + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(by_specialty.items()))
        + ")"
    )
    console.print(
        f"  offerings: {len(problem.offerings)} feasible (radiology {kinds['radiology']}, "
        f"clinical {kinds['clinical']}); {sum(1 for p in loaded.programs for _ in p.starts)} "
        "(program, start) pairs in the catalog"
    )
    dropped = problem.expansion.dropped_counts()
    if dropped:
        console.print("  dropped:")
        for reason, count in dropped.items():
            console.print(f"    {reason:<28} {count}")
    else:
        console.print("  dropped: none")
    console.print(
        f"  profile: {problem.expansion.profile} (value model {loaded.value_model_name}); "
        f"budget ${loaded.budget:,}"
    )
    console.print(
        f"  rules: radiology {req.radiology_min}..{req.radiology_max}, clinical "
        f"{req.clinical_min}..{req.clinical_max} ({', '.join(req.clinical_specialties)}), "
        f"at most {req.max_rotations} rotations, tier_mix {'on' if req.tier_mix else 'off'}, "
        f"gap {req.min_gap_days} days"
    )
    if loaded.locks:
        console.print("  locks: " + ", ".join(f"{k.program}@{k.start}" for k in loaded.locks))
    if loaded.exclude:
        console.print("  excluded: " + ", ".join(loaded.exclude))
    for drop in problem.unplaceable_locks:
        console.print(f"[yellow]warning:[/yellow] lock {drop.program_id}@{drop.start}: {drop.detail}")
    for warning in loaded.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")
    console.print("valid")


@cli.command()
@click.option(
    "--part",
    type=click.Choice(["scenario", "catalog", "value-model"]),
    default="scenario",
    show_default=True,
    help="Which format to describe.",
)
@debug_option
def schema(part: str) -> None:
    """Print the JSON Schema of the scenario format (or a catalog row, or a value model).

    Editors such as VS Code validate and complete YAML from it.

    \b
    Examples:
        rotation-solver schema > scenario.schema.json
        rotation-solver schema --part catalog
    """
    from rotation_solver.scenario import Program

    model = {"scenario": Scenario, "catalog": Program, "value-model": ValueModel}[part]
    click.echo(json.dumps(model.model_json_schema(), indent=2))


def main() -> None:
    """Console-script entry point."""
    try:
        cli.main(standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        click.echo("interrupted", err=True)
        sys.exit(130)
