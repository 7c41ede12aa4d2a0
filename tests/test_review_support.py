"""Shared by the review app's tests: a temp SQLite store filled with real calls, and the app on it.

The calls are shipped scenarios' walkthroughs played through the real engine, then frozen in
``tests/fixtures/review/played.json`` so that the review app's tests (and their pictures) change only
when the review app changes, not whenever the scorer or a scenario is improved. They are recorded through
the real store API (start_session, record_turn, finish_session) with a clock the test sets.
Refresh the frozen calls (then check the snapshot diffs): ``.venv/bin/python -m tests.test_review_support``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from callsim.config import Config
from callsim.core.cards import Catalog
from callsim.core.loader import load_scenario
from callsim.core.review_data import ReviewData
from callsim.core.store import Store
from callsim.core.walkthrough import compiled_for
from callsim.tui.review.app import ReviewApp

ROOT = Path(__file__).resolve().parents[1]
FILES = {"medical-emergency-uk": ROOT / "scenarios" / "medical_emergency_uk.yaml",
         "job-loss-us": ROOT / "scenarios" / "job_loss_us.yaml"}
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
MARKUP_NAME = "[bold red]Eve[/] \x1b[31mO'Neil"  # markup and an escape code: must show as plain text
REVIEWER = "Jo Lead"


@dataclass(frozen=True)
class Played:
    scenario_id: str
    version: int
    seed: int
    turns: list[dict[str, Any]]
    states: list[dict[str, Any]]
    record: dict[str, Any]


_PLAYED: dict[tuple[str, int], Played] = {}
FROZEN = Path(__file__).resolve().parent / "fixtures" / "review" / "played.json"


def _frozen() -> dict[str, Any]:
    return json.loads(FROZEN.read_text(encoding="utf-8")) if FROZEN.exists() else {}


def played(scenario_id: str, walkthrough: int, *, live: bool = False) -> Played:
    """A walkthrough of a shipped scenario as played through the engine: frozen, or played now if asked."""
    key = (scenario_id, walkthrough)
    frozen = None if live else _frozen().get(f"{scenario_id}:{walkthrough}")
    if frozen is not None:
        return Played(**frozen)
    if key not in _PLAYED or live:
        result = load_scenario(FILES[scenario_id], run_walkthroughs=False)
        assert result.scenario is not None
        s = result.scenario
        w = s.walkthroughs[walkthrough]
        call = compiled_for(s).new_call(w.seed)
        turns, states = [], []
        for reply in w.replies:
            if call.ended:
                break
            turns.append(call.respond(reply).to_json())
            states.append(call.state().to_json())
        _PLAYED[key] = Played(s.id, s.version, w.seed, turns, states, call.record().to_json())
    return _PLAYED[key]


# Walkthroughs by name: (scenario, index). GOOD passes; COLD and PUSHY fail; HARM fails compliance.
GOOD, COLD, HARM = ("medical-emergency-uk", 0), ("medical-emergency-uk", 1), ("medical-emergency-uk", 2)
US_GOOD, US_PUSHY, US_HARM = ("job-loss-us", 0), ("job-loss-us", 2), ("job-loss-us", 3)

# (trainee, walkthrough, days after T0, finished). Amy improves over three weeks; Ben is steady; Eve's name
# is hostile text and she has an unfinished call.
PLAN: list[tuple[str, tuple[str, int], int, bool]] = [
    ("Amy Khan", HARM, 0, True),
    ("Amy Khan", COLD, 2, True),
    ("Ben Ode", US_PUSHY, 3, True),
    ("Ben Ode", US_GOOD, 4, True),
    ("Amy Khan", COLD, 8, True),
    ("Amy Khan", GOOD, 9, True),
    (MARKUP_NAME, US_HARM, 10, True),
    ("Ben Ode", GOOD, 11, True),
    ("Amy Khan", GOOD, 15, True),
    ("Ben Ode", US_HARM, 16, True),
    (MARKUP_NAME, GOOD, 17, True),
    (MARKUP_NAME, COLD, 18, False),
    ("Amy Khan", US_GOOD, 19, True),
]
NOW = T0 + timedelta(days=20)


class Clock:
    """A clock the test sets; every reading is one second after the last (so times are distinct)."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@dataclass(frozen=True)
class Made:
    id: str
    trainee: str
    call: Played
    finished: bool
    started: datetime


def fill(store: Store, clock: Clock, plan: list[tuple[str, tuple[str, int], int, bool]] = PLAN) -> list[Made]:
    made: list[Made] = []
    for trainee, which, days, finished in plan:
        p = played(*which)
        clock.now = T0 + timedelta(days=days, hours=len(made) % 3)
        sid = store.start_session(trainee=trainee, scenario_id=p.scenario_id, scenario_version=p.version, seed=p.seed)
        started = clock.now
        turns = p.turns if finished else p.turns[:2]
        for turn, state in zip(turns, p.states, strict=False):
            store.record_turn(sid, turn, state)
        if finished:
            store.finish_session(sid, p.record)
        made.append(Made(sid, trainee, p, finished, started))
    return made


def bulk(store: Store, n: int, *, start: datetime = T0) -> list[str]:
    """``n`` finished sessions in one transaction (for paging tests): real calls, one minute apart, newest
    last, inserted straight into the store's tables the way bench/gen_sessions.py does."""
    from callsim.core.store import new_session_id, sessions, turns

    calls = [played(*w) for w in (GOOD, COLD, HARM)]
    srows, trows, ids = [], [], []
    for i in range(n):
        p = calls[i % len(calls)]
        sid = new_session_id()
        started = start + timedelta(minutes=i)
        rec = {k: v for k, v in p.record.items() if k != "turns"}
        sc = rec["scores"]
        srows.append({
            "id": sid, "trainee": f"Bulk {i % 7}", "scenario_id": p.scenario_id, "scenario_version": p.version,
            "rubric_version": 1, "seed": p.seed, "mode": "coaching", "started": started,
            "updated": started + timedelta(seconds=30), "ended": started + timedelta(seconds=30),
            "n_turns": len(p.turns), "state": None, "outcome_id": rec["outcome"]["id"],
            "outcome_label": rec["outcome"]["label"], "outcome_result": rec["outcome"]["result"],
            "empathy": sc["empathy"], "deescalation": sc["deescalation"], "expectations_met": sc["expectations_met"],
            "overall": sc["overall"], "compliance_passed": rec["compliance"]["passed"], "passed": rec["passed"],
            "violations": len(rec["compliance"]["violations"]), "record": rec, "n_reviews": 0, "review_score": None,
        })
        for t in p.turns:
            trows.append({"session_id": sid, "idx": t["index"], "taken": started, "node": t["node"],
                          "reply": t["reply"], "debtor": t["debtor"]["text"], "empathy": t["scores"]["empathy"],
                          "deescalation": t["scores"]["deescalation"], "violations": len(t["scores"]["violations"]),
                          "data": t})
        ids.append(sid)
    with store.engine.begin() as conn:
        conn.execute(sessions.insert(), srows)
        conn.execute(turns.insert(), trows)
    return ids


def quick(store: Store) -> Store:
    """Tests only: no fsync per commit (the store's durability is tested elsewhere; this saves ~0.5 s a test)."""
    from sqlalchemy import event

    @event.listens_for(store.engine, "connect")
    def _no_sync(dbapi_conn: Any, _record: Any) -> None:  # runs after the store's own listener
        dbapi_conn.execute("PRAGMA synchronous = OFF")

    store.engine.dispose()  # connections made before this get the pragma too
    return store


def sqlite_store(path: Path, clock: Clock | None = None) -> Store:
    return quick(Store.open(f"sqlite:///{path}", clock=clock or Clock()))


def open_store(tmp_path: Path) -> tuple[Store, Clock, list[Made]]:
    clock = Clock()
    store = sqlite_store(tmp_path / "review.db", clock)
    return store, clock, fill(store, clock)


def make_app(store: Store, *, page_size: int = 100, theme: str = "callsim-light") -> ReviewApp:
    catalog = Catalog(extra=[str(p) for p in FILES.values()])
    return ReviewApp(ReviewData(store), reviewer=REVIEWER, settings=Config(theme=theme), tz=UTC,
                     now=lambda: NOW, page_size=page_size, catalog=catalog)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until no worker is running (every database call has landed) and the screen has caught up."""
    for _ in range(200):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in pilot.app.workers):
            return
    raise AssertionError("workers never finished")


async def wait_for(pilot: Pilot[Any], predicate: Callable[[], bool], what: str) -> None:
    for _ in range(400):
        if predicate():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def screen_text(pilot: Pilot[Any]) -> str:
    """What is on the terminal right now, as plain text (one line per row)."""
    strips = pilot.app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


def freeze() -> None:
    """Play every walkthrough the review tests use and write them to the frozen fixture."""
    keys = sorted({GOOD, COLD, HARM, US_GOOD, US_PUSHY, US_HARM})
    data = {f"{sid}:{i}": played(sid, i, live=True).__dict__ for sid, i in keys}
    FROZEN.parent.mkdir(parents=True, exist_ok=True)
    FROZEN.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {FROZEN}")


if __name__ == "__main__":
    freeze()
