"""What every command module of the CLI shares: the error a user can fix, and loading a scenario by
reference. Command modules import this, never the package's ``__init__`` (no import cycles)."""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """A mistake the user can fix: ``main`` prints it as one line and exits 1, never a traceback."""


def scenario(ref: str, extra: list[str] | None = None) -> Any:
    """The scenario ``ref`` names (an id or a file), or a UserError saying why it cannot be played."""
    from callsim.core.library import NotFound, resolve
    from callsim.core.loader import ScenarioFileError

    try:
        result = resolve(ref, extra)
    except (NotFound, ScenarioFileError) as e:
        raise UserError(str(e)) from None
    if result.scenario is None or result.errors:
        msgs = "\n".join(d.format() for d in result.errors)
        raise UserError(f"the scenario has errors; fix them first:\n{msgs}")
    return result.scenario
