"""A portfolio's applications as dated steps, for `apply --format ics`.

`solve`'s timeline follows one plan; here nothing is planned yet, so the steps are
what the student does now: have the documents ready, send each application on its
submit-on date before its first deadline, answer the offers in hand, and submit ERAS.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rotation_solver.scenario import LoadedScenario
from rotation_solver.timeline import (
    ACCEPT_OFFER,
    DECLINE_OFFER,
    TimelineStep,
    document_steps,
    eras_step,
    in_order,
    join_names,
)


def _starts(starts: list[str]) -> str:
    if len(starts) == 1:
        return f"the {starts[0]} start"
    return f"the starts {join_names(starts)} (one application)"


def application_steps(loaded: LoadedScenario, payload: dict[str, Any]) -> list[TimelineStep]:
    """Every dated step of the applications in `payload` (an `apply` report)."""
    today = loaded.scenario.planning_date
    applications = payload.get("applications") or []
    sent = [a for a in applications if not a.get("offered")]
    steps = document_steps(loaded, [a["program_id"] for a in sent])
    for a in sent:
        pid, name = a["program_id"], a["program_name"]
        requires = loaded.program(pid).requires
        docs = f" with {join_names(requires)}" if requires else ""
        deadline = a.get("deadline")
        due = f"; first deadline {deadline}" if deadline else "; no deadline known"
        steps.append(
            TimelineStep(
                date.fromisoformat(a["submit_on"]),
                "submit",
                pid,
                f"Apply to {name} for {_starts(a['starts'])}{docs}{due}; fee ${a['fee']:,}; "
                f"{a['role']}: {a['reason']}",
            )
        )
        if deadline:
            steps.append(
                TimelineStep(
                    date.fromisoformat(deadline),
                    "deadline",
                    pid,
                    f"Last day to apply to {name} for the {min(a['starts'])} start, its "
                    f"earliest (planned submission {a['submit_on']})",
                )
            )
    for a in applications:
        if a.get("offered"):
            steps.append(
                TimelineStep(
                    today,
                    "offer",
                    a["program_id"],
                    f"{ACCEPT_OFFER} from {a['program_name']} for {_starts(a['starts'])}: "
                    f"these applications count on it (in the best plan in "
                    f"{100 * a['p_in_plan']:.0f}% of the outcomes); an offer is usually "
                    "held about a week",
                    offer_start=date.fromisoformat(a["starts"][0]),
                )
            )
    for offer in payload.get("offers_not_kept") or []:
        steps.append(
            TimelineStep(
                today,
                "offer",
                offer["program_id"],
                f"{DECLINE_OFFER} from {loaded.program(offer['program_id']).name} for the "
                f"{offer['start']} start: the best applications do without it (or accept it "
                "and plan around it with --lock)",
                offer_start=date.fromisoformat(offer["start"]),
            )
        )
    # Which rotations happen is not known yet: ERAS names none.
    steps.append(eras_step(loaded, []))
    return in_order(steps)
