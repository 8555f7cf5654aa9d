"""Found by this session's reviews: each test fails on the code before its fix."""

from __future__ import annotations

from typing import Any

from rotation_solver.plot import _title


def _payload(**extra: Any) -> dict[str, Any]:
    return {"budget": 9000, "total_cost": 6380, "status": "optimal", "objective": 300,
            "rotations": [{}, {}, {}], **extra}  # fmt: skip


def test_the_pictures_total_says_how_much_of_it_is_fees_already_paid() -> None:
    """Found by review: "$8,890" over boxes that add up to $8,700, the rest unexplained."""
    assert "total cost $6,380 of $9,000 budget ($2,620 left), $370 of it fees already paid" in (
        _title(_payload(paid_fees=370))
    )
    assert "fees already paid" not in _title(_payload(paid_fees=0))
    assert "fees already paid" not in _title(_payload())
