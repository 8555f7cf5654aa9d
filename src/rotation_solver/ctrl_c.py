"""A Ctrl-C handler that remembers: Python swallows a KeyboardInterrupt raised inside a
destructor, so the console script's handler also records the Ctrl-C, and long work
(every solve on the main thread, `interrupt.solve_interruptibly`) raises it again.

Light on purpose: the console script installs it before the heavy imports.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

_CTRL_C = threading.Event()  # set by the handler, never cleared: the process is ending


def _on_ctrl_c(_signum: int, _frame: Any) -> None:
    _CTRL_C.set()
    raise KeyboardInterrupt


def install_ctrl_c_handler() -> None:
    """Python's Ctrl-C behaviour, remembered (console script only: a test process keeps
    its own handler)."""
    signal.signal(signal.SIGINT, _on_ctrl_c)


def raise_if_interrupted() -> None:
    """Raise the KeyboardInterrupt of a Ctrl-C that a destructor swallowed."""
    if _CTRL_C.is_set():
        raise KeyboardInterrupt
