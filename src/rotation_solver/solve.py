"""Solve a planning problem with CP-SAT and return a `Result` (data -> model -> solve -> result)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from ortools.sat.python import cp_model

from rotation_solver.model import PlanModel
from rotation_solver.offerings import Offering
from rotation_solver.problem import PlanningProblem

Status = Literal["optimal", "feasible", "infeasible", "unknown"]

_STATUS: dict[Any, Status] = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
}


def default_workers() -> int:
    """No more CP-SAT workers than the cores this process may use."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


@dataclass(frozen=True)
class SolveOptions:
    """How to run CP-SAT. A fixed seed makes runs with `workers=1` reproducible."""

    time_limit: float = 60.0
    workers: int = field(default_factory=default_workers)
    seed: int = 0
    log: bool = False


@dataclass(frozen=True)
class Result:
    """What a solve found: status, objective, bound, the plan and how long it took."""

    status: Status
    objective: int | None
    bound: int | None
    rotations: tuple[Offering, ...]
    total_cost: int
    budget: int
    candidates: int
    build_seconds: float
    solve_seconds: float

    @property
    def has_plan(self) -> bool:
        return self.status in ("optimal", "feasible")

    @property
    def gap(self) -> float | None:
        """Relative gap between objective and bound (0 when proven optimal)."""
        if self.objective is None or self.bound is None:
            return None
        return abs(self.bound - self.objective) / max(1, abs(self.bound))


def configure(solver: cp_model.CpSolver, options: SolveOptions) -> None:
    """Parameters shared by every solve of the product."""
    params = solver.parameters
    params.max_time_in_seconds = options.time_limit
    params.num_workers = options.workers
    params.random_seed = options.seed
    params.log_search_progress = options.log
    # Probing costs seconds on 5k-offering models and buys nothing here (benchmarks/).
    params.cp_model_probing_level = 0


def run(plan_model: PlanModel, options: SolveOptions, build_seconds: float = 0.0) -> Result:
    """Solve an already built model."""
    solver = cp_model.CpSolver()
    configure(solver, options)
    started = time.perf_counter()
    code = solver.solve(plan_model.model)
    solve_seconds = time.perf_counter() - started
    status = _STATUS.get(code, "unknown")
    if code == cp_model.MODEL_INVALID:  # a bug in the model, never the user's fault
        raise RuntimeError(f"CP-SAT rejected the model: {plan_model.model.validate()}")
    problem = plan_model.problem
    if status in ("optimal", "feasible"):
        rotations = tuple(plan_model.chosen(solver))
        objective = round(solver.objective_value)
        bound = round(solver.best_objective_bound)
        if status == "optimal":
            bound = objective
        total = sum(o.cost for o in rotations)
    else:
        rotations, objective, bound, total = (), None, None, 0
    return Result(
        status=status,
        objective=objective,
        bound=bound,
        rotations=rotations,
        total_cost=total,
        budget=problem.budget,
        candidates=len(plan_model.candidates),
        build_seconds=build_seconds,
        solve_seconds=solve_seconds,
    )


def solve_problem(problem: PlanningProblem, options: SolveOptions | None = None) -> Result:
    """Build and solve the model of one problem."""
    options = options or SolveOptions()
    started = time.perf_counter()
    plan_model = PlanModel(problem)
    return run(plan_model, options, time.perf_counter() - started)
