"""Model-level behaviour that the planner relies on."""

from __future__ import annotations

from ortools.sat.python import cp_model

from rotation_solver.model import PlanModel, maximal_cliques
from rotation_solver.problem import build_problem
from rotation_solver.scenario import load_scenario
from rotation_solver.solve import SolveOptions, run
from tests.conftest import SCENARIOS


def test_maximal_cliques_of_intervals() -> None:
    # [0,4] [2,6] [5,9] [10,12]: cliques {0,1} at 2 and {1,2} at 5; [10,12] stands alone.
    assert maximal_cliques([(0, 4), (2, 6), (5, 9), (10, 12)]) == [[0, 1], [1, 2]]
    # Nested intervals: one clique, reported once.
    assert maximal_cliques([(0, 10), (1, 2), (3, 4)]) == [[0, 1], [0, 2]]
    assert maximal_cliques([(0, 1)]) == []


def test_set_budget_changes_the_bound_in_place() -> None:
    loaded = load_scenario(SCENARIOS / "example" / "scenario.yaml")
    problem = build_problem(loaded)
    plan_model = PlanModel(problem, max_budget=20000)
    at_9000 = run(plan_model, SolveOptions(workers=1))
    plan_model.set_budget(4500)
    at_4500 = run(plan_model, SolveOptions(workers=1))
    plan_model.set_budget(20000)
    at_20000 = run(plan_model, SolveOptions(workers=1))
    assert (at_4500.objective, at_9000.objective, at_20000.objective) == (176, 213, 225)
    assert at_4500.total_cost <= 4500 and at_4500.budget == 4500


def test_guarded_rules_are_named() -> None:
    loaded = load_scenario(SCENARIOS / "challenged-home" / "scenario.yaml")
    plan_model = PlanModel(build_problem(loaded), guarded=True, with_objective=False)
    assert {
        "budget",
        "radiology.min",
        "clinical.min",
        "max_rotations",
        "tier_mix",
        "min_gap_days",
    } <= set(plan_model.guards)
    assert any(key.startswith("lock:") for key in plan_model.guards)
    solver = cp_model.CpSolver()
    plan_model.model.add_assumptions(list(plan_model.guards.values()))
    assert solver.solve(plan_model.model) == cp_model.OPTIMAL
