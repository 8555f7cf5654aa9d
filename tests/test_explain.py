"""The explanation agrees with the plan and with independent re-solves."""

from __future__ import annotations

from rotation_solver.planner import plan_scenario
from rotation_solver.scenario import load_scenario
from rotation_solver.solve import SolveOptions
from tests.brute_force import best_plans
from tests.conftest import SCENARIOS

ONE_WORKER = SolveOptions(workers=1, time_limit=20)


def test_explanation_of_the_example_plan() -> None:
    path = SCENARIOS / "example" / "scenario.yaml"
    loaded = load_scenario(path)
    outcome = plan_scenario(loaded, ONE_WORKER, explain=True)
    explanation = outcome.payload["explanation"]
    objective = outcome.result.objective
    assert objective is not None
    # The value breakdown sums to the objective.
    values = [b["value"] for b in explanation["value_breakdown"]]
    assert sum(values) - explanation["extra_radiology_penalty"] == objective
    assert explanation["objective_check"] == objective
    for part in explanation["value_breakdown"]:
        # The parts already carry acceptance and timing; value is their sum rounded half up.
        assert abs(part["letter"] + part["audition"] - part["value"]) <= 0.5 + 0.01
    # Each "best without X" is at most the optimum and matches an exhaustive re-solve.
    for item in explanation["without_each"]:
        assert item["best_without"] <= objective
        without = load_scenario(path, exclude=[item["program_id"]])
        assert best_plans(without).objective == item["best_without"]
        assert item["value_lost"] == objective - item["best_without"]
    # Binding rules name the budget slack and who meets each half of tier_mix.
    text = " ".join(explanation["binding_rules"])
    assert "$2,340 left" in text and "tier_mix" in text
    # Programs with no possible start say why, the student's own exclusions aside.
    unavailable = {
        item["program_id"]: item["why_not"] for item in explanation["unavailable_programs"]
    }
    assert unavailable["rad-loonwater"] == "documents late (3 starts)"
    assert "ty-coastal" not in unavailable  # transitional was not requested
    # The best unchosen programs each have a reason, and forcing one in never beats the optimum.
    assert explanation["best_unchosen"]
    chosen = {r["program_id"] for r in outcome.payload["rotations"]}
    for item in explanation["best_unchosen"]:
        assert item["program_id"] not in chosen
        assert item["why_not"].startswith(("lower value", "the budget", "over budget", "no plan"))
    # Money keeps rad-harbor out: the reason says so, with the unlimited plan's value.
    harbor = next(i for i in explanation["best_unchosen"] if i["program_id"] == "rad-harbor")
    assert harbor["why_not"].startswith("the budget: a plan with it is worth 225")
    assert best_plans(loaded.with_budget(10**7)).objective == 225


def test_explanation_reports_over_budget() -> None:
    loaded = load_scenario(SCENARIOS / "tight-budget" / "scenario.yaml")
    outcome = plan_scenario(loaded, ONE_WORKER, explain=True)
    reasons = [item["why_not"] for item in outcome.payload["explanation"]["best_unchosen"]]
    assert any(reason.startswith("over budget") for reason in reasons)
