"""The survey builder's forms (staff): a survey's settings, a section, a question, and the
small POST forms (open, close, duplicate, move, delete) that carry only the CSRF token.

Forms check only the shape of what arrives (the longest text, that a number is a number);
every rule — who may build, what a frozen survey still accepts, that a condition points to an
earlier choice question, that the closing date follows the opening one — lives in
``services``, whose Spanish messages land next to these fields: the field names are the
services' data keys, so ``core.forms.attach_errors`` finds them. Times are typed in Mexico
City time (``datetime-local``) and handed to the service as UTC.
"""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField

from community.core.inputs import MaxLength, as_id
from community.core.timeutil import LOCAL_TZ, to_local

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

#: Codes of the ready-made templates offered by "Nueva encuesta" ("" = blank).
BLANK = ""


def _local_text(value: datetime | None) -> str:
    return to_local(value).strftime(LOCAL_INPUT) if value else ""


def local_to_utc(raw: str | None) -> datetime | None | str:
    """A ``datetime-local`` value in Mexico City as naive UTC; ``None`` for an empty field;
    the text itself when it is not a date, so the caller can report it."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        local = datetime.strptime(text, LOCAL_INPUT)
    except ValueError:
        try:
            local = datetime.fromisoformat(text)
        except ValueError:
            return text
        if local.tzinfo is not None:
            return local.astimezone(UTC).replace(tzinfo=None)
    return local.replace(tzinfo=LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)


class ChoiceField(SelectField):
    def pre_validate(self, form):
        """Unknown choices are reported by the service, next to the field, in Spanish."""


class ChoiceRadio(RadioField):
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
        """What was posted, keyed as ``services.create_survey``/``update_survey`` take it:
        times in UTC (or the typed text when it is not a date, for the service to report),
        ids as ints (or the typed text), booleans as booleans."""
        event_raw = (self.event_id.data or "").strip()
        days_raw = (self.reminder_days.data or "").strip()
        return {
            "title": (self.title.data or "").strip(),
            "intro": self.intro.data or "",
            "anonymous": self.anonymous.data != IDENTIFIED,
            "audience": self.audience.data or "",
            "event_id": None if not event_raw else (as_id(event_raw) or event_raw),
            "event_kind": (self.event_kind.data or "").strip() or None,
            "opens_at": local_to_utc(self.opens_at.data),
            "closes_at": local_to_utc(self.closes_at.data),
            "reminder_days": (int(days_raw) if days_raw.isascii() and days_raw.isdigit()
                              else (days_raw or 0)),
            "results_public": bool(self.results_public.data),
        }

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
                               description=_l("Solo para opción múltiple."))
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
            "section_id": as_id(section_raw) if section_raw else None,
            "kind": self.kind.data or "",
            "text": (self.text.data or "").strip(),
            "help": (self.help.data or "").strip(),
            "required": bool(self.required.data),
            "allow_other": bool(self.allow_other.data),
            "number_min": _number(self.number_min.data),
            "number_max": _number(self.number_max.data),
            "condition_question_id": as_id(question_raw) if question_raw else None,
            "condition_option": option or None,
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


def _number(raw) -> int | str | None:
    """An integer bound, ``None`` when empty, or the typed text for the service to report."""
    text = (raw or "").strip()
    if not text:
        return None
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("-")
    if digits.isascii() and digits.isdigit() and len(digits) <= 9:
        return sign * int(digits)
    return text


class ActionForm(FlaskForm):
    """A button that changes something (open, close, duplicate, delete, move): only the
    CSRF token."""
