"""The scenario layer: files in, one checked immutable `LoadedScenario` out."""

from rotation_solver.scenario.loader import (
    LoadedScenario,
    ResolvedRequirements,
    load_scenario,
    load_value_model,
    offer_again,
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
    "load_scenario",
    "load_value_model",
    "offer_again",
    "resolve_requirements",
]
