"""Hostile and odd inputs from the twentieth session's fuzz review (about 690 runs).

Each was a traceback, a silent wrong reading or a message with no place in the file;
each must be a clear message at its place, with the contract's exit code.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from rotation_solver.cli import cli
from tests.conftest import SCENARIOS

EXAMPLE = SCENARIOS / "example"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    said = result.output  # stdout and stderr, as a terminal shows them
    assert "Traceback" not in said
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, " ".join(said.split())


def _copy(tmp_path: Path) -> Path:
    for name in ("scenario.yaml", "programs.csv"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    return tmp_path / "scenario.yaml"


def _with_first_row(tmp_path: Path, **changes: str) -> tuple[Path, list[str], list[str]]:
    """The example with cells of its catalog's first row replaced: (scenario, header,
    the row's cells)."""
    scenario = _copy(tmp_path)
    catalog = tmp_path / "programs.csv"
    rows = catalog.read_text().splitlines()
    header = rows[0].split(",")
    cells = rows[1].split(",")
    for column, value in changes.items():
        cells[header.index(column)] = value
    catalog.write_text("\n".join([rows[0], ",".join(cells), *rows[2:]]) + "\n")
    return scenario, header, cells


def _plan(tmp_path: Path, scenario: Path) -> dict[str, object]:
    code, _said = _run("solve", str(scenario), "--workers", "1", "-o", str(tmp_path / "p.json"))
    assert code == 0
    return json.loads((tmp_path / "p.json").read_text())


@pytest.mark.parametrize("command", ["validate", "solve", "timeline"])
def test_a_lock_in_a_year_the_scenario_cannot_name_is_a_usage_error(command: str) -> None:
    code, said = _run(command, str(EXAMPLE / "scenario.yaml"), "--lock", "rad-cedar@2207-06-14")
    assert code == 2
    assert "expected a year from 1900 to 2199, got 2207" in said


@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01"])
def test_check_names_a_start_in_a_year_no_scenario_holds(tmp_path: Path, start: str) -> None:
    scenario = _copy(tmp_path)
    plan = _plan(tmp_path, scenario)
    plan["rotations"][0]["start"] = start  # type: ignore[index]
    (tmp_path / "bad.json").write_text(json.dumps(plan))
    code, said = _run("check", str(scenario), str(tmp_path / "bad.json"))
    assert code == 1
    assert f"start {start} is outside the years a scenario may name (1900-2199)" in said
    (tmp_path / "mine.csv").write_text(f"program_id,start\nrad-cedar,{start}\n")
    code, said = _run("check", str(scenario), str(tmp_path / "mine.csv"), "--score")
    assert code == 1 and "(line 2 of mine.csv)" in said and "outside the years" in said


def test_symlink_loops_are_named_not_tracebacks(tmp_path: Path) -> None:
    scenario = _copy(tmp_path)
    os.symlink(tmp_path / "b.csv", tmp_path / "a.csv")
    os.symlink(tmp_path / "a.csv", tmp_path / "b.csv")
    looped = tmp_path / "looped.yaml"
    looped.write_text(scenario.read_text().replace("programs: programs.csv", "programs: a.csv"))
    code, said = _run("validate", str(looped))
    assert code == 1 and "cannot read" in said and "a.csv" in said
    for option in ("-o", "--plot"):
        target = tmp_path / ("a.csv" if option == "-o" else "x.png")
        if option == "--plot":
            os.symlink(tmp_path / "y.png", target)
            os.symlink(target, tmp_path / "y.png")
        for force in ([], ["--force"]):
            code, said = _run("solve", str(scenario), "--workers", "1", option, str(target), *force)
            assert code == 2 and "is a symbolic link loop; name a file to write" in said
    assert (tmp_path / "a.csv").is_symlink()  # left as it was
    code, said = _run("check", str(scenario), str(tmp_path / "a.csv"))
    assert code == 1 and "is a symbolic link to no file" in said


def test_numbers_too_long_to_read_are_named_at_their_place(tmp_path: Path) -> None:
    digits = "1" * 5000
    scenario = _copy(tmp_path)
    text = scenario.read_text()
    assert "budget: 9000" in text
    (tmp_path / "big.yaml").write_text(text.replace("budget: 9000", f"budget: {digits}"))
    code, said = _run("validate", str(tmp_path / "big.yaml"))
    line = text[: text.index("budget: 9000")].count("\n") + 1
    assert code == 1
    assert f"big.yaml:{line}:9: a number has more than 4,300 digits" in said
    (tmp_path / "big.json").write_text('{"version": 1, "budget": ' + digits + "}")
    code, said = _run("validate", str(tmp_path / "big.json"))
    assert code == 1 and "a number has more than 4,300 digits" in said
    (tmp_path / "big.toml").write_text(f"version = 1\nbudget = {digits}\n")
    code, said = _run("validate", str(tmp_path / "big.toml"))
    assert code == 1 and "a number has more than 4,300 digits" in said
    plan = tmp_path / "plan.json"
    plan.write_text('{"rotations": [], "objective": ' + digits + "}")
    code, said = _run("check", str(scenario), str(plan))
    assert code == 1 and "a number has more than 4,300 digits" in said
    code, said = _run("solve", str(scenario), "--workers", "1", "--since", str(plan))
    assert code == 1 and "a number has more than 4,300 digits" in said
    # In a catalog cell: named at its row and column, without echoing 5,000 digits.
    scenario, header, _cells = _with_first_row(tmp_path, travel=digits)
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert f"programs.csv:2:{header.index('travel') + 1}: travel: expected a whole number" in said
    assert "(5,000 characters)" in said and digits not in said


def test_a_plan_nested_too_deeply_for_since_is_named(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    code, said = _run("solve", str(EXAMPLE / "scenario.yaml"), "--since", str(deep))
    assert code == 1 and "JSON nested too deeply" in said


def test_a_scored_row_with_more_cells_than_its_header_is_refused(tmp_path: Path) -> None:
    mine = tmp_path / "mine.csv"
    mine.write_text("program_id,start\nrad-cedar,2027-06-14,rad-juniper,2027-07-26\n")
    code, said = _run("check", str(EXAMPLE / "scenario.yaml"), str(mine), "--score")
    assert code == 1
    assert "mine.csv:2: this row has 4 cells but the header has 2" in said
    # Blank trailing cells (a spreadsheet's export) are not a second rotation.
    mine.write_text("program_id,start\nrad-cedar,2027-06-14,,\n")
    code, said = _run("check", str(EXAMPLE / "scenario.yaml"), str(mine), "--score")
    assert "cells but the header" not in said


def test_output_names_a_format_or_is_told_which_it_gets(tmp_path: Path) -> None:
    scenario = str(EXAMPLE / "scenario.yaml")
    code, said = _run("solve", scenario, "--workers", "1", "-o", str(tmp_path / "plan.pdf"))
    assert code == 2 and "not a picture; draw one with --plot" in said
    assert not (tmp_path / "plan.pdf").exists()
    # Text in a file Excel or Word would refuse to open: refused, with the name to use.
    code, said = _run("solve", scenario, "--workers", "1", "-o", str(tmp_path / "plan.xlsx"))
    assert code == 2 and "not a spreadsheet file; write -o plan.csv" in said
    assert not (tmp_path / "plan.xlsx").exists()
    code, said = _run("solve", scenario, "--workers", "1", "-o", str(tmp_path / "plan.DOCX"))
    assert code == 2 and "not a word processor file; write -o plan.txt" in said
    # Asked for by --format, it is written, with a note (found by review).
    code, said = _run(
        "solve", scenario, "--workers", "1", "--format", "csv", "-o", str(tmp_path / "p.xlsx")
    )
    assert code == 0 and "gets csv text (--format), which a spreadsheet may refuse" in said
    code, said = _run("solve", scenario, "--workers", "1", "-o", str(tmp_path / "plan.log"))
    assert code == 0
    assert "the suffix .log names no format, so it gets the table format" in said
    code, said = _run("solve", scenario, "--workers", "1", "-o", str(tmp_path / "plan"))
    assert code == 0 and "no suffix names one, so it gets the table format" in said
    code, said = _run("solve", scenario, "--workers", "1", "-o", str(tmp_path / "plan.txt"))
    assert code == 0 and "names no format" not in said and "no suffix" not in said


def test_since_says_when_the_plan_is_another_scenarios(tmp_path: Path) -> None:
    other = SCENARIOS / "challenged-home" / "scenario.yaml"
    _run("solve", str(other), "--workers", "1", "-o", str(tmp_path / "other.json"))
    scenario = str(EXAMPLE / "scenario.yaml")
    args = ("solve", scenario, "--workers", "1", "--no-explain", "--since")
    code, said = _run(*args, str(tmp_path / "other.json"))
    assert code == 0
    assert "that plan was made for the scenario 'US-IMG, Step 2 CK 228" in said
    _run("solve", scenario, "--workers", "1", "-o", str(tmp_path / "mine.json"))
    code, said = _run(*args, str(tmp_path / "mine.json"))
    assert code == 0 and "that plan was made for" not in said
    plan = json.loads((tmp_path / "mine.json").read_text())
    plan["rotations"][0]["start"] = 20270614  # a number, not a date
    (tmp_path / "number.json").write_text(json.dumps(plan))
    code, said = _run(*args, str(tmp_path / "number.json"))
    assert code == 1 and "expected a start as YYYY-MM-DD" in said


def test_a_nul_byte_in_yaml_is_named_at_its_line_and_column(tmp_path: Path) -> None:
    scenario = _copy(tmp_path)
    lines = scenario.read_text().splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("budget:"))
    lines[number] += "\x00"
    scenario.write_text("\n".join(lines) + "\n")
    code, said = _run("validate", str(scenario))
    column = len(lines[number])
    assert code == 1
    assert f"scenario.yaml:{number + 1}:{column}: YAML cannot hold the character U+0000" in said


def test_a_deadline_before_the_opening_day_is_a_warning_at_its_row(tmp_path: Path) -> None:
    scenario, header, cells = _with_first_row(
        tmp_path, application_opens="2027-02-01", application_deadline="2027-01-01"
    )
    code, said = _run("validate", str(scenario))
    assert code == 0
    column = header.index("application_deadline") + 1
    assert (
        f"programs.csv:2:{column}: application_deadline: program {cells[0]}: "
        "application_deadline 2027-01-01 is before application_opens 2027-02-01"
    ) in said
    # An offer in hand needs no application: nothing to warn about.
    scenario.write_text(
        scenario.read_text()
        + f"offers:\n  - {{program: {cells[0]}, start: {cells[header.index('starts')][:10]}}}\n"
    )
    code, said = _run("validate", str(scenario))
    assert "is before application_opens" not in said


def test_control_characters_never_reach_the_terminal_or_a_report(tmp_path: Path) -> None:
    scenario = _copy(tmp_path)
    text = scenario.read_text()
    start = text.index("name:")
    end = text.index("\n", start)
    scenario.write_text(text[:start] + 'name: "\\e[31mRED\\e[0m\\tplan"' + text[end:])
    for args in (("validate",), ("solve", "--workers", "1", "--format", "markdown")):
        result = CliRunner().invoke(cli, [args[0], str(scenario), *args[1:]])
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\t" not in result.output
        assert "RED" in result.output and "plan" in result.output


# -- messages that were right but did not help ---------------------------------------


def test_a_catalog_under_the_other_formats_suffix_is_named_as_such(tmp_path: Path) -> None:
    scenario = _copy(tmp_path)
    csv_text = (tmp_path / "programs.csv").read_text()
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in csv_text.splitlines():
        sheet.append(line.split(","))
    book.save(tmp_path / "programs.csv")  # a workbook, named .csv
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert "this is an Excel workbook (XLSX), not CSV text; name it .xlsx" in said
    (tmp_path / "programs.xlsx").write_text(csv_text)  # CSV text, named .xlsx
    scenario.write_text(scenario.read_text().replace("programs.csv", "programs.xlsx"))
    code, said = _run("validate", str(scenario))
    assert code == 1 and "it looks like CSV text: name it .csv" in said


def test_check_says_when_its_arguments_are_swapped(tmp_path: Path) -> None:
    scenario = _copy(tmp_path)
    _plan(tmp_path, scenario)
    code, said = _run("check", str(tmp_path / "p.json"), str(scenario))
    assert code == 1
    assert said.startswith(f"error: {tmp_path / 'p.json'}: this is a plan, not a scenario")
    assert said.count("error:") == 1


def test_check_names_a_timeline_and_validate_names_standard_input(tmp_path: Path) -> None:
    scenario = str(EXAMPLE / "scenario.yaml")
    steps = tmp_path / "steps.json"
    _run("timeline", scenario, "--workers", "1", "--format", "json", "-o", str(steps))
    code, said = _run("check", scenario, str(steps))
    assert code == 1 and "this is the JSON of `rotation-solver timeline`, not a plan" in said
    code, said = _run("validate", "-")
    assert code == 1 and "standard input is not read here; name a file" in said


def test_two_programs_in_one_exclude_are_told_to_name_one_per_entry() -> None:
    scenario = str(EXAMPLE / "scenario.yaml")
    code, said = _run("validate", scenario, "--exclude", "rad-harbor,rad-cedar")
    assert code == 1 and "name one program per entry (repeat the option" in said
    code, said = _run("validate", scenario, "--exclude", "rad-harbor,rad-nowhere")
    assert code == 1 and "name one program per entry" not in said


def test_force_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_text("{}")
    target.chmod(0o444)
    code, _said = _run(
        "solve", str(EXAMPLE / "scenario.yaml"), "--workers", "1", "-o", str(target), "--force"
    )
    assert code == 0 and json.loads(target.read_text())["status"] == "optimal"
    assert target.stat().st_mode & 0o777 == 0o444


def test_a_calendar_asked_for_by_its_suffix_is_named_as_such(tmp_path: Path) -> None:
    scenario = str(EXAMPLE / "scenario.yaml")
    code, said = _run("apply", scenario, "--more", "1000", "-o", str(tmp_path / "x.ics"))
    assert code == 2 and f"-o {tmp_path / 'x.ics'}: a calendar is one portfolio's" in said


@pytest.mark.parametrize(
    ("reference", "hint"),
    [
        ("https://example.com/programs.csv", "catalogs are read from files only"),
        ("data\\\\programs.csv", "write folders with /"),
    ],
)
def test_a_catalog_path_that_is_a_url_or_uses_backslashes_gets_a_hint(
    tmp_path: Path, reference: str, hint: str
) -> None:
    scenario = _copy(tmp_path)
    text = scenario.read_text().replace("programs: programs.csv", f'programs: "{reference}"')
    scenario.write_text(text)
    code, said = _run("validate", str(scenario))
    assert code == 1 and "not found" in said and hint in said


# -- from the code review of the fixes above -------------------------------------------


def test_a_comma_in_any_program_entry_gets_the_one_per_entry_hint(tmp_path: Path) -> None:
    scenario = _copy(tmp_path)
    code, said = _run("validate", str(scenario), "--lock", "rad-cedar,rad-juniper@2027-06-14")
    assert code == 1 and "name one program per entry" in said and "--exclude" not in said


def test_a_refused_or_excluded_program_gets_no_deadline_warning(tmp_path: Path) -> None:
    scenario, _header, cells = _with_first_row(
        tmp_path, application_opens="2027-02-01", application_deadline="2027-01-01"
    )
    code, said = _run("validate", str(scenario), "--exclude", cells[0])
    assert code == 0 and "is before application_opens" not in said
    scenario.write_text(
        scenario.read_text() + f"applied:\n  - {{program: {cells[0]}}}\nexclude: [{cells[0]}]\n"
    )
    code, said = _run("validate", str(scenario))
    assert code == 0 and "is before application_opens" not in said


def test_score_names_timeline_json_too(tmp_path: Path) -> None:
    scenario = str(EXAMPLE / "scenario.yaml")
    steps = tmp_path / "steps.json"
    _run("timeline", scenario, "--workers", "1", "--format", "json", "-o", str(steps))
    code, said = _run("check", scenario, str(steps), "--score")
    assert code == 1 and "this is the JSON of `rotation-solver timeline`" in said
    assert "missing the key" not in said


def test_a_plan_saved_with_a_multi_line_name_still_checks(tmp_path: Path) -> None:
    """Names are read with one space for a line break; a plan that states the name as
    the file wrote it (a plan saved before that reading) still matches."""
    scenario = _copy(tmp_path)
    text = scenario.read_text()
    start = text.index("name:")
    end = text.index("\n", start)
    scenario.write_text(text[:start] + "name: |\n  Example plan\n  second line" + text[end:])
    plan = _plan(tmp_path, scenario)
    assert plan["scenario"] == "Example plan second line"
    plan["scenario"] = "Example plan\nsecond line\n"
    (tmp_path / "old.json").write_text(json.dumps(plan))
    code, said = _run("check", str(scenario), str(tmp_path / "old.json"))
    assert code == 0, said
    args = ("solve", str(scenario), "--workers", "1", "--no-explain", "--since")
    code, said = _run(*args, str(tmp_path / "old.json"))
    assert code == 0 and "that plan was made for" not in said


def test_names_lose_bidi_controls_and_keep_one_space_per_blank_run(tmp_path: Path) -> None:
    from rotation_solver.scenario.schema import visible_text

    assert visible_text("a\r\nb\t c\u202e d\x1b[0m ") == "a b c d[0m"
    assert visible_text(7) == 7


def test_the_calendar_defers_to_apply_where_the_plan_does(tmp_path: Path) -> None:
    from icalendar import Calendar

    scenario = str(SCENARIOS / "offers-in-hand" / "scenario.yaml")
    result = CliRunner().invoke(cli, ["solve", scenario, "--workers", "1", "--format", "ics"])
    assert result.exit_code == 0, result.output
    described = " ".join(
        str(e["DESCRIPTION"])
        for e in Calendar.from_ical(result.stdout_bytes).walk("VEVENT")
        if str(e["SUMMARY"]).startswith("Rotation:")
    )
    assert "Offer in hand: this plan takes it (`rotation-solver apply` says whether" in described
    assert "accept it" not in described


def test_since_names_standard_input_and_links_to_nothing(tmp_path: Path) -> None:
    scenario = str(EXAMPLE / "scenario.yaml")
    code, said = _run("solve", scenario, "--since", "-")
    assert code == 1 and "standard input is not read here" in said
    (tmp_path / "gone.json").symlink_to(tmp_path / "nowhere.json")
    code, said = _run("solve", scenario, "--since", str(tmp_path / "gone.json"))
    assert code == 1 and "is a symbolic link to no file" in said
