"""Account rules: sign-up, confirmation, sign-in, password and email changes, roles.

Every function takes the acting user (or the data a person typed) and raises
``ValidationError`` / ``PermissionDenied``; the caller commits.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, func, select, update

from community.accounts import tokens
from community.accounts.models import (
    User,
    UserSession,
    check_password_of_nobody,
    hash_password,
    new_session_token,
)
from community.accounts.passwords import password_problem
from community.core import audit, personal_data
from community.core.catalog import OTHER_STATE, is_municipality
from community.core.errors import NotFound, PermissionDenied, ValidationError
from community.core.mail import send_template
from community.core.models import Notification
from community.core.network import network_of
from community.core.permissions import ROLES, has_role, require_admin, require_staff
from community.core.privacy import PRIVACY_NOTICE_DATE, PRIVACY_NOTICE_VERSION
from community.core.timeutil import LOCAL_TZ, utcnow
from community.core.urls import external_url, safe_next
from community.extensions import db

PRIVACY_REQUIRED = _l("Para crear tu cuenta, marca que leíste el aviso de privacidad.")
CLOSED_NAME = "Cuenta cerrada"
SIGN_IN_FAILED = _l("El correo o la contraseña no son correctos.")
SUSPENSION_DAYS_MAX = 365
SUSPENSION_REASON_MAX = 500
# How long the row of an ended or expired session is kept: the networks a person signed in
# from during this time are "theirs" for the sign-in limit.
SESSION_HISTORY = timedelta(days=90)


@dataclass
class SignUp:
    name: str
    email: str
    password: str
    municipality: str
    locale: str | None = None
    accept_privacy: bool = False
    next: str = ""  # a same-site path to return to after confirming (an event page)


def normalize_email(raw: str) -> str:
    """A syntactically valid address in canonical form (domain lower-cased), or ValidationError."""
    try:
        result = validate_email((raw or "").strip(), check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError({"email": _l("Escribe un correo electrónico válido.")}) from None
    return result.normalized.lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def _check_password(field: str, password: str, email: str = "", name: str = "") -> None:
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise ValidationError({field: problem})


def _municipality_code(value: str) -> str | None:
    if value == OTHER_STATE:
        return None
    if not is_municipality(value):
        raise ValidationError({"municipality": _l("Elige tu municipio de la lista.")})
    return value


def sign_up(data: SignUp) -> User | None:
    """Create a citizen account and send the confirmation link.

    When the address already has an account nothing is created and its owner gets a notice
    instead, so that the page never reveals who is registered. Returns the new user or None.
    """
    name = " ".join((data.name or "").split())
    if not 2 <= len(name) <= 120:
        raise ValidationError({"name": _l("Escribe tu nombre (de 2 a 120 caracteres).")})
    email = normalize_email(data.email)
    _check_password("password", data.password, email, name)
    municipality = _municipality_code(data.municipality)
    if not data.accept_privacy:
        raise ValidationError({"accept_privacy": PRIVACY_REQUIRED})
    existing = find_by_email(email)
    if existing is not None:
        # The same hashing work as a new account, so the answer's timing says nothing either.
        hash_password(data.password)
        _send_already_registered(existing)
        return None
    user = User(name=name, email=email, role="citizen", municipality_code=municipality,
                locale=data.locale)
    user.set_password(data.password)
    _record_acceptance(user)
    db.session.add(user)
    db.session.flush()
    send_confirmation(user, next=data.next)
    return user


def _send_already_registered(user: User) -> None:
    send_template(user.email, _l("Ya tienes una cuenta en Comunidad OSC"), "already_registered",
                  locale=user.locale, user=user,
                  sign_in_url=external_url("accounts.sign_in"),
                  reset_url=external_url("accounts.forgot_password"))


def send_confirmation(user: User, email: str | None = None, next: str | None = None) -> None:
    """Mail a signed link that proves the person owns ``email`` (the account's by default).

    ``next``, a same-site path (checked by :func:`safe_next`), rides inside the signed token,
    so the confirmation and the sign-in after it bring the person back where they started."""
    if email is None:
        payload = {"uid": user.id, "email": user.email}
        back = safe_next(next, "")
        if back:
            payload["next"] = back
        token = tokens.make_token(tokens.CONFIRM, payload)
        url = external_url("accounts.confirm_email", token=token)
        template, subject = "confirm_email", _l("Confirma tu correo en Comunidad OSC")
    else:
        token = tokens.make_token(tokens.CHANGE_EMAIL, {"uid": user.id, "email": email})
        url = external_url("accounts.confirm_email_change", token=token)
        template, subject = "change_email", _l("Confirma tu nuevo correo en Comunidad OSC")
    send_template(email or user.email, subject, template, locale=user.locale, user=user, url=url)


def _user_from_token(purpose: str, token: str, max_age: int) -> tuple[User, dict]:
    payload = tokens.read_token(purpose, token, max_age)
    user = db.session.get(User, payload.get("uid")) if payload else None
    if user is None:
        raise ValidationError({"token": _l("El enlace no es válido o ya venció. Pide uno nuevo.")})
    return user, payload


def user_to_confirm(token: str) -> User:
    """The account a confirmation link is for, changing nothing (the link's page, on GET:
    mail scanners open links, and only the person's button press confirms)."""
    user, payload = _user_from_token(
        tokens.CONFIRM, token, current_app.config["EMAIL_TOKEN_MAX_AGE"]
    )
    if payload.get("email") != user.email:
        raise ValidationError({"token": _l("El enlace no es válido o ya venció. Pide uno nuevo.")})
    return user


def confirmation_next(token: str) -> str:
    """The path a valid confirmation link returns to, or "" (checked again by safe_next)."""
    payload = tokens.read_token(tokens.CONFIRM, token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    return safe_next((payload or {}).get("next"), "")


def confirm_email(token: str) -> User:
    user = user_to_confirm(token)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    return user


def authenticate(email: str, password: str, ip: str | None = None) -> User:
    """The user for these credentials; one message for every failure so none leaks, and one
    password check for every attempt (an unknown address is checked against a stand-in), so
    the time taken does not tell whether the address has an account."""
    user = find_by_email((email or "").strip())
    if user is None:
        password_ok = check_password_of_nobody(password or "")
    else:
        password_ok = user.check_password(password or "")
    if not password_ok or not user.is_active:
        audit.record("auth.sign_in_failed", actor=user, target=user, ip=ip,
                     email=(email or "")[:254])
        raise ValidationError({"password": _sign_in_refusal(user, password_ok)})
    user.last_sign_in_at = utcnow()
    audit.record("auth.sign_in", actor=user, target=user, ip=ip)
    return user


def _sign_in_refusal(user: User | None, password_ok: bool):
    """The one failure message, except for a suspended person who typed the right password:
    they learn until when and why (which reveals nothing to someone without the password)."""
    if not password_ok or not user.active or not user.is_suspended:
        return SIGN_IN_FAILED
    return _l("Tu cuenta está suspendida hasta el %(until)s. Motivo: %(reason)s",
              until=format_datetime(user.suspended_until, "long"),
              reason=user.suspension_reason or "")


# --- device sessions ------------------------------------------------------------------------


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(user: User, ip: str | None = None, now: datetime | None = None) -> str:
    """Open a session for this device; ``user.get_id()`` names it from now on (what
    ``login_user`` puts in the cookies). Returns its key."""
    now = now or utcnow()
    db.session.execute(delete(UserSession).where(
        UserSession.user_id == user.id, UserSession.expires_at < now - SESSION_HISTORY))
    key = secrets.token_urlsafe(24)
    db.session.add(UserSession(
        user_id=user.id, key_hash=_key_hash(key), network=network_of(ip), created_at=now,
        expires_at=now + current_app.config["REMEMBER_COOKIE_DURATION"]))
    db.session.flush()
    user.device_key = key
    return key


#: Every signed-in request runs it: built once (see core.pagecache._VERSION).
_SESSION_USER = select(User).join(UserSession, UserSession.user_id == User.id).where(
    User.session_token == bindparam("token"), UserSession.key_hash == bindparam("key_hash"),
    UserSession.ended_at.is_(None), UserSession.expires_at > bindparam("now"))


def user_for_session(session_id: str | None, now: datetime | None = None) -> User | None:
    """The person a cookie names, while its device session is open; None otherwise (signed
    out there or everywhere, expired, suspended, or a cookie from before sessions had keys)."""
    token, _sep, key = (session_id or "").partition(":")
    if not token or not key:
        return None
    user = db.session.scalar(_SESSION_USER, {"token": token, "key_hash": _key_hash(key),
                                             "now": now or utcnow()})
    if user is None or not user.is_active:
        return None
    user.device_key = key
    return user


def end_session(user: User, ip: str | None = None) -> None:
    """Sign out this device: its cookies, wherever copies of them are, open nothing again.
    The person's other devices stay signed in."""
    if user.device_key:
        db.session.execute(update(UserSession).where(
            UserSession.user_id == user.id, UserSession.key_hash == _key_hash(user.device_key),
            UserSession.ended_at.is_(None)).values(ended_at=utcnow()))
    audit.record("auth.sign_out", actor=user, target=user, ip=ip)


def _end_all_sessions(user: User) -> None:
    """Every session and remember cookie of the person ends (a new token, every row ended)."""
    user.session_token = new_session_token()
    db.session.execute(update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)).values(
        ended_at=utcnow()))


def sign_out_everywhere(user: User, ip: str | None = None) -> None:
    """"Cerrar sesión en todos los dispositivos": this one included."""
    _end_all_sessions(user)
    audit.record("auth.sign_out_everywhere", actor=user, target=user, ip=ip)


def known_network(email: str, ip: str | None, now: datetime | None = None) -> bool:
    """Whether the account of ``email`` signed in from the network of ``ip`` lately: the
    sign-in limit for strangers never locks a person out of their usual places."""
    found = db.session.scalar(
        select(UserSession.id).join(User, User.id == UserSession.user_id).where(
            func.lower(User.email) == (email or "").strip().lower(),
            UserSession.network == network_of(ip),
            UserSession.expires_at > (now or utcnow()) - SESSION_HISTORY).limit(1))
    return found is not None


def request_password_reset(email: str) -> None:
    """Mail a reset link if the address has an account; say nothing either way."""
    user = find_by_email(normalize_email(email))
    if user is None or not user.active:
        return
    token = tokens.make_token(
        tokens.RESET, {"uid": user.id, "pw": tokens.password_fingerprint(user.password_hash)}
    )
    send_template(user.email, _l("Restablece tu contraseña de Comunidad OSC"), "reset_password",
                  locale=user.locale, user=user,
                  url=external_url("accounts.reset_password", token=token),
                  minutes=current_app.config["RESET_TOKEN_MAX_AGE"] // 60)


def user_for_reset(token: str) -> User:
    user, payload = _user_from_token(
        tokens.RESET, token, current_app.config["RESET_TOKEN_MAX_AGE"]
    )
    if payload.get("pw") != tokens.password_fingerprint(user.password_hash) or not user.active:
        raise ValidationError({"token": _l("El enlace no es válido o ya venció. Pide uno nuevo.")})
    return user


def reset_password(token: str, new_password: str, ip: str | None = None) -> User:
    user = user_for_reset(token)
    _check_password("password", new_password, user.email, user.name)
    user.set_password(new_password)
    _end_all_sessions(user)
    # Opening the link proves the person reads this mailbox.
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    audit.record("auth.password_reset", actor=user, target=user, ip=ip)
    return user


def _require_current_password(user: User, password: str) -> None:
    if not user.check_password(password or ""):
        raise ValidationError({"current_password": _l("La contraseña actual no es correcta.")})


def change_password(user: User, current_password: str, new_password: str,
                    ip: str | None = None) -> None:
    """Set a new password; every other session and remember cookie of the user ends."""
    _require_current_password(user, current_password)
    _check_password("new_password", new_password, user.email, user.name)
    user.set_password(new_password)
    _end_all_sessions(user)
    audit.record("auth.password_changed", actor=user, target=user, ip=ip)


def request_email_change(user: User, current_password: str, new_email: str) -> str:
    """Send a confirmation link to the new address; the change happens when it is opened."""
    _require_current_password(user, current_password)
    try:
        email = normalize_email(new_email)
    except ValidationError:
        raise ValidationError({"new_email": _l("Escribe un correo electrónico válido.")}) from None
    if email == user.email:
        raise ValidationError({"new_email": _l("Ese ya es tu correo.")})
    if find_by_email(email) is None:
        send_confirmation(user, email=email)
    return email


def email_change_of(token: str) -> tuple[User, str]:
    """The account and the new address of an email-change link, changing nothing."""
    user, payload = _user_from_token(
        tokens.CHANGE_EMAIL, token, current_app.config["EMAIL_TOKEN_MAX_AGE"]
    )
    new_email = payload.get("email", "")
    if find_by_email(new_email) not in (None, user):
        raise ValidationError({"token": _l("Ese correo ya pertenece a otra cuenta.")})
    return user, new_email


def confirm_email_change(token: str, ip: str | None = None) -> User:
    user, new_email = email_change_of(token)
    old_email = user.email
    user.email = new_email
    user.email_confirmed_at = utcnow()
    audit.record("auth.email_changed", actor=user, target=user, ip=ip, old=old_email,
                 new=new_email)
    return user


def set_language(user: User, locale: str) -> None:
    if locale not in current_app.config["LANGUAGES"]:
        raise ValidationError({"language": _l("Ese idioma no está disponible.")})
    user.locale = locale


def set_role(actor: User | None, user: User, role: str, ip: str | None = None) -> None:
    """Change a role. ``actor`` None means the operator's command line, which is trusted."""
    if actor is not None:
        require_admin(actor)
        if actor.id == user.id:
            raise PermissionDenied(_l("No puedes cambiar tu propio rol."))
    if role not in ROLES:
        raise ValidationError({"role": _l("Ese rol no existe.")})
    if user.role == role:
        return
    audit.record("account.role_changed", actor=actor, target=user, ip=ip,
                 old=user.role, new=role)
    user.role = role


def set_active(actor: User, user: User, active: bool, ip: str | None = None) -> None:
    """Suspend or restore an account; a suspended one cannot sign in and its sessions end."""
    require_admin(actor)
    if actor.id == user.id:
        raise PermissionDenied(_l("No puedes suspender tu propia cuenta."))
    if user.active == active:
        return
    user.active = active
    if not active:
        _end_all_sessions(user)
    audit.record("account.activated" if active else "account.deactivated", actor=actor,
                 target=user, ip=ip)


def _require_may_suspend(actor: User, user: User) -> None:
    """Staff suspend citizens; only the administration suspends staff or admins; nobody
    suspends themselves."""
    require_staff(actor)
    if actor.id == user.id:
        raise PermissionDenied(_l("No puedes suspender tu propia cuenta."))
    if has_role(user, "staff") and not has_role(actor, "admin"):
        raise PermissionDenied(_l("Solo la administración puede suspender cuentas del personal "
                                  "o de administración."))


def _suspension_end(days, until, now: datetime) -> datetime:
    """When a suspension ends (naive UTC): after ``days`` days, or at 00:00 (Mexico City) of
    the ``until`` date; within a year either way."""
    if until not in (None, ""):
        end = _local_midnight(until)
        if end <= now:
            raise ValidationError({"until": _l("Elige una fecha posterior a hoy.")})
        if end > now + timedelta(days=SUSPENSION_DAYS_MAX + 1):
            raise ValidationError({"until": _l("La suspensión dura como máximo %(days)d días.",
                                               days=SUSPENSION_DAYS_MAX)})
        return end
    try:
        count = int(str(days).strip())
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= SUSPENSION_DAYS_MAX:
        raise ValidationError({"days": _l("Escribe un número de días entre 1 y %(max)d, o elige "
                                          "una fecha.", max=SUSPENSION_DAYS_MAX)})
    return now + timedelta(days=count)


def _local_midnight(raw) -> datetime:
    try:
        day = raw if isinstance(raw, date) else date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValidationError({"until": _l("Escribe la fecha como AAAA-MM-DD.")}) from None
    local = datetime.combine(day, time.min, tzinfo=LOCAL_TZ)
    return local.astimezone(UTC).replace(tzinfo=None)


def suspend_for(actor: User, user: User, reason, days=None, until=None,
                now: datetime | None = None, ip: str | None = None) -> datetime:
    """Suspend an account for a time with a reason. Its session token rotates, so every open
    session and remember cookie ends now and does not come back when the time is up."""
    _require_may_suspend(actor, user)
    now = now or utcnow()
    errors: dict = {}
    text = " ".join(str(reason or "").split())
    if not 3 <= len(text) <= SUSPENSION_REASON_MAX:
        errors["reason"] = _l("Escribe el motivo (de 3 a %(max)d caracteres); la persona lo "
                              "leerá al intentar entrar.", max=SUSPENSION_REASON_MAX)
    try:
        end = _suspension_end(days, until, now)
    except ValidationError as error:
        errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    user.suspended_until = end
    user.suspension_reason = text
    _end_all_sessions(user)
    audit.record("account.suspended", actor=actor, target=user, ip=ip,
                 until=end.isoformat(timespec="minutes"), reason=text)
    return end


def lift_suspension(actor: User, user: User, ip: str | None = None) -> bool:
    """End a suspension early; False when there was none to lift."""
    _require_may_suspend(actor, user)
    if not user.is_suspended:
        return False
    audit.record("account.suspension_lifted", actor=actor, target=user, ip=ip,
                 until=user.suspended_until.isoformat(timespec="minutes"),
                 reason=user.suspension_reason)
    user.suspended_until = None
    user.suspension_reason = None
    return True


def create_admin(email: str, name: str, password: str) -> User:
    """Used by ``flask users create-admin``; an existing account is promoted instead."""
    email = normalize_email(email)
    user = find_by_email(email)
    if user is None:
        _check_password("password", password, email, name)
        user = User(email=email, name=name, role="admin", email_confirmed_at=utcnow())
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
        audit.record("account.created_admin", target=user)
    else:
        set_role(None, user, "admin")
    return user


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def list_users(actor: User, query: str = "", page: int = 1, per_page: int = 50):
    """Admins see every account, newest first, filtered by name or email."""
    require_admin(actor)
    stmt = select(User).order_by(User.created_at.desc(), User.id.desc())
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(func.lower(User.email).like(like) | func.lower(User.name).like(like))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


# --- privacy: the notice, the person's data, closing the account ------------------------------


def _record_acceptance(user: User) -> None:
    user.privacy_version = PRIVACY_NOTICE_VERSION
    user.privacy_accepted_at = utcnow()


def needs_privacy_review(user) -> bool:
    """Whether a signed-in person accepted no notice or an older one than the current."""
    return bool(getattr(user, "is_authenticated", False)
                and user.privacy_version != PRIVACY_NOTICE_VERSION)


def accept_privacy_notice(user: User, ip: str | None = None) -> bool:
    """The person accepts the current notice; False when they already had."""
    if user.privacy_version == PRIVACY_NOTICE_VERSION:
        return False
    old = user.privacy_version
    _record_acceptance(user)
    audit.record("privacy.accepted", actor=user, target=user, ip=ip, old=old,
                 new=PRIVACY_NOTICE_VERSION)
    return True


def export_personal_data(user: User) -> dict:
    """Everything the platform keeps about the person, for "Descargar mis datos": the
    account, what each module keeps (core.personal_data), notices, sessions. Never other
    people's private data, never the password hash, the session token or keys."""
    iso = personal_data.iso
    notices = db.session.scalars(select(Notification).where(
        Notification.user_id == user.id).order_by(Notification.created_at))
    sessions = db.session.scalars(select(UserSession).where(
        UserSession.user_id == user.id).order_by(UserSession.created_at))
    return {
        "format": "comunidad-osc/personal-data/1",
        "exported_at": iso(utcnow()),
        "account": {
            "id": user.id, "name": user.name, "email": user.email, "role": user.role,
            "municipality_code": user.municipality_code,
            "municipality": user.municipality.name if user.municipality else None,
            "locale": user.locale, "created_at": iso(user.created_at),
            "email_confirmed_at": iso(user.email_confirmed_at),
            "last_sign_in_at": iso(user.last_sign_in_at),
            "password_changed_at": iso(user.password_changed_at),
            "notification_email": user.notification_email,
            "suspended_until": iso(user.suspended_until),
            "suspension_reason": user.suspension_reason,
        },
        "privacy": {"accepted_version": user.privacy_version,
                    "accepted_at": iso(user.privacy_accepted_at),
                    "current_version": PRIVACY_NOTICE_VERSION,
                    "current_version_date": PRIVACY_NOTICE_DATE.isoformat()},
        **personal_data.export_sections(user),
        "notifications": [{"kind": n.kind, "message": n.message, "url": n.url,
                           "created_at": iso(n.created_at), "read_at": iso(n.read_at)}
                          for n in notices],
        "sessions": [{"network": s.network, "created_at": iso(s.created_at),
                      "expires_at": iso(s.expires_at), "ended_at": iso(s.ended_at)}
                     for s in sessions],
    }


def close_account(user: User, password: str, ip: str | None = None) -> None:
    """Close the person's own account: refused while they are the only admin of an OSC;
    otherwise the account is anonymized (name "Cuenta cerrada", an address that reaches
    nobody, an unusable password), every session ends, memberships and follows go (each
    module's ``on_close``), and an audit entry records it. Registry revisions, audit entries,
    forum posts and event attendance keep their reference to the (now anonymous) account."""
    _require_current_password(user, password)
    personal_data.check_closing(user)
    personal_data.run_on_close(user)
    audit.record("account.closed", actor=user, target=user, ip=ip)
    user.name = CLOSED_NAME
    user.email = f"cuenta-cerrada-{user.id}@cerrada.invalid"
    user.password_hash = "!" + secrets.token_hex(16)  # no hash: no password ever matches
    user.municipality_code = None
    user.role = "citizen"
    user.suspension_reason = None
    user.closed_at = utcnow()
    _end_all_sessions(user)
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
