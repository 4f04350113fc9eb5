"""Shared fixtures: one migrated database per test run, a fresh app and clean tables per test.

``TEST_DATABASE_URL`` switches the whole suite to PostgreSQL; ``REDIS_URL`` puts the rate
limiter on Redis. Under ``CI=true`` a server that is named but unreachable fails the run.
"""

import functools
import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask import g
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from community import create_app
from community.accounts.models import User
from community.config import TestConfig, database_url
from community.core import mail_sender, pagecache
from community.core.catalog import load_catalogues
from community.core.privacy import PRIVACY_NOTICE_VERSION
from community.core.timeutil import utcnow
from community.extensions import db as _db
from community.extensions import limiter, mail, socketio
from community.profiles import services as registry_services

# The demo world of the run (``demo_world``), seeded once and restored into the tests that read it.
pytest_plugins = ["tests.demo_world"]

KEEP_TABLES = {"alembic_version", "municipality", "activity_area"}
PASSWORD = "una-frase-segura-2026"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                     r'name="csrf_token" value="([^"]+)"')


@functools.cache
def _database_url() -> str | None:
    """The named database, or under pytest-xdist one database per worker on its server."""
    url = os.environ.get("TEST_DATABASE_URL") or None
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return _worker_database(url, worker) if url and worker else url


def _worker_database(url: str, worker: str) -> str:
    base = make_url(database_url(url, Path()))
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                           {"name": name}) is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@functools.cache
def _redis_url() -> str | None:
    """Under pytest-xdist each worker counts its rate limits in a Redis database of its own
    (a test's ``limiter.reset()`` must not clear another worker's counts)."""
    url = os.environ.get("REDIS_URL") or None
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not (url and worker):
        return url
    parts = urlsplit(url)
    number = 1 + int(worker.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{number}"))


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def _migrated(instance_dir):
    """Build the schema once with the real migrations, as production does."""
    app = create_app(TestConfig(instance_dir, _database_url(), _redis_url()))
    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            with _db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        load_catalogues()
        _db.session.commit()
        _db.engine.dispose()
    return True


def _remove_search_index(path: str) -> None:
    """Tables restart their ids after a test, so an index left behind would name the wrong
    rows; each test starts without one (the first drain creates it)."""
    folder = Path(path)
    for leftover in folder.parent.glob(folder.name + "*"):
        if leftover.is_symlink() or leftover.is_file():
            leftover.unlink()
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def _clean_tables() -> None:
    tables = [t for t in reversed(_db.metadata.sorted_tables) if t.name not in KEEP_TABLES]
    if _db.engine.dialect.name == "postgresql":
        dirty = _touched_tables(tables)
        if dirty:
            names = ", ".join(f'"{name}"' for name in dirty)
            _db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            _db.session.execute(table.delete())
    _db.session.commit()


def _touched_tables(tables) -> list[str]:
    """Tables a test wrote to: those with rows, and those whose id sequence moved (a row
    inserted then deleted). TRUNCATE costs per table on PostgreSQL, and most tests touch a
    handful of the fifty tables, so this keeps the suite's PostgreSQL run close to SQLite's."""
    moved = {row[0] for row in _db.session.execute(text(
        "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() "
        "AND last_value IS NOT NULL"))}
    probes = " UNION ALL ".join(
        f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables)  # noqa: S608 - names from our own metadata
    filled = {row[0] for row in _db.session.execute(text(probes))}
    return [t.name for t in tables if t.name in filled or f"{t.name}_id_seq" in moved]


class RequestIsolatingClient(FlaskClient):
    """Each request starts with an empty ``g``, as it would in its own app context.

    The fixtures keep one app context open so that tests and requests share a database
    session; without this, Flask-Login's per-request user cache would leak between requests.
    """

    def open(self, *args, **kwargs):
        vars(g).clear()
        return super().open(*args, **kwargs)


def _build_app(instance_dir):
    app = create_app(TestConfig(instance_dir, _database_url(), _redis_url()))
    app.test_client_class = RequestIsolatingClient
    return app


@pytest.fixture(scope="session")
def _shared_app(_migrated, instance_dir):
    """Built once: werkzeug compiles every URL rule, which costs a fifth of a second per app."""
    return _build_app(instance_dir)


def reset_state(app) -> None:
    """What a test may leave behind in the shared app: its transaction, rows, rate-limit
    counts, cached pages and search index."""
    _db.session.rollback()
    _clean_tables()
    _db.session.remove()
    limiter.reset()
    pagecache.clear()
    _remove_search_index(app.config["SEARCH_INDEX_DIR"])


@contextmanager
def count_queries():
    """The SQL statements the database receives inside the block (a list, filled live)."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def page_queries(client, path: str) -> tuple[list[str], str]:
    """The statements of one GET of ``path`` and the page; a first visit warms up what is
    loaded once (catalogues, caches) and is not counted."""
    client.get(path)
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return statements, response.get_data(as_text=True)


def _in_clean_context(app):
    saved_config = dict(app.config)
    with app.app_context():
        yield app
        reset_state(app)
    app.config.clear()
    app.config.update(saved_config)


@pytest.fixture
def app(_shared_app):
    """The shared app in a fresh app context; tables and config are restored afterwards."""
    yield from _in_clean_context(_shared_app)


@pytest.fixture
def fresh_app(_migrated, instance_dir):
    """A new app, for tests that add routes of their own."""
    app = _build_app(instance_dir)
    yield from _in_clean_context(app)
    with app.app_context():
        _db.engine.dispose()


# What Flask-SocketIO's test client replaces on the server it is given.
_TEST_CLIENT_PATCHES = ("_send_packet", "_send_eio_packet", "async_handlers")


@pytest.fixture(autouse=True)
def _socketio_stays_bound():
    """A browser journey later in this worker (whatever order pytest-xdist gives the files)
    needs the shared app's Socket.IO server as it was built. Building an app (``fresh_app``, a
    test that restarts one) binds the one global Socket.IO object to a new server, and a
    ``socketio.test_client`` routes that server's packets to test clients for good (real
    browsers then never hear "connected"); both are undone after each test."""
    state = dict(vars(socketio))
    server = state.get("server")
    patched = dict(vars(server)) if server is not None else {}
    eio_async = server.eio.async_handlers if server is not None else None
    yield
    if server is None:  # before the worker's first app there is nothing to give back
        return
    vars(socketio).clear()
    vars(socketio).update(state)
    for name in _TEST_CLIENT_PATCHES:
        if name in patched:
            vars(server)[name] = patched[name]
        else:
            vars(server).pop(name, None)
    server.eio.async_handlers = eio_async


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_WROTE = "test_transaction_wrote"


@event.listens_for(Session, "after_flush")
def _note_write(session, _context) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_write(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


class SentMail:
    """The messages the outbox's sender delivered, as a list.

    Reading it first runs the sender once over what is committed, as the background sender
    would a moment later; mail queued in a transaction that has not committed stays unseen.
    """

    def __init__(self, messages: list) -> None:
        self._messages = messages

    def _delivered(self) -> list:
        session = _db.session()
        unsaved = session.new or session.dirty or session.deleted
        if session.in_transaction() and not (unsaved or session.info.get(_WROTE)):
            # A transaction that only read (an attribute loaded after a commit) would hold
            # SQLite's write lock (writes begin IMMEDIATE) and stall the sender's claim.
            session.commit()
        mail_sender.send_all_due()
        return self._messages

    def __len__(self) -> int:
        return len(self._delivered())

    def __iter__(self):
        return iter(self._delivered())

    def __getitem__(self, index):
        return self._delivered()[index]

    def __eq__(self, other) -> bool:
        return self._delivered() == other

    __hash__ = None

    def __bool__(self) -> bool:
        return bool(self._delivered())

    def __repr__(self) -> str:
        return repr(self._messages)

    def __delitem__(self, index) -> None:
        del self._delivered()[index]

    def clear(self) -> None:
        self._delivered().clear()


@pytest.fixture
def outbox(app):
    with mail.record_messages() as messages:
        yield SentMail(messages)


@pytest.fixture
def socket_client(app, client):
    """A Socket.IO test client that shares the HTTP client's cookies (and so its user)."""
    clients = []

    def connect():
        sio = socketio.test_client(app, flask_test_client=client)
        clients.append(sio)
        return sio

    yield connect
    for sio in clients:
        if sio.is_connected():
            sio.disconnect()


@pytest.fixture
def make_user(db):
    counter = {"n": 0}

    def factory(email=None, password=PASSWORD, role="citizen", confirmed=True, name=None,
                municipality="15106", active=True, locale="es_MX",
                privacy_version=PRIVACY_NOTICE_VERSION) -> User:
        counter["n"] += 1
        user = User(
            email=email or f"persona{counter['n']}@ejemplo.mx",
            name=name or f"Persona de Prueba {counter['n']}",
            role=role,
            municipality_code=municipality,
            email_confirmed_at=utcnow() if confirmed else None,
            active=active,
            locale=locale,
            privacy_version=privacy_version,  # accepted the current notice: no banner
            privacy_accepted_at=utcnow() if privacy_version else None,
        )
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return factory


def csrf_token(client, path: str = "/") -> str:
    """The token a real browser would have: read from a rendered form."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def post_form(client, url: str, data: dict | None = None, page: str = "/", **kwargs):
    """POST as a browser does: with the CSRF token of the session."""
    payload = {"csrf_token": csrf_token(client, page), **(data or {})}
    return client.post(url, data=payload, **kwargs)


def sign_in(client, email: str, password: str = PASSWORD):
    return post_form(client, "/cuenta/entrar", {"email": email, "password": password},
                     page="/cuenta/entrar")


def client_as(app, user):
    """A new test client signed in as ``user`` through the real form."""
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302
    return client


def field_error(body: str, name: str) -> str:
    """The message shown next to one field of a form (empty when there is none)."""
    match = re.search(rf'id="{name}-error">(.*?)</p>', body, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)) if match else ""


@pytest.fixture
def signed_in(client, make_user):
    """Sign a new user of the given role in through the real form; returns the user."""

    def as_role(role="citizen", **kwargs):
        user = make_user(role=role, **kwargs)
        response = sign_in(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return as_role


# --- organizations, built through the real services -----------------------------------
@pytest.fixture
def staff(make_user):
    return make_user(role="staff", email="personal@edomex.mx", name="Personal DGPS")


@pytest.fixture
def make_org(db, make_user, staff):
    """An OSC registered by its own admin, then validated/rejected/deactivated by staff."""
    counter = {"n": 0}

    def factory(name=None, status="validated", admin=None, municipality="15106",
                activities=("IX",), **fields):
        counter["n"] += 1
        admin = admin or make_user(name=f"Admin {counter['n']}")
        raw = {"name": name or f"Organización de Prueba {counter['n']}",
               "municipality_code": municipality, "activities": list(activities), **fields}
        org = registry_services.register(admin, raw)
        db.session.flush()
        if status == "validated":
            registry_services.validate(staff, org)
        elif status == "rejected":
            registry_services.reject(staff, org, "Faltan datos del acta.")
        elif status == "inactive":
            registry_services.validate(staff, org)
            registry_services.deactivate(staff, org, "Dejó de operar.")
        db.session.commit()
        org.admin = admin
        return org

    return factory


@pytest.fixture
def make_osc(make_org):
    """``make_org`` with positional name, municipality and areas, for compact sample data."""

    def factory(name, municipality="15106", areas=("IX",), status="validated", **fields):
        return make_org(name=name, municipality=municipality, activities=areas, status=status,
                        **fields)

    return factory
