"""`check --prove`: a valid plan's claims (status optimal, bound) against the optimum
found by solving again. Found by review: a hand-edited plan worth less than the
optimum passed `check` as optimal, since check alone trusts the solver's claims."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rotation_solver.cli import cli
from tests.conftest import SCENARIOS

EXAMPLE = str(SCENARIOS / "example" / "scenario.yaml")
ONE = ["--workers", "1"]


def _plan(tmp_path: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(cli, ["solve", EXAMPLE, "--format", "json", *ONE, *extra])
    assert result.exit_code == 0
    return json.loads(result.stdout)


def _check(tmp_path: Path, data: dict, *extra: str) -> tuple[int, str]:  # type: ignore[type-arg]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", EXAMPLE, str(path), "--prove", *ONE, *extra])
    assert "Traceback" not in result.output
    return result.exit_code, " ".join(result.output.split())


def test_the_solvers_own_plan_is_proven(tmp_path: Path) -> None:
    code, said = _check(tmp_path, _plan(tmp_path))
    assert code == 0
    assert "valid and proven: 3 rotations, objective 213, total cost $6,660" in said
    assert "the optimum is 213, proven by CP-SAT and an independent MILP" in said


def test_a_worse_plan_called_optimal_is_refuted(tmp_path: Path) -> None:
    # The best plan without rad-cedar is valid but worth less; call it optimal.
    worse = _plan(tmp_path, "--exclude", "rad-cedar")
    assert worse["objective"] < 213
    worse["bound"] = worse["objective"]
    code, said = _check(tmp_path, worse)
    assert code == 1
    assert (
        f"status is optimal, but a plan worth 213 exists (this one is worth {worse['objective']}"
        in said
    )
    assert f"bound {worse['objective']} is below a plan worth 213: a bound is the most any" in said
    # Plain check trusts the claims, and says so.
    path = tmp_path / "plan.json"
    plain = CliRunner().invoke(cli, ["check", EXAMPLE, str(path), *ONE])
    assert plain.exit_code == 0 and "--prove does" in plain.output


def test_a_worse_plan_called_feasible_with_a_true_bound_passes(tmp_path: Path) -> None:
    worse = _plan(tmp_path, "--exclude", "rad-cedar")
    worse.update(status="feasible", bound=213, gap=(213 - worse["objective"]) / 213)
    code, said = _check(tmp_path, worse)
    assert code == 0
    assert "as status feasible allows" in said


def test_no_proof_in_time_is_exit_4(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _plan(tmp_path)
    from rotation_solver.cli import plan as plan_commands

    real = plan_commands.plan_scenario

    def out_of_time(*args: Any, **kwargs: Any) -> Any:
        outcome = real(*args, **kwargs)
        return dataclasses.replace(
            outcome, result=dataclasses.replace(outcome.result, status="feasible")
        )

    monkeypatch.setattr(plan_commands, "plan_scenario", out_of_time)
    # CP-SAT out of time: the independent MILP proves the optimum alone, and says so.
    code, said = _check(tmp_path, data)
    assert code == 0
    assert "proven by an independent MILP solved by SCIP on the checker's rules (CP-SAT ran" in said
    # Both out of time: no proof.
    real_prove = plan_commands.prove

    def prover_out_of_time(*args: Any, **kwargs: Any) -> Any:
        return dataclasses.replace(real_prove(*args, **kwargs), status="unknown", objective=None)

    monkeypatch.setattr(plan_commands, "prove", prover_out_of_time)
    code, said = _check(tmp_path, data)
    assert code == 4
    assert "every rule holds, but the optimum was not proven within --time-limit" in said
    assert "neither CP-SAT nor the independent MILP finished" in said


def test_a_one_sided_answer_is_still_held_up_against_the_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by review: with one solver out of time, the other's partial answer was
    dropped, so a prover one point short passed when CP-SAT's plan, unproven, beat it;
    and a valid plan worth more than the proven optimum was "proven" below it."""
    data = _plan(tmp_path)
    from rotation_solver.cli import plan as plan_commands

    real_prove, real_plan = plan_commands.prove, plan_commands.plan_scenario

    def short_prover(*args: Any, **kwargs: Any) -> Any:
        proof = real_prove(*args, **kwargs)
        return dataclasses.replace(proof, objective=proof.objective - 1)

    def cp_sat_unproven(*args: Any, **kwargs: Any) -> Any:
        outcome = real_plan(*args, **kwargs)
        return dataclasses.replace(
            outcome, result=dataclasses.replace(outcome.result, status="feasible")
        )

    monkeypatch.setattr(plan_commands, "prove", short_prover)
    monkeypatch.setattr(plan_commands, "plan_scenario", cp_sat_unproven)
    code, said = _check(tmp_path, data)
    assert code == 70
    assert "CP-SAT found a plan worth 213, the independent MILP optimal 212" in said

    def cp_sat_out_of_time(*args: Any, **kwargs: Any) -> Any:
        outcome = real_plan(*args, **kwargs)
        result = dataclasses.replace(
            outcome.result, status="unknown", objective=None, bound=None, rotations=()
        )
        return dataclasses.replace(outcome, result=result)

    monkeypatch.setattr(plan_commands, "plan_scenario", cp_sat_out_of_time)
    code, said = _check(tmp_path, data)
    assert code == 70 and "this valid plan is worth 213, above the optimum 212" in said


def test_plain_check_says_what_the_status_claims(tmp_path: Path) -> None:
    """Found by review: a plan with status feasible was told "optimality is the solver's
    claim", a claim it never made."""
    data = _plan(tmp_path)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    said = CliRunner().invoke(cli, ["check", EXAMPLE, str(path), *ONE]).output
    assert "that it is the best plan is the solver's claim" in said
    feasible = {**data, "status": "feasible", "bound": 230, "gap": (230 - data["objective"]) / 230}
    path.write_text(json.dumps(feasible), encoding="utf-8")
    said = CliRunner().invoke(cli, ["check", EXAMPLE, str(path), *ONE]).output
    assert "it claims to be a plan, not the best one (status feasible)" in said


def test_a_valid_plan_refutes_a_proof_of_no_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by review: a valid plan beside a proof that no plan exists read as a
    time-out (exit 4); it is a disagreement (exit 70). And a prover whose every plan the
    checker refuses has given up, which is no time-out either."""
    data = _plan(tmp_path)
    from rotation_solver.cli import plan as plan_commands

    real_prove = plan_commands.prove

    def no_plan(*args: Any, **kwargs: Any) -> Any:
        proof = real_prove(*args, **kwargs)
        return dataclasses.replace(proof, status="infeasible", objective=None, plan=())

    monkeypatch.setattr(plan_commands, "prove", no_plan)
    code, said = _check(tmp_path, data)
    assert code == 70 and "CP-SAT proves optimal 213, the independent MILP infeasible" in said

    def gave_up(*args: Any, **kwargs: Any) -> Any:
        proof = real_prove(*args, **kwargs)
        return dataclasses.replace(proof, status="unknown", objective=None, gave_up=True)

    monkeypatch.setattr(plan_commands, "prove", gave_up)
    code, said = _check(tmp_path, data)
    assert code == 70 and "the checker refused 20 plans the independent MILP found best" in said


def test_a_no_plan_claim_is_refuted_with_the_plan_every_command_shows(tmp_path: Path) -> None:
    """Found by review: with two plans of equal value, "a plan exists" quoted the MILP's
    dearer one ($3,750) where `solve` shows the $550 one."""
    from tests.conftest import program, scenario_dict, write_scenario

    rows = [
        program("rdear", starts="2027-06-07", weeks=4, housing_per_week=900, travel=100,
                fee=50, letter=8, audition=6, interest=4, acceptance=0.5),
        program("rcheap", starts="2027-08-02", weeks=4, housing_per_week=100, travel=100,
                fee=50, letter=8, audition=6, interest=4, acceptance=0.5),
        program("rmid", starts="2027-10-04", weeks=4, housing_per_week=500, travel=100,
                fee=50, letter=8, audition=6, interest=4, acceptance=0.5),
    ]  # fmt: skip
    req = {"radiology": {"min": 1, "max": 1}, "clinical": {"min": 0}, "tier_mix": False}
    path = write_scenario(tmp_path, scenario_dict(rows, requirements=req, budget=9000))
    solved = CliRunner().invoke(cli, ["solve", str(path), *ONE, "--format", "json"])
    payload = json.loads(solved.stdout)
    assert payload["total_cost"] == 550
    no_plan = {**payload, "status": "infeasible", "objective": None, "bound": None,
               "total_cost": 0, "rotations": [], "why": "no plan"}  # fmt: skip
    document = tmp_path / "no-plan.json"
    document.write_text(json.dumps(no_plan), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(path), str(document), *ONE])
    said = " ".join(result.output.split())
    assert result.exit_code == 1
    assert f"a plan exists: objective {payload['objective']}, total cost $550" in said
