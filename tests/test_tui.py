"""The app, driven like a trainee drives it: open a scenario, type and paste replies, press keys.

Each test plays through the real app (Pilot) with the real engine, scorer and SQLite store in a temp
home, and checks both what the screens show and what the store holds.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from textual import events
from textual.widgets import DataTable, Input, OptionList

from callsim.config import Config, load_config
from callsim.core.rubric import load_rubric
from callsim.core.text import MAX_REPLY_CHARS
from callsim.tui.screens.brief import BriefScreen
from callsim.tui.screens.call import CallScreen
from callsim.tui.screens.debrief import DebriefScreen
from callsim.tui.screens.dialogs import ConfirmDialog, NameDialog, ResumeDialog
from callsim.tui.screens.help import HelpScreen
from callsim.tui.screens.library import LibraryScreen
from callsim.tui.screens.sessions import SessionsScreen
from callsim.tui.widgets import ReplyBox
from tests.test_tui_support import (
    FIXTURE_ID,
    GOOD_REPLIES,
    entries,
    install_fixture,
    install_us_fixture,
    make_app,
    only_fixture,
    open_call,
    paste,
    say,
    screen_text,
    store_call,
    transcript_text,
    wait_for,
    wait_screen,
)


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A temp home whose library holds only the fixture scenario (the shipped ones are hidden)."""
    path = Path(os.environ["CALLSIM_HOME"])
    install_fixture(path)
    only_fixture(monkeypatch, tmp_path)
    return path


def label(bid: str) -> str:
    return load_rubric().get(bid).label


async def play_good_call(pilot: Any) -> list[dict[str, Any]]:
    await open_call(pilot)
    return [await say(pilot, reply) for reply in GOOD_REPLIES]


# --------------------------------------------------------------------------- library and brief


async def test_library_lists_filters_and_opens_a_brief(home: Path) -> None:
    install_us_fixture(home)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_screen(pilot, LibraryScreen)
        await wait_for(pilot, lambda: bool(screen.cards), "the cards")
        shown = screen_text(pilot)
        assert "Fixture: Alex and the water bill" in shown
        assert "Alex Morgan, 41" in shown and "job loss" in shown and "2/5" in shown
        assert "not tried yet" in shown
        assert app.startup_seconds is not None and app.startup_seconds > 0

        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        for key in "water":
            await pilot.press(key)
        await pilot.pause()
        assert [c.id for c in screen.visible_cards()] == [FIXTURE_ID]
        screen.query_one("#search", Input).value = "j:us d:2 water"
        await pilot.pause()
        assert screen.visible_cards() == []
        assert "No scenario matches" in screen_text(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert len(screen.visible_cards()) == len(screen.cards) == 2
        screen.query_one("#search", Input).value = "j:us"
        await pilot.pause()
        assert [c.id for c in screen.visible_cards()] == ["tui-fixture-us"]

        await pilot.press("slash")
        screen.query_one("#search", Input).value = "tag:reduced"
        await pilot.pause()
        await pilot.press("enter")  # from the search box: the highlighted (first) match's brief
        brief = await wait_screen(pilot, BriefScreen)
        await wait_for(pilot, lambda: brief.scenario is not None, "the brief")
        text = screen_text(pilot)
        for fact in ("Riverside Water", "Example Recoveries", "RW-1001", "£300.00", "£20.00", "60 days",
                     "intended: credit reporting", "NOT intended: court action"):
            assert fact in text, fact
        await pilot.press("escape")
        await wait_screen(pilot, LibraryScreen)


async def test_library_search_is_a_launcher(home: Path) -> None:
    """Issue 15: Enter after a search opens the match, Down then Enter opens the second match (not the third),
    and letters typed while the list has focus start a search instead of being lost."""
    install_us_fixture(home)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_screen(pilot, LibraryScreen)
        await wait_for(pilot, lambda: len(screen.cards) == 2, "the cards")
        options = screen.query_one("#cards", OptionList)
        assert app.focused is options
        for key in "water":  # 'w' is no shortcut: typing goes to the search box
            await pilot.press(key)
        await pilot.pause()
        search = screen.query_one("#search", Input)
        assert app.focused is search and search.value == "water"
        assert len(screen.visible_cards()) == 1

        await pilot.press("escape")  # clears and goes back to the list
        await pilot.pause()
        await pilot.press("slash")
        await pilot.press("down")  # in the box: the highlight moves to the second card, focus stays
        await pilot.pause()
        assert app.focused is search and options.highlighted == 1
        await pilot.press("up", "up")  # and back, never above the first
        await pilot.pause()
        assert options.highlighted == 0
        await pilot.press("down", "enter")
        brief = await wait_screen(pilot, BriefScreen)
        await wait_for(pilot, lambda: brief.scenario is not None, "the brief")
        assert brief.scenario is not None and brief.scenario.id == screen.visible_cards()[1].id
        await pilot.press("escape")
        await wait_screen(pilot, LibraryScreen)

        await pilot.press("slash")
        search.value = "nothing matches this"
        await pilot.pause()
        await pilot.press("enter")  # no match: stays in the box to be corrected
        await pilot.pause()
        assert app.focused is search and isinstance(app.screen, LibraryScreen)

        await pilot.press("escape")
        await pilot.pause()
        # Typed fast (a terminal delivers a burst at once) the letters after the first are already queued
        # for the list when the box takes the focus: they are search text too, the shortcut 's' included.
        for ch in "crisis":
            options.post_message(events.Key(ch, ch))
        await wait_for(pilot, lambda: search.value == "crisis", "the whole word in the box")
        assert isinstance(app.screen, LibraryScreen)

        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("s")  # a shortcut key stays a shortcut
        await wait_screen(pilot, SessionsScreen)


async def test_startup_time_is_logged(home: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="callsim.tui")
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.startup_seconds is not None, "the startup time")
    assert any("startup: library on screen" in r.getMessage() for r in caplog.records)


async def test_garbage_collection_paused_for_startup_resumes_with_the_library(home: Path) -> None:
    import gc

    app = make_app(gc_paused=True)
    gc.disable()
    try:
        async with app.run_test() as pilot:
            await wait_for(pilot, lambda: app.startup_seconds is not None, "the startup time")
            assert gc.isenabled()
    finally:
        gc.enable()


async def test_cards_that_come_late_follow_the_loading_message(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures import Future

    from callsim.core.cards import Catalog

    late: Future[list[Any]] = Future()
    monkeypatch.setattr(Catalog, "load_cards_in_background", lambda self: late)  # a slow folder
    app = make_app()
    async with app.run_test() as pilot:
        screen = await wait_screen(pilot, LibraryScreen)
        assert "Loading scenarios" in screen_text(pilot) and app.startup_seconds is None
        late.set_result(app.catalog.load_cards())
        await wait_for(pilot, lambda: app.startup_seconds is not None, "the startup time")
        assert screen.cards and "not tried yet" in screen_text(pilot)


# --------------------------------------------------------------------------- whole calls


async def test_a_whole_call_in_coaching_mode_is_shown_and_stored(home: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        call = await open_call(pilot)
        assert "Hello? Who's this? [sounds busy]" in transcript_text(pilot)  # author text with brackets, as text
        assert "kids in the background" in transcript_text(pilot)
        assert "nothing yet" in screen_text(pilot)
        assert "trust" in screen_text(pilot) and "3/10" in screen_text(pilot)  # meters carry numbers

        turn1 = await say(pilot, GOOD_REPLIES[0])
        assert turn1["next"] == "verified"
        coach = entries(pilot, "coach")
        assert len(coach) == 1
        assert f"+ {label('identifies_self')}" in coach[0]
        assert "Empathy" in coach[0] and "De-escalation" in coach[0]
        # The persona panel fills in as facts are disclosed; the meters show the change.
        assert "hours at the warehouse were cut" in screen_text(pilot)
        assert "▲" in screen_text(pilot)
        # The evidence is highlighted inside the reply itself.
        reply_entry = call.query_one(".reply")
        spans = reply_entry.visual.spans
        assert any("underline" in str(s.style) for s in spans)

        await say(pilot, GOOD_REPLIES[1])
        last = await say(pilot, GOOD_REPLIES[2])
        assert last["next"] == "agreed"
        assert call.call.ended
        text = transcript_text(pilot)
        assert "That sounds fair" in text and "Call over: Something workable agreed" in text
        assert call.query_one("#to-debrief").display

        await pilot.press("enter")
        debrief = await wait_screen(pilot, DebriefScreen)
        record = debrief.record
        shown = screen_text(pilot)
        assert ("PASS" in shown) == record.passed
        assert f"{record.scores.overall:.0f}/100" in shown
        assert "Compliance" in shown and "Outcome" in shown and "Something workable agreed" in shown
        assert "Mood over the call" in shown and "3 → " in shown
        table = debrief.query_one("#turns", DataTable)
        assert table.row_count == 3

        sessions = await store_call(app, lambda s: s.list_sessions(trainee="Sam Tester"))
        assert len(sessions) == 1
        s = sessions[0]
        assert s.scenario_id == FIXTURE_ID and s.ended is not None and s.n_turns == 3
        assert s.mode == "coaching" and s.outcome_id == "agreed"
        assert s.overall == pytest.approx(record.scores.overall)
        detail = await store_call(app, lambda st: st.get(s.id))
        assert [t["reply"] for t in detail.turns] == list(GOOD_REPLIES)


async def test_each_turn_is_stored_as_it_happens(home: Path) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await open_call(pilot)
        await say(pilot, GOOD_REPLIES[0])
        unfinished = await store_call(app, lambda s: s.unfinished(trainee="Sam Tester"))
        assert len(unfinished) == 1 and unfinished[0].n_turns == 1


async def test_assessment_mode_shows_nothing_until_the_debrief(home: Path) -> None:
    app = make_app(settings=Config(cursor_blink=False, feedback="assessment"))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_call(pilot)
        assert "hidden in assessment mode" in screen_text(pilot)
        await say(pilot, GOOD_REPLIES[0])
        await pilot.press("f2")  # no hints either
        await pilot.pause()
        assert entries(pilot, "coach") == [] and entries(pilot, "hint") == []
        text = screen_text(pilot)
        assert "Empathy" not in text and label("identifies_self") not in text
        await say(pilot, GOOD_REPLIES[1])
        await say(pilot, GOOD_REPLIES[2])
        await pilot.press("enter")
        await wait_screen(pilot, DebriefScreen)
        assert "Empathy" in screen_text(pilot)
        sessions = await store_call(app, lambda s: s.list_sessions(trainee="Sam Tester"))
        assert sessions[0].mode == "assessment"


async def test_guided_mode_picks_numbered_replies_with_digit_keys(home: Path) -> None:
    app = make_app(guided=True)
    async with app.run_test() as pilot:
        call = await open_call(pilot)
        options = call.query_one("#choices", OptionList)
        assert options.display and options.option_count == 2
        assert not call.query_one("#reply-row").display
        await pilot.press("1")
        await wait_for(pilot, lambda: len(call.call.turns) == 1 and not call.pending, "the choice")
        turn = call.call.turns[0]
        assert turn.choice == 1 and turn.reply.startswith("Hi, I'm Sam")
        await pilot.press("f3")  # back to typing
        await pilot.pause()
        assert not options.display and call.query_one("#reply-row").display
        assert isinstance(app.focused, ReplyBox)
        # Issue 15: the switch is the app's setting, saved, so it holds after the call and on resume.
        assert app.guided is False
        await pilot.press("f3")
        await pilot.pause()
        assert app.guided is True and load_config().guided is True and options.display
        await pilot.press("f3")
        await pilot.pause()
        assert app.guided is False and load_config().guided is False
        await pilot.press("f4")
        await wait_screen(pilot, ConfirmDialog)
        await pilot.press("y")
        await wait_for(pilot, lambda: call.call.ended, "the call to end")
        await pilot.press("enter")
        await wait_screen(pilot, DebriefScreen)
        await pilot.press("escape")
        await wait_screen(pilot, LibraryScreen)
        await pilot.pause()
        assert "typing (g)" in screen_text(pilot)


async def test_typing_a_reply_key_by_key_and_the_hint_key(home: Path) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        call = await open_call(pilot)
        await pilot.press("f2")
        await pilot.pause()
        hint = entries(pilot, "hint")
        assert len(hint) == 1 and label("identifies_self") in hint[0] and label("verifies_identity") in hint[0]
        await pilot.press(*"Hello", "space", *"there")
        assert call.query_one(ReplyBox).text == "Hello there"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(call.call.turns) == 1 and not call.pending, "the reply")
        assert call.call.turns[0].reply == "Hello there"
        assert call.query_one(ReplyBox).text == ""


async def test_text_typed_on_the_transcript_goes_to_the_reply_box(home: Path) -> None:
    """Issue 15: letters typed while the transcript has focus were lost; they start (or continue) the reply,
    a fast burst included, and a bound key (F2) still does its job."""
    from callsim.tui.widgets import Transcript

    async with make_app().run_test(size=(120, 40)) as pilot:
        call = await open_call(pilot)
        box = call.query_one(ReplyBox)
        transcript = call.query_one(Transcript)
        transcript.focus()
        await pilot.pause()
        assert pilot.app.focused is transcript
        await pilot.press(*"Hi", "space")
        assert pilot.app.focused is box and box.text == "Hi "
        transcript.focus()
        await pilot.pause()
        for ch in "there 1":  # queued for the transcript before the box takes the focus
            transcript.post_message(events.Key("space" if ch == " " else ch, ch))
        await wait_for(pilot, lambda: box.text == "Hi there 1", "the whole burst in the box")
        transcript.focus()
        await pilot.press("f2")  # bound keys stay keys
        await pilot.pause()
        assert len(entries(pilot, "hint")) == 1 and box.text == "Hi there 1"


async def test_end_the_call_at_any_time(home: Path) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        call = await open_call(pilot)
        await say(pilot, GOOD_REPLIES[0])
        await pilot.press("f4")
        await wait_screen(pilot, ConfirmDialog)
        await pilot.press("n")
        await wait_screen(pilot, CallScreen)
        assert not call.call.ended
        await pilot.press("f4")
        await wait_screen(pilot, ConfirmDialog)
        await pilot.press("y")
        await wait_for(pilot, lambda: call.call.ended, "the call to end")
        await pilot.pause()
        assert "Call ended by the trainee" in transcript_text(pilot)
        await pilot.press("enter")
        debrief = await wait_screen(pilot, DebriefScreen)
        assert debrief.record.outcome is not None and debrief.record.outcome.id == "ended_by_trainee"
        assert "NOT PASSED" in screen_text(pilot)
        sessions = await store_call(app, lambda s: s.list_sessions(trainee="Sam Tester"))
        assert sessions[0].outcome_id == "ended_by_trainee" and sessions[0].ended is not None


# --------------------------------------------------------------------------- hostile input


async def test_markup_escape_codes_and_control_characters_are_shown_as_text(home: Path) -> None:
    nasty = "[bold red]shout[/] \x1b[31mred\x1b[0m \x1b]0;title\x07 bell\x07 [link=http://x]y[/link] $var"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        call = await open_call(pilot)
        turn = await say(pilot, nasty)
        shown = call.query_one(".reply").render()
        plain = str(shown)
        assert "[bold red]shout[/]" in plain and "[link=http://x]y[/link]" in plain and "$var" in plain
        assert "\x1b" not in plain and "\x07" not in plain
        assert "\x1b" not in turn["reply"]
        assert "red" in turn["reply"]
        # Nothing the trainee typed styled the screen: no bold red, no link.
        for span in shown.spans:
            assert "red" not in str(span.style) and "link" not in str(span.style)
        screen = screen_text(pilot)
        assert "\x1b" not in screen and "[bold red]shout[/]" in screen


async def test_a_100_kb_paste_is_cut_with_a_message(home: Path) -> None:
    messages: list[Any] = []
    app = make_app()
    async with app.run_test(message_hook=messages.append) as pilot:
        call = await open_call(pilot)
        await paste(pilot, "I hear you. " * 9000)  # about 108 KB
        box = call.query_one(ReplyBox)
        assert len(box.text) == MAX_REPLY_CHARS
        assert any(type(m).__name__ == "PasteTruncated" for m in messages)
        assert any("were kept" in n.message for n in app._notifications)
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(call.call.turns) == 1 and not call.pending, "the long reply")
        assert len(call.call.turns[0].reply) <= MAX_REPLY_CHARS


async def test_a_multi_line_paste_is_one_reply(home: Path) -> None:
    async with make_app().run_test() as pilot:
        call = await open_call(pilot)
        await paste(pilot, "Hi, I'm Sam from Example Recoveries.\nCan I check I'm speaking to Alex Morgan?\n")
        assert call.call.turns == ()
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(call.call.turns) == 1 and not call.pending, "the reply")
        assert "\n" in call.call.turns[0].reply
        assert call.call.turns[0].next == "verified"


# --------------------------------------------------------------------------- resume, retry, rewind


async def test_an_interrupted_call_is_offered_for_resume(home: Path) -> None:
    first = make_app()
    async with first.run_test() as pilot:
        await open_call(pilot)
        await say(pilot, GOOD_REPLIES[0])
        await first.flush()
    first.recorder.close()  # the terminal closes: the call is left unfinished

    second = make_app()
    async with second.run_test(size=(120, 40)) as pilot:
        await wait_screen(pilot, ResumeDialog)
        assert "Fixture: Alex and the water bill" in screen_text(pilot) and "1 reply in" in screen_text(pilot)
        await pilot.press("r")
        call = await wait_screen(pilot, CallScreen)
        assert len(call.call.turns) == 1
        assert GOOD_REPLIES[0] in transcript_text(pilot) and "resumed after 1 reply" in transcript_text(pilot)
        assert "hours got cut" in transcript_text(pilot)
        await say(pilot, GOOD_REPLIES[1])
        await say(pilot, GOOD_REPLIES[2])
        sessions = await store_call(second, lambda s: s.list_sessions(trainee="Sam Tester"))
        assert len(sessions) == 1, "resuming continues the same session"
        assert sessions[0].ended is not None and sessions[0].n_turns == 3
    second.recorder.close()

    third = make_app()
    async with third.run_test() as pilot:
        await wait_screen(pilot, LibraryScreen)
        await wait_for(pilot, lambda: not third.workers._workers or all(
            w.group != "startup" for w in third.workers), "the resume check")
        await pilot.pause(0.2)
        assert not isinstance(third.screen, ResumeDialog)


async def test_an_unfinished_call_can_be_ended_instead(home: Path) -> None:
    first = make_app()
    async with first.run_test() as pilot:
        await open_call(pilot)
        await say(pilot, GOOD_REPLIES[0])
        await first.flush()
    first.recorder.close()
    second = make_app()
    async with second.run_test() as pilot:
        await wait_screen(pilot, ResumeDialog)
        await pilot.press("e")
        await wait_screen(pilot, LibraryScreen)
        sessions = await store_call(second, lambda s: s.list_sessions(trainee="Sam Tester"))
        assert sessions[0].outcome_id == "ended_by_trainee"
        assert await store_call(second, lambda s: s.unfinished(trainee="Sam Tester")) == []


async def test_rewind_to_a_turn_and_try_a_different_reply(home: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        original = await play_good_call(pilot)
        await pilot.press("enter")
        debrief = await wait_screen(pilot, DebriefScreen)
        table = debrief.query_one("#turns", DataTable)
        table.focus()
        await pilot.press("down")  # turn 2
        await pilot.pause()
        assert debrief.selected_turn() == 2
        assert "Turn 2" in screen_text(pilot)
        await pilot.press("w")
        call = await wait_screen(pilot, CallScreen)
        assert len(call.call.turns) == 1 and call.call.node_id == "verified"
        assert call.call.mood == original[1]["mood_before"]
        assert "what if: from turn 2" in transcript_text(pilot)
        turn = await say(pilot, "You need to calm down and pay today.")
        assert turn["index"] == 2 and turn["next"] != original[1]["next"]
        await wait_for(pilot, lambda: call.call.ended, "the what-if call to end")
        sessions = await store_call(app, lambda s: s.list_sessions(trainee="Sam Tester", order="started"))
        assert [s.mode for s in sessions] == ["coaching", "what-if"]
        what_if = await store_call(app, lambda s: s.get(sessions[1].id))
        assert [t["index"] for t in what_if.turns] == [1, 2]
        assert what_if.turns[0]["reply"] == GOOD_REPLIES[0]


async def test_retry_from_the_debrief_starts_afresh(home: Path) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await open_call(pilot)
        await say(pilot, "I still need a payment today.")
        await wait_for(pilot, lambda: app.screen.call.ended, "the call to end")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_screen(pilot, DebriefScreen)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, CallScreen) and not app.screen.call.turns,
                       "a new call")
        sessions = await store_call(app, lambda s: s.list_sessions(trainee="Sam Tester"))
        assert len(sessions) == 2


# --------------------------------------------------------------------------- my sessions


async def test_my_sessions_shows_history_trend_and_opens_a_past_call(home: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await play_good_call(pilot)
        await pilot.press("enter")
        await wait_screen(pilot, DebriefScreen)
        await pilot.press("escape")
        library = await wait_screen(pilot, LibraryScreen)
        await wait_for(pilot, lambda: FIXTURE_ID in library.best, "the best result")
        assert "passed" in screen_text(pilot) or "not passed" in screen_text(pilot)
        await pilot.press("s")
        sessions = await wait_screen(pilot, SessionsScreen)
        await wait_for(pilot, lambda: sessions.query_one("#sessions", DataTable).row_count == 1, "the history")
        text = screen_text(pilot)
        assert "Your trend" in text and "1 finished call(s)" in text
        assert "Fixture: Alex and the water bill" in text and "Something workable agreed" in text
        await pilot.press("enter")
        debrief = await wait_screen(pilot, DebriefScreen)
        assert len(debrief.turns) == 3 and debrief.from_history
        await pilot.press("t")
        await pilot.pause()
        assert "Alex (kids in the background): Hello? Who's this? [sounds busy]" in screen_text(pilot)
        await pilot.press("escape")
        await wait_screen(pilot, SessionsScreen)


# --------------------------------------------------------------------------- help, palette, settings


async def test_help_lists_every_key_and_remapped_keys_work(home: Path) -> None:
    from callsim.tui import keys

    app = make_app(settings=Config(cursor_blink=False, keymap={"call.hint": "f9", "nonsense.key": "f10"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_screen(pilot, LibraryScreen)
        assert any("no binding with id 'nonsense.key'" in n.message for n in app._notifications)
        await pilot.press("f1")
        help_screen = await wait_screen(pilot, HelpScreen)
        text = str(help_screen.query_one("#help-text").render())
        for k in keys.KEYS:
            if not k.id.startswith("call.choose_"):
                assert k.id in text and k.description in text, k.id
        assert "F9" in text and "1-9" in text
        await pilot.press("escape")
        await wait_screen(pilot, LibraryScreen)
        await open_call(pilot)
        await pilot.press("f2")  # no longer the hint key
        await pilot.pause()
        assert entries(pilot, "hint") == []
        await pilot.press("f9")
        await pilot.pause()
        assert len(entries(pilot, "hint")) == 1


async def test_command_palette_exports_the_transcript_as_markdown(home: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        call = await open_call(pilot)
        titles = [c.title for c in app.get_system_commands(call)]
        for want in ("Open scenario: Fixture: Alex and the water bill", "Restart", "Export transcript as Markdown",
                     "Switch to assessment mode", "Switch theme (light/dark)"):
            assert want in titles
        await say(pilot, "[b]Hi[/b] I'm Sam from Example Recoveries. # not a heading")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"export transcript")
        await pilot.pause(0.3)
        await pilot.press("enter")
        exports = home / "exports"
        await wait_for(pilot, lambda: exports.is_dir() and any(exports.iterdir()), "the export")
        md = next(exports.iterdir()).read_text(encoding="utf-8")
        assert md.startswith("# Fixture: Alex and the water bill")
        assert "\\[b\\]Hi\\[/b\\]" in md and "\\# not a heading" in md
        assert "Trainee: Sam Tester" in md


async def test_palette_restart_and_mode_toggle(home: Path) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        call = await open_call(pilot)
        await say(pilot, GOOD_REPLIES[0])
        call.action_restart()
        await wait_for(pilot, lambda: isinstance(app.screen, CallScreen) and app.screen is not call, "a new call")
        assert app.screen.call.turns == ()  # type: ignore[attr-defined]
        sessions = await store_call(app, lambda s: s.list_sessions(trainee="Sam Tester", order="started"))
        assert sessions[0].outcome_id == "ended_by_trainee" and sessions[1].ended is None
        app.action_toggle_feedback()
        assert app.feedback == "assessment"
        await app.workers.wait_for_complete()
        assert load_config().feedback == "assessment"


async def test_theme_switches_and_is_remembered(home: Path) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_screen(pilot, LibraryScreen)
        assert app.theme == "callsim-light"
        await pilot.press("ctrl+t")
        assert app.theme == "callsim-dark"
        await app.workers.wait_for_complete()
    assert load_config().theme == "callsim-dark"
    assert make_app(settings=load_config()).settings.theme == "callsim-dark"


async def test_the_trainee_is_asked_once_and_remembered(home: Path) -> None:
    app = make_app(trainee=None)
    async with app.run_test() as pilot:
        await wait_screen(pilot, NameDialog)
        await pilot.press("enter")  # empty: asked again
        assert isinstance(app.screen, NameDialog)
        await pilot.press(*"Jo", "space", *"Bloggs")
        await pilot.press("enter")
        await wait_screen(pilot, LibraryScreen)
        await app.workers.wait_for_complete()
        assert app.trainee == "Jo Bloggs"
    saved = yaml.safe_load((home / "config.yaml").read_text(encoding="utf-8"))
    assert saved["trainee"] == "Jo Bloggs"
    again = make_app(trainee=None, settings=load_config())
    async with again.run_test() as pilot:
        await wait_screen(pilot, LibraryScreen)
        await pilot.pause(0.1)
        assert not isinstance(again.screen, NameDialog) and again.trainee == "Jo Bloggs"


async def test_the_trainee_flag_overrides_the_config_without_saving(home: Path) -> None:
    (home / "config.yaml").write_text("trainee: Saved Name\n", encoding="utf-8")
    app = make_app(trainee="Flag Name", settings=load_config())
    async with app.run_test() as pilot:
        await open_call(pilot)
        await say(pilot, GOOD_REPLIES[0])
        sessions = await store_call(app, lambda s: s.list_sessions())
        assert [s.trainee for s in sessions] == ["Flag Name"]
    assert load_config().trainee == "Saved Name"


async def test_a_broken_store_does_not_stop_practice(home: Path) -> None:
    def broken() -> Any:
        raise RuntimeError("disk on fire")

    app = make_app(store=broken)
    async with app.run_test() as pilot:
        await open_call(pilot)
        turn = await say(pilot, GOOD_REPLIES[0])
        assert turn["next"] == "verified"
        await wait_for(pilot, lambda: app.store_failed, "the store problem")
        await wait_for(pilot, lambda: app.saves_failing, "the turn kept in the journal")
        notes = [n.message for n in app._notifications if "could not be saved" in n.message]
        assert len(notes) == 1 and "disk on fire" in notes[0] and "kept on this computer" in notes[0]
        journal = list((home / "journal").glob("*.jsonl"))  # issue 14: the turn is kept, not dropped
        assert len(journal) == 1 and GOOD_REPLIES[0] in journal[0].read_text(encoding="utf-8")


async def test_scenario_given_on_the_command_line_opens_its_brief(home: Path) -> None:
    app = make_app(scenario=FIXTURE_ID)
    async with app.run_test() as pilot:
        brief = await wait_screen(pilot, BriefScreen)
        assert brief.card.id == FIXTURE_ID


async def test_narrow_terminal_hides_the_detail_pane(home: Path) -> None:
    async with make_app().run_test(size=(80, 24)) as pilot:
        screen = await wait_screen(pilot, LibraryScreen)
        await wait_for(pilot, lambda: bool(screen.cards), "the cards")
        assert "-narrow" in screen.classes and not screen.query_one("#lib-detail").display
        assert "Fixture: Alex and the water bill" in screen_text(pilot)


async def test_resume_flag_continues_the_latest_unfinished_call_without_asking(home: Path) -> None:
    first = make_app()
    async with first.run_test() as pilot:
        await open_call(pilot)
        await say(pilot, GOOD_REPLIES[0])
        await first.flush()
    first.recorder.close()
    second = make_app(resume="")
    async with second.run_test() as pilot:
        call = await wait_screen(pilot, CallScreen)
        assert len(call.call.turns) == 1 and call.call.node_id == "verified"
    second.recorder.close()
