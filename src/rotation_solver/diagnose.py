"""Name the user's rules that conflict when no plan exists.

Every rule is guarded by an assumption literal. CP-SAT returns a sufficient
set of assumptions for infeasibility (single worker, no objective); deleting
rules one at a time then shrinks it to a minimal set: dropping any one of
the rules left makes a plan possible.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from rotation_solver.model import PlanModel, Rule
from rotation_solver.problem import PlanningProblem


@dataclass(frozen=True)
class Conflict:
    """A set of rules that cannot all hold, and the cheapest plan without the budget."""

    rules: tuple[Rule, ...]
    minimal: bool
    cheapest_without_budget: int | None = None

    def sentence(self) -> str:
        if not self.rules:
            return "no plan exists, but no single rule could be blamed"
        parts = "; ".join(rule.description for rule in self.rules)
        return f"these rules cannot all hold: {parts}"


def _feasible_with(
    plan_model: PlanModel, keys: list[str], time_limit: float, seed: int
) -> tuple[bool | None, list[str]]:
    """Solve assuming only `keys`; return (feasible?, a sufficient subset if infeasible)."""
    model = plan_model.model
    model.clear_assumptions()
    model.add_assumptions([plan_model.guards[key] for key in keys])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # sufficient assumptions need a single worker
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = time_limit
    code = solver.solve(model)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True, []
    if code != cp_model.INFEASIBLE:
        return None, keys
    index_of = {plan_model.guards[key].index: key for key in keys}
    core = [index_of[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in index_of]
    return False, core or keys


def find_conflict(problem: PlanningProblem, time_limit: float = 20.0, seed: int = 0) -> Conflict:
    """A minimal set of the problem's rules in conflict (empty if the problem is feasible)."""
    plan_model = PlanModel(problem, guarded=True, with_objective=False)
    keys = list(plan_model.guards)
    feasible, core = _feasible_with(plan_model, keys, time_limit, seed)
    if feasible is not False:
        return Conflict((), minimal=False)
    minimal = True
    for key in list(core):
        if key not in core:
            continue
        trial = [k for k in core if k != key]
        feasible, smaller = _feasible_with(plan_model, trial, time_limit, seed)
        if feasible is None:
            minimal = False
        elif not feasible:
            core = [k for k in trial if k in set(smaller)] or trial
    cheapest = _cheapest_plan_cost(problem, [k for k in keys if k != "budget"], time_limit, seed)
    return Conflict(
        tuple(plan_model.rules[k] for k in core), minimal, cheapest if "budget" in core else None
    )


def _cheapest_plan_cost(
    problem: PlanningProblem, keys: list[str], time_limit: float, seed: int
) -> int | None:
    """Least total cost of a plan meeting every rule but the budget."""
    plan_model = PlanModel(problem, guarded=True, with_objective=False, max_budget=10**12)
    for key, guard in plan_model.guards.items():
        plan_model.model.add(guard == (1 if key in keys else 0))
    plan_model.model.minimize(plan_model.total_cost)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = time_limit
    if solver.solve(plan_model.model) == cp_model.OPTIMAL:
        return round(solver.objective_value)
    return None
