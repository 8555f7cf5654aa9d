"""The plan as an RFC 5545 calendar (`solve --format ics`), made with `icalendar`.

One VEVENT per timeline step, except that a rotation's start and end become a
single all-day event spanning the rotation (DTEND is exclusive: end + 1 day).
Every other step (documents, submit-on reminders, deadlines, letter requests,
ERAS) is a one-day, all-day event that does not block time.

UIDs are uuid5 of scenario name, program (or document), kind and source, not
of the date, so that a re-plan that moves an event replaces it on import
instead of adding a second one. DTSTAMP is when the file is written and
SEQUENCE the minutes since 2026 at that time, so a calendar app takes a later
file's events as the newer version (a re-plan made on the same planning date
too); SOURCE_DATE_EPOCH, the reproducible-builds convention, pins both, and the
same plan then gives a byte-identical file. With the plan it replaces
(`solve --since OLD.json`), the events of the old plan that the new one no
longer has come as cancelled (STATUS:CANCELLED), so an import clears them.
"""

from __future__ import annotations

import os
import re
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from icalendar import Alarm, Calendar, Event, vText

from rotation_solver.scenario import LoadedScenario
from rotation_solver.scenario.schema import BlockedPeriod
from rotation_solver.timeline import TimelineStep, build_timeline, letter_request_date

PRODID = "-//rotation-solver//away rotation plan//EN"
# The plan's calendar (`solve`, `timeline`): its name and the source of its own events.
_PLAN = "Away rotations"
# `apply`'s calendar (`portfolio.calendar`): its name and the source of its own events.
APPLICATIONS = "Applications"
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
    "eras": "Today: ERAS submission",
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


_SEQUENCE_FROM = datetime(2026, 1, 1, tzinfo=UTC)


# The last second of year 9999, the latest a calendar date can hold.
_LATEST_EPOCH = 253_402_300_799


def written_at() -> datetime:
    """When the calendar is written, to the second: SOURCE_DATE_EPOCH when it is set to
    whole seconds since 1970 (ASCII digits, up to year 9999), else now (found by review:
    "²" and 999999999999 raised a traceback)."""
    pinned = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if re.fullmatch(r"[0-9]{1,12}", pinned) and int(pinned) <= _LATEST_EPOCH:
        return datetime.fromtimestamp(int(pinned), UTC)
    return datetime.now(UTC).replace(microsecond=0)


def _sequence(stamp: datetime) -> int:
    """Minutes since 2026 when the file is written: a later file's events are newer.
    Within RFC 5545's INTEGER (a 32-bit signed number)."""
    return min(2**31 - 1, max(0, int((stamp - _SEQUENCE_FROM).total_seconds()) // 60))


class _Events:
    """Starts the events of one calendar: each with a stable UID (a second event of the
    same subject and kind, two deadlines of one program say, gets the next occurrence,
    so none is lost), the file's DTSTAMP, and a SEQUENCE that grows with it (found by
    review: a re-plan on the same planning date had the same DTSTAMP and no SEQUENCE, so
    a calendar app could keep the old version)."""

    def __init__(self, scenario: str, stamp: datetime) -> None:
        self.scenario = scenario
        self.stamp = stamp
        self.sequence = _sequence(stamp)
        self.seen: dict[tuple[str | None, str, str | None], int] = {}

    def uid(
        self,
        subject: str | None,
        kind: str,
        source: str | None = None,
        occurrence: int | None = None,
    ) -> str:
        """The UID; `occurrence` when the caller numbers the events itself."""
        key = (subject, kind, source)
        if occurrence is None:
            occurrence = self.seen.get(key, 0)
            self.seen[key] = occurrence + 1
        return event_uid(self.scenario, subject, kind, source, occurrence)

    def new(
        self,
        subject: str | None,
        kind: str,
        source: str | None = None,
        occurrence: int | None = None,
    ) -> Event:
        event = Event()
        event.add("uid", self.uid(subject, kind, source, occurrence))
        event.add("dtstamp", self.stamp)
        event.add("sequence", self.sequence)
        return event


def _rotation_event(
    rotation: dict[str, Any],
    events: _Events,
    letter_text: str | None,
    offer_note: str = "Offer in hand: accept it",
) -> Event:
    start = date.fromisoformat(rotation["start"])
    end = date.fromisoformat(rotation["end"])
    event = events.new(rotation["program_id"], "rotation")
    event.add("dtstart", start)
    event.add("dtend", end + timedelta(days=1))  # all-day DTEND is exclusive
    specialty = rotation["specialty"].replace("_", " ")
    # The title says what is not firm, as few apps show STATUS (found by review).
    firm = (
        ""
        if rotation.get("locked")
        else " · offer in hand"
        if rotation.get("offered")
        else " · if offered"
    )
    event.add(
        "summary",
        f"Rotation: {rotation['program_name']} ({specialty}, {rotation['tier']}){firm}",
    )
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
        # Never "100%" short of 1 (found by review: 0.996 read as a sure offer).
        chance = (
            ""
            if acceptance is None
            else " (acceptance 1 in your catalog)"
            if acceptance >= 1
            else f" ({min(99, round(acceptance * 100))}% chance)"
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
    """The reminder's offset from the event's start (local midnight) and its text; none
    for a step before the planning date (found by review: a re-plan in July re-sent a
    letter reminder for June)."""
    if step.date < today:
        return None
    regular = _ALARMS.get(step.kind)
    # Before the plan was made, a reminder would never fire (found by review: ERAS three
    # days after the planning date kept its week-ahead reminder).
    past = regular is not None and step.date - today < -regular[0]
    if step.kind in _SAME_DAY and (past or _too_early(step)):
        return timedelta(hours=9), _SAME_DAY[step.kind]
    return regular


def _step_event(step: TimelineStep, events: _Events, source: str, today: date) -> Event:
    subject = step.program_id or step.document
    # One program may have offered two starts: two answers, two events (found by review:
    # they shared a UID, and a calendar keeps one).
    if step.offer_start is not None:
        subject = f"{subject}@{step.offer_start.isoformat()}"
    # A deadline is its start's: `solve`'s for the start it plans and `apply`'s for the
    # earliest it asks for are one event only when they are the same start (found by
    # review: keyed by the program alone, one file's deadline replaced the other's).
    if step.deadline_of is not None:
        subject = f"{subject}@{step.deadline_of.isoformat()}"
    # An offer's answer, an application and its deadline are each calendar's own: `solve`'s
    # plan and `apply`'s portfolio may differ (found by review: `solve --since` cancelled
    # "Apply to X" that `apply`'s calendar still held, under one UID).
    own = source if step.kind in ("offer", "submit", "deadline") else None
    event = events.new(subject, step.kind, own)
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
    title: str = _PLAN,
    stamp: datetime | None = None,
    offer_note: str | None = None,
    source: str | None = None,
) -> Calendar:
    """The plan's calendar: rotations, documents, submit-on, deadlines, letters, ERAS.
    `source` owns its applications, deadlines and offers (default: `title`'s calendar)."""
    if steps is None:
        steps = build_timeline(loaded, payload)
    scenario = str(payload.get("scenario") or loaded.scenario.name)
    events = _Events(scenario, stamp or written_at())
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
    offer_note = offer_note or (
        "Offer in hand: this plan takes it (`rotation-solver apply` says whether to accept)"
        if pending
        else "Offer in hand: accept it"
    )
    # Blocked periods still to come, in date order among the steps.
    today = loaded.scenario.planning_date
    # Numbered over every period of a reason, past ones too, so that a period passing
    # does not renumber the later ones (found by review: a duplicate in November).
    # Keyed as the UID is (no reason, "" and "-" are one key: found by review, three
    # periods had one UID), by position, not by object (one object may be listed twice).
    seen: Counter[str] = Counter()
    numbered = []
    for period in sorted(loaded.scenario.calendar.blocked, key=lambda p: (p.start, p.end)):
        numbered.append((period, seen[_blocked_subject(period)]))
        seen[_blocked_subject(period)] += 1
    blocked = [(p, n) for p, n in numbered if p.end >= today]
    documents = loaded.scenario.documents
    for step in steps:
        while blocked and blocked[0][0].start <= step.date:
            period, number = blocked.pop(0)
            calendar.add_component(_blocked_event(period, events, number))
        if step.kind in ("rotation_end", "blocked"):
            continue  # the rotation's and the period's events span their days
        if step.kind == "document" and step.document and documents[step.document] < today:
            # Ready before the plan was made: nothing to do, and a re-plan would move it
            # to its own planning date (found by review).
            continue
        if step.kind == "rotation_start" and step.program_id in rotations:
            rotation = rotations[step.program_id]
            calendar.add_component(
                _rotation_event(rotation, events, letters.get(step.program_id), offer_note)
            )
        else:
            calendar.add_component(_step_event(step, events, source or title, today))
    for period, number in blocked:
        calendar.add_component(_blocked_event(period, events, number))
    return calendar


def _blocked_subject(period: BlockedPeriod) -> str:
    return period.reason or "-"


def _blocked_event(period: BlockedPeriod, events: _Events, occurrence: int) -> Event:
    """A blocked period of the calendar (an exam, a holiday), so the plan's rotations are
    seen around it (a student's idea); busy time, as an exam is (found by review: shown
    as free, an exam read as a free week)."""
    # Keyed by its reason, so that a period moved to other dates replaces its event (found
    # by review); two periods of one reason are two occurrences.
    event = events.new(_blocked_subject(period), "blocked", occurrence=occurrence)
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
    earlier: dict[str, Any] | None = None,
    offer_note: str | None = None,
    source: str | None = None,
) -> bytes:
    """The calendar as RFC 5545 bytes (CRLF line endings, UTF-8). With `earlier` (the
    plan it replaces, as `solve --format json` wrote it), the earlier plan's events that
    this one no longer has come as cancelled."""
    stamp = written_at()
    calendar = build_calendar(
        loaded, payload, steps, stamp=stamp, offer_note=offer_note, source=source
    )
    if earlier is not None:
        cancel_dropped(
            calendar,
            loaded,
            payload,
            earlier,
            stamp,
            lambda: _earlier_events(loaded, earlier, stamp),
            _dropped_reasons,
            "solve",
        )
    return calendar.to_ical()


def cancel_dropped(
    calendar: Calendar,
    loaded: LoadedScenario,
    payload: dict[str, Any],
    earlier: dict[str, Any],
    stamp: datetime,
    earlier_events: Callable[[], list[Event]],
    reasons: Callable[[str, dict[str, Any]], dict[str, str]],
    command: str,
) -> None:
    """Adds to `calendar`, as cancelled, the events of `earlier`'s calendar it no longer
    has; `reasons` gives why by UID, `command` the one whose `--since` lists the changes.
    Another scenario's file has other events: cancelling them would clear that scenario's
    calendar (found by review), so it cancels nothing."""
    scenario = str(payload.get("scenario") or loaded.scenario.name)
    if earlier.get("scenario") != scenario:
        return
    today = loaded.scenario.planning_date
    why = reasons(scenario, payload)
    kept = {str(event["UID"]) for event in calendar.walk("VEVENT")}
    for event in earlier_events():
        uid = str(event["UID"])
        # Over before the plan is made, an event is history, kept as it was (found by
        # review: cancelling "Apply to X" once sent erased it).
        if uid not in kept and event.decoded("DTEND") > today:
            calendar.add_component(_cancelled(event, stamp, today, why.get(uid), command))
            kept.add(uid)  # once per UID, even where an old record repeats one


# The reason of an application's events once it is sent: done, not dropped.
SENT = "sent"


def _dropped_reasons(scenario: str, payload: dict[str, Any]) -> dict[str, str]:
    """Why each dropped rotation's events went (`--since`'s `changes`), by their UIDs: the
    rotation, its letter request, application and deadline (found by review: matched by
    title, "Mayo Clinic" took "Mayo Clinic Arizona"'s reason, and id "sag" "sag.em"'s)."""
    reasons: dict[str, str] = {}
    # A rotation whose application went out (sent, offered, accepted): its application
    # and deadline events are done.
    for rotation in payload.get("rotations") or []:
        if rotation.get("applied") or rotation.get("offered") or rotation.get("locked"):
            pid, start = rotation["program_id"], rotation["start"]
            reasons[event_uid(scenario, pid, "submit", _PLAN)] = SENT
            reasons[event_uid(scenario, f"{pid}@{start}", "deadline", _PLAN)] = SENT
    for dropped in (payload.get("changes") or {}).get("dropped") or []:
        pid, start, why = dropped.get("program_id"), dropped.get("start"), dropped.get("why")
        if not (isinstance(pid, str) and isinstance(why, str) and why):
            continue
        keys = [(pid, "rotation", None), (pid, "ask_letter", None), (pid, "submit", _PLAN)]
        keys += [(f"{pid}@{start}", "deadline", _PLAN)] if isinstance(start, str) else []
        for subject, kind, source in keys:
            reasons[event_uid(scenario, subject, kind, source)] = why
    return reasons


def calendar_events(loaded: LoadedScenario, payload: dict[str, Any]) -> list[dict[str, str]]:
    """The plan's calendar events as its JSON records them (`calendar`): what a later
    `solve --since` cancels when the new plan no longer has them."""
    return [event_record(event) for event in build_calendar(loaded, payload).walk("VEVENT")]


def carried_calendar(loaded: LoadedScenario, earlier: dict[str, Any]) -> list[dict[str, str]]:
    """The calendar an earlier plan left imported, for a no-plan JSON to carry on: its
    record, or its events rebuilt (found by review: an older JSON, through a no-plan run,
    lost every cancellation)."""
    recorded = earlier.get("calendar")
    if isinstance(recorded, list):
        return [item for item in recorded if isinstance(item, dict)]
    return [event_record(event) for event in _earlier_events(loaded, earlier, written_at())]


def event_record(event: Any) -> dict[str, str]:
    """One event as the plan JSON's `calendar` records it (what `recorded_events` reads)."""
    return {
        "uid": str(event["UID"]),
        "summary": str(event["SUMMARY"]),
        "start": event.decoded("DTSTART").isoformat(),
        "end": event.decoded("DTEND").isoformat(),
        "kind": event_kind(event),
    }


def event_kind(event: Any) -> str:
    """What an event is (its first category: submit, deadline, rotation, ...); "" if it
    does not say."""
    categories = event.get("CATEGORIES")
    cats = getattr(categories, "cats", None)
    return str(cats[0]) if cats else ""


def recorded_events(recorded: list[Any]) -> list[Event]:
    """The events a plan JSON's `calendar` records; an entry edited out of shape is
    skipped."""
    events = []
    for item in recorded:
        fields = ("uid", "summary", "start", "end")
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in fields):
            continue
        try:
            start, end = date.fromisoformat(item["start"]), date.fromisoformat(item["end"])
        except ValueError:
            continue
        event = Event()
        event.add("uid", item["uid"])
        event.add("summary", item["summary"])
        event.add("dtstart", start)
        event.add("dtend", end)
        if isinstance(item.get("kind"), str) and item["kind"]:
            event.add("categories", [item["kind"]])
        events.append(event)
    return events


def _earlier_events(
    loaded: LoadedScenario, earlier: dict[str, Any], stamp: datetime
) -> list[Event]:
    """The events the earlier plan's calendar had: as its JSON records them (found by
    review: rebuilt under today's scenario, a program gone from the catalog, a blocked
    period removed or an offer answered since kept their events), else rebuilt from its
    rotations (a plan written before the record) of programs still in the catalog. A
    plan file that cannot be rebuilt (edited by hand) gives none: nothing is cancelled."""
    recorded = earlier.get("calendar")
    if isinstance(recorded, list):
        return recorded_events(recorded)
    programs = {p.id for p in loaded.programs}
    every = [r for r in earlier.get("rotations") or [] if isinstance(r, dict)]
    rotations = [r for r in every if r.get("program_id") in programs]
    try:
        calendar = build_calendar(loaded, {**earlier, "rotations": rotations}, stamp=stamp)
        gone = [
            event
            for r in every
            if r.get("program_id") not in programs
            for event in _gone_program_events(str(earlier.get("scenario")), r)
        ]
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError):
        return []  # a date out of range (year 9999) is an OverflowError, found by review
    return [event for event in calendar.walk("VEVENT") if isinstance(event, Event)] + gone


def _gone_program_events(scenario: str, rotation: dict[str, Any]) -> list[Event]:
    """The events a plan's calendar held for a rotation of a program since gone from the
    catalog, as far as its JSON entry tells them (found by review: with no record of the
    calendar, they were never cancelled)."""
    pid = rotation["program_id"]
    start, end = date.fromisoformat(rotation["start"]), date.fromisoformat(rotation["end"])
    title = f"Rotation: {rotation.get('program_name') or pid}"
    made: list[tuple[str, str, str | None, str, date, date]] = [
        (pid, "rotation", None, title, start, end + timedelta(days=1))
    ]
    ask = letter_request_date(end)
    made.append((pid, "ask_letter", None, f"Ask for the letter at {pid}", ask, ask))
    if not (rotation.get("locked") or rotation.get("offered") or rotation.get("applied")):
        submit = date.fromisoformat(rotation["submit_on"])
        made.append((pid, "submit", _PLAN, f"Apply to {pid}", submit, submit))
        if rotation.get("deadline"):
            due = date.fromisoformat(rotation["deadline"])
            subject = f"{pid}@{start.isoformat()}"
            made.append((subject, "deadline", _PLAN, f"Deadline: {pid}", due, due))
    events = []
    for subject, kind, source, summary, first, last in made:
        event = Event()
        event.add("uid", event_uid(scenario, subject, kind, source))
        event.add("summary", summary)
        event.add("dtstart", first)
        event.add("dtend", last if last > first else first + timedelta(days=1))
        events.append(event)
    return events


def _cancelled(
    event: Event,
    stamp: datetime,
    planning_date: date,
    why: str | None = None,
    command: str = "solve",
) -> Event:
    """An earlier event as cancelled: same UID, so that an import replaces it (found by
    review: a re-plan's dropped rotations, and the reminders of applications already
    sent, stayed in the calendar all season). `why`: the reason its program was dropped."""
    cancelled = Event()
    cancelled.add("uid", event["UID"])
    cancelled.add("dtstamp", stamp)
    cancelled.add("sequence", _sequence(stamp))
    cancelled.add("dtstart", event.decoded("DTSTART"))
    cancelled.add("dtend", event.decoded("DTEND"))
    # Done, not dropped, where the application went out (found by a season-long review:
    # "Dropped: Deadline: X" read as if X had been dropped).
    done = why == SENT
    cancelled.add("summary", f"{'Done' if done else 'Dropped'}: {event['SUMMARY']}")
    made = planning_date.isoformat()
    made_by = {"solve": "plan made", "apply": "applications chosen"}
    cancelled.add(
        "description",
        (
            f"Done: the application is listed as sent in the {made_by[command]} on {made}; "
            "nothing is left to do for it."
            if done
            else f"Dropped from the {made_by[command]} on {made}: {why}."
            if why
            else f"No longer in the {made_by[command]} on {made}: done (an application "
            f"sent, an offer answered) or dropped by the re-plan; `rotation-solver {command} "
            "--since` lists what changed."
        )
        + (f"\n\n{event['DESCRIPTION']}" if event.get("DESCRIPTION") else ""),
    )
    cancelled.add("status", "CANCELLED")
    cancelled.add("transp", "TRANSPARENT")
    return cancelled
