"""A quick plan to start from: locks, then the best value per dollar for each unmet
need (tier mix, clinical, radiology), then anything that adds value. The hint CP-SAT
starts from; no proof of anything."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from rotation_solver.offerings import Offering
from rotation_solver.problem import PlanningProblem


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
        return o.tier_mix_high

    def safe(o: Offering) -> bool:
        return o.tier_mix_safe

    def fits(o: Offering) -> bool:
        if o in chosen or problem.plan_cost([*chosen, o]) > problem.budget:
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
