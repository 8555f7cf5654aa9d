"""Input messages from the eighteenth session's bad-input review: each says where the
problem is and what is expected, in the user's terms."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from rotation_solver.cli import cli
from tests.conftest import SCENARIOS, program, scenario_dict
from tests.random_scenarios import write_scenario

EXAMPLE = SCENARIOS / "example"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, " ".join(result.output.split())


def _example(tmp_path: Path) -> Path:
    for name in ("scenario.yaml", "programs.csv"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    return tmp_path / "scenario.yaml"


def test_a_starts_cell_with_no_date_says_what_a_start_is(tmp_path: Path) -> None:
    scenario = _example(tmp_path)
    catalog = tmp_path / "programs.csv"
    lines = catalog.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("starts")] = ";"
    catalog.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    code, said = _run("validate", str(scenario))
    assert code == 1
    column = header.index("starts") + 1
    assert (
        f"programs.csv:2:{column}: starts: expected at least one start date as YYYY-MM-DD "
        "(several joined by ';')" in said
    )


def test_a_repeated_start_names_its_row(tmp_path: Path) -> None:
    repeated = program("rad-a", starts="2027-06-07;2027-06-07")
    path = write_scenario(tmp_path, scenario_dict([repeated]))
    code, said = _run("validate", str(path))
    assert code == 0
    assert "scenario.yaml:" in said
    assert "starts: program rad-a lists the start 2027-06-07 more than once" in said


def test_programs_of_the_wrong_kind_get_one_message(tmp_path: Path) -> None:
    for value, got in ((5, "got 5"), (None, "got nothing (null)"), ({"id": "x"}, "a mapping")):
        data = scenario_dict([program("rad-a")])
        data["programs"] = value
        path = write_scenario(tmp_path, data, "wrong.yaml")
        code, said = _run("validate", str(path))
        assert code == 1
        assert said.count("error:") == 1, said
        assert "programs: expected a catalog file (e.g. programs.csv) or a list of rows" in said
        assert got in said


def test_a_json_scenario_with_a_repeated_key_is_a_json_error(tmp_path: Path) -> None:
    data = scenario_dict([program("rad-a")])
    text = json.dumps(data, indent=2).replace('"budget": 100000', '"budget": 1, "budget": 2')
    path = tmp_path / "scenario.json"
    path.write_text(text, encoding="utf-8")
    code, said = _run("validate", str(path))
    assert code == 1
    assert "scenario.json:" in said and 'JSON syntax error: duplicate key "budget"' in said


def test_an_output_through_a_file_says_it_is_a_file(tmp_path: Path) -> None:
    scenario = _example(tmp_path)
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    code, said = _run(
        "solve", str(scenario), "--workers", "1", "-o", str(tmp_path / "notes.json" / "plan.json")
    )
    assert code == 2
    assert "notes.json' is a file, not a folder" in said
    code, said = _run(
        "solve", str(scenario), "--workers", "1", "-o", str(tmp_path / "missing" / "plan.json")
    )
    assert code == 2 and "the folder does not exist" in said


def test_an_empty_plan_for_score_may_be_json_or_csv(tmp_path: Path) -> None:
    scenario = _example(tmp_path)
    empty = tmp_path / "mine.csv"
    empty.write_text("", encoding="utf-8")
    code, said = _run("check", str(scenario), str(empty), "--score")
    assert code == 1 and "the file is empty; expected a JSON or CSV plan" in said


def test_counts_that_no_plan_can_meet_are_warned_by_validate(tmp_path: Path) -> None:
    rules = {"radiology": {"min": 2, "max": 3}, "clinical": {"min": 1, "max": 1}}
    path = write_scenario(
        tmp_path, scenario_dict([program("rad-a")], requirements={**rules, "max_rotations": 2})
    )
    code, said = _run("validate", str(path))
    assert code == 0
    assert (
        "radiology.min 2 + clinical.min 1 = 3 rotations, more than max_rotations 2: no plan "
        "can meet these rules" in said
    )
    fits = write_scenario(
        tmp_path,
        scenario_dict([program("rad-a")], requirements={**rules, "max_rotations": 3}),
        "ok.yaml",
    )
    assert "more than max_rotations" not in _run("validate", str(fits))[1]
