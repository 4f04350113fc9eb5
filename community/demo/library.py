"""The demo library (``seed-demo``): the publications of ``library_content``, published the way
staff publish them.

``seed()`` (run after the forums) makes the series *Ciudadanía Activa* and every
``DemoDocument`` through the library's services: the record (``create_resource``, with its
creators, subjects, areas and, for an issue, its series and number), the PDF judged by
``pdf.inspect_pdf`` and kept by ``uploads.store_checked_pdf``, ``attach_file``, the table of
contents (``set_parts``, one line per article or chapter with its real pages), then
``publish``. Each part then gets the description, subjects and areas of its ``DemoPart``.
One training guide stays a draft, so staff see one in their list. After the commit the real
extraction reads every PDF (``extraction.extract_all_pending``), so a phrase inside an article
is found by the search as soon as ``flask seed-demo`` ends.

The most read documents get download counts through ``services.count_download`` (the COUNTER
rules: distinct visitors, a browser, spread over the last months), so the staff view and the
indicators have something to show. Publication dates are moved back to when each document
came out.

A document whose slug exists is left as it is (its title's slug, as the services make it),
so running it twice adds nothing. Authors are fictional (``library_content.FICTIONAL_NOTE``);
visitor addresses are from the documentation ranges of RFC 5737.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select

from community.core import uploads
from community.core.aftercommit import quiet
from community.core.errors import ValidationError
from community.core.models import ActivityArea
from community.core.text import slugify
from community.core.timeutil import utcnow
from community.demo import accounts
from community.demo.library_content import SERIES, SUBJECTS, DemoDocument, documents
from community.extensions import db
from community.library import extraction, pdf, services
from community.library.models import Resource, Series, Subject

SEED = 2028
DRAFT_SLUG = "participacion-ciudadana-politicas-publicas"  # the one left unpublished
# Demo slug -> downloads over the last months (the most read documents of the demo).
DOWNLOADS = {
    "manual-de-visibilidad": 140,
    "ciudadania-activa-1": 64,
    "ciudadania-activa-5": 41,
    "ciudadania-activa-digital-3": 52,
    "procuracion-fondos-plan-anual": 37,
    "registro-federal-cluni": 58,
    "donataria-autorizada": 29,
    "iniciativa-ley-fomento-osc": 18,
}
DOWNLOAD_MONTHS = 6
BROWSERS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
)


def record_slug(doc: DemoDocument) -> str:
    """The address the services give the document: its title's slug."""
    return slugify(doc.title, max_length=100)


def seed() -> list[Resource]:
    """Publish the demo documents that are missing; an existing slug is left as it is."""
    with quiet():
        created = _seed()
        if created:
            extraction.extract_all_pending()  # commits: the text reaches the search index
        return created


def _seed() -> list[Resource]:
    existing = set(db.session.scalars(select(Resource.slug)))
    todo = [doc for doc in documents() if record_slug(doc) not in existing]
    if not todo:
        return []
    staff = accounts.demo_account(accounts.STAFF_EMAIL)
    _ensure_subjects(staff)
    series = _ensure_series(staff)
    created = [_publish_one(staff, doc, series) for doc in todo]
    db.session.flush()
    rng = random.Random(SEED)
    now = utcnow()
    for doc, resource in zip(todo, created, strict=True):
        if doc.slug in DOWNLOADS and resource.status == "published":
            _downloads(rng, resource, DOWNLOADS[doc.slug], now)
    db.session.commit()
    return created


def _ensure_subjects(staff) -> None:
    """The migration made the nine training themes; a database without them gets them."""
    known = set(db.session.scalars(select(Subject.slug)))
    for slug, name in SUBJECTS:
        if slug in known:
            continue
        try:
            subject = services.add_subject(staff, name)
        except ValidationError:  # a theme of that name under another address: add ours
            position = len(known) + 1
            subject = Subject(slug=slug, name=name, position=position)
            db.session.add(subject)
        subject.slug = slug  # the migration's address, which the demo content names
        known.add(slug)
    db.session.flush()


def _ensure_series(staff) -> Series:
    slug, title, description, publisher = SERIES
    series = db.session.scalar(select(Series).where(Series.slug == slug))
    if series is None:
        series = services.save_series(staff, {"title": title, "description": description,
                                              "publisher": publisher})
    return series


def _people(creators) -> str:
    """The form's creators: "Name | Affiliation" (affiliations may hold parentheses)."""
    return "\n".join(f"{c.name} | {c.affiliation}" if c.affiliation else c.name
                     for c in creators)


def _publish_one(staff, doc: DemoDocument, series: Series) -> Resource:
    raw = {"title": doc.title, "kind": doc.kind, "issued": doc.issued.isoformat(),
           "language": doc.language, "rights": doc.rights, "access": doc.access,
           "publisher": doc.publisher, "identifier": doc.identifier,
           "description": doc.description, "creators": _people(doc.creators),
           "subjects": list(doc.subjects), "areas": list(doc.areas)}
    if doc.kind == "issue":
        raw.update(series=series.slug, issue_number=str(doc.issue_number),
                   issue_format=doc.issue_format)
    resource = services.create_resource(staff, raw)
    data = doc.pdf()
    info = pdf.inspect_pdf(data, field="file", max_bytes=len(data) + 1)
    stored = uploads.store_checked_pdf(data, f"{doc.slug}.pdf")
    services.attach_file(staff, resource, stored, info)
    if doc.parts:
        toc = "\n".join(f"{p.first_page}-{p.last_page} | {p.title} | "
                        + "; ".join(f"{c.name} ({c.affiliation})" for c in p.creators)
                        for p in doc.parts)
        parts = services.set_parts(staff, resource, toc)
        areas = {a.fraction: a for a in db.session.scalars(select(ActivityArea))}
        subjects = {s.slug: s for s in db.session.scalars(select(Subject))}
        for part, demo_part in zip(parts, doc.parts, strict=True):
            part.description = demo_part.description
            part.subjects = [subjects[s] for s in demo_part.subjects if s in subjects]
            part.areas = [areas[f] for f in demo_part.areas if f in areas]
            # A table of contents writes "Name (Affiliation)", which cannot carry an
            # affiliation with parentheses of its own: "… de México (UAEMex)".
            for creator, demo_creator in zip(part.creators, demo_part.creators, strict=True):
                creator.affiliation = demo_creator.affiliation
    if doc.slug != DRAFT_SLUG:
        services.publish(staff, resource)
        _date_back(resource, doc)
    db.session.flush()
    return resource


def _date_back(resource: Resource, doc: DemoDocument) -> None:
    """Published when the document came out, not when the demo was loaded."""
    when = datetime.combine(doc.issued, time(17, 0))  # naive UTC, as the columns store
    if resource.published_at is not None and when < resource.published_at:
        resource.published_at = when
        resource.created_at = when


def _downloads(rng: random.Random, resource: Resource, count: int, now: datetime) -> None:
    """``count`` downloads by different visitors over the last months, through the COUNTER
    rules (each one a browser, none within 30 s of the same visitor)."""
    counted = 0
    for n in range(count * 2):
        if counted >= count:
            break
        at = now - timedelta(days=rng.uniform(0, 30 * DOWNLOAD_MONTHS),
                             seconds=rng.randint(0, 3600))
        address = f"{rng.choice(('192.0.2', '198.51.100', '203.0.113'))}.{n % 250 + 1}"
        if services.count_download(resource, address, rng.choice(BROWSERS), now=at):
            counted += 1
