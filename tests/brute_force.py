"""An exhaustive planner written from the spec alone, for cross-checking CP-SAT.

It shares no code with the model, the offerings layer or the checker: it
reads the loaded scenario and enumerates every subset of (program, start)
pairs. Only for tiny instances.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from rotation_solver.scenario import LoadedScenario


@dataclass(frozen=True)
class Pair:
    program: str
    start: date
    end: date
    radiology: bool
    tier: str
    friendly: bool
    cost: int
    value: int
    housing: int


@dataclass(frozen=True)
class Best:
    objective: int | None  # None: no plan exists
    plans: list[tuple[tuple[str, date], ...]]  # every plan reaching the optimum


def candidate_pairs(loaded: LoadedScenario) -> list[Pair]:
    s = loaded.scenario
    req = s.requirements
    specialties = req.clinical.specialties or ["internal_medicine", "emergency_medicine", "surgery"]
    locked = {(k.program, k.start) for k in loaded.locks}
    strong = (
        s.student.step2ck is not None
        and s.student.step2ck >= loaded.value_model.profile.strong_step2ck
        and s.student.us_clinical_weeks >= loaded.value_model.profile.strong_us_clinical_weeks
    )
    w = loaded.value_model.weights.strong if strong else loaded.value_model.weights.challenged
    img = s.student.school_type == "img"
    # Extension `applied`: only the starts an application sent names can be planned.
    sent = {a.program for a in loaded.applied}
    named = {(a.program, day) for a in loaded.applied for day in a.starts}
    out = []
    for p in loaded.programs:
        for start in set(p.starts):
            is_lock = (p.id, start) in locked
            end = start + timedelta(days=7 * p.weeks - 1)
            if p.id in loaded.exclude:
                continue
            if p.id in sent and (p.id, start) not in named:
                continue
            if p.specialty != "radiology" and p.specialty not in specialties:
                continue
            if img and not p.accepts_img and not is_lock:
                continue
            if start < s.calendar.window.start or end > s.calendar.window.end:
                continue
            if any(not (end < b.start or start > b.end) for b in s.calendar.blocked):
                continue
            deadlines = []
            if p.application_deadline:
                deadlines.append(p.application_deadline)
            if p.deadline_weeks_before_start is not None:
                deadlines.append(start - timedelta(weeks=p.deadline_weeks_before_start))
            submit = max(
                [s.planning_date, p.application_opens] + [s.documents[d] for d in p.requires]
            )
            # The apply_by_start extension: never after the start, deadline or not, for
            # an application still to send (an offer in hand or a sent one is made).
            made = p.id in sent or any((o.program, o.start) == (p.id, start) for o in loaded.offers)
            if s.requirements.apply_by_start and not made:
                deadlines.append(start)
            if deadlines and submit > min(deadlines) and not is_lock:
                continue
            lead = timedelta(days=loaded.value_model.timing.letter_lead_days)
            timing = (
                Fraction(1)
                if end + lead <= s.eras_submission
                else Fraction(loaded.value_model.timing.late_factor)
            )
            acc = Fraction(1) if is_lock else Fraction(p.acceptance)
            if p.specialty == "radiology":
                raw = (
                    acc
                    * timing
                    * (
                        Fraction(w.letter) * Fraction(p.letter)
                        + Fraction(w.audition) * Fraction(p.audition) * Fraction(p.interest) / 5
                    )
                )
            else:
                raw = acc * timing * Fraction(w.clinical_letter) * Fraction(p.letter)
            cost = p.housing_per_week * p.weeks + p.travel + p.fee + (p.img_surcharge if img else 0)
            out.append(
                Pair(
                    p.id,
                    start,
                    end,
                    p.specialty == "radiology",
                    p.tier,
                    p.img_friendly,
                    cost,
                    math.floor(raw + Fraction(1, 2)),
                    p.housing_per_week,
                )
            )
    return sorted(out, key=lambda x: (x.start, x.program))


def best_plans(loaded: LoadedScenario) -> Best:
    """The optimum within the budget and every plan that reaches it."""
    within = [(value, plan) for value, cost, plan in all_plans(loaded) if cost <= loaded.budget]
    if not within:
        return Best(None, [])
    best = max(value for value, _ in within)
    return Best(best, [plan for value, plan in within if value == best])


def all_plans(loaded: LoadedScenario) -> list[tuple[int, int, tuple[tuple[str, date], ...]]]:
    """(objective, total cost, plan) of every plan meeting every rule but the budget.

    The best plan at any budget, and the value/cost frontier, follow from this list.
    """
    s = loaded.scenario
    req = s.requirements
    home = s.student.radiology_exposure == "home_department"
    rad_min = req.radiology.min if req.radiology.min is not None else (1 if home else 2)
    rad_max = req.radiology.max if req.radiology.max is not None else 3
    cli_min = req.clinical.min if req.clinical.min is not None else 1
    cli_max = req.clinical.max if req.clinical.max is not None else 1
    most = req.max_rotations if req.max_rotations is not None else 4
    gap = s.calendar.min_gap_days
    strong = (
        s.student.step2ck is not None
        and s.student.step2ck >= loaded.value_model.profile.strong_step2ck
        and s.student.us_clinical_weeks >= loaded.value_model.profile.strong_us_clinical_weeks
    )
    w = loaded.value_model.weights.strong if strong else loaded.value_model.weights.challenged
    locks = {(k.program, k.start) for k in loaded.locks}
    pairs = candidate_pairs(loaded)
    out: list[tuple[int, int, tuple[tuple[str, date], ...]]] = []
    for size in range(0, min(most, len(pairs)) + 1):
        for combo in itertools.combinations(pairs, size):
            if len({c.program for c in combo}) < size:
                continue
            rad = sum(c.radiology for c in combo)
            if not (rad_min <= rad <= rad_max and cli_min <= size - rad <= cli_max):
                continue
            if not locks <= {(c.program, c.start) for c in combo}:
                continue
            if any(b.start < a.end + timedelta(days=1 + gap) for a, b in itertools.pairwise(combo)):
                continue
            if req.tier_mix and rad >= 1:
                high = any(c.radiology and c.tier in ("reach", "target") for c in combo)
                safe = any(
                    c.radiology and c.tier in ("target", "safety") and c.friendly for c in combo
                )
                if not (high and safe):
                    continue
            cheap = req.affordable_housing_per_week
            if cheap is not None and combo and all(c.housing > cheap for c in combo):
                continue
            if cheap is not None and req.high_cost_rest_days:
                dear = [c for c in combo if c.housing > cheap]
                rest = timedelta(days=1 + req.high_cost_rest_days)
                if any(b.start < a.end + rest for a, b in itertools.pairwise(dear)):
                    continue
            objective = sum(c.value for c in combo) - w.extra_radiology_penalty * max(0, rad - 2)
            # Fees already paid (extensions `applied`, `offers`) count in every plan.
            cost = sum(c.cost for c in combo) + loaded.paid_fees
            out.append((objective, cost, tuple((c.program, c.start) for c in combo)))
    return out
