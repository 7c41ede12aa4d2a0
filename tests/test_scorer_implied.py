"""Implied threats in writing and speech (2026-12-05): vague escalation, a purpose clause, a status said as done,
an ultimatum; and the lawful lines in the same words. Without a scenario no debt facts say an action is intended,
so each threat here is unintended.

The lines are mine (the rules' author); how the change does on lines by other hands is in docs/scoring.md
(heldout/implied, written blind, and heldout/implied2)."""

from __future__ import annotations

from functools import cache

import pytest

from callsim.core.scorer import Scorer


@cache
def scorer() -> Scorer:
    return Scorer()


@pytest.mark.parametrize(("text", "violation"), [
    ("Ring me back on 0161 496 0123 today, otherwise we'll have to take things further.",
     "threat_unintended_action"),
    ("If we don't hear from you by Friday we will take this matter further.", "threat_unintended_action"),
    ("Please call me back today at 1-800-555-0142 to avoid legal action.", "threat_unintended_action"),
    ("Call us this week to avoid court.", "threat_unintended_action"),
    ("Please be aware that your file has been flagged for legal review.", "threat_unintended_action"),
    ("we know where u work so pls call b4 this gets messy", "undue_pressure"),
    ("Best to sort it before it gets ugly.", "undue_pressure"),
])
def test_an_implied_threat_fails_the_reply(text: str, violation: str) -> None:
    assert violation in scorer().score(text).violation_ids


@pytest.mark.parametrize("text", [
    "If you're not happy with my answer, you can take it further with the Financial Ombudsman Service.",
    "If you want to take things further, I can give you our complaints address.",
    "No further action will be taken while you're in Breathing Space.",
    "We're not taking you to court and nobody will come to your home.",
    "To avoid any confusion, we aren't taking legal action against you.",
    "A plan helps you avoid extra interest and charges.",
    "If you don't respond, we won't take this any further.",
    "We don't know where you work, and we won't contact your employer.",
    "Let's get a plan in place before things get messy with your other bills.",
    "Your account has been passed to us by Harbor Bank.",
])
def test_the_same_words_said_lawfully_fail_nothing(text: str) -> None:
    assert not scorer().score(text).violation_ids


@pytest.mark.parametrize("text", [
    "You can complain to the state Attorney General if you think we've treated you unfairly.",
    "If anyone threatens you over this, you can report them to the Attorney General's office.",
])
def test_the_attorney_general_as_a_place_to_complain_is_no_threat(text: str) -> None:
    turn = scorer().score(text)
    assert not turn.violation_ids
    assert "threat_unintended_action" not in {d.id for d in turn.possible}
