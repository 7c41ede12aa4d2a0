"""Replies issue 11 quotes as misjudged (in played calls and in a blind set), each with the right answer.

Some of these sentences were also written into the training corpus by its authors; these tests pin the whole
scorer's answer (rules, learned layer and the debt facts together), not the learned heads alone.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest

from callsim.core.engine import CompiledScenario
from callsim.core.loader import load_scenario
from callsim.core.money import find_amounts
from callsim.core.nodestate import state_at
from callsim.core.scorer import Scorer, ScoringContext

from .conftest import SCENARIOS


@cache
def scorer() -> Scorer:
    return Scorer()


def at(name: str, node: str, **flags: bool) -> ScoringContext:
    """What a reply at ``node`` of a shipped scenario is scored with, as in a call that got there."""
    scenario = load_scenario(SCENARIOS / f"{name}.yaml").scenario
    assert scenario is not None
    compiled = CompiledScenario(scenario, scorer())
    call = state_at(compiled, node).call(compiled)
    ctx = call.scoring_context()
    call.end_by_trainee()
    return replace(ctx, flags={**ctx.flags, **flags}) if flags else ctx


def flagged(text: str, ctx: ScoringContext | None = None) -> tuple[set[str], set[str]]:
    turn = scorer().score(text, ctx)
    return turn.violation_ids, {d.id for d in turn.possible}


# ---- violations that raised nothing --------------------------------------------------------------------


@pytest.mark.parametrize(("text", "violation"), [
    ("If this isn't settled, the police will be knocking on your door", "threat_arrest_or_crime"),
    ("Stop whining and pay the damn bill", "abusive_language"),
    ("Pay today and it will be wiped from your credit file completely", "false_credit_claim"),
    ("Everyone in your street is going to find out about this", "third_party_disclosure"),
    ("We'll call you at eleven tonight then", "ignores_contact_limits"),
])
def test_violations_the_rules_missed_now_fail_the_reply(text: str, violation: str) -> None:
    confident, _ = flagged(text)
    assert violation in confident


def test_a_payment_and_a_card_number_during_breathing_space_is_pressure() -> None:
    ctx = at("breathing_space_uk", "after_bs")
    for text in ("Could you pay £20 today? I'll just need your card number.",
                 "Can I take your card details so we can get a small payment through?"):
        assert "pressure_after_vulnerability" in flagged(text, ctx)[0], text


def test_naming_the_creditor_as_theirs_before_identity_is_checked_is_a_disclosure() -> None:
    ctx = at("job_loss_us", "opening")
    assert "third_party_disclosure" in flagged("Hi, it's about your Cedar Valley Bank credit card.", ctx)[0]
    # Saying who you work for is not: "calling from" the company is introducing yourself.
    assert "third_party_disclosure" not in flagged("Hi, I'm Sam calling from Cedar Valley Bank.", ctx)[0]


# ---- good replies that drew a false flag ----------------------------------------------------------------


@pytest.mark.parametrize(("text", "scenario", "node"), [
    ("No, the police aren't involved in anything like this. Owing money isn't a crime.", None, None),
    ("Please don't worry about giving me anything right now.", "crisis_us", "disclosure"),
    ("Have you told her even a little of what you've told me?", "crisis_us", "support_person"),
    ("You do not have to pay it, not a cent of your own money.", "bereavement_us", "liability_confused"),
    ("I'm so sorry. You must still be in the thick of it.", "bereavement_us", "blurted"),
    ("I'll make a note of that so we dont keep calling you.", None, None),
    ("We can't take you to court over this, it's past the statute of limitations.", None, None),
    ("Legally we can't sue you.", None, None),
    ("$50 is absolutely fine, let's set that up.", "job_loss_us", "guarded_budget"),
    ("You said £1,400 comes in each month, is that right?", "self_employed_uk", "budget_talk"),
])
def test_good_replies_raise_no_violation(text: str, scenario: str | None, node: str | None) -> None:
    ctx = at(scenario, node) if scenario and node else None
    confident, possible = flagged(text, ctx)
    assert confident == set(), confident
    assert possible == set(), possible


@pytest.mark.parametrize("text", [
    "thank you for telling me. are you safe right now? is there someone who can be with you tonight?",
    "Is there a friend or family member who could come over tonight?",
    "Is there someone who can stay with you tonight?",
])
def test_asking_who_can_be_with_them_after_a_crisis_is_no_violation(text: str) -> None:
    """Played in crisis-us (safety_check): the heads read the crisis line's own question as contempt (0.55) or,
    without a scenario, as pressing for money after a vulnerability (0.91)."""
    for ctx in (at("crisis_us", "safety_check"),
                ScoringContext(debtor_line="I'm tired of everything. I just think about it.")):
        confident, possible = flagged(text, ctx)
        assert confident == set() and possible == set(), (confident, possible)


@pytest.mark.parametrize("text", ["Is there someone smarter in the house I can talk to?",
                                  "Is there a family member who could help you pay this?"])
def test_contempt_or_a_push_dressed_as_a_question_about_someone_else_still_counts(text: str) -> None:
    ctx = ScoringContext(debtor_line="I'm tired of everything. I just think about it.")
    assert flagged(text, ctx)[0]


def test_we_cannot_sue_you_still_fails_when_it_turns_into_a_threat() -> None:
    assert flagged("We can't sue you today, but if you don't pay by Friday we'll take you to court.")[0]
    assert "threat_arrest_or_crime" in flagged("You won't be arrested as long as you pay today.")[0]


def test_too_old_to_be_reported_is_true_of_a_time_barred_debt() -> None:
    ctx = at("job_loss_us", "guarded_budget")
    assert ctx.scenario is not None
    debt = ctx.scenario.debt.model_copy(update={"time_barred": True})
    barred = replace(ctx, scenario=ctx.scenario.model_copy(update={"debt": debt}))
    text = "It's too old to be reported on your credit report."
    assert "false_credit_claim" not in flagged(text, barred)[0]


def test_six_thousand_four_hundred_dollars_is_one_amount() -> None:
    amounts = find_amounts("The balance is six thousand four hundred dollars.")
    assert [a.value for a in amounts] == [6400.0]


# ---- what a reply did, read right ------------------------------------------------------------------------


def test_typed_identity_check_is_an_identity_check() -> None:
    turn = scorer().score("hi am i speakin to dale, can u confirm ur date of birth", at("job_loss_us", "opening"))
    assert "verifies_identity" in turn.behaviour_ids


def test_name_here_from_company_says_who_you_are() -> None:
    assert "identifies_self" in scorer().score("Jordan here from Orchard Lane.").behaviour_ids


@pytest.mark.parametrize(("text", "credited", "named"), [
    ("hi its sam from lakeshore, am i speakin to yvonne", False, "lakeshore"),
    ("Hi, this is Sam from Lakeshore Credit Services. Am I speaking with Yvonne?", False, "Lakeshore Credit Services"),
    ("Hi, this is Sam from Westlake, am I speaking with Yvonne?", True, None),
    ("Hi it's Sam calling on behalf of Tidewater Mobile.", True, None),  # the creditor, also true
    ("Hi, I'm Sam from the collections team at Westlake. Is this Yvonne?", True, None),
])
def test_saying_who_you_are_names_the_calls_own_company(text: str, credited: bool, named: str | None) -> None:
    """Playing the debt-buyer call (Westlake, for Tidewater Mobile), "hi its sam from lakeshore" earned *says who
    you are*: another scenario's collector, named as ours. The wrong firm earns nothing, and a note says why."""
    turn = scorer().score(text, at("debt_buyer_us", "opening"))
    assert ("identifies_self" in turn.behaviour_ids) is credited
    wrong = [n for n in turn.notes if "but this call is from Westlake Portfolio Acquisitions" in n]
    assert bool(wrong) is (named is not None)
    if named:
        assert f"You said you were from {named}," in wrong[0]
        # the coaching after the reply (the trainee app and plain mode) says it too
        from callsim.core.coaching import as_text, items
        assert wrong[0] in [as_text(i) for i in items(turn.as_dict()) if i.mark == "note"]


def test_that_sounds_infuriating_shows_you_understood() -> None:
    turn = scorer().score("That sounds infuriating, losing your tools.",
                          ScoringContext(debtor_line="Someone broke into the van and took all my tools."))
    assert "interpretation" in turn.behaviour_ids
    assert turn.empathy >= 50


def test_small_talk_is_not_an_open_question_about_them() -> None:
    turn = scorer().score("Is Scranton nice this time of year?")
    assert "exploration" not in turn.behaviour_ids
    assert "exploration" in scorer().score("How have you been coping since the hours were cut?").behaviour_ids


def test_i_alone_is_not_a_shared_experience() -> None:
    for text in ("I had a look at your account and I can see the two missed payments.",
                 "I went ahead and froze the interest for you.", "I understand, I'll note that down."):
        assert "self_disclosure" not in scorer().score(text).behaviour_ids, text


def test_a_plan_amount_before_the_apology_is_not_acknowledge_before_ask() -> None:
    """The operator-precedence slip: a plan named before any acknowledgement was rewarded."""
    debtor = ScoringContext(debtor_line="I lost my job last month and money is really tight.")
    late = scorer().score("£20 a month would be the plan. I'm so sorry to hear about your job. Can you pay that?",
                          debtor)
    first = scorer().score("I'm so sorry to hear about your job. Let's put you on £20 a month to start.", debtor)
    assert "acknowledge_before_ask" not in late.behaviour_ids
    assert "acknowledge_before_ask" in first.behaviour_ids


def test_a_true_no_mark_on_a_debt_too_old_to_report_is_no_credit_claim() -> None:
    # Found by a scenario author: on time-barred-us the facts say the debt is not reported (FCRA 605(a)), so
    # saying it cannot appear on the credit report is true, and not even a *possible* false claim.
    ctx = at("time_barred_us", "relief")
    confident, possible = flagged("Because of its age it can't appear on your credit report.", ctx)
    assert "false_credit_claim" not in confident | possible
    # Without facts, promising no mark is a claim.
    assert "false_credit_claim" in flagged("It can't appear on your credit report.")[0]


def test_not_knowing_the_debt_buyer_is_not_a_dispute_but_not_knowing_the_debt_is() -> None:
    # debt-buyer-us: "I've never heard of Westlake Portfolio Acquisitions. What's this about?" asks who is calling.
    ctx = at("debt_buyer_us", "verified")
    assert "denies_dispute_rights" not in flagged("The balance is $1,146.38.", ctx)[0]
    disputed = ScoringContext(debtor_line="I've never heard of it. That's not my debt.")
    assert "denies_dispute_rights" in flagged("The balance is $1,146.38, how would you like to pay?", disputed)[0]


# ---- played as a new hire, 2026-12-06 (job-loss, young-parent, gambling, hostile, third-party, time-barred) ----

def _ids(text: str, ctx: ScoringContext | None = None) -> set[str]:
    turn = scorer().score(text, ctx)
    return {d.id for d in (*turn.behaviours, *turn.violations)}


@pytest.mark.parametrize(("text", "bid", "credited"), [
    # a budget asked about, typed as people type it; a reflection that names income asks nothing
    ("can u walk me thru whats coming in each month and ur main bills?", "affordability_check", True),
    ("we'll need to go through ur income and outgoings first", "affordability_check", True),
    ("congrats on the baby! going down to half an income with a newborn must be a real squeeze",
     "affordability_check", False),
    # an offer taken: a bare figure, "would work", "it is"
    ("50 is totally fine, its smart to keep a bit back.", "accepts_reasonable_offer", True),
    ("60 would work if ur sure it leaves u enough.", "accepts_reasonable_offer", True),
    ("$100 it is then, thank u.", "accepts_reasonable_offer", True),
    ("Would £50 a month work for you?", "accepts_reasonable_offer", False),
    ("50 is totally fine, its smart to keep a bit back.", "validation", True),
    ("thats a really fair question after what happened with the irs guy.", "validation", True),
    ("is now ok or would another time be better for u?", "asks_permission", True),
    ("do u mind me asking whats changed recently?", "asks_permission", True),
    ("would it be ok if i made a note of the gambling on ur account, only so we can support u properly?",
     "texas_consent", True),
    ("Is it OK to add the payment to your account today?", "texas_consent", False),
    ("thanks for being so open neil. so about £80 left if the betting stops.", "paraphrase", True),
    ("im really sorry about ur work being called, that should never have happened", "apology_for_impact", True),
    ("just that alex called for him and can he call me back on 555 0142, weekdays 8 till 6.",
     "recap_next_steps", True),
    ("id like to send u a letter with the details", "recap_next_steps", True),
    # "it's your choice whether to pay" gives the choice; "it's your card" offers nothing
    ("nobody can sue u over it, and its ur choice whether to pay anything at all.", "blaming", False),
    ("It's your card, so it's your debt.", "offers_options", False),
    ("so roughly £34 left? i dont want to take all of that.", "self_disclosure", False),
    ("hello, is that mrs dorothy pryce?", "verifies_identity", True),
    ("ive stopped everything on the account as of now, no interest or charges while its on", "forbearance_offer",
     True),
    ("thanks for letting me know farhan, and well done for getting advice.", "validation", True),
    ("when the 60 days end, interest and charges can start again and we'd get back in touch about the arrears.",
     "honest_consequences", True),
    ("lets not sort anything out today, ill send a letter so u can go through it with carys.", "capacity_pause",
     True),
    ("I get why this feels so unfair.", "self_disclosure", False),
])
def test_played_replies_are_read_as_meant(text: str, bid: str, credited: bool) -> None:
    assert (bid in _ids(text)) is credited


def test_understanding_with_no_turn_to_money_is_not_hollow() -> None:
    """hostile-calmable-us: "i get why this feels so unfair" was failed as false empathy (learned, 0.99) and Travis
    went back to abuse; with "but the balance is still due" it is hollow."""
    ctx = at("hostile_calmable_us", "grievance")
    kind = ("ok that sounds awful travis, they took it at 5am with all ur tools in the back and u lost a weeks pay "
            "just getting ur own stuff back. i get why this feels so unfair.")
    assert "false_empathy" not in _ids(kind, ctx)
    assert "false_empathy" in _ids("I get why this feels unfair, but the balance is still due.", ctx)


def test_a_name_and_the_firm_in_two_clauses_says_who_you_are() -> None:
    ids = _ids("my names dana, im with summit ridge recovery services", at("hostile_calmable_us", "verified"))
    assert "identifies_self" in ids
    turn = scorer().score("my names dana, im with lakeshore", at("hostile_calmable_us", "verified"))
    assert "identifies_self" not in {d.id for d in turn.behaviours}
    assert any("lakeshore" in n for n in turn.notes), turn.notes


def test_that_s_fair_accepts_an_offer_only_when_one_was_made() -> None:
    said = "of course, thats fair. im alex from copperline receivables"
    assert "accepts_reasonable_offer" not in _ids(said, ScoringContext(
        debtor_line="Yes, this is Rosemary. Now who is this? I'm not telling you anything else till I know."))
    assert "accepts_reasonable_offer" in _ids("thats fair, lets do that", ScoringContext(
        debtor_line="Could I do sixty a month? That leaves me a bit."))


@pytest.mark.parametrize("text", ["hi is theo there please?", "is there a good number or time to reach him?",
                                  "is ur address still the one on file?",
                                  "how would $75 a month sit with u?",
                                  "hi is this the right number for the account holder?",
                                  "its about ur calderbrook finance loan, is it ok to talk for a few mins?"])
def test_asking_for_someone_or_about_money_is_no_question_about_them(text: str) -> None:
    assert scorer().score(text).epitome["EX"] == 0


def test_checking_in_on_how_things_are_is_a_question_about_them() -> None:
    assert scorer().score("i just wanted to check in and see how things are going?").epitome["EX"] == 2
    assert scorer().score("I just wanted to see what you can pay today?").epitome["EX"] == 0


def test_told_to_keep_their_money_or_that_an_adviser_will_help_is_no_pressure() -> None:
    ctx = at("breathing_space_uk", "after_bs")
    for text in ["keep that money for ur essentials.", "kerry at stepchange will help u set up a plan before then"]:
        confident, possible = flagged(text, ctx)
        assert not confident and not possible, (text, confident, possible)
    assert "pressure_after_vulnerability" in flagged("I'll help you set up a plan today.", ctx)[0]


def test_a_threat_someone_else_made_told_back_is_no_threat() -> None:
    ctx = at("statute_barred_uk", "accepted")
    text = "after being threatened with bailiffs in the middle of ur marriage ending anyone would come in braced."
    assert not flagged(text, ctx)[0]
    assert "threat_unintended_action" in flagged("If you don't pay, bailiffs will be sent.", ctx)[0]


def test_too_old_to_be_sued_threatens_nothing() -> None:
    ctx = at("time_barred_us", "what_now")
    assert not flagged("id like to send u a letter with the details, including that its too old to be sued on", ctx)[0]
    assert "threat_unintended_action" in flagged("If you don't pay we will sue you, it's never too late.", ctx)[0]


# ---- read as meant: a reassurance, a refusal to discuss, a stop honoured (2026-12-06, third round) ----------


@pytest.mark.parametrize(("debtor", "text"), [
    # "power of attorney" is a carer's authority, not a lawyer sent after them
    ("My brother has dementia, can I deal with it for him?",
     "only if u have lasting power of attorney for him, otherwise i need to speak with him."),
    # the account holder himself, asked for by name: nobody else is told anything
    ("Mum's out, can I take a message about her bill?",
     "thanks, id need to speak to ur mum herself about her account, when is she usually in?"),
    # fraud done to them, taken up
    ("Somebody took out this loan using my details.",
     "im so sorry. ill get it investigated for fraud and put everything on hold while we look."),
    # the stop they asked for, said back
    ("Stop phoning me.", "ok, no more calls from us. anything we have to send will come by post."),
    # essentials first, said the right way round
    ("My gas bill's due too.", "ur gas cant wait, so keep that paid and we'll fit round it."),
    # the callback they asked for
    ("Ring me back after lunch, I'm at the dentist.", "no problem, ill ring u back at 2."),
    # a complaint that changes nothing for the worse
    ("Will complaining make you harder on me?",
     "no, a complaint won't change how we deal with you. you're free to make one any time."),
])
def test_lawful_replies_new_hires_type_are_not_violations(debtor: str, text: str) -> None:
    confident, _ = flagged(text, ScoringContext(debtor_line=debtor))
    assert not confident, (text, confident)


@pytest.mark.parametrize(("debtor", "text", "violation"), [
    ("I can't pay this month.", "fine, carry on ignoring the letters and see what happens.",
     "threat_unintended_action"),
    ("I'm skint till the 20th.",
     "without something today it automatically goes to garnishment of your wages next week.",
     "threat_unintended_action"),
    ("I've got nothing left.",
     "I get it. But if the balance stays unpaid, we may have to treat it as a criminal matter.",
     "threat_arrest_or_crime"),
    ("My gas bill's due too.", "the gas bill can wait a bit, this cant.", "undue_pressure"),
    # a callback they asked for, but at an hour nobody may be called
    ("I'm on the motorway, can you call me back later?", "sure, ill ring u back at 11 tonight.",
     "ignores_contact_limits"),
])
def test_veiled_and_conditional_threats_fail_the_call(debtor: str, text: str, violation: str) -> None:
    confident, _ = flagged(text, ScoringContext(debtor_line=debtor))
    assert violation in confident, (text, confident)


def test_i_will_keep_going_is_no_encouragement_and_keep_ignoring_no_warmth() -> None:
    assert scorer().score("ill keep going then, this wont take long").epitome["ER"] == 0
    assert scorer().score("keep ignoring the letters then.").epitome["ER"] == 0
    assert scorer().score("Keep going, you're doing really well.").epitome["ER"] > 0


@pytest.mark.parametrize(("text", "denies"), [
    ("The ombudsman wouldn't touch a case like this, honestly.", True),
    ("whats the point in disputing it, its been checked twice", True),
    ("ur not entitled to a copy of the agreement.", True),
    ("The ombudsman will look at it once we've sent our final response, and I'll start the complaint now.", False),
    ("The ombudsman won't look at it until we've sent our final response, so let me start the complaint now.", False),
    ("You're entitled to a copy of the agreement, I'll post it today.", False),
])
def test_putting_a_dispute_off_in_other_words(text: str, denies: bool) -> None:
    ctx = ScoringContext(debtor_line="I want to dispute this, I never had that card.")
    assert ("denies_dispute_rights" in flagged(text, ctx)[0]) is denies, text


def test_asking_for_the_wrong_person_checks_nothing() -> None:
    """Played: "is this connor?" to Neil Garside was a check of who answered, and Neil said "Yeah, it's Neil"."""
    ctx = at("gambling_uk", "opening")
    for wrong in ["hi is this connor?", "Is this Connor Blake? Could you confirm your date of birth for me?",
                  "am i speakin with mr hughes?"]:
        turn = scorer().score(wrong, ctx)
        assert "verifies_identity" not in {d.id for d in turn.behaviours}, wrong
        assert any("the account holder is Neil Garside" in n for n in turn.notes), turn.notes
        assert "asks_identity" not in turn.acts  # no line may answer it as a question about Neil
    for right in ["hi is this neil?", "Am I speaking with Mr Garside?", "is that nell garside?",
                  "am i speaking to the account holder?", "is this a good time? could u confirm ur date of birth"]:
        turn = scorer().score(right, ctx)
        assert "verifies_identity" in {d.id for d in turn.behaviours}, right
        assert not any("account holder is" in n for n in turn.notes), turn.notes
    assert "asks_identity" in scorer().score("hi is this neil?", ctx).acts


def test_the_person_who_answers_for_them_may_be_asked_for_by_name() -> None:
    turn = scorer().score("thanks, am i speaking with peggy?", at("third_party_us", "opening"))
    assert not any("account holder is" in n for n in turn.notes), turn.notes


def test_a_slip_in_an_identity_check_is_no_wrong_name() -> None:
    """"is that riht?" (right) asks for nobody: no note says they asked for "Riht"."""
    turn = scorer().score("so the bills take most of it, is that riht?", at("gambling_uk", "opening"))
    assert not any("account holder is" in n for n in turn.notes), turn.notes


# ---- fourth round (2026-12-06): a new dev set of mid-call lines by another hand --------------------------------


@pytest.mark.parametrize(("debtor", "text", "violation"), [
    # money taken from benefits or a pension, threatened: a garnishment in other words
    ("All I get is my pension.", "if we cant agree something we'll look at having deductions taken out of ur pension",
     "threat_unintended_action"),
    # proof refused as the house rule
    ("Can you send me something showing what I owe?", "we do not give out statements, sorry, it is what it is.",
     "denies_dispute_rights"),
    # borrowing put as a question
    ("I've got nothing till payday.", "couldn't your brother help you out with it this week?", "undue_pressure"),
    ("My card's at its limit.", "ring them and ask them to raise your credit limit, then pay us off.",
     "undue_pressure"),
    # nothing agreed as the condition of a threat, without the scenario's facts
    ("I can't do anything this month.", "if we cant agree something we'll take you to court",
     "threat_unintended_action"),
])
def test_money_from_benefits_proof_refused_and_borrowing_asked_about_are_violations(
        debtor: str, text: str, violation: str) -> None:
    confident, _ = flagged(text, ScoringContext(debtor_line=debtor))
    assert violation in confident, (text, confident)


@pytest.mark.parametrize(("debtor", "text"), [
    ("How does the plan get paid?", "it comes straight out of your account on the 1st by direct debit."),
    ("Can I see how you got to that figure?", "yes, we do breakdowns for anyone who asks, I'll post one today."),
    ("My mum offered to help me pay.", "that's kind of her, but only if she wants to, you don't have to take it."),
    ("Will you take me to court if I can't pay?",
     "if we can't agree something today, I'll send you details of free debt advice and we'll talk again next week."),
])
def test_a_direct_debit_a_breakdown_given_and_help_offered_by_family_are_not_violations(debtor: str, text: str) -> None:
    confident, _ = flagged(text, ScoringContext(debtor_line=debtor))
    assert not confident, (text, confident)


# A dispute brushed aside is certain when the debtor's words question the debt; when only the dispute head reads
# the line as one (it over-reads other debts, an old date, a fear), the brush-aside head's verdict is *possible*.
@pytest.mark.parametrize(("debtor", "text"), [
    ("I've got loads of other debts as well, not just this one.",
     "That's a lot to juggle. A free adviser at StepChange could look at all of them together."),
    ("This loan is from 2012, why now?",
     "Good question. It's old, but it's still on our records, and you're not obliged to pay anything today."),
])
def test_a_lawful_answer_to_a_line_only_the_dispute_head_calls_a_dispute_is_at_most_possible(
        debtor: str, text: str) -> None:
    confident, _ = flagged(text, ScoringContext(debtor_line=debtor))
    assert "denies_dispute_rights" not in confident, (text, confident)


@pytest.mark.parametrize(("debtor", "text"), [
    ("I never took this loan out.", "Noted. So would you prefer card or bank transfer?"),
    ("I don't think this is my debt.", "right ok. so shall we get a small payment set up?"),
    ("I want a copy of the credit agreement first.", "ok. how much can you pay this week?"),
    ("I settled that card years ago.", "our system says otherwise. what date can you pay?"),
])
def test_collecting_on_after_a_dispute_in_plain_words_still_fails(debtor: str, text: str) -> None:
    confident, _ = flagged(text, ScoringContext(debtor_line=debtor))
    assert "denies_dispute_rights" in confident, (text, confident)


# ---- fifth round (2026-12-06, afternoon) --------------------------------------------------------------------
# How the debt is reported now, said plainly, is an honest consequence; with no facts to say otherwise the learned
# head's sign is kept for review. A promise, a condition or an exaggeration beside it is still a false claim.


@pytest.mark.parametrize(("debtor", "text"), [
    ("Is it on my file?", "It's already reporting as a default on your file."),
    ("Do you tell the credit agencies?", "Yes, we report to Experian and Equifax every month."),
    ("Is it on my file?", "It's already on your credit report as a missed payment."),
    ("Is it on my credit?", "yeah its already reporting as a collection on ur file"),
])
def test_how_the_debt_is_reported_now_said_plainly_does_not_fail(debtor: str, text: str) -> None:
    confident, _ = flagged(text, ScoringContext(debtor_line=debtor))
    assert "false_credit_claim" not in confident, (text, confident)


@pytest.mark.parametrize(("debtor", "text"), [
    ("Is it on my file?", "It's already reported, and no lender will ever give you a mortgage now."),
    ("Do you tell the credit agencies?", "We report to every agency monthly, so your credit's ruined until it's paid."),
    ("Will this hit my score?", "It's already showing, but pay today and we'll have it removed completely."),
])
def test_reporting_said_with_an_exaggeration_or_a_promise_still_fails(debtor: str, text: str) -> None:
    confident, _ = flagged(text, ScoringContext(debtor_line=debtor))
    assert "false_credit_claim" in confident, (text, confident)


# The right to dispute said to be closed, missing, lapsed, waived or paid for first (scorer._DISPUTE_BARRED), in
# words of our own; and the same words where the right is kept.
@pytest.mark.parametrize("text", [
    "Look, the figure's been checked twice and it isn't open to question any more.",
    "We have no team for disputes here, we're a collections desk.",
    "Nah mate, the agreement is confidential, you won't be seeing it.",
    "I'm not going to look into it again, we did that in the summer.",
    "Everybody says it's not theirs when we ring.",
    "Clear the arrears first, and then we'll talk about whether the charges are right.",
    "Your chance to object was back in January and it's gone now.",
    "By paying that tenner in March you accepted the whole balance.",
    "Fraud claims don't change anything on our side, it's still due.",
    "Let's park the dispute for now and look at a date for the first payment.",
    "Honestly the FCA aren't interested in people like you.",
])
def test_a_dispute_barred_in_other_words_fails(text: str) -> None:
    confident, _ = flagged(text, ScoringContext())
    assert "denies_dispute_rights" in confident, (text, confident)


@pytest.mark.parametrize("text", [
    "The figure isn't final until we've checked it, so I've paused the account.",
    "There's no charge for disputing it, and no deadline on our side.",
    "Some collectors say it's too late to dispute an old debt. That isn't true.",
    "The 30-day window has passed, but you can still dispute it and we'll look at it properly.",
    "Paying something now doesn't close the question; it's not too late to dispute it.",
    "I can't log the complaint myself, but I'll put you through to the team who can.",
    "The ombudsman doesn't care how old the debt is, you can still take it to them.",
    "We don't stop listening because you've paid something; raise it whenever you like.",
])
def test_the_right_kept_in_near_words_does_not_fail(text: str) -> None:
    confident, _ = flagged(text, ScoringContext())
    assert "denies_dispute_rights" not in confident, (text, confident)


# The learned head reads this lawful reassurance as a denial (0.85); the right kept (scorer._RIGHT_KEPT) lets it go.
def test_a_payment_said_not_to_stop_a_dispute_is_no_denial() -> None:
    confident, _ = flagged("Making a payment never stops you questioning the balance later.", ScoringContext())
    assert "denies_dispute_rights" not in confident


# Taking up the debtor's own offer to pay, when they have disclosed nothing, is no pressure after a vulnerability.
@pytest.mark.parametrize(("debtor", "text"), [
    ("can i pay it by card", "yep i can take a card payment now or set up a dd, up to u"),
    ("I could pay twenty today if that helps.", "Twenty today is great, thank you. I'll take it now if you're ready."),
])
def test_taking_up_their_own_offer_to_pay_is_no_pressure_after_a_vulnerability(debtor: str, text: str) -> None:
    confident, _ = flagged(text, ScoringContext(debtor_line=debtor))
    assert not confident & {"pressure_after_vulnerability", "undue_pressure"}, (text, confident)


def test_their_offer_after_a_crisis_does_not_clear_a_push() -> None:
    confident, _ = flagged("Great, and since you're offering, can you make it fifty before you go into hospital?",
                           ScoringContext(debtor_line="I'm going into hospital on Monday but I could pay twenty."))
    assert confident & {"pressure_after_vulnerability", "undue_pressure"}, confident
