"""Every key of the review app in one table: id, default key, action, where it works. Help (F1) is drawn
from it, and so are the bindings, so the two never disagree.

Ids start with ``review.`` and are stable: the config's ``keymap`` remaps them (``review.cohort: f6``).
Defaults are keys every terminal sends. On the sessions screen the letters are bound on the screen, so
typing in a filter box (which takes letters first) is never taken over; Esc leaves a filter box.
"""

from __future__ import annotations

from textual.binding import Binding

from callsim.tui.keys import Key, display, make_bindings

__all__ = ["BY_ID", "KEYS", "SCOPES", "WIDGET_KEYS", "Key", "bindings", "display"]


SCOPES = ("Everywhere", "Sessions", "Session", "Review", "Progress", "Cohort", "Drills", "Drill attempt")

KEYS: tuple[Key, ...] = (
    Key("review.help", "f1,question_mark", "app.help", "Help", "Everywhere", tooltip="List every key"),
    Key("review.theme", "ctrl+t", "app.toggle_theme", "Light/dark", "Everywhere", show=False,
        tooltip="Switch between the light and the dark theme"),
    Key("review.quit", "ctrl+q", "app.quit", "Quit", "Everywhere", priority=True, tooltip="Leave the review app"),
    Key("review.filter", "slash,f", "focus_filters", "Filter", "Sessions",
        tooltip="Filter by trainee, scenario, result or date (Esc returns to the table)"),
    Key("review.clear", "x", "clear_filters", "Clear", "Sessions", tooltip="Show every session again"),
    Key("review.sort", "s", "sort_next", "Sort", "Sessions", tooltip="Sort by the next column (the database sorts)"),
    Key("review.reverse", "r", "reverse", "Reverse", "Sessions", show=False, tooltip="Reverse the sort order"),
    Key("review.progress", "p", "progress", "Progress", "Sessions",
        tooltip="The highlighted trainee's progress over time"),
    Key("review.cohort", "c", "cohort", "Cohort", "Sessions",
        tooltip="Compare trainees and scenarios; missed behaviours; recurring violations"),
    Key("review.drills", "d", "drills", "Drills", "Sessions",
        tooltip="Drill attempts (written messages, voicemail, scheduling), for the trainee filter if one is set"),
    Key("review.refresh", "f5", "refresh", "Refresh", "Sessions", show=False, tooltip="Read the store again"),
    Key("review.to_table", "escape", "focus_table", "To the table", "Sessions", show=False,
        tooltip="Leave the filters"),
    Key("review.add", "a", "add_review", "Add review", "Session",
        tooltip="Comment, or override the score with a reason (the machine's score is kept)"),
    Key("review.tab", "t", "next_tab", "Next tab", "Session", tooltip="Debrief, transcript, reviews"),
    Key("review.session_progress", "p", "progress", "Progress", "Session", tooltip="This trainee's progress"),
    Key("review.back", "escape", "back", "Back", "Session"),
    Key("review.save", "ctrl+s", "save", "Save", "Review", tooltip="Save the review"),
    Key("review.cancel", "escape", "cancel", "Cancel", "Review"),
    Key("review.progress_back", "escape", "back", "Back", "Progress"),
    Key("review.cohort_tab", "t", "next_tab", "Next tab", "Cohort",
        tooltip="Trainees, scenarios, missed behaviours, violations"),
    Key("review.cohort_sort", "s", "sort_next", "Sort", "Cohort", tooltip="Sort the table by its next column"),
    Key("review.cohort_reverse", "r", "reverse", "Reverse", "Cohort", show=False, tooltip="Reverse the sort order"),
    Key("review.cohort_back", "escape", "back", "Back", "Cohort"),
    Key("review.drills_filter", "slash,f", "focus_filters", "Filter", "Drills",
        tooltip="Filter the attempts by trainee, kind or date (Esc returns to the table)"),
    Key("review.drills_clear", "x", "clear_filters", "Clear", "Drills", tooltip="Show every attempt again"),
    Key("review.drills_sort", "s", "sort_next", "Sort", "Drills", tooltip="Sort by the next column"),
    Key("review.drills_reverse", "r", "reverse", "Reverse", "Drills", show=False, tooltip="Reverse the sort order"),
    Key("review.drills_refresh", "f5", "refresh", "Refresh", "Drills", show=False, tooltip="Read the store again"),
    Key("review.drills_back", "escape", "back", "Back", "Drills",
        tooltip="Back to the sessions (from a filter: back to the table)"),
    Key("review.attempt_back", "escape", "back", "Back", "Drill attempt", tooltip="Back to the drill attempts"),
)

# Keys that belong to widgets (not bindings): listed in Help so it names every key.
WIDGET_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    "Everywhere": (("tab / shift+tab", "Move between parts of the screen"),
                   ("ctrl+p", "Command palette")),
    "Sessions": (("up / down, pgup / pgdn", "Move through the sessions (more load as you go)"),
                 ("ctrl+home / ctrl+end", "First / last loaded session (then the next page loads)"),
                 ("enter", "Open the highlighted session"),
                 ("click a header", "Sort by that column; click again to reverse")),
    "Session": (("left / right", "Switch tab when the tabs have focus"),
                ("up / down", "Choose a turn: its evidence and the better alternative show below")),
    "Review": (("tab", "Next box: comment, override score, reason"),),
    "Progress": (("enter on the trainee menu", "Choose another trainee"),),
    "Cohort": (("click a header", "Sort that table by it; click again to reverse"),),
    "Drills": (("up / down, pgup / pgdn", "Move through the attempts"),
               ("enter", "Open the highlighted attempt: its feedback"),
               ("click a header", "Sort by that column; click again to reverse")),
    "Drill attempt": (("up / down, pgup / pgdn", "Scroll the feedback"),),
}

BY_ID = {k.id: k for k in KEYS}


def bindings(scope: str) -> list[Binding]:
    return make_bindings(KEYS, scope)
