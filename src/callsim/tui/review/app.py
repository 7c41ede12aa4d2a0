"""The review app: the team lead's view of the session store.

Screens: the sessions table (filter, sort, page lazily) -> one session (debrief, transcript, reviews; add a
review) ; a trainee's progress ; the cohort. The app owns what outlives a screen: the store (behind
:class:`ReviewData`), the reviewer's name, the display time zone, the scenario catalog (titles and the
scenarios a transcript needs) and a small thread pool that runs every database call, so the screen never
waits on the database.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any, TypeVar

from textual.app import App, SystemCommand
from textual.screen import Screen

from callsim.config import Config, check_keymap
from callsim.core.cards import Catalog, ScenarioProblem
from callsim.core.review_data import ReviewData
from callsim.tui.review import keys
from callsim.tui.review.messages import ReviewAdded
from callsim.tui.terminal import exit_when_terminal_closes
from callsim.tui.themes import DARK, LIGHT

if TYPE_CHECKING:
    from callsim.core.models import Scenario
    from callsim.tui.review.services import ReviewServices

T = TypeVar("T")


class ReviewApp(App[int]):
    CSS_PATH = "review.tcss"
    TITLE = "callsim review"
    BINDINGS = keys.bindings("Everywhere")  # type: ignore[assignment]

    def __init__(
        self,
        data: ReviewData,
        *,
        reviewer: str,
        settings: Config | None = None,
        tz: tzinfo | None = None,
        now: Callable[[], datetime] | None = None,
        page_size: int = 100,
        catalog: Catalog | None = None,
    ) -> None:
        super().__init__()
        self.data = data
        self.reviewer = reviewer
        self.settings = settings or Config()
        self.tz: tzinfo = tz or datetime.now().astimezone().tzinfo or UTC
        self.now: Callable[[], datetime] = now or (lambda: datetime.now(UTC))
        self.page_size = page_size
        self.catalog = catalog or Catalog()
        self._cards_loaded = False
        self._cards_lock = threading.Lock()
        self._warmed = False
        # Two threads: a slow aggregate (the cohort) never holds up the next page of the table.
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="callsim-review-db")

    # ------------------------------------------------------------------------------------ lifecycle
    def on_mount(self) -> None:
        exit_when_terminal_closes(self, before=lambda: self._pool.shutdown(wait=True, cancel_futures=True))
        self.register_theme(LIGHT)
        self.register_theme(DARK)
        theme = self.settings.theme if self.settings.theme in self.available_themes else LIGHT.name
        self.theme = theme
        mine = {k: v for k, v in self.settings.keymap.items() if k.startswith("review.")}
        for problem in check_keymap(mine, keys.BY_ID):
            self.notify(problem, severity="warning", markup=False, timeout=10)
        self.set_keymap({k: v for k, v in mine.items() if k in keys.BY_ID})
        from callsim.tui.review.screens.sessions import SessionsScreen

        self.push_screen(SessionsScreen())

    def on_unmount(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------------------------ data
    async def db(self, fn: Callable[[ReviewData], T]) -> T:
        """Run ``fn(data)`` on a database thread and wait for it without blocking the screen."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, self.data)

    def _cards(self) -> None:
        with self._cards_lock:
            if not self._cards_loaded:
                self.catalog.load_cards()
                self._cards_loaded = True

    def warm_up(self) -> None:
        """Once the first page is on screen: read the scenario cards, import the models and load the rubric
        in the background, so opening the first session is quick (about 0.3 s of work otherwise)."""
        if self._warmed:
            return
        self._warmed = True
        self.run_worker(asyncio.to_thread(self._warm), group="warm-up", exit_on_error=False)

    def _warm(self) -> None:
        self._cards()
        import callsim.core.models  # noqa: F401  (pydantic models: about 120 ms)
        from callsim.core.rubric import load_rubric

        load_rubric()

    def scenario(self, scenario_id: str) -> Scenario | None:
        """The installed scenario with that id, or None (blocking: call it through :meth:`db`)."""
        self._cards()
        card = self.catalog.find(scenario_id)
        if card is None or card.broken:
            return None
        try:
            return self.catalog.scenario(card.path)
        except ScenarioProblem:
            return None

    def when(self, dt: datetime | None, *, time: bool = True) -> str:
        """A date (and time) in the display zone: ``2026-03-02 09:00``."""
        if dt is None:
            return "-"
        return dt.astimezone(self.tz).strftime("%Y-%m-%d %H:%M" if time else "%Y-%m-%d")

    # ------------------------------------------------------------------------------------ messages
    def on_review_added(self, message: ReviewAdded) -> None:
        from callsim.tui.review.screens.sessions import SessionsScreen

        for screen in self.screen_stack:
            if isinstance(screen, SessionsScreen):
                screen.refresh_row(message.session_id)

    # ------------------------------------------------------------------------------------ actions
    def action_help(self) -> None:
        from callsim.tui.review.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT.name if self.current_theme.dark else DARK.name

    async def action_quit(self) -> None:
        self.exit(0)

    def effective_key(self, binding_id: str) -> str:
        return self.settings.keymap.get(binding_id, keys.BY_ID[binding_id].key)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        from callsim.tui.review.screens.sessions import SessionsScreen

        if isinstance(screen, SessionsScreen):
            yield SystemCommand("Cohort", "Compare trainees and scenarios", screen.action_cohort)
            yield SystemCommand("Progress", "The highlighted trainee's progress", screen.action_progress)
            yield SystemCommand("Drill attempts", "Written messages, voicemail, scheduling", screen.action_drills)
            yield SystemCommand("Clear filters", "Show every session", screen.action_clear_filters)
        yield SystemCommand("Help", "Every key", self.action_help)
        yield SystemCommand("Switch theme (light/dark)", "callsim-light or callsim-dark", self.action_toggle_theme)
        yield from super().get_system_commands(screen)


def _satisfies(app: ReviewApp) -> ReviewServices:
    """Never called: mypy checks here that the app provides what its screens may ask (review/services.py)."""
    return app
