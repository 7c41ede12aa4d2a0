"""The session store, seen from the app: every store call runs on one background thread, in order.

One thread (not one per write) because a SQLite connection belongs to the thread that opened it, and
because a call's writes must land in order: the session is started before its first turn, and the last
turn before the record. The app awaits the returned futures in Textual workers, so nothing here ever
blocks typing. Nothing here imports Textual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from callsim.core.record import CallRecord, CallState, Turn
    from callsim.core.store import SessionRecorder

T = TypeVar("T")
WHAT_IF = "what-if"  # the mode of a call rewound to a turn: kept out of trends and best results
StoreOpener = Callable[[], Any]


def default_opener(url: str | None = None, clock: Callable[[], Any] | None = None) -> StoreOpener:
    def open_store() -> Any:
        from callsim.core.store import Store  # deferred: sqlite and the store only load when first used

        return Store.open(url=url, clock=clock)

    return open_store


class Recorder:
    def __init__(self, opener: StoreOpener) -> None:
        self._opener = opener
        self._store: Any = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="callsim-store")
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, fn: Callable[[Any], T]) -> Future[T]:
        """Run ``fn(store)`` on the store thread (opening the store the first time)."""

        def run() -> T:
            if self._store is None:
                self._store = self._opener()
            return fn(self._store)

        with self._lock:
            if self._closed:
                failed: Future[T] = Future()
                failed.set_exception(RuntimeError("the session store is closed"))
                return failed
            return self._executor.submit(run)

    def close(self, wait: bool = True) -> None:
        """Finish pending writes, then close the store."""
        with self._lock:
            if self._closed:
                return
            self._closed = True

        def shut() -> None:
            close = getattr(self._store, "close", None)
            if callable(close):
                close()

        self._executor.submit(shut)
        self._executor.shutdown(wait=wait)


class SessionLog:
    """One call's session in the store, on the store thread: start, one write per turn, then the record.

    The writing itself is the store's :class:`~callsim.core.store.SessionRecorder` (the one plain mode uses),
    so a turn whose write fails is kept and written with the next one; the failure still reaches the app
    (the future raises) so the trainee is told once."""

    def __init__(self, recorder: Recorder, *, trainee: str, scenario_id: str, scenario_version: int, seed: int,
                 mode: str, session_id: str | None = None, rubric_version: int = 1) -> None:
        self.recorder = recorder
        self.session_id = session_id
        self.finished = False
        self._details = {"trainee": trainee, "scenario_id": scenario_id, "scenario_version": scenario_version,
                         "seed": seed, "mode": mode, "rubric_version": rubric_version}
        self._writer: SessionRecorder | None = None
        self._problem = ""

    def _run(self, fn: Callable[[SessionRecorder], T]) -> Future[T]:
        def run(store: Any) -> T:
            if self._writer is None:
                from callsim.core.store import SessionRecorder

                self._writer = SessionRecorder(store, session_id=self.session_id, warn=self._note,
                                               **self._details)  # type: ignore[arg-type]
            result = fn(self._writer)
            self.session_id = self._writer.session_id
            if self._writer.failed:
                raise RuntimeError(self._problem or "the turn is kept and will be saved with the next one")
            return result

        return self.recorder.submit(run)

    def _note(self, problem: str) -> None:
        self._problem = problem

    def start(self) -> Future[str]:
        return self._run(lambda w: w.start())

    def turn(self, turn: Turn, state: CallState) -> Future[None]:
        return self._run(lambda w: w.turn(turn, state))

    def finish(self, record: CallRecord) -> Future[None]:
        self.finished = True
        return self._run(lambda w: w.finish(record))