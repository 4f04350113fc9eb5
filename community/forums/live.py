"""Live updates of the forums over Socket.IO, sent only after the transaction commits.

The event carries ids, never HTML: each open page fetches the new post through HTTP with its
own session, so what a person sees live is exactly what the page would show them (a hidden
post stays hidden, a restricted category stays restricted).
"""

from flask import current_app

from community.core.aftercommit import push_after_commit
from community.extensions import db, socketio
from community.forums.models import Post


def topic_room(topic_id: int) -> str:
    return f"topic:{topic_id}"


def post_created(post: Post) -> None:
    payload = {"topic": post.topic_id, "post": post.id, "number": post.number}
    _emit_after_commit("post_created", payload, topic_room(post.topic_id))


def post_changed(post: Post) -> None:
    payload = {"topic": post.topic_id, "post": post.id, "number": post.number}
    _emit_after_commit("post_changed", payload, topic_room(post.topic_id))


def _emit_after_commit(event: str, payload: dict, room: str) -> None:
    app = current_app._get_current_object()

    def emit() -> None:
        try:
            socketio.emit(event, payload, to=room)
        except Exception:  # noqa: BLE001 - the post is saved; a live push is a courtesy
            app.logger.warning("live %s to %s failed", event, room)

    push_after_commit(db.session(), emit)
