"""`apply --since OLD.json`: what changed since an earlier portfolio, and a calendar that
cancels the earlier calendar's events the new applications no longer have."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from icalendar import Calendar

from rotation_solver.cli import cli
from tests.conftest import SCENARIOS

EXAMPLE = SCENARIOS / "example" / "scenario.yaml"
# Small and quick: every portfolio of 4 on the example's 12 programs, exactly.
QUICK = ["--workers", "1", "--max-applications", "4", "--evaluate", "50", "--no-bound"]


def _apply(*args: str, code: int = 0) -> Any:
    result = CliRunner().invoke(cli, ["apply", *args, *QUICK])
    assert result.exit_code == code, result.output
    return result


def _report(path: Path, *args: str, scenario: Path = EXAMPLE) -> dict[str, Any]:
    """`apply --format json` of `scenario` written to `path`, and read back."""
    _apply(str(scenario), *args, "--format", "json", "-o", str(path))
    document: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return document


def _chosen(report: dict[str, Any]) -> list[str]:
    return [a["program_id"] for a in report["applications"]]


def _events(data: bytes) -> dict[str, Any]:
    return {str(e["SUMMARY"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def test_since_lists_the_applications_kept_new_and_dropped_and_why(tmp_path: Path) -> None:
    before = _report(tmp_path / "before.json")
    gone = _chosen(before)[0]
    after = _report(
        tmp_path / "after.json", "--exclude", gone, "--since", str(tmp_path / "before.json")
    )
    changes = after["changes"]
    assert changes["since"] == str(tmp_path / "before.json")
    why = {d["program_id"]: d["why"] for d in changes["dropped"]}
    assert why.pop(gone) == "excluded now"
    # The others, if any, went for the best portfolio without `gone`.
    assert set(why.values()) <= {"not in the best portfolio now"}
    assert changes["kept"] == [p for p in _chosen(before) if p in _chosen(after)]
    assert [a["program_id"] for a in changes["added"]] == [
        p for p in _chosen(after) if p not in _chosen(before)
    ]
    assert sorted([*changes["kept"], *why, gone]) == sorted(_chosen(before))
    assert changes["added"]  # a slot came free
    assert changes["expected_value"] == [before["expected_value"], after["expected_value"]]
    table = _apply(str(EXAMPLE), "--exclude", gone, "--since", str(tmp_path / "before.json"))
    assert f"dropped: {gone}: excluded now" in table.output
    assert f"new: {changes['added'][0]['program_id']} (apply on " in table.output


def test_the_same_run_since_itself_changes_nothing(tmp_path: Path) -> None:
    before = _report(tmp_path / "before.json")
    after = _report(tmp_path / "after.json", "--since", str(tmp_path / "before.json"))
    assert after["changes"]["kept"] == _chosen(before)
    assert not (after["changes"]["added"] or after["changes"]["dropped"])
    markdown = _apply(
        str(EXAMPLE), "--since", str(tmp_path / "before.json"), "--format", "markdown"
    ).output
    assert "## Since " in markdown and "- the same programs as before" in markdown


def test_the_json_records_the_calendar_it_would_write(tmp_path: Path) -> None:
    report = _report(tmp_path / "a.json")
    calendar = _events(_apply(str(EXAMPLE), "--format", "ics").stdout_bytes)
    recorded = {item["summary"]: item for item in report["calendar"]}
    assert recorded.keys() == calendar.keys()
    for summary, event in calendar.items():
        assert recorded[summary]["uid"] == str(event["UID"])
        assert recorded[summary]["start"] == event.decoded("DTSTART").isoformat()


def test_the_calendar_since_cancels_a_dropped_applications_events_with_the_reason(
    tmp_path: Path,
) -> None:
    before = _report(tmp_path / "before.json")
    gone = _chosen(before)[0]
    args = [str(EXAMPLE), "--exclude", gone, "--since", str(tmp_path / "before.json")]
    after = _report(tmp_path / "after.json", *args[1:])
    dropped_ids = [d["program_id"] for d in after["changes"]["dropped"]]
    events = _events(_apply(*args, "--format", "ics").stdout_bytes)
    dropped = {s: e for s, e in events.items() if str(e.get("STATUS")) == "CANCELLED"}
    assert f"Dropped: Apply to {gone}" in dropped
    old = {item["summary"]: item["uid"] for item in before["calendar"]}
    for summary, event in dropped.items():
        assert str(event["UID"]) == old[summary.removeprefix("Dropped: ")]
    apply_to = dropped[f"Dropped: Apply to {gone}"]
    assert "Dropped from the applications chosen on 2027-01-15: excluded now." in str(
        apply_to["DESCRIPTION"]
    )
    # Every other event of the earlier calendar is still there, under its UID.
    uids = {str(e["UID"]) for e in events.values() if str(e.get("STATUS")) != "CANCELLED"}
    kept = [
        uid
        for summary, uid in old.items()
        if not any(summary.endswith(f" {pid}") for pid in dropped_ids)
    ]
    assert all(f"Dropped: {kind} {pid}" in dropped for pid in dropped_ids for kind in ("Apply to",))
    assert kept and all(uid in uids for uid in kept)


def test_an_older_report_without_the_record_is_rebuilt(tmp_path: Path) -> None:
    before = _report(tmp_path / "before.json")
    gone = _chosen(before)[0]
    older = {k: v for k, v in before.items() if k != "calendar"}
    (tmp_path / "older.json").write_text(json.dumps(older), "utf-8")
    data = _apply(
        str(EXAMPLE), "--exclude", gone, "--since", str(tmp_path / "older.json"), "--format", "ics"
    ).stdout_bytes
    assert f"Dropped: Apply to {gone}" in _events(data)


def test_another_scenarios_report_cancels_nothing_and_is_named(tmp_path: Path) -> None:
    before = _report(tmp_path / "before.json")
    before["scenario"] = "another student"
    (tmp_path / "other.json").write_text(json.dumps(before), "utf-8")
    gone = _chosen(before)[0]
    args = [str(EXAMPLE), "--exclude", gone, "--since", str(tmp_path / "other.json")]
    result = _apply(*args, "--format", "ics")
    assert not any(s.startswith("Dropped: ") for s in _events(result.stdout_bytes))
    assert "those applications were chosen for the scenario 'another student'" in result.stderr


def test_a_report_without_applications_carries_the_earlier_calendar_on(tmp_path: Path) -> None:
    before = _report(tmp_path / "before.json")
    # Over budget with these accepted offers: no plan, so no applications.
    locks = ["rad-lakeshore@2027-06-07", "rad-cedar@2027-09-06", "rad-juniper@2027-07-26"]
    args = [str(EXAMPLE), "--since", str(tmp_path / "before.json"), "--format", "json"]
    for lock in [*locks, "em-saguaro@2027-08-16"]:
        args += ["--lock", lock]
    after = json.loads(_apply(*args, code=3).stdout)
    assert after["applications"] == []
    assert after["calendar"] == before["calendar"]
    assert {d["why"] for d in after["changes"]["dropped"]} >= {
        "no applications yield a plan now (see why)"
    }


def test_since_reads_only_apply_reports_and_says_which_command_reads_a_plan(
    tmp_path: Path,
) -> None:
    plan = tmp_path / "plan.json"
    result = CliRunner().invoke(
        cli, ["solve", str(EXAMPLE), "--workers", "1", "--format", "json", "-o", str(plan)]
    )
    assert result.exit_code == 0, result.output
    refused = _apply(str(EXAMPLE), "--since", str(plan), code=1)
    assert "this is a plan from `solve`, which `solve --since` reads" in refused.output
    assert "Traceback" not in refused.output
    report = tmp_path / "apply.json"
    _report(report)
    result = CliRunner().invoke(
        cli, ["solve", str(EXAMPLE), "--workers", "1", "--since", str(report)]
    )
    assert result.exit_code == 1
    assert "these are `apply`'s applications, which `apply --since` reads" in result.output
    (tmp_path / "broken.json").write_text(
        '{"applications": [{"program_id": "x", "starts": ["June"]}]}'
    )
    broken = _apply(str(EXAMPLE), "--since", str(tmp_path / "broken.json"), code=1)
    assert "applications[0].starts" in broken.output and "YYYY-MM-DD" in broken.output


def test_since_is_one_portfolios_and_is_refused_with_budgets(tmp_path: Path) -> None:
    report = tmp_path / "apply.json"
    report.write_text('{"applications": []}')
    result = CliRunner().invoke(
        cli, ["apply", str(EXAMPLE), "--budgets", "6000,8000", "--since", str(report)]
    )
    assert result.exit_code == 2
    assert "--since compares one portfolio" in result.output


def test_output_cannot_replace_the_report_it_is_compared_with(tmp_path: Path) -> None:
    report = tmp_path / "apply.json"
    _report(report)
    kept = report.read_bytes()
    result = CliRunner().invoke(
        cli,
        ["apply", str(EXAMPLE), *QUICK, "--since", str(report), "-o", str(report), "--force"],
    )
    assert result.exit_code == 2, result.output
    assert "is an input of this run" in result.output
    assert report.read_bytes() == kept


def _example_copy(folder: Path, scenario_edit: Any = None, catalog_edit: Any = None) -> Path:
    """The example in `folder`, its scenario text and catalog text edited."""
    folder.mkdir(parents=True, exist_ok=True)
    catalog = (EXAMPLE.parent / "programs.csv").read_text("utf-8")
    (folder / "programs.csv").write_text(catalog_edit(catalog) if catalog_edit else catalog)
    text = EXAMPLE.read_text("utf-8")
    (folder / "scenario.yaml").write_text(scenario_edit(text) if scenario_edit else text)
    return folder / "scenario.yaml"


def _with_deadline(program_id: str, deadline: str) -> Any:
    """An edit of the example's catalog: `program_id`'s application_deadline set."""

    def edit(catalog: str) -> str:
        lines = catalog.splitlines()
        at = lines[0].split(",").index("application_deadline")
        rows = []
        for line in lines[1:]:
            cells = line.split(",")
            if cells[0] == program_id:
                cells[at] = deadline
            rows.append(",".join(cells))
        return "\n".join([lines[0], *rows]) + "\n"

    return edit


def test_an_application_listed_as_sent_since_is_not_new(tmp_path: Path) -> None:
    """Found by review: "new: rad-harbor (apply on 2027-04-26)" for an application the
    student had just listed under applied."""
    before = _report(tmp_path / "before.json")
    sent = _chosen(before)[0]
    path = _example_copy(tmp_path / "s", lambda text: text + f"applied:\n  - {{program: {sent}}}\n")
    args = [str(path), "--since", str(tmp_path / "before.json"), "--format", "json"]
    changes = json.loads(_apply(*args).stdout)["changes"]
    assert changes["sent"] == [sent]
    assert sent not in [a["program_id"] for a in changes["added"]]
    assert sent not in changes["kept"]
    # Its calendar events are done, not dropped (found by a season-long review).
    args = [str(path), "--since", str(tmp_path / "before.json"), "--format", "ics"]
    events = _events(_apply(*args).stdout_bytes)
    done = events[f"Done: Apply to {sent}"]
    assert str(done["STATUS"]) == "CANCELLED"
    assert "the application is listed as sent" in str(done["DESCRIPTION"])
    assert f"Dropped: Apply to {sent}" not in events


def test_a_program_whose_every_start_is_past_its_deadline_says_so(tmp_path: Path) -> None:
    """Found by a season-long review: "not in the best portfolio now" for a program whose
    deadline had passed."""
    before = _report(tmp_path / "before.json")
    gone = _chosen(before)[0]

    # Before the planning date, 2027-01-15.
    past = _with_deadline(gone, "2027-01-10")
    path = _example_copy(tmp_path / "s", catalog_edit=past)
    args = [str(path), "--since", str(tmp_path / "before.json"), "--format", "json"]
    why = {
        d["program_id"]: d["why"] for d in json.loads(_apply(*args).stdout)["changes"]["dropped"]
    }
    assert why[gone].startswith("no start of it is possible now (")
    assert "deadline 2027-01-10" in why[gone]


def test_with_no_applications_left_the_calendar_still_cancels_the_earlier_ones(
    tmp_path: Path,
) -> None:
    """Found by a season-long review: with every slot filled by accepted offers, `apply
    --since -o new.ics` wrote nothing, and ten "Apply to" events stayed. Only the
    applications calendar's own events go (documents and ERAS are `solve`'s too)."""
    before = _report(tmp_path / "before.json")
    # Three accepted offers and $7,000: no application left worth its fee.
    path = _example_copy(tmp_path / "s", lambda text: text.replace("budget: 9000", "budget: 7000"))
    locks = ["rad-cedar@2027-06-14", "rad-juniper@2027-07-26", "em-saguaro@2027-08-16"]
    args = [str(path), "--since", str(tmp_path / "before.json")]
    for lock in locks:
        args += ["--lock", lock]
    after = json.loads(_apply(*args, "--format", "json").stdout)
    assert after["applications"] == []
    _apply(*args, "-o", str(tmp_path / "n.ics"))
    events = _events((tmp_path / "n.ics").read_bytes())
    dropped = [s for s, e in events.items() if str(e.get("STATUS")) == "CANCELLED"]
    assert dropped and all(
        s.startswith(("Dropped: Apply to ", "Dropped: Deadline: ")) for s in dropped
    )
    assert {f"Dropped: Apply to {pid}" for pid in _chosen(before)} <= set(dropped)
    assert not any(s.startswith("Dropped: Ready: ") for s in events)


def test_since_names_a_moved_deadline_and_a_new_budget(tmp_path: Path) -> None:
    """Found by a season-long review: rad-juniper's deadline moved from May to March and
    the budget fell by $1,000, and the report said neither."""
    before = _report(tmp_path / "before.json")
    kept = next(a for a in before["applications"] if a["deadline"])
    pid = kept["program_id"]

    path = _example_copy(
        tmp_path / "s",
        lambda text: text.replace("budget: 9000", "budget: 8000"),
        _with_deadline(pid, "2027-03-20"),
    )
    args = [str(path), "--since", str(tmp_path / "before.json")]
    changes = json.loads(_apply(*args, "--format", "json").stdout)["changes"]
    assert changes["budget"] == [9000, 8000]
    assert pid in changes["kept"]
    moved = {d["program_id"]: d for d in changes["deadlines_changed"]}
    assert moved[pid]["from"] == kept["deadline"] and moved[pid]["to"] == "2027-03-20"
    table = " ".join(_apply(*args).stdout.split())
    assert "budget $9,000 → $8,000" in table
