"""Bad input: exit 1, the file and the place named, what is expected said, no traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from rotation_solver.cli import cli
from rotation_solver.errors import column_letters
from rotation_solver.scenario.loader import load_scenario
from tests.conftest import SCENARIOS

SCENARIO = """\
version: 1
name: "bad input (synthetic)"
planning_date: 2027-01-15
eras_submission: 2027-09-25
student:
  school_type: img
  step2ck: 246
  us_clinical_weeks: 8
  radiology_exposure: none
calendar:
  window: {start: 2027-06-01, end: 2027-12-17}
  blocked:
    - {start: 2027-07-12, end: 2027-07-25, reason: exam}
budget: 9000
documents:
  transcript: 2027-01-10
requirements:
  radiology: {min: 1, max: 3}
programs: programs.csv
"""
# line numbers of the template, for the assertions below
LINE = {
    key: i + 1
    for i, text in enumerate(SCENARIO.splitlines())
    for key in [text.split(":")[0].strip()]
}

HEADER = (
    "id,name,city,state,specialty,tier,img_friendly,accepts_img,starts,weeks,"
    "application_opens,application_deadline,deadline_weeks_before_start,requires,"
    "housing_per_week,travel,fee,img_surcharge,letter,audition,interest,acceptance"
)
ROW_A = (
    "rad-a,A (synthetic),Denver,CO,radiology,target,true,true,2027-06-07,4,2027-01-04,,8,"
    "transcript,400,300,50,,8,7,4,0.6"
)
ROW_B = (
    "im-b,B (synthetic),Tulsa,OK,internal_medicine,safety,true,true,2027-08-02,4,2027-01-04,"
    "2027-04-01,,,300,300,15,0,6,0,3,0.8"
)


def columns(header: str = HEADER) -> dict[str, int]:
    return {name: i + 1 for i, name in enumerate(header.split(","))}


Files = Callable[..., Path]


@pytest.fixture
def files(tmp_path: Path) -> Files:
    def write(scenario: str = SCENARIO, catalog: str | None = None) -> Path:
        (tmp_path / "scenario.yaml").write_text(scenario, encoding="utf-8")
        if catalog is None:
            catalog = f"{HEADER}\n{ROW_A}\n{ROW_B}\n"
        (tmp_path / "programs.csv").write_text(catalog, encoding="utf-8")
        return tmp_path / "scenario.yaml"

    return write


def fails(path: Path, *expected: str, extra: tuple[str, ...] = ()) -> str:
    result = CliRunner().invoke(cli, ["validate", str(path), *extra])
    output = result.output
    assert result.exit_code == 1, output
    assert "Traceback" not in output
    for text in expected:
        assert text in output, f"{text!r} not in:\n{output}"
    return output


def test_the_template_is_valid(files: Files) -> None:
    result = CliRunner().invoke(cli, ["validate", str(files())])
    assert result.exit_code == 0, result.output


def test_paths_under_the_home_folder_are_expanded(
    files: Files, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by review: `programs: ~/cat.csv` was looked up as a folder named `~`."""
    monkeypatch.setenv("HOME", str(tmp_path))
    default = (Path(__file__).parents[1] / "models" / "default.yaml").read_text("utf-8")
    (tmp_path / "mine.yaml").write_text(default, encoding="utf-8")
    away = tmp_path / "elsewhere"
    away.mkdir()
    scenario = SCENARIO.replace("programs: programs.csv", "programs: ~/programs.csv")
    path = files(scenario)
    moved = away / "scenario.yaml"
    path.rename(moved)
    args = ["validate", str(moved), "--value-model", "~/mine.yaml"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    moved.write_text(scenario.replace("~/programs.csv", "~/nothing.csv"), encoding="utf-8")
    fails(moved, "nothing.csv' not found")
    # An unknown user's home is no home: "not found", not a traceback (found by review).
    moved.write_text(scenario.replace("~/programs.csv", "~nosuchuser/p.csv"), encoding="utf-8")
    fails(moved, "~nosuchuser/p.csv' not found")
    moved.write_text(scenario, encoding="utf-8")
    fails(
        moved,
        "value model '~nosuchuser/m.yaml' not found",
        extra=("--value-model", "~nosuchuser/m.yaml"),
    )


def test_yaml_syntax_error(files: Files) -> None:
    path = files(SCENARIO.replace("budget: 9000", "budget: [9000"))
    fails(path, "scenario.yaml:", "YAML syntax error")


def test_an_unclosed_quote_is_traced_to_where_it_opens(files: Files) -> None:
    """Found by review: an unclosed quote was reported only at the end of the file."""
    path = files(SCENARIO.replace('name: "bad input (synthetic)"', 'name: "bad input', 1))
    output = fails(path, "while scanning a quoted scalar that starts at line")
    assert f"starts at line {LINE['name']}, column 7)" in output


def test_duplicate_yaml_key(files: Files) -> None:
    path = files(SCENARIO + "budget: 100\n")
    fails(path, f"scenario.yaml:{len(SCENARIO.splitlines()) + 1}:", 'duplicate key "budget"')


def test_impossible_date(files: Files) -> None:
    path = files(SCENARIO.replace("planning_date: 2027-01-15", "planning_date: 2027-02-30"))
    fails(
        path,
        f"scenario.yaml:{LINE['planning_date']}:16",
        "not a real calendar date (February 2027 has 28 days)",
    )


def test_unknown_top_level_key_with_suggestion(files: Files) -> None:
    path = files(SCENARIO.replace("requirements:", "requirments:"))
    fails(
        path,
        f"scenario.yaml:{LINE['requirements']}:1",
        "unknown key 'requirments'",
        "did you mean 'requirements'",
    )


def test_unknown_key_at_depth(files: Files) -> None:
    path = files(SCENARIO.replace("{min: 1, max: 3}", "{min: 1, maximum: 3}"))
    fails(
        path,
        f"scenario.yaml:{LINE['radiology']}:",
        "requirements.radiology.maximum",
        "unknown key 'maximum'",
    )


def test_reversed_window(files: Files) -> None:
    path = files(SCENARIO.replace("end: 2027-12-17", "end: 2027-05-17"))
    fails(path, f"scenario.yaml:{LINE['window']}:", "calendar.window", "before start")


def test_reversed_blocked_period(files: Files) -> None:
    path = files(SCENARIO.replace("end: 2027-07-25", "end: 2027-07-02"))
    fails(path, f"scenario.yaml:{LINE['- {start']}:", "calendar.blocked[0]", "before start")


def test_plain_words_for_quoted_numbers_choices_and_percentages(files: Files) -> None:
    """pydantic's "Input should be 1" read as code (found by review)."""
    # A quoted "1" is read as 1, as a quoted step2ck is (found by review: one refused,
    # the other taken); another version is still named.
    loaded = load_scenario(files(SCENARIO.replace("version: 1", 'version: "1"')))
    assert loaded.scenario.version == 1
    fails(files(SCENARIO.replace("version: 1", 'version: "2"')), "version: expected 1 (got '2')")
    percent = ROW_A.removesuffix("0.6") + "60%"
    path = files(catalog=f"{HEADER}\n{percent}\n{ROW_B}\n")
    fails(path, "acceptance: expected a number (got '60%'); write a fraction, e.g. 0.6")
    # A score out of 10 is no fraction: no such hint there (found by review).
    scored = ROW_A.replace(",8,7,4,0.6", ",80%,7,4,0.6")
    output = fails(files(catalog=f"{HEADER}\n{scored}\n{ROW_B}\n"), "letter: expected a number")
    assert "fraction" not in output
    path = files(catalog=f"{HEADER}\n{ROW_A.replace('target', 'best')}\n{ROW_B}\n")
    fails(path, "tier: expected 'reach', 'target' or 'safety' (got 'best')")
    commas = ROW_A.replace("2027-06-07", '"2027-06-07, 2027-08-02"')
    fails(files(catalog=f"{HEADER}\n{commas}\n{ROW_B}\n"), "separate several dates with ';'")
    opens = ROW_A.replace("2027-01-04", '"2027-01-04, 2027-02-01"')  # one date only
    output = fails(files(catalog=f"{HEADER}\n{opens}\n{ROW_B}\n"), "application_opens")
    assert "separate several dates" not in output
    path = files(SCENARIO + "locks:\n")
    fails(path, "locks: expected a list (got nothing); write [] for none")
    path = files(SCENARIO + "locks: [rad-a@2027-06-07]\n")
    fails(path, "an accepted offer is written {program: rad-a, start: 2027-06-07}")
    path = files(SCENARIO.replace("programs: programs.csv", 'programs: ""'))
    fails(path, "programs: is empty; expected a catalog file")


def test_negative_budget(files: Files) -> None:
    path = files(SCENARIO.replace("budget: 9000", "budget: -5"))
    fails(path, f"scenario.yaml:{LINE['budget']}:9", "budget", "expected 0 or more (got -5)")


def test_fractional_budget(files: Files) -> None:
    path = files(SCENARIO.replace("budget: 9000", "budget: 9000.50"))
    fails(path, f"scenario.yaml:{LINE['budget']}:9", "budget")


def test_missing_required_key(files: Files) -> None:
    path = files(SCENARIO.replace("budget: 9000\n", ""))
    fails(path, "scenario.yaml", "budget", "required key is missing")


def test_min_above_max(files: Files) -> None:
    path = files(SCENARIO.replace("{min: 1, max: 3}", "{min: 3, max: 1}"))
    fails(path, f"scenario.yaml:{LINE['radiology']}:", "min 3 is greater than max 1")


def test_min_above_defaulted_max(files: Files) -> None:
    path = files(SCENARIO.replace("{min: 1, max: 3}", "{min: 4}"))
    fails(path, f"scenario.yaml:{LINE['radiology']}:", "min 4 is greater than max 3")


def test_unknown_tier(files: Files) -> None:
    path = files(catalog=f"{HEADER}\n{ROW_A.replace('target', 'stretch')}\n")
    fails(path, f"programs.csv:2:{columns()['tier']}", "tier", "'stretch'")


def test_duplicate_program_id(files: Files) -> None:
    path = files(catalog=f"{HEADER}\n{ROW_A}\n{ROW_B}\n{ROW_A}\n")
    fails(path, f"programs.csv:4:{columns()['id']}", "duplicate program id 'rad-a'", "line 2")


def test_spreadsheet_mistakes_get_a_hint(files: Files) -> None:
    """Found by review: a date stored as Excel's day number, 40 for 40%, and documents
    joined by commas each got a bare "expected ..." message."""
    serial = ROW_A.replace("2027-01-04", "46391")
    path = files(catalog=f"{HEADER}\n{serial}\n")
    fails(path, "application_opens: expected a date as YYYY-MM-DD, got '46391'", "2027-01-04")
    percent = ROW_A.removesuffix("0.6") + "40"
    path = files(catalog=f"{HEADER}\n{percent}\n")
    fails(path, "acceptance: expected at most 1 (got '40'); write a fraction: 40% is 0.4")
    # A small whole number is as likely a factor as a percentage: both readings are given.
    path = files(catalog=f"{HEADER}\n{ROW_A.removesuffix('0.6') + '2'}\n")
    fails(path, "write a fraction from 0 to 1 (if you meant 2%, that is 0.02)")
    two_documents = SCENARIO.replace(
        "  transcript: 2027-01-10\n", "  transcript: 2027-01-10\n  bls: 2027-01-10\n"
    )
    commas = ROW_A.replace(",transcript,", ',"transcript, bls",')
    path = files(two_documents, f"{HEADER}\n{commas}\n")
    fails(path, "unknown document 'transcript, bls'", "separate several documents with ';'")
    # Not for what is no percentage, nor for a number no one means as a date.
    for slip in ("1.5", "250"):
        output = fails(files(catalog=f"{HEADER}\n{ROW_A.removesuffix('0.6') + slip}\n"))
        assert "write a fraction" not in output, slip
    for number in ("10000", "99999"):
        output = fails(files(catalog=f"{HEADER}\n{ROW_A.replace('2027-01-04', number)}\n"))
        assert "date number" not in output, number
    # Only when each part is a known document: a plain unknown name gets no such hint.
    output = fails(files(catalog=f"{HEADER}\n{ROW_A.replace('transcript', 'visa, cv')}\n"))
    assert "separate several" not in output


def test_unknown_document(files: Files) -> None:
    path = files(catalog=f"{HEADER}\n{ROW_A.replace('transcript', 'transcript;visa')}\n")
    output = fails(path, f"programs.csv:2:{columns()['requires']}", "unknown document 'visa'")
    assert "did you mean" not in output
    # A near miss names the likely one (found by review).
    path = files(catalog=f"{HEADER}\n{ROW_A.replace('transcript', 'transcripts')}\n")
    fails(path, "unknown document 'transcripts'", "did you mean 'transcript'?")
    # Found by a student's review: 'step1_score' is no slip for 'step2ck_score' but another
    # document; the message says how to add one.
    path = files(catalog=f"{HEADER}\n{ROW_A.replace('transcript', 'step1_score')}\n")
    fails(path, "if it is another document, add `step1_score: YYYY-MM-DD`")


def test_non_date_in_starts(files: Files) -> None:
    path = files(
        catalog=f"{HEADER}\n{ROW_B}\n{ROW_A.replace('2027-06-07', '2027-06-07;June 14')}\n"
    )
    fails(path, f"programs.csv:3:{columns()['starts']}", "starts", "YYYY-MM-DD")


@pytest.mark.parametrize(
    ("column", "bad", "good"),
    [
        ("letter", "11", "8"),
        ("acceptance", "1.5", "0.6"),
        ("weeks", "9", "4"),
        ("interest", "0", "4"),
        ("housing_per_week", "-1", "400"),
    ],
)
def test_out_of_range_catalog_values(files: Files, column: str, bad: str, good: str) -> None:
    cells = ROW_A.split(",")
    index = columns()[column] - 1
    assert cells[index] == good
    cells[index] = bad
    path = files(catalog=f"{HEADER}\n{','.join(cells)}\n")
    fails(path, f"programs.csv:2:{columns()[column]}", column, repr(bad))


def test_blank_required_cell(files: Files) -> None:
    cells = ROW_A.split(",")
    cells[columns()["weeks"] - 1] = ""
    path = files(catalog=f"{HEADER}\n{','.join(cells)}\n")
    fails(path, f"programs.csv:2:{columns()['weeks']}", "blank or missing")


def test_missing_catalog_column(files: Files) -> None:
    header = HEADER.replace(",tier", "")
    row = ROW_A.replace(",target", "")
    fails(files(catalog=f"{header}\n{row}\n"), "programs.csv:1", "missing required column 'tier'")


def test_empty_catalog(files: Files) -> None:
    fails(files(catalog=""), "programs.csv", "empty")
    fails(files(catalog=HEADER + "\n"), "programs.csv:2", "no program rows")


def test_missing_catalog_file(files: Files) -> None:
    path = files(SCENARIO.replace("programs.csv", "nope.csv"))
    fails(path, f"scenario.yaml:{LINE['programs']}:", "nope.csv", "not found")
    fails(path, "`programs:` is read relative to the scenario's folder")


def test_a_catalog_path_written_from_the_current_folder_says_which_to_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by review: `programs: cases/s02/data/programs.csv`, written from the folder
    above, was "not found" with no word on how paths are read."""
    folder = tmp_path / "cases" / "s02"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "programs.csv").write_text(f"{HEADER}\n{ROW_A}\n", encoding="utf-8")
    scenario = folder / "scenario.yaml"
    scenario.write_text(SCENARIO.replace("programs.csv", "cases/s02/data/programs.csv"))
    monkeypatch.chdir(tmp_path)
    fails(
        scenario,
        "a file 'cases/s02/data/programs.csv' exists relative to the current folder: write "
        "'data/programs.csv' or an absolute path",
    )


def test_missing_scenario_file(tmp_path: Path) -> None:
    fails(tmp_path / "absent.yaml", "absent.yaml", "file not found")


def test_empty_scenario_file(files: Files) -> None:
    fails(files(""), "scenario.yaml", "empty")
    fails(files("# only a comment\n"), "scenario.yaml", "empty")


def test_scenario_not_a_mapping(files: Files) -> None:
    fails(files("- a list\n- not a scenario\n"), "scenario.yaml:1:1", "expected a mapping")


def test_lock_unknown_program(files: Files) -> None:
    path = files(SCENARIO + "locks: [{program: rad-aa, start: 2027-06-07}]\n")
    fails(
        path,
        "scenario.yaml:",
        "locks[0].program",
        "unknown program id 'rad-aa'",
        "did you mean 'rad-a'",
    )


def test_lock_start_not_offered(files: Files) -> None:
    path = files(SCENARIO + "locks: [{program: rad-a, start: 2027-06-14}]\n")
    fails(path, "does not offer a start on 2027-06-14", "2027-06-07")


def test_locked_and_excluded(files: Files) -> None:
    path = files(SCENARIO + "locks: [{program: rad-a, start: 2027-06-07}]\nexclude: [rad-a]\n")
    fails(path, "scenario.yaml", "both locked and excluded (by exclude: in scenario.yaml)")
    # On the command line, the message names the options, not the file (found by review).
    path = files()
    output = fails(
        path, "--lock: rad-a@2027-06-07", "excluded (by --exclude)",
        extra=("--lock", "rad-a@2027-06-07", "--exclude", "rad-a"),
    )  # fmt: skip
    assert "scenario.yaml" not in output
    # Two locks on the program (valid on their own): still one message, where the first is.
    two = "locks: [{program: rad-a, start: 2027-06-07}, {program: rad-a, start: 2027-06-14}]\n"
    catalog = f"{HEADER}\n{ROW_A.replace('2027-06-07', '2027-06-07;2027-06-14')}\n"
    output = fails(files(SCENARIO + two + "exclude: [rad-a]\n", catalog=catalog), "both locked")
    assert output.count("both locked and excluded") == 1, output


def test_unknown_exclude_in_file_and_on_command_line(files: Files) -> None:
    fails(
        files(SCENARIO + "exclude: [rad-zz]\n"),
        "scenario.yaml:",
        "exclude[0]",
        "unknown program id 'rad-zz'",
    )
    fails(files(), "--exclude", "unknown program id 'nope'", extra=("--exclude", "nope"))


def test_unknown_value_model(files: Files) -> None:
    path = files(SCENARIO + "value_model: fancy\n")
    fails(path, "scenario.yaml:", "value model 'fancy' not found", "default")


def test_bad_value_model_file(files: Files, tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("weights: {strong: {letter: 1}}\n", encoding="utf-8")
    fails(files(), "mine.yaml:1:", "weights.strong", extra=("--value-model", "mine.yaml"))


def test_json_scenario_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    path.write_text('{"version": 1,\n "name": "x",\n}', encoding="utf-8")
    # at the trailing comma itself, and named (found by review: the brace after it)
    fails(path, "scenario.json:2:13", "JSON syntax error", "a comma after the last item")


def test_inline_catalog_errors_point_at_the_yaml_line(files: Files) -> None:
    inline = (
        "programs:\n"
        "  - {id: a, name: A, specialty: radiology, tier: target, img_friendly: true,\n"
        "     accepts_img: true, starts: [2027-06-07], weeks: 4, application_opens: 2027-01-04,\n"
        "     housing_per_week: 100, travel: 100, letter: 12, audition: 1, interest: 1,\n"
        "     acceptance: 0.5}\n"
    )
    path = files(SCENARIO.replace("programs: programs.csv\n", inline))
    fails(
        path,
        f"scenario.yaml:{LINE['programs'] + 3}:",
        "programs[0].letter",
        "expected at most 10 (got 12)",
    )


def _xlsx_scenario(files: Files, tmp_path: Path, column: str, value: str) -> Path:
    """The two-row catalog as XLSX, with one cell of the second row replaced."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(ROW_A.split(","))
    row = ROW_B.split(",")
    row[columns()[column] - 1] = value
    sheet.append(row)
    book.save(tmp_path / "programs.xlsx")
    return files(SCENARIO.replace("programs.csv", "programs.xlsx"))


def _letter(column: str) -> str:
    """The spreadsheet letter of a catalog column (the test header has under 27)."""
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[columns()[column] - 1]


def test_xlsx_catalog_error_names_row_and_column(files: Files, tmp_path: Path) -> None:
    path = _xlsx_scenario(files, tmp_path, "tier", "stretch")
    fails(path, f"programs.xlsx, cell {_letter('tier')}3: tier:")


def test_xlsx_places_read_as_cells_and_rows(files: Files, tmp_path: Path) -> None:
    """From a review: XLSX errors said `programs.xlsx:3:6`, a text file's line:column;
    a spreadsheet user looks for the cell F3."""
    path = _xlsx_scenario(files, tmp_path, "tier", "target")
    book = Workbook()
    header = HEADER.split(",")
    book.active.append([*header, "tier"])  # a second 'tier' column
    book.active.append([*ROW_A.split(","), "target"])
    book.save(tmp_path / "programs.xlsx")
    twice = f"columns {_letter('tier')} and {'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[len(header)]}"
    fails(path, "programs.xlsx, cell", twice)
    book = Workbook()
    for row in (header, ROW_A.split(","), ROW_B.split(","), ROW_A.split(",")):
        book.active.append(row)
    book.save(tmp_path / "programs.xlsx")
    fails(path, f"programs.xlsx, cell {_letter('id')}4: id:", "(first at row 2)")


@pytest.mark.parametrize(
    ("number", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (53, "BA"), (703, "AAA")]
)
def test_column_letters_as_a_spreadsheet_names_them(number: int, letters: str) -> None:
    assert column_letters(number) == letters


def test_xlsx_formula_without_a_saved_result_is_named(files: Files, tmp_path: Path) -> None:
    # openpyxl and other libraries write formulas without calculating them.
    path = _xlsx_scenario(files, tmp_path, "travel", "=2*200")
    fails(path, f"programs.xlsx, cell {_letter('travel')}3: travel:", "formula (=2*200)")


def test_xlsx_damaged_blank_first_row_and_sheet_name_case(files: Files, tmp_path: Path) -> None:
    import zipfile

    path = _xlsx_scenario(files, tmp_path, "tier", "target")
    book = Workbook()
    book.active.title = "notes"
    sheet = book.create_sheet("Programs")  # any case of "programs" is the catalog
    for row in (HEADER.split(","), ROW_A.split(","), ROW_B.split(",")):
        sheet.append(row)
    book.save(tmp_path / "programs.xlsx")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    blank = Workbook()
    blank.active.append([])
    blank.active.append(HEADER.split(","))
    blank.active.append(ROW_A.split(","))
    blank.save(tmp_path / "programs.xlsx")
    fails(path, "programs.xlsx: row 1 is blank")
    # A valid zip whose sheet XML is cut in half: openpyxl fails only while reading rows.
    source = tmp_path / "programs.xlsx"
    _xlsx_scenario(files, tmp_path, "tier", "target")
    with zipfile.ZipFile(source) as whole:
        parts = {n: whole.read(n) for n in whole.namelist()}
    sheet_xml = next(n for n in parts if n.startswith("xl/worksheets/"))
    parts[sheet_xml] = parts[sheet_xml][: len(parts[sheet_xml]) // 2]
    with zipfile.ZipFile(source, "w") as cut:
        for part, data in parts.items():
            cut.writestr(part, data)
    fails(path, "programs.xlsx", "cannot read as XLSX")


def _workbook(path: Path, sheets: dict[str, list[list[str]]]) -> None:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)


def test_xlsx_the_one_catalog_sheet_is_read_and_named(files: Files, tmp_path: Path) -> None:
    """Found by review: a README sheet first gave "no catalog column recognised" with no
    sheet named; the sheet with the catalog header is read, and messages name it."""
    path = _xlsx_scenario(files, tmp_path, "tier", "target")
    bad_b = ROW_B.split(",")
    bad_b[columns()["tier"] - 1] = "stretch"
    readme = [["How to use this workbook"], ["One row per program."]]
    catalog = [HEADER.split(","), ROW_A.split(","), bad_b]
    _workbook(tmp_path / "programs.xlsx", {"README": readme, "catalog": catalog})
    fails(path, f"programs.xlsx (sheet 'catalog'), cell {_letter('tier')}3: tier:")
    catalog[2] = ROW_B.split(",")
    _workbook(tmp_path / "programs.xlsx", {"README": readme, "catalog": catalog})
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "programs: 2" in result.output


def test_xlsx_two_catalog_sheets_are_an_error_unless_one_is_named_programs(
    files: Files, tmp_path: Path
) -> None:
    """Radiology on one sheet, clinical on another: reading the first alone dropped the
    clinical programs silently and the plan was blamed on clinical.min."""
    path = _xlsx_scenario(files, tmp_path, "tier", "target")
    first = [HEADER.split(","), ROW_A.split(",")]
    second = [HEADER.split(","), ROW_B.split(",")]
    _workbook(tmp_path / "programs.xlsx", {"Radiology": first, "Clinical": second})
    fails(path, "programs.xlsx:", "'Radiology' and 'Clinical'", "name the sheet to read 'programs'")
    _workbook(tmp_path / "programs.xlsx", {"old list": first, "Programs": second})
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "read the sheet 'Programs' only; 'old list' also looks like a catalog" in result.output


def test_xlsx_other_sheets_that_are_not_a_second_catalog_are_left_alone(
    files: Files, tmp_path: Path
) -> None:
    """Found by review: a shortlist sheet (id, name, interest, notes), a hidden old
    catalog, an empty "programs" sheet or a capitalised header after a README each made
    the wrong sheet read or a valid workbook fail."""
    path = _xlsx_scenario(files, tmp_path, "tier", "target")
    catalog = [HEADER.split(","), ROW_A.split(","), ROW_B.split(",")]
    book = tmp_path / "programs.xlsx"

    def valid() -> str:
        result = CliRunner().invoke(cli, ["validate", str(path)])
        assert result.exit_code == 0, result.output
        assert "programs: 2" in result.output
        return result.stderr

    _workbook(book, {"Sheet1": catalog, "Shortlist": [["id", "name", "interest", "notes"]]})
    valid()
    _workbook(book, {"2027": catalog, "2026 old": catalog[:2]})
    old = load_workbook(book)
    old["2026 old"].sheet_state = "hidden"  # an old list, out of sight
    old.save(book)
    valid()
    _workbook(book, {"programs": [], "Sheet1": catalog})
    assert "the sheet 'programs' has no header" in valid()
    capitalised = [[h.upper() for h in catalog[0]], *catalog[1:]]
    _workbook(book, {"README": [["notes"]], "Catalog": capitalised})
    fails(path, "programs.xlsx (sheet 'Catalog'), row 1:", "column names are lower case")
    _workbook(book, {"A": catalog, "B": catalog, "C": catalog})
    fails(path, "'A' and 'B' and 'C' all hold a catalog")


def test_offers_name_a_program_and_start_of_the_catalog(files: Files) -> None:
    """Extension `offers`: an unknown program, a start it does not offer, or an offer of
    an excluded program is an input error at its line; a locked program's offer is
    already taken (a note)."""
    output = fails(
        files(SCENARIO + "offers:\n  - {program: rad-x, start: 2027-06-07}\n"),
        "offers[0].program",
        "unknown program id 'rad-x'",
    )
    assert "Traceback" not in output
    fails(
        files(SCENARIO + "offers:\n  - {program: rad-a, start: 2027-06-14}\n"),
        "offers[0].start",
        "does not offer a start on 2027-06-14",
    )
    fails(
        files(SCENARIO + "exclude: [rad-a]\noffers:\n  - {program: rad-a, start: 2027-06-07}\n"),
        "both offered and excluded",
    )
    both = "locks:\n  - {program: rad-a, start: 2027-06-07}\n"
    both += "offers:\n  - {program: rad-a, start: 2027-06-07}\n"
    result = CliRunner().invoke(cli, ["validate", str(files(SCENARIO + both))])
    assert result.exit_code == 0
    assert "rad-a is locked (accepted) at 2027-06-07, so its offer at 2027-06-07 is left out" in (
        result.stderr
    )


def test_every_problem_is_reported_at_once(files: Files) -> None:
    bad_a = ROW_A.replace("target", "stretch")
    bad_b = ROW_B.replace(",6,0,3,", ",60,0,3,")
    output = fails(
        files(catalog=f"{HEADER}\n{bad_a}\n{bad_b}\n"), "programs.csv:2:", "programs.csv:3:"
    )
    assert output.count("error:") == 2


def test_debug_shows_the_traceback(files: Files) -> None:
    path = files(SCENARIO.replace("budget: 9000", "budget: -5"))
    result = CliRunner().invoke(cli, ["validate", str(path), "--debug"])
    assert result.exit_code != 0
    assert result.exception is not None and type(result.exception).__name__ == "InputError"


def test_catalog_given_as_the_scenario(files: Files) -> None:
    path = files()
    fails(path.parent / "programs.csv", "programs.csv", "is a program catalog")


def test_extra_cells_in_a_row_are_an_error_not_dropped(files: Files) -> None:
    # A decimal comma ("0,6") makes one cell too many: never silently acceptance 0.
    path = files(catalog=f"{HEADER}\n{ROW_B}\n{ROW_A.replace(',0.6', ',0,6')}\n")
    fails(path, f"programs.csv:3:{len(HEADER.split(',')) + 1}", "23 cells", "header has 22")


def test_trailing_empty_cells_are_fine(files: Files) -> None:
    path = files(catalog=f"{HEADER}\n{ROW_A},,\n{ROW_B}\n")
    assert CliRunner().invoke(cli, ["validate", str(path)]).exit_code == 0


def test_a_column_twice_in_the_header(files: Files) -> None:
    path = files(catalog=f"{HEADER},weeks\n{ROW_A},8\n")
    fails(path, f"programs.csv:1:{len(HEADER.split(',')) + 1}", "'weeks' appears twice")


@pytest.mark.parametrize(
    ("separator", "hint"), [(";", "semicolons"), ("\t", "tabs")], ids=["semicolon", "tab"]
)
def test_a_header_with_another_separator_says_so(files: Files, separator: str, hint: str) -> None:
    catalog = "\n".join(line.replace(",", separator) for line in (HEADER, ROW_A)) + "\n"
    output = fails(files(catalog=catalog), "programs.csv:1:", hint)
    assert output.count("error:") == 1


def test_a_title_line_above_the_header(files: Files) -> None:
    fails(files(catalog=f"My programs\n{HEADER}\n{ROW_A}\n"), "programs.csv:1:", "header row")


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("budget: 9000", "budget: true", "budget"),
        ("us_clinical_weeks: 8", "us_clinical_weeks: true", "us_clinical_weeks"),
        ("{min: 1, max: 3}", "{min: true, max: 3}", "radiology.min"),
    ],
)
def test_a_boolean_is_not_a_number(files: Files, old: str, new: str, key: str) -> None:
    fails(files(SCENARIO.replace(old, new)), key, "expected a number, got true")


def test_messages_show_values_as_written(files: Files) -> None:
    output = fails(files(SCENARIO.replace("budget: 9000", "budget: 9000.50")), "(got 9000.50)")
    assert "Decimal" not in output
    output = fails(
        files(SCENARIO.replace("window: {start: 2027-06-01, end: 2027-12-17}", "window: 5"))
    )
    assert "expected a mapping" in output and "DateRange" not in output


def test_a_close_key_is_suggested_never_the_same_one(files: Files) -> None:
    path = files(
        SCENARIO.replace("{min: 1, max: 3}", "{min: 1, max: 3}\n  clinical: {specialty: [surgery]}")
    )
    output = fails(path, "unknown key 'specialty'", "did you mean 'specialties'")
    assert "did you mean 'specialty'" not in output


def test_an_unknown_document_is_reported_once(files: Files) -> None:
    rows = "\n".join(ROW_A.replace("rad-a", f"rad-{i}") for i in range(5))
    path = files(
        SCENARIO.replace("documents:\n  transcript: 2027-01-10\n", ""), f"{HEADER}\n{rows}\n"
    )
    output = fails(path, "unknown document 'transcript' (and 4 more rows)")
    assert output.count("error:") == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("budget: " + "[" * 5000, "nested too deeply"),
        ("budget: .inf", "finite number"),
        ("planning_date: 9999-12-20", "expected a year from 1900 to 2199"),
    ],
    ids=["deep", "infinity", "far-date"],
)
def test_hostile_yaml_values(files: Files, text: str, expected: str) -> None:
    key = text.split(":")[0]
    lines = [line for line in SCENARIO.splitlines() if not line.startswith(key + ":")]
    fails(files("\n".join([*lines, text]) + "\n"), expected)


def test_yaml_aliases_cannot_expand_without_end(files: Files) -> None:
    bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefg", "bcdefgh", strict=True):
        bomb.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    fails(files("\n".join(bomb) + "\n"), "YAML aliases")


def test_a_byte_order_mark_is_not_content(tmp_path: Path, files: Files) -> None:
    files()
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "scenario.yaml")])
    assert result.exit_code == 0
    path = tmp_path / "scenario.json"
    path.write_bytes(b'\xef\xbb\xbf{"version": 1')
    fails(path, "scenario.json:1:", "JSON syntax error")


def test_toml_syntax_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "scenario.toml"
    path.write_text('version = 1\nname = "x"\nbudget = \n', encoding="utf-8")
    fails(path, "scenario.toml:3:", "TOML syntax error")


def test_a_folder_as_the_catalog(files: Files, tmp_path: Path) -> None:
    (tmp_path / "cat.csv").mkdir()
    fails(files(SCENARIO.replace("programs.csv", "cat.csv")), "is a folder")


def test_a_scenario_as_the_value_model(files: Files) -> None:
    path = files(SCENARIO + "value_model: scenario.yaml\n")
    fails(path, "is a scenario file")


def test_max_applications_above_what_apply_handles(files: Files) -> None:
    fails(
        files(SCENARIO + "max_applications: 100\n"),
        "max_applications",
        "expected at most 20 (got 100)",
    )


def test_value_model_weights_are_bounded(files: Files, tmp_path: Path) -> None:
    model = (Path(__file__).parents[1] / "models" / "default.yaml").read_text(encoding="utf-8")
    (tmp_path / "huge.yaml").write_text(model.replace("letter: 10", "letter: 1000000000"))
    fails(files(SCENARIO + "value_model: huge.yaml\n"), "huge.yaml", "letter")


def test_warnings_go_to_standard_error_in_every_format(files: Files) -> None:
    path = files(catalog=f"{HEADER},my_notes\n{ROW_A},call Mon\n{ROW_B},\n")
    for fmt in ("table", "json", "csv", "ics", "markdown"):
        result = CliRunner().invoke(cli, ["solve", str(path), "--format", fmt, "--time-limit", "5"])
        assert "extra catalog columns ignored" in result.stderr, fmt
        # JSON and Markdown carry them as part of the document; the rest do not.
        in_document = fmt in ("json", "markdown")
        assert ("extra catalog columns ignored" in result.stdout) == in_document, fmt


def test_an_unclosed_quote_is_named(files: Files) -> None:
    row = ROW_A.replace("A (synthetic)", '"A (synthetic)')
    output = fails(files(catalog=f"{HEADER}\n{ROW_B}\n{row}\n{ROW_B.replace('im-b', 'im-c')}\n"))
    assert 'programs.csv:3: a quote (") opened in this row is never closed' in output
    assert output.count("error:") == 1


def test_an_impossible_toml_date_is_named(tmp_path: Path) -> None:
    """Found by review: TOML reads 2027-07-32 as broken syntax ("Unclosed inline table");
    the message names the date."""
    path = tmp_path / "scenario.toml"
    path.write_text(
        "version = 1\n[calendar]\nblocked = [{start = 2027-07-20, end = 2027-07-32}]\n",
        encoding="utf-8",
    )
    fails(
        path,
        "scenario.toml:3:",
        "TOML syntax error",
        "2027-07-32 is not a real calendar date (July 2027 has 31 days)",
    )
    path.write_text("version = 1\nname = [\n", encoding="utf-8")  # no date: no such hint
    assert "calendar date" not in fails(path, "TOML syntax error")


_TOML_ONE_START = """version = 1
name = "one start"
planning_date = 2027-01-15
eras_submission = 2027-09-25
budget = 10000
student = {school_type = "us_md", us_clinical_weeks = 8, radiology_exposure = "none"}
calendar = {window = {start = 2027-06-01, end = 2027-10-31}}
requirements = {radiology = {min = 1, max = 1}, clinical = {min = 0, max = 0}, tier_mix = false}
applied = [{program = "rad-a", starts = 2027-07-05}]

[[programs]]
id = "rad-a"
name = "A"
specialty = "radiology"
tier = "target"
img_friendly = true
accepts_img = true
starts = 2027-07-05
weeks = 4
application_opens = 2027-01-01
housing_per_week = 100
travel = 100
fee = 10
letter = 5
audition = 5
interest = 5
acceptance = 0.5
"""


def test_one_start_as_a_bare_toml_date_is_a_list_of_one(tmp_path: Path) -> None:
    """Found by review: TOML `starts = 2027-07-05` was refused ("expected a list")
    where YAML's `starts: 2027-07-05` was read; so was an application's one start."""
    path = tmp_path / "scenario.toml"
    path.write_text(_TOML_ONE_START, encoding="utf-8")
    loaded = load_scenario(path)
    (row,) = loaded.programs
    assert [d.isoformat() for d in row.starts] == ["2027-07-05"]
    (sent,) = loaded.applied
    assert [d.isoformat() for d in sent.starts] == ["2027-07-05"]


def test_deep_toml_and_plan_json_are_refused_cleanly(tmp_path: Path, files: Files) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    fails(path, "nested too deeply")
    plan = tmp_path / "plan.json"
    plan.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(files()), str(plan)])
    assert result.exit_code == 1 and "nested too deeply" in result.output
    assert "Traceback" not in result.output


def test_version_true_is_not_version_1(files: Files) -> None:
    fails(files("version: true\n" + SCENARIO.split("\n", 1)[1]), "version", "got true")


def test_suggestions_come_from_the_same_level(files: Files) -> None:
    path = files(SCENARIO.replace("calendar:\n", "calendar:\n  start: 2027-01-01\n"))
    output = fails(path, "unknown key 'start'")
    assert "did you mean 'starts'" not in output


def test_one_upper_case_column_gets_the_hint(files: Files) -> None:
    header = HEADER.replace(",weeks,", ",Weeks,")
    fails(files(catalog=f"{header}\n{ROW_A}\n"), "missing required column 'weeks'", "'Weeks'")


def test_validate_notes_a_program_whose_starts_are_all_in_the_past(files: Files) -> None:
    """Found by review: a start typed with last year's date was only counted as "outside
    window", with no hint at the likely typo."""
    past = ROW_B.replace("2027-", "2026-")
    result = CliRunner().invoke(
        cli, ["validate", str(files(catalog=f"{HEADER}\n{ROW_A}\n{past}\n"))]
    )
    assert result.exit_code == 0, result.output
    assert "im-b: every start is before the planning date 2027-01-15" in result.stderr
    assert "rad-a:" not in result.stderr


def test_validate_writes_warnings_to_standard_error(files: Files) -> None:
    path = files(catalog=f"{HEADER},my_notes\n{ROW_A},x\n")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0
    assert result.stderr.count("extra catalog columns ignored") == 1
    assert "extra catalog columns ignored" not in result.stdout


def test_an_optional_column_in_other_case_is_warned_with_its_name(files: Files) -> None:
    """Found by review: "IMG_Surcharge" was ignored with no hint, so the surcharge fell
    to 0 unnoticed."""
    path = files(catalog=f"{HEADER},IMG_Surcharge,Housing per week\n{ROW_A},100,5\n")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "IMG_Surcharge (did you mean 'img_surcharge'?)" in result.stderr
    assert "Housing per week (did you mean 'housing_per_week'?)" in result.stderr


def test_thousands_separators_get_a_hint(files: Files) -> None:
    fails(files(SCENARIO.replace("budget: 9000", "budget: 9,000")), "e.g. 9000")


@pytest.mark.parametrize("field", ["school_type", "us_clinical_weeks", "radiology_exposure"])
def test_a_student_field_that_changes_the_plan_is_required(files: Files, field: str) -> None:
    # Spec section 2 marks only step2ck optional; a silent default would change the plan.
    lines = [line for line in SCENARIO.splitlines(keepends=True) if f"  {field}:" not in line]
    fails(files("".join(lines)), "scenario.yaml:", f"student.{field}: required key is missing")


def test_bad_utf8_names_the_line_and_column(files: Files, tmp_path: Path) -> None:
    path = files(catalog=f"{HEADER}\n{ROW_A}\n{ROW_B}\n")
    catalog = tmp_path / "programs.csv"
    catalog.write_bytes(catalog.read_bytes().replace(b"B (synthetic)", b"B (synth\xe9tic)"))
    # A catalog's place is its column and cell (found by review: "3:14" was a character
    # offset in a sheet of 22 columns).
    fails(
        path,
        "programs.csv:3:2: name: not UTF-8 text (byte 0xe9 in 'B (synth\ufffdtic)'",
        "save the file as CSV UTF-8",
    )
    scenario = SCENARIO.replace('name: "bad input (synthetic)"', 'name: "Jos\xe9"')
    path.write_bytes(scenario.encode("latin-1"))
    fails(path, "scenario.yaml:2:11:", "not UTF-8 text")
    # UTF-16 (Excel's "Unicode Text") is named as such, in a catalog or a scenario.
    catalog.write_bytes(f"{HEADER}\n{ROW_A}\n".encode("utf-16"))
    path.write_text(SCENARIO, encoding="utf-8")
    fails(path, "programs.csv:1: this is UTF-16 text")
    path.write_bytes(SCENARIO.encode("utf-16"))
    fails(path, "scenario.yaml:1: this is UTF-16 text")


def test_a_catalog_without_requires_warns_that_documents_limit_nothing(files: Files) -> None:
    at = columns()["requires"] - 1
    drop = lambda row: ",".join(c for i, c in enumerate(row.split(",")) if i != at)  # noqa: E731
    path = files(catalog=f"{drop(HEADER)}\n{drop(ROW_A)}\n{drop(ROW_B)}\n")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "`requires` column is missing or blank" in result.stderr
    assert "requires" not in CliRunner().invoke(cli, ["validate", str(files())]).stderr


def test_bad_utf8_after_a_byte_order_mark_counts_characters(files: Files) -> None:
    path = files()
    # The mark is not content, and the column counts characters, not bytes.
    bad = SCENARIO.encode().replace(b"bad input", b"b\xc3\xa9d \xff")
    path.write_bytes(b"\xef\xbb\xbf" + bad)
    fails(path, "scenario.yaml:2:12:", "byte 0xff")


def test_a_line_separator_inside_a_csv_cell_stays_in_its_cell(files: Files) -> None:
    # str.splitlines() would cut the row at U+2028; the csv writer does not quote it.
    row_b = ROW_B.replace("B (synthetic)", "B\u2028(synthetic)")
    result = CliRunner().invoke(
        cli, ["validate", str(files(catalog=f"{HEADER}\n{ROW_A}\n{row_b}\n"))]
    )
    assert result.exit_code == 0, result.output


def test_inline_catalog_extra_column_is_warned_once_with_a_hint(files: Files) -> None:
    """Spec section 3: extra catalog columns are allowed and listed once in a warning;
    an inline catalog is a catalog too (its extra keys were errors before)."""
    inline = (
        "programs:\n"
        "  - {id: a, name: A, specialty: radiology, tier: target, img_friendly: true,\n"
        "     accepts_img: true, starts: [2027-06-07], weeks: 4, application_opens: 2027-01-04,\n"
        "     housing_per_week: 100, travel: 100, letter: 2, audition: 1, interest: 1,\n"
        "     acceptance: 0.5, img_surchage: 100}\n"
    )
    path = files(
        SCENARIO.replace(
            "programs: programs.csv\n",
            inline + inline[len("programs:\n") :].replace("id: a, name: A", "id: b, name: B"),
        )
    )
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    warned = [line for line in result.stderr.splitlines() if "extra catalog columns" in line]
    assert len(warned) == 1, result.stderr
    assert "img_surchage (line " in warned[0] and "did you mean 'img_surcharge'?" in warned[0]


def test_a_misspelt_required_column_points_at_the_typo(files: Files) -> None:
    # Inline: reported missing, and the typo is named where it stands.
    inline = (
        "programs:\n"
        "  - {id: a, name: A, specialty: radiology, tier: target, img_friendly: true,\n"
        "     accepts_img: true, starts: [2027-06-07], weeks: 4, application_opens: 2027-01-04,\n"
        "     housing_per_week: 100, travel: 100, letter: 2, audition: 1, interest: 1,\n"
        "     acceptence: 0.5}\n"
    )
    path = files(SCENARIO.replace("programs: programs.csv\n", inline))
    fails(
        path, "acceptance: required value is blank or missing (the row has 'acceptence': a typo?)"
    )
    # Matched from the missing column's side: 'acceptance_img' is nearer 'acceptance', a
    # column the row has, and both misspellings of one column are named.
    typos = inline.replace("accepts_img: true", "acceptance_img: true").replace(
        "weeks: 4", "weks: 4, weekss: 4"
    )
    path = files(SCENARIO.replace("programs: programs.csv\n", typos))
    fails(path, "(the row has 'acceptance_img': a typo?)", "(the row has 'weekss' and 'weks'")
    # CSV: the missing column's message names the header's near miss.
    header = HEADER.replace("acceptance", "acceptence")
    fails(
        files(catalog=f"{header}\n{ROW_A}\n"),
        "missing required column 'acceptance' (the header has 'acceptence': a typo?)",
    )


def test_a_csv_extra_column_near_a_catalog_column_gets_a_hint(files: Files) -> None:
    header = HEADER.replace("application_deadline", "aplication_deadlin")
    result = CliRunner().invoke(cli, ["validate", str(files(catalog=f"{header}\n{ROW_A}\n"))])
    assert result.exit_code == 0, result.output
    assert (
        "aplication_deadlin (did you mean 'application_deadline'?; with no "
        "'application_deadline' column, no program has a fixed deadline)"
    ) in " ".join(result.stderr.split())


def test_a_capitalised_choice_is_told_to_use_lower_case(files: Files) -> None:
    path = files(catalog=f"{HEADER}\n{ROW_A.replace(',target,', ',Target,')}\n{ROW_B}\n")
    fails(
        path,
        f"programs.csv:2:{columns()['tier']}: tier:",
        "(got 'Target'); write it in lower case: 'target'",
    )


def test_a_choice_with_spaces_is_told_to_drop_them(files: Files) -> None:
    path = files(SCENARIO.replace("school_type: img", 'school_type: " img "'))
    output = fails(path, "school_type", "remove the blanks around it: 'img'")
    assert "lower case" not in output


EXAMPLE_TOML = """\
version = 1
name = "US-IMG (synthetic)"   # a comment
planning_date = 2027-01-15
eras_submission = 2027-09-25
budget = 9000
programs = "{catalog}"

[student]
school_type = "img"
step2ck = 246
us_clinical_weeks = 8
radiology_exposure = "none"

[calendar]
window = {{ start = 2027-06-01, end = 2027-12-17 }}
blocked = [
  {{ start = 2027-07-12, end = 2027-07-25, reason = "exam, \\"mock\\"" }},
  {{ start = 2027-08-30, end = 2027-09-05 }},
]

[documents]
transcript = 2027-01-10
immunizations = 2027-02-20
bls = 2027-03-01

[requirements.radiology]
min = 2
"""


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        # Spec section 1: an impossible date names the file and the line, in TOML too.
        (("planning_date = 2027-01-15", 'planning_date = "2027-02-30"'), ":3:", "planning_date"),
        (("budget = 9000", 'budget = "lots"'), ":5:", "budget"),
        (("min = 2", "min = -1"), ":27:", "requirements.radiology.min"),
        (("bls = 2027-03-01", 'bls = "2027-3-1"'), ":24:", "documents.bls"),
        ((", reason", ", reasn"), ":17:", "calendar.blocked[0].reasn"),
        (("end = 2027-09-05", 'end = "2027-09-31"'), ":18:", "calendar.blocked[1].end"),
        (("[student]", "[student]\nschool = 1"), ":9:", "student.school"),
        (("[requirements.radiology]", "[requirments.radiology]"), ":26:", "requirments"),
    ],
)
def test_toml_errors_about_values_name_the_line(
    tmp_path: Path, change: tuple[str, str], where: str, message: str
) -> None:
    """Found by a fuzz review: a TOML value error named the file and the field but no
    line (tomllib gives no positions), where YAML and JSON give `file:line:column`."""
    catalog = (SCENARIOS / "example" / "programs.csv").as_posix()
    text = EXAMPLE_TOML.format(catalog=catalog)
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    assert CliRunner().invoke(cli, ["validate", str(path)]).exit_code == 0
    old, new = change
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    fails(path, f"scenario.toml{where}", message)


def test_every_toml_key_and_value_is_located() -> None:
    """The TOML scanner on the syntax it must walk past: comments, the four kinds of
    string (with '#', quotes, brackets and newlines inside), quoted and dotted keys,
    nested arrays, inline tables, and [[arrays of tables]]."""
    import tomllib

    from rotation_solver.scenario.toml_positions import toml_positions

    text = (
        "a = 'x # [not a comment'  # a comment\n"
        'b = """two\n{lines} = "\n"""\n'
        "c.d = '''lit\n[e]'''\n"
        '"quoted key" = [[1, 2], ["]", "#"]]\n'
        "[t]\n"
        "inline = { p = 1, q = { r = 'x,}' } }\n"
        "[[offers]]\n"
        'program = "x"\n'
        "[[offers]]\n"
        'program = "y"\n'
    )
    data = tomllib.loads(text)
    keys, values = toml_positions(text)

    def walk(node: object, path: tuple[str | int, ...]) -> None:
        if path:
            assert path in values, path
        if isinstance(node, dict):
            for key, child in node.items():
                assert (*path, key) in keys, (*path, key)
                walk(child, (*path, key))
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, (*path, index))

    walk(data, ())
    lines = text.splitlines()

    def at(line: int, literal: str) -> tuple[int, int]:
        return line, lines[line - 1].index(literal) + 1

    assert keys[("c", "d")] == (5, 1)
    assert values[("quoted key", 1, 0)] == at(7, '"]"')
    assert values[("t", "inline", "q", "r")] == at(9, "'x,}'")
    assert keys[("offers", 1, "program")] == (13, 1)
    assert toml_positions("a = [1,\n")[1] == {("a",): (1, 5), ("a", 0): (1, 6)}  # stops


def test_ids_that_differ_only_in_capitals_get_a_note(files: Files) -> None:
    """Found by a fuzz review: RAD-A beside rad-a loaded as two programs, silently."""
    twin = ROW_A.replace("rad-a,", "RAD-A,", 1)
    path = files(catalog=f"{HEADER}\n{ROW_A}\n{ROW_B}\n{twin}\n")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert (
        "program ids 'rad-a' and 'RAD-A' (lines 2 and 4) differ only in capitals" in result.stderr
    )
    result = CliRunner().invoke(cli, ["validate", str(files())])
    assert "capitals" not in result.stderr


def test_an_unquoted_comma_before_a_blank_last_cell_is_named(files: Files) -> None:
    """Found by review: the extra cell was blank, so the row read as ten shifted errors
    and the one that says what happened was never given."""
    header = HEADER + ",my notes"
    shifted = ROW_A.replace("A (synthetic)", "A (synthetic), Dept. of Imaging") + ","
    fails(
        files(catalog=f"{header}\n{shifted}\n{ROW_B},\n"),
        "programs.csv:2:24: this row has 24 cells but the header has 23 (the extra one is "
        "blank): a value with an unquoted comma moves every cell after it",
        "specialty: expected",
    )
    # A blank cell past the header on a row that reads well is no error.
    path = files(catalog=f"{HEADER}\n{ROW_A},\n{ROW_B},,\n")
    assert CliRunner().invoke(cli, ["validate", str(path)]).exit_code == 0
    # Every row ending with a comma is the file's habit: a real error gets no such hint.
    wrong = ROW_A.removesuffix("0.6") + "1.3"
    output = fails(files(catalog=f"{HEADER}\n{wrong},\n{ROW_B},\n"), "acceptance")
    assert "unquoted comma" not in output
