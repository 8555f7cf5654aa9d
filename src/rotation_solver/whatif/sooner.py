"""`compare`'s "most of the gain comes sooner": a cheaper budget between two rows.

Two budgets side by side hide the steps between them: "+$2,000 buys +16" reads as
"I need $2,000" when $80 already buys 15 of the 16 (found by a student's review).
Between each pair of compared budgets where the value rises, the exact frontier
is searched (only that stretch) for the cheapest plan that reaches most of the
gain; it is named when it needs at most half of the extra money the higher row's
plan costs (its cost beyond the lower budget, not the budgets' difference: found by
review, the README read either way).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from rotation_solver.scenario import LoadedScenario
from rotation_solver.solve import SolveOptions
from rotation_solver.whatif.budget_sweep import Sweep
from rotation_solver.whatif.reuse import OnStep
from rotation_solver.whatif.value_cost_frontier import frontier

# Named when it reaches at least this share of the gain ...
MOST_OF_THE_GAIN = 0.75
# ... for at most this share of the extra budget.
AT_MOST_OF_THE_MONEY = 0.5


@dataclass(frozen=True)
class Sooner:
    """Between budgets `low` and `high`: a budget of `budget` buys `value`."""

    low: int
    high: int
    low_value: int
    high_value: int
    high_cost: int  # what the best plan at `high` costs
    budget: int  # the cheaper plan's cost: the least budget that buys it
    value: int
    plan: tuple[str, ...]  # program@start

    def as_dict(self) -> dict[str, Any]:
        return {
            "from_budget": self.low,
            "to_budget": self.high,
            "from_value": self.low_value,
            "to_value": self.high_value,
            "to_cost": self.high_cost,
            "budget": self.budget,
            "value": self.value,
            "plan": list(self.plan),
        }


def sooner_text(step: dict[str, Any]) -> str:
    """One step of `Sooner.as_dict`, as a sentence under the table."""
    low, high = step["from_budget"], step["to_budget"]
    gain = step["to_value"] - step["from_value"]
    # Rounded down: a value short of the higher row's never reads "100%".
    share = (step["value"] - step["from_value"]) * 100 // gain
    return (
        f"Between ${low:,} and ${high:,}, most of the gain comes sooner: a budget of "
        f"${step['budget']:,} (+${step['budget'] - low:,}) already buys {step['value']}, "
        f"{share}% of the +{gain} that ${high:,} buys (its plan costs ${step['to_cost']:,}); "
        "`rotation-solver frontier` lists every step."
    )


def sooner_steps(
    loaded: LoadedScenario,
    sweep: Sweep,
    options: SolveOptions | None = None,
    on_step: OnStep | None = None,
) -> list[Sooner]:
    """For each pair of neighbouring rows with proven plans where the value rises, the
    cheapest plan between them worth most of the gain, if it needs little of the money."""
    rows = sorted(sweep.rows, key=lambda row: row.budget)
    # Neighbours both proven: a row the time limit stopped is not bridged over.
    pairs = [
        (low, high)
        for low, high in itertools.pairwise(rows)
        if low.result.status == high.result.status == "optimal"
        and (high.result.objective or 0) > (low.result.objective or 0)
    ]
    if not pairs:
        return []
    # One search over the stretch the pairs span; each pair reads its own part.
    found = frontier(
        loaded,
        options,
        max_budget=max(high.result.total_cost for _, high in pairs) - 1,
        down_to=min(low.budget for low, _ in pairs) + 1,
        on_step=on_step,
    )
    steps = []
    for low, high in pairs:
        low_value, high_value = low.result.objective or 0, high.result.objective or 0
        enough = low_value + MOST_OF_THE_GAIN * (high_value - low_value)
        affordable = low.budget + AT_MOST_OF_THE_MONEY * (high.result.total_cost - low.budget)
        between = [
            point.result
            for point in found.points
            if point.exact
            and low.budget < point.result.total_cost <= affordable
            and enough <= (point.result.objective or 0) < high_value
        ]
        if between:
            cheapest = min(between, key=lambda result: result.total_cost)
            steps.append(
                Sooner(
                    low.budget,
                    high.budget,
                    low_value,
                    high_value,
                    high.result.total_cost,
                    cheapest.total_cost,
                    cheapest.objective or 0,
                    tuple(f"{o.program_id}@{o.start.isoformat()}" for o in cheapest.rotations),
                )
            )
    return steps
