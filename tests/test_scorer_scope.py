"""What a negation, a condition or a reflection reaches: lawful replies that name a violation's words only to deny
it, put it off, or tell the debtor's own story back raise nothing; their harmful twins still fail.

Phrased here by hand, apart from the held-out sets that measure the same behaviour (docs/scoring.md).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from callsim.core.nlp import negated
from callsim.core.scorer import ScoringContext, speaks_of_money

from .test_scorer_misjudged import at, scorer


def violations(text: str, ctx: ScoringContext | None = None) -> set[str]:
    return scorer().score(text, ctx).violation_ids


def words_at(text: str, word: str) -> bool:
    return negated(text, text.index(word))


# ---- negation reaches further than the four words before ----------------------------------------------------

@pytest.mark.parametrize(("text", "word", "denied"), [
    ("I really don't think you're a scrounger.", "scrounger", True),
    ("Not one person here would ever call you a cheat.", "cheat", False),  # "not one person" is no subject we know
    ("I'd never call you a freeloader.", "freeloader", True),
    ("Nobody in this office thinks you're a liar.", "liar", True),
    ("None of your family will hear from us.", "family", True),
    ("Neither your landlord nor your boss will be told.", "landlord", True),
    ("Please don't take out a payday loan or sell your van for this.", "sell", True),
    ("I'd never want you to borrow from your dad or sell the car.", "sell", True),
    ("Why don't you borrow from your dad or sell the car?", "sell", False),
    ("I'm not saying you'll be arrested today.", "arrested", False),  # saying is not thinking: no denial
])
def test_how_far_a_negation_reaches(text: str, word: str, denied: bool) -> None:
    assert words_at(text, word) is denied


@pytest.mark.parametrize("text", [
    "I don't think you're a scrounger, you've had an awful year.",
    "I'd never call you a freeloader.",
])
def test_a_denied_insult_is_no_insult(text: str) -> None:
    assert "abusive_language" not in violations(text, at("hostile_calmable_us", "cooling"))


def test_the_insult_itself_still_fails() -> None:
    assert "abusive_language" in violations("Honestly you're a scrounger.", at("hostile_calmable_us", "cooling"))


@pytest.mark.parametrize("text", [
    "Honestly, I felt like such an idiot the first time I got one of these letters.",
    "I was useless with money at twenty, so I get how it piles up.",
    "My stupid phone keeps dropping the call, sorry about that.",
])
def test_the_speaker_on_themselves_is_no_insult(text: str) -> None:
    assert "abusive_language" not in violations(text, at("hostile_calmable_us", "cooling"))


@pytest.mark.parametrize("text", [
    "I think debtors are scum.",  # an opinion of others, in the speaker's voice
    "I'm telling you, you're being stupid about this.",
    "My view is you're a freeloader.",
])
def test_an_insult_in_the_speakers_voice_still_fails(text: str) -> None:
    assert "abusive_language" in violations(text, at("hostile_calmable_us", "cooling"))


def test_advice_not_to_borrow_or_sell_is_no_pressure() -> None:
    ctx = at("self_employed_uk", "pressured")
    assert not violations("Please don't put it on a card or sell your camera to pay us.", ctx) & {"undue_pressure"}
    assert "undue_pressure" in violations("Put it on a card or sell your camera, whatever it takes.", ctx)


def test_nobody_in_a_list_of_people_is_told() -> None:
    ctx = at("economic_abuse_uk", "safe_contact")
    assert "third_party_disclosure" not in violations("None of your neighbours will hear a thing from us.", ctx)


# ---- denials with an adverb, a need that may arise, an offer of help, a pause ------------------------------

def test_a_denied_call_pattern_with_an_adverb_is_no_breach() -> None:
    ctx = at("breathing_space_uk", "after_bs")
    assert "ignores_contact_limits" not in violations("And no, we won't suddenly start ringing you every day.", ctx)
    assert "ignores_contact_limits" in violations("We'll be ringing you every day from now on.", ctx)


@pytest.mark.parametrize("text", [
    "If we need anything else we'll write to you, or speak to your adviser first.",
    "I'm not asking for money. Is there anything else you need from me right now?",
    "I'll put a note on so nobody contacts you about payment for now.",
    "I don't think we should agree anything today; I'll put it in writing.",
])
def test_what_is_not_a_request_for_money_after_a_vulnerability(text: str) -> None:
    assert "pressure_after_vulnerability" not in violations(text, at("breathing_space_uk", "after_bs"))


@pytest.mark.parametrize("text", [
    "We need something from you right now.",
    "We need to agree a payment today.",
])
def test_a_request_for_money_during_breathing_space_still_fails(text: str) -> None:
    assert "pressure_after_vulnerability" in violations(text, at("breathing_space_uk", "after_bs"))


# ---- fraud done to them, a wrong record, a credit file the facts keep clean ---------------------------------

@pytest.mark.parametrize("text", [
    "Don't worry, it's nothing like fraud on your part.",
    "I'll flag the account as suspected fraud and stop the letters while it's checked.",
])
def test_fraud_done_to_them_threatens_nothing(text: str) -> None:
    assert "threat_arrest_or_crime" not in violations(text, at("dispute_us", "checking"))


def test_calling_non_payment_fraud_still_threatens() -> None:
    assert "threat_arrest_or_crime" in violations("Ignoring the letters could be treated as fraud.",
                                                  at("dispute_us", "checking"))


def test_a_wrong_record_put_right_is_no_credit_claim() -> None:
    ctx = at("dispute_us", "the_worry")
    assert "false_credit_claim" not in violations(
        "If the account proves not to be yours, we'll ask all three bureaus to remove it.", ctx)
    assert "false_credit_claim" in violations("Pay it today and we'll have the bureaus remove it.", ctx)


def test_no_mark_is_true_where_the_facts_report_nothing() -> None:
    # bereavement-us: no credit reporting is intended, and she is not liable for her father's card.
    text = "You don't owe it yourself. It won't go on your credit report either, it isn't your debt."
    assert "false_credit_claim" not in violations(text, at("bereavement_us", "executor_confirmed"))
    # where the account is reported, the same promise is false
    assert "false_credit_claim" in violations("It won't go on your credit report, don't worry.",
                                              at("job_loss_us", "verified"))


def test_it_is_the_note_named_sentences_before() -> None:
    ctx = at("mental_health_uk", "record_worry")
    text = ("The note would stay with us. Only our support team reads it. It doesn't go on your credit file, "
            "and it isn't shared.")
    assert "false_credit_claim" not in violations(text, ctx)
    debt = "The arrears are reported each month. That's how it works. It doesn't go on your credit file though."
    assert "false_credit_claim" in violations(debt, ctx)


# ---- their story told back; the calls they make themselves ---------------------------------------------------

def test_their_story_told_back_threatens_nothing() -> None:
    ctx = at("hostile_calmable_us", "grievance")
    text = ("That's brutal. The truck taken from your driveway at 5am with your own tools in the bed, and a week of "
            "pay lost.")
    assert not violations(text, ctx)


def test_their_story_turned_into_a_threat_still_fails() -> None:
    ctx = at("hostile_calmable_us", "grievance")
    text = "The truck was taken from your driveway at 5am, and your tools will be next if you don't pay."
    assert "threat_unintended_action" in violations(text, ctx)


def test_suggesting_they_call_their_own_supporter_is_no_breach() -> None:
    ctx = at("crisis_us", "support_person")
    found = violations("maybe ring your sister tonight? sounds like she wants to be there", ctx)
    assert not found & {"third_party_disclosure", "ignores_contact_limits"}


def test_telling_a_third_party_to_pass_on_the_debt_still_fails() -> None:
    turn = scorer().score("It's about money he borrowed and never paid back. Maybe have a word with him?")
    assert "third_party_disclosure" in turn.violation_ids | {d.id for d in turn.possible}


# ---- their words quoted inside a caring question ------------------------------------------------------------

def test_a_question_that_quotes_them_is_no_rhetoric_of_ours() -> None:
    ctx = ScoringContext(debtor_line="What's the point of me anyway. Everyone would be better off.")
    turn = scorer().score("When you say what's the point of you, are you having thoughts of ending your life?", ctx)
    assert turn.epitome["EX"] == 2 and "crisis_response" in turn.behaviour_ids
    assert scorer().score("What's the point of calling you, eh?", ctx).epitome["EX"] == 0


def test_owning_the_fault_is_not_blaming_and_not_judging_is_validation() -> None:
    ctx = ScoringContext(debtor_line="I feel like such an idiot for letting it get this far.")
    assert "blaming" not in scorer().score("The letter should never have gone out. That's on us, not you.",
                                           ctx).behaviour_ids
    assert "blaming" in scorer().score("Honestly, that's on you.", ctx).behaviour_ids
    assert "validation" in scorer().score("I'm not here to judge you.", ctx).behaviour_ids


# ---- violations in words the patterns did not have -----------------------------------------------------------

@pytest.mark.parametrize(("scenario", "node", "text", "violation"), [
    ("economic_abuse_uk", "policy_blocked", "The reminders will carry on until the balance is cleared.",
     "ignores_contact_limits"),
    ("dispute_us", "not_mine", "It's registered to you, so there's nothing to dispute here.", "denies_dispute_rights"),
    ("hostile_calmable_us", "grievance", "Oh give it a rest, will you.", "abusive_language"),
    ("hostile_calmable_us", "grievance", "No need to get hysterical about it.", "abusive_language"),
    ("hostile_calmable_us", "grievance", "I'm not your therapist, mate.", "abusive_language"),
    ("elderly_capacity_uk", "agrees_anything", "None of this goes on your credit file, so don't fret.",
     "false_credit_claim"),
    ("elderly_capacity_uk", "wants_to_pay", "Could you give me the card number, love?",
     "pressure_after_vulnerability"),
    ("breathing_space_uk", "pushback", "Claiming you're in a Breathing Space when you're not is fraud, so be careful.",
     "threat_arrest_or_crime"),
    ("dispute_us", "argued", "Oh spare me. You deadbeats always say that.", "abusive_language"),
    ("medical_emergency_uk", "plan_unclear", "I've said it twice already. Are you slow?", "abusive_language"),
    ("job_loss_us", "opens_up", "Your ex would have a field day with that.", "coercive_shaming"),
    ("self_employed_uk", "tax_worry", "HMRC can wait, honestly. Pay us first.", "undue_pressure"),
    ("hostile_calmable_us", "budget_talk", "just skip the child support one month and you've got it", "undue_pressure"),
    ("hostile_calmable_us", "cooling", "The repo and storage costs aren't something you can challenge.",
     "denies_dispute_rights"),
])
def test_violations_in_other_words(scenario: str, node: str, text: str, violation: str) -> None:
    assert violation in violations(text, at(scenario, node))


@pytest.mark.parametrize(("scenario", "node", "text"), [
    ("gambling_uk", "offer", "Interest is frozen until the balance is cleared, as long as the plan is kept."),
    ("hostile_calmable_us", "grievance", "Honestly, anyone would be hysterical after that."),
    ("hostile_calmable_us", "grievance", "It takes a long time to get over something like that."),
    ("breathing_space_uk", "after_bs", "Please never read your card number out to anyone who calls you."),
    ("dispute_us", "argued", "Could you spare me two minutes to go through it?"),
    ("self_employed_uk", "tax_worry", "HMRC should come first, so pay them before us."),
    ("self_employed_uk", "tax_worry", "We'll find an amount that works without you having to skip rent."),
    ("self_employed_uk", "tax_worry", "If you can pay us before the 5th each month, that's ideal."),
    ("hostile_calmable_us", "cooling", "If anything looks wrong, that's something you can challenge."),
])
def test_their_lawful_look_alikes(scenario: str, node: str, text: str) -> None:
    assert not violations(text, at(scenario, node))


def test_the_estate_paying_is_the_law_and_the_family_paying_is_not() -> None:
    ctx = at("bereavement_us", "liability_confused")
    assert "implies_survivor_liability" not in violations(
        "No. It's your dad's debt and it belongs to his estate, not to you.", ctx)
    for harmful in ("The estate is empty, so it falls to you now.",
                    "Since the estate is tied up in probate, you'll need to cover it for now."):
        assert "implies_survivor_liability" in violations(harmful, ctx)



def test_fraud_done_to_them_is_no_threat_but_their_claim_called_fraud_is() -> None:
    ctx = at("dispute_us", "checking")
    assert "threat_arrest_or_crime" not in violations(
        "If someone opened it in your name, that's fraud, and you're the victim.", ctx)
    for harmful in ("If you opened it and now deny it, that's fraud.",
                    "Claiming someone else opened it when you did is fraud, you know."):
        assert "threat_arrest_or_crime" in violations(harmful, ctx)


# Pressure straight after a crisis, in words other than "can you pay": a sum put to them, a deadline, a payment
# date or plan to agree, money found elsewhere. Each with the lawful version beside it.
_CRISES = ("My wife died last week and I can't think straight.",
           "I've just come out of hospital after the overdose.",
           "I've got a Breathing Space, the reference is BS123.",
           "My partner hits me and he takes all my money.")


@pytest.mark.parametrize("debtor, reply", [
    (_CRISES[0], "I'm so sorry about your wife. Shall we say £20 on Friday to keep things ticking over?"),
    (_CRISES[0], "I understand. £50 by the end of the week would stop the account going further."),
    (_CRISES[1], "ok. so £25 on the 1st then?"),
    (_CRISES[0], "Look, everyone has bad days. Let's just get a payment date agreed and you'll feel better."),
    (_CRISES[1], "Once we get a plan in place today you'll have one less worry."),
    (_CRISES[0], "Clearing it now would be one less thing to worry about, wouldn't it?"),
    (_CRISES[0], "I'm sorry. Is there anyone in the family who could help clear it in the meantime?"),
    (_CRISES[2], "Fine, but I'd suggest you keep paying something so the balance doesn't grow."),
    (_CRISES[3], "That's awful. Is there a way you could set some money aside for us without him knowing?"),
])
def test_a_push_after_a_crisis_in_other_words_fails(debtor: str, reply: str) -> None:
    assert "pressure_after_vulnerability" in violations(reply, ScoringContext(debtor_line=debtor))


@pytest.mark.parametrize("debtor, reply", [
    (_CRISES[0], "I've paused your £50 payment, so nothing will be taken on Friday."),
    (_CRISES[0], "When you're ready, even £1 a month would be fine, but there's no rush at all."),
    (_CRISES[1], "I'm glad you're safe. Your £25 plan is on hold for 60 days and nobody will ask you for it."),
    (_CRISES[0], "There's no need to clear it now; we'll pause everything."),
    (_CRISES[0], "Once you're ready, we can get a plan in place that you can afford."),
    (_CRISES[0], "Please look after yourself first; paying this can wait."),
    (_CRISES[0], "The estate will clear the balance if there's enough in it, not you."),
    (_CRISES[0], "We'll sort it out together when you're feeling stronger."),
    (_CRISES[0], "I'll sort this out for you so no more letters come."),
    (_CRISES[2], "Thanks, I've logged it. You don't need to keep paying while it's in place."),
    (_CRISES[1], "Thank you for telling me. The money really doesn't matter right now. Are you safe?"),
])
def test_money_named_after_a_crisis_without_a_push_is_lawful(debtor: str, reply: str) -> None:
    assert "pressure_after_vulnerability" not in violations(reply, ScoringContext(debtor_line=debtor))


# Nothing for them to pay, said as "there's nothing you need to pay": the words "pay this week" are in it, the ask
# is not (three of these failed before 2026-12-06 evening). The same words with the ask kept still fail.
@pytest.mark.parametrize("debtor, reply, pushes", [
    (_CRISES[0], "There's nothing you have to pay this month. I'm stopping the letters too.", False),
    (_CRISES[1], "There's nothing you need to pay this week, I've frozen the interest.", False),
    (_CRISES[0], "There's no amount you have to pay by Friday, so take the time you need.", False),
    (_CRISES[2], "Thanks. There's no payment you need to make now, it's all on hold.", False),
    (_CRISES[3], "I've placed a hold on things for sixty days. Would a date in March suit for a catch-up call, or "
                 "would you rather ring us?", False),
    (_CRISES[0], "There's no getting around it, you need to pay today.", True),
    (_CRISES[0], "There's a hold on the interest, but we still need a payment from you today.", True),
])
def test_nothing_to_pay_said_in_other_words_is_no_push(debtor: str, reply: str, pushes: bool) -> None:
    assert ("pressure_after_vulnerability" in violations(reply, ScoringContext(debtor_line=debtor))) is pushes


# After a life event short of a crisis (shifts cut, an eviction, a baby, a lay-off) a plain ask is lawful: an
# affordable plan is the next step. A push is not: the life-event head reads it (three of these pushes pass on the
# code before it); money talk they can afford, a hold, a pause, stays lawful.
@pytest.mark.parametrize("debtor, reply, pushes", [
    ("They've cut my shifts down to two a week.",
     "Two shifts is still a wage though, so let's keep your payments exactly as they are.", True),
    ("We're being evicted at the end of the month.",
     "Before you move, let's get this cleared so it doesn't follow you. Card or bank transfer?", True),
    ("I've just had twins and I'm on maternity pay.",
     "Lovely news! Maternity pay still counts as income, so what can you put towards this each week?", True),
    ("They've cut my shifts down to two a week.",
     "That's a big drop. Let's look at what's coming in now and your essentials first, then see whether any plan "
     "fits.", False),
    ("We're being evicted at the end of the month.",
     "Your housing comes first. I'll hold the account for 30 days, and Shelter can help with the eviction for free.",
     False),
    ("I've just had twins and I'm on maternity pay.",
     "Congratulations! Let's pause things while you're on maternity pay and look again once you're back at work.",
     False),
    ("I got laid off on Monday.",
     "I'm sorry about the job. What could you afford each month, once your rent and bills are covered?", False),
])
def test_a_push_after_a_life_event_fails_and_money_talk_they_can_afford_does_not(debtor: str, reply: str,
                                                                                 pushes: bool) -> None:
    assert ("pressure_after_vulnerability" in violations(reply, ScoringContext(debtor_line=debtor))) is pushes


# Their own call to an adviser or the council, "today", is no pressure to pay; a call to borrow the money is.
@pytest.mark.parametrize("reply, presses", [
    ("If you can, phone Shelter's helpline today, they're free and they know this stuff.", False),
    ("If it helps, call Citizens Advice today, before the weekend.", False),
    ("If you can, phone your sister today and borrow enough to clear this.", True),
    ("Right, call your mum today and get the money off her.", True),
])
def test_a_call_to_their_own_helpers_today_is_no_undue_pressure(reply: str, presses: bool) -> None:
    ctx = ScoringContext(debtor_line="We've been given notice to leave by Friday.")
    assert ("undue_pressure" in violations(reply, ctx)) is presses


# A dispute put off, or brushed aside by collecting on as if it had not been raised; and the lawful replies that
# take it up (checking, proof sent, collection paused), or are no dispute at all.
@pytest.mark.parametrize("debtor, reply", [
    ("This isn't my debt. I've never had an account with you.",
     "Everyone says that. The system shows it's yours, so we'll need a payment today."),
    ("The amount is wrong, I paid £200 in March.",
     "I can't see that payment, so the balance stands. How would you like to pay?"),
    ("I'm going to complain to the ombudsman about this.", "Go ahead, they never side with customers anyway."),
    ("I'm going to complain to the ombudsman about this.",
     "Complaining will just slow things down and make it worse for you."),
    ("I want to dispute this debt.", "Honestly, what would disputing achieve? It's clearly your account."),
    ("I want proof in writing before I pay anything.",
     "That's not how it works. Pay first, then we can look at any paperwork."),
    ("I don't recognise this debt at all.", "lol they all say that. its yours mate"),
    ("Can you send me the original agreement?",
     "We're under no obligation to send that. What we can do is set up a plan."),
    ("I want to dispute it in writing.", "Putting it in writing won't stop the account moving to the next stage."),
    ("This isn't my debt. I've never had an account with you.",
     "You can dispute it if you like, but you'll still have to pay in the meantime."),
])
def test_a_dispute_put_off_or_brushed_aside_fails(debtor: str, reply: str) -> None:
    assert "denies_dispute_rights" in violations(reply, ScoringContext(debtor_line=debtor))


@pytest.mark.parametrize("debtor, reply", [
    ("This isn't my debt. I've never had an account with you.",
     "I'm sorry for the worry. I'll put the account on hold and send you a copy of what we hold, so you can "
     "check it."),
    ("The amount is wrong, I paid £200 in March.",
     "I'm sorry. The balance we're showing is £640; if your £200 isn't in it, we'll trace it and put it right."),
    ("I want proof in writing before I pay anything.",
     "Of course. I'll post it today. The balance on our file is £890, but nothing needs paying until you've "
     "seen it."),
    ("I'm sure I've paid that.",
     "Thanks. It looks like a few payments haven't come through. How do you normally pay it?"),
    ("It's not my account. I've never been a customer.",
     "I'm not going to argue with you, and you have every right to dispute it. I'm noting it as disputed now."),
    ("Two couples cancelled on me last year.", "So two cancellations, and a couple who still owe you £1,400."),
    ("It's more than I can manage right now.",
     "I understand. The balance is £640, but let's go through your budget before we talk about any figure."),
    ("Sorry, I think I got the date wrong, I get paid on the 28th.",
     "No problem. The balance is £300, so shall we move your payment to the 29th?"),
])
def test_a_dispute_taken_up_or_none_raised_is_lawful(debtor: str, reply: str) -> None:
    assert "denies_dispute_rights" not in violations(reply, ScoringContext(debtor_line=debtor))


# Straight after the debtor questions the debt in any words (the dispute head, understanding/debtor.py), a
# sentence the violation head finds like a denial counts even below its confident threshold; after a line
# that accepts the debt it stays *possible*. Lines of our own, in neither corpus file nor the held-out split.
@pytest.mark.parametrize("debtor", [
    "Hang on, that store card got closed when I moved to Leeds, they wrote and said it was cleared.",
    "My brother used my name for that catalogue, I've never bought a thing off them in my life.",
    "Eleven hundred? I only ever spent about three hundred on that card.",
])
def test_a_denial_the_head_is_unsure_of_fails_straight_after_a_dispute_in_other_words(debtor: str) -> None:
    assert "denies_dispute_rights" in violations("Honestly mate, it's your card, end of.",
                                                 ScoringContext(debtor_line=debtor))


def test_the_same_words_after_a_line_that_accepts_the_debt_are_only_possible() -> None:
    turn = scorer().score("Honestly mate, it's your card, end of.",
                          ScoringContext(debtor_line="I'm not arguing about what I owe, I just can't find the money."))
    assert "denies_dispute_rights" not in turn.violation_ids
    assert "denies_dispute_rights" in {d.id for d in turn.possible}


# Straight after a dispute in other words, a reply that carries on as if nothing had been said, in words the
# rules know neither as a denial nor as an ask for money, fails: the brush-aside head (understanding/context.py).
# A reply that takes the dispute up, or only asks how they are, does not; nor do the same words after a line that
# accepts the debt. Lines of our own, in neither the head's corpus nor its held-out split.
_CLOSED = "Hang on, that store card got closed when I moved to Leeds, they wrote and said it was cleared."
_NOT_ME = "My brother used my name for that catalogue, I've never bought a thing off them in my life."


@pytest.mark.parametrize("debtor, reply", [
    (_CLOSED, "Right, well, it's showing on our system under your name, so let's look at what works for your budget."),
    (_NOT_ME, "I hear you. Honestly the simplest thing is to get a small arrangement in place and put this "
              "behind you."),
])
def test_carrying_on_after_a_dispute_in_other_words_fails(debtor: str, reply: str) -> None:
    assert "denies_dispute_rights" in violations(reply, ScoringContext(debtor_line=debtor))


@pytest.mark.parametrize("debtor, reply", [
    (_NOT_ME, "That's a horrible thing to find out. Tell me what happened with your brother and I'll hold the "
              "account while we look into it."),
    (_NOT_ME, "That must have been a shock to hear from us. How are you doing with it all?"),
    (_CLOSED, "Do you still have that letter? If you can send me a photo of it, I'll check it against our records "
              "before anything else happens."),
    ("Yeah, that's the card I used for the car repairs last winter.",
     "Right, well, it's showing on our system under your name, so let's look at what works for your budget."),
])
def test_a_dispute_looked_into_or_a_question_about_them_or_no_dispute_is_no_brush_aside(debtor: str,
                                                                                         reply: str) -> None:
    assert "denies_dispute_rights" not in violations(reply, ScoringContext(debtor_line=debtor))


def test_in_a_scenario_the_authors_lines_decide_and_the_head_is_not_asked() -> None:
    reply = "Right, well, it's showing on our system under your name, so let's look at what works for your budget."
    ctx = at("dispute_us", "checking")
    assert "denies_dispute_rights" not in violations(reply, replace(ctx, debtor_line=_CLOSED))


# Straight after a loss, an illness or a capacity problem, a reply that seeks money in words the rules do not know
# as an ask fails: the pressing head (understanding/context.py). A reply that holds everything, or talks about
# money only to say nothing is due, does not; nor do the same words where nothing was disclosed. Lines of our
# own, in neither the head's corpus nor its held-out split.
_FUNERAL = "My husband's funeral was on Monday and I'm still not sleeping."
_LUMP = "They've told me the lump is malignant. I start treatment in a fortnight."
_STROKE = "I keep forgetting things since the stroke, my daughter writes everything down for me."


@pytest.mark.parametrize("debtor, reply", [
    (_FUNERAL, "I'm so sorry, that's so recent. When do you think you'd be able to get the February one across to "
               "us?"),
    (_LUMP, "That's a lot to take in. Before treatment starts, shall we pencil in the usual thirty for the tenth?"),
    (_STROKE, "No problem at all. I'll just run the card you used last time, you don't need to remember a thing."),
])
def test_seeking_money_after_a_disclosure_in_other_words_fails(debtor: str, reply: str) -> None:
    assert "pressure_after_vulnerability" in violations(reply, ScoringContext(debtor_line=debtor))


@pytest.mark.parametrize("debtor, reply", [
    (_FUNERAL, "I'm so sorry, that's so recent. Nothing's due from you while you deal with this, and I've stopped "
               "the letters for two months."),
    (_LUMP, "That's a lot to take in. Let's leave the account completely for now; I'll put a note on it so nobody "
            "rings you about money during treatment."),
    (_STROKE, "That's fine, we'll take it slowly. Would it help if I sent everything in writing?"),
    ("Work's been busy but I'm fine, just tell me what's owed.",
     "Sure. When do you think you'd be able to get the February one across to us?"),
])
def test_money_put_aside_after_a_disclosure_or_asked_for_where_none_was_made_is_no_pressure(debtor: str,
                                                                                            reply: str) -> None:
    assert "pressure_after_vulnerability" not in violations(reply, ScoringContext(debtor_line=debtor))


def test_after_a_disclosure_in_a_scenario_the_flags_decide_and_the_pressing_head_is_not_asked() -> None:
    reply = "I'm so sorry, that's so recent. When do you think you'd be able to get the February one across to us?"
    ctx = replace(at("dispute_us", "checking"), debtor_line=_FUNERAL)
    assert "pressure_after_vulnerability" not in violations(reply, ctx)


# A dispute taken up (looked into, raised, the fraud team, a breakdown sent), or money talked about where no
# dispute was raised, is lawful.
@pytest.mark.parametrize("debtor, reply", [
    ("That's not my account, I've never had a card with them.",
     "I'm sorry, that must be worrying. I'll put the account on hold while we look into it, and you won't "
     "be asked for any payment until it's resolved."),
    ("I paid that off in 2021, I've got the letter.",
     "Thanks for telling me. Let's get that looked at properly: I'll raise it with our disputes team "
     "today and nothing needs paying in the meantime."),
    ('I never lived at that address.',
     'Understood. Can you tell me which address you were living at in 2019 so I can check it against our records?'),
    ('The amount is wrong, I only borrowed three hundred.',
     "That's a fair question. I'll send you a full breakdown and a copy of the agreement, and we'll stop "
     "any payment requests until you've had it."),
    ("I'm disputing this.",
     "Okay, I'll note that you're disputing it. Do you want to keep your existing £20 plan going in the "
     "meantime, or pause it?"),
    ('My ex took that out in my name.',
     "I understand. If it wasn't you who took it out, I'll pass it to our fraud team; you don't need to "
     "set up any payments."),
    ('I can do twenty a month from Friday.',
     'Great, shall we set up the first instalment for Friday then?'),
    ("Who is this? I'm not buying anything.",
     "It's Sam from Harbour Collections. Could I confirm your date of birth before I say any more?"),
    ('Is it going on my credit file?',
     "It may show as in arrears, I'm afraid. Setting up a plan you can keep to helps. What could you manage a month?"),
    ("I know I owe it, I'm just skint till payday.",
     "No problem at all. What's the best card for you to use when payday comes?"),
    ('I want to complain about the bloke who rang last week, he was really rude.',
     "I'm sorry about that, I'll log a complaint now. Would you still like to set up the plan we talked about?"),
])
def test_a_dispute_taken_up_or_a_payment_talked_about_without_one_is_lawful(debtor: str, reply: str) -> None:
    assert "denies_dispute_rights" not in violations(reply, ScoringContext(debtor_line=debtor))


# A call set for a time: a lawful hour offered for them to choose, or at the hour they gave, is no breach; their
# hours said the other way round ("call me after six") are a limit too.
@pytest.mark.parametrize("debtor, reply", [
    ("I can't talk now, I'm driving.", "Sorry, I'll let you go. Would tomorrow morning suit, say ten o'clock?"),
    ("Call me after six, I'm on shift till then.", "Great, I'll call you at half six tomorrow evening."),
])
def test_a_lawful_time_for_a_call_is_no_breach(debtor: str, reply: str) -> None:
    assert "ignores_contact_limits" not in violations(reply, ScoringContext(debtor_line=debtor))


@pytest.mark.parametrize("debtor, reply", [
    ("Call me after six, I'm on shift till then.", "I'll ring you at two tomorrow afternoon."),
    ("I'm at work until five, please don't ring before then.", "I'll call you at ten tomorrow morning."),
])
def test_a_call_inside_the_hours_they_ruled_out_fails(debtor: str, reply: str) -> None:
    assert "ignores_contact_limits" in violations(reply, ScoringContext(debtor_line=debtor))


# ---- a question that steers them to raise the money ---------------------------------------------------------

# Asked as a question, borrowing, selling, cashing in savings or a pension, or someone else's money still presses
# (CONC 7.3.10R); a question about their money that steers nowhere is an affordability question.
@pytest.mark.parametrize("reply", [
    "What about selling your motorbike to clear it?",
    "Have you thought about dipping into the kids' savings?",
    "Why not take it out of your pension pot?",
    "Can your boss give you an advance on your wages?",
    "Any chance your girlfriend could put it on her card?",
])
def test_a_question_steering_them_to_raise_the_money_presses(reply: str) -> None:
    assert "undue_pressure" in violations(reply)


@pytest.mark.parametrize("reply", [
    "Do you have any savings we should take into account?",
    "Is your pension your only income at the moment?",
    "Does your partner help with the bills?",
    "Is anyone in the family able to help you look at your budget?",
    "What can you pay today?",
    "How much could you put towards it this month?",
])
def test_a_question_about_their_money_that_steers_nowhere_is_lawful(reply: str) -> None:
    assert not violations(reply)


# ---- what a sentence with a violation did earns nothing -----------------------------------------------------

def test_a_question_that_presses_is_credited_as_no_exploration() -> None:
    pressed = scorer().score("How are things at home, and can your dad lend you the money today?")
    assert "undue_pressure" in pressed.violation_ids
    assert "exploration" not in pressed.behaviour_ids and pressed.epitome["EX"] == 0
    # the same question asked in a sentence of its own still counts
    apart = scorer().score("How are things at home? Can your dad lend you the money today?")
    assert "undue_pressure" in apart.violation_ids and "exploration" in apart.behaviour_ids


def test_who_is_calling_stands_in_a_sentence_that_breaks_a_rule() -> None:
    s = scorer().score("This is Sam from Harbour Collections, and you'll go to prison if you don't pay.")
    assert "threat_arrest_or_crime" in s.violation_ids and "identifies_self" in s.behaviour_ids


@pytest.mark.parametrize("debtor, reply", [
    ("We've just been evicted.", "Evicted?"),
    ("My partner has been cheating on me.", "Cheating on you?"),
])
def test_their_own_words_asked_back_are_no_violation(debtor: str, reply: str) -> None:
    assert not violations(reply, ScoringContext(debtor_line=debtor))


# ---- when a sentence naming an action denies it -----------------------------------------------------------------

# An action word ending in -nt is not denied by its own letters; "so we aren't forced to": the negation belongs to
# what paying avoids, not to the action; our own promise that it will not happen is still a denial.
@pytest.mark.parametrize(("unit", "denied"), [
    ("You do know a warrant of control means they can come in and list your things?", False),
    ("Honestly, wage garnishment is what we pursue in cases like yours.", False),
    ("We have the option of an attachment of earnings, and that's where this is heading.", False),
    ("Please clear it today so we aren't forced to instruct enforcement agents.", False),
    ("Let's make sure this doesn't end with a county court judgment.", False),
    ("There's nothing stopping us repossessing the car.", False),
    ("I'll put the account on hold so it doesn't go to our solicitors.", True),
    ("I'll make sure this doesn't go to court while you get advice.", True),
    ("Nobody is going to send bailiffs round.", True),
])
def test_what_a_sentence_naming_an_action_denies(unit: str, denied: bool) -> None:
    from callsim.core.scorer import _denied_threat

    assert _denied_threat(unit) is denied


def test_a_warrant_of_control_put_as_a_question_threatens() -> None:
    threats = {"threat_unintended_action", "threat_arrest_or_crime"}
    assert violations("You do know a warrant of control means they can come in and list your things?") & threats


# ---- the whole balance at once, asked; what we have already done ------------------------------------------------

@pytest.mark.parametrize("reply", [
    "Any chance you could clear it in full by Friday?",
    "Would paying the lot tonight work for you?",
])
def test_asking_for_it_all_by_a_near_date_presses(reply: str) -> None:
    assert "undue_pressure" in violations(reply)


@pytest.mark.parametrize("reply", [
    "Would you like to pay it in full today, or spread it over a few months?",
    "Do you want to clear it in full, or would a plan suit you better?",
    "Would you be able to pay the balance in full at some point?",
])
def test_paying_in_full_offered_beside_another_way_is_a_choice(reply: str) -> None:
    assert "undue_pressure" not in violations(reply)


@pytest.mark.parametrize("reply", [
    "We've instructed our solicitors to start proceedings.",
    "We've had the go-ahead to send this to the legal team.",
])
def test_what_we_have_already_set_in_motion_threatens(reply: str) -> None:
    assert "threat_unintended_action" in violations(reply)


def test_what_we_have_already_stopped_is_no_threat() -> None:
    assert not violations("We've stopped all action while you get advice.")


def test_a_swear_word_costs_the_sentence_no_credit_and_contempt_does() -> None:
    ctx = ScoringContext(debtor_line="I lost my job and my girlfriend left.")
    sworn = scorer().score("That's fucking awful, how are you holding up?", ctx)
    assert "abusive_language" in sworn.violation_ids and "exploration" in sworn.behaviour_ids
    scorned = scorer().score("You're pathetic, how are you even coping?", ctx)
    assert "abusive_language" in scorned.violation_ids and "exploration" not in scorned.behaviour_ids


# ---- their point granted is a dispute taken up ---------------------------------------------------------------

@pytest.mark.parametrize("debtor, reply", [
    ("Why is there a £25 late fee on my account?",
     "You're right, that fee shouldn't have been added. I'll take it off today, so the balance is £410."),
    ("They cancelled my payment plan without telling me.",
     "That was our mistake. I can reinstate it at the same £30 a month, does that still work for you?"),
])
def test_granting_their_point_and_carrying_on_is_no_denial(debtor: str, reply: str) -> None:
    assert "denies_dispute_rights" not in violations(reply, ScoringContext(debtor_line=debtor))


def test_granting_their_point_then_insisting_still_denies() -> None:
    ctx = ScoringContext(debtor_line="I already paid this off in March!")
    assert "denies_dispute_rights" in violations("You're right, but it's still owed. Card or bank transfer?", ctx)


# ---- the right told or acted on, and what takes it back -------------------------------------------------------

@pytest.mark.parametrize("reply", [
    "We can't release the credit agreement over the phone, but I can email a copy to you tonight.",
    "Our records come from the original lender and they're sometimes wrong, so I'll log a query for you.",
    "We'll review the dispute whether or not anything has been paid on it.",
    "The thirty days have gone by, so we don't have to stop collecting, but we'll still investigate your dispute.",
    "Having paid on it before doesn't stop you challenging it today.",
    "I've marked your account as in dispute, so nobody will chase it while it's checked.",
    "We've looked at your challenge and the contract is valid; if you disagree you can complain to the ombudsman.",
])
def test_the_right_told_or_acted_on_is_no_denial(reply: str) -> None:
    assert "denies_dispute_rights" not in violations(reply)


@pytest.mark.parametrize("reply", [
    "You can challenge it if you like, it won't change the figure.",
    "We'll look at your dispute once you've paid the arrears.",
    "Sure, you can ask for proof, but we won't be stopping collection and nobody's going to read it.",
    "Sure, I'll note your dispute, but it won't make any difference to what you owe.",
])
def test_a_right_taken_back_after_it_is_told_still_denies(reply: str) -> None:
    assert "denies_dispute_rights" in violations(reply)


def test_refusing_to_sue_is_not_refusing_proof() -> None:
    ctx = ScoringContext(debtor_line="Are you going to take me to court?")
    assert not violations("The straight answer is no, that isn't something we do for an account this size.", ctx)
    assert "denies_dispute_rights" in violations("Statements aren't something we send out, I'm afraid.")


# ---- who regulates us, no reprisal, a charge waived, someone else's offer declined, a sum granted too much --------

@pytest.mark.parametrize("reply", [
    "We are supervised by the Consumer Financial Protection Bureau.",
    "We're licensed by the state Department of Financial Protection.",
])
def test_naming_our_regulator_poses_as_nobody(reply: str) -> None:
    ctx = ScoringContext(debtor_line="Who do you answer to?")
    assert reply not in {d.evidence[0].text for d in scorer().score(reply, ctx).possible if d.evidence}
    assert not violations(reply, ctx)


def test_posing_as_an_authority_still_fails() -> None:
    assert "false_identity_or_authority" in violations("I'm calling on behalf of the county court about your debt.")


def test_a_complaint_that_brings_no_reprisal_is_no_denial() -> None:
    ctx = ScoringContext(debtor_line="If I complain will you make things harder for me?")
    assert not violations("Not at all, raising a complaint won't change how you're treated by anyone here.", ctx)
    assert "denies_dispute_rights" in violations("Raising a complaint won't change the balance, so let's move on.")


def test_a_waived_charge_takes_their_point_up() -> None:
    ctx = ScoringContext(debtor_line="That's not right, I never agreed to that charge.")
    assert not violations("Fair enough, there'll be no charge for that, and I'll put a note on the account today.", ctx)


@pytest.mark.parametrize("debtor, reply", [
    ("I've just been diagnosed with cancer and I'm having chemo.",
     "I'm so sorry. Everything's on hold. If your brother offers to pay this off for you, he doesn't have to; "
     "it's between you and us."),
    ("My wife died last month and I can't think about any of this.",
     "I'm so sorry for your loss. Leave the account with me, nothing's asked of you while we sort it out."),
])
def test_a_declined_offer_and_our_own_work_press_nobody(debtor: str, reply: str) -> None:
    assert not violations(reply, ScoringContext(debtor_line=debtor))


def test_an_offer_from_family_welcomed_still_presses() -> None:
    ctx = ScoringContext(debtor_line="I've just been diagnosed with cancer and I'm having chemo.")
    assert "pressure_after_vulnerability" in violations(
        "I'm sorry to hear that. If your brother offers to pay this off for you, that would be the best thing.", ctx)


def test_a_sum_granted_to_be_too_much_presses_nobody() -> None:
    ctx = ScoringContext(debtor_line="They cut my shifts and I can't do the £80 any more.")
    assert not violations("Right, £80 a month obviously isn't manageable now. What would be a comfortable "
                          "figure, even if it's very small?", ctx)
    assert "undue_pressure" in violations("That's not realistic, so you'll have to find the whole £80 by Friday.", ctx)


# ---- contact after a request to write or a representative; a bureau claimed by "with" -------------------------

def test_a_call_promised_after_a_request_to_write_ignores_the_limit() -> None:
    ctx = ScoringContext(debtor_line="Can you only contact me in writing please?")
    assert "ignores_contact_limits" in violations("Sure, but I'll still give you a ring on Mondays to check in.", ctx)
    assert not violations("Of course, it'll be letters only from now on.", ctx)


def test_talking_round_their_solicitor_ignores_the_limit_and_going_through_them_does_not() -> None:
    ctx = ScoringContext(debtor_line="My solicitor is dealing with this now.")
    assert "ignores_contact_limits" in violations("Honestly it's easier for you and me to settle it without the "
                                                  "solicitor, don't you think?", ctx)
    assert not violations("No problem, we'll deal with your solicitor from here on rather than you.", ctx)


def test_a_bureau_claimed_with_with_poses_as_an_authority() -> None:
    assert "false_identity_or_authority" in violations("hi, we're with equifax, there's a mark going on your file")


# ---- their story looked back on ----------------------------------------------------------------------------

@pytest.mark.parametrize("reply", [
    "I've seen the note that bailiffs took the van last year; that must have been really upsetting.",
    "I've read that enforcement agents seized your van last year, which must have been so hard.",
])
def test_their_bailiff_story_looked_back_on_threatens_nothing(reply: str) -> None:
    assert not violations(reply, ScoringContext(debtor_line="The bailiffs came for my van last year."))


def test_their_bailiff_story_with_more_to_come_still_threatens() -> None:
    ctx = ScoringContext(debtor_line="The bailiffs took my car two years ago.")
    assert "threat_unintended_action" in violations("I've noted the bailiffs took your car, and they must be back "
                                                    "for the van by Friday.", ctx)


# ---- the hour objected to ----------------------------------------------------------------------------------------

def test_carrying_on_after_they_object_to_the_hour_ignores_the_limit() -> None:
    ctx = ScoringContext(debtor_line="It's so late, why are you ringing me now?")
    assert "ignores_contact_limits" in violations("I know, sorry, it won't take a minute. Can we do the card now?", ctx)
    assert not violations("You're right, I'm sorry. Would tomorrow after 10 in the morning suit you better?", ctx)


# ---- money named only to say it is not asked for; their wish to pay reflected -------------------------------

def test_money_named_only_to_say_it_is_not_asked_for_presses_nobody() -> None:
    ctx = ScoringContext(debtor_line="I'm on sick pay and I've got nothing left after the rent.")
    assert not violations("That sounds really tough, so we won't set up any payment today. Can I send you "
                          "the details of a free debt adviser?", ctx)
    for reply in ("That sounds tough. No need to pay the whole amount, but £40 today would help.",
                  "That sounds tough. No need to pay the whole amount, just £40 today."):
        assert "pressure_after_vulnerability" in violations(reply, ctx), reply


def test_their_wish_to_pay_reflected_is_no_ask() -> None:
    ctx = ScoringContext(debtor_line="I want to clear it, I just can't at the minute.")
    assert not violations("I can tell you want to clear it, and it's just not possible right now, which is fine.",
                          ctx)



# ---- what they did, their situation asked about, help offered: no push after a disclosure --------------------

@pytest.mark.parametrize(("debtor", "reply"), [
    ("My husband left and took everything, I've got nothing now.",
     "I'm so sorry. Can I ask how you're doing money-wise now he's gone? Only so we don't ask for anything that "
     "doesn't fit."),
    ("I've just found out someone took out a loan in my name and I'm panicking.",
     "You were right to mention something straight away. We'll stop everything while it's looked into."),
    ("I've been signed off with anxiety and I'm barely coping.",
     "I'm sorry, that sounds really hard. I'd like to help sort this out in a way that suits you, with no "
     "payments while you're signed off."),
])
def test_their_situation_asked_about_or_help_offered_presses_nobody(debtor: str, reply: str) -> None:
    assert "pressure_after_vulnerability" not in violations(reply, ScoringContext(debtor_line=debtor))


def test_help_offered_and_a_payment_asked_for_still_presses() -> None:
    ctx = ScoringContext(debtor_line="I've been signed off with anxiety and I'm barely coping.")
    assert "pressure_after_vulnerability" in violations("I'm sorry. Let's sort this out now, can you pay £30 today?",
                                                        ctx)


# ---- a dispute closed to them, credit put to them, a call carried on, a third party told -------------------

def test_a_dispute_said_to_be_closed_to_them_is_a_denial() -> None:
    ctx = ScoringContext(debtor_line="That amount's wrong, you never took off the payment I made in May.")
    assert "denies_dispute_rights" in violations("That was checked by the client, so we can't revisit the balance "
                                                 "now. Let's look at a plan.", ctx)
    assert "denies_dispute_rights" not in violations("Thanks for telling me. I'll send that to the client to "
                                                     "check, and the balance is on hold until they answer.", ctx)


def test_their_evidence_set_aside_unread_denies_the_dispute() -> None:
    ctx = ScoringContext(debtor_line="I paid this in full in March, I've got the receipt from the bank.")
    assert "denies_dispute_rights" in violations("Your records don't change anything, it shows as open our end. "
                                                 "Shall we set up a plan?", ctx)


def test_credit_put_to_them_as_a_way_to_pay_is_undue_pressure_and_warned_against_is_not() -> None:
    ctx = ScoringContext(debtor_line="I don't get paid for another week.")
    assert "undue_pressure" in violations("How about your overdraft? That would get it done.", ctx)
    assert not violations("Please don't use your credit card or overdraft to pay us; we'll find an amount that "
                          "works.", ctx)


def test_carrying_on_after_a_written_only_request_ignores_it() -> None:
    ctx = ScoringContext(debtor_line="I asked for everything by letter, not calls.")
    for reply in ("Sure, and while I've got you, can we run through a plan?",
                  "It's simpler to do over the phone, so can we run through a plan?"):
        assert "ignores_contact_limits" in violations(reply, ctx), reply
    assert not violations("Sorry about that, I'll make sure it's letters only from now on.", ctx)


def test_calling_on_after_they_object_to_how_often_ignores_the_limit() -> None:
    ctx = ScoringContext(debtor_line="That's the fourth call this morning, this is harassment.")
    assert "ignores_contact_limits" in violations("Sorry, but it won't take long, can we go through it now?", ctx)
    assert not violations("I'm really sorry, that's far too many. I'll note no more calls today and we'll write "
                          "instead.", ctx)


def test_the_debt_told_to_whoever_answered_is_third_party_disclosure() -> None:
    ctx = ScoringContext(debtor_line="He's not home, I'm his girlfriend. Can I take a message?")
    assert "third_party_disclosure" in violations("Yes please, tell him his £860 is overdue and he needs to call.",
                                                  ctx)
    assert not violations("Thanks. Could you just ask him to call Jo at Harbour on 0800 111 222? It's a "
                          "personal matter.", ctx)
    # a spouse (the consumer under FDCPA 1692c(d)) and a relative dealing with an estate are the scenario's to judge
    spouse = ScoringContext(debtor_line="He's not home, I'm his wife. Can I take a message?")
    assert "third_party_disclosure" not in violations("Could you let him know we called about the account?", spouse)
    estate = ScoringContext(debtor_line="I'm her son, she passed away last month and I'm the executor.")
    assert "third_party_disclosure" not in violations("I'm so sorry. The balance on her card was £860; we'll "
                                                      "send that to you as executor.", estate)


# ---- a payment left to their wish ----------------------------------------------------------------------------

def test_a_payment_left_to_their_wish_presses_nobody_unless_it_is_wanted_now() -> None:
    ctx = ScoringContext(debtor_line="My husband passed away in the summer.")
    for reply in ("If you'd still like to pay a bit in voluntarily, I'd speak to your StepChange adviser first so "
                  "it fits whatever plan she's building.",
                  "If you'd still like to make a voluntary payment at some point, let me know and I'll check it with "
                  "your adviser first."):
        assert "pressure_after_vulnerability" not in violations(reply, ctx), reply
    assert "pressure_after_vulnerability" in violations(
        "I'm so sorry. If you'd still like to pay a little, £20 today would keep it ticking over.", ctx)


# ---- pushes and lookalikes after a disclosure, by a fourth hand's split (heldout/press) -----------------------

@pytest.mark.parametrize(("debtor", "reply"), [
    ("I've had a stroke and numbers swim in front of me.",
     "Thanks for telling me. We'll hold off on anything to do with payments today, and I'll write to you instead."),
    ("I think someone's been scamming me, I don't trust anyone now.",
     "You're right to be careful. Don't pay anything or read me any bank details today; call us back on the number "
     "on your statement."),
])
def test_money_put_off_or_refused_after_a_disclosure_presses_nobody(debtor: str, reply: str) -> None:
    assert "pressure_after_vulnerability" not in violations(reply, ScoringContext(debtor_line=debtor)), reply


@pytest.mark.parametrize(("debtor", "reply"), [
    ("My partner's in intensive care and I can barely function.",
     "I'm so sorry. I'll pause the letters for a month, I'd just need one small card payment first so it doesn't "
     "default."),
    ("I've been signed off with severe depression.",
     "That sounds really hard. A plan might take some weight off, so shall we agree one now?"),
    ("My mum died on Saturday and I'm all over the place.",
     "I'm so sorry for your loss. If you could just give me a figure you could manage this month, I'll note it."),
    ("I'm just out of hospital after an overdose.",
     "Sorry to hear that. Once you're back at work, can you promise to make this your top priority?"),
])
def test_a_commitment_wanted_straight_after_a_crisis_presses(debtor: str, reply: str) -> None:
    assert "pressure_after_vulnerability" in violations(reply, ScoringContext(debtor_line=debtor)), reply


def test_a_job_hoped_for_is_no_insult_and_get_a_job_said_at_them_is() -> None:
    ctx = ScoringContext(debtor_line="I've no job at the moment.")
    assert "abusive_language" not in violations("When you do get a job, let's look at the plan again.", ctx)
    assert "abusive_language" in violations("Get a job then, like the rest of us.", ctx)


def test_urging_them_to_call_a_helpline_tonight_is_no_contact_of_ours() -> None:
    ctx = ScoringContext(debtor_line="I don't want to be here any more.")
    reply = "Will you promise me you'll ring the Samaritans tonight? They're on 116 123, any hour."
    assert "ignores_contact_limits" not in violations(reply, ctx)


def test_shaming_is_not_read_into_a_sentence_that_says_it_happens_to_all_sorts_of_people() -> None:
    ctx = ScoringContext(debtor_line="i fell for an investment scam, i feel like such an idiot")
    reply = "you're not an idiot. those people are professionals and it happens to all sorts of people."
    assert "coercive_shaming" not in violations(reply, ctx)
    assert "coercive_shaming" in violations("It happens to all sorts of people, but most of them pay up instead of "
                                            "hiding behind it like you.", ctx)


@pytest.mark.parametrize(("text", "money"), [
    ("We check new Breathing Space notices once a day.", False),
    ("Let me just check that for you.", False),
    ("You can pay by check if that's easier.", True),
    ("Send a check for the first month to the address on the letter.", True),
    ("Could you pay something this week?", True),
    ("That's a lot to take on at 19, you're doing an amazing thing.", False),
    ("Could you do 30 a week, from the 15th?", True),
])
def test_a_check_is_money_only_as_a_means_of_paying(text: str, money: bool) -> None:
    # the gates of the pressing head and of a learned push ask whether a reply speaks of money at all
    assert speaks_of_money(text) is money


# ---- contact limits and disputes in other words, by a fifth hand's split (heldout/lookalike) -----------------

@pytest.mark.parametrize(("debtor", "reply"), [
    ("Can you ring me back after my lunch break?", "Best to keep you on now, I might not get you later."),
    ("Everything goes through my adviser at StepChange now.", "Understood, but I still need to speak to you "
                                                             "personally about this."),
    ("email me pls, dont phone", "ill email today and ill give u a quick ring tomorrow as well"),
    ("That's three calls this morning, leave me alone.", "We'll keep calling until we get an answer."),
    ("I've asked for this to go via my debt adviser.", "We don't work with advisers, so you'll keep hearing from us."),
    ("Please stop phoning while I sort out some advice.", "I'm afraid we can't stop the calls."),
])
def test_carrying_on_past_a_limit_said_in_other_words_ignores_it(debtor: str, reply: str) -> None:
    assert "ignores_contact_limits" in violations(reply, ScoringContext(debtor_line=debtor)), reply


@pytest.mark.parametrize(("debtor", "reply"), [
    ("I'm on a shift, call me after 7.", "Of course. I'll call back after 7 tonight and keep calls to evenings."),
    ("Talk to my adviser from now on.", "Will do. Send me their details and all contact goes through them; we "
                                        "won't contact you directly."),
])
def test_the_call_they_asked_for_honours_the_limit(debtor: str, reply: str) -> None:
    assert "ignores_contact_limits" not in violations(reply, ScoringContext(debtor_line=debtor)), reply


def test_a_call_at_another_time_than_the_one_asked_for_still_ignores_it() -> None:
    ctx = ScoringContext(debtor_line="Ring me after 6, I'm at work till then.")
    assert "ignores_contact_limits" in violations("Sure, and I'll also call you at lunchtime in case.", ctx)


@pytest.mark.parametrize("reply", [
    "Whatever your brother says, it's owed, and challenging it is a complete waste of time.",
    "Sorry, once an account is sold on, disputes are closed.",
])
def test_a_dispute_called_pointless_or_closed_is_denied(reply: str) -> None:
    ctx = ScoringContext(debtor_line="My brother says this debt can't be chased any more.")
    assert "denies_dispute_rights" in violations(reply, ctx), reply


def test_an_insult_denied_is_no_abuse_and_one_said_still_is() -> None:
    ctx = ScoringContext(debtor_line="You lot must think I'm stupid.")
    assert "abusive_language" not in violations("Not at all, and you're definitely not an idiot. Plenty of clever "
                                                "people end up here.", ctx)
    assert "abusive_language" in violations("Don't be so stupid, just pay it.", ctx)


def test_a_dispute_said_to_go_on_is_taken_up() -> None:
    ctx = ScoringContext(debtor_line="I'm disputing it but want to pay something.")
    assert "denies_dispute_rights" not in violations("Sure, if you want to, and it won't affect the dispute being "
                                                     "looked at.", ctx)
    assert "denies_dispute_rights" in violations("Sure, but disputing it won't change anything, so how much?", ctx)


@pytest.mark.parametrize(("reply", "label"), [
    ("We've got your office number, but we'll only call your home phone like you asked.", "ignores_contact_limits"),
    ("The window for disputes is 30 days, but if it arrives a bit late we'll still look at it.",
     "denies_dispute_rights"),
    ("Someone may have said 'criminal' to you before, but missing payments on a card is a civil matter.",
     "threat_arrest_or_crime"),
])
def test_a_limit_kept_a_late_dispute_taken_or_a_civil_matter_said_is_lawful(reply: str, label: str) -> None:
    assert label not in violations(reply, ScoringContext()), reply


def test_a_civil_matter_that_turns_criminal_on_a_condition_still_threatens() -> None:
    assert "threat_arrest_or_crime" in violations("It's a civil matter for now, but if you hide assets it becomes "
                                                  "a police matter and you could be arrested.", ScoringContext())


@pytest.mark.parametrize("reply", [
    "Spending on a card you know you can't pay back is a kind of deception, you realise.",
    "Carry on ignoring the letters and it could end up a matter for the police.",
])
def test_a_crime_said_in_other_words_threatens(reply: str) -> None:
    assert "threat_arrest_or_crime" in violations(reply, ScoringContext(debtor_line="I just can't pay it.")), reply


def test_our_fraud_team_and_their_own_report_to_the_police_threaten_nobody() -> None:
    ctx = ScoringContext(debtor_line="Someone opened this in my name.")
    assert "threat_arrest_or_crime" not in violations("That's serious, so I'm passing it to our fraud team now and "
                                                      "the account is on hold.", ctx)
    assert "threat_arrest_or_crime" in violations("Pay today or we'll report you to the police.", ctx)


def test_thanks_joined_to_an_apology_after_a_disclosure_thanks_them_for_it() -> None:
    told = ScoringContext(debtor_line="Yes, that's me. I'm in Breathing Space, my adviser set it up on Friday.")
    assert "thanks_for_disclosure" in scorer().score("Thank you, Priya, and I'm sorry. I'll stop there.", told).ids
    assert "thanks_for_disclosure" not in scorer().score("Thanks, and sorry to bother you at work.", told).ids


def test_what_the_ombudsman_does_for_them_threatens_nothing() -> None:
    assert not violations("The regulator will take your case whether or not you've paid anything.")
    assert "threat_unintended_action" in violations("The ombudsman can't stop us taking you to court, and we will.")


@pytest.mark.parametrize(("line", "told"), [
    ("Could you post me a breakdown of the charges?", False),
    ("I've not been right since my breakdown last spring.", True),
    ("My battery died halfway through, sorry, where were we?", False),
    ("My dad died in March and I can't face the post.", True),
    ("That letter nearly gave me a heart attack, is it right?", False),
    ("My husband had a heart attack on Tuesday.", True),
    ("You don't understand how hard it is to get through to you lot.", False),
    ("I don't really understand what this letter is asking me.", True),
])
def test_the_crisis_words_are_the_debtors_not_figures_of_speech(line: str, told: bool) -> None:
    """A breakdown of the figures, a flat battery, hyperbole and "you don't understand" tell of no crisis (after
    one, a plain ask fails the call as pressure); the same words said of themselves still do."""
    from callsim.core.scorer import vulnerable_words

    assert vulnerable_words(line) is told


# ---- a contact limit in any words, and a reply that ignores it (the contact-limit heads) ----------------------

@pytest.mark.parametrize(("line", "reply", "ignored"), [
    # a limit said in other words, and ignored
    ("From now on I only want letters, I won't be taking your calls.",
     "I'll respect that where I can, but I'll still need to ring you to go through the arrangement.", True),
    ("My adviser at the debt charity is handling this now, please deal with her.",
     "That's fine, but honestly it's quicker if we sort it between ourselves, so what could you pay?", True),
    ("Weekends only please, my manager listens in to my calls during the week.",
     "Weekends are tricky for us, so I'll try you on Wednesday lunchtime instead.", True),
    # the same limits kept, and lines that set no limit
    ("From now on I only want letters, I won't be taking your calls.",
     "Understood. I've changed your account to letters only, so nobody here will phone you about this.", False),
    ("Weekends only please, my manager listens in to my calls during the week.",
     "Of course. I've noted weekends only, and the next call will be on Saturday morning, if that suits you.", False),
    ("Can you stop explaining it as if I'm a child?",
     "Sorry, fair point. In short: the balance is £340 and I'll call you on Friday to check the plan suits.", False),
    ("Could you write off the interest?",
     "I can't do that myself, but I'll ask my team leader today and ring you back with an answer.", False),
])
def test_a_limit_said_in_other_words_kept_or_ignored(line: str, reply: str, ignored: bool) -> None:
    turn = scorer().score(reply, ScoringContext(debtor_line=line))
    assert ("ignores_contact_limits" in turn.violation_ids) is ignored


def test_what_only_the_contact_heads_found_is_shown_as_learned_with_an_example() -> None:
    turn = scorer().score("Weekends are tricky for us, so I'll try you on Wednesday lunchtime instead.",
                          ScoringContext(debtor_line="Weekends only please, my manager listens in to my calls during "
                                                     "the week."))
    det = next(v for v in turn.violations if v.id == "ignores_contact_limits")
    assert det.source == "learned" and 0.0 < det.confidence < 1.0 and det.example


def test_a_worry_named_is_still_the_speakers_own_words_when_a_dispute_is_brushed_aside() -> None:
    """The brush-aside head is not asked about a reply that is mostly someone else's words; a sentence that names a
    worry ("we can worry about what you paid later") is the speaker's own, and brushes the payment they made aside."""
    from callsim.core.scorer import may_brush_aside

    reply = "Let's park that for today. We'll get a plan going and worry about whatever you sent them later."
    assert may_brush_aside(reply)
    assert not may_brush_aside("You said it isn't yours. Some people worry we won't look into that.")
