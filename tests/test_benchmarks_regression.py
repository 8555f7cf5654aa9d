"""Quick benchmark subset (tiny and small classes): the known optima, not the times.

The optima in benchmarks/known_optima.json come from the exhaustive search (tiny)
and from CP-SAT on the plain, unreduced model (benchmarks/optima.py), so they also
guard the production reduction. pytest-benchmark records the times for information.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from benchmarks import exhaustive, spec_milp
from benchmarks.generate import generate, write
from benchmarks.methods import run_greedy, run_highs, run_highs_tuned, run_settled
from benchmarks.runner import disagreements
from ortools.sat.python import cp_model

from rotation_solver.checker import check_plan
from rotation_solver.model import PlanModel
from rotation_solver.plan_json import plan_payload
from rotation_solver.problem import build_problem
from rotation_solver.scenario import load_scenario
from rotation_solver.solve import Result, SolveOptions, solve_problem

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
KNOWN: dict[str, Any] = json.loads((BENCH / "known_optima.json").read_text(encoding="utf-8"))
CASES = [key for key in sorted(KNOWN) if key.split("/")[0] in ("tiny", "small")]


def _path(key: str) -> Path:
    size, seed = key.split("/")
    return BENCH / "instances" / size / seed / "scenario.yaml"


def _agrees(key: str, result: Result) -> None:
    expected = KNOWN[key]
    if expected["status"] == "infeasible":
        assert result.status == "infeasible"
    else:
        assert result.status == "optimal"
        assert result.objective == expected["objective"]


def test_every_class_has_known_optima() -> None:
    assert len(CASES) == 10
    assert {KNOWN[k]["status"] for k in CASES} == {"optimal", "infeasible"}


@pytest.mark.parametrize("key", CASES)
def test_production_path_reaches_the_known_optimum(benchmark: Any, key: str) -> None:
    loaded = load_scenario(_path(key))
    problem = build_problem(loaded)
    options = SolveOptions(time_limit=20)
    result = benchmark.pedantic(solve_problem, args=(problem, options), rounds=3, iterations=1)
    _agrees(key, result)
    if result.has_plan:
        assert check_plan(loaded, plan_payload(loaded, problem, result)).ok


@pytest.mark.parametrize("key", [k for k in CASES if k.startswith("tiny/")])
def test_exhaustive_search_reaches_the_known_optimum(benchmark: Any, key: str) -> None:
    loaded = load_scenario(_path(key))
    best = benchmark.pedantic(exhaustive.solve, args=(loaded,), rounds=1, iterations=1)
    assert best.objective == KNOWN[key]["objective"]


@pytest.mark.parametrize("key", CASES)
def test_highs_and_greedy_agree_with_the_known_optimum(key: str) -> None:
    loaded = load_scenario(_path(key))
    problem = build_problem(loaded)
    _agrees(key, run_highs(loaded, problem, 20).result)
    _agrees(key, run_highs_tuned(loaded, problem, 20).result)
    # The MILP written again from the spec (no production model or reduction) agrees too.
    independent = spec_milp.solve(loaded, 20)
    assert independent.status in ("optimal", "infeasible")
    assert independent.objective == KNOWN[key]["objective"]
    greedy = run_greedy(loaded, problem, 20).result
    if greedy.has_plan:
        assert KNOWN[key]["objective"] is not None
        assert greedy.objective is not None and greedy.objective <= KNOWN[key]["objective"]
        assert check_plan(loaded, plan_payload(loaded, problem, greedy)).ok


@pytest.mark.parametrize("key", CASES)
def test_the_settled_method_times_the_tie_step_and_keeps_the_optimum(key: str) -> None:
    loaded = load_scenario(_path(key))
    problem = build_problem(loaded)
    run = run_settled(loaded, problem, 20)
    _agrees(key, run.result)
    ties = run.extra["ties_s"]
    assert ties >= 0
    assert run.result.solve_seconds >= ties  # the tie step is counted in `solve`
    if run.result.has_plan:
        assert check_plan(loaded, plan_payload(loaded, problem, run.result)).ok


@pytest.mark.parametrize("seed", range(100, 112))
def test_reduction_keeps_the_optimum_on_fresh_instances(tmp_path: Path, seed: int) -> None:
    """Production path (reduced, hinted, tuned) against CP-SAT on the plain model."""
    loaded = load_scenario(write(generate("small", seed), tmp_path))
    problem = build_problem(loaded)
    result = solve_problem(problem, SolveOptions(time_limit=20))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    code = solver.solve(PlanModel(problem).model)
    if code == cp_model.INFEASIBLE:
        assert result.status == "infeasible"
    else:
        assert code == cp_model.OPTIMAL and result.status == "optimal"
        assert result.objective == round(solver.objective_value)
        assert result.removed > 0


def test_a_wrong_repeat_is_flagged_even_when_the_last_one_is_right() -> None:
    key = next(k for k in CASES if KNOWN[k]["objective"] is not None)
    size, seed = key.split("/seed")
    right = KNOWN[key]["objective"]

    def row(method: str, repeat: int, status: str, objective: int | None) -> dict[str, Any]:
        return {
            "size": size,
            "seed": seed,
            "method": method,
            "repeat": repeat,
            "status": status,
            "objective": objective,
            "checked": "ok",
        }

    agreeing = [row("cpsat", 1, "optimal", right), row("highs", 1, "optimal", right)]
    assert disagreements(agreeing) == []
    wrong_first = [row("cpsat", 1, "optimal", right - 1), *agreeing[:1], agreeing[1]]
    wrong_first[1] = row("cpsat", 2, "optimal", right)
    assert any("disagree" in line for line in disagreements(wrong_first))
    false_infeasible = [row("cpsat", 1, "infeasible", None), row("cpsat", 2, "optimal", right)]
    assert any("disagree" in line for line in disagreements(false_infeasible))
    # A bound is checked too (found by review: recorded, never compared with anything).
    bounded = [{**row("cpsat", 1, "optimal", right), "bound": right}]
    assert disagreements(bounded) == []
    below = [*agreeing, {**row("greedy", 1, "feasible", right - 5), "bound": right - 1}]
    assert disagreements(below) == [
        f"{key}: greedy reports a bound of {right - 1}, below the proven optimum {right}"
    ]
    loose = [{**row("cpsat", 1, "optimal", right), "bound": right + 3}]
    assert disagreements(loose) == [
        f"{key}: cpsat says optimal with a bound of {right + 3} beside its objective {right}"
    ]


def test_the_runner_passes_its_solver_workers_and_seed_to_every_cp_sat_method(
    tmp_path: Path,
) -> None:
    """Found by review: the runner could set neither CP-SAT's workers nor its seed, so the
    baselines ran on every core of whatever machine, and nothing recorded how many."""
    from benchmarks import methods
    from benchmarks.runner import main

    try:
        methods.use_settings(methods.SolverSettings(workers=1, seed=7))
        options = methods._options(5.0)
        assert (options.workers, options.seed, options.time_limit) == (1, 7, 5.0)
        solver = cp_model.CpSolver()
        methods._default_parameters(solver, None)  # type: ignore[arg-type]
        assert (solver.parameters.num_workers, solver.parameters.random_seed) == (1, 7)
    finally:
        methods.use_settings(methods.SolverSettings())
    args = ["--classes", "tiny", "--seeds", "1", "--methods", "cpsat", "cpsat-plain"]
    args += ["--repeats", "1", "--workers", "1", "--solver-seed", "3", "--out", str(tmp_path)]
    assert main(args) == 0
    meta = json.loads((tmp_path / "meta.json").read_text(encoding="utf-8"))
    assert (meta["solver_workers"], meta["solver_seed"]) == (1, 3)
    summary = " ".join((tmp_path / "summary.md").read_text(encoding="utf-8").split())
    assert "CP-SAT workers 1 (production runs one on reduced models" in summary
    assert "candidates), seed 3;" in summary


def test_the_whatif_benchmark_checks_its_answers(tmp_path: Path) -> None:
    """Found by review: the what-if benchmark timed the naive sweeps and threw their
    answers away. Every budget is now compared with a fresh production solve, and a
    disagreement fails the run."""
    from benchmarks import whatif

    fresh = {3000: ("infeasible", None), 9000: ("optimal", 213)}
    assert whatif.disagreements("the sweep", fresh, fresh) == []
    wrong = whatif.disagreements("the sweep", {**fresh, 9000: ("optimal", 212)}, fresh)
    assert wrong == [
        "the sweep at $9,000: ('optimal', 212) but a fresh solve gives ('optimal', 213)"
    ]
    example = Path(__file__).resolve().parents[1] / "scenarios" / "example" / "scenario.yaml"
    assert whatif.main(["--scenario", str(example), "--repeats", "1", "--out", str(tmp_path)]) == 0
    assert "all agree" in (tmp_path / "whatif.md").read_text(encoding="utf-8")


def test_the_worker_reports_its_own_peak_memory_not_its_parents() -> None:
    """Found by review: `ru_maxrss` survives the exec that starts the worker, so a runner
    that had touched more memory than the worker set every worker's `peak_mb`."""
    import subprocess
    import sys

    ballast = bytearray(300 * 1024 * 1024)
    ballast[::4096] = b"\x01" * len(ballast[::4096])  # touch every page
    probe = "from benchmarks.worker import peak_mb; print(peak_mb())"
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=root, check=True
    )
    assert 1 < float(done.stdout) < 250, done.stdout
    del ballast


def test_strict_fails_a_run_whose_production_search_proved_nothing() -> None:
    """Found by review: a run with 0 of 2 instances proved exited 0."""
    from benchmarks.runner import unproved_production_runs

    rows = [
        {"size": "national", "seed": 2, "method": "cpsat", "repeat": 1, "status": "feasible",
         "total_s": 0.01},
        {"size": "national", "seed": 2, "method": "highs", "repeat": 1, "status": "unknown"},
        {"size": "national", "seed": 3, "method": "cpsat-settled", "repeat": 1,
         "status": "infeasible"},
    ]  # fmt: skip
    assert unproved_production_runs(rows) == [
        "national/seed2: cpsat #1 ended feasible within 0.01 s"
    ]


def test_a_plan_fingerprint_names_the_plan_not_the_order_it_was_listed_in() -> None:
    from benchmarks.worker import plan_fingerprint

    one = plan_fingerprint([("rad-a", "2027-06-07"), ("im-b", "2027-08-02")])
    assert one == plan_fingerprint([("im-b", "2027-08-02"), ("rad-a", "2027-06-07")])
    assert one != plan_fingerprint([("rad-a", "2027-06-14"), ("im-b", "2027-08-02")])
    assert plan_fingerprint([]) == ""


def test_the_shown_plan_must_be_the_same_in_every_repeat() -> None:
    """The tie rules settle the plan `solve` shows: two proven repeats with two plans are
    a failure; several CP-SAT workers without the tie rules may differ, and are counted."""
    from benchmarks.report import same_plan_across_repeats

    def row(method: str, repeat: int, plan: str, status: str = "optimal") -> dict[str, Any]:
        return {"size": "national", "seed": "99", "method": method, "repeat": repeat,
                "status": status, "objective": 200, "checked": "ok", "plan": plan}  # fmt: skip

    steady = [row("cpsat-settled", 1, "aaa"), row("cpsat-settled", 2, "aaa")]
    assert disagreements(steady) == []
    moved = [row("cpsat-settled", 1, "aaa"), row("cpsat-settled", 2, "bbb")]
    assert disagreements(moved) == [
        "national/seed99: cpsat-settled shows 2 different plans across repeats"
    ]
    # cut short, the tie rules may not have run: the status already says so
    cut = [row("cpsat-settled", 1, "aaa"), row("cpsat-settled", 2, "bbb", "feasible")]
    assert not any("different plans" in line for line in disagreements(cut))
    defaults = [row("cpsat-defaults", 1, "aaa"), row("cpsat-defaults", 2, "bbb")]
    assert disagreements(defaults) == []
    counted = same_plan_across_repeats([*steady, *defaults, row("highs", 1, "aaa")])
    assert counted[-1] == (
        "Same plan in every repeat (instances; `plan` in results.csv): "
        "cpsat-settled 1/1, cpsat-defaults 0/1."
    )
    # results written before the fingerprint existed say nothing
    assert (
        same_plan_across_repeats([{k: v for k, v in r.items() if k != "plan"} for r in steady])
        == []
    )


def test_spec_milp_gives_highs_only_what_its_own_build_left_of_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Found by review: the limit went to HiGHS whole, so a slow expansion ran past it
    (stress seed 2: 37.5 s under 30 s)."""
    import highspy

    key = next(k for k in CASES if k.startswith("tiny/"))
    size, seed = key.split("/seed")
    loaded = load_scenario(BENCH / "instances" / size / f"seed{seed}" / "scenario.yaml")
    given: list[float] = []
    real = highspy.Highs.setOptionValue

    def recording(self: Any, name: str, value: Any) -> Any:
        if name == "time_limit":
            given.append(value)
        return real(self, name, value)

    clock = iter(range(0, 10_000, 4))  # every reading 4 s after the one before
    monkeypatch.setattr(highspy.Highs, "setOptionValue", recording)
    monkeypatch.setattr(spec_milp.time, "perf_counter", lambda: float(next(clock)))
    spec_milp.solve(loaded, 30)
    assert given == [26.0]  # the build took one reading: 4 s of the 30
