"""Event pages through HTTP: the calendar and its filters, the month grid, the event page,
the announce/edit forms, the managers' buttons, the program, registration and my list."""

import io
import re
from datetime import timedelta

import pytest
from PIL import Image

from community.core import pagecache
from community.core.timeutil import utcnow
from community.events import services
from community.events.models import Event, EventSession, Registration
from tests.conftest import client_as, field_error, post_form
from tests.events.conftest import event_form, local_text

ONLINE = {"modality": "en_linea", "municipality_code": "", "venue": "", "address": "",
          "online_url": "https://reuniones.example.org/taller-fondos"}


def _text(response) -> str:
    return response.get_data(as_text=True)




def _past(days=10):
    starts = (utcnow() - timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    return {"starts_at": local_text(starts), "ends_at": local_text(starts + timedelta(hours=2))}


def _png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 40), (138, 21, 56)).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


# --- the calendar -------------------------------------------------------------------------


def test_calendar_lists_upcoming_published_events_only(client, make_event, staff, db):
    make_event(title="Taller publicado")
    make_event(title="Borrador escondido", publish=False)
    cancelled = make_event(title="Curso cancelado")
    services.cancel(staff, cancelled, "La sede cerró por obras.")
    make_event(title="Foro pasado", **_past())
    db.session.commit()
    body = _text(client.get("/eventos"))
    assert "Taller publicado" in body
    assert "Borrador escondido" not in body and "Curso cancelado" not in body
    assert "Foro pasado" not in body
    assert "1 evento próximo" in body
    past = _text(client.get("/eventos?pasados=1"))
    assert "Foro pasado" in past and "Taller publicado" not in past
    assert "1 evento pasado" in past


def test_calendar_filters_by_kind_municipality_modality_and_topic(client, make_event):
    make_event(title="Taller en Toluca")
    make_event(title="Curso en Naucalpan", kind="curso", municipality_code="15057",
               topics=["fiscal"])
    make_event(title="Seminario en línea", kind="seminario", topics=["fiscal"], **ONLINE)
    cases = {
        "tipo=curso": {"Curso en Naucalpan"},
        "municipio=15106": {"Taller en Toluca"},
        "modalidad=en_linea": {"Seminario en línea"},
        "tema=fiscal": {"Curso en Naucalpan", "Seminario en línea"},
        "tema=fiscal&modalidad=presencial": {"Curso en Naucalpan"},
    }
    titles = {"Taller en Toluca", "Curso en Naucalpan", "Seminario en línea"}
    for query, expected in cases.items():
        body = _text(client.get(f"/eventos?{query}"))
        assert {title for title in titles if title in body} == expected, query


def test_unknown_filter_is_a_clear_400(client):
    response = client.get("/eventos?tipo=fiesta&tema=nada")
    body = _text(response)
    assert response.status_code == 400
    assert "Ese tipo de evento no existe." in body and "Ese tema no está en la lista." in body
    assert 'aria-invalid="true"' in body


def test_my_municipality_for_signed_in_people(app, make_event, make_user):
    make_event(title="Taller en Toluca")
    make_event(title="Curso en Naucalpan", municipality_code="15057")
    client = client_as(app, make_user(municipality="15057"))
    body = _text(client.get("/eventos"))
    assert "Solo en mi municipio (Naucalpan de Juárez)" in body
    mine = _text(client.get("/eventos?mi_municipio=1"))
    assert "Curso en Naucalpan" in mine and "Taller en Toluca" not in mine
    assert "/eventos/calendario.ics?municipio=15057" in mine


def test_calendar_links_keep_the_filters(client, make_event):
    body = _text(client.get("/eventos?tipo=taller&tema=fiscal"))
    assert re.search(r'href="/eventos/mes/\d{4}/\d{1,2}\?tipo=taller&amp;tema=fiscal"', body)
    assert 'href="/eventos/calendario.ics?tipo=taller&amp;tema=fiscal"' in body
    assert 'action="/eventos"' in body and 'method="get"' in body


def test_calendar_paginates(client, make_event, db):
    for n in range(22):
        make_event(title=f"Taller número {n:02d}")
    first = _text(client.get("/eventos"))
    assert "22 eventos próximos" in first and "Página 1 de 2" in first
    second = _text(client.get("/eventos?page=2"))
    assert second.count('class="event-card"') == 2


def test_cached_anonymous_calendar_shows_a_new_event_at_once(client, make_event, staff, db):
    make_event(title="Primer taller")
    assert "Primer taller" in _text(client.get("/eventos"))
    assert "Primer taller" in _text(client.get("/eventos"))  # served from the page cache
    assert any(key[0] == "events" for key in pagecache._pages)
    make_event(title="Taller recién publicado")
    body = _text(client.get("/eventos"))
    assert "Taller recién publicado" in body and "2 eventos próximos" in body


def test_menu_has_events(client):
    assert 'href="/eventos"' in _text(client.get("/"))


# --- the month grid -----------------------------------------------------------------------


def test_month_grid_places_events_on_their_local_day(client, make_event):
    # 23:30 in Mexico City is already the next day in UTC.
    make_event(title="Taller nocturno", starts_at="2030-01-15T23:30",
               ends_at="2030-01-15T23:59")
    response = client.get("/eventos/mes/2030/1")
    body = _text(response)
    assert response.status_code == 200
    assert "<table" in body and "Lunes" in body
    assert body.index("Lunes") < body.index("Domingo")
    cell = re.search(r'<span class="month-grid__number">15</span>.*?</td>', body, re.S).group(0)
    assert "Taller nocturno" in cell and "11:30" in cell
    assert 'href="/eventos/mes/2029/12"' in body and 'href="/eventos/mes/2030/2"' in body
    assert "enero de 2030" in body


def test_month_grid_filters_and_spans_days(client, make_event):
    make_event(title="Congreso de tres días", kind="congreso", starts_at="2030-03-10T09:00",
               ends_at="2030-03-12T18:00")
    make_event(title="Taller de marzo", starts_at="2030-03-11T10:00",
               ends_at="2030-03-11T12:00")
    body = _text(client.get("/eventos/mes/2030/3?tipo=congreso"))
    assert body.count("Congreso de tres días") == 3 and "Taller de marzo" not in body
    assert 'href="/eventos/mes/2030/4?tipo=congreso"' in body


@pytest.mark.parametrize("path", ["/eventos/mes/2030/13", "/eventos/mes/2030/0",
                                  "/eventos/mes/1999/5", "/eventos/mes/2030/abc"])
def test_bad_month_is_404(client, path):
    assert client.get(path).status_code == 404


# --- the event page -----------------------------------------------------------------------


def test_event_page_shows_the_event(client, make_event, make_org):
    org = make_org(name="Fundación Manos Unidas")
    event = make_event(actor=org.admin, organization=org, title="Encuentro de voluntariado",
                       kind="encuentro", speakers="Ana López\nLuis Pérez",
                       topics=["voluntariado"], starts_at="2030-05-01T10:00",
                       ends_at="2030-05-01T13:30")
    body = _text(client.get(f"/eventos/{event.slug}"))
    assert "Encuentro de voluntariado" in body and "Encuentro" in body
    assert f'href="/osc/{org.slug}"' in body and "Fundación Manos Unidas" in body
    assert "hora del centro de México" in body
    assert "miércoles, 1 de mayo de 2030</time>, de 10:00" in body and ">1:30" in body
    assert "Centro de Servicios Administrativos" in body and "Toluca" in body
    assert "Ana López" in body and "Luis Pérez" in body and "Voluntariado" in body
    assert "<strong>plan anual</strong>" in body
    assert "30 lugares" in body and "quedan 30" in body
    assert f'href="/eventos/{event.slug}.ics"' in body
    assert "Entra para registrarte" in body and "next=" in body
    assert "style=" not in body and "<script>" not in body


def test_staff_event_is_organized_by_the_direccion(client, make_event):
    event = make_event()
    assert "Dirección General de Participación Social" in _text(client.get(
        f"/eventos/{event.slug}"))


def test_online_link_only_for_confirmed_people_and_managers(app, client, make_event,
                                                           make_user, staff, db):
    event = make_event(capacity="1", **ONLINE)
    link = ONLINE["online_url"]
    assert link not in _text(client.get(f"/eventos/{event.slug}"))
    confirmed, waiting, outsider = make_user(), make_user(), make_user()
    services.register(confirmed, event)
    services.register(waiting, event)
    db.session.commit()
    assert link in _text(client_as(app, confirmed).get(f"/eventos/{event.slug}"))
    assert link not in _text(client_as(app, waiting).get(f"/eventos/{event.slug}"))
    assert link not in _text(client_as(app, outsider).get(f"/eventos/{event.slug}"))
    assert link in _text(client_as(app, staff).get(f"/eventos/{event.slug}"))


def test_drafts_are_404_for_the_public(app, client, make_event, make_user, staff):
    draft = make_event(title="Borrador secreto", publish=False)
    assert client.get(f"/eventos/{draft.slug}").status_code == 404
    assert client_as(app, make_user()).get(f"/eventos/{draft.slug}").status_code == 404
    page = client_as(app, staff).get(f"/eventos/{draft.slug}")
    assert page.status_code == 200 and "Borrador" in _text(page)
    assert "Publicar el evento" in _text(page)


def test_cancelled_and_concluded_banners(client, make_event, staff, db):
    cancelled = make_event(title="Taller cancelado")
    services.cancel(staff, cancelled, "La ponente está enferma.")
    db.session.commit()
    body = _text(client.get(f"/eventos/{cancelled.slug}"))
    assert "Este evento se canceló." in body and "La ponente está enferma." in body
    assert "Registrarme" not in body
    past = make_event(title="Taller pasado", **_past())
    assert "Este evento ya concluyó." in _text(client.get(f"/eventos/{past.slug}"))


def test_program_is_a_timetable_by_day(client, make_event, staff, db):
    event = make_event(kind="congreso", starts_at="2030-10-01T09:00",
                       ends_at="2030-10-02T18:00")
    for title, starts, ends, room in (
            ("Inauguración", "2030-10-01T09:00", "2030-10-01T10:00", "Auditorio"),
            ("Mesa de transparencia", "2030-10-02T11:00", "2030-10-02T12:30", "Sala 2")):
        services.add_session(staff, event, {"title": title, "starts_at": starts,
                                            "ends_at": ends, "room": room,
                                            "speakers": "Dra. Ruiz"})
    db.session.commit()
    body = _text(client.get(f"/eventos/{event.slug}"))
    assert body.count('class="timetable"') == 2
    assert "Martes, 1 de octubre de 2030" in body and "Miércoles, 2 de octubre de 2030" in body
    assert "Inauguración" in body and "Auditorio" in body and "11:00" in body


def test_members_only_event_explains_itself(app, make_event, make_user):
    event = make_event(audience="members")
    body = _text(client_as(app, make_user()).get(f"/eventos/{event.slug}"))
    assert "solo para integrantes de una OSC validada" in body
    assert "Registrarme" not in body


# --- registration -------------------------------------------------------------------------


def test_register_then_waitlist_then_promotion(app, make_event, make_user, db):
    event = make_event(capacity="1")
    first, second = make_user(), make_user()
    one, two = client_as(app, first), client_as(app, second)
    response = post_form(one, f"/eventos/{event.slug}/registro")
    assert response.status_code == 302 and response.headers["Location"].endswith("#registro")
    page = _text(one.get(f"/eventos/{event.slug}"))
    assert "Tu lugar está confirmado" in page and "Lugar confirmado" in page
    assert "Código QR de tu registro" in page and "Cancelar mi registro" in page
    post_form(two, f"/eventos/{event.slug}/registro")
    page = _text(two.get(f"/eventos/{event.slug}"))
    assert "lista de espera, en el lugar 1" in page
    assert "Estás en el lugar 1 de la lista de espera" in page
    assert "Código QR" not in page
    mine = db.session.scalar(db.select(Registration).where(Registration.user_id == first.id))
    response = post_form(one, f"/eventos/registro/{mine.id}/cancelar")
    assert response.status_code == 302
    assert "Cancelamos tu registro" in _text(one.get(f"/eventos/{event.slug}"))
    theirs = db.session.scalar(db.select(Registration).where(Registration.user_id == second.id))
    db.session.refresh(theirs)
    assert theirs.status == "confirmed"


def test_registering_and_cancelling_share_a_limit_per_account(app, make_event, make_user, db):
    """Each registration and cancellation mails the person: a loop of them is held."""
    app.config["RATELIMIT_EVENT_REGISTRATION"] = "3 per minute"
    event = make_event()
    person = make_user()
    client = client_as(app, person)
    statuses = [post_form(client, f"/eventos/{event.slug}/registro").status_code]
    mine = db.session.scalar(db.select(Registration).where(Registration.user_id == person.id))
    statuses.append(post_form(client, f"/eventos/registro/{mine.id}/cancelar").status_code)
    statuses.append(post_form(client, f"/eventos/{event.slug}/registro").status_code)
    held = post_form(client, f"/eventos/registro/{mine.id}/cancelar")
    assert statuses == [302, 302, 302] and held.status_code == 429
    assert "Demasiados intentos" in _text(held)
    db.session.refresh(mine)
    assert mine.status == "confirmed"  # what was saved stays
    other = client_as(app, make_user())  # the allowance is each person's, not the address's
    assert post_form(other, f"/eventos/{event.slug}/registro").status_code == 302


def test_staff_clearing_a_list_are_not_held_by_the_registration_limit(app, make_event,
                                                                      make_user, db):
    app.config["RATELIMIT_EVENT_REGISTRATION"] = "1 per minute"
    event = make_event()
    people = [make_user() for _ in range(3)]
    for person in people:
        post_form(client_as(app, person), f"/eventos/{event.slug}/registro")
    staff = client_as(app, make_user(role="staff"))
    rows = db.session.scalars(db.select(Registration).where(Registration.event_id == event.id))
    assert [post_form(staff, f"/eventos/registro/{row.id}/cancelar").status_code
            for row in rows] == [302, 302, 302]


def test_register_on_behalf_of_my_osc(app, make_event, make_org, db):
    org = make_org(name="Red de Mujeres")
    event = make_event()
    client = client_as(app, org.admin)
    page = _text(client.get(f"/eventos/{event.slug}"))
    assert "A nombre de" in page and "Red de Mujeres" in page
    post_form(client, f"/eventos/{event.slug}/registro", {"organization": str(org.id)})
    registration = db.session.scalar(db.select(Registration))
    assert registration.organization_id == org.id


def test_register_for_someone_elses_osc_is_refused(app, make_event, make_org, make_user, db):
    org = make_org()
    event = make_event()
    client = client_as(app, make_user())
    response = post_form(client, f"/eventos/{event.slug}/registro", {"organization": str(org.id)})
    assert response.status_code == 303
    assert "OSC de la que formas parte" in _text(client.get(f"/eventos/{event.slug}"))
    assert db.session.scalar(db.select(db.func.count()).select_from(Registration)) == 0


def test_closed_registration_is_refused_with_its_message(app, make_event, make_user):
    event = make_event(**_past(days=1))
    client = client_as(app, make_user())
    page = _text(client.get(f"/eventos/{event.slug}"))
    assert "El registro cerró el" in page and "Registrarme" not in page
    response = post_form(client, f"/eventos/{event.slug}/registro")
    assert response.status_code == 303


def test_someone_elses_registration_cannot_be_cancelled(app, make_event, make_user, db):
    event = make_event()
    registration = services.register(make_user(), event)
    db.session.commit()
    client = client_as(app, make_user())
    assert post_form(client, f"/eventos/registro/{registration.id}/cancelar").status_code == 404
    assert registration.status == "confirmed"


def test_my_registrations(app, make_event, make_user, db):
    person = make_user()
    coming = make_event(title="Taller que viene")
    attended = make_event(title="Curso al que fui", **_past())
    services.register(person, coming)
    past_registration = Registration(event_id=attended.id, user_id=person.id,
                                     status="confirmed", ticket="boleto-de-prueba-1",
                                     checked_in_at=utcnow() - timedelta(days=10))
    db.session.add(past_registration)
    db.session.commit()
    client = client_as(app, person)
    body = _text(client.get("/eventos/mis-registros"))
    assert body.index("Taller que viene") < body.index("Curso al que fui")
    registration = services.registration_of(person, coming)
    assert f'href="/eventos/registro/{registration.id}/qr.png"' in body
    assert f'href="/eventos/{attended.slug}/constancia.pdf"' in body
    assert 'href="/eventos/mi-calendario"' in body and "Asististe" in body
    response = post_form(client, f"/eventos/registro/{registration.id}/cancelar",
                         {"from": "mine"})
    assert response.headers["Location"] == "/eventos/mis-registros"


# --- announcing and editing ---------------------------------------------------------------


def test_staff_announce_a_draft_and_publish_it(app, staff, db):
    client = client_as(app, staff)
    assert client.get("/eventos/nuevo").status_code == 200
    response = post_form(client, "/eventos/nuevo", event_form(title="Seminario de marco lógico"),
                         page="/eventos/nuevo")
    assert response.status_code == 302
    event = db.session.scalar(db.select(Event))
    assert response.headers["Location"] == f"/eventos/{event.slug}"
    assert event.status == "draft" and event.organization_id is None
    assert event.topics == ["procuracion-fondos"] and event.capacity == 30
    response = post_form(client, f"/eventos/{event.slug}/publicar")
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.status == "published"
    assert "Seminario de marco lógico" in _text(app.test_client().get("/eventos"))


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"ends_at": "2030-05-01T09:00", "starts_at": "2030-05-01T10:00"}, "ends_at",
     "El término debe ser posterior al inicio."),
    ({"capacity": "0"}, "capacity", "El cupo es un número entero"),
    ({"capacity": "-5"}, "capacity", "El cupo es un número entero"),
    ({"starts_at": "2030-05-01T10:00", "ends_at": "2030-05-01T12:00",
      "registration_closes_at": "2030-05-02T10:00"}, "registration_closes_at",
     "El registro debe cerrar antes de que el evento termine."),
    ({"starts_at": "2030-05-01T10:00", "ends_at": "2030-05-01T12:00",
      "registration_opens_at": "2030-05-03T10:00"}, "registration_opens_at",
     "El registro debe abrir antes de que el evento termine."),
])
def test_bad_input_is_422_next_to_the_field_and_nothing_is_lost(app, staff, db, overrides,
                                                              field, message):
    client = client_as(app, staff)
    form = event_form(title="Título que escribí", description="Texto **largo** que escribí",
                      **overrides)
    response = post_form(client, "/eventos/nuevo", form, page="/eventos/nuevo")
    body = _text(response)
    assert response.status_code == 422
    assert message in field_error(body, field)
    assert 'value="Título que escribí"' in body and "Texto **largo** que escribí" in body
    assert re.search(r'<input checked id="topics-0"[^>]*value="procuracion-fondos"', body)
    assert db.session.scalar(db.select(db.func.count()).select_from(Event)) == 0


def test_edit_keeps_what_was_typed_and_saves_nothing_on_error(app, make_event, staff, db):
    event = make_event(title="Título guardado")
    client = client_as(app, staff)
    page = _text(client.get(f"/eventos/{event.slug}/editar"))
    assert 'value="Título guardado"' in page
    assert f'value="{local_text(event.starts_at)}"' in page
    form = event_form(title="Título nuevo", capacity="0")
    response = post_form(client, f"/eventos/{event.slug}/editar", form)
    assert response.status_code == 422 and 'value="Título nuevo"' in _text(response)
    db.session.refresh(event)
    assert event.title == "Título guardado" and event.capacity == 30
    response = post_form(client, f"/eventos/{event.slug}/editar",
                         event_form(title="Título nuevo", capacity="40"))
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.title == "Título nuevo" and event.capacity == 40


def test_osc_admin_edits_only_their_own_osc_events(app, make_event, make_org):
    mine, other = make_org(), make_org()
    own_event = make_event(actor=mine.admin, organization=mine)
    other_event = make_event(actor=other.admin, organization=other)
    staff_event = make_event()
    client = client_as(app, mine.admin)
    assert client.get(f"/eventos/{own_event.slug}/editar").status_code == 200
    assert client.get(f"/eventos/{other_event.slug}/editar").status_code == 403
    assert client.get(f"/eventos/{staff_event.slug}/editar").status_code == 403
    response = post_form(client, f"/eventos/{staff_event.slug}/editar",
                         event_form(title="Secuestrado"))
    assert response.status_code == 403
    response = post_form(client, f"/eventos/{other_event.slug}/cancelar",
                         {"reason": "Porque sí, sin más."})
    assert response.status_code == 403


def test_osc_admin_announces_for_their_osc(app, make_org, make_user, db):
    org, other = make_org(name="Colectivo Tierra"), make_org()
    client = client_as(app, org.admin)
    response = client.get("/eventos/nuevo")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/eventos/nuevo?osc={org.slug}")
    page = _text(client.get(f"/eventos/nuevo?osc={org.slug}"))
    assert "Colectivo Tierra" in page
    assert client.get(f"/eventos/nuevo?osc={other.slug}").status_code == 403
    response = post_form(client, f"/eventos/nuevo?osc={org.slug}", event_form(),
                         page=f"/eventos/nuevo?osc={org.slug}")
    assert response.status_code == 302
    assert db.session.scalar(db.select(Event)).organization_id == org.id
    assert client_as(app, make_user()).get("/eventos/nuevo").status_code == 403


def test_cover_image_upload_and_page(app, staff, db):
    client = client_as(app, staff)
    data = {**event_form(), "cover": (_png(), "portada.png")}
    response = post_form(client, "/eventos/nuevo", data, page="/eventos/nuevo",
                         content_type="multipart/form-data")
    assert response.status_code == 302
    event = db.session.scalar(db.select(Event))
    assert event.cover_image
    page = _text(client.get(f"/eventos/{event.slug}"))
    assert f'src="/eventos/portada/{event.cover_image}"' in page
    image = client.get(f"/eventos/portada/{event.cover_image}")
    assert image.status_code == 200 and image.mimetype.startswith("image/")


def test_bad_cover_and_bad_fields_are_reported_together(app, staff, db):
    client = client_as(app, staff)
    data = {**event_form(capacity="0"), "cover": (io.BytesIO(b"no soy imagen"), "x.png")}
    response = post_form(client, "/eventos/nuevo", data, page="/eventos/nuevo",
                         content_type="multipart/form-data")
    body = _text(response)
    assert response.status_code == 422
    assert "PNG o JPEG" in field_error(body, "cover")
    assert "El cupo" in field_error(body, "capacity")
    assert db.session.scalar(db.select(db.func.count()).select_from(Event)) == 0


# --- managers' buttons and the program ----------------------------------------------------


def test_cancel_needs_a_reason(app, make_event, staff, db):
    event = make_event()
    client = client_as(app, staff)
    response = post_form(client, f"/eventos/{event.slug}/cancelar", {"reason": "no"})
    assert response.status_code == 303
    assert "por qué se cancela" in _text(client.get(f"/eventos/{event.slug}"))
    response = post_form(client, f"/eventos/{event.slug}/cancelar",
                         {"reason": "La sede no estará disponible."})
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.status == "cancelled"


def test_conclude_after_the_start(app, make_event, staff, db):
    event = make_event(**_past(days=1))
    client = client_as(app, staff)
    assert "Marcar como concluido" in _text(client.get(f"/eventos/{event.slug}"))
    assert post_form(client, f"/eventos/{event.slug}/concluir").status_code == 302
    db.session.refresh(event)
    assert event.status == "concluded"


def test_program_editing(app, make_event, staff, db):
    event = make_event(starts_at="2030-10-01T09:00", ends_at="2030-10-01T18:00")
    client = client_as(app, staff)
    assert "aún no tiene sesiones" in _text(client.get(f"/eventos/{event.slug}/programa"))
    bad = post_form(client, f"/eventos/{event.slug}/programa",
                    {"title": "Conferencia magistral", "starts_at": "2030-10-05T09:00",
                     "ends_at": "2030-10-05T10:00"})
    assert bad.status_code == 422
    assert "dentro de las fechas del evento" in field_error(_text(bad), "starts_at")
    assert 'value="Conferencia magistral"' in _text(bad)
    good = post_form(client, f"/eventos/{event.slug}/programa",
                     {"title": "Conferencia magistral", "starts_at": "2030-10-01T09:00",
                      "ends_at": "2030-10-01T10:00", "room": "Auditorio"})
    assert good.status_code == 302
    session = db.session.scalar(db.select(EventSession))
    page = _text(client.get(f"/eventos/{event.slug}/programa"))
    assert "Conferencia magistral" in page and "Quitar" in page
    removed = post_form(client, f"/eventos/{event.slug}/programa/{session.id}/quitar")
    assert removed.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(EventSession)) == 0


def test_manage_lists_what_each_person_runs(app, make_event, make_org, make_user, staff):
    org, other = make_org(name="OSC Propia"), make_org(name="OSC Ajena")
    make_event(actor=org.admin, organization=org, title="Evento propio")
    make_event(actor=other.admin, organization=other, title="Evento ajeno")
    make_event(title="Borrador del personal", publish=False)
    staff_page = _text(client_as(app, staff).get("/eventos/gestion"))
    assert all(title in staff_page for title in ("Evento propio", "Evento ajeno",
                                                 "Borrador del personal"))
    assert 'href="/eventos/nuevo"' in staff_page
    admin_page = _text(client_as(app, org.admin).get("/eventos/gestion"))
    assert "Evento propio" in admin_page and "Evento ajeno" not in admin_page
    assert "Borrador del personal" not in admin_page
    assert f'href="/eventos/nuevo?osc={org.slug}"' in admin_page
    assert client_as(app, make_user()).get("/eventos/gestion").status_code == 403


def test_month_with_an_unknown_filter_is_400(client):
    response = client.get("/eventos/mes/2030/1?modalidad=telepatia")
    assert response.status_code == 400 and "Esa modalidad no existe." in _text(response)


def test_event_pages_render_in_english(client, make_event):
    event = make_event(starts_at="2030-01-15T10:00", ends_at="2030-01-15T12:00")
    post_form(client, "/idioma", {"language": "en", "next": "/"})
    month = _text(client.get("/eventos/mes/2030/1"))
    assert "January 2030" in month and "Monday" in month
    page = _text(client.get(f"/eventos/{event.slug}"))
    assert "Tuesday, January 15, 2030" in page



def test_anonymous_calendar_copies_expire_with_the_clock(client, make_event, monkeypatch):
    """An event turns past with no write; a stored calendar must not show it as upcoming for
    longer than CLOCK_PAGES_MAX_AGE."""
    import time

    from community.core import pagecache
    from community.events.fields import CLOCK_PAGES_MAX_AGE

    make_event(title="Taller que pronto será pasado")
    now = [1_800_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    client.get("/eventos")
    stored = len(pagecache._pages)
    client.get("/eventos")
    assert len(pagecache._pages) == stored  # reused within the period
    now[0] += CLOCK_PAGES_MAX_AGE + 1
    client.get("/eventos")
    assert len(pagecache._pages) == stored + 1  # rendered again once it is over
