"""The plan as the JSON object of spec section 7 (plus extra keys the spec welcomes)."""

from __future__ import annotations

import statistics
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
        # False: the letter is ready after ERAS submission, so the value is discounted.
        "letter_before_eras": offering.timing == 1,
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


def _other_applications(
    loaded: LoadedScenario, problem: PlanningProblem, result: Result
) -> dict[str, Any] | None:
    """What the guide's 6-10 applications would add in fees beyond the plan's own: the
    plan's total cost holds only its programs' fees, and offers are uncertain. An
    accepted offer counts as one of the 6-10; a plan of accepted offers and offers in
    hand alone needs none.
    """
    if all(o.locked or o.offered for o in result.rotations):
        return None
    chosen = {o.program_id for o in result.rotations}
    # Programs with a start that fits, not in the plan, that may offer at all.
    others = sorted({o.program_id for o in problem.offerings if o.acceptance > 0} - chosen)
    fees = sorted(loaded.program(pid).fee for pid in others)
    median = statistics.median_low(fees) if fees else 0

    def fees_of(count: int) -> int:
        # Every other program: their own fees; fewer: that many at the median fee.
        return sum(fees) if count == len(fees) else count * median

    low, high = (min(len(others), max(0, n - len(chosen))) for n in GUIDE_APPLICATIONS)
    return {
        "guide_applications": list(GUIDE_APPLICATIONS),
        "more": [low, high],
        "others": len(others),
        "median_fee": median,
        "fees": [fees_of(low), fees_of(high)],
        "left": result.budget - result.total_cost,
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
    if result.has_plan and (other := _other_applications(loaded, problem, result)):
        payload["other_applications"] = other
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
