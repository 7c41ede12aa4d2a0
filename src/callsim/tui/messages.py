"""The app's messages: small dataclasses, each saying what happened (children post, parents decide)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from callsim.core.drills.attempt import DrillAttempt
    from callsim.core.record import CallState, Turn


@dataclass
class ReplySubmitted(Message):
    """The trainee sent a reply from the reply box (enter, ctrl+s or the Send button)."""

    text: str


@dataclass
class PasteTruncated(Message):
    """A paste was longer than a reply may be and was cut to fit."""

    original: int
    kept: int


@dataclass
class TurnScored(Message):
    """The engine has scored a reply and moved the call on (posted from the scoring worker)."""

    turn: Turn
    state: CallState


@dataclass
class LibraryShown(Message):
    """The library's cards are on screen (used to log the startup time)."""

    count: int


@dataclass
class DrillChecked(Message):
    """A drill attempt has been checked and scored (posted from the checking worker)."""

    attempt: DrillAttempt
