"""Forum counters under real concurrency: threads, each with its own app context, session and
database connection, post replies and open topics at once in one category (on the file SQLite
of the test instance, or PostgreSQL with TEST_DATABASE_URL). The counters change in SQL, so
none of the increments is lost: afterwards each counter equals the rows it counts."""

from collections.abc import Callable

from sqlalchemy import func, select

from community.accounts.models import User
from community.extensions import db as _db
from community.forums import moderation, services
from community.forums.models import Category, Post, Topic
from tests.events.test_concurrency import run_at_once

TOPICS = 3
REPLIES = 30
NEW_TOPICS = 15


def _reply_job(user_id: int, topic_id: int, n: int) -> Callable[[], None]:
    def job():
        services.reply(_db.session.get(User, user_id), _db.session.get(Topic, topic_id),
                       {"body": f"Respuesta número {n} al mismo tiempo."})

    return job


def _topic_job(user_id: int, category_id: int, n: int) -> Callable[[], None]:
    def job():
        services.create_topic(_db.session.get(User, user_id),
                              _db.session.get(Category, category_id),
                              {"title": f"Tema abierto a la vez {n}", "body": "Hola a todas."})

    return job


def _move_job(user_id: int, topic_id: int, category_id: int) -> Callable[[], None]:
    def job():
        moderation.move_topic(_db.session.get(User, user_id), _db.session.get(Topic, topic_id),
                              category_id)

    return job


def _count(db, stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def _race(app, db, make_category, make_topic, make_user, replies: int, new_topics: int):
    """``replies`` replies spread over three topics and ``new_topics`` new topics, all in one
    category and all at once; then every counter must equal the rows it counts."""
    category = make_category()
    topic_ids = [make_topic(category=category).id for _ in range(TOPICS)]
    category_id = category.id
    repliers = [make_user().id for _ in range(replies)]
    openers = [make_user().id for _ in range(new_topics)]
    db.session.commit()
    db.session.close()  # no open transaction of ours keeps the write lock from the threads
    jobs = [_reply_job(uid, topic_ids[n % TOPICS], n) for n, uid in enumerate(repliers)]
    jobs += [_topic_job(uid, category_id, n) for n, uid in enumerate(openers)]
    errors = run_at_once(app, jobs)
    assert errors == []

    db.session.expire_all()
    category = db.session.get(Category, category_id)
    topics = _count(db, select(Topic.id).where(Topic.category_id == category_id))
    posts = _count(db, select(Post.id).join(Topic).where(Topic.category_id == category_id))
    assert (topics, posts) == (TOPICS + new_topics, TOPICS + replies + new_topics)
    assert (category.topic_count, category.post_count) == (topics, posts)
    for topic_id in topic_ids:
        topic = db.session.get(Topic, topic_id)
        assert topic.reply_count == _count(db, select(Post.id).where(
            Post.topic_id == topic_id)) - 1 == replies // TOPICS


def test_concurrent_replies_keep_the_post_counters(app, db, make_category, make_topic,
                                                   make_user):
    _race(app, db, make_category, make_topic, make_user, replies=REPLIES, new_topics=0)


def test_concurrent_new_topics_keep_the_topic_counter(app, db, make_category, make_topic,
                                                      make_user):
    _race(app, db, make_category, make_topic, make_user, replies=0, new_topics=NEW_TOPICS)


def test_replies_and_new_topics_at_once_neither_lose_counts_nor_deadlock(
        app, db, make_category, make_topic, make_user):
    """Both kinds take the category row before the page cache's version row, in that order."""
    _race(app, db, make_category, make_topic, make_user, replies=REPLIES, new_topics=NEW_TOPICS)


def test_moving_a_topic_while_replies_arrive_recounts_both_categories(
        app, db, make_category, make_topic, make_user):
    """A moderator moves a topic while people reply to it and to its neighbours: the recount
    takes the category locks in the replies' order, so nothing deadlocks or goes uncounted."""
    source, target = make_category(), make_category()
    topic_ids = [make_topic(category=source).id for _ in range(TOPICS)]
    moderator = make_user(role="staff").id
    repliers = [make_user().id for _ in range(REPLIES)]
    source_id, target_id = source.id, target.id
    db.session.commit()
    db.session.close()
    jobs = [_reply_job(uid, topic_ids[n % TOPICS], n) for n, uid in enumerate(repliers)]
    jobs.insert(REPLIES // 2, _move_job(moderator, topic_ids[0], target_id))
    assert run_at_once(app, jobs) == []

    db.session.expire_all()
    for category_id in (source_id, target_id):
        category = db.session.get(Category, category_id)
        topics = _count(db, select(Topic.id).where(Topic.category_id == category_id))
        posts = _count(db, select(Post.id).join(Topic).where(Topic.category_id == category_id))
        assert (category.topic_count, category.post_count) == (topics, posts)
    assert db.session.get(Category, target_id).topic_count == 1
