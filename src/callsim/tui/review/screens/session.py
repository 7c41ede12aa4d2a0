"""One session: who, when, the machine's score with any reviewer's override beside it, then three tabs:
the debrief (scores, compliance, outcome, mood, and turn by turn the evidence, the violations and the
better alternative), the transcript, and the reviews. ``a`` adds a review.

The debrief and transcript are drawn by the trainee app's own renderers (:mod:`callsim.tui.render` and
the debrief screen's content functions), so a lead sees exactly what the trainee saw. A session whose
scenario is no longer installed is still shown, from its stored record.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane

from callsim.core.store import Review, SessionDetail
from callsim.tui import render
from callsim.tui.record_view import mood_series, scores_content, transcript_content, turn_detail, verdict_content
from callsim.tui.review import keys
from callsim.tui.review.messages import ReviewAdded
from callsim.tui.review.screens.review_dialog import ReviewDialog, ReviewInput
from callsim.tui.review.services import ReviewServices, review_services

if TYPE_CHECKING:
    from callsim.core.models import Scenario
    from callsim.core.record import CallRecord, Turn

TABS = ("tab-debrief", "tab-transcript", "tab-reviews")
log = logging.getLogger("callsim.review")


def score_line(d: SessionDetail) -> Content:
    """The machine's score, and beside it (never instead of it) the latest reviewer's override; then the
    session's id, mode and length."""
    about = Content.styled(f"\nsession {d.id} · {d.mode}{_took(d)}", render.MUTED)
    return Content.assemble(_scores(d), about)


def _took(d: SessionDetail) -> str:
    if d.ended is None:
        return f" · unfinished after {d.n_turns} repl{'y' if d.n_turns == 1 else 'ies'}"
    secs = int((d.ended - d.started).total_seconds())
    return f" · {secs // 60} min {secs % 60:02d} s" if secs >= 60 else f" · {secs} s"


def _scores(d: SessionDetail) -> Content:
    if d.overall is None:
        machine = Content.assemble(("Machine score ", "bold"), ("none yet (unfinished)", "italic"))
    else:
        verdict = "passed" if d.passed else "not passed"
        machine = Content.assemble(("Machine score ", "bold"), (f"{d.overall:.0f}/100", "bold"), f" ({verdict})")
    latest = next((r for r in reversed(d.reviews) if r.override_score is not None), None)
    if latest is None:
        n = len(d.reviews)
        extra = f" · {n} comment{'s' if n != 1 else ''}" if n else " · not reviewed"
        return Content.assemble(machine, (extra, render.MUTED))
    return Content.assemble(
        machine, "  ·  ", ("Reviewer ", "bold"), (f"{latest.override_score:g}/100", "bold $text-accent"),
        f" by {render.clean(latest.reviewer)}", (" (override; the machine's score is kept)", render.MUTED),
    )


def reviews_content(d: SessionDetail, when: Any) -> Content:
    if not d.reviews:
        return Content.styled("No reviews yet. Press a to add a comment or an override score.", "italic")
    rows: list[Content] = []
    for r in d.reviews:
        rows.append(_review(r, d, when))
        rows.append(Content(""))
    return Content("\n").join(rows)


def _review(r: Review, d: SessionDetail, when: Any) -> Content:
    head = Content.assemble((when(r.created), render.MUTED), "  ", (render.clean(r.reviewer), "bold"))
    lines = [head]
    if r.override_score is not None:
        machine = "" if d.overall is None else f" (machine score {d.overall:.0f}, kept)"
        lines.append(Content.assemble(("  Override score ", "bold"), (f"{r.override_score:g}", "bold $text-accent"),
                                      machine))
        if r.reason:
            lines.append(Content.assemble(("  Why: ", "bold"), render.clean(r.reason)))
    if r.comment:
        lines.append(Content.assemble("  ", render.clean(r.comment)))
    return Content("\n").join(lines)


def plain_scores(record: CallRecord) -> Content:
    """The scores of a call whose scenario is not installed: the record's numbers, nothing from the scenario."""
    sc = record.scores
    rows = [Content.assemble((f"{label:<20}", "bold"), (render.score_bar(float(getattr(sc, key))), "$text-primary"),
                             f" {float(getattr(sc, key)):3.0f}/100")
            for label, key in (("Empathy", "empathy"), ("De-escalation", "deescalation"),
                               ("Expected behaviours", "expectations_met"), ("Overall", "overall"))]
    comp = record.compliance
    if comp.passed:
        rows.append(Content.assemble(("Compliance          ", "bold"), "passed: no violations"))
    else:
        rows.append(Content.assemble(("Compliance          ", "bold"), ("FAILED", "bold $text-error"),
                                     f": {len(comp.violations)} violation(s)"))
        for v in comp.violations:
            rows.append(Content.assemble(f"  turn {v.get('turn', '?')}: ", (render.clean(str(v.get("label"))), "bold"),
                                         f" ({v.get('severity', '')})"))
    label, result = (record.outcome.label, record.outcome.result) if record.outcome else ("not finished", "unfinished")
    rows.append(Content.assemble(("Outcome             ", "bold"), render.clean(str(label)),
                                 (f" [{result}]", render.MUTED)))
    return Content("\n").join(rows)


def plain_transcript(turns: list[Turn], name: str = "Debtor") -> Content:
    rows: list[Content] = []
    for t in turns:
        rows.append(render.debtor(name, t.debtor.text, t.debtor.cues))
        rows.append(render.reply(t.reply))
        rows.append(Content(""))
    return Content("\n").join(rows) if rows else Content.styled("No replies in this call.", "italic")


class SessionScreen(Screen[None]):
    BINDINGS = keys.bindings("Session")  # type: ignore[assignment]

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id
        self.detail: SessionDetail | None = None
        self.scenario: Scenario | None = None
        self._labels: dict[str, str] = {}
        self._turns: list[Turn] = []
        self._record: CallRecord | None = None
        self._saved: SessionDetail | None = None  # the session as saved with a new review, for _got_review

    @property
    def review(self) -> ReviewServices:
        return review_services(self.app)

    @property
    def turns(self) -> list[Turn]:
        return self._turns

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(f"Session {self.session_id}", "bold $text-primary"), id="s-head")
        yield Static(Content.styled("Loading…", "italic"), id="s-score")
        with TabbedContent(id="s-tabs"):
            with TabPane("Debrief", id="tab-debrief"), VerticalScroll(id="s-debrief"):
                yield Static(id="s-verdict")
                yield Static(id="s-scores")
                yield Static(id="s-mood")
                yield DataTable(id="s-turns", cursor_type="row", zebra_stripes=True)
                yield Static(id="s-turn-detail")
            with TabPane("Transcript", id="tab-transcript"), VerticalScroll(id="s-transcript-body"):
                yield Static(id="s-transcript")
            with TabPane("Reviews", id="tab-reviews"), VerticalScroll(id="s-reviews-body"):
                yield Static(id="s-reviews")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#s-turns", DataTable)
        table.add_columns("#", "Emp", "De-e", "Did well", "Hurt the call")
        self.load()

    @work(group="session", exclusive=True)
    async def load(self) -> None:
        sid = self.session_id
        try:
            detail = await self.review.db(lambda d: d.detail(sid))
            turns, record = detail.call_turns(), detail.call_record()
        except Exception as e:  # noqa: BLE001 - unknown session, database gone: say so, go back
            from callsim.core.store import plain_reason

            self.notify(f"Could not open session {sid}: {plain_reason(e)}", severity="error", markup=False,
                        timeout=10)
            if self.is_current:
                self.app.pop_screen()
            return
        try:
            scenario = await self.review.db(lambda d: self.review.scenario(detail.scenario_id))
        except Exception:  # noqa: BLE001 - shown from the stored record instead
            scenario = None
        if not self._labels:
            from callsim.core.rubric import load_rubric

            self._labels = {b.id: b.label for b in load_rubric().behaviours}
        self.scenario = scenario
        self.show(detail, turns, record)

    def show(self, d: SessionDetail, turns: list[Turn], record: CallRecord | None) -> None:
        """Show a session: its detail as stored, with its turns and record read (``call_turns``, ``call_record``)."""
        first = self.detail is None
        self.detail, self._turns, self._record = d, turns, record
        title = self.scenario.title if self.scenario else d.scenario_id
        self.query_one("#s-head", Static).update(Content.assemble(
            (render.clean(d.trainee), "bold $text-primary"), " · ", (render.clean(title), "bold"),
            f" · {self.review.when(d.started)}",
        ))
        self.query_one("#s-score", Static).update(score_line(d))
        if record is not None:
            self.query_one("#s-verdict", Static).update(verdict_content(record))
            scores = scores_content(record, self.scenario) if self.scenario else plain_scores(record)
            self.query_one("#s-scores", Static).update(scores)
        else:
            replies = f"  {d.n_turns} repl{'y' if d.n_turns == 1 else 'ies'} so far"
            self.query_one("#s-verdict", Static).update(
                Content.assemble(("UNFINISHED", "bold reverse $text-warning"), replies))
            self.query_one("#s-scores", Static).update(Content(""))
        self._mood(record)
        self._turn_table(first)
        if self.scenario is not None:
            from callsim.core.engine import final_line

            final = final_line(self.scenario, record) if record is not None else None
            transcript = transcript_content(self.turns, self.scenario, final)
        else:
            transcript = Content("\n").join([
                Content.styled("The scenario is not installed here: the words as stored.", "italic"),
                plain_transcript(self.turns)])
        self.query_one("#s-transcript", Static).update(transcript)
        self.query_one("#s-reviews", Static).update(reviews_content(d, self.review.when))
        tabs = self.query_one("#s-tabs", TabbedContent)
        tabs.get_tab("tab-reviews").label = Content(f"Reviews ({len(d.reviews)})")

    def _mood(self, record: CallRecord | None) -> None:
        mood = self.query_one("#s-mood", Static)
        if record is None or self.scenario is None or not self.turns:
            mood.display = False
            return
        series = mood_series(self.turns, self.scenario)
        bounds = {k: (v.min, v.max) for k, v in self.scenario.mood.items()}
        head = Content.styled("Mood over the call (turn by turn, on a fixed scale)", "bold underline")
        ending = (record.outcome.label, record.outcome.result) if record.outcome is not None else None
        mood.update(Content("\n").join([head, render.mood_chart(series, bounds, ending=ending)]) if series else head)

    def _turn_table(self, first: bool) -> None:
        table = self.query_one("#s-turns", DataTable)
        table.clear()
        for t in self.turns:
            s = t.scores
            good = [b["label"] for b in s.get("behaviours", []) if b.get("kind") == "reward"]
            bad = [b["label"] for b in s.get("behaviours", []) if b.get("kind") != "reward"]
            bad += [f"! {v['label']}" for v in s.get("violations", [])]
            table.add_row(render.cell(str(t.index)), render.cell(f"{s.get('empathy', 0):.0f}"),
                          render.cell(f"{s.get('deescalation', 0):.0f}"), render.cell(_short(", ".join(good) or "-")),
                          render.cell(_short(", ".join(bad) or "-")), key=str(t.index))
        detail = self.query_one("#s-turn-detail", Static)
        if self.turns:
            self._detail(self.turns[0])
            if self.detail is not None and first:
                table.focus(scroll_visible=False)  # up/down choose a turn; the verdict stays in view
        else:
            detail.update(Content.styled("No replies to show.", "italic"))

    @on(DataTable.RowHighlighted, "#s-turns")
    def _row(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        turn = next((t for t in self.turns if str(t.index) == key), None)
        if turn is not None:
            self._detail(turn)

    def _detail(self, turn: Turn) -> None:
        self.query_one("#s-turn-detail", Static).update(turn_detail(turn, self._labels))

    # ------------------------------------------------------------------------------------ actions
    def action_next_tab(self) -> None:
        tabs = self.query_one("#s-tabs", TabbedContent)
        tabs.active = TABS[(TABS.index(tabs.active) + 1) % len(TABS)] if tabs.active in TABS else TABS[0]

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_progress(self) -> None:
        if self.detail is None:
            return
        from callsim.core.review_data import Filters
        from callsim.tui.review.screens.progress import ProgressScreen

        self.app.push_screen(ProgressScreen(self.detail.trainee, Filters()))

    def action_add_review(self) -> None:
        if self.detail is None:
            return
        self.app.push_screen(ReviewDialog(self.detail.id, self.detail.overall, self.review.reviewer,
                                          save=self.save_review), self._got_review)

    async def save_review(self, r: ReviewInput) -> str | None:
        """Save the review; None when saved, else what went wrong in plain words (the dialog shows it)."""
        sid = self.session_id
        try:
            self._saved = await self.review.db(lambda d: d.add_review(
                sid, reviewer=r.reviewer, comment=r.comment, override_score=r.override_score, reason=r.reason))
        except Exception as e:  # noqa: BLE001 - a refusal (StoreError) or the database gone: nothing was saved
            from callsim.core.store import plain_reason

            log.warning("review not saved on %s: %r", sid, e)
            what = "comment" if r.comment else "review"
            return f"Could not save the review: {plain_reason(e)}. Your {what} is still here."
        return None

    def _got_review(self, review: ReviewInput | None) -> None:
        detail, self._saved = self._saved, None
        if review is None or detail is None:
            return
        sid = self.session_id
        self.show(detail, self._turns, self._record)  # the same call, one more review
        self.query_one("#s-tabs", TabbedContent).active = "tab-reviews"
        self.notify("Review saved. The machine's score is kept beside it.")
        self.post_message(ReviewAdded(sid))


def _short(text: str, width: int = 40) -> str:
    text = render.clean(text)
    return text if len(text) <= width else text[: width - 1] + "…"
