"""Playing a drill: a trainee's answer checked against the rules, and the attempt record that is stored.

A written or voicemail attempt is one draft: :func:`attempt_draft` checks it (``drafts.check_draft``) and
scores it. A scheduling attempt answers each question yes or no, with the rules that forbid it and, for a no,
when it would be allowed: :func:`attempt_schedule` computes the right answers (``schedule.decide``) and marks
each one. :class:`DrillAttempt` is the JSON record the store keeps, exports carry and ``--json`` prints.

Scores (0-100, docs/drills.md):
- a draft with no breach scores its tone, the mean of the scorer's empathy and de-escalation lifted to at least
  60 (a lawful, plain message is a pass), less 10 for each piece of advice; a draft with a breach scores at most
  40 and fails;
- a scheduling attempt scores the share of questions answered fully right: the yes or no, and for a no, at least
  one rule that does forbid it and none that does not, and a "when" (if given) at which contact is allowed.
  It passes when every yes or no is right.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from callsim.core.drills.drafts import DraftResult, Facts, check_draft
from callsim.core.drills.model import Drill
from callsim.core.drills.rules import rulebook
from callsim.core.drills.schedule import Decision, decide
from callsim.core.models import Scenario
from callsim.core.text import clean_reply

ATTEMPT_FORMAT = 1
PASS_TONE_FLOOR = 60.0
ADVICE_COST = 10.0
BREACH_CAP = 40.0


class DrillAttempt(BaseModel):
    """One attempt at a drill, as stored (``to_json``) and read back (``from_json``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: int = ATTEMPT_FORMAT
    drill_id: str
    kind: str
    title: str
    jurisdiction: str
    trainee: str = ""
    answer: dict[str, Any]  # written/voicemail: {"subject", "text"}; schedule: {"answers": [...]}
    result: dict[str, Any]  # written/voicemail: DraftResult.to_dict(); schedule: {"questions": [...]}
    rules: tuple[str, ...]  # the rule ids the attempt broke (drafts) or got wrong (schedule)
    score: float
    passed: bool

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DrillAttempt:
        if data.get("format") != ATTEMPT_FORMAT:
            raise ValueError(f"this drill attempt is in format {data.get('format')!r}; this callsim reads format "
                             f"{ATTEMPT_FORMAT}")
        return cls.model_validate(data)


def _scenario(drill: Drill) -> Scenario | None:
    """The scenario whose persona and debt facts the drill names (``scenario:``), by the library's own lookup;
    None when it names none, or one that is not there (``callsim drill lint`` reports that)."""
    if not drill.scenario:
        return None
    from callsim.core.library import NotFound, resolve
    from callsim.core.loader import ScenarioFileError

    try:
        return resolve(drill.scenario).scenario
    except (NotFound, ScenarioFileError):
        return None


def check(drill: Drill, text: str, subject: str = "", *, scenario: Scenario | None = None) -> DraftResult:
    """Check a draft for a written or voicemail drill; ``scenario``: the drill's scenario when the caller has
    it already (lint checks every drill against one read of the library), else it is looked up."""
    assert drill.channel is not None
    return check_draft(text, channel=drill.channel, jurisdiction=drill.jurisdiction, subject=subject,
                       facts=Facts.of(drill.facts), scenario=scenario or _scenario(drill),
                       debtor_wrote=drill.debtor_wrote)


def check_model(drill: Drill, *, scenario: Scenario | None = None) -> DraftResult:
    """The drill's own better message, checked like an attempt (a shipped model must raise nothing)."""
    return check(drill, drill.model, drill.model_subject, scenario=scenario)


def draft_score(result: DraftResult) -> float:
    advice = sum(1 for f in result.findings if f.severity == "advice")
    tone = max(PASS_TONE_FLOOR, (result.empathy + result.deescalation) / 2)
    score = tone - ADVICE_COST * advice
    if result.breaches:
        score = min(score, BREACH_CAP)
    return round(max(0.0, min(100.0, score)), 1)


def attempt_draft(drill: Drill, text: str, subject: str = "", *, trainee: str = "") -> DrillAttempt:
    if drill.kind == "schedule":
        raise ValueError(f"{drill.id} is a scheduling drill: answer its questions, not a draft")
    text, _ = clean_reply(text)
    subject, _ = clean_reply(subject)
    if not text:
        raise ValueError("the draft is empty: write the message you would send")
    result = check(drill, text, subject)
    return DrillAttempt(drill_id=drill.id, kind=drill.kind, title=drill.title, jurisdiction=drill.jurisdiction,
                        trainee=trainee, answer={"subject": subject, "text": text}, result=result.to_dict(),
                        rules=tuple(dict.fromkeys(f.rule for f in result.breaches)), score=draft_score(result),
                        passed=result.passed)


@dataclass(frozen=True)
class Answer:
    """A trainee's answer to one scheduling question."""

    allowed: bool
    rules: tuple[str, ...] = ()  # the rules they say forbid it
    when: dt.datetime | None = None  # when it would be allowed (office time), for a no


_YES = re.compile(r"^\s*(y|yes|yeah|yep|ok|okay|allowed|may|can)\b", re.I)
_NO = re.compile(r"^\s*(n|no|nope|not|don'?t|cannot|can'?t|mustn'?t|may not)\b", re.I)
_WHEN = re.compile(r"\b(?:when|from|after|at|wait(?: until)?|until)\s*[:=]?\s*(\d{4}-\d\d-\d\d[ T]\d\d?:\d\d)", re.I)


def parse_answer(text: str, *, valid: set[str] | None = None) -> Answer:
    """Read "yes", or "no us_hours us_inconvenient when 2026-03-11 14:00" (rules by id, a "when" optional).
    Raises ValueError with what to type when it cannot."""
    valid = valid if valid is not None else rulebook().ids()
    if _YES.match(text) and not _NO.match(text):
        return Answer(True)
    if not _NO.match(text):
        raise ValueError('start with "yes" or "no" (then, for a no, the rules that forbid it and "when" '
                         'YYYY-MM-DD HH:MM)')
    when = None
    m = _WHEN.search(text)
    if m:
        when = dt.datetime.fromisoformat(m.group(1).replace(" ", "T"))
        text = text[:m.start()] + text[m.end():]
    words = re.findall(r"[a-z][a-z0-9_]*", text.lower())
    unknown = [w for w in words if "_" in w and w not in valid]
    if unknown:
        raise ValueError(f"unknown rule {unknown[0]!r}: the rules for this drill are {', '.join(sorted(valid))}")
    return Answer(False, tuple(w for w in words if w in valid), when)


@dataclass(frozen=True)
class Marked:
    """One question, the computed answer and the trainee's, marked."""

    ask: str
    decision: Decision
    answer: Answer
    yes_no_right: bool
    rules_right: bool
    when_right: bool

    @property
    def right(self) -> bool:
        return self.yes_no_right and self.rules_right and self.when_right

    def to_dict(self) -> dict[str, Any]:
        d = self.decision
        return {"ask": self.ask, "allowed": d.allowed,
                "breaches": [{"rule": b.rule, "reason": b.reason, "citation": rulebook().get(b.rule).citation}
                             for b in d.breaches],
                "next_allowed": d.next_allowed.isoformat(timespec="minutes") if d.next_allowed else None,
                "answer": {"allowed": self.answer.allowed, "rules": list(self.answer.rules),
                           "when": self.answer.when.isoformat(timespec="minutes") if self.answer.when else None},
                "yes_no_right": self.yes_no_right, "rules_right": self.rules_right, "when_right": self.when_right,
                "right": self.right}


def mark(drill: Drill, index: int, answer: Answer) -> Marked:
    assert drill.case is not None
    q = drill.questions[index]
    d = decide(drill.case, q.question)
    yes_no = answer.allowed == d.allowed
    if d.allowed or answer.allowed:
        rules_ok = True
    else:
        truth = set(d.rules)
        rules_ok = bool(truth & set(answer.rules)) and not (set(answer.rules) - truth)
    when_ok = True
    if not d.allowed and answer.when is not None:
        when_ok = answer.when >= q.at and decide(drill.case, q.question.model_copy(update={"at": answer.when})).allowed
    return Marked(q.ask, d, answer, yes_no, rules_ok, when_ok)


def attempt_schedule(drill: Drill, answers: list[Answer], *, trainee: str = "") -> DrillAttempt:
    if drill.kind != "schedule":
        raise ValueError(f"{drill.id} is a {drill.kind} drill: write a draft, not yes/no answers")
    if len(answers) != len(drill.questions):
        raise ValueError(f"{drill.id} has {len(drill.questions)} questions; {len(answers)} answers were given")
    marked = [mark(drill, i, a) for i, a in enumerate(answers)]
    wrong = [r for m in marked if not m.right for r in (m.decision.rules or ("allowed",))]
    score = round(100.0 * sum(m.right for m in marked) / len(marked), 1)
    return DrillAttempt(drill_id=drill.id, kind=drill.kind, title=drill.title, jurisdiction=drill.jurisdiction,
                        trainee=trainee,
                        answer={"answers": [m.to_dict()["answer"] for m in marked]},
                        result={"questions": [m.to_dict() for m in marked]},
                        rules=tuple(dict.fromkeys(wrong)), score=score,
                        passed=all(m.yes_no_right for m in marked))


def schedule_rules(drill: Drill) -> list[str]:
    """The rule ids a trainee may name for this scheduling drill (its jurisdiction's, and its state's)."""
    assert drill.case is not None
    state = f"US-{drill.case.state}" if drill.case.state else ""
    return [r.id for r in rulebook().rules if "schedule" in r.drills
            and (r.jurisdiction == drill.jurisdiction or (state and r.jurisdiction == state))]
