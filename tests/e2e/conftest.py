"""Real-browser fixtures: Debian's Chromium driven by Playwright against a live app.

The browser is the system one (/usr/bin/chromium): Playwright's own browser downloads
cannot be fetched here, so `playwright install` is never part of the setup.
"""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from community.core.database import mark_read_only

E2E_DIR = Path(__file__).parent
AXE_PATH = E2E_DIR / "vendor" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
DEFAULT_TIMEOUT_MS = 10_000
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
CONSOLE_KEY = pytest.StashKey[list]()
NO_CHROMIUM = "Chromium not found: sudo apt-get install chromium (Debian) to run browser tests"


# --- collection -------------------------------------------------------------------


def pytest_configure(config):
    """Register the opt-out marker here so --strict-markers accepts it."""
    config.addinivalue_line(
        "markers",
        "allow_console_errors: do not fail the test on browser console errors",
    )


def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/e2e as e2e, so `-m "not e2e"` skips the browser."""
    for item in items:
        if E2E_DIR in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail the test itself (not its teardown) when a page logged an error or CSP block."""
    result = yield
    if item.get_closest_marker("allow_console_errors") is None:
        errors = [e for log in item.stash.get(CONSOLE_KEY, []) for e in log.errors]
        assert not errors, "Browser console errors:\n" + "\n".join(errors)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed journey reports what each of its pages showed at that moment.

    A click that times out ("waiting for get_by_role(...)") says what was missing, not what
    was there; in CI the page is gone by the time anyone reads the log.
    """
    report = yield
    if report.when == "call" and report.failed:
        for name in ("phone", "page"):
            shown = item.funcargs.get(name) if hasattr(item, "funcargs") else None
            if shown is not None:
                report.sections.append((f"{name} at failure", _what_is_shown(shown)))
    return report


def _what_is_shown(page) -> str:
    try:
        return f"{page.url}\n{page.locator('body').aria_snapshot(timeout=2_000)[:6_000]}"
    except Exception as error:  # a closed page or context: say so, keep the real failure
        return f"(not readable: {error})"


# --- browser ------------------------------------------------------------------------


def _unavailable(reason: str) -> NoReturn:
    """Skip on a developer machine without Chromium, but never let CI go green by skipping."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def _chromium_path() -> str | None:
    """CHROMIUM_PATH wins; else Debian's /usr/bin/chromium; else whatever is on PATH."""
    candidate = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    if os.access(candidate, os.X_OK):
        return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session: launching costs about a second."""
    executable = _chromium_path()
    if executable is None:
        _unavailable(NO_CHROMIUM)
    try:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
    except Exception as exc:  # the bundled node driver may be missing or broken
        _unavailable(f"Playwright driver could not start ({exc}); pip install playwright")
    try:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=LAUNCH_ARGS
        )
    except Exception as exc:
        playwright.stop()
        _unavailable(f"Chromium at {executable} could not be launched: {exc}")
    yield chromium
    chromium.close()
    playwright.stop()


# --- live server --------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    """Keep one access-log line per request out of the test output."""

    def log_request(self, *args, **kwargs):
        pass


class _InFlight:
    """WSGI wrapper that counts running requests.

    The root `app` fixture empties the tables after the test; a request the browser left
    running (a late favicon, a closed tab) must finish first, or it would race the
    cleanup (on PostgreSQL, TRUNCATE waits for its locks).
    """

    def __init__(self, app):
        self.app = app
        self.running = 0
        self.idle = threading.Condition()

    def __call__(self, environ, start_response):
        with self.idle:
            self.running += 1
        try:
            return self.app(environ, start_response)
        finally:
            with self.idle:
                self.running -= 1
                self.idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self.idle:
            return self.idle.wait_for(lambda: self.running == 0, timeout=timeout)


@dataclass
class LiveServer:
    url: str


@pytest.fixture
def live_server(app):
    """Serve the test's own app (fresh database) on a free loopback port.

    The test thread reads with DEFERRED transactions from here on: on SQLite an IMMEDIATE one
    left open by a fixture's read would hold the write lock the server's requests need.
    """
    mark_read_only(True)
    wsgi = _InFlight(app)
    server = make_server("127.0.0.1", 0, wsgi, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(url=f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=5)
    wsgi.wait_idle(timeout=5)
    server.server_close()
    mark_read_only(False)


# --- pages --------------------------------------------------------------------------


@dataclass
class ConsoleLog:
    """Errors a page reported; 4xx documents the test navigated to on purpose are not."""

    errors: list[str] = field(default_factory=list)
    error_documents: set[str] = field(default_factory=set)

    def on_response(self, response):
        if response.request.resource_type == "document" and response.status >= 400:
            self.error_documents.add(response.url)

    def on_console(self, message):
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if message.text.startswith("Failed to load resource") and url in self.error_documents:
            return  # a form re-rendered with 400/422 is expected; the test checks it
        self.errors.append(f"console: {message.text} ({url})")

    def on_pageerror(self, error):
        self.errors.append(f"pageerror: {error}")


def _open_page(browser, live_server, request, options):
    """A fresh context (cookies, storage) per test, watched for console errors."""
    context = browser.new_context(base_url=live_server.url, locale="es-MX", **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    log = ConsoleLog()
    page.on("response", log.on_response)
    page.on("console", log.on_console)
    page.on("pageerror", log.on_pageerror)
    request.node.stash.setdefault(CONSOLE_KEY, []).append(log)
    return context, page


@pytest.fixture
def page(browser, live_server, request):
    """Desktop page (1280x900, es-MX); `page.goto("/path")` is relative to the live app."""
    context, desktop = _open_page(browser, live_server, request, DESKTOP)
    yield desktop
    context.close()


@pytest.fixture
def phone(browser, live_server, request):
    """Phone page (390x844, touch, 2x, es-MX), the device most citizens will use."""
    context, mobile = _open_page(browser, live_server, request, PHONE)
    yield mobile
    context.close()


# --- accessibility ------------------------------------------------------------------


class Axe:
    """axe-core runner that works under the site's strict CSP.

    `page.evaluate` runs through the DevTools protocol, which CSP does not govern, so the
    page keeps its real policy (and any CSP violation of the app still shows up as a
    console error) while axe runs. `add_script_tag` would be blocked by `script-src
    'self'`, and `bypass_csp=True` would hide the very violations we want to catch.
    """

    def __init__(self, source: str):
        self.source = source

    def check_accessibility(self, page) -> list[dict]:
        """Run axe on the current document; return only serious and critical violations."""
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(self.source)
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        )
        return [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]

    def report(self, page, label: str = "") -> str:
        """Empty when clean; else rule ids, help and failing nodes, ready for an assert."""
        violations = self.check_accessibility(page)
        return format_violations(label or page.url, violations) if violations else ""

    def assert_accessible(self, page, label: str = "") -> None:
        """Assert axe finds nothing serious, naming rule, help and failing nodes."""
        report = self.report(page, label)
        assert not report, report


def format_violations(where: str, violations: list[dict]) -> str:
    """One readable block per rule: id, impact, help, and each failing node's target."""
    lines = [f"axe: {len(violations)} serious/critical violation(s) on {where}"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe():
    """The vendored axe-core (see static/vendor/README.md), read once per session."""
    return Axe(AXE_PATH.read_text(encoding="utf-8"))
