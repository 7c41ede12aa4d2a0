"""The trainee app in a web browser: ``callsim serve`` runs textual-serve over the same app as ``callsim play``.

textual-serve answers ``/`` with a page holding a terminal (xterm.js); each browser that connects to its
websocket gets its own app process, started with :func:`app_command` in this process's environment, so the
app uses the same data folder (``CALLSIM_HOME``), settings and session store as the server.

Beyond textual-serve's defaults, callsim's server:

* listens on 127.0.0.1 unless told otherwise, and says plainly when it is reachable from the network
  (:func:`exposure_warning`): there is no login, so anyone who can reach the port can use the app;
* refuses requests whose ``Host`` is not a loopback name while it listens on loopback (DNS rebinding), and
  websockets whose ``Origin`` is another site (a web page elsewhere driving the app);
* serves the page without its link to Google Fonts: the Roboto Mono that textual-serve ships is used, so
  the page works with no internet and tells no third party who is training;
* builds the websocket address from the address the browser used, so a server bound to 0.0.0.0 works
  from other machines.

This module never imports Textual in the server process; ``python -m callsim.serve`` runs the app itself.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TextIO

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
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
        f"WARNING: serving on {where} (port {port}). There is no login: anyone who can reach this machine "
        "on that port can use callsim as you, read the sessions in its store and add to them. Use it only on "
        f"a network you trust, or drop --host to serve on {DEFAULT_HOST} (this machine only)."
    )


def _wildcard(host: str) -> bool:
    name = host.strip().strip("[]")
    if not name:
        return True
    try:
        return ipaddress.ip_address(name).is_unspecified
    except ValueError:
        return False


def serving_address(host: str, port: int) -> str:
    """Where to point a browser: the URL, or for 0.0.0.0 / :: the local URL and a word about the others."""
    if _wildcard(host):
        return f"port {port} of every network interface (http://127.0.0.1:{port}/ on this machine)"
    name = host.strip().strip("[]")
    return f"http://[{name}]:{port}/" if ":" in name else f"http://{name}:{port}/"


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
    return text.replace(_FONT_LINK, _FONT_FACE).replace("<head>", head, 1)


def _host_name(value: str) -> str:
    """The host part of a ``Host`` header or an origin's netloc (``[::1]:8000`` -> ``::1``)."""
    value = value.strip()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def make_server(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, out: TextIO | None = None) -> Any:
    """A textual-serve server for the app (imported here: aiohttp and jinja2 cost about 150 ms)."""
    import aiohttp_jinja2
    import jinja2
    from aiohttp import web
    from textual_serve.server import Server

    stream = out or sys.stderr
    loopback = is_loopback(host)

    @web.middleware
    async def guard(request: web.Request,
                    handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        if loopback and not is_loopback(_host_name(request.host)):
            raise web.HTTPForbidden(text="callsim serve answers only to localhost addresses.\n")
        origin = request.headers.get("Origin")
        if origin and origin != "null":
            from yarl import URL

            if URL(origin).host is None or URL(origin).raw_authority.lower() != request.host.lower():
                raise web.HTTPForbidden(text="callsim serve does not accept requests from other sites.\n")
        return await handler(request)

    class CallsimServer(Server):
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

        async def on_startup(self, app: web.Application) -> None:
            print(f"callsim: serving the trainee app on {serving_address(host, port)}: open it in a web browser. "
                  "Ctrl+C stops the server.", file=stream, flush=True)

        def initialize_logging(self) -> None:
            import logging

            logging.basicConfig(level=logging.WARNING, format="callsim serve: %(message)s", stream=stream)

    return CallsimServer(app_command(), host=host, port=port, title="callsim")


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, out: TextIO | None = None) -> None:
    """Serve until interrupted. Raises OSError when the address cannot be bound."""
    stream = out or sys.stderr
    warning = exposure_warning(host, port)
    if warning:
        print(f"callsim: {warning}", file=stream, flush=True)
    os.environ.update(app_environment())
    make_server(host, port, out=stream).serve()


def main() -> int:
    """One app process for one browser (what textual-serve runs; see :func:`app_command`)."""
    from callsim.config import ConfigError
    from callsim.tui import run_app

    try:
        return run_app()
    except ConfigError as e:
        print(f"callsim: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
