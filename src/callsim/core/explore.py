"""Exploring a scenario: many seeded random calls by trainees of five styles, and what they found (issue 13).

``callsim explore`` plays each scenario ``runs`` times. Each run is one trainee of one style (``STYLES``:
excellent, plain, harmful, off-script, typos), who now and then (``MIX``) says something of another style, until
the call ends or reaches the turn cap. The replies come from three places:

* the **bank** (``data/explore/replies.jsonl``): generic replies written for this, usable at many moments of many
  calls, one JSON object a line: ``style``, ``text`` (placeholders such as ``{name}`` are filled from the
  scenario), ``region`` (``UK`` or ``US``; left out, both) and ``at`` (``opening``: only while the call has not yet
  checked who it is speaking to);
* the **scenario**: at a node, its model answers that fit the call so far and its guided choices that count only
  as good practice are what an excellent trainee says there;
* **perturbed** replies: a typing trainee says an excellent or plain reply through :func:`perturb` (text-speak,
  slips of the keyboard), one of ``TYPO_VARIANTS`` fixed variants per reply, so the bank stays finite.

Then the **probes** (:func:`plan_probes`, in ``PROBE_ROUNDS`` rounds): a probe replays the start of a run to a node
with a route no call has taken (one into a node nothing has reached, while there are such), tries up to
``PROBE_TRIES`` replies of a random style there, and plays on. They reach what only a trainee who changes course
mid-call reaches; they count for coverage, endings, unended calls and mismatches, apart, never for the styles'
results or the realism targets. A replayed reply is scored from memory (:class:`_Remembering`).

What a report holds (:func:`explore` returns it as JSON-ready dicts; :func:`text_report` prints it): node and
route coverage, the endings reached and how often, each style's results (the hang-ups and complaints are its
failed endings), runs that hit the turn cap without ending (a loop that never ends), mismatches
(``MISMATCH_CHECKS``: a new kind is one function and one entry) and the scenario's realism targets
(``realism:`` in the scenario, :class:`~callsim.core.models.Realism`).

Every run and probe is seeded from the seed, the scenario id and its number alone, the probes are planned from
the runs alone, and the encoder embeds each text on its own
(:meth:`~callsim.core.understanding.encoder.Encoder.one_at_a_time`), so a seed gives the same report however many
processes share the work (``jobs``). A run's (or probe's) ``seed`` and ``replies`` replay it exactly with
``callsim run SCENARIO --replies FILE --seed SEED``.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, fields
from functools import cache, partial
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel
from threadpoolctl import threadpool_limits

from callsim.core.engine import Call, CompiledScenario
from callsim.core.models import HANGS_UP, HIGH_ANGER, HIGH_TRUST, RESULTS, ExploreStyle, RealismTarget, Scenario
from callsim.core.placeholders import fill
from callsim.core.record import Turn
from callsim.core.scorer import Scorer, ScoringContext, TurnScore, default_scorer

STYLES: tuple[str, ...] = get_args(ExploreStyle)
BANK = Path(__file__).resolve().parent / "data" / "explore" / "replies.jsonl"
TURN_CAP = 30  # replies a run may take; the shipped scenarios' own turn limits are 10 at most
MIX = 0.1  # the chance, each turn, that a trainee says something of another style
TYPO_VARIANTS = 3  # perturbed versions of each reply a typing trainee may say
OWN_ANSWERS = 0.6  # the chance an excellent trainee says the node's own model answer or guided choice
OPENING_SHARE = 0.75  # the chance a reply before identity is checked comes from the bank's openings (always, when
# the trainee is excellent and does not say the node's own answer)
_EXAMPLES = 3  # unended runs shown per scenario
PROBE_ROUNDS = 4  # the probes are planned in this many rounds, each from what the ones before reached
PROBE_TRIES = 5  # replies a probe tries at the node it goes to before it plays on whatever route it took


# --------------------------------------------------------------------------- the bank of replies


class BankError(ValueError):
    """The bank file cannot be read: the message names the file and line."""


@dataclass(frozen=True)
class BankReply:
    style: str
    text: str
    region: str = ""  # "UK" or "US"; "" for both
    opening: bool = False  # only while the call has not checked who it is speaking to


def load_bank(path: Path = BANK) -> tuple[BankReply, ...]:
    """The replies of a bank file (:data:`BANK` by default), checked line by line."""
    return _load_bank(path.resolve())


@cache
def _load_bank(path: Path) -> tuple[BankReply, ...]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            d = json.loads(line)
        except json.JSONDecodeError as e:
            raise BankError(f"{where}: not JSON ({e.msg})") from None
        if not isinstance(d, dict) or set(d) - {"style", "text", "region", "at"}:
            raise BankError(f"{where}: a reply is an object with style, text, and optionally region and at")
        style, text, region, at = d.get("style"), d.get("text"), d.get("region", ""), d.get("at", "")
        if style not in STYLES or style == "typos":
            raise BankError(f"{where}: style {style!r} is not one of {', '.join(s for s in STYLES if s != 'typos')} "
                            "(typos are made from the others)")
        if not isinstance(text, str) or not text.strip():
            raise BankError(f"{where}: text must be a non-empty string")
        if region not in ("", "UK", "US") or at not in ("", "opening"):
            raise BankError(f"{where}: region is UK or US (or left out); at is opening (or left out)")
        out.append(BankReply(style, text.strip(), region, at == "opening"))
    return tuple(out)


# Text-speak a typing trainee uses (the scorer reads most of it back: understanding/typing.py).
_TEXTING = {
    "you": "u", "your": "ur", "are": "r", "please": "pls", "thanks": "thx", "because": "cos", "okay": "ok",
    "tomorrow": "tmrw", "i'm": "im", "don't": "dont", "can't": "cant", "that's": "thats", "about": "abt",
    "people": "ppl", "really": "rly", "sorry": "sry", "account": "acct", "payment": "pmt", "i've": "ive",
    "it's": "its", "you're": "ur", "what's": "whats", "i'll": "ill", "doesn't": "doesnt", "months": "mths",
    "before": "b4", "tonight": "tonite", "want to": "wanna", "going to": "gonna",
}
_NEIGHBOURS = dict(zip("qwertyuiopasdfghjklzxcvbnm", "wertyuiopqsdfghjklaxcvbnmz", strict=True))
_WORDISH = re.compile(r"(?:want to|going to|[A-Za-z][A-Za-z']*)")


def perturb(text: str, variant: int) -> str:
    """``text`` as typed in a hurry: variant 0 is text-speak, 1 slips of the keyboard, 2 both (the same text and
    variant always give the same result)."""
    rng = random.Random(f"typos:{variant}:{text}")
    texting, slips = ((0.7, 0.0), (0.1, 0.06), (0.5, 0.04))[variant % 3]

    def slip(w: str) -> str:
        i = rng.randrange(1, len(w) - 1)
        how = rng.randrange(4)
        if how == 0:
            return w[:i] + w[i + 1] + w[i] + w[i + 2:]  # two letters swapped
        if how == 1:
            return w[:i] + w[i + 1:]  # a letter dropped
        if how == 2:
            return w[:i] + w[i] + w[i:]  # a letter doubled
        return w[:i] + _NEIGHBOURS.get(w[i].lower(), w[i]) + w[i + 1:]  # the key next to it

    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        short = _TEXTING.get(w.lower())
        if short is not None and rng.random() < texting:
            return short.capitalize() if w[:1].isupper() and len(short) > 1 else short
        return slip(w) if len(w) > 3 and w.isalpha() and rng.random() < slips else w

    out = _WORDISH.sub(word, text)
    if out == text:  # nothing happened to fall on it: one slip, so every variant is typed differently
        long_words = [m for m in _WORDISH.finditer(text) if len(m.group(0)) > 3 and m.group(0).isalpha()]
        if long_words:
            m = rng.choice(long_words)
            out = text[: m.start()] + slip(m.group(0)) + text[m.end():]
    if texting >= 0.5 and rng.random() < 0.7:
        out = out.lower()
    if rng.random() < 0.6:
        out = out.rstrip(".")
    return out


class _Picker:
    """What a trainee of each style may say at a moment of one scenario's call."""

    def __init__(self, scenario: Scenario, bank: Sequence[BankReply]) -> None:
        self.scenario = scenario
        region = scenario.jurisdiction.value
        self.written: dict[tuple[str, bool], list[str]] = {}
        for r in bank:
            if r.region in ("", region):
                self.written.setdefault((r.style, r.opening), []).append(fill(r.text, scenario))
        self.identity = [f for f, d in scenario.flags.items() if d is not None and d.role == "identity_verified"]
        rubric = default_scorer().rubric.by_id

        def good(ids: list[str]) -> bool:
            return bool(ids) and all(i in rubric and rubric[i].kind == "reward" and not rubric[i].is_violation
                                     for i in ids)

        self.choices = {nid: [fill(c.text, scenario) for c in node.choices if good(c.counts_as)]
                        for nid, node in scenario.nodes.items()}

    def opening(self, call: Call) -> bool:
        """The call has not yet checked who it is speaking to (no identity flag: the first reply)."""
        if self.identity:
            return not any(call.flags.get(f) for f in self.identity)
        return not call.turns

    def reply(self, style: str, call: Call, rng: random.Random, said: Sequence[str]) -> str:
        if style == "typos":
            base = self.reply(rng.choice(("excellent", "plain")), call, rng, said)
            return perturb(base, rng.randrange(TYPO_VARIANTS))
        pool: list[str] = []
        if style == "excellent":
            fitting = call.scoring_context().model_answers or ()
            own = [fill(t, self.scenario) for t in fitting] + self.choices.get(call.node_id, [])
            if own and rng.random() < OWN_ANSWERS:
                pool = own
        # Before identity is checked an excellent trainee says nothing about the debt (the bank's other replies
        # take the call for the debtor's: a mini-Miranda said to a third party is a disclosure); others slip.
        if not pool and self.opening(call) and (style == "excellent" or rng.random() < OPENING_SHARE):
            pool = self.written.get((style, True), [])
        if not pool:
            pool = self.written.get((style, False), []) or self.written.get((style, True), [])
        if not pool:
            raise BankError(f"the bank has no {style} replies for a {self.scenario.jurisdiction.value} call")
        fresh = [t for t in pool if t not in said]  # a trainee rarely says the same words twice
        return rng.choice(fresh or pool)


# --------------------------------------------------------------------------- mismatches


@dataclass(frozen=True)
class Mismatch:
    """Something a run showed that the scenario's words and numbers should not allow. ``what`` names it for the
    report (runs with the same kind, node and what are counted together); ``detail`` is this run's."""

    kind: str  # a key of MISMATCH_CHECKS
    node: str  # where it shows: the node whose line is wrong, the ending reached
    what: str  # what is wrong, the same words for every run it happens in
    detail: str = ""  # this run's part of it (the trust it ended at)


@dataclass(frozen=True)
class Moment:
    """What a mismatch check sees after each reply: the call (its ``line`` is now the debtor's answer, its
    ``outcome`` set when the call ended), the turn just played and the scenario's bounds."""

    scenario: Scenario
    call: Call
    turn: Turn
    high_trust: float | None


def failed_at_high_trust(m: Moment) -> Iterable[Mismatch]:
    """A hang-up or a complaint reached while trust is high: the words and the numbers disagree. That is a failed
    ending whose line is said upset or angry, or has no tone to tell; a failed ending said wary or calm ("send me
    something in writing") at high trust is a debtor who trusts you and is still not ready, which fits."""
    ending = m.call.outcome
    trust = m.turn.mood.get("trust")
    if m.high_trust is None or ending is None or ending.result != "failed" or trust is None or trust < m.high_trust:
        return ()
    if m.call.line.tone is not None and m.call.line.tone not in HANGS_UP:
        return ()
    return (Mismatch("failed_at_high_trust", m.turn.next, f"'{ending.id}' reached with trust at {m.high_trust:g} "
                     "or more", f"trust {trust:g}"),)


def presupposition(m: Moment) -> Iterable[Mismatch]:
    """The debtor's line takes for granted an act no reply has done (only a file lint would refuse, E120)."""
    if not m.call.unmet:
        return ()
    return (Mismatch("presupposition", m.call.node_id, f"a line presupposes {', '.join(m.call.unmet)}, "
                     "which no reply did", m.call.line.text[:60]),)


LOW_ANGER = 0.3  # of the anger variable's range: an angry line said at high trust with anger at most this does not fit


def tone_and_mood(m: Moment) -> Iterable[Mismatch]:
    """A line whose tone contradicts the mood beside it: warm while anger is high, angry while trust is high and
    anger low (the scenario gives each line its ``tone``)."""
    tone, mood, decl = m.call.line.tone, m.call.mood, m.scenario.mood
    anger = decl.get("anger")
    if tone is None or anger is None or "anger" not in mood:
        return ()
    share = (mood["anger"] - anger.min) / (anger.max - anger.min)
    if tone == "warm" and share >= HIGH_ANGER:
        return (Mismatch("tone", m.call.node_id, "a warm line while anger is high", f"anger {mood['anger']:g}"),)
    trust = mood.get("trust")
    if tone == "angry" and m.high_trust is not None and trust is not None and trust >= m.high_trust \
            and share <= LOW_ANGER:
        return (Mismatch("tone", m.call.node_id, "an angry line while trust is high and anger low",
                         f"trust {trust:g}, anger {mood['anger']:g}"),)
    return ()


# Each kind of mismatch and its check, called after every reply of every run. A new kind is a function taking a
# Moment and yielding Mismatches, and one line here.
MISMATCH_CHECKS: dict[str, Callable[[Moment], Iterable[Mismatch]]] = {
    "failed_at_high_trust": failed_at_high_trust,
    "presupposition": presupposition,
    "tone": tone_and_mood,
}


# --------------------------------------------------------------------------- playing


@dataclass(frozen=True)
class Options:
    runs: int = 200
    seed: int = 1
    turn_cap: int = TURN_CAP
    styles: tuple[str, ...] = STYLES
    mix: float = MIX
    jobs: int = 1
    probes: int | None = None  # None: half the runs


@dataclass(frozen=True)
class Probe:
    """A call that replays the start of a run (its ``seed`` and first replies, ``prefix``) to a node with a route no
    run took, tries up to ``PROBE_TRIES`` replies there as a trainee of ``style`` until one takes such a route
    (``wanted``), then goes on: what reaches the rarer parts of a scenario."""

    index: int
    style: str
    seed: int
    prefix: tuple[str, ...]
    wanted: tuple[int, ...] = ()  # the routes at the node it goes to that it tries to take


@dataclass(frozen=True)
class Run:
    """One played call, as the report needs it."""

    index: int
    style: str  # a probe's: the style it went on in
    seed: int  # the call's seed: `callsim run SCENARIO --replies FILE --seed SEED` plays it again
    replies: tuple[str, ...]
    path: tuple[str, ...]  # the nodes, the start first and the one it ended (or stopped) at last
    routes: tuple[tuple[str, int], ...]  # (node, route index) each reply went through; ("@end_when", rule index)
    outcome: str | None  # None: it hit the turn cap
    result: str | None
    trust: float | None  # at the end
    mismatches: tuple[Mismatch, ...] = ()
    branch: int | None = None  # a probe: the replies it replayed (its routes and mismatches are those after them)


class _Remembering(Scorer):
    """The scorer, remembering its answers: a probe replays the start of a run reply by reply, through the same
    states, so those replies are scored from memory. Exact: the key is the reply and every field of the context
    (the scenario and node objects by identity; they live as long as the process)."""

    def __init__(self, size: int = 20_000) -> None:
        super().__init__(default_scorer().rubric)
        self._memo: dict[tuple[Any, ...], TurnScore] = {}
        self._size = size

    def score(self, reply: str, ctx: ScoringContext | None = None) -> TurnScore:
        if ctx is None:
            return super().score(reply, ctx)
        key = (reply, *(_frozen(getattr(ctx, f.name)) for f in fields(ctx)))
        hit = self._memo.get(key)
        if hit is None:
            if len(self._memo) >= self._size:
                self._memo.clear()
            hit = self._memo[key] = super().score(reply, ctx)
        return hit


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, set | frozenset):
        return frozenset(_frozen(v) for v in value)
    if isinstance(value, BaseModel):
        return ("id", id(value))
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return value


class _Player:
    """Plays one scenario's runs; the machine's transitions note which route (or end_when rule) each reply took,
    including a route whose call an end_when rule then ended (the turn's record names only the rule)."""

    def __init__(self, scenario: Scenario, bank: Sequence[BankReply]) -> None:
        self.scenario = scenario
        self.compiled = CompiledScenario(scenario, _Remembering())
        self.picker = _Picker(scenario, bank)
        self.log: list[tuple[str, int]] = []
        for trigger, tag in (("advance", ""), ("interrupt", "@end_when")):
            event = self.compiled.machine.events.get(trigger)
            for source, transitions in (event.transitions.items() if event is not None else ()):
                for i, t in enumerate(transitions):  # added in the order of the node's routes (of end_when)
                    # a new list: an end_when rule's transitions from every node share one
                    t.before = [*t.before, partial(_note, self.log, tag or source, i)]
        bound = scenario.realism.high_trust
        self.high_trust = None if "trust" not in scenario.mood else HIGH_TRUST if bound is None else bound

    def play(self, index: int, options: Options, probe: Probe | None = None) -> Run:
        prefix: tuple[str, ...] = ()
        if probe is None:
            style = options.styles[index % len(options.styles)]
            rng = random.Random(f"{options.seed}:{self.scenario.id}:{index}")
            seed, tries = rng.randrange(1, 1_000_000), 1
        else:
            style = probe.style
            rng = random.Random(f"{options.seed}:{self.scenario.id}:probe:{probe.index}")
            seed, prefix, tries = probe.seed, probe.prefix, PROBE_TRIES
        others = [s for s in STYLES if s != style]
        call = self.compiled.new_call(seed)
        start = [call.node_id]
        for text in prefix:  # scored from memory: the run that went this way scored them
            call.respond(text)
            start.append(call.node_id)
        branch = call.state() if tries > 1 else None
        for attempt in range(tries):  # a probe: again from the branch until a wanted route is taken
            if attempt:
                assert branch is not None
                call = self.compiled.restore(branch)
            path = list(start)
            replies = list(prefix)
            routes: list[tuple[str, int]] = []
            mismatches: list[Mismatch] = []
            while not call.ended and len(replies) < options.turn_cap:
                said = style if rng.random() >= options.mix else rng.choice(others)
                text = self.picker.reply(said, call, rng, replies)
                self.log.clear()
                turn = call.respond(text)
                routes.extend(self.log)
                replies.append(text)
                path.append(call.node_id)
                moment = Moment(self.scenario, call, turn, self.high_trust)
                for check in MISMATCH_CHECKS.values():
                    mismatches.extend(check(moment))
                if probe is not None and len(replies) == len(prefix) + 1 and attempt + 1 < tries and not any(
                        where == path[-2] and i in probe.wanted for where, i in routes):
                    call.end_by_trainee()  # not the way it wanted: try another reply there
                    break
            else:
                break
        trust = call.mood.get("trust")
        outcome = call.outcome
        if outcome is None:
            call.end_by_trainee()  # frees the machine; the run is reported as unended
        return Run(index, style, call.seed, tuple(replies), tuple(path), tuple(routes),
                   outcome.id if outcome else None, outcome.result if outcome else None, trust, tuple(mismatches),
                   None if probe is None else len(prefix))


def plan_probes(scenario: Scenario, played: Sequence[Run], options: Options, count: int, first: int = 0
                ) -> list[Probe]:
    """Where ``count`` probes go (numbered from ``first``), from what ``played`` (runs and earlier probes) reached.

    Each picks a node with a route never taken, one of those nodes at random so every gap gets its share, and
    among them only those with a route into a node nothing has reached yet, while there are any (the frontier);
    then a moment a call was at that node, and a style to go on in (any of the five: probes are for coverage,
    whichever styles the runs were). None when every route was taken."""
    taken = {step for r in played for step in r.routes}
    reached = {n for r in played for n in r.path}
    gaps = {nid: [r.goto for i, r in enumerate(node.routes) if (nid, i) not in taken]
            for nid, node in scenario.nodes.items()}
    frontier = {nid for nid, targets in gaps.items() if any(t not in reached for t in targets)}
    wanted = frontier or {nid for nid, targets in gaps.items() if targets}
    routes = {nid: tuple(i for i, r in enumerate(scenario.nodes[nid].routes) if (nid, i) not in taken
                         and (nid not in frontier or r.goto not in reached)) for nid in wanted}
    places: dict[str, list[tuple[Run, int]]] = {}
    for r in played:
        for k, node in enumerate(r.path[: len(r.replies)]):
            if node in wanted:
                places.setdefault(node, []).append((r, k))
    targets = [nid for nid in scenario.nodes if nid in places]
    if not targets or count <= 0:
        return []
    rng = random.Random(f"{options.seed}:{scenario.id}:probes:{first}")
    out = []
    for i in range(first, first + count):
        node = targets[rng.randrange(len(targets))]
        run, k = rng.choice(places[node])
        out.append(Probe(i, rng.choice(STYLES), run.seed, run.replies[:k], routes[node]))
    return out


def _note(log: list[tuple[str, int]], where: str, index: int, event: object) -> None:
    log.append((where, index))


# One worker's state: the scenarios, the bank and the options (set before the work starts; a forked worker
# inherits it, a spawned one gets it through _init).
_WORK: dict[str, Any] = {}


def _init(scenarios: Sequence[Scenario], bank: Sequence[BankReply], options: Options) -> None:
    _WORK.clear()
    _WORK.update(scenarios=scenarios, bank=bank, options=options, players={})
    _prepare()
    if multiprocessing.parent_process() is not None:  # a worker: one BLAS thread for its whole life (see below)
        threadpool_limits(1, user_api="blas")


def _prepare() -> None:
    """The learned layer loaded, and the encoder set to embed each text alone with room for the whole bank."""
    from callsim.core.understanding.encoder import EncoderUnavailable, get_encoder
    from callsim.core.understanding.learned import get_learned

    default_scorer()
    if get_learned() is not None:
        try:
            get_encoder().one_at_a_time(1 << 15)
        except EncoderUnavailable:
            pass


def _unprepare() -> None:
    """The encoder back as it was before ``_prepare`` (for the process that called ``play_runs``)."""
    from callsim.core.understanding.encoder import EncoderUnavailable, get_encoder
    from callsim.core.understanding.learned import get_learned

    if get_learned() is not None:
        try:
            get_encoder().batched()
        except EncoderUnavailable:
            pass


def _player(i: int) -> _Player:
    players: dict[int, _Player] = _WORK["players"]
    if i not in players:
        players[i] = _Player(_WORK["scenarios"][i], _WORK["bank"])
    return players[i]


def _rounds(options: Options) -> list[tuple[int, int]]:
    """The probe rounds: (the first probe's number, how many)."""
    total = options.runs // 2 if options.probes is None else options.probes
    per_round = max(1, -(-total // PROBE_ROUNDS))
    return [(first, min(per_round, total - first)) for first in range(0, total, per_round)]


def _work(task: tuple[int] | tuple[int, int, int] | tuple[int, list[Probe]]) -> Any:
    """A worker's task: a whole scenario (runs, then its probe rounds), some of a scenario's runs, or some of its
    probes (when there are fewer scenarios than processes)."""
    player, options = _player(task[0]), _WORK["options"]
    if len(task) == 1:
        runs = [player.play(n, options) for n in range(options.runs)]
        probes: list[Run] = []
        for first, count in _rounds(options):
            probes += [player.play(p.index, options, p)
                       for p in plan_probes(player.scenario, [*runs, *probes], options, count, first)]
        del _WORK["players"][task[0]]  # its remembered scores are no use to another scenario
        return runs, probes
    if len(task) == 2:
        return [player.play(p.index, options, p) for p in task[1]]
    return [player.play(n, options) for n in range(task[1], task[2])]


def play_runs(scenarios: Sequence[Scenario], options: Options, bank: Sequence[BankReply] | None = None
              ) -> list[tuple[list[Run], list[Run]]]:
    """Every scenario's runs and its probes (:func:`plan_probes`), shared among ``options.jobs`` processes; the
    results are the same however many there are."""
    bank = load_bank() if bank is None else bank
    jobs = max(1, options.jobs)
    # One BLAS thread per process: the encoder multiplies small matrices (one sentence at a time, here), and
    # OpenBLAS's threads cost more to wake than they save (5x slower on two busy cores); the processes share the
    # cores instead.
    with threadpool_limits(1, user_api="blas"), ExitStack() as stack:
        _init(scenarios, bank, options)
        stack.callback(_unprepare)
        run: Callable[[list[Any]], list[Any]] = lambda ts: [_work(t) for t in ts]  # noqa: E731
        if jobs > 1:
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            pool = stack.enter_context(multiprocessing.get_context(method).Pool(
                jobs, initializer=_init, initargs=(scenarios, bank, options)))
            run = partial(pool.map, _work, chunksize=1)
        if len(scenarios) >= jobs:  # a scenario to a process: its own replies are embedded and scored there once
            return [(runs, probes) for runs, probes in run([(i,) for i in range(len(scenarios))])]
        # Fewer scenarios than processes: each scenario's runs, then each round of its probes, cut into parts.
        size = -(-options.runs // -(-jobs // len(scenarios)))
        tasks: list[Any] = [(i, start, min(start + size, options.runs))
                            for i in range(len(scenarios)) for start in range(0, options.runs, size)]
        runs: list[list[Run]] = [[] for _ in scenarios]
        for (i, *_), done in zip(tasks, run(tasks), strict=True):
            runs[i].extend(done)
        probed: list[list[Run]] = [[] for _ in scenarios]
        for first, count in _rounds(options):  # each round aims at the gaps the runs and probes before it left
            plans = [plan_probes(s, [*r, *p], options, count, first)
                     for s, r, p in zip(scenarios, runs, probed, strict=True)]
            size = max(1, -(-count // -(-jobs // len(scenarios))))
            tasks = [(i, ps[start:start + size]) for i, ps in enumerate(plans) for start in range(0, len(ps), size)]
            for (i, _), done in zip(tasks, run(tasks), strict=True):
                probed[i].extend(done)
        return list(zip(runs, probed, strict=True))


def cpus() -> int:
    """The processors this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# --------------------------------------------------------------------------- the report


@dataclass
class _Tally:
    runs: int = 0
    turns: int = 0
    results: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)

    def add(self, run: Run) -> None:
        self.runs += 1
        self.turns += len(run.replies)
        self.results[run.result or "unended"] += 1
        if run.outcome is not None:
            self.outcomes[run.outcome] += 1

    def as_dict(self, failed_ids: set[str]) -> dict[str, Any]:
        share = (lambda k: round(k / self.runs, 3)) if self.runs else (lambda k: 0.0)
        return {
            "runs": self.runs,
            "mean_turns": round(self.turns / self.runs, 1) if self.runs else 0.0,
            **{r: self.results[r] for r in (*RESULTS, "unended")},
            "failed_share": share(self.results["failed"]),
            "outcomes": dict(sorted(self.outcomes.items(), key=lambda kv: (-kv[1], kv[0]))),
            "failed_endings": {o: share(n) for o, n in sorted(self.outcomes.items(), key=lambda kv: (-kv[1], kv[0]))
                               if o in failed_ids},
        }


def _loop(path: Sequence[str]) -> list[str]:
    """The nodes an unended run kept going round: those of its last ten steps, in the order first met."""
    return list(dict.fromkeys(path[-10:]))


def check_target(target: RealismTarget, scenario: Scenario, runs: Sequence[Run]) -> dict[str, Any]:
    """One realism target against the runs: the share of the style's runs that reached it, and whether that is
    within its bounds (``passed`` is None when no run of the style was played)."""
    mine = [r for r in runs if target.style in ("any", r.style)]
    out: dict[str, Any] = {**target.model_dump(), "runs": len(mine), "reached": 0, "share": None, "passed": None,
                           "problem": ""}
    if target.reaches in RESULTS:
        hit: Callable[[Run], bool] = lambda r: r.result == target.reaches  # noqa: E731
    elif target.reaches in scenario.outcomes:
        hit = lambda r: r.outcome == target.reaches  # noqa: E731
    else:
        out["passed"] = False
        out["problem"] = (f"no ending has the outcome '{target.reaches}' (a target reaches a result: "
                          f"{', '.join(RESULTS)}, or one of {', '.join(sorted(scenario.outcomes))})")
        return out
    if not mine:
        out["problem"] = f"not checked: no {target.style} runs were played"
        return out
    reached = sum(1 for r in mine if hit(r))
    share = reached / len(mine)
    low = target.at_least is not None and share < target.at_least
    high = target.at_most is not None and share > target.at_most
    out.update(reached=reached, share=round(share, 3), passed=not (low or high))
    if low or high:
        bound = f"at least {target.at_least:.0%}" if low else f"at most {target.at_most:.0%}"
        out["problem"] = f"{share:.0%} of {target.style} runs reached {target.reaches}; the target is {bound}"
    return out


def _example(run: Run) -> dict[str, Any]:
    return {"run": run.index, "style": run.style, "seed": run.seed, "probe": run.branch is not None,
            "replies": list(run.replies)}


def _by_count(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(((k, n) for k, n in counts.items() if n), key=lambda kv: (-kv[1], kv[0])))


def summarise(scenario: Scenario, runs: Sequence[Run], options: Options, path: str = "",
              probes: Sequence[Run] = ()) -> dict[str, Any]:
    """One scenario's report, JSON-ready (its shape is documented in docs/trainers.md, `callsim explore`). The
    styles' results and the realism targets are the runs'; coverage, endings, unended calls and mismatches count
    the probes too, apart ("probes")."""
    failed_ids = {o.id for o in scenario.outcomes.values() if o.result == "failed"}
    styles = {s: _Tally() for s in options.styles}
    every = _Tally()
    nodes: dict[bool, Counter[str]] = {False: Counter(), True: Counter()}
    taken: dict[bool, Counter[tuple[str, int]]] = {False: Counter(), True: Counter()}
    endings: dict[bool, Counter[str]] = {False: Counter(), True: Counter()}
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for run in [*runs, *probes]:
        probe = run.branch is not None
        if not probe:
            styles[run.style].add(run)
            every.add(run)
        nodes[probe].update(set(run.path[(run.branch or 0) + probe:]))  # a probe: what it reached after its branch
        taken[probe].update(run.routes)
        if run.outcome is not None:
            endings[probe][run.outcome] += 1
        for m in {(m.kind, m.node, m.what): m for m in reversed(run.mismatches)}.values():  # a run counts once
            g = groups.setdefault((m.kind, m.node, m.what), {
                "kind": m.kind, "node": m.node, "what": m.what, "runs": 0, "probes": 0, "styles": Counter(),
                "example": {**_example(run), "detail": m.detail}})
            g["runs" if not probe else "probes"] += 1
            g["styles"][run.style] += 1
    steps = [(nid, i, r.when, r.goto) for nid, node in scenario.nodes.items() for i, r in enumerate(node.routes)]
    steps += [("@end_when", i, r.when, r.goto) for i, r in enumerate(scenario.end_when)]
    routes: list[dict[str, Any]] = [{"node": nid, "index": i, "when": when, "goto": goto,
                                     "taken": taken[False][(nid, i)], "probes": taken[True][(nid, i)]}
                                    for nid, i, when, goto in steps]
    unended = [r for r in [*runs, *probes] if r.outcome is None]
    mismatches = sorted(groups.values(), key=lambda g: (g["kind"], -g["runs"] - g["probes"], g["node"], g["what"]))
    for g in mismatches:
        g["styles"] = dict(sorted(g["styles"].items()))
    targets = [check_target(t, scenario, runs) for t in scenario.realism.targets]
    bound = scenario.realism.high_trust
    return {
        "id": scenario.id,
        "title": scenario.title,
        "path": path,
        "runs": len(runs),
        "probes": len(probes),
        "nodes": {"count": len(scenario.nodes), "reached": {n: nodes[False][n] for n in scenario.nodes},
                  "probes": _by_count(Counter({n: nodes[True][n] for n in scenario.nodes})),
                  "never": [n for n in scenario.nodes if not nodes[False][n] + nodes[True][n]]},
        "routes": {"count": len(routes), "taken": routes,
                   "never": [r for r in routes if not r["taken"] + r["probes"]]},
        "endings": {"reached": _by_count(endings[False]), "probes": _by_count(endings[True]),
                    "never": sorted(o for o in scenario.outcomes if not endings[False][o] + endings[True][o])},
        "styles": {s: t.as_dict(failed_ids) for s, t in styles.items()},
        "all": every.as_dict(failed_ids),
        "unended": {"runs": len(unended),
                    "examples": [{**_example(r), "loop": _loop(r.path)} for r in unended[:_EXAMPLES]]},
        "high_trust": None if "trust" not in scenario.mood else HIGH_TRUST if bound is None else bound,
        "mismatches": mismatches,
        "realism": targets,
        "ok": all(t["passed"] is not False for t in targets),
    }


def explore(scenarios: Sequence[tuple[Scenario, str]], options: Options,
            bank: Sequence[BankReply] | None = None) -> dict[str, Any]:
    """Explore each (scenario, where it came from): the whole report, JSON-ready."""
    played = play_runs([s for s, _ in scenarios], options, bank)
    reports = [summarise(s, runs, options, path, probes)
               for (s, path), (runs, probes) in zip(scenarios, played, strict=True)]
    return {"seed": options.seed, "runs": options.runs, "turn_cap": options.turn_cap, "styles": list(options.styles),
            "scenarios": reports, "ok": all(r["ok"] for r in reports)}


def problems(report: dict[str, Any], *, strict: bool = False) -> list[str]:
    """Why the exploration fails, one line each: realism targets missed and, with ``strict``, runs that never
    ended, endings never reached and mismatches."""
    out = []
    for s in report["scenarios"]:
        out += [f"{s['id']}: realism target missed: {t['problem']}" for t in s["realism"] if t["passed"] is False]
        if strict:
            if s["unended"]["runs"]:
                out.append(f"{s['id']}: {s['unended']['runs']} run(s) hit the {report['turn_cap']}-turn cap")
            if s["endings"]["never"]:
                out.append(f"{s['id']}: endings never reached: {', '.join(s['endings']['never'])}")
            out += [f"{s['id']}: {m['kind']} at {m['node']}: {m['what']} ({m['runs']} run(s), {m['probes']} probe(s))"
                    for m in s["mismatches"]]
    return out


def _pct(n: float) -> str:
    """A share as a percentage; one run in hundreds is "<1%", not "0%"."""
    return "<1%" if 0 < n < 0.01 else ">99%" if 0.99 < n < 1 else f"{n:.0%}"


def _route_name(r: dict[str, Any]) -> str:
    when = f" when {r['when']}" if r["when"] else " (otherwise)"
    where = "end_when" if r["node"] == "@end_when" else r["node"]
    return f"{where} #{r['index'] + 1} -> {r['goto']}{when}"


def _which(example: dict[str, Any]) -> str:
    return f"{'probe' if example['probe'] else 'run'} {example['run']}, {example['style']}, seed {example['seed']}"


def text_report(report: dict[str, Any]) -> str:
    """The report for people: a block per scenario, a table of styles in each."""
    lines: list[str] = []
    for s in report["scenarios"]:
        n = s["runs"]
        probes = f" and {s['probes']} probes" if s["probes"] else ""
        lines.append(f"{s['id']}: {n} runs{probes}, seed {report['seed']}, at most {report['turn_cap']} replies each")
        nd, rt, en = s["nodes"], s["routes"], s["endings"]
        only = [x for x in nd["probes"] if not nd["reached"][x]]
        lines.append(f"  nodes     {nd['count'] - len(nd['never'])} of {nd['count']} reached"
                     + (f" ({len(only)} only by probes: {', '.join(only)})" if only else "")
                     + (f"; never: {', '.join(nd['never'])}" if nd["never"] else ""))
        only = [_route_name(r) for r in rt["taken"] if r["probes"] and not r["taken"]]
        lines.append(f"  routes    {rt['count'] - len(rt['never'])} of {rt['count']} taken"
                     + (f" ({len(only)} only by probes)" if only else "") + ("; never:" if rt["never"] else ""))
        lines += [f"              {_route_name(r)}" for r in rt["never"]]
        reached = ", ".join(f"{o} {_pct(k / n)}" for o, k in en["reached"].items()) if n else ""
        only = [f"{o} ({k})" for o, k in en["probes"].items() if o not in en["reached"]]
        lines.append(f"  endings   {reached or 'none'}"
                     + (f"; only by probes: {', '.join(only)}" if only else "")
                     + (f"; never: {', '.join(en['never'])}" if en["never"] else ""))
        lines.append(f"  {'style':<11}{'runs':>5}{'resolved':>10}{'partial':>9}{'failed':>8}{'unended':>9}"
                     f"{'turns':>7}  failed endings")
        for style, t in [*s["styles"].items(), ("all", s["all"])]:
            k = t["runs"] or 1
            failed = ", ".join(f"{o} {_pct(v)}" for o, v in t["failed_endings"].items())
            lines.append(f"  {style:<11}{t['runs']:>5}{_pct(t['resolved'] / k):>10}{_pct(t['partial'] / k):>9}"
                         f"{_pct(t['failed'] / k):>8}{_pct(t['unended'] / k):>9}{t['mean_turns']:>7.1f}  {failed}")
        u = s["unended"]
        if u["runs"]:
            lines.append(f"  unended   {u['runs']} run(s) hit the cap without ending, going round:")
            lines += [f"              {' -> '.join(e['loop'])} ({_which(e)})" for e in u["examples"]]
        else:
            lines.append("  unended   none")
        if s["mismatches"]:
            lines.append(f"  mismatches {sum(m['runs'] + m['probes'] for m in s['mismatches'])}:")
            for m in s["mismatches"]:
                ex = m["example"]
                probed = f" and {m['probes']} probe(s)" if m["probes"] else ""
                lines.append(f"              {m['kind']} at {m['node']}: {m['what']}, {m['runs']} run(s){probed} "
                             f"({', '.join(f'{k} {v}' for k, v in m['styles'].items())}); e.g. {_which(ex)}, "
                             f"{ex['detail']}")
        else:
            lines.append("  mismatches none" + ("" if s["high_trust"] is not None else " (no trust to check)"))
        for t in s["realism"]:
            bound = " and ".join(x for x in (f"at least {_pct(t['at_least'])}" if t["at_least"] is not None else "",
                                             f"at most {_pct(t['at_most'])}" if t["at_most"] is not None else "") if x)
            got = f"{_pct(t['share'])} ({t['reached']}/{t['runs']})" if t["share"] is not None else t["problem"]
            mark = {True: "ok  ", False: "FAIL", None: "--  "}[t["passed"]]
            lines.append(f"  realism   {mark} {t['style']} reaches {t['reaches']} {bound}: {got}")
        lines.append("")
    return "\n".join(lines)
