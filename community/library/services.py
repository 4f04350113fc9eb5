"""The rules of the library: who publishes, what a record must say, how files become versions,
how a table of contents becomes parts, and how downloads are counted.

Every function takes the acting user; permission and validation failures raise; the caller
commits once. Reading rules (who sees and who reads a resource) live in ``access`` so that
search, the API and OAI-PMH ask the same questions.
"""

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from counter_robots import is_robot_or_machine
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from community.core import audit
from community.core.catalog import activity_areas
from community.core.errors import NotFound, PermissionDenied, ValidationError
from community.core.inputs import DESCRIPTION_MAX, REASON_MAX, as_id, check_length
from community.core.permissions import require_staff
from community.core.text import slugify
from community.core.timeutil import to_local, utcnow
from community.extensions import db
from community.library import access
from community.library.labels import FORMATS, KINDS, LANGUAGES, RIGHTS
from community.library.models import (
    Creator,
    DownloadMonth,
    RecentDownload,
    Resource,
    ResourceFile,
    Series,
    Subject,
)

TEXT_LIMITS = {"title": 250, "publisher": 200, "identifier": 120}
MAX_CREATORS = 40
CREATOR_NAME_MAX = 160
AFFILIATION_MAX = 200
MAX_PARTS = 80
MAX_ISSUE_NUMBER = 10_000
EARLIEST_YEAR = 1900
PART_KINDS = {"issue": "article", "manual": "chapter"}  # what a part of each kind is called
STATUSES = ("draft", "published", "withdrawn")
RESERVED_SLUGS = {"gestion", "series", "portada", "nuevo", "temas", "api"}
DOUBLE_CLICK = timedelta(seconds=30)  # COUNTER: repeats within 30 s count once
SUBJECT_NAME_MAX = 120


def require_publisher(user) -> None:
    """Staff publish the library; nobody else writes in it."""
    require_staff(user)


# --- reading ----------------------------------------------------------------------------------


def get_by_slug(user, slug: str) -> Resource:
    """The resource behind a public address; drafts are 404 for everyone but staff. A
    withdrawn one is returned: the page answers 410 with its note."""
    resource = db.session.scalar(select(Resource).where(Resource.slug == str(slug)[:120]))
    if resource is None or not access.can_see(user, resource):
        raise NotFound(slug)
    return resource


def get_for_staff(user, resource_id) -> Resource:
    require_publisher(user)
    resource = db.session.get(Resource, as_id(resource_id) or 0)
    if resource is None:
        raise NotFound(resource_id)
    return resource


def get_series(slug: str) -> Series:
    series = db.session.scalar(select(Series).where(Series.slug == str(slug)[:90]))
    if series is None:
        raise NotFound(slug)
    return series


def subjects() -> list[Subject]:
    return list(db.session.scalars(select(Subject).order_by(Subject.position, Subject.id)))


def all_series() -> list[Series]:
    return list(db.session.scalars(select(Series).order_by(Series.title)))


def file_of(resource: Resource) -> ResourceFile | None:
    """The file a resource is read from: its own, or its parent's for a part."""
    owner = access.effective(resource)
    return owner.current_file


def file_version(resource: Resource, version) -> ResourceFile:
    """An earlier version of the resource's file, by number (listed on its page)."""
    owner = access.effective(resource)
    number = as_id(version)
    for stored in owner.files:
        if stored.version == number:
            return stored
    raise NotFound(version)


# --- cleaning what staff type -----------------------------------------------------------------


def _clean_text(raw: Mapping, name: str, errors: dict, required: bool = False) -> str:
    value = " ".join(str(raw.get(name) or "").split())
    try:
        value = check_length(value, TEXT_LIMITS[name], name)
    except ValidationError as error:
        errors.update(error.errors)
    if required and not value:
        errors[name] = _l("Este dato es obligatorio.")
    return value


def _clean_choice(raw: Mapping, name: str, choices, errors: dict, default=None):
    value = str(raw.get(name) or "").strip() or default
    if value not in choices:
        errors[name] = _l("Elige una de las opciones de la lista.")
    return value


def clean_issued(value) -> date | None:
    """A publication date as people know it: "2021", "2021-06" or "2021-06-15"."""
    text = str(value or "").strip()
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text)
    if not match:
        return None
    year, month, day = int(match[1]), int(match[2] or 1), int(match[3] or 1)
    try:
        issued = date(year, month, day)
    except ValueError:
        return None
    if year < EARLIEST_YEAR or issued > date.today() + timedelta(days=366):
        return None
    return issued


def parse_creators(text: str, field: str = "creators") -> list[tuple[str, str]]:
    """One person a line: "Nombre Apellido (Institución)" or "Nombre Apellido | Institución";
    ";" also separates people on one line (how a table of contents lists them)."""
    people = []
    for line in re.split(r"[\n;]", str(text or "")):
        line = " ".join(line.split())
        if not line:
            continue
        name, affiliation = _split_affiliation(line)
        if not name:
            raise ValidationError({field: _l("Falta el nombre en «%(line)s».", line=line[:60])})
        if len(name) > CREATOR_NAME_MAX or len(affiliation) > AFFILIATION_MAX:
            raise ValidationError({field: _l("El nombre o la institución de «%(line)s» es "
                                             "demasiado largo.", line=line[:60])})
        people.append((name, affiliation))
    if len(people) > MAX_CREATORS:
        raise ValidationError({field: _l("Anota como máximo %(n)d personas.", n=MAX_CREATORS)})
    return people


def _split_affiliation(line: str) -> tuple[str, str]:
    if "|" in line:
        name, _sep, affiliation = line.partition("|")
        return name.strip(), affiliation.strip()
    # "Ana López (Universidad Autónoma del Estado de México (UAEMex))": the name has no
    # parenthesis; the affiliation is everything inside the outer pair, its own included.
    match = re.fullmatch(r"([^()]*?)\s*\((.*)\)", line)
    if match:
        return match[1].strip(), match[2].strip()
    return line, ""


def creators_text(resource: Resource) -> str:
    """The form's text for the creators, the inverse of :func:`parse_creators`."""
    return "\n".join(f"{c.name} ({c.affiliation})" if c.affiliation else c.name
                     for c in resource.creators)


def clean_metadata(raw: Mapping) -> dict:
    """The record's fields, checked; every problem reported at once, by field."""
    errors: dict = {}
    cleaned = {name: _clean_text(raw, name, errors, required=name == "title")
               for name in TEXT_LIMITS}
    cleaned["kind"] = _clean_choice(raw, "kind", KINDS, errors)
    cleaned["language"] = _clean_choice(raw, "language", LANGUAGES, errors, "es")
    cleaned["rights"] = _clean_choice(raw, "rights", RIGHTS, errors, "cc-by-nc-4.0")
    cleaned["access"] = _clean_choice(raw, "access", access.ACCESS_LEVELS, errors, "public")
    cleaned["issued"] = clean_issued(raw.get("issued"))
    if cleaned["issued"] is None:
        errors["issued"] = _l("Escribe el año (2021), el mes (2021-06) o la fecha completa "
                              "(2021-06-15) de la publicación.")
    try:
        cleaned["description"] = check_length(str(raw.get("description") or "").strip(),
                                              DESCRIPTION_MAX, "description")
        cleaned["creators"] = parse_creators(raw.get("creators"))
    except ValidationError as error:
        errors.update(error.errors)
    cleaned["subjects"] = _clean_subjects(_as_list(raw, "subjects"), errors)
    cleaned["areas"] = _clean_areas(_as_list(raw, "areas"), errors)
    _clean_series_fields(raw, cleaned, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _as_list(raw: Mapping, name: str) -> list[str]:
    if hasattr(raw, "getlist"):
        values = raw.getlist(name)
    else:
        values = raw.get(name) or []
        values = [values] if isinstance(values, str) else list(values)
    return [str(v).strip() for v in values if str(v).strip()][:50]


def _clean_subjects(slugs: list[str], errors: dict) -> list[Subject]:
    known = {s.slug: s for s in subjects()}
    if any(slug not in known for slug in slugs):
        errors["subjects"] = _l("Elige temas de la lista.")
    return [known[slug] for slug in dict.fromkeys(slugs) if slug in known]


def _clean_areas(fractions: list[str], errors: dict) -> list:
    known = {a.fraction: a for a in activity_areas()}
    if any(fraction not in known for fraction in fractions):
        errors["areas"] = _l("Elige áreas de la lista.")
    return [known[f] for f in dict.fromkeys(fractions) if f in known]


def _clean_series_fields(raw: Mapping, cleaned: dict, errors: dict) -> None:
    """An issue names its series, its number and whether it was printed or digital."""
    slug = str(raw.get("series") or "").strip()
    cleaned["series"] = None
    cleaned["issue_number"] = None
    cleaned["issue_format"] = None
    if cleaned.get("kind") != "issue":
        return
    series = db.session.scalar(select(Series).where(Series.slug == slug[:90])) if slug else None
    if series is None:
        errors["series"] = _l("Un número de revista pertenece a una serie: elígela.")
    cleaned["series"] = series
    number = as_id(raw.get("issue_number"))
    if number is None or number > MAX_ISSUE_NUMBER:
        errors["issue_number"] = _l("Escribe el número de la revista (1, 2, 3…).")
    cleaned["issue_number"] = number
    cleaned["issue_format"] = _clean_choice(raw, "issue_format", FORMATS, errors, "print")


# --- writing records --------------------------------------------------------------------------


def create_resource(actor, raw: Mapping) -> Resource:
    require_publisher(actor)
    cleaned = clean_metadata(raw)
    resource = Resource(slug=unique_slug(cleaned["title"]), status="draft",
                        created_by_id=actor.id)
    _apply(resource, cleaned)
    db.session.add(resource)
    db.session.flush()
    audit.record("library.create", actor, resource, title=resource.title)
    return resource


def update_resource(actor, resource: Resource, raw: Mapping) -> Resource:
    require_publisher(actor)
    cleaned = clean_metadata(raw)
    if resource.parts and cleaned["kind"] not in PART_KINDS:
        raise ValidationError({"kind": _l("Este recurso tiene índice: solo puede ser un número "
                                          "de revista o un manual.")})
    _apply(resource, cleaned)
    db.session.flush()
    audit.record("library.update", actor, resource, title=resource.title)
    return resource


def _apply(resource: Resource, cleaned: dict) -> None:
    for name in ("title", "publisher", "identifier", "kind", "language", "rights", "access",
                 "issued", "description", "issue_number", "issue_format"):
        setattr(resource, name, cleaned[name])
    resource.series = cleaned["series"]
    resource.subjects = cleaned["subjects"]
    resource.areas = cleaned["areas"]
    resource.creators = [Creator(position=n, name=name, affiliation=affiliation)
                         for n, (name, affiliation) in enumerate(cleaned["creators"])]
    if not resource.parent_id and not resource.parts:
        return
    resource.updated_at = utcnow()  # a parent's change reaches its parts' records


def unique_slug(title: str) -> str:
    """A resource's address: its title's words, never one of the library's own paths."""
    base = slugify(title, max_length=100) or "recurso"
    if base in RESERVED_SLUGS or base.isdigit():
        base = f"{base}-recurso"
    return _free_slug(Resource.slug, base)


def _free_slug(column, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… : the first that no row of ``column`` holds."""
    taken = set(db.session.scalars(select(column).where(column.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def publish(actor, resource: Resource) -> None:
    """Draft or withdrawn -> published. A part follows its parent and has no status of its
    own to change."""
    require_publisher(actor)
    _refuse_part(resource)
    if resource.status == "published":
        return
    resource.status = "published"
    resource.published_at = resource.published_at or utcnow()
    resource.withdrawn_at = None
    resource.withdrawn_note = None
    _touch_parts(resource)
    audit.record("library.publish", actor, resource, title=resource.title)


def withdraw(actor, resource: Resource, note: str) -> None:
    """Published -> withdrawn. The page stays, answering 410 with the note, so a citation
    leads somewhere that says why."""
    require_publisher(actor)
    _refuse_part(resource)
    note = check_length(" ".join(str(note or "").split()), REASON_MAX, "note")
    if not note:
        raise ValidationError({"note": _l("Explica por qué se retira; el aviso lo verá quien "
                                          "llegue por un enlace.")})
    if resource.status != "published":
        raise ValidationError({"note": _l("Solo se retira un recurso publicado.")})
    resource.status = "withdrawn"
    resource.withdrawn_note = note
    resource.withdrawn_at = utcnow()
    _touch_parts(resource)
    audit.record("library.withdraw", actor, resource, title=resource.title, note=note)


def _refuse_part(resource: Resource) -> None:
    if resource.parent_id:
        raise ValidationError({"status": _l("Esta parte se publica y se retira junto con "
                                            "«%(title)s».", title=resource.parent.title)})


def _touch_parts(resource: Resource) -> None:
    """Parts follow their parent: their records change when it does (search, OAI-PMH)."""
    now = utcnow()
    resource.updated_at = now
    for part in resource.parts:
        part.updated_at = now


# --- files ------------------------------------------------------------------------------------


def attach_file(actor, resource: Resource, stored, info, note: str = "") -> ResourceFile:
    """A new version of the resource's PDF (``stored``: what ``uploads`` kept; ``info``: what
    the PDF check found). Earlier versions stay, listed. The text and the cover are made in
    the background (``extraction``): a request never parses the document."""
    require_publisher(actor)
    if resource.parent_id:
        raise ValidationError({"file": _l("Esta parte usa el PDF de «%(title)s».",
                                          title=resource.parent.title)})
    note = check_length(" ".join(str(note or "").split()), 300, "note")
    version = (db.session.scalar(select(func.max(ResourceFile.version))
                                 .where(ResourceFile.resource_id == resource.id)) or 0) + 1
    new = ResourceFile(resource_id=resource.id, version=version, stored_name=stored.stored_name,
                       original_name=stored.original_name, size=stored.size,
                       sha256=stored.sha256, pages=info.pages,
                       has_javascript=info.has_javascript, note=note,
                       uploaded_by_id=actor.id, text_status="pending")
    db.session.add(new)
    db.session.flush()
    resource.current_file = new
    _touch_parts(resource)
    audit.record("library.file", actor, resource, version=version, pages=info.pages,
                 size=stored.size, name=stored.original_name)
    return new


# --- table of contents --------------------------------------------------------------------------


@dataclass(frozen=True)
class TocEntry:
    title: str
    creators: list[tuple[str, str]]
    first_page: int
    last_page: int


def toc_text(resource: Resource) -> str:
    """The form's text for the table of contents, the inverse of :func:`parse_toc`."""
    lines = []
    for part in resource.parts:
        people = "; ".join(f"{c.name} ({c.affiliation})" if c.affiliation else c.name
                           for c in part.creators)
        lines.append(f"{part.first_page}-{part.last_page} | {part.title} | {people}".rstrip(" |"))
    return "\n".join(lines)


def parse_toc(text: str, pages: int | None) -> list[TocEntry]:
    """One article a line: "5-12 | Título | Nombre (Institución); Otra persona (UAEMex)".
    Errors name the line, so a long index is easy to fix."""
    entries = []
    for number, line in enumerate(str(text or "").splitlines(), start=1):
        if not line.strip():
            continue
        entries.append(_toc_line(number, line, pages))
    if len(entries) > MAX_PARTS:
        raise ValidationError({"toc": _l("El índice admite como máximo %(n)d partes.",
                                         n=MAX_PARTS)})
    return entries


def _toc_line(number: int, line: str, pages: int | None) -> TocEntry:
    cells = [cell.strip() for cell in line.split("|")]
    match = re.fullmatch(r"(\d{1,5})\s*(?:[-–]\s*(\d{1,5}))?", cells[0])
    if len(cells) < 2 or not match or not cells[1]:
        raise ValidationError({"toc": _l(
            "Línea %(n)d: escribe «páginas | título | autores», por ejemplo "
            "«5-12 | La participación ciudadana | Ana López (UAEMex)».", n=number)})
    first, last = int(match[1]), int(match[2] or match[1])
    if first < 1 or last < first or (pages is not None and last > pages):
        raise ValidationError({"toc": _l(
            "Línea %(n)d: las páginas %(first)d-%(last)d no están dentro del PDF "
            "(%(pages)s páginas).", n=number, first=first, last=last, pages=pages or "?")})
    if len(cells[1]) > TEXT_LIMITS["title"]:
        raise ValidationError({"toc": _l("Línea %(n)d: el título es demasiado largo.", n=number)})
    creators = parse_creators(cells[2] if len(cells) > 2 else "", field="toc")
    return TocEntry(title=" ".join(cells[1].split()), creators=creators,
                    first_page=first, last_page=last)


def set_parts(actor, resource: Resource, text: str) -> list[Resource]:
    """Replace the table of contents. A part keeps its address (and its download count) when
    its title stays; parts no longer listed are removed."""
    require_publisher(actor)
    if resource.kind not in PART_KINDS:
        raise ValidationError({"toc": _l("Solo un número de revista o un manual tiene índice.")})
    current = resource.current_file
    entries = parse_toc(text, current.pages if current else None)
    existing = {part.title.casefold(): part for part in resource.parts}
    parts = []
    for position, entry in enumerate(entries):
        part = existing.pop(entry.title.casefold(), None) or _new_part(resource, entry)
        _apply_entry(resource, part, entry, position)
        parts.append(part)
    resource.parts = parts
    db.session.flush()
    audit.record("library.toc", actor, resource, parts=len(parts))
    return parts


def _new_part(resource: Resource, entry: TocEntry) -> Resource:
    part = Resource(slug=unique_slug(entry.title), status="published", title=entry.title,
                    issued=resource.issued, kind=PART_KINDS[resource.kind])
    db.session.add(part)
    return part


def _apply_entry(resource: Resource, part: Resource, entry: TocEntry, position: int) -> None:
    """A part shares its parent's publication facts; its own are title, authors, pages."""
    part.title, part.position = entry.title, position
    part.first_page, part.last_page = entry.first_page, entry.last_page
    part.kind = PART_KINDS[resource.kind]
    for name in ("issued", "language", "rights", "publisher", "access"):
        setattr(part, name, getattr(resource, name))
    if not part.subjects:
        part.subjects = list(resource.subjects)
    if not part.areas:
        part.areas = list(resource.areas)
    part.creators = [Creator(position=n, name=name, affiliation=affiliation)
                     for n, (name, affiliation) in enumerate(entry.creators)]
    part.updated_at = utcnow()


# --- series and subjects ----------------------------------------------------------------------


def save_series(actor, raw: Mapping, series: Series | None = None) -> Series:
    require_publisher(actor)
    title = check_length(" ".join(str(raw.get("title") or "").split()), 200, "title")
    if not title:
        raise ValidationError({"title": _l("Este dato es obligatorio.")})
    description = check_length(str(raw.get("description") or "").strip(), DESCRIPTION_MAX,
                               "description")
    publisher = check_length(" ".join(str(raw.get("publisher") or "").split()), 200, "publisher")
    identifier = check_length(" ".join(str(raw.get("identifier") or "").split()), 120,
                              "identifier")
    if series is None:
        series = Series(slug=_unique_series_slug(title))
        db.session.add(series)
    series.title, series.description = title, description
    series.publisher, series.identifier = publisher, identifier
    db.session.flush()
    audit.record("library.series", actor, series, title=title)
    return series


def _unique_series_slug(title: str) -> str:
    return _free_slug(Series.slug, slugify(title, max_length=80) or "serie")


def add_subject(actor, name: str) -> Subject:
    require_publisher(actor)
    name = _subject_name(name)
    slug = slugify(name, max_length=60) or "tema"
    if db.session.scalar(select(Subject.id).where(Subject.slug == slug)) is not None:
        raise ValidationError({"name": _l("Ese tema ya está en la lista.")})
    position = (db.session.scalar(select(func.max(Subject.position))) or 0) + 1
    subject = Subject(slug=slug, name=name, position=position)
    db.session.add(subject)
    db.session.flush()
    audit.record("library.subject", actor, subject, name=name)
    return subject


def rename_subject(actor, subject_id, name: str) -> Subject:
    """The slug stays: links and harvested records keep working."""
    require_publisher(actor)
    subject = db.session.get(Subject, as_id(subject_id) or 0)
    if subject is None:
        raise NotFound(subject_id)
    subject.name = _subject_name(name)
    audit.record("library.subject", actor, subject, name=subject.name)
    return subject


def _subject_name(name) -> str:
    name = check_length(" ".join(str(name or "").split()), SUBJECT_NAME_MAX, "name")
    if not name:
        raise ValidationError({"name": _l("Escribe el nombre del tema.")})
    return name


# --- downloads --------------------------------------------------------------------------------


def visitor_key(address: str | None, user_agent: str | None, now: datetime) -> str:
    """A day's keyed hash of address and browser: repeats are recognised, people are not
    (the key changes daily and neither value is stored)."""
    secret = current_app.config["SECRET_KEY"].encode()
    message = f"{now:%Y-%m-%d}|{address or ''}|{user_agent or ''}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def is_robot(user_agent: str | None) -> bool:
    """COUNTER's list of robots and machines (the counter-robots package); no browser at all
    is a machine too."""
    return not user_agent or is_robot_or_machine(user_agent)


def count_download(resource: Resource, address: str | None, user_agent: str | None,
                   now: datetime | None = None) -> bool:
    """Count one download, unless a robot asked or the same visitor did in the last 30 s.
    Counters change in SQL; the visitor row's primary key settles two requests at once."""
    if is_robot(user_agent):
        return False
    now = now or utcnow()
    visitor = visitor_key(address, user_agent, now)
    if not _claim_visit(resource.id, visitor, now):
        return False
    _add_to_month(resource.id, f"{to_local(now):%Y-%m}")  # the month in Mexico City
    db.session.execute(update(Resource).where(Resource.id == resource.id)
                       .values(download_count=Resource.download_count + 1))
    return True


def _claim_visit(resource_id: int, visitor: str, now: datetime) -> bool:
    cutoff = now - DOUBLE_CLICK
    db.session.execute(delete(RecentDownload).where(RecentDownload.resource_id == resource_id,
                                                    RecentDownload.at < now - timedelta(hours=1)))
    claimed = db.session.execute(
        update(RecentDownload)
        .where(RecentDownload.resource_id == resource_id, RecentDownload.visitor == visitor,
               RecentDownload.at < cutoff)
        .values(at=now)).rowcount
    if claimed:
        return True
    try:
        with db.session.begin_nested():
            db.session.add(RecentDownload(resource_id=resource_id, visitor=visitor, at=now))
        return True
    except IntegrityError:
        return False  # counted moments ago


def _add_to_month(resource_id: int, month: str) -> None:
    done = db.session.execute(
        update(DownloadMonth)
        .where(DownloadMonth.resource_id == resource_id, DownloadMonth.month == month)
        .values(count=DownloadMonth.count + 1)).rowcount
    if done:
        return
    try:
        with db.session.begin_nested():
            db.session.add(DownloadMonth(resource_id=resource_id, month=month, count=1))
    except IntegrityError:
        db.session.execute(
            update(DownloadMonth)
            .where(DownloadMonth.resource_id == resource_id, DownloadMonth.month == month)
            .values(count=DownloadMonth.count + 1))


def downloads_by_month(resource: Resource, months: int = 12) -> list[tuple[str, int]]:
    rows = db.session.execute(
        select(DownloadMonth.month, DownloadMonth.count)
        .where(DownloadMonth.resource_id == resource.id)
        .order_by(DownloadMonth.month.desc()).limit(months))
    return [(month, count) for month, count in rows]


def require_staff_view(user) -> None:
    if not access.is_staff(user):
        raise PermissionDenied(_l("Solo el personal de la Dirección puede ver esto."))
