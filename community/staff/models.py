"""What staff write about the indicators: the year's goals and the years before the platform."""

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from community.core.timeutil import utcnow
from community.extensions import db


class IndicatorGoal(db.Model):
    """An indicator's goal for a calendar year (its *meta anual*); changes are audited."""

    __tablename__ = "indicator_goal"
    __table_args__ = (UniqueConstraint("indicator", "year", name="uq_indicator_goal_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator: Mapped[str] = mapped_column(String(40))
    year: Mapped[int]
    value: Mapped[float] = mapped_column(Float)
    set_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class IndicatorHistory(db.Model):
    """A yearly figure from before the platform, typed from the program's reports: shown
    apart from computed figures, with its source, never mixed into them."""

    __tablename__ = "indicator_history"
    __table_args__ = (UniqueConstraint("indicator", "year", name="uq_indicator_history_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator: Mapped[str] = mapped_column(String(40))
    year: Mapped[int]
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class IndicatorFigure(db.Model):
    """A computed figure kept for every worker process and across restarts, so a page shows
    figures computed in the background instead of counting a million rows while staff wait.
    ``versions`` are the page cache's data versions it was computed at; a figure whose data
    changed since may still be shown for a while, with the time it was computed."""

    __tablename__ = "indicator_figure"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the question
    value: Mapped[str] = mapped_column(Text)  # JSON
    versions: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(index=True)
