"""Every state-changing form acts at most once: generated from the URL map.

Each rule that takes POST, PUT, PATCH or DELETE is sent twice with one submission key, as a
double tap or a retry after a reset connection sends it, by a role the route × role table
(``tests/test_routes_roles.py``) lets through, with the table's form data (``POST_DATA``) or
the fuller data below. The first send must store its key (it acted); the second must give the
same answer (status and Location) and leave every table's row count as the first left it.

A new POST rule is walked without a line here; it fails until the walk can make it act
(data in ``FORM_DATA``) or it is named in ``EXEMPT`` with the reason why a second send is
harmless or cannot happen.

One world per group of modules, not per rule: a world costs most of a second and there are
over a hundred rules. Within a group the rules run in a fixed order, the ones that end
something (cancel, remove, withdraw) after the ones that need it.
"""

import io
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from fpdf import FPDF
from PIL import Image
from sqlalchemy import func, select, union_all
from werkzeug.datastructures import MultiDict

from community.core import submissions
from community.core.models import SubmissionKey
from community.extensions import db as _db
from community.extensions import limiter
from tests.conftest import PASSWORD
from tests.events.conftest import event_form
from tests.route_roles import ROLES
from tests.test_routes_roles import POST_DATA, ROUTES, world  # noqa: F401 - the fixture

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Rules a double send cannot harm, or that cannot carry a key; say why.
EXEMPT = {
    "accounts.sign_in": "signing in twice opens the same account; the form is for anonymous "
                        "visitors, whose session the first answer replaces",
    "accounts.sign_out": "signing out twice leaves the device signed out",
    "accounts.sign_out_everywhere": "ends every session: the second send comes signed out",
    "accounts.close_account": "closes the account and signs out: a second send comes from a "
                              "signed-out device and is sent to sign in",
    "main.set_language": "sets a preference of the session to one value: idempotent",
    "accounts.notification_read": "marks one notice read: idempotent",
    "forums.conversation_read": "marks a conversation read up to now: idempotent",
    "forums.preview": "renders the text, writes nothing (JSON for forums.js)",
    "surveys.builder_reorder": "posts the whole order (survey-builder.js): idempotent",
    "forums.reorder_categories": "posts the whole order: idempotent",
    "library.oai_pmh": "OAI-PMH harvesting protocol: reads only (POST is a GET with a body)",
}

# Rules the walk reaches but cannot make act with the world it has; say why (and where
# their own tests are).
_TOKEN = "needs the signed token of a mail the walk does not read (its module's tests use one)"
_FILE = "needs an uploaded file (its module's tests upload one); the key rides in the same form"
NOT_EXERCISED: dict[str, str] = {
    "accounts.confirm_email": _TOKEN,
    "accounts.confirm_email_change": _TOKEN,
    "accounts.reset_password": _TOKEN,
    "profiles.accept_invitation": _TOKEN,
    "profiles.claim_code": "the code is mailed, hashed; a wrong code is refused (each "
                           "refusal counts an attempt, by design)",
    "accounts.accept_privacy": "the walk's people have accepted the current notice already",
    "accounts.resend_confirmation": "the walk's people have confirmed their address already",
    "events.check_in": "attendance is taken on the event's day; the walk's events are a week "
                       "away (tests/events/test_attendance*.py)",
    "events.check_in_ticket_confirm": "attendance is taken on the event's day; the walk's "
                                      "events are a week away",
    "events.conclude": "an event concludes after it ends; the walk's events are a week away",
    "events.add_session": "a session must fall inside the event's hours, which the walk does "
                          "not read (tests/events cover the programme)",
    "events.remove_session": "the table names no session of the programme to remove",
    "profiles.member_decide": "the world's request to join was decided already",
    "staff.padron_upload": _FILE,
    "staff.padron_apply": "applies an uploaded padrón after its dry run (tests/profiles/"
                          "test_padron*.py)",
    "advisory.case_conclude": "a case concludes once it is ready to close, which the walk's "
                              "case is not (tests/advisory cover it)",
}

NEW_PASSWORD = "otra-frase-segura-2027"

# Form data beyond the page's own fields and the route table's (which checks permissions,
# not success); a function gets the signed-in user.
FORM_DATA: dict = {
    "accounts.change_email": {"current_password": PASSWORD, "new_email": "nuevo@ejemplo.mx"},
    "accounts.change_password": {"current_password": PASSWORD,
                                 "new_password": NEW_PASSWORD},
    "accounts.forgot_password": {"email": "osc_admin@ejemplo.mx"},
    "accounts.sign_up": {"name": "Persona Nueva", "email": "nueva@ejemplo.mx",
                         "password": NEW_PASSWORD, "municipality": "15106",
                         "accept_privacy": "y"},
    "advisory.case_assign": lambda user, _url: {"assignee_id": str(user.id)},
    "advisory.request_form": {"description": "Queremos constituir una asociación civil.",
                              "proposed_name": "Vecinos Unidos", "founders_count": "5",
                              "contact_name": "Ana López", "contact_email": "ana@ejemplo.mx",
                              "contact_phone": "7221234567"},
    "forums.edit_category": {"name": "Conversación general de las OSC"},
    "forums.edit_post": {"body": "Texto corregido del mensaje, con más detalle."},
    "forums.new_conversation": lambda _user, _url: {
        "to": _member_handle(), "subject": "Hola", "body": "Un mensaje privado."},
    "events.new": event_form(title="Encuentro de OSC del valle"),
    "library.manage_new": {"title": "Manual de pruebas", "kind": "manual", "creators": "Ana López",
                           "issued": "2026", "description": "Un manual para probar."},
    "library.manage_series_new": {"title": "Serie de pruebas"},
    "library.manage_subjects": {"name": "Tema nuevo de prueba"},
    "profiles.invite": {"email": "invitada@ejemplo.mx", "role": "member"},
    "profiles.upload_document": {"kind": "acta"},
    "profiles.register": {"name": "OSC Nueva del Valle", "municipality_code": "15106",
                          "activities": ["IX"]},
    "profiles.edit": {"mission": "Trabajamos con las familias del valle desde 2010."},
    "staff.decide_organization": {"decision": "deactivate", "reason": "Dejó de operar."},
    "surveys.builder_section_edit": lambda _user, url: {
        f"s{url.rstrip('/').rsplit('/', 1)[-1]}-title": "Sobre la sede"},
    "forums.new_topic": {"title": "Un tema con un título largo", "body": "Y su mensaje."},
    "forums.report_post": {"reason": "Es publicidad de un producto."},
    "forums.subscribe_topic": {"subscribe": "0"},
    "forums.suspend_user": {"days": "7", "reason": "Mensajes ofensivos repetidos."},
    "surveys.builder_question_edit": {"text": "¿Qué tan útil te resultó el taller?"},
    "surveys.builder_question_new": {"text": "¿Recomendarías el taller?",
                                     "options": "Sí\nNo"},
}

def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (138, 21, 56)).save(buffer, "PNG")
    return buffer.getvalue()


def _pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Acta constitutiva")
    return bytes(pdf.output())


# Files a form uploads: {field: (content, name)}, sent anew with each of the two sends.
FILES = {
    "profiles.upload_logo": lambda: {"logo": (_png(), "logo.png")},
    "profiles.upload_document": lambda: {"document": (_pdf(), "acta.pdf")},
    "library.manage_upload": lambda: {"file": (_pdf(), "manual.pdf")},
}

# Who walks a rule when the table's first fitting role would spoil the walk (a person's own
# account settings go to a spare citizen, not to the OSC's admin the other rules need).
ROLE = {"accounts.change_email": "citizen", "accounts.change_password": "citizen",
        "forums.send_message": "osc_member",
        "events.register": "citizen", "profiles.join": "citizen"}

# Rules that end what others need: walked last, in this order.
LAST = ("advisory.case_outcome", "advisory.case_conclude", "advisory.case_cancel",
        "advisory.withdraw", "events.cancel", "forums.lift_suspension", "forums.leave_conversation",
        "surveys.builder_question_delete", "surveys.builder_section_delete",
        "profiles.member_remove",
        "accounts.change_email", "accounts.change_password")


def _member_handle() -> str:
    from community.accounts.models import User
    from community.forums.notices import handle_of

    return handle_of(_db.session.scalar(select(User).where(
        User.email == "osc_member@ejemplo.mx")))


ROLE_ORDER = ("osc_admin", "staff", "admin", "osc_member", "citizen", "other_osc_admin",
              "anonymous")


def write_rules(app) -> dict[str, str]:
    """{endpoint: method} of every rule that changes state."""
    rules = {}
    for rule in app.url_map.iter_rules():
        methods = rule.methods & WRITE_METHODS
        if methods:
            rules[rule.endpoint] = sorted(methods)[0]
    return rules


def _role_for(endpoint: str) -> str | None:
    """Who may use the rule: for a form page (a GET row of the table), a role that gets the
    page; for a POST row, one that is let through (a redirect after success or a refusal
    with a message: the walk's data may do better than the table's)."""
    method, _url, statuses = ROUTES[endpoint]
    wanted = (200,) if method == "GET" else (200, 302, 303, 422)
    for role in ROLE_ORDER:
        if statuses[role] in wanted and not (role == "anonymous" and statuses[role] == 302):
            return role
    return None


class _FormFields(HTMLParser):
    """What a browser sends for the page's POST form to ``action``: hidden and filled
    inputs, checked boxes, selected options, textareas, and the first option of a radio
    group where none is chosen."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.fields, self._in = action, [], False
        self._select = self._textarea = None
        self._options: list[tuple[str, bool]] = []
        self._radios: dict[str, str] = {}
        self._checked: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._in = (attrs.get("method", "").lower() == "post"
                        and urlsplit(attrs.get("action", "")).path in ("", self.action)
                        and not self.fields)
        elif not self._in:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text").lower()
            if kind == "radio":
                self._radios.setdefault(attrs["name"], attrs.get("value", "on"))
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind == "radio":
                self._checked.add(attrs["name"])
            if kind not in ("submit", "button", "image", "reset", "file"):
                self.fields.append((attrs["name"], attrs.get("value", "on" if kind in (
                    "checkbox", "radio") else "")))
        elif tag == "select" and attrs.get("name"):
            self._select, self._options = attrs["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data) -> None:
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag) -> None:
        if tag == "form" and self._in:
            self._in = False
            # a person picks an option where none is chosen (the first one)
            self.fields.extend((name, value) for name, value in self._radios.items()
                               if name not in self._checked)
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or \
                [v for v, _ in self._options if v][:1]  # a person picks a real option
            self.fields.extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea[0], self._textarea[1].lstrip("\n")))
            self._textarea = None


def _page_fields(client, url: str) -> MultiDict:
    """The form's own fields as its page shows them (edit forms come filled in)."""
    response = client.get(url)
    if response.status_code != 200 or response.mimetype != "text/html":
        return MultiDict()
    parser = _FormFields(urlsplit(url).path)
    parser.feed(response.get_data(as_text=True))
    return MultiDict([(k, v) for k, v in parser.fields
                      if k not in ("csrf_token", submissions.FIELD)])


def _counts() -> dict[str, int]:
    tables = [t for t in _db.metadata.sorted_tables if t.name != SubmissionKey.__tablename__]
    query = union_all(*(select(func.count()).select_from(t) for t in tables))
    return dict(zip((t.name for t in tables), _db.session.scalars(query), strict=True))


def _stored(key: str) -> SubmissionKey | None:
    _db.session.rollback()
    return _db.session.scalar(select(SubmissionKey).where(SubmissionKey.key == key))


class _Clients:
    """One signed-in test client per role, made on first use."""

    def __init__(self, app, people, make_user):
        self.app, self.people, self.make_user, self.clients = app, people, make_user, {}
        self.users: dict = {}

    def __call__(self, role: str):
        if role not in self.clients:
            client = self.app.test_client()
            client.get("/")  # the session's CSRF secret: an anonymous visitor's key scope
            if role != "anonymous":
                user = self.people.get(role) or self.make_user(role=role)
                self.users[role] = user
                response = client.post("/cuenta/entrar",
                                       data={"email": user.email, "password": PASSWORD})
                assert response.status_code == 302, role
            self.clients[role] = client
        return self.clients[role]


def _answer(response) -> tuple[int, str | None]:
    return response.status_code, response.headers.get("Location")


def _why(client, response) -> str:
    """The messages a refused send showed (next to the fields, or flashed after a redirect),
    to say in a failure why a rule did not act."""
    body = response.get_data(as_text=True)
    if response.status_code in (302, 303) and response.mimetype == "text/html":
        body = client.get(response.headers["Location"]).get_data(as_text=True)
    found = re.findall(r'class="(?:field-error|flash[^"]*)"[^>]*>(.*?)</(?:p|div|li)>', body,
                       re.S)
    return "; ".join(re.sub(r"<[^>]+>|\s+", " ", text).strip() for text in found)[:300]


def _send_twice(client, method: str, url: str, data: MultiDict, files=None) -> dict:
    key = submissions.new_key()

    def payload() -> MultiDict:
        sent = MultiDict(data)
        sent[submissions.FIELD] = key
        for name, (content, file_name) in (files() if files else {}).items():
            sent[name] = (io.BytesIO(content), file_name)
        return sent

    before = _counts()
    first = client.open(url, method=method, data=payload())
    why = _why(client, first)
    after_first = _counts()
    stored = _stored(key)
    second = client.open(url, method=method, data=payload())
    after_second = _counts()
    return {"first": _answer(first), "second": _answer(second), "stored": stored, "why": why,
            "acted": before != after_first,
            "changed": {t: (after_first[t], after_second[t]) for t in after_first
                        if after_first[t] != after_second[t]}}


def _url(endpoint: str, places: dict) -> str:
    return ROUTES[endpoint][1].format(**{k: v for k, v in places.items() if k != "people"})


# Modules walked in one world; each group is one test (pytest-xdist spreads them).
GROUPS = {"accounts-staff": ("accounts", "main", "staff"),
          "advisory-library": ("advisory", "library"),
          "events-profiles": ("events", "profiles"),
          "forums": ("forums",),
          "surveys": ("surveys",)}


def _group_of(endpoint: str) -> str | None:
    module = endpoint.split(".")[0]
    return next((name for name, modules in GROUPS.items() if module in modules), None)


@pytest.fixture
def unlimited(app):
    app.config["WTF_CSRF_ENABLED"] = False
    saved, limiter.enabled = limiter.enabled, False
    yield app
    limiter.enabled = saved


def _walk(app, places, make_user, endpoints) -> dict:
    clients = _Clients(app, places["people"], make_user)
    rules = write_rules(app)
    results = {}
    order = sorted(endpoints, key=lambda e: (LAST.index(e) if e in LAST else -1, e))
    for endpoint in order:
        role = ROLE.get(endpoint) or _role_for(endpoint)
        if role is None and endpoint in NOT_EXERCISED:
            continue
        if role is None:
            results[endpoint] = {"skipped": "no role may use it"}
            continue
        client, url = clients(role), _url(endpoint, places)
        data = _page_fields(client, url) if ROUTES[endpoint][0] == "GET" else MultiDict()
        extra = FORM_DATA.get(endpoint, {})
        extra = extra(clients.users.get(role), url) if callable(extra) else extra
        for name, value in {**POST_DATA.get(endpoint, {}), **extra}.items():
            if isinstance(value, list):
                data.setlist(name, value)
            else:
                data[name] = value
        results[endpoint] = {"role": role, **_send_twice(client, rules[endpoint], url, data,
                                                         FILES.get(endpoint))}
    return results


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_every_form_sent_twice_with_one_key_acts_once(app, unlimited, world, make_user,  # noqa: F811
                                                      group):
    endpoints = [e for e in write_rules(app) if _group_of(e) == group and e not in EXEMPT]
    results = _walk(app, world, make_user, endpoints)
    failures, idle = [], []
    for endpoint, result in sorted(results.items()):
        if "skipped" in result:
            idle.append(f"{endpoint}: {result['skipped']}")
            continue
        stored = result["stored"]
        if stored is None or stored.status is None:
            if endpoint not in NOT_EXERCISED:
                idle.append(f"{endpoint} ({result['role']}): did not act, answered "
                            f"{result['first']}: {result['why']}")
            continue
        if endpoint in NOT_EXERCISED:
            failures.append(f"{endpoint} acts now: drop it from NOT_EXERCISED")
        first, second = result["first"], result["second"]
        replayed = second == first if 300 <= first[0] < 400 else second[0] == 409
        if not replayed:
            failures.append(f"{endpoint} ({result['role']}): first {first}, second {second}")
        if result["changed"]:
            failures.append(f"{endpoint} ({result['role']}): the second send changed "
                            f"{result['changed']}")
    assert not failures, "\n".join(failures)
    assert not idle, "\n".join(idle)


def test_every_write_rule_is_walked_or_exempt(app):
    rules = write_rules(app)
    missing = sorted(e for e in rules if e not in EXEMPT and _group_of(e) is None)
    assert not missing, f"add their module to GROUPS: {missing}"
    stale = sorted((EXEMPT.keys() | NOT_EXERCISED.keys() | FORM_DATA.keys() | FILES.keys())
                   - rules.keys())
    assert not stale, f"no such write rule any more: {stale}"
    assert all(len(reason) > 20 for reason in (*EXEMPT.values(), *NOT_EXERCISED.values()))
    assert not (EXEMPT.keys() & NOT_EXERCISED.keys())
    assert set(ROLE_ORDER) == set(ROLES)
