"""An independent plan checker: re-verify a plan (spec section 7) against its scenario.

Everything here is re-derived from the spec (sections 1, 4, 5 and 6) on purpose:
the checker imports only the loading layer and the standard library, never the
model side, so that a bug in the model cannot hide itself in the check. Nor does it
read the rows the loader rewrites for the model (offers, applications sent, fees
paid): `check_inputs` applies those extensions again from the catalog as written.

Rule keys of `Violation.rule`:

- plan shape: `malformed` (missing keys, wrong types, bad dates), `status`, `scenario`,
  `order` (rotations sorted by start), `bound`, `objective`, `total_cost`, `paid_fees`,
  `budget.stated`, `profile.stated`, and when stated `gap.stated`, `chance_all_offered`,
  `value_model.stated`
- a rotation's identity: `program` (unknown id), `start` (a start the program does not offer)
- a rotation's stated fields: `program_name`, `specialty.stated`, `tier`, `end`, `weeks`,
  `cost`, `value`, `submit_on`, `deadline.stated`, and the optional echoes and flags as
  `city.stated`, `state.stated`, `acceptance.stated`, `img_friendly.stated`,
  `locked.stated`, `offered.stated`, `applied.stated`, `letter_before_eras.stated` (each
  as the scenario has it, when stated)
- feasibility of one offering: `applied` (a start the application sent names),
  `accepts_img`, `exclude`, `specialty`, `window`, `blocked`,
  `deadline` (the application cannot be sent in time)
- the plan: `one_per_program`, `overlap`, `gap`, `radiology.min`, `radiology.max`,
  `clinical.min`, `clinical.max`, `max_rotations`, `budget`, `lock`, `tier_mix`,
  and the extensions `affordable_housing_per_week`, `high_cost_rest_days`
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from itertools import pairwise
from typing import Any

from rotation_solver.check_inputs import checked_inputs
from rotation_solver.scenario import LoadedScenario, Program
from rotation_solver.scenario.schema import (
    FIRST_YEAR,
    LAST_YEAR,
    visible_text,
    written_date_hint,
)

__all__ = ["CheckReport", "Violation", "check_plan"]


def _json(value: Any) -> str:
    """A value as it appears in the plan file (null, true), not as Python shows it."""
    return json.dumps(value, default=str)


def _kind(value: Any) -> str:
    """What a JSON value is, in JSON's words (not Python's `NoneType`, `dict`)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{_json(value)} (a boolean)"
    if isinstance(value, (int, float)):
        return f"the number {_json(value)}"
    if isinstance(value, str):
        return f"the text {_json(value)}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


# The rules about what a plan states rather than what it does: a hand-made plan scored
# with `check --score` may leave them stale (they are notes there, not broken rules).
STATED_RULES = frozenset((
    "status", "scenario", "order", "bound", "objective", "total_cost", "paid_fees", "budget.stated",
    "profile.stated", "program_name", "specialty.stated", "tier", "end", "weeks", "cost",
    "value", "submit_on", "deadline.stated", "locked.stated", "offered.stated",
    "applied.stated", "letter_before_eras.stated", "gap.stated", "chance_all_offered",
    "value_model.stated", "city.stated", "state.stated", "acceptance.stated",
    "img_friendly.stated",
))  # fmt: skip

_STATUSES = ("optimal", "feasible", "infeasible", "unknown")
_NO_PLAN = ("infeasible", "unknown")
_PLAN_KEYS = ("scenario", "status", "objective", "bound", "budget", "total_cost", "rotations")
_ROTATION_KEYS = (
    "program_id",
    "program_name",
    "specialty",
    "tier",
    "start",
    "end",
    "weeks",
    "cost",
    "value",
    "submit_on",
    "deadline",
)
_DEFAULT_CLINICAL = ("internal_medicine", "emergency_medicine", "surgery")
_ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(frozen=True)
class Violation:
    """One broken rule: a short family key and a message in plain words."""

    rule: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


@dataclass(frozen=True)
class CheckReport:
    """What the checker found, with the objective and cost it recomputed itself."""

    violations: tuple[Violation, ...]
    objective: int | None
    total_cost: int | None

    @property
    def ok(self) -> bool:
        return not self.violations

    def rules(self) -> set[str]:
        """The distinct rule keys broken (handy in tests and summaries)."""
        return {v.rule for v in self.violations}


@dataclass(frozen=True)
class _Shape:
    """Spec section 5 requirements with the defaults applied (derived here, not borrowed)."""

    radiology_min: int
    radiology_max: int
    clinical_min: int
    clinical_max: int
    clinical_specialties: tuple[str, ...]
    max_rotations: int
    tier_mix: bool
    min_gap_days: int
    affordable_housing: int | None
    high_cost_rest_days: int
    apply_by_start: bool


@dataclass(frozen=True)
class _Rotation:
    """A plan row resolved against the catalog, with everything recomputed."""

    index: int
    raw: dict[str, Any]
    program: Program
    start: date
    end: date
    locked: bool
    submit: date
    deadline: date | None
    cost: int
    value: int

    @property
    def label(self) -> str:
        return f"{self.program.id} starting {self.start}"

    @property
    def acceptance(self) -> Fraction:
        """An accepted offer (a lock) is certain; an offer in hand's row already says 1."""
        return Fraction(1) if self.locked else Fraction(self.program.acceptance)

    @property
    def radiology(self) -> bool:
        return self.program.specialty == "radiology"


def _shape(loaded: LoadedScenario) -> _Shape:
    scenario = loaded.scenario
    given = scenario.requirements
    home = scenario.student.radiology_exposure == "home_department"

    def pick(value: int | None, default: int) -> int:
        return default if value is None else value

    specialties = given.clinical.specialties
    return _Shape(
        radiology_min=pick(given.radiology.min, 1 if home else 2),
        radiology_max=pick(given.radiology.max, 3),
        clinical_min=pick(given.clinical.min, 1),
        clinical_max=pick(given.clinical.max, 1),
        clinical_specialties=tuple(specialties) if specialties is not None else _DEFAULT_CLINICAL,
        max_rotations=pick(given.max_rotations, 4),
        tier_mix=bool(given.tier_mix),
        min_gap_days=scenario.calendar.min_gap_days,
        affordable_housing=given.affordable_housing_per_week,
        high_cost_rest_days=given.high_cost_rest_days,
        apply_by_start=bool(given.apply_by_start),
    )


def _round_half_up(x: Fraction) -> int:
    # Spec section 6: floor(x + 1/2) on exact fractions (Python's round() is half-even).
    return math.floor(x + Fraction(1, 2))


def _end(program: Program, start: date) -> date:
    return start + timedelta(days=7 * program.weeks - 1)


def _submit(loaded: LoadedScenario, program: Program) -> date:
    scenario = loaded.scenario
    days = [scenario.planning_date, program.application_opens]
    days += [scenario.documents[name] for name in program.requires if name in scenario.documents]
    return max(days)


def _deadline(program: Program, start: date) -> date | None:
    candidates = []
    if program.application_deadline is not None:
        candidates.append(program.application_deadline)
    if program.deadline_weeks_before_start is not None:
        candidates.append(start - timedelta(days=7 * program.deadline_weeks_before_start))
    return min(candidates) if candidates else None


def _cost(loaded: LoadedScenario, program: Program) -> int:
    surcharge = program.img_surcharge if loaded.scenario.student.school_type == "img" else 0
    return program.housing_per_week * program.weeks + program.travel + program.fee + surcharge


def _strong(loaded: LoadedScenario) -> bool:
    student = loaded.scenario.student
    profile = loaded.value_model.profile
    return (
        student.step2ck is not None
        and student.step2ck >= profile.strong_step2ck
        and student.us_clinical_weeks >= profile.strong_us_clinical_weeks
    )


def _value(loaded: LoadedScenario, program: Program, end: date, locked: bool) -> int:
    model = loaded.value_model
    weights = model.weights.strong if _strong(loaded) else model.weights.challenged
    lead = timedelta(days=model.timing.letter_lead_days)
    timing = (
        Fraction(1)
        if end + lead <= loaded.scenario.eras_submission
        else Fraction(model.timing.late_factor)
    )
    # An accepted offer (a lock) is certain: its acceptance counts as 1.
    acceptance = Fraction(1) if locked else Fraction(program.acceptance)
    letter = Fraction(program.letter)
    if program.specialty == "radiology":
        worth = (
            Fraction(weights.letter) * letter
            + Fraction(weights.audition)
            * Fraction(program.audition)
            * Fraction(program.interest)
            / 5
        )
    else:
        worth = Fraction(weights.clinical_letter) * letter
    return _round_half_up(acceptance * timing * worth)


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or not _ISO.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _not_a_date(value: Any) -> str:
    """Why a start is not read as a date: its form, or a day the calendar lacks."""
    if isinstance(value, str) and _ISO.match(value):
        return f"start {_json(value)} is not a real calendar date"
    # Found by review: a hand-made plan with m/d/yyyy dates got no hint of the form.
    return f"start {_json(value)} is not a date as YYYY-MM-DD{written_date_hint(value)}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_finite_number(value: Any) -> bool:
    """A JSON number a float can hold: an int of any size is finite (found by review:
    `math.isfinite(10**400)` raised)."""
    return _is_number(value) and not (isinstance(value, float) and not math.isfinite(value))


def _differs(stated: int | float, want: Fraction) -> bool:
    """A stated derived number off its recomputed value by more than float rounding."""
    return abs(Fraction(stated) - want) > Fraction(1, 10**9)


def _fmt_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


class _Checker:
    def __init__(self, loaded: LoadedScenario, plan: dict[str, Any], score: bool = False) -> None:
        self.loaded = loaded
        self.plan = plan
        # A plan to score: only program_id and start are required; what is stated is checked.
        self.score = score
        self.shape = _shape(loaded)
        # The rows as the checker reads them: the extensions applied here, not the loader's.
        self.inputs = checked_inputs(loaded)
        self.programs = self.inputs.programs
        self.locks = {(lock.program, lock.start) for lock in loaded.locks}
        self.exclude = set(loaded.exclude)
        self.offered = self.inputs.offered
        self.sent = set(self.inputs.sent)
        self.out: list[Violation] = []

    def add(self, rule: str, message: str) -> None:
        self.out.append(Violation(rule, message))

    def badly_stated(self, rule: str) -> str:
        """A stated number of the wrong type: malformed, or, for a plan to score (which is
        scored as recomputed), under the rule of what it states."""
        return rule if self.score else "malformed"

    # -- the plan's top level ------------------------------------------------------------

    def run(self) -> CheckReport:
        plan = self.plan
        required = ("rotations",) if self.score else _PLAN_KEYS
        missing = [key for key in required if key not in plan]
        if missing:
            self.add("malformed", f"the plan is missing the key(s) {', '.join(missing)}")
        status = plan.get("status")
        # A missing status is said once, among the missing keys (found by review).
        if "status" in plan and status not in _STATUSES and not (self.score and status is None):
            self.add(
                "malformed",
                f"status {_json(status)} is not one of {', '.join(_STATUSES)}",
            )
        name = plan.get("scenario")
        # Names are read as shown (one space for a line break): a plan saved before
        # that reading still matches (found by review).
        if "scenario" in plan and visible_text(name) != self.loaded.scenario.name:
            self.add(
                "scenario",
                f"the plan names scenario {_json(name)}, but the scenario is "
                f"{_json(self.loaded.scenario.name)}",
            )
        if "budget" in plan:
            stated_budget = plan["budget"]
            if not _is_int(stated_budget):
                self.add(
                    self.badly_stated("budget.stated"),
                    f"budget {_json(stated_budget)} is not a whole number",
                )
            elif stated_budget != self.loaded.scenario.budget:
                self.add(
                    "budget.stated",
                    f"the plan states budget {stated_budget}, but the scenario's budget is "
                    f"{self.loaded.scenario.budget}",
                )
        if "profile" in plan:  # an extra key, but the value weights follow from it
            expected = "strong" if _strong(self.loaded) else "challenged"
            if plan["profile"] != expected:
                self.add(
                    "profile.stated",
                    f"the plan states profile {_json(plan['profile'])}, but the student is "
                    f"{expected} (section 6)",
                )
        rows = plan.get("rotations", [])
        if not isinstance(rows, list):
            self.add("malformed", f"rotations must be a list, got {_kind(rows)}")
            return self.report(None, None)

        if status in _NO_PLAN and not self.score:  # a plan to score is scored as listed
            return self.check_no_plan(status, rows)

        rotations, complete = self.resolve(rows)
        if not self.score:  # a hand-made plan may list its rotations in any order
            self.check_order(rows)
        for rotation in rotations:
            self.check_fields(rotation)
            self.check_offering(rotation)
        self.check_pairs(rotations)
        self.check_locks_and_excludes(rows)
        if not complete:
            # An unreadable row makes counts, budget and objective meaningless; say so once.
            self.add(
                "malformed",
                "some rotations could not be read, so counts, budget and objective were not "
                "checked",
            )
            return self.report(None, None)
        # Fees already paid (applications sent, offers in hand) are in every plan's total.
        total = sum(rotation.cost for rotation in rotations) + self.inputs.paid_fees
        objective = self.objective(rotations)
        self.check_plan_rules(rotations, total)
        self.check_housing_rules(rotations)
        self.check_totals(total, objective)
        self.check_derived(rotations, objective)
        return self.report(objective, total)

    def check_derived(self, rotations: list[_Rotation], objective: int) -> None:
        """Extra keys that follow from the plan, when stated (found by review: a `gap` of
        0.5 beside a proven optimum, a chance of 1 and another value model's name all
        passed as valid)."""
        plan = self.plan
        bound = plan.get("bound")
        if "gap" in plan and isinstance(bound, int) and not isinstance(bound, bool):
            gap = plan["gap"]
            want = Fraction(abs(bound - objective), max(1, abs(bound)))
            if not _is_finite_number(gap):
                # `gap.stated`: `gap` is the rule of min_gap_days (found by review).
                self.add(self.badly_stated("gap.stated"), f"gap {_json(gap)} is not a number")
            elif _differs(gap, want):
                self.add(
                    "gap.stated",
                    f"the plan states gap {_json(gap)}, but |bound - objective| / bound is "
                    f"{float(want):g}",
                )
        if "chance_all_offered" in plan:
            chance = plan["chance_all_offered"]
            want = Fraction(1)
            for rotation in rotations:
                want *= rotation.acceptance
            if not _is_finite_number(chance):
                self.add(
                    self.badly_stated("chance_all_offered"),
                    f"chance_all_offered {_json(chance)} is not a number",
                )
            elif _differs(chance, want):
                self.add(
                    "chance_all_offered",
                    f"the plan states chance_all_offered {_json(chance)}, but its rotations' "
                    f"offer chances multiply to {float(want):g}",
                )
        if "value_model" in plan and plan["value_model"] != self.loaded.value_model_name:
            self.add(
                "value_model.stated",
                f"the plan states value_model {_json(plan['value_model'])}, but the values "
                f"were recomputed with {_json(self.loaded.value_model_name)}",
            )

    def report(self, objective: int | None, total: int | None) -> CheckReport:
        return CheckReport(tuple(self.out), objective, total)

    def check_no_plan(self, status: str, rows: list[Any]) -> CheckReport:
        if rows:
            self.add("status", f"status is {status}, but the plan lists {len(rows)} rotation(s)")
        for key in ("objective", "bound"):
            if self.plan.get(key) is not None:
                self.add(
                    "status",
                    f"status is {status}, so {key} must be null, got {_json(self.plan.get(key))}",
                )
        # Whole dollars, as a plan's: 0.0 is malformed there and here (found by review).
        if "total_cost" in self.plan and not (
            _is_int(self.plan["total_cost"]) and self.plan["total_cost"] == 0
        ):
            self.add(
                "status",
                f"status is {status}, so total_cost must be 0, "
                f"got {_json(self.plan['total_cost'])}",
            )
        return self.report(None, 0 if not rows else None)

    # -- rotations -----------------------------------------------------------------------

    def resolve(self, rows: list[Any]) -> tuple[list[_Rotation], bool]:
        out: list[_Rotation] = []
        complete = True
        for index, row in enumerate(rows, 1):
            where = f"rotation #{index}"
            if not isinstance(row, dict):
                self.add("malformed", f"{where} is not an object: {_json(row)}")
                complete = False
                continue
            required = ("program_id", "start") if self.score else _ROTATION_KEYS
            missing = [key for key in required if key not in row]
            if missing:
                self.add("malformed", f"{where} is missing the key(s) {', '.join(missing)}")
            program_id = row.get("program_id")
            start = _parse_date(row.get("start"))
            if not isinstance(program_id, str):
                if "program_id" not in missing:  # said once: missing is not also "not text"
                    self.add("malformed", f"{where}: program_id {_json(program_id)} is not text")
                complete = False
                continue
            if start is None:
                if "start" in missing:
                    complete = False
                    continue
                self.add("malformed", f"{where} ({program_id}): {_not_a_date(row.get('start'))}")
                complete = False
                continue
            if not FIRST_YEAR <= start.year <= LAST_YEAR:
                # The scenario's years: a far one would overflow the end date (found by review).
                self.add(
                    "malformed",
                    f"{where} ({program_id}): start {start} is outside the years a scenario "
                    f"may name ({FIRST_YEAR}-{LAST_YEAR})",
                )
                complete = False
                continue
            program = self.programs.get(program_id)
            if program is None:
                self.add("program", f"{where} names unknown program {program_id!r}")
                complete = False
                continue
            if start not in program.starts:
                offered = ", ".join(str(day) for day in program.starts)
                # An offer in hand is for its starts only (found by review: "it offers"
                # named the offer's start where the catalog row lists this one too).
                in_hand = any(pid == program_id for pid, _start in self.offered)
                self.add(
                    "start",
                    f"the offer in hand from {program_id} is for {offered} only (under "
                    f"offers), not {start}"
                    if in_hand
                    else f"{program_id} does not offer a start on {start}; it offers {offered}",
                )
            locked = (program.id, start) in self.locks
            end = _end(program, start)
            out.append(
                _Rotation(
                    index=index,
                    raw=row,
                    program=program,
                    start=start,
                    end=end,
                    locked=locked,
                    submit=_submit(self.loaded, program),
                    deadline=_deadline(program, start),
                    cost=_cost(self.loaded, program),
                    value=_value(self.loaded, program, end, locked),
                )
            )
        return out, complete

    def check_order(self, rows: list[Any]) -> None:
        starts = [_parse_date(row.get("start")) if isinstance(row, dict) else None for row in rows]
        known = [day for day in starts if day is not None]
        for before, after in pairwise(known):
            if after < before:
                self.add(
                    "order",
                    f"rotations are not sorted by start: {after} is listed after {before}",
                )
                return

    def check_fields(self, r: _Rotation) -> None:
        p = r.program
        expected: list[tuple[str, str, Any]] = [
            ("program_name", "program_name", p.name),
            ("specialty", "specialty.stated", p.specialty),
            ("tier", "tier", p.tier),
            # Found by review: echoes of the catalog passed whatever they said.
            ("city", "city.stated", p.city),
            ("state", "state.stated", p.state),
            ("weeks", "weeks", p.weeks),
            ("cost", "cost", r.cost),
            ("value", "value", r.value),
        ]
        for key, rule, want in expected:
            if key not in r.raw:
                continue
            got = r.raw[key]
            if isinstance(want, int) and not _is_int(got):
                self.add(
                    self.badly_stated(rule), f"{r.label}: {key} {_json(got)} is not a whole number"
                )
            elif got != want:
                self.add(
                    rule, f"{r.label}: the plan states {key} {_json(got)}, recomputed {_json(want)}"
                )
        dates: list[tuple[str, str, date | None]] = [
            ("end", "end", r.end),
            ("submit_on", "submit_on", r.submit),
            ("deadline", "deadline.stated", r.deadline),
        ]
        if "acceptance" in r.raw:
            got = r.raw["acceptance"]
            if not _is_finite_number(got):
                self.add(
                    self.badly_stated("acceptance.stated"),
                    f"{r.label}: acceptance {_json(got)} is not a number",
                )
            elif _differs(got, r.acceptance):
                self.add(
                    "acceptance.stated",
                    f"{r.label}: the plan states acceptance {_json(got)}, but by the scenario "
                    f"it is {float(r.acceptance):g}",
                )
        for key, rule, want_date in dates:
            if key not in r.raw:
                continue
            got = r.raw[key]
            # A lock's application is already behind it: null submit_on/deadline are fine.
            if got is None and (want_date is None or (r.locked and key != "end")):
                continue
            got_date = _parse_date(got)
            if got is None:
                self.add(
                    rule,
                    f"{r.label}: the plan states {key} null, recomputed {_fmt_date(want_date)}",
                )
            elif got_date is None:
                self.add(
                    self.badly_stated(rule),
                    f"{r.label}: {key} {_json(got)} is not a real YYYY-MM-DD date",
                )
            elif got_date != want_date:
                self.add(
                    rule,
                    f"{r.label}: the plan states {key} {got}, recomputed "
                    f"{_fmt_date(want_date) or 'null (no deadline)'}",
                )
        # Found by reviews: hand-flipped flags passed as valid. Each is optional (spec
        # section 7 has none), and must say what the scenario says when present.
        lead = timedelta(days=self.loaded.value_model.timing.letter_lead_days)
        flags = {
            "locked": (r.locked, "accepted (under locks)"),
            "offered": (
                (r.program.id, r.start) in self.offered,
                "an offer in hand (under offers)",
            ),
            "applied": (
                not r.locked and r.program.id in self.sent,
                # Found by a student's review: a withdrawn application was called not sent.
                "an application sent and still open (under applied, not under exclude)"
                if r.program.id in self.inputs.refused
                else "an application sent (under applied)",
            ),
            "img_friendly": (r.program.img_friendly, "IMG friendly (img_friendly in the catalog)"),
            "letter_before_eras": (
                r.end + lead <= self.loaded.scenario.eras_submission,
                "ending letter_lead_days before ERAS",
            ),
        }
        for key, (truth, meaning) in flags.items():
            if key not in r.raw:
                continue
            stated = r.raw[key]
            if not isinstance(stated, bool):
                self.add(
                    self.badly_stated(f"{key}.stated"),
                    f"{r.label}: {key} {_json(stated)} is not true or false",
                )
            elif stated != truth:
                self.add(
                    f"{key}.stated",  # not `applied`, the rule a start must meet
                    f"{r.label}: the plan states {key} {_json(stated)}, but by the scenario "
                    f"it is {'' if truth else 'not '}{meaning}",
                )

    def check_offering(self, r: _Rotation) -> None:
        scenario = self.loaded.scenario
        p = r.program
        named_starts = self.inputs.sent.get(p.id)
        if named_starts is not None and r.start not in named_starts:
            named = ", ".join(day.isoformat() for day in named_starts)
            self.add(
                "applied",
                f"{r.label}: the application sent to {p.id} names {named}, not {r.start}",
            )
        if scenario.student.school_type == "img" and not p.accepts_img and not r.locked:
            self.add(
                "accepts_img",
                f"{r.label}: {p.id} does not take visiting students from IMG schools",
            )
        if p.specialty != "radiology" and p.specialty not in self.shape.clinical_specialties:
            allowed = ", ".join(self.shape.clinical_specialties)
            self.add(
                "specialty",
                f"{r.label}: specialty {p.specialty} is neither radiology nor a clinical "
                f"specialty ({allowed})",
            )
        window = scenario.calendar.window
        if r.start < window.start or r.end > window.end:
            self.add(
                "window",
                f"{r.label}: it runs {r.start}..{r.end}, outside the window "
                f"{window.start}..{window.end}",
            )
        for period in scenario.calendar.blocked:
            if r.start <= period.end and period.start <= r.end:
                reason = f" ({period.reason})" if period.reason else ""
                self.add(
                    "blocked",
                    f"{r.label}: it runs {r.start}..{r.end} and touches the blocked period "
                    f"{period.start}..{period.end}{reason}",
                )
        # With the apply_by_start extension the application must also go out by the start.
        last_day = r.deadline
        # Only for applications still to send: an offer in hand or a sent one is made.
        made = (r.program.id, r.start) in self.offered or (r.program.id in self.sent)
        if self.shape.apply_by_start and not made and (last_day is None or r.start < last_day):
            last_day = r.start
        if not r.locked and last_day is not None and r.submit > last_day:
            late = [
                f"{name} ready {scenario.documents[name]}"
                for name in p.requires
                if name in scenario.documents and scenario.documents[name] > last_day
            ]
            if p.application_opens > last_day:
                late.append(f"applications open {p.application_opens}")
            if scenario.planning_date > last_day:
                late.append(f"planning date {scenario.planning_date}")
            because = f" ({'; '.join(late)})" if late else ""
            what = f"the deadline {last_day}" if last_day == r.deadline else f"its start {r.start}"
            self.add(
                "deadline",
                f"{r.label}: the application can go out on {r.submit} at the earliest, after "
                f"{what}{because}",
            )

    def check_pairs(self, rotations: list[_Rotation]) -> None:
        seen: dict[str, _Rotation] = {}
        for r in rotations:
            if r.program.id in seen:
                self.add(
                    "one_per_program",
                    f"{r.program.id} appears more than once (starts {seen[r.program.id].start} "
                    f"and {r.start})",
                )
            else:
                seen[r.program.id] = r
        gap = self.shape.min_gap_days
        ordered = sorted(rotations, key=lambda r: (r.start, r.end))
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if (a.program.id, a.start) == (b.program.id, b.start):
                    continue  # the same rotation listed twice: one_per_program says so
                # Spec section 1: B.start >= A.end + 1 + min_gap_days.
                if b.start >= a.end + timedelta(days=1 + gap):
                    continue
                if b.start <= a.end:
                    self.add(
                        "overlap",
                        f"{a.label} (ends {a.end}) overlaps {b.label}",
                    )
                else:
                    free = (b.start - a.end).days - 1
                    self.add(
                        "gap",
                        f"only {free} free day(s) between {a.label} (ends {a.end}) and "
                        f"{b.label}; min_gap_days is {gap}",
                    )

    def check_housing_rules(self, rotations: list[_Rotation]) -> None:
        # Optional extensions of spec v1 (guide, Pitfalls: "Ignoring logistics").
        limit = self.shape.affordable_housing
        if limit is None or not rotations:
            return
        if all(r.program.housing_per_week > limit for r in rotations):
            self.add(
                "affordable_housing_per_week",
                f"no rotation has housing at or below {limit} per week",
            )
        rest = self.shape.high_cost_rest_days
        dear = sorted(
            (r for r in rotations if r.program.housing_per_week > limit), key=lambda r: r.start
        )
        for i, a in enumerate(dear):
            for b in dear[i + 1 :]:
                if b.start < a.end + timedelta(days=1 + rest):
                    self.add(
                        "high_cost_rest_days",
                        f"high-cost {a.label} (ends {a.end}) and {b.label} are less than "
                        f"{rest} free day(s) apart",
                    )

    def check_locks_and_excludes(self, rows: list[Any]) -> None:
        present = {
            (row.get("program_id"), _parse_date(row.get("start")))
            for row in rows
            if isinstance(row, dict) and isinstance(row.get("program_id"), str)
        }
        for lock in self.loaded.locks:
            if (lock.program, lock.start) not in present:
                self.add(
                    "lock",
                    f"the accepted offer {lock.program} starting {lock.start} is not in the plan",
                )
        for program_id, start in sorted(
            (pair for pair in present if pair[0] in self.exclude), key=str
        ):
            self.add("exclude", f"excluded program {program_id} is in the plan (start {start})")

    # -- the plan as a whole -------------------------------------------------------------

    def objective(self, rotations: list[_Rotation]) -> int:
        model = self.loaded.value_model
        weights = model.weights.strong if _strong(self.loaded) else model.weights.challenged
        radiology = sum(1 for r in rotations if r.radiology)
        penalty = weights.extra_radiology_penalty * max(0, radiology - 2)
        return sum(r.value for r in rotations) - penalty

    def check_plan_rules(self, rotations: list[_Rotation], total: int) -> None:
        shape = self.shape
        radiology = [r for r in rotations if r.radiology]
        clinical = [r for r in rotations if not r.radiology]
        for kind, chosen, low, high in (
            ("radiology", radiology, shape.radiology_min, shape.radiology_max),
            ("clinical", clinical, shape.clinical_min, shape.clinical_max),
        ):
            if len(chosen) < low:
                self.add(f"{kind}.min", f"{len(chosen)} {kind} rotation(s), at least {low} needed")
            if len(chosen) > high:
                self.add(f"{kind}.max", f"{len(chosen)} {kind} rotation(s), at most {high} allowed")
        if len(rotations) > shape.max_rotations:
            self.add(
                "max_rotations",
                f"{len(rotations)} rotations, at most {shape.max_rotations} allowed",
            )
        budget = self.loaded.scenario.budget
        if total > budget:
            paid = self.inputs.paid_fees
            with_paid = f" with ${paid:,} of fees already paid" if paid else ""
            self.add(
                "budget",
                f"the rotations cost ${total:,} in all{with_paid}, ${total - budget:,} over "
                f"the budget ${budget:,}",
            )
        if shape.tier_mix and radiology:
            if not any(r.program.tier in ("reach", "target") for r in radiology):
                self.add(
                    "tier_mix",
                    "no radiology rotation at a reach or target program "
                    f"({', '.join(r.program.id for r in radiology)})",
                )
            if not any(
                r.program.tier in ("target", "safety") and r.program.img_friendly for r in radiology
            ):
                self.add(
                    "tier_mix",
                    "no radiology rotation at an IMG-friendly target or safety program "
                    f"({', '.join(r.program.id for r in radiology)})",
                )

    def check_totals(self, total: int, objective: int) -> None:
        plan = self.plan
        stated_total = plan.get("total_cost")
        if "total_cost" in plan:
            if not _is_int(stated_total):
                self.add(
                    self.badly_stated("total_cost"),
                    f"total_cost {_json(stated_total)} is not a whole number",
                )
            elif stated_total != total:
                paid = self.inputs.paid_fees
                what = f"the plan costs {total}" + (
                    f" ({paid} of it fees already paid)" if paid else ""
                )
                self.add("total_cost", f"the plan states total_cost {stated_total}, {what}")
        if "paid_fees" in plan and plan["paid_fees"] != self.inputs.paid_fees:
            # Found by review: a wrong paid_fees passed; total_cost alone was compared.
            self.add(
                "paid_fees",
                f"the plan states paid_fees {_json(plan.get('paid_fees'))}, the scenario has "
                f"{self.inputs.paid_fees} of fees already paid",
            )
        stated = plan.get("objective")
        if not _is_int(stated):
            if "objective" in plan:
                self.add(
                    self.badly_stated("objective"),
                    f"objective {_json(stated)} is not a whole number",
                )
            return
        if stated != objective:
            self.add(
                "objective",
                f"the plan states objective {stated}, recomputed {objective} "
                "(sum of values minus the extra radiology penalty)",
            )
        bound = plan.get("bound")
        if bound is None:
            if plan.get("status") == "optimal" and not self.score:
                self.add("bound", f"status is optimal, so bound must equal objective {stated}")
            elif plan.get("status") == "feasible" and not self.score:
                # Section 7: null only "when there is no plan" (found by review).
                self.add(
                    "bound",
                    "status is feasible, so bound must be a number at least the objective "
                    f"{stated} (null only when there is no plan)",
                )
            return
        if not _is_finite_number(bound):
            self.add(self.badly_stated("bound"), f"bound {_json(bound)} is not a finite number")
            return
        if plan.get("status") == "optimal" and bound != stated:
            self.add("bound", f"status is optimal, but bound {bound} != objective {stated}")
        if bound < stated:
            self.add(
                "bound",
                f"bound {bound} is below this plan's own objective {stated}: a bound is the "
                "most any plan can be worth",
            )


@dataclass(frozen=True)
class CheckedRotation:
    """A (program, start) the checker's own rules allow in some plan, with what it
    recomputes for it: for the independent prover (`prover.py`), so that its plans rest
    on the checker's reading of sections 1, 4 and 6, not on the model's."""

    program_id: str
    start: date
    end: date
    radiology: bool
    # tier_mix's two halves, as `check_plan_rules` reads them.
    reach_or_target: bool
    friendly_target_or_safety: bool
    housing_per_week: int
    locked: bool
    cost: int
    value: int


@dataclass(frozen=True)
class PlanRules:
    """Spec section 5 as the checker reads it, defaults applied, for the prover."""

    radiology_min: int
    radiology_max: int
    clinical_min: int
    clinical_max: int
    max_rotations: int
    tier_mix: bool
    min_gap_days: int
    affordable_housing: int | None
    high_cost_rest_days: int
    budget_left: int  # the budget less the fees already paid
    extra_radiology_penalty: int
    locks: tuple[tuple[str, date], ...]


def checked_rotations(loaded: LoadedScenario) -> tuple[list[CheckedRotation], PlanRules]:
    """Every (program, start) that breaks none of the checker's rules for one rotation
    (applied starts, accepts_img, exclude, specialty, window, blocked, deadline), and the
    plan rules, both derived here as `check_plan` derives them."""
    checker = _Checker(loaded, {"rotations": []}, score=True)
    kept = []
    for program in checker.programs.values():
        for start in sorted(set(program.starts)):
            checker.out = []
            row = {"program_id": program.id, "start": start.isoformat()}
            resolved, _ = checker.resolve([row])
            if not resolved or program.id in checker.exclude:
                continue
            (rotation,) = resolved
            checker.check_offering(rotation)
            if checker.out:
                continue
            kept.append(
                CheckedRotation(
                    program_id=program.id,
                    start=start,
                    end=rotation.end,
                    radiology=rotation.radiology,
                    reach_or_target=rotation.radiology and program.tier in ("reach", "target"),
                    friendly_target_or_safety=rotation.radiology
                    and program.tier in ("target", "safety")
                    and program.img_friendly,
                    housing_per_week=program.housing_per_week,
                    locked=rotation.locked,
                    cost=rotation.cost,
                    value=rotation.value,
                )
            )
    shape = checker.shape
    model = loaded.value_model
    weights = model.weights.strong if _strong(loaded) else model.weights.challenged
    rules = PlanRules(
        radiology_min=shape.radiology_min,
        radiology_max=shape.radiology_max,
        clinical_min=shape.clinical_min,
        clinical_max=shape.clinical_max,
        max_rotations=shape.max_rotations,
        tier_mix=shape.tier_mix,
        min_gap_days=shape.min_gap_days,
        affordable_housing=shape.affordable_housing,
        high_cost_rest_days=shape.high_cost_rest_days,
        budget_left=loaded.scenario.budget - checker.inputs.paid_fees,
        extra_radiology_penalty=weights.extra_radiology_penalty,
        locks=tuple(sorted(checker.locks)),
    )
    return kept, rules


def check_plan(loaded: LoadedScenario, plan: Any, *, score: bool = False) -> CheckReport:
    """Re-verify `plan` (spec section 7) against `loaded`; never raises on malformed plans.

    With `score`, the plan may give only `rotations` with `program_id` and `start` (an
    advisor's or a student's own plan): every rule is checked, whatever else it states
    is compared, and the report carries the plan's objective and total cost.
    """
    if not isinstance(plan, dict):
        return CheckReport(
            (Violation("malformed", f"a plan must be a JSON object, got {_kind(plan)}"),),
            None,
            None,
        )
    return _Checker(loaded, plan, score).run()
