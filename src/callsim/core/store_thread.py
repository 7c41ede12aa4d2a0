"""The session store, seen from the app: every store call runs on one background thread, in order.

One thread (not one per write) because a SQLite connection belongs to the thread that opened it, and
because a call's writes must land in order: the session is started before its first turn, and the last
turn before the record. The app awaits the returned futures in Textual workers, so nothing here ever
blocks typing. Nothing here imports Textual.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from callsim.core.record import CallRecord, CallState, Turn
    from callsim.core.store import SessionRecorder

T = TypeVar("T")
log = logging.getLogger("callsim.tui")
StoreOpener = Callable[[], Any]


def default_opener(url: str | None = None, clock: Callable[[], Any] | None = None) -> StoreOpener:
    def open_store() -> Any:
        from callsim.core.journal import sync
        from callsim.core.store import Store  # deferred: sqlite and the store only load when first used

        store = Store.open(url=url, clock=clock)
        try:  # calls kept in the journal while the store was unreachable go in now
            result = sync(store)
            if result.saved or result.problem:
                log.info("journal: saved %s; %d waiting (%s)", result.saved, len(result.waiting), result.problem)
        except Exception:  # noqa: BLE001 - syncing never stops the app; the calls stay in the journal
            log.exception("journal sync failed")
        return store

    return open_store


class NotSaved(RuntimeError):
    """A write the store did not take: the call is kept in the journal (the message says why, in plain words)."""


class Recorder:
    def __init__(self, opener: StoreOpener, url: str | None = None) -> None:
        self._opener = opener
        self.url = url  # the store asked for (None: CALLSIM_DATABASE_URL or the local file), for the journal
        self._store: Any = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="callsim-store")
        self._lock = threading.Lock()
        self._closed = False
        self.logs: list[SessionLog] = []  # every call's log, to say at the end what is still unsaved

    def open_store(self) -> Any:
        """The store, opened the first time (and again after a failed open). Only on the store thread."""
        if self._store is None:
            self._store = self._opener()
        return self._store

    def submit(self, fn: Callable[[Any], T]) -> Future[T]:
        """Run ``fn(store)`` on the store thread (opening the store the first time)."""
        return self.call(lambda: fn(self.open_store()))

    def call(self, fn: Callable[[], T]) -> Future[T]:
        """Run ``fn()`` on the store thread, in order with every other store call."""
        with self._lock:
            if self._closed:
                failed: Future[T] = Future()
                failed.set_exception(RuntimeError("the session store is closed"))
                return failed
            return self._executor.submit(fn)

    def unsaved(self) -> list[SessionLog]:
        """The calls with turns (or a record) only in the local journal, not yet in the store."""
        return [log for log in self.logs if log.unsaved]

    def close(self, wait: bool = True) -> None:
        """Finish pending writes, then close the store."""
        with self._lock:
            if self._closed:
                return
            self._closed = True

        def shut() -> None:
            for one in self.logs:
                one.close()
            close = getattr(self._store, "close", None)
            if callable(close):
                close()

        self._executor.submit(shut)
        self._executor.shutdown(wait=wait)


class SessionLog:
    """One call's session in the store, on the store thread: start, one write per turn, then the record.

    The writing itself is the store's :class:`~callsim.core.store.SessionRecorder` (the one plain mode uses),
    so a turn whose write fails is kept in the local journal and written when the store is back (even when
    the store could not be opened at all); the failure still reaches the app (the future raises
    :class:`NotSaved`) so the trainee is told."""

    def __init__(self, recorder: Recorder, *, trainee: str, scenario_id: str, scenario_version: int, seed: int,
                 mode: str, session_id: str | None = None, rubric_version: int = 1) -> None:
        self.recorder = recorder
        self.session_id = session_id
        self.finished = False
        self._details = {"trainee": trainee, "scenario_id": scenario_id, "scenario_version": scenario_version,
                         "seed": seed, "mode": mode, "rubric_version": rubric_version}
        self._writer: SessionRecorder | None = None
        self._problem = ""
        recorder.logs.append(self)

    @property
    def unsaved(self) -> int:
        """Writes not in the store yet (kept in the journal): 0 when everything is saved."""
        return 0 if self._writer is None else self._writer.unsaved

    @property
    def problem(self) -> str:
        return "" if self._writer is None else self._writer.problem

    @property
    def journal_path(self) -> Any:
        return None if self._writer is None else self._writer.journal_path

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()

    def _run(self, fn: Callable[[SessionRecorder], T]) -> Future[T]:
        def run() -> T:
            if self._writer is None:
                from callsim.core.store import SessionRecorder, plain_reason, store_target

                try:
                    store = self.recorder.open_store()
                except Exception as e:  # noqa: BLE001 - unreachable: the call is journalled instead
                    store = None
                    self._problem = f"the session store is unreachable ({plain_reason(e)})"
                self._writer = SessionRecorder(store, session_id=self.session_id, warn=self._note,
                                               reopen=self.recorder.open_store, target=store_target(self.recorder.url),
                                               **self._details)  # type: ignore[arg-type]
                if store is None:
                    self._writer.problem = self._problem
            result = fn(self._writer)
            self.session_id = self._writer.session_id
            if self._writer.failed:
                where = ("it is kept on this computer and will be saved when the store is back"
                         if not self._writer.journal_problem
                         else f"it could not be kept on this computer either ({self._writer.journal_problem})")
                raise NotSaved(f"{self._writer.problem or self._problem}; {where}")
            return result

        return self.recorder.call(run)

    def _note(self, problem: str) -> None:
        self._problem = problem

    def start(self) -> Future[str]:
        return self._run(lambda w: w.start())

    def turn(self, turn: Turn, state: CallState) -> Future[None]:
        return self._run(lambda w: w.turn(turn, state))

    def finish(self, record: CallRecord) -> Future[None]:
        self.finished = True
        return self._run(lambda w: w.finish(record))