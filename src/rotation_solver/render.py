"""Render a plan payload (spec section 7 dict) as a table, Markdown or CSV.

Every format is drawn from the same payload, so they can never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from rotation_solver import markdown
from rotation_solver.changes import change_lines
from rotation_solver.csv_out import records_csv
from rotation_solver.timeline import TimelineStep, timeline_markdown
from rotation_solver.words import counted, join_names, whole_percent, with_article

# city and state last (found by a student's review: where to book housing), so the
# earlier columns keep their places.
PLAN_COLUMNS = (
    "program_id", "program_name", "specialty", "tier", "start", "end", "weeks",
    "cost", "value", "submit_on", "deadline", "locked", "offered", "applied", "city", "state",
)  # fmt: skip


UNAVAILABLE_IN_REPORT = 3  # the JSON keeps more
SPECIALTY_CODE = {
    "radiology": "rad",
    "internal_medicine": "IM",
    "emergency_medicine": "EM",
    "surgery": "surg",
    "transitional": "TY",
}
SPECIALTY_SHORT = {
    "internal_medicine": "internal med",
    "emergency_medicine": "emergency med",
    "transitional": "transitional",
}


def _why_profile(payload: dict[str, Any]) -> str:
    reason = payload.get("profile_reason")
    return f" ({reason})" if reason else ""


def _money(value: int | None) -> str:
    return "—" if value is None else f"${value:,}"


def _bound_text(payload: dict[str, Any]) -> str:
    """The bound, and what it proves about this plan."""
    bound, objective = payload["bound"], payload["objective"]
    if bound is None:
        return "—"
    if objective is not None and bound == objective:
        return f"{bound} (no plan can beat this; equal to the objective: proven best)"
    return (
        f"{bound} (no plan can beat this; above the objective, so this plan is not proven "
        "best: a longer --time-limit may close the gap)"
    )


def _gap(payload: dict[str, Any]) -> str:
    gap = payload.get("gap")
    return "—" if gap is None else f"{100 * gap:.2f}%"


def headline(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """Label/value pairs summarising a plan."""
    budget, cost = payload["budget"], payload["total_cost"]
    rows = [
        ("Scenario", payload["scenario"]),
        ("Status", payload["status"]),
        (
            "Objective",
            f"{payload['objective']} (expected letter + audition value)"
            if payload["objective"] is not None
            else "—",
        ),
        ("Bound", _bound_text(payload)),
        ("Gap", _gap(payload)),
        (
            "Total cost",
            f"{_money(cost)} of {_money(budget)} (${budget - cost:,} left)"
            + (
                f"; includes {_money(payload['paid_fees'])} of fees already paid"
                # Found by a student's review: the figure shrank as offers were accepted,
                # though nothing was refunded: an accepted offer's fee is in its cost.
                + (
                    " (accepted offers' fees are in their rotations' costs)"
                    if any(
                        r.get("locked")
                        and r["program_id"] not in payload.get("paid_by_program", {})
                        for r in payload["rotations"]
                    )
                    else ""
                )
                if payload.get("paid_fees")
                else ""
            )
            if payload["status"] in ("optimal", "feasible")
            else f"no plan; budget {_money(budget)}",
        ),
        (
            "Profile",
            f"{payload.get('profile', '?')}{_why_profile(payload)} · value model "
            f"{payload.get('value_model', '?')}",
        ),
    ]
    if payload.get("why"):
        rows.append(("Why", payload["why"]))
    if payload.get("no_plan_proven_by"):
        rows.append(("Proof", f"no plan exists: proven by {payload['no_plan_proven_by']}"))
    return rows


def _sum_note(payload: dict[str, Any]) -> str | None:
    """Why the values do not add up to the objective, and what a late letter costs."""
    notes = []
    penalty = sum(r["value"] for r in payload["rotations"]) - (payload["objective"] or 0)
    if payload["objective"] is not None and penalty > 0:
        beyond = sum(r["specialty"] == "radiology" for r in payload["rotations"]) - 2
        notes.append(
            f"Objective = the values above minus {penalty} for "
            f"{beyond_two_words(penalty, beyond)} (two is the usual strategy; one beyond "
            "two must be worth more than its penalty)."
        )
    if not all(r.get("letter_before_eras", True) for r in payload["rotations"]):
        notes.append(
            "'letter after ERAS': the letter is ready after ERAS submission, so its value "
            "is discounted (the value model's late_factor)."
        )
    return " ".join(notes) or None


# The plan assumes every offer comes; the guide's answer to uncertain offers is a
# broader list, and only the plan's own fees are in its total cost.
_GUIDE_SENTENCE = (
    "the guide suggests applying to 6-10 programs to secure 1-3 spots (Step 2), and "
    "`rotation-solver apply` chooses which."
)
_FEES_SENTENCE = (
    "Total cost includes the fees of these programs only; every other application adds its own fee."
)
APPLY_NOTE = f"Offers are uncertain: {_GUIDE_SENTENCE} {_FEES_SENTENCE}"


def beyond_two_words(penalty: int, beyond: int) -> str:
    """ "a third radiology rotation", or "2 radiology rotations beyond two, 15 each"
    (found by review: a penalty of 30 for a third and a fourth read "for a third")."""
    if beyond <= 1:
        return "a third radiology rotation"
    return f"{beyond} radiology rotations beyond two, {penalty // beyond} each"


def chance_all_offered_text(payload: dict[str, Any]) -> str:
    """ "this whole plan happens only if ... (36%)", or "" when nothing in it is
    uncertain."""
    chance = payload.get("chance_all_offered")
    rotations = payload.get("rotations") or []
    uncertain = [r["program_id"] for r in rotations if r.get("acceptance", 1) < 1]
    if chance is None or not uncertain:
        return ""
    # Parts per million, at least one for a chance above 0 ("under 1%", never "0%").
    share = percent_of(max(round(chance * 1_000_000), 1 if chance > 0 else 0), 1_000_000)
    if len(uncertain) == 1:
        return f"this whole plan happens only if {uncertain[0]} offers ({share})"
    which = (
        ("both programs" if len(uncertain) == 2 else f"all {len(uncertain)} programs")
        if len(uncertain) == len(rotations)
        else f"the {len(uncertain)} programs not yet certain all"
    )
    chance_words = with_article(share.replace("under", "less than"))
    return (
        f"this whole plan happens only if {which} offer, {chance_words} chance (their offer "
        "chances multiplied)"
    )


def apply_note(payload: dict[str, Any]) -> str:
    """APPLY_NOTE, with the chance the whole plan happens and what the other applications
    would cost beside what is left."""
    chance = chance_all_offered_text(payload)
    opening = f"Offers are uncertain: {chance}; " if chance else "Offers are uncertain: "
    fees = _FEES_SENTENCE
    if payload.get("paid_fees"):
        fees = fees.replace(
            "the fees of these programs only", "the fees of these programs and those already paid"
        )
    rotations = payload.get("rotations") or []
    if rotations and all(r.get("locked") or r.get("offered") for r in rotations):
        # Found by a student's review: "Offers are uncertain" under a plan of accepted
        # offers and offers in hand, where nothing waits on an answer.
        return (
            "Nothing in this plan waits on an answer: every rotation is an accepted offer "
            f"or an offer in hand (accept those to keep them). {fees}"
        )
    note = f"{opening}{_GUIDE_SENTENCE} {fees}"
    other = payload.get("other_applications")
    made = (other or {}).get("already_applied", 0)
    if other and made and not other["more"][1]:
        # Found by review: "apply to 6-10" after ten had gone out.
        more = (
            "`rotation-solver apply` says whether more are worth their fees"
            if other.get("others")
            # Found by review: "whether more are worth their fees" where none was left.
            else "no other program in the catalog can be in a plan within the budget"
            if other.get("beyond_budget")
            # Found by review: a re-solve proves no plan within the budget holds it, which
            # the dates may cause as much as the money.
            else "no other program in the catalog can be in a plan within the budget and the rules"
            if other.get("no_plan_holds")
            # Found by a student's review: the budget was blamed where it kept none out.
            else "every other program in the catalog is already applied to or ruled out "
            "by the rules or the dates"
        )
        return (
            f"{opening}{counted(made, 'application')} already made (the guide suggests "
            f"6-10 for 1-3 spots, Step 2); {more}. {fees}"
        )
    # Nothing to add: no more applications, or all of them free (a median of 0 alone
    # is not that: found by review, fees [0, 500] went unmentioned).
    if not other or not other["more"][1] or not other["fees"][1]:
        return note
    (low, high), (fee_low, fee_high) = other["more"], other["fees"]
    count = f"{low}-{high}" if low != high else f"{high}"
    cost = f"${fee_low:,}-${fee_high:,}" if fee_low != fee_high else f"${fee_high:,}"
    if high == other.get("others"):  # the catalog runs short of the guide's count
        one = high == 1
        where = (
            f"the catalog has {high} other program{'' if one else 's'} that fit{'s' if one else ''}"
        )
        if names := other.get("other_programs"):
            where += f": {join_names(names)}"
    else:
        # The programs still open move with the planning date, and so does the median:
        # say whose median it is (found by review: $90, then $60, then $40).
        where = f"at the median fee of the {other['others']} other programs that fit, "
        where += f"${other['median_fee']:,}"
    text = (
        f"{note} Applying to {count} more ({where}) adds about {cost}; "
        f"${other['left']:,} of the budget is left"
    )
    # None of them fits what is left (found by review: "enough for about 0 of them").
    if fee_low > other["left"] or other.get("affordable") == 0:
        return (
            f"{text}: not enough for them, so follow `rotation-solver apply`, which pays every fee."
        )
    if fee_high > other["left"] and "affordable" in other:
        about = "" if high == other.get("others") else "about "
        return f"{text}: enough for {about}{other['affordable']} of them."
    return text + "."


def _application_cells(rotation: dict[str, Any]) -> tuple[str, str]:
    """The Submit-on and Deadline cells: an accepted offer, an offer in hand or an
    application already sent has no application to send."""
    if rotation.get("locked"):
        return "accepted", "—"
    if rotation.get("offered"):
        return "offered", "—"
    if rotation.get("applied"):
        return "sent", "—"
    return rotation["submit_on"], rotation["deadline"] or "none"


def render_table(payload: dict[str, Any], console: Console) -> None:
    """A human-readable plan for the terminal."""
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold")
    summary.add_column()
    for label, value in headline(payload):
        summary.add_row(label, Text(value))  # user text (names, reasons) is never markup
    console.print(summary)
    if payload["rotations"]:
        compact = console.width < 100  # narrow terminal: ids and short codes only
        # Below 130 columns the specialty takes its short code, leaving the names room.
        coded = compact or console.width < 130
        table = Table(
            title="Rotations",
            box=box.SIMPLE_HEAD,
            title_justify="left",
            pad_edge=False,
            collapse_padding=compact,
        )
        for name in (
            "Dates",
            "Program",
            "Kind" if coded else "Specialty",
            "Tier",
            "Cost",
            "Value",
            "Submit on",
            "Deadline",
        ):
            table.add_column(
                name,
                justify="right" if name in ("Cost", "Value") else "left",
                # Dates and money never wrap; names and specialties take the squeeze.
                no_wrap=name not in ("Program", "Specialty", "Kind"),
                min_width={"Program": 10 if compact else 14}.get(name),
            )
        # With rotations still to apply for, `apply` answers the offers (it weighs them
        # against those applications); this plan only counts the pending ones' chances.
        pending = any(not (r.get("locked") or r.get("offered")) for r in payload["rotations"])
        offer_note = (
            "offer in hand: this plan takes it (`apply` says whether to accept)"
            if pending
            else "offer in hand: accept it"
        )
        for r in payload["rotations"]:
            program = Text(r["program_id"])
            if not compact:
                program.append(f"\n{r['program_name']}, {r['city']} {r['state']}", style="dim")
            if r.get("locked") and not compact:
                program.append("\naccepted offer", style="bold")
            elif r.get("offered") and not compact:
                program.append(f"\n{offer_note}", style="bold")
            elif r.get("applied") and not compact:
                program.append("\napplication sent, answer to come", style="bold")
            late = "\n[yellow]letter after ERAS[/yellow]"
            if r.get("letter_before_eras", True):
                late = ""
            table.add_row(
                f"{r['start']}\n→ {r['end'][5:]} [dim]{r['weeks']} wk[/dim]{late}",
                program,
                Text(
                    (SPECIALTY_CODE if coded else SPECIALTY_SHORT).get(
                        r["specialty"], r["specialty"]
                    )
                ),
                Text(r["tier"]),
                _money(r["cost"]),
                str(r["value"]),
                *_application_cells(r),
            )
        console.print(table)
        note = _sum_note(payload)
        if note:
            console.print(f"[dim]{note}[/dim]")
        if not all(r.get("locked") for r in payload["rotations"]):
            console.print(Text(apply_note(payload), style="dim"))
    changes = payload.get("changes")
    if changes:
        console.print(Text(f"Since {changes['since']}", style="bold"))
        print_bullets(console, change_lines(changes))
    explanation = payload.get("explanation")
    if explanation:
        render_explanation(explanation, console)
    conflict = payload.get("conflict")
    if conflict and conflict.get("rules"):  # none named: "Why" already says why not
        needed = (
            "each one is needed for that"
            if conflict.get("minimal")
            else "the time limit stopped the search before it could tell which are needed"
        )
        console.print(f"[bold]Rules in conflict[/bold] (together they leave no plan; {needed}):")
        print_bullets(
            console,
            [
                Text.assemble(rule["description"], "  ", (f"({rule['rule']})", "dim"))
                for rule in conflict["rules"]
            ],
        )
        cheapest = conflict.get("cheapest_plan_without_budget")
        if cheapest is not None:
            console.print(
                f"  The cheapest plan meeting every other rule costs {_money(cheapest)} "
                f"(budget {_money(payload['budget'])})."
            )
        if conflict.get("repairs"):
            console.print("[bold]Repairs[/bold] (each re-solved and checked):")
            print_bullets(console, repair_lines(conflict))
    dropped = payload.get("dropped") or {}
    if dropped:
        console.print(Text(f"Offerings: {offerings_text(payload)}", "dim"))


def render_json(payload: Any) -> str:
    """Any JSON document of the product: indented, non-ASCII text kept as it is."""
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def render_csv(payload: dict[str, Any]) -> str:
    """One row per rotation, the spec's rotation keys as columns.

    An accepted offer (locked), an offer in hand or an application already sent has no
    application to send: its submit_on and deadline cells are blank, as the table shows
    "accepted", "offered" or "sent", so a spreadsheet never reads as a missed deadline.
    The JSON keeps section 4's dates, with `locked`, `offered` and `applied`.
    """
    rows = [
        {**r, "submit_on": None, "deadline": None}
        if r.get("locked") or r.get("offered") or r.get("applied")
        else r
        for r in payload["rotations"]
    ]
    return records_csv(list(PLAN_COLUMNS), rows)


def render_markdown(payload: dict[str, Any], timeline: Sequence[TimelineStep] | None = None) -> str:
    """A report an advisor can read; with `timeline`, the dated steps too."""
    lines = [f"# Away-rotation plan: {markdown.cell(payload['scenario'])}", ""]
    lines += [
        f"- **{label}:** {markdown.cell(value) if label == 'Scenario' else value}"
        for label, value in headline(payload)
    ]
    lines.append("")
    if payload["rotations"]:
        lines += [
            "| Dates | Program | Specialty | Tier | Cost | Value | Submit on | Deadline |",
            "|---|---|---|---|--:|--:|---|---|",
        ]
        for r in payload["rotations"]:
            accepted = bool(r.get("locked"))
            in_hand = bool(r.get("offered"))
            sent = bool(r.get("applied"))
            submit, deadline = _application_cells(r)
            late = "" if r.get("letter_before_eras", True) else " (letter after ERAS)"
            cell = markdown.cell(f"{r['program_name']} ({r['program_id']})")
            lines.append(
                f"| {r['start']} → {r['end']}{late} | {cell}"
                f"{' — accepted offer' if accepted else ' — offer in hand' if in_hand else ''}"
                f"{' — application sent' if sent else ''} | "
                f"{r['specialty'].replace('_', ' ')} | {r['tier']} | {_money(r['cost'])} | "
                f"{r['value']} | "
                f"{submit} | {deadline} |"
            )
        lines.append("")
        note = _sum_note(payload)
        if note:
            lines += [note, ""]
        if not all(r.get("locked") for r in payload["rotations"]):
            lines += [apply_note(payload), ""]
    conflict = payload.get("conflict")
    if conflict and conflict.get("rules"):
        lines.append("## Rules in conflict")
        lines += [f"- {rule['description']} (`{rule['rule']}`)" for rule in conflict["rules"]]
        lines.append("")
        if conflict.get("repairs"):
            lines += ["## Repairs", "", *[f"- {line}" for line in repair_lines(conflict)], ""]
    changes = payload.get("changes")
    if changes:
        lines += [f"## Since {markdown.cell(changes['since'])}", ""]
        lines += [f"- {markdown.cell(line)}" for line in change_lines(changes)] + [""]
    explanation = payload.get("explanation")
    if explanation:
        lines += ["## Why this plan", "", *[f"- {line}" for line in explanation_lines(explanation)]]
        lines.append("")
    dropped = payload.get("dropped") or {}
    if dropped:
        lines.append(f"Offerings: {offerings_text(payload)}")
        lines.append("")
    if timeline:
        lines += ["## Timeline", "", *timeline_markdown(timeline), ""]
    lines += markdown.warning_lines(payload.get("warnings", []))
    return "\n".join(lines).rstrip() + "\n"


def explanation_lines(explanation: dict[str, Any]) -> list[str]:
    """The "why this plan" sentences, shared by the table and the Markdown report."""
    lines = list(explanation["binding_rules"])
    parts = [
        f"{b['program_id']} {b['value']} (letter {b['letter']:g} + audition "
        f"{b['audition']:g}; acceptance {b['acceptance']:g}, timing {b['timing']:g})"
        for b in explanation["value_breakdown"]
    ]
    value = "value: " + ("; ".join(parts) or "the plan is empty (0)")
    if explanation["extra_radiology_penalty"]:
        penalty = explanation["extra_radiology_penalty"]
        beyond = explanation.get("radiology_beyond_two", 1)
        value += f"; minus {penalty} for {beyond_two_words(penalty, beyond)}"
    lines.append(value)
    near = explanation.get("cheaper_near_best")
    if near:
        best = explanation["objective_check"]
        changes = [
            *([f"leaves out {', '.join(near['leaves_out'])}"] if near.get("leaves_out") else []),
            *([f"adds {', '.join(near['adds'])}"] if near.get("adds") else []),
            *([f"moves {', '.join(near['moves'])}"] if near.get("moves") else []),
        ]
        lines.append(
            f"nearly as good for less: a plan worth {near['objective']} "
            f"({percent_of(near['objective'], best)} of {best}) costs "
            f"{_money(near['total_cost'])}, {_money(near['saving'])} less; "
            f"it {'; '.join(changes) or 'keeps these rotations'}"
            f" (`rotation-solver compare SCENARIO --budgets {near['total_cost']}`, with this "
            "command's other options, shows it; "
            "`frontier` lists every such trade)"
        )
    for item in explanation["without_each"]:
        if item.get("best_without") is not None:
            tie = ": a tied plan is as good" if item["value_lost"] == 0 else ""
            lines.append(
                f"without {item['program_id']}: best plan worth {item['best_without']} "
                f"(−{item['value_lost']}{tie})"
            )
        else:
            lines.append(f"{item['program_id']}: {item['note']}")
    for item in explanation["best_unchosen"]:
        lines.append(
            f"not {item['program_id']} (worth up to {item['best_value']}): {item['why_not']}"
        )
    unavailable = explanation.get("unavailable_programs", [])
    for item in unavailable[:UNAVAILABLE_IN_REPORT]:
        lines.append(f"not {item['program_id']}: no start is possible: {item['why_not']}")
    if len(unavailable) > UNAVAILABLE_IN_REPORT:
        more = [item["program_id"] for item in unavailable[UNAVAILABLE_IN_REPORT:]]
        lines.append(
            f"and {len(more)} more with no possible start: {', '.join(more)} "
            "(`rotation-solver validate` counts every reason)"
        )
    return lines


def offerings_text(payload: dict[str, Any]) -> str:
    """ "56 of 74 (program, start) pairs meet the rules for a single rotation; dropped:
    ..." (found by review: "56 considered" read as the pairs looked at, which were 74;
    "can be planned" overstated it: such a pair may still fit in no plan)."""
    dropped = payload.get("dropped") or {}
    kept = payload.get("offerings") or 0
    parts = ", ".join(f"{reason} {count}" for reason, count in dropped.items())
    return (
        f"{kept} of {kept + sum(dropped.values())} (program, start) pairs meet the rules "
        f"for a single rotation; dropped: {parts}"
    )


def percent_of(part: int, whole: int) -> str:
    """A share as the nearest whole percent (97.97% is 98%: found by review, it read
    97%), but never 100% for less than all of it, nor 0% for something."""
    return "100%" if part >= whole else whole_percent(part / whole)


def repair_lines(conflict: dict[str, Any]) -> list[str]:
    """Each repair of an infeasible scenario with what the best plan is then worth."""
    lines = []
    for repair in conflict.get("repairs", []):
        best = (
            "best plan worth"
            if repair.get("proven_optimal", True)
            else "a plan (not proven best in the time limit) worth at least"
        )
        worth = (
            f" → {best} {repair['objective']} for {_money(repair['total_cost'])}"
            if repair["objective"] is not None
            else ""
        )
        lines.append(f"{repair['change']}{worth}")
    return lines


def render_explanation(explanation: dict[str, Any], console: Console) -> None:
    """The "why this plan" section of the table output."""
    console.print("[bold]Why this plan[/bold]")
    print_bullets(console, explanation_lines(explanation))


def print_bullets(console: Console, lines: Sequence[str | Text]) -> None:
    """A bulleted list whose long items wrap under their own text, not at column 0."""
    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for line in lines:
        grid.add_row("  • ", line if isinstance(line, Text) else Text(line))
    console.print(grid)
