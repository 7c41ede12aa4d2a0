"""The app in a real terminal: scripts/tmux-check runs callsim in tmux, presses keys and reads the screen."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "tmux-check"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)")
def test_the_app_in_a_real_terminal(tmp_path: Path) -> None:
    callsim = Path(sys.executable).with_name("callsim")
    assert callsim.exists(), f"no callsim entry point beside {sys.executable}"
    env = {**os.environ, "CALLSIM": str(callsim), "OUT": str(tmp_path / "screens")}
    done = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "tmux-check [80x24]: ok" in done.stdout and "tmux-check [120x40]: ok" in done.stdout
    screens = sorted((tmp_path / "screens").iterdir())
    debrief = next(p for p in screens if p.name.startswith("80x24") and "debrief" in p.name).read_text()
    assert "NOT PASSED" in debrief and "Outcome" in debrief
    for shot in screens:  # nothing escaped into the terminal as raw control codes
        assert "\x1b" not in shot.read_text()
