"""Seeded random small scenarios (as scenario dicts with an inline catalog)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

MONDAYS = [date(2027, 5, 31) + timedelta(weeks=k) for k in range(24)]
SPECIALTIES = [
    "radiology",
    "radiology",
    "radiology",
    "internal_medicine",
    "emergency_medicine",
    "surgery",
    "transitional",
]


def random_scenario(rng: random.Random, programs: int | None = None) -> dict[str, Any]:
    """A valid scenario small enough for exhaustive search."""
    n = programs if programs is not None else rng.randint(4, 9)
    window_end = date(2027, 10, 1) + timedelta(days=rng.randint(0, 75))
    blocked = []
    for _ in range(rng.randint(0, 2)):
        start = date(2027, 6, 1) + timedelta(days=rng.randint(0, 100))
        blocked.append({"start": str(start), "end": str(start + timedelta(days=rng.randint(0, 9)))})
    documents = {
        "transcript": str(date(2027, 1, 1) + timedelta(days=rng.randint(0, 30))),
        "immunizations": str(date(2027, 1, 10) + timedelta(days=rng.randint(0, 90))),
    }
    rows = []
    for i in range(n):
        starts = sorted(rng.sample(MONDAYS, rng.randint(1, 4)))
        row: dict[str, Any] = {
            "id": f"p{i}",
            "name": f"Program {i} (synthetic)",
            "city": "Chicago",
            "state": "IL",
            "specialty": rng.choice(SPECIALTIES),
            "tier": rng.choice(["reach", "target", "safety"]),
            "img_friendly": rng.random() < 0.6,
            "accepts_img": rng.random() < 0.85,
            "starts": ";".join(str(s) for s in starts),
            "weeks": rng.randint(1, 4),
            "application_opens": str(date(2027, 1, 1) + timedelta(days=rng.randint(0, 60))),
            "requires": rng.choice(["", "transcript", "transcript;immunizations"]),
            "housing_per_week": rng.randint(2, 9) * 100,
            "travel": rng.randint(1, 7) * 100,
            "fee": rng.choice([0, 15, 100]),
            "img_surcharge": rng.choice([0, 0, 250]),
            "letter": rng.randint(0, 10),
            "audition": rng.randint(0, 10),
            "interest": rng.randint(1, 5),
            "acceptance": rng.randint(1, 20) * 5 / 100,
        }
        style = rng.randint(0, 3)
        if style in (1, 3):
            row["application_deadline"] = str(
                date(2027, 2, 1) + timedelta(days=rng.randint(0, 150))
            )
        if style in (2, 3):
            row["deadline_weeks_before_start"] = rng.randint(2, 14)
        if not row["requires"]:
            del row["requires"]
        rows.append(row)
    rad_min = rng.randint(0, 2)
    scenario: dict[str, Any] = {
        "version": 1,
        "name": "random (synthetic)",
        "planning_date": "2027-01-15",
        "eras_submission": "2027-09-25",
        "student": {
            "school_type": rng.choice(["img", "img", "us_md"]),
            "step2ck": rng.choice([None, 230, 250]),
            "us_clinical_weeks": rng.choice([0, 8]),
            "radiology_exposure": rng.choice(["none", "home_department"]),
        },
        "calendar": {
            "window": {"start": "2027-06-01", "end": str(window_end)},
            "blocked": blocked,
            "min_gap_days": rng.choice([0, 0, 7]),
        },
        "budget": rng.randint(30, 150) * 100,
        "documents": documents,
        "requirements": {
            "radiology": {"min": rad_min, "max": rng.randint(max(rad_min, 1), 3)},
            "clinical": {"min": rng.randint(0, 1), "max": 1},
            "max_rotations": rng.randint(2, 4),
            "tier_mix": rng.random() < 0.7,
        },
        "programs": rows,
    }
    if rng.random() < 0.25:  # the optional housing rules (spec extension)
        requirements = scenario["requirements"]
        requirements["affordable_housing_per_week"] = rng.choice([300, 500, 700])
        if rng.random() < 0.5:
            requirements["high_cost_rest_days"] = rng.choice([3, 10])
    if scenario["student"]["step2ck"] is None:
        del scenario["student"]["step2ck"]
    if rng.random() < 0.2:
        pick = rng.choice(rows)
        scenario["locks"] = [{"program": pick["id"], "start": pick["starts"].split(";")[0]}]
    if rng.random() < 0.2:
        locked = {lock["program"] for lock in scenario.get("locks", [])}
        free = [r["id"] for r in rows if r["id"] not in locked]
        if free:
            scenario["exclude"] = [rng.choice(free)]
    # Drawn last, so the draws above (and the scenarios tests pin) stay as they were.
    if rng.random() < 0.2:  # a mid-summer re-plan: some starts come before any submit
        scenario["planning_date"] = str(date(2027, 6, 1) + timedelta(days=rng.randint(0, 40)))
    if rng.random() < 0.3:
        scenario["requirements"]["apply_by_start"] = True
    return scenario


def write_scenario(folder: Path, scenario: dict[str, Any], name: str = "scenario.yaml") -> Path:
    """Write a scenario dict as YAML and return its path."""
    path = folder / name
    yaml = YAML()
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(scenario, handle)
    return path
