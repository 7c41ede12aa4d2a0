"""Corpus lines that are near copies of held-out lines.

A line added to the training corpus that is almost the same as a line of a held-out set makes that set
measure memory, not understanding. Helpers that write corpus and held-out lines are different hands, but
they write in the same idiom and sometimes write the same sentence. ``scripts/near-copies`` lists every
corpus line (``data/corpus``: the reply corpus, the debtor lines, the pairs, the acts) whose text is more than
``RATIO`` alike (difflib's ratio, lower-cased) to any text of a held-out set (``heldout/``: replies and the
debtor lines they answer); ``--file PATH`` checks a new batch (one line per line, or JSON lines) before it
is added. Run it before adding a batch and drop what it lists.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

RATIO = 0.8
ROOT = Path(__file__).resolve().parents[4]
HELDOUT = ROOT / "heldout"
CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
_KEYS = ("text", "reply", "debtor", "context", "response")
_WORD = re.compile(r"[a-z0-9£$']+")
_COMMON = 300  # a word in more held-out texts than this does not pick candidates


class BatchError(ValueError):
    """A file to check that cannot be read; the message names the file and, where there is one, the line."""


def _texts(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of each text in ``path``: a line of a .txt file (comments skipped), or each text
    field of a JSON line."""
    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BatchError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise BatchError(f"{path}: cannot be read as UTF-8 text ({e})") from None
    for n, raw in enumerate(content.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if path.suffix == ".jsonl":
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise BatchError(f"{path}:{n}:{e.colno}: not JSON ({e.msg}); each line must be one JSON object"
                                 ) from None
            if not isinstance(row, dict):
                raise BatchError(f"{path}:{n}: a JSON {type(row).__name__}, not an object with a "
                                 f"{' / '.join(repr(k) for k in _KEYS)} field")
            yield from ((n, str(row[k])) for k in _KEYS if isinstance(row.get(k), str))
        else:
            yield n, line


class Index:
    """The held-out texts, with an index from their rarer words for picking candidates quickly."""

    def __init__(self, texts: Iterable[tuple[str, str]]) -> None:
        self.where: dict[str, str] = {}
        for text, where in texts:
            if len(text) > 12:  # "Okay, thanks." and shorter: any corpus may say it
                self.where.setdefault(text.lower(), where)
        self.texts = list(self.where)
        words = [set(_WORD.findall(t)) for t in self.texts]
        self.df = Counter(w for ws in words for w in ws)
        self.by_word: dict[str, list[int]] = defaultdict(list)
        for i, ws in enumerate(words):
            for w in ws:
                if self.df[w] < _COMMON:
                    self.by_word[w].append(i)

    def nearest(self, text: str, ratio: float = RATIO) -> tuple[str, float] | None:
        """The held-out text more than ``ratio`` alike to ``text``, and the ratio; None if there is none."""
        low = text.lower()
        rare = [w for w in set(_WORD.findall(low)) if self.df.get(w, 0) < _COMMON]
        shared = Counter(i for w in rare for i in self.by_word.get(w, ()))
        matcher = difflib.SequenceMatcher(None, "", low)
        for i, k in shared.most_common(20):
            if k < max(2, len(rare) / 2):
                break
            matcher.set_seq1(self.texts[i])  # the held-out text; the corpus line stays (difflib caches it)
            if matcher.real_quick_ratio() > ratio and matcher.quick_ratio() > ratio:
                alike = matcher.ratio()
                if alike > ratio:
                    return self.texts[i], alike
        return None


def heldout_index(root: Path = HELDOUT) -> Index:
    """The texts of every held-out set under ``root``; a missing or empty ``root`` is an error, not "no copies"."""
    files = sorted(root.rglob("*.jsonl"))
    if not files:
        raise BatchError(f"{root}: no held-out sets (*.jsonl) to compare with; run from a checkout of callsim")
    return Index((text, str(p.relative_to(root))) for p in files for _, text in _texts(p))


def near_copies(files: Sequence[Path], index: Index) -> Iterator[tuple[Path, int, str, str, float]]:
    """(file, line, corpus text, held-out text, ratio) for each near copy."""
    for path in files:
        for n, text in _texts(path):
            found = index.nearest(text)
            if found is not None:
                yield path, n, text, found[0], found[1]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="list corpus lines that are near copies of held-out lines")
    ap.add_argument("--file", type=Path, action="append", help="check this file instead of the shipped corpus")
    ap.add_argument("--heldout", type=Path, default=HELDOUT, help=argparse.SUPPRESS)  # for the tests
    a = ap.parse_args(argv)
    files = a.file or sorted(p for p in CORPUS.rglob("*") if p.suffix in (".txt", ".jsonl"))
    found = 0
    try:
        index = heldout_index(a.heldout)
        for path, n, text, held, ratio in near_copies(files, index):
            found += 1
            print(f"{path}:{n}: {ratio:.2f} like {index.where[held]}: {text[:90]!r}")
    except BatchError as e:
        print(f"near-copies: {e}", file=sys.stderr)
        return 2
    print(f"{found} near copies (ratio > {RATIO}) in {len(files)} files", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
