"""`callsim play` and `callsim run`: a call held in plain text or in the app, or played from a file of replies;
and `callsim` alone, the app's library (a numbered picker when piped)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from callsim.cli.common import UserError


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _run_app(a: argparse.Namespace, **kw: Any) -> int:
    """The Textual app (callsim.tui); settings problems are reported like any other user error."""
    import time

    launched = time.perf_counter()
    from callsim.config import ConfigError
    from callsim.tui import run_app

    try:
        return run_app(seed=a.seed, trainee=getattr(a, "trainee", None), launched=launched, **kw)
    except ConfigError as e:
        raise UserError(str(e)) from None


def home(a: argparse.Namespace) -> int:
    """No subcommand: the app's library in a terminal; a plain numbered picker when piped."""
    if _interactive():
        return _run_app(a)
    from callsim.core.library import load_library

    entries = [e for e in load_library() if e.result.scenario is not None and not e.result.errors]
    if not entries:
        raise UserError("no scenarios found")
    print("callsim: practise difficult debt-collection calls\n")
    for i, e in enumerate(entries, 1):
        s = e.result.scenario
        assert s is not None
        print(f"  {i}. {s.title}  ({s.jurisdiction.value}, difficulty {s.difficulty})")
    print("\nPick a number (or q to quit): ", end="", flush=True)
    pick = sys.stdin.readline().strip()
    if not pick.isdigit() or not 1 <= int(pick) <= len(entries):
        return 0
    ns = argparse.Namespace(scenario=str(entries[int(pick) - 1].path), seed=a.seed, plain=True, guided=False,
                            assessment=False)
    return cmd_play(ns)


def cmd_play(a: argparse.Namespace) -> int:
    from callsim.plain import play

    if not a.plain and _interactive():  # the app needs a terminal; in a pipe, play in plain text
        return _run_app(a, scenario=a.scenario, guided=a.guided or None, assessment=a.assessment or None,
                        db=getattr(a, "db", None), resume=getattr(a, "resume", None))
    from callsim.cli.store import plain_call

    call, recorder = plain_call(a, UserError)  # new, or resumed (--resume); recorded into the store
    try:
        record = play(call, guided=a.guided, coaching=not a.assessment, recorder=recorder)
    finally:
        if recorder is not None:
            recorder.close()
    if recorder is not None and recorder.unsaved:
        from callsim.core.journal import UNSAVED_EXIT

        return UNSAVED_EXIT  # the call is in the journal, not the store: a script must not think it was saved
    return 0 if record.ended else 1


def cmd_run(a: argparse.Namespace) -> int:
    from callsim.cli.store import plain_call
    from callsim.core.text import clean_reply

    call, recorder = plain_call(a, UserError, mode="scripted")
    try:
        source = sys.stdin.read() if a.replies == "-" else Path(a.replies).read_text(encoding="utf-8")
    except OSError as e:
        raise UserError(f"cannot read replies: {e.strerror}: {a.replies}") from None
    for raw in source.splitlines():
        if call.ended:
            break
        reply, _ = clean_reply(raw)
        if reply:
            turn = call.respond(reply)
            if recorder is not None:
                recorder.turn(turn, call.state())
    record = call.record()
    unsaved = False
    if recorder is not None:
        if call.ended:
            recorder.finish(record)  # a store fault keeps the call in the journal (recorder.unsaved says so)
        recorder.close()
        unsaved = recorder.unsaved > 0
        if unsaved:
            from callsim.core.store import unsaved_message

            print(f"callsim: {unsaved_message(recorder)}", file=sys.stderr)
        elif not call.ended and recorder.session_id:
            print(f"callsim: the call is unfinished; continue it with: callsim run --resume {recorder.session_id} "
                  "--replies FILE", file=sys.stderr)
        if recorder.session_id and not unsaved:  # a trainer's trial run lands in the cohort: say so
            print(f"callsim: stored as session {recorder.session_id} (mode scripted): it shows in sessions, "
                  "reports and exports. For a trial run that stays out of them, add --no-store.", file=sys.stderr)
    if a.json:
        print(json.dumps(record.to_json(), indent=2, ensure_ascii=False, sort_keys=True))
    else:
        from callsim.core.report import debrief

        print(debrief(record, call.scenario), end="")
    from callsim.core.journal import UNSAVED_EXIT

    return UNSAVED_EXIT if unsaved else 0


def register(sub: Any, user_error: type[Exception]) -> None:
    """Add this module's subcommands to the ``callsim`` parser."""
    from callsim.cli.store import add_store_args  # not at import: plain `callsim` needs only ``home``

    s = sub.add_parser("play", help="hold a call")
    s.add_argument("scenario", nargs="?", help="scenario id or path (optional with --resume)")
    s.add_argument("--plain", action="store_true", help="plain text on stdin/stdout")
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--guided", action="store_true", help="show numbered choices")
    s.add_argument("--assessment", action="store_true", help="no feedback until the debrief")
    add_store_args(s, resume_help="continue your unfinished call (or the one with this session id)")
    s.set_defaults(func=cmd_play)

    s = sub.add_parser("run", help="play a call headless from a file of replies")
    s.add_argument("scenario", nargs="?", help="scenario id or path (optional with --resume)")
    s.add_argument("--replies", required=True, help="file with one reply per line ('-' for stdin)")
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--json", action="store_true", help="print the call record as JSON")
    add_store_args(s, resume_help="continue an unfinished session with these replies")
    s.add_argument("--no-store", action="store_true", help="do not record this call in the session store")
    s.set_defaults(func=cmd_run)
