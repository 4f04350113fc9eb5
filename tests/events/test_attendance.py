"""Check-in at the door (by name and by the QR link), the attendance CSV and an OSC's record."""

import csv
import io

import pytest

from community.core.errors import NotFound, PermissionDenied, ValidationError
from community.events import attendance, services
from tests.conftest import post_form, sign_in


def test_check_in_twice_is_harmless(db, make_event, make_user, staff):
    event = make_event()
    registration = services.register(make_user(), event)
    db.session.commit()
    assert attendance.check_in(staff, registration) is True
    db.session.commit()
    stamp, code = registration.checked_in_at, registration.certificate_code
    assert stamp is not None and len(code) == 10
    assert attendance.check_in(staff, registration) is False
    db.session.commit()
    assert (registration.checked_in_at, registration.certificate_code) == (stamp, code)
    assert registration.checked_in_by_id == staff.id


def test_only_a_confirmed_place_can_be_checked_in(db, make_event, make_user, staff):
    event = make_event(capacity="1")
    services.register(make_user(), event)
    waiting = services.register(make_user(), event)
    db.session.commit()
    with pytest.raises(ValidationError):
        attendance.check_in(staff, waiting)
    assert waiting.checked_in_at is None


def test_osc_admin_checks_in_only_at_own_osc_events(db, make_event, make_org, make_user, staff):
    own_admin, other_admin = make_user(), make_user()
    own = make_event(actor=own_admin, organization=make_org(admin=own_admin))
    other = make_event(actor=other_admin, organization=make_org(admin=other_admin))
    staff_event = make_event()
    person = make_user()
    registrations = {e.id: services.register(person, e) for e in (own, other, staff_event)}
    db.session.commit()
    for event in (other, staff_event):
        with pytest.raises(PermissionDenied):
            attendance.check_in(own_admin, registrations[event.id])
        with pytest.raises(PermissionDenied):
            attendance.attendees(own_admin, event)
        with pytest.raises(PermissionDenied):
            attendance.registration_for_ticket(own_admin, registrations[event.id].ticket)
    assert attendance.check_in(own_admin, registrations[own.id]) is True
    assert attendance.check_in(staff, registrations[other.id]) is True


def test_unknown_ticket_is_not_found(db, staff):
    with pytest.raises(NotFound):
        attendance.registration_for_ticket(staff, "no-such-ticket")


def test_ticket_page_shows_the_person_and_get_changes_nothing(client, db, make_event, make_user,
                                                              staff):
    event = make_event()
    person = make_user(name="Rocío Núñez")
    registration = services.register(person, event)
    db.session.commit()
    sign_in(client, staff.email)
    url = f"/eventos/asistencia/{registration.ticket}"
    page = client.get(url)
    assert page.status_code == 200
    assert "Rocío Núñez" in page.get_data(as_text=True)
    assert 'method="post"' in page.get_data(as_text=True)
    db.session.expire_all()
    assert registration.checked_in_at is None
    first = post_form(client, url, page=url)
    assert first.status_code == 302
    db.session.expire_all()
    assert registration.checked_in_at is not None
    again = post_form(client, url, page=url, follow_redirects=True)
    assert "ya tenía su asistencia registrada" in again.get_data(as_text=True)


def test_door_page_finds_names_without_accents_and_counts(client, db, make_event, make_user,
                                                          staff):
    event = make_event()
    jose = services.register(make_user(name="José Peña Álvarez"), event)
    services.register(make_user(name="Ana Torres"), event)
    attendance.check_in(staff, jose)
    db.session.commit()
    sign_in(client, staff.email)
    html = client.get(f"/eventos/{event.slug}/asistencia?q=jose pena").get_data(as_text=True)
    assert "José Peña Álvarez" in html and "Ana Torres" not in html
    found = attendance.attendees(staff, event)
    assert (found.attended, found.confirmed) == (1, 2)
    assert [r.user.name for r in found.rows] == ["Ana Torres", "José Peña Álvarez"]


def test_check_in_from_the_door_list(client, db, make_event, make_user, staff):
    event = make_event()
    registration = services.register(make_user(name="Marta Ruiz"), event)
    db.session.commit()
    sign_in(client, staff.email)
    page = f"/eventos/{event.slug}/asistencia"
    response = post_form(client, f"{page}/{registration.id}", {"q": "marta"}, page=page)
    assert response.status_code == 302 and "q=marta" in response.headers["Location"]
    db.session.expire_all()
    assert registration.checked_in_at is not None


def test_registration_of_another_event_is_not_found(client, db, make_event, make_user, staff):
    event, other = make_event(), make_event(title="Otro taller")
    registration = services.register(make_user(), other)
    db.session.commit()
    sign_in(client, staff.email)
    page = f"/eventos/{event.slug}/asistencia"
    assert post_form(client, f"{page}/{registration.id}", page=page).status_code == 404


def test_attendance_csv_is_formula_safe_with_bom(client, db, make_event, make_user, staff):
    event = make_event()
    attacker = services.register(make_user(name="=cmd|' /C calc'!A0"), event)
    services.register(make_user(name="Lucía Hernández"), event)
    attendance.check_in(staff, attacker)
    db.session.commit()
    sign_in(client, staff.email)
    response = client.get(f"/eventos/{event.slug}/asistencia.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0][0] == "Nombre"
    names = {row[0]: row for row in rows[1:]}
    assert set(names) == {"'=cmd|' /C calc'!A0", "Lucía Hernández"}
    assert names["'=cmd|' /C calc'!A0"][4] == "sí"
    assert names["Lucía Hernández"][4] == "no"


def test_organization_history_for_its_admins_and_staff(db, make_event, make_org, make_user,
                                                       staff):
    from community.profiles import services as registry

    admin, other_admin = make_user(), make_user()
    org = make_org(admin=admin)
    make_org(admin=other_admin)
    member = make_user(name="Integrante Uno")
    registry.decide_join(admin, registry.request_join(member, org), accept=True)
    db.session.commit()
    attended, missed = make_event(hours="4"), make_event(title="Curso de marco lógico")
    present = services.register(member, attended, organization=org)
    services.register(member, missed, organization=org)
    services.register(make_user(), attended)  # not on behalf of the OSC
    attendance.check_in(staff, present)
    db.session.commit()
    history = attendance.organization_history(admin, org)
    assert len(history.events) == 2
    assert (history.events_attended, history.people_attended, history.hours) == (1, 1, 4)
    assert attendance.organization_history(staff, org).events_attended == 1
    for outsider in (other_admin, member):
        with pytest.raises(PermissionDenied):
            attendance.organization_history(outsider, org)


def test_organization_history_page(client, db, make_event, make_org, make_user):
    admin = make_user()
    org = make_org(admin=admin, name="Red de Mujeres «Flor»")
    db.session.commit()
    sign_in(client, admin.email)
    response = client.get(f"/osc/{org.slug}/asistencia-eventos")
    assert response.status_code == 200
    assert "Todavía nadie se ha registrado" in response.get_data(as_text=True)
