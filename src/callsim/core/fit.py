"""Which model answers fit the call so far: the better line a trainee is shown may use only what they know.

A model answer is written for a node, but a call can reach the node by several ways: one where the debtor
has named her daughter, one where she has not. An answer that says "since Ruby arrived" to a trainee who
has never heard of Ruby teaches them to use facts they do not have. So the better line is chosen among the
answers that fit (:func:`fitting`):

* its ``when`` holds, read like a debtor line's ``when`` before the reply (``seen.third_party_disclosure``
  for an answer that apologises for reading the debt out, ``not identity_verified`` for one that asks who
  they are);
* every *private word* it uses is known: a private word is a name the scenario keeps for the debtor to
  tell (a capitalised word inside a sentence of the persona's background or facts: "Ruby", "Maddie",
  "Maternity Allowance"), and it is known once the brief, the persona's name, the debt's facts, a debtor
  line said so far or the trainee's own replies have used it.

When no answer fits, the scorer composes a line from the missed behaviours instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache

from callsim.core.models import ModelAnswer, Scenario

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
# Services, benefits and roles a collector names on their own initiative (signposting, a benefits check):
# never private, whoever's background mentions them. The rubric's own words are public too.
_SERVICES = frozenset("""
    StepChange Citizens Advice National Debtline Business MoneyHelper Money Helper Samaritans Shout Mind
    GamCare GamStop Gamblers Anonymous Universal Credit Pension Benefit Allowance Maternity Statutory Sick Pay
    GP NHS HMRC DWP NFCC CFPB IdentityTheft.gov Breathing Space Mental Health Crisis Moratorium QA
    """.split())
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"(]\s*|\n\s*)$")


def private_words(scenario: Scenario) -> frozenset[str]:
    """Capitalised words inside sentences of the persona's background and facts that the brief, the
    summary, the title, the persona's name and the debt's facts do not already give the trainee."""
    p = scenario.persona
    found: set[str] = set()
    for text in (p.background, *p.facts.values()):
        for m in _WORD.finditer(text):
            if m.group(0)[0].isupper() and not _SENTENCE_START.search(text[: m.start()]):
                found.update(_words(m.group(0)))
    given = (scenario.title, scenario.summary, scenario.brief, p.name, p.on_the_line, scenario.debt.creditor,
             scenario.debt.collector, *scenario.learning_goals, *(i.label for i in scenario.debt.breakdown))
    public = _rubric_words() | _SERVICES | known_words(given)
    return frozenset(found - public)


def _words(text: str) -> Iterable[str]:
    """The words of ``text``, a possessive read as its name ("Keith's" is "Keith")."""
    for m in _WORD.finditer(text):
        word = m.group(0)
        yield word[:-2] if word.endswith("'s") else word.rstrip("'")


def known_words(texts: Iterable[str]) -> set[str]:
    return {w for text in texts for w in _words(text)}


def unknown_words(answer: str, private: frozenset[str], known: set[str]) -> list[str]:
    """The private words ``answer`` uses that the call has not given yet."""
    return [w for w in dict.fromkeys(_words(answer)) if w in private and w not in known]


def fitting(answers: Iterable[ModelAnswer], private: frozenset[str], said: Iterable[str],
            holds: Callable[[str], bool]) -> tuple[str, ...]:
    """The texts of ``answers`` that fit: ``when`` holds (``holds``) and no word of ``private`` (the
    scenario's :func:`private_words`) is unknown, given ``said`` (every debtor line and reply of the call so
    far, the current debtor line included)."""
    known = known_words(said)
    return tuple(a.text for a in answers
                 if (a.when is None or holds(a.when)) and not unknown_words(a.text, private, known))


@cache
def _rubric_words() -> frozenset[str]:
    from callsim.core.rubric import load_rubric

    r = load_rubric()
    texts = (t for b in r.behaviours for t in (b.label, b.why, b.tip, *(c.reply for c in b.examples)))
    return frozenset(known_words(texts))
