"""Socket.IO connection: who is on the other end, and the personal room.

The socket shares the Flask session cookie, so ``current_user`` here is the same person as on
the page. Signed-in people join ``user:<id>``; everyone joins ``announcements``.
"""

from flask_login import current_user
from flask_socketio import join_room

from community.extensions import socketio


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


@socketio.on("connect")
def on_connect(_auth=None):
    join_room("announcements")
    if current_user.is_authenticated:
        join_room(user_room(current_user.id))
