"""Found by this session's reviews: each test fails on the code before its fix, except the
guards beside them (an empty merge is read, ids in other scripts stay allowed)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from rotation_solver.cli import cli
from tests.conftest import SCENARIOS

EXAMPLE = SCENARIOS / "example" / "scenario.yaml"


def _example_with(folder: Path, **changes: str) -> Path:
    """The example scenario in `folder`, with some top-level dates changed."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "programs.csv").write_bytes((EXAMPLE.parent / "programs.csv").read_bytes())
    text = EXAMPLE.read_text("utf-8")
    for key, value in changes.items():
        lines = [line for line in text.splitlines() if line.startswith(f"{key}: ")]
        assert len(lines) == 1, key
        text = text.replace(lines[0], f"{key}: {value}")
    path = folder / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _events(command: str, path: Path) -> dict[str, Any]:
    """The calendar's events by summary."""
    args = [command, str(path), "--workers", "1", "--format", "ics"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    events = list(Calendar.from_ical(result.stdout_bytes).walk("VEVENT"))
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    return {str(e["SUMMARY"]): e for e in events}


def _reminders(event: Any) -> list[tuple[timedelta, str]]:
    return [(a.decoded("TRIGGER"), str(a["DESCRIPTION"])) for a in event.walk("VALARM")]


# --- the plan calendar ------------------------------------------------------------------


def test_a_replan_that_moves_events_keeps_their_uids(tmp_path: Path) -> None:
    """Found by review: UIDs were keyed by the date, so a later ERAS date gave "Submit
    ERAS" (and every moved rotation) a new UID, and the old event stayed beside the new
    one on import."""
    before = _events("solve", _example_with(tmp_path / "before"))
    after = _events("solve", _example_with(tmp_path / "after", eras_submission="2027-10-20"))
    assert before["Submit ERAS"].decoded("DTSTART") != after["Submit ERAS"].decoded("DTSTART")
    assert str(before["Submit ERAS"]["UID"]) == str(after["Submit ERAS"]["UID"])
    moved = 0
    for name, event in after.items():
        # A deadline is its start's: another start's deadline is another event.
        if name in before and not name.startswith("Deadline: "):
            assert str(event["UID"]) == str(before[name]["UID"]), name
            moved += event.decoded("DTSTART") != before[name].decoded("DTSTART")
    assert moved >= 3  # ERAS, em-saguaro's rotation and its letter request


def test_only_an_accepted_offer_is_a_confirmed_rotation(tmp_path: Path) -> None:
    """Found by review: rotations nobody had offered yet were booked as firm events, with
    no word that they happen only if the program offers."""
    path = _example_with(tmp_path / "s")
    args = ["solve", str(path), "--workers", "1", "--format", "ics"]
    result = CliRunner().invoke(cli, [*args, "--lock", "rad-lakeshore@2027-06-07"])
    assert result.exit_code == 0, result.output
    rotations = [
        e
        for e in Calendar.from_ical(result.stdout_bytes).walk("VEVENT")
        if str(e["SUMMARY"]).startswith("Rotation: ")
    ]
    status = {str(e["DESCRIPTION"]).splitlines()[0]: str(e["STATUS"]) for e in rotations}
    assert status.pop("Program: rad-lakeshore") == "CONFIRMED"
    assert status and set(status.values()) == {"TENTATIVE"}
    for event in rotations:
        text = str(event["DESCRIPTION"])
        if "rad-lakeshore" not in text.splitlines()[0]:
            assert "Not offered yet: this rotation happens only if" in text
            assert "% chance" in text


def test_a_rotation_applied_for_after_it_starts_says_so_in_the_calendar(tmp_path: Path) -> None:
    """Found by review: a late-June re-plan took a rotation that began on June 14 (the
    spec allows an application without a deadline to go out after the start); the
    timeline said to confirm it with the program, the calendar event did not."""
    path = _example_with(tmp_path / "s", planning_date="2027-06-25")
    events = _events("solve", path)
    started = [
        e
        for name, e in events.items()
        if name.startswith("Rotation: ") and e.decoded("DTSTART") < date(2027, 6, 25)
    ]
    assert started
    for event in started:
        assert "after this rotation starts: confirm" in str(event["DESCRIPTION"])
    later = [
        e
        for name, e in events.items()
        if name.startswith("Rotation: ") and e.decoded("DTSTART") > date(2027, 6, 25)
    ]
    assert all("after this rotation starts" not in str(e["DESCRIPTION"]) for e in later)


def test_a_step_on_the_planning_date_reminds_that_day_not_the_day_before(tmp_path: Path) -> None:
    """Found by review: "Tomorrow: submit the application" fired the day before the plan
    was made, already past."""
    events = _events("solve", _example_with(tmp_path / "s", planning_date="2027-03-01"))
    today = [e for n, e in events.items() if n.startswith("Apply to ")]
    assert today
    for event in today:
        reminders = _reminders(event)
        if event.decoded("DTSTART") == date(2027, 3, 1):
            assert reminders == [(timedelta(hours=9), reminders[0][1])]
            assert reminders[0][1].startswith("Today: submit the application")
        else:
            assert reminders[0][0] == timedelta(hours=-15)


def test_a_deadline_within_a_week_of_the_submission_reminds_on_its_day(tmp_path: Path) -> None:
    """Found by review: a deadline on the submit day had no reminder at all (the
    week-ahead one would fire before the application can go out)."""
    events = _events("apply", EXAMPLE)
    submits = {
        n.removeprefix("Apply to ").split()[0]: e.decoded("DTSTART")
        for n, e in events.items()
        if n.startswith("Apply to ")
    }
    checked = 0
    for name, event in events.items():
        if not name.startswith("Deadline: "):
            continue
        program = name.removeprefix("Deadline: ")
        days = (event.decoded("DTSTART") - submits[program]).days
        (offset, text), *_ = _reminders(event)
        if days < 7:
            assert offset == timedelta(hours=9) and text.startswith("Today: last day to apply")
            checked += 1
        else:
            assert offset == timedelta(days=-6, hours=-15)
    assert checked  # rad-peachleaf: its deadline is its submit-on day


def test_an_offer_to_answer_has_a_reminder(tmp_path: Path) -> None:
    """Found by review: "Accept the offer" had no reminder, though it lapses in a week."""
    events = _events("apply", SCENARIOS / "offers-in-hand" / "scenario.yaml")
    offers = [e for n, e in events.items() if "the offer from" in n]
    assert offers
    for event in offers:
        (offset, text), *_ = _reminders(event)
        assert offset == timedelta(hours=9) and "answer the offer" in text


# --- the timeline -----------------------------------------------------------------------


def _timeline(path: Path) -> list[dict[str, Any]]:
    args = ["timeline", str(path), "--workers", "1", "--format", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    steps: list[dict[str, Any]] = json.loads(result.stdout)
    return steps


def test_the_timeline_dates_each_fee_the_blocked_periods_and_a_letter_follow_up() -> None:
    """Found by a calendar review: no fee was dated (only folded into a rotation's
    cost), the calendar showed the exam block while the timeline did not, and nothing
    reminded the student to check that the letters had come before ERAS."""
    steps = _timeline(EXAMPLE)
    fees = {"rad-cedar": 80, "rad-juniper": 150, "em-saguaro": 60}
    for step in steps:
        if step["kind"] == "submit":
            assert f"fee ${fees[step['program_id']]:,}, paid when you apply" in step["text"]
    assert {s["program_id"] for s in steps if s["kind"] == "submit"} == set(fees)
    (exam,) = [s for s in steps if s["kind"] == "blocked"]
    assert exam["date"] == "2027-07-12"
    assert exam["text"].startswith("home school exam: no rotation from 2027-07-12 to 2027-07-25")
    (check,) = [s for s in steps if s["kind"] == "letter_check"]
    assert check["date"] == "2027-09-11"  # two weeks before ERAS on 09-25
    # Letters asked for by then: cedar (07-05) and juniper (08-09), saguaro (08-23).
    assert "from rad-cedar, rad-juniper and em-saguaro reached ERAS" in check["text"]


def test_no_follow_up_without_a_letter_asked_for_and_no_past_blocked_period(
    tmp_path: Path,
) -> None:
    """No follow-up step names no letter; a blocked period over before the planning
    date is not a step."""
    path = _example_with(tmp_path / "early", eras_submission="2027-07-01")
    text = path.read_text("utf-8").replace(
        "  blocked:\n",
        "  blocked:\n    - {start: 2027-01-02, end: 2027-01-08, reason: winter break}\n",
    )
    path.write_text(text, encoding="utf-8")
    steps = _timeline(path)
    assert not [s for s in steps if s["kind"] == "letter_check"]
    (exam,) = [s for s in steps if s["kind"] == "blocked"]
    assert exam["text"].startswith("home school exam")


# --- a spreadsheet user's inputs ----------------------------------------------------------


def _catalog_rows() -> list[list[str]]:
    import csv

    with (EXAMPLE.parent / "programs.csv").open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.reader(handle) if row and not row[0].startswith("#")]


def _with_catalog(folder: Path, catalog: str) -> Path:
    """The example scenario in `folder`, reading `catalog` (a file name in `folder`)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = EXAMPLE.read_text("utf-8").replace("programs: programs.csv", f"programs: {catalog}")
    assert f"programs: {catalog}" in text
    path = folder / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _workbook(folder: Path, edit: Any = None) -> Path:
    """The example catalog as typed XLSX cells, `edit(sheet, header)` applied."""
    from openpyxl import Workbook

    rows = _catalog_rows()
    book = Workbook()
    sheet = book.active
    sheet.title = "programs"
    for row in rows:
        sheet.append(row)
    if edit is not None:
        edit(sheet, rows[0])
    folder.mkdir(parents=True, exist_ok=True)
    book.save(folder / "programs.xlsx")
    return _with_catalog(folder, "programs.xlsx")


def _remove_from_catalog(folder: Path, program_id: str) -> None:
    catalog = folder / "programs.csv"
    rows = catalog.read_text("utf-8").splitlines(keepends=True)
    kept = "".join(r for r in rows if not r.startswith(f"{program_id},"))
    catalog.write_text(kept, "utf-8")


def _rewrite_parts(book: Path, edit: Any) -> None:
    """Rewrite a workbook's zip parts: `edit(parts)` changes the dict of name -> bytes."""
    import zipfile

    with zipfile.ZipFile(book) as source:
        parts = {i.filename: source.read(i.filename) for i in source.infolist()}
    edit(parts)
    with zipfile.ZipFile(book, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)


def _run(*args: str) -> Any:
    workers = [] if args[0] in ("validate", "check") else ["--workers", "1"]
    return CliRunner().invoke(cli, [*args, *workers])


def _cell(header: list[str], column: str, row_of: str, rows: list[list[str]]) -> str:
    from openpyxl.utils import get_column_letter

    number = next(i for i, r in enumerate(rows, 1) if r[0] == row_of)
    return f"{get_column_letter(header.index(column) + 1)}{number}"


def test_merged_cells_over_catalog_rows_are_refused(tmp_path: Path) -> None:
    """Found by review: a surcharge merged over two rows read blank (so $0) in the second,
    and the plan's cost came out $300 short, without a word."""
    rows = _catalog_rows()
    first = _cell(rows[0], "img_surcharge", "rad-cedar", rows)
    below = _cell(
        rows[0],
        "img_surcharge",
        rows[rows.index(next(r for r in rows if r[0] == "rad-cedar")) + 1][0],
        rows,
    )

    def merge(sheet: Any, header: list[str]) -> None:
        sheet.merge_cells(f"{first}:{below}")

    result = _run("validate", str(_workbook(tmp_path / "m", merge)))
    assert result.exit_code == 1, result.output
    assert f"cell {first}: img_surcharge: cells {first}:{below} are merged" in result.output
    assert "unmerge them" in result.output and "Traceback" not in result.output


def test_merged_cells_outside_the_catalog_columns_are_read(tmp_path: Path) -> None:
    """A merged note beside the catalog is the student's own: the plan is unchanged."""

    def note(sheet: Any, header: list[str]) -> None:
        column = len(header) + 1
        sheet.cell(row=1, column=column, value="notes")
        sheet.cell(row=2, column=column, value="ask Dr. A")
        sheet.merge_cells(start_row=2, start_column=column, end_row=4, end_column=column)

    result = _run("solve", str(_workbook(tmp_path / "n", note)), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["objective"] == 213


def test_a_spreadsheet_float_reads_as_the_sheet_shows_it(tmp_path: Path) -> None:
    """Found by review: a cell computed as 449.99999999999994 shows 450 in Excel and was
    refused as a fraction of a dollar."""
    rows = _catalog_rows()
    at = rows[0].index("housing_per_week")

    def noise(sheet: Any, header: list[str]) -> None:
        for number, row in enumerate(rows[1:], 2):
            sheet.cell(row=number, column=at + 1, value=float(row[at]) - 1e-13)

    result = _run("solve", str(_workbook(tmp_path / "f", noise)), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total_cost"] == 6660


def test_a_hidden_catalog_sheet_is_read_when_no_visible_sheet_holds_one(tmp_path: Path) -> None:
    """Found by review: the catalog sheet hidden and a notes sheet visible gave "no
    required catalog column recognised" about the notes sheet."""

    def hide(sheet: Any, header: list[str]) -> None:
        sheet.title = "Sheet1"
        notes = sheet.parent.create_sheet("Notes")
        notes.append(["what I know about each program"])
        sheet.sheet_state = "hidden"

    result = _run("solve", str(_workbook(tmp_path / "h", hide)), "--format", "json")
    assert result.exit_code == 0, result.output
    assert "no visible sheet holds a catalog; reading the hidden sheet 'Sheet1'" in result.output
    assert json.loads(result.stdout)["objective"] == 213


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("1 200", "digits grouped with spaces); write it without separators, e.g. 1200"),
        ("1\u00a0200", "digits grouped with spaces); write it without separators, e.g. 1200"),
        ("-", "a dash is how accounting format shows 0: write 0"),
    ],
)
def test_spreadsheet_number_formats_get_a_fix(tmp_path: Path, cell: str, words: str) -> None:
    rows = _catalog_rows()
    at = rows[0].index("housing_per_week")
    rows[1][at] = cell
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    folder = tmp_path / "n"
    folder.mkdir()
    (folder / "programs.csv").write_text(buffer.getvalue(), encoding="utf-8")
    result = _run("validate", str(_with_catalog(folder, "programs.csv")))
    assert result.exit_code == 1, result.output
    assert "programs.csv:2:" in result.output and words in result.output


def test_an_invisible_character_in_an_id_is_named(tmp_path: Path) -> None:
    """Found by review: a zero-width space pasted into an id gave "unknown program id
    'rad-cedar'; did you mean '\\u200brad-cedar'?"."""
    text = (EXAMPLE.parent / "programs.csv").read_text("utf-8")
    text = text.replace("\nrad-cedar,", "\n\u200brad-cedar,", 1)
    folder = tmp_path / "z"
    folder.mkdir()
    (folder / "programs.csv").write_text(text, encoding="utf-8")
    result = _run("validate", str(_with_catalog(folder, "programs.csv")))
    assert result.exit_code == 1, result.output
    assert "the id holds an invisible character (ZERO WIDTH SPACE, U+200B) at position 1" in (
        result.output
    )


def test_a_text_export_and_a_double_quoted_windows_path_say_how_to_fix_them(
    tmp_path: Path,
) -> None:
    """Found by review: a .txt catalog was told only ".csv or .xlsx"; a Windows path in
    double quotes failed with the parser's words ("unknown escape character") or as a
    file whose name held a line break."""
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "programs.txt").write_text("id\tname\n", encoding="utf-8")
    result = _run("validate", str(_with_catalog(folder, "programs.txt")))
    assert result.exit_code == 1
    assert "a tab-separated text export is not read" in result.output
    escaped = _with_catalog(folder, '"data\\programs.csv"')
    result = _run("validate", str(escaped))
    assert result.exit_code == 1
    assert "inside double quotes a \\ starts an escape" in result.output
    broken = _with_catalog(folder, '"data\\new programs.csv"')
    result = _run("validate", str(broken))
    assert result.exit_code == 1
    assert "'data\\new programs.csv' not found; the name holds a control character" in (
        result.output
    )


def test_a_csv_file_with_accents_starts_with_a_byte_order_mark(tmp_path: Path) -> None:
    """Found by review: Excel opened the plan CSV as Windows-1252 ("MÃ¼ller"). An ASCII
    file and standard output stay plain."""
    text = (EXAMPLE.parent / "programs.csv").read_text("utf-8")
    assert "Cedar Lantern Medical Center" in text
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "programs.csv").write_text(
        text.replace("Cedar Lantern Medical Center", "Cedar Müller Center"), encoding="utf-8"
    )
    scenario = _with_catalog(folder, "programs.csv")
    for command in ("solve", "timeline"):
        target = tmp_path / f"{command}.csv"
        result = _run(command, str(scenario), "-o", str(target))
        assert result.exit_code == 0, result.output
        data = target.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and "Müller".encode() in data
        piped = _run(command, str(scenario), "--format", "csv")
        assert not piped.stdout_bytes.startswith(b"\xef\xbb\xbf")
    plain = tmp_path / "plain.csv"
    assert _run("solve", str(EXAMPLE), "-o", str(plain)).exit_code == 0
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    # The plan file reads back in `check`, mark and all.
    checked = _run("check", str(scenario), str(tmp_path / "solve.csv"), "--score")
    assert checked.exit_code == 0, checked.output


# --- apply ------------------------------------------------------------------------------


def test_apply_counts_no_offer_in_hand_among_the_applications_a_plan_needs() -> None:
    """Found by a statistical review: "every plan needs at least 3 applications" where 2
    and the offer in hand make a plan (the offer was counted in the room for applications,
    the one no plan can take as well)."""
    path = Path(__file__).parent / "data" / "review28" / "offers_cap" / "scenario.yaml"
    one = _run("apply", str(path), "--max-applications", "1")
    assert one.exit_code == 3, one.output
    assert "every plan needs at least 2 applications, more than max_applications 1" in one.output
    two = _run("apply", str(path), "--max-applications", "2", "--format", "json")
    assert two.exit_code == 0, two.output
    assert json.loads(two.stdout)["expected_value"] > 0


@pytest.mark.parametrize("cap", [1, 2])
def test_apply_counts_the_applications_of_a_plan_that_cannot_take_the_offer(cap: int) -> None:
    """Found by a code review of the first fix: room for the offer in the plan's size let
    a plan without the offer take one more application ("at least 2", where every plan
    needs 3)."""
    path = Path(__file__).parent / "data" / "review28" / "offer_unusable" / "scenario.yaml"
    result = _run("apply", str(path), "--max-applications", str(cap))
    assert result.exit_code == 3, result.output
    assert f"every plan needs at least 3 applications, more than max_applications {cap}" in (
        result.output
    )


# --- a season of re-imported calendars ------------------------------------------------


def _ics(*args: str) -> dict[str, Any]:
    """The calendar's events by UID."""
    result = CliRunner().invoke(cli, [*args, "--workers", "1", "--format", "ics"])
    assert result.exit_code == 0, result.output
    events = Calendar.from_ical(result.stdout_bytes).walk("VEVENT")
    return {str(e["UID"]): e for e in events}


def test_a_replan_since_an_earlier_plan_cancels_what_it_dropped(tmp_path: Path) -> None:
    """Found by a season-long calendar review: events a re-plan dropped (a rotation, its
    letter reminder, its application and deadline) stayed in the calendar all season."""
    before_path = _example_with(tmp_path / "before")
    plan = tmp_path / "plan.json"
    made = _run("solve", str(before_path), "--format", "json", "-o", str(plan))
    assert made.exit_code == 0, made.output
    before = _ics("solve", str(before_path))
    cut = _example_with(tmp_path / "cut", budget="6000")
    after = _ics("solve", str(cut), "--since", str(plan))
    cancelled = {uid for uid, e in after.items() if str(e.get("STATUS")) == "CANCELLED"}
    live = set(after) - cancelled
    assert cancelled == set(before) - live  # every dropped event, and only those
    dropped = [str(after[uid]["SUMMARY"]) for uid in cancelled]
    assert "Dropped: Apply to rad-juniper" in dropped
    assert any(s.startswith("Dropped: Rotation: Juniper Mesa") for s in dropped)
    for uid in cancelled:
        assert not after[uid].walk("VALARM")
        assert str(after[uid]["TRANSP"]) == "TRANSPARENT"
        said = str(after[uid]["DESCRIPTION"])
        # The reason --since gives where it names the program, else the general words.
        assert said.startswith(
            (
                "No longer in the plan made on 2027-01-15",
                "Dropped from the plan made on 2027-01-15: ",
            )
        )
    juniper = [u for u in cancelled if "rad-juniper" in str(after[u]["SUMMARY"])]
    assert juniper and all(
        "over the budget $6,000" in str(after[u]["DESCRIPTION"]) for u in juniper
    )
    # Without --since nothing is cancelled.
    assert not [e for e in _ics("solve", str(cut)).values() if e.get("STATUS") == "CANCELLED"]


def test_a_later_calendar_has_a_higher_sequence(monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by review: two files of one planning date had one DTSTAMP and no SEQUENCE,
    so a calendar app could keep the first file's events."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    first = _ics("solve", str(EXAMPLE))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000600")
    second = _ics("solve", str(EXAMPLE))
    assert set(first) == set(second)
    for uid, event in second.items():
        assert int(event["SEQUENCE"]) == int(first[uid]["SEQUENCE"]) + 10
        assert event.decoded("DTSTAMP") > first[uid].decoded("DTSTAMP")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    now = _ics("solve", str(EXAMPLE))
    # Unpinned, the stamp is the clock's (a code review: the old check could not fail).
    from datetime import UTC, datetime

    for event in now.values():
        stamp = event.decoded("DTSTAMP")
        assert abs((datetime.now(UTC) - stamp).total_seconds()) < 120
        since = stamp - datetime(2026, 1, 1, tzinfo=UTC)
        assert int(event["SEQUENCE"]) == int(since.total_seconds()) // 60


def test_a_blocked_period_moved_keeps_its_event(tmp_path: Path) -> None:
    """Found by review: the exam block moved a week and the old one stayed beside it."""
    before = _ics("solve", str(_example_with(tmp_path / "a")))
    folder = tmp_path / "b"
    moved = _example_with(folder)
    moved.write_text(
        moved.read_text("utf-8").replace(
            "start: 2027-07-12, end: 2027-07-25", "start: 2027-07-19, end: 2027-07-25"
        ),
        encoding="utf-8",
    )
    after = _ics("solve", str(moved))
    (old,) = [u for u, e in before.items() if str(e["SUMMARY"]).startswith("Blocked: ")]
    (new,) = [u for u, e in after.items() if str(e["SUMMARY"]).startswith("Blocked: ")]
    assert old == new and after[new].decoded("DTSTART") == date(2027, 7, 19)


def test_a_summer_replan_sends_no_reminder_for_a_past_step(tmp_path: Path) -> None:
    """Found by review: a July re-plan re-sent "Ask for the letter" for June, its alarm
    already past, and documents ready long ago moved to each new planning date."""
    path = _example_with(tmp_path / "s", planning_date="2027-07-20")
    text = path.read_text("utf-8") + "locks:\n  - {program: rad-cedar, start: 2027-06-14}\n"
    path.write_text(text, encoding="utf-8")
    events = _ics("solve", str(path))
    for event in events.values():
        if event.decoded("DTSTART") < date(2027, 7, 20):
            assert not event.walk("VALARM"), event["SUMMARY"]
    assert not [e for e in events.values() if str(e["SUMMARY"]).startswith("Ready: ")]
    letter = [e for e in events.values() if str(e["SUMMARY"]) == "Ask for the letter at rad-cedar"]
    assert letter and letter[0].decoded("DTSTART") < date(2027, 7, 20)


def test_a_rotations_title_says_when_it_is_not_firm() -> None:
    """Found by review: few calendar apps show STATUS, and an accepted rotation's title
    read as an uncertain one's."""
    events = _ics("solve", str(EXAMPLE), "--lock", "rad-lakeshore@2027-06-07")
    titles = [
        str(e["SUMMARY"]) for e in events.values() if str(e["SUMMARY"]).startswith("Rotation: ")
    ]
    firm = [t for t in titles if "Lakeshore" in t]
    assert firm and not firm[0].endswith("· if offered")
    assert [t for t in titles if "Lakeshore" not in t]
    assert all(t.endswith(" · if offered") for t in titles if "Lakeshore" not in t)


def test_apply_calendar_keeps_the_offer_to_accept_tentative() -> None:
    """Found by review: `apply`'s calendar called the offer it advised accepting "Accepted
    offer", confirmed, on the day the student was only told to accept it."""
    events = _ics("apply", str(SCENARIOS / "offers-in-hand" / "scenario.yaml"))
    (cedar,) = [e for e in events.values() if str(e["SUMMARY"]).startswith("Rotation: Cedar")]
    assert str(cedar["STATUS"]) == "TENTATIVE"
    assert str(cedar["SUMMARY"]).endswith("· offer in hand")
    assert "Offer in hand: accept it" in str(cedar["DESCRIPTION"])
    assert "Accepted offer" not in str(cedar["DESCRIPTION"])


def test_solve_and_apply_calendars_keep_both_deadlines() -> None:
    """Found by a code review: keyed by the program alone, `solve`'s deadline of the start
    it plans and `apply`'s of the earliest start it asks for had one UID, so importing
    both files lost one of two deadlines (since the second review, applications and
    deadlines are each calendar's own)."""
    args = [str(EXAMPLE), "--exclude", "rad-cedar", "--exclude", "rad-juniper"]
    solve, apply = _ics("solve", *args), _ics("apply", *args)
    for uid in set(solve) & set(apply):
        same = (str(solve[uid]["SUMMARY"]), solve[uid].decoded("DTSTART"))
        assert same == (str(apply[uid]["SUMMARY"]), apply[uid].decoded("DTSTART"))
    deadlines = {
        (str(e["SUMMARY"]), e.decoded("DTSTART"))
        for calendar in (solve, apply)
        for e in calendar.values()
        if str(e["SUMMARY"]) == "Deadline: rad-lakeshore"
    }
    assert len(deadlines) == 2  # 05-10 for the start solve plans, 03-15 for apply's first


def test_the_season_warning_comes_before_the_second_letter_one() -> None:
    """Found by a code review: splitting plan_warnings into rule families moved the
    second-radiology-letter warning before the interview-season one."""
    folder = Path(__file__).parent / "data" / "review28" / "warning_order"
    result = _run("check", str(folder / "scenario.yaml"), str(folder / "plan.csv"), "--score")
    warnings = [line for line in result.output.splitlines() if line.startswith("warning: ")]
    season = next(i for i, w in enumerate(warnings) if "past the interview season" in w)
    second = next(i for i, w in enumerate(warnings) if "only one radiology letter" in w)
    assert season < second


def test_an_empty_merge_loses_nothing_and_is_read(tmp_path: Path) -> None:
    """Found by a code review: a formatting merge below the data, and two blank deadline
    cells merged, were refused though no value was lost."""
    rows = _catalog_rows()
    column = rows[0].index("application_deadline") + 1
    empty = {i for i, r in enumerate(rows[1:], 2) if r[column - 1] == ""}
    first = min(i for i in empty if i + 1 in empty)
    blank = [first, first + 1]

    def merge(sheet: Any, header: list[str]) -> None:
        last = len(rows)
        sheet.merge_cells(start_row=last + 3, start_column=1, end_row=last + 4, end_column=3)
        sheet.merge_cells(
            start_row=blank[0], start_column=column, end_row=blank[1], end_column=column
        )

    result = _run("solve", str(_workbook(tmp_path / "e", merge)), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["objective"] == 213


def test_a_merge_from_the_header_into_the_data_names_the_header_cell(tmp_path: Path) -> None:
    rows = _catalog_rows()
    column = rows[0].index("fee") + 1

    def merge(sheet: Any, header: list[str]) -> None:
        sheet.merge_cells(start_row=1, start_column=column, end_row=2, end_column=column)

    result = _run("validate", str(_workbook(tmp_path / "h", merge)))
    assert result.exit_code == 1, result.output
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(column)
    assert f"cells {letter}1:{letter}2 are merged: only {letter}1 holds the value" in result.output


def test_a_huge_whole_number_cell_is_read_in_full(tmp_path: Path) -> None:
    """Found by a code review: 1e20 read as "1e+20", refused as "not written with the
    digits 0-9" instead of as too large."""
    rows = _catalog_rows()
    at = rows[0].index("fee")

    def huge(sheet: Any, header: list[str]) -> None:
        sheet.cell(row=2, column=at + 1, value=1e20)

    result = _run("validate", str(_workbook(tmp_path / "g", huge)))
    assert result.exit_code == 1, result.output
    assert "got '100000000000000000000'" in result.output and "e+20" not in result.output


@pytest.mark.parametrize("pid", ["rad-peña", "rad-pen\u0303a", "rad-مركز", "rad-א"])
def test_ids_in_other_scripts_stay_allowed(tmp_path: Path, pid: str) -> None:
    """Only invisible characters are refused in an id (a code review checked by hand)."""
    text = (
        (EXAMPLE.parent / "programs.csv").read_text("utf-8").replace("\nrad-bayou,", f"\n{pid},", 1)
    )
    folder = tmp_path / "i"
    folder.mkdir()
    (folder / "programs.csv").write_text(text, encoding="utf-8")
    result = _run("validate", str(_with_catalog(folder, "programs.csv")))
    assert result.exit_code == 0, result.output


def test_eras_days_after_the_planning_date_reminds_on_its_day(tmp_path: Path) -> None:
    """Found by a code review: ERAS three days after the plan kept its week-ahead
    reminder, which would have fired before the plan was made."""
    from rotation_solver.calendar_export import _alarm
    from rotation_solver.timeline import TimelineStep

    today = date(2027, 9, 22)
    soon = _alarm(TimelineStep(date(2027, 9, 25), "eras", None, "x"), today)
    assert soon == (timedelta(hours=9), "Today: ERAS submission")
    later = _alarm(TimelineStep(date(2027, 9, 30), "eras", None, "x"), today)
    assert later is not None and later[0] == -timedelta(days=6, hours=15)
    assert _alarm(TimelineStep(date(2027, 9, 21), "eras", None, "x"), today) is None


def test_a_nearly_sure_offer_is_not_called_certain(tmp_path: Path) -> None:
    text = (EXAMPLE.parent / "programs.csv").read_text("utf-8")
    rows = text.splitlines()
    cedar = next(i for i, r in enumerate(rows) if r.startswith("rad-cedar,"))
    rows[cedar] = rows[cedar].rsplit(",", 1)[0] + ",0.996"
    folder = tmp_path / "n"
    folder.mkdir()
    (folder / "programs.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    events = _ics("solve", str(_with_catalog(folder, "programs.csv")))
    (cedar_event,) = [e for e in events.values() if str(e["SUMMARY"]).startswith("Rotation: Cedar")]
    assert "(99% chance)" in str(cedar_event["DESCRIPTION"])


def test_a_toml_windows_path_and_a_yaml_escape_get_the_fix(tmp_path: Path) -> None:
    """Found by a code review: TOML's "Unescaped '\\'" had no hint, and YAML's \\e (an
    ESC) reached the terminal raw with no word of the escape."""
    toml = tmp_path / "s.toml"
    toml.write_text('version = 1\nprograms = "data\\programs.csv"\n', encoding="utf-8")
    result = _run("validate", str(toml))
    assert result.exit_code == 1
    assert "Unescaped '\\' in a string; inside double quotes a \\ starts an escape" in (
        result.output
    )
    folder = tmp_path / "y"
    escaped = _with_catalog(folder, '"data\\eras.csv"')
    result = _run("validate", str(escaped))
    assert result.exit_code == 1
    assert "'data\\x1bras.csv' not found; the name holds a control character" in result.output
    assert "\x1b" not in result.output


def test_since_puts_a_lower_value_down_to_the_late_letter_not_the_lock(tmp_path: Path) -> None:
    """Found by a season review: after an earlier ERAS date, "value of rad-bayou: 96 → 48:
    accepted (locked), counted in full", though it was locked in both plans."""
    lock = ["--lock", "rad-juniper@2027-07-26"]
    before = _example_with(tmp_path / "a")
    plan = tmp_path / "plan.json"
    made = _run("solve", str(before), *lock, "--format", "json", "-o", str(plan))
    assert made.exit_code == 0, made.output
    earlier_eras = _example_with(tmp_path / "b", eras_submission="2027-09-01")
    result = _run("solve", str(earlier_eras), *lock, "--since", str(plan), "--format", "json")
    assert result.exit_code == 0, result.output
    revalued = {r["program_id"]: r for r in json.loads(result.stdout)["changes"]["revalued"]}
    juniper = revalued["rad-juniper"]
    assert juniper["to"] < juniper["from"]
    assert (
        juniper["why"] == "its letter now comes after ERAS (2027-09-01), counted at the late factor"
    )


def test_timeline_writes_the_calendar_of_its_own_steps(tmp_path: Path) -> None:
    """Found by a season review: with offers in hand the timeline follows `apply`'s
    answer, but the only calendar was `solve`'s, which booked the offer to decline."""
    offers = str(SCENARIOS / "offers-in-hand" / "scenario.yaml")
    events = _ics("timeline", offers)
    steps = _timeline(Path(offers))
    titles = {str(e["SUMMARY"]) for e in events.values()}
    for step in steps:
        if step["kind"] == "offer":
            verb = step["text"].split(" from ")[0]
            assert f"{verb} from {step['program_id']} (apply's answer)" in titles
    rotations = [e for e in events.values() if str(e["SUMMARY"]).startswith("Rotation: ")]
    planned = {s["program_id"] for s in steps if s["kind"] == "rotation_start"}
    assert len(rotations) == len(planned)
    assert all(str(e["STATUS"]) == "TENTATIVE" for e in rotations)
    assert not [e for e in events.values() if "Peachleaf" in str(e["SUMMARY"])]
    # Without offers, the timeline's calendar is solve's.
    assert {u: str(e["SUMMARY"]) for u, e in _ics("timeline", str(EXAMPLE)).items()} == {
        u: str(e["SUMMARY"]) for u, e in _ics("solve", str(EXAMPLE)).items()
    }
    result = CliRunner().invoke(
        cli, ["timeline", str(SCENARIOS / "infeasible" / "scenario.yaml"), "--format", "ics"]
    )
    assert result.exit_code == 3 and "no plan, so no calendar was written" in result.output


# --- a second code review of the calendar ------------------------------------------------


def test_a_malformed_source_date_epoch_falls_back_to_the_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Found by a code review: "²" (a digit to str.isdigit) and 999999999999 (year
    33658) raised a traceback."""
    from datetime import UTC, datetime

    from rotation_solver.calendar_export import _sequence, written_at

    for value in ("\u00b2", "999999999999", "-5", "1.5e9", "abc"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
        assert abs((datetime.now(UTC) - written_at()).total_seconds()) < 120
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300799")
    assert written_at().year == 9999
    assert _sequence(written_at()) == 2**31 - 1
    assert _sequence(datetime(2020, 1, 1, tzinfo=UTC)) == 0


def test_since_cancels_what_the_earlier_plans_calendar_recorded(tmp_path: Path) -> None:
    """Found by a code review: rebuilt under today's scenario, a program gone from the
    catalog kept its rotation, application, deadline and letter events."""
    before = _example_with(tmp_path / "a")
    plan = tmp_path / "plan.json"
    assert _run("solve", str(before), "--format", "json", "-o", str(plan)).exit_code == 0
    recorded = json.loads(plan.read_text("utf-8"))["calendar"]
    assert {e["summary"] for e in recorded} >= {"Apply to rad-juniper", "Submit ERAS"}
    folder = tmp_path / "b"
    after = _example_with(folder)
    _remove_from_catalog(folder, "rad-juniper")
    events = _ics("solve", str(after), "--since", str(plan))
    dropped = {str(e["SUMMARY"]) for e in events.values() if str(e.get("STATUS")) == "CANCELLED"}
    assert {
        "Dropped: Apply to rad-juniper",
        "Dropped: Ask for the letter at rad-juniper",
    } <= dropped
    assert any(s.startswith("Dropped: Rotation: Juniper Mesa") for s in dropped)
    live = {str(e["UID"]) for e in events.values() if str(e.get("STATUS")) != "CANCELLED"}
    assert {e["uid"] for e in recorded} <= live | {
        str(e["UID"]) for e in events.values() if str(e.get("STATUS")) == "CANCELLED"
    }


def test_since_with_an_unreadable_earlier_plan_cancels_nothing_and_says_no_traceback(
    tmp_path: Path,
) -> None:
    """Found by a code review: a hand-edited end of 9999-12-31 raised OverflowError."""
    plan = tmp_path / "plan.json"
    assert _run("solve", str(EXAMPLE), "--format", "json", "-o", str(plan)).exit_code == 0
    data = json.loads(plan.read_text("utf-8"))
    del data["calendar"]  # a plan written before the record: rebuilt from its rotations
    data["rotations"][0]["end"] = "9999-12-31"
    plan.write_text(json.dumps(data), "utf-8")
    events = _ics("solve", str(EXAMPLE), "--since", str(plan))
    assert not [e for e in events.values() if str(e.get("STATUS")) == "CANCELLED"]


def test_a_past_blocked_period_does_not_renumber_a_later_one_of_its_reason(
    tmp_path: Path,
) -> None:
    """Found by a code review: with a March holiday past, the November holiday took the
    March one's UID and a re-import showed it twice."""
    folder = tmp_path / "h"
    path = _example_with(folder)
    holidays = (
        "    - {start: 2027-03-01, end: 2027-03-05, reason: holiday}\n"
        "    - {start: 2027-11-22, end: 2027-11-28, reason: holiday}\n"
    )
    path.write_text(
        path.read_text("utf-8").replace("  blocked:\n", "  blocked:\n" + holidays), "utf-8"
    )
    january = _ics("solve", str(path))
    later = _example_with(folder, planning_date="2027-03-10")
    later.write_text(
        later.read_text("utf-8").replace("  blocked:\n", "  blocked:\n" + holidays), "utf-8"
    )
    march = _ics("solve", str(later))

    def november(events: dict[str, Any]) -> str:
        (uid,) = [
            u
            for u, e in events.items()
            if str(e["SUMMARY"]) == "Blocked: holiday" and e.decoded("DTSTART").month == 11
        ]
        return uid

    assert november(january) == november(march)


def test_timeline_calendar_claims_no_answer_apply_did_not_give(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Found by a code review: with `apply` cut short, the offer's rotation said "accept
    it (apply's answer)" beside a step saying to check `apply` first."""
    import importlib

    # The module, not the click command of the same name that the package exports.
    timeline_cli = importlib.import_module("rotation_solver.cli.timeline")

    # `apply` out of time, as a third review asked, rather than a time limit that a fast
    # machine might beat.
    monkeypatch.setattr(timeline_cli, "_follow_apply", lambda *_args: (None, None))
    offers = str(SCENARIOS / "offers-in-hand" / "scenario.yaml")
    result = CliRunner().invoke(cli, ["timeline", offers, "--workers", "1", "--format", "ics"])
    assert result.exit_code == 0, result.output
    text = result.stdout_bytes.decode("utf-8").replace("\r\n ", "")
    assert "check `apply` first" in text
    assert "apply`'s answer)" not in text


def _merged_fee_workbook(folder: Path) -> tuple[Path, Path, str]:
    """(scenario, workbook, range) of the example catalog as XLSX with its first two fee
    cells merged."""
    rows = _catalog_rows()
    first = _cell(rows[0], "fee", rows[1][0], rows)
    below = _cell(rows[0], "fee", rows[2][0], rows)
    scenario = _workbook(folder, lambda sheet, _h: sheet.merge_cells(f"{first}:{below}"))
    return scenario, folder / "programs.xlsx", f"{first}:{below}"


def _move_workbook_part(parts: dict[str, bytes], target: bytes = b"xl/book.xml") -> None:
    """The workbook part at xl/book.xml, as the package's relationships say."""
    parts["xl/book.xml"] = parts.pop("xl/workbook.xml")
    parts["xl/_rels/book.xml.rels"] = parts.pop("xl/_rels/workbook.xml.rels")
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"xl/workbook.xml", target)
    types = parts["[Content_Types].xml"]
    parts["[Content_Types].xml"] = types.replace(b"/xl/workbook.xml", b"/xl/book.xml")


@pytest.mark.parametrize("shape", ["moved", "single-quoted"])
def test_merges_are_found_wherever_the_package_puts_the_sheet(tmp_path: Path, shape: str) -> None:
    """Found by a code review: a workbook part not at xl/workbook.xml, or a `ref` in
    single quotes, hid the merge, and its rows read blank."""
    scenario, book, merged = _merged_fee_workbook(tmp_path / "w")

    def quote(parts: dict[str, bytes]) -> None:
        sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
        parts[sheet] = parts[sheet].replace(f'ref="{merged}"'.encode(), f"ref='{merged}'".encode())

    _rewrite_parts(book, _move_workbook_part if shape == "moved" else quote)
    result = _run("validate", str(scenario))
    assert result.exit_code == 1, result.output
    assert f"cells {merged} are merged" in result.output


# --- a third code review -----------------------------------------------------------------


def test_solve_and_apply_keep_their_own_application_events() -> None:
    """Found by a third code review: the fix that gave each calendar its own "Apply to X"
    was not pinned (the deadlines differed by start anyway)."""
    solve, apply = _ics("solve", str(EXAMPLE)), _ics("apply", str(EXAMPLE))

    def uids(events: dict[str, Any], title: str) -> set[str]:
        return {u for u, e in events.items() if str(e["SUMMARY"]) == title}

    for title in ("Apply to rad-cedar", "Deadline: rad-cedar"):
        assert uids(solve, title) and uids(apply, title)
        assert not uids(solve, title) & uids(apply, title)


def test_blocked_periods_without_a_reason_keep_one_uid_each(tmp_path: Path) -> None:
    """Found by a third code review: no reason, "" and "-" shared one UID."""
    path = _example_with(tmp_path / "b")
    periods = (
        "    - {start: 2027-10-04, end: 2027-10-08}\n"
        '    - {start: 2027-10-18, end: 2027-10-22, reason: ""}\n'
        '    - {start: 2027-11-01, end: 2027-11-05, reason: "-"}\n'
    )
    path.write_text(path.read_text("utf-8").replace("  blocked:\n", "  blocked:\n" + periods))
    events = _ics("solve", str(path))
    blocked = [u for u, e in events.items() if str(e["SUMMARY"]).startswith("Blocked: ")]
    assert len(blocked) == 4  # with the exam; _ics asserts every UID is unique


def test_since_keeps_past_events_as_history(tmp_path: Path) -> None:
    """Found by a season review and a third code review: a re-plan after the exam and
    after applying cancelled the exam, the documents and "Apply to X", erasing them."""
    plan = tmp_path / "plan.json"
    assert _run("solve", str(EXAMPLE), "--format", "json", "-o", str(plan)).exit_code == 0
    late = _example_with(tmp_path / "late", planning_date="2027-07-30")
    text = late.read_text("utf-8") + (
        "locks:\n  - {program: rad-cedar, start: 2027-06-14}\n"
        "  - {program: rad-juniper, start: 2027-07-26}\n"
    )
    late.write_text(text, "utf-8")
    events = _ics("solve", str(late), "--since", str(plan))
    cancelled = [e for e in events.values() if str(e.get("STATUS")) == "CANCELLED"]
    assert all(e.decoded("DTEND") > date(2027, 7, 30) for e in cancelled)
    titles = {str(e["SUMMARY"]) for e in cancelled}
    assert "Dropped: Blocked: home school exam" not in titles
    assert not any(t.startswith(("Dropped: Ready: ", "Dropped: Apply to")) for t in titles)


def test_a_recorded_event_with_a_bad_date_is_skipped(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    assert _run("solve", str(EXAMPLE), "--format", "json", "-o", str(plan)).exit_code == 0
    data = json.loads(plan.read_text("utf-8"))
    juniper = next(e for e in data["calendar"] if e["summary"] == "Apply to rad-juniper")
    juniper["start"] = "2027-02-30"
    plan.write_text(json.dumps(data), "utf-8")
    cut = _example_with(tmp_path / "cut", budget="6000")
    events = _ics("solve", str(cut), "--since", str(plan))
    titles = {str(e["SUMMARY"]) for e in events.values() if str(e.get("STATUS")) == "CANCELLED"}
    assert "Dropped: Deadline: rad-juniper" in titles
    assert "Dropped: Apply to rad-juniper" not in titles


def test_merges_found_by_a_full_load_when_the_parts_are_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workbook without its package relationships: the full load finds the merge; if
    that fails too, a warning says the merges went unchecked (a third code review)."""
    from rotation_solver.scenario import catalog

    scenario, book, merged = _merged_fee_workbook(tmp_path / "w")
    _rewrite_parts(book, lambda parts: parts.pop("_rels/.rels"))
    assert catalog._merged_ranges(book, "programs") == [merged]
    monkeypatch.setattr(catalog, "_merged_ranges_by_loading", lambda *_a: None)
    result = _run("validate", str(scenario))
    assert "its merged cells could not be checked" in result.output


def test_the_xml_route_finds_a_moved_workbook_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The merge of a workbook part not at xl/workbook.xml is found without the full load
    (a third code review: the fallback hid a broken XML route)."""
    from rotation_solver.scenario import catalog

    monkeypatch.setattr(catalog, "_merged_ranges_by_loading", lambda *_a: None)
    _scenario, book, merged = _merged_fee_workbook(tmp_path / "w")
    _rewrite_parts(book, lambda parts: _move_workbook_part(parts, b"./xl/book.xml"))
    assert catalog._merged_ranges(book, "programs") == [merged]


# --- a season re-test -------------------------------------------------------------------


def test_a_no_plan_json_carries_the_calendar_still_imported(tmp_path: Path) -> None:
    """Found by a season re-test: a re-plan with no plan wrote a JSON without `calendar`,
    so the next --since cancelled nothing and a dropped rotation stayed all season."""
    plan = tmp_path / "plan.json"
    assert _run("solve", str(EXAMPLE), "--format", "json", "-o", str(plan)).exit_code == 0
    broke = _example_with(tmp_path / "broke", budget="1000")
    none = tmp_path / "none.json"
    result = _run("solve", str(broke), "--since", str(plan), "--format", "json", "-o", str(none))
    assert result.exit_code == 3, result.output
    carried = json.loads(none.read_text("utf-8"))["calendar"]
    assert carried == json.loads(plan.read_text("utf-8"))["calendar"]
    cut = _example_with(tmp_path / "cut", budget="6000")
    events = _ics("solve", str(cut), "--since", str(none))
    assert "Dropped: Apply to rad-juniper" in {
        str(e["SUMMARY"]) for e in events.values() if str(e.get("STATUS")) == "CANCELLED"
    }


def test_since_another_scenarios_plan_cancels_nothing(tmp_path: Path) -> None:
    """Found by a season re-test: another scenario's plan had its 15 events cancelled
    (an app that honours cancellation would clear that scenario's calendar)."""
    other = tmp_path / "other.json"
    offers = str(SCENARIOS / "offers-in-hand" / "scenario.yaml")
    assert _run("solve", offers, "--format", "json", "-o", str(other)).exit_code == 0
    events = _ics("solve", str(EXAMPLE), "--since", str(other))
    assert not [e for e in events.values() if str(e.get("STATUS")) == "CANCELLED"]


def test_an_older_json_cancels_a_gone_programs_events(tmp_path: Path) -> None:
    """Found by a season re-test: a plan JSON without `calendar` (older, or edited) left
    every event of a program since removed from the catalog."""
    plan = tmp_path / "plan.json"
    assert _run("solve", str(EXAMPLE), "--format", "json", "-o", str(plan)).exit_code == 0
    data = json.loads(plan.read_text("utf-8"))
    recorded = {e["uid"]: e["summary"] for e in data.pop("calendar")}
    plan.write_text(json.dumps(data), "utf-8")
    folder = tmp_path / "gone"
    after = _example_with(folder)
    _remove_from_catalog(folder, "rad-juniper")
    events = _ics("solve", str(after), "--since", str(plan))
    cancelled = {u for u, e in events.items() if str(e.get("STATUS")) == "CANCELLED"}
    juniper = {u for u, s in recorded.items() if "rad-juniper" in s or "Juniper" in s}
    assert len(juniper) == 4 and juniper <= cancelled  # rotation, letter, apply, deadline


def test_solve_calendar_with_offers_pending_points_to_the_timeline() -> None:
    offers = str(SCENARIOS / "offers-in-hand" / "scenario.yaml")
    result = CliRunner().invoke(cli, ["solve", offers, "--workers", "1", "--format", "ics"])
    assert result.exit_code == 0
    assert "`rotation-solver timeline SCENARIO --format ics` follows `apply`'s answer" in (
        result.stderr
    )
    plain = CliRunner().invoke(cli, ["solve", str(EXAMPLE), "--workers", "1", "--format", "ics"])
    assert "timeline SCENARIO --format ics" not in plain.stderr


# --- a last review of the cancellations -------------------------------------------------


def test_a_no_plan_json_carries_only_its_own_scenarios_calendar(tmp_path: Path) -> None:
    """Found by review: the example's calendar, carried into another scenario's no-plan
    JSON, had the example's 17 events cancelled by that scenario's next --since."""
    plan = tmp_path / "plan.json"
    assert _run("solve", str(EXAMPLE), "--format", "json", "-o", str(plan)).exit_code == 0
    infeasible = str(SCENARIOS / "infeasible" / "scenario.yaml")
    none = tmp_path / "none.json"
    result = _run("solve", infeasible, "--since", str(plan), "--format", "json", "-o", str(none))
    assert result.exit_code == 3
    assert "calendar" not in json.loads(none.read_text("utf-8"))


def test_an_older_json_through_a_no_plan_run_keeps_its_cancellations(tmp_path: Path) -> None:
    """Found by review: with no recorded calendar, the no-plan JSON carried nothing on."""
    plan = tmp_path / "plan.json"
    assert _run("solve", str(EXAMPLE), "--format", "json", "-o", str(plan)).exit_code == 0
    data = json.loads(plan.read_text("utf-8"))
    del data["calendar"]
    plan.write_text(json.dumps(data), "utf-8")
    broke = _example_with(tmp_path / "broke", budget="1000")
    none = tmp_path / "none.json"
    assert (
        _run(
            "solve", str(broke), "--since", str(plan), "--format", "json", "-o", str(none)
        ).exit_code
        == 3
    )
    cut = _example_with(tmp_path / "cut", budget="6000")
    events = _ics("solve", str(cut), "--since", str(none))
    assert "Dropped: Apply to rad-juniper" in {
        str(e["SUMMARY"]) for e in events.values() if str(e.get("STATUS")) == "CANCELLED"
    }


def test_a_dropped_programs_reason_goes_to_its_own_events_only(tmp_path: Path) -> None:
    """Found by review: matched by title, program id "sag" gave its reason ("excluded
    now") to the events of "sag.em", and a name to another that starts with it."""
    folder = tmp_path / "ids"
    path = _example_with(folder)
    catalog = folder / "programs.csv"
    text = catalog.read_text("utf-8").replace("\nem-saguaro,", "\nsag.em,")
    text = text.replace("\nrad-cedar,Cedar Lantern Medical Center Radiology", "\nsag,Saguaro Flats")
    catalog.write_text(text, "utf-8")
    plan = tmp_path / "plan.json"
    assert _run("solve", str(path), "--format", "json", "-o", str(plan)).exit_code == 0
    before = {r["program_id"] for r in json.loads(plan.read_text("utf-8"))["rotations"]}
    assert {"sag", "sag.em"} <= before
    events = _ics(
        "solve", str(path), "--since", str(plan), "--exclude", "sag", "--exclude", "rad-juniper"
    )
    checked = 0
    for event in events.values():
        title = str(event["SUMMARY"])
        if str(event.get("STATUS")) == "CANCELLED" and ("sag.em" in title or "Emergency" in title):
            assert "excluded now" not in str(event["DESCRIPTION"]), title
            checked += 1
    assert checked  # sag.em is dropped too, for its own reason
