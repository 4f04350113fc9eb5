"""Page weight: the bytes a browser transfers for signed-in pages, first and repeat load.

Starts the app as ``make run`` does (``python wsgi.py``: pages and Socket.IO in one process)
on a fresh, migrated, demo-seeded instance on 127.0.0.1, signs in with Chromium (Playwright,
the system browser as in tests/e2e) and records every HTTP response of each page view through
the DevTools protocol: status, bytes over the wire (``encodedDataLength``: headers plus the
body as sent, compressed or not) and whether the browser's cache answered (its disk cache
says so; its memory cache transfers nothing at all).

For each page, in a fresh browser context that holds only the signed-in cookies:

- ``first``: the page with an empty cache;
- ``repeat``: the same page again (a normal navigation, as following a link to it);
- ``next``: the next page in the list, with the cache the first page left.

"before load" is what was transferred until the page's ``load`` event; the rest came after
(the Socket.IO client when it is loaded lazily). Socket.IO's own traffic (the WebSocket) is
not counted.

    .venv/bin/python bench/page_weight.py
    .venv/bin/python bench/page_weight.py --pages /foros /cuenta --settle 3
"""

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from load import (
    ROOT,
    BenchError,
    _die_with_parent,
    app_env,
    demo_password,
    free_port,
    http_status,
    prepare_instance,
)

USER = "ciudadana@demo.comunidad-osc.mx"
PAGES = ["/foros", "/cuenta", "/eventos"]
CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--disable-background-networking", "--disable-component-update"]
START_TIMEOUT_S = 60


@dataclass
class Response:
    url: str
    status: int = 0
    encoding: str = ""
    bytes: int = 0
    cached: bool = False
    after_load: bool = False


@dataclass
class View:
    label: str
    responses: dict[str, Response] = field(default_factory=dict)

    def row(self) -> dict:
        http = [r for r in self.responses.values() if "/socket.io/?" not in r.url]
        network = [r for r in http if not r.cached]
        return {
            "view": self.label,
            "requests": len(network),
            "304": sum(r.status == 304 for r in network),
            "from cache": len(http) - len(network),
            "before load": sum(r.bytes for r in network if not r.after_load),
            "after load": sum(r.bytes for r in network if r.after_load),
            "total": sum(r.bytes for r in network),
            "compressed": sum(bool(r.encoding) for r in network),
        }


class Recorder:
    """DevTools Network events of one page, grouped by view."""

    def __init__(self, page) -> None:
        self.view: View | None = None
        self.loaded = False
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        session.on("Network.responseReceived", self._response)
        session.on("Network.requestServedFromCache", self._from_cache)
        session.on("Network.loadingFinished", self._finished)

    def start(self, label: str) -> View:
        self.view = View(label)
        self.loaded = False
        return self.view

    def _get(self, event) -> Response | None:
        if self.view is None:
            return None
        return self.view.responses.get(event["requestId"])

    def _response(self, event) -> None:
        if self.view is None:
            return
        response = event["response"]
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        self.view.responses[event["requestId"]] = Response(
            url=response["url"], status=response["status"],
            encoding=headers.get("content-encoding", ""),
            cached=bool(response.get("fromDiskCache") or response.get("fromPrefetchCache")),
            after_load=self.loaded)

    def _from_cache(self, event) -> None:
        found = self._get(event)
        if found:
            found.cached = True

    def _finished(self, event) -> None:
        found = self._get(event)
        if found and not found.cached:
            found.bytes = int(event.get("encodedDataLength", 0))
            # The memory cache reports a response but transfers nothing (not even headers).
            found.cached = found.bytes == 0


def start_server(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and entry point
        [sys.executable, "wsgi.py"], cwd=ROOT, env={**env, "HOST": "127.0.0.1",
                                                    "PORT": str(port)},
        stdin=subprocess.DEVNULL, stdout=log.open("a"), stderr=subprocess.STDOUT,
        start_new_session=True, preexec_fn=_die_with_parent)  # noqa: PLW1509
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError("the server exited at start; see " + str(log))
        if http_status(base + "/healthz") is not None:
            return process, base
        time.sleep(0.2)
    raise BenchError(f"the server did not answer in {START_TIMEOUT_S}s")


def stop_server(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def signed_in_state(browser, base: str, user: str) -> dict:
    context = browser.new_context(base_url=base)
    page = context.new_page()
    page.goto("/cuenta/entrar")
    page.fill("input[name=email]", user)
    page.fill("input[name=password]", demo_password())
    page.locator("main button[type=submit]").first.click()
    page.wait_for_load_state("load")
    if "/cuenta/entrar" in page.url:
        raise BenchError("could not sign in as " + user)
    state = context.storage_state()
    context.close()
    return state


def visit(page, recorder: Recorder, label: str, path: str, settle: float) -> View:
    view = recorder.start(label)
    page.goto(path, wait_until="load")
    recorder.loaded = True
    page.wait_for_timeout(settle * 1000)
    return view


def measure(browser, base: str, state: dict, path: str, following: str,
            settle: float, detail: bool = False) -> list[dict]:
    context = browser.new_context(base_url=base, storage_state=state)
    page = context.new_page()
    recorder = Recorder(page)
    rows = []
    for label, target in (("first", path), ("repeat", path), ("next " + following, following)):
        view = visit(page, recorder, label, target, settle)
        rows.append({"page": path, **view.row()})
        if detail:
            for r in view.responses.values():
                where = "cache" if r.cached else f"{r.status} {r.encoding or 'identity'}"
                print(f"  {path} {label}: {r.url.split('/', 3)[-1][:70]} {where} {r.bytes}")
    context.close()
    return rows


def format_table(rows: list[dict]) -> str:
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(f"{r[c]:,}" if isinstance(r[c], int) else str(r[c]))
                               for r in rows)) for c in columns}
    lines = [" | ".join(c.ljust(widths[c]) for c in columns),
             " | ".join("-" * widths[c] for c in columns)]
    for row in rows:
        lines.append(" | ".join(
            (f"{row[c]:,}".rjust(widths[c]) if isinstance(row[c], int)
             else str(row[c]).ljust(widths[c])) for c in columns))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="+", default=PAGES, help="signed-in paths")
    parser.add_argument("--user", default=USER, help="a seed-demo account")
    parser.add_argument("--settle", type=float, default=3.0,
                        help="seconds to wait after load for late requests (3)")
    parser.add_argument("--detail", action="store_true", help="print every response")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="page-weight-"))
    log = workdir / "server.log"
    env = app_env(workdir / "instance", None)
    env["SEARCH_WARM"] = "false"
    process = None
    try:
        print("Preparing a demo instance in", workdir, flush=True)
        prepare_instance(env, "wsgi:app", log, scripts=[])
        process, base = start_server(env, log)
        rows = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            state = signed_in_state(browser, base, args.user)
            for index, path in enumerate(args.pages):
                following = args.pages[(index + 1) % len(args.pages)]
                rows += measure(browser, base, state, path, following, args.settle,
                                args.detail)
            browser.close()
        print(format_table(rows))
        return 0
    except BenchError as exc:
        print("error:", exc, file=sys.stderr)
        return 1
    finally:
        if process is not None:
            stop_server(process)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
