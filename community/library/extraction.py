"""Reading the uploaded PDFs in the background: the text of every page and the cover.

A new file version is ``pending``. A worker claims it with a conditional UPDATE that sets a
lease (so any number of workers can run, and a worker that dies leaves a file that is claimed
again when the lease ends), then reads it in a child process with limits on time, pages and
memory (``pdf``). The result is one commit: the pages' text (which the search indexes through
its outbox) and the cover. A file that cannot be read stays published, marked "sin texto
buscable"; the page shows the designed cover instead of a thumbnail.

``make run`` runs a thread of the web process (:func:`start_thread`); production runs
``flask library extract`` beside the web workers; ``flask seed-demo`` calls
:func:`extract_all_pending` so the demo's text is searchable at once.
"""

import logging
import threading
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import delete, or_, select, update

from community.core import uploads
from community.core.database import transaction_kind
from community.core.timeutil import utcnow
from community.extensions import db
from community.library import pdf
from community.library.models import Resource, ResourceFile, ResourcePage

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 3
queued_event = threading.Event()  # set after a commit that added a file: wake the thread


def _due(now):
    return (ResourceFile.text_status.in_(("pending", "running")),
            or_(ResourceFile.claimed_until.is_(None), ResourceFile.claimed_until < now),
            ResourceFile.attempts < MAX_ATTEMPTS)


def claim_next() -> int | None:
    """The id of one file to read, now leased to this worker; None when nothing waits."""
    now = utcnow()
    with transaction_kind(read_only=True):  # an idle poll takes no write lock
        file_id = db.session.scalar(select(ResourceFile.id).where(*_due(now))
                                    .order_by(ResourceFile.id).limit(1))
        db.session.commit()
    if file_id is None:
        return None
    claimed = db.session.execute(
        update(ResourceFile).where(ResourceFile.id == file_id, *_due(now))
        .values(text_status="running", claimed_until=now + LEASE,
                attempts=ResourceFile.attempts + 1)).rowcount
    db.session.commit()
    return file_id if claimed else None


def process(file_id: int) -> str:
    """Read one claimed file and store what was found; returns its text status.

    No transaction is open while the child process reads the file (up to the time limit):
    on SQLite an open write transaction would hold every other writer of the site."""
    with transaction_kind(read_only=True):
        stored_name = db.session.scalar(select(ResourceFile.stored_name)
                                        .where(ResourceFile.id == file_id))
        db.session.commit()
    if stored_name is None:
        return "gone"
    config = current_app.config
    try:
        path = uploads.private_path(stored_name)
    except Exception:  # noqa: BLE001 - the file is gone from the disk: nothing to read
        return _finish(file_id, pdf.Extraction(pages=[], status="failed",
                                               error="the file is missing from the disk"), None)
    found = pdf.extract_pages(path, time_limit=config["LIBRARY_EXTRACT_SECONDS"],
                              max_pages=config["LIBRARY_MAX_PAGES"],
                              memory_mb=config["LIBRARY_EXTRACT_MEMORY_MB"])
    cover = pdf.render_cover(path, width=config["LIBRARY_COVER_WIDTH"])
    return _finish(file_id, found, cover)


def _finish(file_id: int, found, cover: bytes | None) -> str:
    stored = db.session.get(ResourceFile, file_id)
    if stored is None:
        return "gone"
    db.session.execute(delete(ResourcePage).where(ResourcePage.file_id == stored.id))
    db.session.add_all(ResourcePage(file_id=stored.id, number=n, text=text)
                       for n, text in enumerate(found.pages, start=1) if text)
    old_cover = stored.cover_name
    stored.cover_name = uploads.store_image_bytes(cover, "jpg") if cover else None
    stored.text_status = found.status
    stored.text_error = (found.error or "")[:300] or None
    stored.extracted_at = utcnow()
    stored.claimed_until = None
    _touch(stored.resource)
    db.session.commit()
    if old_cover and old_cover != stored.cover_name:
        uploads.delete_public(old_cover)
    return found.status


def _touch(resource: Resource) -> None:
    """The resource and its parts are re-indexed with the new text (search outbox)."""
    now = utcnow()
    resource.updated_at = now
    for part in resource.parts:
        part.updated_at = now


def extract_all_pending(limit: int | None = None) -> dict[str, int]:
    """Read every waiting file now (the CLI's ``--once``, the demo, the tests)."""
    outcomes: dict[str, int] = {}
    while limit is None or sum(outcomes.values()) < limit:
        file_id = claim_next()
        if file_id is None:
            break
        status = _guarded(file_id)
        outcomes[status] = outcomes.get(status, 0) + 1
    return outcomes


def _guarded(file_id: int) -> str:
    try:
        return process(file_id)
    except Exception:  # one bad file must not stop the others; the lease brings it back
        log.exception("library: reading file %s failed", file_id)
        db.session.rollback()
        return "error"


def run(app: Flask, interval: float, stop: threading.Event | None = None) -> None:
    """Read for ever (or until ``stop``), waking when this process queued a file."""
    stop = stop or threading.Event()
    while not stop.is_set():
        queued_event.clear()
        try:
            with app.app_context():
                extract_all_pending()
        except Exception:  # a database hiccup must not end the worker
            log.exception("library: this round failed; trying again")
        queued_event.wait(interval)


def start_thread(app: Flask, interval: float = 10.0) -> threading.Thread:
    thread = threading.Thread(target=run, args=(app, interval), name="library-extract",
                              daemon=True)
    thread.start()
    return thread
