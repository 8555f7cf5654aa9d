"""A sweep or a frontier as a JSON payload, and that payload as text, CSV, Markdown
or a rich table (every format is drawn from the payload, so they agree)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from rotation_solver import markdown
from rotation_solver.advice import (
    offers_pending_advice,
    offers_pending_warning,
    plan_warnings,
    undated_warning,
)
from rotation_solver.csv_out import csv_text
from rotation_solver.plan_json import rotation_dict
from rotation_solver.scenario import LoadedScenario
from rotation_solver.solve import Result
from rotation_solver.whatif.budget_sweep import Sweep, diff_labels, marginal_value, plan_label
from rotation_solver.whatif.sooner import sooner_text
from rotation_solver.whatif.value_cost_frontier import Frontier, Point
from rotation_solver.words import counted

# -- payloads ------------------------------------------------------------------------


def _gap(result: Result) -> float | None:
    return None if result.gap is None else round(result.gap, 6)


def sweep_payload(result: Sweep) -> dict[str, Any]:
    """`{"rows": [...]}` plus the scenario, the least budget and timings."""
    rows = []
    for row in result.rows:
        r = row.result
        rows.append(
            {
                "budget": row.budget,
                "status": r.status,
                "objective": r.objective,
                "bound": r.bound,
                "gap": _gap(r),
                "total_cost": r.total_cost,
                "rotations": [rotation_dict(o) for o in r.rotations],
                "plan": plan_label(r.rotations),
                "added": None if row.added is None else list(row.added),
                "removed": None if row.removed is None else list(row.removed),
                "marginal_value_per_1000": row.marginal_per_1000,
                "least_budget": row.least_budget,
                "why": row.why,
                "solve_seconds": round(r.solve_seconds, 4),
                # The guide's warnings about this plan, as `solve` gives them.
                "warnings": plan_warnings(result.loaded, r.rotations) if r.has_plan else [],
            }
        )
    least = result.least
    return {
        "scenario": result.loaded.scenario.name,
        "value_model": result.loaded.value_model_name,
        "least_budget": None if least is None else least.amount,
        "scenario_budget": result.loaded.budget,
        **_paid(result.loaded),
        "rows": rows,
        "timings": {
            "build_seconds": round(result.build_seconds, 4),
            "total_seconds": round(result.total_seconds, 4),
            "solves": result.solves,
        },
        "warnings": list(result.loaded.warnings),
    }


def frontier_payload(result: Frontier) -> dict[str, Any]:
    """`{"points": [...]}` sorted by cost, plus whether the frontier is proven exact."""
    points = []
    before: Point | None = None
    for point in result.points:
        r = point.result
        labels = plan_label(r.rotations)
        diff = diff_labels(labels, None if before is None else plan_label(before.result.rotations))
        points.append(
            {
                "objective": r.objective,
                "total_cost": r.total_cost,
                "status": r.status,
                "bound": r.bound,
                "gap": _gap(r),
                "exact": point.exact,
                "rotations": [rotation_dict(o) for o in r.rotations],
                "plan": labels,
                "added": None if diff is None else list(diff[0]),
                "removed": None if diff is None else list(diff[1]),
                "marginal_value_per_1000": None
                if before is None
                else marginal_value(
                    r.objective,
                    r.total_cost,
                    before.result.objective,
                    before.result.total_cost,
                ),
                "warnings": plan_warnings(result.loaded, r.rotations),
            }
        )
        before = point
    return {
        "scenario": result.loaded.scenario.name,
        "value_model": result.loaded.value_model_name,
        "exact": result.exact,
        "complete": result.complete,
        # null when the user gave none; `searched_up_to` is the ceiling the search used.
        "max_budget": result.max_budget if result.max_budget_given else None,
        "searched_up_to": result.max_budget,
        "least_budget": result.least.amount,
        "why": result.why,
        **_paid(result.loaded),
        "points": points,
        "timings": {
            "build_seconds": round(result.build_seconds, 4),
            "total_seconds": round(result.total_seconds, 4),
            "solves": result.solves,
        },
        "warnings": list(result.loaded.warnings),
    }


def plan_warnings_by_budget(payload: dict[str, Any]) -> list[str]:
    """Each distinct guide warning about the listed plans once, with the budgets (compare)
    or plan costs (frontier) it is about. The two cautions that differ between plans
    only by the programs they name come as one line each."""
    by_budget = "rows" in payload
    rows = payload["rows"] if by_budget else payload.get("points", [])
    where: dict[str, list[str]] = {}
    # The programs a caution names, found by rebuilding it from the plan's own programs
    # (not by parsing: a program id may hold ", " or " at ").
    undated: dict[str, tuple[tuple[str, ...], bool]] = {}
    pending: dict[str, tuple[str, ...]] = {}
    for row in rows:
        amount = row["budget"] if by_budget else row["total_cost"]
        programs = sorted({r["program_id"] for r in row.get("rotations") or []})
        for warning in row.get("warnings", []):
            where.setdefault(warning, []).append(f"${amount:,}")
            for by_start in (False, True):
                if named := _named(warning, programs, _undated_maker(by_start)):
                    undated[warning] = (named, by_start)
            if named := _named(warning, programs, offers_pending_warning):
                pending[warning] = named
    lead = (
        ("at budget", "at budgets")
        if by_budget
        else ("in the plan costing", "in the plans costing")
    )

    # A caution about every plan listed says so (found by review: a locked rotation's
    # interview-season warning listed nine plan costs).
    planned = sum(1 for row in rows if row.get("objective") is not None)
    every = (
        ("at every budget" + (" with a plan" if planned < len(rows) else ""))
        if by_budget
        else "in every plan"
    )

    def at(amounts: list[str]) -> str:
        if planned > 2 and len(set(amounts)) == planned:
            return every
        return f"{lead[len(amounts) > 1]} {_amounts(amounts)}"

    merge_undated = len(undated) > 1 and len({b for _, b in undated.values()}) == 1
    lines = []
    for warning, amounts in where.items():
        if merge_undated and warning in undated:
            if warning == next(iter(undated)):
                lines.append(_merged_undated(undated, where, at))
        elif len(pending) > 1 and warning in pending:
            if warning == next(iter(pending)):
                lines.append(_merged_offers_pending(pending, where, at))
        else:
            lines.append(f"{at(amounts)}: {warning}")
    return lines


def _undated_maker(by_start: bool) -> Callable[[tuple[str, ...]], str]:
    return lambda ids: undated_warning(ids, by_start)


def _named(
    warning: str, programs: list[str], make: Callable[[tuple[str, ...]], str]
) -> tuple[str, ...] | None:
    """The programs (sorted) of a plan that `make` names in `warning`, if it made it."""
    for size in range(1, len(programs) + 1):
        for ids in itertools.combinations(programs, size):
            if make(ids) == warning:
                return ids
    return None


def _merged_undated(
    undated: dict[str, tuple[tuple[str, ...], bool]],
    where: dict[str, list[str]],
    at: Callable[[list[str]], str],
) -> str:
    """Programs with no known deadline, named once for every plan that holds any: the
    deadline is the program's, not the plan's."""
    programs = sorted({p for ids, _ in undated.values() for p in ids})
    amounts = sorted(
        {a for warning in undated for a in where[warning]},
        key=lambda amount: int(amount.lstrip("$").replace(",", "")),
    )
    by_start = next(iter(undated.values()))[1]
    text = f"{at(amounts)}: {undated_warning(programs, by_start)}"
    held = {
        p: sorted(
            {a for w, (ids, _) in undated.items() if p in ids for a in where[w]},
            key=lambda amount: int(amount.lstrip("$").replace(",", "")),
        )
        for p in programs
    }
    if len({tuple(a) for a in held.values()}) > 1:
        # Found by review: "at every budget: ... im-029, rad-064, rad-200" where only
        # rad-200 was in every plan; say which plans hold which.
        which = "; ".join(f"{p} {at(a)}" for p, a in held.items())
        text += f" (not every plan holds them all: {which})"
    return text


def _merged_offers_pending(
    pending: dict[str, tuple[str, ...]],
    where: dict[str, list[str]],
    at: Callable[[list[str]], str],
) -> str:
    """The offers-in-hand caution: each plan's rotations, then the advice once."""
    which = "; ".join(f"{at(where[w])}: {', '.join(ids)}" for w, ids in pending.items())
    return (
        "offers in hand: these plans count rotations at their chance of an offer, with "
        f"nothing to fall back on if they do not come ({which}). "
        + offers_pending_advice("these plans")
    )


def _amounts(amounts: list[str]) -> str:
    """Up to five amounts in full; more as the first three and how many others (not as a
    range: the ones between may not have the warning)."""
    if len(amounts) <= 5:
        return ", ".join(amounts)
    return f"{', '.join(amounts[:3])} and {len(amounts) - 3} more (the JSON lists each)"


# -- text formats --------------------------------------------------------------------


def _money(value: int | None) -> str:
    return "—" if value is None else f"${value:,}"


def _num(value: float | int | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _changes(added: list[str] | None, removed: list[str] | None, *, words: bool = False) -> str:
    """`+new@start -old@start`, and `~program start→start` for a rotation moved in time;
    with `words`, "added ...; removed ...; moved ...", for a CSV cell, which a spreadsheet
    would take for a formula were it to start with + or - (found by review: the guard's
    apostrophe then showed in the cell)."""
    if added is None or removed is None:
        return ""
    if not added and not removed:
        return "same plan"
    old = {x.rsplit("@", 1)[0]: x.rsplit("@", 1)[1] for x in removed}
    new = {x.rsplit("@", 1)[0]: x.rsplit("@", 1)[1] for x in added}
    plus, minus, moved = ("added ", "removed ", "moved ") if words else ("+", "-", "~")
    parts = [f"{plus}{x}" for x in added if x.rsplit("@", 1)[0] not in old]
    parts += [f"{minus}{x}" for x in removed if x.rsplit("@", 1)[0] not in new]
    parts += [f"{moved}{p} {old[p]}→{new[p][5:]}" for p in new if p in old]
    return ("; " if words else " ").join(parts)


def _status_text(row: dict[str, Any]) -> str:
    status = str(row["status"])
    if status == "feasible" and row.get("gap") is not None:
        status += f" (gap {100 * row['gap']:.2f}%)"
    return status


def compare_rows_text(payload: dict[str, Any]) -> list[dict[str, str]]:
    """Display strings per row, shared by the table and Markdown."""
    out = []
    for row in payload["rows"]:
        note = _changes(row["added"], row["removed"])
        if row["status"] == "infeasible":
            note = row.get("why") or "no plan"
        elif row["status"] == "unknown":
            note = row.get("why") or "no plan in time"
        yours = " (yours)" if row["budget"] == payload.get("scenario_budget") else ""
        out.append(
            {
                "Budget": _money(row["budget"]) + yours,
                "Status": _status_text(row),
                "Value": _num(row["objective"]),
                # An empty plan (every minimum 0) costs $0, or the fees already paid.
                "Cost": _money(row["total_cost"]) if row["objective"] is not None else "—",
                "Value per extra $1k budget": _num(row["marginal_value_per_1000"]),
                "Plan": ", ".join(row["plan"]) or "—",
                "Changes": note,
            }
        )
    return out


def _rate_text(rate: float | None, value_step: int | None, cost_step: int | None) -> str:
    """The value per extra $1,000, with the step itself: "+3 for $20" reads truer than a
    rate of 150 that no $1,000 would buy, and every row reads the same way."""
    text = _num(rate)
    if rate is not None and value_step is not None and cost_step:
        text += f" (+{value_step} for {_money(cost_step)})"
    return text


def frontier_rows_text(payload: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    previous: dict[str, Any] | None = None
    for i, point in enumerate(payload["points"], 1):
        steps = (
            (
                point["objective"] - previous["objective"],
                point["total_cost"] - previous["total_cost"],
            )
            if previous is not None
            else (None, None)
        )
        previous = point
        out.append(
            {
                "#": str(i),
                "Cost": _money(point["total_cost"]),
                "Value": _num(point["objective"]),
                "Status": _status_text(point),
                "Value per extra $1k cost": _rate_text(point["marginal_value_per_1000"], *steps),
                "Plan": ", ".join(point["plan"]),
                "Changes": _changes(point["added"], point["removed"]),
            }
        )
    return out


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    return csv_text(header, rows)


def compare_csv(payload: dict[str, Any]) -> str:
    """One line per budget; plans and changes as `program@start` joined by `;`.

    `added`/`removed` keep a moved rotation in both (data to filter on); `changes` says
    it in words, a move as `moved program old→new`.
    """
    header = [
        "budget", "status", "objective", "bound", "gap", "total_cost", "rotations",
        "added", "removed", "marginal_value_per_1000", "least_budget", "why", "yours",
        "changes",
    ]  # fmt: skip
    rows = [
        [
            r["budget"],
            r["status"],
            r["objective"],
            r["bound"],
            r["gap"],
            r["total_cost"],
            ";".join(r["plan"]),
            None if r["added"] is None else ";".join(r["added"]),
            None if r["removed"] is None else ";".join(r["removed"]),
            r["marginal_value_per_1000"],
            r["least_budget"],
            r.get("why"),
            r["budget"] == payload.get("scenario_budget"),  # the student's own budget
            _changes(r["added"], r["removed"], words=True) or None,
        ]
        for r in payload["rows"]
    ]
    return _csv(header, rows)


def frontier_csv(payload: dict[str, Any]) -> str:
    """One line per frontier plan, sorted by cost."""
    header = [
        "objective", "total_cost", "status", "exact", "rotations", "added", "removed",
        "marginal_value_per_1000",
    ]  # fmt: skip
    rows = [
        [
            p["objective"],
            p["total_cost"],
            p["status"],
            p["exact"],
            ";".join(p["plan"]),
            None if p["added"] is None else ";".join(p["added"]),
            None if p["removed"] is None else ";".join(p["removed"]),
            p["marginal_value_per_1000"],
        ]
        for p in payload["points"]
    ]
    return _csv(header, rows)


def _markdown_table(rows: list[dict[str, str]], right: set[str]) -> list[str]:
    if not rows:
        return []
    names = list(rows[0])
    lines = ["| " + " | ".join(names) + " |"]
    lines.append("|" + "|".join("--:" if n in right else "---" for n in names) + "|")
    for row in rows:
        lines.append("| " + " | ".join(markdown.cell(row[n]) for n in names) + " |")
    return lines


_RIGHT = {"Budget", "Value", "Cost", "Value per extra $1k budget", "Value per extra $1k cost", "#"}


def _paid(loaded: LoadedScenario) -> dict[str, Any]:
    """`paid_fees` when some are (extensions `applied`, `offers`): in every cost, with
    what paid them (found by review: both kinds named where only one was)."""
    if not loaded.paid_fees:
        return {}
    paid = {pid for pid, fee in loaded.paid if fee}
    kinds = [
        kind
        for kind, held in (
            ("applications sent", {a.program for a in loaded.applied} | set(loaded.refused)),
            ("offers in hand", {o.program for o in loaded.offers}),
            # a lock still listed under offers or applied (found by review: named as one
            # of the two kinds above where it was the only fee paid)
            ("offers accepted", {lock.program for lock in loaded.locks}),
        )
        if held & paid
    ]
    return {"paid_fees": loaded.paid_fees, "paid_for": kinds}


def paid_note(payload: dict[str, Any]) -> list[str]:
    """Found by review: costs above the sum of their rotations, with no word why."""
    paid = payload.get("paid_fees")
    if not paid:
        return []
    kinds = payload.get("paid_for") or ["applications sent", "offers in hand"]
    return [
        f"Every cost includes {_money(paid)} of fees already paid ({', '.join(kinds)}), "
        "whatever the plan holds; budgets are the season's."
    ]


def unspent_notes(payload: dict[str, Any]) -> list[str]:
    """A row whose gain costs well under its extra budget: "+$2,000 buys +19" read as
    "I need $2,000" where the plan costs $850 more (found by a student's review)."""
    notes = []
    rows = sorted(payload["rows"], key=lambda row: row["budget"])
    for low, high in itertools.pairwise(rows):
        if low["objective"] is None or high["objective"] is None:
            continue
        step = high["budget"] - low["budget"]
        unspent = high["budget"] - high["total_cost"]
        if high["objective"] <= low["objective"] or step <= 0 or 10 * unspent < step:
            continue
        # Found by an advisor's review: the unspent money can buy applications.
        uncertain = any(r.get("acceptance", 1) < 1 for r in high["rotations"])
        rest = (
            f" With offers uncertain, `rotation-solver apply SCENARIO --budgets "
            f"{low['budget']},{high['budget']}` says what it buys in applications."
            if uncertain
            else ""
        )
        notes.append(
            f"{_money(high['budget'])} buys +{high['objective'] - low['objective']} over "
            f"{_money(low['budget'])}, but its plan costs {_money(high['total_cost'])}: a "
            f"budget of {_money(high['total_cost'])} (+{_money(high['total_cost'] - low['budget'])}"
            f") already buys it, and {_money(unspent)} of the {_money(step)} more is unspent."
            f"{rest}"
        )
    return notes


def more_buys_nothing_note(payload: dict[str, Any]) -> list[str]:
    """Where no budget above the student's buys a better plan, what more money can still
    buy: applications (found by a student's review: `compare --more 2000` read "$2,000
    buys nothing", where `apply --more 2000` raised the expected value)."""
    yours = next((r for r in payload["rows"] if r["budget"] == payload["scenario_budget"]), None)
    above = [r for r in payload["rows"] if r["budget"] > payload["scenario_budget"]]
    if yours is None or yours["objective"] is None or not above:
        return []
    if any(r["objective"] != yours["objective"] for r in above):
        return []
    uncertain = any(r.get("acceptance", 1) < 1 for r in yours["rotations"])
    if not uncertain:
        return []
    more = max(r["budget"] for r in above) - payload["scenario_budget"]
    return [
        f"Up to {_money(max(r['budget'] for r in above))} no better plan exists, with each "
        "rotation counted at its chance of an offer. More money can still pay for more "
        "applications and a better chance that a plan comes together: `rotation-solver "
        f"apply SCENARIO --more {more}` says what that is worth."
    ]


def compare_markdown(payload: dict[str, Any]) -> str:
    lines = [f"# What-if budgets: {markdown.cell(payload['scenario'])}", ""]
    if payload.get("least_budget") is not None:
        lines += [f"- **Least workable budget:** {_money(payload['least_budget'])}", ""]
    lines += [*paid_note(payload), ""] if payload.get("paid_fees") else []
    lines += _markdown_table(compare_rows_text(payload), _RIGHT)
    lines.append("")
    lines += [f"{note}\n" for note in unspent_notes(payload)]
    lines += [f"{note}\n" for note in more_buys_nothing_note(payload)]
    lines += [f"{sooner_text(step)}\n" for step in payload.get("sooner", [])]
    lines += markdown.warning_lines(
        [*payload.get("warnings", []), *plan_warnings_by_budget(payload)]
    )
    return "\n".join(lines).rstrip() + "\n"


def no_plan_span(payload: dict[str, Any]) -> str:
    """Where the frontier found no plan: up to the user's --max-budget, or anywhere."""
    ceiling = payload.get("max_budget")
    return "at any budget" if ceiling is None else f"up to {_money(ceiling)}"


def frontier_markdown(payload: dict[str, Any]) -> str:
    lines = [f"# Value/cost frontier: {markdown.cell(payload['scenario'])}", ""]
    lines.append(f"- **Plans on the frontier:** {len(payload['points'])}")
    lines.append(f"- **Proven exact:** {'yes' if payload['exact'] else 'no'}")
    if payload.get("why"):
        lines.append(f"- **Why:** {payload['why']}")
    lines += [f"- {note}" for note in paid_note(payload)]
    lines.append("")
    lines += _markdown_table(frontier_rows_text(payload), _RIGHT)
    lines.append("")
    lines += markdown.warning_lines(
        [*payload.get("warnings", []), *plan_warnings_by_budget(payload)]
    )
    return "\n".join(lines).rstrip() + "\n"


def render_rich(title: str, rows: list[dict[str, str]], notes: list[str], console: Any) -> None:
    """A rich table (console: a rich Console)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    if not rows:  # an empty table squeezes its title into one narrow column
        console.print(Text(title, style="bold"))
        for note in notes:
            console.print(note, markup=False)
        return
    # Every cell is plain text (program ids, scenario names): never rich markup.
    table = Table(title=Text(title), box=box.SIMPLE_HEAVY, title_justify="left")
    names = list(rows[0])
    for name in names:
        # fold, not "…": a narrow terminal must not hide which programs a plan holds
        table.add_column(name, justify="right" if name in _RIGHT else "left", overflow="fold")
    for row in rows:
        table.add_row(*(Text(row[n]) for n in names))
    console.print(table)
    for note in notes:
        console.print(note, markup=False)


def compare_table(payload: dict[str, Any], console: Any) -> None:
    notes = []
    if payload.get("least_budget") is not None:
        notes.append(f"Least workable budget: {_money(payload['least_budget'])}")
    notes += paid_note(payload)
    notes += unspent_notes(payload)
    notes += more_buys_nothing_note(payload)
    notes += [sooner_text(step) for step in payload.get("sooner", [])]
    render_rich(
        f"What-if budgets: {payload['scenario']}", compare_rows_text(payload), notes, console
    )


def frontier_table(payload: dict[str, Any], console: Any) -> None:
    count = len(payload["points"])
    notes = [
        (
            f"{counted(count, 'plan')} on the frontier; "
            if count
            else f"No plan {no_plan_span(payload)}; "
        )
        + ("proven exact." if payload["exact"] else "NOT proven exact (time limit).")
    ]
    if payload.get("why"):
        notes.append(f"Why: {payload['why']}")
    notes += paid_note(payload)
    render_rich(
        f"Value/cost frontier: {payload['scenario']}", frontier_rows_text(payload), notes, console
    )
