"""Leaving when the terminal goes away.

Closing a terminal (an ssh session dropped, a tmux pane killed) hangs up its tty. The hang-up signal goes to
the session's leading process; when that is a wrapper such as ``make run``, which waits for its child rather
than passing the signal on, the app never hears it, and Textual's input thread, reading end-of-file from the
dead tty, spins at full CPU forever. A hung-up tty stops being a terminal to ``isatty``, so each app checks
that once a second. Textual cannot shut down then (its writer thread has died on the dead tty and its
shutdown waits on it), so the app finishes its own writes (``before``: the trainee app's store queue, the
review app's queries) and the process ends there, with ``HANGUP_EXIT``. The call so far can be resumed.
"""

from __future__ import annotations

import inspect
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from textual.app import App

HANGUP_EXIT = 129  # 128 + SIGHUP: what a shell reports for a process ended by a hang-up
CHECK_SECONDS = 1.0


def _stdin_fd() -> int | None:
    stream = sys.__stdin__
    try:
        return stream.fileno() if stream is not None else None
    except (OSError, ValueError):
        return None


def exit_when_terminal_closes(app: App[Any], before: Callable[[], Awaitable[None] | None] | None = None,
                              every: float = CHECK_SECONDS) -> None:
    """If the app reads a terminal: once it stops being one, run ``before`` and end the process."""
    fd = _stdin_fd()
    if fd is None or not os.isatty(fd):
        return  # headless (tests) or piped: nothing to watch

    async def check() -> None:
        if os.isatty(fd):
            return
        logger = logging.getLogger("callsim")
        logger.warning("the terminal closed: leaving (the call so far is saved)")
        try:
            if before is not None:
                done = before()
                if inspect.isawaitable(done):
                    await done
        except Exception:  # the process ends either way; say why in the log
            logger.exception("finishing the writes after the terminal closed")
        logging.shutdown()
        os._exit(HANGUP_EXIT)

    app.set_interval(every, check, name="terminal-watch")
