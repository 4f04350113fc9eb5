"""Shared tables: the public catalogues, the audit trail, notifications, the mail outbox and
the forms' one-time submission keys (``core/submissions.py``)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from community.core.timeutil import utcnow
from community.extensions import db


class Municipality(db.Model):
    """One of the 125 municipalities of the Estado de México, keyed by its INEGI code."""

    __tablename__ = "municipality"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    name_folded: Mapped[str] = mapped_column(String(120), index=True)
    population_2020: Mapped[int]
    lat: Mapped[float]
    lon: Mapped[float]


class ActivityArea(db.Model):
    """A fraction of article 5 of the LFFAROC (the federal law on OSC activities)."""

    __tablename__ = "activity_area"

    fraction: Mapped[str] = mapped_column(String(5), primary_key=True)
    position: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(400))

    @property
    def short_name(self) -> str:
        """The fraction's text up to its first comma, for a tag ("Asistencia social")."""
        head = self.name.split(",")[0].strip()
        return head if len(head) <= 48 else head[:47].rstrip() + "…"


class AuditEntry(db.Model):
    """An append-only record of a staff decision or a security event."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(40))
    ip: Mapped[str | None] = mapped_column(String(45))
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = db.relationship("User", lazy="joined")


class DataVersion(db.Model):
    """A counter per kind of public data, raised in the same transaction as any change to it;
    cached pages are keyed by it, so every process sees a change at its next request."""

    __tablename__ = "data_version"

    namespace: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


class Notification(db.Model):
    """An in-app notice for one person ("your place was confirmed", "an event in your
    municipality"). The text is rendered in the recipient's language when it is created."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(String(400))
    url: Mapped[str | None] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]


class OutgoingMail(db.Model):
    """One message of the mail outbox, written in the same transaction as the change it reports.

    The sender claims due rows with a lease (``claimed_until``), so several senders never send
    the same row at once; the body is rendered when queued, in the recipient's language.
    """

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_due", "status", "next_attempt_at"),)

    PENDING, SENT, FAILED = "pending", "sent", "failed"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(400))
    body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(400))
    sent_at: Mapped[datetime | None]

    attachments = db.relationship("OutgoingMailAttachment", lazy="selectin",
                                  order_by="OutgoingMailAttachment.id",
                                  cascade="all, delete-orphan", passive_deletes=True)


class OutgoingMailAttachment(db.Model):
    """A file sent with an outbox message (an .ics, a QR code image)."""

    __tablename__ = "mail_outbox_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    mail_id: Mapped[int] = mapped_column(
        ForeignKey("mail_outbox.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class SubmissionKey(db.Model):
    """A key some request committed with, and the answer it gave (status, Location)."""

    __tablename__ = "submission_key"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_submission_key_scope_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(64))
    endpoint: Mapped[str] = mapped_column(String(80))
    status: Mapped[int | None]
    location: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
