"""What the review app asks of the session store: pages of sessions, filter choices, one trainee's progress
and the cohort's aggregates. No Textual here: the app calls these from its workers, and tests call them
directly.

Paging and sorting go through :meth:`Store.list_sessions` (``limit``/``offset``/``order``), so the database
sorts and only a page of rows ever crosses into Python. The cohort is aggregated in the database: GROUP BY
over ``sessions`` for trainees and scenarios, and the JSON arrays of missed behaviours (in each turn) and of
violations (in each record) unnested with the backend's own function (SQLite ``json_each``, PostgreSQL
``jsonb_array_elements``). A trainee's progress is one indexed query for that trainee, bucketed in Python.

"What if" calls (a trainee rewound a call to a turn) are left out of progress and the cohort: they did not
start from the beginning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, and_, case, column, distinct, func, select, true, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql import Select

from callsim.core.dates import parse_since
from callsim.core.reporting.missed import counted_where, order_key
from callsim.core.sessions import WHAT_IF
from callsim.core.store import (
    ORDER_COLUMNS,
    RESULTS,
    SessionDetail,
    SessionFilter,
    SessionSummary,
    Store,
    sessions,
    turns,
)

# --------------------------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    """What the table shows: every filter given must match. ``None`` means any."""

    trainee: str | None = None
    scenario: str | None = None
    result: str | None = None  # one of RESULTS
    since: datetime | None = None

    def __post_init__(self) -> None:
        self.session_filter()  # an unknown result is a ValueError here, not at the first query

    def session_filter(self) -> SessionFilter:
        """The same filters as the store's :class:`SessionFilter` (the table, progress and the cohort use it)."""
        return SessionFilter.for_result(self.result, trainee=self.trainee, scenario=self.scenario, since=self.since)

    def where(self) -> list[ColumnElement[bool]]:
        """The same filters as SQL conditions on ``sessions`` (for the aggregates)."""
        return self.session_filter().where()

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.trainee, self.scenario, self.result, self.since))

    def describe(self, tz: tzinfo | None = None) -> str:
        parts = []
        if self.trainee is not None:
            parts.append(f"trainee {self.trainee}")
        if self.scenario is not None:
            parts.append(f"scenario {self.scenario}")
        if self.result is not None:
            parts.append(self.result)
        if self.since is not None:
            parts.append(f"since {self.since.astimezone(tz or UTC).strftime('%Y-%m-%d %H:%M')}")
        return ", ".join(parts) if parts else "all sessions"

    def with_(self, **changes: Any) -> Filters:
        return replace(self, **changes)


# --------------------------------------------------------------------------------------------- sorting


@dataclass(frozen=True)
class Column:
    """A column of the sessions table: its key, header, and the store order it sorts by."""

    key: str
    label: str
    order: str | None  # a Store ORDER_COLUMNS name; None when the store cannot sort by it (yet)
    descending_first: bool = True  # numbers and dates: highest/newest first on the first press

    @property
    def sortable(self) -> bool:
        return self.order is not None and self.order in ORDER_COLUMNS


def _order_name(*candidates: str) -> str | None:
    """The first of ``candidates`` the store can sort by (so a column lights up when the store learns it)."""
    return next((c for c in candidates if c in ORDER_COLUMNS), candidates[0] if candidates else None)


COLUMNS: tuple[Column, ...] = (
    Column("started", "Date", "started"),
    Column("trainee", "Trainee", "trainee", descending_first=False),
    Column("scenario", "Scenario", "scenario_id", descending_first=False),
    Column("overall", "Score", "overall"),
    Column("empathy", "Emp", "empathy"),
    Column("deescalation", "De-e", "deescalation"),
    Column("compliance", "Comp", _order_name("compliance_passed")),
    Column("passed", "Pass", _order_name("passed")),
    Column("outcome", "Outcome", _order_name("outcome_label", "outcome_id"), descending_first=False),
)
BY_KEY = {c.key: c for c in COLUMNS}
DEFAULT_ORDER = "-started"


def order_for(column: Column, current: str) -> str:
    """The order after choosing ``column``: the same column flips direction, a new one starts its default."""
    assert column.order is not None
    name = current.lstrip("-+")
    if name == column.order:
        return name if current.startswith("-") else f"-{name}"
    return f"-{column.order}" if column.descending_first else column.order


def sorted_column(order: str) -> tuple[str | None, bool]:
    """(column key, descending) for a store order string."""
    name = order.lstrip("-+")
    for c in COLUMNS:
        if c.order == name:
            return c.key, order.startswith("-")
    return None, order.startswith("-")


# --------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Point:
    """One finished call in a trainee's progress."""

    started: datetime
    scenario_id: str
    overall: float
    empathy: float
    deescalation: float
    passed: bool
    review_score: float | None


@dataclass(frozen=True)
class Period:
    """A week or a month of one trainee's calls."""

    label: str
    start: datetime
    calls: int
    passed: int
    overall: float
    empathy: float
    deescalation: float

    @property
    def pass_rate(self) -> float:
        return 100.0 * self.passed / self.calls if self.calls else 0.0


@dataclass(frozen=True)
class Progress:
    trainee: str
    points: list[Point]
    periods: list[Period]
    unit: str  # "week" or "month"
    unfinished: int = 0

    @property
    def calls(self) -> int:
        return len(self.points)

    @property
    def passed(self) -> int:
        return sum(1 for p in self.points if p.passed)

    @property
    def best(self) -> float | None:
        return max((p.overall for p in self.points), default=None)


@dataclass(frozen=True)
class GroupRow:
    """A trainee's or a scenario's finished calls, aggregated."""

    key: str
    calls: int
    passed: int
    overall: float
    empathy: float
    deescalation: float
    compliance_failed: int
    reviewed: int

    @property
    def pass_rate(self) -> float:
        return 100.0 * self.passed / self.calls if self.calls else 0.0


@dataclass(frozen=True)
class CountRow:
    """A behaviour missed, or a violation made: how often, in how many calls, by how many trainees."""

    id: str
    label: str
    times: int
    calls: int
    trainees: int
    severity: str = ""


@dataclass(frozen=True)
class Cohort:
    filters: Filters
    calls: int
    trainees: list[GroupRow] = field(default_factory=list)
    scenarios: list[GroupRow] = field(default_factory=list)
    missed: list[CountRow] = field(default_factory=list)
    violations: list[CountRow] = field(default_factory=list)

    def share(self, row: CountRow) -> float:
        """The share of the cohort's calls that had this."""
        return 100.0 * row.calls / self.calls if self.calls else 0.0


# --------------------------------------------------------------------------------------------- queries


class ReviewData:
    """The review app's view of a :class:`Store`. Thread-safe (the store's engine is); call from workers."""

    def __init__(self, store: Store, labels: Callable[[str], tuple[str, str]] | None = None) -> None:
        self.store = store
        self._labels = labels

    # ---- the table --------------------------------------------------------------------------------
    def page(self, filters: Filters, order: str, offset: int, limit: int) -> list[SessionSummary]:
        return self.store.list_sessions(filters.session_filter(), order=order, limit=limit, offset=offset)

    def count(self, filters: Filters) -> int:
        return self.store.count_sessions(filters.session_filter())

    def choices(self) -> tuple[list[str], list[str]]:
        """Every trainee and every scenario in the store, for the filter menus (two index-only scans)."""
        with self.store.engine.connect() as conn:
            names = list(conn.execute(select(sessions.c.trainee).distinct().order_by(sessions.c.trainee)).scalars())
            ids = list(conn.execute(
                select(sessions.c.scenario_id).distinct().order_by(sessions.c.scenario_id)).scalars())
        return names, ids

    def summary(self, session_id: str) -> SessionSummary:
        return self.store.get(session_id).summary

    def detail(self, session_id: str) -> SessionDetail:
        return self.store.get(session_id)

    def add_review(self, session_id: str, *, reviewer: str, comment: str, override_score: float | None,
                   reason: str | None) -> SessionDetail:
        """Store a review (the store checks it) and return the session as it is now."""
        self.store.add_review(session_id, reviewer=reviewer, comment=comment, override_score=override_score,
                              reason=reason)
        return self.store.get(session_id)

    # ---- progress -----------------------------------------------------------------------------------
    def progress(self, trainee: str, filters: Filters | None = None, tz: tzinfo | None = None) -> Progress:
        """One trainee's finished calls, oldest first, and their averages per week (or per month when the
        calls span more than 26 weeks). The table's scenario and since filters apply; its result does not."""
        f = (filters or Filters()).with_(trainee=trainee, result=None)
        cols = (sessions.c.started, sessions.c.scenario_id, sessions.c.overall, sessions.c.empathy,
                sessions.c.deescalation, sessions.c.passed, sessions.c.review_score)
        q = (select(*cols).where(*f.where(), sessions.c.ended.is_not(None), sessions.c.mode != WHAT_IF)
             .order_by(sessions.c.started, sessions.c.id))
        unfinished_q = select(func.count()).select_from(sessions).where(*f.where(), sessions.c.ended.is_(None))
        with self.store.engine.connect() as conn:
            points = [Point(r.started, r.scenario_id, float(r.overall or 0), float(r.empathy or 0),
                            float(r.deescalation or 0), bool(r.passed), r.review_score) for r in conn.execute(q)]
            unfinished = int(conn.execute(unfinished_q).scalar_one())
        zone = tz or UTC
        unit = "week"
        if points and points[-1].started - points[0].started > timedelta(weeks=26):
            unit = "month"
        return Progress(trainee, points, periods(points, unit, zone), unit, unfinished)

    # ---- cohort ---------------------------------------------------------------------------------------
    def cohort(self, filters: Filters, *, missed: bool = True) -> Cohort:
        """Finished calls matching ``filters``, compared by trainee and by scenario, with the violations that
        recur and (unless ``missed=False``) the behaviours most often missed. Aggregated by the database."""
        where = _finished(filters)
        with self.store.engine.connect() as conn:
            calls = int(conn.execute(select(func.count()).select_from(sessions).where(*where)).scalar_one())
            by_trainee = [_group(r) for r in conn.execute(_grouped(sessions.c.trainee, where))]
            by_scenario = [_group(r) for r in conn.execute(_grouped(sessions.c.scenario_id, where))]
            violations = [self._count(r) for r in conn.execute(_violations_query(conn.dialect.name, where))]
        return Cohort(filters, calls, by_trainee, by_scenario, self.missed(filters) if missed else [],
                      sorted(violations, key=_most))

    def missed(self, filters: Filters) -> list[CountRow]:
        """The behaviours a reply should have shown and did not (each turn's ``scores.better.missed``), counted
        and ranked as :mod:`callsim.core.reporting.missed` defines it, so `callsim report` names the same ones.
        The slowest aggregate: it reads every matching turn's JSON (see docs/review.md)."""
        with self.store.engine.connect() as conn:
            rows = [self._count(r) for r in conn.execute(_missed_query(conn.dialect.name, _finished(filters)))]
        return sorted(rows, key=lambda r: order_key(r.id, r.calls, r.times))

    def _count(self, r: Any) -> CountRow:
        bid = str(r.id)
        label, severity = self.label(bid)
        return CountRow(bid, label, int(r.times), int(r.calls), int(r.trainees), severity)

    def label(self, behaviour_id: str) -> tuple[str, str]:
        """A behaviour's label and severity from the rubric (the id itself when the rubric has no such id)."""
        if self._labels is not None:
            return self._labels(behaviour_id)
        from callsim.core.rubric import load_rubric

        b = load_rubric().by_id.get(behaviour_id)
        if b is None:
            return behaviour_id.replace("_", " "), ""
        return b.label, b.severity or ""


def periods(points: list[Point], unit: str, tz: tzinfo) -> list[Period]:
    """Average scores per calendar week (Monday first) or month, in the display zone, oldest first."""
    buckets: dict[datetime, list[Point]] = {}
    for p in points:
        local = p.started.astimezone(tz)
        day = local.replace(hour=0, minute=0, second=0, microsecond=0)
        start = day - timedelta(days=day.weekday()) if unit == "week" else day.replace(day=1)
        buckets.setdefault(start, []).append(p)
    out = []
    for start in sorted(buckets):
        ps = buckets[start]
        n = len(ps)
        if unit == "week":
            iso = start.isocalendar()
            label = f"{iso.year}-W{iso.week:02d}"
        else:
            label = start.strftime("%Y-%m")
        out.append(Period(label, start, n, sum(1 for p in ps if p.passed), sum(p.overall for p in ps) / n,
                          sum(p.empathy for p in ps) / n, sum(p.deescalation for p in ps) / n))
    return out


def timeline(ps: list[Period], unit: str) -> list[tuple[str, float | None]]:
    """(label, average overall) for every week or month from the first period to the last, ``None`` where
    there were no calls, so a chart's gaps are real gaps in time."""
    if not ps:
        return []
    by_start = {p.start: p for p in ps}
    out: list[tuple[str, float | None]] = []
    start = ps[0].start
    while start <= ps[-1].start:
        hit = by_start.get(start)
        if hit is not None:
            out.append((hit.label, hit.overall))
        else:
            iso = start.isocalendar()
            out.append((f"{iso.year}-W{iso.week:02d}" if unit == "week" else start.strftime("%Y-%m"), None))
        if unit == "week":
            start = (start + timedelta(days=7, hours=12)).replace(hour=0)  # a DST change moves no week
        else:
            start = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return out


def _finished(filters: Filters) -> list[ColumnElement[bool]]:
    return [*filters.where(), *counted_where()]


def _most(r: CountRow) -> tuple[int, int, str]:
    return (-r.calls, -r.times, r.id)


def _grouped(key: Any, where: list[ColumnElement[bool]]) -> Select[Any]:
    return (
        select(
            key.label("key"), func.count().label("calls"),
            func.sum(case((sessions.c.passed.is_(True), 1), else_=0)).label("passed"),
            func.avg(sessions.c.overall).label("overall"), func.avg(sessions.c.empathy).label("empathy"),
            func.avg(sessions.c.deescalation).label("deescalation"),
            func.sum(case((sessions.c.compliance_passed.is_(False), 1), else_=0)).label("compliance_failed"),
            func.sum(case((sessions.c.n_reviews > 0, 1), else_=0)).label("reviewed"),
        )
        .where(*where).group_by(key).order_by(key)
    )


def _group(r: Any) -> GroupRow:
    return GroupRow(str(r.key), int(r.calls), int(r.passed or 0), float(r.overall or 0), float(r.empathy or 0),
                    float(r.deescalation or 0), int(r.compliance_failed or 0), int(r.reviewed or 0))


def _missed_query(dialect: str, where: list[ColumnElement[bool]]) -> Select[Any]:
    """Each behaviour id in a turn's ``scores.better.missed``: in how many turns, calls, trainees.

    The matching sessions are picked first (a materialised CTE, so the planner cannot choose to scan every
    turn and filter afterwards), then their turns are found by primary key and their JSON unnested."""
    picked = select(sessions.c.id, sessions.c.trainee).where(*where).cte("picked").prefix_with("MATERIALIZED")
    if dialect == "postgresql":
        path = type_coerce(turns.c.data, JSONB)[("scores", "better", "missed")]
        elements = func.jsonb_array_elements_text(path).table_valued("value").alias("missed")
    else:
        elements = func.json_each(turns.c.data, "$.scores.better.missed").table_valued("value").alias("missed")
    value = elements.c.value.label("id")
    return (
        select(value, func.count().label("times"), func.count(distinct(turns.c.session_id)).label("calls"),
               func.count(distinct(picked.c.trainee)).label("trainees"))
        .select_from(picked.join(turns, turns.c.session_id == picked.c.id).join(elements, true()))
        .group_by(value)
    )


def _violations_query(dialect: str, where: list[ColumnElement[bool]]) -> Select[Any]:
    """Each violation in a finished call's ``compliance.violations``: how often, in how many calls, trainees.
    Only calls with a violation are unpacked (the ``violations`` column says which)."""
    if dialect == "postgresql":
        path = type_coerce(sessions.c.record, JSONB)[("compliance", "violations")]
        elements = func.jsonb_array_elements(path).table_valued(column("value", JSONB)).alias("v")
        vid = elements.c.value["id"].astext.label("id")
    else:
        elements = func.json_each(sessions.c.record, "$.compliance.violations").table_valued("value").alias("v")
        vid = func.json_extract(elements.c.value, "$.id").label("id")
    return (
        select(vid, func.count().label("times"), func.count(distinct(sessions.c.id)).label("calls"),
               func.count(distinct(sessions.c.trainee)).label("trainees"))
        .select_from(sessions.join(elements, true()))
        .where(and_(*where, sessions.c.violations > 0)).group_by(vid)
    )


__all__ = [
    "BY_KEY", "COLUMNS", "Cohort", "Column", "CountRow", "DEFAULT_ORDER", "Filters", "GroupRow", "Period",
    "Point", "Progress", "RESULTS", "ReviewData", "order_for", "parse_since", "periods", "sorted_column", "timeline",
]
