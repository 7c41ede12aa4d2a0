"""A real headless browser for tests: Debian's chromium driven through its chromedriver with Selenium.

Shared by the tests that open what callsim makes in a browser (the HTML report, the served app):

    from .browser import chromium, console_errors

    def test_page(tmp_path):
        with chromium() as driver:           # skips (or fails under CI=true) when there is no browser
            driver.get(page.as_uri())
            assert console_errors(driver) == []

`scripts/ensure-chromium` (run by `make test`) installs the packages ``chromium`` and ``chromium-driver``
when they are missing and we are root. Without them the browser tests skip with the reason, except when
``CI=true``: there they fail, so a green CI run always means a browser really opened the page.

The machine has no internet, and Chromium left to itself stalls on start-up trying to reach Google: the
flags in :data:`CHROMIUM_FLAGS` turn every such call off. Each browser gets a new, empty profile folder,
removed afterwards. Selenium is given both paths, so Selenium Manager never tries to download a driver.
"""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "/usr/bin/chromium", "/usr/lib/chromium/chromium")
DRIVER_CANDIDATES = ("chromedriver", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-dev-shm-usage",  # small /dev/shm in containers
    "--no-default-browser-check",
    "--force-device-scale-factor=1",
    "--hide-scrollbars",
)
ENV_CHROMIUM = "CALLSIM_TEST_CHROMIUM"  # to point the tests at another Chromium
ENV_DRIVER = "CALLSIM_TEST_CHROMEDRIVER"
INSTALL_HINT = ("run scripts/ensure-chromium as root (make test does), or on Debian: "
                "apt-get install chromium chromium-driver")


@dataclass(frozen=True)
class BrowserPaths:
    chromium: str
    chromedriver: str


def _which(candidates: tuple[str, ...], env: str) -> str | None:
    given = os.environ.get(env, "").strip()
    for c in ((given,) if given else ()) + candidates:
        found = c if os.path.isabs(c) and os.access(c, os.X_OK) else shutil.which(c)
        if found:
            return found
    return None


def find_browser() -> BrowserPaths | None:
    """Chromium and chromedriver, when both are installed (``CALLSIM_TEST_CHROMIUM`` / ``..._CHROMEDRIVER`` first)."""
    browser, driver = _which(CHROMIUM_CANDIDATES, ENV_CHROMIUM), _which(DRIVER_CANDIDATES, ENV_DRIVER)
    return BrowserPaths(browser, driver) if browser and driver else None


def unavailable(reason: str) -> None:
    """Skip the test with ``reason``; under ``CI=true`` fail it instead: CI must really open the browser."""
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"CI=true, so the real-browser tests must run, but {reason}", pytrace=False)
    pytest.skip(f"real-browser test skipped: {reason}")


def require_browser() -> BrowserPaths:
    paths = find_browser()
    if paths is None:
        missing = [n for n, c, e in (("chromium", CHROMIUM_CANDIDATES, ENV_CHROMIUM),
                                     ("chromedriver", DRIVER_CANDIDATES, ENV_DRIVER)) if _which(c, e) is None]
        unavailable(f"{' and '.join(missing)} not found ({INSTALL_HINT})")
        raise AssertionError("unreachable")  # pytest.skip and pytest.fail raise
    return paths


@contextmanager
def chromium(width: int = 1280, height: int = 900, *, page_load_timeout: float = 30.0) -> Iterator[Any]:
    """A Selenium WebDriver on a fresh headless Chromium that records the browser console.

    Skips the test (fails under CI=true) when Chromium, chromedriver or Selenium is missing, or the
    browser will not start.
    """
    paths = require_browser()
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        unavailable("the Python package selenium is not installed (pip install -e '.[dev]')")
        raise
    profile = tempfile.mkdtemp(prefix="callsim-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = paths.chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=paths.chromedriver, log_output=os.path.join(profile, "chromedriver.log"))
    try:
        try:
            driver = webdriver.Chrome(options=options, service=service)
        except WebDriverException as e:
            log = Path(profile, "chromedriver.log")
            tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
            unavailable(f"Chromium would not start: {str(e.msg or e).strip()}\n{tail}")
            raise
        try:
            driver.set_page_load_timeout(page_load_timeout)
            yield driver
        finally:
            driver.quit()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def console_messages(driver: Any) -> list[dict[str, Any]]:
    """What the page wrote to the browser console since the last call (level, message, source)."""
    return list(driver.get_log("browser"))


def console_errors(driver: Any) -> list[dict[str, Any]]:
    """The console messages at level SEVERE: script errors, blocked or failed loads, CSP violations."""
    return [m for m in console_messages(driver) if m.get("level") == "SEVERE"]


def full_page_screenshot(driver: Any, path: Path) -> Path:
    """A PNG of the whole page, not just the window (Chrome DevTools protocol)."""
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
    })
    path.write_bytes(base64.b64decode(shot["data"]))
    return path
