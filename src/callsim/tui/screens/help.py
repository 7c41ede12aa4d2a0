"""Help (F1): every key, from the same table the bindings are built from, with the trainee's remaps."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from callsim.tui import keys, render

if TYPE_CHECKING:
    from callsim.tui.app import CallsimApp


def help_content(app: CallsimApp) -> Content:
    rows: list[Content] = []
    for scope in keys.SCOPES:
        rows.append(Content.styled(scope, "bold underline $text-primary"))
        for k in keys.KEYS:
            if k.scope != scope or k.id.startswith("call.choose_"):
                continue
            key = keys.display(app.effective_key(k.id))
            rows.append(Content.assemble((f"  {key:<16}", "bold"), f"{k.description:<20}",
                                         (f" {k.id}", render.MUTED)))
        for key, what in keys.WIDGET_KEYS.get(scope, ()):
            rows.append(Content.assemble((f"  {key:<16}", "bold"), what))
        rows.append(Content(""))
    rows.append(Content.styled("Remap a key in config.yaml: keymap: {call.hint: f3}. The id is on the right.",
                               render.MUTED))
    return Content("\n").join(rows)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "dismiss", "Close", show=False)]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(Content.styled("Keys (Esc or F1 closes)", "bold"), id="help-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(help_content(cast("CallsimApp", self.app)), id="help-text")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
