"""The CP-SAT model of spec sections 5 and 6, one private method per rule family.

Formulation: a Boolean per offering. Rotations may not overlap (extended by
`min_gap_days`); instead of pairwise constraints or optional intervals we add
one at-most-one per maximal clique of the interval graph. For intervals the
maximal cliques sit at start days, so this is exact and small (about one
constraint per distinct start week) and gives a much tighter LP than
`add_no_overlap` (measured in benchmarks/).

With `guarded=True` every user rule is enforced only if its own Boolean
("guard") is true; diagnosis assumes the guards to find rules in conflict.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from ortools.sat.python import cp_model

from rotation_solver.offerings import Offering
from rotation_solver.problem import PlanningProblem
from rotation_solver.words import counted


@dataclass(frozen=True)
class Rule:
    """A user rule that can be guarded, with the words a student understands."""

    key: str
    description: str


def maximal_cliques(intervals: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Maximal sets of pairwise overlapping closed intervals [start, end] (indices).

    Every overlapping pair shares the later start, so the cliques are the sets
    of intervals covering each start; keep those not contained in the next.
    """
    points = sorted({start for start, _ in intervals})
    by_start = sorted(range(len(intervals)), key=lambda i: intervals[i][0])
    cliques: list[list[int]] = []
    active: list[int] = []
    cursor = 0
    for position, point in enumerate(points):
        active = [i for i in active if intervals[i][1] >= point]
        while cursor < len(by_start) and intervals[by_start[cursor]][0] == point:
            active.append(by_start[cursor])
            cursor += 1
        next_point = points[position + 1] if position + 1 < len(points) else None
        if next_point is not None and min(intervals[i][1] for i in active) >= next_point:
            continue  # every member still runs at the next start: not maximal
        if len(active) > 1:
            cliques.append(list(active))
    return cliques


class PlanModel:
    """Build the CP-SAT model of one planning problem."""

    def __init__(
        self,
        problem: PlanningProblem,
        *,
        guarded: bool = False,
        with_objective: bool = True,
        max_budget: int | None = None,
    ):
        self.problem = problem
        self.guarded = guarded
        self.model = cp_model.CpModel()
        self.rules: dict[str, Rule] = {}
        self.guards: dict[str, cp_model.IntVar] = {}
        # Offerings dearer than any budget we will ask for can never be chosen.
        limit = problem.budget if max_budget is None else max(max_budget, problem.budget)
        self.budget_limit = limit
        locked = set(problem.locks)
        self.candidates: tuple[Offering, ...] = tuple(
            o for o in problem.offerings if o.cost + problem.paid_fees <= limit or o.key in locked
        )
        self.choose = [
            self.model.new_bool_var(f"take[{o.program_id}@{o.start}]") for o in self.candidates
        ]
        self.radiology_count = self._count(lambda o: o.is_radiology)
        self.clinical_count = self._count(lambda o: not o.is_radiology)
        # The fees already paid count in every plan's total, whatever it holds.
        self.total_cost = (
            cp_model.LinearExpr.weighted_sum(self.choose, [o.cost for o in self.candidates])
            + problem.paid_fees
        )
        self.budget_constraint: cp_model.Constraint | None = None
        self._add_one_per_program()
        self._add_no_overlap()
        self._add_counts()
        self._add_budget()
        self._add_locks()
        self._add_tier_mix()
        self._add_affordable_location()
        self._add_high_cost_rest()
        self.extra_radiology = self.model.new_int_var(
            0, max(0, len(self.candidates)), "extra_radiology"
        )
        self.model.add(self.extra_radiology >= self.radiology_count - 2)
        self.objective = (
            cp_model.LinearExpr.weighted_sum(self.choose, [o.value for o in self.candidates])
            - problem.extra_radiology_penalty * self.extra_radiology
        )
        if with_objective:
            self.model.maximize(self.objective)

    # -- helpers -------------------------------------------------------------

    def _count(self, which: Callable[[Offering], bool]) -> cp_model.LinearExpr:
        chosen = [x for x, o in zip(self.choose, self.candidates, strict=True) if which(o)]
        return cp_model.LinearExpr.sum(chosen)

    def guard(self, key: str, description: str) -> list[cp_model.IntVar]:
        """The enforcement literal list for one rule (empty when not guarded)."""
        self.rules[key] = Rule(key, description)
        if not self.guarded:
            return []
        if key not in self.guards:
            self.guards[key] = self.model.new_bool_var(f"rule[{key}]")
        return [self.guards[key]]

    def _enforce(self, constraint: cp_model.Constraint, guard: list[cp_model.IntVar]) -> None:
        if guard:
            constraint.only_enforce_if(guard)

    # -- rule families (spec section 5) ------------------------------------------

    def _add_one_per_program(self) -> None:
        by_program: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        for x, o in zip(self.choose, self.candidates, strict=True):
            by_program[o.program_id].append(x)
        for variables in by_program.values():
            if len(variables) > 1:
                self.model.add_at_most_one(variables)

    def _add_no_overlap(self) -> None:
        # Physical overlap is never allowed; the gap is the student's rule and is
        # guarded separately so a diagnosis can name it.
        gap = self.problem.requirements.min_gap_days
        origin = min((o.start for o in self.candidates), default=None)
        if origin is None:
            return

        def cliques(extra_days: int) -> list[list[int]]:
            spans = [
                ((o.start - origin).days, (o.end + timedelta(days=extra_days) - origin).days)
                for o in self.candidates
            ]
            return maximal_cliques(spans)

        if gap == 0 or not self.guarded:
            for clique in cliques(gap):
                self.model.add_at_most_one([self.choose[i] for i in clique])
            if gap:
                self.rules["min_gap_days"] = Rule(
                    "min_gap_days", f"at least {gap} free days between rotations"
                )
            return
        for clique in cliques(0):
            self.model.add_at_most_one([self.choose[i] for i in clique])
        guard = self.guard("min_gap_days", f"at least {gap} free days between rotations")
        for clique in cliques(gap):
            self._enforce(self.model.add(sum(self.choose[i] for i in clique) <= 1), guard)

    def _add_counts(self) -> None:
        req = self.problem.requirements
        bounds = (
            (
                "radiology.min",
                self.radiology_count >= req.radiology_min,
                req.radiology_min > 0,
                f"at least {counted(req.radiology_min, 'radiology rotation')}",
            ),
            (
                "radiology.max",
                self.radiology_count <= req.radiology_max,
                True,
                f"at most {counted(req.radiology_max, 'radiology rotation')}",
            ),
            (
                "clinical.min",
                self.clinical_count >= req.clinical_min,
                req.clinical_min > 0,
                f"at least {counted(req.clinical_min, 'clinical rotation')}",
            ),
            (
                "clinical.max",
                self.clinical_count <= req.clinical_max,
                True,
                f"at most {counted(req.clinical_max, 'clinical rotation')}",
            ),
            (
                "max_rotations",
                self.radiology_count + self.clinical_count <= req.max_rotations,
                True,
                f"at most {req.max_rotations} rotations in all",
            ),
            (
                "max_applications",
                self._count(lambda o: not (o.locked or o.offered)) <= (req.applications_max or 0),
                req.applications_max is not None,
                f"at most {req.applications_max} applications",
            ),
        )
        for key, bounded, needed, description in bounds:
            if needed:
                self._enforce(self.model.add(bounded), self.guard(key, description))

    def _budget_words(self) -> str:
        paid = self.problem.paid_fees
        return f"total cost within the budget of ${self.problem.budget:,}" + (
            f" (fees already paid: ${paid:,})" if paid else ""
        )

    def _add_budget(self) -> None:
        guard = self.guard("budget", self._budget_words())
        self.budget_constraint = self.model.add(self.total_cost <= self.problem.budget)
        self._enforce(self.budget_constraint, guard)

    def _add_locks(self) -> None:
        index = {o.key: i for i, o in enumerate(self.candidates)}
        unplaceable = {(d.program_id, d.start): d for d in self.problem.unplaceable_locks}
        for program_id, start in self.problem.locks:
            description = f"the accepted offer {program_id} starting {start}"
            dropped = unplaceable.get((program_id, start))
            if dropped is not None:  # name the rule it breaks on its own
                description += f", which breaks by itself: {dropped.detail}"
            guard = self.guard(f"lock:{program_id}@{start}", description)
            if dropped is not None or (program_id, start) not in index:
                self._enforce(self.model.add_bool_or([]), guard)
            else:
                self._enforce(self.model.add(self.choose[index[(program_id, start)]] == 1), guard)

    def _add_tier_mix(self) -> None:
        req = self.problem.requirements
        if not req.tier_mix:
            return
        guard = self.guard(
            "tier_mix",
            "tier mix: a reach/target radiology rotation and an IMG-friendly target/safety one",
        )
        pairs = list(zip(self.choose, self.candidates, strict=True))
        high = cp_model.LinearExpr.sum([x for x, o in pairs if o.tier_mix_high])
        safe = cp_model.LinearExpr.sum([x for x, o in pairs if o.tier_mix_safe])
        # Applies only when the plan has radiology: rad_count <= max * (#high);
        # with radiology.min >= 1 this is simply #high >= 1 (a tighter LP). In a
        # diagnosis radiology.max may be relaxed, so the multiplier must not carry it
        # (else a conflict with radiology.max is blamed on tier_mix alone).
        radiology_programs = len({o.program_id for o in self.candidates if o.is_radiology})
        big = max(1, radiology_programs if self.guarded else req.radiology_max)
        for side in (high, safe):
            if req.radiology_min >= 1 and not self.guarded:
                self.model.add(side >= 1)
            else:
                self._enforce(self.model.add(self.radiology_count <= big * side), guard)

    def _add_affordable_location(self) -> None:
        limit = self.problem.requirements.affordable_housing_per_week
        if limit is None:
            return
        guard = self.guard(
            "affordable_housing_per_week",
            f"at least one rotation with housing at most ${limit:,}/week",
        )
        cheap = cp_model.LinearExpr.sum(
            [
                x
                for x, o in zip(self.choose, self.candidates, strict=True)
                if o.housing_per_week <= limit
            ]
        )
        # Only a non-empty plan needs an affordable stop: total <= max_rotations * #cheap
        # (in a diagnosis max_rotations may be relaxed: then every program counts).
        total = self.radiology_count + self.clinical_count
        programs = len({o.program_id for o in self.candidates})
        big = max(1, programs if self.guarded else self.problem.requirements.max_rotations)
        self._enforce(self.model.add(total <= big * cheap), guard)

    def _add_high_cost_rest(self) -> None:
        req = self.problem.requirements
        rest, limit = req.high_cost_rest_days, req.affordable_housing_per_week
        if not rest or limit is None:
            return
        guard = self.guard(
            "high_cost_rest_days",
            f"at least {rest} free days between rotations with housing above ${limit:,}/week",
        )
        dear = [i for i, o in enumerate(self.candidates) if o.housing_per_week > limit]
        if not dear:
            return
        origin = min(self.candidates[i].start for i in dear)
        spans = [
            (
                (self.candidates[i].start - origin).days,
                (self.candidates[i].end - origin).days + rest,
            )
            for i in dear
        ]
        for clique in maximal_cliques(spans):
            members = [self.choose[dear[k]] for k in clique]
            self._enforce(self.model.add(cp_model.LinearExpr.sum(members) <= 1), guard)

    # -- in-place changes for re-solves ------------------------------------------

    def set_budget(self, budget: int) -> None:
        """Change the budget bound without rebuilding (what-if sweeps)."""
        if self.budget_constraint is None or budget > self.budget_limit:
            raise ValueError(f"budget {budget} is above the model's limit {self.budget_limit}")
        # The pybind proto list ignores negative indices: address the upper bound by position.
        # CP-SAT moved the constant of `total_cost` (the fees already paid) to the bound.
        domain = self.budget_constraint.proto.linear.domain
        domain[len(domain) - 1] = budget - self.problem.paid_fees
        self.problem = self.problem.with_budget(budget)
        if "budget" in self.rules:  # a conflict read after the change names the new budget
            self.rules["budget"] = Rule("budget", self._budget_words())

    def chosen(self, solver: cp_model.CpSolver) -> list[Offering]:
        """The offerings a solved model takes, sorted by start."""
        taken = [o for x, o in zip(self.choose, self.candidates, strict=True) if solver.value(x)]
        return sorted(taken, key=lambda o: (o.start, o.program_id))
