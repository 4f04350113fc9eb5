"""Rendered public pages kept in memory, per process, for anonymous visitors.

A page is stored under (namespace, data version, language, path). Any flush that touches a
tracked model raises the namespace's version in the same transaction, so a cached page can
never outlive the data it shows, whichever process wrote it. Signed-in visitors, pending flash
messages and non-200 answers are never cached. The visitor's CSRF token is cut out of the
stored page and the next visitor's own token is put back in.
"""

import threading
import time
from collections import OrderedDict
from functools import wraps

from flask import Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from community.core.models import DataVersion
from community.extensions import db

TOKEN_PLACEHOLDER = "\x00csrf\x00"  # noqa: S105 - a marker, not a secret
MAX_ENTRIES = 2000
MAX_BODY_BYTES = 512 * 1024
_TRACKED: dict[type, str] = {}
_pages: OrderedDict = OrderedDict()
_lock = threading.Lock()


def track(namespace: str, *models: type) -> None:
    """Changes to rows of ``models`` make the pages of ``namespace`` stale."""
    for model in models:
        _TRACKED[model] = namespace


@event.listens_for(Session, "after_flush")
def _bump_versions(session: Session, _context) -> None:
    touched = {_TRACKED[type(obj)] for obj in (*session.new, *session.deleted)
               if type(obj) in _TRACKED}
    touched |= {_TRACKED[type(obj)] for obj in session.dirty
                if type(obj) in _TRACKED and session.is_modified(obj)}
    for namespace in sorted(touched):
        bump(namespace, session)


def bump(namespace: str, session: Session | None = None) -> None:
    """Raise a version by hand, for writes that bypass the ORM (bulk loads)."""
    session = session or db.session()
    connection = session.connection()
    updated = connection.execute(update(DataVersion).where(DataVersion.namespace == namespace)
                                 .values(version=DataVersion.version + 1))
    if updated.rowcount == 0:
        connection.execute(DataVersion.__table__.insert().values(namespace=namespace,
                                                                 version=1))


def current_version(namespace: str) -> int:
    return db.session.scalar(select(DataVersion.version).where(
        DataVersion.namespace == namespace)) or 0


def _cacheable_request() -> bool:
    return (request.method == "GET" and not current_app.config.get("PAGE_CACHE_DISABLED")
            and "_flashes" not in session and not current_user.is_authenticated)


def cached_page(namespace: str, max_age: int | None = None, vary=None):
    """Decorate a public GET view whose output depends only on the URL and the data.

    ``max_age`` (seconds) is for pages that also depend on the clock (an event moves from
    "upcoming" to "past" with no write): their entries last at most that long. ``vary``, a
    function called per request, is for pages that also depend on something outside the
    database (the search index, which catches up just after a commit): what it returns is
    part of the key.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not _cacheable_request():
                return view(*args, **kwargs)
            key = (namespace, current_version(namespace), str(get_locale()), request.full_path,
                   int(time.time() // max_age) if max_age else 0, vary() if vary else None)
            with _lock:
                hit = _pages.get(key)
                if hit is not None:
                    _pages.move_to_end(key)
            if hit is not None:
                return _replay(*hit)
            response = current_app.make_response(view(*args, **kwargs))
            _store(key, response)
            return response

        return wrapper

    return decorator


def _replay(body: bytes, status: int, headers: list) -> Response:
    if TOKEN_PLACEHOLDER.encode() in body:
        body = body.replace(TOKEN_PLACEHOLDER.encode(), generate_csrf().encode())
    return Response(body, status=status, headers=headers)


def _store(key, response: Response) -> None:
    if response.status_code != 200 or response.direct_passthrough or response.is_streamed:
        return
    body = response.get_data()
    if len(body) > MAX_BODY_BYTES:
        return
    token = g.get("csrf_token")
    if token:
        body = body.replace(token.encode(), TOKEN_PLACEHOLDER.encode())
    headers = [(k, v) for k, v in response.headers.items()
               if k.lower() not in {"set-cookie", "content-length"}]
    with _lock:
        _pages[key] = (body, response.status_code, headers)
        while len(_pages) > MAX_ENTRIES:
            _pages.popitem(last=False)


def clear() -> None:
    with _lock:
        _pages.clear()
