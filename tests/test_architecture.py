"""The core never imports Textual: it stays fast to import and usable without a screen."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import callsim.core


def core_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(callsim.core.__path__, "callsim.core."))


def test_core_has_modules() -> None:
    assert "callsim.core.engine" in core_modules()
    assert "callsim.core.scorer" in core_modules()


def test_no_core_module_imports_textual() -> None:
    mods = core_modules()
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(k for k in sys.modules if k == 'textual' or k.startswith('textual.') or k == 'rich')\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core imported: {out.stdout.strip()}"


def test_cli_import_does_not_pull_textual() -> None:
    code = "import sys, callsim.cli; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
