"""The conversation engine: a validated scenario compiled to a ``transitions`` state machine.

One :class:`CompiledScenario` per scenario (a ``Machine`` built once and cached), one :class:`Call` per
call (added to the machine as a model, removed when the call ends). A call exposes the debtor's current
line and cues, the guided choices, :meth:`Call.respond`, whether it has ended, and its record; it saves
to JSON and restores from it. Same scenario, same seed, same replies: the same call, byte for byte.

Each turn: score the reply in the context of the node and the debtor's words; apply the rubric's default
mood effects; pick the first route whose condition holds and apply its mood changes and flags; then, if
an ``end_when`` rule holds (anger at its maximum, say), end the call there instead.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from transitions import EventData, Machine

from callsim.core import builtin_names, fit, verdict
from callsim.core.acts import ACT_IDS, PREFIX
from callsim.core.builtin_names import BUILTIN_NAMES as BUILTIN_NAMES  # the names lint and the guide know
from callsim.core.conditions import Condition, Value
from callsim.core.models import Choice, Line, Node, Outcome, Scenario
from callsim.core.money import plan_amount
from callsim.core.placeholders import fill
from callsim.core.record import (
    RECORD_FORMAT,
    CallRecord,
    CallScores,
    CallState,
    Compliance,
    DebtorWords,
    PlanCheck,
    RecordFormatError,
    RouteTaken,
    ScenarioRef,
    Turn,
)
from callsim.core.rubric import EMPATHY_IDS, load_rubric
from callsim.core.scorer import HARDSHIP, Scorer, ScoringContext, TurnScore, default_scorer

__all__ = ["RECORD_FORMAT", "Call", "CallRecord", "CallState", "CompiledScenario", "RecordFormatError", "Turn"]
ENDED_BY_TRAINEE = Outcome(id="ended_by_trainee", label="Call ended by the trainee", result="failed")
_EMPATHY_BREACHES = {"false_empathy", "minimising", "blaming", "abusive_language", "coercive_shaming", "commanding"}
_CORE_EMPATHY = {"emotional_reaction", "interpretation", "exploration", "validation", "thanks_for_disclosure"}
_DEFAULT_CAP = 2.0  # most a var moves per turn from the rubric's default effects (per 10 of its range)


class ScenarioRuntimeError(RuntimeError):
    pass


@dataclass(frozen=True)
class DebtorLine:
    node: str
    text: str
    cues: tuple[str, ...]
    tone: str | None = None  # the line's tone, when the scenario gives one (models.Line.tone)
    asks: tuple[str, ...] = ()  # the acts or behaviours that answer the question this line asks (models.Line.asks)
    press: str = ""  # said before the next line when the reply does not answer it (models.Line.press)


class _Model:
    """The object ``transitions`` drives. Kept bare so no trigger name can shadow an attribute."""

    state: str
    # Bound by transitions at add_model (annotations only, so nothing shadows them).
    advance: Callable[..., bool]
    interrupt: Callable[..., bool]

    def __init__(self) -> None:
        self.fired: tuple[str, int] | None = None


class CompiledScenario:
    """A scenario with its conditions parsed and its machine built. Build once, share between calls."""

    def __init__(self, scenario: Scenario, scorer: Scorer | None = None) -> None:
        self.scenario = scenario
        self.scorer = scorer or default_scorer()
        self.rubric = self.scorer.rubric
        # Which way each mood variable goes when a reply goes well (+1 trust, -1 anger and distress), from the
        # rubric's nudges for what is not a penalty: a route's change that way is scaled by a reply's fresh words.
        self.good_way: dict[str, float] = {}
        for b in self.rubric.behaviours:
            if b.kind != "penalty":
                for var, delta in b.mood.items():
                    self.good_way[var] = self.good_way.get(var, 0.0) + delta
        self._conds: dict[str, Condition] = {}
        self.private_words = fit.private_words(scenario)  # names a model answer may use only once given
        states: list[dict[str, Any]] = [
            {"name": nid, "final": node.is_final} for nid, node in scenario.nodes.items()
        ]
        transitions: list[dict[str, Any]] = []
        for nid, node in scenario.nodes.items():
            for i, route in enumerate(node.routes):
                transitions.append({
                    "trigger": "advance",
                    "source": nid,
                    "dest": route.goto,
                    "conditions": [self._route_check(nid, i)],
                    "before": [self._mark(nid, i)],
                })
        live = [nid for nid, n in scenario.nodes.items() if not n.is_final]
        for i, rule in enumerate(scenario.end_when):
            transitions.append({
                "trigger": "interrupt",
                "source": live,
                "dest": rule.goto,
                "conditions": [self._end_check(i)],
                "before": [self._mark("@end_when", i)],
            })
        self.machine = Machine(
            model=None,
            states=states,
            transitions=transitions,
            initial=scenario.start,
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=True,
        )

    def condition(self, source: str) -> Condition:
        cond = self._conds.get(source)
        if cond is None:
            cond = self._conds[source] = Condition.parse(source)
        return cond

    def _route_check(self, nid: str, i: int) -> Callable[[EventData], bool]:
        route = self.scenario.nodes[nid].routes[i]
        if route.when is None:
            return lambda event: True
        cond = self.condition(route.when)
        return lambda event: cond.evaluate(event.kwargs["lookup"])

    def _end_check(self, i: int) -> Callable[[EventData], bool]:
        cond = self.condition(self.scenario.end_when[i].when)
        return lambda event: cond.evaluate(event.kwargs["lookup"])

    @staticmethod
    def _mark(nid: str, i: int) -> Callable[[EventData], None]:
        def mark(event: EventData) -> None:
            model = cast(_Model, event.model)
            model.fired = (nid, i)

        return mark

    def new_call(self, seed: int = 1) -> Call:
        return Call(self, seed)

    def restore(self, data: CallState | Mapping[str, Any] | str) -> Call:
        """A call taken back from its saved state (:meth:`Call.state`, or its JSON).

        Raises :class:`RecordFormatError` for a state in a format this callsim does not read, and
        :class:`ScenarioRuntimeError` for a state of another scenario or at a node it no longer has."""
        if not isinstance(data, CallState):
            data = CallState.from_json(data)
        elif isinstance(data, CallRecord):
            data = data.state
        return Call.from_state(self, data)

    def rewind(self, record: CallState | Mapping[str, Any], index: int) -> Call:
        """"What if": the call as it was just before turn ``index`` (1-based) of ``record`` was played."""
        if not isinstance(record, CallState):
            record = CallRecord.from_json(record) if "scores" in record else CallState.from_json(record)
        return self.restore(state_before_turn(self.scenario, record, index))


class Call:
    """One call in progress (or finished)."""

    def __init__(self, compiled: CompiledScenario, seed: int = 1, *, _state: CallState | None = None) -> None:
        self.compiled = compiled
        self.scenario = compiled.scenario
        self.seed = seed
        self._model = _Model()
        # What the debtor's current line presupposes that has not happened: empty but for a stale file whose node
        # has no line it can say (lint reports it as E120); explore counts it.
        self.unmet: tuple[str, ...] = ()
        # Whether the last reply answered the question the debtor's line before it asked (``asks``): None when
        # that line asked nothing. Conditions read it as ``answered`` and ``unanswered``.
        self.answered: bool | None = None
        s = self.scenario
        if _state is None:
            self.mood = {k: float(v.start) for k, v in s.mood.items()}
            self.flags = {k: s.flag_start(k) for k in s.flags}
            self._turns: list[Turn] = []
            self.seen: Counter[str] = Counter()
            self.disclosed: list[str] = []
            self.budget_disclosed = False
            self.last_plan = 0.0
            self.outcome: Outcome | None = None
            node = s.start
        else:
            self.mood = {k: float(v) for k, v in _state.mood.items()}
            self.flags = dict(_state.flags)
            self._turns = list(_state.turns)
            self.seen = Counter(_state.seen)
            self.disclosed = list(_state.disclosed)
            self.budget_disclosed = _state.budget_disclosed
            self.last_plan = _state.last_plan
            self.outcome = _state.outcome
            self.answered = _state.turns[-1].answered if _state.turns else None
            node = _state.node
        compiled.machine.add_model(self._model, initial=node)
        self._enter(node, fresh=_state is None)
        if self.ended:
            self._release()

    # ---- what the debtor says -----------------------------------------------------------------
    @property
    def turns(self) -> tuple[Turn, ...]:
        """The turns so far (only the engine adds to them)."""
        return tuple(self._turns)

    @property
    def node_id(self) -> str:
        return self._model.state

    @property
    def node(self) -> Node:
        return self.scenario.nodes[self.node_id]

    def _pick_line(self, node_id: str, turn: int) -> Line:
        node = self.scenario.nodes[node_id]
        lookup = self._lookup(None)
        # A line is said only once everything it presupposes has happened in the call (lint sees to it that a
        # node always has one); with none, a stale file still plays, and ``unmet`` says what is missing.
        said = [ln for ln in node.say if all(self.seen[PREFIX + a] for a in ln.presupposes)]
        if not said:
            said = list(node.say)
        # A variant whose condition holds comes first; then one that answers what happened (its presuppositions
        # hold); then the plain ones.
        conditioned = [ln for ln in said if ln.when and self.compiled.condition(ln.when).evaluate(lookup)]
        answering = [ln for ln in said if not ln.when and ln.presupposes]
        pool = conditioned or answering or [ln for ln in said if not ln.when] or said
        rng = random.Random(f"{self.seed}:{turn}:{node_id}")
        line = pool[rng.randrange(len(pool))]
        self.unmet = tuple(a for a in line.presupposes if not self.seen[PREFIX + a])
        return line

    def _enter(self, node_id: str, *, fresh: bool, react: str = "") -> None:
        line = self._pick_line(node_id, len(self._turns))
        node = self.scenario.nodes[node_id]
        s = self.scenario
        text = f"{react.strip()} {line.text.strip()}" if react.strip() else line.text.strip()
        self._line = DebtorLine(node_id, fill(text, s),
                                tuple(fill(c, s) for c in (line.cue, *node.cues) if c), line.tone,
                                tuple(line.asks), fill(line.press, s))
        if fresh:
            for fact in node.discloses:
                if fact not in self.disclosed:
                    self.disclosed.append(fact)
        if node.outcome is not None and self.outcome is None:
            self.outcome = node.outcome

    @property
    def line(self) -> DebtorLine:
        return self._line

    @property
    def choices(self) -> list[Choice]:
        return [] if self.ended else list(self.node.choices)

    @property
    def ended(self) -> bool:
        return self.outcome is not None

    # ---- a turn -------------------------------------------------------------------------------
    def _lookup(self, score: TurnScore | None, extra: dict[str, Value] | None = None) -> Callable[[str], Value]:
        ids = score.ids if score else set()
        base: dict[str, Value] = builtin_names.values(self, score)
        did = set(score.acts) if score else set()
        base.update({PREFIX + a: a in did for a in ACT_IDS})
        if extra:
            base.update(extra)
        by_id = self.compiled.rubric.by_id

        def get(name: str) -> Value:
            if name in base:
                return base[name]
            if name in self.mood:
                return self.mood[name]
            if name in self.flags:
                return self.flags[name]
            if name.startswith("seen."):
                return self.seen[name[5:]] > 0
            if name in by_id:
                return name in ids
            raise ScenarioRuntimeError(f"unknown name '{name}' in a condition")

        return get

    def _tuned(self, nudges: dict[str, float]) -> dict[str, float]:
        """The rubric's default nudges as this scenario's mood variables take them (``nudges`` on each)."""
        mood = self.scenario.mood
        return {var: delta * mood[var].nudges for var, delta in nudges.items() if var in mood}

    def _apply_mood(self, changes: dict[str, float], *, cap: bool) -> None:
        apply_mood(self.scenario, self.mood, changes, cap=cap)

    def scoring_context(self, counts_as: tuple[str, ...] = ()) -> ScoringContext:
        """What the scorer knows about a reply given now: the debtor's line, the node, the flags, the replies so far."""
        lookup = self._lookup(None)
        said = [self._line.text, *(x for t in self._turns for x in (t.debtor.text, t.reply))]
        return ScoringContext(
            debtor_line=self._line.text,
            scenario=self.scenario,
            node=self.node,
            flags=dict(self.flags),
            counts_as=counts_as,
            earlier_replies=tuple(t.reply for t in self._turns),
            model_answers=fit.fitting(self.node.model_answers, self.compiled.private_words, said,
                                      lambda when: self.compiled.condition(when).evaluate(lookup)),
        )

    def respond(self, text: str, choice: int | None = None) -> Turn:
        """Take the trainee's reply (or guided choice number, 0-based) and move the call on."""
        if self.ended:
            raise ScenarioRuntimeError("the call has ended")
        node_id, node, line = self.node_id, self.node, self._line
        counts_as: tuple[str, ...] = ()
        if choice is not None:
            if not 0 <= choice < len(node.choices):
                raise ValueError(f"choice {choice + 1} does not exist here (1-{len(node.choices)})")
            text, counts_as = node.choices[choice].text, tuple(node.choices[choice].counts_as)
        score = self.compiled.scorer.score(text, self.scoring_context(counts_as))
        mood_before = dict(self.mood)
        did = {*score.ids, *score.acts}
        self.answered = any(a in did for a in line.asks) if line.asks else None
        good: dict[str, float] = {}
        hurtful: dict[str, float] = {}  # the nudges of what hurt the call alone
        for bid in score.ids:
            behaviour = self.compiled.rubric.get(bid)
            into = hurtful if behaviour.kind == "penalty" else good
            for var, delta in behaviour.mood.items():
                into[var] = into.get(var, 0.0) + delta
        good, hurtful = self._tuned(good), self._tuned(hurtful)
        # Words said before in this call win less: half the second time, a quarter the third. The share is taken
        # of what the reply could win at most (the capped gain), so a reply with many good moves, pasted again,
        # still wins less each time rather than hitting the cap twice.
        limited = capped(self.scenario, good) if score.fresh < 1 else good
        defaults = {var: limited.get(var, 0.0) * score.fresh + hurtful.get(var, 0.0) for var in good.keys() | hurtful}
        self._apply_mood(defaults, cap=True)
        for bid in score.ids:
            self.seen[bid] += 1
        for act in score.acts:
            self.seen[PREFIX + act] += 1
        if "affordability_check" in score.ids:
            self.budget_disclosed = True
        plan = plan_amount(list(score.amounts))
        if plan > 0:
            self.last_plan = plan

        lookup = self._lookup(score)
        self._model.fired = None
        self._model.advance(lookup=lookup)
        route_info: RouteTaken | None = None
        react = ""
        if self._model.fired is not None:
            _, i = self._model.fired
            route = node.routes[i]
            # Words said before win less on the route too: what the route gives for a good reply (trust up,
            # anger down) is scaled by the reply's fresh words, as the rubric's nudges are above.
            route_mood = {var: delta * score.fresh if delta * self.compiled.good_way.get(var, 0.0) > 0 else delta
                          for var, delta in route.mood.items()}
            self._apply_mood(route_mood, cap=False)
            self.flags.update(route.set)
            route_info = RouteTaken(index=i, when=route.when, goto=route.goto, note=route.note)
            react = route.react
        else:  # lint guarantees a default route; a stale file could still get here
            raise ScenarioRuntimeError(f"no route out of node '{node_id}' fired")
        if not self.scenario.nodes[self.node_id].is_final and self.scenario.end_when:
            self._model.fired = None
            self._model.interrupt(lookup=self._lookup(score))
            if self._model.fired is not None:
                rule = self.scenario.end_when[self._model.fired[1]]
                route_info = RouteTaken(index=None, when=rule.when, goto=rule.goto, note="end_when")
                react = ""  # the route's reaction answered a move the call did not make
        ending = self.scenario.nodes[self.node_id].outcome
        if ending is not None and ending.result == "failed" and hurtful != defaults:
            # They hang up or complain: the warm words in this last reply did not win any trust back, so
            # the mood (and the chart drawn from it) must not end on a rise. Only what hurt, and the route.
            self.mood = dict(mood_before)
            self._apply_mood(hurtful, cap=True)
            self._apply_mood(route_mood, cap=False)

        turn = Turn(
            index=len(self._turns) + 1,
            node=node_id,
            debtor=DebtorWords(text=line.text, cues=line.cues),
            reply=text,
            choice=None if choice is None else choice + 1,
            scores=_rounded(score.as_dict()),
            route=route_info,
            mood_before=_round_map(mood_before),
            mood=_round_map(self.mood),
            flags=dict(self.flags),
            next=self.node_id,
            answered=self.answered,
        )
        self._turns.append(turn)
        if not react and self.answered is False and not self.scenario.nodes[self.node_id].is_final:
            react = line.press  # the debtor asked and was not answered: they press before going on
        self._enter(self.node_id, fresh=True, react=react)
        if self.ended:
            self._release()
        return turn

    def end_by_trainee(self) -> None:
        if not self.ended:
            self.outcome = ENDED_BY_TRAINEE
            self._release()

    def _release(self) -> None:
        if self._model in self.compiled.machine.models:
            self.compiled.machine.remove_model(self._model)

    # ---- records ------------------------------------------------------------------------------
    def state(self) -> CallState:
        """Everything needed to resume this call (see :meth:`CompiledScenario.restore`)."""
        return CallState(
            scenario=ScenarioRef(id=self.scenario.id, version=self.scenario.version),
            seed=self.seed,
            node=self.node_id,
            mood=_round_map(self.mood),
            flags=dict(self.flags),
            seen=dict(sorted(self.seen.items())),
            disclosed=tuple(self.disclosed),
            budget_disclosed=self.budget_disclosed,
            last_plan=self.last_plan,
            outcome=self.outcome,
            turns=tuple(self._turns),
        )

    def to_json(self) -> str:
        return json.dumps(self.state().to_json(), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_state(cls, compiled: CompiledScenario, state: CallState) -> Call:
        if state.scenario.id != compiled.scenario.id:
            raise ScenarioRuntimeError(
                f"this saved call is for scenario '{state.scenario.id}', not '{compiled.scenario.id}'"
            )
        if state.node not in compiled.scenario.nodes:
            raise ScenarioRuntimeError(
                f"this saved call is at node '{state.node}', which scenario version "
                f"{compiled.scenario.version} no longer has"
            )
        return cls(compiled, state.seed, _state=state)

    def record(self) -> CallRecord:
        """The call record: the state plus the call-level scores, compliance and pass/fail."""
        state = self.state()
        return CallRecord(**{name: getattr(state, name) for name in CallState.model_fields}, **summarise(self))


def final_line(scenario: Scenario, state: CallState) -> DebtorLine | None:
    """What the debtor said after the last reply, when the call ended at an ending (a hang-up, the goodbye):
    the record keeps the turns, and this line is rebuilt from the scenario as the call picked it. None for
    an unfinished call, one the trainee ended, or one the scenario (edited since) can no longer rebuild."""
    if state.outcome is None:
        return None
    try:
        call = CompiledScenario(scenario).restore(state)
    except (ScenarioRuntimeError, RecordFormatError):
        return None
    return call.line if call.node.is_final else None


# --------------------------------------------------------------------------- states derived from others


def state_before_turn(scenario: Scenario, record: CallState, index: int) -> CallState:
    """The state ``record``'s call was in just before turn ``index`` (1-based) was played.

    Rebuilt from the turns (node, mood before and after, flags, scores) and the scenario, exactly as
    :meth:`Call.state` returned it then, so that :meth:`CompiledScenario.restore` puts the trainee back at
    that moment to try a different reply."""
    turns = record.turns
    if not 1 <= index <= len(turns):
        raise ValueError(f"there is no turn {index} (the call has {len(turns)})")
    earlier = turns[: index - 1]
    target = turns[index - 1]
    flags = dict(earlier[-1].flags) if earlier else {k: scenario.flag_start(k) for k in scenario.flags}
    seen: Counter[str] = Counter()
    disclosed: list[str] = []
    for node_id in [scenario.start, *(t.next for t in earlier)]:
        node = scenario.nodes.get(node_id)
        for fact in node.discloses if node else ():
            if fact not in disclosed:
                disclosed.append(fact)
    last_plan = 0.0
    budget_disclosed = False
    for t in earlier:
        ids = t.ids
        seen.update(ids)
        seen.update(PREFIX + a for a in t.acts)
        budget_disclosed = budget_disclosed or "affordability_check" in ids
        if t.plan > 0:
            last_plan = t.plan
    return CallState(
        scenario=ScenarioRef(id=scenario.id, version=scenario.version), seed=record.seed, node=target.node,
        mood=dict(target.mood_before), flags=flags, seen=dict(sorted(seen.items())), disclosed=tuple(disclosed),
        budget_disclosed=budget_disclosed, last_plan=last_plan, outcome=None, turns=earlier,
    )


def fit_state(state: CallState, scenario: Scenario, old: Scenario | None = None,
              node: str | None = None) -> tuple[CallState, list[str]]:
    """``state`` carried over to ``scenario`` (an edited version of ``old``, or another start), with notes.

    Mood and flags are kept, fitted to the new declarations: new ones start at their start values, ones no
    longer declared are dropped, values are clamped to the new bounds. Disclosed facts the persona no longer
    has are dropped. The outcome is cleared (a final node sets it again). ``node`` moves the call (default:
    where it was). The notes (only when ``old`` is given) say what changed, in words for the author."""
    notes: list[str] = []
    mood: dict[str, float] = {}
    for name, decl in scenario.mood.items():
        if name in state.mood:
            value = float(state.mood[name])
            fitted = max(decl.min, min(decl.max, value))
            if fitted != value:
                notes.append(f"Mood '{name}' was {value:g}, outside its new range: now {fitted:g}.")
            mood[name] = fitted
        else:
            mood[name] = float(decl.start)
            if old is not None:
                notes.append(f"New mood '{name}' starts at {decl.start:g}.")
    flags = {name: bool(state.flags.get(name, scenario.flag_start(name))) for name in scenario.flags}
    if old is not None:
        gone = [n for n in state.mood if n not in scenario.mood] + [n for n in state.flags if n not in scenario.flags]
        if gone:
            notes.append(f"No longer declared, so dropped: {', '.join(gone)}.")
        notes.extend(f"New flag '{n}' starts {'true' if flags[n] else 'false'}." for n in scenario.flags
                     if n not in state.flags)
    disclosed = state.disclosed
    if scenario.persona.facts:
        disclosed = tuple(f for f in state.disclosed if f in scenario.persona.facts)
    fitted_state = state.model_copy(update={
        "scenario": ScenarioRef(id=scenario.id, version=scenario.version), "node": node or state.node,
        "mood": mood, "flags": flags, "disclosed": disclosed, "outcome": None,
    })
    return fitted_state, notes


def capped(scenario: Scenario, changes: Mapping[str, float]) -> dict[str, float]:
    """``changes`` for the scenario's mood variables, each limited to the default cap (what the rubric's nudges
    may move it by in one reply)."""
    out = {}
    for var, delta in changes.items():
        decl = scenario.mood.get(var)
        if decl is not None:
            limit = _DEFAULT_CAP * (decl.max - decl.min) / 10
            out[var] = max(-limit, min(limit, delta))
    return out


def apply_mood(scenario: Scenario, mood: dict[str, float], changes: Mapping[str, float], *, cap: bool) -> None:
    """Move ``mood`` by ``changes``, each kept within its range (and, with ``cap``, by at most the default cap)."""
    for var, delta in (capped(scenario, changes) if cap else changes).items():
        decl = scenario.mood.get(var)
        if decl is not None:
            mood[var] = max(decl.min, min(decl.max, mood[var] + delta))


def _round_map(m: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 2) for k, v in m.items()}


def _rounded(d: dict[str, Any]) -> dict[str, Any]:
    d["empathy"] = round(d["empathy"], 1)
    d["deescalation"] = round(d["deescalation"], 1)
    return d


# --------------------------------------------------------------------------- call-level scores


def summarise(call: Call) -> dict[str, Any]:
    """The call-level parts of :class:`CallRecord` (every field :class:`CallState` does not have)."""
    s = call.scenario
    turns = call._turns
    rubric = load_rubric()
    weights, emp, deesc = [], [], []
    expected = met = 0
    violations: list[dict[str, Any]] = []
    possible: list[dict[str, Any]] = []
    understanding = ""
    for t in turns:
        node = s.nodes[t.node]
        ids = t.ids
        # Empathy counts where it was called for (the node expects it, or the debtor spoke of hardship)
        # and wherever it was breached; procedural turns (verifying identity, say) do not dilute it.
        expected_empathy = any(b in _CORE_EMPATHY for b in node.expects)
        breached = bool(ids & _EMPATHY_BREACHES)
        hardship = bool(HARDSHIP.search(t.debtor.text))
        other_empathy = any(b in EMPATHY_IDS for b in node.expects)
        weights.append(1.0 if expected_empathy or breached else 0.5 if hardship or other_empathy else 0.0)
        emp.append(t.scores["empathy"])
        deesc.append(t.scores["deescalation"])
        exp_ids = [b for b in node.expects if b in rubric.by_id]
        expected += len(exp_ids)
        met += sum(1 for b in exp_ids if b in ids)
        for v in t.scores["violations"]:
            violations.append({"turn": t.index, **v})
        # Violations the scorer was not sure of: counted for a team lead to review, never a fail.
        for v in t.scores.get("possible", []):
            possible.append({"turn": t.index, **v})
        if t.scores.get("understanding"):
            understanding = t.scores["understanding"]
    if turns and not any(weights):
        weights = [1.0] * len(turns)
    empathy = sum(w * e for w, e in zip(weights, emp, strict=True)) / sum(weights) if turns else 0.0
    deesc_mean = sum(deesc) / len(deesc) if deesc else 0.0
    adj = 0.0
    for var, sign in (("trust", 1), ("anger", -1), ("distress", -1)):
        decl = s.mood.get(var)
        if decl is not None:
            adj += sign * 10 * (call.mood[var] - decl.start) / (decl.max - decl.min)
    deescalation = max(0.0, min(100.0, deesc_mean + adj)) if turns else 0.0
    coverage = met / expected if expected else 1.0
    majors = sum(1 for v in violations if v.get("severity") == "major")
    blockers = [v for v in violations if v.get("severity") == "blocker"]
    outcome = call.outcome
    # The arithmetic (and its words for the debrief) lives in verdict.py.
    failed = outcome is not None and outcome.result == "failed"
    overall = verdict.overall_score(empathy, deescalation, coverage, majors, failed) if turns else 0.0
    compliance_passed = not violations
    passed = verdict.is_passed(outcome.result if outcome else None, overall, s.pass_mark, len(blockers))
    plan: PlanCheck | None = None
    if call.last_plan > 0:
        affordable = s.budget.affordable_monthly
        plan = PlanCheck(
            monthly=call.last_plan,
            affordable=affordable,
            sustainable=call.last_plan <= affordable + 0.005,
            agreed=bool(outcome and outcome.result != "failed"),
        )
    return {
        "ended": call.ended,
        "scores": CallScores(
            empathy=round(empathy, 1),
            deescalation=round(deescalation, 1),
            expectations_met=round(100 * coverage, 1),
            overall=round(overall, 1),
        ),
        "compliance": Compliance(passed=compliance_passed, violations=tuple(violations), possible=tuple(possible)),
        # Empty when the learned language layer scored; else why the rules scored alone.
        "understanding": understanding,
        "pass_mark": s.pass_mark,
        "passed": passed,
        "plan": plan,
    }
