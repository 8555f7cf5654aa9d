"""For each rule in a conflict, one concrete change that makes a plan possible.

Every repair is a changed scenario solved by the ordinary model and passed by
the independent checker, so "raise the budget to $4,185" is a promise the
planner keeps, with the value of the best plan after the change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from rotation_solver.diagnose import (
    Conflict,
    Repair,
    cheapest_plan_cost,
    short_of_programs,
    unmeetable_count,
)
from rotation_solver.offerings import apply_by
from rotation_solver.plan_json import plan_payload
from rotation_solver.problem import build_problem
from rotation_solver.scenario import LoadedScenario, drop_lock, resolve_requirements
from rotation_solver.solve import (
    NOT_SETTLED,
    Clock,
    NotSettled,
    Result,
    SolveOptions,
    solve_problem,
)
from rotation_solver.verify import verify
from rotation_solver.words import counted


def changed(loaded: LoadedScenario, **updates: Any) -> LoadedScenario:
    """The scenario with some top-level fields replaced (requirements re-resolved)."""
    scenario = loaded.scenario.model_copy(update=updates)
    return dataclasses.replace(
        loaded, scenario=scenario, requirements=resolve_requirements(scenario)
    )


def best_plan(loaded: LoadedScenario, clock: Clock, *, settle: bool = False) -> Result | None:
    """The best plan of a scenario, checked independently; None when there is none
    (NotSettled when the time limit stopped the solve before it could tell). `settle`:
    the plan `solve` would show, ties settled, for every repair stated; the searches that
    only ask whether a change is enough need no more than the value."""
    problem = build_problem(loaded)
    result = solve_problem(problem, clock.left(), settle=settle)
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

    # Above the number of programs of its kind a maximum no longer binds.
    ceiling = sum(
        1 for p in loaded.programs if (p.specialty == "radiology") == (kind == "radiology")
    )

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
        # Above radiology.max + clinical.max the rule no longer binds.
        start, label = resolved.max_rotations, "max_rotations"
        values = range(start + 1, resolved.radiology_max + resolved.clinical_max + 1)
    else:
        start, label = current[(kind, bound)], f"{kind}.{bound}"
        values = range(start - 1, -1, -1) if bound == "min" else range(start + 1, ceiling + 1)
    first = _first_that_works(values, lambda value: best_plan(with_value(value), clock))
    if first is None:
        return None
    value, found = first
    change = f"change {label} from {start} to {value}"
    if not any(o.is_radiology for o in found.rotations):
        # Possible, but it gives up the point of the whole plan: say so.
        change += " (the plan then has no radiology rotation, so no radiology letter)"
    elif not any(not o.is_radiology for o in found.rotations):
        # The guide's U.S. clinical rotation shows bedside skills and earns a
        # letter beyond radiology [Step 3, Pitfalls]: say what is given up.
        change += (
            " (the plan then has no U.S. clinical rotation: no bedside letter beyond radiology)"
        )
    return with_value(value), change


def _first_that_works(
    values: Sequence[int], attempt: Callable[[int], Result | None]
) -> tuple[int, Result] | None:
    """The first value, in order of growing change, with a plan, and that plan.

    Each change only relaxes the rule further, so once a value works every later one
    does: a binary search needs about log2(len(values)) solves, not one per value.
    """
    low, high, found = 0, len(values) - 1, None
    while low <= high:
        middle = (low + high) // 2
        result = attempt(values[middle])
        if result is not None:
            found, high = (values[middle], result), middle - 1
        else:
            low = middle + 1
    return found


def _budget(
    loaded: LoadedScenario, clock: Clock, known: Conflict | None = None
) -> tuple[LoadedScenario, str] | None:
    if known is not None and known.cheapest_settled:  # the conflict search already solved it
        least = known.cheapest_without_budget
    else:
        options = clock.left()
        least = cheapest_plan_cost(loaded, options.time_limit, options.seed, options.workers)
    if least is None:
        return None
    return (
        loaded.with_budget(least),
        f"raise the budget from ${loaded.budget:,} to ${least:,}: the cheapest plan that "
        f"meets every other rule costs ${least:,}",
    )


def _gap(loaded: LoadedScenario, clock: Clock) -> tuple[LoadedScenario, str] | None:
    current = loaded.scenario.calendar.min_gap_days

    def at(gap: int) -> LoadedScenario:
        calendar = loaded.scenario.calendar.model_copy(update={"min_gap_days": gap})
        return changed(loaded, calendar=calendar)

    first = _first_that_works(range(current - 1, -1, -1), lambda gap: best_plan(at(gap), clock))
    if first is None:
        return None
    return at(first[0]), f"shorten min_gap_days from {current} to {first[0]}"


def _rest(loaded: LoadedScenario, clock: Clock) -> tuple[LoadedScenario, str] | None:
    requirements = loaded.scenario.requirements
    current = requirements.high_cost_rest_days

    def at(days: int) -> LoadedScenario:
        return changed(
            loaded, requirements=requirements.model_copy(update={"high_cost_rest_days": days})
        )

    first = _first_that_works(range(current - 1, -1, -1), lambda days: best_plan(at(days), clock))
    if first is None:
        return None
    return at(first[0]), f"shorten high_cost_rest_days from {current} to {first[0]}"


def _blocked(loaded: LoadedScenario, index: int, clock: Clock) -> tuple[LoadedScenario, str] | None:
    blocked = list(loaded.scenario.calendar.blocked)
    period = blocked.pop(index)
    calendar = loaded.scenario.calendar.model_copy(update={"blocked": blocked})
    candidate = changed(loaded, calendar=calendar)
    # Its dates are shown: the ones `solve` gives once the period is freed (found by
    # review: the same plan at other starts).
    result = best_plan(candidate, clock, settle=True)
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
    the last days to apply (`apply_by`) the document misses finds the least demanding date.
    """
    old = loaded.scenario.documents[name]
    late = build_problem(loaded, relax_user_rules=True).offerings
    by_start = loaded.requirements.apply_by_start
    # The last day each late application can go out (never None: a late one has a limit).
    last_days = {
        apply_by(o.deadline, o.start, by_start)
        for o in late
        if f"documents:{name}" in o.forbidden_by
    }
    dates = sorted((day for day in last_days if day is not None), reverse=True)

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
        f"{name} ready by {ready_by} (instead of {old}) reopens "
        f"{counted(len(reopened), 'offering')} at {counted(programs, 'program')}"
    )


def _repair_for(
    loaded: LoadedScenario, key: str, clock: Clock, conflict: Conflict | None = None
) -> tuple[LoadedScenario, str] | None:
    kind, _, detail = key.partition(":")
    if key == "budget":
        return _budget(loaded, clock, conflict)
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
        lock = next(lock for lock in loaded.locks if f"{lock.program}@{lock.start}" == detail)
        return drop_lock(loaded, lock), f"drop the lock on {detail}"
    if kind == "blocked":
        return _blocked(loaded, int(detail), clock)
    if kind == "documents":
        return _document(loaded, detail, clock)
    return None


def suggest_repairs(
    loaded: LoadedScenario, conflict: Conflict, options: SolveOptions
) -> tuple[Repair, ...]:
    """One verified repair per rule of the conflict, with the best plan's value after it.

    The repairs' solves share one deadline, as much again as `options.time_limit`, each
    repair getting an equal share of what is left. The repairs come best first (the
    value of the plan each makes possible; those not enough last): a new-user review
    found "radiology.min 2 -> 0, worth 31" leading a radiology applicant's list."""
    clock = Clock.start(options)
    repairs = []
    short: dict[str, str] | None = None
    for index, rule in enumerate(conflict.rules):
        share = clock.share(len(conflict.rules) - index)
        try:
            found = _repair_for(loaded, rule.key, share, conflict)
            # Settled as `solve` settles ties, cheapest first (found by an oracle: a repair
            # stated a dearer plan of the same value than `solve` gives after the change).
            result = best_plan(found[0], share, settle=True) if found is not None else None
        except NotSettled:
            repairs.append(Repair(rule.key, f"relaxing {rule.key}: {NOT_SETTLED}", None, None))
            continue
        if found is None or result is None:
            # Minimal means the set conflicts; the scenario's other rules may still
            # block a plan once this one alone is relaxed.
            if short is None:  # built once, and only when some repair is not enough
                short = _short_counts(loaded)
            causes = "; ".join(text for key, text in short.items() if key != rule.key)
            change = (
                f"relaxing {rule.key} alone is not enough: {causes or 'other rules still conflict'}"
            )
            repairs.append(Repair(rule.key, change, None, None))
            continue
        proven = result.status == "optimal"
        change = found[1] + (_tier_mix_given_up(result) if rule.key == "tier_mix" else "")
        repairs.append(
            Repair(rule.key, change, result.objective, result.total_cost, found[0], proven)
        )
    return tuple(sorted(repairs, key=lambda r: (r.objective is None, -(r.objective or 0))))


def _tier_mix_given_up(result: Result) -> str:
    """What the plan without tier_mix lacks of the guide's balance (Step 2: one realistic-
    to-reach rotation, one realistic-to-safety one at an IMG-friendly program), as
    `clinical.min`'s repair says it gives up the bedside letter."""
    radiology = [o for o in result.rotations if o.is_radiology]
    lacks = []
    if radiology and not any(o.tier_mix_high for o in radiology):
        lacks.append("no reach or target radiology rotation")
    if radiology and not any(o.tier_mix_safe for o in radiology):
        lacks.append("no IMG-friendly target or safety radiology rotation")
    return f" (the plan then has {' and '.join(lacks)})" if lacks else ""


def _short_counts(loaded: LoadedScenario) -> dict[str, str]:
    """The count rules too few programs can meet, each with why (rule key -> words): no
    change to another rule helps them, so a repair that is not enough names them."""
    problem = build_problem(loaded, relax_user_rules=True)
    return {
        rule: f"{rule} still cannot hold ({unmeetable_count(problem, kind)})"
        for rule, kind in short_of_programs(problem).items()
    }


__all__ = ["changed", "suggest_repairs"]
