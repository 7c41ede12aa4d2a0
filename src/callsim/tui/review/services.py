"""What the review app's screens may ask of the app: a small protocol, not the app class (as the trainee
app's ``tui/services.py``). ``ReviewApp`` satisfies it; mypy checks that (``_satisfies`` in review/app.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

if TYPE_CHECKING:
    from textual.app import App

    from callsim.core.models import Scenario
    from callsim.core.review_data import ReviewData

T = TypeVar("T")


class ReviewServices(Protocol):
    """The members of the review app that its screens use."""

    reviewer: str
    tz: tzinfo
    now: Callable[[], datetime]
    page_size: int

    def db(self, fn: Callable[[ReviewData], T]) -> Awaitable[T]: ...

    def warm_up(self) -> None: ...

    def scenario(self, scenario_id: str) -> Scenario | None: ...

    def when(self, dt: datetime | None, *, time: bool = ...) -> str: ...

    def effective_key(self, binding_id: str) -> str: ...


def review_services(app: App[Any]) -> ReviewServices:
    """The review app behind a screen, as the protocol its screens may use."""
    return cast("ReviewServices", app)
