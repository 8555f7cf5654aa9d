"""Ctrl-C: every long command stops at once, says so, exits 130 and writes nothing.

Run as real processes, because the point is how signals reach CP-SAT's threads:
the budget sweep solves in worker threads, the frontier on the main thread.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SCENARIOS

NATIONAL = str(SCENARIOS / "national" / "scenario.yaml")
STRESS = str(
    Path(__file__).parents[1] / "benchmarks" / "instances" / "stress" / "seed1" / "scenario.yaml"
)

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _interrupt_after(args: list[str], cpu_seconds: float, signals: int = 1) -> tuple[int, str]:
    """Start the CLI, send SIGINT once it has worked `cpu_seconds` (start-up ~1 s of
    that), and return (exit code, stderr). Progress bars print only at the end when
    stderr is not a terminal, so CPU time tells when the work is under way."""
    process = subprocess.Popen(
        [sys.executable, "-m", "rotation_solver", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        # a background job may inherit "ignore SIGINT"; a user's terminal does not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while process.poll() is None and _cpu_seconds(process.pid) < cpu_seconds:
        assert time.monotonic() < deadline, "the command did not get going"
        time.sleep(0.05)
    for _ in range(signals):  # an impatient user presses Ctrl-C more than once
        process.send_signal(signal.SIGINT)
        time.sleep(0.01)
    _, stderr = process.communicate(timeout=30)
    return process.returncode, stderr


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_stops_a_budget_sweep(tmp_path: Path, workers: str) -> None:
    out = tmp_path / "rows.csv"
    code, stderr = _interrupt_after(
        ["compare", NATIONAL, "--budget-range", "3300:7700:10", "--workers", workers,
         "--format", "csv", "-o", str(out)],
        cpu_seconds=2.5,  # of about 8 for the whole sweep
    )  # fmt: skip
    assert code == 130, stderr  # 0 would mean the sweep ran to the end
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert not out.exists()


def test_ctrl_c_stops_the_frontier() -> None:
    code, stderr = _interrupt_after(["frontier", STRESS, "--format", "json"], cpu_seconds=3)
    assert code == 130, stderr  # of about 11 s for the whole frontier
    assert "interrupted" in stderr and "Traceback" not in stderr


@pytest.mark.parametrize("signals", [1, 2])
def test_ctrl_c_stops_a_solve_and_leaves_no_file(tmp_path: Path, signals: int) -> None:
    out = tmp_path / "plan.json"
    code, stderr = _interrupt_after(
        ["solve", STRESS, "--format", "json", "-o", str(out)], cpu_seconds=2, signals=signals
    )
    # A second Ctrl-C in the last moments of interpreter shutdown, where Python has
    # put back the default handler, ends the process by the signal: a shell shows
    # that as 130 too.
    assert code in (130, -signal.SIGINT), stderr
    assert "interrupted" in stderr
    assert "Traceback" not in stderr and "Aborted" not in stderr and "ignored" not in stderr
    assert list(tmp_path.iterdir()) == []  # neither the file nor a part of it


def test_a_solve_leaves_the_wakeup_fd_as_it_found_it() -> None:
    """The watcher borrows Python's wakeup descriptor only while it solves; when
    someone else holds it (an event loop), the solve runs in a worker thread."""
    from ortools.sat.python import cp_model

    from rotation_solver.interrupt import solve_interruptibly

    model = cp_model.CpModel()
    x = model.new_int_var(0, 10, "x")
    model.maximize(x)
    assert solve_interruptibly(cp_model.CpSolver(), model) == cp_model.OPTIMAL
    assert signal.set_wakeup_fd(-1) == -1  # nothing left behind
    reader, writer = os.pipe()
    os.set_blocking(writer, False)
    try:
        signal.set_wakeup_fd(writer)
        solver = cp_model.CpSolver()
        assert solve_interruptibly(solver, model) == cp_model.OPTIMAL
        assert solver.value(x) == 10
        assert signal.set_wakeup_fd(-1) == writer  # still theirs
    finally:
        os.close(reader)
        os.close(writer)


# The console script's Ctrl-C handler, and an object whose destructor receives a Ctrl-C,
# as zipfile.ZipFile's did in CI: Python swallows a KeyboardInterrupt raised there.
SWALLOWING_DESTRUCTOR = """
import os, signal, sys, threading, time
from rotation_solver.ctrl_c import install_ctrl_c_handler
from rotation_solver.interrupt import solve_interruptibly
from ortools.sat.python import cp_model

install_ctrl_c_handler()


class Closing:
    def __del__(self):
        print("closing", flush=True)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)
        print("not interrupted", flush=True)
"""

LOST_CTRL_C = (
    SWALLOWING_DESTRUCTOR
    + """
Closing()  # collected at once: the KeyboardInterrupt is raised in __del__ and lost
model = cp_model.CpModel()
model.new_bool_var("x")
try:
    solve_interruptibly(cp_model.CpSolver(), model)
except KeyboardInterrupt:
    print("stopped")
else:
    print("went on")
"""
)


def test_a_ctrl_c_swallowed_by_a_destructor_still_stops_the_next_solve() -> None:
    """Found in CI: Ctrl-C landing while the XLSX catalog's ZIP file was being closed was
    swallowed ("Exception ignored in ZipFile.__del__"), and `solve` went on for minutes."""
    done = subprocess.run(
        [sys.executable, "-c", LOST_CTRL_C], capture_output=True, text=True, timeout=60
    )
    # The destructor ran and the Ctrl-C cut it short: the case itself happened. Python's
    # "Exception ignored in" report of it is kept quiet.
    assert done.stdout == "closing\nstopped\n", done.stderr
    assert done.stderr == ""


LOST_CTRL_C_IN_LANES = (
    SWALLOWING_DESTRUCTOR
    + """
from rotation_solver.whatif.lanes import in_threads


def solve_in_lane(report):
    model = cp_model.CpModel()
    model.new_bool_var("x")
    solve_interruptibly(cp_model.CpSolver(), model)
    report("solved")


def report_then_work(report):
    report("progress")
    threading.Event().wait(3)  # a long solve


def draw_progress(item):
    if sys.argv[1] == "progress":
        Closing()  # the Ctrl-C is lost while the calling thread draws progress


if sys.argv[1] == "before":
    Closing()  # lost before the lanes start
task = solve_in_lane if sys.argv[1] == "before" else report_then_work
try:
    in_threads([task], [], draw_progress)
except KeyboardInterrupt:
    print("stopped")
else:
    print("went on")
"""
)


@pytest.mark.parametrize("when", ["before", "progress"])
def test_a_ctrl_c_swallowed_by_a_destructor_stops_the_lanes(when: str) -> None:
    """`compare` solves in worker threads ("lanes"): a lost Ctrl-C stops them too, whether
    it was lost before a lane's solve or while the calling thread drew progress."""
    done = subprocess.run(
        [sys.executable, "-c", LOST_CTRL_C_IN_LANES, when],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # The destructor ran and the Ctrl-C cut it short: the case itself happened. Python's
    # "Exception ignored in" report of it is kept quiet.
    assert done.stdout == "closing\nstopped\n", done.stderr
    assert done.stderr == ""
