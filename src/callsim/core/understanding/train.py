"""Training the learned heads: one logistic regression per label over sentence embeddings, and for the
violations one small network over the embeddings and the words (``violations.py``) that replaces their
per-label answers.

Run ``scripts/train-understanding`` after changing the corpus: it embeds every corpus line with the
shipped encoder, cross-validates, fits the heads on everything and writes ``data/understanding/heads.npz``
(weights, the corpus embeddings for nearest-example evidence, and the corpus digest, which a test
compares with the corpus so stale heads cannot ship). numpy only; deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from callsim.core.understanding.corpus import LABELS, VIOLATIONS, Example, corpus_digest, is_negative
from callsim.core.understanding.encoder import DIM
from callsim.core.understanding.typing import expand
from callsim.core.understanding.violations import ViolationNet, Vocabulary, fit_net

HEADS = Path(__file__).resolve().parent.parent / "data" / "understanding" / "heads.npz"
L2 = 0.3  # ridge on the weights (chosen by cross-validation on the corpus, see docs/scoring.md)
CONTRAST_WEIGHT = 2.0  # a contrast line of a violation counts twice against that violation's head


# Sentence embeddings put "you'll go to prison" and "you won't go to prison" close together (cosine 0.91).
# Giving the heads a second copy of the embedding for sentences with a negation lets them learn a
# different direction there; the contrast lines in the corpus teach it (see docs/scoring.md).
NEGATION = re.compile(r"\b(not|no|never|nobody|no one|nothing|none|neither|nor|without|cannot)\b|n't\b", re.I)


def features(x: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """[the encoder's three views, the sentence embedding again if the text has a negation else 0, has a
    negation]."""
    neg = np.array([1.0 if NEGATION.search(t) else 0.0 for t in texts], dtype=np.float32)[:, None]
    return np.hstack([x, x[:, :DIM] * neg, neg]).astype(np.float32)


def fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = L2, iters: int = 12
                 ) -> tuple[np.ndarray, float]:
    """L2-regularised weighted logistic regression by Newton's method (the bias is not regularised)."""
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1), dtype=x.dtype)]).astype(np.float64)
    theta = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0
    for _ in range(iters):
        z = np.clip(xb @ theta, -30, 30)
        p = 1.0 / (1.0 + np.exp(-z))
        grad = xb.T @ (w * (p - y)) + reg * theta
        hess = (xb * (w * p * (1 - p))[:, None]).T @ xb + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-4:
            break
    return theta[:-1].astype(np.float32), float(theta[-1])


def targets(examples: Sequence[Example], label: str) -> tuple[np.ndarray, np.ndarray]:
    """y (1 for a line of ``label``, in its file or listed in also/) and weights: classes balanced, contrast
    lines of the label doubled, overlapping empathy lines left out (weight 0)."""
    y = np.array([1.0 if e.shows(label) else 0.0 for e in examples])
    neg = np.array([is_negative(e, label) for e in examples])
    w = np.where(y == 1, 1.0, np.where(neg, 1.0, 0.0))
    w = np.where((y == 0) & np.array([e.contrast_of == label for e in examples]), CONTRAST_WEIGHT, w)
    pos_total, neg_total = w[y == 1].sum(), w[y == 0].sum()
    if pos_total and neg_total:
        w = np.where(y == 1, w * (neg_total / pos_total), w)
    return y, w * (len(examples) / w.sum())


@dataclass
class Heads:
    labels: tuple[str, ...]
    coef: np.ndarray  # (labels, features): see ``features``
    bias: np.ndarray  # (labels,)
    vectors: np.ndarray  # (examples, 384) float16: the corpus's sentence embeddings, for nearest-example evidence
    example_label: np.ndarray  # (examples,) index into labels, -1 for none
    example_text: np.ndarray  # (examples,) str
    example_where: np.ndarray  # (examples,) str
    digest: str
    net: ViolationNet | None = None  # the violation head (violations.py); None: the per-label heads decide

    def save(self, path: Path = HEADS) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        extra: dict[str, Any] = {}
        if self.net is not None:
            extra = {"net_labels": np.array(self.net.labels), "net_vocab": np.array(self.net.vocab.words),
                     "net_w1": self.net.w1.astype(np.float16), "net_b1": self.net.b1,
                     "net_w2": self.net.w2, "net_b2": self.net.b2}
        # Only the examples of a label are ever shown as evidence (``Learned.nearest``); the 9,000 lines of
        # none (neutral, contrasts) are not stored: 7 MB less resident in the app.
        keep = np.flatnonzero(np.asarray(self.example_label) >= 0)
        np.savez_compressed(path, labels=np.array(self.labels), coef=self.coef, bias=self.bias,
                            vectors=self.vectors[keep], example_label=np.asarray(self.example_label)[keep],
                            example_text=np.array([str(self.example_text[i]) for i in keep]),
                            example_where=np.array([str(self.example_where[i]) for i in keep]),
                            digest=np.array(self.digest), **extra)

    @classmethod
    def load(cls, path: Path = HEADS) -> Heads:
        z = np.load(path, allow_pickle=False)
        net = None
        if "net_w1" in z:
            vocab = Vocabulary(tuple(str(x) for x in z["net_vocab"]))
            net = ViolationNet(tuple(str(x) for x in z["net_labels"]), vocab, z["net_w1"],  # float16: see _dense_rows
                               z["net_b1"], z["net_w2"], z["net_b2"])
        # The corpus lines as Python strings: numpy keeps fixed-width text at 4 bytes a character, padded to
        # the longest line (about 12 MB more resident for 15,000 lines).
        def strings(name: str) -> np.ndarray:
            return np.array([str(x) for x in z[name]], dtype=object)

        return cls(tuple(str(x) for x in z["labels"]), z["coef"], z["bias"], z["vectors"], z["example_label"],
                   strings("example_text"), strings("example_where"), str(z["digest"]), net)

    def probabilities(self, x: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), labels): the per-label heads, with the violation head's answer for its labels."""
        f = features(x, texts)
        probs = 1.0 / (1.0 + np.exp(-(f @ self.coef.T + self.bias)))
        if self.net is not None and len(texts):
            cols = [self.labels.index(lab) for lab in self.net.labels]
            probs[:, cols] = self.net.probabilities(f, texts)
        return np.asarray(probs)


def embed_examples(examples: Sequence[Example], encode: object) -> np.ndarray:
    texts = [expand(e.text).text for e in examples]
    return np.asarray(encode(texts))  # type: ignore[operator]


def net_targets(examples: Sequence[Example], labels: Sequence[str] = VIOLATIONS) -> tuple[np.ndarray, np.ndarray]:
    """Class indices for the violation head (``len(labels)``: none of them) and weights (a contrast line of a
    violation counts ``CONTRAST_WEIGHT`` times)."""
    y = np.array([labels.index(e.label) if e.label in labels else len(labels) for e in examples])
    w = np.array([CONTRAST_WEIGHT if e.contrast_of in labels else 1.0 for e in examples], dtype=np.float32)
    return y, w


def fit(examples: Sequence[Example], x: np.ndarray, labels: Sequence[str] = LABELS, l2: float = L2,
        digest: str = "", net: bool = True) -> Heads:
    texts = [expand(e.text).text for e in examples]
    f = features(x, texts)
    coef = np.zeros((len(labels), f.shape[1]), dtype=np.float32)
    bias = np.zeros(len(labels), dtype=np.float32)
    for i, label in enumerate(labels):
        y, w = targets(examples, label)
        if y.sum() == 0:
            bias[i] = -10.0
            continue
        coef[i], bias[i] = fit_logistic(f, y, w, l2)
    index = {lab: i for i, lab in enumerate(labels)}
    violation_net = None
    net_labels = tuple(lab for lab in VIOLATIONS if lab in labels)
    if net and net_labels:
        y, w = net_targets(examples, net_labels)
        violation_net = fit_net(f, texts, y, w, net_labels)
    return Heads(tuple(labels), coef, bias, x[:, :DIM].astype(np.float16),
                 np.array([index.get(e.label or "", -1) for e in examples], dtype=np.int16),
                 np.array([e.text for e in examples]), np.array([e.where for e in examples]), digest, violation_net)


def cross_validate(examples: Sequence[Example], x: np.ndarray, labels: Sequence[str] = LABELS, l2: float = L2,
                   folds: int = 5, seed: int = 7) -> dict[str, dict[str, float]]:
    """Per label: average precision and recall at precision 0.9, from out-of-fold probabilities."""
    rng = np.random.default_rng(seed)
    fold = rng.integers(0, folds, len(examples))
    probs = np.zeros((len(examples), len(labels)))
    for f in range(folds):
        tr, te = fold != f, fold == f
        heads = fit([e for e, t in zip(examples, tr, strict=True) if t], x[tr], labels, l2)
        probs[te] = heads.probabilities(x[te], [expand(e.text).text for e, t in zip(examples, te, strict=True) if t])
    out = {}
    for i, label in enumerate(labels):
        y = np.array([e.shows(label) for e in examples])
        keep = np.array([e.shows(label) or is_negative(e, label) for e in examples])
        out[label] = {"ap": round(average_precision(y[keep], probs[keep, i]), 3),
                      "contrast_fp@0.5": round(float(np.mean(probs[np.array([e.contrast_of == label for e in examples]),
                                                                   i] > 0.5)) if any(e.contrast_of == label
                                                                                     for e in examples) else 0.0, 3)}
    return out


def average_precision(y: np.ndarray, score: np.ndarray) -> float:
    order = np.argsort(-score)
    ys = y[order].astype(float)
    if ys.sum() == 0:
        return 0.0
    hits = np.cumsum(ys)
    precision = hits / np.arange(1, len(ys) + 1)
    return float((precision * ys).sum() / ys.sum())


def main(argv: Sequence[str] | None = None) -> int:
    import argparse
    import json
    import time

    from callsim.core.understanding.corpus import CORPUS, load_corpus
    from callsim.core.understanding.encoder import get_encoder

    ap = argparse.ArgumentParser(description="train callsim's learned heads from the corpus")
    ap.add_argument("--cv", action="store_true", help="also cross-validate and print the scores")
    ap.add_argument("--l2", type=float, default=L2)
    a = ap.parse_args(argv)
    examples = load_corpus()
    t = time.time()
    x = embed_examples(examples, get_encoder().encode)
    print(f"embedded {len(examples)} corpus lines in {time.time() - t:.1f} s")
    if a.cv:
        print(json.dumps(cross_validate(examples, x, l2=a.l2), indent=1))
    heads = fit(examples, x, l2=a.l2, digest=corpus_digest(CORPUS))
    heads.save()
    print(f"wrote {HEADS} ({HEADS.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
