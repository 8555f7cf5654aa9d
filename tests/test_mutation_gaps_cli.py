"""Inputs from the second and third mutation reviews (apply, the calendar, the timeline,
the diagnosis and repairs, ties, compare and frontier; cases `R3A_*` the input layer,
`R3B_*` the reduction and the portfolio): each command's whole output on its input
tells the code from a one-line mutant that no other test caught. `cases.json` names the
mutant beside each case; `expected.out` is the output the code gives (timings left out).

After an intended change of wording, rewrite the expected outputs with
`ROTATION_SOLVER_REWRITE_GAPS=1 python -m pytest tests/test_mutation_gaps_cli.py`,
and read the diff: a changed date, value or order is a changed behaviour.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rotation_solver.cli import cli

GAPS = Path(__file__).parent / "data" / "mutation_gaps_cli"
CASES = json.loads((GAPS / "cases.json").read_text(encoding="utf-8"))
REWRITE = os.environ.get("ROTATION_SOLVER_REWRITE_GAPS") == "1"


def _without_timings(node: Any) -> Any:
    """JSON without the seconds things took: they differ from run to run."""
    if isinstance(node, dict):
        return {
            key: _without_timings(value)
            for key, value in node.items()
            if not key.endswith("seconds") and key != "timings"
        }
    if isinstance(node, list):
        return [_without_timings(value) for value in node]
    return node


def _comparable(text: str) -> Any:
    try:
        return _without_timings(json.loads(text))
    except json.JSONDecodeError:
        return text.splitlines()


@pytest.mark.parametrize("case", CASES, ids=[case["case"] for case in CASES])
def test_the_output_tells_the_code_from_its_mutant(
    case: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = GAPS / case["case"]
    monkeypatch.chdir(folder)  # the outputs name the scenario as the command did
    result = CliRunner().invoke(cli, case["args"])
    assert result.exit_code == case["exit"], result.output
    expected = folder / "expected.out"
    if REWRITE:
        expected.write_text(result.stdout, encoding="utf-8")
    assert _comparable(result.stdout) == _comparable(expected.read_text(encoding="utf-8")), case[
        "mutant"
    ]
