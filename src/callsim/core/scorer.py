"""Scoring one trainee reply: behaviours with evidence, EPITOME levels, empathy, de-escalation,
compliance violations and the better alternative.

The scorer is rule-based and explainable: every behaviour it reports carries the span of the reply that
triggered it and the rubric's "why". It reads the scenario's debt facts and flags where the rubric says
the facts decide (a threat of court is honest when court action is intended, a violation when not).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from callsim.core.models import Action, Debt, Node, Scenario
from callsim.core.money import Amount, find_amounts
from callsim.core.rubric import ACKNOWLEDGING_IDS, EMPATHY_IDS, Behaviour, Rubric, load_rubric

# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Evidence:
    text: str
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


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

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "category": self.category,
            "kind": self.kind,
            "label": self.label,
            "why": self.why,
            "evidence": [e.as_dict() for e in self.evidence],
        }
        if self.severity:
            d["severity"] = self.severity
        if self.note:
            d["note"] = self.note
        return d


@dataclass(frozen=True)
class Alternative:
    """The better alternative for a weak turn: what was missed, how to fix it, and a model answer."""

    missed: tuple[str, ...]
    tips: tuple[str, ...]
    model_answer: str

    def as_dict(self) -> dict[str, Any]:
        return {"missed": list(self.missed), "tips": list(self.tips), "model_answer": self.model_answer}


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


# --------------------------------------------------------------------------- text helpers

_QUOTE_TRANSLATE = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                                  "\u2014": "-", "\u00a0": " "})
_NEGATORS = re.compile(
    r"\b(not|never|no|don'?t|doesn'?t|didn'?t|won'?t|wouldn'?t|can'?t|cannot|isn'?t|aren'?t|wasn'?t|"
    r"haven'?t|hasn'?t|shouldn'?t|nobody|nothing|neither|nor)\b|n't\b",
    re.I,
)
_CLAUSE_BREAK = re.compile(r"[.;:!?,]|\b(but|although|though|however|unless|if)\b", re.I)
_QUOTED = re.compile(r'"[^"]{1,400}"')
_REPORTED = re.compile(
    r"\b(some (people|collectors|companies|firms|agencies)|other (collectors|companies|firms)|people (often )?"
    r"(say|think|worry|tell you)|you might have (heard|been told)|you may have (heard|been told)|"
    r"(is|'s) (a )?(myth|not true|untrue)|isn'?t true)\b",
    re.I,
)


def normalise(text: str) -> str:
    """Straight quotes and dashes, same length as the input so offsets stay valid."""
    return text.translate(_QUOTE_TRANSLATE)


def _negated(text: str, start: int) -> bool:
    """Is there a negator in the same clause, within four words before ``start``?"""
    before = text[max(0, start - 60) : start]
    cut = 0
    for m in _CLAUSE_BREAK.finditer(before):
        cut = m.end()
    window = before[cut:]
    words = re.findall(r"[\w']+", window)[-4:]
    return bool(_NEGATORS.search(" ".join(words)))


def _masked_spans(text: str) -> list[tuple[int, int]]:
    """Quoted speech and sentences that report or debunk what others say: not the trainee's own claim."""
    spans = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    for sentence in _sentences(text):
        if _REPORTED.search(text[sentence[0] : sentence[1]]):
            spans.append(sentence)
    return spans


def _sentences(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in re.finditer(r"[.!?]+(\s+|$)|\n+", text):
        if m.end() > start:
            out.append((start, m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def _inside(pos: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


# --------------------------------------------------------------------------- contextual detectors

ACTION_PATTERNS: dict[Action, re.Pattern[str]] = {
    Action.legal_action: re.compile(
        r"\b(court|sue|sued|suing|lawsuit|legal (action|proceedings|steps|route)|ccj|county court judgment|"
        r"judgment|judgement|solicitors?|attorneys?|lawyers?|take you to court|claim against you|litigation)\b",
        re.I,
    ),
    Action.bailiffs: re.compile(
        r"\b(bailiffs?|enforcement (agents?|officers?)|sheriffs?|(knock|turn up|come|show up|be) (round|at your "
        r"(door|house|home)))\b",
        re.I,
    ),
    Action.garnishment: re.compile(
        r"\b(garnish\w*|attachment of earnings|take it (from|out of) your (wages|pay|salary|benefits)|"
        r"dock your (wages|pay)|freeze your (bank|account)|bank levy|levy)\b",
        re.I,
    ),
    Action.seizure: re.compile(
        r"\b(repossess\w*|seiz\w*|take (your|the) (car|house|home|furniture|belongings|things|tv|goods)|"
        r"charging order|charge on your (home|house|property)|lose your (home|house|car))\b",
        re.I,
    ),
    Action.credit_reporting: re.compile(
        r"\b(credit (file|report|record|score|rating|bureaus?|reference)|report (it|this|you) to)\b", re.I
    ),
    Action.default_notice: re.compile(r"\b(default notice|notice of default|default (the|your) account)\b", re.I),
    Action.debt_sale: re.compile(r"\b(sell (the|your) debt|debt (will be )?sold|pass (it|the debt|this) to)\b", re.I),
}
# Mentions of these actions are threats when unintended; the softer ones only when phrased as a threat.
_SEVERE_ACTIONS = {Action.legal_action, Action.bailiffs, Action.garnishment, Action.seizure}
_THREAT_FRAME = re.compile(
    r"\b(will|'ll|going to|gonna|could|might|may|can|have to|shall|would)\b|\bunless\b|\bif you (don'?t|do not|can'?t)\b",
    re.I,
)

_PAYMENT_ASK = re.compile(
    r"\b((can|could|would|will) you (pay|make (a )?payment|clear|settle|put|send|manage|afford|give|do)|"
    r"how much (can|could|would) you (pay|put|give|manage|afford|do|offer)|"
    r"(need|want|expect|require|looking for)( you to| to get| to take)?( a| some| the)? (pay(ment)?|something|"
    r"anything|money|a contribution|the (balance|money|arrears))|"
    r"make (a|the) payment|payment (today|now|this week|right away)|"
    r"pay (it|this|that|something|anything|the (balance|arrears|debt|amount|bill|lot)|today|now|off)|"
    r"set up (a )?(payment|direct debit|plan|arrangement)|take (a )?payment|card details|"
    r"clear (the|this|your) (balance|debt|arrears))\b",
    re.I,
)
_PRESSING = re.compile(
    r"\b(need|want|expect|must have|have to (get|take)|got to (get|take)|require) (a |some |the |your )?"
    r"(payment|something|anything|money|the (balance|money|arrears))\b"
    r"|\b(pay|payment|something|anything|money)\b[^.?!]{0,25}\b(today|tonight|right now|now|straight away|"
    r"immediately|this week|by (friday|monday|tomorrow|the end))\b"
    r"|\b(still|at least) (need|want|expect|have to|got to)\b"
    r"|\b(i hear you|i understand|i'?m sorry|i know|i get (it|that)),? but\b[^.?!]{0,60}\b(pay|payment|need|something|money)",
    re.I,
)
_OPEN_QUESTION = re.compile(r"\b(what|how|why|where|when|who|which|tell me|can you tell|could you tell)\b", re.I)
_DEBT_DETAIL = re.compile(
    r"\b(debt|debts|owe|owes|owed|owing|arrears|overdue|outstanding balance|balance of|collections?|"
    r"missed payments?|in default)\b",
    re.I,
)
_HARDSHIP = re.compile(
    r"\b(hospital|ill|illness|sick|cancer|surgery|operation|died|passed away|funeral|lost my|laid off|"
    r"redundan\w*|fired|let go|no job|unemployed|baby|kids|can'?t cope|struggling|scared|terrified|worried|"
    r"anxious|depress\w*|stress\w*|overwhelm\w*|crying|can'?t sleep|end it|no point|desperate|broke|skint|"
    r"can'?t afford|nothing left|behind on|drowning|panic\w*|grief|grieving|widow\w*|alone|lonely|"
    r"gambl\w*|abus\w*|furious|angry|sick of|fed up|harass\w*|afraid|frightened|ashamed|embarrassed)\b",
    re.I,
)
_INTENSIFIER = re.compile(r"\b(so|really|truly|very|deeply|incredibly|genuinely|awfully|terribly)\b", re.I)
_STOP = frozenset(
    "i me my you your we our the a an and or but to of in on at for with is are was were be been it that this "
    "so just have has had do does did not no can could would will should what how why about from as if then "
    "there they them their he she his her its im i'm you're dont don't get got like know really very".split()
)


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z']{2,}", text.lower()) if w not in _STOP}


# --------------------------------------------------------------------------- the scorer


class Scorer:
    """Scores replies against one rubric. Stateless apart from caches, safe to share."""

    def __init__(self, rubric: Rubric | None = None) -> None:
        self.rubric = rubric or load_rubric()
        self._pattern_behaviours = [b for b in self.rubric.behaviours if b.patterns]

    # ---- detection -------------------------------------------------------------------------
    def _detect_patterns(self, text: str, masked: list[tuple[int, int]]) -> dict[str, list[Evidence]]:
        found: dict[str, list[Evidence]] = {}
        for b in self._pattern_behaviours:
            for rx in self.rubric.compiled(b.id):
                for m in rx.finditer(text):
                    if m.end() == m.start():
                        continue
                    if b.negatable and _negated(text, m.start()):
                        continue
                    if b.kind == "penalty" and _inside(m.start(), masked):
                        continue
                    found.setdefault(b.id, []).append(Evidence(m.group(0), m.start(), m.end()))
        return found

    def _detection(self, b: Behaviour, evidence: list[Evidence], note: str = "") -> Detection:
        ev = sorted({(e.start, e.end): e for e in evidence}.values(), key=lambda e: e.start)
        return Detection(b.id, b.category, b.kind, b.severity, b.label, b.why, tuple(ev), note)

    def score(self, reply: str, ctx: ScoringContext | None = None) -> TurnScore:
        ctx = ctx or ScoringContext()
        text = normalise(reply)
        masked = _masked_spans(text)
        found = self._detect_patterns(text, masked)
        notes: list[str] = []
        scenario = ctx.scenario
        flags = ctx.flags

        # Guided choices count as what the author says they count as.
        for bid in ctx.counts_as:
            if bid in self.rubric.by_id and bid not in found:
                found[bid] = [Evidence(text, 0, len(text))]

        amounts = find_amounts(text)
        ask = _PAYMENT_ASK.search(text)
        plan_or_sum = [a for a in amounts if a.role in ("plan", "lump_sum")]
        asks_payment = bool(ask) or bool(plan_or_sum)
        ask_pos = min([ask.start()] if ask else [] + [a.start for a in plan_or_sum]) if asks_payment else None
        if ask is None and plan_or_sum:
            ask_pos = plan_or_sum[0].start

        # Acknowledgement before any request for money.
        ack = [e for bid in ACKNOWLEDGING_IDS for e in found.get(bid, [])]
        first_ack = min((e.start for e in ack), default=None)
        debtor_hardship = bool(_HARDSHIP.search(ctx.debtor_line))
        if first_ack is not None and (ask_pos is None or first_ack < ask_pos) and (ask_pos is not None or debtor_hardship):
            found.setdefault("acknowledge_before_ask", []).extend(e for e in ack if e.start == first_ack)
        ask_before_ack = asks_payment and debtor_hardship and (first_ack is None or (ask_pos or 0) < first_ack)
        if ask_before_ack:
            notes.append("Asked about money before acknowledging what the debtor had just said.")

        # Actions and threats, against the debt facts.
        debt = scenario.debt if scenario else None
        intended = set(debt.actions.intended) if debt else set()
        for action, rx in ACTION_PATTERNS.items():
            for m in rx.finditer(text):
                if _inside(m.start(), masked) or _negated(text, m.start()):
                    continue
                sent = next((s for s in _sentences(text) if s[0] <= m.start() < s[1]), (0, len(text)))
                framed = bool(_THREAT_FRAME.search(text[sent[0] : sent[1]]))
                if action in intended:
                    found.setdefault("honest_consequences", []).append(Evidence(m.group(0), m.start(), m.end()))
                elif action in _SEVERE_ACTIONS and framed:
                    found.setdefault("threat_unintended_action", []).append(
                        Evidence(text[sent[0] : sent[1]].strip(), sent[0], sent[1])
                    )
                    if debt is None:
                        notes.append(f"No debt facts given: '{m.group(0)}' was treated as not intended.")

        # Amounts against the debt facts.
        if debt is not None:
            self._check_amounts(debt, amounts, found)

        # Payment requests while a vulnerability or stop-collection flag is set.
        if scenario is not None and asks_payment:
            roles = {scenario.flags[f].role for f in scenario.flags if flags.get(f) and scenario.flags[f]}  # type: ignore[union-attr]
            pressing = _PRESSING.search(text)
            if not pressing:
                pressing = next((re.search(r"\S+", text[a.start:]) for a in amounts if a.role == "lump_sum"
                                 and re.search(r"\b(today|now|right away|immediately)\b", text[a.end:a.end + 30], re.I)),
                                None)
            if "stop_collection" in roles or ("vulnerability" in roles and pressing):
                span = ask or pressing
                ev = Evidence(span.group(0), span.start(), span.end()) if span else Evidence(text, 0, len(text))
                found.setdefault("pressure_after_vulnerability", []).append(ev)

        # Debt details told to someone who may not be the debtor.
        if scenario is not None:
            self._check_disclosure(scenario, flags, text, amounts, found)

        # Debt-collector disclosure only means something in the US.
        if scenario is not None and scenario.jurisdiction.value != "US":
            found.pop("debt_collector_disclosure", None)

        behaviours, violations = [], []
        for bid, ev in found.items():
            b = self.rubric.by_id[bid]
            det = self._detection(b, ev)
            (violations if b.is_violation else behaviours).append(det)
        order = {bid: i for i, bid in enumerate(self.rubric.ids)}
        behaviours.sort(key=lambda d: order[d.id])
        violations.sort(key=lambda d: order[d.id])

        epitome = self._epitome(text, found, ctx)
        empathy = self._empathy(epitome, found)
        deesc = self._deescalation(found, ask_before_ack)
        turn = TurnScore(
            empathy=empathy,
            deescalation=deesc,
            epitome=epitome,
            behaviours=tuple(behaviours),
            violations=tuple(violations),
            amounts=tuple(amounts),
            asks_payment=asks_payment,
            notes=tuple(dict.fromkeys(notes)),
        )
        better = self.better_alternative(turn, ctx)
        if better is None:
            return turn
        return TurnScore(**{**turn.__dict__, "better": better})

    def _check_amounts(self, debt: Debt, amounts: list[Amount], found: dict[str, list[Evidence]]) -> None:
        known = debt.known_amounts()
        fees = debt.fee_amounts()
        for a in amounts:
            if a.role == "owed":
                tol = max(1.0, a.value * 0.01)
                ok = any(abs(a.value - k) <= tol for k in known)
                target = "accurate_balance" if ok else "misstated_balance"
                found.setdefault(target, []).append(Evidence(a.text, a.start, a.end))
            elif a.role == "fee":
                if not any(abs(a.value - f) <= max(0.5, f * 0.01) for f in fees):
                    found.setdefault("misstated_balance", []).append(Evidence(a.text, a.start, a.end))

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
        details: list[Evidence] = [Evidence(a.text, a.start, a.end) for a in amounts]
        if third_party:
            details += [Evidence(m.group(0), m.start(), m.end()) for m in _DEBT_DETAIL.finditer(text)]
            creditor = scenario.debt.creditor
            if creditor and creditor.lower() in text.lower():
                i = text.lower().index(creditor.lower())
                details.append(Evidence(text[i : i + len(creditor)], i, i + len(creditor)))
        else:
            details += [Evidence(m.group(0), m.start(), m.end()) for m in _DEBT_DETAIL.finditer(text)
                        if m.group(0).lower() not in ("collection", "collections")]
        if details:
            found.setdefault("third_party_disclosure", []).extend(details)

    # ---- scores ----------------------------------------------------------------------------
    def _epitome(self, text: str, found: Mapping[str, list[Evidence]], ctx: ScoringContext) -> dict[str, int]:
        er_ev = found.get("emotional_reaction", [])
        er = 0
        if er_ev:
            strong = len(er_ev) > 1 or any(_INTENSIFIER.search(e.text) for e in er_ev) or "apology_for_impact" in found
            er = 2 if strong else 1
        ip = 0
        ip_ev = found.get("interpretation", [])
        debtor_words = _content_words(ctx.debtor_line)
        if ip_ev:
            ip = 1
            for e in ip_ev:
                tail = text[e.start : e.start + 140]
                if re.match(r"(it |that )?(sounds|seems)|you (must|might)|you'?re|you are|i'?ve been|i went|i know what", e.text, re.I):
                    ip = 2
                elif debtor_words & _content_words(tail):
                    ip = 2
        elif "paraphrase" in found or "validation" in found:
            ip = 1
        ex = 0
        if "exploration" in found:
            ex = 2
        else:
            for s, t in _sentences(text):
                sent = text[s:t]
                if "?" in sent and _OPEN_QUESTION.search(sent):
                    ex = 1
                    break
        return {"ER": er, "IP": ip, "EX": ex}

    def _empathy(self, epitome: Mapping[str, int], found: Mapping[str, list[Evidence]]) -> float:
        raw = 22 * epitome["ER"] + 18 * epitome["IP"] + 15 * epitome["EX"]
        others = [b for b in ("validation", "paraphrase", "thanks_for_disclosure", "asks_permission") if b in found]
        raw += 12 * len(others)
        raw -= 20 * sum(1 for b in ("false_empathy", "minimising", "blaming") if b in found)
        raw -= 40 * sum(1 for b in ("abusive_language", "coercive_shaming") if b in found)
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
    def better_alternative(self, turn: TurnScore, ctx: ScoringContext) -> Alternative | None:
        node = ctx.node
        expected = list(node.expects) if node else []
        shown = turn.ids
        missed = [b for b in expected if b in self.rubric.by_id and b not in shown]
        weak = bool(missed) or bool(turn.violations) or turn.empathy < 40 or turn.deescalation < 55
        if not weak:
            return None
        tips: list[str] = []
        for v in turn.violations:
            tips.append(f"{self.rubric.get(v.id).label}: {self.rubric.get(v.id).tip}")
        for d in turn.behaviours:
            if d.kind == "penalty":
                tips.append(f"{d.label}: {self.rubric.get(d.id).tip}")
        for b in missed:
            tips.append(f"{self.rubric.get(b).label}: {self.rubric.get(b).tip}")
        if not tips:
            if turn.empathy < 40:
                tips.append(self.rubric.get("emotional_reaction").tip)
            if "Asked about money" in " ".join(turn.notes):
                tips.append(self.rubric.get("acknowledge_before_ask").tip)
        answer = ""
        if node and node.model_answers:
            answer = self._best_model_answer(tuple(node.model_answers), tuple(missed))
        return Alternative(tuple(missed), tuple(dict.fromkeys(tips)), answer)

    def _best_model_answer(self, answers: tuple[str, ...], missed: tuple[str, ...]) -> str:
        if len(answers) == 1 or not missed:
            return answers[0]
        covered = [len(set(missed) & self._answer_ids(a)) for a in answers]
        return answers[covered.index(max(covered))]

    @cache  # noqa: B019 (the scorer lives as long as the process; answers are few)
    def _answer_ids(self, answer: str) -> set[str]:
        return self.score(answer).ids


@cache
def default_scorer() -> Scorer:
    return Scorer()


def score_reply(text: str, ctx: ScoringContext | None = None) -> TurnScore:
    return default_scorer().score(text, ctx)
