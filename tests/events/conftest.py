"""Events built through the real services."""

from datetime import timedelta

import pytest

from community.core.timeutil import LOCAL_TZ, to_local, utcnow
from community.events import services


def local_text(value) -> str:
    """A naive UTC time as the datetime-local text a form would send."""
    return to_local(value).strftime("%Y-%m-%dT%H:%M")


def event_form(**overrides) -> dict:
    """A valid event form: an in-person workshop in Toluca a week from now."""
    starts = (utcnow() + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    form = {
        "title": "Taller de procuración de fondos",
        "kind": "taller",
        "summary": "Cómo diversificar las fuentes de financiamiento de tu OSC.",
        "description": "Trae tu **plan anual**.",
        "starts_at": local_text(starts),
        "ends_at": local_text(starts + timedelta(hours=3)),
        "modality": "presencial",
        "municipality_code": "15106",
        "venue": "Centro de Servicios Administrativos",
        "address": "Av. Lerdo 300, Toluca",
        "online_url": "",
        "capacity": "30",
        "registration_opens_at": "",
        "registration_closes_at": "",
        "audience": "everyone",
        "speakers": "Mtra. Laura Gómez",
        "hours": "",
        "topics": ["procuracion-fondos"],
    }
    form.update(overrides)
    return form


@pytest.fixture
def make_event(db, staff):
    """A published staff event (or a draft, or one organized by ``organization``)."""

    def factory(actor=None, organization=None, publish=True, **overrides):
        event = services.create_event(actor or staff, event_form(**overrides), organization)
        if publish:
            services.publish(actor or staff, event)
        db.session.commit()
        return event

    return factory


__all__ = ["LOCAL_TZ", "event_form", "local_text"]
