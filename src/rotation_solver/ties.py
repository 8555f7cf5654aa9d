"""One plan among equals: the cheapest of the best value, then its earliest schedule.

Several plans often tie on value. Without a rule for ties, `solve` and `compare`
(different models, different searches) could show different plans for one budget. So
every command settles ties the same way, after its own search:

1. `cheapest_of_value`: among plans worth the optimum, the least total cost. `solve`
   does it on its own (reduced) model; the dominance reduction keeps a plan that is
   best on value and then on cost (a dominator is as valuable and no dearer).
   `compare` and `frontier` get the same from their own objective (best value, then
   least cost). Two sets of programs equal in both can still differ between them.
2. `earliest_schedule`: the same programs (so the same value and cost) at the earliest
   starts: the least sum of start days, then each program's start by id. Done on every
   feasible offering of those programs, so it does not depend on which reduction a
   command used.
"""

from __future__ import annotations

import dataclasses

from ortools.sat.python import cp_model

from rotation_solver.interrupt import solve_interruptibly
from rotation_solver.model import PlanModel
from rotation_solver.offerings import Offering
from rotation_solver.problem import PlanningProblem

# A limit in deterministic time, not seconds: whether a tie search ends in time must not
# depend on the machine's load, or the plan shown would. Far more than these models need
# (stress: about 0.5 units); a stopped search keeps the plan it started from.
TIE_WORK = 20.0
TIE_SECONDS = 60.0  # a backstop only


# However short the time limit, the tie rules get this much: ordinary plans need far
# less, so the plan shown does not depend on the limit or the machine's load (found by
# review: national at --time-limit 0.05 kept the search's own schedule).
TIE_FLOOR = 0.5


def tie_work(time_limit: float, elapsed: float) -> float:
    """The work both tie rules may take together: what the solve's time limit leaves
    after its search, at least a tenth of the limit (and TIE_FLOOR), at most TIE_WORK.
    A search that ends well inside its limit, the usual case, leaves them more than they
    need. (A 50-rotation plan's ties took 34 s after a 10 s search under a 30 s limit;
    found by review.)"""
    return min(TIE_WORK, max(time_limit - elapsed, time_limit / 10, TIE_FLOOR))


def _solver(seed: int, work: float = TIE_WORK) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = 1  # deterministic, and the models are small
    params.random_seed = seed
    params.linearization_level = 2  # as on the reduced models (benchmarks/README.md)
    _limit(solver, work)
    return solver


def _limit(solver: cp_model.CpSolver, work: float) -> None:
    solver.parameters.max_deterministic_time = work
    # A unit of work can take more than a second, so the wall clock is a backstop, set
    # well above the work: on a loaded machine, twice as slow, the deterministic limit
    # still ends the search first (found by review: at `work` seconds, the wall clock
    # could end a floor-sized search first and make the plan shown depend on the load).
    solver.parameters.max_time_in_seconds = min(TIE_SECONDS, 2 * work + 1)


def cheapest_of_value(
    plan_model: PlanModel, rotations: tuple[Offering, ...], seed: int = 0, work: float = TIE_WORK
) -> tuple[tuple[Offering, ...], float]:
    """The least-cost plan of `plan_model` worth what `rotations` are worth (proven
    best value), `rotations` again if the search does not end in time; and the work
    (deterministic time) that took."""
    if not rotations:
        return rotations, 0.0
    value = plan_model.problem.plan_value(rotations)
    cost = sum(o.cost for o in rotations)
    model = plan_model.model.clone()
    choose = [model.get_bool_var_from_proto_index(x.index) for x in plan_model.choose]
    extra = model.get_int_var_from_proto_index(plan_model.extra_radiology.index)
    values = [o.value for o in plan_model.candidates]
    penalty = plan_model.problem.extra_radiology_penalty
    worth = cp_model.LinearExpr.weighted_sum(choose, values) - penalty * extra
    model.add(worth >= value)
    total = cp_model.LinearExpr.weighted_sum(choose, [o.cost for o in plan_model.candidates])
    model.add(total <= cost)
    model.minimize(total)
    taken = {o.key for o in rotations}
    model.clear_hints()
    for x, o in zip(choose, plan_model.candidates, strict=True):
        model.add_hint(x, o.key in taken)
    solver = _solver(seed, work)
    # The reduced model is presolved by hand already (as `solve.configure_reduced`).
    solver.parameters.max_presolve_iterations = 1
    if solve_interruptibly(solver, model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return rotations, solver.deterministic_time
    cheapest = tuple(
        o for x, o in zip(choose, plan_model.candidates, strict=True) if solver.value(x)
    )
    return cheapest, solver.deterministic_time


def earliest_schedule(
    problem: PlanningProblem,
    rotations: tuple[Offering, ...],
    seed: int = 0,
    cache: dict[tuple[frozenset[str], int], tuple[Offering, ...]] | None = None,
    work: float = TIE_WORK,
) -> tuple[Offering, ...]:
    """The same programs as `rotations`, at the earliest starts that keep every rule and
    the plan's value; sorted by start. Earliest: the least sum of start days, then each
    program's start in turn (by id) as early as it can be, so exactly one schedule wins.
    `cache` (keyed by programs and value) spares a sweep the repeats of one plan. `work`
    caps the deterministic time of all its solves together: the schedule settled so far
    is kept when it runs out."""
    programs = frozenset(o.program_id for o in rotations)
    value = problem.plan_value(rotations)
    key = (programs, value)
    if cache is not None and key in cache:
        return cache[key]
    found = _earliest(problem, rotations, programs, value, seed, work)
    if cache is not None:
        cache[key] = found
    return found


def _earliest(
    problem: PlanningProblem,
    rotations: tuple[Offering, ...],
    programs: frozenset[str],
    value: int,
    seed: int,
    work: float,
) -> tuple[Offering, ...]:
    by_start = tuple(sorted(rotations, key=lambda o: o.start))
    offerings = tuple(o for o in problem.offerings if o.program_id in programs)
    if len(offerings) == len(rotations):  # one start each: nothing to choose
        return by_start
    own = dataclasses.replace(problem, offerings=offerings, budget=problem.plan_cost(rotations))
    plan_model = PlanModel(own, with_objective=False)
    model = plan_model.model
    pairs = list(zip(plan_model.choose, plan_model.candidates, strict=True))
    for program_id in sorted(programs):  # an order that does not follow PYTHONHASHSEED
        model.add_exactly_one(x for x, o in pairs if o.program_id == program_id)
    # The same value exactly: a plan the time limit cut short keeps its stated objective.
    # The same programs hold the same radiology count: pin the penalty's variable, which
    # the model bounds only from below (maximising keeps it down; nothing does here).
    radiology = sum(1 for o in rotations if o.is_radiology)
    model.add(plan_model.extra_radiology == max(0, radiology - 2))
    model.add(plan_model.objective == value)
    first = min(o.start for o in offerings).toordinal()

    def days(of: str | None = None) -> cp_model.LinearExprT:
        chosen = [(x, o) for x, o in pairs if of is None or o.program_id == of]
        return cp_model.LinearExpr.weighted_sum(
            [x for x, _ in chosen], [o.start.toordinal() - first for _, o in chosen]
        )

    taken = {o.key for o in rotations}
    for x, o in pairs:
        model.add_hint(x, o.key in taken)
    solver = _solver(seed, work)
    # The sum first, then each program in turn; the last program's start then follows
    # from the sum, so it needs no solve of its own.
    settled = by_start
    for of in [None, *sorted(programs)[:-1]]:
        model.minimize(days(of))
        if solve_interruptibly(solver, model) != cp_model.OPTIMAL:
            break
        work -= solver.deterministic_time
        settled = tuple(sorted(plan_model.chosen(solver), key=lambda o: o.start))
        model.add(days(of) == round(solver.objective_value))
        if of is None and work > 0:
            unique, used = _only_one(model, plan_model, settled, seed, work)
            work -= used
            if unique:
                break
        if work <= 0:
            break
        _limit(solver, work)
    return settled


def _only_one(
    model: cp_model.CpModel,
    plan_model: PlanModel,
    settled: tuple[Offering, ...],
    seed: int,
    work: float,
) -> tuple[bool, float]:
    """Whether no other schedule has the least sum of start days (then each program's
    start is settled too, and its own solves can be skipped: a 50-rotation plan had 49),
    and the work that took."""
    other = model.clone()
    other.clear_objective()
    taken = {o.key for o in settled}
    same = [
        other.get_bool_var_from_proto_index(x.index)
        for x, o in zip(plan_model.choose, plan_model.candidates, strict=True)
        if o.key in taken
    ]
    other.add(cp_model.LinearExpr.sum(same) <= len(same) - 1)
    solver = _solver(seed, work)
    unique = solve_interruptibly(solver, other) == cp_model.INFEASIBLE
    return unique, solver.deterministic_time
