"""Route × role rows of moderation and private messages (merged into
tests/test_routes_roles.ROUTES by the lead).

Placeholders, filled by :func:`moderation_world` from the table's ``world``: {topic} (a topic
opened by osc_member in an open category), {post} (its opening post), {conversation} (a private
conversation between osc_member and osc_admin), {message} (its first message), and the
table's own {other} (a spare citizen account, suspended and blocked here).

Private conversations are unknown (404) to everyone outside them, staff included; moderation
is for staff and admins.
"""

from community.forums import conversations, services
from community.forums.models import Category, Post
from community.forums.notices import handle_of
from tests.route_roles import LOGIN as _LOGIN
from tests.route_roles import expect as _expect

_DONE = 302  # a done form redirects to its page



_SIGNED_IN_200 = _expect(_LOGIN, 200, 200, 200)
_STAFF_200 = _expect(_LOGIN, 403, 200, 200)
_STAFF_DONE = _expect(_LOGIN, 403, _DONE, _DONE)
_MEMBERS = _expect(_LOGIN, 404, 404, 404, osc_member=200, osc_admin=200)
_MEMBERS_DONE = _expect(_LOGIN, 404, 404, 404, osc_member=_DONE, osc_admin=_DONE)

MODERATION_ROUTES = {
    "forums.report_post": ("GET", "/foros/p/{post}/reportar", _SIGNED_IN_200),
    "forums.moderation_queue": ("GET", "/foros/moderacion", _STAFF_200),
    "forums.moderate_topic": ("POST", "/foros/t/{topic}/moderar", _STAFF_DONE),
    "forums.moderate_post": ("POST", "/foros/p/{post}/moderar", _STAFF_DONE),
    "forums.post_history": ("GET", "/foros/p/{post}/historial", _STAFF_200),
    "forums.suspend_user": ("GET", "/foros/moderacion/cuentas/{other}/suspender", _STAFF_200),
    # Nothing to lift: the page comes back with a notice.
    "forums.lift_suspension": ("POST", "/foros/moderacion/cuentas/{other}/levantar",
                               _STAFF_DONE),
    "forums.conversations": ("GET", "/mensajes", _SIGNED_IN_200),
    "forums.new_conversation": ("GET", "/mensajes/nueva", _SIGNED_IN_200),
    "forums.conversation": ("GET", "/mensajes/{conversation}", _MEMBERS),
    "forums.send_message": ("POST", "/mensajes/{conversation}", _MEMBERS_DONE),
    "forums.conversation_read": ("POST", "/mensajes/{conversation}/leido",
                                 _expect(_LOGIN, 404, 404, 404, osc_member=204,
                                         osc_admin=204)),
    "forums.message_fragment": ("GET", "/mensajes/m/{message}/fragmento", _MEMBERS),
    "forums.leave_conversation": ("POST", "/mensajes/{conversation}/salir", _MEMBERS_DONE),
    "forums.blocks": ("GET", "/mensajes/bloqueos", _SIGNED_IN_200),
    "forums.block": ("POST", "/mensajes/bloquear/{other}", _expect(_LOGIN, _DONE, _DONE,
                                                                   _DONE)),
    "forums.unblock": ("POST", "/mensajes/desbloquear/{other}", _expect(_LOGIN, _DONE, _DONE,
                                                                        _DONE)),
}

MODERATION_POST_DATA: dict[str, dict] = {
    "forums.moderate_topic": {"action": "pin"},
    "forums.moderate_post": {"action": "hide", "reason": "Publicidad"},
    "forums.send_message": {"body": "¿Nos vemos en el congreso?"},
}


def moderation_world(db, people: dict) -> dict:
    """The rows above need a topic, a post and a conversation; call from ``world`` and merge
    the answer into it."""
    category = Category(slug="general", name="General", description="Para conversar.")
    db.session.add(category)
    db.session.flush()
    topic = services.create_topic(people["osc_member"], category, {
        "title": "¿Cómo obtengo la CLUNI?", "body": "Necesitamos orientación."})
    db.session.flush()
    post = db.session.scalar(db.select(Post).where(Post.topic_id == topic.id))
    conversation = conversations.start_conversation(people["osc_member"], {
        "to": handle_of(people["osc_admin"]), "body": "Hola, ¿revisamos el acta?"})
    db.session.commit()
    message = conversation_message(db, conversation.id)
    return {"topic": topic.id, "post": post.id, "conversation": conversation.id,
            "message": message}


def conversation_message(db, conversation_id: int) -> int:
    return db.session.scalar(db.select(conversations.Message.id).where(
        conversations.Message.conversation_id == conversation_id))
