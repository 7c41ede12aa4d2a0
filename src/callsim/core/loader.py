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

from callsim.core.builtin_names import BUILTIN_NAMES
from callsim.core.conditions import Condition, ConditionError
from callsim.core.diagnostics import Diagnostic, did_you_mean, sort_key
from callsim.core.models import SCHEMA_RELATIVE, Scenario
from callsim.core.money import format_money
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


def _hint(*parts: str) -> str:
    """Hint sentences joined by single spaces, skipping empty ones (a did-you-mean that found nothing)."""
    return " ".join(p.strip() for p in parts if p.strip())


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
            line, col = self.locate(line, col, offset)
        self.items.append(Diagnostic(self.file, line, col, code, message, hint))

    def locate(self, line: int, col: int, offset: int) -> tuple[int, int]:
        """Where character ``offset`` of the text value starting at ``line:col`` is in the file.

        Handles plain and quoted values on one line or folded over several, and block values
        (``when: >`` or ``|``): a line break in the file counts as one character of the value.
        """
        if not 0 < line <= len(self.lines):
            return line, col
        src = self.lines[line - 1]
        first = src[col - 1 : col] if col - 1 < len(src) else ""
        segments: list[tuple[int, int, str]] = []  # (line, col, text) pieces of the value, in order
        if first in ("|", ">"):
            indent: int | None = None
            for n in range(line, len(self.lines)):
                text = self.lines[n]
                if not text.strip():
                    if first == "|" and indent is not None:  # a blank line in a | block is a line break
                        segments.append((n + 1, indent + 1, ""))
                    continue  # (when folded, the blank line and the break around it read as one)
                here = len(text) - len(text.lstrip(" "))
                if indent is None:
                    indent = here
                if here < indent:
                    break
                segments.append((n + 1, indent + 1, text[indent:]))
        else:
            quote = 1 if first in ("'", '"') else 0
            segments.append((line, col + quote, src[col - 1 + quote :].rstrip()))
            for n in range(line, len(self.lines)):
                text = self.lines[n]
                stripped = text.lstrip(" ")
                if not stripped.strip():
                    continue
                segments.append((n + 1, len(text) - len(stripped) + 1, stripped.rstrip()))
        left = offset
        for seg_line, seg_col, text in segments:
            if left <= len(text):
                return seg_line, seg_col + left
            left -= len(text) + 1  # the line break, read as a space or newline
        return line, col + offset

    def at(self, line: int, col: int, code: str, message: str, hint: str = "") -> None:
        self.items.append(Diagnostic(self.file, line, col, code, message, hint))


MAX_FILE_BYTES = 2_000_000  # the longest shipped scenario is about 25 kB


def load_scenario(path: str | Path, *, run_walkthroughs: bool = True) -> LoadResult:
    p = Path(path)
    try:
        if p.is_dir():
            raise IsADirectoryError
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioFileError(f"{p}: {size:,} bytes is too big for a scenario file (the limit is "
                                    f"{MAX_FILE_BYTES:,}); is it the right file?")
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ScenarioFileError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise ScenarioFileError(f"{p}: is a folder, not a scenario file") from None
    except OSError as e:
        raise ScenarioFileError(f"{p}: cannot be read ({e.strerror or e})") from None
    if b"\0" in raw:
        raise ScenarioFileError(f"{p}: is a binary file, not a scenario (YAML text) file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ScenarioFileError(f"{p}: not UTF-8 text ({e.reason} at byte {e.start}); save it as UTF-8") from None
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
    except yaml.reader.ReaderError as e:
        before = text[: e.position]
        line, col = before.count("\n") + 1, e.position - (before.rfind("\n") + 1) + 1
        char = e.character if isinstance(e.character, str) else chr(e.character)
        d = Diagnostic(file, line, col, "E001", f"the character {char!r} (#x{ord(char):04x}) is not allowed "
                       "in a YAML file", "Delete it: it is often left behind by copying from another program.")
        return LoadResult(file, None, [d])
    except yaml.YAMLError as e:
        return LoadResult(file, None, [Diagnostic(file, 1, 1, "E001", str(e), _yaml_hint(str(e)))])
    out = _Collector(file, positions, text)
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip()
    if not first.startswith("# yaml-language-server: $schema="):
        out.at(1, 1, "W304", "the first line does not point editors at the scenario schema",
               f"Make the first line: {SCHEMA_COMMENT}")
    for dup_path, line, col in positions.duplicates:
        first_line = positions.first_keys.get(dup_path, (line, col))[0]
        if len(dup_path) == 2 and dup_path[0] == "nodes":
            out.at(line, col, "E102", f"node '{dup_path[1]}' is defined twice (first on line {first_line})",
                   "Give each node its own id; the second one silently replaces the first.")
        else:
            out.at(line, col, "E006", f"'{_dotted(dup_path)}' is given twice (first on line {first_line})",
                   "Keep one of them: YAML would silently use the last one.")
    if not isinstance(data, dict):
        what = "the file is empty" if data is None else f"the file holds {_describe(data)}"
        out.at(*positions.values.get((), (1, 1)), "E003",
               f"{what}, but a scenario is a set of key: value lines (id:, title:, nodes: ...)",
               "Start from the example in docs/authoring.md or a copy of a file in scenarios/.")
        return LoadResult(file, None, sorted(out.items, key=sort_key), positions)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as e:
        _report_validation(e, data, out)
        scenario = None
    if scenario is not None:
        _check(scenario, out)
        if run_walkthroughs and not any(d.is_error for d in out.items):
            _check_walkthroughs(scenario, out)
    return LoadResult(file, scenario, sorted(out.items, key=sort_key), positions)


def _yaml_hint(msg: str) -> str:
    if "tab" in msg or "'\\t'" in msg:
        return "Indent with spaces, not tabs."
    if "mapping values are not allowed" in msg:
        return "A value containing ': ' must be quoted, e.g. say: \"Look: I can't pay.\""
    if "could not find expected ':'" in msg or "expected <block end>" in msg:
        return "Check the indentation of this line and the one above; quote text that starts with a quote mark."
    if "another document" in msg:
        return "A line with just '---' starts a second document: a scenario file holds one; remove it."
    if "found undefined alias" in msg:
        return "An *alias needs a matching &anchor earlier in the file."
    if "aliases" in msg or "alias (*name)" in msg:
        return "Repeat the text instead of using &anchors and *aliases, or use fewer of them."
    if "nested too deeply" in msg:
        return "Scenario files need only a few levels of indentation; is this the right file?"
    if "plain text, not a list" in msg:
        return "Keys are names such as say: or goto:; a '?' or '[' at the start of a line makes a complex key."
    return "Check indentation and quoting around this position."


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (a yes/no value)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value[:40]}{'...' if len(value) > 40 else ''}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of key: value lines"
    return f"'{value}'"


def _real_path(loc: tuple[int | str, ...], data: Any) -> tuple[YPath, bool]:
    """Map a pydantic error location onto the document: ``(path, is_a_key_error)``.

    Pydantic inserts parts that are not in the document (``[key]`` for a dict key that fails, and
    tags for unions or validators); they are dropped by walking the data alongside.
    """
    path: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        if part == "[key]":
            return tuple(path), True
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif i == len(loc) - 1 and isinstance(part, str) and not part.startswith(("function-", "[")):
            node = None  # a missing key: not in the document, but it is what the message is about
        else:
            continue
        path.append(part)
    return tuple(path), False


def _choices(ctx_expected: str) -> list[str]:
    return [a.strip(" '") for a in ctx_expected.replace(" or ", ",").split(",") if a.strip(" '")]


_TYPE_WORDS = {
    "model_type": "a set of key: value lines",
    "dict_type": "a set of key: value lines",
    "list_type": "a list (lines starting with '- ', or [a, b])",
    "string_type": "text",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
}


def _report_validation(error: ValidationError, data: Any, out: _Collector) -> None:
    seen: set[tuple[tuple[str | int, ...], str]] = set()
    for err in error.errors():
        path, key_error = _real_path(tuple(err["loc"]), data)
        kind = err["type"]
        if (path, kind) in seen:  # one message per place and kind is plenty
            continue
        seen.add((path, kind))
        value = err.get("input")
        if kind == "extra_forbidden":
            key = str(path[-1])
            model = _model_at(path[:-1])
            names = list(model.model_fields) if model else []
            close = did_you_mean(key, names).strip()
            hint = " ".join(x for x in (close, f"Allowed here: {', '.join(names)}." if names else "") if x)
            out.add(path, "E002", f"unknown key '{key}' in {_dotted(path[:-1])}", hint, key=True)
        elif kind == "missing":
            where = f"in {_dotted(path[:-1])}" if len(path) > 1 else "at the top level of the file"
            out.add(path[:-1], "E004", f"'{path[-1]}' is required {where}", f"Add a '{path[-1]}:' line here.",
                    key=True)
        elif key_error:
            out.add(path, "E003", f"'{path[-1]}' cannot be used as an id in {_dotted(path[:-1])}",
                    "Ids use lower case letters, digits and underscores, starting with a letter "
                    "(e.g. first_offer).", key=True)
        else:
            msg = err["msg"].removeprefix("Value error, ")
            hint = ""
            if kind in _TYPE_WORDS:
                msg = f"this should be {_TYPE_WORDS[kind]}, not {_describe(value)}"
                if kind == "string_type" and isinstance(value, bool | int | float):
                    hint = ("Put it in quotes: YAML reads yes/no/on/off/true/false as a yes/no value and "
                            "digits as a number.")
                elif kind in ("model_type", "dict_type") and value is None:
                    hint = "Indent the lines that belong here under it, or remove the key."
            elif kind in ("enum", "literal_error"):
                allowed = str(err.get("ctx", {}).get("expected", ""))
                close = did_you_mean(str(value), _choices(allowed)).strip()
                hint = (close + " " if close else "") + f"Allowed: {allowed}."
            elif kind == "string_pattern_mismatch":
                msg = f"'{value}' is not a valid id"
                hint = ("Ids use lower case letters, digits and underscores, starting with a letter"
                        + (" (the scenario id may also use -)." if path == ("id",) else "."))
            elif kind in ("int_parsing", "float_parsing", "int_type", "float_type", "int_from_float"):
                hint = "Write a number in digits, e.g. 40 or 12.50, with no currency sign or words."
            elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
                hint = "Change the number to one in the allowed range."
            elif kind == "too_short":
                hint = "Add at least one entry here."
            if not hint:
                hint = "docs/authoring.md describes what each key takes."
            out.add(path, "E003", f"{_dotted(path)}: {msg}", hint, key=value is None)


# --------------------------------------------------------------------------- cross-reference checks


def _check(s: Scenario, out: _Collector) -> None:
    rubric = load_rubric()
    behaviours = set(rubric.ids)
    node_ids = list(s.nodes)

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
                out.add(path, "E108", f"flag '{n}' is not declared",
                        _hint(close_flag, "Declare flags under 'flags:'."), offset=name.offset)
            elif close_mood:
                out.add(path, "E107", f"mood variable '{n}' is not declared",
                        _hint(close_mood, "Declare variables under 'mood:'."), offset=name.offset)
            else:
                everything = [*s.mood, *s.flags, *BUILTIN_NAMES, *behaviours]
                out.add(path, "E111", f"'{n}' is not a mood variable, flag, behaviour or built-in name",
                        did_you_mean(n, everything).strip() or
                        "Declare it under 'mood:' or 'flags:', or see docs/authoring.md for built-in names.",
                        offset=name.offset)

    def check_behaviours(path: YPath, ids: list[str]) -> None:
        for i, b in enumerate(ids):
            if b not in behaviours:
                out.add((*path, i), "E109", f"unknown behaviour '{b}'",
                        did_you_mean(b, behaviours).strip() or "See `callsim rubric` for the behaviour ids.")

    # a declared name that is also a built-in or behaviour id would be shadowed in conditions
    for section, kind, declared in (("mood", "mood variable", list(s.mood)), ("flags", "flag", list(s.flags))):
        for n in declared:
            clash = ("a built-in name" if n in BUILTIN_NAMES else "a behaviour id" if n in behaviours
                     else "a mood variable" if section == "flags" and n in s.mood else "")
            if clash:
                out.add((section, n), "E003", f"{kind} '{n}' has the same name as {clash}, so conditions "
                        "could not tell them apart", "Rename it, and every condition that uses it.", key=True)

    # debt facts
    acts = s.debt.actions
    for i, a in enumerate(acts.intended):
        if a not in acts.lawful:
            out.add(("debt", "actions", "intended", i), "E113",
                    f"'{a.value}' is intended but not listed as lawful",
                    "Only lawful actions can be intended: add it to 'lawful' or remove it here.")
    if s.debt.time_barred:
        for key in ("lawful", "intended"):
            values = [a.value for a in getattr(acts, key)]
            if "legal_action" in values:
                out.add(("debt", "actions", key, values.index("legal_action")), "E113",
                        f"the debt is time-barred, so legal action cannot be {key}",
                        "Remove legal_action, or set time_barred: false.")
    if s.debt.breakdown:
        total = round(sum(b.amount for b in s.debt.breakdown), 2)
        if abs(total - s.debt.balance) > 0.01:
            sym = s.debt.symbol
            out.add(("debt", "breakdown"), "E113", f"the breakdown adds up to {format_money(total, sym)}, not "
                    f"the balance {format_money(s.debt.balance, sym)}", "Make the items add up to the balance.")

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
                        did_you_mean(fact, s.persona.facts).strip() or "Add it under persona.facts.")
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
                            _hint(did_you_mean(var, s.mood), "Declare it under 'mood:'."), key=True)
            for flag in r.set:
                if flag not in s.flags:
                    out.add((*rp, "set", flag), "E108", f"flag '{flag}' is not declared",
                            _hint(did_you_mean(flag, s.flags), "Declare it under 'flags:'."), key=True)
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
            b = rubric.by_id.get(v)
            if b is None or not b.is_violation:
                out.add(("walkthroughs", i, "expect", "violations", j), "E109", f"'{v}' is not a violation id",
                        _hint(did_you_mean(v, [x.id for x in rubric.behaviours if x.is_violation]),
                              "Violation ids are the compliance behaviours listed by `callsim rubric`."))


def _check_walkthroughs(s: Scenario, out: _Collector) -> None:
    from callsim.core.walkthrough import run_walkthrough

    for i, w in enumerate(s.walkthroughs):
        if w.expect.outcome not in s.outcomes:
            continue
        result = run_walkthrough(s, w)
        if not result.passed:
            out.add(("walkthroughs", i), "E201", f"walkthrough '{w.name}' fails: {'; '.join(result.problems)}",
                    "Run `callsim test` on this file to see the call turn by turn.")
