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
