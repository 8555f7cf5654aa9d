"""The checker enforces the optional housing rules (spec extension) on a solver plan."""

from __future__ import annotations

import shutil
from pathlib import Path

from rotation_solver.checker import check_plan
from rotation_solver.planner import plan_scenario
from rotation_solver.scenario import load_scenario
from rotation_solver.solve import SolveOptions
from tests.conftest import SCENARIOS


def example_with(tmp_path: Path, extra: str) -> Path:
    for name in ("scenario.yaml", "programs.csv"):
        shutil.copy(SCENARIOS / "example" / name, tmp_path / name)
    path = tmp_path / "scenario.yaml"
    text = path.read_text().replace("  tier_mix: true\n", f"  tier_mix: true\n{extra}")
    path.write_text(text)
    return path


def test_housing_rules_catch_a_plan_made_without_them(tmp_path: Path) -> None:
    plain = load_scenario(SCENARIOS / "example" / "scenario.yaml")
    plan = plan_scenario(plain, SolveOptions(workers=1)).payload
    # cedar 450/week, juniper and saguaro above 300: nothing is affordable at 300.
    strict = load_scenario(example_with(tmp_path, "  affordable_housing_per_week: 300\n"))
    assert check_plan(strict, plan).rules() == {"affordable_housing_per_week"}
    # cedar ends 07-11, juniper starts 07-26: 14 free days, fewer than 20.
    rested = load_scenario(
        example_with(tmp_path, "  affordable_housing_per_week: 400\n  high_cost_rest_days: 20\n")
    )
    assert "high_cost_rest_days" in check_plan(rested, plan).rules()
    # The planner honours both rules and its plan passes.
    outcome = plan_scenario(rested, SolveOptions(workers=1))
    assert outcome.result.has_plan and check_plan(rested, outcome.payload).ok


def test_rest_days_hold_at_exactly_the_rule_and_fail_one_day_short(tmp_path: Path) -> None:
    # cedar (450/week) ends 07-11, juniper (above 400) starts 07-26: 14 free days between.
    plan = plan_scenario(
        load_scenario(SCENARIOS / "example" / "scenario.yaml"), SolveOptions(workers=1)
    ).payload
    rules = "  affordable_housing_per_week: 400\n  high_cost_rest_days: {}\n"
    exact = tmp_path / "exact"
    exact.mkdir()
    assert check_plan(load_scenario(example_with(exact, rules.format(14))), plan).ok
    short = tmp_path / "short"
    short.mkdir()
    report = check_plan(load_scenario(example_with(short, rules.format(15))), plan)
    assert report.rules() == {"high_cost_rest_days"}
