"""Absolute links for mail, feeds and exports, and the one check for "go back to" paths.

An absolute link always starts with ``BASE_URL``, in a request or on the command line: the
request's ``Host`` header is whatever the client sent, so a password reset asked for with
``Host: evil.example`` would otherwise mail a link to that host, and a cached feed would hand
it to the next visitor.
"""

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for
from werkzeug.routing import MapAdapter

# A path to return to is a path of this site, never a novel: a longer one goes to the default
# (a redirect must never echo a giant value into a Location header).
NEXT_MAX_LENGTH = 2000
# Links remembered per app for templates (a list page builds a hundred; see template_url_for).
REMEMBERED_URLS_MAX = 20_000


def _base_adapter() -> MapAdapter:
    base = urlsplit(current_app.config["BASE_URL"])
    return current_app.url_map.bind(base.netloc or "localhost",
                                     script_name=base.path.rstrip("/") or "/",
                                     url_scheme=base.scheme or "http")


def external_url(endpoint: str, _anchor: str | None = None, **values) -> str:
    """``url_for(endpoint, _external=True, ...)``, but on ``BASE_URL``'s scheme, host and path."""
    current_app.inject_url_defaults(endpoint, values)
    url = _base_adapter().build(endpoint, values, force_external=True)
    return f"{url}#{_anchor}" if _anchor else url


def safe_next(target: str | None, default: str = "/") -> str:
    """A same-site relative path, or ``default``: never another host, scheme or ``//``."""
    if not target:
        return default
    target = target.strip()
    if (
        len(target) > NEXT_MAX_LENGTH
        or not target.startswith("/")
        or target.startswith("//")
        or target.startswith("/\\")
        or any(ch in target for ch in "\r\n\t\\")
    ):
        return default
    return target


def return_path() -> str:
    """This page's path and query as a "go back to" value; the path alone when the query makes
    it too long for :func:`safe_next` (a page never echoes a giant query string)."""
    return safe_next(request.full_path, request.path)


def template_url_for(endpoint: str, **values) -> str:
    """``url_for`` for templates, each link built once per app and remembered.

    A list page builds about a hundred links, and Werkzeug's builder was a tenth of a
    signed-in page's time. A relative link depends only on the endpoint, its values (with
    their types: ``page=1`` is not ``page=True``), the app's script root and, for
    ``.endpoint``, the request's blueprint; nothing about the person. Absolute links
    (``_external``, ``_scheme``) depend on the request's host and are never remembered.
    """
    if "_external" in values or "_scheme" in values or not has_request_context():
        return url_for(endpoint, **values)
    blueprint = request.blueprint if endpoint.startswith(".") else None
    try:
        key = (endpoint, blueprint, request.script_root,
               tuple(sorted((name, type(value), value) for name, value in values.items())))
        remembered = current_app.extensions.setdefault("remembered_urls", {})
        url = remembered.get(key)
    except TypeError:  # a value that cannot be a key (a list): built every time
        return url_for(endpoint, **values)
    if url is None:
        url = url_for(endpoint, **values)
        if len(remembered) < REMEMBERED_URLS_MAX:
            remembered[key] = url
    return url
