"""Sessions as one JSON array (``json``) or one object a line (``jsonl``): each whole, turns and record."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from callsim.core.exports import ExportOptions
    from callsim.core.store import SessionFilter, Store


def json_array(items: Iterable[dict[str, Any]], out: TextIO) -> int:
    n = 0
    out.write("[")
    for item in items:
        out.write(",\n" if n else "\n")
        out.write(json.dumps(item, ensure_ascii=False))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n


def json_lines(items: Iterable[dict[str, Any]], out: TextIO) -> int:
    n = 0
    for item in items:
        out.write(json.dumps(item, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_array(store: Store, f: SessionFilter, out: TextIO, options: ExportOptions) -> int:
    """``--format json``: every session whole, in one array."""
    return json_array((d.to_dict() for d in store.iter_details(f)), out)


def write_lines(store: Store, f: SessionFilter, out: TextIO, options: ExportOptions) -> int:
    """``--format jsonl``: every session whole, one a line."""
    return json_lines((d.to_dict() for d in store.iter_details(f)), out)
