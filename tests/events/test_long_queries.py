"""A search at the door is as long as its field allows: a crafted 100,000-character ``q``
never comes back as a giant redirect or page."""

from community.events import attendance, services
from tests.conftest import post_form, sign_in

HUGE = "marta " * 20_000  # 120,000 characters


def test_check_in_redirect_keeps_a_bounded_query(client, db, make_event, make_user, staff):
    event = make_event()
    registration = services.register(make_user(name="Marta Gómez"), event)
    db.session.commit()
    sign_in(client, staff.email)
    page = f"/eventos/{event.slug}/asistencia"
    response = post_form(client, f"{page}/{registration.id}", {"q": HUGE}, page=page)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert len(location) < 500 and "q=marta" in location
    assert registration.checked_in_at is not None


def test_door_page_with_a_huge_query_says_it_shortened_it(client, db, make_event, make_user,
                                                          staff):
    event = make_event()
    services.register(make_user(name="Marta Gómez"), event)
    db.session.commit()
    sign_in(client, staff.email)
    response = client.get(f"/eventos/{event.slug}/asistencia", query_string={"q": HUGE})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"buscamos solo sus primeros {attendance.QUERY_MAX} caracteres" in body
    assert len(body) < 100_000 and "Marta Gómez" in body
    normal = client.get(f"/eventos/{event.slug}/asistencia?q=marta").get_data(as_text=True)
    assert "demasiado larga" not in normal
