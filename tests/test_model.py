"""Model-level behaviour that the planner relies on."""

from __future__ import annotations

import pytest
from ortools.sat.python import cp_model

from rotation_solver.model import PlanModel, maximal_cliques
from rotation_solver.problem import build_problem
from rotation_solver.scenario import load_scenario
from rotation_solver.solve import SolveOptions, run
from tests.conftest import SCENARIOS
from tests.test_advice import Make


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
    # The rule's words follow (found by a code review: they kept the first budget).
    assert plan_model.rules["budget"].description == "total cost within the budget of $20,000"


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


def _first_search_stops(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Make the first CP-SAT search of `rotation_solver.solve` stop at once with nothing
    (as a tiny --time-limit does on a large catalog); later solves run as usual."""
    import rotation_solver.solve as solve_module

    real = solve_module.solve_interruptibly
    calls: list[object] = []

    def first_stops(solver, model, callback=None):  # type: ignore[no-untyped-def]
        calls.append(model)
        return cp_model.UNKNOWN if len(calls) == 1 else real(solver, model, callback)

    monkeypatch.setattr(solve_module, "solve_interruptibly", first_stops)
    return calls


def test_a_search_stopped_before_any_plan_returns_the_greedy_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 0.5 s limit on a large catalog said 'no plan found' with the greedy hint in hand
    (found by review): the hint, if the model holds it, is returned as feasible, with
    a valid bound (not CP-SAT's: stopped early it reports 0, which once made a plan worth
    328 of 394 'proven best'), and passes the independent checker."""
    from rotation_solver.greedy import greedy_plan
    from rotation_solver.plan_json import plan_payload
    from rotation_solver.reduction import reduce_problem
    from rotation_solver.solve import solve_problem
    from rotation_solver.verify import verify

    loaded = load_scenario(SCENARIOS / "national" / "scenario.yaml")
    problem = build_problem(loaded)
    best = solve_problem(problem, SolveOptions(workers=1))
    calls = _first_search_stops(monkeypatch)
    result = solve_problem(problem, SolveOptions(workers=1))
    hint = greedy_plan(reduce_problem(problem)[0])
    assert hint is not None and len(calls) == 2
    assert result.status == "feasible"
    assert {o.key for o in result.rotations} == {o.key for o in hint}
    assert result.objective == problem.plan_value(hint) < best.objective  # not the best
    assert result.bound is not None and result.bound >= best.objective
    assert verify(loaded, plan_payload(loaded, problem, result)).ok


def test_a_fallback_plan_the_model_rejects_is_not_returned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Over the budget, the fallback plan is refused: the status stays unknown."""
    from rotation_solver.solve import _accepts

    problem = build_problem(load_scenario(SCENARIOS / "example" / "scenario.yaml"))
    options = SolveOptions(workers=1)
    solved = run(PlanModel(problem), options)
    assert _accepts(PlanModel(problem), solved.rotations, options)
    tight = PlanModel(problem.with_budget(solved.total_cost - 1))
    assert not _accepts(tight, solved.rotations, options)
    _first_search_stops(monkeypatch)
    stopped = run(tight, options, fallback=solved.rotations)
    assert stopped.status == "unknown" and stopped.rotations == ()


def test_the_model_accepts_a_plan_only_as_a_whole() -> None:
    """Mutation review (F7): `_accepts` fixes every choice, the ones left out too; fixing
    only the taken ones accepted a part of a plan, which the count rules forbid."""
    from rotation_solver.solve import _accepts

    problem = build_problem(load_scenario(SCENARIOS / "national" / "scenario.yaml"))
    options = SolveOptions(workers=1)
    solved = run(PlanModel(problem), options)
    assert len(solved.rotations) >= 3
    assert _accepts(PlanModel(problem), solved.rotations, options)
    assert not _accepts(PlanModel(problem), solved.rotations[:1], options)


def test_a_tiny_time_limit_still_lets_the_model_check_the_fallback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Mutation review (F5): the check of the fallback plan gets at least a second, so
    a 2 ms limit (reachable from the API; the CLI's least is 10 ms) still returns it."""
    problem = build_problem(load_scenario(SCENARIOS / "national" / "scenario.yaml"))
    options = SolveOptions(workers=1, time_limit=0.002)
    solved = run(PlanModel(problem), SolveOptions(workers=1))
    _first_search_stops(monkeypatch)
    stopped = run(PlanModel(problem), options, fallback=solved.rotations)
    assert stopped.status == "feasible" and stopped.objective == solved.objective


def test_a_fallback_plan_worth_its_bound_is_optimal(
    monkeypatch: pytest.MonkeyPatch, make: Make
) -> None:
    """Found by review: a fallback plan worth the value ceiling (its own bound, so proven
    best) was shown as "Status feasible" beside "proven best"."""
    from tests.test_advice import clin, rad

    requirements = {"radiology": {"min": 1, "max": 1}, "clinical": {"min": 1, "max": 1},
                    "max_rotations": 2, "tier_mix": False}  # fmt: skip
    problem = build_problem(make([rad("r"), clin("c")], requirements=requirements))
    options = SolveOptions(workers=1)
    solved = run(PlanModel(problem), options)
    assert solved.status == "optimal" and solved.objective == problem.value_ceiling()
    _first_search_stops(monkeypatch)
    stopped = run(PlanModel(problem), options, fallback=solved.rotations)
    assert stopped.status == "optimal" and stopped.bound == stopped.objective
