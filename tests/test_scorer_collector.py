"""Ordinary collector language, read right: the mis-detections scenario writers reported, each fixed by a
general rule (negation and choice around payment words, requests versus questions, reflections and their
objects, conditions of a threat, budget figures versus payments), held here as behaviours that must be
present or absent. And the feedback a weak turn gets: procedural turns are not weak for low empathy, and
the missed behaviours are named in plain words."""

from __future__ import annotations

from typing import Any

import pytest

from callsim.core.models import Node, Scenario
from callsim.core.money import find_amounts, inherit_period
from callsim.core.scorer import ScoringContext, TurnScore, default_scorer


def _scenario(**extra: Any) -> Scenario:
    data: dict[str, Any] = {
        "id": "collector", "title": "Collector language", "version": 1, "difficulty": 1, "jurisdiction": "UK",
        "summary": "A small scenario for the collector-language table.",
        "persona": {"name": "Lorraine Hebden", "age": 52, "situation": "global_crisis"},
        "debt": {"creditor": "Fernhill Bank", "collector": "Fernhill Bank", "currency": "GBP", "balance": 4318.62,
                 "breakdown": [{"label": "Card balance", "amount": 4318.62, "kind": "principal"}],
                 "actions": {"lawful": ["legal_action"], "intended": []}},
        "flags": {
            "identity_verified": {"role": "identity_verified"},
            "going_without": {"role": "vulnerability"},
            "someone_else": {"role": "third_party"},
        },
        "start": "n",
        "nodes": {"n": {"say": "Hello?", "routes": [{"goto": "end"}]},
                  "end": {"say": "Bye.", "outcome": {"id": "done", "label": "Done", "result": "resolved"}}},
    }
    data.update(extra)
    return Scenario.model_validate(data)


SCENARIO = _scenario()
VERIFIED = {"identity_verified": True}
VULNERABLE = {"identity_verified": True, "going_without": True}
THIRD_PARTY = {"someone_else": True}
UNVERIFIED: dict[str, bool] = {}


def _s(text: str, debtor: str = "", flags: dict[str, bool] | None = None, scenario: Scenario | None = None,
       **kw: Any) -> TurnScore:
    ctx = ScoringContext(debtor_line=debtor, scenario=scenario if flags is not None or scenario else None,
                         flags=flags or {}, **kw)
    if flags is not None and ctx.scenario is None:
        ctx.scenario = SCENARIO
    return default_scorer().score(text, ctx)


# (reply, debtor line, flags or None for no scenario, must be present, must be absent)
CASES: list[tuple[str, str, dict[str, bool] | None, set[str], set[str]]] = [
    # -- payment words that are not a request for money (negated, their choice, a request of another kind)
    ("Let's not talk about a payment today.", "", None, set(), {"asks_payment"}),
    ("You don't have to pay it yourself.", "", None, set(), {"asks_payment"}),
    ("Nobody can make you pay it from your own money.", "", None, set(), {"asks_payment"}),
    ("You don't need to pay anything today.", "", VULNERABLE, set(),
     {"asks_payment", "pressure_after_vulnerability"}),
    ("Please don't worry, there's no need to pay anything now.", "", VULNERABLE, set(),
     {"asks_payment", "pressure_after_vulnerability"}),
    ("I'd rather we didn't take any payment today.", "", None, set(), {"asks_payment"}),
    ("If you did want to pay something voluntarily, talk it through with Kerry first.", "", None, set(),
     {"asks_payment"}),
    ("Could you do me a favour and keep the letter by the phone?", "", None, set(),
     {"asks_payment", "exploration"}),
    ("Could you give me your date of birth, please?", "", None, set(), {"asks_payment", "exploration"}),
    ("Can you give me your monthly income and outgoings?", "", None, {"affordability_check"},
     {"asks_payment", "exploration"}),
    ("Would you mind if I put a note on your account that money's very tight at home right now?", "", VULNERABLE,
     {"asks_permission", "texas_consent"}, {"pressure_after_vulnerability", "exploration", "asks_payment"}),
    # -- real requests stay requests
    ("How would you like to pay today?", "", None, {"asks_payment"}, {"asks_permission"}),
    ("Can you do £50 this Friday?", "", None, {"asks_payment"}, {"exploration"}),
    ("If you don't pay the full balance today we'll take you to court.", "", VERIFIED,
     {"asks_payment", "undue_pressure", "threat_unintended_action"}, set()),
    # -- threats: an ultimatum without a modal is a threat; someone else's lawyer offered as help is not
    ("I still need something today or this goes to court.", "", VERIFIED,
     {"threat_unintended_action", "undue_pressure"}, {"self_disclosure"}),
    ("A probate attorney can explain the order they're paid in.", "", VERIFIED, set(),
     {"threat_unintended_action"}),
    # -- compliance phrasings that were missed
    ("Put it on another card if you have to.", "", VERIFIED, {"undue_pressure"}, set()),
    ("You should have put money aside in the summer.", "", None, {"blaming"}, set()),
    ("Imagine what your daughter would think.", "", VERIFIED, {"coercive_shaming"}, set()),
    ("You're responsible for his debts.", "", VERIFIED, {"implies_survivor_liability"}, set()),
    ("The family has to pay.", "", VERIFIED, {"implies_survivor_liability"}, set()),
    ("You're not responsible for his debts; the estate pays what it can.", "", VERIFIED, set(),
     {"implies_survivor_liability"}),
    ("Hi, this is Jo from Fernhill Bank. You're two payments behind.", "", UNVERIFIED,
     {"identifies_self", "third_party_disclosure"}, set()),
    ("Hi, this is Jo from Fernhill Bank. Can you confirm your date of birth?", "", UNVERIFIED,
     {"identifies_self", "verifies_identity"}, {"third_party_disclosure"}),
    ("It's a financial matter I need to discuss with him.", "", THIRD_PARTY, {"third_party_disclosure"}, set()),
    ("It's about a bill of his.", "", THIRD_PARTY, {"third_party_disclosure"}, set()),
    ("It's a personal matter. Could you ask him to call Jo back?", "", THIRD_PARTY, set(),
     {"third_party_disclosure"}),
    ("I'm sorry to hear that, but I still need a payment today.", "", None, {"false_empathy"},
     {"emotional_reaction", "acknowledge_before_ask"}),
    # -- empathy that was missed
    ("Not sleeping and carrying this on your own sounds really hard.", "", None, {"emotional_reaction"}, set()),
    ("That's really stressful timing.", "", None, {"emotional_reaction"}, set()),
    ("I can hear how worrying that letter has been.", "", None, {"interpretation"}, set()),
    ("I can hear how angry you are.", "", None, {"interpretation"}, set()),
    ("I can hear how worried you are about him.", "", None, {"interpretation"}, set()),
    ("It sounds like you've been really worried about him.", "", None, {"interpretation"}, set()),
    ("It sounds like we haven't listened to you.", "", None, {"interpretation"}, set()),
    ("It sounds like Kerry has been a real support.", "", None, {"interpretation"}, set()),
    ("Anyone running a seasonal business would be knocked back by that.", "", None, {"validation"}, set()),
    ("Everyone gets a bit down.", "", None, {"minimising"}, set()),
    ("Since you've got it all to hand, could we go through your bills?", "", None, {"asks_permission"},
     {"emotional_reaction"}),
    # -- thanks: for a disclosure after something personal, politeness after "yes, that's me"
    ("Thank you, that's really helpful.", "I lost my job in March and I've been struggling since.", None,
     {"thanks_for_disclosure"}, set()),
    ("Thanks, I appreciate that.", "My husband died last month.", None, {"thanks_for_disclosure"}, set()),
    ("Thanks for letting me know.", "Yes, speaking.", None, set(), {"thanks_for_disclosure"}),
    # -- apologies, limits, options, next steps
    ("I'm really sorry, Lorraine, that came out badly.", "", None, {"apology_for_impact"}, set()),
    ("I'm sorry you had calls at work.", "", None, {"apology_for_impact"}, set()),
    ("You're right, Carl, and I'm sorry.", "", None, {"apology_for_impact"}, set()),
    ("I do want to help you, Travis, and I can, but I need us to keep this respectful.", "", None,
     {"calm_boundary"}, set()),
    ("Would you like me to leave it there for today, or is there anything you'd like me to know?", "", None,
     {"offers_options"}, set()),
    ("I'll send the letter to your address today.", "", None, {"recap_next_steps"}, set()),
    ("I'll write to you today to confirm it.", "", None, {"recap_next_steps"}, set()),
    ("Would it be OK with you if I made a note of that?", "", None, {"asks_permission"}, set()),
    # -- transparency and support
    ("Could you confirm his date of birth and address?", "", None, {"verifies_identity"}, set()),
    ("Is this Daniel Avery? Date of birth?", "", None, {"verifies_identity"}, {"exploration"}),
    ("We'll hold the account while it's looked at.", "", None, {"forbearance_offer"}, {"identifies_self"}),
    ("First of all, nobody is going to chase you for this.", "", None, set(), {"identifies_self", "asks_payment"}),
    ("Hi, this is Sam from Harbour Recoveries.", "", None, {"identifies_self"}, set()),
    ("hi this is sam from harbour recoveries", "", None, {"identifies_self"}, set()),
    ("I need to let you know this is a communication from a debt collector.", "", None, set(),
     {"self_disclosure"}),
    ("Can we go through what you bring home and your regular bills?", "", None, {"affordability_check"}, set()),
    ("Ten pounds a month is absolutely fine.", "", None, {"accepts_reasonable_offer"}, set()),
    ("£20 a month is absolutely fine.", "", None, {"accepts_reasonable_offer"}, set()),
    ("It's £4,318.62 at the moment.", "", VERIFIED, {"accurate_balance"}, {"misstated_balance"}),
    ("The £4,318.62 is made up of the card balance.", "", VERIFIED, {"accurate_balance"}, set()),
    ("Is anyone with you right now?", "", None, {"idea_followup"}, set()),
    ("Thanks. So you've never had a letter from us before?", "", None, {"paraphrase"}, set()),
    ("Right. So what are we doing about the account?", "", None, set(), {"paraphrase", "exploration"}),
    ("GamCare and the National Gambling Helpline can help, and GamStop can block gambling sites.", "", None,
     {"signposts_debt_advice"}, set()),
    ("Surviving Economic Abuse and Refuge are there for you too.", "", None, {"signposts_debt_advice"}, set()),
]


@pytest.mark.parametrize(("text", "debtor", "flags", "present", "absent"), CASES,
                         ids=[c[0][:50] for c in CASES])
def test_collector_language(text: str, debtor: str, flags: dict[str, bool] | None, present: set[str],
                            absent: set[str]) -> None:
    s = _s(text, debtor, flags)
    got = s.ids | ({"asks_payment"} if s.asks_payment else set())
    assert present <= got, f"missing {present - got}; got {sorted(got)}"
    assert not (absent & got), f"should not have {absent & got}; got {sorted(got)}"


# --------------------------------------------------------------------------- amounts


@pytest.mark.parametrize(("text", "expected"), [
    ("You've got £34 left. Let's set up £34 a month.", [(34.0, "once", "other"), (34.0, "month", "plan")]),
    ("So your energy went up to £310 a month.", [(310.0, "month", "other")]),
    ("So after the essentials you've got about £83 a month, is that right?", [(83.0, "month", "other")]),
    ("You could pay a reduced amount inside that sixty pounds, with the interest frozen.",
     [(60.0, "once", "other")]),
    ("Ten pounds a month is absolutely fine.", [(10.0, "month", "plan")]),
    ("The $6,418.90 is made up of the card balance and interest.", [(6418.9, "once", "owed")]),
    ("It's £4,318.62 at the moment.", [(4318.62, "once", "owed")]),
    ("Can you do $100?", [(100.0, "once", "lump_sum")]),
    ("There's a £60 admin fee as well.", [(60.0, "once", "fee")]),
])
def test_amounts_in_collector_language(text: str, expected: list[tuple[float, str, str]]) -> None:
    assert [(a.value, a.period, a.role) for a in find_amounts(text)] == expected


def test_a_changed_amount_keeps_the_period_of_the_plan_being_discussed() -> None:
    text = "Could you make it $100 instead?"
    alone = find_amounts(text)
    assert [(a.period, a.role) for a in alone] == [("once", "lump_sum")]
    revised = inherit_period(alone, text, "I can do $50 a month, that's all.")
    assert [(a.value, a.period, a.role) for a in revised] == [(100.0, "month", "plan")]
    s = default_scorer().score(text, ScoringContext(debtor_line="I can do $50 a month, that's all."))
    assert [(a.period, a.role) for a in s.amounts] == [("month", "plan")] and s.asks_payment


# --------------------------------------------------------------------------- feedback


def _node(expects: list[str], say: str = "Yes, speaking.") -> Node:
    return Node.model_validate({"say": say, "expects": expects, "routes": [{"goto": "end"}]})


def test_procedural_turn_is_not_weak_for_low_empathy() -> None:
    node = _node(["identifies_self", "verifies_identity"])
    ctx = ScoringContext(debtor_line="Hello?", scenario=SCENARIO, node=node)
    s = default_scorer().score("Hi, this is Jo from Fernhill Bank. Can you confirm your date of birth?", ctx)
    assert s.empathy < 40
    assert s.better is None


def test_procedural_turn_missing_its_own_behaviour_is_weak_for_that() -> None:
    node = _node(["identifies_self", "verifies_identity"])
    ctx = ScoringContext(debtor_line="Hello?", scenario=SCENARIO, node=node)
    s = default_scorer().score("Hi, this is Jo from Fernhill Bank.", ctx)
    assert s.better is not None
    assert s.better.missed == ("verifies_identity",)
    assert "right person" in s.better.summary


def test_low_empathy_where_empathy_is_expected_names_what_would_raise_it() -> None:
    node = _node(["emotional_reaction"], say="I've been in hospital.")
    ctx = ScoringContext(debtor_line="I've been in hospital.", scenario=SCENARIO, node=node)
    s = default_scorer().score("Oh no. OK.", ctx)  # a weak reaction only: ER 1
    assert s.epitome["ER"] == 1 and s.empathy < 40
    assert s.better is not None and s.better.missed
    assert all(m in {"emotional_reaction", "interpretation", "exploration"} for m in s.better.missed)
    assert s.better.summary.startswith("Missing: ")
    assert "_" not in s.better.summary  # plain words, not ids


def test_no_node_and_no_hardship_is_not_weak_for_being_businesslike() -> None:
    assert default_scorer().score("Could you confirm his date of birth and address?",
                                  ScoringContext(debtor_line="He's not in.")).better is None


def test_summary_names_each_missed_behaviour_in_plain_words() -> None:
    node = _node(["emotional_reaction", "exploration", "forbearance_offer"], say="I lost my job.")
    ctx = ScoringContext(debtor_line="I lost my job.", scenario=SCENARIO, node=node)
    s = default_scorer().score("The balance is £4,318.62.", ctx)
    assert s.better is not None
    assert s.better.missed == ("emotional_reaction", "exploration", "forbearance_offer")
    summary = s.better.summary.lower()
    for words in ("warmth and concern", "open question", "breathing room"):
        assert words in summary
