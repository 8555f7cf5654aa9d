"""Expand a catalog into feasible (program, start) offerings with exact cost and value.

Spec section 4 decides which offerings exist; section 6 gives each its value.
Every offering that does not exist is kept with its reason, so reports can
count them and explanations can say "why not".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction
from functools import cached_property
from typing import Literal

from rotation_solver.scenario import LoadedScenario, Program, Weights
from rotation_solver.scenario.schema import BlockedPeriod
from rotation_solver.words import counted

# The two halves of tier_mix (spec section 5): one target, IMG-friendly rotation meets both.
TIERS_HIGH = frozenset({"reach", "target"})
TIERS_SAFE = frozenset({"target", "safety"})


class DropReason(StrEnum):
    """Why a (program, start) pair is not an offering, in the order `expand` tests them,
    but for NOT_NAMED, tested after OUTSIDE_WINDOW: naming a start the rules rule out
    anyway would not help."""

    EXCLUDED = "excluded"
    # Extension `applied`: a start the application sent does not name.
    NOT_NAMED = "not named in the application sent"
    SPECIALTY = "specialty not requested"
    NO_IMG = "program does not take IMGs"
    OUTSIDE_WINDOW = "outside window"
    BLOCKED = "blocked period"
    PAST_DEADLINE = "past deadline"
    # requirements.apply_by_start: the start comes before the deadline, or there is none.
    AFTER_START = "applied after the start"
    DOCUMENTS_LATE = "documents late"
    LOCK_CLASH = "clashes with an accepted offer"


Kind = Literal["radiology", "clinical"]
Profile = Literal["strong", "challenged"]


class TierMixHalves:
    """Radiology or clinical, and which half of tier_mix (spec section 5) a rotation at this
    program meets; shared by offerings and by `apply`'s candidates."""

    kind: str
    tier: str
    img_friendly: bool

    @property
    def is_radiology(self) -> bool:
        return self.kind == "radiology"

    @property
    def tier_mix_high(self) -> bool:
        """Meets tier_mix's reach/target half."""
        return self.is_radiology and self.tier in TIERS_HIGH

    @property
    def tier_mix_safe(self) -> bool:
        """Meets tier_mix's IMG-friendly target/safety half."""
        return self.is_radiology and self.tier in TIERS_SAFE and self.img_friendly


@dataclass(frozen=True)
class Offering(TierMixHalves):
    """A rotation the plan may choose: one program at one start date."""

    program_id: str
    program_name: str
    city: str
    state: str
    specialty: str
    kind: Kind
    tier: str
    img_friendly: bool
    start: date
    end: date
    weeks: int
    cost: int
    value: int
    housing_per_week: int
    submit_on: date
    deadline: date | None
    locked: bool
    # Exact value parts before rounding, for explanations.
    letter_part: Fraction
    audition_part: Fraction
    timing: Fraction
    acceptance: Fraction
    # Diagnosis only: user rules (e.g. "blocked:0", "documents:bls") that forbid it.
    forbidden_by: tuple[str, ...] = ()
    # An offer received, not accepted (scenario `offers`): certain, nothing to apply for.
    offered: bool = False
    # An application already sent, not answered (scenario `applied`): nothing to apply
    # for, the offer still uncertain.
    applied: bool = False
    # Its letter can reach ERAS (it ends letter_lead_days before). Not `timing == 1`:
    # with late_factor 1 a late letter costs nothing, but it is still late (found by
    # review: every late-letter warning went quiet).
    letter_in_time: bool = True

    @property
    def key(self) -> tuple[str, date]:
        return (self.program_id, self.start)

    @property
    def undated_application(self) -> bool:
        """An application still to send to a program with no known deadline (an accepted
        offer, an offer in hand or an application already sent has nothing left to apply
        for)."""
        return self.deadline is None and not (self.locked or self.offered or self.applied)

    @property
    def to_apply(self) -> bool:
        """An application is still to send for it."""
        return not (self.locked or self.offered or self.applied)


@dataclass(frozen=True)
class DroppedOffering:
    """A (program, start) pair that cannot be in any plan, and why."""

    program_id: str
    start: date
    reason: DropReason
    detail: str
    specialty: str = ""  # the program's, so a diagnosis can count by kind


@dataclass(frozen=True)
class Expansion:
    """All offerings of a scenario and everything that was dropped."""

    offerings: tuple[Offering, ...]
    dropped: tuple[DroppedOffering, ...]
    profile: Profile
    weights: Weights
    # The offerings before those that clash with a lock were left out, in the same
    # order: an explanation asks what lifting a lock or the gap would open.
    before_lock_clashes: tuple[Offering, ...] = ()

    def dropped_counts(self) -> dict[DropReason, int]:
        return dict(self._dropped_counts)

    @cached_property  # every plan payload of a sweep asks again
    def _dropped_counts(self) -> dict[DropReason, int]:
        counts = Counter(item.reason for item in self.dropped)
        return {reason: counts[reason] for reason in DropReason if counts[reason]}


def round_half_up(value: Fraction) -> int:
    """Spec section 6: floor(x + 1/2), exactly."""
    return math.floor(value + Fraction(1, 2))


def rotation_end(start: date, weeks: int) -> date:
    """Last day of a rotation (inclusive), spec section 1."""
    return start + timedelta(days=7 * weeks - 1)


def _profile_tests(loaded: LoadedScenario) -> tuple[bool, bool]:
    """(Step 2 CK given and high enough, U.S. clinical weeks enough): section 6's two tests."""
    student = loaded.scenario.student
    profile = loaded.value_model.profile
    score_ok = student.step2ck is not None and student.step2ck >= profile.strong_step2ck
    return score_ok, student.us_clinical_weeks >= profile.strong_us_clinical_weeks


def student_profile(loaded: LoadedScenario) -> Profile:
    """`strong` iff step2ck is given and high enough and U.S. clinical weeks suffice."""
    return "strong" if all(_profile_tests(loaded)) else "challenged"


def profile_reason(loaded: LoadedScenario) -> str:
    """Why the student has the profile `student_profile` gives, e.g. "Step 2 CK 238 < 240"."""
    student = loaded.scenario.student
    need_score = loaded.value_model.profile.strong_step2ck
    need_weeks = loaded.value_model.profile.strong_us_clinical_weeks
    score_ok, weeks_ok = _profile_tests(loaded)
    if student.step2ck is None:
        score = "Step 2 CK not given"
    else:
        score = f"Step 2 CK {student.step2ck} {'>=' if score_ok else '<'} {need_score}"
    weeks = (
        f"{counted(student.us_clinical_weeks, 'U.S. clinical week')} "
        f"{'>=' if weeks_ok else '<'} {need_weeks}"
    )
    parts = (
        [score, weeks]
        if score_ok and weeks_ok
        else [p for p, ok in ((score, score_ok), (weeks, weeks_ok)) if not ok]
    )
    return ", ".join(parts)


def deadline_for(program: Program, start: date) -> date | None:
    """The earlier of the fixed deadline and the weeks-before-start deadline."""
    candidates = []
    if program.application_deadline is not None:
        candidates.append(program.application_deadline)
    if program.deadline_weeks_before_start is not None:
        candidates.append(start - timedelta(days=7 * program.deadline_weeks_before_start))
    return min(candidates) if candidates else None


def apply_by(deadline: date | None, start: date, by_start: bool) -> date | None:
    """The last day the application can go out, or None when nothing limits it.

    Spec section 4 limits an application by its deadline only. `by_start` (the scenario's
    `requirements.apply_by_start`, an extension) also limits it by the start, since an
    application sent once the rotation has begun cannot lead to it.
    """
    if not by_start:
        return deadline
    return start if deadline is None else min(deadline, start)


def _value(
    loaded: LoadedScenario, weights: Weights, program: Program, on_time: bool, locked: bool
) -> tuple[int, Fraction, Fraction, Fraction, Fraction]:
    timing_model = loaded.value_model.timing
    timing = Fraction(1) if on_time else Fraction(timing_model.late_factor)
    acceptance = Fraction(1) if locked else Fraction(program.acceptance)
    letter = Fraction(program.letter)
    if program.specialty == "radiology":
        letter_part = acceptance * timing * Fraction(weights.letter) * letter
        audition_part = (
            acceptance
            * timing
            * Fraction(weights.audition)
            * Fraction(program.audition)
            * Fraction(program.interest)
            / 5
        )
    else:
        letter_part = acceptance * timing * Fraction(weights.clinical_letter) * letter
        audition_part = Fraction(0)
    return (
        round_half_up(letter_part + audition_part),
        letter_part,
        audition_part,
        timing,
        acceptance,
    )


def _touches(period: BlockedPeriod) -> str:
    """A blocked period as a drop detail."""
    return f"touches blocked {period.start}..{period.end}" + (
        f" ({period.reason})" if period.reason else ""
    )


def expand(loaded: LoadedScenario, *, relax_user_rules: bool = False) -> Expansion:
    """Every feasible offering of the scenario (spec section 4), with cost and value.

    With `relax_user_rules`, offerings that only the student's own blocked
    periods or document dates rule out are kept too, marked `forbidden_by`
    those rules, so a diagnosis can ask what relaxing each rule would open.
    """
    scenario = loaded.scenario
    requirements = loaded.requirements
    calendar = scenario.calendar
    profile = student_profile(loaded)
    weights = getattr(loaded.value_model.weights, profile)
    is_img = scenario.student.school_type == "img"
    locked_pairs = {(lock.program, lock.start) for lock in loaded.locks}
    offered_pairs = {(offer.program, offer.start) for offer in loaded.offers}
    sent_programs = {application.program for application in loaded.applied}
    named = {(a.program, day) for a in loaded.applied for day in a.starts}
    offerings: list[Offering] = []
    dropped: list[DroppedOffering] = []
    letter_lead = timedelta(days=loaded.value_model.timing.letter_lead_days)
    values: dict[tuple[str, bool, bool], tuple[int, Fraction, Fraction, Fraction, Fraction]] = {}

    for program in loaded.programs:
        for start in sorted(set(program.starts)):
            locked = (program.id, start) in locked_pairs
            end = rotation_end(start, program.weeks)
            deadline = deadline_for(program, start)
            submit_plain = max(scenario.planning_date, program.application_opens)
            ready = [scenario.documents[name] for name in program.requires]
            submit_on = max([submit_plain, *ready])

            unrequested = (
                program.specialty != "radiology"
                and program.specialty not in requirements.clinical_specialties
            )
            outside = start < calendar.window.start or end > calendar.window.end
            touched = [
                (index, b)
                for index, b in enumerate(calendar.blocked)
                if start <= b.end and b.start <= end
            ]
            # What a lock breaks by itself, all of it: the first reason alone would
            # hide the others from the student who accepted the offer.
            lock_breaks = [
                text
                for broken, text in (
                    (unrequested, f"{DropReason.SPECIALTY}: {program.specialty} is not a "
                     "requested specialty"),
                    (outside, f"{DropReason.OUTSIDE_WINDOW}: {start}..{end} is outside "
                     f"{calendar.window.start}..{calendar.window.end}"),
                    *((True, f"{DropReason.BLOCKED}: {_touches(b)}") for _, b in touched),
                )
                if broken
            ] if locked else []  # fmt: skip

            def drop(
                reason: DropReason,
                detail: str,
                program_id: str = program.id,
                start: date = start,
                lock_breaks: list[str] = lock_breaks,
                specialty: str = program.specialty,
            ) -> None:
                if lock_breaks:  # a lock: every rule it breaks, each named
                    detail = "; ".join(lock_breaks)
                dropped.append(DroppedOffering(program_id, start, reason, detail, specialty))

            if program.id in loaded.exclude:
                drop(DropReason.EXCLUDED, "excluded by the student")
                continue
            if unrequested:
                drop(DropReason.SPECIALTY, f"{program.specialty} is not a requested specialty")
                continue
            if is_img and not program.accepts_img and not locked:
                drop(DropReason.NO_IMG, "does not take visiting students from IMG schools")
                continue
            if outside:
                drop(
                    DropReason.OUTSIDE_WINDOW,
                    f"{start}..{end} is outside {calendar.window.start}..{calendar.window.end}",
                )
                continue
            # A start the application sent does not name: the rules above come first, and
            # on a blocked period naming it would not help either, so it is not advised
            # (found by review). The reason stays "not named": freeing the blocked period
            # alone opens nothing, as the diagnosis must say.
            if program.id in sent_programs and (program.id, start) not in named:
                advice = (
                    f"; it also {_touches(touched[0][1])}, so naming it would not help"
                    if touched
                    else "; add this one to its `starts` if it asks for it too"
                )
                drop(DropReason.NOT_NAMED, f"the application sent names other starts{advice}")
                continue
            forbidden_by: list[str] = []
            if touched:
                drop(DropReason.BLOCKED, _touches(touched[0][1]))
                if not relax_user_rules:
                    continue
                forbidden_by += [f"blocked:{index}" for index, _ in touched]
            # An offer in hand or an application sent is made already: apply_by_start
            # limits applications still to send (found by review: such an offer, its start
            # before the planning date, was dropped as "applied after the start").
            made = (program.id, start) in offered_pairs or program.id in sent_programs
            last_day = apply_by(deadline, start, requirements.apply_by_start and not made)
            # The latest day in words: the deadline, or the start when it comes first.
            limit = f"deadline {last_day}" if last_day == deadline else f"start {start}"
            if not locked and last_day is not None and submit_on > last_day:
                if submit_plain > last_day:
                    if not touched:
                        reason = (
                            DropReason.PAST_DEADLINE
                            if last_day == deadline
                            else DropReason.AFTER_START
                        )
                        drop(reason, f"{limit} is before {submit_plain}")
                    continue
                late = [name for name in program.requires if scenario.documents[name] > last_day]
                if not touched:
                    drop(DropReason.DOCUMENTS_LATE, f"{', '.join(late)} ready after the {limit}")
                if not relax_user_rules:
                    continue
                forbidden_by += [f"documents:{name}" for name in late]
            cost = (
                program.housing_per_week * program.weeks
                + program.travel
                + program.fee
                + (program.img_surcharge if is_img else 0)
            )
            on_time = end + letter_lead <= scenario.eras_submission
            # Exact fractions are slow; a value depends only on (program, on time, locked).
            memo_key = (program.id, on_time, locked)
            if memo_key not in values:
                values[memo_key] = _value(loaded, weights, program, on_time, locked)
            value, letter_part, audition_part, timing, acceptance = values[memo_key]
            offerings.append(
                Offering(
                    program_id=program.id,
                    program_name=program.name,
                    city=program.city,
                    state=program.state,
                    specialty=program.specialty,
                    kind="radiology" if program.specialty == "radiology" else "clinical",
                    tier=program.tier,
                    img_friendly=program.img_friendly,
                    start=start,
                    end=end,
                    weeks=program.weeks,
                    cost=cost,
                    value=value,
                    housing_per_week=program.housing_per_week,
                    submit_on=submit_on,
                    deadline=deadline,
                    locked=locked,
                    letter_part=letter_part,
                    audition_part=audition_part,
                    timing=timing,
                    acceptance=acceptance,
                    forbidden_by=tuple(forbidden_by),
                    offered=(program.id, start) in offered_pairs,
                    applied=program.id in sent_programs and not locked,
                    letter_in_time=on_time,
                )
            )
    every = tuple(offerings)
    if not relax_user_rules:  # a diagnosis may lift a lock or the gap: keep them there
        offerings, clashes = drop_lock_clashes(offerings, requirements.min_gap_days)
        dropped += [
            DroppedOffering(o.program_id, o.start, DropReason.LOCK_CLASH, detail)
            for o, detail in clashes
        ]
    return Expansion(tuple(offerings), tuple(dropped), profile, weights, every)


def drop_lock_clashes(
    offerings: Sequence[Offering], min_gap_days: int
) -> tuple[list[Offering], list[tuple[Offering, str]]]:
    """The offerings a plan can hold beside the locks (spec sections 1 and 5), and the
    others, each with why.

    A lock is in every plan, so another start of its program, or a rotation too close
    to it, can never be chosen; left in, it would be suggested as an application or
    named as a tempting alternative.
    """
    locks = [o for o in offerings if o.locked]
    if not locks:
        return list(offerings), []
    gap = timedelta(days=min_gap_days)
    kept: list[Offering] = []
    clashes: list[tuple[Offering, str]] = []
    for offering in offerings:
        clash = None
        for lock in locks:
            if offering.locked:
                break
            if offering.program_id == lock.program_id:
                clash = f"{lock.program_id} is accepted for {lock.start}"
                break
            apart = (
                offering.start > lock.end + gap or lock.start > offering.end + gap
            )  # spec section 1, in either order
            if not apart:
                overlaps = offering.start <= lock.end and lock.start <= offering.end
                # Found by review: "too close to" for dates that overlap outright.
                how = "overlaps" if overlaps else "too close to"
                clash = f"{how} the accepted {lock.program_id} {lock.start}..{lock.end}"
                if min_gap_days and not overlaps:
                    clash += f" (min_gap_days {min_gap_days})"
                break
        if clash is None:
            kept.append(offering)
        else:
            clashes.append((offering, clash))
    return kept, clashes
