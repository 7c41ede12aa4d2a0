"""Pasted terminal escape codes are removed whole, so the words keep their order (issue 14).

The reviewer pasted ``one \\e[31mtwo\\e[0m three four`` into the reply box and the stored reply read
``^[31mtwo^[0m three fourone``: Textual's parser turned everything after the first code into keys and
delivered the paste's start last. These tests feed those bytes through the app's input parser into the real
reply box, and through plain mode, and check what is stored.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from textual._xterm_parser import XTermParser

from callsim.core.store import Store
from callsim.core.text import safe_text
from callsim.tui.paste import END, START, PasteGuard, PasteSafeParser
from callsim.tui.screens.call import CallScreen
from callsim.tui.widgets import ReplyBox
from tests.test_tui_support import install_fixture, make_app, only_fixture, open_call, store_call, wait_for

from .conftest import ROOT
from .fixtures.store.calls import SCENARIO

COLOURED = "one \x1b[31mtwo\x1b[0m three four"


@pytest.mark.parametrize(("raw", "clean"), [
    (COLOURED, "one two three four"),
    ("a \x1b]0;window title\x07b", "a b"),  # OSC ended by BEL
    ("a \x1b]8;;http://x.invalid\x1b\\link\x1b]8;;\x1b\\ b", "a link b"),  # OSC 8 hyperlink, ended by ST
    ("a\x1b(B b", "a b"),  # ESC with an intermediate byte (character set)
    ("a \x1bP1$r0m\x1b\\b", "a b"),  # DCS string
    ("a \x9b1;31mb", "a b"),  # 8-bit CSI
    ("a\x1b[?25l b\x1b[2K", "a b"),  # private CSI, erase line
    ("one\ttwo\r\nthree\x07\x00", "one two\nthree"),  # tab, CRLF, BEL and NUL
])
def test_safe_text_removes_each_sequence_whole(raw: str, clean: str) -> None:
    assert safe_text(raw) == clean


def test_textual_alone_scrambles_a_coloured_paste() -> None:
    """The fault, as the reviewer saw it: without the guard the paste's start comes last."""
    events = list(XTermParser().feed(START + COLOURED + END))
    typed = "".join(e.character or "" for e in events if hasattr(e, "character") and e.character)
    pasted = [e.text for e in events if type(e).__name__ == "Paste"]
    assert pasted == ["one "] and typed.startswith("^[31mtwo")


def test_the_guarded_parser_gives_one_clean_paste_even_split_across_reads() -> None:
    parser = PasteSafeParser()
    data = "ab" + START + COLOURED + END + "c"
    events: list[Any] = []
    for i in range(0, len(data), 5):  # 5-character reads: markers and codes split between them
        events.extend(parser.feed(data[i:i + 5]))
    names = [(type(e).__name__, getattr(e, "text", None) or getattr(e, "character", None)) for e in events]
    assert names == [("Key", "a"), ("Key", "b"), ("Paste", "one two three four"), ("Key", "c")]


def test_a_paste_that_never_ends_is_passed_on_in_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    import callsim.tui.paste as paste

    monkeypatch.setattr(paste, "LIMIT", 10)
    guard = PasteGuard()
    out = guard.filter(START + "x" * 25)
    assert out == START + "x" * 25 + END + START  # held no longer than LIMIT, and still bracketed


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    from os import environ

    path = Path(environ["CALLSIM_HOME"])
    install_fixture(path)
    only_fixture(monkeypatch, tmp_path)
    return path


async def test_a_coloured_paste_through_the_app_input_is_stored_in_order(home: Path) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        screen = await open_call(pilot)
        assert isinstance(screen, CallScreen)
        box = screen.query_one(ReplyBox)
        box.focus()
        for event in PasteSafeParser().feed(START + COLOURED + END):  # the bytes a terminal sends
            box.post_message(event)
        await pilot.pause()
        assert box.text == "one two three four"  # what the trainee sees in the box ...
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(screen.call.turns) == 1 and not screen.pending, "the reply")
        sessions = await store_call(app, lambda s: s.list_sessions())
        stored = await store_call(app, lambda s: s.get(sessions[0].id).turns)
    assert [t["reply"] for t in stored] == ["one two three four"]  # ... is what is stored


def test_plain_mode_stores_a_coloured_reply_in_order(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    p = subprocess.run([sys.executable, "-m", "callsim.cli", "play", SCENARIO, "--plain", "--db", str(db)],
                       input=COLOURED + "\n/end\n", capture_output=True, text=True, encoding="utf-8",
                       cwd=ROOT, timeout=300)
    assert "Traceback" not in p.stderr, p.stderr
    assert "\x1b" not in p.stdout and "one two three four" in p.stdout  # the echo is what is stored
    with Store.open(str(db)) as store:
        (s,) = store.list_sessions()
        assert [t["reply"] for t in store.get(s.id).turns] == ["one two three four"]


def test_the_apps_read_terminal_input_through_the_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.drivers import linux_driver

    from callsim.tui.paste import install

    monkeypatch.setattr(linux_driver, "XTermParser", XTermParser)  # restored after the test
    install()
    assert linux_driver.XTermParser is PasteSafeParser
    for module in ("callsim/tui/__init__.py", "callsim/tui/review/__init__.py"):  # both apps' run functions
        assert "install()" in (ROOT / "src" / module).read_text(encoding="utf-8")
