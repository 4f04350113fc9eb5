"""What the Bitácora shows for an entry's target: the OSC's name, the event's title, the
person's name, with a link where there is a page; one query per target type on the page,
never one per row."""

from dataclasses import dataclass

from sqlalchemy import select

from community.accounts.models import User
from community.events.models import Event
from community.extensions import db
from community.forums.models import Category, Topic
from community.profiles.models import Organization


@dataclass(frozen=True)
class Target:
    label: str
    endpoint: str | None = None
    values: dict | None = None


def _organizations(ids):
    rows = db.session.execute(select(Organization.id, Organization.name, Organization.slug)
                              .where(Organization.id.in_(ids)))
    return {i: Target(name, "profiles.profile", {"slug": slug}) for i, name, slug in rows}


def _events(ids):
    rows = db.session.execute(select(Event.id, Event.title, Event.slug).where(Event.id.in_(ids)))
    return {i: Target(title, "events.event", {"slug": slug}) for i, title, slug in rows}


def _users(ids):
    rows = db.session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    return {i: Target(name) for i, name in rows}


def _topics(ids):
    rows = db.session.execute(select(Topic.id, Topic.title, Topic.slug).where(Topic.id.in_(ids)))
    return {i: Target(title, "forums.topic", {"topic_id": i, "slug": slug})
            for i, title, slug in rows}


def _categories(ids):
    rows = db.session.execute(select(Category.id, Category.name).where(Category.id.in_(ids)))
    return {i: Target(name) for i, name in rows}


LOADERS = {"organization": _organizations, "event": _events, "user": _users,
           "topic": _topics, "category": _categories}


def audit_targets(entries) -> dict[tuple[str, str], Target]:
    """(target_type, target_id) -> Target for the entries of one page; a type without a
    loader, or a row that no longer exists, is left out (the template shows the raw pair)."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.target_type in LOADERS and (entry.target_id or "").isdigit():
            wanted.setdefault(entry.target_type, set()).add(int(entry.target_id))
    found = {}
    for kind, ids in wanted.items():
        for key, target in LOADERS[kind](sorted(ids)).items():
            found[(kind, str(key))] = target
    return found
