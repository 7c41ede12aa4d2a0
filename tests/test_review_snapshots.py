"""SVG snapshots of the review app at 80x24 and 120x40: the sessions table, one session, progress and the
cohort. Deterministic: fixed data (real calls), a fixed clock, session ids from a counter, UTC times.

After a deliberate change of the screens: ``pytest tests/test_review_snapshots.py --snapshot-update``,
then look at every changed SVG (``snapshot_report.html``) before keeping it.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from .test_review_support import Made, make_app, open_store, settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture
def filled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    counter = itertools.count(1)
    monkeypatch.setattr("callsim.core.store.new_session_id", lambda: f"s{next(counter):03d}demo")
    store, clock, made = open_store(tmp_path)
    cold = made[1]
    store.add_review(cold.id, reviewer="Jo Lead", comment="Good questions; she needed an apology first.",
                     override_score=55, reason="The hang-up followed a fair question")
    yield store, made
    store.close()


def opener(made: Made) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        screen: Any = pilot.app.screen
        screen.table.move_cursor(row=screen.table.get_row_index(made.id))
        await pilot.press("enter")
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_sessions_table(snap_compare: Any, filled: Any, size: tuple[int, int]) -> None:
    store, _ = filled
    assert snap_compare(make_app(store), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_session_with_a_review(snap_compare: Any, filled: Any, size: tuple[int, int]) -> None:
    store, made = filled
    assert snap_compare(make_app(store), terminal_size=size, run_before=opener(made[1]))


@pytest.mark.parametrize("size", SIZES)
def test_cohort(snap_compare: Any, filled: Any, size: tuple[int, int]) -> None:
    store, _ = filled

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)

    assert snap_compare(make_app(store), terminal_size=size, run_before=run_before)


def test_progress(snap_compare: Any, filled: Any) -> None:
    store, made = filled

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        screen: Any = pilot.app.screen
        screen.table.move_cursor(row=screen.table.get_row_index(made[0].id))  # Amy
        await pilot.press("p")
        await settle(pilot)

    assert snap_compare(make_app(store), terminal_size=(80, 24), run_before=run_before)
