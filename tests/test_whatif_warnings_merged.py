"""`compare` and `frontier` give a caution that differs between plans only by the
programs it names as one line: the undated-deadline and the offers-in-hand cautions.
The programs are found from each plan's own rotations, so ids holding ", " or " at "
are named whole (found by review)."""

from __future__ import annotations

from typing import Any

import pytest

from rotation_solver.advice import (
    offers_pending_advice,
    offers_pending_warning,
    undated_warning,
)
from rotation_solver.whatif.report import plan_warnings_by_budget


def _plan(cost: int, programs: list[str], warnings: list[str]) -> dict[str, Any]:
    return {
        "total_cost": cost,
        "rotations": [{"program_id": p} for p in programs],
        "warnings": warnings,
    }


def test_programs_with_no_deadline_are_named_once_for_every_plan_holding_any() -> None:
    payload = {
        "points": [
            _plan(
                4000, ["im-b", "rad-a", "x"], [undated_warning(["im-b", "rad-a"], False), "burn"]
            ),
            _plan(5000, ["rad-a", "x"], [undated_warning(["rad-a"], False)]),
            _plan(6000, ["x"], ["burn"]),
            _plan(7000, ["em-c"], [undated_warning(["em-c"], False)]),
        ]
    }
    undated, burn = plan_warnings_by_budget(payload)
    assert (
        undated
        == (
            "in the plans costing $4,000, $5,000, $7,000: "
            + undated_warning(["em-c", "im-b", "rad-a"], False)
            # Found by review: which plan holds which program.
            + " (not every plan holds them all: em-c in the plan costing $7,000; im-b in the "
            "plan costing $4,000; rad-a in the plans costing $4,000, $5,000)"
        )
    )
    assert burn == "in the plans costing $4,000, $6,000: burn"


@pytest.mark.parametrize("odd", ["z, a", "rad at home", "q: planned as if"])
def test_ids_with_separators_are_named_whole(odd: str) -> None:
    payload = {
        "points": [
            _plan(1000, [odd, "m"], [undated_warning([odd], False), offers_pending_warning([odd])]),
            _plan(2000, ["m", odd], [undated_warning(sorted(["m", odd]), False),
                                     offers_pending_warning(sorted(["m", odd]))]),
        ]
    }  # fmt: skip
    undated, pending = plan_warnings_by_budget(payload)
    both = ", ".join(sorted(["m", odd]))
    assert undated.startswith(
        "in the plans costing $1,000, $2,000: " + undated_warning(sorted(["m", odd]), False)
    )
    assert f"(in the plan costing $1,000: {odd}; in the plan costing $2,000: {both})" in pending


def test_one_undated_warning_or_two_kinds_of_deadline_rule_are_left_as_they_are() -> None:
    same = {"rows": [{"budget": b, "rotations": [{"program_id": "rad-a"}],
                      "warnings": [undated_warning(["rad-a"], True)]} for b in (1, 2)]}  # fmt: skip
    assert plan_warnings_by_budget(same) == [
        "at budgets $1, $2: " + undated_warning(["rad-a"], True)
    ]


def test_the_offers_caution_names_each_plans_rotations_and_advises_once() -> None:
    payload = {
        "points": [
            _plan(4000, ["im-b", "off", "rad-a"], [offers_pending_warning(["im-b", "rad-a"])]),
            _plan(5000, ["em-c", "off"], [offers_pending_warning(["em-c"])]),
            _plan(6000, ["em-c", "off"], [offers_pending_warning(["em-c"])]),
        ]
    }
    (line,) = plan_warnings_by_budget(payload)
    assert line.startswith(
        "offers in hand: these plans count rotations at their chance of an offer, with "
        "nothing to fall back on if they do not come (in the plan costing $4,000: im-b, "
        "rad-a; in the plans costing $5,000, $6,000: em-c). "
    )
    assert line.endswith(offers_pending_advice("these plans"))
    assert line.count("rotation-solver apply") == 1


def test_one_offers_caution_keeps_its_own_wording() -> None:
    warning = offers_pending_warning(["rad-a"])
    payload = {"rows": [{"budget": 9000, "rotations": [{"program_id": "rad-a"}],
                         "warnings": [warning]}]}  # fmt: skip
    assert plan_warnings_by_budget(payload) == ["at budget $9,000: " + warning]


# -- from a mutation review of the merge ---------------------------------------------------


def test_two_kinds_of_deadline_rule_are_left_apart() -> None:
    """An undated warning reads differently with requirements.apply_by_start; merged they
    would say one of them wrongly (kills dropping the "same rule" check)."""
    payload = {"points": [_plan(1, ["a"], [undated_warning(["a"], False)]),
                          _plan(2, ["b"], [undated_warning(["b"], True)])]}  # fmt: skip
    assert plan_warnings_by_budget(payload) == [
        "in the plan costing $1: " + undated_warning(["a"], False),
        "in the plan costing $2: " + undated_warning(["b"], True),
    ]


def test_undated_warnings_with_apply_by_start_merge_in_their_own_words() -> None:
    payload = {"points": [_plan(1, ["a"], [undated_warning(["a"], True)]),
                          _plan(2, ["b"], [undated_warning(["b"], True)])]}  # fmt: skip
    assert plan_warnings_by_budget(payload) == [
        "in the plans costing $1, $2: "
        + undated_warning(["a", "b"], True)
        + " (not every plan holds them all: a in the plan costing $1; b in the plan costing $2)"
    ]


def test_merged_amounts_are_in_numeric_order() -> None:
    payload = {"points": [_plan(900, ["a"], [undated_warning(["a"], False)]),
                          _plan(1200, ["b"], [undated_warning(["b"], False)])]}  # fmt: skip
    (line,) = plan_warnings_by_budget(payload)
    assert line.startswith(
        "in the plans costing $900, $1,200: " + undated_warning(["a", "b"], False)
    )


def test_a_merged_line_takes_the_place_of_its_first_warning() -> None:
    payload = {"points": [_plan(1, ["a"], [offers_pending_warning(["a"])]),
                          _plan(2, ["b"], ["burn", offers_pending_warning(["b"])])]}  # fmt: skip
    merged, burn = plan_warnings_by_budget(payload)
    assert merged.startswith("offers in hand: these plans") and burn.endswith(": burn")


def test_a_plans_rotations_in_date_order_are_found_in_id_order() -> None:
    payload = {"points": [_plan(1, ["z", "a"], [offers_pending_warning(["a", "z"])]),
                          _plan(2, ["b"], [offers_pending_warning(["b"])])]}  # fmt: skip
    (line,) = plan_warnings_by_budget(payload)
    assert "(in the plan costing $1: a, z; in the plan costing $2: b)" in line


def test_the_offers_caution_agrees_in_number() -> None:
    assert "counts a at its chance of an offer, with nothing to fall back on if it does not" in (
        offers_pending_warning(["a"])
    )
    assert "counts a, b at their chance of an offer, with nothing to fall back on if they do" in (
        offers_pending_warning(["a", "b"])
    )


def test_a_warning_about_every_plan_says_so() -> None:
    """Found by review: a locked rotation's interview-season warning, true of every plan
    on the frontier, listed nine plan costs."""

    def point(cost: int, warnings: list[str]) -> dict[str, Any]:
        return {**_plan(cost, ["rad-a"], warnings), "objective": cost // 100}

    payload = {
        "points": [point(c, ["late", *(["dear"] if c > 4000 else [])]) for c in (4000, 5000, 6000)]
    }
    assert plan_warnings_by_budget(payload) == [
        "in every plan: late",
        "in the plans costing $5,000, $6,000: dear",
    ]
    rows = {"rows": [{**point(c, ["late"]), "budget": c} for c in (4000, 5000, 6000)]}
    rows["rows"].append({"budget": 3000, "objective": None, "rotations": [], "warnings": []})
    assert plan_warnings_by_budget(rows) == ["at every budget with a plan: late"]
    # Two plans are named, not "every".
    assert plan_warnings_by_budget({"points": payload["points"][:2]})[0].startswith(
        "in the plans costing $4,000, $5,000"
    )
