"""A portfolio's applications as dated steps, for `apply --format ics`.

`solve`'s timeline follows one plan; here nothing is planned yet, so the steps are
what the student does now: have the documents ready, send each application on its
submit-on date before its first deadline, answer the offers in hand, and submit ERAS.
The rotations already certain (the locks, and the offers in hand it accepts) are in
every outcome, so they are dated too.
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
    letter_request_date,
)


def _starts(starts: list[str]) -> str:
    if len(starts) == 1:
        return f"the {starts[0]} start"
    return f"the starts {join_names(starts)} (one application)"


def _offer_steps(loaded: LoadedScenario, payload: dict[str, Any]) -> list[TimelineStep]:
    """Answer each offer in hand now, as `apply` chose (`offer_answers`: None only when
    no way to answer them has a plan, and then there is nothing to accept)."""
    answers = payload.get("offer_answers") or {"accept": [], "decline": []}
    why = {
        ACCEPT_OFFER: "of every way to answer the offers in hand, this one gives the "
        "applications the best expected value; an offer is usually held about a week",
        DECLINE_OFFER: "the best way to answer the offers in hand does without it",
    }
    return [
        TimelineStep(
            loaded.scenario.planning_date,
            "offer",
            offer["program_id"],
            f"{verb} from {loaded.program(offer['program_id']).name} for the "
            f"{offer['start']} start: {why[verb]}",
            offer_start=date.fromisoformat(offer["start"]),
            title=f"{verb} from {offer['program_id']}",
        )
        for verb, offers in ((ACCEPT_OFFER, answers["accept"]), (DECLINE_OFFER, answers["decline"]))
        for offer in offers
    ]


def _lock_steps(payload: dict[str, Any]) -> list[TimelineStep]:
    """The rotations in every outcome (`lock_rotations`): start, letter request and last
    day (found by review: the accepted cedar rotation was nowhere in `apply`'s calendar).
    The calendar draws each start as the whole rotation."""
    accepted = {o["program_id"] for o in (payload.get("offer_answers") or {}).get("accept", [])}
    steps = []
    for rotation in payload.get("lock_rotations") or []:
        pid = rotation["program_id"]
        start, end = date.fromisoformat(rotation["start"]), date.fromisoformat(rotation["end"])
        why = "the offer to accept now" if pid in accepted else "locked"
        steps += [
            TimelineStep(
                start,
                "rotation_start",
                pid,
                f"Start {rotation['weeks']}-week {rotation['specialty'].replace('_', ' ')} "
                f"rotation at {rotation['program_name']} ({why}: in every outcome)",
            ),
            TimelineStep(
                letter_request_date(end),
                "ask_letter",
                pid,
                f"Last week at {pid}: ask for a strong, detailed letter; give the letter "
                "packet (CV, personal statement draft)",
            ),
            TimelineStep(end, "rotation_end", pid, f"Last day at {rotation['program_name']}"),
        ]
    return steps


def application_steps(loaded: LoadedScenario, payload: dict[str, Any]) -> list[TimelineStep]:
    """Every dated step of the applications in `payload` (an `apply` report)."""
    applications = payload.get("applications") or []
    # Offers in hand and applications already sent have nothing left to send.
    to_send = [a for a in applications if not (a.get("offered") or a.get("sent"))]
    steps = document_steps(loaded, [a["program_id"] for a in to_send])
    for a in to_send:
        pid, name = a["program_id"], a["program_name"]
        requires = loaded.program(pid).requires
        docs = f" with {join_names(requires)}" if requires else ""
        deadline = a.get("deadline")
        due = f"; first deadline {deadline}" if deadline else "; no deadline known"
        by_start = list(zip(a["starts"], a.get("start_deadlines") or [], strict=False))
        if len({d for _, d in by_start}) > 1:
            # Later starts stay open after the first deadline (found by review).
            due += " (" + ", ".join(f"{s} by {d or 'no deadline'}" for s, d in by_start) + ")"
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
                    planned_submission=date.fromisoformat(a["submit_on"]),
                )
            )
    steps += _offer_steps(loaded, payload)
    steps += _lock_steps(payload)
    # Which rotations happen is not known yet: ERAS names none.
    steps.append(eras_step(loaded, []))
    return in_order(steps)
