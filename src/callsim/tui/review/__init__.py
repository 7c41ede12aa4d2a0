"""`callsim review`: the team lead's Textual app over the session store. Importing this loads no Textual."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from callsim.config import Config


def run_review_app(db_url: str | None = None, reviewer: str | None = None, *, settings: Config | None = None,
                   tz: tzinfo | None = None, page_size: int = 100, **_: Any) -> int:
    """Open the review app on the store at ``db_url`` (else ``CALLSIM_DATABASE_URL``, else the local file).

    ``reviewer`` is the name put on reviews (default: as ``callsim review SESSION`` does, ``CALLSIM_TRAINEE``
    or the configured name, else the user name). Raises :class:`callsim.core.store.StoreError` when the
    store cannot be opened and :class:`callsim.config.ConfigError` when the settings file has problems.
    """
    from callsim.config import load_config, trainee_name
    from callsim.core.store import Store

    settings = settings or load_config()
    name = trainee_name(reviewer or settings.trainee)
    store = Store.open(db_url)
    try:
        from callsim.core.review_data import ReviewData
        from callsim.tui.paste import install
        from callsim.tui.review.app import ReviewApp  # Textual itself: about 90 ms

        install()  # a pasted comment arrives whole, without escape codes
        app = ReviewApp(ReviewData(store), reviewer=name, settings=settings, tz=tz, page_size=page_size)
        return int(app.run() or 0)
    finally:
        store.close()


__all__ = ["run_review_app"]
