"""Value models (spec section 6) are data: YAML files in `models/`."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from rotation_solver import files
from rotation_solver.scenario.numbers import Number, Whole


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Profile(_Strict):
    """Thresholds that make a student `strong` rather than `challenged`."""

    strong_step2ck: Whole = Field(
        240, ge=0, le=1000, description="Step 2 CK at or above this is strong."
    )
    strong_us_clinical_weeks: Whole = Field(
        4, ge=0, le=1000, description="U.S. clinical weeks at or above this is strong."
    )


class Weights(_Strict):
    """Objective weights for one profile."""

    letter: Number = Field(ge=0, le=1000, description="Weight of a radiology letter (0..10 scale).")
    audition: Number = Field(ge=0, le=1000, description="Weight of audition*interest/5.")
    clinical_letter: Number = Field(ge=0, le=1000, description="Weight of a clinical letter.")
    extra_radiology_penalty: Whole = Field(
        ge=0, le=1_000_000, description="Subtracted for each radiology rotation beyond two."
    )


class ProfileWeights(_Strict):
    """Weights for a strong and for a challenged profile."""

    strong: Weights = Field(description="Weights when the student is strong.")
    challenged: Weights = Field(description="Weights when the student is challenged.")


class Timing(_Strict):
    """How the letter timing against ERAS discounts value."""

    letter_lead_days: Whole = Field(
        21, ge=0, le=365, description="Days after a rotation ends until its letter is uploaded."
    )
    late_factor: Number = Field(
        Decimal("0.5"), ge=0, le=1, description="Value factor when the letter misses ERAS."
    )


class ValueModel(_Strict):
    """A value model file."""

    name: str | None = Field(None, description="Short name shown in reports.")
    description: str | None = Field(None, description="What this model favours.")
    profile: Profile = Field(default_factory=Profile, description="Strong/challenged thresholds.")
    weights: ProfileWeights = Field(description="Objective weights per profile.")
    timing: Timing = Field(default_factory=Timing, description="Letter timing.")


def models_dir() -> Path:
    """Where the shipped value models live (a wheel carries them inside the package)."""
    packaged = Path(__file__).resolve().parent.parent / "models"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "models"


def available_models() -> list[str]:
    """Names of the shipped value models."""
    return sorted(path.stem for path in models_dir().glob("*.yaml"))


def resolve_model_path(reference: str, *relative_to: Path) -> Path | None:
    """A model name in models/ or a path, relative to the first folder of `relative_to`
    where it exists (the scenario's folder for its `value_model:`)."""
    # Any suffix makes a path (a fuzz review's `model.txt` was looked up as a name);
    # the shipped names have none.
    if Path(reference).suffix or "/" in reference:
        for folder in relative_to:
            try:
                direct = files.real_path(folder / os.path.expanduser(reference))
            except OSError:  # a symlink loop: not a model file
                continue
            if direct.exists():
                return direct
        return None
    shipped = models_dir() / f"{reference}.yaml"
    return shipped if shipped.exists() else None
