"""Account rules through the service layer, without HTTP."""

import pytest
from sqlalchemy import select

from community.accounts import services, tokens
from community.accounts.models import User
from community.core.errors import PermissionDenied, ValidationError
from community.core.models import AuditEntry
from tests.conftest import PASSWORD


def _signup(**overrides):
    data = dict(name="Ana Ruiz", email="ana@ejemplo.mx", password=PASSWORD,
                municipality="15058", locale="es_MX", accept_privacy=True)
    data.update(overrides)
    return services.sign_up(services.SignUp(**data))


def _field_error(excinfo, field):
    return str(excinfo.value.errors[field])


def test_sign_up_creates_citizen_and_sends_confirmation(db, outbox):
    user = _signup(email="  Ana@Ejemplo.MX ")
    db.session.commit()
    assert user.role == "citizen"
    assert user.email == "ana@ejemplo.mx"
    assert user.municipality.name == "Nezahualcóyotl"
    assert not user.email_confirmed
    assert len(outbox) == 1
    assert "/cuenta/confirmar/" in outbox[0].body


def test_sign_up_accepts_other_state(db):
    user = _signup(municipality="otra")
    assert user.municipality_code is None


@pytest.mark.parametrize(
    ("field", "overrides", "fragment"),
    [
        ("password", {"password": "corta7"}, "al menos 8"),
        ("password", {"password": "password"}, "más usadas"),
        ("password", {"password": "contraseña"}, "más usadas"),
        ("password", {"password": "123456789"}, "más usadas"),
        ("password", {"password": "aaaaaaaaaa"}, "más usadas"),
        ("email", {"email": "no-es-correo"}, "correo electrónico válido"),
        ("municipality", {"municipality": "99999"}, "municipio"),
        ("name", {"name": " "}, "nombre"),
    ],
)
def test_sign_up_refuses_bad_input_with_reason(db, field, overrides, fragment):
    with pytest.raises(ValidationError) as excinfo:
        _signup(**overrides)
    assert fragment in _field_error(excinfo, field)
    assert db.session.scalar(select(User)) is None


def test_no_composition_rules(db):
    assert _signup(password="todas minusculas y espacios").id


def test_sign_up_with_taken_email_creates_nothing_and_warns_owner(db, make_user, outbox):
    make_user(email="ana@ejemplo.mx")
    assert _signup(email="ANA@ejemplo.mx") is None
    db.session.commit()
    assert db.session.query(User).count() == 1
    assert outbox[0].recipients == ["ana@ejemplo.mx"]
    assert "ya tienes una" in outbox[0].body


def test_mail_is_not_sent_when_transaction_rolls_back(db, outbox):
    _signup()
    db.session.rollback()
    assert outbox == []


def test_confirm_email_token(db):
    user = _signup()
    token = tokens.make_token(tokens.CONFIRM, {"uid": user.id, "email": user.email})
    assert services.confirm_email(token).email_confirmed
    with pytest.raises(ValidationError):
        services.confirm_email(token + "x")


def test_authenticate_gives_one_message_for_every_failure(db, make_user):
    make_user(email="ana@ejemplo.mx")
    make_user(email="baja@ejemplo.mx", active=False)
    messages = set()
    for email, password in [("ana@ejemplo.mx", "equivocada-123"),
                            ("nadie@ejemplo.mx", PASSWORD),
                            ("baja@ejemplo.mx", PASSWORD)]:
        with pytest.raises(ValidationError) as excinfo:
            services.authenticate(email, password, ip="10.0.0.1")
        messages.add(_field_error(excinfo, "password"))
    assert messages == {"El correo o la contraseña no son correctos."}
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("auth.sign_in_failed") == 3


def test_authenticate_records_success(db, make_user):
    user = make_user()
    assert services.authenticate(user.email.upper(), PASSWORD, ip="10.0.0.2") == user
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.sign_in"))
    assert entry.actor_id == user.id and entry.ip == "10.0.0.2"


def test_reset_link_works_once(db, make_user, outbox):
    user = make_user()
    services.request_password_reset(user.email)
    db.session.commit()
    token = outbox[0].body.split("/cuenta/restablecer/")[1].split()[0]
    services.reset_password(token, "otra-frase-larga-2026")
    db.session.commit()
    assert user.check_password("otra-frase-larga-2026")
    with pytest.raises(ValidationError):
        services.reset_password(token, "tercera-frase-larga-2026")


def test_reset_for_unknown_email_sends_nothing(db, outbox):
    services.request_password_reset("nadie@ejemplo.mx")
    db.session.commit()
    assert outbox == []


def test_change_password_requires_current_and_rotates_session(db, make_user):
    user = make_user()
    old_token = user.session_token
    with pytest.raises(ValidationError) as excinfo:
        services.change_password(user, "equivocada", "nueva-frase-larga")
    assert "actual" in _field_error(excinfo, "current_password")
    services.change_password(user, PASSWORD, "nueva-frase-larga")
    assert user.session_token != old_token
    assert user.check_password("nueva-frase-larga")


def test_email_change_happens_only_after_confirmation(db, make_user, outbox):
    user = make_user(email="viejo@ejemplo.mx")
    services.request_email_change(user, PASSWORD, "nuevo@ejemplo.mx")
    db.session.commit()
    assert user.email == "viejo@ejemplo.mx"
    assert outbox[0].recipients == ["nuevo@ejemplo.mx"]
    token = outbox[0].body.split("/cuenta/correo/")[1].split()[0]
    services.confirm_email_change(token)
    assert user.email == "nuevo@ejemplo.mx"


def test_email_change_asks_current_password(db, make_user):
    user = make_user()
    with pytest.raises(ValidationError) as excinfo:
        services.request_email_change(user, "equivocada", "nuevo@ejemplo.mx")
    assert "current_password" in excinfo.value.errors


@pytest.mark.parametrize("actor_role", ["citizen", "staff"])
def test_only_admins_change_roles(db, make_user, actor_role):
    actor, target = make_user(role=actor_role), make_user()
    with pytest.raises(PermissionDenied):
        services.set_role(actor, target, "staff")
    assert target.role == "citizen"


def test_admin_changes_role_with_audit(db, make_user):
    admin, target = make_user(role="admin"), make_user()
    services.set_role(admin, target, "staff", ip="10.0.0.3")
    db.session.commit()
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "account.role_changed")
    )
    assert (entry.actor_id, entry.details) == (admin.id, {"old": "citizen", "new": "staff"})
    with pytest.raises(ValidationError):
        services.set_role(admin, target, "superuser")
    with pytest.raises(PermissionDenied):
        services.set_role(admin, admin, "citizen")


def test_deactivated_user_loses_sessions(db, make_user):
    admin, target = make_user(role="admin"), make_user()
    token = target.session_token
    services.set_active(admin, target, False)
    assert not target.active and target.session_token != token
