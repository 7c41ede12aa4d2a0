"""Lint: the named checks behind ``callsim lint``, one function per diagnostic code.

:func:`callsim.core.loader.load_text` reads a scenario in steps, and the checks here are three of them:

1. read the YAML (E001, E005), in the loader;
2. ``document``: checks on the text and its keys, whatever it holds (W304, E006, E102);
3. the format: pydantic validation mapped to E002, E003, E004, in the loader;
4. ``scenario``: once the format is right, how the parts fit together (routes, names, behaviours, facts,
   endings, debt facts, reachability);
5. ``walkthroughs``: when the caller asks and nothing so far is an error, play each walkthrough (E201).
   The only step that runs a call, so the only one that imports the engine and the scorer.

A check is a generator decorated with ``@check(code, step)``: ``code`` is a row of the code table in
diagnostics.py (the function is named after the code's name) and every :class:`Problem` it yields is
reported with that code, at its path in the document (or its line and column) with a hint. Adding a lint
rule is one such function here; its code, name and summary are one row of that table.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from callsim.core.acts import ACT_IDS, PREFIX
from callsim.core.builtin_names import BUILTIN_NAMES
from callsim.core.conditions import Condition, ConditionError, Value
from callsim.core.diagnostics import CODES, did_you_mean
from callsim.core.models import HANGS_UP, HIGH_ANGER, HIGH_TRUST, RESULTS, SCHEMA_RELATIVE, Node, Route, Scenario
from callsim.core.money import format_money
from callsim.core.rubric import Rubric, load_rubric
from callsim.core.yamlpos import Path as YPath
from callsim.core.yamlpos import Positions, dotted

SCHEMA_COMMENT = f"# yaml-language-server: $schema={SCHEMA_RELATIVE}"

Step = Literal["document", "scenario", "walkthroughs"]


@dataclass(frozen=True)
class Problem:
    """One problem a check found: where, what, and what would fix it."""

    path: YPath  # where in the document; reported at the value there (at the key with ``key=True``)
    message: str
    hint: str = ""
    key: bool = False
    offset: int | None = None  # a character of the text value at ``path`` (a name inside a condition)
    at: tuple[int, int] | None = None  # a line and column, for document checks that have no path


CheckFn = Callable[["Lint"], Iterator[Problem]]


@dataclass(frozen=True)
class Check:
    code: str
    step: Step
    run: CheckFn


CROSS_FILE_CODES = frozenset({"E117"})
"""Codes about several files at once, reported by ``callsim lint`` over the files it reads and the library
(core/library.py: ``id_clashes``), not by a check of one file."""

CHECKS: dict[str, Check] = {}
"""Every check by its code, in the order they are defined (the output is sorted by position anyway)."""


def check(code: str, step: Step = "scenario") -> Callable[[CheckFn], CheckFn]:
    """Register a check for ``code``, a row of the code table in diagnostics.py; one check per code."""

    def register(fn: CheckFn) -> CheckFn:
        if code not in CODES:
            raise ValueError(f"{fn.__name__}: {code} is not in the code table (callsim/core/diagnostics.py)")
        if code in CHECKS:
            raise ValueError(f"{fn.__name__}: {code} is already checked by {CHECKS[code].run.__name__}")
        CHECKS[code] = Check(code, step, fn)
        return fn

    return register


def run(step: Step, lint: Lint) -> Iterator[tuple[str, Problem]]:
    """Every problem the checks of ``step`` find, each with its code."""
    for c in CHECKS.values():
        if c.step == step:
            for problem in c.run(lint):
                yield c.code, problem


# --------------------------------------------------------------------------- what the checks read


@dataclass(frozen=True)
class ConditionAt:
    path: YPath
    source: str
    parsed: Condition | ConditionError


@dataclass(frozen=True)
class UnknownName:
    """A name in a condition the scenario does not define, and what it most likely was meant to be."""

    path: YPath
    source: str
    name: str  # for ``seen.x``, the behaviour id x; for ``act.x`` and ``seen.act.x``, the act id x
    offset: int  # where ``name`` starts in the condition
    kind: Literal["behaviour", "flag", "mood", "name", "act"]


class Lint:
    """What the checks read: the document, and (from the ``scenario`` step on) the validated scenario."""

    def __init__(self, text: str, positions: Positions, scenario: Scenario | None = None) -> None:
        self.text = text
        self.positions = positions
        self._scenario = scenario

    @property
    def scenario(self) -> Scenario:
        if self._scenario is None:
            raise RuntimeError("only the scenario and walkthroughs steps read the scenario")
        return self._scenario

    @cached_property
    def rubric(self) -> Rubric:
        return load_rubric()

    @cached_property
    def behaviours(self) -> set[str]:
        return set(self.rubric.ids)

    def no_such_node(self, target: str) -> str:
        """The hint for a node id that does not exist."""
        node_ids = list(self.scenario.nodes)
        return did_you_mean(target, node_ids).strip() or f"Nodes: {', '.join(node_ids)}."

    def routes(self) -> Iterator[tuple[YPath, Route]]:
        """The routes of every node that is not an ending (an ending's routes are reported as E106)."""
        for nid, node in self.scenario.nodes.items():
            if not node.is_final:
                for i, r in enumerate(node.routes):
                    yield ("nodes", nid, "routes", i), r

    def open_nodes(self) -> Iterator[tuple[YPath, str, Node]]:
        """Every node that is not an ending."""
        for nid, node in self.scenario.nodes.items():
            if not node.is_final:
                yield ("nodes", nid), nid, node

    @cached_property
    def told_on_every_way(self) -> dict[str, set[str]]:
        """For each node, the words every call that reaches it has heard from the debtor before it: the words
        of every variant of each node that dominates it (is on every way from the start)."""
        s, into = self.scenario, self.routes_into
        everything = set(s.nodes)
        dom: dict[str, set[str]] = {nid: set(everything) for nid in s.nodes}
        if s.start in dom:
            dom[s.start] = {s.start}
        changed = True
        while changed:
            changed = False
            for nid in s.nodes:
                if nid == s.start:
                    continue
                preds = [dom[p] for p in into[nid]]
                new = ({nid} | set.intersection(*preds)) if preds else {nid}
                if new != dom[nid]:
                    dom[nid], changed = new, True
        return {nid: set().union(*(_heard_in(s.nodes[d]) for d in dom[nid] - {nid})) for nid in s.nodes}

    @cached_property
    def routes_into(self) -> dict[str, set[str]]:
        """For each node, the nodes with a route to it."""
        into: dict[str, set[str]] = {nid: set() for nid in self.scenario.nodes}
        for nid, node in self.scenario.nodes.items():
            for r in node.routes:
                if r.goto in into:
                    into[r.goto].add(nid)
        return into

    @cached_property
    def conditions(self) -> list[ConditionAt]:
        """Every condition in the scenario, parsed (or the reason it cannot be), in document order."""
        s = self.scenario
        found: list[tuple[YPath, str]] = [(("end_when", i, "when"), r.when) for i, r in enumerate(s.end_when)]
        for nid, node in s.nodes.items():
            found += [(("nodes", nid, "say", i, "when"), ln.when) for i, ln in enumerate(node.say) if ln.when]
            found += [(("nodes", nid, "model_answers", i, "when"), a.when) for i, a in enumerate(node.model_answers)
                      if a.when]
            if not node.is_final:
                found += [(("nodes", nid, "routes", i, "when"), r.when) for i, r in enumerate(node.routes)
                          if r.when is not None]
        out = []
        for path, source in found:
            try:
                parsed: Condition | ConditionError = Condition.parse(source)
            except ConditionError as e:
                parsed = e
            out.append(ConditionAt(path, source, parsed))
        return out

    @cached_property
    def unknown_names(self) -> list[UnknownName]:
        """Every name in a condition that is not a mood variable, flag, built-in name or behaviour id.

        Each is put down to the kind of name it is closest to: a behaviour (``seen.x`` always is), a flag,
        a mood variable, or none of them.
        """
        s, behaviours = self.scenario, self.behaviours
        out: list[UnknownName] = []
        for c in self.conditions:
            if not isinstance(c.parsed, Condition):
                continue
            for name in c.parsed.names():
                n = name.name
                if n in s.mood or n in s.flags or n in BUILTIN_NAMES or n in behaviours:
                    continue
                act_at = 0 if n.startswith(PREFIX) else 5 if n.startswith("seen." + PREFIX) else None
                if act_at is not None:
                    at = act_at + len(PREFIX)
                    if n[at:] not in ACT_IDS:
                        out.append(UnknownName(c.path, c.source, n[at:], name.offset + at, "act"))
                    continue
                if n.startswith("seen."):
                    if n[5:] not in behaviours:
                        out.append(UnknownName(c.path, c.source, n[5:], name.offset + 5, "behaviour"))
                    continue
                close_mood, close_flag = did_you_mean(n, s.mood), did_you_mean(n, s.flags)
                kind: Literal["behaviour", "flag", "mood", "name"] = (
                    "behaviour" if did_you_mean(n, behaviours) and not (close_mood or close_flag)
                    else "flag" if close_flag and not close_mood
                    else "mood" if close_mood
                    else "name"
                )
                out.append(UnknownName(c.path, c.source, n, name.offset, kind))
        return out


def _hint(*parts: str) -> str:
    """Hint sentences joined by single spaces, skipping empty ones (a did-you-mean that found nothing)."""
    return " ".join(p.strip() for p in parts if p.strip())


# --------------------------------------------------------------------------- document checks


@check("E006", "document")
def duplicate_key(lint: Lint) -> Iterator[Problem]:
    for path, line, col in lint.positions.duplicates:
        if not (len(path) == 2 and path[0] == "nodes"):
            first_line = lint.positions.first_keys.get(path, (line, col))[0]
            yield Problem(path, f"'{dotted(path)}' is given twice (first on line {first_line})",
                          "Keep one of them: YAML would silently use the last one.", at=(line, col))


@check("E102", "document")
def duplicate_node(lint: Lint) -> Iterator[Problem]:
    for path, line, col in lint.positions.duplicates:
        if len(path) == 2 and path[0] == "nodes":
            first_line = lint.positions.first_keys.get(path, (line, col))[0]
            yield Problem(path, f"node '{path[1]}' is defined twice (first on line {first_line})",
                          "Give each node its own id; the second one silently replaces the first.", at=(line, col))


@check("W304", "document")
def no_schema_comment(lint: Lint) -> Iterator[Problem]:
    first = lint.text.lstrip("\ufeff").split("\n", 1)[0].strip()
    if not first.startswith("# yaml-language-server: $schema="):
        yield Problem((), "the first line does not point editors at the scenario schema",
                      f"Make the first line: {SCHEMA_COMMENT}", at=(1, 1))


# --------------------------------------------------------------------------- scenario checks


@check("E003")
def invalid_value(lint: Lint) -> Iterator[Problem]:
    """A declared name that is also a built-in or behaviour id would be shadowed in conditions."""
    s = lint.scenario
    for section, kind, declared in (("mood", "mood variable", list(s.mood)), ("flags", "flag", list(s.flags))):
        for n in declared:
            clash = ("a built-in name" if n in BUILTIN_NAMES else "a behaviour id" if n in lint.behaviours
                     else "a mood variable" if section == "flags" and n in s.mood else "")
            if clash:
                yield Problem((section, n), f"{kind} '{n}' has the same name as {clash}, so conditions could not "
                              "tell them apart", "Rename it, and every condition that uses it.", key=True)


@check("E101")
def undefined_target(lint: Lint) -> Iterator[Problem]:
    s = lint.scenario
    if s.start not in s.nodes:
        yield Problem(("start",), f"start node '{s.start}' does not exist", lint.no_such_node(s.start))
    for i, rule in enumerate(s.end_when):
        if rule.goto not in s.nodes:
            yield Problem(("end_when", i, "goto"), f"end_when goes to '{rule.goto}', which does not exist",
                          lint.no_such_node(rule.goto))
    for path, r in lint.routes():
        if r.goto not in s.nodes:
            yield Problem((*path, "goto"), f"route goes to '{r.goto}', which does not exist",
                          lint.no_such_node(r.goto))


@check("E103")
def no_exit(lint: Lint) -> Iterator[Problem]:
    for path, nid, node in lint.open_nodes():
        if not node.routes:
            yield Problem(path, f"node '{nid}' has no routes, so the call would get stuck here",
                          "Add routes (with a last one that has no 'when'), or give it an outcome to end the call.",
                          key=True)


def _default_route(node: Node) -> int | None:
    """The index of the first route with no condition."""
    return next((i for i, r in enumerate(node.routes) if r.when is None), None)


@check("E104")
def no_default_route(lint: Lint) -> Iterator[Problem]:
    for path, nid, node in lint.open_nodes():
        if node.routes and _default_route(node) is None:
            yield Problem((*path, "routes"), f"every route out of '{nid}' has a condition",
                          "Add a last route with no 'when' for replies that match none of them.", key=True)


@check("E105")
def final_without_outcome(lint: Lint) -> Iterator[Problem]:
    for nid, node in lint.scenario.nodes.items():
        if node.is_final and node.outcome is None:
            yield Problem(("nodes", nid), f"final node '{nid}' has no outcome",
                          "Add outcome: {id: ..., label: ..., result: resolved|partial|failed}.", key=True)


@check("E106")
def final_with_routes(lint: Lint) -> Iterator[Problem]:
    for nid, node in lint.scenario.nodes.items():
        if node.is_final and node.routes:
            yield Problem(("nodes", nid, "routes"), f"node '{nid}' ends the call (it has an outcome) but also has "
                          "routes", "Remove the routes, or remove the outcome so the call goes on.", key=True)


@check("E107")
def undeclared_variable(lint: Lint) -> Iterator[Problem]:
    mood = lint.scenario.mood
    for u in lint.unknown_names:
        if u.kind == "mood":
            yield Problem(u.path, f"mood variable '{u.name}' is not declared",
                          _hint(did_you_mean(u.name, mood), "Declare variables under 'mood:'."), offset=u.offset)
    for path, r in lint.routes():
        for var in r.mood:
            if var not in mood:
                yield Problem((*path, "mood", var), f"mood variable '{var}' is not declared",
                              _hint(did_you_mean(var, mood), "Declare it under 'mood:'."), key=True)


@check("E108")
def undeclared_flag(lint: Lint) -> Iterator[Problem]:
    flags = lint.scenario.flags
    for u in lint.unknown_names:
        if u.kind == "flag":
            yield Problem(u.path, f"flag '{u.name}' is not declared",
                          _hint(did_you_mean(u.name, flags), "Declare flags under 'flags:'."), offset=u.offset)
    for path, r in lint.routes():
        for flag in r.set:
            if flag not in flags:
                yield Problem((*path, "set", flag), f"flag '{flag}' is not declared",
                              _hint(did_you_mean(flag, flags), "Declare it under 'flags:'."), key=True)


@check("E109")
def unknown_behaviour(lint: Lint) -> Iterator[Problem]:
    s, behaviours, rubric = lint.scenario, lint.behaviours, lint.rubric
    for u in lint.unknown_names:
        if u.kind == "behaviour":
            yield Problem(u.path, f"unknown behaviour '{u.name}' in '{u.source}'",
                          did_you_mean(u.name, behaviours).strip() or "See `callsim rubric` for behaviour ids.",
                          offset=u.offset)
    for nid, node in s.nodes.items():
        lists: list[tuple[YPath, list[str]]] = [(("nodes", nid, "expects"), node.expects)]
        lists += [(("nodes", nid, "choices", i, "counts_as"), ch.counts_as) for i, ch in enumerate(node.choices)]
        if node.outcome is not None:
            lists.append((("nodes", nid, "outcome", "claims"), node.outcome.claims))
        for path, ids in lists:
            for i, b in enumerate(ids):
                if b not in behaviours:
                    yield Problem((*path, i), f"unknown behaviour '{b}'",
                                  did_you_mean(b, behaviours).strip() or "See `callsim rubric` for the behaviour ids.")
    violations = [x.id for x in rubric.behaviours if x.is_violation]
    for i, w in enumerate(s.walkthroughs):
        for j, v in enumerate(w.expect.violations):
            known = rubric.by_id.get(v)
            if known is None or not known.is_violation:
                yield Problem(("walkthroughs", i, "expect", "violations", j), f"'{v}' is not a violation id",
                              _hint(did_you_mean(v, violations),
                                    "Violation ids are the compliance behaviours listed by `callsim rubric`."))


@check("E110")
def bad_condition(lint: Lint) -> Iterator[Problem]:
    for c in lint.conditions:
        if isinstance(c.parsed, ConditionError):
            yield Problem(c.path, f"cannot read condition '{c.source}': {c.parsed.message}",
                          "Conditions use names, numbers, and/or/not, comparisons (== != < <= > >=) and brackets.",
                          offset=c.parsed.offset)


@check("E111")
def unknown_name(lint: Lint) -> Iterator[Problem]:
    s = lint.scenario
    everything = [*s.mood, *s.flags, *BUILTIN_NAMES, *lint.behaviours, *(PREFIX + a for a in ACT_IDS)]
    for u in lint.unknown_names:
        if u.kind == "name":
            yield Problem(u.path, f"'{u.name}' is not a mood variable, flag, behaviour, act or built-in name",
                          did_you_mean(u.name, everything).strip()
                          or "Declare it under 'mood:' or 'flags:', or see docs/authoring.md for built-in names.",
                          offset=u.offset)


@check("E112")
def unknown_fact(lint: Lint) -> Iterator[Problem]:
    facts = lint.scenario.persona.facts
    for nid, node in lint.scenario.nodes.items():
        for i, fact in enumerate(node.discloses):
            if fact not in facts:
                yield Problem(("nodes", nid, "discloses", i), f"'{fact}' is not one of the persona's facts",
                              did_you_mean(fact, facts).strip() or "Add it under persona.facts.")


@check("E113")
def inconsistent_debt(lint: Lint) -> Iterator[Problem]:
    debt = lint.scenario.debt
    acts = debt.actions
    for i, a in enumerate(acts.intended):
        if a not in acts.lawful:
            yield Problem(("debt", "actions", "intended", i), f"'{a.value}' is intended but not listed as lawful",
                          "Only lawful actions can be intended: add it to 'lawful' or remove it here.")
    if debt.time_barred:
        for key in ("lawful", "intended"):
            values = [a.value for a in getattr(acts, key)]
            if "legal_action" in values:
                yield Problem(("debt", "actions", key, values.index("legal_action")),
                              f"the debt is time-barred, so legal action cannot be {key}",
                              "Remove legal_action, or set time_barred: false.")
    if debt.breakdown:
        total = round(sum(b.amount for b in debt.breakdown), 2)
        if abs(total - debt.balance) > 0.01:
            sym = debt.symbol
            yield Problem(("debt", "breakdown"), f"the breakdown adds up to {format_money(total, sym)}, not the "
                          f"balance {format_money(debt.balance, sym)}", "Make the items add up to the balance.")


@check("E114")
def duplicate_outcome(lint: Lint) -> Iterator[Problem]:
    first: dict[str, tuple[str, str]] = {}  # outcome id -> the label and result of its first ending
    for nid, node in lint.scenario.nodes.items():
        if node.is_final and node.outcome is not None:
            o = node.outcome
            if first.setdefault(o.id, (o.label, o.result)) != (o.label, o.result):
                yield Problem(("nodes", nid, "outcome", "id"), f"outcome '{o.id}' is also used by another ending "
                              "with a different label or result", "Give each different ending its own outcome id.")


@check("E202")
def walkthrough_bad_outcome(lint: Lint) -> Iterator[Problem]:
    s = lint.scenario
    for i, w in enumerate(s.walkthroughs):
        if w.expect.outcome not in s.outcomes:
            yield Problem(("walkthroughs", i, "expect", "outcome"),
                          f"walkthrough '{w.name}' expects outcome '{w.expect.outcome}', which no ending has",
                          did_you_mean(w.expect.outcome, s.outcomes).strip() or f"Outcomes: {', '.join(s.outcomes)}.")


_CALL_LENGTH = re.compile(r"\bturn\b")


@check("E115")
def no_way_out(lint: Lint) -> Iterator[Problem]:
    """Nodes from which no chain of routes reaches an ending (whatever the conditions): a call there loops
    for ever ("waiting" whose only route is back to "waiting", or two nodes sending the call to each other),
    unless an end_when rule on the call's length (``turn >= 12``) ends it anyway."""
    s = lint.scenario
    if any(_CALL_LENGTH.search(r.when) for r in s.end_when):
        return
    into = lint.routes_into
    can_end = {nid for nid, node in s.nodes.items() if node.outcome is not None}
    can_end.update(r.goto for r in s.end_when if r.goto in s.nodes)  # not at every node, but it is an ending
    queue = deque(can_end)
    while queue:
        for before in into[queue.popleft()]:
            if before not in can_end:
                can_end.add(before)
                queue.append(before)
    # A loop that moves a mood an end_when rule watches ("anger: 1" each time round, "anger >= 10" ends
    # the call) does end: those are left alone.
    watched = {name for r in s.end_when for name in s.mood if re.search(rf"\b{re.escape(name)}\b", r.when)}
    for nid, node in s.nodes.items():
        if nid in can_end or not node.routes or any(r.goto not in s.nodes for r in node.routes):
            continue  # E103 and E101 report those
        if any(set(r.mood) & watched for r in node.routes):
            continue
        loop = sorted({r.goto for r in node.routes})
        yield Problem(("nodes", nid), f"no route from '{nid}' leads to an ending (it goes on to: "
                      f"{', '.join(loop)}), so a call that gets here never ends",
                      "Give one of these nodes a route to an ending (for example `when: turn >= 8`), or add an "
                      "end_when rule on the call's length.", key=True)


@check("E116")
def unknown_placeholder(lint: Lint) -> Iterator[Problem]:
    """A ``{word}`` in a debtor line or cue that callsim does not fill would be shown to the trainee as written."""
    from callsim.core.placeholders import PLACEHOLDERS, unknown

    known = ", ".join(f"{{{n}}}" for n in PLACEHOLDERS)
    for nid, node in lint.scenario.nodes.items():
        texts: list[tuple[YPath, str]] = []
        for i, ln in enumerate(node.say):
            texts += [(("nodes", nid, "say", i, "text"), ln.text), (("nodes", nid, "say", i, "cue"), ln.cue)]
        texts += [(("nodes", nid, "cues", i), c) for i, c in enumerate(node.cues)]
        texts += [(("nodes", nid, "model_answers", i, "text"), a.text) for i, a in enumerate(node.model_answers)]
        for path, text in texts:
            for name, offset in unknown(text):
                yield Problem(path, f"'{{{name}}}' is not a placeholder callsim fills, so the trainee would see "
                              "it as written", _hint(did_you_mean(name, PLACEHOLDERS), f"Placeholders: {known}."),
                              offset=offset)


@check("E118")
def unearned_outcome(lint: Lint) -> Iterator[Problem]:
    """An ending whose outcome ``claims`` a behaviour ("referred to free debt advice") reached by a route
    that can be taken without it: the debrief would tell the trainee they did what they did not. A route
    requires a claim when its condition cannot hold with the behaviour, and ``seen.`` it, false."""
    s = lint.scenario
    ways: list[tuple[YPath, str | None, str]] = [(p, r.when, r.goto) for p, r in lint.routes()]
    ways += [(("end_when", i), r.when, r.goto) for i, r in enumerate(s.end_when)]
    for path, when, goto in ways:
        node = s.nodes.get(goto)
        if node is None or node.outcome is None or not node.outcome.claims:
            continue
        parsed: Condition | None = None
        if when is not None:
            try:
                parsed = Condition.parse(when)
            except ConditionError:
                continue  # E110 reports it
        for claim in node.outcome.claims:
            absent = {claim: False, f"seen.{claim}": False}
            if parsed is not None and parsed.settle(absent.get) is False:
                continue
            taken = "always" if parsed is None else f"when '{when}' holds"
            yield Problem((*path, "when") if parsed is not None else (*path, "goto"),
                          f"this route to '{goto}' is taken {taken}, even with no {claim} in the call, but "
                          f"its outcome claims it (\"{node.outcome.label}\")",
                          f"Add `and seen.{claim}` to the condition and send the other calls to an ending that "
                          "says what happened, or take the claim out of the label and `claims`.")


@check("E119")
def unknown_act(lint: Lint) -> Iterator[Problem]:
    """A dialogue act that callsim does not know, in a condition (``act.x``, ``seen.act.x``) or a line's
    ``presupposes``."""
    known = "Acts: " + ", ".join(ACT_IDS) + " (docs/authoring.md, Dialogue acts)."
    for u in lint.unknown_names:
        if u.kind == "act":
            yield Problem(u.path, f"unknown act '{u.name}' in '{u.source}'",
                          _hint(did_you_mean(u.name, ACT_IDS), known), offset=u.offset)
    for nid, node in lint.scenario.nodes.items():
        for i, line in enumerate(node.say):
            for j, act in enumerate(line.presupposes):
                if act not in ACT_IDS:
                    yield Problem(("nodes", nid, "say", i, "presupposes", j), f"unknown act '{act}'",
                                  _hint(did_you_mean(act, ACT_IDS), known))


def _settled(when: str | None, known: Callable[[str], Value | None], *, none: bool | None,
             bad: bool | None) -> bool | None:
    """``when`` settled with what ``known`` knows (:meth:`Condition.settle`): ``none`` when there is no condition,
    ``bad`` when it does not parse (E110 reports it)."""
    if when is None:
        return none
    try:
        return Condition.parse(when).settle(known)
    except ConditionError:
        return bad


def _requires(when: str | None, act: str) -> bool:
    """Can a route with condition ``when`` be taken only when ``act`` happened (in this reply or before)?"""
    absent = {PREFIX + act: False, f"seen.{PREFIX}{act}": False}
    return _settled(when, absent.get, none=None, bad=False) is False


@check("E120")
def unmet_presupposition(lint: Lint) -> Iterator[Problem]:
    """A node whose every line presupposes an act (``presupposes: [states_balance]``), reached by a route (or
    the start, or an ``end_when`` rule) that can be taken without it: the debtor would answer something that
    was never said. A way in is safe when, for some line, it requires every act the line presupposes."""
    s = lint.scenario
    ways: list[tuple[YPath, str | None, str]] = [(p, r.when, r.goto) for p, r in lint.routes()]
    ways += [(("end_when", i), r.when, r.goto) for i, r in enumerate(s.end_when)]
    ways.append((("start",), None, s.start))
    for path, when, goto in ways:
        node = s.nodes.get(goto)
        if node is None or any(not ln.presupposes for ln in node.say):
            continue
        if any(all(_requires(when, a) for a in ln.presupposes if a in ACT_IDS) for ln in node.say):
            continue
        needed = sorted({a for ln in node.say for a in ln.presupposes if a in ACT_IDS})  # not empty: see above
        taken = "at the start" if path == ("start",) else "always" if when is None else f"when '{when}' holds"
        yield Problem((*path, "when") if when is not None else path,
                      f"this way into '{goto}' is taken {taken}, even when no reply has done "
                      f"{' or '.join(needed)}, but every line of '{goto}' presupposes it",
                      f"Give '{goto}' a line with no `presupposes` (said when what the others need has not "
                      f"happened), or add `and seen.act.{needed[0]}` to the condition and send the other calls "
                      "elsewhere.")


@check("E121")
def unknown_answer(lint: Lint) -> Iterator[Problem]:
    """A line's ``asks`` (what answers the debtor's question) names neither a dialogue act nor a rubric behaviour,
    or a line has ``press`` (said when the question goes unanswered) but no ``asks`` to tell whether it was."""
    known = [*ACT_IDS, *sorted(lint.behaviours)]
    for nid, node in lint.scenario.nodes.items():
        for i, line in enumerate(node.say):
            for j, name in enumerate(line.asks):
                if name not in ACT_IDS and name not in lint.behaviours:
                    yield Problem(("nodes", nid, "say", i, "asks", j),
                                  f"'{name}' is neither a dialogue act nor a behaviour, so no reply could answer it",
                                  _hint(did_you_mean(name, known), "Acts: " + ", ".join(ACT_IDS) + "; behaviours: "
                                        "`callsim rubric` (docs/authoring.md, Questions the debtor asks)."))
            if line.asks and node.is_final:
                yield Problem(("nodes", nid, "say", i, "asks"),
                              f"'{nid}' is an ending: no reply follows its line, so nothing can answer it",
                              "Remove `asks` from the ending's line.", key=True)
            if line.press and not line.asks:
                yield Problem(("nodes", nid, "say", i, "press"),
                              "this line has `press` but no `asks`, so callsim cannot tell whether its question "
                              "was answered and never says it",
                              "Add `asks: [...]` with the acts or behaviours that answer the question, or remove "
                              "`press`.", key=True)


@check("E122")
def unknown_realism_target(lint: Lint) -> Iterator[Problem]:
    """A realism target (``realism: targets:``) whose ``reaches`` is neither a result (resolved, partial, failed)
    nor the outcome id of one of the scenario's endings: `callsim explore` could only report it missed."""
    s = lint.scenario
    if s.realism is None:
        return
    results = list(RESULTS)
    for i, target in enumerate(s.realism.targets):
        if target.reaches not in results and target.reaches not in s.outcomes:
            yield Problem(("realism", "targets", i, "reaches"),
                          f"no ending reaches '{target.reaches}': it is neither a result nor an outcome id here",
                          _hint(did_you_mean(target.reaches, [*results, *s.outcomes]),
                                f"A target reaches a result ({', '.join(results)}) or an outcome id "
                                f"({', '.join(sorted(s.outcomes))})."))


@check("E123")
def unknown_rule(lint: Lint) -> Iterator[Problem]:
    """A ``rules:`` entry that names no rule in ``core/data/channel_rules.yaml``, or one of the other
    jurisdiction: the debrief could not cite it."""
    from callsim.core.drills.rules import rulebook

    book = rulebook()
    where = lint.scenario.jurisdiction.value
    for i, rid in enumerate(lint.scenario.rules):
        if rid not in book.ids():
            yield Problem(("rules", i), f"no rule '{rid}' in callsim's rule data",
                          _hint(did_you_mean(rid, book.ids()), "`callsim drill rules` lists them."))
        elif book.get(rid).country != where:
            yield Problem(("rules", i), f"the rule '{rid}' is {book.get(rid).jurisdiction} law; this scenario is "
                                        f"{where}", "Name a rule of the scenario's own jurisdiction.")


@check("W301")
def unreachable_node(lint: Lint) -> Iterator[Problem]:
    s = lint.scenario
    if s.start not in s.nodes:
        return  # E101 says so; from nowhere, everything would be unreachable
    seen = {s.start}
    queue = deque([s.start])
    ends = [r.goto for r in s.end_when if r.goto in s.nodes]  # end_when rules reach their nodes from anywhere
    seen.update(ends)
    queue.extend(ends)
    while queue:
        for r in s.nodes[queue.popleft()].routes:
            if r.goto in s.nodes and r.goto not in seen:
                seen.add(r.goto)
                queue.append(r.goto)
    for nid in s.nodes:
        if nid not in seen:
            yield Problem(("nodes", nid), f"node '{nid}' can never be reached",
                          "Add a route that goes to it, or delete it.", key=True)


@check("W302")
def routes_after_default(lint: Lint) -> Iterator[Problem]:
    for path, _, node in lint.open_nodes():
        default_at = _default_route(node)
        if default_at is not None and default_at < len(node.routes) - 1:
            yield Problem((*path, "routes", default_at + 1),
                          f"routes after the default route (number {default_at + 1}) never fire",
                          "Move the route with no 'when' to the end.")


@check("W303")
def no_model_answer(lint: Lint) -> Iterator[Problem]:
    for path, nid, node in lint.open_nodes():
        if not node.model_answers:
            yield Problem(path, f"node '{nid}' has no model answer", "Add model_answers: what a skilled collector "
                          "would say here. Trainees see it as the better alternative.", key=True)


@check("W305")
def no_walkthroughs(lint: Lint) -> Iterator[Problem]:
    if not lint.scenario.walkthroughs:
        yield Problem(("id",), "the scenario has no walkthroughs", "Add walkthroughs: replies with the ending they "
                      "must reach, so `callsim test` checks the scenario still plays as written.")


@check("W306")
def single_variant(lint: Lint) -> Iterator[Problem]:
    for path, nid, node in lint.open_nodes():
        if len(node.say) < 2:
            yield Problem((*path, "say"), f"node '{nid}' has a single line",
                          "Add a variant or two so replays do not sound canned.", key=True)


@check("W307")
def answer_uses_untold_name(lint: Lint) -> Iterator[Problem]:
    """A model answer that names a private word (core/fit.py: "Ruby", "Maddie") that some way to its node
    has not told the trainee yet: on those calls it is not shown (the scorer composes a line instead)."""
    from callsim.core.fit import private_words, unknown_words

    s = lint.scenario
    private = private_words(s)
    if not private:
        return
    told = lint.told_on_every_way
    for path, nid, node in lint.open_nodes():
        known = told.get(nid, set()) | _heard_in(node)
        missing_by = [unknown_words(a.text, private, known) for a in node.model_answers]
        if any(not m and a.when is None for m, a in zip(missing_by, node.model_answers, strict=True)):
            continue  # an answer that every call here is shown: the named one is shown only when it fits
        for i, (a, missing) in enumerate(zip(node.model_answers, missing_by, strict=True)):
            if missing and a.when is None:
                names = ", ".join(f"'{w}'" for w in missing)
                yield Problem((*path, "model_answers", i), f"this model answer uses {names}, which a call can reach "
                              f"'{nid}' without the debtor having said, so those calls are shown no model answer here",
                              "Write it without the name, or add a variant that does not use it (the answers that fit "
                              "the call so far are the ones shown).")


def _heard_in(node: Node) -> set[str]:
    """The words every variant of a node's line says (whichever is picked, the trainee hears these)."""
    from callsim.core.fit import known_words

    return set.intersection(*(known_words([ln.text]) for ln in node.say)) if node.say else set()


# --------------------------------------------------------------------------- walkthroughs


@check("E201", "walkthroughs")
def walkthrough_failed(lint: Lint) -> Iterator[Problem]:
    # Imported here: playing a call needs the engine and the scorer (about 1.5 s to import, measured with
    # python -X importtime), which no other step needs.
    from callsim.core.walkthrough import run_walkthrough

    s = lint.scenario
    for i, w in enumerate(s.walkthroughs):
        if w.expect.outcome not in s.outcomes:
            continue  # E202
        result = run_walkthrough(s, w)
        if not result.passed:
            yield Problem(("walkthroughs", i), f"walkthrough '{w.name}' fails: {'; '.join(result.problems)}",
                          "Run `callsim test` on this file to see the call turn by turn.")


@check("W308")
def hang_up_at_high_trust(lint: Lint) -> Iterator[Problem]:
    """A route into a hang-up or complaint (a failed ending with a line said upset or angry, or with no tone) that
    can be taken while trust is at the scenario's high bound (``realism.high_trust``, 7 when left out) for a reply
    with no violation, no penalty behaviour and no request for money, and that does not lower trust below it:
    the debtor would hang up on someone they trust for nothing. Names the check cannot settle (this reply's other
    behaviours, the turn, flags) are taken as possible; an earlier route that is surely taken then
    (``when: trust >= 7 and not violations``) keeps the call from it. ``end_when`` rules are not checked (they
    test the mood themselves)."""
    s = lint.scenario
    if "trust" not in s.mood:
        return
    bound = s.realism.high_trust if s.realism is not None and s.realism.high_trust is not None else HIGH_TRUST
    hurt = {b.id for b in lint.rubric.behaviours if b.is_violation or b.kind == "penalty"}
    known: dict[str, float | bool | None] = {**dict.fromkeys(hurt, False), **{f"seen.{h}": None for h in hurt},
                                "violations": 0.0, "blocker": False, "asks_payment": False, "act.asks_payment": False,
                                "lump_sum": 0.0, "plan_amount": 0.0, "trust": bound}

    def settle(when: str | None) -> bool | None:
        return _settled(when, known.get, none=True, bad=False)

    def hangs_up(node: Node | None) -> bool:
        return node is not None and node.outcome is not None and node.outcome.result == "failed" and any(
            ln.tone is None or ln.tone in HANGS_UP for ln in node.say)

    for path, _, node in lint.open_nodes():
        for i, route in enumerate(node.routes):
            if any(settle(r.when) is True for r in node.routes[:i]):
                break  # an earlier route is always taken for such a reply
            if not hangs_up(s.nodes.get(route.goto)) or settle(route.when) is False:
                continue
            if bound + route.mood.get("trust", 0.0) < bound:
                continue
            taken = "always" if route.when is None else f"when '{route.when}' holds"
            yield Problem((*path, "routes", i, "when") if route.when is not None else (*path, "routes", i),
                          f"this route into '{route.goto}' (a hang-up or complaint) is taken {taken}, even while "
                          f"trust is {bound:g} or more and the reply broke no rule and asked for no money: the debtor "
                          "would hang up on someone they trust",
                          "Put a route before it for a debtor who still trusts the trainee (`when: trust >= "
                          f"{bound:g} and not violations`, to a node that goes on), make it require what hurt "
                          "(`violations`, a penalty behaviour, `asks_payment`), or lower trust on it "
                          "(`mood: {trust: -3}`).")


@check("W309")
def warm_line_when_angry(lint: Lint) -> Iterator[Problem]:
    """A ``warm`` line that can only be said while anger is at 70% of its range or more: its own ``when`` needs it,
    or every way into its node does (routes, ``end_when`` rules, the start). The words and the numbers would
    disagree every time it is said (``callsim explore`` finds the cases that depend on the call)."""
    s = lint.scenario
    anger = s.mood.get("anger")
    if anger is None:
        return
    below = anger.min + HIGH_ANGER * (anger.max - anger.min) - 1e-6

    lower = [anger.min + k * (below - anger.min) / 20 for k in range(21)]  # anger values below the bound

    def needs_anger(when: str | None) -> bool:
        """False at every anger below the bound, whatever else holds."""
        return all(_settled(when, {"anger": a}.get, none=True, bad=True) is False for a in lower)

    ways: dict[str, list[str | None]] = {nid: [] for nid in s.nodes}
    for _, route in lint.routes():
        ways.setdefault(route.goto, []).append(route.when)
    for rule in s.end_when:
        ways.setdefault(rule.goto, []).append(rule.when)
    ways.setdefault(s.start, []).append(None)
    for nid, node in s.nodes.items():
        into = ways.get(nid, [])
        angry_node = bool(into) and all(needs_anger(w) for w in into)
        for i, line in enumerate(node.say):
            if line.tone == "warm" and (angry_node or needs_anger(line.when)):
                why = "its `when`" if needs_anger(line.when) else f"every way into '{nid}'"
                yield Problem(("nodes", nid, "say", i, "tone"),
                              f"a warm line that can only be said while anger is {below + 1e-6:g} or more ({why} "
                              "needs it): the words and the numbers disagree",
                              "Give the line the tone it has at that anger (wary, upset, angry), or say it only "
                              "when anger is lower.")
