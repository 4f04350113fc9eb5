"""The survey builder's forms (staff): a survey's settings, a section, a question, and the
small POST forms (open, close, duplicate, move, delete) that carry only the CSRF token.

Forms check only the shape of what arrives (the longest text, that a number is a number);
every rule — who may build, what a frozen survey still accepts, that a condition points to an
earlier choice question, that the closing date follows the opening one — lives in
``services``, whose Spanish messages land next to these fields: the field names are the
services' data keys, so ``core.forms.attach_errors`` finds them. Times are typed in Mexico
City time (``datetime-local``); the service reads them and stores UTC.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField

from community.core.inputs import MaxLength
from community.core.timeutil import to_local

LOCAL_INPUT = "%Y-%m-%dT%H:%M"
TITLE_MAX = 200
INTRO_MAX = 5_000
QUESTION_TEXT_MAX = 500
HELP_MAX = 500
SECTION_TITLE_MAX = 200
SECTION_DESCRIPTION_MAX = 2_000
OPTION_MAX = 200
#: Enough lines for any real list of options (municipalities are picked elsewhere).
OPTIONS_TEXT_MAX = 60 * (OPTION_MAX + 2)

#: The two answers of "¿anónima o identificada?" as the form posts them.
ANONYMOUS = "anonima"
IDENTIFIED = "identificada"

#: The promise each kind of survey makes to the people who answer it (shown to staff while
#: they choose, so that they know what they are promising).
ANONYMOUS_PROMISE = _l(
    "Anónima: guardamos quién respondió (para pedir una sola respuesta y enviar "
    "recordatorios) separado de las respuestas, sin ningún dato, orden ni hora más precisa "
    "que el día que permita unirlos; ni quien lea la base de datos puede saber qué "
    "respondió cada persona. Los resultados de grupos con menos de 5 respuestas no se "
    "muestran. Una vez que llega la primera respuesta ya no puede volverse identificada.")
IDENTIFIED_PROMISE = _l(
    "Identificada: cada respuesta queda guardada con el nombre de quien respondió y la hora "
    "exacta, y así se le dice antes de responder.")

#: What the person answering sees for each kind of question (the question page's guide).
KIND_HELP = {
    "likert_agreement": _l("Cinco opciones, de «Totalmente en desacuerdo» a «Totalmente de "
                           "acuerdo»."),
    "likert_satisfaction": _l("Cinco opciones, de «Muy insatisfecho» a «Muy satisfecho»."),
    "nps": _l("Del 0 («Nada probable») al 10 («Muy probable»): ¿qué tan probable es que lo "
              "recomiende? Da el índice de recomendación (NPS)."),
    "rating": _l("Una calificación del 1 al 5."),
    "single": _l("Las opciones que escribas; se elige solo una."),
    "multiple": _l("Las opciones que escribas; se pueden elegir varias, y si quieres, "
                   "«Otro» con espacio para escribir."),
    "number": _l("Un número entero, con mínimo y máximo si los indicas."),
    "short_text": _l("Una línea de texto (hasta 300 caracteres)."),
    "long_text": _l("Un párrafo (hasta 5000 caracteres)."),
}

#: Codes of the ready-made templates offered by "Nueva encuesta" ("" = blank).
BLANK = ""


def _local_text(value: datetime | None) -> str:
    return to_local(value).strftime(LOCAL_INPUT) if value else ""


class ChoiceField(SelectField):
    def pre_validate(self, form):
        """Unknown choices are reported by the service, next to the field, in Spanish."""


class ChoiceRadio(RadioField):
    """Radio buttons rendered by ``templates/_forms.html`` as a ``<fieldset>`` with a
    ``<legend>`` (the macro knows the field by its type name, "RadioField")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type = "RadioField"

    def pre_validate(self, form):
        """Unknown choices are reported by the service, next to the field, in Spanish."""


def _when(label, description=None):
    """A local date and time: the browser's picker, plain text where there is none."""
    return StringField(label, description=description,
                       render_kw={"type": "datetime-local", "step": "60"})


def _whole_number(label, description=None, minimum=None):
    attrs = {"type": "number", "inputmode": "numeric", "step": "1"}
    if minimum is not None:
        attrs["min"] = str(minimum)
    return StringField(label, description=description, render_kw=attrs)


# --- the survey --------------------------------------------------------------------------


class SurveyForm(FlaskForm):
    """A survey's settings (title, introduction, anonymity, audience, dates, results)."""

    preset = ChoiceField(_l("Empezar con"), description=_l(
        "Una plantilla trae preguntas ya escritas que puedes cambiar antes de abrir la "
        "encuesta."))
    title = StringField(_l("Título"), validators=[MaxLength(TITLE_MAX)])
    intro = TextAreaField(_l("Introducción"), description=_l(
        "Lo primero que lee quien responde: para qué es la encuesta y cuánto tarda. Puedes "
        "usar Markdown: **negritas**, listas y enlaces."),
        validators=[MaxLength(INTRO_MAX)], render_kw={"rows": 5})
    anonymous = ChoiceRadio(_l("¿Anónima o identificada?"),
                            choices=[(ANONYMOUS, _l("Anónima")),
                                     (IDENTIFIED, _l("Identificada"))])
    audience = ChoiceRadio(_l("¿Quién la responde?"))
    event_id = ChoiceField(_l("Evento"), description=_l(
        "Solo para encuestas de eventos. Elige un evento o déjalo en «Todos los eventos "
        "concluidos»: se enviará a quienes registraron asistencia al concluir cada uno."))
    event_kind = ChoiceField(_l("Tipo de evento"), description=_l(
        "Con «Todos los eventos concluidos», puedes limitarla a un tipo."))
    opens_at = _when(_l("Se puede responder desde"), _l(
        "Hora del centro de México. Déjalo vacío para abrirla al pulsar «Abrir»."))
    closes_at = _when(_l("Se puede responder hasta"), _l(
        "Hora del centro de México. Déjalo vacío si no tiene fecha de cierre."))
    reminder_days = _whole_number(_l("Recordatorio a los días"), _l(
        "Un solo recordatorio a quien no ha respondido, tantos días después de la "
        "invitación. 0 = sin recordatorio."), minimum=0)
    results_public = BooleanField(_l("Publicar los resultados agregados"), description=_l(
        "Cualquier persona podrá ver las gráficas en una página pública; nunca las "
        "respuestas de una persona ni los grupos con menos de 5 respuestas."))

    def __init__(self, *args, audiences=(), events=(), kinds=(), presets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.audience.choices = list(audiences)
        self.event_id.choices = [("", _l("Todos los eventos concluidos"))] + [
            (str(value), label) for value, label in events]
        self.event_kind.choices = [("", _l("Cualquier tipo"))] + list(kinds)
        self.preset.choices = [(BLANK, _l("Una encuesta en blanco"))] + list(presets)

    def survey_data(self) -> dict:
        """What was posted, keyed as ``services.create_survey``/``update_survey`` take it.
        Times stay as typed (Mexico City wall time: the service stores them in UTC and
        reports a date it cannot read), like the numbers and the event's id."""
        data = {
            "title": (self.title.data or "").strip(),
            "intro": self.intro.data or "",
            "audience": self.audience.data or "",
            "event_id": (self.event_id.data or "").strip(),
            "event_kind": (self.event_kind.data or "").strip(),
            "opens_at": (self.opens_at.data or "").strip(),
            "closes_at": (self.closes_at.data or "").strip(),
            "reminder_days": (self.reminder_days.data or "").strip(),
            "results_public": bool(self.results_public.data),
        }
        # A frozen survey's page shows its anonymity as text, not as a choice: nothing
        # posted means "unchanged" (the service keeps it; a new survey is anonymous).
        if self.anonymous.raw_data:
            data["anonymous"] = self.anonymous.data != IDENTIFIED
        return data

    @staticmethod
    def initial(survey) -> dict:
        """The form's values for a saved survey, times in Mexico City."""
        return {
            "title": survey.title, "intro": survey.intro or "",
            "anonymous": ANONYMOUS if survey.anonymous else IDENTIFIED,
            "audience": survey.audience,
            "event_id": str(survey.event_id or ""), "event_kind": survey.event_kind or "",
            "opens_at": _local_text(survey.opens_at),
            "closes_at": _local_text(survey.closes_at),
            "reminder_days": str(survey.reminder_days if survey.reminder_days is not None
                                 else ""),
            "results_public": bool(survey.results_public),
        }


# --- sections and questions ---------------------------------------------------------------


class SectionForm(FlaskForm):
    title = StringField(_l("Título de la sección"), validators=[MaxLength(SECTION_TITLE_MAX)])
    description = TextAreaField(_l("Descripción de la sección"), description=_l(
        "Opcional: una línea que explique qué se pregunta aquí."),
        validators=[MaxLength(SECTION_DESCRIPTION_MAX)], render_kw={"rows": 2})

    def section_data(self) -> dict:
        return {"title": (self.title.data or "").strip(),
                "description": (self.description.data or "").strip()}


#: How a display condition travels in one select: "<question id>:<option code>".
CONDITION_SEPARATOR = ":"


class QuestionForm(FlaskForm):
    """One question. The display condition is one select of every option of the earlier
    choice questions ("Pregunta 2 = Sí"), split into the two service keys on the way in."""

    section_id = ChoiceField(_l("Sección"))
    kind = ChoiceField(_l("Tipo de pregunta"))
    text = StringField(_l("Pregunta"), validators=[MaxLength(QUESTION_TEXT_MAX)])
    help = StringField(_l("Texto de ayuda"), description=_l(
        "Opcional: una aclaración que aparece bajo la pregunta."),
        validators=[MaxLength(HELP_MAX)])
    required = BooleanField(_l("Respuesta obligatoria"))
    options = TextAreaField(_l("Opciones"), description=_l(
        "Solo para opción única u opción múltiple: una opción por línea, en el orden en que "
        "se mostrarán."), validators=[MaxLength(OPTIONS_TEXT_MAX)], render_kw={"rows": 5})
    allow_other = BooleanField(_l("Agregar la opción «Otro» con espacio para escribir"),
                               description=_l("Quien responde puede escribir su propia "
                                              "respuesta."))
    number_min = _whole_number(_l("Número mínimo"), _l("Solo para preguntas de número. "
                                                        "Opcional."))
    number_max = _whole_number(_l("Número máximo"), _l("Solo para preguntas de número. "
                                                        "Opcional."))
    condition = ChoiceField(_l("Mostrar esta pregunta solo si"), description=_l(
        "Opcional: la pregunta aparece solo cuando en una pregunta anterior de opción se "
        "eligió esa respuesta."))

    def __init__(self, *args, sections=(), kinds=(), conditions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.section_id.choices = [(str(value), label) for value, label in sections]
        self.kind.choices = [("", _l("Elige el tipo"))] + list(kinds)
        self.condition.choices = [("", _l("Mostrarla siempre"))] + list(conditions)

    def option_labels(self) -> list[str]:
        """The options typed one per line, without blank lines."""
        return [line.strip() for line in (self.options.data or "").splitlines()
                if line.strip()]

    def question_data(self) -> dict:
        """What was posted, keyed as ``services.add_question``/``update_question`` take it."""
        question_raw, _sep, option = (self.condition.data or "").partition(
            CONDITION_SEPARATOR)
        section_raw = (self.section_id.data or "").strip()
        return {
            "section_id": section_raw,
            "kind": self.kind.data or "",
            "text": (self.text.data or "").strip(),
            "help": (self.help.data or "").strip(),
            "required": bool(self.required.data),
            "allow_other": bool(self.allow_other.data),
            "number_min": (self.number_min.data or "").strip(),
            "number_max": (self.number_max.data or "").strip(),
            "condition_question_id": question_raw,
            "condition_option": option,
            "options": self.option_labels(),
        }

    @staticmethod
    def initial(question) -> dict:
        condition = ""
        if question.condition_question_id and question.condition_option:
            condition = (f"{question.condition_question_id}{CONDITION_SEPARATOR}"
                         f"{question.condition_option}")
        return {
            "section_id": str(question.section_id or ""), "kind": question.kind,
            "text": question.text, "help": question.help or "",
            "required": bool(question.required), "allow_other": bool(question.allow_other),
            "number_min": "" if question.number_min is None else str(question.number_min),
            "number_max": "" if question.number_max is None else str(question.number_max),
            "condition": condition,
            "options": "\n".join(option.label for option in question.options),
        }


class ActionForm(FlaskForm):
    """A button that changes something (open, close, duplicate, delete, move): only the
    CSRF token."""
