"""Outgoing mail goes through an outbox: a row per message, written in the caller's transaction.

A saved change and the mail that reports it commit or roll back together, and nothing talks to
an SMTP server inside a request: ``community.core.mail_sender`` delivers the rows later, with
retries, from a thread (``make run``) or ``flask mail send``. The body is rendered here, in the
recipient's language, so the sender needs no templates and no request.
"""

import threading
from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import case, func, select, update

from community.core.aftercommit import call_after_commit, is_quiet
from community.core.audit import record
from community.core.models import OutgoingMail, OutgoingMailAttachment
from community.core.permissions import require_staff
from community.core.timeutil import utcnow
from community.extensions import db

# Set after a commit that queued mail, so a sender thread of this process starts at once
# instead of at its next poll.
queued_event = threading.Event()
_WAKE_KEY = "mail_wake_registered"


def send_template(to: str, subject, template: str, locale: str | None = None,
                  attachments: tuple = (), **context) -> OutgoingMail | None:
    """Render ``templates/mail/<template>.txt`` and queue it in the current transaction.

    ``attachments``: ``(filename, content_type, data)`` triples (an .ics, a QR code image).
    Inside ``aftercommit.quiet()`` (demo and import data) nothing is queued.
    """
    if is_quiet():
        return None
    locale = locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        subject = str(subject)
        body = render_template(f"mail/{template}.txt", **context)
    return queue(to, subject, body, attachments)


def queue(to: str, subject: str, body: str, attachments: tuple = ()) -> OutgoingMail:
    """One outbox row; it leaves after the caller commits, never if it rolls back."""
    message = OutgoingMail(
        recipient=to, subject=" ".join(subject.split())[:400], body=body,
        message_id=make_msgid(domain=_mail_domain()), status=OutgoingMail.PENDING,
        next_attempt_at=utcnow(),
        attachments=[OutgoingMailAttachment(filename=name, content_type=kind, data=data)
                     for name, kind, data in attachments],
    )
    session = db.session()
    session.add(message)
    if not session.info.get(_WAKE_KEY):
        session.info[_WAKE_KEY] = True
        call_after_commit(session, _wake_sender)
    return message


def _wake_sender() -> None:
    db.session().info.pop(_WAKE_KEY, None)
    queued_event.set()


def _mail_domain() -> str:
    """Message-IDs name our own host (from BASE_URL, never a request's Host header)."""
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


# --- what staff see and do ---------------------------------------------------------------

FAILED_PAGE_SIZE = 50


def outbox_summary(actor) -> dict:
    """Counts by state, the oldest message still waiting, and the messages that gave up."""
    require_staff(actor)
    counts = dict(db.session.execute(
        select(OutgoingMail.status, func.count()).group_by(OutgoingMail.status)).all())
    oldest = db.session.scalar(select(func.min(OutgoingMail.created_at)).where(
        OutgoingMail.status == OutgoingMail.PENDING))
    retrying = db.session.scalar(select(func.count()).where(
        OutgoingMail.status == OutgoingMail.PENDING, OutgoingMail.attempts > 0))
    failed = db.session.scalars(
        select(OutgoingMail).where(OutgoingMail.status == OutgoingMail.FAILED)
        .order_by(OutgoingMail.created_at.desc()).limit(FAILED_PAGE_SIZE)).all()
    return {
        "pending": counts.get(OutgoingMail.PENDING, 0),
        "sent": counts.get(OutgoingMail.SENT, 0),
        "failed": counts.get(OutgoingMail.FAILED, 0),
        "retrying": retrying or 0,
        "oldest_pending": oldest,
        "failed_messages": failed,
    }


def outbox_counts(actor) -> dict:
    """What the staff console shows of the outbox: messages waiting (and since when),
    retrying and failed, in one query."""
    require_staff(actor)
    pending = OutgoingMail.status == OutgoingMail.PENDING
    row = db.session.execute(select(
        func.count(case((pending, 1))),
        func.min(case((pending, OutgoingMail.created_at))),
        func.count(case((pending & (OutgoingMail.attempts > 0), 1))),
        func.count(case((OutgoingMail.status == OutgoingMail.FAILED, 1))),
    )).one()
    return {"pending": row[0] or 0, "oldest_pending": row[1], "retrying": row[2] or 0,
            "failed": row[3] or 0}


def retry_failed(actor, mail_id: int | None = None, ip: str | None = None) -> int:
    """Put failed messages (one, or all) back in the queue with a fresh count of attempts."""
    require_staff(actor)
    statement = (update(OutgoingMail).where(OutgoingMail.status == OutgoingMail.FAILED)
                 .values(status=OutgoingMail.PENDING, attempts=0, next_attempt_at=utcnow(),
                         claimed_until=None))
    target = None
    if mail_id is not None:
        statement = statement.where(OutgoingMail.id == mail_id)
        target = db.session.get(OutgoingMail, mail_id)
    count = db.session.execute(statement).rowcount
    if count:
        record("mail.retry", actor, target, ip=ip, count=count)
        call_after_commit(db.session(), queued_event.set)
    return count
