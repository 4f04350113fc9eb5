"""Satisfaction surveys: what staff build, who is invited, and the answers kept apart.

Two records never meet. ``SurveyInvitation`` says *who* was asked and whether they answered
(to enforce once-only and to send reminders); ``SurveyResponse`` and ``SurveyAnswer`` say
*what* was answered. In an anonymous survey nothing joins them: no foreign key, no shared
column, random ids (``secrets.token_hex``) instead of a sequence, and only the day of the
answer (``answered_on``), never a time. Both response tables are ``WITHOUT ROWID`` on SQLite
so not even the hidden rowid keeps the insertion order.

``SurveyTally`` holds the counters results read (``count = count + 1`` in SQL, in the same
transaction as the answer): one row per question, value, day and context.

What this does not hide, on PostgreSQL: the heap keeps rows roughly in arrival order, and
a row's system column ``xmin`` names the transaction that wrote it, which is the same for the
invitation's ``answered_on`` and the response. Keys, columns and values say nothing, but a
superuser reading those system columns of the live database could pair them. Closing that
would take writing the answer in a transaction of its own (losing the all-or-nothing answer),
or rewriting the tables by their random key once a survey closes (``CLUSTER``).

Times are naive UTC like every DateTime column.
"""

import secrets
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, PrimaryKeyConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.core.timeutil import utcnow
from community.extensions import db

QUESTION_KINDS = ("likert_agreement", "likert_satisfaction", "nps", "rating", "single",
                  "multiple", "number", "short_text", "long_text")
LIKERT_KINDS = ("likert_agreement", "likert_satisfaction")
SCALE_KINDS = LIKERT_KINDS + ("nps", "rating")
CHOICE_KINDS = ("single", "multiple")
TEXT_KINDS = ("short_text", "long_text")
AUDIENCES = ("event", "advisory", "members", "public")
STATUSES = ("draft", "open", "closed")
#: The option code of the free "otro" answer of a choice question.
OTHER_CODE = "__other"


def random_id() -> str:
    """A 32-hex random key: unlike a sequence it says nothing about the order of rows."""
    return secrets.token_hex(16)


class Survey(db.Model):
    """A questionnaire, its audience and its state (draft -> open -> closed)."""

    __tablename__ = "survey"
    __table_args__ = (
        Index("ix_survey_audience_status", "audience", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    intro_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    anonymous: Mapped[bool] = mapped_column(default=True)
    audience: Mapped[str] = mapped_column(String(10), default="event")
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="SET NULL"), index=True)
    event_kind: Mapped[str | None] = mapped_column(String(20))
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    reminder_days: Mapped[int] = mapped_column(default=7)
    results_public: Mapped[bool] = mapped_column(default=False)
    preset: Mapped[str | None] = mapped_column(String(20))
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    frozen_at: Mapped[datetime | None]

    event = relationship("Event")
    created_by = relationship("User", foreign_keys=[created_by_id])
    copied_from = relationship("Survey", remote_side=[id])
    sections = relationship("SurveySection", back_populates="survey",
                            cascade="all, delete-orphan",
                            order_by="(SurveySection.position, SurveySection.id)")
    questions = relationship("SurveyQuestion", back_populates="survey",
                             cascade="all, delete-orphan",
                             order_by="(SurveyQuestion.position, SurveyQuestion.id)")

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    def __repr__(self) -> str:
        return f"<Survey {self.slug} {self.status}>"


class SurveySection(db.Model):
    """A titled group of questions (a page heading for the respondent)."""

    __tablename__ = "survey_section"
    __table_args__ = (Index("ix_survey_section_survey_position", "survey_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")

    survey = relationship("Survey", back_populates="sections")
    questions = relationship("SurveyQuestion", back_populates="section",
                             order_by="(SurveyQuestion.position, SurveyQuestion.id)")


class SurveyQuestion(db.Model):
    """One question; ``position`` orders it within the whole survey (not the section).

    A display condition shows the question only when an earlier single/multiple question
    (``condition_question_id``) was answered with ``condition_option`` (an option code).
    """

    __tablename__ = "survey_question"
    __table_args__ = (Index("ix_survey_question_survey_position", "survey_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    section_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_section.id", ondelete="SET NULL"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(500))
    help: Mapped[str] = mapped_column(String(500), default="")
    required: Mapped[bool] = mapped_column(default=False)
    allow_other: Mapped[bool] = mapped_column(default=False)
    number_min: Mapped[int | None]
    number_max: Mapped[int | None]
    condition_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_question.id", ondelete="SET NULL"))
    condition_option: Mapped[str | None] = mapped_column(String(20))

    survey = relationship("Survey", back_populates="questions")
    section = relationship("SurveySection", back_populates="questions")
    condition_question = relationship("SurveyQuestion", remote_side=[id])
    options = relationship("SurveyOption", back_populates="question",
                           cascade="all, delete-orphan",
                           order_by="(SurveyOption.position, SurveyOption.id)")

    @property
    def field_name(self) -> str:
        """The form field that carries this question's answer."""
        return f"q{self.id}"

    def __repr__(self) -> str:
        return f"<SurveyQuestion {self.id} {self.kind}>"


class SurveyOption(db.Model):
    """A choice of a single/multiple question; ``code`` stays when the label is edited."""

    __tablename__ = "survey_option"
    __table_args__ = (
        UniqueConstraint("question_id", "code"),
        Index("ix_survey_option_question_position", "question_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_question.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(200))

    question = relationship("SurveyQuestion", back_populates="options")


class SurveyInvitation(db.Model):
    """Who was asked (the participation record): an account, an e-mail address, or, for a
    public survey, an anonymous visitor's cookie (``anon_key``, its SHA-256).

    Only dates, never times: ``answered_on`` says that the person answered and on which day,
    which is all once-only and reminders need.
    """

    __tablename__ = "survey_invitation"
    __table_args__ = (
        # Named: the convention would give the three the same name (PostgreSQL refuses it).
        UniqueConstraint("survey_id", "user_id", name="uq_survey_invitation_survey_user"),
        UniqueConstraint("survey_id", "email", name="uq_survey_invitation_survey_email"),
        UniqueConstraint("survey_id", "anon_key", name="uq_survey_invitation_survey_anon"),
        Index("ix_survey_invitation_survey_answered", "survey_id", "answered_on"),
        Index("ix_survey_invitation_user_answered", "user_id", "answered_on"),
        # Covers the invited count of the results page under a context filter (kind,
        # municipality, event, dates): read from the index alone, no lookup per invitation.
        Index("ix_survey_invitation_survey_context", "survey_id", "context_kind",
              "context_municipality", "context_event_id", "invited_on"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"))
    email: Mapped[str | None] = mapped_column(String(254))
    anon_key: Mapped[str | None] = mapped_column(String(64))
    token: Mapped[str] = mapped_column(String(64), unique=True,
                                       default=lambda: secrets.token_urlsafe(24))
    context_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="SET NULL"))
    context_kind: Mapped[str | None] = mapped_column(String(20))
    context_municipality: Mapped[str | None] = mapped_column(String(5))
    invited_on: Mapped[date | None]
    reminded_on: Mapped[date | None]
    answered_on: Mapped[date | None]

    survey = relationship("Survey")
    user = relationship("User")


class SurveyResponse(db.Model):
    """What one person answered, with the context of their invitation but nothing of them.

    ``user_id`` and ``submitted_at`` are filled only in identified surveys.
    """

    __tablename__ = "survey_response"
    __table_args__ = (
        Index("ix_survey_response_survey_answered", "survey_id", "answered_on"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    answered_on: Mapped[date]
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"))
    event_kind: Mapped[str | None] = mapped_column(String(20))
    municipality_code: Mapped[str | None] = mapped_column(String(5))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None]

    survey = relationship("Survey")
    answers = relationship("SurveyAnswer", back_populates="response",
                           cascade="all, delete-orphan")


class SurveyAnswer(db.Model):
    """One answer to one question: a choice (one row per chosen option; "otro" is
    ``OTHER_CODE`` with its text), a number (scales and numbers) or a text."""

    __tablename__ = "survey_answer"
    __table_args__ = (
        PrimaryKeyConstraint("response_id", "question_id", "option_code"),
        Index("ix_survey_answer_question", "question_id"),
        {"sqlite_with_rowid": False},
    )

    response_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("survey_response.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_question.id", ondelete="CASCADE"))
    option_code: Mapped[str] = mapped_column(String(20), default="")
    number: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)

    response = relationship("SurveyResponse", back_populates="answers")
    question = relationship("SurveyQuestion")


class SurveyTally(db.Model):
    """How many answers gave ``value`` to a question on a day in a context.

    ``value``: the option code, the number as text, or '' for a text answered. Empty context
    is 0 / '' (not NULL) so the primary key covers it.
    """

    __tablename__ = "survey_tally"
    __table_args__ = (
        # ``value`` right after the question: results GROUP BY (question_id, value) read the
        # key in order, without a temporary B-tree. WITHOUT ROWID on SQLite: the rows live in
        # the key's B-tree, so a survey's tallies are one range scan with ``count`` at hand
        # instead of a lookup into the table per row.
        PrimaryKeyConstraint("survey_id", "question_id", "value", "day", "event_id",
                             "event_kind", "municipality_code"),
        {"sqlite_with_rowid": False},
    )

    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_question.id", ondelete="CASCADE"))
    day: Mapped[date]
    value: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[int] = mapped_column(default=0)
    event_kind: Mapped[str] = mapped_column(String(20), default="")
    municipality_code: Mapped[str] = mapped_column(String(5), default="")
    count: Mapped[int] = mapped_column(default=0)


class SurveyDay(db.Model):
    """How many people were invited and how many answered, per day and context.

    The totals of a results page (invited, answered, rate) under any filter, and of each
    period of a comparison, are SUMs over these few rows instead of counts over every
    invitation and response. ``invited`` counts invitations by the day they were made,
    ``answered`` responses by the day of the answer: the same day granularity as the
    tallies, so it links nothing the tallies do not. Kept in step with the rows it counts
    (``services.count_days``); migration 0012 fills it from them.
    """

    __tablename__ = "survey_day"
    __table_args__ = (
        PrimaryKeyConstraint("survey_id", "day", "event_id", "event_kind", "municipality_code"),
        {"sqlite_with_rowid": False},
    )

    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    day: Mapped[date]
    event_id: Mapped[int] = mapped_column(default=0)
    event_kind: Mapped[str] = mapped_column(String(20), default="")
    municipality_code: Mapped[str] = mapped_column(String(5), default="")
    invited: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)
