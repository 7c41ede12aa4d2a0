"""The local journal: a call the session store could not take, kept on this computer until it can.

When a write to the store fails (the file read-only or corrupt, the disk full, the team's PostgreSQL
down or restarting), :class:`~callsim.core.store.SessionRecorder` keeps the call here: one JSON-lines file
per call in ``journal/`` beside the settings (``home()/journal``), rewritten whole and atomically
(a temporary file, fsync, rename) at every turn, so a crash leaves the previous version or the new one,
never half a line (a kill between the two leaves the temporary file too: a later sync deletes it once it
is old). The first line says which call it is and which store it belongs to; then one line per turn (the
turn, and the call's state without its turns), and a last line with the record once the call ended.

:func:`sync` writes journalled calls into the store (at the next start of ``play``, ``run``,
``sessions`` or the app, and by the recorder itself when the store comes back mid-call) and deletes each
file once its whole call is stored. Syncing is idempotent: the session id is chosen before the first
write, a session or turn already stored is skipped, a call already finished is left as it is.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from callsim.core.store import Store

UNSAVED_EXIT = 3  # the exit status of play, run and the app while a call is only here, not yet in the store
SUFFIX = ".jsonl"
FORMAT = 1
STALE_TEMPORARY_S = 600  # a journal write's temporary file lives for one write: one this old was left by a crash
_live: set[Path] = set()  # journals a recorder in this process is still writing: never synced under it
_live_lock = threading.Lock()


def journal_dir() -> Path:
    """``journal/`` in callsim's data folder (where config.yaml and callsim.db live)."""
    from callsim.core.paths import journal_dir as folder

    return folder()


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat()


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


class Journal:
    """One call's journal file, written whole on every change (see the module docstring)."""

    def __init__(self, path: Path, header: dict[str, Any]) -> None:
        self.path = path
        self.header = header
        self.turns: list[dict[str, Any]] = []  # {"at", "turn", "state"} (state without its turns)
        self.finish: dict[str, Any] | None = None  # {"at", "record"}

    @classmethod
    def new(cls, session_id: str, *, store: str, started: datetime, details: dict[str, Any],
            folder: Path | None = None) -> Journal:
        header = {"kind": "call", "format": FORMAT, "session_id": session_id, "store": store,
                  "started": _iso(started), "pid": os.getpid(), "host": socket.gethostname(), **details}
        return cls((folder or journal_dir()) / f"{session_id}{SUFFIX}", header)

    @property
    def session_id(self) -> str:
        return str(self.header["session_id"])

    @property
    def store(self) -> str:
        return str(self.header.get("store") or "")

    def set_call(self, turns: Iterable[tuple[datetime, dict[str, Any], dict[str, Any]]],
                 finish: tuple[datetime, dict[str, Any]] | None) -> None:
        """Every turn of the call so far as (when, turn JSON, state JSON), and the record once it ended."""
        self.turns = [{"at": _iso(at), "turn": t, "state": _without_turns(s)} for at, t, s in turns]
        self.finish = None if finish is None else {"at": _iso(finish[0]), "record": finish[1]}

    def write(self) -> None:
        """Replace the file with the call as it is now: atomically, and on disk when this returns."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lines = [self.header, *({"kind": "turn", **t} for t in self.turns)]
        if self.finish is not None:
            lines.append({"kind": "finish", **self.finish})
        data = "".join(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in lines)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with open(fd, "w", encoding="utf-8") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        with _live_lock:
            _live.add(self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
        self.release()

    def release(self) -> None:
        """This process no longer writes the file (a later sync may take it)."""
        with _live_lock:
            _live.discard(self.path)

    @classmethod
    def read(cls, path: Path) -> Journal:
        """Read a journal file (raises ValueError when it is not one callsim can read)."""
        try:
            lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ValueError(f"cannot read {path.name}: {e}") from None
        if not lines or not isinstance(lines[0], dict) or lines[0].get("kind") != "call" \
                or not lines[0].get("session_id"):
            raise ValueError(f"{path.name} is not a callsim journal")
        if lines[0].get("format", FORMAT) > FORMAT:
            raise ValueError(f"{path.name} was written by a newer callsim")
        j = cls(path, lines[0])
        for line in lines[1:]:
            kind = line.get("kind") if isinstance(line, dict) else None
            if kind == "turn":
                j.turns.append({k: line[k] for k in ("at", "turn", "state")})
            elif kind == "finish":
                j.finish = {k: line[k] for k in ("at", "record")}
        return j

    def describe(self) -> str:
        """One line for `callsim sessions`: id, who, which scenario, how far."""
        n = len(self.turns)
        how = "finished" if self.finish is not None else "unfinished"
        started = _when(self.header.get("started"))
        when = started.astimezone().strftime("%Y-%m-%d %H:%M") if started else "?"
        return (f"{self.session_id} ({self.header.get('scenario_id', '?')}, {when}, "
                f"{n} turn{'' if n == 1 else 's'}, {how})")

    def in_use(self) -> bool:
        """Is a live recorder (in this process, or a running one on this computer) still writing it?"""
        with _live_lock:
            if self.path in _live:
                return True
        pid, host = self.header.get("pid"), self.header.get("host")
        if not isinstance(pid, int) or pid == os.getpid() or host != socket.gethostname():
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except OSError:  # it exists, and belongs to someone else
            return True
        return True


def _without_turns(state: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in state.items() if k != "turns"}


def pending(folder: Path | None = None) -> list[Journal]:
    """Every journalled call waiting to be saved, oldest first (unreadable files are skipped)."""
    folder = folder or journal_dir()
    out: list[Journal] = []
    try:
        paths = sorted(folder.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime)
    except OSError:
        return []
    for p in paths:
        try:
            out.append(Journal.read(p))
        except (ValueError, OSError):
            continue
    return out


def unreadable(folder: Path | None = None) -> list[tuple[Path, str]]:
    folder = folder or journal_dir()
    bad: list[tuple[Path, str]] = []
    try:
        paths = sorted(folder.glob(f"*{SUFFIX}"))
    except OSError:
        return []
    for p in paths:
        try:
            Journal.read(p)
        except (ValueError, OSError) as e:
            bad.append((p, str(e)))
    return bad


ATTEMPT_PREFIX = "drill-"  # a drill attempt the store did not take: drill-<drill id>-<milliseconds>-<random>.json


def keep_attempt(attempt: dict[str, Any], store: str, folder: Path | None = None) -> Path:
    """Keep a drill attempt the store ``store`` (its :func:`~callsim.core.store.store_target`) did not take, in
    one JSON file written whole (a temporary file renamed), until :func:`sync` writes it. Raises OSError when
    the folder cannot be written: the caller says so."""
    folder = folder or journal_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in str(attempt.get("drill_id", "attempt")))[:80]
    # the time, and a random part: two attempts kept in the same millisecond never share a file
    path = folder / f"{ATTEMPT_PREFIX}{name}-{int(datetime.now(UTC).timestamp() * 1000)}-{uuid.uuid4().hex[:8]}.json"
    body = {"format": FORMAT, "store": store, "taken": _iso(datetime.now(UTC)), "attempt": attempt}
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with open(fd, "w", encoding="utf-8") as out:
            json.dump(body, out, ensure_ascii=False, indent=2)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _sync_attempts(store: Store, folder: Path | None, result: SyncResult) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from callsim.core.store_errors import StoreError

    target = store.describe()
    try:
        paths = sorted((folder or journal_dir()).glob(f"{ATTEMPT_PREFIX}*.json"))
    except OSError:
        return
    for path in paths:
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
            attempt = body["attempt"]
            if body.get("store") != target:
                result.attempts_waiting.append(path)
                continue
            taken = _when(body.get("taken"))
        except (OSError, ValueError, KeyError, TypeError) as e:
            result.unusable.append((path, _reason(e)))
            continue
        if result.problem is not None:
            result.attempts_waiting.append(path)
            continue
        try:
            result.attempts_saved.append(store.save_attempt(attempt, taken=taken))
        except (StoreError, SQLAlchemyError) as e:
            result.problem = _reason(e)
            result.attempts_waiting.append(path)
            continue
        path.unlink(missing_ok=True)


@dataclass
class SyncResult:
    saved: list[str] = field(default_factory=list)  # session ids now whole in the store
    attempts_saved: list[str] = field(default_factory=list)  # drill attempts now in the store (their new ids)
    attempts_waiting: list[Path] = field(default_factory=list)  # drill attempts still only here
    waiting: list[Journal] = field(default_factory=list)  # still only in the journal
    problem: str | None = None  # why the store did not take them (first failure)
    unusable: list[tuple[Path, str]] = field(default_factory=list)  # journals callsim cannot write (and why)


def sync(store: Store, folder: Path | None = None, *,
         skip: Callable[[Journal], bool] | None = None) -> SyncResult:
    """Write every journalled call that belongs to ``store`` into it; remove each file once it is stored.

    Never raises for a store fault: what could not be written stays in the journal and is in ``waiting``
    (with the reason in ``problem``). Journals of another store, or one a running callsim is still writing,
    are left alone (and listed as waiting)."""
    from sqlalchemy.exc import SQLAlchemyError

    from callsim.core.store_errors import StoreError, UnreadableRecord

    result = SyncResult()
    target = store.describe()
    remove_stale_temporary(folder)
    for j in pending(folder):
        if j.store != target or j.in_use() or (skip is not None and skip(j)):
            result.waiting.append(j)
            continue
        if result.problem is not None:  # the store already failed once: do not hammer it
            result.waiting.append(j)
            continue
        try:
            write_call(store, j)
        except (UnreadableRecord, ValueError, KeyError, TypeError) as e:  # this file, not the store: keep it
            result.unusable.append((j.path, _reason(e)))
            continue
        except (StoreError, SQLAlchemyError) as e:
            result.problem = _reason(e)
            result.waiting.append(j)
            continue
        j.remove()
        result.saved.append(j.session_id)
    _sync_attempts(store, folder, result)
    return result


def remove_stale_temporary(folder: Path | None = None) -> list[Path]:
    """Delete the temporary files that journal writes killed mid-way left behind (the journal itself is whole:
    the rename never happened). Only old ones: a younger one may be a write under way in another callsim."""
    import time

    folder = folder or journal_dir()
    gone: list[Path] = []
    try:
        temporary = list(folder.glob(f".*{SUFFIX}.*"))
    except OSError:
        return gone
    for p in temporary:
        try:
            if time.time() - p.stat().st_mtime > STALE_TEMPORARY_S:
                p.unlink()
                gone.append(p)
        except OSError:
            continue
    return gone


def write_call(store: Store, j: Journal) -> None:
    """Write one journalled call into the store, skipping what is already there."""
    from callsim.core.record import CallRecord, CallState, Turn
    from callsim.core.store_errors import SessionExists, SessionFinished, TurnExists

    # Read everything first (a RecordFormatError is a ValueError): a file callsim cannot read writes nothing.
    seen: list[dict[str, Any]] = []
    for t in j.turns:
        Turn.from_json(t["turn"])
        seen.append(t["turn"])
        CallState.from_json({**t["state"], "turns": list(seen)})
    if j.finish is not None:
        CallRecord.from_json(j.finish["record"])
    h = j.header
    try:
        store.start_session(session_id=j.session_id, trainee=h["trainee"], scenario_id=h["scenario_id"],
                            scenario_version=h["scenario_version"], seed=h["seed"], mode=h.get("mode", "coaching"),
                            rubric_version=h.get("rubric_version", 1), started=_when(h.get("started")))
    except SessionExists:
        pass
    except KeyError as e:
        raise ValueError(f"{j.path.name} has no {e}") from None
    try:
        done: list[dict[str, Any]] = []
        for t in j.turns:
            done.append(t["turn"])
            try:
                store.record_turn(j.session_id, t["turn"], {**t["state"], "turns": list(done)}, at=_when(t["at"]))
            except TurnExists:
                pass
        if j.finish is not None:
            store.finish_session(j.session_id, j.finish["record"], at=_when(j.finish["at"]))
    except SessionFinished:
        pass  # finished already: the record brought every turn with it


def _reason(e: Exception) -> str:
    orig = getattr(e, "orig", None)
    lines = str(orig if orig is not None else e).strip().splitlines()
    return lines[0] if lines else type(e).__name__


__all__ = ["Journal", "SyncResult", "journal_dir", "pending", "remove_stale_temporary", "sync", "unreadable",
           "write_call"]
