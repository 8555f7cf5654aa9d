"""Solves in threads ("lanes"), each on its own copy of the model.

CP-SAT releases the GIL, so two lanes keep both cores busy. Ctrl-C in the
calling thread, or an error in a lane, stops every lane's solve at once.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from rotation_solver.ctrl_c import raise_if_interrupted
from rotation_solver.interrupt import RESTOP_SECONDS, ctrl_c_ignored
from rotation_solver.whatif.reuse import ReusedModel

_LANE_DONE = object()


def in_threads(
    tasks: Sequence[Callable[[Callable[[Any], None]], None]],
    lanes: Sequence[ReusedModel],
    on_item: Callable[[Any], None] = lambda _item: None,
) -> None:
    """Run each task in a thread of its own; `on_item` sees what they report, in the
    calling thread. Ctrl-C there, or an error in a task, stops every lane's solve at
    once (the main thread stays free to take the signal) and is raised here."""
    reported: queue.Queue[Any] = queue.Queue()

    def run(task: Callable[[Callable[[Any], None]], None]) -> None:
        try:
            task(reported.put)
        except BaseException as error:  # handed to the calling thread
            reported.put(error)
        else:
            reported.put(_LANE_DONE)

    pool = ThreadPoolExecutor(max_workers=len(tasks))
    try:
        for task in tasks:
            pool.submit(run, task)
        running = len(tasks)
        while running:
            item = reported.get()
            if item is _LANE_DONE:
                running -= 1
            elif isinstance(item, BaseException):
                raise item
            else:
                on_item(item)
            # A Ctrl-C swallowed by a destructor (while on_item drew progress, say)
            raise_if_interrupted()
    except BaseException:
        with ctrl_c_ignored():
            for lane in lanes:
                lane.stop()  # no lane starts another solve
            # A stop sent before a solve has set itself up is lost: send it again.
            while any(lane.busy for lane in lanes):
                time.sleep(RESTOP_SECONDS)
                for lane in lanes:
                    lane.stop()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
