"""A QR ticket exists for a confirmed place only (``services.has_ticket``): the image route,
the pages and the mail agree. A waiting or cancelled registration has no ticket to fetch."""

from community.events import services
from tests.conftest import client_as


def test_the_ticket_image_follows_the_same_rule_as_the_pages_and_the_mail(
        app, db, make_event, make_user, outbox):
    event = make_event(capacity="1")
    confirmed, waiting, gone = make_user(), make_user(), make_user()
    registrations = {"confirmed": services.register(confirmed, event),
                     "waiting": services.register(waiting, event)}
    registrations["gone"] = services.register(gone, event)
    services.cancel_registration(gone, registrations["gone"])
    db.session.commit()
    people = {"confirmed": confirmed, "waiting": waiting, "gone": gone}
    for name, registration in registrations.items():
        client = client_as(app, people[name])
        has = services.has_ticket(registration)
        assert has is (name == "confirmed")
        image = client.get(f"/eventos/registro/{registration.id}/qr.png")
        assert image.status_code == (200 if has else 404), name
        page = client.get(f"/eventos/{event.slug}").get_data(as_text=True)
        assert (f"/eventos/registro/{registration.id}/qr.png" in page) is has, name
    mailed = {message.recipients[0]: message for message in outbox}
    assert any(a.filename.endswith(".png") for a in mailed[confirmed.email].attachments)
    assert not any(a.filename.endswith(".png")
                   for a in mailed[waiting.email].attachments)
