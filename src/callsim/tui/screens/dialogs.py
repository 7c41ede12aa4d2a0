"""Small modal questions: the trainee's name, resuming an unfinished call, confirming the end of a call."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from callsim.config import MAX_TRAINEE_CHARS, config_path
from callsim.core.text import safe_text
from callsim.tui import render


class NameDialog(ModalScreen[str | None]):
    """Asked once: who is practising. Saved in the config file."""

    BINDINGS = [Binding("escape", "cancel", "Quit", show=False)]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content.styled("Welcome to callsim", "bold $text-primary"))
            yield Static(Content(
                "Practise difficult debt-collection calls, and get coached on every reply.\n\n"
                "What is your name? It goes on your sessions, and is saved in "
                f"{config_path()} so you are asked only once."))
            yield Input(placeholder="Your name", id="name", max_length=MAX_TRAINEE_CHARS)
            yield Static(Content.styled("Enter to continue, Esc to quit.", render.MUTED))

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Input.Submitted, "#name")
    def _submitted(self, event: Input.Submitted) -> None:
        name = " ".join(safe_text(event.value).split())
        if not name:
            self.notify("Type your name, or Esc to quit.", severity="warning")
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ResumeDialog(ModalScreen[str | None]):
    """An unfinished call was found: resume it, end it (scored as ended by you), or leave it for later."""

    BINDINGS = [
        Binding("r", "answer('resume')", "Resume", id="resume.resume"),
        Binding("e", "answer('end')", "End it", id="resume.end"),
        Binding("escape,l", "answer('later')", "Later", id="resume.later"),
    ]

    def __init__(self, summary: Any, title: str) -> None:
        super().__init__()
        self.summary = summary
        self.title_text = title

    def compose(self) -> ComposeResult:
        started = getattr(self.summary, "started", "")
        when = started.strftime("%d %b %Y %H:%M") if hasattr(started, "strftime") else str(started)[:16]
        turns = getattr(self.summary, "n_turns", 0) or 0
        with Vertical(classes="dialog"):
            yield Static(Content.styled("You have an unfinished call", "bold $text-primary"))
            replies = f"{turns} repl{'y' if turns == 1 else 'ies'}"
            yield Static(Content.assemble((render.clean(self.title_text), "bold"),
                                          f"\nstarted {render.clean(when)}, {replies} in."))
            with Horizontal(classes="buttons"):
                yield Button("Resume (r)", id="resume", variant="primary")
                yield Button("End it (e)", id="end")
                yield Button("Later (esc)", id="later")

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n,escape", "answer(False)", "No", show=False),
    ]

    def __init__(self, question: str, yes: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.question))
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="error")
                yield Button("Keep going (n)", id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
