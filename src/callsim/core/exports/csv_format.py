"""Sessions as CSV, one row each, safe to open in a spreadsheet (no cell can start a formula)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from callsim.core.exports import ExportOptions
    from callsim.core.store import SessionFilter, SessionSummary, Store

CSV_COLUMNS = (
    "id", "trainee", "scenario_id", "scenario_version", "rubric_version", "seed", "mode", "started_utc",
    "ended_utc", "duration_s", "status", "n_turns", "outcome_id", "outcome_label", "outcome_result", "overall",
    "empathy", "deescalation", "expectations_met", "compliance_passed", "violations", "passed", "n_reviews",
    "review_score",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(cell: Any) -> Any:
    """A CSV cell a spreadsheet will not run: text starting with = + - @ tab or CR gets a leading quote."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def _utc(dt: datetime | None) -> str:
    return dt.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "seconds") if dt else ""


def csv_row(s: SessionSummary) -> list[Any]:
    def num(x: float | None) -> Any:
        return "" if x is None else x

    def yes(x: bool | None) -> str:
        return "" if x is None else "yes" if x else "no"

    dur = "" if s.ended is None else round((s.ended - s.started).total_seconds(), 1)
    # Text that anyone could have typed or authored is defused; numbers, dates and ids cannot start a formula.
    return [s.id, defuse(s.trainee), defuse(s.scenario_id), s.scenario_version, s.rubric_version, s.seed,
            defuse(s.mode), _utc(s.started), _utc(s.ended), dur, s.status, s.n_turns, defuse(s.outcome_id or ""),
            defuse(s.outcome_label or ""), defuse(s.outcome_result or ""), num(s.overall), num(s.empathy),
            num(s.deescalation), num(s.expectations_met), yes(s.compliance_passed), s.violations, yes(s.passed),
            s.n_reviews, num(s.review_score)]


def write_csv(rows: Iterable[SessionSummary], out: TextIO) -> int:
    w = csv.writer(out)
    w.writerow(CSV_COLUMNS)
    n = 0
    for s in rows:
        w.writerow(csv_row(s))
        n += 1
    return n


def write(store: Store, f: SessionFilter, out: TextIO, options: ExportOptions) -> int:
    """``callsim export --format csv``: one row per session."""
    return write_csv(store.iter_sessions(f), out)
