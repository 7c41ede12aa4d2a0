"""The training corpus: phrasings the team wrote, one per line, a file per behaviour or violation.

    data/corpus/train/<id>.txt            lines that show <id> (a violation, penalty or empathy behaviour)
    data/corpus/train/contrast/<id>.txt   lines close to <id> that are compliant: negated, lawful,
                                          reported or reassuring ("nobody is going to arrest you")
    data/corpus/train/good_practice.txt   other good collector talk (no learned label)
    data/corpus/train/neutral.txt         ordinary call talk (no label)
    data/corpus/train/also/<id>.txt       lines of the files above that also show the empathy behaviour <id>
                                          (a contrast line "I'm so sorry about your dad; please don't think
                                          about the account today" is warm): copied verbatim, they train
                                          that head as positives and no empathy head as negatives

Nothing here comes from ../shared/eval or any data set whose licence forbids it. The held-out split,
written by a different hand that never saw these files, lives in ``heldout/`` at the repository root and
is used only to choose thresholds (``scripts/calibrate-understanding``), never to train.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus" / "train"

# What the learned layer predicts. Violations and penalties first, then empathy behaviours.
VIOLATIONS = (
    "threat_arrest_or_crime", "threat_unintended_action", "false_identity_or_authority", "third_party_disclosure",
    "pressure_after_vulnerability", "misstated_balance", "abusive_language", "undue_pressure",
    "denies_dispute_rights", "ignores_contact_limits", "false_credit_claim", "coercive_shaming",
    "implies_survivor_liability",
)
PENALTIES = ("commanding", "minimising", "policy_wall", "blaming", "false_empathy")
EMPATHY = ("emotional_reaction", "interpretation", "exploration", "validation", "apology_for_impact",
           "thanks_for_disclosure")
LABELS = VIOLATIONS + PENALTIES + EMPATHY
UNLABELLED = ("good_practice", "neutral")
# Empathy behaviours that often share one line ("I'm so sorry, it sounds exhausting"): a line written for
# one of them is not a counter-example of another in the same group.
OVERLAPPING = (
    frozenset({"emotional_reaction", "interpretation", "validation", "apology_for_impact", "thanks_for_disclosure"}),
    frozenset({"emotional_reaction", "exploration", "apology_for_impact", "thanks_for_disclosure", "validation"}),
)


@dataclass(frozen=True)
class Example:
    text: str
    label: str | None  # the behaviour it shows, or None (unlabelled or contrast)
    contrast_of: str | None  # for a contrast line: the violation it is close to
    where: str  # file:line, for evidence and for fixing a bad line
    also: frozenset[str] = frozenset()  # empathy behaviours it also shows (from also/<id>.txt)

    def shows(self, label: str) -> bool:
        return self.label == label or label in self.also


class CorpusError(ValueError):
    """A corpus file that cannot be read as the layout above says: names the file, line and the fix."""


def _lines(path: Path) -> list[tuple[int, str]]:
    out = []
    for i, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append((i, line))
    return out


def corpus_files(root: Path = CORPUS) -> list[Path]:
    """The files whose lines are examples (not also/, which labels lines of these)."""
    return sorted(root.glob("*.txt")) + sorted((root / "contrast").glob("*.txt"))


def also_files(root: Path = CORPUS) -> list[Path]:
    """The files that label lines of the others with an empathy behaviour they also show."""
    return sorted((root / "also").glob("*.txt"))


def load_corpus(root: Path = CORPUS) -> list[Example]:
    """Every line of the corpus, deduplicated (the first file a line appears in keeps it)."""
    seen: set[str] = set()
    out: list[Example] = []
    for path in corpus_files(root):
        stem = path.stem
        contrast = path.parent.name == "contrast"
        if not contrast and stem not in LABELS and stem not in UNLABELLED:
            raise CorpusError(f"{path}: unknown corpus file (expected one of {', '.join(LABELS + UNLABELLED)})")
        for n, text in _lines(path):
            key = text.lower()
            if key in seen:
                continue
            seen.add(key)
            rel = f"{path.parent.name}/{path.name}" if contrast else path.name
            out.append(Example(text, None if contrast or stem in UNLABELLED else stem,
                               stem if contrast else None, f"{rel}:{n}"))
    return _with_also(out, root)


def _with_also(examples: list[Example], root: Path) -> list[Example]:
    also: dict[str, set[str]] = {}
    index = {e.text.lower(): e for e in examples}
    for path in also_files(root):
        if path.stem not in EMPATHY:
            raise CorpusError(f"{path}: unknown label file (also/ holds only {', '.join(EMPATHY)})")
        for n, text in _lines(path):
            e = index.get(text.lower())
            if e is None:
                raise CorpusError(f"{path}:{n}:1: no corpus line reads {text!r}: copy a line of another file "
                                  "verbatim, or add the line to that file first")
            if e.label is not None and e.label in EMPATHY:
                raise CorpusError(f"{path}:{n}:1: {text!r} is already an empathy line ({e.where}); list only lines "
                                  "of good_practice, neutral, contrast or violation files")
            also.setdefault(e.text.lower(), set()).add(path.stem)
    return [replace(e, also=frozenset(also[e.text.lower()])) if e.text.lower() in also else e for e in examples]


def corpus_digest(root: Path = CORPUS) -> str:
    """sha256 over the corpus files' names and bytes: the trained heads record the corpus they came from."""
    h = hashlib.sha256()
    for path in corpus_files(root) + also_files(root):
        h.update(f"{path.parent.name}/{path.name}\n".encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def is_negative(example: Example, label: str) -> bool:
    """Does ``example`` count against ``label`` when training its head?"""
    if example.shows(label):
        return False
    shown = ({example.label} if example.label else set()) | example.also
    return not any(label in g and b in g for g in OVERLAPPING for b in shown)
