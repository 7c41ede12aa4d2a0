"""`callsim eval`: measuring the scorer against labelled data (EPITOME, ESConv)."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: Any, user_error: type[Exception]) -> None:
    """Add this module's subcommands to the ``callsim`` parser."""
    p = sub.add_parser("eval", help="measure the scorer against human-labelled data")
    inner = p.add_subparsers(dest="dataset", metavar="DATASET", required=True)
    helps = {
        "epitome": "EPITOME CSV (seeker_post, response_post, ER, IP, EX): per-mechanism agreement",
        "esconv": "ESConv CSV (strategy, response, last_seeker_utterance): behaviour per strategy",
        "annomi": "AnnoMI CSV (id, behaviour, mi_quality, text, context): reflections, questions, MI quality",
        "collector": "JSON lines {text, label, context, empathic}: violations flagged, false flags, empathy",
    }
    for name, text in helps.items():
        s = inner.add_parser(name, help=text, description=text)
        s.add_argument("path", metavar="PATH.jsonl" if name == "collector" else "PATH.csv")
        s.add_argument("--json", action="store_true", help="print the report as JSON")
        s.add_argument("--rules-only", action="store_true",
                       help="score with the rules alone (no learned layer), to compare")
        s.set_defaults(func=_runner(name, user_error))


def _runner(name: str, user_error: type[Exception]) -> Any:
    def run(a: argparse.Namespace) -> int:
        from callsim.core.eval import RUNNERS, EvalDataError
        from callsim.core.scorer import Scorer, default_scorer

        evaluate, fmt = RUNNERS[name]
        scorer = Scorer(use_learned=False) if a.rules_only else default_scorer()
        try:
            report = evaluate(a.path, scorer)
        except EvalDataError as e:
            raise user_error(str(e)) from None
        print(json.dumps(report, indent=2) if a.json else fmt(report), end="\n" if a.json else "")
        return 0

    return run
