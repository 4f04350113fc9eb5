"""Read side of the library's staff pages: the list of every resource with its file's state,
and the console's counts. Nothing here writes; the list asks ``services`` who may read it."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload, lazyload

from community.core.errors import ValidationError
from community.core.pagination import parse_page
from community.extensions import db
from community.library import services
from community.library.extraction import MAX_ATTEMPTS
from community.library.models import Resource, ResourceFile

PER_PAGE = 50
WAITING = ("pending", "running")
NO_TEXT = ("empty", "failed")

#: What a file's text status means to staff, by the state :func:`text_state` gives.
TEXT_STATES = {
    "done": _l("texto listo"),
    "empty": _l("sin texto buscable"),
    "waiting": _l("en proceso"),
    "failed": _l("falló"),
}

#: The list's file filter (``?archivo=``), in the URL's Spanish.
FILE_FILTERS = {
    "sin-archivo": _l("Sin PDF"),
    "en-proceso": _l("Texto en proceso"),
    "sin-texto": _l("Sin texto buscable o con error"),
    "listo": _l("Texto listo"),
}


def text_state(stored: ResourceFile | None) -> str | None:
    """done | empty | waiting | failed; a file the worker gave up on counts as failed."""
    if stored is None:
        return None
    if stored.text_status in WAITING:
        return "failed" if stored.attempts >= MAX_ATTEMPTS else "waiting"
    return stored.text_status if stored.text_status in TEXT_STATES else "failed"


@dataclass(frozen=True)
class ManageFilters:
    status: str | None = None
    file: str | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "ManageFilters":
        status = (args.get("estado") or "").strip() or None
        file = (args.get("archivo") or "").strip() or None
        errors = {}
        if status is not None and status not in services.STATUSES:
            errors["estado"] = _l("Elige un estado de la lista.")
        if file is not None and file not in FILE_FILTERS:
            errors["archivo"] = _l("Elige una opción de la lista.")
        if errors:
            raise ValidationError(errors)
        return cls(status=status, file=file, page=parse_page(args.get("page")))

    def as_args(self, **overrides) -> dict:
        args = {"estado": self.status, "archivo": self.file, "page": self.page}
        args.update(overrides)
        return {key: value for key, value in args.items() if value not in (None, "", 1)}


def _file_condition(name: str):
    current = ResourceFile
    gave_up = and_(current.text_status.in_(WAITING), current.attempts >= MAX_ATTEMPTS)
    if name == "sin-archivo":
        return Resource.current_file_id.is_(None)
    if name == "en-proceso":
        return and_(current.text_status.in_(WAITING), current.attempts < MAX_ATTEMPTS)
    if name == "sin-texto":
        return or_(current.text_status.in_(NO_TEXT), gave_up)
    return current.text_status == "done"


def manage_list(actor, filters: ManageFilters):
    """Every resource that is not a part, newest change first (staff only)."""
    services.require_publisher(actor)
    stmt = (select(Resource)
            .outerjoin(ResourceFile, ResourceFile.id == Resource.current_file_id)
            .where(Resource.parent_id.is_(None))
            .options(joinedload(Resource.current_file), lazyload(Resource.creators),
                     lazyload(Resource.subjects), lazyload(Resource.areas))
            .order_by(Resource.updated_at.desc(), Resource.id.desc()))
    if filters.status:
        stmt = stmt.where(Resource.status == filters.status)
    if filters.file:
        stmt = stmt.where(_file_condition(filters.file))
    return db.paginate(stmt, page=filters.page, per_page=PER_PAGE, error_out=False)


@dataclass(frozen=True)
class ConsoleCounts:
    drafts: int
    waiting: int
    no_text: int


def console_counts() -> ConsoleCounts:
    """Drafts, files whose text is being read, and current files without searchable text:
    one query."""
    drafts = (select(func.count(Resource.id))
              .where(Resource.status == "draft", Resource.parent_id.is_(None))
              .scalar_subquery())
    waiting = (select(func.count(ResourceFile.id))
               .where(ResourceFile.text_status.in_(WAITING),
                      ResourceFile.attempts < MAX_ATTEMPTS)
               .scalar_subquery())
    no_text = (select(func.count(Resource.id))
               .join(ResourceFile, ResourceFile.id == Resource.current_file_id)
               .where(Resource.status != "withdrawn", _file_condition("sin-texto"))
               .scalar_subquery())
    row = db.session.execute(select(drafts, waiting, no_text)).one()
    return ConsoleCounts(drafts=row[0] or 0, waiting=row[1] or 0, no_text=row[2] or 0)
