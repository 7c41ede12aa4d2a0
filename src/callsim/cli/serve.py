"""`callsim serve`: the trainee app served to a web browser (textual-serve)."""

from __future__ import annotations

import argparse
import errno
import os
from typing import Any

from callsim.serve import DEFAULT_HOST, DEFAULT_IDLE_MINUTES, DEFAULT_MAX_SESSIONS, DEFAULT_PORT, check_token

TOKEN_VARIABLE = "CALLSIM_SERVE_TOKEN"


def _whole(text: str, low: int, high: int, what: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a {what}") from None
    if not low <= number <= high:
        raise argparse.ArgumentTypeError(f"{number} is not a {what} ({low}-{high})")
    return number


def _port(text: str) -> int:
    return _whole(text, 1, 65535, "port number")


def _sessions(text: str) -> int:
    return _whole(text, 1, 1000, "number of sessions")


def _minutes(text: str) -> float:
    try:
        minutes = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of minutes") from None
    if not 0 <= minutes <= 24 * 60:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"{text} minutes: give 0 (never) to 1440 (a day)")
    return minutes


def _token(text: str) -> str:
    try:
        return check_token(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def register(sub: Any, user_error: type[Exception]) -> None:
    """Add this module's subcommands to the ``callsim`` parser."""

    def cmd_serve(a: argparse.Namespace) -> int:
        from callsim.config import ConfigError, load_config

        try:  # a broken settings file would end every browser's session at once: say so here instead
            load_config()
        except ConfigError as e:
            raise user_error(str(e)) from None
        from callsim.serve import serve

        token = a.token
        if token is None and os.environ.get(TOKEN_VARIABLE):
            try:
                token = check_token(os.environ[TOKEN_VARIABLE])
            except ValueError as e:
                raise user_error(f"{TOKEN_VARIABLE}: {e}") from None
        try:
            serve(a.host, a.port, max_sessions=a.max_sessions, idle_minutes=a.idle_timeout, token=token)
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
                    "no login: beyond this machine the server asks for an access token, which the address "
                    "it prints carries; keep the default host (this machine only) unless the network is trusted.",
    )
    s.add_argument("--host", default=DEFAULT_HOST,
                   help=f"address to listen on (default {DEFAULT_HOST}: this machine only; 0.0.0.0 is every "
                        "network interface, and warns)")
    s.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
    s.add_argument("--max-sessions", type=_sessions, default=DEFAULT_MAX_SESSIONS, metavar="N",
                   help=f"browsers served at once; one more is told the server is full (default "
                        f"{DEFAULT_MAX_SESSIONS})")
    s.add_argument("--idle-timeout", type=_minutes, default=DEFAULT_IDLE_MINUTES, metavar="MINUTES",
                   help=f"end a session after this many minutes with no key or click from its browser, and say "
                        f"so (default {DEFAULT_IDLE_MINUTES:g}; 0: never; 0.5 is 30 seconds)")
    s.add_argument("--token", type=_token, default=None,
                   help="the access token browsers must bring (in the address, ?token=...). Default: generated "
                        f"when --host is not this machine only, none on it. {TOKEN_VARIABLE} also sets it, "
                        "out of sight of other users' process lists")
    s.set_defaults(func=cmd_serve)
