"""The review app's messages: small dataclasses, each saying what happened (children post, parents decide)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class MoreRowsWanted(Message):
    """The sessions table is showing rows close to the last one loaded: time to fetch the next page."""


@dataclass
class ReviewAdded(Message):
    """A review was stored on a session (posted by the session screen; the sessions table updates its row)."""

    session_id: str
