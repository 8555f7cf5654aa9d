"""Infeasibility diagnosis: the conflict set is truly infeasible and minimal; repairs work."""

from __future__ import annotations

import copy
import dataclasses
import random
from collections.abc import Callable, Iterable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from rotation_solver.diagnose import Conflict, feasible_with, find_conflict, guarded_model
from rotation_solver.planner import plan_scenario
from rotation_solver.problem import build_problem
from rotation_solver.scenario import LoadedScenario, load_scenario
from rotation_solver.solve import SolveOptions
from tests.brute_force import best_plans
from tests.conftest import SCENARIOS, program
from tests.random_scenarios import random_scenario, write_scenario

ONE_WORKER = SolveOptions(workers=1, time_limit=20)
Make = Callable[..., LoadedScenario]


def assert_minimal_and_repairable(loaded: LoadedScenario, conflict: Conflict) -> None:
    keys = [rule.key for rule in conflict.rules]
    assert keys, "an infeasible scenario must name at least one rule"
    assert conflict.minimal
    plan_model = guarded_model(loaded, build_problem(loaded, relax_user_rules=True))
    feasible = feasible_with(plan_model, keys, 20, 0)
    assert feasible is False, "the named rules must conflict on their own"
    for key in keys:
        feasible = feasible_with(plan_model, [k for k in keys if k != key], 20, 0)
        assert feasible is True, f"without {key} the rest must be satisfiable (minimality)"
    assert len(conflict.repairs) == len(keys)
    for repair in conflict.repairs:
        if repair.objective is None:
            continue
        assert repair.repaired is not None
        outcome = plan_scenario(repair.repaired, ONE_WORKER, diagnose=False)  # checker runs here
        assert outcome.result.status == "optimal"
        assert outcome.result.objective == repair.objective
        assert best_plans(repair.repaired).objective == repair.objective


def test_shipped_infeasible_scenario_conflict_and_repairs() -> None:
    loaded = load_scenario(SCENARIOS / "infeasible" / "scenario.yaml")
    outcome = plan_scenario(loaded, ONE_WORKER)
    assert outcome.conflict is not None
    assert_minimal_and_repairable(loaded, outcome.conflict)
    budget = [r for r in outcome.conflict.repairs if r.rule == "budget"]
    assert budget and "$4,185" in budget[0].change and budget[0].total_cost == 4185


@pytest.mark.parametrize("seed", range(40))
def test_generated_infeasible_scenarios(tmp_path: Path, seed: int) -> None:
    loaded = load_scenario(write_scenario(tmp_path, random_scenario(random.Random(seed))))
    if best_plans(loaded).objective is not None:
        # A feasible scenario has no conflict to name.
        assert find_conflict(loaded).rules == ()
        return
    outcome = plan_scenario(loaded, ONE_WORKER)
    assert outcome.result.status == "infeasible" and outcome.conflict is not None
    assert_minimal_and_repairable(loaded, outcome.conflict)


def test_lock_inside_blocked_period(make: Make) -> None:
    calendar = {
        "window": {"start": "2027-06-01", "end": "2027-12-17"},
        "blocked": [{"start": "2027-06-10", "end": "2027-06-11", "reason": "exam"}],
    }
    rows = [program("a"), program("b", starts="2027-07-05")]
    loaded = make(rows, calendar=calendar, locks=[{"program": "a", "start": "2027-06-07"}])
    outcome = plan_scenario(loaded, ONE_WORKER)
    assert outcome.conflict is not None
    assert {r.key for r in outcome.conflict.rules} == {"lock:a@2027-06-07", "blocked:0"}
    assert_minimal_and_repairable(loaded, outcome.conflict)
    moved = next(r for r in outcome.conflict.repairs if r.rule == "blocked:0")
    assert "2027-06-10..2027-06-11 (exam)" in moved.change and "a 2027-06-07" in moved.change


def test_freeing_a_blocked_period_names_the_dates_solve_then_gives(tmp_path: Path) -> None:
    """The repair's dates are the plan `solve` shows once the period is freed (found by
    review: the same programs at other starts, skipping the earliest-schedule rule; on
    national, rad-033 07-19 and rad-046 08-16 where `solve` gives the other order)."""
    folder = SCENARIOS / "national"
    (tmp_path / "programs.csv").write_text((folder / "programs.csv").read_text("utf-8"), "utf-8")
    text = (folder / "scenario.yaml").read_text("utf-8")
    freed = tmp_path / "freed.yaml"
    freed.write_text(text, "utf-8")
    text = text.replace(
        "  blocked:\n", "  blocked:\n    - {start: 2027-06-01, end: 2027-12-17, reason: all}\n"
    )
    assert "reason: all" in text
    (tmp_path / "scenario.yaml").write_text(text, "utf-8")
    outcome = plan_scenario(load_scenario(tmp_path / "scenario.yaml"), ONE_WORKER)
    assert outcome.conflict is not None
    (repair,) = [r for r in outcome.conflict.repairs if r.rule == "blocked:0"]
    plan = plan_scenario(load_scenario(freed), ONE_WORKER, explain=False).result
    assert repair.objective == plan.objective
    named = repair.change.split("uses those days for ", 1)[1].split(", ")
    assert named == [f"{o.program_id} {o.start}..{o.end}" for o in plan.rotations]


def test_no_program_of_a_kind_says_what_rules_each_out(make: Make) -> None:
    """With every radiology program excluded or past its deadline, the reason counted
    neither (found by review); it counts each program by the rule its furthest start
    failed, kinds apart, clinical programs only in the requested specialties, in words
    that follow a count (a second review: "2 program does not take IMGs", and an
    excluded transitional program counted as clinical)."""
    rows = [
        program("a"),
        program("b"),
        program("late", application_deadline="2027-01-01"),
        program("c", specialty="internal_medicine", accepts_img=False),
        program("d", specialty="surgery", accepts_img=False),
        program("e", specialty="emergency_medicine"),
        program("t", specialty="transitional"),
    ]
    whys = []
    for radiology, clinical in ((1, 0), (0, 1)):
        req = {"radiology": {"min": radiology}, "clinical": {"min": clinical}, "tier_mix": False}
        outcome = plan_scenario(make(rows, exclude=["a", "b", "e", "t"], requirements=req))
        assert outcome.conflict is not None
        whys.append(str(outcome.payload["why"]))
    assert "no radiology rotation fits" in whys[0]
    assert "; of the 3 radiology programs, 2 excluded, 1 past their deadlines;" in whys[0]
    assert "no clinical rotation fits" in whys[1]
    assert "; of the 3 clinical programs, 1 excluded, 2 not taking IMGs;" in whys[1]


def test_two_accepted_starts_of_one_program_name_both_locks(make: Make) -> None:
    """Spec section 5 names no input error for it: the scenario is valid and has no plan."""
    rows = [program("a", starts="2027-06-07;2027-08-02"), program("b", starts="2027-07-05")]
    locks = [{"program": "a", "start": "2027-06-07"}, {"program": "a", "start": "2027-08-02"}]
    loaded = make(rows, locks=locks)
    assert any("locked (accepted) at 2 starts" in w for w in loaded.warnings)
    outcome = plan_scenario(loaded, ONE_WORKER)
    assert outcome.result.status == "infeasible" and outcome.conflict is not None
    assert {r.key for r in outcome.conflict.rules} == {"lock:a@2027-06-07", "lock:a@2027-08-02"}
    assert outcome.conflict.sentence().endswith(
        "(a is accepted at two starts, and a plan holds at most one rotation per program)"
    )
    assert_minimal_and_repairable(loaded, outcome.conflict)
    # The same lock written twice is one accepted offer.
    same = make(rows, locks=[locks[0], locks[0]])
    assert plan_scenario(same, ONE_WORKER).result.status == "optimal"


def test_overlapping_locks_name_the_overlap(make: Make) -> None:
    rows = [program("a"), program("b", starts="2027-06-14"), program("c", starts="2027-07-05")]
    locks = [{"program": "a", "start": "2027-06-07"}, {"program": "b", "start": "2027-06-14"}]
    outcome = plan_scenario(make(rows, locks=locks), ONE_WORKER)
    assert outcome.conflict is not None
    assert {r.key for r in outcome.conflict.rules} == {"lock:a@2027-06-07", "lock:b@2027-06-14"}
    assert outcome.conflict.sentence().endswith(
        "(the rotations overlap in time: a 2027-06-07..2027-06-20, b 2027-06-14..2027-06-27)"
    )


def test_locks_that_fit_the_calendar_are_not_called_overlapping(make: Make) -> None:
    rows = [program("a"), program("b", starts="2027-07-05"), program("c", starts="2027-08-02")]
    locks = [{"program": "a", "start": "2027-06-07"}, {"program": "b", "start": "2027-07-05"}]
    outcome = plan_scenario(make(rows, locks=locks, budget=1500), ONE_WORKER)
    assert outcome.conflict is not None
    assert "budget" in {r.key for r in outcome.conflict.rules}
    assert "overlap" not in outcome.conflict.sentence()


def test_late_document_names_the_date_that_reopens_programs(make: Make) -> None:
    docs = {"transcript": "2027-01-10", "bls": "2027-05-01"}
    rows = [
        program("a", requires="bls", application_deadline="2027-03-01"),
        program("b", requires="bls", application_deadline="2027-04-01", starts="2027-07-05"),
    ]
    loaded = make(rows, documents=docs)
    outcome = plan_scenario(loaded, ONE_WORKER)
    assert outcome.conflict is not None
    assert {r.key for r in outcome.conflict.rules} == {"documents:bls", "radiology.min"}
    assert_minimal_and_repairable(loaded, outcome.conflict)
    fix = next(r for r in outcome.conflict.repairs if r.rule == "documents:bls")
    assert fix.change.startswith("bls ready by 2027-04-01 (instead of 2027-05-01) reopens 1")


@pytest.mark.parametrize("deadline", [None, "2027-08-15"])
def test_a_document_ready_after_the_start_is_repaired_by_the_start(
    make: Make, deadline: str | None
) -> None:
    """Found by review: with `apply_by_start` and no deadline (or one after the start), the
    repair tried only deadlines, so it said relaxing the document "is not enough"."""
    docs = {"transcript": "2027-08-01"}
    row = program("a", starts="2027-07-05", application_deadline=deadline)
    req = {"radiology": {"min": 1}, "clinical": {"min": 0}, "tier_mix": False}
    # Spec section 4 as written: the document is in time for both (no deadline, or 08-15).
    literal = plan_scenario(make([row], documents=docs, requirements=req), ONE_WORKER)
    assert literal.conflict is None
    loaded = make([row], documents=docs, requirements={**req, "apply_by_start": True})
    outcome = plan_scenario(loaded, ONE_WORKER)
    assert outcome.conflict is not None
    assert "documents:transcript" in {r.key for r in outcome.conflict.rules}
    fix = next(r for r in outcome.conflict.repairs if r.rule == "documents:transcript")
    assert fix.change.startswith("transcript ready by 2027-07-05 (instead of 2027-08-01)")
    assert fix.objective is not None and fix.objective > 0


def test_gap_repair_finds_the_largest_workable_gap(make: Make) -> None:
    calendar = {"window": {"start": "2027-06-01", "end": "2027-12-17"}, "min_gap_days": 10}
    rows = [program("a"), program("b", starts="2027-06-28")]  # a ends 06-20: gap 7 fits
    req = {"radiology": {"min": 2}, "clinical": {"min": 0}, "tier_mix": False}
    loaded = make(rows, calendar=calendar, requirements=req)
    outcome = plan_scenario(loaded, ONE_WORKER)
    assert outcome.conflict is not None
    assert_minimal_and_repairable(loaded, outcome.conflict)
    gap = next(r for r in outcome.conflict.repairs if r.rule == "min_gap_days")
    assert gap.change == "shorten min_gap_days from 10 to 7"


def test_a_repair_that_drops_a_kind_of_rotation_says_what_is_given_up(make: Make) -> None:
    # Two radiology rotations and one clinical; the clinical one overlaps them both.
    rows = [
        program("a"),
        program("b", starts="2027-06-21"),
        program("im", specialty="internal_medicine", starts="2027-06-14"),
    ]
    req = {"radiology": {"min": 2}, "clinical": {"min": 1}, "tier_mix": False}
    outcome = plan_scenario(make(rows, requirements=req), ONE_WORKER)
    assert outcome.conflict is not None
    changes = {r.rule: r.change for r in outcome.conflict.repairs}
    assert changes["clinical.min"] == (
        "change clinical.min from 1 to 0 (the plan then has no U.S. clinical rotation: no "
        "bedside letter beyond radiology)"
    )
    assert changes["radiology.min"] == (
        "change radiology.min from 2 to 0 (the plan then has no radiology rotation, so no "
        "radiology letter)"
    )


@pytest.mark.parametrize(
    ("cheap", "given_up"),
    [
        ({"tier": "safety"}, " (the plan then has no reach or target radiology rotation)"),
        ({"img_friendly": False}, " (the plan then has no IMG-friendly target or safety "
                                  "radiology rotation)"),
        ({"tier": "reach"}, " (the plan then has no IMG-friendly target or safety radiology "
                            "rotation)"),
    ],
)  # fmt: skip
def test_dropping_tier_mix_says_which_half_the_plan_gives_up(
    make: Make, cheap: dict[str, Any], given_up: str
) -> None:
    """From the guide-rules audit: "drop tier_mix" did not say what was given up, as
    the clinical.min repair does."""
    rows = [program("cheap", fee=0, **cheap), program("dear", fee=5000, starts="2027-07-05")]
    req = {"radiology": {"min": 1}, "clinical": {"min": 0}, "tier_mix": True}
    outcome = plan_scenario(make(rows, requirements=req, budget=2000), ONE_WORKER)
    assert outcome.conflict is not None
    changes = {r.rule: r.change for r in outcome.conflict.repairs}
    assert changes["tier_mix"] == "drop tier_mix" + given_up


def test_only_the_tier_mix_repair_says_what_tier_mix_gave_up(make: Make) -> None:
    """From a mutation review: the budget repair of a plan that lacks both halves of
    tier_mix (off here) says nothing about them."""
    rows = [program("cheap", tier="safety", img_friendly=False)]
    req = {"radiology": {"min": 1}, "clinical": {"min": 0}, "tier_mix": False}
    outcome = plan_scenario(make(rows, requirements=req, budget=500), ONE_WORKER)
    assert outcome.conflict is not None
    changes = {r.rule: r.change for r in outcome.conflict.repairs}
    assert changes["budget"].startswith("raise the budget from $500")
    assert not any("the plan then has no reach" in change for change in changes.values())


# -- the named conflict, checked by brute force on relaxed scenarios ------------------------


def relaxed(data: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """The scenario with these rules lifted, written the way a student would lift them."""
    data = copy.deepcopy(data)
    req = data.setdefault("requirements", {})
    calendar = data["calendar"]
    dropped_periods = []
    for key in keys:
        kind, _, name = key.partition(":")
        if key in ("radiology.min", "clinical.min"):
            req.setdefault(key.split(".")[0], {})["min"] = 0
        elif key in ("radiology.max", "clinical.max"):
            req.setdefault(key.split(".")[0], {})["max"] = 50
        elif key == "max_rotations":
            req["max_rotations"] = 50
        elif key == "budget":
            data["budget"] = 10_000_000
        elif key == "tier_mix":
            req["tier_mix"] = False
        elif key == "min_gap_days":
            calendar["min_gap_days"] = 0
        elif key == "affordable_housing_per_week":
            req.pop("affordable_housing_per_week", None)
            req.pop("high_cost_rest_days", None)
        elif key == "high_cost_rest_days":
            req.pop("high_cost_rest_days", None)
        elif kind == "blocked":
            dropped_periods.append(int(name))
        elif kind == "documents":
            data["documents"][name] = data["planning_date"]
        else:
            raise AssertionError(f"no scenario-level relaxation for {key}")
    calendar["blocked"] = [
        p for i, p in enumerate(calendar.get("blocked", [])) if i not in dropped_periods
    ]
    if "high_cost_rest_days" in req and "affordable_housing_per_week" not in req:
        req.pop("high_cost_rest_days")
    return data


def test_named_conflicts_hold_by_brute_force(tmp_path: Path) -> None:
    """For random infeasible scenarios without locks: keeping only the named rules (every
    other rule lifted in the scenario file) has no plan, and lifting any one of them too
    gives a plan. The brute-force planner shares no code with the diagnosis."""
    checked = 0
    for seed in range(250):
        data = random_scenario(random.Random(seed))
        if data.get("locks"):
            continue  # lifting a lock has no scenario-level spelling (timing exemption)
        loaded = load_scenario(write_scenario(tmp_path, data, f"s{seed}.yaml"))
        if best_plans(loaded).objective is not None:
            continue
        conflict = find_conflict(loaded)
        named = [rule.key for rule in conflict.rules]
        every = list(guarded_model(loaded, build_problem(loaded, relax_user_rules=True)).guards)
        others = [k for k in every if k not in named]

        def has_plan(lifted: list[str], name: str, data: dict[str, Any] = data) -> bool:
            path = write_scenario(tmp_path, relaxed(data, lifted), name)
            return best_plans(load_scenario(path)).objective is not None

        assert not has_plan(others, f"s{seed}-only.yaml"), (seed, named)
        for key in named:
            assert has_plan([*others, key], f"s{seed}-{key}.yaml"), (seed, named, key)
        checked += 1
    assert checked >= 60, checked


def test_radiology_max_is_named_when_it_is_part_of_the_conflict(make: Make) -> None:
    # Found by review: tier_mix's big-M used radiology.max, so relaxing radiology.max in
    # the diagnosis changed nothing and tier_mix alone was blamed.
    loaded = make(
        [
            program("rad-reach", tier="reach", img_friendly=False, starts="2027-06-07"),
            program("rad-safe", tier="safety", starts="2027-07-05"),
            program("im-a", specialty="internal_medicine", starts="2027-08-02"),
        ],
        requirements={
            "radiology": {"min": 1, "max": 1},
            "clinical": {"min": 1, "max": 1},
            "tier_mix": True,
        },
    )
    conflict = plan_scenario(loaded, ONE_WORKER).conflict
    assert conflict is not None
    assert {rule.key for rule in conflict.rules} == {"radiology.min", "radiology.max", "tier_mix"}
    assert_minimal_and_repairable(loaded, conflict)


def test_max_rotations_is_named_with_the_affordable_rule(make: Make) -> None:
    # One rotation in all, and the only radiology program is dear: the affordable rule's
    # big-M must not carry max_rotations either.
    loaded = make(
        [
            program("rad-dear", housing_per_week=900, starts="2027-06-07"),
            program(
                "im-cheap", specialty="internal_medicine", housing_per_week=200, starts="2027-08-02"
            ),
        ],
        requirements={
            "radiology": {"min": 1, "max": 3},
            "clinical": {"min": 0, "max": 1},
            "max_rotations": 1,
            "tier_mix": False,
            "affordable_housing_per_week": 300,
        },
    )
    conflict = plan_scenario(loaded, ONE_WORKER).conflict
    assert conflict is not None
    assert {rule.key for rule in conflict.rules} == {
        "radiology.min",
        "max_rotations",
        "affordable_housing_per_week",
    }
    assert_minimal_and_repairable(loaded, conflict)


def test_a_conflict_search_out_of_time_names_every_rule_unnarrowed(make: Make) -> None:
    """Spec section 8: exit 3 names the conflicting rules, even when the time limit stops
    the search at once. No plan is proven, so all the rules together are a conflict."""
    rows = [program("a"), program("b", starts="2027-06-14")]
    locks = [{"program": "a", "start": "2027-06-07"}, {"program": "b", "start": "2027-06-14"}]
    loaded = make(rows, locks=locks, budget=1500)  # below the two rotations' $2,000
    conflict = find_conflict(loaded, time_limit=1e-9)
    keys = {rule.key for rule in conflict.rules}
    assert {"lock:a@2027-06-07", "lock:b@2027-06-14", "budget", "radiology.min"} <= keys
    assert not conflict.minimal
    assert "a longer --time-limit may name fewer" in conflict.sentence()
    # A budget that covers any plan is not named (a what-if asks at such a budget).
    rich = find_conflict(loaded.with_budget(2000), time_limit=1e-9)
    assert "budget" not in {rule.key for rule in rich.rules} and rich.rules
    # With time, the same search narrows it to the two locks.
    narrowed = find_conflict(loaded, time_limit=20)
    assert {rule.key for rule in narrowed.rules} == {"lock:a@2027-06-07", "lock:b@2027-06-14"}
    assert narrowed.minimal


def test_repairs_stopped_by_the_time_limit_are_not_called_impossible(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A repair's re-solve that ends 'unknown' proves nothing: 'not settled', never
    'relaxing it alone is not enough'."""
    import rotation_solver.repairs as repairs_module
    from rotation_solver.solve import NOT_SETTLED

    real = repairs_module.solve_problem

    def stopped(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        return dataclasses.replace(result, status="unknown", objective=None, rotations=())

    monkeypatch.setattr(repairs_module, "solve_problem", stopped)
    loaded = load_scenario(SCENARIOS / "infeasible" / "scenario.yaml")
    outcome = plan_scenario(loaded, ONE_WORKER)
    assert outcome.conflict is not None and outcome.conflict.repairs
    for repair in outcome.conflict.repairs:
        assert repair.objective is None and repair.change.endswith(NOT_SETTLED), repair.change


def test_the_conflict_search_shares_one_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every deletion test draws on one deadline (it used to get the whole limit each: on a
    national catalog, 5 minutes at the default). Rules it cannot settle stay in the set,
    which is then not called minimal, in the JSON or in words."""
    import time

    import rotation_solver.diagnose as diagnose_module
    from rotation_solver.diagnose import NOT_NARROWED

    real = diagnose_module.feasible_with
    limits: list[float] = []

    def slow(plan_model: Any, keys: list[str], time_limit: float, *args: Any) -> bool | None:
        limits.append(time_limit)
        time.sleep(0.25)
        return real(plan_model, keys, time_limit, *args)

    monkeypatch.setattr(diagnose_module, "feasible_with", slow)
    loaded = load_scenario(SCENARIOS / "infeasible" / "scenario.yaml")
    started = time.monotonic()
    conflict = find_conflict(loaded, time_limit=1.0)
    assert time.monotonic() - started < 2.0
    assert all(later < earlier for earlier, later in pairwise(limits)), limits
    assert not conflict.minimal and conflict.rules
    assert conflict.sentence().endswith(f"({NOT_NARROWED})")
    unlimited = find_conflict(loaded, time_limit=20.0)
    assert unlimited.minimal and len(unlimited.rules) < len(conflict.rules)


def test_the_repairs_share_one_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import rotation_solver.repairs as repairs_module
    from rotation_solver.repairs import suggest_repairs
    from rotation_solver.solve import NOT_SETTLED

    real = repairs_module.solve_problem
    limits: list[float] = []

    def slow(problem: Any, options: SolveOptions, **kwargs: Any) -> Any:
        limits.append(options.time_limit)
        time.sleep(0.3)
        return real(problem, options, **kwargs)

    monkeypatch.setattr(repairs_module, "solve_problem", slow)
    loaded = load_scenario(SCENARIOS / "infeasible" / "scenario.yaml")
    conflict = find_conflict(loaded)
    repairs = suggest_repairs(loaded, conflict, SolveOptions(workers=1, time_limit=0.5))
    assert limits and all(limit <= 0.5 for limit in limits)
    assert any(repair.change.endswith(NOT_SETTLED) for repair in repairs)


def test_a_search_whose_time_runs_out_after_the_first_test_keeps_every_rule(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The deadline can pass between any two tests (it did crash between the first test
    and the head start): every rule not settled stays named, and the set is not minimal."""
    import time

    import rotation_solver.diagnose as diagnose_module

    real = diagnose_module.feasible_with

    def slow(plan_model: Any, keys: list[str], time_limit: float, *args: Any) -> bool | None:
        answer = real(plan_model, keys, time_limit, *args)
        time.sleep(0.2)
        return answer

    monkeypatch.setattr(diagnose_module, "feasible_with", slow)
    loaded = load_scenario(SCENARIOS / "infeasible" / "scenario.yaml")
    conflict = find_conflict(loaded, time_limit=0.1)
    every = guarded_model(loaded, build_problem(loaded, relax_user_rules=True)).guards
    assert [rule.key for rule in conflict.rules] == list(every)
    assert not conflict.minimal


def test_an_accepted_offer_not_named_is_counted_as_open_and_says_so(make: Make) -> None:
    """Lifting a lock keeps the offer open (exempt from accepts_img), so lifting a rule
    only adds plans. Here the accepted program does not take IMGs: with the lock lifted
    but the offer open, two radiology rotations fit only within a larger budget. The
    sentence must say the accepted offer was counted as open."""
    loaded = make(
        [
            program("rad-closed", accepts_img=False, starts="2027-06-07"),
            program("rad-open", starts="2027-07-05"),
            program("im-a", specialty="internal_medicine", starts="2027-08-02"),
        ],
        budget=2500,
        requirements={"radiology": {"min": 2, "max": 3}, "tier_mix": False},
        locks=[{"program": "rad-closed", "start": "2027-06-07"}],
    )
    conflict = plan_scenario(loaded, ONE_WORKER).conflict
    assert conflict is not None
    assert {rule.key for rule in conflict.rules} == {"radiology.min", "clinical.min", "budget"}
    assert conflict.open_locks == ("rad-closed@2027-06-07",)
    assert "counting your accepted offer rad-closed@2027-06-07 as open to you" in (
        conflict.sentence()
    )
    assert_minimal_and_repairable(loaded, conflict)


def test_a_cheapest_plan_stopped_by_the_time_limit_is_not_called_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import rotation_solver.diagnose as diagnose_module
    from rotation_solver.solve import NotSettled

    loaded = load_scenario(SCENARIOS / "infeasible" / "scenario.yaml")
    settled = plan_scenario(loaded, ONE_WORKER, diagnose=False).payload["conflict"]
    assert settled["cheapest_plan_without_budget"] == 4185 and settled["cheapest_plan_settled"]

    def stopped(*_args: Any, **_kwargs: Any) -> int | None:
        raise NotSettled

    monkeypatch.setattr(diagnose_module, "cheapest_plan_cost", stopped)
    cut = plan_scenario(loaded, ONE_WORKER, diagnose=False).payload["conflict"]
    assert cut["cheapest_plan_without_budget"] is None and cut["cheapest_plan_settled"] is False


def test_too_few_programs_of_a_kind_are_counted_and_the_other_count_is_named(
    make: Make,
) -> None:
    """One radiology program left where two are needed, no clinical one where one is:
    the reason counts the programs, and relaxing radiology.min names clinical.min."""
    past = {"application_deadline": "2027-01-01"}  # before the planning date
    rows = [
        program("a"),
        program("b", **past),
        program("im", specialty="internal_medicine", **past),
    ]
    requirements = {"radiology": {"min": 2, "max": 3}, "clinical": {"min": 1, "max": 1}}
    loaded = make(rows, requirements={**requirements, "tier_mix": False})
    outcome = plan_scenario(loaded, ONE_WORKER)
    assert outcome.conflict is not None
    keys = [r.key for r in outcome.conflict.rules]
    assert len(keys) == 1 and keys[0] in {"radiology.min", "clinical.min"}
    sentence = outcome.conflict.sentence()
    if keys == ["radiology.min"]:
        assert (
            "only 1 radiology program has a start that fits the window, the deadlines and "
            "the other fixed rules, and 2 rotations at different programs are needed" in sentence
        )
        other = "clinical.min still cannot hold (no clinical rotation fits"
    else:
        assert "no clinical rotation fits" in sentence
        other = "radiology.min still cannot hold (only 1 radiology program has a start"
    (repair,) = outcome.conflict.repairs
    assert repair.objective is None
    assert repair.change.startswith(f"relaxing {keys[0]} alone is not enough: {other}")


def test_a_repair_that_is_not_enough_for_other_reasons_says_so(make: Make) -> None:
    """No count rule short of programs (one radiology program, one needed): relaxing
    tier_mix or the budget alone leaves the other, and the repair keeps the general words."""
    rows = [program("a", tier="reach", img_friendly=False, housing_per_week=3000)]
    requirements = {"radiology": {"min": 1, "max": 3}, "clinical": {"min": 0, "max": 1}}
    loaded = make(rows, budget=2000, requirements={**requirements, "tier_mix": True})
    outcome = plan_scenario(loaded, ONE_WORKER)
    assert outcome.conflict is not None
    assert "rotations at different programs" not in outcome.conflict.sentence()
    stuck = [r for r in outcome.conflict.repairs if r.rule in {"tier_mix", "budget"}]
    assert stuck and all(
        r.change == f"relaxing {r.rule} alone is not enough: other rules still conflict"
        for r in stuck
    )


@pytest.mark.parametrize("ruled_out_by", ["blocked", "documents", "lock"])
def test_the_count_also_says_how_many_programs_the_student_s_own_rules_leave(
    make: Make, ruled_out_by: str
) -> None:
    """Found by review: a program that only a blocked period, a late document or a lock
    clash rules out was counted as fitting, against `validate`'s count of 1."""
    rows = [
        program("a"),
        program("b", starts="2027-07-05"),
        program("c", **{"application_deadline": "2027-01-01"}),
    ]
    changes: dict[str, Any] = {}
    if ruled_out_by == "blocked":
        changes["calendar"] = {
            "window": {"start": "2027-06-01", "end": "2027-12-17"},
            "blocked": [{"start": "2027-07-06", "end": "2027-07-08"}],
        }
    elif ruled_out_by == "documents":
        rows[1] = program(
            "b", starts="2027-07-05", requires="bls", application_deadline="2027-03-01"
        )
        changes["documents"] = {"transcript": "2027-01-10", "bls": "2027-04-01"}
    else:
        rows[0] = program("a", weeks=6)  # 06-07..07-18 holds b's start
        changes["locks"] = [{"program": "a", "start": "2027-06-07"}]
    requirements = {"radiology": {"min": 3, "max": 3}, "clinical": {"min": 0, "max": 1}}
    loaded = make(rows, requirements={**requirements, "tier_mix": False}, **changes)
    outcome = plan_scenario(loaded, ONE_WORKER)
    assert outcome.conflict is not None
    assert (
        "only 2 radiology programs have a start that fits the window, the deadlines and the "
        "other fixed rules, 1 with your blocked periods, document dates and accepted offers "
        "as they are; 3 rotations at different programs are needed"
    ) in outcome.conflict.sentence()
    assert len(build_problem(loaded).programs_of("radiology")) == 1  # what validate counts


def test_repairs_come_best_first() -> None:
    """From a new-user review: "change radiology.min from 2 to 0 (worth 31)" led the
    list of a radiology applicant, above "raise the budget to $4,185 (worth 176)"."""
    loaded = load_scenario(SCENARIOS / "infeasible" / "scenario.yaml")
    conflict = plan_scenario(loaded, SolveOptions(workers=1)).conflict
    assert conflict is not None
    worth = [r.objective for r in conflict.repairs]
    assert worth[:2] == [176, 31] and worth[2:] == [None]
    found = [w for w in worth if w is not None]
    assert found == sorted(found, reverse=True) and worth.index(None) == len(found)
