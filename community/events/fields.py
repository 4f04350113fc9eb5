"""The closed vocabularies of events, with the labels people read."""

from flask_babel import lazy_gettext as _l

KINDS = {
    "taller": _l("Taller"),
    "curso": _l("Curso"),
    "seminario": _l("Seminario"),
    "conferencia": _l("Conferencia"),
    "encuentro": _l("Encuentro"),
    "coloquio": _l("Coloquio"),
    "foro": _l("Foro"),
    "congreso": _l("Congreso"),
}

MODALITIES = {
    "presencial": _l("Presencial"),
    "en_linea": _l("En línea"),
    "hibrida": _l("Híbrida"),
}

AUDIENCES = {
    "everyone": _l("Abierto a todo el público"),
    "members": _l("Solo integrantes de OSC"),
}

STATUSES = {
    "draft": _l("Borrador"),
    "published": _l("Publicado"),
    "cancelled": _l("Cancelado"),
    "concluded": _l("Concluido"),
}

REGISTRATION_STATUSES = {
    "confirmed": _l("Lugar confirmado"),
    "waitlisted": _l("En lista de espera"),
    "cancelled": _l("Cancelado"),
}

# The training lines of the Dirección General de Participación Social.
TOPICS = {
    "procuracion-fondos": _l("Procuración de fondos"),
    "marketing-social": _l("Marketing social"),
    "fiscal": _l("Obligaciones fiscales"),
    "marco-logico": _l("Marco lógico"),
    "gobernanza": _l("Gobernanza y gobierno corporativo"),
    "visibilidad": _l("Visibilidad y comunicación"),
    "constitucion": _l("Constitución legal de una OSC"),
    "transparencia": _l("Transparencia y rendición de cuentas"),
    "voluntariado": _l("Voluntariado"),
    "proyectos": _l("Diseño de proyectos sociales"),
    "redes": _l("Trabajo en red"),
    "derechos-humanos": _l("Derechos humanos"),
}

# Modalities that need a place, and those that need a link.
IN_PERSON = {"presencial", "hibrida"}
ONLINE = {"en_linea", "hibrida"}

# Calendar pages depend on the clock too (an event becomes past with no write): anonymous
# copies of them live at most this many seconds.
CLOCK_PAGES_MAX_AGE = 300
