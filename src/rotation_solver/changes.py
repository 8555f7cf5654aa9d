"""What changed since an earlier plan (`solve --since OLD.json`).

A student re-plans when news comes: an offer, a refusal, a later planning date. The
new plan is then read against the old one: the rotations kept, moved to another start,
added and dropped, with why each dropped one left (excluded now, a start no longer
possible and the rule that rules it out, or simply worth less than the new plan).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rotation_solver import files
from rotation_solver.errors import InputError, Problem
from rotation_solver.explain import EQUALLY_GOOD, never_in_a_plan
from rotation_solver.problem import PlanningProblem
from rotation_solver.scenario import LoadedScenario
from rotation_solver.scenario.schema import ISO_DATE
from rotation_solver.solve import SolveOptions
from rotation_solver.words import join_names


@dataclass(frozen=True)
class EarlierRotation:
    program_id: str
    start: date
    cost: int | None
    value: int | None


@dataclass(frozen=True)
class EarlierPlan:
    path: Path
    rotations: tuple[EarlierRotation, ...]
    objective: int | None
    total_cost: int | None
    paid_fees: int = 0
    scenario: str | None = None  # the name of the scenario it was made for
    paid_by_program: tuple[tuple[str, int], ...] = ()
    profile: str | None = None  # strong or challenged: the value model's weights
    value_model: str | None = None  # its name, as the plan JSON gives it
    # The whole plan as read, for the calendar's cancelled events.
    document: dict[str, Any] | None = field(default=None, compare=False, repr=False)


def read_earlier_plan(path: Path) -> EarlierPlan:
    """An earlier `solve --format json` plan; an input error names the file and field."""
    data = files.read_json(
        path, "--since reads a plan from `solve --format json`", "plan file not found"
    )
    if not isinstance(data, dict) or not isinstance(data.get("rotations"), list):
        # `apply`'s report is the likely mix-up: say which command reads it.
        report = isinstance(data, dict) and isinstance(data.get("applications"), list)
        raise InputError(
            Problem(
                str(path),
                "expected a plan with a `rotations` list, as `solve --format json` writes"
                + (
                    "; these are `apply`'s applications, which `apply --since` reads"
                    if report
                    else ""
                ),
                field="rotations",
            )
        )
    rotations = []
    for index, item in enumerate(data["rotations"]):
        where = f"rotations[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("program_id"), str):
            raise InputError(Problem(str(path), "expected a program_id", field=where))
        try:
            given = item.get("start")
            # As text only: 3.11 reads the number 20270614 as a date (found by review).
            if not isinstance(given, str) or not ISO_DATE.match(given):
                raise ValueError(given)
            start = date.fromisoformat(given)
        except ValueError:
            raise InputError(
                Problem(str(path), "expected a start as YYYY-MM-DD", field=f"{where}.start")
            ) from None
        rotations.append(
            EarlierRotation(item["program_id"], start, _whole(item, "cost"), _whole(item, "value"))
        )
    return EarlierPlan(
        path,
        tuple(rotations),
        _whole(data, "objective"),
        _whole(data, "total_cost"),
        _whole(data, "paid_fees") or 0,
        data["scenario"] if isinstance(data.get("scenario"), str) else None,
        tuple(
            (pid, fee)
            for pid, fee in (data.get("paid_by_program") or {}).items()
            if isinstance(pid, str) and isinstance(fee, int) and not isinstance(fee, bool)
        )
        if isinstance(data.get("paid_by_program"), dict)
        else (),
        data["profile"] if data.get("profile") in ("strong", "challenged") else None,
        data["value_model"] if isinstance(data.get("value_model"), str) else None,
        data,
    )


def _why_revalued(
    rotation: dict[str, Any], before: int | None, earlier: EarlierPlan, loaded: LoadedScenario
) -> str:
    """Why a kept rotation's value changed, where the plans say: an offer counted in full
    now, or a letter that moved across the ERAS cut-off (found by review: a lower value
    from an earlier ERAS date was put down to the lock that was there before too)."""
    then = next(
        (
            r
            for r in (earlier.document or {}).get("rotations") or []
            if isinstance(r, dict) and r.get("program_id") == rotation["program_id"]
        ),
        {},
    )
    now_on_time, then_on_time = rotation.get("letter_before_eras"), then.get("letter_before_eras")
    if then_on_time is True and now_on_time is False:
        eras = loaded.scenario.eras_submission.isoformat()
        return f"its letter now comes after ERAS ({eras}), counted at the late factor"
    if then_on_time is False and now_on_time is True:
        return "its letter is now in time for ERAS"
    rose = before is not None and rotation["value"] > before
    for flag, words in (("offered", "an offer in hand now"), ("locked", "accepted (locked)")):
        if rotation.get(flag) and rose and not then.get(flag):
            return f"{words}, counted in full"
    return ""


def _whole(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def plan_changes(
    earlier: EarlierPlan,
    payload: dict[str, Any],
    loaded: LoadedScenario,
    problem: PlanningProblem,
    options: SolveOptions | None = None,
) -> dict[str, Any]:
    """The `changes` key of the JSON plan: kept, moved, added and dropped rotations.
    With `options`, a re-solve each proves which dropped programs no plan within the
    budget can hold (found by review: "its dates clash with" for such a program)."""
    now = {r["program_id"]: date.fromisoformat(r["start"]) for r in payload["rotations"]}
    before = {r.program_id: r for r in earlier.rotations}
    programs = {p.id: p for p in loaded.programs}
    # Only those no earlier reason explains (excluded, gone from the catalog, a start no
    # longer offered): their re-solves would go unused (found by review).
    gone = [
        pid
        for pid, r in before.items()
        if pid not in now
        and pid in programs
        and pid not in loaded.exclude
        and r.start in programs[pid].starts
    ]
    never = (
        frozenset(never_in_a_plan(problem, gone, options))
        if options is not None and gone and payload.get("objective") is not None
        else frozenset()
    )
    kept = [pid for pid, r in before.items() if now.get(pid) == r.start]
    locked = {lock.program for lock in loaded.locks}
    moved = [
        {
            "program_id": pid,
            "from": r.start.isoformat(),
            "to": now[pid].isoformat(),
            "why": _why_dropped(r, loaded, problem, payload, earlier, never),
        }
        for pid, r in before.items()
        if pid in now and now[pid] != r.start
    ]
    added = [
        {"program_id": r["program_id"], "start": r["start"]}
        for r in payload["rotations"]
        if r["program_id"] not in before
    ]
    dropped = [
        {
            "program_id": pid,
            "start": r.start.isoformat(),
            "why": _why_dropped(r, loaded, problem, payload, earlier, never),
        }
        for pid, r in before.items()
        if pid not in now
    ]
    revalued = [
        {
            "program_id": r["program_id"],
            "from": before[r["program_id"]].value,
            "to": r["value"],
            "why": _why_revalued(r, before[r["program_id"]].value, earlier, loaded),
        }
        for r in payload["rotations"]
        if r["program_id"] in kept
        and before[r["program_id"]].value is not None
        and before[r["program_id"]].value != r["value"]
    ]
    return {
        "since": str(earlier.path),
        "kept": kept,
        "revalued": revalued,
        "moved": moved,
        "added": added,
        "dropped": dropped,
        "objective": [earlier.objective, payload.get("objective")],
        # No plan now: no cost either (spec section 7 writes 0), not a saving.
        "total_cost": [
            earlier.total_cost,
            payload.get("total_cost") if payload.get("objective") is not None else None,
        ],
        "paid_fees": [earlier.paid_fees, payload.get("paid_fees", 0)],
        "profile": [earlier.profile, payload.get("profile")],
        "value_model": [earlier.value_model, payload.get("value_model")],
        # Fees paid before that count nowhere now: not paid now, nor in a lock's cost
        # (an offer accepted moves its fee there; found by review).
        "fees_dropped": [
            pid
            for pid, _fee in earlier.paid_by_program
            if loaded.fee_paid(pid) == 0 and pid not in locked and pid not in now
        ],
        # Fees paid before that a rotation of this plan now holds in its cost: an offer
        # accepted, or a program planned again (found by review: "no longer count" for
        # a fee inside an unchanged total).
        "fees_into_rotations": [
            pid
            for pid, _fee in earlier.paid_by_program
            if loaded.fee_paid(pid) == 0 and (pid in locked or pid in now)
        ],
        # An earlier plan that does not say which fees were paid (hand-made or older).
        "paid_by_program_known": bool(earlier.paid_by_program) or earlier.paid_fees == 0,
        "locks": bool(locked),
    }


def _why_dropped(
    rotation: EarlierRotation,
    loaded: LoadedScenario,
    problem: PlanningProblem,
    payload: dict[str, Any],
    earlier: EarlierPlan,
    never: frozenset[str] = frozenset(),
) -> str:
    """Why an earlier rotation is not in the new plan (`payload`) at its start; `never`:
    programs a re-solve proved no plan within the budget can hold."""
    rotations: list[dict[str, Any]] = payload["rotations"]
    pid, start = rotation.program_id, rotation.start
    programs = {p.id: p for p in loaded.programs}
    if pid not in programs:
        return "no longer in the catalog"
    if pid in loaded.exclude:
        return "excluded now"
    if start not in programs[pid].starts:
        # An offer in hand makes the program's row its offered starts alone (found by a
        # student's review: "no longer a start it offers" for a start the catalog lists).
        offered = sorted(o.start.isoformat() for o in loaded.offers if o.program == pid)
        if offered:
            dates = join_names(offered)
            return f"the offer in hand is for {dates} only"
        return "no longer a start it offers"
    for drop in problem.expansion.dropped:
        if drop.program_id == pid and drop.start == start:
            return f"no longer possible: {drop.reason}" + (
                f" ({drop.detail})" if drop.detail else ""
            )
    offering = next(
        (o for o in problem.offerings if o.program_id == pid and o.start == start), None
    )
    if offering is None:
        return "no longer possible"
    if payload.get("objective") is None:
        # Found by review: "the best plan now leaves it out" where there is none.
        none = (
            "no plan was found within the time limit now"
            if payload.get("status") == "unknown"
            else "no plan exists now (see the rules in conflict)"
        )
        # Found by an advisor's review: a rotation done and accepted read as dropped.
        if (pid, start) in {(lock.program, lock.start) for lock in loaded.locks}:
            done = offering.end < loaded.scenario.planning_date
            return f"{'done and ' if done else ''}accepted (under locks), but {none}"
        return none
    # Found by an advisor's review: "its dates clash with X" where no plan within the
    # budget can hold the program at all; the explanation's re-solve says so.
    tie = ""
    for unchosen in (payload.get("explanation") or {}).get("best_unchosen") or []:
        if unchosen["program_id"] == pid and unchosen["why_not"].startswith("over budget"):
            return str(unchosen["why_not"])
        if unchosen["program_id"] == pid and unchosen["why_not"].startswith(EQUALLY_GOOD):
            # Found by an advisor's review: a tie read as a clash the student must accept.
            worth = str(unchosen["why_not"]).removeprefix(EQUALLY_GOOD).split(";")[0]
            tie = f"a tie: {worth}, and of equally good plans the cheapest is shown"
    if pid in never:
        return "no plan within the budget can hold it now, with every rule met"
    # Found by review: a cut budget read as a date clash with the cheaper rotation.
    over = earlier.total_cost is not None and earlier.total_cost > loaded.budget
    budget = (
        f"the earlier plan's ${earlier.total_cost:,} is over the budget ${loaded.budget:,} now"
        if over
        else ""
    )
    gap = timedelta(days=problem.requirements.min_gap_days)
    for r in rotations:
        if r["program_id"] == pid:
            continue
        other_start, other_end = date.fromisoformat(r["start"]), date.fromisoformat(r["end"])
        if not (offering.end + gap < other_start or other_end + gap < offering.start):
            # Found by review: "still possible" hid that a new rotation took its dates.
            clash = (
                f"its dates clash with {r['program_id']} ({r['start']}..{r['end']}) in this plan"
            )
            return "; ".join(part for part in (budget, clash, tie) if part)
    if budget:
        within = "the best plan within it leaves this out"
        return "; ".join(part for part in (budget, within, tie) if part)
    if tie:
        return f"still possible: {tie}"
    return "still possible, but the best plan now leaves it out"


def change_lines(changes: dict[str, Any]) -> list[str]:
    """The changes as lines for the table and the Markdown report."""
    lines = []
    for item in changes["added"]:
        lines.append(f"new: {item['program_id']} {item['start']}")
    for item in changes["moved"]:
        lines.append(
            f"moved: {item['program_id']} from {item['from']} to {item['to']} "
            f"({item['from']}: {item['why']})"
        )
    for item in changes["dropped"]:
        lines.append(f"dropped: {item['program_id']} {item['start']}: {item['why']}")
    if changes["kept"]:
        lines.append(f"kept: {', '.join(changes['kept'])}")
    for item in changes.get("revalued") or []:
        why = f": {item['why']}" if item["why"] else ""
        lines.append(f"value of {item['program_id']}: {item['from']} → {item['to']}{why}")
    if not (changes["added"] or changes["moved"] or changes["dropped"]):
        lines.append("the same rotations as before")
    totals = []
    for key, label, money in (("objective", "value", False), ("total_cost", "cost", True)):
        old, new = changes[key]
        if old is None and new is None:
            continue
        show = (lambda v: f"${v:,}") if money else str
        if old is None and (changes["kept"] or changes["moved"] or changes["dropped"]):
            continue  # an earlier plan that does not state it (a hand-made one)
        if old is None or new is None:  # no plan then or now (found by review: no value)
            shown = [show(v) if v is not None else "— (no plan)" for v in (old, new)]
            totals.append(f"{label} {shown[0]} → {shown[1]}")
            continue
        delta = new - old
        sign = "+" if delta > 0 else "−" if delta < 0 else "±"
        amount = f"${abs(delta):,}" if money else str(abs(delta))
        totals.append(f"{label} {show(old)} → {show(new)} ({sign}{amount})")
    old_paid, new_paid = changes.get("paid_fees") or (0, 0)
    dropped_fees = changes.get("fees_dropped") or []
    if old_paid != new_paid:
        # Found by review: "cost $6,660 -> $7,380" with the same rotations, unexplained.
        # And a fall read as a refund: an accepted offer's fee moves into its rotation.
        into = changes.get("fees_into_rotations") or []
        where = (
            "its fee is now in its rotation's cost"
            if len(into) == 1
            else "their fees are now in their rotations' costs"
        )
        moved = (
            f" ({', '.join(into)}: {where})"
            if into
            else " (an offer accepted under `locks:` counts its fee in its rotation's cost)"
            if new_paid < old_paid
            and not changes.get("paid_by_program_known", True)
            and changes.get("locks")
            else ""
        )
        totals.append(f"of it fees already paid ${old_paid:,} → ${new_paid:,}{moved}")
    if dropped_fees:
        # A fee paid stays paid: the likely cause is a program taken off `applied:` when
        # its offer was declined (found by review).
        totals.append(
            f"the fees paid to {', '.join(dropped_fees)} no longer count: a declined offer "
            "or a refused application keeps its fee only while it stays under `applied:` "
            "(with `exclude:`)"
        )
    if totals:
        lines.append(" · ".join(totals))
    # Found by a student's review: "value 235 → 303" read as a gain, after a Step 2 CK
    # score changed the weights every value is made of (and a review: so does the model).
    changed = [
        f"{label} {before} → {now}"
        for key, label in (("profile", "profile"), ("value_model", "value model"))
        for before, now in [changes.get(key) or (None, None)]
        if before and now and before != now
    ]
    if changed:
        lines.append(
            f"{' and '.join(changed)}: letters and auditions are weighed differently now, "
            "so values before and after are not on one scale"
        )
    return lines
