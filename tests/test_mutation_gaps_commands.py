"""Inputs from a fourth mutation review (the command-line layer: the group's error
handling, the shared options, each command's outputs and exit codes): each test tells
the code from a one-line mutant that no other test caught, named in its docstring."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import signal
import sys
import threading
import time
import types
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from rotation_solver.cli import cli
from tests.conftest import SCENARIOS, program, scenario_dict
from tests.random_scenarios import write_scenario

EXAMPLE = str(SCENARIOS / "example" / "scenario.yaml")
INFEASIBLE = str(SCENARIOS / "infeasible" / "scenario.yaml")
FAST = ["--workers", "1", "--seed", "0"]


def test_h_is_short_for_help_on_the_group_and_each_command() -> None:
    """G13 (group.py, help_option_names ["-h", "--help"] -> ["--help"]): `-h` prints the
    help and exits 0; the mutant calls it an unknown option (exit 2)."""
    for args in (["-h"], ["solve", "-h"], ["apply", "-h"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, (args, result.output)
        assert result.output.startswith("Usage:")


def test_a_failed_write_inside_a_command_is_exit_74_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """G7 (group.py, `error.errno == errno.EPIPE` -> `!=`): an OSError other than a closed
    pipe (a full disk) raised while a command runs is exit 74 with a one-line message;
    the mutant lets it escape as a crash (exit 1, the exception)."""

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("rotation_solver.cli.plan.build_problem", full_disk)
    result = CliRunner().invoke(cli, ["validate", EXAMPLE])
    assert result.exit_code == 74, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "cannot write the output: No space left on device" in capfd.readouterr().err


def test_ctrl_c_while_the_cli_is_imported_is_exit_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """EN2 (entry.py, `sys.exit(EXIT_INTERRUPTED)` -> `sys.exit(1)`): Ctrl-C during the
    half-second import of the CLI says "interrupted" and exits 130, not 1 (bad input)."""
    from rotation_solver import entry

    class Importing(types.ModuleType):
        def __getattr__(self, name: str) -> object:
            if (
                name == "main"
            ):  # what entry imports; anything else (pytest's own look-ups) is absent
                raise KeyboardInterrupt
            raise AttributeError(name)

    monkeypatch.setattr(entry.signal, "signal", lambda *_args: None)  # keep pytest's SIGPIPE
    monkeypatch.setitem(sys.modules, "rotation_solver.cli", Importing("rotation_solver.cli"))
    with pytest.raises(SystemExit) as stopped:
        entry.main()
    assert stopped.value.code == 130
    assert "interrupted" in capsys.readouterr().err


def test_an_unknown_solve_status_has_no_exit_code() -> None:
    """ER6 (errors.py, `raise ValueError(...)` -> `return cls.PLAN`): a status that is not
    one of the four is a bug to report, never read as "a plan" (exit 0)."""
    from rotation_solver.errors import ExitCode

    with pytest.raises(ValueError, match="not a solve status"):
        ExitCode.for_status("model_invalid")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--value-model", "  "], "got an empty text"),
        (["--workers", "65"], "1<=x<=64"),
        (["--time-limit", "0"], "0.01<=x<=86400"),
    ],
    ids=["blank-model", "workers-65", "time-limit-0"],
)
def test_option_bounds_are_usage_errors(args: list[str], says: str) -> None:
    """OP4 (options.py `_not_blank`, `not value.strip()` -> `not value`), OP8 (--workers
    IntRange(1, 64) -> (1, 65)), OP9 (--time-limit FloatRange(0.01, ...) -> (0.0, ...)):
    a value model of blanks, 65 workers and a zero time limit are usage errors (exit 2,
    naming the bound) before any work; each mutant lets one through."""
    result = CliRunner().invoke(cli, ["solve", EXAMPLE, *args])
    assert result.exit_code == 2, result.output
    assert says in result.output


def test_the_default_time_limit_is_60_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    """OP11 (options.py, `default=60.0` -> `default=10.0`): without --time-limit each solve
    may take 60 s, as `--help` says."""
    seen = []

    def planned(_loaded: object, options: object, **_kwargs: object) -> None:
        seen.append(options)
        raise SystemExit(0)

    monkeypatch.setattr("rotation_solver.cli.plan.plan_scenario", planned)
    result = CliRunner().invoke(cli, ["solve", EXAMPLE, *FAST])
    assert result.exit_code == 0, result.output
    assert seen[0].time_limit == 60.0


@pytest.mark.parametrize(
    ("name", "starts"),
    [("plan.md", "# "), ("PLAN.JSON", "{")],
    ids=["md-is-markdown", "suffix-case"],
)
def test_the_output_suffix_names_the_format(tmp_path: Path, name: str, starts: str) -> None:
    """OP13 (options.py, `".md": "markdown"` -> `".md": "table"`), OP19 (`output.suffix.lower()`
    -> `output.suffix`): `-o plan.md` writes the Markdown report and `-o PLAN.JSON` JSON,
    without --format; the mutants write the text table."""
    target = tmp_path / name
    result = CliRunner().invoke(cli, ["solve", EXAMPLE, *FAST, "--no-explain", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith(starts)


def test_format_help_names_one_suffix_per_format() -> None:
    """OP20 (options.py `_suffixes`, `first.setdefault(fmt, suffix)` -> `first[fmt] = suffix`):
    --help lists .md for Markdown, not .markdown (one suffix per format)."""
    result = CliRunner().invoke(cli, ["solve", "--help"])
    assert result.exit_code == 0
    assert ".md," in result.output and ".markdown" not in result.output


def _long_model() -> tuple[object, object]:
    """A model whose every solution is enumerated: about 2^40 of them, so only a stop
    ends its solve before the time limit."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    for i in range(40):
        model.new_bool_var(f"b{i}")
    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 30.0
    return model, solver


def _ctrl_c_in(seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    return timer


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="signals")
def test_ctrl_c_stops_a_solve_on_the_main_thread_at_once() -> None:
    """IN2 (interrupt.py `_watch`, `SIGINT not in received` -> `SIGINT in received`): the
    watcher stops the search the moment Ctrl-C arrives, so KeyboardInterrupt comes within
    a second; the mutant's watcher ignores it and the solve runs to its 30 s limit."""
    from rotation_solver import interrupt

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    model, solver = _long_model()
    began = time.monotonic()
    timer = _ctrl_c_in(0.3)
    try:
        with pytest.raises(KeyboardInterrupt):
            interrupt.solve_interruptibly(solver, model)
            time.sleep(5)  # the signal's handler runs at the next bytecode
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
    assert time.monotonic() - began < 5


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="signals")
def test_a_solve_cancelled_before_its_worker_starts_never_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """IN4 (interrupt.py `_solve_in_worker`, `cancelled.set()` -> `pass`) and IN5
    (`cp_model.UNKNOWN if cancelled.is_set() else` removed): when the wakeup descriptor is
    someone else's the solve waits for a worker thread; Ctrl-C before that worker starts
    cancels it, and it never solves. Each mutant solves it later, unasked."""
    from concurrent.futures import ThreadPoolExecutor

    from ortools.sat.python import cp_model

    from rotation_solver import interrupt

    worker = ThreadPoolExecutor(max_workers=1)
    monkeypatch.setattr(interrupt, "_SOLVE_THREAD", worker)
    gate = threading.Event()
    worker.submit(gate.wait, 10)  # the worker is busy: the solve waits in the queue
    model = cp_model.CpModel()
    model.new_bool_var("b")

    class Seen(cp_model.CpSolverSolutionCallback):
        calls = 0

        def on_solution_callback(self) -> None:
            Seen.calls += 1

    reader, writer = os.pipe()
    os.set_blocking(writer, False)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    theirs = signal.set_wakeup_fd(writer)  # an event loop's, say
    timer = _ctrl_c_in(0.3)
    try:
        with pytest.raises(KeyboardInterrupt):
            interrupt.solve_interruptibly(cp_model.CpSolver(), model, Seen())
    finally:
        timer.cancel()
        signal.set_wakeup_fd(theirs)
        signal.signal(signal.SIGINT, previous)
        gate.set()
        worker.submit(lambda: None).result(timeout=30)  # the queued solve has had its turn
        worker.shutdown()
        os.close(reader)
        os.close(writer)
    assert Seen.calls == 0


def test_a_picture_suffix_in_capitals_is_drawn(tmp_path: Path) -> None:
    """OP30 (options.py `_check_plot_suffix`, `value.suffix.lower()` -> `value.suffix`):
    `--plot PLAN.PNG` draws a PNG; the mutant refuses the suffix (exit 2). PO7
    (plan_output.py, "picture written to" with `err=True` -> `err=False`): the note goes
    to standard error, so standard output stays the JSON plan."""
    picture = tmp_path / "PLAN.PNG"
    result = CliRunner().invoke(
        cli, ["solve", EXAMPLE, *FAST, "--no-explain", "--format", "json", "--plot", str(picture)]
    )
    assert result.exit_code == 0, result.output
    assert picture.read_bytes().startswith(b"\x89PNG")
    assert json.loads(result.stdout)["status"] == "optimal"  # PO7: the note is on stderr
    assert f"picture written to {picture}" in result.stderr


def test_output_and_plot_spelt_differently_are_still_one_file(tmp_path: Path) -> None:
    """OP32 (options.py, `output.resolve() == plot.resolve()` -> `output == plot`): `-o
    DIR/sub/../plan.txt --plot DIR/a.png`, with plan.txt a link to a.png, name one file:
    a usage error before any work; the mutant writes the table there and then refuses
    the picture as an existing file. (`-o` with a picture's suffix is refused anyway.)"""
    (tmp_path / "sub").mkdir()
    (tmp_path / "plan.txt").symlink_to(tmp_path / "a.png")
    result = CliRunner().invoke(
        cli,
        ["solve", EXAMPLE, *FAST, "-o", str(tmp_path / "sub" / ".." / "plan.txt"),
         "--plot", str(tmp_path / "a.png")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "name the same file" in result.output
    assert not (tmp_path / "a.png").exists()


def test_an_output_name_ending_in_a_slash_and_blanks_names_a_folder(tmp_path: Path) -> None:
    """OP35 (options.py FilePath, `value.rstrip().endswith("/")` -> `value.endswith("/")`):
    `-o "DIR/ "` (a slash, then a stray blank) is refused as a folder; the mutant writes
    a file named " "."""
    result = CliRunner().invoke(cli, ["solve", EXAMPLE, *FAST, "-o", f"{tmp_path}/ "])
    assert result.exit_code == 2
    assert "names a folder" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_scenario_warning_is_shown_once(tmp_path: Path) -> None:
    """OP37 (options.py `warn_about_plan`, `if w not in loaded.warnings` -> `if True`): a
    warning of the scenario (a blocked period outside the window) is shown when it is
    loaded, and not again with the plan's own warnings."""
    data = scenario_dict([program("rad-a")])
    data["calendar"]["blocked"] = [{"start": "2028-03-01", "end": "2028-03-05"}]
    path = write_scenario(tmp_path, data, "s.yaml")
    result = CliRunner().invoke(cli, ["solve", str(path), *FAST, "--no-explain"])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("it blocks nothing") == 1


def test_an_existing_picture_is_refused_before_the_solve(tmp_path: Path) -> None:
    """PL1 (plan.py solve, `refuse_output_files(output, plot, force)` -> `None`): an existing
    --plot file without --force is exit 2 before any work, with nothing on standard
    output; the mutant solves and prints the plan first."""
    picture = tmp_path / "plan.png"
    picture.write_bytes(b"mine")
    result = CliRunner().invoke(cli, ["solve", EXAMPLE, *FAST, "--plot", str(picture)])
    assert result.exit_code == 2
    assert "already exists" in result.stderr and result.stdout == ""
    assert picture.read_bytes() == b"mine"


def test_no_plan_in_csv_says_why_on_standard_error() -> None:
    """PL3 (plan.py solve, `fmt in ("csv", "json", "ics")` -> `fmt in ("json", "ics")`): a
    CSV of no plan is only a header, so the reason goes to standard error (exit 3); the
    mutant leaves the terminal silent."""
    result = CliRunner().invoke(cli, ["solve", INFEASIBLE, *FAST, "--format", "csv"])
    assert result.exit_code == 3
    assert "no plan: " in result.stderr


def _plan(tmp_path: Path, scenario: str = EXAMPLE) -> dict[str, object]:
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(
        cli, ["solve", scenario, *FAST, "--no-explain", "--format", "json", "-o", str(out)]
    )
    assert result.exit_code in (0, 3), result.output
    return json.loads(out.read_text(encoding="utf-8"))


def _check(tmp_path: Path, name: str, text: str, *args: str, scenario: str = EXAMPLE) -> Result:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return CliRunner().invoke(cli, ["check", scenario, str(path), *FAST, *args])


def test_a_json_list_is_not_a_plan_at_line_1_column_1(tmp_path: Path) -> None:
    """PL11 (plan.py check, `..., 1, 1)` dropped from the Problem): a JSON list where a plan
    object belongs is bad input at line 1, column 1, as spec section 8 asks."""
    result = _check(tmp_path, "list.json", "[]")
    assert result.exit_code == 1
    assert "list.json:1:1: expected a JSON object" in result.output


def test_a_plan_document_of_status_unknown_is_exit_4(tmp_path: Path) -> None:
    """PL12 (plan.py check, `in ("infeasible", "unknown")` -> `== "infeasible"`): a no-plan
    document whose search ran out of time has nothing to check: exit 4; the mutant calls
    it valid (exit 0)."""
    data = _plan(tmp_path, INFEASIBLE)
    data["status"] = "unknown"
    result = _check(tmp_path, "unknown.json", json.dumps(data), scenario=INFEASIBLE)
    assert result.exit_code == 4, result.output
    assert "status unknown" in result.stderr and "valid" not in result.stdout


def test_an_unknown_program_says_the_plan_is_from_another_scenario(tmp_path: Path) -> None:
    """PL14 (plan.py check, `{"scenario", "budget.stated", "program"}` loses "program"): a
    plan naming a program this scenario lacks is told it does not match the scenario."""
    data = _plan(tmp_path)
    data["rotations"][0]["program_id"] = "nope"  # type: ignore[index]
    result = _check(tmp_path, "other.json", json.dumps(data))
    assert result.exit_code == 1
    assert "[program]" in result.stderr and "does not match this scenario" in result.stderr


def test_a_csv_named_in_capitals_is_read_as_csv(tmp_path: Path) -> None:
    """PL17 (plan.py `_hand_made_plan`, `path.suffix.lower() != ".csv"` -> `path.suffix !=
    ".csv"`): PLAN.CSV with a wrong header is told which column it needs, at line 1; the
    mutant reads it as JSON and says "not JSON"."""
    result = _check(tmp_path, "PLAN.CSV", "id,start\nrad-a,2027-06-07\n", "--score")
    assert result.exit_code == 1
    assert "PLAN.CSV:1: the header needs the column program_id" in result.output


def test_blank_csv_rows_are_not_rotations(tmp_path: Path) -> None:
    """PL26 (plan.py `_csv_plan`, `if any(cell.strip() for cell in cells)` -> `if cells`): the
    empty rows a spreadsheet leaves (",") are skipped; the mutant reads one as a rotation
    with no program and rejects the plan."""
    rows = _plan(tmp_path)["rotations"]
    text = "program_id,start\n" + "".join(f"{r['program_id']},{r['start']}\n" for r in rows)  # type: ignore[union-attr]
    result = _check(tmp_path, "mine.csv", text + ",\n,,\n", "--score")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"valid: {len(rows)} rotations")  # type: ignore[arg-type]


def test_a_broken_hand_made_plan_is_not_compared_with_the_best(tmp_path: Path) -> None:
    """PL31 (plan.py `_score`, `mine = report.objective if not broken else None` -> `mine =
    report.objective`): a plan that breaks a rule gets the best plan's value alone, with
    no "this plan reaches N%" that would read as a score."""
    first = _plan(tmp_path)["rotations"][0]  # type: ignore[index]
    text = f"program_id,start\n{first['program_id']},{first['start']}\n"
    result = _check(tmp_path, "one.csv", text, "--score")
    assert result.exit_code == 1
    best = [line for line in result.stderr.splitlines() if line.startswith("The best plan")]
    assert best and "this plan" not in best[0]


def test_a_plan_with_more_keys_is_still_a_plan(tmp_path: Path) -> None:
    """PL40 (plan.py `_other_document`, `if "rotations" in data:` -> never): spec section 7
    welcomes more keys, so a plan that also holds "points" and "least_budget" is checked
    as a plan; the mutant calls it frontier's JSON."""
    data = _plan(tmp_path)
    data.update(points=[], least_budget=0)
    result = _check(tmp_path, "more.json", json.dumps(data))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("valid: ")


def test_a_best_plan_not_proven_is_called_found_in_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PL32 (plan.py `_score`, `proven = best.status == "optimal"` -> `proven = True`): when
    the best plan's search was stopped short (status feasible), --score calls it "the best
    plan found in time", not "the best plan"."""
    from rotation_solver.cli import plan as plan_command

    rows = _plan(tmp_path)["rotations"]
    real = plan_command.plan_scenario

    def stopped_short(*args: object, **kwargs: object) -> object:
        outcome = real(*args, **kwargs)  # type: ignore[arg-type]
        result = dataclasses.replace(outcome.result, status="feasible")
        return dataclasses.replace(outcome, result=result)

    monkeypatch.setattr(plan_command, "plan_scenario", stopped_short)
    text = "program_id,start\n" + "".join(f"{r['program_id']},{r['start']}\n" for r in rows)  # type: ignore[union-attr]
    result = _check(tmp_path, "mine.csv", text, "--score")
    assert result.exit_code == 0, result.output
    assert "The best plan found in time is worth" in result.stdout


def test_a_valid_plan_worth_less_than_nothing_gets_its_value_not_a_percentage(
    tmp_path: Path,
) -> None:
    """PL37 (plan.py `_beside`, `if best > 0 and mine >= 0:` -> `if best > 0:`): a valid hand
    plan of three weak radiology rotations is worth less than 0 (the third's penalty), so
    --score gives its value, not a negative percentage of the best plan."""
    weak = {"letter": 1, "audition": 1, "interest": 1, "acceptance": 0.5}
    programs = [
        program("rad-good", letter=5, audition=5, interest=5),
        program("rad-w1", **weak),
        program("rad-w2", **weak, starts="2027-07-05"),
        program("rad-w3", **weak, starts="2027-08-02"),
    ]
    path = write_scenario(tmp_path, scenario_dict(programs), "s.yaml")
    text = "program_id,start\nrad-w1,2027-06-07\nrad-w2,2027-07-05\nrad-w3,2027-08-02\n"
    result = _check(tmp_path, "mine.csv", text, "--score", scenario=str(path))
    assert result.exit_code == 0, result.output
    assert "objective -" in result.stdout
    assert "; this plan is worth -" in result.stdout and "%" not in result.stdout


def test_no_plan_leaves_standard_output_empty_for_a_calendar_and_clean_for_json(
    tmp_path: Path,
) -> None:
    """PO3, PO4 (plan_output.py, the no-plan table and "no calendar was written" with
    stderr -> stdout) and PO6 ("was not drawn", `err=True` -> `err=False`): with no plan,
    `--format ics` writes nothing to standard output (the reason goes to standard error),
    and `--format json --plot` keeps standard output the JSON document alone."""
    result = CliRunner().invoke(cli, ["solve", INFEASIBLE, *FAST, "--format", "ics"])
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "no plan, so no calendar was written" in result.stderr
    assert "Offerings:" in result.stderr  # the table that says why
    # Once, in long plain lines: a log file is no 80-column terminal (found by review).
    assert result.stderr.count("these rules cannot all hold") == 1
    assert not any(line.endswith(" ") for line in result.stderr.splitlines())
    picture = tmp_path / "plan.png"
    result = CliRunner().invoke(
        cli, ["solve", INFEASIBLE, *FAST, "--format", "json", "--plot", str(picture)]
    )
    assert result.exit_code == 3
    assert json.loads(result.stdout)["status"] == "infeasible"
    assert f"no plan, so {picture} was not drawn" in result.stderr
    assert not picture.exists()


def test_validate_says_no_plan_is_possible_with_an_unplaceable_lock() -> None:
    """PL54 (plan.py validate, `if problem.unplaceable_locks or short:` -> `if short:`): a
    lock on an offering a blocked period rules out leaves the files valid but no plan
    possible, and validate says so rather than a bare "valid"."""
    result = CliRunner().invoke(cli, ["validate", EXAMPLE, "--lock", "rad-harbor@2027-07-05"])
    assert result.exit_code == 0, result.output
    assert "warning: lock rad-harbor@2027-07-05: blocked period" in result.stdout
    assert (
        result.stdout.splitlines()[-1]
        == "valid files, but no plan is possible: see the warning above"
    )


def test_apply_needs_at_least_two_fresh_outcomes() -> None:
    """PF4 (portfolio.py, --evaluate IntRange(2, ...) -> IntRange(1, ...)): one fresh outcome
    gives no confidence interval: `--evaluate 1` is a usage error (exit 2)."""
    result = CliRunner().invoke(cli, ["apply", EXAMPLE, *FAST, "--evaluate", "1"])
    assert result.exit_code == 2
    assert "--evaluate" in result.output and "2<=x" in result.output


@pytest.mark.parametrize(("status", "code"), [("feasible", 0), ("unknown", 4)])
def test_apply_budgets_exit_code_follows_the_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, status: str, code: int
) -> None:
    """PF12 (portfolio.py, `statuses & {"optimal", "feasible"}` -> `& {"optimal"}`) and PF13
    (`NO_PLAN_IN_TIME if "unknown" in statuses else INFEASIBLE` -> `INFEASIBLE`): with
    --budgets, rows whose search was stopped short with a portfolio (feasible) are exit 0,
    and rows the time limit left without one (unknown) exit 4, not 3."""
    from rotation_solver.cli import portfolio as apply_command

    real = apply_command.portfolio_budgets

    def stopped(*args: object, **kwargs: object) -> dict[str, object]:
        sweep = real(*args, **kwargs)  # type: ignore[arg-type]
        for row in sweep["rows"]:
            row["status"] = status
        return sweep

    monkeypatch.setattr(apply_command, "portfolio_budgets", stopped)
    path = write_scenario(tmp_path, scenario_dict([program("rad-a")]), "s.yaml")
    result = CliRunner().invoke(
        cli, ["apply", str(path), *FAST, "--budgets", "5000", "--format", "json", "--no-bound"]
    )
    assert result.exit_code == code, result.output
    assert json.loads(result.stdout)["rows"][0]["status"] == status


def test_apply_with_no_plan_to_a_file_says_why_on_standard_error(tmp_path: Path) -> None:
    """PF16 (portfolio.py, `(fmt == "json" or output is not None)` -> `fmt == "json"`): when
    the report goes to a file, the terminal is still told why no outcome has a plan."""
    out = tmp_path / "apply.txt"
    result = CliRunner().invoke(cli, ["apply", INFEASIBLE, *FAST, "--no-bound", "-o", str(out)])
    assert result.exit_code == 3, result.output
    assert "no plan in any outcome: " in result.stderr
    assert out.exists()


def test_timeline_with_no_plan_in_time_is_exit_4(monkeypatch: pytest.MonkeyPatch) -> None:
    """TL6 (timeline.py, the no-plan exit `ExitCode.for_status(status)` -> `3`): when the time
    limit stops the solve with no plan, the timeline exits 4 (no plan in time), not 3."""
    from rotation_solver import planner
    from rotation_solver.solve import Result as Solved

    def unknown(_problem: object, _options: object, **_kwargs: object) -> Solved:
        return Solved("unknown", None, None, (), 0, 9000, 0, 0.0, 0.0)

    monkeypatch.setattr(planner, "solve_problem", unknown)
    result = CliRunner().invoke(cli, ["timeline", EXAMPLE, *FAST, "--format", "json"])
    assert result.exit_code == 4, result.output
    assert json.loads(result.stdout)["status"] == "unknown"


def test_timeline_markdown_ends_with_the_other_applications_note() -> None:
    """TL8 (timeline.py, `, "", OTHER_APPLICATIONS_NOTE]` dropped): the Markdown timeline
    ends with the note on applications beyond the plan's rotations."""
    from rotation_solver.timeline import OTHER_APPLICATIONS_NOTE

    result = CliRunner().invoke(cli, ["timeline", EXAMPLE, *FAST, "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip("\n").endswith(OTHER_APPLICATIONS_NOTE.rstrip("\n"))


def test_timeline_csv_still_shows_the_plan_warnings(tmp_path: Path) -> None:
    """TL9 (timeline.py, `warn_about_plan(...)` after a non-table format -> `None`): with
    --format csv the plan's own cautions (all radiology at reach programs) still go to
    standard error."""
    path = write_scenario(tmp_path, scenario_dict([program("rad-a", tier="reach")]), "s.yaml")
    result = CliRunner().invoke(cli, ["timeline", str(path), *FAST, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "warning: every radiology rotation is at a reach program" in result.stderr
    assert result.stdout.startswith("date,")


def test_compare_takes_a_budget_of_exactly_the_most_dollars(tmp_path: Path) -> None:
    """WI1 (whatif.py `_amount`, `amount > MAX_DOLLARS` -> `>=`): a budget of exactly
    $10,000,000 (the scenario format's top) is accepted; the mutant refuses it."""
    from rotation_solver.scenario.schema import MAX_DOLLARS

    path = write_scenario(tmp_path, scenario_dict([program("rad-a")]), "s.yaml")
    result = CliRunner().invoke(
        cli, ["compare", str(path), *FAST, "--budgets", str(MAX_DOLLARS), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert [row["budget"] for row in json.loads(result.stdout)["rows"]] == [MAX_DOLLARS]


def test_two_signs_on_one_amount_are_named_as_such() -> None:
    """WI4 (whatif.py `_amounts`, `if signed and rest[:1] in ("+", "-"):` -> `if False:`):
    `--more=+-1000` is told to give one sign at most, not that it is negative."""
    result = CliRunner().invoke(cli, ["compare", EXAMPLE, "--more=+-1000"])
    assert result.exit_code == 2
    assert "'+-1000': give one sign at most" in result.output


def test_more_may_lower_the_budget_to_exactly_nothing(tmp_path: Path) -> None:
    """WI8 (whatif.py `changed_budgets`, `0 <= budget` -> `0 < budget`): `--more=-1000` on a
    $1,000 budget compares it with $0 (a row with no plan); the mutant refuses it."""
    path = write_scenario(tmp_path, scenario_dict([program("rad-a")], budget=1000), "s.yaml")
    result = CliRunner().invoke(
        cli, ["compare", str(path), *FAST, "--more=-1000", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert [row["budget"] for row in json.loads(result.stdout)["rows"]] == [0, 1000]


def test_a_negative_step_is_told_the_step_must_be_above_0() -> None:
    """WI11 (whatif.py `_parse_range`, `if parts[2].strip().startswith("-"):` -> `if False:`):
    `--budget-range 1000:2000:-500` says STEP must be above 0, not that it is negative."""
    result = CliRunner().invoke(cli, ["compare", EXAMPLE, "--budget-range", "1000:2000:-500"])
    assert result.exit_code == 2
    assert "'1000:2000:-500': STEP must be above 0" in result.output


def test_a_budget_range_of_one_budget_is_allowed(tmp_path: Path) -> None:
    """WI13 (whatif.py `_parse_range`, `if end < start:` -> `if end <= start:`): START equal
    to END is a range of one budget; the mutant refuses it."""
    path = write_scenario(tmp_path, scenario_dict([program("rad-a")]), "s.yaml")
    result = CliRunner().invoke(
        cli, ["compare", str(path), *FAST, "--budget-range", "5000:5000:1000", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert [row["budget"] for row in json.loads(result.stdout)["rows"]] == [5000]


def test_compare_rows_with_plans_not_proven_best_are_exit_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WI21 (whatif.py compare, `statuses & {"optimal", "feasible"}` -> `& {"optimal"}`): a
    plan the time limit kept from being proven best is still a plan: exit 0, not 3."""
    from rotation_solver import whatif

    real = whatif.sweep

    def stopped_short(*args: object, **kwargs: object) -> object:
        done = real(*args, **kwargs)  # type: ignore[arg-type]
        rows = tuple(
            dataclasses.replace(row, result=dataclasses.replace(row.result, status="feasible"))
            for row in done.rows
        )
        return dataclasses.replace(done, rows=rows)

    monkeypatch.setattr(whatif, "sweep", stopped_short)
    path = write_scenario(tmp_path, scenario_dict([program("rad-a")]), "s.yaml")
    result = CliRunner().invoke(
        cli, ["compare", str(path), *FAST, "--budgets", "5000", "--format", "json"]
    )
    assert result.exit_code == 0, result.output


def test_frontier_up_to_nothing_is_exit_3(tmp_path: Path) -> None:
    """WI22 (whatif.py frontier, --max-budget IntRange(0, ...) -> IntRange(1, ...)):
    `--max-budget 0` is a valid limit (no plan costs nothing: exit 3); the mutant calls
    it a usage error (exit 2)."""
    path = write_scenario(tmp_path, scenario_dict([program("rad-a")]), "s.yaml")
    result = CliRunner().invoke(
        cli, ["frontier", str(path), *FAST, "--max-budget", "0", "--format", "json"]
    )
    assert result.exit_code == 3, result.output
    assert json.loads(result.stdout)["points"] == []
