"""Who gets an event's online link is decided once (``services.online_link``): the event page,
the .ics a person downloads, their personal feed and their confirmation mail agree for every
kind of person, and the public feed, which is nobody's, never carries it."""

from community.events import ical, services
from community.events.models import Registration
from tests.conftest import client_as

MEETING = "https://reuniones.example.org/sala-osc"


def _page_shows(client, event) -> bool:
    html = client.get(f"/eventos/{event.slug}").get_data(as_text=True)
    return 'class="event-online-link"' in html and MEETING in html


def _ics(client, event):
    return client.get(f"/eventos/{event.slug}.ics")


def _feed_has(app, db, person, event) -> bool | None:
    """Whether the person's own feed carries the link on this event (None: not in it)."""
    key = ical.rotate_key(person)
    db.session.commit()
    body = app.test_client().get(f"/eventos/mi-calendario/{key.token}.ics") \
        .get_data(as_text=True)
    if f"event-{event.id}@" not in body:
        return None
    return MEETING in body.replace("\r\n ", "")  # iCalendar folds lines at 75 octets


def test_page_ics_feed_and_mail_agree_on_who_gets_the_link(app, db, make_org, make_user,
                                                          make_event, staff):
    org = make_org()
    event = make_event(actor=org.admin, organization=org, modality="hibrida",
                       online_url=MEETING, capacity="1")
    other_admin = make_org(name="Otra Organización").admin
    confirmed, waiting, gone, stranger = (make_user() for _ in range(4))
    services.register(confirmed, event)
    services.cancel_registration(gone, services.register(gone, event))
    services.register(waiting, event)
    services.register(org.admin, event)  # the organizer, on the waiting list
    db.session.commit()
    expected = {"confirmed": True, "waiting": False, "gone": False, "stranger": False,
                "organizer": True, "staff": True, "other_admin": False}
    people = {"confirmed": confirmed, "waiting": waiting, "gone": gone, "stranger": stranger,
              "organizer": org.admin, "staff": staff, "other_admin": other_admin}

    for name, person in people.items():
        client = client_as(app, person)
        page = _page_shows(client, event)
        download = _ics(client, event)
        assert page is expected[name], name
        assert (MEETING in download.get_data(as_text=True).replace("\r\n ", "")) is page, name
        assert download.headers["Cache-Control"].startswith("private"), name
        assert (services.online_link(person, event) == MEETING) is page, name
        in_feed = _feed_has(app, db, person, event)
        assert in_feed in (None, page), name
        registration = db.session.scalar(db.select(Registration).where(
            Registration.user_id == person.id, Registration.event_id == event.id))
        if registration is not None:
            attachment = ical.event_calendar(event, registration).decode()
            assert (MEETING in attachment.replace("\r\n ", "")) is page, name
    assert _feed_has(app, db, org.admin, event) is True  # a manager waiting still has it

    anonymous = app.test_client()
    assert not _page_shows(anonymous, event)
    download = _ics(anonymous, event)
    assert MEETING not in download.get_data(as_text=True)
    assert download.headers["Cache-Control"] == "public, max-age=300"
    assert MEETING not in anonymous.get("/eventos/calendario.ics").get_data(as_text=True)
