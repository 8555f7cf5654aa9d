"""Exhaustive search for tiny instances, written from the spec alone (sections 1, 4-6).

It shares no code with the offerings layer, the model or the checker: it reads
the loaded scenario, lists every feasible (program, start) itself and walks
every plan in start order (each next rotation starts after the previous one
ends plus the gap). Only cheap exact cuts: budget and count limits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from rotation_solver.scenario import LoadedScenario

DEFAULT_CLINICAL = ("internal_medicine", "emergency_medicine", "surgery")


@dataclass(frozen=True)
class Pair:
    program: str
    start: date
    end: date
    radiology: bool
    high: bool  # radiology, tier reach or target
    safe: bool  # radiology, tier target or safety, IMG-friendly
    cost: int
    value: int


@dataclass(frozen=True)
class Exhaustive:
    objective: int | None  # None: no plan exists
    plan: tuple[Pair, ...]
    plans_seen: int


def _round_half_up(x: Fraction) -> int:
    return math.floor(x + Fraction(1, 2))


def pairs(loaded: LoadedScenario) -> list[Pair]:
    s = loaded.scenario
    specialties: list[str] = list(s.requirements.clinical.specialties or DEFAULT_CLINICAL)
    locked = {(k.program, k.start) for k in loaded.locks}
    vm = loaded.value_model
    strong = (
        s.student.step2ck is not None
        and s.student.step2ck >= vm.profile.strong_step2ck
        and s.student.us_clinical_weeks >= vm.profile.strong_us_clinical_weeks
    )
    w = vm.weights.strong if strong else vm.weights.challenged
    img = s.student.school_type == "img"
    out = []
    for p in loaded.programs:
        for start in sorted(set(p.starts)):
            lock = (p.id, start) in locked
            end = start + timedelta(days=7 * p.weeks - 1)
            if p.id in loaded.exclude:
                continue
            if p.specialty != "radiology" and p.specialty not in specialties:
                continue
            if img and not p.accepts_img and not lock:
                continue
            if start < s.calendar.window.start or end > s.calendar.window.end:
                continue
            if any(start <= b.end and b.start <= end for b in s.calendar.blocked):
                continue
            submit = max(
                [s.planning_date, p.application_opens] + [s.documents[d] for d in p.requires]
            )
            deadlines = []
            if p.application_deadline is not None:
                deadlines.append(p.application_deadline)
            if p.deadline_weeks_before_start is not None:
                deadlines.append(start - timedelta(days=7 * p.deadline_weeks_before_start))
            # The apply_by_start extension: never after the start, deadline or not.
            if s.requirements.apply_by_start:
                deadlines.append(start)
            if not lock and deadlines and submit > min(deadlines):
                continue
            cost = p.housing_per_week * p.weeks + p.travel + p.fee
            cost += p.img_surcharge if img else 0
            on_time = end + timedelta(days=vm.timing.letter_lead_days) <= s.eras_submission
            factor = (Fraction(1) if lock else Fraction(p.acceptance)) * (
                Fraction(1) if on_time else Fraction(vm.timing.late_factor)
            )
            rad = p.specialty == "radiology"
            f = Fraction  # Decimal inputs convert exactly
            if rad:
                raw = f(w.letter) * f(p.letter) + f(w.audition) * f(p.audition) * f(p.interest) / 5
            else:
                raw = f(w.clinical_letter) * f(p.letter)
            out.append(
                Pair(
                    p.id,
                    start,
                    end,
                    rad,
                    rad and p.tier in ("reach", "target"),
                    rad and p.tier in ("target", "safety") and p.img_friendly,
                    cost,
                    _round_half_up(factor * raw),
                )
            )
    return out


def solve(loaded: LoadedScenario) -> Exhaustive:
    """The best plan over every plan (None objective when no plan exists)."""
    s = loaded.scenario
    req = loaded.requirements
    gap = req.min_gap_days
    penalty_w = (
        loaded.value_model.weights.strong
        if s.student.step2ck is not None
        and s.student.step2ck >= loaded.value_model.profile.strong_step2ck
        and s.student.us_clinical_weeks >= loaded.value_model.profile.strong_us_clinical_weeks
        else loaded.value_model.weights.challenged
    ).extra_radiology_penalty
    items = sorted(pairs(loaded), key=lambda q: (q.start, q.program))
    locks = {(k.program, k.start) for k in loaded.locks}
    best_value: int | None = None
    best_plan: tuple[Pair, ...] = ()
    seen = 0

    def finish(chosen: list[Pair]) -> None:
        nonlocal best_value, best_plan, seen
        seen += 1
        rad = sum(q.radiology for q in chosen)
        cli = len(chosen) - rad
        if not (req.radiology_min <= rad and req.clinical_min <= cli):
            return
        if not locks <= {(q.program, q.start) for q in chosen}:
            return
        mixed = any(q.high for q in chosen) and any(q.safe for q in chosen)
        if req.tier_mix and rad >= 1 and not mixed:
            return
        value = sum(q.value for q in chosen) - penalty_w * max(0, rad - 2)
        if best_value is None or value > best_value:
            best_value, best_plan = value, tuple(chosen)

    def walk(first: int, chosen: list[Pair], programs: set[str], cost: int, rad: int) -> None:
        finish(chosen)
        if len(chosen) >= req.max_rotations:
            return
        free_from = chosen[-1].end + timedelta(days=1 + gap) if chosen else date.min
        for i in range(first, len(items)):
            q = items[i]
            if q.start < free_from or q.program in programs or cost + q.cost > s.budget:
                continue
            if q.radiology and rad >= req.radiology_max:
                continue
            if not q.radiology and len(chosen) - rad >= req.clinical_max:
                continue
            chosen.append(q)
            programs.add(q.program)
            walk(i + 1, chosen, programs, cost + q.cost, rad + q.radiology)
            programs.discard(q.program)
            chosen.pop()

    walk(0, [], set(), 0, 0)
    return Exhaustive(best_value, best_plan, seen)
