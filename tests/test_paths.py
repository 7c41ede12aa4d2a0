"""Where callsim keeps things (core/paths.py) and `callsim paths`."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from callsim.cli import main
from callsim.core import paths


def test_every_place_is_in_the_data_folder_unless_a_variable_moves_it(_isolated_home: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    by_name = {p.name: p for p in paths.places()}
    assert set(by_name) == {"home", "settings", "store", "scenarios", "drills", "journal", "exports", "logs"}
    assert by_name["home"].path == str(_isolated_home)
    assert all(Path(p.path).is_relative_to(_isolated_home) and p.source == "CALLSIM_HOME" for p in by_name.values())
    monkeypatch.setenv("CALLSIM_CONFIG", "/elsewhere/settings.yaml")
    monkeypatch.setenv("CALLSIM_DATABASE_URL", "postgresql://coach:hunter2@db.example/callsim")
    by_name = {p.name: p for p in paths.places()}
    assert (by_name["settings"].path, by_name["settings"].source) == ("/elsewhere/settings.yaml", "CALLSIM_CONFIG")
    assert by_name["store"].source == "CALLSIM_DATABASE_URL"
    assert "hunter2" not in by_name["store"].path and "db.example" in by_name["store"].path


def test_the_store_journal_settings_and_exports_use_these_places(_isolated_home: Path) -> None:
    from callsim.config import config_path
    from callsim.core.exports.markdown import export_path
    from callsim.core.journal import journal_dir
    from callsim.core.library import scenario_files
    from callsim.core.store import default_url

    assert default_url() == f"sqlite:///{paths.database_file()}"
    assert journal_dir() == paths.journal_dir() and config_path() == paths.settings_file()
    assert export_path("x", datetime(2026, 1, 2, 3, 4, 5)).parent == paths.exports_dir()
    mine = paths.scenarios_dir() / "mine.yaml"
    mine.parent.mkdir(parents=True)
    mine.write_text("id: mine\n", encoding="utf-8")
    assert mine in scenario_files()


def test_callsim_paths_says_where_and_what_is_not_there_yet(_isolated_home: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    paths.journal_dir().mkdir(parents=True)
    assert main(["paths"]) == 0
    out = capsys.readouterr().out
    journal_line = next(line for line in out.splitlines() if line.startswith("journal"))
    store_line = next(line for line in out.splitlines() if line.startswith("store"))
    assert str(paths.journal_dir()) in journal_line and "not created yet" not in journal_line
    assert "not created yet" in store_line and "(from CALLSIM_HOME)" in store_line
    assert main(["paths", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["journal"]["exists"] is True and rows["store"]["exists"] is False


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql://coach:hunter2@db.example:5432/callsim", "postgresql://coach:***@db.example:5432/callsim"),
    ("postgresql://coach:p%40ss@db/callsim", "postgresql://coach:***@db/callsim"),
    ("postgresql://db.example/callsim", "postgresql://db.example/callsim"),
    ("sqlite:////tmp/s.db", "sqlite:////tmp/s.db"),
])
def test_a_store_url_is_shown_without_its_password(url: str, shown: str) -> None:
    from callsim.core.store import safe_url

    assert paths.hide_password(url) == shown == safe_url(url)
