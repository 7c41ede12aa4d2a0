"""The app processes of ``callsim serve``, found in /proc (Linux): for its tests and bench/soak_serve.py.

Apps are found by their environment (the ``CALLSIM_HOME`` the server was started with) and command line,
not by parentage, so an app that outlived its server (re-parented to init) is still found. Zombies are
not counted there (their environment is gone): :func:`zombies` finds a server's unreaped children.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def apps(home: Path) -> list[int]:
    """The live ``-m callsim.serve`` processes whose environment has ``CALLSIM_HOME=home``."""
    marker = f"CALLSIM_HOME={home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            if b"callsim.serve" in argv and marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
    return found


def zombies(parent: int) -> list[int]:
    """Children of ``parent`` that have ended and not been reaped."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if fields[0] == "Z" and int(fields[1]) == parent:
                    found.append(int(entry.name))
    return found
