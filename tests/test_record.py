"""The call record (callsim.core.record): today's JSON reads back exactly, older records still load, and a
record in a format this callsim does not know fails with a clear message (a message, not a traceback, from
the CLI)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from callsim.core.engine import CompiledScenario
from callsim.core.loader import load_text
from callsim.core.record import RECORD_FORMAT, CallRecord, CallState, RecordFormatError, Turn
from callsim.core.report import debrief
from callsim.core.store import Store, UnreadableRecord, sessions

from .conftest import ROOT
from .fixtures.store.calls import SCENARIO, play
from .test_engine import MINI

# A record exactly as callsim wrote it before the record had a type (`callsim run --json` of the engine tests'
# "mini" scenario, seed 3, two replies): the same JSON the store keeps (split into the state, the record
# and one row per turn) and the exports write.
LITERAL = Path(__file__).resolve().parent / "fixtures" / "record-format-1.json"


def literal() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(LITERAL.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def compiled() -> CompiledScenario:
    r = load_text(MINI, "mini.yaml", run_walkthroughs=False)
    assert r.scenario is not None
    return CompiledScenario(r.scenario)


def test_todays_json_reads_back_exactly() -> None:
    data = literal()
    record = CallRecord.from_json(data)
    assert record.to_json() == data
    assert CallRecord.from_json(json.dumps(data)) == record
    assert record.format == RECORD_FORMAT == 1
    assert record.outcome is not None and record.outcome.id == "plan"
    assert [t.index for t in record.turns] == [1, 2] and record.turns[1].plan == 80.0
    assert record.plan is not None and not record.plan.sustainable
    # The store's pieces: the state and record without turns, one row per turn.
    turns = [Turn.from_json(t) for t in data["turns"]]
    assert [t.to_json() for t in turns] == data["turns"]
    assert record.state.without_turns() == {k: data[k] for k in record.state.without_turns()}


def test_the_engine_plays_on_from_todays_json(compiled: CompiledScenario) -> None:
    data = literal()
    record = CallRecord.from_json(data)
    call = compiled.restore(record)
    assert call.ended and call.node_id == "plan_bad"
    assert call.record().to_json() == data  # the same call, byte for byte, scored again
    assert "likely to break" in debrief(record, compiled.scenario)
    what_if = compiled.rewind(data, 2)  # from the JSON as stored
    assert what_if.node_id == data["turns"][1]["node"] and len(what_if.turns) == 1
    what_if.end_by_trainee()


def test_a_record_from_before_possible_and_understanding_loads() -> None:
    data = literal()
    del data["understanding"]
    del data["compliance"]["possible"]
    record = CallRecord.from_json(data)
    assert record.understanding == "" and record.compliance.possible == ()


def test_the_frozen_walkthrough_records_load() -> None:
    """tests/fixtures/review/played.json was written before ``understanding``, ``compliance.possible`` and a
    turn's ``answered``: each comes back with its default."""
    frozen = json.loads((Path(__file__).resolve().parent / "fixtures" / "review" / "played.json")
                        .read_text(encoding="utf-8"))

    def answered(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"answered": None, **t} for t in turns]

    for played in frozen.values():
        old = played["record"]
        new = {**old, "understanding": old.get("understanding", ""),
               "compliance": {"possible": [], **old["compliance"]}, "turns": answered(old["turns"])}
        assert CallRecord.from_json(old).to_json() == new
        for state in played["states"]:
            assert CallState.from_json(state).to_json() == {**state, "turns": answered(state["turns"])}


@pytest.mark.parametrize("fmt", [2, 99])
def test_a_newer_format_names_itself_and_what_to_do(compiled: CompiledScenario, fmt: int) -> None:
    data = {**literal(), "format": fmt, "something_new": True}
    with pytest.raises(RecordFormatError, match=f"record format {fmt}, written by a newer callsim; this callsim "
                                                "reads format 1. Upgrade callsim to open it."):
        CallRecord.from_json(data)
    state = compiled.new_call().state().to_json()
    state["format"] = fmt
    with pytest.raises(RecordFormatError, match=f"saved call is in record format {fmt}"):
        compiled.restore(state)


@pytest.mark.parametrize("fmt", [None, 0, "1"])
def test_an_unknown_or_missing_format_is_refused(compiled: CompiledScenario, fmt: object) -> None:
    state = compiled.new_call().state().to_json()
    state["format"] = fmt
    with pytest.raises(RecordFormatError, match="format"):
        compiled.restore(state)
    del state["format"]
    with pytest.raises(RecordFormatError, match="no record format callsim knows"):
        compiled.restore(state)


def test_a_damaged_record_says_where() -> None:
    data = literal()
    del data["turns"][0]["reply"]
    with pytest.raises(RecordFormatError, match=r"not a callsim call record: turns\.0\.reply"):
        CallRecord.from_json(data)
    with pytest.raises(RecordFormatError, match="not JSON"):
        CallState.from_json("{")


def _callsim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "callsim.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, input="")


def test_the_cli_says_so_when_a_stored_call_is_in_a_newer_format(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 's.db'}"
    p = play()
    with Store.open(db) as store:
        open_id = store.start_session(trainee="Rae", scenario_id=p.scenario_id, scenario_version=p.scenario_version,
                                      seed=p.seed)
        store.record_turn(open_id, p.turns[0], p.states[0])
        done_id = store.start_session(trainee="Rae", scenario_id=p.scenario_id, scenario_version=p.scenario_version,
                                      seed=p.seed)
        store.finish_session(done_id, p.record)
        newer = {**p.states[0], "format": 2}
        del newer["turns"]
        with store.engine.begin() as conn:  # as a newer callsim would have written them
            conn.execute(update(sessions).where(sessions.c.id == open_id).values(state=newer))
            conn.execute(update(sessions).where(sessions.c.id == done_id)
                         .values(record={**{k: v for k, v in p.record.items() if k != "turns"}, "format": 2}))
        with pytest.raises(UnreadableRecord, match="record format 2"):
            store.resume_state(open_id)
        with pytest.raises(UnreadableRecord, match="record format 2"):
            store.get(done_id).call_record()
    run = _callsim("run", "--resume", open_id, "--replies", "-", "--db", db, "--trainee", "Rae")
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert f"session {open_id} cannot be resumed" in run.stderr and "record format 2" in run.stderr
    assert "Upgrade callsim" in run.stderr
    show = _callsim("show", done_id, "--db", db)
    assert show.returncode != 0 and "Traceback" not in show.stderr
    assert "record format 2" in show.stderr and "Upgrade callsim" in show.stderr
    assert SCENARIO  # the stored calls are of the shipped scenario the store tests play
