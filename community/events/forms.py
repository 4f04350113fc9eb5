"""Event forms: the shape of each field. Every rule (dates, capacity, place, window) lives in
``services.clean_event``, whose Spanish messages land next to these fields; WTForms checks
only the longest text of each field (the services' limits, ``core.inputs.MaxLength``)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField

from community.core.catalog import municipality_choices
from community.core.forms import MultiCheckboxField
from community.core.inputs import REASON_MAX, MaxLength
from community.core.timeutil import to_local
from community.events.fields import AUDIENCES, KINDS, MODALITIES, TOPICS
from community.events.services import LONG_TEXT_LIMITS, SESSION_TEXT_LIMITS, TEXT_LIMITS

LOCAL_INPUT = "%Y-%m-%dT%H:%M"
EVENT_FIELDS = ("title", "kind", "summary", "description", "starts_at", "ends_at", "modality",
                "municipality_code", "venue", "address", "online_url", "capacity",
                "registration_opens_at", "registration_closes_at", "audience", "speakers",
                "hours", "topics")
TIME_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")


class ChoiceField(SelectField):
    def pre_validate(self, form):
        """Unknown choices are reported by the service, next to the field, in Spanish."""


def _when(label, description=None):
    """A local date and time; the browser's datetime-local picker, plain text elsewhere.
    A StringField, so that the service (not WTForms, in English) judges what was typed."""
    return StringField(label, description=description,
                       render_kw={"type": "datetime-local", "step": "60"})


def _whole_number(label, description=None):
    return StringField(label, description=description,
                       render_kw={"type": "number", "inputmode": "numeric", "min": "1",
                                  "step": "1"})


class EventForm(FlaskForm):
    title = StringField(_l("Título"), validators=[MaxLength(TEXT_LIMITS["title"])])
    kind = ChoiceField(_l("Tipo de evento"))
    summary = StringField(_l("Resumen"), description=_l("Una frase que aparece en el "
                                                        "calendario."),
                          validators=[MaxLength(TEXT_LIMITS["summary"])])
    description = TextAreaField(_l("Descripción"), description=_l(
        "Puedes usar Markdown: **negritas**, listas y enlaces."),
        validators=[MaxLength(LONG_TEXT_LIMITS["description"])], render_kw={"rows": 8})
    starts_at = _when(_l("Empieza"), _l("Hora del centro de México."))
    ends_at = _when(_l("Termina"), _l("Hora del centro de México."))
    modality = ChoiceField(_l("Modalidad"))
    municipality_code = ChoiceField(_l("Municipio"), description=_l(
        "Obligatorio si es presencial o híbrido."))
    venue = StringField(_l("Lugar"), description=_l("Por ejemplo: Centro de Servicios "
                                                    "Administrativos, sala 2."),
                        validators=[MaxLength(TEXT_LIMITS["venue"])])
    address = StringField(_l("Dirección"), validators=[MaxLength(TEXT_LIMITS["address"])],
                          render_kw={"autocomplete": "address-line1"})
    online_url = StringField(_l("Enlace para conectarse"), description=_l(
        "Obligatorio si es en línea o híbrido. Solo lo ven las personas con lugar "
        "confirmado."), render_kw={"inputmode": "url", "spellcheck": "false"})
    capacity = _whole_number(_l("Cupo"), _l("Número de lugares; déjalo vacío si no hay "
                                            "límite. Al llenarse se abre una lista de "
                                            "espera."))
    registration_opens_at = _when(_l("El registro abre"), _l(
        "Déjalo vacío para abrirlo al publicar."))
    registration_closes_at = _when(_l("El registro cierra"), _l(
        "Déjalo vacío para cerrarlo cuando empiece el evento."))
    audience = ChoiceField(_l("Dirigido a"))
    speakers = TextAreaField(_l("Ponentes"), description=_l("Una persona por línea."),
                             validators=[MaxLength(LONG_TEXT_LIMITS["speakers"])],
                             render_kw={"rows": 3})
    hours = _whole_number(_l("Horas de la constancia"), _l(
        "Déjalo vacío para calcularlas por la duración."))
    topics = MultiCheckboxField(_l("Temas de capacitación"))
    cover = FileField(_l("Imagen de portada"), description=_l(
        "PNG o JPEG de hasta 5 MB. Si hay un error en el formulario, vuelve a elegirla."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _l("Elige el tipo"))] + list(KINDS.items())
        self.modality.choices = list(MODALITIES.items())
        self.municipality_code.choices = [("", _l("Sin municipio (en línea)"))] + list(
            municipality_choices())
        self.audience.choices = list(AUDIENCES.items())
        self.topics.choices = list(TOPICS.items())

    def event_data(self) -> dict:
        """The submitted values keyed as ``services.clean_event`` expects them."""
        data = {name: getattr(self, name).data for name in EVENT_FIELDS}
        data["topics"] = list(self.topics.data or [])
        return data

    @classmethod
    def for_event(cls, event) -> "EventForm":
        """The form filled with a saved event, times in Mexico City."""
        data = {name: getattr(event, name) for name in EVENT_FIELDS if name != "topics"}
        for name in TIME_FIELDS:
            value = getattr(event, name)
            data[name] = to_local(value).strftime(LOCAL_INPUT) if value else ""
        for name in ("capacity", "hours"):
            data[name] = "" if getattr(event, name) is None else str(getattr(event, name))
        data["topics"] = event.topics
        return cls(data=data)


class SessionForm(FlaskForm):
    title = StringField(_l("Sesión"), validators=[MaxLength(SESSION_TEXT_LIMITS["title"])])
    starts_at = _when(_l("Empieza"), _l("Hora del centro de México."))
    ends_at = _when(_l("Termina"), _l("Hora del centro de México."))
    room = StringField(_l("Sala"), validators=[MaxLength(SESSION_TEXT_LIMITS["room"])])
    speakers = StringField(_l("Ponentes"), description=_l("Separados por comas."),
                           validators=[MaxLength(SESSION_TEXT_LIMITS["speakers"])])

    def session_data(self) -> dict:
        return {name: getattr(self, name).data for name in
                ("title", "starts_at", "ends_at", "room", "speakers")}


class CancelEventForm(FlaskForm):
    reason = TextAreaField(_l("Motivo de la cancelación"), description=_l(
        "Se enviará a todas las personas registradas."), validators=[MaxLength(REASON_MAX)],
        render_kw={"rows": 3})


class RegisterForm(FlaskForm):
    organization = SelectField(_l("A nombre de"), coerce=str, validate_choice=False)

    def __init__(self, organizations=(), *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization.choices = [("", _l("A título personal"))] + [
            (str(org.id), org.name) for org in organizations]
