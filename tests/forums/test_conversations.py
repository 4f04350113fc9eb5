"""Private messages: starting, replying, unread counts, leaving, blocking, and privacy by
every door (page, fragment, reply, read mark, JSON, socket room check)."""

from datetime import timedelta

import pytest

from community.core.errors import NotFound, PermissionDenied, ValidationError
from community.core.models import Notification
from community.core.timeutil import utcnow
from community.extensions import db as _db
from community.extensions import socketio
from community.forums import conversations as pm
from community.forums.models import Conversation, Message
from community.forums.notices import handle_of
from tests.conftest import post_form, sign_in


@pytest.fixture
def pair(db, make_user):
    """Ana wrote to Luis; Eva is a third party."""
    ana, luis, eva = (make_user(name=n) for n in ("Ana Torres", "Luis Pérez", "Eva Ruiz"))
    conversation = pm.start_conversation(ana, {"to": handle_of(luis), "subject": "CLUNI",
                                               "body": "Hola, **Luis**. ¿Cómo va el trámite?"})
    db.session.commit()
    return ana, luis, eva, conversation


def _message(conversation) -> Message:
    return _db.session.scalar(_db.select(Message).where(
        Message.conversation_id == conversation.id).order_by(Message.id.desc()))


# --- services -----------------------------------------------------------------------------


def test_start_conversation_renders_markdown_and_notifies(db, pair):
    ana, luis, _eva, conversation = pair
    message = _message(conversation)
    assert "<strong>Luis</strong>" in message.body_html
    assert {m.user_id for m in conversation.members} == {ana.id, luis.id}
    kinds = {(n.user_id, n.kind) for n in db.session.scalars(db.select(Notification))}
    assert (luis.id, "message.new") in kinds and (ana.id, "message.new") not in kinds


def test_markdown_is_sanitized(db, pair):
    ana, _luis, _eva, conversation = pair
    message = pm.send_message(ana, conversation, {
        "body": "<script>alert(1)</script>[x](javascript:alert(1)) <img src=x onerror=alert(1)>"})
    assert "<script" not in message.body_html and "javascript:" not in message.body_html
    assert "onerror" not in message.body_html


def test_recipients_by_handle_or_id_and_limits(db, make_user):
    ana = make_user()
    people = [make_user() for _ in range(10)]
    with pytest.raises(ValidationError) as caught:
        pm.start_conversation(ana, {"to": [str(p.id) for p in people], "body": "Hola a todos"})
    assert "como máximo 9" in str(caught.value.errors["to"])
    with pytest.raises(ValidationError) as caught:
        pm.start_conversation(ana, {"to": "nadie-999", "body": ""})
    assert set(caught.value.errors) == {"to", "body"}
    with pytest.raises(ValidationError):
        pm.start_conversation(ana, {"to": handle_of(ana), "body": "Hola yo"})
    group = pm.start_conversation(ana, {"to": f"{handle_of(people[0])}, {people[1].id}",
                                        "body": "Hola a las dos"})
    assert len(group.members) == 3


def test_unconfirmed_person_cannot_write(db, make_user):
    with pytest.raises(PermissionDenied):
        pm.start_conversation(make_user(confirmed=False),
                              {"to": str(make_user().id), "body": "Hola"})


def test_on_behalf_only_of_own_osc(db, make_org, make_user):
    org = make_org()
    luis = make_user()
    conversation = pm.start_conversation(org.admin, {"to": str(luis.id), "body": "Hola",
                                                     "organization": str(org.id)})
    assert _message(conversation).organization_id == org.id
    with pytest.raises(ValidationError) as caught:
        pm.start_conversation(luis, {"to": str(org.admin.id), "body": "Hola",
                                     "organization": str(org.id)})
    assert "organization" in caught.value.errors


def test_unread_counts_and_mark_read(db, pair):
    ana, luis, _eva, conversation = pair
    assert pm.unread_counts(luis, [conversation.id]) == {conversation.id: 1}
    assert pm.unread_conversations(luis) == 1 and pm.unread_conversations(ana) == 0
    later = utcnow() + timedelta(seconds=1)
    pm.send_message(ana, conversation, {"body": "¿Sigues ahí?"}, now=later)
    assert pm.unread_counts(luis, [conversation.id]) == {conversation.id: 2}
    pm.mark_read(luis, conversation, now=later + timedelta(seconds=1))
    assert pm.unread_conversations(luis) == 0
    pm.send_message(luis, conversation, {"body": "Sí, aquí"}, now=later + timedelta(seconds=2))
    assert pm.unread_conversations(ana) == 1 and pm.unread_conversations(luis) == 0


def test_third_party_cannot_read_nor_write(db, pair):
    _ana, _luis, eva, conversation = pair
    assert pm.can_read_conversation(eva, conversation) is False
    assert pm.can_read_conversation(None, conversation) is False
    with pytest.raises(NotFound):
        pm.get_conversation(eva, conversation.id)
    with pytest.raises(NotFound):
        pm.get_message(eva, _message(conversation).id)
    with pytest.raises(NotFound):
        pm.send_message(eva, conversation, {"body": "Me cuelo"})
    assert pm.unread_conversations(eva) == 0


def test_leaving_ends_reading(db, pair):
    ana, luis, _eva, conversation = pair
    pm.leave_conversation(luis, conversation)
    assert not pm.can_read_conversation(luis, conversation)
    with pytest.raises(ValidationError):
        pm.send_message(ana, conversation, {"body": "¿Hola?"})
    assert pm.unread_conversations(luis) == 0


def test_block_prevents_messaging(db, pair):
    ana, luis, _eva, conversation = pair
    assert pm.block(luis, ana) is True and pm.block(luis, ana) is False
    with pytest.raises(PermissionDenied) as caught:
        pm.send_message(ana, conversation, {"body": "¿Me contestas?"})
    assert str(caught.value) == "No puedes enviar mensajes a esta persona."
    with pytest.raises(ValidationError) as caught:
        pm.start_conversation(ana, {"to": str(luis.id), "body": "Otra vez"})
    assert "No puedes enviar mensajes a esta persona" in str(caught.value.errors["to"])
    assert pm.unblock(luis, ana) is True
    pm.send_message(ana, conversation, {"body": "¿Ahora sí?"})
    with pytest.raises(ValidationError):
        pm.block(ana, ana)


def test_message_emits_to_the_room_after_commit(db, pair, monkeypatch):
    ana, _luis, _eva, conversation = pair
    sent = []
    monkeypatch.setattr(pm.socketio, "emit", lambda *a, **k: sent.append((a, k)))
    message = pm.send_message(ana, conversation, {"body": "En vivo"})
    assert not any(a[0] == "message_created" for a, _k in sent)
    db.session.commit()
    assert (("message_created", {"conversation": conversation.id, "message": message.id}),
            {"to": f"conversation:{conversation.id}"}) in sent


def test_rollback_emits_nothing(db, pair, monkeypatch):
    ana, _luis, _eva, conversation = pair
    sent = []
    monkeypatch.setattr(pm.socketio, "emit", lambda *a, **k: sent.append(a))
    pm.send_message(ana, conversation, {"body": "Nunca llega"})
    db.session.rollback()
    assert sent == []


def test_messages_page_starts_from_the_end(db, pair):
    ana, luis, _eva, conversation = pair
    start = utcnow()
    for n in range(pm.MESSAGES_PER_PAGE + 5):
        pm.send_message(ana, conversation, {"body": f"Mensaje {n}"},
                        now=start + timedelta(seconds=n))
    pages = pm.messages_page(luis, conversation)
    assert pages.page == 2 and pages.items[-1].body == f"Mensaje {pm.MESSAGES_PER_PAGE + 4}"
    assert pm.messages_page(luis, conversation, 1).items[0].body.startswith("Hola")


# --- pages --------------------------------------------------------------------------------


def test_conversation_pages_for_members(db, client, pair):
    ana, luis, _eva, conversation = pair
    assert sign_in(client, luis.email).status_code == 302
    listing = client.get("/mensajes").get_data(as_text=True)
    assert "CLUNI" in listing and "1 nuevo" in listing
    page = client.get(f"/mensajes/{conversation.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f'data-conversation-id="{conversation.id}"' in html
    assert 'id="messages"' in html and f'id="m{_message(conversation).id}"' in html
    assert pm.unread_conversations(luis) == 0
    reply = post_form(client, f"/mensajes/{conversation.id}", {"body": "Ya casi, gracias"},
                      page=f"/mensajes/{conversation.id}")
    assert reply.status_code == 302
    assert _message(conversation).body == "Ya casi, gracias"
    fragment = client.get(f"/mensajes/m/{_message(conversation).id}/fragmento")
    assert fragment.status_code == 200 and "Ya casi, gracias" in fragment.get_data(as_text=True)
    assert pm.unread_conversations(ana) == 1


def test_empty_reply_comes_back_with_the_message(db, client, pair):
    _ana, luis, _eva, conversation = pair
    assert sign_in(client, luis.email).status_code == 302
    url = f"/mensajes/{conversation.id}"
    response = post_form(client, url, {"body": " "}, page=url)
    assert response.status_code == 422 and "Escribe tu mensaje" in response.get_data(
        as_text=True)


def test_blocked_reply_keeps_the_text(db, client, pair):
    ana, luis, _eva, conversation = pair
    pm.block(luis, ana)
    db.session.commit()
    assert sign_in(client, ana.email).status_code == 302
    url = f"/mensajes/{conversation.id}"
    response = post_form(client, url, {"body": "Texto que no se pierde"}, page=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 403 and "No puedes enviar mensajes a esta persona" in html
    assert "Texto que no se pierde" in html


def test_third_party_sees_nothing_by_any_door(db, client, pair):
    _ana, _luis, eva, conversation = pair
    message = _message(conversation)
    assert sign_in(client, eva.email).status_code == 302
    doors = [client.get(f"/mensajes/{conversation.id}"),
             client.get(f"/mensajes/{conversation.id}?page=1"),
             client.get(f"/mensajes/m/{message.id}/fragmento"),
             client.get(f"/mensajes/m/{message.id}/fragmento",
                        headers={"Accept": "application/json"}),
             post_form(client, f"/mensajes/{conversation.id}", {"body": "Me cuelo"},
                       page="/mensajes"),
             post_form(client, f"/mensajes/{conversation.id}/leido", page="/mensajes"),
             post_form(client, f"/mensajes/{conversation.id}/salir", page="/mensajes")]
    for response in doors:
        assert response.status_code == 404
        assert "trámite" not in response.get_data(as_text=True)
    assert "CLUNI" not in client.get("/mensajes").get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Message)) == 1
    assert pm.can_read_conversation(eva, db.session.get(Conversation, conversation.id)) is False


def test_anonymous_is_sent_to_sign_in(db, client, pair):
    conversation = pair[3]
    for url in (f"/mensajes/{conversation.id}", f"/mensajes/m/{_message(conversation).id}"
                "/fragmento", "/mensajes"):
        response = client.get(url)
        assert response.status_code == 302 and "/cuenta/entrar" in response.headers["Location"]


def test_new_conversation_page(db, client, make_user):
    ana = make_user(name="Ana Torres")
    luis = make_user(name="Luis Pérez")
    assert sign_in(client, ana.email).status_code == 302
    search = client.get("/mensajes/nueva?buscar=luis").get_data(as_text=True)
    assert handle_of(luis) in search
    prefilled = client.get(f"/mensajes/nueva?para={handle_of(luis)}").get_data(as_text=True)
    assert f'value="{handle_of(luis)}"' in prefilled
    bad = post_form(client, "/mensajes/nueva", {"to": "nadie-99", "body": "Hola"},
                    page="/mensajes/nueva")
    assert bad.status_code == 422 and "No encontramos a" in bad.get_data(as_text=True)
    assert "Hola" in bad.get_data(as_text=True)
    done = post_form(client, "/mensajes/nueva", {"to": handle_of(luis), "subject": "Saludo",
                                                 "body": "Hola, Luis"}, page="/mensajes/nueva")
    assert done.status_code == 302 and "/mensajes/" in done.headers["Location"]


def test_block_pages(db, client, pair):
    ana, luis, _eva, _conversation = pair
    assert sign_in(client, luis.email).status_code == 302
    assert post_form(client, f"/mensajes/bloquear/{ana.id}", page="/mensajes").status_code \
        == 302
    assert "Ana Torres" in client.get("/mensajes/bloqueos").get_data(as_text=True)
    assert post_form(client, f"/mensajes/desbloquear/{ana.id}",
                     page="/mensajes").status_code == 302
    assert not pm.has_blocked(luis, ana)
    assert post_form(client, f"/mensajes/bloquear/{luis.id}", page="/mensajes").status_code \
        == 422


def test_leave_by_http(db, client, pair):
    _ana, luis, _eva, conversation = pair
    assert sign_in(client, luis.email).status_code == 302
    response = post_form(client, f"/mensajes/{conversation.id}/salir", page="/mensajes")
    assert response.status_code == 302
    assert client.get(f"/mensajes/{conversation.id}").status_code == 404


def test_socket_room_only_for_members(db, app, client, socket_client, pair):
    ana, luis, eva, conversation = pair
    assert sign_in(client, eva.email).status_code == 302
    outsider = socket_client()
    refused = outsider.emit("join_conversation", {"conversation": conversation.id},
                            callback=True)
    assert refused == {"ok": False, "error": "not_found"}
    pm.send_message(ana, conversation, {"body": "Solo para Luis"})
    db.session.commit()
    assert not [e for e in outsider.get_received() if e["name"] == "message_created"]
    member_client = app.test_client()
    assert sign_in(member_client, luis.email).status_code == 302
    member = socketio.test_client(app, flask_test_client=member_client)
    try:
        assert member.emit("join_conversation", {"conversation": conversation.id},
                           callback=True) == {"ok": True}
        message = pm.send_message(ana, conversation, {"body": "Ahora sí"})
        db.session.commit()
        events = [e for e in member.get_received() if e["name"] == "message_created"]
        assert events and events[-1]["args"][0] == {"conversation": conversation.id,
                                                    "message": message.id}
    finally:
        member.disconnect()


def test_header_counts_unread_conversations(app, db, make_user):
    sender, reader = make_user(name="Ana Remitente"), make_user(name="Beto Lector")
    pm.start_conversation(sender, {"to": handle_of(reader), "body": "¿Nos vemos?"})
    db.session.commit()
    client = app.test_client()
    assert sign_in(client, reader.email).status_code == 302
    header = client.get("/").get_data(as_text=True)
    assert 'id="message-count" data-count="1">1<' in header
