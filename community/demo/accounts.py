"""Demo accounts, one per role; the README lists them. Every demo person signs in with
``DEMO_PASSWORD``, and lives under ``@demo.comunidad-osc.mx``."""

from flask import current_app
from werkzeug.security import generate_password_hash

from community.accounts.models import User
from community.accounts.services import find_by_email
from community.core.timeutil import utcnow
from community.extensions import db

DEMO_PASSWORD = "comunidad-demo-2026"  # noqa: S105 - documented demo credential
DEMO_DOMAIN = "demo.comunidad-osc.mx"
STAFF_EMAIL = f"personal@{DEMO_DOMAIN}"
CITIZEN_EMAIL = f"ciudadana@{DEMO_DOMAIN}"

DEMO_ACCOUNTS = [
    (f"admin@{DEMO_DOMAIN}", "Lucía Hernández Ortega", "admin", "15106"),
    (STAFF_EMAIL, "Jorge Martínez Salgado", "staff", "15106"),
    (CITIZEN_EMAIL, "María Guadalupe Reyes Cruz", "citizen", "15058"),
]


def seed() -> list[User]:
    """Create the demo accounts that are missing; existing ones are left as they are."""
    users = []
    for email, name, role, municipality in DEMO_ACCOUNTS:
        user = find_by_email(email)
        if user is None:
            user = User(email=email, name=name, role=role, municipality_code=municipality,
                        email_confirmed_at=utcnow(), locale="es_MX")
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
        users.append(user)
    db.session.flush()
    return users


def demo_account(email: str) -> User:
    """One of ``DEMO_ACCOUNTS``, created (with the others) when missing."""
    user = find_by_email(email)
    if user is None:
        seed()
        user = find_by_email(email)
    return user


def password_hash() -> str:
    """The hash of ``DEMO_PASSWORD``, for the hundreds of demo people made at once: hashing
    is slow on purpose, and they all share the documented password anyway."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(DEMO_PASSWORD, method=method)
