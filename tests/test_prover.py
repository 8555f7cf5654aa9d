"""The independent prover (the checker's rules as a MILP, solved by SCIP) agrees with an
exhaustive search and with CP-SAT, and `check` holds the model up against it: found by
review, a model bug planted in a copy was confirmed by `check`, which re-proved claims
with the model alone."""

from __future__ import annotations

import dataclasses
import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rotation_solver.checker import Violation, check_plan
from rotation_solver.cli import cli
from rotation_solver.planner import plan_scenario
from rotation_solver.prover import prove
from rotation_solver.scenario import LoadedScenario, load_scenario
from rotation_solver.solve import SolveOptions
from tests.brute_force import best_plans
from tests.conftest import SCENARIOS
from tests.random_scenarios import random_scenario, write_scenario

ONE_WORKER = SolveOptions(workers=1, time_limit=30)
SHIPPED = [
    "example",
    "tight-budget",
    "challenged-home",
    "infeasible",
    "offers-in-hand",
    "applications-sent",
    "national",
]


def _plan_of(proof_plan: Any) -> dict[str, Any]:
    return {"rotations": [{"program_id": r.program_id, "start": str(r.start)} for r in proof_plan]}


@pytest.mark.parametrize("seed", range(60))
def test_the_prover_matches_exhaustive_search(tmp_path: Path, seed: int) -> None:
    loaded = load_scenario(write_scenario(tmp_path, random_scenario(random.Random(seed))))
    proof = prove(loaded)
    best = best_plans(loaded)
    if best.objective is None:
        assert proof.status == "infeasible"
        return
    assert (proof.status, proof.objective) == ("optimal", best.objective)
    chosen = tuple((r.program_id, r.start) for r in proof.plan)
    assert chosen in best.plans
    # Its plan meets every rule by the checker, and the objective is the checker's.
    report = check_plan(loaded, _plan_of(proof.plan), score=True)
    assert report.ok and report.objective == proof.objective


@pytest.mark.parametrize("name", SHIPPED)
def test_the_prover_matches_cp_sat_on_the_shipped_scenarios(name: str) -> None:
    loaded = load_scenario(SCENARIOS / name / "scenario.yaml")
    proof = prove(loaded)
    result = plan_scenario(loaded, ONE_WORKER, diagnose=False, name_conflict=False).result
    assert (proof.status, proof.objective) == (result.status, result.objective)


def _planted_window_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    """The review's planted bug, as the model would see it: a rotation may not end on
    calendar.window.end (an exclusive bound), so CP-SAT misses such plans."""
    import rotation_solver.cli.plan as cli_plan

    real = cli_plan.plan_scenario

    def buggy(loaded: LoadedScenario, *args: Any, **kwargs: Any) -> Any:
        window = loaded.scenario.calendar.window
        shrunk = window.model_copy(update={"end": window.end - timedelta(days=1)})
        calendar = loaded.scenario.calendar.model_copy(update={"window": shrunk})
        scenario = loaded.scenario.model_copy(update={"calendar": calendar})
        return real(dataclasses.replace(loaded, scenario=scenario), *args, **kwargs)

    monkeypatch.setattr(cli_plan, "plan_scenario", buggy)


def _window_end_scenario(tmp_path: Path) -> Path:
    """One radiology rotation, which ends on window.end: the only plan."""
    rows = [
        {
            "id": "rad-last", "name": "Last (synthetic)", "specialty": "radiology",
            "tier": "target", "img_friendly": True, "accepts_img": True,
            "starts": "2027-10-04", "weeks": 4, "application_opens": "2027-01-01",
            "housing_per_week": 100, "travel": 100, "letter": 8, "audition": 6,
            "interest": 4, "acceptance": 0.5,
        }
    ]  # fmt: skip
    data = {
        "version": 1, "name": "window end (synthetic)", "planning_date": "2027-01-15",
        "eras_submission": "2027-09-25", "budget": 9000,
        "student": {"school_type": "us_md", "us_clinical_weeks": 8,
                    "radiology_exposure": "none"},
        "calendar": {"window": {"start": "2027-06-01", "end": "2027-10-31"}},
        "requirements": {"radiology": {"min": 1, "max": 1}, "clinical": {"min": 0}},
        "programs": rows,
    }  # fmt: skip
    return write_scenario(tmp_path, data)


def test_a_planted_model_bug_is_caught_by_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _window_end_scenario(tmp_path)
    runner = CliRunner()
    solved = runner.invoke(cli, ["solve", str(path), "--workers", "1", "--format", "json"])
    assert solved.exit_code == 0 and json.loads(solved.stdout)["objective"] == 34
    # The document a buggy model would write: no plan.
    no_plan = {
        "scenario": "window end (synthetic)", "status": "infeasible", "objective": None,
        "bound": None, "budget": 9000, "total_cost": 0, "rotations": [],
        "why": "no plan meets every rule",
    }  # fmt: skip
    document = tmp_path / "no-plan.json"
    document.write_text(json.dumps(no_plan), encoding="utf-8")
    # The true model refutes it, and so does the prover.
    result = runner.invoke(cli, ["check", str(path), str(document), "--workers", "1"])
    assert result.exit_code == 1
    assert "a plan exists: objective 34" in result.output and "independent MILP" in result.output
    # With the model broken, the two disagree: a bug (exit 70), never "valid".
    _planted_window_bug(monkeypatch)
    result = runner.invoke(cli, ["check", str(path), str(document), "--workers", "1"])
    assert result.exit_code == 70, result.output
    assert "CP-SAT proves infeasible, the independent MILP optimal 34" in result.output
    plan = tmp_path / "plan.json"
    plan.write_text(solved.stdout, encoding="utf-8")
    result = runner.invoke(cli, ["check", str(path), str(plan), "--prove", "--workers", "1"])
    assert result.exit_code == 70 and "the model and the checker's rules disagree" in result.output


def test_a_plan_the_checker_refuses_is_cut_off_and_the_next_best_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SCIP's floating-point tolerances could pass a plan a few dollars over a budget in
    the millions (a review's worry): each plan it returns is judged by the checker, and a
    refused one is cut off. Here the checker is made to refuse the first plan: the proof
    is then the best of the other plans, as an exhaustive search finds it."""
    import rotation_solver.prover as prover_module
    from tests.brute_force import all_plans

    loaded = load_scenario(SCENARIOS / "example" / "scenario.yaml")
    first = prove(loaded)
    assert first.status == "optimal"
    refused = {(r.program_id, r.start) for r in first.plan}
    real = prover_module.check_plan

    def refuse_the_first(at: LoadedScenario, plan: dict[str, Any], **kwargs: Any) -> Any:
        rows = {(r["program_id"], date.fromisoformat(r["start"])) for r in plan["rotations"]}
        report = real(at, plan, **kwargs)
        if rows == refused:
            return dataclasses.replace(report, violations=(Violation("budget", "refused"),))
        return report

    monkeypatch.setattr(prover_module, "check_plan", refuse_the_first)
    second = prove(loaded)
    others = [
        value
        for value, cost, plan in all_plans(loaded)
        if cost <= loaded.budget and set(plan) != refused
    ]
    assert second.status == "optimal" and second.objective == max(others)
    assert {(r.program_id, r.start) for r in second.plan} != refused


def test_the_optimum_is_proven_to_the_last_point() -> None:
    """Found by review: SCIP's default relative gap (1e-4) stopped at 38115 where the
    optimum is 38116, and `check --prove` reported a disagreement (exit 70)."""
    loaded = load_scenario(Path(__file__).parent / "data" / "prover" / "mip_gap" / "scenario.yaml")
    proof = prove(loaded)
    assert (proof.status, proof.objective) == ("optimal", 38116)
    assert best_plans(loaded).objective == 38116


def test_solve_re_proves_its_own_no_plan_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """`solve`'s "no plan" is a claim no plan can show: the prover re-proves it, and the
    plan document says by what."""
    runner = CliRunner()
    path = str(SCENARIOS / "infeasible" / "scenario.yaml")
    result = runner.invoke(cli, ["solve", path, "--workers", "1", "--format", "json"])
    assert result.exit_code == 3
    document = json.loads(result.stdout)
    assert document["no_plan_proven_by"] == (
        "CP-SAT and an independent MILP solved by SCIP on the checker's rules"
    )
    text = runner.invoke(cli, ["solve", path, "--workers", "1"])
    assert text.exit_code == 3
    assert "Proof       no plan exists: proven by CP-SAT and an independent MILP" in text.stdout
    # A prover out of time leaves CP-SAT's proof standing, and says so.
    import rotation_solver.verify as verify_module

    def out_of_time(loaded: LoadedScenario, time_limit: float) -> Any:
        return dataclasses.replace(prove(loaded, time_limit), status="unknown", seconds=7.2)

    monkeypatch.setattr(verify_module, "prove", out_of_time)
    result = runner.invoke(cli, ["solve", path, "--workers", "1", "--format", "json"])
    assert result.exit_code == 3
    assert json.loads(result.stdout)["no_plan_proven_by"] == (
        "CP-SAT alone (the independent MILP ran out of time after 7 s)"
    )


def test_a_planted_model_bug_that_loses_every_plan_is_caught_by_solve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The planted window bug makes CP-SAT see no plan where one exists: `solve` must
    not report "no plan" (exit 3) but a bug (exit 70)."""
    import rotation_solver.planner as planner_module

    path = _window_end_scenario(tmp_path)
    real = planner_module.build_problem

    def buggy(loaded: LoadedScenario) -> Any:
        window = loaded.scenario.calendar.window
        shrunk = window.model_copy(update={"end": window.end - timedelta(days=1)})
        calendar = loaded.scenario.calendar.model_copy(update={"window": shrunk})
        scenario = loaded.scenario.model_copy(update={"calendar": calendar})
        return real(dataclasses.replace(loaded, scenario=scenario))

    monkeypatch.setattr(planner_module, "build_problem", buggy)
    result = CliRunner().invoke(cli, ["solve", str(path), "--workers", "1"])
    assert result.exit_code == 70, result.output
    assert "refuted the solver's claim that no plan exists" in result.output
    assert "finds one worth 34 (rad-last@2027-10-04)" in result.output
