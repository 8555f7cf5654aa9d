"""Solve a planning problem with CP-SAT and return a `Result` (data -> model -> solve -> result)."""

from __future__ import annotations

import dataclasses
import itertools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from ortools.sat.python import cp_model

from rotation_solver.interrupt import solve_interruptibly
from rotation_solver.model import TIERS_HIGH, TIERS_SAFE, PlanModel
from rotation_solver.offerings import Offering
from rotation_solver.problem import PlanningProblem

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
) -> Result:
    """Solve an already built model (`reduced`: built by `solve_problem`, tuned for it)."""
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
        first_solution_seconds=first.seconds,
        variables=len(plan_model.model.proto.variables),
        constraints=len(plan_model.model.proto.constraints),
    )


# -- reduction before modelling ------------------------------------------------------------

# ResolvedRequirements fields the dominance rule below knows how to respect. A rule added later
# switches the reduction off until its offering attributes join `_rule_flags`.
_KNOWN_REQUIREMENTS = frozenset(
    {
        "radiology_min",
        "radiology_max",
        "clinical_min",
        "clinical_max",
        "clinical_specialties",
        "max_rotations",
        "tier_mix",
        "min_gap_days",
        "affordable_housing_per_week",
        "high_cost_rest_days",
    }
)


def _rule_flags(problem: PlanningProblem, offering: Offering) -> int:
    """Bits a rule may need from an offering; a dominator must have every bit it has."""
    req = problem.requirements
    flags = 0
    if req.tier_mix and offering.is_radiology:
        flags |= 1 if offering.tier in TIERS_HIGH else 0
        flags |= 2 if offering.tier in TIERS_SAFE and offering.img_friendly else 0
    limit = getattr(req, "affordable_housing_per_week", None)
    if limit is not None and getattr(offering, "housing_per_week", limit + 1) <= limit:
        flags |= 4  # affordable: counts for the affordable-location rule, no rest rule
    return flags


def dominated_offerings(problem: PlanningProblem) -> set[int]:
    """Indices of offerings no optimal plan needs: removing them keeps the optimum value.

    Offering d dominates o when both are the same kind (radiology or clinical), d's days
    lie inside o's days, d's value is at least o's, d has every rule flag o has (tier
    mix, affordable housing) and d is cheaper, or as cheap and of a program whose id
    sorts first (so d is of another program). If o has dominators in R distinct
    programs, R the most rotations of o's kind a plan can hold, then in any plan with o
    one of them is free (the R - 1 others of its kind use R - 1 programs) and fits where
    o was (inside o's days, so every gap still holds): swapping gives a plan as good,
    within budget, with the same counts and flags. Dominance is a strict partial order,
    so among the optimal plans one that is maximal under it uses no removed offering.
    Locks are never removed. Valid for the plain problem only: not for guarded models,
    other budgets or extra constraints (`explain`, `whatif` build their own models).
    """
    import numpy as np

    if not _reducible(problem) or len(problem.offerings) < 2:
        return set()
    arrays = _Arrays(problem)
    keep = np.flatnonzero(np.ones(len(problem.offerings), dtype=bool))
    return set(keep[_dominated(problem, arrays.subset(keep))].tolist())


def _reducible(problem: PlanningProblem) -> bool:
    """False when the requirements hold a rule the reduction does not know."""
    req = problem.requirements
    if {f.name for f in dataclasses.fields(req)} - _KNOWN_REQUIREMENTS:
        return False
    rest = getattr(req, "high_cost_rest_days", 0)
    return not (rest and getattr(req, "affordable_housing_per_week", None) is None)


class _Arrays:
    """The offerings as numpy columns (one Python pass), with per-program attributes."""

    def __init__(self, problem: PlanningProblem, rows: Any = None) -> None:
        import numpy as np

        if rows is not None:  # a subset built by `subset`
            self.__dict__.update(rows)
            return
        offerings = problem.offerings
        locked = set(problem.locks)
        programs: dict[str, int] = {}
        first: list[Offering] = []
        prog_list, start_list, end_list, value_list, free_list = [], [], [], [], []
        for o in offerings:
            k = programs.get(o.program_id)
            if k is None:
                k = programs[o.program_id] = len(first)
                first.append(o)
            prog_list.append(k)
            start_list.append(o.start.toordinal())
            end_list.append(o.end.toordinal())
            value_list.append(o.value)
            free_list.append(o.key not in locked)
        self.prog = np.array(prog_list, dtype=np.int64)
        self.start = np.array(start_list, dtype=np.int64)
        self.end = np.array(end_list, dtype=np.int64)
        self.value = np.array(value_list, dtype=np.int32)
        self.free = np.array(free_list, dtype=bool)
        # Per program (constant over its starts): kind, cost, rule flags, and a cost key
        # strictly smaller for a cheaper program or, at equal cost, the program id first.
        self.first = first
        by_cost = sorted(range(len(first)), key=lambda k: (first[k].cost, first[k].program_id))
        self.cost_key = np.empty(len(first), dtype=np.int32)
        self.cost_key[by_cost] = np.arange(len(first), dtype=np.int32)
        self.p_cost = np.array([o.cost for o in first], dtype=np.int64)
        self.kind = np.array([1 if o.is_radiology else 0 for o in first], dtype=np.int64)
        self.flags = np.array([_rule_flags(problem, o) for o in first], dtype=np.int64)

    def subset(self, index: Any) -> _Arrays:
        rows = dict(self.__dict__)
        for name in ("prog", "start", "end", "value", "free"):
            rows[name] = rows[name][index]
        return _Arrays(None, rows)  # type: ignore[arg-type]


def _dominated(problem: PlanningProblem, arrays: _Arrays) -> Any:
    """Boolean mask of the offerings in `arrays` that `dominated_offerings` removes."""
    import numpy as np

    req = problem.requirements
    prog, start, end, value = arrays.prog, arrays.start, arrays.end, arrays.value
    first, cost_key, kind, flags = arrays.first, arrays.cost_key, arrays.kind, arrays.flags
    free_list = arrays.free
    need = {
        1: min(req.radiology_max, req.max_rotations),
        0: min(req.clinical_max, req.max_rotations),
    }
    group = kind * 8 + flags  # targets compare with pools of their own kind and flags
    removed = np.zeros(len(prog), dtype=bool)
    # Free (unlocked) offerings grouped by slot (start, end), then by kind and flags.
    free = np.flatnonzero(free_list)
    o_group = group[prog[free]]
    order = np.lexsort((o_group, end[free], start[free]))
    free, o_group = free[order], o_group[order]
    f_start, f_end = start[free], end[free]
    new_slot = np.ones(len(free), dtype=bool)
    new_slot[1:] = (f_start[1:] != f_start[:-1]) | (f_end[1:] != f_end[:-1])
    new_group = new_slot.copy()
    new_group[1:] |= o_group[1:] != o_group[:-1]
    cuts = np.append(np.flatnonzero(new_group), len(free)).tolist()
    slot_of_cut = new_slot[cuts[:-1]].tolist()
    slots: dict[tuple[int, int], dict[int, np.ndarray]] = {}
    current: dict[int, np.ndarray] = {}
    for k, (lo, hi) in enumerate(itertools.pairwise(cuts)):
        if slot_of_cut[k]:
            current = slots.setdefault((int(f_start[lo]), int(f_end[lo])), {})
        current[int(o_group[lo])] = free[lo:hi]
    by_value = np.argsort(value, kind="stable")  # writes in this order leave the maximum
    s_start, s_end, s_prog = start[by_value], end[by_value], prog[by_value]
    s_value = value[by_value]
    for (s, e), groups in slots.items():
        inside = (s_start >= s) & (s_end <= e)
        best = np.full(len(first), -1, dtype=np.int32)
        best[s_prog[inside]] = s_value[inside]  # a program's best start inside the slot
        pool = np.flatnonzero(best >= 0)
        p_kind, p_flags = kind[pool], flags[pool]
        for g, members in groups.items():
            group_kind, group_flags = divmod(g, 8)
            wanted = max(1, need[group_kind])
            cover = pool[(p_kind == group_kind) & ((p_flags & group_flags) == group_flags)]
            if len(cover) < wanted:
                continue
            chosen = members
            dominates = (best[cover][None, :] >= value[chosen][:, None]) & (
                cost_key[cover][None, :] < cost_key[prog[chosen]][:, None]
            )
            hit = np.count_nonzero(dominates, axis=1) >= wanted
            removed[chosen[hit]] = True
    return removed


def _cheapest_rest(problem: PlanningProblem, arrays: _Arrays) -> Any:
    """Per program kind (0 clinical, 1 radiology): least cost of the other rotations a
    plan with one rotation of that kind must still hold for the minimum counts (the
    cheapest programs; a lower bound, since each program counts once)."""
    import numpy as np

    req = problem.requirements
    rad = np.sort(arrays.p_cost[arrays.kind == 1])
    cli = np.sort(arrays.p_cost[arrays.kind == 0])

    def least(radiology: int, clinical: int) -> int:
        return int(rad[:radiology].sum() + cli[:clinical].sum())

    return np.array(
        [
            least(req.radiology_min, max(0, req.clinical_min - 1)),
            least(max(0, req.radiology_min - 1), req.clinical_min),
        ]
    )


def reduce_problem(problem: PlanningProblem) -> tuple[PlanningProblem, int]:
    """The problem without offerings that can never change the optimum value.

    Gone: offerings dearer than the budget less the cheapest rotations the minimum
    counts still need; then the dominated ones (`dominated_offerings`). Locks always
    stay. For `solve_problem` only: the result is valid for this budget and these
    rules, not for sweeps or extra constraints.
    """
    import numpy as np

    if not problem.offerings:
        return problem, 0
    arrays = _Arrays(problem)
    kind = arrays.kind[arrays.prog]
    cost = arrays.p_cost[arrays.prog]
    affordable = (cost + _cheapest_rest(problem, arrays)[kind] <= problem.budget) | ~arrays.free
    keep = np.flatnonzero(affordable)
    if _reducible(problem) and len(keep) > 1:
        keep = keep[~_dominated(problem, arrays.subset(keep))]
    offerings = problem.offerings
    kept = tuple(offerings[i] for i in keep.tolist())
    return dataclasses.replace(problem, offerings=kept), len(offerings) - len(kept)


# -- a quick plan to start from ------------------------------------------------------------


def greedy_plan(problem: PlanningProblem) -> list[Offering] | None:
    """Locks, then the best value/cost offering for each unmet need, then any that adds value.

    No proof of anything: a hint for CP-SAT and a baseline for the benchmark.
    """
    req = problem.requirements
    pad = timedelta(days=req.min_gap_days)
    locks = set(problem.locks)
    chosen = [o for o in problem.offerings if o.key in locks]
    if len(chosen) != len(locks):
        return None
    ranked = sorted(problem.offerings, key=lambda o: (-o.value / max(1, o.cost), o.cost))

    def high(o: Offering) -> bool:
        return o.is_radiology and o.tier in TIERS_HIGH

    def safe(o: Offering) -> bool:
        return o.is_radiology and o.tier in TIERS_SAFE and o.img_friendly

    def fits(o: Offering) -> bool:
        if o in chosen or sum(c.cost for c in chosen) + o.cost > problem.budget:
            return False
        if len(chosen) >= req.max_rotations or any(c.program_id == o.program_id for c in chosen):
            return False
        rad = sum(c.is_radiology for c in chosen)
        if o.is_radiology and rad >= req.radiology_max:
            return False
        if not o.is_radiology and len(chosen) - rad >= req.clinical_max:
            return False
        return all(o.start > c.end + pad or c.start > o.end + pad for c in chosen)

    def add_best(need: Callable[[Offering], bool]) -> bool:
        pick = next((o for o in ranked if need(o) and fits(o)), None)
        if pick is not None:
            chosen.append(pick)
        return pick is not None

    if req.tier_mix and req.radiology_min >= 1:
        # one target IMG-friendly rotation meets both sides: try that first
        both = any(high(c) and safe(c) for c in chosen) or add_best(lambda o: high(o) and safe(o))
        for need in () if both else (high, safe):
            if not any(need(c) for c in chosen) and not add_best(need):
                return None
    while sum(not c.is_radiology for c in chosen) < req.clinical_min:
        if not add_best(lambda o: not o.is_radiology):
            return None
    while sum(c.is_radiology for c in chosen) < req.radiology_min:
        if not add_best(lambda o: o.is_radiology):
            return None

    def mixed(plan: list[Offering]) -> bool:
        if not req.tier_mix or not any(c.is_radiology for c in plan):
            return True
        return any(high(c) for c in plan) and any(safe(c) for c in plan)

    objective = problem.plan_value

    if not mixed(chosen):
        return None
    for o in ranked:
        if fits(o) and mixed([*chosen, o]) and objective([*chosen, o]) > objective(chosen):
            chosen.append(o)
    return sorted(chosen, key=lambda o: (o.start, o.program_id))


def solve_problem(problem: PlanningProblem, options: SolveOptions | None = None) -> Result:
    """Reduce, build and solve the model of one problem (greedy plan as a hint)."""
    options = options or SolveOptions()
    started = time.perf_counter()
    reduced, removed = reduce_problem(problem)
    plan_model = PlanModel(reduced)
    hint = greedy_plan(reduced)
    if hint is not None:
        taken = {o.key for o in hint}
        for x, o in zip(plan_model.choose, plan_model.candidates, strict=True):
            plan_model.model.add_hint(x, o.key in taken)
    result = run(plan_model, options, time.perf_counter() - started, reduced=True)
    return dataclasses.replace(result, removed=removed)
