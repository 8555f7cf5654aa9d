"""Warnings for what the guide recommends but a model cannot (or should not) enforce.

Spec v1 fixes the rules and the value model, so the guide's softer advice
(rest between rotations, a month on site, a useful season, two institutions)
is said in words next to the plan, never folded into the objective. A warning
that fires on nearly every plan teaches students to skip them all, so each one
here is meant to be rare on a sensible plan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rotation_solver.offerings import Offering
from rotation_solver.scenario import LoadedScenario
from rotation_solver.scenario.loader import interview_season_end

# "Space your rotations enough to recover and reflect" [Pitfalls]: a week of rest.
REST_DAYS = 7
# "When can you leave for 4-8 weeks" [Step 1]: longer than this without a break is flagged.
AWAY_WEEKS = 8
# A one-week rotation is short for "a month-long interview" [Step 4].
SHORTEST_USEFUL_WEEKS = 2


def _ids(rotations: Sequence[Offering]) -> str:
    # Sorted: the same programs read the same in every plan (compare groups by the text).
    return ", ".join(sorted(o.program_id for o in rotations))


def plan_warnings(loaded: LoadedScenario, rotations: Sequence[Offering]) -> list[str]:
    """Plain-language cautions about a plan, each tied to a section of the guide and,
    where the student can act, saying how. Accepted offers (locks) are not second-guessed."""
    scenario = loaded.scenario
    radiology = [o for o in rotations if o.is_radiology]
    clinical = [o for o in rotations if not o.is_radiology]
    warnings = []
    if not radiology:
        warnings.append(
            "no radiology rotation: this plan earns no letter from U.S. radiology faculty, "
            "the first aim of away rotations (guide, Step 1: 'Letter-building rotations'); "
            "requirements.radiology.min 1 or more asks for one."
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
        and not any(o.tier_mix_safe for o in radiology)
    ):
        warnings.append(
            "no radiology rotation is at a realistic-to-safety program that is clearly IMG "
            "friendly, as the guide advises (FAQ 1); requirements.tier_mix asks for one."
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
        lead = loaded.value_model.timing.letter_lead_days
        warnings.append(
            f"no radiology letter will be ready by ERAS submission ({scenario.eras_submission}):"
            f" every radiology rotation ends less than {lead} days (the value model's "
            "letter_lead_days) before it. The guide's primary window is June-September, with "
            "time left for the letters (guide, Step 3)."
        )
    season_end = interview_season_end(scenario.eras_submission)
    # Mostly after the season: the middle day of the rotation is past January 31.
    too_late = [
        o for o in rotations if not o.locked and o.start + (o.end - o.start) / 2 > season_end
    ]
    if too_late:
        warnings.append(
            f"{_ids(too_late)} fall{'s' if len(too_late) == 1 else ''} mostly after "
            f"{season_end.isoformat()}, past the interview season that follows ERAS (the "
            "guide's Oct-Jan after a September submission): too late to help this application "
            "cycle (guide, Step 1: 'Timing vs application cycle'), although the value model "
            "still counts it at its late factor. Narrow calendar.window or --exclude it."
        )
    short = [o for o in radiology if o.weeks < SHORTEST_USEFUL_WEEKS and not o.locked]
    if short:
        warnings.append(
            f"one-week radiology rotation ({_ids(short)}): short for a detailed letter; the "
            "guide has about four weeks on site in mind ('a month-long interview', Step 4)."
        )
    undated = [o for o in rotations if o.deadline is None and not o.locked]
    if undated:
        warnings.append(
            f"no application deadline is known for {_ids(undated)}: planned as if it took "
            "applications until the start; deadlines are often 3-6 months before it (guide, "
            "Step 3), so check the program's page."
        )
    warnings += _same_institution(radiology)
    warnings += _away_too_long(rotations)
    return warnings


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
_GENERIC_WORDS = frozenset((
    "university", "hospital", "hospitals", "medical", "center", "centre", "health",
    "healthcare", "system", "clinic", "children", "general", "memorial", "regional",
    "community", "school", "college", "medicine", "institute", "st", "new", "north",
    "south", "east", "west", "county", "city", "state",
))  # fmt: skip

Place = tuple[tuple[str, ...], tuple[str, ...], str]  # institution words, city words, state


def _words(text: str) -> tuple[str, ...]:
    """Lower-case words, "Saint" as "St", without one-letter pieces ("Women's" -> women)."""
    words = re.findall(r"[a-z0-9]+", text.casefold())
    return tuple("st" if w == "saint" else w for w in words if len(w) > 1)


def _institution(o: Offering) -> Place:
    """The name's institution words (up to a department suffix such as " - Neuroradiology",
    "(...)" or ", ...", without section words), city, state."""
    head = re.split(r"\s[-\u2013\u2014]\s|\(|,", o.program_name, maxsplit=1)[0]
    words = tuple(w for w in _words(head) if w not in _SECTION_WORDS)
    if not words:  # "Radiology - Tidewater Community Hospital": the rest names the place
        words = tuple(w for w in _words(o.program_name) if w not in _SECTION_WORDS)
    return (words, _words(o.city), o.state.strip().casefold())


def _one_institution(a: Place, b: Place) -> bool:
    """Same city and state, and the same institution words, or the one's words start the
    other's ("Tidewater Community" and "Tidewater Community Hospital") when they hold a
    word that is not generic (so "Children's Hospital" or "St" alone never matches)."""
    if a[1:] != b[1:] or not a[0] or not b[0]:
        return False
    short, long = sorted((a[0], b[0]), key=len)
    if short == long:
        return True
    distinctive = any(w not in _GENERIC_WORDS for w in short)
    return distinctive and long[: len(short)] == short


def _same_institution(radiology: Sequence[Offering]) -> list[str]:
    """ "2 radiology away rotations (2 different institutions)" [Step 2]."""
    seen: list[tuple[Place, Offering]] = []
    warnings = []
    for o in radiology:
        place = _institution(o)
        first = next((other for key, other in seen if _one_institution(key, place)), None)
        if first is not None:
            warnings.append(
                f"{first.program_id} and {o.program_id} look like one institution "
                f"({first.program_name} and {o.program_name}, {o.city}): the guide suggests "
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
        if len(run) > 1 and weeks > AWAY_WEEKS:
            chain = " then ".join(o.program_id for o in run)
            warnings.append(
                f"{weeks} weeks of rotations back to back ({chain}, less than a week "
                "between): the guide advises spacing rotations to recover "
                "(Pitfalls: 'Ignoring logistics and burning out'); calendar.min_gap_days 7 "
                "keeps a week free between rotations."
            )
    return warnings
