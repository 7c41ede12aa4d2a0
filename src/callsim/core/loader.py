"""Loading and linting scenario files: every problem reported with file:line:col, a code and a hint.

``load_scenario(path)`` returns a :class:`LoadResult` with the scenario (when it is valid enough to run)
and every diagnostic found. Nothing here raises on a bad file; only an unreadable path raises
:class:`ScenarioFileError`.
"""

from __future__ import annotations

import types
import typing
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from callsim.core.conditions import Condition, ConditionError
from callsim.core.diagnostics import Diagnostic, did_you_mean, sort_key
from callsim.core.models import SCHEMA_RELATIVE, Scenario
from callsim.core.rubric import load_rubric
from callsim.core.yamlpos import Path as YPath
from callsim.core.yamlpos import Positions, UnsafeTagError, load_with_positions

SCHEMA_COMMENT = f"# yaml-language-server: $schema={SCHEMA_RELATIVE}"


class ScenarioFileError(Exception):
    """The file could not be read at all (missing, a directory, not text)."""


@dataclass
class LoadResult:
    path: str
    scenario: Scenario | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    positions: Positions = field(default_factory=Positions)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    @property
    def ok(self) -> bool:
        return self.scenario is not None and not self.errors


# --------------------------------------------------------------------------- schema walking


def _unwrap(tp: Any) -> Any:
    """Strip Optional/Annotated so we can see the model or container underneath."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            tp = models[0] if models else args[0]
        else:
            return tp


def _model_at(path: YPath) -> type[BaseModel] | None:
    """The pydantic model that describes the mapping at ``path`` in a scenario document."""
    tp: Any = Scenario
    for part in path:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            f = tp.model_fields.get(str(part))
            if f is None:
                return None
            tp = f.annotation
        elif typing.get_origin(tp) in (list, dict):
            tp = typing.get_args(tp)[-1]
        else:
            return None
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _dotted(path: YPath) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


# --------------------------------------------------------------------------- the loader


class _Collector:
    def __init__(self, file: str, positions: Positions, text: str) -> None:
        self.file = file
        self.positions = positions
        self.lines = text.splitlines()
        self.items: list[Diagnostic] = []

    def add(self, path: YPath, code: str, message: str, hint: str = "", *, key: bool = False,
            offset: int | None = None) -> None:
        line, col = self.positions.of(path, key=key)
        if offset is not None:
            src = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
            quote = 1 if col - 1 < len(src) and src[col - 1] in "'\"" else 0
            col += quote + offset
        self.items.append(Diagnostic(self.file, line, col, code, message, hint))

    def at(self, line: int, col: int, code: str, message: str, hint: str = "") -> None:
        self.items.append(Diagnostic(self.file, line, col, code, message, hint))


def load_scenario(path: str | Path, *, run_walkthroughs: bool = True) -> LoadResult:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioFileError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise ScenarioFileError(f"{p}: is a folder, not a scenario file") from None
    except UnicodeDecodeError as e:
        raise ScenarioFileError(f"{p}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    return load_text(text, str(p), run_walkthroughs=run_walkthroughs)


def load_text(text: str, file: str = "<text>", *, run_walkthroughs: bool = True) -> LoadResult:
    try:
        data, positions = load_with_positions(text)
    except UnsafeTagError as e:
        mark = e.problem_mark
        d = Diagnostic(file, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1, "E005",
                       str(e.problem), "Scenario files hold plain data only: remove the tag.")
        return LoadResult(file, None, [d])
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        msg = (e.problem or "invalid YAML") + (f" ({e.context})" if e.context else "")
        d = Diagnostic(file, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1, "E001", msg,
                       _yaml_hint(msg))
        return LoadResult(file, None, [d])
    except yaml.YAMLError as e:
        return LoadResult(file, None, [Diagnostic(file, 1, 1, "E001", str(e))])
    out = _Collector(file, positions, text)
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip()
    if not first.startswith("# yaml-language-server: $schema="):
        out.at(1, 1, "W304", "the first line does not point editors at the scenario schema",
               f"Make the first line: {SCHEMA_COMMENT}")
    for dup_path, line, col in positions.duplicates:
        if len(dup_path) == 2 and dup_path[0] == "nodes":
            out.at(line, col, "E102", f"node '{dup_path[1]}' is defined twice",
                   "Give each node its own id; the second one silently replaces the first.")
        else:
            out.at(line, col, "E006", f"'{_dotted(dup_path)}' is given twice", "Keep one of them.")
    if not isinstance(data, dict):
        out.at(1, 1, "E003", "a scenario file must be a mapping of keys (id:, title:, nodes: ...)",
               "Start from `callsim new` or the example in docs/authoring.md.")
        return LoadResult(file, None, sorted(out.items, key=sort_key), positions)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as e:
        _report_validation(e, out)
        scenario = None
    if scenario is not None:
        _check(scenario, out)
        if run_walkthroughs and not any(d.is_error for d in out.items):
            _check_walkthroughs(scenario, out)
    return LoadResult(file, scenario, sorted(out.items, key=sort_key), positions)


def _yaml_hint(msg: str) -> str:
    if "tab" in msg:
        return "Indent with spaces, not tabs."
    if "mapping values are not allowed" in msg:
        return "A value containing ': ' must be quoted, e.g. say: \"Look: I can't pay.\""
    if "could not find expected ':'" in msg or "expected <block end>" in msg:
        return "Check the indentation of this line and the one above; quote text that starts with a quote mark."
    if "found undefined alias" in msg:
        return "An *alias needs a matching &anchor earlier in the file."
    return "Check indentation and quoting around this position."


def _report_validation(error: ValidationError, out: _Collector) -> None:
    for err in error.errors():
        loc: YPath = tuple(err["loc"])
        # Strip pydantic's union/function tags ("function-before[...]", "str", "FlagDecl") from the path.
        clean: list[str | int] = []
        for part in loc:
            if isinstance(part, str) and ("[" in part or part[:1].isupper() or part in ("str", "int", "float", "bool")):
                continue
            clean.append(part)
        path = tuple(clean)
        kind = err["type"]
        if kind == "extra_forbidden":
            key = str(path[-1])
            model = _model_at(path[:-1])
            names = list(model.model_fields) if model else []
            out.add(path, "E002", f"unknown key '{key}' in {_dotted(path[:-1])}",
                    (did_you_mean(key, names).strip() + " " if names else "")
                    + (f"Allowed here: {', '.join(names)}." if names else ""), key=True)
        elif kind == "missing":
            out.add(path[:-1], "E004", f"'{path[-1]}' is required in {_dotted(path[:-1])}",
                    f"Add a '{path[-1]}:' line here.", key=True)
        else:
            msg = err["msg"]
            hint = ""
            if kind == "enum":
                allowed = str(err.get("ctx", {}).get("expected", ""))
                hint = did_you_mean(str(err.get("input")), [a.strip(" '") for a in allowed.replace(" or ", ",").split(",")]).strip()
                hint = (hint + " " if hint else "") + f"Allowed: {allowed}."
            elif kind == "string_pattern_mismatch":
                hint = "Ids use lower case letters, digits and underscores, starting with a letter."
            out.add(path, "E003", f"{_dotted(path)}: {msg}", hint)
        # one pydantic error per location is plenty
    seen: set[tuple[int, int, str]] = set()
    unique = []
    for d in out.items:
        k = (d.line, d.col, d.message)
        if k not in seen:
            seen.add(k)
            unique.append(d)
    out.items[:] = unique


# --------------------------------------------------------------------------- cross-reference checks


def _check(s: Scenario, out: _Collector) -> None:
    rubric = load_rubric()
    behaviours = set(rubric.ids)
    node_ids = list(s.nodes)
    from callsim.core.engine import BUILTIN_NAMES  # late: engine imports the scorer

    if s.start not in s.nodes:
        out.add(("start",), "E101", f"start node '{s.start}' does not exist",
                did_you_mean(s.start, node_ids).strip() or f"Nodes: {', '.join(node_ids)}.")

    def check_condition(path: YPath, source: str) -> None:
        try:
            cond = Condition.parse(source)
        except ConditionError as e:
            out.add(path, "E110", f"cannot read condition '{source}': {e.message}",
                    "Conditions use names, numbers, and/or/not, comparisons (== != < <= > >=) and brackets.",
                    offset=e.offset)
            return
        for name in cond.names():
            n = name.name
            if n in s.mood or n in s.flags or n in BUILTIN_NAMES or n in behaviours:
                continue
            if n.startswith("seen.") and n[5:] in behaviours:
                continue
            if n.startswith("seen."):
                out.add(path, "E109", f"unknown behaviour '{n[5:]}' in '{source}'",
                        did_you_mean(n[5:], behaviours).strip() or "See `callsim rubric` for behaviour ids.",
                        offset=name.offset + 5)
                continue
            close_mood, close_flag, close_b = (did_you_mean(n, s.mood), did_you_mean(n, s.flags),
                                               did_you_mean(n, behaviours))
            if close_b and not (close_mood or close_flag):
                out.add(path, "E109", f"unknown behaviour '{n}' in '{source}'", close_b.strip(),
                        offset=name.offset)
            elif close_flag and not close_mood:
                out.add(path, "E108", f"flag '{n}' is not declared", close_flag.strip()
                        + " Declare flags under 'flags:'.", offset=name.offset)
            elif close_mood:
                out.add(path, "E107", f"mood variable '{n}' is not declared", close_mood.strip()
                        + " Declare variables under 'mood:'.", offset=name.offset)
            else:
                everything = [*s.mood, *s.flags, *BUILTIN_NAMES, *behaviours]
                out.add(path, "E111", f"'{n}' is not a mood variable, flag, behaviour or built-in name",
                        (did_you_mean(n, everything).strip() + " ") if did_you_mean(n, everything) else
                        "Declare it under 'mood:' or 'flags:', or see docs/authoring.md for built-in names.",
                        offset=name.offset)

    def check_behaviours(path: YPath, ids: list[str]) -> None:
        for i, b in enumerate(ids):
            if b not in behaviours:
                out.add((*path, i), "E109", f"unknown behaviour '{b}'",
                        did_you_mean(b, behaviours).strip() or "See `callsim rubric` for the behaviour ids.")

    # debt facts
    acts = s.debt.actions
    for i, a in enumerate(acts.intended):
        if a not in acts.lawful:
            out.add(("debt", "actions", "intended", i), "E113",
                    f"'{a.value}' is intended but not listed as lawful",
                    "Only lawful actions can be intended: add it to 'lawful' or remove it here.")
    if s.debt.time_barred:
        for key in ("lawful", "intended"):
            lst = getattr(acts, key)
            if "legal_action" in [a.value for a in lst]:
                out.add(("debt", "actions", key), "E113", "the debt is time-barred, so legal action cannot be "
                        f"{key}", "Remove legal_action, or set time_barred: false.")
    if s.debt.breakdown:
        total = round(sum(b.amount for b in s.debt.breakdown), 2)
        if abs(total - s.debt.balance) > 0.01:
            out.add(("debt", "breakdown"), "E113", f"the breakdown adds up to {total}, not the balance "
                    f"{s.debt.balance}", "Make the items add up to the balance.")

    # flags with a role are read by the compliance checks
    for i, rule in enumerate(s.end_when):
        check_condition(("end_when", i, "when"), rule.when)
        if rule.goto not in s.nodes:
            out.add(("end_when", i, "goto"), "E101", f"end_when goes to '{rule.goto}', which does not exist",
                    did_you_mean(rule.goto, node_ids).strip() or f"Nodes: {', '.join(node_ids)}.")

    outcomes: dict[str, tuple[str, str, YPath]] = {}
    for nid, node in s.nodes.items():
        base: YPath = ("nodes", nid)
        for i, line in enumerate(node.say):
            if line.when:
                check_condition((*base, "say", i, "when"), line.when)
        for i, fact in enumerate(node.discloses):
            if fact not in s.persona.facts:
                out.add((*base, "discloses", i), "E112", f"'{fact}' is not one of the persona's facts",
                        (did_you_mean(fact, s.persona.facts).strip() + " ") if did_you_mean(fact, s.persona.facts)
                        else "Add it under persona.facts.")
        check_behaviours((*base, "expects"), node.expects)
        for i, ch in enumerate(node.choices):
            check_behaviours((*base, "choices", i, "counts_as"), ch.counts_as)
        if node.is_final:
            if node.outcome is None:
                out.add(base, "E105", f"final node '{nid}' has no outcome",
                        "Add outcome: {id: ..., label: ..., result: resolved|partial|failed}.", key=True)
            else:
                prev = outcomes.get(node.outcome.id)
                if prev and (prev[0], prev[1]) != (node.outcome.label, node.outcome.result):
                    out.add((*base, "outcome", "id"), "E114",
                            f"outcome '{node.outcome.id}' is also used by another ending with a different "
                            "label or result", "Give each different ending its own outcome id.")
                outcomes.setdefault(node.outcome.id, (node.outcome.label, node.outcome.result, base))
            if node.routes:
                out.add((*base, "routes"), "E106", f"node '{nid}' ends the call (it has an outcome) but also "
                        "has routes", "Remove the routes, or remove the outcome so the call goes on.", key=True)
            continue
        if not node.routes:
            out.add(base, "E103", f"node '{nid}' has no routes, so the call would get stuck here",
                    "Add routes (with a last one that has no 'when'), or give it an outcome to end the call.",
                    key=True)
        else:
            default_at = next((i for i, r in enumerate(node.routes) if r.when is None), None)
            if default_at is None:
                out.add((*base, "routes"), "E104", f"every route out of '{nid}' has a condition",
                        "Add a last route with no 'when' for replies that match none of them.", key=True)
            elif default_at < len(node.routes) - 1:
                out.add((*base, "routes", default_at + 1), "W302",
                        f"routes after the default route (number {default_at + 1}) never fire",
                        "Move the route with no 'when' to the end.")
        for i, r in enumerate(node.routes):
            rp = (*base, "routes", i)
            if r.when is not None:
                check_condition((*rp, "when"), r.when)
            if r.goto not in s.nodes:
                out.add((*rp, "goto"), "E101", f"route goes to '{r.goto}', which does not exist",
                        did_you_mean(r.goto, node_ids).strip() or f"Nodes: {', '.join(node_ids)}.")
            for var in r.mood:
                if var not in s.mood:
                    out.add((*rp, "mood", var), "E107", f"mood variable '{var}' is not declared",
                            (did_you_mean(var, s.mood).strip() + " ") + "Declare it under 'mood:'.", key=True)
            for flag in r.set:
                if flag not in s.flags:
                    out.add((*rp, "set", flag), "E108", f"flag '{flag}' is not declared",
                            (did_you_mean(flag, s.flags).strip() + " ") + "Declare it under 'flags:'.", key=True)
        if not node.model_answers:
            out.add(base, "W303", f"node '{nid}' has no model answer",
                    "Add model_answers: what a skilled collector would say here. Trainees see it as the "
                    "better alternative.", key=True)
        if len(node.say) < 2:
            out.add((*base, "say"), "W306", f"node '{nid}' has a single line",
                    "Add a variant or two so replays do not sound canned.", key=True)

    # reachability
    if s.start in s.nodes:
        seen = {s.start}
        queue = deque([s.start])
        extra = [r.goto for r in s.end_when]
        seen.update(x for x in extra if x in s.nodes)
        queue.extend(x for x in extra if x in s.nodes)
        while queue:
            for r in s.nodes[queue.popleft()].routes:
                if r.goto in s.nodes and r.goto not in seen:
                    seen.add(r.goto)
                    queue.append(r.goto)
        for nid in s.nodes:
            if nid not in seen:
                out.add(("nodes", nid), "W301", f"node '{nid}' can never be reached",
                        "Add a route that goes to it, or delete it.", key=True)

    if not s.walkthroughs:
        out.add(("id",), "W305", "the scenario has no walkthroughs",
                "Add walkthroughs: replies with the ending they must reach, so `callsim test` checks the "
                "scenario still plays as written.")
    for i, w in enumerate(s.walkthroughs):
        if w.expect.outcome not in s.outcomes:
            out.add(("walkthroughs", i, "expect", "outcome"), "E202",
                    f"walkthrough '{w.name}' expects outcome '{w.expect.outcome}', which no ending has",
                    did_you_mean(w.expect.outcome, s.outcomes).strip() or f"Outcomes: {', '.join(s.outcomes)}.")
        for j, v in enumerate(w.expect.violations):
            b = load_rubric().by_id.get(v)
            if b is None or not b.is_violation:
                out.add(("walkthroughs", i, "expect", "violations", j), "E109", f"'{v}' is not a violation id",
                        did_you_mean(v, [x.id for x in load_rubric().behaviours if x.is_violation]).strip())


def _check_walkthroughs(s: Scenario, out: _Collector) -> None:
    from callsim.core.walkthrough import run_walkthrough

    for i, w in enumerate(s.walkthroughs):
        if w.expect.outcome not in s.outcomes:
            continue
        result = run_walkthrough(s, w)
        if not result.passed:
            out.add(("walkthroughs", i), "E201", f"walkthrough '{w.name}' fails: {'; '.join(result.problems)}",
                    "Run `callsim test` on this file to see the call turn by turn.")
