"""Warnings for what the model does not enforce."""

from __future__ import annotations

from collections.abc import Callable

from rotation_solver.planner import plan_scenario
from rotation_solver.scenario import LoadedScenario
from rotation_solver.solve import SolveOptions
from tests.conftest import program

Make = Callable[..., LoadedScenario]


def warnings_for(loaded: LoadedScenario) -> str:
    return " ".join(plan_scenario(loaded, SolveOptions(workers=1)).payload["warnings"])


def test_all_reach_radiology_and_no_clinical_are_flagged(make: Make) -> None:
    req = {"radiology": {"min": 1}, "clinical": {"min": 0}, "tier_mix": False}
    text = warnings_for(make([program("r", tier="reach")], requirements=req))
    assert "reach program" in text and "no U.S. clinical rotation" in text


def test_balanced_plan_has_no_warnings(make: Make) -> None:
    rows = [program("r", tier="target"), program("c", specialty="surgery", starts="2027-07-05")]
    req = {"radiology": {"min": 1}, "clinical": {"min": 1}, "tier_mix": True}
    assert warnings_for(make(rows, requirements=req)) == ""


def test_late_letters_and_visa_are_flagged(make: Make) -> None:
    student = {
        "school_type": "img",
        "citizenship": "visa_required",
        "step2ck": 250,
        "us_clinical_weeks": 8,
    }
    text = warnings_for(make([program("r", starts="2027-10-04")], student=student))
    assert "ready for ERAS" in text and "visa_required" in text
