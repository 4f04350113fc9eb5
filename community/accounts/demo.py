"""Demo accounts, one per role; the README lists them."""

from community.accounts.models import User
from community.accounts.services import find_by_email
from community.core.timeutil import utcnow
from community.extensions import db

DEMO_PASSWORD = "comunidad-demo-2026"  # noqa: S105 - documented demo credential

DEMO_ACCOUNTS = [
    ("admin@demo.comunidad-osc.mx", "Lucía Hernández Ortega", "admin", "15106"),
    ("personal@demo.comunidad-osc.mx", "Jorge Martínez Salgado", "staff", "15106"),
    ("ciudadana@demo.comunidad-osc.mx", "María Guadalupe Reyes Cruz", "citizen", "15058"),
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
