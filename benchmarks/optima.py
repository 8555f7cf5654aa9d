"""Known optima of the benchmark instances, computed without the production shortcuts.

Tiny instances: the exhaustive search (benchmarks/exhaustive.py). Every instance:
CP-SAT on the plain, unreduced model (`PlanModel(problem)`: no dominance reduction,
no hint, default parameters), so the stored optimum checks the reduction too. The
runner and tests/test_benchmarks_regression.py compare against this file.

    python -m benchmarks.optima            # rewrite benchmarks/known_optima.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from benchmarks.generate import CLASSES, INSTANCES, SEEDS

KNOWN = Path(__file__).resolve().parent / "known_optima.json"


def load() -> dict[str, Any]:
    return json.loads(KNOWN.read_text(encoding="utf-8")) if KNOWN.exists() else {}


def plain_cp_sat(path: Path, time_limit: float) -> tuple[str, int | None, float]:
    from ortools.sat.python import cp_model

    from rotation_solver.model import PlanModel
    from rotation_solver.problem import build_problem
    from rotation_solver.scenario import load_scenario

    problem = build_problem(load_scenario(path))
    plan_model = PlanModel(problem)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 0
    started = time.perf_counter()
    code = solver.solve(plan_model.model)
    seconds = time.perf_counter() - started
    if code == cp_model.OPTIMAL:
        return "optimal", round(solver.objective_value), seconds
    if code == cp_model.INFEASIBLE:
        return "infeasible", None, seconds
    return "unknown", None, seconds


def main(argv: list[str] | None = None) -> None:
    from benchmarks import exhaustive
    from rotation_solver.scenario import load_scenario

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--classes", nargs="+", default=list(CLASSES), choices=list(CLASSES))
    parser.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS))
    parser.add_argument("--time-limit", type=float, default=300.0)
    args = parser.parse_args(argv)
    known = load()
    for size in args.classes:
        for seed in args.seeds:
            key = f"{size}/seed{seed}"
            path = INSTANCES / size / f"seed{seed}" / "scenario.yaml"
            status, objective, seconds = plain_cp_sat(path, args.time_limit)
            entry: dict[str, Any] = {
                "status": status,
                "objective": objective,
                "plain_cp_sat_seconds": round(seconds, 2),
            }
            if size == "tiny":
                best = exhaustive.solve(load_scenario(path))
                entry["exhaustive"] = best.objective
                if (best.objective is None) != (status == "infeasible") or (
                    status == "optimal" and best.objective != objective
                ):
                    raise SystemExit(f"{key}: exhaustive {best.objective} != CP-SAT {objective}")
            if status == "unknown":
                print(f"{key}: not proved in {args.time_limit:g} s; not stored")
                continue
            before = known.get(key, {})
            if before and (before.get("status"), before.get("objective")) != (status, objective):
                # A stored optimum is a reference: a change needs a reason, so say it loudly.
                print(f"{key}: CHANGED from {before.get('status')} {before.get('objective')}")
            known[key] = entry
            print(key, entry, flush=True)
            KNOWN.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
