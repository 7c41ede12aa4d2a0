"""Dialogue acts (issue 13): what a reply did in the call, in conditions, line presuppositions, route reactions,
the call record and the guide."""

from __future__ import annotations

from pathlib import Path

import pytest

from callsim.core.acts import ACT_IDS, LEARNED_ACTS, guide_table
from callsim.core.engine import CompiledScenario, state_before_turn
from callsim.core.loader import load_text
from callsim.core.models import Scenario
from callsim.core.scorer import Scorer, ScoringContext, acts_by_rule
from callsim.core.understanding import acts as act_heads

from .conftest import ROOT

TINY = (ROOT / "tests" / "fixtures" / "tiny.yaml").read_text(encoding="utf-8")
AUTHORING = ROOT / "docs" / "authoring.md"


def _tiny(**swaps: str) -> str:
    text = TINY
    for old, new in swaps.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def _scenario(text: str) -> Scenario:
    result = load_text(text, "tiny.yaml", run_walkthroughs=False)
    assert result.scenario is not None and result.ok, [d.format() for d in result.diagnostics]
    return result.scenario


def _codes(text: str) -> list[str]:
    return [d.code for d in load_text(text, "tiny.yaml", run_walkthroughs=False).diagnostics]


# The tiny scenario with a middle node whose lines can presuppose what the reply said.
MIDDLE = {
    "      - when: verifies_identity and not violations\n        goto: agreed\n":
        "      - when: verifies_identity\n        goto: middle\n",
    "  agreed:\n":
        "  middle:\n"
        "    say:\n"
        "      - text: \"Three hundred pounds? For what?\"\n"
        "        presupposes: [states_amount]\n"
        "      - \"Go on then.\"\n"
        "    model_answers: [\"It's for your energy bills since March.\"]\n"
        "    routes:\n"
        "      - when: act.not_liable\n"
        "        goto: agreed\n"
        "        react: \"Oh. Right. Thank you.\"\n"
        "      - goto: agreed\n"
        "  agreed:\n",
}
CHECK = "Hi, it's Jo from Acme Energy. Can I check I'm speaking to Sam Lee?"


def test_the_guide_lists_exactly_the_acts() -> None:
    text = AUTHORING.read_text(encoding="utf-8")
    rows = guide_table().splitlines()[2:]
    assert all(row in text for row in rows), "docs/authoring.md's table of acts must match core/acts.ACTS:\n" + \
        guide_table()
    assert set(LEARNED_ACTS) < set(ACT_IDS) and "states_amount" not in LEARNED_ACTS


# --------------------------------------------------------------------------- the rules' part

def test_the_balance_is_stated_only_with_a_figure_equal_to_it() -> None:
    scenario = _scenario(TINY)
    ctx = ScoringContext(debtor_line="How much is it?", scenario=scenario)
    scorer = Scorer(use_learned=False)
    assert {"states_amount", "states_balance"} <= set(scorer.score("The balance is £300.", ctx).acts)
    fee = set(scorer.score("There's a £20 late fee on there.", ctx).acts)
    assert "states_amount" in fee and "states_balance" not in fee
    assert not {"states_amount", "states_balance"} & set(scorer.score("I can go through what's owed.", ctx).acts)


@pytest.mark.parametrize(("reply", "act", "expected"), [
    ("You're not personally liable for your father's card.", "not_liable", True),
    ("You don't owe this yourself; it's paid from the estate if at all.", "not_liable", True),
    ("You don't have to pay anything today.", "not_liable", False),
    ("I'll send that breakdown in writing this afternoon.", "promises_followup", True),
    ("I won't call you again this week.", "promises_followup", False),
    ("StepChange are a free charity who could help.", "names_organisation", True),
    ("There are free charities who could help.", "names_organisation", False),
    ("I can't wipe the balance, I'm sorry.", "refuses", True),
    ("We could set up a payment plan that fits.", "offers_plan", True),
    ("I'm not going to set up a payment plan today.", "offers_plan", False),
    # decided by rules alone (no head): what a time-barred debt's payment does not do, no payment asked, contact
    ("Paying now wouldn't restart the clock.", "no_revival", True),
    ("A payment does not revive the debt in New York.", "no_revival", True),
    ("If you pay, it restarts the clock.", "no_revival", False),
    ("I won't ask for card details over the phone.", "no_payment_asked", True),
    ("I'm not here to take any money today.", "no_payment_asked", True),
    ("Can I take a card payment now?", "no_payment_asked", False),
    ("please don't give me your card today", "no_payment_asked", True),
    ("I'll stop all post to Gurney Road right now.", "changes_contact", True),
    ("I won't call you at work again.", "changes_contact", True),
    ("We can't stop the letters to that address.", "changes_contact", False),
])
def test_plain_words_decide_some_acts(reply: str, act: str, expected: bool) -> None:
    got = acts_by_rule(reply, ScoringContext(), (), False, (), set())
    assert (act in got) is expected, got


# --------------------------------------------------------------------------- scenarios use them

def test_a_line_is_said_only_once_what_it_presupposes_has_happened() -> None:
    compiled = CompiledScenario(_scenario(_tiny(**MIDDLE)), Scorer(use_learned=False))
    without, with_amount = set(), set()
    for seed in range(1, 13):
        call = compiled.new_call(seed=seed)
        call.respond(CHECK)
        without.add(call.line.text)
        call = compiled.new_call(seed=seed)
        call.respond(CHECK + " It's about the £300 on your energy account.")
        with_amount.add(call.line.text)
        assert not call.unmet
    assert without == {"Go on then."}
    assert with_amount == {"Three hundred pounds? For what?"}  # the line that answers what happened comes first


def test_a_route_reaction_answers_the_act_before_the_next_line() -> None:
    compiled = CompiledScenario(_scenario(_tiny(**MIDDLE)), Scorer(use_learned=False))
    call = compiled.new_call(seed=1)
    call.respond(CHECK)
    turn = call.respond("You're not personally liable for this bill, Sam.")
    assert "not_liable" in turn.scores["acts"]
    assert call.line.text == "Oh. Right. Thank you. Fine, go on then."
    plain = compiled.new_call(seed=1)
    plain.respond(CHECK)
    plain.respond("OK, thanks.")
    assert plain.line.text == "Fine, go on then."


def test_acts_are_kept_in_the_record_and_seen_for_the_rest_of_the_call() -> None:
    compiled = CompiledScenario(_scenario(_tiny(**MIDDLE)), Scorer(use_learned=False))
    call = compiled.new_call(seed=1)
    first = call.respond(CHECK + " The balance is £300.")
    assert "states_balance" in first.acts and "says_who_they_are" in first.scores["acts"]
    assert call.seen["act.states_balance"] == 1
    call.respond("Thanks.")
    rebuilt = state_before_turn(compiled.scenario, call.state(), 2)
    assert rebuilt.seen["act.states_balance"] == 1
    restored = compiled.restore(call.state())
    assert restored.seen["act.states_balance"] == 1


def test_conditions_read_this_replys_acts_and_those_seen_before() -> None:
    text = _tiny(**{"      - when: verifies_identity and not violations\n":
                    "      - when: act.asks_identity and not seen.act.asks_payment\n"})
    compiled = CompiledScenario(_scenario(text), Scorer(use_learned=False))
    ok = compiled.new_call(seed=1)
    ok.respond(CHECK)
    assert ok.outcome is not None and ok.outcome.id == "agreed"
    pushed = compiled.new_call(seed=1)
    pushed.respond(CHECK + " Can you pay the £300 today?")
    assert pushed.outcome is not None and pushed.outcome.id == "hung_up"


# --------------------------------------------------------------------------- lint

def test_lint_reports_a_node_reachable_without_what_all_its_lines_presuppose() -> None:
    only = _tiny(**{**MIDDLE, "      - \"Go on then.\"\n": ""})
    assert "E120" in _codes(only)
    diag = next(d for d in load_text(only, "tiny.yaml", run_walkthroughs=False).diagnostics if d.code == "E120")
    assert "states_amount" in diag.message and "middle" in diag.message and diag.line > 0
    # the route into it requires the act: fine
    required = only.replace(
        "when: verifies_identity\n        goto: middle",
        "when: verifies_identity and act.states_amount\n        goto: middle")
    assert "E120" not in _codes(required)
    # a line with no presupposition to fall back on: fine
    assert "E120" not in _codes(_tiny(**MIDDLE))


def test_lint_names_an_unknown_act_with_the_closest_one() -> None:
    bad = _tiny(**{"      - when: verifies_identity and not violations\n":
                   "      - when: act.states_balanse\n"})
    diags = [d for d in load_text(bad, "tiny.yaml", run_walkthroughs=False).diagnostics if d.code == "E119"]
    assert diags and "states_balanse" in diags[0].message and "states_balance" in diags[0].format()
    worse = _tiny(**{**MIDDLE, "presupposes: [states_amount]": "presupposes: [stated_amount]"})
    assert "E119" in _codes(worse)


# --------------------------------------------------------------------------- the act heads

def test_the_act_corpus_reads_and_the_heads_match_it() -> None:
    rows = act_heads.load()
    assert len(rows) >= 1000
    for act in act_heads.LEARNED_ACTS:
        assert sum(act in acts for _, acts in rows) >= 50, act
    heads = act_heads.ActHeads.load()
    assert heads.digest == act_heads.digest(), "the act heads are stale: run scripts/train-understanding"
    assert heads.acts == LEARNED_ACTS
    assert set(act_heads.load_thresholds()) == set(LEARNED_ACTS)


# --------------------------------------------------------------------------- the transcripts, replayed

def _shipped(name: str) -> CompiledScenario:
    from callsim.core.loader import load_scenario

    from .conftest import SCENARIOS

    result = load_scenario(SCENARIOS / f"{name}.yaml", run_walkthroughs=False)
    assert result.scenario is not None
    return CompiledScenario(result.scenario)


def test_teresa_told_she_need_not_pay_a_cent_is_relieved_not_confused() -> None:
    """Issue 13: bereavement-us answered "So I do have to pay it? Out of my own money?" straight after "you do not
    have to pay it, not a cent": the route knew only the honest_consequences behaviour, not the act."""
    compiled = _shipped("bereavement_us")
    walk = compiled.scenario.walkthroughs[0].replies
    call = compiled.new_call(seed=1)
    for reply in walk[:2]:
        call.respond(reply)
    assert call.node_id == "executor_confirmed"
    turn = call.respond("Thank you. We're a debt collector and this is an attempt to collect a debt, and "
                        "any information will be used for that. And you do not have to pay it, not a cent of "
                        "your own money.")
    assert "not_liable" in turn.acts
    assert call.node_id == "relieved", call.line.text
    assert "do have to pay" not in call.line.text


def test_teresa_told_she_is_not_liable_before_the_check_does_not_ask_again() -> None:
    """Played as a new hire: "am I responsible for this now?" answered "no ur not responsible for it personally"
    (before checking she is the executor), and she asked "Do I owe this now? Is this mine?" again."""
    call = _shipped("bereavement_us").new_call(seed=1)
    call.respond("I'm so sorry about your dad. My name's Sam, with Brightline Recovery Group. Who am I speaking to?")
    assert call.node_id == "daughter" and "not_liable" in call.line.asks
    turn = call.respond("no ur not responsible for it personally, it gets paid from his estate if theres money in "
                        "it. u dont have to pay anything urself")
    assert "not_liable" in turn.acts and turn.answered is True
    assert call.node_id == "daughter" and not call.line.asks, call.line.text  # heard it; the check is still to come
    call.respond("Thank you. Are you the executor of his estate? Could you confirm his date of birth and address?")
    assert call.node_id == "executor_confirmed"
    assert "You said it isn't mine" in call.line.text and not call.line.asks
    call.respond("Thanks, that all matches. We're a debt collector and this is an attempt to collect a debt; any "
                 "information obtained will be used for that purpose.")
    assert call.node_id == "relieved", call.line.text


def test_priya_asked_for_a_postcode_or_offered_a_hold_answers_what_was_said() -> None:
    """Played as a new hire in medical-emergency-uk: asked for her postcode, Priya said "I don't have it" (as if
    asked for money); offered a 30-day hold, she said "What do you want from me? There's nothing spare." """
    call = _shipped("medical_emergency_uk").new_call(seed=1)
    call.respond("hiya is that priya shah? its ellie from harbour recoveries")
    assert call.node_id == "verified"
    call.respond("could u confirm ur postcode for me pls")
    assert call.node_id == "shut_down" and "Not long been out of hospital".lower() in call.line.text.lower()
    assert "have it" not in call.line.text and "anything spare" not in call.line.text, call.line.text
    call.respond("thanks priya. how are things with you at the moment?")
    call.respond("oh no im so sorry, that sounds really scary. how are you doing now?")
    assert call.node_id == "opens_up"
    call.respond("please dont worry about the bill right now. i can put the account on hold for 30 days so u can "
                 "focus on ur son. would that help?")
    assert call.node_id == "held" and call.ended, call.line.text


def test_daniel_asked_for_his_date_of_birth_gives_it_and_asks_what_it_is_about() -> None:
    """Played in dispute-us: asked for his date of birth after "What's this about?", Daniel said "I've never had
    anything with Bluewave Wireless" before anyone had named it."""
    call = _shipped("dispute_us").new_call(seed=1)
    call.respond("hi is this daniel avery? my name is sam, im calling from keystone portfolio services")
    assert call.node_id == "verified"
    call.respond("can u confirm ur date of birth please")
    assert call.node_id == "what_about" and "Bluewave" not in call.line.text
    call.respond("Thanks. This is a communication from a debt collector, an attempt to collect a debt. It's about a "
                 "Bluewave Wireless account with a balance of $1,287.44.")
    assert call.node_id == "not_mine"


@pytest.mark.parametrize("reply", ["hello, is that rosematy delgado?", "Hello, is tat Sadie Marchbank?",
                                   "Hi, it's about your unpaid Cedar Valley Bank bill. Who am I talking to?"])
def test_an_identity_question_does_not_say_who_you_are(reply: str) -> None:
    """`callsim explore` found debtors asking "who's calling?" straight after these: the head read them as
    saying who the caller is. Without words that introduce someone, an identity question does not."""
    acts = Scorer().score(reply).acts
    assert "asks_identity" in acts and "says_who_they_are" not in acts


def test_travis_is_not_told_off_for_wanting_the_number_when_nobody_asked_for_money() -> None:
    """Issue 13: hostile-calmable-us answered "You don't listen, you just want the number" when nothing was asked."""
    compiled = _shipped("hostile_calmable_us")
    replies = [
        "Hi, it's Dana from Summit Ridge Recovery Services. Am I speaking with Travis Lindqvist? Could you confirm "
        "your date of birth?",
        "Thanks, Travis. I have to tell you this is a communication from a debt collector, an attempt to collect a "
        "debt. I'm sorry about the calls to your work, that shouldn't have happened.",
        "That sounds really frustrating, losing a week's work over it. I understand why you're angry.",
    ]
    seen = 0
    for seed in range(6):
        call = compiled.new_call(seed=seed)
        for reply in replies:
            call.respond(reply)
        if call.node_id != "cooling":
            continue
        call.respond("Let me have a look at the notes on the account.")  # no straight answer, nothing asked
        assert call.node_id == "relapse"
        assert "want the number" not in call.line.text and "what I make" not in call.line.text, call.line.text
        seen += 1
    assert seen, "no seed reached cooling"


def test_missing_act_heads_say_so_and_the_rules_still_decide_acts(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    from callsim.core.understanding import learned as lrn

    monkeypatch.setattr(act_heads, "PATH", tmp_path / "acts.npz")
    lrn.reset()
    try:
        assert lrn.get_learned() is None
        assert "act heads" in lrn.status() and "missing" in lrn.status()
        turn = Scorer().score("The balance is £300. Can you pay it today?", ScoringContext(scenario=_scenario(TINY)))
        assert {"states_balance", "asks_payment"} <= set(turn.acts)  # the rule stands in for the head
        assert "rules only" in turn.understanding
    finally:
        lrn.reset()


def test_the_heads_hear_acts_the_rules_do_not_know() -> None:
    """Said in words no rule here reads: each is heard by its head (the rules alone miss them)."""
    said = {
        "you do not have to pay it, not a cent of your own money": "not_liable",
        "I'll get a letter out to you tonight with all of it": "promises_followup",
        "No, taking the interest off isn't something I'm able to do": "refuses",
        "Morning, Dev at Kestrel Recoveries ringing about the catalogue account": "says_who_they_are",
        "so we can pause everything for a month while you sort things out": "offers_hold",
        "could you get a bit across to us by Friday": "asks_payment",
    }
    rules = Scorer(use_learned=False)
    learned = Scorer()
    for reply, act in said.items():
        assert act not in rules.score(reply).acts, reply
        assert act in learned.score(reply).acts, reply


# --------------------------------------------------------------------------- played as a new hire (2026-12-06)

def test_dale_offered_a_hold_takes_the_room_and_asks_what_he_can_pay() -> None:
    """Played in job-loss-us: offered a 60-day hold at opens_up, Dale said "So what's the play here? You want me
    to pull money out of thin air?", as if asked for money. He takes the room now, and wants to pay something."""
    call = _shipped("job_loss_us").new_call(seed=1)
    for reply in ["hi is this dale whitfield?",
                  "thanks dale. its alex from lakeshore credit services, yeah its about ur cedar valley visa. i have "
                  "to let u know this is a debt collector and any info we get will be used for that purpose",
                  "sorry about all the calls, that must be annoying. can i ask whats been going on?",
                  "wow 22 years, im really sorry dale. that sounds like a real shock after all that time"]:
        call.respond(reply)
    assert call.node_id == "opens_up"
    call.respond("thats a lot to carry dale. listen, i can put the account on hold for 60 days while u get through "
                 "the interview, no payments and no calls in that time")
    assert call.node_id == "breathing_room" and "thin air" not in call.line.text, call.line.text
    turn = call.respond("thats fair dale. can u walk me thru whats coming in each month and ur main bills? then we "
                        "only set up somethin u can actually keep")
    assert "affordability_check" in {b["id"] for b in turn.scores["behaviours"]}
    assert call.node_id == "budget_talk"


@pytest.mark.parametrize(("scenario", "node", "plan", "offered"), [
    ("hostile_calmable_us", "offer", "how would $75 a month sit with u?", "hundred"),
    ("young_parent_uk", "options", "we could do £10 a month, what do u think?", "twenty"),
])
def test_offered_less_than_they_can_keep_they_take_it_and_do_not_haggle_down(scenario: str, node: str, plan: str,
                                                                            offered: str) -> None:
    """Offered $75, Travis answered "Here's what I can do. A hundred a month, not a dime more", as if pushed
    for more. A line for a figure below theirs takes it, and says what they could do."""
    from callsim.core.nodestate import state_at

    compiled = _shipped(scenario)
    call = state_at(compiled, "budget_talk").call(compiled)
    call.respond(plan)
    assert call.node_id == node
    assert offered in call.line.text.lower() and "not a dime more" not in call.line.text, call.line.text
    assert call.line.text.startswith(("That I can do", "Yeah, we could do that")), call.line.text


def test_rosemary_told_a_payment_would_not_restart_the_clock_does_not_ask_it() -> None:
    """Played in time-barred-us: told "paying now wouldnt restart the clock either", Rosemary asked "if you pay even
    a little on an old debt, it comes back to life. Is that true?"; told "i wont ask for card details over the
    phone", she said "I'm not giving you a card number, if that's where this is going"."""
    call = _shipped("time_barred_us").new_call(seed=1)
    call.respond("hi is this rosemary delgado?")
    call.respond("of course, thats fair. im alex from copperline receivables, we're a debt collector and this is an "
                 "attempt to collect a debt, any info will be used for that. its about an old kesslers store card "
                 "from alder creek bank")
    assert call.node_id == "the_card"
    turn = call.respond("no, they cant. its too old, so nobody can sue u over it, and its ur choice whether to pay "
                        "anything at all. paying now wouldnt restart the clock either")
    assert {"not_liable", "no_revival"} <= set(turn.acts)
    assert not turn.scores["violations"] and "blaming" not in {b["id"] for b in turn.scores["behaviours"]}
    assert call.node_id == "relief" and "comes back to life" not in call.line.text, call.line.text
    assert "clock starts again" not in call.line.text and "starts the whole thing over" not in call.line.text
    turn = call.respond("theres no catch, honestly. the bank sold the debt to us so we're letting u know its there. "
                        "whether u pay anything is completely up to u, and i wont ask for card details over the phone")
    assert "no_payment_asked" in turn.acts
    assert call.node_id == "what_now" and "if that's where this is going" not in call.line.text, call.line.text
    turn = call.respond("nothing today, honestly. id like to send u a letter with the details, including that its "
                        "too old to be sued on, so u and andre can look at it together.")
    assert not turn.scores["violations"], turn.scores["violations"]
    assert call.node_id != "threatened"


def test_elaine_told_it_is_barred_and_heard_is_not_failed_or_asked_again() -> None:
    """Played in statute-barred-uk: "its statute barred. we wont ... take it to court" was not taken as telling her
    (she asked "What does your screen say?" again); "after being threatened with bailiffs ... anyone would come in
    braced" failed the call as a bailiff threat; told collection stops in writing, she asked "what happens now?"."""
    call = _shipped("statute_barred_uk").new_call(seed=1)
    for reply in ["hi, am i speaking with elaine corrigan? its jo from marlowe credit services",
                  "thanks elaine. its about a saltaire finance loan thats now owned by greyfriars portfolio",
                  "ok thats fair to raise, and ur right to check. let me look at the payment history on the account"]:
        call.respond(reply)
    assert call.node_id == "checking"
    turn = call.respond("ok so looking at it, the last payment was actually 9 september 2017, not 2015. that means "
                        "it went past six years in september 2023, so ur right, its statute barred. we wont ask u for "
                        "any payment and we wont take it to court")
    assert "honest_consequences" in {b["id"] for b in turn.scores["behaviours"]}
    assert call.node_id == "accepted", call.line.text
    turn = call.respond("please dont apologise, after being threatened with bailiffs in the middle of ur marriage "
                        "ending anyone would come in braced. im sorry our letter brought all that back. ill put it in "
                        "writing that we've stopped collecting and nobody will contact u about it again")
    assert not turn.scores["violations"], turn.scores["violations"]
    assert call.node_id == "still_owe", call.line.text


def test_farhan_told_the_truth_about_day_sixty_one_is_not_failed_for_pressing() -> None:
    """Played in breathing-space-uk: "kerry will help u set up a plan before then" (his StepChange adviser) failed
    the call as a payment sought during the Breathing Space; "no interest or charges while its on" was not heard
    (he said "You didn't say about the interest"); "keep that money for ur essentials" was a possible pressure."""
    call = _shipped("breathing_space_uk").new_call(seed=1)
    call.respond("hi is that farhan qureshi? its sam from orchard lane credit")
    turn = call.respond("thanks farhan, its about ur personal loan with us")
    assert not turn.scores["possible"], turn.scores["possible"]  # said to him, verified: no disclosure
    turn = call.respond("thanks for letting me know farhan, and well done for getting advice. ive stopped everything "
                        "on the account as of now, no interest or charges while its on and we wont ask u for any "
                        "payment. could i take the reference and ur advisers name so i can check it?")
    assert "forbearance_offer" in {b["id"] for b in turn.scores["behaviours"]}
    assert "didn't say about the interest" not in call.line.text, call.line.text
    call.respond("that sounds like a really rough year, hours cut then the clutch on top. it happens to a lot of "
                 "people and ur doing exactly the right thing. is there anything else going on thats making things "
                 "hard right now?")
    assert call.node_id == "offers_to_pay"
    turn = call.respond("thats really decent of u, but u dont need to pay anything during the breathing space and it "
                        "wont look like ur dodging it. keep that money for ur essentials. kerry at stepchange will "
                        "help u work out whats affordable when it ends")
    assert not turn.scores["violations"] and not turn.scores["possible"], turn.scores["possible"]
    assert call.node_id == "after_bs"
    turn = call.respond("honest answer, when the 60 days end, interest and charges can start again and we'd get back "
                        "in touch about the arrears. but kerry will help u set up a plan before then, and ill send u "
                        "a letter today confirming everythings on hold")
    assert not turn.scores["violations"], turn.scores["violations"]
    assert call.node_id == "bs_respected" and call.outcome is not None and call.outcome.result == "resolved"


def test_martin_offered_a_hold_takes_it_in_before_offering_ten_a_month() -> None:
    """Played in mental-health-uk: offered a 60-day hold and free advice, Martin answered "So... what happens now? I
    can't pay what the letters say", as if nothing had been offered."""
    call = _shipped("mental_health_uk").new_call(seed=1)
    for reply in ["hello is that martin kowalczyk? its priya from meridian credit management",
                  "no need to say sorry martin, honestly. loads of people find the letters hard to open. its about ur "
                  "calderbrook finance loan, is it ok to talk for a few mins?",
                  "thank u for telling me that martin, i know its not easy to say. it sounds like the letters have "
                  "been really frightening. would u be ok with me making a note of ur health on the account, only "
                  "so no one chases u and u dont have to explain it again?",
                  "nothing right now, honestly. can i ask how its affecting u day to day, and is anyone helping u at "
                  "the moment, like ur gp or family?"]:
        call.respond(reply)
    assert call.node_id == "impact"
    call.respond("im glad ewa comes on sundays. i can put the account on hold for 60 days with no interest or "
                 "charges, and stepchange can help for free when ur ready. how does that sound?")
    assert call.node_id == "what_now"
    assert call.line.text.startswith("A hold.") and "what happens now" not in call.line.text, call.line.text


def test_dorothy_told_not_to_give_her_card_today_is_heard() -> None:
    """Played in elderly-capacity-uk: "hello, is that mrs dorothy pryce?" was no identity check; "please dont give
    me ur card today ... theres no hurry at all" was heard as nothing, and she said "You didn't say about the
    card, love. ... I think I'll put the phone down.\""""
    call = _shipped("elderly_capacity_uk").new_call(seed=1)
    call.respond("hello, is that mrs dorothy pryce? its tom from hollins and reed home shopping")
    assert call.node_id == "verified"
    for reply in ["thank u mrs pryce. its about ur catalogue account, there are a few payments showing as missed. "
                  "theres no rush at all. how have things been for u lately?",
                  "oh mrs pryce, im so sorry about bill. please dont apologise, it sounds like its been a lot on ur "
                  "own. is there someone u trust, family or a friend, who helps u with letters and bills?",
                  "u dont sound daft at all mrs pryce, and im glad carys helps u. lets not sort anything out today. "
                  "ill put the account on hold and send a letter so u and carys can go through it together on "
                  "sunday, and carys can ring us with u. would that be alright?",
                  "thats alright mrs pryce, its tom from hollins and reed, about ur catalogue account. theres nothing "
                  "to worry about today. ill send a letter for u and carys to look at on sunday"]:
        call.respond(reply)
    assert call.node_id == "wants_to_pay"
    turn = call.respond("thats very kind, but please dont give me ur card today. i'd much rather u and carys read the "
                        "letter together first and then decide, theres no hurry at all")
    assert {"no_payment_asked", "refuses"} <= set(turn.acts) and turn.answered is True
    assert call.node_id == "paused_in_writing", call.line.text


def test_sadie_told_the_post_stops_does_not_ask_about_the_post() -> None:
    """Played in economic-abuse-uk: told "ill stop all post to gurney road right now", Sadie later asked "What do I
    do about the post though?" as if nobody had said it."""
    call = _shipped("economic_abuse_uk").new_call(seed=1)
    for reply in ["hi is that sadie marchbank? its lee from ashdown credit services",
                  "no problem at all, i'll keep it quick. is it safe for u to talk right now, or would u rather i "
                  "called back at a better time?"]:
        call.respond(reply)
    turn = call.respond("no, no bailiffs are coming, i promise. im so sorry hes been using the letters against u, "
                        "that must be really frightening. ill stop all post to gurney road right now. whats a safe "
                        "way for us to contact u from now on?")
    assert "changes_contact" in turn.acts
    call.respond("thank u for telling me sadie. it doesnt sound strange at all, what ur describing is economic abuse "
                 "and it happens more than people think. we have a specialist team who review loans taken out like "
                 "this, and i can put the account on hold while they look at it. would that be ok?")
    assert call.node_id == "safe_contact"
    assert "What do I do about the post" not in call.line.text and "Gurney Road" in call.line.text, call.line.text


def test_imogen_heard_and_asked_for_her_figures_gives_them() -> None:
    """Played in self-employed-uk: at seasonal, understanding her *and* asking to go through her income and bills
    went to "What do you want, a number?", while asking for the figures alone got them: the better reply fared
    worse."""
    call = _shipped("self_employed_uk").new_call(seed=1)
    call.respond("hi is that imogen thwaite? its chris from pemberton collections")
    call.respond("hi imogen, its about ur wexcombe bank card. i know january's a quiet month for a lot of self "
                 "employed people, how are things looking for u at the moment?")
    assert call.node_id == "seasonal"
    call.respond("ugh, two cancellations, an unpaid invoice and the lens all at once, thats a really rough run. could "
                 "we look at ur income averaged over the year and ur main bills, so we can find something that works "
                 "in the quiet months too?")
    assert call.node_id == "budget_talk", call.line.text
