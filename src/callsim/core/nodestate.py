"""The state a call has at a node: what ``callsim score --node`` and ``callsim preview --node`` start from.

A reply scored or played at a node in the middle of a call must be judged against the call as it is
there: identity already checked, a vulnerability already told, a plan already on the table. Starting from
the scenario's opening flags instead makes a verified debtor a stranger, so reading out the balance to
them is a "disclosure to a third party".

:func:`state_at` derives that state, in this order:

1. the start node: the opening state;
2. the scenario's own walkthroughs, in file order: the first that passes through the node is replayed up
   to its first arrival there (real scoring, real routes, so mood, flags, disclosed facts, the plan and
   the replies so far are exactly what that call had);
3. else the shortest chain of routes from the start whose effects can be applied: each route's ``set``
   and ``mood`` are applied and each node's ``discloses`` added; a route is only taken when what is known
   (mood, flags, the turn) does not rule its condition out, no route before it is certain to fire
   instead, and no ``end_when`` rule is certain to end the call on the way;
4. else (nothing reaches the node) the opening state.

``--set NAME=VALUE`` values are laid over the result (:meth:`NodeState.with_settings`). The state says
where it came from (:meth:`NodeState.summary`), so a trainer can see what a reply was judged against.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from callsim.core.conditions import Value
from callsim.core.diagnostics import did_you_mean
from callsim.core.record import CallState, ScenarioRef, Turn

if TYPE_CHECKING:
    from callsim.core.engine import Call, CompiledScenario
    from callsim.core.models import Scenario, Walkthrough
    from callsim.core.scorer import ScoringContext

Setting = float | bool
Source = Literal["start", "walkthrough", "routes", "unreached", "kept"]  # kept: a preview jump kept its own
_TRUE_WORDS = ("true", "yes", "1", "on")
_BOOL_WORDS = (*_TRUE_WORDS, "false", "no", "0", "off")
_KNOWN_FIXED = ("balance", "affordable")  # names a condition may read whose value the scenario fixes


class StateError(ValueError):
    """A node or setting the scenario does not have (the message says what it does have)."""


# --------------------------------------------------------------------------- --set NAME=VALUE


def parse_setting(text: str) -> tuple[str, str]:
    """``anger=8`` -> ("anger", "8"), for ``--set``."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise StateError(f"'{text}' is not NAME=VALUE (for example anger=8 or identity_verified=true)")
    return name.strip(), value.strip()


def check_settings(scenario: Scenario, raw: Mapping[str, object],
                   kind: Literal["mood", "flag"] | None = None) -> dict[str, Setting]:
    """Mood values and flags (``--set`` text, or JSON numbers and booleans) checked against the scenario.

    ``kind`` limits the names to mood variables or to flags (the ``mood`` and ``flags`` of a JSON line).
    """
    out: dict[str, Setting] = {}
    for name, value in raw.items():
        if name in scenario.mood and kind != "flag":
            decl = scenario.mood[name]
            number = _number(value)
            if number is None:
                raise StateError(f"mood '{name}' takes a number from {decl.min:g} to {decl.max:g}, not '{value}'")
            if not decl.min <= number <= decl.max:
                raise StateError(f"mood '{name}' goes from {decl.min:g} to {decl.max:g}; {number:g} is outside")
            out[name] = number
        elif name in scenario.flags and kind != "mood":
            word = str(value).lower()
            if not isinstance(value, bool | str) or word not in _BOOL_WORDS:
                raise StateError(f"flag '{name}' is true or false, not '{value}'")
            out[name] = word in _TRUE_WORDS
        else:
            known = [*(scenario.mood if kind != "flag" else ()), *(scenario.flags if kind != "mood" else ())]
            what = {"mood": "a mood variable", "flag": "a flag", None: "a mood variable or flag"}[kind]
            raise StateError(f"'{name}' is not {what} of {scenario.id}."
                             f"{did_you_mean(name, known)} It has: {', '.join(known) or 'none'}.")
    return out


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def check_node(scenario: Scenario, node: str) -> None:
    if node not in scenario.nodes:
        raise StateError(f"no node '{node}' in {scenario.id}.{did_you_mean(node, scenario.nodes)}")


# --------------------------------------------------------------------------- the state


@dataclass(frozen=True)
class NodeState:
    """A call's state on arriving at ``node``, and where it came from."""

    node: str
    source: Source
    description: str  # "as reached by walkthrough 'kind_agent' at turn 3"
    mood: dict[str, float]
    flags: dict[str, bool]
    disclosed: tuple[str, ...] = ()
    path: tuple[str, ...] = ()  # the nodes before this one, from the start
    seen: dict[str, int] = field(default_factory=dict)
    budget_disclosed: bool = False
    last_plan: float = 0.0
    turns: tuple[Turn, ...] = ()  # the walkthrough's turns up to here (none for a chain of routes)
    settings: dict[str, Setting] = field(default_factory=dict)  # what --set (or a JSON line) laid over it

    @property
    def earlier_replies(self) -> tuple[str, ...]:
        return tuple(t.reply for t in self.turns)

    def with_settings(self, settings: Mapping[str, Setting]) -> NodeState:
        """This state with checked ``--set`` values laid over it (see :func:`check_settings`)."""
        if not settings:
            return self
        mood, flags = dict(self.mood), dict(self.flags)
        for name, value in settings.items():
            if name in mood and not isinstance(value, bool):
                mood[name] = float(value)
            elif name in flags:
                flags[name] = bool(value)
        return replace(self, mood=mood, flags=flags, settings={**self.settings, **settings})

    def summary(self) -> str:
        """One line: "state at 'budget_talk': as reached by walkthrough 'kind_agent' at turn 3: identity_verified"."""
        on = [name for name, value in self.flags.items() if value]
        text = f"state at '{self.node}': {self.description}: {', '.join(on) or 'no flags set'}"
        if self.settings:
            text += "; set: " + ", ".join(f"{k}={_show(v)}" for k, v in self.settings.items())
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "source": self.source,
            "description": self.description,
            "path": list(self.path),
            "flags": dict(self.flags),
            "mood": {k: round(v, 2) for k, v in self.mood.items()},
            "disclosed": list(self.disclosed),
            "plan": self.last_plan or None,
            "set": {k: v for k, v in self.settings.items()},
        }

    def call_state(self, compiled: CompiledScenario, seed: int = 1) -> CallState:
        """A saved call at this state, for :meth:`CompiledScenario.restore`."""
        s = compiled.scenario
        return CallState(
            scenario=ScenarioRef(id=s.id, version=s.version), seed=seed, node=self.node, mood=dict(self.mood),
            flags=dict(self.flags), seen=dict(self.seen), disclosed=self.disclosed,
            budget_disclosed=self.budget_disclosed, last_plan=self.last_plan, outcome=None, turns=self.turns,
        )

    def call(self, compiled: CompiledScenario, seed: int = 1) -> Call:
        """A call at this node in this state (the debtor's line is chosen as the call would choose it)."""
        return compiled.restore(self.call_state(compiled, seed))

    def scoring_context(self, compiled: CompiledScenario, debtor_line: str = "") -> ScoringContext:
        """Just what a call in this state scores a reply at this node with (``debtor_line``, if given, over
        the line the debtor says here)."""
        call = self.call(compiled)
        try:
            ctx = call.scoring_context()
        finally:
            call.end_by_trainee()
        return replace(ctx, debtor_line=debtor_line or ctx.debtor_line)


def _show(v: Setting) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else f"{v:g}"


# --------------------------------------------------------------------------- deriving it


def state_at(compiled: CompiledScenario, node: str) -> NodeState:
    """The state a call has on arriving at ``node`` (see the module docstring for the order tried)."""
    scenario = compiled.scenario
    check_node(scenario, node)
    if node == scenario.start:
        return _opening(compiled)
    for walkthrough in scenario.walkthroughs:
        for call in _replay(compiled, walkthrough):
            if call.node_id == node:
                return _from_call(call, walkthrough)
    return _by_routes(compiled).get(node) or _unreached(compiled, node)


def states(compiled: CompiledScenario) -> dict[str, NodeState]:
    """:func:`state_at` for every node, each walkthrough replayed once."""
    scenario = compiled.scenario
    found: dict[str, NodeState] = {scenario.start: _opening(compiled)}
    for walkthrough in scenario.walkthroughs:
        for call in _replay(compiled, walkthrough):
            if call.node_id not in found:
                found[call.node_id] = _from_call(call, walkthrough)
    chains = _by_routes(compiled)
    return {nid: found.get(nid) or chains.get(nid) or _unreached(compiled, nid) for nid in scenario.nodes}


def _opening(compiled: CompiledScenario) -> NodeState:
    s = compiled.scenario
    start = s.nodes[s.start]
    return NodeState(s.start, "start", "the start of the call", mood={k: float(v.start) for k, v in s.mood.items()},
                     flags={k: s.flag_start(k) for k in s.flags}, disclosed=tuple(start.discloses))


def _unreached(compiled: CompiledScenario, node: str) -> NodeState:
    s = compiled.scenario
    how = ("only an end_when rule ends the call here" if any(rule.goto == node for rule in s.end_when)
           else "no walkthrough or route reaches it")
    return replace(_opening(compiled), node=node, source="unreached", disclosed=tuple(s.nodes[node].discloses),
                   description=f"{how}, so the opening state")


def _replay(compiled: CompiledScenario, walkthrough: Walkthrough) -> Iterator[Call]:
    """The walkthrough's call at each node it arrives at, the start included. Released when left."""
    call = compiled.new_call(walkthrough.seed)
    try:
        yield call
        for reply in walkthrough.replies:
            if call.ended:
                break
            call.respond(reply)
            yield call
    finally:
        call.end_by_trainee()  # a call left mid-way must not stay on the shared machine


def _from_call(call: Call, walkthrough: Walkthrough) -> NodeState:
    st = call.state()
    turn = len(call.turns) + 1
    return NodeState(
        call.node_id, "walkthrough", f"as reached by walkthrough '{walkthrough.name}' at turn {turn}",
        mood=dict(call.mood), flags=dict(call.flags), disclosed=tuple(call.disclosed),
        path=tuple(t.node for t in call.turns), seen=dict(st.seen), budget_disclosed=call.budget_disclosed,
        last_plan=call.last_plan, turns=call.turns,
    )


@dataclass(frozen=True)
class _Step:
    node: str
    mood: dict[str, float]
    flags: dict[str, bool]
    disclosed: tuple[str, ...]
    path: tuple[str, ...]

    def key(self) -> tuple[object, ...]:
        return (self.node, tuple(sorted(self.flags.items())), tuple(sorted((k, round(v, 2))
                                                                           for k, v in self.mood.items())))


def _by_routes(compiled: CompiledScenario) -> dict[str, NodeState]:
    """Breadth first from the start over the routes that can be taken: the first arrival at each node."""
    s = compiled.scenario
    opening = _opening(compiled)
    first = _Step(s.start, opening.mood, opening.flags, opening.disclosed, ())
    queue, seen_keys = deque([first]), {first.key()}
    found: dict[str, NodeState] = {}
    limit = 2 * len(s.nodes)  # no shortest chain is longer; mood loops stop here
    while queue:
        step = queue.popleft()
        if step.node not in found and step.node != s.start:
            chain = " \u2192 ".join((*step.path, step.node))
            found[step.node] = NodeState(step.node, "routes", f"by the shortest chain of routes: {chain}",
                                         mood=step.mood, flags=step.flags, disclosed=step.disclosed, path=step.path)
        node = s.nodes[step.node]
        if node.is_final or len(step.path) >= limit:
            continue
        for nxt in _next_steps(compiled, step):
            if nxt.key() not in seen_keys:
                seen_keys.add(nxt.key())
                queue.append(nxt)
    return found


def _next_steps(compiled: CompiledScenario, step: _Step) -> Iterator[_Step]:
    s = compiled.scenario
    turn = float(len(step.path) + 1)

    def known(mood: Mapping[str, float], flags: Mapping[str, bool]) -> Any:
        def get(name: str) -> Value | None:
            if name == "turn":
                return turn
            if name in _KNOWN_FIXED:
                return s.debt.balance if name == "balance" else s.budget.affordable_monthly
            if name in mood:
                return mood[name]
            if name in flags:
                return flags[name]
            return None  # what the reply does (and what earlier replies did) is not known

        return get

    from callsim.core.engine import apply_mood

    here = known(step.mood, step.flags)
    for route in s.nodes[step.node].routes:
        verdict = True if route.when is None else compiled.condition(route.when).settle(here)
        if verdict is not False:
            mood = dict(step.mood)
            apply_mood(s, mood, route.mood, cap=False)
            flags = {**step.flags, **{k: v for k, v in route.set.items() if k in step.flags}}
            target = s.nodes[route.goto]
            after = known(mood, flags)
            ends = not target.is_final and any(compiled.condition(rule.when).settle(after) is True
                                               for rule in s.end_when)
            if not ends:
                disclosed = step.disclosed + tuple(f for f in target.discloses if f not in step.disclosed)
                yield _Step(route.goto, mood, flags, disclosed, (*step.path, step.node))
        if verdict is True:
            return  # this route is certain to fire, so none after it can
