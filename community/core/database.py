"""SQLite tuned for a web server: WAL, a busy timeout, foreign keys, and writes that begin
IMMEDIATE so two writers queue on the lock instead of failing half-way with "database is locked".

Reads (GET/HEAD requests) begin DEFERRED so they never wait for a writer.

Statistics: ``PRAGMA optimize`` on a connection's first return to the pool and then at most
hourly, as SQLite advises for long-lived connections, so the planner knows the tables' sizes.
"""

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

OPTIMIZE_EVERY_S = 3600.0
BUSY_TIMEOUT_MS = 10000

_read_only: ContextVar[bool] = ContextVar("sqlite_read_only", default=False)


def mark_read_only(value: bool) -> None:
    _read_only.set(value)


@contextmanager
def transaction_kind(read_only: bool) -> Iterator[None]:
    """Transactions begun inside begin DEFERRED (reads) or IMMEDIATE (writes); the caller's
    own setting comes back afterwards."""
    token = _read_only.set(read_only)
    try:
        yield
    finally:
        _read_only.reset(token)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event below decide how a transaction starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql("BEGIN" if _read_only.get() else "BEGIN IMMEDIATE")


@event.listens_for(Pool, "checkin")
def _restore_busy_timeout(dbapi_connection, _record) -> None:
    """Code that must not wait long shortens a connection's busy timeout for one statement
    (``PRAGMA optimize`` below, a page keeping an indicator figure). Whatever it did, the
    connection goes back to the pool with the usual timeout: one left at 100 ms made the
    next writer that drew it fail with "database is locked" under ordinary contention."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


@event.listens_for(Pool, "checkin")
def _optimize_sqlite(dbapi_connection, record) -> None:
    """Without statistics SQLite takes every ``column = ?`` for selective and may walk an
    index with a lookup per row where one survey or OSC is the whole table. ``PRAGMA
    optimize`` runs ANALYZE only on tables this connection used whose size changed a lot
    since their last analysis (usually nothing: microseconds); ``analysis_limit`` bounds an
    ANALYZE to a sample. It runs when the connection returns to the pool (after the request's
    work), on the first return and then at most hourly; a short busy timeout, and any error
    ignored, so it never makes a request wait for a writer."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    now = time.monotonic()
    if now < record.info.get("sqlite_optimize_after", 0.0):
        return
    record.info["sqlite_optimize_after"] = now + OPTIMIZE_EVERY_S
    try:
        dbapi_connection.execute("PRAGMA analysis_limit=400")
        dbapi_connection.execute("PRAGMA busy_timeout=200")
        dbapi_connection.execute("PRAGMA optimize")
    except sqlite3.Error:
        pass  # statistics are an optimisation: a locked database skips them this time
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
