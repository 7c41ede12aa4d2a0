"""Plain-text play: the call on stdin/stdout. Works in a pipe (one reply per line) and in a terminal."""

from __future__ import annotations

import sys
import textwrap
from typing import TYPE_CHECKING, TextIO

from callsim.core.engine import Call
from callsim.core.models import Scenario
from callsim.core.money import format_money
from callsim.core.record import CallRecord, Turn
from callsim.core.report import debrief
from callsim.core.text import clean_reply, safe_text

if TYPE_CHECKING:
    from callsim.core.store import SessionRecorder

HELP = "Type your reply and press Enter. Commands: /end ends the call, /hint shows what to aim for, /help."


def _say(out: TextIO, text: str = "", indent: str = "") -> None:
    out.write(textwrap.fill(safe_text(text), 78, initial_indent=indent, subsequent_indent=indent) + "\n"
              if text else "\n")
    out.flush()


def brief(s: Scenario, out: TextIO) -> None:
    d = s.debt
    _say(out, f"== {s.title} ==")
    _say(out, f"Difficulty {s.difficulty}/5 · {s.jurisdiction.value} · {s.persona.situation.value.replace('_', ' ')}")
    _say(out, s.brief or s.summary)
    _say(out, f"On screen: {s.persona.name}, account {d.account_ref or '(no ref)'} with {d.creditor}. "
              f"Balance {format_money(d.balance, d.symbol)}, {d.days_past_due} days past due.")
    _say(out)


def play(call: Call, inp: TextIO = sys.stdin, out: TextIO = sys.stdout, *, guided: bool = False,
         coaching: bool = True, recorder: SessionRecorder | None = None) -> CallRecord:
    """Play the call to its end (or the end of input). With a ``recorder``, every turn is saved as it is
    taken and the record at the end; a call resumed from the store picks up where it was left."""
    s = call.scenario
    name = s.persona.voice
    brief(s, out)
    _say(out, HELP)
    _say(out)
    if call.turns:
        _say(out, f"Resuming your call: {len(call.turns)} repl{'y' if len(call.turns) == 1 else 'ies'} so far.")
        for t in call.turns[-2:]:
            _say(out, f"{name}: {t.debtor.text}", "  ")
            _say(out, f"You: {t.reply}", "  ")
        _say(out)
    while not call.ended:
        line = call.line
        cues = f" ({', '.join(line.cues)})" if line.cues else ""
        _say(out, f"{name}{cues}: {line.text}")
        choices = call.choices if guided else []
        for i, ch in enumerate(choices, 1):
            _say(out, f"{i}. {ch.text}", "   ")
        out.write("> ")
        out.flush()
        raw = inp.readline()
        if raw == "":
            _say(out)
            _say(out, "(input ended: the call is left unfinished)")
            if recorder is not None and recorder.session_id and not recorder.unsaved:
                _say(out, f"Resume it with: callsim play --plain --resume {recorder.session_id}")
            break
        reply, warning = clean_reply(raw)
        if not inp.isatty():
            out.write(reply + "\n")  # echo piped replies so the transcript reads as a conversation
        if not reply:
            continue
        if reply in ("/end", "/quit", "/hangup"):
            call.end_by_trainee()
            break
        if reply == "/help":
            _say(out, HELP)
            continue
        if reply == "/hint":
            from callsim.core.rubric import load_rubric

            r = load_rubric()
            aims = [r.get(b).label for b in call.node.expects if b in r.by_id]
            _say(out, "Aim for: " + (", ".join(aims) if aims else "listen, and respond to what they said."), "  ")
            continue
        if warning:
            _say(out, warning, "  ! ")
        choice = None
        if choices and reply.isdigit() and 1 <= int(reply) <= len(choices):
            choice = int(reply) - 1
        turn = call.respond(reply, choice=choice)
        if recorder is not None:
            recorder.turn(turn, call.state())
        if coaching:
            _coach(turn, out)
    if call.ended and call.node.is_final:
        last = call.line
        _say(out, f"{name}: {last.text}")
        _say(out)
    record = call.record()
    if recorder is not None and call.ended:
        recorder.finish(record)  # a store fault keeps the call in the journal (recorder.unsaved says so)
    out.write(debrief(record, s))
    if recorder is not None and recorder.unsaved:
        from callsim.core.store import unsaved_message

        _say(out, unsaved_message(recorder), "  ! ")
    elif recorder is not None and recorder.session_id and call.ended:
        _say(out, f"Saved as session {recorder.session_id}.")
    out.flush()
    return record


def _coach(turn: Turn, out: TextIO) -> None:
    """The same coaching the app shows after a reply (``core.coaching``), as text."""
    from callsim.core.coaching import as_text, items, unanswered
    from callsim.core.rubric import load_rubric

    labels = {b.id: b.label for b in load_rubric().behaviours}
    for item in items(turn.scores, labels, question=unanswered(turn)):
        _say(out, as_text(item) if item.mark != "scores" else f"[{item.text.lower()}]", "  ")
    _say(out)
