"""Validated OSCs in the platform's search: public fields only, never private documents,
private emails or legal changes still waiting for staff (those live in ChangeRequest)."""


from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from community.extensions import db
from community.profiles.fields import POPULATIONS
from community.profiles.models import Organization, OrganizationPopulation
from community.search.registry import SearchKind, html_words, register


def organization_documents(org: Organization) -> list[dict]:
    if org.status != "validated":
        return []
    place = org.municipality.name if org.municipality else (org.other_state or "")
    served = [m.name for m in org.served_municipalities]
    with force_locale("es_MX"):
        populations = [str(POPULATIONS[p]) for p in org.populations if p in POPULATIONS]
    body = " ".join(filter(None, [
        html_words(org.mission_html), html_words(org.social_object_html), org.legal_name,
        " ".join(area.name for area in org.activities), " ".join(populations)]))
    return [{
        "title": org.name,
        "body": body,
        "place": " ".join(dict.fromkeys([place, *served])),
        "municipality": org.municipality_code or "",
        "areas": ",".join(area.fraction for area in org.activities),
        "year": str(org.constituted_on.year) if org.constituted_on else "",
        "url": f"/osc/{org.slug}",
    }]


def all_organizations():
    stmt = select(Organization).where(Organization.status == "validated").options(
        selectinload(Organization.served_municipalities),
        selectinload(Organization.population_rows))
    return db.session.scalars(stmt.execution_options(yield_per=500))



register(SearchKind(
    name="organization",
    model=Organization,
    documents=organization_documents,
    all_rows=all_organizations,
    label=_l("Organizaciones"),
    related=((OrganizationPopulation, lambda row: [row.organization_id]),),
))
