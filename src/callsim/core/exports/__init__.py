"""Exporting sessions, one module per format: ``csv_format`` (a spreadsheet), ``json_format`` (``json`` and
``jsonl``: every session whole), ``xapi`` (statements for a learning record store), ``markdown`` (one call, for
the trainee to keep). ``callsim export`` and the apps call these; nothing here prints or parses arguments."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from callsim.core.exports import csv_format, json_format, xapi
from callsim.core.exports.xapi import XAPI_BASE

if TYPE_CHECKING:
    from collections.abc import Mapping

    from callsim.core.store import SessionFilter, Store


@dataclass(frozen=True)
class ExportOptions:
    """What a format may be told besides the sessions: the xAPI activity address."""

    xapi_base: str = XAPI_BASE


Writer = Callable[["Store", "SessionFilter", TextIO, ExportOptions], int]

# A new format is a module with its ``write(store, filter, out, options) -> int`` (how many sessions it wrote)
# and one line here; `callsim export --format` offers every key.
WRITERS: dict[str, Writer] = {
    "csv": csv_format.write,
    "json": json_format.write_array,
    "jsonl": json_format.write_lines,
    "xapi": xapi.write,
}
FORMATS = tuple(WRITERS)


def export(store: Store, fmt: str, out: TextIO, filters: SessionFilter | Mapping[str, Any] | None = None,
           xapi_base: str = XAPI_BASE) -> int:
    """Write the sessions matching ``filters`` to ``out`` in format ``fmt``; returns how many were written."""
    from callsim.core.store import SessionFilter  # deferred: SQLAlchemy, only when something is exported

    return WRITERS[fmt](store, SessionFilter.of(filters), out, ExportOptions(xapi_base))
