"""Entry point for gunicorn (``gunicorn wsgi:app``) and for ``flask --app wsgi``.

``python wsgi.py`` serves pages and websockets in one process, as ``make run`` does, with a
thread that sends the mail outbox and one that reads uploaded PDFs (production runs
``flask mail send`` and ``flask library extract`` instead).
"""

import os

from community import create_app
from community.extensions import socketio

app = create_app()

if __name__ == "__main__":
    from community.core import mail_sender
    from community.library import extraction

    mail_sender.start_thread(app, app.config["MAIL_SEND_INTERVAL"])
    extraction.start_thread(app, app.config["LIBRARY_EXTRACT_INTERVAL"])
    socketio.run(
        app,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "5000")),
        debug=os.environ.get("FLASK_DEBUG") == "1",
        allow_unsafe_werkzeug=True,
    )
