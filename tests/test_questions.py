"""The debtor's questions get answered (issue 13): a line's ``asks`` says what answers it, ``answered`` and
``unanswered`` are read by conditions, ``press`` is said when the question went unanswered."""

from __future__ import annotations

from callsim.core.engine import Call, CompiledScenario, state_before_turn
from callsim.core.loader import load_text
from callsim.core.models import Scenario
from callsim.core.record import CallRecord
from callsim.core.scorer import Scorer

from .conftest import FIXTURES

TINY = (FIXTURES / "tiny.yaml").read_text(encoding="utf-8")
CHECK = "Hi, it's Jo from Acme Energy. Can I check I'm speaking to Sam Lee?"
BREAKDOWN = "It's made up of £280 of unpaid bills and a £20 late fee."

# The tiny scenario with a node where Sam asks what the £300 is for, and one after it.
ASKING = {
    "      - when: verifies_identity and not violations\n        goto: agreed\n":
        "      - when: verifies_identity\n        goto: what_for\n",
    "  agreed:\n":
        "  what_for:\n"
        "    say:\n"
        "      - text: \"Three hundred pounds? What's that for?\"\n"
        "        asks: [explains_breakdown]\n"
        "        press: \"You still haven't said what it's for.\"\n"
        "    model_answers: [\"It's £280 of energy bills and a £20 late fee.\"]\n"
        "    routes:\n"
        "      - when: answered\n"
        "        goto: after\n"
        "      - when: act.not_liable\n"
        "        goto: after\n"
        "        react: \"Oh. Right.\"\n"
        "      - when: unanswered and turn >= 4\n"
        "        goto: hung_up\n"
        "      - goto: what_for\n"
        "  after:\n"
        "    say:\n"
        "      - text: \"Right, that makes sense.\"\n"
        "        when: answered\n"
        "      - \"Go on, then.\"\n"
        "      - \"OK.\"\n"
        "    model_answers: [\"Thanks, Sam.\"]\n"
        "    routes:\n"
        "      - goto: agreed\n"
        "  agreed:\n",
}


def _compiled() -> CompiledScenario:
    text = TINY
    for old, new in ASKING.items():
        assert old in text, old
        text = text.replace(old, new)
    result = load_text(text, "tiny.yaml", run_walkthroughs=False)
    assert result.scenario is not None and result.ok, [d.format() for d in result.diagnostics]
    scenario: Scenario = result.scenario
    return CompiledScenario(scenario, Scorer(use_learned=False))


def test_an_answer_is_acknowledged_by_the_next_line() -> None:
    call = _compiled().new_call(seed=1)
    first = call.respond(CHECK)
    assert first.answered is None  # "Hello?" asked nothing the scenario names
    assert call.line.text == "Three hundred pounds? What's that for?" and call.line.asks == ("explains_breakdown",)
    turn = call.respond(BREAKDOWN)
    assert turn.answered is True and turn.next == "after"
    assert call.line.text == "Right, that makes sense."  # the variant for an answered question


def test_an_unanswered_question_is_pressed_and_asked_again() -> None:
    call = _compiled().new_call(seed=1)
    call.respond(CHECK)
    turn = call.respond("OK, thanks for that.")
    assert turn.answered is False and turn.next == "what_for"
    assert call.line.text == "You still haven't said what it's for. Three hundred pounds? What's that for?"


def test_nothing_is_pressed_into_an_ending() -> None:
    call = _compiled().new_call(seed=1)
    call.respond(CHECK)
    call.respond("OK.")
    call.respond("Right.")
    turn = call.respond("Mm.")
    assert turn.answered is False and call.ended and call.outcome is not None and call.outcome.id == "hung_up"
    assert call.line.text == "Not now. [click]"


def test_a_routes_reaction_comes_before_the_press() -> None:
    """'You don't owe it' does not explain the breakdown, but the route taken for it answers it in its own words."""
    call = _compiled().new_call(seed=1)
    call.respond(CHECK)
    turn = call.respond("You're not personally liable for this bill, Sam.")
    assert turn.answered is False and turn.next == "after"
    assert call.line.text.startswith("Oh. Right. ") and "still haven't" not in call.line.text
    assert call.line.text != "Oh. Right. Right, that makes sense."  # not answered, so not acknowledged


def test_answered_is_kept_in_the_record_and_after_a_restore() -> None:
    compiled = _compiled()
    call = compiled.new_call(seed=1)
    call.respond(CHECK)
    call.respond(BREAKDOWN)
    record = CallRecord.from_json(call.record().to_json())
    assert [t.answered for t in record.turns] == [None, True]
    restored = compiled.restore(call.state())
    assert restored.answered is True and restored.line.text == "Right, that makes sense."
    before = compiled.restore(state_before_turn(compiled.scenario, call.state(), 2))
    assert before.answered is None and before.node_id == "what_for"
    assert before.respond("Fine.").answered is False


def test_conditions_and_preview_names_read_answered_and_unanswered() -> None:
    from callsim.core.builtin_names import BUILTIN_NAMES

    assert {"answered", "unanswered"} <= set(BUILTIN_NAMES)
    call = _compiled().new_call(seed=1)
    call.respond(CHECK)
    call.respond("Fine.")
    lookup = call._lookup(None)
    assert lookup("unanswered") is True and lookup("answered") is False


def test_the_coaching_says_which_question_went_unanswered() -> None:
    from callsim.core.coaching import as_text, items, unanswered

    call = _compiled().new_call(seed=1)
    call.respond(CHECK)
    missed = call.respond("OK, thanks for that.")
    call2 = _compiled().new_call(seed=1)
    call2.respond(CHECK)
    answered = call2.respond(BREAKDOWN)
    assert unanswered(missed) == "Three hundred pounds? What's that for?" and unanswered(answered) == ""
    shown = [as_text(i) for i in items(missed.scores, question=unanswered(missed)) if i.mark == "unanswered"]
    assert shown == ["Not answered: \u201cThree hundred pounds? What's that for?\u201d"]
    assert not [i for i in items(answered.scores, question=unanswered(answered)) if i.mark == "unanswered"]


# --------------------------------------------------------------------------- the transcripts

TRAVIS = [
    "Hi, it's Dana from Summit Ridge Recovery Services. Am I speaking with Travis Lindqvist? Could you confirm "
    "your date of birth?",
    "Thanks, Travis. I have to tell you this is a communication from a debt collector, an attempt to collect a "
    "debt. I'm sorry about the calls to your work, that shouldn't have happened.",
    "That sounds really frustrating, losing a week's work over it. I understand why you're angry.",
]
BREAKDOWN_6418 = ("It's $5,612.40 left on the loan after the auction sale, $690.00 of repossession and storage costs, "
                  "and $116.50 of interest.")


def _travis_at_cooling() -> list[Call]:
    from .test_acts import _shipped

    compiled = _shipped("hostile_calmable_us")
    calls = []
    for seed in range(8):
        call = compiled.new_call(seed=seed)
        for reply in TRAVIS:
            call.respond(reply)
        if call.node_id == "cooling" and call.line.asks:
            calls.append(call)
    assert calls, "no seed reached Travis asking where the number comes from"
    return calls


def test_travis_asking_where_the_number_comes_from_is_pressed_when_told_the_total_again() -> None:
    """Issue 13: "I just want to know where six thousand four hundred comes from". Read the total again, he presses
    (and the call relapses); told what it is made of, he goes on, and nobody presses."""
    for call in _travis_at_cooling():
        turn = call.respond("The balance is $6,418.90.")
        assert turn.answered is False and turn.next == "relapse"
        assert call.line.text.startswith("And you still haven't said where that number comes from.")
    for call in _travis_at_cooling():
        turn = call.respond(BREAKDOWN_6418)
        assert turn.answered is True and turn.next == "decide"
        assert "still haven't" not in call.line.text


def test_after_a_full_breakdown_travis_does_not_ask_where_the_number_comes_from() -> None:
    """Issue 13: "I just want to know where six thousand four hundred comes from" after a full breakdown."""
    from .test_acts import _shipped

    compiled = _shipped("hostile_calmable_us")
    reached = 0
    for seed in range(8):
        call = compiled.new_call(seed=seed)
        for reply in TRAVIS[:2]:
            call.respond(reply)
        call.respond(TRAVIS[2] + " " + BREAKDOWN_6418)
        if call.node_id == "cooling":
            reached += 1
            assert "comes from" not in call.line.text and not call.line.asks, call.line.text
    assert reached, "no seed reached cooling"
