"""Shared fixtures. Tests never read the developer's home: CALLSIM_HOME points at a temp folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# One BLAS thread per process, set before anything loads numpy (subprocesses the tests start inherit it). The
# encoder multiplies small matrices; with two test workers on two cores, OpenBLAS's own threads fight the other
# worker for the cores and the scoring tests ran about three times slower (docs/architecture.md, "Tests").
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked ``slow`` run first. The workers take the tests one by one (``--dist loadgroup``), so a
    long test started last would keep one worker busy while the other has finished; started first, the short
    tests fill in around it (docs/architecture.md, "Tests")."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "callsim-home"
    monkeypatch.setenv("CALLSIM_HOME", str(home))
    monkeypatch.delenv("CALLSIM_DATABASE_URL", raising=False)
    return home
