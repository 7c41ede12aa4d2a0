"""Drill attempts in the review app, driven the way a team lead drives it (Pilot): real attempts stored in a
temp SQLite store next to real calls, the drills table opened with ``d`` from the sessions table, filtered by
trainee and kind, sorted, one attempt opened (its feedback) and closed; and the drills line of a trainee's
progress and the cohort's Drills tab."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.widgets import DataTable, Input, Select, Static, TabbedContent

from callsim.core.drills.attempt import Answer, attempt_draft, attempt_schedule
from callsim.core.drills.model import find_drill
from callsim.core.store import Store
from callsim.core.text import safe_text
from callsim.tui.review import keys
from callsim.tui.review.screens.cohort import CohortScreen
from callsim.tui.review.screens.drill_attempt import DrillAttemptScreen
from callsim.tui.review.screens.drills import DrillsScreen
from callsim.tui.review.screens.progress import ProgressScreen
from callsim.tui.review.screens.sessions import SessionsScreen

from .test_review_support import MARKUP_NAME, T0, make_app, open_store, screen_text, settle

SCHEDULE_ANSWERS = [Answer(True), Answer(True), Answer(True), Answer(False, ("us_inconvenient",))]


def _save(store: Store, trainee: str, drill_id: str, taken: datetime, text: str | None = None) -> str:
    drill = find_drill(drill_id)
    if text is None:
        attempt = attempt_schedule(drill, SCHEDULE_ANSWERS, trainee=trainee)
    else:
        attempt = attempt_draft(drill, text, trainee=trainee)
    return store.save_attempt(attempt.to_json(), taken=taken)


GOOD_VOICEMAIL = "Hi, this is Sam Patel from Lakeshore Services. Please call me back at 1-800-555-0142."


@pytest.fixture
def drilled(tmp_path: Path) -> Any:
    """The review tests' calls, and five drill attempts (oldest first): Amy fails a text, passes a voicemail
    and misses a scheduling question; Ben passes a voicemail; Eve (whose name is markup) fails a text."""
    store, _, _ = open_store(tmp_path)
    ids = {
        "amy-text": _save(store, "Amy Khan", "text-first-reminder-us", T0 + timedelta(days=1),
                          "pay now [bold]today[/]"),
        "amy-voicemail": _save(store, "Amy Khan", "voicemail-limited-content-us", T0 + timedelta(days=3),
                               GOOD_VOICEMAIL),
        "ben-voicemail": _save(store, "Ben Ode", "voicemail-limited-content-us", T0 + timedelta(days=5),
                               GOOD_VOICEMAIL),
        "amy-schedule": _save(store, "Amy Khan", "schedule-seven-in-seven-us", T0 + timedelta(days=7)),
        "eve-text": _save(store, MARKUP_NAME, "text-first-reminder-us", T0 + timedelta(days=9, hours=17), "pay"),
    }
    yield store, ids
    store.close()


def rows(table: DataTable[Any]) -> list[list[str]]:
    return [[c.plain if isinstance(c, Text) else str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def column(table: DataTable[Any], key: str) -> list[str]:
    return [c.plain if isinstance(c, Text) else str(c) for c in table.get_column(key)]


def current(pilot: Any) -> Any:
    """The screen on top now (typed loosely: it changes as keys are pressed)."""
    return pilot.app.screen


def focused(pilot: Any) -> Any:
    return pilot.app.focused


async def open_drills(pilot: Any) -> DrillsScreen:
    await settle(pilot)
    await pilot.press("d")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DrillsScreen), screen
    return screen


# --------------------------------------------------------------------------- the table


async def test_d_opens_the_attempts_newest_first_with_words_for_pass(drilled: Any) -> None:
    store, ids = drilled
    app = make_app(store)
    app.tz = timezone(timedelta(hours=-5))  # Eve's attempt, 2026-03-12 02:00 UTC, was the evening before here
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_drills(pilot)
        table = screen.table
        assert [str(k.value) for k in table.rows] == [ids[k] for k in (
            "eve-text", "amy-schedule", "ben-voicemail", "amy-voicemail", "amy-text")]
        got = rows(table)
        assert got[0][:3] == ["2026-03-11", safe_text(MARKUP_NAME), "written"]
        assert got[1][2] == "schedule" and got[1][3].startswith("schedule-seven")
        assert column(table, "passed") == ["no", "no", "yes", "yes", "no"]
        assert column(table, "score")[2] == "60"
        assert column(table, "rules")[0] == "2" and column(table, "rules")[2] == "-"  # narrow: how many
        text = screen_text(pilot)
        assert "5 attempts" in text and "Drill attempts" in text
        assert "[bold red]E" in text  # a name is text, never markup (cut short to the column)


async def test_the_wide_table_shows_times_and_the_rules_by_id(drilled: Any) -> None:
    store, _ = drilled
    async with make_app(store).run_test(size=(120, 40)) as pilot:
        screen = await open_drills(pilot)
        table = screen.table
        assert column(table, "taken")[0] == "2026-03-12 02:00"
        assert column(table, "rules")[0] == "us_opt_out, us_collector_disclosure"
        assert column(table, "drill")[1] == "schedule-seven-in-seven-us"
        schedule_rules = column(table, "rules")[1]
        assert schedule_rules and schedule_rules != "-"
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert column(table, "rules")[0] == "2" and column(table, "taken")[0] == "2026-03-12"


async def test_the_sessions_trainee_filter_carries_over_then_trainee_and_kind_filter(drilled: Any) -> None:
    store, ids = drilled
    async with make_app(store).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sessions = pilot.app.screen
        assert isinstance(sessions, SessionsScreen)
        trainee = sessions.query_one("#f-trainee", Select)
        trainee.value = "Amy Khan"
        await settle(pilot)
        screen = await open_drills(pilot)
        assert screen.filters.trainee == "Amy Khan"
        assert screen.query_one("#dr-trainee", Select).value == "Amy Khan"
        assert set(column(screen.table, "trainee")) == {"Amy Khan"} and screen.table.row_count == 3
        assert "trainee Amy Khan" in screen_text(pilot)

        screen.query_one("#dr-kind", Select).value = "voicemail"
        await settle(pilot)
        assert [str(k.value) for k in screen.table.rows] == [ids["amy-voicemail"]]

        screen.query_one("#dr-trainee", Select).value = "Ben Ode"
        await settle(pilot)
        assert [str(k.value) for k in screen.table.rows] == [ids["ben-voicemail"]]

        await pilot.press("x")  # clear: every attempt again
        await settle(pilot)
        assert screen.table.row_count == 5 and not screen.filters.active

        await pilot.press("slash")  # to the filters; esc back to the table, not out of the screen
        assert focused(pilot) is screen.query_one("#dr-trainee", Select)
        await pilot.press("escape")
        assert current(pilot) is screen and focused(pilot) is screen.table

        since = screen.query_one("#dr-since", Input)
        since.value = "2026-03-08"
        since.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert [str(k.value) for k in screen.table.rows] == [ids["eve-text"], ids["amy-schedule"]]
        assert "No drill attempts" not in screen_text(pilot)

        screen.query_one("#dr-kind", Select).value = "voicemail"
        await settle(pilot)
        assert screen.table.row_count == 0 and "No drill attempts match" in screen_text(pilot)

        await pilot.press("escape")
        await pilot.pause()
        assert current(pilot) is sessions


async def test_sorting_by_a_header_or_s_and_r(drilled: Any) -> None:
    store, _ = drilled
    async with make_app(store).run_test(size=(120, 40)) as pilot:
        screen = await open_drills(pilot)
        await pilot.press("s")  # the next column after Date: Trainee, A to Z
        names = column(screen.table, "trainee")
        assert names == sorted(names, key=str.casefold) and names.count("Amy Khan") == 3
        assert "sorted by Trainee ▲" in screen_text(pilot)
        await pilot.press("r")
        assert column(screen.table, "trainee") == list(reversed(names))
        screen.sort_by("score")  # as a header click: highest first
        await pilot.pause()
        scores = [float(s) for s in column(screen.table, "score")]
        assert scores == sorted(scores, reverse=True)
        assert "Score ▼" in str(screen.table.ordered_columns[4].label)


async def test_enter_opens_the_feedback_as_text_and_escape_goes_back(drilled: Any) -> None:
    store, ids = drilled
    async with make_app(store).run_test(size=(80, 24)) as pilot:
        screen = await open_drills(pilot)
        screen.table.move_cursor(row=screen.table.get_row_index(ids["amy-text"]))
        await pilot.press("enter")
        await settle(pilot)
        opened = pilot.app.screen
        assert isinstance(opened, DrillAttemptScreen) and opened.view is not None
        feedback = str(opened.query_one("#da-feedback", Static).render())
        assert feedback.startswith("Not passed: ")
        assert "(1) BREACH:" in feedback and "12 CFR 1006.6(e)" in feedback  # the findings, with citations
        assert "pay now [bold]today[/]" in feedback  # the trainee's words as typed, not styled
        assert "A better message:" in feedback  # the installed drill's model
        text = screen_text(pilot)
        assert "Amy Khan" in text and "A first reminder text" in text and "40/100" in text
        assert "us_opt_out" in text  # the rules broken, by id
        assert "Your message, with what to change marked:" in text
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is screen


async def test_a_scheduling_attempt_opens_with_its_questions(drilled: Any) -> None:
    store, ids = drilled
    async with make_app(store).run_test(size=(120, 40)) as pilot:
        screen = await open_drills(pilot)
        screen.table.move_cursor(row=screen.table.get_row_index(ids["amy-schedule"]))
        await pilot.press("enter")
        await settle(pilot)
        opened = pilot.app.screen
        assert isinstance(opened, DrillAttemptScreen)
        feedback = str(opened.query_one("#da-feedback", Static).render())
        assert "You said yes; the answer is no. Wrong." in feedback
        assert "Earliest allowed:" in feedback


async def test_a_store_fault_is_said_in_plain_words(drilled: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import OperationalError

    store, _ = drilled

    def locked(**_: Any) -> Any:
        raise OperationalError("SELECT ...", {}, Exception("database is locked"))

    async with make_app(store).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(store, "list_attempts", locked)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DrillsScreen)
        want = "Could not read the drill attempts: the session database is locked by another program."
        assert str(pilot.app.screen.query_one("#dr-status", Static).render()).startswith(want)  # the status line
        assert any(want == str(n.message) for n in pilot.app._notifications)
        monkeypatch.undo()
        await pilot.press("f5")  # back: the table fills
        await settle(pilot)
        assert pilot.app.screen.query_one("#drills", DataTable).row_count == 5


async def test_an_unknown_attempt_says_so_and_goes_back(drilled: Any) -> None:
    store, _ = drilled
    async with make_app(store).run_test(size=(80, 24)) as pilot:
        screen = await open_drills(pilot)
        pilot.app.push_screen(DrillAttemptScreen("zzzz9999"))
        await settle(pilot)
        assert pilot.app.screen is screen
        assert any("Could not open drill attempt zzzz9999" in str(n.message) for n in pilot.app._notifications)


# --------------------------------------------------------------------------- progress and cohort


async def test_progress_has_a_drills_line(drilled: Any) -> None:
    store, _ = drilled
    async with make_app(store).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sessions = pilot.app.screen
        assert isinstance(sessions, SessionsScreen)
        sessions.query_one("#f-trainee", Select).value = "Amy Khan"
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        progress = pilot.app.screen
        assert isinstance(progress, ProgressScreen) and progress.drills is not None
        line = str(progress.query_one("#pg-drills", Static).render())
        assert line == "Drills written 1 (0% pass) · voicemail 1 (100% pass) · schedule 1 (0% pass)"
        select = progress.query_one("#pg-trainee", Select)
        select.value = "Ben Ode"
        await settle(pilot)
        assert str(progress.query_one("#pg-drills", Static).render()) == "Drills voicemail 1 (100% pass)"


async def test_the_cohort_has_a_drills_tab(drilled: Any) -> None:
    store, _ = drilled
    async with make_app(store).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        cohort = pilot.app.screen
        assert isinstance(cohort, CohortScreen) and cohort.drills is not None
        for _ in range(4):
            await pilot.press("t")
        assert cohort.query_one("#co-tabs", TabbedContent).active == "co-drills"
        kinds = str(cohort.query_one("#co-drill-kinds", Static).render())
        assert "Drill attempts · every trainee: 5" in kinds
        assert "written        2 attempts · 0 passed (0%)" in kinds
        assert "voicemail      2 attempts · 2 passed (100%)" in kinds
        table = cohort.query_one("#co-drill-table", DataTable)
        top = rows(table)
        assert top[0][1] == "2" and top[0][2] == "40%"  # 2 of 5 attempts broke the most common rule
        assert top[0][0] in ("Every text or email says how to stop messages that way",
                             "Say that you are a debt collector")
        await pilot.press("s")  # the drills table sorts like the others
        assert [r[0] for r in rows(table)] == sorted(r[0] for r in top)


async def test_the_cohort_says_which_filters_do_not_apply_to_drills(drilled: Any) -> None:
    from callsim.core.review_data import Filters

    store, _ = drilled
    async with make_app(store).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pilot.app.push_screen(CohortScreen(Filters(trainee="Ben Ode", scenario="job-loss-us")))
        await settle(pilot)
        kinds = str(pilot.app.screen.query_one("#co-drill-kinds", Static).render())
        assert "trainee Ben Ode (the scenario filter does not apply to drills): 1" in kinds


# --------------------------------------------------------------------------- keys


def test_the_drills_keys_are_in_the_table() -> None:
    assert keys.BY_ID["review.drills"].key == "d" and keys.BY_ID["review.drills"].scope == "Sessions"
    assert keys.BY_ID["review.drills"].tooltip
    assert {"Drills", "Drill attempt"} <= set(keys.SCOPES)
    assert all(k.tooltip for k in keys.KEYS if k.scope in ("Drills", "Drill attempt"))


async def test_no_attempts_yet(tmp_path: Path) -> None:
    store, _, _ = open_store(tmp_path)
    async with make_app(store).run_test(size=(80, 24)) as pilot:
        await open_drills(pilot)
        assert "No drill attempts yet" in screen_text(pilot)
    store.close()


def test_taken_is_read_as_utc() -> None:
    from callsim.tui.review.drill_data import AttemptRow

    row = AttemptRow.of({"id": "a", "taken": "2026-03-02T09:00:00.000Z", "trainee": "T", "kind": "written",
                         "drill_id": "d", "score": 50.0, "passed": False, "data": {"rules": ["x"]}})
    assert row.taken == datetime(2026, 3, 2, 9, tzinfo=UTC) and row.rules == ("x",) and row.title == "d"
