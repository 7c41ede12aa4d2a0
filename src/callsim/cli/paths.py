"""`callsim paths`: where callsim keeps things on this computer (core/paths.py)."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: Any, user_error: type[Exception]) -> None:
    """Add this module's subcommand to the ``callsim`` parser."""
    p = sub.add_parser("paths", help="show where callsim keeps settings, sessions, scenarios and exports",
                       description="Where callsim keeps things: the data folder (CALLSIM_HOME), the settings "
                                   "(CALLSIM_CONFIG), the session store (CALLSIM_DATABASE_URL), your scenarios, "
                                   "the journal, exports and logs. Nothing is created.")
    p.add_argument("--json", action="store_true", help="as JSON")
    p.set_defaults(func=cmd_paths)


def _exists(path: str) -> bool | None:
    """Whether the file or folder is there; None for a database server's URL (not checked here)."""
    from pathlib import Path

    return None if "://" in path else Path(path).exists()


def cmd_paths(a: argparse.Namespace) -> int:
    from dataclasses import asdict

    from callsim.core.paths import places
    from callsim.core.text import safe_text

    found = places()
    if a.json:
        print(json.dumps([asdict(p) | {"exists": _exists(p.path)} for p in found], indent=2))
        return 0
    width = max(len(p.name) for p in found)
    for p in found:
        source = "" if p.source == "default" else f"  (from {p.source})"
        missing = "  (not created yet)" if _exists(p.path) is False else ""
        print(f"{p.name:<{width}}  {safe_text(p.path)}{source}{missing}\n{'':<{width}}  {p.what}")
    return 0
