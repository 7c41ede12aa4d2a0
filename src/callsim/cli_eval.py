"""`callsim eval`: measuring the scorer against labelled data."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any, user_error: type[Exception]) -> None:
    """Add this module's subcommands to the ``callsim`` parser."""
    _ = (sub, user_error, argparse)
