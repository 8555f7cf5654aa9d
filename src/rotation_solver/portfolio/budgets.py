"""`apply --budgets`: the best applications at several budgets, with offers uncertain.

`compare` answers "what does more money buy?" with `solve`'s values, as if the plan's
programs all said yes. Under uncertain offers more money also lets the student take
the dearer offers that do arrive, and pay more fees; here each budget gets its own
portfolio, chosen as `apply` chooses, and the rows compare their exact expected values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from rotation_solver import markdown
from rotation_solver.csv_out import records_csv
from rotation_solver.scenario import LoadedScenario

# One `apply` report (its JSON payload) for a scenario at one budget.
ApplyAt = Callable[[LoadedScenario], dict[str, Any]]


def _row(budget: int, own: int, report: dict[str, Any]) -> dict[str, Any]:
    # A portfolio, even an empty one: accepted offers may make the plan with no
    # application, or applying to nothing may be as good (plain `apply` exits 0 there).
    has = report["status"] in ("optimal", "feasible")
    answers = report.get("offer_answers")
    return {
        "budget": budget,
        "yours": budget == own,
        "status": report["status"],
        "expected_value": report["expected_value"] if has else None,
        # True: every portfolio valued on every outcome; False: chosen on the sample.
        "chosen_exactly": bool(report["sampling"].get("enumerated")) if has else None,
        "fees": report["fees"] if has else 0,
        "no_plan": report["probabilities"]["no_plan"] if has else None,
        "applications": [a["program_id"] for a in report["applications"]] if has else [],
        # Already sent: in every portfolio, nothing left to do (found by review: "apply to"
        # named applications sent months before).
        "sent": [a["program_id"] for a in report["applications"] if a.get("sent")] if has else [],
        # The offers in hand to accept at this budget (a lock each; None: no offers in hand
        # or no plan): the answer may move with the budget, a dearer offer affordable.
        "accept_offers": [f"{o['program_id']}@{o['start']}" for o in answers["accept"]]
        if has and answers
        else None,
        "why": report.get("why"),
        "warnings": list(report.get("warnings", [])),
    }


def sweep_warnings(payload: dict[str, Any], known: Sequence[str]) -> list[str]:
    """Each row's warnings once, with the budgets it applies to; `known` (the scenario's
    own, shown when it was loaded) left out."""
    budgets: dict[str, list[int]] = {}
    for row in payload["rows"]:
        for warning in row["warnings"]:
            if warning not in known:
                budgets.setdefault(warning, []).append(row["budget"])
    return [
        f"at budget{'s' if len(where) > 1 else ''} {', '.join(f'${b:,}' for b in where)}: {text}"
        for text, where in budgets.items()
    ]


def portfolio_budgets(
    loaded: LoadedScenario, budgets: Sequence[int], apply_at: ApplyAt
) -> dict[str, Any]:
    """One row per budget (ascending, each once): the best portfolio there, its exact
    expected value, what changed from the row before, and the value per extra $1,000."""
    rows: list[dict[str, Any]] = []
    for budget in sorted(set(budgets)):
        rows.append(_row(budget, loaded.budget, apply_at(loaded.with_budget(budget))))
    previous: dict[str, Any] | None = None
    for row in rows:
        row["added"] = row["removed"] = row["value_per_1000"] = None
        row["offers_changed"] = False
        row["offers_before"] = None
        if previous is not None and row["expected_value"] is not None:
            before = set(previous["applications"])
            row["added"] = [p for p in row["applications"] if p not in before]
            row["removed"] = sorted(before - set(row["applications"]))
            row["offers_changed"] = row["accept_offers"] != previous["accept_offers"]
            row["offers_before"] = previous["accept_offers"]
            if previous["expected_value"] is not None:
                gain = row["expected_value"] - previous["expected_value"]
                row["value_per_1000"] = 1000 * gain / (row["budget"] - previous["budget"])
        if row["expected_value"] is not None:
            previous = row
    return {"scenario": loaded.scenario.name, "rows": rows}


def _changes(row: dict[str, Any]) -> str:
    if row["added"] is None:
        return ""
    parts = [f"+{p}" for p in row["added"]] + [f"-{p}" for p in row["removed"]]
    if row.get("offers_changed"):
        # What changed in the answer, as the applications' changes are shown (found by
        # review: the whole answer read as a change).
        before, now = set(row["offers_before"] or []), set(row["accept_offers"] or [])
        answer = [f"+accept {o}" for o in row["accept_offers"] if o not in before]
        answer += [f"-accept {o}" for o in sorted(before - now)]
        parts = answer + parts
    return " ".join(parts) or "same applications"


def _applications_cell(row: dict[str, Any]) -> str:
    """The applications, or with offers in hand or applications sent: what to do with
    each ("accept …; sent …; apply to …")."""
    accept, sent = row.get("accept_offers"), row.get("sent") or []
    if accept is None and not sent:
        return ", ".join(row["applications"]) or "none"
    parts = []
    if accept is not None:
        parts.append(f"accept {', '.join(accept)}" if accept else "decline every offer")
    if sent:
        parts.append(f"sent {', '.join(sent)}")
    new = [p for p in row["applications"] if p not in sent]
    parts.append(f"apply to {', '.join(new)}" if new else "no new application")
    return "; ".join(parts)


def _cells(row: dict[str, Any]) -> list[str]:
    budget = f"${row['budget']:,}" + (" (yours)" if row["yours"] else "")
    if row["expected_value"] is None:
        return [budget, "—", "—", "—", "—", row["why"] or row["status"], ""]
    rate = "—" if row["value_per_1000"] is None else f"{row['value_per_1000']:+.1f}"
    return [
        budget,
        f"{row['expected_value']:.1f}" + ("" if row["chosen_exactly"] else " *"),
        rate,
        f"${row['fees']:,}",
        f"{100 * row['no_plan']:.1f}%",
        _applications_cell(row),
        _changes(row),
    ]


HEADER = (
    "Budget",
    "Expected value",
    "Per extra $1k",
    "Fees",
    "No plan",
    "Applications",
    "Changes",
)
NOTE = (
    "Each budget gets its own applications, chosen as `apply` chooses them. The expected "
    "value is exact over every offer outcome of those applications, on `apply`'s scale (an "
    "offered rotation counts in full); the fees leave out those of accepted offers and "
    "those already paid (applications sent, offers in hand or accepted). A "
    "row's gain need not come from its changed applications: more money also lets you "
    "accept dearer offers from the same ones."
)
OFFERS = (
    "With offers in hand, each row also says which to accept at that budget (the rest "
    "declined), as `apply` answers them there."
)
STAR = (
    "* chosen on the --scenarios sampled outcomes, not on every outcome, so another "
    "choice may be worth a little more."
)


def _notes(payload: dict[str, Any]) -> list[str]:
    starred = any(r["chosen_exactly"] is False for r in payload["rows"])
    offers = any(r.get("accept_offers") is not None for r in payload["rows"])
    return [NOTE, *([OFFERS] if offers else []), *([STAR] if starred else [])]


def render_budgets_table(payload: dict[str, Any], console: Console) -> None:
    table = Table(
        title=f"Applications at each budget: {payload['scenario']}",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
    )
    for name in HEADER:
        right = name in ("Expected value", "Per extra $1k", "Fees", "No plan")
        table.add_column(name, justify="right" if right else "left")
    for row in payload["rows"]:
        table.add_row(*(Text(cell) for cell in _cells(row)))
    console.print(table)
    for note in _notes(payload):
        console.print(Text(note, style="dim"))


def render_budgets_markdown(payload: dict[str, Any]) -> str:
    lines = [
        f"# Applications at each budget: {markdown.cell(payload['scenario'])}",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|---|--:|--:|--:|--:|---|---|",
    ]
    for row in payload["rows"]:
        lines.append("| " + " | ".join(markdown.cell(c) for c in _cells(row)) + " |")
    return "\n".join([*lines, "", *_notes(payload)]) + "\n"


BUDGET_CSV_COLUMNS = (
    "budget",
    "yours",
    "status",
    "expected_value",
    "chosen_exactly",
    "fees",
    "no_plan",
    "applications",
    "accept_offers",
    "added",
    "removed",
    "value_per_1000",
    "why",
    "sent",  # last, so the columns before keep their places
)


def render_budgets_csv(payload: dict[str, Any]) -> str:
    """One row per budget; program lists joined by `;`, values to 2 decimals and chances
    to 4 (JSON keeps them whole)."""
    lists = ("applications", "accept_offers", "added", "removed", "sent")
    places = {"expected_value": 2, "value_per_1000": 2, "no_plan": 4}
    rows = [
        {
            **row,
            **{key: ";".join(row[key]) for key in lists if row.get(key) is not None},
            # Offers in hand, all declined: "none", not an empty cell (no offers, no plan).
            **({"accept_offers": "none"} if row.get("accept_offers") == [] else {}),
            **{key: round(row[key], n) for key, n in places.items() if row.get(key) is not None},
        }
        for row in payload["rows"]
    ]
    return records_csv(BUDGET_CSV_COLUMNS, rows)
