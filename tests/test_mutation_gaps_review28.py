"""Mutation review of this session's changes: each test kills a one-line mutant of the
calendar, the timeline, the catalog reader, the id check, the number hints, the CSV
byte-order mark or apply's room for applications that no other test caught."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from icalendar import Calendar
from openpyxl.utils import get_column_letter

from rotation_solver.calendar_export import _alarm, _Events, event_uid
from rotation_solver.cli import cli
from rotation_solver.planner import plan_scenario
from rotation_solver.scenario import LoadedScenario, load_scenario
from rotation_solver.solve import SolveOptions
from rotation_solver.timeline import (
    KINDS,
    TimelineStep,
    blocked_steps,
    build_timeline,
    in_order,
    letter_check_steps,
)
from tests.conftest import SCENARIOS
from tests.test_review28 import _catalog_rows, _run, _with_catalog, _workbook

EXAMPLE = SCENARIOS / "example" / "scenario.yaml"
GAPS = Path(__file__).parent / "data" / "mutation_gaps_cli"


def _on(loaded: LoadedScenario, planning_date: date) -> LoadedScenario:
    """The scenario planned on another day (nothing else changed)."""
    scenario = loaded.scenario.model_copy(update={"planning_date": planning_date})
    return dataclasses.replace(loaded, scenario=scenario)


def _ics(*args: str) -> list[Any]:
    result = CliRunner().invoke(cli, [*args, "--workers", "1", "--format", "ics"])
    assert result.exit_code == 0, result.output
    return list(Calendar.from_ical(result.stdout_bytes).walk("VEVENT"))


# --- the calendar -----------------------------------------------------------------------


def test_two_events_of_one_subject_and_kind_keep_two_uids(tmp_path: Path) -> None:
    """Kills `_Uids` never counting a second occurrence and `event_uid` leaving the
    occurrence out of its key: two events with one UID are one event on import."""
    from datetime import UTC, datetime

    events_of_s = _Events("s", datetime(2027, 1, 15, tzinfo=UTC))
    first, second, third = (
        events_of_s.uid("rad-a", "deadline"),
        events_of_s.uid("rad-a", "deadline"),
        events_of_s.uid("rad-b", "deadline"),
    )
    assert first == event_uid("s", "rad-a", "deadline")  # the first keeps the plain key
    assert len({first, second, third}) == 3
    assert second == event_uid("s", "rad-a", "deadline", None, 1)
    # Through the command: the exam block listed twice is two events, two UIDs.
    folder = tmp_path / "twice"
    folder.mkdir()
    (folder / "programs.csv").write_bytes((EXAMPLE.parent / "programs.csv").read_bytes())
    line = '    - {start: 2027-07-12, end: 2027-07-25, reason: "home school exam"}\n'
    text = EXAMPLE.read_text("utf-8")
    assert line in text
    (folder / "scenario.yaml").write_text(text.replace(line, line * 2), encoding="utf-8")
    events = _ics("solve", str(folder / "scenario.yaml"))
    blocked = [e for e in events if str(e["SUMMARY"]).startswith("Blocked: ")]
    assert len(blocked) == 2
    every = [str(e["UID"]) for e in events]
    assert len(set(every)) == len(every)


def test_a_step_the_day_after_the_planning_date_reminds_the_evening_before() -> None:
    """Kills the same-day reminder widened past the planning date itself: tomorrow's
    application still gets "Tomorrow: submit" at 09:00 today (-15 h)."""
    today = date(2027, 3, 1)
    step = TimelineStep(today + timedelta(days=1), "submit", "rad-a", "Apply to A")
    assert _alarm(step, today) == (timedelta(hours=-15), "Tomorrow: submit the application")
    same = TimelineStep(today, "submit", "rad-a", "Apply to A")
    assert _alarm(same, today) == (timedelta(hours=9), "Today: submit the application")
    later = TimelineStep(today + timedelta(days=8), "deadline", "rad-a", "Last day")
    assert _alarm(later, today) == (
        timedelta(days=-6, hours=-15),
        "In a week: application deadline",
    )


@pytest.mark.parametrize(
    ("scenario", "flag"),
    [("offers-in-hand", "Offer in hand"), ("applications-sent", "Application sent")],
)
def test_an_offer_in_hand_or_a_sent_application_is_still_a_tentative_rotation(
    scenario: str, flag: str
) -> None:
    """Kills CONFIRMED for an offered (not yet accepted) or applied-for rotation: only a
    lock, an accepted offer, is firm."""
    events = _ics("solve", str(SCENARIOS / scenario / "scenario.yaml"))
    rotations = [e for e in events if str(e["SUMMARY"]).startswith("Rotation: ")]
    flagged = [e for e in rotations if flag in str(e["DESCRIPTION"])]
    assert flagged
    assert {str(e["STATUS"]) for e in rotations} == {"TENTATIVE"}


def test_an_application_sent_on_the_start_day_is_not_after_the_start(monkeypatch: Any) -> None:
    """Kills `submit_on > start` turned `>=` in the rotation event: applying on the first
    day is not "after this rotation starts"."""
    monkeypatch.chdir(GAPS / "A06_submit_on_start_day_warning")
    (event,) = [
        e for e in _ics("solve", "scenario.yaml") if str(e["SUMMARY"]).startswith("Rotation")
    ]
    text = str(event["DESCRIPTION"])
    assert "apply on 2027-06-07" in text and event.decoded("DTSTART") == date(2027, 6, 7)
    assert "after this rotation starts" not in text


# --- the timeline -----------------------------------------------------------------------


def _rotation(pid: str, end: str) -> dict[str, Any]:
    return {"program_id": pid, "end": end}


def test_the_letter_follow_up_counts_rotations_over_before_its_day_only() -> None:
    """Kills `<` turned `<=` on the rotation's end: ERAS 09-25, so the follow-up is on
    09-11; a rotation ending on 09-11 or later has no letter to chase yet (a code review
    changed the rule from the ask date to the end)."""
    loaded = load_scenario(EXAMPLE)
    rotations = [
        _rotation("rad-a", "2027-08-01"),
        _rotation("rad-b", "2027-09-11"),  # ends on the follow-up's day
        _rotation("rad-c", "2027-09-10"),
    ]
    (step,) = letter_check_steps(loaded, rotations)
    assert step.date == date(2027, 9, 11) and step.kind == "letter_check"
    assert step.text.startswith("Check that the letters from rad-a and rad-c reached ERAS")
    assert letter_check_steps(loaded, [_rotation("rad-b", "2027-09-11")]) == []


def test_the_letter_follow_up_on_the_planning_date_is_kept_and_a_past_one_dropped() -> None:
    """Kills `check < today` turned `<=` (a follow-up due today is dropped) and the
    condition dropped (a follow-up before the planning date listed)."""
    loaded = load_scenario(EXAMPLE)
    rotations = [_rotation("rad-a", "2027-08-01")]
    (step,) = letter_check_steps(_on(loaded, date(2027, 9, 11)), rotations)
    assert step.date == date(2027, 9, 11)
    assert letter_check_steps(_on(loaded, date(2027, 9, 12)), rotations) == []


def test_a_blocked_period_under_way_is_a_step_on_the_planning_date() -> None:
    """Kills `end >= today` turned `>` (a period ending today left out) and the step's
    date taken as the period's start even when that is already past."""
    loaded = load_scenario(EXAMPLE)  # blocked 2027-07-12 to 2027-07-25
    (during,) = blocked_steps(_on(loaded, date(2027, 7, 20)))
    assert during.date == date(2027, 7, 20)
    assert "no rotation from 2027-07-12 to 2027-07-25" in during.text
    (last,) = blocked_steps(_on(loaded, date(2027, 7, 25)))
    assert last.date == date(2027, 7, 25)
    assert blocked_steps(_on(loaded, date(2027, 7, 26))) == []


def test_a_fee_of_a_thousand_dollars_or_more_is_written_with_a_comma() -> None:
    """Kills the fee written without its thousands separator ("fee $1200")."""
    loaded = load_scenario(EXAMPLE)
    payload = plan_scenario(loaded, SolveOptions(workers=1, seed=0)).payload
    chosen = {r["program_id"] for r in payload["rotations"]}
    assert "rad-cedar" in chosen
    programs = tuple(
        p.model_copy(update={"fee": 1200}) if p.id == "rad-cedar" else p for p in loaded.programs
    )
    steps = build_timeline(dataclasses.replace(loaded, programs=programs), payload)
    (submit,) = [s for s in steps if s.kind == "submit" and s.program_id == "rad-cedar"]
    assert "; fee $1,200, paid when you apply" in submit.text


def test_steps_of_one_day_follow_the_documented_kind_order() -> None:
    """Kills any swap in `StepKind` among the new kinds: on one day a deadline comes
    before a blocked period, a blocked period before a rotation's start, a rotation's end
    before the letter follow-up, and that before ERAS."""
    day = date(2027, 7, 12)
    order = [
        "offer",
        "pending",
        "document",
        "submit",
        "deadline",
        "blocked",
        "rotation_start",
        "ask_letter",
        "rotation_end",
        "letter_check",
        "eras",
    ]
    assert list(KINDS) == order
    steps = [TimelineStep(day, kind, None, kind) for kind in reversed(order)]  # type: ignore[arg-type]
    assert [s.kind for s in in_order(steps)] == order


# --- the catalog from a spreadsheet -------------------------------------------------------


def _header() -> list[str]:
    return _catalog_rows()[0]


def test_a_merged_title_cell_in_the_header_row_is_read(tmp_path: Path) -> None:
    """Kills the header row's own merges refused: a title merged over the last column
    and an empty one beside it leaves no catalog cell blank."""
    width = len(_header())

    def title(sheet: Any, header: list[str]) -> None:
        sheet.merge_cells(f"{get_column_letter(width)}1:{get_column_letter(width + 1)}1")

    result = _run("solve", str(_workbook(tmp_path / "t", title)), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["objective"] == 213


def test_merges_from_the_header_down_in_the_last_column_and_across_columns_are_refused(
    tmp_path: Path,
) -> None:
    """Kills the merge check keyed on the range's first row (a merge from the header
    down passed), the last catalog column left unchecked (`<` for `<=`), and only the
    range's first column looked at (a merge from a notes column into `id` passed)."""
    header = _header()
    fee = header.index("fee") + 1
    letter, last = get_column_letter(fee), get_column_letter(len(header))

    def from_header(sheet: Any, _: list[str]) -> None:
        sheet.merge_cells(start_row=1, start_column=fee, end_row=3, end_column=fee)

    result = _run("validate", str(_workbook(tmp_path / "a", from_header)))
    assert result.exit_code == 1, result.output
    assert f"cell {letter}1: fee: cells {letter}1:{letter}3 are merged: only {letter}1" in (
        result.output
    )

    def last_column(sheet: Any, _: list[str]) -> None:
        sheet.merge_cells(f"{last}2:{last}3")

    result = _run("validate", str(_workbook(tmp_path / "b", last_column)))
    assert result.exit_code == 1, result.output
    assert f"acceptance: cells {last}2:{last}3 are merged" in result.output

    def notes_first(sheet: Any, _: list[str]) -> None:
        sheet.insert_cols(1)
        sheet.cell(row=1, column=1, value="notes")
        sheet.merge_cells("A2:B2")

    # The merge keeps the empty notes cell and clears the id: no value of the merge is
    # lost, but the row has no id, and says so.
    result = _run("validate", str(_workbook(tmp_path / "c", notes_first)))
    assert result.exit_code == 1, result.output
    assert "cell B2: id:" in result.output


def test_every_merge_over_the_catalog_is_named_not_only_the_first(tmp_path: Path) -> None:
    """Kills the merge problems cut to one: a student unmerges them all in one go."""
    header = _header()
    fee, housing = header.index("fee") + 1, header.index("housing_per_week") + 1

    def two(sheet: Any, _: list[str]) -> None:
        sheet.merge_cells(start_row=2, start_column=fee, end_row=3, end_column=fee)
        sheet.merge_cells(start_row=5, start_column=housing, end_row=6, end_column=housing)

    result = _run("validate", str(_workbook(tmp_path / "m", two)))
    assert result.exit_code == 1, result.output
    f, h = get_column_letter(fee), get_column_letter(housing)
    assert f"cells {f}2:{f}3 are merged" in result.output
    assert f"cells {h}5:{h}6 are merged" in result.output


def test_a_float_excel_shows_with_fifteen_digits_is_not_rounded_further(tmp_path: Path) -> None:
    """Kills 15 significant digits cut to 14: Excel shows 449.999999999999 as it is,
    so it stays a fraction of a dollar, refused, not a silent 450."""
    at = _header().index("housing_per_week") + 1

    def cell(sheet: Any, _: list[str]) -> None:
        sheet.cell(row=2, column=at, value=449.999999999999)

    result = _run("validate", str(_workbook(tmp_path / "f", cell)))
    assert result.exit_code == 1, result.output
    assert "expected a whole number (got '449.999999999999')" in result.output


def test_two_hidden_catalog_sheets_are_not_read_silently(tmp_path: Path) -> None:
    """Kills the hidden-sheet fallback taken with two hidden catalogs (`>= 1` for
    `== 1`): reading the first would drop the other's programs without a word."""

    def two_hidden(sheet: Any, _: list[str]) -> None:
        sheet.title = "Sheet1"
        old = sheet.parent.copy_worksheet(sheet)
        old.title = "Old"
        notes = sheet.parent.create_sheet("Notes")
        notes.append(["what I know about each program"])
        sheet.sheet_state = "hidden"
        old.sheet_state = "hidden"

    result = _run("validate", str(_workbook(tmp_path / "h", two_hidden)))
    assert result.exit_code == 1, result.output
    assert "reading the hidden sheet" not in result.output


@pytest.mark.parametrize("suffix", ["tsv", "tab"])
def test_a_tab_separated_export_by_any_name_gets_the_fix(tmp_path: Path, suffix: str) -> None:
    """Kills `.tsv` or `.tab` left out of the text-export hint."""
    folder = tmp_path / suffix
    folder.mkdir()
    (folder / f"programs.{suffix}").write_text("id\tname\n", encoding="utf-8")
    result = _run("validate", str(_with_catalog(folder, f"programs.{suffix}")))
    assert result.exit_code == 1
    assert "a tab-separated text export is not read" in result.output


@pytest.mark.parametrize(
    ("written", "shown"),
    [('"data\\tables.csv"', "data\\tables.csv"), ('"data\\backup.csv"', "data\\x08ackup.csv")],
)
def test_a_double_quoted_path_with_a_tab_or_backspace_escape_is_named(
    tmp_path: Path, written: str, shown: str
) -> None:
    """Kills `\\t` or `\\b` left out of the control characters: "data\\tables.csv" in
    double quotes holds a tab, "data\\backup.csv" a backspace."""
    folder = tmp_path / "q"
    folder.mkdir()
    result = _run("validate", str(_with_catalog(folder, written)))
    assert result.exit_code == 1
    assert f"'{shown}' not found; the name holds a control character" in result.output


# --- ids ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("character", "named"),
    [("\u0007", "U+0007"), ("\t", "U+0009"), ("\u00a0", "NO-BREAK SPACE, U+00A0")],
)
def test_a_control_character_or_no_break_space_in_an_id_is_named(
    tmp_path: Path, character: str, named: str
) -> None:
    """Kills control characters (category Cc) or odd spaces (Zs) let through in an id."""
    text = (EXAMPLE.parent / "programs.csv").read_text("utf-8")
    text = text.replace("\nrad-cedar,", f"\nrad{character}cedar,", 1)
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "programs.csv").write_text(text, encoding="utf-8")
    result = _run("validate", str(_with_catalog(folder, "programs.csv")))
    assert result.exit_code == 1, result.output
    assert f"the id holds an invisible character ({named}" in result.output
    assert "at position 4" in result.output


def test_a_plain_space_inside_an_id_is_not_an_invisible_character(tmp_path: Path) -> None:
    """Kills every space separator refused: a plain space is seen, and the id is valid."""
    text = (EXAMPLE.parent / "programs.csv").read_text("utf-8")
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "programs.csv").write_text(
        text.replace("\nrad-cedar,", "\nrad cedar,", 1), encoding="utf-8"
    )
    result = _run("validate", str(_with_catalog(folder, "programs.csv")))
    assert result.exit_code == 0, result.output
    assert "invisible character" not in result.output


# --- spreadsheet number formats -------------------------------------------------------------


def _catalog_with(folder: Path, column: str, cell: str) -> Path:
    import csv
    import io

    rows = _catalog_rows()
    rows[1][rows[0].index(column)] = cell
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    folder.mkdir()
    (folder / "programs.csv").write_text(buffer.getvalue(), encoding="utf-8")
    return _with_catalog(folder, "programs.csv")


GROUPED = "digits grouped with spaces); write it without separators, e.g."
DASH = "a dash is how accounting format shows 0: write 0"


@pytest.mark.parametrize(
    ("column", "cell", "words"),
    [
        ("housing_per_week", "1\u202f200", f"{GROUPED} 1200"),  # French Excel's narrow space
        ("housing_per_week", "1\u2009200", f"{GROUPED} 1200"),  # thin space
        ("housing_per_week", "120 000", f"{GROUPED} 120000"),  # three digits first
        ("housing_per_week", "$1 200", f"{GROUPED} 1200"),
        ("housing_per_week", "1 200 000", f"{GROUPED} 1200000"),  # two groups
        ("housing_per_week", "\u2013", DASH),  # en dash
        ("housing_per_week", "\u2014", DASH),  # em dash
        ("acceptance", "-", DASH),  # a decimal column
    ],
)
def test_every_spreadsheet_grouping_and_dash_gets_its_fix(
    tmp_path: Path, column: str, cell: str, words: str
) -> None:
    """Kills the narrow and thin no-break spaces, a three-digit first group, the `$`
    prefix or the repeated groups left out of the grouped-digits hint, and the en and
    em dashes or decimal columns left out of the accounting-dash hint."""
    result = _run("validate", str(_catalog_with(tmp_path / "n", column, cell)))
    assert result.exit_code == 1, result.output
    assert "programs.csv:2:" in result.output and words in result.output


@pytest.mark.parametrize("column", ["img_friendly", "tier", "application_deadline"])
def test_a_dash_in_a_column_that_is_no_number_is_not_called_an_accounting_zero(
    tmp_path: Path, column: str
) -> None:
    """Kills the accounting-dash hint given whatever the column: "write 0" is no fix for
    a yes/no, a tier or a date."""
    result = _run("validate", str(_catalog_with(tmp_path / "d", column, "-")))
    assert result.exit_code == 1, result.output
    assert "programs.csv:2:" in result.output and f"{column}:" in result.output
    assert "(got '-')" in result.output or "got '-'" in result.output
    assert DASH not in result.output


# --- apply ------------------------------------------------------------------------------


def test_two_offers_from_one_program_make_room_for_one_rotation_not_two(tmp_path: Path) -> None:
    """Kills offers counted per offered start in apply's cap (the first fix's room): rad-3a
    offered two starts is still one rotation in a plan, so one application is one short."""
    source = Path(__file__).parent / "data" / "review28" / "offers_cap"
    (tmp_path / "programs.csv").write_bytes((source / "programs.csv").read_bytes())
    one = "- program: rad-3a\n  start: 2027-08-02\n"
    text = (source / "scenario.yaml").read_text("utf-8")
    assert one in text
    two = one + "- program: rad-3a\n  start: 2027-06-07\n"
    (tmp_path / "scenario.yaml").write_text(text.replace(one, two), encoding="utf-8")
    result = _run("apply", str(tmp_path / "scenario.yaml"), "--max-applications", "1")
    assert result.exit_code == 3, result.output
    assert "every plan needs at least 2 applications, more than max_applications 1" in (
        result.output
    )


# --- the CSV byte-order mark ------------------------------------------------------------------


def test_only_a_csv_file_gets_the_byte_order_mark(tmp_path: Path) -> None:
    """Kills the mark written for every format: a JSON or Markdown file with "Müller"
    stays plain UTF-8 (a JSON reader refuses a leading mark)."""
    text = (EXAMPLE.parent / "programs.csv").read_text("utf-8")
    folder = tmp_path / "u"
    folder.mkdir()
    (folder / "programs.csv").write_text(
        text.replace("Cedar Lantern Medical Center", "Cedar Müller Center"), encoding="utf-8"
    )
    scenario = _with_catalog(folder, "programs.csv")
    for command, name in (("solve", "plan.json"), ("timeline", "steps.json"), ("solve", "plan.md")):
        target = tmp_path / name
        result = _run(command, str(scenario), "-o", str(target))
        assert result.exit_code == 0, result.output
        data = target.read_bytes()
        assert "Müller".encode() in data and not data.startswith(b"\xef\xbb\xbf"), name
        if name.endswith(".json"):
            json.loads(data.decode("utf-8"))


def test_a_dash_with_spaces_around_it_is_still_an_accounting_zero(tmp_path: Path) -> None:
    """Kills the dash compared unstripped: a quoted " - " in the scenario gets the fix."""
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "programs.csv").write_bytes((EXAMPLE.parent / "programs.csv").read_bytes())
    text = EXAMPLE.read_text("utf-8")
    assert "budget: 9000\n" in text
    (folder / "scenario.yaml").write_text(
        text.replace("budget: 9000\n", 'budget: " - "\n'), encoding="utf-8"
    )
    result = _run("validate", str(folder / "scenario.yaml"))
    assert result.exit_code == 1, result.output
    assert f"budget: expected a whole number (got ' - '); {DASH}" in result.output
