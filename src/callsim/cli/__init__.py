"""The ``callsim`` command. User errors print a message and exit non-zero, never a traceback.

This module only parses and dispatches: each command group is a module of this package that registers its own
subcommands (``COMMAND_MODULES``, each with ``register(subparsers, UserError)``), and ``common`` holds what they
share. Every module here imports the core, never the reverse."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from callsim import __version__
from callsim.cli.calls import home
from callsim.cli.common import UserError

# In the order `callsim --help` lists them.
COMMAND_MODULES = ("callsim.cli.calls", "callsim.cli.scoring", "callsim.cli.scenarios", "callsim.cli.store",
                   "callsim.cli.explore", "callsim.cli.eval", "callsim.cli.report", "callsim.cli.serve",
                   "callsim.cli.preview", "callsim.cli.drills", "callsim.cli.paths")


def _top_parser(*, add_help: bool = True) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="callsim", description="Practise difficult debt-collection calls.",
                                add_help=add_help)
    p.add_argument("--version", action="version", version=f"callsim {__version__}")
    p.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--trainee", help="your name for this run (default: the one saved in the settings)")
    p.set_defaults(func=home)
    return p


def build_parser() -> argparse.ArgumentParser:
    p = _top_parser()
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, UserError)
    return p


# Options whose value may start with "-" ("--order -overall": descending). argparse reads "-overall" as an
# option of its own, so the value is joined to its option ("--order=-overall") before parsing.
_SIGNED_OPTIONS = ("--order",)


def _signed_values(args: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(args):
        if args[i] in _SIGNED_OPTIONS and i + 1 < len(args) and args[i + 1][:1] == "-" \
                and args[i + 1][1:2].isalpha():
            out.append(f"{args[i]}={args[i + 1]}")
            i += 2
        else:
            out.append(args[i])
            i += 1
    return out


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Plain `callsim` (no subcommand) goes straight to the app without building every subcommand:
    that would import the scenario models and the command modules (~0.1 s) before the first screen."""
    args_list = _signed_values(list(sys.argv[1:] if argv is None else argv))
    quick, rest = _top_parser(add_help=False).parse_known_args(args_list)
    if not rest and not any(a in ("-h", "--help") for a in args_list):
        return quick
    return build_parser().parse_args(args_list)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    try:
        return int(args.func(args))
    except UserError as e:
        print(f"callsim: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ncallsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0

