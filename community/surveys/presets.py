"""The two ready templates: satisfaction with an event, and with an advisory.

``services.create_from_preset`` builds a draft from one of them through the same builder
operations staff use, so a preset is just a survey staff may then edit. The questions follow
what the program reports: overall satisfaction, usefulness, the person who gave the workshop
or the advice, logistics or attention, the recommendation (NPS) and what to improve.
A question's ``key`` lets a later one show only after a given answer (``condition``).
"""

from flask_babel import lazy_gettext as _l

EVENT_PRESET = {
    "title": _l("Satisfacción con el evento"),
    "intro": _l(
        "Gracias por asistir. Tu opinión nos ayuda a mejorar los talleres, cursos y "
        "encuentros para las organizaciones de la sociedad civil. Responder toma unos tres "
        "minutos."),
    "audience": "event",
    "sections": [
        {"title": _l("El evento en general"),
         "questions": [
             {"kind": "likert_satisfaction", "required": True,
              "text": _l("En general, ¿qué tan satisfecho o satisfecha quedaste con el evento?")},
             {"kind": "likert_agreement", "required": True,
              "text": _l("Los contenidos me serán útiles en el trabajo de mi organización.")},
             {"kind": "likert_agreement", "required": True,
              "text": _l("El evento cumplió con lo que se anunció en la invitación.")},
         ]},
        {"title": _l("Quien impartió el evento"),
         "questions": [
             {"kind": "likert_agreement", "required": True,
              "text": _l("La persona que impartió el evento dominaba el tema.")},
             {"kind": "likert_agreement", "required": True,
              "text": _l("Explicó con claridad y resolvió las dudas del grupo.")},
         ]},
        {"title": _l("Organización y logística"),
         "questions": [
             {"kind": "rating", "required": True,
              "text": _l("¿Cómo calificas la organización del evento (registro, horarios, "
                         "sede o plataforma)?")},
             {"kind": "single", "required": True,
              "text": _l("La duración del evento fue…"),
              "options": [_l("Demasiado corta"), _l("Adecuada"), _l("Demasiado larga")]},
             {"kind": "single", "required": False, "key": "heard",
              "text": _l("¿Cómo te enteraste del evento?"), "allow_other": True,
              "options": [_l("Correo de la Dirección"), _l("Esta plataforma"),
                          _l("Redes sociales"), _l("Otra organización")]},
         ]},
        {"title": _l("Tu recomendación"),
         "questions": [
             {"kind": "nps", "required": True,
              "text": _l("Del 0 al 10, ¿qué tan probable es que recomiendes este tipo de "
                         "eventos a otra organización?")},
             {"kind": "multiple", "required": False,
              "text": _l("¿Sobre qué temas te gustaría otro taller?"), "allow_other": True,
              "options": [_l("Procuración de fondos"), _l("Obligaciones fiscales"),
                          _l("CLUNI y Registro Social Estatal"),
                          _l("Comunicación y redes sociales"),
                          _l("Proyectos y rendición de cuentas")]},
             {"kind": "long_text", "required": False,
              "text": _l("¿Qué podríamos mejorar?"),
              "help": _l("No escribas datos personales: la encuesta es anónima.")},
         ]},
    ],
}

ADVISORY_PRESET = {
    "title": _l("Satisfacción con la asesoría"),
    "intro": _l(
        "Concluimos la asesoría que solicitaste. Cuéntanos cómo te fue: tus respuestas nos "
        "ayudan a atender mejor a los grupos y organizaciones. Responder toma unos tres "
        "minutos."),
    "audience": "advisory",
    "sections": [
        {"title": _l("La asesoría en general"),
         "questions": [
             {"kind": "likert_satisfaction", "required": True,
              "text": _l("En general, ¿qué tan satisfecho o satisfecha quedaste con la "
                         "asesoría?")},
             {"kind": "single", "required": True, "key": "solved",
              "text": _l("¿La asesoría resolvió lo que necesitabas?"),
              "options": [_l("Sí, por completo"), _l("En parte"), _l("No")]},
             {"kind": "long_text", "required": False, "condition": ("solved", "o3"),
              "text": _l("¿Qué te faltó resolver?")},
         ]},
        {"title": _l("La persona que te asesoró"),
         "questions": [
             {"kind": "likert_agreement", "required": True,
              "text": _l("La persona que me asesoró conocía bien el tema.")},
             {"kind": "likert_agreement", "required": True,
              "text": _l("Me explicó los pasos con palabras claras.")},
             {"kind": "likert_agreement", "required": True,
              "text": _l("Me trató con amabilidad y respeto.")},
         ]},
        {"title": _l("La atención"),
         "questions": [
             {"kind": "likert_agreement", "required": True,
              "text": _l("Me respondieron en un tiempo razonable desde que hice la "
                         "solicitud.")},
             {"kind": "rating", "required": True,
              "text": _l("¿Cómo calificas la facilidad para pedir la asesoría en la "
                         "plataforma?")},
         ]},
        {"title": _l("Tu recomendación"),
         "questions": [
             {"kind": "nps", "required": True,
              "text": _l("Del 0 al 10, ¿qué tan probable es que recomiendes las asesorías a "
                         "otro grupo u organización?")},
             {"kind": "long_text", "required": False,
              "text": _l("¿Qué podríamos mejorar?"),
              "help": _l("No escribas datos personales: la encuesta es anónima.")},
         ]},
    ],
}

#: Code -> template; the builder offers them in this order.
PRESETS = {
    "event": EVENT_PRESET,
    "advisory": ADVISORY_PRESET,
}


def preset_choices() -> list[tuple[str, str]]:
    """(code, title) of each ready template, for the builder's menu."""
    return [(code, str(preset["title"])) for code, preset in PRESETS.items()]
