"""``flask notifications send-digests``: the daily mail of people who chose a digest.

Run it once a day (cron or a systemd timer). Each person is handled in a transaction of their
own: their notices are marked emailed in the same commit that queues the digest in the mail
outbox; so running it twice, or two copies at once, never mails a notice twice, and an SMTP
outage only delays the digest (the outbox's sender retries it).
"""

from datetime import datetime, timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import select

from community.accounts.models import User
from community.core import notification_mail
from community.core.models import Notification
from community.core.timeutil import utcnow
from community.extensions import db

DIGEST_WINDOW = timedelta(days=1)

notifications_cli = AppGroup("notifications", help="Avisos: resúmenes diarios por correo.")


def digest_recipients() -> list[int]:
    """Ids of people with the daily preference and a confirmed, active account."""
    return list(db.session.scalars(select(User.id).where(
        User.notification_email == notification_mail.DAILY, User.active.is_(True),
        User.email_confirmed_at.is_not(None)).order_by(User.id)))


def pending_notices(user_id: int, now: datetime) -> list[Notification]:
    """Unread, not yet mailed, of the last day; locked so a concurrent run waits and then
    finds them already marked."""
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None),
        Notification.emailed_at.is_(None), Notification.created_at >= now - DIGEST_WINDOW,
    ).order_by(Notification.created_at, Notification.id).with_for_update()))


def send_digest(user_id: int, now: datetime) -> bool:
    """Mark and queue one person's digest; the caller commits (the mail leaves after)."""
    user = db.session.get(User, user_id)
    if user is None or not notification_mail.wants_mail(user, notification_mail.DAILY):
        return False
    notices = pending_notices(user_id, now)
    if not notices:
        return False
    for notice in notices:
        notice.emailed_at = now
    notification_mail.send(user, notices, digest=True)
    return True


def send_digests(now: datetime | None = None) -> int:
    """Every daily digest due now, one commit per person; returns how many were sent."""
    now = now or utcnow()
    sent = 0
    for user_id in digest_recipients():
        db.session.rollback()  # a fresh transaction per person
        if send_digest(user_id, now):
            sent += 1
        db.session.commit()
    return sent


@notifications_cli.command("send-digests")
def send_digests_command() -> None:
    """Mail each person who chose the daily digest their unread notices of the last day."""
    sent = send_digests()
    click.echo(f"{sent} resúmenes enviados.")
