"""Session store benchmarks, on SQLite and PostgreSQL, against the targets in issue 4.

    .venv/bin/python bench/bench_store.py                       # SQLite, and PostgreSQL when it can get one
    .venv/bin/python bench/bench_store.py --sqlite /tmp/b.db --pg postgresql://user@host/db --json

What is measured, per backend, on a store holding --sessions (100,000) sessions made by gen_sessions.py
(generated on first use and kept, so reruns are quick):

- turn write: ``record_turn`` of a real turn, committed (SQLite with WAL and synchronous=FULL); median
  and 95th percentile over --writes turns. Target: median < 5 ms on SQLite.
- filtered listing: a page of 50 (``list_sessions``) plus the total (``count_sessions``), as
  ``callsim sessions`` does, for several filter mixes; the median of each over 15 runs. Target: < 200 ms.
- export all to CSV: every session through ``callsim export --format csv`` to a file. Target: < 10 s.

PostgreSQL: --pg URL, else CALLSIM_BENCH_PG_URL or CALLSIM_TEST_PG_URL, else a throwaway server from
scripts/pg-test-server (stopped at the end).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_sessions import SCENARIO_IDS, generate, templates  # noqa: E402

from callsim.core.exports import export  # noqa: E402
from callsim.core.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"turn_write_median_ms": 5.0, "listing_ms": 200.0, "export_csv_s": 10.0}


def _ms(fn: Callable[[], Any], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def ensure_sessions(store: Store, n: int) -> float:
    have = store.count_sessions()
    if have >= n:
        return 0.0
    print(f"  generating {n - have:,} sessions ...", file=sys.stderr)
    t = time.perf_counter()
    generate(store, n - have, seed=have + 7)
    return time.perf_counter() - t


def bench_turn_writes(store: Store, writes: int) -> dict[str, float]:
    tpl = max(templates(), key=lambda t: len(t["turns"]))
    times: list[float] = []
    while len(times) < writes:
        sid = store.start_session(trainee="bench-writer", scenario_id="bench", scenario_version=1, seed=1)
        for turn, state in zip(tpl["turns"], tpl["states"], strict=True):
            t = time.perf_counter()
            store.record_turn(sid, turn, state)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"median_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))],
            "writes": len(times)}


def bench_listing(store: Store, runs: int) -> dict[str, float]:
    trainee = store.list_sessions(limit=1)[0].trainee
    month = datetime.now(UTC) - timedelta(days=30)
    cases: dict[str, dict[str, Any]] = {
        "first page, no filter": {},
        "--trainee": {"trainee": trainee},
        "--scenario --since 30d": {"scenario": SCENARIO_IDS[0], "since": month},
        "--failed --since 30d": {"passed": False, "since": month},
        "--trainee --scenario --passed": {"trainee": trainee, "scenario": SCENARIO_IDS[1], "passed": True},
        "--unfinished": {"finished": False},
    }
    out = {}
    for name, f in cases.items():
        def page(f: dict[str, Any] = f) -> None:
            store.list_sessions(**f, limit=50)
            store.count_sessions(**f)

        page()  # warm
        out[name] = statistics.median(_ms(page, runs))
    return out


def bench_export(store: Store, path: Path) -> dict[str, float]:
    t = time.perf_counter()
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        n = export(store, "csv", f, {})
    secs = time.perf_counter() - t
    return {"seconds": secs, "rows": n, "mb": path.stat().st_size / 1e6}


def run_backend(name: str, url: str, a: argparse.Namespace) -> dict[str, Any]:
    print(f"{name}: {url}", file=sys.stderr)
    with Store.open(url) as store:
        gen_s = ensure_sessions(store, a.sessions)
        sessions_now = store.count_sessions()
        writes = bench_turn_writes(store, a.writes)
        listing = bench_listing(store, a.runs)
        with tempfile.TemporaryDirectory() as d:
            exp = bench_export(store, Path(d) / "all.csv")
    return {"backend": name, "sessions": sessions_now, "generated_s": round(gen_s, 1), "turn_write": writes,
            "listing_ms": listing, "export_csv": exp}


def _pg_url(a: argparse.Namespace) -> tuple[str | None, str | None]:
    url = a.pg or os.environ.get("CALLSIM_BENCH_PG_URL") or os.environ.get("CALLSIM_TEST_PG_URL")
    if url:
        return url, None
    p = subprocess.run([str(ROOT / "scripts" / "pg-test-server"), "start"], capture_output=True, text=True)
    if p.returncode != 0:
        print(f"no PostgreSQL: {p.stderr.strip()}", file=sys.stderr)
        return None, None
    env = dict(line.removeprefix("export ").split("=", 1) for line in p.stdout.splitlines() if "=" in line)
    return env["CALLSIM_TEST_PG_URL"], env.get("CALLSIM_TEST_PG_DIR") or None


def report(results: list[dict[str, Any]]) -> str:
    lines = [f"{'':34}" + "".join(f"{r['backend']:>14}" for r in results)]

    def row(label: str, values: list[str]) -> None:
        lines.append(f"{label:34}" + "".join(f"{v:>14}" for v in values))

    row("sessions stored", [f"{r['sessions']:,}" for r in results])
    row("turn write median (target <5 ms)", [f"{r['turn_write']['median_ms']:.2f} ms" for r in results])
    row("turn write p95", [f"{r['turn_write']['p95_ms']:.2f} ms" for r in results])
    for case in results[0]["listing_ms"]:
        row(f"list+count: {case}", [f"{r['listing_ms'][case]:.1f} ms" for r in results])
    row("slowest listing (target <200 ms)", [f"{max(r['listing_ms'].values()):.1f} ms" for r in results])
    row("export all to CSV (target <10 s)", [f"{r['export_csv']['seconds']:.2f} s" for r in results])
    row("CSV size", [f"{r['export_csv']['mb']:.1f} MB" for r in results])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sqlite", default=str(Path(tempfile.gettempdir()) / "callsim-bench.db"),
                   help="SQLite file (kept between runs; default %(default)s)")
    p.add_argument("--pg", help="PostgreSQL URL (default: CALLSIM_BENCH_PG_URL, CALLSIM_TEST_PG_URL, or start one)")
    p.add_argument("--backend", choices=("both", "sqlite", "postgresql"), default="both")
    p.add_argument("--sessions", type=int, default=100_000)
    p.add_argument("--writes", type=int, default=600, help="turn writes to time")
    p.add_argument("--runs", type=int, default=15, help="runs of each listing")
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    results = []
    if a.backend in ("both", "sqlite"):
        results.append(run_backend("sqlite", a.sqlite, a))
    started_dir = None
    if a.backend in ("both", "postgresql"):
        url, started_dir = _pg_url(a)
        if url:
            try:
                results.append(run_backend("postgresql", url, a))
            finally:
                if started_dir:
                    subprocess.run([str(ROOT / "scripts" / "pg-test-server"), "stop", started_dir], check=False)
    if a.json:
        print(json.dumps(results, indent=2))
    else:
        print(report(results))
    failed = [f"{r['backend']}: {k}" for r in results for k, ok in (
        ("turn write", r["backend"] != "sqlite" or r["turn_write"]["median_ms"] < TARGETS["turn_write_median_ms"]),
        ("listing", max(r["listing_ms"].values()) < TARGETS["listing_ms"]),
        ("export", r["export_csv"]["seconds"] < TARGETS["export_csv_s"]),
    ) if not ok]
    if failed:
        print("missed targets: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
