"""A savepoint released inside a transaction that wrote outbox rows does not drain: the rows
are not committed yet (and on SQLite the open transaction holds the lock the drain needs).
The drain comes with the real commit."""

from community.extensions import db
from community.search import outbox
from community.search.models import SearchOutbox


def test_a_released_savepoint_does_not_drain_the_outer_transaction(app, monkeypatch, make_user):
    drained = []
    monkeypatch.setattr(outbox, "drain", lambda app, timeout: drained.append(timeout) or 0)
    outbox.enqueue({("organization", 1)})
    with db.session.begin_nested():
        db.session.execute(SearchOutbox.__table__.select())
    assert drained == []
    db.session.commit()
    assert len(drained) == 1
