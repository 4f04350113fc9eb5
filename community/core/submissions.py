"""One-time submission keys: a form that is tapped twice, resubmitted by the browser or retried
by a proxy after a reset connection acts at most once.

Every POST form carries a key made when the page is rendered (``form_keys()`` in the
templates). A request that brings one is watched: the first commit of the request that writes
something also inserts the key, under a unique (scope, key) constraint, in that same
transaction; after the response is built, its status and ``Location`` are recorded. A second
POST with the key is answered with the first result (the same redirect) and its view never
runs. The scope is the account, or for an anonymous visitor a hash of the session's CSRF secret,
so one person's key never replays another person's result.

- Two requests with one key at the same time: the second one's insert meets the first one's
  row (PostgreSQL waits for the first to commit; SQLite's writers queue on the lock), its whole
  transaction is rolled back, and it answers with the first result.
- The commit happened but the result was never recorded (the process died in between): the
  key is found without a result, and the answer is a 409 page "Este formulario ya se había
  enviado" that creates nothing.
- A refusal (4xx) leaves the key unused, so the corrected form can be sent again; a request
  that commits nothing never stores its key.
- Old keys are purged on write, at most once an hour per process (``purge``).

Without a key (API clients, scripts, tests that post by hand) a request runs as before.
"""

import hashlib
import logging
import re
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import (
    Flask,
    Response,
    current_app,
    flash,
    g,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import delete, event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from community.core.models import SubmissionKey
from community.core.timeutil import utcnow
from community.extensions import db

log = logging.getLogger(__name__)

FIELD = "submission_key"
HEADER = "X-Submission-Key"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_AGE = timedelta(days=2)
PURGE_EVERY_S = 3600.0
WAIT_FOR_RESULT_S = 3.0  # the first request committed and is recording its result
POLL_S = 0.05
_WROTE = "submission_key_wrote"
_next_purge = 0.0

ALREADY_SENT = _l("Este formulario ya se había enviado")
ALREADY_SENT_DETAIL = _l("Lo recibimos la primera vez y no lo guardamos de nuevo. Revisa la "
                         "página de donde venías para ver el resultado.")
REPLAYED = _l("Este formulario ya se había enviado; no lo guardamos de nuevo.")


@dataclass
class Pending:
    """The key of the request being served, until its result is recorded."""

    scope: str
    key: str
    endpoint: str
    row_id: int | None = None
    committed: bool = False


class KeyAlreadyUsed(Exception):
    """Raised inside a commit whose key another request stored first; nothing is saved."""


# --- rendering -----------------------------------------------------------------------------


def new_key() -> str:
    return secrets.token_urlsafe(16)


def key_field() -> Markup:
    """The hidden key of one form; the page cache swaps the keys it stores (core.pagecache)."""
    key = new_key()
    if has_request_context():
        g.setdefault("rendered_submission_keys", []).append(key)
    return Markup('<input type="hidden" name="{}" value="{}" data-sending="{}">').format(
        FIELD, key, _l("Enviando…"))


def form_keys(form=None) -> Markup:
    """What every POST form sends besides its fields: the CSRF token (with a WTForms form, its
    hidden fields) and a new submission key. Never read back from ``request.form``, so a form
    shown again after an error gets a new key."""
    if form is not None:
        hidden = form.hidden_tag()
    else:
        hidden = Markup('<input type="hidden" name="csrf_token" value="{}">').format(
            generate_csrf())
    return hidden + key_field()


# --- scope and lookup ----------------------------------------------------------------------


def request_scope() -> str | None:
    """Whose keys these are: the account, or the anonymous session (its CSRF secret, which
    every POST form's session has); None when there is neither."""
    if current_user.is_authenticated:
        return f"u:{current_user.id}"
    secret = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if not secret:
        return None
    return "s:" + hashlib.sha256(str(secret).encode()).hexdigest()[:32]


def posted_key() -> str | None:
    key = request.headers.get(HEADER) or request.form.get(FIELD)
    return key if key and KEY_PATTERN.fullmatch(key) else None


def find(scope: str, key: str) -> SubmissionKey | None:
    return db.session.scalar(select(SubmissionKey).where(
        SubmissionKey.scope == scope, SubmissionKey.key == key))


def wait_for(scope: str, key: str, timeout: float | None = None) -> SubmissionKey | None:
    """The stored key; while its first request is recording the result, wait a moment (each
    look ends its transaction, so SQLite's write lock is free for that request)."""
    timeout = WAIT_FOR_RESULT_S if timeout is None else timeout
    deadline = time.monotonic() + timeout
    while True:
        found = find(scope, key)
        if (found is None or found.status is not None or time.monotonic() >= deadline
                or found.created_at < utcnow() - timedelta(seconds=timeout)):
            return found
        db.session.rollback()
        time.sleep(POLL_S)


def purge(older_than: timedelta = MAX_AGE) -> int:
    """Forget keys older than ``older_than``; a retry comes within seconds, not days."""
    result = db.session.execute(delete(SubmissionKey).where(
        SubmissionKey.created_at < utcnow() - older_than))
    return result.rowcount or 0


# --- request hooks -------------------------------------------------------------------------


def check_key():
    """Before a POST view: answer a used key with its first result, or watch a new one."""
    g.pop("submission", None)
    if request.method not in WRITE_METHODS:
        return None
    key = posted_key()
    scope = key and request_scope()
    if not scope:
        return None
    found = wait_for(scope, key)
    if found is None:
        g.submission = Pending(scope, key, request.endpoint or "")
        return None
    return replay(found)


def replay(found: SubmissionKey | None):
    """The first result again: its redirect, or the "already sent" answer when the result is
    unknown, was not a redirect, or belongs to another form."""
    location = found.location if found is not None else None
    if (found is not None and found.endpoint == request.endpoint and location
            and 300 <= (found.status or 0) < 400):
        if not _wants_json():
            flash(REPLAYED, "info")
        return redirect(location, found.status)
    return already_sent()


def already_sent(status: int = 409):
    if _wants_json():
        return jsonify(error=str(ALREADY_SENT), message=str(ALREADY_SENT_DETAIL)), status
    return render_template("errors/error.html", code=status, title=ALREADY_SENT,
                           message=ALREADY_SENT_DETAIL), status


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def record_result(response: Response) -> Response:
    """After the view: keep what the committed request answered (status and Location); a
    refusal (4xx) gives its key back. Recorded in a transaction of its own, after anything the
    view left uncommitted is dropped (as the end of the request would drop it)."""
    pending = g.get("submission")
    if pending is None or not pending.committed or pending.row_id is None:
        return response
    g.pop("submission", None)
    try:
        db.session.rollback()
        if 400 <= response.status_code < 500:
            db.session.execute(delete(SubmissionKey).where(SubmissionKey.id == pending.row_id))
        else:
            db.session.execute(update(SubmissionKey).where(
                SubmissionKey.id == pending.row_id).values(
                status=response.status_code, location=response.headers.get("Location")))
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("submission key %s: result not recorded", pending.row_id, exc_info=True)
    return response


def key_already_used(_error: KeyAlreadyUsed):
    """Another request with this key committed first: this one saved nothing."""
    db.session.rollback()
    pending = g.pop("submission", None)
    found = wait_for(pending.scope, pending.key) if pending else None
    return replay(found)


# --- the commit that stores the key --------------------------------------------------------


@event.listens_for(Engine, "before_cursor_execute")
def _note_write(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    if statement.lstrip()[:6].upper() in {"INSERT", "UPDATE", "DELETE"}:
        conn.info[_WROTE] = True


@event.listens_for(Engine, "begin")
def _forget_write(conn) -> None:
    conn.info.pop(_WROTE, None)


def _pending() -> Pending | None:
    if not has_request_context():
        return None
    pending = g.get("submission")
    return pending if pending is not None and pending.row_id is None else None


@event.listens_for(Session, "before_commit")
def _store_key(session: Session) -> None:
    """The request's first writing commit carries its key, in the same transaction."""
    pending = _pending()
    if pending is None or not session.in_transaction():
        return
    session.flush()  # the view's own rows first: their errors stay theirs
    if not session.connection().info.get(_WROTE):
        return
    row = SubmissionKey(scope=pending.scope, key=pending.key, endpoint=pending.endpoint)
    session.add(row)
    try:
        session.flush()
    except IntegrityError as error:
        raise KeyAlreadyUsed(pending.key) from error
    pending.row_id = row.id
    _purge_now_and_then()


def _purge_now_and_then() -> None:
    global _next_purge
    now = time.monotonic()
    if now >= _next_purge:
        _next_purge = now + PURGE_EVERY_S
        purge()


@event.listens_for(Session, "after_commit")
def _committed(_session: Session) -> None:
    if has_request_context():
        pending = g.get("submission")
        if pending is not None and pending.row_id is not None:
            pending.committed = True


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(_session: Session, _previous) -> None:
    if has_request_context():
        pending = g.get("submission")
        if pending is not None and not pending.committed:
            pending.row_id = None


def init_app(app: Flask) -> None:
    """Registered last, so that a key is looked up after CSRF, rate limits and sign-in."""
    app.before_request(check_key)
    app.after_request(record_result)
    app.register_error_handler(KeyAlreadyUsed, key_already_used)
    app.jinja_env.globals["form_keys"] = form_keys
