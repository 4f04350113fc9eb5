"""Issue 18: every page type sends the same number of SQL statements with 20 items as with 200,
so an N+1 (one statement per row shown) cannot come back unnoticed.

Each test builds a page's data with 20 items, counts the statements of one request (after a
warming visit: a first visit loads catalogues and caches), adds 180 more items, counts again,
and asserts that both counts are equal and within the page's budget in ``BUDGETS``.

The lists are paginated (20 to 50 rows a page), so a page with 20 items and one with 200 would
show the same rows; ``one_page`` raises every page size above 200, so each row of the data is
rendered and a statement per row would show as 180 more statements. The search page keeps its
size (the service takes it as a default argument); there the budget is the guard.

Rows are added in bulk with the models (a commit per batch), not through the services: 200
registrations or posts through the services would cost seconds per test.

Some signed-in pages are shared by everyone of an audience and kept rendered (core.pagecache),
with the person's own parts filled in per request. Each page is counted twice: rendered (the
cache off: the real work, which the budgets bound) and served from the cache (the shared page
kept, the personal parts filled in: ``SHARED_BUDGETS``); both counts must not grow with the
items either, since a personal part is filled for all the rows of a page at once.
"""

from datetime import date, timedelta
from itertools import cycle

import pytest

from community.accounts.models import User
from community.advisory import staff_views as advisory_staff_views
from community.advisory.models import AdvisoryRequest
from community.core.models import ActivityArea, Notification
from community.core.text import fold, slugify
from community.core.timeutil import utcnow
from community.events import queries as event_queries
from community.events.models import Event, EventTopic, Registration
from community.extensions import db as _db
from community.forums import access as forum_access
from community.forums import queries as forum_queries
from community.forums.models import Category, Post, Subscription, Topic, TopicRead
from community.library import queries as library_queries
from community.library.models import Creator, Resource, Series, Subject
from community.profiles import queries as profile_queries
from community.profiles import services as registry
from community.profiles.models import Membership, Organization
from community.surveys.models import Survey, SurveyInvitation
from tests.conftest import client_as, page_queries

FEW, MANY = 20, 200

#: The most statements each page may send (the counts measured when this file was written;
#: they are the same on SQLite and PostgreSQL). A page over its budget grew a query: if it
#: is one per row, fix the page; if it is one per page, raise the budget in the same commit.
BUDGETS = {
    "forum_index": 11,  # /foros: 20 or 200 categories, each with a topic
    "forum_category": 9,  # /foros/<category>: 20 or 200 topics
    "forum_topic": 12,  # /foros/t/<id>-<slug>: 21 or 201 posts
    "event_calendar": 8,  # /eventos: 20 or 200 upcoming events, registered to a quarter
    "event_page": 9,  # /eventos/<slug>: 21 or 201 registrations, one of them the visitor's
    "my_registrations": 5,  # /eventos/mis-registros: 20 or 200 registrations
    "my_registrations_waiting": 6,  # the same on waiting lists: + their places, in one query
    "osc_directory": 7,  # /osc: 20 or 200 validated OSCs
    "search": 5,  # /buscar?q=ambiental: 20 or 200 matching OSCs
    "library": 16,  # /biblioteca: 20 or 200 resources (and their articles); facets kept
    "advisory_queue": 7,  # /personal/asesorias (staff): 20 or 200 open requests
    "surveys": 6,  # /encuestas: 20 or 200 surveys (invited, public, results published)
    "personal_home": 9,  # /inicio: 20 or 200 of each block's items
}

#: The most statements of a page served from the cache to a signed-in person: the session's
#: person, the data version, the header's counts and each personal part's reads.
SHARED_BUDGETS = {
    "forum_index": 9,  # + the person's read marks, the categories' new and unread topics
    "forum_category": 8,  # + the category's actions (following, may they post), read marks
    "event_calendar": 5,
    "event_page": 8,  # + the event, its places and the person's registration, forms, role
}

#: Page sizes raised so that all 200 items are on the first page (see the docstring).
PAGE_SIZES = (
    (forum_access, "POSTS_PER_PAGE"),
    (forum_queries, "TOPICS_PER_PAGE"),
    (event_queries, "PER_PAGE"),
    (profile_queries, "PER_PAGE"),
    (profile_queries, "MAX_PER_PAGE"),
    (library_queries, "PER_PAGE"),
    (advisory_staff_views, "PER_PAGE"),
)


# --- counting -------------------------------------------------------------------------------


def assert_same_count(page: str, client, path: str, grow, shows: tuple[str, ...]) -> None:
    """``grow(start, count)`` adds items: 20 of them, count, 180 more, count again. ``shows``:
    texts of the last items, which the page must show (else it counted an empty list)."""
    grow(0, FEW)
    few, few_shared, _body = rendered_and_shared(client, path)
    grow(FEW, MANY - FEW)
    many, many_shared, body = rendered_and_shared(client, path)
    print(f"\n{page}: {len(few)} statements at {FEW}, {len(many)} at {MANY}; "  # noqa: T201
          f"from the cache {len(few_shared)} and {len(many_shared)}")
    missing = [text for text in shows if text not in body]
    assert not missing, f"{path} does not show {missing}"
    assert len(many) == len(few), "\n".join(many)
    assert len(many) <= BUDGETS[page], "\n".join(many)
    assert len(many_shared) == len(few_shared), "\n".join(many_shared)
    assert len(many_shared) <= SHARED_BUDGETS.get(page, BUDGETS[page]), "\n".join(many_shared)


def rendered_and_shared(client, path: str) -> tuple[list[str], list[str], str]:
    """The statements of ``path`` rendered (the page cache off) and served from the cache
    (when the page is shared; else rendered again), and the page rendered."""
    config = client.application.config
    config["PAGE_CACHE_DISABLED"] = True
    try:
        rendered, body = page_queries(client, path)
    finally:
        config["PAGE_CACHE_DISABLED"] = False
    shared, _body = page_queries(client, path)
    return rendered, shared, body


# --- people and their OSC -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def one_page(monkeypatch):
    for module, name in PAGE_SIZES:
        monkeypatch.setattr(module, name, 1000)


@pytest.fixture
def osc(make_org):
    return make_org(name="Red de Apoyo Comunitario")


@pytest.fixture
def person(db, make_user, osc):
    """A citizen, active member of a validated OSC (the demo's member role)."""
    user = make_user(email="socia@ejemplo.mx", name="Socia de la Red")
    registry.decide_join(osc.admin, registry.request_join(user, osc), accept=True)
    db.session.commit()
    return user


@pytest.fixture
def person_client(app, person):
    return client_as(app, person)


def add_people(start: int, count: int, prefix: str = "gente") -> list[User]:
    """``count`` confirmed citizens (no password anyone signs in with)."""
    people = [User(email=f"{prefix}{n}@ejemplo.mx", name=f"Persona {prefix} {n}",
                   password_hash="!", role="citizen", municipality_code="15106",
                   email_confirmed_at=utcnow(), locale="es_MX")
              for n in range(start, start + count)]
    _db.session.add_all(people)
    _db.session.flush()
    return people


def area(fraction: str) -> ActivityArea:
    return _db.session.get(ActivityArea, fraction)


def add_orgs(start: int, count: int, name: str = "Colectivo", member: User | None = None,
             ) -> list[Organization]:
    """``count`` validated OSCs in several municipalities and areas; ``member`` belongs to
    each (admin of every other one)."""
    places = cycle(("15106", "15033", "15057", "15104"))
    areas = cycle((("IX",), ("IX", "XI"), ("XVII",)))
    now = utcnow()
    orgs = []
    for n in range(start, start + count):
        title = f"{name} número {n}"
        orgs.append(Organization(
            slug=slugify(title), name=title, name_folded=fold(title),
            status="validated", validated_at=now, confirmed_at=now,
            municipality_code=next(places), mission=f"Misión del {title}.",
            mission_html=f"<p>Misión del {title}.</p>",
            activities=[area(code) for code in next(areas)]))
    _db.session.add_all(orgs)
    _db.session.flush()
    if member is not None:
        _db.session.add_all(Membership(organization_id=org.id, user_id=member.id,
                                       role="admin" if n % 2 else "member")
                            for n, org in enumerate(orgs, start=start))
    _db.session.commit()
    return orgs


# --- forums ---------------------------------------------------------------------------------


def new_topic(category: Category, n: int, author: User, osc: Organization | None,
              reader: User | None = None) -> Topic:
    """A topic with its opening post, on behalf of ``osc`` when given; every third one
    already read by ``reader`` (an unread marker on the others)."""
    moment = utcnow() - timedelta(minutes=n)
    topic = Topic(category=category, title=f"Pregunta número {n}", slug=f"pregunta-{n}",
                  author_id=author.id, organization_id=osc.id if osc else None,
                  created_at=moment, last_posted_at=moment, last_post_number=1,
                  pinned=n % 17 == 0)
    _db.session.add(Post(topic=topic, number=1, author_id=author.id,
                         organization_id=topic.organization_id, created_at=moment,
                         body=f"¿Alguien sabe? {n}", body_html=f"<p>¿Alguien sabe? {n}</p>"))
    if reader is not None and n % 3 == 0:
        _db.session.flush()
        _db.session.add(TopicRead(user_id=reader.id, topic_id=topic.id, last_read_number=1))
    return topic


def add_categories(start: int, count: int, author: User, osc: Organization,
                   reader: User) -> None:
    """``count`` categories in every group, one in four for OSC members only, each with
    a topic."""
    groups = ("general", "region", "tema", "anuncios")
    for n in range(start, start + count):
        category = Category(slug=f"categoria-{n}", name=f"Categoría {n}", position=n,
                            group=groups[n % 4], members_only=n % 4 == 1,
                            topic_count=1, post_count=1, last_posted_at=utcnow())
        new_topic(category, n, author, osc if n % 2 else None, reader)
    _db.session.commit()


def add_topics(category: Category, start: int, count: int, author: User,
               osc: Organization, reader: User) -> None:
    for n in range(start, start + count):
        new_topic(category, n, reader if n % 5 == 0 else author, osc if n % 2 else None,
                  reader)
    category.topic_count = Category.topic_count + count
    category.post_count = Category.post_count + count
    _db.session.commit()


def add_posts(topic: Topic, start: int, count: int, people: list[User],
              osc: Organization) -> None:
    """Replies ``start + 2 ..``: some by ``people[0]`` on behalf of ``osc``, every fourth
    quoting the one before, a few withdrawn or hidden."""
    posts: dict[int, Post] = {}
    for n in range(start + 2, start + count + 2):
        author = people[n % len(people)]
        post = Post(topic=topic, number=n, author_id=author.id,
                    organization_id=osc.id if author is people[0] else None,
                    body=f"Respuesta {n}", body_html=f"<p>Respuesta {n}</p>",
                    quoted=posts.get(n - 1) if n % 4 == 0 else None,
                    status="hidden" if n % 23 == 0 else "withdrawn" if n % 29 == 0
                    else "visible")
        posts[n] = post
        _db.session.add(post)
    topic.last_post_number = start + count + 1
    topic.reply_count = start + count
    _db.session.commit()


def test_forum_index(person_client, person, make_user, osc):
    author = make_user(email="autora@ejemplo.mx")

    def grow(start, count):
        add_categories(start, count, author, osc, person)

    assert_same_count("forum_index", person_client, "/foros", grow,
                      shows=("Categoría 199", "Categoría 197", "Pregunta número 199"))


def test_forum_category(person_client, person, make_user, osc):
    author = make_user(email="autora@ejemplo.mx")
    category = Category(slug="vinculacion", name="Vinculación", description="Para conversar.")
    _db.session.add(category)
    _db.session.commit()

    def grow(start, count):
        add_topics(category, start, count, author, osc, person)

    assert_same_count("forum_category", person_client, "/foros/vinculacion", grow,
                      shows=("Pregunta número 0", "Pregunta número 199"))


def test_forum_topic(person_client, person, make_user, osc):
    people = [person, *add_people(0, 6)]
    category = Category(slug="vinculacion", name="Vinculación", description="Para conversar.")
    topic = new_topic(category, 1, people[1], None)
    _db.session.commit()

    def grow(start, count):
        add_posts(topic, start, count, people, osc)

    assert_same_count("forum_topic", person_client, f"/foros/t/{topic.id}-{topic.slug}", grow,
                      shows=("Respuesta 2<", "Respuesta 201<"))


# --- events ---------------------------------------------------------------------------------


def new_event(n: int, days: float = 3, status: str = "published",
              organization: Organization | None = None) -> Event:
    """An event ``days`` from now (negative: over), by staff or by ``organization``."""
    starts = (utcnow() + timedelta(days=days)).replace(microsecond=0)
    found = Event(slug=f"taller-{n}", title=f"Taller número {n}", kind="taller",
                  summary="Cómo diversificar las fuentes de financiamiento.",
                  description_html="<p>Trae tu plan anual.</p>", starts_at=starts,
                  ends_at=starts + timedelta(hours=2), modality="presencial",
                  municipality_code="15106", venue="Centro de Servicios", capacity=30,
                  status=status, published_at=utcnow(),
                  organization_id=organization.id if organization else None,
                  topic_rows=[EventTopic(topic="procuracion-fondos")])
    _db.session.add(found)
    return found


def registration(found: Event, user: User, status: str = "confirmed",
                 organization: Organization | None = None, **fields) -> Registration:
    row = Registration(event=found, user_id=user.id, status=status,
                       organization_id=organization.id if organization else None,
                       ticket=f"t-{user.id}-{found.slug}", queued_at=utcnow(),
                       confirmed_at=utcnow() if status == "confirmed" else None, **fields)
    _db.session.add(row)
    return row


def test_event_calendar(person_client, person, osc):
    def grow(start, count):
        for n in range(start, start + count):
            found = new_event(n, days=1 + n / 10, organization=osc if n % 3 == 0 else None)
            if n % 4 == 0:
                registration(found, person, organization=osc if n % 8 == 0 else None)
        _db.session.commit()

    assert_same_count("event_calendar", person_client, "/eventos", grow,
                      shows=("Taller número 0", "Taller número 199"))


def test_event_page_with_many_registrations(person_client, person, osc):
    found = new_event(1)
    found.capacity = None
    registration(found, person, organization=osc)
    _db.session.commit()

    def grow(start, count):
        for attendee in add_people(start, count):
            registration(found, attendee)
        _db.session.commit()

    assert_same_count("event_page", person_client, f"/eventos/{found.slug}", grow,
                      shows=("A nombre de Red de Apoyo Comunitario",))


def add_my_events(person: User, osc: Organization, start: int, count: int,
                  waiting: bool = False) -> None:
    """Registrations of ``person`` to upcoming events (a waiting place in each one when
    ``waiting``), and to past ones (attended) and cancelled ones."""
    for n in range(start, start + count):
        kind = n % 5
        if waiting or kind < 3:
            found = new_event(n, days=2 + n / 10)
            status = "waitlisted" if waiting else "confirmed"
            registration(found, person, status, organization=osc if n % 2 else None)
        elif kind == 3:
            found = new_event(n, days=-10 - n / 10, status="concluded")
            registration(found, person, checked_in_at=found.starts_at,
                         certificate_code=f"C{n:08d}")
        else:
            found = new_event(n, days=5, status="cancelled")
            registration(found, person)
    _db.session.commit()


def test_my_registrations(person_client, person, osc):
    def grow(start, count):
        add_my_events(person, osc, start, count)

    assert_same_count("my_registrations", person_client, "/eventos/mis-registros", grow,
                      shows=("Taller número 197", "Taller número 198", "Asististe"))


def test_my_registrations_on_waiting_lists(person_client, person, osc):
    def grow(start, count):
        add_my_events(person, osc, start, count, waiting=True)

    assert_same_count("my_registrations_waiting", person_client, "/eventos/mis-registros",
                      grow, shows=("Taller número 199", "Lugar 1 en la lista de espera"))


# --- the directory and the search -----------------------------------------------------------


def test_osc_directory(person_client):
    def grow(start, count):
        add_orgs(start, count)

    assert_same_count("osc_directory", person_client, "/osc", grow,
                      shows=("Colectivo número 0", "Colectivo número 199"))


def test_search(person_client):
    def grow(start, count):
        add_orgs(start, count, name="Colectivo Ambiental")  # the commit drains the outbox

    assert_same_count("search", person_client, "/buscar?q=ambiental", grow,
                      shows=("Colectivo Ambiental número",))


# --- the library ----------------------------------------------------------------------------


def add_resources(start: int, count: int) -> None:
    """Published books and guides with creators, areas and subjects; every fourth one a
    magazine issue of a series with two articles, one in seven for members only."""
    series = _db.session.get(Series, 1) or Series(slug="ciudadania-activa",
                                                  title="Ciudadanía Activa")
    subject = _db.session.get(Subject, 1) or Subject(slug="fondos", name="Procuración")
    for n in range(start, start + count):
        issue = n % 4 == 0
        resource = Resource(
            slug=f"recurso-{n}", kind="magazine" if issue else "book", title=f"Guía {n}",
            description="Para OSC.", issued=date(2024, 1 + n % 12, 1), status="published",
            published_at=utcnow(), access="members" if n % 7 == 0 else "public",
            series=series if issue else None, issue_number=n if issue else None,
            creators=[Creator(position=0, name=f"Autora {n}")],
            areas=[area("IX")], subjects=[subject])
        if issue:
            resource.parts = [Resource(slug=f"articulo-{n}-{k}", kind="article",
                                       title=f"Artículo {k} del número {n}",
                                       issued=resource.issued, position=k,
                                       status="published", published_at=utcnow(),
                                       creators=[Creator(position=0, name=f"Autor {k}")])
                              for k in (1, 2)]
        _db.session.add(resource)
    _db.session.commit()


def test_library(person_client):
    assert_same_count("library", person_client, "/biblioteca", add_resources,
                      shows=("Guía 199", "Artículo 2 del número 196"))


# --- the advisory queue ---------------------------------------------------------------------


def add_requests(start: int, count: int, staff: User, osc: Organization,
                 requester: User | None = None) -> None:
    """Open requests in the queue: received, assigned to ``staff``, in progress or waiting;
    one in three for ``osc`` by ``requester`` (when given)."""
    states = ("recibida", "asignada", "en_atencion", "en_espera")
    now = utcnow()
    for n in range(start, start + count):
        state = states[n % 4]
        for_osc = requester is not None and n % 3 == 0
        confirmed = now - timedelta(hours=5 * n)
        _db.session.add(AdvisoryRequest(
            folio=f"ASE-2026-{n:05d}", topic="constituir",
            requester_kind="osc" if for_osc else "grupo",
            proposed_name=None if for_osc else f"Grupo número {n}", founders_count=7,
            organization_id=osc.id if for_osc else None, municipality_code="15106",
            modality="municipio", description_html="<p>Queremos constituirnos.</p>",
            contact_name=f"Contacto {n}", contact_email=f"contacto{n}@ejemplo.mx",
            user_id=requester.id if requester is not None else None, state=state,
            assignee_id=staff.id if state != "recibida" else None,
            created_at=confirmed, confirmed_at=confirmed,
            first_contact_at=confirmed + timedelta(hours=2) if n % 4 > 1 else None,
            paused_since=now if state == "en_espera" else None,
            first_contact_due=(confirmed + timedelta(days=3)).date(),
            conclusion_due=(confirmed + timedelta(days=30)).date()))
    _db.session.commit()


def test_advisory_queue(app, staff, make_user, osc):
    requester = make_user(email="solicitante@ejemplo.mx")

    def grow(start, count):
        add_requests(start, count, staff, osc, requester)

    assert_same_count("advisory_queue", client_as(app, staff), "/personal/asesorias", grow,
                      shows=("ASE-2026-00000", "ASE-2026-00199"))


# --- surveys --------------------------------------------------------------------------------


def add_surveys(person: User, start: int, count: int) -> None:
    """Open event surveys ``person`` is invited to, open public ones, and closed ones with
    their results published, in turn."""
    for n in range(start, start + count):
        kind = n % 3
        survey = Survey(slug=f"encuesta-{n}", title=f"Encuesta número {n}",
                        status="closed" if kind == 2 else "open",
                        audience="public" if kind == 1 else "event", results_public=kind == 2,
                        closes_at=utcnow() + timedelta(days=10) if n % 2 else None)
        _db.session.add(survey)
        if kind == 0:
            _db.session.add(SurveyInvitation(survey=survey, user_id=person.id,
                                             invited_on=date.today(), token=f"inv-{n}"))
    _db.session.commit()


def test_surveys(person_client, person):
    def grow(start, count):
        add_surveys(person, start, count)

    assert_same_count("surveys", person_client, "/encuestas", grow,
                      shows=("Encuesta número 197", "Encuesta número 198", "Encuesta número 199"))


# --- the personal home ----------------------------------------------------------------------


def test_personal_home(person_client, person, staff, osc, make_user):
    """Every block grows: the person's OSCs, upcoming registrations, unread notices, followed
    topics with news, advisory requests and survey invitations."""
    author = make_user(email="autora@ejemplo.mx")
    category = Category(slug="vinculacion", name="Vinculación", description="Para conversar.")
    _db.session.add(category)

    def grow(start, count):
        add_orgs(start, count, member=person)
        add_my_events(person, osc, start, count)
        add_requests(start, count, staff, osc, person)
        add_surveys(person, start, count)
        for n in range(start, start + count):
            _db.session.add(Notification(user_id=person.id, kind="test.notice",
                                         message=f"Aviso número {n}", url="/eventos"))
            topic = new_topic(category, n, author, None)
            _db.session.flush()
            _db.session.add(Subscription(user_id=person.id, topic_id=topic.id))
            _db.session.add(TopicRead(user_id=person.id, topic_id=topic.id,
                                      last_read_number=0))
        _db.session.commit()

    assert_same_count("personal_home", person_client, "/inicio", grow,
                      shows=("Colectivo número 199", "Aviso número", "Pregunta número",
                             "Taller número", "Encuesta número"))
