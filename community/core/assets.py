"""How static files and responses travel: content-hashed static URLs, a year's cache for
them, and compressed responses.

Static URLs. Every ``url_for('static', filename=...)`` (templates and Python alike) gets
``?v=<digest>``, the first 12 hex digits of the SHA-256 of the file's bytes. A request whose
``v`` is the file's current digest is answered with ``Cache-Control: public,
max-age=31536000, immutable``: the browser never asks again, and a new version of the file
has a new URL. Any other request for the file (no ``v``, or the ``v`` of an older version:
an old page still open, a crawler) gets the current file with ``no-cache`` and its ETag, so
it revalidates. Digests are computed once per file per process and kept by path, modification
time and size, so an edited file gets a new URL at once in development. Every host computes
the same digest from the same bytes, so several page workers agree on the URLs.
The style sheets reference no other static file (``url(...)``); tests/core/test_static_assets.py
checks that, because such a reference would carry no digest.

Why not a library for this: Flask-Static-Digest needs a build step that writes hashed copies
into ``static/`` and templates calling its own ``static_url_for``; WhiteNoise hashes only
through Django's storage, serves compressed files only when they were written beside the
originals at build time, and answers outside Flask (so outside the security headers). A
``url_defaults`` hook is the whole of what is needed.

Compression. Flask-Compress (MIT) compresses HTML, CSS, JavaScript, JSON, SVG, iCalendar and
CSV responses with Brotli, Zstandard or gzip, as the client accepts (``Vary:
Accept-Encoding``), when they are 500 bytes or more (or streamed, of unknown length).
Already-compressed types (PNG, JPEG, PDF, ZIP, XLSX) are not in the list. Streamed responses
(the padrón and directory exports) are compressed chunk by chunk (Zstandard or gzip, never
Brotli: see COMPRESS_SETTINGS), so they still stream. A partial answer to a ``Range`` request
(206) is left as it is: its ``Content-Range`` counts the bytes of the file itself. The static
files' strong ETags get the encoding appended (``"etag:br"``) so a 304 is still answered.
``COMPRESS_RESPONSES=false`` turns it off (a proxy in front that compresses instead).

BREACH (compressed HTTPS pages that show a secret next to text an attacker chose) is an
accepted risk, for these reasons:

- The session and remember-me cookies are ``SameSite=Lax``: a page on another site cannot make
  the browser send them with the background requests (images, fetch, frames) that the attack
  needs by the thousand; only top-level navigations carry them.
- The CSRF token in a page is not a fixed secret: Flask-WTF signs it with a timestamp, so the
  token's signed part changes every second, far faster than the attack can read it, and the
  stable part alone (the session's raw token) cannot be turned into a valid token without
  ``SECRET_KEY``.
- Nothing is compressed unless the client asks for it, and the Socket.IO traffic is separate.
If that judgement changes, ``COMPRESS_RESPONSES=false`` (or a proxy that does not compress
``text/html``) removes it, at the cost of pages three to five times larger.
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading

from flask import Flask, Response, current_app, request, send_from_directory
from flask.sessions import SecureCookieSessionInterface
from werkzeug.security import safe_join

from community.extensions import compress

STATIC_MAX_AGE = 365 * 24 * 3600
DIGEST_LENGTH = 12
COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "application/manifest+json",
    "image/svg+xml",
    "text/calendar",
    "text/csv",
    "text/plain",
    "text/xml",
    "application/xml",
]
# What the client accepts, in this order of preference; no "deflate" (clients disagree on
# what it means). Streamed responses (the exports, and static files, which are sent as file
# streams) never use Brotli: Python's Brotli compressor gives nothing back until it has taken
# in megabytes (about 7 MB of CSV, measured), so an export would reach the client only at
# the end; Zstandard sends a block every 128 KB of input, and gzip sooner still.
COMPRESS_SETTINGS = {
    "COMPRESS_REGISTER": False,  # registered below, with the exclusions of compress_response
    "COMPRESS_MIMETYPES": COMPRESSED_TYPES,
    "COMPRESS_ALGORITHM": ["br", "zstd", "gzip"],
    "COMPRESS_ALGORITHM_STREAMING": ["zstd", "gzip"],
    "COMPRESS_STREAMS": True,
    "COMPRESS_MIN_SIZE": 500,
}

_digests: dict[str, tuple[tuple[int, int], str]] = {}
_digests_lock = threading.Lock()


def static_digest(filename: str | None, folder: str | None = None) -> str | None:
    """The digest of a file under the static folder, or None when there is no such file."""
    folder = folder or current_app.static_folder
    if not filename or not folder:
        return None
    path = safe_join(folder, filename)
    if path is None:
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    version = (info.st_mtime_ns, info.st_size)
    known = _digests.get(path)
    if known is not None and known[0] == version:
        return known[1]
    sha = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(64 * 1024), b""):
                sha.update(block)
    except OSError:
        return None
    digest = sha.hexdigest()[:DIGEST_LENGTH]
    with _digests_lock:
        _digests[path] = (version, digest)
    return digest


def add_static_digest(endpoint: str, values: dict) -> None:
    """``url_defaults`` hook: ``v=<digest>`` on every URL of a static file."""
    if endpoint == "static" and "v" not in values:
        digest = static_digest(values.get("filename"))
        if digest:
            values["v"] = digest


def serve_static(filename: str) -> Response:
    """The static view: a year and ``immutable`` for the current digest, else revalidate."""
    folder = current_app.static_folder
    requested = request.args.get("v")
    current = requested is not None and requested == static_digest(filename, folder)
    response = send_from_directory(folder, filename, max_age=STATIC_MAX_AGE if current else None)
    if current:
        response.cache_control.immutable = True
    return response


class StaticFilesOutsideSession(SecureCookieSessionInterface):
    """The signed-cookie session, which a static file never reads nor refreshes.

    Flask-Login's ``after_request`` looks at the session on every response, and Flask then
    adds ``Vary: Cookie``; on a static file that would make a browser treat its year-long copy
    as unusable whenever the session cookie changes (a flash message, signing in), and keep a
    shared cache from storing it at all.
    """

    def save_session(self, app, session, response) -> None:
        if request.endpoint == "static" and not session.modified:
            return
        super().save_session(app, session, response)


def compress_response(response: Response) -> Response:
    """Flask-Compress's ``after_request``, except for partial content and when turned off."""
    if not current_app.config.get("COMPRESS_RESPONSES", True):
        return response
    if response.status_code == 206 or "Content-Range" in response.headers:
        return response
    encoded = "Content-Encoding" in response.headers
    response = compress.after_request(response)
    if not encoded and "Content-Encoding" in response.headers:
        # Byte ranges of the file do not apply to its compressed form.
        response.headers.pop("Accept-Ranges", None)
    return response


def init_app(app: Flask) -> None:
    for name, value in COMPRESS_SETTINGS.items():
        app.config.setdefault(name, value)
    compress.init_app(app)
    app.after_request(compress_response)
    app.url_defaults(add_static_digest)
    app.session_interface = StaticFilesOutsideSession()
    if app.static_folder:
        app.view_functions["static"] = serve_static
