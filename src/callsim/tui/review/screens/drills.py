"""Drill attempts: the written messages, voicemails and "may I contact them now?" answers in the store, newest
first. The store filters (trainee, kind, since) and keeps the table to the newest 1,000 that match; a header
click or ``s``/``r`` sorts what is loaded. Enter opens an attempt: the feedback the trainee saw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Select, Static

from callsim.core.review_data import parse_since
from callsim.tui import render
from callsim.tui.review import keys
from callsim.tui.review.drill_data import LIMIT, AttemptFilters, AttemptRow, attempts, choices, rule_name
from callsim.tui.review.services import ReviewServices, review_services

WIDE = 110  # from here on: dates with the time, wider names, and the rules by id (else how many)


@dataclass(frozen=True)
class DrillColumn:
    key: str
    label: str
    widths: tuple[int, int]  # (narrow, wide); 0: takes what is left
    sort_key: Callable[[AttemptRow], Any]
    descending_first: bool = False  # dates and numbers: newest/highest first on the first press


COLUMNS: tuple[DrillColumn, ...] = (
    DrillColumn("taken", "Date", (10, 16), lambda r: r.taken, True),
    DrillColumn("trainee", "Trainee", (12, 18), lambda r: r.trainee.casefold()),
    DrillColumn("kind", "Kind", (9, 9), lambda r: r.kind),
    DrillColumn("drill", "Drill", (0, 26), lambda r: r.drill_id),
    DrillColumn("score", "Score", (5, 5), lambda r: r.score, True),
    DrillColumn("passed", "Pass", (4, 4), lambda r: r.passed, True),
    DrillColumn("rules", "Rules", (5, 0), lambda r: (len(r.rules), r.rules), True),
)
BY_KEY = {c.key: c for c in COLUMNS}
DEFAULT_ORDER = ("taken", True)


def rules_text(r: AttemptRow, wide: bool) -> str:
    if not r.rules:
        return "-"
    return ", ".join(rule_name(x) for x in r.rules) if wide else str(len(r.rules))


def pass_text(r: AttemptRow) -> tuple[str, str]:
    return ("yes", "") if r.passed else ("no", "bold")


class DrillsScreen(Screen[None]):
    BINDINGS = keys.bindings("Drills")  # type: ignore[assignment]

    def __init__(self, filters: AttemptFilters | None = None) -> None:
        super().__init__()
        self.filters = filters or AttemptFilters()
        self.order: tuple[str, bool] = DEFAULT_ORDER  # (column key, descending)
        self.rows: list[AttemptRow] = []
        self.loaded = False
        self.problem: str | None = None
        self.generation = 0
        self._width = 0

    @property
    def review(self) -> ReviewServices:
        return review_services(self.app)

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#drills", DataTable)

    # ------------------------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Drill attempts", "bold $text-primary"), id="dr-head")
        with Horizontal(id="dr-filters"):
            trainee = self.filters.trainee
            if trainee:  # the sessions screen's trainee filter, shown before the menu of names arrives
                yield Select[str]([(Text(render.clean(trainee)), trainee)], prompt="Any trainee", value=trainee,
                                  id="dr-trainee", compact=True)
            else:
                yield Select[str]([], prompt="Any trainee", id="dr-trainee", compact=True)
            yield Select[str]([], prompt="Any kind", id="dr-kind", compact=True)
            since = self.filters.since
            yield Input(value=self.review.when(since) if since else "", placeholder="Since (7d, date)",
                        id="dr-since", compact=True)
        yield DataTable(id="drills", cursor_type="row", zebra_stripes=True)
        yield Static(id="dr-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.table.focus()
        self._build()
        self.reload()
        self.load_choices()

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            self._build()

    @property
    def wide(self) -> bool:
        return (self.size.width or self.app.size.width) >= WIDE

    def _visible(self) -> list[tuple[str, int]]:
        """(column key, width) at this width; the flexible column (Drill narrow, Rules wide) takes the rest."""
        width = self.size.width or self.app.size.width
        wide = width >= WIDE
        cols = [(c.key, c.widths[1 if wide else 0]) for c in COLUMNS]
        used = sum(w + 2 for _, w in cols if w) + 2 + 2  # cell padding, the flexible column's, the scrollbar
        return [(k, w or max(12 if wide else 16, width - used)) for k, w in cols]

    def _build(self) -> None:
        """The columns for this width, then the rows in the chosen order."""
        table = self.table
        self._width = self.size.width or self.app.size.width
        cursor = table.cursor_row
        table.clear(columns=True)
        key, desc = self.order
        for k, width in self._visible():
            col = BY_KEY[k]
            label = col.label + ((" ▼" if desc else " ▲") if k == key else "")
            table.add_column(Text(label, style="bold" if k == key else ""), width=width, key=k)
        col = BY_KEY[key]
        self.rows.sort(key=col.sort_key, reverse=desc)
        for r in self.rows:
            table.add_row(*self._cells(r), key=r.id)
        if self.rows:
            table.move_cursor(row=max(0, min(cursor, table.row_count - 1)), animate=False)

    def _cells(self, r: AttemptRow) -> list[Text]:
        wide = self.wide
        out = []
        for key, _ in self._visible():
            if key == "taken":
                out.append(render.cell(self.review.when(r.taken, time=wide)))
            elif key == "trainee":
                out.append(render.cell(r.trainee))
            elif key == "kind":
                out.append(render.cell(r.kind))
            elif key == "drill":
                out.append(render.cell(r.drill_id))
            elif key == "score":
                out.append(Text(f"{r.score:.0f}", no_wrap=True, justify="right"))
            elif key == "passed":
                out.append(render.cell(*pass_text(r)))
            else:
                out.append(render.cell(rules_text(r, wide)))
        return out

    # ------------------------------------------------------------------------------------ loading
    def reload(self) -> None:
        self.generation += 1
        self.loaded = False
        self.problem = None
        self._status()
        self.load(self.generation)

    @work(group="drills", exclusive=True)
    async def load(self, generation: int) -> None:
        filters = self.filters
        try:
            rows = await self.review.db(lambda d: attempts(d, filters))
        except Exception as e:  # noqa: BLE001 - shown to the lead in plain words; the table stays as it was
            from callsim.core.store import plain_reason

            if generation != self.generation:
                return
            self.problem = f"Could not read the drill attempts: {plain_reason(e)}."
            self._status()
            self.notify(self.problem, severity="error", markup=False, timeout=10)
            return
        if generation != self.generation:
            return  # the filters changed while these were on their way
        self.rows = rows
        self.loaded = True
        self._build()
        self._status()

    @work(group="drill-choices", exclusive=True)
    async def load_choices(self) -> None:
        try:
            trainees, kinds = await self.review.db(choices)
        except Exception:  # noqa: BLE001 - the table's load reports the problem
            return
        self._set_options("#dr-trainee", trainees, self.filters.trainee)
        self._set_options("#dr-kind", kinds, self.filters.kind)

    def _set_options(self, selector: str, values: list[str], current: str | None) -> None:
        select = self.query_one(selector, Select)
        if current is not None and current not in values:
            values = sorted([*values, current])  # a trainee with calls and no drills yet: keep the filter shown
        with select.prevent(Select.Changed):
            select.set_options([(Text(render.clean(v)), v) for v in values])
            if current is not None:
                select.value = current

    def _status(self) -> None:
        parts: list[str] = []
        if self.problem:
            parts.append(self.problem)
        elif not self.loaded:
            parts.append("loading…")
        elif not self.rows:
            parts.append("No drill attempts match" if self.filters.active else "No drill attempts yet")
        else:
            n = len(self.rows)
            parts.append(f"the newest {n:,} (filter to see older ones)" if n >= LIMIT
                         else f"{n:,} attempt{'s' if n != 1 else ''}")
        key, desc = self.order
        parts.append(f"sorted by {BY_KEY[key].label} {'▼' if desc else '▲'}")
        if self.filters.active:
            parts.append(self.filters.describe(self.review.tz))
        if self.loaded and self.rows and not self.wide:
            parts.append("Rules: how many")
        self.query_one("#dr-status", Static).update(Content(" · ".join(parts)))

    def highlighted(self) -> AttemptRow | None:
        table = self.table
        if not self.rows or not 0 <= table.cursor_row < table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r for r in self.rows if r.id == key), None)

    # ------------------------------------------------------------------------------------ filters
    def _set_filters(self, filters: AttemptFilters) -> None:
        if filters != self.filters:
            self.filters = filters
            self.reload()

    @on(Select.Changed, "#dr-trainee")
    def _trainee(self, event: Select.Changed) -> None:
        self._set_filters(self.filters.with_(trainee=_value(event.value)))

    @on(Select.Changed, "#dr-kind")
    def _kind(self, event: Select.Changed) -> None:
        self._set_filters(self.filters.with_(kind=_value(event.value)))

    @on(Input.Submitted, "#dr-since")
    def _since(self, event: Input.Submitted) -> None:
        try:
            since = parse_since(event.value, self.review.now(), self.review.tz)
        except ValueError as e:
            self.notify(str(e), severity="warning", markup=False)
            return
        self._set_filters(self.filters.with_(since=since))
        self.table.focus()

    def action_focus_filters(self) -> None:
        self.query_one("#dr-trainee", Select).focus()

    def action_clear_filters(self) -> None:
        for selector in ("#dr-trainee", "#dr-kind"):
            select = self.query_one(selector, Select)
            with select.prevent(Select.Changed):
                select.clear()
        since = self.query_one("#dr-since", Input)
        with since.prevent(Input.Changed):
            since.value = ""
        self._set_filters(AttemptFilters())
        self.table.focus()

    # ------------------------------------------------------------------------------------ sorting
    @on(DataTable.HeaderSelected, "#drills")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        self.sort_by(str(event.column_key.value))

    def sort_by(self, key: str) -> None:
        """Sort by a column; the same column again reverses it."""
        col = BY_KEY[key]
        last, desc = self.order
        self.order = (key, not desc) if key == last else (key, col.descending_first)
        self._build()
        self._status()

    def action_sort_next(self) -> None:
        shown = [k for k, _ in self._visible()]
        key = self.order[0]
        self.sort_by(shown[(shown.index(key) + 1) % len(shown)] if key in shown else shown[0])

    def action_reverse(self) -> None:
        self.sort_by(self.order[0])

    # ------------------------------------------------------------------------------------ navigation
    @on(DataTable.RowSelected, "#drills")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            from callsim.tui.review.screens.drill_attempt import DrillAttemptScreen

            self.app.push_screen(DrillAttemptScreen(event.row_key.value))

    def action_back(self) -> None:
        """Esc: from a filter, back to the table; from the table, back to the sessions."""
        if self.focused is not None and self.focused is not self.table:
            self.table.focus()
        else:
            self.app.pop_screen()

    def action_refresh(self) -> None:
        self.reload()
        self.load_choices()


def _value(v: Any) -> str | None:
    return v if isinstance(v, str) else None
