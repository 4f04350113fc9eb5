"""SQLite write transactions begin IMMEDIATE: concurrent read-modify-write loses nothing."""

import threading

import pytest
from sqlalchemy import select, update

from community.accounts.models import User
from community.core.database import BUSY_TIMEOUT_MS, mark_read_only


def test_concurrent_read_modify_write_on_sqlite(app, db, make_user):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the IMMEDIATE rule is SQLite's; PostgreSQL has row locks")
    user = make_user(name="0")
    errors, threads_count, rounds = [], 6, 15
    engine, user_id = db.engine, user.id
    db.session.rollback()  # release the write lock this thread took by reading

    def worker():
        mark_read_only(False)  # a thread outside a request writes, like a CLI command
        try:
            for _ in range(rounds):
                with engine.begin() as conn:
                    value = int(conn.execute(select(User.name).where(User.id == user_id))
                                .scalar_one())
                    conn.execute(update(User).where(User.id == user_id)
                                 .values(name=str(value + 1)))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    db.session.expire_all()
    assert db.session.get(User, user.id).name == str(threads_count * rounds)


def test_a_connection_returns_to_the_pool_with_the_usual_busy_timeout(app, db):
    """A shortened timeout left on a pooled connection made the next writer to draw it fail
    after 100 ms (two concurrency tests failed that way after a figure-store test)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the busy timeout is SQLite's")
    db.session.commit()
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        raw.execute("PRAGMA busy_timeout = 100")
    # Back in the pool, waiting for the next writer to draw it:
    assert raw.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
