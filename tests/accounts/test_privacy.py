"""The aviso de privacidad: sign-up consent, versions, "Descargar mis datos", closing an
account (services and HTTP)."""

import json

import pytest
from sqlalchemy import select

from community.accounts import services
from community.accounts.models import User, UserSession
from community.core.errors import ValidationError
from community.core.models import AuditEntry, Notification
from community.core.privacy import PRIVACY_NOTICE_VERSION
from community.events import services as events
from community.forums.models import Post
from community.profiles import services as registry
from community.profiles.models import Follow, Membership
from tests.conftest import PASSWORD, client_as, field_error, post_form, sign_in
from tests.events.conftest import event_form

SIGN_UP = {"name": "Ana Ruiz", "email": "ana@ejemplo.mx", "password": PASSWORD,
           "municipality": "15058"}


# --- services -------------------------------------------------------------------------------


def test_sign_up_needs_consent_and_records_the_version(db):
    with pytest.raises(ValidationError) as excinfo:
        services.sign_up(services.SignUp(**SIGN_UP))
    assert "accept_privacy" in excinfo.value.errors
    user = services.sign_up(services.SignUp(**SIGN_UP, accept_privacy=True))
    assert user.privacy_version == PRIVACY_NOTICE_VERSION
    assert user.privacy_accepted_at is not None


def test_an_older_version_asks_for_review_and_accepting_records_it(db, make_user):
    user = make_user(privacy_version="2020-01")
    assert services.needs_privacy_review(user)
    assert services.accept_privacy_notice(user) is True
    assert user.privacy_version == PRIVACY_NOTICE_VERSION
    assert not services.needs_privacy_review(user)
    assert services.accept_privacy_notice(user) is False
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.accepted"))
    assert entry.details == {"old": "2020-01", "new": PRIVACY_NOTICE_VERSION}


@pytest.fixture
def busy_person(db, make_user):
    """A person with an OSC membership, a follow, an event registration, a notice and a
    session; the OSC has another admin, so the person may close their account."""
    staff = make_user(role="staff", email="personal@edomex.mx")
    owner = make_user(email="duena@ejemplo.mx", name="Dueña Secreta")
    person = make_user(email="rosa@ejemplo.mx", name="Rosa Díaz")
    org = registry.register(owner, {"name": "Mujeres en Red", "municipality_code": "15106",
                                    "activities": ["IX"]})
    db.session.flush()
    registry.validate(staff, org)
    membership = registry.request_join(person, org)
    db.session.flush()
    registry.decide_join(owner, membership, accept=True)
    registry.set_member_role(owner, membership, "admin")
    registry.follow(person, org)
    event = events.create_event(staff, event_form(title="Taller de transparencia"))
    events.publish(staff, event)
    events.register(person, event)
    db.session.add(Notification(user_id=person.id, kind="test", message="Hola Rosa"))
    services.start_session(person, ip="10.0.0.1")
    db.session.commit()
    return {"person": person, "owner": owner, "org": org, "event": event}


def test_export_holds_the_persons_data_and_no_secrets(db, busy_person):
    person = busy_person["person"]
    data = services.export_personal_data(person)
    assert data["account"]["email"] == "rosa@ejemplo.mx"
    assert data["privacy"]["accepted_version"] == PRIVACY_NOTICE_VERSION
    assert [m["organization"] for m in data["memberships"]] == ["Mujeres en Red"]
    assert data["memberships"][0]["role"] == "admin"
    assert [f["organization"] for f in data["follows"]] == ["Mujeres en Red"]
    assert [r["event"] for r in data["event_registrations"]] == ["Taller de transparencia"]
    assert "Hola Rosa" in [n["message"] for n in data["notifications"]]
    assert len(data["sessions"]) == 1
    text = json.dumps(data, ensure_ascii=False)
    for secret in (person.password_hash, person.session_token, "duena@ejemplo.mx",
                   "Dueña Secreta", "key_hash"):
        assert secret not in text
    assert "ticket" not in text


def test_closing_anonymizes_and_keeps_the_record(db, busy_person):
    person = busy_person["person"]
    person_id = person.id
    with pytest.raises(ValidationError) as excinfo:
        services.close_account(person, "otra-cosa")
    assert "current_password" in excinfo.value.errors
    services.close_account(person, PASSWORD, ip="10.0.0.1")
    db.session.commit()
    user = db.session.get(User, person_id)
    assert user.name == "Cuenta cerrada" and "rosa" not in user.email
    assert user.closed_at is not None and not user.is_active
    assert not user.check_password(PASSWORD)
    assert db.session.scalars(select(Membership).where(Membership.user_id == person_id)).all() \
        == []
    assert db.session.scalars(select(Follow).where(Follow.user_id == person_id)).all() == []
    assert db.session.scalars(select(UserSession).where(
        UserSession.user_id == person_id, UserSession.ended_at.is_(None))).all() == []
    # Attendance is kept for verification.
    assert services.export_personal_data(user)["event_registrations"]
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "account.closed", AuditEntry.target_id == str(person_id)))
    with pytest.raises(ValidationError):
        services.authenticate("rosa@ejemplo.mx", PASSWORD)
    with pytest.raises(ValidationError):
        services.authenticate(user.email, PASSWORD)


def test_the_only_admin_of_an_osc_must_hand_over_first(db, busy_person):
    owner, person = busy_person["owner"], busy_person["person"]
    membership = db.session.scalar(select(Membership).where(Membership.user_id == person.id))
    registry.set_member_role(owner, membership, "member")
    db.session.commit()
    with pytest.raises(ValidationError) as excinfo:
        services.close_account(owner, PASSWORD)
    assert "Mujeres en Red" in str(excinfo.value.errors["organizations"])
    db.session.rollback()
    assert db.session.get(User, owner.id).closed_at is None


def test_forum_posts_of_a_closed_account_show_cuenta_cerrada(db, make_user):
    from community.forums import services as forums
    from community.forums.models import Category
    person = make_user(email="foro@ejemplo.mx", name="Lucía Foro")
    category = Category(slug="general", name="General")
    db.session.add(category)
    db.session.flush()
    topic = forums.create_topic(person, category, {"title": "Hola a todas",
                                                   "body": "Primer mensaje del foro."})
    db.session.commit()
    services.close_account(person, PASSWORD)
    db.session.commit()
    post = db.session.scalar(select(Post).where(Post.topic_id == topic.id))
    assert post.author.name == "Cuenta cerrada"


# --- HTTP -----------------------------------------------------------------------------------


def test_sign_up_without_the_checkbox_is_422_with_the_field_error(client):
    response = post_form(client, "/cuenta/registro", dict(SIGN_UP), page="/cuenta/registro")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "marca que leíste el aviso de privacidad" in field_error(body, "accept_privacy")
    assert 'value="Ana Ruiz"' in body and 'value="ana@ejemplo.mx"' in body
    assert "Aviso de privacidad simplificado" in body
    response = post_form(client, "/cuenta/registro", {**SIGN_UP, "accept_privacy": "y"},
                         page="/cuenta/registro")
    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/", "/cuenta/entrar", "/cuenta/registro", "/osc",
                                  "/eventos", "/privacidad"])
def test_every_page_links_the_notice_in_the_footer(client, path):
    body = client.get(path).get_data(as_text=True)
    footer = body[body.index("<footer"):]
    assert 'href="/privacidad"' in footer


def test_the_notice_is_public_and_names_the_responsible(client, app):
    response = client.get("/privacidad")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Dirección General de Participación Social" in body
    assert app.config["CONTACT"]["email"] in body
    assert PRIVACY_NOTICE_VERSION in body
    assert "ARCO" in body


def test_the_simplified_notice_where_data_is_collected(app, db, busy_person, make_user):
    client = client_as(app, make_user(email="nueva@ejemplo.mx"))
    assert "Aviso de privacidad simplificado" in client.get("/osc/registrar").get_data(
        as_text=True)
    page = client.get(f"/eventos/{busy_person['event'].slug}").get_data(as_text=True)
    assert "Aviso de privacidad simplificado" in page


def test_the_download_is_a_json_attachment(app, db, busy_person):
    client = client_as(app, busy_person["person"])
    response = client.get("/cuenta/mis-datos")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json()["account"]["email"] == "rosa@ejemplo.mx"


def test_banner_for_an_older_version_and_accepting_it(app, db, client, make_user):
    user = make_user(email="vieja@ejemplo.mx", privacy_version="2020-01")
    assert sign_in(client, user.email).status_code == 302
    assert "Actualizamos nuestro aviso de privacidad" in client.get("/cuenta").get_data(
        as_text=True)
    assert client.post("/cuenta/privacidad/aceptar").status_code == 400  # no CSRF token
    response = post_form(client, "/cuenta/privacidad/aceptar", page="/cuenta")
    assert response.status_code == 302
    assert db.session.get(User, user.id).privacy_version == PRIVACY_NOTICE_VERSION
    assert "Actualizamos nuestro aviso de privacidad" not in client.get("/cuenta").get_data(
        as_text=True)


def test_closing_needs_the_password_and_csrf(app, db, client, busy_person):
    person = busy_person["person"]
    assert sign_in(client, person.email).status_code == 302
    assert client.post("/cuenta/cerrar", data={"current_password": PASSWORD}).status_code \
        == 400
    response = post_form(client, "/cuenta/cerrar", {"current_password": "equivocada"},
                         page="/cuenta/cerrar")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "current_password")
    response = post_form(client, "/cuenta/cerrar", {"current_password": PASSWORD},
                         page="/cuenta/cerrar")
    assert response.status_code == 302
    assert client.get("/cuenta").status_code == 302  # signed out
    assert sign_in(client, "rosa@ejemplo.mx").status_code == 422


def test_the_sole_admin_is_told_on_the_page(app, db, client, busy_person):
    owner, person = busy_person["owner"], busy_person["person"]
    membership = db.session.scalar(select(Membership).where(Membership.user_id == person.id))
    registry.set_member_role(owner, membership, "member")
    db.session.commit()
    assert sign_in(client, owner.email).status_code == 302
    response = post_form(client, "/cuenta/cerrar", {"current_password": PASSWORD},
                         page="/cuenta/cerrar")
    assert response.status_code == 422
    assert "Eres la única persona administradora de Mujeres en Red" in response.get_data(
        as_text=True)
