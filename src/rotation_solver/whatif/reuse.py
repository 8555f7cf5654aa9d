"""One CP-SAT model re-used across what-if solves.

The budget bound is changed in place (`PlanModel.set_budget`), a temporary
constraint on the objective ("value window") is re-bounded in place, and the
neighbouring solution is given as a hint. Every solve uses the product's
parameters (`solve.configure`). Also here: the least workable budget.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from rotation_solver.diagnose import find_conflict
from rotation_solver.interrupt import solve_interruptibly
from rotation_solver.model import PlanModel
from rotation_solver.offerings import Offering
from rotation_solver.problem import PlanningProblem, build_problem
from rotation_solver.reduction import dominated_offerings
from rotation_solver.scenario import LoadedScenario
from rotation_solver.solve import (
    Result,
    SolveOptions,
    Status,
    configure,
    configure_reduced,
    status_of,
)

# (points done, points expected or None when unknown, what is happening)
OnStep = Callable[[int, int | None, str], None]

_NO_LIMIT = (cp_model.INT_MIN, cp_model.INT_MAX)


def no_progress(_done: int, _total: int | None, _message: str) -> None:
    return None


# -- the re-used model -------------------------------------------------------------


def reduce_for_budgets(problem: PlanningProblem, max_budget: int) -> tuple[PlanningProblem, int]:
    """Leave out offerings dearer than `max_budget` and offerings dominated by others
    (`reduction.dominated_offerings`).

    Dominance keeps the frontier: in a plan with a removed offering, a dominator
    (same kind, inside its days, value at least, cost at most) can take its place,
    so the plan is matched or beaten on both value and cost. Every efficient
    (value, cost) pair, and so the best plan at every budget and the least
    budget, is still reachable.
    """
    locked = set(problem.locks)
    affordable = tuple(
        o for o in problem.offerings if o.cost + problem.paid_fees <= max_budget or o.key in locked
    )
    smaller = dataclasses.replace(problem, offerings=affordable)
    drop = dominated_offerings(smaller)
    kept = tuple(o for i, o in enumerate(affordable) if i not in drop)
    return dataclasses.replace(problem, offerings=kept), len(problem.offerings) - len(kept)


class Stopped(Exception):
    """A lane was stopped (Ctrl-C or an error in the other lane) before this solve."""


class ReusedModel:
    """One PlanModel, re-bounded in place between solves.

    `stop()` may be called from another thread: it ends the running solve at once
    and refuses later ones (Ctrl-C while the sweep's threads solve).
    """

    def __init__(
        self,
        problem: PlanningProblem,
        max_budget: int,
        options: SolveOptions,
        *,
        reduce: bool = True,
    ):
        started = time.perf_counter()
        self.options = options
        self.removed = 0
        self.reduced = reduce
        if reduce:
            problem, self.removed = reduce_for_budgets(problem, max_budget)
        self.source = problem  # immutable; `plan_model.problem` changes with the budget
        self.plan_model = PlanModel(problem, max_budget=max_budget)
        self.max_budget = self.plan_model.budget_limit
        model = self.plan_model.model
        # The value window: inactive (no limit) unless a step needs it.
        self.window = model.add(self.plan_model.objective >= 0)
        self._set_window(*_NO_LIMIT)
        self.hint_vars = [*self.plan_model.choose, self.plan_model.extra_radiology]
        self.build_seconds = time.perf_counter() - started
        self.solves = 0
        self.least_values: list[int] | None = None  # the cheapest plan, once known
        self.least_plan: Result | None = None  # the same plan, as a result
        self.max_workers: int | None = None  # a cap when lanes share the cores
        self._lock = threading.Lock()
        self._running: cp_model.CpSolver | None = None
        self._stopped = False

    @property
    def problem(self) -> PlanningProblem:
        return self.plan_model.problem

    def twin(self) -> ReusedModel:
        """A second model of the same (already reduced) problem, for another thread."""
        twin = ReusedModel(self.source, self.max_budget, self.options, reduce=False)
        twin.reduced, twin.removed = self.reduced, self.removed
        return twin

    @property
    def busy(self) -> bool:
        """A solve is running."""
        with self._lock:
            return self._running is not None

    def stop(self) -> None:
        """End the running solve (if any) and refuse further ones; thread-safe."""
        with self._lock:
            self._stopped = True
            if self._running is not None:
                self._running.stop_search()

    def set_budget(self, budget: int) -> None:
        """`PlanModel.set_budget`, checked: with ortools 9.15 a write through a
        negative index of a repeated proto field is silently ignored."""
        self.plan_model.set_budget(budget)
        constraint = self.plan_model.budget_constraint
        assert constraint is not None
        domain = constraint.proto.linear.domain
        paid = self.plan_model.problem.paid_fees
        assert domain[len(domain) - 1] == budget - paid, "the budget bound did not change"

    def _set_window(self, low: int, high: int) -> None:
        domain = self.window.proto.linear.domain
        assert len(domain) == 2, "the value window is one interval"
        domain[0], domain[1] = low, high

    def _hint(self, values: Sequence[int] | None) -> None:
        model = self.plan_model.model
        model.clear_hints()
        if values is not None:
            for var, value in zip(self.hint_vars, values, strict=True):
                model.add_hint(var, value)

    def _solve(self) -> tuple[cp_model.CpSolver, Any, float]:
        solver = cp_model.CpSolver()
        if self.reduced:
            # `configure` plus the settings measured best on reduced models
            configure_reduced(solver, self.options, len(self.plan_model.candidates))
            # Many small solves of one model: presolve costs more than it saves
            # (national 20-budget sweep 0.42 s -> 0.34 s, benchmarks/whatif.py),
            # and so does inprocessing (9 budgets of that sweep: 148 -> 127 ms).
            solver.parameters.cp_model_presolve = False
            solver.parameters.use_sat_inprocessing = False
        else:
            configure(solver, self.options)
        if self.max_workers is not None:
            solver.parameters.num_workers = min(solver.parameters.num_workers, self.max_workers)
        with self._lock:
            if self._stopped:
                raise Stopped
            self._running = solver
        started = time.perf_counter()
        try:
            code = solve_interruptibly(solver, self.plan_model.model)
        finally:
            with self._lock:
                self._running = None
        self.solves += 1
        if code == cp_model.MODEL_INVALID:  # a bug in the model, never the user's fault
            raise RuntimeError(f"CP-SAT rejected the model: {self.plan_model.model.validate()}")
        return solver, code, time.perf_counter() - started

    def _values(self, solver: cp_model.CpSolver) -> list[int]:
        return [int(solver.value(v)) for v in self.hint_vars]

    def best_plan(
        self,
        budget: int,
        *,
        hint: Sequence[int] | None = None,
        cheapest: bool = True,
    ) -> tuple[Result, list[int] | None]:
        """The best value at cost <= budget.

        With `cheapest`, ONE solve also makes the plan the cheapest of that
        value: maximise (budget + 1) * value - cost. Costs lie in 0..budget,
        so one more unit of value always outweighs any cost difference: the
        answer is exactly "maximise value, then minimise cost at that value".
        """
        self.set_budget(budget)
        self._set_window(*_NO_LIMIT)
        weight = budget + 1
        model = self.plan_model.model
        if cheapest:
            model.maximize(weight * self.plan_model.objective - self.plan_model.total_cost)
        else:
            model.maximize(self.plan_model.objective)
        self._hint(hint)
        solver, code, seconds = self._solve()
        status: Status = status_of(code)
        if status not in ("optimal", "feasible"):
            return self._result(status, None, None, (), budget, seconds), None
        rotations = tuple(self.plan_model.chosen(solver))
        objective = self.problem.plan_value(rotations)
        if status == "optimal":
            bound = objective
        elif cheapest:
            # Any plan: weight * value - cost <= B, cost <= budget.
            bound = (math.floor(solver.best_objective_bound) + budget) // weight
        else:
            bound = math.floor(solver.best_objective_bound)
        bound = max(bound, objective)
        return self._result(status, objective, bound, rotations, budget, seconds), self._values(
            solver
        )

    def minimise_cost(
        self, budget: int, value: int, hint: Sequence[int] | None
    ) -> tuple[Result, list[int] | None, bool]:
        """The cheapest plan worth at least `value` at cost <= budget; True if proven."""
        self.set_budget(budget)
        # When `value` is the proven best at this budget, `>= value` means `== value`
        # here, and is far easier for CP-SAT than an equality on the objective.
        self._set_window(value, _NO_LIMIT[1])
        self.plan_model.model.minimize(self.plan_model.total_cost)
        self._hint(hint)
        solver, code, seconds = self._solve()
        status: Status = status_of(code)
        if status not in ("optimal", "feasible"):
            return self._result(status, None, None, (), budget, seconds), None, False
        rotations = tuple(self.plan_model.chosen(solver))
        # After a first solve cut short by the time limit, `value` is only a lower bound:
        # the plan found may be worth more (found by review: an assertion, exit 1).
        worth = self.problem.plan_value(rotations)
        return (
            self._result("optimal", worth, worth, rotations, budget, seconds),
            self._values(solver),
            status == "optimal",
        )

    def least_cost(self) -> tuple[int | None, bool]:
        """Least total cost of any plan (every rule but the budget); True if proven."""
        self.set_budget(self.max_budget)
        self._set_window(*_NO_LIMIT)
        self.plan_model.model.minimize(self.plan_model.total_cost)
        self._hint(None)
        solver, code, _seconds = self._solve()
        self.plan_model.model.maximize(self.plan_model.objective)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self.least_values = self._values(solver)
            rotations = tuple(self.plan_model.chosen(solver))
            value = self.problem.plan_value(rotations)
            # Not the best at any budget, only a plan that fits every budget from its cost up.
            self.least_plan = self._result("feasible", value, None, rotations, self.max_budget, 0.0)
            return round(solver.objective_value), code == cp_model.OPTIMAL
        return None, code == cp_model.INFEASIBLE

    def _result(
        self,
        status: Status,
        objective: int | None,
        bound: int | None,
        rotations: tuple[Offering, ...],
        budget: int,
        seconds: float,
    ) -> Result:
        if rotations:
            value = self.problem.plan_value(rotations)
            assert objective == value, "objective disagrees with the plan"
        return Result(
            status=status,
            objective=objective,
            bound=bound,
            rotations=rotations,
            # No plan costs nothing; a plan also carries the fees already paid.
            total_cost=self.problem.plan_cost(rotations) if objective is not None else 0,
            budget=budget,
            candidates=len(self.plan_model.candidates),
            build_seconds=0.0,
            solve_seconds=seconds,
        )


@dataclass(frozen=True)
class LeastBudget:
    """The least budget any plan fits in (None: no plan at any budget)."""

    amount: int | None
    proven: bool
    why: str | None = None  # when no budget works: the rules in conflict


def least_budget(
    loaded: LoadedScenario,
    reused: ReusedModel,
    options: SolveOptions,
    known: tuple[int | None, bool] | None = None,
) -> LeastBudget:
    """Minimise total cost subject to every other rule, in the shared model if it can tell
    (`known`: what `reused.least_cost()` already returned)."""
    amount, proven = known if known is not None else reused.least_cost()
    if amount is not None:
        return LeastBudget(amount, proven)
    if not proven:  # time limit without any plan
        return LeastBudget(None, False, "no plan was found within the time limit")
    # The shared model leaves out offerings dearer than its largest budget: ask a full one.
    problem = build_problem(loaded)
    full = ReusedModel(problem, max(problem.cost_ceiling(), problem.budget), options)
    amount, proven = full.least_cost()
    if amount is not None:
        return LeastBudget(amount, proven)
    if not proven:
        return LeastBudget(None, False, "no plan was found within the time limit")
    conflict = find_conflict(
        loaded.with_budget(full.max_budget),
        time_limit=options.time_limit,
        seed=options.seed,
        workers=options.workers,
    )
    return LeastBudget(None, True, conflict.sentence())
