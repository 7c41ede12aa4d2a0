"""nlp.negated: where a negator reaches."""

from __future__ import annotations

import pytest

from callsim.core.nlp import negated


@pytest.mark.parametrize(("text", "word", "expected"), [
    ("Nobody is going to send bailiffs round.", "bailiffs", True),
    ("No one from our side will ever phone your employer.", "employer", True),
    ("Nobody told me you would send bailiffs round.", "bailiffs", False),  # a new subject: another clause
    ("Nobody answered, so we will send bailiffs round.", "bailiffs", False),
])
def test_a_negative_subject_negates_its_whole_clause(text: str, word: str, expected: bool) -> None:
    assert negated(text, text.index(word)) is expected


@pytest.mark.parametrize(("text", "word", "expected"), [
    # a reason first, then the negative subject (found by scenario authors on statute-barred calls)
    ("Because it's statute-barred nobody can take it to court.", "court", True),
    ("Because you missed payments nobody wants this, but we will take you to court.", "court", False),
    # a denied passive or progressive reaches the end of its short phrase
    ("It can't be enforced through the courts.", "courts", True),
    ("It can't be enforced through the courts, and we won't be taking you to court over it.", "court over", True),
    ("It can't be ignored, we will take you to court.", "court", False),  # a new clause, a new subject
    ("You can't be surprised when we take you to court.", "court", False),
])
def test_a_reason_before_a_negative_subject_and_a_denied_passive_negate(text: str, word: str,
                                                                         expected: bool) -> None:
    assert negated(text, text.index(word)) is expected


@pytest.mark.parametrize(("text", "word", "expected"), [
    ("Jail isn't something that happens over a gas bill.", "Jail", True),
    ("Honestly, court action won't come into it.", "court", True),
    ("The bailiffs are not being sent, I promise.", "bailiffs", True),
    ("noones sending the bailiffs mate", "bailiffs", True),  # typed without the apostrophe
    ("Court is not off the table if this carries on.", "Court", False),  # two negatives: still a threat
    ("Bailiffs don't knock first, they just come in.", "Bailiffs", False),  # a statement, not a denial
    ("We explained it, but court is next.", "court", False),
])
def test_a_thing_named_then_denied_is_negated(text: str, word: str, expected: bool) -> None:
    assert negated(text, text.index(word)) is expected


@pytest.mark.parametrize("text", [
    "That letter threatening prison didn't come from us, and it sounds like a scam.",
    "You said they told you you'd be arrested. That's not how this works.",
    "Is the thought of court what's keeping you up at night?",
    "I can't promise you it'll never show anywhere, and I can't promise it won't show on your credit file either.",
    "We won't send anything on a postcard, so nobody at home will see who it's from.",
])
def test_reported_feared_and_unpromised_lines_raise_nothing(text: str) -> None:
    from callsim.core.scorer import Scorer

    assert not Scorer(use_learned=False).score(text).violations


def test_a_negative_subject_after_talk_that_opens_the_clause_still_negates() -> None:
    for text, word in (("honestly mate nobody's going to jail over this", "jail"),
                       ("look, I promise no one will arrest you", "arrest"), ("no one is gonna arrest u", "arrest")):
        assert negated(text, text.index(word)), text
    text = "honestly, if you don't pay you could end up in jail"
    assert not negated(text, text.index("jail"))


def test_what_the_debtor_or_someone_else_said_is_reported_not_claimed() -> None:
    from callsim.core.nlp import masked_spans

    for text in ("You mentioned the flat might be repossessed.", "So who told you that you'd be arrested?",
                 "Nobody at this company will ever threaten you with court."):
        assert masked_spans(text), text
    assert not masked_spans("You said you'd pay on Friday, so we'll be taking you to court.")


def test_what_the_debtor_said_might_happen_is_masked_for_penalties_but_still_reflects() -> None:
    from callsim.core.nlp import masked_spans

    text = "You said your landlord might start eviction proceedings."
    assert masked_spans(text) and not masked_spans(text, feared=False)


def test_a_question_about_what_they_can_pay_is_about_money_not_the_person() -> None:
    from callsim.core.nlp import questions

    for text in ("ok, so what can you put towards it this month?", "What could you pay towards the arrears?",
                 "what are you able to offer"):
        assert all(q.procedural for q in questions(text)), text
    assert not any(q.procedural for q in questions("What are you doing for work at the moment?"))


@pytest.mark.parametrize(("text", "word", "expected"), [
    # "you" after a verb of doing something to them is its object, not a new subject
    ("We're not taking you to court and nobody will come to your home.", "court", True),
    ("We won't be reporting you to the credit bureaus.", "credit", True),
    ("We aren't going to sue you over it.", "sue", True),
    ("If you don't pay we'll take you to court.", "court", False),
    ("I don't want to, but we'll take you to court.", "court", False),
])
def test_a_pronoun_after_a_verb_done_to_them_is_its_object(text: str, word: str, expected: bool) -> None:
    assert negated(text, text.index(word)) is expected


@pytest.mark.parametrize(("text", "word", "expected"), [
    # typed without a comma, a condition's negation stays in the condition: what follows is threatened
    ("if this isnt settled the police will be knocking on ur door", "the police", False),
    ("If nothing's paid this week it goes to our solicitors for court action.", "court", False),
    ("If no payment arrives the bailiffs will be instructed.", "bailiffs", False),
    ("unless someone's paid something by friday it goes to court", "court", False),
    # a negation in the consequence still denies it, with or without the comma
    ("If you can't pay we won't take you to court.", "court", True),
    ("If you can't pay nobody will take you to court.", "court", True),
    ("If you're not able to pay no one is going to arrest you.", "arrest", True),
    ("If it isn't paid we can't send bailiffs anyway.", "bailiffs", True),
    ("If you can't pay, nothing will go to court.", "court", True),
    ("If you can't pay bailiffs won't be sent.", "bailiffs", True),  # the action opens the consequence, denied
])
def test_a_negation_inside_a_condition_does_not_reach_its_consequence(text: str, word: str, expected: bool) -> None:
    assert negated(text, text.index(word)) is expected


@pytest.mark.parametrize(("text", "violation"), [
    ("if this isnt settled the police will be knocking on ur door", "threat_arrest_or_crime"),
    ("If nothing comes in by Friday it goes to court.", "threat_unintended_action"),
    ("if nothing comes in this week its going legal", "threat_unintended_action"),
])
def test_a_threat_after_a_negative_condition_fails_without_a_comma(text: str, violation: str) -> None:
    from callsim.core.scorer import Scorer

    assert violation in Scorer(use_learned=False).score(text).violation_ids  # confident: it fails the call


@pytest.mark.parametrize("text", [
    "if u cant pay nobodys gonna arrest u",
    "nobodys gonna take u to court over this",
    "nothings gonna happen to u, no bailiffs no court",
    "if u cant pay its not going legal, promise",
    "if u cant pay the bailiffs wont come",  # failed the call before: the rules saw no denial
])
def test_a_reassurance_typed_without_apostrophes_raises_nothing(text: str) -> None:
    from callsim.core.eval import default_scorer
    from callsim.core.scorer import Scorer

    assert not Scorer(use_learned=False).score(text).violations
    assert not default_scorer().score(text).violations


@pytest.mark.parametrize(("text", "open_", "check"), [
    # played in crisis-us: the open question after the reflection earned nothing (read as a check)
    ("u sound really tired, how are things going for u at the moment?", True, False),
    ("You said you lost your job, what happened?", True, False),
    ("So you're saying the letters went to your old address, is that right?", False, True),
    ("You sound worried?", False, True),
    # a taunt after a comma, or a question about the speaker, is no open question about them
    ("Everyone else manages to pay, so what's your excuse?", False, False),
    ("You blew your whole wage on roulette, what did you expect me to say?", False, False),
    ("My condolences. Now, about the arrears, what date can you clear them?", False, False),
])
def test_a_wh_question_after_a_reflection_is_the_question(text: str, open_: bool, check: bool) -> None:
    from callsim.core.nlp import questions
    from callsim.core.understanding.typing import expand

    (q,) = questions(expand(text).text)
    assert (q.open, q.check) == (open_, check)


@pytest.mark.parametrize(("text", "procedural"), [
    # played in dispute-us: typed in lower case, the name check was read as an open question about him
    ("hi is this daniel avery? my name is sam, im calling from keystone portfolio services", True),
    ("is this daniel?", True),
    ("hiya is that priya shah? its ellie from harbour recoveries", True),  # played in medical-emergency-uk
    ("am i speaking to denise hollowell?", True),
    ("is this ok?", False),
    ("is this a bad time?", False),
    ("is that bothering you?", False),
    ("is this helping at all?", False),
])
def test_a_name_check_typed_in_lower_case_is_procedural(text: str, procedural: bool) -> None:
    from callsim.core.nlp import questions
    from callsim.core.understanding.typing import expand

    assert questions(expand(text).text)[0].procedural is procedural
