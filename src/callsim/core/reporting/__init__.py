"""`callsim report`: the session store summarised as one self-contained HTML page for team leads.

:func:`build` streams the matching sessions out of the store (newest first, a batch at a time, each turn cut
down to what is counted: :mod:`~callsim.core.reporting.source`) into an
:class:`~callsim.core.reporting.aggregate.Aggregator`; :func:`render_report` turns the result into HTML with
charts drawn by matplotlib as inline SVG. Nothing here imports Textual, and matplotlib only when charts are drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from callsim.core.reporting.aggregate import DEFAULT_MAX_EVIDENCE, Aggregator, ReportData
from callsim.core.reporting.page import render

if TYPE_CHECKING:
    from callsim.core.drills.summary import DrillSummary
    from callsim.core.store import SessionFilter, Store



def build(store: Store, filters: SessionFilter | Mapping[str, Any] | None = None, *,
          max_evidence: int | None = DEFAULT_MAX_EVIDENCE, progress: Callable[[int], None] | None = None) -> ReportData:
    """Aggregate every session matching ``filters`` (a SessionFilter, or its fields by name), newest first."""
    from callsim.core.reporting.source import stream  # deferred: SQLAlchemy, only when a report is built

    agg = Aggregator(max_evidence=max_evidence)
    agg.add_all(stream(store, filters or {}), progress=progress)
    return agg.result()


def describe_filters(filters: SessionFilter | Mapping[str, Any]) -> dict[str, str]:
    """The filters in words for the page: {"trainee": "Amy", "started on or after": "2026-03-01 00:00 UTC"}."""
    from callsim.core.store import SessionFilter

    return SessionFilter.of(filters).words()


def report_title(filters: SessionFilter | Mapping[str, Any]) -> str:
    from callsim.core.store import SessionFilter

    f = SessionFilter.of(filters)
    parts = [v for v in (f.trainee, f.scenario) if v]
    return "callsim report" + (": " + " · ".join(parts) if parts else "")


def drill_summary(store: Store, filters: SessionFilter | Mapping[str, Any] | None = None) -> DrillSummary:
    """The drill attempts of the trainee and period the filters name (a scenario filter leaves drills out)."""
    from callsim.core.drills.summary import DrillSummary, summarise
    from callsim.core.store import SessionFilter

    f = SessionFilter.of(filters or {})
    if f.scenario:
        return DrillSummary()
    return summarise(store.list_attempts(trainee=f.trainee, since=f.since, until=f.until))


def render_report(data: ReportData, filters: SessionFilter | Mapping[str, Any] | None = None, *,
                  generated: datetime | None = None, scenario_titles: Mapping[str, str] | None = None,
                  title: str | None = None, drills: DrillSummary | None = None) -> str:
    """The HTML page for ``data``; ``filters`` are the ones it was built with (shown on the page)."""
    from callsim import __version__

    filters = filters or {}
    return render(data, title=title or report_title(filters), filters=describe_filters(filters),
                  generated=(generated or datetime.now(UTC)).astimezone(UTC), scenario_titles=scenario_titles,
                  version=__version__, drills=drills)


__all__ = ["DEFAULT_MAX_EVIDENCE", "Aggregator", "ReportData", "build", "describe_filters", "drill_summary",
           "render_report", "report_title"]
