"""The review app, driven the way a team lead drives it (Pilot), on a temp SQLite store of real calls:
page through the sessions, filter, sort, open one, add a review, and read progress and the cohort.
Each test checks what the screen shows and what the store holds."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from statistics import mean
from typing import Any

import pytest
from rich.text import Text
from textual.widgets import DataTable, Input, Select, TabbedContent

from callsim.config import Config
from callsim.core.review_data import BY_KEY, Filters, ReviewData
from callsim.core.store import SessionSummary, Store
from callsim.core.text import safe_text
from callsim.tui.review import keys
from callsim.tui.review.screens.cohort import CohortScreen
from callsim.tui.review.screens.help import HelpScreen
from callsim.tui.review.screens.progress import ProgressScreen
from callsim.tui.review.screens.review_dialog import ReviewDialog, check
from callsim.tui.review.screens.session import SessionScreen
from callsim.tui.review.screens.sessions import SessionsScreen

from .test_review_support import (
    MARKUP_NAME,
    Made,
    bulk,
    make_app,
    open_store,
    screen_text,
    settle,
    sqlite_store,
    wait_for,
)


@pytest.fixture
def filled(tmp_path: Path) -> Any:
    store, clock, made = open_store(tmp_path)
    yield store, made
    store.close()


class Spy(ReviewData):
    """Records every page the app asks the database for."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.pages: list[tuple[Filters, str, int, int]] = []

    def page(self, filters: Filters, order: str, offset: int, limit: int) -> list[SessionSummary]:
        self.pages.append((filters, order, offset, limit))
        return super().page(filters, order, offset, limit)


def sessions_screen(app: Any) -> SessionsScreen:
    screen = app.screen
    assert isinstance(screen, SessionsScreen), screen
    return screen


def cells(table: DataTable[Any], column: str) -> list[str]:
    return [c.plain if isinstance(c, Text) else str(c) for c in table.get_column(column)]


def table_rows(table: DataTable[Any]) -> list[list[str]]:
    return [[c.plain if isinstance(c, Text) else str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


# --------------------------------------------------------------------------- the table


async def test_pages_load_lazily_as_the_lead_scrolls(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path / "many.db")
    ids = bulk(store, 230)
    app = make_app(store, page_size=50)
    spy = Spy(store)
    app.data = spy
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = sessions_screen(app)
        # The first page, and one more because the screen plus the prefetch margin reaches past it; no more.
        assert len(screen.rows) == 100 and screen.total == 230 and not screen.exhausted
        assert [(o, n) for _, _, o, n in spy.pages] == [(0, 50), (50, 50)]
        assert [s.id for s in screen.rows] == list(reversed(ids))[:100]  # newest first
        assert "100 of 230 loaded" in screen_text(pilot)
        await pilot.press("pagedown")
        await settle(pilot)
        assert len(screen.rows) == 100  # a page down is far from the end: nothing new
        for _ in range(2):  # nearer the end: the next page arrives before the cursor gets there
            await pilot.press("pagedown")
        await settle(pilot)
        assert screen.table.cursor_row < 100 and len(screen.rows) == 150 and spy.pages[-1][2:] == (100, 50)
        for _ in range(3):
            await pilot.press("ctrl+end")
            await settle(pilot)
        assert screen.exhausted and len(screen.rows) == 230 == screen.table.row_count
        assert max(n for *_, n in spy.pages) == 50  # never more than a page at a time
        assert "230 of 230 loaded" in screen_text(pilot)
    store.close()


async def test_a_session_started_while_paging_is_not_shown_twice(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path / "many.db")
    bulk(store, 120)
    app = make_app(store, page_size=40)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = sessions_screen(app)
        assert len(screen.rows) == 80
        bulk(store, 1, start=screen.rows[0].started.replace(year=2027))  # newest: shifts every offset by one
        await pilot.press("ctrl+end")
        await settle(pilot)
        await pilot.press("ctrl+end")
        await settle(pilot)
        got = [s.id for s in screen.rows]
        assert len(got) == len(set(got)) == 120  # the shifted row was dropped, not added twice
    store.close()


async def test_a_page_for_old_filters_is_dropped(filled: Any) -> None:
    store, made = filled
    gate = threading.Event()

    class Slow(ReviewData):
        def page(self, filters: Filters, order: str, offset: int, limit: int) -> list[SessionSummary]:
            if filters.trainee is None:
                gate.wait(5)  # the unfiltered first page arrives late
            return super().page(filters, order, offset, limit)

    app = make_app(store)
    app.data = Slow(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = sessions_screen(app)
        await pilot.pause()
        screen.query_one("#f-trainee", Select).set_options([("Ben Ode", "Ben Ode")])
        screen.query_one("#f-trainee", Select).value = "Ben Ode"
        await wait_for(pilot, lambda: bool(screen.rows), "Ben's sessions")
        gate.set()
        await settle(pilot)
        assert {s.trainee for s in screen.rows} == {"Ben Ode"}
        assert len(screen.rows) == sum(1 for m in made if m.trainee == "Ben Ode")


async def test_filters_narrow_the_table(filled: Any) -> None:
    store, made = filled
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = sessions_screen(app)
        assert len(screen.rows) == len(made)
        # trainee, from the keyboard: / focuses the filters, enter opens the menu, typing finds the name
        await pilot.press("slash")
        assert app.focused is screen.query_one("#f-trainee", Select)
        await pilot.press("enter", "B", "e", "n", "enter")
        await settle(pilot)
        ben = [m for m in made if m.trainee == "Ben Ode"]
        assert screen.filters.trainee == "Ben Ode"
        assert {s.trainee for s in screen.rows} == {"Ben Ode"} and len(screen.rows) == len(ben)
        assert f"{len(ben)} of {len(ben)} loaded" in screen_text(pilot)

        screen.query_one("#f-result", Select).value = "failed"
        await settle(pilot)
        assert [s.id for s in screen.rows] == [m.id for m in reversed(ben) if not m.call.record["passed"]]

        await pilot.press("x")  # clear
        await settle(pilot)
        assert screen.filters == Filters() and len(screen.rows) == len(made)

        since = screen.query_one("#f-since", Input)
        since.focus()
        for ch in "2026-03-15":
            await pilot.press(ch)
        await pilot.press("enter")
        await settle(pilot)
        late = [m for m in made if m.started >= screen.filters.since] if screen.filters.since else []
        assert late and len(screen.rows) == len(late) < len(made)
        assert app.focused is screen.query_one("#sessions")  # back to the table after the date

        since.focus()
        since.value = "someday"
        await pilot.press("enter")
        await pilot.pause()
        assert len(screen.rows) == len(late)  # a date it cannot read changes nothing, and says why
        assert any("not a date" in str(n.message) for n in app._notifications)

        screen.query_one("#f-scenario", Select).value = "job-loss-us"
        await settle(pilot)
        assert {s.scenario_id for s in screen.rows} == {"job-loss-us"}
        screen.query_one("#f-result", Select).value = "unfinished"
        await settle(pilot)
        assert screen.rows == [] and "No sessions match" in screen_text(pilot)


async def test_sorting_is_done_by_the_database(filled: Any) -> None:
    store, made = filled
    app = make_app(store)
    spy = Spy(store)
    app.data = spy
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = sessions_screen(app)
        assert spy.pages[-1][1] == "-started"
        await pilot.press("s")  # the next sortable column: trainee, A to Z
        await settle(pilot)
        assert spy.pages[-1][1] == "trainee"
        names = [s.trainee for s in screen.rows]
        assert names == sorted(names) and cells(screen.table, "trainee")[0] == "Amy Khan"
        await pilot.press("r")
        await settle(pilot)
        assert spy.pages[-1][1] == "-trainee" and [s.trainee for s in screen.rows] == sorted(names, reverse=True)

        # a click on the Score header sorts by score, highest first; a second click reverses
        x = sum(w + 2 for k, w in screen._visible()[:3]) + 2
        await pilot.click("#sessions", offset=(x, 0))
        await settle(pilot)
        assert spy.pages[-1][1] == "-overall"
        scores = [s.overall for s in screen.rows if s.overall is not None]
        assert scores == sorted(scores, reverse=True) and len(scores) == len(made) - 1
        assert "Score ▼" in screen_text(pilot)
        await pilot.click("#sessions", offset=(x, 0))
        await settle(pilot)
        assert spy.pages[-1][1] == "overall"
        assert "Score ▲" in screen_text(pilot)

        # a column the store cannot sort by says so, and changes nothing
        before = len(spy.pages)
        screen.sort_by("passed")
        await settle(pilot)
        if BY_KEY["passed"].sortable:  # once the store can sort by it
            assert spy.pages[-1][1] == "-passed"
        else:
            assert len(spy.pages) == before
            assert any("cannot sort by Pass" in str(n.message) for n in app._notifications)


async def test_trainee_text_is_shown_as_text(filled: Any) -> None:
    store, made = filled
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = sessions_screen(app)
        shown = cells(screen.table, "trainee")
        assert safe_text(MARKUP_NAME) in shown  # "[bold red]Eve[/] O'Neil", brackets and all
        text = screen_text(pilot)
        assert "[bold red]Eve[/] " in text and "\x1b" not in text  # the column is narrower than the name
        eve = next(m for m in made if m.trainee == MARKUP_NAME and m.finished)
        screen.table.move_cursor(row=screen.table.get_row_index(eve.id))
        await pilot.press("enter")
        await settle(pilot)
        assert "[bold red]Eve[/] O'Neil" in screen_text(pilot)


# --------------------------------------------------------------------------- one session


async def open_row(pilot: Any, m: Made) -> SessionScreen:
    screen = sessions_screen(pilot.app)
    screen.table.move_cursor(row=screen.table.get_row_index(m.id))
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SessionScreen)
    return pilot.app.screen


async def test_a_session_shows_transcript_and_debrief(filled: Any) -> None:
    store, made = filled
    harmful = next(m for m in made if m.call.record["compliance"]["violations"] and m.trainee == "Amy Khan")
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_row(pilot, harmful)
        text = screen_text(pilot)
        rec = harmful.call.record
        assert "Amy Khan" in text and "NOT PASSED" in text and f"{rec['scores']['overall']:.0f}/100" in text
        assert "Compliance          FAILED" in text
        for v in rec["compliance"]["violations"]:
            assert v["label"] in text  # every violation, by name
        # turn by turn: the turn table, and the highlighted turn's evidence and better alternative
        turns = screen.query_one("#s-turns", DataTable)
        assert turns.row_count == len(harmful.call.turns)
        await pilot.press("down")
        await pilot.pause()
        detail = str(screen.query_one("#s-turn-detail").render())
        second = harmful.call.turns[1]
        assert "Turn 2" in detail and second["reply"][:30] in detail
        better = second["scores"]["better"]
        assert better and better["model_answer"][:30] in detail
        for v in second["scores"]["violations"]:
            assert v["label"] in detail and v["evidence"][0]["text"] in detail
        await pilot.press("t")  # the transcript: every line of the call
        await pilot.pause()
        text = screen_text(pilot)
        assert harmful.call.turns[0]["reply"][:40] in text and harmful.call.turns[0]["debtor"]["text"][:20] in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionsScreen)


async def test_an_unfinished_session_opens(filled: Any) -> None:
    store, made = filled
    m = next(m for m in made if not m.finished)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_row(pilot, m)
        text = screen_text(pilot)
        assert "UNFINISHED" in text and "none yet (unfinished)" in text
        assert screen.query_one("#s-turns", DataTable).row_count == 2


async def test_a_review_is_stored_beside_the_machine_score(filled: Any) -> None:
    store, made = filled
    cold = next(m for m in made if m.trainee == "Amy Khan" and not m.call.record["passed"]
                and m.call.record["compliance"]["passed"])
    machine = cold.call.record["scores"]["overall"]
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_row(pilot, cold)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ReviewDialog)
        await pilot.press("G", "o")  # typed into the comment box (the rest is set, to keep the test quick)
        app.screen.query_one("#rv-comment", Input).value += "od recovery"
        await pilot.press("tab", "8", "5", "ctrl+s")  # a score without a reason: refused, nothing stored
        await pilot.pause()
        assert isinstance(app.screen, ReviewDialog)
        assert "Say why" in str(app.screen.query_one("#rv-error").render())
        assert store.get(cold.id).reviews == []
        await pilot.press("tab", "[")
        app.screen.query_one("#rv-reason", Input).value += "b]Hung up on her[/b]"
        await pilot.press("enter")  # enter in the reason box saves
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)

        d = store.get(cold.id)
        assert len(d.reviews) == 1
        r = d.reviews[0]
        assert (r.reviewer, r.comment, r.override_score, r.reason) == ("Jo Lead", "Good recovery", 85.0,
                                                                       "[b]Hung up on her[/b]")
        assert d.overall == machine and d.review_score == 85.0 and d.n_reviews == 1  # beside, not instead
        text = screen_text(pilot)
        assert f"Machine score {machine:.0f}/100" in text and "Reviewer 85/100" in text
        assert "[b]Hung up on her[/b]" in text  # the reason, as typed
        assert "Reviews (1)" in text

        await pilot.press("escape")
        await settle(pilot)
        screen = sessions_screen(app)
        row = screen.table.get_row_index(cold.id)
        assert table_rows(screen.table)[row][3] == f"{machine:.0f} r85"


async def test_a_session_that_cannot_be_read_says_so(filled: Any) -> None:
    store, _ = filled
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(SessionScreen("zzzz9999"))
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen)
        assert any("Could not open session zzzz9999" in str(n.message) for n in app._notifications)


def test_the_review_dialog_checks_what_the_store_would_refuse() -> None:
    assert check("Jo", "", "", "") == "Write a comment, or give an override score with a reason."
    assert "0 to 100" in str(check("Jo", "", "101", "x"))
    assert "0 to 100" in str(check("Jo", "", "1.2.3", "x"))
    assert "Say why" in str(check("Jo", "ok", "70", "  "))
    ok = check("Jo", " fine \x1b[31m", "", "")
    assert not isinstance(ok, str) and ok.comment == "fine" and ok.override_score is None and ok.reason is None
    ok = check("Jo", "", "72.5", "Plan was recapped")
    assert not isinstance(ok, str) and ok.override_score == 72.5


# --------------------------------------------------------------------------- progress and cohort


async def test_progress_shows_the_trainees_weeks(filled: Any) -> None:
    store, made = filled
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = sessions_screen(app)
        amy = [m for m in made if m.trainee == "Amy Khan" and m.finished]
        screen.table.move_cursor(row=screen.table.get_row_index(amy[-1].id))
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ProgressScreen)
        progress = app.screen
        weeks: dict[str, list[Made]] = {}
        for m in amy:
            iso = m.started.isocalendar()
            weeks.setdefault(f"{iso.year}-W{iso.week:02d}", []).append(m)
        rows = table_rows(progress.query_one("#pg-periods", DataTable))
        assert [r[0] for r in rows] == sorted(weeks, reverse=True)  # newest week first
        for r in rows:
            ms = weeks[r[0]]
            passed = sum(1 for m in ms if m.call.record["passed"])
            assert r[1:] == [str(len(ms)), f"{mean(m.call.record['scores']['overall'] for m in ms):.0f}",
                             f"{mean(m.call.record['scores']['empathy'] for m in ms):.0f}",
                             f"{mean(m.call.record['scores']['deescalation'] for m in ms):.0f}",
                             f"{passed} ({100 * passed / len(ms):.0f}%)"]
        text = screen_text(pilot)
        first, last = amy[0].call.record["scores"]["overall"], amy[-1].call.record["scores"]["overall"]
        assert f"{len(amy)} finished calls" in text and f"first {first:.0f}, latest {last:.0f}" in text
        assert "100 ┤" in text and "2026-W10" in text and "rose" in text
        # another trainee from the menu
        select = progress.query_one("#pg-trainee", Select)
        select.value = "Ben Ode"
        await settle(pilot)
        ben = [m for m in made if m.trainee == "Ben Ode" and m.finished]
        assert progress.progress is not None and progress.progress.calls == len(ben)
        assert f"{len(ben)} finished calls" in screen_text(pilot)


async def test_cohort_shows_the_right_numbers(filled: Any) -> None:
    store, made = filled
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CohortScreen)
        screen = app.screen
        done = [m for m in made if m.finished]
        assert f"{len(done)} finished calls" in screen_text(pilot)
        trainees = {r[0]: r for r in table_rows(screen.query_one("#co-trainee-table", DataTable))}
        for name in {m.trainee for m in done}:
            recs = [m.call.record for m in done if m.trainee == name]
            passed = sum(1 for r in recs if r["passed"])
            assert trainees[safe_text(name)][1:4] == [str(len(recs)), f"{100 * passed / len(recs):.0f}%",
                                                     f"{mean(r['scores']['overall'] for r in recs):.0f}"]
        calls: Counter[str] = Counter()
        for m in done:
            calls.update({v["label"] for v in m.call.record["compliance"]["violations"]})
        await pilot.press("t", "t", "t")  # to the Violations tab
        await pilot.pause()
        violations = table_rows(screen.query_one("#co-violation-table", DataTable))
        assert {r[0]: int(r[2]) for r in violations} == dict(calls)
        assert violations[0][0] in screen_text(pilot)
        missed: Counter[str] = Counter()
        for m in done:
            missed.update({b for t in m.call.turns for b in (t["scores"].get("better") or {}).get("missed", [])})
        await pilot.press("shift+tab")
        assert screen.missed_loaded
        rows = table_rows(screen.query_one("#co-missed-table", DataTable))
        assert [int(r[1]) for r in rows] == sorted(missed.values(), reverse=True)
        top_share = f"{100 * max(missed.values()) / len(done):.0f}%"
        assert rows[0][2] == top_share
        # a header click sorts a cohort table (here: trainees by pass rate, highest first)
        table = screen.query_one("#co-trainee-table", DataTable)
        table.focus()
        screen.query_one("#co-tabs", TabbedContent).active = "co-trainees"
        await pilot.pause()
        before = [r[2] for r in table_rows(table)]
        x = sum(col.get_render_width(table) for col in list(table.columns.values())[:2]) + 1
        await pilot.click("#co-trainee-table", offset=(x, 0))
        await pilot.pause()
        after = [r[2] for r in table_rows(table)]
        assert sorted(before, key=lambda s: float(s.rstrip("%")), reverse=True) == after
        # and from the keyboard (issue 15: the cohort tables sorted only with the mouse): s sorts by the next
        # column (here the mean overall score, highest first), r reverses it
        await pilot.press("s")
        await pilot.pause()
        overall = [float(r[3]) for r in table_rows(table)]
        assert overall == sorted(overall, reverse=True)
        await pilot.press("r")
        await pilot.pause()
        assert [float(r[3]) for r in table_rows(table)] == sorted(overall)


async def test_cohort_uses_the_tables_filters(filled: Any) -> None:
    store, made = filled
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = sessions_screen(app)
        screen.query_one("#f-scenario", Select).value = "job-loss-us"
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        us = [m for m in made if m.finished and m.call.scenario_id == "job-loss-us"]
        text = screen_text(pilot)
        assert "scenario job-loss-us" in text and f"{len(us)} finished calls" in text
        scen = table_rows(app.screen.query_one("#co-scenario-table", DataTable))
        assert [r[0] for r in scen] == ["job-loss-us"]


# --------------------------------------------------------------------------- keys and help


async def test_help_lists_every_key_and_keys_can_be_remapped(filled: Any) -> None:
    store, _ = filled
    app = make_app(store)
    app.settings = Config(keymap={"review.cohort": "f6", "call.hint": "f3"})  # another app's id is ignored
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        for k in keys.KEYS:
            assert k.id in text, k.id
        assert "F6" in text  # the remapped key, not the default
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, CohortScreen)
        assert not any("call.hint" in str(n.message) for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


def test_every_binding_has_an_id_and_the_ids_are_unique() -> None:
    ids = [k.id for k in keys.KEYS]
    assert len(ids) == len(set(ids)) and all(i.startswith("review.") for i in ids)
    for scope in keys.SCOPES:
        for b in keys.bindings(scope):
            assert b.id in keys.BY_ID


# --------------------------------------------------------------------------- the entry points


class Refused(Exception):
    pass


def test_open_review_app_needs_no_session_and_reports_store_problems(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    from callsim.cli.review import open_review_app
    from callsim.tui.review.app import ReviewApp

    with pytest.raises(Refused, match="--comment need the SESSION"):
        open_review_app(argparse.Namespace(db=None, reviewer=None, comment="hi", score=None, reason=None), Refused)
    with pytest.raises(Refused, match="unsupported database"):
        open_review_app(argparse.Namespace(db="mysql://nobody/x", reviewer=None), Refused)

    seen: dict[str, Any] = {}

    def fake_run(self: ReviewApp, *args: Any, **kwargs: Any) -> int:
        seen.update(reviewer=self.reviewer, url=self.data.store.describe(), tz=self.tz)
        return 0

    monkeypatch.setattr(ReviewApp, "run", fake_run)
    db = tmp_path / "team.db"
    assert open_review_app(argparse.Namespace(db=str(db), reviewer="  Jo   Lead "), Refused) == 0
    assert seen["reviewer"] == "Jo Lead" and seen["url"].endswith("team.db") and db.exists()
    monkeypatch.setenv("CALLSIM_TRAINEE", "Sam Trainer")
    assert open_review_app(argparse.Namespace(db=str(db), reviewer=None), Refused) == 0
    assert seen["reviewer"] == "Sam Trainer"  # the same default as `callsim review SESSION`
