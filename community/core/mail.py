"""Outgoing mail. Messages are built in the recipient's language and sent after commit.

Without an SMTP server (development), each message is logged and written to ``MAIL_DIR``
as an .eml file, so a developer can open the confirmation link by hand.
"""

import logging
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Message

from community.core.aftercommit import call_after_commit
from community.core.timeutil import utcnow
from community.extensions import db, mail

log = logging.getLogger(__name__)


def send_template(to: str, subject, template: str, locale: str | None = None,
                  attachments: tuple = (), **context) -> None:
    """Render ``templates/mail/<template>.txt`` and send it once the transaction commits.

    ``attachments``: ``(filename, content_type, data)`` triples (an .ics, a QR code image).
    """
    locale = locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        message = Message(
            subject=str(subject),
            recipients=[to],
            body=render_template(f"mail/{template}.txt", **context),
        )
    for filename, content_type, data in attachments:
        message.attach(filename, content_type, data)
    app = current_app._get_current_object()
    call_after_commit(db.session(), lambda: _deliver(app, message))


def _deliver(app, message: Message) -> None:
    with app.app_context():
        mail.send(message)  # with MAIL_SUPPRESS_SEND this only records it (tests read it)
        if app.config["MAIL_SUPPRESS_SEND"] and not app.testing:
            _write_to_folder(Path(app.config["MAIL_DIR"]), message)


def _write_to_folder(folder: Path, message: Message) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{message.recipients[0]}.eml"
    path.write_text(message.as_string(), encoding="utf-8")
    log.info("Mail to %s: %s (saved in %s)\n%s", message.recipients, message.subject, path,
             message.body)
