"""`callsim serve`: the app in a web browser.

The end-to-end test starts ``callsim serve`` on a free port of 127.0.0.1 in a subprocess, opens it in a real
headless Chromium (tests/browser.py: Debian's chromium and chromedriver, through Selenium), reads the
terminal's rows from xterm.js's buffer, plays one turn of a call with real key presses and checks that the
reply and the debtor's answer appear. The server (and every app process it started) is always stopped.
With no Chromium the browser test skips, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from callsim import serve
from callsim.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "fixtures" / "tiny.yaml"
REPLY = "Hi, it's Jo from Acme Energy. Can I check I'm speaking to Sam Lee?"
ANSWER = "Fine, go on then."


# --------------------------------------------------------------------------- host, port, environment


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]", "app.localhost"])
def test_loopback_hosts_need_no_warning(host: str) -> None:
    assert serve.is_loopback(host)
    assert serve.exposure_warning(host, 8000) is None


@pytest.mark.parametrize(("host", "where"), [
    ("0.0.0.0", "every network interface"),
    ("::", "every network interface"),
    ("", "every network interface"),
    ("192.168.1.20", "192.168.1.20"),
    ("training-pc.example.org", "training-pc.example.org"),
])
def test_a_wider_host_gets_a_clear_warning(host: str, where: str) -> None:
    assert not serve.is_loopback(host)
    warning = serve.exposure_warning(host, 8123)
    assert warning is not None
    assert warning.startswith("WARNING")
    assert where in warning and "8123" in warning
    assert "no login" in warning and "anyone" in warning


def test_serve_defaults_to_this_machine_only() -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8000)
    args = build_parser().parse_args(["serve", "--host", "::1", "--port", "8080"])
    assert (args.host, args.port) == ("::1", 8080)


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_serve_rejects_a_bad_port(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        build_parser().parse_args(["serve", "--port", port])
    assert e.value.code == 2
    assert "port" in capsys.readouterr().err


def test_the_served_app_is_this_python_and_this_callsim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    argv = shlex.split(serve.app_command())
    assert argv == [sys.executable, "-m", "callsim.serve"]
    monkeypatch.chdir(tmp_path)
    env = serve.app_environment({"CALLSIM_HOME": "data", "PYTHONPATH": "/elsewhere"})
    assert env["CALLSIM_HOME"] == str(tmp_path / "data")  # absolute: the same folder wherever the app starts
    source = str(Path(serve.__file__).resolve().parents[1])
    assert env["PYTHONPATH"].split(os.pathsep) == [source, "/elsewhere"]
    assert "CALLSIM_HOME" not in serve.app_environment({})


def test_wide_host_warns_before_serving(monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[tuple[str, int]] = []

    class FakeServer:
        def __init__(self, host: str, port: int) -> None:
            self.where = (host, port)

        def serve(self) -> None:
            served.append(self.where)

    monkeypatch.setattr(serve, "make_server", lambda host, port, out=None: FakeServer(host, port))
    monkeypatch.setenv("PYTHONPATH", "")
    out = io.StringIO()
    serve.serve("0.0.0.0", 8123, out=out)
    assert served == [("0.0.0.0", 8123)]
    assert "callsim: WARNING: serving on every network interface" in out.getvalue()
    assert os.environ["PYTHONPATH"].startswith(str(Path(serve.__file__).resolve().parents[1]))

    out = io.StringIO()
    serve.serve("127.0.0.1", 8124, out=out)
    assert served[-1] == ("127.0.0.1", 8124)
    assert "WARNING" not in out.getvalue()


def test_broken_settings_stop_serve_before_it_starts(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    home = Path(os.environ["CALLSIM_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.yaml").write_text("feedbak: coaching\n", encoding="utf-8")
    monkeypatch.setattr(serve, "serve", lambda *a, **k: pytest.fail("served with a broken settings file"))
    assert main(["serve"]) == 1
    err = capsys.readouterr().err
    assert "config.yaml" in err and "feedbak" in err


def test_a_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "callsim.cli", "serve", "--port", str(port)],
                              capture_output=True, text=True, timeout=60, env=_env())
    assert done.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in done.stderr
    assert "Traceback" not in done.stderr


# --------------------------------------------------------------------------- a real server


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"CALLSIM_TRAINEE": "Browser Tester", "CALLSIM_CURSOR_BLINK": "false", **extra})
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM (as ctrl+c would), then SIGKILL for the whole group (the server and its app processes)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def _get(port: int, path: str = "/", headers: dict[str, str] | None = None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


class Served:
    def __init__(self, proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.proc = proc
        self.port = port
        self.log = log

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """``callsim serve`` on a free port of 127.0.0.1, with the tiny scenario in its data folder."""
    scenarios = Path(os.environ["CALLSIM_HOME"]) / "scenarios"
    scenarios.mkdir(parents=True, exist_ok=True)
    shutil.copy(TINY, scenarios / "tiny.yaml")
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "callsim.cli", "serve", "--port", str(port)],
            stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=_env(), cwd=tmp_path,
            start_new_session=True,
        )
    server = Served(proc, port, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"callsim serve exited with {proc.returncode}:\n{server.output()}")
            with contextlib.suppress(OSError):
                if _get(port)[0] == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"callsim serve did not answer within 30 s:\n{server.output()}")
            time.sleep(0.2)
        yield server
    finally:
        _stop(proc)


def test_the_page_is_served_locally_and_guarded(served: Served) -> None:
    status, page = _get(served.port)
    assert status == 200
    assert f"ws://127.0.0.1:{served.port}/ws" in page
    assert "googleapis" not in page and "https://" not in page  # works offline, tells no third party
    assert f"http://127.0.0.1:{served.port}/static/fonts/RobotoMono" in page
    status, page = _get(served.port, headers={"Host": f"localhost:{served.port}"})
    assert status == 200 and f"ws://localhost:{served.port}/ws" in page  # the address the browser used

    # DNS rebinding: a page from another name that resolves here is refused...
    assert _get(served.port, headers={"Host": f"evil.example:{served.port}"})[0] == 403
    # ...and so is another site's page reaching for the app (a cross-site websocket or fetch).
    assert _get(served.port, "/ws", headers={"Origin": "http://evil.example"})[0] == 403
    assert _get(served.port, headers={"Origin": f"http://127.0.0.1:{served.port}"})[0] == 200
    assert f"serving the trainee app on http://127.0.0.1:{served.port}/" in served.output()


def test_ctrl_c_stops_the_server(served: Served) -> None:
    served.proc.send_signal(signal.SIGINT)
    assert served.proc.wait(timeout=15) == 0
    with pytest.raises(OSError):
        _get(served.port)


# --------------------------------------------------------------------------- a real browser

# textual-serve keeps its xterm.js Terminal in a closure. queryObjects finds the object that holds it (the
# one with a terminal, a fit addon and a socket) and keeps the terminal where the test can read it.
_FIND_TERMINAL = """function () {
  const holder = this.find(o => { try { return !!(o && o.terminal && o.fitAddon && 'socket' in o); }
                                  catch (e) { return false; } });
  window.__callsimTerminal = holder ? holder.terminal : undefined;
  return !!holder;
}"""
# The rows on screen, as text, from xterm.js's buffer (the terminal draws on a canvas, so the DOM has none).
_SCREEN = """
  const t = window.__callsimTerminal; if (!t) return null;
  const b = t.buffer.active, rows = [];
  for (let i = 0; i < t.rows; i++) {
    const line = b.getLine(b.viewportY + i);
    rows.push(line ? line.translateToString(true) : '');
  }
  return rows.join('\\n');
"""


class Screen:
    """The served app as the browser shows it: read its rows, type into it."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver

    def find_terminal(self) -> None:
        cdp = self.driver.execute_cdp_cmd
        prototype = cdp("Runtime.evaluate", {"expression": "Object.prototype"})["result"]["objectId"]
        objects = cdp("Runtime.queryObjects", {"prototypeObjectId": prototype})["objects"]["objectId"]
        found = cdp("Runtime.callFunctionOn", {"objectId": objects, "functionDeclaration": _FIND_TERMINAL,
                                               "returnByValue": True})
        assert found["result"]["value"] is True, "no xterm.js terminal in the page"
        self.driver.execute_script("window.__callsimTerminal.focus()")

    def text(self) -> str:
        text = self.driver.execute_script(_SCREEN)
        return text if isinstance(text, str) else ""

    def wait_for(self, check: Callable[[str], bool], what: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.text()
            if check(text):
                return text
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}; the screen shows:\n{text}")

    def type(self, keys: str) -> None:
        """Real key presses into the terminal (chromedriver sends keydown, keypress, input, keyup)."""
        self.driver.switch_to.active_element.send_keys(keys)


def test_a_trainee_plays_a_turn_in_a_browser(served: Served) -> None:
    from selenium.webdriver.common.keys import Keys

    from tests.browser import chromium, console_errors

    with chromium(1280, 800) as driver:
        driver.get(served.url)
        deadline = time.monotonic() + 30
        while "-first-byte" not in str(driver.execute_script("return document.body.className")):
            assert time.monotonic() < deadline, f"the app never drew in the page:\n{served.output()}"
            time.sleep(0.2)
        screen = Screen(driver)
        screen.find_terminal()

        screen.wait_for(lambda s: "Browser Tester" in s and "not tried yet" in s, "the library")
        screen.type("/")
        # The footer is drawn (with the search box's keys: no "My sessions") once "/" has moved the focus;
        # keys sent before that would still go to the card list.
        screen.wait_for(lambda s: "^q Quit" in s and "My sessions" not in s, "the search box to take the keys")
        screen.type("tiny")
        screen.wait_for(lambda s: "Tiny call" in s and "Farhan" not in s, "the search to filter")
        screen.type(Keys.ENTER)  # from the search box: the (first) match's brief
        screen.wait_for(lambda s: "Acme Energy" in s and "Start" in s, "the brief")
        screen.type(Keys.ENTER)  # start the call
        screen.wait_for(lambda s: "Hello?" in s or "Yes, who is it?" in s, "the debtor's first line")
        screen.type(REPLY)
        screen.type(Keys.ENTER)  # send
        text = screen.wait_for(lambda s: ANSWER in s, "the debtor's answer to the reply")
        assert "Can I check I'm speaking to Sam Lee?" in text  # the reply, in the transcript
        assert "Call over" in text

        # Everything the page loaded came from the callsim server (nothing from the internet), cleanly.
        urls = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        assert urls and all(str(u).startswith((served.url, f"ws://127.0.0.1:{served.port}/")) for u in urls), urls
        assert console_errors(driver) == []
        assert driver.title == "callsim"
