"""The act heads: which dialogue acts (core/acts.py) a reply performs, read in any words.

One logistic regression per learned act over the shipped encoder's features (as the behaviour heads,
``train.features``), trained on ``data/corpus/acts/acts.jsonl``: collector replies written by a helper that
saw only the rubric and the act table, each labelled with every act it performs (hard negatives included:
"I won't ask you for anything today" performs no ``asks_payment``). A reply's probability for an act is the
highest over its sentences (``Learned.acts``).

The scorer combines each head with the rules that decide an act from the facts (``Scorer._step_acts``); the
threshold of each act is chosen for that combination on ``heldout/acts/acts.jsonl`` (another helper, who never
saw the corpus) by ``python -m callsim.core.understanding.calibrate acts``, and kept in
``data/understanding/act_thresholds.json``.

Train with ``python -m callsim.core.understanding.acts`` (part of ``scripts/train-understanding``); the
corpus digest is saved with the weights and a test compares them.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import numpy as np

from callsim.core.acts import ACT_IDS, LEARNED_ACTS
from callsim.core.understanding.debtor import cross_validate_features, fit_balanced
from callsim.core.understanding.train import HEADS, features
from callsim.core.understanding.typing import expand

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus" / "acts" / "acts.jsonl"
PATH = HEADS.parent / "acts.npz"
THRESHOLDS = HEADS.parent / "act_thresholds.json"
L2 = 0.1  # chosen by cross-validation on the corpus (0.1, 0.3, 1.0: docs/scoring.md, "Dialogue acts")
DEFAULT_THRESHOLD = 0.5


class ActCorpusError(ValueError):
    """A line of the act corpus that cannot be read: the message names the file and line."""


def load(path: Path = CORPUS) -> list[tuple[str, frozenset[str]]]:
    """Every (reply, acts) of a corpus or held-out file: JSON lines {"text": ..., "acts": [...]}."""
    out: list[tuple[str, frozenset[str]]] = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
            text, acts = str(row["text"]), frozenset(row["acts"])
        except (ValueError, KeyError, TypeError) as e:
            raise ActCorpusError(f"{path}:{n}: not a {{\"text\", \"acts\"}} line ({e})") from None
        unknown = acts - set(ACT_IDS)
        if unknown:
            raise ActCorpusError(f"{path}:{n}: unknown act {', '.join(sorted(unknown))}")
        out.append((text, acts))
    return out


def digest(path: Path = CORPUS) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class ActHeads:
    acts: tuple[str, ...]
    coef: np.ndarray  # (acts, features)
    bias: np.ndarray  # (acts,)
    digest: str

    def save(self, path: Path = PATH) -> None:
        np.savez_compressed(path, acts=np.array(self.acts), coef=self.coef.astype(np.float32),
                            bias=self.bias.astype(np.float32), digest=np.array(self.digest))

    @classmethod
    def load(cls, path: Path = PATH) -> Self:
        z = np.load(path, allow_pickle=False)
        return cls(tuple(str(a) for a in z["acts"]), z["coef"].astype(np.float32), z["bias"].astype(np.float32),
                   str(z["digest"]))

    def probabilities(self, x: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), acts): each piece of text's probability of each act, from the encoder's ``x``."""
        z = features(x, texts) @ self.coef.T + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, float]:
    """Each learned act's threshold; an act the file does not name uses ``DEFAULT_THRESHOLD``."""
    chosen = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return {a: float(chosen.get(a, DEFAULT_THRESHOLD)) for a in LEARNED_ACTS}


def _embedded(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    from callsim.core.understanding.encoder import get_encoder

    expanded = [expand(t).text for t in texts]
    return expanded, np.asarray(get_encoder().encode(expanded))


def train(path: Path = CORPUS, l2: float = L2) -> ActHeads:
    rows = load(path)
    texts, x = _embedded([t for t, _ in rows])
    f = features(x, texts)
    coefs, biases = [], []
    for act in LEARNED_ACTS:
        y = np.array([1.0 if act in acts else 0.0 for _, acts in rows])
        cv = cross_validate_features(f, y, l2)
        print(f"{act:>20}: {int(y.sum()):>4} of {len(y)} lines; cross-validated precision {cv['precision']:.3f}, "
              f"recall {cv['recall']:.3f}")
        coef, bias = fit_balanced(f, y, l2)
        coefs.append(coef)
        biases.append(bias)
    return ActHeads(LEARNED_ACTS, np.vstack(coefs), np.array(biases, dtype=np.float32), digest(path))


def main(argv: Sequence[str] | None = None) -> int:
    """Train the act heads on the corpus and save them (``--l2 X`` to try another penalty without saving)."""
    args = list(argv or [])
    if args[:1] == ["--l2"]:
        train(l2=float(args[1]))
        return 0
    heads = train()
    heads.save()
    print(f"wrote {PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
