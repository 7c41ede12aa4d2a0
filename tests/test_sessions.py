"""The application layer's session use cases (core/sessions.py): what the app, plain mode and run share."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from callsim.core import sessions
from callsim.core.rubric import load_rubric
from callsim.core.store import SessionRecorder, Store

from .fixtures.store.calls import Played, new_call, play


@pytest.fixture(scope="module")
def played() -> Played:
    return play()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(f"sqlite:///{tmp_path / 's.db'}")
    yield s
    s.close()


def record_some(store: Store, played: Played, trainee: str, n: int, *, mode: str = "coaching") -> str:
    compiled = new_call().compiled
    call, details = sessions.start(compiled, trainee=trainee, seed=played.seed, mode=mode)
    w = SessionRecorder(store, **details.kwargs())
    sid = w.start()
    for reply in played.replies[:n]:
        w.turn(call.respond(reply), call.state())
    return sid


def test_start_gives_the_call_and_the_row_the_store_needs() -> None:
    compiled = new_call().compiled
    call, d = sessions.start(compiled, trainee="Amy", seed=7, mode="assessment")
    assert call.seed == 7 and not call.turns
    assert (d.trainee, d.scenario_id, d.scenario_version, d.seed, d.mode, d.session_id) == (
        "Amy", compiled.scenario.id, compiled.scenario.version, 7, "assessment", None)
    assert d.rubric_version == load_rubric().version
    assert set(d.kwargs()) == {"trainee", "scenario_id", "scenario_version", "seed", "mode", "rubric_version",
                               "session_id"}


def test_a_resumed_call_continues_where_it_stopped(store: Store, played: Played) -> None:
    sid = record_some(store, played, "Amy", 3, mode="assessment")
    [summary] = sessions.unfinished(store, "Amy")
    assert summary.id == sid
    call, d = sessions.resume(new_call().compiled, summary, store.resume_state(sid))
    assert len(call.turns) == 3 and d.session_id == sid and d.mode == "assessment" and d.trainee == "Amy"
    for reply in played.replies[3:]:
        if not call.ended:
            call.respond(reply)
    assert call.record().to_json() == played.record


def test_unfinished_refuses_what_cannot_be_resumed(store: Store, played: Played) -> None:
    with pytest.raises(sessions.CannotResume, match="Amy has no unfinished call to resume"):
        sessions.unfinished(store, "Amy")
    sid = record_some(store, played, "Sam", 2)
    with pytest.raises(sessions.CannotResume, match="is Sam's call, not Tess's"):
        sessions.unfinished(store, "Tess", sid[:6])
    assert [s.id for s in sessions.unfinished(store, "Sam", sid[:6])] == [sid]
    with pytest.raises(sessions.CannotResume, match="Sam has no unfinished call"):
        sessions.unfinished(store, "Sam", scenario_id="another-scenario")
    store.finish_session(sid, played.record)
    with pytest.raises(sessions.CannotResume, match=f"session {sid} has finished"):
        sessions.unfinished(store, "Sam", sid)


def test_a_call_of_another_scenario_version_is_not_resumed_but_can_be_ended(store: Store, played: Played) -> None:
    sid = record_some(store, played, "Amy", 2)
    [summary] = sessions.unfinished(store, "Amy")
    compiled = new_call().compiled
    older = replace(summary, scenario_version=compiled.scenario.version - 1)
    with pytest.raises(sessions.CannotResume, match="cannot be resumed faithfully"):
        sessions.resume(compiled, older, store.resume_state(sid))
    call, _ = sessions.resume(compiled, older, store.resume_state(sid), to_end=True)
    call.end_by_trainee()
    assert call.ended and call.record().to_json()["outcome"]["id"] == "ended_by_trainee"


def test_a_state_the_engine_cannot_take_back_is_a_message(store: Store, played: Played) -> None:
    sid = record_some(store, played, "Amy", 2)
    [summary] = sessions.unfinished(store, "Amy")
    state = store.resume_state(sid)
    broken = state.model_copy(update={"node": "a-node-that-is-not-there"})
    with pytest.raises(sessions.CannotResume, match=f"session {sid} cannot be resumed: .*a-node-that-is-not-there"):
        sessions.resume(new_call().compiled, summary, broken)


def test_a_rewound_call_is_a_what_if_session(played: Played) -> None:
    compiled = new_call().compiled
    call, d = sessions.rewound(compiled, played.record, 2, trainee="Amy")
    assert len(call.turns) == 1 and d.mode == sessions.WHAT_IF and d.session_id is None


def test_a_saved_call_this_callsim_cannot_read_is_a_message(store: Store, played: Played) -> None:
    from sqlalchemy import update

    from callsim.core.store import sessions as table

    sid = record_some(store, played, "Amy", 1)
    [summary] = sessions.unfinished(store, "Amy")
    with store.engine.begin() as conn:  # as a newer callsim would have written it
        conn.execute(update(table).where(table.c.id == sid).values(state={**played.states[0], "format": 99}))
    with pytest.raises(sessions.CannotResume, match=f"session {sid} cannot be resumed: .*record format 99"):
        sessions.stored_state(store, summary)
