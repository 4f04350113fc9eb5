"""Signed-in pages shared by an audience (core.pagecache): nothing of one person's page may
reach another's.

Each page below is visited by people of the demo who share an audience (two citizens of one
municipality, members of validated OSCs) and by people who do not (an OSC's admin who runs
events, staff, an admin), twice over so that every second visit is served from the cache.
Every page each person got is then compared with the page rendered for them alone, with the
cache off: the same bytes, once each form's one-time keys are set aside. The people differ in
what is theirs: unread notices and messages, topics read to different posts, a category
followed, the privacy notice to accept, an event they registered to (or why they may not),
a draft event that one of them organizes (never shared: the others get a 404).
"""

import contextlib
import re
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import select

from community.accounts.models import User
from community.core import pagecache
from community.core.errors import ValidationError
from community.core.models import Notification
from community.core.timeutil import utcnow
from community.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from community.events import queries as event_queries
from community.events import services as event_services
from community.events.models import Event
from community.extensions import db as _db
from community.forums.models import Category, Subscription, Topic, TopicRead
from community.profiles.models import Membership, Organization
from tests.conftest import sign_in

ONE_TIME_VALUES = re.compile(r'(name="(?:csrf_token|submission_key)" value=")[^"]+"')


def _comparable(body: str) -> str:
    return ONE_TIME_VALUES.sub(r'\1…"', body)


def _people() -> list[User]:
    """Two citizens of one municipality in no OSC (one audience), members and admins of
    validated OSCs, staff and an admin: some share an audience, some do not."""
    by_email = {email: _db.session.scalar(select(User).where(User.email == email))
                for email, *_rest in DEMO_ACCOUNTS}
    citizen = by_email[DEMO_ACCOUNTS[2][0]]
    neighbours = list(_db.session.scalars(select(User).where(
        User.role == "citizen", User.municipality_code == citizen.municipality_code,
        User.id != citizen.id,
        ~select(Membership.id).where(Membership.user_id == User.id).exists()).limit(2)))

    def in_validated_osc(role: str, count: int) -> list[User]:
        return list(_db.session.scalars(
            select(User).join(Membership, Membership.user_id == User.id)
            .join(Organization, Organization.id == Membership.organization_id)
            .where(User.role == "citizen", Membership.role == role,
                   Membership.status == "active", Organization.status == "validated")
            .distinct().order_by(User.id).limit(count)))

    members = [*in_validated_osc("member", 2), *in_validated_osc("admin", 3)]
    people = [*neighbours, citizen, *members, by_email[DEMO_ACCOUNTS[1][0]],
              by_email[DEMO_ACCOUNTS[0][0]]]
    unique = {person.id: person for person in people if person is not None}
    return list(unique.values())


def _make_them_differ(people: list[User]) -> None:
    """What is each person's own: notices, read marks, a followed category, the notice."""
    topics = list(_db.session.scalars(select(Topic).order_by(Topic.last_posted_at.desc())
                                      .limit(6)))
    categories = list(_db.session.scalars(select(Category).order_by(Category.position)))
    _db.session.execute(TopicRead.__table__.delete().where(
        TopicRead.user_id.in_([person.id for person in people])))
    for index, person in enumerate(people):
        for number in range(index % 3):
            _db.session.add(Notification(user_id=person.id, kind="forum_reply",
                                         message=f"Aviso {number} de {person.name}",
                                         url="/foros"))
        for topic in topics[index % 2::2]:
            _db.session.add(TopicRead(user_id=person.id, topic_id=topic.id,
                                      last_read_number=max(topic.last_post_number - index, 0),
                                      read_at=utcnow() - timedelta(hours=index)))
        if index % 2:
            _db.session.add(Subscription(user_id=person.id, category_id=categories[0].id))
            person.privacy_version = None
    _db.session.commit()
    upcoming = _upcoming_event()
    for person in people[::2]:
        # The event's own rule may refuse someone (members only...): their box says why.
        with contextlib.suppress(ValidationError):
            event_services.register(person, upcoming)
    _db.session.commit()


def _upcoming_event() -> Event:
    return _db.session.scalar(select(Event).where(
        Event.status == "published", Event.starts_at > utcnow() + timedelta(days=2))
        .order_by(Event.starts_at).limit(1))


def _draft_of_an_admin(people: list[User]) -> Event:
    """A demo event turned into a draft organized by an OSC one of the people administers:
    they see it, the others of their role get a 404, never their page from the cache."""
    organizer = _db.session.execute(
        select(Membership.organization_id).where(
            Membership.user_id.in_([person.id for person in people]),
            Membership.role == "admin", Membership.status == "active").limit(1)).scalar()
    draft = _db.session.scalar(select(Event).where(Event.status == "published")
                               .order_by(Event.starts_at.desc()).limit(1))
    draft.status, draft.organization_id = "draft", organizer
    _db.session.commit()
    return draft


def _pages(people: list[User]) -> list[str]:
    categories = list(_db.session.scalars(select(Category).order_by(Category.position)))
    today = event_queries.local_today()
    restricted = [c.slug for c in categories if c.members_only][:1]
    return ["/foros", f"/foros/{categories[0].slug}", *(f"/foros/{slug}" for slug in restricted),
            "/eventos", "/eventos?pasados=1", "/eventos?mi_municipio=1",
            f"/eventos/mes/{today.year}/{today.month}", f"/eventos/{_upcoming_event().slug}",
            f"/eventos/{_draft_of_an_admin(people).slug}"]


@pytest.fixture
def replays(monkeypatch):
    served = []
    replay = pagecache._replay

    def counting(*args):
        served.append(args[1])
        return replay(*args)

    monkeypatch.setattr(pagecache, "_replay", counting)
    return served


def test_each_person_gets_their_own_page_from_the_shared_one(app, demo_world, replays):
    people = _people()
    assert len(people) >= 7, [person.email for person in people]
    _make_them_differ(people)
    clients = {}
    for person in people:
        clients[person.id] = app.test_client()
        assert sign_in(clients[person.id], person.email, DEMO_PASSWORD).status_code == 302
        clients[person.id].get("/cuenta")  # shows the greeting: the flashes are empty again
    pages = _pages(people)
    served, answered = {}, [0, 0]
    draft = pages[-1]
    for round_ in range(2):
        before = len(replays)
        for path in pages:
            for person in people:
                response = clients[person.id].get(path)
                assert response.status_code in (200, 404), (path, person.email)
                served[(path, person.id, round_)] = response.get_data(as_text=True)
                answered[round_] += response.status_code == 200 and path != draft
        if round_ == 0:
            assert len(replays) >= 3, "people of one audience did not share a page"
    shared_second_visits = len(replays) - before

    app.config["PAGE_CACHE_DISABLED"] = True
    try:
        for (path, person_id, _round), body in served.items():
            alone = clients[person_id].get(path).get_data(as_text=True)
            assert _comparable(body) == _comparable(alone), (path, person_id)
    finally:
        app.config["PAGE_CACHE_DISABLED"] = False
    assert shared_second_visits == answered[1], "a second visit was not served from the cache"


def test_people_of_one_audience_see_their_own_header_and_marks(app, demo_world):
    people = _people()
    _make_them_differ(people)
    first, second = people[0], people[1]
    bodies = []
    for person in (first, second):
        client = app.test_client()
        sign_in(client, person.email, DEMO_PASSWORD)
        bodies.append(client.get("/foros").get_data(as_text=True))
    assert first.name in bodies[0] and first.name not in bodies[1]
    assert second.name in bodies[1] and second.name not in bodies[0]
    assert "\x00" not in bodies[0] + bodies[1]


# --- personal parts, one by one -----------------------------------------------------------


def test_a_part_must_be_known_and_its_argument_plain(app, make_user):
    user = make_user()
    with app.test_request_context("/"):
        from flask_login import login_user

        login_user(user)
        g.personal_parts_open = True
        with pytest.raises(ValueError):
            pagecache.personal("no_such_part", 1)
        with pytest.raises(ValueError):
            pagecache.personal("topic_badge", '1"><script>')
        assert str(pagecache.personal("topic_badge", 7)) == "\x00part:topic_badge:7\x00"


def test_anonymous_visitors_have_no_personal_parts(app):
    with app.test_request_context("/"):
        g.personal_parts_open = True
        assert str(pagecache.personal("account_nav")) == ""


def test_outside_a_response_a_part_is_rendered_at_once(app, make_user):
    """A template rendered for a live event (no response to fill) gets the part itself."""
    user = make_user(name="Rosa Part")
    with app.test_request_context("/"):
        from flask_login import login_user

        login_user(user)
        assert "Rosa Part" in str(pagecache.personal("account_nav"))


def test_a_placeholder_never_leaves_in_an_error_page(app, client, signed_in):
    signed_in()
    response = client.get("/foros/no-existe")
    assert response.status_code == 404
    assert b"\x00" not in response.get_data()


def test_parts_are_filled_before_the_page_is_compressed(app, client, signed_in):
    """The filling runs before compression (its hook is registered after it)."""
    import gzip

    person = signed_in(name="Persona Comprimida")
    for _visit in range(2):  # rendered, then from the cache
        response = client.get("/foros", headers={"Accept-Encoding": "gzip"})
        assert response.headers.get("Content-Encoding") == "gzip"
        body = gzip.decompress(response.get_data())
        assert b"\x00" not in body and person.name.encode() in body
