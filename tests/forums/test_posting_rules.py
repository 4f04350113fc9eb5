"""Topics, replies, mentions and subscriptions through the service layer."""

import pytest

from community.core.errors import PermissionDenied, ValidationError
from community.core.models import Notification
from community.forums import access, notices, services


def test_topic_and_reply_are_numbered_and_counted(db, make_topic, make_user):
    topic = make_topic()
    post = services.reply(make_user(), topic, {"body": "Nosotros lo hicimos en Toluca."})
    db.session.commit()
    assert post.number == 2 and topic.reply_count == 1 and topic.category.post_count == 2


def test_reply_notifies_subscribers_and_mentions(db, make_topic, make_user):
    author = make_user(name="Ana Torres")
    topic = make_topic(author=author)
    mentioned = make_user(name="Luis Pérez")
    services.reply(make_user(), topic, {"body": f"Pregúntale a @{notices.handle_of(mentioned)}"})
    db.session.commit()
    kinds = {(n.user_id, n.kind) for n in db.session.scalars(db.select(Notification))}
    assert (author.id, "forum.reply") in kinds and (mentioned.id, "forum.mention") in kinds


def test_unconfirmed_email_cannot_post(db, make_category, make_user):
    with pytest.raises(PermissionDenied):
        services.create_topic(make_user(confirmed=False), make_category(),
                              {"title": "Un tema cualquiera", "body": "Texto"})


def test_staff_only_category_refuses_citizens(db, make_category, make_user):
    news = make_category(staff_topics_only=True)
    with pytest.raises(PermissionDenied):
        services.create_topic(make_user(), news, {"title": "Aviso importante", "body": "Hola"})
    services.create_topic(make_user(role="staff"), news, {"title": "Aviso importante",
                                                          "body": "Hola"})


def test_locked_topic_refuses_replies(db, make_topic, make_user):
    topic = make_topic()
    topic.locked = True
    with pytest.raises(PermissionDenied):
        services.reply(make_user(), topic, {"body": "¿Sigue abierto?"})


def test_edit_keeps_history_and_withdraw_hides(db, make_topic, make_user):
    author = make_user()
    topic = make_topic(author=author)
    first = db.session.scalar(db.select(services.Post).where(services.Post.topic_id == topic.id))
    services.edit_post(author, first, {"body": "Texto corregido"})
    services.withdraw_post(author, first)
    db.session.commit()
    staff = make_user(role="staff")
    assert [r.body for r in services.revisions(staff, first)] == [
        "Necesitamos orientación para el trámite."]
    assert access.shown_body(make_user(), first) is None
    assert "corregido" in access.shown_body(staff, first)


def test_bad_input_names_the_field(db, make_category, make_user):
    with pytest.raises(ValidationError) as caught:
        services.create_topic(make_user(), make_category(), {"title": "corto", "body": ""})
    assert set(caught.value.errors) == {"title", "body"}
