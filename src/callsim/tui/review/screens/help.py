"""Help (F1 or ?): every key of the review app, from the same table the bindings are built from."""

from __future__ import annotations

from textual.content import Content

from callsim.tui.keyhelp import KeyHelpScreen, key_help
from callsim.tui.review import keys
from callsim.tui.review.services import ReviewServices, review_services


def help_content(app: ReviewServices) -> Content:
    return key_help(keys.KEYS, keys.SCOPES, keys.WIDGET_KEYS, app.effective_key, [
        "In the table, Score shows the machine's score and a reviewer's override beside it: 72 r85.",
        "Remap a key in config.yaml: keymap: {review.cohort: f6}. The id is on the right.",
    ], key_width=None, desc_width=16)


class HelpScreen(KeyHelpScreen):
    def content(self) -> Content:
        return help_content(review_services(self.app))
