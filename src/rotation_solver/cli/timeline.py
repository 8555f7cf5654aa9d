"""`rotation-solver timeline`: the plan as dated actions, from the planning date to ERAS."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from rotation_solver import markdown
from rotation_solver.cli.options import (
    FilePath,
    debug_option,
    emit,
    emit_calendar,
    load,
    output_options,
    refuse_overwrite,
    scenario_options,
    solver_options,
    table_to_stderr,
    warn_about_plan,
    write_output,
)
from rotation_solver.errors import ExitCode
from rotation_solver.planner import PlanOutcome, plan_scenario
from rotation_solver.render import render_json, render_table
from rotation_solver.scenario import LoadedScenario, Lock
from rotation_solver.solve import SolveOptions
from rotation_solver.timeline import (
    OfferAnswer,
    answers_to_come,
    build_timeline,
    other_applications_note,
    pending_words,
    timeline_csv,
    timeline_json,
    timeline_markdown,
    timeline_table,
)


@click.command()
@click.argument("scenario", type=FilePath())
@output_options(("table", "json", "csv", "markdown", "ics"))
@solver_options
@scenario_options
@debug_option
def timeline(
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
    """Solve SCENARIO, then list every dated step from its planning date to ERAS submission.

    Documents to have ready, applications to submit (and their deadlines),
    rotation starts and ends, when to ask for each letter (the last week of
    the rotation) and the ERAS submission, sorted by date. When no plan
    exists, the reason is shown instead (exit 3 or 4, as for `solve`); JSON
    then holds the plan document with its reason, CSV only the header, a
    table written with -o the reason table, and no calendar is written.
    `--format ics` is the calendar of these steps, as `solve --format ics` is of
    its plan; they differ only where the steps follow `apply`'s answer.

    With offers in hand (`offers:`) and applications still to send or to be
    answered, the offers are answered as `rotation-solver apply SCENARIO`
    answers them with its defaults (the scenario's max_applications, 200
    sampled outcomes where the catalog is too large to value every outcome,
    --seed, within --time-limit), and the steps follow that answer. If that
    search runs out of time, the steps say to run `apply` before answering.

    \b
    Example:
        rotation-solver timeline scenarios/example/scenario.yaml
        rotation-solver timeline scenarios/example/scenario.yaml --format csv -o todo.csv
        rotation-solver timeline scenarios/offers-in-hand/scenario.yaml -o todo.ics
    """
    refuse_overwrite(output, force, "--output")
    loaded = load(scenario, value_model=value_model, locks=locks, exclude=exclude)
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
    err = Console(stderr=True)
    if err.is_terminal:
        with err.status("Solving with CP-SAT…"):
            outcome = plan_scenario(loaded, options, advise=True)
    else:
        outcome = plan_scenario(loaded, options, advise=True)
    status = outcome.result.status
    if not outcome.result.has_plan:
        # No plan, no timeline: the reason table, on standard output as `solve` shows it
        # when a table was asked for there, else on stderr beside the document (JSON
        # readers get the plan document, with status, why and conflict, as `solve`'s).
        if fmt == "table" and output is None:
            emit(outcome.payload, fmt, output, render_table, render_json)
            sys.exit(ExitCode.for_status(status))
        if fmt == "ics":
            emit_calendar(outcome.payload, output, render_table, None, "no plan")
            sys.exit(ExitCode.for_status(status))
        table_to_stderr(render_table, outcome.payload)
        if fmt == "json" or fmt == "table":
            # -o always leaves a file, as `solve -o` does: here the reason table
            emit(outcome.payload, fmt, output, render_table, render_json)
        elif fmt == "csv":  # no steps: the header alone, so a script reads an empty table
            write_output(timeline_csv([]), output, fmt)
        elif fmt == "markdown":
            why = outcome.payload.get("why") or "no plan"
            title = f"# Timeline: {markdown.cell(outcome.payload['scenario'])}"
            write_output(f"{title}\n\nNo plan: {why}\n", output, fmt)
        sys.exit(ExitCode.for_status(status))

    planned, offer_answer = loaded, None
    if loaded.offers and answers_to_come(outcome.payload):
        # Found by a student's review: the steps said `apply`'s answer to the offers was
        # the one to give, then laid out this plan's own. Follow `apply`'s answer.
        offer_answer, followed = _follow_apply(loaded, options, err, pending_words(outcome.payload))
        if followed is not None:
            planned, outcome = followed
            status = outcome.result.status
    steps = build_timeline(loaded, outcome.payload, offer_answer)
    answered_by = ", following `apply`'s answer to the offers" if offer_answer else ""
    if fmt == "table":
        title = (
            f"Timeline: {outcome.payload['scenario']} "
            f"({status}, objective {outcome.payload['objective']}{answered_by})"
        )
        note = other_applications_note(loaded, offer_answer is not None)
        table = timeline_table(steps, title, loaded.scenario.planning_date, note)
        emit(outcome.payload, fmt, output, lambda _p, console: console.print(table), width=140)
        warn_about_plan(planned, outcome.payload)
        sys.exit(ExitCode.for_status(status))
    if fmt == "ics":
        # Found by a season review: with offers in hand the steps follow `apply`'s
        # answer, where `solve`'s calendar holds its own plan; this one is the steps'.
        from rotation_solver.calendar_export import (  # icalendar loads late
            APPLICATIONS,
            calendar_ics,
        )

        # An offer `apply` says to accept is not accepted yet: tentative, in hand.
        accept = (
            {(o.program, o.start.isoformat()) for o in offer_answer.accept}
            if offer_answer
            else set()
        )
        payload = {
            **outcome.payload,
            "rotations": [
                {**r, "locked": False, "offered": True}
                if (r["program_id"], r["start"]) in accept
                else r
                for r in outcome.payload["rotations"]
            ],
        }
        # Only where `apply` answered (found by review: said after it ran out of time).
        answered = "Offer in hand: accept it (`rotation-solver apply`'s answer)"
        offer_note = answered if offer_answer is not None else None
        # Following `apply`, its applications, deadlines and offers are `apply`'s events
        # (found by a season-long review: imported beside `apply`'s calendar, as the
        # README says, each came twice; and `apply --since` could not cancel them).
        source = APPLICATIONS if offer_answer is not None else None
        emit_calendar(
            payload,
            output,
            render_table,
            lambda: calendar_ics(loaded, payload, steps, offer_note=offer_note, source=source),
            "",
        )
        warn_about_plan(planned, outcome.payload)
        sys.exit(ExitCode.for_status(status))
    if fmt == "json":
        text = render_json(timeline_json(steps))
    elif fmt == "csv":
        text = timeline_csv(steps)
    else:
        heading = f"# Timeline: {markdown.cell(outcome.payload['scenario'])}"
        if offer_answer:
            heading += f" ({answered_by.lstrip(', ')})"
        note = other_applications_note(loaded, offer_answer is not None)
        lines = [heading, "", *timeline_markdown(steps), "", note]
        # The warnings travel with the report, as `solve`'s Markdown has them (found by
        # review: a forwarded timeline lost them to the terminal).
        warnings = markdown.warning_lines(outcome.payload.get("warnings", []))
        lines += ["", *warnings] if warnings else []
        text = "\n".join(lines) + "\n"
    write_output(text, output, fmt)
    warn_about_plan(planned, outcome.payload)
    sys.exit(ExitCode.for_status(status))


def _follow_apply(
    loaded: LoadedScenario, options: SolveOptions, err: Console, pending: str
) -> tuple[OfferAnswer | None, tuple[LoadedScenario, PlanOutcome] | None]:
    """`apply`'s answer to the offers in hand and the plan that follows it (its accepted
    offers locked, its declined ones left out); (None, None) when no way has a plan, or
    when the search ran out of time before every way was weighed: an answer cut short is
    no answer to give (found by review), so the steps then defer to `apply`."""
    from rotation_solver.portfolio.acceptance import OUT_OF_TIME, answered
    from rotation_solver.portfolio.apply import answer_as_apply, application_dict

    if err.is_terminal:
        with err.status("Answering the offers in hand as `rotation-solver apply` does…"):
            answers = answer_as_apply(loaded, options)
    else:
        answers = answer_as_apply(loaded, options)
    cut = any(way.outcome == OUT_OF_TIME or way.cut_short for way in answers.ways)
    if answers.choice is None or cut:
        return None, None
    followed = answered(loaded, answers.accept)
    outcome = plan_scenario(followed, options, advise=True)
    if not outcome.result.has_plan:
        return None, None
    choice = answers.choice
    chosen = tuple(application_dict(choice.problem.candidates[j]) for j in choice.found.portfolio)
    return OfferAnswer(answers.accept, answers.decline, pending, chosen), (followed, outcome)
