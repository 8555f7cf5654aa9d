"""Warnings for what the guide recommends but a model cannot (or should not) enforce.

Spec v1 fixes the rules and the value model, so the guide's softer advice
(rest between rotations, an affordable city, a month on site, a useful season)
is said in words next to the plan, never folded into the objective.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence

from rotation_solver.offerings import Offering
from rotation_solver.scenario import LoadedScenario
from rotation_solver.scenario.loader import interview_season_end

# "Space your rotations enough to recover and reflect" [Pitfalls]: a week of rest.
REST_DAYS = 7
# "being on-site for four weeks", "a month-long interview" [Introduction, Step 4].
LETTER_WEEKS = 4


def _ids(rotations: Sequence[Offering]) -> str:
    return ", ".join(o.program_id for o in rotations)


def plan_warnings(loaded: LoadedScenario, rotations: Sequence[Offering]) -> list[str]:
    """Plain-language cautions about a plan, each tied to a section of the guide."""
    scenario = loaded.scenario
    radiology = [o for o in rotations if o.is_radiology]
    clinical = [o for o in rotations if not o.is_radiology]
    warnings = []
    if not radiology:
        warnings.append(
            "no radiology rotation: this plan earns no letter from U.S. radiology faculty, "
            "the first aim of away rotations (guide, Step 1: 'Letter-building rotations')."
        )
    if radiology and all(o.tier == "reach" for o in radiology):
        warnings.append(
            "every radiology rotation is at a reach program: balance the list with realistic "
            "and safety programs that take IMGs (guide, Pitfalls: 'Applying only to top name "
            "programs')."
        )
    elif (
        radiology
        and scenario.student.school_type == "img"
        and not any(o.img_friendly for o in radiology)
    ):
        warnings.append(
            "no radiology rotation is at an IMG-friendly program: the guide wants one at a "
            "realistic-to-safety program that is clearly IMG friendly (guide, FAQ 1)."
        )
    if radiology and not clinical:
        warnings.append(
            "no U.S. clinical rotation: consider one in medicine, surgery or emergency medicine "
            "for a letter outside radiology (guide, Pitfalls: 'too few backups')."
        )
    if len(radiology) > 3:
        warnings.append(
            f"{len(radiology)} radiology rotations: beyond three the benefit usually plateaus "
            "relative to the cost (guide, FAQ 1)."
        )
    if radiology and all(o.timing < 1 for o in radiology):
        warnings.append(
            "no radiology letter will be ready for ERAS submission: the guide's primary window "
            "is June-September (guide, Step 3)."
        )
    season_end = interview_season_end(scenario.eras_submission)
    too_late = [o for o in rotations if o.start > season_end]
    if too_late:
        warnings.append(
            f"{_ids(too_late)} start{'s' if len(too_late) == 1 else ''} after "
            f"{season_end.isoformat()}, past the interview season that follows ERAS "
            "(Oct-Jan): too late to help this application cycle (guide, Step 1: 'Timing vs "
            "application cycle'). Narrow calendar.window to leave it out."
        )
    short = [o for o in radiology if o.weeks < LETTER_WEEKS]
    if short:
        weeks = ", ".join(f"{o.program_id} {o.weeks} wk" for o in short)
        warnings.append(
            f"short radiology rotation ({weeks}): the guide counts on about four weeks on site "
            "for a detailed letter ('a month-long interview', guide, Step 4)."
        )
    warnings += _same_institution(radiology)
    warnings += _logistics(loaded, rotations)
    return warnings


def _same_institution(radiology: Sequence[Offering]) -> list[str]:
    """ "2 radiology away rotations (2 different institutions)" [Step 2]."""
    seen: dict[tuple[str, str, str], Offering] = {}
    warnings = []
    for o in radiology:
        place = (o.program_name.strip().casefold(), o.city.strip().casefold(), o.state)
        if place in seen:
            warnings.append(
                f"{seen[place].program_id} and {o.program_id} are the same institution "
                f"({o.program_name}): two letters from one department count less than two "
                "from different institutions (guide, Step 2)."
            )
        else:
            seen[place] = o
    return warnings


def _logistics(loaded: LoadedScenario, rotations: Sequence[Offering]) -> list[str]:
    """ "Back-to-back away rotations in high-cost cities without rest" [Pitfalls]."""
    if len(rotations) < 2 or not loaded.programs:
        return []
    median = statistics.median(p.housing_per_week for p in loaded.programs)
    costly = [o for o in rotations if o.housing_per_week > median]
    warnings = []
    ordered = sorted(rotations, key=lambda o: o.start)
    tight = [
        (a, b)
        for a, b in itertools.pairwise(ordered)
        if (b.start - a.end).days - 1 < REST_DAYS and a in costly and b in costly
    ]
    if tight:
        pairs = "; ".join(f"{a.program_id} then {b.program_id}" for a, b in tight)
        warnings.append(
            f"back to back in high-cost cities ({pairs}): housing above the catalog's median "
            f"(${median:,.0f}/week) with less than a week between. The guide advises spacing "
            "rotations to recover (guide, Pitfalls: 'Ignoring logistics and burning out'); "
            "calendar.min_gap_days enforces a gap."
        )
    if len(costly) == len(rotations):
        warnings.append(
            f"every rotation's housing is above the catalog's median (${median:,.0f}/week): "
            "the guide advises at least one affordable, manageable location (guide, Pitfalls: "
            "'Ignoring logistics and burning out')."
        )
    return warnings
