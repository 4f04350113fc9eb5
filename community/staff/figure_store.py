"""Computed figures kept in the database, shared by every worker process.

A figure at scale counts up to a million rows (3.6 s for the console's cards cold), and the
data it counts changes all day (each check-in), so a per-process cache alone would make staff
wait again after every write. Figures are therefore computed in the background
(``refresh``: a thread of ``make run``, ``flask indicators refresh`` at scale) and stored
here; a page reads the stored figure when it is current, or, within
``INDICATOR_STALE_SECONDS``, when it is older than the data, and says when it was computed.
Only a question nobody asked recently (a custom range, a municipality) is counted in the
request, and then kept here for the next person.
"""

import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask import has_request_context, request
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError

from community.core.database import transaction_kind
from community.core.timeutil import utcnow
from community.extensions import db
from community.staff.models import IndicatorFigure

log = logging.getLogger(__name__)
KEEP_DAYS = 2  # a figure nobody refreshed for this long is forgotten
_pending: list = []  # the refresh's figures, written together at the end of its round


def digest(key: tuple) -> str:
    return hashlib.sha256(repr(key).encode("utf-8")).hexdigest()


def _versions_text(versions: tuple) -> str:
    return json.dumps([list(v) for v in versions])


def fetch(key: tuple, versions: tuple, fresh_seconds: int,
          stale_seconds: int) -> tuple[object, datetime] | None:
    """The stored value and when it was computed, if it may be shown: computed at the
    current data versions within ``fresh_seconds``, or at any versions within
    ``stale_seconds``."""
    row = db.session.execute(select(IndicatorFigure.value, IndicatorFigure.versions,
                                    IndicatorFigure.computed_at)
                             .where(IndicatorFigure.key == digest(key))).first()
    if row is None:
        return None
    age = (utcnow() - row.computed_at).total_seconds()
    current = row.versions == _versions_text(versions) and age < fresh_seconds
    if current or age < stale_seconds:
        return json.loads(row.value), row.computed_at
    return None


def save(key: tuple, versions: tuple, value, computed_at: datetime,
         refreshing: bool = False) -> None:
    """Upsert the figure. In a page, on a connection of its own so that keeping a figure
    never commits the request's session (a read: SQLite lets another connection write);
    skipped while a form is handled, where the request may hold SQLite's write lock and the
    figure is not worth a wait. In the background refresh, through its session (which
    there holds the write lock itself; ``refresh`` commits). Anywhere else (a command
    seeding data, a test) nothing is kept: a commit there could end someone's unit of work."""
    table = IndicatorFigure.__table__
    row = {"key": digest(key), "value": json.dumps(value),
           "versions": _versions_text(versions), "computed_at": computed_at}
    statement = _insert(table).values(**row)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"value": statement.excluded.value, "versions": statement.excluded.versions,
              "computed_at": statement.excluded.computed_at})
    if refreshing:
        _pending.append(statement)
        return
    if not has_request_context():
        return
    if request.method not in ("GET", "HEAD"):
        return
    try:
        with db.engine.begin() as connection, _short_wait(connection):
            connection.execute(statement)
    except OperationalError:  # the database is busy: the next request counts it again
        log.info("indicators: a figure could not be kept (database busy)")


@contextmanager
def _short_wait(connection):
    """On SQLite, wait at most 200 ms for another writer: a page never waits long to keep
    a figure (the connection's usual timeout comes back afterwards)."""
    if connection.dialect.name != "sqlite":
        yield
        return
    usual = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    connection.exec_driver_sql("PRAGMA busy_timeout = 200")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(usual)}")


@contextmanager
def refreshing() -> Iterator[None]:
    """One round of the background refresh. Its counting (seconds at scale) reads in a
    transaction that begins DEFERRED, so on SQLite it never holds the write lock that every
    form needs; the figures are written afterwards in one short transaction, with the old
    ones forgotten."""
    _pending.clear()
    try:
        with transaction_kind(read_only=True):
            yield
            db.session.commit()  # end the reading transaction before writing
        with transaction_kind(read_only=False):
            for statement in _pending:
                db.session.execute(statement)
            forget_old()
            db.session.commit()
    finally:
        _pending.clear()


def forget_old(now: datetime | None = None) -> int:
    """Called by the refresh, through its session (it commits)."""
    cutoff = (now or utcnow()) - timedelta(days=KEEP_DAYS)
    return db.session.execute(
        delete(IndicatorFigure).where(IndicatorFigure.computed_at < cutoff)).rowcount


def _insert(table):
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)
