"""The `apply` report (its JSON payload) as a rich table or as Markdown."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from rotation_solver import markdown
from rotation_solver.csv_out import records_csv
from rotation_solver.portfolio.since import portfolio_change_lines
from rotation_solver.render import SPECIALTY_CODE, print_bullets
from rotation_solver.words import counted, join_names, percent_as_written, whole_percent


def tenths_of_percent(shares: list[float]) -> list[int]:
    """Shares (adding to 1) as tenths of a percent that add to 1000 exactly: each is
    rounded down, then the largest remainders get the tenths left, so the histogram's
    lines add to 100.0% (rounding each alone could show 100.1%)."""
    total = sum(shares)
    if total <= 0:
        return [0 for _ in shares]
    exact = [1000 * share / total for share in shares]
    floors = [int(x) for x in exact]
    left = 1000 - sum(floors)
    by_remainder = sorted(range(len(shares)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in by_remainder[:left]:
        floors[i] += 1
    return floors


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


def _ci(pair: list[float]) -> str:
    return f"[{pair[0]:.1f}, {pair[1]:.1f}]"


def _counts_needed(payload: dict[str, Any]) -> str:
    """ " (among them at least 2 radiology + 1 clinical)": what "no plan" falls short of
    (found by a student's review: one radiology offer and a clinical one, counted as
    nothing, read as "a 45% chance I get nothing")."""
    counts = payload.get("counts") or {}
    radiology = (counts.get("radiology") or [0])[0]
    clinical = (counts.get("clinical") or [0])[0]
    needed = [f"{n} {kind}" for n, kind in ((radiology, "radiology"), (clinical, "clinical")) if n]
    return f" (among them at least {' + '.join(needed)})" if needed else ""


def _ruled_out(payload: dict[str, Any], kind: str) -> str:
    """After a chance the count rules make 0: why (found by review: '>= 2 radiology 0.0%'
    read as a failure where the rules allow one radiology rotation)."""
    bounds = (payload.get("counts") or {}).get(kind)
    if bounds is None:
        return ""
    most = bounds[1]
    if kind == "radiology" and most < 2:
        return f" (your rules allow at most {most})"
    if kind == "clinical" and most == 0:
        return " (your rules allow none)"
    return ""


def _tier_mix_part(probs: dict[str, Any]) -> str:
    only = probs.get("no_plan_only_tier_mix") or 0.0
    return f" (of which {_pct(only)} fail only tier_mix)" if only >= 0.0005 else ""


# Offers expire in about a week (issue #6); an accepted offer is a lock from then on.
NEXT_STEP = (
    "Once sent, list these applications under `applied:` in the scenario. When offers "
    "arrive (they expire in about a week), move them to `offers:` and run `rotation-solver "
    "apply` again: it says which to accept. Accepted offers go under `locks:`; refused "
    "applications and declined offers stay under `applied:` and go under `exclude:` too, "
    "so that their fees still count."
)


def next_step(payload: dict[str, Any]) -> str:
    """NEXT_STEP, without "once sent" when every application is sent already (found by
    review: the advice to list them under `applied:` after they all were)."""
    applications = payload.get("applications") or []
    if applications and all(a.get("sent") for a in applications):
        return NEXT_STEP.split(". ", 1)[1]
    return NEXT_STEP


def _starts_cell(starts: list[str], used: list[str]) -> str:
    """The starts the plans use (month-day), then the count of free alternates."""
    if not used:
        if len(starts) == 1:
            return starts[0]
        return f"{len(starts)} · {starts[0][5:]}..{starts[-1][5:]}"
    others = len(starts) - len(used)
    return ", ".join(d[5:] for d in used) + (f" +{others} alt" if others else "")


def _noise(payload: dict[str, Any]) -> str:
    """Why the out-of-sample value differs from the exact one. Found by review: "sampling
    noise" for an exact value outside the interval (which misses 1 time in 20)."""
    saa = payload["saa"]
    low, high = saa["out_of_sample_ci95"]
    if low <= saa["exact_value"] <= high:
        return "sampling noise"
    return "outside the 95% interval, which misses 1 time in 20; more --evaluate outcomes narrow it"


def _against_exact(payload: dict[str, Any]) -> str:
    """The out-of-sample value against the exact one (found by review: "-0.0 against the
    exact value (sampling noise)" where every outcome was certain)."""
    saa = payload["saa"]
    low, high = saa["out_of_sample_ci95"]
    if round(saa["saa_gap"], 1) == 0:
        same = "; every fresh outcome ended in a plan of the same value" if low == high else ""
        return f"equal to the exact value{same}"
    return f"{-saa['saa_gap']:+.1f} against the exact value ({_noise(payload)})"


def _search_row(payload: dict[str, Any]) -> tuple[str, str]:
    """(label, text): how the applications were chosen, on the sample or exactly."""
    saa, sampling = payload["saa"], payload["sampling"]
    answers = payload.get("offer_answers")
    # With offers in hand, the search and its bound are those of the chosen answer.
    around = "" if answers is None else ", around the chosen answer to the offers in hand"
    if sampling.get("enumerated"):
        outcomes, programs = sampling["outcomes"], saa["candidates"]
        every = f"all {outcomes:,} offer outcomes" if outcomes != 1 else "the one offer outcome"
        proven = (
            ""
            if answers is None
            else "; every other answer to the offers was valued exactly or ruled out"
            if answers["proven"]
            else "; some other answers were not searched in time, so one may be worth more"
            if answers.get("out_of_time")
            else "; other answers were chosen on a sample, so one of them may be worth more"
        )
        cap = payload.get("max_applications")
        if cap is not None and _sent_count(payload) >= cap:
            # Found by a season-long review: "every portfolio ... the best portfolio"
            # where the applications sent left nothing to choose.
            return (
                "Search",
                f"none: the applications sent fill max_applications ({cap}), so there was "
                "nothing to choose; their "
                f"value is exact, over {every}{proven}",
            )
        return (
            "Search",
            f"exact: every portfolio on {every} of the {programs} "
            f"program{'' if programs == 1 else 's'} (no sampling needed), so this is the "
            f"best portfolio{around}, gap 0%{proven}",
        )
    return (
        "In sample (SAA)",
        f"{saa['in_sample_value']:.1f} over {sampling['scenarios']} outcomes"
        f"{_bound_part(saa, payload.get('bound_proven', True))}{around}"
        f"{_polish_part(saa, payload.get('expected_value'))}",
    )


def _polish_part(saa: dict[str, Any], exact: float | None) -> str:
    """What the exact check of the sample's choice did (`polish_exactly`)."""
    polish = saa.get("exact_polish") or {}
    if not polish.get("ran"):
        return ""
    stopped = (
        ""
        if polish["local_optimum"]
        else " (the time limit stopped the exact check before every portfolio one change "
        "away was valued: a larger --time-limit finishes it)"
    )
    if not polish["moves"]:
        if not polish["local_optimum"]:
            # Found by review: the check had not run, yet read as done.
            return (
                "; the time limit stopped the exact check of the portfolios one change away "
                "before it found a better one: a larger --time-limit finishes it"
            )
        return (
            "; no portfolio one change away is worth more, each valued exactly on every "
            "outcome of its applications"
        )
    moves = polish["moves"]
    on_it = f"{polish['sample_choice_in_sample']:.1f} on it"
    chose = (
        f"proven best (every portfolio evaluated, {on_it})"
        if saa.get("exhaustive")
        else f"choice ({on_it})"
    )
    return (
        f"; the sample's {chose} is worth "
        f"{polish['sample_choice_exact']:.1f} exactly, so this one was chosen on the exact "
        f"value of every outcome of its applications: {exact or 0:.1f}, "
        f"{moves} change{'' if moves == 1 else 's'} away{stopped}"
    )


def _bound_part(saa: dict[str, Any], proven: bool) -> str:
    """How good the choice is on the sample: proven best, or within a bound."""
    if saa.get("exhaustive"):
        if (saa.get("exact_polish") or {}).get("moves"):
            return ""  # the sample's best was not kept: `_polish_part` says why
        return "; the best portfolio on this sample (every portfolio evaluated), gap 0%"
    if saa["bound"] is None:
        return ""
    # Cut short, the bound is looser and so is the gap: it says little of the choice
    # (found by review: a 21.5% gap that was 2.6% with time to finish).
    loose = (
        ""
        if proven
        else "; the time limit cut its solves short, so it is looser than it would be: "
        "a larger --time-limit tightens it"
    )
    return (
        f"; bound {_num(saa['bound'])} (offers known in advance{loose}), "
        f"gap at most {_pct(saa['optimality_gap'])} on these outcomes (much of it can be "
        "the worth of knowing the offers before applying, which no choice recovers)"
    )


def _no_portfolio_lines(payload: dict[str, Any]) -> list[str] | None:
    """When no portfolio can yield a plan, the report is the reason, not empty tables."""
    if payload["status"] not in ("infeasible", "unknown"):
        return None
    lines = [f"No applications can lead to a plan: {payload.get('why', '')}"]
    conflict = payload.get("conflict") or {}
    for repair in conflict.get("repairs", []):
        if repair.get("objective") is not None:
            lines.append(f"  - a plan becomes possible if you {repair['change']}")
    return lines


def _worthless_lines(payload: dict[str, Any]) -> list[str]:
    """Say why a strategy is worth exactly 0: it never ends with a plan."""
    return [
        f"{s['name']} is worth 0: no outcome of its applications leaves a plan worth "
        f"anything (its fees: ${s['fees']:,} of the ${payload['budget']:,} budget)."
        for s in payload["evaluation"]["strategies"]
        if s.get("exact_value") == 0
    ]


# What the naive strategies are (found by an advisor's review: never said).
# What N and the pool are (found by a statistical review: not said).
NAIVE_DEFINITION = (
    "Naive strategies: keep the applications already sent, then fill the N slots left "
    "up to max_applications with the programs ranked highest by expected value "
    "(acceptance x value) or by letter, ceil(N x clinical.min / (radiology.min + "
    "clinical.min)) of them clinical and the rest radiology, swapping in a reach/target "
    "or an IMG-friendly target/safety radiology program when tier_mix needs one; each pays "
    "its own fees. Ranked are the programs `apply` itself may choose: a start some plan "
    "can take beside the accepted offers, an offer chance above 0, affordable on its own, "
    "and of a kind the accepted offers do not fill."
)


def _same_programs_lines(payload: dict[str, Any]) -> list[str]:
    """Say when the comparison cannot tell strategies apart: the same programs, or every
    usable program (a catalog no larger than max_applications)."""
    strategies = payload["evaluation"]["strategies"]
    lines = []
    first_with: dict[tuple[str, ...], str] = {}
    for s in strategies:
        programs = tuple(sorted(s["programs"]))
        if programs not in first_with:
            first_with[programs] = s["name"]
            continue
        other = first_with[programs]
        lines.append(
            f"{s['name']} applies to the same programs as {other}"
            + (": its margin is 0 by construction, not a finding." if other == "portfolio" else ".")
        )
    usable = (payload.get("saa") or {}).get("candidates") or 0
    # Only where the portfolio leaves some out: else the line above says it all.
    everything = [
        s["name"]
        for s in strategies[1:]
        if usable and len(s["programs"]) == usable > len(strategies[0]["programs"])
    ]
    if everything:
        lines.append(
            f"{' and '.join(everything)} {'apply' if len(everything) > 1 else 'applies'} to "
            f"every usable program ({usable}, within max_applications "
            f"{payload['max_applications']}): the portfolio's margin is what leaving some "
            "out gains, in fees and budget."
        )
    return lines


# The roles read like tiers but are not: say what they mean wherever they are shown.
ROLES = (
    "Roles (how the plans use an application, not the program's tier): audition target = "
    "a radiology application taken in at least half of the outcomes where it is offered; "
    "safety net = taken less often (it covers outcomes where better offers fail); clinical "
    "backup = a clinical application; spare = never in the best plan."
)


def _sent_count(payload: dict[str, Any]) -> int:
    listed = sum(1 for a in payload.get("applications") or () if a.get("sent"))
    return listed + len(payload.get("sent_unused") or ())


def _sent_words(payload: dict[str, Any], *, noun: bool = False) -> str:
    """ " (2 sent, still unanswered; not counted: 1 offer in hand, 1 closed (refused,
    declined or withdrawn))": which
    applications the cap counts (found by three reviews: answered ones seemed lost from
    the count)."""
    parts = []
    if sent := _sent_count(payload):
        unusable = len(payload.get("sent_unused") or ())
        parts.append(
            f"{counted(sent, 'application') if noun else sent} sent, still unanswered"
            + (f", {unusable} of them no plan can use" if unusable else "")
        )
    apart = payload.get("not_counted") or {}
    kinds = [
        counted(len(apart.get("offers_in_hand") or ()), "offer") + " in hand",
        # Refused by the program, or declined or withdrawn by the student: the scenario
        # cannot tell (found by an advisor's review: "refused" for her own declines).
        f"{len(apart.get('refused') or ())} closed (refused, declined or withdrawn)",
        f"{len(apart.get('accepted') or ())} accepted",
    ]
    kinds = [k for k in kinds if not k.startswith("0 ")]
    if kinds:
        parts.append("not counted: " + ", ".join(kinds))
    return f" ({'; '.join(parts)})" if parts else ""


def _offer_cells(application: dict[str, Any]) -> tuple[str, str, str]:
    """Submit on, first deadline and offer chance; an offer in hand has nothing to send."""
    if application.get("offered"):
        return "offer in hand", "—", "in hand"
    if application.get("sent"):
        return "sent", "—", percent_as_written(application["acceptance"])
    deadline = application["deadline"] or "—"
    return application["submit_on"], deadline, percent_as_written(application["acceptance"])


def offer_answer_lines(payload: dict[str, Any]) -> list[str]:
    """Which offers in hand to accept and decline now (`offer_answers`), what the next
    best ways to answer would be worth, and how to re-plan once answered. None means no
    offers in hand, or no plan in any way to answer them."""
    answers = payload.get("offer_answers")
    if answers is None:
        return []

    def named(offers: list[dict[str, str]]) -> str:
        return join_names([f"{o['program_id']} {o['start']}" for o in offers])

    def worth(way: dict[str, Any]) -> str:
        chance = way.get("no_plan")
        return (
            ("at least " if way.get("cut_short") else "")
            + f"{way['expected_value']:.1f}"
            + ("" if chance is None else f", no plan {100 * chance:.1f}%")
        )

    def answer(way: dict[str, Any]) -> str:
        return f"accept {named(way['accept'])}" if way["accept"] else "decline all"

    accept, decline = answers["accept"], answers["decline"]
    if not decline:
        told = f"accept {'it' if len(accept) == 1 else 'all of them'}: {named(accept)}"
    elif not accept:
        told = f"decline {'it' if len(decline) == 1 else 'all of them'}: {named(decline)}"
    else:
        told = f"accept {named(accept)}; decline {named(decline)}"
    ways = answers["ways"]
    chosen = next(w for w in ways if w["outcome"] == "chosen")
    others = sorted(
        (w for w in ways if w["outcome"] == "searched"), key=lambda w: -w["expected_value"]
    )
    tally = [
        f"{sum(w['outcome'] in ('searched', 'chosen') for w in ways)} searched",
        f"{sum(w['outcome'] == 'cannot beat' for w in ways)} ruled out by their best case",
        f"{sum(w['outcome'] == 'no plan' for w in ways)} without a plan",
        f"{sum(w['outcome'] == 'out of time' for w in ways)} not searched in time",
    ]
    tally = [t for t in tally if not t.startswith("0 ")]
    runners_up = "; ".join(f"{answer(w)}: {worth(w)}" for w in others[:2])
    text = (
        f"Offers in hand, to answer now: {told}. Of the {counted(len(ways), 'way')} to "
        f"answer {'it' if len(accept) + len(decline) == 1 else 'them'} ({', '.join(tally)}), "
        + (
            "this one's applications above are worth "
            if payload.get("applications")
            else "this one, with no application left to send, is worth "
        )
        + f"{worth(chosen)}"
        + (f" (next: {runners_up})" if runners_up else "")
        + "."
    )
    margin = answers.get("decline_margin") or 0
    if others and others[0]["expected_value"] > chosen["expected_value"] + 1e-9:
        text += (
            f' Answering "{answer(others[0])}" is worth a little more '
            f"({others[0]['expected_value']:.1f}), but within {100 * margin:.0f}%: a sure "
            "offer is kept unless the gain is larger, since these outcomes let later offers "
            "be held until all have come, which flatters waiting."
        )
    elif decline and any(w["accept"] and w["outcome"] != "no plan" for w in ways):
        # (Not where every way that accepts has no plan: no gain decided that.)
        text += (
            " These outcomes let later offers be held until all have come, which flatters "
            f"declining; a sure offer is declined here only for a gain above {100 * margin:.0f}%."
        )
    keeping = [
        w
        for w in others
        if len(w["accept"]) > len(chosen["accept"])
        and (w.get("no_plan") or 0) >= max(0.1, 2 * (chosen.get("no_plan") or 0))
    ]
    if decline and keeping:
        # Found by review: declining two sure offers because keeping them left 25% of
        # outcomes without a clinical rotation, which count 0 though the offers stand.
        w = max(keeping, key=lambda way: way["expected_value"])
        text += (
            f" Keeping more offers ({answer(w)}) is worth {worth(w)}: the outcomes with no "
            "plan meeting your rules (often: no clinical rotation comes) count 0 here, even "
            "though the accepted rotations would stand; if you could fill that gap another "
            "way, accepting may be the better answer."
        )
    declined = {(o["program_id"], o["start"]) for o in decline}
    blocked = sorted(
        (
            w
            for w in ways
            if w["outcome"] == "no plan"
            and any((o["program_id"], o["start"]) in declined for o in w["accept"])
        ),
        key=lambda w: len(w["accept"]),
    )
    if blocked:
        # Found by an advisor's review: a sure offer declined as "without a plan", with no
        # word of which rules stand in the way; `solve --lock` names them and the repairs.
        # Found by review: that way's "no plan" may come from declining the other offers
        # or from the cap on applications, which `solve` does not know: say both.
        way = blocked[0]
        locks = " ".join(f"--lock {o['program_id']}@{o['start']}" for o in way["accept"])
        rest = " (declining the rest)" if len(way["accept"]) < len(accept) + len(decline) else ""
        cap = payload.get("max_applications")
        within = f" with at most {counted(cap, 'application')}" if cap is not None else ""
        if way.get("conflict"):
            # The offers alone say why (found by a season-long review: the cap on
            # applications was named for two offers that overlap).
            text += f" Accepting {named(way['accept'])}{rest} leaves no plan: {way['conflict']}."
        else:
            text += (
                f" Accepting {named(way['accept'])}{rest} leaves no plan that meets your rules"
                f"{within}, even if every application said yes; `rotation-solver solve "
                f"SCENARIO {locks}` shows whether your rules alone rule it out, and if so "
                "which, with what would change that."
            )
    paid = answers.get("declined_fees") or 0
    text += (
        " The plans above take the accepted offers as locks and leave the declined programs "
        "out. An offer is usually answered within about a week; once answered, re-plan with "
        "the accepted ones moved from `offers:` to `locks:`"
        # Declined offers go under both, fee or not (found by review: "moved to
        # `exclude:`" alone, followed literally, dropped a fee already paid).
        + (
            " and the declined ones moved to `applied:` and `exclude:` together, so that "
            + (f"their fees, already paid (${paid:,}), " if paid else "their fees ")
            + "still count as these plans count them"
            if answers.get("decline") or paid
            else ""
        )
        + _same_program_words(answers)
        + "."
    )
    return [text]


def _same_program_words(answers: dict[str, Any]) -> str:
    """A declined offer of a program whose other start is accepted is only removed: under
    `exclude:` the program could not also be locked (found by review)."""
    taken = {o["program_id"] for o in answers.get("accept") or []}
    both = sorted({o["program_id"] for o in answers.get("decline") or []} & taken)
    if not both:
        return ""
    return (
        f"; but a declined start of {', '.join(both)}, whose other offer you accept, is "
        "only removed from `offers:`"
    )


def _unusable_sent_line(payload: dict[str, Any]) -> str:
    """The applications sent that no plan can use: counted, not listed (found by an
    advisor's review: "10 of at most 10" above 9 rows)."""
    unusable = payload.get("sent_unused") or []
    if not unusable:
        return ""
    it, fee, counts = (
        ("it", "its fee is", "it counts")
        if len(unusable) == 1
        else ("them", "their fees are", "they count")
    )
    return (
        f"Not listed: {join_names(unusable)}, sent, but no plan can use {it} (the warning "
        f"says why); {fee} paid and {counts} among max_applications."
    )


def _applications_table(payload: dict[str, Any], console: Console) -> None:
    """Each application with its dates and role, then what the roles and starts mean."""
    apps = Table(title="Applications", box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    for name in ("Program", "Kind", "Starts", "Submit on", "First deadline", "Fee", "Offer"):
        # Names fold in a narrow terminal rather than end in "…"; dates and money stay whole.
        folds = name in ("Program", "Kind", "Starts")
        apps.add_column(name, no_wrap=not folds, overflow="fold" if folds else "ellipsis")
    apps.add_column("Role · in plan / taken if offered")
    for a in payload["applications"]:
        span = _starts_cell(a["starts"], a.get("plan_starts", []))
        submit, deadline, offer = _offer_cells(a)
        apps.add_row(
            Text(a["program_id"]),
            Text(f"{SPECIALTY_CODE.get(a['specialty'], a['specialty'])} · {a['tier']}"),
            span,
            submit,
            deadline,
            f"${a['fee']:,}",
            offer,
            f"[bold]{a['role']}[/bold] {whole_percent(a['p_in_plan'])} / "
            f"{whole_percent(a['p_taken_if_offered'])}",
        )
    console.print(apps)
    if unusable := _unusable_sent_line(payload):
        console.print(Text(unusable))
    console.print(
        Text(
            f"{ROLES} Starts: the dates the plans use, then how many other listed starts to "
            "ask for as free alternates; the first deadline is the earliest of all (--format "
            "markdown or json lists each start with its own deadline). Fee: paid when you "
            "apply, whatever the answer; a rotation's other costs (housing, travel, any IMG "
            "surcharge) count only if you take it.",
            style="dim",
        )
    )


def render_portfolio_table(payload: dict[str, Any], console: Console) -> None:
    """The report for the terminal."""
    reason = _no_portfolio_lines(payload)
    if reason is not None:
        console.print(Text.assemble(("Scenario", "bold"), "  ", payload["scenario"]))
        for line in reason:
            console.print(line, soft_wrap=True, markup=False)
        _print_changes(payload, console)
        return
    saa = payload["saa"]
    probs = payload["probabilities"]
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold")
    summary.add_column()
    rows = [
        ("Scenario", payload["scenario"]),
        (
            "Applications",
            # Sent applications no plan can use are not listed, but the cap counts them
            # (found by review: "4 of at most 10" beside "they count among max_applications").
            f"{len(payload['applications']) + len(payload.get('sent_unused') or ())} of at "
            f"most {payload['max_applications']}"
            # "Unanswered": answered ones (offers, refusals) are not among the N, and
            # `solve` counts them all as "already made" (found by review: 4 here, 6 there).
            + _sent_words(payload)
            + f" · fees ${payload['fees']:,}"
            + (f" (and ${paid:,} already paid)" if (paid := payload.get("paid_fees")) else "")
            + f" of the ${payload['budget']:,} budget",
        ),
        (
            "Expected value",
            f"{payload['expected_value']:.1f} (exact; an offered rotation counts in full, "
            "not weighed by acceptance as in `solve`)",
        ),
        _search_row(payload),
        (
            "Out of sample",
            f"{saa['out_of_sample_value']:.1f} {_ci(saa['out_of_sample_ci95'])} over "
            f"{payload['evaluation']['outcomes']} fresh outcomes; "
            + (
                _against_exact(payload)
                if payload["sampling"].get("enumerated")
                else f"SAA gap {saa['saa_gap']:+.1f}"
            ),
        ),
        (
            "Chances",
            # Of the plan built from the offers, not of offers (found by review).
            f"plan with >= 2 radiology {_pct(probs['two_or_more_radiology'])}"
            f"{_ruled_out(payload, 'radiology')} · plan with a clinical rotation "
            f"{_pct(probs['clinical'])}"
            f"{_ruled_out(payload, 'clinical')} · no plan meeting your rules"
            f"{_counts_needed(payload)} {_pct(probs['no_plan'])}"
            f"{_tier_mix_part(probs)}"
            # Found by review: two locked radiology rotations, yet ">= 2 radiology 75%".
            + (
                " (counted in plans meeting your rules: in an outcome whose other offers "
                "complete no such plan, your accepted offers still stand, but it counts as "
                "no plan and 0, theirs included)"
                if payload["locks"] and probs["no_plan"] > 0
                else ""
            ),
        ),
    ]
    if checked := _checked(payload):
        rows.append(("Checked", checked))
    if payload["locks"]:
        rows.append(
            (
                "Locks",
                ", ".join(
                    f"{x['program_id']}@{x['start']}"
                    + (" (offer to accept)" if x.get("offer") else "")
                    for x in payload["locks"]
                ),
            )
        )
    if payload.get("why"):  # no outcome has a plan, yet some plan exists: say why
        rows.append(("No plan", payload["why"]))
    for label, value in rows:
        summary.add_row(label, Text(value))  # names and ids are text, never markup
    console.print(summary)
    if payload["applications"]:
        _applications_table(payload, console)
    # With no application left to send, the answer to the offers still matters (found by
    # a student's review: it went unsaid with the table).
    for line in offer_answer_lines(payload):
        console.print(Text(line))
    if payload["applications"]:
        console.print(Text(next_step(payload), style="dim"))
    _print_changes(payload, console)
    strategies = Table(
        title="Out-of-sample comparison (same outcomes, 95% CI); exact: over every outcome",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
    )
    for name in ("Strategy", "Value", "95% CI", "Margin of the portfolio", "Exact", "Fees"):
        strategies.add_column(name)
    for s in payload["evaluation"]["strategies"]:
        margin = f"{s['margin']:+.1f} {_ci(s['margin_ci95'])}" if "margin" in s else "—"
        strategies.add_row(
            Text(s["name"]),
            f"{s['value']:.1f}",
            _ci(s["ci95"]),
            margin,
            f"{s['exact_value']:.1f}",
            f"${s['fees']:,}",
        )
    console.print(strategies)
    for line in [NAIVE_DEFINITION, *_same_programs_lines(payload), *_worthless_lines(payload)]:
        console.print(Text(line, "dim"))
    console.print(f"[bold]Plan value over the outcomes[/bold] ({_histogram_note(payload)})")
    for lo, hi, bar, share in _histogram_rows(payload):
        span = f"{lo:6.0f}–{hi:<6.0f}" if hi > lo else f"{lo:6.0f}{'':7}"
        console.print(f"  {span} {bar} {share}")
    timings = payload["timings"]
    answering = timings.get("answer_seconds") or 0
    console.print(
        "[dim]"
        # Answering the offers searches every way, the chosen way's search included.
        + (
            f"answering offers {answering:.1f} s, of which the chosen way's search "
            if answering and timings.get("search_in_answer", True)
            else f"answering offers {answering:.1f} s · search "
            if answering
            else "search "
        )
        + f"{timings['search_seconds']:.1f} s · bound {timings['bound_seconds']:.1f} s"
        + f" · evaluation {timings['evaluation_seconds']:.1f} s · total "
        f"{timings['total_seconds']:.1f} s[/dim]"
    )


def _print_changes(payload: dict[str, Any], console: Console) -> None:
    """What changed since the earlier report (`--since`), when one was named."""
    changes = payload.get("changes")
    if changes:
        console.print(Text(f"Since {changes['since']}", style="bold"))
        print_bullets(console, portfolio_change_lines(changes))


def _markdown_changes(payload: dict[str, Any]) -> list[str]:
    changes = payload.get("changes")
    if not changes:
        return []
    lines = ["", f"## Since {markdown.cell(changes['since'])}", ""]
    return lines + [f"- {markdown.cell(line)}" for line in portfolio_change_lines(changes)]


def _histogram_note(payload: dict[str, Any]) -> str:
    # Found by review: the lowest bar (2.6%) beside "no plan 2.5%" read as a contradiction.
    zero = "; an outcome with no plan counts 0, in the lowest bar" if probs_no_plan(payload) else ""
    return f"exact probabilities{zero}"


def _histogram_rows(payload: dict[str, Any]) -> list[tuple[float, float, str, str]]:
    """(low, high, bar, share) per bin of the plan value's distribution."""
    dist = payload["distribution"]
    top = max(dist["counts"]) or 1
    tenths = tenths_of_percent(dist["counts"])
    return [
        (lo, hi, "█" * round(30 * count / top), f"{shown / 10:.1f}%")
        for lo, hi, count, shown in zip(
            dist["edges"], dist["edges"][1:], dist["counts"], tenths, strict=False
        )
    ]


def probs_no_plan(payload: dict[str, Any]) -> float:
    """The chance of ending with no plan meeting the rules (0 when not reported)."""
    return float(payload.get("probabilities", {}).get("no_plan") or 0)


def _checked(payload: dict[str, Any]) -> str:
    """How many of the outcomes' best plans passed the independent checker ("" for none)."""
    checked = payload.get("checked_plans")
    if not checked:
        return ""
    return (
        "the one best plan behind these outcomes passes"
        if checked == 1
        else f"the {checked} distinct best plans behind these outcomes pass"
    ) + " the independent checker (rules, dates, cost and value recomputed)"


def render_portfolio_markdown(payload: dict[str, Any]) -> str:
    reason = _no_portfolio_lines(payload)
    if reason is not None:
        title = f"# Applications: {markdown.cell(payload['scenario'])}"
        return "\n".join([title, "", *reason, *_markdown_changes(payload)]) + "\n"
    saa = payload["saa"]
    probs = payload["probabilities"]
    lines = [
        f"# Applications: {markdown.cell(payload['scenario'])}",
        "",
        f"- Expected plan value: **{payload['expected_value']:.1f}** (exact over every offer "
        "outcome of these applications; an offered rotation counts in full, not weighed "
        "by acceptance as in `solve`)",
        "- {}: {}".format(*_search_row(payload)),
        f"- Out of sample ({payload['evaluation']['outcomes']} fresh outcomes): "
        f"{saa['out_of_sample_value']:.1f} {_ci(saa['out_of_sample_ci95'])}",
        f"- Chance of a plan with >= 2 radiology rotations "
        f"{_pct(probs['two_or_more_radiology'])}"
        f"{_ruled_out(payload, 'radiology')}, of a plan with a clinical one "
        f"{_pct(probs['clinical'])}"
        f"{_ruled_out(payload, 'clinical')}, of no plan meeting your rules"
        f"{_counts_needed(payload)} {_pct(probs['no_plan'])}"
        f"{_tier_mix_part(probs)}",
        f"- Fees: ${payload['fees']:,} to pay"
        + (f" (and ${paid:,} already paid)" if (paid := payload.get("paid_fees")) else "")
        + f" of the ${payload['budget']:,} budget"
        + _sent_words(payload, noun=True),
        *([f"- No plan in any outcome: {payload['why']}"] if payload.get("why") else []),
        *([f"- Checked: {checked}"] if (checked := _checked(payload)) else []),
        "",
        "| Program | Specialty | Tier | Starts | Submit on | First deadline | Fee | Offer | Role "
        "| Why |",
        "|---|---|---|---|---|---|---:|---:|---|---|",
    ]
    for a in payload["applications"]:
        used = set(a.get("plan_starts", []))
        due = dict(zip(a["starts"], a.get("start_deadlines") or [], strict=False))
        # Each start's deadline where they differ (one date for all is the first's).
        differ = len(set(due.values())) > 1
        starts = ", ".join(
            (f"**{d}**" if d in used else d)
            + (f" (by {due[d] or 'no deadline'})" if differ else "")
            for d in a["starts"]
        )
        submit, deadline, offer = _offer_cells(a)
        lines.append(
            f"| {markdown.cell(a['program_id'])} | {a['specialty'].replace('_', ' ')} "
            f"| {a['tier']} | {starts} | {submit} | {deadline} | ${a['fee']:,} | {offer} "
            f"| {a['role']} | {markdown.cell(a['reason'])} |"
        )
    answer = offer_answer_lines(payload)
    if unusable := _unusable_sent_line(payload):
        lines += ["", markdown.cell(unusable)]
    if payload["applications"]:
        lines += [
            "",
            *answer,
            "",
            f"{ROLES} Starts in bold are the dates the plans use; the others are free "
            "alternates worth asking for too. The first deadline is the earliest of all; "
            "where the starts' deadlines differ, each start says its own (by ...). "
            "Fee: paid when you apply, whatever the answer; a rotation's other costs "
            "(housing, travel, any IMG surcharge) count only if you take it.",
            "",
            next_step(payload),
        ]
    elif answer:
        lines += ["", *answer]
    lines += _markdown_changes(payload)
    lines += [
        "",
        "Out of sample: the same fresh outcomes for every strategy, with 95% CIs. Exact: "
        "the expected value over every offer outcome, which the sample estimates.",
        "",
        "| Strategy | Value | 95% CI | Margin of the portfolio (95% CI) | Exact | Fees |",
        "|---|---:|---|---|---:|---:|",
    ]
    for s in payload["evaluation"]["strategies"]:
        margin = f"{s['margin']:+.1f} {_ci(s['margin_ci95'])}" if "margin" in s else "—"
        lines.append(
            f"| {s['name']} | {s['value']:.1f} | {_ci(s['ci95'])} | {margin} "
            f"| {s['exact_value']:.1f} | ${s['fees']:,} |"
        )
    lines += ["", NAIVE_DEFINITION, *_same_programs_lines(payload), *_worthless_lines(payload)]
    # The table's histogram, for reports (found by the exports review: only the table had it).
    lines += [
        "",
        f"Plan value over the outcomes ({_histogram_note(payload)}):",
        "",
        "| Plan value | Chance | |",
        "|---|---:|---|",
        *(
            f"| {f'{lo:.0f}–{hi:.0f}' if hi > lo else f'{lo:.0f}'} | {share} | {bar} |"
            for lo, hi, bar, share in _histogram_rows(payload)
        ),
    ]
    if payload.get("warnings"):
        lines += ["", *markdown.warning_lines(payload["warnings"])]
    return "\n".join(lines) + "\n"


APPLICATION_CSV_COLUMNS = (
    "program_id",
    "program_name",
    "specialty",
    "tier",
    "starts",
    "plan_starts",
    "submit_on",
    "deadline",
    "start_deadlines",
    "fee",
    "acceptance",
    "offered",
    "sent",
    "role",
    "p_in_plan",
    "p_taken_if_offered",
    "reason",
)


def render_portfolio_csv(payload: dict[str, Any]) -> str:
    """One row per application, for a spreadsheet; dates joined by `;` as in a catalog,
    chances to 4 decimals (JSON keeps them whole)."""
    rows = [
        {
            **a,
            "starts": ";".join(a["starts"]),
            "plan_starts": ";".join(a.get("plan_starts") or []),
            # Beside `starts`, one each; a start with no deadline is blank.
            "start_deadlines": ";".join(d or "" for d in a.get("start_deadlines") or []),
            "p_in_plan": round(a["p_in_plan"], 4),
            "p_taken_if_offered": round(a["p_taken_if_offered"], 4),
            # Nothing to send for one already sent, as `solve`'s CSV has it (found by
            # review: "submit today", sorted in a spreadsheet, for an application sent
            # in February). The JSON keeps the contract's date.
            **({"submit_on": None} if a.get("sent") or a.get("offered") else {}),
        }
        for a in payload.get("applications") or []
    ]
    # The offers in hand, last: nothing to send, one answer each (role "accept offer" or
    # "decline offer"), so a spreadsheet holds every step of the answer.
    answers = payload.get("offer_answers") or {}
    for role, key in (("accept offer", "accept"), ("decline offer", "decline")):
        for offer in answers.get(key) or []:
            rows.append(
                {
                    **offer,
                    "starts": offer["start"],
                    "plan_starts": offer["start"] if role == "accept offer" else "",
                    "acceptance": 1,
                    "offered": True,
                    "fee": None,  # paid when applying; nothing to pay now (found by review)
                    "role": role,
                    "reason": f"the best of the {counted(len(answers['ways']), 'way')} to "
                    "answer the offers in hand (expected value "
                    f"{answers['expected_value']:.1f})",
                }
            )
    return records_csv(APPLICATION_CSV_COLUMNS, rows)
