"""Read side of the forums: the category board, topic lists, a page of posts, unread counts
and the mention autocomplete. Nothing here writes, and nothing here decides who may read:
callers pass the categories ``services`` allowed, and hidden topics are shown only when the
caller says the person moderates."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import aliased, defaultload

from community.accounts.models import User
from community.core.pagination import SimplePage
from community.core.text import fold
from community.core.timeutil import utcnow
from community.extensions import db
from community.forums import access
from community.forums.models import Category, Post, PostReport, Subscription, Topic, TopicRead
from community.forums.notices import handle_of
from community.profiles.models import Organization

TOPICS_PER_PAGE = 30
RECENT_TOPICS = 10
NEW_TOPIC_DAYS = 14
MENTION_LIMIT = 8
MENTION_MIN_CHARS = 2


# One page of a topic. Posts are numbered 1..last_post_number without gaps (nothing is ever
# deleted), so a page is a range of numbers read through the (topic, number) index, with no
# COUNT over posts.
PostPage = SimplePage


def page_of(number: int, per_page: int) -> int:
    """The page that shows post ``number``."""
    return max(1, math.ceil(max(number, 1) / per_page))


def topic_posts(topic: Topic, page: int, per_page: int) -> PostPage:
    """Posts of one page of a topic, with their quoted posts, in order."""
    total = topic.last_post_number
    page = min(max(page, 1), page_of(total, per_page))
    first = (page - 1) * per_page + 1
    rows = db.session.scalars(
        select(Post).where(Post.topic_id == topic.id, Post.number.between(
            first, first + per_page - 1)).order_by(Post.number)).all()
    _load_quoted(rows)
    return PostPage(items=list(rows), page=page, per_page=per_page, total=total)


def _load_quoted(posts: list[Post]) -> None:
    """Fetch every quoted post of a page in one query instead of one per post."""
    ids = {p.quoted_post_id for p in posts if p.quoted_post_id}
    if ids:
        list(db.session.scalars(select(Post).where(Post.id.in_(ids))))


def _visible(moderator: bool):
    return True if moderator else Topic.hidden.is_(False)


def category_topics(category: Category, page: int, moderator: bool):
    """Topics of a category: pinned first, then the latest activity."""
    stmt = _listed(select(Topic).where(Topic.category_id == category.id, _visible(moderator))
                   .order_by(Topic.pinned.desc(), Topic.last_posted_at.desc(), Topic.id.desc()))
    return db.paginate(stmt, page=page, per_page=TOPICS_PER_PAGE, error_out=False)


def _listed(stmt):
    """Topics for a list: their OSC's name and link are shown, never its activity areas,
    which an OSC otherwise loads with a second query."""
    return stmt.options(defaultload(Topic.organization).lazyload(Organization.activities))


def recent_topics(category_ids: list[int], moderator: bool,
                  limit: int = RECENT_TOPICS) -> list[Topic]:
    if not category_ids:
        return []
    return list(db.session.scalars(_listed(
        select(Topic).where(Topic.category_id.in_(category_ids), _visible(moderator))
        .order_by(Topic.last_posted_at.desc(), Topic.id.desc()).limit(limit))))


def latest_topics(category_ids: list[int], moderator: bool) -> dict[int, Topic]:
    """The most recently active topic of each category, for "última actividad": one
    statement whose correlated subquery makes a short indexed lookup per category (there
    are a few dozen), instead of ranking every topic or sending a query per category."""
    if not category_ids:
        return {}
    newest = (select(Topic.id)
              .where(Topic.category_id == Category.id, _visible(moderator))
              .order_by(Topic.last_posted_at.desc(), Topic.id.desc()).limit(1)
              .correlate(Category).scalar_subquery())
    chosen = select(newest).where(Category.id.in_(category_ids))
    topics = db.session.scalars(_listed(select(Topic).where(Topic.id.in_(chosen))))
    return {topic.category_id: topic for topic in topics}


def new_since(user) -> datetime:
    """Topics opened after this moment and never read count as new for this person."""
    window = utcnow() - timedelta(days=NEW_TOPIC_DAYS)
    joined = getattr(user, "created_at", None)
    return max(window, joined) if joined else window


def _category_counts(moderator: bool) -> tuple:
    """The two statements of :func:`unread_counts`, for readers and for moderators (who also
    see hidden topics). Built once: the board shows them to every signed-in person, and
    building them cost five times running them (bench/README.md, "Statements built once")."""
    ids = bindparam("category_ids", expanding=True)
    unread = (select(Topic.category_id, func.count())
              .select_from(TopicRead).join(Topic, Topic.id == TopicRead.topic_id)
              .where(TopicRead.user_id == bindparam("user_id"),
                     Topic.last_post_number > TopicRead.last_read_number,
                     Topic.category_id.in_(ids), _visible(moderator))
              .group_by(Topic.category_id))
    read = aliased(TopicRead)
    new = (select(Topic.category_id, func.count())
           .outerjoin(read, and_(read.topic_id == Topic.id,
                                 read.user_id == bindparam("user_id")))
           .where(Topic.created_at > bindparam("since"), read.topic_id.is_(None),
                  Topic.author_id != bindparam("user_id"), Topic.category_id.in_(ids),
                  _visible(moderator))
           .group_by(Topic.category_id))
    return unread, new


_CATEGORY_COUNTS = {moderator: _category_counts(moderator) for moderator in (False, True)}


def unread_counts(user, category_ids: list[int], moderator: bool) -> dict[int, dict]:
    """Per category: ``unread`` topics the person read that have new posts since, and ``new``
    topics they never opened (recent ones only, see :func:`new_since`).

    Two queries that start from what is small: the person's own read marks, and the topics
    opened since :func:`new_since` (indexed by date), never a scan of the whole forum.
    """
    if not getattr(user, "is_authenticated", False) or not category_ids:
        return {}
    counts = {cid: {"unread": 0, "new": 0} for cid in category_ids}
    unread, new = _CATEGORY_COUNTS[bool(moderator)]
    values = {"user_id": user.id, "category_ids": list(category_ids), "since": new_since(user)}
    for category_id, count in db.session.execute(unread, values):
        counts[category_id]["unread"] = int(count)
    for category_id, count in db.session.execute(new, values):
        counts[category_id]["new"] = int(count)
    return counts


def topic_marks(user, topics: list[Topic], read: dict[int, int]) -> dict[int, dict]:
    """Per topic of a list: how many posts are unread and whether the topic is new."""
    if not getattr(user, "is_authenticated", False):
        return {}
    since = new_since(user)
    marks = {}
    for topic in topics:
        last = read.get(topic.id)
        if last is None:
            is_new = topic.created_at > since and topic.author_id != user.id
            marks[topic.id] = {"new": is_new, "unread": 0, "first_unread": 1}
        else:
            marks[topic.id] = {"new": False,
                               "unread": max(topic.last_post_number - last, 0),
                               "first_unread": min(last + 1, topic.last_post_number)}
    return marks


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def mention_candidates(raw: str, limit: int = MENTION_LIMIT) -> list[dict]:
    """People (by name, never by e-mail) and validated OSCs whose name contains the text.

    People come first; an OSC fills the places people leave, and at least a few are offered
    when both match.
    """
    text = " ".join((raw or "").lstrip("@").split())[:60]
    if len(text) < MENTION_MIN_CHARS:
        return []
    pattern = _like(text)
    people = db.session.scalars(
        select(User).where(User.active.is_(True), User.name.ilike(pattern, escape="\\"))
        .order_by(User.name).limit(limit)).all()
    orgs = db.session.scalars(
        select(Organization).where(Organization.status == "validated",
                                   Organization.name_folded.like(_like(fold(text)), escape="\\"))
        .order_by(Organization.name).limit(limit)).all()
    org_places = min(len(orgs), max(limit - len(people), min(3, limit // 2)))
    chosen_people = people[:limit - org_places]
    return ([{"kind": "person", "handle": handle_of(u), "name": u.name} for u in chosen_people]
            + [{"kind": "osc", "handle": o.slug, "name": o.name} for o in orgs[:org_places]])


# --- the personal home and the staff console ----------------------------------------------


@dataclass(frozen=True)
class TopicNews:
    """A topic the person follows that has posts they have not read."""

    topic: Topic
    last_read: int

    @property
    def unread(self) -> int:
        return max(self.topic.last_post_number - self.last_read, 0)

    @property
    def path(self) -> str:
        """The page of the topic with the first unread post, anchored on it."""
        first = min(self.last_read + 1, self.topic.last_post_number)
        page = access.post_page(first)
        query = f"?page={page}" if page > 1 else ""
        return f"/foros/t/{self.topic.id}-{self.topic.slug}{query}#p{first}"


def followed_topics_with_news(user, moderator: bool,
                              limit: int = 5) -> tuple[list[TopicNews], int]:
    """Topics the person subscribed to that have posts they have not read, the latest
    activity first: the first ``limit`` and how many there are, in one query. Topics the
    person may no longer read are left out (``moderator`` shows hidden ones; the categories
    are those of ``access.readable_categories``)."""
    read = aliased(TopicRead)
    last_read = func.coalesce(read.last_read_number, 0)
    rows = db.session.execute(_listed(
        select(Topic, last_read, func.count().over())
        .join(Subscription, and_(Subscription.topic_id == Topic.id,
                                 Subscription.user_id == user.id))
        .join(Category, Category.id == Topic.category_id)
        .outerjoin(read, and_(read.topic_id == Topic.id, read.user_id == user.id))
        .where(Topic.last_post_number > last_read, _visible(moderator),
               access.readable_categories(user))
        .order_by(Topic.last_posted_at.desc(), Topic.id.desc()).limit(limit))).all()
    return [TopicNews(topic, last) for topic, last, _ in rows], (rows[0][2] if rows else 0)


@dataclass(frozen=True)
class ReportsWaiting:
    posts: int
    reports: int
    oldest: datetime | None


def reports_waiting() -> ReportsWaiting:
    """Open reports for the moderators: reported posts, reports, and the oldest report, in
    one query."""
    posts, reports, oldest = db.session.execute(
        select(func.count(func.distinct(PostReport.post_id)), func.count(),
               func.min(PostReport.created_at))
        .where(PostReport.resolved_at.is_(None))).one()
    return ReportsWaiting(posts or 0, reports or 0, oldest)
