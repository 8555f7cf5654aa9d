"""Sentences a code review found false or broken on inputs it built: each test is such
an input, and fails on the wording before the fix."""

from __future__ import annotations

from fractions import Fraction

import pytest

from rotation_solver.planner import plan_scenario
from rotation_solver.portfolio.summary import portfolio_warnings
from rotation_solver.render import explanation_lines, render_markdown
from rotation_solver.solve import SolveOptions
from rotation_solver.words import percent_as_written, with_article
from tests.conftest import program

ONE_WORKER = SolveOptions(workers=1, time_limit=20)


def _explained(loaded):  # type: ignore[no-untyped-def]
    outcome = plan_scenario(loaded, ONE_WORKER, explain=True)
    return outcome.payload


def test_a_third_radiology_rotation_held_by_a_lock_is_not_called_worth_its_penalty(
    make,
) -> None:
    """Three accepted radiology offers, the third worth less than the penalty of 40: it is
    in the plan because it is accepted, not because it is worth it."""
    rows = [
        program("rad-a", starts="2027-06-07", letter=9, audition=9),
        program("rad-b", starts="2027-07-05", letter=9, audition=9),
        program("rad-weak", starts="2027-08-02", letter=1, audition=1, interest=1),
    ]
    locks = [
        {"program": "rad-a", "start": "2027-06-07"},
        {"program": "rad-b", "start": "2027-07-05"},
        {"program": "rad-weak", "start": "2027-08-02"},
    ]
    payload = _explained(make(rows, locks=locks))
    weak = next(r for r in payload["rotations"] if r["program_id"] == "rad-weak")
    assert weak["value"] < 40
    rules = " ".join(payload["explanation"]["binding_rules"])
    assert "worth its penalty" not in rules
    assert (
        "the accepted offers (rad-a, rad-b and rad-weak) are 3 radiology rotations, each "
        "beyond two paying the penalty of 40"
    ) in rules


def test_two_radiology_rotations_beyond_two_are_not_called_a_third(make) -> None:
    """Four radiology rotations pay the penalty twice: "minus 80 for a third" was wrong."""
    rows = [
        program(f"rad-{i}", starts=start, letter=9, audition=9)
        for i, start in enumerate(["2027-06-07", "2027-07-05", "2027-08-02", "2027-09-06"])
    ]
    requirements = {"radiology": {"min": 1, "max": 4}, "clinical": {"min": 0, "max": 0}}
    loaded = make(rows, requirements={**requirements, "max_rotations": 4, "tier_mix": False})
    payload = _explained(loaded)
    assert len(payload["rotations"]) == 4
    explanation = payload["explanation"]
    assert explanation["extra_radiology_penalty"] == 80
    assert explanation["radiology_beyond_two"] == 2
    lines = " ".join(explanation_lines(explanation))
    assert "minus 80 for 2 radiology rotations beyond two, 40 each" in lines
    assert "each of the 2 radiology rotations beyond two is worth its penalty of 40" in lines
    report = " ".join(render_markdown(payload).split())
    assert "minus 80 for 2 radiology rotations beyond two, 40 each" in report
    assert "a third" not in report.split("Objective =")[1][:120]


@pytest.mark.parametrize(
    ("chance", "written"),
    [
        (0.499, "49.9%"),
        (0.004, "0.4%"),
        (0.45, "45%"),
        (Fraction(1, 3), "33.33%"),
        (0.99996, "99.996%"),  # not 100% for less than certain
        (0.00004, "0.004%"),  # not 0% for something
    ],
)
def test_a_chance_is_shown_without_rounding_it_away(chance: float, written: str) -> None:
    assert percent_as_written(chance) == written


def test_the_under_half_warning_does_not_round_its_chance_to_half(make) -> None:
    rows = [
        program("rad-a", starts="2027-06-07", letter=9, audition=9),
        program("surg-only", specialty="surgery", starts="2027-08-02", acceptance=0.499),
    ]
    loaded = make(
        rows,
        requirements={
            "radiology": {"min": 1, "max": 3},
            "clinical": {"min": 1, "max": 1},
            "tier_mix": False,
        },
    )
    warnings = " ".join(_explained(loaded)["warnings"])
    assert "is under half (surg-only 49.9%)" in warnings


@pytest.mark.parametrize(
    ("share", "said"),
    [
        ("8%", "an 8%"),
        ("11%", "an 11%"),
        ("18%", "an 18%"),
        ("83%", "an 83%"),
        ("1%", "a 1%"),
        ("31%", "a 31%"),
        ("less than 1%", "a less than 1%"),
        ("100%", "a 100%"),
    ],
)
def test_the_article_is_as_the_share_is_read_aloud(share: str, said: str) -> None:
    assert with_article(share) == said


def test_the_no_plan_advice_names_the_scenarios_clinical_specialties_and_one_program() -> None:
    """Surgery alone, one program to apply to: not "medicine, surgery, emergency
    medicine", not "all 1 programs", not "1 of 10 applications are used"."""
    (warning,) = [
        w
        for w in portfolio_warnings(
            10,
            0.5,
            1,
            1,
            short_of={"clinical": 0.5},
            clinical_specialties=("surgery",),
        )
        if "no plan" in w
    ]
    assert "more clinical programs (surgery) in the catalog" in warning
    # Found by a student's review: "can be applied to" where others only cost too much.
    assert "The one program with a rotation the budget can pay for is in the portfolio" in warning
    (used,) = [w for w in portfolio_warnings(10, 0.5, 1, 3, enumerated=True) if "no plan" in w]
    assert "1 of 10 applications is used" in used


def test_the_guides_count_of_applications_is_not_asked_of_a_kind_the_locks_fill() -> None:
    """Found by review: radiology filled by accepted offers, one clinical rotation to go,
    and "only 3 programs can be applied to: the guide suggests applying to 6-10"."""
    assert any("only 3 programs" in w for w in portfolio_warnings(10, 0.0, 2, 3))
    assert not any(
        "only 3 programs" in w for w in portfolio_warnings(10, 0.0, 2, 3, filled_by_locks=True)
    )


def test_an_offering_over_an_accepted_offer_is_said_to_overlap_it(make) -> None:
    """Found by an advisor's review: "too close to the accepted im-derbyfield" for a
    start whose dates overlap it outright."""
    from rotation_solver.problem import build_problem

    rows = [
        program("rad-a", starts="2027-06-07;2027-06-21", weeks=4),
        program("rad-lock", starts="2027-06-14", weeks=2),
    ]
    loaded = make(
        rows,
        locks=[{"program": "rad-lock", "start": "2027-06-14"}],
        calendar={"window": {"start": "2027-06-01", "end": "2027-12-17"}, "min_gap_days": 7},
    )
    details = {
        (d.program_id, d.start.isoformat()): d.detail
        for d in build_problem(loaded).expansion.dropped
    }
    assert details[("rad-a", "2027-06-07")].startswith("overlaps the accepted rad-lock")
    assert "min_gap_days" not in details[("rad-a", "2027-06-07")]


def test_the_fee_note_never_says_enough_for_about_0() -> None:
    from rotation_solver.render import apply_note

    other = {"more": [0, 3], "others": 9, "median_fee": 75, "fees": [0, 225], "left": 40}
    payload = {"rotations": [], "other_applications": {**other, "affordable": 0}}
    note = apply_note(payload)
    assert "about 0" not in note
    assert "not enough for them" in note
