"""`python -m benchmarks.offers`: how `apply` answers the offers in hand.

Instances: the shipped `offers-in-hand` scenario, `--random` draws of 2-3 radiology
offers on the example catalog (planning date 2027-02-25, seeded), and the national
catalog with three offers. For each: the time to answer, how many ways to answer were
searched, ruled out by their best case or had no plan, whether the answer is proven,
and its exact expected value beside two baselines valued the same way:

- `solve`'s answer: accept the offers `solve`'s plan takes (the stop-gap `apply` used
  before; pending rotations weighed by their chance);
- decline every offer.

A baseline way ruled out by its best case has no value of its own; its best case is
an upper bound on it, shown as "<= x". Each instance runs in this process, one after
another, one worker. Writes `results/offers.csv` and `results/offers.md`.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.report import OUT_HELP, results_folder, write_results
from rotation_solver.planner import plan_scenario
from rotation_solver.portfolio import plan_portfolio
from rotation_solver.scenario import load_scenario
from rotation_solver.solve import SolveOptions

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
SHIPPED = ROOT / "scenarios" / "offers-in-hand" / "scenario.yaml"
EXAMPLE = ROOT / "scenarios" / "example"
NATIONAL = ROOT / "scenarios" / "national"
NATIONAL_OFFERS = [("rad-001", "2027-06-07"), ("rad-001", "2027-08-02"), ("rad-004", "2027-08-16")]
ONE = SolveOptions(workers=1, seed=0, time_limit=60)


def _with_offers(source: Path, folder: Path, offers: list[tuple[str, str]]) -> Path:
    """`source`'s scenario planned on 2027-02-25 with these offers in hand."""
    shutil.copy(source / "programs.csv", folder / "programs.csv")
    text = (source / "scenario.yaml").read_text("utf-8")
    text = text.replace("planning_date: 2027-01-15", "planning_date: 2027-02-25")
    text += "offers:\n" + "".join(f"  - {{program: {p}, start: {s}}}\n" for p, s in offers)
    path = folder / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _random_offers(rng: random.Random) -> list[tuple[str, str]]:
    with (EXAMPLE / "programs.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["specialty"] == "radiology"]
    pairs = [(r["id"], start) for r in rows for start in r["starts"].split(";")]
    return sorted(rng.sample(pairs, rng.randint(2, 3)))


def _key(offers: list[dict[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((o["program_id"], o["start"]) for o in offers))


def _baseline(ways: dict[tuple[tuple[str, str], ...], dict[str, Any]], key: Any) -> str:
    way = ways.get(key)
    if way is None:
        return "?"
    if way["expected_value"] is not None:
        return f"{round(way['expected_value'], 4):.1f}"  # as `value` is shown
    if way["outcome"] == "no plan":
        return "no plan"
    return f"<= {way['best_case']:.1f}" if way["best_case"] is not None else "?"


def run_one(name: str, path: Path) -> dict[str, Any]:
    loaded = load_scenario(path)
    started = time.perf_counter()
    report = plan_portfolio(loaded, evaluate_outcomes=1000, bound=False, options=ONE)
    wall = time.perf_counter() - started
    answers = report.payload["offer_answers"]
    solved = plan_scenario(loaded, ONE, diagnose=False, name_conflict=False).result
    solve_key = tuple(
        sorted((o.program_id, o.start.isoformat()) for o in solved.rotations if o.offered)
    )
    outcomes = [w["outcome"] for w in answers["ways"]] if answers else []
    ways = {_key(w["accept"]): w for w in answers["ways"]} if answers else {}
    chosen = _key(answers["accept"]) if answers else ()
    return {
        "instance": name,
        "offers": len(loaded.offers),
        "ways": len(outcomes),
        "searched": outcomes.count("searched") + outcomes.count("chosen"),
        "cannot_beat": outcomes.count("cannot beat"),
        "no_plan": outcomes.count("no plan"),
        "out_of_time": outcomes.count("out of time"),
        "proven": bool(answers and answers["proven"]),
        "answer_seconds": report.payload["timings"]["answer_seconds"],
        "wall_seconds": round(wall, 3),
        "accept": " ".join(f"{p}@{s}" for p, s in chosen) or "none",
        "value": round(answers["expected_value"], 4) if answers else None,
        "solve_accept": " ".join(f"{p}@{s}" for p, s in solve_key) or "none",
        "solve_agrees": solve_key == chosen,
        "solve_value": _baseline(ways, solve_key),
        "decline_all_value": _baseline(ways, ()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark how apply answers offers in hand.")
    parser.add_argument("--random", type=int, default=12, help="random offer sets on the example")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-national", action="store_true")
    parser.add_argument("--out", type=Path, default=None, help=OUT_HELP)
    args = parser.parse_args(argv)
    args.out = results_folder(parser, args, RESULTS)

    rng = random.Random(args.seed)
    rows = [run_one("offers-in-hand (shipped)", SHIPPED)]
    with tempfile.TemporaryDirectory() as scratch:
        for k in range(args.random):
            folder = Path(scratch) / f"random{k}"
            folder.mkdir()
            offers = _random_offers(rng)
            try:
                path = _with_offers(EXAMPLE, folder, offers)
                rows.append(run_one(f"example, random {k}", path))
            except Exception as error:  # an offer set the loader refuses: say so
                print(f"random {k} {offers}: skipped ({error})")
            print(rows[-1])
        if not args.no_national:
            folder = Path(scratch) / "national"
            folder.mkdir()
            rows.append(run_one("national", _with_offers(NATIONAL, folder, NATIONAL_OFFERS)))
            print(rows[-1])

    def body(frame: pd.DataFrame) -> list[str]:
        agree = int(frame.solve_agrees.sum())
        lines = [
            f"`apply` with offers in hand: the shipped scenario, {args.random} random offer "
            f"sets on the example catalog (seed {args.seed}) and national with 3 offers; one "
            "worker. `value` is the exact expected value of the chosen answer's "
            "applications; the baselines are the same measure for `solve`'s answer and for "
            "declining every offer ('<= x': ruled out by its best case x, so worth at most x "
            "and no more than the chosen value).",
            "",
            f"`solve`'s answer agrees with `apply`'s on {agree} of {len(frame)} instances; "
            f"median answering time {statistics.median(frame.answer_seconds):.1f} s, worst "
            f"{max(frame.answer_seconds):.1f} s; proven best on "
            f"{int(frame.proven.sum())} of {len(frame)}.",
            "",
            "| instance | offers | ways | searched | cannot beat | no plan | proven | answer s | "
            "accept | value | solve's answer | its value | decline all |",
            "|---|--:|--:|--:|--:|--:|---|--:|---|--:|---|--:|--:|",
        ]
        for row in rows:  # the frame's rows, with their types
            value = row["value"]
            lines.append(
                f"| {row['instance']} | {row['offers']} | {row['ways']} | {row['searched']} | "
                f"{row['cannot_beat']} | {row['no_plan']} | {'yes' if row['proven'] else 'no'} | "
                f"{row['answer_seconds']:.1f} | {row['accept']} | "
                f"{'—' if value is None or value != value else f'{value:.1f}'} | "
                f"{'same' if row['solve_agrees'] else row['solve_accept']} | "
                f"{row['solve_value']} | {row['decline_all_value']} |"
            )
        return lines

    write_results(rows, args.out, "offers", "Answering offers in hand", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
