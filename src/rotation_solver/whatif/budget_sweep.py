"""`compare`: the best plan at each of several budgets.

Budgets below the least workable budget are infeasible by definition and are not
solved again, nor are budgets from the cost of the best plan overall up. The rest
is split into two contiguous blocks; with `workers >= 2` each is solved on its
own copy of the model in its own thread (`lanes`), so both cores work. A block
is walked from its largest budget down, and one proven answer (the cheapest plan
of the best value) answers every budget from its cost up without a solve, so a
fine grid costs one solve per efficient plan, not one per budget.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from rotation_solver.offerings import Offering
from rotation_solver.plan_json import plan_payload
from rotation_solver.problem import build_problem
from rotation_solver.scenario import LoadedScenario
from rotation_solver.solve import Result, SolveOptions
from rotation_solver.ties import earliest_schedule
from rotation_solver.verify import verify
from rotation_solver.whatif.lanes import in_threads
from rotation_solver.whatif.reuse import LeastBudget, OnStep, ReusedModel, least_budget, no_progress


def plan_label(offerings: Sequence[Offering] | Sequence[dict[str, Any]]) -> list[str]:
    """`program@start` for each rotation (offerings or rotation dicts)."""
    out = []
    for item in offerings:
        if isinstance(item, Offering):
            out.append(f"{item.program_id}@{item.start.isoformat()}")
        else:
            out.append(f"{item['program_id']}@{item['start']}")
    return out


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


def marginal_value(
    objective: int | None, budget: int, before_objective: int | None, before_budget: int | None
) -> float | None:
    if objective is None or before_objective is None or before_budget is None:
        return None
    if budget == before_budget:
        return None
    return round((objective - before_objective) * 1000 / (budget - before_budget), 2)


def diff_labels(labels: list[str], before: list[str] | None) -> tuple[tuple[str, ...], ...] | None:
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
    walked from its largest budget down (`_descend`): a block's last plan is the
    hint for its next budget, and each block starts from the cheapest plan.
    With `options.workers >= 2` the blocks run at once, on two copies of the
    model in two threads (CP-SAT releases the GIL); otherwise one after the
    other on one model. The hints and parameters are the same either
    way, so the rows do not depend on `--workers` or on thread timing (on models
    small enough for one CP-SAT worker, which is every reduced model here).
    """
    options = options or SolveOptions()
    on_step = on_step or no_progress
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
    schedules: dict[Any, tuple[Offering, ...]] = {}  # one plan's schedule, once per sweep
    prev = _Previous()
    # The best plan at a lower budget; to begin with, the cheapest plan, which fits every
    # budget from its cost up: a solve the time limit cut short never shows less (found
    # by review: walked from the top, the lowest budgets could come back "unknown").
    best_below: Result | None = lanes[0].least_plan
    if best_below is not None:  # shown at the schedule `solve` shows, like any row
        rotations = earliest_schedule(problem, best_below.rotations, options.seed, schedules)
        best_below = dataclasses.replace(best_below, rotations=rotations)
    for budget in ordered:
        at_budget = loaded.with_budget(budget)
        problem_b = problem.with_budget(budget)
        if budget in solved:
            result = _no_worse(solved[budget], best_below, ceiling)
        elif top is not None and budget >= top.total_cost:
            result = dataclasses.replace(top, budget=budget, solve_seconds=0.0)
        else:  # below the least workable budget
            result = Result("infeasible", None, None, (), 0, budget, candidates, 0.0, 0.0)
        if result.has_plan:  # the schedule `solve` shows for these programs (see `ties`)
            rotations = earliest_schedule(problem, result.rotations, options.seed, schedules)
            result = dataclasses.replace(result, rotations=rotations)
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
        diff = diff_labels(labels, prev.labels) if result.has_plan else None
        rows.append(
            Row(
                budget=budget,
                result=result,
                payload=payload,
                added=diff[0] if diff else None,
                removed=diff[1] if diff else None,
                marginal_per_1000=marginal_value(
                    result.objective, budget, prev.objective, prev.budget
                ),
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
    a lower one (each solve knows nothing of the lower budgets), or with no plan at all; the
    lower budget's plan fits here too, so it is the row's plan. Its bound is this
    budget's own bound, or `ceiling` (a bound for every budget) if the solve found none.
    """
    if best_below is None or best_below.objective is None:
        return result
    if result.objective is not None and result.objective >= best_below.objective:
        return result
    if best_below.total_cost > result.budget:  # the cheapest plan, below its own cost
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

    in_threads([least, best] if len(lanes) == 2 else [both], lanes)
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
        for budget, result in _descend(lane, block, first_hint):
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
    in_threads(tasks, lanes, collect)
    return results


def _descend(
    lane: ReusedModel, block: Sequence[int], first_hint: Sequence[int] | None
) -> Iterator[tuple[int, Result]]:
    """Best plan at each budget of `block`, from the largest down.

    A proven answer at budget b, worth v and costing c (the cheapest plan of
    value v), is also the answer at every budget from c to b: it still fits,
    nothing worth more does (nothing did at b), and nothing worth v is cheaper
    (else it would have been the answer at b). Below c every plan
    is worth less than v (a plan worth v or more costing less than c would
    have been the answer at b). So a block needs one solve per efficient plan
    it crosses, not one per budget. Stating "worth less than v" as a bound on
    the next solve slows CP-SAT down (national, 121 budgets: 0.9 s -> 3.2 s),
    so it is left unsaid. An answer the time limit cut short covers only its
    own budget.
    """
    hint = first_hint
    answer: Result | None = None  # the last proven answer, valid down to its cost
    for budget in sorted(block, reverse=True):
        if answer is not None and budget >= answer.total_cost:
            yield budget, dataclasses.replace(answer, budget=budget, solve_seconds=0.0)
            continue
        result, values = lane.best_plan(budget, hint=hint)
        answer = None
        if values is not None:
            hint = values  # infeasible below its cost, yet a good guide (as in `frontier`)
        if result.status == "optimal":
            answer = result
        yield budget, result
