"""Ties are settled one way everywhere: the cheapest plan of the best value, at the
earliest schedule of its programs. Checked against the exhaustive search, and across
`solve`, `compare` and `frontier`."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from rotation_solver import whatif
from rotation_solver.checker import check_plan
from rotation_solver.model import PlanModel
from rotation_solver.planner import plan_scenario
from rotation_solver.problem import build_problem
from rotation_solver.scenario import LoadedScenario, load_scenario
from rotation_solver.solve import SolveOptions, solve_problem
from rotation_solver.ties import (
    TIE_FLOOR,
    TIE_WORK,
    cheapest_of_value,
    earliest_schedule,
    tie_work,
)
from tests.brute_force import all_plans
from tests.conftest import SCENARIOS, program
from tests.random_scenarios import random_scenario, write_scenario

ONE_WORKER = SolveOptions(workers=1, time_limit=30)
Make = Callable[..., LoadedScenario]

Plan = tuple[tuple[str, date], ...]


def earliest_by_brute_force(plans: list[Plan]) -> Plan:
    """The least sum of start days, then each program's start (programs by id)."""

    def rank(plan: Plan) -> tuple[int, ...]:
        starts = dict(plan)
        return (
            sum(d.toordinal() for d in starts.values()),
            *(starts[p].toordinal() for p in sorted(starts)),
        )

    return min(plans, key=rank)


@pytest.mark.parametrize("seed", range(40))
def test_solve_returns_the_cheapest_best_plan_at_its_earliest_schedule(
    tmp_path: Path, seed: int
) -> None:
    loaded = load_scenario(write_scenario(tmp_path, random_scenario(random.Random(seed))))
    within = [(v, c, p) for v, c, p in all_plans(loaded) if c <= loaded.budget]
    outcome = plan_scenario(loaded, ONE_WORKER, explain=False)
    if not within:
        assert not outcome.result.has_plan
        return
    best = max(v for v, _, _ in within)
    cheapest = min(c for v, c, _ in within if v == best)
    result = outcome.result
    assert (result.objective, result.total_cost) == (best, cheapest)
    programs = {o.program_id for o in result.rotations}
    same = [p for v, c, p in within if v == best and {pid for pid, _ in p} == programs]
    chosen = tuple(sorted((o.program_id, o.start) for o in result.rotations))
    assert chosen == tuple(sorted(earliest_by_brute_force(same)))


def test_solve_compare_and_frontier_show_one_plan_for_one_budget() -> None:
    """National: four programs fit several orders of one set of start days; the three
    commands once showed three different schedules."""
    loaded = load_scenario(SCENARIOS / "national" / "scenario.yaml")
    solved = plan_scenario(loaded, ONE_WORKER, explain=False).result
    row = whatif.sweep(loaded, [loaded.budget], ONE_WORKER).rows[0].result
    points = whatif.frontier(loaded, ONE_WORKER).points
    point = max(
        (p.result for p in points if p.result.total_cost <= loaded.budget),
        key=lambda r: (r.objective or 0, -r.total_cost),
    )
    keys = [tuple(o.key for o in r.rotations) for r in (solved, row, point)]
    assert keys[0] == keys[1] == keys[2]


def test_a_plan_cut_short_keeps_its_value_and_programs() -> None:
    """Only the schedule moves: never the value (the penalty's variable is pinned, which
    a first version left free, so a plan worth 114 was stated as 74)."""
    loaded = load_scenario(SCENARIOS / "national" / "scenario.yaml")
    problem = build_problem(loaded)
    late = [o for o in problem.offerings if o.start >= date(2027, 10, 1)]
    rad = [o for o in late if o.is_radiology]
    clinical = [o for o in late if not o.is_radiology]
    seen: set[str] = set()
    rotations = []
    for o in [*rad, *clinical]:  # two radiology, one clinical, spaced, one per program
        kind = sum(1 for r in rotations if r.is_radiology == o.is_radiology)
        if o.program_id in seen or kind >= (2 if o.is_radiology else 1):
            continue
        if all(o.start > r.end or o.end < r.start for r in rotations):
            rotations.append(o)
            seen.add(o.program_id)
    plan = tuple(rotations)
    moved = earliest_schedule(dataclasses.replace(problem, budget=10**6), plan)
    assert {o.program_id for o in moved} == seen
    assert problem.plan_value(moved) == problem.plan_value(plan)
    assert sum(o.cost for o in moved) == sum(o.cost for o in plan)
    assert [o.start for o in moved] == sorted(o.start for o in moved)


def test_every_plan_of_a_sweep_passes_the_checker_after_its_schedule_moved() -> None:
    loaded = load_scenario(SCENARIOS / "national" / "scenario.yaml")
    sweep = whatif.sweep(loaded, list(range(4000, 9001, 500)), ONE_WORKER)
    for row in sweep.rows:
        if row.result.has_plan:
            assert check_plan(loaded.with_budget(row.budget), row.payload).ok


def test_the_cheapest_plan_of_the_best_value_is_kept(make: Make) -> None:
    """Two programs of equal value: the dearer one is swapped for the cheaper."""
    rows = [program("a", housing_per_week=300), program("b", housing_per_week=800)]
    req = {"radiology": {"min": 1, "max": 1}, "clinical": {"min": 0}, "tier_mix": False}
    problem = build_problem(make(rows, requirements=req))
    plan_model = PlanModel(problem)
    dear = tuple(o for o in problem.offerings if o.program_id == "b")
    cheapest, spent = cheapest_of_value(plan_model, dear)
    assert [o.program_id for o in cheapest] == ["a"] and 0 < spent < 1
    # And solve shows that plan (whichever of the two its search met first).
    settled = solve_problem(problem, ONE_WORKER, settle=True)
    assert [o.program_id for o in settled.rotations] == ["a"]


@pytest.mark.parametrize(
    ("time_limit", "elapsed", "work"),
    [
        (60.0, 1.0, TIE_WORK),  # the usual case: far more than ties need
        (30.0, 10.0, 20.0),  # what the search left
        (30.0, 29.0, 3.0),  # a tenth of the limit at least
        (0.05, 0.05, TIE_FLOOR),  # a tiny limit still settles ordinary ties
    ],
)
def test_the_tie_rules_get_what_the_search_left(
    time_limit: float, elapsed: float, work: float
) -> None:
    """A 50-rotation plan's ties took 34 s after a 10 s search under a 30 s limit, and a
    0.05 s limit kept the search's own schedule (both found by review)."""
    assert tie_work(time_limit, elapsed) == pytest.approx(work)


def test_the_tie_search_wall_clock_is_a_backstop_above_its_work() -> None:
    """Found by review: the wall-clock limit equal to the work could end a floor-sized
    tie search first on a loaded machine, so the plan shown followed the load."""
    from rotation_solver.ties import TIE_FLOOR, TIE_SECONDS, _solver

    for work in (TIE_FLOOR, 5.0, 40.0):
        params = _solver(0, work).parameters
        assert params.max_deterministic_time == work
        assert params.max_time_in_seconds >= min(TIE_SECONDS, 2 * work)
