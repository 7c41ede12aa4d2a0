"""Exporting sessions, one module per format: ``csv_format`` (a spreadsheet), ``json_format`` (``json`` and
``jsonl``: every session whole), ``xapi`` (statements for a learning record store), ``markdown`` (one call, for
the trainee to keep). ``callsim export`` and the apps call these; nothing here prints or parses arguments."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, TextIO

from callsim.core.exports.csv_format import write_csv
from callsim.core.exports.json_format import json_array, json_lines
from callsim.core.exports.xapi import XAPI_BASE, xapi_statement

if TYPE_CHECKING:
    from collections.abc import Mapping

    from callsim.core.store import SessionFilter, Store

FORMATS = ("csv", "json", "jsonl", "xapi")


def export(store: Store, fmt: str, out: TextIO, filters: SessionFilter | Mapping[str, Any] | None = None,
           xapi_base: str = XAPI_BASE) -> int:
    """Write the sessions matching ``filters`` to ``out``; returns how many were written."""
    from callsim.core.store import SessionFilter  # deferred: SQLAlchemy, only when something is exported

    f = SessionFilter.of(filters)
    if fmt == "csv":
        return write_csv(store.iter_sessions(f), out)
    if fmt == "xapi":  # a statement says how a call ended: finished calls only
        if f.finished is False:
            return json_array([], out)
        finished = store.iter_sessions(replace(f, finished=True))
        return json_array((xapi_statement(s, xapi_base) for s in finished), out)
    details = (d.to_dict() for d in store.iter_details(f))
    if fmt == "json":
        return json_array(details, out)
    return json_lines(details, out)
