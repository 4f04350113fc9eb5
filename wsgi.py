"""Entry point for gunicorn (``gunicorn wsgi:app``) and for ``flask --app wsgi``.

``python wsgi.py`` serves pages and websockets in one process, as ``make run`` does, with a
thread that sends the mail outbox, one that reads uploaded PDFs and one that computes the
indicators (production runs ``flask mail send``, ``flask library extract`` and ``flask
indicators refresh --loop`` instead).
"""

import os

from community import create_app
from community.extensions import socketio

app = create_app()

if __name__ == "__main__":
    from community.core import mail_sender
    from community.library import extraction
    from community.staff import indicator_cli

    mail_sender.start_thread(app, app.config["MAIL_SEND_INTERVAL"])
    extraction.start_thread(app, app.config["LIBRARY_EXTRACT_INTERVAL"])
    indicator_cli.start_thread(app, app.config["INDICATOR_REFRESH_SECONDS"])
    socketio.run(
        app,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "5000")),
        debug=os.environ.get("FLASK_DEBUG") == "1",
        allow_unsafe_werkzeug=True,
    )
