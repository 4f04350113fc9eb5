"""Entry point of the Socket.IO process of the production layout (see README, "Despliegue").

Pages are served by gunicorn sync workers (``gunicorn wsgi:app``); websockets by this process,
on the same origin under ``/socket.io/``, in Flask-SocketIO's threading mode, one thread per
connected socket::

    REDIS_URL=redis://127.0.0.1:6379/0 \\
        gunicorn --workers 1 --threads 1000 --bind 127.0.0.1:5001 socketio_app:app

One worker per process: Socket.IO's long-polling needs every request of a client to reach the
process that holds its session, so scale out with more processes on their own ports behind a
proxy with sticky sessions, never with ``--workers``. Both kinds of process need the same
``SECRET_KEY`` (the socket reads the page's session cookie), ``DATABASE_URL`` and ``REDIS_URL``
(the page workers emit through Redis; this process delivers).

This process refuses to start without ``REDIS_URL``: without a queue it would never hear what
the page workers emit. ``make run`` (``python wsgi.py``) stays one process for both.
"""

import os

from community import create_app

if not os.environ.get("REDIS_URL"):
    raise SystemExit("socketio_app needs REDIS_URL: the page workers reach it through Redis.")

app = create_app()
