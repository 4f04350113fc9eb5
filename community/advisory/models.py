"""Advisory requests (asesorías): what a group or an OSC asked for, and the case staff keep.

A request has a public *folio* (never its id in a URL), a state that moves along the diagram
in ``services.TRANSITIONS``, and a timeline of activities (messages, internal notes, state
changes, sessions, outcomes). Sessions are the advice actually given (date, place, people);
outcomes are what the advice achieved (an OSC constituted, its CLUNI...), recorded before the
case concludes.

The contact fields belong to the person; when their account closes they are blanked and the
rest (topic, municipality, dates, sessions, outcomes) stays for the program's statistics.
Times are naive UTC like every DateTime column; due dates are Mexico City dates.
"""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.core.timeutil import utcnow
from community.extensions import db

#: States a request leaves only through staff or the requester; the final ones never change.
FINAL_STATES = ("concluida", "cancelada")
#: States that count as pending work for staff (in the queue, on the map).
OPEN_STATES = ("recibida", "asignada", "en_atencion", "en_espera")


class AdvisoryRequest(db.Model):
    """One request for advice and the case it becomes."""

    __tablename__ = "advisory_request"
    # The staff queue lists newest first under one filter at a time: each filter has an index
    # (filter, confirmed_at, id) that gives both the page and the count without reading the
    # table (queries.queue). The state's index also holds what "overdue" (the dues) and the
    # name search of the open requests read, and the map counts the open requests per
    # municipality and topic from its own index.
    __table_args__ = (
        Index("ix_advisory_request_state_queue", "state", "confirmed_at", "id",
              "conclusion_due", "first_contact_due", "first_contact_at", "proposed_name",
              "contact_name"),
        Index("ix_advisory_request_topic_confirmed", "topic", "confirmed_at", "id"),
        Index("ix_advisory_request_municipality_confirmed", "municipality_code",
              "confirmed_at", "id"),
        Index("ix_advisory_request_assignee_confirmed", "assignee_id", "confirmed_at", "id"),
        Index("ix_advisory_request_state_municipality_topic", "state", "municipality_code",
              "topic"),
        # The indicators: first contacts in a period (median days, share in time) and the
        # requests concluded in a period, each from its own index (staff/indicators.py).
        Index("ix_advisory_request_first_contact", "first_contact_at", "confirmed_at",
              "first_contact_due", "municipality_code"),
        Index("ix_advisory_request_state_concluded", "state", "concluded_at",
              "municipality_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    folio: Mapped[str] = mapped_column(String(20), unique=True)
    topic: Mapped[str] = mapped_column(String(20))
    requester_kind: Mapped[str] = mapped_column(String(10))  # grupo | osc
    proposed_name: Mapped[str | None] = mapped_column(String(200))
    founders_count: Mapped[int | None]
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), index=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"))
    modality: Mapped[str] = mapped_column(String(12))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    contact_preference: Mapped[str] = mapped_column(String(10), default="correo")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    locale: Mapped[str | None] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)

    state: Mapped[str] = mapped_column(String(16), default="por_confirmar")
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(index=True)  # entered the queue
    first_contact_at: Mapped[datetime | None]
    paused_since: Mapped[datetime | None]  # set while en_espera
    paused_days: Mapped[int] = mapped_column(default=0)  # business days spent en_espera
    # Due dates (Mexico City dates) as of the last change, kept so the queue and the console
    # filter "overdue" in SQL; services.due_dates adds a pause still running.
    first_contact_due: Mapped[date | None]
    conclusion_due: Mapped[date | None]
    concluded_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    resulting_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user = relationship("User", foreign_keys=[user_id])
    assignee = relationship("User", foreign_keys=[assignee_id])
    organization = relationship("Organization", foreign_keys=[organization_id])
    resulting_organization = relationship("Organization",
                                          foreign_keys=[resulting_organization_id])
    municipality = relationship("Municipality")
    activities = relationship("AdvisoryActivity", back_populates="request",
                              cascade="all, delete-orphan",
                              order_by="(AdvisoryActivity.created_at, AdvisoryActivity.id)")
    sessions = relationship("AdvisorySession", back_populates="request",
                            cascade="all, delete-orphan",
                            order_by="(AdvisorySession.held_on, AdvisorySession.id)")
    outcomes = relationship("AdvisoryOutcome", back_populates="request",
                            cascade="all, delete-orphan",
                            order_by="(AdvisoryOutcome.created_at, AdvisoryOutcome.id)")

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def __repr__(self) -> str:
        return f"<AdvisoryRequest {self.folio} {self.state}>"


class AdvisoryActivity(db.Model):
    """One line of a request's timeline.

    ``kind``: created, confirmed, state, assigned, message, note, session, outcome, linked.
    ``internal`` lines (notes) are for staff only: never in the requester's page, mail or
    export. ``from_requester`` marks a message the requester wrote.
    """

    __tablename__ = "advisory_activity"
    __table_args__ = (
        Index("ix_advisory_activity_request_created", "request_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("advisory_request.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str | None] = mapped_column(String(16))
    body: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(default=False)
    from_requester: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request = relationship("AdvisoryRequest", back_populates="activities")
    actor = relationship("User")


class AdvisorySession(db.Model):
    """Advice given: when, where and how, to how many people, about what, and what comes next."""

    __tablename__ = "advisory_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("advisory_request.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date]
    modality: Mapped[str] = mapped_column(String(12))
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipality.code"))
    duration_minutes: Mapped[int]
    people_attended: Mapped[int]
    topics: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    next_steps_html: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request = relationship("AdvisoryRequest", back_populates="sessions")
    municipality = relationship("Municipality")
    recorded_by = relationship("User")


class AdvisoryOutcome(db.Model):
    """What the advice achieved (``kind`` in labels.OUTCOMES), with its date when known."""

    __tablename__ = "advisory_outcome"
    # The indicators count outcomes of a kind by the day they were achieved.
    __table_args__ = (
        Index("ix_advisory_outcome_kind_achieved", "kind", "achieved_on", "request_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("advisory_request.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    achieved_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request = relationship("AdvisoryRequest", back_populates="outcomes")
    recorded_by = relationship("User")
