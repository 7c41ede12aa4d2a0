"""What the review app reads about drill attempts (written messages, voicemail, scheduling). No Textual here:
plain functions of :class:`ReviewData`, which the screens run on the app's database threads
(``await self.review.db(lambda d: attempts(d, filters))``), as the sessions table runs its pages.

The store lists attempts newest first (``Store.list_attempts``); the drill modules (pydantic models, the
rulebook, the drill files) are imported here, inside the functions, so they load on a database thread and
never on the screen's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from callsim.core.review_data import ReviewData

LIMIT = 1000  # the drills table shows the newest this many that match; a filter reaches older ones


def _when(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


@dataclass(frozen=True)
class AttemptRow:
    """One row of the drills table: a stored attempt's summary."""

    id: str
    taken: datetime
    trainee: str
    kind: str
    drill_id: str
    title: str
    score: float
    passed: bool
    rules: tuple[str, ...]  # rule ids broken (written, voicemail) or got wrong (schedule)

    @classmethod
    def of(cls, r: Mapping[str, Any]) -> AttemptRow:
        """From a row as ``Store.list_attempts`` gives it."""
        data = r.get("data") or {}
        return cls(id=str(r["id"]), taken=_when(r["taken"]), trainee=str(r["trainee"]), kind=str(r["kind"]),
                   drill_id=str(r["drill_id"]), title=str(data.get("title") or r["drill_id"]),
                   score=float(r["score"]), passed=bool(r["passed"]),
                   rules=tuple(str(x) for x in data.get("rules") or ()))


def rule_name(rule: str) -> str:
    """A rule id as the screens show it (a scheduling "no" where contact was allowed is stored as ``allowed``)."""
    return "was allowed" if rule == "allowed" else rule


@dataclass(frozen=True)
class AttemptFilters:
    """What the drills table shows: every filter given must match. ``None`` means any."""

    trainee: str | None = None
    kind: str | None = None
    since: datetime | None = None

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.trainee, self.kind, self.since))

    def describe(self, tz: tzinfo | None = None) -> str:
        parts = []
        if self.trainee is not None:
            parts.append(f"trainee {self.trainee}")
        if self.kind is not None:
            parts.append(self.kind)
        if self.since is not None:
            parts.append(f"since {self.since.astimezone(tz or UTC).strftime('%Y-%m-%d %H:%M')}")
        return ", ".join(parts) if parts else "all attempts"

    def with_(self, **changes: Any) -> AttemptFilters:
        return replace(self, **changes)


def attempts(data: ReviewData, filters: AttemptFilters, limit: int = LIMIT) -> list[AttemptRow]:
    """The newest ``limit`` attempts that match, newest first."""
    rows = data.store.list_attempts(trainee=filters.trainee, kind=filters.kind, since=filters.since, limit=limit)
    return [AttemptRow.of(r) for r in rows]


def choices(data: ReviewData) -> tuple[list[str], list[str]]:
    """Every trainee and every kind with a stored attempt, for the filter menus."""
    from sqlalchemy import select

    from callsim.core.store import drill_attempts

    with data.store.engine.connect() as conn:
        trainees = list(conn.execute(
            select(drill_attempts.c.trainee).distinct().order_by(drill_attempts.c.trainee)).scalars())
        kinds = list(conn.execute(select(drill_attempts.c.kind).distinct().order_by(drill_attempts.c.kind)).scalars())
    return trainees, kinds


@dataclass(frozen=True)
class AttemptView:
    """One attempt opened: its row, and the feedback the trainee saw, as plain text."""

    row: AttemptRow
    jurisdiction: str
    feedback: str
    drill_found: bool


def attempt_view(data: ReviewData, attempt_id: str) -> AttemptView:
    """One stored attempt and its feedback (``render.feedback``). A drill no longer installed still opens:
    the feedback is drawn from the stored attempt, without the drill's better message."""
    from callsim.core.drills.attempt import DrillAttempt
    from callsim.core.drills.model import DrillFileError, find_drill
    from callsim.core.drills.render import feedback

    r = data.store.get_attempt(attempt_id)
    attempt = DrillAttempt.from_json(r["data"])
    try:
        drill: Any = find_drill(attempt.drill_id)
    except DrillFileError:
        drill = None
    return AttemptView(AttemptRow.of(r), attempt.jurisdiction, feedback(drill, attempt), drill is not None)


@dataclass(frozen=True)
class KindLine:
    kind: str
    attempts: int
    passed: int
    mean_score: float

    @property
    def pass_rate(self) -> float:
        """0-100."""
        return 100.0 * self.passed / self.attempts if self.attempts else 0.0


@dataclass(frozen=True)
class RuleLine:
    rule: str
    title: str
    citation: str
    attempts: int  # attempts that broke it or got it wrong


@dataclass(frozen=True)
class DrillStats:
    """Attempts summed up (``callsim.core.drills.summary``): per kind, and the rules most often broken."""

    attempts: int = 0
    kinds: list[KindLine] = field(default_factory=list)
    rules: list[RuleLine] = field(default_factory=list)


KIND_ORDER = ("written", "voicemail", "schedule")


def drill_stats(data: ReviewData, *, trainee: str | None = None, since: datetime | None = None,
                top: int = 10) -> DrillStats:
    """Every matching attempt summed up (reads each attempt's JSON for its rules)."""
    from callsim.core.drills.summary import summarise

    s = summarise(data.store.list_attempts(trainee=trainee, since=since))
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    kinds = [KindLine(k, v.attempts, v.passed, v.mean_score)
             for k, v in sorted(s.by_kind.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))]
    return DrillStats(s.attempts, kinds, [RuleLine(*t) for t in s.top_rules(top)])
