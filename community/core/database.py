"""SQLite tuned for a web server: WAL, a busy timeout, foreign keys, and writes that begin
IMMEDIATE so two writers queue on the lock instead of failing half-way with "database is locked".

Reads (GET/HEAD requests) begin DEFERRED so they never wait for a writer.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

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
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql("BEGIN" if _read_only.get() else "BEGIN IMMEDIATE")
