"""What forums keeps about a person: the topics and posts they wrote, the private messages
they sent (never the others' messages), subscriptions and blocks (core.personal_data).
Posts stay when the account closes, under "Cuenta cerrada"."""

from sqlalchemy import select

from community.core.personal_data import exporter, iso
from community.extensions import db
from community.forums.models import Block, Conversation, Message, Post, Subscription, Topic


@exporter("forum_topics")
def topics(user) -> list[dict]:
    return [{"id": t.id, "title": t.title, "category": t.category.name,
             "created_at": iso(t.created_at)}
            for t in db.session.scalars(select(Topic).where(Topic.author_id == user.id)
                                        .order_by(Topic.created_at))]


@exporter("forum_posts")
def posts(user) -> list[dict]:
    rows = db.session.execute(
        select(Post, Topic.title).join(Topic, Topic.id == Post.topic_id)
        .where(Post.author_id == user.id).order_by(Post.created_at))
    return [{"id": p.id, "topic": title, "number": p.number, "body": p.body,
             "status": p.status, "created_at": iso(p.created_at),
             "edited_at": iso(p.edited_at)} for p, title in rows]


@exporter("messages_sent")
def messages_sent(user) -> list[dict]:
    rows = db.session.execute(
        select(Message, Conversation.subject)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Message.author_id == user.id).order_by(Message.created_at))
    return [{"conversation": m.conversation_id, "subject": subject, "body": m.body,
             "created_at": iso(m.created_at)} for m, subject in rows]


@exporter("forum_subscriptions")
def subscriptions(user) -> list[dict]:
    return [{"topic_id": s.topic_id, "category_id": s.category_id,
             "created_at": iso(s.created_at)}
            for s in db.session.scalars(select(Subscription).where(
                Subscription.user_id == user.id))]


@exporter("blocked_people")
def blocks(user) -> int:
    """How many people the person blocked (who they are is kept out: it names others)."""
    return len(db.session.scalars(select(Block).where(Block.blocker_id == user.id)).all())
