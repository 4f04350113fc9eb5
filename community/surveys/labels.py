"""Surveys' stored codes and what they mean to a person.

The services check codes against these dictionaries (and ``models``' tuples) and every page,
chart, export and form shows the names from here, so each kind, audience and scale point is
spelled once. Names are lazy translations; dictionaries keep the order forms offer.
"""

from flask_babel import lazy_gettext as _l

#: The kinds of question, in the order the builder offers them.
QUESTION_KINDS = {
    "likert_agreement": _l("Escala de acuerdo (5 puntos)"),
    "likert_satisfaction": _l("Escala de satisfacción (5 puntos)"),
    "nps": _l("Recomendación (0 a 10)"),
    "rating": _l("Calificación (1 a 5 estrellas)"),
    "single": _l("Opción única"),
    "multiple": _l("Opción múltiple"),
    "number": _l("Número"),
    "short_text": _l("Texto corto"),
    "long_text": _l("Texto largo"),
}

#: Who answers a survey.
AUDIENCES = {
    "event": _l("Personas que asistieron a un evento"),
    "advisory": _l("Personas que recibieron una asesoría"),
    "members": _l("Integrantes de OSC validadas"),
    "public": _l("Público (con un enlace)"),
}

STATUSES = {
    "draft": _l("Borrador"),
    "open": _l("Abierta"),
    "closed": _l("Cerrada"),
}

#: The five points of each Likert scale, stored as 1..5.
LIKERT_AGREEMENT = {
    1: _l("Totalmente en desacuerdo"),
    2: _l("En desacuerdo"),
    3: _l("Ni de acuerdo ni en desacuerdo"),
    4: _l("De acuerdo"),
    5: _l("Totalmente de acuerdo"),
}
LIKERT_SATISFACTION = {
    1: _l("Muy insatisfecho"),
    2: _l("Insatisfecho"),
    3: _l("Ni satisfecho ni insatisfecho"),
    4: _l("Satisfecho"),
    5: _l("Muy satisfecho"),
}
RATING = {
    1: _l("1 de 5"),
    2: _l("2 de 5"),
    3: _l("3 de 5"),
    4: _l("4 de 5"),
    5: _l("5 de 5"),
}
NPS_ENDS = (_l("Nada probable"), _l("Muy probable"))
#: NPS groups (0-6 detractors, 7-8 passives, 9-10 promoters).
NPS_GROUPS = {
    "detractors": _l("Detractores (0 a 6)"),
    "passives": _l("Pasivos (7 y 8)"),
    "promoters": _l("Promotores (9 y 10)"),
}

OTHER_LABEL = _l("Otro")

#: What the person is told before answering (the promise the schema keeps).
ANONYMOUS_NOTICE = _l(
    "Esta encuesta es anónima. Guardamos por separado que respondiste (para no pedírtelo "
    "otra vez y no mandarte recordatorios) y tus respuestas, sin ningún dato, orden ni hora "
    "que las una: solo el día. Ni quien lea la base de datos puede saber qué respondiste. "
    "Los resultados de grupos de menos de 5 respuestas no se muestran.")
IDENTIFIED_NOTICE = _l(
    "Esta encuesta no es anónima: tus respuestas se guardan con tu nombre, y el personal de "
    "la Dirección puede verlas.")
PUBLIC_VISITOR_NOTICE = _l(
    "Sin cuenta puedes responder una vez desde este navegador: lo recordamos con una cookie. "
    "Con tu cuenta, una vez por persona.")


def label(mapping: dict, code) -> str:
    """The name of ``code`` in ``mapping``; an unknown code is shown as itself."""
    if code is None or code == "":
        return ""
    name = mapping.get(code)
    return str(name) if name is not None else str(code)


def choices(mapping: dict) -> list[tuple[str, str]]:
    """(code, name) pairs for a form's choices, in the list's order."""
    return [(code, str(name)) for code, name in mapping.items()]


def kind_label(code: str | None) -> str:
    return label(QUESTION_KINDS, code)


def audience_label(code: str | None) -> str:
    return label(AUDIENCES, code)


def status_label(code: str | None) -> str:
    return label(STATUSES, code)


def scale_points(kind: str) -> list[tuple[int, str]]:
    """(stored number, name) of each point a scale question offers, lowest first."""
    if kind == "likert_agreement":
        return [(n, str(name)) for n, name in LIKERT_AGREEMENT.items()]
    if kind == "likert_satisfaction":
        return [(n, str(name)) for n, name in LIKERT_SATISFACTION.items()]
    if kind == "rating":
        return [(n, str(name)) for n, name in RATING.items()]
    if kind == "nps":
        return [(n, str(n)) for n in range(11)]
    return []


def value_label(question, value) -> str:
    """What a stored tally value (option code or number as text) reads as for ``question``."""
    if question.kind in ("single", "multiple"):
        if value == "__other":
            return str(OTHER_LABEL)
        for option in question.options:
            if option.code == value:
                return option.label
        return str(value)
    points = dict(scale_points(question.kind))
    try:
        return points.get(int(value), str(value))
    except (TypeError, ValueError):
        return str(value)
