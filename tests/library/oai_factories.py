"""Library records for the OAI-PMH and API tests, built from the models directly (no service,
no PDF): a series, resources with creators, subjects, areas, a fake stored file, parts."""

import itertools
from datetime import date, datetime

from sqlalchemy import update

from community.core.timeutil import utcnow
from community.extensions import db
from community.library.models import Creator, Resource, ResourceFile, Series, Subject

_numbers = itertools.count(1)


def make_series(slug="ciudadania-activa", title="Ciudadanía Activa", **fields) -> Series:
    series = Series(slug=slug, title=title, publisher=fields.pop("publisher", "Gobierno del "
                    "Estado de México"), **fields)
    db.session.add(series)
    db.session.flush()
    return series


def make_subject(slug="transparencia", name="Transparencia y rendición de cuentas") -> Subject:
    subject = Subject(slug=slug, name=name, position=next(_numbers))
    db.session.add(subject)
    db.session.flush()
    return subject


def make_resource(title=None, *, kind="manual", status="published", access="public",
                  creators=(("Ana Pérez", "UAEM"),), subjects=(), areas=(), with_file=True,
                  pages=24, issued=date(2025, 5, 1), slug=None, parent=None, **fields
                  ) -> Resource:
    number = next(_numbers)
    resource = Resource(
        slug=slug or f"recurso-{number}", kind=kind, title=title or f"Recurso {number}",
        description=fields.pop("description", f"Descripción del recurso {number}."),
        issued=issued, status=status, access=access,
        publisher=fields.pop("publisher", "Dirección General de Participación Social"),
        **fields)
    if status != "draft":
        resource.published_at = utcnow()
    if status == "withdrawn":
        resource.withdrawn_at = utcnow()
        resource.withdrawn_note = resource.withdrawn_note or "Retirado por una errata."
    if parent is not None:
        resource.parent = parent
    for position, (name, affiliation) in enumerate(creators):
        resource.creators.append(Creator(position=position, name=name, affiliation=affiliation))
    resource.subjects.extend(subjects)
    if areas:
        from community.core.models import ActivityArea

        resource.areas.extend(db.session.get(ActivityArea, fraction) for fraction in areas)
    db.session.add(resource)
    db.session.flush()
    if with_file and parent is None:
        stored = ResourceFile(resource_id=resource.id, version=1,
                              stored_name=f"{number:032x}", original_name=f"recurso-{number}.pdf",
                              size=123_456, sha256="0" * 64, pages=pages, text_status="done")
        db.session.add(stored)
        db.session.flush()
        resource.current_file_id = stored.id
        db.session.flush()
    return resource


def make_issue(series, number, *, articles=2, status="published", access="public", **fields):
    """An issue of ``series`` with ``articles`` parts (page ranges inside its file)."""
    issue = make_resource(f"Ciudadanía Activa núm. {number}", kind="issue", status=status,
                          access=access, series=series, issue_number=number,
                          issue_format="print", **fields)
    for position in range(articles):
        make_resource(f"Artículo {position + 1} del número {number}", kind="article",
                      parent=issue, position=position, first_page=1 + position * 4,
                      last_page=4 + position * 4, with_file=False,
                      creators=((f"Autora {position + 1}", ""),))
    return issue


def set_updated(resource: Resource, when: datetime) -> None:
    """Pin a resource's datestamp (``updated_at`` changes with every flush otherwise)."""
    db.session.execute(update(Resource).where(Resource.id == resource.id)
                       .values(updated_at=when))
