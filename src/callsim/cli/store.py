"""Session store commands: `callsim sessions`, `show`, `export`, `review`; and the store side of `play`/`run`.

Every command takes ``--db URL`` (else ``CALLSIM_DATABASE_URL``, else the SQLite file in the data folder).
Trainee text (names, replies, comments) is printed through ``safe_text``, so nothing stored can restyle or
break the terminal; in CSV, cells that a spreadsheet would read as a formula are defused.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from callsim.core.exports import FORMATS, export
from callsim.core.exports.xapi import XAPI_BASE
from callsim.core.text import safe_text

if TYPE_CHECKING:
    from callsim.core.engine import Call
    from callsim.core.record import CallRecord, Turn
    from callsim.core.store import SessionDetail, SessionFilter, SessionRecorder, SessionSummary, Store

ErrorType = type[Exception]



# --------------------------------------------------------------------------- shared helpers


def open_store(url: str | None, user_error: ErrorType) -> Store:
    from callsim.core.store import Store, StoreError

    try:
        return Store.open(url)
    except StoreError as e:
        raise user_error(str(e)) from None


def sync_journal(store: Store, say: Callable[[str], None]) -> list[str]:
    """Write calls kept in the local journal into ``store`` (see core.journal); say what happened.
    Returns the journalled calls still waiting, one line each."""
    from callsim.core.journal import sync, unreadable

    result = sync(store)
    if result.saved:
        n = len(result.saved)
        say(f"{n} call{'' if n == 1 else 's'} kept in the journal now saved to the session store: "
            + ", ".join(result.saved))
    if result.attempts_saved:
        n = len(result.attempts_saved)
        say(f"{n} drill attempt{'' if n == 1 else 's'} kept in the journal now saved to the session store")
    if result.problem:
        say(f"journalled calls could not be saved yet ({_plain(result.problem)})")
    for path, why in [*unreadable(), *result.unusable]:
        say(f"cannot use the journal file {path} ({why}); it is left as it is")
    return [j.describe() for j in result.waiting]


def _plain(reason: str) -> str:
    from callsim.core.store import plain_reason

    return plain_reason(Exception(reason))


def _waiting_line(waiting: list[str]) -> str:
    from callsim.core.journal import journal_dir

    n = len(waiting)
    return (f"{n} call{'' if n == 1 else 's'} waiting to be saved: " + "; ".join(waiting)
            + f". They are kept in {journal_dir()} and are saved the next time callsim reaches the store "
            "(callsim sessions, play or run).")


@contextmanager
def store_for(a: argparse.Namespace, user_error: ErrorType) -> Iterator[Store]:
    """The store ``--db`` names, for one command: a store fault becomes a user error, and it is closed after."""
    from sqlalchemy.exc import SQLAlchemyError

    from callsim.core.store import StoreError

    store = open_store(getattr(a, "db", None), user_error)
    try:
        yield store
    except StoreError as e:
        raise user_error(str(e)) from None
    except SQLAlchemyError as e:  # the database went away mid-command, a damaged file, say
        from callsim.core.store import plain_reason

        raise user_error(f"the session database {store.describe()} failed: {plain_reason(e)}") from None
    finally:
        store.close()


def _local(dt: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return dt.astimezone().strftime(fmt) if dt else ""


def parse_when(text: str, user_error: ErrorType) -> datetime:
    """``2026-11-01`` (local midnight), an ISO date-time, ``today``, ``yesterday`` or ``7d`` (days ago)."""
    from callsim.core.dates import parse_since

    try:
        when = parse_since(text, datetime.now().astimezone())
    except ValueError as e:
        raise user_error(f"cannot read the date: {e}") from None
    if when is None:
        raise user_error("the date is empty: use 2026-11-01, 2026-11-01T09:30, today or 7d")
    return when


def session_filter(a: argparse.Namespace, user_error: ErrorType) -> SessionFilter:
    """``--trainee``, ``--scenario``, ``--since``, ``--until`` and ``--passed`` / ``--failed`` / ``--unfinished`` /
    ``--finished`` as the store's one filter (the review app and the report use the same)."""
    from callsim.core.store import SessionFilter

    return SessionFilter(
        trainee=a.trainee, scenario=a.scenario,
        since=parse_when(a.since, user_error) if a.since else None,
        until=parse_when(a.until, user_error) if a.until else None,
        passed=True if getattr(a, "passed", False) else False if getattr(a, "failed", False) else None,
        finished=False if getattr(a, "unfinished", False) else True if getattr(a, "finished", False) else None,
    )


def _add_filters(s: argparse.ArgumentParser) -> None:
    s.add_argument("--trainee", help="only this trainee's sessions")
    s.add_argument("--scenario", help="only this scenario id")
    s.add_argument("--since", help="started on or after: 2026-11-01, 2026-11-01T09:30, today, 7d")
    s.add_argument("--until", help="started before (same forms as --since)")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--passed", action="store_true", help="only calls that passed")
    g.add_argument("--failed", action="store_true", help="only finished calls that failed")
    g.add_argument("--unfinished", action="store_true", help="only calls left unfinished")
    g.add_argument("--finished", action="store_true", help="only finished calls")
    s.add_argument("--db", metavar="URL", help="database URL (default: CALLSIM_DATABASE_URL or the local file)")


# --------------------------------------------------------------------------- play / run


def add_store_args(s: argparse.ArgumentParser, resume_help: str) -> None:
    """``--trainee``, ``--resume [ID]`` and ``--db`` for `play` and `run`."""
    # SUPPRESS keeps a top-level `callsim --trainee X play ...` from being overwritten by this default.
    s.add_argument("--trainee", default=argparse.SUPPRESS,
                   help="your name on the session (default: the name saved in the app's settings or "
                        "CALLSIM_TRAINEE, else your user name)")
    s.add_argument("--resume", nargs="?", const="", metavar="ID", help=resume_help)
    s.add_argument("--db", metavar="URL", help="session database (default: CALLSIM_DATABASE_URL or the local file)")


def plain_call(a: argparse.Namespace, user_error: ErrorType, *, mode: str | None = None,
               warn: Callable[[str], None] | None = None) -> tuple[Call, SessionRecorder | None]:
    """The call for ``play --plain`` or ``run``: new, or resumed from the store; and its recorder."""
    from sqlalchemy.exc import SQLAlchemyError

    from callsim.cli.common import scenario as _scenario
    from callsim.core import sessions
    from callsim.core.store import SessionRecorder, Store, StoreError, store_target
    from callsim.core.walkthrough import compiled_for

    resume = getattr(a, "resume", None)
    if getattr(a, "no_store", False):
        if resume is not None:
            raise user_error("--resume needs the session store (drop --no-store)")
        if not a.scenario:
            raise user_error("give a SCENARIO (an id from `callsim list`, or a .yaml path)")
        return compiled_for(_scenario(a.scenario)).new_call(a.seed), None
    if resume is None and not a.scenario:
        raise user_error("give a SCENARIO (an id from `callsim list`, or a .yaml path), or --resume")
    from callsim.config import trainee_name

    trainee = trainee_name(getattr(a, "trainee", None))
    warn = warn or (lambda msg: print(f"callsim: {msg}", file=sys.stderr))
    url = getattr(a, "db", None)

    def reopen() -> Store:
        return Store.open(url)

    try:
        store: Store | None = Store.open(url)
    except StoreError as e:
        if resume is not None:
            raise user_error(f"cannot resume: {e}") from None
        warn(f"the session store is unreachable ({_plain(str(e))}). You can still practise: this call is "
             "kept in the journal on this computer and saved to the store when it is back.")
        store = None
    if store is not None:
        try:
            sync_journal(store, warn)
        except Exception as e:  # noqa: BLE001 - syncing must never stop a call from starting
            warn(f"journalled calls could not be saved yet ({_plain(str(e))})")
    try:
        if resume is None:
            mode = mode or ("assessment" if getattr(a, "assessment", False) else "coaching")
            call, details = sessions.start(compiled_for(_scenario(a.scenario)), trainee=trainee, seed=a.seed,
                                           mode=mode)
        else:
            assert store is not None
            only = _scenario(a.scenario).id if a.scenario else None
            summary = _pick_unfinished(sessions.unfinished(store, trainee, resume, only), user_error)
            compiled = compiled_for(_scenario(summary.scenario_id))
            try:
                call, details = sessions.resume(compiled, summary, sessions.stored_state(store, summary))
            except sessions.CannotResume as e:
                hint = (f". Start a new call: callsim play {summary.scenario_id} --plain"
                        if compiled.scenario.version != summary.scenario_version else "")
                raise user_error(safe_text(f"{e}{hint}")) from None
            if summary.mode == "assessment":
                a.assessment = True
        return call, SessionRecorder(store, warn=warn, reopen=reopen, target=store_target(url), **details.kwargs())
    except sessions.CannotResume as e:
        if store is not None:
            store.close()
        raise user_error(safe_text(str(e))) from None
    except (StoreError, SQLAlchemyError) as e:
        if store is not None:
            store.close()
        raise user_error(_plain_error(e)) from None
    except BaseException:
        if store is not None:
            store.close()
        raise


def _plain_error(e: Exception) -> str:
    from callsim.core.store import StoreError, plain_reason

    if isinstance(e, StoreError):
        return str(e)
    return f"the session database failed: {plain_reason(e)}"


def _pick_unfinished(found: list[SessionSummary], user_error: ErrorType) -> SessionSummary:
    """The one unfinished call meant: the only one, or the one the trainee picks at a terminal."""
    if len(found) == 1:
        return found[0]
    trainee = safe_text(found[0].trainee)
    lines = [f"  {i}. {s.id}  {_local(s.updated or s.started)}  {s.scenario_id}  ({s.n_turns} turns)"
             for i, s in enumerate(found, 1)]
    if sys.stdin.isatty() and sys.stdout.isatty():
        print(f"{trainee}, you have {len(found)} unfinished calls:\n" + "\n".join(lines))
        print("Which one? (number, or Enter to cancel): ", end="", flush=True)
        pick = sys.stdin.readline().strip()
        if pick.isdigit() and 1 <= int(pick) <= len(found):
            return found[int(pick) - 1]
        raise user_error("nothing resumed")
    raise user_error(f"{trainee} has {len(found)} unfinished calls; say which with --resume ID:\n"
                     + "\n".join(lines))


# --------------------------------------------------------------------------- sessions


def cmd_sessions(a: argparse.Namespace, user_error: ErrorType) -> int:
    from callsim.core.journal import pending

    filters = session_filter(a, user_error)

    def say(msg: str) -> None:
        print(f"callsim: {msg}", file=sys.stderr)

    try:
        with store_for(a, user_error) as store:
            waiting = sync_journal(store, say)
            rows = store.list_sessions(filters, limit=a.limit, offset=a.offset, order=a.order)
            total = store.count_sessions(filters)
    except user_error:  # the store is unreachable or failed: still say what the journal holds
        kept = [j.describe() for j in pending()]
        if kept:
            say(_waiting_line(kept))
        raise
    if a.json:
        print(json.dumps({"total": total, "sessions": [r.to_dict() for r in rows], "waiting": waiting},
                         indent=2, ensure_ascii=False))
        return 0
    if waiting:
        print(_waiting_line(waiting))
    if not rows:
        print("No sessions." if not total else f"No sessions on this page ({total} in all).")
        return 0
    print(f"{'ID':<10}  {'STARTED':<16}  {'TRAINEE':<18}  {'SCENARIO':<26}  {'TURNS':>5}  {'RESULT':<10}  "
          f"{'SCORE':>5}  {'LEAD':>4}  OUTCOME")
    for r in rows:
        score = "" if r.overall is None else f"{r.overall:.0f}"
        lead = "" if r.review_score is None else f"{r.review_score:.0f}"
        print(f"{r.id:<10}  {_local(r.started):<16}  {_cut(safe_text(r.trainee), 18):<18}  "
              f"{_cut(r.scenario_id, 26):<26}  {r.n_turns:>5}  {r.status.upper():<10}  {score:>5}  {lead:>4}  "
              f"{safe_text(r.outcome_label or '')}")
    shown = f"{a.offset + 1}-{a.offset + len(rows)} of {total}" if total > len(rows) else f"{total}"
    print(f"\n{shown} session(s). Times are local; SCORE is callsim's, LEAD a team lead's override. "
          "`callsim show ID` prints one.")
    return 0


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "~"


# --------------------------------------------------------------------------- show


def cmd_show(a: argparse.Namespace, user_error: ErrorType) -> int:
    with store_for(a, user_error) as store:
        d = store.get(a.session)
        if a.json:
            print(json.dumps(d.to_dict(), indent=2, ensure_ascii=False))
            return 0
        print(render_session(d), end="")  # inside: a record callsim cannot read is a message, not a traceback
    return 0


def render_session(d: SessionDetail) -> str:
    """One session as text: who and when, the transcript, the debrief (when finished), reviews."""
    from callsim.core.report import debrief, transcript

    scenario = _installed_scenario(d.scenario_id)
    out = [f"Session {d.id}: {safe_text(d.trainee)} on {d.scenario_id} (version {d.scenario_version}), "
           f"seed {d.seed}, {d.mode}"]
    ended = f", ended {_local(d.ended)}" if d.ended else ""
    took = f" ({_duration(d)})" if d.ended else ""
    out.append(f"Started {_local(d.started)}{ended}{took}. Status: {d.status.upper()}. Turns: {d.n_turns}.")
    out.append("")
    body: list[str] = []
    turns, record = d.call_turns(), d.call_record()
    if scenario is not None:
        from callsim.core.engine import final_line

        body.append(transcript(turns, scenario, d.seed, final_line(scenario, record) if record else None))
        if record is not None:
            body.append(debrief(record, scenario))
    else:
        body.append(_plain_transcript(d, turns, record))
    out.append("\n".join(body).rstrip() + "\n")
    if d.reviews:
        out.append("Reviews")
        out.append("-" * 78)
        for r in d.reviews:
            head = f"{_local(r.created)} {safe_text(r.reviewer)}"
            if r.override_score is not None:
                machine = "" if d.overall is None else f" (machine score {d.overall:.0f}, kept)"
                head += f": override score {r.override_score:g}{machine}"
            out.append(head)
            if r.reason:
                out.append(f"  why: {safe_text(r.reason)}")
            if r.comment:
                out.append(f"  {safe_text(r.comment)}")
        out.append("")
    return "\n".join(out)


def _duration(d: SessionSummary) -> str:
    if d.ended is None:
        return ""
    secs = int((d.ended - d.started).total_seconds())
    return f"{secs // 60} min {secs % 60:02d} s" if secs >= 60 else f"{secs} s"


def _installed_scenario(scenario_id: str) -> Any:
    from callsim.core.library import NotFound, resolve
    from callsim.core.loader import ScenarioFileError

    try:
        result = resolve(scenario_id)
    except (NotFound, ScenarioFileError, OSError):
        return None
    return result.scenario


def _plain_transcript(d: SessionDetail, turns: list[Turn], record: CallRecord | None) -> str:
    """When the scenario is no longer installed: the stored words and scores, nothing from the scenario."""
    lines = ["(The scenario is not installed here: transcript and scores from the record.)", ""]
    for t in turns:
        s = t.scores
        lines.append(f"Debtor: {safe_text(t.debtor.text)}")
        lines.append(f"You: {safe_text(t.reply)}")
        lines.append(f"  [empathy {s.get('empathy', 0):.0f} · de-escalation {s.get('deescalation', 0):.0f}"
                     f"{' · ' + str(len(s.get('violations', []))) + ' violation(s)' if s.get('violations') else ''}]")
        lines.append("")
    if record is not None:
        sc = record.scores
        lines.append(f"Result: {d.status.upper()}  overall {sc.overall:.0f}, empathy "
                     f"{sc.empathy:.0f}, de-escalation {sc.deescalation:.0f}; outcome: "
                     f"{safe_text(d.outcome_label or '')}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- review


def cmd_review(a: argparse.Namespace, user_error: ErrorType) -> int:
    if a.session is None:
        from callsim.cli.review import open_review_app

        return open_review_app(a, user_error)
    from callsim.config import trainee_name

    reviewer = a.reviewer or trainee_name(None)
    with store_for(a, user_error) as store:
        sid = store.resolve_id(a.session)
        store.add_review(sid, reviewer=reviewer, comment=a.comment or "", override_score=a.score, reason=a.reason)
    print(f"Review saved on session {sid}.")
    return 0


# --------------------------------------------------------------------------- export


def cmd_export(a: argparse.Namespace, user_error: ErrorType) -> int:
    filters = session_filter(a, user_error)
    base = a.xapi_base or os.environ.get("CALLSIM_XAPI_BASE") or XAPI_BASE
    if not re.match(r"^https?://[^/\s]+", base):
        raise user_error(f"--xapi-base must be an http(s) address, not '{base}'")
    with store_for(a, user_error) as store:
        if not a.output or a.output == "-":
            n = export(store, a.format, sys.stdout, filters, base)
        else:
            n = _export_file(store, a.format, Path(a.output), filters, base, user_error)
    what = "statement(s)" if a.format == "xapi" else "session(s)"
    print(f"callsim: exported {n} {what}" + (f" to {a.output}" if a.output and a.output != "-" else ""),
          file=sys.stderr)
    return 0


def _export_file(store: Store, fmt: str, path: Path, filters: SessionFilter, base: str,
                 user_error: ErrorType) -> int:
    """Written to a temporary file beside the target, then renamed: a failed export leaves no half file."""
    # utf-8-sig: the byte-order mark tells Excel the CSV is UTF-8 (names like Zoë stay intact)
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent if str(path.parent) else ".")
    except OSError as e:
        raise user_error(f"cannot write {path}: {e.strerror}") from None
    try:
        with open(fd, "w", encoding=encoding, newline="") as out:
            n = export(store, fmt, out, filters, base)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n


# --------------------------------------------------------------------------- registration


def register(sub: Any, user_error: type[Exception]) -> None:
    """Add this module's subcommands to the ``callsim`` parser."""

    def bind(fn: Callable[[argparse.Namespace, ErrorType], int]) -> Callable[[argparse.Namespace], int]:
        return lambda a: fn(a, user_error)

    s = sub.add_parser("sessions", help="list recorded sessions")
    _add_filters(s)
    s.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    s.add_argument("--offset", type=int, default=0, help="skip this many (for paging)")
    s.add_argument("--order", default="-started",
                   help="started, ended, overall, empathy, deescalation, trainee or scenario_id; "
                        "- first for descending (default -started)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=bind(cmd_sessions))

    s = sub.add_parser("show", help="print one session: transcript, scores, reviews")
    s.add_argument("session", help="session id (or a unique start of one)")
    s.add_argument("--json", action="store_true", help="the full stored session as JSON")
    s.add_argument("--db", metavar="URL", help="database URL (default: CALLSIM_DATABASE_URL or the local file)")
    s.set_defaults(func=bind(cmd_show))

    s = sub.add_parser("export", help="export sessions: csv, json, jsonl or xapi")
    s.add_argument("--format", choices=FORMATS, default="csv")
    s.add_argument("-o", "--output", help="file to write (default: standard output)")
    s.add_argument("--xapi-base", help=f"your organisation's address for xAPI ids (default {XAPI_BASE}, "
                                       "or CALLSIM_XAPI_BASE)")
    _add_filters(s)
    s.set_defaults(func=bind(cmd_export))

    s = sub.add_parser("review", help="review sessions in the app, or add a review to one session")
    s.add_argument("session", nargs="?", help="session id (or a unique start of one); leave out to open the review app")
    s.add_argument("--reviewer", help="your name (default: CALLSIM_TRAINEE or your user name)")
    s.add_argument("--comment", help="what you want the trainee to know")
    s.add_argument("--score", type=float, help="your score 0-100 where you disagree with the machine's")
    s.add_argument("--reason", help="why (required with --score)")
    s.add_argument("--db", metavar="URL", help="database URL (default: CALLSIM_DATABASE_URL or the local file)")
    s.set_defaults(func=bind(cmd_review))
