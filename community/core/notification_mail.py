"""Notifications by email: one message per notice ("each") or one daily digest ("daily").

Each person chooses in their account settings (``User.notification_email``). Mail goes only
to confirmed addresses: an unconfirmed one may belong to someone who never signed up, and
notices are not worth mailing a stranger. ``Notification.emailed_at`` is set in the same
transaction that decides to send, and the message leaves only after that commit, so a notice
is mailed at most once whoever runs what twice.
"""

from collections.abc import Sequence
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_mail import Message

from community.core.aftercommit import call_after_commit
from community.core.mail import _write_to_folder as write_to_folder
from community.core.urls import external_url
from community.extensions import db, mail

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


def build_message(user, notices: Sequence, digest: bool) -> Message:
    """The mail in the person's own language (notices were already written in it)."""
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        template = "mail/notification_digest.txt" if digest else "mail/notification.txt"
        body = render_template(template, user=user, notices=notices, link=absolute,
                               settings_url=external_url("accounts.settings"),
                               notices_url=external_url("accounts.notifications"))
        subject = str(SUBJECT_DIGEST if digest else SUBJECT_ONE)
    return Message(subject=subject, recipients=[user.email], body=body)


def send_after_commit(messages: list[Message]) -> None:
    """Deliver over one SMTP connection once the transaction commits: a notice to a hundred
    people should not open a hundred connections."""
    if not messages:
        return
    app = current_app._get_current_object()

    def deliver() -> None:
        try:
            with app.app_context(), mail.connect() as connection:
                for message in messages:
                    connection.send(message)
                    if app.config["MAIL_SUPPRESS_SEND"] and not app.testing:
                        write_to_folder(Path(app.config["MAIL_DIR"]), message)
        except Exception:  # noqa: BLE001 - the notices are saved and shown on the site
            app.logger.exception("notification mail failed (%d messages)", len(messages))

    call_after_commit(db.session(), deliver)


def mail_each(pairs: list[tuple[object, object]], now) -> None:
    """For people who want every notice by mail: mark it emailed now, mail it after commit."""
    messages = []
    for user, notice in pairs:
        if wants_mail(user, EACH):
            notice.emailed_at = now
            messages.append(build_message(user, [notice], digest=False))
    send_after_commit(messages)
