"""Why this plan: value breakdown, binding rules, the cost of losing each rotation, and
why the best programs left out are not in it. Every claim is a re-solve, not a guess.

The re-solves share one time limit (`--time-limit`, as much again as the plan's own
solve); a claim whose re-solve does not finish in time is not made.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from ortools.sat.python import cp_model

from rotation_solver.advice import (
    LONG_SHOT,
    NO_PLAN_WITHOUT,
    RADIOLOGY_LETTERS_WANTED,
    second_radiology_letter_late,
)
from rotation_solver.interrupt import solve_interruptibly
from rotation_solver.model import PlanModel
from rotation_solver.offerings import DroppedOffering, DropReason, Offering, drop_lock_clashes
from rotation_solver.problem import PlanningProblem
from rotation_solver.reduction import dominated_offerings
from rotation_solver.solve import (
    NOT_SETTLED,
    Clock,
    NotSettled,
    Result,
    SolveOptions,
    configure_reduced,
    solve_problem,
)
from rotation_solver.words import counted, join_names

UNCHOSEN_SHOWN = 5
# "Nearly as good for less": the cheapest plan worth at least this share of the best,
# said when it saves at least this share of the plan's cost (a student's idea: the
# frontier showed a plan worth 99% of the best for 44% less, which `solve` never said).
NEAR_BEST_SHARE = Fraction(95, 100)
WORTH_SAYING_SAVING = Fraction(10, 100)
UNAVAILABLE_SHOWN = 10

# How the reason of a program left out for an equally good plan begins (`changes` reads it).
EQUALLY_GOOD = "an equally good alternative: "


def _best_with(
    problem: PlanningProblem,
    clock: Clock,
    *,
    without: str | None = None,
    with_program: str | None = None,
    ignore_budget: bool = False,
    cheapest_worth: int | None = None,
    including: Callable[[Offering], bool] | None = None,
    also_including: Callable[[Offering], bool] | None = None,
    closest_to: Sequence[Offering] = (),
    including_at_least: int = 1,
    also_at_least: int = 1,
) -> tuple[int, int, list[Offering]] | None:
    """(objective, cost, rotations) of the best plan without one program or with one
    forced in (or, with `including`, at least `including_at_least` offerings it accepts,
    and `also_at_least` that `also_including` accepts); with
    `cheapest_worth`, the cheapest such plan worth at least that much, or with
    `closest_to` as well, the one keeping most of those rotations at their starts.
    None when there is no such plan; NotSettled when the time ran out first.

    Dominated offerings are removed first (`reduction.dominated_offerings`), with the
    forced program's offerings protected: swapping a removed offering for a
    dominator keeps the forced program in the plan, so the optimum is unchanged.
    """
    # Before building: on a large catalog the reduction and the model take about a second,
    # and 41 re-solves past the deadline each built theirs first (found by review).
    clock.left()
    if ignore_budget:
        problem = problem.with_budget(10**12)
    offerings = tuple(o for o in problem.offerings if o.program_id != without)
    if with_program is not None:
        including = lambda o: o.program_id == with_program  # noqa: E731
    keep = {o.key for o in closest_to}
    wanted = [(including, including_at_least), (also_including, also_at_least)]
    musts = [must for must, _ in wanted if must is not None]
    protected = tuple(o.key for o in offerings if any(must(o) for must in musts) or o.key in keep)
    shield = dataclasses.replace(problem, offerings=offerings, locks=problem.locks + protected)
    drop = dominated_offerings(shield)
    kept = tuple(o for i, o in enumerate(offerings) if i not in drop)
    plan_model = PlanModel(dataclasses.replace(problem, offerings=kept))
    for must, at_least in wanted:
        if must is None or at_least <= 0:
            continue
        chosen = [
            x for x, o in zip(plan_model.choose, plan_model.candidates, strict=True) if must(o)
        ]
        if len(chosen) < at_least:
            return None
        plan_model.model.add(cp_model.LinearExpr.sum(chosen) >= at_least)
    if cheapest_worth is not None:
        # Dominance swaps never raise cost nor lower value, so the reduction holds here too.
        plan_model.model.add(plan_model.objective >= cheapest_worth)
        if keep:
            kept_here = [
                x for x, o in zip(plan_model.choose, plan_model.candidates, strict=True)
                if o.key in keep
            ]  # fmt: skip
            plan_model.model.maximize(cp_model.LinearExpr.sum(kept_here))
        else:
            plan_model.model.minimize(plan_model.total_cost)
    solver = cp_model.CpSolver()
    configure_reduced(solver, clock.left(), len(plan_model.candidates))
    status = solve_interruptibly(solver, plan_model.model)
    if status == cp_model.INFEASIBLE:
        return None
    if status != cp_model.OPTIMAL:  # a plan found but not proven best is not a claim
        raise NotSettled
    chosen_plan = plan_model.chosen(solver)
    cost = problem.plan_cost(chosen_plan)
    # From the plan itself: when cost is minimised, the penalty variable is only bounded
    # below, so the model's objective expression may understate the plan's value.
    return problem.plan_value(chosen_plan), cost, list(chosen_plan)


def _lifted(
    problem: PlanningProblem,
    *,
    offers: Collection[tuple[str, date]] = (),
    min_gap_days: int | None = None,
) -> PlanningProblem:
    """The problem with some accepted offers made optional again, or another gap.

    Offerings left out for clashing with a lock come back where the lifted rules no
    longer rule them out (else lifting a lock could never open what it blocked).
    """
    lifted = set(offers)
    gap = problem.requirements.min_gap_days if min_gap_days is None else min_gap_days
    every = problem.expansion.before_lock_clashes or problem.offerings
    offerings, _ = drop_lock_clashes(
        [dataclasses.replace(o, locked=False) if o.key in lifted else o for o in every], gap
    )
    return dataclasses.replace(
        problem,
        locks=tuple(k for k in problem.locks if k not in lifted),
        offerings=tuple(offerings),
        requirements=dataclasses.replace(problem.requirements, min_gap_days=gap),
    )


def _blocking_rule(
    problem: PlanningProblem, clock: Clock, program_id: str, floor: int
) -> str | None:
    """The gap rule or an accepted offer, when lifting it alone lets a plan with the
    program be worth at least `floor` (None: neither is the reason)."""
    if problem.requirements.min_gap_days:
        lifted = _best_with(_lifted(problem, min_gap_days=0), clock, with_program=program_id)
        if lifted is not None and lifted[0] >= floor:
            return (
                f"the minimum gap (calendar.min_gap_days {problem.requirements.min_gap_days}): "
                f"at 0, a plan with it would be worth {lifted[0]}"
            )
    if problem.locks:
        # One offer that stands in the way on its own is named alone (the best such);
        # otherwise all of them, lifted together.
        single = [
            (found[0], lock)
            for lock in problem.locks
            if (
                found := _best_with(_lifted(problem, offers=[lock]), clock, with_program=program_id)
            )
            is not None
            and found[0] >= floor
        ]
        if single:
            worth, (offer, _start) = max(single)
            return (
                f"the accepted offer ({offer}): without that offer, a plan with it would be "
                f"worth {worth}"
            )
        lifted = _best_with(_lifted(problem, offers=problem.locks), clock, with_program=program_id)
        if lifted is not None and lifted[0] >= floor:
            offers = ", ".join(sorted({pid for pid, _start in problem.locks}))
            return (
                f"the accepted offers ({offers}): without those offers, a plan with it would "
                f"be worth {lifted[0]}"
            )
    return None


def letters_by_eras(problem: PlanningProblem, result: Result, clock: Clock) -> list[dict[str, Any]]:
    """For a kind (radiology, clinical) whose every chosen rotation ends too late for its
    letter to reach ERAS: the best plan with one that does, and what it costs in value.
    Found by an advisor's review: the warning said the letter would be late, not what
    an on-time one would cost or how to ask for it. With both kinds late, also the best
    plan with both in time (kind "both"), and for each kind whether its plan still
    leaves the other letter late (`other_late`; found by review: two "aim for that
    plan" for plans that each fixed one letter).

    With two radiology rotations and only one letter in time, kind "second radiology":
    the best plan with two radiology letters in time (the guide's "at least two
    radiology letters", Step 5). A plan that fixes one kind but has fewer letters of the
    other in time than this plan says so (`other_letters_in_time`), unless an equally
    good plan keeps them (found by an advisor's review: the price of a clinical letter
    named a plan that moved a radiology rotation past ERAS, unsaid)."""

    on_time = _letter_on_time
    late_kinds = [
        radiology
        for radiology in (False, True)
        if (chosen := [o for o in result.rotations if o.is_radiology == radiology])
        and not any(o.locked for o in chosen)
        and not any(o.letter_in_time for o in chosen)
    ]
    requirements = problem.requirements
    second = bool(
        second_radiology_letter_late(
            result.rotations, requirements.radiology_max, requirements.max_rotations
        )
    )
    both: tuple[int, int, list[Offering]] | None = None
    try:
        if len(late_kinds) == 2:
            both = _best_with(
                problem, clock, including=on_time(False), also_including=on_time(True)
            )
        found = []
        for radiology_kind in late_kinds:
            best = _best_with(problem, clock, including=on_time(radiology_kind))
            if best is not None and both is not None and both[0] == best[0]:
                best = both  # as good, and the other letter in time too
            fewer: int | None = None
            if best is not None and len(late_kinds) < 2:
                best, fewer = _keeping_other_letters(
                    problem, clock, result, best, radiology_kind, 1
                )
            entry = _letter_entry("radiology" if radiology_kind else "clinical", best, result)
            entry["on_time"] = _on_time_ids(best, on_time(radiology_kind))
            entry["any_start_in_time"] = any(on_time(radiology_kind)(o) for o in problem.offerings)
            if best is None and entry["any_start_in_time"]:
                entry["over_budget"] = _least_budget_with(problem, clock, result, radiology_kind, 1)
                if entry["over_budget"] is None:
                    entry["gap_lifted"] = _with_gap_lifted(problem, clock, radiology_kind, 1)
            if best is not None and len(late_kinds) == 2:
                entry["other_late"] = best is not both and any(
                    o.is_radiology != radiology_kind for o in best[2]
                )
            if fewer is not None:
                entry["other_letters_in_time"] = fewer
            found.append(entry)
        if second:
            best = _best_with(
                problem,
                clock,
                including=on_time(True),
                including_at_least=RADIOLOGY_LETTERS_WANTED,
            )
            fewer = None
            if best is not None:
                best, fewer = _keeping_other_letters(
                    problem, clock, result, best, True, RADIOLOGY_LETTERS_WANTED
                )
            entry = _letter_entry("second radiology", best, result)
            entry["on_time"] = _on_time_ids(best, on_time(True))
            in_time_programs = {o.program_id for o in problem.offerings if on_time(True)(o)}
            entry["any_start_in_time"] = len(in_time_programs) >= RADIOLOGY_LETTERS_WANTED
            if best is None and entry["any_start_in_time"]:
                entry["over_budget"] = _least_budget_with(
                    problem, clock, result, True, RADIOLOGY_LETTERS_WANTED
                )
                if entry["over_budget"] is None:
                    entry["gap_lifted"] = _with_gap_lifted(
                        problem, clock, True, RADIOLOGY_LETTERS_WANTED
                    )
            if fewer is not None:
                entry["other_letters_in_time"] = fewer
            found.append(entry)
    except NotSettled:  # a price not settled in time is left out, not guessed
        return []
    if any(entry.get("other_late") for entry in found):
        found.append(_letter_entry("both", both, result))
    return found


def _least_budget_with(
    problem: PlanningProblem, clock: Clock, result: Result, radiology: bool, at_least: int
) -> dict[str, Any] | None:
    """When only the budget stands between the student and `at_least` letters of a kind
    in time: the least budget with such a plan, and the best plan at that budget, saying
    when it has fewer letters of the other kind in time than this plan (found by
    reviews: "no plan has two radiology letters ready by ERAS" where $95 more bought
    one; and that plan's clinical letter had moved past ERAS, unsaid)."""
    on_time = _letter_on_time(radiology)
    cheapest = _best_with(
        problem,
        clock,
        ignore_budget=True,
        cheapest_worth=-(10**9),  # any value: the cheapest plan with the letters
        including=on_time,
        including_at_least=at_least,
    )
    if cheapest is None:
        return None  # another rule than the budget
    there = problem.with_budget(cheapest[1])
    best = _best_with(there, clock, including=on_time, including_at_least=at_least)
    assert best is not None  # the cheapest plan fits that budget
    best, fewer = _keeping_other_letters(there, clock, result, best, radiology, at_least)
    rotations = sorted(best[2], key=lambda o: o.start)
    return {
        "budget": cheapest[1],
        "above_budget": cheapest[1] - problem.budget,
        "best": best[0],
        "cost": best[1],
        "plan": [f"{o.program_id}@{o.start.isoformat()}" for o in rotations],
        **({"other_letters_in_time": fewer} if fewer is not None else {}),
    }


def _with_gap_lifted(
    problem: PlanningProblem, clock: Clock, radiology: bool, at_least: int
) -> dict[str, Any] | None:
    """When the budget is not what stands between the student and `at_least` letters of a
    kind in time, whether the minimum gap between rotations is: the best plan with them
    at gap 0 within the budget, else the cheapest at any budget (found by an advisor's
    review: "another rule (dates or counts)" where the student's own 7-day gap was it).
    None when the gap is 0 already or lifting it does not help."""
    gap = problem.requirements.min_gap_days
    if not gap:
        return None
    lifted = _lifted(problem, min_gap_days=0)
    on_time = _letter_on_time(radiology)
    found = _best_with(lifted, clock, including=on_time, including_at_least=at_least)
    within = found is not None
    if found is None:  # the cheapest such plan, over the budget
        found = _best_with(
            lifted,
            clock,
            ignore_budget=True,
            cheapest_worth=-(10**9),
            including=on_time,
            including_at_least=at_least,
        )
    if found is None:
        return None
    return {
        "min_gap_days": gap,
        "best": found[0],
        "cost": found[1],
        "within_budget": within,
        "budget": problem.budget,
    }


def _letter_on_time(radiology: bool) -> Callable[[Offering], bool]:
    """An offering of that kind whose letter reaches ERAS."""
    return lambda o: o.is_radiology == radiology and o.letter_in_time


def _letters_in_time(rotations: Iterable[Offering], radiology: bool) -> int:
    """How many of the rotations of a kind end in time for their letter to reach ERAS."""
    return sum(map(_letter_on_time(radiology), rotations))


def _on_time_ids(
    best: tuple[int, int, list[Offering]] | None, on_time: Callable[[Offering], bool]
) -> list[str]:
    return [
        f"{o.program_id}@{o.start.isoformat()}" for o in (best[2] if best else []) if on_time(o)
    ]


def _keeping_other_letters(
    problem: PlanningProblem,
    clock: Clock,
    result: Result,
    best: tuple[int, int, list[Offering]],
    radiology: bool,
    at_least: int,
) -> tuple[tuple[int, int, list[Offering]], int | None]:
    """`best` (a plan with `at_least` letters of a kind in time), or an equally good one
    that keeps as many letters of the other kind in time as this plan has (up to the
    guide's two radiology letters, one clinical); else `best` and how many it keeps."""
    other = not radiology
    wanted = RADIOLOGY_LETTERS_WANTED if other else 1
    have = min(wanted, _letters_in_time(result.rotations, other))
    if _letters_in_time(best[2], other) >= have:
        return best, None
    keeping = _best_with(
        problem,
        clock,
        including=_letter_on_time(radiology),
        including_at_least=at_least,
        also_including=_letter_on_time(other),
        also_at_least=have,
    )
    if keeping is not None and keeping[0] == best[0]:
        return keeping, None  # a tie's free choice is not a trade
    return best, _letters_in_time(best[2], other)


def _letter_entry(
    kind: str, best: tuple[int, int, list[Offering]] | None, result: Result
) -> dict[str, Any]:
    """A `letters_by_eras` entry: the best plan of that kind, or none."""
    entry: dict[str, Any] = {"kind": kind, "best": None, "value_lost": None, "plan": []}
    if best is not None:
        assert result.objective is not None
        rotations = sorted(best[2], key=lambda o: o.start)
        entry.update(
            best=best[0],
            value_lost=result.objective - best[0],
            cost=best[1],
            plan=[f"{o.program_id}@{o.start.isoformat()}" for o in rotations],
        )
    return entry


def re_solved_advice(
    problem: PlanningProblem, result: Result, options: SolveOptions
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The re-solves behind two warnings, without a whole explanation (`timeline`,
    `solve --no-explain`): "no plan exists without it" for each rotation whose offer
    chance is under LONG_SHOT, and `letters_by_eras`. Found by review: the timeline, the
    student's to-do list, never gave them."""
    clock = Clock.start(options)
    without = []
    for offering in result.rotations:
        if offering.locked or offering.offered or offering.acceptance >= LONG_SHOT:
            continue
        try:
            best = _best_with(problem, clock, without=offering.program_id)
        except NotSettled:
            continue
        if best is None:
            without.append({"program_id": offering.program_id, "note": NO_PLAN_WITHOUT})
    return without, letters_by_eras(problem, result, clock)  # [] once out of time


def never_in_a_plan(
    problem: PlanningProblem, program_ids: Sequence[str], options: SolveOptions
) -> list[str]:
    """Those of `program_ids` that no plan within the budget can hold, proven by a
    re-solve each (one not settled in time is kept). Found by review: the fee note named
    programs "that fit" whose cheapest plan cost more than the budget."""
    clock = Clock.start(options)
    out = []
    for program_id in program_ids:
        try:
            if _best_with(problem, clock, with_program=program_id) is None:
                out.append(program_id)
        except NotSettled:
            continue
    return out


def value_breakdown(offering: Offering) -> dict[str, Any]:
    """Letter and audition parts (exact, before rounding), timing and acceptance factors."""
    return {
        "program_id": offering.program_id,
        "letter": round(float(offering.letter_part), 2),
        "audition": round(float(offering.audition_part), 2),
        "timing": float(offering.timing),
        "acceptance": float(offering.acceptance),
        "value": offering.value,
    }


def binding_rules(problem: PlanningProblem, result: Result) -> list[str]:
    """Plain sentences on which rules hold the plan where it is."""
    req = problem.requirements
    rotations = result.rotations
    radiology = [o for o in rotations if o.is_radiology]
    clinical = [o for o in rotations if not o.is_radiology]
    slack = problem.budget - result.total_cost
    addable = [o for o in problem.offerings if _fits_beside(problem, rotations, o, slack)]
    lines = [
        f"budget: ${result.total_cost:,} of ${problem.budget:,} used, ${slack:,} left"
        + (
            "; no other rotation could be added (money, dates, counts)"
            if not addable
            else f"; {counted(len(addable), 'offering')} could still be added "
            "(money, dates, counts)"
            + (", none of them worth it" if result.status == "optimal" else "")
        )
    ]
    lines.append(
        f"radiology: {len(radiology)} chosen (rule {req.radiology_min}..{req.radiology_max}); "
        f"clinical: {len(clinical)} (rule {req.clinical_min}..{req.clinical_max}); "
        f"{len(rotations)} of at most {req.max_rotations} rotations"
    )
    if req.tier_mix and radiology:
        high = [o.program_id for o in radiology if o.tier_mix_high]
        safe = [o.program_id for o in radiology if o.tier_mix_safe]
        lines.append(
            f"tier_mix: reach/target half met by {', '.join(high)}; "
            f"IMG-friendly target/safety half met by {', '.join(safe)}"
        )
    if len(radiology) > 2:
        lines.append(_beyond_two_line(problem, radiology))
    return lines


def _beyond_two_line(problem: PlanningProblem, radiology: list[Offering]) -> str:
    """Why the plan holds radiology rotations beyond two, each paying the penalty: the
    rules or accepted offers force them, or each is worth it (found by review: a third
    locked rotation worth 12 was "worth its penalty of 40")."""
    penalty = problem.extra_radiology_penalty
    beyond = len(radiology) - 2
    locks = set(problem.locks)
    locked = sorted(o.program_id for o in radiology if (o.program_id, o.start) in locks)
    forced = max(problem.requirements.radiology_min, len(locked)) - 2
    if forced >= beyond:
        why = (
            f"radiology.min is {problem.requirements.radiology_min}: every plan holds "
            f"{problem.requirements.radiology_min} radiology rotations"
            if problem.requirements.radiology_min >= len(locked)
            else f"the accepted offers ({join_names(locked)}) are {len(locked)} radiology rotations"
        )
        return f"{why}, each beyond two paying the penalty of {penalty}"
    if beyond == 1:
        return f"a third radiology rotation is worth its penalty of {penalty}"
    if forced <= 0:
        return (
            f"each of the {beyond} radiology rotations beyond two is worth its penalty of {penalty}"
        )
    chosen = beyond - forced
    return (
        f"{beyond} radiology rotations beyond two pay a penalty of {penalty} each: {forced} "
        f"held by the rules or accepted offers, and the {'one' if chosen == 1 else chosen} "
        "chosen freely worth it"
    )


def _fits_beside(
    problem: PlanningProblem, rotations: tuple[Offering, ...], o: Offering, slack: int
) -> bool:
    """Could `o` join the plan as it is: money left, its own program, counts, days?"""
    req = problem.requirements
    if o.cost > slack or o.program_id in {r.program_id for r in rotations}:
        return False
    kind = [r for r in rotations if r.is_radiology == o.is_radiology]
    most = req.radiology_max if o.is_radiology else req.clinical_max
    if len(kind) >= most or len(rotations) >= req.max_rotations:
        return False
    if req.tier_mix and o.is_radiology:  # the first radiology rotation must meet both halves
        radiology = [*(r for r in rotations if r.is_radiology), o]
        if not (
            any(r.tier_mix_high for r in radiology) and any(r.tier_mix_safe for r in radiology)
        ):
            return False
    limit = req.affordable_housing_per_week
    if not rotations and limit is not None and o.housing_per_week > limit:
        return False

    def gap(r: Offering) -> int:
        # The optional rest rule: more free days between two high-cost rotations.
        limit = req.affordable_housing_per_week
        costly = limit is not None and min(r.housing_per_week, o.housing_per_week) > limit
        return max(req.min_gap_days, req.high_cost_rest_days if costly else 0)

    return all(
        o.start >= r.end + timedelta(days=1 + gap(r))
        or r.start >= o.end + timedelta(days=1 + gap(r))
        for r in rotations
    )


def _pushes(rotations: Sequence[Offering], with_it: Sequence[Offering], program_id: str) -> str:
    """How the best plan with a program differs from this one: the rotations it leaves
    out, those it keeps at another start, and those it adds besides the program (found
    by students' reviews: "displaces X" hid that the rest moved, or what came in, and
    "taking it" read as the dearer plan named before it)."""
    start_with_it = {o.program_id: o.start for o in with_it}
    here = {o.program_id for o in rotations}
    left_out = [o.program_id for o in rotations if o.program_id not in start_with_it]
    moved = [
        f"{o.program_id} to {start_with_it[o.program_id].isoformat()}"
        for o in rotations
        if o.program_id in start_with_it and start_with_it[o.program_id] != o.start
    ]
    added = [o.program_id for o in with_it if o.program_id not in here | {program_id}]
    clauses = [f"leaves out {', '.join(left_out)}"] if left_out else []
    clauses += [f"moves {', '.join(moved)}"] if moved else []
    clauses += [f"adds {', '.join(added)}"] if added else []
    if not clauses:
        return ""
    joined = clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + " and " + clauses[-1]
    return f"; that plan {joined}"


def _why_not(
    problem: PlanningProblem,
    result: Result,
    clock: Clock,
    program_id: str,
) -> str:
    assert result.objective is not None
    forced = _best_with(problem, clock, with_program=program_id)
    if forced is not None:
        loss = result.objective - forced[0]
        pushes = _pushes(result.rotations, forced[2], program_id)
        if pushes:
            # The re-solve's plan is one of possibly many of its value: among them, the one
            # that keeps most of this plan, so a free choice does not read as a forced move
            # (found by review: "moves im-x" on some seeds only).
            try:
                closest = _best_with(
                    problem,
                    clock,
                    with_program=program_id,
                    cheapest_worth=forced[0],
                    closest_to=result.rotations,
                )
            except NotSettled:  # the answer stands, without differences not settled
                closest = None
            pushes = "" if closest is None else _pushes(result.rotations, closest[2], program_id)
        if loss == 0:
            return f"{EQUALLY_GOOD}the best plan with it is worth {forced[0]} too{pushes}"
        # Is money the reason? Then say so: "lower value" alone reads as a worse program.
        # The figure is the cheapest plan with it that beats this one, not the dearest.
        better = _best_with(
            problem,
            clock,
            with_program=program_id,
            ignore_budget=True,
            cheapest_worth=result.objective + 1,
        )
        if better is not None:
            return (
                # The cheapest plan with it that beats this one, not what that budget buys
                # (found by review: read as "$C gets it", where at $C the best plan may
                # leave it out for a better one still).
                f"the budget: the cheapest plan with it that beats this one costs "
                f"${better[1]:,} (budget ${problem.budget:,}; worth {better[0]}); within the "
                f"budget the best plan with it is worth {forced[0]} (−{loss}){pushes}"
            )
        rule = _blocking_rule(problem, clock, program_id, result.objective + 1)
        if rule is not None:
            return f"{rule}; as it is, the best plan with it is worth {forced[0]} (−{loss}){pushes}"
        return f"lower value: the best plan with it is worth {forced[0]} (−{loss}){pushes}"
    cheapest = _best_with(
        problem, clock, with_program=program_id, ignore_budget=True, cheapest_worth=-(10**9)
    )
    if cheapest is not None:
        return (
            f"over budget: the cheapest plan with it costs ${cheapest[1]:,} "
            f"(budget ${problem.budget:,})"
        )
    rule = _blocking_rule(problem, clock, program_id, -(10**9))
    if rule is not None:
        return rule
    rules = ["counts"] + (["tier mix"] if problem.requirements.tier_mix else []) + ["dates"]
    return f"no plan that includes it meets the other rules ({', '.join(rules)})"


def _why_not_in_time(
    problem: PlanningProblem, result: Result, clock: Clock, program_id: str
) -> str:
    try:
        return _why_not(problem, result, clock, program_id)
    except NotSettled:
        return NOT_SETTLED


def explain(
    problem: PlanningProblem,
    result: Result,
    options: SolveOptions,
    appeal: dict[str, float] | None = None,
) -> dict[str, Any]:
    """The `explanation` block of the JSON plan.

    `appeal` (program id -> catalog appeal) ranks the programs with no feasible start.
    """
    assert result.has_plan and result.objective is not None
    clock = Clock.start(options)
    rotations = result.rotations
    objective = problem.plan_value(rotations)
    penalty = sum(o.value for o in rotations) - objective
    without: list[dict[str, Any]] = []
    for offering in rotations:
        if offering.locked:
            without.append(
                {
                    "program_id": offering.program_id,
                    "best_without": None,
                    "value_lost": None,
                    "note": "accepted offer (locked)",
                }
            )
            continue
        try:
            best = _best_with(problem, clock, without=offering.program_id)
            note = NO_PLAN_WITHOUT if best is None else ""
        except NotSettled:
            best, note = None, NOT_SETTLED
        without.append(
            {
                "program_id": offering.program_id,
                "best_without": None if best is None else best[0],
                "value_lost": None if best is None else result.objective - best[0],
                "note": note,
            }
        )
    chosen_ids = {o.program_id for o in rotations}
    by_program: dict[str, list[Offering]] = defaultdict(list)
    for offering in problem.offerings:
        if offering.program_id not in chosen_ids:
            by_program[offering.program_id].append(offering)
    ranked = sorted(by_program.items(), key=lambda item: -max(o.value for o in item[1]))
    unchosen = [
        {
            "program_id": program_id,
            "best_value": max(o.value for o in offerings),
            "why_not": _why_not_in_time(problem, result, clock, program_id),
        }
        for program_id, offerings in ranked[:UNCHOSEN_SHOWN]
    ]
    # The letters first: the guide's advice before a saving, if the time runs short.
    letters = letters_by_eras(problem, result, clock)
    return {
        "cheaper_near_best": cheaper_near_best(problem, result, clock),
        "value_breakdown": [value_breakdown(o) for o in rotations],
        "extra_radiology_penalty": penalty,
        "radiology_beyond_two": max(0, sum(o.is_radiology for o in rotations) - 2),
        "objective_check": objective,
        "binding_rules": binding_rules(problem, result),
        "without_each": without,
        "best_unchosen": unchosen,
        "letters_by_eras": letters,
        "unavailable_programs": unavailable_programs(problem, chosen_ids | set(by_program), appeal),
    }


def cheaper_near_best(
    problem: PlanningProblem, result: Result, clock: Clock
) -> dict[str, Any] | None:
    """The cheapest plan worth at least `NEAR_BEST_SHARE` of this one, when it saves at
    least `WORTH_SAYING_SAVING` of its cost; None otherwise (or out of time). The plan
    is the one `compare` and `frontier` show at its cost (the best there, ties settled
    as every command settles them: found by review, it was another of equal worth), with
    what changes from this plan."""
    assert result.objective is not None
    if result.objective <= 0:
        return None
    floor = math.ceil(NEAR_BEST_SHARE * result.objective)
    try:
        found = _best_with(problem, clock, cheapest_worth=floor)
    except NotSettled:
        return None
    if found is None:
        return None
    least = found[1]
    saving = result.total_cost - least
    if saving < WORTH_SAYING_SAVING * result.total_cost or saving <= 0:
        return None
    try:
        there = clock.left()
    except NotSettled:
        return None
    settled = solve_problem(problem.with_budget(least), there, settle=True)
    if settled.status != "optimal" or settled.objective is None:
        return None
    ordered = sorted(settled.rotations, key=lambda o: o.start)
    now = {o.program_id: o.start for o in result.rotations}
    then = {o.program_id: o.start for o in ordered}
    return {
        "share": float(NEAR_BEST_SHARE),
        "objective": settled.objective,
        "total_cost": settled.total_cost,
        "saving": result.total_cost - settled.total_cost,
        "plan": [f"{o.program_id}@{o.start.isoformat()}" for o in ordered],
        "leaves_out": sorted(set(now) - set(then)),
        "adds": [f"{pid}@{then[pid].isoformat()}" for pid in then if pid not in now],
        "moves": [
            f"{pid}@{then[pid].isoformat()}" for pid in then if pid in now and now[pid] != then[pid]
        ],
    }


def unavailable_programs(
    problem: PlanningProblem, available: set[str], appeal: dict[str, float] | None
) -> list[dict[str, Any]]:
    """Programs with no feasible start at all, most appealing first, with the reasons.

    Capped: a national catalog has hundreds (`validate` lists the counts).
    """
    reasons: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    # Late documents are the student's to fix: say which, and by when (the latest start).
    late_documents: dict[str, DroppedOffering] = {}
    # Programs the student ruled out (excluded, unrequested specialty) need no reason.
    chosen_out = {DropReason.EXCLUDED, DropReason.SPECIALTY}
    for item in problem.expansion.dropped:
        if item.program_id not in available and item.reason not in chosen_out:
            reasons[item.program_id][str(item.reason)] += 1
            if item.reason == DropReason.DOCUMENTS_LATE:
                latest = late_documents.get(item.program_id)
                if latest is None or item.start > latest.start:
                    late_documents[item.program_id] = item

    def words(pid: str, reason: str, count: int) -> str:
        text = f"{reason} ({count} start{'s' if count > 1 else ''})"
        if reason == DropReason.DOCUMENTS_LATE:
            text += f": for the {late_documents[pid].start} start, {late_documents[pid].detail}"
        return text

    order = sorted(reasons, key=lambda pid: (-(appeal or {}).get(pid, 0.0), pid))
    return [
        {
            "program_id": pid,
            "why_not": "; ".join(
                words(pid, reason, count) for reason, count in reasons[pid].items()
            ),
        }
        for pid in order[:UNAVAILABLE_SHOWN]
    ]
