"""Closing the terminal ends the app, even under a wrapper that keeps the hang-up signal from it.

`make run` in a tmux pane: killing the pane hung up the tty, make (the session leader) took the SIGHUP and
waited for its child, and the app spun at full CPU reading end-of-file from the dead terminal for hours.
Here the child ignores SIGHUP, as if a wrapper had swallowed it; the app must still leave, on its own.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

from callsim.core.store import Store
from callsim.tui.terminal import HANGUP_EXIT


def _read_until(fd: int, needle: bytes, timeout: float) -> bytes:
    seen = b""
    end = time.monotonic() + timeout
    while needle not in seen and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def _wait(pid: int, timeout: float) -> int | None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.2)
    return None


def test_the_app_leaves_when_its_terminal_closes_mid_call_and_keeps_the_call(tmp_path: Path) -> None:
    callsim = Path(sys.executable).with_name("callsim")
    env = {**os.environ, "CALLSIM_HOME": str(tmp_path), "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    pid, master = pty.fork()
    if pid == 0:  # the child: a wrapper that swallows the hang-up, then the app
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        os.execve(str(callsim), [str(callsim), "--trainee", "Tess", "play", "bereavement-us"], env)
    code: int | None = None
    try:
        try:
            fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
            screen = _read_until(master, b"Start the call", timeout=60)
            assert b"Start the call" in screen, screen[-2000:]
            os.write(master, b"\r")
            assert b"Type your reply" in _read_until(master, b"Type your reply", timeout=30)
            os.write(master, b"Hello, this is Sam from Brightline Recovery Group. I'm so sorry for your loss.\r")
            assert b"turn 2" in _read_until(master, b"turn 2", timeout=30)
        finally:
            os.close(master)  # the terminal goes away
        code = _wait(pid, timeout=30)
    finally:
        if code is None:  # never leave a spinning app behind, whatever failed
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    assert code == HANGUP_EXIT, f"the app did not leave when its terminal closed (exit {code})"
    log = (tmp_path / "logs" / "callsim.log").read_text()
    assert "the terminal closed" in log
    with Store.open(f"sqlite:///{tmp_path / 'callsim.db'}") as store:
        (call,) = store.unfinished()
        assert call.n_turns == 1  # the reply and the answer to it: there to resume
