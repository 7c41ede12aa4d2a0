"""Nothing is lost: concurrent writer processes, and processes killed with SIGKILL mid-call.

Real processes, real files, a real PostgreSQL: each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from callsim.core.store import Store, StoreError

from .conftest import ROOT
from .fixtures.store.calls import SCENARIO, Played, reference_record

pytest_plugins = ["tests.fixtures.store.backends"]  # db_url (SQLite and PostgreSQL), pg_url, played

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

WORKER = """
import json, sys
from sqlalchemy.exc import OperationalError

from callsim.core.store import Store, StoreError
url, data_path, name, sessions = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
data = json.load(open(data_path, encoding="utf-8"))
store = Store.open(url)
n = 0
while sessions < 0 or n < sessions:  # a negative count: go on until killed
    sid = store.start_session(trainee=name, scenario_id=data["scenario_id"], scenario_version=1, seed=1)
    for turn, state in zip(data["turns"], data["states"]):
        store.record_turn(sid, turn, state)
    store.finish_session(sid, data["record"])
    n += 1
store.close()
print(n)
"""


def _data_file(tmp_path: Path, p: Played) -> Path:
    path = tmp_path / "played.json"
    path.write_text(json.dumps({"scenario_id": p.scenario_id, "turns": p.turns, "states": p.states,
                                "record": p.record}), encoding="utf-8")
    return path


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONIOENCODING": "utf-8"}


def _check_every_session(store: Store, p: Played) -> dict[str, int]:
    """Each session is whole up to its last committed turn; returns counts by status."""
    counts = {"finished": 0, "unfinished": 0, "empty": 0}
    for d in store.iter_details():
        idx = [t["index"] for t in d.turns]
        assert idx == list(range(1, len(idx) + 1)), f"{d.id}: turns {idx}"
        assert d.n_turns == len(idx)
        assert d.turns == p.turns[: len(idx)]
        if d.finished:
            assert d.record == p.record and len(idx) == len(p.turns)
            counts["finished"] += 1
        elif idx:
            assert store.resume_state(d.id).to_json() == p.states[len(idx) - 1]
            counts["unfinished"] += 1
        else:
            counts["empty"] += 1
    return counts


def test_concurrent_writer_processes_lose_nothing(db_url: str, played: Played, tmp_path: Path) -> None:
    data = _data_file(tmp_path, played)
    writers, each = 4, 12
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, db_url, str(data), f"w{i}", str(each)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
             for i in range(writers)]  # all open the new database at once: the schema is made once
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * writers, [err[-3000:] for _, err in outs]
    assert [int(out) for out, _ in outs] == [each] * writers
    with Store.open(db_url) as store:
        assert store.count_sessions() == writers * each
        for i in range(writers):
            assert store.count_sessions(trainee=f"w{i}", finished=True) == each
        assert _check_every_session(store, played) == {"finished": writers * each, "unfinished": 0, "empty": 0}
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM turns").scalar() == writers * each * len(played.turns)


def test_a_writer_killed_at_random_moments_leaves_whole_sessions(db_url: str, played: Played,
                                                                 tmp_path: Path) -> None:
    data = _data_file(tmp_path, played)
    rng = random.Random(4)
    with Store.open(db_url):
        pass  # schema made before the first kill, so every kill lands in the middle of turn writing
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, "-c", WORKER, db_url, str(data), "kit", "-1"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env())
        with Store.open(db_url) as watch:  # wait until it is writing, then kill it a moment later
            deadline = time.monotonic() + 60
            before = watch.count_sessions()
            while watch.count_sessions() <= before and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.02)
        time.sleep(rng.uniform(0.05, 0.4))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    with Store.open(db_url) as store:
        counts = _check_every_session(store, played)
        assert counts["finished"] >= 4
        assert counts["unfinished"] + counts["empty"] <= 4  # at most the call in progress at each kill
    if db_url.startswith("sqlite"):
        conn = sqlite3.connect(db_url.removeprefix("sqlite:///"))
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()


@pytest.mark.slow
def test_play_killed_mid_call_resumes_with_nothing_committed_lost(db_url: str, played: Played) -> None:
    cmd = [sys.executable, "-m", "callsim.cli", "play", SCENARIO, "--plain", "--db", db_url, "--trainee", "Kit"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, env=_env(), cwd=ROOT)
    assert proc.stdin is not None
    proc.stdin.write("\n".join(played.replies[:3]) + "\n")
    proc.stdin.flush()
    with Store.open(db_url) as store:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            open_calls = store.unfinished("Kit")
            if open_calls and open_calls[0].n_turns == 3:
                break
            time.sleep(0.05)
        proc.stdin.write(played.replies[3][:40])  # half-typed: the turn in progress
        proc.stdin.flush()
        time.sleep(0.2)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        [left] = store.unfinished("Kit")
        assert left.n_turns == 3
        assert [t.reply for t in store.resume_state(left.id).turns] == played.replies[:3]

    resumed = subprocess.run([*cmd[:4], "--plain", "--resume", "--db", db_url, "--trainee", "Kit"],
                             input="\n".join(played.replies[3:]) + "\n", capture_output=True, text=True,
                             env=_env(), cwd=ROOT, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert "Resuming your call: 3 replies so far." in resumed.stdout
    assert f"Saved as session {left.id}." in resumed.stdout
    expected = reference_record(played.replies)  # the same call, never interrupted
    with Store.open(db_url) as store:
        d = store.get(left.id)
        assert d.finished and d.record == expected and d.turns == expected["turns"]
        assert store.unfinished("Kit") == []


# --------------------------------------------------------------------------- "database is locked" at once


def _locked(msg: str = "database is locked") -> OperationalError:
    return OperationalError("SELECT version_num FROM alembic_version", {}, sqlite3.OperationalError(msg))


def test_opening_waits_out_a_lock_sqlite_reports_without_waiting(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # SQLite can answer "database is locked" at once, busy timeout or not (a read that must upgrade to a
    # write, another process's WAL recovery): several processes opening one new file together met it.
    real = Store._ensure_schema
    calls: list[int] = []

    def flaky(self: Store) -> None:
        calls.append(1)
        if len(calls) <= 2:
            raise _locked()
        real(self)

    monkeypatch.setattr(Store, "_ensure_schema", flaky)
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        assert store.schema_version() is not None
    assert len(calls) == 3


def test_a_lock_that_never_clears_ends_in_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import callsim.core.store as store_mod

    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_S", 0.2)
    calls: list[int] = []

    def always(self: Store) -> None:
        calls.append(1)
        raise _locked()

    monkeypatch.setattr(Store, "_ensure_schema", always)
    with pytest.raises(StoreError, match="cannot open the session database .*database is locked"):
        Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    assert 1 < len(calls) < 10  # tried again with a growing pause, then gave up


def test_other_database_errors_are_not_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def broken(self: Store) -> None:
        calls.append(1)
        raise _locked("disk I/O error")

    monkeypatch.setattr(Store, "_ensure_schema", broken)
    with pytest.raises(StoreError, match="disk I/O error"):
        Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    assert calls == [1]
