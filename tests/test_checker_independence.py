"""The independent checker shares no code with the model: not its imports, and not the
rows the loader rewrites for it (offers, applications sent, fees paid), which the
checker derives again from the catalog as written (`check_inputs`).

Found by review: a loader that zeroed every fee moved the optimum of a shipped scenario
from 300 to 302, and the checker, reading the same rows, agreed."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rotation_solver.check_inputs import checked_inputs
from rotation_solver.cli import cli
from rotation_solver.scenario import LoadedScenario, Program, load_scenario
from rotation_solver.scenario import loader as scenario_loader
from tests.conftest import SCENARIOS
from tests.random_scenarios import random_scenario, write_scenario

DATA = Path(__file__).parent / "data"
WITH_EXTENSIONS = [
    SCENARIOS / "offers-in-hand" / "scenario.yaml",
    SCENARIOS / "applications-sent" / "scenario.yaml",
]


def _every_scenario() -> list[Path]:
    """The shipped scenarios and the tests' own (those that load)."""
    return sorted(SCENARIOS.glob("*/scenario.yaml")) + sorted(DATA.rglob("scenario.yaml"))


def test_the_checkers_modules_import_nothing_of_the_model() -> None:
    probe = (
        "import sys, rotation_solver.checker, rotation_solver.prover, rotation_solver.verify; "
        "import json; print(json.dumps(sorted(m for m in sys.modules "
        "if m.startswith(('rotation_solver', 'ortools')))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    imported = set(json.loads(loaded))
    model_side = {
        "ortools",
        *(
            f"rotation_solver.{name}"
            for name in ("model", "offerings", "problem", "solve", "planner", "reduction")
        ),
        *(f"rotation_solver.{name}" for name in ("greedy", "ties", "explain", "portfolio")),
    }
    assert "rotation_solver.check_inputs" in imported
    assert not imported & model_side


def _loads(path: Path) -> LoadedScenario | None:
    try:
        return load_scenario(path)
    except Exception:  # a test case of bad input: nothing to compare
        return None


@pytest.mark.parametrize("path", _every_scenario(), ids=lambda p: p.parent.name)
def test_the_checkers_rows_are_the_loaders_rows(path: Path) -> None:
    """Two derivations of one rule set agree on every scenario that loads."""
    loaded = _loads(path)
    if loaded is None:
        pytest.skip("bad input")
    inputs = checked_inputs(loaded)
    assert inputs.programs == {program.id: program for program in loaded.programs}
    assert inputs.paid_fees == loaded.paid_fees
    assert inputs.offered == {(offer.program, offer.start) for offer in loaded.offers}
    assert inputs.sent == {a.program: a.starts for a in loaded.applied}
    assert inputs.refused == set(loaded.refused)


def test_the_shipped_scenarios_exercise_every_extension() -> None:
    """The comparison above means something: offers, sent and paid are all present."""
    inputs = [checked_inputs(load_scenario(path)) for path in WITH_EXTENSIONS]
    assert any(i.offered for i in inputs)
    assert any(i.sent for i in inputs)
    assert all(i.paid_fees > 0 for i in inputs)


def _keep_every_fee(program: Program, paid: set[str]) -> Program:
    return program.model_copy(update={"fee": 0})


def _ignore_offers(program: Program, scenario: Any, offers: Any) -> Program:
    return program


def _keep_deadlines_of_sent(program: Program, scenario: Any, sent: Any) -> Program:
    named = any(application.program == program.id for application in sent)
    return program.model_copy(update={"fee": 0}) if named else program


@pytest.mark.parametrize(
    ("name", "mutant", "scenario"),
    [
        ("_paid", _keep_every_fee, "offers-in-hand"),
        ("_paid", _keep_every_fee, "applications-sent"),
        ("_as_offered", _ignore_offers, "offers-in-hand"),
        ("_as_sent", _keep_deadlines_of_sent, "applications-sent"),
    ],
)
def test_a_loader_that_rewrites_rows_wrongly_is_caught_by_the_checker(
    monkeypatch: pytest.MonkeyPatch, name: str, mutant: Any, scenario: str
) -> None:
    """Each mutant changes the plan `solve` finds; before `check_inputs`, the checker read
    the same wrong rows and passed every one (exit 0)."""
    monkeypatch.setattr(scenario_loader, name, mutant)
    path = SCENARIOS / scenario / "scenario.yaml"
    result = CliRunner().invoke(cli, ["solve", str(path), "--workers", "1", "--no-explain"])
    assert result.exit_code == 70, result.output
    assert "the independent checker rejected the solver's plan" in result.output


def _agree(loaded: LoadedScenario, what: str) -> None:
    inputs = checked_inputs(loaded)
    assert inputs.programs == {p.id: p for p in loaded.programs}, what
    assert inputs.paid_fees == loaded.paid_fees, what
    assert inputs.offered == {(offer.program, offer.start) for offer in loaded.offers}, what
    assert inputs.sent == {a.program: a.starts for a in loaded.applied}, what
    assert inputs.refused == set(loaded.refused), what


@pytest.mark.parametrize("path", _every_scenario(), ids=lambda p: p.parent.name)
def test_the_two_derivations_agree_after_a_lock_is_dropped_and_offers_are_answered(
    path: Path,
) -> None:
    """The scenarios the planner derives as a student would write them: a lock dropped by
    a repair (`drop_lock`), offers answered by `apply` (`answered`), and both. Found by
    review: with two locks, dropping one lost the other's `offers:` entry (exit 70); an
    accepted offer kept the offer's row where the checker read the catalog's."""
    from rotation_solver.portfolio.acceptance import answer_sets, answered
    from rotation_solver.scenario.loader import drop_lock

    loaded = _loads(path)
    if loaded is None:
        pytest.skip("bad input")
    for lock in loaded.locks:
        _agree(drop_lock(loaded, lock), f"without {lock}")
    for accept in answer_sets(loaded.offers):
        way = answered(loaded, accept)
        _agree(way, f"accepting {accept}")
        for lock in way.locks:
            _agree(drop_lock(way, lock), f"accepting {accept}, then without {lock}")


def test_the_derived_scenarios_above_include_locks_and_offers() -> None:
    """The test above means something: two locks with offers, and several answers."""
    two = load_scenario(DATA / "review29" / "two_locks" / "scenario.yaml")
    assert len(two.locks) == 2
    assert len(checked_inputs(load_scenario(WITH_EXTENSIONS[0])).offered) >= 2


@pytest.mark.parametrize(
    ("command", "folder", "code"),
    [("solve", "two_locks", 3), ("timeline", "accepted_offer_bls", 0)],
)
def test_repairs_and_answered_offers_pass_the_checker(command: str, folder: str, code: int) -> None:
    """Found by review: exit 70 on both (a repair that drops one of two locks; `apply`
    accepting an offer whose catalog row waits for a document)."""
    path = DATA / "review29" / folder / "scenario.yaml"
    result = CliRunner().invoke(cli, [command, str(path), "--workers", "1"])
    assert result.exit_code == code, result.output
    assert "internal error" not in result.output


def _with_extensions(rng: random.Random, data: dict[str, Any]) -> dict[str, Any]:
    """A random scenario with offers in hand, applications sent (with and without the
    starts they name), refusals, and locks on offered, applied or other programs."""
    rows = data["programs"]
    starts = {row["id"]: row["starts"].split(";") for row in rows}
    ids = list(starts)
    offered = rng.sample(ids, rng.randint(0, min(3, len(ids))))
    data["offers"] = [
        {"program": pid, "start": start}
        for pid in offered
        for start in rng.sample(starts[pid], rng.randint(1, len(starts[pid])))
    ]
    data["applied"] = []
    for pid in rng.sample(ids, rng.randint(0, min(4, len(ids)))):
        entry: dict[str, Any] = {"program": pid}
        if rng.random() < 0.5:
            entry["starts"] = rng.sample(starts[pid], rng.randint(1, len(starts[pid])))
        data["applied"].append(entry)
    applied = [entry["program"] for entry in data["applied"] if entry["program"] not in offered]
    data["exclude"] = rng.sample(applied, rng.randint(0, len(applied))) if applied else []
    free = [pid for pid in ids if pid not in data["exclude"]]
    data["locks"] = []
    for pid in rng.sample(free, rng.randint(0, min(2, len(free)))):
        data["locks"].append({"program": pid, "start": rng.choice(starts[pid])})
    return data


@pytest.mark.parametrize("seed", range(120))
def test_the_two_derivations_agree_on_random_offers_applications_and_locks(
    tmp_path: Path, seed: int
) -> None:
    from rotation_solver.portfolio.acceptance import answer_sets, answered
    from rotation_solver.scenario.loader import drop_lock

    rng = random.Random(seed)
    data = _with_extensions(rng, random_scenario(rng))
    loaded = _loads(write_scenario(tmp_path, data))
    if loaded is None:
        pytest.skip("refused as input (an offer of an excluded program, say)")
    _agree(loaded, "as loaded")
    for lock in loaded.locks:
        _agree(drop_lock(loaded, lock), f"without {lock}")
    for accept in answer_sets(loaded.offers)[:8]:
        way = answered(loaded, accept)
        _agree(way, f"accepting {accept}")
        for lock in way.locks:
            _agree(drop_lock(way, lock), f"accepting {accept}, then without {lock}")
    if seed % 6 == 0:  # and end to end, with the repairs' re-solves
        result = CliRunner().invoke(
            cli, ["solve", str(tmp_path / "scenario.yaml"), "--workers", "1"]
        )
        assert result.exit_code in (0, 3), result.output
