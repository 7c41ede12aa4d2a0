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
    }
    for name, text in helps.items():
        s = inner.add_parser(name, help=text, description=text)
        s.add_argument("path", metavar="PATH.csv")
        s.add_argument("--json", action="store_true", help="print the report as JSON")
        s.set_defaults(func=_runner(name, user_error))


def _runner(name: str, user_error: type[Exception]) -> Any:
    def run(a: argparse.Namespace) -> int:
        from callsim.core.eval import RUNNERS, EvalDataError

        evaluate, fmt = RUNNERS[name]
        try:
            report = evaluate(a.path)
        except EvalDataError as e:
            raise user_error(str(e)) from None
        print(json.dumps(report, indent=2) if a.json else fmt(report), end="\n" if a.json else "")
        return 0

    return run
