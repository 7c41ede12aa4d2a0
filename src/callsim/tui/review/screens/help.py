"""Help (F1 or ?): every key of the review app, from the same table the bindings are built from."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from callsim.tui import render
from callsim.tui.review import keys

if TYPE_CHECKING:
    from callsim.tui.review.app import ReviewApp


def help_content(app: ReviewApp) -> Content:
    rows: list[Content] = []
    shown = [keys.display(app.effective_key(k.id)) for k in keys.KEYS]
    shown += [key for pairs in keys.WIDGET_KEYS.values() for key, _ in pairs]
    width = min(26, max(len(k) for k in shown) + 2)
    for scope in keys.SCOPES:
        rows.append(Content.styled(scope, "bold underline $text-primary"))
        for k in keys.KEYS:
            if k.scope != scope:
                continue
            key = keys.display(app.effective_key(k.id))
            rows.append(Content.assemble((f"  {key:<{width}}", "bold"), f"{k.description:<16}",
                                         (f" {k.id}", render.MUTED)))
        for key, what in keys.WIDGET_KEYS.get(scope, ()):
            rows.append(Content.assemble((f"  {key:<{width}}", "bold"), what))
        rows.append(Content(""))
    rows.append(Content.styled("In the table, Score shows the machine's score and a reviewer's override beside "
                               "it: 72 r85.", render.MUTED))
    rows.append(Content.styled("Remap a key in config.yaml: keymap: {review.cohort: f6}. The id is on the right.",
                               render.MUTED))
    return Content("\n").join(rows)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "dismiss", "Close", show=False)]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(Content.styled("Keys (Esc or F1 closes)", "bold"), id="help-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(help_content(cast("ReviewApp", self.app)), id="help-text")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
