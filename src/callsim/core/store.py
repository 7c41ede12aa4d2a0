"""The session store: every call, turn by turn, in SQLite (default) or a team's PostgreSQL.

One interface over SQLAlchemy Core. :meth:`Store.open` picks the database: the URL given, else
``CALLSIM_DATABASE_URL``, else the SQLite file ``home()/callsim.db``. Opening brings the schema up to date
(Alembic migrations in ``callsim/core/migrations``; a new database is created at the head revision and
stamped), so an upgrade of callsim never drops a record.

Durability: each turn is written and committed by :meth:`Store.record_turn` before it returns, so a
killed process loses at most the turn it was taking. SQLite runs in WAL mode with a busy timeout, and
every write transaction starts with ``BEGIN IMMEDIATE``: several trainees' processes can write to one file
at once and none gets "database is locked" half-way through a transaction. Opening retries the schema check
while SQLite reports the file locked without waiting (several processes opening a new file together).

Layout: ``sessions`` holds one row per call (who, which scenario, when, the latest resumable state without
its turns, and once finished the outcome, scores and the record without its turns); ``turns`` holds one
row per reply (the full turn dict as JSON plus a few columns to query); ``reviews`` holds team leads'
comments and override scores, kept beside the machine's scores, never replacing them.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    case,
    create_engine,
    event,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import URL, Connection, Engine, RowMapping, make_url
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

from callsim.core.paths import DATABASE_VARIABLE
from callsim.core.record import CallRecord, CallState, RecordFormatError, Turn
from callsim.core.store_errors import (
    SessionExists,
    SessionFinished,
    SessionNotFound,
    StoreError,
    TurnExists,
    UnreadableRecord,
)

ENV_URL = DATABASE_VARIABLE  # the session store, when not the local file
BUSY_TIMEOUT_S = 30.0
VERSION_TABLE = "callsim_schema_version"
# Alembic revisions, oldest first. The last is the head; a new database is created there directly.
REVISIONS = ("0001", "0002", "0003")
HEAD = REVISIONS[-1]
ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case: no i, l, o, u
ID_LENGTH = 10  # 50 bits: unique enough for millions of calls, short enough to type
MODES = ("coaching", "assessment", "scripted")  # the modes callsim itself records (others are allowed)
ORDER_COLUMNS = ("started", "ended", "updated", "overall", "empathy", "deescalation", "trainee", "scenario_id",
                 "passed", "compliance_passed", "outcome_label", "review_score")


# --------------------------------------------------------------------------- schema


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out; stored as naive UTC on every backend."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


JSONType = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")

metadata = MetaData()

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("trainee", String(200), nullable=False),
    Column("scenario_id", String(200), nullable=False),
    Column("scenario_version", Integer, nullable=False),
    Column("rubric_version", Integer, nullable=False, server_default=text("1")),
    Column("seed", Integer, nullable=False),
    Column("mode", String(20), nullable=False),
    Column("started", UTCDateTime, nullable=False),
    Column("updated", UTCDateTime, nullable=False),
    Column("ended", UTCDateTime, nullable=True),
    Column("n_turns", Integer, nullable=False, server_default=text("0")),
    Column("outcome_id", String(100), nullable=True),
    Column("outcome_label", String(300), nullable=True),
    Column("outcome_result", String(40), nullable=True),
    Column("empathy", Float, nullable=True),
    Column("deescalation", Float, nullable=True),
    Column("expectations_met", Float, nullable=True),
    Column("overall", Float, nullable=True),
    Column("compliance_passed", Boolean, nullable=True),
    Column("passed", Boolean, nullable=True),
    Column("violations", Integer, nullable=False, server_default=text("0")),
    Column("n_reviews", Integer, nullable=False, server_default=text("0")),
    Column("review_score", Float, nullable=True),  # the latest reviewer override, beside `overall`
    # The large JSON last: SQLite walks a row's overflow pages to reach any column stored after them.
    # (A database created at schema 0001 keeps its older column order; only the speed differs.)
    Column("state", JSONType, nullable=True),  # CallState.without_turns()
    Column("record", JSONType, nullable=True),  # CallRecord.without_turns()
    Index("ix_sessions_started", "started"),
    Index("ix_sessions_trainee_started", "trainee", "started"),
    Index("ix_sessions_scenario_started", "scenario_id", "started"),
    Index("ix_sessions_passed_started", "passed", "started"),
    Index("ix_sessions_trainee_ended", "trainee", "ended"),
)

turns = Table(
    "turns",
    metadata,
    Column("session_id", String(16), ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("taken", UTCDateTime, nullable=False),
    Column("node", String(200), nullable=False),
    Column("reply", Text, nullable=False),
    Column("debtor", Text, nullable=False),
    Column("empathy", Float, nullable=True),
    Column("deescalation", Float, nullable=True),
    Column("violations", Integer, nullable=False, server_default=text("0")),
    Column("data", JSONType, nullable=False),  # Turn.to_json() (the turn Call.respond() returned)
)

reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(16), ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("created", UTCDateTime, nullable=False),
    Column("reviewer", String(200), nullable=False),
    Column("comment", Text, nullable=False),
    Column("override_score", Float, nullable=True),
    Column("reason", Text, nullable=True),
    Index("ix_reviews_session", "session_id"),
)

drill_attempts = Table(
    "drill_attempts",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("trainee", String(200), nullable=False),
    Column("drill_id", String(200), nullable=False),
    Column("kind", String(20), nullable=False),  # written | voicemail | schedule
    Column("jurisdiction", String(10), nullable=False),
    Column("taken", UTCDateTime, nullable=False),
    Column("score", Float, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("n_rules", Integer, nullable=False, server_default=text("0")),  # rules broken or got wrong
    Column("data", JSONType, nullable=False),  # DrillAttempt.to_json()
    Index("ix_drill_attempts_trainee_taken", "trainee", "taken"),
    Index("ix_drill_attempts_taken", "taken"),
)

OUR_TABLES = ("sessions", "turns", "reviews", "drill_attempts")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class SessionSummary:
    """One session as listed: who, what, when, and (once finished) how it went."""

    id: str
    trainee: str
    scenario_id: str
    scenario_version: int
    seed: int
    mode: str
    started: datetime
    ended: datetime | None
    outcome_id: str | None
    outcome_label: str | None
    outcome_result: str | None
    empathy: float | None
    deescalation: float | None
    overall: float | None
    compliance_passed: bool | None
    passed: bool | None
    n_turns: int
    violations: int
    rubric_version: int = 1
    expectations_met: float | None = None
    updated: datetime | None = None
    n_reviews: int = 0
    review_score: float | None = None

    @property
    def finished(self) -> bool:
        return self.ended is not None

    @property
    def status(self) -> str:
        """``passed``, ``failed`` or ``unfinished``."""
        if self.ended is None:
            return "unfinished"
        return "passed" if self.passed else "failed"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: datetimes as ISO 8601 UTC strings."""
        out: dict[str, Any] = {}
        for f in fields(SessionSummary):
            v = getattr(self, f.name)
            out[f.name] = _iso(v) if isinstance(v, datetime) else v
        out["status"] = self.status
        return out


@dataclass(frozen=True)
class Review:
    id: int
    session_id: str
    created: datetime
    reviewer: str
    comment: str
    override_score: float | None
    reason: str | None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["created"] = _iso(self.created)
        return d


@dataclass(frozen=True)
class SessionDetail(SessionSummary):
    """A session with everything: its turns, the call record (when finished) and reviews.

    ``turns``, ``record`` and ``state`` are the JSON as stored (``record`` and ``state`` with the turns put
    back), for exports and queries; :meth:`call_turns` and :meth:`call_record` read them as the types."""

    turns: list[dict[str, Any]] = field(default_factory=list)
    record: dict[str, Any] | None = None
    reviews: list[Review] = field(default_factory=list)
    state: dict[str, Any] | None = None

    def call_turns(self) -> list[Turn]:
        """The turns as :class:`~callsim.core.record.Turn` (raises :class:`UnreadableRecord`)."""
        try:
            return [Turn.from_json(t) for t in self.turns]
        except RecordFormatError as e:
            raise UnreadableRecord(f"session {self.id} cannot be read: {e}") from None

    def call_record(self) -> CallRecord | None:
        """The call record (None until the call is finished) (raises :class:`UnreadableRecord`)."""
        if self.record is None:
            return None
        try:
            return CallRecord.from_json(self.record)
        except RecordFormatError as e:
            raise UnreadableRecord(f"session {self.id} cannot be read: {e}") from None

    @property
    def summary(self) -> SessionSummary:
        return SessionSummary(**{f.name: getattr(self, f.name) for f in fields(SessionSummary)})

    def to_dict(self) -> dict[str, Any]:
        out = self.summary.to_dict()
        out["turns"] = self.turns
        out["record"] = self.record
        out["reviews"] = [r.to_dict() for r in self.reviews]
        return out


def _iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return dt.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_session_id() -> str:
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


# --------------------------------------------------------------------------- the store

_SUMMARY_COLUMNS = [sessions.c[f.name] for f in fields(SessionSummary)]  # in field order: SessionSummary(*row)


def default_url() -> str:
    """``CALLSIM_DATABASE_URL``, else the SQLite file in callsim's data folder."""
    env = os.environ.get(ENV_URL, "").strip()
    if env:
        return env
    from callsim.core.paths import database_file

    return f"sqlite:///{database_file()}"


def normalise_url(url: str) -> URL:
    """A SQLAlchemy URL. A bare path means a SQLite file; ``postgresql://`` uses psycopg 3."""
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser()}"
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u


def safe_url(url: URL | str) -> str:
    """The URL with any password masked, for messages."""
    u = url if isinstance(url, URL) else make_url(url)
    return u.render_as_string(hide_password=True)


def store_target(url: str | None = None) -> str:
    """The store ``url`` (or the default) names, as :meth:`Store.describe` and journals write it."""
    return safe_url(normalise_url(url or default_url()))


@dataclass(frozen=True)
class SessionFilter:
    """Which sessions a command, the review app or the report is about: every field given must hold, and
    ``None`` means any. One definition for ``callsim sessions`` / ``export`` / ``report``, the review app's
    table, progress and cohort, and the HTML report.

    ``passed`` True or False means a finished call that passed or failed (an unfinished call is neither);
    ``finished`` False means a call still open, True one that ended."""

    trainee: str | None = None
    scenario: str | None = None
    since: datetime | None = None  # started on or after
    until: datetime | None = None  # started before
    passed: bool | None = None
    finished: bool | None = None

    @classmethod
    def of(cls, filters: SessionFilter | Mapping[str, Any] | None = None) -> SessionFilter:
        """``filters`` as a SessionFilter: itself, or keyword filters (an unknown name is a TypeError)."""
        if isinstance(filters, SessionFilter):
            return filters
        given = {k: v for k, v in (filters or {}).items() if v is not None}
        unknown = set(given) - {f.name for f in fields(cls)}
        if unknown:
            raise TypeError(f"unknown filter(s): {', '.join(sorted(unknown))}")
        return cls(**given)

    @classmethod
    def for_result(cls, result: str | None, **filters: Any) -> SessionFilter:
        """The review app's result choice (``passed``, ``failed``, ``unfinished`` or None) as a filter."""
        if result not in (None, *RESULTS):
            raise ValueError(f"result is one of {', '.join(RESULTS)}, not {result!r}")
        return cls.of({**filters, "passed": {"passed": True, "failed": False}.get(result or ""),
                       "finished": False if result == "unfinished" else None})

    def where(self) -> list[ColumnElement[bool]]:
        """The filter as SQL conditions on ``sessions``."""
        out: list[ColumnElement[bool]] = []
        if self.trainee is not None:
            out.append(sessions.c.trainee == self.trainee)
        if self.scenario is not None:
            out.append(sessions.c.scenario_id == self.scenario)
        if self.since is not None:
            out.append(sessions.c.started >= self.since)
        if self.until is not None:
            out.append(sessions.c.started < self.until)
        if self.passed is not None:
            if self.trainee is None and self.scenario is None:
                out.append(sessions.c.passed == self.passed)  # ix_sessions_passed_started
            else:
                # The same test, written so that no planner picks the two-valued passed index over the far more
                # selective trainee or scenario index (SQLite without ANALYZE statistics would, and scan half
                # the table). coalesce(NULL, not passed) keeps unfinished sessions out, as `passed = x` does.
                out.append(func.coalesce(sessions.c.passed, not self.passed) == self.passed)
        if self.finished is True:
            out.append(sessions.c.ended.is_not(None))
        elif self.finished is False:
            out.append(sessions.c.ended.is_(None))
        return out

    def words(self) -> dict[str, str]:
        """The filter in words, for a page or a heading: {"trainee": "Amy", "started on or after": "..."}."""
        out: dict[str, str] = {}
        for name, label in (("trainee", "trainee"), ("scenario", "scenario"), ("since", "started on or after"),
                            ("until", "started before")):
            v = getattr(self, name)
            if v is not None:
                out[label] = v.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if isinstance(v, datetime) else str(v)
        if self.passed is not None:
            out["result"] = "passed" if self.passed else "failed"
        if self.finished is not None:
            out["finished"] = "yes" if self.finished else "no (still open)"
        return out


RESULTS = ("passed", "failed", "unfinished")


class Store:
    """Sessions, turns and reviews in one database. Thread-safe; one per process is plenty."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] | None = None) -> None:
        self.engine = engine
        self.url = engine.url
        self._writer = engine.execution_options(callsim_write=True)
        self._clock = clock or (lambda: datetime.now(UTC))

    # ---- opening ------------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | None = None, *, clock: Callable[[], datetime] | None = None,
             migrate: bool = True) -> Store:
        """Open (and create or upgrade) the store at ``url``, ``CALLSIM_DATABASE_URL`` or the default file."""
        u = normalise_url(url or default_url())
        engine = _make_engine(u)
        store = cls(engine, clock)
        try:
            if migrate:
                store._ensure_schema_patiently()
        except SQLAlchemyError as e:  # unreachable, refused, no permission to create tables, ...
            engine.dispose()
            raise StoreError(f"cannot open the session database {safe_url(u)}: {_reason(e)}") from None
        except BaseException:
            engine.dispose()
            raise
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def describe(self) -> str:
        return safe_url(self.url)

    def schema_version(self) -> str | None:
        with self.engine.connect() as conn:
            return _version(conn)

    def _ensure_schema_patiently(self) -> None:
        """``_ensure_schema``, retried while SQLite says "database is locked".

        SQLite answers SQLITE_BUSY at once, without waiting out the busy timeout, in a few cases (a read
        transaction that would have to upgrade to a write, WAL recovery in another process); several
        processes opening a new file together can meet one. Nothing has been written when it does, so the
        whole check is tried again, with a growing pause, until the busy timeout has passed.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        pause = 0.02
        while True:
            try:
                self._ensure_schema()
                return
            except OperationalError as e:
                if self.backend != "sqlite" or not _BUSY.search(str(e.orig)) or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 1.0)

    def _ensure_schema(self) -> None:
        with self.engine.connect() as conn:
            current = _version(conn)
        if current == HEAD:
            return
        if current is not None and current not in REVISIONS:
            raise StoreError(
                f"the session database {self.describe()} has schema version {current}, newer than this "
                f"callsim knows ({HEAD}). Upgrade callsim; nothing was changed."
            )
        if current is not None:
            self._backup_before_upgrade(current)
        with self._writer.begin() as conn:
            _lock_schema(conn)
            current = _version(conn)  # another process may have done it while we waited
            if current == HEAD:
                return
            if current is None:
                clash = [t for t in OUR_TABLES if inspect(conn).has_table(t)]
                if clash:
                    raise StoreError(
                        f"the database {self.describe()} already has table(s) {', '.join(clash)} that callsim "
                        "did not create. Give callsim a database (or schema) of its own."
                    )
                metadata.create_all(conn)
                _stamp(conn, HEAD)
            else:
                run_migrations(conn, HEAD)

    def _backup_before_upgrade(self, current: str) -> None:
        """A SQLite file is copied (with SQLite's online backup) before its schema is upgraded."""
        if self.backend != "sqlite" or not self.url.database or self.url.database == ":memory:":
            return
        src = Path(self.url.database)
        dest = src.with_name(f"{src.name}.schema-{current}.bak")
        if dest.exists():
            return
        import sqlite3

        a, b = sqlite3.connect(src, timeout=BUSY_TIMEOUT_S), sqlite3.connect(dest)
        try:
            a.backup(b)
        finally:
            b.close()
            a.close()

    # ---- recording a call ---------------------------------------------------------------------
    def start_session(self, *, trainee: str, scenario_id: str, scenario_version: int, seed: int,
                      mode: str = "coaching", rubric_version: int = 1,
                      state: CallState | Mapping[str, Any] | None = None, session_id: str | None = None,
                      started: datetime | None = None) -> str:
        """Create a session and return its id. ``state`` (optional) is the call's state before any reply.

        ``session_id`` and ``started`` (a journalled call, written later) give the id and start time; a
        session with that id already stored raises :class:`SessionExists`.

        Here and in :meth:`record_turn` and :meth:`finish_session`, the call's turn, state and record are the
        types of :mod:`callsim.core.record` (or their JSON, which is read as the type first)."""
        trainee = trainee.strip()
        if not trainee:
            raise StoreError("a session needs a trainee name")
        if not mode or len(mode) > 20:
            raise StoreError(f"a session mode is a short word such as {', '.join(MODES)}, not '{mode}'")
        now = started or self._clock()
        row = {
            "trainee": trainee[:200], "scenario_id": scenario_id, "scenario_version": int(scenario_version),
            "rubric_version": int(rubric_version), "seed": int(seed), "mode": mode, "started": now,
            "updated": now, "n_turns": 0, "violations": 0, "n_reviews": 0,
            "state": _read(CallState, state).without_turns() if state is not None else None,
        }
        for _ in range(5):
            sid = session_id or new_session_id()
            try:
                with self._writer.begin() as conn:
                    conn.execute(sessions.insert().values(id=sid, **row))
                return sid
            except IntegrityError:  # an id collision: astronomically rare, but cheap to handle
                if session_id is not None:
                    raise SessionExists(f"session {session_id} is already stored") from None
                continue
        raise StoreError("could not allocate a session id")

    def record_turn(self, session_id: str, turn: Turn | Mapping[str, Any],
                    state: CallState | Mapping[str, Any], *, at: datetime | None = None) -> None:
        """Store one turn (from ``Call.respond``) and the call's state after it. Committed on return.

        ``at``: when the turn was taken (a journalled turn written later); else now."""
        turn, state = _read(Turn, turn), _read(CallState, state)
        idx = turn.index
        now = at or self._clock()
        try:
            with self._writer.begin() as conn:  # both statements or neither
                done = conn.execute(
                    sessions.update()
                    .where(sessions.c.id == session_id, sessions.c.ended.is_(None))
                    .values(state=state.without_turns(), updated=now,
                            n_turns=case((sessions.c.n_turns > idx, sessions.c.n_turns), else_=idx))
                )
                if done.rowcount != 1:
                    self._explain_unwritable(conn, session_id)
                conn.execute(turns.insert().values(**_turn_row(session_id, turn, now)))
        except IntegrityError:
            raise TurnExists(f"turn {idx} of session {session_id} is already recorded") from None

    def finish_session(self, session_id: str, record: CallRecord | Mapping[str, Any], *,
                       at: datetime | None = None) -> None:
        """Mark the session finished with its call record (``Call.record()``), ``at`` that time (else now).

        Turns in the record that were never stored (a write that failed earlier) are stored now."""
        record = _read(CallRecord, record)
        now = at or self._clock()
        scores, outcome, compliance = record.scores, record.outcome, record.compliance
        with self._writer.begin() as conn:
            have = set(conn.execute(select(turns.c.idx).where(turns.c.session_id == session_id)).scalars())
            n_turns = max(have | {t.index for t in record.turns}, default=0)
            done = conn.execute(
                sessions.update()
                .where(sessions.c.id == session_id, sessions.c.ended.is_(None))
                .values(
                    ended=now, updated=now,
                    n_turns=n_turns, state=record.state.without_turns(),
                    outcome_id=outcome.id if outcome else None, outcome_label=outcome.label if outcome else None,
                    outcome_result=outcome.result if outcome else None,
                    empathy=scores.empathy, deescalation=scores.deescalation,
                    expectations_met=scores.expectations_met, overall=scores.overall,
                    compliance_passed=compliance.passed, passed=record.passed,
                    violations=len(compliance.violations),
                    record=record.without_turns(),
                )
            )
            if done.rowcount != 1:
                self._explain_unwritable(conn, session_id)
            missing = [t for t in record.turns if t.index not in have]
            if missing:
                conn.execute(turns.insert(), [_turn_row(session_id, t, now) for t in missing])

    def _explain_unwritable(self, conn: Connection, session_id: str) -> None:
        ended = conn.execute(select(sessions.c.ended).where(sessions.c.id == session_id)).first()
        if ended is None:
            raise SessionNotFound(f"no session '{session_id}'")
        raise SessionFinished(f"session {session_id} has already finished")

    def add_review(self, session_id: str, *, reviewer: str, comment: str,
                   override_score: float | None = None, reason: str | None = None) -> None:
        """A team lead's review. An override score needs a reason, and never replaces the machine's score."""
        reviewer, comment = reviewer.strip(), comment.strip()
        if not reviewer:
            raise StoreError("a review needs the reviewer's name")
        if not comment and override_score is None:
            raise StoreError("a review needs a comment or an override score")
        if override_score is not None:
            if not 0 <= override_score <= 100:
                raise StoreError(f"an override score is 0-100, not {override_score:g}")
            if not (reason or "").strip():
                raise StoreError("an override score needs a reason (why the machine's score is wrong)")
        sid = self.resolve_id(session_id)
        now = self._clock()
        with self._writer.begin() as conn:
            conn.execute(reviews.insert().values(
                session_id=sid, created=now, reviewer=reviewer[:200], comment=comment,
                override_score=override_score, reason=(reason or "").strip() or None,
            ))
            values: dict[str, Any] = {"n_reviews": sessions.c.n_reviews + 1}
            if override_score is not None:
                values["review_score"] = override_score
            conn.execute(sessions.update().where(sessions.c.id == sid).values(**values))

    # ---- drill attempts (written messages, voicemail, scheduling: core/drills) ------------------
    def save_attempt(self, attempt: Mapping[str, Any], *, taken: datetime | None = None) -> str:
        """Store one drill attempt (``DrillAttempt.to_json()``) and return its id."""
        data = dict(attempt)
        for key in ("drill_id", "kind", "jurisdiction", "score", "passed"):
            if key not in data:
                raise StoreError(f"this is not a drill attempt: it has no {key!r}")
        trainee = str(data.get("trainee") or "").strip()
        if not trainee:
            raise StoreError("a drill attempt needs the trainee's name")
        aid = new_session_id()
        with self._writer.begin() as conn:
            conn.execute(drill_attempts.insert().values(
                id=aid, trainee=trainee[:200], drill_id=str(data["drill_id"])[:200], kind=str(data["kind"]),
                jurisdiction=str(data["jurisdiction"]), taken=taken or self._clock(), score=float(data["score"]),
                passed=bool(data["passed"]), n_rules=len(data.get("rules") or ()), data=data,
            ))
        return aid

    def list_attempts(self, *, trainee: str | None = None, kind: str | None = None, drill_id: str | None = None,
                      since: datetime | None = None, until: datetime | None = None,
                      limit: int | None = None) -> list[dict[str, Any]]:
        """Stored drill attempts, newest first: each its summary columns and the attempt (``data``). ``since``
        and ``until`` bound when it was taken, as a session filter's bound when a call started."""
        q = select(drill_attempts).order_by(drill_attempts.c.taken.desc(), drill_attempts.c.id)
        if trainee:
            q = q.where(drill_attempts.c.trainee == trainee)
        if since is not None:
            q = q.where(drill_attempts.c.taken >= since)
        if until is not None:
            q = q.where(drill_attempts.c.taken < until)
        if kind:
            q = q.where(drill_attempts.c.kind == kind)
        if drill_id:
            q = q.where(drill_attempts.c.drill_id == drill_id)
        if limit is not None:
            q = q.limit(limit)
        with self.engine.connect() as conn:
            return [dict(r, taken=_iso(r["taken"])) for r in conn.execute(q).mappings()]

    def get_attempt(self, ref: str) -> dict[str, Any]:
        """One drill attempt by id or unique prefix."""
        ref = ref.strip().lower()
        if not re.fullmatch(r"[0-9a-z]+", ref):
            raise SessionNotFound(f"no drill attempt '{ref}'")
        with self.engine.connect() as conn:
            rows = list(conn.execute(select(drill_attempts).where(drill_attempts.c.id.startswith(ref))
                                     .order_by(drill_attempts.c.id).limit(2)).mappings())
        if not rows:
            raise SessionNotFound(f"no drill attempt '{ref}'. Run `callsim drill attempts` to see them.")
        if len(rows) > 1 and rows[0]["id"] != ref:
            raise SessionNotFound(f"'{ref}' matches several drill attempts; type more of the id")
        return dict(rows[0], taken=_iso(rows[0]["taken"]))

    # ---- reading ------------------------------------------------------------------------------
    def resolve_id(self, ref: str) -> str:
        """A full session id from an id or a unique prefix of one."""
        ref = ref.strip().lower()
        if not re.fullmatch(r"[0-9a-z]+", ref):  # never a LIKE pattern
            raise SessionNotFound(f"no session '{ref}'")
        with self.engine.connect() as conn:
            if conn.execute(select(sessions.c.id).where(sessions.c.id == ref)).first():
                return ref
            found = list(conn.execute(
                select(sessions.c.id).where(sessions.c.id.startswith(ref)).order_by(sessions.c.id).limit(6)
            ).scalars())
        if not found:
            raise SessionNotFound(f"no session '{ref}'. Run `callsim sessions` to see them.")
        if len(found) > 1:
            more = ", ".join(found[:5]) + (", ..." if len(found) > 5 else "")
            raise SessionNotFound(f"'{ref}' matches several sessions ({more}); type more of the id")
        return str(found[0])

    def get(self, session_id: str) -> SessionDetail:
        """Everything about one session (by id or unique prefix)."""
        sid = self.resolve_id(session_id)
        with self.engine.connect() as conn:
            row = conn.execute(select(*_SUMMARY_COLUMNS, sessions.c.state, sessions.c.record)
                               .where(sessions.c.id == sid)).mappings().one()
            turn_rows = self._turns(conn, [sid]).get(sid, [])
            review_rows = [
                Review(**r) for r in conn.execute(
                    select(reviews).where(reviews.c.session_id == sid).order_by(reviews.c.created, reviews.c.id)
                ).mappings()
            ]
        return _detail(row, turn_rows, review_rows)

    def resume_state(self, session_id: str) -> CallState:
        """The call's state, for ``CompiledScenario.restore``: the stored state with its turns put back.

        Raises :class:`UnreadableRecord` when it is in a record format this callsim does not read."""
        sid = self.resolve_id(session_id)
        with self.engine.connect() as conn:
            state = conn.execute(select(sessions.c.state).where(sessions.c.id == sid)).scalar()
            turn_rows = self._turns(conn, [sid]).get(sid, [])
        if state is None:
            raise StoreError(f"session {sid} has no turns to resume; start a new call instead")
        try:
            return CallState.from_json({**state, "turns": turn_rows})
        except RecordFormatError as e:
            raise UnreadableRecord(f"session {sid} cannot be read: {e}") from None

    def unfinished(self, trainee: str | None = None) -> list[SessionSummary]:
        """Sessions left unfinished (with at least one turn), most recently active first."""
        with self.engine.connect() as conn:
            q = select(*_SUMMARY_COLUMNS).where(sessions.c.ended.is_(None), sessions.c.state.is_not(None))
            if trainee is not None:
                q = q.where(sessions.c.trainee == trainee)
            q = q.order_by(sessions.c.updated.desc(), sessions.c.id)
            return [SessionSummary(**r) for r in conn.execute(q).mappings()]

    def list_sessions(self, filters: SessionFilter | None = None, *, limit: int | None = None, offset: int = 0,
                      order: str = "-started", **by: Any) -> list[SessionSummary]:
        """Sessions matching ``filters`` (or the same fields as keywords: ``trainee="Amy"``). ``order`` is a
        column name, ``-`` first for descending."""
        q = select(*_SUMMARY_COLUMNS).where(*(filters or SessionFilter.of(by)).where())
        q = q.order_by(*_order(order))
        if limit is not None:
            q = q.limit(limit)
        if offset:
            q = q.offset(offset)
        with self.engine.connect() as conn:
            return [SessionSummary(**r) for r in conn.execute(q).mappings()]

    def count_sessions(self, filters: SessionFilter | None = None, **by: Any) -> int:
        """How many sessions :meth:`list_sessions` would give with the same filters (and no limit: its paging
        arguments may be passed along and are ignored)."""
        by = {k: v for k, v in by.items() if k not in ("limit", "offset", "order")}
        q = select(func.count()).select_from(sessions).where(*(filters or SessionFilter.of(by)).where())
        with self.engine.connect() as conn:
            return int(conn.execute(q).scalar_one())

    def iter_sessions(self, filters: SessionFilter | None = None, *, batch: int = 1000, order: str = "started",
                      **by: Any) -> Iterator[SessionSummary]:
        """Every session matching the filters of :meth:`list_sessions`, streamed in batches (for exports)."""
        return self._iter(False, batch, order, filters or SessionFilter.of(by))

    def iter_details(self, filters: SessionFilter | None = None, *, batch: int = 200, order: str = "started",
                     **by: Any) -> Iterator[SessionDetail]:
        """Like :meth:`iter_sessions`, with each session's turns, record and reviews."""
        return self._iter(True, batch, order, filters or SessionFilter.of(by))  # type: ignore[return-value]

    def _iter(self, details: bool, batch: int, order: str,
              filters: SessionFilter) -> Iterator[SessionSummary | SessionDetail]:
        where = filters.where()
        cols = [*_SUMMARY_COLUMNS, sessions.c.state, sessions.c.record] if details else _SUMMARY_COLUMNS
        q = select(*cols).where(*where).order_by(*_order(order))
        with self.engine.connect() as conn:
            result = conn.execution_options(yield_per=batch).execute(q).mappings()
            for part in result.partitions():
                if not details:
                    for r in part:
                        yield SessionSummary(*r.values())
                    continue
                ids = [r["id"] for r in part]
                by_id = self._turns(conn, ids)
                revs: dict[str, list[Review]] = {}
                for rv in conn.execute(select(reviews).where(reviews.c.session_id.in_(ids))
                                       .order_by(reviews.c.created, reviews.c.id)).mappings():
                    revs.setdefault(rv["session_id"], []).append(Review(**rv))
                for r in part:
                    yield _detail(r, by_id.get(r["id"], []), revs.get(r["id"], []))

    @staticmethod
    def _turns(conn: Connection, ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        q = select(turns.c.session_id, turns.c.data).where(turns.c.session_id.in_(ids)) \
            .order_by(turns.c.session_id, turns.c.idx)
        for sid, data in conn.execute(q):
            out.setdefault(sid, []).append(data)
        return out


class SessionRecorder:
    """Records one call as it is played: the session is created at the first turn (so a call abandoned
    before any reply leaves nothing behind), each turn is committed as it is taken, then the record.

    A write that fails (the file read-only or corrupt, the disk full, the server down) does not stop the
    call and loses nothing: the trainee is told once (``warn``), the whole call so far is kept in the local
    journal (:mod:`callsim.core.journal`) and rewritten there at every turn, and every later turn tries the
    store again (``reopen`` opens it when it could not be opened at the start). Once a write succeeds,
    everything waiting is written, the journal file is removed and ``warn`` says so. ``unsaved`` says how
    many turns (and whether the record) are still only in the journal; ``journal_path`` where.

    The session id is chosen before the first write, so a call written later from the journal keeps it and
    is never stored twice (a session or turn already there is skipped).
    """

    def __init__(self, store: Store | None, *, trainee: str, scenario_id: str, scenario_version: int, seed: int,
                 mode: str = "coaching", rubric_version: int = 1, session_id: str | None = None,
                 warn: Callable[[str], None] | None = None, reopen: Callable[[], Store] | None = None,
                 target: str | None = None, journal_dir: Path | None = None) -> None:
        self.store = store
        self.session_id = session_id  # set once the session is stored or journalled
        self._sid = session_id or new_session_id()
        self._created = session_id is not None  # the session is in the store
        self._start = {"trainee": trainee, "scenario_id": scenario_id, "scenario_version": scenario_version,
                       "seed": seed, "mode": mode, "rubric_version": rubric_version}
        self._started_at = datetime.now(UTC)
        self._all: list[tuple[datetime, Turn, CallState | Mapping[str, Any]]] = []  # every turn of this run
        self._pending: list[tuple[Turn, CallState | Mapping[str, Any]]] = []
        self._finish: CallRecord | None = None  # the record, until it is stored
        self._finished_at: datetime | None = None
        self._warn = warn or (lambda msg: None)
        self._reopen = reopen
        if target is None:
            target = store.describe() if store is not None and hasattr(store, "describe") else store_target()
        self._target = target
        self._journal_dir = journal_dir
        self._journal: Any = None  # a callsim.core.journal.Journal once something is only there
        self.failed = store is None  # True while some write is only in memory and the journal
        self.problem = ""  # why the last write failed, in plain words
        self.journal_problem = ""  # why the last journal write failed ("" when the journal holds the call)

    @property
    def unsaved(self) -> int:
        """How many writes are not in the store yet: turns waiting, plus one for the record."""
        return len(self._pending) + (1 if self._finish is not None else 0)

    @property
    def waiting_turns(self) -> list[int]:
        """The numbers of the turns not in the store yet."""
        return [t.index for t, _ in self._pending]

    @property
    def waiting_record(self) -> bool:
        """Is the end of the call (its record) not in the store yet?"""
        return self._finish is not None

    @property
    def journal_path(self) -> Path | None:
        return None if self._journal is None else self._journal.path

    def start(self) -> str:
        """Create the session now (if it is not there yet) and return its id."""
        if not self._created:
            store = self._store()
            try:
                self._sid = store.start_session(session_id=self._sid, started=self._started_at,
                                                **self._start)  # type: ignore[arg-type]
            except SessionExists:
                pass  # an earlier try committed after all
            self._created = True
        self.session_id = self._sid
        return self._sid

    def turn(self, turn: Turn | Mapping[str, Any], state: CallState | Mapping[str, Any]) -> None:
        turn = _read(Turn, turn)
        self._all.append((datetime.now(UTC), turn, state))
        self._pending.append((turn, state))
        self._flush(f"turn {turn.index}")

    def finish(self, record: CallRecord | Mapping[str, Any]) -> None:
        """Store the record (and any turn not yet saved). When the store cannot take it, the call is kept in
        the journal: check ``unsaved`` (this does not raise for a store fault)."""
        record = _read(CallRecord, record)
        if not record.turns and not self._created and not self._all:
            return  # nothing was said: no session
        self._finish, self._finished_at = record, datetime.now(UTC)
        self._flush("the end of the call")

    def close(self) -> None:
        """This recorder writes no more (its journal, if any, may now be synced by others)."""
        if self._journal is not None:
            self._journal.release()

    def _store(self) -> Store:
        if self.store is None:
            if self._reopen is None:
                raise StoreError("the session store is not open")
            try:
                self.store = self._reopen()
            except StoreError:
                raise
            except Exception as e:  # noqa: BLE001 - whatever opening raised, the call goes on
                raise StoreError(str(e) or type(e).__name__) from None
        return self.store

    def _flush(self, what: str) -> None:
        try:
            sid = self.start()
            store = self._store()
            while self._pending:
                t, s = self._pending[0]
                try:
                    store.record_turn(sid, t, s)
                except TurnExists:
                    pass  # an earlier try committed after all
                self._pending.pop(0)
            if self._finish is not None:
                try:
                    store.finish_session(sid, self._finish)
                except SessionFinished:
                    if self._journal is None:
                        raise
                self._finish = None
        except (StoreError, SQLAlchemyError) as e:
            self.problem = plain_reason(e)
            first = not self.failed
            self.failed = True
            journal_was_ok = not self.journal_problem
            where = self._keep()
            if first:
                self._warn(f"could not save {what} ({self.problem}); {where}")
            elif journal_was_ok and self.journal_problem:  # the journal has just failed too: say so
                self._warn(f"could not save {what} ({self.problem}); {where}")
            return
        if self._journal is not None:
            self._journal.remove()
            self._journal = None
        if self.failed:
            self._warn("the session store is back: every turn so far is saved")
        self.failed = False
        self.problem = ""

    def _keep(self) -> str:
        """Write the call so far to the journal; returns what to tell the trainee."""
        from callsim.core.journal import Journal

        try:
            if self._journal is None:
                self._journal = Journal.new(self._sid, store=self._target, started=self._started_at,
                                            details=dict(self._start), folder=self._journal_dir)
            self._journal.set_call(
                ((at, t.to_json(), _read(CallState, s).to_json()) for at, t, s in self._all),
                None if self._finish is None else (self._finished_at or datetime.now(UTC), self._finish.to_json()),
            )
            self._journal.write()
        except OSError as e:
            self.journal_problem = str(e.strerror or e)
            return (f"it could not be kept in the journal either ({self.journal_problem}): only this window "
                    "holds it now")
        self.journal_problem = ""
        self.session_id = self._sid
        return (f"the call is kept on this computer ({self._journal.path}) and will be saved when the store "
                "is back")


def unsaved_message(recorder: SessionRecorder) -> str:
    """What plain mode and `run` say when a call ends with turns still only in the journal."""
    n = len(recorder.waiting_turns)
    what = f"{n} turn{'' if n == 1 else 's'}" if n else ""
    if recorder.waiting_record:
        what = f"{what} and the end of the call" if what else "the end of the call"
    where = (f"kept in {recorder.journal_path}" if recorder.journal_path and not recorder.journal_problem
             else f"NOT fully kept: the journal could not be written ({recorder.journal_problem})")
    return (f"This call is not in the session store yet ({recorder.problem}): {what} "
            f"{'is' if not n or (n == 1 and not recorder.waiting_record) else 'are'} {where}, and will be saved "
            "the next time callsim reaches the store (callsim sessions, play or run).")


def plain_reason(e: Exception) -> str:
    """Why a store write failed, in words a trainee can read: never SQL, parameters or a URL's password."""
    reason = _short(e)
    low = reason.lower()
    for needle, words in _PLAIN_REASONS:
        if needle in low:
            return words
    if isinstance(e, SQLAlchemyError):
        return reason.split("[SQL:")[0].strip()[:200] or "the session database failed"
    return reason[:300]


_PLAIN_REASONS = (
    ("readonly", "the session database is read-only"),
    ("read-only", "the session database is read-only"),
    ("not a database", "the session database file is damaged (not a database)"),
    ("malformed", "the session database file is damaged"),
    ("disk is full", "the disk is full"),
    ("database or disk is full", "the disk is full"),
    ("database is locked", "the session database is locked by another program"),
    ("connection refused", "the session database server is not answering (connection refused)"),
    ("server closed the connection", "the session database server closed the connection"),
    ("terminating connection", "the session database server was restarted"),
    ("could not connect", "the session database server cannot be reached"),
)


def _short(e: Exception) -> str:
    return _reason(e) if isinstance(e, SQLAlchemyError) else str(e)


# --------------------------------------------------------------------------- helpers


_BUSY = re.compile(r"database is locked|database table is locked|busy", re.I)


def _reason(e: SQLAlchemyError) -> str:
    orig = getattr(e, "orig", None)
    msg = str(orig if orig is not None else e).strip().splitlines()
    return msg[0] if msg else type(e).__name__


_Rec = TypeVar("_Rec", Turn, CallState, CallRecord)


def _read(kind: type[_Rec], value: _Rec | Mapping[str, Any]) -> _Rec:
    """``value`` as the type: itself, or its JSON read (a record callsim cannot read is a StoreError)."""
    if isinstance(value, kind):
        return value
    try:
        return kind.from_json(value)  # type: ignore[arg-type]
    except RecordFormatError as e:
        raise UnreadableRecord(str(e)) from None


def _turn_row(session_id: str, turn: Turn, now: datetime) -> dict[str, Any]:
    scores = turn.scores
    return {
        "session_id": session_id, "idx": turn.index, "taken": now, "node": turn.node,
        "reply": turn.reply, "debtor": turn.debtor.text,
        "empathy": scores.get("empathy"), "deescalation": scores.get("deescalation"),
        "violations": len(scores.get("violations") or []), "data": turn.to_json(),
    }


def _detail(row: RowMapping, turn_rows: list[dict[str, Any]], review_rows: list[Review]) -> SessionDetail:
    summary = {f.name: row[f.name] for f in fields(SessionSummary)}
    record = row.get("record")
    return SessionDetail(
        **summary,
        turns=turn_rows,
        record={**record, "turns": turn_rows} if record is not None else None,
        reviews=review_rows,
        state={**row["state"], "turns": turn_rows} if row.get("state") is not None else None,
    )


def _order(order: str) -> list[Any]:
    desc = order.startswith("-")
    name = order.lstrip("-+")
    if name not in ORDER_COLUMNS:
        raise StoreError(f"cannot order by '{name}' (choose from {', '.join(ORDER_COLUMNS)})")
    col = sessions.c[name]
    return [col.desc() if desc else col.asc(), sessions.c.id.desc() if desc else sessions.c.id.asc()]


def _database_path(u: URL) -> Path:
    """The file an SQLite URL names: for a URI database (file:/path?mode=ro, uri=true), the path after the scheme."""
    name = str(u.database)
    if str(u.query.get("uri", "")).lower() in ("true", "1") and name.startswith("file:"):
        name = name.removeprefix("file:").split("?", 1)[0]
    return Path(name).expanduser()


def _make_engine(u: URL) -> Engine:
    def dumps(obj: Any) -> str:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))

    if u.get_backend_name() == "sqlite":
        memory = u.database in (None, "", ":memory:")
        if not memory:
            _database_path(u).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            u, json_serializer=dumps,
            connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
            **({"poolclass": StaticPool} if memory else {}),
        )
        _sqlite_setup(engine, memory=memory)
        return engine
    if u.get_backend_name() == "postgresql":
        return create_engine(u, json_serializer=dumps, pool_pre_ping=True,
                             connect_args={"connect_timeout": 10, "application_name": "callsim"})
    raise StoreError(f"unsupported database '{u.get_backend_name()}': use sqlite:///FILE or postgresql://...")


def _sqlite_setup(engine: Engine, *, memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        if not memory:
            cur.execute("PRAGMA journal_mode = WAL")
        # FULL: a commit is on disk when record_turn returns, even across a power cut.
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Writers take the write lock up front: a deferred transaction that upgrades from read to write
        # can fail with SQLITE_BUSY at once (no busy wait) when another process committed in between.
        immediate = conn.get_execution_options().get("callsim_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _version(conn: Connection) -> str | None:
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    v = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    return None if v is None else str(v)


def _stamp(conn: Connection, revision: str) -> None:
    version = Table(VERSION_TABLE, MetaData(), Column("version_num", String(32), primary_key=True))
    version.create(conn, checkfirst=True)
    conn.execute(version.delete())
    conn.execute(version.insert().values(version_num=revision))


def _lock_schema(conn: Connection) -> None:
    """One process at a time creates or upgrades the schema (SQLite: BEGIN IMMEDIATE already did)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('callsim-schema'))"))


def run_migrations(conn: Connection, revision: str) -> None:
    """Upgrade the schema on ``conn`` (inside its transaction) to ``revision`` with Alembic."""
    from alembic import command  # deferred: Alembic costs ~0.3 s to import, and is needed only to upgrade
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)


__all__ = [
    "HEAD", "REVISIONS", "Review", "SessionDetail", "SessionExists", "SessionFinished", "SessionNotFound",
    "SessionRecorder", "SessionSummary", "Store", "StoreError", "TurnExists",
    "default_url", "metadata", "new_session_id", "normalise_url", "plain_reason", "run_migrations", "safe_url",
    "store_target",
]
