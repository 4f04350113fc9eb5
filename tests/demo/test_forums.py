"""The demo forums (``seed-demo``): a lively board that keeps every rule of the services,
dated over past months, with a moderation queue, and idempotent."""

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from community.accounts.models import User
from community.core.models import Notification
from community.core.timeutil import utcnow
from community.demo import forums as demo
from community.demo.cli import DEMO_SEEDERS
from community.forums import services
from community.forums.models import Category, Post, PostReport, Topic
from community.forums.notices import MENTION, mentioned_people
from community.search import index


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _check_board(db):
    categories = {c.slug: c for c in db.session.scalars(select(Category))}
    assert set(categories) == {spec.slug for spec in demo.CATEGORIES}
    assert Counter(c.group for c in categories.values()) == {
        "general": 3, "region": 5, "tema": 6, "anuncios": 1}
    assert [c.slug for c in categories.values() if c.staff_topics_only] == ["avisos-dgps"]
    assert [c.slug for c in categories.values() if c.members_only] == ["red-osc-validadas"]
    for category in categories.values():
        topics = list(db.session.scalars(select(Topic).where(Topic.category_id == category.id)))
        assert len(topics) >= 8, category.slug
        assert category.topic_count == len(topics)
        assert category.post_count == sum(t.last_post_number for t in topics)
        assert category.last_posted_at == max(t.last_posted_at for t in topics)
    return categories


def _check_topics(db, categories, now):
    topics = list(db.session.scalars(select(Topic)))
    assert len(topics) >= 150
    assert all(t.author.role == "staff" for t in topics
               if t.category.slug == "avisos-dgps")
    members_only = categories["red-osc-validadas"]
    for topic in topics:
        numbers = list(db.session.scalars(select(Post.number).where(Post.topic_id == topic.id)
                                          .order_by(Post.number)))
        assert numbers == list(range(1, topic.last_post_number + 1))
        assert topic.reply_count >= topic.last_post_number - 1 - 2  # moderation replies
        assert topic.created_at < topic.last_posted_at <= now or topic.last_post_number == 1
    posts = list(db.session.scalars(select(Post)))
    assert len(posts) >= 600
    for post in posts:
        assert post.created_at >= post.topic.created_at and post.created_at < now
        if post.topic.category_id == members_only.id:
            assert services.is_osc_member(post.author) or services.is_moderator(post.author)
    spread = max(p.created_at for p in posts) - min(p.created_at for p in posts)
    assert spread > timedelta(days=150)
    return posts


def _check_voices(db, posts):
    """On behalf of OSCs the author belongs to, quotes of the same topic, mentions."""
    on_behalf = [p for p in posts if p.organization_id]
    assert len(on_behalf) >= 50
    for post in on_behalf:
        assert post.organization in services.profiles_member_orgs(post.author)
    quotes = [p for p in posts if p.quoted_post_id]
    assert len(quotes) >= 20
    assert all(p.quoted.topic_id == p.topic_id and p.quoted.number < p.number for p in quotes)
    mentioning = [p for p in posts if MENTION.search(p.body)]
    assert len(mentioning) >= 50
    assert all(mentioned_people(p.body) for p in mentioning[:40])
    osc_mentions = [p for p in mentioning if "Les recomiendo escribirle" in p.body]
    assert osc_mentions
    kinds = Counter(db.session.scalars(select(Notification.kind).where(
        Notification.kind.like("forum.%"))))
    assert kinds["forum.mention"] >= 50 and kinds["forum.reply"] >= 200
    assert kinds["forum.report"] >= 1
    assert len({p.author_id for p in posts}) >= 80


def _check_moderation(db, categories):
    statuses = Counter(db.session.scalars(select(Post.status)))
    assert statuses["hidden"] == 2 and statuses["withdrawn"] == 1
    open_reports = list(db.session.scalars(select(PostReport).where(
        PostReport.resolved_at.is_(None))))
    assert len({r.post_id for r in open_reports}) == 3
    notices = list(db.session.scalars(select(Topic).where(
        Topic.category_id == categories["avisos-dgps"].id)))
    assert sum(t.pinned for t in notices) == 2
    assert sum(t.locked for t in notices) == 1


def _check_history(db, now):
    """Notices have the dates of their posts; old ones are read; nothing waits to be mailed."""
    forum = select(Notification).where(Notification.kind.like("forum.%"))
    rows = list(db.session.scalars(forum))
    assert all(n.created_at < now for n in rows)
    assert all(n.emailed_at is not None for n in rows)
    stale = [n for n in rows if n.read_at is None
             and n.created_at < now - timedelta(days=demo.RECENT_UNREAD_DAYS + 1)]
    assert stale == []
    assert any(n.read_at is None for n in rows)  # recent activity still shows on the badge


def test_demo_forums_are_alive_consistent_and_idempotent(demo_world, db, outbox, runner):
    assert DEMO_SEEDERS.index("forums") > DEMO_SEEDERS.index("events")
    now = utcnow()
    categories = _check_board(db)
    posts = _check_topics(db, categories, now)
    _check_voices(db, posts)
    _check_moderation(db, categories)
    _check_history(db, now)
    assert outbox == []  # nobody is mailed about demo data

    db.session.commit()
    assert runner.invoke(args=["search", "drain"]).exit_code == 0
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output
    assert not index.check()

    counts = [_count(db, model) for model in (Category, Topic, Post, PostReport, User,
                                              Notification)]
    assert demo.seed() == []
    db.session.commit()
    assert [_count(db, model) for model in (Category, Topic, Post, PostReport, User,
                                            Notification)] == counts
