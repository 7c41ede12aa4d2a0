"""What can go wrong with the session store, as exceptions: their own module so that the journal, which hands
calls to the store, and the store, which falls back on the journal, need not import each other."""

from __future__ import annotations


class StoreError(Exception):
    """A problem a user can act on: unreachable database, unknown session, schema too new."""


class SessionNotFound(StoreError, LookupError):
    pass


class UnreadableRecord(StoreError):
    """A stored call in a record format this callsim cannot read (the message names it and what to do)."""


class TurnExists(StoreError):
    """That turn of that session is already stored (a retried write whose first try had committed)."""


class SessionExists(StoreError):
    """A session with the id asked for is already stored (a journalled call written before)."""


class SessionFinished(StoreError):
    """That session has finished: nothing more can be written to it."""
