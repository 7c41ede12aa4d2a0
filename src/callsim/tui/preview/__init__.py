"""Preview for trainers: play a scenario file from any node with a debug panel, reloading it as it changes.

``run_preview`` is the entry point (``callsim preview``); :class:`~callsim.tui.preview.screen.PreviewScreen`
can also be pushed onto the trainee app. Importing this package loads no Textual.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from callsim.core.preview import Setting


def run_preview(path: Path, *, node: str | None = None, settings: dict[str, Setting] | None = None,
                seed: int = 1) -> int:
    """Open the preview of ``path``. Raises :class:`callsim.config.ConfigError` for a broken settings file."""
    from callsim.config import load_config
    from callsim.tui.preview.app import PreviewApp

    app = PreviewApp(path, node=node, settings=settings, seed=seed, config=load_config())
    return int(app.run() or 0)


__all__ = ["run_preview"]
