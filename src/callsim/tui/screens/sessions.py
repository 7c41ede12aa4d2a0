"""My sessions: the trainee's own calls from the store, newest first, with the trend of their scores.

Enter opens a call's debrief and transcript (a finished call's record; for an unfinished one, the call
rebuilt from its last saved state).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from callsim.core.sessions import WHAT_IF
from callsim.tui import keys, render
from callsim.tui.services import TraineeServices, services


def when(value: Any) -> str:
    if isinstance(value, datetime):
        return (value.astimezone() if value.tzinfo else value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value).strftime("%Y-%m-%d %H:%M")
    return str(value or "")[:16].replace("T", " ")


def trend_content(sessions: list[Any]) -> Content:
    """Overall scores of finished calls, oldest to newest, on a 0-100 scale, in bars and in numbers.

    "What if" calls (rewound to a turn) are left out: they did not start from the beginning."""
    done = [s for s in reversed(sessions) if s.ended and s.overall is not None and s.mode != WHAT_IF]
    if not done:
        return Content.styled("No finished calls yet: your trend appears here.", "italic")
    scores = [float(s.overall) for s in done][-40:]
    passed = sum(1 for s in done if s.passed)
    bars = render.spark(scores, 0, 100)
    word = render.trend_word(scores[0], scores[-1], 100) if len(scores) > 1 else "one call so far"
    return Content.assemble(
        ("Your trend  ", "bold"), (" ".join(bars), "$text-primary"),
        f"\n{len(done)} finished call(s), {passed} passed · first {scores[0]:.0f}, latest {scores[-1]:.0f}, "
        f"best {max(scores):.0f} · ", (word, "italic"),
    )


class SessionsScreen(Screen[None]):
    BINDINGS = keys.bindings("My sessions")  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.sessions: list[Any] = []

    @property
    def callsim(self) -> TraineeServices:
        return services(self.app)

    def compose(self) -> ComposeResult:
        who = render.clean(self.callsim.trainee or "")
        yield Static(Content.assemble(("My sessions", "bold $text-primary"), f"  {who}"), id="sessions-head")
        yield Static(Content.styled("Loading…", "italic"), id="trend")
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.add_columns("When", "Scenario", "Mode", "Outcome", "Score", "Result")
        table.focus()
        self.load()

    @work(group="sessions", exclusive=True)
    async def load(self) -> None:
        trainee = self.callsim.trainee or ""
        try:
            self.sessions = await self.callsim.store(
                lambda s: s.list_sessions(trainee=trainee, limit=500, order="-started"))
        except Exception as e:  # noqa: BLE001
            self.callsim.store_problem(e)
            self.query_one("#trend", Static).update(Content.styled("Your sessions could not be read.", "italic"))
            return
        titles = {c.id: c.title for c in self.callsim.catalog.cards}
        table = self.query_one("#sessions", DataTable)
        table.clear()
        for s in self.sessions:
            if not s.ended:
                result, style = "unfinished", "italic"
            elif s.passed:
                result, style = "passed \u2713", "bold"
            else:
                result, style = "not passed \u2717", ""
            score = f"{float(s.overall):.0f}" if s.overall is not None else "-"
            table.add_row(render.cell(when(s.started)), render.cell(titles.get(s.scenario_id, s.scenario_id)),
                          render.cell(str(s.mode)), render.cell(str(s.outcome_label or "-")),
                          render.cell(score), render.cell(result, style), key=str(s.id))
        self.query_one("#trend", Static).update(trend_content(self.sessions))
        if not self.sessions:
            self.query_one("#trend", Static).update(
                Content.styled("No calls yet. Pick a scenario in the library (esc) to start.", "italic"))

    @on(DataTable.RowSelected, "#sessions")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.open_session(event.row_key.value)

    @work(group="open-session", exclusive=True)
    async def open_session(self, session_id: str) -> None:
        app = self.callsim
        try:
            detail = await app.store(lambda s: s.get(session_id))
        except Exception as e:  # noqa: BLE001
            app.store_problem(e)
            return
        summary = getattr(detail, "summary", detail)
        card = app.catalog.find(str(summary.scenario_id))
        if card is None:
            self.notify(f"The scenario '{summary.scenario_id}' is no longer in the library.", severity="error",
                        markup=False)
            return
        try:
            scenario = await asyncio.to_thread(app.catalog.scenario, card.path)
        except Exception as e:  # noqa: BLE001
            self.notify(str(e), severity="error", markup=False)
            return
        try:
            record = detail.call_record()  # None while the call is unfinished: scored as it stands
            if record is None:
                state = await app.store(lambda s: s.resume_state(session_id))
                record = app.compiled(scenario).restore(state).record()
        except Exception as e:  # noqa: BLE001 - a record callsim cannot read, or a stale state
            self.notify(f"Cannot open that call: {e}", severity="error", markup=False)
            return
        started = summary.started if isinstance(summary.started, datetime) else None
        await app.show_debrief(record, scenario, session_id=session_id, coaching=True, replace=False, when=started)

    def action_back(self) -> None:
        self.app.pop_screen()
