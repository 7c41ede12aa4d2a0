"""Add a review: a comment, or an override score with the reason for it. The machine's score is kept.

The dialog checks what the store would refuse (nothing at all; a score outside 0-100; a score without a
reason) and says so in place, so the lead fixes it without losing what they typed. Given ``save``, the
dialog saves before it closes: when saving fails (the database read-only, damaged, gone) it stays open with
everything typed and says why in plain words (issue 14: it used to close, reopen empty, and show the SQL).
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from callsim.tui import render
from callsim.tui.review import keys

MAX_COMMENT = 2000


@dataclass(frozen=True)
class ReviewInput:
    """What the lead entered, checked."""

    reviewer: str
    comment: str
    override_score: float | None
    reason: str | None


def check(reviewer: str, comment: str, score: str, reason: str) -> ReviewInput | str:
    """The review, or the first problem with it in words."""
    reviewer, comment, reason = (" ".join(render.clean(x).split()) for x in (reviewer, comment, reason))
    value: float | None = None
    if score.strip():
        try:
            value = float(score.strip())
        except ValueError:
            return f"The override score is a number from 0 to 100, not '{render.clean(score.strip())}'."
        if not math.isfinite(value) or not 0 <= value <= 100:
            return f"The override score is a number from 0 to 100, not {render.clean(score.strip())}."
        if not reason:
            return "Say why you override the machine's score (the reason is kept with it)."
    if not comment and value is None:
        return "Write a comment, or give an override score with a reason."
    if not reviewer:
        return "The review needs your name: start the app with --reviewer NAME."
    return ReviewInput(reviewer, comment, value, reason or None)


class ReviewDialog(ModalScreen[ReviewInput | None]):
    BINDINGS = keys.bindings("Review")  # type: ignore[assignment]

    def __init__(self, session_id: str, machine: float | None, reviewer: str,
                 save: Callable[[ReviewInput], Awaitable[str | None]] | None = None) -> None:
        super().__init__()
        self.session_id = session_id
        self.machine = machine
        self.reviewer = reviewer
        self._save_review = save  # saves, and returns None or what went wrong in words

    def compose(self) -> ComposeResult:
        machine = "none (unfinished)" if self.machine is None else f"{self.machine:.0f}/100"
        with Vertical(classes="dialog", id="review-box"):
            yield Static(Content.assemble(("Review session ", "bold $text-primary"),
                                          (self.session_id, "bold"), f" as {render.clean(self.reviewer)}"))
            yield Static(Content.styled(f"Machine score {machine}: it is kept, an override shows beside it.",
                                        render.MUTED))
            yield Label("Comment")
            yield Input(id="rv-comment", max_length=MAX_COMMENT, compact=True,
                        placeholder="What went well, what to work on")
            yield Label("Override score, 0-100 (optional)")
            yield Input(id="rv-score", max_length=6, compact=True, placeholder="e.g. 75",
                        restrict=r"[0-9.]*")
            yield Label("Reason for the override")
            yield Input(id="rv-reason", max_length=MAX_COMMENT, compact=True,
                        placeholder="Why the machine's score is wrong here")
            yield Static(id="rv-error")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", id="rv-save", variant="primary")
                yield Button("Cancel (esc)", id="rv-cancel")

    def on_mount(self) -> None:
        self.query_one("#rv-comment", Input).focus()

    def value(self) -> ReviewInput | str:
        return check(self.reviewer, self.query_one("#rv-comment", Input).value,
                     self.query_one("#rv-score", Input).value, self.query_one("#rv-reason", Input).value)

    def action_save(self) -> None:
        result = self.value()
        if isinstance(result, str):
            self.say(result)
            return
        if self._save_review is None:
            self.dismiss(result)
            return
        self.saving(result)

    def say(self, problem: str) -> None:
        self.query_one("#rv-error", Static).update(Content.styled(problem, "bold $text-error"))

    @work(group="rv-save", exclusive=True)
    async def saving(self, review: ReviewInput) -> None:
        assert self._save_review is not None
        button = self.query_one("#rv-save", Button)
        if button.disabled:
            return  # already saving
        button.disabled = True
        self.query_one("#rv-error", Static).update(Content.styled("Saving…", render.MUTED))
        try:
            problem = await self._save_review(review)
        finally:
            button.disabled = False
        if problem:
            self.say(problem)  # the dialog stays, with everything the lead typed
            return
        self.dismiss(review)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "rv-reason":
            self.action_save()
        else:
            self.focus_next()

    @on(Button.Pressed, "#rv-save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#rv-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
