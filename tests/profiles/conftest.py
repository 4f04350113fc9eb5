"""Factories for organizations, built through the real services."""

import pytest

from community.profiles import services


@pytest.fixture
def staff(make_user):
    return make_user(role="staff", email="personal@edomex.mx", name="Personal DGPS")


@pytest.fixture
def make_org(db, make_user, staff):
    """An OSC registered by its own admin, then validated/rejected/deactivated by staff."""
    counter = {"n": 0}

    def factory(name=None, status="validated", admin=None, municipality="15106",
                activities=("IX",), **fields):
        counter["n"] += 1
        admin = admin or make_user(name=f"Admin {counter['n']}")
        raw = {"name": name or f"Organización de Prueba {counter['n']}",
               "municipality_code": municipality, "activities": list(activities), **fields}
        org = services.register(admin, raw)
        db.session.flush()
        if status == "validated":
            services.validate(staff, org)
        elif status == "rejected":
            services.reject(staff, org, "Faltan datos del acta.")
        elif status == "inactive":
            services.validate(staff, org)
            services.deactivate(staff, org, "Dejó de operar.")
        db.session.commit()
        org.admin = admin
        return org

    return factory
