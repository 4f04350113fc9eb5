"""iCalendar: every answer parses back with the icalendar library, with the time zone, stable
UIDs, event URLs and sequences; the personal feed's token works until it is rotated."""

from datetime import timedelta

from icalendar import Calendar

from community.core.timeutil import LOCAL_TZ, to_local, utcnow
from community.events import services
from tests.conftest import post_form, sign_in
from tests.events.conftest import event_form, local_text

MEETING = "https://reuniones.example.org/taller-osc"


def _parse(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def _events(cal: Calendar) -> dict:
    return {str(item["uid"]): item for item in cal.walk("VEVENT")}


def test_one_event_parses_with_time_zone_uid_and_url(client, db, make_event):
    event = make_event(modality="hibrida", online_url=MEETING)
    cal = _parse(client.get(f"/eventos/{event.slug}.ics"))
    [timezone] = cal.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "America/Mexico_City"
    item = _events(cal)[f"event-{event.id}@127.0.0.1"]
    start = item.decoded("DTSTART")
    assert str(start.tzinfo) == "America/Mexico_City"
    assert start == to_local(event.starts_at)
    assert item.decoded("DTEND") == to_local(event.ends_at)
    assert str(item["URL"]).endswith(f"/eventos/{event.slug}")
    assert int(item["SEQUENCE"]) == event.sequence
    assert str(item["STATUS"]) == "CONFIRMED"
    assert "Centro de Servicios Administrativos" in str(item["LOCATION"])
    assert "plan anual" in str(item["DESCRIPTION"]) and "<" not in str(item["DESCRIPTION"])
    assert "DTSTART;TZID=America/Mexico_City:" in response_text(client, event)
    assert MEETING not in response_text(client, event)  # the link is for registered people


def response_text(client, event) -> str:
    return client.get(f"/eventos/{event.slug}.ics").get_data(as_text=True)


def test_uid_stays_and_sequence_rises_when_the_event_changes(client, db, make_event, staff):
    event = make_event()
    before = _events(_parse(client.get(f"/eventos/{event.slug}.ics")))
    services.update_event(staff, event, event_form(title="Taller de procuración (nueva sede)",
                                                   venue="Casa de la Cultura"))
    db.session.commit()
    after = _events(_parse(client.get(f"/eventos/{event.slug}.ics")))
    assert before.keys() == after.keys()
    [uid] = after
    assert int(after[uid]["SEQUENCE"]) > int(before[uid]["SEQUENCE"])
    assert "Casa de la Cultura" in str(after[uid]["LOCATION"])


def test_draft_ics_is_hidden(client, db, make_event):
    draft = make_event(publish=False)
    assert client.get(f"/eventos/{draft.slug}.ics").status_code == 404


def test_public_feed_filters_and_keeps_cancelled_events(client, db, make_event, staff):
    workshop = make_event(title="Taller de fondos")
    course = make_event(title="Curso de marco lógico", kind="curso", topics=["marco-logico"])
    draft = make_event(title="Borrador", publish=False)
    gone = make_event(title="Foro cancelado", kind="foro")
    services.cancel(staff, gone, "Cambio de sede sin fecha nueva.")
    db.session.commit()
    items = _events(_parse(client.get("/eventos/calendario.ics")))
    by_title = {str(item["SUMMARY"]): item for item in items.values()}
    assert set(by_title) == {workshop.title, course.title, gone.title}
    assert draft.title not in by_title
    assert str(by_title[gone.title]["STATUS"]) == "CANCELLED"
    assert all("/eventos/" in str(item["URL"]) for item in items.values())
    only = _events(_parse(client.get("/eventos/calendario.ics?tipo=curso&tema=marco-logico")))
    assert [str(i["SUMMARY"]) for i in only.values()] == [course.title]
    assert client.get("/eventos/calendario.ics?tipo=fiesta").status_code in (400, 422)


def test_feed_leaves_out_long_past_events(client, db, make_event):
    old_start = (utcnow() - timedelta(days=200)).replace(minute=0, second=0, microsecond=0)
    old = make_event(title="Taller de hace meses", starts_at=local_text(old_start),
                     ends_at=local_text(old_start + timedelta(hours=2)),
                     registration_closes_at=local_text(old_start))
    recent = make_event(title="Taller próximo")
    titles = {str(i["SUMMARY"]) for i in _parse(client.get("/eventos/calendario.ics"))
              .walk("VEVENT")}
    assert recent.title in titles and old.title not in titles


def _feed_url(client) -> str:
    post_form(client, "/eventos/mi-calendario/renovar", page="/eventos/mi-calendario")
    html = client.get("/eventos/mi-calendario").get_data(as_text=True)
    start = html.index("/eventos/mi-calendario/")
    return html[start:html.index(".ics", start) + 4]


def test_personal_feed_has_my_registrations_and_the_link_when_confirmed(
        app, client, db, make_event, make_user):
    person = make_user()
    confirmed = make_event(title="Taller híbrido", modality="hibrida", online_url=MEETING)
    full = make_event(title="Curso lleno", modality="en_linea", capacity="1",
                      online_url=MEETING + "-2", municipality_code="", venue="")
    not_mine = make_event(title="Foro ajeno")
    services.register(make_user(), full)
    services.register(person, confirmed)
    services.register(person, full)
    db.session.commit()
    sign_in(client, person.email)
    assert "Crear mi enlace de calendario" in client.get("/eventos/mi-calendario") \
        .get_data(as_text=True)
    url = _feed_url(client)
    feed = app.test_client().get(url)  # calendar apps send no cookies
    assert feed.headers["Cache-Control"] == "private, max-age=300"
    items = {str(i["SUMMARY"]): i for i in _parse(feed).walk("VEVENT")}
    assert set(items) == {confirmed.title, full.title}
    assert not_mine.title not in items
    assert MEETING in str(items[confirmed.title]["DESCRIPTION"])
    assert str(items[full.title]["STATUS"]) == "TENTATIVE"
    assert MEETING + "-2" not in str(items[full.title]["DESCRIPTION"])


def test_rotating_the_key_revokes_the_old_url(app, client, db, make_event, make_user):
    person = make_user()
    services.register(person, make_event())
    db.session.commit()
    sign_in(client, person.email)
    old = _feed_url(client)
    new = _feed_url(client)
    calendar_app = app.test_client()
    assert old != new
    assert calendar_app.get(old).status_code == 404
    assert calendar_app.get(new).status_code == 200
    assert calendar_app.get("/eventos/mi-calendario/" + "x" * 43 + ".ics").status_code == 404


def test_public_feed_is_cache_friendly(client, db, make_event):
    make_event()
    first = client.get("/eventos/calendario.ics")
    assert first.headers["Cache-Control"].startswith("public")
    assert first.headers.get("ETag")
    assert LOCAL_TZ.key in first.get_data(as_text=True)
