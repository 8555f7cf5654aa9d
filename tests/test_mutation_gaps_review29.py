"""Tests that kill the real survivors of a mutation review of the code changed since
3165184 (`apply --since`, its calendar, the checker's own reading of the extensions, ...).
Each test fails on its mutant (named in the docstring) and passes on the code as it is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from icalendar import Calendar

from rotation_solver.cli import cli
from tests.conftest import SCENARIOS
from tests.test_apply_since import _apply, _example_copy, _report

EXAMPLE = SCENARIOS / "example" / "scenario.yaml"


def _chosen(report: dict[str, Any]) -> list[str]:
    return [a["program_id"] for a in report["applications"]]


def _events(data: bytes) -> dict[str, Any]:
    return {str(e["SUMMARY"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def test_an_application_sent_before_and_still_sent_is_kept_not_sent_since(
    tmp_path: Path,
) -> None:
    """Mutant S1 (`since.py`: the earlier report's `sent` flag read as False): an
    application listed as sent in both reports was called "sent since" again, and left
    out of `kept`."""
    path = _example_copy(tmp_path / "s", lambda text: text + "applied:\n  - {program: rad-cedar}\n")
    before = _report(tmp_path / "before.json", scenario=path)
    assert [a["sent"] for a in before["applications"] if a["program_id"] == "rad-cedar"] == [True]
    changes = _report(
        tmp_path / "after.json", "--since", str(tmp_path / "before.json"), scenario=path
    )["changes"]
    assert changes["sent"] == []
    assert "rad-cedar" in changes["kept"]


def test_an_application_sent_that_was_not_in_the_earlier_report_is_not_new(
    tmp_path: Path,
) -> None:
    """Mutant S11 (`added` without `not a.get("sent")`): a program absent from the
    earlier report, now listed under applied, read "new: X (apply on ...)"."""
    before = _report(tmp_path / "before.json")
    assert "rad-lakeshore" not in _chosen(before)
    path = _example_copy(
        tmp_path / "s", lambda text: text + "applied:\n  - {program: rad-lakeshore}\n"
    )
    args = [str(path), "--since", str(tmp_path / "before.json")]
    changes = json.loads(_apply(*args, "--format", "json").stdout)["changes"]
    assert changes["sent"] == ["rad-lakeshore"]
    assert "rad-lakeshore" not in [a["program_id"] for a in changes["added"]]
    assert "new: rad-lakeshore" not in _apply(*args).stdout


def test_the_starts_of_a_kept_application_are_compared_with_the_earlier_ones(
    tmp_path: Path,
) -> None:
    """Mutant S7 (`starts_changed` filled whatever the starts): nothing tested the starts
    a kept application asks for, neither unchanged nor changed."""
    before = _report(tmp_path / "before.json")
    same = _report(tmp_path / "same.json", "--since", str(tmp_path / "before.json"))
    assert same["changes"]["starts_changed"] == []
    edited = json.loads(json.dumps(before))
    first = edited["applications"][0]
    assert len(first["starts"]) > 1
    first["starts"] = first["starts"][1:]
    (tmp_path / "edited.json").write_text(json.dumps(edited), "utf-8")
    args = [str(EXAMPLE), "--since", str(tmp_path / "edited.json")]
    changes = json.loads(_apply(*args, "--format", "json").stdout)["changes"]
    pid = first["program_id"]
    assert changes["starts_changed"] == [
        {"program_id": pid, "from": first["starts"], "to": before["applications"][0]["starts"]}
    ]
    table = " ".join(_apply(*args).stdout.split())
    assert f"starts of {pid}: {', '.join(first['starts'])} →" in table


def test_an_unchanged_budget_is_not_listed_as_a_change(tmp_path: Path) -> None:
    """Mutant S15 (the budget line without `before != after`): "budget $9,000 → $9,000"
    under "Since", read as if the budget had moved."""
    _report(tmp_path / "before.json")
    table = " ".join(_apply(str(EXAMPLE), "--since", str(tmp_path / "before.json")).stdout.split())
    assert "the same programs as before" in table
    assert "budget $" not in table


def test_the_checker_reads_the_applications_sent_from_the_scenario_not_the_loader() -> None:
    """Mutant H1 (`checker.py`: `self.sent` from the loader's `applied` again): a loader
    that lost the applications sent would pass the check of `applied` flags it got
    wrong. The checker's own reading (`check_inputs`) must not depend on it."""
    import dataclasses

    from rotation_solver.checker import check_plan
    from rotation_solver.scenario import load_scenario

    path = SCENARIOS / "applications-sent" / "scenario.yaml"
    result = CliRunner().invoke(
        cli, ["solve", str(path), "--workers", "1", "--no-explain", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert any(rotation.get("applied") for rotation in plan["rotations"])
    loaded = load_scenario(path)
    assert check_plan(loaded, plan).ok
    # The loader's derived lists emptied: the scenario as written still says what was sent.
    forgot = dataclasses.replace(loaded, applied=(), refused=())
    report = check_plan(forgot, plan)
    assert report.ok, report.rules()


def test_an_application_sent_since_has_no_moved_deadline(tmp_path: Path) -> None:
    """Mutant S8 (`deadlines_changed` without `not now[pid].get("sent")`): once the
    student listed an application as sent, "first deadline of X: 2027-04-19 → none"
    read as if the program had dropped its deadline."""
    before = _report(tmp_path / "before.json")
    pid = next(a["program_id"] for a in before["applications"] if a["deadline"])
    path = _example_copy(tmp_path / "s", lambda text: text + f"applied:\n  - {{program: {pid}}}\n")
    args = [str(path), "--since", str(tmp_path / "before.json")]
    changes = json.loads(_apply(*args, "--format", "json").stdout)["changes"]
    assert changes["sent"] == [pid]
    assert changes["deadlines_changed"] == []
    assert "first deadline of" not in _apply(*args).stdout


def test_a_sent_application_no_plan_can_use_is_not_dropped_nor_new_to_the_comparison(
    tmp_path: Path,
) -> None:
    """Mutants S12 (`dropped` without `not in unusable`) and S6 (`sent_unusable` without
    `if pid in before`): rad-fogbay takes no IMG (the example's student is one), so once
    sent no plan can use it. Listed earlier, it is still out (its fee paid), not
    "dropped"; not listed earlier, it is no change since that report."""
    before = _report(tmp_path / "before.json")
    path = _example_copy(
        tmp_path / "s", lambda text: text + "applied:\n  - {program: rad-fogbay}\n"
    )
    unlisted = json.loads(
        _apply(str(path), "--since", str(tmp_path / "before.json"), "--format", "json").stdout
    )
    assert unlisted["sent_unused"] == ["rad-fogbay"]
    assert unlisted["changes"]["sent_unusable"] == []
    listed = json.loads(json.dumps(before))
    listed["applications"].append(
        {"program_id": "rad-fogbay", "starts": ["2027-06-07"], "sent": True, "deadline": None}
    )
    (tmp_path / "listed.json").write_text(json.dumps(listed), "utf-8")
    args = [str(path), "--since", str(tmp_path / "listed.json")]
    changes = json.loads(_apply(*args, "--format", "json").stdout)["changes"]
    assert changes["sent_unusable"] == ["rad-fogbay"]
    assert "rad-fogbay" not in [d["program_id"] for d in changes["dropped"]]
    assert "dropped: rad-fogbay" not in _apply(*args).stdout


def _no_applications_left(tmp_path: Path) -> tuple[dict[str, Any], list[str]]:
    """As tests/test_apply_since.py: three accepted offers and $7,000 leave no
    application worth its fee; the arguments of `apply --since` the earlier report."""
    before = _report(tmp_path / "before.json")
    path = _example_copy(tmp_path / "s", lambda text: text.replace("budget: 9000", "budget: 7000"))
    args = [str(path), "--since", str(tmp_path / "before.json")]
    for lock in ["rad-cedar@2027-06-14", "rad-juniper@2027-07-26", "em-saguaro@2027-08-16"]:
        args += ["--lock", lock]
    return before, args


def test_dropped_applications_and_none_added_are_not_the_same_programs(tmp_path: Path) -> None:
    """Mutant S14 ("the same programs as before" without `or changes["dropped"]`): every
    application dropped, none added, and the report said the programs were the same."""
    before, args = _no_applications_left(tmp_path)
    after = json.loads(_apply(*args, "--format", "json").stdout)
    assert after["changes"]["dropped"] and not after["changes"]["added"]
    table = " ".join(_apply(*args).stdout.split())
    assert f"dropped: {_chosen(before)[0]}:" in table
    assert "the same programs as before" not in table


def test_the_calendar_since_cancels_a_dropped_applications_deadline(tmp_path: Path) -> None:
    """Mutant K2 (`OWN_KINDS` without "deadline"): the "Deadline: X" reminder of an
    application dropped since stayed in the calendar, live, after "Apply to X" went."""
    before = _report(tmp_path / "before.json")
    gone = next(a["program_id"] for a in before["applications"] if a["deadline"])
    args = [str(EXAMPLE), "--exclude", gone, "--since", str(tmp_path / "before.json")]
    events = _events(_apply(*args, "--format", "ics").stdout_bytes)
    deadline = events[f"Dropped: Deadline: {gone}"]
    assert str(deadline["STATUS"]) == "CANCELLED"
    assert "excluded now" in str(deadline["DESCRIPTION"])
    assert f"Deadline: {gone}" not in events


def test_the_calendar_since_cancels_the_offers_answered_since(tmp_path: Path) -> None:
    """Mutant K1 (`OWN_KINDS` without "offer"): once the offers were answered (accepted
    under locks, declined under exclude), "Decline the offer from X" stayed a live event
    of the imported calendar."""
    offers = SCENARIOS / "offers-in-hand" / "scenario.yaml"
    before = _report(tmp_path / "before.json", scenario=offers)
    asked = [c["summary"] for c in before["calendar"] if c["kind"] == "offer"]
    assert "Decline the offer from rad-rainfern" in asked
    # Answered as the student writes it: the declined offer under applied and exclude.
    text = offers.read_text("utf-8")
    text = text.replace("  - {program: rad-rainfern, start: 2027-09-06}\n", "")
    text = text.replace("../example/programs.csv", str(EXAMPLE.parent / "programs.csv"))
    answered = tmp_path / "answered.yaml"
    answered.write_text(text + "applied:\n  - {program: rad-rainfern}\nexclude: [rad-rainfern]\n")
    args = [str(answered), "--since", str(tmp_path / "before.json")]
    args += ["--lock", "rad-cedar@2027-06-14", "--lock", "rad-peachleaf@2027-08-02"]
    events = _events(_apply(*args, "--format", "ics").stdout_bytes)
    cancelled = {
        s.partition(": ")[2] for s, e in events.items() if str(e.get("STATUS")) == "CANCELLED"
    }
    assert set(asked) <= cancelled


def test_the_deadline_of_an_application_sent_since_is_done_not_dropped(tmp_path: Path) -> None:
    """Mutant K5 (a sent application's deadline keyed by its program, not its start):
    "Dropped: Deadline: X" once X was sent, read as if X had been dropped."""
    before = _report(tmp_path / "before.json")
    sent = next(a["program_id"] for a in before["applications"] if a["deadline"])
    path = _example_copy(tmp_path / "s", lambda text: text + f"applied:\n  - {{program: {sent}}}\n")
    args = [str(path), "--since", str(tmp_path / "before.json"), "--format", "ics"]
    events = _events(_apply(*args).stdout_bytes)
    assert str(events[f"Done: Deadline: {sent}"]["STATUS"]) == "CANCELLED"
    assert f"Dropped: Deadline: {sent}" not in events


def test_a_kept_applications_old_deadline_says_its_starts_changed(tmp_path: Path) -> None:
    """Mutant K6 (the reason keyed by the new starts, not the old ones): the deadline of
    the start a kept application no longer asks for was cancelled without a reason."""
    before = _report(tmp_path / "before.json")
    edited = {k: v for k, v in before.items() if k != "calendar"}  # rebuilt from its rows
    first = next(a for a in edited["applications"] if a["deadline"] and len(a["starts"]) > 1)
    first["starts"] = ["2027-12-06"]  # a start it no longer asks for: another deadline
    (tmp_path / "edited.json").write_text(json.dumps(edited), "utf-8")
    args = [str(EXAMPLE), "--since", str(tmp_path / "edited.json"), "--format", "ics"]
    events = _events(_apply(*args).stdout_bytes)
    old = events[f"Dropped: Deadline: {first['program_id']}"]
    assert str(old["STATUS"]) == "CANCELLED"
    assert "the application now lists other starts" in str(old["DESCRIPTION"])


def test_an_older_report_naming_a_program_gone_from_the_catalog_still_cancels(
    tmp_path: Path,
) -> None:
    """Mutant K11 (an older report rebuilt with the applications of programs no longer
    in the catalog): the rebuild failed, and nothing at all was cancelled."""
    before = _report(tmp_path / "before.json")
    older = {k: v for k, v in before.items() if k != "calendar"}
    gone, dropped = _chosen(before)[:2]
    folder = tmp_path / "s"
    folder.mkdir()
    catalog = (EXAMPLE.parent / "programs.csv").read_text("utf-8").splitlines()
    kept = [line for line in catalog if not line.startswith(f"{gone},")]
    (folder / "programs.csv").write_text("\n".join(kept) + "\n", "utf-8")
    (folder / "scenario.yaml").write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    (tmp_path / "older.json").write_text(json.dumps(older), "utf-8")
    args = [str(folder / "scenario.yaml"), "--exclude", dropped, "--since"]
    events = _events(_apply(*args, str(tmp_path / "older.json"), "--format", "ics").stdout_bytes)
    assert f"Dropped: Apply to {dropped}" in events


def _solve_at_home(folder: Path, home: str, catalog_edit: Any) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    catalog = (EXAMPLE.parent / "programs.csv").read_text("utf-8")
    (folder / "programs.csv").write_text(catalog_edit(catalog), "utf-8")
    text = EXAMPLE.read_text("utf-8").replace('home_city: "Miami, FL"', f'home_city: "{home}"')
    (folder / "scenario.yaml").write_text(text, "utf-8")
    result = CliRunner().invoke(
        cli, ["solve", str(folder / "scenario.yaml"), "--workers", "1", "--no-explain"]
    )
    assert result.exit_code == 0, result.output
    assert "em-saguaro" in result.stdout  # the plan's clinical rotation, in Tucson
    return result.output


def _saguaro_row(catalog: str, edit: Any) -> str:
    lines = catalog.splitlines()
    header = lines[0].split(",")
    rows = []
    for line in lines[1:]:
        cells = line.split(",")
        if cells[0] == "em-saguaro":
            edit(header, cells)
        rows.append(",".join(cells))
    return "\n".join([lines[0], *rows]) + "\n"


def test_a_home_city_rotation_with_no_housing_or_travel_is_not_warned(tmp_path: Path) -> None:
    """Mutant V2 (`away >= 0`): once the student set the rotation's housing and travel to
    0, as the warning asks, the warning still said to set them to 0."""

    def free(header: list[str], cells: list[str]) -> None:
        cells[header.index("housing_per_week")] = "0"
        cells[header.index("travel")] = "0"

    output = _solve_at_home(tmp_path, "Tucson, AZ", lambda c: _saguaro_row(c, free))
    assert "is in your home city" not in output


def test_a_catalog_city_written_with_a_dot_is_the_home_city(tmp_path: Path) -> None:
    """Mutant V3 (the catalog's city compared with its dots): "St. Tucson" in the catalog
    and "St Tucson" at home are one place, as for the home city."""

    def dotted(header: list[str], cells: list[str]) -> None:
        cells[header.index("city")] = "St. Tucson"

    output = _solve_at_home(tmp_path, "St Tucson, AZ", lambda c: _saguaro_row(c, dotted))
    assert "em-saguaro is in your home city (St Tucson, AZ)" in output


def test_an_event_of_the_day_before_the_planning_date_is_history_not_cancelled() -> None:
    """Kills E2 (calendar_export.py cancel_dropped: `DTEND > today` -> `>=`): an all-day
    event of the day before the planning date ends (DTEND, exclusive) on the planning date
    itself; it is over, kept as history, while one of the planning date is cancelled."""
    from datetime import timedelta

    from icalendar import Event

    from rotation_solver.calendar_export import cancel_dropped, written_at
    from rotation_solver.scenario import load_scenario

    loaded = load_scenario(EXAMPLE)
    today = loaded.scenario.planning_date
    earlier = []
    for uid, day in (("yesterday@test", today - timedelta(days=1)), ("today@test", today)):
        event = Event()
        event.add("uid", uid)
        event.add("summary", f"Apply to {uid}")
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        earlier.append(event)
    payload = {"scenario": loaded.scenario.name}
    calendar = Calendar()
    stamp = written_at()
    cancel_dropped(
        calendar, loaded, payload, dict(payload), stamp, lambda: earlier, lambda *_: {}, "apply"
    )
    cancelled = {str(e["UID"]) for e in calendar.walk("VEVENT")}
    assert cancelled == {"today@test"}
