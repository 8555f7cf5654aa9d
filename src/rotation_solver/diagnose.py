"""Name the user's rules that conflict when no plan exists.

Every rule is guarded by an assumption literal: budget, the counts, tier_mix,
max_rotations, each lock, min_gap_days, each blocked period, each document's
ready date, and the extensions affordable_housing_per_week and
high_cost_rest_days. CP-SAT returns a sufficient set of assumptions for
infeasibility (single worker, no objective); deleting rules one at a time
then shrinks it to a minimal set: dropping any one of the rules left makes
a plan possible.

Lifting a lock lifts "this offering must be in the plan", not the offer: the
accepted offering stays open, exempt from the timing rule and accepts_img (spec
section 5). Lifting any rule then only adds plans, which deletion filtering
needs; removing the offering instead could take plans away.

Each deletion test fixes the guards in the model instead of assuming them. An
assumption is a search decision, so presolve cannot use it and the LP sees
big-M rows: on the 6,400-offering national catalog one such test took 30-50 s,
where the same test with fixed guards takes 0.2-0.8 s. The sufficient set from
assumptions is only a head start, tried for half a second.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from ortools.sat.python import cp_model

from rotation_solver.interrupt import solve_interruptibly
from rotation_solver.model import PlanModel, Rule
from rotation_solver.offerings import DropReason, drop_lock_clashes
from rotation_solver.problem import PlanningProblem, build_problem
from rotation_solver.reduction import dominated_offerings
from rotation_solver.scenario import LoadedScenario
from rotation_solver.solve import Clock, NotSettled, SolveOptions

UNLIMITED = 10**12
CONFLICT_TIMED_OUT = (
    "no plan exists, but the search for the rules in conflict ran out of time; a longer "
    "--time-limit may name them"
)
NOT_NARROWED = (
    "the time limit stopped the search before it could drop the rules not needed; a longer "
    "--time-limit may name fewer"
)


@dataclass(frozen=True)
class Repair:
    """One concrete change to one rule that makes a plan possible, and what it is worth."""

    rule: str
    change: str
    objective: int | None
    total_cost: int | None
    # The changed scenario the repair was solved on (None when no repair was found).
    repaired: LoadedScenario | None = field(default=None, compare=False, repr=False)
    # False when the time limit stopped the solve: the plan is worth at least `objective`.
    proven: bool = True


@dataclass(frozen=True)
class Conflict:
    """A minimal set of rules that cannot all hold, with a repair for each."""

    rules: tuple[Rule, ...]
    minimal: bool
    cheapest_without_budget: int | None = None
    repairs: tuple[Repair, ...] = ()
    # Why the rules clash when the reason is a rule the user cannot drop (the calendar).
    reason: str | None = None
    # Whether `cheapest_without_budget` is proven: None when it was not asked (the budget
    # is not named), False when the time limit stopped its solve (None then does not mean
    # "no such plan").
    cheapest_settled: bool | None = None
    # Accepted offers (program@start) not named: counted as open, not as required.
    open_locks: tuple[str, ...] = ()

    def sentence(self) -> str:
        if not self.rules:
            return self.reason or "no plan exists, but no single rule could be blamed"
        parts = "; ".join(rule.description for rule in self.rules)
        because = f" ({self.reason})" if self.reason else ""
        narrowed = "" if self.minimal else f" ({NOT_NARROWED})"
        counted = ""
        if self.open_locks:
            offers = "offers" if len(self.open_locks) > 1 else "offer"
            counted = (
                f" (counting your accepted {offers} {', '.join(self.open_locks)} as open to "
                "you, not as required)"
            )
        return f"these rules cannot all hold: {parts}{because}{counted}{narrowed}"


def describe(loaded: LoadedScenario, key: str) -> str:
    """Plain words for a rule that forbids offerings (blocked periods, document dates)."""
    kind, _, name = key.partition(":")
    if kind == "blocked":
        period = loaded.scenario.calendar.blocked[int(name)]
        reason = f" ({period.reason})" if period.reason else ""
        return f"no rotation during the blocked period {period.start}..{period.end}{reason}"
    if kind == "documents":
        return f"{name} ready on {loaded.scenario.documents[name]}"
    return key


def guarded_model(loaded: LoadedScenario, problem: PlanningProblem) -> PlanModel:
    """The problem with every rule guarded, including the offering-level ones."""
    plan_model = PlanModel(problem, guarded=True, with_objective=False, max_budget=UNLIMITED)
    for take, offering in zip(plan_model.choose, plan_model.candidates, strict=True):
        for key in offering.forbidden_by:
            guard = plan_model.guard(key, describe(loaded, key))
            plan_model.model.add(take == 0).only_enforce_if(guard)
    return plan_model


# A sufficient set from assumptions only shortens the deletion tests that follow.
HEAD_START_SECONDS = 0.5


def _solver(time_limit: float, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # sufficient assumptions need a single worker
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = time_limit
    return solver


def _sufficient_rules(
    plan_model: PlanModel, keys: list[str], time_limit: float, seed: int
) -> list[str] | None:
    """Rules among `keys` that CP-SAT found sufficient for "no plan" under assumptions
    (None when it found a plan or could not tell in time)."""
    model = plan_model.model
    model.clear_assumptions()
    model.add_assumptions([plan_model.guards[key] for key in keys])
    solver = _solver(time_limit, seed)
    try:
        code = solve_interruptibly(solver, model)
    finally:
        model.clear_assumptions()
    if code != cp_model.INFEASIBLE:
        return None
    index_of = {plan_model.guards[key].index: key for key in keys}
    core = [index_of[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in index_of]
    return core or keys


def feasible_with(
    plan_model: PlanModel, keys: list[str], time_limit: float, seed: int, workers: int = 1
) -> bool | None:
    """Is there a plan when exactly the rules `keys` hold (every other rule lifted)?
    None when the time limit stopped the solve first."""
    proto = plan_model.model.Proto()
    for key, guard in plan_model.guards.items():
        domain = proto.variables[guard.index].domain
        domain[0] = domain[1] = 1 if key in keys else 0
    solver = _solver(time_limit, seed)
    solver.parameters.num_workers = workers
    try:
        code = solve_interruptibly(solver, plan_model.model)
    finally:
        for guard in plan_model.guards.values():
            domain = proto.variables[guard.index].domain
            domain[0], domain[1] = 0, 1
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    if code == cp_model.INFEASIBLE:
        return False
    return None


def find_conflict(
    loaded: LoadedScenario, time_limit: float = 20.0, seed: int = 0, workers: int = 1
) -> Conflict:
    """A minimal set of the scenario's rules in conflict (empty if a plan exists).

    Called once "no plan" is proven. Every solve of the search shares `time_limit`; what
    it cannot settle in time is kept in the set, which is then not called minimal (when
    not even the first solve ends, that is every rule: together they are known to
    conflict). Whether a set of rules leaves a plan is exact, so `workers` changes only
    how fast the search goes.
    """
    clock = Clock.start(SolveOptions(time_limit=time_limit, workers=workers, seed=seed))
    problem = build_problem(loaded, relax_user_rules=True)
    plan_model = guarded_model(loaded, problem)
    keys = list(plan_model.guards)
    try:
        feasible = feasible_with(plan_model, keys, clock.left().time_limit, seed, workers)
    except NotSettled:
        feasible = None
    if feasible is None:
        # The caller proved there is no plan, so every rule together is a conflict: named
        # but not narrowed (spec section 8: exit 3 names the conflicting rules). A budget
        # that covers the dearest plan there could be is no part of it.
        slack = loaded.budget >= problem.cost_ceiling()
        named = [k for k in keys if not (k == "budget" and slack)]
        if not named:
            return Conflict((), minimal=False, reason=CONFLICT_TIMED_OUT)
        return Conflict(
            tuple(plan_model.rules[k] for k in named),
            minimal=False,
            reason=conflict_reason(problem, named),
            cheapest_settled=False if "budget" in named else None,
        )
    if feasible:
        return Conflict((), minimal=False)
    try:
        head_start = min(HEAD_START_SECONDS, clock.left().time_limit)
        untested = list(_sufficient_rules(plan_model, keys, head_start, seed) or keys)
    except NotSettled:
        untested = list(keys)
    needed: list[str] = []  # lifting any one of these leaves a plan
    unsettled: list[str] = []  # kept because the time limit stopped their test

    def conflicts(rules: list[str]) -> bool | None:
        # An equal share of the time left (the tests to come and the cheapest plan), so
        # one slow test cannot starve the others: it keeps its rule instead.
        share = clock.share(len(untested) + 2)
        try:
            feasible = feasible_with(plan_model, rules, share.left().time_limit, seed, workers)
        except NotSettled:
            return None
        return None if feasible is None else not feasible

    while untested:
        key = untested.pop(0)
        verdict = conflicts(needed + unsettled + untested)
        if verdict is None:
            unsettled.append(key)
        elif not verdict:
            needed.append(key)
            # Lifting rules only adds plans, so if the rules kept so far already
            # conflict on their own, every untested rule can go (and those kept stay
            # needed): a national catalog then takes 5 tests, not 13.
            if untested and conflicts(needed + unsettled):
                untested = []
    core = [k for k in keys if k in needed or k in unsettled]
    minimal = not unsettled
    cheapest, cheapest_settled = None, None
    if "budget" in core:
        try:
            cheapest = cheapest_plan_cost(loaded, clock.left().time_limit, seed, workers)
            cheapest_settled = True
        except NotSettled:
            cheapest_settled = False
    rules = tuple(plan_model.rules[k] for k in core)
    open_locks = tuple(
        f"{program_id}@{start}"
        for program_id, start in problem.locks
        if f"lock:{program_id}@{start}" not in core
    )
    return Conflict(
        rules,
        minimal,
        cheapest,
        reason=conflict_reason(problem, core),
        cheapest_settled=cheapest_settled,
        open_locks=open_locks,
    )


def conflict_reason(problem: PlanningProblem, core: list[str]) -> str | None:
    """What the student cannot lift that makes the named rules clash: overlapping locks,
    or no offering at all of a kind a named count rule asks for."""
    return lock_overlap(problem, core) or _none_of_a_kind(problem, core)


def _none_of_a_kind(problem: PlanningProblem, core: list[str]) -> str | None:
    """A count rule is named because the window, deadlines, specialties or exclusions
    leave too few programs of its kind: say so, since lifting another rule will not help."""
    named = [kind for rule, kind in short_of_programs(problem).items() if rule in core]
    if not named:
        return None
    if all(not problem.programs_of(kind) for kind in named):
        why = "".join(_why_none(problem, kind) for kind in named)
        cause = f"no {' or '.join(named)} rotation fits {FIXED_RULES} at all{why}"
    else:
        cause = "; ".join(unmeetable_count(problem, kind) for kind in named)
    return f"{cause}; `rotation-solver validate --dropped` lists why each start is dropped"


FIXED_RULES = "the window, the deadlines and the other fixed rules"


def short_of_programs(problem: PlanningProblem) -> dict[str, str]:
    """The count rules no plan can meet whatever other rule is lifted (rule key -> kind).

    `problem` is the diagnosis's (`relax_user_rules`): it keeps the starts that only
    blocked periods, document dates or a lock rule out, since those can be lifted. Fewer
    programs of a kind there than the rule's minimum, and no plan can meet it: a plan
    holds one rotation per program."""
    return {
        f"{kind}.min": kind
        for kind in ("radiology", "clinical")
        if len(problem.programs_of(kind)) < _minimum(problem, kind)
    }


def unmeetable_count(problem: PlanningProblem, kind: str) -> str:
    """Why the count rule of `kind` cannot hold (see `short_of_programs`), in words.

    The count is of the relaxed problem; when the student's own blocked periods, document
    dates or accepted offers rule out some of those programs as things stand, the count
    as things stand (what `validate` reports) is given too."""
    have = len(problem.programs_of(kind))
    if not have:
        return f"no {kind} rotation fits {FIXED_RULES} at all{_why_none(problem, kind)}"
    free = [o for o in problem.offerings if not o.forbidden_by]
    kept, _clashes = drop_lock_clashes(free, problem.requirements.min_gap_days)
    now = len({o.program_id for o in kept if o.kind == kind})
    as_they_stand = (
        f", {now} with your blocked periods, document dates and accepted offers as they are;"
        if now != have
        else ", and"
    )
    programs = "program has" if have == 1 else "programs have"
    return (
        f"only {have} {kind} {programs} a start that fits {FIXED_RULES}{as_they_stand} "
        f"{_minimum(problem, kind)} rotations at different programs are needed"
    )


# What rules a program out, as words that follow a count ("3 excluded").
_RULED_OUT = {
    DropReason.EXCLUDED: "excluded",
    DropReason.NOT_NAMED: "not named in the applications sent",
    DropReason.NO_IMG: "not taking IMGs",
    DropReason.OUTSIDE_WINDOW: "outside the window",
    DropReason.BLOCKED: "in blocked periods",
    DropReason.PAST_DEADLINE: "past their deadlines",
    DropReason.AFTER_START: "applied for after the start",
    DropReason.DOCUMENTS_LATE: "with documents late",
    DropReason.LOCK_CLASH: "clashing with an accepted offer",
}


def _why_none(problem: PlanningProblem, kind: str) -> str:
    """What rules out each program of `kind`, counted: the rule its furthest start failed
    (found by review: with every radiology program excluded, or the planning date past
    every deadline, the sentence named neither). Clinical programs count only in the
    requested specialties, whatever ruled them out."""
    requested = (
        {"radiology"} if kind == "radiology" else set(problem.requirements.clinical_specialties)
    )
    order = list(DropReason)
    furthest: dict[str, DropReason] = {}
    for item in problem.expansion.dropped:
        if item.reason == DropReason.SPECIALTY or item.specialty not in requested:
            continue
        seen = furthest.get(item.program_id)
        if seen is None or order.index(item.reason) > order.index(seen):
            furthest[item.program_id] = item.reason
    if not furthest:
        return ""
    counts = Counter(furthest.values())
    parts = ", ".join(f"{counts[r]} {_RULED_OUT[r]}" for r in order if counts[r])
    total = len(furthest)
    return f"; of the {total} {kind} program{'' if total == 1 else 's'}, {parts}"


def _minimum(problem: PlanningProblem, kind: str) -> int:
    requirements = problem.requirements
    return requirements.radiology_min if kind == "radiology" else requirements.clinical_min


def lock_overlap(problem: PlanningProblem, core: list[str]) -> str | None:
    """Name the overlap when only locks conflict: rotations never overlap, a rule that
    has no guard (so the locks are all that can be blamed)."""
    if len(core) < 2 or not all(key.startswith("lock:") for key in core):
        return None
    locked = {(o.program_id, o.start): o for o in problem.offerings}
    keys = [lock for lock in problem.locks if f"lock:{lock[0]}@{lock[1]}" in core]
    twice = sorted({pid for pid, _ in keys if sum(other == pid for other, _ in keys) > 1})
    if twice and len(keys) == len(core):
        return (
            f"{' and '.join(twice)} {'is' if len(twice) == 1 else 'are'} accepted at two "
            "starts, and a plan holds at most one rotation per program"
        )
    rotations = sorted((locked[lock] for lock in keys if lock in locked), key=lambda o: o.start)
    overlapping = any(a.end >= b.start for a, b in pairwise(rotations))
    if len(rotations) != len(core) or not overlapping:
        return None
    dates = ", ".join(f"{o.program_id} {o.start}..{o.end}" for o in rotations)
    return f"the rotations overlap in time: {dates}"


def least_cost_worth(
    loaded: LoadedScenario, value: int, time_limit: float, seed: int = 0, workers: int = 1
) -> int | None:
    """Least total cost of a plan worth at least `value` under every rule of `loaded` (None:
    no such plan; NotSettled when the time limit stopped the solve first)."""
    plan_model = PlanModel(build_problem(loaded), with_objective=False)
    plan_model.model.add(plan_model.objective >= value)
    return _least_cost(plan_model, time_limit, seed, workers)


def _least_cost(plan_model: PlanModel, time_limit: float, seed: int, workers: int) -> int | None:
    """The least total cost the model allows (None: no plan; NotSettled: out of time)."""
    plan_model.model.minimize(plan_model.total_cost)
    solver = _solver(time_limit, seed)
    solver.parameters.num_workers = workers
    status = solve_interruptibly(solver, plan_model.model)
    if status == cp_model.OPTIMAL:
        return round(solver.objective_value)
    if status == cp_model.INFEASIBLE:
        return None
    raise NotSettled


def cheapest_plan_cost(
    loaded: LoadedScenario, time_limit: float = 20.0, seed: int = 0, workers: int = 1
) -> int | None:
    """Least total cost of a plan meeting every rule but the budget (None: no such plan;
    NotSettled when the time limit stopped the solve first).

    Dominated offerings are left out first: a dominator is as cheap or cheaper and fits
    where the dominated one was (`reduction.dominated_offerings`), so the least cost
    survives. On a 23,000-offering catalog the full model took 13 s.
    """
    problem = build_problem(loaded).with_budget(UNLIMITED)
    drop = dominated_offerings(problem)
    kept = tuple(o for i, o in enumerate(problem.offerings) if i not in drop)
    plan_model = PlanModel(
        dataclasses.replace(problem, offerings=kept), with_objective=False, max_budget=UNLIMITED
    )
    return _least_cost(plan_model, time_limit, seed, workers)
