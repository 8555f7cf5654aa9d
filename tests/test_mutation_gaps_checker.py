"""Tests that kill checker mutants which survived the project's own checker tests.

Each test names the mutant it kills (ids as in the mutation review). They use only
public functions (`check_plan`, `checked_rotations`, `load_scenario`) and the project's
own test helpers and hand-worked plans (tests/test_checker.py, tests/conftest.py).

Found by a mutation review of the checker (130 mutants, 19 real survivors).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from rotation_solver.checker import check_plan, checked_rotations
from rotation_solver.scenario import LoadedScenario, load_scenario
from tests.conftest import program, scenario_dict
from tests.random_scenarios import write_scenario
from tests.test_checker import (
    BASE_PLAN,
    IC,
    RA,
    RB,
    assert_ok,
    plan,
    rules,
    scenario,
)


def tiny(
    tmp_path: Path, programs: list[dict[str, Any]], name: str = "s.yaml", **changes: Any
) -> LoadedScenario:
    """tests/conftest.py's tiny synthetic scenario (IMG, strong, default value model)."""
    return load_scenario(write_scenario(tmp_path, scenario_dict(programs, **changes), name))


def score(*rows: tuple[str, str]) -> dict[str, Any]:
    return {"rotations": [{"program_id": pid, "start": start} for pid, start in rows]}


# -- M06: the IMG surcharge is for school_type img only, not for every non-MD school ---


def test_no_img_surcharge_for_a_us_do_student(tmp_path: Path) -> None:
    # Spec 4: `+ img_surcharge if school_type == img`. A us_do student pays none:
    # rad-a 3115 - 50 = 3065, rad-b 5050 - 500 = 4550, im-c 1500 -> 9115.
    loaded = scenario(tmp_path, student={"school_type": "us_do"})
    good = plan({**RA, "cost": 3065}, {**RB, "cost": 4550}, IC, objective=221, total_cost=9115)
    assert_ok(check_plan(loaded, good))


# -- M58: a no-plan document that still lists rotations -------------------------------


def test_infeasible_listing_rotations_is_refused_even_with_null_numbers(
    tmp_path: Path,
) -> None:
    # objective and bound null, total_cost 0: only the listed rotations are wrong.
    bad = plan(RA, RB, IC, objective=None, total_cost=0, status="infeasible")
    assert bad["bound"] is None
    assert rules(check_plan(scenario(tmp_path), bad)) == {"status"}


# -- M81: a no-plan document must state null, not 0, for objective and bound -----------


def test_infeasible_with_objective_zero_is_refused(tmp_path: Path) -> None:
    bad = plan(objective=0, total_cost=0, status="infeasible")
    assert rules(check_plan(scenario(tmp_path), bad)) == {"status"}


# -- M59: rotations out of order by exactly one week --------------------------------


def test_order_is_checked_for_starts_a_week_apart(tmp_path: Path) -> None:
    # Two one-week rotations, 06-07..06-13 and 06-14..06-20: compatible, but listed
    # in the wrong order. cost 300 + 400 = 700 each; value 1*1*(10*5 + 12*5*5/5) = 110.
    loaded = tiny(
        tmp_path,
        [
            program("rad-x", weeks=1, starts="2027-06-07"),
            program("rad-y", weeks=1, starts="2027-06-14"),
        ],
    )

    def row(pid: str, start: str, end: str) -> dict[str, Any]:
        return {
            "program_id": pid,
            "program_name": f"{pid} (synthetic)",
            "specialty": "radiology",
            "tier": "target",
            "start": start,
            "end": end,
            "weeks": 1,
            "cost": 700,
            "value": 110,
            "submit_on": "2027-01-15",
            "deadline": None,
        }

    x = row("rad-x", "2027-06-07", "2027-06-13")
    y = row("rad-y", "2027-06-14", "2027-06-20")
    head = {
        "scenario": "tiny (synthetic)",
        "status": "feasible",
        "objective": 220,
        "bound": 220,
        "budget": 100000,
        "total_cost": 1400,
    }
    assert_ok(check_plan(loaded, {**head, "rotations": [x, y]}))
    assert rules(check_plan(loaded, {**head, "rotations": [y, x]})) == {"order"}


# -- M68: housing exactly at affordable_housing_per_week is not high-cost -------------


def test_housing_at_the_limit_needs_no_rest_days(tmp_path: Path) -> None:
    # Extension: "rotations above it count as high-cost". Back to back at 300 = limit.
    requirements = {
        "radiology": {"min": 1, "max": 3},
        "clinical": {"min": 0, "max": 1},
        "tier_mix": False,
        "affordable_housing_per_week": 300,
        "high_cost_rest_days": 7,
    }
    loaded = tiny(
        tmp_path,
        [
            program("rad-x", starts="2027-06-07", housing_per_week=300),
            program("rad-y", starts="2027-06-21", housing_per_week=300),
        ],
        requirements=requirements,
    )
    both = score(("rad-x", "2027-06-07"), ("rad-y", "2027-06-21"))
    assert_ok(check_plan(loaded, both, score=True))
    # ... and one dollar above the limit they are high-cost and need the rest days.
    dear = tiny(
        tmp_path,
        [
            program("rad-x", starts="2027-06-07", housing_per_week=301),
            program("rad-z", starts="2027-06-21", housing_per_week=301),
            program("rad-y", starts="2027-07-12", housing_per_week=300),
        ],
        name="dear.yaml",
        requirements=requirements,
    )
    three = score(("rad-x", "2027-06-07"), ("rad-z", "2027-06-21"), ("rad-y", "2027-07-12"))
    report = check_plan(dear, three, score=True)
    assert rules(report) == {"high_cost_rest_days"}


# -- M71: stated fractions must match to float rounding, not to a percent ------------


def test_a_stated_acceptance_off_by_half_a_percent_is_caught(tmp_path: Path) -> None:
    out = copy.deepcopy(BASE_PLAN)
    out["rotations"][0]["acceptance"] = 0.6  # rad-a's acceptance
    assert_ok(check_plan(scenario(tmp_path), out))
    out["rotations"][0]["acceptance"] = 0.605
    assert rules(check_plan(scenario(tmp_path), out)) == {"acceptance.stated"}


def test_a_stated_chance_all_offered_slightly_off_is_caught(tmp_path: Path) -> None:
    # 0.6 * 0.5 * 0.8 = 0.24
    loaded = scenario(tmp_path)
    assert_ok(check_plan(loaded, {**BASE_PLAN, "chance_all_offered": 0.24}))
    report = check_plan(loaded, {**BASE_PLAN, "chance_all_offered": 0.245})
    assert rules(report) == {"chance_all_offered"}


# -- M75: plan dates are YYYY-MM-DD only -------------------------------------------


def test_a_basic_iso_start_without_dashes_is_malformed(tmp_path: Path) -> None:
    out = copy.deepcopy(BASE_PLAN)
    out["rotations"][0]["start"] = "20270607"  # date.fromisoformat accepts it on 3.11+
    assert "malformed" in rules(check_plan(scenario(tmp_path), out))


# -- M94: a start year far outside the scenario's years -------------------------------


def test_a_start_in_year_9999_is_malformed_not_a_crash(tmp_path: Path) -> None:
    out = copy.deepcopy(BASE_PLAN)
    out["rotations"][0]["start"] = "9999-12-31"  # its end would overflow `date`
    assert "malformed" in rules(check_plan(scenario(tmp_path), out))


# -- M79: the stated value model must be the one the values were computed with -------


def test_a_stated_value_model_must_be_the_scenarios(tmp_path: Path) -> None:
    loaded = scenario(tmp_path)
    assert_ok(check_plan(loaded, {**BASE_PLAN, "value_model": loaded.value_model_name}))
    report = check_plan(loaded, {**BASE_PLAN, "value_model": "default-other"})
    assert rules(report) == {"value_model.stated"}


# -- M76 / M78: what the checker hands the independent prover ------------------------


def test_checked_rotations_leave_out_excluded_programs(tmp_path: Path) -> None:
    loaded = scenario(tmp_path, exclude=["rad-b"])
    kept, _ = checked_rotations(loaded)
    assert kept and "rad-b" not in {r.program_id for r in kept}


def test_plan_rules_budget_is_left_after_fees_already_paid(tmp_path: Path) -> None:
    loaded = scenario(tmp_path, applied=[{"program": "rad-b"}])
    assert loaded.paid_fees == 250  # rad-b's fee, paid when the application went out
    _, plan_rules = checked_rotations(loaded)
    assert plan_rules.budget_left == 10000 - 250


# -- M91: a sent application has nothing left to wait for ----------------------------


def test_a_sent_application_is_submitted_on_the_planning_date(tmp_path: Path) -> None:
    # rad-a needs bls (ready 03-01) and opens 02-01, but the application already went
    # out: its submit_on is the planning date 01-15 and it has no deadline left; its fee
    # 125 is paid (cost 3115 - 125 = 2990), and still in the total (9665).
    loaded = scenario(tmp_path, applied=[{"program": "rad-a"}])
    sent_ra = {**RA, "cost": 2990, "submit_on": "2027-01-15", "deadline": None}
    assert_ok(check_plan(loaded, plan(sent_ra, RB, IC, objective=221, total_cost=9665)))


# -- N09: order is checked along the whole list, not only its first two rows ---------


def test_a_third_rotation_listed_out_of_order_is_caught(tmp_path: Path) -> None:
    unsorted = plan(RA, IC, RB, objective=221, total_cost=9665)  # IC 08-02 before RB 07-05
    assert rules(check_plan(scenario(tmp_path), unsorted)) == {"order"}


# -- N19: a boolean is not a whole number (JSON true is not 1) -----------------------


def test_weeks_true_is_not_one_week(tmp_path: Path) -> None:
    loaded = tiny(tmp_path, [program("rad-x", weeks=1, starts="2027-06-07")])
    row = {"program_id": "rad-x", "start": "2027-06-07", "weeks": 1}
    assert_ok(check_plan(loaded, {"rotations": [row]}, score=True))
    report = check_plan(loaded, {"rotations": [{**row, "weeks": True}]}, score=True)
    assert not report.ok and rules(report) == {"weeks"}


# -- N23: an infinite bound is not a bound -------------------------------------------


def test_an_infinite_bound_is_malformed(tmp_path: Path) -> None:
    report = check_plan(scenario(tmp_path), {**BASE_PLAN, "bound": float("inf")})
    assert rules(report) == {"malformed"}


# -- N26: tier_mix's reach/target half counts radiology rotations only ----------------


def test_a_clinical_target_rotation_does_not_satisfy_tier_mix(tmp_path: Path) -> None:
    requirements = {"radiology": {"min": 1, "max": 3}, "clinical": {"min": 0, "max": 1}}
    loaded = tiny(
        tmp_path,
        [
            program("rad-s", tier="safety", starts="2027-06-07"),
            program("rad-t", tier="target", starts="2027-06-07"),
            program("im-t", specialty="internal_medicine", tier="target", starts="2027-07-05"),
        ],
        requirements=requirements,  # tier_mix defaults to true
    )
    ok = score(("rad-t", "2027-06-07"), ("im-t", "2027-07-05"))
    assert_ok(check_plan(loaded, ok, score=True))
    only_safety = score(("rad-s", "2027-06-07"), ("im-t", "2027-07-05"))
    assert rules(check_plan(loaded, only_safety, score=True)) == {"tier_mix"}


# -- N46: a scenario name is compared as shown (a saved line break is one space) -------


def test_a_plan_naming_the_scenario_with_a_line_break_matches(tmp_path: Path) -> None:
    loaded = tiny(tmp_path, [program("rad-x")], name="s.yaml")
    assert loaded.scenario.name == "tiny (synthetic)"
    row = {"program_id": "rad-x", "start": "2027-06-07"}
    named = {"scenario": "tiny\n(synthetic)", "rotations": [row]}
    assert_ok(check_plan(loaded, named, score=True))
    assert rules(check_plan(loaded, {**named, "scenario": "tiny"}, score=True)) == {"scenario"}


# -- N48: a hand-flipped `locked` flag ----------------------------------------------


def test_a_rotation_stated_locked_without_a_lock_is_caught(tmp_path: Path) -> None:
    out = copy.deepcopy(BASE_PLAN)
    out["rotations"][0]["locked"] = False
    assert_ok(check_plan(scenario(tmp_path), out))
    out["rotations"][0]["locked"] = True
    assert rules(check_plan(scenario(tmp_path), out)) == {"locked.stated"}


# -- N56: a non-list `rotations` is described in JSON's words ------------------------


def test_rotations_as_a_float_is_called_a_number(tmp_path: Path) -> None:
    report = check_plan(scenario(tmp_path), {**BASE_PLAN, "rotations": 1.5})
    assert [str(v) for v in report.violations] == [
        "[malformed] rotations must be a list, got the number 1.5"
    ]
