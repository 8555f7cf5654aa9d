"""Solve a planning problem with CP-SAT and return a `Result` (data -> model -> solve -> result).

`solve_problem` reduces the problem first (`reduction`), builds the model
(`model.PlanModel`), hints it with a greedy plan (`greedy`) and runs CP-SAT with
the product's parameters (`configure`, `configure_reduced`): fixed seed, and one
worker when asked.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ortools.sat.python import cp_model

from rotation_solver.greedy import greedy_plan
from rotation_solver.interrupt import solve_interruptibly
from rotation_solver.model import PlanModel
from rotation_solver.offerings import Offering
from rotation_solver.problem import PlanningProblem
from rotation_solver.reduction import reduce_problem
from rotation_solver.ties import TIE_FLOOR, cheapest_of_value, earliest_schedule, tie_work

Status = Literal["optimal", "feasible", "infeasible", "unknown"]

_STATUS: dict[Any, Status] = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
}


def status_of(code: Any) -> Status:
    """The product's status for a CP-SAT status code (MODEL_INVALID counts as unknown)."""
    return _STATUS.get(code, "unknown")


def default_workers() -> int:
    """No more CP-SAT workers than the cores this process may use."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


@dataclass(frozen=True)
class SolveOptions:
    """How to run CP-SAT. A fixed seed makes runs with `workers=1` reproducible.

    `workers` is an upper bound: `solve_problem` runs a reduced model of up to
    `SINGLE_WORKER_CANDIDATES` candidates on one worker, which is faster there.
    """

    time_limit: float = 60.0
    workers: int = field(default_factory=default_workers)
    seed: int = 0
    log: bool = False


class NotSettled(Exception):
    """A solve stopped by the time limit before it could tell: neither a proven answer
    nor proof of none. Explanations and repairs then make no claim."""


NOT_SETTLED = "not settled within the time limit (a longer --time-limit may tell)"


@dataclass(frozen=True)
class Clock:
    """The solver options with one deadline shared by a series of re-solves (an
    explanation, a conflict search, the repairs)."""

    options: SolveOptions
    deadline: float

    @classmethod
    def start(cls, options: SolveOptions) -> Clock:
        return cls(options, time.monotonic() + options.time_limit)

    def left(self) -> SolveOptions:
        """The options with the time that is left (NotSettled once it is gone)."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise NotSettled
        return dataclasses.replace(self.options, time_limit=min(self.options.time_limit, remaining))

    def share(self, parts: int) -> Clock:
        """A clock for one of `parts` tasks still to run: an equal share of the time left,
        so one slow task cannot starve the rest (what it leaves unused goes to them)."""
        remaining = self.deadline - time.monotonic()
        return Clock(self.options, time.monotonic() + max(0.0, remaining) / max(1, parts))


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
    # Diagnostics for benchmarks: when the first plan was found, the model's size, and how
    # many offerings the reduction removed before modelling.
    first_solution_seconds: float | None = None
    variables: int | None = None
    constraints: int | None = None
    removed: int = 0

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


class FirstSolution(cp_model.CpSolverSolutionCallback):
    """Remembers when the first plan was found (a few callbacks per solve at most)."""

    def __init__(self) -> None:
        super().__init__()
        self.started = time.perf_counter()
        self.seconds: float | None = None

    def on_solution_callback(self) -> None:
        if self.seconds is None:
            self.seconds = time.perf_counter() - self.started


# A reduced model this small proves optimal in milliseconds: one worker is faster than a
# portfolio whose threads cost more to start than the search (benchmarks/README.md).
SINGLE_WORKER_CANDIDATES = 20_000
NO_PRESOLVE_CANDIDATES = 500


def configure_reduced(solver: cp_model.CpSolver, options: SolveOptions, candidates: int) -> None:
    """`configure`, then the settings measured best on reduced models (benchmarks/)."""
    configure(solver, options)
    params = solver.parameters
    if candidates <= SINGLE_WORKER_CANDIDATES:
        params.num_workers = 1
    params.linearization_level = 2  # the clique rows in the LP close the bound sooner
    params.max_presolve_iterations = 1  # the model is presolved by hand already
    if candidates <= NO_PRESOLVE_CANDIDATES:
        params.cp_model_presolve = False  # costs more than it saves on small models


def run(
    plan_model: PlanModel,
    options: SolveOptions,
    build_seconds: float = 0.0,
    *,
    reduced: bool = False,
    fallback: Sequence[Offering] | None = None,
) -> Result:
    """Solve an already built model (`reduced`: built by `solve_problem`, tuned for it).

    `fallback`: a plan to return as `feasible` when the search ends before finding one,
    if the model accepts it (the greedy hint: found by review, a 0.5 s limit on a large
    catalog gave 'no plan' with a plan in hand)."""
    solver = cp_model.CpSolver()
    if reduced:
        configure_reduced(solver, options, len(plan_model.candidates))
    else:
        configure(solver, options)
    first = FirstSolution()
    code = solve_interruptibly(solver, plan_model.model, first)
    solve_seconds = time.perf_counter() - first.started
    status = status_of(code)
    if code == cp_model.MODEL_INVALID:  # a bug in the model, never the user's fault
        raise RuntimeError(f"CP-SAT rejected the model: {plan_model.model.validate()}")
    problem = plan_model.problem
    if status in ("optimal", "feasible"):
        rotations = tuple(plan_model.chosen(solver))
        # The plan's own value: a solution cut short may hold the penalty's count above
        # what the plan needs, which only maximisation keeps tight (found by review).
        objective = problem.plan_value(rotations)
        bound = max(objective, round(solver.best_objective_bound))
        if status == "optimal":
            bound = objective
        total = problem.plan_cost(rotations)
    elif status == "unknown" and fallback and _accepts(plan_model, fallback, options):
        status, rotations = "feasible", tuple(sorted(fallback, key=lambda o: o.start))
        objective = problem.plan_value(rotations)
        # Not CP-SAT's bound: stopped before it had one, it reports 0 (found by review:
        # "proven best" for a plan worth 328 of 394). The ceiling is loose but valid.
        bound = max(objective, problem.value_ceiling())
        total = problem.plan_cost(rotations)
    else:
        rotations, objective, bound, total = (), None, None, 0
    if status == "feasible" and objective is not None and objective >= (bound or 0):
        # A plan worth its bound is proven best, however the search ended (found by
        # review: "Status feasible" beside "proven best" for a fallback at the ceiling).
        status = "optimal"
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
        first_solution_seconds=first.seconds,
        variables=len(plan_model.model.proto.variables),
        constraints=len(plan_model.model.proto.constraints),
    )


def _accepts(plan_model: PlanModel, plan: Sequence[Offering], options: SolveOptions) -> bool:
    """Whether the model holds `plan`: every choice fixed to it, a quick solve."""
    fixed = plan_model.model.clone()
    fixed.clear_hints()
    taken = {o.key for o in plan}
    for x, o in zip(plan_model.choose, plan_model.candidates, strict=True):
        fixed.add(fixed.get_bool_var_from_proto_index(x.index) == (o.key in taken))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = options.seed
    solver.parameters.max_time_in_seconds = max(1.0, options.time_limit)
    return status_of(solve_interruptibly(solver, fixed)) in ("optimal", "feasible")


def solve_problem(
    problem: PlanningProblem, options: SolveOptions | None = None, *, settle: bool = False
) -> Result:
    """Reduce, build and solve the model of one problem (greedy plan as a hint).

    `settle`: settle ties as every command shows a plan (`ties`); searches that use only
    the value (the portfolio's outcomes, repairs) leave it off, as it costs solves."""
    options = options or SolveOptions()
    started = time.perf_counter()
    reduced, removed = reduce_problem(problem)
    plan_model = PlanModel(reduced)
    hint = greedy_plan(reduced)
    if hint is not None:
        taken = {o.key for o in hint}
        for x, o in zip(plan_model.choose, plan_model.candidates, strict=True):
            plan_model.model.add_hint(x, o.key in taken)
    result = run(plan_model, options, time.perf_counter() - started, reduced=True, fallback=hint)
    if settle:
        result = settle_ties(problem, plan_model, result, options)
    return dataclasses.replace(result, removed=removed)


def settle_ties(
    problem: PlanningProblem, plan_model: PlanModel, result: Result, options: SolveOptions
) -> Result:
    """The plan every command shows for this value: the cheapest of a proven best value
    (on `plan_model`), then its earliest schedule (on every offering of `problem`)."""
    if not result.has_plan:
        return result
    rotations = result.rotations
    work = tie_work(options.time_limit, result.build_seconds + result.solve_seconds)
    if result.status == "optimal":
        started = time.perf_counter()
        rotations, spent = cheapest_of_value(plan_model, rotations, options.seed, work)
        # What is left, in work and in seconds (a unit of work can take more than a
        # second); the schedule gets a little whatever is left.
        spent = max(spent, time.perf_counter() - started)
        work = max(work - spent, options.time_limit / 20, TIE_FLOOR)
    rotations = earliest_schedule(problem, rotations, options.seed, work=work)
    return dataclasses.replace(result, rotations=rotations, total_cost=problem.plan_cost(rotations))
