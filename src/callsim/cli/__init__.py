"""The ``callsim`` command. User errors print a message and exit non-zero, never a traceback.

This module parses and dispatches the scenario commands (list, play, run, score, lint, new, graph...); each
other command group is a module of this package that registers its own subcommands (``EXTENSIONS``), and
``common`` holds what they share. Every module here imports the core, never the reverse."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from callsim import __version__
from callsim.cli.common import UserError
from callsim.cli.common import scenario as _scenario

if TYPE_CHECKING:
    from callsim.core.loader import LoadResult

EXIT_USAGE = 2
EXTENSIONS = ("callsim.cli.eval", "callsim.cli.store", "callsim.cli.report", "callsim.cli.review", "callsim.cli.serve",
              "callsim.cli.preview", "callsim.cli.paths")


def cmd_list(a: argparse.Namespace) -> int:
    from callsim.core.library import id_clashes, load_library

    entries = load_library(a.paths)
    clashes = id_clashes((e.id, e.path) for e in entries if e.result.scenario is not None)
    rows: list[dict[str, Any]] = []
    for e in entries:
        s = e.result.scenario
        if s is None:
            rows.append({"id": e.id, "path": str(e.path), "ok": False,
                         "errors": [d.format() for d in e.result.errors]})
            continue
        rows.append({
            "id": s.id, "title": s.title, "version": s.version, "difficulty": s.difficulty,
            "jurisdiction": s.jurisdiction.value, "situation": s.persona.situation.value,
            "persona": s.persona.name, "tags": s.tags, "path": str(e.path),
            "ok": not e.result.errors and s.id not in clashes,
            "same_id_as": [str(p) for p in clashes.get(s.id, []) if p.resolve() != e.path.resolve()],
        })
    if a.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("No scenarios found.")
        return 0
    for r in rows:
        if not r["ok"] and "title" not in r:
            print(f"{r['id']:<28} (broken: run `callsim lint {r['path']}`)")
            continue
        print(f"{r['id']:<28} {r['jurisdiction']}  {'*' * r['difficulty']:<5}  {r['situation']:<18} {r['title']}")
        if r["same_id_as"]:
            print(f"{'':<28} ! same id as {' and '.join(r['same_id_as'])}: play it by path, or give one a new "
                  f"id (`callsim lint {r['path']}`)")
    return 0


def _call(a: argparse.Namespace) -> Any:
    from callsim.core.walkthrough import compiled_for

    scenario = _scenario(a.scenario)
    return compiled_for(scenario).new_call(a.seed)


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


def cmd_score(a: argparse.Namespace) -> int:
    from callsim.core.nodestate import StateError, parse_setting
    from callsim.core.scorer import default_scorer

    if a.node and not a.scenario:
        raise UserError("--node needs --scenario")
    if a.set and not a.scenario:
        raise UserError("--set needs --scenario")
    places = _ScorePlaces(default_scorer())
    try:
        settings = dict(parse_setting(s) for s in a.set)
        places.at(a.scenario, a.node, settings)  # a wrong scenario, node or setting fails before any line is read
    except StateError as e:
        raise UserError(str(e)) from None

    if a.jsonl:
        for n, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                text, context = item["text"], item.get("context", "") or ""
                if not isinstance(text, str) or not isinstance(context, str):
                    raise TypeError
            except (json.JSONDecodeError, KeyError, TypeError):
                print(json.dumps({"line": n, "error": 'expected {"text": "...", "context": "..."}'}))
                continue
            try:
                result = places.score_line(item, text, context, a.scenario, a.node, settings)
            except (StateError, UserError) as e:
                print(json.dumps({"line": n, "error": str(e)}, ensure_ascii=False))
                continue
            print(json.dumps(result, ensure_ascii=False))
        return 0
    if a.text is None:
        raise UserError("give the TEXT to score, or --jsonl to read lines from standard input")
    result = places.score(a.text, a.context or "", places.at(a.scenario, a.node, settings))
    if a.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        if result["state"]:
            print(result["state"]["summary"])
        print(f"empathy {result['empathy']:.0f}  de-escalation {result['deescalation']:.0f}  "
              f"ER {result['epitome']['ER']} IP {result['epitome']['IP']} EX {result['epitome']['EX']}")
        for b in result["behaviours"]:
            print(f"  {'+' if b['kind'] == 'reward' else '-'} {b['id']}: \"{b['evidence'][0]['text']}\"")
        for v in result["violations"]:
            print(f"  ! {v['id']} ({v['severity']}): \"{v['evidence'][0]['text']}\"")
        for v in result["possible"]:
            print(f"  ? possible {v['id']} ({v['confidence']:.0%}): \"{v['evidence'][0]['text']}\"")
    return 0


@dataclass(frozen=True)
class _Place:
    """Where a reply is scored: a scenario, in the state a call has at a node (``at_node``) or at its opening."""

    compiled: Any
    state: Any
    at_node: bool


class _ScorePlaces:
    """The places `callsim score` scores at, each derived once (a --jsonl stream may name many)."""

    def __init__(self, scorer: Any) -> None:
        self.scorer = scorer
        self._places: dict[tuple[str, str | None], _Place] = {}

    def at(self, ref: str | None, node: str | None, settings: Mapping[str, object]) -> _Place | None:
        """The place, with ``settings`` (NAME=VALUE text or JSON values) laid over its state; None: no scenario."""
        from callsim.core.engine import CompiledScenario
        from callsim.core.nodestate import check_node, check_settings, state_at

        if ref is None:
            if node or settings:
                raise UserError("a node, flags or mood need a scenario")
            return None
        place = self._places.get((ref, node))
        if place is None:
            scenario = _scenario(ref)
            if node:
                check_node(scenario, node)
            compiled = CompiledScenario(scenario, self.scorer)
            place = self._places[(ref, node)] = _Place(compiled, state_at(compiled, node or scenario.start),
                                                       bool(node))
        return replace(place, state=place.state.with_settings(check_settings(place.compiled.scenario, settings)))

    def score_line(self, item: dict[str, Any], text: str, context: str, ref: str | None, node: str | None,
                   settings: Mapping[str, object]) -> dict[str, Any]:
        """One ``--jsonl`` line: its own scenario, node, flags and mood over the command line's."""
        from callsim.core.nodestate import check_settings

        if "scenario" in item:
            ref, node = item["scenario"], None  # the command line's node is not another scenario's
        node = item.get("node", node)
        if not isinstance(ref, str | None) or not isinstance(node, str | None):
            raise UserError("'scenario' and 'node' are strings")
        place = self.at(ref, node, settings)
        kinds: tuple[tuple[str, Literal["flag", "mood"]], ...] = (("flags", "flag"), ("mood", "mood"))
        for key, kind in kinds:
            given = item.get(key)
            if given is None:
                continue
            if not isinstance(given, dict) or place is None:
                raise UserError(f"'{key}' is an object of names and values, and needs a scenario")
            place = replace(place, state=place.state.with_settings(check_settings(place.compiled.scenario, given,
                                                                                   kind)))
        return self.score(text, context, place)

    def score(self, text: str, context: str, place: _Place | None) -> dict[str, Any]:
        from callsim.core.scorer import ScoringContext

        if place is None:
            return {**_score_json(self.scorer.score(text, ScoringContext(debtor_line=context))), "state": None}
        state = place.state
        if place.at_node:
            ctx = state.scoring_context(place.compiled, context)
        else:  # a scenario and no node: its debt facts and opening flags
            ctx = ScoringContext(debtor_line=context, scenario=place.compiled.scenario, flags=state.flags)
        info = {**state.as_dict(), "node": state.node if place.at_node else None, "summary": state.summary()}
        return {**_score_json(self.scorer.score(text, ctx)), "state": info}


def _score_json(score: Any) -> dict[str, Any]:
    d: dict[str, Any] = score.as_dict()
    return {k: d[k] for k in ("empathy", "deescalation", "epitome", "behaviours", "violations", "possible",
                              "amounts", "notes", "better")}


def cmd_graph(a: argparse.Namespace) -> int:
    from callsim.core import graph

    scenario = _scenario(a.scenario)
    path: list[str] = []
    fired: list[tuple[str, int]] = []
    if getattr(a, "session", None):
        path, fired = _session_path(a.session, scenario.id)
    fmt = a.format or {".svg": "svg", ".dot": "dot", ".gv": "dot"}.get(Path(a.output or "").suffix.lower(), "mermaid")
    render = {"mermaid": graph.mermaid, "dot": graph.dot, "svg": graph.svg}[fmt]
    text = render(scenario, path, fired)
    if a.output:
        Path(a.output).write_text(text, encoding="utf-8")
        print(f"wrote {a.output}", file=sys.stderr)
    else:
        print(text, end="")
    return 0


def _session_path(session_id: str, scenario_id: str) -> tuple[list[str], list[tuple[str, int]]]:
    """The nodes a stored call visited, in order, and the routes it took (node, route index)."""
    from callsim.core.store import Store, StoreError

    try:
        with Store.open() as store:
            detail = store.get(session_id)
    except StoreError as e:
        raise UserError(str(e)) from None
    if detail.scenario_id != scenario_id:
        raise UserError(f"session {detail.id} is a call of '{detail.scenario_id}', not '{scenario_id}'")
    try:
        turns = detail.call_turns()
    except StoreError as e:
        raise UserError(str(e)) from None
    path = [t.node for t in turns]
    if turns:
        path.append(turns[-1].next)
    fired = [(t.node, t.route.index) for t in turns if t.route is not None and t.route.index is not None]
    return path, fired


def _add_id_clashes(linted: list[tuple[Path, LoadResult]]) -> None:
    """E117 on each linted file whose scenario id another linted file or a library scenario also uses."""
    from callsim.core.diagnostics import sort_key
    from callsim.core.library import clash_diagnostic, id_clashes, load_library

    found = [(r.scenario.id, f) for f, r in linted if r.scenario is not None]
    found += [(e.id, e.path) for e in load_library() if e.result.scenario is not None]
    clashes = id_clashes(found)
    for f, r in linted:
        if r.scenario is not None and r.scenario.id in clashes:
            others = [p for p in clashes[r.scenario.id] if p.resolve() != f.resolve()]
            r.diagnostics.append(clash_diagnostic(r, others))
            r.diagnostics.sort(key=sort_key)


def cmd_lint(a: argparse.Namespace) -> int:
    from callsim.core.library import files_in
    from callsim.core.loader import LoadResult, ScenarioFileError, load_scenario

    files = files_in(a.paths)
    if not files:
        raise UserError("no scenario files to lint")
    errors = warnings = 0
    out: list[dict[str, Any]] = []
    loaded: list[tuple[Path, LoadResult | ScenarioFileError]] = []
    for f in files:
        try:
            loaded.append((f, load_scenario(f)))
        except ScenarioFileError as e:
            loaded.append((f, e))
    _add_id_clashes([(f, r) for f, r in loaded if isinstance(r, LoadResult)])
    for f, r in loaded:
        if isinstance(r, ScenarioFileError):
            print(f"{r}", file=sys.stderr)
            errors += 1
            if a.json:  # the error is in the JSON too: a tool reading it must not see a clean file
                out.append(r.diagnostic(str(f)).as_dict())
            continue
        errors += len(r.errors)
        warnings += len(r.warnings)
        if a.json:
            out.extend(d.as_dict() for d in r.diagnostics)
        else:
            for d in r.diagnostics:
                print(d.format())
    if a.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"{len(files)} file(s): {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors or (a.strict and warnings) else 0


def cmd_test(a: argparse.Namespace) -> int:
    from callsim.core.library import files_in, scenario_files
    from callsim.core.loader import ScenarioFileError, load_scenario
    from callsim.core.walkthrough import run_all, turn_by_turn

    files = files_in(a.paths) if a.paths else scenario_files()
    if not files:  # a CI gate must not pass with nothing tested
        raise UserError(f"no scenario files to test in {', '.join(a.paths) if a.paths else 'the library'}")
    passed = failed = 0
    for f in files:
        try:
            r = load_scenario(f, run_walkthroughs=False)
        except ScenarioFileError as e:
            print(f"FAIL {f}: {e}")
            failed += 1
            continue
        if r.scenario is None or r.errors:
            print(f"FAIL {f}: does not load ({len(r.errors)} error(s); run `callsim lint {f}`)")
            failed += 1
            continue
        for res in run_all(r.scenario):
            if res.passed and res.record is not None:
                passed += 1
                sc, outcome = res.record.scores, res.record.outcome
                print(f"ok   {r.scenario.id}: {res.name} -> {outcome.id if outcome else None} "
                      f"(overall {sc.overall:.0f}, empathy {sc.empathy:.0f})")
            else:
                failed += 1
                print(f"FAIL {r.scenario.id}: {res.name}: {'; '.join(res.problems)}")
            if res.record is not None and (a.verbose or not res.passed):
                print("\n".join(turn_by_turn(res.record)))
    print(f"{passed} passed, {failed} failed")
    if not passed + failed:
        print("nothing was tested: these scenarios have no walkthroughs (see docs/authoring.md, Walkthroughs)",
              file=sys.stderr)
        return 1
    return 1 if failed else 0


def cmd_new(a: argparse.Namespace) -> int:
    from callsim.core.models import Jurisdiction, Situation
    from callsim.core.scaffold import scaffold

    text = scaffold(Situation(a.situation), Jurisdiction(a.jurisdiction))
    if not a.output:
        print(text, end="")
        return 0
    out = Path(a.output)
    if out.exists() and not a.force:
        raise UserError(f"{out} already exists (use --force to overwrite)")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}: edit it, then `callsim lint {out}` and `callsim play {out} --plain`", file=sys.stderr)
    return 0


def cmd_catalogue(a: argparse.Namespace) -> int:
    from callsim.core.catalogue import catalogue
    from callsim.core.library import shipped_dir

    print(catalogue(Path(a.folder) if a.folder else shipped_dir()), end="")
    return 0


def cmd_schema(a: argparse.Namespace) -> int:
    from callsim.core.models import json_schema

    print(json.dumps(json_schema(), indent=2, sort_keys=True))
    return 0


def cmd_rubric(a: argparse.Namespace) -> int:
    from callsim.core.rubric import load_rubric

    r = load_rubric()
    if a.json:
        print(json.dumps([b.model_dump() for b in r.behaviours], indent=2))
        return 0
    cat = None
    for b in r.behaviours:
        if b.category != cat:
            cat = b.category
            print(f"\n{cat.upper()}")
        sev = f" [{b.severity}]" if b.severity else ""
        print(f"  {b.id:<28} {'+' if b.kind == 'reward' else '-'}{sev} {b.label}")
    return 0


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


def cmd_home(a: argparse.Namespace) -> int:
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


def _top_parser(*, add_help: bool = True) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="callsim", description="Practise difficult debt-collection calls.",
                                add_help=add_help)
    p.add_argument("--version", action="version", version=f"callsim {__version__}")
    p.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--trainee", help="your name for this run (default: the one saved in the settings)")
    p.set_defaults(func=cmd_home)
    return p


def build_parser() -> argparse.ArgumentParser:
    p = _top_parser()
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("list", help="list the scenarios found")
    s.add_argument("paths", nargs="*", help="extra scenario files or folders")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_list)

    s = sub.add_parser("play", help="hold a call")
    s.add_argument("scenario", nargs="?", help="scenario id or path (optional with --resume)")
    s.add_argument("--plain", action="store_true", help="plain text on stdin/stdout")
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--guided", action="store_true", help="show numbered choices")
    s.add_argument("--assessment", action="store_true", help="no feedback until the debrief")
    from callsim.cli.store import add_store_args

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

    s = sub.add_parser("score", help="score one reply")
    s.add_argument("text", nargs="?")
    s.add_argument("--context", help="the debtor's words the reply answers")
    s.add_argument("--scenario")
    s.add_argument("--node")
    s.add_argument("--json", action="store_true")
    s.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="score with this mood value or flag, over the state derived at the node "
                        "(e.g. --set identity_verified=false)")
    s.add_argument("--jsonl", action="store_true",
                   help='read {"text", "context", "flags", "mood", "scenario", "node"} lines from stdin '
                        '(all but "text" optional)')
    s.set_defaults(func=cmd_score)

    s = sub.add_parser("graph", help="diagram a scenario (Mermaid, DOT or SVG)")
    s.add_argument("scenario")
    s.add_argument("--format", choices=["mermaid", "dot", "svg"],
                   help="default: from the -o file's extension (.svg, .dot), else mermaid")
    s.add_argument("--session", help="highlight the path a stored call took")
    s.add_argument("-o", "--output", help="file to write (default: print)")
    s.set_defaults(func=cmd_graph)

    s = sub.add_parser("lint", help="check scenario files")
    s.add_argument("paths", nargs="+")
    s.add_argument("--strict", action="store_true", help="fail on warnings too")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_lint)

    s = sub.add_parser("test", help="run scenario walkthroughs")
    s.add_argument("paths", nargs="*")
    s.add_argument("-v", "--verbose", action="store_true",
                   help="show every walkthrough turn by turn (a failing one is always shown)")
    s.set_defaults(func=cmd_test)

    from callsim.core.models import Jurisdiction, Situation

    s = sub.add_parser("new", help="scaffold a new scenario that already lints")
    s.add_argument("--situation", required=True, choices=[x.value for x in Situation])
    s.add_argument("--jurisdiction", required=True, choices=[x.value for x in Jurisdiction])
    s.add_argument("-o", "--output", help="file to write (default: print)")
    s.add_argument("--force", action="store_true", help="overwrite an existing file")
    s.set_defaults(func=cmd_new)

    s = sub.add_parser("catalogue", help="print the scenario library as Markdown (docs/scenarios.md)")
    s.add_argument("folder", nargs="?", help="scenario folder (default: the shipped library)")
    s.set_defaults(func=cmd_catalogue)

    s = sub.add_parser("schema", help="print the scenario JSON Schema")
    s.set_defaults(func=cmd_schema)

    s = sub.add_parser("rubric", help="list the behaviours scored")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_rubric)

    # Commands that live in their own modules (each has register(subparsers, UserError)).
    import importlib

    for name in EXTENSIONS:
        importlib.import_module(name).register(sub, UserError)
    return p


# Options whose value may start with "-" ("--order -overall": descending). argparse reads "-overall" as an
# option of its own, so the value is joined to its option ("--order=-overall") before parsing.
_SIGNED_OPTIONS = ("--order",)


def _signed_values(args: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(args):
        if args[i] in _SIGNED_OPTIONS and i + 1 < len(args) and args[i + 1][:1] == "-" \
                and args[i + 1][1:2].isalpha():
            out.append(f"{args[i]}={args[i + 1]}")
            i += 2
        else:
            out.append(args[i])
            i += 1
    return out


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Plain `callsim` (no subcommand) goes straight to the app without building every subcommand:
    that would import the scenario models and the command modules (~0.1 s) before the first screen."""
    args_list = _signed_values(list(sys.argv[1:] if argv is None else argv))
    quick, rest = _top_parser(add_help=False).parse_known_args(args_list)
    if not rest and not any(a in ("-h", "--help") for a in args_list):
        return quick
    return build_parser().parse_args(args_list)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    try:
        return int(args.func(args))
    except UserError as e:
        print(f"callsim: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ncallsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0

