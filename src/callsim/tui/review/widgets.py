"""Widgets of the review app. Each takes its data as attributes and says what happened by messages."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.content import Content
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from callsim.tui import render
from callsim.tui.review.messages import MoreRowsWanted

EIGHTHS = " ▁▂▃▄▅▆▇█"


class SessionTable(DataTable[Text]):
    """The sessions table. It asks for more rows (``MoreRowsWanted``) when the cursor or the scroll position
    comes within ``margin`` rows of the last loaded row; its screen decides whether to fetch a page."""

    def __init__(self, *, margin: int = 40, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.margin = margin

    def near_end(self) -> bool:
        if not self.row_count:
            return True
        visible_bottom = int(self.scroll_y) + self.scrollable_content_region.height
        return max(self.cursor_row, visible_bottom) >= self.row_count - self.margin

    def watch_cursor_coordinate(self, old_coordinate: Coordinate, new_coordinate: Coordinate) -> None:
        super().watch_cursor_coordinate(old_coordinate, new_coordinate)
        if self.near_end():
            self.post_message(MoreRowsWanted())

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self.near_end():
            self.post_message(MoreRowsWanted())


class ScoreChart(Static):
    """Bars on a fixed 0-100 scale (so 60 -> 65 looks small, as it is), one per period, newest on the right,
    with the scale on the left and the first and last period named below. Call :meth:`show` with the data.

    Textual's Sparkline scales each chart to its own minimum and maximum, which makes a flat record look
    like a roller coaster; a trainee's progress needs the fixed scale."""

    def __init__(self, *, rows: int = 6, bar: int = 2, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.rows = rows
        self.bar = bar
        self._values: list[float | None] = []
        self._labels: list[str] = []

    def show(self, values: Sequence[float | None], labels: Sequence[str]) -> None:
        """One bar per value, oldest first; ``None`` is a period without calls (a gap, with a dotted base)."""
        self._values, self._labels = list(values), list(labels)
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        if not self._values:
            self.update(Content.styled("No finished calls to chart.", "italic"))
            return
        width = max(10, (self.content_size.width or 60) - 5)
        fit = max(1, width // (self.bar + 1))
        values, labels = self._values[-fit:], self._labels[-fit:]
        lines: list[Content] = []
        for row in range(self.rows, 0, -1):
            axis = {self.rows: "100", (self.rows + 1) // 2: " 50", 1: "  0"}.get(row, "   ")
            cells = []
            for v in values:
                if v is None:
                    cells.append(("·" if row == 1 else " ") * self.bar)
                    continue
                level = max(0.0, min(100.0, v)) / 100 * self.rows  # how many rows this bar fills
                fill = level - (row - 1)
                ch = EIGHTHS[8] if fill >= 1 else EIGHTHS[max(0, round(fill * 8))] if fill > 0 else " "
                if row == 1 and ch == " ":
                    ch = EIGHTHS[1]  # a zero still shows a sliver, so no bar looks missing
                cells.append(ch * self.bar)
            lines.append(Content.assemble((f"{axis} ┤", render.MUTED), (" ".join(cells), "$text-primary")))
        first, last = labels[0], labels[-1]
        span = len(values) * (self.bar + 1) - 1
        foot = first if len(values) == 1 else first + last.rjust(max(len(last) + 1, span - len(first)))
        lines.append(Content.styled("     " + foot, render.MUTED))
        self.update(Content("\n").join(lines))
