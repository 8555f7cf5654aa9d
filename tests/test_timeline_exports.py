"""The plan turned into dated actions, a calendar and a picture (issue 3, parts 3 and 4)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from rotation_solver import plot
from rotation_solver.calendar_export import calendar_ics
from rotation_solver.cli import cli
from rotation_solver.cli import options as cli_options
from rotation_solver.planner import PlanOutcome, plan_scenario
from rotation_solver.render import render_csv, render_markdown
from rotation_solver.scenario import LoadedScenario, Lock, load_scenario
from rotation_solver.scenario.schema import BlockedPeriod
from rotation_solver.solve import SolveOptions
from rotation_solver.timeline import KINDS, build_timeline, timeline_json
from tests.conftest import CALENDAR_WRITTEN_AT, SCENARIOS

EXAMPLE = SCENARIOS / "example" / "scenario.yaml"
INFEASIBLE = SCENARIOS / "infeasible" / "scenario.yaml"
FAST = ["--workers", "1", "--seed", "0"]
OPTIONS = SolveOptions(workers=1, seed=0)


@pytest.fixture(scope="module")
def example() -> tuple[LoadedScenario, PlanOutcome]:
    loaded = load_scenario(EXAMPLE)
    return loaded, plan_scenario(loaded, OPTIONS)


@pytest.fixture(scope="module")
def locked() -> tuple[LoadedScenario, PlanOutcome]:
    loaded = load_scenario(EXAMPLE, locks=[Lock(program="rad-lakeshore", start=date(2027, 6, 7))])
    return loaded, plan_scenario(loaded, OPTIONS)


def _documents_needed(loaded: LoadedScenario, payload: dict[str, Any]) -> set[str]:
    return {
        name
        for r in payload["rotations"]
        if not r["locked"]
        for name in loaded.program(r["program_id"]).requires
    }


# --- timeline -------------------------------------------------------------------


def test_timeline_is_sorted_and_has_every_kind(
    example: tuple[LoadedScenario, PlanOutcome],
) -> None:
    loaded, outcome = example
    payload = outcome.payload
    steps = build_timeline(loaded, payload)
    rank = {kind: i for i, kind in enumerate(KINDS)}
    keys = [(s.date, rank[s.kind]) for s in steps]
    assert keys == sorted(keys)
    # The example has no offers, and no applications sent.
    assert {s.kind for s in steps} == set(KINDS) - {"offer", "pending"}
    assert all(s.date >= loaded.scenario.planning_date for s in steps)
    rotations = payload["rotations"]
    for kind in ("submit", "rotation_start", "ask_letter", "rotation_end"):
        assert sorted(s.program_id or "" for s in steps if s.kind == kind) == sorted(
            r["program_id"] for r in rotations
        )
    with_deadline = sorted(r["program_id"] for r in rotations if r["deadline"])
    assert sorted(s.program_id or "" for s in steps if s.kind == "deadline") == with_deadline
    assert [s.date for s in steps if s.kind == "eras"] == [loaded.scenario.eras_submission]
    documents = {s.document for s in steps if s.kind == "document"}
    assert documents == _documents_needed(loaded, payload)
    # Building it twice gives the same list (stable tiebreak).
    assert build_timeline(loaded, payload) == steps


def test_every_application_is_submitted_on_time(
    example: tuple[LoadedScenario, PlanOutcome],
) -> None:
    loaded, outcome = example
    steps = build_timeline(loaded, outcome.payload)
    submit = {s.program_id: s.date for s in steps if s.kind == "submit"}
    deadline = {s.program_id: s.date for s in steps if s.kind == "deadline"}
    starts = {s.program_id: s.date for s in steps if s.kind == "rotation_start"}
    for rotation in outcome.payload["rotations"]:
        pid = rotation["program_id"]
        assert submit[pid] == date.fromisoformat(rotation["submit_on"])
        if rotation["deadline"]:
            assert submit[pid] <= deadline[pid] == date.fromisoformat(rotation["deadline"])
        assert submit[pid] < starts[pid]
        # The documents the application needs are ready by the day it is sent.
        for name in loaded.program(pid).requires:
            assert loaded.scenario.documents[name] <= submit[pid]


def test_letter_is_asked_for_in_the_last_week(
    example: tuple[LoadedScenario, PlanOutcome],
) -> None:
    loaded, outcome = example
    asks = {
        s.program_id: s.date
        for s in build_timeline(loaded, outcome.payload)
        if s.kind == "ask_letter"
    }
    for rotation in outcome.payload["rotations"]:
        start = date.fromisoformat(rotation["start"])
        end = date.fromisoformat(rotation["end"])
        assert asks[rotation["program_id"]] == end - timedelta(days=6)
        assert start <= asks[rotation["program_id"]] <= end


@pytest.mark.parametrize(
    ("citizenship", "school", "said"),
    [
        ("us_citizen", "img", "state your U.S. citizenship explicitly"),
        ("permanent_resident", "img", "state your permanent residency explicitly"),
        ("visa_required", "img", None),
        ("us_citizen", "us_md", None),  # no one reads "IMG" as "visa" for a U.S. school
    ],
)
def test_eras_step_says_to_state_citizenship_only_for_img_citizens(
    example: tuple[LoadedScenario, PlanOutcome], citizenship: str, school: str, said: str | None
) -> None:
    loaded, outcome = example
    student = loaded.scenario.student.model_copy(
        update={"citizenship": citizenship, "school_type": school}
    )
    loaded = dataclasses.replace(
        loaded, scenario=loaded.scenario.model_copy(update={"student": student})
    )
    (eras,) = [s for s in build_timeline(loaded, outcome.payload) if s.kind == "eras"]
    if said is None:
        assert "explicitly" not in eras.text
    else:
        assert said in eras.text


def test_a_locked_rotation_has_no_application_steps(
    locked: tuple[LoadedScenario, PlanOutcome],
) -> None:
    loaded, outcome = locked
    steps = build_timeline(loaded, outcome.payload)
    lakeshore = [s for s in steps if s.program_id == "rad-lakeshore"]
    assert {s.kind for s in lakeshore} == {"rotation_start", "ask_letter", "rotation_end"}
    assert "accepted offer" in next(s.text for s in lakeshore if s.kind == "rotation_start")
    events = Calendar.from_ical(calendar_ics(loaded, outcome.payload)).walk("VEVENT")
    summaries = [str(e["SUMMARY"]) for e in events]
    assert "Apply to rad-lakeshore" not in summaries
    assert "Ask for the letter at rad-lakeshore" in summaries


def test_timeline_json_is_plain_data(example: tuple[LoadedScenario, PlanOutcome]) -> None:
    loaded, outcome = example
    steps = build_timeline(loaded, outcome.payload)
    rows = json.loads(json.dumps(timeline_json(steps)))
    assert len(rows) == len(steps)
    assert set(rows[0]) == {"date", "kind", "program_id", "text", "document"}
    assert [date.fromisoformat(r["date"]) for r in rows] == [s.date for s in steps]


# --- calendar -------------------------------------------------------------------


def test_calendar_parses_back_with_one_event_per_action(
    example: tuple[LoadedScenario, PlanOutcome],
) -> None:
    loaded, outcome = example
    payload = outcome.payload
    calendar = Calendar.from_ical(calendar_ics(loaded, payload))
    events = calendar.walk("VEVENT")
    rotations = payload["rotations"]
    expected = (
        len(rotations)  # one all-day event per rotation
        + sum(1 for r in rotations if not r["locked"])  # submit-on reminders
        + sum(1 for r in rotations if r["deadline"] and not r["locked"])  # deadlines
        + len(rotations)  # letter requests
        # documents due on or after the planning date (one ready before is no event)
        + len(
            {
                d
                for d in _documents_needed(loaded, payload)
                if loaded.scenario.documents[d] >= loaded.scenario.planning_date
            }
        )
        + 1  # ERAS
        + 1  # follow up on the letters two weeks before ERAS
        + len(loaded.scenario.calendar.blocked)  # the blocked periods (a student's idea)
    )
    assert len(events) == expected
    (check,) = [e for e in events if str(e["SUMMARY"]) == "Follow up on letters"]
    assert check.decoded("DTSTART") == loaded.scenario.eras_submission - timedelta(days=14)
    (exam,) = [e for e in events if str(e["SUMMARY"]).startswith("Blocked: ")]
    assert str(exam["SUMMARY"]) == "Blocked: home school exam"
    assert (exam.decoded("DTSTART"), exam.decoded("DTEND")) == (
        date(2027, 7, 12),
        date(2027, 7, 26),  # exclusive: the day after 07-25
    )
    assert str(exam["TRANSP"]) == "OPAQUE"  # an exam is busy time
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    # Stamped when written (SOURCE_DATE_EPOCH, pinned by conftest), one SEQUENCE for all.
    stamp = datetime.fromtimestamp(int(CALENDAR_WRITTEN_AT), UTC)
    assert all(e.decoded("DTSTAMP") == stamp for e in events)
    minutes = int((stamp - datetime(2026, 1, 1, tzinfo=UTC)).total_seconds()) // 60
    assert {int(e["SEQUENCE"]) for e in events} == {minutes}
    by_summary = {str(e["SUMMARY"]): e for e in events}
    for rotation in rotations:
        event = next(
            e
            for s, e in by_summary.items()
            if s.startswith(f"Rotation: {rotation['program_name']}")
        )
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert not isinstance(start, datetime) and not isinstance(end, datetime)  # all-day
        assert start == date.fromisoformat(rotation["start"])
        assert end == date.fromisoformat(rotation["end"]) + timedelta(days=1)  # exclusive
        assert f"Apply to {rotation['program_id']}" in by_summary
        assert f"Ask for the letter at {rotation['program_id']}" in by_summary
    assert "Submit ERAS" in by_summary


def test_the_calendar_name_is_escaped() -> None:
    """Found by review: the scenario name went into X-WR-CALNAME unescaped, so "; , \\"
    in it broke the line for a client that unescapes it."""
    loaded = load_scenario(EXAMPLE)
    named = dataclasses.replace(
        loaded, scenario=loaded.scenario.model_copy(update={"name": "Plan; A, B \\new"})
    )
    ics = calendar_ics(named, plan_scenario(named, OPTIONS).payload)
    assert b"X-WR-CALNAME:Away rotations: Plan\\; A\\, B \\\\new\r\n" in ics


def test_an_offer_in_hand_is_a_step_to_accept_not_to_apply(tmp_path: Path) -> None:
    """Extension `offers`: a May re-plan with offers in hand. The timeline and the
    calendar say to accept the one the plan uses, with no application or deadline step, and
    to decline the one it does not (found by review: labelled "Submit application", no
    decline step); CSV leaves their dates blank, as for a lock."""
    folder = EXAMPLE.parent
    (tmp_path / "programs.csv").write_text((folder / "programs.csv").read_text("utf-8"), "utf-8")
    text = (folder / "scenario.yaml").read_text("utf-8")
    text = text.replace("planning_date: 2027-01-15", "planning_date: 2027-05-20")
    text += "offers:\n  - {program: rad-harbor, start: 2027-08-02}\n"
    text += "  - {program: rad-desert, start: 2027-10-04}\n"  # a late letter: not used
    (tmp_path / "scenario.yaml").write_text(text, "utf-8")
    loaded = load_scenario(tmp_path / "scenario.yaml")
    payload = plan_scenario(loaded, OPTIONS).payload
    harbor = next(r for r in payload["rotations"] if r["program_id"] == "rad-harbor")
    assert harbor["offered"] and harbor["value"] == 198  # acceptance 1, deadline passed
    steps = [s for s in build_timeline(loaded, payload) if s.program_id == "rad-harbor"]
    kinds = {s.kind for s in steps}
    assert "deadline" not in kinds
    assert "submit" not in kinds
    # Nothing to send, so no document is needed for it either.
    documents = [s for s in build_timeline(loaded, payload) if s.kind == "document"]
    assert not any("rad-harbor" in s.text for s in documents)
    (accept,) = [s for s in steps if s.kind == "offer"]
    # Other rotations are still to apply for, so `apply`'s answer comes first, and the
    # step says so before it gives this plan's answer.
    assert accept.text.startswith("Check `rotation-solver apply SCENARIO` before answering")
    assert "This plan assumes you accept the offer from Harbor Point" in accept.text
    assert accept.date == date(2027, 5, 20)
    assert accept.label == "Answer an offer"
    assert not any(r["program_id"] == "rad-desert" for r in payload["rotations"])
    (decline,) = [s for s in build_timeline(loaded, payload) if s.program_id == "rad-desert"]
    assert decline.kind == "offer" and decline.date == date(2027, 5, 20)
    # What the plan assumes, not a step to take (found by review: a to-do row said to
    # decline the offer `apply` said to accept).
    assert "This plan assumes you decline the offer from Desert Bloom" in decline.text
    assert "Decline the offer" not in decline.text
    # And what to do once answered, which the direct step says too (found by review).
    assert "Once answered, re-plan: an accepted offer goes under `locks:`" in accept.text
    summaries = {
        str(e["SUMMARY"]) for e in Calendar.from_ical(calendar_ics(loaded, payload)).walk("VEVENT")
    }
    assert {
        "Answer the offer from rad-harbor: check `apply` first",
        "Answer the offer from rad-desert: check `apply` first",
    } <= summaries
    assert "Apply to rad-harbor" not in summaries
    rows = {r["program_id"]: r for r in csv.DictReader(io.StringIO(render_csv(payload)))}
    assert rows["rad-harbor"]["submit_on"] == rows["rad-harbor"]["deadline"] == ""


def test_two_offers_of_one_program_are_two_calendar_events(tmp_path: Path) -> None:
    """Accepting one start and declining the other shared a UID, and a calendar keeps one
    event per UID (found by review)."""
    folder = EXAMPLE.parent
    (tmp_path / "programs.csv").write_text((folder / "programs.csv").read_text("utf-8"), "utf-8")
    text = (folder / "scenario.yaml").read_text("utf-8")
    text = text.replace("planning_date: 2027-01-15", "planning_date: 2027-05-20")
    text += "offers:\n  - {program: rad-harbor, start: 2027-08-02}\n"
    text += "  - {program: rad-harbor, start: 2027-06-07}\n"
    (tmp_path / "scenario.yaml").write_text(text, "utf-8")
    loaded = load_scenario(tmp_path / "scenario.yaml")
    payload = plan_scenario(loaded, OPTIONS).payload
    events = list(Calendar.from_ical(calendar_ics(loaded, payload)).walk("VEVENT"))
    answers = [e for e in events if "the offer from rad-harbor" in str(e["SUMMARY"])]
    assert len(answers) == 2
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)


def test_calendar_is_byte_identical_across_runs() -> None:
    first_loaded = load_scenario(EXAMPLE)
    second_loaded = load_scenario(EXAMPLE)
    first = calendar_ics(first_loaded, plan_scenario(first_loaded, OPTIONS).payload)
    second = calendar_ics(second_loaded, plan_scenario(second_loaded, OPTIONS).payload)
    assert first == second
    assert first.startswith(b"BEGIN:VCALENDAR\r\n") and first.endswith(b"END:VCALENDAR\r\n")


# --- picture --------------------------------------------------------------------


def test_plot_writes_png_and_svg(
    example: tuple[LoadedScenario, PlanOutcome], tmp_path: Path
) -> None:
    loaded, outcome = example
    png = plot.plot_plan(loaded, outcome.payload, tmp_path / "plan.png")
    assert png.stat().st_size > 10_000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = plot.plot_plan(loaded, outcome.payload, tmp_path / "plan.svg")
    text = svg.read_text(encoding="utf-8")
    assert text.startswith("<?xml") and "<svg" in text
    # The same plan draws the same SVG.
    again = plot.plot_plan(loaded, outcome.payload, tmp_path / "again.svg")
    assert again.read_bytes() == svg.read_bytes()
    with pytest.raises(ValueError):
        plot.plot_plan(loaded, outcome.payload, tmp_path / "plan.jpg")
    assert plot.FORMATS == cli_options.PLOT_FORMATS


def test_a_long_legend_is_saved_whole(tmp_path: Path) -> None:
    """Found by review: with two blocked periods the legend's ends were cut off."""
    import matplotlib.image

    loaded = load_scenario(EXAMPLE)
    blocked = [
        {"start": "2027-07-12", "end": "2027-07-18", "reason": "a very long reason " * 3},
        {"start": "2027-11-01", "end": "2027-11-05", "reason": "another long reason " * 3},
    ]
    calendar = loaded.scenario.calendar.model_copy(
        update={"blocked": [BlockedPeriod.model_validate(b) for b in blocked]}
    )
    scenario = loaded.scenario.model_copy(update={"calendar": calendar})
    loaded = dataclasses.replace(loaded, scenario=scenario)
    payload = plan_scenario(loaded, OPTIONS).payload
    figure = plot.draw_plan(loaded, payload)
    figure.draw_without_rendering()
    legend = figure.legends[0].get_window_extent()
    assert legend.x0 < 0 or legend.x1 > figure.bbox.width  # the case: wider than the figure
    saved = plot.plot_plan(loaded, payload, tmp_path / "plan.png")
    width = matplotlib.image.imread(saved).shape[1]
    assert width >= legend.width  # the whole legend is in the picture


def test_the_picture_shows_the_whole_calendar_window_and_no_label_over_eras() -> None:
    """Found by a student's review: a window to January (with a holiday block) was cut
    off in December; an ERAS date of September 15 printed over "best months: Jun–Sep"."""
    from datetime import date

    from matplotlib.dates import num2date

    loaded = load_scenario(EXAMPLE)
    window = loaded.scenario.calendar.window.model_copy(update={"end": date(2028, 1, 31)})
    calendar = loaded.scenario.calendar.model_copy(update={"window": window})
    scenario = loaded.scenario.model_copy(
        update={"calendar": calendar, "eras_submission": date(2027, 9, 15)}
    )
    loaded = dataclasses.replace(loaded, scenario=scenario)
    payload = plan_scenario(loaded, OPTIONS).payload
    figure = plot.draw_plan(loaded, payload)
    figure.draw_without_rendering()
    (ax,) = figure.axes
    assert num2date(ax.get_xlim()[1]).date() > date(2028, 1, 31)
    labels = [t.get_label() for t in figure.legends[0].legend_handles]
    assert "your calendar.window (Jun 1 2027 – Jan 31 2028)" in labels
    texts = [t for t in ax.texts if t.get_text().strip()]
    eras = next(t for t in texts if t.get_text().startswith("ERAS"))
    renderer = figure.canvas.get_renderer()
    box = eras.get_window_extent(renderer)
    assert not any(box.overlaps(t.get_window_extent(renderer)) for t in texts if t is not eras)


def test_plot_of_a_locked_plan(locked: tuple[LoadedScenario, PlanOutcome], tmp_path: Path) -> None:
    loaded, outcome = locked
    path = plot.plot_plan(loaded, outcome.payload, tmp_path / "locked.png")
    assert path.stat().st_size > 10_000


# --- command line ---------------------------------------------------------------


def _invoke(*args: str, stdout_only: bool = False) -> tuple[int, str]:
    """Exit code and what the user sees; `stdout_only`: what a pipe gets (no warnings)."""
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.stdout if stdout_only else result.output


def test_timeline_command_table_and_json() -> None:
    code, output = _invoke("timeline", str(EXAMPLE), *FAST)
    assert code == 0
    for text in ("Timeline", "Submit application", "Ask for the letter", "ERAS submission"):
        assert text in output
    code, output = _invoke("timeline", str(EXAMPLE), *FAST, "--format", "json", stdout_only=True)
    assert code == 0
    rows = json.loads(output)
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert rows[-1]["kind"] == "eras"


def test_timeline_command_csv_markdown_and_files(tmp_path: Path) -> None:
    code, output = _invoke("timeline", str(EXAMPLE), *FAST, "--format", "csv", stdout_only=True)
    assert code == 0 and output.splitlines()[0] == "date,kind,program_id,document,text"
    code, output = _invoke(
        "timeline", str(EXAMPLE), *FAST, "--format", "markdown", stdout_only=True
    )
    assert code == 0 and "| Date | Step | Program | What to do |" in output
    target = tmp_path / "todo.txt"
    assert _invoke("timeline", str(EXAMPLE), *FAST, "-o", str(target))[0] == 0
    assert "ERAS submission" in target.read_text(encoding="utf-8")
    code, output = _invoke("timeline", str(EXAMPLE), *FAST, "-o", str(target))
    assert code == 2 and "--force" in output
    assert _invoke("timeline", str(EXAMPLE), *FAST, "-o", str(target), "--force")[0] == 0


def test_timeline_command_without_a_plan_says_why() -> None:
    code, output = _invoke("timeline", str(INFEASIBLE), *FAST)
    assert code == 3
    assert "infeasible" in output


def test_timeline_says_its_applications_are_the_plans_not_what_to_send() -> None:
    """From a student's review: the timeline is the to-do list a student follows, and it
    listed an application `apply` leaves out without saying so."""
    result = CliRunner().invoke(cli, ["timeline", str(EXAMPLE), *FAST])
    text = " ".join(result.stdout.split())
    assert "as if each program will say yes" in text
    assert "before sending, run `rotation-solver apply`" in text
    assert "it may leave out some of these" in text


def test_timeline_table_without_a_plan_is_on_standard_output_as_solves() -> None:
    """Found by review: `timeline` wrote the reason table to stderr alone, `solve` to
    standard output, so `timeline … > todo.txt` left an empty file."""
    for command in ("solve", "timeline"):
        result = CliRunner().invoke(cli, [command, str(INFEASIBLE), *FAST])
        assert result.exit_code == 3
        assert "Rules in conflict" in result.stdout, command
        assert "Rules in conflict" not in result.stderr, command


def test_solve_writes_calendar_and_picture(tmp_path: Path) -> None:
    ics, png = tmp_path / "plan.ics", tmp_path / "plan.png"
    args = ["solve", str(EXAMPLE), *FAST, "--format", "ics", "-o", str(ics), "--plot", str(png)]
    code, _ = _invoke(*args)
    assert code == 0
    assert len(Calendar.from_ical(ics.read_bytes()).walk("VEVENT")) > 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # Neither file is overwritten without --force; with it, both are.
    before = png.stat().st_mtime_ns
    code, output = _invoke(*args)
    assert code == 2 and "--force" in output
    code, output = _invoke("solve", str(EXAMPLE), *FAST, "--plot", str(png))
    assert code == 2 and "--plot" in output
    assert png.stat().st_mtime_ns == before
    assert _invoke(*args, "--force")[0] == 0


def test_solve_ics_to_stdout_and_bad_plot_suffix(tmp_path: Path) -> None:
    code, output = _invoke("solve", str(EXAMPLE), *FAST, "--format", "ics", stdout_only=True)
    assert code == 0 and output.startswith("BEGIN:VCALENDAR")
    code, output = _invoke("solve", str(EXAMPLE), *FAST, "--plot", str(tmp_path / "plan.jpg"))
    assert code == 2 and "--plot" in output
    code, output = _invoke("solve", str(EXAMPLE), *FAST, "--plot", str(tmp_path / "no" / "p.png"))
    assert code == 2 and "folder does not exist" in output


def test_solve_without_a_plan_draws_nothing(tmp_path: Path) -> None:
    png, ics = tmp_path / "plan.png", tmp_path / "plan.ics"
    code, _ = _invoke(
        "solve", str(INFEASIBLE), *FAST, "--format", "ics", "-o", str(ics), "--plot", str(png)
    )
    assert code == 3
    assert not png.exists() and not ics.exists()


def test_markdown_report_contains_the_timeline(
    example: tuple[LoadedScenario, PlanOutcome],
) -> None:
    loaded, outcome = example
    steps = build_timeline(loaded, outcome.payload)
    report = render_markdown(outcome.payload, timeline=steps)
    assert "## Timeline" in report
    assert report.count("| Ask for the letter |") == len(outcome.payload["rotations"])
    assert "## Timeline" not in render_markdown(outcome.payload)
    code, output = _invoke("solve", str(EXAMPLE), *FAST, "--format", "markdown")
    assert code == 0
    assert "## Timeline" in output and "| ERAS submission |" in output


def test_timeline_json_without_a_plan_is_the_plan_document() -> None:
    result = CliRunner().invoke(
        cli, ["timeline", str(SCENARIOS / "infeasible" / "scenario.yaml"), "--format", "json"]
    )
    assert result.exit_code == 3
    document = json.loads(result.stdout)
    assert document["status"] == "infeasible" and document["rotations"] == []
    assert document["conflict"]["rules"]


def test_timeline_files_without_a_plan_are_still_written(tmp_path: Path) -> None:
    """-o writes a file in every format: CSV the header alone, Markdown and the table
    the reason."""
    for fmt, check in [
        ("csv", lambda text: text == "date,kind,program_id,document,text\n"),
        ("markdown", lambda text: "No plan: these rules cannot all hold" in text),
        ("table", lambda text: "Status" in text and "these rules cannot all hold" in text),
    ]:
        target = tmp_path / f"todo.{fmt}"
        code, _ = _invoke("timeline", str(INFEASIBLE), "--format", fmt, "-o", str(target))
        assert code == 3
        assert check(target.read_text(encoding="utf-8")), fmt


@pytest.mark.parametrize(("opens", "reminded"), [("2027-04-12", False), ("2027-04-05", True)])
def test_a_deadline_reminds_a_week_ahead_only_if_the_application_can_go_by_then(
    make: Any, opens: str, reminded: bool
) -> None:
    """From two reviews: "In a week: application deadline" fired before the application
    could even go out (sent on the deadline day); then it reminds on the morning of the
    deadline instead (a third review: the deadline had no reminder of its own)."""
    from tests.conftest import program

    row = program("r", weeks=4, deadline_weeks_before_start=8, application_opens=opens)
    req = {"radiology": {"min": 1, "max": 1}, "clinical": {"min": 0, "max": 1}, "tier_mix": False}
    loaded = make([row], requirements=req)
    outcome = plan_scenario(loaded, SolveOptions(workers=1))
    events = Calendar.from_ical(calendar_ics(loaded, outcome.payload)).walk("VEVENT")
    by_summary = {str(e["SUMMARY"]): e for e in events}
    deadline = by_summary["Deadline: r"]
    assert deadline.decoded("DTSTART") == date(2027, 4, 12)  # 8 weeks before 06-07
    (alarm,) = deadline.walk("VALARM")
    week_ahead = alarm.decoded("TRIGGER") == -timedelta(days=6, hours=15)
    assert week_ahead == reminded
    assert week_ahead or alarm.decoded("TRIGGER") == timedelta(hours=9)
    assert by_summary["Apply to r"].walk("VALARM")  # the day before it goes out


def test_two_blocked_periods_with_one_start_and_reason_are_two_events() -> None:
    """Found by review: their calendar UIDs were the same, so a calendar kept one."""
    loaded = load_scenario(EXAMPLE)
    blocked = [
        {"start": "2027-07-12", "end": "2027-07-18", "reason": "exam"},
        {"start": "2027-07-12", "end": "2027-07-25", "reason": "exam"},
    ]
    calendar = loaded.scenario.calendar.model_copy(
        update={"blocked": [BlockedPeriod.model_validate(b) for b in blocked]}
    )
    loaded = dataclasses.replace(
        loaded, scenario=loaded.scenario.model_copy(update={"calendar": calendar})
    )
    payload = plan_scenario(loaded, OPTIONS).payload
    events = Calendar.from_ical(calendar_ics(loaded, payload)).walk("VEVENT")
    uids = [str(e["UID"]) for e in events if str(e["SUMMARY"]).startswith("Blocked: ")]
    assert len(uids) == 2 and len(set(uids)) == 2


def test_solve_and_apply_calendars_share_a_uid_only_for_the_same_event(tmp_path: Path) -> None:
    """Found by review: `solve`'s "Answer the offer from rad-rainfern: check `apply`
    first" and `apply`'s "Decline the offer from rad-rainfern" had one UID, so a
    calendar holding both files kept either."""
    from rotation_solver.cli.group import cli as group

    scenario = str(Path(__file__).parent.parent / "scenarios" / "offers-in-hand" / "scenario.yaml")
    events: dict[str, dict[str, str]] = {}
    for command in ("solve", "apply"):
        target = tmp_path / f"{command}.ics"
        result = CliRunner().invoke(
            group, [command, scenario, "--workers", "1", "--format", "ics", "-o", str(target)]
        )
        assert result.exit_code == 0, result.output
        calendar = Calendar.from_ical(target.read_bytes())
        events[command] = {str(e["UID"]): str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
    shared = set(events["solve"]) & set(events["apply"])
    assert shared  # ERAS, documents: the same events
    assert all(events["solve"][uid] == events["apply"][uid] for uid in shared)
    offers = {s for s in events["apply"].values() if "offer from rad-rainfern" in s}
    assert offers and not offers & set(events["solve"].values())


def _drawn(example: str) -> tuple[dict[str, Any], list[str], list[str]]:
    """(plan, texts, legend labels) of the plan picture of a shipped scenario."""
    loaded = load_scenario(Path(__file__).parent.parent / "scenarios" / example / "scenario.yaml")
    payload = plan_scenario(loaded, OPTIONS).payload
    figure = plot.draw_plan(loaded, payload)
    legend = [str(t.get_label()) for t in figure.legends[0].legend_handles]
    return payload, [t.get_text() for t in figure.axes[0].texts], legend


def test_the_plan_picture_draws_no_application_for_an_offer_in_hand() -> None:
    """Found by review: "apply Feb 25" was drawn for offers in hand (nothing to send),
    which were labelled "accepted offer (locked)" besides."""
    payload, texts, legend = _drawn("offers-in-hand")
    offered = [r for r in payload["rotations"] if r.get("offered")]
    assert offered
    applies = [t for t in texts if t.startswith("apply ")]
    assert len(applies) == len(payload["rotations"]) - len(offered)
    assert texts.count("offer in hand") == len(offered)
    assert "accepted offer (locked)" not in texts
    assert ("submit application" in legend) == bool(applies)


def test_the_plan_picture_labels_an_application_sent_as_such() -> None:
    payload, texts, _legend = _drawn("applications-sent")
    sent = [r for r in payload["rotations"] if r.get("applied")]
    assert sent
    assert texts.count("application sent, answer to come") == len(sent)


def test_the_timeline_markdown_carries_the_plans_warnings() -> None:
    """Found by review: the warnings went to the terminal only, lost in a forwarded file."""
    from rotation_solver.cli.group import cli as group

    path = str(Path(__file__).parent.parent / "scenarios" / "tight-budget" / "scenario.yaml")
    as_json = CliRunner().invoke(group, ["solve", path, "--workers", "1", "--format", "json"])
    warnings = json.loads(as_json.stdout)["warnings"]
    assert warnings
    result = CliRunner().invoke(group, ["timeline", path, "--workers", "1", "--format", "markdown"])
    assert result.exit_code == 0
    assert f"> warning: {warnings[-1]}" in result.stdout


def test_an_offer_steps_uid_follows_its_calendar_not_its_answer() -> None:
    """Found by review: keyed by the answer, a re-run whose answer changed left "Accept
    X" and "Decline X" side by side in a calendar; keyed by nothing, `solve`'s and
    `apply`'s calendars shared one UID for two answers."""
    from datetime import UTC

    from rotation_solver.calendar_export import _Events, _step_event
    from rotation_solver.timeline import TimelineStep

    day, stamp = date(2027, 2, 25), datetime(2027, 2, 25, tzinfo=UTC)

    def uid(title: str, source: str) -> str:
        step = TimelineStep(
            day, "offer", "rad-a", "text", offer_start=date(2027, 6, 7), title=title
        )
        return str(_step_event(step, _Events("s", stamp), source, day)["UID"])

    assert uid("Accept the offer", "Away rotations") == uid("Decline the offer", "Away rotations")
    assert uid("Decline the offer", "Away rotations") != uid("Decline the offer", "Applications")


def test_a_table_saved_to_a_file_keeps_the_warnings(tmp_path: Path) -> None:
    """Found by review: `solve -o plan.txt` left the warnings on the terminal only."""
    from rotation_solver.cli.group import cli as group

    path = str(Path(__file__).parent.parent / "scenarios" / "tight-budget" / "scenario.yaml")
    as_json = CliRunner().invoke(group, ["solve", path, "--workers", "1", "--format", "json"])
    warnings = json.loads(as_json.stdout)["warnings"]
    assert warnings
    target = tmp_path / "plan.txt"
    result = CliRunner().invoke(group, ["solve", path, "--workers", "1", "-o", str(target)])
    assert result.exit_code == 0, result.output
    saved = target.read_text(encoding="utf-8")
    assert all(f"warning: {w}" in saved for w in warnings)
