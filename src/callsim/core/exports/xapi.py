"""Sessions as xAPI 1.0.3 statements, for a learning record store: the trainee passed or failed a scenario."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

if TYPE_CHECKING:
    from callsim.core.exports import ExportOptions
    from callsim.core.store import SessionFilter, SessionSummary, Store

XAPI_BASE = "https://callsim.invalid"  # replace with your organisation's address: --xapi-base or env
XAPI_NAMESPACE = uuid.UUID("6f1c9a52-5d0e-4e8c-9a43-2d8f7c1b0e11")  # statement ids: uuid5(this, session id)

def xapi_statement(s: SessionSummary, base: str = XAPI_BASE) -> dict[str, Any]:
    """One xAPI 1.0.3 statement for a finished session: the trainee passed or failed the scenario."""
    base = base.rstrip("/")
    verb = "passed" if s.passed else "failed"
    ext = f"{base}/xapi/extensions"
    result: dict[str, Any] = {
        "success": bool(s.passed),
        "completion": True,
        "extensions": {
            f"{ext}/empathy": s.empathy, f"{ext}/deescalation": s.deescalation,
            f"{ext}/expectations-met": s.expectations_met, f"{ext}/compliance-passed": s.compliance_passed,
            f"{ext}/violations": s.violations, f"{ext}/outcome": s.outcome_id,
        },
    }
    if s.overall is not None:
        result["score"] = {"scaled": round(s.overall / 100, 4), "raw": s.overall, "min": 0, "max": 100}
    if s.review_score is not None:
        result["extensions"][f"{ext}/reviewer-score"] = s.review_score
    if s.ended is not None:
        secs = max(0.0, (s.ended - s.started).total_seconds())
        result["duration"] = "PT" + (f"{secs:.2f}".rstrip("0").rstrip(".") or "0") + "S"
    return {
        "id": str(uuid.uuid5(XAPI_NAMESPACE, s.id)),
        "actor": {"objectType": "Agent", "name": s.trainee, "account": {"homePage": base, "name": s.trainee}},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
        "object": {
            "objectType": "Activity",
            "id": f"{base}/scenarios/{quote(s.scenario_id, safe='')}",
            "definition": {"type": "http://adlnet.gov/expapi/activities/simulation",
                           "name": {"en-US": s.scenario_id}},
        },
        "result": result,
        "context": {
            "registration": str(uuid.uuid5(XAPI_NAMESPACE, f"registration:{s.id}")),
            "platform": "callsim",
            "revision": str(s.scenario_version),
            "extensions": {f"{ext}/session": s.id, f"{ext}/seed": s.seed, f"{ext}/mode": s.mode,
                           f"{ext}/rubric-version": s.rubric_version},
        },
        "timestamp": (s.ended or s.started).astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


def write(store: Store, f: SessionFilter, out: TextIO, options: ExportOptions) -> int:
    """``--format xapi``: a statement says how a call ended, so finished calls only."""
    from callsim.core.exports.json_format import json_array

    if f.finished is False:
        return json_array([], out)
    finished = store.iter_sessions(replace(f, finished=True))
    return json_array((xapi_statement(s, options.xapi_base) for s in finished), out)
