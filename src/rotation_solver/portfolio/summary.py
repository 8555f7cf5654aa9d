"""What a portfolio's exact outcome table says: each application's role, the
chances of two radiology rotations, a clinical one or no plan, the distribution of
outcome values, and the guide's warnings on how broadly to apply."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np

from rotation_solver.advice import TIGHT_DAYS, after_start_warning, undated_warning
from rotation_solver.portfolio.candidates import Candidate, PortfolioProblem
from rotation_solver.portfolio.outcomes import NO_PLAN, Table, evaluate, outcome_probabilities
from rotation_solver.scenario.schema import DEFAULT_CLINICAL_SPECIALTIES
from rotation_solver.words import counted, percent_as_written, whole_percent


def application_role(
    problem: PortfolioProblem, table: Table, probs: np.ndarray, i: int
) -> dict[str, Any]:
    """Why application i is there, from its role in the outcomes (exact probabilities).

    - clinical backup: a clinical application (the plan needs a clinical rotation and
      the clinical applications back each other up);
    - audition target: a radiology application whose rotation is in the best plan in at
      least half of the outcomes where it is offered (taken whenever it comes through);
    - safety net: a radiology application taken in fewer than half of the outcomes where
      it is offered: it is there for the outcomes where better offers fail;
    - spare: never in the best plan (an option that costs its fee and adds nothing).
    """
    c = problem.candidates[table.portfolio[i]]
    bit = 1 << i
    offered = (np.arange(len(probs)) & bit) != 0
    used = (table.plan >= 0) & ((table.plan & bit) != 0)
    p_used = float(probs[used].sum())
    p_offered = float(probs[offered].sum())
    taken = p_used / p_offered if p_offered > 0 else 0.0
    if p_used == 0:
        role, why = "spare", "never in the best plan: it only adds an option"
    elif not c.is_radiology:
        role = "clinical backup"
        why = f"the plan's clinical rotation in {whole_percent(p_used)} of outcomes"
    elif taken >= 0.5:
        role = "audition target"
        why = f"taken in {whole_percent(taken)} of the outcomes where it is offered"
    else:
        role = "safety net"
        share = whole_percent(taken)
        only = "" if share.startswith("under") else "only "
        why = (
            f"taken in {only}{share} of the outcomes where it is offered: "
            "it covers the outcomes where better offers fail"
        )
    return {"role": role, "reason": why, "p_in_plan": p_used, "p_taken_if_offered": taken}


def histogram(
    values: np.ndarray, weights: np.ndarray | None = None, bins: int = 10
) -> dict[str, list[float]]:
    """Probability (or count) per value range; one range when every value is the same."""
    possible = values if weights is None else values[weights > 0]  # drop impossible outcomes
    if len(possible) and possible.min() == possible.max():
        total = float(weights.sum()) if weights is not None else float(len(values))
        return {"edges": [float(possible.min())] * 2, "counts": [total]}
    # The bins span the possible values only: an outcome of probability 0 (a program
    # certain to offer, never missing) must not stretch the axis to values never seen.
    span = (float(possible.min()), float(possible.max())) if len(possible) else None
    hist, edges = np.histogram(values, bins=bins, weights=weights, range=span)
    return {"edges": [float(e) for e in edges], "counts": [float(h) for h in hist]}


def outcome_value_distribution(
    problem: PortfolioProblem, table: Table
) -> tuple[np.ndarray, np.ndarray]:
    """(value, probability) of every outcome of the portfolio, exactly."""
    probs = outcome_probabilities(problem, table.portfolio)
    return np.where(table.value == NO_PLAN, 0, table.value), probs


# Above this chance of ending with no plan, the portfolio is worth a second look.
RISKY_NO_PLAN = 0.2


def no_plan_only_for_tier_mix(problem: PortfolioProblem, table: Table, probs: np.ndarray) -> float:
    """Chance of an outcome whose offers make a plan that fails only tier_mix (0 when the
    rule is off): "no plan" there means no plan *meeting every rule*."""
    if not problem.tier_mix:
        return 0.0
    relaxed = dataclasses.replace(problem, tier_mix=False, plan_memo={}, plan_lists=OrderedDict())
    without_rule = evaluate(relaxed, table.portfolio)
    return float(probs[(table.plan < 0) & (without_rule.plan >= 0)].sum())


def needed_applications(problem: PortfolioProblem, table: Table) -> list[tuple[str, float]]:
    """(program, offer chance) of each application that every plan needs: no outcome
    without its offer has a plan. Found by a student's review: with one 45% program in
    every plan, the advice was "add safety programs", not "find a stand-in for it"."""
    planned = table.plan >= 0
    if not planned.any():
        return []
    needed = []
    masks = np.arange(len(table.plan))
    for i, j in enumerate(table.portfolio):
        offered = ((masks >> i) & 1) == 1
        c = problem.candidates[j]
        if not (planned & ~offered).any() and c.acceptance < 1:
            needed.append((c.program_id, float(c.acceptance)))
    return needed


def portfolio_warnings(
    max_applications: int,
    p_no_plan: float,
    applied: int,
    open_programs: int,
    p_tier_mix_only: float = 0.0,
    samples: int | None = None,
    img: bool = True,
    search_finished: bool = True,
    enumerated: bool = False,
    needed: Sequence[tuple[str, float]] = (),
    short_of: dict[str, float] | None = None,
    clinical_specialties: Sequence[str] = DEFAULT_CLINICAL_SPECIALTIES,
    filled_by_locks: bool = False,
) -> list[str]:
    """The guide's advice on how broadly to apply, where the portfolio falls short of it
    and the student can do something: allow more applications, or find more programs.

    `applied`: applications chosen; `open_programs`: programs one could apply to (not
    excluded, affordable, open to the student); `p_tier_mix_only`: chance of offers that
    make a plan failing only tier_mix; `samples`: the SAA's sampled outcomes; `img`:
    the student is an IMG (the guide's advice on programs that take IMGs applies);
    `search_finished`: the search ended on its own, not at the time limit; `enumerated`:
    the choice was made on every offer outcome, not on a sample; `short_of`: chance
    of too few offers of each kind (`short_of_offers`); `clinical_specialties`: the
    scenario's (found by review: "medicine, surgery, emergency medicine" for surgery alone);
    `filled_by_locks`: accepted offers already fill radiology, so the guide's count of
    applications (6-10, for 1-3 spots) is not the measure.
    """
    warnings = []
    programs = (
        "realistic and safety programs that take IMGs" if img else "realistic and safety programs"
    )
    # The guide's count of applications is for a season with no offer accepted yet.
    if not filled_by_locks:
        if open_programs < 6 and applied:
            warnings.append(
                f"only {counted(open_programs, 'program')} can be applied to (not excluded, "
                "affordable, open to the student): the guide suggests applying to 6-10, expecting "
                "1-3 spots (Step 2); add programs to the catalog."
            )
        elif max_applications < 6 and applied == max_applications:
            warnings.append(
                f"at most {counted(max_applications, 'application')}: the guide suggests applying "
                "to 6-10 programs, expecting 1-3 spots (Step 2); try --max-applications 6 or more."
            )
    used = f"{applied} of {max_applications} applications {'is' if applied == 1 else 'are'} used"
    if RISKY_NO_PLAN < p_no_plan < 1:
        if open_programs <= applied:
            # "within the budget" (found by a student's review: at $3,500, "all 8 programs
            # that can be applied to", where two more only cost too much to attend).
            every = (
                "the one program with a rotation the budget can pay for is in the portfolio"
                if open_programs == 1
                else f"all {open_programs} programs with a rotation the budget can pay for are "
                "in the portfolio"
            )
            advice = (
                f"{every}; more programs in the catalog would help (guide, Pitfalls: {programs})."
            )
        elif applied == max_applications:
            advice = f"allow more applications, or add {programs} (guide, Pitfalls)."
        elif not search_finished:
            advice = (
                f"{used} because the search "
                "stopped at the time limit; a longer --time-limit may use the room."
            )
        elif enumerated:
            advice = (
                f"{used}: over every offer "
                "outcome, no other program raised the expected value once its fee was paid; "
                f"other {programs}, or a larger budget, would help."
            )
        else:
            # Room went unused: on the sample, no further application raised the average
            # value once its fee was paid. A small sample can miss one that would.
            sampled = f"the {samples} sampled outcomes" if samples else "the sampled outcomes"
            advice = (
                f"{used}: in {sampled} no "
                "other program raised the average value once its fee was paid, nor the "
                "exact expected value checked on every outcome of the applications; other "
                f"{programs}, or a larger budget, would help."
            )
        clinical_short = (short_of or {}).get("clinical", 0.0)
        radiology_short = (short_of or {}).get("radiology", 0.0)
        # Most of it (more than half), and more than radiology's share: found by review,
        # 25.0% clinical against 23.2% radiology named clinical alone.
        if clinical_short > p_no_plan / 2 and clinical_short > radiology_short:
            # The advice above names radiology's tiers; here the clinical side is short.
            kinds = ", ".join(s.replace("_", " ") for s in clinical_specialties)
            more = (
                f"clinical programs ({kinds}) in the catalog"
                if open_programs <= applied
                else f"clinical applications ({kinds})"
            )
            also = (
                f" (radiology offers fall short in {radiology_short:.1%}, partly the same outcomes)"
                if radiology_short > p_no_plan / 2
                else ""
            )
            advice = (
                f"most of it is too few clinical offers (in {clinical_short:.1%} of outcomes "
                f"fewer clinical programs offer than a plan needs{also}): more {more} would "
                f"lower it the most. {advice[0].upper()}{advice[1:]}"
            )
        if needed:
            one = len(needed) == 1
            chances = ", ".join(f"{pid} ({percent_as_written(chance)})" for pid, chance in needed)
            advice += (
                f" Every plan needs an offer from {chances}: programs that could stand in "
                f"for {'it' if one else 'them'} would lower this chance the most."
            )
        if p_tier_mix_only >= 0.005:
            advice += (
                f" In {p_tier_mix_only:.1%} of outcomes the offers make a plan, but none with "
                "both a reach/target and an IMG-friendly target/safety radiology rotation "
                "(tier_mix): programs of the missing kind would help, or set "
                "requirements.tier_mix: false if such a plan would do."
            )
        warnings.append(
            f"a {p_no_plan:.1%} chance of ending with no plan meeting every rule: {advice}"
        )
    return warnings


def short_of_offers(problem: PortfolioProblem, table: Table, probs: np.ndarray) -> dict[str, float]:
    """Chance of an outcome with fewer offers of a kind (locks included) than its minimum:
    no plan there, whatever else offers. Found by an advisor's review: a 21.7% chance of
    no plan, 20% of it from two clinical applications, was blamed on too few radiology
    programs."""
    k = len(table.portfolio)
    masks = np.arange(1 << k, dtype=np.int64)
    offered = {
        "radiology": np.zeros(1 << k, dtype=np.int64),
        "clinical": np.zeros(1 << k, dtype=np.int64),
    }
    for i, j in enumerate(table.portfolio):
        kind = "radiology" if problem.candidates[j].is_radiology else "clinical"
        offered[kind] += (masks >> i) & 1
    lock_rad = sum(1 for c in problem.locks if c.is_radiology)
    least = {
        "radiology": problem.radiology_min - lock_rad,
        "clinical": problem.clinical_min - (len(problem.locks) - lock_rad),
    }
    return {kind: float(probs[offered[kind] < least[kind]].sum()) for kind in offered}


def plan_probabilities(
    problem: PortfolioProblem, table: Table, probs: np.ndarray
) -> dict[str, float]:
    k = len(table.portfolio)
    rad_of = np.zeros(1 << k, dtype=np.int64)
    clin_of = np.zeros(1 << k, dtype=np.int64)
    lock_rad = sum(1 for c in problem.locks if c.is_radiology)
    lock_clin = len(problem.locks) - lock_rad
    for i, j in enumerate(table.portfolio):
        c = problem.candidates[j]
        has = (table.plan >= 0) & ((table.plan & (1 << i)) != 0)
        if c.is_radiology:
            rad_of += has
        else:
            clin_of += has
    planned = table.plan >= 0
    rad_of = np.where(planned, rad_of + lock_rad, 0)
    clin_of = np.where(planned, clin_of + lock_clin, 0)
    return {
        "p_two_radiology": float(probs[rad_of >= 2].sum()),
        "p_clinical": float(probs[clin_of >= 1].sum()),
        # Exactly 1 when no possible outcome has a plan: a float sum over 2^k outcomes can
        # fall short of 1 and would hide that (the caller tests `>= 1`).
        "p_no_plan": 1.0 if not (planned & (probs > 0)).any() else float(probs[~planned].sum()),
    }


def undated_application_warnings(
    applications: Sequence[Candidate], apply_by_start: bool
) -> list[str]:
    """Applications to programs with no known deadline (worded as `solve` words it); an
    offer in hand has none because nothing is left to apply for."""
    undated = sorted(
        {c.program_id for c in applications for o in c.offerings if o.undated_application}
    )
    return [undated_warning(undated, apply_by_start)] if undated else []


def tight_deadline_warnings(
    applications: Sequence[dict[str, Any]], apply_by_start: bool = False
) -> list[str]:
    """Applications that go out within a week of their first deadline (found by review:
    submit on 03-01, deadline 03-01, and nothing said); with requirements.apply_by_start,
    of their first start if it comes sooner, as `solve` counts it. A warning, on standard
    error and in the JSON, as `check --score` gives it (found by review: stdout only)."""
    tight = []
    for a in applications:
        if a.get("offered") or a.get("sent"):
            continue
        last_days = [date.fromisoformat(a["deadline"])] if a.get("deadline") else []
        if apply_by_start and a.get("starts"):
            last_days.append(min(date.fromisoformat(day) for day in a["starts"]))
        if not last_days:
            continue
        last = min(last_days)
        days = (last - date.fromisoformat(a["submit_on"])).days
        if 0 <= days < TIGHT_DAYS:
            by_start = a.get("deadline") is None or last < date.fromisoformat(a["deadline"])
            what = "its first start (requirements.apply_by_start)" if by_start else "it"
            when = (
                f"{'its first start day' if by_start else 'its deadline day'}"
                if days == 0
                else f"{counted(days, 'day')} before {what}"
            )
            tight.append(f"{a['program_id']} on {a['submit_on']}, {when}")
    if not tight:
        return []
    return [
        f"close to the first deadline: {'; '.join(tight)}. A delay (a document that comes "
        "late, a slow portal) loses the starts with that deadline: send each the day it can "
        "go out (guide, Step 3: 'Start applications early')."
    ]


def late_application_warnings(applications: Sequence[Candidate]) -> list[str]:
    """Applications listing a start before their submit-on date: spec section 4 lets
    them through when no deadline stops them (worded as `solve` words it)."""
    late = [
        (c.program_id, o.start, o.end, o.submit_on, o.deadline)
        for c in applications
        for o in c.offerings
        if o.submit_on > o.start and o.to_apply
    ]
    return [after_start_warning(late)] if late else []
