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
    application_steps_of,
    document_steps,
    eras_step,
    in_order,
    letter_request_date,
)


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
    steps += application_steps_of(
        loaded, to_send, lambda a: f"; fee ${a['fee']:,}; {a['role']}: {a['reason']}"
    )
    steps += _offer_steps(loaded, payload)
    steps += _lock_steps(payload)
    # Which rotations happen is not known yet: ERAS names none.
    steps.append(eras_step(loaded, []))
    return in_order(steps)
