"""The debrief: pass or fail, scores, compliance, outcome, the mood over the call, and every turn.

From here the trainee retries the scenario, or picks a turn in the table and rewinds to it ("what if")
to try a different reply from exactly that moment.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane

from callsim.tui import keys, render
from callsim.tui.record_view import mood_series, scores_content, transcript_content, turn_detail, verdict_content
from callsim.tui.services import TraineeServices, services

if TYPE_CHECKING:
    from callsim.core.models import Scenario
    from callsim.core.record import CallRecord, Turn


class DebriefScreen(Screen[None]):
    BINDINGS = keys.bindings("Debrief")  # type: ignore[assignment]

    def __init__(self, record: CallRecord, scenario: Scenario, *, session_id: str | None, coaching: bool,
                 when: datetime, from_history: bool = False) -> None:
        super().__init__()
        self.record = record
        self.scenario = scenario
        self.session_id = session_id
        self.coaching = coaching
        self.when = when
        self.from_history = from_history
        from callsim.core.rubric import load_rubric

        self._labels = {b.id: b.label for b in load_rubric().behaviours}

    @property
    def callsim(self) -> TraineeServices:
        return services(self.app)

    @property
    def turns(self) -> tuple[Turn, ...]:
        return self.record.turns

    def compose(self) -> ComposeResult:
        yield Static(verdict_content(self.record), id="verdict")
        with TabbedContent(id="tabs"):
            with TabPane("Debrief", id="tab-debrief"), VerticalScroll(id="debrief-body"):
                yield Static(Content.styled(render.clean(self.scenario.title), "bold"), id="debrief-title")
                yield Static(scores_content(self.record, self.scenario), id="scores")
                yield Static(id="chart")
                yield DataTable(id="turns", cursor_type="row", zebra_stripes=True)
                yield Static(id="turn-detail")
            with TabPane("Transcript", id="tab-transcript"), VerticalScroll(id="transcript-body"):
                from callsim.core.engine import final_line

                final = final_line(self.scenario, self.record) if self.scenario is not None else None
                yield Static(transcript_content(self.record.turns, self.scenario, final), id="transcript-text")
        yield Footer()

    def on_mount(self) -> None:
        series = mood_series(self.record.turns, self.scenario)
        bounds = {k: (v.min, v.max) for k, v in self.scenario.mood.items()}
        chart = Content.styled("Mood over the call (turn by turn, on a fixed scale)", "bold underline")
        if series:
            ending = self.record.outcome
            chart = Content("\n").join([chart, render.mood_chart(
                series, bounds, ending=(ending.label, ending.result) if ending is not None else None)])
        self.query_one("#chart", Static).update(chart)
        table = self.query_one("#turns", DataTable)
        table.add_columns("#", "Empathy", "De-esc", "Did well", "Hurt the call")
        for t in self.turns:
            s = t.scores
            good = [b["label"] for b in s["behaviours"] if b["kind"] == "reward"]
            bad = [b["label"] for b in s["behaviours"] if b["kind"] != "reward"]
            bad += [f"! {v['label']}" for v in s["violations"]]
            table.add_row(render.cell(str(t.index)), render.cell(f"{s['empathy']:.0f}"),
                          render.cell(f"{s['deescalation']:.0f}"), render.cell(_short(", ".join(good) or "-")),
                          render.cell(_short(", ".join(bad) or "-")), key=str(t.index))
        if self.turns:
            self._detail(self.turns[0])
            table.focus()
        else:
            self.query_one("#turn-detail", Static).update(Content.styled("No replies to show.", "italic"))

    @on(DataTable.RowHighlighted, "#turns")
    def _row(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        if key and key.isdigit() and 1 <= int(key) <= len(self.turns):
            self._detail(self.turns[int(key) - 1])

    def _detail(self, turn: Turn) -> None:
        self.query_one("#turn-detail", Static).update(turn_detail(turn, self._labels))

    def selected_turn(self) -> int | None:
        table = self.query_one("#turns", DataTable)
        if not self.turns or table.cursor_row < 0:
            return None
        return min(table.cursor_row + 1, len(self.turns))

    def action_retry(self) -> None:
        self.callsim.retry(self.scenario)

    def action_restart(self) -> None:
        self.action_retry()

    def action_rewind(self) -> None:
        index = self.selected_turn()
        if index is None:
            self.notify("There is no turn to go back to.", severity="warning")
            return
        self.callsim.rewind(self.scenario, self.record, index)

    def action_toggle_view(self) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.active = "tab-transcript" if tabs.active == "tab-debrief" else "tab-debrief"

    def action_export(self) -> None:
        self._export()

    @work(thread=True, group="export")
    def _export(self) -> None:
        from callsim.core.exports.markdown import write_transcript

        path = write_transcript(self.record, self.scenario, when=self.when, trainee=self.callsim.trainee)
        self.app.call_from_thread(self.notify, f"Transcript saved to {path}", markup=False)

    def action_back(self) -> None:
        if self.from_history:
            self.app.pop_screen()
        else:
            self.app.run_worker(self.callsim.to_library(), group="nav")


def _short(text: str, width: int = 40) -> str:
    text = render.clean(text)
    return text if len(text) <= width else text[: width - 1] + "\u2026"
