"""Widgets for the call screen. Each takes its data as attributes and says what happened by messages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from textual import events
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static, TextArea

from callsim.core.text import MAX_REPLY_CHARS, safe_text
from callsim.tui import render
from callsim.tui.messages import PasteTruncated, ReplySubmitted


class CleanTextArea(TextArea):
    """A text box for the trainee's words (a drill's draft; the call's reply box is one too).

    A paste is cleaned of escape codes and control characters before it reaches the box, and cut to
    the longest reply callsim scores, so a 100 KB paste costs nothing and says what happened
    (:class:`PasteTruncated`).
    """

    async def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()
        event.stop()
        if self.read_only:
            return
        raw = event.text
        # Cut before cleaning, so a huge paste costs no more than a long one.
        text = safe_text(raw[: MAX_REPLY_CHARS * 2] if len(raw) > MAX_REPLY_CHARS * 2 else raw)
        selected = len(self.selected_text)
        room = max(0, MAX_REPLY_CHARS - len(self.text) + selected)
        if len(text) > room:
            self.post_message(PasteTruncated(len(raw), room))
            text = text[:room]
        if text:
            result = self._replace_via_keyboard(text, *self.selection)
            if result:
                self.move_cursor(result.end_location)


class ReplyBox(CleanTextArea):
    """Where the trainee types a reply in a call. Enter sends; a pasted block of lines stays one reply."""

    async def _on_key(self, event: events.Key) -> None:
        # TextArea's own _on_key runs after this one unless the default is prevented.
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(ReplySubmitted(self.text))


class Transcript(VerticalScroll):
    """The conversation so far: debtor lines, the trainee's replies, coaching notes.

    It follows its end: whatever changes the space it has or the height of what it holds (the guided choices
    appearing below it, a reply's scores filled in after it was shown, a resized terminal), the newest line
    stays in view, until the trainee scrolls up to read; the next line brings the view back to the end. This
    is Textual's anchor, set once the transcript is longer than its pane (anchored while short, it would sit
    at the bottom of the pane), and kept by the layout itself, so no scroll can run before the layout it
    needs."""

    def add(self, content: Content, kind: str) -> Static:
        entry = Static(content, classes=f"entry {kind}", markup=False)
        self.mount(entry)
        self.scroll_end(animate=False, immediate=False)  # also takes back an anchor the trainee released
        self.call_after_refresh(self._anchor_when_long)
        return entry

    def on_resize(self) -> None:
        self._anchor_when_long()

    def _anchor_when_long(self) -> None:
        if not self.is_anchored and self.max_scroll_y > 0:
            self.anchor()

    def clear(self) -> None:
        self.remove_children()
        self.anchor(False)


class PersonaPanel(Static):
    """Who is on the line and what the trainee has learned so far. Facts appear as they are disclosed."""

    def show(self, scenario: Any, disclosed: Sequence[str]) -> None:
        p, d = scenario.persona, scenario.debt
        from callsim.core.money import format_money

        rows: list[Content] = [
            Content.assemble((render.clean(p.name), "bold"), f", {p.age} · ",
                             (p.situation.value.replace("_", " "), "italic")),
            Content.assemble(render.clean(d.creditor), (f" · {render.clean(d.account_ref)}" if d.account_ref else "")),
            Content.assemble((format_money(d.balance, d.symbol), "bold"), f" · {d.days_past_due} days overdue"),
        ]
        rows.append(Content.styled("What you have learned", "bold underline"))
        facts = [p.facts[f] for f in disclosed if f in p.facts]
        for fact in facts:
            rows.append(Content.assemble("\u2022 ", render.clean(fact)))
        left = len(p.facts) - len(facts)
        if not facts:
            rows.append(Content.styled("nothing yet: ask, and listen", render.MUTED))
        if left > 0:
            rows.append(Content.styled(f"{left} more to find out", render.MUTED))
        self.update(Content("\n").join(rows))


class MoodMeters(Static):
    """The debtor's mood: a bar per variable with its number and a word, and the last change."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._data: tuple[Any, dict[str, float], dict[str, float] | None, bool] | None = None

    def show(self, scenario: Any, mood: Mapping[str, float], before: Mapping[str, float] | None,
             hidden: bool = False) -> None:
        self._data = (scenario, dict(mood), dict(before) if before else None, hidden)
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        if self._data is None:
            return
        scenario, mood, before, hidden = self._data
        if hidden:
            self.update(Content.assemble(("Mood\n", "bold underline"),
                                         ("hidden in assessment mode: listen for cues", render.MUTED)))
            return
        rows = [Content.styled("Mood", "bold underline")]
        label = max((len(k) for k in scenario.mood), default=5) + 1
        width = self.content_size.width or 30
        # One shape for the whole call, chosen from the widest a row can ever be (render.meter_room), never
        # from this turn's rows: the meters do not jump between shapes as values and changes come and go.
        # Full rows; else rows without the word and the scale's top; else two lines each.
        decls = scenario.mood.values()
        words = all(render.meter_room(label, d.min, d.max, words=True) <= width for d in decls)
        one_line = words or all(render.meter_room(label, d.min, d.max, words=False) <= width for d in decls)
        for name, decl in scenario.mood.items():
            prev = before.get(name) if before else None
            value = mood.get(name, decl.start)
            if one_line:
                rows.append(render.meter(name, value, decl.min, decl.max, prev, width=10, label_width=label,
                                         words=words))
            else:
                rows.extend(render.meter_two_lines(name, value, decl.min, decl.max, prev, width=width))
        self.update(Content("\n").join(rows))
