"""callsim's settings: a YAML file in the data folder, overridden by ``CALLSIM_*`` environment variables.

The file is ``config.yaml`` in :func:`callsim.core.paths.home` (or the path in ``CALLSIM_CONFIG``).
A trainee edits it by hand or lets the app write it (the app asks for the trainee's name once and saves
it here). Every problem in the file is reported at once, with a "did you mean" for misspelt keys::

    trainee: Sam Patel
    theme: callsim-dark          # or callsim-light, or any Textual theme
    feedback: coaching           # or assessment: no feedback until the debrief
    guided: false                # numbered choices instead of typing
    keymap:                      # binding id -> key(s); `callsim` F1 lists the ids
      call.hint: f3
      call.end: ctrl+x

Environment variables win over the file: ``CALLSIM_TRAINEE``, ``CALLSIM_THEME``, ``CALLSIM_FEEDBACK``,
``CALLSIM_GUIDED``, ``CALLSIM_CURSOR_BLINK`` and ``CALLSIM_KEYMAP`` (JSON, e.g. ``{"call.hint": "f3"}``).
"""

from __future__ import annotations

import difflib
import getpass
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

import yaml

from callsim.core.paths import settings_file
from callsim.core.text import safe_text

if TYPE_CHECKING:
    from pydantic_settings import BaseSettings

MAX_TRAINEE_CHARS = 60
ENV_PREFIX = "CALLSIM_"
# In an app's environment: the process id of the `callsim serve` that started it (callsim.serve_session sets
# it, callsim.serve reads it in the app to end with its server). Not a setting: nobody sets it by hand.
SERVER_PID_VARIABLE = "CALLSIM_SERVE_PID"
_KEY = re.compile(r"^[a-z0-9_+\-]+(\s*,\s*[a-z0-9_+\-]+)*$")
Feedback = Literal["coaching", "assessment"]


class ConfigError(Exception):
    """The config file (or an environment variable) has problems; ``problems`` lists every one."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: {len(problems)} problem(s) in the settings:\n"
                         + "\n".join(f"  - {p}" for p in problems))


def _clean_trainee(v: str | None) -> str | None:
    if v is None:
        return None
    v = " ".join(safe_text(v).split())
    if not v:
        return None
    if len(v) > MAX_TRAINEE_CHARS:
        raise ValueError(f"a name of at most {MAX_TRAINEE_CHARS} characters, please")
    return v


def _clean_keymap(v: dict[str, str]) -> dict[str, str]:
    bad = [f"{k}: {keys!r}" for k, keys in v.items() if not _KEY.match(str(keys).strip().lower())]
    if bad:
        raise ValueError("keys look like 'f3', 'ctrl+x' or 'ctrl+x,f10'; not " + "; ".join(bad))
    return {k: str(keys).strip().lower() for k, keys in v.items()}


DOCS = {  # what each setting does (the pydantic model's field descriptions)
    "trainee": "Your name as it appears on your sessions. callsim asks for it once and saves it here.",
    "theme": "Colour theme: callsim-light, callsim-dark or any Textual theme.",
    "feedback": "coaching: feedback after every reply. assessment: nothing until the debrief.",
    "guided": "Pick numbered replies (keys 1-9) instead of typing your own.",
    "cursor_blink": "Blink the cursor in the reply box.",
    "keymap": "Remapped keys: binding id -> key or comma-separated keys, e.g. {call.hint: f3}. "
              "Press F1 in the app to see every binding id.",
}


@dataclass(kw_only=True)
class Config:
    """What a trainee can set (see :data:`DOCS`). Each field can also come from ``CALLSIM_<FIELD>``.

    ``Config(**values)`` is checked against the pydantic-settings model of :func:`settings_model`, which
    also reads the ``CALLSIM_*`` environment variables. Importing pydantic and
    pydantic-settings and building the model costs about 70 ms, which would be a third of the app's
    startup; so when no ``CALLSIM_<FIELD>`` variable is set and every value already has its field's exact
    type (what a hand-written settings file gives), the same checks run here without pydantic. Anything
    else (a value to coerce, a wrong type, an environment variable) goes through the model, which reports
    every problem.
    """

    trainee: str | None = None
    theme: str = "callsim-light"
    feedback: Feedback = "coaching"
    guided: bool = False
    cursor_blink: bool = True
    keymap: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        given = {f.name: getattr(self, f.name) for f in fields(self)}
        checked = _quick_check(given) if not _env_settings() else None
        if checked is None:  # pydantic decides: it coerces what it can and raises ValidationError otherwise
            checked = settings_model()(**given).model_dump()
        for name, value in checked.items():
            setattr(self, name, value)


FIELDS = tuple(f.name for f in fields(Config))


def _env_settings() -> bool:
    """Whether any ``CALLSIM_<FIELD>`` environment variable is set (pydantic-settings reads them)."""
    names = {ENV_PREFIX + f.upper() for f in FIELDS}
    return any(k.upper() in names for k in os.environ)


def _quick_check(values: dict[str, Any]) -> dict[str, Any] | None:
    """The values, validated and cleaned, when each has its field's exact type; else None (use pydantic).

    For such values pydantic's own checks change nothing, so only the field validators are left to run;
    a value they refuse also goes to pydantic, for its wording of the problem."""
    t, theme, fb, keymap = values["trainee"], values["theme"], values["feedback"], values["keymap"]
    if not (
        (t is None or type(t) is str) and type(theme) is str and type(fb) is str and fb in get_args(Feedback)
        and type(values["guided"]) is bool and type(values["cursor_blink"]) is bool and type(keymap) is dict
        and all(type(k) is str and type(v) is str for k, v in keymap.items())
    ):
        return None
    try:
        return {**values, "trainee": _clean_trainee(t), "keymap": _clean_keymap(keymap)}
    except ValueError:
        return None


@cache
def settings_model() -> type[BaseSettings]:
    """The settings as a pydantic-settings model: the schema :class:`Config` is checked against.

    Built on first use: pydantic and pydantic-settings take about 70 ms to import."""
    from pydantic import Field, field_validator
    from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

    class ConfigModel(BaseSettings):
        model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", validate_default=True)

        trainee: str | None = Field(None, description=DOCS["trainee"])
        theme: str = Field("callsim-light", description=DOCS["theme"])
        feedback: Feedback = Field("coaching", description=DOCS["feedback"])
        guided: bool = Field(False, description=DOCS["guided"])
        cursor_blink: bool = Field(True, description=DOCS["cursor_blink"])
        keymap: dict[str, str] = Field(default_factory=dict, description=DOCS["keymap"])

        @field_validator("trainee")
        @classmethod
        def _trainee(cls, v: str | None) -> str | None:
            return _clean_trainee(v)

        @field_validator("keymap")
        @classmethod
        def _keymap(cls, v: dict[str, str]) -> dict[str, str]:
            return _clean_keymap(v)

        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            # First wins: environment variables, then what load_config read from the YAML file.
            return env_settings, init_settings

    return ConfigModel


def config_path() -> Path:
    return settings_file()


def _read_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as e:
        raise ConfigError(path, [f"cannot read the file: {e.strerror}"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise ConfigError(path, [f"{where}not valid YAML ({getattr(e, 'problem', None) or e})"]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(path, ["the file should be a mapping of settings (key: value), "
                                 f"not a {type(data).__name__}"])
    return {str(k): v for k, v in data.items()}


def did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def load_config(path: Path | None = None) -> Config:
    """The settings, from the file and the environment. Raises :class:`ConfigError` listing every problem."""
    path = path or config_path()
    data = _read_file(path)
    problems: list[str] = []
    for key in data:
        if key not in FIELDS:
            problems.append(f"unknown setting '{key}'.{did_you_mean(key, FIELDS)}"
                            f" Settings are: {', '.join(FIELDS)}.")
    known = {k: v for k, v in data.items() if k in FIELDS}
    config = None
    try:
        config = Config(**known)
    except ValueError as e:
        from pydantic import ValidationError  # already imported: only the pydantic path raises

        if not isinstance(e, ValidationError):
            raise
        for err in e.errors():  # every problem, one entry each
            loc = ".".join(str(p) for p in err["loc"]) or "(file)"
            problems.append(f"{loc}: {err['msg']}")
    if problems or config is None:
        raise ConfigError(path, problems)
    return config


def save_config(updates: dict[str, Any], path: Path | None = None) -> Path:
    """Write ``updates`` into the config file, keeping everything else in it. Returns the path."""
    path = path or config_path()
    data = _read_file(path)
    data.update(updates)
    Config(**{k: v for k, v in data.items() if k in FIELDS})  # refuse to write something we cannot read
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    tmp.replace(path)
    return path


def check_keymap(keymap: dict[str, str], known_ids: Iterable[str]) -> list[str]:
    """Problems with a keymap's binding ids (the keys themselves are checked by :class:`Config`)."""
    known = list(known_ids)
    return [f"keymap: no binding with id '{bid}'.{did_you_mean(bid, known)}" for bid in keymap if bid not in known]


def trainee_name(given: str | None = None) -> str:
    """Who is playing: ``--trainee``, else ``CALLSIM_TRAINEE``, else the name saved in the app's settings
    (so the app and plain mode record the same person), else the operating-system user name."""
    for candidate in (given, os.environ.get("CALLSIM_TRAINEE"), _saved_trainee()):
        name = " ".join(safe_text(candidate or "").split())
        if name:
            return name[:200]
    try:
        return getpass.getuser() or "trainee"
    except (KeyError, OSError):  # no entry in the password database (some containers)
        return "trainee"


def _saved_trainee() -> str | None:
    try:
        return load_config().trainee
    except ConfigError:  # a broken settings file is the app's to report; plain mode falls back
        return None
