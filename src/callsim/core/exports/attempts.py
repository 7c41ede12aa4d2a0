"""Drill attempts exported (``callsim drill export``): csv (one row each), json / jsonl (each attempt whole, with
its id, trainee and time) and xapi (a statement each: the trainee passed or failed the drill)."""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TextIO
from urllib.parse import quote

from callsim.core.exports.csv_format import defuse
from callsim.core.exports.xapi import XAPI_BASE, XAPI_NAMESPACE

FORMATS = ("csv", "json", "jsonl", "xapi")
CSV_COLUMNS = ("id", "taken", "trainee", "drill_id", "kind", "jurisdiction", "score", "passed", "rules")


def _whole(row: Mapping[str, Any]) -> dict[str, Any]:
    return {**dict(row["data"]), "id": row["id"], "taken": row["taken"]}


def xapi_statement(row: Mapping[str, Any], base: str = XAPI_BASE) -> dict[str, Any]:
    base = base.rstrip("/")
    data = row["data"]
    verb = "passed" if row["passed"] else "failed"
    ext = f"{base}/xapi/extensions"
    taken = row["taken"]
    stamp = taken if isinstance(taken, str) else taken.isoformat()
    return {
        "id": str(uuid.uuid5(XAPI_NAMESPACE, f"drill:{row['id']}")),
        "actor": {"objectType": "Agent", "name": row["trainee"],
                  "account": {"homePage": base, "name": row["trainee"]}},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
        "object": {"objectType": "Activity", "id": f"{base}/drills/{quote(row['drill_id'], safe='')}",
                   "definition": {"type": "http://adlnet.gov/expapi/activities/assessment",
                                  "name": {"en-US": data.get("title") or row["drill_id"]}}},
        "result": {"success": bool(row["passed"]), "completion": True,
                   "score": {"scaled": round(float(row["score"]) / 100, 4), "raw": float(row["score"]),
                             "min": 0, "max": 100},
                   "extensions": {f"{ext}/drill-kind": row["kind"], f"{ext}/jurisdiction": row["jurisdiction"],
                                  f"{ext}/rules": list(data.get("rules", ()))}},
        "context": {"platform": "callsim", "extensions": {f"{ext}/attempt": row["id"]}},
        "timestamp": _zulu(stamp),
    }


def _zulu(stamp: str) -> str:
    dt = datetime.fromisoformat(stamp)
    return dt.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def write(rows: Iterable[Mapping[str, Any]], fmt: str, out: TextIO, xapi_base: str = XAPI_BASE) -> int:
    """Write ``rows`` (as ``Store.list_attempts`` gives them) to ``out``; returns how many."""
    rows = list(rows)
    if fmt == "csv":
        w = csv.writer(out)
        w.writerow(CSV_COLUMNS)
        for r in rows:
            w.writerow([r["id"], r["taken"], defuse(r["trainee"]), defuse(r["drill_id"]), r["kind"], r["jurisdiction"],
                        r["score"], "yes" if r["passed"] else "no", " ".join(r["data"].get("rules", ()))])
    elif fmt == "jsonl":
        for r in rows:
            out.write(json.dumps(_whole(r), ensure_ascii=False) + "\n")
    elif fmt in ("json", "xapi"):
        items = [_whole(r) if fmt == "json" else xapi_statement(r, xapi_base) for r in rows]
        json.dump(items, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        raise ValueError(f"format is one of {', '.join(FORMATS)}, not {fmt!r}")
    return len(rows)
