from __future__ import annotations

import copy
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from rotation_solver.scenario import LoadedScenario, load_scenario
from tests.random_scenarios import write_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

# Speed lives in the benchmarks: a property test must not fail because a busy machine
# ran one example past hypothesis's 200 ms default deadline (a likely cause of the one
# unexplained "1 failed" in about 14 full runs, on a first run with other work going).
settings.register_profile("no_deadline", deadline=None)
settings.load_profile("no_deadline")

# A calendar is stamped with the time it is written; pinned here (2027-01-15 08:00 UTC)
# so that a calendar written twice is the same file, and expected outputs stay exact.
CALENDAR_WRITTEN_AT = "1800000000"
os.environ["SOURCE_DATE_EPOCH"] = CALENDAR_WRITTEN_AT


def program(pid: str, **fields: Any) -> dict[str, Any]:
    """A catalog row with harmless defaults: 2-week rotation, $1,000 all in."""
    row: dict[str, Any] = {
        "id": pid,
        "name": f"{pid} (synthetic)",
        "city": "Denver",
        "state": "CO",
        "specialty": "radiology",
        "tier": "target",
        "img_friendly": True,
        "accepts_img": True,
        "starts": "2027-06-07",
        "weeks": 2,
        "application_opens": "2027-01-04",
        "requires": "transcript",  # ready before the planning date: harmless
        "housing_per_week": 300,
        "travel": 400,
        "fee": 0,
        "img_surcharge": 0,
        "letter": 5,
        "audition": 5,
        "interest": 5,
        "acceptance": 1,
    }
    row.update(fields)
    return row


BASE: dict[str, Any] = {
    "version": 1,
    "name": "tiny (synthetic)",
    "planning_date": "2027-01-15",
    "eras_submission": "2027-09-25",
    "student": {
        "school_type": "img",
        "step2ck": 250,
        "us_clinical_weeks": 8,
        "radiology_exposure": "none",
    },
    "calendar": {"window": {"start": "2027-06-01", "end": "2027-12-17"}},
    "budget": 100000,
    "documents": {"transcript": "2027-01-10"},
    "requirements": {
        "radiology": {"min": 1, "max": 3},
        "clinical": {"min": 0, "max": 1},
        "tier_mix": False,
    },
    "programs": [],
}


def scenario_dict(programs: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["programs"] = programs
    for key, value in changes.items():
        data[key] = value
    return data


@pytest.fixture
def make(tmp_path: Path) -> Callable[..., LoadedScenario]:
    """Write a tiny scenario and load it: make(programs, budget=..., requirements=...)."""
    counter = iter(range(10**6))

    def build(programs: list[dict[str, Any]], **changes: Any) -> LoadedScenario:
        path = write_scenario(
            tmp_path, scenario_dict(programs, **changes), f"s{next(counter)}.yaml"
        )
        return load_scenario(path)

    return build
