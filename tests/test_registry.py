"""The registry (``src/callsim/core/data/rubric.yaml``): every entry's examples are detected as its id by the
default scorer (the rules and the learned layer), its counter-examples are not, and every entry is complete
(a citation for each compliance entry, at least two examples and two counter-examples, what detects it)."""

from __future__ import annotations

from functools import cache

import pytest

from callsim.core.library import shipped_dir
from callsim.core.loader import load_scenario
from callsim.core.models import Scenario
from callsim.core.rubric import Behaviour, Case, load_rubric
from callsim.core.scorer import ScoringContext, TurnScore, default_scorer

RUBRIC = load_rubric()


@cache
def _scenario(name: str) -> Scenario:
    loaded = load_scenario(shipped_dir() / f"{name}.yaml", run_walkthroughs=False)
    assert loaded.scenario is not None, [str(d) for d in loaded.errors]
    return loaded.scenario


def _score(case: Case) -> TurnScore:
    scenario = _scenario(case.scenario) if case.scenario else None
    ctx = ScoringContext(debtor_line=case.debtor, scenario=scenario, flags={f: True for f in case.flags})
    return default_scorer().score(case.reply, ctx)


def _detected(bid: str, turn: TurnScore) -> bool:
    """Detected as ``bid``: among the behaviours or the (confident) violations; a *possible* one is not."""
    return bid in turn.behaviour_ids or bid in turn.violation_ids


def _lines(field: str) -> list[pytest.param]:
    return [pytest.param(b.id, c, id=f"{b.id}-{i}") for b in RUBRIC.behaviours
            for i, c in enumerate(getattr(b, field))]


@pytest.mark.parametrize(("bid", "case"), _lines("examples"))
def test_example_is_detected(bid: str, case: Case) -> None:
    turn = _score(case)
    assert _detected(bid, turn), f"{case.reply!r} not detected as {bid}; found {sorted(turn.ids)}"


@pytest.mark.parametrize(("bid", "case"), _lines("counter_examples"))
def test_counter_example_is_not_detected(bid: str, case: Case) -> None:
    turn = _score(case)
    assert not _detected(bid, turn), f"{case.reply!r} detected as {bid}: {sorted(turn.ids)}"


@pytest.mark.parametrize("b", RUBRIC.behaviours, ids=lambda b: b.id)
def test_every_entry_is_complete(b: Behaviour) -> None:
    assert len(b.examples) >= 2, f"{b.id}: at least two examples"
    assert len(b.counter_examples) >= 2, f"{b.id}: at least two counter-examples"
    assert b.detected_by.strip(), f"{b.id}: say what detects it"
    assert b.example == b.examples[0].reply  # the line a trainee is shown


def test_every_compliance_entry_has_a_citation() -> None:
    missing = [b.id for b in RUBRIC.behaviours if b.category == "compliance" and not b.citation.strip()]
    assert not missing, f"compliance entries cite the rule they come from: {missing}"


def test_registry_scenarios_and_flags_exist() -> None:
    for b in RUBRIC.behaviours:
        for case in [*b.examples, *b.counter_examples]:
            if case.scenario:
                unknown = set(case.flags) - set(_scenario(case.scenario).flags)
                assert not unknown, f"{b.id}: {case.reply!r}: {case.scenario} has no flag {sorted(unknown)}"


# Honest lines written for the registry that the scorer gets wrong today (issue 11). They are not in
# rubric.yaml, which holds only lines that pass; they are kept here so a fix to the detectors shows up (a
# strict xfail fails once the line is scored right: then move it into the registry).
KNOWN_MISSES = [
    ("paraphrase", True, Case(reply="Just to check I've got this right: you're on statutory sick pay until the "
                                    "end of March?")),
    ("calm_boundary", True, Case(reply="I can hear you're angry, and I want to sort this out, but I can't carry on "
                                       "if you keep swearing at me.")),
    ("calm_boundary", True, Case(reply="I'm happy to keep talking, but I need us to speak to each other calmly.")),
    ("calm_boundary", True, Case(reply="I'm not going to shout back; I want to help you, so let's talk this "
                                       "through calmly.")),
    ("identifies_self", True, Case(reply="Good morning, it's Tom here from Brightwell Energy.")),
    ("verifies_identity", True, Case(reply="For security, could you give me your date of birth?")),
    ("accurate_balance", True, Case(reply="It's £600 for the bills plus £42.80 in late payment charges.",
                                    scenario="medical_emergency_uk", flags=("identity_verified",))),
    ("accepts_reasonable_offer", False, Case(reply="I'll have to check with my manager whether we can accept that.")),
    ("texas_consent", False, Case(reply="I've put a note on the account.")),
]


@pytest.mark.xfail(strict=True, reason="a known miss of the detectors (see KNOWN_MISSES)")
@pytest.mark.parametrize(("bid", "should", "case"), KNOWN_MISSES,
                         ids=[f"{b}-{'example' if s else 'counter'}-{i}" for i, (b, s, _) in enumerate(KNOWN_MISSES)])
def test_known_miss(bid: str, should: bool, case: Case) -> None:
    assert _detected(bid, _score(case)) == should
