"""Shared pieces for the app's tests: a fixture scenario, a fixed scorer, and helpers that drive the app.

The app tests play whole calls through the real app (Pilot presses keys, pastes replies) and read back
what the screens show and what the store holds. The fixture scenario lives here so the tests do not
change when a shipped scenario is edited; the snapshot tests also use :class:`FixedScorer`, so a change
to the real scorer's wording does not redraw every picture (the Pilot tests use the real scorer).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from textual import events
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from callsim.config import Config
from callsim.core.engine import CompiledScenario
from callsim.core.models import Scenario
from callsim.core.nlp import Evidence
from callsim.core.rubric import Behaviour, Rubric
from callsim.core.scorer import Alternative, Detection, Scorer, ScoringContext, TurnScore
from callsim.core.store_thread import default_opener
from callsim.tui.app import CallsimApp
from callsim.tui.widgets import ReplyBox, Transcript

FIXTURE_ID = "tui-fixture"
FIXTURE_YAML = """\
id: tui-fixture
title: "Fixture: Alex and the water bill"
version: 1
difficulty: 2
jurisdiction: UK
tags: [fixture, water, reduced-hours]
summary: Alex Morgan's hours were cut and the water bill fell behind. A short call for the app's tests.
brief: >
  You work for Example Recoveries, collecting for Riverside Water. The account is £300.00 in arrears,
  including £20.00 of charges. Court action is not planned.
pass_mark: 60
persona:
  name: Alex Morgan
  age: 41
  situation: job_loss
  facts:
    hours_cut: Their hours at the warehouse were cut in half in March.
    kids: They have two children at primary school.
debt:
  creditor: Riverside Water
  collector: Example Recoveries
  account_ref: RW-1001
  currency: GBP
  balance: 300.00
  breakdown:
    - {label: Unpaid water bills, amount: 280.00, kind: principal}
    - {label: Late payment charges, amount: 20.00, kind: charge}
  days_past_due: 60
  actions:
    lawful: [legal_action, credit_reporting]
    intended: [credit_reporting]
budget:
  income:
    - {label: Wages, amount: 900}
  outgoings:
    - {label: Rent and bills, amount: 880}
mood:
  trust: {min: 0, max: 10, start: 3}
  anger: {min: 0, max: 10, start: 4}
flags:
  identity_verified: {role: identity_verified}
start: opening
nodes:
  opening:
    say: "Hello? Who's this? [sounds busy]"
    cues: [kids in the background]
    expects: [identifies_self, verifies_identity]
    model_answers:
      - "Hi, I'm Sam from Example Recoveries, calling for Riverside Water. Can I check I'm speaking to Alex Morgan?"
    choices:
      - text: "Hi, I'm Sam from Example Recoveries. Can I check I'm speaking to Alex Morgan?"
        counts_as: [identifies_self, verifies_identity]
      - text: "You owe £300 on your water bill."
    routes:
      - when: verifies_identity and not violations
        goto: verified
        set: {identity_verified: true}
        mood: {trust: 1}
      - goto: hung_up
  verified:
    say: "Yes, that's me. Look, my hours got cut, it's been a nightmare."
    cues: [sighs]
    discloses: [hours_cut]
    expects: [emotional_reaction, exploration]
    model_answers:
      - "I'm sorry to hear that, it sounds really stressful. How are things at the moment?"
    choices:
      - text: "I'm sorry to hear that, it sounds really stressful. How are things at the moment?"
        counts_as: [emotional_reaction, exploration]
      - text: "I still need a payment today."
    routes:
      - when: emotional_reaction or exploration or interpretation
        goto: opens_up
        mood: {trust: 2, anger: -2}
      - goto: hung_up
        mood: {anger: 3}
  opens_up:
    say: "Thanks. It's me and the two kids. I want to pay, I just can't do much."
    discloses: [kids]
    expects: [offers_options, signposts_debt_advice]
    model_answers:
      - >-
        That makes sense. We could set up a small plan, or pause things for 30 days while you talk to
        StepChange, who give free advice. Which suits you?
    routes:
      - when: violations
        goto: hung_up
      - goto: agreed
        mood: {trust: 1}
  agreed:
    say: "OK. That sounds fair. Thank you."
    outcome: {id: agreed, label: "Something workable agreed", result: resolved}
  hung_up:
    say: "I haven't got time for this. [hangs up]"
    outcome: {id: hung_up, label: "Alex hung up", result: failed}
"""

GOOD_REPLIES = (
    "Hi, I'm Sam from Example Recoveries, calling for Riverside Water. Can I check I'm speaking to Alex Morgan?",
    "I'm so sorry to hear that, it sounds really stressful. How are things at the moment?",
    "We could set up a small plan, or pause things for 30 days while you talk to StepChange, who give free "
    "advice. Which suits you?",
)

FIXED_NOW = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


def install_fixture(home: Path) -> Path:
    """Put the fixture scenario in the user's scenario folder (CALLSIM_HOME/scenarios)."""
    folder = home / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "tui_fixture.yaml"
    path.write_text(FIXTURE_YAML, encoding="utf-8")
    return path


def install_us_fixture(home: Path) -> Path:
    """A second, US scenario, so the library has something to filter out."""
    text = (FIXTURE_YAML.replace("id: tui-fixture", "id: tui-fixture-us")
            .replace("Fixture: Alex and the water bill", "Fixture: Jordan and the phone bill")
            .replace("jurisdiction: UK", "jurisdiction: US").replace("currency: GBP", "currency: USD")
            .replace("£", "$").replace("[fixture, water, reduced-hours]", "[fixture, phone]")
            .replace("Alex Morgan", "Jordan Lee").replace("water bill", "phone bill"))
    folder = home / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "tui_fixture_us.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def only_fixture(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Hide the shipped scenarios, so the library shows only the fixture (stable pictures)."""
    empty = tmp_path / "no-shipped-scenarios"
    empty.mkdir(exist_ok=True)
    monkeypatch.setattr("callsim.core.library.shipped_dir", lambda: empty)


# --------------------------------------------------------------------------- a scorer that never changes


def _b(bid: str, category: str, kind: str, label: str, mood: dict[str, float],
       severity: str | None = None) -> Behaviour:
    return Behaviour.model_validate({"id": bid, "category": category, "kind": kind, "label": label,
                                     "why": f"Why {label.lower()} matters.", "tip": f"Tip: {label.lower()}.",
                                     "mood": mood, "severity": severity})


FIXED_RUBRIC = Rubric(version=1, behaviours=[
    _b("identifies_self", "transparency", "reward", "Says who you are", {"trust": 0.5}),
    _b("verifies_identity", "transparency", "reward", "Checks it is the right person", {}),
    _b("emotional_reaction", "empathy", "reward", "Shows warmth", {"trust": 1, "anger": -1}),
    _b("exploration", "empathy", "reward", "Asks about their situation", {"trust": 0.5}),
    _b("interpretation", "empathy", "reward", "Reflects the feeling", {}),
    _b("offers_options", "deescalation", "reward", "Offers choices", {"anger": -1}),
    _b("signposts_debt_advice", "transparency", "reward", "Points to free advice", {"trust": 1}),
    _b("commanding", "deescalation", "penalty", "Orders them about", {"anger": 2}),
    _b("threat_arrest_or_crime", "compliance", "penalty", "Threatens arrest", {"anger": 3}, "blocker"),
])

_RULES: tuple[tuple[str, str], ...] = (
    ("identifies_self", r"Sam from"),
    ("verifies_identity", r"speaking to"),
    ("emotional_reaction", r"sorry"),
    ("exploration", r"How are things"),
    ("offers_options", r"could set up"),
    ("signposts_debt_advice", r"StepChange"),
    ("commanding", r"calm down"),
    ("threat_arrest_or_crime", r"jail|prison"),
)


class FixedScorer(Scorer):
    """Finds behaviours by fixed words, so pictures of the coaching do not move when the real scorer does."""

    def __init__(self) -> None:
        super().__init__(FIXED_RUBRIC)

    def score(self, reply: str, ctx: ScoringContext | None = None) -> TurnScore:
        ctx = ctx or ScoringContext()
        found: list[Detection] = []
        violations: list[Detection] = []
        for bid, pattern in _RULES:
            m = re.search(pattern, reply, re.IGNORECASE)
            if not m and bid not in ctx.counts_as:
                continue
            b = self.rubric.get(bid)
            ev = (Evidence(m.group(0), m.start(), m.end()),) if m else ()
            d = Detection(b.id, b.category, b.kind, b.severity, b.label, b.why, ev)
            (violations if b.is_violation else found).append(d)
        ids = {d.id for d in found}
        expects = list(ctx.node.expects) if ctx.node else []
        missed = tuple(e for e in expects if e not in ids)
        better = None
        if missed or violations:
            answer = ctx.node.model_answers[0].text if ctx.node and ctx.node.model_answers else ""
            better = Alternative(missed, tuple(self.rubric.get(m).tip for m in missed if m in self.rubric.by_id),
                                 answer)
        empathy = 70.0 if "emotional_reaction" in ids else 10.0
        deesc = 40.0 + 15 * sum(1 for d in found if d.kind == "reward") - 20 * len(violations)
        return TurnScore(empathy=empathy, deescalation=max(0.0, min(100.0, deesc)),
                         epitome={"ER": 2 if "emotional_reaction" in ids else 0, "IP": 0,
                                  "EX": 1 if "exploration" in ids else 0},
                         behaviours=tuple(found), violations=tuple(violations),
                         asks_payment=bool(re.search(r"\bpay", reply, re.I)), better=better)


_FIXED_COMPILED: dict[int, tuple[Scenario, CompiledScenario]] = {}


def fixed_compile(scenario: Scenario) -> CompiledScenario:
    hit = _FIXED_COMPILED.get(id(scenario))
    if hit is None or hit[0] is not scenario:
        hit = _FIXED_COMPILED[id(scenario)] = (scenario, CompiledScenario(scenario, scorer=FixedScorer()))
    return hit[1]


# --------------------------------------------------------------------------- building and driving the app


def fixed_store_clock() -> Callable[[], datetime]:
    """A store clock that starts at FIXED_NOW and moves a second per write (orderable, reproducible)."""
    ticks = iter(range(10**9))
    return lambda: FIXED_NOW + timedelta(seconds=next(ticks))


def make_app(*, trainee: str | None = "Sam Tester", scenario: str | None = None, fixed_scorer: bool = False,
             settings: Config | None = None, store: Any = None, **kw: Any) -> CallsimApp:
    return CallsimApp(
        settings or Config(cursor_blink=False),
        trainee=trainee,
        scenario=scenario,
        store=store or default_opener(None, fixed_store_clock()),
        clock=lambda: 0.0,
        now=lambda: FIXED_NOW,
        compiler=fixed_compile if fixed_scorer else None,
        **kw,
    )


S = TypeVar("S", bound=Screen[Any])


async def wait_for(pilot: Pilot[Any], check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Let the app run until ``check()`` holds (workers finish, screens mount), or fail saying what."""
    import time

    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; screen is {pilot.app.screen!r}")
        await pilot.pause(0.02)


async def wait_screen(pilot: Pilot[Any], kind: type[S]) -> S:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind) and pilot.app.screen.is_mounted,
                   f"the {kind.__name__}")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    return screen


async def open_call(pilot: Pilot[Any], scenario_id: str = FIXTURE_ID) -> Any:
    """From the library: open the scenario's brief, press enter, and wait for the call screen."""
    from callsim.tui.screens.brief import BriefScreen
    from callsim.tui.screens.call import CallScreen

    app = pilot.app
    assert isinstance(app, CallsimApp)
    await wait_for(pilot, app.cards_ready.is_set, "the library")
    card = app.catalog.find(scenario_id)
    assert card is not None, f"no card {scenario_id}: {[c.id for c in app.catalog.cards]}"
    app.open_brief(card)
    brief = await wait_screen(pilot, BriefScreen)
    await wait_for(pilot, lambda: not brief.query_one("#start").disabled, "the brief to load")
    await pilot.press("enter")
    return await wait_screen(pilot, CallScreen)


async def paste(pilot: Pilot[Any], text: str) -> None:
    """Paste into the reply box the way a terminal does (one bracketed paste)."""
    box = pilot.app.screen.query_one(ReplyBox)
    box.focus()
    box.post_message(events.Paste(text))
    await pilot.pause()


async def say(pilot: Pilot[Any], text: str) -> dict[str, Any]:
    """Paste a reply, press enter, wait for the debtor's answer. Returns the turn."""
    from callsim.tui.screens.call import CallScreen

    screen = pilot.app.screen
    assert isinstance(screen, CallScreen)
    before = len(screen.call.turns)
    await paste(pilot, text)
    await pilot.press("enter")
    await wait_for(pilot, lambda: len(screen.call.turns) > before and not screen.pending, "the reply to be scored")
    await pilot.pause()
    turn: dict[str, Any] = screen.call.turns[-1].to_json()
    return turn


def screen_text(pilot: Pilot[Any]) -> str:
    """What is on the terminal right now, as plain text (one line per row)."""
    strips = pilot.app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


def transcript_text(pilot: Pilot[Any]) -> str:
    """The whole transcript, including what is scrolled out of view."""
    transcript = pilot.app.screen.query_one(Transcript)
    return "\n".join(str(s.render()) for s in transcript.query(Static))


def entries(pilot: Pilot[Any], kind: str) -> list[str]:
    transcript = pilot.app.screen.query_one(Transcript)
    return [str(s.render()) for s in transcript.query(f".{kind}").results(Static)]


async def store_call(app: CallsimApp, fn: Callable[[Any], Any]) -> Any:
    """Read the store (after every queued write has landed)."""
    await app.flush()
    return await app.store(fn)
