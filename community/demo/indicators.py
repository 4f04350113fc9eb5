"""Demo goals and manual series of the results indicators.

The manual series are the program's own published totals (``shared/seed``, the DGPS's
description of its practice): cumulative figures "a la fecha" of the document, entered for
2016 with that caveat as their source, never mixed with computed figures. Entered through the
indicators' services as the demo staff account, so they are audited like a person's entry.
"""

from sqlalchemy import select

from community.accounts.models import User
from community.core.periods import local_today
from community.demo.accounts import STAFF_EMAIL
from community.extensions import db
from community.staff import indicator_services

SOURCE = ("Cifra acumulada del programa hasta 2016, del documento «Mejor práctica» de la "
          "Dirección General de Participación Social; no es una cifra de un solo año.")

HISTORY = {
    "asesorias-otorgadas": 5013,
    "osc-constituidas": 765,
    "eventos-impartidos": 124,
    "osc-participantes": 2803,
    "personas-capacitadas": 11715,
    "asistentes-congreso": 3234,
    "padron-validadas": 2008,
}

GOALS = {
    "asesorias-otorgadas": 400,
    "solicitudes-atendidas": 150,
    "primer-contacto-a-tiempo": 90,
    "osc-constituidas": 40,
    "eventos-impartidos": 30,
    "personas-capacitadas": 600,
    "padron-validadas": 300,
    "satisfaccion-media": 4.5,
}


def seed() -> None:
    staff = db.session.scalar(select(User).where(User.email == STAFF_EMAIL))
    for key, value in HISTORY.items():
        indicator_services.set_history(staff, key, 2016, value, SOURCE)
    year = local_today().year
    for key, value in GOALS.items():
        indicator_services.set_goal(staff, key, year, value)
