"""Scoring speed: median milliseconds per reply, and the time for N replies.

    .venv/bin/python bench/bench_scorer.py [--n 1547] [--csv PATH] [--repeat 3] [--rules-only] [--warm]

Each reply is scored as if seen for the first time: the encoder's sentence cache is emptied before every
reply unless --warm (a trainee never types the same 10 replies 1,547 times). --rules-only leaves the learned
layer out. The peak resident memory of the process is printed at the end.

Without --csv it scores a built-in mix of collector replies (warm, cold, harmful, long) with a debtor line
and a scenario, so the compliance checks against debt facts and flags run too. With --csv it scores the
``response_post`` (EPITOME) or ``response`` (ESConv) column of that file instead.
"""

from __future__ import annotations

import argparse
import csv
import resource
import statistics
import sys
import time
from pathlib import Path

from callsim.core.library import load_library
from callsim.core.scorer import Scorer, ScoringContext
from callsim.core.understanding.learned import get_learned

REPLIES = [
    "Hi, my name's Sam, calling from Harbour Recoveries on behalf of Brightwell Energy. Before I go on, can I "
    "confirm I'm speaking to Priya Shah, and your postcode please?",
    "Thanks Priya, and please don't apologise. It sounds like it's been a really hard few months. Would you like "
    "to tell me a bit about what's been going on?",
    "Thank you for telling me, that can't have been easy. I'm so sorry, that sounds frightening, and anyone would "
    "struggle to open letters while recovering. Would it be OK if I made a note on your account?",
    "OK. The balance is £642.80. How much can you pay today?",
    "You owe £642.80 plus a £60 admin fee. If you don't pay we'll take you to court and send the bailiffs round.",
    "I hear you, but I still need something today. Could you borrow it from your family?",
    "So you've got about £35 left after the essentials, is that right? We could set up a small plan within that, "
    "or hold the account for 30 days while you speak to StepChange, who give free, independent advice.",
    "£25 a month is absolutely fine, let's set that up. To be upfront, the arrangement will show on your credit "
    "file. So to recap: £25 each month, and I'll confirm it all in writing today.",
    "I went through something similar when my mum was ill, so I know how much it takes out of you. How are you "
    "holding up?",
    "Calm down. It's not that much money and you should have called us months ago.",
]
DEBTOR = "I've been in hospital and I'm on sick pay now. I just don't know what I can manage."


def _items(path: str | None, n: int) -> list[tuple[str, str]]:
    if path:
        with Path(path).open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        col = "response_post" if rows and "response_post" in rows[0] else "response"
        ctx_col = "seeker_post" if col == "response_post" else "last_seeker_utterance"
        items = [(r[col], r.get(ctx_col, "")) for r in rows]
    else:
        items = [(r, DEBTOR) for r in REPLIES]
    return [items[i % len(items)] for i in range(n)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1547, help="replies per run (default: 1547, EPITOME dev's size)")
    ap.add_argument("--csv", help="score this EPITOME or ESConv CSV's replies instead of the built-in mix")
    ap.add_argument("--repeat", type=int, default=3, help="runs; the best total is reported")
    ap.add_argument("--rules-only", action="store_true", help="score without the learned layer")
    ap.add_argument("--warm", action="store_true", help="keep the encoder's sentence cache between replies")
    a = ap.parse_args(argv)
    scorer = Scorer(use_learned=not a.rules_only)
    learned = None if a.rules_only else get_learned()
    cache = getattr(getattr(learned, "_encode", None), "__self__", None)
    if not a.rules_only and learned is None:
        print("the learned layer is not available: scoring with the rules alone")
    entries = [e for e in load_library() if e.result.scenario is not None]
    scenario = entries[0].result.scenario if entries and not a.csv else None
    flags = {"identity_verified": True}
    items = _items(a.csv, a.n)
    scorer.score(items[0][0], ScoringContext(debtor_line=items[0][1]))  # warm the caches
    totals, per = [], []
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        for text, context in items:
            if cache is not None and not a.warm:
                cache._cache.clear()
            t = time.perf_counter()
            scorer.score(text, ScoringContext(debtor_line=context, scenario=scenario, flags=flags))
            per.append(time.perf_counter() - t)
        totals.append(time.perf_counter() - t0)
    source = a.csv or f"built-in mix of {len(REPLIES)} replies" + (f" with scenario {scenario.id}" if scenario else "")
    print(f"scored {len(items)} replies x {a.repeat} runs ({source})")
    print(f"median {statistics.median(per) * 1000:.2f} ms per reply, p95 "
          f"{sorted(per)[int(len(per) * 0.95)] * 1000:.2f} ms, max {max(per) * 1000:.2f} ms")
    print(f"{len(items)} replies in {min(totals):.2f} s (best of {a.repeat})")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
