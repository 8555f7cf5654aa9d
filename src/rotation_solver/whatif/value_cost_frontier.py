"""`frontier`: every efficient (value, cost) plan, by the epsilon-constraint method.

Maximise value at cost <= B; minimise cost at exactly that value; then
B = that cost - 1, until no plan fits. Every plan found is efficient: nothing is
at least as valuable and cheaper. Each step is hinted with the plan of the step
before (infeasible below its cost, yet a good guide).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any, Literal

from rotation_solver.checker import CheckReport, Violation
from rotation_solver.offerings import Offering
from rotation_solver.plan_json import plan_payload
from rotation_solver.problem import build_problem
from rotation_solver.scenario import LoadedScenario
from rotation_solver.solve import Result, SolveOptions
from rotation_solver.ties import earliest_schedule
from rotation_solver.verify import PlanRejected, verify
from rotation_solver.whatif.reuse import (
    LeastBudget,
    OnStep,
    ReusedModel,
    least_budget,
    no_progress,
)

Method = Literal["lexicographic", "two-step"]


@dataclass(frozen=True)
class Point:
    """A plan on the frontier: the best value at its own cost, and the cheapest at its value."""

    result: Result  # budget == total_cost
    payload: dict[str, Any]  # spec section 7 plan at budget = its cost, verified
    exact: bool  # both steps proven optimal


@dataclass(frozen=True)
class Frontier:
    loaded: LoadedScenario
    points: tuple[Point, ...]  # sorted by cost (and value), increasing
    exact: bool  # every step proven and the search ran to the end
    complete: bool  # the search ran to the end (no step without an answer)
    least: LeastBudget
    max_budget: int  # the search's cost ceiling: the user's --max-budget, or the dearest plan
    build_seconds: float
    total_seconds: float
    solves: int
    why: str | None = None
    max_budget_given: bool = True


def frontier(
    loaded: LoadedScenario,
    options: SolveOptions | None = None,
    *,
    max_budget: int | None = None,
    down_to: int | None = None,
    on_step: OnStep | None = None,
    method: Method = "lexicographic",
) -> Frontier:
    """Every efficient (value, cost) plan with cost <= max_budget (default: no limit),
    and with cost >= down_to if given (the search stops below it: `complete` is then
    False if it stopped early).

    `method`: "lexicographic" finds each point in one solve (best value, then
    least cost, by one weighted objective); "two-step" uses two solves per point
    (maximise value; then minimise cost at that value). Both give the same
    frontier; the first is about twice as fast.
    """
    options = options or SolveOptions()
    on_step = on_step or no_progress
    started = time.perf_counter()
    problem = build_problem(loaded)
    ceiling = problem.cost_ceiling() if max_budget is None else max_budget
    if ceiling < 0:
        raise ValueError("the largest budget must not be negative")
    on_step(0, None, "building the model")
    reused = ReusedModel(problem, ceiling, options)
    on_step(0, None, "finding the least workable budget")
    least = least_budget(loaded, reused, options)
    points: list[Point] = []
    exact = least.proven
    # Not complete when the least budget itself was not settled: no point was searched.
    complete = least.amount is not None or least.proven
    why = None
    if least.amount is None or least.amount > ceiling:
        why = least.why or (
            f"the cheapest plan costs ${least.amount:,}, above ${ceiling:,}"
            if least.amount is not None
            else None
        )
    budget = ceiling
    schedules: dict[Any, tuple[Offering, ...]] = {}
    hint = reused.least_values  # feasible at every budget from the least one up
    while least.amount is not None and not (least.proven and budget < least.amount):
        if down_to is not None and budget < down_to:
            complete = exact = False
            break
        on_step(len(points), None, f"best plan within ${budget:,}")
        best, values = reused.best_plan(budget, hint=hint, cheapest=method == "lexicographic")
        if not best.has_plan:
            complete = best.status == "infeasible"
            exact = exact and complete
            if best.status == "unknown":
                why = f"no plan was found within the time limit at ${budget:,}"
            break
        assert best.objective is not None
        step_exact = best.status == "optimal"
        cheapest = best
        if method == "two-step":
            on_step(len(points), None, f"cheapest plan worth {best.objective} within ${budget:,}")
            second, second_values, proven = reused.minimise_cost(budget, best.objective, values)
            if second.has_plan:
                cheapest, values = second, second_values
            step_exact = step_exact and proven
        exact = exact and step_exact
        cost = cheapest.total_cost
        if cost > budget:
            # The next budget is cost - 1: a plan dearer than its budget would loop for ever
            # (found by review, when the re-used model lost the fees already paid).
            violation = Violation("budget", f"a plan costing ${cost:,} for the budget ${budget:,}")
            raise PlanRejected(CheckReport((violation,), cheapest.objective, cost))
        own = loaded.with_budget(cost)
        result = dataclasses.replace(
            cheapest,
            # The schedule `solve` shows for these programs (see `ties`).
            rotations=earliest_schedule(problem, cheapest.rotations, options.seed, schedules),
            status="optimal" if best.status == "optimal" else "feasible",
            bound=best.bound,
            budget=cost,
            solve_seconds=best.solve_seconds
            + (cheapest.solve_seconds if cheapest is not best else 0.0),
        )
        payload = plan_payload(own, problem.with_budget(cost), result)
        verify(own, payload)
        points.append(Point(result, payload, step_exact))
        hint = values  # the neighbour: infeasible below its cost, yet a good guide
        budget = cost - 1
    points.sort(key=lambda p: (p.result.total_cost, -(p.result.objective or 0)))
    # Exact steps never dominate one another; steps cut short by the time limit might.
    points = [
        p
        for i, p in enumerate(points)
        if not any(
            (q.result.objective or 0) >= (p.result.objective or 0)
            and q.result.total_cost <= p.result.total_cost
            and j != i
            and (
                (q.result.objective, q.result.total_cost)
                != (p.result.objective, p.result.total_cost)
                or j < i
            )
            for j, q in enumerate(points)
        )
    ]
    on_step(len(points), len(points), "done")
    return Frontier(
        loaded,
        tuple(points),
        exact,
        complete,
        least,
        ceiling,
        reused.build_seconds,
        time.perf_counter() - started,
        reused.solves,
        why,
        max_budget_given=max_budget is not None,
    )
