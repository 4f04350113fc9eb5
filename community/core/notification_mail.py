"""Notifications by email: one message per notice ("each") or one daily digest ("daily").

Each person chooses in their account settings (``User.notification_email``). Mail goes only
to confirmed addresses: an unconfirmed one may belong to someone who never signed up, and
notices are not worth mailing a stranger. ``Notification.emailed_at`` is set in the same
transaction that queues the message in the mail outbox, so a notice is mailed once whoever
runs what twice, and an SMTP outage delays it without losing it.
"""

from collections.abc import Sequence

from flask import current_app
from flask_babel import lazy_gettext as _l

from community.core.mail import send_template
from community.core.urls import external_url

EACH, DAILY, NEVER = "each", "daily", "never"
CHOICES = (EACH, DAILY, NEVER)
SUBJECT_ONE = _l("Nuevo aviso en Comunidad OSC")
SUBJECT_DIGEST = _l("Tus avisos del día en Comunidad OSC")


def wants_mail(user, frequency: str) -> bool:
    return (getattr(user, "notification_email", EACH) == frequency and bool(user.email)
            and user.email_confirmed_at is not None and user.active)


def absolute(url: str | None) -> str:
    """A notice's link as an address that works from a mail client."""
    base = current_app.config["BASE_URL"].rstrip("/")
    return base + (url if url and url.startswith("/") else "/cuenta/avisos")


def send(user, notices: Sequence, digest: bool) -> None:
    """Queue the mail in the person's own language (the notices were already written in it);
    ``send_template`` queues it in the outbox, as every other mail of the site."""
    send_template(user.email, SUBJECT_DIGEST if digest else SUBJECT_ONE,
                  "notification_digest" if digest else "notification", locale=user.locale,
                  user=user, notices=list(notices), link=absolute,
                  settings_url=external_url("accounts.settings"),
                  notices_url=external_url("accounts.notifications"))


def mail_each(pairs: list[tuple[object, object]], now) -> None:
    """For people who want every notice by mail: mark it emailed and queue it, together."""
    for user, notice in pairs:
        if wants_mail(user, EACH):
            notice.emailed_at = now
            send(user, [notice], digest=False)
