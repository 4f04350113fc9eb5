"""One-time submission keys (core.submissions): the key store, and the forum reply sent twice
through HTTP (a double tap, a retry after a reset, two at once, another person's key, a
refused form, a commit whose result was never recorded)."""

import re
import threading
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from community.core import pagecache, submissions
from community.core.models import SubmissionKey
from community.core.timeutil import utcnow
from community.extensions import db as _db
from community.forums import services as forums
from community.forums.models import Category, Post
from tests.conftest import client_as

KEY_RE = re.compile(r'name="submission_key" value="([^"]+)"')


class _FormKeys(HTMLParser):
    """The submission key of each POST form of a page: {action: key}."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: dict[str, str] = {}
        self._action: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self._action = attrs.get("action", "")
        elif tag == "input" and self._action is not None and \
                attrs.get("name") == submissions.FIELD:
            self.keys[self._action] = attrs.get("value", "")

    def handle_endtag(self, tag) -> None:
        if tag == "form":
            self._action = None


def form_keys_of(html: str) -> dict[str, str]:
    parser = _FormKeys()
    parser.feed(html)
    return parser.keys


# --- the store -----------------------------------------------------------------------------


def test_one_scope_stores_a_key_once_and_another_scope_has_its_own(db):
    db.session.add(SubmissionKey(scope="u:1", key="k" * 22, endpoint="forums.reply"))
    db.session.add(SubmissionKey(scope="u:2", key="k" * 22, endpoint="forums.reply"))
    db.session.commit()
    db.session.add(SubmissionKey(scope="u:1", key="k" * 22, endpoint="forums.reply"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_purge_forgets_old_keys_only(db):
    now = utcnow()
    for n, age in enumerate((timedelta(days=3), timedelta(hours=1))):
        db.session.add(SubmissionKey(scope="u:1", key=f"key-number-{n:012d}", endpoint="x",
                                     created_at=now - age))
    db.session.commit()
    assert submissions.purge() == 1
    db.session.commit()
    assert db.session.scalars(select(SubmissionKey.key)).all() == ["key-number-000000000001"]


def test_every_form_gets_a_new_key_with_the_sending_label(app):
    with app.test_request_context("/"):
        first, second = submissions.form_keys(), submissions.form_keys()
    keys = KEY_RE.findall(first) + KEY_RE.findall(second)
    assert len(set(keys)) == 2 and all(submissions.KEY_PATTERN.fullmatch(k) for k in keys)
    assert 'name="csrf_token"' in first and 'data-sending="Enviando…"' in first


@pytest.mark.parametrize("key", ["", "corto", "x" * 65, "con espacios y más de 16",
                                 "<script>alert(1)</script>xx"])
def test_a_malformed_key_is_ignored(app, key):
    with app.test_request_context("/", method="POST", data={"submission_key": key}):
        assert submissions.posted_key() is None


def test_a_cached_page_gives_each_visitor_new_keys(app, db):
    pages = [app.test_client().get("/osc/mapa").get_data(as_text=True) for _ in range(2)]
    assert pagecache.stored_bytes() > 0  # the second visitor got the stored page
    first, second = (set(KEY_RE.findall(page)) for page in pages)
    assert first and second and not first & second
    assert pagecache.KEY_PLACEHOLDER not in pages[1]


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_every_post_form_of_the_templates_carries_a_key():
    """A form's hidden fields come from form_keys() (or the csrf() macro, or a module's own
    macro that calls it); a bare CSRF token would leave the form without a key."""
    sources = {p: p.read_text() for p in TEMPLATES.rglob("*.html")}
    macros = {"csrf", "form_keys", "role_form"} | {
        name for text in sources.values() for name, body in re.findall(
            r"{%-?\s*macro\s+(\w+)\(.*?%}(.*?){%-?\s*endmacro", text, re.S)
        if "form_keys(" in body}
    calls = re.compile(r"{{-?\s*(" + "|".join(sorted(macros)) + r")\(")
    bare = [f"{path.relative_to(TEMPLATES)}: {body.strip()[:60]!r}"
            for path, text in sources.items()
            for body in re.findall(r'<form\b[^>]*method="post"[^>]*>(.*?)</form>', text,
                                   re.S | re.I)
            if not calls.search(body)]
    assert not bare, "\n".join(bare)


# --- through HTTP: the forum reply ---------------------------------------------------------


@pytest.fixture
def topic(db, make_user):
    category = Category(slug="general", name="General", description="Para conversar.",
                        position=1)
    db.session.add(category)
    topic = forums.create_topic(make_user(), category, {
        "title": "¿Cómo obtengo la CLUNI?", "body": "Necesitamos orientación."})
    db.session.commit()
    return topic


def _page(topic) -> str:
    return f"/foros/t/{topic.id}-{topic.slug}"


def _reply_form(client, topic) -> dict:
    """The reply form's hidden fields as a browser would send them."""
    html = client.get(_page(topic)).get_data(as_text=True)
    action = f"/foros/t/{topic.id}/responder"
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)
    return {"csrf_token": token, "submission_key": form_keys_of(html)[action]}


def _posts() -> int:
    _db.session.rollback()
    return _db.session.scalar(select(func.count()).select_from(Post))


def _reply(client, topic, fields, body="Cierra en marzo, según la convocatoria."):
    topic_id = topic if isinstance(topic, int) else topic.id
    return client.post(f"/foros/t/{topic_id}/responder", data={**fields, "body": body})


def test_a_reply_sent_twice_with_one_key_is_saved_once(app, topic, make_user):
    client = client_as(app, make_user())
    fields = _reply_form(client, topic)
    first = _reply(client, topic, fields)
    assert first.status_code == 302 and _posts() == 2
    second = _reply(client, topic, fields)
    assert (second.status_code, second.headers["Location"]) == (302, first.headers["Location"])
    assert _posts() == 2
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "Este formulario ya se había enviado; no lo guardamos de nuevo." in page
    stored = _db.session.scalar(select(SubmissionKey))
    assert (stored.endpoint, stored.status) == ("forums.reply", 302)
    third = _reply(client, topic, _reply_form(client, topic))  # a new form: a new reply
    assert third.status_code == 302 and _posts() == 3


def test_a_refused_reply_leaves_its_key_unused_and_the_page_gets_a_new_one(app, topic,
                                                                           make_user):
    client = client_as(app, make_user())
    fields = _reply_form(client, topic)
    refused = _reply(client, topic, fields, body="")
    assert refused.status_code == 422 and _posts() == 1
    assert fields["submission_key"] not in refused.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(SubmissionKey)) == 0
    assert _reply(client, topic, fields).status_code == 302 and _posts() == 2


def test_one_persons_key_never_replays_another_persons_result(app, topic, make_user):
    alice, bruno = client_as(app, make_user()), client_as(app, make_user())
    fields = _reply_form(alice, topic)
    assert _reply(alice, topic, fields).status_code == 302
    bruno_fields = {**_reply_form(bruno, topic), "submission_key": fields["submission_key"]}
    assert _reply(bruno, topic, bruno_fields, body="Yo también lo pregunto.").status_code == 302
    assert _posts() == 3
    page = bruno.get(_page(topic)).get_data(as_text=True)
    assert "ya se había enviado" not in page


def test_an_anonymous_visitor_is_scoped_by_the_session(app):
    with app.test_request_context("/"):
        assert submissions.request_scope() is None  # no form was shown in this session
        submissions.form_keys()
        scope = submissions.request_scope()
    assert scope.startswith("s:") and len(scope) == 34


def test_a_commit_whose_result_was_lost_answers_already_sent(app, topic, make_user):
    user = make_user()
    client = client_as(app, user)
    fields = _reply_form(client, topic)
    _db.session.add(SubmissionKey(scope=f"u:{user.id}", key=fields["submission_key"],
                                  endpoint="forums.reply",
                                  created_at=utcnow() - timedelta(minutes=1)))
    _db.session.commit()
    response = _reply(client, topic, fields)
    assert response.status_code == 409 and _posts() == 1
    assert "Este formulario ya se había enviado" in response.get_data(as_text=True)
    json = client.post(f"/foros/t/{topic.id}/responder", data={**fields, "body": "Otra."},
                       headers={"Accept": "application/json"})
    assert json.status_code == 409 and json.json["error"] == "Este formulario ya se había enviado"


def test_a_reply_whose_request_died_after_its_commit_is_not_saved_again(app, topic, make_user,
                                                                       monkeypatch):
    """The reply was committed, then the request failed before its answer was recorded (as
    when a worker is killed): the retry saves nothing and says the form had been sent."""
    from community.forums import views

    client = client_as(app, make_user())
    fields = _reply_form(client, topic)
    monkeypatch.setattr(views, "flash", _fail)
    with pytest.raises(RuntimeError):
        _reply(client, topic, fields)
    monkeypatch.undo()
    monkeypatch.setattr(submissions, "WAIT_FOR_RESULT_S", 0.2)
    _db.session.rollback()
    assert _posts() == 2
    retry = _reply(client, topic, fields)
    assert retry.status_code == 409 and _posts() == 2
    assert "Este formulario ya se había enviado" in retry.get_data(as_text=True)


def _fail(*_args, **_kwargs):
    raise RuntimeError("the worker died here")


def test_a_key_stored_by_a_racing_request_rolls_this_one_back(app, topic, make_user,
                                                              monkeypatch):
    """The lookup found nothing, then the other request committed first: this request's
    insert meets the unique constraint, its reply is rolled back, and it answers with the
    other's redirect."""
    user = make_user()
    client = client_as(app, user)
    fields = _reply_form(client, topic)
    first = _reply(client, topic, fields)
    monkeypatch.setattr(submissions, "find", _nothing_the_first_time(submissions.find))
    second = _reply(client, topic, fields)
    assert (second.status_code, second.headers["Location"]) == (302, first.headers["Location"])
    assert _posts() == 2


def _nothing_the_first_time(find):
    calls = {"n": 0}

    def fake(scope, key):
        calls["n"] += 1
        return None if calls["n"] == 1 else find(scope, key)

    return fake


def test_two_sends_at_once_save_one_reply(app, topic, make_user):
    """Two threads, each with its own connection (SQLite queues them on the write lock,
    PostgreSQL on the unique index): one reply, and both answers name it."""
    user = make_user()
    client = client_as(app, user)
    fields = _reply_form(client, topic)
    cookies = {c.key: c.value for c in client._cookies.values()}
    answers, start = [], threading.Barrier(2)

    def send():
        other = app.test_client()
        for name, value in cookies.items():
            other.set_cookie(name, value)
        start.wait()
        with app.app_context():
            response = _reply(other, topic_id, fields)
            answers.append((response.status_code, response.headers.get("Location")))
            _db.session.remove()

    topic_id, slug = topic.id, topic.slug
    _db.session.commit()
    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(answers) == 2 and answers[0] == answers[1], answers
    assert answers[0][0] == 302 and f"/foros/t/{topic_id}-{slug}" in answers[0][1]
    assert _posts() == 2
