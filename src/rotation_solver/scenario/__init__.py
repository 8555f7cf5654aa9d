"""The scenario layer: files in, one checked immutable `LoadedScenario` out."""

from rotation_solver.scenario.loader import (
    LoadedScenario,
    ResolvedRequirements,
    drop_lock,
    load_scenario,
    load_value_model,
    resolve_requirements,
)
from rotation_solver.scenario.schema import Lock, Program, Scenario
from rotation_solver.scenario.value_model import ValueModel, Weights

__all__ = [
    "LoadedScenario",
    "Lock",
    "Program",
    "ResolvedRequirements",
    "Scenario",
    "ValueModel",
    "Weights",
    "drop_lock",
    "load_scenario",
    "load_value_model",
    "resolve_requirements",
]
