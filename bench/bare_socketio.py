"""The reference for the live fan-out benchmark: a bare Socket.IO broadcast to one room.

Issue 18 measures our reply fan-out against "a bare Socket.IO broadcast in the same mode", so
this app keeps only what a broadcast cannot do without: clients connect and join a room, and
an HTTP POST emits one small event to it. Nothing else of ours: no accounts or session cookie
on connect, no permission check on join, no CSRF, database, search outbox or after-commit hook.

It speaks the app's protocol so that bench/fanout_bench.py drives both with the same client
code: ``join_topic`` with ``{"topic": <id>}`` answers ``{"ok": True}`` and joins
``topic:<id>``; ``POST /emit`` (form fields ``topic`` and ``post``) emits ``post_created`` with
the app's payload shape, ``{"topic", "post", "number"}``, before it answers, as the app emits
after its commit and before its redirect.

"The same mode" is the same as the app's (community/__init__.py): Flask-SocketIO's threading
mode, and Redis as the message queue exactly when ``REDIS_URL`` is set. The harness runs it
under the same gunicorn commands as each layout of the app, for instance in ``prod`` a
gunicorn sync process takes the POST and emits through Redis to two separate threaded
Socket.IO processes (``gunicorn --chdir bench bare_socketio:app``).
"""

import os

from flask import Flask, abort, request
from flask_socketio import SocketIO, join_room

# Its own channel, so that a reference run never delivers to (or hears from) the app's
# processes sharing the same Redis.
CHANNEL = "bare-fanout-bench"


def _id(value) -> int:
    """A room or post id from the client; anything else is a client error, not a 500."""
    try:
        return int(value)
    except (TypeError, ValueError):
        abort(400)


def create_app() -> Flask:
    """The bare app; Redis carries the emits when ``REDIS_URL`` is set, as in the app."""
    bare = Flask(__name__)
    socketio = SocketIO(bare, async_mode="threading", channel=CHANNEL, manage_session=False,
                        message_queue=os.environ.get("REDIS_URL") or None)

    @socketio.on("join_topic")
    def join_topic(data=None):
        join_room(f"topic:{_id((data or {}).get('topic'))}")
        return {"ok": True}

    @bare.get("/healthz")
    def healthz() -> str:
        return "ok"

    @bare.post("/emit")
    def emit():
        topic, post = _id(request.form.get("topic")), _id(request.form.get("post"))
        socketio.emit("post_created", {"topic": topic, "post": post, "number": post},
                      to=f"topic:{topic}")
        return {"post": post}

    return bare


app = create_app()
