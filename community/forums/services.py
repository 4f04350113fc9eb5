"""The rules of the forums: who reads and writes where, posting, editing with history,
withdrawing, read markers and subscriptions.

Every function takes the acting user; permission and validation failures raise; the caller
commits once. Live pushes and notifications happen after commit (``core.notifications`` and
``community.forums.live``), so nobody sees a post that was rolled back.
"""

from collections.abc import Mapping
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import lazyload

from community.core.errors import NotFound, PermissionDenied, ValidationError
from community.core.inputs import POST_MAX, as_id, check_length
from community.core.permissions import require_signed_in
from community.core.sanitize import render_markdown
from community.core.text import slugify
from community.core.timeutil import utcnow
from community.extensions import db
from community.forums import live, notices
from community.forums.access import (
    can_read_category,
    can_read_topic,
    is_moderator,
    profiles_member_orgs,
)
from community.forums.access import (
    is_osc_member as is_osc_member,  # re-exported: tests/demo/test_forums.py asks here
)
from community.forums.mentions import link_mentions
from community.forums.models import Category, Post, PostRevision, Subscription, Topic, TopicRead
from community.profiles.models import Organization

TITLE_MIN, TITLE_MAX = 8, 200
BODY_MIN, BODY_MAX = 2, POST_MAX


# --- permissions (reading: ``access``) ---------------------------------------------------


def posting_problem(user, category: Category, topic: Topic | None = None):
    """Why this person may not write here now (a message), or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _l("Entra con tu cuenta para participar.")
    if user.email_confirmed_at is None:
        return _l("Confirma tu correo electrónico para participar en los foros.")
    if not can_read_category(user, category):
        return _l("Esta categoría es solo para integrantes de OSC.")
    if topic is None and category.staff_topics_only and not is_moderator(user):
        return _l("En esta categoría solo el personal abre temas.")
    if topic is not None and topic.locked and not is_moderator(user):
        return _l("Este tema está cerrado; ya no recibe respuestas.")
    return None


def require_can_post(user, category: Category, topic: Topic | None = None) -> None:
    require_signed_in(user)
    problem = posting_problem(user, category, topic)
    if problem:
        raise PermissionDenied(problem)


def can_edit_post(user, post: Post) -> bool:
    return getattr(user, "is_authenticated", False) and (
        post.author_id == user.id or is_moderator(user))


def edit_problem(user, post: Post):
    """Why this person may not edit this post (a message), or None: the rules of
    :func:`edit_post`, asked before the form or the Edit link is shown."""
    if not can_edit_post(user, post):
        return _l("Solo quien escribió el mensaje puede editarlo.")
    problem = _posting_rule_for_edit(user, post)
    if problem:
        return problem
    if post.status != "visible" and not is_moderator(user):
        return _l("Este mensaje ya no se puede editar.")
    return None


def _posting_rule_for_edit(user, post: Post):
    """The rules of posting that also hold for editing, with the same messages: a confirmed
    e-mail, and a topic that is not locked (moderators excepted)."""
    if user.email_confirmed_at is None:
        return _l("Confirma tu correo electrónico para participar en los foros.")
    if post.topic.locked and not is_moderator(user):
        return _l("Este tema está cerrado; ya no recibe respuestas.")
    return None


def require_can_edit(user, post: Post) -> None:
    require_signed_in(user)
    problem = edit_problem(user, post)
    if problem:
        raise PermissionDenied(problem)


# --- reading ------------------------------------------------------------------------------


def get_category(user, slug: str) -> Category:
    category = db.session.scalar(select(Category).where(Category.slug == slug))
    if category is None or not can_read_category(user, category):
        raise NotFound()
    return category


def get_topic(user, topic_id: int) -> Topic:
    topic = db.session.get(Topic, topic_id)
    if topic is None or not can_read_topic(user, topic):
        raise NotFound()
    return topic


def get_post(user, post_id: int) -> Post:
    post = db.session.get(Post, post_id)
    if post is None or not can_read_topic(user, post.topic):
        raise NotFound()
    return post


def visible_categories(user) -> list[Category]:
    """:func:`can_read_category` for every category, with membership asked at most once."""
    rows = list(db.session.scalars(select(Category).order_by(Category.position,
                                                             Category.name)))
    restricted = [category for category in rows if category.members_only]
    if restricted and not can_read_category(user, restricted[0]):
        return [category for category in rows if not category.members_only]
    return rows


# --- writing ------------------------------------------------------------------------------


def clean_title(raw) -> str:
    title = " ".join(str(raw or "").split())
    if len(title) < TITLE_MIN:
        raise ValidationError({"title": _l("Escribe un título de al menos %(min)d caracteres.",
                                           min=TITLE_MIN)})
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": _l("Escribe como máximo %(max)d caracteres.",
                                           max=TITLE_MAX)})
    return title


def clean_body(raw) -> str:
    body = check_length(str(raw or "").strip(), BODY_MAX, "body")
    if len(body) < BODY_MIN:
        raise ValidationError({"body": _l("Escribe tu mensaje.")})
    return body


def _on_behalf(user, raw_org) -> Organization | None:
    """The OSC a person writes for; only one they belong to."""
    if not raw_org:
        return None
    for org in profiles_member_orgs(user):
        if str(org.id) == str(raw_org) or org.slug == str(raw_org):
            return org
    raise ValidationError({"organization": _l("Solo puedes escribir a nombre de una OSC de la "
                                              "que formas parte.")})


def create_topic(actor, category: Category, raw: Mapping, now: datetime | None = None) -> Topic:
    require_can_post(actor, category)
    errors: dict = {}
    title = body = organization = None
    for name, clean in (("title", lambda: clean_title(raw.get("title"))),
                        ("body", lambda: clean_body(raw.get("body"))),
                        ("organization", lambda: _on_behalf(actor, raw.get("organization")))):
        try:
            value = clean()
        except ValidationError as error:
            errors.update(error.errors)
            continue
        if name == "title":
            title = value
        elif name == "body":
            body = value
        else:
            organization = value
    if errors:
        raise ValidationError(errors)
    now = now or utcnow()
    topic = Topic(category_id=category.id, title=title, slug=slugify(title) or "tema",
                  author_id=actor.id, organization=organization, created_at=now,
                  last_posted_at=now)
    topic.category = category
    db.session.add(topic)
    # Counters change in SQL (topic_count = topic_count + 1), in the same flush as the new
    # row, so the category row is locked before the page cache's version row, as in reply.
    category.topic_count = Category.topic_count + 1
    db.session.flush()
    post = _add_post(actor, topic, body, organization, now=now)
    subscribe(actor, topic=topic)
    db.session.flush()
    _after_post(actor, post, new_topic=True)
    return topic


def reply(actor, topic: Topic, raw: Mapping, now: datetime | None = None) -> Post:
    require_can_post(actor, topic.category, topic)
    if topic.hidden and not is_moderator(actor):
        raise NotFound()
    errors: dict = {}
    body = organization = quoted = None
    try:
        body = clean_body(raw.get("body"))
    except ValidationError as error:
        errors.update(error.errors)
    try:
        organization = _on_behalf(actor, raw.get("organization"))
    except ValidationError as error:
        errors.update(error.errors)
    if raw.get("quote"):
        quoted = quotable(topic, raw.get("quote"))
        if quoted is None:
            errors["quote"] = _l("La respuesta que citas ya no está disponible.")
    if errors:
        raise ValidationError(errors)
    post = _add_post(actor, topic, body, organization, quoted=quoted, now=now or utcnow())
    topic.reply_count = Topic.reply_count + 1
    subscribe(actor, topic=topic)
    db.session.flush()
    _after_post(actor, post, new_topic=False)
    return post


def quotable(topic: Topic, raw_id) -> Post | None:
    """The post of ``topic`` a reply may quote (a visible one), by its id as typed; None for
    anything else. The Quote button, the form and :func:`reply` all ask here."""
    quote_id = as_id(raw_id)
    post = db.session.get(Post, quote_id) if quote_id else None
    if post is None or post.topic_id != topic.id or post.status != "visible":
        return None
    return post


def _add_post(actor, topic: Topic, body: str, organization, quoted=None, now=None) -> Post:
    """Number the post under a lock on the topic row, so two replies never share a number.

    The category's post count is raised in SQL (``post_count = post_count + 1``): replies to
    different topics do not wait for each other's topic lock, and a count read in Python
    before the write would lose their increments. The ORM writes the expression at the next
    flush and then expires the attribute, so a later read gets the stored number.

    The locking SELECT reads the topic row alone: joined to its category, a topic moved while
    this one waited for the lock came back with no category on PostgreSQL (the re-checked
    row no longer matches the category row read before the wait). The category is loaded
    next, by the topic's current category_id, while nothing is pending, so its load does not
    flush half of this post's writes (the page cache's version row would then be locked
    before the category row, the reverse of every other writer's order)."""
    locked = db.session.scalar(select(Topic).where(Topic.id == topic.id)
                               .options(lazyload("*")).with_for_update()
                               .execution_options(populate_existing=True))
    category = locked.category
    number = locked.last_post_number + 1
    post = Post(topic_id=topic.id, number=number, author_id=actor.id, body=body,
                body_html=_post_html(body), organization=organization,
                quoted=quoted, created_at=now)
    post.topic = locked
    post.author = actor
    db.session.add(post)
    locked.last_post_number = number
    locked.last_posted_at = now
    category.post_count = Category.post_count + 1
    category.last_posted_at = now
    return post


def _post_html(body: str) -> str:
    """A post's stored HTML: the Markdown through the one allow-list, then its @mentions
    marked (``mentions`` works on the cleaned HTML's text nodes only)."""
    return link_mentions(str(render_markdown(body)))


def _after_post(actor, post: Post, new_topic: bool) -> None:
    """Mentions, subscribers and the live page learn of the post after commit."""
    mark_read(actor, post.topic, post.number)
    notices.post_created(actor, post, new_topic=new_topic)
    live.post_created(post)


def edit_post(actor, post: Post, raw: Mapping) -> Post:
    """Replace a post's text, keeping the old one as a revision. The same rules as posting
    hold: a confirmed e-mail, and a topic that is not locked (moderators excepted)."""
    require_signed_in(actor)
    if not can_edit_post(actor, post):
        raise PermissionDenied(_l("Solo quien escribió el mensaje puede editarlo."))
    problem = _posting_rule_for_edit(actor, post)
    if problem:
        raise PermissionDenied(problem)
    if post.status != "visible" and not is_moderator(actor):
        raise ValidationError(_l("Este mensaje ya no se puede editar."))
    body = clean_body(raw.get("body"))
    if body == post.body:
        return post
    db.session.add(PostRevision(post_id=post.id, editor_id=actor.id, body=post.body))
    post.body = body
    post.body_html = _post_html(body)
    post.edited_at = utcnow()
    if post.number == 1 and raw.get("title") is not None:
        post.topic.title = clean_title(raw.get("title"))
    db.session.flush()
    live.post_changed(post)
    return post


def withdraw_post(actor, post: Post) -> None:
    """The author takes a post back: hidden from everyone, kept for the moderators."""
    require_signed_in(actor)
    if post.author_id != actor.id:
        raise PermissionDenied(_l("Solo quien escribió el mensaje puede retirarlo."))
    if post.status != "visible":
        return
    post.status = "withdrawn"
    db.session.flush()
    live.post_changed(post)


def revisions(actor, post: Post) -> list[PostRevision]:
    if not is_moderator(actor):
        raise PermissionDenied(_l("Solo el personal de moderación ve el historial."))
    return list(db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id)
                                   .order_by(PostRevision.created_at.desc())))


# --- read markers and subscriptions -------------------------------------------------------


def mark_read(user, topic: Topic, number: int) -> None:
    """Remember the furthest post a person has seen; never moves backwards."""
    if not getattr(user, "is_authenticated", False):
        return
    row = db.session.get(TopicRead, (user.id, topic.id))
    if row is None:
        db.session.add(TopicRead(user_id=user.id, topic_id=topic.id, last_read_number=number))
    elif number > row.last_read_number:
        row.last_read_number = number
        row.read_at = utcnow()


def last_read(user, topic: Topic) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    row = db.session.get(TopicRead, (user.id, topic.id))
    return row.last_read_number if row else 0


#: Every topic list of a signed-in person: built once (see queries._category_counts).
_READ_MARKS = select(TopicRead.topic_id, TopicRead.last_read_number).where(
    TopicRead.user_id == bindparam("user_id"),
    TopicRead.topic_id.in_(bindparam("topic_ids", expanding=True)))


def read_marks(user, topic_ids: list[int]) -> dict[int, int]:
    if not getattr(user, "is_authenticated", False) or not topic_ids:
        return {}
    rows = db.session.execute(_READ_MARKS, {"user_id": user.id, "topic_ids": list(topic_ids)})
    return dict(rows.all())


def subscribe(user, topic: Topic | None = None, category: Category | None = None) -> None:
    require_signed_in(user)
    if (topic is None) == (category is None):
        raise ValueError("subscribe to a topic or a category")
    column, target = (Subscription.topic_id, topic) if topic else \
        (Subscription.category_id, category)
    exists = db.session.scalar(select(Subscription.id).where(
        Subscription.user_id == user.id, column == target.id))
    if exists is None:
        db.session.add(Subscription(user_id=user.id, topic_id=topic.id if topic else None,
                                    category_id=category.id if category else None))


def unsubscribe(user, topic: Topic | None = None, category: Category | None = None) -> None:
    require_signed_in(user)
    stmt = db.delete(Subscription).where(Subscription.user_id == user.id)
    if topic is not None:
        stmt = stmt.where(Subscription.topic_id == topic.id)
    else:
        stmt = stmt.where(Subscription.category_id == category.id)
    db.session.execute(stmt)


def is_subscribed(user, topic: Topic | None = None, category: Category | None = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    column, target = (Subscription.topic_id, topic) if topic else \
        (Subscription.category_id, category)
    return db.session.scalar(select(func.count()).select_from(Subscription).where(
        Subscription.user_id == user.id, column == target.id)) > 0


def lock_categories(*categories: Category) -> None:
    """Take the categories' row locks, in id order (PostgreSQL; SQLite's write transactions
    are serialized already). Whoever recounts a category holds its lock first, so a reply
    that raises the count meanwhile waits and is counted after, never overwritten."""
    ids = sorted({category.id for category in categories})
    db.session.execute(select(Category.id).where(Category.id.in_(ids))
                       .order_by(Category.id).with_for_update())


def refresh_counters(category: Category) -> None:
    """Recount a category after a move or a bulk change (the counters are a cache): one
    UPDATE whose counts are subqueries, run under the category's row lock, so the counts
    include every reply committed before it; then the attributes are read again."""
    lock_categories(category)
    topics = select(func.count()).select_from(Topic).where(Topic.category_id == category.id)
    posts = select(func.count()).select_from(Post).join(Topic).where(
        Topic.category_id == category.id)
    db.session.execute(update(Category).where(Category.id == category.id).values(
        topic_count=topics.scalar_subquery(), post_count=posts.scalar_subquery())
        .execution_options(synchronize_session=False))
    db.session.expire(category, ["topic_count", "post_count"])
