"""The plan as an RFC 5545 calendar (`solve --format ics`), made with `icalendar`.

One VEVENT per timeline step, except that a rotation's start and end become a
single all-day event spanning the rotation (DTEND is exclusive: end + 1 day).
Every other step (documents, submit-on reminders, deadlines, letter requests,
ERAS) is a one-day, all-day event that does not block time.

The output is deterministic: UIDs are uuid5 of scenario name, program, kind
and date, DTSTAMP is the planning date at 00:00 UTC, and events follow the
timeline order; so the same plan always gives a byte-identical file.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from icalendar import Alarm, Calendar, Event, vText

from rotation_solver.scenario import LoadedScenario
from rotation_solver.scenario.schema import BlockedPeriod
from rotation_solver.timeline import TimelineStep, build_timeline

PRODID = "-//rotation-solver//away rotation plan//EN"
UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://rotation-solver.invalid/plan")

# Reminders at 09:00 local time (all-day events start at local midnight).
_ALARMS: dict[str, tuple[timedelta, str]] = {
    "submit": (timedelta(hours=-15), "Tomorrow: submit the application"),
    "deadline": (timedelta(days=-6, hours=-15), "In a week: application deadline"),
    "ask_letter": (timedelta(hours=9), "This week: ask for the letter"),
    "eras": (timedelta(days=-6, hours=-15), "In a week: ERAS submission"),
}

_SUMMARY = {
    "offer": "Answer the offer from {program}",
    "pending": "Answer to come from {program}",
    "document": "Ready: {document}",
    "submit": "Apply to {program}",
    "deadline": "Deadline: {program}",
    "ask_letter": "Ask for the letter at {program}",
    "eras": "Submit ERAS",
}


def event_uid(
    scenario: str, subject: str | None, kind: str, day: date, source: str | None = None
) -> str:
    """A stable UID: the same scenario, subject (program or document), kind, date and
    source give the same UID. An offer step's answer is its source's: `solve`'s "check
    `apply` first" and `apply`'s "Decline" are two events, not one a calendar keeps
    either of (found by review: both files in one calendar), while a re-run of one
    command whose answer changed replaces its event (found by review: keyed by the
    answer itself, "Accept X" and "Decline X" piled up)."""
    key = f"{scenario}|{subject or '-'}|{kind}|{day.isoformat()}"
    if source is not None:
        key += f"|{source}"
    return f"{uuid.uuid5(UID_NAMESPACE, key)}@rotation-solver"


def _rotation_event(
    rotation: dict[str, Any],
    scenario: str,
    stamp: datetime,
    letter_text: str | None,
    offer_note: str = "Offer in hand: accept it",
) -> Event:
    start = date.fromisoformat(rotation["start"])
    end = date.fromisoformat(rotation["end"])
    event = Event()
    event.add("uid", event_uid(scenario, rotation["program_id"], "rotation", start))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end + timedelta(days=1))  # all-day DTEND is exclusive
    specialty = rotation["specialty"].replace("_", " ")
    event.add("summary", f"Rotation: {rotation['program_name']} ({specialty}, {rotation['tier']})")
    place = ", ".join(part for part in (rotation.get("city"), rotation.get("state")) if part)
    if place:
        event.add("location", place)
    lines = [
        f"Program: {rotation['program_id']}",
        f"{rotation['weeks']} weeks, {rotation['start']} to {rotation['end']} (inclusive)",
        f"Cost: ${rotation['cost']:,}; value {rotation['value']}",
    ]
    if rotation.get("locked"):
        lines.append("Accepted offer")
    elif rotation.get("offered"):
        lines.append(offer_note)
    elif rotation.get("applied"):
        lines.append("Application sent: if it comes back with an offer")
    if letter_text:
        lines.append(letter_text)
    event.add("description", "\n".join(lines))
    event.add("categories", ["rotation", rotation["specialty"]])
    event.add("transp", "OPAQUE")
    return event


def _too_early(step: TimelineStep) -> bool:
    """A deadline's week-ahead reminder before its application can even go out (found by
    review: "In a week: application deadline" on 02-22 for an application sent 03-01, the
    deadline day); the submit event reminds the day before instead."""
    sent = step.planned_submission
    return step.kind == "deadline" and sent is not None and (step.date - sent).days < 7


def _step_event(step: TimelineStep, scenario: str, stamp: datetime, source: str) -> Event:
    event = Event()
    subject = step.program_id or step.document
    # One program may have offered two starts: two answers, two events (found by review:
    # they shared a UID, and a calendar keeps one).
    if step.offer_start is not None:
        subject = f"{subject}@{step.offer_start.isoformat()}"
    answer = source if step.kind == "offer" else None
    event.add("uid", event_uid(scenario, subject, step.kind, step.date, answer))
    event.add("dtstamp", stamp)
    event.add("dtstart", step.date)
    event.add("dtend", step.date + timedelta(days=1))
    # An offer step's title says the answer (or, with answers to come, the check first).
    summary = step.title or _SUMMARY[step.kind].format(
        program=step.program_id, document=step.document
    )
    event.add("summary", summary)
    event.add("description", step.text)
    event.add("categories", [step.kind])
    event.add("transp", "TRANSPARENT")
    if step.kind in _ALARMS and not _too_early(step):
        offset, text = _ALARMS[step.kind]
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{text}: {step.text}")
        alarm.add("trigger", offset)
        event.add_component(alarm)
    return event


def build_calendar(
    loaded: LoadedScenario,
    payload: dict[str, Any],
    steps: Sequence[TimelineStep] | None = None,
    title: str = "Away rotations",
) -> Calendar:
    """The plan's calendar: rotations, documents, submit-on, deadlines, letters, ERAS."""
    if steps is None:
        steps = build_timeline(loaded, payload)
    scenario = str(payload.get("scenario") or loaded.scenario.name)
    stamp = datetime.combine(loaded.scenario.planning_date, time(0, 0), tzinfo=UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # An X- property is not escaped unless typed as text (";" "," "\\" in a name).
    calendar.add("x-wr-calname", vText(f"{title}: {scenario}"))
    rotations = {r["program_id"]: r for r in payload.get("rotations") or []}
    letters = {s.program_id: s.text for s in steps if s.kind == "ask_letter"}
    # As the plan's table says it: with answers still to come, `apply` answers the offers
    # (found by review: the event said "accept it" beside a step saying to check first).
    pending = any(not (r.get("locked") or r.get("offered")) for r in rotations.values())
    offer_note = (
        "Offer in hand: this plan takes it (`rotation-solver apply` says whether to accept)"
        if pending
        else "Offer in hand: accept it"
    )
    # Blocked periods still to come, in date order among the steps.
    today = loaded.scenario.planning_date
    blocked = sorted(
        (p for p in loaded.scenario.calendar.blocked if p.end >= today), key=lambda p: p.start
    )
    for step in steps:
        while blocked and blocked[0].start <= step.date:
            calendar.add_component(_blocked_event(blocked.pop(0), scenario, stamp))
        if step.kind == "rotation_end":
            continue
        if step.kind == "rotation_start" and step.program_id in rotations:
            rotation = rotations[step.program_id]
            calendar.add_component(
                _rotation_event(rotation, scenario, stamp, letters.get(step.program_id), offer_note)
            )
        else:
            calendar.add_component(_step_event(step, scenario, stamp, title))
    for period in blocked:
        calendar.add_component(_blocked_event(period, scenario, stamp))
    return calendar


def _blocked_event(period: BlockedPeriod, scenario: str, stamp: datetime) -> Event:
    """A blocked period of the calendar (an exam, a holiday), so the plan's rotations are
    seen around it (a student's idea); busy time, as an exam is (found by review: shown
    as free, an exam read as a free week)."""
    event = Event()
    # Its dates in the key: two periods may share a start and a reason (found by review).
    subject = f"{period.reason or '-'}|{period.end.isoformat()}"
    event.add("uid", event_uid(scenario, subject, "blocked", period.start))
    event.add("dtstamp", stamp)
    event.add("dtstart", period.start)
    event.add("dtend", period.end + timedelta(days=1))  # all-day DTEND is exclusive
    event.add("summary", f"Blocked: {period.reason or 'no rotation'}")
    event.add(
        "description",
        f"Blocked in your scenario (calendar.blocked), {period.start} to {period.end}: no "
        "rotation is planned on these days",
    )
    event.add("categories", ["blocked"])
    event.add("transp", "OPAQUE")
    return event


def calendar_ics(
    loaded: LoadedScenario,
    payload: dict[str, Any],
    steps: Sequence[TimelineStep] | None = None,
) -> bytes:
    """The calendar as RFC 5545 bytes (CRLF line endings, UTF-8)."""
    return build_calendar(loaded, payload, steps).to_ical()


def applications_ics(loaded: LoadedScenario, payload: dict[str, Any]) -> bytes:
    """`apply`'s applications as a calendar: documents, submit-on, deadlines, offers, ERAS."""
    from rotation_solver.portfolio.steps import application_steps

    # The rotations in every outcome (locks, offers accepted now) are whole events; every
    # other step is a one-day event.
    steps = application_steps(loaded, payload)
    certain = {**payload, "rotations": payload.get("lock_rotations") or []}
    return build_calendar(loaded, certain, steps, title="Applications").to_ical()
