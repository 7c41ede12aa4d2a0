"""Preview for trainers: a scenario file played from any node with a debug panel, reloaded as it changes.

The session tests drive :class:`Preview` directly (no screen); the Pilot tests drive the preview app the way
a trainer does: start at a node, reply, read the debug panel; edit the file on disk (a temp copy) and see it
reload in place; break it and see the lint error with file:line:col; the snapshot is the preview at 120x40.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static

from callsim.config import Config
from callsim.core.preview import Preview, PreviewError, check_settings, parse_setting
from callsim.core.record import Turn
from callsim.tui.preview.app import PreviewApp
from callsim.tui.preview.panel import DebugPanel, ProblemsPanel
from callsim.tui.preview.screen import NodePicker, PreviewScreen
from callsim.tui.widgets import ReplyBox, Transcript

FIXTURE = """\
# yaml-language-server: $schema=../../schema/scenario.schema.json
id: preview-fixture
title: "Preview fixture: Robin and the phone bill"
version: 1
difficulty: 2
jurisdiction: UK
summary: Robin's hours were cut and the phone bill fell behind. A short call for the preview's tests.
persona:
  name: Robin Hale
  age: 35
  situation: job_loss
  facts:
    hours_cut: Their hours at the depot were cut in half in May.
    kids: They look after two children on their own.
debt:
  creditor: Northline Mobile
  balance: 240
  breakdown:
    - {label: Unpaid phone bills, amount: 225}
    - {label: Late fee, amount: 15, kind: fee}
  days_past_due: 45
  actions:
    lawful: [default_notice, credit_reporting]
    intended: [default_notice]
budget:
  income: [{label: Wages, amount: 950}]
  outgoings: [{label: Rent and bills, amount: 910}]
mood:
  trust: {min: 0, max: 10, start: 3}
  anger: {min: 0, max: 10, start: 4}
flags:
  identity_verified: {role: identity_verified}
start: opening
nodes:
  opening:
    say:
      - "Hello? Who's this?"
      - "Yes? Who is it?"
    expects: [identifies_self, verifies_identity]
    model_answers: ["Hi, it's Jo from Northline Mobile. Can I check I'm speaking to Robin Hale?"]
    routes:
      - when: verifies_identity and not violations
        goto: verified
        set: {identity_verified: true}
        mood: {trust: 1}
        note: Robin knows who is calling, and it really is Robin.
      - goto: hung_up
        mood: {anger: 2, trust: -2}
        note: No identity check, so Robin will not talk to a stranger.
  verified:
    say:
      - "Yes, that's me. Look, my hours got cut, it's been a nightmare."
      - "Speaking. Things have been hard since my hours were cut."
    cues: [sighs]
    discloses: [hours_cut]
    expects: [emotional_reaction, exploration]
    model_answers: ["I'm sorry to hear that, it sounds really stressful. How are things at the moment?"]
    routes:
      - when: asks_payment
        goto: hung_up
        mood: {anger: 3}
        note: Straight to money after bad news, so Robin hangs up.
      - when: emotional_reaction or exploration or interpretation
        goto: opens_up
        mood: {trust: 2, anger: -2}
        note: Warmth or an open question, so Robin opens up.
      - goto: hung_up
        mood: {anger: 2, trust: -2}
        note: Nothing for Robin to hold on to.
  opens_up:
    say:
      - "Thanks. It's me and the two kids. I want to pay, I just can't do much."
      - "Thanks for asking. I've got the two kids to feed. I can't pay much."
    discloses: [kids]
    expects: [offers_options, signposts_debt_advice]
    model_answers:
      - "We could set up a small plan, or pause for 30 days while you talk to StepChange. Which suits you?"
    routes:
      - when: violations
        goto: hung_up
        note: A compliance breach ends it.
      - goto: agreed
        mood: {trust: 1}
  agreed:
    say: "OK. That sounds fair. Thank you."
    outcome: {id: agreed, label: "Something workable agreed", result: resolved}
  hung_up:
    say: "I haven't got time for this. [hangs up]"
    outcome: {id: hung_up, label: "Robin hung up", result: failed}
walkthroughs:
  - name: checks who is on the line, listens, offers options
    replies:
      - "Hi, it's Jo from Northline Mobile. Can I check I'm speaking to Robin Hale?"
      - "I'm sorry to hear that, it sounds really stressful. How are things at the moment?"
      - "We could set up a small plan, or pause for 30 days while you talk to StepChange. Which suits you?"
    expect: {outcome: agreed}
  - name: no identity check
    replies: ["You owe £240."]
    expect: {outcome: hung_up}
"""
WARM = "I'm so sorry, that sounds really hard. How are things at the moment?"
Snap = Callable[..., bool]


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "preview_fixture.yaml"
    path.write_text(FIXTURE, encoding="utf-8")
    return path


def rewrite(path: Path, change: Callable[[str], str]) -> None:
    """Save an edited file, as an editor would, with a newer modification time."""
    before = path.stat().st_mtime_ns
    text = change(path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


# --------------------------------------------------------------------------- the session, without a screen


def test_start_at_a_node_with_settings(scenario_file: Path) -> None:
    preview = Preview(scenario_file)
    assert preview.read()
    call = preview.start("verified")  # the state the first walkthrough has there: identity checked, trust up
    assert (call.node_id, call.flags, call.disclosed) == ("verified", {"identity_verified": True}, ["hours_cut"])
    assert call.mood["trust"] > 3.0 and len(call.turns) == 1
    assert preview.state is not None and preview.state.summary() == (
        "state at 'verified': as reached by walkthrough 'checks who is on the line, listens, offers options' "
        "at turn 2: identity_verified")
    call = preview.start("verified", {"anger": 7.0, "identity_verified": False})  # --set wins over the derived state
    assert (call.mood["anger"], call.flags) == (7.0, {"identity_verified": False})
    assert preview.state is not None and preview.state.summary().endswith("set: anger=7, identity_verified=false")
    assert "hours were cut" in call.line.text or "hours got cut" in call.line.text
    with pytest.raises(PreviewError, match="Did you mean 'opens_up'"):
        preview.start("open_up")


def test_settings_are_checked_against_the_scenario(scenario_file: Path) -> None:
    preview = Preview(scenario_file)
    assert preview.read() and preview.scenario is not None
    s = preview.scenario
    assert check_settings(s, {"anger": "8", "identity_verified": "yes"}) == {"anger": 8.0, "identity_verified": True}
    with pytest.raises(PreviewError, match="from 0 to 10"):
        check_settings(s, {"anger": "11"})
    with pytest.raises(PreviewError, match="a number"):
        check_settings(s, {"trust": "lots"})
    with pytest.raises(PreviewError, match="true or false"):
        check_settings(s, {"identity_verified": "maybe"})
    with pytest.raises(PreviewError, match="Did you mean 'anger'"):
        check_settings(s, {"angr": "3"})
    assert parse_setting(" anger = 8 ") == ("anger", "8")
    with pytest.raises(PreviewError, match="NAME=VALUE"):
        parse_setting("anger")


def test_reload_carries_mood_and_flags_over_to_the_new_version(scenario_file: Path) -> None:
    preview = Preview(scenario_file)
    assert preview.read()
    preview.start("verified", {"anger": 9.0, "trust": 6.0})
    rewrite(scenario_file, lambda t: t.replace("anger: {min: 0, max: 10, start: 4}",
                                               "anger: {min: 0, max: 8, start: 4}\n  calm: {min: 0, max: 5, start: 2}"))
    assert preview.changed()
    report = preview.reload()
    assert report.loaded and not report.moved and not preview.changed()
    call = preview.call
    assert call is not None and call.node_id == "verified"
    assert call.mood == {"trust": 6.0, "anger": 8.0, "calm": 2.0}
    assert "Mood 'anger' was 9, outside its new range: now 8." in report.notes
    assert "New mood 'calm' starts at 2." in report.notes


# --------------------------------------------------------------------------- the app, driven by a trainer


def make_app(path: Path, **kwargs: Any) -> PreviewApp:
    kwargs.setdefault("poll", 0.05)
    return PreviewApp(path, config=Config(cursor_blink=False), **kwargs)


def text_of(widget: Static) -> str:
    return str(widget.render())


def _preview_screen(app: App[Any]) -> PreviewScreen:
    return next(s for s in reversed(app.screen_stack) if isinstance(s, PreviewScreen))


def panel(app: App[Any]) -> str:
    return text_of(_preview_screen(app).query_one(DebugPanel))


def transcript(app: App[Any]) -> str:
    return "\n".join(text_of(s) for s in _preview_screen(app).query_one(Transcript).query(Static))


async def wait_for(pilot: Pilot[Any], check: Callable[[], bool], what: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            app = pilot.app
            shown = (f"\n--- panel:\n{panel(app)}\n--- transcript:\n{transcript(app)}"
                     if any(isinstance(x, PreviewScreen) for x in app.screen_stack) else "")
            raise AssertionError(f"timed out waiting for {what}{shown}")
        await pilot.pause(0.05)


async def opened(pilot: Pilot[Any]) -> PreviewScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PreviewScreen)
                   and pilot.app.screen.preview.call is not None, "the preview to start")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, PreviewScreen)
    return screen


async def reply(pilot: Pilot[Any], text: str) -> Turn:
    screen = pilot.app.screen
    assert isinstance(screen, PreviewScreen)
    turns = len(screen.preview.call.turns) if screen.preview.call else 0
    box = screen.query_one(ReplyBox)
    box.focus()
    box.insert(text)
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.last_turn is not None and screen.last_turn.index == turns + 1,
                   "the reply to be played")
    await pilot.pause()
    assert screen.last_turn is not None
    return screen.last_turn


async def test_start_at_a_node_reply_and_read_the_route_and_detections(scenario_file: Path) -> None:
    app = make_app(scenario_file, node="verified", settings={"anger": 7.0})
    async with app.run_test(size=(120, 40)) as pilot:
        await opened(pilot)
        shown = panel(app)
        assert "Node  verified  preview_fixture.yaml:" in shown
        assert ("(starting at node 'verified'; state at 'verified': as reached by walkthrough 'checks who is on "
                "the line, listens, offers options' at turn 2: identity_verified; set: anger=7)") in transcript(app)
        assert "identity_verified true" in shown  # checked at the opening by the walkthrough that got here
        assert "anger" in shown and "7/10" in shown
        assert "1 when asks_payment \u2192 hung_up" in shown  # what the next reply is tested against
        assert "Model answer (F3 sends it)" in shown

        turn = await reply(pilot, WARM)
        assert turn.route is not None and turn.route.goto == "opens_up"
        shown = panel(app)
        line = line_of(scenario_file, "when: emotional_reaction or exploration or interpretation")
        assert f"route 2 of 3 from verified \u2192 opens_up\n    at   preview_fixture.yaml:{line}\n" in shown
        assert "when emotional_reaction or exploration or interpretation" in shown
        assert "note Warmth or an open question, so Robin opens up." in shown
        assert "route 1 did not match" in shown
        assert "+ emotional_reaction \u201csorry\u201d" in shown or "+ emotional_reaction" in shown
        assert "+ exploration" in shown
        assert "Node  opens_up" in shown
        assert "\u2192 opens_up  (when emotional_reaction or exploration or interpretation)" in transcript(app)
        assert app.screen.query_one("#pv-problems").display is False


async def test_model_answer_and_going_to_any_node(scenario_file: Path) -> None:
    app = make_app(scenario_file)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        assert screen.preview.call is not None and screen.preview.call.node_id == "opening"
        await pilot.press("f3")  # the node's model answer
        await wait_for(pilot, lambda: screen.last_turn is not None, "the model answer to be played")
        assert screen.preview.call.node_id == "verified"
        assert screen.preview.call.flags["identity_verified"] is True

        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, NodePicker), "the node picker")
        for _ in range(2):
            await pilot.press("down")
        await pilot.press("enter")  # opening, verified, [opens_up]
        await wait_for(pilot, lambda: isinstance(app.screen, PreviewScreen), "the preview again")
        call = screen.preview.call
        assert call is not None and call.node_id == "opens_up"
        assert call.flags["identity_verified"] is True  # kept across the jump
        assert "(jumped to node 'opens_up')" in transcript(app)

        await pilot.press("f4")  # restart: the start node, fresh mood and flags
        await wait_for(pilot, lambda: "(restarted at node 'opening'" in transcript(app), "the restart")
        call = screen.preview.call
        assert call is not None and call.node_id == "opening" and call.flags["identity_verified"] is False
        assert not screen.pending


async def test_an_edit_on_disk_reloads_and_keeps_the_place(scenario_file: Path) -> None:
    app = make_app(scenario_file, node="verified")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await reply(pilot, WARM)
        call = screen.preview.call
        assert call is not None and call.node_id == "opens_up"
        mood, flags = dict(call.mood), dict(call.flags)
        old_call = call

        rewrite(scenario_file, lambda t: t.replace("I want to pay, I just can't do much.",
                                                   "I want to sort this, honestly.")
                                          .replace("I can't pay much.", "I want to sort this, honestly."))
        await wait_for(pilot, lambda: screen.preview.call is not old_call, "the file to reload")
        await pilot.pause()
        call = screen.preview.call
        assert call is not None
        assert call.node_id == "opens_up" and call.mood == mood and call.flags == flags
        assert len(call.turns) == 2  # the replies so far are kept too (the walkthrough's that led to 'verified')
        assert "(reloaded preview_fixture.yaml: at node 'opens_up')" in transcript(app)
        assert "I want to sort this, honestly." in transcript(app)  # the edited line, shown at once
        assert "Node  opens_up" in panel(app)


async def test_a_node_that_vanished_is_said_and_the_call_goes_to_the_start(scenario_file: Path) -> None:
    app = make_app(scenario_file, node="verified", settings={"anger": 6.0})
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        rewrite(scenario_file, lambda t: t.replace("  verified:\n", "  caller_verified:\n")
                                          .replace("goto: verified", "goto: caller_verified"))
        await wait_for(pilot, lambda: "no longer in the file" in transcript(app), "the reload note")
        call = screen.preview.call
        assert call is not None and call.node_id == "opening"
        assert call.mood["anger"] == 6.0  # mood and flags kept
        assert ("Node 'verified' is no longer in the file: back to the start, 'opening', with the mood and "
                "flags kept. Did you mean 'caller_verified'?") in transcript(app).replace("\n", " ")
        assert "Node  opening" in panel(app)


async def test_a_broken_file_shows_its_lint_error_with_file_and_line(scenario_file: Path) -> None:
    app = make_app(scenario_file, node="verified")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        old_call = screen.preview.call
        rewrite(scenario_file, lambda t: t.replace("goto: opens_up\n        mood: {trust: 2",
                                                   "goto: open_up\n        mood: {trust: 2"))
        line = line_of(scenario_file, "goto: open_up")
        problems = screen.query_one("#pv-problems")
        await wait_for(pilot, lambda: problems.display is True, "the problems")
        text = text_of(screen.query_one(ProblemsPanel))
        assert "1 error(s)" in text and "playing the last version that loaded" in text
        assert f"preview_fixture.yaml:{line}:" in text and "E101" in text and "'opens_up'" in text
        assert "file has problems" in text_of(screen.query_one("#pv-bar", Static))
        assert screen.preview.call is old_call  # still playable: the last version that loaded

        turn = await reply(pilot, WARM)
        assert turn.route is not None and turn.route.goto == "opens_up"

        rewrite(scenario_file, lambda t: t.replace("goto: open_up", "goto: opens_up"))
        await wait_for(pilot, lambda: problems.display is False, "the problems to clear")
        assert screen.preview.call is not None and screen.preview.call.node_id == "opens_up"
        assert "file has problems" not in text_of(screen.query_one("#pv-bar", Static))


async def test_a_file_broken_from_the_start_plays_once_fixed(scenario_file: Path) -> None:
    rewrite(scenario_file, lambda t: t.replace("start: opening", "start: openin"))
    app = make_app(scenario_file, node="verified")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: isinstance(app.screen, PreviewScreen)
                       and app.screen.query_one("#pv-problems").display is True, "the problems")
        screen = app.screen
        assert isinstance(screen, PreviewScreen)
        text = text_of(screen.query_one(ProblemsPanel))
        assert f"preview_fixture.yaml:{line_of(scenario_file, 'start: openin')}:" in text
        assert "the preview starts when the file loads" in text
        assert screen.preview.call is None and screen.query_one("#pv-reply-row").display is False

        rewrite(scenario_file, lambda t: t.replace("start: openin", "start: opening"))
        await wait_for(pilot, lambda: screen.preview.call is not None, "the call to start")
        await pilot.pause()
        assert screen.preview.call is not None and screen.preview.call.node_id == "verified"
        assert screen.query_one("#pv-reply-row").display is True


async def test_the_preview_screen_can_be_pushed_onto_another_app(scenario_file: Path) -> None:
    app: App[None] = App()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = PreviewScreen(scenario_file, node="opens_up", poll=None)
        await app.push_screen(screen)
        await wait_for(pilot, lambda: screen.preview.call is not None, "the preview to start")
        await pilot.pause()
        assert screen.query_one("#pv-side").region.width >= 34  # its own styles came with it
        assert "Node  opens_up" in text_of(screen.query_one(DebugPanel))
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen


def test_preview_snapshot(snap_compare: Snap, scenario_file: Path) -> None:
    from tests.test_tui_support import FixedScorer

    async def run(pilot: Pilot[Any]) -> None:
        await opened(pilot)
        await reply(pilot, WARM)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    app = make_app(scenario_file, node="verified", settings={"anger": 7.0}, scorer=FixedScorer(), poll=None)
    assert snap_compare(app, terminal_size=(120, 40), run_before=run)


# --------------------------------------------------------------------------- the command


class Oops(Exception):
    pass


def parser() -> argparse.ArgumentParser:
    from callsim.cli.preview import register

    p = argparse.ArgumentParser(prog="callsim")
    register(p.add_subparsers(dest="command"), Oops)
    return p


def test_the_command_checks_the_node_and_settings_then_opens_the_preview(
        scenario_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened_with: list[tuple[Path, dict[str, Any]]] = []

    def fake(path: Path, **kwargs: Any) -> int:
        opened_with.append((path, kwargs))
        return 0

    monkeypatch.setattr("callsim.tui.preview.run_preview", fake)
    a = parser().parse_args(["preview", str(scenario_file), "--node", "verified", "--set", "anger=8",
                             "--set", "identity_verified=true"])
    assert a.func(a) == 0
    assert opened_with == [(scenario_file, {"node": "verified", "settings": {"anger": 8.0, "identity_verified": True},
                                            "seed": 1})]

    for args, message in ((["--node", "verifed"], "no node 'verifed' in preview-fixture. Did you mean 'verified'?"),
                          (["--set", "angr=3"], "Did you mean 'anger'?"),
                          (["--set", "anger"], "NAME=VALUE")):
        a = parser().parse_args(["preview", str(scenario_file), *args])
        with pytest.raises(Oops, match=message.replace("?", "\\?").replace(".", "\\.")):
            a.func(a)
    a = parser().parse_args(["preview", str(scenario_file.with_name("missing.yaml"))])
    with pytest.raises(Oops, match="no such file"):
        a.func(a)
