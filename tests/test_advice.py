"""Warnings for what the model does not enforce: each fires on its case and not on its
neighbour, so a warning is never noise on a plan the guide would approve."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rotation_solver.planner import plan_scenario
from rotation_solver.scenario import LoadedScenario
from rotation_solver.solve import SolveOptions
from tests.conftest import program

Make = Callable[..., LoadedScenario]

# A 4-week rotation with a deadline: nothing to warn about on its own.
GOOD = {"weeks": 4, "deadline_weeks_before_start": 8}
BALANCED = {"radiology": {"min": 1}, "clinical": {"min": 1}, "tier_mix": True}


def warnings_for(loaded: LoadedScenario) -> str:
    return " ".join(plan_scenario(loaded, SolveOptions(workers=1)).payload["warnings"])


def rad(pid: str, **fields: Any) -> dict[str, Any]:
    return program(pid, **{**GOOD, **fields})


def clin(pid: str, **fields: Any) -> dict[str, Any]:
    return program(pid, **{**GOOD, "specialty": "surgery", "starts": "2027-08-02", **fields})


def test_balanced_plan_has_no_warnings(make: Make) -> None:
    assert warnings_for(make([rad("r"), clin("c")], requirements=BALANCED)) == ""


def test_all_reach_radiology_and_no_clinical_are_flagged(make: Make) -> None:
    req = {"radiology": {"min": 1}, "clinical": {"min": 0}, "tier_mix": False}
    text = warnings_for(make([rad("r", tier="reach")], requirements=req))
    assert "reach program" in text and "no U.S. clinical rotation" in text


def test_late_letters_and_visa_are_flagged(make: Make) -> None:
    student = {
        "school_type": "img",
        "citizenship": "visa_required",
        "step2ck": 250,
        "us_clinical_weeks": 8,
    }
    text = warnings_for(make([rad("r", starts="2027-10-04")], student=student))
    assert "ready for ERAS" in text and "visa_required" in text


def test_a_plan_without_radiology_is_flagged(make: Make) -> None:
    req = {"radiology": {"min": 0, "max": 0}, "clinical": {"min": 1}, "tier_mix": False}
    assert "no radiology rotation" in warnings_for(make([clin("c")], requirements=req))


def test_no_warning_about_radiology_when_there_is_no_plan(make: Make) -> None:
    text = warnings_for(make([rad("r")], budget=10))
    assert "no radiology rotation" not in text


def test_no_img_friendly_radiology_is_flagged_for_img_students_only(make: Make) -> None:
    rows = [rad("r", img_friendly=False), clin("c")]
    req = {**BALANCED, "tier_mix": False}
    assert "IMG-friendly" in warnings_for(make(rows, requirements=req))
    us_md = {"school_type": "us_md", "step2ck": 250, "us_clinical_weeks": 8}
    assert "IMG-friendly" not in warnings_for(make(rows, requirements=req, student=us_md))


@pytest.mark.parametrize(("start", "flagged"), [("2028-01-24", False), ("2028-02-07", True)])
def test_rotations_after_the_interview_season_are_flagged(
    make: Make, start: str, flagged: bool
) -> None:
    # ERAS 2027-09-25: the season runs to 2028-01-31; a start on that day still counts.
    calendar = {"window": {"start": "2027-06-01", "end": "2028-03-31"}}
    loaded = make([rad("r", starts=start), clin("c")], requirements=BALANCED, calendar=calendar)
    assert "window ends 2028-03-31" in " ".join(loaded.warnings)
    assert ("past the interview season" in warnings_for(loaded)) is flagged


@pytest.mark.parametrize(("weeks", "flagged"), [(3, True), (4, False)])
def test_short_radiology_rotations_are_flagged(make: Make, weeks: int, flagged: bool) -> None:
    loaded = make([rad("r", weeks=weeks), clin("c", weeks=2)], requirements=BALANCED)
    assert ("short radiology rotation (r 3 wk)" in warnings_for(loaded)) is flagged


def test_two_radiology_rotations_at_one_institution_are_flagged(make: Make) -> None:
    req = {**BALANCED, "radiology": {"min": 2}}
    same = {"name": "Big University Hospital", "city": "Chicago"}
    rows = [rad("a", **same), rad("b", **same, starts="2027-07-05"), clin("c", starts="2027-09-06")]
    assert "a and b are the same institution" in warnings_for(make(rows, requirements=req))
    rows[1] = rad("b", name="Big University Hospital", city="Boston", starts="2027-07-05")
    assert "same institution" not in warnings_for(make(rows, requirements=req))


@pytest.mark.parametrize(("gap_weeks", "flagged"), [(0, True), (1, False)])
def test_back_to_back_high_cost_rotations_are_flagged(
    make: Make, gap_weeks: int, flagged: bool
) -> None:
    # r ends 2027-07-04; c starts the next day, or after 7 free days.
    c_start = "2027-07-05" if gap_weeks == 0 else "2027-07-12"
    rows = [
        rad("r", housing_per_week=1500),
        clin("c", housing_per_week=1500, starts=c_start),
        rad("cheap", housing_per_week=100, acceptance=0),  # sets the median, never chosen
        rad("cheap2", housing_per_week=100, acceptance=0),
    ]
    text = warnings_for(make(rows, requirements=BALANCED))
    assert ("back to back in high-cost cities (r then c)" in text) is flagged
    assert "every rotation's housing is above the catalog's median ($800/week)" in text


def test_one_affordable_location_is_enough(make: Make) -> None:
    rows = [
        rad("r", housing_per_week=1500),
        clin("c", housing_per_week=100, starts="2027-07-05"),
        rad("x", housing_per_week=1500, acceptance=0),
    ]
    text = warnings_for(make(rows, requirements=BALANCED))
    assert "back to back" not in text and "above the catalog's median" not in text


def test_a_program_without_deadline_is_named_on_load(make: Make) -> None:
    loaded = make([program("r"), rad("dated")])
    (warning,) = [w for w in loaded.warnings if "deadline" in w]
    assert "no application deadline for r:" in warning and "dated" not in warning
