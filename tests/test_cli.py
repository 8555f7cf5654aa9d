"""The command line, as a user meets it: help, formats, files and exit codes."""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from rotation_solver import planner
from rotation_solver.cli import cli
from rotation_solver.scenario import load_scenario
from rotation_solver.solve import NOT_SETTLED, Result
from tests.conftest import SCENARIOS, program, scenario_dict
from tests.random_scenarios import write_scenario

EXAMPLE = str(SCENARIOS / "example" / "scenario.yaml")
INFEASIBLE = str(SCENARIOS / "infeasible" / "scenario.yaml")
FAST = ["--workers", "1", "--seed", "0"]


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def invoke_stdout(*args: str) -> tuple[int, str]:
    """Standard output alone: what a pipe or `-o` gets (warnings go to stderr)."""
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout


def test_every_command_has_help_with_an_example() -> None:
    assert isinstance(cli, click.Group)
    names = sorted(cli.commands)
    assert {"solve", "check", "validate", "schema"} <= set(names)
    for name in names:
        code, output = invoke(name, "--help")
        assert code == 0
        assert "Example" in output, f"{name} --help has no example"
        assert "rotation-solver " + name in output
    code, output = invoke("--help")
    assert code == 0 and "Exit codes" in output


def test_the_shared_options_help_says_only_what_the_command_does() -> None:
    """Found by a docs review: every command's --time-limit spoke of the explanation's
    re-solves (only `solve` explains), and --format offered .ics where it is refused."""
    for name, command in sorted(cli.commands.items()):  # type: ignore[attr-defined]
        options = {opt: param for param in command.params for opt in param.opts}
        if "--time-limit" in options:
            helped = options["--time-limit"].help or ""
            assert ("explanation" in helped) is (name == "solve"), name
        if "--format" in options:
            writes = set(options["--format"].type.choices)
            helped = options["--format"].help or ""
            assert (".ics" in helped) is ("ics" in writes), name
            assert (".csv" in helped) is ("csv" in writes), name
        if "--seed" in options:
            # Found by a docs review: apply's seed also draws the sampled outcomes.
            helped = options["--seed"].help or ""
            assert ("sampled offer outcomes" in helped) is (name == "apply"), name
    apply_options = {opt: p for p in cli.commands["apply"].params for opt in p.opts}  # type: ignore[attr-defined]
    assert "Not used when every outcome can be enumerated" in (
        apply_options["--scenarios"].help or ""
    )


def test_solve_table_shows_the_plan() -> None:
    code, output = invoke("solve", EXAMPLE, *FAST)
    assert code == 0
    for text in (
        "optimal",
        "Objective",
        "213",
        "Bound",
        "Gap",
        "$6,660 of $9,000",
        "rad-cedar",
        "2027-06-14",
        "Submit on",
        "Deadline",
        "target",
        "documents late",
    ):
        assert text in output


def test_solve_json_is_the_spec_contract() -> None:
    code, output = invoke_stdout("solve", EXAMPLE, "--format", "json", *FAST)
    assert code == 0
    plan = json.loads(output)
    assert {"scenario", "status", "objective", "bound", "budget", "total_cost", "rotations"} <= set(
        plan
    )
    assert plan["status"] == "optimal" and plan["objective"] == plan["bound"] == 213
    assert plan["total_cost"] == sum(r["cost"] for r in plan["rotations"])
    keys = {
        "program_id",
        "program_name",
        "specialty",
        "tier",
        "start",
        "end",
        "weeks",
        "cost",
        "value",
        "submit_on",
        "deadline",
    }
    for rotation in plan["rotations"]:
        assert keys <= set(rotation)
    starts = [r["start"] for r in plan["rotations"]]
    assert starts == sorted(starts)


def test_solve_csv_and_markdown() -> None:
    code, output = invoke_stdout("solve", EXAMPLE, "--format", "csv", *FAST)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [r["program_id"] for r in rows] == ["rad-cedar", "rad-juniper", "em-saguaro"]
    # Where each rotation is (found by a student's review: to book housing).
    plan = json.loads(invoke_stdout("solve", EXAMPLE, "--format", "json", *FAST)[1])
    places = [(r["city"], r["state"]) for r in plan["rotations"]]
    assert [(r["city"], r["state"]) for r in rows] == places and all(places[0])
    code, output = invoke_stdout("solve", EXAMPLE, "--format", "markdown", *FAST)
    assert code == 0
    assert output.startswith("# Away-rotation plan")
    assert "| Cedar Lantern Medical Center Radiology (synthetic) (rad-cedar) |" in output


def test_solve_says_what_the_guides_other_applications_would_cost(tmp_path: Path) -> None:
    """From an advisor's review: a plan with $55 left looked affordable, but the 6-10
    applications the guide advises cost more than that in fees."""
    code, output = invoke_stdout("solve", EXAMPLE, "--format", "json", *FAST)
    other = json.loads(output)["other_applications"]
    assert other == {
        "guide_applications": [6, 10],
        "more": [3, 7],
        "others": 11,
        "median_fee": 90,
        "fees": [270, 630],
        "left": 2340,
        "affordable": 7,
    }
    code, output = invoke_stdout("solve", EXAMPLE, "--format", "markdown", *FAST)
    assert code == 0
    assert (
        "Applying to 3-7 more (at the median fee of the 11 other programs that fit, $90) adds "
        "about $270-$630; " in output
    )
    assert "$2,340 of the budget is left." in output

    def at_budget(budget: int) -> str:
        for name in ("scenario.yaml", "programs.csv"):
            text = (Path(EXAMPLE).parent / name).read_text(encoding="utf-8")
            text = text.replace("budget: 9000", f"budget: {budget}")
            (tmp_path / name).write_text(text, encoding="utf-8")
        code, output = invoke_stdout(
            "solve", str(tmp_path / "scenario.yaml"), "--format", "markdown", *FAST
        )
        assert code == 0, output
        return output

    assert "$40 of the budget is left: not enough for them" in at_budget(6700)
    # Found by review: $315 left beside "$300-$700" read as enough, without a word.
    assert "$400 of the budget is left: enough for about 4 of them." in at_budget(7060)


def test_the_fee_note_counts_what_the_catalog_has(tmp_path: Path) -> None:
    """From a review: the median was the upper one, counted programs that never offer,
    and multiplied it when the catalog had fewer programs left than the guide's count;
    an accepted offer counts as one of the guide's 6-10, and a plan of them alone needs
    no more applications."""
    rows = [
        program("r1", starts="2027-06-07", fee=50),
        program("r2", starts="2027-07-05", fee=50),
        program("c1", specialty="surgery", starts="2027-08-02", fee=60),
        program("o1", starts="2027-09-06", fee=10, letter=0, audition=0),
        program("o2", starts="2027-09-06", fee=1000, letter=0, audition=0),
        program("never", starts="2027-09-06", fee=3000, acceptance=0),
    ]
    req = {"radiology": {"min": 2, "max": 2}, "clinical": {"min": 1, "max": 1}}

    def solved(locks: list[dict[str, str]]) -> dict[str, Any]:
        data = scenario_dict(rows, requirements=req, locks=locks)
        path = write_scenario(tmp_path, data, f"s{len(locks)}.yaml")
        code, output = invoke_stdout("solve", str(path), "--format", "json", *FAST)
        assert code == 0, output
        return dict(json.loads(output))

    payload = solved([])
    assert payload["other_applications"] == {
        "guide_applications": [6, 10],
        "more": [2, 2],
        "others": 2,
        "median_fee": 505,  # not in the text: too few programs, so their own fees
        "fees": [1010, 1010],
        "left": payload["budget"] - payload["total_cost"],
        "affordable": 2,
        "other_programs": ["o1", "o2"],  # named: too few to take a median of
    }
    path = write_scenario(tmp_path, scenario_dict(rows, requirements=req), "md.yaml")
    code, output = invoke_stdout("solve", str(path), "--format", "markdown", *FAST)
    assert code == 0
    assert (
        "Applying to 2 more (the catalog has 2 other programs that fit: o1 and o2) adds about "
        "$1,010"
    ) in (output)
    locks = [{"program": "r1", "start": "2027-06-07"}]
    assert solved(locks)["other_applications"]["more"] == [2, 2]  # the lock is one of six
    locks += [{"program": "r2", "start": "2027-07-05"}, {"program": "c1", "start": "2027-08-02"}]
    assert "other_applications" not in solved(locks)
    # Offers in hand, not yet accepted, count as the plan's too (found by review).
    data = scenario_dict(rows, requirements=req, offers=locks)
    path = write_scenario(tmp_path, data, "offers.yaml")
    code, output = invoke_stdout("solve", str(path), "--format", "json", *FAST)
    assert code == 0, output
    assert all(r["offered"] for r in json.loads(output)["rotations"])
    assert "other_applications" not in json.loads(output)
    data = scenario_dict(rows, requirements=req, offers=locks[:2])
    path = write_scenario(tmp_path, data, "two-offers.yaml")
    code, output = invoke_stdout("solve", str(path), "--format", "json", *FAST)
    assert json.loads(output)["other_applications"]["more"] == [2, 2]
    # Too few programs left: the low end is the cheapest of them, not the median times
    # the count (found by review: "$180-$235" where the two cheapest cost $115).
    rows.append(program("o3", starts="2027-09-06", fee=400, letter=0, audition=0))
    rows.append(program("o4", starts="2027-09-06", fee=20, letter=0, audition=0))
    other = solved([])["other_applications"]
    assert other["others"] == 4 and other["more"] == [3, 4] and other["median_fee"] == 210
    assert other["fees"] == [10 + 20 + 400, 10 + 20 + 400 + 1000]


def test_the_fee_note_leaves_out_programs_the_budget_cannot_reach(tmp_path: Path) -> None:
    """A program whose cheapest rotation costs more than the budget is no backup: the
    note used to count its fee among "the other programs that fit"."""
    rows = [
        program("r1", starts="2027-06-07", fee=50),
        program("cheap", starts="2027-08-02", fee=20, letter=0, audition=0),
        # $900 housing + $2,000 travel + $100 fee: $3,000, over the $2,999 budget
        program("dear", starts="2027-09-06", fee=100, housing_per_week=450, travel=2000),
        # the same, one dollar cheaper: exactly the budget
        program("edge", starts="2027-09-06", fee=99, housing_per_week=450, travel=2000),
    ]
    data = scenario_dict(rows, budget=2999)
    code, output = invoke_stdout(
        "solve", str(write_scenario(tmp_path, data)), "--format", "json", *FAST
    )
    assert code == 0, output
    payload = json.loads(output)
    assert [r["program_id"] for r in payload["rotations"]] == ["r1"]
    other = payload["other_applications"]
    assert other["others"] == 2 and other["fees"] == [20 + 99, 20 + 99]
    # An accepted offer's rotation is in every plan: beside it, "edge" no longer fits
    # (found by review: only the fees already paid were taken off).
    lock = [{"program": "cheap", "start": "2027-08-02"}]
    locked = scenario_dict(rows, budget=2999, locks=lock)
    code, output = invoke_stdout(
        "solve", str(write_scenario(tmp_path, locked, "locked.yaml")), "--format", "json", *FAST
    )
    assert code == 0, output
    payload = json.loads(output)
    assert [r["program_id"] for r in payload["rotations"]] == ["r1", "cheap"]
    assert payload["other_applications"]["others"] == 0


def test_solve_csv_leaves_the_dates_of_an_accepted_offer_blank() -> None:
    """Found by review: a lock's CSV row read "submit 02-15, deadline 02-01", a missed
    deadline to a student; the table says "accepted" and so does the CSV now."""
    lock = ["--lock", "rad-lakeshore@2027-06-07"]
    code, output = invoke_stdout("solve", EXAMPLE, "--format", "csv", *lock, *FAST)
    assert code == 0
    rows = {r["program_id"]: r for r in csv.DictReader(io.StringIO(output))}
    assert rows["rad-lakeshore"]["locked"] == "true"
    assert rows["rad-lakeshore"]["submit_on"] == rows["rad-lakeshore"]["deadline"] == ""
    others = [r for pid, r in rows.items() if pid != "rad-lakeshore"]
    assert others and all(r["submit_on"] and r["locked"] == "false" for r in others)
    code, output = invoke_stdout("solve", EXAMPLE, "--format", "json", *lock, *FAST)
    locked = [r for r in json.loads(output)["rotations"] if r["locked"]]
    assert locked[0]["submit_on"]  # the JSON keeps section 4's dates


def test_an_output_file_suffix_names_its_format(tmp_path: Path) -> None:
    """Found by review: `-o plan.ics` wrote the text table into a file no calendar could
    read, and `-o plan.json` one that `check` refused. --format, when given, still wins."""
    calendar, plan = tmp_path / "plan.ics", tmp_path / "plan.json"
    assert invoke("solve", EXAMPLE, "-o", str(calendar), *FAST)[0] == 0
    assert calendar.read_text().startswith("BEGIN:VCALENDAR")
    assert invoke("solve", EXAMPLE, "-o", str(plan), *FAST)[0] == 0
    assert json.loads(plan.read_text())["objective"] == 213
    assert invoke("check", EXAMPLE, str(plan))[0] == 0
    table = tmp_path / "table.json"
    assert invoke("solve", EXAMPLE, "--format", "table", "-o", str(table), *FAST)[0] == 0
    assert table.read_text().startswith("Scenario")
    code, output = invoke("compare", EXAMPLE, "-o", str(tmp_path / "sweep.ics"), *FAST)
    assert code == 2 and "needs the ics format" in output
    assert not (tmp_path / "sweep.ics").exists()


def test_output_file_is_never_overwritten_unasked(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    code, _ = invoke("solve", EXAMPLE, "--format", "json", "-o", str(target), *FAST)
    assert code == 0 and json.loads(target.read_text())["objective"] == 213
    target.write_text("my notes")
    code, output = invoke("solve", EXAMPLE, "--format", "json", "-o", str(target), *FAST)
    assert code == 2 and "--force" in output  # a usage error: the command line asks it
    assert target.read_text() == "my notes"
    code, _ = invoke("solve", EXAMPLE, "--format", "json", "-o", str(target), "--force", *FAST)
    assert code == 0 and json.loads(target.read_text())["objective"] == 213


def test_table_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "plan.txt"
    code, _ = invoke("solve", EXAMPLE, "-o", str(target), *FAST)
    assert code == 0 and "rad-cedar" in target.read_text()


def test_check_accepts_the_solver_plan_and_rejects_a_tampered_one(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    invoke("solve", EXAMPLE, "--format", "json", "-o", str(target), *FAST)
    code, output = invoke("check", EXAMPLE, str(target))
    assert code == 0 and "valid" in output
    plan = json.loads(target.read_text())
    plan["rotations"][0]["cost"] -= 100
    plan["objective"] += 1
    target.write_text(json.dumps(plan))
    code, output = invoke("check", EXAMPLE, str(target))
    assert code == 1 and "violation" in output


def test_check_bad_plan_file(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_text("{not json")
    code, output = invoke("check", EXAMPLE, str(target))
    assert code == 1 and "plan.json:1:2" in output
    code, output = invoke("check", EXAMPLE, str(tmp_path / "none.json"))
    assert code == 1 and "not found" in output


def test_infeasible_exit_3_names_the_rules() -> None:
    code, output = invoke_stdout("solve", INFEASIBLE, *FAST)
    assert code == 3
    assert "Rules in conflict" in output and "budget" in output
    code, output = invoke_stdout("solve", INFEASIBLE, "--format", "json", *FAST)
    plan = json.loads(output)
    assert code == 3
    assert plan["status"] == "infeasible" and plan["objective"] is None and plan["bound"] is None
    assert plan["total_cost"] == 0 and plan["rotations"] == []
    assert plan["why"] and plan["conflict"]["rules"]


def test_no_plan_in_time_exit_4(monkeypatch: pytest.MonkeyPatch) -> None:
    def unknown(problem: object, options: object, **_: object) -> Result:
        return Result("unknown", None, None, (), 0, 9000, 0, 0.0, 0.0)

    monkeypatch.setattr(planner, "solve_problem", unknown)
    code, output = invoke_stdout("solve", EXAMPLE, "--format", "json")
    assert code == 4
    assert json.loads(output)["status"] == "unknown"


def test_usage_errors_exit_2() -> None:
    assert invoke("solve")[0] == 2
    assert invoke("solve", EXAMPLE, "--format", "pdf")[0] == 2
    assert invoke("solve", EXAMPLE, "--lock", "no-date")[0] == 2
    assert invoke("solve", EXAMPLE, "--workers", "0")[0] == 2
    assert invoke("frobnicate")[0] == 2


def test_lock_and_exclude_from_the_command_line() -> None:
    code, output = invoke_stdout(
        "solve", EXAMPLE, "--format", "json", "--exclude", "rad-cedar", *FAST
    )
    assert code == 0
    assert "rad-cedar" not in [r["program_id"] for r in json.loads(output)["rotations"]]
    code, output = invoke_stdout(
        "solve", EXAMPLE, "--format", "json", "--lock", "rad-lakeshore@2027-06-07", *FAST
    )
    assert code == 0
    ids = [(r["program_id"], r["start"], r["locked"]) for r in json.loads(output)["rotations"]]
    assert ("rad-lakeshore", "2027-06-07", True) in ids
    code, output = invoke("solve", EXAMPLE, "--lock", "rad-nowhere@2027-06-07")
    assert code == 1 and "unknown program id 'rad-nowhere'" in output


def test_lock_a_program_whose_id_has_a_space(tmp_path: Path) -> None:
    """Found by review: the catalog took "rad lake", --exclude did, --lock did not."""
    programs = [program("rad lake"), program("rad-b", starts="2027-07-05")]
    no_rules = {"clinical": {"min": 0}, "tier_mix": False}
    path = write_scenario(tmp_path, scenario_dict(programs, requirements=no_rules))
    code, output = invoke_stdout(
        "solve", str(path), "--format", "json", "--lock", "rad lake @ 2027-06-07", *FAST
    )
    assert code == 0, output
    locked = [r["program_id"] for r in json.loads(output)["rotations"] if r["locked"]]
    assert locked == ["rad lake"]


def test_nothing_feasible_is_said_by_validate_and_by_the_conflict(tmp_path: Path) -> None:
    """Found by review: a one-day window left 0 offerings, validate said "valid" and the
    conflict named radiology.min with nothing pointing at the window."""
    one_day = {"window": {"start": "2027-06-01", "end": "2027-06-01"}}
    path = write_scenario(tmp_path, scenario_dict([program("rad-a")], calendar=one_day))
    code, output = invoke("validate", str(path))
    assert code == 0
    assert "needed, but 0 radiology programs have a feasible start" in output
    assert "no plan is possible" in output
    code, output = invoke_stdout("solve", str(path), *FAST, "--format", "json")
    assert code == 3
    why = json.loads(output)["why"]
    assert "rotation fits the window, the deadlines and the other fixed rules at all" in why
    plan = tmp_path / "plan.json"
    plan.write_text(output, encoding="utf-8")
    assert invoke("check", str(path), str(plan), *FAST)[0] == 3


def test_repeated_starts_and_empty_specialties_are_warned(tmp_path: Path) -> None:
    repeated = program("rad-a", starts="2027-06-07;2027-06-07;2027-07-05")
    clinical = {"clinical": {"min": 1, "specialties": []}}
    path = write_scenario(tmp_path, scenario_dict([repeated], requirements=clinical))
    code, output = invoke("validate", str(path))
    assert code == 0
    assert "lists the start 2027-06-07 more than once" in output
    assert "clinical.specialties is empty" in output
    assert "2 (program, start) pairs in the catalog" in output


def test_value_model_option_changes_the_objective() -> None:
    code, output = invoke_stdout(
        "solve", EXAMPLE, "--format", "json", "--value-model", "letters-first", *FAST
    )
    assert code == 0
    plan = json.loads(output)
    assert plan["value_model"] == "letters-first" and plan["objective"] != 213


def test_validate_summarises_offerings_and_drops() -> None:
    code, output = invoke("validate", EXAMPLE)
    assert code == 0
    for text in ("programs: 17", "offerings: 56", "documents late", "blocked period", "valid"):
        assert text in output
    assert "profile: strong (Step 2 CK 246 >= 240, 8 U.S. clinical weeks >= 4;" in output
    assert "rad-fogbay@" not in output


def test_validate_lists_each_dropped_pair_under_its_reason() -> None:
    code, output = invoke("validate", EXAMPLE, "--dropped")
    assert code == 0
    lines = output.splitlines()
    reason = lines.index("    program does not take IMGs   4")
    listed = lines[reason + 1 : reason + 5]
    assert all(line.startswith("      rad-fogbay@2027-") for line in listed), listed
    assert "does not take visiting students from IMG schools" in listed[0]


def test_the_profile_says_which_threshold_the_student_misses(tmp_path: Path) -> None:
    from rotation_solver.offerings import profile_reason

    data = scenario_dict([program("rad-a")])
    data["student"].update({"step2ck": 238, "us_clinical_weeks": 2})
    loaded = load_scenario(write_scenario(tmp_path, data))
    assert profile_reason(loaded) == "Step 2 CK 238 < 240, 2 U.S. clinical weeks < 4"
    data["student"].update({"step2ck": None, "us_clinical_weeks": 8})
    loaded = load_scenario(write_scenario(tmp_path, data))
    assert profile_reason(loaded) == "Step 2 CK not given"


def test_schema_is_json_schema() -> None:
    for part in ("scenario", "catalog", "value-model"):
        code, output = invoke("schema", "--part", part)
        schema = json.loads(output)
        assert code == 0 and schema["type"] == "object"
        # Unknown keys are errors, but a catalog row may hold the student's notes (spec 3).
        assert schema.get("additionalProperties", True) is (part == "catalog")
    code, output = invoke("schema")
    assert "budget" in json.loads(output)["properties"]
    # Bounds under JSON Schema's names, which editors read (pydantic wrote "ge"/"le").
    assert json.loads(output)["properties"]["budget"]["minimum"] == 0
    for part in ("scenario", "catalog", "value-model"):
        text = invoke("schema", "--part", part)[1]
        assert '"ge"' not in text and '"le"' not in text


def test_an_output_file_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    from rotation_solver import files

    target = tmp_path / "plan.json"
    target.write_text("the user's old plan", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), files.replacing(target) as part:
        part.write_text("half a new pl", encoding="utf-8")
        raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == "the user's old plan"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]
    files.write_text(target, "the new plan")
    assert target.read_text(encoding="utf-8") == "the new plan"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


@pytest.mark.parametrize("force", [False, True])
def test_a_file_that_appears_while_the_run_works_is_kept_without_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, force: bool
) -> None:
    """The run checks -o at its start; a file someone saves there while it solves is
    the user's, and only --force may replace it."""
    import importlib

    # The package exports the command under the module's name; fetch the module itself.
    timeline_command = importlib.import_module("rotation_solver.cli.timeline")
    target = tmp_path / "todo.csv"
    solve = timeline_command.plan_scenario

    def solve_while_the_user_saves(*args: Any, **kwargs: Any) -> Any:
        target.write_text("the user's own notes", encoding="utf-8")
        return solve(*args, **kwargs)

    monkeypatch.setattr(timeline_command, "plan_scenario", solve_while_the_user_saves)
    args = ["timeline", str(SCENARIOS / "example" / "scenario.yaml"), *FAST]
    args += ["--format", "csv", "-o", str(target), *(["--force"] if force else [])]
    result = CliRunner().invoke(cli, args)
    if force:
        assert result.exit_code == 0
        assert target.read_text(encoding="utf-8").startswith("date,kind")
    else:
        assert result.exit_code == 2 and "appeared while this run was working" in result.output
        assert target.read_text(encoding="utf-8") == "the user's own notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["todo.csv"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_a_full_disk_is_a_short_message_not_a_traceback() -> None:
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "rotation_solver", "validate",
             str(SCENARIOS / "example" / "scenario.yaml")],
            stdout=full, stderr=subprocess.PIPE, timeout=120,
        )  # fmt: skip
    assert done.returncode == 74
    assert b"Traceback" not in done.stderr and b"Exception ignored" not in done.stderr
    assert b"cannot write the output: No space left" in done.stderr
    # --help and --version run before any command, and are caught as well.
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "rotation_solver", "--version"],
            stdout=full, stderr=subprocess.PIPE, timeout=60,
        )  # fmt: skip
    assert done.returncode == 74 and b"Traceback" not in done.stderr


def test_standard_output_cut_short_by_a_file_size_limit_is_exit_74(tmp_path: Path) -> None:
    """Found by review: `solve ... > plan.json` where the file hit its size limit left
    2,048 bytes of a JSON plan and exit 0, with no word: CPython takes a short write
    as done."""
    import resource
    import subprocess
    import sys

    def limit_files_to_2_kib() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    target = tmp_path / "plan.json"
    with target.open("w") as out:
        done = subprocess.run(
            [sys.executable, "-m", "rotation_solver", "solve",
             str(SCENARIOS / "example" / "scenario.yaml"), "--format", "json", *FAST],
            stdout=out, stderr=subprocess.PIPE, timeout=120, preexec_fn=limit_files_to_2_kib,
        )  # fmt: skip
    assert target.stat().st_size == 2048
    assert done.returncode == 74
    assert b"cannot write the output: File too large" in done.stderr
    assert b"Traceback" not in done.stderr


def test_a_closed_standard_output_is_exit_74_not_a_traceback(tmp_path: Path) -> None:
    """Found by review: `validate ... >&-` (no standard output at all) crashed in the
    last flush, which ran on None; then, found by fuzzing, it exited 0 having written
    nothing. With -o the output has a place, and the run succeeds."""
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "rotation_solver", "validate",
         str(SCENARIOS / "example" / "scenario.yaml")],
        stderr=subprocess.PIPE, timeout=120, preexec_fn=lambda: os.close(1),
    )  # fmt: skip
    assert b"Traceback" not in done.stderr
    assert done.returncode == 74
    assert b"cannot write the output: standard output is closed" in done.stderr
    plan = tmp_path / "plan.json"
    done = subprocess.run(
        [sys.executable, "-m", "rotation_solver", "solve",
         str(SCENARIOS / "example" / "scenario.yaml"), *FAST, "-o", str(plan)],
        stderr=subprocess.PIPE, timeout=120, preexec_fn=lambda: os.close(1),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert plan.read_text(encoding="utf-8").startswith("{")


def test_a_full_disk_for_an_output_file_is_exit_74(tmp_path: Path) -> None:
    import errno

    from rotation_solver import files
    from rotation_solver.errors import WriteError

    target = tmp_path / "plan.json"
    with pytest.raises(WriteError) as caught, files.replacing(target):
        raise OSError(errno.ENOSPC, "No space left on device")
    assert caught.value.exit_code == 74 and not target.exists()
    assert "cannot write the file: No space left on device" in str(caught.value)


def test_a_reader_that_stops_early_ends_the_program_quietly() -> None:
    """`rotation-solver frontier ... | head -1`: ends the Unix way (SIGPIPE), not with
    click's exit 1, which the contract keeps for bad input."""
    import signal
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "rotation_solver", "frontier",
         str(SCENARIOS / "national" / "scenario.yaml"), "--format", "csv", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the plan is written
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGPIPE
    assert b"Traceback" not in process.stderr.read()


def _copy_example(tmp_path: Path) -> Path:
    for name in ("scenario.yaml", "programs.csv"):
        (tmp_path / name).write_bytes((SCENARIOS / "example" / name).read_bytes())
    return tmp_path / "scenario.yaml"


@pytest.mark.parametrize("target", ["scenario.yaml", "programs.csv"])
@pytest.mark.parametrize("command", [["solve"], ["compare", "--budgets", "6000"], ["frontier"]])
def test_force_never_replaces_an_input_of_the_run(
    tmp_path: Path, target: str, command: list[str]
) -> None:
    scenario = _copy_example(tmp_path)
    before = (tmp_path / target).read_bytes()
    args = [command[0], str(scenario), *command[1:], *FAST, "-o", str(tmp_path / target)]
    result = CliRunner().invoke(cli, [*args, "--force"])
    assert result.exit_code == 2 and "is an input of this run" in result.output
    assert (tmp_path / target).read_bytes() == before


def test_output_through_a_symlink_writes_its_target(tmp_path: Path) -> None:
    real, link = tmp_path / "real.json", tmp_path / "link.json"
    real.write_text("old", encoding="utf-8")
    link.symlink_to(real)
    result = CliRunner().invoke(
        cli, ["solve", EXAMPLE, *FAST, "--format", "json", "-o", str(link), "--force"]
    )
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and json.loads(real.read_text(encoding="utf-8"))["status"]


def test_output_to_a_special_file_is_refused(tmp_path: Path) -> None:
    # A FIFO of our own, not /dev/null: a broken check must not replace a device the
    # whole machine uses (a mutation review, running as root, did just that).
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    result = CliRunner().invoke(cli, ["solve", EXAMPLE, *FAST, "-o", str(pipe), "--force"])
    assert result.exit_code == 2 and "not a regular file" in result.output
    assert pipe.is_fifo()


@pytest.mark.parametrize(
    "args",
    [
        ["solve", EXAMPLE, "--time-limit", "nan"],
        ["solve", EXAMPLE, "--seed", str(2**31)],
        ["compare", EXAMPLE, "--budgets", str(2**63)],
        ["frontier", EXAMPLE, "--max-budget", str(2**63)],
        ["apply", EXAMPLE, "--scenarios", str(10**9)],
        ["solve", EXAMPLE, "--value-model", ""],
        ["solve", EXAMPLE, "--exclude", " "],
    ],
    ids=["nan-time", "seed", "budget", "max-budget", "outcomes", "blank-model", "blank-exclude"],
)
def test_out_of_range_options_are_usage_errors(args: list[str]) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def _no_plan(scenario: str) -> dict[str, object]:
    name = load_scenario(scenario).scenario.name
    return {"scenario": name, "status": "infeasible", "objective": None, "bound": None,
            "budget": 9000, "total_cost": 0, "rotations": []}  # fmt: skip


def _no_plan_document(tmp_path: Path) -> Path:
    """The shipped infeasible scenario's JSON no-plan document, as `solve` writes it."""
    solved = CliRunner().invoke(cli, ["solve", INFEASIBLE, *FAST, "--format", "json"])
    assert solved.exit_code == 3
    plan = tmp_path / "plan.json"
    plan.write_text(solved.stdout, encoding="utf-8")
    return plan


@pytest.mark.parametrize(
    ("command", "kind"),
    [
        (["compare", EXAMPLE, "--budgets", "6000", *FAST, "--format", "json"], "the JSON of"),
        (["frontier", EXAMPLE, *FAST, "--format", "json"], "the JSON of `rotation-solver"),
        (["schema"], "a JSON Schema"),
    ],
)  # fmt: skip
def test_check_names_another_command_s_json_instead_of_inventing_violations(
    tmp_path: Path, command: list[str], kind: str
) -> None:
    made = CliRunner().invoke(cli, command)
    assert made.exit_code == 0
    document = tmp_path / "other.json"
    document.write_text(made.stdout, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(document)])
    assert result.exit_code == 1 and f"this is {kind}" in result.output, result.output
    assert "[radiology.min]" not in result.output


def test_check_refuses_a_key_given_twice_and_hints_at_the_value_model(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('{"status": "optimal", "objective": 213, "objective": 5}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(plan)])
    assert result.exit_code == 1 and "'objective' appears twice" in result.output
    args = ["solve", EXAMPLE, *FAST, "--value-model", "letters-first", "--format", "json"]
    plan.write_text(CliRunner().invoke(cli, args).stdout, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(plan)])
    assert result.exit_code == 1 and "pass --value-model letters-first" in result.output
    result = CliRunner().invoke(
        cli, ["check", EXAMPLE, str(plan), "--value-model", "letters-first"]
    )
    assert result.exit_code == 0, result.output


def test_check_scores_a_plan_made_by_hand(tmp_path: Path) -> None:
    """From a new-user review: an advisor could not check a plan of program and start."""
    plan = tmp_path / "mine.csv"
    plan.write_text(
        "program_id,start,notes\nrad-cedar,2027-06-14,first\nrad-juniper,2027-07-26,\n"
        "em-saguaro,2027-08-16,x\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(plan), "--score", *FAST])
    assert result.exit_code == 0, result.output
    assert "objective 213, total cost $6,660 of $9,000. Every rule holds" in result.stdout
    assert "The best plan is worth 213 at $6,660" in result.stdout
    # Each rotation's share, and the guide's warnings as `solve` gives them (found by
    # review: an advisor got the total alone).
    assert "  rad-cedar 2027-06-14..2027-07-11: value 94, cost $2,380\n" in result.stdout
    late = tmp_path / "late.csv"
    rows_text = "rad-cedar,2027-09-06\nem-saguaro,2027-10-18\nrad-bayou,2027-11-15\n"
    late.write_text(f"program_id,start\n{rows_text}", "utf-8")
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(late), "--score", *FAST])
    assert "value 47, cost $2,380 (letter after ERAS)" in result.stdout, result.output
    assert "warning: no radiology letter will be ready by ERAS submission" in result.stderr
    # A weaker plan, as the rotations alone in JSON, in any order.
    rows = [
        {"program_id": "im-derbyfield", "start": "2027-09-13"},
        {"program_id": "rad-prairie", "start": "2027-06-14"},
        {"program_id": "rad-lakeshore", "start": "2027-08-02"},
    ]
    plan = tmp_path / "mine.json"
    plan.write_text(json.dumps(rows), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(plan), "--score", *FAST])
    assert result.exit_code == 0, result.output
    assert "objective 158" in result.stdout and "reaches 74% of it" in result.stdout
    # A broken rule is named, with exit 1; a CSV without a start column is bad input.
    rows[2]["start"] = "2027-06-07"  # rad-lakeshore then overlaps rad-prairie
    plan.write_text(json.dumps(rows), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(plan), "--score", *FAST])
    assert result.exit_code == 1 and "[overlap]" in result.output
    csv_plan = tmp_path / "no-start.csv"
    csv_plan.write_text("program_id\nrad-cedar\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(csv_plan), "--score"])
    assert result.exit_code == 1 and "needs the column start" in result.output


def test_check_score_names_the_csv_line_and_what_is_wrong_with_a_start(tmp_path: Path) -> None:
    """Found by a fuzz review: "rotation #3 (em-saguaro): start '2027-8-16' is not a real
    YYYY-MM-DD date" gave no line of the CSV, called a real date unreal, and a JSON null
    read as Python's None."""
    plan = tmp_path / "mine.csv"
    plan.write_text(
        "program_id,start\nrad-cedar,2027-06-14\n\nrad-juniper,2027-02-30\nem-saguaro,2027-8-16\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(plan), "--score", *FAST])
    assert result.exit_code == 1
    assert (
        'rotation #2 (line 4 of mine.csv) (rad-juniper): start "2027-02-30" is not a real '
        "calendar date" in result.stderr
    )
    assert (
        'rotation #3 (line 5 of mine.csv) (em-saguaro): start "2027-8-16" is not a date as '
        "YYYY-MM-DD" in result.stderr
    )
    plan = tmp_path / "mine.json"
    plan.write_text('[{"program_id": "rad-cedar", "start": null}]', encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(plan), "--score", *FAST])
    assert result.exit_code == 1
    assert "rotation #1 (rad-cedar): start null is not a date as YYYY-MM-DD" in result.stderr


def test_check_score_of_a_broken_plan_keeps_everything_on_standard_error(tmp_path: Path) -> None:
    """Found by review: the violations went to standard error and "The best plan is
    worth ..." to standard output, so `> result.txt` saved what read as a pass; a plan
    saved as a workbook got "not UTF-8 text"."""
    plan = tmp_path / "mine.csv"
    plan.write_text("program_id,start\nrad-cedar,2027-06-14\nrad-bayou,2027-06-14\n", "utf-8")
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(plan), "--score", *FAST])
    assert result.exit_code == 1
    assert result.stdout == "" and "The best plan is worth 213" in result.stderr
    workbook = tmp_path / "mine.xlsx"
    workbook.write_bytes(b"PK\x03\x04 not really a workbook")
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(workbook), "--score"])
    assert result.exit_code == 1 and "save the plan as CSV" in result.output


def test_check_without_score_points_a_table_at_score(tmp_path: Path) -> None:
    """Found by review: a CSV plan given to plain `check` read only "not JSON"; a broken
    JSON plan must not be sent to --score (found by the next review)."""
    table = tmp_path / "mine.csv"
    table.write_text("program_id,start\nrad-cedar,2027-06-14\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(table)])
    assert result.exit_code == 1 and "not JSON" in result.output
    assert "is checked with --score" in result.output
    broken = tmp_path / "plan.json"
    broken.write_text('{"rotations": [{"program_id": "rad-cedar",}]}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(broken)])
    assert result.exit_code == 1 and "not JSON" in result.output
    assert "--score" not in result.output


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("blanks.csv", "Program_ID, Start\r\nrad-cedar, 2027-06-14\r\n"),
        ("mac.csv", "sep=,\rprogram_id,start\rrad-cedar,2027-06-14\r"),
        ("plan.txt", "program_id,start\nrad-cedar,2027-06-14\n"),
        ("semi.csv", "sep=;\nprogram_id;start\nrad-cedar;2027-06-14\n"),
        ("tab.tsv", "program_id\tstart\nrad-cedar\t2027-06-14\n"),
        ("list.csv", '[{"program_id": "rad-cedar", "start": "2027-06-14"}]'),
        ("sep-tab.csv", "sep=\t\nprogram_id\tstart\nrad-cedar\t2027-06-14\n"),
        ("semi-comma.csv", "program_id;start;notes, more\nrad-cedar;2027-06-14;x\n"),
        ("sep.json", "sep=;\nprogram_id;start\nrad-cedar;2027-06-14\n"),
        # found by review: a blank line above the header was taken for the header
        ("lead.csv", "\n\nprogram_id,start\nrad-cedar,2027-06-14\n"),
        ("lead.txt", " \r\nsep=;\n\nprogram_id;start\nrad-cedar;2027-06-14\n"),
        # and a spreadsheet's empty row, exported as ",," (found by review)
        ("commas.csv", ",,\n;;\nprogram_id,start,notes\nrad-cedar,2027-06-14,x\n"),
    ],
)
def test_check_score_reads_the_csv_a_spreadsheet_writes(
    tmp_path: Path, name: str, content: str
) -> None:
    """From a review: blanks and capitals in the header, old Mac line ends, Excel's
    "sep=" line and a CSV not named .csv each failed or raised."""
    plan = tmp_path / name
    plan.write_bytes(content.encode("utf-8"))
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(plan), "--score", *FAST])
    assert "Traceback" not in result.output
    # One radiology rotation: read, scored, and short of the counts the rules need.
    assert result.exit_code == 1 and "1 rotation, objective 94" in result.output
    assert "[radiology.min]" in result.output


def test_check_score_counts_the_blank_lines_above_the_header(tmp_path: Path) -> None:
    plan = tmp_path / "lead.csv"
    plan.write_text("\n \nprogram_id,start\nrad-cedar,2027-06-14\nbogus,2027-07-26\n", "utf-8")
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(plan), "--score", *FAST])
    assert result.exit_code == 1
    assert "rotation #2 (line 5 of lead.csv) names unknown program 'bogus'" in result.output


def test_check_score_above_a_proven_best_is_a_bug_not_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From a code review: a valid plan the checker values above the model's proven
    optimum read "this plan is worth as much"; model and checker disagree, exit 70."""
    import dataclasses

    import rotation_solver.cli.plan as plan_module

    honest = plan_module.plan_scenario

    def one_short(*args: Any, **kwargs: Any) -> Any:
        outcome = honest(*args, **kwargs)
        result = dataclasses.replace(outcome.result, objective=outcome.result.objective - 1)
        return dataclasses.replace(outcome, result=result)

    plan = tmp_path / "plan.json"
    plan.write_text(invoke_stdout("solve", EXAMPLE, *FAST, "--format", "json")[1], "utf-8")
    monkeypatch.setattr(plan_module, "plan_scenario", one_short)
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(plan), "--score", *FAST])
    assert result.exit_code == 70, result.output
    assert "worth 213 by the checker, above the best plan's proven 212" in result.output
    assert "worth as much" not in result.output


def test_check_score_notes_stale_numbers_but_judges_the_rules(tmp_path: Path) -> None:
    """Found by review: a solve plan scored after the budget was raised failed on the
    budget it stated, though every rule held."""
    folder = SCENARIOS / "example"
    (tmp_path / "programs.csv").write_bytes((folder / "programs.csv").read_bytes())
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    richer = tmp_path / "richer.yaml"
    richer.write_text(text.replace("budget: 9000", "budget: 12000"), encoding="utf-8")
    plan = tmp_path / "plan.json"
    plan.write_text(invoke_stdout("solve", EXAMPLE, *FAST, "--format", "json")[1], "utf-8")
    result = CliRunner().invoke(cli, ["check", str(richer), str(plan), "--score", *FAST])
    assert result.exit_code == 0, result.output
    assert "note: 1 value the document states differs" in result.stderr
    assert (
        "[budget.stated]" in result.stderr and "reaches 95% of it" in result.stdout
    )  # 94.7%, the nearest
    # A stated number of the wrong type is a note too, where plain check calls it malformed.
    document = json.loads(plan.read_text(encoding="utf-8"))
    document["rotations"][0]["cost"] = float(document["rotations"][0]["cost"])
    plan.write_text(json.dumps(document), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(plan), "--score", *FAST])
    assert result.exit_code == 0 and "[cost]" in result.stderr, result.output
    assert CliRunner().invoke(cli, ["check", EXAMPLE, str(plan), *FAST]).exit_code == 1


def test_check_score_of_a_no_plan_document_scores_an_empty_plan(tmp_path: Path) -> None:
    plan = tmp_path / "none.json"
    plan.write_text('{"status": "infeasible", "rotations": []}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(plan), "--score", *FAST])
    assert result.exit_code == 1 and "[radiology.min]" in result.output
    big = tmp_path / "big.csv"
    big.write_text("program_id,start\n" + "x" * 200_000 + ",2027-06-14\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(big), "--score"])
    assert result.exit_code == 1 and "not a readable CSV" in result.output


def test_check_refutes_a_false_no_plan_claim(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(_no_plan(EXAMPLE)), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(plan)])
    assert result.exit_code == 1 and "a plan exists" in result.output


def test_check_confirms_a_true_no_plan_claim(tmp_path: Path) -> None:
    plan = _no_plan_document(tmp_path)
    result = CliRunner().invoke(cli, ["check", INFEASIBLE, str(plan)])
    assert result.exit_code == 3 and "no plan meets every rule" in result.output
    assert "its conflict and repairs hold" in result.output
    # Without a `conflict`, only "no plan" is claimed, and the verdict says so.
    document = json.loads(plan.read_text(encoding="utf-8"))
    del document["conflict"]
    plan.write_text(json.dumps(document), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", INFEASIBLE, str(plan)])
    assert result.exit_code == 3 and "names no conflict to re-prove." in result.output
    # Nor a `why`: said too (found by review), though section 7 names no key for it.
    del document["why"]
    plan.write_text(json.dumps(document), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", INFEASIBLE, str(plan)])
    assert result.exit_code == 3
    assert "names no conflict to re-prove, nor says why (spec section 7" in result.output


def test_check_refutes_a_made_up_conflict_or_repair(tmp_path: Path) -> None:
    """Found by review: a no-plan document whose conflict was replaced passed `check`."""
    solved = CliRunner().invoke(cli, ["solve", INFEASIBLE, *FAST, "--format", "json"])
    real = json.loads(solved.stdout)
    keys = [rule["rule"] for rule in real["conflict"]["rules"]]
    assert keys == ["radiology.min", "budget", "tier_mix"]

    def tampered(change: Callable[[dict[str, Any]], None]) -> Any:
        document = copy.deepcopy(real)
        change(document["conflict"])
        plan = tmp_path / "plan.json"
        plan.write_text(json.dumps(document), encoding="utf-8")
        return CliRunner().invoke(cli, ["check", INFEASIBLE, str(plan), *FAST])

    def one_rule(conflict: dict[str, Any]) -> None:
        conflict["rules"] = [r for r in conflict["rules"] if r["rule"] == "tier_mix"]

    def not_minimal(conflict: dict[str, Any]) -> None:
        conflict["rules"].append({"rule": "clinical.min", "description": "added"})

    def dearer_repair(conflict: dict[str, Any]) -> None:
        budget = next(r for r in conflict["repairs"] if r["rule"] == "budget")
        budget["objective"] += 1

    def unknown_rule(conflict: dict[str, Any]) -> None:
        conflict["rules"][0]["rule"] = "no-such-rule"

    def cheaper(conflict: dict[str, Any]) -> None:
        conflict["cheapest_plan_without_budget"] = 100

    def described(conflict: dict[str, Any]) -> None:
        conflict["rules"][1]["description"] = "total cost within the budget of $9,000"

    def twice(conflict: dict[str, Any]) -> None:
        conflict["rules"].append(dict(conflict["rules"][0]))

    def no_repair(conflict: dict[str, Any]) -> None:
        budget = next(r for r in conflict["repairs"] if r["rule"] == "budget")
        budget.update(change="relaxing budget alone is not enough", objective=None)

    def smaller_raise(conflict: dict[str, Any]) -> None:
        budget = next(r for r in conflict["repairs"] if r["rule"] == "budget")
        budget["change"] = budget["change"].replace("$4,185", "$3,100", 1)

    def invented(conflict: dict[str, Any]) -> None:
        tier = next(r for r in conflict["repairs"] if r["rule"] == "tier_mix")
        tier.update(objective=999, total_cost=1, proven_optimal=False)

    def cost_of_one(conflict: dict[str, Any]) -> None:
        next(r for r in conflict["repairs"] if r["rule"] == "budget")["total_cost"] = 1

    def made_up_rule(conflict: dict[str, Any]) -> None:
        wand = {"rule": "foo", "change": "wave a wand", "objective": 10000, "total_cost": 0}
        conflict["repairs"].append({**wand, "proven_optimal": True})

    def not_a_repair(conflict: dict[str, Any]) -> None:
        conflict["repairs"].append("hi")

    def repairs_null(conflict: dict[str, Any]) -> None:
        conflict["repairs"] = None

    def repaired_twice(conflict: dict[str, Any]) -> None:
        conflict["repairs"].append(dict(conflict["repairs"][0]))

    def settled_maybe(conflict: dict[str, Any]) -> None:
        conflict["cheapest_plan_settled"] = "maybe"

    def minimal_yes(conflict: dict[str, Any]) -> None:
        conflict["minimal"] = "yes"

    def no_rules(conflict: dict[str, Any]) -> None:
        conflict["rules"] = []

    def unproven_and_dear(conflict: dict[str, Any]) -> None:
        budget = next(r for r in conflict["repairs"] if r["rule"] == "budget")
        budget.update(proven_optimal=None, total_cost=1_000_000_000)

    def unsettled_with_numbers(conflict: dict[str, Any]) -> None:
        budget = next(r for r in conflict["repairs"] if r["rule"] == "budget")
        budget.update(change=f"relaxing budget: {NOT_SETTLED}", objective=99999, total_cost=5)
        budget["proven_optimal"] = False

    def other_obstacle(conflict: dict[str, Any]) -> None:
        tier = next(r for r in conflict["repairs"] if r["rule"] == "tier_mix")
        tier["change"] = "relaxing tier_mix alone is not enough: clinical.min still cannot hold"

    def unsettled_cheapest_stated(conflict: dict[str, Any]) -> None:
        conflict.update(cheapest_plan_settled=False, cheapest_plan_without_budget=1)

    for change, says in [
        (one_rule, "do not conflict on their own"),
        (not_minimal, "still conflict without"),
        (dearer_repair, "repair of budget"),
        (unknown_rule, "not rules of this scenario"),
        (cheaper, "costs $4,185, not $100"),
        (described, "this scenario's rule is"),
        (twice, "named more than once"),
        (no_repair, "gives a plan worth"),
        (smaller_raise, "the least change that works"),
        (invented, "relaxing tier_mix alone is not enough"),
        # Found by a later review: repairs that were not checked at all.
        (cost_of_one, "costs $1, but the cheapest plan worth 176 after that change costs $4,185"),
        (made_up_rule, "repairs 'foo', which the conflict does not name"),
        (not_a_repair, "repairs[3]: expected {rule, change"),
        (repairs_null, "conflict.repairs: expected a list"),
        (repaired_twice, "a second repair of budget"),  # the best repair comes first
        (settled_maybe, "cheapest_plan_settled: expected true, false or null, got 'maybe'"),
        (minimal_yes, "minimal: expected true or false, got 'yes'"),
        (no_rules, "the conflict names no rule, so there is nothing to repair"),
        (unproven_and_dear, "costs $1,000,000,000, but after that change the budget is $4,185"),
        (unsettled_with_numbers, "a repair not settled names no plan"),
        (unsettled_cheapest_stated, "a cost is stated although cheapest_plan_settled is false"),
        (other_obstacle, "expected 'relaxing tier_mix alone is not enough: other rules still"),
    ]:
        result = tampered(change)
        assert result.exit_code == 1, (change.__name__, result.output)
        assert says in result.output, (change.__name__, result.output)


def test_table_and_markdown_explain_the_penalty_and_late_letters(tmp_path: Path) -> None:
    programs = [
        program("rad-a", starts="2027-06-07"),
        program("rad-b", starts="2027-07-05"),
        program("rad-late", starts="2027-10-04"),  # its letter is ready after ERAS
        program("im-a", specialty="internal_medicine", starts="2027-08-02"),
    ]
    data = scenario_dict(programs, requirements={"radiology": {"min": 3, "max": 3},
                                                 "clinical": {"min": 0, "max": 1},
                                                 "tier_mix": False})  # fmt: skip
    path = write_scenario(tmp_path, data)
    as_json = CliRunner().invoke(cli, ["solve", str(path), *FAST, "--format", "json"])
    plan = json.loads(as_json.stdout)
    late = {r["program_id"]: r["letter_before_eras"] for r in plan["rotations"]}
    assert late["rad-late"] is False and late["rad-a"] is True
    assert sum(r["value"] for r in plan["rotations"]) - plan["objective"] == 40
    for fmt in ("table", "markdown"):
        out = CliRunner().invoke(cli, ["solve", str(path), *FAST, "--format", fmt]).stdout
        assert "letter after ERAS" in out and "minus 40 for a third radiology rotation" in out


def test_markdown_shows_an_accepted_offer_as_accepted() -> None:
    result = CliRunner().invoke(
        cli, ["solve", EXAMPLE, *FAST, "--format", "markdown", "--lock", "rad-bayou@2027-07-26"]
    )
    row = next(line for line in result.stdout.splitlines() if "rad-bayou" in line)
    assert "| accepted | — |" in row


def test_validate_warns_of_a_deadline_before_the_opening(tmp_path: Path) -> None:
    data = scenario_dict([program("rad-a", application_opens="2027-02-01",
                                  application_deadline="2027-01-20")])  # fmt: skip
    result = CliRunner().invoke(cli, ["validate", str(write_scenario(tmp_path, data))])
    assert result.exit_code == 0
    assert "application_deadline 2027-01-20 is before application_opens" in result.stderr


@pytest.mark.parametrize(
    "command", [["solve"], ["timeline"], ["compare", "--budgets", "6000,9000", "-q"]]
)
def test_piped_tables_follow_columns_without_trailing_spaces(command: list[str]) -> None:
    args = [command[0], EXAMPLE, *FAST, *command[1:]]
    result = CliRunner().invoke(cli, args, env={"COLUMNS": "90"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines and all(len(line) <= 90 for line in lines)
    assert all(line == line.rstrip() for line in lines)


def test_check_says_when_a_plan_belongs_to_another_scenario(tmp_path: Path) -> None:
    solved = CliRunner().invoke(cli, ["solve", EXAMPLE, *FAST, "--format", "json"])
    plan = tmp_path / "plan.json"
    plan.write_text(solved.stdout.replace('"budget": 9000', '"budget": 7500'), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(plan)])
    assert result.exit_code == 1 and "does not match this scenario" in result.stderr
    # Or it was edited by hand (found by review): --score is named too.
    assert "Or was it edited by hand? `check --score` scores" in result.stderr


@pytest.mark.parametrize("command", ["compare", "frontier", "apply"])
def test_long_commands_take_quiet(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "--quiet" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["validate", ""],
        ["solve", " "],
        ["solve", EXAMPLE, "-o", ""],
        ["check", EXAMPLE, ""],
        ["compare", "", "--budgets", "5000"],
        ["apply", EXAMPLE, "--plot", ""],
    ],
)
def test_an_empty_file_name_is_a_usage_error(args: list[str]) -> None:
    code, output = invoke(*args)
    assert code == 2 and "is empty: give a file name" in output


MARKUP_LIKE = "[/neuro] [bold]x"


@pytest.mark.parametrize(
    "args",
    [
        ["solve"],
        ["solve", "--format", "json"],
        ["solve", "--format", "markdown"],
        ["timeline"],
        ["validate"],
        ["compare", "--budgets", "500,5000"],
        ["frontier"],
        ["apply", "--scenarios", "8", "--evaluate", "16"],
    ],
)
def test_user_text_that_looks_like_markup_is_printed_as_written(
    tmp_path: Path, args: list[str]
) -> None:
    # Rich reads "[/x]" as a closing tag: user text must never reach it as markup.
    rows = [
        program(f"rad[/x]-{i}", name=f"Dept {i} {MARKUP_LIKE}", starts=f"2027-0{6 + i}-07")
        for i in range(2)
    ]
    calendar = {
        "window": {"start": "2027-06-01", "end": "2027-12-17"},
        "blocked": [{"start": "2027-11-01", "end": "2027-11-05", "reason": MARKUP_LIKE}],
    }
    data = scenario_dict(rows, name=f"Me {MARKUP_LIKE}", calendar=calendar)
    path = write_scenario(tmp_path, data, "scenario.yaml")
    result = CliRunner().invoke(cli, [args[0], str(path), *args[1:]])
    assert "Traceback" not in result.output and result.exception is None, result.output
    assert result.exit_code == 0, result.output
    assert MARKUP_LIKE in result.output or "rad[/x]-0" in result.output


@pytest.mark.parametrize("args", [["--format", "json", "-o", "plan.json"], ["-o", "plan.txt"]])
def test_no_plan_written_to_a_file_still_says_why(tmp_path: Path, args: list[str]) -> None:
    infeasible = str(SCENARIOS / "infeasible" / "scenario.yaml")
    args = [*args[:-1], str(tmp_path / args[-1])]
    result = CliRunner().invoke(cli, ["solve", infeasible, *args, *FAST])
    assert result.exit_code == 3
    assert "no plan: these rules cannot all hold" in result.stderr


def test_a_trailing_backslash_and_a_markup_model_name_print_as_written(tmp_path: Path) -> None:
    model = tmp_path / "odd.yaml"
    default = SCENARIOS.parent / "models" / "default.yaml"
    text = default.read_text(encoding="utf-8")
    assert "name: default" in text
    model.write_text(text.replace("name: default", 'name: "[/x] model"', 1), encoding="utf-8")
    data = scenario_dict([program("r")], name="Ends in a backslash \\")
    path = write_scenario(tmp_path, data, "scenario.yaml")
    result = CliRunner().invoke(cli, ["validate", str(path), "--value-model", str(model)])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    assert "[/x] model" in result.output
    result = CliRunner().invoke(cli, ["solve", str(path), *FAST])
    assert result.exit_code == 0
    assert "Ends in a backslash \\\n" in result.output  # once, not doubled


def test_an_output_name_ending_in_a_slash_is_refused(tmp_path: Path) -> None:
    code, output = invoke("solve", EXAMPLE, "-o", str(tmp_path / "newdir") + "/")
    assert code == 2 and "names a folder" in output
    assert not (tmp_path / "newdir").exists()


def test_markdown_plan_table_escapes_pipes_and_an_empty_plan_is_a_plan(tmp_path: Path) -> None:
    data = scenario_dict([program("r", name="Cedar | Pipe")])
    code, output = invoke_stdout(
        "solve", str(write_scenario(tmp_path, data, "s.yaml")), "--format", "markdown", *FAST
    )
    assert code == 0 and "Cedar \\| Pipe (r)" in output
    empty = scenario_dict(
        [program("r")],
        requirements={"radiology": {"min": 0, "max": 0}, "clinical": {"min": 0, "max": 0}},
    )
    code, output = invoke("solve", str(write_scenario(tmp_path, empty, "e.yaml")), *FAST)
    assert code == 0 and "Total cost  $0 of $100,000" in output


@pytest.mark.parametrize("example", ["example", "infeasible"])
def test_a_plan_the_checker_rejects_is_an_internal_error_not_bad_input(
    monkeypatch: pytest.MonkeyPatch, example: str
) -> None:
    # On "infeasible" the rejected plans are the repairs' re-solved plans.
    from rotation_solver import verify
    from rotation_solver.checker import CheckReport, Violation

    rejected = CheckReport((Violation("budget", "planted by the test"),), None, None)
    monkeypatch.setattr(verify, "check_plan", lambda *_a, **_k: rejected)
    result = CliRunner().invoke(cli, ["solve", str(SCENARIOS / example / "scenario.yaml")])
    assert result.exit_code == 70, result.output
    assert "internal error (please report)" in result.stderr
    assert "[budget] planted by the test" in result.stderr
    assert "Traceback" not in result.output


def test_dollar_signs_in_names_draw_as_dollars_in_every_picture(tmp_path: Path) -> None:
    # Two "$" would start matplotlib's maths notation, which fails on "fee_%".
    rows = [
        program("rad-a", name="Cedar ($500 fee; $1_000 housing_weekly)"),
        program("im-b", specialty="internal_medicine", starts="2027-07-05"),
    ]
    data = scenario_dict(rows, name="Plan: $500 fee_% $1 extra")
    data["requirements"] = {"radiology": {"min": 1}, "tier_mix": False}
    path = str(write_scenario(tmp_path, data))
    runs = [
        ["solve", path, "--plot", str(tmp_path / "plan.svg")],
        ["compare", path, "--budgets", "2000,5000", "--plot", str(tmp_path / "compare.svg")],
        ["frontier", path, "--plot", str(tmp_path / "frontier.svg")],
        ["apply", path, "--scenarios", "10", "--evaluate", "20", "--plot", str(tmp_path / "a.svg")],
    ]
    for args in runs:
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, (args, result.output)
    assert "$500 fee_% $1 extra" in (tmp_path / "plan.svg").read_text(encoding="utf-8")


def test_markdown_cells_keep_pipes_backslashes_and_line_breaks_in_one_cell(
    tmp_path: Path,
) -> None:
    from rotation_solver.markdown import cell

    assert cell("a | b\\ c\nd") == "a \\| b\\\\ c d"
    # Formatting and HTML too (found by review): the name reads as written.
    assert cell("*New* <b>_x_</b> `y` [z]") == ("\\*New\\* \\<b\\>\\_x\\_\\</b\\> \\`y\\` \\[z\\]")
    rows = [program("rad-a", name="Cedar | East\\\nWing"), program("rad-b", starts="2027-07-05")]
    data = scenario_dict(rows, requirements={"clinical": {"min": 0}, "tier_mix": False})
    result = CliRunner().invoke(
        cli, ["solve", str(write_scenario(tmp_path, data)), "--format", "markdown"]
    )
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "Cedar" in line)
    assert "Cedar \\| East\\\\ Wing (rad-a)" in row
    # Every other row of that table has as many unescaped "|" as this one.
    unescaped = len(row.replace("\\\\", "").replace("\\|", "").split("|"))
    header = next(line for line in result.stdout.splitlines() if line.startswith("| Dates"))
    assert unescaped == len(header.split("|"))


def test_the_command_line_loads_no_picture_or_calendar_library_until_asked() -> None:
    # matplotlib alone adds about 0.3 s to every command; it loads only for --plot.
    import subprocess
    import sys

    probe = (
        "import sys, rotation_solver.cli, rotation_solver.whatif, rotation_solver.portfolio; "
        "print(sorted(m for m in ('matplotlib', 'icalendar') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"


def test_check_names_an_empty_plan_file(tmp_path: Path) -> None:
    empty = tmp_path / "plan.json"
    empty.write_text("  \n", encoding="utf-8")
    code, output = invoke("check", EXAMPLE, str(empty))
    assert code == 1 and "plan.json: the file is empty; expected a JSON plan" in output


def test_check_of_a_plan_made_with_lock_suggests_the_same_lock(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    lock = "rad-harbor@2027-06-07"
    code, _ = invoke("solve", EXAMPLE, "--lock", lock, "--format", "json", "-o", str(plan), *FAST)
    assert code == 0
    # An accepted offer keeps section 4's dates, as the spec's section 7 example shows.
    locked = [r for r in json.loads(plan.read_text())["rotations"] if r["locked"]]
    assert [(r["program_id"], r["submit_on"], r["deadline"]) for r in locked] == [
        ("rad-harbor", "2027-03-01", "2027-03-29")
    ]
    code, output = invoke("check", EXAMPLE, str(plan))
    assert code == 1 and f"marks {lock} as accepted (locked)" in output and "--lock" in output
    code, output = invoke("check", EXAMPLE, str(plan), "--lock", lock)
    assert code == 0 and output.startswith("valid:")
    # The dates are checked like any other stated number; null stays accepted for a lock.
    for stated, valid in (("2027-03-02", False), (None, True)):
        document = json.loads(plan.read_text())
        next(r for r in document["rotations"] if r["locked"])["submit_on"] = stated
        changed = tmp_path / f"changed-{stated}.json"
        changed.write_text(json.dumps(document))
        code, output = invoke("check", EXAMPLE, str(changed), "--lock", lock)
        assert (code == 0) == valid, output


def test_check_survives_a_locked_row_with_odd_types(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    lock = "rad-harbor@2027-06-07"
    code, _ = invoke("solve", EXAMPLE, "--lock", lock, "--format", "json", "-o", str(plan), *FAST)
    assert code == 0
    data = json.loads(plan.read_text())
    row = next(r for r in data["rotations"] if r["locked"])
    for odd in (["rad-harbor"], {"id": 1}):
        row["program_id"] = odd
        plan.write_text(json.dumps(data))
        code, output = invoke("check", EXAMPLE, str(plan), "--lock", lock)
        assert code == 1 and "violation" in output  # invoke() asserts no traceback


def test_a_value_model_named_as_the_output_is_a_usage_error(tmp_path: Path) -> None:
    model = tmp_path / "vm.yaml"
    model.write_text((SCENARIOS.parent / "models" / "default.yaml").read_text(encoding="utf-8"))
    before = model.read_bytes()
    args = ["--value-model", str(model), "--format", "json", "-o", str(model), "--force"]
    code, output = invoke("solve", EXAMPLE, *args, *FAST)
    assert code == 2 and "is an input of this run" in output
    assert model.read_bytes() == before


def test_check_of_a_no_plan_claim_it_cannot_settle_exits_4(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    import rotation_solver.cli.plan as plan_module

    plan = _no_plan_document(tmp_path)
    real = plan_module.plan_scenario

    def stopped(*args: Any, **kwargs: Any) -> Any:
        outcome = real(*args, **kwargs)
        return dataclasses.replace(
            outcome, result=dataclasses.replace(outcome.result, status="unknown")
        )

    monkeypatch.setattr(plan_module, "plan_scenario", stopped)
    # CP-SAT stopped: the independent MILP settles "no plan" alone, and says so.
    result = CliRunner().invoke(cli, ["check", INFEASIBLE, str(plan), "--time-limit", "0.5"])
    assert result.exit_code == 3, result.output
    assert "on the checker's rules (CP-SAT ran out of time)" in " ".join(result.output.split())
    real_prove = plan_module.prove

    def unproved(*args: Any, **kwargs: Any) -> Any:
        return dataclasses.replace(real_prove(*args, **kwargs), status="unknown", objective=None)

    monkeypatch.setattr(plan_module, "prove", unproved)
    result = CliRunner().invoke(cli, ["check", INFEASIBLE, str(plan), "--time-limit", "0.5"])
    assert result.exit_code == 4, result.output
    assert "was not proved" in result.output and "--time-limit" in result.output


def test_check_of_a_locked_no_plan_document_asks_for_the_same_locks(tmp_path: Path) -> None:
    locks = ["--lock", "rad-lakeshore@2027-06-07", "--lock", "rad-harbor@2027-06-07"]
    solved = CliRunner().invoke(cli, ["solve", EXAMPLE, *locks, *FAST, "--format", "json"])
    assert solved.exit_code == 3, solved.output
    plan = tmp_path / "plan.json"
    plan.write_text(solved.stdout, encoding="utf-8")
    without = CliRunner().invoke(cli, ["check", EXAMPLE, str(plan), *FAST])
    assert without.exit_code == 1
    assert "--lock rad-lakeshore@2027-06-07 --lock rad-harbor@2027-06-07" in without.output
    with_locks = CliRunner().invoke(cli, ["check", EXAMPLE, str(plan), *locks, *FAST])
    assert with_locks.exit_code == 3, with_locks.output


def test_check_of_a_conflict_it_cannot_re_prove_in_time_exits_4(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by review: at a short --time-limit a made-up conflict was called valid."""
    import rotation_solver.conflict_check as conflict_check

    plan = _no_plan_document(tmp_path)
    monkeypatch.setattr(conflict_check, "feasible_with", lambda *_args: None)
    result = CliRunner().invoke(cli, ["check", INFEASIBLE, str(plan), *FAST])
    assert result.exit_code == 4, result.output
    assert "could not all be re-proved" in result.output and "valid" not in result.output


def test_a_value_model_path_on_the_command_line_is_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by a docs review: `--value-model models/letters-first.yaml` from the repository
    root was looked up beside the scenario only, and not found. The scenario's own
    `value_model:` stays relative to the scenario's folder."""
    letters_first = (SCENARIOS.parent / "models" / "letters-first.yaml").read_text("utf-8")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "model.yaml").write_text(letters_first, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    by_name = CliRunner().invoke(cli, ["solve", EXAMPLE, "--value-model", "letters-first", *FAST])
    by_path = CliRunner().invoke(cli, ["solve", EXAMPLE, "--value-model", "mine/model.yaml", *FAST])
    assert by_path.exit_code == 0, by_path.output
    assert by_path.stdout == by_name.stdout
    data = scenario_dict([program("r")], value_model="mine/model.yaml")
    (tmp_path / "elsewhere").mkdir()
    scenario = write_scenario(tmp_path / "elsewhere", data, "scenario.yaml")
    result = CliRunner().invoke(cli, ["validate", str(scenario)])
    assert result.exit_code == 1
    assert "scenario.yaml" in result.stderr and "'mine/model.yaml' not found" in result.stderr
    missing = CliRunner().invoke(cli, ["validate", EXAMPLE, "--value-model", "mine/none.yaml"])
    assert missing.exit_code == 1
    assert "relative to the working directory or to the scenario's folder" in missing.stderr
    (tmp_path / "model.txt").write_text(letters_first, encoding="utf-8")
    txt = CliRunner().invoke(cli, ["solve", EXAMPLE, "--value-model", "model.txt", *FAST])
    assert txt.exit_code == 0, txt.output  # a path by its suffix, read as YAML
    assert txt.stdout == by_name.stdout


def test_long_bullets_wrap_under_their_own_text() -> None:
    """Found by review: a long repair or "why this plan" item wrapped back to column 0."""
    for scenario, heading in ((INFEASIBLE, "Repairs"), (EXAMPLE, "Why this plan")):
        result = CliRunner(env={"COLUMNS": "80"}).invoke(
            cli, ["solve", scenario, "--workers", "1", "--seed", "0"]
        )
        lines = result.stdout.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith(heading))
        section = []
        for line in lines[start + 1 :]:
            if not line.startswith("  "):
                break
            section.append(line)
        wrapped = [line for line in section if not line.startswith("  • ")]
        assert section and wrapped, heading  # some item is longer than 80 columns
        assert all(line.startswith("    ") and line[4] != " " for line in wrapped), wrapped


@pytest.mark.parametrize(
    "command", [["solve"], ["timeline"], ["compare", "--budgets", "8000,9000"], ["frontier"]]
)
def test_a_dash_as_output_is_standard_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """`-o -` wrote a file named `-` (found by review); it means standard output."""
    monkeypatch.chdir(tmp_path)
    args = [command[0], EXAMPLE, *command[1:], *FAST]
    to_stdout = CliRunner().invoke(cli, args)
    dashed = CliRunner().invoke(cli, [*args, "-o", "-"])
    assert dashed.exit_code == to_stdout.exit_code == 0, dashed.output
    assert dashed.stdout == to_stdout.stdout and dashed.stdout
    assert list(tmp_path.iterdir()) == []


def test_a_written_file_is_named_and_a_format_against_its_suffix_is_noted(
    tmp_path: Path,
) -> None:
    """From a new-user review: `-o` wrote in silence (the picture says where it went), and
    `--format csv -o plan.json` put CSV in a .json file without a word."""
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(cli, ["solve", EXAMPLE, "-o", str(out), *FAST])
    assert result.exit_code == 0 and json.loads(out.read_text("utf-8"))["objective"] == 213
    assert result.stderr == f"json written to {out}\n"
    result = CliRunner().invoke(
        cli, ["solve", EXAMPLE, "-o", str(out), "--format", "csv", "--force", *FAST]
    )
    assert result.exit_code == 0 and out.read_text("utf-8").startswith("program_id,")
    assert f"note: {out} gets the csv format (--format), not the json its suffix" in (result.stderr)
    # Any text fits a .txt; standard output gets neither line.
    notes = tmp_path / "notes.txt"
    result = CliRunner().invoke(
        cli, ["solve", EXAMPLE, "-o", str(notes), "--format", "markdown", *FAST]
    )
    assert result.stderr == f"markdown written to {notes}\n"
    result = CliRunner().invoke(cli, ["solve", EXAMPLE, "--format", "json", *FAST])
    assert "written to" not in result.stderr
    calendar = tmp_path / "plan.ics"
    result = CliRunner().invoke(cli, ["solve", EXAMPLE, "-o", str(calendar), *FAST])
    assert result.stderr == f"calendar written to {calendar}\n"
    # Found by review: the note came before the work, even when nothing was written.
    result = CliRunner().invoke(cli, ["solve", EXAMPLE, "-o", str(out), "--format", "csv", *FAST])
    assert result.exit_code == 2 and "note:" not in result.stderr
    todo = tmp_path / "todo.csv"  # the timeline writes its own formats
    result = CliRunner().invoke(cli, ["timeline", EXAMPLE, "-o", str(todo), *FAST])
    assert result.exit_code == 0 and result.stderr == f"csv written to {todo}\n"


def test_markdown_titles_escape_the_scenario_name(tmp_path: Path) -> None:
    """A scenario named with Markdown's characters reads as written in every Markdown
    report, not as italics or an HTML tag (table cells were escaped, titles were not)."""
    for name in ("scenario.yaml", "programs.csv"):
        text = (Path(EXAMPLE).parent / name).read_text(encoding="utf-8")
        if name == "scenario.yaml":
            text = re.sub(r"(?m)^name: .*$", 'name: "Plan *A* _b_ <i> #"', text)
        (tmp_path / name).write_text(text, encoding="utf-8")
    scenario = str(tmp_path / "scenario.yaml")
    escaped = r"Plan \*A\* \_b\_ \<i\> \#"  # a title's last "#" is markup
    for command, title in [
        (["solve"], "# Away-rotation plan: "),
        (["compare", "--budgets", "9000"], "# What-if budgets: "),
        (["frontier", "--max-budget", "4500"], "# Value/cost frontier: "),
        (["timeline"], "# Timeline: "),
        (["apply", "--scenarios", "20", "--evaluate", "50"], "# Applications: "),
    ]:
        code, output = invoke_stdout(*command, scenario, "--format", "markdown", *FAST)
        assert code == 0, (command, output)
        assert output.startswith(title + escaped + "\n"), (command, output[:200])
    code, output = invoke_stdout("solve", scenario, "--format", "markdown", *FAST)
    assert f"- **Scenario:** {escaped}\n" in output


def test_check_reads_a_no_plan_document_saved_before_the_counted_nouns(tmp_path: Path) -> None:
    """Found by review: documents saved before 2026-11-27 say "at least 2 radiology
    rotation(s)"; `check` compares the rules' words, and refused them as wrong. The
    plural ending is not compared; a different count still is."""
    solved = CliRunner().invoke(cli, ["solve", INFEASIBLE, *FAST, "--format", "json"])
    document = json.loads(solved.stdout)
    assert "at least 2 radiology rotations" in document["why"]

    def checked(text: str) -> Any:
        plan = tmp_path / "old.json"
        plan.write_text(text, encoding="utf-8")
        return CliRunner().invoke(cli, ["check", INFEASIBLE, str(plan), *FAST])

    old = json.dumps(document).replace("radiology rotations", "radiology rotation(s)")
    assert "rotation(s)" in old
    result = checked(old)
    assert result.exit_code == 3 and result.output.startswith("valid: no plan"), result.output
    wrong = json.dumps(document).replace("at least 2 radiology", "at least 3 radiology")
    result = checked(wrong)
    assert result.exit_code == 1 and "this scenario's rule is 'at least 2 radiology rotations'" in (
        result.output
    )


def test_the_fee_note_speaks_of_fees_even_when_the_median_is_free() -> None:
    """Found by review: fees [0, 500] have a median of 0, and the note said nothing of
    the $500; only applications that are all free leave it out."""
    from rotation_solver.render import APPLY_NOTE, apply_note

    other = {
        "guide_applications": [6, 10],
        "more": [2, 2],
        "others": 2,
        "median_fee": 0,
        "fees": [500, 500],
        "left": 300,
        "affordable": 1,
    }
    note = apply_note({"other_applications": other, "rotations": []})
    assert "adds about $500; $300 of the budget is left: not enough for them" in note
    free = {**other, "fees": [0, 0], "affordable": 2}
    assert apply_note({"other_applications": free, "rotations": []}) == APPLY_NOTE


def test_check_lists_broken_rules_before_stale_values_and_points_to_since(
    tmp_path: Path,
) -> None:
    """From an advisor review: an excluded program came ninth, after eight stated fields
    that differ; and a stale plan points to `solve --since`."""
    rows = [program("rad-a", fee=10), program("rad-b", starts="2027-08-02")]
    path = write_scenario(tmp_path, scenario_dict(rows))
    code, output = invoke_stdout("solve", str(path), "--format", "json", *FAST)
    assert code == 0
    plan = tmp_path / "plan.json"
    plan.write_text(output, encoding="utf-8")
    cheaper = [program("rad-a", fee=0), program("rad-b", starts="2027-08-02")]
    edited = write_scenario(tmp_path, scenario_dict(cheaper, exclude=["rad-a"]), "edited.yaml")
    code, said = invoke("check", str(edited), str(plan))
    assert code == 1
    listed = [line.split("]")[0] for line in said.splitlines() if line.startswith("  - [")]
    assert listed[0] == "  - [exclude" and "  - [cost" in listed[1:], listed
    assert f"`rotation-solver solve {edited} --since {plan}` lists what changed" in " ".join(
        said.split()
    )


def test_markdown_warnings_are_separate_paragraphs() -> None:
    """From an advisor's review: consecutive "> warning:" lines render as one paragraph;
    a ">" line between them keeps each its own (CommonMark: one quote, two paragraphs)."""
    from rotation_solver.markdown import warning_lines

    assert warning_lines([]) == []
    assert warning_lines(["a"]) == ["> warning: a"]
    assert warning_lines(["a", "b"]) == ["> warning: a", ">", "> warning: b"]


def test_markdown_cells_keep_our_code_spans() -> None:
    """From an advisor's review: the timeline's "Check `rotation-solver apply`" showed
    escaped backticks; user text around it stays escaped."""
    from rotation_solver.markdown import cell_with_code

    assert cell_with_code("Check `rotation-solver apply SCENARIO` at *New*") == (
        "Check `rotation-solver apply SCENARIO` at \\*New\\*"
    )
    assert cell_with_code("a `b|c` d") == "a \\`b\\|c\\` d"  # "|" would split the row
    assert cell_with_code("one ` tick") == "one \\` tick"


def test_the_fee_note_leaves_out_programs_no_plan_within_the_budget_can_hold(
    tmp_path: Path,
) -> None:
    """From a student's review: "3 other programs that fit" where every plan with any
    of them cost more than the budget. With two radiology rotations needed, one costing
    $1,500 fits only beside another radiology rotation, at least $1,000 more."""
    rows = [
        program("r1", starts="2027-06-07"),
        program("r2", starts="2027-07-05"),
        program("pricey", starts="2027-08-02", housing_per_week=550),  # $1,500
        program("spare", starts="2027-09-06", fee=20, letter=0, audition=0),  # $1,020
    ]
    requirements = {"radiology": {"min": 2, "max": 3}, "clinical": {"min": 0}, "tier_mix": False}
    data = scenario_dict(rows, budget=2400, requirements=requirements)
    code, output = invoke_stdout(
        "solve", str(write_scenario(tmp_path, data)), "--format", "json", *FAST
    )
    assert code == 0, output
    payload = json.loads(output)
    assert [r["program_id"] for r in payload["rotations"]] == ["r1", "r2"]
    # pricey: $1,500 + $1,000 for a second radiology rotation > $2,400; spare: $2,020.
    assert payload["other_applications"]["others"] == 1


@pytest.mark.parametrize(
    ("fees", "median"),
    [
        ([], 0),
        ([90], 90),
        ([200, 60, 150], 150),
        ([60, 75, 90, 100, 120, 150, 150, 200], 110),  # the review's eight fees
        ([10, 15], 13),  # 12.5, half up
    ],
)
def test_the_median_fee_is_the_median(fees: list[int], median: int) -> None:
    from rotation_solver.plan_json import median_fee

    assert median_fee(fees) == median


def test_check_refutes_a_cheapest_cost_the_conflict_cannot_prove(tmp_path: Path) -> None:
    """Found by review: two clinical locks against clinical.max; the conflict does not
    name the budget, so nothing re-proved a made-up "cheapest plan without the budget"
    ($5), and a document with every repair deleted read "its conflict and repairs hold"."""
    locks = ["--lock", "em-saguaro@2027-06-21", "--lock", "im-derbyfield@2027-09-13"]
    solved = CliRunner().invoke(cli, ["solve", EXAMPLE, *locks, *FAST, "--format", "json"])
    assert solved.exit_code == 3, solved.output
    real = json.loads(solved.stdout)
    assert "budget" not in [rule["rule"] for rule in real["conflict"]["rules"]]
    assert real["conflict"]["cheapest_plan_without_budget"] is None
    plan = tmp_path / "plan.json"

    def check(document: dict[str, Any]) -> Any:
        plan.write_text(json.dumps(document), encoding="utf-8")
        return CliRunner().invoke(cli, ["check", EXAMPLE, str(plan), *locks, *FAST])

    result = check(real)
    assert result.exit_code == 3 and "its conflict and repairs hold" in result.output
    made_up = copy.deepcopy(real)
    made_up["conflict"].update(cheapest_plan_without_budget=5, cheapest_plan_settled=True)
    result = check(made_up)
    assert result.exit_code == 1
    assert "a cost is stated although the conflict does not name the budget" in result.output
    bare = copy.deepcopy(real)
    bare["conflict"]["repairs"] = []
    result = check(bare)
    assert result.exit_code == 3 and "repairs hold" not in result.output
    assert "its conflict holds (re-proved by" in result.output
    assert result.output.rstrip().endswith("; it lists no repairs.")


def test_solve_says_the_chance_that_the_whole_plan_happens() -> None:
    """From a student's review: a plan worth its expected value happened in full only
    36% of the time, which only `apply` had shown."""
    code, output = invoke_stdout("solve", EXAMPLE, "--format", "json", *FAST)
    assert code == 0
    payload = json.loads(output)
    chances = [r["acceptance"] for r in payload["rotations"]]
    assert len(chances) == 3 and all(c < 1 for c in chances)
    assert payload["chance_all_offered"] == pytest.approx(math.prod(chances), abs=1e-4)
    share = round(100 * math.prod(chances))
    code, output = invoke_stdout("solve", EXAMPLE, *FAST)
    said = " ".join(output.split())
    assert f"this whole plan happens only if all 3 programs offer, a {share}% chance" in said
    # An accepted offer is certain: only the others are named.
    first = payload["rotations"][0]
    lock = f"{first['program_id']}@{first['start']}"
    code, output = invoke_stdout("solve", EXAMPLE, "--lock", lock, *FAST)
    said = " ".join(output.split())
    assert code == 0 and "the 2 programs not yet certain all offer" in said


def test_a_tiny_chance_of_the_whole_plan_is_not_called_zero() -> None:
    """Found by review: 0.03 x 0.03 x 0.03 was rounded to 0.0 and read "a 0% chance"."""
    from rotation_solver.render import chance_all_offered_text

    rotations = [{"program_id": p, "acceptance": 0.03} for p in ("a", "b", "c")]
    text = chance_all_offered_text({"rotations": rotations, "chance_all_offered": 0.03**3})
    assert text.endswith(
        "all 3 programs offer, a less than 1% chance (their offer chances multiplied)"
    )
    eight = chance_all_offered_text({"rotations": rotations, "chance_all_offered": 0.08})
    assert eight.endswith("all 3 programs offer, an 8% chance (their offer chances multiplied)")


def test_the_fee_note_names_only_programs_a_plan_within_the_budget_can_hold() -> None:
    """Found by an advisor's review: "the catalog has 4 other programs that fit" named
    three whose cheapest plan costs more than the budget (the note's lower bound ignores
    dates and tier_mix); each named one is now proven by a re-solve."""
    tight = str(SCENARIOS / "tight-budget" / "scenario.yaml")
    code, output = invoke_stdout("solve", tight, "--format", "json", *FAST)
    assert code == 0
    other = json.loads(output)["other_applications"]
    assert other["other_programs"] == ["rad-peachleaf"] and other["more"] == [1, 1]
    code, output = invoke_stdout("solve", tight, *FAST)
    said = " ".join(output.split())
    assert "(the catalog has 1 other program that fits: rad-peachleaf) adds about $90" in said


def test_the_fee_note_keeps_within_max_applications(tmp_path: Path) -> None:
    """Found by an advisor's review: "applying to 2-6 more" under max_applications 4."""
    folder = tmp_path / "capped"
    shutil.copytree(SCENARIOS / "example", folder)
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text() + "max_applications: 4\n", encoding="utf-8")
    code, output = invoke_stdout("solve", str(scenario), "--format", "json", *FAST)
    assert code == 0
    payload = json.loads(output)
    assert len(payload["rotations"]) == 3
    assert payload["other_applications"]["more"] == [1, 1]


def test_the_offerings_line_says_how_many_pairs_can_be_planned() -> None:
    """Found by an advisor's review: "56 considered" where 74 pairs were looked at and 56
    kept."""
    code, output = invoke_stdout("solve", EXAMPLE, *FAST)
    said = " ".join(output.split())
    assert code == 0
    assert "Offerings: 56 of 74 (program, start) pairs meet the rules for a single rotation;" in (
        said
    )


def test_a_plan_not_proven_best_names_no_program_that_no_plan_can_hold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Found by review: the re-solve that proves a named program can be in a plan ran only
    under a plan proven optimal; under a plan cut short by the time limit, r3 (8 weeks,
    overlapping both radiology rotations a plan needs) was named as one "that fits"."""
    import dataclasses

    path = Path(__file__).parent / "data" / "portfolio_review" / "no_plan_holds_r3.json"
    real = planner.solve_problem

    def cut_short(problem: Any, options: Any, settle: bool = True) -> Result:
        found = real(problem, options, settle=settle)
        return dataclasses.replace(found, status="feasible", bound=(found.bound or 0) + 10)

    monkeypatch.setattr(planner, "solve_problem", cut_short)
    outcome = planner.plan_scenario(
        load_scenario(path), planner.SolveOptions(workers=1), advise=True
    )
    assert outcome.result.status == "feasible"
    other = outcome.payload.get("other_applications") or {}
    assert "r3" not in (other.get("other_programs") or [])


def test_the_fee_note_does_not_offer_more_applications_where_none_is_left() -> None:
    """Found by review: one application made, no other program that can be in a plan, and
    the note said `apply` "says whether more are worth their fees" (and dropped what the
    total cost includes)."""
    path = str(Path(__file__).parent / "data" / "portfolio_review" / "nothing_left.json")
    code, output = invoke_stdout("solve", path, "--format", "json", *FAST)
    assert code == 0
    other = json.loads(output)["other_applications"]
    assert other["others"] == 0 and other["already_applied"] >= 1
    code, output = invoke_stdout("solve", path, *FAST)
    said = " ".join(output.split())
    # Every other program is applied to: the budget keeps none out (found by a student's
    # review: the budget was blamed where deadlines and the rules kept the others out).
    assert (
        "every other program in the catalog is already applied to or ruled out by the "
        "rules or the dates."
    ) in said
    assert "within the budget" not in said
    assert "whether more are worth their fees" not in said
    assert "Total cost includes the fees of these programs" in said


def test_the_fee_note_blames_the_budget_only_where_it_keeps_a_program_out(
    tmp_path: Path,
) -> None:
    """A program whose cheapest plan costs more than the budget: the budget is the reason
    no other application can be in a plan."""
    path = Path(__file__).parent / "data" / "portfolio_review" / "nothing_left.json"
    scenario = json.loads(path.read_text())
    costly = {**scenario["programs"][0], "id": "r3", "name": "R3", "housing_per_week": 2200}
    scenario["programs"].append(costly)
    written = tmp_path / "costly.json"
    written.write_text(json.dumps(scenario))
    code, output = invoke_stdout("solve", str(written), "--format", "json", *FAST)
    other = json.loads(output)["other_applications"]
    assert code == 0 and other["others"] == 0 and other["beyond_budget"] == 1
    code, output = invoke_stdout("solve", str(written), *FAST)
    said = " ".join(output.split())
    assert "no other program in the catalog can be in a plan within the budget." in said
    # Found by review: one whose dates clash with every plan, at any budget, is not the
    # budget's: a re-solve proves no plan within the budget and the rules holds it.
    clashing = {**scenario["programs"][0], "id": "r3", "name": "R3", "starts": ["2027-06-21"]}
    scenario["programs"][-1] = clashing
    scenario["budget"] = 10_000_000
    written.write_text(json.dumps(scenario))
    code, output = invoke_stdout("solve", str(written), "--format", "json", *FAST)
    other = json.loads(output)["other_applications"]
    assert code == 0 and "beyond_budget" not in other and other["no_plan_holds"] == 1
    code, output = invoke_stdout("solve", str(written), *FAST)
    said = " ".join(output.split())
    assert "can be in a plan within the budget and the rules." in said
