"""How far can ESConv's strategy labels be predicted at all? A reference ceiling for the scorer's targets.

    .venv/bin/python bench/esconv_ceiling.py ../shared/eval/esconv-dev.csv [--folds 5] [--seed 0]

It trains a classifier **on the labelled file itself** and scores each row with a model that did not see it
(stratified k-fold cross-validation): TF-IDF over word unigrams and bigrams, class-balanced L2 logistic
regression, in numpy. Nothing here ships or is used by the scorer; it only answers "what does a model fitted
to these very labels reach?", so the scorer's numbers (``callsim eval esconv``) can be read against it.

For each strategy it prints the best F1 over all thresholds, the precision at recall 0.50, and the best
recall at precision >= 0.40 (the shape of the issue's "Reflection of feelings" target), then the same three
numbers for the callsim scorer's own multi-label prediction (a yes/no per reply, so one point).
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from callsim.core.eval import ESCONV_COLUMNS, ESCONV_MAP, _predicted, read_rows
from callsim.core.scorer import ScoringContext, default_scorer

_TOKEN = re.compile(r"[a-z']+|[?!]")


def _features(texts: list[str], min_df: int = 2) -> np.ndarray:
    docs = []
    for t in texts:
        toks = _TOKEN.findall(t.lower())
        docs.append(toks + [f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)])
    df = Counter(term for d in docs for term in set(d))
    vocab = {t: i for i, t in enumerate(sorted(t for t, n in df.items() if n >= min_df))}
    idf = np.zeros(len(vocab), dtype=np.float32)
    for t, i in vocab.items():
        idf[i] = math.log((1 + len(docs)) / (1 + df[t])) + 1
    x = np.zeros((len(docs), len(vocab)), dtype=np.float32)
    for r, d in enumerate(docs):
        for t, n in Counter(d).items():
            if t in vocab:
                x[r, vocab[t]] = 1 + math.log(n)  # sublinear tf
    x *= idf
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms == 0, 1, norms)


def _fit(x: np.ndarray, y: np.ndarray, c: float = 3.0, steps: int = 400, lr: float = 0.5) -> np.ndarray:
    """Class-balanced L2 logistic regression by full-batch gradient descent with Adam; returns weights + bias."""
    w = np.zeros(x.shape[1] + 1, dtype=np.float32)
    pos = max(int(y.sum()), 1)
    sw = np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * max(len(y) - pos, 1))).astype(np.float32)
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t in range(1, steps + 1):
        z = x @ w[:-1] + w[-1]
        p = 1 / (1 + np.exp(-np.clip(z, -30, 30)))
        g_out = sw * (p - y) / len(y)
        g = np.empty_like(w)
        g[:-1] = x.T @ g_out + w[:-1] / (c * len(y))
        g[-1] = g_out.sum()
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w


def _folds(y: np.ndarray, k: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    parts: list[list[int]] = [[] for _ in range(k)]
    for label in (0, 1):
        idx = np.flatnonzero(y == label)
        rng.shuffle(idx)
        for j, i in enumerate(idx):
            parts[j % k].append(int(i))
    return [np.array(sorted(p)) for p in parts]


def cross_validated(x: np.ndarray, y: np.ndarray, k: int, seed: int) -> np.ndarray:
    scores = np.zeros(len(y), dtype=np.float32)
    for test in _folds(y, k, seed):
        train = np.setdiff1d(np.arange(len(y)), test)
        w = _fit(x[train], y[train])
        scores[test] = x[test] @ w[:-1] + w[-1]
    return scores


def curve_points(scores: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Best F1, precision at recall 0.50, best recall at precision >= 0.40, over all thresholds."""
    order = np.argsort(-scores, kind="stable")
    tp = np.cumsum(y[order])
    n = np.arange(1, len(y) + 1)
    total = max(int(y.sum()), 1)
    prec, rec = tp / n, tp / total
    f1 = np.where(prec + rec > 0, 2 * prec * rec / np.maximum(prec + rec, 1e-9), 0)
    at_half = prec[rec >= 0.5]
    ok = rec[prec >= 0.4]
    return float(f1.max()), float(at_half.max() if at_half.size else 0), float(ok.max() if ok.size else 0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("csv", type=Path)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    rows = read_rows(args.csv, ESCONV_COLUMNS, "ESConv")
    texts = [r["response"] for r in rows]
    labels = [r["strategy"].strip() for r in rows]
    x = _features(texts)
    scorer = default_scorer()
    ours = [scorer.score(r["response"], ScoringContext(debtor_line=r["last_seeker_utterance"])) for r in rows]
    print(f"{len(rows)} replies, {x.shape[1]} TF-IDF features, {args.folds}-fold cross-validation (seed {args.seed})")
    print()
    print(f"{'strategy':28} {'':9} {'best F1':>8} {'P@R.50':>8} {'R@P.40':>8}")
    for strategy, behaviours in ESCONV_MAP.items():
        y = np.array([s == strategy for s in labels], dtype=np.float32)
        f1, p50, r40 = curve_points(cross_validated(x, y, args.folds, args.seed), y)
        print(f"{strategy:28} {'trained':9} {f1:8.3f} {p50:8.3f} {r40:8.3f}")
        pred = np.array([_predicted(sc, behaviours) for sc in ours])
        tp = float((pred * y).sum())
        p = tp / max(int(pred.sum()), 1)
        r = tp / max(int(y.sum()), 1)
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{'':28} {'callsim':9} {f:8.3f} {'':>8} {'':>8}   (P {p:.3f}, R {r:.3f}, one point)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
