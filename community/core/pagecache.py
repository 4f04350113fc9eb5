"""Rendered pages kept in memory, per process: public pages for anonymous visitors, and the
shared part of some signed-in pages.

A page is stored under (namespace, data version, language, path). Any flush that touches a
tracked model raises the namespace's version in the same transaction, so a cached page can
never outlive the data it shows, whichever process wrote it. Pending flash messages and non-200
answers are never cached. The visitor's CSRF token is cut out of the stored page and the next
visitor's own token is put back in; each form's one-time submission key (core.submissions) is
cut out too, and every replay gets new ones.

Signed-in visitors are served from the cache only by views that name their ``audience``: what,
about the person, the page's shared part depends on (their role, whether they may read the
restricted forums, their municipality). People of one audience share the stored page. What is
a person's own (the header's unread counts, their name, unread marks, "following" buttons) is
never rendered into it: templates write it as a *personal part*, ``personal(name, arg)``, which
leaves a placeholder that is filled per request by the part's renderer, once per page for all
its placeholders (one query for the twenty topics of a list, not twenty). Every signed-in
response is filled the same way, cached or not (``fill_personal_parts``), so there is one code
path, and the tests compare each person's cached page with the page rendered for them alone.

What a visitor controls cannot grow or poison the cache:

- The ``Host`` header is not part of the key, and no cached page depends on it: absolute links
  come from ``BASE_URL`` (``core.urls.external_url``), so a request with a forged host renders
  the same bytes as anyone's.
- A cached route names the query arguments it reads (``args=``); a request with any other
  argument is answered without the cache (rendered, not stored). Dropping unknown arguments
  from the key instead would store a page rendered for one URL under another's key, and pages
  do echo their own URL (the language form's ``next``, pagination links), so the first
  visitor's ``?anything=...`` would be served to everyone else.
- The store is bounded by bytes (``PAGE_CACHE_MAX_BYTES``, least recently used first), not by
  a number of entries: varying a real argument's value (``?page=N``) evicts old pages instead
  of growing the process.
"""

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps

from flask import Response, current_app, g, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import bindparam, event, select, update
from sqlalchemy.orm import Session

from community.core import submissions
from community.core.models import DataVersion
from community.extensions import db

TOKEN_PLACEHOLDER = "\x00csrf\x00"  # noqa: S105 - a marker, not a secret
KEY_PLACEHOLDER = "\x00submission-key\x00"
MAX_BODY_BYTES = 512 * 1024
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
ENTRY_OVERHEAD = 512  # the key, the tuple, the headers' objects: roughly, per entry
_TRACKED: dict[type, str] = {}
_pages: OrderedDict = OrderedDict()  # key -> (body, status, headers, size)
VALUES_KEPT = 512
_values: OrderedDict = OrderedDict()  # (namespace, key) -> (version, value); kept_value
_size = 0
_lock = threading.Lock()
PART_PREFIX = b"\x00part:"
_PART = re.compile(rb"\x00part:([a-z_]+):([\w.-]*)\x00")
_PART_ARG = re.compile(r"[\w.-]*", re.ASCII)
#: name -> renderer(args) -> {arg: html}; see :func:`personal_part`
_PARTS: dict[str, Callable[[list[str]], dict[str, str]]] = {}


def track(namespace: str, *models: type) -> None:
    """Changes to rows of ``models`` make the pages of ``namespace`` stale."""
    for model in models:
        _TRACKED[model] = namespace


@event.listens_for(Session, "after_flush")
def _bump_versions(session: Session, _context) -> None:
    touched = {_TRACKED[type(obj)] for obj in (*session.new, *session.deleted)
               if type(obj) in _TRACKED}
    touched |= {_TRACKED[type(obj)] for obj in session.dirty
                if type(obj) in _TRACKED and session.is_modified(obj)}
    for namespace in sorted(touched):
        bump(namespace, session)


def bump(namespace: str, session: Session | None = None) -> None:
    """Raise a version by hand, for writes that bypass the ORM (bulk loads)."""
    session = session or db.session()
    connection = session.connection()
    updated = connection.execute(update(DataVersion).where(DataVersion.namespace == namespace)
                                 .values(version=DataVersion.version + 1))
    if updated.rowcount == 0:
        connection.execute(DataVersion.__table__.insert().values(namespace=namespace,
                                                                 version=1))


#: Built once, as the other statements every page runs: building a statement in SQLAlchemy
#: costs several times what SQLite takes to run it (bench/README.md, "Statements built once").
_VERSION = select(DataVersion.version).where(DataVersion.namespace == bindparam("namespace"))


def current_version(namespace: str) -> int:
    return db.session.scalar(_VERSION, {"namespace": namespace}) or 0


def _cacheable_request(args: frozenset[str], audience) -> bool:
    return (request.method == "GET" and not current_app.config.get("PAGE_CACHE_DISABLED")
            and args.issuperset(request.args.keys()) and "_flashes" not in session
            and (audience is not None or not current_user.is_authenticated))


def _audience_key(audience) -> tuple | None:
    """Who the page is for: None for anonymous visitors; for a signed-in person, their role
    (the layout's navigation shows areas by role) and what the view's ``audience`` returns."""
    if not current_user.is_authenticated:
        return None
    return (current_user.role, current_user.is_active, audience(current_user))


def cached_page(namespace: str, max_age: int | None = None, vary=None, args=(), audience=None):
    """Decorate a GET view whose output depends only on the URL and the data (and, for
    signed-in people, on their ``audience``).

    ``args`` are the query arguments the view reads; a request with others is not cached.
    ``max_age`` (seconds) is for pages that also depend on the clock (an event moves from
    "upcoming" to "past" with no write): their entries last at most that long. ``vary``, a
    function called per request, is for pages that also depend on something outside the
    database (the search index, which catches up just after a commit): what it returns is
    part of the key. ``audience(user)``, when given, lets signed-in people share the page too:
    it returns everything about the person, besides their role, that the page's shared part
    depends on, including every permission the view checks (a hit does not run the view);
    what is theirs alone must be a personal part (see the module's docstring).
    """
    known = frozenset(args)

    def decorator(view):
        @wraps(view)
        def wrapper(*view_args, **kwargs):
            if not _cacheable_request(known, audience):
                return view(*view_args, **kwargs)
            key = (namespace, current_version(namespace), str(get_locale()), request.full_path,
                   int(time.time() // max_age) if max_age else 0, vary() if vary else None,
                   _audience_key(audience))
            with _lock:
                hit = _pages.get(key)
                if hit is not None:
                    _pages.move_to_end(key)
            if hit is not None:
                return _replay(*hit[:3])
            response = current_app.make_response(view(*view_args, **kwargs))
            _store(key, response)
            return response

        return wrapper

    return decorator


# --- personal parts ---------------------------------------------------------------------------


def personal_part(name: str):
    """Register the renderer of the personal part ``name``: called once per page with the
    distinct arguments of its placeholders (strings), it returns ``{argument: html}`` for the
    person of the request (an argument it leaves out renders as nothing)."""
    def decorator(render):
        _PARTS[name] = render
        return render

    return decorator


def personal(name: str, arg="") -> Markup:
    """The template global: the person's own part ``name`` (for ``arg``, an id), left as a
    placeholder and filled before the response leaves. Anonymous visitors have none."""
    if not current_user.is_authenticated:
        return Markup("")
    arg = str(arg)
    if name not in _PARTS or not _PART_ARG.fullmatch(arg):
        raise ValueError(f"unknown personal part or bad argument: {name!r}, {arg!r}")
    # Both are safe: a renderer returns a rendered (escaped) template; name and argument
    # were checked above.
    if not g.get("personal_parts_open"):  # outside a request's response (a live event)
        return Markup(_PARTS[name]([arg]).get(arg, ""))  # noqa: S704
    return Markup(f"\x00part:{name}:{arg}\x00")  # noqa: S704


def _fill(body: bytes) -> bytes:
    if PART_PREFIX not in body:
        return body
    wanted: dict[str, dict[str, None]] = {}
    for name, arg in _PART.findall(body):
        wanted.setdefault(name.decode(), {})[arg.decode()] = None
    rendered = {name: _PARTS[name](list(args)) for name, args in wanted.items()}
    return _PART.sub(lambda match: str(rendered[match[1].decode()].get(match[2].decode(), ""))
                     .encode(), body)


def open_personal_parts() -> None:
    """Before a request: its templates leave placeholders for personal parts."""
    g.personal_parts_open = True


def fill_personal_parts(response: Response) -> Response:
    """After a request: the person's own parts rendered into the page (one pass per part)."""
    g.personal_parts_open = False
    if (response.direct_passthrough or response.is_streamed
            or response.mimetype != "text/html"):
        return response
    body = response.get_data()
    if PART_PREFIX in body:
        response.set_data(_fill(body))
    return response


def _replay(body: bytes, status: int, headers: list) -> Response:
    if TOKEN_PLACEHOLDER.encode() in body:
        body = body.replace(TOKEN_PLACEHOLDER.encode(), generate_csrf().encode())
    if KEY_PLACEHOLDER.encode() in body:  # each form of each visitor gets a key of its own
        body = re.sub(re.escape(KEY_PLACEHOLDER.encode()),
                      lambda _match: submissions.new_key().encode(), body)
    return Response(body, status=status, headers=headers)


def role_only(_user) -> tuple:
    """The ``audience`` of a page whose shared part depends on nothing about the person but
    their role (everything else of theirs is in personal parts)."""
    return ()


def not_shared() -> None:
    """Called by a cached view whose page, this time, is not for everyone of its audience (a
    draft event that only its organizers may see): the page is answered, not kept."""
    g.page_not_shared = True


def _store(key, response: Response) -> None:
    if (response.status_code != 200 or response.direct_passthrough or response.is_streamed
            or g.get("page_not_shared")):
        return
    body = response.get_data()
    if len(body) > MAX_BODY_BYTES:
        return
    token = g.get("csrf_token")
    if token:
        body = body.replace(token.encode(), TOKEN_PLACEHOLDER.encode())
    for rendered in g.get("rendered_submission_keys", ()):
        body = body.replace(rendered.encode(), KEY_PLACEHOLDER.encode())
    headers = [(k, v) for k, v in response.headers.items()
               if k.lower() not in {"set-cookie", "content-length"}]
    size = (len(body) + len(key[3]) + sum(len(k) + len(v) for k, v in headers)
            + ENTRY_OVERHEAD)
    limit = current_app.config.get("PAGE_CACHE_MAX_BYTES", DEFAULT_MAX_BYTES)
    if size > limit:
        return
    global _size
    with _lock:
        old = _pages.pop(key, None)
        if old is not None:
            _size -= old[3]
        _pages[key] = (body, response.status_code, headers, size)
        _size += size
        while _size > limit:
            _evicted, entry = _pages.popitem(last=False)
            _size -= entry[3]


def stored_bytes() -> int:
    """What the pages kept by this process weigh (the figure ``PAGE_CACHE_MAX_BYTES`` bounds)."""
    return _size


def kept_value(namespace: str, key: tuple, compute):
    """A value computed from the data of ``namespace`` (a list's facet counts), shared by
    every visitor of this process while the namespace's version holds: one indexed read
    instead of the value's own queries. Kept only in GET requests, which never write, so a
    value is never counted from a transaction that may still roll back."""
    if not (has_request_context() and request.method in ("GET", "HEAD")):
        return compute()
    version = current_version(namespace)
    full_key = (namespace, key)
    with _lock:
        entry = _values.get(full_key)
        if entry is not None and entry[0] == version:
            _values.move_to_end(full_key)
            return entry[1]
    value = compute()
    with _lock:
        _values[full_key] = (version, value)
        _values.move_to_end(full_key)
        while len(_values) > VALUES_KEPT:
            _values.popitem(last=False)
    return value


def clear() -> None:
    global _size
    with _lock:
        _pages.clear()
        _values.clear()
        _size = 0
