"""SQLite write transactions begin IMMEDIATE: concurrent read-modify-write loses nothing."""

import threading

import pytest
from sqlalchemy import select, update

from community.accounts.models import User
from community.core.database import mark_read_only


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
