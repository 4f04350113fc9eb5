"""Read side of the registry: the public directory, municipality counts, completeness levels,
public and staff exports. Nothing here writes."""

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, case, exists, func, select
from sqlalchemy.orm import aliased, lazyload, selectinload

from community.core.catalog import activity_areas, municipality_choices
from community.core.errors import ValidationError
from community.core.models import ActivityArea, Municipality
from community.core.pagination import parse_page
from community.core.permissions import require_staff
from community.core.text import fold
from community.core.timeutil import to_local, utcnow
from community.extensions import db
from community.profiles.fields import POPULATIONS, STATUS_LABELS, as_text
from community.profiles.models import (
    ChangeRequest,
    Membership,
    Organization,
    OrganizationDocument,
    organization_activity,
    organization_population,
)
from community.profiles.services import (
    REMIND_BEFORE,
    STALE_AFTER,
    display_status,
    last_confirmed,
)

SORTS = {
    "nombre": (Organization.name_folded, Organization.id),
    "recientes": (Organization.updated_at.desc(), Organization.id.desc()),
}
PER_PAGE = 20
MAX_PER_PAGE = 100
# The GET arguments DirectoryFilters.from_args reads: the cached pages declare them.
FILTER_ARGS = ("municipio", "area", "poblacion", "q", "orden", "page", "por_pagina")


@dataclass
class DirectoryFilters:
    """What a citizen can ask the directory; unknown values become a clear 400/422."""

    municipality: str | None = None
    area: str | None = None
    population: str | None = None
    q: str = ""
    sort: str = "nombre"
    page: int = 1
    per_page: int = PER_PAGE

    @classmethod
    def from_args(cls, args) -> "DirectoryFilters":
        filters = cls(
            municipality=args.get("municipio") or None,
            area=(args.get("area") or "").upper() or None,
            population=args.get("poblacion") or None,
            q=(args.get("q") or "").strip()[:100],
            sort=args.get("orden") or "nombre",
            page=parse_page(args.get("page")),
            per_page=min(MAX_PER_PAGE, max(1, _int(args.get("por_pagina"), PER_PAGE))),
        )
        filters.check()
        return filters

    def check(self) -> None:
        errors = {}
        if self.municipality and db.session.get(Municipality, self.municipality) is None:
            errors["municipio"] = _l("Ese municipio no existe.")
        if self.area and db.session.get(ActivityArea, self.area) is None:
            errors["area"] = _l("Esa área de actividad no existe.")
        if self.population and self.population not in POPULATIONS:
            errors["poblacion"] = _l("Esa población no está en la lista.")
        if self.sort not in SORTS:
            errors["orden"] = _l("Ese orden no existe.")
        if errors:
            raise ValidationError(errors)

    def as_args(self, **overrides) -> dict:
        args = {"municipio": self.municipality, "area": self.area, "poblacion": self.population,
                "q": self.q or None, "orden": self.sort if self.sort != "nombre" else None}
        args.update(overrides)
        return {k: v for k, v in args.items() if v}


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _linked(table, column: str, value: str):
    """OSCs with a row in a link table, as a correlated EXISTS: the status and municipality
    index narrows the rows first and each is then checked by primary key (at 50,000 OSCs,
    Ecatepec + one area: 5 ms, against 12 ms listing every OSC of the area with IN)."""
    return exists().where(table.c.organization_id == Organization.id, table.c[column] == value)


def _directory_statement(filters: DirectoryFilters) -> Select:
    stmt = select(Organization).where(Organization.status == "validated")
    if filters.municipality:
        stmt = stmt.where(Organization.municipality_code == filters.municipality)
    if filters.area:
        stmt = stmt.where(_linked(organization_activity, "fraction", filters.area))
    if filters.population:
        stmt = stmt.where(_linked(organization_population, "population", filters.population))
    return stmt


def _name_contains(stmt: Select, q: str) -> Select:
    """The fallback text filter while the search index is being rebuilt."""
    for word in fold(q).split()[:6]:
        stmt = stmt.where(Organization.name_folded.contains(word, autoescape=True))
    return stmt


class RankedPagination(Pagination):
    """A page of OSCs in the search engine's order: the same ranking as ``/buscar``."""

    def _query_items(self) -> list:
        ids = self._query_args["ids"][self._query_offset: self._query_offset + self.per_page]
        rows = {org.id: org for org in db.session.scalars(
            self._query_args["options"](select(Organization).where(Organization.id.in_(ids))))}
        return [rows[i] for i in ids if i in rows]

    def _query_count(self) -> int:
        return len(self._query_args["ids"])


def _ranked_ids(filters: DirectoryFilters) -> list[int] | None:
    """Ids matching ``q`` in rank order, narrowed by the other filters; None without index."""
    from community.search import service

    ranked = service.ids_for(filters.q, "organization")
    if ranked is None:
        return None
    allowed = set(db.session.scalars(_directory_statement(filters).with_only_columns(
        Organization.id).where(Organization.id.in_(ranked))))
    return [i for i in ranked if i in allowed]


def directory(filters: DirectoryFilters, full: bool = False):
    """A page of validated OSCs; pending, rejected and inactive ones never appear.

    ``full`` also loads what ``public_record`` needs, in one query per collection.
    """
    def options(stmt):
        if full:
            stmt = stmt.options(selectinload(Organization.served_municipalities),
                                selectinload(Organization.population_rows))
        return stmt

    ranked = _ranked_ids(filters) if filters.q else None
    if ranked is not None:
        return RankedPagination(page=filters.page, per_page=filters.per_page, error_out=False,
                                ids=ranked, options=options)
    stmt = _directory_statement(filters).order_by(*SORTS[filters.sort])
    if filters.q:
        stmt = _name_contains(stmt, filters.q)
    stmt = options(stmt)
    return db.paginate(stmt, page=filters.page, per_page=filters.per_page, error_out=False,
                       count=True)


def municipality_counts() -> dict[str, int]:
    rows = db.session.execute(
        select(Organization.municipality_code, func.count()).where(
            Organization.status == "validated", Organization.municipality_code.is_not(None))
        .group_by(Organization.municipality_code))
    return {code: count for code, count in rows}


def municipalities_with_counts() -> list[tuple[Municipality, int]]:
    counts = municipality_counts()
    municipalities = db.session.scalars(select(Municipality))
    return sorted(((m, counts.get(m.code, 0)) for m in municipalities),
                  key=lambda pair: pair[0].name_folded)


# --- completeness -------------------------------------------------------------------------

LEVELS = ("basico", "completo", "transparente")
LEVEL_LABELS = {None: _l("Sin nivel"), "basico": _l("Básico"), "completo": _l("Completo"),
                "transparente": _l("Transparente")}
REQUIREMENTS = {
    "basico": [
        ("name", _l("Nombre de la organización")),
        ("municipality", _l("Municipio")),
        ("activities", _l("Al menos un área de actividad")),
        ("mission", _l("Misión")),
        ("contact", _l("Correo público o teléfono")),
    ],
    "completo": [
        ("legal_name", _l("Razón social")),
        ("legal_form", _l("Figura jurídica")),
        ("rfc", _l("RFC")),
        ("constituted_on", _l("Fecha de constitución")),
        ("address", _l("Domicilio y código postal")),
        ("populations", _l("Poblaciones que atiende")),
        ("online", _l("Sitio web o una red social")),
        ("logo_file", _l("Logotipo")),
        ("social_object", _l("Objeto social")),
    ],
    "transparente": [
        ("cluni", _l("CLUNI")),
        ("deed", _l("Datos de la escritura constitutiva")),
        ("social_registry_folio", _l("Folio del Registro Social Estatal")),
        ("doc_acta", _l("Acta constitutiva en PDF")),
        ("doc_cluni", _l("Constancia de la CLUNI en PDF")),
        ("current", _l("Datos confirmados en los últimos 12 meses")),
    ],
}


@dataclass
class Completeness:
    level: str | None
    next_level: str | None
    missing: list = field(default_factory=list)

    @property
    def label(self):
        return LEVEL_LABELS[self.level]


def _has(org: Organization, key: str, documents: set[str], now: datetime,
         known: Mapping[str, bool] | None = None) -> bool:
    if known and key in known:
        return known[key]
    checks = {
        "municipality": lambda: bool(org.municipality_code or org.other_state),
        "activities": lambda: bool(org.activities),
        "contact": lambda: bool(org.public_email or org.phone),
        "address": lambda: bool(org.address and org.postal_code),
        "populations": lambda: bool(org.population_rows),
        "online": lambda: bool(org.website or org.social_links),
        "deed": lambda: bool(org.deed_number and org.deed_notary),
        "doc_acta": lambda: "acta" in documents,
        "doc_cluni": lambda: "cluni" in documents,
        "current": lambda: org.status == "validated" and (last_confirmed(org) or now) +
        STALE_AFTER > now,
    }
    check = checks.get(key)
    return check() if check else bool(getattr(org, key))


def completeness(org: Organization, now: datetime | None = None,
                 documents: set[str] | None = None,
                 known: Mapping[str, bool] | None = None) -> Completeness:
    """The highest level whose requirements (and those below) are met, and what the next
    level still needs, in the words an OSC admin understands.

    ``documents`` (the kinds of document the OSC uploaded) and ``known`` (answers already
    read, such as ``{"activities": True}``) spare the queries when a list of OSCs was read at
    once (:func:`my_organizations`)."""
    now = now or utcnow()
    if documents is None:
        documents = set(db.session.scalars(select(OrganizationDocument.kind).where(
            OrganizationDocument.organization_id == org.id)))
    level = None
    for candidate in LEVELS:
        missing = [label for key, label in REQUIREMENTS[candidate]
                   if not _has(org, key, documents, now, known)]
        if missing:
            return Completeness(level=level, next_level=candidate, missing=missing)
        level = candidate
    return Completeness(level=level, next_level=None)


# --- a person's organizations (the personal home) -----------------------------------------


@dataclass
class MyOrganization:
    """One OSC of a person, with what is due: the registry status, the yearly confirmation,
    the latest legal change (pending or refused), join requests and, for its admins, what the
    next completeness level still needs."""

    organization: Organization
    role: str
    membership: str
    status: str
    due: datetime | None = None
    due_soon: bool = False
    change: ChangeRequest | None = None
    join_requests: int = 0
    completeness: Completeness | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin" and self.membership == "active"

    @property
    def can_open(self) -> bool:
        """Whether its profile opens for this person (``services.can_view``)."""
        return self.membership == "active" or self.organization.status == "validated"


def _exists_kind(kind: str):
    return exists().where(OrganizationDocument.organization_id == Organization.id,
                          OrganizationDocument.kind == kind)


def my_organizations(user, now: datetime | None = None) -> list[MyOrganization]:
    """The OSCs a person belongs to or asked to join, by name, in **one query** whatever
    their number: the facts completeness needs beyond the row (areas, populations,
    documents), the latest legal change and the waiting join requests are read as
    columns of that query."""
    if not getattr(user, "is_authenticated", False):
        return []
    now = now or utcnow()
    latest_change = (select(ChangeRequest.id)
                     .where(ChangeRequest.organization_id == Organization.id,
                            ChangeRequest.status.in_(("pending", "rejected", "approved")))
                     .order_by(ChangeRequest.created_at.desc(), ChangeRequest.id.desc())
                     .limit(1).correlate(Organization).scalar_subquery())
    waiting = aliased(Membership)
    join_requests = (select(func.count()).select_from(waiting)
                     .where(waiting.organization_id == Organization.id,
                            waiting.status == "requested")
                     .correlate(Organization).scalar_subquery())
    stmt = (
        select(Membership.role, Membership.status, Organization, ChangeRequest,
               exists().where(organization_activity.c.organization_id == Organization.id),
               exists().where(organization_population.c.organization_id == Organization.id),
               _exists_kind("acta"), _exists_kind("cluni"), join_requests)
        .join(Organization, Organization.id == Membership.organization_id)
        .outerjoin(ChangeRequest, ChangeRequest.id == latest_change)
        .where(Membership.user_id == user.id, Membership.status.in_(("active", "requested")))
        .order_by(Organization.name_folded, Organization.id)
        .options(lazyload(Organization.activities), lazyload(ChangeRequest.requested_by),
                 lazyload(ChangeRequest.decided_by), lazyload(ChangeRequest.organization)))
    mine = []
    for role, membership, org, change, areas, populations, acta, cluni, requests in \
            db.session.execute(stmt):
        item = MyOrganization(organization=org, role=role, membership=membership,
                              status=display_status(org, now),
                              change=change if change and change.status != "approved" else None)
        if org.status == "validated":
            item.due = last_confirmed(org) + STALE_AFTER if last_confirmed(org) else None
            item.due_soon = item.due is not None and item.due - REMIND_BEFORE <= now
        if item.is_admin:
            item.join_requests = requests or 0
            documents = {kind for kind, present in (("acta", acta), ("cluni", cluni)) if present}
            item.completeness = completeness(org, now, documents, {
                "activities": bool(areas), "populations": bool(populations)})
        mine.append(item)
    return mine


# --- what waits for staff (the console's tiles) ---------------------------------------------


@dataclass(frozen=True)
class RegistryWaiting:
    pending: int
    oldest_pending: datetime | None
    changes: int
    oldest_change: datetime | None


def registry_waiting() -> RegistryWaiting:
    """Registrations and legal changes waiting for staff, with the oldest of each: one
    query (four scalar subqueries)."""
    pending = Organization.status == "pending"
    changes = ChangeRequest.status == "pending"
    row = db.session.execute(select(
        select(func.count()).select_from(Organization).where(pending).scalar_subquery(),
        select(func.min(Organization.created_at)).where(pending).scalar_subquery(),
        select(func.count()).select_from(ChangeRequest).where(changes).scalar_subquery(),
        select(func.min(ChangeRequest.created_at)).where(changes).scalar_subquery(),
    )).one()
    return RegistryWaiting(row[0] or 0, row[1], row[2] or 0, row[3])


def registry_size(now: datetime | None = None) -> tuple[int, int]:
    """Validated OSCs in the padrón, and how many of them are overdue for their yearly
    confirmation: one query."""
    cutoff = (now or utcnow()) - STALE_AFTER
    confirmed = func.coalesce(Organization.confirmed_at, Organization.validated_at)
    validated, stale = db.session.execute(
        select(func.count(), func.count(case((confirmed <= cutoff, 1))))
        .select_from(Organization).where(Organization.status == "validated")).one()
    return validated or 0, stale or 0


# --- exports ------------------------------------------------------------------------------

PUBLIC_COLUMNS = [
    "slug", "nombre", "razon_social", "figura_juridica", "rfc", "cluni", "fecha_constitucion",
    "donataria_autorizada", "donataria_desde", "folio_registro_social", "clave_municipio",
    "municipio", "entidad", "domicilio", "codigo_postal", "telefono", "correo", "sitio_web",
    "areas_actividad", "poblaciones", "municipios_atendidos", "estatus", "validada_en",
    "ultima_confirmacion", "actualizada_en",
]


def plain_fields(org: Organization) -> dict:
    """The fields every record of an OSC shows as they are stored (the public record, the
    staff's padrón)."""
    return {
        "slug": org.slug,
        "nombre": org.name,
        "razon_social": org.legal_name,
        "rfc": org.rfc,
        "cluni": org.cluni,
        "folio_registro_social": org.social_registry_folio,
        "clave_municipio": org.municipality_code,
        "municipio": org.municipality.name if org.municipality else None,
        "entidad": org.other_state or ("Estado de México" if org.municipality_code else None),
        "domicilio": org.address,
        "codigo_postal": org.postal_code,
        "telefono": org.phone,
        "correo": org.public_email,
        "sitio_web": org.website,
    }


def public_record(org: Organization, now: datetime | None = None) -> dict:
    """The public fields of an OSC, the same for the API, the open data and the export."""
    confirmed = last_confirmed(org)
    return {
        **plain_fields(org),
        "figura_juridica": org.legal_form,
        "fecha_constitucion": as_text(org.constituted_on),
        "donataria_autorizada": org.sat_donee,
        "donataria_desde": as_text(org.sat_donee_since),
        "redes_sociales": dict(org.social_links or {}),
        "mision": org.mission,
        "areas_actividad": [a.fraction for a in org.activities],
        "poblaciones": org.populations,
        "municipios_atendidos": [m.code for m in org.served_municipalities],
        "estatus": display_status(org, now),
        "validada_en": as_text(to_local(org.validated_at).date()) if org.validated_at else None,
        "ultima_confirmacion": as_text(confirmed.date()) if confirmed else None,
        "actualizada_en": org.updated_at.isoformat(timespec="seconds") + "Z",
    }


@dataclass
class ExportFilters:
    municipality: str | None = None
    area: str | None = None
    status: str = "validated"
    updated_since: datetime | None = None


def _export_statement(filters: ExportFilters) -> Select:
    stmt = select(Organization).order_by(Organization.municipality_code, Organization.name_folded)
    stale_cutoff = utcnow() - STALE_AFTER
    confirmed = func.coalesce(Organization.confirmed_at, Organization.validated_at)
    if filters.status == "stale":
        stmt = stmt.where(Organization.status == "validated", confirmed <= stale_cutoff)
    elif filters.status != "all":
        stmt = stmt.where(Organization.status == filters.status)
    if filters.municipality:
        stmt = stmt.where(Organization.municipality_code == filters.municipality)
    if filters.area:
        stmt = stmt.where(_linked(organization_activity, "fraction", filters.area))
    if filters.updated_since:
        stmt = stmt.where(Organization.updated_at >= filters.updated_since)
    return stmt


def iter_export(filters: ExportFilters, batch: int = 500, record=public_record):
    """Rows in batches, so a 50,000-row padrón never sits in memory at once; ``record``
    turns an OSC into a row (the public fields, or the staff padrón's labels and codes)."""
    now = utcnow()
    stmt = _export_statement(filters).options(
        selectinload(Organization.served_municipalities),
        selectinload(Organization.population_rows))
    result = db.session.execute(stmt.execution_options(yield_per=batch))
    for org in result.scalars():
        yield record(org, now)


def export_options(actor) -> dict:
    """The choices of the staff export form."""
    require_staff(actor)
    return {"municipalities": municipality_choices(), "areas": activity_areas(),
            "statuses": STATUS_LABELS}


def staff_export(actor, filters: ExportFilters, record=public_record):
    require_staff(actor)
    if filters.status not in (*STATUS_LABELS, "all"):
        raise ValidationError({"estatus": _l("Ese estatus no existe.")})
    return iter_export(filters, record=record)


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell Excel will show as text: formulas are neutralised with a leading apostrophe."""
    text = "" if value is None else as_text(value) or ""
    if isinstance(value, bool):
        text = "sí" if value else "no"
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_chunks(records, columns=PUBLIC_COLUMNS):
    """UTF-8 with BOM so Excel shows accents; streamed line by line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow(columns)
    for record in records:
        writer.writerow([csv_cell(record.get(c)) for c in columns])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def json_chunks(records):
    yield "["
    for index, record in enumerate(records):
        yield ("," if index else "") + json.dumps(record, ensure_ascii=False)
    yield "]"
