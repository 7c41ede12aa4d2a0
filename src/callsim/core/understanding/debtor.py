"""Heads on the debtor's line: what did the debtor just say, read in any words?

Some rules depend on what the debtor has just said, not only on the reply:

- ``crisis``: a crisis, capacity or Breathing Space signal. After one, pressing for money is
  ``pressure_after_vulnerability`` (a blocker). The scorer's rules know the plain words (``scorer._VULNERABLE``:
  "hospital", "passed away", "Breathing Space"); people often say it otherwise ("they'd all be better off
  without me", "my son usually deals with the post", "the landlord's changing the locks on Friday").
- ``limit``: the debtor sets a limit on how, when, where or through whom they may be contacted (stop calling,
  letters only, not at work, after six, too many calls, "I'm driving", "speak to my adviser"). Contacting them
  otherwise is ``ignores_contact_limits``; ``scorer._STOP_CONTACT`` and its neighbours know the plain words, the
  head the rest ("I'm only willing to communicate by letter from now on", "my boss sees my screen").
- ``dispute``: the debtor questions the debt itself (not theirs, the wrong amount, already paid, proof
  wanted, identity theft, too old). Collecting on over it, with nothing that takes the dispute up, is
  ``denies_dispute_rights``. ``scorer._THEY_DISPUTE`` knows the plain words; "I closed that account in 2019
  and got a letter saying zero balance" and "my ex took that phone out in my name" say it otherwise.

Each head reads the debtor's line the way the other heads read a reply: one logistic regression over the
shipped encoder's features, trained on two files of debtor lines:

    data/corpus/debtor/crisis.txt, no_crisis.txt     (calm money trouble, anger, disputes, near words)
    data/corpus/debtor/dispute.txt, no_dispute.txt   (hardship, offers, contact complaints, "I'm not
                                                      disputing it", a payment asked about, who is calling,
                                                      near words; and crisis.txt's lines, each labelled)
    data/corpus/debtor/limit.txt, no_limit.txt       (a new number given, "send it in writing too", "I'm at
                                                      work but go ahead", when they'll hear back, near words)

Written by the team (helpers that saw only the rubric), never from ../shared/eval; lines that are near copies
of a held-out line are dropped (``scripts/near-copies``; a test keeps it so). The dispute head's
threshold is chosen on ``heldout/debtor/dispute.jsonl``, by a helper that never saw these files
(``calibrate.choose_dispute``). Train with
``python -m callsim.core.understanding.debtor`` (part of ``scripts/train-understanding``); the digest of a
head's two files is saved with its weights and a test compares them.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Self, TypeVar

import numpy as np

from callsim.core.understanding.train import HEADS, features, fit_logistic
from callsim.core.understanding.typing import expand

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus" / "debtor"


class _Saves(Protocol):
    def save(self, path: Path) -> None: ...


class _HasPath(Protocol):
    @property
    def path(self) -> Path: ...


K = TypeVar("K", bound=_HasPath)


@dataclass(frozen=True)
class Kind:
    """One head on the debtor's line: its name, its two corpus files (is, is not) and its L2 penalty."""

    name: str
    what: str  # for messages: "the crisis head"
    files: tuple[str, str]
    l2: float

    @property
    def path(self) -> Path:
        return HEADS.parent / f"{self.name}.npz"


KINDS = {
    # L2 chosen by cross-validation on each head's two files (crisis: 0.1 gave 0.902 accuracy, 0.3 0.896, 1.0 0.880)
    "crisis": Kind("crisis", "the crisis head", ("crisis.txt", "no_crisis.txt"), 0.1),
    "dispute": Kind("dispute", "the dispute head", ("dispute.txt", "no_dispute.txt"), 0.1),
    "limit": Kind("limit", "the contact-limit head", ("limit.txt", "no_limit.txt"), 0.1),
}


def load_lines(kind: Kind, root: Path = CORPUS) -> tuple[list[str], np.ndarray]:
    """Every line of the head's two files (``#`` comments and blanks skipped) and 1/0 for is/is not."""
    texts: list[str] = []
    labels: list[float] = []
    for name, y in zip(kind.files, (1.0, 0.0), strict=True):
        for raw in (root / name).read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if line and not line.startswith("#"):
                texts.append(line)
                labels.append(y)
    return texts, np.array(labels)


def digest(kind: Kind, root: Path = CORPUS) -> str:
    h = hashlib.sha256()
    for name in kind.files:
        h.update(name.encode() + b"\n" + (root / name).read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class LinearHead:
    """A logistic regression's weights, and the digest of the corpus it was trained on."""

    coef: np.ndarray  # (features,)
    bias: float
    digest: str

    def save(self, path: Path) -> None:
        np.savez_compressed(path, coef=self.coef.astype(np.float32), bias=np.array(self.bias),
                            digest=np.array(self.digest))

    @classmethod
    def load(cls, path: Path) -> Self:
        z = np.load(path, allow_pickle=False)
        return cls(z["coef"].astype(np.float32), float(z["bias"]), str(z["digest"]))


@dataclass(frozen=True)
class DebtorHead(LinearHead):
    def probability(self, x: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """(len(texts),) the probability each debtor line is of the head's kind, from the encoder's ``x``."""
        z = features(x, texts) @ self.coef + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))


def fit_balanced(f: np.ndarray, y: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    """A logistic regression on features ``f``, classes balanced (each counts as much in total)."""
    w = np.where(y == 1, len(y) / (2 * max(y.sum(), 1)), len(y) / (2 * max((1 - y).sum(), 1)))
    return fit_logistic(f, y, w, l2)


def cross_validate_features(f: np.ndarray, y: np.ndarray, l2: float, folds: int = 5) -> dict[str, float]:
    """Accuracy, precision and recall of the positive class at 0.5, each row predicted by a regression that did
    not see it (folds interleaved, deterministic)."""
    pred = np.zeros(len(y))
    idx = np.arange(len(y))
    for k in range(folds):
        test = idx % folds == k
        coef, bias = fit_balanced(f[~test], y[~test], l2)
        pred[test] = 1.0 / (1.0 + np.exp(-np.clip(f[test] @ coef + bias, -30, 30)))
    hit = pred >= 0.5
    tp = float((hit & (y == 1)).sum())
    return {"accuracy": float((hit == (y == 1)).mean()), "precision": tp / max(hit.sum(), 1),
            "recall": tp / max((y == 1).sum(), 1)}


def fit(x: np.ndarray, texts: Sequence[str], y: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    return fit_balanced(features(x, texts), y, l2)


def cross_validate(x: np.ndarray, texts: Sequence[str], y: np.ndarray, l2: float,
                   folds: int = 5) -> dict[str, float]:
    return cross_validate_features(features(x, texts), y, l2, folds)


def train(kind: Kind) -> DebtorHead:
    from callsim.core.understanding.encoder import get_encoder

    texts, y = load_lines(kind)
    expanded = [expand(t).text for t in texts]
    x = np.asarray(get_encoder().encode(expanded))
    cv = cross_validate(x, expanded, y, kind.l2)
    print(f"{kind.what}, {len(y)} lines ({int(y.sum())} {kind.name}): cross-validated accuracy "
          f"{cv['accuracy']:.3f}, precision {cv['precision']:.3f}, recall {cv['recall']:.3f}")
    coef, bias = fit(x, expanded, y, kind.l2)
    return DebtorHead(coef, bias, digest(kind))


def train_named(argv: Sequence[str] | None, kinds: Mapping[str, K], train: Callable[[K], _Saves]) -> int:
    """Train every head of ``kinds``, or those ``argv`` names, and save each where its kind says."""
    names = list(argv or kinds)
    unknown = [n for n in names if n not in kinds]
    if unknown:
        print(f"unknown head {', '.join(unknown)}: choose from {', '.join(kinds)}", file=sys.stderr)
        return 2
    for name in names:
        kind = kinds[name]
        train(kind).save(kind.path)
        print(f"wrote {kind.path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Train every head on the debtor's line, or those named (``crisis``, ``dispute``)."""
    return train_named(argv, KINDS, train)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
