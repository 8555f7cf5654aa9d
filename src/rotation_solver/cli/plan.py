"""The plan commands: `solve`, `check`, `validate` and `schema`."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import shlex
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel
from rich.console import Console
from rich.text import Text

from rotation_solver import files
from rotation_solver.advice import plan_warnings
from rotation_solver.changes import plan_changes, read_earlier_plan
from rotation_solver.checker import STATED_RULES, CheckReport, Violation, check_plan
from rotation_solver.cli.options import (
    FilePath,
    debug_option,
    load,
    output_options,
    plot_option,
    refuse_output_files,
    scenario_options,
    solve_solver_options,
    solver_options,
    warn,
    warn_about_plan,
)
from rotation_solver.cli.plan_output import (
    emit_plan_document,
    emit_text,
    render_payload,
    write_plot,
)
from rotation_solver.conflict_check import conflict_errors, named_rules
from rotation_solver.errors import ExitCode, InputError, Problem, too_long_number
from rotation_solver.offerings import Offering, profile_reason
from rotation_solver.planner import plan_scenario
from rotation_solver.problem import build_problem
from rotation_solver.prover import MAX_CUTS, prove
from rotation_solver.render import percent_of
from rotation_solver.scenario import LoadedScenario, Lock, Program, Scenario, ValueModel
from rotation_solver.scenario.schema import visible_text
from rotation_solver.scenario.value_model import models_dir
from rotation_solver.solve import SolveOptions
from rotation_solver.timeline import answers_to_come
from rotation_solver.verify import INDEPENDENT_MILP, PROVEN_BY_BOTH, PlanRejected
from rotation_solver.words import counted


@click.command()
@click.argument("scenario", type=FilePath())
@output_options(("table", "json", "csv", "markdown", "ics"))
@plot_option("the plan as a timeline picture (only when a plan exists)")
@click.option(
    "--explain/--no-explain",
    default=True,
    show_default=True,
    help="Explain the plan (value breakdown, binding rules, what each rotation is worth).",
)
@click.option(
    "--since",
    type=FilePath(dir_okay=False),
    default=None,
    help="An earlier plan (`solve --format json`): say which rotations are kept, moved, "
    "new or dropped, and why each dropped one left (the `changes` key in JSON); a "
    "dropped program no plan within the budget can hold is proven so by a re-solve, "
    "within as much again as --time-limit.",
)
@solve_solver_options
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
    explain: bool,
    plot: Path | None,
    since: Path | None,
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
        rotation-solver solve my.yaml --format ics -o plan.ics --plot plan.png
        rotation-solver solve my.yaml --since plan.json   # what changed since that plan
    """
    earlier = read_earlier_plan(since) if since is not None else None
    refuse_output_files(output, plot, force)
    loaded = load(scenario, value_model=value_model, locks=locks, exclude=exclude)
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
    err = Console(stderr=True)
    if err.is_terminal:
        # The explanation and any diagnosis are extra re-solves: say so while they run.
        message = "Solving with CP-SAT, then explaining the plan…" if explain else "Solving…"
        with err.status(message):
            outcome = plan_scenario(loaded, options, explain=explain, advise=True)
    else:
        outcome = plan_scenario(loaded, options, explain=explain, advise=True)
    if earlier is not None:
        outcome.payload["changes"] = plan_changes(
            earlier, outcome.payload, loaded, outcome.problem, options
        )
        if earlier.scenario is not None and visible_text(earlier.scenario) != loaded.scenario.name:
            # Found by review: another scenario's plan was compared without a word.
            outcome.payload["warnings"].append(
                f"--since {since}: that plan was made for the scenario {earlier.scenario!r}, "
                f"not {loaded.scenario.name!r}; if it is another scenario, the changes "
                "compare unrelated plans."
            )
    if outcome.payload.get("why") and fmt != "ics" and (fmt in ("csv", "json") or output):
        # The reason is in the document, but the terminal must not stay silent on exit 3/4
        # (a calendar without a plan shows the reason table on stderr instead).
        click.echo(f"no plan: {outcome.payload['why']}", err=True)
    if fmt == "json" and outcome.result.has_plan:
        # The calendar's events, for a later `--since` to cancel those a re-plan drops.
        from rotation_solver.calendar_export import calendar_events  # icalendar loads late

        outcome.payload["calendar"] = calendar_events(loaded, outcome.payload)
    elif (
        fmt == "json"
        and earlier is not None
        and earlier.document is not None
        and earlier.scenario == outcome.payload["scenario"]
    ):
        # No plan, no calendar to import: the calendar still holds the earlier plan's
        # events, for the next `--since` to cancel (found by review: they stayed). Only
        # this scenario's (found by review: another's would be cancelled next).
        from rotation_solver.calendar_export import carried_calendar

        outcome.payload["calendar"] = carried_calendar(loaded, earlier.document)
    if fmt == "ics" and loaded.offers and answers_to_come(outcome.payload):
        # Found by review: imported with the timeline's, this plan's offers clashed.
        click.echo(
            "note: with offers in hand and answers to come, this calendar holds this plan; "
            "`rotation-solver timeline SCENARIO --format ics` follows `apply`'s answer to "
            "the offers instead",
            err=True,
        )
    if fmt in ("ics", "markdown"):
        document = earlier.document if earlier is not None else None
        emit_plan_document(loaded, outcome, fmt, output, force, document)
    else:
        emit_text(render_payload(outcome.payload, fmt), outcome.payload, fmt, output, force)
    write_plot(loaded, outcome, plot, force)
    warn_about_plan(loaded, outcome.payload)
    sys.exit(ExitCode.for_status(outcome.result.status))


@click.command()
@click.argument("scenario", type=FilePath())
@click.argument("plan", type=FilePath())
@click.option(
    "--score",
    is_flag=True,
    help="PLAN is a plan made by hand: each rotation needs only program_id and start "
    "(a JSON plan, or a CSV with those two columns). Check every rule, give its value and "
    "cost, and compare it with the best plan.",
)
@click.option(
    "--prove",
    is_flag=True,
    help="Also re-prove the plan's claims by solving SCENARIO again, twice: with CP-SAT and "
    "with an independent MILP (SCIP) on the checker's own rules. A plan said to be optimal "
    "must be worth the optimum, and its bound must be at least the optimum (check alone "
    "trusts them); if the two proofs disagree, that is a bug (exit 70).",
)
@solver_options
@scenario_options
@debug_option
def check(
    scenario: Path,
    plan: Path,
    score: bool,
    prove: bool,
    time_limit: float,
    workers: int,
    seed: int,
    value_model: str | None,
    locks: list[Lock],
    exclude: tuple[str, ...],
) -> None:
    """Re-verify PLAN (a JSON plan) against SCENARIO, independently of the solver.

    Every rule and the objective are recomputed from the scenario alone.
    Exit 0 when the plan is valid; otherwise each violation is listed and the
    exit code is 1. A "no plan" document (status infeasible) is checked by
    solving the scenario with CP-SAT and with an independent MILP on the
    checker's rules: exit 3 if no plan exists indeed, 1 if one does or if its
    named conflict or a proven repair does not hold; 4 if neither could tell
    within --time-limit (each solve gets it in turn), or the document's status
    is unknown; 70 if the two disagree (a bug: please report it).

    With --score, PLAN is a plan made by hand (a student's own, or an
    advisor's proposal): each rotation needs only its program_id and start.
    Every rule is checked; a valid plan's rotations are listed with their
    value and cost, the guide's warnings follow (as `solve` gives them), and
    the plan is compared with the best plan `solve` finds. Exit 0 when every
    rule holds, 1 otherwise.

    \b
    Examples:
        rotation-solver solve scenarios/example/scenario.yaml --format json -o plan.json
        rotation-solver check scenarios/example/scenario.yaml plan.json
        rotation-solver check scenarios/example/scenario.yaml my-plan.csv --score
    """

    try:
        loaded = load(scenario, value_model=value_model, locks=locks, exclude=exclude)
    except InputError:
        if _is_a_plan(scenario):  # found by review: ~20 missing-key errors for a swap
            raise InputError(
                Problem(
                    str(scenario),
                    "this is a plan, not a scenario: the scenario comes first "
                    "(rotation-solver check SCENARIO PLAN)",
                )
            ) from None
        raise
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
    with files.reading(str(plan)):
        text = _plan_text(plan)
    if not text.strip():
        expected = "a JSON plan, or a CSV one with --score" if not score else "a JSON or CSV plan"
        raise InputError(Problem(str(plan), f"the file is empty; expected {expected}"))
    if score:
        data, lines = _hand_made_plan(plan, text)
        _score(loaded, data, plan, options, lines)
        return
    try:
        data = _read_json(plan, text)
    except InputError as error:
        json_like = text.lstrip("\ufeff \t\r\n")[:1] in ("{", "[")  # broken JSON, not a table
        table_like = plan.suffix.lower() in (".csv", ".tsv", ".txt") or "program_id" in text[:500]
        if table_like and not json_like:
            # A hand-made table is what --score reads; plain check reads solve's JSON.
            hint = "; a hand-made plan (program_id and start columns) is checked with --score"
            *others, last = error.problems
            told = dataclasses.replace(last, message=last.message + hint)
            raise InputError([*others, told]) from None
        raise
    if not isinstance(data, dict):
        what = _TIMELINE if _is_timeline(data) else "expected a JSON object"
        hint = f"; {_SCORE_HINT}" if _hand_made_rotations(data) else ""
        raise InputError(
            Problem(str(plan), f"{what}; check reads a plan from `solve --format json`{hint}", 1, 1)
        )
    _refuse_other_document(plan, data)
    report = check_plan(loaded, data)
    if report.ok and data.get("status") in ("infeasible", "unknown"):
        _check_no_plan(loaded, data, plan, options)
    if report.ok and prove and data.get("status") in ("optimal", "feasible"):
        _prove(loaded, data, report, plan, options)
        return
    if report.ok:
        click.echo(
            f"valid: {counted(len(data.get('rotations') or []), 'rotation')}, objective "
            f"{report.objective}, total cost ${report.total_cost:,}. Every rule holds, and every "
            "stated date, cost, value and total matches the scenario; "
            + (
                "that it is the best plan is the solver's claim (check does not re-prove it; "
                "--prove does)."
                if data.get("status") == "optimal"
                else "it claims to be a plan, not the best one (status feasible); --prove "
                "compares it with the best."
            )
        )
        return
    click.echo(f"{plan}: {counted(len(report.violations), 'violation')}", err=True)
    if "status" not in data and _hand_made_rotations(data.get("rotations")):
        # Found by review: five violations about keys a hand-made plan never has.
        click.echo(f"  This looks like a plan made by hand: {_SCORE_HINT}.", err=True)
    rules = {v.rule for v in report.violations}
    if rules & {"scenario", "budget.stated", "program", "cost", "value", "deadline.stated"}:
        click.echo(
            "  The plan does not match this scenario: was it made from another scenario, "
            "or before the scenario was edited? Solve again to get a matching plan "
            f"(`rotation-solver solve {scenario} --since {plan}` lists what changed). "
            # Found by review: a plan edited by hand was only asked about the scenario.
            "Or was it edited by hand? `check --score` scores your own choice of rotations "
            "from program_id and start alone.",
            err=True,
        )
    _hints(loaded, data)
    # The rules a plan breaks first, then the values it states that differ (found by
    # review: an excluded program came ninth, after eight stale fields).
    for violation in sorted(report.violations, key=lambda v: v.rule in STATED_RULES):
        click.echo(f"  - [{violation.rule}] {violation.message}", err=True)
    sys.exit(ExitCode.BAD_INPUT)


_SCORE_HINT = (
    "rotations with only program_id and start are checked with --score, which takes the "
    "rest from the scenario"
)


def _hand_made_rotations(rotations: Any) -> bool:
    """A list of rotations naming only a program and a start: written by hand, for --score."""
    return (
        isinstance(rotations, list)
        and bool(rotations)
        and all(
            isinstance(r, dict) and "program_id" in r and set(r) <= {"program_id", "start"}
            for r in rotations
        )
    )


def _plan_text(plan: Path) -> str:
    """The plan file's text (an input error when it is missing, a folder or a sheet)."""
    files.existing_file(plan, "JSON plan", "plan file not found")
    if plan.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise InputError(
            Problem(
                str(plan),
                "a spreadsheet file: save the plan as CSV (columns program_id and start) "
                "and check it with --score",
            )
        )
    return files.read_utf8(plan)


def _hand_made_plan(path: Path, text: str) -> tuple[dict[str, Any], dict[int, int] | None]:
    """A plan to score: JSON as `solve` writes it (or just its rotations), or a CSV with
    program_id and start columns (other columns are not read; the header's case and
    blanks do not matter). A file not named .csv that is no JSON but has such a header
    is read as CSV. Also, for a CSV, the file line of each rotation (numbered from 1)."""
    # A header in the first two lines that are not blank (the first may be Excel's
    # "sep=;").
    filled = [line for line in text.lstrip("\ufeff").splitlines() if line.strip()]
    looks_like_csv = "program_id" in "\n".join(filled[:2]).casefold()
    looks_like_json = text.lstrip("\ufeff \t\r\n")[:1] in ("[", "{")
    if path.suffix.lower() != ".csv" or looks_like_json:
        try:
            data = _read_json(path, text)
        except InputError:
            if looks_like_csv and not looks_like_json:
                return _csv_plan(path, text)
            raise
        if _is_timeline(data):  # found by review: 40 "missing start" lines
            raise InputError(Problem(str(path), f"{_TIMELINE}; --score reads rotations", 1, 1))
        if isinstance(data, list):  # the rotations alone
            data = {"rotations": data}
        if not isinstance(data, dict):
            raise InputError(Problem(str(path), "expected a JSON object or a list of rotations"))
        _refuse_other_document(path, data)
        return data, None
    return _csv_plan(path, text)


def _read_json(path: Path, text: str) -> Any:
    """The JSON in `text`; a syntax error, a key given twice or too deep a nesting is an
    input error naming the file (and the line and column where JSON says)."""
    try:
        return json.loads(text, object_pairs_hook=_once_each)
    except _SaidTwice as error:
        raise InputError(Problem(str(path), str(error))) from None
    except json.JSONDecodeError as error:
        raise InputError(
            Problem(str(path), f"not JSON: {error.msg}", error.lineno, error.colno)
        ) from None
    except RecursionError:
        raise InputError(Problem(str(path), "JSON nested too deeply")) from None
    except ValueError as error:
        raise InputError(Problem(str(path), too_long_number(error))) from None


def _refuse_other_document(path: Path, data: dict[str, Any]) -> None:
    """Another command's JSON is named, rather than checked as a plan it is not."""
    other = _other_document(data)
    if other:
        raise InputError(
            Problem(
                str(path),
                f"this is {other}, not a plan; check reads a plan from "
                "`rotation-solver solve SCENARIO --format json`",
            )
        )


def _csv_plan(path: Path, text: str) -> tuple[dict[str, Any], dict[int, int]]:
    lines = text.lstrip("\ufeff").splitlines()
    first, choices = 1, [",", ";", "\t"]

    def skip_blank_lines() -> None:
        # Found by review: a blank line above the header was taken for the header.
        nonlocal lines, first
        # A spreadsheet's empty row is ",," (or ";;"): blank too.
        while lines and not lines[0].strip(" \t,;"):
            lines, first = lines[1:], first + 1

    skip_blank_lines()
    if lines and lines[0].replace(" ", "").casefold().startswith("sep="):  # Excel's hint
        declared = lines[0].split("=", 1)[1].strip(" ")[:1]  # a tab is a separator too
        lines, first, choices = lines[1:], first + 1, [declared or ","]
        skip_blank_lines()
    # The separator that splits the header into both columns (a spreadsheet may use ";"
    # or a tab, and a header may hold a comma inside another column's name).
    delimiter = choices[0]
    for candidate in choices:
        names = next(csv.reader([lines[0] if lines else ""], delimiter=candidate), [])
        if {"program_id", "start"} <= {name.strip().casefold() for name in names}:
            delimiter = candidate
            break
    try:
        reader = csv.reader(io.StringIO("\n".join(lines), newline=""), delimiter=delimiter)
        # Each row with the file line it ends on (a quoted cell may span lines).
        numbered = [(cells, first - 1 + reader.line_num) for cells in reader]
    except csv.Error as error:
        raise InputError(Problem(str(path), f"not a readable CSV: {error}")) from None
    if not numbered:
        raise InputError(Problem(str(path), "the file is empty; expected a header and rows"))
    header = [name.strip().casefold() for name in numbered[0][0]]
    twice = sorted({name for name in header if name and header.count(name) > 1})
    if twice:
        raise InputError(Problem(str(path), f"the header names {', '.join(twice)} twice", first))
    missing = [name for name in ("program_id", "start") if name not in header]
    if missing:
        raise InputError(
            Problem(
                str(path),
                f"the header needs the column{'s' if len(missing) > 1 else ''} "
                + " and ".join(missing),
                first,
            )
        )
    at = {name: header.index(name) for name in ("program_id", "start")}
    kept = [(cells, line) for cells, line in numbered[1:] if any(cell.strip() for cell in cells)]
    for cells, line in kept:
        # A cell the header does not name: a second rotation on one line, or a comma in
        # a note (found by review: it was dropped, and the plan blamed for it).
        if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
            raise InputError(
                Problem(
                    str(path),
                    f"this row has {len(cells)} cells but the header has {len(header)}; "
                    "one rotation per line, and quote a cell that holds the separator",
                    line,
                )
            )
    rows = [
        {name: (cells[i].strip() if i < len(cells) else "") for name, i in at.items()}
        for cells, _line in kept
    ]
    return {"rotations": rows}, {index: line for index, (_c, line) in enumerate(kept, 1)}


def _at_line(message: str, plan: Path, lines: dict[int, int]) -> str:
    """ "rotation #3" as "rotation #3 (line 4 of my-plan.csv)" (a fuzz review: a CSV's
    author counts lines, not rotations)."""

    def located(match: re.Match[str]) -> str:
        line = lines.get(int(match[1]))
        return match[0] if line is None else f"{match[0]} (line {line} of {plan.name})"

    return re.sub(r"rotation #(\d+)", located, message)


def _score(
    loaded: LoadedScenario,
    data: dict[str, Any],
    plan: Path,
    options: SolveOptions,
    lines: dict[int, int] | None = None,
) -> None:
    """Check a hand-made plan, give its value and cost, and put it beside the best plan.
    `lines`: a CSV's line of each rotation, so that "rotation #3" says where it is."""
    report = check_plan(loaded, data, score=True)
    if lines:
        report = dataclasses.replace(
            report,
            violations=tuple(
                dataclasses.replace(v, message=_at_line(v.message, plan, lines))
                for v in report.violations
            ),
        )
    broken = [v for v in report.violations if v.rule not in STATED_RULES]
    stale = [v for v in report.violations if v.rule in STATED_RULES]
    rows = data.get("rotations")
    listed = len(rows) if isinstance(rows, list) else 0
    if report.objective is not None and report.total_cost is not None:
        summary = (
            f"{counted(listed, 'rotation')}, objective {report.objective}, total cost "
            f"${report.total_cost:,} of ${loaded.budget:,}"
        )
    else:
        summary = f"{counted(listed, 'rotation')}; the value could not be computed"
    if broken:
        click.echo(f"{plan}: {summary}; {counted(len(broken), 'violation')}", err=True)
        for violation in broken:
            click.echo(f"  - [{violation.rule}] {violation.message}", err=True)
    else:
        click.echo(f"valid: {summary}. Every rule holds.")
        rotations = _offerings_of(loaded, data)
        for o in rotations:  # what an advisor weighs: each rotation's share
            click.echo(
                f"  {o.program_id} {o.start}..{o.end}: value {o.value}, cost ${o.cost:,}"
                + ("" if o.letter_in_time else " (letter after ERAS)")
            )
        warn(plan_warnings(loaded, rotations))
    if stale:
        click.echo(
            f"note: {counted(len(stale), 'value')} the document states "
            f"{'differs' if len(stale) == 1 else 'differ'} from this scenario (scored as "
            "recomputed here):",
            err=True,
        )
        for violation in stale:
            click.echo(f"  - [{violation.rule}] {violation.message}", err=True)
    _hints(loaded, data)
    best = plan_scenario(loaded, options, explain=False, diagnose=False, name_conflict=False).result
    mine = report.objective if not broken else None
    if best.has_plan and best.objective is not None:
        proven = best.status == "optimal"
        if proven and mine is not None and mine > best.objective:
            # The checker values a valid plan above the model's proof: one of them is
            # wrong, and that is a bug (exit 70), not a finding about this plan.
            disagreement = Violation(
                "objective",
                f"this plan meets every rule and is worth {mine} by the checker, above the "
                f"best plan's proven {best.objective}: the model and the checker disagree",
            )
            raise PlanRejected(CheckReport((disagreement,), mine, report.total_cost))
        what = "The best plan" if proven else "The best plan found in time"
        # Beside the violations (standard error) when the plan breaks a rule: a saved
        # standard output alone must not read as a pass (found by review).
        click.echo(
            f"{what} is worth {best.objective} at ${best.total_cost:,} (`rotation-solver solve` "
            f"shows it){_beside(mine, best.objective, proven)}.",
            err=bool(broken),
        )
    elif best.status == "infeasible":
        click.echo("No plan meets every rule of this scenario (`rotation-solver solve` says why).")
    else:
        click.echo(
            f"The best plan was not found within {options.time_limit:g} s, so this plan is not "
            "compared with it; give --time-limit more seconds."
        )
    sys.exit(ExitCode.PLAN if not broken else ExitCode.BAD_INPUT)


def _offerings_of(loaded: LoadedScenario, data: dict[str, Any]) -> list[Offering]:
    """The offerings a valid hand-made plan names, by start (none if one is not found)."""
    by_key = {(o.program_id, o.start.isoformat()): o for o in build_problem(loaded).offerings}
    rows = data.get("rotations") or []
    found = [by_key.get((r.get("program_id"), str(r.get("start")))) for r in rows]
    chosen = [o for o in found if o is not None]
    return sorted(chosen, key=lambda o: o.start) if len(chosen) == len(rows) else []


def _beside(mine: int | None, best: int, proven: bool) -> str:
    """How a valid plan's value compares with the best plan's (nothing for an invalid one)."""
    if mine is None:
        return ""
    if mine > best and not proven:
        return (
            f"; this plan is worth more ({mine}): the search was cut short, give --time-limit "
            "more seconds"
        )
    if mine == best:
        return "; this plan is worth as much"
    if best > 0 and mine >= 0:
        # The nearest percent, but a plan a point short never reads "100%".
        return f"; this plan reaches {percent_of(mine, best)} of it"
    return f"; this plan is worth {mine}"


def _hints(loaded: LoadedScenario, data: dict[str, Any]) -> None:
    """What the document says it was made with that this check was not given."""
    unlocked = _locked_in_plan_only(loaded, data)
    if unlocked:
        click.echo(
            f"  The plan marks {', '.join(unlocked)} as accepted (locked), which this scenario "
            "does not lock: if it was made with --lock, pass the same --lock to check.",
            err=True,
        )
    made_with = data.get("value_model")
    if isinstance(made_with, str) and made_with != loaded.value_model_name:
        # A shipped model can be named; a file's own `name` is not a path to it.
        shipped = (models_dir() / f"{made_with}.yaml").is_file()
        option = f"--value-model {shlex.quote(made_with)}" if shipped else "the same --value-model"
        click.echo(
            f"  The plan was made with value model {made_with!r}, this check uses "
            f"{loaded.value_model_name!r}: pass {option} to check it with the same values.",
            err=True,
        )


class _SaidTwice(ValueError):
    pass


def _once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a key given twice (json keeps the last one silently)."""
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _SaidTwice(f"the key {key!r} appears twice in one object; give each once")
        seen[key] = value
    return seen


# Keys that tell the other commands' JSON apart from a plan (spec section 7).
_OTHER_DOCUMENTS = (
    ({"applications", "expected_value"}, "the JSON of `rotation-solver apply`"),
    ({"rows", "least_budget"}, "the JSON of `rotation-solver compare`"),
    ({"points", "least_budget"}, "the JSON of `rotation-solver frontier`"),
    ({"properties", "type"}, "a JSON Schema (`rotation-solver schema`)"),
)


_TIMELINE = "this is the JSON of `rotation-solver timeline`, not a plan"


def _is_timeline(data: Any) -> bool:
    """`timeline --format json`: a list of dated steps."""
    return (
        isinstance(data, list)
        and bool(data)
        and all(isinstance(s, dict) and {"date", "kind", "text"} <= s.keys() for s in data)
    )


def _is_a_plan(path: Path) -> bool:
    """A JSON file with a `rotations` list and no `version`: a plan, not a scenario."""
    try:
        if path.stat().st_size > 10_000_000:
            return False
        data = json.loads(path.read_text("utf-8-sig"))
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and "rotations" in data and "version" not in data


def _other_document(data: dict[str, Any]) -> str | None:
    if "rotations" in data:
        return None
    return next((kind for keys, kind in _OTHER_DOCUMENTS if keys <= data.keys()), None)


def _locked_in_plan_only(loaded: LoadedScenario, data: dict[str, Any]) -> list[str]:
    """PROGRAM@START of rotations the plan marks locked that the scenario does not lock."""
    locks = {(lock.program, lock.start.isoformat()) for lock in loaded.locks}
    rows = data.get("rotations")
    marked = [
        (row.get("program_id"), row.get("start"))
        for row in (rows if isinstance(rows, list) else [])
        if isinstance(row, dict) and row.get("locked") is True
    ]
    return [
        f"{pid}@{start}"
        for pid, start in marked
        if isinstance(pid, str) and isinstance(start, str) and (pid, start) not in locks
    ]


@dataclass(frozen=True)
class _Optimum:
    """The scenario's optimum (None: no plan), proven by `by`; status unknown when
    neither proof finished in time."""

    status: str  # optimal, infeasible or unknown
    objective: int | None
    total_cost: int | None  # of a best plan
    by: str


def _proven_optimum(loaded: LoadedScenario, options: SolveOptions) -> _Optimum:
    """The optimum by two methods that share no code: the model (CP-SAT) and the
    prover (`prover.py`: the checker's rules as a MILP). Found by review: `check`
    re-proved claims with the model alone, so a planted model bug was confirmed, not
    caught. Their disagreement is a bug (exit 70); when one runs out of time, the other
    answers alone and says so."""
    proof = prove(loaded, options.time_limit)
    if proof.gave_up:
        _disagree(f"the checker refused {MAX_CUTS} plans the independent MILP found best")
    result = plan_scenario(loaded, options, diagnose=False, name_conflict=False).result
    proved = proof.status != "unknown"
    solved = result.status in ("optimal", "infeasible")
    found = f"{result.status} {result.objective}".replace(" None", "")
    other = f"{proof.status} {proof.objective}".replace(" None", "")
    if proved and solved and (proof.status, proof.objective) != (result.status, result.objective):
        _disagree(f"CP-SAT proves {found}, the independent MILP {other}")
    # A plan CP-SAT found in time, though not proven best, still refutes a proof of no
    # plan or of a lower optimum (found by review).
    beaten = result.objective is not None and (
        proof.objective is None or result.objective > proof.objective
    )
    if proved and result.has_plan and beaten:
        _disagree(f"CP-SAT found a plan worth {result.objective}, the independent MILP {other}")
    if proved and solved:
        # CP-SAT's cost: the cheapest plan of that value, as every command settles ties
        # (found by review: the MILP's plan of equal value cost $3,750, CP-SAT's $550).
        return _Optimum(proof.status, proof.objective, result.total_cost, PROVEN_BY_BOTH)
    if proved:
        cost = sum(r.cost for r in proof.plan) + loaded.paid_fees
        return _Optimum(
            proof.status, proof.objective, cost, f"{INDEPENDENT_MILP} (CP-SAT ran out of time)"
        )
    if solved:
        by = "CP-SAT alone (the independent MILP ran out of time)"
        return _Optimum(result.status, result.objective, result.total_cost, by)
    return _Optimum("unknown", None, None, "neither CP-SAT nor the independent MILP finished")


def _disagree(what: str) -> None:
    """The model and the prover disagree: a bug in one of them (exit 70)."""
    message = f"{what}: the model and the checker's rules disagree"
    raise PlanRejected(CheckReport((Violation("optimum", message),), None, None))


def _prove(
    loaded: LoadedScenario,
    data: dict[str, Any],
    report: CheckReport,
    plan: Path,
    options: SolveOptions,
) -> None:
    """A valid plan's claims against the proven optimum (found by review: a hand-edited
    plan worth 182 passed as optimal with bound 182; the optimum is 201)."""
    optimum = _proven_optimum(loaded, options)
    if optimum.status == "infeasible":
        # This valid plan refutes it (found by review: it read as a time-out, exit 4).
        _disagree(f"this valid plan exists, yet the proof says none does ({optimum.by})")
    if optimum.status != "optimal" or optimum.objective is None:
        click.echo(
            f"{plan}: every rule holds, but the optimum was not proven within --time-limit "
            f"{options.time_limit:g} s ({optimum.by}); try a longer one.",
            err=True,
        )
        sys.exit(ExitCode.NO_PLAN_IN_TIME)
    best, objective = optimum.objective, report.objective
    if objective is not None and objective > best:
        # The checker values this valid plan above the proven optimum (found by review).
        _disagree(f"this valid plan is worth {objective}, above the optimum {best} ({optimum.by})")
    wrong = []
    if data.get("status") == "optimal" and objective is not None and objective < best:
        wrong.append(
            f"[status] status is optimal, but a plan worth {best} exists (this one is worth "
            f"{objective}; see `rotation-solver solve`)"
        )
    bound = data.get("bound")
    if isinstance(bound, (int, float)) and not isinstance(bound, bool) and bound < best:
        wrong.append(
            f"[bound] bound {bound} is below a plan worth {best}: a bound is the most any "
            f"plan can be worth, so it must be at least {best}"
        )
    if wrong:
        click.echo(f"{plan}: {counted(len(wrong), 'violation')}", err=True)
        for line in wrong:
            click.echo(f"  - {line}", err=True)
        sys.exit(ExitCode.BAD_INPUT)
    rotations = counted(len(data.get("rotations") or []), "rotation")
    gap = (
        ""
        if objective == best
        else f" ({best - (objective or 0)} below it, as status feasible allows)"
    )
    click.echo(
        f"valid and proven: {rotations}, objective {objective}, total cost "
        f"${report.total_cost:,}; every rule and "
        f"stated value holds, and the optimum is {best}{gap}, proven by {optimum.by}."
    )


def _check_no_plan(
    loaded: LoadedScenario, data: dict[str, Any], plan: Path, options: SolveOptions
) -> None:
    """A document that claims no plan: the checker cannot refute a negative, so the
    scenario is solved (CP-SAT) to see whether a plan exists after all."""
    if data["status"] == "unknown":
        click.echo(
            f"{plan}: no plan (status unknown: the search that wrote it ran out of time); "
            "nothing to check. Run `rotation-solver solve` with a longer --time-limit.",
            err=True,
        )
        sys.exit(ExitCode.NO_PLAN_IN_TIME)
    optimum = _proven_optimum(loaded, options)
    if optimum.status == "optimal":
        click.echo(f"{plan}: 1 violation", err=True)
        click.echo(
            f"  - [status] status is infeasible, but a plan exists: objective "
            f"{optimum.objective}, total cost ${optimum.total_cost or 0:,}, found by "
            f"{optimum.by} (see `rotation-solver solve`)",
            err=True,
        )
        given = {f"{lock.program}@{lock.start}" for lock in loaded.locks}
        missing = [
            key.removeprefix("lock:")
            for key in named_rules(data)
            if key.startswith("lock:") and key.removeprefix("lock:") not in given
        ]
        if missing:
            click.echo(
                f"  hint: the document names accepted offers; if it was solved with "
                f"--lock {' --lock '.join(missing)}, pass the same to check",
                err=True,
            )
        sys.exit(ExitCode.BAD_INPUT)
    if optimum.status != "infeasible":
        click.echo(
            f"{plan}: no plan was found within {options.time_limit:g} s either, but that "
            f"none exists was not proved ({optimum.by}); give --time-limit more seconds.",
            err=True,
        )
        sys.exit(ExitCode.NO_PLAN_IN_TIME)
    errors, settled = conflict_errors(loaded, data, options)
    if errors:
        click.echo(f"{plan}: {counted(len(errors), 'violation')}", err=True)
        for error in errors:
            click.echo(f"  - [conflict] {error}", err=True)
        sys.exit(ExitCode.BAD_INPUT)
    if not settled:
        click.echo(
            f"{plan}: no plan exists indeed, but its conflict and repairs could not all be "
            f"re-proved within {options.time_limit:g} s; give --time-limit more seconds.",
            err=True,
        )
        sys.exit(ExitCode.NO_PLAN_IN_TIME)
    conflict = data.get("conflict")
    repairs = conflict.get("repairs") if isinstance(conflict, dict) else None
    named = ""
    if named_rules(data):
        # Found by review: a document with every repair deleted read "repairs hold".
        named = " and its conflict and repairs hold" if repairs else " and its conflict holds"
    unclaimed = "" if "conflict" in data else "; the document names no conflict to re-prove"
    if named and not repairs:
        unclaimed += "; it lists no repairs"
    why = data.get("why")
    if not (isinstance(why, str) and why.strip()) and "conflict" not in data:
        # Section 7 asks a no-plan output to say why, without naming a key: a note, not a
        # violation (found by review: such a document passed unremarked).
        unclaimed += (
            ", nor says why (spec section 7 asks for the conflicting rules; rotation-solver "
            "writes them under `why` and `conflict`)"
        )
    click.echo(
        f"valid: no plan meets every rule of this scenario{named} (re-proved by "
        f"{optimum.by}){unclaimed}."
    )
    sys.exit(ExitCode.INFEASIBLE)


@click.command()
@click.argument("scenario", type=FilePath())
@click.option(
    "--dropped",
    "list_dropped",
    is_flag=True,
    help="List every dropped (program, start) pair with its reason, not just the counts.",
)
@scenario_options
@debug_option
def validate(
    scenario: Path,
    list_dropped: bool,
    value_model: str | None,
    locks: list[Lock],
    exclude: tuple[str, ...],
) -> None:
    """Check SCENARIO and its catalog, and summarise what the planner will see.

    Prints how many programs and feasible offerings there are, and how many (program, start)
    pairs were dropped and why (each one with --dropped). Exit 0 when the files are valid,
    1 otherwise.

    \b
    Example:
        rotation-solver validate scenarios/example/scenario.yaml
        rotation-solver validate scenarios/example/scenario.yaml --dropped
    """
    loaded = load(scenario, value_model=value_model, locks=locks, exclude=exclude)
    problem = build_problem(loaded)
    req = loaded.requirements
    # No markup: names, reasons and paths are the user's text; styles come as Text.
    console = Console(highlight=False, markup=False)
    if not console.is_terminal:  # a pipe or a file: whole lines, no padding at 80 columns
        console = Console(highlight=False, markup=False, soft_wrap=True)
    by_specialty = Counter(p.specialty for p in loaded.programs)
    kinds = Counter(o.kind for o in problem.offerings)
    console.print(Text.assemble((loaded.scenario.name, "bold"), f"  ({scenario})"))
    console.print(
        f"  programs: {len(loaded.programs)} ("
        + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(by_specialty.items()))
        + ")"
    )
    console.print(
        f"  offerings: {len(problem.offerings)} feasible (radiology {kinds['radiology']}, "
        f"clinical {kinds['clinical']}); {sum(len(set(p.starts)) for p in loaded.programs)} "
        "(program, start) pairs in the catalog"
        # `_as_offered` keeps an offered program's offered starts only.
        + (" (an offered program counts only its offered starts)" if loaded.offers else "")
    )
    dropped = problem.expansion.dropped_counts()
    if dropped:
        console.print("  dropped:")
        for reason, count in dropped.items():
            console.print(f"    {reason:<28} {count}")
            if list_dropped:
                for item in problem.expansion.dropped:
                    if item.reason == reason:
                        console.print(f"      {item.program_id}@{item.start}: {item.detail}")
    else:
        console.print("  dropped: none")
    console.print(
        f"  profile: {problem.expansion.profile} ({profile_reason(loaded)}; value model "
        f"{loaded.value_model_name}); "
        f"budget ${loaded.budget:,}"
    )
    console.print(
        f"  rules: radiology {req.radiology_min}..{req.radiology_max}, clinical "
        f"{req.clinical_min}..{req.clinical_max} ({', '.join(req.clinical_specialties)}), "
        f"at most {req.max_rotations} rotations, tier_mix {'on' if req.tier_mix else 'off'}, "
        f"gap {req.min_gap_days} days"
        + (", applications by the start" if req.apply_by_start else "")
        # The housing rules too (found by review: left out of this line).
        + (
            f", at least one rotation with housing at most "
            f"${req.affordable_housing_per_week:,}/week"
            if req.affordable_housing_per_week is not None
            else ""
        )
        + (
            f", {req.high_cost_rest_days} free days between two above it"
            if req.high_cost_rest_days and req.affordable_housing_per_week is not None
            else ""
        )
    )
    if loaded.locks:
        accepted = ", ".join(f"{k.program}@{k.start}" for k in loaded.locks)
        console.print("  locks: " + accepted)
    if loaded.offers:
        console.print(
            "  offers in hand: " + ", ".join(f"{o.program}@{o.start}" for o in loaded.offers)
        )
    if loaded.applied:
        sent = ", ".join(
            f"{a.program} ({', '.join(d.isoformat() for d in a.starts)})" for a in loaded.applied
        )
        console.print("  applications sent: " + sent)
    if loaded.refused:
        console.print("  applications refused, withdrawn or declined: " + ", ".join(loaded.refused))
    if loaded.paid_fees:
        console.print(
            f"  fees already paid: ${loaded.paid_fees:,} (in every plan's total cost)"
            + (
                f", more than the budget ${loaded.budget:,}"
                if loaded.paid_fees > loaded.budget
                else ""
            )
        )
    if loaded.exclude:
        console.print("  excluded: " + ", ".join(loaded.exclude))
    for drop in problem.unplaceable_locks:
        console.print(
            Text.assemble(
                ("warning:", "yellow"), f" lock {drop.program_id}@{drop.start}: {drop.detail}"
            )
        )
    err = Console(stderr=True, highlight=False, markup=False)
    # A deadline before the opening day is a warning of the loader's, at its row.
    for program in loaded.programs:
        if program.starts and max(program.starts) < loaded.scenario.planning_date:
            err.print(
                Text.assemble(
                    ("note:", "yellow"),
                    f" {program.id}: every start is before the planning date "
                    f"{loaded.scenario.planning_date} (the year mistyped?)",
                ),
                soft_wrap=True,
            )
    # A count the feasible offerings cannot reach: no solve is needed to see it.
    short = [
        f"{counted(need, kind + ' rotation')} needed, but {counted(have, kind + ' program')} "
        f"{'has' if have == 1 else 'have'} a feasible start"
        for kind, need in (("radiology", req.radiology_min), ("clinical", req.clinical_min))
        if (have := len(problem.programs_of(kind))) < need
    ]
    for gap in short:
        console.print(
            Text.assemble(
                ("warning:", "yellow"),
                f" {gap}; see the dropped reasons above (--dropped lists each)",
            )
        )
    if problem.unplaceable_locks or short:
        console.print("valid files, but no plan is possible: see the warning above")
    else:
        console.print("valid")


@click.command()
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

    Editors such as VS Code validate and complete YAML from it. It describes
    the canonical form; the loader is more lenient and also reads yes/no and
    1/0 for true/false, numbers written as text (as in a CSV cell) and a
    quoted version "1", so an editor may flag a file that `validate` accepts.

    \b
    Examples:
        rotation-solver schema > scenario.schema.json
        rotation-solver schema --part catalog
    """

    models: dict[str, type[BaseModel]] = {
        "scenario": Scenario,
        "catalog": Program,
        "value-model": ValueModel,
    }
    model = models[part]
    click.echo(json.dumps(standard_bounds(model.model_json_schema()), indent=2))


# pydantic writes a bound it cannot attach to the type (behind a validator) under its own
# name ("ge"); JSON Schema's names are what editors and validators read.
_BOUND_NAMES = {
    "ge": "minimum",
    "le": "maximum",
    "gt": "exclusiveMinimum",
    "lt": "exclusiveMaximum",
}


def standard_bounds(schema: Any) -> Any:
    """The schema with pydantic's bound keys renamed to JSON Schema's, at every level."""
    if isinstance(schema, list):
        return [standard_bounds(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    numeric = schema.get("type") in ("integer", "number")
    return {
        (_BOUND_NAMES[key] if numeric and key in _BOUND_NAMES else key): standard_bounds(value)
        for key, value in schema.items()
    }
