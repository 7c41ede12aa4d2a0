"""The trainee's Textual app. ``run_app`` is the entry point; importing this package loads no Textual."""

from __future__ import annotations

import gc
import logging
import time
from typing import Any


def run_app(scenario: str | None = None, seed: int = 1, trainee: str | None = None, *, db: str | None = None,
            guided: bool | None = None, assessment: bool | None = None, resume: str | None = None,
            launched: float | None = None, **_: Any) -> int:
    """Open the app (on the library, or on the brief of ``scenario``). Returns the exit code.

    ``resume`` ("" for the latest, or a session id) continues an unfinished call straight away.

    Raises :class:`callsim.config.ConfigError` when the settings file has problems.
    """
    launched = launched if launched is not None else time.perf_counter()
    # No garbage collection until the library is on screen (the app turns it back on then): starting up
    # makes tens of thousands of objects that live as long as the app, and the collector scanning them
    # again and again costs about 20 ms of the 0.2 s to the first frame.
    paused = gc.isenabled()
    gc.disable()
    try:
        from callsim.config import load_config  # YAML only; pydantic only for a file it cannot vouch for

        settings = load_config()
        _log_to_file()
        from callsim.tui.app import CallsimApp  # Textual itself: about 90 ms
        from callsim.tui.paste import install

        install()  # a pasted reply arrives whole, in order, without escape codes (issue 14)

        app = CallsimApp(settings, trainee=trainee, scenario=scenario, seed=seed, db=db, launched=launched,
                         feedback=None if assessment is None else ("assessment" if assessment else "coaching"),
                         guided=guided, resume=resume, gc_paused=paused)
        try:
            code = app.run()
        finally:
            app.recorder.close(wait=True)
    finally:
        if paused:
            gc.enable()
    return int(code or 0)


def _log_to_file() -> None:
    """Append the app's log (startup time, store problems) to ``logs/callsim.log`` in the data folder."""
    from callsim.core.paths import logs_dir

    logger = logging.getLogger("callsim")
    if logger.handlers:
        return
    try:
        folder = logs_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(folder / "callsim.log", encoding="utf-8")
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


__all__ = ["run_app"]
