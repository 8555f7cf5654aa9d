"""An input the system will not let us read is bad input (exit 1) that names it.

Found by review: an unreadable catalog or value model gave "cannot write the output"
and exit 74, and an unreadable scenario or plan a usage error (exit 2). Tests run as
root, which permission bits do not stop, so the refusal is simulated.
"""

from __future__ import annotations

import errno
import pathlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from rotation_solver.cli import cli
from tests.conftest import SCENARIOS

EXAMPLE = SCENARIOS / "example"


def _refuse(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Reading a file called `name` fails as a file without read permission does."""
    real = pathlib.Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == name:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)


def _copy(tmp_path: Path) -> Path:
    for name in ("scenario.yaml", "programs.csv"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    return tmp_path / "scenario.yaml"


def _said(result) -> str:  # type: ignore[no-untyped-def]
    return " ".join(result.output.split())


@pytest.mark.parametrize("command", ["validate", "solve"])
def test_an_unreadable_catalog_is_bad_input_at_the_programs_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    scenario = _copy(tmp_path)
    _refuse(monkeypatch, "programs.csv")
    result = CliRunner().invoke(cli, [command, str(scenario)])
    assert result.exit_code == 1
    said = _said(result)
    assert "scenario.yaml:" in said and "programs: cannot read" in said
    assert "programs.csv" in said and "Permission denied" in said
    assert "cannot write" not in said and "Traceback" not in result.output


@pytest.mark.parametrize("name", ["scenario.yaml", "mine.yaml", "plan.json"])
def test_an_unreadable_scenario_value_model_or_plan_is_bad_input_not_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    scenario = _copy(tmp_path)
    shutil.copy(SCENARIOS.parent / "models" / "default.yaml", tmp_path / "mine.yaml")
    (tmp_path / "plan.json").write_text("{}", encoding="utf-8")
    _refuse(monkeypatch, name)
    args = {
        "scenario.yaml": ["solve", str(scenario)],
        "mine.yaml": ["validate", str(scenario), "--value-model", str(tmp_path / "mine.yaml")],
        "plan.json": ["check", str(scenario), str(tmp_path / "plan.json")],
    }[name]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert f"{name}: cannot read the file: Permission denied" in _said(result)


def test_a_folder_that_cannot_be_entered_is_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = _copy(tmp_path)
    real = pathlib.Path.exists

    def exists(self: Path, **kwargs: object) -> bool:
        if self.name == "programs.csv":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pathlib.Path, "exists", exists)
    result = CliRunner().invoke(cli, ["validate", str(scenario)])
    assert result.exit_code == 1
    assert "programs: cannot read" in _said(result)
