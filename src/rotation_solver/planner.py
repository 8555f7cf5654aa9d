"""The whole job for one scenario: problem -> solve -> diagnose or check -> payload.

Every plan this returns has been re-verified by the independent checker.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from rotation_solver.advice import long_shot_warnings, with_letter_prices
from rotation_solver.diagnose import Conflict, find_conflict
from rotation_solver.explain import explain as explain_plan
from rotation_solver.explain import never_in_a_plan, re_solved_advice
from rotation_solver.plan_json import other_applications, plan_payload
from rotation_solver.problem import PlanningProblem, build_problem
from rotation_solver.repairs import suggest_repairs
from rotation_solver.scenario import LoadedScenario
from rotation_solver.solve import Result, SolveOptions, solve_problem
from rotation_solver.timeline import build_timeline, timeline_json
from rotation_solver.verify import verify, verify_no_plan


@dataclass(frozen=True)
class PlanOutcome:
    problem: PlanningProblem
    result: Result
    conflict: Conflict | None
    payload: dict[str, Any]


def plan_scenario(
    loaded: LoadedScenario,
    options: SolveOptions | None = None,
    *,
    budget: int | None = None,
    diagnose: bool = True,
    explain: bool = False,
    name_conflict: bool = True,
    advise: bool = False,
) -> PlanOutcome:
    """Solve a loaded scenario; diagnose it when infeasible; check any plan.

    `diagnose=False` skips the repairs (each costs a few re-solves);
    `name_conflict=False` skips naming the rules in conflict too (only "is there a plan?");
    `explain=True` adds the plan explanation (a few re-solves too), and with it the
    warnings that need re-solves; `advise=True` adds those warnings alone.
    """
    options = options or SolveOptions()
    if budget is not None:
        loaded = loaded.with_budget(budget)
    problem = build_problem(loaded)
    result = solve_problem(problem, options, settle=True)
    conflict = None
    proven_by = None
    if result.status == "infeasible" and name_conflict:
        # First the claim itself, by a second method: the conflict explains it.
        proven_by = verify_no_plan(loaded, options.time_limit)
        conflict = find_conflict(
            loaded, time_limit=options.time_limit, seed=options.seed, workers=options.workers
        )
        if diagnose:
            conflict = dataclasses.replace(
                conflict, repairs=suggest_repairs(loaded, conflict, options)
            )
    payload = plan_payload(loaded, problem, result, conflict)
    if proven_by is not None:
        payload["no_plan_proven_by"] = proven_by
    # The re-solves behind two warnings: (rotations no plan can do without, letters by ERAS)
    advice: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None = None
    if result.has_plan:
        verify(loaded, payload)
        if explain and result.status == "optimal":
            # Rank programs that could never be planned by what they would offer.
            appeal = {
                p.id: float(p.acceptance * (p.letter + p.audition * p.interest / 5))
                for p in loaded.programs
            }
            payload["explanation"] = explain_plan(problem, result, options, appeal)
            explanation = payload["explanation"]
            advice = (explanation["without_each"], explanation["letters_by_eras"])
        elif advise and result.status == "optimal":
            advice = re_solved_advice(problem, result, options)
        if explain and result.status != "optimal":
            # "best without X" is only meaningful against a proven optimum
            payload["explanation_skipped"] = (
                "the plan is not proven optimal within the time limit, so it is not explained; "
                "give --time-limit more seconds"
            )
        named = (payload.get("other_applications") or {}).get("other_programs")
        if named and (explain or advise):
            # Named programs are few (the catalog runs short of the guide's count): prove
            # each can be in a plan the budget pays for, or leave it out.
            ruled_out = never_in_a_plan(problem, named, options)
            if ruled_out:
                other = other_applications(loaded, problem, result, frozenset(ruled_out))
                if other is None:
                    payload.pop("other_applications", None)
                else:
                    payload["other_applications"] = other
        if explain or advise:
            # Sent applications this plan leaves out that no plan within the budget can
            # hold (found by an advisor's review: the timeline called one "a choice").
            planned = {o.program_id for o in result.rotations}
            left_out = [a.program for a in loaded.applied if a.usable and a.program not in planned]
            if left_out:
                payload["sent_no_plan_holds"] = never_in_a_plan(problem, left_out, options)
        if advice is not None:
            assert result.objective is not None  # proven optimal
            without_each, letters = advice
            payload["warnings"] += long_shot_warnings(result.rotations, without_each)
            payload["warnings"] = with_letter_prices(
                payload["warnings"],
                letters,
                result.objective,
                result.total_cost,
            )
        payload["timeline"] = timeline_json(build_timeline(loaded, payload))
    return PlanOutcome(problem, result, conflict, payload)
