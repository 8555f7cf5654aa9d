"""Inputs from the twenty-second session's hostile-input review: each was read silently
wrong, dropped without a word, or given the wrong exit code."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rotation_solver.cli import cli
from tests.conftest import SCENARIOS

EXAMPLE = SCENARIOS / "example"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    said = result.output
    assert "Traceback" not in said
    return result.exit_code, " ".join(said.split())


def _copy(tmp_path: Path) -> Path:
    for name in ("scenario.yaml", "programs.csv"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    return tmp_path / "scenario.yaml"


def _catalog_cell(tmp_path: Path, column: str, value: str) -> tuple[Path, int]:
    """The example with one cell of its first program changed: (scenario, column number)."""
    scenario = _copy(tmp_path)
    catalog = tmp_path / "programs.csv"
    rows = catalog.read_text().splitlines()
    header, cells = rows[0].split(","), rows[1].split(",")
    cells[header.index(column)] = value
    catalog.write_text("\n".join([rows[0], ",".join(cells), *rows[2:]]) + "\n")
    return scenario, header.index(column) + 1


@pytest.mark.parametrize("column", ["housing_per_week", "travel", "fee", "weeks"])
def test_a_dotted_thousand_in_a_catalog_is_refused_not_read_as_one(
    tmp_path: Path, column: str
) -> None:
    """ "1.000" was read as 1: a housing cost of $1 a week, and a better plan."""
    scenario, number = _catalog_cell(tmp_path, column, "1.000")
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert f"programs.csv:2:{number}: {column}: expected a whole number without separators" in said
    assert "write 1000 if you mean 1,000" in said


def test_cents_are_still_whole_dollars(tmp_path: Path) -> None:
    scenario, _number = _catalog_cell(tmp_path, "fee", "125.00")
    code, _said = _run("validate", str(scenario))
    assert code == 0


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("scenario.yaml", None, None),
        ("budget.json", '{"version": 1, "budget": 9.000}', 1),
        ("budget.toml", "version = 1\nbudget = 9.000\n", 2),
    ],
)
def test_a_dotted_thousand_budget_is_refused_in_every_format(
    tmp_path: Path, name: str, text: str | None, line: int | None
) -> None:
    """`budget: 9.000` was a budget of $9: exit 3 (no plan), not exit 1."""
    scenario = _copy(tmp_path)
    if text is None:
        yaml_text = scenario.read_text()
        scenario.write_text(
            "\n".join(
                "budget: 9.000" if row.startswith("budget:") else row
                for row in yaml_text.splitlines()
            )
        )
    else:
        scenario = tmp_path / name
        scenario.write_text(text)
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert "budget: expected a whole number without separators (got '9.000'" in said
    if line is not None:
        assert f"{name}:{line}:" in said


def test_a_value_under_a_column_with_no_name_is_not_dropped(tmp_path: Path) -> None:
    """A value typed beside the last column, under no header, was ignored silently."""
    scenario = _copy(tmp_path)
    catalog = tmp_path / "programs.csv"
    rows = catalog.read_text().splitlines()
    width = len(rows[0].split(","))
    rows[0] += ",,notes"
    rows[1] += ",oops,my note"
    catalog.write_text("\n".join(rows) + "\n")
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert f"programs.csv:2:{width + 1}: a value under a column with no name in row 1" in said
    assert "'oops'" in said
    # Blank cells there are nothing to lose.
    rows[1] = rows[1].replace(",oops,", ",,")
    catalog.write_text("\n".join(rows) + "\n")
    assert _run("validate", str(scenario))[0] == 0


def _as_xlsx(tmp_path: Path, edit: Callable[[Any, int, int], None]) -> Path:
    """The example with its catalog as programs.xlsx, after `edit(sheet, width, rows)`."""
    openpyxl = pytest.importorskip("openpyxl")
    scenario = _copy(tmp_path)
    rows = [line.split(",") for line in (tmp_path / "programs.csv").read_text().splitlines()]
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    edit(sheet, len(rows[0]), len(rows))
    book.save(tmp_path / "programs.xlsx")
    scenario.write_text(scenario.read_text().replace("programs.csv", "programs.xlsx"))
    return scenario


def test_a_value_under_an_unnamed_xlsx_column_names_its_cell(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    scenario = _as_xlsx(tmp_path, lambda sheet, width, _rows: sheet.cell(2, width + 1, 0.45))
    rows = [line.split(",") for line in (tmp_path / "programs.csv").read_text().splitlines()]
    code, said = _run("validate", str(scenario))
    assert code == 1
    letter = openpyxl.utils.get_column_letter(len(rows[0]) + 1)
    assert f"programs.xlsx, cell {letter}2: a value under a column with no name" in said


def test_an_output_name_too_long_is_a_usage_error(tmp_path: Path) -> None:
    """Exit 74 is for the machine's trouble (a full disk); a name too long is the user's."""
    target = tmp_path / ("a" * 300 + ".json")
    code, said = _run("solve", str(EXAMPLE / "scenario.yaml"), "--workers", "1", "-o", str(target))
    assert code == 2
    assert "cannot write the file: File name too long" in said


def test_a_catalog_given_as_the_value_model_is_named_as_such(tmp_path: Path) -> None:
    """The message was the scenario's ("pass the scenario file whose `programs:` names
    it") for a scenario that had been passed."""
    scenario = _copy(tmp_path)
    code, said = _run("solve", str(scenario), "--value-model", str(tmp_path / "programs.csv"))
    assert code == 1
    assert "error: --value-model: value model" in said and "is a program catalog" in said
    text = scenario.read_text()
    assert "value_model: default" in text
    scenario.write_text(text.replace("value_model: default", "value_model: programs.csv"))
    code, said = _run("validate", str(scenario))
    line = next(
        n for n, row in enumerate(scenario.read_text().splitlines(), 1) if "value_model" in row
    )
    assert code == 1
    assert f"scenario.yaml:{line}:14: value_model: value model 'programs.csv' is a program" in said


def test_a_non_breaking_space_in_yaml_is_named(tmp_path: Path) -> None:
    scenario = _copy(tmp_path)
    rows = scenario.read_text().splitlines()
    at = next(n for n, row in enumerate(rows) if row.startswith("  step2ck:"))
    rows[at] = rows[at].replace("  step2ck:", "\u00a0 step2ck:")
    scenario.write_text("\n".join(rows) + "\n")
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert f"line {at + 1} has a non-breaking space (U+00A0" in said


def test_a_hand_made_json_plan_is_pointed_to_score(tmp_path: Path) -> None:
    plan = tmp_path / "mine.json"
    plan.write_text('{"rotations": [{"program_id": "rad-cedar", "start": "2027-06-14"}]}')
    code, said = _run("check", str(EXAMPLE / "scenario.yaml"), str(plan))
    assert code == 1
    assert "This looks like a plan made by hand: rotations with only program_id and start" in said
    # The missing status is said once, among the missing keys.
    assert "status null" not in said and "missing the key(s) scenario, status" in said
    plan.write_text('[{"program_id": "rad-cedar", "start": "2027-06-14"}]')
    code, said = _run("check", str(EXAMPLE / "scenario.yaml"), str(plan))
    assert code == 1 and "are checked with --score" in said
    # solve's own plan gets no such hint.
    solved = tmp_path / "plan.json"
    _run("solve", str(EXAMPLE / "scenario.yaml"), "--workers", "1", "-o", str(solved))
    assert "made by hand" not in _run("check", str(EXAMPLE / "scenario.yaml"), str(solved))[1]


@pytest.mark.parametrize(
    ("option", "value", "between"),
    [("--budgets", "4000;6000", "';'"), ("--budgets", "4000 6000", "spaces"),
     ("--more", "+2000/+4000", "'/'")],
)  # fmt: skip
def test_budgets_joined_by_another_mark_are_told_to_use_commas(
    option: str, value: str, between: str
) -> None:
    code, said = _run("compare", str(EXAMPLE / "scenario.yaml"), option, value)
    assert code == 2
    assert f"join the amounts with commas, not {between}" in said


def test_a_hand_flipped_locked_flag_is_not_valid(tmp_path: Path) -> None:
    """`"locked": true` on a rotation the scenario does not lock passed as valid."""
    import json

    plan = tmp_path / "plan.json"
    _run("solve", str(EXAMPLE / "scenario.yaml"), "--workers", "1", "-o", str(plan))
    data = json.loads(plan.read_text())
    first = data["rotations"][0]
    first["locked"] = True
    plan.write_text(json.dumps(data))
    code, said = _run("check", str(EXAMPLE / "scenario.yaml"), str(plan))
    assert code == 1
    label = f"{first['program_id']}@{first['start']}"
    assert "[locked.stated]" in said
    assert "the plan states locked true, but by the scenario it is not accepted" in said
    assert f"The plan marks {label} as accepted (locked)" in said
    first["locked"] = "yes"
    plan.write_text(json.dumps(data))
    code, said = _run("check", str(EXAMPLE / "scenario.yaml"), str(plan))
    assert code == 1 and 'locked "yes" is not true or false' in said
    # The other flags too, each against the scenario; absent, they are not required.
    del first["locked"]
    for key in ("offered", "applied", "letter_before_eras"):
        flipped = json.loads(json.dumps(data))
        row = flipped["rotations"][0]
        row[key] = not row.get(key, key == "letter_before_eras")
        plan.write_text(json.dumps(flipped))
        code, said = _run("check", str(EXAMPLE / "scenario.yaml"), str(plan))
        assert code == 1 and f"[{key}.stated]" in said, key
    plan.write_text(json.dumps(data))
    assert _run("check", str(EXAMPLE / "scenario.yaml"), str(plan))[0] == 0


def test_an_error_in_a_hidden_programs_sheet_says_it_is_hidden(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    scenario = _copy(tmp_path)
    rows = [line.split(",") for line in (tmp_path / "programs.csv").read_text().splitlines()]
    book = openpyxl.Workbook()
    book.active.title = "Visible"
    for row in rows:
        book.active.append(row)
    hidden = book.create_sheet("programs")
    hidden.append(["id", "notes"])
    hidden.sheet_state = "hidden"
    book.save(tmp_path / "programs.xlsx")
    scenario.write_text(scenario.read_text().replace("programs.csv", "programs.xlsx"))
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert "programs.xlsx (hidden sheet 'programs'), row 1: name: missing required column" in said


def test_dotted_thousand_messages_name_the_right_number(tmp_path: Path) -> None:
    """Found by review: '001.000' was told "write 001000"; '0.000' is 0 either way."""
    scenario, _number = _catalog_cell(tmp_path, "fee", "001.000")
    code, said = _run("validate", str(scenario))
    assert code == 1 and "write 1000 if you mean 1,000" in said
    scenario, _number = _catalog_cell(tmp_path, "fee", "0.000")
    assert _run("validate", str(scenario))[0] == 0


def test_budgets_mixing_commas_and_another_mark_are_told_to_use_commas() -> None:
    code, said = _run("compare", str(EXAMPLE / "scenario.yaml"), "--budgets", "4000,6000;8000")
    assert code == 2 and "join the amounts with commas, not ';'" in said


def test_a_non_breaking_space_inside_quotes_is_not_blamed(tmp_path: Path) -> None:
    scenario = _copy(tmp_path)
    rows = scenario.read_text().splitlines()
    at = next(n for n, row in enumerate(rows) if row.startswith("name:"))
    rows[at] = 'name: "US-IMG,\u00a0quoted"'
    rows.append("exclude: [rad-harbor")  # an unrelated syntax error further down
    scenario.write_text("\n".join(rows) + "\n")
    code, said = _run("validate", str(scenario))
    assert code == 1 and "YAML syntax error" in said and "non-breaking" not in said


def test_the_timeline_words_a_sent_application_with_several_starts() -> None:
    """Found by review: "its start A overlaps x; B overlaps y" for two starts."""
    import json

    scenario = str(SCENARIOS / "applications-sent" / "scenario.yaml")
    result = CliRunner().invoke(cli, ["timeline", scenario, "--workers", "1", "--format", "json"])
    assert result.exit_code == 0
    (step,) = [s for s in json.loads(result.stdout) if s["kind"] == "pending"]
    assert step["program_id"] == "rad-lakeshore"
    assert (
        "each start it could take clashes with a rotation (2027-06-07 overlaps rad-cedar, "
        "2027-08-02 overlaps em-saguaro and rad-juniper), so an offer would mean choosing "
        "between them"
    ) in step["text"]


def test_a_scored_start_the_sent_application_does_not_name_is_a_violation(
    tmp_path: Path,
) -> None:
    """Found by a student's review: the flag checks took the rule key `applied`, so a
    start the application sent does not name was scored as a stale number: "valid"."""
    scenario = _copy(tmp_path)
    scenario.write_text(
        scenario.read_text() + "applied:\n  - {program: rad-cedar, starts: [2027-06-14]}\n"
    )
    mine = tmp_path / "mine.csv"
    mine.write_text("program_id,start\nrad-cedar,2027-09-06\n")
    code, said = _run("check", str(scenario), str(mine), "--score", "--workers", "1")
    assert code == 1
    assert "[applied] rad-cedar starting 2027-09-06: the application sent to rad-cedar" in said
    assert "valid:" not in said and "the document states differ" not in said


def test_a_stale_paid_fees_is_a_note_when_scored(tmp_path: Path) -> None:
    """Found by review: `check --score` failed a plan on the `paid_fees` it stated once
    another application was sent, while the stale total cost beside it was a note."""
    source = SCENARIOS / "applications-sent" / "scenario.yaml"
    plan = tmp_path / "plan.json"
    assert _run("solve", str(source), "--workers", "1", "-o", str(plan))[0] == 0
    (tmp_path / "programs.csv").write_bytes((EXAMPLE / "programs.csv").read_bytes())
    text = source.read_text().replace("../example/programs.csv", "programs.csv")
    more = tmp_path / "more.yaml"
    more.write_text(text.replace("\napplied:", "\napplied:\n  - {program: rad-harbor}  #", 1))
    code, said = _run("check", str(more), str(plan), "--score", "--workers", "1")
    assert code == 0, said
    assert "[paid_fees]" in said and "the document states differ" in said


def test_a_file_name_too_long_to_echo_is_cut_short(tmp_path: Path) -> None:
    """Found by a fuzz review: a 100,000-character `value_model:` or `programs:` came
    back whole in the error (100 KB on stderr)."""
    scenario = _copy(tmp_path)
    text = scenario.read_text()
    for key, written in (("value_model: default", "value_model: "), ("programs: ", "programs: ")):
        line = next(row for row in text.splitlines() if row.startswith(key))
        scenario.write_text(text.replace(line, written + "x" * 100_000))
        code, said = _run("validate", str(scenario))
        assert code == 1 and len(said) < 1000, said[:300]
        assert "... (100,0" in said and "characters)" in said


def test_a_folder_as_the_value_model_is_called_a_folder(tmp_path: Path) -> None:
    scenario = _copy(tmp_path)
    scenario.write_text(scenario.read_text().replace("value_model: default", "value_model: ."))
    code, said = _run("validate", str(scenario))
    assert code == 1 and "value_model: value model '.' is a folder; expected one of" in said


def test_a_date_in_other_digits_is_asked_for_as_written(tmp_path: Path) -> None:
    """Found by a fuzz review: full-width digits were "not a real calendar date"."""
    scenario, column = _catalog_cell(tmp_path, "starts", "２０２７-06-07")
    code, said = _run("validate", str(scenario))
    assert code == 1
    assert f"programs.csv:2:{column}: starts: expected a date as YYYY-MM-DD" in said
    assert "not a real calendar date" not in said
