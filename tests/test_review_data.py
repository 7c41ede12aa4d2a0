"""The review app's queries (no screen): filters, progress and the cohort's aggregates, on a SQLite file
and on a real PostgreSQL (the JSON unnesting differs by backend). Expected numbers are worked out here
from the played calls themselves, not read back from the database."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from statistics import mean
from typing import Any

import pytest

from callsim.core.review_data import (
    BY_KEY,
    COLUMNS,
    Filters,
    Point,
    ReviewData,
    order_for,
    parse_since,
    periods,
    sorted_column,
    timeline,
)
from callsim.core.rubric import load_rubric
from callsim.core.store import Store

from .test_review_support import MARKUP_NAME, NOW, PLAN, T0, Clock, Made, fill

pytest_plugins = ["tests.fixtures.store.backends"]  # db_url: SQLite and PostgreSQL


@pytest.fixture
def filled(db_url: str) -> Any:
    clock = Clock()
    store = Store.open(db_url, clock=clock)
    made = fill(store, clock)
    yield store, made
    store.close()


def finished(made: list[Made], **where: Any) -> list[Made]:
    return [m for m in made if m.finished and all(getattr(m, k) == v for k, v in where.items())]


def test_filters_match_the_stores_own(filled: Any) -> None:
    store, made = filled
    data = ReviewData(store)
    since = T0 + timedelta(days=10)
    cases = [
        (Filters(), len(made)),
        (Filters(trainee="Amy Khan"), sum(1 for m in made if m.trainee == "Amy Khan")),
        (Filters(result="passed"), sum(1 for m in made if m.finished and m.call.record["passed"])),
        (Filters(result="failed"), sum(1 for m in made if m.finished and not m.call.record["passed"])),
        (Filters(result="unfinished"), sum(1 for m in made if not m.finished)),
        (Filters(scenario="job-loss-us", since=since),
         sum(1 for m in made if m.call.scenario_id == "job-loss-us" and m.started >= since)),
    ]
    for f, expected in cases:
        assert data.count(f) == expected, f
        rows = data.page(f, "-started", 0, 100)
        assert len(rows) == expected, f
        assert [r.started for r in rows] == sorted((r.started for r in rows), reverse=True)
    # a page is a page: limit and offset reach the database
    first, second = data.page(Filters(), "-started", 0, 5), data.page(Filters(), "-started", 5, 5)
    assert len(first) == 5 and len(second) == 5 and not {r.id for r in first} & {r.id for r in second}
    names, scenarios = data.choices()
    assert names == sorted({m.trainee for m in made}) and MARKUP_NAME in names
    assert scenarios == ["job-loss-us", "medical-emergency-uk"]


def test_progress_is_averaged_per_week(filled: Any) -> None:
    store, made = filled
    p = ReviewData(store).progress("Amy Khan", tz=UTC)
    amy = finished(made, trainee="Amy Khan")
    assert p.calls == len(amy) == 6 and p.unit == "week" and p.unfinished == 0
    assert [pt.overall for pt in p.points] == [m.call.record["scores"]["overall"] for m in amy]
    assert p.passed == sum(1 for m in amy if m.call.record["passed"])
    weeks: dict[str, list[Made]] = {}
    for m in amy:
        iso = m.started.isocalendar()
        weeks.setdefault(f"{iso.year}-W{iso.week:02d}", []).append(m)
    assert [x.label for x in p.periods] == sorted(weeks) == ["2026-W10", "2026-W11", "2026-W12"]
    for x in p.periods:
        ms = weeks[x.label]
        assert x.calls == len(ms)
        assert x.overall == pytest.approx(mean(m.call.record["scores"]["overall"] for m in ms))
        assert x.empathy == pytest.approx(mean(m.call.record["scores"]["empathy"] for m in ms))
        assert x.passed == sum(1 for m in ms if m.call.record["passed"])
    assert p.periods[0].overall < p.periods[-1].overall  # Amy improves, as the plan says

    eve = ReviewData(store).progress(MARKUP_NAME)
    assert eve.calls == 2 and eve.unfinished == 1
    only_us = ReviewData(store).progress("Amy Khan", Filters(scenario="job-loss-us"))
    assert only_us.calls == 1 and only_us.points[0].scenario_id == "job-loss-us"


def test_cohort_compares_trainees_and_scenarios(filled: Any) -> None:
    store, made = filled
    store.add_review(made[0].id, reviewer="Jo", comment="", override_score=40, reason="Too harsh")
    c = ReviewData(store).cohort(Filters())
    done = finished(made)
    assert c.calls == len(done) == len(PLAN) - 1
    rows = {r.key: r for r in c.trainees}
    assert set(rows) == {m.trainee for m in done}
    for name, r in rows.items():
        ms = [m for m in done if m.trainee == name]
        recs = [m.call.record for m in ms]
        assert r.calls == len(ms)
        assert r.passed == sum(1 for x in recs if x["passed"])
        assert r.overall == pytest.approx(mean(x["scores"]["overall"] for x in recs))
        assert r.deescalation == pytest.approx(mean(x["scores"]["deescalation"] for x in recs))
        assert r.compliance_failed == sum(1 for x in recs if not x["compliance"]["passed"])
    assert rows["Amy Khan"].reviewed == 1 and rows["Ben Ode"].reviewed == 0
    scen = {r.key: r for r in c.scenarios}
    assert scen["job-loss-us"].calls == sum(1 for m in done if m.call.scenario_id == "job-loss-us")

    # violations: from each record's compliance list
    times: Counter[str] = Counter()
    calls: Counter[str] = Counter()
    for m in done:
        ids = [v["id"] for v in m.call.record["compliance"]["violations"]]
        times.update(ids)
        calls.update(set(ids))
    got = {v.id: (v.times, v.calls) for v in c.violations}
    assert got == {k: (times[k], calls[k]) for k in times}
    assert got  # the plan has harmful calls
    top = c.violations[0]
    assert top.calls == max(calls.values()) and top.severity == load_rubric().get(top.id).severity
    assert top.label == load_rubric().get(top.id).label

    # missed behaviours: from each turn's better alternative
    m_times: Counter[str] = Counter()
    m_calls: Counter[str] = Counter()
    m_trainees: dict[str, set[str]] = {}
    for m in done:
        seen: set[str] = set()
        for t in m.call.turns:
            for b in (t["scores"].get("better") or {}).get("missed", []):
                m_times[b] += 1
                seen.add(b)
                m_trainees.setdefault(b, set()).add(m.trainee)
        m_calls.update(seen)
    assert {r.id: (r.times, r.calls, r.trainees) for r in c.missed} == {
        k: (m_times[k], m_calls[k], len(m_trainees[k])) for k in m_times}
    assert [r.calls for r in c.missed] == sorted((r.calls for r in c.missed), reverse=True)
    assert c.share(c.missed[0]) == pytest.approx(100 * c.missed[0].calls / c.calls)


def test_cohort_follows_the_filters(filled: Any) -> None:
    store, made = filled
    data = ReviewData(store)
    failed = data.cohort(Filters(result="failed"))
    assert failed.calls == sum(1 for m in finished(made) if not m.call.record["passed"])
    assert all(r.passed == 0 for r in failed.trainees)
    ben = data.cohort(Filters(trainee="Ben Ode"))
    assert [r.key for r in ben.trainees] == ["Ben Ode"]
    assert ben.calls == len(finished(made, trainee="Ben Ode"))
    assert data.cohort(Filters(result="unfinished")).calls == 0  # the cohort is finished calls
    late = data.cohort(Filters(since=T0 + timedelta(days=100)))
    assert (late.calls, late.trainees, late.missed, late.violations) == (0, [], [], [])


def test_what_if_calls_stay_out_of_progress_and_cohort(filled: Any) -> None:
    store, made = filled
    p = made[5].call  # a passing call, replayed as a "what if" (rewound to a turn in the trainee app)
    sid = store.start_session(trainee="Amy Khan", scenario_id=p.scenario_id, scenario_version=p.version,
                              seed=p.seed, mode="what-if")
    store.finish_session(sid, p.record)
    data = ReviewData(store)
    assert data.progress("Amy Khan").calls == len(finished(made, trainee="Amy Khan"))
    assert data.cohort(Filters(), missed=False).calls == len(finished(made))
    assert data.count(Filters()) == len(made) + 1  # the table still lists it


def test_parse_since() -> None:
    now = datetime(2026, 3, 20, 15, 30, tzinfo=UTC)
    assert parse_since("", now) is None
    assert parse_since("7d", now) == now - timedelta(days=7)
    assert parse_since(" 12 h ", now) == now - timedelta(hours=12)
    assert parse_since("2w", now) == now - timedelta(weeks=2)
    assert parse_since("today", now, UTC) == datetime(2026, 3, 20, tzinfo=UTC)
    assert parse_since("yesterday", now, UTC) == datetime(2026, 3, 19, tzinfo=UTC)
    plus2 = timezone(timedelta(hours=2))
    assert parse_since("2026-03-01", now, plus2) == datetime(2026, 3, 1, tzinfo=plus2)
    assert parse_since("2026-03-01T09:30+00:00", now, plus2) == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    with pytest.raises(ValueError, match="not a date"):
        parse_since("last tuesday", now)


def test_sort_orders_are_the_stores() -> None:
    from callsim.core.store import ORDER_COLUMNS

    for c in COLUMNS:
        assert c.sortable == (c.order in ORDER_COLUMNS)
    date, trainee = BY_KEY["started"], BY_KEY["trainee"]
    assert order_for(date, "trainee") == "-started"  # dates: newest first
    assert order_for(date, "-started") == "started"  # the same column flips
    assert order_for(trainee, "-started") == "trainee"  # names: A to Z first
    assert sorted_column("-overall") == ("overall", True)
    assert sorted_column("scenario_id") == ("scenario", False)


def test_periods_and_timeline_fill_gaps() -> None:
    def pt(day: int, score: float) -> Point:
        return Point(T0 + timedelta(days=day), "x", score, score, score, score >= 80, None)

    ps = periods([pt(0, 40), pt(1, 60), pt(21, 90)], "week", UTC)
    assert [(x.label, x.calls, x.overall) for x in ps] == [("2026-W10", 2, 50), ("2026-W13", 1, 90)]
    assert timeline(ps, "week") == [("2026-W10", 50), ("2026-W11", None), ("2026-W12", None), ("2026-W13", 90)]
    months = periods([pt(0, 40), pt(70, 80)], "month", UTC)
    assert [x.label for x in months] == ["2026-03", "2026-05"]
    assert [label for label, _ in timeline(months, "month")] == ["2026-03", "2026-04", "2026-05"]
    assert NOW > T0
