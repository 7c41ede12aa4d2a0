"""Settings: YAML file plus CALLSIM_* environment variables, every problem reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from callsim.config import Config, ConfigError, check_keymap, config_path, load_config, save_config


def write(home: Path, text: str) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(_isolated_home: Path) -> None:
    c = load_config()
    assert c.trainee is None and c.theme == "callsim-light" and c.feedback == "coaching"
    assert c.guided is False and c.keymap == {}
    assert config_path() == _isolated_home / "config.yaml"


def test_file_values_and_env_overrides(_isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(_isolated_home, "trainee: Sam\ntheme: callsim-dark\nfeedback: assessment\nkeymap: {call.hint: F3}\n")
    c = load_config()
    assert (c.trainee, c.theme, c.feedback, c.keymap) == ("Sam", "callsim-dark", "assessment", {"call.hint": "f3"})
    monkeypatch.setenv("CALLSIM_TRAINEE", "Env Name")
    monkeypatch.setenv("CALLSIM_GUIDED", "true")
    monkeypatch.setenv("CALLSIM_KEYMAP", '{"call.end": "ctrl+x"}')
    c = load_config()
    assert c.trainee == "Env Name" and c.guided is True
    assert c.keymap == {"call.hint": "f3", "call.end": "ctrl+x"}  # keymaps merge, the environment's last
    assert c.theme == "callsim-dark"  # still from the file


def test_every_problem_is_reported_with_a_suggestion(_isolated_home: Path) -> None:
    path = write(_isolated_home, "trainee: Sam\nthem: dark\nfeedbak: coaching\nfeedback: shouting\n"
                                 "keymap: {call.hint: 'ctrl+enter!'}\n")
    with pytest.raises(ConfigError) as err:
        load_config()
    problems = err.value.problems
    assert len(problems) == 4, problems
    text = str(err.value)
    assert str(path) in text
    assert "unknown setting 'them'. Did you mean 'theme'?" in text
    assert "unknown setting 'feedbak'. Did you mean 'feedback'?" in text
    assert "feedback:" in text and "'coaching' or 'assessment'" in text
    assert "keymap" in text


def test_bad_yaml_says_where(_isolated_home: Path) -> None:
    write(_isolated_home, "trainee: [unclosed\n")
    with pytest.raises(ConfigError, match=r"line \d+, column \d+: not valid YAML"):
        load_config()
    write(_isolated_home, "- a list\n")
    with pytest.raises(ConfigError, match="mapping of settings"):
        load_config()


def test_trainee_names_are_cleaned(_isolated_home: Path) -> None:
    assert Config(trainee="  Jo \x1b[31m Bloggs\x07 ").trainee == "Jo Bloggs"
    assert Config(trainee="   ").trainee is None
    with pytest.raises(ValueError, match="at most 60"):
        Config(trainee="x" * 61)


def test_save_keeps_other_settings_and_refuses_bad_values(_isolated_home: Path) -> None:
    write(_isolated_home, "# my settings\ntheme: callsim-dark\n")
    path = save_config({"trainee": "Jo"})
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data == {"theme": "callsim-dark", "trainee": "Jo"}
    assert load_config().trainee == "Jo"
    with pytest.raises(ValueError):
        save_config({"feedback": "loud"})
    assert load_config().feedback == "coaching"


def test_config_file_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "elsewhere.yaml"
    other.write_text("trainee: Elsewhere\n", encoding="utf-8")
    monkeypatch.setenv("CALLSIM_CONFIG", str(other))
    assert config_path() == other and load_config().trainee == "Elsewhere"


def test_keymap_ids_are_checked_against_the_bindings() -> None:
    from callsim.tui import keys

    assert check_keymap({"call.hint": "f3"}, keys.BY_ID) == []
    problems = check_keymap({"call.hnit": "f3", "zzz": "f5"}, keys.BY_ID)
    assert problems[0] == "keymap: no binding with id 'call.hnit'. Did you mean 'call.hint'?"
    assert problems[1] == "keymap: no binding with id 'zzz'."
