"""`callsim serve`: the trainee app served to a web browser (textual-serve)."""

from __future__ import annotations

import argparse
import errno
from typing import Any

from callsim.serve import DEFAULT_HOST, DEFAULT_PORT


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1-65535)")
    return port


def register(sub: Any, user_error: type[Exception]) -> None:
    """Add this module's subcommands to the ``callsim`` parser."""

    def cmd_serve(a: argparse.Namespace) -> int:
        from callsim.config import ConfigError, load_config

        try:  # a broken settings file would end every browser's session at once: say so here instead
            load_config()
        except ConfigError as e:
            raise user_error(str(e)) from None
        from callsim.serve import serve

        try:
            serve(a.host, a.port)
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                raise user_error(f"port {a.port} on {a.host} is already in use (another callsim serve?); "
                                 f"try --port {a.port + 1 if a.port < 65535 else 8000}") from None
            raise user_error(f"cannot serve on {a.host}:{a.port}: {e.strerror or e}") from None
        return 0

    s = sub.add_parser(
        "serve", help="serve the app to web browsers (textual-serve)",
        description="Serve the trainee app to web browsers, for trainees without a terminal. Each browser "
                    "gets its own app, using this machine's scenarios, settings and session store. There is "
                    "no login: keep the default host (this machine only) unless the network is trusted.",
    )
    s.add_argument("--host", default=DEFAULT_HOST,
                   help=f"address to listen on (default {DEFAULT_HOST}: this machine only; 0.0.0.0 is every "
                        "network interface, and warns)")
    s.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
    s.set_defaults(func=cmd_serve)
