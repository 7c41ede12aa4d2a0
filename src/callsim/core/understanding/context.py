"""Heads on a reply in its context: what did the reply do with what the debtor had just said?

- ``brush``: the debtor has just questioned the debt (the dispute head or the words say so) and the reply
  does not take the question up: it argues it away, says disputing is pointless or too late, offers proof
  only after a payment, or simply collects on ("Noted. Card or bank transfer?", "I can only go by what's on
  the system, so what can you manage?", "whatever happened back then, the best thing now is a small
  payment"). That is ``denies_dispute_rights`` in the wide sense the rubric means (1692g: collection stops
  until a dispute is answered; CONC 7.5 and 7.15: a dispute is looked into, not talked over). The rules
  know the plain words (``scorer._brushes_dispute_aside``: "the balance stands", a direct ask for money);
  the violation head knows denials one sentence at a time; neither reads a friendly reply that carries on
  as if nothing had been said.
- ``press``: the debtor has just told of a loss, an illness, a mental health or capacity problem, abuse, an
  addiction or a Breathing Space, and the reply seeks money from them in any words: a date ("Can we say
  Friday?"), a sum, card details, a payment link, their income or savings "we could take a little from", a
  relative who could cover it, "a voluntary payment anyway" (``pressure_after_vulnerability``: FCA FG21/1,
  CONC 7.3.4R, Breathing Space). The rules know a plain ask after the plain
  words (``scorer._check_pressure``); this head reads the ask they do not know and tells it from a reply that
  talks about money only to put it aside ("Nothing's due while you deal with this"). Trained on
  ``vulnerable_replies.jsonl`` (1,074 pairs by two helpers that saw only the rubric: each disclosure answered
  both ways, sympathy before the ask in both; and 478 by a third, 2026-12-05, most of them lawful replies that
  speak of money without pressing: a direct debit cancelled, nothing due, a balance given because they asked;
  pairs near a held-out line dropped), with warm lines of the reply corpus after those disclosures as no
  push. Its threshold is chosen on ``heldout/context/vulnerable_replies.jsonl`` (300 pairs by a third hand),
  and the crisis head's threshold for asking it (``press_crisis``) on ``heldout/debtor/vulnerable.jsonl``
  (300 debtor lines by a fourth: disclosures, and hardship, anger, disputes and everyday lines that are none).

- ``life``: the debtor has just told of a life event short of a crisis (a job or hours lost, an eviction, a
  baby, a relationship ended or dangerous, a child brought up young or alone: ``scorer.life_event_words``), and
  the reply presses for money anyway: a cut of the redundancy or the last wage, payments to carry on "so the
  account keeps ticking over", a partner's income, a card now. After such a line money talk is the right next
  step, in a form they can afford (income and essentials first, a token or paused plan, their own offer taken
  up), so this head is trained apart from ``press``, whose lawful side puts money aside: on
  ``life_replies.jsonl`` (2026-12-06 evening: 600 rows by a helper that saw only the rubric, 300 life events each
  answered by a push and by lawful money talk in near words; 12 rows near a held-out line dropped), with the same
  warm lines of the reply corpus as no push. Its threshold ``press_life`` is chosen on
  ``heldout/context/life_replies.jsonl`` (200 pairs by another hand) and ``life_near.jsonl`` (lawful money talk
  after a life event, with sums and dates in it, by a third).
- ``contact``: the debtor has just set a limit on contact (the rules' words, or the contact-limit head on the
  debtor's line, debtor.py) and the reply ignores it: a call announced anyway ("I'll still need to ring you each
  month"), the call carried on now, the calls said to be automatic, the representative gone round ("I'd rather
  sort it with you directly"), a message left where they said not to. Trained on ``contact_replies.jsonl``
  (2026-12-07: pairs by a helper that saw only the rubric, each kind of limit ignored and honoured, often in
  words of calling and times; pairs near a held-out line dropped), with the same warm lines of the reply corpus
  as no breach. Its threshold ``contact``, and the limit head's ``limit``, are chosen on
  ``heldout/context/contact_replies.jsonl`` (pairs by another hand).

The head reads the pair: one logistic regression over the encoder's features of the reply (as the other
heads read a line), the debtor line's sentence embedding, and their product (what in the reply answers what
in the line). It is only asked straight after the dispute signal. Reading the reply alone it flagged lawful answers to
questions the dispute head had taken for disputes ("Why did my plan get cancelled?" -> "We can reinstate it.
Would the same £25 a month still suit you?"): 7 of the dev sets' lawful replies; reading the pair, 5, at the
same recall on the held-out pairs.

Trained on ``data/corpus/context/dispute_replies.jsonl`` (``{"debtor", "reply", "label": "brush" | "fine",
"dispute"}``: 1,212 pairs by three helpers that saw only the rubric, never ../shared/eval; 1,171 since the pairs
near a held-out line were dropped, 2026-12-05). The head learns from the 921 pairs after a dispute, and from the
reply corpus's warm lines that neither collect nor deny (``train/exploration.txt``, ``emotional_reaction.txt``,
...), each after one of those disputes, as no brush-aside: trained on the pairs alone, it read any reply that did
not take the dispute up as brushing it aside, "How are you feeling about it?" included. Its threshold is chosen on
``heldout/context/dispute_replies.jsonl``, 320 pairs by another hand (``calibrate.choose_brush``). Train with
``python -m callsim.core.understanding.context`` (part of ``scripts/train-understanding``); the digest of the
files is saved with the weights and a test compares them.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from callsim.core.understanding.debtor import LinearHead, cross_validate_features, fit_balanced, train_named
from callsim.core.understanding.encoder import DIM
from callsim.core.understanding.train import HEADS, features
from callsim.core.understanding.typing import expand

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus" / "context"
REPLIES = CORPUS.parent / "train"


@dataclass(frozen=True)
class Kind:
    """One head on a reply in context: its name, its corpus file, the label that is the head's kind, and
    its L2 penalty."""

    name: str
    what: str  # for messages: "the brush-aside head"
    file: str
    positive: str
    l2: float
    also_not: tuple[str, ...] = ()  # files of the reply corpus (data/corpus/train) whose lines are not of the kind
    signal: str = "dispute"  # the key of a pair that says the debtor's line gives the signal the head is asked after
    every_pair: bool = False  # learn from the pairs after a line without the signal too (as no breach)

    @property
    def path(self) -> Path:
        return HEADS.parent / f"{self.name}.npz"


KINDS = {
    # L2 by cross-validation on the pairs (0.03: 0.961 accuracy, 0.1: 0.957, 0.3: 0.951, 1.0: 0.941)
    "brush": Kind("brush", "the brush-aside head", "dispute_replies.jsonl", "brush", 0.1,
                  ("exploration.txt", "emotional_reaction.txt", "validation.txt", "interpretation.txt",
                   "apology_for_impact.txt", "thanks_for_disclosure.txt")),
    "press": Kind("press", "the pressing head", "vulnerable_replies.jsonl", "press", 0.1,
                  ("emotional_reaction.txt", "validation.txt", "apology_for_impact.txt", "thanks_for_disclosure.txt"),
                  signal="vulnerable"),
    "life": Kind("life", "the life-event pressing head", "life_replies.jsonl", "press", 0.1,
                 ("emotional_reaction.txt", "validation.txt", "apology_for_impact.txt", "thanks_for_disclosure.txt"),
                 signal="vulnerable"),
    "contact": Kind("contact", "the contact-limit reply head", "contact_replies.jsonl", "ignore", 0.1,
                    ("exploration.txt", "emotional_reaction.txt", "validation.txt", "apology_for_impact.txt",
                     "thanks_for_disclosure.txt"),
                    signal="limit", every_pair=True),
}


@dataclass(frozen=True)
class Pair:
    debtor: str
    reply: str
    label: str
    signal: bool  # whether the debtor's line gives the head's signal (a dispute, a vulnerability): learned from


INTERACTION_SCALE = 10.0  # the product of two unit vectors is small: scaled, the ridge treats it like the rest


def pair_features(x_reply: np.ndarray, replies: Sequence[str], x_debtor: np.ndarray) -> np.ndarray:
    """[the reply's features (train.features), the debtor line's sentence embedding, their product]."""
    d, r = x_debtor[:, :DIM], x_reply[:, :DIM]
    return np.hstack([features(x_reply, replies), d, r * d * INTERACTION_SCALE]).astype(np.float32)


@dataclass(frozen=True)
class ContextHead(LinearHead):
    def probability(self, x_reply: np.ndarray, replies: Sequence[str], x_debtor: np.ndarray) -> np.ndarray:
        """(len(replies),) the probability each reply, after its debtor line, is of the head's kind."""
        z = pair_features(x_reply, replies, x_debtor) @ self.coef + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))


def load_pairs(kind: Kind, root: Path = CORPUS) -> list[Pair]:
    """Every pair of the head's corpus file, with where a line is wrong named by file and line."""
    pairs = []
    path = root / kind.file
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
            pairs.append(Pair(row["debtor"], row["reply"], row["label"], bool(row[kind.signal])))
        except (ValueError, KeyError, TypeError) as e:
            raise ValueError(f"{path}:{n}: not a pair ({e})") from None
    return pairs


def digest(kind: Kind, root: Path = CORPUS, replies: Path = REPLIES) -> str:
    h = hashlib.sha256()
    h.update(kind.file.encode() + b"\n" + (root / kind.file).read_bytes())
    for name in kind.also_not:
        h.update(name.encode() + b"\n" + (replies / name).read_bytes())
    return h.hexdigest()


def _lines(path: Path) -> list[str]:
    return [s for s in (raw.strip() for raw in path.read_text(encoding="utf-8").splitlines())
            if s and not s.startswith("#")]


def training_rows(kind: Kind, root: Path = CORPUS, replies: Path = REPLIES
                  ) -> tuple[list[str], list[str], np.ndarray]:
    """The pairs the head learns from: (debtor lines, replies, 1/0 for whether the reply is of the head's kind),
    each read as the scorer reads text. The pairs that answer a dispute, then the reply corpus's lines that are
    not of the kind, each after one of those pairs' debtor lines in turn (they are none after any). Unless the
    kind learns from every pair (``contact``: after a line with no limit, a call booked is no breach), the pairs
    after a line without the signal stay in the file but are not learned from: with them (a second reader of
    the debtor's line) the held-out pairs gave recall minus false 0.762 at best, without them 0.786."""
    pairs = [p for p in load_pairs(kind, root) if p.signal or kind.every_pair]
    others = [line for name in kind.also_not for line in _lines(replies / name)]
    debtors = [p.debtor for p in pairs] + [pairs[i % len(pairs)].debtor for i in range(len(others))]
    texts = [p.reply for p in pairs] + others
    y = [1.0 if p.label == kind.positive else 0.0 for p in pairs] + [0.0] * len(others)
    return [expand(t).text for t in debtors], [expand(t).text for t in texts], np.array(y)


def fit(xr: np.ndarray, replies: Sequence[str], xd: np.ndarray, y: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    return fit_balanced(pair_features(xr, replies, xd), y, l2)


def cross_validate(xr: np.ndarray, replies: Sequence[str], xd: np.ndarray, y: np.ndarray, l2: float,
                   folds: int = 5) -> dict[str, float]:
    return cross_validate_features(pair_features(xr, replies, xd), y, l2, folds)


def train(kind: Kind) -> ContextHead:
    from callsim.core.understanding.encoder import get_encoder

    debtors, replies, y = training_rows(kind)
    encoder = get_encoder()
    xr, xd = np.asarray(encoder.encode(replies)), np.asarray(encoder.encode(debtors))
    cv = cross_validate(xr, replies, xd, y, kind.l2)
    print(f"{kind.what}, {len(y)} pairs ({int(y.sum())} {kind.positive}): cross-validated accuracy "
          f"{cv['accuracy']:.3f}, precision {cv['precision']:.3f}, recall {cv['recall']:.3f}")
    coef, bias = fit(xr, replies, xd, y, kind.l2)
    return ContextHead(coef, bias, digest(kind))


def main(argv: Sequence[str] | None = None) -> int:
    """Train every head on a reply in context, or those named (``brush``)."""
    return train_named(argv, KINDS, train)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
