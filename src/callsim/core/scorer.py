"""Scoring one trainee reply: behaviours with evidence, EPITOME levels, empathy, de-escalation,
compliance violations and the better alternative.

The scorer is rule-based and explainable: every behaviour it reports carries the span of the reply that
triggered it and the rubric's "why". It reads the scenario's debt facts and flags where the rubric says
the facts decide (a threat of court is honest when court action is intended, a violation when not).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, ClassVar

from callsim.core.acts import ACT_IDS
from callsim.core.epitome import EpitomeResult, Mechanism, analyse, reassurance
from callsim.core.models import Action, Debt, Node, Scenario
from callsim.core.money import Amount, find_amounts, inherit_period
from callsim.core.nlp import (
    NEGATORS,
    YOU,
    Evidence,
    Question,
    advice_spans,
    content_words,
    inside,
    lowered,
    masked_spans,
    negated,
    normalise,
    questions,
    sentence_at,
    sentences,
)
from callsim.core.rubric import ACKNOWLEDGING_IDS, EMPATHY_IDS, Behaviour, Rubric, for_jurisdiction, load_rubric
from callsim.core.understanding.corpus import PENALTIES, VIOLATIONS
from callsim.core.understanding.learned import Learned, Signal, get_learned
from callsim.core.understanding.learned import status as learned_status
from callsim.core.understanding.train import NEGATION
from callsim.core.understanding.typing import Expanded, expand

# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Detection:
    id: str
    category: str
    kind: str
    severity: str | None
    label: str
    why: str
    evidence: tuple[Evidence, ...]
    note: str = ""
    confidence: float = 1.0  # rules alone: 1.0; the learned layer: its calibrated probability
    source: str = "rule"  # rule | learned | rule+learned
    example: str = ""  # for a learned detection: the corpus line the evidence is most like

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "category": self.category,
            "kind": self.kind,
            "label": self.label,
            "why": self.why,
            "evidence": [e.as_dict() for e in self.evidence],
            "confidence": round(self.confidence, 3),
            "source": self.source,
        }
        if self.severity:
            d["severity"] = self.severity
        if self.note:
            d["note"] = self.note
        if self.example:
            d["example"] = self.example
        return d


@dataclass(frozen=True)
class Alternative:
    """The better alternative for a weak turn: what was missed, how to fix it, and a model answer."""

    missed: tuple[str, ...]
    tips: tuple[str, ...]
    model_answer: str
    summary: str = ""  # what to change, in plain words ("Missed: warmth and concern. ...")

    def as_dict(self) -> dict[str, Any]:
        return {"missed": list(self.missed), "tips": list(self.tips), "model_answer": self.model_answer,
                "summary": self.summary}


@dataclass(frozen=True)
class TurnScore:
    empathy: float
    deescalation: float
    epitome: dict[str, int]
    behaviours: tuple[Detection, ...]
    violations: tuple[Detection, ...]
    amounts: tuple[Amount, ...] = ()
    asks_payment: bool = False
    notes: tuple[str, ...] = ()
    better: Alternative | None = None
    advice: tuple[Evidence, ...] = ()  # suggestions made (ESConv "Providing Suggestions"); not scored alone
    epitome_evidence: Mapping[str, tuple[Evidence, ...]] = field(default_factory=dict)
    # Violations the scorer is not confident of: shown with their evidence and counted for review, never a fail.
    possible: tuple[Detection, ...] = ()
    understanding: str = ""  # empty when the learned layer was used; else why the rules scored alone
    # The share of the reply in new words (1.0; less when it repeats what was said earlier in the call). The
    # engine moves the mood by what went well only that much: pasting one warm sentence again wins no trust.
    fresh: float = 1.0
    # What the reply did in the call (core/acts.py): the balance stated, a payment asked for, a hold offered...
    acts: tuple[str, ...] = ()

    @property
    def behaviour_ids(self) -> set[str]:
        return {d.id for d in self.behaviours}

    @property
    def violation_ids(self) -> set[str]:
        return {d.id for d in self.violations}

    @property
    def ids(self) -> set[str]:
        return self.behaviour_ids | self.violation_ids

    @property
    def has_blocker(self) -> bool:
        return any(v.severity == "blocker" for v in self.violations)

    @property
    def is_weak(self) -> bool:
        return self.better is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "empathy": self.empathy,
            "deescalation": self.deescalation,
            "epitome": dict(self.epitome),
            "behaviours": [d.as_dict() for d in self.behaviours],
            "violations": [d.as_dict() for d in self.violations],
            "amounts": [
                {"value": a.value, "period": a.period, "role": a.role, "monthly": a.monthly, "text": a.text}
                for a in self.amounts
            ],
            "asks_payment": self.asks_payment,
            "notes": list(self.notes),
            "better": self.better.as_dict() if self.better else None,
            "epitome_evidence": {k: [e.as_dict() for e in v] for k, v in self.epitome_evidence.items()},
            "advice": [e.as_dict() for e in self.advice],
            "possible": [d.as_dict() for d in self.possible],
            "understanding": self.understanding,
            "acts": list(self.acts),
        }


@dataclass
class ScoringContext:
    """What the scorer knows about the moment: the debtor's words, the scenario and the call so far."""

    debtor_line: str = ""
    scenario: Scenario | None = None
    node: Node | None = None
    flags: Mapping[str, bool] = field(default_factory=dict)
    counts_as: tuple[str, ...] = ()  # behaviours a guided choice stands for
    earlier_replies: tuple[str, ...] = ()
    # The node's model answers that fit the call so far (core/fit.py); None: all of them (no call to fit)
    model_answers: tuple[str, ...] | None = None


# --------------------------------------------------------------------------- contextual detectors

ACTION_PATTERNS: dict[Action, re.Pattern[str]] = {
    Action.legal_action: re.compile(
        r"\b(courts?|sue|sued|suing|lawsuit|legal (action|proceedings|steps|route|process|measures|review|team|"
        r"department|dept)|ccj|county court judgment|judgment|judgement|solicitors?|"
        r"(?<!power of )attorneys?(?! general)|lawyers?|magistrates?|"
        r"take you to court|claim against you|litigation|a judge|"
        r"(get|gets|getting|go|goes|going|gone|turn|turns|turning) legal|"
        # vague escalation reads as legal action to the person hearing it: "we'll have to take things further",
        # "further action will be taken" (not "you can take it further with the ombudsman": _CONSUMER_ROUTE)
        r"(take|taking|took|takes) (this|it|things|matters|the matter|this matter|your (account|case|file)) "
        r"(any )?further|further (legal |recovery |enforcement )?(action|steps|measures|proceedings))\b",
        re.I,
    ),
    Action.bailiffs: re.compile(
        r"\b(bailiffs?|enforcement (agents?|officers?)|sheriffs?|debt collectors? (at|to|round)|"
        r"(knock|turn up|come|show up|be|call) (round|at your (door|house|home|place))|"
        r"send (someone|somebody|people|an agent|agents|a man|men|the boys) (round|to your|over)|"
        r"doorstep visit|home visit|field agent)\b",
        re.I,
    ),
    Action.garnishment: re.compile(
        r"\b(garnish\w*|attachment of earnings|take (it|the money|money|payment) (straight )?(from|out of) your "
        r"(wages|pay|salary|benefits|bank|account|pay ?check)|dock your (wages|pay)|freeze your (bank|account)|"
        # "we can just have it deducted straight from your Universal Credit" (not "comes out of your account": a
        # direct debit)
        r"deduct(ed|ing|ions?)? (\w+ ){0,3}(from|out of) (your|ur) (wages|pay|salary|benefits?|universal credit|uc|"
        r"pension|social security|pay ?check)|"
        r"bank levy|levy)\b",
        re.I,
    ),
    Action.seizure: re.compile(
        r"\b(repossess\w*|seiz\w*|take (away )?(your|the) (car|house|home|furniture|belongings|things|tv|goods|"
        r"stuff|property|possessions)|charging order|charge on your (home|house|property)|"
        r"lose your (home|house|car|flat))\b",
        re.I,
    ),
    Action.credit_reporting: re.compile(
        r"\b(credit (file|report|record|score|rating|bureaus?|reference|agencies)|report (it|this|you) to)\b", re.I
    ),
    Action.default_notice: re.compile(r"\b(default notice|notice of default|default (the|your) account)\b", re.I),
    Action.debt_sale: re.compile(r"\b(sell (the|your) debt|debt (will be )?sold|pass (it|the debt|this) to)\b", re.I),
}
# Mentions of these actions are threats when unintended; the softer ones only when phrased as a threat.
_SEVERE_ACTIONS = {Action.legal_action, Action.bailiffs, Action.garnishment, Action.seizure}
# Who else a disclosure reaches: with the debtor verified and nobody else on the line, a sentence about the debt
# discloses it only when it brings someone else in ("everyone in your street is going to find out about this").
_OTHER_PEOPLE = re.compile(
    r"\b(neighbou?rs?|street|employer|boss|manager|work|colleagues?|family|wife|husband|partner|kids|children|son|"
    r"daughter|parents?|mum|mom|dad|brother|sister|friends?|everyone|everybody|people|anyone|anybody|social "
    r"media|facebook|he|she|him|her|his|they|them|their|tell|told|explain|word|ring|call|phone|line|speak|"
    r"find out|know|hear about|letter to|visit|number)\b", re.I)
# "its about ur personal loan with us": the debtor's own account named to them
_THEIR_OWN_ACCOUNT = re.compile(r"\b(your|ur) (\w+ ){0,3}(account|loan|card|balance|debt|arrears|bill|agreement)\b",
                                re.I)


def _verified_alone(ctx: ScoringContext) -> bool:
    """Has the call verified the debtor, with no third party on the line (the scenario's flags say so)?"""
    assert ctx.scenario is not None
    flags = ctx.scenario.flags
    identity = [f for f, d in flags.items() if d and d.role == "identity_verified"]
    other = [f for f, d in flags.items() if d and d.role == "third_party"]
    return bool(identity) and all(ctx.flags.get(f) for f in identity) and not any(ctx.flags.get(f) for f in other)


_KEEP_YOUR_MONEY = re.compile(
    r"\b(keep|hold on to|hang on to|save)\b[^.?!]{0,25}\bfor (your|ur|yourself|urself|essentials|food|rent|the kids|"
    r"the family|bills|the bills|now|a rainy day|emergencies)\b", re.I)
_FOR_US = re.compile(r"\b(us|we|our|pay|paying|payment|towards|the account|the debt|the balance|arrears)\b", re.I)
_THREATENED_WITH = re.compile(r"\b(threatened|threats? of)( (you|u|me|him|her|them|us))?( with)?\s+(\w+\s+){0,2}$",
                              re.I)
_SAYS_BARRED = re.compile(r"\b(it'?s|it is|its|the (debt|loan|account|card) is|that'?s|that is|it'?s now|is now)\s+"
                          r"(now |definitely |indeed |actually )?(statute|time)[- ]?barred\b", re.I)
_THREAT_FRAME = re.compile(
    r"\b(will|'ll|going to|gonna|could|might|may|can|have to|shall|would|next step|end up|risk|possible|"
    r"considering|consider|looking at|escalat\w*)\b|\bunless\b|\bif you (don'?t|do not|can'?t|won'?t|refuse)\b|"
    r"\bif (this|it|the (debt|balance|account)) (isn'?t|is not|doesn'?t|stays|remains)\b|\?|"
    # nothing paid as the condition: "without something today it goes to wage garnishment on monday"
    r"\bwithout (a |any |some )?(payment|something|somethign|anything|money|a plan)\b|"
    r"\b(auto(matically)?|straight|then) (goes|moves|passes|gets (passed|sent|referred)) (on |over )?(to|into)\b|"
    # the condition is that nothing comes: "if nothing's paid this week", "if no payment arrives", "if we don't hear"
    r"\bif (nothing|no (payment|money|one|contact|response|reply|offer)|nobody|noone|no-one|"
    r"we (don'?t|do not) (hear|get|receive|see))\b|"
    # an ultimatum: "I need something today or this goes to court", "pay now, otherwise ..."
    r"\b(or( else)?|otherwise),? (this|it|we|you|they|the (debt|account|matter|balance|case)|i)\b|"
    # a purpose or a time that takes the action as coming: "call today to avoid legal action", "before this
    # gets messy", "we're happy to let the courts sort it out"
    r"\bavoid(ing)?\b|\bbefore (this|it|things|matters|the matter) (gets?|goes?|turns?|escalates?|ends? up)\b|"
    r"\blet (the |a )?(courts?|judge)\b|\b(happy|prepared|ready|willing|not afraid) to\b|"
    # a status said as done: "your file has been flagged for legal review", "it's been passed to our solicitors"
    r"\b(has|have|'s|is|are|was|were) (now |already |just )?(been |being )?(flagged|referred|passed|sent|handed|"
    r"escalated|marked|forwarded|transferred|earmarked|moved|assigned|lined up|put forward|queued)\b",
    re.I,
)
# The consumer's own routes: "you can take it further with the ombudsman", "if you want to take things further"
_CONSUMER_ROUTE = re.compile(
    r"\b(you|u)('re| are)? ?(can|could|may|might|are free to|'re free to|have the right to|are entitled to|"
    r"'re entitled to|are welcome to|'re welcome to|want to|wish to|would like to|'d like to|decide to|choose to)"
    r"( always)? ?$",
    re.I,
)
_COMPLAINT_ROUTE = re.compile(r"\b(ombudsman|fos|cfpb|regulator|complaint)\b", re.I)
# Saying an action is *not* going to happen, on a condition: "you won't go to court if you pay today" still
# threatens it when they cannot.
_CONDITIONAL_RELIEF = re.compile(
    r"\b(if|as long as|so long as|provided|providing|once) (you )?(pay|make|clear|settle|agree|set up|sort|"
    r"give|put|start)\b|\bunless\b",
    re.I,
)
# Pointing to something real and outside the call (a crisis line, the police for someone's safety).
_SAFETY_CONTEXT = re.compile(r"\b(safe|safety|danger|emergency|999|911|112|hurt|harm|risk to|abus\w*|"
                             r"domestic|violence|threaten(ed|ing) you|scam\w*|impersonat\w*)\b", re.I)
_POLICE = re.compile(
    r"\b((the )?police|the cops|law enforcement|the feds|fbi)\b[^.?!]{0,40}\b(involved|called|informed|told|"
    r"come|coming|knock|knocking|visit|visiting|arrest|arresting|round|after you|interested|hear about|"
    r"(turn|show)(ing)? up|at your (door|house|home))\b|"
    # (what they may do themselves is no threat: "you can report it to the police as well")
    r"(?<!you can )(?<!you could )(?<!you may )(?<!you might )(?<!you should )(?<!can also )(?<!could also )"
    r"\b(call|involve|get|contact|inform|tell|alert|phone|ring|report (it|this|you) to) (in )?(the )?"
    r"(police|cops|law enforcement)\b",
    re.I,
)

_MONEY_AHEAD = (r"(?! (me|us) (your|the|some|a few|any) )(?=[^.?!]{0,30}(£|\$|€|\d|\b(something|anything|"
                r"a (bit|little|payment|contribution|token)|more|towards|the (balance|money|amount|arrears|payment|"
                r"lot|rest)|payments?)\b))")
_PAYMENT_ASK = re.compile(
    r"\b((can|could|would|will) you (pay|make (a )?payment|clear|settle|afford|spare|stretch to)|"
    rf"(can|could|would|will) you (manage|find|put|send|give|do|offer)\b{_MONEY_AHEAD}|"
    r"(can|could|would|will) you (manage|stretch to) (that|it|this)\b|"
    r"how much (can|could|would|will) you (pay|put|give|manage|afford|do|offer|spare|send)|"
    r"(i|we)('d| would| really| still| just| do| will)? (need|want|expect|require|like|are looking for|'re looking for)"
    r"( you to| to get| to take)?( a| some| the)? (pay(ment)?|something|anything|money|a contribution|"
    r"the (balance|money|arrears))|"
    r"make (a|the) payment|payment (today|now|this week|right away)|"
    r"pay (it|this|that|something|anything|(the |your )?(full |whole |entire |total )?(balance|arrears|debt|amount|"
    r"bill|lot)|today|now|off)|"
    r"set up (a |an |the |your |that |this )?((small|little|tiny|token|regular|monthly|weekly|new|reduced|first|"
    r"affordable|manageable) )*(payment|direct debit|standing order|plan|arrangement)|"
    r"take (a |the |your )?((first|next|small|initial|regular) )?payment|(card|bank) details|"
    # the card's number read out is a payment taken: "read me the long number on the front of your card"
    r"(read|give|tell) me (the |your )?(long |16-digit |sixteen-digit )?(card )?number|card number|"
    r"clear (the|this|your) (balance|debt|arrears)|"
    r"(the )?(bill|balance|debt|account|arrears|amount) (still )?(needs?|has|have|must) (to be )?"
    r"(paying|paid|sorted|cleared|settled))\b",
    re.I,
)
# "If you did want to pay something voluntarily ...", "whether you pay anything is up to you": their choice,
# not a request.
_THEIR_CHOICE = re.compile(
    r"\b(if|whether|when|once) (or not )?(you|he|she|they)('d| would|'re| are)? (do |did |ever |really |still )?"
    r"(want|wish|choose|decide|prefer|like|feel (able|ready)|ready)\b[^.?!;]*$|"
    # their wish reflected: "it sounds like you want to pay it but things are against you"
    r"\b(sounds like|seems like|i can (tell|see|hear)( that)?|clearly|obviously) (you|u)('re| are)? (really )?"
    r"(want|wish|keen|trying|'d like|would like|'d love|would love)\b[^.?!;]*$|"
    r"\bwhether (or not )?(you|he|she|they) [^.?!;]{0,30}$|\bit'?s (entirely |completely )?(up to|your (choice|"
    r"decision)) [^.?!;]*$",
    re.I,
)
_VOLUNTARY = re.compile(r"^[^.?!;]{0,30}\bvoluntar", re.I)
# A sentence that opens on their wish: "If you'd still like to put something in, ...", "Whenever you feel ready".
_IF_THEY_WISH = re.compile(r"\s*(and |but |so )?(if|whenever|when|once) (you|u)('d| would| do| ever| really| still|"
                           r" feel)?( still| really| ever)? (like|want|wish|prefer|choose|decide|ready|able)\b", re.I)
# ... unless the wish is to escape something or the sum is wanted now: "if you want to avoid court, pay £50 today".
_WISH_UNDER_THREAT = re.compile(r"\b(avoid|stop|prevent|keep|save|protect|get rid of|today|tonight|now|right away|"
                                r"straight away|immediately)\b", re.I)


def _left_to_their_wish(unit: str) -> bool:
    """Does the sentence open on their wish ("If you'd still like to pay a bit in, ...") with nothing after it that
    presses, threatens or wants the money now?"""
    wish = _IF_THEY_WISH.match(unit)
    if wish is None:
        return False
    return not (_PRESSURE_FRAME.search(unit, wish.end()) or _WISH_UNDER_THREAT.search(unit, wish.end()))

# Paying a priority bill first is advice about their money, not a request for ours: "your rent is what
# protects your tenancy, so pay that first".
_PRIORITY_BILL = re.compile(r"\b(rent|mortgage|council tax|energy|gas|electric\w*|water|food|child ?care|"
                            r"priority (bills|debts))\b", re.I)
# "If we need anything, we'll write to you": a need that may arise, not a request for money now.
_IF_WE_NEED = re.compile(r"\b(if|in case|whenever|should)\s+((we|i)( ever| still| do)?\s+)?$", re.I)
_FIRST = re.compile(r"^\s*(\w+\s+){0,3}?(first|before (anything|us|this)|as a priority)\b", re.I)


_IF_CLAUSE = re.compile(r"\b(if|unless)\b(?![^.?!,;]*\b(want|wish|rather|prefer|like to|feel (able|ready))\b)"
                        r"[^.?!,;]*$", re.I)
_CONSEQUENCE = re.compile(
    r"^[^.?!]*?\b(we|i|they|you|this|it|the (court|bailiffs?|account|debt))('ll| will| are going to|'re going to|"
    r" is going to| could| may| might| would)\b[^.?!]*\b(court|bailiffs?|legal|action|sue|solicitors?|lawyers?|"
    r"attorneys?|default|credit|escalat\w*|pass\w*|chas\w*|charges?|fees?|visit|arrest\w*|police|seiz\w*|"
    r"repossess\w*|garnish\w*|take (you|it|the|your)|lose|worse|consequences)\b",
    re.I,
)


def _sentence_bounds(text: str, start: int, end: int | None = None) -> tuple[int, int]:
    """Where the sentence holding ``text[start:end]`` begins and ends, by its full stops alone (rubric matches and
    the payment checks run before the reply's sentences are split)."""
    s = max(text.rfind(c, 0, start) for c in ".?!\n") + 1
    ends = [i for i in (text.find(c, start if end is None else end) for c in ".?!\n") if i >= 0]
    return s, min(ends) if ends else len(text)


# A sum said to be paused, not due or left for later: "your £50 payment won't be taken", "nothing is due while
# it's on hold", "when you're ready, even £1 would do, there's no rush".
_SUM_AT_REST = re.compile(
    r"\b(paus\w*|on hold|hold(ing)? (it|the account|your)|frozen|freez\w*|suspend\w*|stopped|cancel\w*|"
    r"stop(ping)? (the|your|that|it|any|all) (direct debit|payments?|collection|plan|debit)|"
    r"when(ever)? you'?re (ready|feeling|stronger|able|up to)|no rush|no hurry|in your own time|later on|"
    r"down the line|can wait|nothing (is |will be )?(due|taken|collected|owed)|moved (it|them|the \w+) back|"
    r"put (it|them|the \w+) back|deferr\w*|postpon\w*|"
    r"won'?t be (taken|collected|due|asked for|chased)|"
    # "I'll put a hold on things", "we'll hold off" (not "hold on the line")
    r"a hold on (things|everything|it|this|that|all|the account|your account)|hold(ing)? (things|everything|off))\b",
    re.I,
)
# A sum with a day to pay it by: "£25 on the 1st", "£50 by the end of the week".
_WHEN_PAID = re.compile(
    r"\s*(on (the \d+\w*|monday|tuesday|wednesday|thursday|friday|saturday|sunday|payday)|by (the end of|friday|monday|"
    r"tomorrow|\w+day|the \d+\w*)|today|tonight|tomorrow|this (week|month)|next (week|month))\b",
    re.I,
)
# Putting a sum to them: a question about it, a proposal ("let's say", "we'll put you down for") or a deadline
# ("£50 by the end of the week would stop it going further").
_PROPOSAL = re.compile(
    r"\b(shall|should|can|could|would|will) (we|you|i)\b|\b(let'?s|how about|what about|why not|if you (could|can)|"
    r"put you down|set (it|that|you) up|get (it|that|you) (set up|sorted|booked)|go ahead|take (it|that|the)|"
    r"then\b\W*$)",
    re.I,
)
# A deadline right after a sum: "£50 by the end of the week", "£100 today".
_DEADLINE = re.compile(r"\s*(by (the end of|close of|tomorrow|tonight|\w+day\b|the \d+\w*)|today|tonight|tomorrow|"
                       r"this week|right now|now)\b", re.I)
# Their own figure taken up: "£20 a month is fine", "that sounds great".
_ACCEPTS = re.compile(r"\b(is|sounds|would be|'s|seems) (absolutely |perfectly |totally |really |more than )?(fine|ok|"
                      r"okay|great|good|perfect|plenty|spot on|brilliant|reasonable|manageable)\b", re.I)


# Pushes for money in other words than an ask, which count straight after a crisis: getting a payment date or a
# plan agreed, clearing or sorting the balance, paying on as before, finding money for us elsewhere ("Let's just
# get a payment date agreed", "Clearing it now would be one less thing to worry about", "keep paying something
# so the balance doesn't grow", "is there anyone in the family who could help clear it?").
_CRISIS_PUSH = re.compile(
    r"\bget (a |the |your )?(payment|plan|date|arrangement|direct debit|something)( date)? (agreed|in place|set up|"
    r"sorted|booked|arranged|down)\b|"
    # "clear it", "pay the rest"; a gerund only as the sentence's subject ("Clearing it now would ...", not
    # "you're here sorting it")
    # "I do want to help sort this out" offers help
    r"(\b(clear|settle|pay)|(?<!help )(?<!help you )\bsort|(^|(?<=[.!?;] ))(clearing|settling|sorting|paying)) "
    r"(it|this|that|the (balance|"
    r"account|debt|arrears|amount|rest)|it all|the lot|everything)( off| up)?\b(?! (for|with) you\b)|"
    r"\bkeep (paying|up (the|your|with) (payments|repayments)|the payments going)\b|"
    r"\b(put|set|keep) (some |a bit of |a little )?(money|cash|something) (aside|by|back) for (us|this|it|the)\b|"
    r"\b(a|the) date (for|to|when you('ll| will| can)) (pay|make|clear|settle)|"
    # "how about we agree one now?", "if you could just give me a figure you could manage this month"
    r"\b(agree|arrange|set up|lock in) (one|a plan|a payment plan|something|an amount|a figure|a payment)"
    r"(?= (now|today|right now|on this call|while)\b)|"
    r"\b(give|tell|offer) (me|us) (a|some|the|any) (figure|amount|sum)\b|"
    # "can you promise to make this your first priority?" (not "promise me you'll call the Samaritans")
    r"\bpromise( me| us)? (to|that you'?ll|you'?ll) (pay|clear|settle|put (this|it|something|money)|prioriti[sz]e "
    r"(this|us|it|the)|make (this|it|us|the \w+) (your )?(first |top |number one )?priority)|"
    r"\bmake (this|us|it|the (debt|account|balance|payments?)) (your )?(first|top|number one) priority\b|"
    r"\b(use|put|spend) (your|the|some of (your|the)) (savings|redundancy|wages|pay|benefits?|pension|inheritance|"
    r"insurance|money)\b[^.?!]{0,30}\b(towards|to clear|to pay|on (this|the (balance|debt|account|arrears)))",
    re.I,
)


# What we or someone else will do is no push on them: "I'll sort it out for you", "the estate will clear the
# balance".
_ESTATE_PAYS = (r"(the|his|her|their) (estate|insurer|insurance|executor|solicitor)\w*( will| would| can| could|"
                r" should| may| might)?|probate( will)?")
_OTHERS_DO = re.compile(
    rf"\b((i|we)('ll| will| can| could|'m going to| am going to|'re going to| are going to)|{_ESTATE_PAYS}) "
    r"(\w+ ){0,2}$",
    re.I,
)
# Our own work, in a clause of time: "no payment's needed while we sort it", "until I've sorted it out".
_WHILE_WE = re.compile(r"\b(while|whilst|until|till) (i|we)('ve| have)? $", re.I)
_OTHERS_PAY = re.compile(rf"\b({_ESTATE_PAYS}) (\w+ ){{0,2}}$", re.I)


# Someone else's offer to pay, and what follows says they need not.
_OFFERED_BY_OTHERS = re.compile(
    r"\b(anyone|anybody|someone|somebody|family|relatives?|friends?|partner|parents?|they|he|she|(your|ur) \w+)\b"
    r"[^.?!;]{0,30}\b(offers?|offered|wants?|tries|asks?|says? (they|he|she)('ll| will| can)) to $", re.I)
_THEY_NEED_NOT = re.compile(
    r"\b(they|he|she|nobody|no one|none of them)\b[^.?!;]{0,12}\b(don'?t|do not|doesn'?t|does not|needn'?t|"
    r"won'?t|will not|never)( ever)? (have|has|need|needs)( got)? to\b|\b(nobody|no one) (has|needs) to\b", re.I)


def _offer_declined(text: str, m: re.Match[str]) -> bool:
    """Is ``m`` someone else's offer to pay, which the rest of its sentence says they need not make?"""
    s, e = _sentence_bounds(text, m.start(), m.end())
    return bool(_OFFERED_BY_OTHERS.search(text[s : m.start()]) and _THEY_NEED_NOT.search(text[m.end() : e]))


_SOMEONE_ELSE_HELPS = re.compile(r"\bhelps? (you|u)( to)?\s*$", re.I)
_WE_OR_I = re.compile(r"\b(i|we|me|us|i'?ll|we'?ll|i'?d|we'?d|i'?m|we'?re|let'?s)\b", re.I)


_MONEY_CAN_WAIT = re.compile(r"\b((doesn'?t|does not|don'?t|do not) matter|(isn'?t|is not|aren'?t|are not) (important|"
                             r"urgent|a priority|the priority)|can wait|no (rush|hurry))\b", re.I)


def _pushes(text: str, m: re.Match[str]) -> bool:
    """Is ``m`` a push for money: not negated, not their own choice, not reassured away, not said to be paused?"""
    s, e = _sentence_bounds(text, m.start(), m.end())
    before = text[s : m.start()]
    return not (negated(text, m.start()) or _not_asking(text, m.start()) or _THEIR_CHOICE.search(before)
                or _OTHERS_DO.search(before) or _WHILE_WE.search(before) or _offer_declined(text, m)
                or _REASSURED.search(before) or _SUM_AT_REST.search(text[s : e + 1])
                or _FIRST.search(text[m.end() : e]) and _PRIORITY_BILL.search(text[s:e]))


def _puts_sum(text: str, a: Amount) -> bool:
    """Is the sum ``a`` put to them (asked, proposed, or given a deadline), not their own figure taken up, and not
    said to be paused, waived or left for later?"""
    s, e = _sentence_bounds(text, a.start)
    sentence = text[s : e + 1]
    if negated(text, a.start) or _not_asking(text, a.start) or _SUM_AT_REST.search(sentence) \
            or _REASSURED.search(text[max(0, a.start - 80) : a.start]) or _ACCEPTS.search(sentence):
        return False
    if sentence.rstrip().endswith("?") or _PROPOSAL.search(sentence):
        return True
    return a.role != "plan" and bool(_DEADLINE.match(text, a.end))


def _need_may_arise(text: str, m: re.Match[str]) -> bool:
    """"If we need anything, we'll write to you": a need that may arise, not a request for money now."""
    return bool(_IF_WE_NEED.search(text[max(0, m.start() - 30) : m.start()])
                and re.search(r"\b(some|any)thing$", m.group(0), re.I))


def _conditional_threat(text: str, pos: int) -> bool:
    """Is ``pos`` in the condition of a threat ("If you don't pay the full balance today *we'll* take you to
    court")? A negation there is part of the condition, not a denial of what follows it."""
    start = _sentence_bounds(text, pos)[0]
    return bool(_IF_CLAUSE.search(text[start:pos])) and bool(_CONSEQUENCE.search(text[pos:]))


def payment_asks(text: str, masked: list[tuple[int, int]] | None = None) -> list[re.Match[str]]:
    """Requests for money in the reply: not negated ("you don't need to pay anything today", "nobody can make
    you pay it"), not their own choice ("if you did want to pay something voluntarily"), not quoted."""
    out = []
    for m in _PAYMENT_ASK.finditer(text):
        if masked and inside(m.start(), masked):
            continue
        if negated(text, m.start()) and not _conditional_threat(text, m.start()):
            continue
        sent_start, sent_end = _sentence_bounds(text, m.start(), m.end())
        before = text[sent_start : m.start()]
        if _THEIR_CHOICE.search(before) or _VOLUNTARY.search(text[m.end() :]) or _REASSURED.search(before):
            continue
        if _not_asking(text, m.start(), _NOTHING_DUE):
            continue  # "there's nothing you need to pay today"
        if _OTHERS_PAY.search(before):
            continue  # "the estate will clear the balance": who pays, not a request to them
        if _offer_declined(text, m):
            continue  # "if anyone in your family offers to pay this for you, they don't have to"
        if _SOMEONE_ELSE_HELPS.search(before) and not _WE_OR_I.search(before):
            continue  # "kerry at stepchange will help u set up a plan": their adviser's help, not our ask
        if _need_may_arise(text, m):
            continue
        if _FIRST.search(text[m.end() : sent_end]) and _PRIORITY_BILL.search(text[sent_start:sent_end]):
            continue
        out.append(m)
    return out


_NEGATED_RIGHT_BEFORE = re.compile(r"\b(don'?t|do not|won'?t|will not|never|not) (just |suddenly |simply |then )?"
                                   r"(have to |need to |going to |gonna |to )?"
                                   r"(start |be |ever )?$", re.I)
# Reassurance earlier in the clause, which takes the pressure out of an ask or a push after it: "please don't
# worry about giving me anything right now", "I'm not going to push you for a payment today".
_REASSURED = re.compile(
    r"\b(don'?t|do not|never|no need to|no pressure to|you needn'?t) (you )?(have to |need to )?"
    r"(worry|feel (obliged|pressured|you have)|think about|stress)\b[^.?!;]*$|"
    # saying you will not ask: "I'm not going to push you for a payment today", "I won't be asking for anything"
    r"\b(not|never|won'?t|will not|no need to|no intention of|don'?t want to)( be)? (going to |gonna )?"
    r"(push\w*|ask\w*|press\w*|pressur\w*|chas\w*|hassl\w*|rush\w*|hound\w*|expect\w*|take)( you)?"
    r"( for| about| into| to)?[^.?!;]*$",
    re.I,
)
# "let's hold off on anything involving numbers today": what they are told can wait, straight before the words
_DEFERRED_BEFORE = re.compile(r"\b(hold(ing)? off|put(ting)? off|leav(e|ing)|park(ing)?|paus(e|ing)|skip(ping)?) "
                              r"(on |with )?(any |all )?$", re.I)
_PRESSING = re.compile(
    r"\b(need|want|expect|must have|have to (get|take)|got to (get|take)|require) (a |one |some |the |your )?"
    r"((quick|small|little|token|first|initial|card|good[- ]faith|one-off) ){0,2}"
    r"(payment|something|anything|money|the (balance|money|arrears))\b"
    # "it's good you said something straight away" tells of what they did
    r"|(?<!said )(?<!say )(?<!told us )(?<!told me )(?<!tell us )(?<!mention )(?<!mentioned )(?<!noticed )"
    r"(?<!spotted )(?<!did )"
    r"\b(pay|payment|something|anything|money|amount)\b(?!('s| is| was| has been| are| were| has| had)\b|-wise)"
    # "is there anything else you need from me right now?" offers help; "about payment for now" is for a while
    r"(?! (else )?(that )?(you|we) (need|want|'d like|would like)\b)"
    r"[^.?!]{0,25}\b(today|tonight|right now|(?<!for )(?<!just )now|straight away|"
    r"immediately|this week|by (friday|monday|tomorrow|the end))\b"
    r"|\b(still|at least|surely) (need|want|expect|have to|got to|require|you can|you could)\b"
    r"|\b(i hear you|i understand|i'?m sorry|i know|i get (it|that)|i appreciate (that|it)|that'?s (sad|awful|"
    r"hard|terrible)|sorry to hear that),? (but|however|though|anyway)\b[^?!]{0,80}"
    r"\b(pay|payment|need|something|money|balance|arrears|amount|bill)"
    r"|\b(anyway|regardless|be that as it may|moving on|that said|all the same),? [^?!]{0,60}"
    r"\b(pay|payment|something|money|balance|arrears|amount)"
    r"|\b(even (just )?(a little|a small amount|something|a bit|a few|a token))\b(?! (of|about|more|bit))"
    r"|\b(the )?(bill|balance|debt|account|arrears) (still )?(needs?|has|have|must) (to be )?"
    r"(paying|paid|sorted|cleared)"
    r"|\b(can|could|would|will) you (pay|manage|afford|do|find|spare)\b[^.?!]{0,40}\b(though|still|anyway)\b",
    re.I,
)
_DEBT_DETAIL = re.compile(
    r"\b(debt|debts|owe|owes|owed|owing|arrears|overdue|past[- ]due|delinquent|outstanding balance|balance of|"
    r"(card|loan|account|credit) balance|collections?|"
    r"missed (a |an |the |your |his |her |their |two |three |several |some |\w+ )?(payments?|instal?ments?|bills?)|"
    r"in default|(payments?|instal?ments?|months?|weeks?|bills?) behind|(fallen|fell|got|gotten|is|are|'s|'re) behind|"
    r"behind (on|with) (your|his|her|their|the)|late payments?|unpaid (bills?|balance|account))\b",
    re.I,
)
_YOU_PAY = re.compile(r"\byou('ll| will| can| could| would| are going to|'re going to)? (pay|make (a|the) payment|"
                      r"clear|settle)\b", re.I)
_MONEY_HINT = re.compile(
    r"\b(financial (matter|issue|situation|problem)|money (matter|issue|problem)|(a|an|the|his|her|their|some|"
    r"unpaid|outstanding|overdue) (bills?|payments?|balance|account (of his|of hers|with us))|"
    r"bills? of (his|hers|theirs)|(his|her|their) (bills?|payments?|finances|balance|card|loan))\b",
    re.I,
)
# Without a scenario, the debtor's line can say that someone else answered: "he's not in, can I take a message?",
# "wrong number", or a relative asking after what he owes ("I'm his mum, how much does he owe?"; not "I'm her carer
# and I'm at breaking point", which is the debtor's own story). Telling them the sum or that he owes is third-party
# disclosure (FDCPA 1692b, UK GDPR); a relative dealing with an estate, or with authority or permission, is left to
# the scenario, and so is a spouse.
_HOLDER_AWAY = re.compile(
    r"\b(he|she)('s| is|s) (not|n'?t) (here|in|home|around|available)\b|\b(he|she) (doesn'?t|does not) live here\b|"
    r"\bwrong (number|person)\b|\bno (one|body) (here )?(by|of|called) that name\b|\btake a message\b", re.I)
_A_RELATIVE = re.compile(
    r"\b(i'?m|i am|this is|it'?s) (his|her|their) (mum|mom|mother|dad|father|partner|son|daughter|"
    r"brother|sister|flatmate|roommate|housemate|girlfriend|boyfriend|neighbou?r|friend|colleague|boss|grandson|"
    r"granddaughter|nan|gran|grandma|grandad|aunt|uncle|cousin|landlord|lodger)\b", re.I)
_ASKS_AFTER_HOLDER = re.compile(
    r"\b(how much|what) (does |do |did )?(he|she|they) (owes?|owe)\b|\b(he|she|they) (owes?|is behind|'s behind)\b|"
    r"\b(his|her|their) (debt|debts|account|bill|bills|card|loan|arrears|balance)\b|\bfor (him|her|them)\b", re.I)
# A spouse is left to the scenario too: under the FDCPA (1692c(d)) a spouse counts as the consumer.
_ON_THEIR_BEHALF = re.compile(
    r"\b(passed|died|death|dead|estate|funeral|executor|probate|power of attorney|authori[sz]\w*|permission|"
    r"consent|lasting power|deputy|appointee|mandate|(his|her|their) (wife|husband|spouse))\b", re.I)


def _told_to_someone_else(text: str, amounts: list[Amount]) -> list[Evidence]:
    """What ``text`` tells someone other than the debtor about the account: its sums, its words of debt ("owes",
    "overdue") and hints ("a financial matter", "a bill of his", FDCPA 1692b); not those negated, nor what is said
    *not* to be theirs ("You don't owe it personally", "family members aren't liable for a parent's debts")."""
    details = [Evidence(a.text, a.start, a.end) for a in amounts]
    details += [Evidence(m.group(0), m.start(), m.end()) for m in _DEBT_DETAIL.finditer(text)
                if not (negated(text, m.start()) or _not_liable(text, m.start()))]
    details += [Evidence(m.group(0), m.start(), m.end()) for m in _MONEY_HINT.finditer(text)
                if not negated(text, m.start())]
    return details


def _someone_else_answered(line: str) -> bool:
    """Does the debtor's line say the account holder is not the one speaking (and no estate or authority)?"""
    return bool((_HOLDER_AWAY.search(line) or _A_RELATIVE.search(line) and _ASKS_AFTER_HOLDER.search(line))
                and not _ON_THEIR_BEHALF.search(line))


# The debtor spoke of hardship or strong feeling (also read by the engine to weight call-level empathy).
HARDSHIP = re.compile(
    r"\b(hospital|ill|illness|sick|cancer|surgery|operation|died|passed away|funeral|lost my|laid off|"
    r"redundan\w*|fired|let go|no job|unemployed|baby|kids|can'?t cope|struggling|scared|terrified|worried|"
    r"anxious|depress\w*|stress\w*|overwhelm\w*|crying|can'?t sleep|end it|no point|desperate|broke|skint|"
    r"can'?t afford|nothing left|behind on|drowning|panic\w*|grief|grieving|widow\w*|alone|lonely|"
    r"gambl\w*|abus\w*|furious|angry|sick of|fed up|harass\w*|afraid|frightened|ashamed|embarrassed)\b",
    re.I,
)
_ANGER_ONLY = re.compile(r"furious|angry|sick of|fed up|harass\w*", re.I)


def _hardship_not_anger(text: str) -> bool:
    """HARDSHIP's words, leaving out those of anger alone (at the collector, often: "this is harassment")."""
    return any(not _ANGER_ONLY.fullmatch(m.group()) for m in HARDSHIP.finditer(text))


# What the debtor says that makes pressing for money a blocker even without a scenario flag.
_VULNERABLE = re.compile(
    # illness and injury, theirs or a dependant's
    r"\b(hospital|hospice|cancer|chemo\w*|radiotherapy|dialysis|surgery|tumou?r|terminal\w*|"
    # a stroke or a heart attack, not the hyperbole ("you're giving me a heart attack", "I nearly had a stroke")
    r"(?<!giving me a )(?<!give me a )(?<!nearly had a )(?<!almost had a )(?<!nearly gave me a )"
    r"(?<!almost gave me a )(stroke|heart attack)|"
    r"intensive care|seriously ill|diagnos\w*|"
    # bereavement (not a phone, a battery or a car that died)
    r"(?<!phone )(?<!battery )(?<!car )(?<!laptop )(?<!signal )died|passed( away| on)|funeral|bereave\w*|stillborn|"
    r"still birth|miscarr\w*|widow\w*|grie(f|ving)|"
    r"lost (my|our|her|his) (husband|wife|partner|son|daughter|baby|child|mum|mom|mam|mother|dad|father|brother|"
    r"sister)|"
    # mental health and suicidal thoughts, said plainly or not
    r"suicid\w*|end(ing)? (it all|my life|things)|kill myself|better off without me|"
    r"don'?t want to (be here|live|go on)|can'?t (go on|cope|take (it|any ?more))|no point (in )?(living|going on|"
    r"anything)|don'?t see the point|self[- ]harm\w*|sectioned|mental health|crisis team|depress\w*|anxiety|"
    r"panic attacks?|bipolar|psychosis|psychotic|schizophren\w*|ptsd|"
    # a breakdown of the mind, not of the figures ("can you email the breakdown over?")
    r"(nervous|mental|complete|emotional) breakdown|(having|had|on the verge of|close to|since|after) (a|my) breakdown|"
    r"falling apart|"
    # capacity
    r"dementia|alzheimer'?s?|confused|memory (loss|problems?)|my memory|forget(ting)? things|"
    r"can'?t (think|remember|understand|concentrate)|"
    # not understanding, said of themselves ("you don't understand anything" is anger)
    r"(?<!you )(?<!they )(?<!he )(?<!she )(?<!people )(don'?t|do not) (really )?understand|"
    r"learning (disabilit\w*|difficult\w*)|"
    # caring, abuse, addiction
    r"carer|caring for|breaking point|domestic abuse|abusive|he controls|she controls|coercive|refuge|"
    r"addict\w*|rehab|alcoholic|"
    # Breathing Space and going without
    r"breathing space|debt respite|moratorium|skipping meals|can'?t feed|food bank)\b",
    re.I,
)
# The debtor offering a payment themselves ("I could manage £20 a month"): agreeing to it is not pressing.
_DEBTOR_OFFERS = re.compile(
    r"\b(i|we)('ll| will| can| could| should| might)? (manage|do|afford|pay|put|send|give|offer|stretch to)\b"
    r"(?! (nothing|anything|it all))",
    re.I,
)
# A thank-you that is about what they said ("Thank you, that's really helpful", "Thanks, I appreciate that",
# "Thanks for letting me know"): thanks for a disclosure when the debtor has just told something personal;
# a bare "Thanks." is politeness.
_PLAIN_THANKS = re.compile(
    r"\bthank(s| you)( so much| very much)? for (that|letting me know|explaining|saying (that|so)|going through|"
    r"walking me through|telling)\b|"
    r"\bthank(s| you)( so much| very much)?(,? (?-i:[A-Z][a-z]+))?[,.!]? (that'?s|that is|it'?s|it is) "
    r"(really |so |very )?(helpful|useful|good to know|clear)\b|"
    # thanks joined to an apology: "Thank you, Farhan, and sorry." (not "sorry to bother you")
    r"\bthank(s| you)( so much| very much)?(,? (?-i:[A-Z][a-z]+))?,? (and )?(i'?m )?(so |really |very |truly )?"
    r"sorry\b(?! (to (bother|trouble|disturb|interrupt)|for (calling|ringing|the (wait|delay|interruption))))|"
    r"\bi (really |do )?appreciate (that|it|you (saying|telling|sharing|explaining))\b",
    re.I,
)
# The debtor talking about their own life (work, health, money at home): a disclosure.
_PERSONAL = re.compile(
    r"\b(i|i'?m|i'?ve|i was|i had|my|me|we|we'?ve|we'?re)\b[^.?!]{0,60}\b(job|hours|business|income|wages?|benefits?|"
    r"baby|health|doctor|hospital|divorce\w*|separat\w*|rent|bills|cancel\w*|lost|broke|died|ill|sick|lonely|"
    r"scared|worried|struggl\w*|cut|afford|skint|short)\b",
    re.I,
)
_STOP_CONTACT = re.compile(
    r"\b((stop|quit) (calling|ringing|phoning|contacting|texting)|"
    # (a limit on the workplace alone opens the contact checks, and ``_stop_asked`` reads it as no stop)
    r"don'?t (call|ring|phone|contact) (me|this (number|phone)|my (phone|mobile|cell|number|work|job|office))|"
    r"(nobody|no one|no-one|never) (calls?|rings?|phones?|contacts?) "
    r"(me at )?(my )?(work|job|office|workplace)|"
    r"cease|in writing only|only (contact|write to) me|(speak|talk) to my (lawyer|solicitor|attorney)|"
    r"my (lawyer|solicitor|attorney) (is|will be) (handling|dealing)|i have (a|an) (lawyer|solicitor|attorney)|"
    r"at work|i'?m at work|"
    # a channel asked for instead of calls: "everything by letter, not calls", "emails only", "no more phone calls"
    r"(by|in|via) (letters?|post|e-?mail|writing|text)( only)?,? (not|no) (phone )?(calls?|ringing|phoning)|"
    # ... not a time limit: "no calls after six" (read by _contact_at_wrong_time)
    r"no (more )?(phone )?calls(?! (after|before|at|during|on|between|until|till|past|from|in the|at the))|"
    r"only (by|via|through|in) (letters?|post|e-?mail|writing|text)|"
    r"(letters?|e-?mails?|writing|post|texts?) only|"
    # "write to me, dont ring", "please stop the calls", "all contact goes through Clearpath", "my solicitor's details"
    r"write to me|put (it|everything) in writing|don'?t (call|ring|phone)(?! (me )?(after|before|at|during|on|between|"
    r"until|till|past|from|in the|at the|today|tonight|now))|stop (the|these|your|all) (calls|phone calls|ringing)|"
    r"(contact|calls?|communication|everything|it all)s? (to |should |must |will |has to |needs to )?go(es)? "
    r"(through|via)|go(es)? (through|via) my (adviser|advisor|solicitor|lawyer|attorney|debt \w+)|"
    r"my (solicitor|lawyer|attorney|adviser|advisor)'?s? (details|number|contact details|name))\b",
    re.I,
)
# Where not to call, not whether: "don't call me at work", "never at work", "nobody calls my job again". A call that
# names another line honours it (``_elsewhere``); any other call breaks it (``_check_contact``).
_PLACE_NOT = re.compile(r"\b(don'?t|do not|never|not|no|nobody|no one|no-one|stop)\b[^.?!]{0,30}\b(work|job|office|"
                        r"workplace|employer)\b", re.I)
_WHOLE_STOP = re.compile(r"\b(at all|again,? (full stop|period)|any ?more,? (full stop|period)|ever again,? (full "
                         r"stop|period)|cease|in writing|letters? only|e-?mails? only|write to me|lawyer|solicitor|"
                         r"attorney|adviser|advisor)\b", re.I)
_WORKPLACE = re.compile(r"\b(work|job|office|workplace|employer|boss|colleagues?|shift|depot|site)\b", re.I)


def _stop_asked(debtor_line: str) -> bool:
    """Did the debtor ask us to stop contacting them (or to go through writing or a representative), beyond where to
    call them? A limit on the place alone ("don't call me at work") is not a stop: calls elsewhere keep it."""
    for m in _STOP_CONTACT.finditer(debtor_line):
        s, e = _sentence_bounds(debtor_line, m.start(), m.end())
        sentence = debtor_line[s:e]
        if _PLACE_NOT.search(sentence) and not _WHOLE_STOP.search(sentence):
            continue
        return True
    return False


def _names_workplace(sentence: str) -> bool:
    """Does the sentence name their workplace, not as a place it rules out ("never the office")?"""
    return any(not negated(sentence, w.start()) for w in _WORKPLACE.finditer(sentence))


_OTHER_LINE = re.compile(r"\b(mobile|cell|cellphone|personal (number|phone)|home (number|phone)|landline|e-?mail\w*|"
                         r"text\w*|letters?|post|writing|whatsapp)\b", re.I)


def _elsewhere(sentence: str) -> bool:
    """Does the sentence set contact on another line ("I'll use your mobile instead") and not at their work?"""
    return bool(_OTHER_LINE.search(sentence)) and not _names_workplace(sentence) and not _SAME_LINE.search(sentence)


# The line already in use, kept: "so I'll keep using this number", "it's the number on file and we'll use it"
_SAME_LINE = re.compile(r"\b(keep (using|calling|ringing|trying)|still|anyway|(this|that|the same) (number|line)|"
                        r"number (on file|we have))\b", re.I)


def place_limit_only(debtor_line: str) -> bool:
    """The debtor limited where to call them (``_PLACE_NOT``) and asked for nothing more (``_stop_asked``)."""
    return bool(_PLACE_NOT.search(debtor_line)) and not _stop_asked(debtor_line)


# The hour or how often objected to: "it's really late, why are you calling?", "this is the fifth call today".
# Carrying on regardless ignores it; a call at another time is what they asked for.
_HOUR_OBJECTED = re.compile(
    r"\b((it'?s|its) (really |very |so |too |bloody |way )?(late|early)|at this (hour|time of (night|the morning))|"
    r"why are you (calling|ringing|phoning) (me )?(so late|this late|so early|this early|now)|"
    # and how often: "this is the fifth call today", "you keep ringing me"
    r"(second|third|fourth|fifth|sixth|tenth|\d+(st|nd|rd|th)|another|so many|too many) (call|time)s? (you'?ve )?"
    r"(today|tonight|this (morning|afternoon|evening|week)|in a row|in (a|one) day)|"
    r"you (keep|kept) (on )?(calling|ringing|phoning|texting)|"
    r"(two|three|four|five|six|seven|eight|nine|ten|\d+|several|multiple) (calls|times) (today|tonight|this "
    r"(morning|afternoon|evening|week)|in (a|one) day)|twice (today|this (morning|afternoon|evening))|"
    # "it's not a good time" (a later call asked for in so many words is _LATER_CALL_ASKED)
    r"not a good time|"
    r"how many times (are you going to|will you|do you|have you) (call|ring|phone|text)(ed)?)\b", re.I)
# A later call asked for, and when: "call me after 6", "ring me back tomorrow"
_LATER_CALL_ASKED = re.compile(r"\b(call|ring|phone|try) (me )?(back )?(?P<when>(after|at|on|from|in|when) \w+|"
                               r"later|tomorrow|tonight|this evening)", re.I)
_RECONTACT = re.compile(
    r"\b((i|we)('ll| will| are going to|'re going to| shall| can)|ill)( just| still| also)?"
    r"( need to| have to| want to)? ((call|ring|phone|contact|"
    r"try|text|chase)( you)?( back| again)?|(give|make) (you |u )?(a|another) (quick |short |brief |little )?"
    r"(call|ring|bell|buzz|phone call)|(be )?(calling|ringing|phoning|texting)( you)?)\b"
    r"(?! (in writing|by (letter|post|email)))",
    re.I,
)
# Acknowledging a request to stop or to go through someone else, and carrying on regardless: "Noted, but
# this one's important so hear me out", "Yeah we got it, I'm just checking in".
_CARRY_ON = re.compile(
    r"\b(but|though|still|anyway)\b[^.?!]{0,60}\b(hear me out|quick(er)?|one (more|last) (thing|question)|"
    r"while i('ve| have) got you|check(ing)? in|directly|you and i|between us|won'?t take long)\b|"
    # the call they asked not to have, carried on: "so while I've got you", "it's just quicker on the phone"
    r"\bwhile (i'?ve|i have|ive) (got|reached|caught) (you|u)\b|"
    r"\b(i'?ll|ill|i will|we'?ll|we will) (just )?(keep|carry on) (trying|calling|ringing|phoning|texting|chasing)\b|"
    r"\b(quicker|easier|simpler|faster) (to (\w+ ){1,3})?(on|over|by) (the )?(phone|call)\b|"
    r"\b(i'?m|i am|we'?re|we are) (just )?(checking|calling|ringing|phoning) in\b|"
    r"\b(won'?t|wont|will not) take (long|a minute|a sec\w*)\b|"
    r"\b(keep|leave) (it|this|them|him|her) (out of it|between us)\b|"
    # their lawyer or their wishes set aside: "it's quicker if you and I just sort it out", "no need for lawyers"
    r"\b(quicker|easier|simpler|faster|better) (if|for) (you and (i|me)|just us|us two)\b|"
    r"\b(leave|keep) (the |your |ur )?(lawyers?|solicitors?|attorneys?) out\b|"
    r"\b(no need for|don'?t need|without) (the |your |ur |a |any )?(lawyers?|solicitors?|attorneys?)\b|"
    # "I'd rather keep you on now, we might not catch you later", "I've been asked to contact you personally",
    # "so you'll keep hearing from me", "we can't stop the calls"
    r"\b(keep|have) (you|u) on (the line|the phone|now)\b|"
    r"\b(might|may) not (catch|get|reach) (you|u) (later|again)\b|"
    r"(?<!n't )(?<!nt )(?<!not )(?<!never )\b(contact|call|ring|speak to|deal with|talk to) (you|u) "
    r"(personally|directly)\b|"
    r"\b(you'?ll|you will|u'?ll) (keep|still|continue to) (hear(ing)?|get(ting)?) (from )?(me|us|calls)\b|"
    r"\b(we|i) (can'?t|cannot|won'?t|will not|are unable to|'re unable to|am unable to) stop (the |these |our |my )?"
    r"(calls|calling|contact|ringing)\b",
    re.I,
)
_FEE_WORDS = re.compile(
    r"\b((admin(istration)?|collection|processing|late|handling|service|recovery|legal|court|tracing|"
    r"doorstep|visit) (fees?|charges?|costs)|(add|charge|apply|slap|put) (on )?(a |an |some |extra |more )?"
    r"(\w+ )?(fees?|charges?|interest|penalt(y|ies))( on| to)?)\b",
    re.I,
)
# Their own or an independent lawyer, offered as help: "get your own solicitor", "a probate attorney can
# explain the order they're paid in".
_THEIR_LAWYER = re.compile(
    r"\b(your|a|an|any) (own |independent |\w+ )?(solicitor|lawyer|attorney|legal advis[eo]r)s?\b"
    r"(?! (will|'ll|is going to|are going to) (be in touch|contact|write|call|start|issue|take|pursue|chase))|"
    r"\blegal aid\b|\bcourt (fees|costs)\b|\b(probate|estate|family|divorce|housing) (solicitor|lawyer|attorney)s?\b|"
    r"\b(solicitor|lawyer|attorney)s? (can|could|will|would|may) (help|advise|explain|talk you through|go through)\b",
    re.I,
)
# An estate being settled: the court there is the probate court and the attorney the family's.
_PROBATE = re.compile(r"\b(probate|executor|executrix|administrator|personal representative|letters testamentary|"
                      r"letters of administration|grant of (probate|representation)|(in|under|named in) (his|her|the) "
                      r"will|appointed)\b", re.I)
_AGAINST_THEM = re.compile(r"\b(sue|suing|sued|lawsuit|claim against|proceedings against|take (you|the estate|her|"
                           r"him) to court|judgm?ent against)\b", re.I)
_REGULATED_BY = re.compile(
    r"\b(authori[sz]ed|regulated|licen[sc]ed|supervised|registered)( and (authori[sz]ed|regulated|licen[sc]ed))? "
    r"(by|with|in)\b[^.?!]{0,30}\b(fca|financial conduct authority|cfpb|consumer financial protection bureau|"
    r"state|ico|information commissioner|department of|division of|commissioner)", re.I)
_POSES_AS = re.compile(r"\b(calling|ringing|writing|here) (from|on behalf of)\b|\bon behalf of\b|"
                       r"\b(i'?m|i am|we'?re|we are) (an? |the )?(officer|agent|solicitor|attorney|lawyer|"
                       r"official)s?\b", re.I)
_OUR_LEGAL = re.compile(r"\b(we|i|our)\b[^.?!]{0,30}\b(court|sue|legal)", re.I)
_ADDING_FEE = re.compile(r"\b(add|adding|added|charge|charging|apply|applying|slap|put on|on top|extra|another|"
                         r"new|further|more)\b", re.I)
_TOO_OLD = re.compile(r"\b(too old|past the (statute|time limit|limitation)|statute[- ]barred|time[- ]barred|"
                     r"(can'?t|cannot|can no longer|won'?t|will not) (legally )?be (reported|listed|recorded))\b", re.I)
_CREDIT_CLEAN = re.compile(
    r"\b(won'?t|will not|wouldn'?t|would not|never|doesn'?t|does not|not|can'?t|cannot|can no longer) (ever |"
    r"legally )?(affect|go on|show|appear|"
    r"harm|hurt|touch|impact|report|be (recorded|reported))\b[^.?!]{0,40}\b(credit|file|score|record|report|"
    r"bureaus?|agencies)\b|\b(stops?|stopped|will stop|'ll stop) reporting\b|"
    r"\b(nothing|none of (this|it|that)|no marker|no record)\b[^.?!]{0,30}\b(go|goes|show|shows|appear|appears|"
    r"be recorded)\b[^.?!]{0,20}\b(credit|file)\b",
    re.I,
)
# Promising the record goes away: "pay it and it's wiped from your credit file", "it'll be like it never
# happened on your report". Where the account is reported, paying does not erase it (a settled default stays
# six years in the UK; a paid collection can stay seven in the US). A conditional about a wrong record ("if
# it isn't yours we'll have it removed", "if we can't verify it, we'll ask the bureaus to remove it") is a
# dispute's lawful outcome, and "paying won't remove it" is true.
_CREDIT_ERASE = re.compile(
    r"\b(wiped?|wiping|removed?|removing|erased?|erasing|deleted?|deleting|cleared? (off|from)|taken? off|"
    r"disappears?|vanish(es)?|clean slate|(like|as if) it never happened|spotless|(comes?|coming|came|drops?|"
    r"dropping|falls?|falling|goes|going) (straight |right |clean |back )?off)\b", re.I)
_CREDIT_NOUN = re.compile(r"\b(credit|file|record|report|score|rating|bureaus?|experian|equifax|transunion)\b", re.I)
_WRONG_RECORD = re.compile(r"\bif\b[^.?!]{0,40}\b(not (to be |be )?(yours|you)|isn'?t (yours|you)|wasn'?t (yours|you)|"
                           r"mistake|error|wrong|fraud|identity theft|inaccurate|incorrect|disput\w*|"
                           r"(can'?t|cannot|unable to|don'?t|do not) (verify|validate|confirm|prove|substantiate))",
                           re.I)
# What no credit file holds, whatever the facts: a blacklist, a bankruptcy marker for a debt, a record for
# life or longer than the six (UK) or seven (US) years, their health.
_CREDIT_MYTH = re.compile(
    r"\b(blacklist\w*|black list|bankruptcy (marker|flag|note)|(eight|nine|ten|twelve|fifteen|twenty|8|9|10|12|15|20)"
    r" years|for life|forever|for good|permanent(ly)?|depression|mental health|diagnosis|illness|gambling problem|"
    r"medical (history|condition))\b", re.I)
_CREDIT_THREAT = re.compile(
    r"\b(report|reported|reporting|record|recorded|mark|marked|flag|flagged|register|registered|"
    r"default|blacklist)\w*\b[^.?!]{0,40}\b(credit|bureaus?|agencies|experian|equifax|transunion)\b|"
    r"\b(credit (file|report|record|score|rating))\b[^.?!]{0,40}\b(suffer|drop|hit|damage|ruin|affect|show|"
    r"tank|wreck)\w*",
    re.I,
)
# Fraud done to them, not by them: someone else opened or used the account, in their name, without their say.
_FRAUD_ON_THEM = re.compile(
    r"\b(in your name|(you'?re|you are|you were|you'?ve been) (the |a )?victim|victim of|"
    r"(someone|somebody|anyone|they|a stranger|a fraudster)( else)? (opened|used|took|stole|applied|set up|"
    r"took out)|without your (permission|knowledge|consent|say-so))\b",
    re.I,
)


_THEIR_CLAIM = re.compile(r"\b(claim\w*|saying|say|pretend\w*|lying|lie|lied|make up|made up|when you did)\b", re.I)


def _fraud_on_them(sentence: str) -> bool:
    """Does the sentence say the fraud was done to them ("if someone opened it in your name, that's fraud"), and
    not that their claiming so is one ("claiming someone else opened it when you did is fraud")?"""
    return bool(_FRAUD_ON_THEM.search(sentence)) and not _THEIR_CLAIM.search(sentence)


_NOT_ABUSE_CONTEXT = re.compile(r"\b(feel|feels|feeling|felt|made to feel|look|looks|sound|sounds|seem|seems)"
                                r"( so| really| a bit| like| a little)*\s*$", re.I)
# An insult word straight after the speaker's own "I", "me", "my" ("I'm such an idiot with forms", "my stupid
# pride"), in a sentence that says nothing of "you": the speaker talking about themselves, not contempt for them
# ("I think debtors are scum" is an opinion of others: no word of thinking or saying in between.)
_SELF_BEFORE = re.compile(r"\b(i|i'?m|i am|i was|i've been|i feel|i felt|me|my|myself)\b"
                          r"(\W+(?!(?:think|reckon|guess|believe|say|said|find|found|know|mean|call)\b)\w+){0,3}\W*$",
                          re.I)


def _about_themselves(text: str, start: int, end: int) -> bool:
    s, e = _sentence_bounds(text, start, end)
    return bool(_SELF_BEFORE.search(text[s:start])) and not YOU.search(text[s:e])


# Rewards that state a fact of the call rather than how the person was treated: a sentence that breaks a rule
# still said who was calling or what the balance is (_step_no_credit_inside_violations).
_STATED_FACTS = frozenset({"identifies_self", "verifies_identity", "debt_collector_disclosure", "accurate_balance"})
_PROFANITY = re.compile(r"(fuck\w*|shit\w*|damn\w*|bloody|crap\w*|bollocks|hell)", re.I)
_INTENSIFIER = re.compile(r"\b(so|really|truly|very|deeply|incredibly|genuinely|awfully|terribly)\b", re.I)
_EPITOME_IDS = ("emotional_reaction", "interpretation", "exploration", "self_disclosure")


def _span_of(text: str, span: tuple[int, int]) -> Evidence:
    s, e = span
    raw = text[s:e]
    lead = len(raw) - len(raw.lstrip())
    return Evidence(raw.strip(), s + lead, s + lead + len(raw.strip()))


# --------------------------------------------------------------------------- the scorer


@dataclass
class _Reading:
    """One reply on its way through ``Scorer.PIPELINE``. Each step reads fields earlier steps set and adds its
    own; the fields are grouped below by the step that sets them (``found`` and ``notes`` grow all along)."""

    reply: str
    ctx: ScoringContext
    # read_text
    typed: str = ""
    expanded: Expanded | None = None
    text: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)
    masked: list[tuple[int, int]] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    # detect_patterns, then every step that finds or drops a behaviour
    found: dict[str, list[Evidence]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # own_name: the wrong person's name an identity check asked for
    wrong_name: str | None = None
    # epitome
    epi: EpitomeResult | None = None
    hollow: list[tuple[int, int]] = field(default_factory=list)
    quoted: list[tuple[int, int]] = field(default_factory=list)  # quoted or reported words only (no fears)
    # learned_empathy
    learned: Learned | None = None
    signals: dict[str, Signal] = field(default_factory=dict)
    learned_ids: set[str] = field(default_factory=set)
    calm: list[Evidence] = field(default_factory=list)  # reassurance counted as the reply's only reaction
    # amounts_and_asks
    amounts: list[Amount] = field(default_factory=list)
    ask: re.Match[str] | None = None
    asks_payment: bool = False
    ask_pos: int | None = None
    # acknowledge_before_ask
    ask_before_ack: bool = False
    # premature_advice
    advice: list[Evidence] = field(default_factory=list)
    # learned_violations
    rule_ids: set[str] = field(default_factory=set)
    unsure: dict[str, list[Evidence]] = field(default_factory=dict)
    # pressure, dispute: what only a head on the reply in its context found (id -> the head's probability)
    by_heads: dict[str, float] = field(default_factory=dict)
    # detections
    behaviours: list[Detection] = field(default_factory=list)
    violations: list[Detection] = field(default_factory=list)
    possible: list[Detection] = field(default_factory=list)
    # scores, repeats
    epitome: dict[str, int] = field(default_factory=dict)
    empathy: float = 0.0
    deescalation: float = 0.0
    fresh: float = 1.0
    # acts
    acts: tuple[str, ...] = ()
    # assemble
    turn: TurnScore | None = None

    @property
    def debtor_hardship(self) -> bool:
        """The debtor's last words speak of hardship or strong feeling."""
        return bool(HARDSHIP.search(self.ctx.debtor_line))


class Scorer:
    """Scores replies against one rubric. Stateless apart from caches, safe to share."""

    def __init__(self, rubric: Rubric | None = None, use_learned: bool = True) -> None:
        self.rubric = rubric or load_rubric()
        self.use_learned = use_learned
        self._pattern_behaviours = [b for b in self.rubric.behaviours if b.patterns]

    # ---- detection -------------------------------------------------------------------------
    def _detect_patterns(self, text: str, masked: list[tuple[int, int]]) -> dict[str, list[Evidence]]:
        found: dict[str, list[Evidence]] = {}
        lower = lowered(text)
        for b in self._pattern_behaviours:
            for rx in self.rubric.gated(b.id):
                for m in rx.finditer(text, lower):
                    if m.end() == m.start():
                        continue
                    if b.negatable and negated(text, m.start()) and not (
                            b.kind == "penalty" and _conditional_threat(text, m.start())):
                        continue
                    if b.kind == "penalty" and inside(m.start(), masked):
                        continue
                    before = text[max(0, m.start() - 30) : m.start()]
                    if b.id == "ignores_contact_limits" and _NEGATED_RIGHT_BEFORE.search(before):
                        continue  # "so we don't keep calling you" (but "we won't stop calling" still counts)
                    if b.id == "threat_arrest_or_crime" and _fraud_on_them(
                            text[slice(*_sentence_bounds(text, m.start(), m.end()))]):
                        continue  # "if someone opened it in your name, that's fraud, and you're the victim"
                    if b.id == "abusive_language" and _NOT_ABUSE_CONTEXT.search(before):
                        continue  # "you must feel so stupid" reflects a feeling, it is not an insult
                    if b.id == "abusive_language" and _about_themselves(text, m.start(), m.end()):
                        continue  # "I felt like such an idiot when it happened to me": the speaker, not them
                    if b.id in _PRESSURE_IDS and _not_asking(text, m.start()):
                        continue  # "I'm not asking you for any money, today or at all"
                    found.setdefault(b.id, []).append(Evidence(m.group(0), m.start(), m.end()))
        return found

    def _detection(self, b: Behaviour, evidence: list[Evidence], note: str = "", signal: Signal | None = None,
                   rule: bool = True) -> Detection:
        ev = sorted({(e.start, e.end): e for e in evidence}.values(), key=lambda e: e.start)
        learned = signal is not None and any(e.start == signal.start and e.end == signal.end for e in ev)
        if learned and signal is not None:
            # The rules found it too (perhaps in the very sentence the head points at): both, and as sure as a rule.
            return Detection(b.id, b.category, b.kind, b.severity, b.label, b.why, tuple(ev), note,
                             confidence=max(signal.prob, 0.99) if rule else signal.prob,
                             source="rule+learned" if rule else "learned", example=signal.example)
        return Detection(b.id, b.category, b.kind, b.severity, b.label, b.why, tuple(ev), note)

    def score(self, reply: str, ctx: ScoringContext | None = None) -> TurnScore:
        """Run the reply through ``PIPELINE`` (the order and why it matters are at its definition)."""
        r = _Reading(reply, ctx or ScoringContext())
        for step in self.PIPELINE:
            step(self, r)
        assert r.turn is not None
        return r.turn

    # ---- the pipeline: its steps, in the order PIPELINE (below) runs them -------------------
    def _step_read_text(self, r: _Reading) -> None:
        """Reads the reply; adds typed, expanded, text (text-speak expanded), spans, masked and questions."""
        r.typed = normalise(r.reply)
        # Text-speak and dropped apostrophes read as the words they stand for; evidence is mapped back to
        # what was typed at the end (assemble).
        r.expanded = expand(r.typed)
        r.text = r.expanded.text
        r.spans = sentences(r.text)
        r.masked = masked_spans(r.text, r.spans)
        r.questions = questions(r.text, r.spans, r.ctx.debtor_line)

    def _step_detect_patterns(self, r: _Reading) -> None:
        """Reads text, masked, ctx.debtor_line; adds found: the behaviours whose patterns match, unnegated, unquoted."""
        r.found = self._detect_patterns(r.text, r.masked)
        accepted = r.found.get("accepts_reasonable_offer")
        if accepted and r.ctx.debtor_line and not _OFFERED.search(r.ctx.debtor_line):
            # "Of course, that's fair" to "Who is this? I'm not telling you anything else till I know" agrees
            # with them; it accepts no offer, for none was made.
            kept = [e for e in accepted if not _BARE_AGREEMENT.match(e.text)]
            if kept:
                r.found["accepts_reasonable_offer"] = kept
            else:
                del r.found["accepts_reasonable_offer"]

    def _step_own_firm(self, r: _Reading) -> None:
        """Reads ctx.scenario, text, found; drops identifies_self where the firm named is not the call's (a note)."""
        debt = r.ctx.scenario.debt if r.ctx.scenario else None
        said = r.found.get("identifies_self")
        if debt is None or not said:
            return
        named = [(e, _other_firm(r.text, e.end, debt)) for e in said]
        wrong = [firm for _, firm in named if firm is not None]
        if not wrong:
            return
        kept = [e for e, firm in named if firm is None]
        if kept:
            r.found["identifies_self"] = kept
        else:
            del r.found["identifies_self"]
        r.notes.append(f"You said you were from {wrong[0]}, but this call is from {debt.collector or debt.creditor}: "
                       "the wrong company's name tells them nothing true about who is calling.")

    def _step_own_name(self, r: _Reading) -> None:
        """Reads ctx.scenario, text, found; drops verifies_identity (adds wrong_name) for another person's name."""
        said = r.found.get("verifies_identity")
        if r.ctx.scenario is None or not said:
            return
        # Asked for the wrong person, a date of birth in the next breath is that person's: nothing is checked.
        persona = r.ctx.scenario.persona
        theirs = persona.name
        # whoever answers for them may be asked for by name too ("am I speaking with Peggy?" to Theo's mother)
        known = f"{persona.name} {persona.on_the_line}"
        vocab = self.use_learned and get_learned() is not None  # the encoder's words, or capitals without it
        wrong = [name for e in said if (name := _other_name(r.text, e, known, vocab)) is not None]
        if not wrong:
            return
        del r.found["verifies_identity"]
        r.wrong_name = wrong[0]
        r.notes.append(f"You asked for {wrong[0]}, but the account holder is {theirs}: asking for the wrong person "
                       "checks nothing, and tells whoever answers that you do not know whom you are calling.")

    def _step_thanks_after_disclosure(self, r: _Reading) -> None:
        """Reads ctx, text, found; adds thanks_for_disclosure for a plain thanks after something personal."""
        # A plain "thank you" after something personal is a thanks for the disclosure (TEXAS T); after
        # "yes, that's me" it is ordinary politeness.
        ctx, text = r.ctx, r.text
        disclosed = bool(ctx.node and ctx.node.discloses) or bool(HARDSHIP.search(ctx.debtor_line)
                                                                  or _VULNERABLE.search(ctx.debtor_line)
                                                                  or _PERSONAL.search(ctx.debtor_line))
        if "thanks_for_disclosure" not in r.found and disclosed:
            thanks = [m for m in _PLAIN_THANKS.finditer(text) if not negated(text, m.start())]
            if thanks:
                r.found["thanks_for_disclosure"] = [Evidence(thanks[0].group(0), thanks[0].start(), thanks[0].end())]

    def _step_epitome(self, r: _Reading) -> None:
        """Reads text, ctx, spans, questions, found; adds epi, hollow and the EPITOME behaviours to found."""
        # Empathy in EPITOME's terms; the rubric's own patterns for these behaviours are extra evidence.
        extra = {k: r.found.pop(k) for k in _EPITOME_IDS if k in r.found}
        r.quoted = masked_spans(r.text, r.spans, feared=False)
        r.epi = analyse(r.text, r.ctx.debtor_line, r.spans, r.quoted, r.questions, extra)
        r.hollow = [(e.start, e.end) for e in r.found.get("false_empathy", [])]
        self._epitome_behaviours(r.epi, r.found, r.hollow, extra)

    def _step_learned_empathy(self, r: _Reading) -> None:
        """Reads text, spans, epi, found, hollow, quoted; adds learned, signals, learned_ids, calm and their empathy."""
        # The learned layer: what each sentence is like. Empathy it recognises counts from here on (it can
        # acknowledge before an ask); its violations are checked against the facts in learned_violations.
        assert r.epi is not None
        learned = get_learned() if self.use_learned else None
        r.learned = learned
        r.signals = learned.analyse(r.text, r.spans) if learned is not None else {}
        r.learned_ids = self._learned_empathy(learned, r.signals, r.epi, r.found, r.hollow) if learned else set()
        if r.epi.er.level == 0 and "emotional_reaction" not in r.found:
            # Reassurance and well-wishing are a weak reaction where nothing else reacted ("no rush at all, take
            # your time", "look after yourself"): never above a stronger reading, never inside a hollow "sorry, but".
            calm = [e for e in reassurance(r.text, r.quoted) if not any(a <= e.start < b for a, b in r.hollow)]
            if calm:
                r.epi.er.level, r.epi.er.evidence = 1, calm[:1]
                r.found["emotional_reaction"] = r.calm = calm[:1]

    def _step_guided_choices(self, r: _Reading) -> None:
        """Reads ctx.counts_as, text, found; adds the behaviours a guided choice stands for."""
        # Guided choices count as what the author says they count as.
        for bid in r.ctx.counts_as:
            if bid in self.rubric.by_id and bid not in r.found:
                r.found[bid] = [Evidence(r.text, 0, len(r.text))]

    def _step_amounts_and_asks(self, r: _Reading) -> None:
        """Reads text, masked, ctx; adds amounts, ask (the first request for money), asks_payment, ask_pos."""
        prior = " ".join([*r.ctx.earlier_replies[-1:], r.ctx.debtor_line])
        r.amounts = _stated_balances(inherit_period(find_amounts(r.text), r.text, prior), r.text, r.ctx)
        asks = payment_asks(r.text, r.masked)
        ask = r.ask = asks[0] if asks else None
        plan_or_sum = [a for a in r.amounts if a.role in ("plan", "lump_sum")]
        r.asks_payment = bool(ask) or bool(plan_or_sum)
        if r.asks_payment:
            # The first request for money, whether asked ("can you pay ...") or named (a plan or a sum).
            r.ask_pos = min(([ask.start()] if ask else []) + [a.start for a in plan_or_sum])

    def _step_acknowledge_before_ask(self, r: _Reading) -> None:
        """Reads found, asks_payment, ask_pos, ctx; adds acknowledge_before_ask, or ask_before_ack and a note."""
        # Acknowledgement before any request for money (a plan or a sum named first is a request too).
        ack = [e for bid in ACKNOWLEDGING_IDS for e in r.found.get(bid, [])]
        first_ack = min((e.start for e in ack), default=None)
        ask_pos = r.ask_pos
        ack_first = first_ack is not None and (ask_pos is None or first_ack < ask_pos)
        if ack_first and (ask_pos is not None or r.debtor_hardship):
            r.found.setdefault("acknowledge_before_ask", []).extend(e for e in ack if e.start == first_ack)
        r.ask_before_ack = r.asks_payment and r.debtor_hardship and (first_ack is None or (ask_pos or 0) < first_ack)
        if r.ask_before_ack:
            r.notes.append("Asked about money before acknowledging what the debtor had just said.")

    def _step_premature_advice(self, r: _Reading) -> None:
        """Reads text, spans, ctx, found; adds advice, and premature_advice before exploring a fresh hardship."""
        # Advice before any exploration of a hardship the debtor has just raised.
        r.advice = advice_spans(r.text, r.spans)
        explored_before = any("?" in reply for reply in r.ctx.earlier_replies)
        if (r.advice and r.debtor_hardship and not explored_before and "exploration" not in r.found
                and not any(b in r.found for b in ACKNOWLEDGING_IDS)):
            r.found.setdefault("premature_advice", []).extend(r.advice[:1])

    def _step_threats(self, r: _Reading) -> None:
        """Reads text, spans, masked, ctx.scenario; adds threats or honest consequences (and a note without facts)."""
        self._check_threats(r.text, r.spans, r.masked, r.ctx.scenario, r.found, r.notes)

    def _step_debt_facts(self, r: _Reading) -> None:
        """Reads the debt, amounts, text, spans, masked, found; adds misstated balances/fees, false credit claims."""
        # A credit claim (the facts' or a pattern's) about a note of their circumstances, not the debt, is dropped;
        # so is a wrong record put right, and a denied erasure ("paying won't wipe the default from your file").
        debt = r.ctx.scenario.debt if r.ctx.scenario else None
        if debt is not None:
            self._check_amounts(debt, r.amounts, r.found, _call_figures(r.ctx))
            self._check_fees(debt, r.text, r.masked, r.found)
            self._check_credit(debt, r.text, r.spans, r.masked, r.found)
        reported = None if debt is None else Action.credit_reporting in debt.actions.intended
        claims = [e for e in r.found.get("false_credit_claim", [])
                  if _credit_claim_stands(r.text, r.spans, e.start, r.ctx.debtor_line, reported)]
        if claims:
            r.found["false_credit_claim"] = claims
        else:
            r.found.pop("false_credit_claim", None)

    def _step_pressure(self, r: _Reading) -> None:
        """Reads text, ctx, asks_payment, ask, amounts; adds pressure_after_vulnerability, by_heads."""
        self._check_pressure(r.text, r.ctx, r.asks_payment, r.ask, r.amounts, r.found)
        if "pressure_after_vulnerability" not in r.found:
            got = self._learned_press(r)
            if got is not None:
                r.found["pressure_after_vulnerability"] = [got[0]]
                r.by_heads["pressure_after_vulnerability"] = got[1]

    def _learned_press(self, r: _Reading) -> tuple[Evidence, float] | None:
        """Straight after a crisis, capacity, loss or Breathing Space signal, a reply the pressing head
        (understanding/context.py) reads as seeking money from them, in words the rules do not know ("Can we
        say Friday?", "what date can the estate pay by?", "Any redundancy pay coming? That would be ideal to put
        towards this"). The signal is the plain words or the crisis head at ``press_crisis``, higher than the
        rules' (a line of hardship or anger the head takes for a crisis would otherwise make any talk of a plan a
        push); or a life event in words (``life_event_words``: a job lost, an eviction, a baby), after which a
        head of its own is asked (``life``, at ``press_life``), since a plan they can afford is the right next step.
        Nothing counts when the debtor has just offered a sum themselves (taking it up calmly is no push),
        nor a reply with no word of money, a sum, a date or a means of paying ("Would it help if we went slower
        today?"), nor one that tells them they need not pay or that nothing is due ("Please don't pay this
        yourself"). The evidence is its most pressing sentence, with the head's probability.

        Without a scenario only, as the brush-aside head: at a scenario's nodes the author's flags say what was
        disclosed, and the rules read them (``_check_pressure``)."""
        learned = r.learned
        if r.ctx.scenario is not None or learned is None or "press" not in learned.context_heads:
            return None
        line, th = r.ctx.debtor_line, learned.thresholds
        if vulnerable_words(line) or learned.crisis(line) >= th.press_crisis:
            head, need = learned.presses, th.press
        elif life_event_words(line) and "life" in learned.context_heads:
            head, need = learned.presses_after_life_event, th.press_life
        else:
            return None
        if debtor_offers(line) or not speaks_of_money(r.text) or puts_money_aside(r.text):
            return None
        p = head(r.text, line)
        if p < need:
            return None
        ev = _likeliest_sentence(r, head)
        return None if ev is None or _left_to_their_wish(ev.text) else (ev, p)

    def _step_contact(self, r: _Reading) -> None:
        """Reads text, masked, ctx.debtor_line; adds ignores_contact_limits, by_heads."""
        self._check_contact(r.text, r.masked, r.ctx, r.found)
        for ev in _contact_at_wrong_time(r.text, r.masked, r.ctx.debtor_line):
            r.found.setdefault("ignores_contact_limits", []).append(ev)
        if "ignores_contact_limits" not in r.found and (got := self._learned_contact(r)) is not None:
            r.by_heads["ignores_contact_limits"] = got[1]
            r.found["ignores_contact_limits"] = [got[0]]

    def _learned_contact(self, r: _Reading) -> tuple[Evidence, float] | None:
        """Straight after the debtor limits contact (the rules' words, or the contact-limit head on their line at
        ``limit``), a reply the contact-limit reply head (understanding/context.py) reads as ignoring it at
        ``contact``: a call announced anyway in words the rules do not know ("I'll still need to ring you each
        month"), the calls said to be automatic, their adviser gone round. The evidence is its likeliest sentence,
        with the head's probability.

        Without a scenario only, as the other heads on a reply in its context: at a scenario's nodes the author's
        flags and routes say what the debtor asked."""
        learned = r.learned
        if r.ctx.scenario is not None or learned is None or "contact" not in learned.context_heads:
            return None
        line = r.ctx.debtor_line
        if not may_ignore_limit(r.text, line, lambda: learned.limits_contact(line) >= learned.thresholds.limit,
                                r.masked):
            return None
        p = learned.ignores_limit(r.text, line)
        if p < learned.thresholds.contact:
            return None
        ev = _likeliest_sentence(r, learned.ignores_limit)
        return None if ev is None else (ev, p)

    def _step_dispute(self, r: _Reading) -> None:
        """Reads text, masked, ask, ctx.debtor_line; adds denies_dispute_rights (unsure on two guesses), by_heads."""
        ev = _brushes_dispute_aside(r.text, r.masked, r.ask, r.ctx.debtor_line)
        if ev is not None:
            r.found.setdefault("denies_dispute_rights", []).append(ev)
            return
        got = self._learned_brush(r)
        if got is None:
            return
        ev, p = got
        if "denies_dispute_rights" not in r.found:
            r.by_heads["denies_dispute_rights"] = p
        if _THEY_DISPUTE.search(r.ctx.debtor_line) or speaks_of_money(r.text) and not puts_money_aside(r.text):
            r.found.setdefault("denies_dispute_rights", []).append(ev)
        else:
            # Two learned guesses in a row (the dispute head says the line questions the debt, the brush head that
            # the reply carries on regardless), and the reply speaks of no money it does not put aside: possible. On
            # the read dev sets the dispute head alone had opened the way for 11 of the 12 lawful replies this
            # failed ("My husband doesn't know about this debt." -> "That sounds like a heavy thing to carry").
            r.unsure.setdefault("denies_dispute_rights", [ev])

    def _learned_brush(self, r: _Reading) -> tuple[Evidence, float] | None:
        """Straight after the debtor questions the debt, a reply the brush-aside head (understanding/context.py)
        reads as carrying on regardless ("Totally understand. Shall we set up $40 a month?", "Noted. Card or bank
        transfer?"), where the rules see no denial and no ask they know. The evidence is its most brush-like
        sentence, with the head's probability. Nothing counts that takes the dispute up in words the rules know
        (``may_brush_aside``).

        Without a scenario only: at the shipped scenarios' nodes (the words decide what is a dispute there) it failed
        more lawful new-hire replies on the grounded halves (dev 0.011 -> 0.023) than the harmful ones it caught."""
        learned = r.learned
        if r.ctx.scenario is not None or learned is None or "brush" not in learned.context_heads:
            return None
        if not self._dispute_signal(r.ctx) or not may_brush_aside(r.text, r.spans):
            return None
        p = learned.brushes_aside(r.text, r.ctx.debtor_line)
        if p < learned.thresholds.brush:
            return None
        ev = _likeliest_sentence(r, learned.brushes_aside)
        return None if ev is None else (ev, p)

    def _step_disclosure(self, r: _Reading) -> None:
        """Reads ctx.scenario, ctx.flags, ctx.debtor_line, text, amounts; adds third_party_disclosure."""
        if r.ctx.scenario is not None:
            self._check_disclosure(r.ctx.scenario, r.ctx.flags, r.text, r.amounts, r.found)
        elif _someone_else_answered(r.ctx.debtor_line) and (details := _told_to_someone_else(r.text, r.amounts)):
            r.found.setdefault("third_party_disclosure", []).extend(details)

    def _step_jurisdiction(self, r: _Reading) -> None:
        """Reads ctx.scenario, found; drops debt_collector_disclosure outside the US (it only means something there)."""
        if r.ctx.scenario is not None and r.ctx.scenario.jurisdiction.value != "US":
            r.found.pop("debt_collector_disclosure", None)

    def _step_learned_violations(self, r: _Reading) -> None:
        """Reads found, learned_ids, learned, signals, text, masked, ctx, amounts; adds rule_ids, unsure, violations."""
        # What the rules found (learned empathy apart), before the learned layer's violations join it; those are
        # checked against the facts like the rules' are: confident ones to found, less certain ones to unsure.
        r.rule_ids = set(r.found) - r.learned_ids - set(r.by_heads)
        if r.learned is not None:
            validated = [] if "validation" in r.learned_ids else r.found.get("validation", [])
            self._apply_learned(r.learned, r.signals, r.text, r.masked, r.ctx, r.amounts, r.found, r.unsure, validated)
            self._confirm_rule_threats(r)
        elif self.use_learned:
            r.notes.append(learned_status())

    def _step_no_credit_inside_violations(self, r: _Reading) -> None:
        """Reads found, text, epi, calm; drops credit in a sentence that breaks a rule, and calm beside a push."""
        # "Could your partner chip in so we can get it all cleared today?" presses; it does not also explore their
        # circumstances. What the sentence states as fact (who is calling, the balance) still stands.
        assert r.epi is not None
        by_id = self.rubric.by_id
        bad = [_sentence_bounds(r.text, e.start, e.end) for bid, ev in r.found.items() if by_id[bid].is_violation
               for e in ev if self._costs_credit(bid, e, r)]
        if r.calm and any(b in r.found for b in _PRESSURE_IDS):
            # "No rush at all, take your time. Shall we set up a small plan while I've got you?": reassurance in a
            # reply that presses for money is no reaction, and acknowledges nothing before the ask.
            bad += [_sentence_bounds(r.text, e.start, e.end) for e in r.calm]
        if not bad:
            return

        def inside(e: Evidence) -> bool:
            return any(e.start < t and e.end > s for s, t in bad)

        for bid in [b for b in r.found if by_id[b].kind == "reward" and b not in _STATED_FACTS]:
            kept = [e for e in r.found[bid] if not inside(e)]
            if kept:
                r.found[bid] = kept
            else:
                del r.found[bid]
        for mech in (r.epi.er, r.epi.ip, r.epi.ex):
            if mech.evidence and all(inside(e) for e in mech.evidence):
                mech.level, mech.evidence[:] = 0, []

    @staticmethod
    def _costs_credit(bid: str, e: Evidence, r: _Reading) -> bool:
        """Does this violation's sentence lose its credit? Contempt or shaming only as the rules find it, and not
        a stray swear word: the empathy score's own deductions follow the same line (``_empathy``), because what
        only the learned layer reads as contempt in peer support ("that's fucked up, how are you holding up?")
        costs more agreement with human raters than it adds."""
        if bid not in ("abusive_language", "coercive_shaming"):
            return True
        return _by_rules(bid, e, r.signals) and not _PROFANITY.fullmatch(e.text)

    def _step_detections(self, r: _Reading) -> None:
        """Reads found, signals, rule_ids, by_heads, unsure, ctx; adds behaviours, violations, possible (its law)."""
        for bid, ev in r.found.items():
            b = self.rubric.by_id[bid]
            det = self._detection(b, ev, signal=r.signals.get(bid), rule=bid in r.rule_ids)
            (r.violations if b.is_violation else r.behaviours).append(self._by_head(r, det))
        r.possible = [self._by_head(r, self._detection(self.rubric.by_id[bid], ev, signal=r.signals.get(bid),
                                                       rule=False))
                      for bid, ev in r.unsure.items() if bid not in r.found]
        if r.ctx.scenario is not None:  # in a US call a why cites US law only, in a UK call UK law
            where = r.ctx.scenario.jurisdiction.value
            for found in (r.behaviours, r.violations, r.possible):
                found[:] = [replace(d, why=for_jurisdiction(d.why, where)) for d in found]
        order = {bid: i for i, bid in enumerate(self.rubric.ids)}
        r.behaviours.sort(key=lambda d: order[d.id])
        r.violations.sort(key=lambda d: order[d.id])
        r.possible.sort(key=lambda d: order[d.id])

    @staticmethod
    def _by_head(r: _Reading, det: Detection) -> Detection:
        """A detection only a head on the reply in its context made (pressing, brushing a dispute aside) says
        so: learned, at the head's probability, like the corpus line of its id nearest its evidence, and never
        "rule" at full confidence."""
        p = r.by_heads.get(det.id)
        if p is None or det.id in r.rule_ids or r.learned is None:
            return det
        if det.source == "learned":  # the violation head saw it too: keep its example, and the surer of the two
            return replace(det, confidence=max(p, det.confidence))
        return replace(det, source="learned", confidence=p, example=r.learned.like(det.id, det.evidence[0].text)[0])

    def _step_scores(self, r: _Reading) -> None:
        """Reads epi, found, ctx, amounts, signals, ask_before_ack; adds epitome (levels), empathy, deescalation."""
        assert r.epi is not None
        r.epitome = self._levels(r.epi, r.found, r.ctx, r.amounts)
        # What the rules found, without the sentences the learned layer added as evidence.
        signals = r.signals
        by_rules = {b: [e for e in ev if _by_rules(b, e, signals)] for b, ev in r.found.items()}
        r.empathy = self._empathy(r.epitome, r.found, {b: ev for b, ev in by_rules.items() if ev})
        r.deescalation = self._deescalation(r.found, r.ask_before_ack)

    def _step_repeats(self, r: _Reading) -> None:
        """Reads text, spans, ctx.earlier_replies, empathy, deescalation; lowers both for repeats, adds fresh."""
        factor = _repeat_factor(r.text, r.spans, r.ctx.earlier_replies)
        r.fresh = factor
        if factor < 1.0:
            # The same words pasted again earn less each time (half, then a quarter, ...).
            deesc = r.deescalation
            r.empathy = round(r.empathy * factor, 1)
            r.deescalation = round(min(deesc, 55.0) + (deesc - min(deesc, 55.0)) * factor, 1)
            r.notes.append("Much of this reply repeats what you said earlier in the call, so it earns less each time: "
                           "say it in new words that answer what they just told you.")

    def _step_acts(self, r: _Reading) -> None:
        """Reads text, spans, amounts, asks_payment, questions, behaviours, learned, wrong_name; adds acts."""
        ruled = acts_by_rule(r.text, r.ctx, r.amounts, r.asks_payment, r.questions,
                             {d.id for d in r.behaviours})
        learned: dict[str, float] = r.learned.acts(r.text, r.spans) if r.learned is not None else {}
        if learned:
            # The scorer's asks_payment is wider than the act (a plan proposed is money sought, for the
            # pressure checks): on the held-out replies it marks the act with precision 0.39, the head alone
            # 0.82 (docs/scoring.md, "Dialogue acts"). Without the heads, the rule stands in.
            ruled.discard("asks_payment")
        limits = r.learned.act_thresholds if r.learned is not None else {}
        heard = {a for a, p in learned.items() if p >= limits.get(a, 1.0)}
        if not r.amounts:
            heard.discard("states_balance")  # the balance is stated only with a figure
        if "asks_identity" in ruled | heard and not _INTRODUCES.search(r.text):
            # Saying who you are takes words that introduce someone: the head alone read identity questions
            # ("hello, is that rosematy delgado?", "it's about your unpaid Cedar Valley Bank bill, who am I
            # talking to?") as introductions, and the debtor then asked again who was calling.
            heard.discard("says_who_they_are")
        if r.wrong_name is not None:
            # "is this connor?" to Theo's mother asks for nobody she knows: no line may answer it as a question
            # about Theo ("Theo? No, this is his mom").
            ruled.discard("asks_identity")
            heard.discard("asks_identity")
        r.acts = tuple(a for a in ACT_IDS if a in ruled or a in heard)

    def _step_assemble(self, r: _Reading) -> None:
        """Reads all of the above; adds turn: the TurnScore, its better alternative, evidence as typed."""
        assert r.epi is not None and r.expanded is not None
        epi = r.epi
        turn = TurnScore(
            empathy=r.empathy,
            deescalation=r.deescalation,
            epitome=r.epitome,
            behaviours=tuple(r.behaviours),
            violations=tuple(r.violations),
            amounts=tuple(r.amounts),
            asks_payment=r.asks_payment,
            notes=tuple(dict.fromkeys(r.notes)),
            advice=tuple(r.advice),
            epitome_evidence={
                "ER": tuple(epi.er.evidence), "IP": tuple(epi.ip.evidence), "EX": tuple(epi.ex.evidence)
            },
            possible=tuple(r.possible),
            understanding="" if r.learned is not None or not self.use_learned else learned_status(),
            fresh=r.fresh,
            acts=r.acts,
        )
        better = self.better_alternative(turn, r.ctx, r.typed)
        if better is not None:
            turn = TurnScore(**{**turn.__dict__, "better": better})
        r.turn = _as_typed(turn, r.expanded, r.typed)

    # The steps in the order ``score`` runs them. Each reads only what the steps before it set (its docstring
    # says what it reads and what it adds). The order matters where steps share findings:
    # - epitome takes the EPITOME behaviours detect_patterns found as its extra evidence (out of found, back in
    #   as the analysis reports them) and reads its false_empathy as hollow;
    # - thanks_after_disclosure, epitome, learned_empathy and guided_choices add every acknowledging behaviour
    #   before acknowledge_before_ask looks for the first one (learned warmth can acknowledge) and before
    #   premature_advice asks whether anything acknowledged the hardship;
    # - amounts_and_asks comes before acknowledge_before_ask, pressure, debt_facts and disclosure, which read it;
    # - threats come before debt_facts: a true credit-file claim drops the honest consequence threats added;
    # - the rule checks (threats .. jurisdiction) come before learned_violations, which notes what the rules found
    #   (rule_ids) before adding the learned layer's violations;
    # - detections, scores, repeats and assemble read the finished findings.
    PIPELINE: ClassVar[tuple[Callable[[Scorer, _Reading], None], ...]] = (
        _step_read_text,
        _step_detect_patterns,
        _step_own_firm,
        _step_own_name,
        _step_thanks_after_disclosure,
        _step_epitome,
        _step_learned_empathy,
        _step_guided_choices,
        _step_amounts_and_asks,
        _step_acknowledge_before_ask,
        _step_premature_advice,
        _step_threats,
        _step_debt_facts,
        _step_pressure,
        _step_contact,
        _step_dispute,
        _step_disclosure,
        _step_jurisdiction,
        _step_learned_violations,
        _step_no_credit_inside_violations,
        _step_detections,
        _step_scores,
        _step_repeats,
        _step_acts,
        _step_assemble,
    )

    def _epitome_behaviours(
        self,
        epi: EpitomeResult,
        found: dict[str, list[Evidence]],
        hollow: list[tuple[int, int]],
        extra: Mapping[str, list[Evidence]],
    ) -> None:
        """Report the EPITOME evidence as behaviours, minus anything inside a hollow "sorry, but"."""

        def keep(ev: list[Evidence]) -> list[Evidence]:
            return [e for e in ev if not any(a <= e.start < b or e.start <= a < e.end for a, b in hollow)]

        er = keep(epi.er.evidence) if epi.er.level else []
        pairs = (("emotional_reaction", er), ("interpretation", keep(epi.reflections)),
                 ("exploration", epi.explorations), ("self_disclosure", keep(epi.self_disclosure)),
                 ("paraphrase", epi.restatements + epi.checks))
        for bid, ev in pairs:
            if ev and bid in self.rubric.by_id:
                found.setdefault(bid, []).extend(ev)
        if epi.er.level and not er:
            epi.er.level = 0
        if not keep(epi.reflections) and not keep(epi.self_disclosure) and epi.ip.level and hollow:
            epi.ip.level = 0

    def _levels(self, epi: EpitomeResult, found: Mapping[str, list[Evidence]], ctx: ScoringContext,
                amounts: list[Amount] | None = None) -> dict[str, int]:
        er, ip, ex = epi.er.level, epi.ip.level, epi.ex.level
        text = epi.text
        # Checking back a payment ("So you'll pay the full £4,318.62 on Monday?") is not understanding them.
        money_spans = [(a.start, a.end) for a in amounts or [] if a.role in ("plan", "lump_sum")]

        def about_money(e: Evidence) -> bool:
            s, t = sentence_at(epi.spans, e.start, len(text))
            return any(s <= a < t for a, _ in money_spans) or bool(payment_asks(text[s:t])) \
                or bool(_YOU_PAY.search(text[s:t]))

        checks = {(e.start, e.end) for e in epi.checks}

        def kept(bid: str) -> list[Evidence]:
            return [e for e in found.get(bid, []) if not about_money(e) and (e.start, e.end) not in checks]

        restated, normalised = kept("paraphrase"), kept("validation")
        if ip < 2 and (restated or normalised):
            # Restating their facts shows understanding; strongly so when it picks up their own words ("anyone
            # would struggle to open letters while recovering"). Normalising alone ("you're not the only one",
            # "it happens to lots of people") is validation, not yet understanding of *their* situation (EPITOME
            # raters do not count it): it raises the level only when it takes up what they said.
            theirs = content_words(ctx.debtor_line)
            echoes = any(theirs & content_words(text[e.start : sentence_at(epi.spans, e.start, len(text))[1]])
                         for e in restated + normalised)
            if echoes:
                ip = 2
            elif restated:
                ip = max(ip, 1)
        # A guided choice the author says stands for a behaviour counts at least as a weak level.
        chosen = set(ctx.counts_as)
        if "emotional_reaction" in chosen:
            er = max(er, 1)
        if chosen & {"interpretation", "self_disclosure"}:
            ip = max(ip, 2)
        if "exploration" in chosen:
            ex = max(ex, 2)
        if er == 1 and "apology_for_impact" in found:
            er = 2
        return {"ER": er, "IP": ip, "EX": ex}

    # ---- compliance against the facts --------------------------------------------------------
    def _check_threats(
        self,
        text: str,
        spans: list[tuple[int, int]],
        masked: list[tuple[int, int]],
        scenario: Scenario | None,
        found: dict[str, list[Evidence]],
        notes: list[str],
    ) -> None:
        debt = scenario.debt if scenario else None
        intended = set(debt.actions.intended) if debt else set()
        lawful = set(debt.actions.lawful) if debt else set()
        time_barred = bool(debt and debt.time_barred)
        for action, rx in ACTION_PATTERNS.items():
            for m in rx.finditer(text):
                if inside(m.start(), masked):
                    continue
                sent = sentence_at(spans, m.start(), len(text))
                sentence = text[sent[0] : sent[1]]
                if _THREATENED_WITH.search(text[max(sent[0], m.start() - 50) : m.start()]):
                    continue  # "after being threatened with bailiffs": a threat someone made, told back to them
                if negated(text, m.start()) and not _CONDITIONAL_RELIEF.search(sentence):
                    if debt is not None and action in _SEVERE_ACTIONS and (action not in intended or time_barred) \
                            and not (action == Action.legal_action and not time_barred and action in lawful):
                        # "we won't take it to court" when the facts say nobody will: honest about what comes next
                        found.setdefault("honest_consequences", []).append(_span_of(text, sent))
                    continue
                framed = bool(_THREAT_FRAME.search(sentence))
                honest = action in intended and (not lawful or action in lawful)
                if action == Action.legal_action and time_barred:
                    honest = False
                if honest:
                    found.setdefault("honest_consequences", []).append(Evidence(m.group(0), m.start(), m.end()))
                elif action in _SEVERE_ACTIONS and framed:
                    if action == Action.legal_action and _THEIR_LAWYER.search(sentence) \
                            and not _OUR_LEGAL.search(sentence):
                        continue  # "you can get your own solicitor to look at it" is not a threat
                    if action == Action.legal_action and _PROBATE.search(sentence) \
                            and not _AGAINST_THEM.search(sentence):
                        continue  # "has the court appointed someone?": the probate court, not a claim
                    if action == Action.legal_action and "further" in m.group(0).lower() \
                            and (_CONSUMER_ROUTE.search(text[max(sent[0], m.start() - 40) : m.start()])
                                 or _COMPLAINT_ROUTE.search(sentence)):
                        continue  # "you can take it further with the ombudsman": their right, not our threat
                    found.setdefault("threat_unintended_action", []).append(_span_of(text, sent))
                    if debt is None:
                        notes.append(f"No debt facts given: '{m.group(0)}' was treated as not intended.")
        if time_barred:  # "so ur right, its statute barred": the debt's true standing, said plainly
            for m in _SAYS_BARRED.finditer(text):
                if not inside(m.start(), masked) and not negated(text, m.start()):
                    found.setdefault("honest_consequences", []).append(Evidence(m.group(0), m.start(), m.end()))
        # The police for a debt is a threat of a crime, except when pointing to real safety help.
        for m in _POLICE.finditer(text):
            if inside(m.start(), masked):
                continue
            sent = sentence_at(spans, m.start(), len(text))
            sentence = text[sent[0] : sent[1]]
            if _SAFETY_CONTEXT.search(sentence):
                continue
            if (negated(text, m.start()) or NEGATORS.search(m.group(0))) \
                    and not _CONDITIONAL_RELIEF.search(sentence):
                continue  # "nobody will call the police", "the police aren't involved in anything like this"
            found.setdefault("threat_arrest_or_crime", []).append(Evidence(m.group(0), m.start(), m.end()))
        # "You won't be arrested if you pay today" still says they could be.
        lower = lowered(text)
        for gate in self.rubric.gated("threat_arrest_or_crime"):
            for m in gate.finditer(text, lower):
                if inside(m.start(), masked) or not negated(text, m.start()):
                    continue
                s, t = sentence_at(spans, m.start(), len(text))
                sentence = text[s:t]
                if _CONDITIONAL_RELIEF.search(sentence):
                    found.setdefault("threat_arrest_or_crime", []).append(Evidence(m.group(0), m.start(), m.end()))

    def _check_amounts(self, debt: Debt, amounts: list[Amount], found: dict[str, list[Evidence]],
                       theirs: Sequence[float] = ()) -> None:
        """``theirs``: the debtor's own figures (their words, their story, their budget and its totals); read
        back, they are not a statement of the balance ("a couple who still owe you £1,400")."""
        known = debt.known_amounts()
        fees = debt.fee_amounts()
        for a in amounts:
            if a.role == "owed":
                ok = _near(a.value, known)
                if not ok and _near(a.value, theirs):
                    continue
                target = "accurate_balance" if ok else "misstated_balance"
                found.setdefault(target, []).append(Evidence(a.text, a.start, a.end))
            elif a.role == "fee":
                if not any(abs(a.value - f) <= max(0.5, f * 0.01) for f in fees):
                    found.setdefault("misstated_balance", []).append(Evidence(a.text, a.start, a.end))

    def _check_fees(
        self, debt: Debt, text: str, masked: list[tuple[int, int]], found: dict[str, list[Evidence]]
    ) -> None:
        """New fees: adding a fee or charge is unauthorised (CONC 7, FDCPA 1692f) unless the facts hold it, and
        naming a kind of fee the facts do not have at all is misleading."""
        has_fees = bool(debt.fee_amounts())
        for m in _FEE_WORDS.finditer(text):
            if inside(m.start(), masked) or negated(text, m.start()):
                continue
            adding = bool(_ADDING_FEE.search(text[max(0, m.start() - 40) : m.end()]))
            if has_fees and not adding:
                continue
            if re.search(r"\b(no|without|waive\w*|remove\w*|refund\w*|freeze|frozen|stop\w*)\b",
                         text[max(0, m.start() - 30) : m.end() + 20], re.I):
                continue
            found.setdefault("misstated_balance", []).append(Evidence(m.group(0), m.start(), m.end()))

    def _check_credit(
        self,
        debt: Debt,
        text: str,
        spans: list[tuple[int, int]],
        masked: list[tuple[int, int]],
        found: dict[str, list[Evidence]],
    ) -> None:
        """Credit-file claims against the facts: promising nothing will show when reporting is intended, or
        threatening reporting that is not."""
        intended = Action.credit_reporting in debt.actions.intended
        rx = _CREDIT_CLEAN if intended else _CREDIT_THREAT
        matches = list(rx.finditer(text))
        if intended:
            matches += [m for m in _CREDIT_ERASE.finditer(text)
                        if _credit_promise(text[slice(*sentence_at(spans, m.start(), len(text)))])
                        and not any(o.start() <= m.start() < o.end() for o in matches)]
        for m in matches:
            if inside(m.start(), masked):
                continue
            s, t = sentence_at(spans, m.start(), len(text))
            sent = text[s:t]
            if not intended and (negated(text, m.start()) or not _THREAT_FRAME.search(sent)):
                continue
            found.setdefault("false_credit_claim", []).append(Evidence(m.group(0), m.start(), m.end()))
            if intended:
                hc = found.get("honest_consequences", [])
                found["honest_consequences"] = [e for e in hc if not (m.start() <= e.start < m.end())]
                if not found["honest_consequences"]:
                    del found["honest_consequences"]

    def _check_pressure(
        self,
        text: str,
        ctx: ScoringContext,
        asks_payment: bool,
        ask: re.Match[str] | None,
        amounts: list[Amount],
        found: dict[str, list[Evidence]],
    ) -> None:
        """Payment requests after a vulnerability, crisis, capacity or Breathing Space signal."""
        roles = _active_roles(ctx)
        # "The money really doesn't matter right now": money said to matter little, or to wait, is no push.
        pressing = next((m for m in _PRESSING.finditer(text) if not negated(text, m.start())
                         and not _MONEY_CAN_WAIT.search(m.group(0))
                         and not _not_asking(text, m.start())
                         and not _AFFORDABLE_AFTER.match(text, m.end()) and not _offer_declined(text, m)
                         and not _REASSURED.search(text[max(0, m.start() - 80) : m.start()])
                         and not _DEFERRED_BEFORE.search(text[max(0, m.start() - 30) : m.start()])
                         and not re.match(r"(i'?m|i am|we'?re|we are) not", text[max(0, m.start() - 40) : m.start()]
                                          .split(".")[-1].strip(), re.I)
                         and not _need_may_arise(text, m)), None)
        if not pressing:
            pressing = next((re.search(r"\S+", text[a.start:]) for a in amounts if a.role == "lump_sum"
                             and re.search(r"\b(today|now|right away|immediately)\b", text[a.end:a.end + 30], re.I)),
                            None)
        # A plan or a sum put to them is a request too ("I'm so sorry. Shall we say £20 on Friday?"); one said
        # to be paused or not wanted is not ("Your £25 plan is on hold and nobody will ask you for it").
        named = any((a.role in ("plan", "lump_sum") or a.role == "other" and _WHEN_PAID.match(text, a.end))
                    and _puts_sum(text, a) for a in amounts)
        vulnerable_now = self._crisis_signal(ctx)
        if vulnerable_now and ask is None:
            ask = next((m for m in _CRISIS_PUSH.finditer(text) if _pushes(text, m)), None)
        if not (asks_payment or pressing or named or ask):
            return
        # Straight after a crisis, capacity or Breathing Space signal even a plain ask is pressing ("I'm so
        # sorry. Could we set up a small payment today?"), unless it takes up what they offered themselves.
        asked_in_crisis = vulnerable_now and (ask is not None or named) and not _DEBTOR_OFFERS.search(ctx.debtor_line)
        if "stop_collection" in roles and (asks_payment or pressing) or (
            ("vulnerability" in roles or vulnerable_now) and pressing
        ) or asked_in_crisis:
            span = ask or pressing
            ev = Evidence(span.group(0), span.start(), span.end()) if span else Evidence(text, 0, len(text))
            found.setdefault("pressure_after_vulnerability", []).append(ev)

    def _check_contact(
        self, text: str, masked: list[tuple[int, int]], ctx: ScoringContext, found: dict[str, list[Evidence]]
    ) -> None:
        """Calling again after they asked you to stop, to write, or to go through their lawyer or adviser (but not
        at the time they asked to be called); carrying on after they object to the hour or how often, or ask to be
        called later."""
        if not limits_contact_words(ctx.debtor_line):
            return
        stop = _stop_asked(ctx.debtor_line)
        if not stop and _PLACE_NOT.search(ctx.debtor_line):
            # "Don't call me at work": a call is kept only when it names another line ("I'll use your mobile
            # instead"); "I'll keep using this number", "a buzz at lunch then" and "I'll ring the office" break it.
            for m in _RECONTACT.finditer(text):
                s, e = _sentence_bounds(text, m.start(), m.end())
                if inside(m.start(), masked) or negated(text, m.start()) or _elsewhere(text[s:e]):
                    continue
                found.setdefault("ignores_contact_limits", []).append(Evidence(m.group(0), m.start(), m.end()))
            return
        asked = _LATER_CALL_ASKED.search(ctx.debtor_line)
        carry = next((m for m in _CARRY_ON.finditer(text) if not inside(m.start(), masked)), None)
        if carry is not None:
            found.setdefault("ignores_contact_limits", []).append(Evidence(carry.group(0), carry.start(), carry.end()))
        if not stop:
            return
        when = " ".join(asked.group("when").lower().split()[:2]) if asked else ""
        for m in _RECONTACT.finditer(text):
            if inside(m.start(), masked) or negated(text, m.start()):
                continue
            if when and when in text[slice(*_sentence_bounds(text, m.start(), m.end()))].lower():
                continue  # "I'm at work, call me after 6" / "I'll call back after 6 tonight": the call they asked for
            found.setdefault("ignores_contact_limits", []).append(Evidence(m.group(0), m.start(), m.end()))

    def _check_disclosure(
        self,
        scenario: Scenario,
        flags: Mapping[str, bool],
        text: str,
        amounts: list[Amount],
        found: dict[str, list[Evidence]],
    ) -> None:
        roles_on = {d.role for f, d in scenario.flags.items() if d and d.role and flags.get(f)}
        identity_flags = [f for f, d in scenario.flags.items() if d and d.role == "identity_verified"]
        unverified = bool(identity_flags) and not any(flags.get(f) for f in identity_flags)
        third_party = "third_party" in roles_on
        if not (unverified or third_party):
            return
        if third_party:
            details = _told_to_someone_else(text, amounts)
        else:
            details = [Evidence(a.text, a.start, a.end) for a in amounts]
            details += [Evidence(m.group(0), m.start(), m.end()) for m in _DEBT_DETAIL.finditer(text)
                        if m.group(0).lower() not in ("collection", "collections")]
        # Naming the creditor as theirs ("about your Cedar Valley Bank card") tells whoever answered that the
        # person owes it money. Saying who you work for ("Chris from Orchard Lane Credit") is not that.
        # When the creditor itself is calling (no collector in the facts), its name is who is calling ("It's
        # Fernhill Bank, could I confirm your date of birth?") unless it is named as theirs ("your Fernhill card").
        creditor = scenario.debt.creditor
        caller_is_creditor = not scenario.debt.collector
        if creditor:
            for m in re.finditer(re.escape(creditor), text, re.I):
                before = text[max(0, m.start() - 30) : m.start()]
                if third_party or not (_OWN_COMPANY.search(before) or (
                        caller_is_creditor and not _THEIRS_BEFORE.search(before))):
                    details.append(Evidence(m.group(0), m.start(), m.end()))
        if details:
            found.setdefault("third_party_disclosure", []).extend(details)

    # ---- the learned layer -------------------------------------------------------------------
    def _apply_learned(
        self,
        learned: Learned,
        signals: dict[str, Signal],
        text: str,
        masked: list[tuple[int, int]],
        ctx: ScoringContext,
        amounts: list[Amount],
        found: dict[str, list[Evidence]],
        unsure: dict[str, list[Evidence]],
        validated: Sequence[Evidence] = (),
    ) -> None:
        """Violations and penalties the learned heads see: confident ones count, less certain violations
        are kept as *possible*. Quoted or reported speech, and what the debt facts make true, do not count;
        nor does shaming in a sentence the rules read as validating them (``validated``) with no
        turn to money or a "but" ("these people are very good at what they do, and it happens to all kinds of
        people").

        A sentence's violation is decided on the sum of the two largest violation shares that survive the
        checks (the head's classes compete, so one clear violation can be split between two close ids) and
        named by the largest; ``signals`` then holds that sum as the named label's confidence. Only two: a
        share spread thinly over many ids is the head not knowing, not a violation."""
        th = learned.thresholds
        for label in PENALTIES:
            sig = signals.get(label)
            if sig is None or label not in self.rubric.by_id or sig.prob < th.penalty:
                continue
            if not self._learned_allowed(label, sig.start, sig.end, text, masked, ctx, amounts):
                continue
            if label == "blaming" and _OUR_FAULT.search(text[sig.start : sig.end]):
                continue  # "That's on us, not you": taking the fault is the opposite of blaming them
            if label == "minimising" and any(sig.start <= e.start < sig.end for b in ("validation", "interpretation")
                                             for e in found.get(b, [])):
                continue  # "it makes sense that it feels big": the rules found it validated, not played down
            if label == "false_empathy" and not _HOLLOW_TURN.search(text[sig.start : sig.end]) and any(
                    sig.start <= e.start < sig.end for b in ("validation", "interpretation", "emotional_reaction",
                                                             "apology_for_impact") for e in found.get(b, [])):
                continue  # "I get why this feels so unfair": understanding with no turn to money is not hollow
            found.setdefault(label, []).append(Evidence(text[sig.start : sig.end], sig.start, sig.end))
        units: dict[tuple[int, int], tuple[tuple[str, float], ...]] = {}
        for label in VIOLATIONS:
            sig = signals.get(label)
            if sig is not None:
                units.setdefault((sig.start, sig.end), sig.unit_violations or ((label, sig.prob),))
        pressing_shares = any(lab in ("undue_pressure", "pressure_after_vulnerability") and p >= 0.05
                              for shares in units.values() for lab, p in shares)
        if pressing_shares and self._crisis_signal(ctx):
            # Straight after a crisis signal, pressing for money is pressure after a vulnerability whichever of
            # the two the head named ("ok, but what can you pay this month?" reads as plain undue pressure).
            units = {span: _merge_shares(shares, "undue_pressure", "pressure_after_vulnerability")
                     for span, shares in units.items()}
        decided: dict[str, Signal] = {}  # per violation, its strongest sentence (one, like the rules' evidence)
        for (start, end), shares in units.items():
            calm = not _HOLLOW_TURN.search(text[start:end]) and any(start <= e.start < end for e in validated)
            kept = tuple((lab, p) for lab, p in shares if lab in self.rubric.by_id
                         and not (calm and lab == "coercive_shaming")
                         and self._learned_allowed(lab, start, end, text, masked, ctx, amounts))
            mass = sum(p for _, p in kept[:2])
            if not kept or mass < th.violation_possible:
                continue
            label = kept[0][0]
            if label not in decided or mass > decided[label].prob:
                own = signals.get(label)
                decided[label] = Signal(label, round(mass, 4), start, end, own.nearest if own else ("", ""), kept)
        for label, sig in decided.items():
            ev = Evidence(text[sig.start : sig.end], sig.start, sig.end)
            if label == "false_credit_claim" and ctx.scenario is None and _reported_as_fact(ev.text):
                # "It's already reporting as a collection": with no facts to say otherwise, how the debt is
                # reported now is an honest consequence, not a lie; the head's sign is kept for review.
                if label not in found:
                    unsure[label] = [ev]
                continue
            # Straight after the debtor questions the debt, a sentence the head finds like a denial of their
            # right to dispute ("Honestly mate, it's your card, end of") is one, even below the confident
            # threshold. Without a scenario only: in one, the author's lines are read by the rules as before.
            if sig.prob >= th.confident(label) or (label == "denies_dispute_rights" and ctx.scenario is None
                                                   and self._dispute_signal(ctx)):
                found.setdefault(label, []).append(ev)
            elif label not in found:
                unsure[label] = [ev]
        signals.update(decided)

    def _confirm_rule_threats(self, r: _Reading) -> None:
        """Without a scenario no debt facts say which actions are intended, so a rule's threat match is only a
        word in a frame ("Only a court could authorise that"); it fails the call when the learned layer also
        sees a threat somewhere in the reply (threat share at least ``thresholds.threat_agreement``), and is
        otherwise kept as *possible*. In a scenario the facts decide, as before."""
        assert r.learned is not None
        if r.ctx.scenario is not None:
            return
        mass = sum(r.signals[lab].prob for lab in _THREAT_LABELS if lab in r.signals)
        if mass >= r.learned.thresholds.threat_agreement:
            return
        for label in _THREAT_LABELS:
            if label in r.found and label in r.rule_ids:
                sentences_of = (_sentence_bounds(r.text, e.start, e.end) for e in r.found[label])
                if any(_ULTIMATUM.search(r.text[s:t]) for s, t in sentences_of):
                    continue  # "ring me today, otherwise we'll have to take things further": said as a condition
                r.unsure[label] = r.found.pop(label)

    def _crisis_signal(self, ctx: ScoringContext) -> bool:
        """Did the debtor's last line give a crisis, capacity or Breathing Space signal? The plain words
        (``_VULNERABLE``); without a scenario, also the crisis head (understanding/crisis.py). In a scenario
        the author's flags say what was disclosed (``_check_pressure`` reads them), and the head, which reads
        an angry "I don't need a lecture" as distress more often than a flag would, is not asked."""
        if vulnerable_words(ctx.debtor_line):
            return True
        if ctx.scenario is not None:
            return False
        learned = get_learned() if self.use_learned else None
        return learned is not None and learned.crisis(ctx.debtor_line) >= learned.thresholds.crisis

    def _dispute_signal(self, ctx: ScoringContext) -> bool:
        """Did the debtor's last line question the debt? The dispute head (understanding/debtor.py) reads it in
        any words ("I closed that account in 2019 and got a letter saying zero balance") and knows "I'm not
        disputing it, I just can't pay" is none; on a held-out split of debtor lines by another hand it found
        0.917 of disputes at a 0.122 false rate (threshold 0.65; 0.925 at 0.139 before a batch of near lines that
        are none, 2026-12-05), the plain words (``_THEY_DISPUTE``) 0.44 at 0.18. In a scenario the words
        decide, as for the crisis head: over the shipped debtor lines the head
        marks 51 of 597 that are no dispute ("What's this about? I'm not buying anything", "Are you collectors?"). The
        words decide too when the learned layer cannot load. (``_brushes_dispute_aside`` still reads the words
        alone: with the head there, lawful asks after such lines failed on the blind sets.)"""
        learned = get_learned() if self.use_learned else None
        if ctx.scenario is not None or learned is None or "dispute" not in learned.debtor_heads:
            return bool(_THEY_DISPUTE.search(ctx.debtor_line))
        return learned.dispute(ctx.debtor_line) >= learned.thresholds.dispute

    def _only_about_themselves(self, text: str, start: int, end: int) -> bool:
        """Every insult word the rules see in ``text[start:end]`` is the speaker's about themselves, or denied
        ("you're clearly not an idiot"), and there is at least one."""
        unit, lower = text[start:end], lowered(text[start:end])
        hits = [m for rx in self.rubric.gated("abusive_language") for m in rx.finditer(unit, lower)
                if m.end() > m.start()]
        return bool(hits) and all(_about_themselves(unit, m.start(), m.end()) or negated(unit, m.start())
                                  for m in hits)

    def _learned_allowed(self, label: str, start: int, end: int, text: str, masked: list[tuple[int, int]],
                         ctx: ScoringContext, amounts: list[Amount]) -> bool:
        """Whether a learned sign of ``label`` in ``text[start:end]`` may count: not quoted or reported, not
        made true by the debt facts, not a denied threat, and (for pressure) framed as one."""
        unit = text[start:end]
        quoted = sum(min(b, end) - max(a, start) for a, b in masked if a < end and b > start)
        if quoted * 2 > len(unit) or not self._facts_allow(label, unit, ctx, amounts, start, end):
            return False
        if label in _NOT_IN_SUPPORT and _asks_who_supports_them(unit):
            return False  # "Is there someone who can be with you tonight?": who is with them, no contempt, no push
        if label == "abusive_language" and self._only_about_themselves(text, start, end):
            return False  # "I felt like such an idiot the first time I got one": what the rules let go
        # "Legally we can't sue you": no threat is made. The head itself tells a threat from a mention (its
        # corpus has the contrasts), so a learned threat needs no future-tense frame the way a rule's match
        # does: "the lawsuit paperwork is already drafted", "the legal team are itching to file" threaten.
        # A sentence only about what has happened ("Losing your tools meant losing a week's pay, on top of
        # losing the truck") threatens nothing either.
        if label in _THREAT_LABELS and (_denied_threat(unit) or _past_only(unit)):
            return False
        if label == "pressure_after_vulnerability" and ctx.scenario is None and debtor_offers(ctx.debtor_line) \
                and not self._crisis_signal(ctx):
            return False  # "Can I pay by card?" "Yes, I can take a card payment now": their own offer, no disclosure
        if label in _THREAT_LABELS and _THEIR_SIDE.match(unit) and not _WE_OR_I.search(unit) \
                and not any(rx.search(unit) for rx in ACTION_PATTERNS.values()):
            return False  # "The ombudsman will take your case even if not a penny has been paid": not our action
        if label == "ignores_contact_limits" and place_limit_only(ctx.debtor_line) and _elsewhere(unit):
            return False  # "Don't call me at work" -> "I'll call your mobile instead": the place kept
        if label == "ignores_contact_limits" and _AS_THEY_ASKED.search(unit):
            return False  # "I've got your work number on file, but I'll only ever call your mobile as you asked"
        if label == "ignores_contact_limits" and not _OTHER_PLACE.search(unit) \
                and _hour_kept(text, masked, ctx.debtor_line):
            return False  # "Mobile only and after seven" -> "I'll try you at 7:15 tomorrow": the hour they gave
        if label == "threat_arrest_or_crime" and (m := _NOT_A_CRIME.search(unit)) \
                and not re.search(r"\b(but|unless|if|until|becomes?|turns?)\b", unit[m.end():], re.I):
            return False  # "I know 'criminal' came up on that other call, but arrears on a loan are a civil matter"
        if label == "denies_dispute_rights" and _DISPUTE_GOES_ON.search(unit):
            return False  # "it won't stop your dispute being looked at": the dispute goes on
        if label == "pressure_after_vulnerability" and not speaks_of_money(text) and not _MEANS.search(text):
            return False  # "that's a lot to take on at 19, ur doing an amazing thing": no money, sum or date at all
        if label in _PRESSURE_IDS and _money_denied(unit):
            return False  # "so let's not set any payment today": the only money in it is money not asked for
        if label in _PRESSURE_IDS and _left_to_their_wish(unit):
            return False  # "If you'd still like to put something in voluntarily, I'd ...": theirs to choose
        if label in ("undue_pressure", "pressure_after_vulnerability") and _KEEP_YOUR_MONEY.search(unit) \
                and not _FOR_US.search(unit):
            return False  # "keep that money for ur essentials": told to keep it, not to pay it
        if label in _PRESSURE_IDS and _CANT_AFFORD_IT.search(unit) and not _PRESSURE_FRAME.search(unit) \
                and not _BORROWING.search(unit) and not re.search(r"\b(if|unless|then)\b", unit, re.I):
            return False  # "£50 clearly isn't doable now": their sum granted to be too much, no push
        if label in ("undue_pressure", "threat_unintended_action") and _ACT_NO_REVIVAL.search(unit):
            return False  # "paying now wouldn't restart the clock either": what a payment does not do presses nobody
        if label == "threat_arrest_or_crime" and _fraud_on_them(unit):
            return False  # "if someone opened it in your name, that's fraud, and you're the victim"
        if label == "third_party_disclosure" and _ASKS_FOR_HOLDER.search(unit) and not re.search(r"[£$\d]", unit):
            return False  # "i'd need to speak to ur mum herself about her account": asked for, not told about
        if label not in _DENIAL_IS_THE_VIOLATION and _speaker_denies(unit):
            return False  # "I'm not going to call your sister", "your son wouldn't have to pay it personally"
        if _echo_question(unit, ctx.debtor_line):
            return False  # "Cheating on you?" to "My partner has been cheating on me": their words, asked back
        if label not in _SAID_TO_THEM and _echoes(unit, ctx.debtor_line):
            return False  # "Four calls at work, and your manager pulling you in over it": their words, reflected
        if label in _ACTS_NOT_CLAIMS and _reflects(unit, _their_story(ctx)):
            return False  # "Your truck taken at five in the morning with your tools in it": their story, told back
        if label == "implies_survivor_liability" and _ESTATE.search(unit) and not _PERSONAL_LIABILITY.search(unit):
            return False  # "It's your dad's debt and it belongs to his estate": the estate pays, which is the law
        if label == "undue_pressure" and _they_contact(unit) and not speaks_of_money(unit) and not _TO_US.search(unit):
            return False  # "If you haven't already, call your council's housing team today": their call, no money
        if label in _CONTACT_LABELS and _they_contact(unit) and (
                label == "ignores_contact_limits" or _to_the_debtor(ctx) or not _DEBT_WORDS.search(text)):
            return False  # "maybe give Jen a call tonight?": the call they make to their own people is no breach
        if (label == "undue_pressure" and unit.rstrip().endswith("?") and not _PRESSURE_FRAME.search(unit)
                and not _BORROWING.search(unit)
                and not (_ALL_AT_ONCE.search(unit) and not _OR_OTHERWISE.search(unit))):
            # "What can you pay today?" asks; pressure demands, insists, sets an ultimatum, steers them to
            # borrow ("Why not take out a small loan to clear this?") or asks for it all at once, now
            return False
        # "You have the right to dispute it and request proof" tells them the right; only a turn after it ("but",
        # "only after you pay"), a negation of it or a dismissal ("it won't change anything") makes it a denial.
        if label == "denies_dispute_rights" and _affirms_dispute(unit):
            return False
        # When the sentence sets a call for a time the rules can check, the rules decide: "I'll call you back at
        # 10 tomorrow morning" is a lawful callback, unless something else in it breaks a limit.
        if label == "ignores_contact_limits" and _lawful_call_time(unit, ctx.debtor_line):
            return False
        if label == "ignores_contact_limits" and _the_contact_they_asked_for(unit, ctx.debtor_line):
            return False
        # Naming the call's own creditor or collector is saying who is calling or what it is about: "I'm calling
        # about your Evergreen Harbor Bank credit card" poses as nobody, unless an authority is named with it.
        if label == "false_identity_or_authority" and _names_own_firm(unit, ctx) and not _AUTHORITY.search(unit):
            return False
        # "We're authorised by the Financial Conduct Authority": who regulates us, not who we are.
        if label == "false_identity_or_authority" and _REGULATED_BY.search(unit) and not _POSES_AS.search(unit):
            return False
        # "I'm glad you've got a solicitor on your side" is about their lawyer, not us.
        return not (label == "false_identity_or_authority" and _THEIR_LAWYER.search(unit)
                    and not _OUR_LEGAL.search(unit))

    def _learned_empathy(self, learned: Learned, signals: Mapping[str, Signal], epi: EpitomeResult,
                         found: dict[str, list[Evidence]], hollow: list[tuple[int, int]]) -> set[str]:
        """Warmth and understanding the heads recognise in words the rules have no pattern for. The rules stay
        in charge where they are right: a mechanism the rules already scored keeps its level; questions are
        the rules' (which are about the person, which are procedural, rhetorical or small talk); a thanks is a
        thanks for a disclosure only after one; a sentence with a negation counts only when the head is sure
        ("I'm not sorry at all" is no warmth). A mechanism the rules missed becomes weak (1), or strong (2)
        at the calibrated strong threshold. Nothing inside a hollow "sorry, but" counts."""
        th = learned.thresholds
        added: set[str] = set()
        levels: dict[str, Mechanism | None] = {"emotional_reaction": epi.er, "apology_for_impact": epi.er,
                                                "interpretation": epi.ip, "validation": None}
        missed = {id(m) for m in (epi.er, epi.ip) if m.level == 0}
        for label, mech in levels.items():
            sig = signals.get(label)
            if sig is None or sig.prob < th.empathy_weak or label not in self.rubric.by_id:
                continue
            if label in found or (mech is not None and id(mech) not in missed):
                continue  # a mechanism the rules scored keeps its level and its behaviours
            if any(a <= sig.start < b or sig.start <= a < sig.end for a, b in hollow):
                continue
            unit = epi.text[sig.start : sig.end]
            if unit.rstrip().endswith("?"):
                continue  # "How have you been coping?": a question is the rules' to read (exploration, or not)
            if NEGATION.search(unit) and sig.prob < th.empathy_strong or _NEGATED_FEELING.search(unit):
                continue
            if _OWN_STORY.search(unit) and not YOU.search(unit):
                continue  # "It sucks how my anxiety ruins everything": the speaker's own story
            if label == "emotional_reaction" and not (YOU.search(unit) or _REACTS.search(unit)):
                continue  # "I was devastated", "life is a pile of good things": feelings, but not for them
            found[label] = [Evidence(unit, sig.start, sig.end)]
            added.add(label)
            if mech is None:
                continue  # validation: a behaviour of its own; _levels decides whether it shows understanding
            mech.level = max(mech.level, 2 if sig.prob >= th.empathy_strong else 1)
            if not any(e.start == sig.start for e in mech.evidence):
                mech.evidence.append(Evidence(unit, sig.start, sig.end))
        return added

    def _facts_allow(self, label: str, unit: str, ctx: ScoringContext, amounts: list[Amount], start: int,
                     end: int) -> bool:
        """Where the debt facts decide, a learned sign counts only if the facts make it a violation."""
        debt = ctx.scenario.debt if ctx.scenario else None
        if debt is None:
            return True
        if label == "threat_unintended_action":
            intended, lawful = set(debt.actions.intended), set(debt.actions.lawful)
            named = [a for a, rx in ACTION_PATTERNS.items() if a in _SEVERE_ACTIONS and rx.search(unit)]
            honest = [a for a in named if a in intended and (not lawful or a in lawful)
                      and not (a == Action.legal_action and debt.time_barred)]
            return not named or len(honest) < len(named)
        if label == "pressure_after_vulnerability":
            # With the call's facts known, pressing is only "after a vulnerability" once one is known: a flag,
            # the debtor's last words, or the reply itself naming it.
            roles = _active_roles(ctx)
            # Anger at the call itself ("this is harassment", "I'm sick of you lot") is strong feeling, not a
            # vulnerability: HARDSHIP's words of feeling alone do not open the way.
            return bool(roles & {"vulnerability", "stop_collection"}) or any(
                _VULNERABLE.search(x) or _hardship_not_anger(x) for x in (ctx.debtor_line, unit))
        if label == "third_party_disclosure" and ctx.scenario is not None and _verified_alone(ctx) \
                and _THEIR_OWN_ACCOUNT.search(unit) and not _OTHER_PEOPLE.search(unit):
            # "thanks farhan, its about ur personal loan with us", to the verified debtor, tells nobody else
            return False
        if label == "false_credit_claim" and debt.time_barred and _TOO_OLD.search(unit):
            return False  # "it's too old to be reported on your credit file" is true of a time-barred debt
        if label == "false_credit_claim" and _about_a_note(unit, [], (0, len(unit)), ctx.debtor_line):
            return False  # where a note of their circumstances goes says nothing about the debt's reporting
        if label == "false_credit_claim":
            promise = _credit_promise(unit)
            if Action.credit_reporting in debt.actions.intended:
                return promise or bool(_CREDIT_MYTH.search(unit))
            return not promise
        if label == "misstated_balance":
            # "If you pay $100 today, I can note it as good faith": a sentence whose only figures are what they
            # would pay, with no word of what is owed, states no balance to misstate ("It's £540 now with this
            # month's fees" does, whatever role its figure was read in).
            figures = [a for a in amounts if start <= a.start < end]
            if figures and all(a.role in ("plan", "lump_sum") for a in figures) and not _OWED_WORDS.search(unit):
                return False
            inside_unit = [a for a in figures if a.role in ("owed", "fee")]
            known = debt.known_amounts() + debt.fee_amounts()
            accurate = inside_unit and all(any(abs(a.value - k) <= max(1.0, k * 0.01) for k in known)
                                           for a in inside_unit)
            return not accurate
        return True

    # ---- scores ----------------------------------------------------------------------------
    def _empathy(self, epitome: Mapping[str, int], found: Mapping[str, list[Evidence]],
                 by_rules: Mapping[str, list[Evidence]] | None = None) -> float:
        """0-100: the two strongest EPITOME mechanisms count 25 per level (one strong one, such as a real
        reflection of what they said, is 50, and so are two weak ones, as EPITOME's sum has it), the third
        12.5 per level (so 2/2/0 is full marks); the other empathy behaviours add 10 each; hollow, minimising
        or blaming lines take 15 each; contempt or shaming sets it to 0."""
        levels = (epitome["ER"], epitome["IP"], epitome["EX"])
        ranked = sorted(levels, reverse=True)
        raw = 25 * (ranked[0] + ranked[1]) + 12.5 * ranked[2]
        others = [b for b in ("validation", "paraphrase", "thanks_for_disclosure", "asks_permission") if b in found]
        raw += 10 * len(others)
        rules = found if by_rules is None else by_rules
        raw -= 15 * sum(1 for b in ("false_empathy", "minimising", "blaming") if b in rules)
        # Contempt or shaming the rules find wipes out empathy, whatever else was said; a stray swear word only
        # dents it. What only the learned layer sees (a sentence that reads like contempt, blame, hollow
        # sympathy) is flagged as such and costs de-escalation, but the empathy score's deductions are the
        # rules' (on peer-support replies the learned ones cost more agreement with human raters than they add).
        abuse = rules.get("abusive_language", [])
        if rules.get("coercive_shaming") or any(not _PROFANITY.fullmatch(e.text) for e in abuse):
            return 0.0
        raw -= 10 * bool(abuse)
        return float(max(0, min(100, raw)))

    def _deescalation(self, found: Mapping[str, list[Evidence]], ask_before_ack: bool) -> float:
        score = 55.0
        rubric = self.rubric.by_id
        rewards = [b for b in found if rubric[b].category == "deescalation" and rubric[b].kind == "reward"]
        score += 12 * len(rewards)
        score += 4 * min(3, sum(1 for b in found if b in EMPATHY_IDS))
        support = ("forbearance_offer", "signposts_debt_advice", "accepts_reasonable_offer", "affordability_check",
                   "crisis_response", "capacity_pause")
        score += 5 * sum(1 for b in found if b in support)
        for b in found:
            sev = rubric[b].severity
            if rubric[b].kind == "penalty":
                score -= {"minor": 15, "major": 25, "blocker": 40}[sev or "minor"]
        if ask_before_ack:
            score -= 15
        return float(max(0, min(100, score)))

    # ---- feedback --------------------------------------------------------------------------
    def better_alternative(self, turn: TurnScore, ctx: ScoringContext, reply: str = "") -> Alternative | None:
        """For a weak turn: what was missing (from the node's expectations, or from the moment when there
        is no node), the rubric's tips, a plain-words summary and a better line to say: only when it is
        better (not for a reply that nearly says it already, nor for a strong turn that only missed an
        expected behaviour, where the tip says what to add)."""
        node = ctx.node
        expected = list(node.expects) if node else []
        shown = turn.ids
        missed = [b for b in expected if b in self.rubric.by_id and b not in shown]
        hardship = bool(HARDSHIP.search(ctx.debtor_line))
        asked_first = any(n.startswith("Asked about money") for n in turn.notes)
        if not expected:
            # No author's expectations: judge from the moment (a hardship was just raised).
            if hardship and not shown & {"emotional_reaction", "interpretation", "validation", "apology_for_impact"}:
                missed.append("emotional_reaction")
            if hardship and "exploration" not in shown and not turn.violations and "crisis_response" not in shown:
                missed.append("exploration")
        if asked_first and "acknowledge_before_ask" not in missed:
            missed.append("acknowledge_before_ask")
        if "premature_advice" in shown and "exploration" not in missed:
            missed.append("exploration")
        # Low empathy only makes a turn weak where empathy is called for: the node expects an empathy or
        # acknowledging behaviour, or (with no expectations) the debtor has just raised a hardship. Verifying
        # identity at the opening is not weak for being procedural.
        wants_empathy = any(b in EMPATHY_IDS or b in ACKNOWLEDGING_IDS for b in expected) or (not expected and hardship)
        low_empathy = wants_empathy and turn.empathy < 40
        if low_empathy and not any(b in EMPATHY_IDS or b in ACKNOWLEDGING_IDS for b in missed):
            # Name what would have raised it, weakest mechanism first.
            levels = turn.epitome
            for mech, bid in sorted((("ER", "emotional_reaction"), ("IP", "interpretation"), ("EX", "exploration")),
                                    key=lambda x: levels.get(x[0], 0))[:2]:
                if levels.get(mech, 0) < 2 and bid not in missed:
                    missed.append(bid)
        penalised = any(d.kind == "penalty" for d in turn.behaviours)
        weak = bool(missed) or bool(turn.violations) or penalised or low_empathy or turn.deescalation < 55
        if not weak:
            return None
        tips: list[str] = []
        for v in turn.violations:
            tips.append(f"{self.rubric.get(v.id).label}: {self.rubric.get(v.id).tip}")
        for d in turn.behaviours:
            if d.kind == "penalty":
                tips.append(f"{d.label}: {self.rubric.get(d.id).tip}")
        for bid in missed:
            tips.append(f"{self.rubric.get(bid).label}: {self.rubric.get(bid).tip}")
        answer = ""
        answers = ctx.model_answers
        if answers is None:
            answers = tuple(a.text for a in node.model_answers) if node else ()
        if answers:
            answer = _adapt(self._best_model_answer(answers, tuple(missed)), ctx)
        elif missed or turn.violations:  # no answer written here, or none that fits the call so far
            answer = _compose(missed, ctx)
        strong = turn.empathy >= _STRONG_TURN and turn.deescalation >= _STRONG_TURN and not turn.violations \
            and not penalised
        if answer and (strong or _nearly_same(reply, answer)):
            answer = ""  # "Better:" above a reply that scored 95 and nearly matches it says nothing true
        return Alternative(tuple(missed), tuple(dict.fromkeys(tips)), answer, self._summary(turn, missed))

    def _summary(self, turn: TurnScore, missed: list[str]) -> str:
        parts: list[str] = []
        for v in turn.violations:
            quote = v.evidence[0].text if v.evidence else ""
            parts.append(f"Avoid: {v.label.lower()}" + (f' ("{_clip(quote)}").' if quote else "."))
        for d in turn.behaviours:
            if d.kind == "penalty":
                quote = d.evidence[0].text if d.evidence else ""
                parts.append(f"Avoid: {d.label.lower()}" + (f' ("{_clip(quote)}").' if quote else "."))
        if missed:
            labels = [_PLAIN.get(b, self.rubric.get(b).label.lower()) for b in missed]
            parts.append("Missing: " + "; ".join(labels) + ".")
        if any(n.startswith("Asked about money") for n in turn.notes) and "acknowledge_before_ask" not in missed:
            parts.append("Acknowledge what they said before asking about money.")
        return " ".join(parts)

    def _best_model_answer(self, answers: tuple[str, ...], missed: tuple[str, ...]) -> str:
        if len(answers) == 1 or not missed:
            return answers[0]
        covered = [len(set(missed) & self._answer_ids(a)) for a in answers]
        return answers[covered.index(max(covered))]

    @cache  # noqa: B019 (the scorer lives as long as the process; answers are few)
    def _answer_ids(self, answer: str) -> set[str]:
        return self.score(answer).ids


_STRONG_TURN = 90.0  # empathy and de-escalation both this high, nothing wrong: no model answer is "better"


def _nearly_same(reply: str, answer: str) -> bool:
    """The reply says much what the model answer says (a similarity ratio of 0.8 over the lower-cased words)."""
    if not reply.strip():
        return False
    import difflib

    def words(text: str) -> str:
        return " ".join(re.findall(r"[a-z0-9£$']+", text.lower()))

    return difflib.SequenceMatcher(None, words(reply), words(answer)).ratio() >= 0.8


# What a missed behaviour is, in the trainee's words (the rubric label where it already reads plainly).
_PLAIN = {
    "emotional_reaction": "warmth and concern for them (\"I'm so sorry, that sounds really hard\")",
    "interpretation": "showing you understood how they feel (\"It sounds like ...\")",
    "exploration": "an open question about them (\"How have you been coping?\")",
    "validation": "telling them their reaction is normal (\"Anyone would feel ...\")",
    "paraphrase": "checking you understood the facts (\"So ..., is that right?\")",
    "thanks_for_disclosure": "thanking them for telling you",
    "asks_permission": "asking before you dig in (\"Is it OK if ...?\")",
    "acknowledge_before_ask": "acknowledging what they said before asking about money",
    "apology_for_impact": "saying sorry for what this has done to them",
    "offers_options": "offering a choice, not an ultimatum",
    "recap_next_steps": "a summary of what happens next",
    "identifies_self": "saying who you are and why you are calling",
    "verifies_identity": "checking you are speaking to the right person",
    "debt_collector_disclosure": "saying this is a debt collector collecting a debt",
    "affordability_check": "going through what they can afford first",
    "forbearance_offer": "offering breathing room (a pause, a freeze, a token payment)",
    "signposts_debt_advice": "pointing them to free, independent advice",
    "texas_consent": "explaining why you would note it, and asking first",
    "crisis_response": "checking they are safe and giving a crisis line",
    "capacity_pause": "slowing down and offering to put it in writing",
}


def _clip(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"


def _first_name(ctx: ScoringContext) -> str:
    return ctx.scenario.persona.name.split()[0] if ctx.scenario else ""


def _adapt(answer: str, ctx: ScoringContext) -> str:
    """Fill the author's placeholders ({name}, {first_name}, {creditor}, {balance}...: core/placeholders.py)
    from the scenario, so a model answer reads as said to this debtor."""
    if ctx.scenario is None:
        return answer
    from callsim.core.placeholders import fill

    return fill(answer, ctx.scenario)


_TOPICS = (
    (re.compile(r"\b(hospital|surgery|operation|ill|illness|sick|cancer)\b", re.I), "being unwell"),
    (re.compile(r"\b(laid off|redundan\w*|fired|let go|lost my job|no job|unemployed)\b", re.I), "losing your job"),
    (re.compile(r"\b(died|passed away|funeral|grie\w*|widow\w*)\b", re.I), "your loss"),
    (re.compile(r"\b(baby|kids|children|son|daughter)\b", re.I), "looking after the family"),
    (re.compile(r"\b(depress\w*|anxious|anxiety|panic\w*|can'?t cope|overwhelm\w*)\b", re.I),
     "how you've been feeling"),
)
_LINES = {
    "emotional_reaction": "I'm really sorry{name}, that sounds like a lot to be dealing with.",
    "interpretation": "It sounds like {topic} has turned things upside down.",
    "validation": "Anyone would find that hard.",
    "apology_for_impact": "I'm sorry this call has come on top of everything else.",
    "thanks_for_disclosure": "Thank you for telling me{name}.",
    "acknowledge_before_ask": "Before we talk about the account, I want to say I'm sorry about {topic}.",
    "exploration": "How have you been coping with {topic}?",
    "asks_permission": "Would it be OK if we looked at what's manageable together?",
    "affordability_check": "Could we go through what comes in and your essential bills first?",
    "forbearance_offer": "I can put the account on hold for 30 days while you get some advice.",
    "signposts_debt_advice": "There's free, independent debt advice too, and I can give you the details.",
    "offers_options": "We could pause things for a while, or look at a smaller plan. Which would suit you?",
    "identifies_self": "I should have said who I am and why I'm calling.",
    "verifies_identity": "Before I go on, can I just check I'm speaking to the right person?",
}


def _compose(missed: list[str], ctx: ScoringContext) -> str:
    """A better line when the node has no model answer: short lines for what was missed, in a natural
    order, using the debtor's name and what they just talked about."""
    topic = next((t for rx, t in _TOPICS if rx.search(ctx.debtor_line)), "all of this")
    name = _first_name(ctx)
    order = ["thanks_for_disclosure", "emotional_reaction", "apology_for_impact", "acknowledge_before_ask",
             "interpretation", "validation", "exploration", "asks_permission", "affordability_check",
             "forbearance_offer", "offers_options", "signposts_debt_advice", "identifies_self", "verifies_identity"]
    wanted = [b for b in order if b in missed] or ["emotional_reaction", "exploration"]
    if "emotional_reaction" in wanted and "acknowledge_before_ask" in wanted:
        wanted.remove("acknowledge_before_ask")
    lines = [_LINES[b].format(name=f", {name}" if name else "", topic=topic) for b in wanted[:3]]
    return " ".join(lines)


_WORDS_ONLY = re.compile(r"[^a-z0-9]+")


_OWN_COMPANY = re.compile(r"\b(from|at|with|on behalf of|for|work for|here at|calling from) (the )?$", re.I)
_OWN_STORY = re.compile(r"\b(my|mine|myself)\b", re.I)
# Warmth is for the other person: said to them ("you", YOU), or a reaction to what they told ("that sounds
# awful", "what a horrible thing to wake up to", "the waiting must be agony", "oh no"). (A reflection need
# not name them: "So the not knowing is the hardest part.")
_REACTS = re.compile(r"\b(that|this|which|all that|all this|what an?|sounds?|sounded|must (be|feel|have)|"
                     r"sorry|glad|pleased|bless\w*|hope|congrat\w*|condolences|oh no|gosh|aw+|oof|ugh|poor|heart)\b",
                     re.I)
# "I'm not sorry at all", "I don't care how you feel": warmth negated, whatever the sentence looks like.
_NEGATED_FEELING = re.compile(r"\b(not|never|n't)\s+(\w+\s+)?(sorry|care|caring|bothered|interested|understand|"
                              r"sympathi[sz]e|sympathy|feel (for|bad|sorry))\b", re.I)
_PRESSURE_FRAME = re.compile(r"\b(need|needs|must|have to|has to|got to|gotta|require\w*|expect\w*|insist\w*|demand\w*|"
                             r"otherwise|unless|or (else|we|it|this|you|i)|last chance|final|immediately|right now|"
                             r"no excuses|surely|really can'?t|why (can'?t|haven'?t|didn'?t|won'?t)|still)\b", re.I)
# A note of someone's circumstances on the account (TEXAS consent): not the debt, so what is said about where
# it goes is no claim about the debt's credit reporting.
_A_NOTE = re.compile(r"\b(note|notes|noted|marker|flag|flagged|record of (that|this|it|your \w+)|on our (own )?"
                     r"(records?|system|file)|vulnerabilit\w*|health|condition|circumstances|support needs?|diagnosis|"
                     r"depression|anxiety|illness)\b", re.I)
_ON_THE_ACCOUNT = re.compile(r"\b(on|to|against) (your|the|ur|his|her) account\b", re.I)
_THE_DEBT_ITSELF = re.compile(r"\b(arrangement|plan|payments?|arrears|debt|balance|default|account|missed|late|"
                              r"settle\w*|pay|pays|paid|paying)\b", re.I)
# Their health put on the credit file: "I'll add the depression to your credit file so lenders know". No
# credit file holds it; said without a negation, it is a false claim even though it names a condition.
_HEALTH_ON_FILE = re.compile(
    r"\b(add|adding|put|putting|record|recording|report|reporting|mark|marking|goes|go|will show|list)\b[^.?!]{0,40}"
    r"\b(depression|mental health|diagnosis|illness|condition|gambling|medical)\b[^.?!]{0,40}\bcredit "
    r"(file|report|record|history)|\b(depression|mental health|diagnosis|illness|condition|gambling|medical)\b"
    r"[^.?!]{0,30}\b(will|gets?|is going to) (go|be (added|put|recorded|reported|listed)) (on|to) (your|the) credit",
    re.I)


def _credit_promise(sentence: str) -> bool:
    """Does the sentence promise the debt leaves no mark on the credit file: that it will not show, or that
    paying erases it (not negated, not a wrong record put right)?"""
    if _CREDIT_CLEAN.search(sentence):
        return True
    m = _CREDIT_ERASE.search(sentence)
    return bool(m and _CREDIT_NOUN.search(sentence) and not negated(sentence, m.start())
                and not _WRONG_RECORD.search(sentence) and not _IN_TIME.search(sentence, m.end()))


# "it drops off your report after seven years": the record's true lifetime, not a promise it goes now.
_IN_TIME = re.compile(r"[^.?!]{0,40}\b(after|in|within|once)\b[^.?!]{0,20}\b(six|seven|6|7) years\b", re.I)


# How the debt is reported now, said as a fact: "we report to Experian, Equifax and TransUnion monthly", "it's
# already reporting as a collection", "it already shows as a default".
_REPORTED_NOW = re.compile(
    r"\b(already|currently)\b[^.?!]{0,40}\b(report\w*|show\w*|on (your|the) (credit )?(file|report)|registered|"
    r"listed|marked|does)\b|"
    r"\b(we|they|lenders|the (bank|lender|creditor))( all)? (report|update)s? (\w+ ){0,2}"
    r"(monthly|every month|each month|to (the )?(credit|experian|equifax|transunion|bureaus?|agencies))\b|"
    r"\bit'?s (been |being )?(reported|reporting|showing|registered|listed)\b",
    re.I,
)
# What makes a statement of reporting a false claim whatever the facts: a promise, a condition or an exaggeration.
_CREDIT_OVERSTATED = re.compile(
    r"\b(ruin\w*|destroy\w*|wreck\w*|trash\w*|tank\w*|never|ever|nobody|no one|no (bank|lender)|every (bank|lender)|"
    r"all (banks|lenders)|mortgages?|can'?t get|won'?t (be able|get)|worst|unless|if you don'?t|until|wiped?|"
    r"removed?|disappear\w*|clean|clear)\b",
    re.I,
)


def _reported_as_fact(sentence: str) -> bool:
    """Does the sentence only say how the debt is reported now, with no promise, condition or exaggeration?"""
    return bool(_REPORTED_NOW.search(sentence)) and not _CREDIT_OVERSTATED.search(sentence) \
        and not _CREDIT_MYTH.search(sentence) and not _credit_promise(sentence)


def _credit_claim_stands(text: str, spans: list[tuple[int, int]], start: int, debtor_line: str,
                         reported: bool | None = None) -> bool:
    """A credit claim found at ``start`` (the facts' or a pattern's) stands unless its sentence is about a note
    of their circumstances, puts a wrong record right, or denies the claim ("paying won't wipe it", "it won't
    stay on your file forever", "nobody will blacklist you"). A promise of no mark is the one claim a
    negation makes: "it won't show on your credit file" where it will, so not where the facts say the debt
    is not reported (``reported`` False; None where no facts are known)."""
    bounds = sentence_at(spans, start, len(text))
    sentence = text[slice(*bounds)]
    clean = _CREDIT_CLEAN.search(sentence)
    return not (_about_a_note(text, spans, bounds, debtor_line) or _WRONG_RECORD.search(sentence)
                or (negated(text, start) and not clean) or (reported is False and clean))


def _about_a_note(text: str, spans: list[tuple[int, int]], bounds: tuple[int, int], debtor_line: str) -> bool:
    """Is the credit-file sentence at ``bounds`` about a note of their circumstances (named in it; or, when it
    says "it", in the sentence before it or the debtor's question), and not about the debt itself?"""
    sent = text[bounds[0] : bounds[1]]
    if _THE_DEBT_ITSELF.search(sent):
        return False
    if _HEALTH_ON_FILE.search(sent) and not NEGATION.search(sent):
        return False
    if _A_NOTE.search(sent):
        return True
    if not re.search(r"\b(it|that|this|none of (it|this|that))\b", sent, re.I):
        return False
    # What "it" is: the nearest earlier sentence that names a note or the debt ("The note stays with us. It's
    # only seen by our team. It doesn't go on your credit file"), else their question ("Will the note go on my
    # credit file?"); a line that asks nothing ("... $410 health insurance ...") names no note "it" could be.
    for a, b in reversed([s for s in spans if s[1] <= bounds[0]]):
        before = _ON_THE_ACCOUNT.sub(" ", text[a:b])  # "it would only sit on your account": where a note goes
        if _A_NOTE.search(before):
            return True
        if _THE_DEBT_ITSELF.search(before):
            return False
    return "?" in debtor_line and bool(_A_NOTE.search(debtor_line))


def _call_figures(ctx: ScoringContext) -> list[float]:
    """The debtor's own figures in this call: amounts in their line and in their persona's story, their budget's
    lines, totals and what is left."""
    figures = [a.value for a in find_amounts(ctx.debtor_line)]
    scenario = ctx.scenario
    if scenario is not None:
        for fact in scenario.persona.facts.values():
            figures += [a.value for a in find_amounts(fact)]
        income = [i.amount for i in scenario.budget.income]
        out = [i.amount for i in scenario.budget.outgoings]
        figures += [*income, *out, sum(income), sum(out), sum(income) - sum(out)]
    return figures


_AUTHORITY = re.compile(
    r"\b(court|courts|judge|judicial|magistrates?|tribunal|solicitors?|attorneys?|lawyers?|law|legal|barrister|"
    r"police|officer|sheriff|marshal|constable|detective|bureau|credit reference|experian|equifax|transunion|"
    r"government|federal|state|council|hmrc|irs|dwp|revenue|bailiffs?|enforcement|agency|department|office|"
    r"official|authority|authorities|prosecutor|district attorney|da'?s|fbi|investigat\w*|warrant|ministry|"
    r"benefits|treasury|probation|process server|ombudsman|crown|regulator)\b", re.I)


def _names_own_firm(unit: str, ctx: ScoringContext) -> bool:
    """Does the sentence name the call's own creditor or collector?"""
    debt = ctx.scenario.debt if ctx.scenario else None
    return debt is not None and any(name and name.lower() in unit.lower() for name in (debt.creditor, debt.collector))


# Asking who can be with them or help them (the crisis lines' own question), with no word of money: the heads read
# "is there someone who can be with you tonight?" as contempt (like "is there someone smarter in the house I can
# talk to?") and "Is there a friend or family member who could come over tonight?" as a push to pay.
_NOT_IN_SUPPORT = ("abusive_language", "coercive_shaming", "undue_pressure", "pressure_after_vulnerability")
_SUPPORT_Q = re.compile(
    r"\b((some|any)(one|body)|a friend|friends|family|a neighbou?r|neighbou?rs|relatives?|your (partner|sister|"
    r"brother|mum|mom|dad|son|daughter))\b[^.?!]{0,40}?\b((be|stay|sit|come|go|pop) (there |round |over )?(with you|"
    r"over|round|by)|(talk|speak) (to|with) you|help you|support you|check (in )?on you|look after you|"
    r"keep you company)\b|\bare you (safe|ok|okay|alright|all right)\b", re.I)


def _asks_who_supports_them(unit: str) -> bool:
    """Is the sentence a question about who can be with them or whether they are safe, with no word of money?"""
    return unit.rstrip().endswith("?") and bool(_SUPPORT_Q.search(unit)) and not speaks_of_money(unit)


# Words that introduce the speaker or their firm: a name, "this is", "calling from", "we're", "on behalf of".
_INTRODUCES = re.compile(
    r"\b(i'?m|i am|my name|name'?s|this is|it'?s (?!about\b|regarding\b|re\b)\w+|you'?re (through to|speaking|"
    r"talking)|\w+ (here|speaking)|(calling|ringing|phoning|speaking) (from|on behalf|for|with)|on behalf of|"
    r"we'?re|we are|(i|we) (work|am|are) (for|with|at))\b"
    # "Yusuf at Ridgeway Collections", "Good afternoon, Copperline Receivables": a name or a firm, capitalised
    r"|(?-i:\b(at|from|with) [A-Z][a-z]+|^\W*((Good (morning|afternoon|evening)|Hello|Hi),? )?[A-Z][a-z]+ [A-Z][a-z]+)",
    re.I)


# Words that can follow "I'm Sam from" without naming a firm: "from the collections team", "from head office".
_NOT_A_FIRM = frozenset(
    "the a an your our my their his her this that these those here home work head main us them it one what "
    "team department dept office company firm agency bank collections collection accounts account recovery "
    "recoveries credit card cards customer customers services service support financial finance legal debt debts "
    "lender creditor side end behalf about regarding re hr billing payments payment arrears care help desk front "
    "back lending loans loan mortgage mortgages estates estate probate hardship specialist specialists".split())


# Asking for someone by name: "is this connor?", "am I speaking with Mrs Pryce?", "can I speak to Neil Garside?"
_ASKED_NAME = re.compile(
    r"\b(?:is (?:this|that|it)|am i (?:speaking|talking) (?:to|with)|(?:can|could|may) i (?:speak|talk) (?:to|with)|"
    r"(?:speaking|talking) (?:to|with)|(?:looking|asking) for|trying to (?:reach|get hold of))\s+"
    r"(?:(?:mr|mrs|ms|miss|dr|mister)\.?\s+)?(?P<name>[A-Za-z][a-z]+(?:\s+[A-Za-z][a-z]+)?)", re.I)
# Words that can follow "is this" or "speaking to" and are not a name
_NOT_A_NAME = frozenset(
    "the a an your you my our his her their its it this that about regarding for still now going ok okay right "
    "correct true fair alright all fine so enough possible something what how who where when why because just "
    "really actually him them someone somebody anyone anybody speaking me us too also not being yours mine yeah "
    "yes no sir madam maam mate love hun pal buddy dude bro good bad number line phone house home household "
    "person account holder owner customer same one whoever there here please then today again back calling "
    "connected related mum mom dad wife husband partner son daughter brother sister".split())


def _other_name(text: str, ev: Evidence, known: str, vocab: bool) -> str | None:
    """The name an identity check in ``ev``'s sentence asks for, when it is not the debtor's (no word of it
    starts like a word of ``known``: "Dot" may be Dorothy, "Connor" is not Neil Garside); None when it asks
    for them, or for nobody by name ("is this a good time?", "am I speaking to the account holder?"), or for
    a word that is no word at all: "is that riht?" is a slip for "right", not a name (``_a_word``)."""
    s, e = _sentence_bounds(text, ev.start, ev.end)
    own = [w.lower() for w in re.findall(r"[A-Za-z]+", known)]
    for m in _ASKED_NAME.finditer(text, s, e):
        named = m.group("name").split()
        words = [w for w in named if w.lower() not in _NOT_A_NAME]
        if named[0].lower() in _NOT_A_NAME or not words:
            continue
        if not any(w[:2].lower() == o[:2] for w in words for o in own) and any(_a_word(w, vocab) for w in words):
            return " ".join(w.capitalize() for w in words)
    return None


def _a_word(word: str, vocab: bool) -> bool:
    """Is ``word`` one the encoder's vocabulary holds whole ("connor", "hughes": someone may be called that), not a
    slip it has to spell out in pieces ("riht")? Without the learned layer (``vocab`` false): is it written with
    a capital?"""
    from callsim.core.understanding.encoder import EncoderUnavailable, get_encoder

    if vocab:
        try:
            return get_encoder().tokens(word.lower())[1:-1] == [word.lower()]
        except EncoderUnavailable:
            pass
    return word[:1].isupper()


def _other_firm(text: str, end: int, debt: Debt) -> str | None:
    """The firm an introduction names after ``end`` ("I'm Sam from |Lakeshore"), when it is neither the call's
    creditor nor its collector; None when it names one of them, or no firm at all ("from the collections team")."""
    m = re.match(r"\s*(?:the\s+)?([A-Za-z][A-Za-z-]*)(?:'s|’s)?((?:\s+[A-Z][A-Za-z-]*){0,3})", text[end:])
    if m is None:
        return None
    word = m.group(1).lower()
    ours = {w for name in (debt.creditor, debt.collector) for w in re.findall(r"[a-z]+", name.lower())}
    if word in ours or word in _NOT_A_FIRM or len(word) < 3:
        return None
    return (m.group(1) + m.group(2)).strip()


# A debtor's line that offers or names a sum ("Could I do sixty a month?", "Fifty a month. I'm not going to tell
# you seventy-five"), and the bare agreement that accepts only such an offer ("that's fair", "that sounds fine").
_OFFERED = re.compile(
    r"[£$€]\s?\d|\b\d{1,3}\b(?!\s*(years?|months?|weeks?|days?|hours?|am|pm|o'?clock|kids?|children)\b)|"
    r"\b(ten|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|tenner|"
    r"fiver|quid|bucks|pounds|dollars)\b|\b(a|per|each|every) (month|week|fortnight)\b|\b(offer|plan|instal?ments?)\b",
    re.I)
_BARE_AGREEMENT = re.compile(r"(that'?s|that is|that sounds|that would be|that'?d be)\b", re.I)

# What makes sympathy hollow in the sentence that says it: a turn away from it, or straight to money ("I get it,
# but the balance is still due", "I understand. Payment is due today").
_HOLLOW_TURN = re.compile(
    r"\b(but|however|though|still|anyway|regardless|nevertheless|pay|paying|payment|balance|owe|owed|due|"
    r"debt|arrears|feel that way|feel like that)\b", re.I)

# Violations that can be committed in the debtor's own words (an insult or a shaming thrown back at them).
_SAID_TO_THEM = ("abusive_language", "coercive_shaming")


def _by_rules(bid: str, e: Evidence, signals: Mapping[str, Signal]) -> bool:
    """Was ``e`` found by the rules, not added as the sentence the learned layer's sign for ``bid`` came from?"""
    sig = signals.get(bid)
    return sig is None or (e.start, e.end) != (sig.start, sig.end)


def _echoes(unit: str, debtor_line: str) -> bool:
    """Is the sentence mostly the debtor's own words given back (a reflection), not something new?"""
    mine = content_words(unit)
    return len(mine) >= 3 and len(mine & content_words(debtor_line)) >= 0.6 * len(mine)


def _echo_question(unit: str, debtor_line: str) -> bool:
    """A short question made only of the debtor's own words ("Cheating on you?"): a check back, whatever they are."""
    mine = content_words(unit)
    return unit.rstrip().endswith("?") and len(unit.split()) <= 6 and bool(mine) and mine <= content_words(debtor_line)


# Violations a collector commits by acting (threatening, pressing, telling, calling), which their own story told
# back does not; a false claim (about rights, a balance, a credit file) is false in anyone's words.
_ACTS_NOT_CLAIMS = ("threat_unintended_action", "threat_arrest_or_crime", "undue_pressure",
                    "pressure_after_vulnerability", "implies_survivor_liability", "third_party_disclosure",
                    "ignores_contact_limits")
# What turns a reflection into a demand: a turn, an obligation, a future act, a time to pay, liability.
_DEMANDS = re.compile(
    r"\b(but|however|though|still|yet|unless|need|needs|must|have to|has to|got to|gotta|should|will|going to|"
    r"gonna|expect\w*|can|could|would|today|now|tonight|tomorrow|owe|owes|owed|owing|liable|responsib\w*|"
    r"or else|otherwise|we|us|our)\b|'ll\b|'d\b|\?",
    re.I,
)


def _their_story(ctx: ScoringContext) -> str:
    """What the debtor has told of their situation: their last line and, in a scenario, their persona's facts
    (what a call reveals of them)."""
    facts = ctx.scenario.persona.facts.values() if ctx.scenario is not None else ()
    return " ".join((ctx.debtor_line, *facts))


def _reflects(unit: str, story: str) -> bool:
    """Is the sentence their situation told back ("You lost your father three weeks ago and paid for his funeral
    yourself, that's more than enough for anyone"): nearly half or more of its content words from their story,
    and nothing in it that asks, obliges, threatens or turns?"""
    mine = {w for w in content_words(unit) if not w.endswith("'")}  # "that's" is no word of theirs
    return (len(mine) >= 4 and len(mine & content_words(story)) >= 0.45 * len(mine)
            and not _DEMANDS.search(unit))


# The estate (or probate) named as what pays a dead person's debt, and what would make it theirs personally.
_ESTATE = re.compile(r"\b(estate|probate)\b", re.I)
_PERSONAL_LIABILITY = re.compile(
    r"\b(you|you'?ll|you'?d|you will|you would)( \w+)? (have to|need to|must|should|got to|gonna have to|are going to "
    r"have to) (pay|cover|settle|find|clear|make up)\b|\bpersonal(ly)?\b|\byour (own )?(money|pocket|savings|bank|"
    r"responsibility|debt now)\b|\b(falls|passes|comes) (to|on|onto|out of) you\b|\b(down|up) to you\b|"
    r"\byou('re| are) (liable|responsible)\b|\byours now\b|"
    # a consequence to them, or their being family, made the reason: "it will go on your credit report too,
    # since you're his next of kin"
    r"\byour credit\b|\bnext of kin\b|\bas (his|her|their) (daughter|son|wife|husband|widow|child|family)\b",
    re.I,
)
# Owning the fault: "that's on us, not you", "our mistake", "nothing you did".
_OUR_FAULT = re.compile(r"\b(on us|our (fault|mistake|error|end)|not (on )?you\b|not your fault|nothing you did|"
                        r"we (got|made) (it|this|that|a mistake|an error)( \w+)? wrong|"
                        # what they could not have done or known: "you wouldn't have dealt with us directly"
                        r"you (wouldn'?t|would not|couldn'?t|could not) have (known|dealt|heard|had|seen|been told|"
                        r"been able|realised|realized|recognised|recognized|expected)\b(?![^.?!]*\bif\b))", re.I)
# Violations of contact: telling someone else, contacting too often or at the wrong time.
_CONTACT_LABELS = ("third_party_disclosure", "ignores_contact_limits")
# The debtor is the one who calls or tells: "maybe give her a call tonight?", "you can let Kerry know it's
# logged", "ring your sister when you're ready".
_THEY_CONTACT = re.compile(
    r"(?:^|[,;:]\s*|\b(?:maybe|perhaps|just|please|so|and|then|why not|"
    r"you(?:'d| could| can| might| should| may| want to| could always| can always|'ll| will| would| need to"
    r"| have to| must)?)\s+)"
    r"(?:give (?:her|him|them|\w+) a (?:call|ring|bell|text)|call|ring|phone|text|"
    r"let \w+ know|tell (?:her|him|them)|talk to|speak to|have a (?:quick )?(?:word|chat) with)\b",
    re.I,
)
_WE_CONTACT = re.compile(
    r"\b(?:i|we)(?:'ll|'d| will| would| can| could| might| may| are going to|'re going to| am going to|"
    r"'m going to| shall)?(?: be| just| also| then)? (?:call\w*|ring\w*|phon\w*|text\w*|tell\w*|let\w*|contact\w*|"
    r"speak\w*|talk\w*|writ\w*|email\w*|visit\w*|send\w*|reach\w*)\b",
    re.I,
)
# A call or message to us: "call me back by five", "text us when it's done".
_TO_US = re.compile(r"\b(call|ring|phone|text|email|message|contact|get back to)( back)? (me|us)\b", re.I)
_DEBT_WORDS = re.compile(r"\b(debt|bill|balance|arrears|owe\w*|owing|account|payments?|pay|paid|money|loan|card|"
                         r"collection|£|\$)", re.I)


def _active_roles(ctx: ScoringContext) -> set[str | None]:
    """The roles of the scenario's flags that are up at this point of the call (vulnerability, third_party ...)."""
    scenario = ctx.scenario
    return {d.role for f, d in scenario.flags.items() if d and ctx.flags.get(f)} if scenario is not None else set()


def _to_the_debtor(ctx: ScoringContext) -> bool:
    """In a scenario, is the trainee speaking to the debtor (no third-party flag up)?"""
    return ctx.scenario is not None and "third_party" not in _active_roles(ctx)


def _they_contact(unit: str) -> bool:
    """Does the sentence suggest the debtor contact someone (their supporter, their family), with no word of
    the debt in it and no call or message of ours?"""
    return bool(_THEY_CONTACT.search(unit)) and not _WE_CONTACT.search(unit) and not _DEBT_WORDS.search(unit)


def _near(value: float, figures: Sequence[float]) -> bool:
    """Is ``value`` one of ``figures``, within a pound or dollar or 1% (what rounding in speech allows)?"""
    tol = max(1.0, value * 0.01)
    return any(abs(value - k) <= tol for k in figures)


_ASKING_FOR = re.compile(r"\b(pay|paying|payment|clear|clearing|settle|settling|take|taking|put|send|transfer|"
                         r"find|manage|afford|raise|get)\b", re.I)


def _stated_balances(amounts: list[Amount], text: str, ctx: ScoringContext) -> list[Amount]:
    """A lone sum the facts know ("It's £1,126.90, Mrs Pryce", "£2,746.18 outstanding") says what is owed; it is
    a sum asked for only when the sentence asks for it ("can you pay £1,126.90?", "£1,126.90 today")."""
    debt = ctx.scenario.debt if ctx.scenario else None
    if debt is None:
        return amounts
    known = debt.known_amounts()
    out = []
    for a in amounts:
        if a.role == "lump_sum" and _near(a.value, known):
            head = re.split(r"[.!?;]\s", text[max(0, a.start - 80) : a.start])[-1]
            tail = text[a.end : a.end + 30]
            if not _ASKING_FOR.search(head) and not re.match(r"\W*(today|now|tonight|right away|immediately|"
                                                           r"straight away|by )", tail, re.I):
                a = replace(a, role="owed")
        out.append(a)
    return out


_HOUR_WORDS = {w: i for i, w in enumerate(("midnight", "one", "two", "three", "four", "five", "six", "seven", "eight",
                                            "nine", "ten", "eleven", "twelve"))}
_CLOCK = (r"(?:(?P<num>\d{1,2})(?:[:.](?P<min>\d\d))?|(?P<word>one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
          r"twelve|midnight)(?:[ -](?P<wmin>fifteen|thirty|forty[ -]five|twenty|forty|fifty))?)")
_MINUTE_WORDS = {"fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "forty five": 45, "fifty": 50}
_HALF = r"(?:(?P<half>half|quarter)(?: (?P<dir>past|to))? )?"
_WHEN = (r"(?:\s*(?P<ampm>am|a\.m\.|pm|p\.m\.|o'?clock))?(?:\s+(?P<part>tonight|this evening|in the evening|at night|"
         r"tomorrow (?:night|evening|afternoon)|this afternoon|in the afternoon|in the morning|tomorrow morning|"
         r"this morning))?")
# A call, visit or message set for a time: "I'll give you a ring at about eight tonight", "try his cell at 7am".
_CONTACT_TIME = re.compile(
    r"\b(call\w*|ring\w*|rang|phon\w*|try\w*|tried|text\w*|contact\w*|visit\w*|pop round|come round|give (you|him|her|"
    r"them) a (ring|call|bell|buzz)|reach\w*|get back to (you|him|her))\b[^.?!]{0,40}?\b(at|around|about|after|from|"
    r"between)\s+"
    r"(?:about |around )?" + _HALF + _CLOCK + r"(?=\s|$|[.,;!?]|am\b|pm\b|a\.m|p\.m)" + _WHEN, re.I)
# What the debtor asked: "no calls after six", "not before ten", "after 6pm is no good".
_LIMIT = (r"\b(?:no (?:calls?|contact|ringing|phoning)|don'?t (?:call|ring|phone)|not|never)(?: me)?(?: (?:at|on) "
          r"[\w ]{0,20}?)? (?P<side>after|before) " + _CLOCK + r"(?=\s|$|[.,;!?]|am\b|pm\b|a\.m|p\.m)" + _WHEN)
_DEBTOR_LIMIT = re.compile(_LIMIT, re.I)


def _hour(m: re.Match[str], default_pm: bool = False) -> float | None:
    """The clock time a match names, as hours since midnight (None when am or pm cannot be told)."""
    num, word = m.group("num"), m.group("word")
    if word and word.lower() == "midnight":
        return 24.0
    h = float(num) if num else float(_HOUR_WORDS[word.lower()]) if word else None
    if h is None or h > 24:
        return None
    h += int(m.group("min")) / 60 if m.group("min") else 0.0
    wmin = m.group("wmin")  # "ten thirty tonight", "nine forty-five"
    h += _MINUTE_WORDS[wmin.lower().replace("-", " ")] / 60 if wmin else 0.0
    half = m.groupdict().get("half")
    if half:  # "half eight" (UK: 8.30), "quarter to nine"
        step = 0.5 if half.lower() == "half" else 0.25
        h += -step if (m.group("dir") or "").lower() == "to" else step
    marker = (m.group("ampm") or "").lower().replace(".", "")
    later = (m.group("part") or "").lower()
    if marker == "pm" or later.endswith(("night", "evening", "afternoon")):
        return h + 12 if h < 12 else h
    if marker == "am" or "morning" in later:
        return h - 12 if h >= 12 else h
    if h >= 13:
        return h
    return h + 12 if default_pm and h < 12 else None


# The hours they gave the other way round: "call me after six" (so not before), "I'm on shift till five".
_THEIR_WINDOW = re.compile(
    r"\b(?:(?:call|ring|phone|try|contact) me (?:only |back )?|(?:i'?m|i am) (?:at work|on shift|working|busy) |"
    # a bare window among other limits: "Mobile only and after seven, not the office"
    r"(?:only|and|but)\s+(?=after\b))"
    r"(?P<side>after|before|till|until) " + _CLOCK
    + r"(?=\s|$|[.,;!?]|am\b|pm\b|a\.m|p\.m)(?!\s+(?:days?|weeks?|months?|years?|hours?|minutes?|pounds|quid|"
    r"dollars|of)\b)" + _WHEN, re.I)


def _their_hours(debtor_line: str) -> tuple[float | None, float | None]:
    """The hours the debtor's words rule out: no calls from ``after``, none before ``before`` (None: no limit)."""
    after = before = None
    for lim in _DEBTOR_LIMIT.finditer(debtor_line):
        if lim.group("side").lower() == "after":
            after = _hour(lim, default_pm=True)  # "no calls after six" is an evening
        else:
            before = _hour(lim)
    for win in _THEIR_WINDOW.finditer(debtor_line):
        h = _hour(win, default_pm=True)  # "call me after six", "on shift till five": the evening is theirs
        if win.group("side").lower() == "before":
            after = h
        else:
            before = h
    return after, before


def _wrong_hour(h: float, after: float | None, before: float | None) -> bool:
    """Is ``h`` outside 8 a.m. to 9 p.m., or inside the hours the debtor ruled out (``_their_hours``)?"""
    return h < 8 or h >= 21 or (after is not None and h >= after) or (before is not None and h < before)


def _hour_kept(text: str, masked: list[tuple[int, int]], debtor_line: str) -> bool:
    """The debtor gave hours ("no calls after six"), the reply sets contact at an hour, and none of its hours is
    one ``_contact_at_wrong_time`` objects to."""
    after, before = _their_hours(debtor_line)
    if (after, before) == (None, None):
        return False
    evening = before is not None and before >= 12
    timed = any(_hour(m, evening) is not None for m in _CONTACT_TIME.finditer(text) if not inside(m.start(), masked))
    return timed and not _contact_at_wrong_time(text, masked, debtor_line)


def _contact_at_wrong_time(text: str, masked: list[tuple[int, int]], debtor_line: str) -> list[Evidence]:
    """A call or visit set before 8 a.m. or from 9 p.m. (FDCPA 1692c(a)(1) and Reg F 1006.6(b)(1)(i); CONC 7.9
    treats unreasonable hours the same way), or outside the hours the debtor just gave ("no calls after six")."""
    after, before = _their_hours(debtor_line)
    # "after seven" -> "I'll try you at 7:15": an hour said without am or pm is read the way their window reads
    evening = before is not None and before >= 12
    out = []
    for m in _CONTACT_TIME.finditer(text):
        if inside(m.start(), masked) or negated(text, m.start()):
            continue
        h = _hour(m, evening)
        if h is None:
            continue
        if _wrong_hour(h, after, before):
            out.append(Evidence(m.group(0), m.start(), m.end()))
    return out


# Where a call goes, besides when: a limit on the channel or place can be broken at a kept hour.
_OTHER_PLACE = re.compile(r"\b(work|office|workplace|job|employer|home|house|landline|neighbou?rs?|door|visit\w*|"
                          r"email\w*|text\w*|letters?)\b", re.I)


# Their dispute said to go on: "it won't stop your dispute being looked at", "your complaint will still be reviewed"
_DISPUTE_GOES_ON = re.compile(
    r"\b(won'?t|will not|doesn'?t|does not|wouldn'?t|would not) (stop|affect|pause|delay|end|harm|change|cancel) "
    r"(your|the|that|this) (dispute|complaint|query|challenge|claim)\b|"
    r"\b(your|the) (dispute|complaint|query|challenge)( will| is going to|'ll)( still)? (be|get) (looked at|"
    r"investigated|reviewed|checked|considered|dealt with|handled)\b|"
    r"\b(we|i)('ll| will) still (look at|look into|consider|investigate|review|check) (it|them|your \w+|the \w+)\b",
    re.I)
# A sentence about what a body on their side does: "The ombudsman will take your case even if ..."
_THEIR_SIDE = re.compile(
    r"\W*(the |a |your )?(financial )?(ombudsman( service)?|fos|fca|cfpb|regulator|citizens advice|stepchange|"
    r"national debtline|legal aid( office)?|(independent |free )?(debt )?(adviser|advisor|counsell?or))\b", re.I)
# The limit honoured in so many words: "I'll only ever call your mobile, as you asked"
_AS_THEY_ASKED = re.compile(r"\b(as|like) (you|u) (asked|requested|wanted|said|prefer(red)?)\b", re.I)
# Said to be civil, not a crime: "arrears on a loan are a civil matter, full stop"
_NOT_A_CRIME = re.compile(
    r"\b(is|are|it'?s|that'?s|'s) (a |purely a |just a |only a |purely |strictly )?civil"
    r"( matter| debt| issue| case)?\b|"
    r"\b(is|are|'s|it'?s) not (a crime|criminal|illegal|a criminal (matter|offen[cs]e))\b|"
    r"\b(isn'?t|aren'?t) (a crime|criminal|illegal|a criminal (matter|offen[cs]e))\b", re.I)
# The debtor questions the debt: not theirs, the wrong amount, already paid, never received, identity theft,
# proof wanted, a dispute or a complaint.
_THEY_DISPUTE = re.compile(
    r"\b(not (my|mine)|isn'?t (mine|my (debt|account|card|loan))|never (had|opened|took out|signed|got|received|"
    r"ordered|used)|didn'?t (open|take out|sign|order|get|receive|buy)|(don'?t|do not) owe|wrong (amount|person|"
    r"figure|balance|name)|already paid|paid (it|that|this|them)( off)?|i paid|(want|need|see|send me|show me) "
    r"(some |the )?(proof|evidence|paperwork|it in writing|something in writing|validation|the (agreement|contract))|"
    r"prove (it|that)|disput\w*|identity (theft|was stolen)|stole my (identity|details|card)|fraud\w*|scam|"
    r"complain\w*|ombudsman|cfpb|doesn'?t add up|overcharg\w*|that'?s not right|it'?s not right|"
    r"(don'?t|do not|didn'?t) recogni[sz]e|(amount|balance|figure|total|interest|charges?|fees?|it|that|this|"
    r"account)('s| is| are| looks?| seems?)? (all |completely |totally )?(wrong|incorrect|not (correct|accurate|"
    r"legit))|legit|statute[- ]barred|(send|show|give) me (a |the )?(copy|original|agreement|contract|breakdown|"
    r"statement)|(higher|more|bigger) than (what )?(i (borrowed|owed?|spent|signed up for|agreed)|it should be)|"
    # "never heard of it / this debt" questions the debt; "never heard of Westlake" asks who is calling
    r"never heard of (it|this|that|any|such|the (debt|account|card|loan|bill|balance|amount))\b|"
    r"closed (that|the|my|it)|(i|we) cancell?ed|(it|that|this|the \w+) (was|were|got) cancell?ed|"
    r"returned (it|the|them|everything)|(my )?ex'?s (debt|card|account|loan)|(interest|charges?|fees?|amount|"
    r"balance|figure|total)\b[^.?!]{0,30}\b(is|are|'s|looks?|seems?) (all |completely |totally )?(wrong|incorrect)|"
    r"written off|(a )?different (amount|figure)|never (told|informed|notified|warned)|original "
    r"creditor|verif\w*|how do i know|who says|on what basis|where'?s (the|your) (proof|evidence|paperwork)|"
    r"nothing to do with me|sent (you |them )?(a )?letter|(speak|talk) to (a |your )?(manager|supervisor)|"
    # "I don't think this is my debt", "a copy of the credit agreement", "I settled that", "can you prove I owe it"
    r"(never|didn'?t|didnt|did not) (take|took) (it|this|that|them|(the|this|that|a|any) \w+) out|"
    r"(don'?t|dont|do not) think (it'?s|its|this is|that'?s|thats|it is|this|it) "
    r"(mine|my (debt|account|card|loan|bill))|"
    r"copy of (the |my |a |that )?(credit |original |signed |loan )?(agreement|contract)|"
    r"(settled|cleared) (it|that|this|them|the (debt|account|balance|card|loan))|"
    r"(it|that|this|the (debt|account|card|loan|balance)) (was|were|got|has been|had been) (closed|cleared|settled|"
    r"paid off)|"
    r"(can|could|will) you (prove|show|confirm) (it|that|this|i owe|that i owe|it'?s mine))\b",
    re.I,
)
# Taking the dispute up: checking, proof or paperwork sent, collection paused, the complaint taken.
_TAKES_IT_UP = re.compile(
    r"\b(disput\w*|look (into|at) (it|that|this)|investigat\w*|check\w*|verif\w*|validat\w*|in writing|send (you|it|"
    r"a copy|out)|post (you|it|out)|copy|proof|evidence|paperwork|statement|paus\w*|on hold|hold (the|your|it|"
    r"collection)|review\w*|complaint|quer(y|ied)|right to|raise it|trace|the payment you made|find (it|that "
    r"payment)|fraud team|police report)\b",
    re.I,
)
# Carrying on collecting over it: the balance stands, is owed or yours, or payment is asked for.
_INSISTS = re.compile(
    r"\b((the )?(balance|debt|amount|account|bill|it) (still )?(stands|is (still )?(owed|due|valid|yours|correct|"
    r"outstanding)|remains (owed|due|outstanding))|you (still )?owe (it|this|us|the)|"
    r"(you|it'?s|it is) still (owe|owed|due|yours)|"
    r"(it'?s|it is|its) (still |definitely |clearly |obviously )?(yours|owed|due|your (debt|account|"
    r"responsibility))|we'?re (still )?collecting|(definitely|clearly|obviously) yours|our (system|records?|file) "
    r"(says?|shows?) (otherwise|it'?s yours|you owe)|(is|are) what (it|they) (is|are)|(which |that )?you agreed to|"
    r"how are we (settling|paying|sorting|clearing)|focus on the (balance|payment|debt)|the (total|balance) is\b|"
    r"(still|anyway|regardless)[^.?!]{0,20}\b(have|need|got) to pay|(have|need|got) to pay (it |this )?(anyway|"
    r"regardless|in the meantime|meanwhile)|you'?re (still |fully )?liable|card or (bank )?transfer)\b",
    re.I,
)
# Putting them off the right: what would it achieve, it only slows things down, they never side with you, pay first.
_PUTS_OFF = re.compile(
    r"\bwhat (would|will|does|is) (disputing|complaining|challenging|a (dispute|complaint|challenge)) (\w+ )?"
    r"(achieve|change|do|get you|help)\b|"
    r"\b(disputing|complaining|challenging|a (dispute|complaint|challenge)|(an )?identity theft claims?)( it| this)? "
    r"(will|would|'ll|just|only|)\s*(just |only )?(slow|delay|drag|make (it|things|this) worse|cost you|take ages|"
    r"rarely work|never work|get you nowhere|go nowhere)\w*|"
    r"\b(they|the ombudsman|the cfpb|the fos|ombudsmen|regulators?) (never|won'?t|wouldn'?t|don'?t|do not|will not|"
    r"would not) (side|help|do anything|care|listen|back|look at|touch|take (it|this|that|your case|on))\b"
    r"(?![^.?!]{0,40}\b(until|till|before|unless|yet)\b)|"
    r"\b(what'?s|whats|what is|there'?s|theres|there is) (the |no |not much |little )?point (in |of )?(challenging|"
    r"disputing|complaining|a (dispute|complaint|challenge))\b|"
    r"\b(you'?re|you are|your|ur|u r|u'?re) not entitled to (see |ask for |have )?(a copy of |any )?(the |a |an )?"
    r"(proof|evidence|agreement|paperwork|documents?|contract|breakdown|statement|validation|copy)\b|"
    r"\bpay (it |us )?first,? (and )?(then|after that|afterwards)\b|"
    r"\b(a (written )?(dispute|complaint)|putting it in writing|complaining|disputing)( it| this)? (just )?(means "
    r"(more|extra) (admin|hassle|delay)|won'?t (stop|get|change|make)"
    r"(?! how (we|i|they) (treat|deal with|handle|look at|speak to|talk to|work with) (you|u|ur|your)"
    # "making a complaint won't change how your account's handled": no reprisal, not no use
    r"| how (you'?re|you are|(your|ur) \w+('s| is| are| gets| will be)?) (treated|handled|dealt with|looked after|"
    r"managed)))|"
    r"\bmay as well (just )?pay\b|\b(under )?no obligation to (send|provide|give|show)|"
    # what is not done is the proof or the dispute, not the suing they asked about: "validation isn't something we
    # do over the phone", not "the honest answer is no, that isn't something we do"
    r"\b(disput\w*|proof|evidence|validation|verification|paperwork|documents?|cop(y|ies)|statements?|breakdowns?|"
    r"agreements?|contracts?|complaints?|queries|challenges?)\b[^.?!]{0,60}"
    r"\b(isn'?t|is not|aren'?t|are not) (something|anything) we (hand out|send|provide|give out|do)\b|"
    r"\b(don'?t|do not) (really )?(do|deal with|handle|take) complaints\b|"
    # proof refused as a rule of the house: "we don't do breakdowns", "we do not give out copies"
    r"\b(we|i) (don'?t|dont|do not) (do|give out|hand out|provide|send out) (any )?(breakdowns?|statements?|copies|"
    r"proof|itemi[sz]ed (bills?|statements?|breakdowns?))\b|"
    r"\bnothing to (complain|query|dispute|argue) about\b|"
    # their evidence set aside unread: "the statement won't really change anything", "your receipt doesn't matter"
    r"(?<!by )(?<!via )(?<!than )(?<!in a )"  # "asking by letter rather than phone doesn't change anything"
    r"\b(statements?|receipts?|proof|evidence|paperwork|letters?|documents?|screenshots?|emails?|records?)"
    r"( (you'?ve|you have|you) (got|sent|mentioned|have))? (won'?t|wont|wouldn'?t|doesn'?t|does not|will not|"
    r"would not|isn'?t going to) (really |actually )?(change|make (any |a |much )?difference|matter|count)\b",
    re.I,
)


# The right to dispute, ask for proof or complain, said to be closed, missing, lapsed, waived or costly
# (read by ``_first_denial`` with ``_BARRED_UNDONE``). Families written from a batch of dispute denials by another
# hand (docs/scoring.md, "Disputes barred in other words").
_DISPUTE_WORDS = (r"(disput\w*|challeng\w*|quer(y|ies|ied|ying)|question\w*|contest\w*|object\w*|appeal\w*|"
                  r"complain\w*|proof|evidence|validation|verification|paperwork|documents?|the agreement)")
_DISPUTE_BARRED = re.compile(
    # closed to challenge: "it isn't open to challenge", "it can't be queried now", "the decision is final"
    r"\b(isn'?t|is not|not|no longer) open to (challenge|dispute|query|question|appeal|debate|discussion)\b|"
    # "disputing it is a waste of everyone's time", "queries are closed"
    r"\b(disput\w*|challeng\w*|querying|questioning|arguing)( (it|this|that|the \w+))? (is|'s|would be|will be) "
    r"(just )?(a )?(complete |total )?(waste of (time|everyone'?s time|breath|effort)|pointless|futile|no use)\b|"
    r"\b(queries|disputes|complaints|challenges) (are|is) (now )?(closed|not accepted|"
    r"no longer (accepted|taken|possible))\b|"
    r"\b(can'?t|cannot|can not|won'?t|will not) be (queried|questioned|challenged|disputed|contested|appealed|"
    r"re-?opened|re-?examined|re-?investigated)\b|"
    # "we can't really reopen it", "I'm not able to look at it again"
    r"\b(we|i) (can'?t|cannot|can not|won'?t|will not|are unable to|am unable to|aren'?t able to|'?m not able to) "
    r"(really |actually )?(re-?open|re-?examine|re-?investigate|revisit|look at (it|this|that) again|go back over) "
    r"(it|this|that|the (balance|account|matter|case|dispute|figure|amount))\b|"
    r"\b(balance|amount|figure|decision|debt|total|sum|matter)( on (this|the) \w+)? (is|was|'s) (now )?(final|"
    r"set in stone|non-negotiable|not negotiable)\b|"
    r"\b(it'?s|its|that'?s|thats|it is|that is) (all )?(final|set in stone)\b(?! (notice|demand|reminder|letter|"
    r"offer|date|payment|instal\w*|figure))|\bfinal and binding\b|\b(it'?s|it has|has) been locked in\b|"
    # no way to do it: "there's no process for that", "no such thing as a dispute", "no one above me"
    r"\b(there'?s|theres|there is|we have|we'?ve got) no (such )?(form|department|team|process|procedure|step|"
    r"mechanism|route|system|channel)( \w+){0,3} (for|to) (that|this|it|disput\w*|challeng\w*|complain\w*|"
    r"quer(y|ies)|appeal\w*|validation|proof)\b|"
    r"\bno (formal |informal )?(or (formal|informal) )?(challenge|dispute|complaints?|appeals?) (procedure|process|"
    r"route|stage|step)\b|\bno such (process|procedure)\b|\bno such thing as (a )?(dispute|complaint|challenge)\b|"
    r"\bno one (above me|higher|else) (to|you can) (complain|escalate|appeal)\b|"
    r"\b(can'?t|cannot|won'?t|will not) (log|take|record|accept|raise) (a|your|the|any) (complaint|dispute)\b|"
    # proof withheld: "requests for documents are not processed", "the agreement is confidential"
    r"\b(requests?|asking) for (documents|paperwork|proof|copies|the agreement|validation|statements)\b"
    r"[^.?!]{0,30}\b(not|aren'?t|isn'?t|won'?t be) (processed|accepted|dealt with|possible|something we)\b|"
    r"\bnot obliged to (show|send|give|provide|prove)\b|\b(won'?t|will not) be (re-?issu|re-?send|re-?post)\w*|"
    r"\b(credit )?agreement is confidential\b|"
    # not looked at: "we don't reopen accounts for investigation", "our records take precedence"
    r"\bno (point|need) (in )?(me |us )?(looking|checking|investigating|raising (it|a query)|querying)\b|"
    r"\b(we|i)( don'?t| do not| won'?t| will not| aren'?t| are not|'m not| am not) (going to |gonna )?(re-?open|"
    r"re-?investigate|investigat\w*|look(ing)? (into|at)) (it|this|that|accounts?|the (account|balance|debt|"
    r"dispute|claim|figures?))( again| for investigation| any further)?\b|"
    r"\b(our|the creditor'?s|the bank'?s|the lender'?s) records (take precedence|are final)|"
    r"\bnobody'?s going to (read|look at|check)\b|"
    # disbelief: "everybody says it's not theirs", "nice try", "pull the other one"
    r"\b(every(one|body)|they all|people always) says? it'?s not (theirs|mine|his|hers|yours)\b|"
    r"\bnice try\b|\bpull the other one\b|\bheard it all before\b|\bi'?m the queen\b|\bthat excuse\b|"
    r"\bhaven'?t convinced me\b|\b(favourite|favorite|oldest) (line|excuse|trick)\b|"
    r"\bthat'?s what (people|they|everyone) say when\b|"
    # the complaint route dismissed: "the regulator ignores them", "regulators aren't interested"
    r"\b(regulators?|ombudsman|the fca|the cfpb|the fos)\b[^.?!]{0,40}\b(ignores?|ignore them|(aren'?t|isn'?t|not) "
    r"interested|bins? (it|them)|(don'?t|doesn'?t|won'?t) care)\b|"
    # paid for first: "pay first, dispute later", "only after the first instalment clears"
    r"\bpay (first|up first),? (then )?(dispute|query|complain|argue|talk)\b|"
    r"\b(pay|clear|settle)\w* (it |this |the (arrears|balance|debt|account|lot) |something )?(off |up )?first\b"
    r"[^.?!]{0,20}\bthen\b[^.?!]{0,30}\b(talk|look|discuss|check|dispute|query|whether)\b|"
    rf"\b{_DISPUTE_WORDS}\b[^.?!]{{0,40}}\b(only|not) (after|once|until|before) (you'?ve |you have |you |the first |"
    r"there'?s a )?(paid|pay|made a payment|instal\w*|payment|a plan|plan)|"
    r"\b(make|made) a payment( today| first| now)?,? (and )?then (we can|i'?ll|we'?ll) (talk|look|discuss|check)|"
    r"\bonly (the |a |your )?(account holder'?s )?(solicitor|lawyer|attorney)s? can (dispute|request|ask|challenge|"
    r"query)|"
    # lapsed: "you should have disputed it", "that ship has sailed", "your dispute rights expired"
    r"\bshould (have|'ve) (disputed|challenged|queried|questioned|objected|contested|complained)\b|"
    r"\bhad (your|ur) chance\b|\bship has sailed\b|"
    r"\b(dispute|challenge|objection|contest)\w* (rights?|window|period|deadline)\b[^.?!]{0,30}\b(expired?|lapsed|"
    r"closed|gone|passed|ended|over)\b|"
    r"\b(deadline|time|window|chance|opportunity|right)s?( \w+){0,2} to (object|contest|dispute|challenge|query|ask "
    r"for proof|question)( it)?\b (was|has|have|'s|is)( [\w']+){0,5}? (gone|passed|over|closed|lapsed|expired)\b|"
    r"\b(undisputable|indisputable|beyond dispute)\b|"
    # waived: "by answering this call you've accepted the debt", "that counts as accepting the balance"
    r"\bby (answering|paying|picking up|speaking|talking|responding|making)\b[^.?!]{0,40}\b(accept|agree|admit|"
    r"acknowledg)\w*|"
    r"\b(counts? as|treated as|taken as|that'?s you|thats u|that'?s u|means you'?ve|means you have) (agreeing|"
    r"accepting|accepted|agreed|acknowledging|admitting)\b|\bwaived? (any|your|the) right\b|"
    # fraud brushed aside: "the fraud report doesn't change anything", "it's irrelevant to us"
    r"\b(identity theft|fraud|stolen identity)\b[^.?!]{0,40}\b(regardless|(doesn'?t|don'?t|does not|do not) "
    r"(matter|change|affect|stop)|irrelevant)|\b(irrelevant|makes no difference|doesn'?t matter) to us\b|"
    r"\bwe (don'?t|do not|won'?t) stop collect\w* for\b|"
    # collected on anyway: "collection carries on while you think about it", "let's park the dispute"
    r"\bcollection (carries|continues|goes) on\b|\bpark (the|your|that) (dispute|query|complaint)\b|"
    r"\b(dispute|query|complaint)('s| is)? (noted|logged),? (moving on|anyway|lol)\b",
    re.I,
)
# What takes it back in the same sentence: "... but you can still dispute it", "... but I'll post you a copy".
_BARRED_UNDONE = re.compile(
    r"\b(but|though|however|although|still)\b[^.?!]{0,60}\b((you|u) (can|could|may)|(we|i)('ll| will| can|'d| would)|"
    r"happy to|feel free)\b|\b(you|u) (can|could|may) still\b|"
    r"\b(ombudsman|escalate|put you through|transfer you)\b(?![^.?!]{0,30}\b(ignore|interest"
    r"|bin|care|waste))",
    re.I,
)
def _first_denial(rx: re.Pattern[str], text: str, masked: list[tuple[int, int]],
                  undone: re.Pattern[str] | None = None) -> re.Match[str] | None:
    """The first match of ``rx`` not quoted or reported (``masked``: "some collectors say it's too late to
    dispute; that isn't true"), not negated before it, and not taken back after it in its sentence (``undone``).
    The negation inside a match is the denial ("the ombudsman won't look at it"): only one before it undoes it."""
    for m in rx.finditer(text):
        if inside(m.start(), masked) or negated(text[: m.start()], m.start()):
            continue
        if undone is not None and undone.search(text[m.end() : _sentence_bounds(text, m.start(), m.end())[1]]):
            continue
        return m
    return None


def _brushes_dispute_aside(text: str, masked: list[tuple[int, int]], ask: re.Match[str] | None,
                           debtor_line: str) -> Evidence | None:
    """A dispute put off ("Complaining will just slow things down"), or, after the debtor has just questioned
    the debt, collecting on as if they had not: the balance stands, or money asked for, with nothing said
    to take the dispute up ("I can't see that payment, so the balance stands. How would you like to pay?")."""
    # Put off, or barred (closed, lapsed, waived, paid for first) unless taken back in the same sentence.
    off = _first_denial(_PUTS_OFF, text, masked) or _first_denial(_DISPUTE_BARRED, text, masked, _BARRED_UNDONE)
    if off is not None:
        return Evidence(off.group(0), off.start(), off.end())
    if not _THEY_DISPUTE.search(debtor_line) or takes_dispute_up(text):
        return None
    push = next((m for m in _INSISTS.finditer(text) if not inside(m.start(), masked)
                 and not negated(text, m.start())), None)
    if push is None and ask is not None:
        s, e = _sentence_bounds(text, ask.start(), ask.end())
        # "How do you usually pay it?" asks what they did, which is how a payment they say they made is found.
        # "Could you spare me two minutes?" asks for time: only an ask that names paying counts here.
        push = None if _HOW_THEY_PAID.search(text[s:e]) or not _PAYING_WORD.search(ask.group(0)) else ask
    return Evidence(push.group(0), push.start(), push.end()) if push else None


# What undoes taking it up: "disputing won't change anything", "you can have proof once you've paid", "we can
# look into it, but you'll still need to pay".
_TAKE_UP_UNDONE = re.compile(
    r"\b(won'?t|will not|doesn'?t|does not|wouldn'?t|isn'?t going to) (really )?(change|stop|make|matter|help|get|"
    r"affect)\b|\b(pay|paid) (it |us |something )?first\b|\b(until|once|after) you('ve| have)? (paid|pay)\b|"
    r"\b(still|anyway|regardless|in the meantime|meanwhile)\b[^.?!]{0,40}\b(pay|owe|due|payment)|"
    r"\b(pay|owe|due|payment)\b[^.?!]{0,40}\b(still|anyway|regardless|in the meantime|meanwhile)\b|"
    r"\bno (point|use|need)\b|\bpointless\b|\bwaste of\b|\bgood luck\b|\bif you (must|insist)\b",
    re.I,
)


# A question about what they did ("How do you normally pay it?", "When did you send it?"), not "Did you want to pay?"
_WHAT_THEY_DID = re.compile(r"\b(usually|normally|generally|always)\b|\blast (payment|time|month|week)\b|"
                            r"\b(did|have|had) you (pay|paid|send|sent|make|made|post|posted)\b|"
                            r"\bwhen (did|have|had|were) you\b", re.I)


def _likeliest_sentence(r: _Reading, head: Callable[[str, str], float]) -> Evidence | None:
    """The sentence of the reply a head on a reply in its context rates highest after the debtor's line."""
    assert r.learned is not None
    units = r.learned.units(r.text, r.spans)
    if not units:
        return None
    s, e = max(units, key=lambda u: head(r.text[u[0]:u[1]], r.ctx.debtor_line))
    return Evidence(r.text[s:e], s, e)


def may_ignore_limit(text: str, debtor_line: str, head_says_limit: Callable[[], bool],
                     masked: list[tuple[int, int]] | None = None) -> bool:
    """Whether the contact-limit reply head is asked about a reply at all: after a limit in the rules' words, or
    one the limit head reads (``head_says_limit``, asked only then) in a line the crisis words do not read ("I
    don't want to be here any more" is the crisis rules' to read, not a limit; "I'm in hospital, stop calling me"
    is both); and not when the reply sets contact only within the hours the debtor gave ("no calls after six" ->
    "I'll call at 5.30pm, then": the rules read the hour, and it is kept)."""
    if not (limits_contact_words(debtor_line) or not vulnerable_words(debtor_line) and head_says_limit()):
        return False
    return not _hour_kept(text, masked_spans(text) if masked is None else masked, debtor_line)


def limits_contact_words(debtor_line: str) -> bool:
    """Does the debtor's line limit contact in words the rules know: stop, write, a representative, the hour or
    how often objected to, a later call asked for?"""
    return bool(_STOP_CONTACT.search(debtor_line) or _HOUR_OBJECTED.search(debtor_line)
                or _LATER_CALL_ASKED.search(debtor_line))


def vulnerable_words(debtor_line: str) -> bool:
    """Does the debtor's line tell of a crisis, an illness, a loss, a capacity problem or a Breathing Space in
    words the rules know (``_VULNERABLE``)?"""
    return bool(_VULNERABLE.search(debtor_line))


# Life events short of a crisis that knock someone's money or footing (FCA FG21/1's drivers of vulnerability:
# income shock, a home lost, a baby, a relationship ended or dangerous, bringing a child up young or alone). A
# plain ask after one is no push (an affordable plan is the right next step); the pressing head may still read a
# push after one (``Scorer._learned_press``, at its own threshold ``press_life``).
_LIFE_EVENT = re.compile(
    # income shock: the job or the hours gone
    r"\b(lost (my|our|his|her) (job|work|income)|(laid|let) (me |us |him |her )?(off|go)|made redundant|redundan\w*|"
    r"fired|sacked|(been|got) dismissed|out of (work|a job)|unemploy\w*|between jobs|no (job|income|work)|furlough\w*|"
    r"(job|contract|hours|shifts|overtime) (got |were |was |have been |has been |had been )?"
    r"(cut|cancelled|canceled|ended|gone|stopped|reduced|slashed)|"
    r"(lost|losing) (my|the|our|his|her|all) (hours|shifts|contract|business|overtime)|"
    r"(cut|cutting|reduced|slashed|halved) (my|our|his|her|all) (hours|shifts|overtime|pay|wages?)|"
    r"business (failed|folded|went under|collapsed|closed)|"
    r"(on|off) (statutory )?(sick|maternity|paternity) (pay|leave)|"
    r"gardening leave|(benefits?|universal credit|uc|payments?) (got |have been |has been |were |was )?"
    r"(stopped|sanctioned|delayed|suspended|cut)|sanction\w*|"
    # a home lost
    r"evict\w*|homeless\w*|kicked (me |us )?out|changed the locks|repossess\w*|no fixed (address|abode)|"
    r"sofa[- ]surf\w*|hostel|temporary accommodation|sleeping (rough|in (my|the|our) car)|notice to (quit|leave)|"
    # a baby, a pregnancy
    r"pregnan\w*|(had|having|just had|expecting) (a|my|our|the) (baby|first|second|third|twins)|new ?born|nicu|"
    r"maternity|paternity|"
    # a relationship ended or dangerous
    r"divorc\w*|separat(ed|ing|ion)|(split|broke|broken) up|stalk\w*|"
    r"(husband|wife|partner|boyfriend|girlfriend|fianc\w*|he|she|ex) (has |'s |just )?(left|walked out on) (me|us)|"
    r"walked out|"
    r"controlling|fled|escap(ed|ing) (him|her|them)|violent|restraining order|"
    # a child brought up young or alone
    r"single (mum|mom|dad|parent)|young (mum|mom|dad|parent)|teen(age)? (mum|mom|dad|parent)|on my own with)\b",
    re.I,
)


def life_event_words(debtor_line: str) -> bool:
    """Does the debtor's line tell of a life event short of a crisis (``_LIFE_EVENT``: a job or hours lost, a home
    lost, a baby, a relationship ended or dangerous, a child brought up young or alone)?"""
    return bool(_LIFE_EVENT.search(debtor_line))


# Means of paying said without a word of money: "you might have a bit spare for us?", "could your parents lend it?"
_MEANS = re.compile(r"\b(spare|lend\w*|lent|borrow\w*|loans?|afford\w*|chip in|towards|put (it |something |a bit )?"
                    r"(aside|by)|sell\w*|sold|commit\w*|promise\w*|sort (it|this) out|deal with it)\b", re.I)
# Any word of money, a sum, a date or a means of paying (a reply with none cannot press for payment); a bare number
# is none ("at 19" is an age: a sum is the money reader's to find), a date's ordinal is ("by the 15th").
_MONEY_WORDS = re.compile(
    r"[£$€]|\b\d+(st|nd|rd|th)\b|"
    r"\b(pay\w*|paid|pymt|pmt|money|amount|card|debit|autopay|plan|arrangement|instal\w*|balance|arrears|"
    r"owe\w*|bank\w*|budget|"
    r"settle\w*|clear\w*|cover|cash|funds?|income|savings?|wages?|salary|benefits?|link|quid|pounds?|"
    r"dollars?|bucks|fiver|tenner|sum|figure|token|goodwill|minimum|standing order|checkbook|cheques?|equity|"
    # a check as a means of paying ("by check", "a check for $50"), not the verb ("we check new notices daily")
    r"(?:(?<=\ba )|(?<=\bby )|(?<=\bthe )|(?<=\byour )|(?<=\bmy ))checks?|checks?(?= (for|to|of|in the)\b)|"
    r"estate|month(ly)?|week(ly)?|date|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    # sums and dates in words ("the usual thirty for the tenth", "the February one")
    r"(twen|thir|for|fif|six|seven|eigh|nine)t(y|ieth)|hundred|thousand|grand|ten|tenth|fifteenth|twelve|"
    r"january|february|march|april|june|july|august|september|october|november|december)\b", re.I)


def speaks_of_money(text: str) -> bool:
    """Does the reply say anything of money, a sum, a figure, a date or a means of paying? A bare number is none
    ("that's a lot to take on at 19"): a sum is one the money reader finds."""
    return bool(_MONEY_WORDS.search(text)) or bool(find_amounts(text))


# Money put aside in words: they need not pay, nothing is due, no payment will be set or asked for.
_MONEY_ASIDE = re.compile(
    r"\b(don'?t|do not|no need to|needn'?t|won'?t (have|need) to)( \w+){0,2} pay\b|"
    r"\bnot (going to )?(set|take|ask)\w*( up| for)? (any|a) payments?\b|\bno payments?\b|"
    r"\bnothing (is |'s |will be )?(due|to pay|owed|taken|collected)\b|"
    r"\bwon'?t be (taken|collected|due|asked for|chased)\b|\bonce you'?re (ready|feeling|stronger|able|up to)\b|"
    r"\b(not|under no|no) (obliged|obligation|required) to (make any |make a )?pay",
    re.I)


_ESTATE_CLEARS = re.compile(r"\b(the )?estate (will|would|should|can|pays?|covers?)\b", re.I)


def puts_money_aside(text: str) -> bool:
    """Does the reply tell them they need not pay, are not liable, or that nothing is due or will be asked for
    ("Please don't pay this yourself", "you're not responsible for his card", "let's not set any payment
    today"), or put money at rest in the words the rules read so ("Your £25 plan is on hold", "paying this can
    wait", "when you're ready", "I won't be asking you for anything", "the estate will clear it")?"""
    return bool(_MONEY_ASIDE.search(text) or _NOT_LIABLE.search(text) or _NOTHING_DUE.search(text)
                or _SUM_AT_REST.search(text)
                or _MONEY_CAN_WAIT.search(text) or _REASSURED.search(text) or _ESTATE_CLEARS.search(text))


# ---- dialogue acts decided by rules (core/acts.py); the act heads hear the rest ----------------------------
_ACT_NOT_LIABLE = re.compile(
    r"(\bnot|n't|\bnever|\bno one|\bnobody)\b[^.?!;]{0,30}\b(personally )?(liable|responsible for (it|this|that|"
    r"the (debt|balance|account|card|loan|bill))|owe (it|this|that|anything|any of it|us anything|a (penny|cent)))\b"
    r"|\b(it'?s|this is|that'?s) not (your|yours) to pay\b|\bnot (a|your) (personal )?(debt|liability)\b", re.I)
_ACT_PLAN = re.compile(r"\b(payment|repayment|instal?ment) (plan|arrangement)s?\b|\binstal?ments\b|"
                       r"\b(set up|arrange|agree|put in place) (a |an )?(plan|arrangement)\b", re.I)
_ACT_BREAKDOWN = re.compile(r"\b(interest|fees?|charges?|principal|made up of|breaks? down|breakdown)\b", re.I)
_ACT_ORGANISATION = re.compile(
    r"\b(step ?change|national debtline|citizens advice( bureau)?|money ?helper|money advice service|"
    r"business debtline|payplan|christians against poverty|debt advice foundation|turn2us|shelter|samaritans|"
    r"nfcc|national foundation for credit counseling|greenpath|money management international|hmrc|irs|"
    r"internal revenue service|cfpb|consumer financial protection bureau|(financial )?ombudsman|jobcentre( plus)?|"
    r"dwp|social security( administration)?|988|probate (registry|office|court)|age uk|legal aid)\b", re.I)
# "paying now wouldn't restart the clock", "a payment does not revive the debt" (a time-barred debt's disclosure)
_ACT_NO_REVIVAL = re.compile(
    r"\b(won'?t|wouldn'?t|will not|would not|doesn'?t|does not|can'?t|cannot|couldn'?t|could not|not)\b[^.?!]{0,20}"
    r"\b(restart|reset|revive|bring (it |the debt )?back|start (it |the clock |the time limit )?(up )?again|"
    r"start over)\b"
    r"[^.?!]{0,40}\b(clock|time limit|debt|it|limitation|the time|to life)\b"
    r"|\b(restart|reset|revive)\b[^.?!]{0,30}\b(clock|time limit|debt)\b[^.?!]{0,20}\b(no|not|never)\b", re.I)
# "please don't give me your card today": their card or bank details turned down
_DONT_GIVE_CARD = (r"\b(please )?(don'?t|do not) (give|read|pass) (me|us) (your|ur|the|any)( \w+)? "
                   r"(card|bank|details|number)\b")
# "i wont ask for card details over the phone", "I'm not here to take any money today"
_ACT_NO_PAYMENT_ASKED = re.compile(
    _DONT_GIVE_CARD + r"|"
    r"\b(won'?t|will not|wouldn'?t|would not|not going to|never|not here to|don'?t need|do not need|"
    r"don'?t want|do not want|not asking)\b[^.?!]{0,20}\b(ask|asking|take|taking|need|want|get|for)\b[^.?!]{0,12}"
    r"\b(any |your |a )?(card|bank|payment|money|details|penny|cent|anything)\b", re.I)
# "ill stop all post to gurney road", "no calls to your work, only your cell", "we won't ring the house line again"
_ACT_CHANGES_CONTACT = re.compile(
    r"\b(stop|stopped|stopping|no more|no)\b( all| any| sending)?[^.?!]{0,12}\b(post|letters?|mail|calls?|texts?)\b"
    r"[^.?!]{0,20}\b(to|at|going to|on)\b"
    r"|\b(won'?t|will not|never|not) (call|ring|phone|text|write to|contact)\b[^.?!]{0,15}\b(at|on) (your |ur |the )?"
    r"(work|job|office|house|home|landline|house line)\b", re.I)
_ACT_FOLLOWUP = re.compile(
    r"\b(i|we)('ll| will| am going to|'m going to| are going to|'re going to| shall)\s+(also\s+|then\s+)?"
    r"(call|ring|phone|email|e-mail|text|write|send|post|follow up|get back|drop you|pop)\b", re.I)
_ACT_REFUSES = re.compile(
    r"\b(i|we)\s+(can'?t|cannot|am not able to|'m not able to|are not able to|'re not able to|won'?t be able to|"
    r"(am|'m|are|'re) not allowed to|(am|'m|are|'re) unable to)\s+(just\s+)?(waive|wipe|write (it |that |this )?off|"
    r"cancel|remove|stop|freeze|take (it |that |this )?off|agree|accept|do that|do this|reduce|drop)\b|"
    + _DONT_GIVE_CARD,
    re.I)


def _denied(text: str, start: int) -> bool:
    """Is there a negation earlier in the clause that ends at ``start`` ("I'm not going to set up a plan")?"""
    clause = re.split(r"[.?!;,]\s|\bbut\b", text[max(0, start - 80) : start])[-1]
    return bool(NEGATION.search(clause))


def acts_by_rule(text: str, ctx: ScoringContext, amounts: Sequence[Amount], asks_payment: bool,
                 asked: Sequence[Question], behaviours: set[str]) -> set[str]:
    """The dialogue acts the facts decide (core/acts.py): an amount said, the balance said (a figure equal to
    the scenario's balance, or one the money reader takes as owed), a payment asked for, a plan figure, and the
    acts the rubric's behaviours already are (a hold offered, who they are, identity asked), or plain words."""
    out: set[str] = set()
    if amounts:
        out.add("states_amount")
        debt = ctx.scenario.debt if ctx.scenario else None
        if any(a.role == "owed" or (debt is not None and a.role != "plan" and abs(a.value - debt.balance) < 0.5)
               for a in amounts):
            out.add("states_balance")
        if len(amounts) >= 2 and _ACT_BREAKDOWN.search(text):
            out.add("explains_breakdown")
    if asks_payment:
        out.add("asks_payment")
    if any(a.role == "plan" for a in amounts) or any(not _denied(text, m.start()) for m in _ACT_PLAN.finditer(text)):
        out.add("offers_plan")
    if any(m for m in _ACT_NOT_LIABLE.finditer(text)):
        out.add("not_liable")
    if _ACT_NO_REVIVAL.search(text):
        out.add("no_revival")
    if _ACT_NO_PAYMENT_ASKED.search(text):
        out.add("no_payment_asked")
    if any(not _denied(text, m.start()) for m in _ACT_CHANGES_CONTACT.finditer(text)):
        out.add("changes_contact")
    for act, behaviour in (("offers_hold", "forbearance_offer"), ("says_who_they_are", "identifies_self"),
                           ("asks_identity", "verifies_identity")):
        if behaviour in behaviours:
            out.add(act)
    if _ACT_ORGANISATION.search(text):
        out.add("names_organisation")
    if _ACT_FOLLOWUP.search(text):
        out.add("promises_followup")
    if _ACT_REFUSES.search(text):
        out.add("refuses")
    if any(not q.rhetorical for q in asked):
        out.add("asks_question")
    return out


def debtor_offers(debtor_line: str) -> bool:
    """Does the debtor's line offer a sum or a payment themselves ("I could manage twenty")?"""
    return bool(_DEBTOR_OFFERS.search(debtor_line))


def may_brush_aside(text: str, spans: list[tuple[int, int]] | None = None) -> bool:
    """Whether the brush-aside head is asked about a reply at all: not when it takes the dispute up in words the
    rules know, asks what they did ("How do you normally pay it?" is how a payment they say they made is found),
    or is mostly quoted."""
    spans = sentences(text) if spans is None else spans
    if takes_dispute_up(text) or any("?" in text[s:e] and _WHAT_THEY_DID.search(text[s:e]) for s, e in spans):
        return False
    # Quoted or reported words only: a sentence naming a worry is still the speaker's ("let's sort the arrears and
    # worry about what you paid later" brushes the payment they made aside).
    quoted = masked_spans(text, spans, feared=False)
    return sum(b - a for a, b in quoted) * 2 <= len(text)


def takes_dispute_up(text: str) -> bool:
    """Does the reply take a dispute up in words the rules know ("I'll send you the agreement", "I've put the
    account on hold"), grant their point ("You're right, that charge shouldn't be there"), or say it goes on ("it
    won't affect the dispute being looked at"), without a catch that undoes it?"""
    return any(_takes_it_up(text, m) for m in _TAKES_IT_UP.finditer(text)) or any(
        _grants_it(text, m) for m in _GRANTS_IT.finditer(text)) or bool(_DISPUTE_GOES_ON.search(text))


def _grants_it(text: str, m: re.Match[str]) -> bool:
    """Is their point granted at ``m`` with no turn back in its sentence ("You're right, but it's still owed")?"""
    s, e = _sentence_bounds(text, m.start(), m.end())
    return _takes_it_up(text, m) and not _INSISTS.search(text[s:e]) and not _TURN.search(text[s:e])


# Their point granted: they are right, the mistake is ours, the charge comes off, the plan goes back on.
_GRANTS_IT = re.compile(
    r"\b(you'?re|you are|ur|that'?s|that is) (quite |absolutely |completely |totally |dead )?(right|correct)\b|"
    r"\b(yes|yep|yeah|yup),? (exactly|that'?s (right|correct)|correct|spot on)\b|\b(my|our) (mistake|error|bad)\b|"
    r"\bshould(n'?t| not) (be|have been) (there|on (it|there|the account|your account)|added|charged|applied)\b|"
    r"\b(remov|refund|revers|waiv|reinstat|credit)(e|es|ed|ing)? (it|that|the|this|your|them)\b|"
    r"\btak(e|ing) (it|that|the (charge|fee)|them) off\b|"
    # a charge waived: "there won't be any charge for that missed payment", "no late fee for this one"
    r"\b(won'?t|will not) be (any |a )?(late )?(charge|fee|penalty|interest)\b|\bno (late )?(charge|fee|penalty) for\b",
    re.I)


def _takes_it_up(text: str, m: re.Match[str]) -> bool:
    """Does the sentence around ``m`` take the dispute up, without a negation or a catch that undoes it?"""
    s, e = _sentence_bounds(text, m.start(), m.end())
    return not negated(text, m.start()) and not _TAKE_UP_UNDONE.search(text[s:e])


_PAYING_WORD = re.compile(r"\b(pay\w*|balance|debt|arrears|card|settle|clear|direct debit|plan|arrangement)\b", re.I)
_HOW_THEY_PAID = re.compile(r"\b(usually|normally|generally|always|last|did you|have you|had you|were you|when you)\b",
                            re.I)


# The right to dispute, ask for proof or complain, told or acted on: "you can still raise a dispute", "we'll look
# at your dispute", "I'll raise a query", "I can post a copy to you", "we've noted the account as in dispute".
_AFFIRMS_DISPUTE = re.compile(
    r"\b(you('ve| have)?( got)? (every|the|a|full) right to|you('re| are) (entitled|welcome|free) to|"
    r"(you|u) (can|could|may)|feel free to|send (us |back )?a (written )?dispute|"
    r"(i|we)('ll| will| can| could| am going to|'m going to| are going to|'re going to|'ve| have)"
    r"( still| happily| gladly)? (send|post|email|get|look at|look into|check|review|investigate|consider|raise|log|"
    r"record|note|noted|logged|raised|recorded|put|mark|marked|flag|flagged|pass|open|opened)"
    r"( you| out| over| it| this| the account| your account)?)"
    r"\b[^.?!]{0,40}\b(disput\w*|challeng\w*|quer(y|ies|ied)|question\w*|proof|verification|validation|evidence|"
    r"paperwork|breakdown|(a )?cop(y|ies)|the (signed )?(agreement|contract)|complain\w*|ombudsman)", re.I)
# The right said to survive what they fear ends it: "paying doesn't stop you disputing it", "won't affect your
# right to complain".
_RIGHT_KEPT = re.compile(
    r"\b(doesn'?t|does not|won'?t|will not|wouldn'?t|would not|didn'?t|did not|can'?t|cannot|never) (stop|stops|"
    r"prevent|bar|affect|remove|take away|end|cancel|change|lose)( you| your)?( from)?( (right|ability) to)? "
    r"(disput|challeng|complain|quer|question|contest|rais|ask\w* for (proof|a copy|the agreement))", re.I)
# What takes an affirmed right back anywhere in the sentence ("you can dispute it, but it's pointless"); after the
# affirmation, any negation, turn or "only" does too ("you can query it, but only after you pay"), while one before
# it is the concession the right survives ("we're not required to pause, but we'll still look at it").
_DISPUTE_CATCH = re.compile(r"(\btoo late|\bpointless|\bwaste|\bafter you pay|\bpay (it )?first|\banyway|"
                            r"\bregardless|\bif you (must|want|like|insist)|\bgood luck|\bwon'?t (change|help|matter)|"
                            r"\b(once|when|after|until|till) (you'?ve|you have) (paid|cleared|settled)|"
                            r"\bstill (have to|need to|owe|due|be (due|owed|payable))|\bno point)", re.I)
# A pause while the dispute is looked at is said with a negation that takes nothing back: "it won't be referred
# anywhere while it's reviewed"; "whether or not you've paid" is no negation either.
_WHILE_CHECKED = re.compile(r"\b(while|whilst|until|till)\b[^.?!]{0,30}\b(review|check|look|investigat|resolv|"
                            r"sort|confirm|verif|answer|decid)\w*", re.I)
_OR_NOT = re.compile(r"\bor not\b", re.I)


def _affirms_dispute(unit: str) -> bool:
    """Does the sentence tell or act on the right to dispute, with nothing after it that takes it back?"""
    told = _AFFIRMS_DISPUTE.search(unit)
    m = told if told and not NEGATORS.search(told.group(0)) else _RIGHT_KEPT.search(unit)
    if m is None or _DISPUTE_CATCH.search(unit):
        return False
    rest = _OR_NOT.sub(" ", unit[m.end():])
    taken_back = NEGATORS.search(rest) or _TURN.search(rest) or re.search(r"\bonly\b", rest, re.I)
    return not (taken_back and not _WHILE_CHECKED.search(rest))


_OTHER_LIMITS = re.compile(r"\b(work|workplace|job|office|employer|boss|every|daily|"
                           r"again and again|over and over|keeps? (calling|ringing|"
                           r"phoning|trying|texting|at it)|until|till|"
                           r"lawyer|solicitor|attorney|represent\w*|adviser|advisor|stepchange|charity|whether|anyway|"
                           r"even|still|regardless|don'?t care|other numbers?|block\w*|times)\b", re.I)


def _the_contact_they_asked_for(unit: str, debtor_line: str) -> bool:
    """Does the sentence give the debtor the contact they asked for? The callback they asked for, at no hour the
    rules find wrong ("Can you call back tomorrow morning?" "I'll call tomorrow between 9 and 10"), or the calls
    stopped, with no catch ("no more phone calls", not "we'll stop the calls for now")."""
    if _STOPS_CALLS.search(unit) and not _STOP_UNDONE.search(unit):
        return True
    if _HAS_ADVISER.search(debtor_line) and _THROUGH_ADVISER.search(unit) and not _CARRY_ON.search(unit) \
            and not any(not negated(unit, m.start()) for m in _CALLS_YOU.finditer(unit)):
        return True  # "My solicitor is dealing with it." "I'll be contacting your solicitor from now on, not you."
    return bool(_ASKS_CALLBACK.search(debtor_line) and _CALLS_LATER.search(unit)) and not (
        _OTHER_LIMITS.search(unit) or _LATE.search(unit) or _contact_at_wrong_time(unit, [], debtor_line))


# Someone acts for them ("my solicitor is dealing with it", "I'm with StepChange"), and we will go through them.
_ADVISER = r"(solicitor|lawyer|attorney|adviser|advisor|representative|stepchange|debt charity|citizens advice)s?"
_HAS_ADVISER = re.compile(rf"\b(my|our|a|an)( \w+)? {_ADVISER}\b|\bstepchange\b|\bcitizens advice\b", re.I)
_CALLS_YOU = re.compile(r"\b(call|ring|phone|text|contact|chase)\w*( you| u)\b(?! (in writing|by))", re.I)
_THROUGH_ADVISER = re.compile(rf"\b(contact|call|ring|speak|talk|deal|write|go|work|liaise)\w*( (to|with|through))? "
                              rf"(your|ur|their|the) (\w+ )?{_ADVISER}\b", re.I)
# The debtor asks to be called another time: "can you call back tomorrow morning?", "ring me after lunch".
_ASKS_CALLBACK = re.compile(r"\b(call|ring|phone|try) (me )?(back|again|later|tomorrow|another time|after|in (an|the|a "
                            r"couple)|on (monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b|"
                            r"\b(can|could) (you|u) (call|ring|phone|try)\b", re.I)
_CALLS_LATER = re.compile(r"\b(call|ring|phone|try|speak|talk)\w*\b[^.?!]{0,30}\b(back|later|tomorrow|then|at|between|"
                          r"after|in the|on (monday|tuesday|wednesday|thursday|friday|saturday))\b", re.I)
# Asking for the account holder in person: "I'd need to speak to your dad himself", "can I talk with her directly?"
_ASKS_FOR_HOLDER = re.compile(r"\b(speak|talk|go through it|deal)\w* (to|with) ((ur|your|the) \w+|him|her|them) "
                              r"(himself|herself|themselves|directly|personally|in person)\b", re.I)
# The calls stop: "no more phone calls", "I'll stop the calls", "we won't ring you again".
_STOPS_CALLS = re.compile(r"\b(no (more|further) (phone )?calls|(stop|stopping|end|ending|block|blocking) "
                          r"(the |all |any |our |these )?(phone )?calls|"
                          r"(won'?t|will not|wont|not going to|never) (call|ring|phone) (you|u) (again|any ?more))\b",
                          re.I)
_STOP_UNDONE = re.compile(r"\b(until|till|unless|if (you|u) (don'?t|do not|won'?t)|once|for now|today)\b", re.I)
_LATE = re.compile(r"\b(tonight|late|midnight|night|early|crack of dawn|sunday)\b", re.I)


def _lawful_call_time(unit: str, debtor_line: str) -> bool:
    """Does the sentence set a call for a time within 8 a.m. to 9 p.m. and the debtor's own limits, with nothing
    else in it about contact limits? A time offered for them to choose ("Would tomorrow morning suit, say ten
    o'clock?") is one too, when it is a lawful hour."""
    if _OTHER_LIMITS.search(unit):
        return False
    timed = [m for m in _CONTACT_TIME.finditer(unit) if _hour(m) is not None]
    if timed:
        return not _contact_at_wrong_time(unit, [], debtor_line)
    if not (unit.rstrip().endswith("?") and _OFFERS_TIME.search(unit)):
        return False
    hours = [h for m in _ANY_TIME.finditer(unit) if (h := _hour(_with_part(m, unit))) is not None]
    after, before = _their_hours(debtor_line)
    return bool(hours) and not any(_wrong_hour(h, after, before) for h in hours)


_OFFERS_TIME = re.compile(r"\b(would|does|is|will|could)\b[^.?!]{0,40}\b(suit|work|be (ok|okay|better|good|easier|"
                          r"convenient|all right|alright))\b", re.I)
_ANY_TIME = re.compile(
    r"\b(?:at |say |around |about )" + _HALF + _CLOCK + r"(?=\s|$|[.,;!?]|am\b|pm\b|a\.m|p\.m)" + _WHEN, re.I)
_PART_OF_DAY = re.compile(r"\b(tomorrow (?:night|evening|afternoon|morning)|tonight|this (?:evening|afternoon|morning)|"
                          r"in the (?:evening|afternoon|morning))\b", re.I)


def _with_part(m: re.Match[str], unit: str) -> re.Match[str]:
    """The time ``m`` names, with the sentence's part of the day when the match has none ("tomorrow morning, say
    ten o'clock")."""
    if m.group("part") or m.group("ampm") and m.group("ampm").lower().replace(".", "") in ("am", "pm"):
        return m
    part = _PART_OF_DAY.search(unit)
    if part is None:
        return m
    again = _ANY_TIME.match(m.group(0).rstrip() + " " + part.group(0))
    return again or m


_THEIRS_BEFORE = re.compile(r"\b(your|his|her|their|the)\s+$", re.I)
_NOT_LIABLE = re.compile(r"(\bnot|n't|\bnever|\bnobody|\bno one)\b[^.?!;]{0,40}\b(liable|responsible|owe|have to pay|"
                         r"pay (it|this|that|any of it))\b", re.I)


def _not_liable(text: str, start: int) -> bool:
    """Is the debt word at ``start`` inside a statement that someone is not liable for it?"""
    head = re.split(r"[.!?;]\s|\bbut\b", text[max(0, start - 80) : start])[-1]
    return bool(_NOT_LIABLE.search(head + text[start : start + 12]))


# "We just want something that works for you": looking for a plan they can keep, not pressing.
_AFFORDABLE_AFTER = re.compile(r"\s*(that|which)? ?(works|suits|fits|you can (afford|manage|keep up|stick to)|"
                               r"(is )?(affordable|manageable|realistic|sustainable))\b", re.I)
_PRESSURE_IDS = ("undue_pressure", "pressure_after_vulnerability")
# Words of money for `_money_denied`: a sum with its figures whole, not `_MONEY_WORDS`'s dates and
# sums in words ("Twenty's not really enough" is no money set aside).
_MONEY_WORD = re.compile(r"\b(pay\w*|money|cash|balance|arrears|debt|amount|instal\w*|£\d[\d,.]*|\$\d[\d,.]*)", re.I)


def _money_denied(unit: str) -> bool:
    """Is every word of money in the sentence negated, with nothing turning it ("let's not set any payment today",
    not "no need for the full amount, but £50 today")?"""
    hits = list(_MONEY_WORD.finditer(unit))
    return bool(hits) and not _TURN.search(unit) and all(negated(unit, m.start()) for m in hits)


# A sum granted to be more than they can pay: "£50 clearly isn't doable now", "that's not realistic for you".
_CANT_AFFORD_IT = re.compile(r"\b(isn'?t|is not|not|no longer|won'?t be|wouldn'?t be)( \w+)? (doable|affordable|"
                             r"manageable|realistic|sustainable|possible|working|going to work|fair on you)\b", re.I)
# Nothing for them to pay or meet: "there's nothing you need to pay today", "there's no date you have to pay by".
_NOTHING_TO_MEET = (r"\b(there'?s|there is|you'?ve got|you have|you'?ve) (nothing|no (\w+ )?(date|deadline|amount|"
                    r"payment|sum|figure|bill|money)s?)( at all| whatsoever)?( that)?"
                    r"( (you|u) (need|have|must|should|'?ve got))? to\b")
_NOTHING_DUE = re.compile(_NOTHING_TO_MEET, re.I)
# Saying the request will not be made: what follows in the sentence is what is not being asked for.
_NOT_ASKING = re.compile(
    r"\b((i|we)('m| am|'re| are) not|(i|we) (won'?t|will not|wouldn'?t|would not|don'?t|do not|never)|"
    r"(nobody|no one|no-one)('s| is)?|there'?s no)( \w+)? (ask\w*|push\w*|pressur\w*|chas\w*|expect\w*|rush\w*|"
    r"want\w*|need\w*|going to ask|going to push|going to chase)\b|"
    r"\byou (don'?t|do not|won'?t|will not) (have|need) to\b|\b(there'?s )?no (need|pressure|rush) to\b|"
    + _NOTHING_TO_MEET + "|"
    r"\bdon'?t (feel you have to|worry about (paying|payment|money))\b|"
    # putting the decision off: "I don't think we should agree anything today"
    r"\b(don'?t|do not|shouldn'?t|should not|won'?t|will not|no need to)\b( \w+){0,3} (agree|decide|commit|sign|"
    r"settle on)\b",
    re.I,
)
_TURN = re.compile(r"\b(but|however|though|although|still|yet|unless|except)\b", re.I)


def _not_asking(text: str, start: int, said: re.Pattern[str] | None = None) -> bool:
    """Does the sentence say, before ``start`` and with nothing turning it round, that no request is made
    (``_NOT_ASKING``, or the narrower ``said``)?"""
    head = text[max(0, start - 160) : start]
    head = re.split(r"[.!?]\s", head)[-1]
    found = list((said or _NOT_ASKING).finditer(head))
    return bool(found) and not _TURN.search(head[found[-1].end() :])


_THREAT_LABELS = ("threat_unintended_action", "threat_arrest_or_crime")
# An ultimatum with us as the ones who act, or the action as what paying avoids: the words are a threat whatever
# the learned layer makes of them.
_ULTIMATUM = re.compile(
    # "keep ignoring us and see what happens"
    r"\b(see|find out) what happens\b|"
    r"\b(or( else)?|otherwise|unless|if (you|u) (don'?t|do not|can'?t|cannot|won'?t|refuse|ignore|keep ignoring)|"
    r"if (this|it|the (debt|balance|account|bill)) (isn'?t|is not|stays|remains)|"
    # nothing agreed as the condition: "if we can't agree something we'll ...", "if nothing's paid by friday ..."
    r"if (we|i) (can'?t|cant|cannot|don'?t|dont|do not) (agree|reach|sort|arrange|set up|come to)|"
    r"if (nothing|no (payment|plan|agreement|arrangement|offer|money))('s| is| gets| has been)? ?"
    r"(paid|agreed|arranged|sorted|received|set up|comes? in|made)?|"
    r"without (a |any |some )?(payment|something|somethign|anything|money))\b[^.?!]{0,40}?"
    r"\b(we|i|they)('ll| will| would| have to| has to| may| might| must|'re going to| are going to| shall| can)\b"
    r"(?!n?'t| not)|"
    # or said as what acting now avoids: "call me back today to avoid legal action"
    r"\bavoid(ing)? (any |further |possible |potential |a |the )?(legal|court|county court|"
    r"proceedings|bailiffs?|enforcement|a claim|being sued|judg(e)?ment|ccj|garnish\w*|"
    r"repossession|seizure)", re.I)
# Where the money would come from, when a question steers them to raise it (CONC 7.3.10R: borrowing, selling, more
# credit; the rubric's "borrow from family or a credit card"): savings or a pension cashed in, or someone else's
# money ("could your mum cover it this week?"). Asked like this, a question presses; "What can you pay?" asks.
_PEOPLE = (r"(partner|husband|wife|boyfriend|girlfriend|parents?|family|mum|mom|dad|friends?|brother|sister|son|"
           r"daughter|kids?|nan|gran|boss|employer|relatives?)")
_BORROWING = re.compile(
    r"\b(loan|borrow\w*|lend\w*|credit card|overdraft|payday|remortgage|extend\w*|sell\w*|sold|pawn\w*|flog\w*|"
    r"pension|savings?|lump sum|inheritance|nest egg|rainy day|cash (it )?(in|out)|chip in|dip into|raid|"
    rf"(from|off) (your|ur|his|her|their|a) {_PEOPLE}|(your|ur) {_PEOPLE} (\w+ )?(pay|chip|cover|help|lend|sub|spot|"
    r"put|give|find)|on (her|his|their) card)\b", re.I)


# The whole balance asked for at once, by a near date (the rubric's "full balance now"): "can you pay that in full
# now?", "can we say the whole thing by the 30th?"; "would you be able to pay it in full?" names no date.
_ALL_AT_ONCE = re.compile(
    r"\b(whole|full|in full|entire|the lot|all of it)\b[^.?!]{0,30}\b(now|today|tonight|right away|straight away|"
    r"this (week|afternoon|evening)|by (the )?(\d+\w*|end of|friday|monday|tomorrow|tonight))\b", re.I)
# ... unless another way is offered beside it: "is paying it in full today an option, or shall we look at a plan?"
_OR_OTHERWISE = re.compile(
    r",? or (shall|should|would|do|could|can|we|a|spread|set|look|split|pay (it )?(monthly|in))\b", re.I)


# The action named as what paying avoids, with a negation that belongs to the avoiding: "clear the arrears so we
# aren't forced to instruct enforcement agents", "let's make sure this doesn't end with a bailiff at the door" (their
# part in avoiding it; "I'll make sure this doesn't go to court" is our promise, a denial).
_AVOIDED = re.compile(
    r"\b(pay|clear|settle|sort|fix|resolve|deal with|get)\w*\b[^.?!]{0,60}\bso (that )?(we|i|they|it|this|things)"
    r"( \w+)? (aren'?t|arent|don'?t|dont|won'?t|wont|doesn'?t|doesnt|do not|are not|will not|does not|never) "
    r"(have to|need to|be forced|forced|end up|get|go|turn|come)\b|"
    r"\b(let'?s|lets|let us|you('d| had| should| need to| want to|'ll want to)( better)?) (make sure|ensure) "
    r"(this|it|things|that) (doesn'?t|doesnt|does not|won'?t|wont|will not|don'?t|dont) (end|go|get|turn|come|lead)\b",
    re.I)


def _denied_threat(unit: str) -> bool:
    """A sentence that names court, bailiffs, arrest or the police only to deny them, with no condition
    attached ("We can't sue you", "Nobody is going to arrest you"): never a threat, whatever it is like."""
    if _CONDITIONAL_RELIEF.search(unit) or _THREAT_FRAME_NEG.search(unit) or _AVOIDED.search(unit):
        return False
    hits = [m for rx in ACTION_PATTERNS.values() for m in rx.finditer(unit)] + list(_POLICE.finditer(unit))
    hits += [m for m in _ARREST_WORDS.finditer(unit)]
    return bool(hits) and all(negated(unit, m.start()) or NEGATORS.search(m.group(0)) for m in hits)


_PAST = re.compile(r"\b(meant|took|lost|was|were|had|happened|went|came|did|said|told|\w{3,}ed)\b", re.I)
_NOT_PAST = re.compile(
    r"\b(is|are|am|be|being|get|gets|getting|now|today|tonight|tomorrow|soon|already|next|before|until|unless|"
    r"would|should|must|need|needs|if|or|otherwise)\b|\b(it|that|this|there|he|she|what|who|which|everything|"
    r"nothing|someone|somebody)'s\b|'(re|m|d|ll)\b|\?|"
    # what we have done so far stands now: "we've had approval to begin the legal process", "we've started
    # building the case file"
    r"\b(we|i)('ve| have) (already |now )?(started|begun|had (the )?(approval|authori[sz]ation|sign-off|the go-ahead)|"
    r"been (told|given|instructed|authori[sz]ed|asked) to|instructed|applied|filed|issued|passed|sent|referred|"
    r"escalated|prepared|drafted|opened)\b",
    re.I,
)


# The sentence opens by saying the act will not happen: the speaker will not do it, nobody will, or they will
# not have to. Only acts a violation consists of (calling, telling, suing, making them pay); "I'm not going to
# wait forever" and "we won't stop calling" are not such denials.
_SPEAKER_DENIES = re.compile(
    r"^\W*(?:(?:no|look|honestly|and|so|ok|okay|right|listen|please|mate)\W+)*"
    r"(?:(?:i|we)(?:'m| am|'re| are) not (?:going to|gonna|about to)|"
    r"(?:i|we) (?:won'?t|will not|wouldn'?t|would never|will never|never|don'?t|do not|can'?t|cannot)(?: ever)?|"
    r"(?:nobody|no one|noone)(?:'s| is| will|s)?(?: going to| gonna)?|"
    r"(?:you|your \w+|he|she|they) (?:won'?t|wouldn'?t|don'?t|do not|will not|aren'?t|are not|isn'?t|is not)|"
    r"(?:please )?don'?t)"
    r"(?: just| suddenly| then| simply| really| actually| ever)?(?: be| start| keep| go on| carry on| begin)? "
    r"(?:call|ring|phone|contact|tell|say|report|sue|take|arrest|ask|push|pass|send|visit|come|borrow|put|"
    r"calling|ringing|phoning|contacting|telling|reporting|suing|taking|asking|pushing|sending|visiting|coming|"
    r"have to|need to|owe|be (?:asked|expected|made|required|liable|responsible|arrested|charged|prosecuted))\b",
    re.I,
)
_TURNS = re.compile(r"\b(but|unless|until|till|if you (don'?t|do not|can'?t|won'?t)|otherwise|or else|however|yet)\b",
                    re.I)
# Words that say a figure is (part of) what is owed.
_OWED_WORDS = re.compile(r"\b(balance|owe\w*|owing|total|fees?|charges?|interest|arrears|costs?|number|figure|sum|"
                         r"amount|comes? to|stands? at|gone up|went up|goes up|added)\b", re.I)
# Where saying something will not happen is itself the violation: "we don't send validation letters", "this
# won't be reported" (when it will be), a balance.
_DENIAL_IS_THE_VIOLATION = ("denies_dispute_rights", "false_credit_claim", "misstated_balance")


def _speaker_denies(unit: str) -> bool:
    """A sentence that only denies the act ("We won't be ringing you every day", "Nobody's calling your
    employer"), with nothing after it that turns it round ("... but if you don't pay, we will")."""
    m = _SPEAKER_DENIES.match(unit)
    return m is not None and not _TURNS.search(unit[m.end() :])


def _merge_shares(shares: tuple[tuple[str, float], ...], source: str, into: str) -> tuple[tuple[str, float], ...]:
    """The head's violation shares with ``source``'s share added to ``into``'s, largest first."""
    merged: dict[str, float] = {}
    for label, p in shares:
        key = into if label == source else label
        merged[key] = merged.get(key, 0.0) + p
    return tuple(sorted(merged.items(), key=lambda kv: -kv[1]))


def _past_only(unit: str) -> bool:
    """A sentence that tells only what has happened, with nothing present, future or conditional in it."""
    unit = _LOOKING_BACK.sub(" ", unit)
    return bool(_PAST.search(unit)) and not _NOT_PAST.search(unit) and not _THREAT_FRAME.search(unit)


# Looking back at what happened, said now: "that must have been awful", "I've noted that ...", "I can see that ..."
# ("must", "I've" and "can" are no present or future here).
_LOOKING_BACK = re.compile(r"\b(must|would|could|might)( have|'ve) been\b|\b(i'?ve|i have) (noted|seen|read|heard)\b|"
                           r"\bi can see\b", re.I)


# "... but if you don't ...", "yet": a denial that turns into a threat.
_THREAT_FRAME_NEG = re.compile(r"\b(but|yet|however)\b[^.?!]*\b(will|could|might|can|may)\b", re.I)
_ARREST_WORDS = re.compile(r"\b(arrest\w*|prison|jail|gaol|warrant|criminal|prosecut\w*|crime|fraud)\b", re.I)


def _repeat_factor(text: str, spans: list[tuple[int, int]], earlier: tuple[str, ...]) -> float:
    """1.0 for fresh words; for sentences said before in the call, 1/2 per earlier use, weighted by how much
    of the reply they are. Short sentences ("Okay.", "Thank you.") are not counted as repeats."""
    if not earlier:
        return 1.0

    def key(s: str) -> str:
        return _WORDS_ONLY.sub(" ", s.lower()).strip()

    said: dict[str, int] = {}
    for reply in earlier:
        r = expand(normalise(reply)).text
        for k in {key(r[a:b]) for a, b in sentences(r)}:
            said[k] = said.get(k, 0) + 1
    total = repeated = 0.0
    for a, b in spans:
        k = key(text[a:b])
        weight = len(k)
        total += weight
        uses = said.get(k, 0) if len(k.split()) >= 4 else 0
        repeated += weight * (1 - 0.5 ** uses)
    return 1.0 - repeated / total if total else 1.0


def _as_typed(turn: TurnScore, expanded: Expanded, typed: str) -> TurnScore:
    """Evidence found in the expanded text, pointed back at the words as the trainee typed them."""
    if expanded.text == typed:
        return turn

    def ev(e: Evidence) -> Evidence:
        a, b = expanded.span(e.start, e.end)
        return Evidence(typed[a:b], a, b)

    def det(d: Detection) -> Detection:
        return Detection(d.id, d.category, d.kind, d.severity, d.label, d.why, tuple(ev(e) for e in d.evidence),
                         d.note, d.confidence, d.source, d.example)

    def amount(a: Amount) -> Amount:
        s, t = expanded.span(a.start, a.end)
        return Amount(**{**a.__dict__, "start": s, "end": t, "text": typed[s:t]})

    return TurnScore(**{
        **turn.__dict__,
        "behaviours": tuple(det(d) for d in turn.behaviours),
        "violations": tuple(det(d) for d in turn.violations),
        "possible": tuple(det(d) for d in turn.possible),
        "amounts": tuple(amount(a) for a in turn.amounts),
        "advice": tuple(ev(e) for e in turn.advice),
        "epitome_evidence": {k: tuple(ev(e) for e in v) for k, v in turn.epitome_evidence.items()},
    })


@cache
def default_scorer() -> Scorer:
    return Scorer()


def score_reply(text: str, ctx: ScoringContext | None = None) -> TurnScore:
    return default_scorer().score(text, ctx)
