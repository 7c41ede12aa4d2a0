"""The one definition of "most missed behaviours", shared by `callsim report` and the review app's cohort.

A *missed behaviour* is one the scenario expected at that point of the call that the reply did not show (each
turn's ``scores.better.missed``, the list the debrief shows). What counts, and in what order:

* **Which calls**: finished calls (the call reached an ending) that started from the beginning: a "what if"
  call (a trainee rewound a call to a turn, mode :data:`WHAT_IF`) is left out, and so is an unfinished one.
  These are the calls that have scores, so "missed in 3 of 10 calls" reads against the pass rate beside it.
* **Ranked per call**: by the number of those calls that missed it at least once (a trainee who misses
  "acknowledge before asking" on five replies of one call had one call that went wrong, not five), then
  by the number of replies (turns) that missed it, then by id so the order never wobbles.
* **Share**: those calls ÷ all the counted calls.

:func:`counts` says whether a session counts (in Python, for the report's aggregator); :func:`counted_where`
is the same rule as SQL conditions on the ``sessions`` table (for the review app, which aggregates in the
database); :func:`rank` orders the counts. A test checks that both give the same list on the same store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from callsim.core.sessions import WHAT_IF

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement



@dataclass(frozen=True)
class Missed:
    """One behaviour: in how many counted calls it was missed at least once, and in how many replies."""

    id: str
    calls: int
    turns: int


def counts(ended: datetime | None, mode: str | None) -> bool:
    """Whether a session's missed behaviours count: it finished, and it is not a "what if" call."""
    return ended is not None and mode != WHAT_IF


def counted_where() -> list[ColumnElement[bool]]:
    """:func:`counts` as SQL conditions on the store's ``sessions`` table."""
    from callsim.core.store import sessions

    return [sessions.c.ended.is_not(None), sessions.c.mode != WHAT_IF]


def order_key(behaviour_id: str, calls: int, turns: int) -> tuple[int, int, str]:
    """Most missed first: more calls, then more replies, then the id."""
    return (-calls, -turns, behaviour_id)


def rank(calls: Mapping[str, int], turns: Mapping[str, int] | None = None) -> list[Missed]:
    """Behaviour id -> calls (and -> replies) as :class:`Missed`, most missed first."""
    turns = turns or {}
    out = [Missed(k, int(n), int(turns.get(k, 0))) for k, n in calls.items() if n > 0]
    return sorted(out, key=lambda m: order_key(m.id, m.calls, m.turns))


def summary_counts(s: Any) -> bool:
    """:func:`counts` for a stored session summary (anything with ``ended`` and ``mode``)."""
    return counts(getattr(s, "ended", None), getattr(s, "mode", None))
