"""CP-SAT's optimum agrees with an exhaustive search; every plan passes the checker."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rotation_solver.checker import check_plan
from rotation_solver.errors import InputError
from rotation_solver.offerings import expand
from rotation_solver.planner import plan_scenario
from rotation_solver.scenario import LoadedScenario, load_scenario
from rotation_solver.solve import SolveOptions
from tests.brute_force import best_plans
from tests.conftest import SCENARIOS
from tests.random_scenarios import random_scenario, write_scenario

ONE_WORKER = SolveOptions(workers=1, time_limit=30)


def agree(loaded: LoadedScenario) -> str:
    """Solve, compare with the exhaustive optimum, and re-check; return the status."""
    outcome = plan_scenario(loaded, ONE_WORKER)  # raises if the checker rejects the plan
    best = best_plans(loaded)
    if best.objective is None:
        assert outcome.result.status == "infeasible"
        assert outcome.conflict is not None and outcome.conflict.rules
    else:
        assert outcome.result.status == "optimal"
        assert outcome.result.objective == best.objective
        chosen = tuple((o.program_id, o.start) for o in outcome.result.rotations)
        assert chosen in best.plans
        assert check_plan(loaded, outcome.payload).ok
    return outcome.result.status


@pytest.mark.parametrize("seed", range(40))
def test_cp_sat_matches_exhaustive_search(tmp_path: Path, seed: int) -> None:
    scenario = random_scenario(random.Random(seed))
    agree(load_scenario(write_scenario(tmp_path, scenario)))


@pytest.mark.parametrize("seed", range(60))
def test_cp_sat_matches_exhaustive_search_with_locks(tmp_path: Path, seed: int) -> None:
    """Offerings that clash with a lock are left out before modelling; the exhaustive
    search keeps every pair, so leaving out one a plan could use would show here."""
    rng = random.Random(5_000 + seed)
    scenario = random_scenario(rng)
    scenario.pop("locks", None)
    scenario["calendar"]["min_gap_days"] = rng.choice([0, 3, 7])
    # Lock offerings that exist: half of the time a rotation of the best plan without
    # locks (its neighbours, often close to it, must stay), else any one or two.
    free = load_scenario(write_scenario(tmp_path, scenario, "free.yaml"))
    best = best_plans(free)
    if seed % 2 == 0 and best.objective is not None and best.plans[0]:
        picks = [rng.choice(best.plans[0])]
    else:
        offers = [o.key for o in expand(free).offerings]
        picks = rng.sample(offers, min(len(offers), rng.randint(1, 2)))
    scenario["locks"] = [{"program": pid, "start": str(start)} for pid, start in picks]
    locked = {pid for pid, _ in picks}
    scenario["exclude"] = [p for p in scenario.get("exclude", []) if p not in locked]
    agree(load_scenario(write_scenario(tmp_path, scenario)))


def test_random_set_has_both_outcomes(tmp_path: Path) -> None:
    # Guard against a generator that only makes easy (or only impossible) scenarios.
    statuses = set()
    for seed in range(40):
        path = write_scenario(tmp_path, random_scenario(random.Random(seed)), f"s{seed}.yaml")
        statuses.add(bool(best_plans(load_scenario(path)).objective is not None))
    assert statuses == {True, False}


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    # Hypothesis drives every draw of this Random, so a failing scenario shrinks field by
    # field (a plain seed would not shrink). At least 3 programs: with 1 or 2 most
    # scenarios have no plan and say little.
    rng=st.randoms(use_true_random=False),
    size=st.integers(min_value=3, max_value=8),
)
def test_generated_scenarios_give_valid_plans_or_proven_infeasibility(
    tmp_path: Path, rng: random.Random, size: int
) -> None:
    scenario = random_scenario(rng, programs=size)
    try:
        loaded = load_scenario(write_scenario(tmp_path, scenario, "generated.yaml"))
    except InputError as error:  # pragma: no cover - the generator must only make valid files
        pytest.fail(f"generator made an invalid scenario: {error}")
    agree(loaded)


@pytest.mark.parametrize(
    ("name", "objective", "plan"),
    [
        (
            "example",
            213,
            [
                ("rad-cedar", "2027-06-14"),
                ("rad-juniper", "2027-07-26"),
                ("em-saguaro", "2027-08-16"),
            ],
        ),
        (
            "tight-budget",
            176,
            [
                ("rad-cedar", "2027-06-14"),
                ("im-derbyfield", "2027-07-26"),
                ("rad-prairie", "2027-08-09"),
            ],
        ),
        (
            "offers-in-hand",
            300,
            [
                ("rad-cedar", "2027-06-14"),
                ("rad-peachleaf", "2027-08-02"),
                ("em-saguaro", "2027-09-20"),
            ],
        ),
        (
            "applications-sent",
            213,
            [
                ("rad-cedar", "2027-06-14"),
                ("rad-juniper", "2027-07-26"),
                ("em-saguaro", "2027-08-16"),
            ],
        ),
        (
            "challenged-home",
            259,
            [
                ("rad-sunbelt", "2027-06-14"),
                ("rad-willow", "2027-07-05"),
                ("im-fiddler", "2027-08-09"),
                ("rad-cowtown", "2027-09-13"),
            ],
        ),
    ],
)
def test_shipped_scenarios_known_optima(
    name: str, objective: int, plan: list[tuple[str, str]]
) -> None:
    # Optima found by two exhaustive searches written apart from the model.
    loaded = load_scenario(SCENARIOS / name / "scenario.yaml")
    outcome = plan_scenario(loaded, ONE_WORKER)
    assert outcome.result.status == "optimal"
    assert outcome.result.objective == objective == best_plans(loaded).objective
    assert [(r["program_id"], r["start"]) for r in outcome.payload["rotations"]] == plan


def test_shipped_infeasible_scenario() -> None:
    loaded = load_scenario(SCENARIOS / "infeasible" / "scenario.yaml")
    outcome = plan_scenario(loaded, ONE_WORKER)
    assert outcome.result.status == "infeasible"
    assert best_plans(loaded).objective is None
    assert outcome.conflict is not None
    assert "budget" in {rule.key for rule in outcome.conflict.rules}


def test_same_seed_one_worker_gives_the_same_plan() -> None:
    loaded = load_scenario(SCENARIOS / "national" / "scenario.yaml")
    first = plan_scenario(loaded, SolveOptions(workers=1, seed=0))
    second = plan_scenario(loaded, SolveOptions(workers=1, seed=0))
    assert first.result.status == "optimal"
    assert first.payload["rotations"] == second.payload["rotations"]
    assert first.result.objective == second.result.objective


def test_national_scenario_is_solved_to_optimality() -> None:
    loaded = load_scenario(SCENARIOS / "national" / "scenario.yaml")
    outcome = plan_scenario(loaded, SolveOptions(seed=0))
    assert outcome.result.status == "optimal"
    assert outcome.result.gap == 0
    assert len(outcome.problem.offerings) > 4000
