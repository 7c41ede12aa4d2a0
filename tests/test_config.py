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


@pytest.mark.parametrize("values", [
    {},
    {"trainee": "  Jo \x1b[31m Bloggs\x07 ", "theme": "callsim-dark", "feedback": "assessment", "guided": True,
     "cursor_blink": False, "keymap": {"call.hint": " F3 ", "call.end": "ctrl+x,f10"}},
    {"trainee": "   "},
    {"guided": "yes", "cursor_blink": 0, "theme": "callsim-dark"},  # coerced: pydantic's lax rules
])
def test_the_quick_path_agrees_with_the_pydantic_model(values: dict[str, object]) -> None:
    from dataclasses import asdict

    from callsim.config import settings_model

    assert asdict(Config(**values)) == settings_model()(**values).model_dump()


@pytest.mark.parametrize("values", [{"feedback": "loud"}, {"guided": "maybe"}, {"trainee": "x" * 61},
                                    {"keymap": {"call.hint": "ctrl+enter!"}}, {"theme": 3}])
def test_anything_the_quick_path_cannot_vouch_for_goes_to_pydantic(values: dict[str, object]) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Config(**values)


def test_a_plain_settings_file_loads_without_pydantic(_isolated_home: Path) -> None:
    import os
    import subprocess
    import sys

    write(_isolated_home, "trainee: Sam\ntheme: callsim-dark\nguided: true\nkeymap: {call.hint: F3}\n")
    code = ("import sys; from callsim.config import load_config; c = load_config(); "
            "assert c.keymap == {'call.hint': 'f3'} and c.guided, c; "
            "assert not any(m.startswith('pydantic') for m in sys.modules), 'pydantic was imported'")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLSIM_")}
    env["CALLSIM_HOME"] = str(_isolated_home)
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
