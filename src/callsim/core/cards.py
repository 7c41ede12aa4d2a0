"""The scenario library for the app: quick cards first, full validation in the background.

Drawing the library must be fast, so :func:`read_cards` reads only what a card shows straight from the
YAML: the file's top-level blocks a card needs (id, title, persona, tags, ...), not its nodes and
walkthroughs, which are four fifths of a scenario. With libyaml's C loader that is about 0.3 ms a file
instead of 3 ms for the whole file. Validating a scenario with pydantic and the linter costs
about 40 ms a file and imports the models (about 120 ms), so :class:`Catalog` does that in a worker, and
only the scenario being opened has to be ready. Nothing here imports Textual.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from callsim.core.loader import LoadResult
    from callsim.core.models import Scenario

try:  # the C loader when libyaml is there, about ten times faster than the pure-Python one
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


@dataclass(frozen=True)
class Card:
    """What the library shows about a scenario before it is validated."""

    path: Path
    id: str
    title: str
    difficulty: int = 0
    jurisdiction: str = ""
    situation: str = ""
    persona: str = ""
    age: int | None = None
    tags: tuple[str, ...] = ()
    summary: str = ""
    broken: str = ""  # why the file cannot be read as a scenario at all

    @property
    def situation_words(self) -> str:
        return self.situation.replace("_", " ")

    def haystack(self) -> str:
        return " ".join([self.id, self.title, self.persona, self.situation_words, self.situation,
                         self.jurisdiction, *self.tags, self.summary]).lower()

    def matches(self, query: str) -> bool:
        """Every word must match. ``d:3`` (difficulty), ``j:uk`` (jurisdiction), ``tag:x`` narrow further."""
        hay = self.haystack()
        for word in query.lower().split():
            key, _, value = word.partition(":")
            if value and key in ("d", "difficulty"):
                if not value.isdigit() or self.difficulty != int(value):
                    return False
            elif value and key in ("j", "jurisdiction"):
                if self.jurisdiction.lower() != value:
                    return False
            elif value and key in ("t", "tag"):
                if not any(value in t.lower() for t in self.tags):
                    return False
            elif word not in hay:
                return False
        return True


def _text(v: Any) -> str:
    return " ".join(str(v).split()) if v is not None else ""


CARD_KEYS = frozenset({"id", "title", "difficulty", "jurisdiction", "tags", "summary", "persona"})
_TOP_KEY = re.compile(r"^(?:['\"]?)([A-Za-z_][\w-]*)(?:['\"]?)[ \t]*:(?:[ \t]|$)", re.MULTILINE)


def card_header(text: str) -> str | None:
    """Only the top-level blocks of a scenario file that a card shows, or None when the file does not
    look like a plain mapping of top-level keys (then it is read whole).

    A line that starts at column 0 with ``key:`` begins a top-level block: in block YAML everything that
    belongs to a key is indented under it (block scalars and continued plain or quoted text included).
    Should the header not parse on its own (say, an alias to an anchor in a block left out), or a file
    be unusual in some other way, :func:`read_card` reads the whole file instead."""
    starts = [(m.start(), m.group(1)) for m in _TOP_KEY.finditer(text)]
    if not starts:
        return None
    for line in text[:starts[0][0]].splitlines():  # before the first key: only comments and "---"
        if line.strip() not in ("", "---") and not line.lstrip().startswith("#"):
            return None
    ends = [start for start, _ in starts[1:]] + [len(text)]
    return "".join(text[start:end] for (start, key), end in zip(starts, ends, strict=True) if key in CARD_KEYS)


def _load(text: str) -> Any:
    header = card_header(text)
    if header is not None:
        try:
            data = yaml.load(header, Loader=_Loader)
            if isinstance(data, dict):
                return data
        except yaml.YAMLError:
            pass
    return yaml.load(text, Loader=_Loader)  # the whole file: it decides what is wrong with it


def read_card(path: Path) -> Card:
    try:
        data = _load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        return Card(path, path.stem, path.stem, broken=f"cannot read: {type(e).__name__}")
    if not isinstance(data, dict):
        return Card(path, path.stem, path.stem, broken="not a scenario (expected a mapping)")
    persona = data.get("persona") if isinstance(data.get("persona"), dict) else {}
    assert isinstance(persona, dict)
    tags = data.get("tags") if isinstance(data.get("tags"), list) else []
    assert isinstance(tags, list)
    diff = data.get("difficulty")
    age = persona.get("age")
    return Card(
        path=path,
        id=_text(data.get("id")) or path.stem,
        title=_text(data.get("title")) or path.stem,
        difficulty=diff if isinstance(diff, int) else 0,
        jurisdiction=_text(data.get("jurisdiction")),
        situation=_text(persona.get("situation")),
        persona=_text(persona.get("name")),
        age=age if isinstance(age, int) else None,
        tags=tuple(_text(t) for t in tags),
        summary=_text(data.get("summary")),
    )


def read_cards(extra: list[str] | None = None) -> list[Card]:
    from callsim.core.library import scenario_files

    return [read_card(p) for p in scenario_files(extra)]


@dataclass
class Catalog:
    """Cards plus the validated scenarios, loaded once each (thread-safe)."""

    extra: list[str] | None = None
    cards: list[Card] = field(default_factory=list)
    _results: dict[Path, LoadResult] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def load_cards(self) -> list[Card]:
        self.cards = read_cards(self.extra)
        return self.cards

    def load_cards_in_background(self) -> Future[list[Card]]:
        """Start :meth:`load_cards` on a thread of its own (the app starts it before Textual is running)."""
        future: Future[list[Card]] = Future()

        def run() -> None:
            try:
                future.set_result(self.load_cards())
            except BaseException as e:  # noqa: BLE001 - handed to whoever waits for the cards
                future.set_exception(e)

        threading.Thread(target=run, name="callsim-cards", daemon=True).start()
        return future

    def result(self, path: Path) -> LoadResult:
        with self._lock:
            hit = self._results.get(path)
        if hit is None:
            from callsim.core.loader import load_scenario

            hit = load_scenario(path, run_walkthroughs=False)
            with self._lock:
                self._results[path] = hit
        return hit

    def scenario(self, path: Path) -> Scenario:
        """The validated scenario, or :class:`ScenarioProblem` saying why it cannot be played."""
        from callsim.core.loader import ScenarioFileError

        try:
            result = self.result(path)
        except ScenarioFileError as e:
            raise ScenarioProblem(str(e)) from None
        if result.scenario is None or result.errors:
            first = result.errors[0].format() if result.errors else "it did not load"
            raise ScenarioProblem(f"{path.name} has {len(result.errors)} error(s); run `callsim lint {path}`. "
                                  f"First: {first}")
        return result.scenario

    def validate_all(self) -> None:
        for card in list(self.cards):
            if not card.broken:
                try:
                    self.result(card.path)
                except Exception:  # noqa: BLE001 - a broken file shows as broken when opened
                    continue

    def find(self, ref: str) -> Card | None:
        """A card by scenario id or by path."""
        p = Path(ref)
        for card in self.cards:
            if card.id == ref or (p.suffix in (".yaml", ".yml") and card.path.resolve() == p.resolve()):
                return card
        return None


class ScenarioProblem(Exception):
    pass
