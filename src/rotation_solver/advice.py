"""Warnings for what the guide recommends but a model cannot (or should not) enforce."""

from __future__ import annotations

from rotation_solver.offerings import Offering


def plan_warnings(rotations: tuple[Offering, ...]) -> list[str]:
    """Plain-language cautions about a plan, each tied to a section of the guide."""
    radiology = [o for o in rotations if o.is_radiology]
    clinical = [o for o in rotations if not o.is_radiology]
    warnings = []
    if radiology and all(o.tier == "reach" for o in radiology):
        warnings.append(
            "every radiology rotation is at a reach program: balance the list with realistic "
            "and safety programs that take IMGs (guide, Pitfalls: 'Applying only to top name "
            "programs')."
        )
    if radiology and not clinical:
        warnings.append(
            "no U.S. clinical rotation: consider one in medicine, surgery or emergency medicine "
            "for a letter outside radiology (guide, Pitfalls: 'too few backups')."
        )
    if len(radiology) > 3:
        warnings.append(
            f"{len(radiology)} radiology rotations: beyond three the benefit usually plateaus "
            "relative to the cost (guide, FAQ 1)."
        )
    if radiology and all(o.timing < 1 for o in radiology):
        warnings.append(
            "no radiology letter will be ready for ERAS submission: the guide's primary window "
            "is June-September (guide, Step 3)."
        )
    return warnings
