"""Store faults at every step of a call never lose it, never print a traceback (issue 14).

Faults are real where they can be made real whoever runs the tests (root ignores chmod): a damaged SQLite
file, a database opened read-only (SQLite's own ``mode=ro``), PostgreSQL behind a proxy that is switched
off, or that drops every connection mid-call (as a restart does). The rest (a turn, the end or a review
refused as read-only, disk full, locked) are raised by the real store methods, wrapped as SQLAlchemy wraps
SQLite's errors, with the SQL and its parameters attached, so the tests also show that neither reaches the
trainee. Each call runs in a real ``callsim`` process; afterwards the journal must hold every turn, the exit
status must be non-zero, and a later ``callsim sessions`` must put the whole call in the store exactly once.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, OperationalError

from callsim.core.journal import pending
from callsim.core.store import SessionRecorder, Store

from .conftest import ROOT
from .fixtures.store.calls import SCENARIO, Played

pytest_plugins = ["tests.fixtures.store.backends"]  # pg_url, played

UNSAVED = 3
# Runs `callsim` with one fault put into the real store (FAULT=kind:arg, FAULT_MSG=SQLite's words).
RUNNER = r'''
import os, sqlite3, sys
from sqlalchemy.exc import OperationalError
from callsim.core import store as st

kind, _, arg = os.environ.get("FAULT", "").partition(":")
msg = os.environ.get("FAULT_MSG", "attempt to write a readonly database")


def boom():
    return OperationalError("INSERT INTO turns (session_id, idx, reply) VALUES (?, ?, ?)",
                            ("s", 1, "SECRET-PARAM"), sqlite3.OperationalError(msg))


def failing(name, when=lambda *a, **k: True):
    real = getattr(st.Store, name)

    def method(self, *a, **k):
        if when(*a, **k):
            raise boom()
        return real(self, *a, **k)

    setattr(st.Store, name, method)


if kind == "start":
    failing("start_session")
elif kind == "turns":  # these turn numbers fail; "N+" fails N and every turn after it
    first = int(arg.rstrip("+")) if arg.endswith("+") else None
    bad = {int(x) for x in arg.split(",")} if first is None else set()
    failing("record_turn", lambda sid, turn, state, **k: (
        (lambda i: i in bad or (first is not None and i >= first))(st._read(st.Turn, turn).index)))
elif kind == "turn-once":  # that turn fails the first time only (the store is back for the next turn)
    tries = []
    failing("record_turn", lambda sid, turn, state, **k: (
        st._read(st.Turn, turn).index == int(arg) and not tries and not tries.append(1)))
elif kind == "finish":
    failing("finish_session")
elif kind == "writes":
    for name in ("start_session", "record_turn", "finish_session", "add_review"):
        failing(name)
elif kind == "review":
    failing("add_review")
elif kind == "reads":  # once the store is open, every statement fails (a file damaged past its schema pages)
    import sqlalchemy.engine.base as base
    from sqlalchemy.exc import DatabaseError

    armed = []
    real_open = st.Store.open.__func__

    def open_(cls, *a, **k):
        store = real_open(cls, *a, **k)
        armed.append(1)
        return store

    st.Store.open = classmethod(open_)
    real_execute = base.Connection.execute

    def execute(self, statement, *a, **k):
        if armed:
            raise DatabaseError(str(statement)[:300], {"p": "SECRET-PARAM"}, sqlite3.DatabaseError(msg))
        return real_execute(self, statement, *a, **k)

    base.Connection.execute = execute

from callsim.cli import main
sys.exit(main(sys.argv[1:]))
'''


@pytest.fixture
def runner(tmp_path: Path) -> Path:
    path = tmp_path / "fault_runner.py"
    path.write_text(RUNNER, encoding="utf-8")
    return path


def cli(runner: Path, *args: str, stdin: str = "", fault: str = "", msg: str | None = None,
        ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "FAULT": fault}
    if msg:
        env["FAULT_MSG"] = msg
    return subprocess.run([sys.executable, str(runner), *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)


def assert_plain(p: subprocess.CompletedProcess[str]) -> None:
    """No traceback, and nothing of the SQL or its parameters, in anything printed."""
    out = p.stdout + p.stderr
    assert "Traceback" not in out, out
    assert "INSERT INTO" not in out and "SECRET-PARAM" not in out and "[SQL" not in out, out


def journal(home: Path) -> list[dict[str, Any]]:
    """The one journal file's lines (there must be exactly one)."""
    files = sorted((home / "journal").glob("*.jsonl"))
    assert len(files) == 1, files
    return [json.loads(line) for line in files[0].read_text(encoding="utf-8").splitlines()]


def assert_whole_call_once(url: str, p: Played, *, finished: bool) -> str:
    with Store.open(url) as store:
        (s,) = store.list_sessions()  # exactly one session
        d = store.get(s.id)
        assert [t["index"] for t in d.turns] == list(range(1, len(p.turns) + 1))
        assert [t["reply"] for t in d.turns] == [t["reply"] for t in p.turns]
        assert d.finished is finished and d.n_turns == len(p.turns)
        if finished:
            assert d.record is not None and d.record["turns"] == d.turns
        return s.id


def sync_later(runner: Path, home: Path, url: str) -> subprocess.CompletedProcess[str]:
    """`callsim sessions` with the store working again: it saves the journal, then lists the call."""
    p = cli(runner, "sessions", "--db", url)
    assert_plain(p)
    assert p.returncode == 0, p.stderr
    assert "saved to the session store" in p.stderr
    assert not list((home / "journal").glob("*.jsonl"))
    return p


STEPS = {  # a fault at each step of a call: the store opening, the session start, each turn, the end
    "open": ("", None),  # (the file is damaged: see below)
    "start": ("start", None),
    "turn 1": ("turns:1", None),
    "turn 2 onwards": ("turns:2+", "database or disk is full"),
    "the last turn": ("turns:{last}", "database is locked"),
    "the end": ("finish", "attempt to write a readonly database"),
    "every write": ("writes", "attempt to write a readonly database"),
}


@pytest.mark.parametrize("command", ["play", "run"])
@pytest.mark.parametrize("step", list(STEPS))
def test_a_sqlite_fault_at_any_step_keeps_the_call_and_a_later_start_saves_it_once(
        step: str, command: str, runner: Path, played: Played, tmp_path: Path, _isolated_home: Path) -> None:
    home = _isolated_home
    db = tmp_path / "calls.db"
    url = f"sqlite:///{db}"
    fault, msg = STEPS[step]
    fault = fault.replace("{last}", str(len(played.turns)))
    if step == "open":
        db.write_bytes(b"this is not a database" * 300)
    replies = "\n".join(played.replies) + "\n"
    if command == "play":
        p = cli(runner, "play", SCENARIO, "--plain", "--db", url, stdin=replies, fault=fault, msg=msg)
    else:
        p = cli(runner, "run", SCENARIO, "--replies", "-", "--db", url, stdin=replies, fault=fault, msg=msg)
    assert_plain(p)
    assert p.returncode == UNSAVED, (p.returncode, p.stderr)
    told = p.stdout + p.stderr
    assert "not in the session store yet" in told and "journal" in told  # at the end, with where it is
    if step == "open":
        assert "the session store is unreachable" in p.stderr  # said at the start, and the call went on
    else:
        assert "could not save" in p.stderr  # said at once, when the first write failed
    lines = journal(home)
    assert [t["turn"]["index"] for t in lines if t["kind"] == "turn"] == list(range(1, len(played.turns) + 1))
    assert lines[-1]["kind"] == "finish" and lines[0]["store"] == url
    if step == "open":
        db.unlink()  # the damaged file is replaced (a new one is made)
    # a second listing while the journal is waiting says so (the store still failing for "every write")
    sync_later(runner, home, url)
    sid = assert_whole_call_once(url, played, finished=True)
    assert sid == lines[0]["session_id"]  # the id the trainee was told is the one stored
    p = cli(runner, "sessions", "--db", url)  # syncing again adds nothing
    assert p.returncode == 0 and "saved to the session store" not in p.stderr
    assert_whole_call_once(url, played, finished=True)


def test_a_store_that_comes_back_mid_call_takes_every_turn_and_exits_0(
        runner: Path, played: Played, tmp_path: Path, _isolated_home: Path) -> None:
    url = f"sqlite:///{tmp_path / 'calls.db'}"
    p = cli(runner, "play", SCENARIO, "--plain", "--db", url, stdin="\n".join(played.replies) + "\n",
            fault="turn-once:2")
    assert_plain(p)
    assert p.returncode == 0, p.stderr
    assert "could not save turn 2" in p.stderr and "the session store is back" in p.stderr
    assert not list((_isolated_home / "journal").glob("*.jsonl"))  # removed once the store had it all
    assert_whole_call_once(url, played, finished=True)


def test_a_call_left_unfinished_with_the_store_down_is_journalled_and_resumable_later(
        runner: Path, played: Played, tmp_path: Path, _isolated_home: Path) -> None:
    url = f"sqlite:///{tmp_path / 'calls.db'}"
    first = played.replies[:2]
    p = cli(runner, "play", SCENARIO, "--plain", "--db", url, stdin="\n".join(first) + "\n", fault="writes")
    assert_plain(p)
    assert p.returncode == UNSAVED and "Resume it with" not in p.stdout
    lines = journal(_isolated_home)
    assert [t["kind"] for t in lines] == ["call", "turn", "turn"]
    sync_later(runner, _isolated_home, url)
    with Store.open(url) as store:
        (s,) = store.unfinished()
        assert s.id == lines[0]["session_id"] and s.n_turns == 2
        assert store.resume_state(s.id).to_json() == played.states[1]  # resumable where it stopped


def test_a_database_opened_read_only_keeps_the_call(runner: Path, played: Played, tmp_path: Path,
                                                   _isolated_home: Path) -> None:
    """A genuinely read-only store (SQLite refuses every write, even for root): nothing is lost."""
    db = tmp_path / "calls.db"
    Store.open(f"sqlite:///{db}").close()
    url = f"sqlite:///file:{db}?mode=ro&uri=true"
    p = cli(runner, "play", SCENARIO, "--plain", "--db", url, stdin="\n".join(played.replies) + "\n")
    assert_plain(p)
    assert p.returncode == UNSAVED
    assert "read-only" in p.stderr
    lines = journal(_isolated_home)
    assert len([t for t in lines if t["kind"] == "turn"]) == len(played.turns) and lines[-1]["kind"] == "finish"
    p = cli(runner, "sessions", "--db", url)  # still read-only: the call is listed as waiting
    assert_plain(p)
    assert "1 call waiting to be saved" in p.stdout + p.stderr
    assert not (ROOT / "file:").exists()  # the URI names a file by path; no 'file:' folder in the working directory


def test_sessions_with_the_store_unreachable_says_what_is_waiting(runner: Path, played: Played, tmp_path: Path,
                                                                   _isolated_home: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database" * 500)
    url = f"sqlite:///{bad}"
    for replies in (played.replies, played.replies[:1]):
        p = cli(runner, "play", SCENARIO, "--plain", "--db", url, stdin="\n".join(replies) + "\n")
        assert p.returncode == UNSAVED
    p = cli(runner, "sessions", "--db", url)
    assert_plain(p)
    assert p.returncode == 1
    assert "2 calls waiting to be saved" in p.stderr and "finished" in p.stderr and "unfinished" in p.stderr


# --------------------------------------------------------------------------- the other commands


def damaged_copy(tmp_path: Path, played: Played, *, damage: bool = True) -> tuple[str, str]:
    """A store with one finished call, then its pages overwritten: SQLite opens it and fails on reading."""
    db = tmp_path / "damaged.db"
    with Store.open(f"sqlite:///{db}") as store:
        sid = store.start_session(trainee="Amy", scenario_id=played.scenario_id,
                                  scenario_version=played.scenario_version, seed=1)
        for t, s in zip(played.turns, played.states, strict=True):
            store.record_turn(sid, t, s)
        store.finish_session(sid, played.record)
    if not damage:
        return f"sqlite:///{db}", sid
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    data = bytearray(db.read_bytes())
    page = 4096
    for start in range(page * 2, len(data), page):  # keep the header page and the schema page
        data[start:start + page] = b"\xa5" * page
    db.write_bytes(bytes(data))
    return f"sqlite:///{db}", sid


@pytest.mark.parametrize("args", [
    ["sessions"], ["show", "{sid}"], ["show", "{sid}", "--json"], ["export"], ["export", "--format", "jsonl"],
    ["report", "-o", "-"], ["review", "{sid}", "--comment", "Good"],
])
@pytest.mark.parametrize("when", ["at open", "mid-command"])
def test_read_commands_on_a_damaged_store_say_so_plainly(when: str, args: list[str], runner: Path, played: Played,
                                                        tmp_path: Path) -> None:
    """A damaged file fails as it is opened; one damaged past its schema pages fails on the first read."""
    url, sid = damaged_copy(tmp_path, played, damage=when == "at open")
    fault = "" if when == "at open" else "reads"
    p = cli(runner, *[a.replace("{sid}", sid) for a in args], "--db", url, fault=fault,
            msg="database disk image is malformed")
    assert_plain(p)
    assert "SELECT" not in p.stderr
    assert p.returncode == 1 and p.stderr.startswith("callsim: ")
    assert "damaged" in p.stderr or "malformed" in p.stderr, p.stderr


@pytest.mark.parametrize(("fault", "words"), [
    ("review", "read-only"), ("review|database or disk is full", "disk is full"),
])
def test_a_review_the_store_refuses_is_a_message(fault: str, words: str, runner: Path, played: Played,
                                                tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'calls.db'}"
    with Store.open(url) as store:
        sid = store.start_session(trainee="Amy", scenario_id="x", scenario_version=1, seed=1)
    kind, _, msg = fault.partition("|")
    p = cli(runner, "review", sid, "--comment", "Good work", "--db", url, fault=kind, msg=msg or None)
    assert_plain(p)
    assert p.returncode == 1 and words in p.stderr


# --------------------------------------------------------------------------- the apps


def sql_error(msg: str) -> OperationalError:
    return OperationalError("INSERT INTO reviews (session_id, comment) VALUES (?, ?)", ("s", "SECRET-PARAM"),
                            sqlite3.OperationalError(msg))


async def test_the_review_dialog_keeps_the_comment_when_saving_fails(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Input

    from callsim.tui.review.screens.review_dialog import ReviewDialog
    from callsim.tui.review.screens.session import SessionScreen

    from .test_review import open_row
    from .test_review_support import make_app, open_store, settle

    store, _clock, made = open_store(tmp_path)
    app = make_app(store)
    refuse = [True]
    real = store.add_review

    def add_review(*a: Any, **k: Any) -> None:
        if refuse:
            raise sql_error("attempt to write a readonly database")
        real(*a, **k)

    monkeypatch.setattr(store, "add_review", add_review)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_row(pilot, made[0])
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#rv-comment", Input).value = "Slow down when she is upset"
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReviewDialog)  # still open ...
        assert dialog.query_one("#rv-comment", Input).value == "Slow down when she is upset"  # ... with the text
        said = str(dialog.query_one("#rv-error").render())
        assert said == ("Could not save the review: the session database is read-only. "
                        "Your comment is still here.")
        assert store.get(made[0].id).reviews == []
        refuse.clear()  # the database is writable again: the same dialog saves
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert [r.comment for r in store.get(made[0].id).reviews] == ["Slow down when she is upset"]
    store.close()


async def test_a_damaged_store_shows_a_plain_message_in_the_review_table(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from callsim.core.review_data import ReviewData
    from callsim.tui.review.screens.sessions import SessionsScreen

    from .test_review_support import make_app, open_store, settle, wait_for

    store, _clock, _made = open_store(tmp_path)

    def page(*a: Any, **k: Any) -> Any:
        raise DatabaseError("SELECT sessions.id FROM sessions LIMIT ?", (100,),
                            sqlite3.DatabaseError("database disk image is malformed"))

    monkeypatch.setattr(ReviewData, "page", page)
    app = make_app(store)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SessionsScreen), "the sessions table")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SessionsScreen)
        status = str(screen.query_one("#rv-status").render())
        assert "Could not read the sessions: the session database file is damaged." in status
        assert "loading more" not in status and "SELECT" not in status
        notes = [n.message for n in app._notifications]
        assert notes and not any("SELECT" in n or "[SQL" in n for n in notes)
    store.close()


async def test_the_app_says_what_is_unsaved_on_quit_and_exits_3(_isolated_home: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_tui_support import GOOD_REPLIES, install_fixture, make_app, only_fixture, open_call, say, wait_for

    install_fixture(_isolated_home)
    only_fixture(monkeypatch, tmp_path)

    def unreachable() -> Any:
        return Store.open("postgresql://u:pw@127.0.0.1:1/nothing")

    app = make_app(store=unreachable)
    async with app.run_test() as pilot:
        await open_call(pilot)
        await say(pilot, GOOD_REPLIES[0])
        await wait_for(pilot, lambda: app.saves_failing, "the trainee to be told")
        notes = [n.message for n in app._notifications if "could not be saved" in n.message]
        assert len(notes) == 1 and "kept on this computer" in notes[0] and "pw" not in notes[0]
        await app.action_quit()
    assert app.return_code == UNSAVED
    kept = pending()
    assert len(kept) == 1 and [t["turn"]["reply"] for t in kept[0].turns] == [GOOD_REPLIES[0]]


# --------------------------------------------------------------------------- PostgreSQL


class Proxy:
    """A TCP proxy in front of the test server: ``down()`` refuses connections and cuts every open one (as a
    stopped or restarting server does); ``up()`` forwards again. The URL never changes."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self._listener: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()

    def up(self) -> None:
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", self.port))
        ls.listen(64)  # 50 concurrent calls reconnect at once (test_store_faults_concurrent.py)
        self._listener = ls
        threading.Thread(target=self._accept, args=(ls,), daemon=True).start()

    def down(self) -> None:
        if self._listener is not None:
            try:  # wakes the thread blocked in accept(), which would otherwise keep the port listening
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        with self._lock:
            for c in self._conns:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                c.close()
            self._conns.clear()

    def _accept(self, ls: socket.socket) -> None:
        while True:
            try:
                client, _ = ls.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not ls:  # down() ran while this one was being connected: cut it too
                    client.close()
                    server.close()
                    return
                self._conns += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@pytest.fixture
def proxied(pg_url: str) -> Iterator[tuple[str, Proxy]]:
    u = make_url(pg_url)
    proxy = Proxy(u.host or "127.0.0.1", u.port or 5432)
    Store.open(pg_url).close()  # the schema exists before the proxy goes down
    yield u.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False), proxy
    proxy.down()


def test_postgresql_down_at_start_the_call_is_practised_journalled_and_synced(
        proxied: tuple[str, Proxy], runner: Path, played: Played, _isolated_home: Path) -> None:
    url, proxy = proxied  # down: nothing listens on its port
    p = cli(runner, "play", SCENARIO, "--plain", "--db", url, stdin="\n".join(played.replies) + "\n")
    assert_plain(p)
    assert p.returncode == UNSAVED
    assert "the session store is unreachable" in p.stderr and "journal" in p.stderr
    assert "Aim for" in p.stdout or "DEBRIEF" in p.stdout  # the call was played to its debrief
    lines = journal(_isolated_home)
    assert len([t for t in lines if t["kind"] == "turn"]) == len(played.turns)
    proxy.up()
    sync_later(runner, _isolated_home, url)
    assert_whole_call_once(url, played, finished=True)


def test_postgresql_restarted_mid_call_loses_nothing(proxied: tuple[str, Proxy], played: Played,
                                                     _isolated_home: Path) -> None:
    """The recorder the app, plain mode and run all use: the server goes away after turn 1 and is back for
    the last turn; every turn is in the store once, the journal is gone."""
    url, proxy = proxied
    proxy.up()
    said: list[str] = []
    store = Store.open(url)
    rec = SessionRecorder(store, trainee="Amy", scenario_id=played.scenario_id,
                          scenario_version=played.scenario_version, seed=1, warn=said.append)
    rec.turn(played.turns[0], played.states[0])
    proxy.down()  # the server restarts: open connections are cut, new ones refused
    for t, s in zip(played.turns[1:-1], played.states[1:-1], strict=True):
        rec.turn(t, s)
    assert rec.failed and rec.unsaved == len(played.turns) - 2 and rec.journal_path is not None
    assert len(said) == 1 and "could not save turn 2" in said[0]
    kept = [t["turn"]["index"] for t in pending()[0].turns]
    assert kept == list(range(1, len(played.turns)))  # the journal holds every turn so far
    proxy.up()
    rec.turn(played.turns[-1], played.states[-1])
    rec.finish(played.record)
    assert not rec.failed and rec.unsaved == 0 and "back" in said[-1]
    assert not pending()
    store.close()
    assert_whole_call_once(url, played, finished=True)


# --------------------------------------------------------------------------- the journal itself


def test_the_journal_is_replaced_whole_and_a_failing_journal_is_said(played: Played, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A journal write that fails part-way (disk full) leaves the previous version whole, no temporary file,
    and the trainee is told that the call is now not kept; the journal catching up later is complete."""
    import callsim.core.journal as journal_module

    said: list[str] = []
    store = Store.open(f"sqlite:///{tmp_path / 'calls.db'}")

    def refuse(*a: Any, **k: Any) -> None:
        raise sql_error("attempt to write a readonly database")

    monkeypatch.setattr(store, "record_turn", refuse)
    rec = SessionRecorder(store, trainee="Amy", scenario_id=played.scenario_id,
                          scenario_version=played.scenario_version, seed=1, warn=said.append)
    rec.turn(played.turns[0], played.states[0])
    path = rec.journal_path
    assert path is not None and len(said) == 1 and "kept on this computer" in said[0]
    before = path.read_bytes()

    def disk_full(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    real_replace = journal_module.os.replace

    monkeypatch.setattr(journal_module.os, "replace", disk_full)
    rec.turn(played.turns[1], played.states[1])
    assert path.read_bytes() == before  # the previous version, whole
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind
    assert len(said) == 2 and "could not be kept in the journal either (No space left on device)" in said[1]
    assert rec.journal_problem
    monkeypatch.setattr(journal_module.os, "replace", real_replace)  # the disk has room again
    rec.turn(played.turns[2], played.states[2])
    assert not rec.journal_problem
    assert [t["turn"]["index"] for t in pending()[0].turns] == [1, 2, 3]
    rec.close()
    store.close()


async def test_the_app_saves_the_call_when_the_store_comes_back_mid_call(_isolated_home: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from callsim.core.store_thread import default_opener
    from tests.test_tui_support import GOOD_REPLIES, install_fixture, make_app, only_fixture, open_call, say, wait_for

    install_fixture(_isolated_home)
    only_fixture(monkeypatch, tmp_path)
    url = f"sqlite:///{tmp_path / 'calls.db'}"
    down = [True]
    real = default_opener(url)

    def flaky() -> Any:
        if down:
            return Store.open("postgresql://u:pw@127.0.0.1:1/nothing")  # refused: the server is down
        return real()

    app = make_app(store=flaky)
    async with app.run_test() as pilot:
        await open_call(pilot)
        await say(pilot, GOOD_REPLIES[0])
        await wait_for(pilot, lambda: app.saves_failing == "kept", "the trainee to be told")
        assert len(pending()) == 1
        down.clear()  # the server is back
        await say(pilot, GOOD_REPLIES[1])
        await wait_for(pilot, lambda: not app.saves_failing, "the store to take the call")
        assert any("store is back" in n.message for n in app._notifications)
        assert not pending()
        await app.action_quit()
    assert app.return_code == 0
    with Store.open(url) as store:
        (s,) = store.list_sessions()
        assert [t["reply"] for t in store.get(s.id).turns] == list(GOOD_REPLIES[:2])


def test_a_damaged_journal_file_is_left_alone_and_the_others_are_saved(runner: Path, played: Played,
                                                                       tmp_path: Path, _isolated_home: Path) -> None:
    url = f"sqlite:///{tmp_path / 'calls.db'}"
    p = cli(runner, "play", SCENARIO, "--plain", "--db", url, stdin="\n".join(played.replies) + "\n",
            fault="writes")
    assert p.returncode == UNSAVED
    folder = _isolated_home / "journal"
    header = {**journal(_isolated_home)[0], "session_id": "zzzzzzzzzz"}
    bad_turn = folder / "zzzzzzzzzz.jsonl"
    bad_turn.write_text(json.dumps(header) + "\n" + json.dumps({"kind": "turn", "at": "x", "turn": {"what": 1},
                                                                "state": {}}) + "\n", encoding="utf-8")
    garbage = folder / "yyyyyyyyyy.jsonl"
    garbage.write_text("{not json\n", encoding="utf-8")
    p = cli(runner, "sessions", "--db", url)
    assert_plain(p)
    assert p.returncode == 0
    assert "1 call kept in the journal now saved" in p.stderr
    assert p.stderr.count("cannot use the journal file") == 2
    assert bad_turn.exists() and garbage.exists()  # left for a person to look at, never deleted
    assert_whole_call_once(url, played, finished=True)
