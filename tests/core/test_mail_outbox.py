"""The mail outbox against a real SMTP server (aiosmtpd on loopback): down, slow, refusing,
then back. Every message arrives exactly once and no request fails."""

import asyncio
import socket
import threading
import time
from datetime import timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from community.core import aftercommit, mail_sender
from community.core.mail import queue, send_template
from community.core.models import AuditEntry, OutgoingMail
from community.core.timeutil import utcnow
from tests.conftest import client_as, post_form


class Recorder:
    """An SMTP server's handler: keeps each accepted message; can stall or refuse."""

    def __init__(self) -> None:
        self.messages: list = []
        self.rcpt_delay = 0.0
        self.refuse: set[str] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted"

    def ids(self) -> list[str]:
        with self.lock:
            return [m["Message-ID"] for m in self.messages]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(app):
    """Point the app at 127.0.0.1:<port>; ``start()`` brings a server up there, ``stop()``
    takes it down again."""

    class Server:
        port = free_port()
        handler = Recorder()
        controller = None

        def start(self):
            self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
            self.controller.start()

        def stop(self):
            if self.controller is not None:
                self.controller.stop()
                self.controller = None

    server = Server()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_SUPPRESS_SEND=False,
                      MAIL_TIMEOUT=0.5, MAIL_USE_TLS=False, MAIL_USE_SSL=False)
    yield server
    server.stop()


def queue_many(db, count: int) -> list[str]:
    rows = [queue(f"persona{n}@ejemplo.mx", f"Aviso {n}", f"Hola {n}") for n in range(count)]
    ids = [row.message_id for row in rows]
    db.session.commit()
    return ids


def status_counts(db) -> dict:
    counts = dict(db.session.execute(select(OutgoingMail.status, func.count())
                                     .group_by(OutgoingMail.status)).all())
    db.session.commit()  # end the read: on SQLite the sender must be able to write next
    return counts


def test_queued_in_the_transaction_and_gone_on_rollback(app, db):
    send_template("ana@ejemplo.mx", "Asunto", "already_registered", user=None, url="/x")
    db.session.rollback()
    assert db.session.scalar(select(func.count(OutgoingMail.id))) == 0
    queue("ana@ejemplo.mx", "Asunto", "Cuerpo", (("a.ics", "text/calendar", b"BEGIN"),))
    db.session.commit()
    row = db.session.scalar(select(OutgoingMail))
    assert row.status == "pending" and row.attachments[0].filename == "a.ics"
    assert row.message_id.endswith("@127.0.0.1>")  # our host, from BASE_URL


def test_quiet_queues_nothing(app, db):
    with aftercommit.quiet():
        assert send_template("ana@ejemplo.mx", "Asunto", "already_registered", url="/x") is None
    db.session.commit()
    assert db.session.scalar(select(func.count(OutgoingMail.id))) == 0


def test_down_slow_then_back_every_message_arrives_exactly_once(app, db, smtp):
    expected = queue_many(db, 30)
    start = utcnow()

    report = mail_sender.send_due(now=start)  # nobody listens on the port
    assert (report.sent, report.retried, report.failed) == (0, 30, 0)
    assert status_counts(db) == {"pending": 30}

    smtp.start()
    smtp.handler.rcpt_delay = 2.0  # slower than MAIL_TIMEOUT: the first try times out
    assert mail_sender.send_due(now=start + timedelta(seconds=10)).claimed == 0  # backoff
    report = mail_sender.send_due(now=start + timedelta(seconds=31))
    assert report.sent == 0 and report.retried == 1  # one tried; the rest released untried
    assert smtp.handler.ids() == []

    smtp.handler.rcpt_delay = 0.0
    report = mail_sender.send_all_due(now=start + timedelta(minutes=10))
    assert report.sent == 30 and report.failed == 0
    received = smtp.handler.ids()
    assert sorted(received) == sorted(expected) and len(set(received)) == 30
    assert status_counts(db) == {"sent": 30}
    assert mail_sender.send_all_due(now=start + timedelta(hours=5)).claimed == 0


def test_permanent_refusal_fails_that_message_only(app, db, smtp):
    smtp.start()
    smtp.handler.refuse = {"persona1@ejemplo.mx"}
    queue_many(db, 3)
    report = mail_sender.send_due()
    assert (report.sent, report.failed) == (2, 1)
    failed = db.session.scalar(select(OutgoingMail).where(OutgoingMail.status == "failed"))
    assert failed.recipient == "persona1@ejemplo.mx" and "550" in failed.last_error


def test_gives_up_after_the_last_attempt_with_growing_waits(app, db, smtp):
    app.config["MAIL_MAX_ATTEMPTS"] = 4
    queue_many(db, 1)
    now, waits = utcnow(), []
    for _ in range(4):
        assert mail_sender.send_due(now=now).claimed == 1
        status, attempts, error, next_at = db.session.execute(select(
            OutgoingMail.status, OutgoingMail.attempts, OutgoingMail.last_error,
            OutgoingMail.next_attempt_at)).one()
        db.session.commit()
        if status == "failed":
            break
        waits.append(next_at - now)
        now = next_at
    assert status == "failed" and attempts == 4 and "Connection" in error
    assert waits == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]


def test_two_senders_at_once_send_each_message_once(app, db, smtp):
    smtp.start()
    expected = queue_many(db, 60)
    app.config["MAIL_BATCH_SIZE"] = 7

    def sender():
        with app.app_context():
            mail_sender.send_all_due()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    mail_sender.send_all_due()
    assert sorted(smtp.handler.ids()) == sorted(expected)


def test_the_thread_sends_soon_after_a_commit(app, db, smtp):
    smtp.start()
    stop = threading.Event()
    thread = threading.Thread(target=mail_sender.run, args=(app, 30.0, stop), daemon=True)
    thread.start()
    try:
        expected = queue_many(db, 2)  # the commit wakes the sender; no 30 s poll needed
        deadline = time.monotonic() + 10
        while len(smtp.handler.ids()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        mail_sender.queued_event.set()
        thread.join(timeout=10)
    assert sorted(smtp.handler.ids()) == sorted(expected)


def test_a_request_succeeds_while_the_mail_server_is_down(app, db, smtp, client):
    response = post_form(client, "/cuenta/registro", {
        "name": "Ana Torres", "email": "ana@ejemplo.mx", "password": "una-frase-segura-2026",
        "password_confirm": "una-frase-segura-2026", "municipality": "15106",
        "accept_privacy": "y"}, page="/cuenta/registro")
    assert response.status_code == 302
    assert status_counts(db) == {"pending": 1}
    assert mail_sender.send_due().retried == 1  # still down: scheduled again, nothing raised
    smtp.start()
    mail_sender.send_all_due(now=utcnow() + timedelta(minutes=1))
    assert len(smtp.handler.messages) == 1
    assert "/cuenta/confirmar/" in smtp.handler.messages[0].get_payload(decode=True).decode()


def test_cli_once_and_status(app, db, runner, smtp):
    queue_many(db, 2)
    result = runner.invoke(args=["mail", "send", "--once"])
    assert "Enviados: 0" in result.output and "reintentos programados: 2" in result.output
    assert runner.invoke(args=["mail", "status"]).exit_code == 0
    smtp.start()
    db.session.execute(OutgoingMail.__table__.update().values(next_attempt_at=utcnow()))
    db.session.commit()
    assert "Enviados: 2" in runner.invoke(args=["mail", "send", "--once"]).output
    assert len(smtp.handler.messages) == 2


def test_purge_keeps_failed_and_recent(app, db, runner):
    old = utcnow() - timedelta(days=40)
    for status, sent_at in (("sent", old), ("sent", utcnow()), ("failed", None)):
        row = queue("a@ejemplo.mx", "x", "y")
        row.status, row.sent_at = status, sent_at
    db.session.commit()
    assert "Borrados: 1." in runner.invoke(args=["mail", "purge", "--days", "30"]).output
    assert status_counts(db) == {"sent": 1, "failed": 1}


def test_staff_see_failed_mail_and_put_it_back(app, db, make_user):
    row = queue("perdido@ejemplo.mx", "Tu constancia", "Hola")
    row.status, row.last_error, row.attempts = "failed", "SMTPRecipientsRefused: 550", 10
    db.session.commit()
    staff = client_as(app, make_user(role="staff"))
    page = staff.get("/personal/correo")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "perdido@ejemplo.mx" in html and "550" in html
    response = post_form(staff, f"/personal/correo/{row.id}/reintentar", page="/personal/correo")
    assert response.status_code == 302
    assert status_counts(db) == {"pending": 1}
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "mail.retry")) == 1
    citizen = client_as(app, make_user())
    assert citizen.get("/personal/correo").status_code == 403
