"""The call record: one typed, versioned format for a call's turns, its state and its result.

:class:`Turn` is one reply and what it did; :class:`CallState` is everything needed to resume a call
(where it is, mood, flags, what has been seen and said, the turns so far); :class:`CallRecord` is the
final state plus the call-level scores, compliance and pass/fail. Only the engine
(:mod:`callsim.core.engine`) makes or changes them; the store, exports, reports, renderers and
walkthroughs read them. They are frozen pydantic models: a new field is one line here (with a default,
so records stored before it still load).

JSON: :meth:`~_Json.to_json` gives the JSON-ready dict callsim has always stored (in SQLite/PostgreSQL, in
``callsim run --json`` and the exports); :meth:`~_Json.from_json` reads it back. ``format`` says which
version of the format a state or record is in: :func:`check_format` refuses any other, with a message that
names the format and what to do (instead of a ``KeyError`` somewhere later). When the format changes,
:data:`RECORD_FORMAT` goes up and a migration from the old format goes in :data:`MIGRATIONS`.

Turn scores (``Turn.scores``) are the scorer's own format (``TurnScore.as_dict()``), kept as a dict here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, ValidationError

from callsim.core.models import Outcome

RECORD_FORMAT = 1
"""The version of the state and record format that this callsim writes and reads."""

JsonDict = dict[str, Any]

# Older formats this callsim can read: format -> a function taking a record in that format and returning it
# in the next one. Empty while there has only been format 1.
MIGRATIONS: dict[int, Callable[[JsonDict], JsonDict]] = {}


class RecordFormatError(ValueError):
    """A saved call or record this version of callsim cannot read (another format, or not a record)."""


class _Json(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def to_json(self) -> JsonDict:
        """The JSON-ready dict (lists, not tuples), keys in the order they have always been written."""
        return self.model_dump(mode="json")

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str) -> Self:
        """Read what :meth:`to_json` wrote (a dict or a JSON string)."""
        raw = _loads(data)
        try:
            return cls.model_validate(raw)
        except ValidationError as e:
            raise RecordFormatError(f"this is not a callsim {_NAMES.get(cls.__name__, cls.__name__)}: "
                                    f"{_first_error(e)}") from None


class DebtorWords(_Json):
    """What the debtor said on a turn, and the non-verbal cues with it."""

    text: str
    cues: tuple[str, ...] = ()


class RouteTaken(_Json):
    """The route a turn took: its index in the node (None for an ``end_when`` rule), condition and target."""

    index: int | None
    when: str | None
    goto: str
    note: str | None = None


class Turn(_Json):
    """One reply and what it did (``Call.respond`` returns it)."""

    index: int  # 1-based
    node: str  # the node the reply was given at
    debtor: DebtorWords  # the debtor's line the reply answered
    reply: str
    choice: int | None = None  # the guided choice taken, 1-based; None for a typed reply
    scores: dict[str, Any]  # the scorer's TurnScore.as_dict(), empathy and de-escalation rounded
    route: RouteTaken | None = None
    mood_before: dict[str, float]
    mood: dict[str, float]  # after the reply
    flags: dict[str, bool]  # after the reply
    next: str  # the node the call went to
    answered: bool | None = None  # did the reply answer the question the debtor's line asked (None: it asked none)

    @property
    def ids(self) -> set[str]:
        """The behaviour and violation ids the reply was scored with."""
        return ({b["id"] for b in self.scores.get("behaviours", [])}
                | {v["id"] for v in self.scores.get("violations", [])})

    @property
    def acts(self) -> tuple[str, ...]:
        """The dialogue acts of the reply (core/acts.py); none in records made before acts were read."""
        return tuple(self.scores.get("acts", []))

    @property
    def plan(self) -> float:
        """The monthly amount of the last plan proposed in this reply (0 when none)."""
        plans = [a for a in self.scores.get("amounts", []) if a.get("role") == "plan"]
        return float(plans[-1]["monthly"]) if plans else 0.0


class ScenarioRef(_Json):
    id: str
    version: int


class CallState(_Json):
    """Everything needed to resume a call (``Call.state``; ``CompiledScenario.restore`` takes it back)."""

    format: int = RECORD_FORMAT
    scenario: ScenarioRef
    seed: int
    node: str
    mood: dict[str, float]
    flags: dict[str, bool]
    seen: dict[str, int]  # behaviour and violation ids so far, with their counts
    disclosed: tuple[str, ...]  # persona facts the debtor has disclosed, in order
    budget_disclosed: bool
    last_plan: float  # the most recent monthly plan proposed (0 when none)
    outcome: Outcome | None = None
    turns: tuple[Turn, ...] = ()

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str) -> Self:
        return super().from_json(check_format(_loads(data), _NAMES[cls.__name__]))

    def without_turns(self) -> JsonDict:
        """The JSON without ``turns`` (the store keeps each turn in a row of its own)."""
        out = self.to_json()
        del out["turns"]
        return out


class CallScores(_Json):
    empathy: float
    deescalation: float
    expectations_met: float
    overall: float


class Compliance(_Json):
    passed: bool
    violations: tuple[dict[str, Any], ...] = ()  # the scorer's violations, each with the "turn" it was in
    possible: tuple[dict[str, Any], ...] = ()  # violations the scorer was not sure of: for review, never a fail


class PlanCheck(_Json):
    """The last plan proposed, against what the debtor can afford."""

    monthly: float
    affordable: float
    sustainable: bool
    agreed: bool


class CallRecord(CallState):
    """The call record (``Call.record``): the final state plus the call-level scores, compliance and result."""

    ended: bool
    scores: CallScores
    compliance: Compliance
    understanding: str = ""  # empty when the learned language layer scored; else why the rules scored alone
    pass_mark: float
    passed: bool
    plan: PlanCheck | None = None

    @property
    def state(self) -> CallState:
        """Just the state (the record without its scores)."""
        return CallState.model_construct(**{name: getattr(self, name) for name in CallState.model_fields})


_NAMES = {"DebtorWords": "turn", "RouteTaken": "turn", "Turn": "turn", "ScenarioRef": "saved call",
          "CallState": "saved call", "CallScores": "call record", "Compliance": "call record",
          "PlanCheck": "call record", "CallRecord": "call record"}


def check_format(data: Mapping[str, Any], what: str = "saved call") -> Mapping[str, Any]:
    """``data`` in today's format (migrated when it is an older one this callsim knows), else a clear error."""
    fmt = data.get("format")
    if fmt == RECORD_FORMAT:
        return data
    if not isinstance(fmt, int) or isinstance(fmt, bool):
        raise RecordFormatError(
            f"this {what} has no record format callsim knows (format {fmt!r}; this callsim reads format "
            f"{RECORD_FORMAT}): it was not written by callsim, or it is damaged"
        )
    if fmt > RECORD_FORMAT:
        raise RecordFormatError(
            f"this {what} is in record format {fmt}, written by a newer callsim; this callsim reads format "
            f"{RECORD_FORMAT}. Upgrade callsim to open it."
        )
    out = dict(data)
    while out.get("format") in MIGRATIONS:
        out = MIGRATIONS[out["format"]](out)
    if out.get("format") != RECORD_FORMAT:
        raise RecordFormatError(
            f"this {what} is in record format {fmt}, which this callsim cannot read (it reads format "
            f"{RECORD_FORMAT}, and migrates none older)"
        )
    return out


def _loads(data: Mapping[str, Any] | str) -> Mapping[str, Any]:
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as e:
            raise RecordFormatError(f"this is not a callsim call record: not JSON ({e})") from None
    if not isinstance(data, Mapping):
        raise RecordFormatError(f"this is not a callsim call record: a JSON {type(data).__name__}, not an object")
    return data


def _first_error(e: ValidationError) -> str:
    err = e.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    more = f" (and {e.error_count() - 1} more)" if e.error_count() > 1 else ""
    return f"{where}: {err['msg']}{more}" if where else f"{err['msg']}{more}"
