"""Drills in the trainee app, driven like a trainee drives them: `d` from the library, a drill from the list,
a draft typed or questions answered, ctrl+s, the feedback; and what the store (or the journal) holds after.

The drills are fixtures written into the user's drill folder (the shipped ones are hidden), so these tests do
not move when a shipped drill is edited; the checks themselves are the real core (rules and scorer).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, OptionList, Static

from callsim.core.drills.rules import rulebook
from callsim.core.store_thread import StoreOpener
from callsim.tui import keys
from callsim.tui.screens.dialogs import ConfirmDialog
from callsim.tui.screens.drill import DrillScreen
from callsim.tui.screens.drill_feedback import DrillFeedbackScreen
from callsim.tui.screens.drills import DrillsScreen
from callsim.tui.screens.library import LibraryScreen
from callsim.tui.widgets import CleanTextArea
from tests.test_tui_support import (
    install_fixture,
    make_app,
    only_fixture,
    screen_text,
    store_call,
    wait_for,
    wait_screen,
)

TEXT_DRILL = """\
id: tui-text-uk
kind: written
title: "Fixture: a first reminder [b]text[/b]"
jurisdiction: UK
channel: sms
moment: first_reminder
brief: |
  Kieran Walsh agreed to pay £20 a month towards his £486.40 account, on the 28th. The first £20 has not
  come in. He gave you this mobile number and agreed to texts. Write the reminder text. [red]not markup[/red]
facts:
  consumer: Kieran Walsh
  agent: Leah Carter
  business: Nestwell Home & Nursery
  phone: 0808 157 0192
model: >
  Hi Kieran, it's Leah from Nestwell Home & Nursery. We haven't seen your £20 for the 28th yet. If money is
  tight this month, give me a ring on 0808 157 0192 and we can look at it together. Thanks, Leah
"""

SCHEDULE_DRILL = """\
id: tui-schedule-uk
kind: schedule
title: "Fixture: after my shift"
jurisdiction: UK
brief: |
  Kieran told you on Monday 2 March: "Only ring me after half four, any day."
case:
  jurisdiction: UK
  office_tz: Europe/London
  places:
    - {name: Swindon (home), tz: Europe/London}
  preferences:
    - kind: only
      window: {start: "16:30", end: "21:00"}
      medium: call
      said: 2026-03-02 17:05
      words: "Only ring me after half four, any day."
questions:
  - at: 2026-03-10 12:15
    ask: "Tuesday 10 March, 12:15 p.m. May you call Kieran now?"
  - at: 2026-03-10 17:00
    ask: "Tuesday 10 March, 5 p.m. May you call him now?"
"""

BAD_DRAFT = "You owe 300 pounds on your overdue account. Pay now. [b]x[/b]"


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A temp home with the fixture scenario and the two fixture drills (shipped scenarios and drills hidden)."""
    path = Path(os.environ["CALLSIM_HOME"])
    install_fixture(path)
    only_fixture(monkeypatch, tmp_path)
    no_drills = tmp_path / "no-shipped-drills"
    no_drills.mkdir()
    monkeypatch.setattr("callsim.core.drills.model.shipped_dir", lambda: no_drills)
    folder = path / "drills"
    folder.mkdir(parents=True)
    (folder / "text.yaml").write_text(TEXT_DRILL, encoding="utf-8")
    (folder / "schedule.yaml").write_text(SCHEDULE_DRILL, encoding="utf-8")
    return path


async def open_drills(pilot: Any) -> DrillsScreen:
    library = await wait_screen(pilot, LibraryScreen)
    await wait_for(pilot, lambda: bool(library.cards), "the library")
    await pilot.press("ctrl+d")
    drills = await wait_screen(pilot, DrillsScreen)
    await wait_for(pilot, lambda: drills.loaded, "the drills")
    await pilot.pause()
    return drills


async def open_drill(pilot: Any, drill_id: str) -> DrillScreen:
    drills = await open_drills(pilot)
    options = drills.query_one("#drill-list", OptionList)
    options.highlighted = next(i for i, o in enumerate(options.options) if o.id == drill_id)
    await pilot.press("enter")
    return await wait_screen(pilot, DrillScreen)


async def answer(pilot: Any, screen: DrillScreen, answers: list[str]) -> None:
    for i, text in enumerate(answers):
        screen.query_one(f"#answer-{i}", Input).value = text
    await pilot.pause()


def attempts(app: Any) -> Any:
    return store_call(app, lambda s: s.list_attempts())


def problem(screen: DrillScreen, i: int) -> str:
    widget = screen.query_one(f"#problem-{i}", Static)
    return str(widget.render()) if widget.display else ""


# --------------------------------------------------------------------------- the list


async def test_ctrl_d_opens_the_drills_by_kind_and_escape_returns(home: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_screen(pilot, LibraryScreen)
        assert "ctrl+d drills" in screen_text(pilot)  # the library's header names the key
        drills = await open_drills(pilot)
        text = screen_text(pilot)
        assert "Written messages" in text and "May I contact them now?" in text
        assert "Voicemail" not in text  # no voicemail drill here: no empty heading
        assert "UK · text message · not tried yet" in text and "UK · 2 questions" in text
        # the detail pane: the brief, with the author's text shown as text
        assert "Kieran Walsh agreed to pay £20 a month" in text and "[red]not markup[/red]" in text
        assert "Fixture: a first reminder [b]text[/b]" in text
        assert [o.id for o in drills.query_one("#drill-list", OptionList).options if not o.disabled] == \
            ["tui-text-uk", "tui-schedule-uk"]
        await pilot.press("escape")
        await wait_screen(pilot, LibraryScreen)


def test_the_new_keys_are_in_the_table_and_none_takes_typing_on_the_drill_screen() -> None:
    assert keys.BY_ID["library.drills"].key == "ctrl+d" and keys.BY_ID["library.drills"].tooltip
    for k in keys.KEYS:
        if k.scope == "Drill":  # the trainee types here: F-keys and ctrl+letter only
            assert k.key.startswith(("f", "ctrl+")), k.id
    assert {"Drills", "Drill", "Drill feedback"} <= set(keys.SCOPES)


# --------------------------------------------------------------------------- a written drill


async def test_a_written_draft_is_checked_marked_stored_and_tried_again(home: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_drill(pilot, "tui-text-uk")
        text = screen_text(pilot)
        assert "UK · text message" in text and "On your screen" in text and "Leah Carter" in text
        draft = screen.query_one("#draft", CleanTextArea)
        assert app.focused is draft
        await pilot.press("ctrl+s")  # nothing typed: nothing submitted
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        await pilot.press(*BAD_DRAFT)
        assert draft.text == BAD_DRAFT
        await pilot.press("ctrl+s")
        feedback = await wait_screen(pilot, DrillFeedbackScreen)
        await wait_for(pilot, lambda: feedback.saved_as is not None, "the attempt to be stored", timeout=60)
        await pilot.pause()
        text = screen_text(pilot)
        assert "\u2717 Not passed" in text and "/100" in text
        breach = rulebook().get("uk_preview_reveals_debt")
        assert f"BREACH: {breach.title}" in text and breach.citation in text
        assert "owe(1)" in text  # the words marked, with the finding's number
        assert "[b]x[/b]" in text  # the trainee's text as text
        assert feedback.saved_as is not None and feedback.saved_as.id is not None
        await pilot.press("end")
        await pilot.pause()
        text = screen_text(pilot)
        assert "A better message" in text and "Saved in your drill attempts" in text

        rows = await attempts(app)
        assert len(rows) == 1
        row = rows[0]
        assert (row["drill_id"], row["trainee"], row["kind"], row["passed"]) == \
            ("tui-text-uk", "Sam Tester", "written", False)
        assert row["data"]["answer"]["text"] == BAD_DRAFT

        await pilot.press("r")  # try again: the same drill, starting from what was written
        again = await wait_screen(pilot, DrillScreen)
        assert again.query_one("#draft", CleanTextArea).text == BAD_DRAFT
        await pilot.press("f4")  # leaving with a draft asks first
        await wait_screen(pilot, ConfirmDialog)
        await pilot.press("y")
        drills = await wait_screen(pilot, DrillsScreen)
        await wait_for(pilot, lambda: "tui-text-uk" in drills.best, "the best score")
        await pilot.pause()
        assert "UK · text message · Best " in screen_text(pilot)


# --------------------------------------------------------------------------- a scheduling drill


async def test_an_unreadable_answer_is_shown_and_nothing_is_submitted_then_good_answers_pass(home: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_drill(pilot, "tui-schedule-uk")
        text = screen_text(pilot)
        assert "Contact log" in text and "calls only 4:30 p.m. to 9 p.m." in text
        assert "uk_preferences" in text and "uk_hours" in text  # the rule ids that may be named
        await pilot.press(*"maybe")  # typed from the brief: the first question takes it
        assert screen.query_one("#answer-0", Input).value == "maybe"
        await pilot.press("enter")  # enter checks the answer at once
        await pilot.pause()
        assert 'start with "yes" or "no"' in problem(screen, 0)

        await answer(pilot, screen, ["no us_hours", "yes"])
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)  # not submitted
        assert "unknown rule 'us_hours'" in problem(screen, 0) and problem(screen, 1) == ""
        assert "unknown rule 'us_hours'" in screen_text(pilot)
        assert app.focused is screen.query_one("#answer-0", Input)
        assert await attempts(app) == []

        await answer(pilot, screen, ["no uk_preferences when 2026-03-10 16:30", "yes"])
        await pilot.press("ctrl+s")
        feedback = await wait_screen(pilot, DrillFeedbackScreen)
        await wait_for(pilot, lambda: feedback.saved_as is not None, "the attempt to be stored")
        await pilot.pause()
        text = screen_text(pilot)
        assert "\u2713 Passed 100/100" in text
        assert text.count("\u2713 Right") == 2
        assert "Earliest allowed: 2026-03-10 16:30" in text and "after half four" in text
        rows = await attempts(app)
        assert [(r["drill_id"], r["passed"], r["score"]) for r in rows] == [("tui-schedule-uk", True, 100.0)]

        await pilot.press("escape")
        await wait_screen(pilot, DrillsScreen)
        await pilot.press("escape")
        await wait_screen(pilot, LibraryScreen)


async def test_an_attempt_the_store_refuses_is_kept_in_the_journal_and_the_trainee_told(home: Path) -> None:
    def broken() -> Any:
        raise OSError("disk on fire")

    opener: StoreOpener = broken
    app = make_app(store=opener)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_drill(pilot, "tui-schedule-uk")
        await answer(pilot, screen, ["no uk_preferences", "no uk_hours"])
        await pilot.press("ctrl+s")
        feedback = await wait_screen(pilot, DrillFeedbackScreen)
        await wait_for(pilot, lambda: feedback.saved_as is not None, "the store to answer")
        saved = feedback.saved_as
        assert saved is not None and saved.id is None and saved.kept is not None
        kept = json.loads(saved.kept.read_text(encoding="utf-8"))["attempt"]  # with the store it waits for
        assert saved.kept.parent == home / "journal" and saved.kept.name.startswith("drill-tui-schedule-uk-")
        assert kept["drill_id"] == "tui-schedule-uk" and kept["trainee"] == "Sam Tester"
        assert any("could not be saved to the session store" in n.message and str(saved.kept) in n.message
                   for n in app._notifications)
        await pilot.press("end")
        await pilot.pause()
        assert "Not saved to the session store" in screen_text(pilot)
        assert "\u2717 Not passed" in screen_text(pilot)  # the second answer was wrong: the feedback stays


# --------------------------------------------------------------------------- sizes


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_drill_screens_fit(home: Path, size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await open_drills(pilot)
        text = screen_text(pilot)
        assert "Written messages" in text and "esc Back" in text
        await pilot.press("enter")
        await wait_screen(pilot, DrillScreen)
        text = screen_text(pilot)
        assert "Kieran Walsh agreed" in text and "Submit" in text and "^s Submit" in text and "f4 Back" in text
        await pilot.press("f4")
        await wait_screen(pilot, DrillsScreen)
        await pilot.press("down", "enter")
        schedule = await wait_screen(pilot, DrillScreen)
        assert schedule.drill.kind == "schedule"
        text = screen_text(pilot)
        assert "Contact log" in text and "Submit" in text
