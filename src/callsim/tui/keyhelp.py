"""Help for keys, for both apps: ``key_help`` lists every key by scope from a key table (with the user's
remaps), and ``KeyHelpScreen`` shows such a list as a modal. The trainee app's help is
``callsim.tui.screens.help``, the review app's ``callsim.tui.review.screens.help``, each with its own key table
and notes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from callsim.tui import keys, render


def key_help(table: Iterable[keys.Key], scopes: Iterable[str], widget_keys: Mapping[str, tuple[tuple[str, str], ...]],
             effective_key: Callable[[str], str], notes: Iterable[str], *, key_width: int | None = 16,
             desc_width: int = 20, skip: Callable[[keys.Key], bool] = lambda k: False) -> Content:
    """Every key by scope: bound keys (with their ids, for remapping), then the widgets' own keys.
    ``key_width=None`` sizes the key column to the longest key (at most 26)."""
    table = list(table)
    if key_width is None:
        shown = [keys.display(effective_key(k.id)) for k in table]
        shown += [key for pairs in widget_keys.values() for key, _ in pairs]
        key_width = min(26, max(len(k) for k in shown) + 2)
    rows: list[Content] = []
    for scope in scopes:
        rows.append(Content.styled(scope, "bold underline $text-primary"))
        for k in table:
            if k.scope != scope or skip(k):
                continue
            key = keys.display(effective_key(k.id))
            rows.append(Content.assemble((f"  {key:<{key_width}}", "bold"), f"{k.description:<{desc_width}}",
                                         (f" {k.id}", render.MUTED)))
        for key, what in widget_keys.get(scope, ()):
            rows.append(Content.assemble((f"  {key:<{key_width}}", "bold"), what))
        rows.append(Content(""))
    rows += [Content.styled(note, render.MUTED) for note in notes]
    return Content("\n").join(rows)


class KeyHelpScreen(ModalScreen[None]):
    """A modal listing keys; subclasses say what to list."""

    BINDINGS = [Binding("escape,q", "dismiss", "Close", show=False)]

    def content(self) -> Content:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(Content.styled("Keys (Esc or F1 closes)", "bold"), id="help-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(self.content(), id="help-text")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
