"""`solve --since OLD.json`: what changed since an earlier plan, and why."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from rotation_solver.cli import cli
from tests.conftest import SCENARIOS

EXAMPLE = SCENARIOS / "example"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--workers", "1"])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, " ".join(result.stderr.split())


def _january_plan(tmp_path: Path) -> Path:
    """The example's plan, made in January."""
    for name in ("scenario.yaml", "programs.csv"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    plan = tmp_path / "january.json"
    code, out, _ = _run("solve", str(tmp_path / "scenario.yaml"), "--format", "json")
    assert code == 0
    plan.write_text(out, encoding="utf-8")
    return plan


def _april(tmp_path: Path) -> Path:
    """The same student at the end of April: rad-cedar's June deadline has passed."""
    text = (tmp_path / "scenario.yaml").read_text(encoding="utf-8")
    april = tmp_path / "april.yaml"
    april.write_text(text.replace("planning_date: 2027-01-15", "planning_date: 2027-04-25"))
    assert april.read_text() != text
    return april


def test_the_changes_name_moves_additions_and_their_reasons(tmp_path: Path) -> None:
    january = _january_plan(tmp_path)
    april = _april(tmp_path)
    code, out, _ = _run("solve", str(april), "--since", str(january), "--format", "json")
    assert code == 0
    changes = json.loads(out)["changes"]
    assert changes["kept"] == ["rad-juniper", "em-saguaro"]
    assert changes["added"] == [{"program_id": "rad-bayou", "start": "2027-06-14"}]
    (moved,) = changes["moved"]
    assert (moved["program_id"], moved["from"], moved["to"]) == (
        "rad-cedar",
        "2027-06-14",
        "2027-09-06",
    )
    assert moved["why"].startswith("no longer possible: past deadline")
    assert changes["dropped"] == []
    assert changes["objective"] == [213, 203] and changes["total_cost"] == [6660, 8550]
    code, table, _ = _run("solve", str(april), "--since", str(january))
    said = " ".join(table.split())
    assert f"Since {january}" in said
    assert "new: rad-bayou 2027-06-14" in said
    assert "moved: rad-cedar from 2027-06-14 to 2027-09-06" in said
    assert "value 213 → 203 (−10) · cost $6,660 → $8,550 (+$1,890)" in said


def test_a_dropped_rotation_says_why_it_left(tmp_path: Path) -> None:
    january = _january_plan(tmp_path)
    scenario = str(tmp_path / "scenario.yaml")
    code, out, _ = _run(
        "solve", scenario, "--since", str(january), "--exclude", "rad-juniper", "--format", "json"
    )
    assert code == 0
    dropped = {d["program_id"]: d["why"] for d in json.loads(out)["changes"]["dropped"]}
    assert dropped["rad-juniper"] == "excluded now"
    code, md, _ = _run("solve", scenario, "--since", str(january), "--format", "markdown")
    assert "## Since" in md and "the same rotations as before" in md


def test_a_rotation_the_plan_no_longer_needs_is_still_possible(tmp_path: Path) -> None:
    january = _january_plan(tmp_path)
    data = json.loads(january.read_text(encoding="utf-8"))
    data["rotations"].append({"program_id": "rad-bayou", "start": "2027-09-20"})
    richer = tmp_path / "richer.json"
    richer.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = _run(
        "solve", str(tmp_path / "scenario.yaml"), "--since", str(richer), "--format", "json"
    )
    assert code == 0
    (dropped,) = json.loads(out)["changes"]["dropped"]
    assert dropped["why"] == "still possible, but the best plan now leaves it out"


def test_a_bad_earlier_plan_is_bad_input_naming_it(tmp_path: Path) -> None:
    _january_plan(tmp_path)
    scenario = str(tmp_path / "scenario.yaml")
    for text, expected in (
        ("not json", "not JSON"),
        ('{"steps": []}', "expected a plan with a `rotations` list"),
        ('{"rotations": [{"program_id": "x", "start": "June"}]}', "rotations[0].start"),
    ):
        bad = tmp_path / "bad.json"
        bad.write_text(text, encoding="utf-8")
        code, _, said = _run("solve", scenario, "--since", str(bad))
        assert code == 1 and "bad.json" in said and expected in said
    code, _, said = _run("solve", scenario, "--since", str(tmp_path / "missing.json"))
    assert code == 1 and "missing.json" in said and "not found" in said


def test_the_earlier_plan_is_never_overwritten(tmp_path: Path) -> None:
    january = _january_plan(tmp_path)
    before = january.read_text(encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["solve", str(tmp_path / "scenario.yaml"), "--since", str(january), "--format", "json",
         "-o", str(january), "--force", "--workers", "1"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "is an input of this run" in " ".join(result.output.split())
    assert january.read_text(encoding="utf-8") == before


def test_an_offer_and_a_clash_are_named_as_reasons(tmp_path: Path) -> None:
    january = _january_plan(tmp_path)
    text = (tmp_path / "scenario.yaml").read_text(encoding="utf-8")
    offers = tmp_path / "offers.yaml"
    offers.write_text(
        text
        + "offers:\n  - {program: rad-cedar, start: 2027-06-14}\n"
        + "  - {program: rad-peachleaf, start: 2027-08-02}\n",
        encoding="utf-8",
    )
    code, out, _ = _run("solve", str(offers), "--since", str(january), "--format", "json")
    assert code == 0
    changes = json.loads(out)["changes"]
    (cedar,) = changes["revalued"]
    assert (cedar["program_id"], cedar["from"], cedar["why"]) == (
        "rad-cedar",
        94,
        "an offer in hand now, counted in full",
    )
    assert cedar["to"] > 94
    why = {d["program_id"]: d["why"] for d in changes["dropped"]}
    assert why["rad-juniper"] == (
        "its dates clash with rad-peachleaf (2027-08-02..2027-08-29) in this plan"
    )


def test_fees_paid_since_the_earlier_plan_explain_a_dearer_same_plan(tmp_path: Path) -> None:
    january = _january_plan(tmp_path)
    text = (tmp_path / "scenario.yaml").read_text(encoding="utf-8")
    sent = tmp_path / "sent.yaml"
    sent.write_text(text + "applied:\n  - {program: rad-lakeshore}\n", encoding="utf-8")
    code, out, _ = _run("solve", str(sent), "--since", str(january))
    assert code == 0
    said = " ".join(out.split())
    assert "the same rotations as before" in said
    assert "cost $6,660 → $6,785 (+$125) · of it fees already paid $0 → $125" in said


def test_a_fee_moving_into_an_accepted_offer_is_not_read_as_a_refund(tmp_path: Path) -> None:
    """From a student's review: "fees already paid $425 → $275" once an offer was
    accepted read like a refund; its fee now counts in its rotation's cost."""
    _january_plan(tmp_path)  # the example's files
    base = (tmp_path / "scenario.yaml").read_text(encoding="utf-8")
    offered = tmp_path / "offered.yaml"
    offered.write_text(base + "offers:\n  - {program: rad-cedar, start: 2027-06-14}\n")
    march = tmp_path / "march.json"
    code, _out, _ = _run("solve", str(offered), "--format", "json", "-o", str(march))
    assert code == 0
    accepted = tmp_path / "accepted.yaml"
    accepted.write_text(base + "locks:\n  - {program: rad-cedar, start: 2027-06-14}\n")
    code, out, _ = _run("solve", str(accepted), "--since", str(march))
    assert code == 0
    said = " ".join(out.split())
    assert (
        "of it fees already paid $80 → $0 (rad-cedar: its fee is now in its rotation's cost)"
    ) in said
    # A fall with no offer accepted (a fee lowered in the catalog) is not blamed on one.
    catalog = (tmp_path / "programs.csv").read_text()
    rows = catalog.splitlines()
    header = rows[0].split(",")
    for n, row in enumerate(rows):
        cells = row.split(",")
        if cells[0] == "rad-cedar":
            cells[header.index("fee")] = "20"
            rows[n] = ",".join(cells)
    (tmp_path / "programs.csv").write_text("\n".join(rows) + "\n")
    code, out, _ = _run("solve", str(offered), "--since", str(march))
    assert code == 0
    said = " ".join(out.split())
    assert "fees already paid $80 → $20" in said and "now in its rotation" not in said


def test_fees_now_inside_planned_rotations_are_not_said_to_be_dropped(tmp_path: Path) -> None:
    """Found by review: an offer no longer listed but planned again had its fee in its
    rotation's cost, yet the note said "the fees paid … no longer count"; and an earlier
    plan that does not say which fees were paid lost the explanation."""
    import json

    _january_plan(tmp_path)
    base = (tmp_path / "scenario.yaml").read_text(encoding="utf-8")
    offered = tmp_path / "offered.yaml"
    offered.write_text(
        base + "offers:\n  - {program: rad-cedar, start: 2027-06-14}\n"
        "  - {program: em-saguaro, start: 2027-08-16}\n"
    )
    march = tmp_path / "march.json"
    assert _run("solve", str(offered), "--format", "json", "-o", str(march))[0] == 0
    code, out, _ = _run(
        "solve", str(tmp_path / "scenario.yaml"), "--lock", "rad-cedar@2027-06-14", "--since",
        str(march),
    )  # fmt: skip
    assert code == 0
    said = " ".join(out.split())
    assert "no longer count" not in said
    assert "(em-saguaro, rad-cedar: their fees are now in their rotations' costs)" in said
    # Without `paid_by_program` (an older or hand-made plan): the general reason.
    data = json.loads(march.read_text())
    del data["paid_by_program"]
    march.write_text(json.dumps(data))
    code, out, _ = _run(
        "solve", str(tmp_path / "scenario.yaml"), "--lock", "rad-cedar@2027-06-14", "--since",
        str(march),
    )  # fmt: skip
    assert code == 0
    assert "(an offer accepted under `locks:` counts its fee" in " ".join(out.split())


def test_a_move_to_the_offered_start_names_the_offer(tmp_path: Path) -> None:
    """Found by a student's review: "moved: em-prairie from 09-13 to 07-12 (2027-09-13:
    2027-09-13 is no longer a start it offers)" where the catalog still lists 09-13 and
    the offer in hand is for 07-12."""
    january = _january_plan(tmp_path)
    text = (tmp_path / "scenario.yaml").read_text(encoding="utf-8")
    offers = tmp_path / "offers.yaml"
    offers.write_text(text + "offers:\n  - {program: em-saguaro, start: 2027-08-23}\n")
    # The other clinical programs excluded: the plan keeps the offered one.
    others = ["--exclude", "im-derbyfield", "--exclude", "im-inclinewood"]
    code, out, _ = _run("solve", str(offers), "--since", str(january), "--format", "json", *others)
    assert code == 0
    moved = {m["program_id"]: m for m in json.loads(out)["changes"]["moved"]}
    assert moved["em-saguaro"]["from"] == "2027-08-16"
    assert moved["em-saguaro"]["why"] == "the offer in hand is for 2027-08-23 only"


def test_a_changed_profile_says_the_values_are_not_on_one_scale(tmp_path: Path) -> None:
    """Found by a student's review: a Step 2 CK score turned the profile from challenged
    to strong, and "value 235 → 303" read as a gain although every weight had changed."""
    january = _january_plan(tmp_path)
    text = (tmp_path / "scenario.yaml").read_text(encoding="utf-8")
    lower = tmp_path / "lower.yaml"
    lower.write_text(text.replace("step2ck: 246", "step2ck: 232"), encoding="utf-8")
    code, out, _ = _run("solve", str(lower), "--since", str(january), "--format", "json")
    assert code == 0
    assert json.loads(out)["changes"]["profile"] == ["strong", "challenged"]
    code, table, _ = _run("solve", str(lower), "--since", str(january))
    said = " ".join(table.split())
    assert "profile strong → challenged: letters and auditions are weighed differently" in said
    code, table, _ = _run(
        "solve", str(tmp_path / "scenario.yaml"), "--since", str(january),
        "--value-model", "letters-first",
    )  # fmt: skip
    assert "value model default → letters-first: letters and auditions are weighed" in " ".join(
        table.split()
    )
    code, table, _ = _run("solve", str(tmp_path / "scenario.yaml"), "--since", str(january))
    assert "profile strong" not in table  # the same profile: nothing to say
