"""The extensions (offers, applied, housing rules) and `--since`, from the twentieth
session's second fuzz review: each case was a wrong exit, a silent loss or a reason
that blamed the wrong rule."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from rotation_solver.cli import cli
from tests.conftest import SCENARIOS

EXAMPLE = SCENARIOS / "example"
FAST = ["--workers", "1", "--time-limit", "20"]


def _scenario(tmp_path: Path, folder: str, replace: dict[str, str]) -> Path:
    text = (SCENARIOS / folder / "scenario.yaml").read_text()
    text = text.replace("programs: ../example/programs.csv", "programs: programs.csv")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    (tmp_path / "programs.csv").write_text((EXAMPLE / "programs.csv").read_text())
    path = tmp_path / f"{folder}.yaml"
    path.write_text(text)
    return path


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, " ".join(result.output.split())


SENT = (
    "applied:                       # sent, not yet answered\n"
    "  - {program: rad-cedar}                            # every start it offers\n"
    "  - {program: rad-juniper, starts: [2027-07-26]}    # the one start named\n"
    "  - {program: rad-lakeshore, starts: [2027-06-07, 2027-08-02]}\n"
)


def test_sent_applications_that_fill_the_limit_and_make_no_plan_exit_3(tmp_path: Path) -> None:
    """Three radiology applications sent, max_applications 2, a clinical rotation needed:
    no outcome can hold a plan. `apply` said "try more --scenarios" and exited 0 after
    valuing every outcome."""
    path = _scenario(tmp_path, "applications-sent", {SENT: "max_applications: 2\n" + SENT})
    code, said = _run("apply", str(path), *FAST, "--scenarios", "50", "--evaluate", "200")
    assert code == 3
    assert "the 3 applications already sent take all 3 application slots, and no plan" in said
    assert "try more --scenarios" not in said
    # Nothing came to evaluate: no warning about the evaluation's size.
    assert "rests on 200 fresh outcomes" not in said
    payload = json.loads(
        CliRunner()
        .invoke(cli, ["apply", str(path), *FAST, "--evaluate", "200", "--format", "json"])
        .stdout
    )
    assert payload["status"] == "infeasible"


def test_unusable_offers_and_applications_are_named_by_every_command(tmp_path: Path) -> None:
    offers = _scenario(
        tmp_path,
        "offers-in-hand",
        {"  - {program: rad-rainfern, start: 2027-09-06}\n": "  - {program: ty-coastal, "
         "start: 2027-06-07}\n"},
    )  # fmt: skip
    for command in ("validate", "solve"):
        code, said = _run(command, str(offers), *(FAST if command == "solve" else []))
        assert code == 0
        assert (
            "offers: ty-coastal at 2027-06-07..2027-07-04 of specialty transitional, which "
            "the rules do not ask for, so no plan can take it"
        ) in said
    sent = _scenario(
        tmp_path,
        "applications-sent",
        {"  - {program: rad-juniper, starts: [2027-07-26]}": "  - {program: ty-coastal}"},
    )
    code, said = _run("validate", str(sent))
    assert code == 0
    assert re.search(
        r"applied: no start of ty-coastal it offers can be in a plan "
        r"\(of specialty transitional, which the rules do not ask for\)",
        said,
    )


def _since_the_example(tmp_path: Path, budget: int) -> tuple[int, str]:
    """`solve --since` the example's plan, at another budget."""
    plan = tmp_path / "plan.json"
    _run("solve", str(EXAMPLE / "scenario.yaml"), *FAST, "-o", str(plan))
    changed = _scenario(tmp_path, "example", {"budget: 9000": f"budget: {budget}"})
    return _run("solve", str(changed), *FAST, "--no-explain", "--since", str(plan))


def test_since_against_a_scenario_with_no_plan_says_so(tmp_path: Path) -> None:
    code, said = _since_the_example(tmp_path, 3000)
    assert code == 3
    assert "dropped: rad-cedar 2027-06-14: no plan exists now (see the rules in conflict)" in said
    assert "the best plan now leaves it out" not in said
    assert "value 213 → — (no plan) · cost $6,660 → — (no plan)" in said


def test_since_after_a_budget_cut_names_the_budget(tmp_path: Path) -> None:
    code, said = _since_the_example(tmp_path, 5000)
    assert code == 0
    assert "the earlier plan's $6,660 is over the budget $5,000 now" in said


def test_since_says_how_a_paid_fee_is_kept(tmp_path: Path) -> None:
    offers = SCENARIOS / "offers-in-hand" / "scenario.yaml"
    plan = tmp_path / "plan.json"
    _run("solve", str(offers), *FAST, "-o", str(plan))
    forgot = _scenario(
        tmp_path,
        "offers-in-hand",
        {"offers:": "exclude: [rad-peachleaf, rad-rainfern]\nlocks:\n  - {program: "
         "rad-cedar, start: 2027-06-14}\nold_offers:"},
    )  # fmt: skip
    forgot.write_text(
        re.sub(r"old_offers:.*?(?=\nvalue_model|\nprograms)", "", forgot.read_text(), flags=re.S)
    )
    code, said = _run("solve", str(forgot), *FAST, "--no-explain", "--since", str(plan))
    assert code == 0, said
    assert "fees already paid $370 → $" in said
    assert (
        "the fees paid to rad-peachleaf, rad-rainfern no longer count: a declined offer or a "
        "refused application keeps its fee only while it stays under `applied:`"
    ) in said
    # Accepting an offer moves its fee into the lock's cost: no fee is lost, nothing said.
    accepted = _scenario(
        tmp_path,
        "offers-in-hand",
        {"offers:                        # received, not yet answered\n"
         "  - {program: rad-cedar, start: 2027-06-14}\n": "locks:\n  - {program: rad-cedar, "
         "start: 2027-06-14}\noffers:\n"},
    )  # fmt: skip
    code, said = _run("solve", str(accepted), *FAST, "--no-explain", "--since", str(plan))
    assert code == 0 and "no longer count" not in said


def test_since_a_plan_that_states_no_totals_shows_none(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    _run("solve", str(EXAMPLE / "scenario.yaml"), *FAST, "-o", str(plan))
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps({"rotations": json.loads(plan.read_text())["rotations"]}))
    code, said = _run("solve", str(EXAMPLE / "scenario.yaml"), *FAST, "--since", str(bare))
    assert code == 0 and "(no plan)" not in said and "the same rotations as before" in said


def test_sent_applications_that_fill_the_limit_under_rules_that_clash_name_the_clash(
    tmp_path: Path,
) -> None:
    path = _scenario(
        tmp_path,
        "applications-sent",
        {SENT: "max_applications: 2\napplied: [{program: rad-cedar}, {program: rad-juniper}]\n",
         "budget: 9000": "budget: 3000"},
    )  # fmt: skip
    code, said = _run("apply", str(path), *FAST, "--scenarios", "50", "--evaluate", "200")
    assert code == 3
    assert "these rules cannot all hold" in said and "application slots" not in said


# (shipped scenario, text replaced in it, what `validate` must say)
VALIDATE_SAYS = {
    "a sent clinical application where clinical.max is 0": (
        "applications-sent",
        {SENT: "applied: [{program: em-saguaro}]\nrequirements:\n  clinical: {min: 0, max: 0}\n"},
        "clinical, which requirements.clinical.max 0 rules out",
    ),
    "the housing rules": (
        "example",
        {"  tier_mix: true": "  tier_mix: true\n  affordable_housing_per_week: 400\n"
         "  high_cost_rest_days: 7"},
        "at least one rotation with housing at most $400/week, 7 free days between two",
    ),
    "a repeated offer": (
        "offers-in-hand",
        {"  - {program: rad-cedar, start: 2027-06-14}\n": "  - {program: rad-cedar, start: "
         "2027-06-14}\n  - {program: rad-cedar, start: 2027-06-14}\n"},
        "offers: rad-cedar at 2027-06-14 is listed more than once; it counts once",
    ),
    "a repeated application": (
        "applications-sent",
        {SENT: SENT + "  - {program: rad-cedar}\n"},
        "applied: rad-cedar is listed more than once; its starts are merged",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(VALIDATE_SAYS))
def test_validate_says_what_the_rules_and_the_answers_hold(tmp_path: Path, case: str) -> None:
    folder, replace, expected = VALIDATE_SAYS[case]
    code, said = _run("validate", str(_scenario(tmp_path, folder, replace)))
    assert code == 0
    assert expected in said


def test_a_scenario_in_a_txt_file_and_an_eras_year_typo_get_hints(tmp_path: Path) -> None:
    toml = tmp_path / "scenario.txt"
    toml.write_text('version = 1\nname = "mine"\n')
    code, said = _run("validate", str(toml))
    assert code == 1 and "a .txt is read as YAML: name the file .yaml, .json or .toml" in said
    typo = _scenario(tmp_path, "example", {"eras_submission: 2027-09-25": "eras_submission: "
                                           "2026-09-25"})  # fmt: skip
    code, said = _run("validate", str(typo))
    assert said.startswith(
        "warning: planning_date 2027-01-15 is after eras_submission 2026-09-25: every letter "
        "will miss ERAS (a year off? 2027-09-25 would follow the planning date)."
    )
