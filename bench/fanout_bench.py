"""Live fan-out benchmark: N Socket.IO clients in one topic room; a reply is posted over HTTP;
how long until the last client hears of it (median and p95 over the rounds).

Layouts (``--layouts``):

- ``one``: one process serves pages and sockets (gunicorn, 1 worker, threads; Flask-SocketIO
  threading mode, no Redis), as ``make run`` does in one process.
- ``two``: two such processes on two ports with Redis; the reply is posted to the first and
  the clients are split across both.
- ``prod``: the production layout of README "Despliegue": gunicorn sync workers for pages, two
  Socket.IO processes (``socketio_app``) with the clients split across them, all on Redis.

Each layout is measured twice in the same run, one right after the other with the same clients
and rounds: our app, then the bare Socket.IO reference of bench/bare_socketio.py in the same
processes, async mode and message queue (issue 18's goal: our median within 1.5x the bare
one). ``--no-bare`` measures only our app.

Clients are python-socketio clients (websocket transport) spread over ``--client-procs``
processes so that receiving does not queue behind one interpreter lock; times are wall-clock
on the same machine. Not a test: ``.venv/bin/python bench/fanout_bench.py --help``.
"""

import argparse
import contextlib
import json
import multiprocessing as mp
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS_DIR = ROOT / "bench" / "results"
GOAL = 1.5  # issue 18: our median at most this many times the bare broadcast's
SECRET = "fanout-bench-secret"  # noqa: S105
PASSWORD = "una-frase-segura-2026"  # noqa: S105
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
    staff = User(email="banco@ejemplo.mx", name="Banco de Pruebas", role="staff",
                 municipality_code="15106", email_confirmed_at=utcnow(), locale="es_MX",
                 notification_email="never")
    staff.set_password(%(password)r)
    db.session.add(staff)
    category = Category(slug="general", name="General", description="Para todos.")
    db.session.add(category)
    db.session.commit()
    topic = services.create_topic(staff, category, {"title": "Tema con 500 lectores en vivo",
                                                    "body": "Banco de pruebas."})
    db.session.commit()
    print(json.dumps({"topic": topic.id, "slug": topic.slug}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- servers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """What a layout's processes serve: gunicorn targets for the process that takes the POST
    and for the Socket.IO-only processes of ``prod``, and the arguments that find them."""

    name: str
    pages: str
    sockets: str
    where: tuple[str, ...] = ()


OURS = Subject("ours", "wsgi:app", "socketio_app:app")
BARE = Subject("bare", "bare_socketio:app", "bare_socketio:app",
               ("--chdir", str(ROOT / "bench")))


class Servers:
    """The processes of one layout, each in its own process group; stopped on exit."""

    def __init__(self, env: dict, workdir: Path) -> None:
        self.env, self.workdir, self.procs = env, workdir, []

    def gunicorn(self, name: str, target: str, *args: str, env: dict | None = None) -> int:
        port = free_port()
        log = open(self.workdir / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop()
        proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--timeout", "120",
             "--log-level", "warning", *args, target],
            cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.procs.append((proc, log))
        wait_http(f"http://127.0.0.1:{port}/healthz")
        return port

    def stop(self) -> None:
        for proc, log in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=15)
            log.close()
        self.procs = []


def wait_http(url: str, seconds: float = 60) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=2).ok:
                return
        time.sleep(0.2)
    raise SystemExit(f"server did not answer: {url}")


def start_layout(layout: str, subject: Subject, servers: Servers, redis_url: str | None,
                 threads: int):
    """(page port to post to, socket ports to spread the clients over). The same commands
    for either subject, so that the bare reference runs in exactly our layout's mode."""
    threaded = (*subject.where, "--workers", "1", "--threads", str(threads))
    name = f"{subject.name}-{layout}"
    if layout == "one":
        env = {k: v for k, v in servers.env.items() if k != "REDIS_URL"}
        port = servers.gunicorn(name, subject.pages, *threaded, env=env)
        return port, [port]
    if not redis_url:
        raise SystemExit(f"layout {layout!r} needs --redis-url or REDIS_URL")
    if layout == "two":
        first = servers.gunicorn(f"{name}-a", subject.pages, *threaded)
        second = servers.gunicorn(f"{name}-b", subject.pages, *threaded)
        return first, [first, second]
    pages = servers.gunicorn(f"{name}-pages", subject.pages, *subject.where, "--workers", "2")
    sockets = [servers.gunicorn(f"{name}-sockets-{n}", subject.sockets, *threaded)
               for n in (1, 2)]
    return pages, sockets


# --- clients ----------------------------------------------------------------------------------


def client_process(urls: list[str], count: int, topic: int, ready, results) -> None:
    """``count`` clients on the given servers (round robin); for each post id, report the time
    the last of them received it."""
    import threading

    import socketio

    seen: dict[int, list[float]] = {}
    lock = threading.Lock()

    def on_post(data):
        now = time.time()
        with lock:
            times = seen.setdefault(data["post"], [])
            times.append(now)
            if len(times) == count:
                results.put((data["post"], max(times), count))

    clients = []
    for n in range(count):
        client = socketio.Client(reconnection=False)
        client.on("post_created", on_post)
        client.connect(urls[n % len(urls)], transports=["websocket"], wait_timeout=30)
        answer = client.call("join_topic", {"topic": topic}, timeout=30)
        if answer != {"ok": True}:
            raise SystemExit(f"join refused: {answer}")
        clients.append(client)
    ready.put(count)
    while True:  # until the harness sends SIGTERM
        time.sleep(60)


def start_clients(socket_ports: list[int], total: int, procs: int, topic: int):
    ctx = mp.get_context("spawn")
    ready, results = ctx.Queue(), ctx.Queue()
    urls = [f"http://127.0.0.1:{port}" for port in socket_ports]
    shares = [total // procs + (1 if n < total % procs else 0) for n in range(procs)]
    workers = []
    for n, share in enumerate(shares):
        # Rotate the URL list so that the clients split evenly across the servers.
        rotated = urls[n % len(urls):] + urls[:n % len(urls)]
        worker = ctx.Process(target=client_process, args=(rotated, share, topic, ready, results),
                             daemon=True)
        worker.start()
        workers.append(worker)
    connected = sum(ready.get(timeout=600) for _ in workers)
    return workers, results, connected, len(workers)


def stop_clients(workers) -> None:
    for worker in workers:
        if worker.is_alive():
            os.kill(worker.pid, signal.SIGTERM)
        worker.join(timeout=10)
        if worker.is_alive():
            worker.kill()


# --- rounds -----------------------------------------------------------------------------------


def signed_in_session(base: str):
    import requests

    session = requests.Session()
    token = CSRF.search(session.get(f"{base}/cuenta/entrar", timeout=30).text).group(1)
    answer = session.post(f"{base}/cuenta/entrar", allow_redirects=False, timeout=30,
                          data={"csrf_token": token, "email": "banco@ejemplo.mx",
                                "password": PASSWORD})
    if answer.status_code != 302:
        raise SystemExit(f"sign-in failed: {answer.status_code}")
    return session


def our_poster(base: str, topic: dict) -> Callable[[int], tuple[float, float]]:
    """Posts reply ``n`` as staff, the way a browser does; returns when the POST started and
    when it was answered. The topic page (for its CSRF token) is fetched before the clock."""
    session = signed_in_session(base)

    def post(n: int) -> float:
        page = session.get(f"{base}/foros/t/{topic['topic']}-{topic['slug']}", timeout=30)
        token = CSRF.search(page.text).group(1)
        started = time.time()
        answer = session.post(f"{base}/foros/t/{topic['topic']}/responder", timeout=60,
                              allow_redirects=False,
                              data={"csrf_token": token, "body": f"Respuesta de prueba {n}."})
        if answer.status_code != 302:
            raise SystemExit(f"reply failed: {answer.status_code} {answer.text[-500:]}")
        return started, time.time()

    return post


def bare_poster(base: str, topic: dict) -> Callable[[int], tuple[float, float]]:
    """Asks the bare app to emit post ``n``; the harness numbers the posts itself, since the
    bare app keeps no rows (and ``prod``'s two page workers could not share a counter)."""
    import requests

    session = requests.Session()

    def post(n: int) -> float:
        started = time.time()
        answer = session.post(f"{base}/emit", data={"topic": topic["topic"], "post": n},
                              timeout=60)
        if answer.status_code != 200:
            raise SystemExit(f"bare emit failed: {answer.status_code} {answer.text[-500:]}")
        return started, time.time()

    return post


POSTERS = {"ours": our_poster, "bare": bare_poster}


def one_round(post: Callable[[int], tuple[float, float]], results, worker_count: int,
              n: int) -> tuple[float, float]:
    """Milliseconds from just before the POST to the last client's receipt of that post, and
    to the POST's answer (which both apps send after their emit, so it is what the whole
    request costs, not a split of the round into request and fan-out)."""
    started, answered = post(n)
    last, post_id = 0.0, None
    for _ in range(worker_count):
        heard, received, _count = results.get(timeout=60)
        if post_id is not None and heard != post_id:
            raise SystemExit("replies overlapped; rounds must run one at a time")
        post_id, last = heard, max(last, received)
    return (last - started) * 1000, (answered - started) * 1000


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def run_subject(layout: str, subject: Subject, args, env: dict, workdir: Path,
                topic: dict) -> dict:
    """One subject in one layout: fresh servers and clients, warm-up, then the rounds."""
    servers = Servers(env, workdir)
    workers = []
    load_before = os.getloadavg()
    try:
        page_port, socket_ports = start_layout(layout, subject, servers, args.redis_url,
                                               args.threads)
        workers, results, connected, worker_count = start_clients(
            socket_ports, args.clients, args.client_procs, topic["topic"])
        post = POSTERS[subject.name](f"http://127.0.0.1:{page_port}", topic)
        for n in range(args.warmup):
            one_round(post, results, worker_count, n)
        rounds = [one_round(post, results, worker_count, n)
                  for n in range(args.warmup, args.warmup + args.rounds)]
        times, posts = [t for t, _ in rounds], [p for _, p in rounds]
        return {"subject": subject.name, "clients": connected, "servers": len(socket_ports),
                "rounds": len(times), "median_ms": statistics.median(times),
                "p95_ms": percentile(times, 0.95), "min_ms": min(times), "max_ms": max(times),
                "all_ms": [round(t, 1) for t in times],
                "post_median_ms": statistics.median(posts),
                "post_all_ms": [round(t, 1) for t in posts], "loadavg_before": load_before,
                "loadavg_after": os.getloadavg()}
    finally:
        stop_clients(workers)
        servers.stop()


def run_layout(layout: str, args, env: dict, workdir: Path, topic: dict) -> dict:
    """Our app, then (unless ``--no-bare``) the bare reference right after, same settings."""
    row = {"layout": layout, "ours": run_subject(layout, OURS, args, env, workdir, topic)}
    print_subject(layout, row["ours"])
    if args.bare:
        row["bare"] = run_subject(layout, BARE, args, env, workdir, topic)
        print_subject(layout, row["bare"])
        row["ratio"] = row["ours"]["median_ms"] / row["bare"]["median_ms"]
        row["goal"] = GOAL
        row["meets_goal"] = row["ratio"] <= GOAL
    return row


def print_subject(layout: str, run: dict) -> None:
    print(f"{layout:5} {run['subject']:4} clients={run['clients']:4} servers={run['servers']} "
          f"median={run['median_ms']:7.1f} ms  p95={run['p95_ms']:7.1f} ms  "
          f"min={run['min_ms']:6.1f}  max={run['max_ms']:7.1f}  "
          f"POST answered (median)={run['post_median_ms']:6.1f} ms  "
          f"load={run['loadavg_after'][0]:.2f}", flush=True)


def print_summary(rows: list[dict]) -> None:
    """Per layout: ours against the bare broadcast, and the ratio against the goal."""
    for row in rows:
        if "bare" not in row:
            continue
        ours, bare = row["ours"], row["bare"]
        verdict = "within" if row["meets_goal"] else "over"
        print(f"{row['layout']:5} ours median/p95 {ours['median_ms']:.1f}/{ours['p95_ms']:.1f} ms"
              f"  bare {bare['median_ms']:.1f}/{bare['p95_ms']:.1f} ms"
              f"  ratio {row['ratio']:.2f}x ({verdict} the {GOAL}x goal)", flush=True)


def prepare(workdir: Path, redis_url: str | None) -> tuple[dict, dict]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "TEST_DATABASE_URL", "FLASK_APP"}}
    env.update(INSTANCE_DIR=str(workdir / "instance"), SECRET_KEY=SECRET,
               RATELIMIT_ENABLED="false", PYTHONUNBUFFERED="1")
    if redis_url:
        env["REDIS_URL"] = redis_url
    setup_env = {k: v for k, v in env.items() if k != "REDIS_URL"}
    done = subprocess.run([sys.executable, "-c", SETUP % {"password": PASSWORD}], cwd=ROOT,
                          env=setup_env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    return env, json.loads(done.stdout.strip().splitlines()[-1])


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--client-procs", type=int, default=4)
    parser.add_argument("--threads", type=int, default=700,
                        help="gunicorn threads per Socket.IO process (one per socket)")
    parser.add_argument("--layouts", nargs="+", default=["one", "two", "prod"],
                        choices=["one", "two", "prod"])
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    parser.add_argument("--no-bare", dest="bare", action="store_false",
                        help="skip the bare Socket.IO reference (bench/bare_socketio.py)")
    parser.add_argument("--json", type=Path, default=None)
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    rows = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="fanout-bench-") as tmp:
        workdir = Path(tmp)
        env, topic = prepare(workdir, args.redis_url)
        for layout in args.layouts:
            rows.append(run_layout(layout, args, env, workdir, topic))
    print_summary(rows)
    report = {"when": datetime.now(UTC).isoformat(timespec="seconds"),
              "host": platform.node(), "cpus": os.cpu_count(), "python": platform.python_version(),
              "loadavg_before": load_before, "loadavg_after": os.getloadavg(),
              "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
              "settings": {k: v for k, v in vars(args).items() if k != "json"} | {
                  "json": None}, "results": rows}
    print(report["uptime"])
    path = args.json or RESULTS_DIR / f"fanout-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, default=str))
    print(f"written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
