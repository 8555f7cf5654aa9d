"""The independent checker shares no code with the model: not its imports, and not the
rows the loader rewrites for it (offers, applications sent, fees paid), which the
checker derives again from the catalog as written (`check_inputs`).

Found by review: a loader that left every paid fee in the rows made `solve` plan with
the wrong costs, and the checker, reading the same rows, agreed."""

from __future__ import annotations

import json
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


def test_offers_answered_by_apply_are_read_by_the_checker_as_a_student_would_write_them() -> None:
    """`apply`'s answers (accepted under locks, declined under exclude, both still under
    offers) keep the catalog as written: the checker applies them itself, with the same
    fees already paid as the planner."""
    from rotation_solver.portfolio.acceptance import answer_sets, answered

    loaded = load_scenario(WITH_EXTENSIONS[0])
    ways = answer_sets(loaded.offers)
    assert len(ways) >= 3
    for accept in ways:
        way = answered(loaded, accept)
        assert way.catalog == loaded.catalog
        inputs = checked_inputs(way)
        assert inputs.paid_fees == way.paid_fees == loaded.paid_fees
        assert not inputs.offered & {(lock.program, lock.start) for lock in accept}
        planned = {p.id: p for p in way.programs}
        # Accepted offers are locks: rows the checker reads as written (a lock needs no
        # application); every other row is the planner's.
        for program_id, row in inputs.programs.items():
            if program_id not in {lock.program for lock in accept}:
                assert row == planned[program_id], program_id
