"""Ctrl-C during CP-SAT solves: stop at once, then raise KeyboardInterrupt.

CP-SAT's own Ctrl-C handling stays off (`catch_sigint_signal`). It would swallow
the signal, so a command would go on with a cut-short solve and report it as if
nothing happened. It then installs the default handler, so the next Ctrl-C kills
the process without a word. And it aborts the process when the signal comes
while another thread solves.

Instead, a solve on the main thread registers its solver with a watcher thread,
which Python's signal handler wakes through `signal.set_wakeup_fd` the moment
Ctrl-C arrives, even though the main thread is busy inside CP-SAT. The watcher
stops the search; the solve returns and Python raises KeyboardInterrupt as
usual. Costs nothing per solve but two attribute writes. Where the wakeup file
descriptor is taken (an event loop uses it), the solve runs in a worker thread
instead, and the main thread waits for it and stops it on Ctrl-C.

Solves on other threads run in place: their caller handles Ctrl-C (`whatif`).
They too raise a Ctrl-C that was lost (below) before they start, which the caller
then re-raises.

A KeyboardInterrupt raised inside a destructor (`__del__`) is swallowed by Python
("Exception ignored in ..."), so a Ctrl-C that lands while, say, a catalog's ZIP
file is being closed would be lost and the command would go on. The console
script's handler (`ctrl_c.install_ctrl_c_handler`) also remembers the Ctrl-C, and every
solve raises KeyboardInterrupt first if one was lost.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from ortools.sat.python import cp_model

from rotation_solver.ctrl_c import raise_if_interrupted

RESTOP_SECONDS = 0.02  # a stop sent before the solve has set itself up is lost


class _Watcher:
    """A daemon thread that stops the registered solver when SIGINT arrives."""

    def __init__(self) -> None:
        self.read_end, self.write_end = os.pipe()
        os.set_blocking(self.write_end, False)
        self.lock = threading.Lock()
        self.solver: cp_model.CpSolver | None = None
        threading.Thread(target=self._watch, name="ctrl-c-watcher", daemon=True).start()

    def _watch(self) -> None:
        while True:
            received = os.read(self.read_end, 64)
            if signal.SIGINT not in received:
                continue
            while True:
                with self.lock:
                    solver = self.solver
                    if solver is None:
                        break
                    solver.stop_search()
                time.sleep(RESTOP_SECONDS)


_WATCHER: _Watcher | None = None
_SOLVE_THREAD: ThreadPoolExecutor | None = None


def _forget_threads() -> None:
    global _WATCHER, _SOLVE_THREAD
    _WATCHER = _SOLVE_THREAD = None  # a forked child has the objects but not the threads


os.register_at_fork(after_in_child=_forget_threads)


@contextmanager
def ctrl_c_ignored() -> Iterator[None]:
    """Ignore further Ctrl-C while a first one is being handled (main thread only):
    a second one would cut the clean-up short and leave a solve running."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def solve_interruptibly(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    callback: cp_model.CpSolverSolutionCallback | None = None,
) -> Any:
    """`solver.solve(model, callback)`, stopped at once by Ctrl-C (see the module)."""
    global _WATCHER
    solver.parameters.catch_sigint_signal = False
    if threading.current_thread() is not threading.main_thread():
        raise_if_interrupted()
        return solver.solve(model, callback)
    if _WATCHER is None:
        _WATCHER = _Watcher()
    watcher = _WATCHER
    try:
        previous = signal.set_wakeup_fd(watcher.write_end, warn_on_full_buffer=False)
    except ValueError:  # e.g. a platform that wants a socket here
        return _solve_in_worker(solver, model, callback)
    if previous not in (-1, watcher.write_end):  # someone else's; leave it to them
        signal.set_wakeup_fd(previous)
        return _solve_in_worker(solver, model, callback)
    with watcher.lock:
        watcher.solver = solver
    try:
        # After registering: a Ctrl-C from here on stops the solve through the watcher.
        raise_if_interrupted()
        return solver.solve(model, callback)
    finally:
        with watcher.lock:
            watcher.solver = None
        signal.set_wakeup_fd(previous)


def _solve_in_worker(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    callback: cp_model.CpSolverSolutionCallback | None,
) -> Any:
    """The fallback: solve in a worker thread; the main thread waits and stops it."""
    global _SOLVE_THREAD
    if _SOLVE_THREAD is None:
        _SOLVE_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cp-sat")
    cancelled, started, finished = threading.Event(), threading.Event(), threading.Event()

    def run() -> Any:
        started.set()  # before looking at `cancelled`; the caller does the reverse
        try:
            return cp_model.UNKNOWN if cancelled.is_set() else solver.solve(model, callback)
        finally:
            finished.set()

    try:
        return _SOLVE_THREAD.submit(run).result()
    except KeyboardInterrupt:
        with ctrl_c_ignored():
            cancelled.set()
            while started.is_set() and not finished.wait(RESTOP_SECONDS):
                solver.stop_search()
        raise
