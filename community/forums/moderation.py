"""Moderation of the forums: reports, the staff queue, hiding and restoring posts, and the
topic tools (lock, pin, move, hide).

Moderators are staff (``access.is_moderator``). Nothing is deleted: a hidden post keeps its
text for the moderators, and every act writes an audit entry in the same transaction, so the
trail commits or rolls back with the act. Services flush; the caller commits.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from community.accounts.models import User
from community.core import audit
from community.core.errors import NotFound, PermissionDenied, ValidationError
from community.core.inputs import parse_id
from community.core.notifications import notify
from community.core.permissions import require_signed_in
from community.core.timeutil import utcnow
from community.extensions import db
from community.forums import access, live, services
from community.forums.models import Category, Post, PostReport, Topic

REASON_MIN, REASON_MAX = 3, 1000
QUEUE_LIMIT = 100
QUEUE_PATH = "/foros/moderacion"
TOPIC_ACTIONS = ("lock", "unlock", "pin", "unpin", "hide", "restore", "move")


# --- permissions --------------------------------------------------------------------------


def require_moderator(user) -> None:
    require_signed_in(user)
    if not access.is_moderator(user):
        raise PermissionDenied(_l("Solo el personal de moderación puede hacer esto."))


def moderators() -> list[User]:
    """Everyone who reads the queue: active staff and admins."""
    return list(db.session.scalars(select(User).where(
        User.role.in_(("staff", "admin")), User.active.is_(True))))


def clean_reason(raw, message=None) -> str:
    """A reason is what a moderator reads later (and the person affected): never empty."""
    reason = " ".join(str(raw or "").split())
    if len(reason) < REASON_MIN:
        raise ValidationError({"reason": message or _l("Escribe el motivo.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _l("Escribe como máximo %(max)d caracteres.",
                                            max=REASON_MAX)})
    return reason


# --- reports ------------------------------------------------------------------------------


def open_report_of(user, post: Post) -> PostReport | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(PostReport).where(
        PostReport.post_id == post.id, PostReport.reporter_id == user.id,
        PostReport.resolved_at.is_(None)))


def report_post(actor, post: Post, reason, now: datetime | None = None) -> PostReport:
    """Flag a post for the moderators; one open report per person and post, so a person
    cannot push a post up the queue by reporting it again."""
    require_signed_in(actor)
    if not access.can_read_topic(actor, post.topic):
        raise NotFound()
    reason = clean_reason(reason, _l("Cuéntanos por qué reportas este mensaje."))
    if open_report_of(actor, post) is not None:
        raise ValidationError({"reason": _l("Ya reportaste este mensaje; el equipo de "
                                            "moderación lo revisará.")})
    report = PostReport(post_id=post.id, reporter_id=actor.id, reason=reason,
                        created_at=now or utcnow())
    db.session.add(report)
    db.session.flush()
    audit.record("forum.post_reported", actor=actor, target=post, report=report.id,
                 reason=reason)
    notify([m for m in moderators() if m.id != actor.id], "forum.report",
           _l("Reportaron un mensaje en «%(title)s»", title=post.topic.title), QUEUE_PATH)
    return report


@dataclass
class QueueItem:
    """One reported post with its open reports, for the staff queue."""

    post: Post
    reports: list[PostReport] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.reports)

    @property
    def first_reported_at(self) -> datetime:
        return self.reports[0].created_at


def queue(actor) -> list[QueueItem]:
    """Open reports grouped by post, the longest-waiting post first."""
    require_moderator(actor)
    rows = db.session.scalars(select(PostReport).where(PostReport.resolved_at.is_(None))
                              .order_by(PostReport.created_at, PostReport.id))
    items: dict[int, QueueItem] = {}
    for report in rows:
        if report.post_id not in items and len(items) >= QUEUE_LIMIT:
            continue
        items.setdefault(report.post_id, QueueItem(report.post)).reports.append(report)
    return list(items.values())


def open_report_count(actor) -> int:
    if not access.is_moderator(actor):
        return 0
    return len(db.session.scalars(select(PostReport.post_id).where(
        PostReport.resolved_at.is_(None)).distinct()).all())


def _resolve_reports(actor, post: Post, resolution: str, now: datetime) -> int:
    reports = list(db.session.scalars(select(PostReport).where(
        PostReport.post_id == post.id, PostReport.resolved_at.is_(None))))
    for report in reports:
        report.resolved_at = now
        report.resolved_by_id = actor.id
        report.resolution = resolution
    return len(reports)


def dismiss_reports(actor, post: Post, now: datetime | None = None) -> int:
    """The post is fine: close its open reports, leave the post as it is."""
    require_moderator(actor)
    closed = _resolve_reports(actor, post, "dismissed", now or utcnow())
    if closed:
        audit.record("forum.reports_dismissed", actor=actor, target=post, reports=closed)
    return closed


# --- posts --------------------------------------------------------------------------------


def hide_post(actor, post: Post, reason, now: datetime | None = None) -> Post:
    """Hide a post from everyone but the moderators; its text stays for the record."""
    require_moderator(actor)
    reason = clean_reason(reason, _l("Escribe el motivo para ocultar el mensaje."))
    if post.status == "hidden":
        raise ValidationError({"reason": _l("Este mensaje ya está oculto.")})
    closed = _resolve_reports(actor, post, "hidden", now or utcnow())
    previous = post.status
    post.status = "hidden"
    post.moderated_by_id = actor.id
    post.moderation_reason = reason
    db.session.flush()
    audit.record("forum.post_hidden", actor=actor, target=post, reason=reason,
                 previous=previous, reports=closed)
    live.post_changed(post)
    return post


def restore_post(actor, post: Post, now: datetime | None = None) -> Post:
    """Undo a hide. A post its author withdrew stays withdrawn: that was their choice."""
    require_moderator(actor)
    if post.status != "hidden":
        raise ValidationError({"reason": _l("Solo se restauran mensajes ocultos por "
                                            "moderación.")})
    closed = _resolve_reports(actor, post, "restored", now or utcnow())
    post.status = "visible"
    post.moderated_by_id = actor.id
    previous_reason, post.moderation_reason = post.moderation_reason, None
    db.session.flush()
    audit.record("forum.post_restored", actor=actor, target=post,
                 hidden_reason=previous_reason, reports=closed)
    live.post_changed(post)
    return post


def moderate_post(actor, post: Post, action: str, reason=None) -> Post:
    """One of the post tools (hide, restore, dismiss its reports), named by ``action``."""
    if action == "hide":
        return hide_post(actor, post, reason)
    if action == "restore":
        return restore_post(actor, post)
    if action == "dismiss":
        dismiss_reports(actor, post)
        return post
    require_moderator(actor)
    raise ValidationError({"action": _l("Elige una acción válida.")})


def recent_posts(actor, person: User, limit: int = 5) -> list[Post]:
    """What a person wrote lately, whatever its status, so a moderator deciding on a
    suspension has the facts at hand."""
    require_moderator(actor)
    return list(db.session.scalars(select(Post).where(Post.author_id == person.id)
                                   .order_by(Post.created_at.desc()).limit(limit)))


def post_history(actor, post: Post) -> list:
    """The earlier texts of a post, newest first (moderators only)."""
    require_moderator(actor)
    return services.revisions(actor, post)


def get_topic_any(actor, topic_id: int) -> Topic:
    """A topic for a moderator, hidden or not; others go through ``services.get_topic`` and
    its reading rules."""
    if access.is_moderator(actor):
        topic = db.session.get(Topic, topic_id)
        if topic is None:
            raise NotFound()
        return topic
    return services.get_topic(actor, topic_id)


def get_post_any(actor, post_id: int) -> Post:
    """A post for a moderator, whatever its status or its topic's; others go through
    ``services.get_post`` and its reading rules."""
    if access.is_moderator(actor):
        post = db.session.get(Post, post_id)
        if post is None:
            raise NotFound()
        return post
    return services.get_post(actor, post_id)


# --- topics -------------------------------------------------------------------------------


def _set_flag(actor, topic: Topic, name: str, value: bool, **details) -> None:
    if getattr(topic, name) == value:
        return
    setattr(topic, name, value)
    db.session.flush()
    verb = {("locked", True): "locked", ("locked", False): "unlocked",
            ("pinned", True): "pinned", ("pinned", False): "unpinned",
            ("hidden", True): "hidden", ("hidden", False): "restored"}[(name, value)]
    audit.record(f"forum.topic_{verb}", actor=actor, target=topic, **details)


def move_topic(actor, topic: Topic, raw_category) -> Topic:
    """Move a topic; both categories' counters are recounted (they are a cache)."""
    require_moderator(actor)
    target = _category(raw_category)
    if target.id == topic.category_id:
        raise ValidationError({"category": _l("El tema ya está en esa categoría.")})
    source = topic.category
    # The locks in the order replies take them (topic, then categories, then the page
    # cache's version row at the flush), so a move and a reply never wait on each other.
    db.session.execute(select(Topic.id).where(Topic.id == topic.id).with_for_update())
    services.lock_categories(source, target)
    topic.category_id = target.id
    topic.category = target
    db.session.flush()
    services.refresh_counters(source)
    services.refresh_counters(target)
    audit.record("forum.topic_moved", actor=actor, target=topic, source=source.slug,
                 destination=target.slug)
    return topic


def _category(raw) -> Category:
    message = _l("Elige una categoría de la lista.")
    category_id = parse_id(raw, "category", message)
    category = db.session.get(Category, category_id) if category_id else None
    if category is None:
        raise ValidationError({"category": message})
    return category


def moderate_topic(actor, topic: Topic, raw: Mapping) -> Topic:
    """One of the topic tools, named by ``raw["action"]``."""
    require_moderator(actor)
    action = str(raw.get("action") or "")
    if action not in TOPIC_ACTIONS:
        raise ValidationError({"action": _l("Elige una acción válida.")})
    if action == "move":
        return move_topic(actor, topic, raw.get("category"))
    if action == "hide":
        reason = clean_reason(raw.get("reason"), _l("Escribe el motivo para ocultar el tema."))
        _set_flag(actor, topic, "hidden", True, reason=reason)
        return topic
    name, value = {"lock": ("locked", True), "unlock": ("locked", False),
                   "pin": ("pinned", True), "unpin": ("pinned", False),
                   "restore": ("hidden", False)}[action]
    _set_flag(actor, topic, name, value)
    return topic


def move_choices(topic: Topic) -> list[Category]:
    """The categories a topic may move to (every other one)."""
    return [c for c in db.session.scalars(select(Category).order_by(Category.position,
                                                                     Category.name))
            if c.id != topic.category_id]
