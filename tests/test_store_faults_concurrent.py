"""Store faults under load and under SIGKILL: nothing committed or journalled is ever lost (issue 14).

Two faults test_store_faults.py does not make: 50 trainees' calls running at once while the team's
PostgreSQL is restarted under them, and a call killed (SIGKILL) at a random moment, with the store working
or failing, then started again. Every call runs in a real ``callsim play --plain`` process fed line by line
on stdin; PostgreSQL sits behind test_store_faults.Proxy, whose ``down()`` cuts every open connection and
refuses new ones, as a restarting server does.

The processes score with the rules only (the learned layer costs about a second of CPU a process, and 50 of
them share two cores): scoring plays no part in what is stored or journalled, and the calls are fixed
replies ended with /end, so every call's length is known.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import text

from callsim.core.journal import STALE_TEMPORARY_S, Journal, journal_dir, sync
from callsim.core.store import Store

from .conftest import ROOT
from .fixtures.store.calls import Played
from .test_store_faults import RUNNER, UNSAVED, Proxy, assert_plain, proxied, sync_later  # noqa: F401

pytest_plugins = ["tests.fixtures.store.backends"]  # pg_url (for proxied), played

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and the proxy are POSIX")

SCENARIO_FILE = str(ROOT / "scenarios" / "medical_emergency_uk.yaml")  # by path: no library scan per process
RULES_ONLY = r'''
from callsim.core import engine
from callsim.core.scorer import Scorer

_rules = Scorer(use_learned=False)
engine.default_scorer = lambda: _rules
'''
WAIT_S = 120.0  # the most any one step may take; a step that never comes fails the test with what it waited for


@pytest.fixture
def fast_runner(tmp_path: Path) -> Path:
    """test_store_faults' fault runner (FAULT=kind:arg), scoring with the rules only."""
    path = tmp_path / "fast_runner.py"
    path.write_text(RULES_ONLY + RUNNER, encoding="utf-8")
    return path


def wait_until(ok: Callable[[], bool], what: str, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not ok():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout:.0f} s waiting for {what}", pytrace=False)
        time.sleep(0.05)


class Caller:
    """One trainee: a `callsim play --plain` process, fed a line at a time; what it prints goes to files."""

    def __init__(self, runner: Path, folder: Path, name: str, url: str, *extra: str, fault: str = "",
                 trainee: str | None = None) -> None:
        self.name = name
        self.out_path, self.err_path = folder / f"{name}.out", folder / f"{name}.err"
        env = {**os.environ, "PYTHONIOENCODING": "utf-8", "FAULT": fault}
        with open(self.out_path, "w", encoding="utf-8") as out, open(self.err_path, "w", encoding="utf-8") as err:
            self.proc = subprocess.Popen(
                [sys.executable, str(runner), "play", *extra, "--plain", "--seed", "1", "--db", url,
                 "--trainee", trainee or name],
                stdin=subprocess.PIPE, stdout=out, stderr=err, text=True, env=env, cwd=ROOT)

    @property
    def stdin(self) -> IO[str]:
        assert self.proc.stdin is not None
        return self.proc.stdin

    def say(self, line: str) -> None:
        self.stdin.write(line + "\n")
        self.stdin.flush()

    def output(self) -> str:
        return self.out_path.read_text(encoding="utf-8") + self.err_path.read_text(encoding="utf-8")

    def prompts(self) -> int:
        """How many "> " prompts it has shown: after the first, each one means the turn before it has been
        recorded (in the store or the journal), as the recorder is called before the next prompt."""
        return ("\n" + self.out_path.read_text(encoding="utf-8")).count("\n> ")

    def ready_for(self, n: int) -> bool:
        if self.proc.poll() is not None:
            pytest.fail(f"{self.name} ended early ({self.proc.returncode}): {self.output()[-3000:]}", pytrace=False)
        return self.prompts() >= n

    def finish(self) -> int:
        self.stdin.close()
        return self.proc.wait(timeout=WAIT_S)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        if self.proc.stdin is not None:
            self.proc.stdin.close()


def journal_files(home: Path) -> list[Path]:
    """Everything in the journal folder, temporary files included."""
    folder = home / "journal"
    return sorted(folder.iterdir()) if folder.exists() else []


# --------------------------------------------------------------------------- 50 calls, PostgreSQL restarted


N_CALLS = 50


def test_fifty_concurrent_calls_through_a_postgresql_restart_lose_nothing(
        proxied: tuple[str, Proxy], fast_runner: Path, played: Played, tmp_path: Path,  # noqa: F811
        _isolated_home: Path) -> None:
    """50 calls at once; the server goes away while their second replies are being written and stays away
    for at least 2 s. Half end their call while it is away (exit 3, the call journalled), half go on and
    finish once it is back (exit 0). After a `callsim sessions` the store holds all 50 calls once, whole."""
    url, proxy = proxied
    proxy.up()
    replies = played.replies[:4]
    # even calls end during the outage after 3 replies, odd ones after 4 replies, once the server is back
    expected = {f"c{i:02d}": replies[:3] if i % 2 == 0 else replies[:4] for i in range(N_CALLS)}
    logs = tmp_path / "calls"
    logs.mkdir()
    callers = [Caller(fast_runner, logs, name, url, SCENARIO_FILE) for name in expected]
    ending_early, going_on = callers[0::2], callers[1::2]
    started = time.monotonic()
    try:
        wait_until(lambda: all(c.ready_for(1) for c in callers), "all 50 calls to start")
        for c in callers:  # turn 1, with the server up
            c.say(replies[0])
            time.sleep(0.01)
        wait_until(lambda: all(c.ready_for(2) for c in callers), "turn 1 of every call")
        for i, c in enumerate(callers):  # turn 2: the server goes away half-way through, mid-writes
            c.say(replies[1])
            if i == N_CALLS // 2:
                proxy.down()
                down_at = time.monotonic()
            time.sleep(0.01)
        wait_until(lambda: all(c.ready_for(3) for c in callers), "turn 2 of every call (stored or journalled)")
        for c in callers:  # turn 3, the server still away
            c.say(replies[2])
        wait_until(lambda: all(c.ready_for(4) for c in callers), "turn 3 of every call (journalled)")
        for c in ending_early:  # these end their call with the server away
            c.say("/end")
        codes_early = [c.finish() for c in ending_early]
        time.sleep(max(0.0, 2.0 - (time.monotonic() - down_at)))  # away for 2 s at least
        outage = time.monotonic() - down_at
        proxy.up()  # back: the others' next turn saves everything waiting
        for c in going_on:
            c.say(replies[3])
            c.say("/end")
            time.sleep(0.01)
        codes_on = [c.finish() for c in going_on]
    finally:
        for c in callers:
            c.kill()
    played_for = time.monotonic() - started
    for c in callers:
        assert_plain(subprocess.CompletedProcess([], 0, c.output(), ""))
    assert codes_early == [UNSAVED] * len(ending_early), [(c.name, c.output()[-2000:]) for c in ending_early]
    assert codes_on == [0] * len(going_on), [(c.name, c.output()[-2000:]) for c in going_on if c.proc.returncode]
    for c in ending_early:
        assert "not in the session store yet" in c.output() and "journal" in c.output()
    hit = [c for c in callers if "could not save" in c.output()]
    assert len(hit) >= len(ending_early)  # the outage was felt (at the least by every call ended in it)
    assert any("the session store is back" in c.output() for c in going_on)
    print(f"\n{N_CALLS} calls: played in {played_for:.1f} s, server away {outage:.1f} s, "
          f"{len(hit)} calls told a save failed")

    sync_later(fast_runner, _isolated_home, url)  # saves the journalled calls; no journal file is left
    assert journal_files(_isolated_home) == []  # nor any temporary file
    with Store.open(url) as store:
        details = list(store.iter_details())
        assert sorted(d.trainee for d in details) == sorted(expected)  # every call, each exactly once
        for d in details:
            want = expected[d.trainee]
            assert [t["reply"] for t in d.turns] == want, d.trainee
            assert [t["index"] for t in d.turns] == list(range(1, len(want) + 1)), d.trainee
            assert d.finished and d.n_turns == len(want) and d.record is not None
            assert d.record["turns"] == d.turns
        with store.engine.connect() as conn:
            stored = conn.execute(text("SELECT count(*) FROM turns")).scalar()
        assert stored == sum(len(v) for v in expected.values())  # no turn stored twice


# --------------------------------------------------------------------------- killed at random points


TRIALS = 10
CALL = 5  # replies in each call (then /end)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Proxy | None]]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'calls.db'}", None
    else:
        url, proxy = request.getfixturevalue("proxied")
        proxy.up()
        yield url, proxy


@pytest.mark.slow
def test_calls_killed_at_random_points_resume_with_nothing_lost(
        backend: tuple[str, Proxy | None], fast_runner: Path, played: Played, tmp_path: Path,
        _isolated_home: Path) -> None:
    """A seeded random point of a call, with the store working (even trials) or failing from a random turn
    on (odd trials: PostgreSQL cut off; on SQLite every turn write refused), a SIGKILL. Then, the store
    working, `play --resume`: what was journalled is readable (never torn), the start saves it, every turn
    the call had recorded before the kill is in the store, the call resumes there and goes to its end; it
    is stored once, each turn once, in order."""
    url, proxy = backend
    replies = played.replies[:CALL]
    rng = random.Random(14)
    logs = tmp_path / "calls"
    logs.mkdir()
    seen: list[str] = []
    Store.open(url).close()  # the schema exists before the first call
    for trial in range(TRIALS):
        name = f"kill{trial}"
        failing = trial % 2 == 1
        done = rng.randint(1, CALL - 1)  # turns recorded for sure before the kill ...
        down_from = rng.randint(1, done)  # ... the store failing from this turn on (failing trials)
        pause = rng.uniform(0.0, 0.06)  # ... and the kill this long after the next reply is sent
        fault = f"turns:{down_from}+" if failing and proxy is None else ""
        c = Caller(fast_runner, logs, name, url, SCENARIO_FILE, fault=fault)
        try:
            wait_until(partial(c.ready_for, 1), f"{name} to start")
            for i in range(done):
                if failing and proxy is not None and i + 1 == down_from:
                    proxy.down()
                c.say(replies[i])
                wait_until(partial(c.ready_for, i + 2), f"{name}'s turn {i + 1}")
            c.say(replies[done])  # the turn in progress ...
            time.sleep(pause)
        finally:
            c.kill()  # ... killed while it is scored, stored, journalled, or not yet read
        assert c.proc.returncode == -signal.SIGKILL
        assert_plain(subprocess.CompletedProcess([], 0, c.output(), ""))
        assert ("could not save" in c.output()) is failing, c.output()

        files = [p for p in journal_files(_isolated_home) if p.suffix == ".jsonl"]
        if failing:
            (path,) = files  # the call is journalled, and the file is whole: the old version or the new
            kept = Journal.read(path)
            n_kept = len(kept.turns)
            assert done <= n_kept <= done + 1, (name, n_kept)
            assert [t["turn"]["reply"] for t in kept.turns] == replies[:n_kept]
            assert [t["turn"]["index"] for t in kept.turns] == list(range(1, n_kept + 1))
            assert kept.finish is None
        else:
            assert files == []  # the store took every turn: nothing was journalled
        if proxy is not None and failing:
            proxy.up()  # the server is back

        # started again: it saves the journalled call, then resumes the call where the store has it
        again = Caller(fast_runner, logs, f"{name}-again", url, "--resume", trainee=name)
        try:
            wait_until(partial(again.ready_for, 1), f"{name} to resume")
            said = re.search(r"Resuming your call: (\d+) repl", again.output())
            assert said is not None, again.output()
            n = int(said.group(1))
            assert done <= n <= done + 1, (name, n)  # nothing recorded before the kill is lost
            if failing:
                assert n == n_kept  # exactly what the journal held
                assert "saved to the session store" in again.output()
            for r in replies[n:]:
                again.say(r)
            again.say("/end")
            code = again.finish()
        finally:
            again.kill()
        assert_plain(subprocess.CompletedProcess([], 0, again.output(), ""))
        assert code == 0, again.output()[-3000:]
        assert [p for p in journal_files(_isolated_home) if p.suffix == ".jsonl"] == []
        with Store.open(url) as store:
            (s,) = store.list_sessions(trainee=name)  # one session, never a second one
            d = store.get(s.id)
            assert again.output().count(f"Saved as session {s.id}.") == 1
            assert d.finished and [t["reply"] for t in d.turns] == replies
            assert [t["index"] for t in d.turns] == list(range(1, CALL + 1))
            assert d.record is not None and d.record["turns"] == d.turns
        seen.append(f"{'failing' if failing else 'working'}: {done} turns recorded, {n} stored at the kill")
    with Store.open(url) as store, store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM turns")).scalar() == TRIALS * CALL  # none twice
    leftovers = [p.name for p in journal_files(_isolated_home)]
    assert all(re.fullmatch(r"\.\w+\.jsonl\..+", n) for n in leftovers)  # at most a killed write's temporary file
    print(f"\n{TRIALS} kills on {url.split(':')[0]}: " + "; ".join(seen) + f"; left in journal/: {leftovers}")


def test_a_temporary_file_left_by_a_killed_journal_write_is_deleted_once_old(tmp_path: Path,
                                                                              _isolated_home: Path) -> None:
    """A kill between the temporary file and the rename leaves the journal whole and the temporary file
    behind (the PostgreSQL kills above left one); a later sync deletes it once it is old, never a young one
    (another callsim's write under way), and never counts either as a call."""
    folder = journal_dir()
    folder.mkdir(parents=True)
    stale, young = folder / ".k7m2p9q4rs.jsonl.a1b2c3", folder / ".q4rs7m2p9k.jsonl.d4e5f6"
    for p in (stale, young):
        p.write_text('{"kind":"call","format":1,"sess', encoding="utf-8")  # half a write
    old = time.time() - STALE_TEMPORARY_S - 60
    os.utime(stale, (old, old))
    with Store.open(f"sqlite:///{tmp_path / 'calls.db'}") as store:
        result = sync(store)
        assert result.saved == [] and result.waiting == [] and result.unusable == []
        assert store.count_sessions() == 0
    assert not stale.exists() and young.exists()


HAMMER = r'''
import sys
from datetime import UTC, datetime
from pathlib import Path

from callsim.core.journal import Journal

j = Journal.new("hammer0001", store="sqlite:///calls.db", started=datetime.now(UTC), details={"trainee": "Kit"},
                folder=Path(sys.argv[1]))
turns = []
while True:  # rewrites the journal as fast as it can, one turn more each time, until killed
    if len(turns) == 200:
        turns.clear()
    n = len(turns) + 1
    turns.append((datetime.now(UTC), {"index": n, "reply": f"{n}:" + "x" * 2000}, {"n": n}))
    j.set_call(turns, None)
    j.write()
    if n == 1 and len(sys.argv) > 2:
        print("ready", flush=True)
        del sys.argv[2]
'''


def _said_ready(out: Path, proc: subprocess.Popen[str]) -> bool:
    return "ready" in out.read_text(encoding="utf-8") or proc.poll() is not None


def test_a_journal_rewritten_under_sigkill_is_always_one_whole_version(tmp_path: Path) -> None:
    """The journal's own promise, with the kills landing inside its writes: a process rewrites one journal
    as fast as it can and is killed at a seeded random moment, 30 times; what is left is always one whole
    version (every line readable, turns 1..k complete), never a torn or empty file."""
    rng = random.Random(1414)
    torn_writes = 0
    for trial in range(30):
        folder = tmp_path / f"j{trial}"
        folder.mkdir()
        ready = folder.parent / f"ready{trial}"
        with open(ready, "w", encoding="utf-8") as out:
            proc = subprocess.Popen([sys.executable, "-c", HAMMER, str(folder), "say"], stdout=out,
                                    stderr=subprocess.PIPE, text=True, cwd=ROOT)
        try:
            wait_until(partial(_said_ready, ready, proc), "the journal's first write")
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            time.sleep(rng.uniform(0.0, 0.3))
        finally:
            proc.kill()
            proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        path = folder / "hammer0001.jsonl"
        kept = Journal.read(path)  # raises on a torn file
        k = len(kept.turns)
        assert k >= 1
        assert [t["turn"] for t in kept.turns] == [{"index": i, "reply": f"{i}:" + "x" * 2000}
                                                    for i in range(1, k + 1)]
        assert path.read_bytes().endswith(b"\n")
        others = [p.name for p in folder.iterdir() if p != path]
        assert len(others) <= 1 and all(n.startswith(".hammer0001.jsonl.") for n in others), others
        torn_writes += len(others)
    print(f"\n30 kills of a journal writer: {torn_writes} landed inside a write (temporary file left), "
          "0 journals torn")
