"""Replies at the shipped scenarios' nodes, judged against the call's state there: lawful replies that the
rules misread in scenario context (found on the grounded dev set, heldout/grounded/dev.jsonl, written by a
helper from the rubric alone), and the violations they missed. The sentences here are our own wordings of each
failure, not the set's rows; the set measures, these pin the fix.
"""

from __future__ import annotations

import pytest

from callsim.core.nlp import negated
from callsim.core.scorer import ScoringContext

from .test_scorer_misjudged import at, flagged, scorer


@pytest.mark.parametrize(("text", "word"), [
    ("and nobody will be taking you to court over it", "court"),
    ("No one is taking you to court.", "court"),
    ("nobody's sending bailiffs round to you", "bailiffs"),
])
def test_a_negative_subject_denies_an_action_done_to_you(text: str, word: str) -> None:
    assert negated(text, text.index(word))


@pytest.mark.parametrize(("text", "word"), [
    ("nothing stops us taking you to court", "court"),       # a double negative threatens
    ("nobody said you have to go to court", "court"),        # "you have": a new clause, not denied
])
def test_a_negative_subject_that_does_not_deny_the_action(text: str, word: str) -> None:
    assert not negated(text, text.index(word))


@pytest.mark.parametrize(("scenario", "node", "text"), [
    ("elderly_capacity_uk", "flustered", "The account is on hold, nothing goes wrong meanwhile, and nobody will be "
                                         "taking you to court."),
    ("gambling_uk", "offer", "The plan shows on your credit file as an arrangement, but nobody's taking you to court "
                             "while you keep to it."),
    ("bereavement_us", "daughter", "Were you named as executor in his will, or has the court appointed someone?"),
    ("bereavement_us", "liability_confused", "The funeral costs are something the estate may repay you, which is "
                                             "worth asking the probate attorney about."),
    ("bereavement_us", "daughter", "No, you don't owe it personally, and family members aren't liable for a parent's "
                                   "debts."),
    ("bereavement_us", "pressed", "I'm not asking you for any money, today or ever."),
    ("self_employed_uk", "pressured", "I'm not asking you to borrow on another card or sell your camera."),
    ("elderly_capacity_uk", "agrees_anything", "Let's stop there. You don't need to agree to anything now."),
    ("gambling_uk", "wants_plan", "Let's go through your income first. We just want something that works for you."),
    ("breathing_space_uk", "who_is_it", "Sorry! Orchard Lane Credit here, just need your date of birth first."),
    ("global_crisis_uk", "who_are_you", "It's Fernhill Bank, could you confirm your date of birth please?"),
    ("gambling_uk", "budget_talk", "So about £2,207 goes out each month, which leaves roughly £83."),
    ("mental_health_uk", "record_worry", "The note stays on our own system. It doesn't go on your credit file."),
    ("elderly_capacity_uk", "repeats", "It's £1,126.90, and I'll put it all in a letter for you."),
    ("breathing_space_uk", "after_bs", "we're not gonna start ringing u every day dont worry"),
])
def test_lawful_replies_in_the_calls_state_raise_nothing(scenario: str, node: str, text: str) -> None:
    confident, _ = flagged(text, at(scenario, node))
    assert confident == set()


@pytest.mark.parametrize(("scenario", "node", "text", "violation"), [
    ("job_loss_us", "verified", "Pay it today and it's deleted from all three bureaus by Monday.",
     "false_credit_claim"),
    ("crisis_us", "what_about_debt", "Don't worry about the card at all, it won't show up on your credit report.",
     "false_credit_claim"),
    ("global_crisis_uk", "managing", "Want me to give your husband a ring and go through the arrears with him?",
     "third_party_disclosure"),
    ("dispute_us", "who_is_it", "This is Harlow and Pike, attorneys at law, calling about a legal matter.",
     "false_identity_or_authority"),
    ("gambling_uk", "who_is_this", "It's the credit reference agency. Your file has been flagged.",
     "false_identity_or_authority"),
    ("gambling_uk", "budget_talk", "The balance is £9,400 now.", "misstated_balance"),
    ("elderly_capacity_uk", "wants_to_pay", "Read me the long number on your card and I'll take the £1,126.90 "
                                            "today.", "pressure_after_vulnerability"),
])
def test_violations_in_the_calls_state_are_still_caught(scenario: str, node: str, text: str, violation: str) -> None:
    confident, _ = flagged(text, at(scenario, node))
    assert violation in confident


def test_a_reflection_of_their_own_complaint_is_no_learned_violation() -> None:
    """A learned violation in a sentence that mostly gives the debtor's own words back does not count (an insult
    thrown back still would: abusive language and shaming are not gated)."""
    from callsim.core.scorer import _echoes

    line = "You called my work four times last month and my manager pulled me in over it."
    assert _echoes("Four calls at work, and your manager pulling you in over it.", line)
    assert not _echoes("We'll keep calling your work until it's paid.", line)
    assert not _echoes("Right.", line)
    ctx = ScoringContext(debtor_line=line)
    confident, _ = flagged("Four calls at work, and your manager pulling you in over it. I'm sorry.", ctx)
    assert "ignores_contact_limits" not in confident


@pytest.mark.parametrize(("text", "behaviour"), [
    ("Being in debt after a job loss happens to far more people than you'd imagine.", "validation"),
    ("Falling behind like this doesn't make you a bad parent.", "validation"),
    ("Lots of people end up in exactly this spot after a redundancy.", "validation"),
    ("£40 a month is fine, and keeping a bit back for the car makes sense.", "validation"),
    ("You're clearly doing everything you can for them.", "emotional_reaction"),
    ("I know that's not easy to talk about.", "interpretation"),
    ("I can see why the interest worries you, but it's frozen while you're on the plan.", "interpretation"),
])
def test_warmth_and_normalising_in_plain_words(text: str, behaviour: str) -> None:
    turn = scorer().score(text, ScoringContext(debtor_line="I lost my job in March."))
    assert behaviour in {b.id for b in turn.behaviours}


@pytest.mark.parametrize("text", [
    "No rush at all, take your time with it.",
    "Please try not to worry about it tonight.",
    "You're not in any trouble, honestly.",
    "Of course. Look after yourself.",
    "dont stress about the letters ok",
])
def test_reassurance_is_a_weak_reaction(text: str) -> None:
    turn = scorer().score(text, ScoringContext(debtor_line="I've been in hospital and I'm behind on everything."))
    assert "emotional_reaction" in {b.id for b in turn.behaviours}
    assert turn.epitome["ER"] == 1


@pytest.mark.parametrize("text", [
    "No pressure, but I do need £50 from you by Friday.",      # a push with a kind word before it
    "Don't worry about the rent, pay this first.",              # the worry waved off to take money
    'He told me "don\'t worry", but I still do.',                # someone else's words
])
def test_reassurance_that_is_not_one(text: str) -> None:
    turn = scorer().score(text, ScoringContext(debtor_line="I've been in hospital and I'm behind on everything."))
    assert "emotional_reaction" not in {b.id for b in turn.behaviours}


def test_reassurance_before_a_push_is_no_credit() -> None:
    """Reassurance in a reply that presses for money after Breathing Space is hollow: it is no reaction and
    acknowledges nothing; the same words with a hold are a reaction."""
    ctx = at("breathing_space_uk", "verified")
    pushed = scorer().score("No rush at all, take your time. Could we set up a small payment plan today?", ctx)
    assert "pressure_after_vulnerability" in pushed.violation_ids
    assert not {"emotional_reaction", "acknowledge_before_ask"} & {b.id for b in pushed.behaviours}
    assert pushed.empathy == 0
    held = scorer().score("No rush at all, take your time. I'll put a hold on the account while I check.", ctx)
    assert "emotional_reaction" in {b.id for b in held.behaviours}


def test_reassurance_never_lowers_a_stronger_reading() -> None:
    """Reassurance counts only where nothing else reacted: the learned layer's strong reading of the same words
    stands (as a rule pattern it had capped the reaction at weak, 60 -> 35)."""
    turn = scorer().score("Please don't apologise. Take whatever time you need, I'm here.",
                          ScoringContext(debtor_line="Sorry, I'm crying, give me a second."))
    assert turn.empathy >= 50


@pytest.mark.parametrize(("debtor", "text", "violation"), [
    ("Email's best, and please, no calls after six.", "Fine, I'll give you a ring at about eight tonight.", True),
    ("", "Thanks, I'll try his cell at 7am before he leaves.", True),
    ("", "I'll ring you at half seven in the morning.", True),
    ("", "We'll call you back at 9 tonight.", True),
    ("Please don't call before 11am, I work nights.", "I'll call at 10am then.", True),
    ("Email's best, and please, no calls after six.", "I'll call at 5.30pm, then, and keep it short.", False),
    ("Please don't call before 11am, I work nights.", "I'll call at 11am then.", False),
    ("", "I'll call you back at 10 tomorrow morning.", False),
    ("", "I won't call you after 9pm.", False),
    ("", "Our lines are open from 8am to 8pm.", False),
    # minutes said in words: "ten thirty tonight" is 10.30 pm, "eight fifteen tonight" 8.15 pm
    ("", "ok ill give u a call back around ten thirty tonight", True),
    ("", "I'll ring you at nine forty-five tonight.", True),
    ("Email's best, and please, no calls after six.", "I'll call at six thirty this evening.", True),
    ("", "I'll give you a call back at eight fifteen tonight to check in.", False),
    ("", "I can call you back at seven forty-five tomorrow morning.", True),
    ("", "I can call you back at nine fifteen tomorrow morning.", False),  # flagged before: no hour read
    # "again" is a lawful callback too; only calling over and over, or after they said stop, breaks a limit
    ("", "I can try you again at 9 tomorrow morning.", False),  # flagged before: "again" handed it to the head
    ("", "ok ill try u again tmrw at 10am", False),
    ("", "We'll ring you again and again at 9am until it's paid.", True),
    ("Stop calling me. I mean it, don't call me again.", "I can try you again at 9 tomorrow morning.", True),
    # a bare window among other limits, and an hour without am or pm read the way that window reads
    ("Mobile only, and only after six, not the office.", "Understood. I'll ring your mobile at 6:30 tomorrow.", False),
    ("Mobile only, and only after six, not the office.", "Understood. I'll ring your mobile at 4 tomorrow.", True),
    ("Mobile only, and only after six, not the office.", "Understood. I'll ring the office at 6:30 tomorrow.", True),
    # the vuln set's lawful reply, failed before: "not to call you at work" read as calling them at work
    ("Don't phone me at work again, I'm free after six", "Understood, I'll note not to call you at work. Shall I ring "
                                                         "after six tomorrow to go over a plan?", False),
    ("Don't phone me at work again, I'm free after six", "I've made a note never to call you at work.", False),
    ("Don't phone me at work again, I'm free after six", "We'll call you at work if we can't get you at home.", True),
    ("Don't phone me at work again, I'm free after six", "We were told not to, but we'll keep calling you at work.",
     True),
    # where not to call is no stop: another line keeps it, the workplace breaks it
    ("Don't ring my work number.", "Of course, I'll use your mobile instead.", False),
    ("Please, not at work. My mobile is fine.", "No problem, I'll try your mobile tomorrow evening.", False),
    ("Don't call me at work.", "Understood. I'll call your mobile, never the office.", False),
    ("Don't call me at work.", "Fine, I'll ring the office then.", True),
    ("Please, not at work. My mobile is fine.", "Sure, I'll call you at work tomorrow.", True),
    # a stop said with a place is still a stop
    ("Stop calling me, not at work, not at home, not at all.", "I'll try your mobile tomorrow.", True),
    ("Please don't ring the landline, my dad answers it.", "No problem, I'll ring your landline tomorrow evening.",
     True),
])
def test_a_call_set_for_an_hour_or_a_place_they_ruled_out(debtor: str, text: str, violation: bool) -> None:
    confident, _ = flagged(text, ScoringContext(debtor_line=debtor))
    assert ("ignores_contact_limits" in confident) is violation


@pytest.mark.parametrize(("text", "denial"), [
    ("You have the right to dispute it and request proof.", False),
    ("u have the right to dispute and ask for proof", False),
    ("You can challenge any of the fees, just put it in writing.", False),
    ("You can dispute it if you like, but it won't change anything.", True),
    ("You have the right to dispute it, but only after you pay.", True),
])
def test_telling_them_the_right_to_dispute_is_no_denial(text: str, denial: bool) -> None:
    confident, possible = flagged(text)
    assert ("denies_dispute_rights" in confident) is denial
    if not denial:
        assert "denies_dispute_rights" not in possible


@pytest.mark.parametrize("text", ["Are you the executor of his estate?",
                                  "has the court appointed someone to deal with it?",
                                  "Do you hold power of attorney for her?"])
def test_asking_who_may_act_for_the_estate_is_a_check_not_an_exploration(text: str) -> None:
    """Playing the bereavement call: "Are you the executor of his estate?" was coached as "Open question about
    them". It checks who may act, as an identity check does; it is not about how they are."""
    turn = scorer().score(text, ScoringContext(debtor_line="It's Teresa, I'm his daughter."))
    assert "exploration" not in turn.behaviour_ids and turn.epitome["EX"] == 0


def test_a_support_question_about_the_estate_still_explores() -> None:
    turn = scorer().score("Is anyone helping you with the probate paperwork?",
                        ScoringContext(debtor_line="It's Teresa, I'm his daughter."))
    assert "exploration" in turn.behaviour_ids


# ---- credit-file claims against the call's facts (job_loss_us and hostile_let_go_uk report to the bureaus) ----


@pytest.mark.parametrize(("scenario", "node", "text"), [
    # paying does not erase an accurate record, whatever words say it does
    ("job_loss_us", "budget_talk", "Clear the lot this week and your credit report will look like it never happened."),
    ("hostile_let_go_uk", "pushed", "Settle today and it's taken off your credit file, clean slate."),
    # what no credit file holds, reporting or not: a record for life, their health
    ("hostile_let_go_uk", "pushed", "That default will sit on your credit file for twenty years."),
    ("mental_health_uk", "disclosure", "I'll be putting your mental health on your credit file so lenders are warned."),
    ("hostile_let_go_uk", "pushed", "You'll be blacklisted if you don't pay."),
    # where it is reported, the promise of no mark is the claim a negation makes
    ("hostile_let_go_uk", "pushed", "It won't show on your credit file if you pay today."),
])
def test_credit_file_claims_the_facts_make_false(scenario: str, node: str, text: str) -> None:
    confident, _ = flagged(text, at(scenario, node))
    assert "false_credit_claim" in confident


@pytest.mark.parametrize(("scenario", "node", "text"), [
    # a wrong record put right is a dispute's lawful outcome
    ("dispute_us", "checking", "If we can't verify the account is yours, we'll ask the bureaus to remove it."),
    ("job_loss_us", "budget_talk", "If it turns out there's a mistake, we'll have it removed from your credit report."),
    # and saying paying does not erase it is the truth
    ("hostile_let_go_uk", "pushed", "Paying won't wipe the default from your file, but it will show as satisfied."),
    ("job_loss_us", "budget_talk", "Once it's paid it shows as paid, and it drops off your report after seven years."),
    # their circumstances noted on our own system, not the credit file
    ("mental_health_uk", "disclosure", "I'll note your condition on our system only. It won't go on your credit file."),
    # a myth denied is the truth
    ("hostile_let_go_uk", "pushed", "It won't stay on your credit file forever, six years at most."),
    ("hostile_let_go_uk", "pushed", "Nobody will blacklist you; the default shows for six years."),
])
def test_true_statements_about_the_credit_file_raise_nothing(scenario: str, node: str, text: str) -> None:
    confident, _ = flagged(text, at(scenario, node))
    assert "false_credit_claim" not in confident


def test_a_budget_that_mentions_health_insurance_is_not_a_question_about_a_note() -> None:
    """The debtor's line is what "it" may refer to only when they asked something: a budget read out ("$410
    health insurance") does not turn "pay it and it's wiped from your report" into talk about a health note."""
    ctx = at("job_loss_us", "budget_talk")
    assert "health" in ctx.debtor_line and "?" not in ctx.debtor_line
    confident, _ = flagged("Pay it off now and it's wiped from your report.", ctx)
    assert "false_credit_claim" in confident


# ---- a figure they would pay is not a balance ----


@pytest.mark.parametrize(("text", "misstated"), [
    # what they would pay states no balance (the dispute walkthrough's pressure line, failed instead as a
    # misstated balance by the seventh batch's heads)
    ("If you pay $100 today, I can note it as good faith while it's looked at.", False),
    ("Could you manage $25 a month while the dispute is looked at?", False),
    # a balance said with it is still checked against the facts ($1,287.44)
    ("If you pay $100 today, the balance drops to $900.", True),
])
def test_a_payment_figure_alone_states_no_balance(text: str, misstated: bool) -> None:
    confident, _ = flagged(text, at("dispute_us", "argued"))
    assert ("misstated_balance" in confident) is misstated


# ---- the grounded3 dev set's misses, in our own words (heldout/grounded3/dev.jsonl, 2026-12-07) ----


@pytest.mark.parametrize(("scenario", "node", "text", "violation"), [
    # a request for money with a word between "set up" or "take" and the payment is still a request
    ("mental_health_uk", "spiral", "Shall we set up a small monthly payment before you go?",
     "pressure_after_vulnerability"),
    ("mental_health_uk", "spiral", "Before we finish, can I take the first payment?", "pressure_after_vulnerability"),
    # the record said to come off, or the reporting to stop, where the facts say it is reported
    ("self_employed_uk", "options", "Set up the plan and the default drops straight off your credit file.",
     "false_credit_claim"),
    ("job_loss_us", "budget_talk", "Once you're on a plan we stop reporting it to the bureaus.", "false_credit_claim"),
    # the debt named before anyone is identified: "past-due", "delinquent", "card balance"
    ("time_barred_us", "opening", "Morning, we're calling about an unpaid store card balance. Is that Rosemary?",
     "third_party_disclosure"),
    ("third_party_us", "opening", "It's about Theo's delinquent account with us. Could he call us back?",
     "third_party_disclosure"),
    # a figure a plan would pay off is a statement of what is owed
    ("young_parent_uk", "budget_talk", "At £20 a month, the £950 would be paid off in about four years.",
     "misstated_balance"),
    # "don't call this number again", then a call announced anyway
    ("job_loss_us", "cease_request", "Fine, but we'll need to call you one more time to set the date.",
     "ignores_contact_limits"),
    # a crime hedged is still a crime alleged; an authority claimed with a word before it, or the creditor's lawyers
    ("self_employed_uk", "no_agreement", "Spending on a card you can't repay is practically fraud, you know.",
     "threat_arrest_or_crime"),
    ("time_barred_us", "check_real", "We're an official state collection agency, ma'am.",
     "false_identity_or_authority"),
    ("time_barred_us", "check_real", "We work closely with the attorney general on accounts like yours.",
     "false_identity_or_authority"),
    ("mental_health_uk", "who_is_it", "Hello, this is Priya from Calderbrook's legal team.",
     "false_identity_or_authority"),
])
def test_grounded3_violations_in_other_words(scenario: str, node: str, text: str, violation: str) -> None:
    confident, _ = flagged(text, at(scenario, node))
    assert violation in confident


@pytest.mark.parametrize(("scenario", "node", "text", "violation"), [
    ("time_barred_us", "paid_uninformed", "It's far too old to go to court now, so there's nothing to fear.",
     "threat_unintended_action"),
    ("hostile_calmable_us", "complaint", "I've put a note on the account: no contact at your workplace from now on.",
     "ignores_contact_limits"),
    ("job_loss_us", "budget_talk", "Once it's settled it shows as paid, and it comes off your report after seven "
                                   "years.", "false_credit_claim"),
    ("dispute_us", "argued", "We've heard from your attorneys and we'll write to them from now on.",
     "false_identity_or_authority"),
    ("time_barred_us", "check_real", "We're not a government agency, and we don't work with the CFPB.",
     "false_identity_or_authority"),
    # "it" is the note that sits on the account, not the debt
    ("mental_health_uk", "record_worry", "It would just sit on your account for our team to see. It never goes on "
                                         "your credit file.", "false_credit_claim"),
])
def test_grounded3_lawful_lines_in_the_same_words(scenario: str, node: str, text: str, violation: str) -> None:
    confident, _ = flagged(text, at(scenario, node))
    assert violation not in confident
