"""Turning call data into styled text for the screens.

Everything a trainee or an author wrote goes through :func:`clean` (core ``safe_text``: no escape codes,
no control characters) and into a Textual :class:`Content` as plain text, never parsed as markup: a reply
of ``[bold red]x[/]`` shows exactly those characters. Meaning never rests on colour alone: evidence is
underlined, marks are words or symbols (+, -, !), meters carry numbers and words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.text import Text
from textual.content import Content

from callsim.core.text import safe_text

GOOD = "bold underline $text-success"
BAD = "bold reverse $text-error"
WEAK = "bold underline $text-warning"
MUTED = "$text-muted"
BLOCKS = " ▁▂▃▄▅▆▇█"


def clean(text: str) -> str:
    return safe_text(text)


def reflow(text: str, long: int = 60) -> str:
    """Authored text hard-wrapped in its YAML file (``brief: |``), cleaned and rewrapped for the screen: a line
    of ``long`` characters or more runs on into the next; shorter lines (a greeting, a signature) and blank
    lines between paragraphs stay."""
    out: list[str] = []
    for line in clean(text).strip().split("\n"):
        line = line.strip()
        if out and out[-1] and line and len(out[-1].rsplit("\n", 1)[-1]) >= long and not out[-1].endswith(":"):
            out[-1] += " " + line
        else:
            out.append(line)
    return "\n".join(out)


def plain(text: str, style: str = "") -> Content:
    return Content.styled(clean(text), style) if style else Content(clean(text))


def lines(*parts: Content) -> Content:
    return Content("\n").join([p for p in parts if p.plain])


def debtor(name: str, text: str, cues: Sequence[str]) -> Content:
    parts: list[str | tuple[str, str] | Content] = [(clean(name), "bold $text-primary")]
    if cues:
        parts.append((" (" + ", ".join(clean(c) for c in cues) + ")", "italic $text-muted"))
    parts.append(": ")
    parts.append(Content(clean(text)))
    return Content.assemble(*parts)


def _spans(text: str, detections: Iterable[Mapping[str, Any]], style: str) -> list[tuple[int, int, str]]:
    out = []
    for d in detections:
        for e in d.get("evidence", []):
            start, end = int(e.get("start", -1)), int(e.get("end", -1))
            if 0 <= start < end <= len(text) and text[start:end] == e.get("text"):
                out.append((start, end, style))
    return out


def reply(text: str, scores: Mapping[str, Any] | None = None, *, you: str = "You") -> Content:
    """The trainee's reply; with scores, the evidence for each behaviour is highlighted in it."""
    body = Content(clean(text))
    if scores and body.plain == text:  # offsets are only trusted on the exact text that was scored
        rewards = [b for b in scores.get("behaviours", []) if b.get("kind") == "reward"]
        penalties = [b for b in scores.get("behaviours", []) if b.get("kind") != "reward"]
        spans = _spans(text, rewards, GOOD) + _spans(text, penalties, WEAK)
        spans += _spans(text, scores.get("violations", []), BAD)
        for start, end, style in spans:
            body = body.stylize(style, start, end)
    return Content.assemble((you, "bold $text-accent"), ": ", body)


def feedback(scores: Mapping[str, Any], label_of: Mapping[str, str] | None = None, *,
             question: str = "") -> Content:
    """Coaching after a reply (``core.coaching.items``, which plain mode prints too), styled; ``question`` is
    the debtor's line the reply did not answer (``core.coaching.unanswered``)."""
    from callsim.core.coaching import items

    out: list[Content] = []
    for it in items(scores, label_of, question=question):
        quoted = " ".join(f"\u201c{clean(q)}\u201d" for q in it.quotes)
        match it.mark:
            case "scores":
                empathy, deesc = it.numbers
                out.append(Content.assemble(("Empathy ", MUTED), (f"{empathy:.0f}", "bold"),
                                            (" · De-escalation ", MUTED), (f"{deesc:.0f}", "bold")))
            case "good":
                out.append(Content.assemble(("+ ", "bold $text-success"), (clean(it.text), "bold"), " ",
                                            (quoted, "italic")))
            case "penalty":
                out.append(Content.assemble(("- ", "bold $text-warning"), (clean(it.text), "bold"), " ",
                                            (quoted, "italic"), (f"  {clean(it.detail)}", MUTED)))
            case "violation":
                out.append(Content.assemble(("! ", "bold $text-error"), (f"{it.severity.upper()} ", "bold $text-error"),
                                            (clean(it.text), "bold"), " ", (quoted, "italic")))
                if it.detail:
                    out.append(Content.styled("  " + clean(it.detail), MUTED))
                if it.like:  # found by the learned layer alone: the corpus line it is most like
                    out.append(Content.styled(f"  reads like: \u201c{clean(it.like)}\u201d", MUTED))
            case "possible":
                # Not sure enough to fail the call: shown with its evidence and the corpus line it is most like.
                pct = f" ({it.sure * 100:.0f}% sure)" if it.sure is not None else ""
                out.append(Content.assemble(("? ", "bold $text-warning"), ("POSSIBLE ", "bold $text-warning"),
                                            (clean(it.text), "bold"), " ", (quoted, "italic"), (pct, MUTED)))
                if it.like:
                    out.append(Content.styled(f"  reads like: \u201c{clean(it.like)}\u201d", MUTED))
            case "note":
                out.append(Content.styled(clean(it.text), MUTED))
            case "unanswered":
                out.append(Content.assemble(("Not answered: ", "bold $text-warning"),
                                            (f"\u201c{clean(it.text)}\u201d", "italic")))
            case "missed":
                out.append(Content.assemble(("Missed: ", "bold"), clean(it.text)))
            case "tip":
                out.append(Content.assemble(("Tip: ", "bold"), clean(it.text)))
            case "better":
                out.append(Content.assemble(("Better: ", "bold $text-success"),
                                            (f"\u201c{clean(it.text)}\u201d", "italic")))
    return Content("\n").join(out)


# ---------------------------------------------------------------------------------------- mood


def band(value: float, low: float, high: float) -> str:
    f = (value - low) / (high - low) if high > low else 0.0
    return "low" if f < 0.25 else "moderate" if f < 0.5 else "high" if f < 0.75 else "very high"


def _change(value: float, before: float | None) -> str:
    """`` ▲1.5``: the last change, to a tenth (empty when there was none)."""
    if before is None or abs(value - before) < 0.05:
        return ""
    return f" {'▲' if value > before else '▼'}{round(abs(value - before), 1):g}"


def meter(name: str, value: float, low: float, high: float, before: float | None = None,
          width: int = 10, label_width: int = 9, words: bool = True) -> Content:
    """``anger    ████░░░░░░ 4/10 moderate ▲1``: a bar, the number (to a tenth), a word, and the last change;
    with ``words`` false, where space is short, ``anger    ████░░░░░░ 4 ▲1`` (the bar is the scale)."""
    f = max(0.0, min(1.0, (value - low) / (high - low) if high > low else 0.0))
    filled = round(f * width)
    number = f" {round(value, 1):g}/{high:g}" if words else f" {round(value, 1):g}"
    return Content.assemble(
        (f"{clean(name):<{label_width}}", "bold"),
        ("█" * filled, "$text-primary"), ("░" * (width - filled), MUTED),
        number, (f" {band(value, low, high)}" if words else "", "italic"), (_change(value, before), "bold"),
    )


def meter_room(label_width: int, low: float, high: float, *, words: bool) -> int:
    """The widest a :func:`meter` row of this variable can be: its widest number (a tenth below the top),
    the longest word and the widest change, so the meters keep one shape whatever the values."""
    number = max(len(f" {round(v, 1):g}/{high:g}" if words else f" {round(v, 1):g}") for v in (high, high - 0.5, low))
    return label_width + 10 + number + (1 + len("very high") if words else 0) + len(" ▲0.5")


def meter_two_lines(name: str, value: float, low: float, high: float, before: float | None = None,
                    width: int = 20) -> list[Content]:
    """The narrow form of :func:`meter`: name, number, word and change; then the bar on its own line."""
    f = max(0.0, min(1.0, (value - low) / (high - low) if high > low else 0.0))
    bar = max(4, width)
    filled = round(f * bar)
    return [
        Content.assemble((clean(name), "bold"), f" {round(value, 1):g}/{high:g} ", (band(value, low, high), "italic"),
                         (_change(value, before), "bold")),
        Content.assemble(("█" * filled, "$text-primary"), ("░" * (bar - filled), MUTED)),
    ]


def spark(values: Sequence[float], low: float, high: float) -> str:
    """A one-line chart on a fixed scale (so 3 -> 4 out of 10 looks small, as it is)."""
    out = []
    for v in values:
        f = max(0.0, min(1.0, (v - low) / (high - low) if high > low else 0.0))
        out.append(BLOCKS[1 + round(f * (len(BLOCKS) - 2))])  # the lowest value still shows a sliver
    return "".join(out)


def trend_word(first: float, last: float, span: float) -> str:
    if abs(last - first) < span * 0.05:
        return "steady"
    return "rose" if last > first else "fell"


def mood_chart(series: Mapping[str, Sequence[float]], bounds: Mapping[str, tuple[float, float]],
               width: int = 2, ending: tuple[str, str] | None = None) -> Content:
    """One row per mood variable over the call: bars on a fixed scale, then start -> end in numbers; and
    how the call ended (``ending``: its label and result), so rising trust is never the chart's last word
    on a call that ended in a hang-up."""
    rows = []
    label_width = max((len(k) for k in series), default=5) + 1
    for name, values in series.items():
        low, high = bounds[name]
        bars = "".join(ch * width for ch in spark(values, low, high))
        rows.append(Content.assemble(
            (f"{clean(name):<{label_width}}", "bold"), (bars, "$text-primary"),
            f"  {values[0]:g} \u2192 {values[-1]:g} of {high:g} ",
            (f"({trend_word(values[0], values[-1], high - low)})", "italic"),
        ))
    if ending is not None:
        label, result = ending
        style = {"resolved": "$text-success", "partial": "$text-warning", "failed": "bold $text-error"}.get(result, "")
        rows.append(Content.assemble((f"{'then':<{label_width}}", "bold"), (f"{clean(label)} ({result})", style)))
    return Content("\n").join(rows)


def stars(difficulty: int) -> str:
    return "\u25cf" * difficulty + "\u25cb" * max(0, 5 - difficulty)


def clock(seconds: float) -> str:
    s = max(0, int(seconds))
    return f"{s // 60:02d}:{s % 60:02d}"


def score_bar(value: float, width: int = 20) -> str:
    filled = round(max(0.0, min(100.0, value)) / 100 * width)
    return "█" * filled + "░" * (width - filled)


def cell(text: str, style: str = "") -> Text:
    """A table cell that is never read as markup (DataTable parses plain strings as markup)."""
    return Text(clean(text), style=style, no_wrap=True, overflow="ellipsis")
