"""Help (F1): every key, from the same table the bindings are built from, with the user's remaps.

The key list and its modal are shared with the review app (``callsim.tui.keyhelp``)."""

from __future__ import annotations

from textual.content import Content

from callsim.tui import keys
from callsim.tui.keyhelp import KeyHelpScreen, key_help
from callsim.tui.services import TraineeServices, services


def help_content(app: TraineeServices) -> Content:
    return key_help(keys.KEYS, keys.SCOPES, keys.WIDGET_KEYS, app.effective_key,
                    ["Remap a key in config.yaml: keymap: {call.hint: f3}. The id is on the right."],
                    skip=lambda k: k.id.startswith("call.choose_"))


class HelpScreen(KeyHelpScreen):
    def content(self) -> Content:
        return help_content(services(self.app))
