"""The violation head: one small neural network that tells the thirteen violations apart from each other and
from everything lawful, over the sentence embedding *and* the words themselves.

Why not one logistic regression per violation (what the other labels use)? Measured on the held-out
splits (docs/scoring.md, "The violation head"): the embedding alone puts "you'll go to prison" next to "you
won't go to prison", and per-label heads never compete, so a threat and its lawful contrast both scored
high. A softmax over the thirteen violations plus "none" (every contrast line, good practice, neutral
talk, empathy and penalty line is "none") makes the classes compete; the word and word-pair features
(``Vocabulary``) let it weigh "warrant", "magistrate", "wiped from your file" directly; one hidden layer
(ReLU, dropout) lets the two interact. numpy only, trained by ``scripts/train-understanding``.

At run time the word features are sparse: a unit's hidden layer is the embedding part times its weights
plus the sum of the weight rows of the words it contains.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

_TOKEN = re.compile(r"[a-z0-9£$']+")
MIN_COUNT = 3  # a word or word pair is a feature when at least this many corpus lines contain it
WORD_SCALE = np.float32(0.3)  # the value of a present word feature (the embedding parts are unit length)
HIDDEN = 256
EPOCHS = 20
BATCH = 128
DROPOUT = 0.2
WEIGHT_DECAY = 1e-4
LEARNING_RATE = 1e-3


def grams(text: str) -> set[str]:
    """The lower-cased words of ``text`` and its adjacent word pairs."""
    toks = _TOKEN.findall(text.lower())
    return set(toks) | {f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)}


@dataclass(frozen=True)
class Vocabulary:
    words: tuple[str, ...]

    @classmethod
    def build(cls, texts: Sequence[str], min_count: int = MIN_COUNT) -> Vocabulary:
        counts = Counter(g for t in texts for g in grams(t))
        return cls(tuple(sorted(g for g, c in counts.items() if c >= min_count)))

    @cached_property
    def index(self) -> dict[str, int]:
        return {w: i for i, w in enumerate(self.words)}

    def ids(self, text: str) -> np.ndarray:
        index = self.index
        return np.array(sorted(index[g] for g in grams(text) if g in index), dtype=np.int64)

    def dense(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), len(self.words)), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i, self.ids(t)] = WORD_SCALE
        return out


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


@dataclass
class ViolationNet:
    """Input: [embedding features (``train.features``), word features]; output: softmax over labels + none."""

    labels: tuple[str, ...]
    vocab: Vocabulary
    w1: np.ndarray  # (embedding features + words, hidden)
    b1: np.ndarray
    w2: np.ndarray  # (hidden, labels + 1)
    b2: np.ndarray

    def _dense_rows(self, d: int) -> np.ndarray:
        """The embedding part of ``w1`` as float32 (multiplied whole on every call). The word rows stay as
        stored (float16 when loaded: 14,000 words x 256 is 7 MB less resident) and are widened a few at a time."""
        cached: tuple[int, np.ndarray] | None = self.__dict__.get("_dense")
        if cached is None or cached[0] != d:
            cached = (d, self.w1[:d].astype(np.float32))
            self.__dict__["_dense"] = cached
        return cached[1]

    def probabilities(self, emb: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), labels) probabilities; the last class ("none") is left out."""
        d = emb.shape[1]
        hidden = emb.astype(np.float32) @ self._dense_rows(d) + self.b1
        for i, t in enumerate(texts):
            ids = self.vocab.ids(t)
            if len(ids):
                hidden[i] += WORD_SCALE * self.w1[d + ids].astype(np.float32).sum(axis=0)
        hidden = np.maximum(hidden, 0)
        return _softmax(hidden @ self.w2.astype(np.float32, copy=False) + self.b2)[:, : len(self.labels)]


def fit_net(emb: np.ndarray, texts: Sequence[str], y: np.ndarray, weight: np.ndarray, labels: Sequence[str],
            seed: int = 0, epochs: int = EPOCHS) -> ViolationNet:
    """Train by Adam on weighted cross-entropy. ``y`` is a class index, ``len(labels)`` meaning none."""
    vocab = Vocabulary.build(texts)
    x = np.hstack([emb.astype(np.float32), vocab.dense(texts)])
    rng = np.random.default_rng(seed)
    n, d = x.shape
    k = len(labels) + 1
    params = [(rng.standard_normal((d, HIDDEN)) * np.sqrt(2 / d)).astype(np.float32), np.zeros(HIDDEN, np.float32),
              (rng.standard_normal((HIDDEN, k)) * np.sqrt(1 / HIDDEN)).astype(np.float32), np.zeros(k, np.float32)]
    m1 = [np.zeros_like(p) for p in params]
    m2 = [np.zeros_like(p) for p in params]
    onehot = np.eye(k, dtype=np.float32)[y]
    w = weight.astype(np.float32)
    keep = np.float32(1 / (1 - DROPOUT))
    step = 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for i in range(0, n, BATCH):
            idx = order[i : i + BATCH]
            xb, yb, wb = x[idx], onehot[idx], w[idx][:, None]
            pre = xb @ params[0] + params[1]
            mask = (pre > 0) * (rng.random(pre.shape, dtype=np.float32) > DROPOUT) * keep
            hid = pre * mask
            dz = (_softmax(hid @ params[2] + params[3]) - yb) * wb / wb.sum()
            dh = (dz @ params[2].T) * mask
            grads = [xb.T @ dh + WEIGHT_DECAY * params[0], dh.sum(0), hid.T @ dz + WEIGHT_DECAY * params[2], dz.sum(0)]
            step += 1
            for j, g in enumerate(grads):
                m1[j] = 0.9 * m1[j] + 0.1 * g
                m2[j] = 0.999 * m2[j] + 0.001 * g * g
                params[j] -= LEARNING_RATE * (m1[j] / (1 - 0.9**step)) / (np.sqrt(m2[j] / (1 - 0.999**step)) + 1e-8)
    return ViolationNet(tuple(labels), vocab, params[0], params[1], params[2], params[3])
