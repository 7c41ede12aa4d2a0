"""Shared fixtures. Tests never read the developer's home: CALLSIM_HOME points at a temp folder."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "callsim-home"
    monkeypatch.setenv("CALLSIM_HOME", str(home))
    monkeypatch.delenv("CALLSIM_DATABASE_URL", raising=False)
    return home
