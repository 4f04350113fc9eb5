"""Every page a person may use is reachable by following links from the home page.

For each role, a crawler starts at ``/`` and follows only what a person can click: ``<a href>``
links, and GET forms (search, filters) sent as their button sends them untouched; breadth
first, up to four clicks. Every GET route of the route × role table
(``tests/test_routes_roles.ROUTES``, which merges the modules' ``tests/*/route_table_*.py``)
that the role may use (status 200 in the table) must be reached, except the few in
``NOT_LINKED`` below. A route with a placeholder (an OSC's slug, a topic id) counts as
reached when any instance of it is: pages are matched to rules with ``app.url_map``.

A new module's pages get this check for free once they are in the table: a page nobody links
to fails here, with the role and the route named.
"""

from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from community.forums import moderation
from community.forums import services as forums
from community.forums.models import Category, Post
from tests.conftest import client_as
from tests.test_routes_roles import ROUTES, world  # noqa: F401 - the table's world fixture

MAX_CLICKS = 4
# Links to more instances of one rule rarely lead anywhere new (the 30 topics of a category,
# the months of the calendar): a few of each are followed.
PER_RULE = 4
CRAWLED_ROLES = ("anonymous", "citizen", "osc_member", "osc_admin", "staff", "admin")

# GET routes that are rightly not linked from any page; keep this short, and say why.
NOT_LINKED = {
    "static",  # files the pages load (<link>, <script>, <img>), not pages
    "main.healthz",  # for load balancers and monitoring
    "search.search_api",  # the JSON API, documented in README
    "profiles.api_detail",  # the JSON API
    "accounts.check_email",  # the page after signing up, reached through the form
    "profiles.accept_invitation",  # a signed link in an invitation mail
    "events.check_in_ticket",  # the link inside an attendee's QR code, read at the door
    "forums.post_fragment",  # HTML fragments the live pages fetch (forums.js, live.js)
    "forums.message_fragment",
    "forums.mentions",  # the @-mention autocomplete's JSON
    "pwa.manifest",  # the installable app's manifest, named by <link rel="manifest">
    "pwa.worker",  # the service worker, registered by static/js/pwa.js
    "pwa.offline",  # what the service worker shows offline
}
# ... and those that are for some roles only.
NOT_LINKED_FOR = {
    # The sign-in page links to it, and signed-in people never see that page (they change
    # their password in "Mi cuenta").
    "accounts.forgot_password": {"citizen", "osc_member", "osc_admin", "staff", "admin"},
    # An attendee's QR image: staff may open it as the event's managers, but they read it
    # at the door (events.check_in_ticket); the attendee's own pages link to it.
    "events.ticket_qr": {"staff", "admin"},
}


class _Links(HTMLParser):
    """The ``<a href>`` of a page, and each GET form as its button would send it untouched
    (every field with the value it shows: empty boxes, the selected option, checked boxes)."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs) -> None:
        attrs = {name: value or "" for name, value in attrs}
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        elif tag == "form" and attrs.get("method", "get").lower() == "get":
            self._form = {"actions": [attrs.get("action", "")], "fields": []}
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "image", "reset", "file"):
                self._form["fields"].append((attrs["name"], attrs.get("value", "")))
        elif tag == "button" and attrs.get("formaction"):
            self._form["actions"].append(attrs["formaction"])
        elif tag == "select" and attrs.get("name"):
            self._select, self._options = attrs["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((attrs.get("value", ""), "selected" in attrs))

    def handle_endtag(self, tag) -> None:
        if tag == "select" and self._form is not None and self._select is not None:
            chosen = [value for value, selected in self._options if selected] or \
                [value for value, _ in self._options[:1]]
            self._form["fields"].extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "form" and self._form is not None:
            query = urlencode(self._form["fields"])
            self.hrefs.extend(f"{action.split('?')[0]}?{query}" if query else action
                              for action in self._form["actions"])
            self._form = None


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def _same_site_path(href: str, page: str) -> str | None:
    """The path and query a link leads to on this site, without its #fragment."""
    parts = urlsplit(urljoin("http://localhost" + page, href))
    if parts.scheme not in ("http", "https") or parts.netloc != "localhost":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, app, max_clicks: int = MAX_CLICKS) -> dict[str, tuple[str, int]]:
    """{endpoint: (first URL that answered 200, clicks from /)} for what this client reaches."""
    adapter = app.url_map.bind("localhost")

    def endpoint_of(path: str) -> str | None:
        try:
            return adapter.match(urlsplit(path).path, method="GET")[0]
        except HTTPException:  # no such page, a POST-only rule, or a slash redirect
            return None

    reached: dict[str, tuple[str, int]] = {}
    followed: Counter = Counter()
    seen = {"/"}
    queue = deque([("/", 0)])
    while queue:
        path, clicks = queue.popleft()
        response = client.get(path, follow_redirects=True)
        body = response.get_data()  # streamed downloads too, so that they finish
        response.close()
        landed = response.request.path + (f"?{response.request.query_string.decode()}"
                                          if response.request.query_string else "")
        endpoint = endpoint_of(landed)
        if response.status_code == 200 and endpoint:
            reached.setdefault(endpoint, (path, clicks))
        if clicks == max_clicks or response.mimetype != "text/html":
            continue
        for href in links_of(body.decode()):
            target = _same_site_path(href, landed)
            if target is None or target in seen:
                continue
            rule = endpoint_of(target)
            if rule is None or followed[rule] >= PER_RULE:
                continue
            followed[rule] += 1
            seen.add(target)
            queue.append((target, clicks + 1))
    return reached


def usable_pages(role: str) -> set[str]:
    """GET routes the table gives this role a 200 for."""
    return {endpoint for endpoint, (method, _url, statuses) in ROUTES.items()
            if method == "GET" and statuses[role] == 200}


@pytest.fixture
def crawl_world(request, db, make_user):
    """The route table's world (two validated OSCs with admins and a member, a pending legal
    change, events and a registration, forum categories, topics and a conversation), plus
    what a living community has on top: a followed topic with news, an edited post, a
    report for the moderators."""
    table_world = request.getfixturevalue("world")
    people = table_world["people"]
    category = db.session.scalar(db.select(Category).where(Category.slug == "general"))
    topic = forums.create_topic(people["osc_admin"], category, {
        "title": "Calendario de la convocatoria", "body": "¿Cuándo cierra?"})
    db.session.flush()
    forums.reply(people["osc_member"], topic, {"body": "Cierra en marzo."})
    post = db.session.scalar(db.select(Post).where(Post.topic_id == topic.id,
                                                   Post.number == 1))
    forums.edit_post(people["osc_admin"], post, {"body": "¿Cuándo cierra la convocatoria?"})
    moderation.report_post(people["other_osc_admin"], post, "Tema repetido")
    db.session.commit()
    return table_world


@pytest.mark.parametrize("role", CRAWLED_ROLES)
def test_every_page_is_reachable_within_four_clicks(app, make_user, crawl_world, role):
    people = crawl_world["people"]
    if role == "anonymous":
        client = app.test_client()
    else:
        client = client_as(app, people.get(role) or make_user(role=role))
    reached = crawl(client, app)
    excluded = NOT_LINKED | {e for e, roles in NOT_LINKED_FOR.items() if role in roles}
    missing = sorted(usable_pages(role) - excluded - reached.keys())
    assert not missing, (f"{role} cannot reach these pages within {MAX_CLICKS} clicks of /: "
                         f"{missing}")
    linked_after_all = sorted(excluded & reached.keys())
    assert not linked_after_all, f"linked for {role}, drop from the exclusions: {linked_after_all}"


def test_the_exclusions_are_still_needed():
    """A route that left the table, or that nobody may open, has no place in NOT_LINKED."""
    for endpoint in NOT_LINKED:
        assert endpoint in ROUTES, endpoint
        assert any(status == 200 for status in ROUTES[endpoint][2].values()), endpoint
    for endpoint, roles in NOT_LINKED_FOR.items():
        assert endpoint not in NOT_LINKED, endpoint
        assert all(ROUTES[endpoint][2][role] == 200 for role in roles), endpoint


def test_what_the_crawler_clicks():
    html = ('<a href="/osc">x</a><link href="/static/a.css">'
            '<form method="post" action="/cuenta/salir"><button>Salir</button></form>'
            '<form action="/buscar"><input name="q"><input type="checkbox" name="x">'
            '<select name="m"><option value="1">1</option><option value="2" selected>2'
            '</option></select><button formaction="/buscar.json">JSON</button></form>'
            '<a href="https://example.org/">y</a><a href="#contenido">z</a>')
    paths = [_same_site_path(h, "/eventos") for h in links_of(html)]
    assert paths == ["/osc", "/buscar?q=&m=2", "/buscar.json?q=&m=2", None, "/eventos"]
