"""In-app notifications, the one way every module tells a person that something happened.

Modules call :func:`notify` inside their transaction; the rows commit (or roll back) with the
act, and the live push to the person's ``user:<id>`` Socket.IO room happens only after commit.
"""

from collections.abc import Iterable

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select, update

from community.core import notification_mail
from community.core.aftercommit import push_after_commit
from community.core.errors import NotFound, ValidationError
from community.core.models import Notification
from community.core.permissions import require_signed_in
from community.core.timeutil import utcnow
from community.extensions import db, socketio

MAX_MESSAGE = 400


def notify(users: Iterable, kind: str, message, url: str | None = None,
           already_mailed: bool = False) -> list[Notification]:
    """Add one notification per distinct active user; ``message`` may be a lazy string, so
    each person reads it in their own language. Those who chose to be mailed every notice
    get a mail after commit, unless the caller mails its own, richer message about the same
    act (``already_mailed``: a registration with its .ics, a registry decision)."""
    seen: set[int] = set()
    created = []
    recipients = []
    default_locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        with force_locale(user.locale or default_locale):
            text = str(message)[:MAX_MESSAGE]
        created.append(Notification(user_id=user.id, kind=kind, message=text, url=url))
        recipients.append(user)
    db.session.add_all(created)
    if created:
        payloads = [(n.user_id, n.kind, n.message, n.url) for n in created]
        push_after_commit(db.session(), lambda: _push(payloads))
        if already_mailed:
            for notice in created:
                notice.emailed_at = utcnow()
        else:
            _mail_each(recipients, created)
    return created


def _mail_each(recipients: list, created: list[Notification]) -> None:
    """People who chose "each" get the notice by mail too, after commit (never twice: the
    daily digest skips what is already marked emailed)."""
    notification_mail.mail_each(list(zip(recipients, created, strict=True)), utcnow())


def _push(payloads: list[tuple[int, str, str, str | None]]) -> None:
    """Live delivery is a courtesy: the notification is already saved, so a broken socket
    server must not turn into an error for whoever acted."""
    for user_id, kind, message, url in payloads:
        try:
            socketio.emit("notification", {"kind": kind, "message": message, "url": url},
                          to=f"user:{user_id}")
        except Exception:  # noqa: BLE001 - see docstring
            current_app.logger.warning("live notification to user %s failed", user_id)


#: The header's badge, on every signed-in page: built once (see core.pagecache._VERSION).
_UNREAD = select(func.count()).select_from(Notification).where(
    Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(_UNREAD, {"user_id": user.id}) or 0


def latest_unread(user, limit: int = 5) -> tuple[list[Notification], int]:
    """The person's newest unread notices and how many are unread, in one query."""
    if not getattr(user, "is_authenticated", False):
        return [], 0
    rows = db.session.execute(
        select(Notification, func.count().over())
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)).all()
    return [notice for notice, _ in rows], (rows[0][1] if rows else 0)


def for_user(actor, page: int = 1, per_page: int = 30):
    require_signed_in(actor)
    stmt = (select(Notification).where(Notification.user_id == actor.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def mark_read(actor, notification_id: int | None = None) -> int:
    """Mark one notification (or all of them) read; only the owner's rows are touched."""
    require_signed_in(actor)
    stmt = update(Notification).where(Notification.user_id == actor.id,
                                      Notification.read_at.is_(None))
    if notification_id is not None:
        if db.session.get(Notification, notification_id) is None:
            raise NotFound()
        stmt = stmt.where(Notification.id == notification_id)
    return db.session.execute(stmt.values(read_at=utcnow())).rowcount


def open_notification(actor, notification_id: int) -> Notification:
    """One of the person's own notices, marked read (for following its link); someone
    else's is as unknown as a missing one."""
    require_signed_in(actor)
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != actor.id:
        raise NotFound()
    mark_read(actor, notification_id)
    return notification


def set_email_preference(actor, choice) -> str:
    """How this person wants notices by mail: each one, a daily digest, or never."""
    require_signed_in(actor)
    if choice not in notification_mail.CHOICES:
        raise ValidationError({"notification_email": _l("Elige una de las opciones.")})
    actor.notification_email = choice
    return choice
