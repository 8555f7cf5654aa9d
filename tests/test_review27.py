"""Found by this session's reviews (an advisor with three students, a student through a
whole season, a guide audit, a code-health review)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rotation_solver.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_CATALOG = (ROOT / "scenarios" / "example" / "programs.csv").as_posix()


def _offers_in_hand(tmp_path: Path, budget: int) -> Path:
    text = (ROOT / "scenarios" / "offers-in-hand" / "scenario.yaml").read_text()
    path = tmp_path / "offers.yaml"
    path.write_text(
        text.replace("budget: 9000", f"budget: {budget}").replace(
            "programs: ../example/programs.csv", f"programs: {EXAMPLE_CATALOG}"
        )
    )
    return path


def _json(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, [*args, "--format", "json", "--workers", "1"])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


def test_dropping_the_lock_on_an_offer_in_hand_keeps_its_fee_paid(tmp_path: Path) -> None:
    """Found by an advisor's review: `--lock` on an offer in hand, no plan; the repair
    "drop the lock" stated a plan $55 cheaper than `solve` without the lock, because the
    offer's fee went with the lock, though it was paid when the application went out."""
    scenario = _offers_in_hand(tmp_path, 4500)
    code, unlocked = _json("solve", str(scenario))
    assert code == 0
    code, locked = _json("solve", str(scenario), "--lock", "rad-rainfern@2027-09-06")
    assert code == 3
    repair = next(
        r for r in locked["conflict"]["repairs"] if r["change"].startswith("drop the lock")
    )
    assert (repair["objective"], repair["total_cost"]) == (
        unlocked["objective"],
        unlocked["total_cost"],
    )


def _scenario_at(tmp_path: Path, name: str, budget: int) -> Path:
    text = (ROOT / "scenarios" / name / "scenario.yaml").read_text()
    path = tmp_path / f"{name}-{budget}.yaml"
    path.write_text(
        text.replace("budget: 9000", f"budget: {budget}")
        .replace("programs: ../example/programs.csv", f"programs: {EXAMPLE_CATALOG}")
        .replace("programs: programs.csv", f"programs: {EXAMPLE_CATALOG}")
    )
    return path


@pytest.mark.parametrize(
    ("name", "budget", "locks", "dropped"),
    [
        # a lock nothing else lists: its fee goes with it, as the hand edit takes it away
        ("example", 4300, ["rad-harbor@2027-06-07"], "rad-harbor@2027-06-07"),
        # a lock on an application sent: that application again, its fee paid
        ("applications-sent", 5000, ["rad-lakeshore@2027-08-02"], "rad-lakeshore@2027-08-02"),
        # one of two locks on a program: the other stays (found by review: the program was
        # cut down to the dropped start, and no plan could hold the other lock)
        (
            "offers-in-hand",
            9000,
            ["rad-rainfern@2027-09-06", "rad-rainfern@2027-10-04"],
            "rad-rainfern@2027-09-06",
        ),
    ],
)
def test_a_repair_that_drops_a_lock_is_the_plan_of_the_hand_edit(
    tmp_path: Path, name: str, budget: int, locks: list[str], dropped: str
) -> None:
    """Found by review: "drop the lock" must state what `solve` gives once the lock is
    edited out, and the conflict that calls the lock needed must agree with it."""
    scenario = _scenario_at(tmp_path, name, budget)
    options = [arg for lock in locks for arg in ("--lock", lock)]
    code, locked = _json("solve", str(scenario), *options)
    assert code == 3
    assert f"lock:{dropped}" in {rule["rule"] for rule in locked["conflict"]["rules"]}
    repair = next(r for r in locked["conflict"]["repairs"] if r["rule"] == f"lock:{dropped}")
    kept = [arg for lock in locks if lock != dropped for arg in ("--lock", lock)]
    code, edited = _json("solve", str(scenario), *kept)
    assert code == 0
    assert (repair.get("objective"), repair.get("total_cost")) == (
        edited["objective"],
        edited["total_cost"],
    )


def test_a_lock_of_a_listed_offer_or_application_keeps_its_fee_among_those_paid(
    tmp_path: Path,
) -> None:
    """An offer `apply` accepts keeps its fee among those paid; a `--lock` of an offer in
    hand or of an application sent now does the same, so the fees paid do not move."""
    scenario = _offers_in_hand(tmp_path, 9000)
    code, free = _json("solve", str(scenario))
    code, locked = _json("solve", str(scenario), "--lock", "rad-rainfern@2027-09-06")
    assert code == 0 and locked["paid_fees"] == free["paid_fees"] > 0
    assert "rad-rainfern" in locked["paid_by_program"]


def test_a_plan_of_offers_alone_is_not_called_uncertain() -> None:
    """Found by a student's review: "Offers are uncertain: ... apply to 6-10" under a plan
    of an accepted offer and two offers in hand."""
    from rotation_solver.render import apply_note

    certain = {"rotations": [{"locked": True}, {"offered": True}], "paid_fees": 120}
    note = apply_note(certain)
    assert note.startswith("Nothing in this plan waits on an answer")
    assert "uncertain" not in note and "6-10" not in note
    pending = {
        "rotations": [
            {"program_id": "a", "locked": True},
            {"program_id": "b", "applied": True, "acceptance": 0.5},
        ]
    }
    assert apply_note(pending).startswith("Offers are uncertain")


def test_the_paid_fees_line_says_an_accepted_offers_fee_is_in_its_cost(tmp_path: Path) -> None:
    """Found by a student's review: "includes $645 of fees already paid" fell to $565 once
    an offer was accepted, though nothing was refunded."""
    scenario = _offers_in_hand(tmp_path, 9000)

    def said(*lock: str) -> str:
        result = CliRunner().invoke(cli, ["solve", str(scenario), "--workers", "1", *lock])
        assert result.exit_code == 0
        return " ".join(result.output.split())

    # a lock nothing else lists: its fee is in its rotation's cost
    note = "of fees already paid (accepted offers' fees are in their rotations' costs)"
    assert note in said("--lock", "em-saguaro@2027-08-16")
    assert "accepted offers' fees" not in said()
    # a lock of an offer in hand: its fee stays among those paid
    assert "accepted offers' fees" not in said("--lock", "rad-cedar@2027-06-14")


def _example_plan() -> dict:
    code, plan = _json("solve", str(ROOT / "scenarios" / "example" / "scenario.yaml"))
    assert code == 0
    return plan


def _check_rules(tmp_path: Path, plan: dict) -> tuple[int, str]:
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(plan))
    example = str(ROOT / "scenarios" / "example" / "scenario.yaml")
    result = CliRunner().invoke(cli, ["check", example, str(path), "--workers", "1"])
    assert "Traceback" not in result.output
    return result.exit_code, " ".join(result.output.split())


def test_check_compares_every_echo_and_derived_number_it_states(tmp_path: Path) -> None:
    """Found by a code review: "Every rule and the stated values hold" for a plan whose
    gap, chance of every offer, city, acceptance and img_friendly were all false."""
    plan = _example_plan()
    assert _check_rules(tmp_path, plan)[0] == 0
    first = plan["rotations"][0]
    edits = {
        "gap.stated": {**plan, "gap": 0.5},
        "chance_all_offered": {**plan, "chance_all_offered": 1},
        "city.stated": {**plan, "rotations": [{**first, "city": "Paris"}, *plan["rotations"][1:]]},
        "state.stated": {**plan, "rotations": [{**first, "state": "ZZ"}, *plan["rotations"][1:]]},
        "acceptance.stated": {
            **plan,
            "rotations": [{**first, "acceptance": 0.99}, *plan["rotations"][1:]],
        },
        "img_friendly.stated": {
            **plan,
            "rotations": [
                {**first, "img_friendly": not first["img_friendly"]},
                *plan["rotations"][1:],
            ],
        },
    }
    for rule, edited in edits.items():
        code, said = _check_rules(tmp_path, edited)
        assert code == 1 and f"[{rule}]" in said, (rule, said)


def test_check_refuses_a_bound_too_large_for_a_float_without_a_traceback(
    tmp_path: Path,
) -> None:
    """Found by a code review: `math.isfinite(10**400)` raised OverflowError."""
    plan = {**_example_plan(), "bound": 10**400}
    code, said = _check_rules(tmp_path, plan)
    assert code == 1 and "[bound]" in said


def test_check_says_a_withdrawn_application_is_closed_not_unsent(tmp_path: Path) -> None:
    """Found by a student's review: an application under `applied` and `exclude` (refused
    or withdrawn) was "not an application sent (under applied)"."""
    sent = ROOT / "scenarios" / "applications-sent" / "scenario.yaml"
    text = sent.read_text().replace(
        "programs: ../example/programs.csv", f"programs: {EXAMPLE_CATALOG}"
    )
    before = tmp_path / "before.yaml"
    before.write_text(text)
    code, plan = _json("solve", str(before))
    assert code == 0 and any(
        r["program_id"] == "rad-cedar" and r["applied"] for r in plan["rotations"]
    )
    after = tmp_path / "after.yaml"
    after.write_text(
        text.replace("value_model: default", "exclude: [rad-cedar]\nvalue_model: default")
    )
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    result = CliRunner().invoke(cli, ["check", str(after), str(path), "--workers", "1"])
    said = " ".join(result.output.split())
    assert result.exit_code == 1
    assert (
        "but by the scenario it is not an application sent and still open "
        "(under applied, not under exclude)" in said
    )


def test_a_sure_offer_declined_for_want_of_any_plan_says_how_to_see_why() -> None:
    """Found by an advisor's review: "decline it" for the student's only sure offer, "1
    without a plan", and no word of which rules stand in the way (`solve --lock` names
    them, with repairs); nor is a decline forced by the rules put down to a gain."""
    from rotation_solver.portfolio.render import offer_answer_lines
    from tests.test_mutation_gaps_review17 import _answers, _way

    ways = [_way([], 135.9, "chosen"), _way(["r"], None, "no plan")]
    line = " ".join(offer_answer_lines({"offer_answers": _answers(ways)}))
    assert "decline it: r 2027-06-07" in line
    assert (
        "Accepting r 2027-06-07 leaves no plan that meets your rules, even if every "
        "application said yes; `rotation-solver solve SCENARIO --lock r@2027-06-07` shows "
        "whether your rules alone rule it out" in line
    )
    assert "flatters declining" not in line
    # the cap and the other offers declined are part of that way (found by review)
    ways = [_way([], 135.9, "chosen"), _way(["r"], None, "no plan"), _way(["s"], 90.0, "searched")]
    line = " ".join(offer_answer_lines({"offer_answers": _answers(ways), "max_applications": 1}))
    assert (
        "Accepting r 2027-06-07 (declining the rest) leaves no plan that meets your rules "
        "with at most 1 application," in line
    )
    ways = [_way([], 300.0, "chosen"), _way(["a"], 250.0, "searched")]
    line = " ".join(offer_answer_lines({"offer_answers": _answers(ways)}))
    assert "leaves no plan" not in line and "flatters declining" in line


def test_the_answer_to_the_offers_is_shown_with_no_application_left_to_send(
    tmp_path: Path,
) -> None:
    """Found by a student's review: with every application answered or unusable, the
    Applications table went, and the answer to the offers in hand went with it."""
    import io

    from rich.console import Console

    from rotation_solver.portfolio.render import (
        offer_answer_lines,
        render_portfolio_markdown,
        render_portfolio_table,
    )
    from tests.test_mutation_gaps_review17 import _answers, _way

    code, payload = _json("apply", str(_offers_in_hand(tmp_path, 9000)))
    assert code == 0 and payload["offer_answers"]
    payload["applications"] = []
    buffer = io.StringIO()
    render_portfolio_table(payload, Console(file=buffer, width=200))
    table = " ".join(buffer.getvalue().split())
    assert "Offers in hand, to answer now:" in table
    assert "with no application left to send, is worth" in table
    assert "Offers in hand, to answer now:" in render_portfolio_markdown(payload)
    # A way without a plan that only accepts what the answer accepts explains nothing.
    ways = [_way(["a", "b"], 268.0, "chosen"), _way(["b"], None, "no plan")]
    line = " ".join(offer_answer_lines({"offer_answers": _answers(ways)}))
    assert "leaves no plan" not in line


@pytest.mark.parametrize(
    ("key", "written", "expected"),
    [
        # Found by a student's review: `applied: [rad-cedar]` was "expected a mapping",
        # with nothing to copy.
        ("applied", "rad-cedar", "write each entry as {program: rad-cedar} (every start it "
         "offers) or {program: rad-cedar, starts: [YYYY-MM-DD]}"),
        ("offers", "rad-cedar", "write each entry as {program: rad-cedar, start: YYYY-MM-DD}"),
        ("locks", "rad-cedar", "write each entry as {program: rad-cedar, start: YYYY-MM-DD}"),
        # Found by review: `applied: [rad-cedar@2027-06-14]` was told how to write "an
        # accepted offer", with `start` where `applied` lists `starts`.
        ("applied", "rad-cedar@2027-06-14",
         "an application sent is written {program: rad-cedar, starts: [2027-06-14]}"),
        ("offers", "rad-cedar@2027-06-14",
         "an offer in hand is written {program: rad-cedar, start: 2027-06-14}"),
        ("locks", "rad-cedar@2027-06-14",
         "an accepted offer is written {program: rad-cedar, start: 2027-06-14}"),
    ],
)  # fmt: skip
def test_an_entry_written_as_text_is_shown_the_entry_to_write(
    tmp_path: Path, key: str, written: str, expected: str
) -> None:
    text = (ROOT / "scenarios" / "example" / "scenario.yaml").read_text()
    text = text.replace("programs: programs.csv", f"programs: {EXAMPLE_CATALOG}")
    path = tmp_path / f"{key}.yaml"
    path.write_text(f"{text}\n{key}: [{written}]\n")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    said = " ".join(result.output.split())
    assert result.exit_code == 1, said
    assert f"{key}[0]: expected a mapping" in said and expected in said


def test_every_stated_rule_of_the_checker_is_a_note_when_scoring() -> None:
    """Found by review: the new stated-value rules were not notes under `check --score`,
    so a stale `gap` failed a hand-edited plan that broke no rule."""
    import re

    from rotation_solver.checker import STATED_RULES

    source = (ROOT / "src" / "rotation_solver" / "checker.py").read_text()
    emitted = set(re.findall(r'"([a-z_]+\.stated)"', source))
    emitted |= {"chance_all_offered"}
    assert "gap" not in STATED_RULES  # the rule of min_gap_days, never a note
    assert emitted <= STATED_RULES


def test_a_hand_edited_plan_with_a_stale_gap_is_scored_not_refused(tmp_path: Path) -> None:
    plan = _example_plan()
    moved = {"program_id": "em-saguaro", "start": "2027-09-20"}
    plan["rotations"] = [
        *(r for r in plan["rotations"] if r["program_id"] != "em-saguaro"),
        moved,
    ]
    plan["chance_all_offered"] = 0.123
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(plan))
    example = str(ROOT / "scenarios" / "example" / "scenario.yaml")
    result = CliRunner().invoke(cli, ["check", example, str(path), "--score", "--workers", "1"])
    said = " ".join(result.output.split())
    assert "Traceback" not in said
    assert result.exit_code == 0, said


def test_an_entry_to_copy_is_written_in_the_scenarios_own_syntax(tmp_path: Path) -> None:
    """Found by review: a JSON or TOML scenario was shown YAML entries to copy."""
    json_file = tmp_path / "s.json"
    json_file.write_text('{"version": 1, "applied": ["rad-cedar"], "offers": ["rad-c@2027-06-14"]}')
    toml_file = tmp_path / "s.toml"
    toml_file.write_text('version = 1\nlocks = ["rad-cedar"]\n')
    for path, expected in (
        (json_file, 'applied[0]: expected a mapping (an object, {...}) (got \'rad-cedar\'); '
         'write each entry as {"program": "rad-cedar"} (every start it offers) or '
         '{"program": "rad-cedar", "starts": ["YYYY-MM-DD"]}'),
        (json_file, 'an offer in hand is written {"program": "rad-c", "start": "2027-06-14"}'),
        (toml_file, 'locks[0]: expected a mapping (a table) (got \'rad-cedar\'); write each '
         'entry as {program = "rad-cedar", start = YYYY-MM-DD}'),
    ):  # fmt: skip
        result = CliRunner().invoke(cli, ["validate", str(path)])
        assert result.exit_code == 1 and expected in " ".join(result.output.split())


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("single.json", "{'version': 1}", "JSON writes text and keys in double quotes"),
        ("comment.json", '{\n // mine\n "version": 1}', "JSON has no comments"),
        ("twice.toml", "version = 1\nbudget = 5\nbudget = 6\n", "'budget' is set twice"),
        ("bare.toml", "version = 1\n[student]\nschool_type = img\n", 'school_type = "img"'),
        ("capital.toml", "version = 1\ntier_mix = True\n", "write true or false, in lower case"),
        # found by review: the hints must not mislead on other inputs
        ("cut.json", '{"version": 1,\n "name": "x",', "the file ends before its last } or ]"),
        ("dotted.toml", "x = 1\nx.y = 2\n", "or a value is used as a table"),
        # a line break TOML does not count (U+2028) must not shift the line read
        ("breaks.toml", "# a\u2028b\nflag = true\nschool_type = img\n", 'school_type = "img"'),
    ],
)
def test_json_and_toml_syntax_errors_say_what_usually_causes_them(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    """Found by a JSON/TOML user's review: the parsers' own words ("Invalid value",
    "Cannot overwrite a value") named no cause."""
    path = tmp_path / name
    path.write_text(text)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1 and expected in result.output


def test_a_numeric_id_and_a_decimal_comma_are_told_how_to_write_them(tmp_path: Path) -> None:
    """Found by review: `"program": 103` was "expected text", `0,6` "expected a number"."""
    text = (ROOT / "scenarios" / "example" / "scenario.yaml").read_text()
    text = text.replace("programs: programs.csv", f"programs: {EXAMPLE_CATALOG}")
    path = tmp_path / "s.yaml"
    path.write_text(f"{text}\nlocks: [{{program: 103, start: 2027-06-07}}]\n")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert "expected text (got 103); write it in quotes, as the catalog writes it" in result.output
    from tests.test_hostile_inputs_review22 import _catalog_cell

    (tmp_path / "c").mkdir()
    scenario, _number = _catalog_cell(tmp_path / "c", "acceptance", '"0,6"')
    result = CliRunner().invoke(cli, ["validate", str(scenario)])
    assert "write a decimal point: 0.6" in result.output, result.output


def test_a_merged_header_cell_gives_a_few_errors_and_the_fix(tmp_path: Path) -> None:
    """Found by a spreadsheet user's review: a header merged across two columns left the
    second unnamed, and every row under it got its own error (17 lines), none saying
    "unmerge"."""
    from tests.test_hostile_inputs_review22 import _as_xlsx

    def merged(sheet: Any, width: int, rows: int) -> None:
        sheet.cell(1, width + 1, "notes")
        for r in range(2, rows + 1):  # notes under a header cell merged into the one before
            sheet.cell(r, width + 2, f"note {r}")

    scenario = _as_xlsx(tmp_path, merged)
    result = CliRunner().invoke(cli, ["validate", str(scenario)])
    said = result.output
    assert result.exit_code == 1
    assert said.count("a value under a column with no name") == 3
    assert "more like these in this column" in said or "more rows like these" in said
    assert "unmerge it" in said


def test_a_hand_made_plan_that_breaks_the_gap_rule_is_refused_by_score(tmp_path: Path) -> None:
    """Found by review: the stated `gap` and the min_gap_days rule shared the key "gap",
    so --score called a gap violation a stale note, said valid, then exited 70."""
    text = (ROOT / "scenarios" / "example" / "scenario.yaml").read_text()
    text = text.replace("programs: programs.csv", f"programs: {EXAMPLE_CATALOG}")
    scenario = tmp_path / "g14.yaml"
    scenario.write_text(text.replace("min_gap_days: 0", "min_gap_days: 14"))
    mine = tmp_path / "mine.csv"
    mine.write_text(
        "program_id,start\nrad-cedar,2027-06-14\nrad-juniper,2027-07-26\nem-saguaro,2027-08-16\n"
    )
    result = CliRunner().invoke(
        cli, ["check", str(scenario), str(mine), "--score", "--workers", "1"]
    )
    said = " ".join(result.output.split())
    assert result.exit_code == 1, said
    assert "[gap]" in said and "valid" not in said.split("[gap]")[0]


@pytest.mark.parametrize(
    ("pairs", "style", "expected"),
    [
        ([("program", "103"), ("start", "2027-06-07")], "toml",
         '{program = "103", start = 2027-06-07}'),
        ([("program", "2027-rad"), ("start", "2027-06-07")], "toml",
         '{program = "2027-rad", start = 2027-06-07}'),
        ([("program", "103"), ("start", "2027-06-07")], "yaml",
         '{program: "103", start: 2027-06-07}'),
        ([("program", "rad-a"), ("starts", ["2027-06-07"])], "yaml",
         "{program: rad-a, starts: [2027-06-07]}"),
        ([("program", "rad-a"), ("starts", ["2027-06-07"])], "json",
         '{"program": "rad-a", "starts": ["2027-06-07"]}'),
    ],
)  # fmt: skip
def test_an_entry_to_copy_quotes_an_id_that_would_read_as_a_number_or_date(
    pairs: list, style: str, expected: str
) -> None:
    """Found by review: `{program = 103}` in TOML is a number, `2027-rad` a syntax error."""
    from rotation_solver.scenario.messages import inline_entry

    assert inline_entry(pairs, style) == expected


@pytest.mark.parametrize(
    ("column", "written", "expected"),
    [
        ("acceptance", "0,600", "write a decimal point: 0.600"),
        ("letter", "7,500", "write a decimal point: 7.500"),
        ("housing_per_week", "1,200", "write it without separators, e.g. 1200"),
    ],
)
def test_a_comma_in_a_number_is_read_by_its_column(
    tmp_path: Path, column: str, written: str, expected: str
) -> None:
    """Found by review: "0,600" for an acceptance was told to drop its "separators"."""
    from tests.test_hostile_inputs_review22 import _catalog_cell

    scenario, _number = _catalog_cell(tmp_path, column, f'"{written}"')
    result = CliRunner().invoke(cli, ["validate", str(scenario)])
    assert result.exit_code == 1 and expected in result.output, result.output


def test_compare_names_an_accepted_offers_fee_among_those_paid(tmp_path: Path) -> None:
    """Found by review: a lock's fee, paid as the program stays under applied, was said
    to be paid by "applications sent, offers in hand"."""
    text = (ROOT / "scenarios" / "example" / "scenario.yaml").read_text()
    path = tmp_path / "locked.yaml"
    path.write_text(
        text.replace("programs: programs.csv", f"programs: {EXAMPLE_CATALOG}")
        + "\napplied: [{program: rad-cedar}]\nlocks: [{program: rad-cedar, start: 2027-06-14}]\n"
    )
    result = CliRunner().invoke(
        cli, ["compare", str(path), "--budgets", "8000,9000", "--workers", "1"]
    )
    assert "Every cost includes $80 of fees already paid (offers accepted)" in result.output


def test_a_repair_states_the_cheapest_plan_of_its_value_and_check_holds_it_to_that(
    tmp_path: Path,
) -> None:
    """Found by a fee oracle: "drop the lock → 170 for $4,920" where `solve` without the
    lock gives 170 for $4,775 (a tie); `check` took any cost up to the budget."""
    text = (ROOT / "scenarios" / "example" / "scenario.yaml").read_text()
    scenario = tmp_path / "late.yaml"
    scenario.write_text(
        text.replace("programs: programs.csv", f"programs: {EXAMPLE_CATALOG}")
        .replace("planning_date: 2027-01-15", "planning_date: 2027-04-26")
        .replace("budget: 9000", "budget: 5000")
    )
    lock = ("--lock", "rad-desert@2027-06-28")
    code, free = _json("solve", str(scenario))
    code, locked = _json("solve", str(scenario), *lock)
    assert code == 3
    repair = next(r for r in locked["conflict"]["repairs"] if r["change"].startswith("drop"))
    assert (repair["objective"], repair["total_cost"]) == (free["objective"], free["total_cost"])
    document = tmp_path / "no-plan.json"
    document.write_text(json.dumps(locked))
    args = ["check", str(scenario), str(document), "--workers", "1", *lock]
    assert CliRunner().invoke(cli, args).exit_code == 3
    repair["total_cost"] += 145  # the dearer plan of the same value
    document.write_text(json.dumps(locked))
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "the cheapest plan worth 170 after that change costs $4,775" in " ".join(
        result.output.split()
    )
