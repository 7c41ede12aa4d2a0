"""Placeholders in debtor lines: ``{balance}``, ``{creditor}``... filled from the scenario's own facts.

A debtor line may name a fact of the scenario instead of repeating it, so the line stays true when the
author changes the balance or the creditor. The engine fills them when the line is said
(:func:`fill`); lint reports any other ``{word}`` (E116 unknown-placeholder), which would otherwise be
shown to the trainee as it is written. Text in braces that is not a single word (``{ }``, ``{a b}``) is
left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from callsim.core.models import Scenario
from callsim.core.money import format_money

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Placeholder:
    name: str
    doc: str
    value: Callable[[Scenario], str]


def _first(s: Scenario) -> str:
    return s.persona.name.split()[0] if s.persona.name.split() else s.persona.name


def _collector(s: Scenario) -> str:
    return s.debt.collector or s.debt.creditor


PLACEHOLDERS: dict[str, Placeholder] = {p.name: p for p in (
    Placeholder("balance", "the balance with its currency symbol (debt.balance), e.g. £1,240.50",
                lambda s: format_money(s.debt.balance, s.debt.symbol)),
    Placeholder("creditor", "who the debt is owed to (debt.creditor)", lambda s: s.debt.creditor),
    Placeholder("collector", "the trainee's company (debt.collector, else the creditor)", _collector),
    Placeholder("name", "the debtor's full name (persona.name)", lambda s: s.persona.name),
    Placeholder("first_name", "the debtor's first name", _first),
    Placeholder("account_ref", "the account reference (debt.account_ref)", lambda s: s.debt.account_ref),
    Placeholder("days_past_due", "days past due, as a number (debt.days_past_due)",
                lambda s: str(s.debt.days_past_due)),
)}


def fill(text: str, scenario: Scenario) -> str:
    """``text`` with every known placeholder replaced by the scenario's value; unknown ones stay as written
    (lint reports them, so a file that lints clean has none)."""
    if "{" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        p = PLACEHOLDERS.get(m.group(1))
        return p.value(scenario) if p is not None else m.group(0)

    return PLACEHOLDER.sub(one, text)


def unknown(text: str) -> list[tuple[str, int]]:
    """Every placeholder in ``text`` that is not one of :data:`PLACEHOLDERS`, with its offset."""
    return [(m.group(1), m.start()) for m in PLACEHOLDER.finditer(text) if m.group(1) not in PLACEHOLDERS]
