"""Every key binding in one table: id, default key, action, where it works. Help (F1) is drawn from it.

Ids are stable: the config's ``keymap`` remaps them (``call.hint: f3``), so rename none. Defaults use keys
every terminal sends (letters, digits, F-keys, enter, escape, ctrl+letter); none needs ctrl+enter. On
screens where the trainee types (the call's reply box, a drill's draft and answers), only F-keys and ctrl+letter
keys are bound, so typing is never taken over (the library's letters work only while its search box is not
being typed in).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Key:
    id: str
    key: str
    action: str
    description: str
    scope: str
    show: bool = True
    priority: bool = False
    tooltip: str = ""


SCOPES = ("Everywhere", "Library", "Brief", "Call", "Debrief", "My sessions", "Drills", "Drill", "Drill feedback")

KEYS: tuple[Key, ...] = (
    Key("app.help", "f1", "app.help", "Help", "Everywhere", tooltip="List every key"),
    Key("app.palette", "ctrl+p", "app.command_palette", "Commands", "Everywhere", show=False, priority=True,
        tooltip="Open scenario, restart, export, theme, mode"),
    Key("app.theme", "ctrl+t", "app.toggle_theme", "Light/dark", "Everywhere", show=False,
        tooltip="Switch between the light and the dark theme"),
    Key("app.quit", "ctrl+q", "app.quit", "Quit", "Everywhere", priority=True,
        tooltip="Quit; an unfinished call is kept and offered next time"),
    Key("library.search", "slash", "focus_search", "Search", "Library", tooltip="Search and filter scenarios"),
    Key("library.clear", "escape", "clear_search", "Clear search", "Library", show=False),
    Key("library.sessions", "s", "app.sessions", "My sessions", "Library", tooltip="Your past calls and trend"),
    Key("library.mode", "m", "app.toggle_feedback", "Coaching/assessment", "Library",
        tooltip="Feedback after every reply, or only at the end"),
    Key("library.guided", "g", "app.toggle_guided", "Guided", "Library",
        tooltip="Numbered replies to pick from instead of typing"),
    Key("library.drills", "ctrl+d", "app.drills", "Drills", "Library",
        tooltip="Practise a text, email, letter or voicemail, or 'may I contact them now?'"),
    Key("brief.start", "enter", "start", "Start call", "Brief"),
    Key("brief.mode", "m", "app.toggle_feedback", "Coaching/assessment", "Brief"),
    Key("brief.guided", "g", "app.toggle_guided", "Guided", "Brief"),
    Key("brief.back", "escape", "back", "Back", "Brief"),
    Key("call.send", "ctrl+s", "send", "Send", "Call", tooltip="Send the reply (enter also sends)"),
    Key("call.hint", "f2", "hint", "Hint", "Call", tooltip="What to aim for here (coaching mode)"),
    Key("call.guided", "f3", "app.toggle_guided", "Guided", "Call", tooltip="Numbered replies or your own words"),
    Key("call.end", "f4", "end_call", "End call", "Call", tooltip="Hang up now and see the debrief"),
    *(Key(f"call.choose_{n}", str(n), f"choose({n})", f"Choose {n}", "Call", show=False) for n in range(1, 10)),
    Key("debrief.retry", "r", "retry", "Retry", "Debrief", tooltip="Play the scenario again"),
    Key("debrief.rewind", "w", "rewind", "What if", "Debrief",
        tooltip="Go back to the selected turn and try a different reply"),
    Key("debrief.transcript", "t", "toggle_view", "Transcript", "Debrief", tooltip="Debrief or transcript"),
    Key("debrief.export", "x", "export", "Export", "Debrief", tooltip="Save the transcript as Markdown"),
    Key("debrief.back", "escape", "back", "Back", "Debrief"),
    Key("sessions.back", "escape", "back", "Back", "My sessions"),
    Key("drills.back", "escape", "back", "Back", "Drills", tooltip="Back to the scenario library"),
    Key("drill.submit", "ctrl+s", "submit", "Submit", "Drill",
        tooltip="Check your draft or your answers and see the feedback"),
    Key("drill.back", "f4", "back", "Back", "Drill", tooltip="Back to the drills (what you typed is not kept)"),
    Key("feedback.retry", "r", "retry", "Try again", "Drill feedback",
        tooltip="The same drill again, starting from what you wrote"),
    Key("feedback.back", "escape", "back", "Back", "Drill feedback", tooltip="Back to the drills"),
)

# Keys that belong to widgets (not bindings): listed in Help so it names every key.
WIDGET_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    "Everywhere": (("tab / shift+tab", "Move between parts of the screen"),),
    "Library": (("up / down", "Choose a scenario (in the search box too)"), ("enter", "Open its brief"),
                ("a letter", "Starts a search (except the shortcut keys)")),
    "Call": (("enter", "Send the reply (a pasted block of lines is one reply)"),
             ("1-9", "Pick a numbered reply (guided mode)")),
    "Debrief": (("up / down", "Choose a turn in the table"),),
    "My sessions": (("up / down", "Choose a session"), ("enter", "Open its debrief and transcript")),
    "Drills": (("up / down", "Choose a drill"), ("enter", "Open it")),
    "Drill": (("tab / shift+tab", "Between the subject, the draft or the answers, and Submit"),
              ("enter", "A new line in the draft; in an answer, check it and go to the next question")),
    "Drill feedback": (("up / down", "Scroll the feedback"),),
}

BY_ID = {k.id: k for k in KEYS}


def make_bindings(keys: tuple[Key, ...], scope: str) -> list[Binding]:
    """Textual bindings for one scope of a key table (shared with the review app's table)."""
    return [
        Binding(k.key, k.action, k.description, show=k.show, priority=k.priority, tooltip=k.tooltip, id=k.id)
        for k in keys if k.scope == scope
    ]


def bindings(scope: str) -> list[Binding]:
    return make_bindings(KEYS, scope)


def display(key: str) -> str:
    """A key as people write it: ``ctrl+s`` -> ``ctrl+s``, ``slash`` -> ``/``, ``f1`` -> ``F1``."""
    names = {"slash": "/", "question_mark": "?", "escape": "esc"}
    parts = []
    for one in key.split(","):
        one = one.strip()
        one = names.get(one, one)
        parts.append(one.upper() if len(one) <= 3 and one.startswith("f") and one[1:].isdigit() else one)
    return " or ".join(parts)
