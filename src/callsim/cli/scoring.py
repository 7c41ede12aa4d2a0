"""`callsim score` (one reply, or a stream of JSON lines, optionally at a scenario's node) and `callsim rubric`
(the behaviours scored)."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from callsim.cli.common import UserError
from callsim.cli.common import scenario as _scenario

if TYPE_CHECKING:
    import argparse


def cmd_score(a: argparse.Namespace) -> int:
    from callsim.core.coaching import reads_like
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
            print(f"  ! {v['id']} ({v['severity']}, {_found_by(v)}): \"{v['evidence'][0]['text']}\""
                  + _like(reads_like(v)))
        for v in result["possible"]:
            print(f"  ? possible {v['id']} ({_found_by(v, possible=True)}): \"{v['evidence'][0]['text']}\""
                  + _like(reads_like(v, possible=True)))
        if result.get("acts"):
            print(f"  acts: {', '.join(result['acts'])}")
    return 0


def _found_by(v: Mapping[str, Any], *, possible: bool = False) -> str:
    """What found a violation and how sure it is: "rule", or "learned 87%" (a rule and the learned layer: both);
    a possible one always says how sure."""
    source = str(v.get("source") or "rule")
    return source if source == "rule" and not possible else f"{source} {v['confidence']:.0%}"


def _like(example: str) -> str:
    """The corpus line a detection reads like (``coaching.reads_like``), on a line of its own."""
    return f"\n      reads like: \"{example}\"" if example else ""


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
                              "amounts", "acts", "notes", "better")}


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


def register(sub: Any, user_error: type[Exception]) -> None:
    """Add this module's subcommands to the ``callsim`` parser."""
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

    s = sub.add_parser("rubric", help="list the behaviours scored")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_rubric)
