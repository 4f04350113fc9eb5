"""Events (workshops, courses, the annual congress), their program, and who registered.

Times are naive UTC like every DateTime column; templates show them in America/Mexico_City.
"""

from datetime import datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.core.pagecache import track
from community.core.timeutil import utcnow
from community.extensions import db

event_topic = Table(
    "event_topic",
    db.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("topic", String(40), primary_key=True, index=True),
)


class Event(db.Model):
    """Something people attend. ``organization_id`` names the OSC that organizes it; staff
    events have none (the Dirección organizes them)."""

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_status_starts_at", "status", "starts_at"),
        Index("ix_event_organization_starts_at", "organization_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(90), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    modality: Mapped[str] = mapped_column(String(20), default="presencial")
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipality.code"),
                                                          index=True)
    venue: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(250))
    online_url: Mapped[str | None] = mapped_column(String(500))
    capacity: Mapped[int | None]
    registration_opens_at: Mapped[datetime | None]
    registration_closes_at: Mapped[datetime | None]
    audience: Mapped[str] = mapped_column(String(20), default="everyone")
    speakers: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[int | None]
    cover_image: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    organization = relationship("Organization", lazy="joined")
    municipality = relationship("Municipality", lazy="joined")
    created_by = relationship("User", foreign_keys=[created_by_id])
    topic_rows = relationship("EventTopic", cascade="all, delete-orphan", lazy="selectin")
    sessions = relationship("EventSession", cascade="all, delete-orphan",
                            order_by="(EventSession.starts_at, EventSession.id)",
                            back_populates="event")

    @property
    def topics(self) -> list[str]:
        return sorted(row.topic for row in self.topic_rows)

    @property
    def speaker_list(self) -> list[str]:
        return [line.strip() for line in (self.speakers or "").splitlines() if line.strip()]


class EventTopic(db.Model):
    """Mapped view of ``event_topic`` so topics load with the event."""

    __table__ = event_topic


class EventSession(db.Model):
    """One slot of an event's program (a congress timetable)."""

    __tablename__ = "event_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    room: Mapped[str | None] = mapped_column(String(120))
    speakers: Mapped[str] = mapped_column(Text, default="")

    event = relationship("Event", back_populates="sessions")


class Registration(db.Model):
    """One person's place at an event: confirmed, waitlisted or cancelled.

    One row per (event, person) for ever: cancelling and registering again reuses it, with a
    new ``queued_at`` so a returning person joins the end of the waiting list.
    """

    __tablename__ = "event_registration"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        Index("ix_event_registration_event_status_queue", "event_id", "status", "queued_at"),
        # The indicators count attendances (and distinct people, OSCs) event by event from the
        # checked-in rows only, without reading the table (staff/indicators.py).
        Index("ix_event_registration_attended", "event_id", "user_id", "organization_id",
              sqlite_where=text("checked_in_at IS NOT NULL"),
              postgresql_where=text("checked_in_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    ticket: Mapped[str] = mapped_column(String(40), unique=True)
    checked_in_at: Mapped[datetime | None]
    checked_in_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    certificate_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    reminded_at: Mapped[datetime | None]

    event = relationship("Event")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    organization = relationship("Organization")


class CalendarFeedKey(db.Model):
    """The secret in a person's personal calendar feed URL; rotating it revokes the old URL."""

    __tablename__ = "event_calendar_key"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# Registrations change the seats left that event pages show.
track("events", Event, EventTopic, EventSession, Registration)
