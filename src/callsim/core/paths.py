"""Where callsim keeps things on this computer: one place that knows every folder and file.

Everything lives in one data folder, ``home()``: ``CALLSIM_HOME`` when set, else the platform's user data
folder (``~/.local/share/callsim`` on Linux, ``~/Library/Application Support/callsim`` on macOS,
``%LOCALAPPDATA%\\callsim`` on Windows). ``callsim paths`` prints them all. The session store can live
elsewhere (``CALLSIM_DATABASE_URL``, ``--db``) and so can the settings (``CALLSIM_CONFIG``); those are the
only two, and this module says which is in use.

Nothing here creates a folder: the code that writes there does, when it first writes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HOME_VARIABLE = "CALLSIM_HOME"
CONFIG_VARIABLE = "CALLSIM_CONFIG"
DATABASE_VARIABLE = "CALLSIM_DATABASE_URL"

SETTINGS_FILE = "config.yaml"
DATABASE_FILE = "callsim.db"
SCENARIOS = "scenarios"
DRILLS = "drills"
JOURNAL = "journal"
EXPORTS = "exports"
LOGS = "logs"


def home() -> Path:
    """callsim's data folder: ``CALLSIM_HOME`` or the platform's user data folder."""
    env = os.environ.get(HOME_VARIABLE)
    if env:
        return Path(env).expanduser()
    import platformdirs  # deferred: only needed when no CALLSIM_HOME is set

    return Path(platformdirs.user_data_dir("callsim", appauthor=False))


def settings_file() -> Path:
    """The settings file: ``CALLSIM_CONFIG``, else ``config.yaml`` in the data folder."""
    env = os.environ.get(CONFIG_VARIABLE)
    return Path(env).expanduser() if env else home() / SETTINGS_FILE


def database_file() -> Path:
    """The SQLite session store used when no ``CALLSIM_DATABASE_URL`` (or ``--db``) names another."""
    return home() / DATABASE_FILE


def scenarios_dir() -> Path:
    """The trainee's or trainer's own scenarios, listed beside the shipped ones."""
    return home() / SCENARIOS


def drills_dir() -> Path:
    """The trainer's own drills (written messages, voicemail, scheduling), listed beside the shipped ones."""
    return home() / DRILLS


def journal_dir() -> Path:
    """Calls the session store could not take yet, one file per call (core/journal.py)."""
    return home() / JOURNAL


def exports_dir() -> Path:
    """Transcripts saved from the debrief (``x``)."""
    return home() / EXPORTS


def logs_dir() -> Path:
    """The trainee app's log (startup time, store problems)."""
    return home() / LOGS


def hide_password(url: str) -> str:
    """``postgresql://coach:***@db/callsim`` for ``postgresql://coach:secret@db/callsim``. The same as
    ``store.safe_url`` for the URLs callsim takes (a test compares them), without importing the store and
    SQLAlchemy here: the store asks this module where its file is."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


@dataclass(frozen=True)
class Place:
    name: str
    path: str  # a path, or for the store a URL
    what: str
    source: str  # where it came from: the default, or the variable that set it


def places() -> list[Place]:
    """Every place callsim reads or writes, for ``callsim paths``. The store's URL has its password hidden."""
    home_source = HOME_VARIABLE if os.environ.get(HOME_VARIABLE) else "default"
    url = os.environ.get(DATABASE_VARIABLE, "").strip()
    store = (Place("store", hide_password(url), "the session store", DATABASE_VARIABLE) if url
             else Place("store", str(database_file()), "the session store (SQLite)", home_source))
    return [
        Place("home", str(home()), "the data folder", home_source),
        Place("settings", str(settings_file()), "your settings (name, theme, keys, feedback)",
              CONFIG_VARIABLE if os.environ.get(CONFIG_VARIABLE) else home_source),
        store,
        Place("scenarios", str(scenarios_dir()), "your own scenarios", home_source),
        Place("drills", str(drills_dir()), "your own drills", home_source),
        Place("journal", str(journal_dir()), "calls waiting to be saved to the store", home_source),
        Place("exports", str(exports_dir()), "transcripts saved from a debrief", home_source),
        Place("logs", str(logs_dir()), "the trainee app's log", home_source),
    ]
