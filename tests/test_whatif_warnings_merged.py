"""`compare` and `frontier` give a caution that differs between plans only by the
programs it names as one line: the undated-deadline and the offers-in-hand cautions."""

from __future__ import annotations

from typing import Any

from rotation_solver.advice import offers_pending_advice, undated_warning
from rotation_solver.whatif.report import plan_warnings_by_budget


def _pending(ids: str, plural: bool) -> str:
    its, does = ("their", "they do") if plural else ("its", "it does")
    return (
        f"offers in hand: this plan counts {ids} at {its} chance of an offer, with nothing "
        f"to fall back on if {does} not come. {offers_pending_advice()}"
    )


def _frontier(*plans: tuple[int, list[str]]) -> dict[str, Any]:
    return {"points": [{"total_cost": cost, "warnings": w} for cost, w in plans]}


def test_programs_with_no_deadline_are_named_once_for_every_plan_holding_any() -> None:
    payload = _frontier(
        (4000, [undated_warning("im-b, rad-a", False), "burn-out"]),
        (5000, [undated_warning("rad-a", False)]),
        (6000, ["burn-out"]),
        (7000, [undated_warning("em-c", False)]),
    )
    assert plan_warnings_by_budget(payload) == [
        "in the plans costing $4,000, $5,000, $7,000: "
        + undated_warning("em-c, im-b, rad-a", False),
        "in the plans costing $4,000, $6,000: burn-out",
    ]


def test_one_undated_warning_is_left_as_it_is() -> None:
    payload = {
        "rows": [{"budget": b, "warnings": [undated_warning("rad-a", True)]} for b in (1, 2)]
    }
    assert plan_warnings_by_budget(payload) == [
        "at budgets $1, $2: " + undated_warning("rad-a", True)
    ]


def test_the_offers_caution_names_each_plans_rotations_and_advises_once() -> None:
    payload = _frontier(
        (4000, [_pending("im-b, rad-a", True)]),
        (5000, [_pending("em-c", False)]),
        (6000, [_pending("em-c", False)]),
    )
    (line,) = plan_warnings_by_budget(payload)
    assert line.startswith(
        "offers in hand: these plans count rotations at their chance of an offer, with "
        "nothing to fall back on if they do not come (in the plan costing $4,000: im-b, "
        "rad-a; in the plans costing $5,000, $6,000: em-c). "
    )
    assert line.endswith(offers_pending_advice("these plans"))
    assert line.count("rotation-solver apply") == 1


def test_one_offers_caution_keeps_its_own_wording() -> None:
    payload = {"rows": [{"budget": 9000, "warnings": [_pending("rad-a", False)]}]}
    assert plan_warnings_by_budget(payload) == ["at budget $9,000: " + _pending("rad-a", False)]
