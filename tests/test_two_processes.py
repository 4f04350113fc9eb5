"""The production layout with Redis: a page process and a Socket.IO process deliver each
other's events (DESIGN.md, Realtime; README, "Despliegue").

Process A is ``gunicorn wsgi:app`` with a sync worker (the pages); process B is
``gunicorn --threads socketio_app:app`` (the sockets). They share a temporary SQLite database,
the secret key and ``REDIS_URL``. A python-socketio client connects to B with the session
cookie a person got by signing in on A; the reply that person posts through A over HTTP
reaches the client on B, and signing out on A closes the socket on B.

Needs ``REDIS_URL``: under ``CI=true`` an unreachable Redis fails, and so does a missing one in
the at-scale run (with ``TEST_DATABASE_URL``); elsewhere the test skips.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET = "two-processes-test-secret"
PASSWORD = "una-frase-segura-2026"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
SETUP = r"""
import json
from flask_migrate import upgrade
from community import create_app
from community.accounts.models import User
from community.core.catalog import load_catalogues
from community.core.timeutil import utcnow
from community.extensions import db
from community.forums import services
from community.forums.models import Category

app = create_app()
with app.app_context():
    upgrade()
    load_catalogues()
    people = []
    for email, role in (("ana@ejemplo.mx", "staff"), ("luis@ejemplo.mx", "citizen")):
        user = User(email=email, name=email.split("@")[0].title(), role=role,
                    municipality_code="15106", email_confirmed_at=utcnow(), locale="es_MX")
        user.set_password(%(password)r)
        db.session.add(user)
        people.append(user)
    category = Category(slug="general", name="General", description="Para todos.")
    db.session.add(category)
    db.session.commit()
    topic = services.create_topic(people[0], category, {"title": "¿Quién tramitó la CLUNI?",
                                                        "body": "Cuéntennos."})
    db.session.commit()
    print(json.dumps({"topic": topic.id, "slug": topic.slug}))
"""


def _redis_url() -> str:
    """CI's at-scale run (PostgreSQL + Redis) must run this test; its SQLite run has no Redis
    by design and skips, as a developer's machine without Redis does."""
    url = os.environ.get("REDIS_URL")
    problem = None
    if not url:
        if not (os.environ.get("CI") == "true" and os.environ.get("TEST_DATABASE_URL")):
            pytest.skip("REDIS_URL is not set")
        problem = "REDIS_URL is not set in the at-scale run"
    else:
        try:
            import redis

            redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except Exception as error:  # noqa: BLE001 - any failure means no usable Redis
            problem = f"Redis at {url} does not answer: {error}"
    if problem and os.environ.get("CI") == "true":
        pytest.fail(problem)
    if problem:
        pytest.skip(problem)
    return url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(tmp_path: Path, redis_url: str) -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "TEST_DATABASE_URL", "FLASK_APP"}}
    env.update(INSTANCE_DIR=str(tmp_path / "instance"), SECRET_KEY=SECRET, REDIS_URL=redis_url,
               RATELIMIT_ENABLED="false", PYTHONUNBUFFERED="1")
    return env


class Servers:
    """Both processes, each in its own process group, stopped at the end whatever happens."""

    def __init__(self, env: dict, tmp_path: Path) -> None:
        self.env, self.tmp_path, self.procs = env, tmp_path, []
        self.pages_port, self.sockets_port = _free_port(), _free_port()

    def start(self) -> None:
        self._spawn("pages", self.pages_port, "wsgi:app", "--workers", "1")
        self._spawn("sockets", self.sockets_port, "socketio_app:app", "--workers", "1",
                    "--threads", "20")
        for port in (self.pages_port, self.sockets_port):
            self._wait(port)

    def _spawn(self, name: str, port: int, target: str, *args: str) -> None:
        log = open(self.tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--timeout", "60", *args,
             target], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.procs.append((proc, log))

    def _wait(self, port: int) -> None:
        import requests

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise AssertionError(f"server on {port} did not start:\n{self.logs()}")

    def logs(self) -> str:
        return "\n".join((self.tmp_path / f"{n}.log").read_text(errors="replace")[-3000:]
                         for n in ("pages", "sockets") if (self.tmp_path / f"{n}.log").exists())

    def stop(self) -> None:
        for proc, log in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=15)
            log.close()


@pytest.fixture
def servers(tmp_path):
    env = _env(tmp_path, _redis_url())
    done = subprocess.run([sys.executable, "-c", SETUP % {"password": PASSWORD}], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    running = Servers(env, tmp_path)
    try:
        running.start()
        yield running, json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        running.stop()


def _signed_in(base: str, email: str):
    import requests

    session = requests.Session()
    token = CSRF.search(session.get(f"{base}/cuenta/entrar", timeout=10).text).group(1)
    answer = session.post(f"{base}/cuenta/entrar", timeout=10, allow_redirects=False,
                          data={"csrf_token": token, "email": email, "password": PASSWORD})
    assert answer.status_code == 302, answer.text[-2000:]
    return session


def _socket(base: str, session, received: dict):
    import socketio

    client = socketio.Client(reconnection=False)
    for name in ("post_created", "signed_out"):
        client.on(name, lambda data=None, name=name: received[name].append(data) or
                  received["any"].set())
    client.on("disconnect", lambda *args: received["gone"].set())
    # The browser's cookie and user agent: session protection ties a session to the agent.
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    headers = {"Cookie": cookie, "User-Agent": session.headers["User-Agent"]}
    client.connect(base, headers=headers, transports=["websocket"],
                   wait_timeout=10)
    return client


def _reply(base: str, session, topic: dict, body: str):
    page = session.get(f"{base}/foros/t/{topic['topic']}-{topic['slug']}", timeout=10)
    assert page.status_code == 200, page.text[-2000:]
    token = CSRF.search(page.text).group(1)
    return session.post(f"{base}/foros/t/{topic['topic']}/responder", timeout=20,
                        allow_redirects=False, data={"csrf_token": token, "body": body})


def test_reply_through_pages_reaches_socket_on_other_process(servers):
    running, topic = servers
    pages = f"http://127.0.0.1:{running.pages_port}"
    sockets = f"http://127.0.0.1:{running.sockets_port}"
    received = {"post_created": [], "signed_out": [], "any": threading.Event(),
                "gone": threading.Event()}
    reader = _signed_in(pages, "luis@ejemplo.mx")
    client = _socket(sockets, reader, received)
    try:
        assert client.call("join_topic", {"topic": topic["topic"]}, timeout=10) == {"ok": True}
        writer = _signed_in(pages, "ana@ejemplo.mx")
        answer = _reply(pages, writer, topic, "Nosotros la tramitamos en Toluca el año pasado.")
        assert answer.status_code == 302, answer.text[-2000:]
        assert received["any"].wait(15), running.logs()
        assert received["post_created"] == [{"topic": topic["topic"], "post": 2, "number": 2}]

        # Signing out on the page process closes the socket held by the other process.
        token = CSRF.search(reader.get(f"{pages}/cuenta", timeout=10).text).group(1)
        out = reader.post(f"{pages}/cuenta/salir", data={"csrf_token": token}, timeout=10,
                          allow_redirects=False)
        assert out.status_code == 302, out.text[-2000:]
        assert received["gone"].wait(15), running.logs()
    finally:
        client.disconnect()
