"""Library rows built directly with the models (no services): a resource, its file with the
text of each page, and parts that read page ranges of it."""

from datetime import date
from hashlib import sha256

from community.core.models import ActivityArea
from community.extensions import db
from community.library.models import Creator, Resource, ResourceFile, ResourcePage

_counter = {"n": 0}


def _slug(title: str) -> str:
    _counter["n"] += 1
    words = "-".join("".join(ch for ch in word.lower() if ch.isalnum())
                     for word in title.split()[:6])
    return f"{words}-{_counter['n']}"[:110]


def make_resource(title: str, *, pages: list[str] | None = None, parts=(), kind="book",
                  status="published", access="public", description="",
                  creators=(), areas=(), issued=date(2024, 5, 1), commit=True,
                  **fields) -> Resource:
    """A resource with, when ``pages`` is given, one file (version 1, text extracted) whose
    page ``n`` holds ``pages[n - 1]``.

    ``parts``: dicts with ``title``, ``first_page``, ``last_page`` (and optionally
    ``creators``, ``status``, ``description``, ``access``): parts reading those pages of this
    resource's file. ``creators``: names or (name, affiliation) pairs.
    """
    resource = Resource(slug=_slug(title), kind=kind, title=title, description=description,
                        issued=issued, status=status, access=access, **fields)
    _add_creators(resource, creators)
    if areas:
        resource.areas = [db.session.get(ActivityArea, fraction) for fraction in areas]
    db.session.add(resource)
    db.session.flush()
    if pages is not None:
        add_file(resource, pages)
    for position, spec in enumerate(parts):
        spec = dict(spec)
        part = Resource(slug=_slug(spec["title"]), kind=spec.pop("kind", "article"),
                        title=spec.pop("title"), issued=issued, position=position,
                        status=spec.pop("status", "published"),
                        access=spec.pop("access", "public"),
                        description=spec.pop("description", ""),
                        parent_id=resource.id, **{k: v for k, v in spec.items()
                                                 if k != "creators"})
        _add_creators(part, spec.get("creators", ()))
        db.session.add(part)
    if commit:
        db.session.commit()
    return resource


def _add_creators(resource: Resource, creators) -> None:
    for position, creator in enumerate(creators):
        name, affiliation = (creator, "") if isinstance(creator, str) else creator
        resource.creators.append(Creator(position=position, name=name,
                                         affiliation=affiliation))


def add_file(resource: Resource, pages: list[str], text_status="done") -> ResourceFile:
    """A new version of the resource's file, made current, with one text row per page."""
    version = 1 + max((f.version for f in resource.files), default=0)
    digest = sha256("\n".join(pages).encode()).hexdigest()
    stored = ResourceFile(resource_id=resource.id, version=version, stored_name=digest[:32],
                          original_name=f"{resource.slug}.pdf", size=1000 + len(pages),
                          sha256=digest, pages=len(pages), text_status=text_status)
    db.session.add(stored)
    db.session.flush()
    db.session.add_all(ResourcePage(file_id=stored.id, number=n, text=text)
                       for n, text in enumerate(pages, start=1))
    resource.current_file_id = stored.id
    return stored


LOREM = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
         "incididunt ut labore et dolore magna aliqua. ")


def filler(chars: int = 600) -> str:
    """Page text that matches none of the tests' phrases, about ``chars`` long."""
    return (LOREM * (chars // len(LOREM) + 1))[:chars].strip()
