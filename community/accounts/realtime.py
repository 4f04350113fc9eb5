"""Socket.IO connection: who is on the other end, the personal room, and signing out.

The socket shares the Flask session cookie, so ``current_user`` here is the same person as on
the page. Signed-in people join ``user:<id>``; everyone joins ``announcements``. Private rooms
(``user:<id>``, restricted topics, conversations) are only ever joined by a handler that checks
the person first; there is no "join any room" event.

A socket keeps the session it was opened with, so signing out on the page would leave it
listening. Every sign-out therefore disconnects that person's sockets: here at once, and, with
a message queue, in every other Socket.IO process through a Redis channel of our own
(python-socketio can disconnect a sid across processes, but a page worker does not know the
sids; only the process holding a socket knows which room it is in).
"""

import logging
import threading
import time
from functools import lru_cache

from flask import current_app
from flask_login import current_user, user_logged_out
from flask_socketio import join_room

from community.core.database import transaction_kind
from community.extensions import socketio

log = logging.getLogger(__name__)

SIGN_OUT_CHANNEL = "comunidad-osc:sign-out"
NAMESPACE = "/"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


@socketio.on("connect")
def on_connect(_auth=None):
    _listener.start(current_app.config.get("SOCKETIO_MESSAGE_QUEUE"))
    join_room("announcements")
    with transaction_kind(read_only=True):
        signed_in = current_user.is_authenticated
    if signed_in:
        join_room(user_room(current_user.id))


# --- signing out ----------------------------------------------------------------------------


@user_logged_out.connect
def _on_sign_out(_app, user=None, **_extra) -> None:
    """Flask-Login signals every sign-out (the button, a password reset), so no view has to
    remember to close the sockets."""
    user_id = getattr(user, "id", None)
    if user_id is not None:
        disconnect_user(user_id)


def disconnect_user(user_id: int) -> None:
    """Close every socket of this person, in this process and (with Redis) in the others.

    The ``signed_out`` event lets an open page reload itself; the server-side disconnect is
    what actually stops delivery, whatever the client does with the event.
    """
    room = user_room(user_id)
    try:
        socketio.emit("signed_out", {}, to=room)
        disconnect_room_here(room)
        queue = current_app.config.get("SOCKETIO_MESSAGE_QUEUE")
        if queue:
            _redis(queue).publish(SIGN_OUT_CHANNEL, room)
    except Exception:  # noqa: BLE001 - the sign-out itself must still succeed
        current_app.logger.exception("could not close the sockets of user %s", user_id)


def disconnect_room_here(room: str) -> int:
    """Disconnect the sockets of ``room`` held by this process; returns how many."""
    server = socketio.server
    if server is None:
        return 0
    sids = [sid for sid, _eio in server.manager.get_participants(NAMESPACE, room)]
    for sid in sids:
        server.disconnect(sid, namespace=NAMESPACE, ignore_queue=True)
    return len(sids)


@lru_cache(maxsize=4)
def _redis(url: str):
    import redis

    return redis.Redis.from_url(url)


class _SignOutListener:
    """One thread per Socket.IO process that hears sign-outs from the other processes.

    Started at the first socket connection, like python-socketio's own queue listener, so a
    page worker that only emits never holds a Redis subscription.
    """

    def __init__(self) -> None:
        self._started: set[str] = set()
        self._lock = threading.Lock()

    def start(self, url: str | None) -> None:
        if not url or url in self._started:
            return
        with self._lock:
            if url in self._started:
                return
            self._started.add(url)
        socketio.start_background_task(self._listen_forever, url)

    def _listen_forever(self, url: str) -> None:
        while True:
            try:
                self._listen(url)
            except Exception:  # noqa: BLE001 - Redis restarts must not end the listener
                log.warning("sign-out listener lost Redis; retrying in 1 s", exc_info=True)
                time.sleep(1)

    @staticmethod
    def _listen(url: str) -> None:
        pubsub = _redis(url).pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(SIGN_OUT_CHANNEL)
        for message in pubsub.listen():
            room = message.get("data")
            if isinstance(room, bytes) and room.startswith(b"user:"):
                disconnect_room_here(room.decode())


_listener = _SignOutListener()
