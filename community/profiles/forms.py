"""Profile forms: the shape of each field; the rules live in services and validators."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from community.core.catalog import OTHER_STATE, activity_areas, municipality_choices
from community.core.forms import MultiCheckboxField
from community.core.inputs import REASON_MAX, MaxLength
from community.profiles.fields import FIELDS_BY_NAME, LEGAL_FORMS, POPULATIONS, SOCIAL_NETWORKS
from community.profiles.services import NAME_MAX, TEXT_LIMITS


class ChoiceField(SelectField):
    def pre_validate(self, form):
        """Unknown choices are reported by the service, next to the field, in Spanish."""


def _label(name):
    return FIELDS_BY_NAME[name].label


def _max(name):
    """The service's limit for a free-text field, checked by the form too."""
    return [MaxLength(TEXT_LIMITS[name])]


class OrganizationForm(FlaskForm):
    name = StringField(_label("name"), description=_l("Como la conoce la gente."),
                       validators=[MaxLength(NAME_MAX)])
    legal_name = StringField(_label("legal_name"), description=_l("Tal como aparece en el acta "
                                                                  "constitutiva."),
                             validators=_max("legal_name"))
    legal_form = ChoiceField(_label("legal_form"))
    rfc = StringField(_label("rfc"), description=_l("12 caracteres. Ejemplo: ABC010203AB9."),
                      render_kw={"autocapitalize": "characters", "spellcheck": "false"})
    cluni = StringField(_label("cluni"), description=_l("Clave Única de Inscripción al Registro "
                                                        "Federal de las OSC (14 caracteres)."),
                        render_kw={"autocapitalize": "characters", "spellcheck": "false"})
    constituted_on = DateField(_label("constituted_on"), validators=[Optional()])
    deed_number = StringField(_label("deed_number"), validators=_max("deed_number"))
    deed_notary = StringField(_label("deed_notary"),
                              description=_l("Número y nombre de la notaría."),
                              validators=_max("deed_notary"))
    deed_place = StringField(_label("deed_place"), validators=_max("deed_place"))
    sat_donee = BooleanField(_label("sat_donee"))
    sat_donee_since = DateField(_label("sat_donee_since"), validators=[Optional()])
    social_registry_folio = StringField(_label("social_registry_folio"),
                                        validators=_max("social_registry_folio"))
    municipality_code = ChoiceField(_label("municipality_code"))
    other_state = StringField(_label("other_state"), validators=_max("other_state"))
    address = StringField(_label("address"), validators=_max("address"),
                          render_kw={"autocomplete": "address-line1"})
    postal_code = StringField(_label("postal_code"),
                              render_kw={"inputmode": "numeric", "autocomplete": "postal-code"})
    phone = StringField(_label("phone"), description=_l("10 dígitos."),
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    public_email = EmailField(_label("public_email"),
                              description=_l("Se muestra en el perfil público."))
    website = StringField(_label("website"), render_kw={"inputmode": "url"})
    mission = TextAreaField(_label("mission"), description=_l("Puedes usar Markdown: **negritas**,"
                                                              " listas y enlaces."),
                            validators=_max("mission"), render_kw={"rows": 5})
    social_object = TextAreaField(_label("social_object"), validators=_max("social_object"),
                                  render_kw={"rows": 5})
    activities = MultiCheckboxField(_label("activities"))
    populations = MultiCheckboxField(_label("populations"))
    served_municipalities = MultiCheckboxField(
        _label("served_municipalities"),
        description=_l("Marca todos los municipios donde trabaja la organización."),
        grouped=True, filterable=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = list(municipality_choices())
        self.legal_form.choices = [("", _l("Elige una opción"))] + list(LEGAL_FORMS.items())
        self.municipality_code.choices = [("", _l("Elige el municipio"))] + municipalities + [
            (OTHER_STATE, _l("Otra entidad (fuera del Estado de México)"))]
        self.activities.choices = [(a.fraction, f"{a.fraction}. {a.name}")
                                   for a in activity_areas()]
        self.populations.choices = list(POPULATIONS.items())
        self.served_municipalities.choices = municipalities
        for network, label in SOCIAL_NETWORKS.items():
            getattr(self, f"social_{network}").label.text = label

    def profile_data(self) -> dict:
        """The submitted values keyed by profile field, ready for the service."""
        data = {name: getattr(self, name).data for name in FIELDS_BY_NAME
                if hasattr(self, name)}
        data["social_links"] = {n: getattr(self, f"social_{n}").data or ""
                                for n in SOCIAL_NETWORKS}
        return data

    @classmethod
    def for_organization(cls, org, current_value):
        form = cls(data={name: current_value(org, name) for name in FIELDS_BY_NAME
                         if name != "social_links"})
        for network in SOCIAL_NETWORKS:
            getattr(form, f"social_{network}").data = (org.social_links or {}).get(network)
        return form


for _network in SOCIAL_NETWORKS:
    setattr(OrganizationForm, f"social_{_network}",
            StringField(_network, render_kw={"spellcheck": "false"},
                        description=_l("Dirección completa o @usuario.")))


class LogoForm(FlaskForm):
    logo = FileField(_l("Logotipo"), description=_l("PNG o JPEG de hasta 2 MB."))


class DocumentForm(FlaskForm):
    kind = SelectField(_l("Tipo de documento"), choices=[
        ("acta", _l("Acta constitutiva")),
        ("cluni", _l("Constancia de la CLUNI")),
        ("sat", _l("Autorización del SAT como donataria")),
    ])
    document = FileField(_l("Archivo PDF"), description=_l("PDF de hasta 10 MB."))


class InviteForm(FlaskForm):
    email = EmailField(_l("Correo de la persona"))
    role = SelectField(_l("Rol"), choices=[("member", _l("Integrante")),
                                           ("admin", _l("Administradora"))])


class MemberRoleForm(FlaskForm):
    role = SelectField(_l("Rol"), choices=[("member", _l("Integrante")),
                                           ("admin", _l("Administradora"))])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Motivo"), description=_l("Se enviará a quienes administran la "
                                                        "organización."),
                           validators=[MaxLength(REASON_MAX)], render_kw={"rows": 3})


class EmptyForm(FlaskForm):
    """A POST button: only the CSRF token."""
