"""Inputs from a mutation review: each one tells a rule's code from a one-line mutant of it
that no other test caught (a boundary, a default of spec section 5, a value model that is
not the default). The mutant each case kills is named beside it. Inputs are in
`tests/data/mutation_gaps/`, each a small scenario with its programs inline.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rotation_solver.checker import check_plan
from rotation_solver.cli import cli
from rotation_solver.errors import InputError
from rotation_solver.offerings import DropReason, expand
from rotation_solver.planner import plan_scenario
from rotation_solver.scenario import LoadedScenario, load_scenario
from rotation_solver.solve import SolveOptions

GAPS = Path(__file__).parent / "data" / "mutation_gaps"
ONE_WORKER = SolveOptions(workers=1, seed=0, time_limit=30)


def load(case: str) -> LoadedScenario:
    return load_scenario(GAPS / case / "scenario.yaml")


@pytest.mark.parametrize(
    ("case", "rules", "objective"),
    [
        # checker.py, default radiology.max 3 (section 5); mutant: 4
        ("C03_radiology_max_default", {"radiology.max"}, 360),
        # default max_rotations 4; mutant: 5
        ("C07_max_rotations_default", {"max_rotations"}, 350),
        # a start on a blocked period's last day touches it; mutant: start < end
        ("C34_blocked_ends_on_start", {"blocked"}, 220),
        # B starting on A's last day overlaps (not "-1 free days"); mutant: start < end
        ("C41_one_day_overlap", {"overlap"}, 220),
        # tier_mix holds from one radiology rotation; mutant: from two
        ("C54_tier_mix_one_radiology", {"tier_mix"}, 140),
        # a lock's end stays stated; mutant: a lock may state end null
        ("C60_lock_end_null", {"end"}, 220),
        # two starts of one program also overlap; mutant: same program skipped
        ("C64_same_program_overlap", {"one_per_program", "overlap"}, 290),
        # high_cost_rest_days counts free days; mutant: one day short
        ("C67_high_cost_rest_days_one_short", {"high_cost_rest_days"}, 290),
        # clinical.specialties: [] allows none; mutant: [] means the defaults
        ("C72_empty_clinical_specialties", {"specialty"}, 140),
        # the value model's late_factor and letter_lead_days; mutants: 0.5 and 21
        ("C70_C71_custom_timing", set(), 138),
        # the value model's strong_step2ck; mutant: 240
        ("C73_custom_strong_step2ck", set(), 100),
        # a value model without profile or timing takes section 6's; mutants: 20, 0.6, 241
        ("S20_S21_S22_value_model_without_profile_timing", set(), 55),
    ],
)
def test_the_checker_tells_the_rule_from_its_mutant(
    case: str, rules: set[str], objective: int
) -> None:
    plan = json.loads((GAPS / case / "plan.json").read_text(encoding="utf-8"))
    report = check_plan(load(case), plan, score=not plan.get("status"))
    assert report.rules() == rules, [str(v) for v in report.violations]
    assert report.objective == objective


def test_an_optimal_plan_needs_a_bound() -> None:
    """Section 7; mutant: the check skipped."""
    case = "C69_optimal_with_null_bound"
    plan = json.loads((GAPS / case / "plan.json").read_text(encoding="utf-8"))
    assert plan["status"] == "optimal" and plan["bound"] is None
    assert not check_plan(load(case), plan).ok


@pytest.mark.parametrize(
    ("case", "objective", "rotations"),
    [
        # an offering costing exactly the budget is a candidate; mutant: cost < budget
        ("M09_offering_costing_exactly_the_budget", 110, 1),
        # the model may choose four radiology rotations; mutant: at most one extra
        ("M27_four_radiology_rotations", 360, 4),
        # step2ck 240 and 4 U.S. weeks are strong (inclusive); mutants: >
        ("O31_O32_strong_threshold_inclusive", 220, 2),
    ],
)
def test_the_planner_tells_the_rule_from_its_mutant(
    case: str, objective: int, rotations: int
) -> None:
    loaded = load(case)
    result = plan_scenario(loaded, ONE_WORKER).result
    assert result.status == "optimal"
    assert result.objective == objective and len(result.rotations) == rotations


def test_the_strong_thresholds_are_inclusive_in_the_expansion() -> None:
    assert expand(load("O31_O32_strong_threshold_inclusive")).profile == "strong"


def test_an_offering_ending_min_gap_days_before_a_lock_clashes() -> None:
    """offerings.py; mutant: lock.start >= end + gap (the mirror case was tested)."""
    expansion = expand(load("O26_lock_clash_offering_before_lock"))
    dropped = {(d.program_id, str(d.start)): d.reason for d in expansion.dropped}
    assert dropped == {("x", "2027-06-21"): DropReason.LOCK_CLASH}


def test_opening_on_the_deadline_with_late_documents_is_documents_late() -> None:
    """Not "past deadline": the diagnosis then names the document and its repair;
    mutant: submit >= last day."""
    expansion = expand(load("O37_opens_on_deadline_documents_late"))
    dropped = {(d.program_id, str(d.start)): d.reason for d in expansion.dropped}
    assert dropped == {("r0", "2027-06-07"): DropReason.DOCUMENTS_LATE}


def test_the_diagnosis_with_a_gap_blames_only_the_count() -> None:
    """Physical overlaps stay forbidden when min_gap_days is lifted; mutant: the overlap
    cliques dropped from the guarded model, which then blamed min_gap_days too."""
    scenario = GAPS / "M32_diagnosis_physical_overlap_with_gap" / "scenario.yaml"
    result = CliRunner().invoke(cli, ["solve", str(scenario), "--workers", "1", "--seed", "0"])
    assert result.exit_code == 3, result.output
    assert "(radiology.min)" in result.stdout
    assert "min_gap_days" not in result.stdout


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("S10_step2ck_199", "student.step2ck: expected 200 or more (got 199)"),
        ("S11_step2ck_301", "student.step2ck: expected at most 300 (got 301)"),
        ("S13_weeks_0", "programs[0].weeks: expected 1 or more (got 0)"),
        ("S17_radiology_min_above_max", "requirements.radiology"),
        ("S19_window_end_day_before_start", "calendar.window: end 2027-06-01 is before start"),
        ("S23_min_gap_days_negative", "calendar.min_gap_days: expected 0 or more (got -1)"),
        (
            "S24_deadline_weeks_negative",
            "programs[0].deadline_weeks_before_start: expected 0 or more (got -1)",
        ),
    ],
)
def test_a_bound_of_the_schema_is_where_the_spec_puts_it(case: str, field: str) -> None:
    with pytest.raises(InputError) as error:
        load(case)
    assert field in str(error.value)


def test_an_outcome_payload_keeps_the_locks_and_their_fees() -> None:
    """portfolio/apply.py `outcome_payload`, with a lock (fee 100) that is the whole plan in
    every outcome; mutants: the lock's fee left in the outcome's budget (400, not 300),
    and a plan of locks alone reported with no rotations beside objective 110."""
    from rotation_solver.portfolio import outcome_payload
    from rotation_solver.portfolio.candidates import build_portfolio_problem
    from rotation_solver.portfolio.outcomes import evaluate

    problem = build_portfolio_problem(load("AP06_AP07_outcome_payload_with_lock"))
    table = evaluate(problem, range(len(problem.candidates)))
    for mask in range(len(table.value)):
        _, payload = outcome_payload(problem, table, mask)
        assert payload["objective"] == 110 and payload["budget"] == 300
        assert [r["program_id"] for r in payload["rotations"]] == ["r0"]
