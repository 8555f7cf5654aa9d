"""Turn a plan into dated actions: from the planning date to ERAS submission and beyond.

Every step is drawn from the scenario and the plan payload (spec section 7):
documents the chosen applications need, when to submit each application (and
its fee) and its deadline, the blocked periods still to come, when each rotation
starts and ends, when to ask for the letter (the last week of the rotation),
when to follow up on the letters, and the ERAS submission. Steps are sorted by
date; on the same day they follow the order of `KINDS`, then the plan's
rotation order, so the timeline is the same on every run. Rendered here as JSON,
CSV, Markdown or a rich table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, get_args

from rich import box
from rich.table import Table
from rich.text import Text

from rotation_solver import markdown
from rotation_solver.csv_out import records_csv
from rotation_solver.scenario import LoadedScenario, Lock
from rotation_solver.words import counted, join_names

# In same-day order: what must happen first comes first (an offer lapses within days).
StepKind = Literal[
    "offer",
    "pending",
    "document",
    "submit",
    "deadline",
    "blocked",
    "rotation_start",
    "ask_letter",
    "rotation_end",
    "letter_check",
    "eras",
]

# The step of an offer in hand (scenario `offers`) begins with one of these.
ACCEPT_OFFER = "Accept the offer"
DECLINE_OFFER = "Decline the offer"

KINDS: tuple[StepKind, ...] = get_args(StepKind)

KIND_LABELS: dict[str, str] = {
    "offer": "Answer an offer",
    "pending": "Answer to come",
    "document": "Document ready",
    "submit": "Submit application",
    "deadline": "Application deadline",
    "blocked": "Blocked period",
    "rotation_start": "Rotation starts",
    "ask_letter": "Ask for the letter",
    "rotation_end": "Rotation ends",
    "letter_check": "Follow up on letters",
    "eras": "ERAS submission",
}

# "Follow up with a polite email reminder later if necessary, especially as ERAS
# deadlines approach" [Step 4]: two weeks before ERAS leaves time to chase a letter.
LETTER_CHECK_DAYS_BEFORE_ERAS = 14

# "Ask for letters thoughtfully - near the end of the rotation" [Step 4]: the
# first day of the rotation's last week.
LETTER_ASK_DAYS_BEFORE_END = 6


_Day = date  # inside TimelineStep, `date` names its field


@dataclass(frozen=True)
class TimelineStep:
    """One dated action."""

    date: date
    kind: StepKind
    program_id: str | None
    text: str
    document: str | None = None  # the document's name, for "document" steps
    # The offer's start, for "offer" steps: two offers of one program are two steps.
    offer_start: _Day | None = None
    # For "deadline" steps: when the application is planned to go out, and the start
    # whose deadline it is (the calendar keys the event by it).
    planned_submission: _Day | None = None
    deadline_of: _Day | None = None
    # For "offer" steps: the calendar event's one-line title (the answer, or a check).
    title: str | None = None

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


def _day(value: str) -> date:
    return date.fromisoformat(value)


def _specialty_words(specialty: str) -> str:
    # "a 4-week other rotation" reads as nonsense (found by review).
    return "clinical" if specialty == "other" else specialty.replace("_", " ")


def _where(rotation: dict[str, Any]) -> str:
    place = ", ".join(part for part in (rotation.get("city"), rotation.get("state")) if part)
    return f"{rotation['program_name']}, {place}" if place else str(rotation["program_name"])


def letter_request_date(end: date) -> date:
    """The day to ask for the letter: the first day of the rotation's last week."""
    return end - timedelta(days=LETTER_ASK_DAYS_BEFORE_END)


@dataclass(frozen=True)
class OfferAnswer:
    """`apply`'s answer to the offers in hand, which the plan in the payload follows
    (the accepted offers are its locks, the declined ones left out)."""

    accept: tuple[Lock, ...]
    decline: tuple[Lock, ...]
    # What the answer weighs the offers against, in the plan that asked for it (found
    # by review: taken from the followed plan, it named answers no one waited for).
    pending: str
    # The applications `apply` chose around the answer (its JSON entries): the answer
    # counts on them, so each is a step even where this plan does not use it (found by
    # an advisor's review: two sure offers declined, two of eight applications listed).
    applications: tuple[dict[str, Any], ...] = ()


def pending_words(payload: dict[str, Any]) -> str:
    """What is still uncertain in the plan: applications to send, or answers to come."""
    to_send = any(
        not (r.get("locked") or r.get("offered") or r.get("applied")) for r in payload["rotations"]
    )
    return (
        "applications still to send"
        if to_send
        else "answers still to come from applications already sent"
    )


def answers_to_come(payload: dict[str, Any]) -> bool:
    """The plan still has applications to send, or counts on ones sent: then `apply`, not
    this plan, answers the offers in hand (it weighs every way against them)."""
    return any(not r.get("locked") and not r.get("offered") for r in payload["rotations"])


def build_timeline(
    loaded: LoadedScenario, payload: dict[str, Any], offer_answer: OfferAnswer | None = None
) -> list[TimelineStep]:
    """Every dated step of the plan in `payload`, sorted by date (stable tiebreak).

    A locked rotation is an offer already accepted, so it has no application
    steps (submit, deadline, documents); its start, letter and end remain. An
    offer in hand and an application already sent have no application steps either.
    A document ready before the planning date is listed on the planning date
    ("ready since ...") so that every step lies on or after the day the plan
    is made.
    """
    scenario = loaded.scenario
    today = scenario.planning_date
    eras = scenario.eras_submission
    lead_days = loaded.value_model.timing.letter_lead_days
    rotations: list[dict[str, Any]] = list(payload.get("rotations") or [])
    steps: list[TimelineStep] = []

    # Offers in hand and applications already sent need no documents either.
    applying = [
        r["program_id"]
        for r in rotations
        if not (r.get("locked") or r.get("offered") or r.get("applied"))
    ]
    # Following `apply`, each of its applications is one step with every start it asks
    # for, this plan's programs too (found by review: the plan's own step gave one date
    # where `apply` counted on alternates).
    also = [
        a
        for a in (offer_answer.applications if offer_answer else ())
        if not (a.get("sent") or a.get("offered"))
    ]
    by_apply = {a["program_id"] for a in also}
    wanted = dict.fromkeys([*applying, *(a["program_id"] for a in also)])
    steps.extend(document_steps(loaded, list(wanted)))
    steps.extend(application_steps_of(loaded, also, _counted_on))

    # With rotations still to apply for, `apply` answers the offers: it weighs each way
    # to answer against those applications, where this plan counts their chances (found
    # by review: this timeline said "accept" to an offer `apply` said to decline).
    pending = pending_words(payload)
    # Sent applications are still to be answered, so `apply` weighs the offers against
    # them as well.
    deferred = bool(answers_to_come(payload) and loaded.offers) and offer_answer is None

    def answer(verb: str, program_id: str, which: str, then: str) -> tuple[str, str]:
        """(text, calendar title) of an offer step; with answers still to come the check
        comes first, so that nobody accepts before reading it, and this plan's answer is
        what it assumes, not a step to take (found by reviews: a to-do row said to
        decline the offer `apply` said to accept)."""
        if not deferred:
            return f"{verb}{which}{then}", f"{verb} from {program_id}"
        return (
            f"Check `rotation-solver apply SCENARIO` before answering: with {pending}, it "
            "weighs every way to answer the offers, and its answer is the one to give. "
            f"This plan assumes you {verb.split()[0].lower()} the offer{which}. Once "
            "answered, re-plan: an accepted offer goes under `locks:`, a declined one under "
            "`applied:` and `exclude:`.",
            f"Answer the offer from {program_id}: check `apply` first",
        )

    for rotation in rotations:
        pid = rotation["program_id"]
        start, end = _day(rotation["start"]), _day(rotation["end"])
        name, where = rotation["program_name"], _where(rotation)
        if rotation.get("offered"):
            # An offer in hand: nothing to apply for; answer it before it lapses.
            text, title = answer(
                ACCEPT_OFFER,
                pid,
                f" from {name} for the {start.isoformat()} start",
                " (an offer is usually held about a week), then re-plan with it as a lock",
            )
            steps.append(TimelineStep(today, "offer", pid, text, offer_start=start, title=title))
        elif not (rotation.get("locked") or rotation.get("applied") or pid in by_apply):
            deadline = rotation.get("deadline")
            requires = loaded.program(pid).requires
            docs = f" with {join_names(requires)}" if requires else ""
            due = f"; deadline {deadline}" if deadline else "; no deadline"
            # Found by review: no fee was dated, only folded into the rotation's cost.
            fee = loaded.program(pid).fee
            due += f"; fee ${fee:,}, paid when you apply" if fee else ""
            submit_on = _day(rotation["submit_on"])
            # The spec allows it (no deadline, or one after the start); a file read later
            # must carry the caveat the terminal's warning gives (found by review).
            late = (
                "; this is after the rotation starts: confirm that the program still takes "
                "the application"
                if submit_on > start
                else ""
            )
            steps.append(
                TimelineStep(
                    submit_on,
                    "submit",
                    pid,
                    f"Apply to {name} for the {start.isoformat()} start{docs}{due}{late}",
                )
            )
            if deadline:
                steps.append(
                    TimelineStep(
                        _day(deadline),
                        "deadline",
                        pid,
                        f"Last day to apply to {name} (planned submission {rotation['submit_on']})",
                        planned_submission=submit_on,
                        deadline_of=start,
                    )
                )
        to_accept = offer_answer is not None and any(
            (o.program, o.start) == (pid, start) for o in offer_answer.accept
        )
        accepted = (
            " (the offer to accept)"
            if to_accept
            else " (accepted offer)"
            if rotation.get("locked")
            else " (if the application sent comes back with an offer)"
            if rotation.get("applied")
            else ""
        )
        steps.append(
            TimelineStep(
                start,
                "rotation_start",
                pid,
                f"Start {rotation['weeks']}-week {_specialty_words(rotation['specialty'])} "
                f"rotation at {where}{accepted}; cost ${rotation['cost']:,}",
            )
        )
        in_time = end + timedelta(days=lead_days) <= eras
        letter_note = (
            ""
            if in_time
            # Found by review: "may arrive" for a letter asked for a month after ERAS.
            else f"; ERAS goes in on {eras.isoformat()}, before this rotation is over, so the "
            "letter comes after it"
            if end >= eras
            else f"; the letter may arrive after ERAS on {eras.isoformat()}"
        )
        steps.append(
            TimelineStep(
                letter_request_date(end),
                "ask_letter",
                pid,
                f"Last week at {pid}: ask for a strong, detailed letter; give the "
                f"letter packet (CV, personal statement draft){letter_note}",
            )
        )
        steps.append(
            TimelineStep(end, "rotation_end", pid, f"Last day at {name}; send thank-you notes")
        )

    steps.append(eras_step(loaded, [r["program_id"] for r in rotations if _day(r["end"]) < eras]))
    steps.extend(letter_check_steps(loaded, rotations))
    steps.extend(blocked_steps(loaded))
    if offer_answer is not None:
        steps.extend(_answer_steps(loaded, offer_answer))
    # An offer in hand the plan does not use: say so, so that its seat is given back.
    taken = {(r["program_id"], r["start"]) for r in rotations}
    for offer in loaded.offers if offer_answer is None else ():
        if (offer.program, offer.start.isoformat()) not in taken:
            program = loaded.program(offer.program)
            text, title = answer(
                DECLINE_OFFER,
                offer.program,
                f" from {program.name} for the {offer.start.isoformat()} start",
                ": this plan does not use it",
            )
            steps.append(
                TimelineStep(
                    today, "offer", offer.program, text, offer_start=offer.start, title=title
                )
            )
    accepting = (
        {(o.program, o.start.isoformat()) for o in offer_answer.accept} if offer_answer else set()
    )
    stranded = frozenset(payload.get("sent_no_plan_holds") or ())
    steps.extend(unused_application_steps(loaded, rotations, accepting, stranded))
    return in_order(steps)


def application_steps_of(
    loaded: LoadedScenario,
    applications: Sequence[dict[str, Any]],
    why: Callable[[dict[str, Any]], str],
) -> list[TimelineStep]:
    """Submit and deadline steps of `apply`'s applications (its JSON entries): each start's
    own deadline where they differ, then `why(application)`. Shared by `apply`'s calendar
    and the timeline that follows `apply`'s answer to the offers."""
    steps = []
    for a in applications:
        pid, name = a["program_id"], a["program_name"]
        requires = loaded.program(pid).requires
        docs = f" with {join_names(requires)}" if requires else ""
        deadline = a.get("deadline")
        due = f"; first deadline {deadline}" if deadline else "; no deadline known"
        by_start = list(zip(a["starts"], a.get("start_deadlines") or [], strict=False))
        if len({d for _, d in by_start}) > 1:
            # Later starts stay open after the first deadline (found by review).
            due += " (" + ", ".join(f"{s} by {d or 'no deadline'}" for s, d in by_start) + ")"
        submit_on = _day(a["submit_on"])
        steps.append(
            TimelineStep(
                submit_on,
                "submit",
                pid,
                f"Apply to {name} for {_starts_words(a['starts'])}{docs}{due}{why(a)}",
            )
        )
        if deadline:
            steps.append(
                TimelineStep(
                    _day(deadline),
                    "deadline",
                    pid,
                    f"Last day to apply to {name} for the {min(a['starts'])} start, its "
                    f"earliest (planned submission {a['submit_on']})",
                    planned_submission=submit_on,
                    deadline_of=_day(min(a["starts"])),
                )
            )
    return steps


def _starts_words(starts: list[str]) -> str:
    if len(starts) == 1:
        return f"the {starts[0]} start"
    return f"the starts {join_names(starts)} (one application)"


def _counted_on(_application: dict[str, Any]) -> str:
    return (
        ": one of the applications `rotation-solver apply` chose around its answer to the "
        "offers, which counts on it (the plan below shows only today's best case)"
    )


def _answer_steps(loaded: LoadedScenario, answer: OfferAnswer) -> list[TimelineStep]:
    """One step per offer in hand, as `apply` answers it (found by a student's review:
    the timeline said `apply`'s answer was the one to give, then planned another)."""
    today = loaded.scenario.planning_date
    why = (
        f"`rotation-solver apply`'s answer, which weighs every way to answer the offers "
        f"against the {answer.pending}"
    )
    taken = {offer.program for offer in answer.accept}
    steps = []
    for verb, offer in [(ACCEPT_OFFER, o) for o in answer.accept] + [
        (DECLINE_OFFER, o) for o in answer.decline
    ]:
        if verb == ACCEPT_OFFER:
            then = "then re-plan with it under `locks:`"
        elif offer.program in taken:
            # Its program's other offer is accepted: under `exclude:` the program could
            # not be locked as well (found by review: the loader refuses both).
            then = "then remove it from `offers:` (the start you accept goes under `locks:`)"
        else:
            then = "then list it under `applied:` and `exclude:` (its fee stays paid)"
        name = loaded.program(offer.program).name
        text = (
            f"{verb} from {name} for the {offer.start.isoformat()} start: {why} (an offer "
            f"is usually held about a week); {then}."
        )
        title = f"{verb} from {offer.program} (apply's answer)"
        steps.append(
            TimelineStep(today, "offer", offer.program, text, offer_start=offer.start, title=title)
        )
    return steps


def unused_application_steps(
    loaded: LoadedScenario,
    rotations: Sequence[dict[str, Any]],
    to_accept: Set[tuple[str, str]] = frozenset(),
    no_plan_holds: Set[str] = frozenset(),
) -> list[TimelineStep]:
    """An application sent, still unanswered, that the plan does not use: its offer can
    still change the plan. Found by an advisor's review: the timeline never named it,
    and the plan had put another rotation over its start.

    `to_accept`: the (program, start) of the plan's locks that are `apply`'s answer to
    the offers, not yet accepted (found by review: they were "the offers you accepted").
    `no_plan_holds`: sent programs a re-solve proved no plan within the budget can hold.
    """
    planned = {r["program_id"] for r in rotations}
    locks = [r for r in rotations if r.get("locked")]

    def accepted_words(programs: Iterable[str], one: bool = False) -> tuple[str, str]:
        """(which offers these locks are, what comes before "withdraw it") as the
        student stands: accepted, or `apply`'s answer still to give."""
        pending = {pid for pid, _start in to_accept}
        named = set(programs)
        if not named & pending:
            return ("an offer you accepted" if one else "offers you accepted"), ""
        # The offer by name, not "it" or "that offer": the next words are about the
        # application (found by reviews: "Once you have accepted it, withdraw it", and
        # "that offer" beside a sentence naming another).
        waiting = sorted(named & pending)
        them = f"the offer{'' if len(waiting) == 1 else 's'} from {join_names(waiting)}"
        said = (
            ("an offer `apply` says to accept" if one else "offers `apply` says to accept")
            if named <= pending
            else "offers you accepted and offers `apply` says to accept"
        )
        return said, f"Once you have accepted {them}, w"

    steps = []
    for application in loaded.applied:
        if application.program in planned:
            continue
        program = loaded.program(application.program)
        starts = ", ".join(d.isoformat() for d in application.starts)
        # Its warning says why; the step says what to do (found by review: no step at
        # all, where one start overlapping an accepted offer got "Withdraw it"). Found by
        # a student's review: a clinical application beside an accepted clinical offer
        # (clinical.max 1) read as "an offer would mean choosing between them".
        room = _no_room_beside_accepted(loaded, program.specialty, rotations)
        full, filling = room if room is not None else (None, [r["program_id"] for r in locks])
        offers, first = accepted_words(filling)
        useless = (
            f": {application.unusable_because}"
            if not application.usable
            else f" beside the {offers}: {full}"
            if full is not None
            else None
        )
        if useless is not None:
            withdraw = _withdraw(first if full is not None and application.usable else "")
            text = (
                f"The application sent to {program.name} ({starts}) is still unanswered, "
                f"but it cannot lead to a rotation{useless}. {withdraw}"
            )
            steps.append(
                TimelineStep(loaded.scenario.planning_date, "pending", application.program, text)
            )
            continue
        # Each start: ruled out by the calendar or the rules, under an accepted offer,
        # under another of this plan's rotations, or free.
        accepted, planned_over, free = [], [], []
        near_locks: list[str] = []
        # Too close counts as a clash: the plan keeps min_gap_days between rotations
        # (found by review: a start 0 days after an accepted offer read as free).
        gap = timedelta(days=loaded.requirements.min_gap_days)
        for start in application.starts:
            if start in application.ruled_out:
                continue
            end = start + timedelta(weeks=program.weeks, days=-1)
            near = [
                r
                for r in rotations
                if _day(r["start"]) <= end + gap and start - gap <= _day(r["end"])
            ]
            overlapping = any(_day(r["start"]) <= end and start <= _day(r["end"]) for r in near)
            verb = "overlaps" if overlapping else "comes within calendar.min_gap_days of"
            locked = sorted(r["program_id"] for r in near if r.get("locked"))
            others = sorted(r["program_id"] for r in near if not r.get("locked"))
            if locked:
                accepted.append(f"{start.isoformat()} {verb} {join_names(locked)}")
                near_locks.extend(locked)
            elif others:
                planned_over.append(f"{start.isoformat()} {verb} {join_names(others)}")
            else:
                free.append(start)
        if accepted and not planned_over and not free:
            # Found by a student's review: "an offer would mean choosing" against an
            # offer already accepted; the guide's etiquette is to withdraw. Its other
            # starts, if any, are ruled out by the calendar or the rules.
            where = (
                f"its start {accepted[0]}"
                if len(accepted) == 1
                else f"its starts overlap them ({', '.join(accepted)})"
            )
            # Found by review: the starts the calendar rules out went unsaid.
            out = application.ruled_out
            also = (
                f"; {'its other start' if len(out) == 1 else 'its other starts'} "
                f"({', '.join(d.isoformat() for d in out)}) cannot be in any plan "
                "(window, blocked periods or the rules)"
                if out
                else ""
            )
            offers, first = accepted_words(near_locks)
            text = (
                f"The application sent to {program.name} ({starts}) is still unanswered, "
                f"but it cannot lead to a rotation beside the {offers}: {where}"
                f"{also}. {_withdraw(first)}"
            )
        elif application.program in no_plan_holds:
            # After the accepted offers' own reasons (found by review: the re-solve's
            # "no plan holds it" hid "its start overlaps rad-cedar", and the wait for
            # an offer still to accept). Relative to the plan's locks, as the re-solve.
            beside = f" beside the {offers}" if locks else ""
            text = (
                f"The application sent to {program.name} ({starts}) is still unanswered, "
                "but it cannot lead to a rotation: no plan that meets every rule within the "
                f"budget can hold it{beside}. {_withdraw(first)}"
            )
        else:
            clash = ""
            if planned_over and not free:
                # Every start it could take clashes with this plan (found by review).
                where = (
                    f"its start {planned_over[0]}"
                    if len(planned_over) == 1
                    # "comes within min_gap_days of" is a clash too (found by review).
                    else f"each start it could take clashes with a rotation "
                    f"({', '.join(planned_over)})"
                )
                offers = accepted_words(near_locks, one=len(accepted) == 1)[0]
                under = f" ({'; '.join(accepted)}: {offers})" if accepted else ""
                clash = (
                    f"; in this plan {where}, so an offer would mean choosing between them{under}"
                )
            # Found by an advisor's review: starts outside the window went unmarked here.
            out = application.ruled_out
            never = (
                f"; {join_names(d.isoformat() for d in out)} cannot be in any plan (window, "
                "blocked periods or the rules)"
                if out
                else ""
            )
            text = (
                f"The application sent to {program.name} ({starts}) is still unanswered and "
                f"this plan does not use it{clash}{never}. If it comes back with an offer, "
                "list it under `offers:` and re-plan; `rotation-solver apply` weighs the "
                "offers against each other."
            )
        steps.append(
            TimelineStep(loaded.scenario.planning_date, "pending", application.program, text)
        )
    return steps


def _withdraw(first: str = "") -> str:
    """The guide's etiquette for an application that can no longer be used; `first` is
    what comes before it ("Once you have accepted the offer from rad-cedar, w"), else "W"."""
    it = "this application" if first else "it"
    return f"{first or 'W'}ithdraw {it}, then list it under `exclude:` too (its fee stays paid)."


def _no_room_beside_accepted(
    loaded: LoadedScenario, specialty: str, rotations: Sequence[dict[str, Any]]
) -> tuple[str, list[str]] | None:
    """Why no plan can add a rotation of `specialty` to the accepted offers (the plan's
    locked rotations), whatever its date: they already fill a rule's maximum; and the
    offers that fill it."""
    req = loaded.requirements
    accepted = [r for r in rotations if r.get("locked")]
    radiology = sorted(r["program_id"] for r in accepted if r["specialty"] == "radiology")
    clinical = sorted(r["program_id"] for r in accepted if r["specialty"] != "radiology")
    if accepted and len(accepted) >= req.max_rotations:
        names = sorted(r["program_id"] for r in accepted)
        why = f"they ({join_names(names)}) already make requirements.max_rotations "
        return why + str(req.max_rotations), names
    if specialty == "radiology" and radiology and len(radiology) >= req.radiology_max:
        return (
            f"they already hold requirements.radiology.max {req.radiology_max} radiology "
            f"{'rotation' if req.radiology_max == 1 else 'rotations'} ({join_names(radiology)})",
            radiology,
        )
    if specialty != "radiology" and clinical and len(clinical) >= req.clinical_max:
        return (
            f"they already hold requirements.clinical.max {req.clinical_max} clinical "
            f"{'rotation' if req.clinical_max == 1 else 'rotations'} ({join_names(clinical)})",
            clinical,
        )
    return None


def letter_check_steps(
    loaded: LoadedScenario, rotations: Sequence[dict[str, Any]]
) -> list[TimelineStep]:
    """Two weeks before ERAS, follow up on the letters of the rotations over by then
    (found by review: nothing reminded the student to check that the letters had come;
    a rotation still under way has no letter to chase yet)."""
    today = loaded.scenario.planning_date
    eras = loaded.scenario.eras_submission
    check = eras - timedelta(days=LETTER_CHECK_DAYS_BEFORE_ERAS)
    asked = [r["program_id"] for r in rotations if _day(r["end"]) < check]
    if not asked or check < today:
        return []
    letters = "the letter" if len(asked) == 1 else "the letters"
    return [
        TimelineStep(
            check,
            "letter_check",
            None,
            f"Check that {letters} from {join_names(asked)} reached ERAS (submission on "
            f"{eras.isoformat()}); send a polite email reminder to any writer whose letter "
            "is missing (guide, Step 4)",
        )
    ]


def blocked_steps(loaded: LoadedScenario) -> list[TimelineStep]:
    """The blocked periods still to come (an exam, a holiday), among the steps (found by
    review: the calendar showed a Step 2 block, the timeline did not)."""
    today = loaded.scenario.planning_date
    return [
        TimelineStep(
            max(period.start, today),
            "blocked",
            None,
            f"{period.reason or 'Blocked'}: no rotation from {period.start.isoformat()} to "
            f"{period.end.isoformat()} (calendar.blocked)",
        )
        for period in loaded.scenario.calendar.blocked
        if period.end >= today
    ]


def in_order(steps: Iterable[TimelineStep]) -> list[TimelineStep]:
    """By date; on one day, in the order of `StepKind` (stable among equals)."""
    rank = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(steps, key=lambda s: (s.date, rank[s.kind]))


def document_steps(loaded: LoadedScenario, program_ids: Iterable[str]) -> list[TimelineStep]:
    """When each document these programs' applications need is ready. One ready before
    the planning date is listed on the planning date ("ready since ...")."""
    scenario = loaded.scenario
    today = scenario.planning_date
    needed_by: dict[str, list[str]] = {}
    for pid in program_ids:
        for name in loaded.program(pid).requires:
            needed_by.setdefault(name, []).append(pid)
    steps = []
    for name, programs in sorted(
        needed_by.items(), key=lambda kv: (scenario.documents[kv[0]], kv[0])
    ):
        ready = scenario.documents[name]
        when = (
            f"ready since {ready.isoformat()}"
            if ready < today
            else "expected ready on this date, as your scenario says"
        )
        steps.append(
            TimelineStep(
                max(ready, today),
                "document",
                None,
                f"{name.replace('_', ' ')}: {when} (needed for {join_names(programs)})",
                document=name,
            )
        )
    return steps


def eras_step(loaded: LoadedScenario, done: Sequence[str]) -> TimelineStep:
    """The ERAS submission, naming the rotations `done` by then."""
    after = f" (rotations done: {join_names(done)})" if done else ""
    # Guide, Pitfalls: "some programs see 'IMG' and automatically think 'visa issues'".
    student = loaded.scenario.student
    said = {"us_citizen": "U.S. citizenship", "permanent_resident": "permanent residency"}
    status = (
        f"; state your {said[student.citizenship]} explicitly (no visa needed)"
        if student.school_type == "img" and student.citizenship in said
        else ""
    )
    eras = loaded.scenario.eras_submission
    return TimelineStep(eras, "eras", None, f"Submit the ERAS application{after}{status}")


def step_dict(step: TimelineStep) -> dict[str, Any]:
    return {
        "date": step.date.isoformat(),
        "kind": step.kind,
        "program_id": step.program_id,
        "text": step.text,
        "document": step.document,
    }


def timeline_json(steps: Sequence[TimelineStep]) -> list[dict[str, Any]]:
    """The timeline as JSON-ready dicts (date as YYYY-MM-DD)."""
    return [step_dict(step) for step in steps]


# The timeline holds the plan's own applications; the guide's advice is broader.
OTHER_APPLICATIONS_NOTE = (
    "Only this plan's applications are listed, as if each program will say yes. Offers are "
    "uncertain: the guide suggests applying to 6-10 programs (Step 2); before sending, run "
    "`rotation-solver apply`, which chooses which (it may leave out some of these) and "
    "when to send each."
)


def other_applications_note(loaded: LoadedScenario, following_apply: bool = False) -> str:
    """OTHER_APPLICATIONS_NOTE, or, once applications have gone out, how many (found by
    review: "apply to 6-10" after ten were sent); `following_apply`: the steps hold the
    applications `apply` chose around its answer to the offers (found by review: the
    note said only the plan's were listed, above `apply`'s)."""
    made = {a.program for a in loaded.applied} | set(loaded.refused)
    # An accepted offer (a lock) was an application too (found by review: the count fell
    # by one when an offer was accepted).
    made |= {o.program for o in loaded.offers} | {lock.program for lock in loaded.locks}
    if not made:
        return OTHER_APPLICATIONS_NOTE
    already = f"{counted(len(made), 'application')} already made (sent, answered or refused)"
    if following_apply:
        return (
            "The applications listed are the ones `rotation-solver apply` chose around its "
            f"answer to the offers, and this plan's; {already}. `apply` lists every start "
            "to ask for at each program."
        )
    return (
        f"Only this plan's applications still to send are listed; {already}. "
        "`rotation-solver apply` says whether more are worth their fees."
    )


def timeline_markdown(steps: Sequence[TimelineStep]) -> list[str]:
    """The timeline as Markdown table lines (shared with the advisor report)."""
    lines = ["| Date | Step | Program | What to do |", "|---|---|---|---|"]
    for step in steps:
        lines.append(
            f"| {step.date.isoformat()} ({step.date:%a}) | {step.label} | "
            f"{markdown.cell(step.program_id or '')} | {markdown.cell_with_code(step.text)} |"
        )
    return lines


_KIND_STYLES = {
    "offer": "bold green",
    "pending": "yellow",
    "document": "cyan",
    "submit": "bold green",
    "deadline": "yellow",
    "rotation_start": "bold blue",
    "ask_letter": "magenta",
    "rotation_end": "blue",
    "eras": "bold red",
}


def timeline_table(
    steps: Sequence[TimelineStep], title: str, today: date, note: str = OTHER_APPLICATIONS_NOTE
) -> Table:
    table = Table(
        title=Text(title),
        box=box.SIMPLE_HEAVY,
        title_justify="left",
        caption=f"Days: from the planning date, {today.isoformat()}. {note}",
        caption_justify="left",
    )
    table.add_column("Date", no_wrap=True)
    table.add_column("Days", justify="right", no_wrap=True)
    table.add_column("Step", no_wrap=True)
    table.add_column("Program", no_wrap=True)
    table.add_column("What to do")
    for step in steps:
        style = _KIND_STYLES.get(step.kind, "")
        table.add_row(
            f"{step.date:%a} {step.date.isoformat()}",
            f"{(step.date - today).days} d",
            f"[{style}]{step.label}[/{style}]" if style else step.label,
            Text(step.program_id or ""),
            Text(step.text),
        )
    return table


def timeline_csv(steps: Sequence[TimelineStep]) -> str:
    return records_csv(["date", "kind", "program_id", "document", "text"], timeline_json(steps))
