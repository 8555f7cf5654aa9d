"""A Ctrl-C handler that remembers: Python swallows a KeyboardInterrupt raised inside a
destructor, so the console script's handler also records the Ctrl-C, and long work
(every solve on the main thread, `interrupt.solve_interruptibly`) raises it again.

Light on purpose: the console script installs it before the heavy imports.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

_CTRL_C = threading.Event()  # set by the handler, never cleared: the process is ending


def _on_ctrl_c(_signum: int, _frame: Any) -> None:
    _CTRL_C.set()
    raise KeyboardInterrupt


def install_ctrl_c_handler() -> None:
    """Python's Ctrl-C behaviour, remembered (console script only: a test process keeps
    its own handler)."""
    signal.signal(signal.SIGINT, _on_ctrl_c)
    sys.unraisablehook = _quiet_about_ctrl_c(sys.unraisablehook)


def _quiet_about_ctrl_c(
    previous: Callable[[sys.UnraisableHookArgs], Any],
) -> Callable[[sys.UnraisableHookArgs], None]:
    """Python prints a swallowed KeyboardInterrupt as "Exception ignored in ..." with a
    traceback (a second Ctrl-C landing in a destructor while the first unwinds). It is
    remembered and raised again, so the user sees only "interrupted"."""

    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and _CTRL_C.is_set():
            return
        previous(unraisable)

    return hook


def raise_if_interrupted() -> None:
    """Raise the KeyboardInterrupt of a Ctrl-C that a destructor swallowed."""
    if _CTRL_C.is_set():
        raise KeyboardInterrupt
