"""What-if budgets: a sweep over budgets and the exact value/cost frontier.

Both re-use their CP-SAT model (the sweep one copy per thread). The budget
bound is changed in place (`PlanModel.set_budget`), a temporary constraint on
the objective ("value window") is re-bounded in place, and the neighbouring
solution is given as a hint. Every solve uses the product's parameters
(`solve.configure`).

- `sweep`: budgets in increasing order. The plan found at one budget stays
  feasible at the next, so it is both the hint and a valid lower bound
  (value >= previous value). Budgets below the least workable budget are
  infeasible by definition and are not solved again, nor are budgets from the
  cost of the best plan overall up. The rest is split into two contiguous
  blocks; with `workers >= 2` each is solved on its own copy of the model in
  its own thread (CP-SAT releases the GIL), so both cores work.
- `frontier`: the epsilon-constraint method. Maximise value at cost <= B;
  minimise cost at exactly that value; then B = that cost - 1, until no plan
  fits. Every plan found is efficient: nothing is at least as valuable and
  cheaper. Below a point of value v and cost c, any plan cheaper than c is
  worth less than v, which the value window states for the next step.

Every plan returned has been re-verified by the independent checker.
Rendering (table, CSV, Markdown, JSON) and the pictures live here too; the
click commands are in `cli_whatif`.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import json
import math
import queue
import textwrap
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ortools.sat.python import cp_model

from rotation_solver import files
from rotation_solver.diagnose import find_conflict
from rotation_solver.interrupt import ctrl_c_ignored, solve_interruptibly
from rotation_solver.model import PlanModel
from rotation_solver.offerings import Offering
from rotation_solver.plan_json import plan_payload, rotation_dict
from rotation_solver.planner import verify
from rotation_solver.problem import PlanningProblem, build_problem
from rotation_solver.scenario import LoadedScenario
from rotation_solver.solve import (
    _STATUS,
    Result,
    SolveOptions,
    Status,
    configure,
    configure_reduced,
    dominated_offerings,
)

Method = Literal["lexicographic", "two-step"]

# (points done, points expected or None when unknown, what is happening)
OnStep = Callable[[int, int | None, str], None]

_NO_LIMIT = (cp_model.INT_MIN, cp_model.INT_MAX)


def _quiet(_done: int, _total: int | None, _message: str) -> None:
    return None


def plan_label(offerings: Sequence[Offering] | Sequence[dict[str, Any]]) -> list[str]:
    """`program@start` for each rotation (offerings or rotation dicts)."""
    out = []
    for item in offerings:
        if isinstance(item, Offering):
            out.append(f"{item.program_id}@{item.start.isoformat()}")
        else:
            out.append(f"{item['program_id']}@{item['start']}")
    return out


def plan_cost_bound(problem: PlanningProblem) -> int:
    """No plan costs more than the `max_rotations` dearest offerings together."""
    costs = sorted((o.cost for o in problem.offerings), reverse=True)
    return sum(costs[: problem.requirements.max_rotations])


# -- the re-used model -------------------------------------------------------------


def reduce_for_budgets(problem: PlanningProblem, max_budget: int) -> tuple[PlanningProblem, int]:
    """Leave out offerings dearer than `max_budget` and offerings dominated by others
    (`solve.dominated_offerings`).

    Dominance keeps the frontier: in a plan with a removed offering, a dominator
    (same kind, inside its days, value at least, cost at most) can take its place,
    so the plan is matched or beaten on both value and cost. Every efficient
    (value, cost) pair, and so the best plan at every budget and the least
    budget, is still reachable.
    """
    locked = set(problem.locks)
    affordable = tuple(o for o in problem.offerings if o.cost <= max_budget or o.key in locked)
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
        if domain[len(domain) - 1] != budget:
            domain[len(domain) - 1] = budget
        assert domain[len(domain) - 1] == budget, "the budget bound did not change"

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
        at_least: int | None = None,
        hint: Sequence[int] | None = None,
        cheapest: bool = True,
    ) -> tuple[Result, list[int] | None]:
        """The best value at cost <= budget (given a value it reaches at least).

        With `cheapest`, ONE solve also makes the plan the cheapest of that
        value: maximise (budget + 1) * value - cost. Costs lie in 0..budget,
        so one more unit of value always outweighs any cost difference: the
        answer is exactly "maximise value, then minimise cost at that value".
        """
        self.set_budget(budget)
        self._set_window(_NO_LIMIT[0] if at_least is None else at_least, _NO_LIMIT[1])
        weight = budget + 1
        model = self.plan_model.model
        if cheapest:
            model.maximize(weight * self.plan_model.objective - self.plan_model.total_cost)
        else:
            model.maximize(self.plan_model.objective)
        self._hint(hint)
        solver, code, seconds = self._solve()
        status: Status = _STATUS.get(code, "unknown")
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
        # `value` is the best at this budget, so `>= value` means `== value` here, and
        # is far easier for CP-SAT than an equality on the objective.
        self._set_window(value, _NO_LIMIT[1])
        self.plan_model.model.minimize(self.plan_model.total_cost)
        self._hint(hint)
        solver, code, seconds = self._solve()
        status: Status = _STATUS.get(code, "unknown")
        if status not in ("optimal", "feasible"):
            return self._result(status, None, None, (), budget, seconds), None, False
        rotations = tuple(self.plan_model.chosen(solver))
        return (
            self._result("optimal", value, value, rotations, budget, seconds),
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
            total_cost=sum(o.cost for o in rotations),
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
    full = ReusedModel(problem, max(plan_cost_bound(problem), problem.budget), options)
    amount, proven = full.least_cost()
    if amount is not None:
        return LeastBudget(amount, proven)
    if not proven:
        return LeastBudget(None, False, "no plan was found within the time limit")
    conflict = find_conflict(
        loaded.with_budget(full.max_budget), time_limit=options.time_limit, seed=options.seed
    )
    return LeastBudget(None, True, conflict.sentence())


# -- compare: a budget sweep -------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One budget of a sweep: the verified plan (if any) and how it differs from the last."""

    budget: int
    result: Result
    payload: dict[str, Any]  # spec section 7 plan, verified by the checker
    added: tuple[str, ...] | None  # None on the first row
    removed: tuple[str, ...] | None
    marginal_per_1000: float | None  # extra value per extra $1,000 since the previous row
    least_budget: int | None = None  # on infeasible rows
    why: str | None = None


@dataclass(frozen=True)
class Sweep:
    loaded: LoadedScenario
    rows: tuple[Row, ...]
    least: LeastBudget | None
    build_seconds: float
    total_seconds: float
    solves: int


@dataclass
class _Previous:
    """The last row with a plan, for the change and marginal columns."""

    budget: int | None = None
    objective: int | None = None
    labels: list[str] | None = None


def _marginal(
    objective: int | None, budget: int, before_objective: int | None, before_budget: int | None
) -> float | None:
    if objective is None or before_objective is None or before_budget is None:
        return None
    if budget == before_budget:
        return None
    return round((objective - before_objective) * 1000 / (budget - before_budget), 2)


def _diff(labels: list[str], before: list[str] | None) -> tuple[tuple[str, ...], ...] | None:
    if before is None:
        return None
    return (
        tuple(x for x in labels if x not in before),
        tuple(x for x in before if x not in labels),
    )


def sweep(
    loaded: LoadedScenario,
    budgets: Sequence[int],
    options: SolveOptions | None = None,
    on_step: OnStep | None = None,
) -> Sweep:
    """Solve every budget (ascending, duplicates dropped) on re-used models.

    The budgets that need a solve are split into two contiguous blocks, each
    solved in increasing order: a block's last plan is the hint and its value
    the floor for its next budget, and each block starts from the cheapest plan.
    With `options.workers >= 2` the blocks run at once, on two copies of the
    model in two threads (CP-SAT releases the GIL); otherwise one after the
    other on one model. The hints, floors and parameters are the same either
    way, so the rows do not depend on `--workers` or on thread timing (on models
    small enough for one CP-SAT worker, which is every reduced model here).
    """
    options = options or SolveOptions()
    on_step = on_step or _quiet
    started = time.perf_counter()
    ordered = sorted(set(budgets))
    if not ordered:
        raise ValueError("no budgets to compare")
    if ordered[0] < 0:
        raise ValueError("budgets must not be negative")
    problem = build_problem(loaded)
    total = len(ordered)
    on_step(0, total, "building the model")
    reused = ReusedModel(problem, ordered[-1], options)
    lanes = [reused]
    if options.workers >= 2:
        lanes.append(reused.twin())
        for lane in lanes:
            lane.max_workers = max(1, options.workers // 2)
    on_step(0, total, f"least workable budget; best plan within ${ordered[-1]:,}")
    least, top = _least_and_top(loaded, lanes, ordered[-1], options)
    candidates = len(reused.plan_model.candidates)
    to_solve = [
        b
        for b in ordered
        if not (least.proven and (least.amount is None or b < least.amount))
        and not (top is not None and b >= top.total_cost)
    ]
    solved = _solve_blocks(lanes, to_solve, reused.least_values, on_step, total)
    # A bound for every budget listed: more money never hurts, so the proven best at
    # the largest budget bounds them all; failing that, the model's trivial bound.
    ceiling = top.objective if top is not None and top.objective is not None else None
    if ceiling is None:
        ceiling = problem.value_ceiling()
    rows: list[Row] = []
    prev = _Previous()
    best_below: Result | None = None  # the best plan at a lower budget
    for budget in ordered:
        at_budget = loaded.with_budget(budget)
        problem_b = problem.with_budget(budget)
        if budget in solved:
            result = _no_worse(solved[budget], best_below, ceiling)
        elif top is not None and budget >= top.total_cost:
            result = dataclasses.replace(top, budget=budget, solve_seconds=0.0)
        else:  # below the least workable budget
            result = Result("infeasible", None, None, (), 0, budget, candidates, 0.0, 0.0)
        result = _same_plan_on_ties(result, best_below)
        if result.has_plan:
            best_below = result
        payload = plan_payload(at_budget, problem_b, result)
        if result.has_plan:
            verify(at_budget, payload)
        labels = plan_label(result.rotations)
        why = None
        least_amount = None
        if result.status == "infeasible":
            least_amount = least.amount
            if least.amount is not None:
                why = f"the cheapest plan meeting every other rule costs ${least.amount:,}"
            else:
                why = least.why or "no plan meets the rules at any budget"
            payload["why"] = why
        elif result.status == "unknown":
            why = "no plan was found within the time limit; try a longer --time-limit"
        diff = _diff(labels, prev.labels) if result.has_plan else None
        rows.append(
            Row(
                budget=budget,
                result=result,
                payload=payload,
                added=diff[0] if diff else None,
                removed=diff[1] if diff else None,
                marginal_per_1000=_marginal(result.objective, budget, prev.objective, prev.budget),
                least_budget=least_amount,
                why=why,
            )
        )
        if result.has_plan:
            prev.budget, prev.objective, prev.labels = budget, result.objective, labels
    on_step(total, total, "done")
    return Sweep(
        loaded,
        tuple(rows),
        least,
        sum(lane.build_seconds for lane in lanes),
        time.perf_counter() - started,
        sum(lane.solves for lane in lanes),
    )


def _no_worse(result: Result, best_below: Result | None, ceiling: int) -> Result:
    """More money never hurts: after a time limit a budget may come back worse than
    a lower one (its block started without that floor), or with no plan at all; the
    lower budget's plan fits here too, so it is the row's plan. Its bound is this
    budget's own bound, or `ceiling` (a bound for every budget) if the solve found none.
    """
    if best_below is None or best_below.objective is None:
        return result
    if result.objective is not None and result.objective >= best_below.objective:
        return result
    bound = result.bound if result.bound is not None else ceiling
    proven = bound <= best_below.objective
    return dataclasses.replace(
        best_below,
        status="optimal" if proven else "feasible",
        bound=max(bound, best_below.objective),
        budget=result.budget,
        solve_seconds=result.solve_seconds,
    )


def _same_plan_on_ties(result: Result, best_below: Result | None) -> Result:
    """Equal value, no dearer: keep the lower budget's plan, so the rows change plan only
    when more money buys more value (CP-SAT may return either of two tied optima)."""
    if (
        not result.has_plan
        or best_below is None
        or best_below.objective != result.objective
        or best_below.total_cost > result.total_cost
        or best_below.rotations == result.rotations
    ):
        return result
    return dataclasses.replace(
        best_below,
        status=result.status,
        bound=result.bound,
        budget=result.budget,
        solve_seconds=result.solve_seconds,
    )


_LANE_DONE = object()


def _in_threads(
    tasks: Sequence[Callable[[Callable[[Any], None]], None]],
    lanes: Sequence[ReusedModel],
    on_item: Callable[[Any], None] = lambda _item: None,
) -> None:
    """Run each task in a thread of its own; `on_item` sees what they report, in the
    calling thread. Ctrl-C there, or an error in a task, stops every lane's solve at
    once (the main thread stays free to take the signal) and is raised here."""
    reported: queue.Queue[Any] = queue.Queue()

    def run(task: Callable[[Callable[[Any], None]], None]) -> None:
        try:
            task(reported.put)
        except BaseException as error:  # handed to the calling thread
            reported.put(error)
        else:
            reported.put(_LANE_DONE)

    pool = ThreadPoolExecutor(max_workers=len(tasks))
    try:
        for task in tasks:
            pool.submit(run, task)
        running = len(tasks)
        while running:
            item = reported.get()
            if item is _LANE_DONE:
                running -= 1
            elif isinstance(item, BaseException):
                raise item
            else:
                on_item(item)
    except BaseException:
        with ctrl_c_ignored():
            for lane in lanes:
                lane.stop()  # no lane starts another solve
            # A stop sent before a solve has set itself up is lost: send it again.
            while any(lane.busy for lane in lanes):
                time.sleep(0.02)
                for lane in lanes:
                    lane.stop()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _least_and_top(
    loaded: LoadedScenario, lanes: Sequence[ReusedModel], largest: int, options: SolveOptions
) -> tuple[LeastBudget, Result | None]:
    """The least workable budget, and the best plan at the largest budget (made the
    cheapest of its value), which is also the best plan at every budget from its
    cost up: those rows need no solve. With two lanes both solves run at once.

    A plan at the largest budget implies least <= largest, so it is solved
    without waiting for the least budget (and without its hint, in both cases).
    """
    found: dict[str, Any] = {}

    def least(report: Callable[[Any], None]) -> None:
        found["least"] = lanes[0].least_cost()

    def best(report: Callable[[Any], None]) -> None:
        found["top"] = lanes[-1].best_plan(largest)[0]

    def both(report: Callable[[Any], None]) -> None:
        least(report)
        best(report)

    _in_threads([least, best] if len(lanes) == 2 else [both], lanes)
    # A fallback on the full model, or a diagnosis, if the shared model has no plan.
    result = least_budget(loaded, lanes[0], options, known=found["least"])
    top: Result | None = found["top"]
    if top is not None and top.status != "optimal":
        top = None
    return result, top


def _solve_blocks(
    lanes: Sequence[ReusedModel],
    budgets: Sequence[int],
    first_hint: Sequence[int] | None,
    on_step: OnStep,
    total: int,
) -> dict[int, Result]:
    """Best plan at each budget, in two contiguous blocks (see `sweep`)."""
    size = -(-len(budgets) // 2)
    blocks = [list(budgets[:size]), list(budgets[size:])]

    def solve_block(lane: ReusedModel, block: Sequence[int], report: Callable[[Any], None]) -> None:
        floor, hint = None, first_hint
        for budget in block:
            result, values = lane.best_plan(budget, at_least=floor, hint=hint)
            if result.has_plan:
                floor, hint = result.objective, values
            report((budget, result))

    results: dict[int, Result] = {}
    skipped = total - len(budgets)

    def collect(item: tuple[int, Result]) -> None:
        budget, result = item
        results[budget] = result
        on_step(skipped + len(results), total, f"budget ${budget:,}")

    def one_lane(report: Callable[[Any], None]) -> None:
        for block in blocks:
            solve_block(lanes[0], block, report)

    tasks: list[Callable[[Callable[[Any], None]], None]] = [one_lane]
    if len(lanes) == 2:
        tasks = [
            functools.partial(solve_block, lane, block)
            for lane, block in zip(lanes, blocks, strict=True)
        ]
    _in_threads(tasks, lanes, collect)
    return results


# -- frontier: the epsilon-constraint method ----------------------------------------


@dataclass(frozen=True)
class Point:
    """A plan on the frontier: the best value at its own cost, and the cheapest at its value."""

    result: Result  # budget == total_cost
    payload: dict[str, Any]  # spec section 7 plan at budget = its cost, verified
    exact: bool  # both steps proven optimal
    searched_budget: int  # the B of the step that found it


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
    on_step: OnStep | None = None,
    method: Method = "lexicographic",
) -> Frontier:
    """Every efficient (value, cost) plan with cost <= max_budget (default: no limit).

    `method`: "lexicographic" finds each point in one solve (best value, then
    least cost, by one weighted objective); "two-step" uses two solves per point
    (maximise value; then minimise cost at that value). Both give the same
    frontier; the first is about twice as fast.
    """
    options = options or SolveOptions()
    on_step = on_step or _quiet
    started = time.perf_counter()
    problem = build_problem(loaded)
    ceiling = plan_cost_bound(problem) if max_budget is None else max_budget
    if ceiling < 0:
        raise ValueError("the largest budget must not be negative")
    on_step(0, None, "building the model")
    reused = ReusedModel(problem, ceiling, options)
    on_step(0, None, "finding the least workable budget")
    least = least_budget(loaded, reused, options)
    points: list[Point] = []
    exact = least.proven
    complete = True
    why = None
    if least.amount is None or least.amount > ceiling:
        why = least.why or (
            f"the cheapest plan costs ${least.amount:,}, above ${ceiling:,}"
            if least.amount is not None
            else None
        )
    budget = ceiling
    hint = reused.least_values  # feasible at every budget from the least one up
    while least.amount is not None and not (least.proven and budget < least.amount):
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
        own = loaded.with_budget(cost)
        result = dataclasses.replace(
            cheapest,
            status="optimal" if best.status == "optimal" else "feasible",
            bound=best.bound,
            budget=cost,
            solve_seconds=best.solve_seconds
            + (cheapest.solve_seconds if cheapest is not best else 0.0),
        )
        payload = plan_payload(own, problem.with_budget(cost), result)
        verify(own, payload)
        points.append(Point(result, payload, step_exact, budget))
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


# -- payloads ------------------------------------------------------------------------


def _gap(result: Result) -> float | None:
    return None if result.gap is None else round(result.gap, 6)


def sweep_payload(result: Sweep) -> dict[str, Any]:
    """`{"rows": [...]}` plus the scenario, the least budget and timings."""
    rows = []
    for row in result.rows:
        r = row.result
        rows.append(
            {
                "budget": row.budget,
                "status": r.status,
                "objective": r.objective,
                "bound": r.bound,
                "gap": _gap(r),
                "total_cost": r.total_cost,
                "rotations": [rotation_dict(o) for o in r.rotations],
                "plan": plan_label(r.rotations),
                "added": None if row.added is None else list(row.added),
                "removed": None if row.removed is None else list(row.removed),
                "marginal_value_per_1000": row.marginal_per_1000,
                "least_budget": row.least_budget,
                "why": row.why,
                "solve_seconds": round(r.solve_seconds, 4),
            }
        )
    least = result.least
    return {
        "scenario": result.loaded.scenario.name,
        "value_model": result.loaded.value_model_name,
        "least_budget": None if least is None else least.amount,
        "rows": rows,
        "timings": {
            "build_seconds": round(result.build_seconds, 4),
            "total_seconds": round(result.total_seconds, 4),
            "solves": result.solves,
        },
        "warnings": list(result.loaded.warnings),
    }


def frontier_payload(result: Frontier) -> dict[str, Any]:
    """`{"points": [...]}` sorted by cost, plus whether the frontier is proven exact."""
    points = []
    before: Point | None = None
    for point in result.points:
        r = point.result
        labels = plan_label(r.rotations)
        diff = _diff(labels, None if before is None else plan_label(before.result.rotations))
        points.append(
            {
                "objective": r.objective,
                "total_cost": r.total_cost,
                "status": r.status,
                "bound": r.bound,
                "gap": _gap(r),
                "exact": point.exact,
                "rotations": [rotation_dict(o) for o in r.rotations],
                "plan": labels,
                "added": None if diff is None else list(diff[0]),
                "removed": None if diff is None else list(diff[1]),
                "marginal_value_per_1000": None
                if before is None
                else _marginal(
                    r.objective,
                    r.total_cost,
                    before.result.objective,
                    before.result.total_cost,
                ),
            }
        )
        before = point
    return {
        "scenario": result.loaded.scenario.name,
        "value_model": result.loaded.value_model_name,
        "exact": result.exact,
        "complete": result.complete,
        # null when the user gave none; `searched_up_to` is the ceiling the search used.
        "max_budget": result.max_budget if result.max_budget_given else None,
        "searched_up_to": result.max_budget,
        "least_budget": result.least.amount,
        "why": result.why,
        "points": points,
        "timings": {
            "build_seconds": round(result.build_seconds, 4),
            "total_seconds": round(result.total_seconds, 4),
            "solves": result.solves,
        },
        "warnings": list(result.loaded.warnings),
    }


# -- text formats --------------------------------------------------------------------


def _money(value: int | None) -> str:
    return "—" if value is None else f"${value:,}"


def _num(value: float | int | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _changes(added: list[str] | None, removed: list[str] | None) -> str:
    """`+new@start -old@start`, and `~program start→start` for a rotation moved in time."""
    if added is None or removed is None:
        return ""
    if not added and not removed:
        return "same plan"
    old = {x.split("@")[0]: x.split("@")[1] for x in removed}
    new = {x.split("@")[0]: x.split("@")[1] for x in added}
    parts = [f"+{x}" for x in added if x.split("@")[0] not in old]
    parts += [f"-{x}" for x in removed if x.split("@")[0] not in new]
    parts += [f"~{p} {old[p]}→{new[p][5:]}" for p in new if p in old]
    return " ".join(parts)


def _status_text(row: dict[str, Any]) -> str:
    status = str(row["status"])
    if status == "feasible" and row.get("gap") is not None:
        status += f" (gap {100 * row['gap']:.2f}%)"
    return status


def compare_rows_text(payload: dict[str, Any]) -> list[dict[str, str]]:
    """Display strings per row, shared by the table and Markdown."""
    out = []
    for row in payload["rows"]:
        note = _changes(row["added"], row["removed"])
        if row["status"] == "infeasible":
            note = row.get("why") or "no plan"
        elif row["status"] == "unknown":
            note = row.get("why") or "no plan in time"
        out.append(
            {
                "Budget": _money(row["budget"]),
                "Status": _status_text(row),
                "Value": _num(row["objective"]),
                "Cost": _money(row["total_cost"]) if row["rotations"] else "—",
                "Value per extra $1k budget": _num(row["marginal_value_per_1000"]),
                "Plan": ", ".join(row["plan"]) or "—",
                "Changes": note,
            }
        )
    return out


def frontier_rows_text(payload: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    for i, point in enumerate(payload["points"], 1):
        out.append(
            {
                "#": str(i),
                "Cost": _money(point["total_cost"]),
                "Value": _num(point["objective"]),
                "Status": _status_text(point),
                "Value per extra $1k cost": _num(point["marginal_value_per_1000"]),
                "Plan": ", ".join(point["plan"]),
                "Changes": _changes(point["added"], point["removed"]),
            }
        )
    return out


def render_json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return buffer.getvalue()


def compare_csv(payload: dict[str, Any]) -> str:
    """One line per budget; plans and changes as `program@start` joined by `;`."""
    header = [
        "budget", "status", "objective", "bound", "gap", "total_cost", "rotations",
        "added", "removed", "marginal_value_per_1000", "least_budget", "why",
    ]  # fmt: skip
    rows = [
        [
            r["budget"],
            r["status"],
            r["objective"],
            r["bound"],
            r["gap"],
            r["total_cost"],
            ";".join(r["plan"]),
            None if r["added"] is None else ";".join(r["added"]),
            None if r["removed"] is None else ";".join(r["removed"]),
            r["marginal_value_per_1000"],
            r["least_budget"],
            r.get("why"),
        ]
        for r in payload["rows"]
    ]
    return _csv(header, rows)


def frontier_csv(payload: dict[str, Any]) -> str:
    """One line per frontier plan, sorted by cost."""
    header = [
        "objective", "total_cost", "status", "exact", "rotations", "added", "removed",
        "marginal_value_per_1000",
    ]  # fmt: skip
    rows = [
        [
            p["objective"],
            p["total_cost"],
            p["status"],
            p["exact"],
            ";".join(p["plan"]),
            None if p["added"] is None else ";".join(p["added"]),
            None if p["removed"] is None else ";".join(p["removed"]),
            p["marginal_value_per_1000"],
        ]
        for p in payload["points"]
    ]
    return _csv(header, rows)


def _markdown_table(rows: list[dict[str, str]], right: set[str]) -> list[str]:
    if not rows:
        return []
    names = list(rows[0])
    lines = ["| " + " | ".join(names) + " |"]
    lines.append("|" + "|".join("--:" if n in right else "---" for n in names) + "|")
    for row in rows:
        lines.append("| " + " | ".join(row[n].replace("|", "\\|") for n in names) + " |")
    return lines


_RIGHT = {"Budget", "Value", "Cost", "Value per extra $1k budget", "Value per extra $1k cost", "#"}


def compare_markdown(payload: dict[str, Any]) -> str:
    lines = [f"# What-if budgets: {payload['scenario']}", ""]
    if payload.get("least_budget") is not None:
        lines += [f"- **Least workable budget:** {_money(payload['least_budget'])}", ""]
    lines += _markdown_table(compare_rows_text(payload), _RIGHT)
    lines.append("")
    lines += [f"> warning: {w}" for w in payload.get("warnings", [])]
    return "\n".join(lines).rstrip() + "\n"


def frontier_markdown(payload: dict[str, Any]) -> str:
    lines = [f"# Value/cost frontier: {payload['scenario']}", ""]
    lines.append(f"- **Plans on the frontier:** {len(payload['points'])}")
    lines.append(f"- **Proven exact:** {'yes' if payload['exact'] else 'no'}")
    if payload.get("why"):
        lines.append(f"- **Why:** {payload['why']}")
    lines.append("")
    lines += _markdown_table(frontier_rows_text(payload), _RIGHT)
    lines.append("")
    lines += [f"> warning: {w}" for w in payload.get("warnings", [])]
    return "\n".join(lines).rstrip() + "\n"


def render_rich(title: str, rows: list[dict[str, str]], notes: list[str], console: Any) -> None:
    """A rich table (console: a rich Console)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    # Every cell is plain text (program ids, scenario names): never rich markup.
    table = Table(title=Text(title), box=box.SIMPLE_HEAVY, title_justify="left")
    names = list(rows[0]) if rows else ["Status"]
    for name in names:
        # fold, not "…": a narrow terminal must not hide which programs a plan holds
        table.add_column(name, justify="right" if name in _RIGHT else "left", overflow="fold")
    for row in rows:
        table.add_row(*(Text(row[n]) for n in names))
    console.print(table)
    for note in notes:
        console.print(note, markup=False)


def compare_table(payload: dict[str, Any], console: Any) -> None:
    notes = []
    if payload.get("least_budget") is not None:
        notes.append(f"Least workable budget: {_money(payload['least_budget'])}")
    render_rich(
        f"What-if budgets: {payload['scenario']}", compare_rows_text(payload), notes, console
    )


def frontier_table(payload: dict[str, Any], console: Any) -> None:
    notes = [
        f"{len(payload['points'])} plan(s) on the frontier; "
        + ("proven exact." if payload["exact"] else "NOT proven exact (time limit).")
    ]
    if payload.get("why"):
        notes.append(f"Why: {payload['why']}")
    render_rich(
        f"Value/cost frontier: {payload['scenario']}", frontier_rows_text(payload), notes, console
    )


# -- pictures ------------------------------------------------------------------------


def _figure(width: float = 10.0, height: float = 6.0) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height), dpi=110)
    return fig, ax


def _save(fig: Any, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    with files.replacing(path) as part:
        fig.savefig(part, format=path.suffix.lstrip(".").lower())
    plt.close(fig)


def _short(labels: Sequence[str]) -> str:
    """`rad-046 06-07` per rotation, one per line."""
    return "\n".join(f"{x.split('@')[0]} {x.split('@')[1][5:]}" for x in labels)


def plot_compare(payload: dict[str, Any], path: Path) -> None:
    """Value against budget; plan changes marked and labelled."""
    fig, ax = _figure()
    rows = payload["rows"]
    solved = [r for r in rows if r["objective"] is not None]
    if solved:
        ax.step(
            [r["budget"] for r in solved],
            [r["objective"] for r in solved],
            where="post",
            color="tab:blue",
            linewidth=1.5,
            label="best value within the budget",
        )
        ax.plot(
            [r["budget"] for r in solved],
            [r["objective"] for r in solved],
            "o",
            color="tab:blue",
            markersize=4,
        )
    changed = [r for r in solved if r["added"] is None or r["added"] or r["removed"]]
    for i, row in enumerate(changed):
        ax.axvline(row["budget"], color="tab:orange", alpha=0.25, linewidth=1)
        ax.plot(row["budget"], row["objective"], "D", color="tab:orange", markersize=7)
        text = _short(row["plan"]) + f"\n${row['total_cost']:,}"
        ax.annotate(
            text,
            (row["budget"], row["objective"]),
            xytext=(6, -12 - 34 * (i % 2)),
            textcoords="offset points",
            fontsize=6.5,
            va="top",
            family="monospace",
        )
    infeasible = [r for r in rows if r["status"] == "infeasible"]
    if infeasible:
        # On the bottom edge, not at a value: there is no plan to value.
        ax.plot(
            [r["budget"] for r in infeasible],
            [0.03] * len(infeasible),
            "x",
            color="tab:red",
            label="no plan fits",
            transform=ax.get_xaxis_transform(),
            clip_on=False,
        )
    if payload.get("least_budget") is not None:
        ax.axvline(
            payload["least_budget"],
            color="tab:red",
            linestyle=":",
            linewidth=1,
            label=f"least workable budget ${payload['least_budget']:,}",
        )
    if solved:
        low = min(r["objective"] for r in solved)
        high = max(r["objective"] for r in solved)
        pad = high - low if high > low else max(10, abs(high) // 10)  # one value: a sane axis
        ax.set_ylim(low - 0.2 * pad, high + 0.08 * pad)
    else:
        ax.set_ylim(0, 1)
        ax.set_yticks([])
    ax.plot([], [], "D", color="tab:orange", label="plan changes (labelled: program, start)")
    ax.set_xlabel("budget (USD)")
    ax.set_ylabel("plan value (objective)")
    ax.set_title(f"What-if budgets: {payload['scenario']}", fontsize=10)
    ax.xaxis.set_major_formatter(_dollars())
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    _save(fig, path)


def _dollars() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: f"${x:,.0f}")


def plot_frontier(payload: dict[str, Any], path: Path) -> None:
    """The efficient staircase: value against cost; each plan numbered on the curve and
    listed (value, cost, rotations) beside it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = payload["points"]
    rows = max(1, len(points))
    height = max(6.5, min(24.0, 1.6 + 0.16 * rows))
    fig, (ax, side) = plt.subplots(
        1, 2, figsize=(14.0, height), dpi=110, gridspec_kw={"width_ratios": [5, 3]}
    )
    if points:
        costs = [p["total_cost"] for p in points]
        values = [p["objective"] for p in points]
        span = max(1, costs[-1] - costs[0])
        ax.step(
            [*costs, costs[-1] + 0.04 * span],
            [*values, values[-1]],
            where="post",
            color="tab:blue",
            linewidth=1.5,
            label="best value you can buy",
        )
        ax.plot(costs, values, "o", color="tab:blue", markersize=4, label="efficient plan (#)")
        offsets = ((-4, 5), (5, -9))
        for i, p in enumerate(points, 1):
            dx, dy = offsets[i % 2]
            ax.annotate(
                str(i),
                (p["total_cost"], p["objective"]),
                xytext=(dx, dy),
                textcoords="offset points",
                fontsize=6.5,
                ha="right" if dx < 0 else "left",
                color="0.2",
            )
        lines = [
            f"#{i:<3}{p['objective']:>5}  {'$' + format(p['total_cost'], ','):>8}  "
            + "  ".join(f"{x.split('@')[0]} {x.split('@')[1][5:]}" for x in p["plan"])
            for i, p in enumerate(points, 1)
        ]
        header = "#   value      cost  rotations (program, start MM-DD)"
        side.text(
            0.0,
            1.0,
            "\n".join([header, *lines]),
            va="top",
            ha="left",
            family="monospace",
            fontsize=max(4.5, min(7.5, 430 / rows)),
            transform=side.transAxes,
        )
    side.axis("off")
    ax.set_xlabel("total cost (USD)")
    ax.set_ylabel("plan value (objective)")
    exact = "proven exact" if payload.get("exact") else "not proven exact"
    ax.set_title(f"Value/cost frontier: {len(points)} efficient plans, {exact}", fontsize=10)
    fig.suptitle(payload["scenario"], fontsize=9)
    ax.xaxis.set_major_formatter(_dollars())
    ax.grid(alpha=0.3)
    if points:
        ax.legend(loc="lower right", fontsize=8)
    else:  # say so on the chart instead of drawing empty axes
        ax.set_xticks([])
        ax.set_yticks([])
        why = (payload.get("why") or "no plan fits").replace("$", r"\$")  # not mathtext
        ax.text(0.5, 0.5, "\n".join(textwrap.wrap(why, 60)), ha="center", va="center",
                transform=ax.transAxes, fontsize=9)  # fmt: skip
    _save(fig, path)
