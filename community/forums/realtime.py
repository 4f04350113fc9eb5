"""Socket.IO rooms of the forums: a topic page listens to ``topic:<id>``, a conversation page
to ``conversation:<id>``.

A room is joined only after the same permission check as the page (``can_read_topic``,
``can_read_conversation``), so a socket never hears of a post its owner could not open. The
answer to a refused join is the same whether the room exists or not, so the socket cannot be
used to probe for hidden topics or other people's conversations.
"""

from flask_login import current_user
from flask_socketio import join_room, leave_room

from community.core.database import transaction_kind
from community.core.inputs import as_id
from community.extensions import db, socketio
from community.forums import access
from community.forums.conversations import can_read_conversation, conversation_room
from community.forums.live import topic_room
from community.forums.models import Conversation, Topic

REFUSED = {"ok": False, "error": "not_found"}
JOINED = {"ok": True}
GONE = {"ok": False, "error": "disconnected"}


def _enter(room: str) -> dict:
    """Join ``room``. A page left while its join was on its way (a click to the next page)
    disconnects the socket first: python-socketio then refuses the join with ValueError,
    which would end the handler's thread with a traceback. The answer goes nowhere."""
    try:
        join_room(room)
    except ValueError:
        return GONE
    return JOINED


def _id_from(data, key: str) -> int | None:
    """The id a client sent (a number or ASCII digits the database can hold), or None for
    anything else."""
    return as_id(data.get(key) if isinstance(data, dict) else None)


@socketio.on("join_topic")
def join_topic(data=None):
    topic_id = _id_from(data, "topic")
    if topic_id is None:
        return REFUSED
    with transaction_kind(read_only=True):
        topic = db.session.get(Topic, topic_id)
        allowed = topic is not None and access.can_read_topic(current_user, topic)
    if not allowed:
        return REFUSED
    return _enter(topic_room(topic_id))


@socketio.on("leave_topic")
def leave_topic(data=None):
    topic_id = _id_from(data, "topic")
    if topic_id is not None:
        leave_room(topic_room(topic_id))
    return JOINED


@socketio.on("join_conversation")
def join_conversation(data=None):
    conversation_id = _id_from(data, "conversation")
    if conversation_id is None:
        return REFUSED
    with transaction_kind(read_only=True):
        signed_in = current_user.is_authenticated
        conversation = db.session.get(Conversation, conversation_id) if signed_in else None
        allowed = can_read_conversation(current_user, conversation)
    if not allowed:
        return REFUSED
    return _enter(conversation_room(conversation_id))


@socketio.on("leave_conversation")
def leave_conversation(data=None):
    conversation_id = _id_from(data, "conversation")
    if conversation_id is not None:
        leave_room(conversation_room(conversation_id))
    return JOINED
