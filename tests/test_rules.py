"""Each rule of spec sections 4-5 on a tiny hand-built scenario: one feasible, one infeasible.

Every plan returned here has passed the independent checker (plan_scenario
verifies it); every infeasible case also names the rule it tests.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rotation_solver.checker import check_plan
from rotation_solver.planner import PlanOutcome, plan_scenario
from rotation_solver.scenario import LoadedScenario
from rotation_solver.solve import SolveOptions
from tests.conftest import BASE, program

Make = Callable[..., LoadedScenario]
ONE_WORKER = SolveOptions(workers=1, time_limit=20)


def run(loaded: LoadedScenario) -> PlanOutcome:
    return plan_scenario(loaded, ONE_WORKER)


def taken(outcome: PlanOutcome) -> list[tuple[str, str]]:
    return [(r["program_id"], r["start"]) for r in outcome.payload["rotations"]]


def conflict_keys(outcome: PlanOutcome) -> set[str]:
    assert outcome.result.status == "infeasible"
    assert outcome.conflict is not None
    return {rule.key for rule in outcome.conflict.rules}


# -- spec section 5's defaults, on the planner (the checker has its own copy) -------------

HOME = {**BASE["student"], "radiology_exposure": "home_department"}
JUNE_TO_DEC = ["2027-06-07", "2027-07-05", "2027-08-02", "2027-08-30", "2027-09-27"]


def _spread(pids: str, specialty: str = "radiology", **fields: object) -> list[dict[str, object]]:
    """One program per letter, each at its own month: no two of them overlap."""
    offset = 0 if specialty == "radiology" else len(JUNE_TO_DEC) - len(pids)
    return [
        program(pid, specialty=specialty, starts=JUNE_TO_DEC[offset + i], **fields)
        for i, pid in enumerate(pids)
    ]


def test_default_radiology_min_is_one_with_a_home_department(make: Make) -> None:
    rows = _spread("a") + _spread("c", specialty="surgery")
    outcome = run(make(rows, requirements={}, student=HOME))
    assert taken(outcome) == [("a", "2027-06-07"), ("c", "2027-09-27")]


def test_default_radiology_min_is_two_without_one(make: Make) -> None:
    rows = _spread("a") + _spread("c", specialty="surgery")
    assert conflict_keys(run(make(rows, requirements={}))) >= {"radiology.min"}
    rows = _spread("ab") + _spread("c", specialty="surgery")
    assert len(taken(run(make(rows, requirements={})))) == 3


def test_default_clinical_is_exactly_one(make: Make) -> None:
    rows = _spread("ab")
    assert conflict_keys(run(make(rows, requirements={}))) >= {"clinical.min"}
    rows = _spread("ab") + _spread("cd", specialty="surgery", letter=10)
    outcome = run(make(rows, requirements={}))
    assert [r["specialty"] for r in outcome.payload["rotations"]].count("surgery") == 1


def test_default_radiology_max_is_three_and_max_rotations_four(make: Make) -> None:
    # Strong profile, letter 10 and audition 10: each extra radiology rotation (220) beats
    # the penalty of 40, so only the caps hold the plan back.
    rows = _spread("abcd", letter=10, audition=10)
    outcome = run(make(rows, requirements={"clinical": {"min": 0}}))
    assert len(taken(outcome)) == 3
    assert outcome.result.objective == 3 * 220 - 40
    rows = _spread("abc", letter=10, audition=10) + _spread("de", specialty="surgery")
    outcome = run(make(rows, requirements={"clinical": {"min": 1, "max": 2}}))
    assert len(taken(outcome)) == 4  # 3 radiology + 2 clinical would be 5


def test_default_tier_mix_is_on(make: Make) -> None:
    rows = _spread("ab", tier="reach") + _spread("c", specialty="surgery")
    assert conflict_keys(run(make(rows, requirements={}))) >= {"tier_mix"}
    rows[1]["tier"] = "target"
    assert len(taken(run(make(rows, requirements={})))) == 3


def test_budget_feasible_at_exact_cost(make: Make) -> None:
    # 300*2 + 400 = 1000 per rotation; two radiology = 2000.
    loaded = make(
        [program("a"), program("b", starts="2027-06-21")],
        budget=2000,
        requirements={"radiology": {"min": 2}, "clinical": {"min": 0}, "tier_mix": False},
    )
    outcome = run(loaded)
    assert outcome.result.status == "optimal"
    assert outcome.result.total_cost == 2000


def test_budget_one_dollar_short_is_infeasible(make: Make) -> None:
    loaded = make(
        [program("a"), program("b", starts="2027-06-21")],
        budget=1999,
        requirements={"radiology": {"min": 2}, "clinical": {"min": 0}, "tier_mix": False},
    )
    outcome = run(loaded)
    assert "budget" in conflict_keys(outcome)
    assert outcome.conflict is not None
    assert outcome.conflict.cheapest_without_budget == 2000


def test_overlap_back_to_back_is_compatible(make: Make) -> None:
    # a: 06-07..06-20; b starts 06-21 = a.end + 1.
    loaded = make(
        [program("a"), program("b", starts="2027-06-21")],
        requirements={"radiology": {"min": 2}, "clinical": {"min": 0}, "tier_mix": False},
    )
    assert taken(run(loaded)) == [("a", "2027-06-07"), ("b", "2027-06-21")]


def test_overlap_one_day_is_infeasible(make: Make) -> None:
    loaded = make(
        [program("a"), program("b", starts="2027-06-20", weeks=1)],
        requirements={"radiology": {"min": 2}, "clinical": {"min": 0}, "tier_mix": False},
    )
    assert "radiology.min" in conflict_keys(run(loaded))


def test_gap_exactly_min_gap_days_is_compatible(make: Make) -> None:
    # a ends 06-20; with a 7-day gap b may start 06-28.
    loaded = make(
        [program("a"), program("b", starts="2027-06-28")],
        calendar={"window": {"start": "2027-06-01", "end": "2027-12-17"}, "min_gap_days": 7},
        requirements={"radiology": {"min": 2}, "clinical": {"min": 0}, "tier_mix": False},
    )
    assert len(taken(run(loaded))) == 2


def test_gap_one_day_short_is_infeasible(make: Make) -> None:
    loaded = make(
        [program("a"), program("b", starts="2027-06-27")],
        calendar={"window": {"start": "2027-06-01", "end": "2027-12-17"}, "min_gap_days": 7},
        requirements={"radiology": {"min": 2}, "clinical": {"min": 0}, "tier_mix": False},
    )
    keys = conflict_keys(run(loaded))
    assert "min_gap_days" in keys


def test_one_rotation_per_program(make: Make) -> None:
    loaded = make(
        [program("a", starts="2027-06-07;2027-07-05")],
        requirements={"radiology": {"min": 1}, "clinical": {"min": 0}, "tier_mix": False},
    )
    assert len(taken(run(loaded))) == 1
    loaded = make(
        [program("a", starts="2027-06-07;2027-07-05")],
        requirements={"radiology": {"min": 2}, "clinical": {"min": 0}, "tier_mix": False},
    )
    assert run(loaded).result.status == "infeasible"


def test_window_bounds_are_inclusive(make: Make) -> None:
    # 2027-06-01 start, 2 weeks, ends 06-14 = window end.
    window = {"window": {"start": "2027-06-01", "end": "2027-06-14"}}
    loaded = make([program("a", starts="2027-06-01")], calendar=window)
    assert taken(run(loaded)) == [("a", "2027-06-01")]
    window = {"window": {"start": "2027-06-01", "end": "2027-06-13"}}
    loaded = make([program("a", starts="2027-06-01")], calendar=window)
    assert run(loaded).result.status == "infeasible"


def test_blocked_period_may_start_after_rotation_ends(make: Make) -> None:
    calendar = {
        "window": {"start": "2027-06-01", "end": "2027-12-17"},
        "blocked": [{"start": "2027-06-21", "end": "2027-06-30"}],
    }
    assert taken(run(make([program("a")], calendar=calendar))) == [("a", "2027-06-07")]
    calendar["blocked"] = [{"start": "2027-06-20", "end": "2027-06-30"}]
    outcome = run(make([program("a")], calendar=calendar))
    assert outcome.result.status == "infeasible"
    assert outcome.problem.expansion.dropped_counts() == {"blocked period": 1}


def test_submit_on_deadline_day_is_on_time(make: Make) -> None:
    loaded = make([program("a", application_deadline="2027-01-15")])
    outcome = run(loaded)
    assert outcome.payload["rotations"][0]["submit_on"] == "2027-01-15"
    outcome = run(make([program("a", application_deadline="2027-01-14")]))
    assert outcome.result.status == "infeasible"
    assert outcome.problem.expansion.dropped_counts() == {"past deadline": 1}


def test_deadline_weeks_before_start_takes_the_earlier(make: Make) -> None:
    # start 06-07 - 7*20 days = 2027-01-18 >= submit 01-15: on time.
    assert run(make([program("a", deadline_weeks_before_start=20)])).result.has_plan
    # 21 weeks: 2027-01-11 < 01-15; the later fixed deadline does not rescue it.
    loaded = make([program("a", deadline_weeks_before_start=21, application_deadline="2027-03-01")])
    assert run(loaded).result.status == "infeasible"


def test_without_a_deadline_an_application_after_the_start_is_in_time(make: Make) -> None:
    # Spec section 4 as written: a row with no deadline is never late.
    outcome = run(make([program("a", application_opens="2027-06-08")]))
    assert outcome.payload["rotations"][0]["submit_on"] == "2027-06-08"
    assert "apply_by_start" not in outcome.payload["requirements"]
    late = program("a", application_opens="2027-06-08", application_deadline="2027-07-01")
    assert run(make([late])).payload["rotations"][0]["submit_on"] == "2027-06-08"


def test_a_window_opening_before_the_planning_date_is_warned(make: Make) -> None:
    rows = [program("a")]
    assert not any("before planning_date" in w for w in make(rows).warnings)
    replan = make(rows, planning_date="2027-06-20")
    assert any(
        "calendar.window starts 2027-06-01, before planning_date" in w for w in replan.warnings
    )
    assert any("Move window.start to the planning date" in w for w in replan.warnings)
    # A lock that started already would leave a moved window: that advice is left out.
    lock = [{"program": "a", "start": "2027-06-07"}]
    locked = make(rows, planning_date="2027-06-20", locks=lock)
    assert not any("Move window.start" in w for w in locked.warnings)
    assert any("Set requirements.apply_by_start: true" in w for w in locked.warnings)
    req = {"radiology": {"min": 1}, "clinical": {"min": 0}, "apply_by_start": True}
    quiet = make(rows, planning_date="2027-06-20", requirements=req)
    assert not any("before planning_date" in w for w in quiet.warnings)


BY_START = {
    "radiology": {"min": 1},
    "clinical": {"min": 0},
    "tier_mix": False,
    "apply_by_start": True,
}


def test_apply_by_start_ends_applications_on_the_start(make: Make) -> None:
    """The `apply_by_start` extension: opening on the start day itself is still in time."""
    outcome = run(make([program("a", application_opens="2027-06-07")], requirements=BY_START))
    assert outcome.payload["rotations"][0]["submit_on"] == "2027-06-07"
    assert outcome.payload["requirements"]["apply_by_start"] is True  # the plan says so
    # A day after the start, the rotation has begun: the application comes too late.
    outcome = run(make([program("a", application_opens="2027-06-08")], requirements=BY_START))
    assert outcome.result.status == "infeasible"
    assert outcome.problem.expansion.dropped_counts() == {"applied after the start": 1}


def test_apply_by_start_is_not_extended_by_a_later_deadline(make: Make) -> None:
    late = program("a", application_opens="2027-06-08", application_deadline="2027-07-01")
    outcome = run(make([late], requirements=BY_START))
    assert outcome.result.status == "infeasible"
    assert outcome.problem.expansion.dropped_counts() == {"applied after the start": 1}


def test_documents_late(make: Make) -> None:
    docs = {"transcript": "2027-01-10", "bls": "2027-03-02"}
    loaded = make([program("a", requires="bls", application_deadline="2027-03-02")], documents=docs)
    assert run(loaded).payload["rotations"][0]["submit_on"] == "2027-03-02"
    loaded = make([program("a", requires="bls", application_deadline="2027-03-01")], documents=docs)
    outcome = run(loaded)
    assert outcome.result.status == "infeasible"
    assert outcome.problem.expansion.dropped_counts() == {"documents late": 1}


def test_accepts_img(make: Make) -> None:
    student = {**BASE["student"], "school_type": "us_md"}
    assert run(make([program("a", accepts_img=False)], student=student)).result.has_plan
    outcome = run(make([program("a", accepts_img=False)]))
    assert outcome.problem.expansion.dropped_counts() == {"program does not take IMGs": 1}


def test_specialty_must_be_requested(make: Make) -> None:
    rows = [program("r"), program("t", specialty="transitional", starts="2027-07-05")]
    req = {
        "radiology": {"min": 1},
        "clinical": {"min": 1, "specialties": ["transitional"]},
        "tier_mix": False,
    }
    assert len(taken(run(make(rows, requirements=req)))) == 2
    req["clinical"] = {"min": 1}
    outcome = run(make(rows, requirements=req))
    assert "clinical.min" in conflict_keys(outcome)


def test_radiology_and_clinical_counts(make: Make) -> None:
    rows = [
        program("r1"),
        program("r2", starts="2027-07-05"),
        program("r3", starts="2027-08-02"),
        program("c1", specialty="surgery", starts="2027-09-06"),
    ]
    req = {"radiology": {"min": 2, "max": 2}, "clinical": {"min": 1, "max": 1}, "tier_mix": False}
    outcome = run(make(rows, requirements=req))
    kinds = [r["specialty"] for r in outcome.payload["rotations"]]
    assert kinds.count("radiology") == 2 and kinds.count("surgery") == 1
    req = {"radiology": {"min": 4, "max": 4}, "clinical": {"min": 0}, "tier_mix": False}
    assert "radiology.min" in conflict_keys(run(make(rows, requirements=req)))
    req = {"radiology": {"min": 1}, "clinical": {"min": 2, "max": 2}, "tier_mix": False}
    assert "clinical.min" in conflict_keys(run(make(rows, requirements=req)))


def test_radiology_max_caps_count(make: Make) -> None:
    rows = [program("r1"), program("r2", starts="2027-07-05"), program("r3", starts="2027-08-02")]
    req = {"radiology": {"min": 1, "max": 1}, "clinical": {"min": 0}, "tier_mix": False}
    assert len(taken(run(make(rows, requirements=req)))) == 1


def test_max_rotations(make: Make) -> None:
    rows = [
        program("r1"),
        program("r2", starts="2027-07-05"),
        program("c1", specialty="surgery", starts="2027-09-06"),
    ]
    req = {"radiology": {"min": 2}, "clinical": {"min": 1}, "max_rotations": 3, "tier_mix": False}
    assert len(taken(run(make(rows, requirements=req)))) == 3
    req["max_rotations"] = 2
    keys = conflict_keys(run(make(rows, requirements=req)))
    assert "max_rotations" in keys


def test_tier_mix_needs_both_halves(make: Make) -> None:
    req = {"radiology": {"min": 1}, "clinical": {"min": 0}, "tier_mix": True}
    # One target IMG-friendly rotation satisfies both halves.
    assert run(make([program("t", tier="target")], requirements=req)).result.has_plan
    # A reach program alone misses the safe half.
    outcome = run(make([program("r", tier="reach")], requirements=req))
    assert "tier_mix" in conflict_keys(outcome)
    # A safety program that is not IMG-friendly does not count as the safe half.
    rows = [
        program("r", tier="reach"),
        program("s", tier="safety", img_friendly=False, starts="2027-07-05"),
    ]
    assert "tier_mix" in conflict_keys(run(make(rows, requirements=req)))


def test_tier_mix_applies_only_with_radiology(make: Make) -> None:
    req = {"radiology": {"min": 0}, "clinical": {"min": 1}, "tier_mix": True}
    rows = [program("c", specialty="surgery", tier="reach")]
    assert taken(run(make(rows, requirements=req))) == [("c", "2027-06-07")]


def test_lock_bypasses_timing_and_img_rule_with_acceptance_one(make: Make) -> None:
    row = program("a", accepts_img=False, application_deadline="2027-01-01", acceptance=0.25)
    outcome = run(make([row], locks=[{"program": "a", "start": "2027-06-07"}]))
    assert taken(outcome) == [("a", "2027-06-07")]
    # acceptance counts as 1: 10*5 + 12*5*5/5 = 110 with the strong weights.
    assert outcome.payload["rotations"][0]["value"] == 110


def test_an_offer_in_hand_counts_in_full_and_needs_no_application(make: Make) -> None:
    """Extension `offers`: received, not accepted. Its deadline has passed and the program
    takes no IMGs, yet the offer stands: acceptance 1, nothing to apply for."""
    row = program("a", accepts_img=False, application_deadline="2027-01-01", acceptance=0.25)
    req = {"radiology": {"min": 1, "max": 1}, "clinical": {"min": 0}, "tier_mix": False}
    assert conflict_keys(run(make([row], requirements=req))) == {"radiology.min"}
    outcome = run(make([row], requirements=req, offers=[{"program": "a", "start": "2027-06-07"}]))
    assert taken(outcome) == [("a", "2027-06-07")]
    (rotation,) = outcome.payload["rotations"]
    assert rotation["value"] == 110 and rotation["offered"] is True  # 10*5 + 12*5*5/5
    assert rotation["submit_on"] == "2027-01-15" and rotation["deadline"] is None


def test_an_offer_in_hand_is_not_forced_into_the_plan(make: Make) -> None:
    """Unlike a lock, an offer is taken only when it is worth it; only its start counts."""
    rows = [
        program("a", letter=1, audition=1, starts="2027-06-07;2027-07-05"),
        program("b", letter=9, audition=9, starts="2027-06-07"),
    ]
    req = {"radiology": {"min": 1, "max": 1}, "clinical": {"min": 0}, "tier_mix": False}
    offers = [{"program": "a", "start": "2027-07-05"}]
    outcome = run(make(rows, requirements=req, offers=offers))
    assert taken(outcome) == [("b", "2027-06-07")]
    offered = {(o.program_id, o.start.isoformat()) for o in outcome.problem.offerings}
    assert ("a", "2027-07-05") in offered and ("a", "2027-06-07") not in offered


def test_an_offer_no_plan_can_take_is_warned_about(make: Make) -> None:
    """Found by review: an offer outside the window, or on a blocked period, vanished
    silently (with the program's other starts, which the offer replaces)."""
    calendar = {
        "window": {"start": "2027-06-01", "end": "2027-12-17"},
        "blocked": [{"start": "2027-07-12", "end": "2027-07-25"}],
    }
    rows = [program("a", starts="2027-05-24;2027-07-05;2027-08-02"), program("b")]
    for start, why in (("2027-05-24", "outside the window"), ("2027-07-05", "blocked period")):
        loaded = make(rows, calendar=calendar, offers=[{"program": "a", "start": start}])
        notes = [w for w in loaded.warnings if w.startswith("offers: a at")]
        assert len(notes) == 1 and why in notes[0], loaded.warnings
        assert ("a", "2027-08-02") not in taken(run(loaded))  # only the offered start
    loaded = make(rows, calendar=calendar, offers=[{"program": "a", "start": "2027-08-02"}])
    assert not [w for w in loaded.warnings if w.startswith("offers:")]
    outcome = run(loaded)
    assert ("a", "2027-08-02") in taken(outcome)
    # No "no application deadline" caution: nothing is left to apply for.
    assert "no application deadline is known for a" not in " ".join(outcome.payload["warnings"])


def test_lock_still_obeys_blocked_periods(make: Make) -> None:
    calendar = {
        "window": {"start": "2027-06-01", "end": "2027-12-17"},
        "blocked": [{"start": "2027-06-10", "end": "2027-06-11"}],
    }
    outcome = run(
        make(
            [program("a"), program("b", starts="2027-07-05")],
            calendar=calendar,
            locks=[{"program": "a", "start": "2027-06-07"}],
        )
    )
    assert conflict_keys(outcome) == {"lock:a@2027-06-07", "blocked:0"}


@pytest.mark.parametrize(
    ("gap", "kept", "clashing"),
    [  # the lock a runs 2027-06-07..06-20
        (0, {"b@2027-06-21", "b@2027-06-22"}, {"a@2027-07-05", "b@2027-06-14"}),
        (1, {"b@2027-06-22"}, {"a@2027-07-05", "b@2027-06-14", "b@2027-06-21"}),
    ],
)
def test_offerings_that_cannot_sit_beside_a_lock_are_dropped(
    make: Make, gap: int, kept: set[str], clashing: set[str]
) -> None:
    """Another start of the locked program, or one too close to the lock, is no offering:
    it would be suggested as an application or named as a tempting alternative."""
    rows = [
        program("a", starts="2027-06-07;2027-07-05"),
        program("b", starts="2027-06-14;2027-06-21;2027-06-22", letter=9),
    ]
    calendar = {"window": {"start": "2027-06-01", "end": "2027-12-17"}, "min_gap_days": gap}
    req = {"radiology": {"min": 1, "max": 2}, "clinical": {"min": 0}, "tier_mix": False}
    loaded = make(
        rows, calendar=calendar, requirements=req, locks=[{"program": "a", "start": "2027-06-07"}]
    )
    outcome = run(loaded)
    expansion = outcome.problem.expansion
    offered = {f"{o.program_id}@{o.start}" for o in expansion.offerings}
    assert offered == {"a@2027-06-07"} | kept
    dropped = {f"{d.program_id}@{d.start}": d for d in expansion.dropped}
    assert set(dropped) == clashing
    assert all(d.reason == "clashes with an accepted offer" for d in dropped.values())
    assert "a is accepted for 2027-06-07" in dropped["a@2027-07-05"].detail
    # The plan is unchanged: the lock and the best rotation that fits beside it.
    lock, other = taken(outcome)
    assert lock == ("a", "2027-06-07") and "@".join(other) in kept


def test_two_clashing_locks_stay_and_are_named(make: Make) -> None:
    rows = [program("a"), program("b", starts="2027-06-14")]
    locks = [{"program": "a", "start": "2027-06-07"}, {"program": "b", "start": "2027-06-14"}]
    outcome = run(make(rows, locks=locks))
    assert conflict_keys(outcome) == {"lock:a@2027-06-07", "lock:b@2027-06-14"}


@pytest.mark.parametrize(
    ("row", "rule"),
    [
        ({"starts": "2027-12-13"}, "outside window: 2027-12-13..2027-12-26 is outside"),
        ({"specialty": "transitional"}, "transitional is not a requested specialty"),
        (  # every rule it breaks, not the first one found
            {"starts": "2027-12-13", "specialty": "transitional"},
            "specialty not requested: transitional is not a requested specialty; outside "
            "window: 2027-12-13..2027-12-26 is outside",
        ),
    ],
)
def test_a_lock_that_breaks_a_rule_by_itself_names_that_rule(
    make: Make, row: dict[str, str], rule: str
) -> None:
    locked = program("a", **row)
    start = locked["starts"]
    outcome = run(make([locked, program("b")], locks=[{"program": "a", "start": start}]))
    assert conflict_keys(outcome) == {f"lock:a@{start}"}
    assert "which breaks by itself: " in outcome.payload["why"] and rule in outcome.payload["why"]


def test_exclude(make: Make) -> None:
    rows = [program("a", letter=10), program("b", starts="2027-07-05", letter=1)]
    req = {"radiology": {"min": 1, "max": 1}, "clinical": {"min": 0}, "tier_mix": False}
    assert taken(run(make(rows, requirements=req))) == [("a", "2027-06-07")]
    assert taken(run(make(rows, requirements=req, exclude=["a"]))) == [("b", "2027-07-05")]
    outcome = run(make(rows[:1], requirements=req, exclude=["a"]))
    assert outcome.result.status == "infeasible"


@pytest.mark.parametrize(
    ("student", "third_letter", "expected"),
    [
        # strong: penalty 40; a third rotation worth 10*L is taken only if 10*L > 40.
        ({"step2ck": 250, "us_clinical_weeks": 8}, 5, 3),
        ({"step2ck": 250, "us_clinical_weeks": 8}, 3, 2),
        # challenged: penalty 15, letter weight 12; 12*2 = 24 > 15.
        ({"step2ck": 230, "us_clinical_weeks": 0}, 2, 3),
        ({"step2ck": 230, "us_clinical_weeks": 0}, 1, 2),
    ],
)
def test_third_radiology_pays_only_above_the_penalty(
    make: Make, student: dict[str, int], third_letter: int, expected: int
) -> None:
    rows = [
        program("r1", audition=0),
        program("r2", audition=0, starts="2027-07-05"),
        program("r3", audition=0, letter=third_letter, starts="2027-08-02"),
    ]
    req = {"radiology": {"min": 2, "max": 3}, "clinical": {"min": 0}, "tier_mix": False}
    outcome = run(make(rows, requirements=req, student={**BASE["student"], **student}))
    assert len(taken(outcome)) == expected


def test_affordable_location(make: Make) -> None:
    # Housing 300/week is affordable at a 300 threshold, not at 299.
    req = {"radiology": {"min": 1}, "clinical": {"min": 0}, "tier_mix": False}
    outcome = run(make([program("a")], requirements={**req, "affordable_housing_per_week": 300}))
    assert outcome.result.has_plan
    outcome = run(make([program("a")], requirements={**req, "affordable_housing_per_week": 299}))
    assert conflict_keys(outcome) == {"affordable_housing_per_week", "radiology.min"}


def test_high_cost_rest_days(make: Make) -> None:
    # Both rotations cost 300/week housing, above a 200 threshold; a ends 06-20.
    rows = [
        program("a"),
        program("b", starts="2027-06-28"),
        program("c", housing_per_week=100, starts="2027-08-02"),
    ]
    req = {
        "radiology": {"min": 3},
        "clinical": {"min": 0},
        "tier_mix": False,
        "affordable_housing_per_week": 200,
    }
    assert len(taken(run(make(rows, requirements={**req, "high_cost_rest_days": 7})))) == 3
    outcome = run(make(rows, requirements={**req, "high_cost_rest_days": 8}))
    assert "high_cost_rest_days" in conflict_keys(outcome)
    assert outcome.conflict is not None
    repair = next(r for r in outcome.conflict.repairs if r.rule == "high_cost_rest_days")
    assert repair.change == "shorten high_cost_rest_days from 8 to 7"


@pytest.mark.parametrize(
    ("start", "value"),
    [
        ("2027-08-22", 110),  # ends 09-04: 09-04 + 21 days = ERAS 09-25, the letter is ready
        ("2027-08-23", 55),  # ends 09-05: one day late, counted at late_factor 0.5
    ],
)
def test_letter_ready_exactly_letter_lead_days_before_eras_counts_in_full(
    make: Make, start: str, value: int
) -> None:
    req = {"radiology": {"min": 1}, "clinical": {"min": 0}, "tier_mix": False}
    loaded = make([program("a", starts=start)], requirements=req)
    outcome = run(loaded)
    # 10*5 + 12*5*5/5 = 110 with the strong weights, acceptance 1.
    assert outcome.payload["rotations"][0]["value"] == value
    # The independent checker draws the same line: the other value is a violation.
    wrong = {**outcome.payload, "objective": 165 - value}
    wrong["rotations"] = [{**outcome.payload["rotations"][0], "value": 165 - value}]
    assert check_plan(loaded, outcome.payload).ok
    assert "value" in check_plan(loaded, wrong).rules()


def test_a_start_ruled_out_by_apply_by_start_is_not_called_past_its_deadline(
    make: Make,
) -> None:
    """Found by review: with requirements.apply_by_start, a start before the application
    was counted "past deadline", even for a program with no deadline at all."""
    from rotation_solver.offerings import DropReason, expand

    rows = [
        program("undated", starts="2027-06-07;2027-08-02", application_opens="2027-07-01"),
        program("dated", application_deadline="2027-01-10"),  # before the planning date
    ]
    requirements = {**BASE["requirements"], "apply_by_start": True}
    dropped = {
        (d.program_id, str(d.start)): d.reason
        for d in expand(make(rows, requirements=requirements)).dropped
    }
    assert dropped == {
        ("undated", "2027-06-07"): DropReason.AFTER_START,
        ("dated", "2027-06-07"): DropReason.PAST_DEADLINE,
    }
