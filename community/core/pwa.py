"""The platform as an installable app that reads offline: the manifest, the service worker,
the offline page, and the response headers that tell the worker what it may keep.

What the worker keeps is decided here, by the server, never guessed by the worker from URLs:

- ``X-Offline-Copy: page`` on the pages a person needs on the road (the calendar, an event,
  an OSC's profile, the library). The worker keeps such a page only when its
  ``Cache-Control`` does not say ``private`` or ``no-store``.
- ``X-Offline-Copy: personal`` on the few private answers a person needs offline too (the
  ticket's QR code, their registrations, a restricted PDF they downloaded): kept although
  private, because showing the ticket at the door without signal is the point.
- Nothing else is kept: not the forums, messages, account pages, staff console or forms.

Every page also carries ``X-Offline-Account``, a tag of the signed-in account (an HMAC of its
id, "anon" for nobody). The worker files its copies under that tag and drops every other
account's copies as soon as it sees a page of another account, so one person's copies are
never shown to the next person on a shared phone even when the first did not sign out.
Signing out also answers ``Clear-Site-Data: "cache", "storage"``, which empties the worker's
caches and unregisters it, and static/js/pwa.js tells the worker to forget at the same time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from community.core.assets import static_digest

bp = Blueprint("pwa", __name__)

WORKER_SOURCE = "sw.js"  # under the static folder; served from the root for its scope
THEME_COLOR = "#8a1538"  # --wine in static/css/site.css
BACKGROUND_COLOR = "#ffffff"  # --bg
# A page the network has not answered by then comes from the copy (OFFLINE_NETWORK_TIMEOUT_MS
# in the app's config overrides it; the browser tests make it short).
NETWORK_TIMEOUT_MS = 5000
MAX_PAGES = 60  # recent pages and files kept per account
MAX_FILE_BYTES = 15 * 1024 * 1024  # a bigger PDF is not kept (a phone's storage is small)

KEEP_PAGES = frozenset({
    "main.home", "main.personal_home",
    "events.calendar", "events.month", "events.event", "events.cover",
    "profiles.profile", "profiles.logo",
    "library.catalogue", "library.resource", "library.cover", "library.series",
    "library.series_index", "library.download",
})
KEEP_PERSONAL = frozenset({
    "events.my_registrations", "events.ticket_qr", "library.download",
})
SIGN_OUT_ENDPOINTS = frozenset({
    "accounts.sign_out", "accounts.sign_out_everywhere", "accounts.close_account",
    "accounts.reset_password",
})
# The files every page needs (base.html): kept when the worker installs, so a saved page
# still has its look offline. Other static files are kept the first time a page uses them.
SHELL_FILES = ("css/site.css", "css/search.css", "js/site.js", "js/pwa.js", "img/logo.svg",
               "img/favicon.svg")
ICONS = (
    ("img/icons/icon-192.png", "192x192", "any"),
    ("img/icons/icon-512.png", "512x512", "any"),
    ("img/icons/icon-maskable-512.png", "512x512", "maskable"),
)


@bp.route("/manifest.webmanifest")
def manifest():
    data = {
        "name": "Comunidad OSC",
        "short_name": "Comunidad OSC",
        "description": "La comunidad en línea de las organizaciones de la sociedad civil del "
                       "Estado de México.",
        "lang": "es-MX",
        "dir": "ltr",
        "id": url_for("main.home"),
        "start_url": url_for("main.home"),
        "scope": url_for("main.home"),
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [{"src": url_for("static", filename=path), "sizes": sizes, "type": "image/png",
                   "purpose": purpose} for path, sizes, purpose in ICONS],
    }
    return _revalidated(Response(json.dumps(data, ensure_ascii=False, indent=1),
                                 mimetype="application/manifest+json"))


@bp.route("/sw.js")
def worker():
    """The worker's source with its settings in front. Served from the root, not /static/,
    because a worker only controls the pages under its own URL's folder; ``no-cache`` so a new
    version reaches phones at their next visit."""
    source = (Path(current_app.static_folder) / WORKER_SOURCE).read_text(encoding="utf-8")
    settings = worker_settings()
    settings["version"] = hashlib.sha256(
        (json.dumps(settings, sort_keys=True) + source + _offline_template_digest()
         + _styles_and_scripts_digest()).encode()
    ).hexdigest()[:12]
    body = f"self.OFFLINE_SETTINGS = {json.dumps(settings, sort_keys=True)};\n{source}"
    response = _revalidated(Response(body, mimetype="text/javascript"))
    response.headers["Service-Worker-Allowed"] = url_for("main.home")
    return response


def _revalidated(response: Response) -> Response:
    """``no-cache`` with an ETag: the browser checks for a new worker at every visit, and an
    unchanged one costs a 304, not the script again."""
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


def worker_settings() -> dict:
    return {
        "offlinePage": url_for("pwa.offline"),
        "shell": [url_for("static", filename=name) for name in SHELL_FILES],
        "staticPrefix": url_for("static", filename=""),
        "signOut": sign_out_paths(),
        "timeoutMs": current_app.config.get("OFFLINE_NETWORK_TIMEOUT_MS", NETWORK_TIMEOUT_MS),
        "maxPages": MAX_PAGES,
        "maxFileBytes": MAX_FILE_BYTES,
    }


def sign_out_paths() -> list[str]:
    """The forms that end a session; a path with a token (a password reset) is left out."""
    return sorted(url_for(endpoint) for endpoint in SIGN_OUT_ENDPOINTS
                  if "<" not in _rule(endpoint))


def _rule(endpoint: str) -> str:
    return next(rule.rule for rule in current_app.url_map.iter_rules(endpoint))


def _styles_and_scripts_digest() -> str:
    """Any changed style sheet or script makes a new worker, whose first act is to drop the
    old worker's saved static files: copies of old versions do not pile up on a phone."""
    folder = Path(current_app.static_folder)
    names = sorted(str(path.relative_to(folder)) for kind in ("css", "js")
                   for path in (folder / kind).glob("*.*"))
    return ",".join(f"{name}:{static_digest(name)}" for name in names)


def _offline_template_digest() -> str:
    path = Path(current_app.template_folder) / "offline.html"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


@bp.route("/sin-conexion")
def offline():
    """What the worker shows for a page never opened, or a form sent without signal. It names
    nobody (no account menu, no form token), because the worker keeps it for everyone."""
    response = Response(render_template("offline.html"))
    response.headers["Cache-Control"] = "no-cache"
    return response


def account_tag() -> str:
    if not current_user.is_authenticated:
        return "anon"
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, f"offline-account:{current_user.id}".encode(),
                    hashlib.sha256).hexdigest()[:16]


def mark_response(response: Response) -> Response:
    """``after_request``: what the worker may keep of this answer, and for whom."""
    endpoint = request.endpoint or ""
    if endpoint == "static":
        return response
    if endpoint in SIGN_OUT_ENDPOINTS and request.method == "POST" and _signed_out(response):
        response.headers["Clear-Site-Data"] = '"cache", "storage"'
    response.headers["X-Offline-Account"] = account_tag()
    if request.method == "GET" and response.status_code == 200:
        if endpoint in KEEP_PERSONAL:
            response.headers["X-Offline-Copy"] = "personal"
        elif endpoint in KEEP_PAGES:
            response.headers["X-Offline-Copy"] = "page"
    if response.mimetype == "text/html" and "Content-Language" not in response.headers:
        response.headers["Content-Language"] = str(get_locale()).replace("_", "-")
    return response


def _signed_out(response: Response) -> bool:
    """A sign-out that happened: it redirects. A form shown again with errors (a wrong
    password when closing the account) leaves the person signed in and their copies kept."""
    return 300 <= response.status_code < 400


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.after_request(mark_response)
    app.add_template_global(lambda: " ".join(sign_out_paths()), "offline_sign_out_paths")

