"""Forums (categories, topics, posts), their moderation trail, and private conversations.

Nothing here is ever deleted by a person: an author withdraws a post and a moderator hides
one, both reversible; edits keep the previous text in ``PostRevision``.
"""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.core.pagecache import track
from community.core.timeutil import utcnow
from community.extensions import db


class Category(db.Model):
    """A place for topics. ``staff_topics_only``: only staff open topics (announcements);
    ``members_only``: only OSC members (and staff) may read and write."""

    __tablename__ = "forum_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(400), default="")
    group: Mapped[str] = mapped_column(String(20), default="general")
    position: Mapped[int] = mapped_column(default=0)
    staff_topics_only: Mapped[bool] = mapped_column(Boolean, default=False)
    members_only: Mapped[bool] = mapped_column(Boolean, default=False)
    topic_count: Mapped[int] = mapped_column(default=0)
    post_count: Mapped[int] = mapped_column(default=0)
    last_posted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Topic(db.Model):
    """A conversation in a category; its first post is the opening text."""

    __tablename__ = "forum_topic"
    __table_args__ = (
        Index("ix_forum_topic_category_order", "category_id", "pinned", "last_posted_at"),
        Index("ix_forum_topic_category_last", "category_id", "last_posted_at"),
        Index("ix_forum_topic_last_posted", "last_posted_at"),
        Index("ix_forum_topic_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("forum_category.id"))
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(90))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_posted_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_post_number: Mapped[int] = mapped_column(default=0)
    reply_count: Mapped[int] = mapped_column(default=0)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)

    category = relationship("Category", lazy="joined")
    author = relationship("User", lazy="joined")
    organization = relationship("Organization", lazy="joined")


class Post(db.Model):
    """One message in a topic. ``number`` is its position (1 = the opening post).

    ``status``: visible, withdrawn (by its author) or hidden (by a moderator).
    """

    __tablename__ = "forum_post"
    __table_args__ = (
        UniqueConstraint("topic_id", "number"),
        Index("ix_forum_post_author_created", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("forum_topic.id", ondelete="CASCADE"))
    number: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    quoted_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_post.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="visible")
    moderated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    moderation_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]

    topic = relationship("Topic")
    author = relationship("User", foreign_keys=[author_id], lazy="joined")
    organization = relationship("Organization", lazy="joined")
    quoted = relationship("Post", remote_side=[id])


class PostRevision(db.Model):
    """The text a post had before an edit; moderators read the history."""

    __tablename__ = "forum_post_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_post.id", ondelete="CASCADE"),
                                         index=True)
    editor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    editor = relationship("User", lazy="joined")


class TopicRead(db.Model):
    """How far a person has read a topic: the unread marker and "new since your last visit"."""

    __tablename__ = "forum_topic_read"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("forum_topic.id", ondelete="CASCADE"),
                                          primary_key=True)
    last_read_number: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)


class Subscription(db.Model):
    """A person follows a topic or a whole category and is notified of new posts."""

    __tablename__ = "forum_subscription"
    __table_args__ = (
        # Named by hand: the naming convention would call both "uq_..._user_id".
        UniqueConstraint("user_id", "topic_id", name="uq_forum_subscription_user_topic"),
        UniqueConstraint("user_id", "category_id", name="uq_forum_subscription_user_category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_topic.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_category.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PostReport(db.Model):
    """Someone flagged a post for the moderators, with a reason."""

    __tablename__ = "forum_post_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_post.id", ondelete="CASCADE"),
                                         index=True)
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    resolution: Mapped[str | None] = mapped_column(String(20))

    post = relationship("Post", lazy="joined")
    reporter = relationship("User", foreign_keys=[reporter_id], lazy="joined")


class Conversation(db.Model):
    """A private conversation between two or a few people."""

    __tablename__ = "conversation"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)

    members = relationship("ConversationMember", back_populates="conversation",
                           cascade="all, delete-orphan", lazy="selectin")


class ConversationMember(db.Model):
    __tablename__ = "conversation_member"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_read_at: Mapped[datetime | None]
    left_at: Mapped[datetime | None]

    conversation = relationship("Conversation", back_populates="members")
    user = relationship("User", lazy="joined")


class Message(db.Model):
    __tablename__ = "conversation_message"
    __table_args__ = (Index("ix_conversation_message_conv_created", "conversation_id",
                            "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="joined")
    organization = relationship("Organization", lazy="joined")


class Block(db.Model):
    """``blocker`` no longer receives private messages from ``blocked``."""

    __tablename__ = "user_block"

    blocker_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                            primary_key=True)
    blocked_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


track("forums", Category, Topic, Post)
