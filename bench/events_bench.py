"""Events benchmark: a burst of registrations for one event, and the data for the event pages
of ``bench/load.py``.

``burst`` (the default) prepares a fresh instance (``db upgrade``, ``catalog load``, one
published event with a capacity of 50 and 200 people), starts the app under gunicorn with
sync workers as in production, signs every person in through the real form, then has all of
them POST the registration form at the same moment, one thread each. It reports req/s (the
200 requests over the time from the first sent to the last answered), p50/p95/max latency,
and checks the rule the burst is there to stress: exactly ``capacity`` confirmed and the rest
on the waiting list, one row per person.

``seed-pages`` is run by ``bench/load.py`` while it prepares its instance (after
``seed-demo``): one published event with 500 confirmed registrations (the demo citizen among
them), so the event page can be measured at that size.

    .venv/bin/python bench/events_bench.py                  # burst: 200 people, 50 seats
    .venv/bin/python bench/events_bench.py --users 400 --capacity 100 --workers 4
"""

import argparse
import contextlib
import http.cookiejar
import json
import re
import secrets
import signal
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

import load  # noqa: E402 - the load harness's servers, settings and HTTP helpers

PAGE_EVENT_TITLE = "Evento con 500 registros (banco de pruebas)"
PAGE_EVENT_SLUG = "evento-con-500-registros-banco-de-pruebas"
BURST_EVENT_TITLE = "Taller con cupo de 50 (ráfaga de registros)"
BENCH_DOMAIN = "bench.example"  # reserved TLD (RFC 2606): nobody's mailbox
BENCH_PASSWORD = "banco-de-pruebas-2026"  # noqa: S105 - bench-only accounts
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
REQUEST_TIMEOUT_S = 120


# ----------------------------------------------------------------------------- data


def _app():
    from community import create_app

    return create_app()


def _bench_users(prefix: str, count: int, municipality: str = "15106") -> list:
    """``count`` confirmed citizens ``<prefix>NNN@bench.example``, written in one batch with
    one password hash (hashing is slow on purpose; they all share the bench password)."""
    from flask import current_app
    from werkzeug.security import generate_password_hash

    from community.accounts.models import User
    from community.core.timeutil import utcnow
    from community.extensions import db

    password_hash = generate_password_hash(
        BENCH_PASSWORD, method=current_app.config["PASSWORD_HASH_METHOD"])
    users = [User(email=f"{prefix}{n:03d}@{BENCH_DOMAIN}", name=f"Persona de prueba {n}",
                  role="citizen", municipality_code=municipality, locale="es_MX",
                  password_hash=password_hash, email_confirmed_at=utcnow())
             for n in range(1, count + 1)]
    db.session.add_all(users)
    db.session.flush()
    return users


def _published_event(title: str, capacity: int, days_ahead: int = 14):
    """A published staff event through the services, as staff would announce it."""
    from community.accounts.models import User
    from community.core.timeutil import to_local, utcnow
    from community.events import services
    from community.extensions import db

    staff = User(email=f"personal.{secrets.token_hex(4)}@{BENCH_DOMAIN}", name="Personal",
                 role="staff", municipality_code="15106", locale="es_MX")
    staff.set_password(secrets.token_urlsafe(16))
    db.session.add(staff)
    db.session.flush()
    starts = to_local(utcnow() + timedelta(days=days_ahead)).replace(hour=10, minute=0)
    form = {"title": title, "kind": "taller", "summary": "Evento del banco de pruebas.",
            "description": "Mide la página y los registros.", "modality": "presencial",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
            "municipality_code": "15106", "venue": "Sala de pruebas", "address": "Toluca",
            "capacity": str(capacity), "audience": "everyone", "speakers": "Ponente",
            "topics": ["procuracion-fondos"]}
    event = services.create_event(staff, form)
    services.publish(staff, event)
    return event


def seed_pages(registrations: int = 500) -> str:
    """The event of the event-page benchmark: ``registrations`` confirmed places, the demo
    citizen's among them. Rows are written directly: this is the data of a read benchmark,
    and 500 registrations through the service (with their mail) would take minutes."""
    from community.accounts.services import find_by_email
    from community.core.timeutil import utcnow
    from community.demo.accounts import CITIZEN_EMAIL
    from community.events.models import Registration
    from community.extensions import db

    event = _published_event(PAGE_EVENT_TITLE, capacity=registrations + 100)
    people = _bench_users("pagina", registrations - 1)
    citizen = find_by_email(CITIZEN_EMAIL)  # seed-demo's, so load.py can sign in as her
    people += [citizen] if citizen else _bench_users("pagina-extra", 1)
    now = utcnow()
    db.session.add_all(Registration(event_id=event.id, user_id=person.id, status="confirmed",
                                    queued_at=now, confirmed_at=now,
                                    ticket=secrets.token_urlsafe(18)) for person in people)
    db.session.commit()
    if event.slug != PAGE_EVENT_SLUG:
        raise load.BenchError(f"the page event got the slug {event.slug!r}")
    return event.slug


def seed_burst(users: int, capacity: int) -> str:
    """The burst's event and people; returns the event's slug."""
    from community.extensions import db

    event = _published_event(BURST_EVENT_TITLE, capacity=capacity)
    _bench_users("rafaga", users)
    db.session.commit()
    return event.slug


def count_registrations(slug: str) -> dict:
    from sqlalchemy import func, select

    from community.events.models import Event, Registration
    from community.extensions import db

    event = db.session.scalar(select(Event).where(Event.slug == slug))
    rows = db.session.execute(select(Registration.status, func.count()).where(
        Registration.event_id == event.id).group_by(Registration.status)).all()
    people = db.session.scalar(select(func.count(func.distinct(Registration.user_id))).where(
        Registration.event_id == event.id))
    return {**{status: n for status, n in rows}, "people": people}


def _in_app(function, *args):
    """Run ``function`` inside the app of the instance named by the environment."""
    with _app().app_context():
        return function(*args)


# ----------------------------------------------------------------------------- the burst


class Person:
    """One browser: its own cookies, signed in through the form, with the CSRF token of the
    registration form it would submit."""

    def __init__(self, base_url: str, email: str) -> None:
        self.base_url = base_url
        self.email = email
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), load._NoRedirect)
        self.opener.addheaders = [("User-Agent", load.USER_AGENT)]
        self.token = ""

    def _open(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base_url + path, data=body,
                                  timeout=REQUEST_TIMEOUT_S) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, ""

    def _token(self, path: str) -> str:
        status, html = self._open(path)
        match = CSRF_RE.search(html)
        if status != 200 or match is None:
            raise load.BenchError(f"no form for {self.email} at {path} (HTTP {status})")
        return match.group(1)

    def sign_in(self) -> None:
        token = self._token(load.SIGNIN_PATH)
        status, _ = self._open(load.SIGNIN_PATH, {"csrf_token": token, "email": self.email,
                                                  "password": BENCH_PASSWORD})
        if status != 302:
            raise load.BenchError(f"could not sign in as {self.email} (HTTP {status})")

    def prepare(self, slug: str) -> None:
        self.sign_in()
        self.token = self._token(f"/eventos/{slug}")

    def register(self, slug: str) -> tuple[int, float, float]:
        started = time.perf_counter()
        status, _ = self._open(f"/eventos/{slug}/registro", {"csrf_token": self.token})
        return status, started, time.perf_counter()


def _prepare_people(base_url: str, users: int, slug: str, threads: int = 8) -> list[Person]:
    """Sign everyone in (a few at a time: each sign-in checks a slow password hash)."""
    people = [Person(base_url, f"rafaga{n:03d}@{BENCH_DOMAIN}") for n in range(1, users + 1)]
    errors: list[Exception] = []

    def work(chunk: list[Person]) -> None:
        for person in chunk:
            try:
                person.prepare(slug)
            except Exception as exc:  # noqa: BLE001 - reported below, after every thread
                errors.append(exc)

    workers = [threading.Thread(target=work, args=(people[i::threads],))
               for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise load.BenchError(f"{len(errors)} people could not get ready: {errors[0]}")
    return people


def _fire(people: list[Person], slug: str) -> list[tuple[int, float, float]]:
    """Everyone POSTs at once: one thread per person, released together by a barrier."""
    barrier = threading.Barrier(len(people))
    results: list = [None] * len(people)

    def work(index: int, person: Person) -> None:
        barrier.wait()
        results[index] = person.register(slug)

    threads = [threading.Thread(target=work, args=(i, p)) for i, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def summarize(results: list[tuple[int, float, float]]) -> dict:
    latencies = sorted((end - start) * 1000 for _, start, end in results)
    span = max(end for _, _, end in results) - min(start for _, start, _ in results)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    statuses: dict[str, int] = {}
    for status, _, _ in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {"requests": len(results), "seconds": span, "rps": len(results) / span,
            "p50_ms": cuts[49], "p95_ms": cuts[94], "max_ms": latencies[-1],
            "statuses": statuses}


def burst(args) -> int:
    with tempfile.TemporaryDirectory(prefix="comunidad-osc-events-bench-") as tmp:
        workdir = Path(tmp)
        env = load.app_env(workdir / "instance", args.database_url)
        slug = _prepare_burst_instance(env, workdir / "setup.log", args)
        server = load.Server("app", load.gunicorn_command(args.wsgi, args.workers), env,
                             workdir / "app.log")
        try:
            server.start()
            print(f"Signing in {args.users} people...", flush=True)
            people = _prepare_people(server.base_url, args.users, slug)
            print(f"{args.users} registrations at once for {args.capacity} seats "
                  f"({args.workers} sync workers)...", flush=True)
            figures = summarize(_fire(people, slug))
        finally:
            server.stop()
        counts = json.loads(_run_in_instance(env, workdir / "setup.log", "count", slug))
    return _report(args, figures, counts)


def _run_in_instance(env: dict, log: Path, *command: str) -> str:
    """Run this script's ``command`` with the instance's environment; its last line back."""
    import subprocess

    with log.open("a") as out:
        done = subprocess.run([sys.executable, str(Path(__file__).resolve()), *command],
                              cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=out, text=True,
                              timeout=load.SETUP_TIMEOUT_S, check=False)
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise load.BenchError(f"events_bench.py {' '.join(command)} failed:\n{tail}")
    return done.stdout.strip().splitlines()[-1]


def _prepare_burst_instance(env: dict, log: Path, args) -> str:
    print("Preparing a fresh instance:", flush=True)
    load.prepare_instance(env, args.wsgi, log, commands=[["db", "upgrade"], ["catalog", "load"]],
                          scripts=[])
    print(f"  events_bench.py seed-burst --users {args.users} --capacity {args.capacity}",
          flush=True)
    return _run_in_instance(env, log, "seed-burst", "--users", str(args.users),
                            "--capacity", str(args.capacity))


def _report(args, figures: dict, counts: dict) -> int:
    expected = {"confirmed": args.capacity, "waitlisted": args.users - args.capacity,
                "people": args.users}
    got = {key: counts.get(key, 0) for key in expected}
    ok = got == expected and figures["statuses"] == {"302": args.users}
    print(f"\nburst: {figures['requests']} POSTs in {figures['seconds']:.2f} s = "
          f"{figures['rps']:.1f} req/s; p50 {figures['p50_ms']:.0f} ms, "
          f"p95 {figures['p95_ms']:.0f} ms, max {figures['max_ms']:.0f} ms; "
          f"statuses {figures['statuses']}")
    print(f"registrations: {got} (expected {expected}) -> {'OK' if ok else 'WRONG'}")
    path = load.RESULTS_DIR / f"events-burst-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"users": args.users, "capacity": args.capacity,
                                "workers": args.workers, "figures": figures,
                                "registrations": got, "ok": ok}, indent=2) + "\n")
    print(f"Results written to {path}")
    return 0 if ok else 1


# ----------------------------------------------------------------------------- main


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", default="burst",
                        choices=("burst", "seed-pages", "seed-burst", "count"))
    parser.add_argument("slug", nargs="?", help="for count: the event's slug")
    parser.add_argument("--users", type=int, default=200, help="people in the burst (200)")
    parser.add_argument("--capacity", type=int, default=50, help="seats of the event (50)")
    parser.add_argument("--registrations", type=int, default=500,
                        help="for seed-pages: registrations of the page event (500)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument("--wsgi", default="wsgi:app", help="the app under test (wsgi:app)")
    parser.add_argument("--database-url", help="an EMPTY database (default: SQLite in a temp "
                                               "dir)")
    args = parser.parse_args(argv)
    if not 0 < args.capacity < args.users:
        parser.error("--capacity must be positive and below --users")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, load._raise_on_sigterm)  # so `finally` stops the server
    try:
        if args.command == "seed-pages":
            print(_in_app(seed_pages, args.registrations))
        elif args.command == "seed-burst":
            print(_in_app(seed_burst, args.users, args.capacity))
        elif args.command == "count":
            print(json.dumps(_in_app(count_registrations, args.slug)))
        else:
            return burst(args)
    except load.BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
    sys.exit(130)
