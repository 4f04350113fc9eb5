"""Category management by staff: create, edit and order the forum's categories.

Only moderators (``access.is_moderator``: staff and admins) manage categories, and every
change writes an audit entry in the same transaction. A category's slug is its address
(``/foros/<slug>``), so it is unique and never one of the fixed segments the forum's own
pages use (``RESERVED``). Categories are never deleted here: a category with topics holds
their history. Services flush; the caller commits.
"""

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from community.core import audit
from community.core.errors import NotFound, PermissionDenied, ValidationError
from community.core.permissions import require_signed_in
from community.core.text import slugify
from community.extensions import db
from community.forums import access
from community.forums.models import Category

# The groups the board (/foros) shows its categories under, in its order.
GROUPS = {"general": _l("General"), "region": _l("Por región"), "tema": _l("Por tema"),
          "anuncios": _l("Anuncios")}

# Fixed first segments of the forum's addresses (/foros/<segment>...): a category with one
# of these slugs would be shadowed by, or shadow, a page of the forum.
RESERVED = frozenset({"t", "p", "moderacion", "vista-previa", "menciones", "gestion",
                      "categorias", "nuevo"})

NAME_MIN, NAME_MAX = 3, 120
SLUG_MAX = 80
DESCRIPTION_MAX = 400
POSITION_MIN, POSITION_MAX = 0, 10_000
FIELDS = ("name", "slug", "description", "group", "position", "staff_topics_only",
          "members_only")


# --- permissions and reading --------------------------------------------------------------


def require_manager(user) -> None:
    require_signed_in(user)
    if not access.is_moderator(user):
        raise PermissionDenied(_l("Solo el personal administra las categorías de los foros."))


def all_categories(actor) -> list[Category]:
    """Every category, restricted ones included, in the board's order."""
    require_manager(actor)
    return list(db.session.scalars(select(Category).order_by(Category.position,
                                                             Category.name)))


def get_for_management(actor, category_id: int) -> Category:
    require_manager(actor)
    category = db.session.get(Category, category_id)
    if category is None:
        raise NotFound()
    return category


# --- cleaning -----------------------------------------------------------------------------


def _truthy(raw) -> bool:
    return str(raw or "").strip().lower() in {"1", "y", "yes", "on", "true", "si", "sí"}


def _clean_name(raw) -> str:
    name = " ".join(str(raw or "").split())
    if len(name) < NAME_MIN:
        raise ValidationError({"name": _l("Escribe un nombre de al menos %(min)d caracteres.",
                                          min=NAME_MIN)})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": _l("Escribe como máximo %(max)d caracteres.",
                                          max=NAME_MAX)})
    return name


def _clean_description(raw) -> str:
    description = " ".join(str(raw or "").split())
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError({"description": _l("Escribe como máximo %(max)d caracteres.",
                                                 max=DESCRIPTION_MAX)})
    return description


def _clean_group(raw) -> str:
    group = str(raw or "").strip()
    if group not in GROUPS:
        raise ValidationError({"group": _l("Elige un grupo de la lista.")})
    return group


def _clean_position(raw, field: str = "position") -> int:
    text = str(raw if raw is not None else "").strip()
    if not text:
        return 0
    try:
        position = int(text)
    except ValueError:
        position = None
    if position is None or not POSITION_MIN <= position <= POSITION_MAX:
        raise ValidationError({field: _l("Escribe un número entero de %(min)d a %(max)d.",
                                         min=POSITION_MIN, max=POSITION_MAX)})
    return position


def _slug_taken(slug: str, category: Category | None) -> bool:
    stmt = select(Category.id).where(Category.slug == slug)
    if category is not None and category.id is not None:
        stmt = stmt.where(Category.id != category.id)
    return db.session.scalar(stmt) is not None


def _clean_slug(raw, name: str | None, category: Category | None) -> str:
    """A slug typed by staff must be free and not reserved; an empty one is derived from the
    name, with a number added until it is free."""
    typed = str(raw or "").strip()
    if typed:
        slug = slugify(typed, max_length=SLUG_MAX)
        if slug != typed.lower():
            raise ValidationError({"slug": _l("Usa solo letras minúsculas sin acentos, números "
                                              "y guiones; por ejemplo: %(example)s.",
                                              example=slug)})
        if slug in RESERVED:
            raise ValidationError({"slug": _l("«%(slug)s» es una dirección de los foros; "
                                              "elige otra.", slug=slug)})
        if _slug_taken(slug, category):
            raise ValidationError({"slug": _l("Otra categoría ya usa esa dirección.")})
        return slug
    if category is not None and name is None:
        return category.slug
    base = slugify(name or "", max_length=SLUG_MAX - 4)
    slug, number = base, 1
    while slug in RESERVED or _slug_taken(slug, category):
        number += 1
        slug = f"{base}-{number}"
    return slug


def _clean(raw: Mapping, category: Category | None) -> dict:
    """Every field, every message at once (so the form shows them all)."""
    errors: dict = {}
    values: dict = {}
    for name, clean in (("name", lambda: _clean_name(raw.get("name"))),
                        ("description", lambda: _clean_description(raw.get("description"))),
                        ("group", lambda: _clean_group(raw.get("group"))),
                        ("position", lambda: _clean_position(raw.get("position")))):
        try:
            values[name] = clean()
        except ValidationError as error:
            errors.update(error.errors)
    try:
        values["slug"] = _clean_slug(raw.get("slug"), values.get("name"), category)
    except ValidationError as error:
        errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    values["staff_topics_only"] = _truthy(raw.get("staff_topics_only"))
    values["members_only"] = _truthy(raw.get("members_only"))
    return values


# --- writing ------------------------------------------------------------------------------


def create_category(actor, raw: Mapping) -> Category:
    require_manager(actor)
    values = _clean(raw, None)
    category = Category(**values)
    db.session.add(category)
    db.session.flush()
    audit.record("forum.category_created", actor=actor, target=category,
                 **{name: getattr(category, name) for name in FIELDS})
    return category


def update_category(actor, category: Category, raw: Mapping) -> Category:
    """Change a category; the audit entry names each field with its old and new value."""
    require_manager(actor)
    values = _clean(raw, category)
    changes = {name: [getattr(category, name), value] for name, value in values.items()
               if getattr(category, name) != value}
    if not changes:
        return category
    for name, (_old, value) in changes.items():
        setattr(category, name, value)
    db.session.flush()
    audit.record("forum.category_updated", actor=actor, target=category, changes=changes)
    return category


def reorder_categories(actor, positions: Mapping[int, object]) -> list[Category]:
    """Set the position of several categories at once: ``{category id: position}``. Errors
    are keyed ``position-<id>`` so each lands next to its row."""
    require_manager(actor)
    categories = {c.id: c for c in db.session.scalars(
        select(Category).where(Category.id.in_(list(positions))))}
    errors: dict = {}
    wanted: dict[int, int] = {}
    for category_id, raw in positions.items():
        if category_id not in categories:
            raise NotFound()
        try:
            wanted[category_id] = _clean_position(raw, f"position-{category_id}")
        except ValidationError as error:
            errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    moved = {}
    for category_id, position in wanted.items():
        category = categories[category_id]
        if category.position != position:
            moved[str(category_id)] = [category.position, position]
            category.position = position
    if moved:
        db.session.flush()
        audit.record("forum.categories_reordered", actor=actor, positions=moved)
    return all_categories(actor)
