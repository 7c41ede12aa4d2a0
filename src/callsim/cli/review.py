"""`callsim review` with no session: the team lead's review app over the session store.

``callsim review SESSION --comment ... [--score N --reason ...]`` (in :mod:`callsim.cli.store`) adds a review
from the command line; with no SESSION the same command opens the app. The ``review`` parser lives in
cli.store, so this module is not among the command modules: cli.store's ``cmd_review`` calls
:func:`open_review_app` when no session is given (see docs/review.md, "Wiring").
"""

from __future__ import annotations

import argparse

REVIEW_ONLY_OPTIONS = ("comment", "score", "reason")


def open_review_app(a: argparse.Namespace, user_error: type[Exception]) -> int:
    """Run the review app for ``callsim review [--db URL] [--reviewer NAME]``; problems become user errors."""
    given = [f"--{o}" for o in REVIEW_ONLY_OPTIONS if getattr(a, o, None) is not None]
    if given:
        raise user_error(f"{', '.join(given)} need the SESSION to review: callsim review SESSION {given[0]} ...")
    from callsim.config import ConfigError
    from callsim.core.store import StoreError
    from callsim.tui.review import run_review_app

    try:
        return run_review_app(getattr(a, "db", None), getattr(a, "reviewer", None))
    except (StoreError, ConfigError) as e:
        raise user_error(str(e)) from None
