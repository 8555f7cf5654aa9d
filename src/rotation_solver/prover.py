"""An independent proof of a scenario's optimum, or that it has no plan at all.

The checker re-verifies every plan without the model's code, but a claim that a plan
is *optimal*, or that *no* plan exists, cannot be checked plan by plan: `check` used
to re-prove it by solving with the model again, so a bug in the model was confirmed
instead of caught (found by review, with a planted bug). This prover shares no code
with the model either:

- the rotations a plan may hold, their costs and values come from the checker's own
  reading of spec sections 1, 4 and 6 (`checker.checked_rotations`);
- section 5 is written again here as a MILP in another formulation (no overlap as
  one clique per start date of the rotations stretched by `min_gap_days`; tier_mix as
  two implications per radiology rotation), solved by SCIP, not CP-SAT.

So `check --prove` and `check` of a no-plan document hold a model bug up against a
second reading of the spec, not against itself.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from rotation_solver.checker import CheckedRotation, PlanRules, check_plan, checked_rotations
from rotation_solver.scenario import LoadedScenario

ProofStatus = Literal["optimal", "infeasible", "unknown"]
SOLVER = "SCIP"
MAX_CUTS = 20  # plans refused by the exact check before giving up (unknown)


@dataclass(frozen=True)
class Proof:
    status: ProofStatus  # unknown: the time limit came first, or `gave_up`
    objective: int | None  # the optimum; None unless status is optimal
    plan: tuple[CheckedRotation, ...]  # an optimal plan, sorted by start
    rotations: int  # how many (program, start) pairs the checker's rules allow
    seconds: float
    # The checker refused `MAX_CUTS` plans SCIP found best: the MILP and the checker's
    # rules disagree (a bug), not a matter of time (found by review).
    gave_up: bool = False


def prove(loaded: LoadedScenario, time_limit: float = 60.0) -> Proof:
    """The best plan of `loaded` by the checker's rules and a MILP of its own."""
    from ortools.linear_solver import pywraplp

    started = time.perf_counter()
    rotations, rules = checked_rotations(loaded)

    def done(
        status: ProofStatus,
        objective: int | None = None,
        plan: Sequence[int] = (),
        gave_up: bool = False,
    ) -> Proof:
        chosen = tuple(sorted((rotations[i] for i in plan), key=lambda r: (r.start, r.program_id)))
        seconds = time.perf_counter() - started
        return Proof(status, objective, chosen, len(rotations), seconds, gave_up)

    at = {(r.program_id, r.start): i for i, r in enumerate(rotations)}
    if any(lock not in at for lock in rules.locks):
        return done("infeasible")  # an accepted offer no plan may hold
    solver = pywraplp.Solver.CreateSolver(SOLVER)
    if solver is None:  # pragma: no cover - the ortools wheel ships SCIP
        raise RuntimeError(f"OR-Tools has no {SOLVER} solver here")
    solver.SuppressOutput()
    # SCIP spent 46 of 46 s in presolve on a large catalog (found by review); ten rounds
    # keep most of its use: 3 s there, the same answers.
    solver.SetSolverSpecificParametersAsString("presolving/maxrounds = 10\n")
    x = [solver.BoolVar(f"x{i}") for i in range(len(rotations))]
    _add_plan_rules(solver, x, rotations, rules, at)
    radiology = [x[i] for i, r in enumerate(rotations) if r.radiology]
    extra = solver.IntVar(0, solver.infinity(), "extra_radiology")
    solver.Add(extra >= solver.Sum(radiology) - 2)
    solver.Maximize(
        solver.Sum([r.value * x[i] for i, r in enumerate(rotations)])
        - rules.extra_radiology_penalty * extra
    )
    # Proven to the last point: the default relative gap (1e-4) would stop short of the
    # optimum on objectives above 10,000.
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(params.RELATIVE_MIP_GAP, 0.0)
    for _ in range(MAX_CUTS):
        left = time_limit - (time.perf_counter() - started)
        if left <= 0:
            return done("unknown")
        solver.SetTimeLimit(max(1, int(left * 1000)))
        status = solver.Solve(params)
        if status == pywraplp.Solver.INFEASIBLE:
            return done("infeasible")
        if status != pywraplp.Solver.OPTIMAL:
            return done("unknown")
        chosen = [i for i in range(len(rotations)) if x[i].solution_value() > 0.5]
        # SCIP's floating-point tolerances may pass a plan a few dollars over a budget in
        # the millions: the checker judges it exactly, and a plan it refuses is cut off.
        plan = {"rotations": [_row(rotations[i]) for i in chosen]}
        if check_plan(loaded, plan, score=True).ok:
            radiology_count = sum(rotations[i].radiology for i in chosen)
            objective = sum(rotations[i].value for i in chosen) - (
                rules.extra_radiology_penalty * max(0, radiology_count - 2)
            )
            return done("optimal", objective, chosen)
        # Exactly this plan, not its supersets (another plan may hold it and more).
        inside = set(chosen)
        solver.Add(
            solver.Sum([1 - x[i] if i in inside else x[i] for i in range(len(rotations))]) >= 1
        )
    return done("unknown", gave_up=True)


def _row(rotation: CheckedRotation) -> dict[str, str]:
    return {"program_id": rotation.program_id, "start": rotation.start.isoformat()}


def _add_plan_rules(
    solver: Any,
    x: list[Any],
    rotations: list[CheckedRotation],
    rules: PlanRules,
    at: dict[tuple[str, date], int],
) -> None:
    """Spec section 5 (and the housing extensions) as linear constraints."""
    add, total = solver.Add, solver.Sum
    for lock in rules.locks:
        add(x[at[lock]] == 1)
    by_program: dict[str, list[Any]] = {}
    for i, r in enumerate(rotations):
        by_program.setdefault(r.program_id, []).append(x[i])
    for chosen in by_program.values():
        add(total(chosen) <= 1)
    for holding in _cliques(rotations, range(len(rotations)), rules.min_gap_days):
        add(total([x[k] for k in holding]) <= 1)
    radiology = [x[i] for i, r in enumerate(rotations) if r.radiology]
    clinical = [x[i] for i, r in enumerate(rotations) if not r.radiology]
    add(total(radiology) >= rules.radiology_min)
    add(total(radiology) <= rules.radiology_max)
    add(total(clinical) >= rules.clinical_min)
    add(total(clinical) <= rules.clinical_max)
    add(total(x) <= rules.max_rotations)
    add(total([r.cost * x[i] for i, r in enumerate(rotations)]) <= rules.budget_left)
    if rules.tier_mix:
        # Any radiology rotation in the plan needs one of each half (spec section 5).
        any_radiology = solver.BoolVar("any_radiology")
        for i, r in enumerate(rotations):
            if r.radiology:
                add(x[i] <= any_radiology)
        add(total([x[i] for i, r in enumerate(rotations) if r.reach_or_target]) >= any_radiology)
        add(
            total([x[i] for i, r in enumerate(rotations) if r.friendly_target_or_safety])
            >= any_radiology
        )
    limit = rules.affordable_housing
    if limit is not None:
        # A plan with any rotation holds one housed at or below the limit.
        any_rotation = solver.BoolVar("any_rotation")
        for i in range(len(rotations)):
            add(x[i] <= any_rotation)
        add(
            total([x[i] for i, r in enumerate(rotations) if r.housing_per_week <= limit])
            >= any_rotation
        )
        dear = [i for i, r in enumerate(rotations) if r.housing_per_week > limit]
        for holding in _cliques(rotations, dear, rules.high_cost_rest_days):
            add(total([x[k] for k in holding]) <= 1)


def _cliques(
    rotations: Sequence[CheckedRotation], among: Sequence[int], rest_days: int
) -> list[list[int]]:
    """For each start date, the rotations (of `among`) whose days, stretched by
    `rest_days` after their end, hold it, when two or more do: at most one of each list
    fits a plan, since B may follow A only from A.end + 1 + rest_days on (spec section
    1), and stretched intervals that meet always meet at one of their starts."""
    stretch = timedelta(days=rest_days)
    out = []
    for day in sorted({rotations[i].start for i in among}):
        holding = [i for i in among if rotations[i].start <= day <= rotations[i].end + stretch]
        if len(holding) > 1:
            out.append(holding)
    return out
