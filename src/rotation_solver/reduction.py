"""Reduction before modelling: offerings no optimal plan needs are left out.

Offerings too dear once the cheapest rotations the minimum counts still need are
paid, then offerings dominated by another of the same kind (inside its days,
value at least, cost at most, every rule flag it has), so the optimum value
survives. `dominated_offerings` alone keeps every budget's optimum (what-if).
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

from rotation_solver.offerings import Offering
from rotation_solver.problem import PlanningProblem

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
        "apply_by_start",  # decides which offerings exist, not how a plan combines them
        "applications_max",
    }
)


def _rule_flags(problem: PlanningProblem, offering: Offering) -> int:
    """Bits a rule may need from an offering; a dominator must have every bit it has."""
    req = problem.requirements
    flags = 0
    if req.tier_mix and offering.is_radiology:
        flags |= 1 if offering.tier_mix_high else 0
        flags |= 2 if offering.tier_mix_safe else 0
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
    # Under `apply`'s cap an offer in hand counts nothing, and a dominator that needs an
    # application could not always take its place; every other offering counts one.
    if req.applications_max is not None and any(o.offered for o in problem.offerings):
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
    for (s, e), groups in slots.items():
        inside = (start >= s) & (end <= e)
        best = np.full(len(first), -1, dtype=np.int32)
        # A program's best start inside the slot (found by review: a plain assignment
        # sorted by value relied on the last of repeated indices winning, which NumPy
        # leaves unspecified).
        np.maximum.at(best, prog[inside], value[inside])
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
    rest = _cheapest_rest(problem, arrays)[kind]
    affordable = (cost + rest + problem.paid_fees <= problem.budget) | ~arrays.free
    keep = np.flatnonzero(affordable)
    if _reducible(problem) and len(keep) > 1:
        keep = keep[~_dominated(problem, arrays.subset(keep))]
    offerings = problem.offerings
    kept = tuple(offerings[i] for i in keep.tolist())
    return dataclasses.replace(problem, offerings=kept), len(offerings) - len(kept)
