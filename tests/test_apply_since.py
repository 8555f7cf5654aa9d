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


def _report(path: Path, *args: str) -> dict[str, Any]:
    """`apply --format json` written to `path`, and read back."""
    _apply(str(EXAMPLE), *args, "--format", "json", "-o", str(path))
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
