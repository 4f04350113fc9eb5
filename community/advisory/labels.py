"""Advisory's stored codes and what they mean to a person.

The services check codes against these dictionaries and every page, mail and form shows the
names from here, so each topic, state or outcome is spelled once. Names are lazy
translations: they render in the reader's language when turned into text. Dictionaries keep
the order the forms offer.
"""

from flask_babel import lazy_gettext as _l

#: What the request is about.
TOPICS = {
    "constituir": _l("Constituir una OSC"),
    "cluni": _l("CLUNI"),
    "donataria": _l("Donataria autorizada"),
    "registro_estatal": _l("Registro Social Estatal"),
    "fortalecimiento": _l("Fortalecimiento institucional"),
    "fiscal": _l("Fiscal y contable"),
    "procuracion": _l("Procuración de fondos"),
    "otro": _l("Otro"),
}

#: Who asks.
REQUESTER_KINDS = {
    "grupo": _l("Un grupo que quiere constituir una OSC"),
    "osc": _l("Una OSC existente"),
}

#: Where the advice happens (the request's preference, and each session's reality).
MODALITIES = {
    "municipio": _l("En mi municipio"),
    "en_linea": _l("En línea"),
    "oficina": _l("En la oficina en Toluca"),
}

#: How the person prefers to be contacted.
CONTACT_PREFERENCES = {
    "correo": _l("Correo electrónico"),
    "telefono": _l("Teléfono"),
    "whatsapp": _l("WhatsApp"),
}

#: The states of a request, in the order of the diagram.
STATES = {
    "por_confirmar": _l("Por confirmar"),
    "recibida": _l("Recibida"),
    "asignada": _l("Asignada"),
    "en_atencion": _l("En atención"),
    "en_espera": _l("En espera del solicitante"),
    "concluida": _l("Concluida"),
    "cancelada": _l("Cancelada"),
}

#: What the advice achieved.
OUTCOMES = {
    "osc_constituida": _l("OSC constituida"),
    "cluni_obtenida": _l("CLUNI obtenida"),
    "donataria_autorizada": _l("Donataria autorizada"),
    "registro_estatal": _l("Registro estatal obtenido"),
    "orientacion": _l("Orientación brindada"),
}

#: The lines of a request's timeline.
ACTIVITY_KINDS = {
    "created": _l("Solicitud creada"),
    "confirmed": _l("Correo confirmado"),
    "state": _l("Cambio de estado"),
    "assigned": _l("Asignación"),
    "message": _l("Mensaje"),
    "note": _l("Nota interna"),
    "session": _l("Sesión de asesoría"),
    "outcome": _l("Resultado"),
    "linked": _l("OSC vinculada"),
}


def label(mapping: dict, code: str | None) -> str:
    """The name of ``code`` in ``mapping``; the code itself when the list does not know it."""
    return str(mapping.get(code or "", code or ""))


def choices(mapping: dict) -> list[tuple[str, str]]:
    """(code, name) pairs for a form's choices, in the list's order."""
    return [(code, str(name)) for code, name in mapping.items()]


def topic_label(code: str | None) -> str:
    return label(TOPICS, code)


def state_label(code: str | None) -> str:
    return label(STATES, code)


def outcome_label(code: str | None) -> str:
    return label(OUTCOMES, code)


def modality_label(code: str | None) -> str:
    return label(MODALITIES, code)
