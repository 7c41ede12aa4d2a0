"""The crisis head: does the debtor's last line give a crisis, capacity or Breathing Space signal?

After such a signal pressing for money is ``pressure_after_vulnerability`` (a blocker). The scorer's rules
know the plain words (``scorer._VULNERABLE``: "hospital", "passed away", "Breathing Space"); people often
say it otherwise ("they'd all be better off without me", "my son usually deals with the post", "the
landlord's changing the locks on Friday"). This head reads the debtor's line the way the other heads read
a reply: one logistic regression over the shipped encoder's features.

    data/corpus/debtor/crisis.txt      debtor lines that are such a signal
    data/corpus/debtor/no_crisis.txt   debtor lines that are not (calm money trouble, anger, disputes,
                                       questions, offers, and near words: "I'm anxious to get this sorted")

Written by the team (a helper that saw only the rubric), never from ../shared/eval. Train with
``python -m callsim.core.understanding.crisis`` (part of ``scripts/train-understanding``); the digest of
the two files is saved with the weights and a test compares them.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from callsim.core.understanding.train import HEADS, features, fit_logistic
from callsim.core.understanding.typing import expand

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus" / "debtor"
CRISIS = HEADS.parent / "crisis.npz"
FILES = ("crisis.txt", "no_crisis.txt")
L2 = 0.1  # chosen by cross-validation on the two files (0.1: 0.902 accuracy, 0.3: 0.896, 1.0: 0.880)


def load_lines(root: Path = CORPUS) -> tuple[list[str], np.ndarray]:
    """Every line of the two files (``#`` comments and blanks skipped) and 1/0 for crisis/not."""
    texts: list[str] = []
    labels: list[float] = []
    for name, y in zip(FILES, (1.0, 0.0), strict=True):
        for raw in (root / name).read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if line and not line.startswith("#"):
                texts.append(line)
                labels.append(y)
    return texts, np.array(labels)


def digest(root: Path = CORPUS) -> str:
    h = hashlib.sha256()
    for name in FILES:
        h.update(name.encode() + b"\n" + (root / name).read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class CrisisHead:
    coef: np.ndarray  # (features,)
    bias: float
    digest: str

    def probability(self, x: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """(len(texts),) the probability each debtor line is a crisis signal, from the encoder's ``x``."""
        z = features(x, texts) @ self.coef + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))

    def save(self, path: Path = CRISIS) -> None:
        np.savez_compressed(path, coef=self.coef.astype(np.float32), bias=np.array(self.bias),
                            digest=np.array(self.digest))

    @classmethod
    def load(cls, path: Path = CRISIS) -> CrisisHead:
        z = np.load(path, allow_pickle=False)
        return cls(z["coef"].astype(np.float32), float(z["bias"]), str(z["digest"]))


def fit(x: np.ndarray, texts: Sequence[str], y: np.ndarray, l2: float = L2) -> tuple[np.ndarray, float]:
    """Classes balanced (each counts as much in total)."""
    w = np.where(y == 1, len(y) / (2 * max(y.sum(), 1)), len(y) / (2 * max((1 - y).sum(), 1)))
    return fit_logistic(features(x, texts), y, w, l2)


def cross_validate(x: np.ndarray, texts: Sequence[str], y: np.ndarray, folds: int = 5) -> dict[str, float]:
    """Accuracy, precision and recall of the crisis class at 0.5, each line predicted by a head that did
    not see it (folds interleaved, deterministic)."""
    pred = np.zeros(len(y))
    idx = np.arange(len(y))
    for k in range(folds):
        test = idx % folds == k
        coef, bias = fit(x[~test], [t for t, m in zip(texts, ~test, strict=True) if m], y[~test])
        head = CrisisHead(coef, bias, "")
        pred[test] = head.probability(x[test], [t for t, m in zip(texts, test, strict=True) if m])
    hit = pred >= 0.5
    tp = float((hit & (y == 1)).sum())
    return {"accuracy": float((hit == (y == 1)).mean()), "precision": tp / max(hit.sum(), 1),
            "recall": tp / max((y == 1).sum(), 1)}


def main(argv: Sequence[str] | None = None) -> int:
    from callsim.core.understanding.encoder import get_encoder

    texts, y = load_lines()
    expanded = [expand(t).text for t in texts]
    x = np.asarray(get_encoder().encode(expanded))
    cv = cross_validate(x, expanded, y)
    print(f"crisis head, {len(y)} lines ({int(y.sum())} crisis): cross-validated accuracy {cv['accuracy']:.3f}, "
          f"precision {cv['precision']:.3f}, recall {cv['recall']:.3f}")
    coef, bias = fit(x, expanded, y)
    CrisisHead(coef, bias, digest()).save()
    print(f"wrote {CRISIS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
