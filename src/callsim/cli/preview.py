"""`callsim preview`: a trainer plays a scenario file from any node with a debug panel, reloading on save."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any, user_error: type[Exception]) -> None:
    """Add this module's subcommands to the ``callsim`` parser."""

    def cmd_preview(a: argparse.Namespace) -> int:
        from callsim.config import ConfigError
        from callsim.core.library import NotFound, resolve
        from callsim.core.loader import ScenarioFileError
        from callsim.core.preview import PreviewError, check_node, check_settings, parse_setting

        try:
            result = resolve(a.scenario)
        except (NotFound, ScenarioFileError) as e:
            raise user_error(str(e)) from None
        try:
            raw = dict(parse_setting(s) for s in a.set)
            settings: dict[str, float | bool] = {}
            if result.scenario is not None and not result.errors:  # else the preview shows the problems first
                if a.node:
                    check_node(result.scenario, a.node)
                settings = check_settings(result.scenario, raw)
            elif raw:
                raise user_error("--set needs a scenario that loads; run `callsim lint` on it first")
        except PreviewError as e:
            raise user_error(str(e)) from None
        from callsim.tui.preview import run_preview

        try:
            return run_preview(Path(result.path), node=a.node, settings=settings, seed=a.seed)
        except ConfigError as e:
            raise user_error(str(e)) from None

    s = sub.add_parser(
        "preview", help="play a scenario from any node with a debug panel (for trainers)",
        description="Play a scenario file from any node, with a debug panel showing the node, mood, flags, the "
                    "route that fired and why, and the behaviours detected. The file reloads when you save it, "
                    "keeping your place; its lint problems show with file:line. Nothing is recorded.",
    )
    s.add_argument("scenario", help="scenario file (or id)")
    s.add_argument("--node", help="start at this node (default: the scenario's start)")
    s.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="start with a mood value or flag, e.g. --set anger=8 --set identity_verified=true")
    s.add_argument("--seed", type=int, default=1, help="which line variants the debtor picks")
    s.set_defaults(func=cmd_preview)
