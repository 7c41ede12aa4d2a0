"""The scorer: EPITOME levels with evidence, negation, hedging, quoted and reported speech, questions,
advice, the two scores, feedback that teaches, speed, and the named steps of the scoring pipeline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from callsim.core.models import Node, Scenario
from callsim.core.nlp import negated, questions, sentences
from callsim.core.scorer import Scorer, ScoringContext, TurnScore, default_scorer, score_reply


def _s(text: str, debtor: str = "", **kw: object) -> TurnScore:
    return default_scorer().score(text, ScoringContext(debtor_line=debtor, **kw))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- EPITOME levels


@pytest.mark.parametrize(("text", "level"), [
    ("I'm so sorry, my heart goes out to you.", 2),
    ("Hang in there, things will get better.", 1),
    ("If you ever want to talk, my inbox is open.", 1),
    ("Send me your account number.", 0),
    ("I'm not sorry at all.", 0),
])
def test_emotional_reactions(text: str, level: int) -> None:
    assert _s(text).epitome["ER"] == level


@pytest.mark.parametrize(("text", "level"), [
    ("It sounds like the hospital stay turned everything upside down.", 2),
    ("You must be exhausted after all that.", 2),
    ("I went through the same thing when I lost my job.", 2),
    ("I understand.", 1),
    ("I don't understand why you didn't call us.", 0),
    ("The balance is due on Friday.", 0),
    # what matters to them, and what they are trying to do, reflected back
    ("Keeping a roof over the kids clearly matters so much to you.", 2),
    ("Of course you'd worry about your daughter seeing the letters.", 2),
    ("You're obviously working flat out to keep up with everything.", 2),
    # the same words as an accusation or a push are no understanding
    ("Of course you want to pay less, everyone does.", 0),
])
def test_interpretations(text: str, level: int) -> None:
    assert _s(text).epitome["IP"] == level


def test_interpretation_is_judged_against_their_words() -> None:
    debtor = "The letters keep coming and I'm too frightened to open them."
    generic = _s("I understand.", debtor)
    picked_up = _s("I understand, the letters must feel like they never stop.", debtor)
    assert generic.epitome["IP"] == 1
    assert picked_up.epitome["IP"] == 2


@pytest.mark.parametrize(("text", "level"), [
    ("How have you been coping since the job went?", 2),
    ("What happened?", 1),
    ("Can you tell me a bit about what's been going on?", 2),
    ("Can you confirm your postcode?", 0),  # procedural
    ("How much can you pay today?", 0),  # about the money, not the person
    ("Who cares?", 0),  # rhetorical
    ("Is that OK?", 0),  # checking agreement
    ("Have you tried talking to StepChange?", 1),  # a suggestion in a question: weak at most
])
def test_explorations(text: str, level: int) -> None:
    assert _s(text).epitome["EX"] == level


def test_suggestion_questions_are_not_the_exploration_behaviour() -> None:
    s = _s("Have you thought about speaking to a debt adviser?")
    assert "exploration" not in s.behaviour_ids
    assert s.advice


@pytest.mark.parametrize(("text", "level"), [
    ("Hopefully things settle down for you soon.", 1),
    ("I know what you mean.", 1),
    ("Want to talk about it?", 1),
    ("Hopefully you can pay the balance by Friday.", 0),  # hope about the money is not warmth
])
def test_hope_and_solidarity_are_emotional_reactions(text: str, level: int) -> None:
    assert _s(text).epitome["ER"] == level


def test_the_speakers_own_hard_time_is_not_a_reaction_to_theirs() -> None:
    own = _s("I never go to class. It sucks how my anxiety ruins everything.")
    theirs = _s("It sucks that you've been left to deal with this.")
    knowing = _s("I know it's hard.")
    assert own.epitome["ER"] == 0
    assert theirs.epitome["ER"] >= 1
    assert knowing.epitome["ER"] >= 1  # "I know ..." is about them


@pytest.mark.parametrize(("text", "debtor"), [
    ("Cheating on you?", "My partner has been cheating on me."),
    ("With her cousin??", "She moved in with her cousin."),
    ("You said the letters stopped?", "The letters stopped in May."),
    ("I take it you two were close?", "We were close for years."),
])
def test_an_echo_of_their_words_checks_back_and_does_not_explore(text: str, debtor: str) -> None:
    s = _s(text, debtor)
    assert "exploration" not in s.behaviour_ids
    assert "paraphrase" in s.behaviour_ids


def test_a_short_question_of_ones_own_still_explores() -> None:
    debtor = "My partner has been cheating on me."
    assert "exploration" in _s("Anyone you can lean on?", debtor).behaviour_ids
    assert "exploration" in _s("How long has this been going on?", debtor).behaviour_ids


@pytest.mark.parametrize("text", [
    "Would you like to talk about it?",
    "Do you want to go into what happened?",
    "Do you consider that there might be another way through this?",
])
def test_invitations_and_opinion_questions_explore(text: str) -> None:
    assert "exploration" in _s(text).behaviour_ids


@pytest.mark.parametrize("text", [
    "Why am I so unlucky?",
    "But what good will that do me?",
    "Do your best.",  # not "do you ..."
])
def test_questions_about_the_speaker_or_commands_do_not_explore(text: str) -> None:
    assert _s(text).epitome["EX"] == 0


def test_every_level_carries_its_evidence_span() -> None:
    text = "I'm really sorry. It sounds like you've been carrying this alone. How are you holding up?"
    s = _s(text)
    assert s.epitome == {"ER": 2, "IP": 2, "EX": 2}
    for mech in ("ER", "IP", "EX"):
        ev = s.epitome_evidence[mech]
        assert ev and all(text[e.start : e.end] == e.text for e in ev)
    d = s.as_dict()
    assert set(d["epitome_evidence"]) == {"ER", "IP", "EX"}
    assert {"empathy", "deescalation", "epitome", "behaviours", "violations", "better"} <= set(d)


def test_shared_experience_is_its_own_behaviour() -> None:
    s = _s("I've been there myself, when my dad was ill.")
    assert "self_disclosure" in s.behaviour_ids and s.epitome["IP"] == 2


def test_content_reflection_is_a_paraphrase_not_a_feeling() -> None:
    s = _s("It sounds like work has changed your hours.")
    assert "paraphrase" in s.behaviour_ids and "interpretation" not in s.behaviour_ids


@pytest.mark.parametrize("text", [
    "I had a look at your account and I was calling about the balance.",
    "I work for Harbour Recoveries.",
    "I have a couple of options for you.",
    "I tried calling you yesterday.",
    "I went ahead and froze the interest.",
    "I'm sorry, I don't have that figure in front of me.",
    # the US disclosure, typed: "used" was read as a feeling word, and it earned empathy 50 (played, bereavement)
    "i have to tell u we are a debt collector and this is an attempt to collect a debt, any info will be used for "
    "that.",
    "I have to let you know we're a debt collector, and any information obtained will be used for that purpose.",
])
def test_call_handling_in_the_first_person_is_not_self_disclosure(text: str) -> None:
    assert "self_disclosure" not in _s(text).ids


def test_talking_about_your_own_life_is_self_disclosure() -> None:
    assert "self_disclosure" in _s("I find it hard to get up most days since my dad died.").ids


# --------------------------------------------------------------------------- negation, hedging, speech


def test_negation_window_and_exceptions() -> None:
    t = "I can't imagine how hard that is."
    assert not negated(t, t.index("imagine"))
    t = "If you don't pay we'll take you to court."
    assert not negated(t, t.index("court"))
    t = "Nobody is going to arrest you."
    assert negated(t, t.index("arrest"))


def test_hedged_and_questioned_threats_are_still_threats() -> None:
    assert "threat_arrest_or_crime" in _s("You might possibly end up in jail, who knows?").violation_ids
    assert "threat_arrest_or_crime" in _s("You do know people go to prison for this?").violation_ids


def test_quoted_and_reported_speech_is_not_the_trainee_speaking() -> None:
    quoted = _s('The last firm told you "we\'ll send the bailiffs", and that was wrong of them.')
    reported = _s("Some collectors say you'll go to prison, but that isn't true.")
    assert not quoted.violations
    assert not reported.violations


def test_false_empathy_cancels_the_warmth() -> None:
    s = _s("I'm sorry, but you still need to pay today.")
    assert "false_empathy" in s.behaviour_ids
    assert s.epitome["ER"] == 0


# --------------------------------------------------------------------------- questions and advice


def test_question_clause_is_read_on_its_own() -> None:
    text = "I can see the account stopped, so before we talk about the balance, can you tell me what happened?"
    qs = questions(text, sentences(text))
    assert len(qs) == 1 and qs[0].explores


def test_advice_before_exploring_a_hardship_is_penalised() -> None:
    debtor = "I lost my job and I'm struggling to keep up."
    s = _s("You should cut back on takeaways.", debtor)
    assert "premature_advice" in s.behaviour_ids
    ok = _s("I'm sorry to hear that. What's been hardest? StepChange can help too, if you'd like.", debtor)
    assert "premature_advice" not in ok.behaviour_ids
    later = default_scorer().score("You should cut back on takeaways.",
                                   ScoringContext(debtor_line=debtor, earlier_replies=("How are you coping?",)))
    assert "premature_advice" not in later.behaviour_ids


def test_asking_for_money_before_acknowledging_is_noted() -> None:
    debtor = "I've been in hospital for three weeks."
    s = _s("How much can you pay this month?", debtor)
    assert any("before acknowledging" in n for n in s.notes)
    assert s.deescalation < _s("I'm sorry you've been so unwell. How are you doing now?", debtor).deescalation


@pytest.mark.parametrize("asked", ["", " Can you manage that?"])
@pytest.mark.parametrize("debtor", ["I lost my job last month and I'm really struggling.", ""])
def test_a_plan_amount_before_the_apology_is_not_acknowledge_before_ask(debtor: str, asked: str) -> None:
    """Issue 11's operator-precedence slip: a plan amount named before the apology is the first request for
    money, so the apology after it does not acknowledge first (with or without a hardship just raised), even
    when the words that ask for it come after the apology (the slip took those as the first request)."""
    late = _s("£20 a month would work, I'm so sorry to hear that." + asked, debtor)
    assert late.asks_payment
    assert "acknowledge_before_ask" not in late.behaviour_ids
    assert any("before acknowledging" in n for n in late.notes) == bool(debtor)
    first = _s("I'm so sorry to hear that. £20 a month would work.", debtor)
    assert "acknowledge_before_ask" in first.behaviour_ids


# --------------------------------------------------------------------------- scores


def test_empathy_score_follows_the_levels() -> None:
    cold = _s("The balance is due.")
    warm = _s("I'm really sorry. It sounds like you've had an awful month. How are you coping?")
    assert cold.empathy == 0
    assert warm.empathy >= 90
    assert _s("I'm sorry.").empathy < warm.empathy


def test_contempt_wipes_out_empathy() -> None:
    assert _s("I'm sorry, people like you never pay.").empathy == 0


# --------------------------------------------------------------------------- feedback


def _scenario() -> Scenario:
    return Scenario.model_validate({
        "id": "fb", "title": "Feedback", "version": 1, "difficulty": 1, "jurisdiction": "UK", "summary": "x",
        "persona": {"name": "Priya Shah", "age": 38, "situation": "medical_emergency"},
        "debt": {"creditor": "Brightwell Energy", "balance": 642.80}, "start": "n",
        "nodes": {"n": {"say": "Hi", "routes": [{"goto": "e"}]},
                  "e": {"say": "Bye", "outcome": {"id": "done", "label": "Done", "result": "resolved"}}},
    })


def test_weak_turn_names_the_missed_behaviour_and_adapts_the_model_answer() -> None:
    node = Node.model_validate({
        "say": "I've been in hospital.", "expects": ["emotional_reaction", "exploration"],
        "model_answers": ["I'm so sorry, {first_name}. How are you doing now?"], "routes": [{"goto": "e"}],
    })
    ctx = ScoringContext(debtor_line="I've been in hospital.", scenario=_scenario(), node=node)
    s = default_scorer().score("OK. The balance is £642.80.", ctx)
    assert s.better is not None
    assert s.better.missed == ("emotional_reaction", "exploration")
    assert s.better.model_answer == "I'm so sorry, Priya. How are you doing now?"
    assert "warmth and concern" in s.better.summary.lower()
    assert s.better.as_dict()["summary"] == s.better.summary


def test_without_a_model_answer_a_better_line_is_composed_for_the_moment() -> None:
    ctx = ScoringContext(debtor_line="I was laid off last month.", scenario=_scenario())
    s = default_scorer().score("When can you pay?", ctx)
    assert s.better is not None
    assert "Priya" in s.better.model_answer and "losing your job" in s.better.model_answer


def test_good_turn_has_no_better_alternative() -> None:
    s = _s("I'm so sorry to hear that. It sounds like a frightening few weeks. How are you doing now?",
           "I've been in hospital.")
    assert s.better is None


# --------------------------------------------------------------------------- scale
# Speed is measured in bench/bench_scorer.py (numbers in docs/scoring.md), not asserted here.


def test_a_huge_paste_is_scored_whole_and_the_same_every_time() -> None:
    reply = ("I'm really sorry to hear that, it sounds like a lot. How have you been coping since the job went? "
             * 400)
    first = score_reply(reply, ScoringContext(debtor_line="I lost my job and I'm scared."))
    again = score_reply(reply, ScoringContext(debtor_line="I lost my job and I'm scared."))
    assert first.as_dict() == again.as_dict()
    assert first.epitome == {"ER": 2, "IP": 2, "EX": 2}


# --------------------------------------------------------------------------- the pipeline

STEPS = ["read_text", "detect_patterns", "own_firm", "own_name", "thanks_after_disclosure", "epitome",
         "learned_empathy", "guided_choices", "amounts_and_asks", "acknowledge_before_ask", "premature_advice",
         "threats", "debt_facts", "pressure", "contact", "dispute", "disclosure", "jurisdiction", "learned_violations",
         "no_credit_inside_violations", "detections", "scores", "repeats", "acts", "assemble"]


def test_score_runs_named_steps_in_order_each_saying_what_it_reads_and_adds() -> None:
    names = [step.__name__.removeprefix("_step_") for step in Scorer.PIPELINE]
    assert names == STEPS
    for step in Scorer.PIPELINE:
        # One line: what the step reads, then what it adds to the reading (or drops from it, or lowers).
        assert re.fullmatch(r"Reads [^\n]+; (adds|drops|lowers) [^\n]+\.", (step.__doc__ or "").strip()), step.__name__


def test_the_architecture_doc_lists_the_steps_in_order() -> None:
    doc = (Path(__file__).parents[1] / "docs" / "architecture.md").read_text()
    section = doc[doc.index("## The scorer pipeline"):]
    section = section[: section.find("\n## ", 1)]
    at = [section.find(f"`{name}`") for name in STEPS]
    assert -1 not in at, [n for n, i in zip(STEPS, at, strict=True) if i == -1]
    assert at == sorted(at)


def test_a_plain_ask_straight_after_a_crisis_signal_presses_unless_it_takes_up_their_own_offer() -> None:
    scorer = Scorer(use_learned=False)
    ask = "I'm sorry to hear that. Could we set up a small payment today?"
    for line in ("I've been in and out of hospital since the stroke.", "My wife's got dementia and I'm her carer.",
                 "honestly i don't see the point in anything anymore", "We lost our baby in the summer."):
        assert "pressure_after_vulnerability" in scorer.score(ask, ScoringContext(debtor_line=line)).violation_ids, line
    calm = scorer.score(ask, ScoringContext(debtor_line="Money's a bit tight until payday."))
    assert "pressure_after_vulnerability" not in calm.violation_ids
    offered = scorer.score("Thank you, £20 a month is fine. Shall I set that up for you?",
                           ScoringContext(debtor_line="I'm on chemo at the moment but I could manage £20 a month."))
    assert "pressure_after_vulnerability" not in offered.violation_ids


def test_an_ask_after_a_crisis_said_without_the_plain_words_presses() -> None:
    turn = Scorer().score("Right, so what can you pay this month?",
                          ScoringContext(debtor_line="honestly everyone would be better off if I just wasn't here"))
    assert "pressure_after_vulnerability" in turn.violation_ids
    assert "pressure_after_vulnerability" not in Scorer().score(
        "Right, so what can you pay this month?", ScoringContext(debtor_line="I get paid on Friday.")).violation_ids


def test_saying_you_will_not_ask_or_advising_a_priority_bill_first_is_no_ask() -> None:
    from callsim.core.scorer import payment_asks

    for text in ("I'm not going to push you for a payment today.", "I won't be asking you to pay anything now.",
                 "Your mortgage keeps a roof over your head, so pay that first."):
        assert not payment_asks(text), text
    assert payment_asks("Pay your rent first, and then could you pay us something today?")


def test_in_a_scenario_the_authors_flags_not_the_crisis_head_say_what_was_disclosed() -> None:
    # The head reads an angry or defensive line as distress more often than an author would flag it.
    line = "Look, I know it's behind. I don't need a lecture. I'm handling it."
    ask = "Understood. Could you pay something today?"
    assert "pressure_after_vulnerability" not in Scorer().score(
        ask, ScoringContext(debtor_line=line, scenario=_scenario())).violation_ids
    # Plain words still count in a scenario, flag or no flag.
    assert "pressure_after_vulnerability" in Scorer().score(
        ask, ScoringContext(debtor_line="My wife passed away last month.", scenario=_scenario())).violation_ids


def test_acknowledging_a_stop_request_and_carrying_on_ignores_the_contact_limit() -> None:
    scorer = Scorer(use_learned=False)
    ctx = ScoringContext(debtor_line="Please stop calling me, speak to my solicitor.")
    for reply in ("Understood, but while I've got you, can we sort a date?", "yeah yeah, I'm just checking in",
                  "Sure, though it'd be quicker if we just did it now."):
        assert "ignores_contact_limits" in scorer.score(reply, ctx).violation_ids, reply
    for reply in ("Understood. I'll note that and we'll only deal with your solicitor from now on.",
                  "Of course. I'll put that on the account, but I'll send a letter to confirm it in writing."):
        assert "ignores_contact_limits" not in scorer.score(reply, ctx).violation_ids, reply


def test_a_violations_why_cites_the_calls_own_law() -> None:
    """Issue 15: US calls cited "GDPR" and UK calls the FDCPA. In a call, a why names the scenario's law only;
    without a scenario (no jurisdiction known) it keeps both."""
    from callsim.core.rubric import for_jurisdiction

    assert for_jurisdiction("Private (FDCPA 1692b/c, UK GDPR).", "US") == "Private (FDCPA 1692b/c)."
    assert for_jurisdiction("Private (FDCPA 1692b/c, UK GDPR).", "UK") == "Private (UK GDPR)."
    assert for_jurisdiction("Harassment (FDCPA 1692d) ends plans.", "UK") == "Harassment ends plans."
    assert for_jurisdiction("Misleading (FDCPA 1692e(8), CONC 7).", "US") == "Misleading (FDCPA 1692e(8))."
    assert for_jurisdiction("Thank them (TEXAS \"T\").", "US") == "Thank them (TEXAS \"T\")."
    reply = "I'm calling about the £642.80 Priya owes on her energy account, can you pass that on to her?"
    line = "Priya's at work, I'm her flatmate."
    uk = _scenario()
    us = uk.model_copy(update={"jurisdiction": type(uk.jurisdiction)("US")})
    for scenario, wrong, right in ((us, "GDPR", "FDCPA"), (uk, "FDCPA", "GDPR")):
        turn = default_scorer().score(reply, ScoringContext(debtor_line=line, scenario=scenario))
        disclosure = [v for v in turn.violations if v.id == "third_party_disclosure"]
        assert disclosure, turn.violation_ids
        assert right in disclosure[0].why and wrong not in disclosure[0].why
    both = default_scorer().score(reply, ScoringContext(debtor_line=line)).violations
    assert any("FDCPA" in v.why and "GDPR" in v.why for v in both if v.id == "third_party_disclosure")


def test_a_better_line_shows_only_when_it_is_better() -> None:
    """Issue 15: a "Better" block showed on replies that scored 95-100 and nearly matched it. A reply that
    nearly says the model answer gets no better line; a strong turn that only missed an expected behaviour
    gets the tip, not a line; a weak one still gets both."""
    node = Node.model_validate({
        "say": "I've been in hospital.", "expects": ["emotional_reaction", "exploration", "offers_options"],
        "model_answers": ["I'm so sorry, {first_name}. That sounds really frightening. How are you doing now?"],
        "routes": [{"goto": "e"}],
    })
    ctx = ScoringContext(debtor_line="I've been in hospital.", scenario=_scenario(), node=node)
    near = default_scorer().score("I'm so sorry Priya, that sounds really frightening. How are you doing now?", ctx)
    assert near.better is not None and "offers_options" in near.better.missed  # still told what to add
    assert near.better.model_answer == ""
    weak = default_scorer().score("OK. When can you pay?", ctx)
    assert weak.better is not None and weak.better.model_answer.startswith("I'm so sorry, Priya")
