"""The scenario commands for authors: list, lint, test (walkthroughs), graph, new, catalogue, schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from callsim.cli.common import UserError
from callsim.cli.common import scenario as _scenario

if TYPE_CHECKING:
    import argparse

    from callsim.core.loader import LoadResult


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


def _add_id_clashes(linted: list[tuple[Path, LoadResult]]) -> None:
    """E117 on each linted file whose scenario id another linted file or a library scenario also uses."""
    from callsim.core.diagnostics import sort_key
    from callsim.core.library import clash_diagnostic, id_clashes, load_library_ids

    found = [(r.scenario.id, f) for f, r in linted if r.scenario is not None]
    found += [(e.id, e.path) for e in load_library_ids([sid for sid, _ in found]) if e.result.scenario is not None]
    clashes = id_clashes(found)
    for f, r in linted:
        if r.scenario is not None and r.scenario.id in clashes:
            others = [p for p in clashes[r.scenario.id] if p.resolve() != f.resolve()]
            r.diagnostics.append(clash_diagnostic(r, others))
            r.diagnostics.sort(key=sort_key)


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


def register(sub: Any, user_error: type[Exception]) -> None:
    """Add this module's subcommands to the ``callsim`` parser."""
    s = sub.add_parser("list", help="list the scenarios found")
    s.add_argument("paths", nargs="*", help="extra scenario files or folders")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_list)

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
