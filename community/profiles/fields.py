"""What a profile is made of: each field's label, whether it is legal (reviewed by staff once
the OSC is validated) and public, and how it is written in a revision."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

LEGAL_FORMS = {
    "AC": _l("Asociación Civil (A.C.)"),
    "IAP": _l("Institución de Asistencia Privada (I.A.P.)"),
    "IBP": _l("Institución de Beneficencia Privada (I.B.P.)"),
    "SC": _l("Sociedad Civil (S.C.)"),
    "OTRA": _l("Otra figura"),
}

POPULATIONS = {
    "ninez": _l("Niñez"),
    "adolescencia": _l("Adolescencia"),
    "juventudes": _l("Juventudes"),
    "mujeres": _l("Mujeres"),
    "personas_mayores": _l("Personas mayores"),
    "discapacidad": _l("Personas con discapacidad"),
    "indigenas": _l("Pueblos y comunidades indígenas"),
    "afromexicanas": _l("Personas afromexicanas"),
    "migrantes": _l("Personas migrantes"),
    "lgbtiq": _l("Personas LGBTIQ+"),
    "situacion_calle": _l("Personas en situación de calle"),
    "privadas_libertad": _l("Personas privadas de la libertad"),
    "enfermedad": _l("Personas con enfermedades crónicas"),
    "familias": _l("Familias"),
    "comunidad": _l("Comunidad en general"),
}

SOCIAL_NETWORKS = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "x": "X",
    "youtube": "YouTube",
    "tiktok": "TikTok",
    "linkedin": "LinkedIn",
}

STATUS_LABELS = {
    "pending": _l("Pendiente de validación"),
    "validated": _l("Validada"),
    "stale": _l("Requiere actualización"),
    "rejected": _l("No validada"),
    "inactive": _l("Baja"),
}


@dataclass(frozen=True)
class ProfileField:
    name: str
    label: object
    legal: bool = False
    public: bool = True


FIELDS = [
    ProfileField("name", _l("Nombre de la organización"), legal=True),
    ProfileField("legal_name", _l("Razón social"), legal=True),
    ProfileField("legal_form", _l("Figura jurídica"), legal=True),
    ProfileField("rfc", _l("RFC"), legal=True),
    ProfileField("cluni", _l("CLUNI"), legal=True),
    ProfileField("constituted_on", _l("Fecha de constitución"), legal=True),
    ProfileField("deed_number", _l("Número de escritura"), legal=True),
    ProfileField("deed_notary", _l("Notaría"), legal=True),
    ProfileField("deed_place", _l("Lugar de la notaría"), legal=True),
    ProfileField("sat_donee", _l("Donataria autorizada por el SAT")),
    ProfileField("sat_donee_since", _l("Donataria autorizada desde")),
    # Registry data: the folio identifies the OSC in the state registry, so once validated a
    # change waits for staff like the legal fields (and like the public name above).
    ProfileField("social_registry_folio", _l("Folio del Registro Social Estatal"), legal=True),
    ProfileField("municipality_code", _l("Municipio")),
    ProfileField("other_state", _l("Entidad (si no es el Estado de México)")),
    ProfileField("address", _l("Domicilio")),
    ProfileField("postal_code", _l("Código postal")),
    ProfileField("phone", _l("Teléfono")),
    ProfileField("public_email", _l("Correo público")),
    ProfileField("website", _l("Sitio web")),
    ProfileField("social_links", _l("Redes sociales")),
    ProfileField("mission", _l("Misión")),
    ProfileField("social_object", _l("Objeto social")),
    ProfileField("activities", _l("Áreas de actividad (art. 5 LFFAROC)")),
    ProfileField("populations", _l("Poblaciones que atiende")),
    ProfileField("served_municipalities", _l("Municipios donde trabaja")),
]
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
LEGAL_FIELDS = frozenset(f.name for f in FIELDS if f.legal)
COLLECTION_FIELDS = frozenset({"activities", "populations", "served_municipalities"})


def as_text(value) -> str | None:
    """How a value is written in a revision and an export: stable, readable, comparable."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in sorted(value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(sorted(str(v) for v in value))
    return str(value)


REVISION_FIELD_LABELS = {
    **{f.name: f.label for f in FIELDS},
    "status": _l("Estatus en el padrón"),
    "confirmed_at": _l("Confirmación de datos"),
    "registry_email": _l("Correo del padrón (privado)"),
    "logo": _l("Logotipo"),
    "document_acta": _l("Acta constitutiva"),
    "document_cluni": _l("Constancia de la CLUNI"),
    "document_sat": _l("Autorización del SAT"),
}

REVISION_KIND_LABELS = {
    "created": _l("Registro"),
    "published": _l("Publicado"),
    "requested": _l("Solicitado (en revisión)"),
    "approved": _l("Aprobado por el personal"),
    "rejected": _l("Rechazado por el personal"),
}
