"""The library's staff forms: the shape of each field. Every rule (required title, known kind,
date, series of an issue, creators, table of contents) lives in ``services``, whose Spanish
messages land next to these fields; WTForms checks only the longest text of each field (the
services' limits, ``core.inputs.MaxLength``)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, StringField, TextAreaField

from community.core.catalog import activity_areas
from community.core.forms import MultiCheckboxField
from community.core.inputs import DESCRIPTION_MAX, REASON_MAX, MaxLength
from community.library import access as access_rules
from community.library import services
from community.library.labels import FORMATS, KINDS, LANGUAGES, RIGHTS

RECORD_FIELDS = ("title", "kind", "description", "creators", "issued", "language", "rights",
                 "publisher", "identifier", "access", "series", "issue_number", "issue_format")
CREATORS_MAX = services.MAX_CREATORS * (services.CREATOR_NAME_MAX + services.AFFILIATION_MAX + 4)
TOC_MAX = services.MAX_PARTS * 1_000
FILE_NOTE_MAX = 300


class ChoiceField(SelectField):
    def pre_validate(self, form):
        """Unknown choices are reported by the service, next to the field, in Spanish."""


class ChoiceRadioField(RadioField):
    def pre_validate(self, form):
        """Unknown choices are reported by the service, next to the field, in Spanish."""


def _whole_number(label, description=None):
    return StringField(label, description=description,
                       render_kw={"type": "number", "inputmode": "numeric", "min": "1",
                                  "step": "1"})


def _pdf_field(label, description):
    return FileField(label, description=description, render_kw={"accept": "application/pdf"})


class ResourceForm(FlaskForm):
    """A resource's record (Dublin Core) and, when it is new, its first PDF."""

    title = StringField(_l("Título"), validators=[MaxLength(services.TEXT_LIMITS["title"])])
    kind = ChoiceField(_l("Tipo de publicación"))
    description = TextAreaField(_l("Descripción"), description=_l(
        "Puedes usar Markdown: **negritas**, listas y enlaces."),
        validators=[MaxLength(DESCRIPTION_MAX)], render_kw={"rows": 6})
    creators = TextAreaField(_l("Autoría"), description=_l(
        "Una persona por línea: Nombre (Institución)."), validators=[MaxLength(CREATORS_MAX)],
        render_kw={"rows": 4})
    issued = StringField(_l("Fecha de publicación"), description=_l(
        "El año (2021), el mes (2021-06) o la fecha completa (2021-06-15)."),
        render_kw={"inputmode": "numeric", "spellcheck": "false"})
    language = ChoiceField(_l("Idioma"))
    rights = ChoiceField(_l("Licencia"))
    publisher = StringField(_l("Editorial o institución que publica"),
                            validators=[MaxLength(services.TEXT_LIMITS["publisher"])])
    identifier = StringField(_l("Identificador"), description=_l("ISBN, ISSN o DOI, si lo tiene."),
                             validators=[MaxLength(services.TEXT_LIMITS["identifier"])],
                             render_kw={"spellcheck": "false"})
    access = ChoiceRadioField(_l("Quién puede leer el PDF"), default=access_rules.PUBLIC)
    series = ChoiceField(_l("Serie"), description=_l("Solo para un número de revista."))
    issue_number = _whole_number(_l("Número"), _l("Solo para un número de revista."))
    issue_format = ChoiceField(_l("Edición"), description=_l("Solo para un número de revista."))
    subjects = MultiCheckboxField(_l("Temas"))
    areas = MultiCheckboxField(_l("Áreas de actividad (LFFAROC, artículo 5)"))
    file = _pdf_field(_l("Archivo PDF"), _l(
        "Opcional; puedes subirlo después. Si hay un error en el formulario, vuelve a "
        "elegirlo."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _l("Elige el tipo"))] + list(KINDS.items())
        self.language.choices = list(LANGUAGES.items())
        self.rights.choices = [(code, label) for code, (label, _url) in RIGHTS.items()]
        self.access.choices = [(access_rules.PUBLIC, _l("Público: cualquier persona")),
                               (access_rules.MEMBERS, _l("Solo integrantes de OSC validadas"))]
        self.series.choices = [("", _l("Sin serie"))] + [
            (series.slug, series.title) for series in services.all_series()]
        self.issue_format.choices = list(FORMATS.items())
        self.subjects.choices = [(subject.slug, subject.name) for subject in services.subjects()]
        self.areas.choices = [(area.fraction, f"{area.fraction}. {area.name}")
                              for area in activity_areas()]

    def resource_data(self) -> dict:
        """The submitted values keyed as ``services.clean_metadata`` expects them."""
        data = {name: getattr(self, name).data for name in RECORD_FIELDS}
        data["subjects"] = list(self.subjects.data or [])
        data["areas"] = list(self.areas.data or [])
        return data

    @classmethod
    def for_resource(cls, resource) -> "ResourceForm":
        """The form filled with a saved resource."""
        data = {name: getattr(resource, name) for name in RECORD_FIELDS
                if name not in ("creators", "issued", "series", "issue_number")}
        data["creators"] = services.creators_text(resource)
        data["issued"] = resource.issued.isoformat() if resource.issued else ""
        data["series"] = resource.series.slug if resource.series else ""
        data["issue_number"] = "" if resource.issue_number is None else str(
            resource.issue_number)
        data["issue_format"] = resource.issue_format or "print"
        data["subjects"] = [subject.slug for subject in resource.subjects]
        data["areas"] = [area.fraction for area in resource.areas]
        return cls(data=data)


class FileForm(FlaskForm):
    """A new version of a resource's PDF."""

    file = _pdf_field(_l("Nuevo PDF"), _l("La versión anterior queda guardada en la lista."))
    version_note = StringField(_l("Qué cambió"), description=_l(
        "Por ejemplo: «Fe de erratas en la página 12»."), validators=[MaxLength(FILE_NOTE_MAX)])


class TocForm(FlaskForm):
    toc = TextAreaField(_l("Índice"), description=_l(
        "Una parte por línea: «páginas | título | autores», por ejemplo "
        "«5-12 | La participación ciudadana | Ana López (UAEMex); Luis Pérez»."),
        validators=[MaxLength(TOC_MAX)], render_kw={"rows": 10, "spellcheck": "false"})


class PublishForm(FlaskForm):
    """A button: only the CSRF token."""


class WithdrawForm(FlaskForm):
    note = TextAreaField(_l("Por qué se retira"), description=_l(
        "Lo verá quien llegue por un enlace o una cita."), validators=[MaxLength(REASON_MAX)],
        render_kw={"rows": 3})


class SeriesForm(FlaskForm):
    title = StringField(_l("Título de la serie"), validators=[MaxLength(200)])
    description = TextAreaField(_l("Descripción"), validators=[MaxLength(DESCRIPTION_MAX)],
                                render_kw={"rows": 4})
    publisher = StringField(_l("Editorial o institución que publica"),
                            validators=[MaxLength(200)])
    identifier = StringField(_l("ISSN"), description=_l("Si la serie lo tiene."),
                             validators=[MaxLength(120)], render_kw={"spellcheck": "false"})

    def series_data(self) -> dict:
        return {name: getattr(self, name).data for name in
                ("title", "description", "publisher", "identifier")}


class SubjectForm(FlaskForm):
    """Add a theme, or rename one (``prefix`` keeps each row's ids apart)."""

    name = StringField(_l("Nombre del tema"), validators=[MaxLength(services.SUBJECT_NAME_MAX)])
