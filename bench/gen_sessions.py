"""Fill a session store with realistic sessions for the store benchmarks.

    .venv/bin/python bench/gen_sessions.py --db sqlite:////tmp/bench.db            # 100,000 sessions
    .venv/bin/python bench/gen_sessions.py --db postgresql://... --sessions 100000

The turns are real: a handful of calls are played through the engine (the scenarios' walkthroughs, which
reach different outcomes), and each generated session copies one of them, cut short for the ~8% left
unfinished. Trainees, scenarios and start times (over the last year) vary; ~2% of finished sessions have
a team lead's review. Rows go in with bulk inserts, a few thousand per transaction.
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from callsim.core.library import load_library
from callsim.core.store import Store, metadata, new_session_id, reviews, sessions, turns
from callsim.core.walkthrough import compiled_for

SCENARIO_IDS = [
    "medical-emergency-uk", "job-loss-us", "mental-health-uk", "young-parent-uk", "third-party-us",
    "elderly-capacity-uk", "global-crisis-uk", "bereavement-uk", "disputed-debt-us", "gambling-harm-uk",
]


def templates(limit: int = 12) -> list[dict[str, Any]]:
    """Real calls: every walkthrough of every shipped scenario that loads, played once."""
    out: list[dict[str, Any]] = []
    for entry in load_library():
        s = entry.result.scenario
        if s is None or entry.result.errors:
            continue
        for w in s.walkthroughs:
            call = compiled_for(s).new_call(w.seed)
            states = []
            for reply in w.replies:
                if call.ended:
                    break
                call.respond(reply)
                states.append({k: v for k, v in copy.deepcopy(call.state()).items() if k != "turns"})
            if not call.turns:
                continue
            rec = call.record()
            out.append({"turns": list(call.turns), "states": states,
                        "record": {k: v for k, v in rec.items() if k != "turns"}, "version": s.version})
            if len(out) >= limit:
                return out
    if not out:
        raise SystemExit("no scenario with walkthroughs loaded: cannot make realistic sessions")
    return out


def generate(store: Store, n: int, *, trainees: int = 300, seed: int = 7, batch: int = 2000,
             max_turns: int | None = None, progress: bool = True) -> int:
    rng = random.Random(seed)
    tpls = templates()
    names = [f"trainee-{i:04d}" for i in range(trainees)]
    now = datetime.now(UTC)
    made = 0
    t0 = time.perf_counter()
    while made < n:
        srows: list[dict[str, Any]] = []
        trows: list[dict[str, Any]] = []
        rrows: list[dict[str, Any]] = []
        for _ in range(min(batch, n - made)):
            tpl = rng.choice(tpls)
            sid = new_session_id()
            started = now - timedelta(seconds=rng.uniform(0, 365 * 86400))
            tt = tpl["turns"] if max_turns is None else tpl["turns"][:max_turns]
            finished = rng.random() > 0.08
            k = len(tt) if finished else rng.randint(1, len(tt))
            ended = started + timedelta(seconds=40 * k + rng.uniform(0, 120)) if finished else None
            rec = tpl["record"]
            sc = rec["scores"]
            row: dict[str, Any] = {
                "id": sid, "trainee": rng.choice(names), "scenario_id": rng.choice(SCENARIO_IDS),
                "scenario_version": tpl["version"], "rubric_version": 1, "seed": rng.randint(1, 9), "mode":
                rng.choice(("coaching", "coaching", "assessment")), "started": started,
                "updated": ended or started + timedelta(seconds=40 * k), "ended": ended, "n_turns": k,
                "state": tpl["states"][k - 1], "violations": 0, "n_reviews": 0, "review_score": None,
                "outcome_id": None, "outcome_label": None, "outcome_result": None, "empathy": None,
                "deescalation": None, "expectations_met": None, "overall": None, "compliance_passed": None,
                "passed": None, "record": None,
            }
            if finished:
                jitter = rng.uniform(-15, 15)
                overall = max(0.0, min(100.0, round(sc["overall"] + jitter, 1)))
                row.update(
                    outcome_id=rec["outcome"]["id"], outcome_label=rec["outcome"]["label"],
                    outcome_result=rec["outcome"]["result"], empathy=sc["empathy"], deescalation=sc["deescalation"],
                    expectations_met=sc["expectations_met"], overall=overall,
                    compliance_passed=rec["compliance"]["passed"], passed=overall >= 70 and rec["passed"],
                    violations=len(rec["compliance"]["violations"]), record=rec,
                )
                if rng.random() < 0.02:
                    score = round(rng.uniform(40, 95), 1)
                    reviewed = started + timedelta(days=1)
                    rrows.append({"session_id": sid, "created": reviewed, "reviewer": "lead-1",
                                  "comment": "Reviewed in the weekly session.", "override_score": score,
                                  "reason": "Calibration"})
                    row.update(n_reviews=1, review_score=score)
            srows.append(row)
            for t in tt[:k]:
                sc_t = t["scores"]
                taken = started + timedelta(seconds=40 * t["index"])
                trows.append({"session_id": sid, "idx": t["index"], "taken": taken,
                              "node": t["node"], "reply": t["reply"], "debtor": t["debtor"]["text"],
                              "empathy": sc_t["empathy"], "deescalation": sc_t["deescalation"],
                              "violations": len(sc_t["violations"]), "data": t})
        with store.engine.begin() as conn:
            conn.execute(sessions.insert(), srows)
            conn.execute(turns.insert(), trows)
            if rrows:
                conn.execute(reviews.insert(), rrows)
        made += len(srows)
        if progress:
            rate = made / (time.perf_counter() - t0)
            print(f"\r{made:,}/{n:,} sessions ({rate:,.0f}/s)", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    if store.backend == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in metadata.sorted_tables:
                conn.exec_driver_sql(f"ANALYZE {table.name}")
    else:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    return made


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", required=True, help="database URL (or a SQLite file path)")
    p.add_argument("--sessions", type=int, default=100_000)
    p.add_argument("--trainees", type=int, default=300)
    p.add_argument("--max-turns", type=int, help="cut every call to this many turns (smaller database)")
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args(argv)
    with Store.open(a.db) as store:
        t0 = time.perf_counter()
        n = generate(store, a.sessions, trainees=a.trainees, seed=a.seed, max_turns=a.max_turns)
        print(f"made {n:,} sessions in {time.perf_counter() - t0:.1f} s ({store.describe()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
