"""How the review app copes with a big store: time to the first page, page-down latency, deep pages, the
progress and cohort aggregates. Numbers go in docs/review.md.

    .venv/bin/python bench/bench_review.py                              # 100,000 sessions in a temp SQLite file
    .venv/bin/python bench/bench_review.py --db sqlite:////tmp/big.db   # reuse (or fill) that file
    .venv/bin/python bench/bench_review.py --db postgresql://...        # the same on PostgreSQL

The store is filled by bench/gen_sessions.py (real played calls, 300 trainees, a year of start times) when
it holds fewer sessions than asked for. Then:

* queries: the store calls the app makes, timed directly (median of a few runs, warm cache);
* app: the real app, headless (Textual's Pilot) at 120x40: launch to the first rows on screen, then page
  down through the table, timing each key press until the screen has settled, and opening a session.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from callsim.core.review_data import Filters, ReviewData  # noqa: E402
from callsim.core.store import Store  # noqa: E402


def timed(fn: Callable[[], Any], runs: int = 3) -> tuple[float, Any]:
    """Median wall time in milliseconds over ``runs`` runs (after one warm-up), and the last result."""
    fn()
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def queries(data: ReviewData) -> list[tuple[str, float]]:
    f = Filters()
    out: list[tuple[str, float]] = []

    def run(name: str, fn: Callable[[], Any], runs: int = 3) -> Any:
        ms, result = timed(fn, runs)
        out.append((name, ms))
        print(f"  {name:<52} {ms:9.1f} ms", flush=True)
        return result

    run("count all sessions", lambda: data.count(f))
    for order in ("-started", "trainee", "scenario_id", "-overall"):
        run(f"first page of 100, order {order}", lambda o=order: data.page(f, o, 0, 100))  # type: ignore[misc]
    for offset in (1_000, 10_000, 50_000, 99_900):
        run(f"page of 100 at offset {offset:,} (-started)", lambda o=offset: data.page(f, "-started", o, 100))  # type: ignore[misc]
    run("page of 100 at offset 10,000 (-overall)", lambda: data.page(f, "-overall", 10_000, 100))
    names, _ = run("filter menus (distinct trainees, scenarios)", data.choices)
    trainee = names[len(names) // 2]
    run("first page, one trainee", lambda: data.page(Filters(trainee=trainee), "-started", 0, 100))
    run("first page, failed calls", lambda: data.page(Filters(result="failed"), "-started", 0, 100))
    run("progress of one trainee", lambda: data.progress(trainee))
    run("cohort: trainees, scenarios, violations (all)", lambda: data.cohort(f, missed=False), runs=1)
    run("cohort: missed behaviours (all)", lambda: data.missed(f), runs=1)
    month = Filters(since=datetime.now(UTC) - timedelta(days=30))
    run("cohort: everything, last 30 days", lambda: data.cohort(month), runs=1)
    run("cohort: everything, one trainee", lambda: data.cohort(Filters(trainee=trainee)), runs=1)
    return out


async def app_run(store: Store, presses: int) -> list[tuple[str, float]]:
    from callsim.config import Config
    from callsim.tui.review.app import ReviewApp
    from callsim.tui.review.screens.session import SessionScreen
    from callsim.tui.review.screens.sessions import SessionsScreen

    out: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    app = ReviewApp(ReviewData(store), reviewer="bench", settings=Config(), tz=UTC)
    async with app.run_test(size=(120, 40)) as pilot:
        screen: Any = None
        while not (isinstance(app.screen, SessionsScreen) and app.screen.rows):
            await asyncio.sleep(0.001)
        screen = app.screen
        first = (time.perf_counter() - t0) * 1000
        out.append(("launch to the first rows on screen", first))
        while screen.total is None:
            await asyncio.sleep(0.001)
        out.append(("... and the total counted", (time.perf_counter() - t0) * 1000))
        await pilot.pause()
        latencies, waited = [], 0
        for _ in range(presses):
            t = time.perf_counter()
            await pilot.press("pagedown")
            if screen.table.cursor_row >= len(screen.rows) - 1 and not screen.exhausted:
                waited += 1  # at the last loaded row: the lead would wait for the next page
                while screen._inflight is not None:
                    await asyncio.sleep(0.001)
                await pilot.pause()
            latencies.append((time.perf_counter() - t) * 1000)
        latencies.sort()
        out.append((f"page down, median of {presses} presses", statistics.median(latencies)))
        out.append(("page down, 95th percentile", latencies[int(len(latencies) * 0.95) - 1]))
        out.append(("page down, slowest", latencies[-1]))
        out.append(("presses that reached the last loaded row", float(waited)))
        out.append(("rows loaded after the presses", float(len(screen.rows))))
        t = time.perf_counter()
        await pilot.press("enter")
        while not (isinstance(app.screen, SessionScreen) and app.screen.detail is not None):
            await asyncio.sleep(0.001)
        await pilot.pause()
        out.append(("open a session (detail, scenario, render)", (time.perf_counter() - t) * 1000))
        await pilot.press("escape")
        await pilot.pause()
        t = time.perf_counter()
        await pilot.press("ctrl+end")  # to the last loaded row, which asks for the next page
        while screen._inflight is not None or not screen.rows:
            await asyncio.sleep(0.001)
        await pilot.pause()
        out.append(("ctrl+end: next page on screen", (time.perf_counter() - t) * 1000))
    for name, v in out:
        unit = "" if name.startswith(("presses", "rows")) else " ms"
        print(f"  {name:<52} {v:9.1f}{unit}", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", help="database URL or SQLite path (default: a file in the temp folder)")
    p.add_argument("--sessions", type=int, default=100_000)
    p.add_argument("--presses", type=int, default=200, help="page-down presses to time")
    a = p.parse_args(argv)
    url = a.db or f"sqlite:///{Path(tempfile.gettempdir()) / 'callsim-bench-review.db'}"
    with Store.open(url) as store:
        have = store.count_sessions()
        if have < a.sessions:
            from gen_sessions import generate

            print(f"filling {store.describe()} with {a.sessions - have:,} sessions (once)...", flush=True)
            generate(store, a.sessions - have)
        print(f"{store.count_sessions():,} sessions in {store.describe()} ({store.backend})")
        print("queries (median of 3 warm runs; the cohort ones once):")
        queries(ReviewData(store))
        print("the app, headless at 120x40:")
        asyncio.run(app_run(store, a.presses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
