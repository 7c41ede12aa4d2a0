"""The app's benchmarks, against the targets in issue 5.

    .venv/bin/python bench/bench_tui.py            # all three, a table
    .venv/bin/python bench/bench_tui.py --json     # the numbers as JSON
    .venv/bin/python bench/bench_tui.py --runs 9   # more launches for the startup median
    .venv/bin/python bench/bench_tui.py --startup-only --runs 9   # only the startup, e.g. while tuning it

What is measured:

- startup: ``callsim`` (the real command) launched in a pseudo-terminal of 80x24, timed from the launch
  to the first card ("not tried yet") written to the terminal; against a minimal Textual app (one Label)
  launched the same way in the same run. Median of --runs launches each, alternating. Target: < 1.0 s,
  and within 1.5x of the minimal app. A returning trainee (name in the settings, store already made).
- reply latency: a 30-turn call in coaching mode, played through the app (Pilot, headless, 120x40): from
  the reply being sent (enter) to the screen refreshed with the coaching and the debtor's answer, as the
  call screen records it (``CallScreen.latencies``). Median and 95th percentile. Target: median < 100 ms.
- memory: resident set size (VmRSS) of the process during that 30-turn call; the maximum. Target: < 150 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"startup_s": 1.0, "startup_ratio": 1.5, "reply_median_ms": 100.0, "rss_mb": 150.0}
TURNS = 30

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Label

class Minimal(App):
    def compose(self):
        yield Label("not tried yet")

Minimal().run()
"""

# A call that goes on for 30 replies: one node that loops until the 30th, with mood that moves.
LONG_CALL = """\
id: bench-long-call
title: "Bench: a long call"
version: 1
difficulty: 3
jurisdiction: UK
summary: A call that lasts thirty replies, for the app's benchmarks.
brief: You are calling about £500.00 of arrears on a gas account.
persona:
  name: Robin Hale
  age: 50
  situation: job_loss
  facts:
    redundancy: They were made redundant in May.
    rent: Their rent went up in June.
debt:
  creditor: Example Gas
  collector: Example Recoveries
  account_ref: EG-1
  currency: GBP
  balance: 500.00
  days_past_due: 90
mood:
  trust: {min: 0, max: 10, start: 3}
  anger: {min: 0, max: 10, start: 5}
  distress: {min: 0, max: 10, start: 6}
start: talk
nodes:
  talk:
    say:
      - "I don't know what you want from me. Things are hard at the moment."
      - "I lost my job in May and the rent went up. I can't see a way through."
      - "Sorry, I'm just tired of all these calls."
    cues: [sighs]
    discloses: [redundancy, rent]
    expects: [emotional_reaction, exploration, offers_options]
    model_answers:
      - "I'm sorry, that sounds exhausting. Would it help to look at some options together?"
    routes:
      - when: turn >= 30
        goto: done
      - goto: talk
  done:
    say: "OK. Thanks for listening. Let's do that."
    outcome: {id: done, label: "Call finished", result: resolved}
"""

REPLIES = (
    "Hi, this is Sam from Example Recoveries. Can I check I'm speaking with Robin Hale?",
    "I'm really sorry to hear that, it sounds like a very hard few months. How are you coping?",
    "That makes sense. Would it be OK if we looked at what comes in and your essential bills?",
    "Thank you for telling me. We could pause things for 30 days, or set up a small plan. Which suits you?",
    "StepChange give free, independent advice and can look at everything with you.",
)


# --------------------------------------------------------------------------- startup in a pseudo-terminal


def time_to_text(argv: list[str], marker: bytes, env: dict[str, str], timeout: float = 15.0) -> float:
    """Seconds from launching ``argv`` in an 80x24 pseudo-terminal to ``marker`` appearing in its output."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
                            start_new_session=True)
    os.close(slave)
    seen = b""
    elapsed = None
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            seen = (seen + chunk)[-200_000:]
            if marker in seen:
                elapsed = time.perf_counter() - start
                break
        if elapsed is None:
            raise RuntimeError(f"{argv[-1]!r} never showed {marker!r}; last output: {seen[-400:]!r}")
        os.write(master, b"\x11")  # ctrl+q
        try:
            while True:  # keep draining so the app can finish writing and exit
                ready, _, _ = select.select([master], [], [], 0.1)
                if ready:
                    os.read(master, 65536)
                if proc.poll() is not None:
                    break
                if time.perf_counter() - start > timeout + 5:
                    break
        except OSError:
            pass
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(5)
        os.close(master)
    return elapsed


def bench_startup(runs: int) -> dict[str, Any]:
    callsim = str(Path(sys.executable).with_name("callsim"))
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        (home / "config.yaml").write_text("trainee: Bench Trainee\ncursor_blink: false\n", encoding="utf-8")
        minimal = Path(tmp) / "minimal.py"
        minimal.write_text(MINIMAL_APP, encoding="utf-8")
        env = {**os.environ, "CALLSIM_HOME": str(home), "TERM": "xterm-256color"}
        env.pop("CALLSIM_DATABASE_URL", None)
        # One launch each first, unmeasured: makes the store and warms the file cache for both.
        time_to_text([callsim], b"not tried yet", env)
        time_to_text([sys.executable, str(minimal)], b"not tried yet", env)
        app, base = [], []
        for _ in range(runs):
            app.append(time_to_text([callsim], b"not tried yet", env))
            base.append(time_to_text([sys.executable, str(minimal)], b"not tried yet", env))
        logged = ""
        log = home / "logs" / "callsim.log"
        if log.exists():
            lines = [ln for ln in log.read_text(encoding="utf-8").splitlines() if "startup:" in ln]
            logged = lines[-1].split("startup: ", 1)[-1] if lines else ""
    med_app, med_base = statistics.median(app), statistics.median(base)
    return {"startup_s": round(med_app, 3), "minimal_app_s": round(med_base, 3),
            "startup_ratio": round(med_app / med_base, 2), "startup_runs_s": [round(x, 3) for x in app],
            "minimal_runs_s": [round(x, 3) for x in base], "app_log": logged}


# --------------------------------------------------------------------------- a 30-turn call, in process


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def play_long_call() -> dict[str, Any]:
    from textual import events

    from callsim.config import Config
    from callsim.tui.app import CallsimApp
    from callsim.tui.screens.brief import BriefScreen
    from callsim.tui.screens.call import CallScreen
    from callsim.tui.widgets import ReplyBox

    app = CallsimApp(Config(cursor_blink=False), trainee="Bench Trainee", scenario="bench-long-call",
                     clock=lambda: 0.0)
    latencies: list[float] = []
    rss: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        deadline = time.monotonic() + 30
        # The brief screen exists a moment before its widgets do: query (not query_one) until its Start button
        # is there and enabled, or this races and crashes with NoMatches (issue 15).
        while not (isinstance(app.screen, BriefScreen) and any(not b.disabled for b in app.screen.query("#start"))):
            assert time.monotonic() < deadline, "the brief never opened"
            await pilot.pause(0.02)
        await pilot.press("enter")
        while not isinstance(app.screen, CallScreen):
            assert time.monotonic() < deadline, "the call never started"
            await pilot.pause(0.02)
        screen = app.screen
        await pilot.pause()
        box = screen.query_one(ReplyBox)
        for i in range(TURNS):
            box.post_message(events.Paste(REPLIES[i % len(REPLIES)]))
            await pilot.pause()
            done = len(screen.latencies)
            await pilot.press("enter")
            while len(screen.latencies) == done:  # the app notes the time once the answer is painted
                await asyncio.sleep(0.001)
            latencies.append(screen.latencies[-1] * 1000)
            rss.append(rss_mb())
            await pilot.pause()
        assert screen.call.ended, f"the call did not end after {TURNS} replies"
        await app.flush()
    app.recorder.close()
    lat = sorted(latencies)
    return {"turns": len(latencies), "reply_median_ms": round(statistics.median(lat), 1),
            "reply_p95_ms": round(lat[int(0.95 * (len(lat) - 1))], 1), "reply_max_ms": round(lat[-1], 1),
            "rss_mb": round(max(rss), 1), "rss_first_turn_mb": round(rss[0], 1)}


def bench_call() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        (home / "scenarios").mkdir(parents=True)
        (home / "scenarios" / "bench_long_call.yaml").write_text(LONG_CALL, encoding="utf-8")
        os.environ["CALLSIM_HOME"] = str(home)
        os.environ.pop("CALLSIM_DATABASE_URL", None)
        return asyncio.run(play_long_call())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="launches of each app for the startup median")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--skip-startup", action="store_true")
    ap.add_argument("--startup-only", action="store_true", help="skip the 30-turn call")
    a = ap.parse_args()
    out: dict[str, Any] = {}
    if not a.skip_startup:
        out.update(bench_startup(a.runs))
    if not a.startup_only:
        out.update(bench_call())
    checks = {
        "startup_s": out.get("startup_s", 0) < TARGETS["startup_s"],
        "startup_ratio": out.get("startup_ratio", 0) <= TARGETS["startup_ratio"],
    }
    if "reply_median_ms" in out:
        checks["reply_median_ms"] = out["reply_median_ms"] < TARGETS["reply_median_ms"]
        checks["rss_mb"] = out["rss_mb"] < TARGETS["rss_mb"]
    out["targets_met"] = checks
    if a.json:
        print(json.dumps(out, indent=2))
    else:
        if "startup_s" in out:
            print(f"startup to library  {out['startup_s']:.3f} s (minimal Textual app {out['minimal_app_s']:.3f} s, "
                  f"ratio {out['startup_ratio']:.2f})   target < 1.0 s and <= 1.5x   "
                  f"{'ok' if checks['startup_s'] and checks['startup_ratio'] else 'MISSED'}")
            print(f"  runs: app {out['startup_runs_s']}, minimal {out['minimal_runs_s']}; app's log: {out['app_log']}")
        if "reply_median_ms" not in out:
            return 0 if all(checks.values()) else 1
        print(f"reply to answer     median {out['reply_median_ms']:.1f} ms, p95 {out['reply_p95_ms']:.1f} ms, "
              f"max {out['reply_max_ms']:.1f} ms over {out['turns']} turns   target median < 100 ms   "
              f"{'ok' if checks['reply_median_ms'] else 'MISSED'}")
        print(f"memory (RSS)        max {out['rss_mb']:.1f} MB during the {out['turns']}-turn call "
              f"(first turn {out['rss_first_turn_mb']:.1f} MB)   target < 150 MB   "
              f"{'ok' if checks['rss_mb'] else 'MISSED'}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
