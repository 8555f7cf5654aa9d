"""What changed since an earlier portfolio (`apply --since OLD.json`).

A student re-runs `apply` when news comes: an offer, a refusal, a program that closed,
another budget. The new applications are read against the old ones: those kept (and
whose starts changed, or that were sent since), added and dropped, with why each
dropped one left where the scenario says (gone from the catalog, excluded, refused,
accepted, offered); otherwise it is not among the best applications now.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rotation_solver import files
from rotation_solver.errors import InputError, Problem
from rotation_solver.offerings import Expansion, expand
from rotation_solver.scenario import LoadedScenario
from rotation_solver.scenario.schema import ISO_DATE

_READS = "--since reads the applications from `apply --format json`"


@dataclass(frozen=True)
class EarlierApplication:
    program_id: str
    starts: tuple[date, ...]
    sent: bool = False  # listed as sent then
    deadline: str | None = None  # its first deadline then, as the report gave it


@dataclass(frozen=True)
class EarlierPortfolio:
    path: Path
    applications: tuple[EarlierApplication, ...]
    expected_value: float | None
    scenario: str | None = None  # the name of the scenario it was chosen for
    budget: int | None = None
    # The whole report as read, for the calendar's cancelled events.
    document: dict[str, Any] | None = field(default=None, compare=False, repr=False)


def read_earlier_portfolio(path: Path) -> EarlierPortfolio:
    """An earlier `apply --format json` report; an input error names the file and field."""
    data = files.read_json(path, _READS)
    if not isinstance(data, dict) or not isinstance(data.get("applications"), list):
        # `solve`'s plan is the likely mix-up: say which command reads it.
        plan = isinstance(data, dict) and isinstance(data.get("rotations"), list)
        raise InputError(
            Problem(
                str(path),
                "expected the applications of `apply --format json` (an `applications` "
                "list)"
                + ("; this is a plan from `solve`, which `solve --since` reads" if plan else ""),
                field="applications",
            )
        )
    applications = []
    for index, item in enumerate(data["applications"]):
        where = f"applications[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("program_id"), str):
            raise InputError(Problem(str(path), "expected a program_id", field=where))
        starts = item.get("starts")
        if not isinstance(starts, list) or not all(
            isinstance(s, str) and ISO_DATE.match(s) for s in starts
        ):
            raise InputError(
                Problem(
                    str(path), "expected a list of starts as YYYY-MM-DD", field=f"{where}.starts"
                )
            )
        try:
            dates = tuple(date.fromisoformat(s) for s in starts)
        except ValueError:
            raise InputError(
                Problem(str(path), "expected real dates (YYYY-MM-DD)", field=f"{where}.starts")
            ) from None
        deadline = item.get("deadline") if isinstance(item.get("deadline"), str) else None
        sent = item.get("sent") is True
        applications.append(EarlierApplication(item["program_id"], dates, sent, deadline))
    value = data.get("expected_value")
    return EarlierPortfolio(
        path,
        tuple(applications),
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None,
        data["scenario"] if isinstance(data.get("scenario"), str) else None,
        budget
        if isinstance(budget := data.get("budget"), int) and not isinstance(budget, bool)
        else None,
        data,
    )


def _no_start_left(program_id: str, expansion: Expansion) -> str:
    """Why no start of the program can be in a plan now (a deadline passed, a document
    late, ...), from the catalog's expansion; "" when one can (found by a season-long
    review: "not in the best portfolio" for a program whose every deadline had passed)."""
    if any(o.program_id == program_id for o in expansion.offerings):
        return ""
    dropped = [d for d in expansion.dropped if d.program_id == program_id]
    if not dropped:
        return ""
    first = dropped[0]
    detail = f": {first.detail}" if first.detail else ""
    return f"no start of it is possible now ({first.start}: {first.reason}{detail})"


def _why_dropped(
    program_id: str,
    loaded: LoadedScenario,
    payload: dict[str, Any],
    expansion: Callable[[], Expansion],
) -> str:
    """Why an earlier application is not in the new portfolio, where the scenario says;
    `expansion`: the catalog's, made once when first asked for."""
    if program_id not in {p.id for p in loaded.programs}:
        return "no longer in the catalog"
    if program_id in loaded.refused:
        return "refused or withdrawn (under `applied:` and `exclude:`)"
    if program_id in loaded.exclude:
        return "excluded now"
    if program_id in {lock.program for lock in loaded.locks}:
        return "its offer is accepted (under `locks:`): no application to send"
    if program_id in {offer.program for offer in loaded.offers}:
        return "an offer in hand now: see the answer to the offers"
    if no_start := _no_start_left(program_id, expansion()):
        return no_start
    if payload.get("why"):
        return "no applications yield a plan now (see why)"
    return "not in the best portfolio now"


def portfolio_changes(
    earlier: EarlierPortfolio, payload: dict[str, Any], loaded: LoadedScenario
) -> dict[str, Any]:
    """The applications kept, added and dropped since `earlier` (the `changes` key)."""
    now = {a["program_id"]: a for a in payload.get("applications") or []}
    before = {a.program_id: a for a in earlier.applications}
    expansion = functools.cache(lambda: expand(loaded))
    # Sent, and no plan can use it: still out (its fee paid), not dropped (found by review).
    unusable = [pid for pid in payload.get("sent_unused") or [] if pid in before]
    kept, restarted, moved_deadlines = [], [], []
    for application in earlier.applications:
        pid = application.program_id
        if pid not in now:
            continue
        kept.append(pid)
        starts = [s.isoformat() for s in application.starts]
        if now[pid]["starts"] != starts:
            restarted.append({"program_id": pid, "from": starts, "to": now[pid]["starts"]})
        # Found by a season-long review: a deadline moved seven weeks earlier, unsaid.
        if not now[pid].get("sent") and application.deadline != now[pid].get("deadline"):
            moved_deadlines.append(
                {"program_id": pid, "from": application.deadline, "to": now[pid].get("deadline")}
            )
    # Listed as sent now and not before: nothing to apply for (found by review: "new: X
    # (apply on ...)" for an application the student had just listed as sent).
    sent = [
        pid for pid, a in now.items() if a.get("sent") and not (pid in before and before[pid].sent)
    ]
    return {
        "since": str(earlier.path),
        "kept": [pid for pid in kept if pid not in sent],
        "starts_changed": restarted,
        "sent": sent,
        "added": [
            {"program_id": pid, "starts": a["starts"], "submit_on": a["submit_on"]}
            for pid, a in now.items()
            if pid not in before and not a.get("sent")
        ],
        "dropped": [
            {
                "program_id": a.program_id,
                "starts": [s.isoformat() for s in a.starts],
                "why": _why_dropped(a.program_id, loaded, payload, expansion),
            }
            for a in earlier.applications
            if a.program_id not in now and a.program_id not in unusable
        ],
        "sent_unusable": unusable,
        "deadlines_changed": moved_deadlines,
        "budget": [earlier.budget, payload.get("budget")],
        "expected_value": [earlier.expected_value, payload.get("expected_value")],
    }


def _dates(starts: list[str]) -> str:
    return ", ".join(starts) if starts else "no start"


def portfolio_change_lines(changes: dict[str, Any]) -> list[str]:
    """The changes as lines for the table and the Markdown report."""
    lines = [
        f"new: {item['program_id']} (apply on {item['submit_on']})" for item in changes["added"]
    ]
    lines += [f"dropped: {item['program_id']}: {item['why']}" for item in changes["dropped"]]
    lines += [
        f"starts of {item['program_id']}: {_dates(item['from'])} → {_dates(item['to'])}"
        for item in changes["starts_changed"]
    ]
    lines += [
        f"first deadline of {item['program_id']}: {item['from'] or 'none'} → {item['to'] or 'none'}"
        for item in changes.get("deadlines_changed") or []
    ]
    if changes["kept"]:
        lines.append(f"kept: {', '.join(changes['kept'])}")
    if changes["sent"]:
        lines.append(f"sent since: {', '.join(changes['sent'])} (nothing more to send)")
    if changes.get("sent_unusable"):
        lines.append(
            f"sent, but no plan can use it now: {', '.join(changes['sent_unusable'])} (its "
            "fee is paid; the warnings say why)"
        )
    if not (changes["added"] or changes["dropped"]):
        lines.append("the same programs as before")
    before, after = changes.get("budget") or (None, None)
    if before is not None and after is not None and before != after:
        lines.append(f"budget ${before:,} → ${after:,}")
    old, new = changes["expected_value"]
    if old is not None or new is not None:
        shown = [f"{v:.1f}" if v is not None else "—" for v in (old, new)]
        lines.append(f"expected plan value {shown[0]} → {shown[1]}")
    return lines
