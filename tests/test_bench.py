"""The benchmarks run to the end. They measure speed (numbers in docs/, never asserted here: a timed test
fails on a busy machine, not on slow code); a benchmark that crashes is a bug, so each is run once, small."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout, check=False)


@pytest.mark.slow
def test_the_app_benchmark_plays_its_whole_call() -> None:
    """bench_tui crashed with NoMatches on '#start' when the brief screen existed before its widgets."""
    done = _run(str(BENCH / "bench_tui.py"), "--skip-startup", "--json")
    # 1 means a target was missed on this (busy) machine: a measurement, not a crash. A crash exits 2 or more.
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stdout + done.stderr
    numbers = json.loads(done.stdout)
    assert numbers["turns"] == 30 and numbers["reply_median_ms"] > 0 and numbers["rss_mb"] > 0


def test_the_scorer_benchmark_runs() -> None:
    done = _run(str(BENCH / "bench_scorer.py"), "--n", "5", "--repeat", "1")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ms" in done.stdout and "Traceback" not in done.stderr


def test_the_serve_soak_runs_and_counts_no_leak() -> None:
    """bench/soak_serve.py, small: a real server, 12 cycles, every outcome counted, no app left (issue 14)."""
    done = _run(str(BENCH / "soak_serve.py"), "--cycles", "12", "--settle", "30", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    numbers = json.loads(done.stdout)
    assert numbers["cycles"] == 12 and sum(numbers["outcomes"].values()) == 12
    assert numbers["leaked_while_running"] == numbers["unreaped_while_running"] == numbers["leaked_after_stop"] == 0
    assert numbers["server_exit"] == 0 and numbers["server_tracebacks"] == 0


def test_the_explore_benchmark_runs() -> None:
    """bench/bench_explore.py, small: two scenarios, a few runs each, in two processes (issue 13)."""
    done = _run(str(BENCH / "bench_explore.py"), "--runs", "5", "--scenarios", "2", "--jobs", "2", "--json")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stdout + done.stderr
    numbers = json.loads(done.stdout)
    assert numbers["scenarios"] == 2 and numbers["runs"] == 5 and numbers["replies"] >= 10
    assert numbers["wall_s"] > 0 and numbers["cpu_s"] > 0 and numbers["peak_rss_mb"] > 0
