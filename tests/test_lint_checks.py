"""Lint as named checks: the registries behind `callsim lint`, and what loading a scenario imports.

The diagnostics themselves (codes, messages, positions, hints) are pinned by tests/test_lint.py.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from callsim.core import builtin_names
from callsim.core.builtin_names import BUILTINS, guide_table
from callsim.core.conditions import Condition

from .conftest import ROOT

AUTHORING = ROOT / "docs" / "authoring.md"

# --------------------------------------------------------------------------- built-in condition names


def test_builtin_names_are_unique_documented_and_readable_in_a_condition() -> None:
    names = [b.name for b in BUILTINS]
    assert len(names) == len(set(names))
    for b in BUILTINS:
        assert b.doc and b.doc == b.doc.strip() and "|" not in b.doc, b.name
        assert [n.name for n in Condition.parse(b.name).names()] == [b.name]


def test_every_builtin_name_has_a_value_before_and_after_a_reply() -> None:
    scenario = SimpleNamespace(debt=SimpleNamespace(balance=300.0), budget=SimpleNamespace(affordable_monthly=40.0))
    call = cast(Any, SimpleNamespace(scenario=scenario, turns=[{}, {}], budget_disclosed=True, last_plan=25.0))
    reply = cast(Any, SimpleNamespace(empathy=60.0, deescalation=55.0, epitome={"ER": 1, "IP": 0, "EX": 2},
                                      violations=(), has_blocker=False, asks_payment=True, amounts=()))
    before, after = builtin_names.values(call, None), builtin_names.values(call, reply)
    assert list(before) == list(after) == [b.name for b in BUILTINS]
    assert (before["turn"], after["turn"]) == (2.0, 3.0)
    assert (before["empathy"], after["empathy"], after["ex"]) == (0.0, 60.0, 2.0)
    assert (before["asks_payment"], after["asks_payment"]) == (False, True)
    assert (after["balance"], after["affordable"], after["last_plan"]) == (300.0, 40.0, 25.0)


def test_the_guide_lists_exactly_the_builtin_names() -> None:
    text = AUTHORING.read_text(encoding="utf-8")
    assert guide_table() + "\n" in text, (
        "The table of built-in names in docs/authoring.md must match callsim.core.builtin_names.BUILTINS:\n"
        + guide_table()
    )
