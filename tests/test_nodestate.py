"""The state a call has at a node (callsim.core.nodestate): from the walkthroughs, else a chain of routes.

The library test is the point of it all: every model answer of every shipped scenario, scored at its own
node in the state a call has there, raises no compliance violation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from callsim.core.engine import CompiledScenario
from callsim.core.loader import load_scenario, load_text
from callsim.core.nodestate import NodeState, StateError, check_settings, state_at, states
from callsim.core.walkthrough import compiled_for

from .conftest import SCENARIOS

ROUTES = """\
id: routes-only
title: Routes only
version: 1
difficulty: 1
jurisdiction: UK
summary: No walkthroughs, so every state comes from a chain of routes.
persona: {name: Sam Roe, age: 30, situation: job_loss, facts: {job: Lost their job.}}
debt: {creditor: Acme Water, balance: 100}
mood:
  trust: {min: 0, max: 10, start: 3}
  anger: {min: 0, max: 10, start: 3}
flags:
  verified: {role: identity_verified}
end_when:
  - {when: anger >= 10, goto: hangup}
start: open
nodes:
  open:
    say: "Who is it?"
    routes:
      - {when: verifies_identity, goto: verified, set: {verified: true}, mood: {trust: 1}}
      - {goto: open, mood: {anger: 1}}
  verified:
    say: "It's me."
    discloses: [job]
    routes:
      - {when: anger >= 8, goto: shouting}
      - {when: trust >= 4, goto: warm}
      - {goto: cold}
  warm:
    say: "Go on."
    routes:
      - {when: exploration, goto: doomed, mood: {anger: 7}}
      - {goto: warm, mood: {anger: 1}}
  doomed:
    say: "Right."
    routes: [{goto: cold}]
  shouting:
    say: "Enough!"
    outcome: {id: shouting, label: Shouting, result: failed}
  cold:
    say: "Bye."
    outcome: {id: cold, label: Cold, result: partial}
  hangup:
    say: "[click]"
    outcome: {id: hangup, label: Hung up, result: failed}
"""


@pytest.fixture(scope="module")
def routes_only() -> CompiledScenario:
    r = load_text(ROUTES, "routes.yaml", run_walkthroughs=False)
    assert r.scenario is not None and not r.errors, [d.format() for d in r.errors]
    return CompiledScenario(r.scenario)


def shipped(name: str) -> CompiledScenario:
    r = load_scenario(SCENARIOS / name, run_walkthroughs=False)
    assert r.scenario is not None
    return compiled_for(r.scenario)


# --------------------------------------------------------------------------- deriving the state


def test_the_start_is_the_opening_state(routes_only: CompiledScenario) -> None:
    s = state_at(routes_only, "open")
    assert (s.source, s.flags, s.mood, s.path) == ("start", {"verified": False}, {"trust": 3.0, "anger": 3.0}, ())
    assert s.summary() == "state at 'open': the start of the call: no flags set"


def test_a_chain_of_routes_applies_their_flags_mood_and_disclosures(routes_only: CompiledScenario) -> None:
    s = state_at(routes_only, "verified")
    assert (s.source, s.path, s.flags, s.mood, s.disclosed) == (
        "routes", ("open",), {"verified": True}, {"trust": 4.0, "anger": 3.0}, ("job",))
    assert s.summary() == "state at 'verified': by the shortest chain of routes: open \u2192 verified: verified"


def test_routes_that_cannot_fire_are_not_taken(routes_only: CompiledScenario) -> None:
    # 'anger >= 8' is false at anger 3: the shortest way to 'shouting' goes round 'open' until it holds...
    s = state_at(routes_only, "shouting")
    assert s.path == ("open",) * 6 + ("verified",) and s.mood["anger"] == 8.0
    # 'trust >= 4' is certain once verified, so the default route to 'cold' never fires; and warm -> doomed
    # takes anger to 10, where an end_when rule ends the call before it gets there.
    assert state_at(routes_only, "cold").source == "unreached"
    doomed = state_at(routes_only, "doomed")
    assert (doomed.source, doomed.flags) == ("unreached", {"verified": False})
    assert "no walkthrough or route reaches it" in doomed.description
    hangup = state_at(routes_only, "hangup").description
    assert hangup == "only an end_when rule ends the call here, so the opening state"


def test_states_agrees_with_state_at(routes_only: CompiledScenario) -> None:
    every = states(routes_only)
    assert set(every) == set(routes_only.scenario.nodes)
    for node, state in every.items():
        assert state == state_at(routes_only, node)


def test_a_walkthrough_through_the_node_gives_its_state() -> None:
    compiled = shipped("medical_emergency_uk.yaml")
    s = state_at(compiled, "budget_talk")
    assert s.source == "walkthrough" and s.description.startswith("as reached by walkthrough '")
    turn = int(s.description.rsplit(" ", 1)[1])
    assert len(s.turns) == len(s.path) == turn - 1 and s.path[0] == "opening"
    assert s.flags["identity_verified"] and s.flags["vulnerability_disclosed"]
    assert {"surgery", "sick_pay"} <= set(s.disclosed)
    call = s.call(compiled)
    assert (call.node_id, call.flags, len(call.turns)) == ("budget_talk", s.flags, turn - 1)
    assert call.scoring_context().earlier_replies == s.earlier_replies
    call.end_by_trainee()
    assert not compiled.machine.models  # replays and restored calls leave the shared machine
    assert states(compiled)["budget_talk"] == s


def test_settings_are_laid_over_the_state_and_checked(routes_only: CompiledScenario) -> None:
    scenario = routes_only.scenario
    s = state_at(routes_only, "verified").with_settings(check_settings(scenario, {"verified": "false", "anger": 9}))
    assert (s.flags, s.mood["anger"]) == ({"verified": False}, 9.0)
    assert s.summary().endswith(": no flags set; set: verified=false, anger=9")
    assert s.as_dict()["set"] == {"verified": False, "anger": 9.0}
    assert check_settings(scenario, {"verified": True}, "flag") == {"verified": True}
    for raw, kind, message in (({"anger": True}, None, "a number"), ({"verified": 1}, None, "true or false"),
                               ({"anger": 3}, "flag", "'anger' is not a flag"), ({"angr": 3}, None, "'anger'")):
        with pytest.raises(StateError, match=message):
            check_settings(scenario, raw, kind)
    with pytest.raises(StateError, match="Did you mean 'verified'"):
        state_at(routes_only, "verifed")


# --------------------------------------------------------------------------- the shipped library


def _answers_with_violations(path: Path) -> list[str]:
    compiled = shipped(path.name)
    found: dict[str, NodeState] = states(compiled)
    bad: list[str] = []
    for nid, node in compiled.scenario.nodes.items():
        call = found[nid].call(compiled)
        ctx = call.scoring_context()  # what a call at this node scores a reply with
        call.end_by_trainee()
        for answer in node.model_answers:
            ids = [v.id for v in compiled.scorer.score(answer.text, ctx).violations]
            if ids:
                bad.append(f"{nid} ({found[nid].summary()}): {ids}: {answer.text}")
    return bad


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_model_answer_is_compliant_at_its_own_node(path: Path) -> None:
    assert _answers_with_violations(path) == []
