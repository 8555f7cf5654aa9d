"""Run every method on every instance, one subprocess at a time, and write the reports.

python -m benchmarks                       # the whole suite (about 25 minutes, 2 cores)
python -m benchmarks --classes tiny small  # a subset, written to results/partial/
python -m benchmarks --report-only         # redraw the reports from results.csv
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import random
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from benchmarks.generate import CLASSES, INSTANCES, SEEDS, generate, write
from benchmarks.methods import EXACT, METHODS
from benchmarks.report import OUT_HELP, results_folder

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
FIELDS = [
    "size",
    "seed",
    "method",
    "repeat",
    "status",
    "objective",
    "bound",
    "gap",
    "load_s",
    "problem_s",
    "build_s",
    "solve_s",
    "total_s",
    "cpu_s",
    "first_solution_s",
    "peak_mb",
    "import_mb",
    "variables",
    "constraints",
    "programs",
    "offerings",
    "candidates",
    "budget",
    "total_cost",
    "plan",
    "checked",
    "extra",
    "wall_s",
    "instance",
]
SOLVED = ("optimal", "infeasible")  # a proof: an optimum or no plan at all
ONCE = (
    "spec-milp",
    "prover",
    "cpsat-plain",
)  # slow references: once per instance, whatever --repeats


def methods_for(size: str, chosen: list[str]) -> list[str]:
    return [m for m in chosen if m != "exhaustive" or size == "tiny"]


def job_order(
    classes: list[str], seeds: list[int], methods: list[str], repeats: int
) -> list[tuple[str, int, str, int]]:
    """(size, seed, method, repeat) in the order to run. Per instance, each round of
    repeats runs every method once, in an order shuffled per round (seeded, so the
    order is the same every run). Found by review: repeats of one method ran back to
    back, always in the same method order, so a drift in the machine's load fell on
    particular methods."""
    jobs = []
    for size in classes:
        for seed in seeds:
            chosen = methods_for(size, methods)
            for repeat in range(1, repeats + 1):
                # The references prove optima, they are not speed contenders: one run.
                now = [m for m in chosen if repeat == 1 or m not in ONCE]
                random.Random(f"{size}/{seed}/{repeat}").shuffle(now)
                jobs += [(size, seed, method, repeat) for method in now]
    return jobs


def instance_path(size: str, seed: int) -> Path:
    path = INSTANCES / size / f"seed{seed}" / "scenario.yaml"
    if not path.exists():  # instances are committed; regenerate if someone deleted one
        write(generate(size, seed))
    return path


def run_one(
    method: str,
    path: Path,
    time_limit: float,
    workers: int | None = None,
    solver_seed: int | None = None,
) -> dict[str, Any]:
    started = time.perf_counter()
    solver = ["-" if value is None else str(value) for value in (workers, solver_seed)]
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.worker",
                method,
                str(path),
                str(time_limit),
                *solver,
            ],
            capture_output=True,
            text=True,
            timeout=3 * time_limit + 60,
            cwd=ROOT.parent,
            check=False,
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        row = (
            json.loads(lines[-1])
            if lines
            else {"status": "error", "checked": (done.stderr or "no output")[-300:]}
        )
    except subprocess.TimeoutExpired:
        row = {"status": "unknown", "checked": "killed: hard timeout"}
    row["wall_s"] = time.perf_counter() - started
    return row


def disagreements(rows: list[dict[str, Any]]) -> list[str]:
    """Exact methods must agree with each other and with known_optima.json (computed on the
    plain, unreduced model); no plan may beat a proven optimum."""
    from benchmarks.optima import load

    known = load()
    by_instance: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_instance[(row["size"], int(row["seed"]))].append(row)
    out = []
    for (size, seed), group in sorted(by_instance.items()):
        where = f"{size}/seed{seed}"
        for row in group:
            if row.get("status") == "error" or (
                row.get("checked") not in ("ok", "no plan", None, "")
            ):
                out.append(f"{where}: {row['method']} failed: {row.get('checked')}")
        # Every repeat counts on its own: a method that disagrees with itself is flagged.
        proven = {
            f"{r['method']}#{r.get('repeat', 1)}": (
                None if r["status"] == "infeasible" else int(r["objective"])
            )
            for r in group
            if r["method"] in EXACT and r["status"] in SOLVED
        }
        if where in known:
            proven["known_optima.json"] = known[where]["objective"]
        if len(set(proven.values())) > 1:
            out.append(f"{where}: exact methods disagree on the optimum: {proven}")
        if proven:
            optimum = next(iter(proven.values()))
            for r in group:
                has = r.get("objective") not in (None, "")
                if has and (optimum is None or int(r["objective"]) > optimum):
                    out.append(
                        f"{where}: {r['method']} reports {r['objective']} beyond the proven "
                        f"optimum {optimum}"
                    )
                # A bound is a claim too (found by review: it was recorded, never checked).
                bound = r.get("bound")
                if bound not in (None, "") and optimum is not None:
                    if float(bound) < optimum - 1e-6:
                        out.append(
                            f"{where}: {r['method']} reports a bound of {bound}, below the "
                            f"proven optimum {optimum}"
                        )
                    elif r["status"] == "optimal" and float(bound) != float(r["objective"]):
                        out.append(
                            f"{where}: {r['method']} says optimal with a bound of {bound} "
                            f"beside its objective {r['objective']}"
                        )
        # The plan `solve` shows is settled by the tie rules, so it must not change from one
        # repeat to the next, whatever the machine's load (a proven optimum each time).
        shown = [r for r in group if r["method"] == SHOWN_PLAN]
        plans = {r.get("plan") for r in shown}
        if len(plans) > 1 and None not in plans and all(r["status"] == "optimal" for r in shown):
            out.append(f"{where}: {SHOWN_PLAN} shows {len(plans)} different plans across repeats")
    return out


SHOWN_PLAN = "cpsat-settled"  # the production solve with the tie rules: the plan a user sees


def machine() -> dict[str, str]:
    import os

    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    import rotation_solver

    return {
        "cpu": cpu,
        "cores": str(len(os.sched_getaffinity(0))),
        "python": platform.python_version(),
        "ortools": version("ortools"),
        "highspy": version("highspy"),
        "os": f"{platform.system()} {platform.release()}",
        # Which code was measured: the package actually imported, and the commit.
        "rotation_solver": f"{version('rotation-solver')} at "
        f"{Path(rotation_solver.__file__).resolve().parent}",
        "git_commit": _git("rev-parse", "HEAD"),
        # The code, not the results this run writes, decides whether it was clean.
        "git_dirty": str(
            bool(
                _git(
                    "status",
                    "--porcelain",
                    "--untracked-files=no",
                    "--",
                    ".",
                    ":(exclude)benchmarks/results",
                )
            )
        ),
    }


def _measured_elsewhere() -> str | None:
    """Why the run would measure other code than this checkout's (found by review: a
    venv with another checkout installed in editable mode timed that one, while the
    results named this commit); None when the package imported is this one."""
    import rotation_solver

    imported = Path(rotation_solver.__file__).resolve().parent
    here = (ROOT.parent / "src" / "rotation_solver").resolve()
    if imported == here:
        return None
    return (
        f"rotation_solver is imported from {imported}, not from this checkout ({here}), "
        "so the results would measure other code than the commit they name. Install this "
        "checkout (python -m pip install -e .) or run with PYTHONPATH=src."
    )


def _git(*args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args], capture_output=True, text=True, cwd=ROOT.parent, check=False
        )
    except OSError:
        return "unknown"
    return done.stdout.strip() if done.returncode == 0 else "unknown"


def load_average() -> str:
    """The 1-minute load: other work on the machine shows up in the times."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the planner's solvers.")
    parser.add_argument("--classes", nargs="+", default=list(CLASSES), choices=list(CLASSES))
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=list(METHODS))
    parser.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS))
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per run")
    parser.add_argument("--repeats", type=int, default=3, help="runs per (instance, method)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="CP-SAT workers in every CP-SAT method (default: each method's own: production "
        "uses the cores, at most 8, and one on small reduced models)",
    )
    parser.add_argument(
        "--solver-seed",
        type=int,
        default=None,
        help="CP-SAT random_seed in every CP-SAT method (default: production's 0, "
        "CP-SAT's own for cpsat-defaults and cpsat-plain)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=OUT_HELP,
    )
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 also when a production run (cpsat, cpsat-settled) ends without a proof "
        "(found by review: exit 0 where nothing was proved)",
    )
    args = parser.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be 1 or more")
    # --report-only redraws the committed results, wherever the other options point.
    report_here = args.out is None and args.report_only
    args.out = RESULTS if report_here else results_folder(parser, args, RESULTS)

    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from benchmarks import report

    console = Console()
    if not args.report_only and (elsewhere := _measured_elsewhere()):
        console.print(f"[red]{escape(elsewhere)}[/red]")
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    csv_path = args.out / "results.csv"
    meta_path = args.out / "meta.json"
    if not args.report_only:
        jobs = job_order(args.classes, args.seeds, args.methods, args.repeats)
        rows: list[dict[str, Any]] = []
        started = time.time()
        load_before = load_average()
        measured = machine()  # the code as it was when the run began
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("benchmark", total=len(jobs))
            for size, seed, method, repeat in jobs:
                progress.update(task, description=f"{size}/seed{seed} {method} #{repeat}")
                row = run_one(
                    method,
                    instance_path(size, seed),
                    args.time_limit,
                    args.workers,
                    args.solver_seed,
                )
                row.update(size=size, seed=seed, method=method, repeat=repeat)
                rows.append(row)
                if not console.is_terminal:  # a log file: one plain line per run
                    progress.console.print(
                        f"{len(rows)}/{len(jobs)} {size}/seed{seed} {method} #{repeat}: "
                        f"{row.get('status')} {row.get('objective')} "
                        f"total {row.get('total_s') or 0:.3f} s"
                    )
                if row.get("status") == "error" or row.get("checked") not in ("ok", "no plan"):
                    progress.console.print(
                        f"[red]{size}/seed{seed} {method}: {escape(str(row.get('status')))} "
                        f"{escape(str(row.get('checked')))}[/red]"
                    )
                progress.advance(task)
        with csv_path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=FIELDS, extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in FIELDS})
        meta = {
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
            "wall_minutes": round((time.time() - started) / 60, 1),
            "time_limit_s": args.time_limit,
            "repeats": args.repeats,
            "seeds": args.seeds,
            "classes": args.classes,
            "methods": args.methods,
            # The solver's own settings (found by review: neither was recorded).
            "solver_workers": args.workers if args.workers is not None else "method's own",
            "solver_seed": args.solver_seed if args.solver_seed is not None else "method's own",
            "load_average_start": load_before,
            "load_average_end": load_average(),
            **measured,
        }
        meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    rows = report.read(csv_path)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    problems = disagreements(rows)
    summary = report.write_all(rows, meta, problems, args.out)
    print(summary)  # plain: Markdown tables must not be wrapped at the terminal's width
    for line in problems:
        # escaped: a checker's "[overlap]" is text, not Rich markup
        console.print(f"[bold red]DISAGREEMENT[/bold red] {escape(line)}")
    unproved = unproved_production_runs(rows)
    for line in unproved:
        console.print(f"[yellow]UNPROVED[/yellow] {escape(line)}")
    now = _git("rev-parse", "HEAD")
    if args.report_only and now and meta.get("git_commit") not in (None, "", now):
        console.print(
            f"[yellow]These results measured commit {meta['git_commit'][:12]}; the code is now "
            f"at {now[:12]}. Run the suite again before quoting them.[/yellow]"
        )
    return 1 if problems or (args.strict and unproved) else 0


PRODUCTION = ("cpsat", "cpsat-settled")


def unproved_production_runs(rows: list[dict[str, Any]]) -> list[str]:
    """Production runs that ended without a proof (an optimum, or no plan at all)."""
    return [
        f"{r['size']}/seed{r['seed']}: {r['method']} #{r.get('repeat', 1)} ended "
        f"{r.get('status')} within "
        + (f"{float(r['total_s']):.2f} s" if r.get("total_s") not in (None, "") else "? s")
        for r in rows
        if r.get("method") in PRODUCTION and r.get("status") not in SOLVED
    ]
