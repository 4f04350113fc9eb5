"""Delivers the mail outbox: claim due rows, send them over one SMTP connection, record each.

Any number of senders may run (a thread, ``flask mail send`` on several hosts): a row is claimed
by a conditional update that sets a lease, so two senders never send it at once, and a sender
that dies mid-batch leaves rows that are claimed again when the lease ends. A temporary failure
(server down, timeout, 4xx) schedules the row again with exponential backoff; a permanent one
(5xx) or too many attempts ends in ``failed``, which staff see at ``/personal/correo``. Each row
is marked sent in its own commit right after the server accepted it, so a crash can at worst
send one message twice, and its fixed Message-ID lets the receiving side tell.
"""

import logging
import smtplib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask, current_app
from flask_mail import Message, email_dispatched
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from community.core.database import transaction_kind
from community.core.mail import queued_event
from community.core.models import OutgoingMail
from community.core.timeutil import utcnow
from community.extensions import db

log = logging.getLogger(__name__)

# The sender never reads a row back after updating it: no need to mirror updates in memory.
_PLAIN = {"synchronize_session": False}
# Errors that mean "try again later": the connection, a time-out, or the server saying 4xx.
TEMPORARY_ERRORS = (OSError, smtplib.SMTPException)


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def claimed(self) -> int:
        return self.sent + self.retried + self.failed

    def add(self, other: "Report") -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed


def backoff(attempts: int, config) -> timedelta:
    """30 s, 1 min, 2 min, … doubling up to the ceiling (defaults in ``Config``)."""
    base = config["MAIL_RETRY_BASE_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0),
                                 config["MAIL_RETRY_MAX_SECONDS"]))


def send_due(limit: int | None = None, now: datetime | None = None) -> Report:
    """Send the messages that are due now, one batch; returns what happened to each.

    Runs in its own database session, so it sees only committed rows and never commits a
    caller's half-done work.
    """
    app = current_app._get_current_object()
    now = now or utcnow()
    limit = limit or app.config["MAIL_BATCH_SIZE"]
    with Session(db.engine, expire_on_commit=False) as session:
        rows = _claim(session, app, now, limit)
        if not rows:
            return Report()
        return _deliver(session, app, rows, now)


def send_all_due(now: datetime | None = None) -> Report:
    """Batches until nothing is due (``flask mail send --once``, the tests' outbox)."""
    total = Report()
    while True:
        report = send_due(now=now)
        total.add(report)
        if report.claimed == 0 or report.retried or report.failed:
            return total


def _claim(session: Session, app: Flask, now: datetime, limit: int) -> list[OutgoingMail]:
    due = (OutgoingMail.status == OutgoingMail.PENDING, OutgoingMail.next_attempt_at <= now,
           or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until < now))
    # A read first: with nothing due (the usual case) a poll takes no write lock at all.
    with transaction_kind(read_only=True):
        ids = session.scalars(select(OutgoingMail.id).where(*due)
                              .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)
                              .limit(limit)).all()
        session.commit()
    if not ids:
        return []
    lease = now + timedelta(seconds=app.config["MAIL_CLAIM_SECONDS"])
    claimed = []
    with transaction_kind(read_only=False):
        for mail_id in ids:
            result = session.execute(
                update(OutgoingMail).where(OutgoingMail.id == mail_id, *due)
                .values(claimed_until=lease, attempts=OutgoingMail.attempts + 1),
                execution_options=_PLAIN)
            if result.rowcount == 1:
                claimed.append(mail_id)
        session.commit()
    if not claimed:
        return []
    return list(session.scalars(select(OutgoingMail).where(OutgoingMail.id.in_(claimed))
                                .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)))


def _deliver(session: Session, app: Flask, rows: list[OutgoingMail], now: datetime) -> Report:
    report = Report()
    retry = _Retry(session, app, now, report)
    try:
        transport = Transport(app)
        transport.open()
    except TEMPORARY_ERRORS as error:
        for row in rows:
            retry.record(row, error)
        return report
    try:
        for position, row in enumerate(rows):
            try:
                transport.send(build_message(app, row))
            except TEMPORARY_ERRORS as error:
                retry.record(row, error)
                if not _is_per_message(error):
                    # The connection is gone: the rest wait one backoff step, untried.
                    _release(session, rows[position + 1:], now + backoff(1, app.config))
                    break
            else:
                _finish(session, row, OutgoingMail.SENT, sent_at=utcnow())
                report.sent += 1
    finally:
        transport.close()
    return report


def _is_per_message(error: Exception) -> bool:
    """A refusal about this message (its recipient, its data): the connection still works."""
    return isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused
                      | smtplib.SMTPDataError | smtplib.SMTPNotSupportedError)


def _is_permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


@dataclass
class _Retry:
    """What a failed attempt becomes: another try after the backoff, or ``failed``."""

    session: Session
    app: Flask
    now: datetime
    report: Report

    def record(self, row: OutgoingMail, error: Exception) -> None:
        message = f"{type(error).__name__}: {error}"[:400]
        if _is_permanent(error) or row.attempts >= self.app.config["MAIL_MAX_ATTEMPTS"]:
            log.error("Mail %s to %s failed for good: %s", row.id, row.recipient, message)
            _finish(self.session, row, OutgoingMail.FAILED, last_error=message)
            self.report.failed += 1
            return
        retry_at = self.now + backoff(row.attempts, self.app.config)
        log.warning("Mail %s to %s not sent (attempt %s), again at %s: %s",
                    row.id, row.recipient, row.attempts, retry_at, message)
        _finish(self.session, row, OutgoingMail.PENDING, last_error=message,
                next_attempt_at=retry_at)
        self.report.retried += 1


def _finish(session: Session, row: OutgoingMail, status: str, **values) -> None:
    session.execute(update(OutgoingMail).where(OutgoingMail.id == row.id)
                    .values(status=status, claimed_until=None, **values), execution_options=_PLAIN)
    session.commit()


def _release(session: Session, rows: list[OutgoingMail], not_before: datetime) -> None:
    """Give back claims that were not tried, without counting an attempt."""
    if not rows:
        return
    session.execute(update(OutgoingMail).where(OutgoingMail.id.in_([r.id for r in rows]))
                    .values(claimed_until=None, next_attempt_at=not_before,
                            attempts=OutgoingMail.attempts - 1), execution_options=_PLAIN)
    session.commit()


def build_message(app: Flask, row: OutgoingMail) -> Message:
    message = Message(subject=row.subject, recipients=[row.recipient], body=row.body,
                      sender=app.config["MAIL_DEFAULT_SENDER"],
                      date=row.created_at.timestamp())
    message.msgId = row.message_id
    for attachment in row.attachments:
        message.attach(attachment.filename, attachment.content_type, attachment.data)
    return message


class Transport:
    """One SMTP connection with a time-out (Flask-Mail's own has none, so a stalled server
    would hold a sender for ever). Without ``MAIL_SERVER`` (development, tests) nothing is
    sent: each message is recorded (``mail.record_messages``) and, outside tests, written
    to ``MAIL_DIR`` as an .eml file."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.config = app.config
        self.host: smtplib.SMTP | None = None

    def open(self) -> None:
        if self.config["MAIL_SUPPRESS_SEND"]:
            return
        timeout = self.config["MAIL_TIMEOUT"]
        server, port = self.config["MAIL_SERVER"], self.config["MAIL_PORT"]
        if self.config["MAIL_USE_SSL"]:
            host = smtplib.SMTP_SSL(server, port, timeout=timeout)
        else:
            host = smtplib.SMTP(server, port, timeout=timeout)
        try:
            if self.config["MAIL_USE_TLS"]:
                host.starttls()
            if self.config["MAIL_USERNAME"] and self.config["MAIL_PASSWORD"]:
                host.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"])
        except BaseException:
            host.close()
            raise
        self.host = host

    def send(self, message: Message) -> None:
        if self.host is not None:
            self.host.sendmail(message.sender, message.send_to, message.as_bytes())
        elif not self.app.testing:
            _write_to_folder(Path(self.config["MAIL_DIR"]), message)
        email_dispatched.send(self.app, message=message)

    def close(self) -> None:
        if self.host is None:
            return
        try:
            self.host.quit()
        except TEMPORARY_ERRORS:
            self.host.close()
        self.host = None


def _write_to_folder(folder: Path, message: Message) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{message.recipients[0]}.eml"
    path.write_bytes(message.as_bytes())
    log.info("Mail to %s: %s (saved in %s)\n%s", message.recipients, message.subject, path,
             message.body)


def run(app: Flask, interval: float, stop: threading.Event | None = None) -> None:
    """Send for ever (or until ``stop``): a full batch is followed at once by the next, an
    idle sender waits ``interval`` seconds or until this process queues mail."""
    stop = stop or threading.Event()
    while not stop.is_set():
        queued_event.clear()
        try:
            with app.app_context():
                report = send_due()
        except Exception:  # a database hiccup must not end the sender
            log.exception("Mail sender: this round failed; trying again")
            report = Report()
        if report.sent and report.claimed >= app.config["MAIL_BATCH_SIZE"]:
            continue
        queued_event.wait(interval)


def start_thread(app: Flask, interval: float = 5.0) -> threading.Thread:
    """The sender of ``make run``: one daemon thread in the web process."""
    thread = threading.Thread(target=run, args=(app, interval), name="mail-sender",
                              daemon=True)
    thread.start()
    return thread
