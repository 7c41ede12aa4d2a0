"""The sessions table: every call in the store, a page at a time, filtered and sorted by the database.

Rows are fetched ``page_size`` at a time (``Store.list_sessions`` with limit/offset) when the cursor or the
scroll position nears the last loaded row, so a store of 100,000 sessions opens as fast as one of ten and
memory grows only with what the lead has looked at. A change of filter or sort starts again from the top;
a page that arrives after such a change is dropped. Enter opens a session.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Select, Static

from callsim.core.review_data import BY_KEY, COLUMNS, DEFAULT_ORDER, RESULTS, Filters, order_for, parse_since
from callsim.core.store import SessionSummary
from callsim.tui import render
from callsim.tui.review import keys
from callsim.tui.review.messages import MoreRowsWanted
from callsim.tui.review.services import ReviewServices, review_services
from callsim.tui.review.widgets import SessionTable

# Column widths: (narrow, wide); 0 hides the column. Outcome takes what is left.
WIDTHS: dict[str, tuple[int, int]] = {
    "started": (10, 16), "trainee": (12, 18), "scenario": (16, 20), "overall": (6, 7), "empathy": (0, 3),
    "deescalation": (0, 4), "compliance": (4, 4), "passed": (4, 4), "outcome": (10, 10),
}
WIDE = 100


def score_text(s: SessionSummary) -> str:
    """The machine's score, and the reviewer's override beside it (``72 r85``): never one for the other."""
    if s.overall is None:
        return "-"
    text = f"{s.overall:.0f}"
    if s.review_score is not None:
        text += f" r{s.review_score:.0f}"
    return text


def compliance_text(s: SessionSummary) -> tuple[str, str]:
    if s.compliance_passed is None:
        return "-", "italic"
    return ("ok", "") if s.compliance_passed else ("FAIL", "bold")


def pass_text(s: SessionSummary) -> tuple[str, str]:
    if s.ended is None:
        return "-", "italic"
    return ("yes", "") if s.passed else ("no", "bold")


def outcome_text(s: SessionSummary) -> str:
    if s.ended is None:
        return f"unfinished ({s.n_turns} turn{'s' if s.n_turns != 1 else ''})"
    return s.outcome_label or s.outcome_id or "-"


class SessionsScreen(Screen[None]):
    BINDINGS = keys.bindings("Sessions")  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.filters = Filters()
        self.order = DEFAULT_ORDER
        self.rows: list[SessionSummary] = []
        self.total: int | None = None
        self.exhausted = False
        self.generation = 0
        self._offset = 0
        self._inflight: int | None = None  # the generation a page is being fetched for
        self.problem: str | None = None  # why the last page could not be read, in plain words (on the status line)
        self._keys: set[str] = set()
        self._wide: bool | None = None
        self._width = 0
        self.pages_loaded = 0

    @property
    def review(self) -> ReviewServices:
        return review_services(self.app)

    @property
    def table(self) -> SessionTable:
        return self.query_one("#sessions", SessionTable)

    # ------------------------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static(self._head(), id="rv-head")
        with Horizontal(id="filters"):
            yield Select[str]([], prompt="Any trainee", id="f-trainee", compact=True)
            yield Select[str]([], prompt="Any scenario", id="f-scenario", compact=True)
            yield Select[str]([(r, r) for r in RESULTS], prompt="Any result", id="f-result", compact=True)
            yield Input(placeholder="Since (7d, date)", id="f-since", compact=True)
        yield SessionTable(id="sessions")
        yield Static(id="rv-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.table.focus()
        self._build_columns()
        self.reload()
        self.load_choices()

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            self._build_columns(keep_rows=True)

    def _head(self) -> Content:
        return Content.assemble(("callsim review", "bold $text-primary"), "  reviewing as ",
                                (render.clean(self.review.reviewer), "bold"))

    def _visible(self) -> list[tuple[str, int]]:
        """(column key, width) of the columns shown at this width; Outcome takes the rest."""
        width = self.size.width or self.app.size.width
        wide = width >= WIDE
        cols = [(c.key, WIDTHS[c.key][1 if wide else 0]) for c in COLUMNS]
        cols = [(k, w) for k, w in cols if w]
        used = sum(w + 2 for k, w in cols if k != "outcome") + 2 + 2  # cell padding, outcome's, scrollbar
        return [(k, max(w, width - used) if k == "outcome" else w) for k, w in cols]

    def _build_columns(self, keep_rows: bool = False) -> None:
        table = self.table
        self._width = self.size.width or self.app.size.width
        self._wide = self._width >= WIDE
        cursor = table.cursor_row
        table.clear(columns=True)
        sorted_name = self.order.lstrip("-")
        arrow = " ▼" if self.order.startswith("-") else " ▲"
        for key, width in self._visible():
            col = BY_KEY[key]
            label = col.label + (arrow if col.order == sorted_name else "")
            table.add_column(Text(label, style="bold" if col.order == sorted_name else ""), width=width, key=key)
        if keep_rows and self.rows:
            for s in self.rows:
                self._add(s)
            table.move_cursor(row=min(cursor, table.row_count - 1), animate=False)

    def _cells(self, s: SessionSummary) -> list[Text]:
        out = []
        for key, _ in self._visible():
            if key == "started":
                out.append(render.cell(self.review.when(s.started, time=bool(self._wide))))
            elif key == "trainee":
                out.append(render.cell(s.trainee))
            elif key == "scenario":
                out.append(render.cell(s.scenario_id))
            elif key == "overall":
                out.append(render.cell(score_text(s)))
            elif key == "empathy":
                out.append(render.cell("-" if s.empathy is None else f"{s.empathy:.0f}"))
            elif key == "deescalation":
                out.append(render.cell("-" if s.deescalation is None else f"{s.deescalation:.0f}"))
            elif key == "compliance":
                out.append(render.cell(*compliance_text(s)))
            elif key == "passed":
                out.append(render.cell(*pass_text(s)))
            else:
                out.append(render.cell(outcome_text(s), "italic" if s.ended is None else ""))
        return out

    def _add(self, s: SessionSummary) -> None:
        self.table.add_row(*self._cells(s), key=s.id)

    # ------------------------------------------------------------------------------------ loading
    def reload(self) -> None:
        """Start again from the first page (after a change of filter or sort)."""
        self.generation += 1
        self.rows = []
        self._keys = set()
        self._offset = 0
        self.total = None
        self.exhausted = False
        self._inflight = None
        self.problem = None
        self._build_columns()
        self._status()
        self.count_rows(self.generation)
        self.load_more()

    def load_more(self) -> None:
        if self.exhausted or self._inflight == self.generation:
            return
        self._inflight = self.generation
        self._status()
        self.fetch_page(self.generation, self._offset)

    @on(MoreRowsWanted)
    def _more(self, event: MoreRowsWanted) -> None:
        event.stop()
        if self.table.near_end():  # still true when the message is handled (it may have waited for a page)
            self.load_more()

    @work(group="rows")
    async def fetch_page(self, generation: int, offset: int) -> None:
        filters, order, size = self.filters, self.order, self.review.page_size
        try:
            page = await self.review.db(lambda d: d.page(filters, order, offset, size))
        except Exception as e:  # noqa: BLE001 - shown to the lead in plain words; the table stays as it was
            from callsim.core.store import plain_reason

            if generation != self.generation:
                return
            self._inflight = None
            self.problem = f"Could not read the sessions: {plain_reason(e)}."
            self._status()
            self.notify(self.problem, severity="error", markup=False, timeout=10)
            return
        if generation != self.generation:
            return  # the filters or the order changed while this page was on its way
        self._inflight = None
        self.problem = None
        self._offset += len(page)
        self.pages_loaded += 1
        for s in page:
            if s.id in self._keys:  # a session started since the first page shifted the offsets
                continue
            self._keys.add(s.id)
            self.rows.append(s)
            self._add(s)
        if len(page) < size:
            self.exhausted = True
        self._status()
        self.review.warm_up()
        if not self.exhausted and self.table.near_end():
            self.load_more()

    @work(group="count", exclusive=True)
    async def count_rows(self, generation: int) -> None:
        filters = self.filters
        try:
            total = await self.review.db(lambda d: d.count(filters))
        except Exception:  # noqa: BLE001 - the page fetch reports the problem
            return
        if generation == self.generation:
            self.total = total
            self._status()

    @work(group="choices", exclusive=True)
    async def load_choices(self) -> None:
        try:
            trainees, scenarios = await self.review.db(lambda d: d.choices())
        except Exception:  # noqa: BLE001
            return
        self._set_options("#f-trainee", trainees, self.filters.trainee)
        self._set_options("#f-scenario", scenarios, self.filters.scenario)

    def _set_options(self, selector: str, values: list[str], current: str | None) -> None:
        select = self.query_one(selector, Select)
        with select.prevent(Select.Changed):
            select.set_options([(Text(render.clean(v)), v) for v in values])
            if current is not None and current in values:
                select.value = current

    def _status(self) -> None:
        loaded = len(self.rows)
        total = "…" if self.total is None else f"{self.total:,}"
        parts = [f"{loaded:,} of {total} loaded"]
        if self.problem:
            parts.insert(0, self.problem)
        elif self._inflight == self.generation:
            parts.append("loading more…")
        key = self.order.lstrip("-")
        name = next((c.label for c in COLUMNS if c.order == key), key)
        parts.append(f"sorted by {name} {'▼' if self.order.startswith('-') else '▲'}")
        if self.filters.active:
            parts.append(self.filters.describe(self.review.tz))
        if self.total == 0:
            parts.insert(0, "No sessions match" if self.filters.active else "No sessions yet")
        self.query_one("#rv-status", Static).update(Content(" · ".join(parts)))

    def refresh_row(self, session_id: str) -> None:
        """Read one session again (after a review) and redraw its row."""
        self._refresh_row(session_id)

    @work(group="refresh-row")
    async def _refresh_row(self, session_id: str) -> None:
        try:
            summary = await self.review.db(lambda d: d.summary(session_id))
        except Exception:  # noqa: BLE001
            return
        for i, s in enumerate(self.rows):
            if s.id == session_id:
                self.rows[i] = summary
                for (key, _), cell in zip(self._visible(), self._cells(summary), strict=True):
                    self.table.update_cell(session_id, key, cell)
                break

    def highlighted(self) -> SessionSummary | None:
        table = self.table
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((s for s in self.rows if s.id == key), None)

    # ------------------------------------------------------------------------------------ filters
    def _set_filters(self, filters: Filters) -> None:
        if filters != self.filters:
            self.filters = filters
            self.reload()

    @on(Select.Changed, "#f-trainee")
    def _trainee(self, event: Select.Changed) -> None:
        self._set_filters(self.filters.with_(trainee=_value(event.value)))

    @on(Select.Changed, "#f-scenario")
    def _scenario(self, event: Select.Changed) -> None:
        self._set_filters(self.filters.with_(scenario=_value(event.value)))

    @on(Select.Changed, "#f-result")
    def _result(self, event: Select.Changed) -> None:
        self._set_filters(self.filters.with_(result=_value(event.value)))

    @on(Input.Submitted, "#f-since")
    def _since(self, event: Input.Submitted) -> None:
        try:
            since = parse_since(event.value, self.review.now(), self.review.tz)
        except ValueError as e:
            self.notify(str(e), severity="warning", markup=False)
            return
        self._set_filters(self.filters.with_(since=since))
        self.table.focus()

    def action_focus_filters(self) -> None:
        self.query_one("#f-trainee", Select).focus()

    def action_focus_table(self) -> None:
        self.table.focus()

    def action_clear_filters(self) -> None:
        for selector in ("#f-trainee", "#f-scenario", "#f-result"):
            select = self.query_one(selector, Select)
            with select.prevent(Select.Changed):
                select.clear()
        since = self.query_one("#f-since", Input)
        with since.prevent(Input.Changed):
            since.value = ""
        self._set_filters(Filters())
        self.table.focus()

    # ------------------------------------------------------------------------------------ sorting
    @on(DataTable.HeaderSelected, "#sessions")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        self.sort_by(str(event.column_key.value))

    def sort_by(self, key: str) -> None:
        col = BY_KEY[key]
        if not col.sortable:
            self.notify(f"The session store cannot sort by {col.label} yet.", severity="warning")
            return
        self.order = order_for(col, self.order)
        self.reload()

    def action_sort_next(self) -> None:
        shown = [k for k, _ in self._visible() if BY_KEY[k].sortable]
        current = next((c.key for c in COLUMNS if c.order == self.order.lstrip("-")), None)
        nxt = shown[(shown.index(current) + 1) % len(shown)] if current in shown else shown[0]
        col = BY_KEY[nxt]
        assert col.order is not None
        self.order = f"-{col.order}" if col.descending_first else col.order
        self.reload()

    def action_reverse(self) -> None:
        self.order = self.order[1:] if self.order.startswith("-") else f"-{self.order}"
        self.reload()

    # ------------------------------------------------------------------------------------ navigation
    @on(DataTable.RowSelected, "#sessions")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            from callsim.tui.review.screens.session import SessionScreen

            self.app.push_screen(SessionScreen(event.row_key.value))

    def action_progress(self) -> None:
        trainee = self.filters.trainee
        if trainee is None:
            row = self.highlighted()
            trainee = row.trainee if row else None
        if trainee is None:
            self.notify("Highlight a session (or filter by a trainee) first.", severity="warning")
            return
        from callsim.tui.review.screens.progress import ProgressScreen

        self.app.push_screen(ProgressScreen(trainee, self.filters))

    def action_cohort(self) -> None:
        from callsim.tui.review.screens.cohort import CohortScreen

        self.app.push_screen(CohortScreen(self.filters))

    def action_drills(self) -> None:
        """The drill attempts, for the trainee and the date filters set here (if any)."""
        from callsim.tui.review.drill_data import AttemptFilters
        from callsim.tui.review.screens.drills import DrillsScreen

        self.app.push_screen(DrillsScreen(AttemptFilters(trainee=self.filters.trainee, since=self.filters.since)))

    def action_refresh(self) -> None:
        self.reload()
        self.load_choices()


def _value(v: Any) -> str | None:
    return v if isinstance(v, str) else None
