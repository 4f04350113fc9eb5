"""Live forums over Socket.IO: who may join which room, and what reaches whom.

Each socket shares the HTTP test client's cookies, so it is the person signed in on that client.
"""

import pytest

from community.accounts.realtime import disconnect_room_here, user_room
from community.extensions import db as _db
from community.extensions import socketio
from community.forums import services
from community.forums.models import Category, Conversation, ConversationMember
from tests.conftest import post_form


@pytest.fixture
def make_topic(db, make_user):
    counter = {"n": 0}

    def factory(author=None, members_only=False):
        counter["n"] += 1
        category = Category(slug=f"vivo-{counter['n']}", name=f"En vivo {counter['n']}",
                            members_only=members_only, position=counter["n"])
        _db.session.add(category)
        _db.session.commit()
        topic = services.create_topic(author or make_user(role="staff"), category,
                                      {"title": "¿Quién tramitó la CLUNI?", "body": "Dudas."})
        _db.session.commit()
        return topic

    return factory


def _events(sio, name: str) -> list[dict]:
    return [event["args"][0] for event in sio.get_received() if event["name"] == name]


def _everything(sio) -> list[str]:
    """Names of every event that reached a socket, connected or not (``get_received`` refuses
    to answer for a disconnected client, which is exactly the one these tests ask about)."""
    names = [event["name"] for event in sio.queue]
    sio.queue = []
    return names


def _reply(db, topic, author, body="Nosotros en Toluca, sí."):
    post = services.reply(author, topic, {"body": body})
    db.session.commit()
    return post


def test_joined_topic_receives_new_reply(app, db, signed_in, make_user, socket_client,
                                         make_topic):
    signed_in()
    topic = make_topic()
    sio = socket_client()
    assert sio.emit("join_topic", {"topic": topic.id}, callback=True) == {"ok": True}
    post = _reply(db, topic, make_user())
    assert _events(sio, "post_created") == [
        {"topic": topic.id, "post": post.id, "number": post.number}]


def test_anonymous_may_follow_a_public_topic_but_not_other_topics(app, db, make_user,
                                                                  socket_client, make_topic):
    topic, other = make_topic(), make_topic()
    sio = socket_client()
    assert sio.emit("join_topic", {"topic": topic.id}, callback=True) == {"ok": True}
    _reply(db, other, make_user())
    assert _events(sio, "post_created") == []


@pytest.mark.parametrize("payload", [None, {}, {"topic": "x"}, {"topic": -3}, {"topic": True},
                                     {"topic": 999999}, "topic:1"])
def test_bad_or_unknown_topic_is_refused(app, socket_client, payload):
    sio = socket_client()
    assert sio.emit("join_topic", payload, callback=True) == {"ok": False, "error": "not_found"}


def test_non_member_cannot_join_restricted_topic_nor_hear_it(app, db, signed_in, make_org,
                                                             socket_client, make_topic):
    member = make_org().admin
    topic = make_topic(members_only=True)
    signed_in()  # a citizen of no OSC
    sio = socket_client()
    refused = sio.emit("join_topic", {"topic": topic.id}, callback=True)
    assert refused == {"ok": False, "error": "not_found"}
    _reply(db, topic, member)
    assert _events(sio, "post_created") == []


def test_member_joins_restricted_topic(app, db, client, make_org, socket_client, make_topic):
    from tests.conftest import sign_in

    member = make_org().admin
    topic = make_topic(members_only=True)
    assert sign_in(client, member.email).status_code == 302
    sio = socket_client()
    assert sio.emit("join_topic", {"topic": topic.id}, callback=True) == {"ok": True}


def test_hidden_topic_is_refused(app, db, signed_in,
                                 socket_client, make_topic):
    topic = make_topic()
    topic.hidden = True
    db.session.commit()
    signed_in()
    assert socket_client().emit("join_topic", {"topic": topic.id}, callback=True)["ok"] is False


def test_after_sign_out_no_event_reaches_the_old_socket(app, db, client, signed_in, make_user,
                                                        socket_client, make_topic):
    me = signed_in()
    topic = make_topic()
    sio = socket_client()
    assert sio.emit("join_topic", {"topic": topic.id}, callback=True) == {"ok": True}
    assert post_form(client, "/cuenta/salir").status_code == 302
    assert _everything(sio) == ["signed_out"]
    assert not sio.is_connected()
    _reply(db, topic, make_user())
    socketio.emit("notification", {"message": "secreto"}, to=user_room(me.id))
    assert _everything(sio) == []


def test_sign_out_closes_only_that_persons_sockets(app, db, make_user, client, signed_in,
                                                   socket_client):
    other_client = app.test_client()
    other = make_user()
    from tests.conftest import sign_in

    assert sign_in(other_client, other.email).status_code == 302
    bystander = socketio.test_client(app, flask_test_client=other_client)
    signed_in()
    mine = socket_client()
    post_form(client, "/cuenta/salir")
    assert not mine.is_connected() and bystander.is_connected()
    assert disconnect_room_here(user_room(other.id)) == 1
    assert not bystander.is_connected()


def test_conversation_room_refuses_a_third_party(app, db, make_user, signed_in, socket_client):
    ana, luis = make_user(), make_user()
    conversation = Conversation(subject="Convocatoria", created_by_id=ana.id)
    conversation.members = [ConversationMember(user_id=ana.id), ConversationMember(
        user_id=luis.id)]
    db.session.add(conversation)
    db.session.commit()
    signed_in()  # neither Ana nor Luis
    sio = socket_client()
    answer = sio.emit("join_conversation", {"conversation": conversation.id}, callback=True)
    assert answer == {"ok": False, "error": "not_found"}
    socketio.emit("message_created", {"conversation": conversation.id},
                  to=f"conversation:{conversation.id}")
    assert _events(sio, "message_created") == []


def test_anonymous_cannot_join_a_conversation(app, db, make_user, socket_client):
    ana = make_user()
    conversation = Conversation(subject="Privado", created_by_id=ana.id)
    conversation.members = [ConversationMember(user_id=ana.id)]
    db.session.add(conversation)
    db.session.commit()
    sio = socket_client()
    assert sio.emit("join_conversation", {"conversation": conversation.id},
                    callback=True)["ok"] is False


def test_conversation_member_joins(app, db, client, make_user, socket_client):
    pytest.importorskip("community.forums.conversations")
    from tests.conftest import sign_in

    ana, luis = make_user(), make_user()
    conversation = Conversation(subject="Convocatoria", created_by_id=ana.id)
    conversation.members = [ConversationMember(user_id=ana.id), ConversationMember(
        user_id=luis.id)]
    db.session.add(conversation)
    db.session.commit()
    assert sign_in(client, luis.email).status_code == 302
    sio = socket_client()
    assert sio.emit("join_conversation", {"conversation": conversation.id},
                    callback=True) == {"ok": True}


def test_a_join_that_arrives_after_the_page_was_left_ends_quietly(app, db, signed_in,
                                                                   socket_client, make_topic,
                                                                   monkeypatch):
    """A click to the next page disconnects the socket while its join is on its way: the
    server refuses the room to a gone socket (python-socketio's ValueError) and the handler
    answers instead of ending its thread with a traceback."""
    from flask_socketio import disconnect

    from community.forums import realtime

    signed_in()
    topic = make_topic()
    sio = socket_client()
    allowed = realtime.access.can_read_topic

    def leave_then_allow(user, found):
        disconnect()  # the page is gone before the room is joined
        return allowed(user, found)

    monkeypatch.setattr(realtime.access, "can_read_topic", leave_then_allow)
    assert sio.emit("join_topic", {"topic": topic.id}, callback=True) == realtime.GONE
    assert not sio.is_connected()
