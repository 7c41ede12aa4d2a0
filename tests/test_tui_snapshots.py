"""Pictures of the app (SVG, pytest-textual-snapshot) at 80x24 and 120x40.

Deterministic: the fixture scenario only, a fixed seed, a fixed clock (the call timer reads 00:00), no
cursor blink, and :class:`FixedScorer` (so the real scorer's wording can change without redrawing every
picture; the Pilot tests in test_tui.py use the real one). Review an SVG before accepting an update:
``pytest tests/test_tui_snapshots.py --snapshot-update``, then look at the files in __snapshots__/.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from callsim.config import Config
from callsim.tui.screens.debrief import DebriefScreen
from callsim.tui.screens.help import HelpScreen
from callsim.tui.screens.library import LibraryScreen
from tests.test_tui_support import (
    GOOD_REPLIES,
    install_fixture,
    make_app,
    only_fixture,
    open_call,
    say,
    wait_for,
    wait_screen,
)

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
Snap = Callable[..., bool]


@pytest.fixture(autouse=True)
def _fixture_library(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    install_fixture(Path(os.environ["CALLSIM_HOME"]))
    only_fixture(monkeypatch, tmp_path)


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def library(pilot: Pilot[Any]) -> None:
    screen = await wait_screen(pilot, LibraryScreen)
    await wait_for(pilot, lambda: bool(screen.cards), "the cards")
    await settle(pilot)


def call_after_one_reply(reply: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run(pilot: Pilot[Any]) -> None:
        await open_call(pilot)
        await say(pilot, reply)
        await settle(pilot)

    return run


async def debrief(pilot: Pilot[Any]) -> None:
    await open_call(pilot)
    for reply in GOOD_REPLIES:
        await say(pilot, reply)
    await pilot.press("enter")
    await wait_screen(pilot, DebriefScreen)
    await settle(pilot)


async def help_screen(pilot: Pilot[Any]) -> None:
    await library(pilot)
    await pilot.press("f1")
    await wait_screen(pilot, HelpScreen)
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_library(snap_compare: Snap, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(fixed_scorer=True), terminal_size=size, run_before=library)


@pytest.mark.parametrize("size", SIZES)
def test_call_coaching(snap_compare: Snap, size: tuple[int, int]) -> None:
    run = call_after_one_reply("Hi, I'm Sam from Example Recoveries. Can I check I'm speaking to Alex Morgan?")
    assert snap_compare(make_app(fixed_scorer=True), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_call_assessment(snap_compare: Snap, size: tuple[int, int]) -> None:
    app = make_app(fixed_scorer=True, settings=Config(cursor_blink=False, feedback="assessment"))
    run = call_after_one_reply("Hi, I'm Sam from Example Recoveries. Can I check I'm speaking to Alex Morgan?")
    assert snap_compare(app, terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_debrief(snap_compare: Snap, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(fixed_scorer=True), terminal_size=size, run_before=debrief)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare: Snap, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(fixed_scorer=True), terminal_size=size, run_before=help_screen)


# A long call (issue 15: at 120x40 the debtor's newest answer was often below the fold, and at 80x24 the
# mood meters dropped out of view): long replies, so the transcript overflows at both sizes.
_FILLER = (" I want to be sure I have understood all of this properly before we go any further, so please take "
           "your time: there is no rush at all on my side today, and if anything I say is unclear, stop me and "
           "I will go back over it in a different way.")
LONG_REPLIES = (GOOD_REPLIES[0] + _FILLER * 4, GOOD_REPLIES[1] + _FILLER * 4)


async def newest_line_in_view(pilot: Pilot[Any], *, scrolled: bool = True) -> None:
    """The last debtor line, and the mood meters, are wholly inside what the screen shows (``scrolled``: and
    the transcript is long enough to scroll, so this proves something). The screen is read once the app has
    drawn what it was given (a bounded wait for the frame, not a timing target)."""
    from callsim.tui.widgets import MoodMeters, Transcript

    screen = pilot.app.screen
    transcript = screen.query_one(Transcript)

    def last() -> Any:
        return [w for w in transcript.children if w.has_class("debtor")][-1]

    def in_view() -> bool:
        return transcript.content_region.contains_region(last().region)

    try:
        await wait_for(pilot, in_view, "the newest line in view", timeout=5.0)
    except AssertionError:
        t = transcript
        raise AssertionError(f"the newest line {last().region} is outside the view {t.content_region} "
                             f"(scroll {t.scroll_y} of {t.max_scroll_y}, anchored {t.is_anchored}, "
                             f"released {t._anchor_released})") from None
    assert transcript.max_scroll_y > 0 or not scrolled, "the call is long enough to scroll"
    sidebar = screen.query_one("#sidebar")
    assert sidebar.region.contains_region(screen.query_one(MoodMeters).region), "the mood meters are cut off"


async def long_call(pilot: Pilot[Any]) -> None:
    await open_call(pilot)
    for i, reply in enumerate(LONG_REPLIES):
        await say(pilot, reply)
        await settle(pilot)
        await newest_line_in_view(pilot, scrolled=i > 0)


@pytest.mark.parametrize("size", SIZES)
def test_long_call_ends_in_view(snap_compare: Snap, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(fixed_scorer=True), terminal_size=size, run_before=long_call)


@pytest.mark.parametrize("size", SIZES)
def test_long_guided_call_ends_in_view(snap_compare: Snap, size: tuple[int, int]) -> None:
    """In guided mode the numbered choices appear below the transcript after the debtor's line is added,
    taking rows from it: the newest line must stay in view all the same."""

    async def run(pilot: Pilot[Any]) -> None:
        await open_call(pilot)
        await say(pilot, LONG_REPLIES[0] + _FILLER * 4)  # typed, then guided for the next node's choices
        await pilot.press("f3")
        await settle(pilot)
        await newest_line_in_view(pilot)
        assert pilot.app.screen.query_one("#choices").display

    assert snap_compare(make_app(fixed_scorer=True), terminal_size=size, run_before=run)
