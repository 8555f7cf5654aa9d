"""For each rule in a conflict, one concrete change that makes a plan possible.

Every repair is a changed scenario solved by the ordinary model and passed by
the independent checker, so "raise the budget to $4,185" is a promise the
planner keeps, with the value of the best plan after the change.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from rotation_solver.diagnose import Conflict, Repair, cheapest_plan_cost
from rotation_solver.plan_json import plan_payload
from rotation_solver.problem import build_problem
from rotation_solver.scenario import LoadedScenario, resolve_requirements
from rotation_solver.solve import (
    NOT_SETTLED,
    Clock,
    NotSettled,
    Result,
    SolveOptions,
    solve_problem,
)
from rotation_solver.verify import verify


def changed(loaded: LoadedScenario, **updates: Any) -> LoadedScenario:
    """The scenario with some top-level fields replaced (requirements re-resolved)."""
    locks = updates.pop("locks", loaded.locks)
    scenario = loaded.scenario.model_copy(update=updates)
    return dataclasses.replace(
        loaded, scenario=scenario, locks=tuple(locks), requirements=resolve_requirements(scenario)
    )


def best_plan(loaded: LoadedScenario, clock: Clock) -> Result | None:
    """The best plan of a scenario, checked independently; None when there is none
    (NotSettled when the time limit stopped the solve before it could tell)."""
    problem = build_problem(loaded)
    result = solve_problem(problem, clock.left())
    if result.status == "unknown":
        raise NotSettled
    if not result.has_plan:
        return None
    verify(loaded, plan_payload(loaded, problem, result))  # a rejection is a bug: exit 70
    return result


def _count_rule(
    loaded: LoadedScenario, kind: str, bound: str, clock: Clock
) -> tuple[LoadedScenario, str] | None:
    requirements = loaded.scenario.requirements
    resolved = loaded.requirements
    current = {
        ("radiology", "min"): resolved.radiology_min,
        ("radiology", "max"): resolved.radiology_max,
        ("clinical", "min"): resolved.clinical_min,
        ("clinical", "max"): resolved.clinical_max,
    }

    def with_value(value: int) -> LoadedScenario:
        if kind == "max_rotations":
            return changed(
                loaded, requirements=requirements.model_copy(update={"max_rotations": value})
            )
        # Keep the other bound explicit so a default cannot cross the new value.
        group = getattr(requirements, kind).model_copy(
            update={"min": current[(kind, "min")], "max": current[(kind, "max")], bound: value}
        )
        return changed(loaded, requirements=requirements.model_copy(update={kind: group}))

    if kind == "max_rotations":
        start, step, stop = resolved.max_rotations, 1, len(loaded.programs)
        label = "max_rotations"
    else:
        start, label = current[(kind, bound)], f"{kind}.{bound}"
        step, stop = (-1, 0) if bound == "min" else (1, len(loaded.programs))
    value = start + step
    while (value >= stop) if step < 0 else (value <= stop):
        if kind != "max_rotations" and bound == "max" and value < current[(kind, "min")]:
            break
        candidate = with_value(value)
        found = best_plan(candidate, clock)
        if found is not None:
            change = f"change {label} from {start} to {value}"
            if not any(o.is_radiology for o in found.rotations):
                # Possible, but it gives up the point of the whole plan: say so.
                change += " (the plan then has no radiology rotation, so no radiology letter)"
            elif not any(not o.is_radiology for o in found.rotations):
                # The guide's U.S. clinical rotation shows bedside skills and earns a
                # letter beyond radiology [Step 3, Pitfalls]: say what is given up.
                change += (
                    " (the plan then has no U.S. clinical rotation: no bedside letter beyond "
                    "radiology)"
                )
            return candidate, change
        value += step
    return None


def _budget(loaded: LoadedScenario, clock: Clock) -> tuple[LoadedScenario, str] | None:
    options = clock.left()
    least = cheapest_plan_cost(loaded, options.time_limit, options.seed)
    if least is None:
        return None
    return (
        loaded.with_budget(least),
        f"raise the budget from ${loaded.budget:,} to ${least:,}: the cheapest plan that "
        f"meets every other rule costs ${least:,}",
    )


def _gap(loaded: LoadedScenario, clock: Clock) -> tuple[LoadedScenario, str] | None:
    current = loaded.scenario.calendar.min_gap_days
    for gap in range(current - 1, -1, -1):
        calendar = loaded.scenario.calendar.model_copy(update={"min_gap_days": gap})
        candidate = changed(loaded, calendar=calendar)
        if best_plan(candidate, clock) is not None:
            return candidate, f"shorten min_gap_days from {current} to {gap}"
    return None


def _rest(loaded: LoadedScenario, clock: Clock) -> tuple[LoadedScenario, str] | None:
    requirements = loaded.scenario.requirements
    current = requirements.high_cost_rest_days
    for days in range(current - 1, -1, -1):
        candidate = changed(
            loaded, requirements=requirements.model_copy(update={"high_cost_rest_days": days})
        )
        if best_plan(candidate, clock) is not None:
            return candidate, f"shorten high_cost_rest_days from {current} to {days}"
    return None


def _blocked(loaded: LoadedScenario, index: int, clock: Clock) -> tuple[LoadedScenario, str] | None:
    blocked = list(loaded.scenario.calendar.blocked)
    period = blocked.pop(index)
    calendar = loaded.scenario.calendar.model_copy(update={"blocked": blocked})
    candidate = changed(loaded, calendar=calendar)
    result = best_plan(candidate, clock)
    if result is None:
        return None
    used = [
        f"{o.program_id} {o.start}..{o.end}"
        for o in result.rotations
        if o.start <= period.end and period.start <= o.end
    ]
    reason = f" ({period.reason})" if period.reason else ""
    return candidate, (
        f"free the blocked period {period.start}..{period.end}{reason} (move it or drop it)"
        + (f": the best plan then uses those days for {', '.join(used)}" if used else "")
    )


def _document(loaded: LoadedScenario, name: str, clock: Clock) -> tuple[LoadedScenario, str] | None:
    """The latest ready date for one document that makes a plan possible.

    Feasibility only grows as the date moves earlier, so a binary search over
    the deadlines the document misses finds the least demanding date.
    """
    old = loaded.scenario.documents[name]
    late = build_problem(loaded, relax_user_rules=True).offerings
    dates = sorted(
        {o.deadline for o in late if f"documents:{name}" in o.forbidden_by and o.deadline},
        reverse=True,
    )

    def at(ready: date) -> LoadedScenario:
        return changed(loaded, documents={**loaded.scenario.documents, name: ready})

    low, high, found = 0, len(dates) - 1, None
    while low <= high:  # dates run latest first: find the first (latest) that works
        middle = (low + high) // 2
        if best_plan(at(dates[middle]), clock) is not None:
            found, high = middle, middle - 1
        else:
            low = middle + 1
    if found is None:
        return None
    ready_by = dates[found]
    candidate = at(ready_by)
    before = {o.key for o in build_problem(loaded).offerings}
    reopened = [o for o in build_problem(candidate).offerings if o.key not in before]
    programs = len({o.program_id for o in reopened})
    return candidate, (
        f"{name} ready by {ready_by} (instead of {old}) reopens {len(reopened)} offering(s) "
        f"at {programs} program(s)"
    )


def _repair_for(
    loaded: LoadedScenario, key: str, clock: Clock
) -> tuple[LoadedScenario, str] | None:
    kind, _, detail = key.partition(":")
    if key == "budget":
        return _budget(loaded, clock)
    if key == "tier_mix":
        requirements = loaded.scenario.requirements.model_copy(update={"tier_mix": False})
        return changed(loaded, requirements=requirements), "drop tier_mix"
    if key == "min_gap_days":
        return _gap(loaded, clock)
    if key == "max_rotations":
        return _count_rule(loaded, "max_rotations", "", clock)
    if key.startswith(("radiology.", "clinical.")):
        group, bound = key.split(".")
        return _count_rule(loaded, group, bound, clock)
    if key == "affordable_housing_per_week":
        requirements = loaded.scenario.requirements.model_copy(
            update={"affordable_housing_per_week": None, "high_cost_rest_days": 0}
        )
        return changed(loaded, requirements=requirements), "drop affordable_housing_per_week"
    if key == "high_cost_rest_days":
        return _rest(loaded, clock)
    if kind == "lock":
        remaining = [lock for lock in loaded.locks if f"{lock.program}@{lock.start}" != detail]
        return changed(loaded, locks=remaining), f"drop the lock on {detail}"
    if kind == "blocked":
        return _blocked(loaded, int(detail), clock)
    if kind == "documents":
        return _document(loaded, detail, clock)
    return None


def suggest_repairs(
    loaded: LoadedScenario, conflict: Conflict, options: SolveOptions
) -> tuple[Repair, ...]:
    """One verified repair per rule of the conflict, with the best plan's value after it.

    The repairs' solves share one deadline, as much again as `options.time_limit`."""
    clock = Clock.start(options)
    repairs = []
    for rule in conflict.rules:
        try:
            found = _repair_for(loaded, rule.key, clock)
            result = best_plan(found[0], clock) if found is not None else None
        except NotSettled:
            repairs.append(Repair(rule.key, f"relaxing {rule.key}: {NOT_SETTLED}", None, None))
            continue
        if found is None or result is None:
            # Minimal means the set conflicts; the scenario's other rules may still
            # block a plan once this one alone is relaxed.
            change = f"relaxing {rule.key} alone is not enough: other rules still conflict"
            repairs.append(Repair(rule.key, change, None, None))
            continue
        proven = result.status == "optimal"
        repairs.append(
            Repair(rule.key, found[1], result.objective, result.total_cost, found[0], proven)
        )
    return tuple(repairs)


__all__ = ["changed", "suggest_repairs"]
