"""The session store's interface, on SQLite and on a real PostgreSQL (each test runs on both)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from callsim.core.store import (
    HEAD,
    ID_ALPHABET,
    ID_LENGTH,
    SessionDetail,
    SessionFilter,
    SessionNotFound,
    SessionRecorder,
    SessionSummary,
    Store,
    StoreError,
    TurnExists,
    new_session_id,
)

from .fixtures.store.calls import Played, new_call, play

pytest_plugins = ["tests.fixtures.store.backends"]  # db_url (SQLite and PostgreSQL), pg_url, played

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves: every reading is one second after the last."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def start(store: Store, p: Played, trainee: str = "Amy", **kw: Any) -> str:
    return store.start_session(trainee=trainee, scenario_id=p.scenario_id, scenario_version=p.scenario_version,
                               seed=p.seed, **kw)


def record_all(store: Store, sid: str, p: Played, finish: bool = True) -> None:
    for turn, state in zip(p.turns, p.states, strict=True):
        store.record_turn(sid, turn, state)
    if finish:
        store.finish_session(sid, p.record)


@pytest.fixture
def store(db_url: str) -> Any:
    s = Store.open(db_url, clock=Clock())
    yield s
    s.close()


def test_a_call_round_trips_exactly(store: Store, played: Played) -> None:
    sid = start(store, played, mode="assessment", rubric_version=1)
    for i, (turn, state) in enumerate(zip(played.turns, played.states, strict=True), 1):
        store.record_turn(sid, turn, state)
        assert store.resume_state(sid).to_json() == state  # what a resume would get, after every turn
        assert store.get(sid).n_turns == i
    store.finish_session(sid, played.record)
    d = store.get(sid)
    assert d.record == played.record
    assert d.turns == played.turns
    rec = played.record
    assert (d.outcome_id, d.outcome_label, d.outcome_result) == (
        rec["outcome"]["id"], rec["outcome"]["label"], rec["outcome"]["result"])
    assert (d.empathy, d.deescalation, d.overall, d.expectations_met) == (
        rec["scores"]["empathy"], rec["scores"]["deescalation"], rec["scores"]["overall"],
        rec["scores"]["expectations_met"])
    assert d.passed is rec["passed"] and d.compliance_passed is rec["compliance"]["passed"]
    assert d.violations == len(rec["compliance"]["violations"])
    assert d.mode == "assessment" and d.trainee == "Amy" and d.seed == played.seed
    assert d.status == ("passed" if rec["passed"] else "failed")
    assert d.ended is not None and d.ended > d.started
    json.dumps(d.to_dict())  # JSON-ready


def test_a_resumed_call_continues_identically(store: Store, played: Played) -> None:
    sid = start(store, played)
    for turn, state in zip(played.turns[:3], played.states[:3], strict=True):
        store.record_turn(sid, turn, state)
    call = new_call().compiled.restore(store.resume_state(sid))
    for reply in played.replies[3:]:
        store.record_turn(sid, call.respond(reply), call.state())
    store.finish_session(sid, call.record())
    assert store.get(sid).record == played.record


def test_each_turn_is_committed_before_record_turn_returns(db_url: str, played: Played) -> None:
    writer, reader = Store.open(db_url), Store.open(db_url)  # two engines: two connections
    try:
        sid = start(writer, played)
        writer.record_turn(sid, played.turns[0], played.states[0])
        assert reader.get(sid).turns == [played.turns[0]]
        assert [s.id for s in reader.unfinished("Amy")] == [sid]
    finally:
        writer.close()
        reader.close()


def test_writes_that_make_no_sense_are_refused(store: Store, played: Played) -> None:
    sid = start(store, played)
    store.record_turn(sid, played.turns[0], played.states[0])
    with pytest.raises(TurnExists):
        store.record_turn(sid, played.turns[0], played.states[1])
    assert store.resume_state(sid).to_json() == played.states[0]  # the refused write changed nothing
    with pytest.raises(SessionNotFound):
        store.record_turn("zzzzzzzzzz", played.turns[1], played.states[1])
    store.finish_session(sid, played.record)
    with pytest.raises(StoreError, match="already finished"):
        store.record_turn(sid, {**played.turns[1], "index": 99}, played.states[1])
    with pytest.raises(StoreError, match="already finished"):
        store.finish_session(sid, played.record)
    with pytest.raises(StoreError, match="trainee"):
        store.start_session(trainee="  ", scenario_id="x", scenario_version=1, seed=1)


def test_finish_stores_turns_whose_write_had_failed(store: Store, played: Played) -> None:
    sid = start(store, played)
    store.record_turn(sid, played.turns[0], played.states[0])
    store.record_turn(sid, played.turns[2], played.states[2])  # turn 2 was lost on the way
    store.finish_session(sid, played.record)
    d = store.get(sid)
    assert [t["index"] for t in d.turns] == list(range(1, len(played.turns) + 1))
    assert d.turns == played.turns and d.n_turns == len(played.turns)


def test_recorder_starts_at_the_first_turn_and_retries_failed_writes(store: Store, played: Played,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    warnings: list[str] = []
    rec = SessionRecorder(store, trainee="Bo", scenario_id=played.scenario_id,
                          scenario_version=played.scenario_version, seed=1, warn=warnings.append)
    assert rec.session_id is None and store.count_sessions() == 0
    rec.turn(played.turns[0], played.states[0])
    assert rec.session_id is not None
    real = store.record_turn
    fails = {"left": 1}

    def flaky(sid: str, turn: Any, state: Any) -> None:
        if fails["left"]:
            fails["left"] -= 1
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        real(sid, turn, state)

    monkeypatch.setattr(store, "record_turn", flaky)
    rec.turn(played.turns[1], played.states[1])  # fails: kept in memory
    assert rec.failed and "could not save" in warnings[0] and "database is locked" in warnings[0]
    assert store.get(rec.session_id).n_turns == 1
    rec.turn(played.turns[2], played.states[2])  # writes turn 2, then 3
    assert not rec.failed and store.get(rec.session_id).n_turns == 3
    assert store.resume_state(rec.session_id).to_json() == played.states[2]
    for t, s in zip(played.turns[3:], played.states[3:], strict=True):
        rec.turn(t, s)
    rec.finish(played.record)
    assert store.get(rec.session_id).record == played.record


def test_recorder_leaves_nothing_for_a_call_with_no_reply(store: Store) -> None:
    rec = SessionRecorder(store, trainee="Bo", scenario_id="x", scenario_version=1, seed=1)
    call = new_call()
    call.end_by_trainee()
    rec.finish(call.record())
    assert rec.session_id is None and store.count_sessions() == 0


def test_listing_filters_order_and_counts(db_url: str, played: Played) -> None:
    clock = Clock()
    store = Store.open(db_url, clock=clock)
    failing = play(1, played.replies[:1] + ["You need to pay this now or we take you to court."] * 8)
    made: dict[str, str] = {}
    for i, (who, scen, p, finish) in enumerate([
        ("amy", "a-scen", played, True), ("amy", "b-scen", failing, True), ("bo", "a-scen", played, True),
        ("bo", "a-scen", failing, False), ("cy", "b-scen", played, True),
    ]):
        clock.now = T0 + timedelta(days=i)
        sid = store.start_session(trainee=who, scenario_id=scen, scenario_version=1, seed=1)
        record_all(store, sid, p, finish=finish)
        made[f"{who}-{i}"] = sid
    try:
        assert [s.id for s in store.list_sessions()] == [made[k] for k in
                                                         ("cy-4", "bo-3", "bo-2", "amy-1", "amy-0")]
        assert [s.id for s in store.list_sessions(order="started")][0] == made["amy-0"]
        assert {s.id for s in store.list_sessions(trainee="amy")} == {made["amy-0"], made["amy-1"]}
        assert {s.id for s in store.list_sessions(scenario="a-scen", trainee="bo")} == {made["bo-2"], made["bo-3"]}
        since = T0 + timedelta(days=2)
        assert {s.id for s in store.list_sessions(since=since)} == {made["bo-2"], made["bo-3"], made["cy-4"]}
        assert {s.id for s in store.list_sessions(since=since, until=since + timedelta(days=1))} == {made["bo-2"]}
        assert played.record["passed"] and not failing.record["passed"]
        assert {s.id for s in store.list_sessions(passed=True)} == {made["amy-0"], made["bo-2"], made["cy-4"]}
        assert {s.id for s in store.list_sessions(passed=False)} == {made["amy-1"]}
        assert [s.id for s in store.list_sessions(finished=False)] == [made["bo-3"]]
        page = store.list_sessions(limit=2, offset=1)
        assert [s.id for s in page] == [made["bo-3"], made["bo-2"]]
        assert store.count_sessions() == 5 and store.count_sessions(trainee="bo", passed=True) == 1
        assert store.count_sessions(since=since, limit=1) == 3  # count ignores paging
        by_score = store.list_sessions(order="-overall", finished=True)
        scores = [s.overall or 0.0 for s in by_score]
        assert scores == sorted(scores, reverse=True)
        with pytest.raises(StoreError, match="cannot order"):
            store.list_sessions(order="reply; drop table sessions")
        assert [s.id for s in store.iter_sessions(trainee="amy")] == [made["amy-0"], made["amy-1"]]
        # One filter for every reader: the review app's result choices, as SessionFilters, list, count and
        # stream the same sessions the keyword filters above do
        for result, expect in (("passed", {"amy-0", "bo-2", "cy-4"}), ("failed", {"amy-1"}),
                               ("unfinished", {"bo-3"})):
            f = SessionFilter.for_result(result)
            ids = {made[k] for k in expect}
            assert {s.id for s in store.list_sessions(f)} == ids, result
            assert store.count_sessions(f) == len(ids)
            assert {s.id for s in store.iter_sessions(f)} == ids
        amy_failed = SessionFilter.for_result("failed", trainee="amy")
        assert [s.id for s in store.list_sessions(amy_failed)] == [made["amy-1"]]
        with pytest.raises(TypeError, match="unknown filter"):
            store.list_sessions(passd=True)
        details = list(store.iter_details(batch=2))
        assert [d.id for d in details] == [made[k] for k in ("amy-0", "amy-1", "bo-2", "bo-3", "cy-4")]
        assert all(isinstance(d, SessionDetail) for d in details)
        assert details[0].turns == played.turns and details[3].record is None
        assert details[3].state is not None and details[3].state["turns"] == failing.turns
    finally:
        store.close()


def test_unfinished_lists_resumable_calls_most_recent_first(store: Store, played: Played) -> None:
    a = start(store, played)
    store.record_turn(a, played.turns[0], played.states[0])
    start(store, played)  # no turn yet: nothing to resume
    b = start(store, played)
    store.record_turn(b, played.turns[0], played.states[0])
    done = start(store, played)
    record_all(store, done, played)
    other = start(store, played, trainee="Bo")
    store.record_turn(other, played.turns[0], played.states[0])
    assert [s.id for s in store.unfinished("Amy")] == [b, a]
    assert {s.id for s in store.unfinished()} == {a, b, other}
    store.record_turn(a, played.turns[1], played.states[1])  # a is now the most recent
    assert [s.id for s in store.unfinished("Amy")] == [a, b]
    empty = start(store, played)
    with pytest.raises(StoreError, match="no turns to resume"):
        store.resume_state(empty)


def test_a_unique_prefix_finds_a_session(store: Store, played: Played) -> None:
    sid = start(store, played)
    assert store.get(sid[:4]).id == sid
    assert store.get(sid.upper()).id == sid
    assert store.resolve_id(sid) == sid
    with pytest.raises(SessionNotFound, match="no session"):
        store.get("0" * ID_LENGTH if not sid.startswith("0") else "1" * ID_LENGTH)
    with pytest.raises(SessionNotFound):
        store.get("%")  # not an id character: never a LIKE pattern
    ids = {sid}
    while True:  # make two sessions that share a first character, and ask by that character
        ids.add(start(store, played))
        firsts = [i[0] for i in ids]
        shared = next((c for c in firsts if firsts.count(c) > 1), None)
        if shared:
            break
    with pytest.raises(SessionNotFound, match="several"):
        store.get(shared)


def test_session_ids_are_short_typeable_and_unique() -> None:
    ids = {new_session_id() for _ in range(20000)}
    assert len(ids) == 20000
    assert all(len(i) == ID_LENGTH and set(i) <= set(ID_ALPHABET) for i in ids)
    assert not set("ilou") & set(ID_ALPHABET)


def test_a_review_sits_beside_the_machine_score(store: Store, played: Played) -> None:
    sid = start(store, played)
    record_all(store, sid, played)
    machine = store.get(sid).overall
    store.add_review(sid, reviewer="Lin", comment="Good TEXAS, rushed the budget.")
    store.add_review(sid[:5], reviewer="Lin", comment="On reflection", override_score=64.5,
                     reason="The plan was agreed before the budget was done.")
    d = store.get(sid)
    assert d.overall == machine and d.record is not None and d.record["scores"]["overall"] == machine
    assert d.review_score == 64.5 and d.n_reviews == 2
    assert [r.comment for r in d.reviews] == ["Good TEXAS, rushed the budget.", "On reflection"]
    assert d.reviews[1].override_score == 64.5 and (d.reviews[1].reason or "").startswith("The plan")
    assert d.reviews[0].created < d.reviews[1].created
    with pytest.raises(StoreError, match="needs a reason"):
        store.add_review(sid, reviewer="Lin", comment="x", override_score=50)
    with pytest.raises(StoreError, match="0-100"):
        store.add_review(sid, reviewer="Lin", comment="x", override_score=101, reason="y")
    with pytest.raises(StoreError, match="reviewer"):
        store.add_review(sid, reviewer=" ", comment="x")
    with pytest.raises(SessionNotFound):
        store.add_review("zzzzzzzzzz", reviewer="Lin", comment="x")
    assert store.get(sid).n_reviews == 2


def test_times_come_from_the_injected_clock(db_url: str, played: Played) -> None:
    store = Store.open(db_url, clock=lambda: T0)
    try:
        sid = start(store, played)
        record_all(store, sid, played)
        d = store.get(sid)
        assert d.started == T0 and d.ended == T0 and d.started.tzinfo is not None
        assert d.to_dict()["started"] == "2026-03-02T09:00:00.000Z"
    finally:
        store.close()


def test_summary_and_detail_shapes(store: Store, played: Played) -> None:
    sid = start(store, played)
    record_all(store, sid, played)
    d = store.get(sid)
    s = d.summary
    assert type(s) is SessionSummary and s.id == sid and s == store.list_sessions()[0]
    with pytest.raises(AttributeError):
        s.trainee = "x"  # type: ignore[misc]  # frozen
    assert set(d.to_dict()) >= {"id", "trainee", "turns", "record", "reviews", "status"}


# --------------------------------------------------------------------------- opening


def test_default_location_is_the_data_folder(played: Played) -> None:
    from callsim.core.paths import home

    with Store.open() as store:
        assert store.backend == "sqlite"
        start(store, played)
    path = home() / "callsim.db"
    assert path.exists()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1
    finally:
        conn.close()


def test_the_environment_variable_picks_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLSIM_DATABASE_URL", f"sqlite:///{tmp_path / 'team.db'}")
    with Store.open() as store:
        assert store.schema_version() == HEAD
    assert (tmp_path / "team.db").exists()
    with Store.open(str(tmp_path / "plain-path.db")) as store:  # a bare path is a SQLite file
        assert store.backend == "sqlite"
    assert (tmp_path / "plain-path.db").exists()


def test_sqlite_connections_wait_instead_of_failing(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "s.db")) as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_an_unreachable_server_is_a_clear_error_without_the_password() -> None:
    with pytest.raises(StoreError) as e:
        Store.open("postgresql://lead:s3cret@127.0.0.1:1/callsim")
    msg = str(e.value)
    assert "cannot open the session database" in msg and "s3cret" not in msg and "127.0.0.1:1" in msg
    with pytest.raises(StoreError, match="unsupported database"):
        Store.open("mysql://x@localhost/db")


def test_a_database_from_a_newer_callsim_is_left_alone(db_url: str) -> None:
    with Store.open(db_url) as store, store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE callsim_schema_version SET version_num = '0999'")
    with pytest.raises(StoreError, match="newer than this callsim"):
        Store.open(db_url)
    with Store.open(db_url, migrate=False) as store:
        assert store.schema_version() == "0999"


def test_someone_elses_tables_are_not_taken_over(db_url: str) -> None:
    with Store.open(db_url, migrate=False) as store, store.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE sessions (id INTEGER PRIMARY KEY, payload TEXT)")
    with pytest.raises(StoreError, match="did not create"):
        Store.open(db_url)


def test_an_in_memory_store_works_for_tests_elsewhere(played: Played) -> None:
    with Store.open("sqlite://") as store:
        sid = start(store, played)
        record_all(store, sid, played)
        assert [d.record for d in store.iter_details()] == [played.record]


def test_a_session_filter_in_words_and_from_the_review_apps_choices() -> None:
    since = datetime(2026, 3, 1, tzinfo=UTC)
    f = SessionFilter.for_result("failed", trainee="Amy", since=since)
    assert f == SessionFilter(trainee="Amy", since=since, passed=False)
    assert f.words() == {"trainee": "Amy", "started on or after": "2026-03-01 00:00 UTC", "result": "failed"}
    assert SessionFilter.for_result("unfinished") == SessionFilter(finished=False)
    assert SessionFilter.of({"scenario": "a", "until": None}) == SessionFilter(scenario="a")
    with pytest.raises(ValueError, match="result is one of"):
        SessionFilter.for_result("won")
