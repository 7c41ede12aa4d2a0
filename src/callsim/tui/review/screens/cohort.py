"""The cohort: the table's filters applied to every finished call, compared by trainee and by scenario,
with the behaviours most often missed and the violations that recur. Four tabs, one table each; a
header click sorts a table. The database aggregates; the missed behaviours (the slowest: they read
every turn) arrive in their own worker, so the other tabs are usable at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane
from textual.widgets.data_table import ColumnKey

from callsim.core.review_data import Cohort, CountRow, Filters, GroupRow
from callsim.core.store import plain_reason
from callsim.tui import render
from callsim.tui.review import keys
from callsim.tui.review.drill_data import DrillStats, RuleLine, drill_stats
from callsim.tui.review.services import ReviewServices, review_services

TABS = ("co-trainees", "co-scenarios", "co-missed", "co-violations", "co-drills")
GROUP_COLUMNS = ("Calls", "Pass", "Score", "Emp", "De-e", "Comp fail", "Reviewed")


def group_cells(r: GroupRow) -> list[Text]:
    return [render.cell(r.key), _num(r.calls), _num(r.pass_rate, "{:.0f}%"), _num(r.overall, "{:.0f}"),
            _num(r.empathy, "{:.0f}"), _num(r.deescalation, "{:.0f}"), _num(r.compliance_failed),
            _num(r.reviewed)]


def missed_cells(c: Cohort, r: CountRow) -> list[Text]:
    return [render.cell(r.label), _num(r.calls), _num(c.share(r), "{:.0f}%"), _num(r.times), _num(r.trainees)]


def violation_cells(c: Cohort, r: CountRow) -> list[Text]:
    return [render.cell(r.label), render.cell(r.severity or "-", "bold" if r.severity == "blocker" else ""),
            _num(r.calls), _num(c.share(r), "{:.0f}%"), _num(r.times), _num(r.trainees)]


def drill_rule_cells(s: DrillStats, r: RuleLine) -> list[Text]:
    share = 100.0 * r.attempts / s.attempts if s.attempts else 0.0
    return [render.cell(r.title), _num(r.attempts), _num(share, "{:.0f}%"), render.cell(r.citation or "-")]


def drill_kinds_content(s: DrillStats, filters: Filters, tz: Any) -> Content:
    """Attempts and pass rate per kind, and which of the table's filters apply to drills."""
    scope = Filters(trainee=filters.trainee, since=filters.since)
    where = scope.describe(tz).replace("all sessions", "every trainee")
    ignored = [name for name, v in (("scenario", filters.scenario), ("result", filters.result)) if v is not None]
    note = f" (the {' and '.join(ignored)} filter{'s do' if len(ignored) > 1 else ' does'} not apply to drills)" \
        if ignored else ""
    if not s.attempts:
        return Content.assemble(("Drill attempts", "bold"), f" · {where}{note}: ", ("none", "italic"))
    lines = [Content.assemble(("Drill attempts", "bold"), f" · {where}{note}: ",
                              (f"{s.attempts:,}", "bold"))]
    for k in s.kinds:
        lines.append(Content(f"  {k.kind:<10} {k.attempts:>5,} attempt{'s' if k.attempts != 1 else ' '} · "
                             f"{k.passed:,} passed ({k.pass_rate:.0f}%) · average score {k.mean_score:.0f}"))
    return Content("\n").join(lines)


def _num(v: float, fmt: str = "{:,}") -> Text:
    return Text(fmt.format(v), no_wrap=True, justify="right")


class CohortScreen(Screen[None]):
    BINDINGS = keys.bindings("Cohort")  # type: ignore[assignment]

    def __init__(self, filters: Filters) -> None:
        super().__init__()
        self.filters = filters
        self.cohort: Cohort | None = None
        self.missed_loaded = False
        self.drills: DrillStats | None = None
        self._sorted: dict[str, tuple[str, bool]] = {}

    @property
    def review(self) -> ReviewServices:
        return review_services(self.app)

    def compose(self) -> ComposeResult:
        yield Static(self._head(None), id="co-head")
        with TabbedContent(id="co-tabs"):
            with TabPane("Trainees", id="co-trainees"):
                yield DataTable(id="co-trainee-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Scenarios", id="co-scenarios"):
                yield DataTable(id="co-scenario-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Missed behaviours", id="co-missed"):
                yield DataTable(id="co-missed-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Violations", id="co-violations"):
                yield DataTable(id="co-violation-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Drills", id="co-drills"):
                yield Static(Content.styled("Loading…", "italic"), id="co-drill-kinds")
                yield DataTable(id="co-drill-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def _head(self, c: Cohort | None) -> Content:
        scope = self.filters.describe(self.review.tz)
        calls = "counting…" if c is None else f"{c.calls:,} finished call{'s' if c.calls != 1 else ''}"
        return Content.assemble(("Cohort", "bold $text-primary"), f" · {scope} · ", (calls, "bold"))

    def on_mount(self) -> None:
        self._columns("#co-trainee-table", ("Trainee", *GROUP_COLUMNS))
        self._columns("#co-scenario-table", ("Scenario", *GROUP_COLUMNS))
        self._columns("#co-missed-table", ("Behaviour missed", "Calls", "Share", "Turns", "Trainees"))
        self._columns("#co-violation-table", ("Violation", "Severity", "Calls", "Share", "Times", "Trainees"))
        self._columns("#co-drill-table", ("Rule most often broken or got wrong", "Attempts", "Share", "Citation"))
        for selector in ("#co-trainee-table", "#co-scenario-table", "#co-missed-table", "#co-violation-table",
                         "#co-drill-table"):
            self.query_one(selector, DataTable).loading = True
        self.query_one("#co-trainee-table", DataTable).focus()
        self.load()
        self.load_drills()

    def _columns(self, selector: str, labels: tuple[str, ...]) -> None:
        table = self.query_one(selector, DataTable)
        for i, label in enumerate(labels):
            table.add_column(label, key=str(i))

    @work(group="cohort", exclusive=True)
    async def load(self) -> None:
        filters = self.filters
        try:
            c = await self.review.db(lambda d: d.cohort(filters, missed=False))
        except Exception as e:  # noqa: BLE001
            self.notify(f"Could not aggregate the cohort: {plain_reason(e)}", severity="error", markup=False)
            return
        self.cohort = c
        self.query_one("#co-head", Static).update(self._head(c))
        self._fill("#co-trainee-table", [group_cells(r) for r in c.trainees])
        self._fill("#co-scenario-table", [group_cells(r) for r in c.scenarios])
        self._fill("#co-violation-table", [violation_cells(c, r) for r in c.violations])
        self.load_missed()

    @work(group="cohort-missed", exclusive=True)
    async def load_missed(self) -> None:
        filters = self.filters
        try:
            missed = await self.review.db(lambda d: d.missed(filters))
        except Exception as e:  # noqa: BLE001
            self.notify(f"Could not count the missed behaviours: {plain_reason(e)}", severity="error", markup=False)
            return
        assert self.cohort is not None
        c = self.cohort = Cohort(self.cohort.filters, self.cohort.calls, self.cohort.trainees, self.cohort.scenarios,
                                 missed, self.cohort.violations)
        self._fill("#co-missed-table", [missed_cells(c, r) for r in missed])
        self.missed_loaded = True

    @work(group="cohort-drills", exclusive=True)
    async def load_drills(self) -> None:
        trainee, since = self.filters.trainee, self.filters.since
        try:
            stats = await self.review.db(lambda d: drill_stats(d, trainee=trainee, since=since))
        except Exception as e:  # noqa: BLE001
            self.notify(f"Could not sum up the drill attempts: {plain_reason(e)}", severity="error", markup=False)
            self.query_one("#co-drill-kinds", Static).update(
                Content.styled(f"Could not sum up the drill attempts: {plain_reason(e)}", "italic"))
            self.query_one("#co-drill-table", DataTable).loading = False
            return
        self.drills = stats
        self.query_one("#co-drill-kinds", Static).update(drill_kinds_content(stats, self.filters, self.review.tz))
        self._fill("#co-drill-table", [drill_rule_cells(stats, r) for r in stats.rules])

    def _fill(self, selector: str, rows: list[list[Text]]) -> None:
        table = self.query_one(selector, DataTable)
        table.clear()
        for i, cells in enumerate(rows):
            table.add_row(*cells, key=str(i))
        table.loading = False

    @on(DataTable.HeaderSelected)
    def _sort(self, event: DataTable.HeaderSelected) -> None:
        self._sort_by(event.data_table, str(event.column_key.value))

    def _visible_table(self) -> DataTable[Any] | None:
        tabs = self.query_one("#co-tabs", TabbedContent)
        return next(iter(tabs.query(f"#{tabs.active} DataTable").results(DataTable)), None) if tabs.active else None

    def action_sort_next(self) -> None:
        """s: the visible table sorted by its next column (as a header click on it would), named in a note."""
        table = self._visible_table()
        if table is None or not table.columns:
            return
        keys = [str(c.key.value) for c in table.ordered_columns]
        last = self._sorted.get(table.id or "", ("", False))[0]
        key = keys[(keys.index(last) + 1) % len(keys)] if last in keys else keys[0]
        self._sort_by(table, key)
        self._say_sorted(table, key)

    def action_reverse(self) -> None:
        """r: the visible table's sort reversed."""
        table = self._visible_table()
        last = self._sorted.get(table.id or "", ("", False))[0] if table is not None else ""
        if table is None or not last:
            return
        self._sort_by(table, last)  # the same column again reverses it
        self._say_sorted(table, last)

    def _say_sorted(self, table: DataTable[Any], key: str) -> None:
        label = str(table.columns[ColumnKey(key)].label)
        desc = self._sorted[table.id or ""][1]
        self.notify(f"Sorted by {label} ({'descending' if desc else 'ascending'}).", timeout=2, markup=False)

    def _sort_by(self, table: DataTable[Any], key: str) -> None:
        name = table.id or ""
        last, desc = self._sorted.get(name, ("", False))
        desc = not desc if last == key else key != "0"  # numbers: biggest first; names: A to Z
        self._sorted[name] = (key, desc)
        sort_key: Callable[[Any], Any] = _sort_value
        table.sort(key, key=sort_key, reverse=desc)

    def action_next_tab(self) -> None:
        tabs = self.query_one("#co-tabs", TabbedContent)
        tabs.active = TABS[(TABS.index(tabs.active) + 1) % len(TABS)] if tabs.active in TABS else TABS[0]

    def action_back(self) -> None:
        self.app.pop_screen()


def _sort_value(cell: Any) -> Any:
    text = cell.plain if isinstance(cell, Text) else str(cell)
    number = text.replace(",", "").rstrip("%").strip()
    try:
        return (0, float(number), "")
    except ValueError:
        return (1, 0.0, text.lower())
