"""The debrief: pass or fail, scores, compliance, outcome, the mood over the call, and every turn.

From here the trainee retries the scenario, or picks a turn in the table and rewinds to it ("what if")
to try a different reply from exactly that moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane

from callsim.tui import keys, render
from callsim.tui.services import TraineeServices, services

if TYPE_CHECKING:
    from callsim.core.engine import DebtorLine
    from callsim.core.models import Scenario
    from callsim.core.record import CallRecord, Turn


def verdict_content(record: CallRecord) -> Content:
    overall = record.scores.overall
    mark = record.pass_mark
    if not record.ended and record.outcome is None:
        return Content.assemble(("UNFINISHED", "bold reverse $text-warning"), f"  overall so far {overall:.0f}/100")
    if record.passed:
        head = Content.styled(" PASS \u2713 ", "bold reverse $text-success")
    else:
        head = Content.styled(" NOT PASSED \u2717 ", "bold reverse $text-error")
    from callsim.core.verdict import why_not_passed

    reasons = why_not_passed(record, short=True)
    why = f" · {reasons[0]}" if reasons else ""  # every reason, in full, is listed under the scores
    return Content.assemble(head, "  ", (f"{overall:.0f}/100", "bold"), f" (pass mark {mark:g}){why}")


def scores_content(record: CallRecord, scenario: Scenario) -> Content:
    rows: list[Content] = []
    for label, key in (("Empathy", "empathy"), ("De-escalation", "deescalation"),
                       ("Expected behaviours", "expectations_met"), ("Overall", "overall")):
        value = float(getattr(record.scores, key))
        rows.append(Content.assemble((f"{label:<20}", "bold"), (render.score_bar(value), "$text-primary"),
                                     f" {value:3.0f}/100"))
    from callsim.core.verdict import overall_arithmetic, why_not_passed

    rows.append(Content.styled("  " + overall_arithmetic(record), render.MUTED))
    for reason in why_not_passed(record):
        rows.append(Content.assemble(("  not passed: ", "bold $text-error"), render.clean(reason)))
    comp = record.compliance
    if comp.passed:
        rows.append(Content.assemble(("Compliance          ", "bold"), ("passed", "$text-success"),
                                     ": no violations"))
    else:
        rows.append(Content.assemble(("Compliance          ", "bold"),
                                     ("FAILED", "bold $text-error"), f": {len(comp.violations)} violation(s)"))
        for v in comp.violations:
            rows.append(Content.assemble(f"  turn {v.get('turn', '?')}: ", (render.clean(v["label"]), "bold"),
                                         f" ({v.get('severity', '')})"))
    for v in comp.possible:
        rows.append(Content.assemble(f"  turn {v.get('turn', '?')}: ", ("possible ", "bold $text-warning"),
                                     (render.clean(v["label"]), "bold"),
                                     (" (for review, not a fail)", render.MUTED)))
    if record.understanding:
        rows.append(Content.styled(render.clean(record.understanding), render.MUTED))
    label, result = (record.outcome.label, record.outcome.result) if record.outcome else ("not finished", "unfinished")
    rows.append(Content.assemble(("Outcome             ", "bold"), render.clean(label),
                                 (f" [{result}]", render.MUTED)))
    plan = record.plan
    if plan and plan.agreed:
        from callsim.core.money import format_money

        sym = scenario.debt.symbol
        amt, aff = format_money(plan.monthly, sym), format_money(plan.affordable, sym)
        if plan.sustainable:
            rows.append(Content.assemble(("Plan                ", "bold"),
                                         f"{amt} a month, within the {aff} they can afford: sustainable"))
        else:
            rows.append(Content.assemble(("Plan                ", "bold"),
                                         (f"{amt} a month, but they can afford {aff}: likely to break",
                                          "$text-warning")))
    return Content("\n").join(rows)


def mood_series(turns: Sequence[Turn], scenario: Scenario) -> dict[str, list[float]]:
    series: dict[str, list[float]] = {}
    for name, decl in scenario.mood.items():
        start = float(turns[0].mood_before.get(name, decl.start)) if turns else float(decl.start)
        series[name] = [start] + [float(t.mood.get(name, decl.start)) for t in turns]
    return series


def turn_detail(turn: Turn, labels: dict[str, str]) -> Content:
    head = Content.styled(f"Turn {turn.index}", "bold underline")
    debtor = render.debtor("They said", turn.debtor.text, turn.debtor.cues)
    return Content("\n").join([head, debtor, render.reply(turn.reply, turn.scores),
                               render.feedback(turn.scores, labels)])


def transcript_content(turns: Sequence[Turn], scenario: Scenario | None,
                       final: DebtorLine | None = None) -> Content:
    """The words of the call (without ``scenario``, the debtor is "Debtor"); ``final``: what the debtor said
    after the last reply (``engine.final_line``)."""
    name = scenario.persona.voice if scenario is not None else "Debtor"
    rows: list[Content] = []
    for t in turns:
        rows.append(render.debtor(name, t.debtor.text, t.debtor.cues))
        rows.append(render.reply(t.reply))
        rows.append(Content(""))
    if final is not None:
        rows.append(render.debtor(name, final.text, final.cues))
    if not rows:
        rows.append(Content.styled("No replies in this call.", "italic"))
    return Content("\n").join(rows)


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
