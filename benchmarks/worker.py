"""One method on one instance, in its own process; prints one JSON line of metrics.

    python -m benchmarks.worker METHOD path/to/scenario.yaml TIME_LIMIT [WORKERS SEED]

WORKERS and SEED (the runner's --workers and --solver-seed; `-` for the method's own)
set CP-SAT's num_workers and random_seed in every CP-SAT method.

Times (seconds, wall clock, after imports): `load` = load_scenario, `problem` =
build_problem (catalog expansion), `build` = the method's own model build (for
the CP-SAT and HiGHS methods this includes the offering reduction), `solve` =
the solver; `total` is their sum, the "end to end" time of the targets; `cpu` is
the process's CPU time over the same span, every thread counted. Every
plan is re-verified by the independent checker (spec section 7 payload).
"""

from __future__ import annotations

import hashlib
import json
import resource
import sys
import time
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def measure(method: str, path: str, time_limit: float) -> dict[str, Any]:
    # HiGHS too, which only its methods import: `run MB` is then the instance's alone
    # (found by review: it held HiGHS's import for spec-milp and highs).
    import highspy  # noqa: F401

    from benchmarks.methods import METHODS
    from rotation_solver.checker import check_plan
    from rotation_solver.plan_json import plan_payload
    from rotation_solver.problem import build_problem
    from rotation_solver.scenario import load_scenario

    row: dict[str, Any] = {"method": method, "instance": path, "import_mb": resident_mb()}
    cpu_started = time.process_time()  # all threads: CP-SAT's workers count each
    t0 = time.perf_counter()
    loaded = load_scenario(path)
    t1 = time.perf_counter()
    problem = build_problem(loaded)
    t2 = time.perf_counter()
    run = METHODS[method](loaded, problem, time_limit)
    cpu = time.process_time() - cpu_started
    result = run.result
    row.update(
        load_s=t1 - t0,
        problem_s=t2 - t1,
        build_s=result.build_seconds,
        solve_s=result.solve_seconds,
        status=result.status,
        objective=result.objective,
        bound=result.bound,
        gap=result.gap,
        first_solution_s=run.first_solution_seconds,
        variables=run.variables,
        constraints=run.constraints,
        offerings=len(problem.offerings),
        candidates=result.candidates,
        programs=len(loaded.programs),
        total_cost=result.total_cost,
        budget=problem.budget,
        extra=json.dumps(run.extra) if run.extra else "",
        plan=plan_fingerprint((o.program_id, o.start.isoformat()) for o in result.rotations),
    )
    row["total_s"] = row["load_s"] + row["problem_s"] + row["build_s"] + row["solve_s"]
    row["cpu_s"] = cpu
    if result.has_plan:
        payload = plan_payload(loaded, problem, result)
        report = check_plan(loaded, payload)
        row["checked"] = "ok" if report.ok else "; ".join(str(v) for v in report.violations)
        if report.ok and report.objective != result.objective:
            row["checked"] = f"checker objective {report.objective} != {result.objective}"
    else:
        row["checked"] = "no plan"
    return row


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    method, path, limit = args[0], args[1], float(args[2])
    if len(args) > 3:
        from benchmarks.methods import SolverSettings, use_settings

        workers, seed = (None if value == "-" else int(value) for value in args[3:5])
        use_settings(SolverSettings(workers, seed))
    try:
        row = measure(method, path, limit)
    except Exception as error:  # report, never hide: the runner records the error
        row = {
            "method": method,
            "instance": path,
            "status": "error",
            "checked": f"{type(error).__name__}: {error}",
            "traceback": traceback.format_exc(limit=5),
        }
    row["peak_mb"] = peak_mb()
    print(json.dumps(row))
    return 0


def plan_fingerprint(rotations: Iterable[tuple[str, str]]) -> str:
    """A short name for a plan, the same wherever the plan is the same: repeats that
    return one plan share it, so determinism is read off the CSV ("" for no plan)."""
    text = ";".join(f"{program}@{start}" for program, start in sorted(rotations))
    return hashlib.sha256(text.encode()).hexdigest()[:10] if text else ""


def _status_mb(field: str) -> float | None:
    """A memory line of /proc/self/status in MB (None where there is no /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return None


def resident_mb() -> float | None:
    """Resident memory now (VmRSS): taken after the imports, it is the baseline the
    model's own memory is read against (`peak_mb - import_mb`)."""
    return _status_mb("VmRSS")


def peak_mb() -> float:
    """This process's own peak resident memory. Found by review: Linux keeps
    `ru_maxrss` across the exec that starts the worker, so it reported the runner's
    peak whenever that was higher; VmHWM starts afresh with the new program."""
    peak = _status_mb("VmHWM")
    if peak is not None:
        return peak
    # Elsewhere (no /proc): ru_maxrss, in KiB on Linux and bytes on macOS.
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


if __name__ == "__main__":
    raise SystemExit(main())
