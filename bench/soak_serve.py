"""Soak ``callsim serve`` with random connect/resize/disconnect cycles and count the app processes left (issue 14).

    .venv/bin/python bench/soak_serve.py                          # 1000 cycles, 3 clients at once
    .venv/bin/python bench/soak_serve.py --cycles 200 --seed 7 --json

It starts a real server on a free port of 127.0.0.1 (its own temporary CALLSIM_HOME, ``--max-sessions``
as given), then --workers clients run --cycles cycles between them, each: open the websocket, then one
of (by weight) resize and close cleanly; resize and drop the connection without a close frame; close
without a resize; resize, type a key and close; send a malformed message (not JSON, the wrong shape,
binary); send one over the 256 KiB limit. Each waits a random 0-0.5 s (reading what the server sends)
before it closes, so the close lands anywhere in the app's start. Then:

- leaked while running: app processes still alive --settle seconds (60) after the last cycle, plus
  ended apps the server has not reaped (zombies);
- leaked after stop: app processes alive 10 s after the server has stopped on SIGTERM.

App processes are found in /proc by their environment (this run's CALLSIM_HOME), wherever they are.
Exit status 1 on any leak (or if the server died), else 0. Whatever happens, the server and anything it
left are killed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.serve_procs import apps, zombies  # noqa: E402

CYCLES = ("resize-close", "resize-drop", "close", "type-close", "malformed", "oversized")
WEIGHTS = (35, 20, 10, 15, 15, 5)
MALFORMED: tuple[str | bytes, ...] = ("not json", '{"stdin": "x"}', '["stdin", 5]', '["resize", "big"]', "[]",
                                      b"\x00\x01binary")


def rss_mb(pid: int) -> float | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def one_cycle(client: aiohttp.ClientSession, url: str, kind: str, rng: random.Random,
                    outcomes: Counter[str]) -> None:
    try:
        ws = await client.ws_connect(url, timeout=aiohttp.ClientWSTimeout(ws_close=5))
    except (aiohttp.ClientError, OSError, TimeoutError) as e:
        outcomes[f"connect failed ({type(e).__name__})"] += 1
        return
    try:
        if kind != "close":
            await ws.send_str(json.dumps(["resize", {"width": rng.randint(20, 200), "height": rng.randint(5, 60)}]))
        if kind == "type-close":
            await ws.send_str(json.dumps(["stdin", "\x1b[<35;2;2M"]))
        elif kind == "malformed":
            bad = rng.choice(MALFORMED)
            await (ws.send_bytes(bad) if isinstance(bad, bytes) else ws.send_str(bad))
        elif kind == "oversized":
            await ws.send_str(json.dumps(["stdin", "x" * (300 * 1024)]))
        # wait 0-0.5 s, reading what comes (app output, or the server closing)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + rng.uniform(0, 0.5)
        while (left := deadline - loop.time()) > 0:
            try:
                message = await ws.receive(timeout=left)
            except TimeoutError:
                break
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED):
                outcomes[f"closed by the server ({ws.close_code})"] += 1
                return
        if kind == "resize-drop":
            transport = ws._response.connection.transport if ws._response.connection else None  # noqa: SLF001
            if transport is not None:
                transport.abort()
            outcomes["dropped by the client"] += 1
        else:
            outcomes["closed by the client"] += 1
    except (aiohttp.ClientError, OSError, TimeoutError) as e:
        outcomes[f"error ({type(e).__name__})"] += 1
    finally:
        with contextlib.suppress(Exception):
            await ws.close()


async def run_cycles(port: int, cycles: int, workers: int, seed: int, home: Path) -> dict[str, Any]:
    url = f"http://127.0.0.1:{port}/ws?width=80&height=24"
    rng = random.Random(seed)
    plan = rng.choices(CYCLES, weights=WEIGHTS, k=cycles)
    outcomes: Counter[str] = Counter()
    peak = 0
    queue = list(reversed(plan))

    async def worker(index: int) -> None:
        local = random.Random(seed * 1000 + index)
        async with aiohttp.ClientSession() as client:
            while queue:
                await one_cycle(client, url, queue.pop(), local, outcomes)

    async def sample() -> None:
        nonlocal peak
        while True:
            peak = max(peak, len(apps(home)))
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample())
    started = time.monotonic()
    await asyncio.gather(*(worker(i) for i in range(workers)))
    elapsed = time.monotonic() - started
    sampler.cancel()
    return {"plan": dict(Counter(plan)), "outcomes": dict(outcomes), "peak_apps": peak, "seconds": round(elapsed, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=3, help="clients at once (default 3)")
    parser.add_argument("--max-sessions", type=int, default=20, help="the server's cap (default 20)")
    parser.add_argument("--settle", type=float, default=60.0, help="seconds to wait for apps to end (default 60)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--log", type=Path, help="keep the server's log here")
    a = parser.parse_args(argv)

    home = Path(tempfile.mkdtemp(prefix="callsim-soak-")) / "home"
    (home / "scenarios").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "fixtures" / "tiny.yaml", home / "scenarios" / "tiny.yaml")
    env = dict(os.environ, CALLSIM_HOME=str(home), CALLSIM_TRAINEE="Soak Tester")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])
    port = free_port()
    log = home.parent / "serve.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "callsim.cli", "serve", "--port", str(port), "--max-sessions", str(a.max_sessions)],
            stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
    result: dict[str, Any] = {"cycles": a.cycles, "workers": a.workers, "max_sessions": a.max_sessions,
                              "seed": a.seed}
    try:
        deadline = time.monotonic() + 30
        while "serving the trainee app" not in log.read_text(errors="replace"):
            if server.poll() is not None or time.monotonic() > deadline:
                print(log.read_text(errors="replace"), file=sys.stderr)
                print("soak: the server did not start", file=sys.stderr)
                return 1
            time.sleep(0.2)
        rss_before = rss_mb(server.pid)
        result.update(asyncio.run(run_cycles(port, a.cycles, a.workers, a.seed, home)))

        settle_deadline = time.monotonic() + a.settle
        while (apps(home) or zombies(server.pid)) and time.monotonic() < settle_deadline:
            time.sleep(0.5)
        result["leaked_while_running"] = len(apps(home))
        result["unreaped_while_running"] = len(zombies(server.pid))
        result["server_alive"] = server.poll() is None
        after = rss_mb(server.pid)
        result["server_rss_mb"] = {"before": rss_before and round(rss_before, 1), "after": after and round(after, 1)}

        server.send_signal(signal.SIGTERM)
        try:
            result["server_exit"] = server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            result["server_exit"] = "did not stop within 60 s"
        stop_deadline = time.monotonic() + 10
        while apps(home) and time.monotonic() < stop_deadline:
            time.sleep(0.5)
        result["leaked_after_stop"] = len(apps(home))
        text = log.read_text(errors="replace")
        result["server_tracebacks"] = text.count("Traceback")
        if a.log:
            a.log.write_text(text, encoding="utf-8")
        if "Traceback" in text:  # say what it was, so it can be looked into
            at = text.index("Traceback")
            print(f"soak: the server's log has a traceback:\n{text[max(0, at - 300):at + 3000]}", file=sys.stderr)
    finally:
        if server.poll() is None:  # still ours (not yet reaped): its group is the server's own
            with contextlib.suppress(OSError):
                os.killpg(server.pid, signal.SIGKILL)
        for pid in apps(home):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=5)
        shutil.rmtree(home.parent, ignore_errors=True)

    leaked = result["leaked_while_running"] + result["unreaped_while_running"] + result["leaked_after_stop"]
    ok = leaked == 0 and result["server_alive"] and result["server_exit"] == 0
    if a.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"soak: {a.cycles} cycles, {a.workers} clients at once, --max-sessions {a.max_sessions}, "
              f"seed {a.seed}: {result['seconds']} s")
        print(f"  cycles: {result['plan']}")
        print(f"  outcomes: {result['outcomes']}")
        print(f"  peak app processes: {result['peak_apps']}")
        print(f"  leaked while running ({a.settle:g} s after the last cycle): {result['leaked_while_running']} "
              f"alive, {result['unreaped_while_running']} unreaped")
        print(f"  server stop: exit {result['server_exit']}; leaked after stop: {result['leaked_after_stop']}")
        print(f"  server RSS: {result['server_rss_mb']['before']} -> {result['server_rss_mb']['after']} MB; "
              f"tracebacks in its log: {result['server_tracebacks']}")
        print("soak: OK, no leak" if ok else "soak: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
