"""Warnings for what the guide recommends but a model cannot (or should not) enforce.

Spec v1 fixes the rules and the value model, so the guide's softer advice
(rest between rotations, a month on site, a useful season, two institutions)
is said in words next to the plan, never folded into the objective. A warning
that fires on nearly every plan teaches students to skip them all, so each one
here is meant to be rare on a sensible plan.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rotation_solver.offerings import (
    Offering,
    drop_lock_clashes,
    expand,
    rotation_end,
    student_profile,
)
from rotation_solver.scenario import LoadedScenario, Program
from rotation_solver.scenario.loader import SEASON_WORDS, interview_season_end
from rotation_solver.words import counted, percent_as_written

# "Space your rotations enough to recover and reflect" [Pitfalls]: a week of rest.
REST_DAYS = 7
# "When can you leave for 4-8 weeks" [Step 1]: longer than this without a break is flagged.
AWAY_WEEKS = 8
# A one-week rotation is short for "a month-long interview" [Step 4].
SHORTEST_USEFUL_WEEKS = 2
# "being on-site for four weeks can completely change how your application is
# perceived" [Why away rotations]: a plan with no radiology rotation that long is flagged.
FULL_LENGTH_WEEKS = 4
# "Start applications early" [Step 3]: sent less than a week before the deadline is flagged.
TIGHT_DAYS = 7


def _ids(rotations: Sequence[Offering]) -> str:
    # Sorted: the same programs read the same in every plan (compare groups by the text).
    return ", ".join(sorted(o.program_id for o in rotations))


def offers_pending_warning(program_ids: Sequence[str]) -> str:
    """Rotations still to be offered beside offers in hand; `compare` and `frontier` find
    a plan's programs in it again by rebuilding it (`whatif.report`)."""
    one = len(program_ids) == 1
    return (
        f"offers in hand: this plan counts {', '.join(program_ids)} at "
        f"{'its' if one else 'their'} chance of an offer, with nothing to fall back on if "
        f"{'it does' if one else 'they do'} not come. {offers_pending_advice()}"
    )


def offers_pending_advice(plans: str = "this plan") -> str:
    return (
        "`rotation-solver apply` weighs every way to answer the offers against the "
        "applications that would cover the rest, over every way those could come: answer "
        f"the offers as it says (it may differ from {plans}), then lock the ones you accept "
        "(--lock)."
    )


# Below this chance of an offer, a rotation no plan can do without is a long shot.
LONG_SHOT = 0.5
NO_PLAN_WITHOUT = "no plan exists without it"  # `explain`'s note on such a rotation
# "Aim for at least two radiology letters from U.S. faculty" (guide, Step 5).
RADIOLOGY_LETTERS_WANTED = 2


def long_shot_warnings(
    rotations: Sequence[Offering], without_each: Sequence[dict[str, object]]
) -> list[str]:
    """A rotation the plan cannot do without that will likely not be offered (found by a
    student's review: the whole plan hung on a 45% program, and only `apply` said so)."""
    needed = {w["program_id"] for w in without_each if w.get("note") == NO_PLAN_WITHOUT}
    shots = [
        o
        for o in rotations
        if o.program_id in needed and not (o.locked or o.offered) and o.acceptance < LONG_SHOT
    ]
    if not shots:
        return []
    chances = ", ".join(f"{o.program_id} {percent_as_written(o.acceptance)}" for o in shots)
    one = len(shots) == 1
    return [
        f"no plan meets your rules without {_ids(shots)}, and the chance of "
        f"{'its offer' if one else 'their offers'} is under half ({chances}): if "
        f"{'it says' if one else 'any says'} no, there is no plan, and no other program in "
        "the catalog can stand in. Find programs that could, add them to the catalog, and "
        "let `rotation-solver apply` choose where to apply (guide, Step 2: apply to 6-10 "
        "programs)."
    ]


# How the warnings that a kind's letter will miss ERAS begin (`plan_warnings`), so that
# its price (`with_letter_prices`) joins the same warning.
LATE_LETTER = {
    "clinical": "no U.S. clinical letter will be ready by ERAS",
    "radiology": "no radiology letter will be ready by ERAS",
    "second radiology": "only one radiology letter will be ready by ERAS",
}


def with_letter_prices(
    warnings: Sequence[str],
    letters_by_eras: Sequence[dict[str, object]],
    objective: int,
    total_cost: int,
) -> list[str]:
    """The warnings, each late-letter one followed by what a letter in time would cost
    (found by review: the two read as separate, far apart)."""
    merged = list(warnings)
    for kind, price in letter_price_warnings(letters_by_eras, objective, total_cost):
        # Both letters late: the plan with both in time follows the second warning.
        late = LATE_LETTER["radiology" if kind == "both" else kind]
        at = next((i for i, w in enumerate(merged) if w.startswith(late)), None)
        if at is None:
            merged.append(price)
        else:
            merged[at] = f"{merged[at]} {price[0].upper()}{price[1:]}"
    return merged


def letter_price_warnings(
    letters_by_eras: Sequence[dict[str, object]], objective: int, total_cost: int
) -> list[tuple[str, str]]:
    """(kind, text): what a letter ready by ERAS would cost, beside the warning that none
    is (from `explain.letters_by_eras`), and how to ask for that plan."""
    warnings = []
    for entry in letters_by_eras:
        kind = str(entry["kind"])
        best, lost = entry["best"], entry["value_lost"]
        if kind == "both":
            warnings.append((kind, _both_letters_price(entry, objective)))
            continue
        second = kind == "second radiology"
        if not isinstance(best, int) or not isinstance(lost, int):
            letters = "two radiology letters" if second else f"a {kind} letter"
            over = entry.get("over_budget")
            if isinstance(over, dict):
                warnings.append((kind, _over_budget_price(letters, over, objective, kind)))
                continue
            # Not the budget: `over_budget` is asked for whenever a start ends in time, and
            # is absent when no budget would do (found by review: "budget" was named).
            gap = entry.get("gap_lifted")
            why = (
                _gap_in_the_way(gap, letters)
                if isinstance(gap, dict)
                else f"the {'radiology' if second else kind} starts that end in time break "
                "another rule (dates or counts), whatever the budget"
                if entry.get("any_start_in_time")
                else "fewer than two radiology programs have a start that fits your calendar "
                "and deadlines and ends in time"
                if second
                else f"no {kind} start that fits your calendar and deadlines ends in time"
            )
            warnings.append(
                (kind, f"no plan meeting your rules has {letters} ready by ERAS: {why}.")
            )
            continue
        cost = entry["cost"]
        assert isinstance(cost, int)
        in_time = entry["on_time"]
        assert isinstance(in_time, list)
        price = (
            f"costs {lost} of value"
            if lost > 0
            else f"keeps the same value for ${cost - total_cost:,} more"
            if cost > total_cost
            else "costs nothing"
        )
        plan = entry["plan"]
        assert isinstance(plan, list)
        other = "radiology" if kind == "clinical" else "clinical"
        # Found by review: "If the letter matters more than the difference" where there
        # was none, and two such plans, each leaving the other letter late.
        still = f" (it still leaves the {other} letter late)" if entry.get("other_late") else ""
        still = _fewer_other_letters(kind, entry) or still
        aim = (
            "If the letter matters more than the difference, aim for that plan"
            if lost > 0 or cost > total_cost
            else "Aim for that plan"
        )
        warnings.append(
            (
                kind,
                f"{'a second radiology' if second else f'a {kind}'} letter ready by ERAS "
                f"{price}: the best plan with {'two' if second else 'one'} is worth "
                f"{best} (this one {objective}) at ${cost:,}: {', '.join(plan)}, where "
                f"{' and '.join(in_time)} {'ends' if len(in_time) == 1 else 'end'} in "
                f"time{still}. {aim}: `rotation-solver apply` weighs which applications "
                "lead to it under uncertain offers.",
            )
        )
    return warnings


def _gap_in_the_way(gap: dict[str, Any], letters: str) -> str:
    """The minimum gap between rotations, named where it is what rules the letters out."""
    plan = (
        f"the best plan with {letters} in time is worth {gap['best']} for ${gap['cost']:,}"
        if gap["within_budget"]
        else f"the cheapest plan with {letters} in time costs ${gap['cost']:,} (budget "
        f"${gap['budget']:,}; worth {gap['best']})"
    )
    return (
        f"your minimum gap between rotations (calendar.min_gap_days {gap['min_gap_days']}) "
        f"rules them out: at 0, {plan}"
    )


def _over_budget_price(letters: str, over: dict[str, Any], objective: int, kind: str) -> str:
    """No plan within the budget has the letters, and only the budget stops one."""
    return (
        f"no plan within the budget has {letters} ready by ERAS; the least budget for such "
        f"a plan is ${over['budget']:,} (${over['above_budget']:,} above yours), where the "
        f"best plan is worth {over['best']} (this one {objective}) at ${over['cost']:,}: "
        f"{', '.join(over['plan'])}{_fewer_other_letters(kind, over)}. `rotation-solver "
        "compare --budgets` weighs it."
    )


def _fewer_other_letters(kind: str, entry: dict[str, Any]) -> str:
    """ " (it leaves ...)" when a price's plan has fewer letters of the other kind in time
    than this plan (`other_letters_in_time`), else ""."""
    fewer = entry.get("other_letters_in_time")
    if not isinstance(fewer, int):
        return ""
    other = "radiology" if kind == "clinical" else "clinical"
    if other == "radiology" and fewer == 1:
        return " (it leaves only one radiology letter ready by ERAS)"
    return f" (it leaves no {other} letter ready by ERAS)"


def _both_letters_price(entry: dict[str, object], objective: int) -> str:
    """The best plan with a radiology and a clinical letter both ready by ERAS."""
    best, cost, plan = entry["best"], entry.get("cost"), entry["plan"]
    if not isinstance(best, int) or not isinstance(cost, int) or not isinstance(plan, list):
        return (
            "no plan meeting your rules has both a radiology and a clinical letter ready by ERAS."
        )
    return (
        f"with both letters ready by ERAS, the best plan is worth {best} (this one "
        f"{objective}) at ${cost:,}: {', '.join(plan)}."
    )


def _objective(rotations: Sequence[Offering], penalty: int) -> int:
    radiology = sum(o.is_radiology for o in rotations)
    return sum(o.value for o in rotations) - penalty * max(0, radiology - 2)


def _weakest_third_radiology(
    loaded: LoadedScenario, radiology: Sequence[Offering]
) -> tuple[Offering | None, bool]:
    """In a plan with three radiology rotations or more, the least valuable one not
    accepted, and whether the rules allow leaving it out (the count, tier_mix)."""
    open_ones = [o for o in radiology if not o.locked]
    if len(radiology) < 3 or not open_ones:
        return None, False
    weakest = min(open_ones, key=lambda o: (o.value, -o.cost))
    rest = [o for o in radiology if o is not weakest]
    mixed = not loaded.requirements.tier_mix or (
        any(o.tier_mix_high for o in rest) and any(o.tier_mix_safe for o in rest)
    )
    return weakest, len(rest) >= loaded.requirements.radiology_min and mixed


def second_radiology_letter_late(
    rotations: Sequence[Offering], radiology_max: int, max_rotations: int
) -> list[Offering]:
    """The late radiology rotations of a plan with two or more of them and one letter in
    time for ERAS, when the plan can still change: a late one is not an accepted offer,
    or there is room for another radiology rotation. Else none. Shared by the warning
    and its price (`explain.letters_by_eras`), so that the two always meet."""
    radiology = [o for o in rotations if o.is_radiology]
    late = [o for o in radiology if not o.letter_in_time]
    if len(radiology) < RADIOLOGY_LETTERS_WANTED or len(radiology) - len(late) != 1:
        return []
    room = len(radiology) < radiology_max and len(rotations) < max_rotations
    return late if room or any(not o.locked for o in late) else []


def plan_warnings(loaded: LoadedScenario, rotations: Sequence[Offering]) -> list[str]:
    """Plain-language cautions about a plan, each tied to a section of the guide and,
    where the student can act, saying how. Accepted offers (locks) are not second-guessed:
    a caution about rotations that are all locked is left out (nothing there to change),
    except one past the interview season, a fact the window's warning promises to name."""
    radiology = [o for o in rotations if o.is_radiology]
    return [
        *_radiology_balance(loaded, rotations),
        *_beyond_three(loaded, rotations),
        *_late_clinical_letter(loaded, rotations),
        *_late_radiology_letters(loaded, rotations),
        *_after_interview_season(loaded, rotations),
        # After the season, as before the rule families were split (found by review).
        *_late_second_radiology_letter(loaded, rotations),
        *_radiology_length(rotations),
        *_never_offered(rotations),
        *_application_timing(loaded, rotations),
        *_offers_pending(loaded, rotations),
        *_same_institution(radiology),
        *_away_too_long(rotations),
        *_at_home(loaded, rotations),
        *_next_to_blocked(rotations, loaded),
        *_short_blocks(loaded),
    ]


def _radiology_balance(loaded: LoadedScenario, rotations: Sequence[Offering]) -> list[str]:
    """No radiology, only reach programs, the IMG tier mix unmet, no clinical rotation, or
    more than three radiology rotations (Step 1, FAQ 1, Pitfalls)."""
    scenario = loaded.scenario
    radiology = [o for o in rotations if o.is_radiology]
    clinical = [o for o in rotations if not o.is_radiology]
    radiology_open = any(not o.locked for o in radiology)
    warnings: list[str] = []
    if not radiology:
        warnings.append(
            "no radiology rotation: this plan earns no letter from U.S. radiology faculty, "
            "the first aim of away rotations (guide, Step 1: 'Letter-building rotations'); "
            "requirements.radiology.min 1 or more asks for one."
        )
    if radiology_open and all(o.tier == "reach" for o in radiology):
        warnings.append(
            "every radiology rotation is at a reach program: balance the list with realistic "
            "and safety programs that take IMGs (guide, Pitfalls: 'Applying only to top name "
            "programs')."
        )
    elif radiology_open and scenario.student.school_type == "img":
        # The guide's distribution for a US citizen IMG (Step 2, FAQ 1), which tier_mix
        # (on by default) asks for: say which half a plan without it lacks.
        no_reach = not any(o.tier_mix_high for o in radiology)
        no_safe = not any(o.tier_mix_safe for o in radiology)
        if no_reach and no_safe:
            warnings.append(
                "no radiology rotation is at a realistic-to-reach program, nor at a "
                "realistic-to-safety program that is clearly IMG friendly, as the guide "
                "advises (FAQ 1); requirements.tier_mix: true would ask for both."
            )
        elif no_reach:
            warnings.append(
                "every radiology rotation is at a safety program: the guide advises one at a "
                "realistic-to-reach program as well (FAQ 1); requirements.tier_mix: true would "
                "ask for one."
            )
        elif no_safe:
            warnings.append(
                "no radiology rotation is at a realistic-to-safety program that is clearly IMG "
                "friendly, as the guide advises (FAQ 1); requirements.tier_mix: true would ask "
                "for one."
            )
    if radiology and not clinical:
        warnings.append(
            "no U.S. clinical rotation: consider one in medicine, surgery or emergency medicine "
            "for a letter outside radiology (guide, Pitfalls: 'too few backups')."
        )
    if len(radiology) > 3 and radiology_open:
        warnings.append(
            f"{len(radiology)} radiology rotations: beyond three the benefit usually plateaus "
            "relative to the cost (guide, FAQ 1)."
        )
    return warnings


def _beyond_three(loaded: LoadedScenario, rotations: Sequence[Offering]) -> list[str]:
    """More than three rotations in all, priced by the value model where it can (FAQ 1)."""
    radiology = [o for o in rotations if o.is_radiology]
    warnings: list[str] = []
    # FAQ 1: beyond three rotations the benefits plateau, whatever their kind. Not when
    # the count minimums or accepted offers ask for them: max_rotations 3 would clash.
    required = loaded.requirements.radiology_min + loaded.requirements.clinical_min
    locked = sum(o.locked for o in rotations)
    if len(rotations) > 3 and len(radiology) <= 3 and max(required, locked) < len(rotations):
        weights = getattr(loaded.value_model.weights, student_profile(loaded))
        penalty = weights.extra_radiology_penalty
        weakest, droppable = _weakest_third_radiology(loaded, radiology)
        if weakest is not None and weakest.value <= penalty and droppable:
            # Found by review: `check --score` on a hand-made plan said "still finds this
            # plan worth more" of a third rotation worth less than its penalty.
            objective = _objective(rotations, penalty)
            without = objective - weakest.value + penalty
            priced = (
                f" The value model takes extra_radiology_penalty ({penalty}) off each "
                f"radiology rotation beyond two, "
                + (
                    f"more than {weakest.program_id} is worth ({weakest.value}): without it "
                    f"this plan is worth {without} (not {objective})"
                    if weakest.value < penalty
                    else f"as much as {weakest.program_id} is worth ({weakest.value}): "
                    f"without it this plan is worth the same ({without})"
                )
                + f" for ${weakest.cost:,} less."
            )
        elif len(radiology) >= 3:
            # The value model's penalty is that plateau for radiology (spec section 6).
            worth_more = weakest is not None and weakest.value > penalty
            priced = (
                " The value model takes extra_radiology_penalty off each radiology rotation "
                f"beyond two{' and still finds this plan worth more' if worth_more else ''}; "
                "if the money, the weeks or the fatigue matter more,"
            )
        else:
            priced = " The value model charges no penalty for clinical rotations beyond the first;"
        warnings.append(
            f"{len(rotations)} rotations in all: the guide says a third can help, but beyond "
            f"three the benefits usually plateau relative to the cost (FAQ 1).{priced} "
            "requirements.max_rotations: 3 keeps to three."
        )
    return warnings


def _late_clinical_letter(loaded: LoadedScenario, rotations: Sequence[Offering]) -> list[str]:
    """Every open clinical rotation's letter too late for ERAS (FAQ 2, FAQ 3)."""
    scenario = loaded.scenario
    clinical = [o for o in rotations if not o.is_radiology]
    warnings: list[str] = []
    if any(not o.locked for o in clinical) and not any(o.letter_in_time for o in clinical):
        lead = loaded.value_model.timing.letter_lead_days
        new_to_us = scenario.student.us_clinical_weeks == 0
        open_clinical = [o for o in clinical if not o.locked]
        one = len(open_clinical) == 1
        clinical_cost = sum(o.cost for o in open_clinical)
        warnings.append(
            f"{LATE_LETTER['clinical']} submission "
            f"({scenario.eras_submission}): every clinical rotation ends later than {lead} "
            "days before it. The guide places rotations in June-September 'so letters can be "
            "uploaded for ERAS' (FAQ 3)"
            + (
                ", and with no U.S. clinical weeks yet this letter matters most ('especially "
                "if you lack any U.S. non-radiology experience', FAQ 2)."
                if new_to_us
                # Found by a student's review (18 U.S. weeks): the late rotation was kept by
                # the default clinical.min with no word that the student may drop it.
                else f". With {scenario.student.us_clinical_weeks} U.S. clinical weeks "
                f"already, the guide asks for {'this rotation' if one else 'these rotations'}"
                " 'especially if you lack any U.S. non-radiology experience' (FAQ 2): if "
                f"{'its late letter is' if one else 'their late letters are'} worth less to "
                f"you than {'its' if one else 'their'} cost (${clinical_cost:,})"
                f", requirements.clinical.min: 0 lets the plan leave {'it' if one else 'them'}"
                " out."
                # Found by review: not where accepted clinical offers meet the minimum.
                if loaded.requirements.clinical_min > sum(o.locked for o in clinical)
                else "."
            )
        )
    return warnings


def _late_radiology_letters(loaded: LoadedScenario, rotations: Sequence[Offering]) -> list[str]:
    """Every radiology letter too late for ERAS (Step 3)."""
    scenario = loaded.scenario
    radiology = [o for o in rotations if o.is_radiology]
    radiology_open = any(not o.locked for o in radiology)
    warnings: list[str] = []
    if radiology_open and not any(o.letter_in_time for o in radiology):
        lead = loaded.value_model.timing.letter_lead_days
        warnings.append(
            f"{LATE_LETTER['radiology']} submission ({scenario.eras_submission}):"
            f" every radiology rotation ends later than {lead} days before it (the value "
            "model's letter_lead_days for a letter to be written and uploaded). The guide's "
            "primary window is June-September, with time left for the letters (guide, Step 3)."
        )
    return warnings


def _late_second_radiology_letter(
    loaded: LoadedScenario, rotations: Sequence[Offering]
) -> list[str]:
    """The second radiology letter too late for ERAS (Step 5)."""
    scenario = loaded.scenario
    warnings: list[str] = []
    requirements = loaded.requirements
    late_radiology = second_radiology_letter_late(
        rotations, requirements.radiology_max, requirements.max_rotations
    )
    if late_radiology:
        # Found by an advisor's review: a plan whose second radiology rotation ends after
        # ERAS passed every check, its one letter in time from a two-week elective.
        lead = loaded.value_model.timing.letter_lead_days
        names = ", ".join(
            sorted(f"{o.program_id}{' (accepted)' if o.locked else ''}" for o in late_radiology)
        )
        warnings.append(
            f"{LATE_LETTER['second radiology']} submission ({scenario.eras_submission}): "
            f"{names} end{'s' if len(late_radiology) == 1 else ''} later than "
            f"{lead} days before it. The guide: 'Aim for at least two radiology letters from "
            "U.S. faculty' (Step 5), from rotations in June-September (Step 3)."
        )
    return warnings


def _after_interview_season(loaded: LoadedScenario, rotations: Sequence[Offering]) -> list[str]:
    """Rotations mostly after the interview season that follows ERAS (Step 1)."""
    scenario = loaded.scenario
    warnings: list[str] = []
    season_end = interview_season_end(scenario.eras_submission)
    # Mostly after the season: the middle day of the rotation is past January 31.
    # Accepted offers too (found by review: the window's warning promised "a plan that
    # holds one says so", and a lock there went unsaid); only the advice differs.
    too_late = [o for o in rotations if o.start + (o.end - o.start) / 2 > season_end]
    if too_late:
        named = ", ".join(
            f"{o.program_id}{' (accepted)' if o.locked else ''}"
            for o in sorted(too_late, key=lambda o: o.program_id)
        )
        action = (
            " Narrow calendar.window or --exclude it."
            if any(not o.locked for o in too_late)
            else " An accepted offer stays in the plan: weigh what it gives beyond this cycle."
        )
        warnings.append(
            f"{named} fall{'s' if len(too_late) == 1 else ''} mostly after "
            f"{season_end.isoformat()}, past the interview season that follows ERAS "
            f"({SEASON_WORDS}): too late to help this application "
            "cycle (guide, Step 1: 'Timing vs application cycle'), although the value model "
            f"still counts it at its late factor.{action}"
        )
    return warnings


def _radiology_length(rotations: Sequence[Offering]) -> list[str]:
    """One-week radiology rotations, or none four weeks long (Step 4)."""
    radiology = [o for o in rotations if o.is_radiology]
    radiology_open = any(not o.locked for o in radiology)
    warnings: list[str] = []
    short = [o for o in radiology if o.weeks < SHORTEST_USEFUL_WEEKS and not o.locked]
    if short:
        warnings.append(
            f"one-week radiology {'rotation' if len(short) == 1 else 'rotations'} "
            f"({_ids(short)}): short for a detailed letter; the "
            "guide has about four weeks on site in mind ('a month-long interview', Step 4)."
        )
    shorter = [o for o in radiology if o.weeks < FULL_LENGTH_WEEKS]
    if radiology_open and shorter == radiology and len(short) < len(radiology):
        # Found by a student's review: the value model does not weigh a rotation's length,
        # so two-week electives looked as good as four-week ones. Accepted offers are the
        # plan's, not named (they are not second-guessed).
        lengths = ", ".join(
            f"{o.program_id} {counted(o.weeks, 'week')}" for o in radiology if not o.locked
        )
        warnings.append(
            f"no radiology rotation is four weeks long ({lengths}): the guide says 'being "
            "on-site for four weeks can completely change how your application is "
            "perceived'. The value model does not weigh length: if a shorter elective gives "
            "less of a letter or an audition, rate its letter and audition lower in the "
            "catalog."
        )
    return warnings


def _never_offered(rotations: Sequence[Offering]) -> list[str]:
    """Rotations at programs whose acceptance is 0 (Step 3)."""
    warnings: list[str] = []
    # Acceptance 0 gives value 0, so a plan takes such a rotation only when a rule
    # needs it (or it is free), and then it looks like any other row of the plan.
    never = [o for o in rotations if o.acceptance == 0]
    if never:
        one = len(never) == 1
        warnings.append(
            f"{_ids(never)} never offer{'s' if one else ''} (acceptance 0 in the catalog): "
            f"this plan counts on {'a rotation' if one else 'rotations'} that will not happen "
            f"(value 0; a rule of the plan, such as a minimum count or tier_mix, may need "
            f"{'it' if one else 'them'}). Check the catalog's acceptance, or apply to more "
            "programs (guide, Step 3: 'cast a broad net'); `rotation-solver apply` leaves "
            "such programs out."
        )
    return warnings


def _application_timing(loaded: LoadedScenario, rotations: Sequence[Offering]) -> list[str]:
    """Applications with little time before their deadline, with no deadline, or sent after
    the rotation starts (spec section 4)."""
    warnings: list[str] = []
    by_start = loaded.requirements.apply_by_start
    tight = [
        (o, last)
        for o in rotations
        if o.to_apply
        and (last := last_day_to_apply(o, by_start)) is not None
        and 0 <= (last - o.submit_on).days < TIGHT_DAYS
    ]
    if tight:
        warnings.append(tight_deadline_warning(tight))
    undated = [o for o in rotations if o.undated_application]
    if undated:
        warnings.append(
            undated_warning(
                sorted(o.program_id for o in undated), loaded.requirements.apply_by_start
            )
        )
    # Spec section 4 limits an application only by its deadline: with none (or one after
    # the start) it may go out once the rotation has begun, or even ended.
    after_start = [
        (o.program_id, o.start, o.end, o.submit_on, o.deadline)
        for o in rotations
        if o.submit_on > o.start and o.to_apply
    ]
    if after_start:
        warnings.append(after_start_warning(after_start))
    return warnings


def _offers_pending(loaded: LoadedScenario, rotations: Sequence[Offering]) -> list[str]:
    """A plan that mixes offers in hand with applications still to send."""
    warnings: list[str] = []
    pending = [o for o in rotations if not o.locked and not o.offered]
    if loaded.offers and pending:
        # `apply` weighs each way to answer the offers over the outcomes of the
        # applications still to send; this plan counts them at their chance instead.
        warnings.append(offers_pending_warning(sorted(o.program_id for o in pending)))
    return warnings


def last_day_to_apply(offering: Offering, apply_by_start: bool) -> date | None:
    """The deadline; with requirements.apply_by_start, no later than the start day."""
    if not apply_by_start:
        return offering.deadline
    return min(offering.deadline or offering.start, offering.start)


def tight_deadline_warning(tight: Sequence[tuple[Offering, date]]) -> str:
    """Applications sent within `TIGHT_DAYS` of their last day (on time, by the spec)."""
    when = "; ".join(
        f"{o.program_id} on {o.submit_on.isoformat()}, "
        + (
            "its deadline day"
            if o.submit_on == last
            else f"{counted((last - o.submit_on).days, 'day')} before its deadline"
        )
        + ("" if last == o.deadline else " (its start: requirements.apply_by_start)")
        for o, last in sorted(tight, key=lambda pair: (pair[0].submit_on, pair[0].program_id))
    )
    return (
        f"applications on the last days: {when}. On time, with no room for a delay (a "
        "document that comes late, a slow portal): send each the day it can go out, and "
        "get its documents ready sooner if you can (guide, Step 3: 'Start applications "
        "early')."
    )


def undated_warning(programs: Sequence[str], apply_by_start: bool) -> str:
    """Programs with no known deadline; shared by `solve`'s plans and `apply`'s portfolios."""
    until = "until the start" if apply_by_start else "at any time"
    one = len(programs) == 1
    return (
        f"no application deadline is known for {', '.join(programs)}: planned as if "
        f"{'it' if one else 'each'} took applications {until}; deadlines are often 3-6 "
        f"months before the start (guide, Step 3), so check "
        + ("the program's page." if one else "the programs' pages.")
    )


def after_start_warning(late: Sequence[tuple[str, date, date, date, date | None]]) -> str:
    """One warning for applications (program, start, end, submit on, deadline) that go
    out after their start; shared by `solve`'s plans and `apply`'s portfolios."""
    cases = []
    for program_id, start, end, submit_on, deadline in sorted(late, key=lambda a: a[:2]):
        allows = f"deadline {deadline.isoformat()}" if deadline else "no deadline"
        if end < submit_on:
            cases.append(
                f"{program_id} {start.isoformat()}..{end.isoformat()} is over before its "
                f"application goes out on {submit_on.isoformat()} ({allows})"
            )
        else:
            cases.append(
                f"{program_id} starts {start.isoformat()}, before its application goes out on "
                f"{submit_on.isoformat()} ({allows})"
            )
    return (
        f"applications after the start: {'; '.join(cases)}. The catalog's deadlines allow "
        "this (spec section 4), so these rotations count, but a program rarely takes an "
        "application once its rotation has begun, and never once it is over. Set "
        "requirements.apply_by_start: true to plan only applications sent by the start, or "
        "confirm with the program."
    )


# Words that name a radiology section rather than the institution: "Tidewater Community
# Radiology" and "Tidewater Community Interventional Radiology" are one hospital.
_SECTION_WORDS = frozenset((
    "radiology", "radiologic", "radiological", "imaging", "interventional", "ir", "vir",
    "neuroradiology", "neuro", "body", "abdominal", "chest", "thoracic", "cardiac",
    "cardiothoracic", "vascular", "msk", "musculoskeletal", "pediatric", "paediatric",
    "breast", "women", "womens", "nuclear", "diagnostic", "department", "dept", "division",
    "section", "service", "elective", "rotation", "clerkship", "program", "of", "and", "the",
    "at", "synthetic", "mri", "ct", "ultrasound", "sonography", "mammography", "pet", "nm",
))  # fmt: skip


# Words many institutions share: a name made only of them ("Children's Hospital") is too
# generic to say that a longer name is the same place.
# Words that only a department's name holds (not "Women's" or "Children's", which also
# name hospitals): a suffix with one is a section of the same place.
_DEPARTMENT_MARKS = frozenset((
    "radiology", "radiologic", "radiological", "imaging", "interventional", "ir", "vir",
    "neuroradiology", "elective", "rotation", "clerkship", "mri", "ct", "ultrasound",
    "sonography", "mammography", "nuclear", "diagnostic", "department", "dept", "division",
    "section", "service", "program", "synthetic",
))  # fmt: skip

# Words many institutions share. A name may only add these to another and still be the
# same place ("Tidewater Community" and "Tidewater Community Hospital"); a word beyond
# them ("... Texas Medical Center" against "... of Texas") names another institution, and
# a name made only of them ("University Hospital") is too generic to claim a longer one.
_GENERIC_WORDS = frozenset((
    "university", "hospital", "hospitals", "medical", "center", "centre", "health",
    "healthcare", "system", "clinic", "general", "memorial", "regional", "community",
    "school", "college", "medicine", "institute", "st", "county", "city",
))  # fmt: skip


@dataclass(frozen=True)
class _Place:
    """Where a program is, as far as its name and city tell."""

    words: tuple[str, ...]  # the institution's words: the name before a suffix
    suffix: tuple[str, ...]  # a campus suffix's words but the city; () for a department
    city: tuple[str, ...]
    state: str


def _words(text: str) -> tuple[str, ...]:
    """Lower-case words, "Saint" as "St", without a possessive ("Women's" -> women). A
    one-letter word stays: "Hospital A" and "Hospital B" are two places (review)."""
    words = re.findall(r"[a-z0-9]+", re.sub(r"['\u2019]s\b", "", text.casefold()))
    return tuple("st" if w == "saint" else w for w in words)


def _institution(o: Offering) -> _Place:
    """The name's institution words (up to a suffix such as " - Neuroradiology", "(...)"
    or ", ...", without section words), a campus suffix's words, city, state."""
    parts = re.split(r"\s[-\u2013\u2014]\s|\(|,", o.program_name, maxsplit=1)
    city = _words(o.city)
    words = tuple(w for w in _words(parts[0]) if w not in _SECTION_WORDS)
    rest = _words(parts[1]) if len(parts) > 1 else ()
    if not words:  # "Radiology - Tidewater Community Hospital": the rest names the place
        words, rest = tuple(w for w in _words(o.program_name) if w not in _SECTION_WORDS), ()
    # A suffix with a department word names a section ("- Emergency Radiology"), not a
    # campus ("(Weill Cornell)", "- Jacobi"): only a campus can make another institution.
    department = any(w in _DEPARTMENT_MARKS for w in rest)
    suffix = () if department else tuple(w for w in rest if w not in city)
    return _Place(words, suffix, city, o.state.strip().casefold())


def _one_institution(a: _Place, b: _Place) -> bool:
    """Same city and state; suffixes that do not name two places ("(Columbia)" against
    "(Weill Cornell)"); and the same institution words, or the one's words start the
    other's, which adds only generic words or the city ("Tidewater Community" and
    "Tidewater Community Hospital"), when the shorter is a specific name (not only generic
    words, not the city alone: "Brooklyn Imaging" is not "Brooklyn Hospital Center")."""
    if (a.city, a.state) != (b.city, b.state) or not a.words or not b.words:
        return False
    if a.suffix and b.suffix and a.suffix != b.suffix:
        return False
    short, long = sorted((a.words, b.words), key=len)
    if short == long:
        return True
    extra = long[len(short) :]
    # A specific name: a word neither generic nor the city's, or the city with a generic
    # word ("Saint Louis University"), but not the city alone ("Brooklyn Imaging").
    beyond_city = [w for w in short if w not in a.city]
    distinctive = any(w not in _GENERIC_WORDS for w in beyond_city) or (
        bool(beyond_city) and len(beyond_city) < len(short)
    )
    only_generic = all(w in _GENERIC_WORDS or w in a.city for w in extra)
    return distinctive and only_generic and long[: len(short)] == short


def _same_institution(radiology: Sequence[Offering]) -> list[str]:
    """ "2 radiology away rotations (2 different institutions)" [Step 2]."""
    seen: list[tuple[_Place, Offering]] = []
    warnings = []
    for o in radiology:
        place = _institution(o)
        first = next((other for key, other in seen if _one_institution(key, place)), None)
        if first is not None and not (first.locked and o.locked):
            # In id order: the same pair reads the same in every plan.
            one, two = sorted((first, o), key=lambda x: x.program_id)
            warnings.append(
                f"{one.program_id} and {two.program_id} look like one institution "
                f"({one.program_name} and {two.program_name}, {o.city}): the guide suggests "
                "radiology rotations at two different institutions (Step 2); --exclude one "
                "to see the best plan without it."
            )
        else:
            seen.append((place, o))
    return warnings


def _away_too_long(rotations: Sequence[Offering]) -> list[str]:
    """ "Back-to-back away rotations ... without rest ... can exhaust you" [Pitfalls]:
    a run of rotations with less than a week between them, more than 8 weeks on site."""
    ordered = sorted(rotations, key=lambda o: o.start)
    runs: list[list[Offering]] = []
    for o in ordered:
        if runs and (o.start - runs[-1][-1].end).days - 1 < REST_DAYS:
            runs[-1].append(o)
        else:
            runs.append([o])
    warnings = []
    for run in runs:
        weeks = sum(o.weeks for o in run)  # weeks on site; the short breaks do not count
        if len(run) > 1 and weeks > AWAY_WEEKS and not all(o.locked for o in run):
            chain = " then ".join(o.program_id for o in run)
            warnings.append(
                f"{weeks} weeks of rotations back to back ({chain}, less than a week "
                "between): the guide advises spacing rotations to recover "
                "(Pitfalls: 'Ignoring logistics and burning out'); calendar.min_gap_days 7 "
                "keeps a week free between rotations."
            )
    return warnings


def _at_home(loaded: LoadedScenario, rotations: Sequence[Offering]) -> list[str]:
    """A rotation in the student's home city (`student.home_city`, informational in the
    spec) still counts the catalog's housing and travel (found by an advisor's review: a
    Los Angeles student's Los Angeles rotation cost $2,240, without a word)."""
    home = loaded.scenario.student.home_city
    if not home:
        return []
    city, comma, state = home.rpartition(",")  # "Miami, FL"; a city alone too
    if not comma:
        city, state = home, ""
    # "D.C." and "DC", "St. Louis" and "St Louis" are one place.
    city, state = (part.replace(".", "").strip().casefold() for part in (city, state))
    warnings = []
    for o in rotations:
        program = loaded.program(o.program_id)
        away = program.housing_per_week * program.weeks + program.travel
        same_city = o.city.replace(".", "").strip().casefold() == city
        same_state = not state or o.state.replace(".", "").strip().casefold() == state
        if same_city and same_state and away > 0:
            warnings.append(
                f"{o.program_id} is in your home city ({home}), yet its cost counts "
                f"${away:,} of housing and travel from the catalog: if you can stay at "
                "home, set its housing_per_week and travel to 0 in the catalog and solve "
                "again (a cheaper plan frees budget for another rotation)."
            )
    return warnings


def _next_to_blocked(rotations: Sequence[Offering], loaded: LoadedScenario) -> list[str]:
    """`calendar.min_gap_days` spaces rotations from each other only (spec section 1); a
    student who asked for days between them (to travel, or to recover) most likely
    wants them beside a blocked period too, such as an exam at the home school."""
    spacing = loaded.requirements.min_gap_days
    if spacing <= 0:
        return []
    close = []
    for o in sorted(rotations, key=lambda o: o.start):
        if o.locked:
            continue
        for period in loaded.scenario.calendar.blocked:
            reason = f" ({period.reason})" if period.reason else ""
            if period.start > o.end and (free := (period.start - o.end).days - 1) < spacing:
                close.append(
                    f"{o.program_id} ends {o.end}, {_days_off(free, 'before')} the blocked "
                    f"period {period.start}..{period.end}{reason}"
                )
            elif period.end < o.start and (free := (o.start - period.end).days - 1) < spacing:
                close.append(
                    f"{o.program_id} starts {o.start}, {_days_off(free, 'after')} the blocked "
                    f"period {period.start}..{period.end}{reason}"
                )
    if not close:
        return []
    return [
        f"{'; '.join(close)}: calendar.min_gap_days {spacing} keeps days free between "
        "rotations, not beside a blocked period (spec section 1). To keep days there for "
        "travel or rest (guide, Pitfalls: 'Ignoring logistics and burning out'), widen the "
        "blocked period by them."
    ]


# A blocked period this short is an exam day or a long weekend, not weeks of school.
SHORT_BLOCK_DAYS = 3


def _short_blocks(loaded: LoadedScenario) -> list[str]:
    """A blocked period of a day or three that alone rules out rotations spanning it
    (found by a student's review: blocking the Step 2 CK day dropped every 4-week
    rotation across it, with no word)."""
    blocked = loaded.scenario.calendar.blocked
    short = [i for i, b in enumerate(blocked) if (b.end - b.start).days < SHORT_BLOCK_DAYS]
    if not short:
        return []
    # Only programs with a start across a short period, and the accepted offers (their
    # clashes rule starts out too: found by review): on a large catalog, expanding all of
    # it for every plan shown doubled `frontier`'s time.
    locked = {lock.program for lock in loaded.locks}

    def across(program: Program) -> bool:
        return any(
            start <= blocked[i].end and blocked[i].start <= rotation_end(start, program.weeks)
            for start in program.starts
            for i in short
        )

    programs = tuple(p for p in loaded.programs if p.id in locked or across(p))
    if not any(p.id not in locked for p in programs):
        return []
    subset = dataclasses.replace(loaded, programs=programs)
    relaxed, _clashes = drop_lock_clashes(
        expand(subset, relax_user_rules=True).offerings, loaded.requirements.min_gap_days
    )
    warnings = []
    for index in short:
        period = blocked[index]
        # Pairs only this period rules out: any other rule would drop them anyway.
        only = {(o.program_id, o.start) for o in relaxed if o.forbidden_by == (f"blocked:{index}",)}
        if not only:
            continue
        days = (period.end - period.start).days + 1
        span = str(period.start) if days == 1 else f"{period.start}..{period.end}"
        reason = f"{period.reason}, " if period.reason else ""
        warnings.append(
            f"the blocked period {span} ({reason}{counted(days, 'day')}) alone rules out "
            f"{counted(len(only), '(program, start) pair')}: no rotation may touch a blocked "
            "period (spec section 4), so every rotation spanning it is gone. If a program "
            f"would give you {'the day' if days == 1 else 'those days'} off, take it out of "
            "calendar.blocked and ask that program."
        )
    return warnings


def _days_off(free: int, side: str) -> str:
    """`free` days between a rotation and a blocked period: 0 is the day before/after."""
    return f"the day {side}" if free == 0 else f"{counted(free, 'free day')} {side}"
