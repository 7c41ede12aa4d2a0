"""The trainee app in a web browser: ``callsim serve`` runs textual-serve over the same app as ``callsim play``.

textual-serve answers ``/`` with a page holding a terminal (xterm.js); each browser that connects to its
websocket gets its own app process, started with :func:`app_command` in this process's environment, so the
app uses the same data folder (``CALLSIM_HOME``), settings and session store as the server.

Beyond textual-serve's defaults, callsim's server:

* listens on 127.0.0.1 unless told otherwise, and says plainly when it is reachable from the network
  (:func:`exposure_warning`);
* beyond loopback, asks for an access token (generated, or ``--token``; on loopback only with ``--token``):
  the address it prints carries it (``/?token=...``), the page sets it in a cookie for the websocket, and
  the page, the websocket and downloads without it get 403 (the page's public scripts and fonts do not ask);
* refuses requests whose ``Host`` is not a loopback name while it listens on loopback (DNS rebinding), and
  any request whose ``Origin`` is not the page's own, including ``Origin: null`` (a sandboxed frame, a file
  opened in the browser); a request with no ``Origin`` at all is not a browser's websocket (browsers always
  send one there), so it is let through: on loopback it comes from this machine, beyond it the token decides;
* runs each app so that it always ends: when its websocket closes, whatever the timing, after the idle
  timeout, on a malformed or oversized message, and when the server stops, with at most ``max_sessions``
  at once (``callsim.serve_session``);
* serves the page without its link to Google Fonts: the Roboto Mono that textual-serve ships is used, so
  the page works with no internet and tells no third party who is training; the page's "Session ended"
  box shows why the server ended it;
* builds the websocket address from the address the browser used, so a server bound to 0.0.0.0 works
  from other machines.

This module never imports Textual in the server process; ``python -m callsim.serve`` runs the app itself.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import re
import secrets
import shlex
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TextIO

from callsim.config import SERVER_PID_VARIABLE

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_SESSIONS = 20
DEFAULT_IDLE_MINUTES = 30.0
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9._~-]{8,200}")
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
_FONT_LINK = '<link\n      rel="stylesheet"\n      href="https://fonts.googleapis.com/css?family=Roboto%20Mono"\n    />'
_FONT_FACE = """<style>
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf") format("truetype");
        font-style: normal;
      }
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-Italic-VariableFont_wght.ttf") format("truetype");
        font-style: italic;
      }
    </style>"""
# The page's "Session ended." box says why, when the server gave a reason (idle, full, stopped...).
_CLOSE_REASON = """<script>
      (function () {
        const Native = window.WebSocket;
        function CallsimSocket(url, protocols) {
          const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
          socket.addEventListener("close", function (event) {
            const box = document.querySelector(".closed-dialog .message");
            if (box && event.reason) box.textContent = event.reason;
          });
          return socket;
        }
        CallsimSocket.prototype = Native.prototype;
        for (const name of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) CallsimSocket[name] = Native[name];
        window.WebSocket = CallsimSocket;
      })();
    </script>"""


def is_loopback(host: str) -> bool:
    """True when ``host`` names this machine only (127.0.0.0/8, ::1, localhost)."""
    name = host.strip().strip("[]").lower()
    if name in _LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, port: int) -> str | None:
    """What to tell the person starting the server when ``host`` is reachable from other machines."""
    if is_loopback(host):
        return None
    where = "every network interface of this machine" if _wildcard(host) else host.strip().strip("[]")
    return (
        f"WARNING: serving on {where} (port {port}). There is no login, only the access token in the address "
        "below: anyone who has that address and can reach this machine on that port can use callsim as you, "
        "read the sessions in its store and add to them, and the traffic is not encrypted. Give the address "
        f"only to trainees, use it only on a network you trust, or drop --host to serve on {DEFAULT_HOST} "
        "(this machine only)."
    )


def needs_token(host: str, token: str | None) -> bool:
    """Whether the server asks for an access token: always beyond loopback, on loopback when one is given."""
    return token is not None or not is_loopback(host)


def new_token() -> str:
    """A fresh access token (128 random bits, URL-safe)."""
    return secrets.token_urlsafe(16)


def check_token(token: str) -> str:
    """``token`` if it can be an access token, else ValueError saying what one must be."""
    if not TOKEN_PATTERN.fullmatch(token):
        raise ValueError("an access token is 8 to 200 letters, digits or the characters . _ ~ - "
                         "(leave --token out to have one generated)")
    return token


def token_cookie(port: int) -> str:
    """The cookie that carries the token (one per port: cookies do not tell ports apart)."""
    return f"callsim_token_{port}"


def _wildcard(host: str) -> bool:
    name = host.strip().strip("[]")
    if not name:
        return True
    try:
        return ipaddress.ip_address(name).is_unspecified
    except ValueError:
        return False


def serving_address(host: str, port: int, token: str | None = None) -> str:
    """Where to point a browser: the URL (with the token), or for 0.0.0.0 / :: the local URL and a word on others."""
    query = f"?token={token}" if token else ""
    if _wildcard(host):
        return (f"port {port} of every network interface (http://127.0.0.1:{port}/{query} on this machine; "
                "from others, this machine's address in its place)")
    name = host.strip().strip("[]")
    return f"http://[{name}]:{port}/{query}" if ":" in name else f"http://{name}:{port}/{query}"


def app_command() -> str:
    """The shell command textual-serve runs for each browser: this Python, this callsim, the app."""
    return shlex.join([sys.executable, "-m", "callsim.serve"])


def app_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The settings the app processes need beyond what they inherit, so they match this process.

    ``CALLSIM_HOME`` (and ``CALLSIM_CONFIG``) become absolute, so the data folder is the same whatever
    folder an app process starts in, and this callsim's source folder goes first on ``PYTHONPATH``, so the
    app runs the same code as the server even when callsim is not installed where ``python`` looks.
    """
    env = os.environ if environ is None else environ
    out: dict[str, str] = {}
    for name in ("CALLSIM_HOME", "CALLSIM_CONFIG"):
        value = env.get(name)
        if value:
            out[name] = str(Path(value).expanduser().resolve())
    source = str(Path(__file__).resolve().parents[1])
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    out["PYTHONPATH"] = os.pathsep.join([source, *(p for p in paths if p != source)])
    return out


def _index_template() -> str:
    """textual-serve's page, with the Google Fonts link replaced by the fonts it ships, and a title."""
    import textual_serve

    text = (Path(textual_serve.__file__).parent / "templates" / "app_index.html").read_text(encoding="utf-8")
    head = ('<head>\n    <meta charset="utf-8" />\n    <title>{{ application.name }}</title>\n'
            '    <link rel="icon" href="data:," />')  # a title for the tab; no favicon request (a 404)
    text = text.replace(_FONT_LINK, _FONT_FACE).replace("<head>", head, 1)
    return text.replace("</head>", f"  {_CLOSE_REASON}\n  </head>", 1)  # before textual.js opens its socket


def _host_name(value: str) -> str:
    """The host part of a ``Host`` header or an origin's netloc (``[::1]:8000`` -> ``::1``)."""
    value = value.strip()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def _origin_refusal(origin: str | None, host: str) -> str | None:
    """Why a request with this ``Origin`` header is refused on ``host`` (its ``Host``), or None to let it in."""
    if origin is None:
        return None  # not a browser's cross-site request (see the module's doc)
    if origin.strip().lower() == "null":
        return ("callsim serve does not accept requests from pages with no address of their own "
                "(Origin: null: a sandboxed frame or a file opened in the browser).\n")
    from yarl import URL

    try:
        url = URL(origin)
        same = url.scheme in ("http", "https") and url.host is not None and url.raw_authority.lower() == host.lower()
    except ValueError:
        same = False
    return None if same else "callsim serve does not accept requests from other sites.\n"


def make_server(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, out: TextIO | None = None,
                max_sessions: int = DEFAULT_MAX_SESSIONS, idle_minutes: float | None = DEFAULT_IDLE_MINUTES,
                token: str | None = None) -> Any:
    """A textual-serve server for the app (imported here: aiohttp and jinja2 cost about 150 ms).

    ``token``, when given, is asked of every request but the page's static files (see the module's doc);
    ``idle_minutes`` None or 0 means sessions never time out.
    """
    import aiohttp_jinja2
    import jinja2
    from aiohttp import web
    from textual_serve.server import Server

    from callsim.serve_session import Sessions

    stream = out or sys.stderr
    loopback = is_loopback(host)
    cookie = token_cookie(port)
    expected = token.encode("utf-8") if token else None

    def has_token(request: web.Request) -> bool:
        assert expected is not None
        given = [request.query.get("token"), request.cookies.get(cookie)]
        # compare_digest on each (not short-circuited), so the time taken says nothing about the token
        return sum(hmac.compare_digest(g.encode("utf-8"), expected) for g in given if g is not None) > 0

    @web.middleware
    async def guard(request: web.Request,
                    handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        if loopback and not is_loopback(_host_name(request.host)):
            raise web.HTTPForbidden(text="callsim serve answers only to localhost addresses.\n")
        refusal = _origin_refusal(request.headers.get("Origin"), request.host)
        if refusal:
            raise web.HTTPForbidden(text=refusal)
        if expected is None or request.path.startswith("/static/"):
            return await handler(request)
        if not has_token(request):
            raise web.HTTPForbidden(text="callsim serve needs its access token: open the address it printed when "
                                         "it started, the one ending in ?token=...\n")
        response = await handler(request)
        if request.path == "/" and isinstance(response, web.Response):
            # the websocket (and downloads) from this page carry the token in a cookie, this site's only
            response.set_cookie(cookie, token or "", httponly=True, samesite="Strict", path="/")
        return response

    class CallsimServer(Server):
        def __init__(self) -> None:
            super().__init__(app_command(), host=host, port=port, title="callsim")
            idle = idle_minutes * 60 if idle_minutes else None
            self.sessions = Sessions(self.command, self.download_manager, max_sessions=max_sessions,
                                     idle_timeout=idle)

        async def _make_app(self) -> web.Application:
            app: web.Application = await super()._make_app()
            app.middlewares.append(guard)
            aiohttp_jinja2.setup(app, loader=jinja2.DictLoader({"app_index.html": _index_template()}))
            return app

        @aiohttp_jinja2.template("app_index.html")
        async def handle_index(self, request: web.Request) -> dict[str, Any]:
            # The page's own address (not the address bound), so 0.0.0.0 works from another machine.
            origin = f"{request.scheme}://{request.host}"
            try:
                font_size = max(6, min(48, int(request.query.get("fontsize", "16"))))
            except ValueError:
                font_size = 16
            ws = "wss" if request.scheme == "https" else "ws"
            return {
                "font_size": font_size,
                "app_websocket_url": f"{ws}://{request.host}{request.app.router['websocket'].url_for()}",
                "config": {"static": {"url": f"{origin}/static/"}},
                "application": {"name": "callsim"},
                "ping_url": "",
            }

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            return await self.sessions.handle(request)

        async def on_startup(self, app: web.Application) -> None:
            print(f"callsim: serving the trainee app on {serving_address(host, port, token)}: open it in a web "
                  "browser. Ctrl+C stops the server.", file=stream, flush=True)

        async def on_shutdown(self, app: web.Application) -> None:
            await self.sessions.stop_all()

        def initialize_logging(self) -> None:
            import logging

            logging.basicConfig(level=logging.WARNING, format="callsim serve: %(message)s", stream=stream)

    return CallsimServer()


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, out: TextIO | None = None,
          max_sessions: int = DEFAULT_MAX_SESSIONS, idle_minutes: float | None = DEFAULT_IDLE_MINUTES,
          token: str | None = None) -> None:
    """Serve until interrupted. Raises OSError when the address cannot be bound.

    Beyond loopback a token is generated unless one is given (:func:`needs_token`).
    """
    stream = out or sys.stderr
    warning = exposure_warning(host, port)
    if warning:
        print(f"callsim: {warning}", file=stream, flush=True)
    if token is None and needs_token(host, token):
        token = new_token()
    os.environ.update(app_environment())
    server = make_server(host, port, out=stream, max_sessions=max_sessions, idle_minutes=idle_minutes, token=token)
    try:
        server.serve()
    finally:
        sessions = getattr(server, "sessions", None)
        if sessions is not None:
            sessions.kill_all()  # the last resort: nothing outlives the server


def _die_with_server() -> None:
    """In an app process: be killed when the server that started it dies (Linux), or end if it already has.

    The server ends its apps itself; this covers a server killed with SIGKILL, which cannot.
    """
    server = os.environ.get(SERVER_PID_VARIABLE, "")
    if not server.isdigit() or not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != int(server):  # the server died before the line above
        os._exit(1)


def main() -> int:
    """One app process for one browser (what textual-serve runs; see :func:`app_command`)."""
    _die_with_server()
    from callsim.config import ConfigError
    from callsim.tui import run_app

    try:
        return run_app()
    except ConfigError as e:
        print(f"callsim: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
