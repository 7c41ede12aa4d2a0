"""``callsim drill``: written messages, voicemail and "may I contact them now?" (core/drills).

    callsim drill list                     the drills, by kind
    callsim drill rules                    the rules they check, with citations and dates
    callsim drill play ID                  play one in plain text (or headless: --text/--answer, --json)
    callsim drill attempts                 stored attempts
    callsim drill lint [FILE...]           check drill files, their model messages, and which rules they cover
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import Any

from callsim.cli.common import UserError


def _drill(ref: str) -> Any:
    from callsim.core.drills.model import DrillFileError, find_drill

    try:
        return find_drill(ref)
    except DrillFileError as e:
        raise UserError(str(e)) from None


def cmd_list(a: argparse.Namespace) -> int:
    from callsim.core.drills.model import KIND_LABELS, KINDS, load_library

    entries, problems = load_library()
    for p in problems:
        print(f"callsim: {p}", file=sys.stderr)
    if a.json:
        print(json.dumps([{"id": e.drill.id, "kind": e.drill.kind, "title": e.drill.title,
                           "jurisdiction": e.drill.jurisdiction, "channel": e.drill.channel,
                           "path": str(e.path)} for e in entries], indent=2))
        return 1 if problems else 0
    for kind in KINDS:
        mine = [e.drill for e in entries if e.drill.kind == kind and (not a.kind or a.kind == kind)]
        if not mine:
            continue
        print(f"{KIND_LABELS[kind]}")
        for d in mine:
            channel = f" {d.channel}" if d.channel and d.kind == "written" else ""
            print(f"  {d.id:<38} {d.jurisdiction}{channel:<7} {d.title}")
        print()
    return 1 if problems else 0


def cmd_rules(a: argparse.Namespace) -> int:
    from callsim.core.drills.rules import rulebook

    book = rulebook()
    rules = [r for r in book.rules if not a.kind or a.kind in r.drills]
    if a.json:
        print(json.dumps([r.model_dump(mode="json") for r in rules], indent=2))
        return 0
    print(f"Drill rules (checked {book.checked.isoformat()}; data: core/data/channel_rules.yaml)\n")
    for r in rules:
        since = f"in force since {r.effective.isoformat()}" if r.effective else "date not recorded"
        print(f"{r.id}  [{r.jurisdiction}, {'/'.join(r.drills)}, {r.severity}]")
        print(f"  {r.title}")
        print(f"  {r.citation}; {since}")
    return 0


def _read_text(a: argparse.Namespace) -> str | None:
    if a.text is not None:
        return str(a.text)
    if a.file:
        try:
            return (sys.stdin.read() if a.file == "-" else Path(a.file).read_text(encoding="utf-8"))
        except OSError as e:
            raise UserError(f"cannot read {a.file}: {e.strerror}") from None
    return None


def _ask_draft(drill: Any) -> tuple[str, str]:
    subject = ""
    if drill.channel == "email":
        subject = input("Subject: ").strip()
    print("Type the message. Finish with a line holding only a full stop (.), or Ctrl-D.")
    lines: list[str] = []
    while True:
        try:
            line = input()
        except EOFError:
            break
        if line.strip() == ".":
            break
        lines.append(line)
    return "\n".join(lines).strip(), subject


def _ask_schedule(drill: Any) -> list[Any]:
    from callsim.core.drills.attempt import parse_answer, schedule_rules

    valid = set(schedule_rules(drill))
    print('Answer each question "yes", or "no" with the rules that forbid it and, if you know, "when '
          'YYYY-MM-DD HH:MM" (office time).')
    print(f"Rules: {', '.join(schedule_rules(drill))}\n")
    answers = []
    for q in drill.questions:
        while True:
            try:
                raw = input(f"{q.ask}\n> ")
            except EOFError:
                raise UserError("stopped before every question was answered; nothing was stored") from None
            try:
                answers.append(parse_answer(raw, valid=valid))
                break
            except ValueError as e:
                print(f"  {e}")
    return answers


def cmd_play(a: argparse.Namespace) -> int:
    from callsim.core.drills.attempt import attempt_draft, attempt_schedule, parse_answer, schedule_rules
    from callsim.core.drills.render import feedback

    drill = _drill(a.drill)
    from callsim.config import trainee_name

    trainee = trainee_name(getattr(a, "trainee", None))
    headless = a.json or a.text is not None or a.file or a.answer
    if not a.json:
        print(f"{drill.title}  ({drill.jurisdiction}, {drill.kind})\n\n{drill.brief.strip()}\n")
    try:
        if drill.kind == "schedule":
            if a.answer:
                valid = set(schedule_rules(drill))
                answers = [parse_answer(x, valid=valid) for x in a.answer]
            elif headless:
                raise UserError(f"{drill.id} is a scheduling drill: give one --answer per question "
                                f"({len(drill.questions)})")
            else:
                answers = _ask_schedule(drill)
            attempt = attempt_schedule(drill, answers, trainee=trainee)
        else:
            text = _read_text(a)
            subject = a.subject or ""
            if text is None:
                if headless:
                    raise UserError(f"{drill.id} asks for a draft: give it with --text or --file")
                text, subject = _ask_draft(drill)
            attempt = attempt_draft(drill, text, subject, trainee=trainee)
    except ValueError as e:
        raise UserError(str(e)) from None
    saved = None if a.no_store else _save(a, attempt)
    if a.json:
        out = attempt.to_json()
        out["id"] = saved
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        print(feedback(drill, attempt), end="")
        if saved:
            print(f"\nStored as drill attempt {saved}.")
    if saved is False:
        from callsim.core.journal import UNSAVED_EXIT

        return UNSAVED_EXIT
    return 0 if attempt.passed else 1


def _save(a: argparse.Namespace, attempt: Any) -> str | bool:
    """Store the attempt; when the store fails, keep it in a file and say where (never drop it silently)."""
    from sqlalchemy.exc import SQLAlchemyError

    from callsim.cli.store import sync_journal
    from callsim.core.journal import keep_attempt
    from callsim.core.store import Store, StoreError, plain_reason, store_target

    url = getattr(a, "db", None)
    try:
        with Store.open(url) as store:
            saved = store.save_attempt(attempt.to_json())
            sync_journal(store, lambda line: print(f"callsim: {line}", file=sys.stderr))
            return saved
    except (StoreError, SQLAlchemyError, OSError) as e:
        try:
            path = keep_attempt(attempt.to_json(), store_target(url))
        except OSError as e2:
            raise UserError(f"the session store is unreachable ({plain_reason(e)}) and the journal folder cannot "
                            f"be written ({e2.strerror or e2}): the attempt was not kept") from None
        print(f"callsim: the session store is unreachable ({plain_reason(e)}); the attempt is kept in {path} "
              "and saved the next time callsim reaches the store", file=sys.stderr)
        return False


def cmd_attempts(a: argparse.Namespace) -> int:
    from callsim.cli.store import store_for

    with store_for(a, UserError) as store:
        if a.show:
            from callsim.core.drills.attempt import DrillAttempt
            from callsim.core.drills.model import DrillFileError, find_drill
            from callsim.core.drills.render import feedback
            from callsim.core.store_errors import SessionNotFound

            try:
                row = store.get_attempt(a.show)
            except SessionNotFound as e:
                raise UserError(str(e)) from None
            attempt = DrillAttempt.from_json(row["data"])
            if a.json:
                print(json.dumps(dict(row["data"], id=row["id"], taken=row["taken"]), indent=2, ensure_ascii=False))
                return 0
            try:
                drill = find_drill(attempt.drill_id)
            except DrillFileError:
                drill = None
            print(f"{row['id']}  {row['taken']}  {row['trainee']}")
            print(feedback(drill, attempt), end="")
            return 0
        rows = store.list_attempts(trainee=a.trainee_filter, kind=a.kind, limit=a.limit)
    if a.json:
        print(json.dumps([{k: v for k, v in r.items() if k != "data"} for r in rows], indent=2))
        return 0
    if not rows:
        print("No drill attempts yet. Try one: callsim drill list")
        return 0
    for r in rows:
        print(f"{r['id']}  {r['taken'][:16]}  {r['trainee'][:20]:<20} {r['kind']:<9} {r['drill_id']:<36} "
              f"{r['score']:5.1f}  {'passed' if r['passed'] else 'failed'}")
    return 0


def _filters(a: argparse.Namespace) -> dict[str, Any]:
    from callsim.cli.store import parse_when

    since = parse_when(a.since, UserError) if a.since else None
    until = parse_when(a.until, UserError) if a.until else None
    return {"trainee": a.trainee_filter, "kind": a.kind, "since": since, "until": until}


def cmd_export(a: argparse.Namespace) -> int:
    import os
    import re

    from callsim.cli.report import write_atomically
    from callsim.cli.store import store_for
    from callsim.core.exports.attempts import write
    from callsim.core.exports.xapi import XAPI_BASE

    base = a.xapi_base or os.environ.get("CALLSIM_XAPI_BASE") or XAPI_BASE
    if not re.match(r"^https?://[^/\s]+", base):
        raise UserError(f"--xapi-base must be an http(s) address, not '{base}'")
    with store_for(a, UserError) as store:
        rows = store.list_attempts(**_filters(a))
    buf = io.StringIO()
    n = write(rows, a.format, buf, base)
    if not a.output or a.output == "-":
        sys.stdout.write(buf.getvalue())
    else:
        write_atomically(Path(a.output), buf.getvalue(), UserError)
    print(f"callsim: exported {n} drill attempt(s)" + (f" to {a.output}" if a.output and a.output != "-" else ""),
          file=sys.stderr)
    return 0


def cmd_lint(a: argparse.Namespace) -> int:
    from callsim.core.drills.lint import lint_drills

    problems, coverage = lint_drills([Path(p) for p in a.files] or None)
    for p in problems:
        print(p)
    if a.coverage:
        width = max(map(len, coverage), default=0)
        for rule, users in coverage.items():
            print(f"{rule:<{width}}  {', '.join(users) if users else '(no drill or scenario)'}")
    if not problems:
        print(f"drills: no problems ({len(coverage)} rules, "
              f"{sum(1 for d in coverage.values() if not d)} covered by no drill or scenario)")
    return 1 if problems else 0


def register(sub: Any, user_error: type[Exception]) -> None:
    p = sub.add_parser("drill", help="written messages, voicemail and 'may I contact them now?' drills",
                       description="Drills beyond the live call: draft a text, email or letter, leave a voicemail, "
                                   "or decide whether a contact is allowed. See docs/drills.md.")
    s = p.add_subparsers(dest="drill_command", metavar="SUBCOMMAND", required=True)

    ls = s.add_parser("list", help="the drills, by kind")
    ls.add_argument("--kind", choices=["written", "voicemail", "schedule"])
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)

    ru = s.add_parser("rules", help="the rules the drills check, with citations and the dates they took effect")
    ru.add_argument("--kind", choices=["written", "voicemail", "schedule"])
    ru.add_argument("--json", action="store_true")
    ru.set_defaults(func=cmd_rules)

    pl = s.add_parser("play", help="play a drill: plain text, or headless with --text/--file/--answer",
                      description="Play a drill. With no answer given it asks in plain text; --text/--file (a "
                                  "draft) or --answer (one per scheduling question) play it headless. Exits 0 when "
                                  "the attempt passes, 1 when it does not.")
    pl.add_argument("drill", metavar="DRILL", help="a drill id (callsim drill list) or a drill file")
    pl.add_argument("--text", help="the draft (written and voicemail drills)")
    pl.add_argument("--file", help="read the draft from a file ('-': standard input)")
    pl.add_argument("--subject", help="the email subject line")
    pl.add_argument("--answer", action="append", default=[],
                    help='a scheduling answer, once per question: "yes", or "no us_hours when 2026-03-11 14:00"')
    pl.add_argument("--json", action="store_true", help="print the attempt as JSON")
    pl.add_argument("--no-store", action="store_true", help="do not store the attempt")
    pl.add_argument("--db", help="the session store (default: the local database)")
    pl.set_defaults(func=cmd_play)

    at = s.add_parser("attempts", help="stored drill attempts (newest first), or one with --show ID")
    at.add_argument("--show", metavar="ID", help="one attempt, with its feedback")
    at.add_argument("--trainee", dest="trainee_filter", help="only this trainee's")
    at.add_argument("--kind", choices=["written", "voicemail", "schedule"])
    at.add_argument("--limit", type=int, default=50)
    at.add_argument("--json", action="store_true")
    at.add_argument("--db", help="the session store (default: the local database)")
    at.set_defaults(func=cmd_attempts)

    ex = s.add_parser("export", help="export stored drill attempts: csv, json, jsonl or xapi")
    ex.add_argument("--format", choices=["csv", "json", "jsonl", "xapi"], default="csv")
    ex.add_argument("-o", "--output", help="the file to write (default: standard output)")
    ex.add_argument("--trainee", dest="trainee_filter", help="only this trainee's")
    ex.add_argument("--kind", choices=["written", "voicemail", "schedule"])
    ex.add_argument("--since", help="taken on or after: 2026-11-01, 2026-11-01T09:30, today, 7d")
    ex.add_argument("--until", help="taken before (same forms as --since)")
    ex.add_argument("--xapi-base", help="the xAPI activity address (default: CALLSIM_XAPI_BASE or a placeholder)")
    ex.add_argument("--db", help="the session store (default: the local database)")
    ex.set_defaults(func=cmd_export)

    li = s.add_parser("lint", help="check drill files and their model messages; --coverage: which rules each covers")
    li.add_argument("files", nargs="*", metavar="FILE", help="drill files (default: every drill found)")
    li.add_argument("--coverage", action="store_true", help="list each rule with the drills that exercise it")
    li.set_defaults(func=cmd_lint)
