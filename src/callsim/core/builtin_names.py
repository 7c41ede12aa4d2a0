"""The built-in names a condition can read (``turn``, ``empathy``, ``balance`` ...), in one registry.

Each entry has the name, the line the authoring guide shows for it, and how its value is worked out
from the call so far and the reply being answered. The engine reads the values (:func:`values`), lint
reads the names (:data:`BUILTIN_NAMES`), and a test checks the guide's table against :func:`guide_table`.
Adding a built-in name is one entry in :data:`BUILTINS`.

Nothing here imports the engine or the scorer, so loading and linting a scenario do not either: the
engine's ``Call`` and the scorer's ``TurnScore`` are described by the two small protocols below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Sized
from dataclasses import dataclass
from typing import Protocol

from callsim.core.conditions import Value
from callsim.core.models import Scenario
from callsim.core.money import Amount, lump_sum, plan_amount


class CallSoFar(Protocol):
    """What a built-in name may read of the call (the engine's ``Call``)."""

    @property
    def scenario(self) -> Scenario: ...

    @property
    def turns(self) -> Sized: ...

    @property
    def budget_disclosed(self) -> bool: ...

    @property
    def last_plan(self) -> float: ...

    @property
    def answered(self) -> bool | None: ...


class Reply(Protocol):
    """What a built-in name may read of the scored reply being answered (the scorer's ``TurnScore``)."""

    @property
    def empathy(self) -> float: ...

    @property
    def deescalation(self) -> float: ...

    @property
    def epitome(self) -> Mapping[str, int]: ...

    @property
    def violations(self) -> Sized: ...

    @property
    def has_blocker(self) -> bool: ...

    @property
    def asks_payment(self) -> bool: ...

    @property
    def amounts(self) -> Sequence[Amount]: ...


@dataclass(frozen=True)
class BuiltinName:
    name: str
    doc: str  # one line for the authoring guide's table: what the name holds
    value: Callable[[CallSoFar, Reply | None], Value]  # reply is None before a reply (a say variant's when)


def _of_reply(get: Callable[[Reply], Value], before: Value = 0.0) -> Callable[[CallSoFar, Reply | None], Value]:
    """A name about this reply: ``get`` of it, or ``before`` when no reply has been made yet."""
    return lambda call, reply: before if reply is None else get(reply)


BUILTINS: tuple[BuiltinName, ...] = (
    BuiltinName("turn", "number of replies so far, this one included",
                lambda call, reply: float(len(call.turns) + (0 if reply is None else 1))),
    BuiltinName("empathy", "this reply's empathy score, 0-100", _of_reply(lambda r: r.empathy)),
    BuiltinName("deescalation", "this reply's de-escalation score, 0-100", _of_reply(lambda r: r.deescalation)),
    BuiltinName("er", "EPITOME emotional reactions level of this reply, 0-2",
                _of_reply(lambda r: float(r.epitome["ER"]))),
    BuiltinName("ip", "EPITOME interpretations level of this reply, 0-2",
                _of_reply(lambda r: float(r.epitome["IP"]))),
    BuiltinName("ex", "EPITOME explorations level of this reply, 0-2",
                _of_reply(lambda r: float(r.epitome["EX"]))),
    BuiltinName("violations", "number of compliance violations in this reply",
                _of_reply(lambda r: float(len(r.violations)))),
    BuiltinName("blocker", "true when this reply has a blocker violation",
                _of_reply(lambda r: r.has_blocker, before=False)),
    BuiltinName("asks_payment", "true when this reply asks for money",
                _of_reply(lambda r: r.asks_payment, before=False)),
    BuiltinName("plan_amount", "monthly amount of the plan proposed in this reply (0 when none)",
                _of_reply(lambda r: plan_amount(list(r.amounts)))),
    BuiltinName("lump_sum", "one-off amount asked for or agreed in this reply (0 when none)",
                _of_reply(lambda r: lump_sum(list(r.amounts)))),
    BuiltinName("last_plan", "the most recent monthly plan amount proposed in the call (0 when none)",
                lambda call, reply: call.last_plan),
    BuiltinName("balance", "the balance from the debt facts", lambda call, reply: call.scenario.debt.balance),
    BuiltinName("affordable", "what the debtor can really pay a month, from the budget",
                lambda call, reply: call.scenario.budget.affordable_monthly),
    BuiltinName("answered", "true when the debtor's line asked something (its `asks`) and this reply answered it",
                lambda call, reply: call.answered is True),
    BuiltinName("unanswered", "true when the debtor's line asked something (its `asks`) and this reply did not "
                "answer it", lambda call, reply: call.answered is False),
    BuiltinName("budget_disclosed", "true once the trainee has asked about income and outgoings",
                lambda call, reply: call.budget_disclosed),
)

BUILTIN_NAMES: dict[str, str] = {b.name: b.doc for b in BUILTINS}
"""Every built-in name with its doc line, in the guide's order."""


def values(call: CallSoFar, reply: Reply | None) -> dict[str, Value]:
    """Every built-in name's value now; ``reply`` is the reply being answered, None before one is made."""
    return {b.name: b.value(call, reply) for b in BUILTINS}


def guide_table() -> str:
    """The table of built-in names in docs/authoring.md, as it must read."""
    rows = ["| name | what it holds |", "|---|---|", *(f"| `{b.name}` | {b.doc} |" for b in BUILTINS)]
    return "\n".join(rows) + "\n"
