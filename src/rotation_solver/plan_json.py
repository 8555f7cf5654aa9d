"""The plan as the JSON object of spec section 7 (plus extra keys the spec welcomes)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from rotation_solver.advice import plan_warnings
from rotation_solver.diagnose import Conflict
from rotation_solver.offerings import Offering, profile_reason
from rotation_solver.problem import PlanningProblem
from rotation_solver.scenario import LoadedScenario
from rotation_solver.solve import Result


def rotation_dict(offering: Offering) -> dict[str, Any]:
    """One rotation: the spec's keys first, then extras."""
    return {
        "program_id": offering.program_id,
        "program_name": offering.program_name,
        "specialty": offering.specialty,
        "tier": offering.tier,
        "start": offering.start.isoformat(),
        "end": offering.end.isoformat(),
        "weeks": offering.weeks,
        "cost": offering.cost,
        "value": offering.value,
        # Section 4's dates also for an accepted offer (the spec's section 7 example shows
        # them for its lock); `locked` tells readers that the timing rule did not apply.
        "submit_on": offering.submit_on.isoformat(),
        "deadline": offering.deadline.isoformat() if offering.deadline else None,
        "city": offering.city,
        "state": offering.state,
        "img_friendly": offering.img_friendly,
        "acceptance": float(offering.acceptance),
        "locked": offering.locked,
        # An offer in hand (scenario `offers`): no application to send, accept it instead.
        "offered": offering.offered,
        # An application already sent (scenario `applied`): its answer is still to come.
        "applied": offering.applied,
        # False: the letter is ready after ERAS submission, so the value is discounted.
        "letter_before_eras": offering.letter_in_time,
    }


def _extensions(problem: PlanningProblem) -> dict[str, Any]:
    """The extension rules the plan was made under, when set (spec-only plans are unchanged)."""
    req = problem.requirements
    rules: dict[str, Any] = {}
    if req.affordable_housing_per_week is not None:
        rules["affordable_housing_per_week"] = req.affordable_housing_per_week
        rules["high_cost_rest_days"] = req.high_cost_rest_days
    if req.apply_by_start:
        rules["apply_by_start"] = True
    return rules


# The guide's list size for 1-3 spots [Step 2]: the plan's programs and more.
GUIDE_APPLICATIONS = (6, 10)


# `compare` asks once per budget, of the same offerings: the last answer, kept with
# the very tuple it is for (so its identity cannot be reused by another).
_last_cheapest: tuple[tuple[Offering, ...], dict[str, int]] | None = None


def _cheapest_rotation(offerings: tuple[Offering, ...]) -> dict[str, int]:
    """Each program that may offer at all, with the cost of its cheapest rotation."""
    global _last_cheapest
    last = _last_cheapest
    if last is not None and last[0] is offerings:
        return last[1]
    cheapest: dict[str, int] = {}
    for o in offerings:
        # `numerator`: a Fraction's sign, without its slow comparison
        if o.acceptance.numerator > 0:
            cheapest[o.program_id] = min(o.cost, cheapest.get(o.program_id, o.cost))
    _last_cheapest = (offerings, cheapest)
    return cheapest


def _least_plan_costs(problem: PlanningProblem, locked: Sequence[Offering]) -> dict[str, float]:
    """Per program that may offer (locks apart), a lower bound on the cheapest plan that
    holds it: what every plan pays (fees already paid, the accepted offers' rotations),
    the program's cheapest rotation, and the cheapest rotations of other programs that
    the count rules still need (dates aside); inf where too few programs remain. Applying
    to one no budget reaches buys nothing (found by reviews: programs whose every plan
    costs more than the budget were counted among those to apply to)."""
    cheapest = _cheapest_rotation(problem.offerings)
    radiology = {o.program_id: o.is_radiology for o in problem.offerings}
    locked_ids = {o.program_id for o in locked}
    base = problem.paid_fees + sum(o.cost for o in locked)
    requirements = problem.requirements
    need = {
        True: requirements.radiology_min - sum(o.is_radiology for o in locked),
        False: requirements.clinical_min - sum(not o.is_radiology for o in locked),
    }
    by_kind = {
        kind: sorted(
            (cost, pid)
            for pid, cost in cheapest.items()
            if radiology[pid] == kind and pid not in locked_ids
        )
        for kind in (True, False)
    }

    def least_plan_cost(pid: str) -> float:
        total = base + cheapest[pid]
        for kind in (True, False):
            wanted = need[kind] - (radiology[pid] == kind)
            if wanted <= 0:
                continue
            others = [cost for cost, other in by_kind[kind][: wanted + 1] if other != pid]
            if len(others) < wanted:
                return math.inf  # too few programs of that kind for any plan with it
            total += sum(others[:wanted])
        return total

    return {pid: least_plan_cost(pid) for pid in cheapest if pid not in locked_ids}


def median_fee(fees: Sequence[int]) -> int:
    """The median of whole-dollar fees, an even count's two middle ones averaged and
    rounded half up (found by review: the lower middle one was called the median)."""
    ordered = sorted(fees)
    if not ordered:
        return 0
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle] + 1) // 2


def other_applications(
    loaded: LoadedScenario,
    problem: PlanningProblem,
    result: Result,
    ruled_out: frozenset[str] = frozenset(),
) -> dict[str, Any] | None:
    """What the guide's 6-10 applications would add in fees beyond the plan's own: the
    plan's total cost holds only its programs' fees, and offers are uncertain. An
    accepted offer and an application already sent count as one of the 6-10; a plan of
    accepted offers and offers in hand alone needs none.
    """
    if all(o.locked or o.offered for o in result.rotations):
        return None
    chosen = {o.program_id for o in result.rotations}
    # Applications already made (sent, refused, answered with an offer, accepted) count
    # among the 6-10, and their fees are paid.
    # An accepted offer (a lock) was an application too, as the timeline counts it
    # (found by an advisor's review: 6 here, 8 there).
    sent = (
        {application.program for application in loaded.applied}
        | set(loaded.refused)
        | {offer.program for offer in loaded.offers}
        | {lock.program for lock in loaded.locks}
    )
    counted = len(chosen | sent)
    # Programs with a start that fits the calendar and the budget, not in the plan,
    # that may offer at all.
    locked = [o for o in result.rotations if o.locked]
    # `ruled_out`: programs a re-solve proved no plan within the budget holds.
    least = _least_plan_costs(problem, locked)
    may_offer = {pid for pid, cost in least.items() if cost <= result.budget}
    others = sorted(may_offer - chosen - sent - ruled_out)
    # Those only the budget keeps out (found by a student's review: "no other program
    # ... within the budget" where deadlines and the rules kept every other one out).
    beyond_budget = len(
        {pid for pid, cost in least.items() if result.budget < cost < math.inf} - chosen - sent
    )
    # Proven by a re-solve to fit no plan within the budget: the budget, the dates or
    # both (found by review: counted as the budget's alone).
    no_plan_holds = len(ruled_out - chosen - sent)
    fee_of = {program.id: program.fee for program in loaded.programs}
    fees = sorted(fee_of[pid] for pid in others)
    median = median_fee(fees)

    # The scenario's max_applications caps the guide's count too (found by review: "2-6
    # more" under max_applications 4), as it caps `apply`.
    cap = loaded.scenario.max_applications
    low, high = (min(len(others), max(0, min(n, cap) - counted)) for n in GUIDE_APPLICATIONS)
    short = high == len(others)  # the catalog runs short of the guide's count

    def fees_of(count: int) -> int:
        # Too few programs left: their own fees, cheapest first; else the median fee each.
        return sum(fees[:count]) if short else count * median

    left = result.budget - result.total_cost
    affordable = max((n for n in range(high + 1) if fees_of(n) <= left), default=0)
    return {
        "guide_applications": list(GUIDE_APPLICATIONS),
        "more": [low, high],
        "others": len(others),
        "median_fee": median,
        "fees": [fees_of(low), fees_of(high)],
        "left": left,
        "affordable": affordable,  # how many of them `left` pays for
        **({"already_applied": len(sent)} if sent else {}),
        **({"beyond_budget": beyond_budget} if beyond_budget else {}),
        **({"no_plan_holds": no_plan_holds} if no_plan_holds else {}),
        # Named when the catalog runs short of the guide's count (found by a student's
        # review: "the catalog has 3 other programs that fit", but which?).
        **({"other_programs": others} if short and others else {}),
    }


def plan_payload(
    loaded: LoadedScenario,
    problem: PlanningProblem,
    result: Result,
    conflict: Conflict | None = None,
) -> dict[str, Any]:
    """The JSON plan of spec section 7."""
    payload: dict[str, Any] = {
        "scenario": problem.name,
        "status": result.status,
        "objective": result.objective,
        "bound": result.bound,
        "budget": result.budget,
        "total_cost": result.total_cost,
        "rotations": [rotation_dict(o) for o in result.rotations],
        # Extensions `applied` and `offers`: fees already paid, in total_cost with the
        # rotations' costs (the programs' own rotations cost no fee).
        **({"paid_fees": problem.paid_fees} if problem.paid_fees else {}),
        # By program, so that a later `--since` can name a fee that stopped counting.
        **(
            {"paid_by_program": {pid: fee for pid, fee in loaded.paid if fee}}
            if any(fee for _, fee in loaded.paid)
            else {}
        ),
        "gap": result.gap,
        "profile": problem.expansion.profile,
        "profile_reason": profile_reason(loaded),
        "value_model": loaded.value_model_name,
        "requirements": {
            "radiology": {
                "min": problem.requirements.radiology_min,
                "max": problem.requirements.radiology_max,
            },
            "clinical": {
                "min": problem.requirements.clinical_min,
                "max": problem.requirements.clinical_max,
                "specialties": list(problem.requirements.clinical_specialties),
            },
            "max_rotations": problem.requirements.max_rotations,
            "tier_mix": problem.requirements.tier_mix,
            "min_gap_days": problem.requirements.min_gap_days,
            **_extensions(problem),
        },
        "offerings": len(problem.offerings),
        "dropped": {str(k): v for k, v in problem.expansion.dropped_counts().items()},
        "timings": {
            "build_seconds": round(result.build_seconds, 4),
            "solve_seconds": round(result.solve_seconds, 4),
        },
        "warnings": [
            *loaded.warnings,
            *(plan_warnings(loaded, result.rotations) if result.has_plan else []),
        ],
    }
    if result.has_plan and (other := other_applications(loaded, problem, result)):
        payload["other_applications"] = other
    if result.has_plan:
        # The objective weighs each rotation by its offer chance; the chance that every
        # program offers is their product (found by a student's review: 36% for a plan
        # that looked settled, which only `apply` had shown).
        chance = math.prod((o.acceptance for o in result.rotations), start=Fraction(1))
        payload["chance_all_offered"] = float(chance)  # unrounded: 3e-5 is not 0
    if conflict is not None:
        payload["why"] = conflict.sentence()
        payload["conflict"] = {
            "rules": [{"rule": r.key, "description": r.description} for r in conflict.rules],
            "minimal": conflict.minimal,
            "cheapest_plan_without_budget": conflict.cheapest_without_budget,
            # true: the cheapest plan above is proven (null: none exists); false: the time
            # limit stopped its solve; null: not asked (the budget is not named)
            "cheapest_plan_settled": conflict.cheapest_settled,
            "repairs": [
                {
                    "rule": r.rule,
                    "change": r.change,
                    "objective": r.objective,
                    "total_cost": r.total_cost,
                    "proven_optimal": r.proven if r.objective is not None else None,
                }
                for r in conflict.repairs
            ],
        }
    elif result.status == "unknown":
        payload["why"] = "no plan was found within the time limit; try a longer --time-limit"
    return payload
