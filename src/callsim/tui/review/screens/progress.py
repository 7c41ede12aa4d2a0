"""One trainee's progress over time: their finished calls averaged per week (or per month over a long span),
as a chart on a fixed 0-100 scale and as a table of the numbers. The menu at the top picks another trainee.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Select, Static

from callsim.core.review_data import Filters, Progress, timeline
from callsim.core.store import plain_reason
from callsim.tui import render
from callsim.tui.review import keys
from callsim.tui.review.drill_data import DrillStats, drill_stats
from callsim.tui.review.services import ReviewServices, review_services
from callsim.tui.review.widgets import ScoreChart


def summary_content(p: Progress) -> Content:
    if not p.points:
        extra = f" ({p.unfinished} unfinished)" if p.unfinished else ""
        return Content.styled(f"No finished calls{extra}.", "italic")
    first, latest, best = p.points[0].overall, p.points[-1].overall, p.best or 0.0
    rate = 100.0 * p.passed / p.calls
    word = render.trend_word(first, latest, 100) if p.calls > 1 else "one call so far"
    unfinished = f", {p.unfinished} unfinished" if p.unfinished else ""
    return Content.assemble(
        (f"{p.calls} finished call{'s' if p.calls != 1 else ''}", "bold"), unfinished,
        f" · passed {p.passed} ({rate:.0f}%) · first {first:.0f}, latest {latest:.0f}, best {best:.0f} · ",
        (word, "italic"),
        ("\nAverage overall score per " + p.unit + " (0-100 scale)", render.MUTED),
    )


def drills_content(s: DrillStats) -> Content:
    """One line: the trainee's drill attempts and pass rate per kind."""
    if not s.attempts:
        return Content.assemble(("Drills ", "bold"), ("none yet", "italic"))
    parts = [f"{k.kind} {k.attempts} ({k.pass_rate:.0f}% pass)" for k in s.kinds]
    return Content.assemble(("Drills ", "bold"), " · ".join(parts))


class ProgressScreen(Screen[None]):
    BINDINGS = keys.bindings("Progress")  # type: ignore[assignment]

    def __init__(self, trainee: str, filters: Filters) -> None:
        super().__init__()
        self.trainee = trainee
        self.filters = filters
        self.progress: Progress | None = None
        self.drills: DrillStats | None = None

    @property
    def review(self) -> ReviewServices:
        return review_services(self.app)

    def compose(self) -> ComposeResult:
        yield Static(self._head(), id="pg-head")
        yield Select[str]([(Text(render.clean(self.trainee)), self.trainee)], value=self.trainee,
                          allow_blank=False, id="pg-trainee", compact=True)
        yield Static(Content.styled("Loading…", "italic"), id="pg-summary")
        yield ScoreChart(id="pg-chart")
        yield Static(Content.assemble(("Drills ", "bold"), ("loading…", "italic")), id="pg-drills")
        yield DataTable(id="pg-periods", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def _head(self) -> Content:
        scope = self.filters.with_(trainee=None, result=None)
        where = f" · {scope.describe(self.review.tz)}" if scope.active else ""
        return Content.assemble(("Progress", "bold $text-primary"), " · ", (render.clean(self.trainee), "bold"),
                                where)

    def on_mount(self) -> None:
        table = self.query_one("#pg-periods", DataTable)
        table.add_columns("Period", "Calls", "Overall", "Empathy", "De-esc", "Passed")
        table.focus()
        self.load()
        self.load_drills()
        self.load_trainees()

    @work(group="progress", exclusive=True)
    async def load(self) -> None:
        trainee, filters, tz = self.trainee, self.filters, self.review.tz
        try:
            p = await self.review.db(lambda d: d.progress(trainee, filters, tz))
        except Exception as e:  # noqa: BLE001
            self.notify(f"Could not read the progress: {plain_reason(e)}", severity="error", markup=False)
            return
        if p.trainee != self.trainee:
            return
        self.progress = p
        self.query_one("#pg-head", Static).update(self._head())
        self.query_one("#pg-summary", Static).update(summary_content(p))
        points = timeline(p.periods, p.unit)
        self.query_one("#pg-chart", ScoreChart).show([v for _, v in points], [label for label, _ in points])
        table = self.query_one("#pg-periods", DataTable)
        table.clear()
        for x in reversed(p.periods):  # newest first: what a lead looks at
            table.add_row(render.cell(x.label), render.cell(str(x.calls)), render.cell(f"{x.overall:.0f}"),
                          render.cell(f"{x.empathy:.0f}"), render.cell(f"{x.deescalation:.0f}"),
                          render.cell(f"{x.passed} ({x.pass_rate:.0f}%)"), key=x.label)

    @work(group="progress-drills", exclusive=True)
    async def load_drills(self) -> None:
        trainee, since = self.trainee, self.filters.since
        try:
            stats = await self.review.db(lambda d: drill_stats(d, trainee=trainee, since=since, top=0))
        except Exception as e:  # noqa: BLE001
            self.query_one("#pg-drills", Static).update(Content.assemble(
                ("Drills ", "bold"), (f"could not be read: {plain_reason(e)}", "italic")))
            return
        if trainee == self.trainee:
            self.drills = stats
            self.query_one("#pg-drills", Static).update(drills_content(stats))

    @work(group="progress-trainees", exclusive=True)
    async def load_trainees(self) -> None:
        try:
            trainees, _ = await self.review.db(lambda d: d.choices())
        except Exception:  # noqa: BLE001
            return
        select = self.query_one("#pg-trainee", Select)
        with select.prevent(Select.Changed):
            select.set_options([(Text(render.clean(t)), t) for t in trainees])
            select.value = self.trainee

    @on(Select.Changed, "#pg-trainee")
    def _trainee(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.trainee:
            self.trainee = event.value
            self.query_one("#pg-summary", Static).update(Content.styled("Loading…", "italic"))
            self.load()
            self.load_drills()

    def action_back(self) -> None:
        self.app.pop_screen()
