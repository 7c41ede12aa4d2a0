"""Reading the dates people type in filters: ``2026-03-01``, ``2026-03-01 09:30``, ``today``, ``7d``."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo


def parse_since(text: str, now: datetime, tz: tzinfo | None = None) -> datetime | None:
    """``2026-03-01`` (midnight), ``2026-03-01 09:30``, ``today``, ``yesterday``, ``7d``, ``12h``, ``3w``.

    Empty text means no filter (``None``). Raises ValueError with a message for anything else. Dates
    without a zone are read in ``tz`` (the app's display zone)."""
    t = " ".join(text.strip().lower().split())
    if not t:
        return None
    zone = tz or now.astimezone().tzinfo or UTC
    local_now = now.astimezone(zone)
    midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    if t == "today":
        return midnight
    if t == "yesterday":
        return midnight - timedelta(days=1)
    m = re.fullmatch(r"(\d{1,5})\s*([hdw])", t)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        return now - {"h": timedelta(hours=n), "d": timedelta(days=n), "w": timedelta(weeks=n)}[unit]
    try:
        dt = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a date: use 2026-03-01, 2026-03-01 09:30, today or 7d") from None
    return dt.replace(tzinfo=zone) if dt.tzinfo is None else dt
