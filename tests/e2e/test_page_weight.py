"""Light on data: what a phone downloads for a signed-in page, first and on a repeat visit.

A demo OSC member on a phone (390x844) opens the home page, the forums, the calendar, an OSC's
profile and the library, each in a fresh browser (empty cache: the first load), and then
opens it again (the repeat visit). The bytes are counted where they leave the server: every
answer's status line, headers and body as sent (compressed when the browser asked for it),
so whatever the browser fetched for the page (the document, style sheets, scripts, images,
the service worker and what it fetches) is counted once, and what came from the browser's
cache is not counted at all. Budget: 100 KB first, 20 KB repeat.

The account signs in through the browser's request API (not a page), so the first page is
the first thing the browser ever loaded from the site.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

import pytest

from community.demo.accounts import CITIZEN_EMAIL, DEMO_PASSWORD
from tests.e2e.conftest import PHONE

FIRST_LOAD_BUDGET = 100 * 1024
REPEAT_BUDGET = 20 * 1024
PAGES = ("/", "/foros", "/eventos", "{profile}", "/biblioteca")
QUIET_SECONDS = 0.3  # nothing sent for this long after "load": the page is done
QUIET_LIMIT_SECONDS = 5.0
HIDDEN_INPUT = re.compile(r'<input[^>]*type="hidden"[^>]*>')
ATTRIBUTE = re.compile(r'(name|value)="([^"]*)"')


class ByteCounter:
    """WSGI middleware: the bytes of every answer (status line, headers, body) as sent."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.total = 0
        self.log: list[tuple[str, int]] = []
        self.last_sent = time.monotonic()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "") + (
            "?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else "")

        def counting_start(status, headers, exc_info=None):
            self._add(path, len(status) + 11 + sum(len(k) + len(v) + 4 for k, v in headers))
            return start_response(status, headers, exc_info)

        # Called here, not in a generator: the live server's in-flight count (which the
        # tables' clean-up waits for) must cover the view.
        return _CountedBody(self.app(environ, counting_start), self, path)

    def _add(self, path: str, size: int) -> None:
        with self.lock:
            self.total += size
            self.log.append((path, size))
            self.last_sent = time.monotonic()

    def wait_quiet(self) -> None:
        """Until nothing was sent for QUIET_SECONDS: the service worker installs after the
        page's "load", and lazy images come late."""
        give_up = time.monotonic() + QUIET_LIMIT_SECONDS
        while time.monotonic() < give_up:
            idle = time.monotonic() - self.last_sent
            if idle >= QUIET_SECONDS:
                return
            time.sleep(QUIET_SECONDS - idle)

    def take(self) -> tuple[int, list[tuple[str, int]]]:
        """What was sent since the last call, and to which paths."""
        with self.lock:
            total, log = self.total, self.log
            self.total, self.log = 0, []
        by_path: dict[str, int] = {}
        for path, size in log:
            by_path[path] = by_path.get(path, 0) + size
        return total, sorted(by_path.items(), key=lambda item: -item[1])


class _CountedBody:
    """The answer's body, counted chunk by chunk as the server sends it."""

    def __init__(self, body, counter: ByteCounter, path: str):
        self.body, self.counter, self.path = body, counter, path

    def __iter__(self):
        for chunk in self.body:
            self.counter._add(self.path, len(chunk))
            yield chunk

    def close(self) -> None:
        if hasattr(self.body, "close"):
            self.body.close()


@dataclass
class Weight:
    path: str
    first: int
    repeat: int
    first_detail: list
    repeat_detail: list


def sign_in_by_request(context, email: str, password: str) -> None:
    """Sign in with the real form, sent by the browser's request API: no page loaded."""
    form = context.request.get("/cuenta/entrar").text()
    fields = {}
    for tag in HIDDEN_INPUT.findall(form[form.index('action="/cuenta/entrar"'):]):
        attrs = dict(ATTRIBUTE.findall(tag))
        if "name" in attrs:
            fields.setdefault(attrs["name"], attrs.get("value", ""))
    answer = context.request.post("/cuenta/entrar", form={
        **fields, "email": email, "password": password}, max_redirects=0)
    assert answer.status == 302, answer.text()[:500]


# What a page still fetches after its "load" event: the Socket.IO client (live.js loads it
# when the browser is idle) and the service worker with what it keeps when it installs.
AFTER_LOAD = """async () => {
  const timeout = new Promise((done) => setTimeout(done, 5000));
  const worker = "serviceWorker" in navigator ? navigator.serviceWorker.ready : null;
  const live = document.querySelector("script[data-socket-io]");
  const client = live ? new Promise((done) => {
    const check = () => (typeof window.io === "function" ? done() : setTimeout(check, 50));
    check();
  }) : null;
  await Promise.race([Promise.all([worker, client]), timeout]);
}"""


def _settled(page, url: str, counter: ByteCounter) -> tuple[int, list]:
    page.goto(url, wait_until="load")
    page.evaluate(AFTER_LOAD)
    counter.wait_quiet()
    return counter.take()


def measure(browser, base_url: str, counter: ByteCounter, path: str, email: str,
            password: str) -> Weight:
    """One page in a fresh phone browser: the first load, then a repeat visit."""
    context = browser.new_context(base_url=base_url, locale="es-MX", **PHONE)
    try:
        sign_in_by_request(context, email, password)
        page = context.new_page()
        counter.take()
        first, first_detail = _settled(page, path, counter)
        page.goto("about:blank")
        repeat, repeat_detail = _settled(page, path, counter)
        return Weight(path, first, repeat, first_detail, repeat_detail)
    finally:
        context.close()


def member_profile(email: str) -> str:
    """The profile of the OSC where the account is a plain member."""
    from sqlalchemy import select

    from community.accounts.models import User
    from community.extensions import db
    from community.profiles.models import Membership, Organization

    slug = db.session.scalar(
        select(Organization.slug).join(Membership).join(User, User.id == Membership.user_id)
        .where(User.email == email, Membership.role == "member",
               Membership.status == "active").limit(1))
    assert slug, "the demo member belongs to an OSC"
    return f"/osc/{slug}"


def report(weights: list[Weight]) -> str:
    lines = [f"{'page':<40} {'first KB':>9} {'repeat KB':>10}"]
    lines += [f"{w.path:<40} {w.first / 1024:>9.1f} {w.repeat / 1024:>10.1f}" for w in weights]
    return "\n".join(lines)


def over_budget(weights: list[Weight]) -> list[str]:
    problems = []
    for w in weights:
        if w.first > FIRST_LOAD_BUDGET:
            problems.append(f"{w.path}: first load {w.first / 1024:.1f} KB: {w.first_detail}")
        if w.repeat > REPEAT_BUDGET:
            problems.append(f"{w.path}: repeat visit {w.repeat / 1024:.1f} KB: "
                            f"{w.repeat_detail}")
    return problems


LIGHT_DEMO = ("accounts", "profiles", "events", "forums", "library")
FORUM_TOPICS_PER_CATEGORY = 3  # the forum index shows each category's latest


def _latest_per_category(planned: list, keep: int) -> list:
    kept: dict[str, int] = {}
    chosen = []
    for item in reversed(planned):  # the plan is in the order the topics were opened
        if kept.get(item.spec.category, 0) < keep:
            kept[item.spec.category] = kept.get(item.spec.category, 0) + 1
            chosen.append(item)
    return chosen[::-1]


def seed_light_demo(monkeypatch) -> None:
    """The demo's pages with less behind them, so the test costs seconds, not a minute: fewer
    OSCs, the upcoming events only (not two years of past ones and their attendance), each
    forum category's latest topics, two library documents, and no search index (no page
    here searches; the outbox keeps the rows)."""
    from importlib import import_module

    from community.core.aftercommit import quiet
    from community.core.catalog import load_catalogues
    from community.demo import events, forums, library, library_content
    from community.extensions import db

    monkeypatch.setattr("community.demo.profiles.EDOMEX_ORGS", 60)
    monkeypatch.setattr(events, "SPECS", events.UPCOMING)
    whole_board = forums.plan
    monkeypatch.setattr(forums, "plan", lambda cast, now: _latest_per_category(
        whole_board(cast, now), FORUM_TOPICS_PER_CATEGORY))
    documents = library_content.documents()
    monkeypatch.setattr(library, "documents", lambda: (documents[0], documents[-1]))
    monkeypatch.setattr(library.extraction, "extract_all_pending", lambda: None)
    monkeypatch.setattr("community.search.outbox.drain", lambda app, timeout=0: 0)
    with quiet():
        load_catalogues()
        for name in LIGHT_DEMO:
            import_module(f"community.demo.{name}").seed()
            db.session.commit()


@pytest.fixture
def demo_member(app, monkeypatch):
    """The demo citizen, who belongs to two of the demo's OSCs."""
    seed_light_demo(monkeypatch)
    return CITIZEN_EMAIL


def test_signed_in_pages_fit_the_data_budget_on_a_phone(app, browser, live_server, demo_member,
                                                        monkeypatch):
    counter = ByteCounter(app.wsgi_app)
    monkeypatch.setattr(app, "wsgi_app", counter)
    profile = member_profile(demo_member)
    weights = [measure(browser, live_server.url, counter, path.format(profile=profile),
                       demo_member, DEMO_PASSWORD) for path in PAGES]
    print("\n" + report(weights))
    problems = over_budget(weights)
    assert not problems, report(weights) + "\n" + "\n".join(problems)
