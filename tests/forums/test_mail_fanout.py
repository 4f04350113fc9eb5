"""A reply to a topic with many subscribers queues one outbox row per person; the request
never talks to an SMTP server (the mail outbox, community/core/mail.py)."""

import smtplib

from sqlalchemy import func, select

from community.core.models import OutgoingMail
from community.forums import services as forums
from tests.conftest import client_as, post_form


def test_a_reply_to_200_subscribers_inserts_rows_and_opens_no_connection(
        app, db, make_topic, make_user, monkeypatch):
    topic = make_topic()
    for _ in range(200):
        forums.subscribe(make_user(), topic=topic)
    db.session.commit()
    replier = make_user()
    client = client_as(app, replier)

    def no_smtp(*args, **kwargs):
        raise AssertionError("a request opened an SMTP connection")

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_SUPPRESS_SEND=False)
    monkeypatch.setattr(smtplib, "SMTP", no_smtp)
    response = post_form(client, f"/foros/t/{topic.id}/responder",
                         {"body": "Compartimos nuestra experiencia con el SAT."},
                         page=f"/foros/t/{topic.id}-{topic.slug}")
    assert response.status_code == 302
    rows = db.session.execute(select(OutgoingMail.status, func.count())
                              .group_by(OutgoingMail.status)).all()
    assert rows == [("pending", 201)]  # the 200 subscribers and the topic's author
