"""`callsim explore`: seeded random calls through scenarios by trainees of five styles, and what they found."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from callsim.cli.common import UserError
from callsim.cli.common import scenario as _scenario

if TYPE_CHECKING:
    import argparse

    from callsim.core.models import Scenario


def _library() -> list[tuple[Scenario, str]]:
    """Every scenario found (shipped, then your folder); one that does not load is named on stderr and skipped."""
    from callsim.core.library import load_library

    out = []
    for e in load_library():
        if e.result.scenario is None or e.result.errors:
            print(f"callsim: skipped {e.path}: it has errors (run `callsim lint {e.path}`)", file=sys.stderr)
            continue
        out.append((e.result.scenario, str(e.path)))
    return out


def _styles(text: str | None) -> tuple[str, ...]:
    from callsim.core.explore import STYLES

    if not text:
        return STYLES
    picked = tuple(dict.fromkeys(s.strip() for s in text.split(",") if s.strip()))
    wrong = [s for s in picked if s not in STYLES]
    if wrong or not picked:
        raise UserError(f"unknown style {', '.join(wrong) or '(none)'}: the styles are {', '.join(STYLES)}")
    return picked


def cmd_explore(a: argparse.Namespace) -> int:
    from callsim.core.explore import BankError, Options, cpus, explore, problems, text_report

    if a.runs < 1 or a.turns < 1:
        raise UserError("--runs and --turns must be at least 1")
    if not 0 <= a.mix <= 1:
        raise UserError("--mix is a share of replies, from 0 to 1")
    if a.probes is not None and a.probes < 0:
        raise UserError("--probes must be 0 or more")
    if a.all and a.scenarios:
        raise UserError("give scenarios or --all, not both")
    found = [(_scenario(ref), ref) for ref in a.scenarios] if a.scenarios else _library()
    if not found:
        raise UserError("no scenarios to explore")
    options = Options(runs=a.runs, seed=a.seed, turn_cap=a.turns, styles=_styles(a.styles), mix=a.mix,
                      jobs=a.jobs if a.jobs else cpus(), probes=a.probes)
    try:
        report = explore(found, options)
    except BankError as e:
        raise UserError(str(e)) from None
    failing = problems(report, strict=a.strict)
    if a.json:
        out: dict[str, Any] = {**report, "problems": failing}
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        print(text_report(report), end="")
        for p in failing:
            print(f"FAIL {p}")
        print(f"{len(found)} scenario(s), {options.runs} runs each: "
              + (f"{len(failing)} problem(s)" if failing else "no problems"))
    return 1 if failing else 0


def register(sub: Any, user_error: type[Exception]) -> None:
    """Add `explore` to the ``callsim`` parser."""
    s = sub.add_parser("explore", help="play many seeded random calls through scenarios and report what they reach",
                       description="Play seeded random calls through each scenario, by trainees of five styles "
                                   "(excellent, plain, harmful, off-script, typos), and report node and route "
                                   "coverage, the endings reached, failed endings by style, calls that never end, "
                                   "mismatches and the scenario's realism targets. Exits 1 when a target is missed.")
    s.add_argument("scenarios", nargs="*", metavar="SCENARIO",
                   help="scenario ids or files (default: every scenario found, as with --all)")
    s.add_argument("--all", action="store_true", help="every scenario found: the shipped ones, then your folder")
    # The defaults are core.explore's Options and TURN_CAP (not imported here: that would load the scorer for every
    # command); tests/test_explore.py holds them equal.
    s.add_argument("--runs", type=int, default=200, help="calls per scenario (default 200), shared among the styles")
    s.add_argument("--seed", type=int, default=1, help="the same seed gives the same report (default 1)")
    s.add_argument("--turns", type=int, default=30, help="replies a call may take before it counts as never "
                                                         "ending (default 30)")
    s.add_argument("--styles", help="only runs of these styles, comma-separated (default: all five)")
    s.add_argument("--mix", type=float, default=0.1,
                   help="the chance a reply is of another style (default 0.1; 0 for pure styles)")
    s.add_argument("--probes", type=int, help="calls that replay a run to a node with a route no run took, then go "
                                              "on in another style (default: half the runs; 0 for none)")
    s.add_argument("--jobs", type=int, default=0, help="processes to share the work (default: one per processor)")
    s.add_argument("--strict", action="store_true",
                   help="also fail on calls that never end, endings never reached and mismatches")
    s.add_argument("--json", action="store_true", help="the report as JSON")
    s.set_defaults(func=cmd_explore)
