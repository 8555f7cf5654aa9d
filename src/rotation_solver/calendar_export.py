"""The plan as an RFC 5545 calendar (`solve --format ics`), made with `icalendar`.

One VEVENT per timeline step, except that a rotation's start and end become a
single all-day event spanning the rotation (DTEND is exclusive: end + 1 day).
Every other step (documents, submit-on reminders, deadlines, letter requests,
ERAS) is a one-day, all-day event that does not block time.

The output is deterministic: UIDs are uuid5 of scenario name, program (or
document), kind and source, not of the date, so that a re-plan that moves an
event replaces it on import instead of adding a second one; DTSTAMP is the
planning date at 00:00 UTC (a re-plan made later is stamped later), and events
follow the timeline order; so the same plan always gives a byte-identical file.
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
    "letter_check": (timedelta(hours=9), "Today: check that your letters reached ERAS"),
    "offer": (timedelta(hours=9), "Today: answer the offer (usually held about a week)"),
}
# A reminder at 09:00 on the day itself, for a step on the planning date (the day before
# has passed) and for a deadline less than a week after the planned submission (found by
# review: a deadline on the submit day had no reminder of its own).
_SAME_DAY: dict[str, str] = {
    "submit": "Today: submit the application",
    "deadline": "Today: last day to apply",
}

_SUMMARY = {
    "offer": "Answer the offer from {program}",
    "pending": "Answer to come from {program}",
    "document": "Ready: {document}",
    "submit": "Apply to {program}",
    "deadline": "Deadline: {program}",
    "ask_letter": "Ask for the letter at {program}",
    "letter_check": "Follow up on letters",
    "eras": "Submit ERAS",
}


def event_uid(
    scenario: str,
    subject: str | None,
    kind: str,
    source: str | None = None,
    occurrence: int = 0,
) -> str:
    """A stable UID: the same scenario, subject (program or document), kind and source
    give the same UID, whatever the date (found by review: keyed by the date, a re-plan
    that moved a rotation left the old event beside the new one). `occurrence` tells
    apart two events of one subject and kind in one file. An offer step's answer is its
    source's: `solve`'s "check `apply` first" and `apply`'s "Decline" are two events,
    not one a calendar keeps either of (found by review: both files in one calendar),
    while a re-run of one command whose answer changed replaces its event (found by
    review: keyed by the answer itself, "Accept X" and "Decline X" piled up)."""
    key = f"{scenario}|{subject or '-'}|{kind}"
    if source is not None:
        key += f"|{source}"
    if occurrence:
        key += f"|#{occurrence}"
    return f"{uuid.uuid5(UID_NAMESPACE, key)}@rotation-solver"


class _Uids:
    """Hands out the UIDs of one calendar: a second event of the same subject and kind
    (two deadlines of one program, say) gets the next occurrence, so none is lost."""

    def __init__(self, scenario: str) -> None:
        self.scenario = scenario
        self.seen: dict[tuple[str | None, str, str | None], int] = {}

    def __call__(self, subject: str | None, kind: str, source: str | None = None) -> str:
        key = (subject, kind, source)
        occurrence = self.seen.get(key, 0)
        self.seen[key] = occurrence + 1
        return event_uid(self.scenario, subject, kind, source, occurrence)


def _rotation_event(
    rotation: dict[str, Any],
    uids: _Uids,
    stamp: datetime,
    letter_text: str | None,
    offer_note: str = "Offer in hand: accept it",
) -> Event:
    start = date.fromisoformat(rotation["start"])
    end = date.fromisoformat(rotation["end"])
    event = Event()
    event.add("uid", uids(rotation["program_id"], "rotation"))
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
    else:
        # Found by review: a rotation nobody had offered yet was booked as firm.
        acceptance = rotation.get("acceptance")
        chance = (
            ""
            if acceptance is None
            else " (acceptance 1 in your catalog)"
            if acceptance >= 1
            else f" ({acceptance:.0%} chance)"
        )
        lines.append(
            f"Not offered yet: this rotation happens only if {rotation['program_id']} offers"
            f"{chance}; apply on {rotation['submit_on']}"
        )
        if date.fromisoformat(rotation["submit_on"]) > start:
            lines.append(
                "That is after this rotation starts: confirm that the program still takes "
                "the application"
            )
    if letter_text:
        lines.append(letter_text)
    event.add("description", "\n".join(lines))
    event.add("categories", ["rotation", rotation["specialty"]])
    event.add("transp", "OPAQUE")
    # Busy either way, but only an accepted offer is firm.
    event.add("status", "CONFIRMED" if rotation.get("locked") else "TENTATIVE")
    return event


def _too_early(step: TimelineStep) -> bool:
    """A deadline's week-ahead reminder before its application can even go out (found by
    review: "In a week: application deadline" on 02-22 for an application sent 03-01, the
    deadline day); the submit event reminds the day before instead."""
    sent = step.planned_submission
    return step.kind == "deadline" and sent is not None and (step.date - sent).days < 7


def _alarm(step: TimelineStep, today: date) -> tuple[timedelta, str] | None:
    """The reminder's offset from the event's start (local midnight) and its text."""
    same_day = step.kind in _SAME_DAY and (step.date == today or _too_early(step))
    if same_day:
        return timedelta(hours=9), _SAME_DAY[step.kind]
    return _ALARMS.get(step.kind)


def _step_event(
    step: TimelineStep, uids: _Uids, stamp: datetime, source: str, today: date
) -> Event:
    event = Event()
    subject = step.program_id or step.document
    # One program may have offered two starts: two answers, two events (found by review:
    # they shared a UID, and a calendar keeps one).
    if step.offer_start is not None:
        subject = f"{subject}@{step.offer_start.isoformat()}"
    answer = source if step.kind == "offer" else None
    event.add("uid", uids(subject, step.kind, answer))
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
    reminder = _alarm(step, today)
    if reminder is not None:
        offset, text = reminder
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
    uids = _Uids(scenario)
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
            calendar.add_component(_blocked_event(blocked.pop(0), uids, stamp))
        if step.kind in ("rotation_end", "blocked"):
            continue  # the rotation's and the period's events span their days
        if step.kind == "rotation_start" and step.program_id in rotations:
            rotation = rotations[step.program_id]
            calendar.add_component(
                _rotation_event(rotation, uids, stamp, letters.get(step.program_id), offer_note)
            )
        else:
            calendar.add_component(_step_event(step, uids, stamp, title, today))
    for period in blocked:
        calendar.add_component(_blocked_event(period, uids, stamp))
    return calendar


def _blocked_event(period: BlockedPeriod, uids: _Uids, stamp: datetime) -> Event:
    """A blocked period of the calendar (an exam, a holiday), so the plan's rotations are
    seen around it (a student's idea); busy time, as an exam is (found by review: shown
    as free, an exam read as a free week)."""
    event = Event()
    # Its dates in the key: two periods may share a start and a reason (found by review).
    subject = f"{period.reason or '-'}|{period.start.isoformat()}|{period.end.isoformat()}"
    event.add("uid", uids(subject, "blocked"))
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
