"""Keeping the index in step with the database: the outbox and its drain.

Any flush that inserts, changes or deletes a row of a registered kind's model (or of one of
its ``related`` models) writes ``search_outbox`` rows in the same transaction, so a change and
its "re-index me" note commit or roll back together. After the commit, the session's outbox
is drained into the index (:func:`drain`): under the writer lock, oldest row first, each
object re-read from the database and its documents replaced. The index is committed before
the outbox rows are deleted, so a crash in between only means doing the same work again.

The drain never fails the request that triggered it: a busy lock, a broken index or a bug in
a kind is logged and the rows stay for the next drain (the next commit anywhere, the next
start, or ``flask search drain``).
"""

import logging
import threading
import time
from collections import defaultdict

from flask import current_app, has_app_context
from sqlalchemy import delete, event, insert, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from community.core.database import transaction_kind
from community.core.timeutil import utcnow
from community.extensions import db
from community.search import index, registry
from community.search.models import SearchOutbox

logger = logging.getLogger(__name__)

PENDING_KEY = "search_outbox_written"
BATCH_SIZE = 200
_local = threading.local()


# --- writing the outbox -------------------------------------------------------------------


def _changed_objects(session: Session):
    yield from session.new
    yield from session.deleted
    for obj in session.dirty:
        if session.is_modified(obj):
            yield obj


def _affected(session: Session) -> set[tuple[str, int]]:
    pairs: set[tuple[str, int]] = set()
    targets: dict[type, list] = {}
    for obj in _changed_objects(session):
        model = type(obj)
        if model not in targets:
            targets[model] = registry.kind_for_model(model)
        for kind, mapper in targets[model]:
            ids = [index.primary_key(obj)] if mapper is None else mapper(obj)
            pairs.update((kind.name, int(i)) for i in ids if i is not None)
    return pairs


@event.listens_for(Session, "after_flush")
def _write_outbox(session: Session, _context) -> None:
    if not registry.kinds():
        return
    pairs = _affected(session)
    if pairs:
        enqueue(pairs, session)


def enqueue(pairs, session: Session | None = None) -> None:
    """Note ``(kind, object id)`` pairs for re-indexing in the session's transaction.

    The ORM listener does this for every flush; call it by hand after writes that bypass the
    ORM (Core ``insert``/``update``), or run ``flask search reindex`` after a bulk load.
    """
    session = session or db.session()
    now = utcnow()
    rows = [{"kind": kind, "object_id": object_id, "created_at": now}
            for kind, object_id in sorted(pairs)]
    if rows:
        session.connection().execute(insert(SearchOutbox.__table__), rows)
        session.info[PENDING_KEY] = True


@event.listens_for(Session, "after_commit")
def _drain_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        # SQLAlchemy also calls this when a savepoint is released: the transaction that wrote
        # the outbox is still open (on SQLite it holds the write lock a drain would wait for).
        return
    if not session.info.pop(PENDING_KEY, False) or getattr(_local, "draining", False):
        return
    if not has_app_context():
        return  # no app to drain with: the next drain picks the rows up
    app = current_app._get_current_object()
    if "search" not in app.extensions:
        return
    try:
        drain(app, timeout=app.config.get("SEARCH_DRAIN_TIMEOUT", 2.0))
    except Exception:  # noqa: BLE001 - the request has committed; never turn it into a 500
        logger.exception("search: drain after commit failed; the outbox keeps the changes")


@event.listens_for(Session, "after_rollback")
def _forget_outbox(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)


# --- draining it --------------------------------------------------------------------------


def drain(app, timeout: float = 2.0) -> int:
    """Apply pending outbox rows to the index; returns how many rows were applied.

    Waits at most ``timeout`` seconds for the writer lock and stops taking new batches after
    about as long again, so a request that triggers it stays fast. A busy lock leaves the
    rows where they are and returns 0. Runs in its own app context and database session,
    never inside the caller's transaction.
    """
    if getattr(_local, "draining", False):
        return 0
    _local.draining = True
    try:
        with app.app_context():
            try:
                with index.writer_lock(timeout):
                    return drain_locked(app, deadline=time.monotonic() + max(timeout, 0.5))
            except index.LockBusy:
                logger.info("search: index writer busy; changes stay in the outbox")
                return 0
    finally:
        _local.draining = False


def drain_locked(app, deadline: float | None = None, reindexing: bool | None = None) -> int:
    """The drain proper; the caller holds :func:`index.writer_lock`.

    While a reindex is building (``reindexing``; looked up when None) the old index is kept
    up to date but no outbox row is deleted: the reindex re-applies them after its swap.
    """
    draining, _local.draining = getattr(_local, "draining", False), True
    try:
        with app.app_context():
            return _drain(deadline, reindexing)
    finally:
        _local.draining = draining


def _drain(deadline: float | None, reindexing: bool | None) -> int:
    marker = index.reindex_marker() if reindexing is None else None
    reindexing = marker is not None if reindexing is None else reindexing
    ix = index.open_index()
    if reindexing and ix is None:
        return 0  # nothing serving yet: the reindex applies everything after its swap
    cursor = int((marker or {}).get("applied", 0)) if reindexing else 0
    applied = 0
    while deadline is None or time.monotonic() < deadline:
        with transaction_kind(True):
            rows = db.session.execute(
                select(SearchOutbox.id, SearchOutbox.kind, SearchOutbox.object_id)
                .where(SearchOutbox.id > cursor).order_by(SearchOutbox.id).limit(BATCH_SIZE)
            ).all()
            if not rows:
                db.session.rollback()
                break
            if ix is None:
                ix = index.create_empty()
            changes, done = _documents(rows, ix.schema)
            db.session.rollback()
        _write(ix, changes)
        cursor = rows[-1].id
        if reindexing:
            index.write_reindex_marker({**(marker or {}), "applied": cursor})
        elif done:
            with transaction_kind(False):
                db.session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(done)))
                db.session.commit()
        applied += len(done)
    return applied


def _documents(rows, schema) -> tuple[list[tuple[str, int, list[dict]]], list[int]]:
    """Each object's documents as the database has them now; the outbox ids they settle."""
    by_object: dict[tuple[str, int], list[int]] = defaultdict(list)
    for row in rows:
        by_object[(row.kind, row.object_id)].append(row.id)
    kinds = registry.kinds()
    _load_together(kinds, by_object)
    changes, done = [], []
    for (name, object_id), ids in by_object.items():
        kind = kinds.get(name)
        if kind is None:
            logger.warning("search: outbox row for unknown kind %r kept", name)
            continue
        try:
            obj = db.session.get(kind.model, object_id)
            documents = [] if obj is None else kind.documents(obj)
            prepared = index.prepare(name, object_id, documents, schema)
        except Exception:  # noqa: BLE001 - one bad row must not stop the others
            logger.exception("search: %s:%s could not be indexed; kept in the outbox",
                             name, object_id)
            db.session.rollback()
            continue
        changes.append((name, object_id, prepared))
        done.extend(ids)
    return changes, done


def _load_together(kinds, by_object) -> None:
    """One query per kind puts the batch's rows in the session, so ``get`` finds them there."""
    wanted: dict[str, list[int]] = defaultdict(list)
    for name, object_id in by_object:
        wanted[name].append(object_id)
    for name, object_ids in wanted.items():
        kind = kinds.get(name)
        if kind is None or len(object_ids) < 2:
            continue
        key = sa_inspect(kind.model).primary_key[0]
        try:
            db.session.scalars(select(kind.model).where(key.in_(object_ids))).all()
        except Exception:  # noqa: BLE001 - only a shortcut: each row is read again below
            logger.exception("search: could not preload %s rows", name)
            db.session.rollback()


def _write(ix, changes) -> None:
    if not changes:
        return
    writer = ix.writer(timeout=10.0)
    try:
        for name, object_id, documents in changes:
            writer.delete_by_query(index.object_query(name, object_id))
            for document in documents:
                writer.add_document(**document)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
