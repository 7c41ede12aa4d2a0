"""The compliance table: every violation id in shared/rubric.md, caught on varied phrasings (polite,
hedged, as a question, reported as a fact about the law) against a small scenario's debt facts and flags;
and compliant, empathic collector replies that must raise nothing."""

from __future__ import annotations

from typing import Any

import pytest

from callsim.core.models import Scenario
from callsim.core.scorer import ScoringContext, default_scorer


def _scenario(**debt_overrides: Any) -> Scenario:
    debt: dict[str, Any] = {
        "creditor": "Brightwell Energy",
        "collector": "Harbour Recoveries",
        "currency": "GBP",
        "balance": 642.80,
        "breakdown": [
            {"label": "Unpaid bills", "amount": 600.00, "kind": "principal"},
            {"label": "Late payment charges", "amount": 42.80, "kind": "charge"},
        ],
        # Court is lawful but not intended; only a default notice and credit reporting are planned.
        "actions": {"lawful": ["legal_action", "default_notice", "credit_reporting"],
                    "intended": ["default_notice", "credit_reporting"]},
    }
    debt.update(debt_overrides)
    return Scenario.model_validate({
        "id": "table-uk", "title": "Table", "version": 1, "difficulty": 1, "jurisdiction": "UK",
        "summary": "A small scenario for the compliance table.",
        "persona": {"name": "Priya Shah", "age": 38, "situation": "medical_emergency"},
        "debt": debt,
        "flags": {
            "identity_verified": {"role": "identity_verified", "start": True},
            "vulnerable": {"role": "vulnerability"},
            "breathing_space": {"role": "stop_collection"},
            "someone_else": {"role": "third_party"},
        },
        "start": "n",
        "nodes": {"n": {"say": "Hello?", "routes": [{"goto": "end"}]},
                  "end": {"say": "Bye.", "outcome": {"id": "done", "label": "Done", "result": "resolved"}}},
    })


SCENARIO = _scenario()
NO_CREDIT_REPORTING = _scenario(actions={"lawful": ["legal_action"], "intended": []})
NO_FEES = _scenario(balance=600.0, breakdown=[{"label": "Unpaid bills", "amount": 600.0, "kind": "principal"}])
VERIFIED = {"identity_verified": True}
CALM_DEBTOR = "OK. What did you want to talk about?"


def _ctx(flags: dict[str, bool] | None = None, debtor: str = CALM_DEBTOR, scenario: Scenario = SCENARIO
         ) -> ScoringContext:
    return ScoringContext(debtor_line=debtor, scenario=scenario, flags=flags if flags is not None else VERIFIED)


def _c(text: str, **kw: Any) -> tuple[str, ScoringContext]:
    return text, _ctx(**kw)


VULNERABLE = {"identity_verified": True, "vulnerable": True}
BREATHING = {"identity_verified": True, "breathing_space": True}
THIRD_PARTY = {"identity_verified": False, "someone_else": True}
UNVERIFIED = {"identity_verified": False}
HOSPITAL = "I've only just come out of hospital after the surgery. I can't think about money."

VIOLATIONS: dict[str, list[tuple[str, ScoringContext]]] = {
    "threat_arrest_or_crime": [
        _c("You'll end up in jail over this."),
        _c("You do know people go to prison for this?"),
        _c("Not paying could be treated as fraud."),
        _c("I'd hate for the police to get involved."),
        _c("If this isn't sorted, we may have to report it to the police."),
        _c("Honestly, this could land you with a criminal record."),
        _c("You won't be arrested as long as you pay today."),
        _c("Refusing to pay is basically theft, isn't it?"),
        _c("There could be a warrant for your arrest if this goes on."),
        _c("With respect, what you're doing amounts to fraud."),
        _c("Do you want to be prosecuted over six hundred pounds?"),
        _c("It might end up being treated as a criminal matter."),
    ],
    "threat_unintended_action": [
        _c("We'll have bailiffs at your door this afternoon."),
        _c("If you don't pay, we'll take you to court."),
        _c("You do realise we can send enforcement agents round?"),
        _c("I'd hate for this to end up in court."),
        _c("We might have to start legal proceedings, I'm afraid."),
        _c("Unless something comes in today, this goes to our solicitors."),
        _c("They could take it straight out of your wages."),
        _c("You could lose your home over this."),
        _c("Is it really worth having your car repossessed?"),
        _c("We'll be looking at a CCJ next."),
        _c("Perhaps the next step is a county court judgment."),
    ],
    "false_identity_or_authority": [
        _c("I'm calling from the court's enforcement office."),
        _c("This is the county court calling about your account."),
        _c("I'm an officer of the court."),
        _c("We're calling on behalf of the police."),
        _c("This is Experian, your credit reference agency."),
        _c("You're speaking to a solicitor, so please listen carefully."),
        _c("As a government agency, we have to take this seriously."),
        _c("I work for the high court enforcement team."),
        _c("Did you know you're talking to the court's collections department?"),
        _c("Good morning, this is HMRC about an unpaid balance."),
    ],
    "third_party_disclosure": [
        _c("We'll have to tell your employer about the debt."),
        _c("Your neighbours will find out if this isn't paid."),
        _c("Maybe I should ring your mum about the arrears?"),
        _c("I could always contact your boss about what you owe."),
        _c("Would you rather we spoke to your partner about the balance?"),
        _c("We might need to let your landlord know about this debt."),
        _c("Your family would hear about it eventually."),
        _c("Can you tell him he owes £642.80 to Brightwell Energy?", flags=THIRD_PARTY),
        _c("Please let her know her energy account is in arrears.", flags=THIRD_PARTY),
        _c("It's about a debt with Brightwell Energy, could you pass that on?", flags=THIRD_PARTY),
        _c("Hi, is that Priya? I'm calling about the £642.80 you owe.", flags=UNVERIFIED),
    ],
    "pressure_after_vulnerability": [
        _c("I hear you, but I still need something today.", flags=VULNERABLE),
        _c("I understand, but we still need a payment today.", flags=VULNERABLE),
        _c("Sorry to hear that. Anyway, how much can you pay today?", flags=VULNERABLE),
        _c("Surely you can manage something this week though?", flags=VULNERABLE),
        _c("I appreciate that, however the arrears still need paying.", flags=VULNERABLE),
        _c("Couldn't you find even a small amount today?", flags=VULNERABLE),
        _c("Shall we set up a payment plan anyway?", flags=BREATHING),
        _c("How much could you put towards it this month?", flags=BREATHING),
        _c("That's awful, but the bill still has to be paid.", debtor=HOSPITAL),
        _c("OK, but at least something today, yeah?", debtor=HOSPITAL),
        _c("Be that as it may, I'll need a payment by Friday.", debtor=HOSPITAL),
    ],
    "misstated_balance": [
        _c("You owe about two grand plus a £60 admin fee."),
        _c("Your balance is £800."),
        _c("The outstanding balance is around £1,000."),
        _c("There's also a £25 late payment fee on top."),
        _c("You owe 900 pounds, right?"),
        _c("With the £100 collection charge, it comes to £742.80."),
        _c("Total due is 700 pounds."),
        _c("It's only about £300 you owe, isn't it?"),
        _c("We'll be adding an admin fee if it isn't paid this week."),
        _c("Your arrears stand at £1,200."),
        _c("There's a collection fee on the account too.", scenario=NO_FEES),
    ],
    "abusive_language": [
        _c("People like you never pay what they owe."),
        _c("Stop being so pathetic."),
        _c("Don't be stupid, just pay it."),
        _c("Spare me the crocodile tears."),
        _c("Frankly, you're a bit of a joke."),
        _c("Are you thick or something?"),
        _c("Oh, shut up and listen."),
        _c("Spare me the sob story."),
        _c("Bloody hell, you lot are useless."),
        _c("Typical scrounger."),
        _c("Get a job like the rest of us."),
    ],
    "undue_pressure": [
        _c("Put it on a credit card and clear it today."),
        _c("Could you borrow it from your family?"),
        _c("Why not take out a loan to clear this?"),
        _c("This offer is only available today."),
        _c("You need to pay the full balance today or it goes further."),
        _c("Perhaps ask your parents to lend you the money?"),
        _c("Is there anything you could sell to raise it?"),
        _c("This is your last chance to sort it before it escalates."),
        _c("We need the whole amount by Friday."),
        _c("Maybe use your savings or your overdraft to clear it?"),
        _c("It has to be paid by 5pm today, no exceptions."),
    ],
    "denies_dispute_rights": [
        _c("It doesn't matter what you think, it's owed."),
        _c("You can't dispute this, it's been checked."),
        _c("There's no point disputing it."),
        _c("We don't need to send you any proof."),
        _c("You do realise disputing it won't change anything?"),
        _c("Why would you dispute it when you know you owe it?"),
        _c("It's your debt, end of story."),
        _c("You have no right to challenge this."),
        _c("We won't be providing copies of anything."),
        _c("Disputes aren't something we accept, I'm afraid."),
        _c("Arguing about it won't get you anywhere, it's still owed."),
    ],
    "ignores_contact_limits": [
        _c("I'll keep ringing every day until it's paid."),
        _c("We'll call you at work if we have to."),
        _c("Expect calls every evening until this is sorted."),
        _c("We don't deal with your solicitor, we deal with you."),
        _c("I can ring you at 10pm if that's easier."),
        _c("I'll call you back tomorrow then.", debtor="Stop calling me. Put everything in writing."),
        _c("I'll try you again next week.", debtor="Speak to my solicitor, I'm not discussing this."),
        _c("Whether you like it or not, we'll keep contacting you."),
        _c("Your cease letter doesn't stop us calling."),
        _c("We'll phone you ten times a day if we need to."),
    ],
    "false_credit_claim": [
        _c("This will never show on your credit file."),
        _c("Don't worry, none of this will affect your credit."),
        _c("You'll be blacklisted forever."),
        _c("You'll never get a mortgage again."),
        _c("It'll stay on your file for life."),
        _c("We'll report you to the credit agencies today.", scenario=NO_CREDIT_REPORTING),
        _c("Your credit score will be destroyed, you know that?", scenario=NO_CREDIT_REPORTING),
        _c("Paying today will wipe it from your credit file."),
        _c("A settlement will fix your credit score straight away."),
        _c("Nothing will go on your credit report, I promise."),
        _c("Your credit will be ruined for life."),
    ],
    "coercive_shaming": [
        _c("Imagine what your kids would think of this."),
        _c("You should be ashamed of yourself."),
        _c("Aren't you embarrassed to owe this much?"),
        _c("What kind of parent lets bills go unpaid?"),
        _c("Everyone will know you don't pay your debts."),
        _c("What would your neighbours say if they knew?"),
        _c("Responsible adults pay their bills."),
        _c("How can you live with yourself?"),
        _c("Nice example you're setting for your children."),
        _c("It's a bit shameful, isn't it?"),
        _c("Shame on you."),
        _c("Imagine what your daughter would think."),
    ],
    "implies_survivor_liability": [
        _c("As his daughter you're responsible for his debts now."),
        _c("The family has to pay."),
        _c("You'll be liable for your late husband's account."),
        _c("I'm afraid the debt passes to you now he's gone."),
        _c("His children will need to cover his balance."),
        _c("You inherited his debts along with the house, didn't you?"),
        _c("The next of kin are expected to settle it."),
        _c("Surely you'll want to pay his bills yourself?"),
        _c("Legally you're now responsible for her debts."),
        _c("Your family will have to take on the balance, I'm afraid."),
        _c("You must pay your father's debts, it's the law."),
    ],
}

COMPLIANT: list[str] = [
    # warmth, reflection, exploration
    "I'm really sorry, that sounds like an awful few months.",
    "It sounds like the hospital stay turned everything upside down.",
    "How have you been coping since the job went?",
    "Most people would feel overwhelmed by all of that at once.",
    "So your pay stopped in June and the benefit hasn't started yet?",
    "Thanks for trusting me with that.",
    "Is it OK if we look at your budget together?",
    "I can hear this is a lot. Let's take it one step at a time.",
    "I'm sorry this has landed on top of everything else.",
    "I do want to help, and I can if we keep this respectful.",
    "We could pause things for a month, or look at a smaller plan. Which suits you?",
    "So: £30 on the 5th of each month, and I'll confirm it in writing today.",
    "Please don't apologise, you've done nothing wrong by telling me.",
    "That must have been frightening, being in hospital with your son at home.",
    "Would you like to tell me a bit about what's been going on?",
    "You're not the only one, and there's nothing to be ashamed of.",
    "It makes complete sense that you've been avoiding the letters.",
    "I can only imagine how exhausting the last few weeks have been.",
    "What would help most right now?",
    "Is anyone helping you with your finances at the moment?",
    "How long do the doctors think your recovery will take?",
    "Take your time, there's no rush at all.",
    "Are you safe right now? Samaritans are there any time on 116 123.",
    "Let's stop here and I'll send this in writing so you can read it in your own time.",
    "I'll put a hold on the account for 30 days while you get advice.",
    "StepChange give free, independent advice and can look at all your debts.",
    "National Debtline and Citizens Advice are free too, if you'd rather.",
    "Could I note that on your account so nobody asks again? It's only used to support you.",
    "£20 a month is fine; let's set that up.",
    "Can we go through what comes in and your essential bills first?",
    # transparency done right, with the facts
    "The balance is £642.80, which includes £42.80 of late payment charges.",
    "The unpaid bills come to £600, and there are £42.80 of charges on top.",
    "To be upfront, a reduced plan shows on your credit file as an arrangement.",
    "If nothing is agreed, a default notice may be sent, and that would show on your credit file.",
    "This is Sam from Harbour Recoveries, calling about your Brightwell Energy account.",
    "Before I go on, can you confirm your postcode?",
    "I'm calling on behalf of Brightwell Energy.",
    "Missed payments can be reported to the credit reference agencies, so it's worth agreeing something.",
    "Nothing will happen on the account while we wait for the advice.",
    "We can freeze interest and charges while you sort things out.",
    # reassurance that mentions what will NOT happen (negation, reported speech, myths)
    "Not paying a debt is not a crime, and nobody is going to arrest you.",
    "You won't go to prison over this; that's simply not how it works.",
    "Some collectors threaten court, but we're not going to do that.",
    "You might have heard that bailiffs turn up for energy bills; that's not going to happen here.",
    "There are no court proceedings planned on this account.",
    "We're not solicitors and we're not the court; we're Harbour Recoveries.",
    "I won't discuss your account with anyone else.",
    "We never contact employers about accounts.",
    "No one will hear about this from us.",
    "You don't need to pay the full balance today.",
    "Please don't borrow money or use a credit card to pay this.",
    "Never put this on a credit card, it would only cost you more.",
    "There's no deadline today, take as long as you need.",
    "You have every right to dispute it, and I'll send you the paperwork.",
    "If you think it's wrong, you can dispute it and we'll pause while we check.",
    "You're entitled to ask for a copy of the agreement.",
    "I'll only call at times that suit you, and I can write instead if you'd prefer.",
    "Of course, we'll contact you by letter from now on.",
    "Would you prefer email rather than phone calls?",
    "Nobody should make you feel ashamed about this.",
    "You're not stupid for falling behind; it happens to a lot of people.",
    "There's no need to feel embarrassed, this is what we're here for.",
    "The police aren't involved in debts like this, so please don't worry about that.",
    "Some people worry they'll go to jail, but that doesn't happen for an energy bill.",
    "If you ever feel in danger at home, call 999 and the police will help you.",
    "There are no extra fees being added while we talk this through.",
    "We won't add any charges while the account is on hold.",
    "Your credit file will only show what's accurate, nothing more.",
    "Paying this off won't erase the history, but it will show as settled.",
    # supportive, in a crisis or with a vulnerability (no request for money)
    "Let's not talk about money today. How are you feeling?",
    "The account can wait; your health comes first.",
    "I'm going to pause everything while Breathing Space is in place.",
    "Is there someone you trust who could be with you when we talk next?",
    "Does that make sense, or shall I go through it again?",
    "I'm so sorry about your dad. Please take all the time you need.",
    "Thank you for telling me about the surgery. How are you doing now?",
    "That sounds really hard, juggling work and looking after your son.",
    "I went through something similar when my mum was ill, so I know it takes it out of you.",
    "I understand. What would make the next few weeks easier for you?",
    "You've done the right thing by picking up the phone.",
    "It's completely understandable to feel angry about this.",
    "I hear how frustrating the letters have been. I'm sorry about that.",
    "Thanks for being so honest with me, that can't have been easy to say.",
    "How is your son coping with everything?",
    "What's been the hardest part for you?",
    "It sounds like you've been carrying this on your own for a while.",
    "Anyone in your position would find this stressful.",
    "I'm glad you told me; we can work around it.",
    "Would it help if I emailed you the details so you can look at them later?",
    # money talk that is fair
    "Whatever you can afford is fine, there's no minimum today.",
    "If £25 is what works after your bills, we'll go with that.",
    "We could start with a token payment of £1 a month while you get back on your feet.",
    "Would a smaller amount each month feel more manageable?",
    "We can review the plan in three months, or sooner if anything changes.",
    "Let's look at what's realistic for you, not what the account says.",
    "I'll send you a statement showing how the £642.80 is made up.",
    "I'll write to you with everything we've agreed today.",
    "Thanks for your patience while I checked the account.",
    "Is now an OK time to talk, or shall I call back at a time that suits you?",
    "When would be a better time to call?",
    "There's nothing to be ashamed of, lots of people fall behind after an illness.",
    "I'm really sorry you've been through all that.",
    "I can imagine how worrying it is to see those letters pile up.",
    "I just want to make sure whatever we agree is something you can keep up.",
    "Your wellbeing matters more than this balance.",
    "If you think it's identity theft, you can report it and we'll stop while it's checked.",
    "Falling behind on a bill isn't a crime, and it isn't fraud either.",
    # ordinary collector language that was once misread (scenario writers' reports)
    "A probate attorney can explain the order they're paid in.",
    "You're not personally responsible for his debts; the estate pays what it can.",
    "Nobody can make you pay it from your own money.",
    "The family doesn't have to pay anything out of their own pocket.",
    "Would you mind if I put a note on your account that money's very tight at home right now?",
    "If you did want to pay something voluntarily, talk it through with Kerry first.",
    "Please don't worry, there's no need to pay anything now.",
    "I'd rather we didn't take any payment today.",
    "Could you do me a favour and keep the letter by the phone?",
    "I can hear how worried you are about him.",
    "It sounds like you've been really worried about him.",
    "GamCare and the National Gambling Helpline can help, and GamStop can block gambling sites.",
    "Surviving Economic Abuse and Refuge are there for you too.",
    "You could talk to a solicitor of your own, or Citizens Advice, if you'd like a second opinion.",
]


def _cases() -> list[tuple[str, int, str, ScoringContext]]:
    return [(vid, i, text, ctx) for vid, rows in VIOLATIONS.items() for i, (text, ctx) in enumerate(rows)]


def test_the_table_covers_every_violation_with_ten_phrasings() -> None:
    rubric = default_scorer().rubric
    compliance_ids = {b.id for b in rubric.behaviours if b.category == "compliance"}
    assert set(VIOLATIONS) == compliance_ids
    assert all(len(rows) >= 10 for rows in VIOLATIONS.values())
    assert len(COMPLIANT) >= 100
    assert len(set(COMPLIANT)) == len(COMPLIANT)


@pytest.mark.parametrize(("vid", "i", "text", "ctx"), _cases(), ids=[f"{c[0]}-{c[1]}" for c in _cases()])
def test_violation_is_caught(vid: str, i: int, text: str, ctx: ScoringContext) -> None:
    score = default_scorer().score(text, ctx)
    assert vid in score.violation_ids, f"{vid} missed in {text!r} (got {sorted(score.ids)})"
    det = next(v for v in score.violations if v.id == vid)
    assert det.evidence and all(e.text for e in det.evidence)


# Lawful lines the learned layer misreads today, each with the measurement that showed it. Strict: a line that
# starts passing fails here, so it is taken off the list.
KNOWN_LEARNED_MISREADS: dict[str, str] = {
    # None today. "Could you do me a favour and keep the letter by the phone?" was here from the fifth corpus
    # batch (ignoring contact limits at 0.707, then 0.782) until the seventh (2026-12-04), whose heads give it
    # a possible 0.42, under the confident threshold.
}


@pytest.mark.parametrize("text", [
    pytest.param(t, marks=pytest.mark.xfail(strict=True, reason=KNOWN_LEARNED_MISREADS[t]))
    if t in KNOWN_LEARNED_MISREADS else t for t in COMPLIANT])
def test_compliant_reply_raises_nothing(text: str) -> None:
    score = default_scorer().score(text, _ctx())
    assert not score.violations, f"{text!r} raised {[(v.id, v.evidence[0].text) for v in score.violations]}"


@pytest.mark.parametrize("text", COMPLIANT[:40])
def test_compliant_reply_raises_nothing_with_a_vulnerability(text: str) -> None:
    score = default_scorer().score(text, _ctx(VULNERABLE, debtor=HOSPITAL))
    assert "pressure_after_vulnerability" not in score.violation_ids, text


def test_intended_action_is_honest_not_a_threat() -> None:
    score = default_scorer().score("If nothing is agreed, we'll send a default notice.", _ctx())
    assert "threat_unintended_action" not in score.violation_ids
    assert "honest_consequences" in score.behaviour_ids


def test_same_words_threat_or_honest_depending_on_the_facts() -> None:
    reply = "If we can't agree anything, we'll have to take this to court."
    court_intended = _scenario(actions={"lawful": ["legal_action"], "intended": ["legal_action"]})
    assert "threat_unintended_action" in default_scorer().score(reply, _ctx()).violation_ids
    honest = default_scorer().score(reply, _ctx(scenario=court_intended))
    assert "threat_unintended_action" not in honest.violation_ids
    barred = _scenario(time_barred=True, actions={"lawful": ["legal_action"], "intended": ["legal_action"]})
    assert "threat_unintended_action" in default_scorer().score(reply, _ctx(scenario=barred)).violation_ids


def test_payment_request_is_fine_until_a_vulnerability_is_known() -> None:
    reply = "I understand, but we still need a payment today."
    assert "pressure_after_vulnerability" not in default_scorer().score(reply, _ctx()).violation_ids
    assert "pressure_after_vulnerability" in default_scorer().score(reply, _ctx(VULNERABLE)).violation_ids
