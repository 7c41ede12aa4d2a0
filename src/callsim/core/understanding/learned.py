"""The learned layer at run time: each sentence of a reply embedded, every head applied, the nearest
corpus line of each label kept as evidence a trainee can read.

``get_learned()`` loads once per process. When the encoder or heads are missing or corrupt it returns
None and ``status()`` says why in one sentence; the scorer then scores with its rules alone and says so.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np

from callsim.core.understanding import acts as act_heads
from callsim.core.understanding import context
from callsim.core.understanding.debtor import KINDS, DebtorHead
from callsim.core.understanding.encoder import DIM, FEATURES, EncoderUnavailable, get_encoder
from callsim.core.understanding.train import HEADS, Heads
from callsim.core.understanding.typing import expand

THRESHOLDS = HEADS.parent / "thresholds.json"
# Each head on the debtor's line (debtor.py) and where its weights are; all of them load with the layer.
DEBTOR_HEADS = {name: kind.path for name, kind in KINDS.items()}
# Each head on a reply in its context (context.py), likewise.
CONTEXT_HEADS = {name: kind.path for name, kind in context.KINDS.items()}
# Units longer than this many characters are embedded as they are (the encoder truncates at 128 tokens).
T = TypeVar("T")
_MIN_UNIT = 2  # characters of letters: "Ok." is too short to judge


@dataclass(frozen=True)
class Signal:
    """One label's strongest sign in a reply: where it is, how confident, and the corpus line it is like."""

    label: str
    prob: float
    start: int
    end: int
    # The nearest corpus line of the label and where it is (file:line), or how to find them: a reply gives
    # signals for most labels but shows evidence for a few, so the search runs when ``example`` is first read.
    nearest: tuple[str, str] | Callable[[], tuple[str, str]] = ("", "")
    # For a violation: every violation the head gives this unit a share of (most likely first). The head's
    # classes compete, so close ones split a clear violation ("... ur neighbours will hear about it" is part
    # disclosure, part threat); what the unit is *like* is their sum.
    unit_violations: tuple[tuple[str, float], ...] = ()

    def _found(self) -> tuple[str, str]:
        found = self.nearest
        if callable(found):
            found = found()
            object.__setattr__(self, "nearest", found)  # found once; a race finds the same line twice
        return found

    @property
    def example(self) -> str:
        return self._found()[0]

    @property
    def example_where(self) -> str:
        return self._found()[1]


@dataclass(frozen=True)
class Thresholds:
    """Calibrated on the held-out split (scripts/calibrate-understanding); see docs/scoring.md."""

    violation_possible: float = 0.5
    violation_confident: float = 0.85
    penalty: float = 0.85
    empathy_weak: float = 0.5
    empathy_strong: float = 0.8
    crisis: float = 0.5  # the crisis head (debtor.py): a debtor line from here up is a crisis signal
    dispute: float = 0.5  # the dispute head (debtor.py): a debtor line from here up questions the debt
    brush: float = 0.5  # the brush-aside head (context.py): after a dispute, a reply from here up brushes it aside
    press: float = 0.5  # the pressing head (context.py): after a vulnerability, a reply from here up presses for money
    press_crisis: float = 0.5  # the crisis head's threshold before the pressing head is asked (calibrate.py)
    press_life: float = 0.95  # the life-event head (context.py): after a life event, a reply from here up presses
    limit: float = 0.5  # the contact-limit head (debtor.py): a debtor line from here up limits contact
    contact: float = 0.5  # the contact-limit reply head (context.py): after a limit, a reply from here up ignores it
    # Without a scenario a rule's threat counts only if the violation head gives threats at least this share
    # somewhere in the reply (Scorer._confirm_rule_threats)
    threat_agreement: float = 0.1
    per_label: dict[str, float] | None = None  # a label whose own confident threshold differs

    def confident(self, label: str) -> float:
        return (self.per_label or {}).get(label, self.violation_confident)

    @classmethod
    def load(cls, path: Path = THRESHOLDS) -> Thresholds:
        if not path.is_file():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


class Learned:
    def __init__(self, heads: Heads, encode: object, thresholds: Thresholds | None = None,
                 debtor: dict[str, DebtorHead] | None = None,
                 in_context: dict[str, context.ContextHead] | None = None,
                 acts: act_heads.ActHeads | None = None) -> None:
        self.heads = heads
        self.act_heads = acts
        self.act_thresholds = act_heads.load_thresholds()
        self.debtor_heads = debtor or {}
        self.context_heads = in_context or {}
        self._debtor_seen: dict[tuple[str, str], float] = {}
        self._encode = encode
        self.labels = heads.labels
        self.index = {lab: i for i, lab in enumerate(heads.labels)}
        self.thresholds = thresholds or Thresholds.load()
        self._by_label = [np.flatnonzero(heads.example_label == i) for i in range(len(heads.labels))]

    def units(self, text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The pieces of a reply judged on their own: its sentences (trimmed)."""
        out = []
        for s, e in spans or [(0, len(text))]:
            piece = text[s:e]
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece) - len(piece.rstrip())
            if sum(c.isalpha() for c in piece) >= _MIN_UNIT:
                out.append((s + lead, e - trail))
        return out

    def probabilities(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(len(texts), labels) probabilities, and the embeddings, for pieces of text."""
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32), np.zeros((0, FEATURES), dtype=np.float32)
        x = np.asarray(self._encode(texts))  # type: ignore[operator]
        return self.heads.probabilities(x, texts), x

    def debtor(self, kind: str, debtor_line: str) -> float:
        """How likely the debtor's line is of ``kind`` (``crisis``, ``dispute``: see debtor.py); 0 without that
        head. A call's debtor lines repeat, so the answers are remembered (a bounded number of them)."""
        line = expand(debtor_line.strip()).text  # as the heads were trained: text-speak read as words
        head = self.debtor_heads.get(kind)
        if head is None or sum(c.isalpha() for c in line) < _MIN_UNIT:
            return 0.0
        key = (kind, line)
        if key not in self._debtor_seen:
            if len(self._debtor_seen) >= 4096:
                self._debtor_seen.clear()
            x = np.asarray(self._encode([line]))  # type: ignore[operator]
            self._debtor_seen[key] = float(head.probability(x, [line])[0])
        return self._debtor_seen[key]

    def crisis(self, debtor_line: str) -> float:
        """How likely the debtor's line is a crisis, capacity or Breathing Space signal."""
        return self.debtor("crisis", debtor_line)

    def dispute(self, debtor_line: str) -> float:
        """How likely the debtor's line questions the debt (not theirs, wrong amount, paid, proof wanted)."""
        return self.debtor("dispute", debtor_line)

    def in_context(self, kind: str, reply: str, debtor_line: str) -> float:
        """How likely ``reply`` (already read as the scorer reads text) is of ``kind`` after ``debtor_line``, in
        the context the head is asked in (``brush``: straight after a dispute; ``press``: straight after a
        vulnerability; see context.py); 0 without that head."""
        head = self.context_heads.get(kind)
        if head is None or sum(c.isalpha() for c in reply) < _MIN_UNIT:
            return 0.0
        line = expand(debtor_line.strip()).text  # as the head was trained: text-speak read as words
        x = np.asarray(self._encode([reply, line]))  # type: ignore[operator]
        return float(head.probability(x[:1], [reply], x[1:])[0])

    def brushes_aside(self, reply: str, debtor_line: str) -> float:
        """After the debtor questioned the debt: how likely the reply brushes the dispute aside."""
        return self.in_context("brush", reply, debtor_line)

    def presses(self, reply: str, debtor_line: str) -> float:
        """After the debtor told of a crisis, an illness, a loss, a capacity problem or a Breathing Space: how
        likely the reply presses them for money."""
        return self.in_context("press", reply, debtor_line)

    def limits_contact(self, debtor_line: str) -> float:
        """How likely the debtor's line limits how, when, where or through whom they may be contacted."""
        return self.debtor("limit", debtor_line)

    def ignores_limit(self, reply: str, debtor_line: str) -> float:
        """After the debtor limited contact: how likely the reply ignores the limit."""
        return self.in_context("contact", reply, debtor_line)

    def presses_after_life_event(self, reply: str, debtor_line: str) -> float:
        """After the debtor told of a life event short of a crisis (a job lost, an eviction, a baby): how likely
        the reply presses them for money rather than talking of what they can afford."""
        return self.in_context("life", reply, debtor_line)

    def acts(self, text: str, spans: list[tuple[int, int]]) -> dict[str, float]:
        """Each learned dialogue act's probability for the reply: the highest over its sentences (an ask in the
        second sentence is an ask), the same pieces the other heads read, so their embeddings are reused. Reading
        the whole reply as one more piece gained 0.011 of mean F1 on the held-out acts and cost 17 ms a reply on
        one core (docs/scoring.md, "Dialogue acts"). Empty without the act heads."""
        if self.act_heads is None:
            return {}
        pieces = [text[s:e] for s, e in self.units(text, spans)]
        if not pieces:
            return {}
        x = np.asarray(self._encode(pieces))  # type: ignore[operator]
        probs = self.act_heads.probabilities(x, pieces).max(axis=0)
        return {act: float(p) for act, p in zip(self.act_heads.acts, probs, strict=True)}

    def analyse(self, text: str, spans: list[tuple[int, int]]) -> dict[str, Signal]:
        """The strongest unit for every label (probability > 0.05)."""
        units = self.units(text, spans)
        if not units:
            return {}
        probs, x = self.probabilities([text[s:e] for s, e in units])
        net = self.heads.net.labels if self.heads.net is not None else ()
        cols = [self.index[lab] for lab in net]
        out: dict[str, Signal] = {}
        for j, label in enumerate(self.labels):
            k = int(np.argmax(probs[:, j]))
            p = float(probs[k, j])
            if p <= 0.05:
                continue
            s, e = units[k]
            shares: tuple[tuple[str, float], ...] = ()
            if label in net:
                shares = tuple(sorted(((lab, float(probs[k, c])) for lab, c in zip(net, cols, strict=True)
                                       if probs[k, c] > 0.01), key=lambda t: -t[1]))
            out[label] = Signal(label, p, s, e, partial(self.nearest, j, x[k, :DIM].copy()), shares)
        return out

    def like(self, label: str, text: str) -> tuple[str, str]:
        """The corpus line of ``label`` most like ``text`` and where it is: the example shown for a detection a
        head on the reply in its context made (those heads keep no corpus of their own to search)."""
        j = self.index.get(label)
        if j is None:
            return "", ""
        x = np.asarray(self._encode([text]))  # type: ignore[operator]
        return self.nearest(j, x[0, :DIM].copy())

    def nearest(self, label: int, embedding: np.ndarray) -> tuple[str, str]:
        """The corpus line of the ``label``-th label most like the sentence ``embedding``, and where it is.
        The corpus vectors stay float16 (23 MB less resident than widening them all on load); a label's rows
        are widened when it is asked for."""
        idx = self._by_label[label]
        if not len(idx):
            return "", ""
        best = idx[int(np.argmax(self.heads.vectors[idx].astype(np.float32) @ embedding))]
        return str(self.heads.example_text[best]), str(self.heads.example_where[best])


_LEARNED: Learned | None = None
_STATUS = ""
_LOCK = threading.Lock()
_LOADED = False


def get_learned() -> Learned | None:
    """The process's learned layer, or None (with ``status()`` saying why) when it cannot be loaded."""
    global _LEARNED, _STATUS, _LOADED
    with _LOCK:
        if _LOADED:
            return _LEARNED
        _LOADED = True
        try:
            encoder = get_encoder()
            heads = _load_file(HEADS, "the learned heads", Heads.load)
            debtor = {name: _load_file(path, KINDS[name].what, DebtorHead.load) for name, path in DEBTOR_HEADS.items()}
            in_context = {name: _load_file(path, context.KINDS[name].what, context.ContextHead.load)
                          for name, path in CONTEXT_HEADS.items()}
            acts = _load_file(act_heads.PATH, "the act heads", act_heads.ActHeads.load)
            _LEARNED = Learned(heads, encoder.encode, debtor=debtor, in_context=in_context, acts=acts)
            _STATUS = ""
        except EncoderUnavailable as e:
            _LEARNED = None
            _STATUS = f"Scored by rules only: {e}."
        return _LEARNED


def _load_file(path: Path, what: str, load: Callable[[Path], T]) -> T:
    """``load(path)``, or EncoderUnavailable with one sentence saying what is missing or unreadable."""
    if not path.is_file():
        raise EncoderUnavailable(f"{what} file {path} is missing (reinstall callsim)")
    try:
        return load(path)
    except Exception as e:  # noqa: BLE001
        raise EncoderUnavailable(f"{what} {path} could not be read: {e}") from e


def status() -> str:
    """Empty when the learned layer is in use; otherwise one sentence for the trainee and the debrief."""
    get_learned()
    return _STATUS


def reset() -> None:
    """Forget the loaded layer (tests that break the files on purpose)."""
    global _LEARNED, _STATUS, _LOADED
    with _LOCK:
        _LEARNED, _STATUS, _LOADED = None, "", False
