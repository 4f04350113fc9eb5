"""The public advisory forms: the shape of each field. Every rule (a known topic, a name for a
group, a member's OSC, a municipality of the catalogue, a reachable contact) lives in
``services.create_request`` and friends, whose Spanish messages land next to these fields;
WTForms checks only the longest text of each field (``core.inputs.MaxLength``)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectField, StringField, TextAreaField

from community.advisory.labels import CONTACT_PREFERENCES, MODALITIES, REQUESTER_KINDS, TOPICS
from community.core.catalog import municipality_choices
from community.core.inputs import POST_MAX, REASON_MAX, MaxLength

REQUEST_FIELDS = ("topic", "requester_kind", "proposed_name", "founders_count",
                  "organization_id", "municipality_code", "modality", "description",
                  "contact_preference", "contact_name", "contact_email", "contact_phone")
DESCRIPTION_MAX = 5_000  # as an OSC's mission: enough for a story, not for a document
NAME_MAX = 200
CONTACT_NAME_MAX = 120
EMAIL_MAX = 254
PHONE_MAX = 20
MESSAGE_MAX = POST_MAX


class ChoiceField(SelectField):
    def pre_validate(self, form):
        """Unknown choices are reported by the service, next to the field, in Spanish."""


class ChoiceRadioField(RadioField):
    def pre_validate(self, form):
        """Unknown choices are reported by the service, next to the field, in Spanish."""


class RequestForm(FlaskForm):
    """Ask for advice. ``organizations``: the OSCs the signed-in person is an active member
    of (empty for anonymous visitors, who then see no OSC list)."""

    topic = ChoiceRadioField(_l("¿En qué necesitas ayuda?"))
    requester_kind = ChoiceRadioField(_l("¿Quién pide la asesoría?"))
    proposed_name = StringField(_l("Nombre que piensan darle a la OSC"), description=_l(
        "Aunque todavía no esté autorizado; puede cambiar más adelante."),
        validators=[MaxLength(NAME_MAX)])
    founders_count = StringField(_l("¿Cuántas personas la fundarían?"), description=_l(
        "Un número aproximado está bien."),
        render_kw={"type": "number", "inputmode": "numeric", "min": "1", "step": "1"})
    organization_id = ChoiceField(_l("Tu organización"), description=_l(
        "Solo aparecen las OSC de las que formas parte."))
    municipality_code = ChoiceField(_l("Municipio"), description=_l(
        "Donde está el grupo o la organización."))
    modality = ChoiceRadioField(_l("¿Cómo prefieres recibir la asesoría?"))
    description = TextAreaField(_l("Cuéntanos tu situación"), description=_l(
        "Qué quieren hacer, qué han avanzado y qué dudas tienen. Puedes usar Markdown: "
        "**negritas**, listas y enlaces."), validators=[MaxLength(DESCRIPTION_MAX)],
        render_kw={"rows": 6})
    contact_preference = ChoiceRadioField(_l("¿Cómo prefieres que te contactemos?"))
    contact_name = StringField(_l("Tu nombre"), validators=[MaxLength(CONTACT_NAME_MAX)],
                               render_kw={"autocomplete": "name"})
    contact_email = EmailField(_l("Tu correo electrónico"), description=_l(
        "Ahí te enviaremos el enlace para seguir tu solicitud."),
        validators=[MaxLength(EMAIL_MAX)],
        render_kw={"autocomplete": "email", "spellcheck": "false"})
    contact_phone = StringField(_l("Tu teléfono"), description=_l(
        "10 dígitos. Obligatorio si prefieres teléfono o WhatsApp."),
        validators=[MaxLength(PHONE_MAX)],
        render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "tel"})

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.topic.choices = list(TOPICS.items())
        self.requester_kind.choices = list(REQUESTER_KINDS.items())
        self.organization_id.choices = [("", _l("Elige la organización"))] + [
            (str(org.id), org.name) for org in organizations]
        self.municipality_code.choices = [("", _l("Elige el municipio"))] + list(
            municipality_choices())
        self.modality.choices = list(MODALITIES.items())
        self.contact_preference.choices = list(CONTACT_PREFERENCES.items())
        self.has_organizations = bool(organizations)

    def request_data(self, locale: str) -> dict:
        """The submitted values keyed as ``services.create_request`` expects them; the OSC
        list is ignored for people who were not offered one."""
        data = {name: getattr(self, name).data for name in REQUEST_FIELDS}
        if not self.has_organizations:
            data["organization_id"] = None
        data["locale"] = locale
        return data

    @classmethod
    def for_person(cls, user, organizations, **defaults) -> "RequestForm":
        """A new form, its contact fields filled from the signed-in account and its topic,
        kind, modality and contact preference on the most common answers."""
        data = {"topic": "constituir", "requester_kind": "grupo", "modality": "municipio",
                "contact_preference": "correo", **defaults}
        if user is not None and user.is_authenticated:
            data.update(contact_name=user.name, contact_email=user.email,
                        municipality_code=data.get("municipality_code")
                        or user.municipality_code or "")
        return cls(data=data, organizations=organizations)


class ConfirmForm(FlaskForm):
    """The confirmation link's button: only the CSRF token (a GET never confirms)."""


class MessageForm(FlaskForm):
    """A message on the status page; an anonymous requester's signed token travels beside
    it as a plain hidden ``t`` (the template's, so two forms on one page share no id)."""

    body = TextAreaField(_l("Tu mensaje"), description=_l(
        "Lo leerá el personal que atiende tu solicitud. Puedes usar Markdown."),
        validators=[MaxLength(MESSAGE_MAX)], render_kw={"rows": 4})


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("¿Por qué retiras la solicitud?"), description=_l(
        "Nos ayuda a mejorar; basta una frase."), validators=[MaxLength(REASON_MAX)],
        render_kw={"rows": 3})
