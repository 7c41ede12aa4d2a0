"""What the trainee app's screens may ask of the app: a small protocol, not the app class.

Screens talk up through :func:`services` (``services(self.app).start_call(card)``), typed by
:class:`TraineeServices`, so a screen never imports ``tui/app.py`` and a test can mount one on any app that
provides these members. ``CallsimApp`` satisfies the protocol; mypy checks that (``_satisfies`` in app.py).
Adding a member here is a decision: it widens what every screen may reach.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

if TYPE_CHECKING:
    from textual.app import App

    from callsim.config import Config
    from callsim.core.cards import Card, Catalog
    from callsim.core.drills.attempt import DrillAttempt
    from callsim.core.drills.model import Drill
    from callsim.core.engine import CompiledScenario
    from callsim.core.models import Scenario
    from callsim.core.record import CallRecord

T = TypeVar("T")


@dataclass(frozen=True)
class AttemptSaved:
    """Where a drill attempt went: the store (its id), else a file in the journal folder (``kept``), else
    nowhere (``lost`` says why); ``problem`` is the store's fault in plain words."""

    id: str | None = None
    kept: Path | None = None
    problem: str = ""
    lost: str = ""


class TraineeServices(Protocol):
    """The members of the trainee app that its screens use."""

    settings: Config
    catalog: Catalog
    clock: Callable[[], float]
    now: Callable[[], datetime]

    @property
    def trainee(self) -> str | None: ...

    @property
    def guided(self) -> bool: ...

    @property
    def feedback(self) -> str: ...

    # the store, on its own thread
    def store(self, fn: Callable[[Any], T]) -> Awaitable[T]: ...

    def store_task(self, future: Future[Any], what: str) -> None: ...

    def store_problem(self, error: BaseException, what: str = ...) -> None: ...

    def compiled(self, scenario: Scenario) -> CompiledScenario: ...

    # navigation (the workers among them return their Worker, which screens ignore)
    def to_library(self) -> Awaitable[None]: ...

    def open_brief(self, card: Card) -> None: ...

    def start_call(self, card: Card) -> object: ...

    def show_debrief(self, record: CallRecord, scenario: Scenario, *, session_id: str | None, coaching: bool,
                     replace: bool = ..., when: datetime | None = ...) -> Awaitable[None]: ...

    def rewind(self, scenario: Scenario, record: CallRecord, index: int) -> object: ...

    def retry(self, scenario: Scenario) -> object: ...

    def refresh_best(self) -> object: ...

    # drills: a drill above the drills list, then its feedback in its place (the app stores the attempt)
    def open_drill(self, drill: Drill, *, text: str = ..., subject: str = ..., answers: list[str] | None = ...) -> None:
        ...

    def show_drill_feedback(self, drill: Drill, attempt: DrillAttempt) -> None: ...

    def effective_key(self, binding_id: str) -> str: ...


def services(app: App[Any]) -> TraineeServices:
    """The trainee app behind a screen, as the protocol its screens may use."""
    return cast("TraineeServices", app)
