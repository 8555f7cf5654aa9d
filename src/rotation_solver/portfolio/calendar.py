"""`apply`'s applications as a calendar (`apply --format ics`): documents, submit-on
reminders, deadlines, offers to answer and ERAS, made as the plan's calendar is
(`calendar_export`), and with `--since`, the earlier calendar's events these
applications no longer have as cancelled."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from icalendar import Calendar, Event

from rotation_solver.calendar_export import (
    APPLICATIONS,
    SENT,
    build_calendar,
    cancel_dropped,
    event_kind,
    event_record,
    event_uid,
    recorded_events,
    written_at,
)
from rotation_solver.portfolio.steps import application_steps
from rotation_solver.scenario import LoadedScenario


def _applications_calendar(
    loaded: LoadedScenario, payload: dict[str, Any], stamp: datetime
) -> Calendar:
    """`apply`'s applications as a calendar: documents, submit-on, deadlines, offers, ERAS."""
    # The rotations in every outcome (locks, offers accepted now) are whole events; every
    # other step is a one-day event.
    steps = application_steps(loaded, payload)
    # An offer `apply` says to accept is not accepted yet: tentative, an offer in hand,
    # until it is under `locks:` (found by review: "Accepted offer", confirmed, on the
    # day the student was only told to accept it).
    accepting = {lock["program_id"] for lock in payload.get("locks") or [] if lock.get("offer")}
    rotations = [
        {**rotation, "locked": False, "offered": True}
        if rotation["program_id"] in accepting
        else rotation
        for rotation in payload.get("lock_rotations") or []
    ]
    certain = {**payload, "rotations": rotations}
    return build_calendar(loaded, certain, steps, title=APPLICATIONS, stamp=stamp)


# The events `apply --since` cancels: the applications calendar's own (an application,
# its deadline, an offer to answer). Documents, ERAS, rotations and blocked periods are
# shared with `solve`'s calendar, by UID: cancelling one here would clear it there too
# (found by a season-long review: "Dropped: Ready: bls" where the plan still needed it).
OWN_KINDS = frozenset(("submit", "deadline", "offer"))


def applications_ics(
    loaded: LoadedScenario, payload: dict[str, Any], earlier: dict[str, Any] | None = None
) -> bytes:
    """`apply`'s calendar as RFC 5545 bytes. With `earlier` (the report it replaces, as
    `apply --format json` wrote it), the earlier calendar's events this one no longer has
    come as cancelled, as `solve --since`'s do."""
    stamp = written_at()
    calendar = _applications_calendar(loaded, payload, stamp)
    if earlier is not None:
        cancel_dropped(
            calendar,
            loaded,
            payload,
            earlier,
            stamp,
            lambda: [
                event
                for event in _earlier_application_events(loaded, earlier, stamp)
                if event_kind(event) in OWN_KINDS
            ],
            _dropped_application_reasons,
            "apply",
        )
    return calendar.to_ical()


def application_calendar_events(
    loaded: LoadedScenario, payload: dict[str, Any]
) -> list[dict[str, str]]:
    """`apply`'s calendar events as its JSON records them (`calendar`), for a later
    `apply --since` to cancel those the new applications no longer have."""
    calendar = _applications_calendar(loaded, payload, written_at())
    return [event_record(event) for event in calendar.walk("VEVENT")]


def carried_application_calendar(
    loaded: LoadedScenario, earlier: dict[str, Any]
) -> list[dict[str, str]]:
    """The calendar an earlier `apply` left imported, for a report with no applications
    to carry on (as `carried_calendar` for a plan)."""
    recorded = earlier.get("calendar")
    if isinstance(recorded, list):
        return [item for item in recorded if isinstance(item, dict)]
    events = _earlier_application_events(loaded, earlier, written_at())
    return [event_record(event) for event in events]


def _earlier_application_events(
    loaded: LoadedScenario, earlier: dict[str, Any], stamp: datetime
) -> list[Event]:
    """The events the earlier report's calendar had: as its JSON records them, else
    rebuilt (a report written before the record) from its applications of programs still
    in the catalog. A report that cannot be rebuilt gives none: nothing is cancelled."""
    recorded = earlier.get("calendar")
    if isinstance(recorded, list):
        return recorded_events(recorded)
    programs = {p.id for p in loaded.programs}
    try:
        kept = {
            key: [r for r in earlier.get(key) or [] if r.get("program_id") in programs]
            for key in ("applications", "lock_rotations")
        }
        calendar = _applications_calendar(loaded, {**earlier, **kept}, stamp)
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError):
        return []
    return [event for event in calendar.walk("VEVENT") if isinstance(event, Event)]


def _dropped_application_reasons(scenario: str, payload: dict[str, Any]) -> dict[str, str]:
    """Why each dropped application's events went (`apply --since`'s `changes`), by UID:
    its submit-on reminder and the deadlines of the starts it asked for."""
    reasons: dict[str, str] = {}
    # An application sent since: its events are done, not dropped.
    for application in payload.get("applications") or []:
        if application.get("sent") or application.get("offered"):
            pid = application["program_id"]
            reasons[event_uid(scenario, pid, "submit", APPLICATIONS)] = SENT
            for start in application.get("starts") or []:
                reasons[event_uid(scenario, f"{pid}@{start}", "deadline", APPLICATIONS)] = SENT
    changes = payload.get("changes") or {}
    # A kept application whose starts changed: its deadline is now its new earliest
    # start's (found by review: the old one's cancellation gave no reason).
    for changed in changes.get("starts_changed") or []:
        pid = changed.get("program_id")
        for start in changed.get("from") or []:
            why = "the application now lists other starts; its deadline is the earliest one's"
            reasons[event_uid(scenario, f"{pid}@{start}", "deadline", APPLICATIONS)] = why
    for dropped in changes.get("dropped") or []:
        pid, why = dropped.get("program_id"), dropped.get("why")
        if not (isinstance(pid, str) and isinstance(why, str) and why):
            continue
        reasons[event_uid(scenario, pid, "submit", APPLICATIONS)] = why
        for start in dropped.get("starts") or []:
            reasons[event_uid(scenario, f"{pid}@{start}", "deadline", APPLICATIONS)] = why
    return reasons
