"""Advisory requests built through the real services, for every advisory test file.

- ``request_data(**overrides)``: a valid request form (a group in Toluca that wants to
  constitute an OSC), as ``services.create_request`` takes it.
- ``citizen``, ``other_citizen``, ``advisor`` (a second staff person besides ``staff``),
  ``osc`` (a validated OSC; ``osc.admin`` is its admin member), ``other_osc``.
- ``make_request(actor=None, state="recibida", **overrides)``: a committed request in any
  state, moved there along the diagram by ``staff``; ``actor=None`` makes an anonymous one
  (confirmed by its link unless ``state="por_confirmar"``).
- ``clock``: freezes ``services.now`` (``clock.set_local(2026, 9, 14, 10)`` in Mexico City,
  ``clock.advance(days=1)``), so due dates are tested on known days.
"""

from datetime import UTC, datetime, timedelta

import pytest

from community.advisory import services
from community.core.timeutil import LOCAL_TZ


def request_data(**overrides) -> dict:
    data = {
        "topic": "constituir",
        "requester_kind": "grupo",
        "proposed_name": "Mujeres que Reverdecen",
        "founders_count": "7",
        "organization_id": "",
        "municipality_code": "15106",
        "modality": "municipio",
        "description": "Somos un grupo de vecinas y queremos **constituir** una asociación.",
        "contact_preference": "correo",
        "contact_name": "Rosa Martínez",
        "contact_email": "rosa@ejemplo.mx",
        "contact_phone": "",
        "locale": "es_MX",
    }
    data.update(overrides)
    return data


class Clock:
    """The time ``services.now`` answers, as naive UTC like every stored time."""

    def __init__(self, monkeypatch) -> None:
        self.current: datetime | None = None
        monkeypatch.setattr(services, "now", self.now)

    def now(self) -> datetime:
        assert self.current is not None, "clock.set_local(...) first"
        return self.current

    def set_local(self, year, month, day, hour=10, minute=0) -> datetime:
        local = datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)
        self.current = local.astimezone(UTC).replace(tzinfo=None)
        return self.current

    def advance(self, **delta) -> datetime:
        self.current = self.now() + timedelta(**delta)
        return self.current


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def citizen(make_user):
    return make_user(name="Rosa Martínez", email="rosa@ejemplo.mx")


@pytest.fixture
def other_citizen(make_user):
    return make_user(name="Otra Persona", email="otra@ejemplo.mx")


@pytest.fixture
def advisor(make_user):
    return make_user(role="staff", name="Asesora Dos", email="asesora2@edomex.mx")


@pytest.fixture
def osc(make_org):
    return make_org(name="Red de Apoyo Comunitario")


@pytest.fixture
def other_osc(make_org):
    return make_org(name="Otra Organización Civil")


_PATHS = {
    "por_confirmar": (),
    "recibida": (),
    "asignada": ("assign",),
    "en_atencion": ("assign", "en_atencion"),
    "en_espera": ("assign", "en_espera"),
    "concluida": ("assign", "en_atencion", "outcome", "conclude"),
    "cancelada": ("cancel",),
}


@pytest.fixture
def make_request(db, staff):
    """A committed request in ``state``, moved there by ``staff``."""

    def factory(actor=None, state="recibida", **overrides):
        req = services.create_request(actor, request_data(**overrides))
        if actor is None and state != "por_confirmar":
            services.confirm_request(services.confirmation_token(req))
        for step in _PATHS[state]:
            _step(step, req, staff)
        db.session.commit()
        return req

    return factory


def _step(step: str, req, staff) -> None:
    if step == "assign":
        services.assign(staff, req, staff.id)
    elif step == "outcome":
        services.record_outcome(staff, req, {"kind": "orientacion", "note": ""})
    elif step == "conclude":
        services.conclude(staff, req)
    elif step == "cancel":
        services.change_state(staff, req, "cancelada", "Duplicada.")
    else:
        services.change_state(staff, req, step)




__all__ = ["Clock", "request_data"]
