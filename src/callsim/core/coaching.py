"""What the coaching after a reply says, as plain items: the one list the trainee app styles and plain mode
prints, so both show the same things (scores, what was done well, what hurt, violations and possible ones
with their reasons, the scorer's notes, what was missed, a tip, the better line)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

Mark = Literal["scores", "good", "penalty", "violation", "possible", "note", "unanswered", "missed", "tip",
               "better"]


@dataclass(frozen=True)
class Item:
    mark: Mark
    text: str  # the label, or the sentence (scores, note, missed, tip, better)
    quotes: tuple[str, ...] = ()  # the reply's own words that show it
    detail: str = ""  # why it matters; for a violation its severity is in ``severity``
    severity: str = ""
    sure: float | None = None  # a possible violation: how sure the scorer was
    like: str = ""  # a possible violation, or one only the learned layer found: the corpus line it reads like
    numbers: tuple[float, ...] = ()  # scores: empathy and de-escalation


def _quotes(d: Mapping[str, Any], n: int = 2) -> tuple[str, ...]:
    return tuple(str(e["text"]) for e in d.get("evidence", [])[:n])


class _Answerable(Protocol):
    @property
    def answered(self) -> bool | None: ...

    @property
    def debtor(self) -> Any: ...


def unanswered(turn: _Answerable) -> str:
    """The debtor's line a turn's reply did not answer (it asked something, ``asks``), or "" when it did or
    asked nothing."""
    return str(turn.debtor.text) if turn.answered is False else ""


def reads_like(v: Mapping[str, Any], *, possible: bool = False) -> str:
    """The corpus line a detection reads like, where it is shown: for every possible violation, and for a
    violation only the learned layer found (one a rule found stands on the rule's words)."""
    return str(v.get("example") or "") if possible or v.get("source") == "learned" else ""


def _how_sure(v: Mapping[str, Any]) -> dict[str, Any]:
    """How sure the scorer was of a possible violation and the corpus line it reads like (``Item.sure``,
    ``Item.like``)."""
    sure = v.get("confidence")
    return {"sure": float(sure) if sure is not None else None, "like": reads_like(v, possible=True)}


def items(scores: Mapping[str, Any], label_of: Mapping[str, str] | None = None, *,
          question: str = "") -> list[Item]:
    """The coaching for one reply's scores (a turn's ``scores`` dict), in the order it is shown; ``question``
    is the debtor's line the reply did not answer (:func:`unanswered`)."""
    label_of = label_of or {}
    empathy, deesc = float(scores["empathy"]), float(scores["deescalation"])
    out = [Item("scores", f"Empathy {empathy:.0f} · De-escalation {deesc:.0f}", numbers=(empathy, deesc))]
    behaviours = scores.get("behaviours", [])
    out += [Item("good", b["label"], _quotes(b)) for b in behaviours if b.get("kind") == "reward"]
    out += [Item("penalty", b["label"], _quotes(b), str(b.get("why", ""))) for b in behaviours
            if b.get("kind") != "reward"]
    # A violation only the learned layer found shows the corpus line it reads like, so the trainee sees why.
    out += [Item("violation", v["label"], _quotes(v), str(v.get("why", "")), str(v.get("severity", "")),
                 like=reads_like(v)) for v in scores.get("violations", [])]
    out += [Item("possible", v["label"], _quotes(v), **_how_sure(v)) for v in scores.get("possible", [])]
    # What the scorer noticed in words (a wrong company named, money asked before any acknowledgement, a reply
    # repeated), then, when the learned layer could not load, that the rules scored alone (said once).
    understanding = str(scores.get("understanding") or "")
    out += [Item("note", str(n)) for n in scores.get("notes", []) if str(n) != understanding]
    if understanding:
        out.append(Item("note", understanding))
    if question:
        out.append(Item("unanswered", question))
    better = scores.get("better") or {}
    missed = [label_of.get(m, m.replace("_", " ")) for m in better.get("missed", [])]
    if missed:
        out.append(Item("missed", ", ".join(missed)))
    if better.get("tips"):
        out.append(Item("tip", str(better["tips"][0])))
    if better.get("model_answer"):
        out.append(Item("better", str(better["model_answer"])))
    return out


def as_text(item: Item) -> str:
    """One item as a line of plain text (plain mode)."""
    quotes = " ".join(f"\u201c{q}\u201d" for q in item.quotes)
    match item.mark:
        case "scores" | "note":
            return item.text
        case "good":
            return f"+ {item.text} {quotes}".rstrip()
        case "penalty":
            return f"- {item.text} {quotes}".rstrip() + (f". {item.detail}" if item.detail else "")
        case "violation":
            like = f" (learned, reads like \u201c{item.like}\u201d)" if item.like else ""
            return f"! {item.severity.upper()} {item.text} {quotes}".rstrip() + like + (f". {item.detail}"
                                                                                        if item.detail else "")
        case "possible":
            sure = f" ({item.sure * 100:.0f}% sure)" if item.sure is not None else ""
            like = f"; reads like \u201c{item.like}\u201d" if item.like else ""
            return f"? POSSIBLE {item.text} {quotes}".rstrip() + sure + like
        case "unanswered":
            return f"Not answered: \u201c{item.text}\u201d"
        case "missed":
            return f"Missed: {item.text}"
        case "tip":
            return f"Tip: {item.text}"
        case "better":
            return f"Better: \u201c{item.text}\u201d"
    return item.text
