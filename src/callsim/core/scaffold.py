"""`callsim new`: a scaffolded scenario that already lints, with comments explaining each part."""

from __future__ import annotations

from callsim.core.models import Jurisdiction, Situation

_OPENERS = {
    Situation.medical_emergency: "I've only just come out of hospital, to be honest.",
    Situation.job_loss: "I lost my job last month. Everything's up in the air.",
    Situation.bereavement: "My husband passed away in the spring. I'm still sorting his things.",
    Situation.young_parent: "Sorry, the baby's screaming. Money's really tight at the moment.",
    Situation.global_crisis: "Since the prices went up we just can't keep up. We never used to miss a bill.",
    Situation.mental_health: "I haven't been well. My anxiety's been really bad and I can't open the post.",
    Situation.hostile: "Another one of you lot? I've had enough of these calls.",
    Situation.dispute: "I don't recognise this. I don't think this is my debt.",
    Situation.third_party: "He's not here. I'm his partner, can I take a message?",
    Situation.elderly_capacity: "Sorry dear, who did you say you were? My son usually does the bills.",
    Situation.gambling: "I know it's behind. It's... I've had a problem with betting.",
    Situation.self_employed: "Work's been up and down. Some months I earn nothing at all.",
    Situation.economic_abuse: "That account was in my name but it wasn't me spending. I can't really talk.",
    Situation.breathing_space: "I'm in Breathing Space. My adviser said you'd been told.",
    Situation.crisis: "I don't see the point any more, honestly.",
}

_PLAN_ROUTES = """\
    routes:
      - when: violations
        goto: complaint
      - when: (emotional_reaction or interpretation) and not asks_payment
        goto: budget
        set: {hardship_disclosed: true}
        mood: {trust: 2}
      - goto: hung_up
        mood: {anger: 3, trust: -2}
"""

_PLAN_MIDDLE = """\
  budget:
    say:
      - "I want to sort it, I just don't know what I can afford."
      - "What are my options? I can't pay all of it."
    expects: [affordability_check, offers_options]
    model_answers:
      - "Would it be OK if we looked at what comes in and your essential bills, so we only agree what you can keep up?"
    routes:
      - when: violations
        goto: complaint
      - when: plan_amount > affordable
        goto: unsustainable_plan
      - when: affordability_check or plan_amount > 0
        goto: plan_agreed
      - goto: hung_up
        mood: {trust: -2}        # what they needed was missed: they trust the caller less as they go

  # ---- Endings: a node with an outcome ends the call ----------------------------------
  plan_agreed:
    say: ["OK. I can do that. Thank you."]
    outcome: {id: plan_agreed, label: Affordable plan agreed, result: resolved}
  unsustainable_plan:
    say: ["Fine. I'll find it somehow."]
    outcome: {id: unsustainable_plan, label: Plan agreed above what they can afford, result: partial}
"""

_PLAN_WALKTHROUGH = """\
  - name: caring path to a plan
    replies:
      - "{opening_answer}"
      - "{listening_answer}"
      - "Would it be OK if we went through your income and essential bills first?"
    expect: {outcome: plan_agreed, compliance: pass}"""

# A dispute is not a payment conversation: "this isn't my debt" is noted, collection pauses while it is
# checked, and the debtor is told how it will be looked into; asking them for money instead ends badly.
_DISPUTE_ROUTES = """\
    routes:
      - when: violations or asks_payment
        goto: complaint
        mood: {anger: 3}
      - when: (exploration or validation or paraphrase) and not asks_payment
        goto: checking
        mood: {trust: 2, anger: -1}
      - goto: hung_up
        mood: {anger: 3, trust: -2}
"""

_DISPUTE_MIDDLE = """\
  checking:
    say:
      - "So what happens now? You're not going to keep chasing me for something I don't owe?"
      - "And while you look into it, does this stop?"
    expects: [recap_next_steps, honest_consequences]
    model_answers:
      - "No. I've noted that you dispute it, and we'll pause collection while we check it and send you
        what we find in writing. To recap: nothing to pay while it's checked, and you'll hear from us by letter."
    routes:
      - when: violations or asks_payment
        goto: complaint
        mood: {anger: 3}
      - when: recap_next_steps or honest_consequences
        goto: dispute_noted
      - goto: hung_up
        mood: {anger: 2, trust: -2}

  # ---- Endings: a node with an outcome ends the call ----------------------------------
  dispute_noted:
    say: ["Right. Thank you. I'll wait for the letter, then."]
    outcome: {id: dispute_noted, label: Dispute noted and collection paused while it is checked, result: resolved}
"""

_DISPUTE_WALKTHROUGH = """\
  - name: dispute noted and collection paused
    replies:
      - "{opening_answer}"
      - "Thank you for telling me. It sounds like this has come as a real shock. Can you tell me what you
        don't recognise about it?"
      - "I've noted that you dispute it, and we'll pause collection while we check it. To recap: nothing
        to pay while it's checked, and we'll write to you with what we find."
    expect: {outcome: dispute_noted, compliance: pass}
"""

TEMPLATE = """\
# yaml-language-server: $schema=../schema/scenario.schema.json
# A callsim scenario: one debtor persona and the branching call with them.
# Check it with `callsim lint FILE --strict`, play it with `callsim play FILE --plain`,
# and run its walkthroughs with `callsim test FILE`. Guide: docs/authoring.md.

# ---- About the scenario -------------------------------------------------------------
id: {id}                       # lower-case, unique in the library
title: "{title}"
version: 1                     # raise it when you change the call; records keep the version
difficulty: 2                  # 1 (gentle) to 5 (hardest)
jurisdiction: {jurisdiction}                # UK or US: decides which rules and advice bodies apply
tags: [{situation}]
summary: >
  One or two sentences for the library: who this is and what makes the call hard.
brief: >
  What the trainee sees before dialling: who they work for, the account, what is (not) planned.
pass_mark: 80                  # overall score needed to pass (and no blocker violation)

# ---- The person ------------------------------------------------------------------------
persona:
  name: Jordan Example
  age: 41
  situation: {situation}
  background: >
    Notes for trainers only: their story, what is really going on, what they fear.
  speaking_style: How they talk; what calms them and what sets them off.
  facts:                       # things they may tell the trainee; nodes reveal them with `discloses`
    story: The main thing that has happened to them.

# ---- The debt: the compliance checks read these ----------------------------------------
debt:
  creditor: Example Utilities
  collector: Example Recoveries  # the trainee's employer
  currency: {currency}
  balance: 480.00
  breakdown:                   # must add up to the balance
    - {{label: Unpaid bills, amount: 450.00, kind: principal}}
    - {{label: Late payment fee, amount: 30.00, kind: fee}}
  days_past_due: 75
  time_barred: false
  actions:
    lawful: [{lawful}]
    intended: [{intended}]   # threatening anything not intended is a blocker violation

# ---- Their budget: disclosed when the trainee asks; plans are compared with it ---------
budget:
  income:
    - {{label: Wages, amount: 1400}}
  outgoings:
    - {{label: Rent, amount: 900}}
    - {{label: Food and bills, amount: 460}}
# affordable = income - outgoings = 40 a month (or set `affordable:` yourself)

# ---- Mood: numbers the call moves; end_when ends the call on a threshold ----------------
mood:
  trust: {{min: 0, max: 10, start: 3}}
  anger: {{min: 0, max: 10, start: 3}}
  distress: {{min: 0, max: 10, start: 5}}
end_when:
  - when: anger >= 10
    goto: hung_up

# ---- Flags: true/false facts set by routes; a role tells the compliance checks --------
flags:
  identity_verified: {{role: identity_verified, description: They confirmed who they are}}
  hardship_disclosed: {{role: vulnerability, description: They told you what has happened}}

# ---- The call: nodes are moments; routes pick the next one from what the trainee did --
start: opening
nodes:
  opening:
    say:                       # variants: one is picked per call (seeded)
      - "Hello?"
      - "Yes, hello, who's this?"
    expects: [identifies_self, verifies_identity]
    model_answers:
      - "{opening_answer}"
    routes:                    # tried in order; the first whose `when` holds wins
      - when: verifies_identity and not violations
        goto: listening
        set: {{identity_verified: true}}
      - goto: hung_up          # the last route has no `when`: the default
        mood: {{trust: -2}}

  listening:
    say:
      - "{opener}"
      - "Look, I'll be honest with you. {opener}"
    cues: [quiet]
    discloses: [story]
    expects: [emotional_reaction, exploration{us_disclosure}]
    model_answers:
      - "{listening_answer}"
{listening_routes}
{middle}
  hung_up:
    say: ["[the line goes dead]"]
    outcome: {{id: hung_up, label: They hung up, result: failed}}
  complaint:
    say: ["I'm making a complaint about this call."]
    outcome: {{id: complaint, label: Complaint raised, result: failed}}

# ---- Walkthroughs: scripted calls `callsim test` replays ---------------------------------
walkthroughs:
{first_walkthrough}
  - name: threat ends in a complaint
    replies:
      - "{opening_answer}"
      - "If you don't pay we'll take you to court."
    expect: {{outcome: complaint, compliance: fail, violations: [threat_unintended_action]}}
"""


def scaffold(situation: Situation, jurisdiction: Jurisdiction) -> str:
    us = jurisdiction is Jurisdiction.US
    opening = (
        "Hi, this is Sam calling from Example Recoveries on behalf of Example Utilities. "
        "Before I go on, can I confirm I'm speaking to Jordan Example, and your date of birth please?"
    )
    # In the US the debt-collector disclosure goes to the verified consumer only, so it comes second.
    listening = (
        ("Thank you. This is a communication from a debt collector, and this is an attempt to collect a "
         "debt. " if us else "")
        + "I'm really sorry to hear that, that sounds like a lot to deal with. How are you managing?"
    )
    dispute = situation is Situation.dispute
    if us:
        lawful, intended = "legal_action, credit_reporting", "credit_reporting"
    else:
        lawful, intended = "legal_action, default_notice, credit_reporting", "default_notice"

    def fill(piece: str) -> str:  # the pieces are plain text (their braces are YAML): only these two are filled
        return piece.replace("{opening_answer}", opening).replace("{listening_answer}", listening)

    if dispute:  # a dispute is heard and checked, never turned into a payment plan
        listening = ("Thank you. " + ("This is a communication from a debt collector, and this is an attempt "
                                      "to collect a debt. " if us else "")
                     + "I'm sorry, that must be worrying. Can you tell me what you don't recognise about it?")
    return TEMPLATE.format(
        id=f"{situation.value.replace('_', '-')}-{jurisdiction.value.lower()}-draft",
        title=f"Draft: {situation.value.replace('_', ' ')} ({jurisdiction.value})",
        jurisdiction=jurisdiction.value,
        situation=situation.value,
        currency="USD" if us else "GBP",
        lawful=lawful,
        intended=intended,
        opener=_OPENERS.get(situation, "Things have been really hard lately."),
        opening_answer=opening,
        listening_answer=listening,
        us_disclosure=", debt_collector_disclosure" if us else "",
        listening_routes=(_DISPUTE_ROUTES if dispute else _PLAN_ROUTES).rstrip("\n"),
        middle=(_DISPUTE_MIDDLE if dispute else _PLAN_MIDDLE).rstrip("\n"),
        first_walkthrough=fill(_DISPUTE_WALKTHROUGH if dispute else _PLAN_WALKTHROUGH).rstrip("\n"),
    )
