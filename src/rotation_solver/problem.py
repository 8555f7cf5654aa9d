"""The immutable planning problem a model is built from: offerings plus the plan rules."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rotation_solver.offerings import DroppedOffering, Expansion, Offering, expand
from rotation_solver.scenario import LoadedScenario, ResolvedRequirements


@dataclass(frozen=True)
class PlanningProblem:
    """Everything the CP-SAT model needs, and nothing it must compute again; the whole
    expansion rides along for the explanations and the diagnosis."""

    name: str
    offerings: tuple[Offering, ...]
    requirements: ResolvedRequirements
    budget: int
    extra_radiology_penalty: int
    locks: tuple[tuple[str, date], ...]
    # Locks whose offering breaks the window, a blocked period or the specialty rule:
    # the lock itself makes every plan impossible.
    unplaceable_locks: tuple[DroppedOffering, ...]
    expansion: Expansion
    # Fees already paid (scenario `applied`, `offers`): in every plan's total cost, since
    # the budget is the season's; those programs' offerings cost no fee.
    paid_fees: int = 0

    def with_budget(self, budget: int) -> PlanningProblem:
        """The same problem at another budget (what-if comparisons)."""
        return dataclasses.replace(self, budget=budget)

    def plan_value(self, rotations: Iterable[Offering]) -> int:
        """A plan's objective: its values less the penalty for radiology beyond two."""
        chosen = list(rotations)
        radiology = sum(1 for o in chosen if o.is_radiology)
        return sum(o.value for o in chosen) - self.extra_radiology_penalty * max(0, radiology - 2)

    def value_ceiling(self) -> int:
        """A bound on any plan's objective: its `max_rotations` best programs' values (one
        rotation per program; the penalty only lowers it). Valid at any budget, and loose."""
        best: dict[str, int] = {}
        for o in self.offerings:
            best[o.program_id] = max(best.get(o.program_id, 0), o.value)
        top = sorted(best.values(), reverse=True)[: self.requirements.max_rotations]
        return sum(v for v in top if v > 0)

    def cost_ceiling(self) -> int:
        """No plan costs more than the `max_rotations` dearest offerings together (and the
        fees already paid)."""
        costs = sorted((o.cost for o in self.offerings), reverse=True)
        return sum(costs[: self.requirements.max_rotations]) + self.paid_fees

    def plan_cost(self, rotations: Iterable[Offering]) -> int:
        """A plan's total cost: its rotations and the fees already paid."""
        return sum(o.cost for o in rotations) + self.paid_fees

    def programs_of(self, kind: str) -> set[str]:
        """The programs with an offering of `kind` (radiology or clinical)."""
        return {o.program_id for o in self.offerings if o.kind == kind}

    def offering(self, program_id: str, start: date) -> Offering | None:
        for offering in self.offerings:
            if offering.program_id == program_id and offering.start == start:
                return offering
        return None


def build_problem(
    loaded: LoadedScenario, *, budget: int | None = None, relax_user_rules: bool = False
) -> PlanningProblem:
    """Expand the scenario's catalog and gather the rules (spec sections 4-6).

    `relax_user_rules` keeps offerings that only blocked periods or document
    dates rule out (for diagnosis; never for planning).
    """
    expansion = expand(loaded, relax_user_rules=relax_user_rules)
    locks = tuple((lock.program, lock.start) for lock in loaded.locks)
    present = {o.key for o in expansion.offerings}
    locked = set(locks)
    unplaceable = tuple(
        d
        for d in expansion.dropped
        if (d.program_id, d.start) in locked and (d.program_id, d.start) not in present
    )
    return PlanningProblem(
        name=loaded.scenario.name,
        offerings=expansion.offerings,
        requirements=loaded.requirements,
        budget=loaded.scenario.budget if budget is None else budget,
        extra_radiology_penalty=expansion.weights.extra_radiology_penalty,
        locks=locks,
        unplaceable_locks=unplaceable,
        expansion=expansion,
        paid_fees=loaded.paid_fees,
    )
