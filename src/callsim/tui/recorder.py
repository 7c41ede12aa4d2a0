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
from typing import Any, TypeVar

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
    """One call's session in the store. Start, then one write per turn, then the record."""

    def __init__(self, recorder: Recorder, *, trainee: str, scenario_id: str, scenario_version: int, seed: int,
                 mode: str, session_id: str | None = None, rubric_version: int = 1) -> None:
        self.recorder = recorder
        self.trainee = trainee
        self.scenario_id = scenario_id
        self.scenario_version = scenario_version
        self.seed = seed
        self.mode = mode
        self.session_id = session_id
        self.rubric_version = rubric_version
        self.finished = False

    def start(self) -> Future[str]:
        def run(store: Any) -> str:
            if self.session_id is None:
                self.session_id = str(store.start_session(
                    trainee=self.trainee, scenario_id=self.scenario_id, scenario_version=self.scenario_version,
                    seed=self.seed, mode=self.mode, rubric_version=self.rubric_version,
                ))
            return self.session_id

        return self.recorder.submit(run)

    def _need_id(self) -> str:
        if self.session_id is None:
            raise RuntimeError("the session was never started in the store")
        return self.session_id

    def turn(self, turn: dict[str, Any], state: dict[str, Any]) -> Future[None]:
        return self.recorder.submit(lambda store: store.record_turn(self._need_id(), turn, state))

    def finish(self, record: dict[str, Any]) -> Future[None]:
        self.finished = True
        return self.recorder.submit(lambda store: store.finish_session(self._need_id(), record))
