"""`callsim report`: one self-contained HTML report for team leads.

    callsim report [--trainee T] [--scenario S] [--since DATE] [--until DATE] [--db URL] [-o report.html]

The filters are those of `callsim sessions` and `export`. The page needs no network to open (inline CSS,
charts as inline SVG, no script): attach it to an email or put it on a shared drive. See docs/reports.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from callsim.cli.store import session_filter, store_for

ErrorType = type[Exception]
DEFAULT_OUTPUT = "callsim-report.html"


def scenario_titles(ids: Iterable[str]) -> dict[str, str]:
    """Titles of the installed scenarios among ``ids`` (a scenario no longer installed simply has none)."""
    wanted = set(ids)
    if not wanted:
        return {}
    from callsim.core.library import load_library

    out: dict[str, str] = {}
    for entry in load_library():
        if entry.result.scenario is not None and entry.id in wanted:
            out[entry.id] = entry.result.scenario.title
    return out


def _progress(total: int) -> Callable[[int], None] | None:
    """A line on stderr that counts up, for big stores on a terminal."""
    if total < 5000 or not sys.stderr.isatty():
        return None

    def show(n: int) -> None:
        print(f"\rcallsim: read {n:,} of {total:,} sessions", end="", file=sys.stderr, flush=True)

    return show


def write_atomically(path: Path, text: str, user_error: ErrorType) -> None:
    """Written beside the target, then renamed: a failed run leaves no half-written report."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as e:
        raise user_error(f"cannot write {path}: {e.strerror}") from None
    try:
        with open(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cmd_report(a: argparse.Namespace, user_error: ErrorType) -> int:
    from callsim.core.reporting import build, drill_summary, render_report

    if a.max_evidence < 0:
        raise user_error("--max-evidence must be 0 (no cap) or more")
    filters = session_filter(a, user_error)
    began = time.perf_counter()
    with store_for(a, user_error) as store:
        total = store.count_sessions(filters)
        show = _progress(total)
        data = build(store, filters, max_evidence=a.max_evidence or None, progress=show)
        drills = drill_summary(store, filters)
        if show is not None:
            print(file=sys.stderr)
    page = render_report(data, filters, scenario_titles=scenario_titles(data.scenarios), title=a.title,
                         drills=drills)
    if a.output == "-":
        sys.stdout.write(page)
    else:
        write_atomically(Path(a.output), page, user_error)
    took = time.perf_counter() - began
    where = "" if a.output == "-" else f" to {a.output}"
    if data.empty:
        print(f"callsim: no sessions match these filters; wrote a report that says so{where}", file=sys.stderr)
        return 0
    cut = (f" (the {len(data.evidence):,} most recent shown: --max-evidence)" if data.evidence_truncated else "")
    print(f"callsim: wrote the report{where}: {data.cohort.sessions:,} session(s), "
          f"{len(data.trainees):,} trainee(s), {data.evidence_total:,} failed compliance check(s){cut}, "
          f"in {took:.1f} s", file=sys.stderr)
    return 0


def register(sub: Any, user_error: type[Exception]) -> None:
    """Add this module's subcommands to the ``callsim`` parser."""
    from callsim.core.reporting.aggregate import DEFAULT_MAX_EVIDENCE

    s = sub.add_parser("report", help="write a self-contained HTML report of the recorded sessions",
                       description="One HTML file (no network needed to view it) with the cohort summary, "
                                   "per-trainee trends, the most missed behaviours and violations, per-scenario "
                                   "results and every failed compliance check with its evidence.")
    s.add_argument("-o", "--output", default=DEFAULT_OUTPUT,
                   help=f"the HTML file to write (default {DEFAULT_OUTPUT}; - for standard output)")
    s.add_argument("--trainee", help="only this trainee's sessions")
    s.add_argument("--scenario", help="only this scenario id")
    s.add_argument("--since", help="started on or after: 2026-11-01, 2026-11-01T09:30, today, 7d")
    s.add_argument("--until", help="started before (same forms as --since)")
    s.add_argument("--db", metavar="URL", help="database URL (default: CALLSIM_DATABASE_URL or the local file)")
    s.add_argument("--max-evidence", type=int, default=DEFAULT_MAX_EVIDENCE, metavar="N",
                   help=f"list at most the N most recent failed compliance checks with their evidence "
                        f"(default {DEFAULT_MAX_EVIDENCE:,}; 0 lists them all); every one is still counted")
    s.add_argument("--title", help="the page's title (default: callsim report, and the trainee/scenario filter)")
    s.set_defaults(func=lambda a: cmd_report(a, user_error))
