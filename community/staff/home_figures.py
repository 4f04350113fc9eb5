"""The home page's figures, every one counted from the data at the time of the request.

Nothing shown as a number on the home page is written in a template. The figures that are
results indicators (validated OSCs and their municipalities, training events held and their
attendances) come from the one registry of indicators (``community.staff.indicators``), so
the home page, the staff cards and /resultados can never count them two ways; upcoming
events and forum conversations are not indicators and are counted here. It lives in staff,
the one module that reads the others, and reaches the home page through
``app.extensions["home_figures"]`` (see ``community/staff/__init__.py``).
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from community.core.periods import Period, local_today
from community.core.timeutil import utcnow
from community.events.models import Event
from community.events.queries import upcoming_condition
from community.extensions import db
from community.forums.models import Category, Topic
from community.staff import figures
from community.staff.indicators import REGISTRY

#: "Since the beginning": before any record the platform can hold.
SINCE = date(2000, 1, 1)


@dataclass(frozen=True)
class HomeFigures:
    validated_organizations: int
    municipalities: int
    upcoming_events: int
    past_events: int
    attendances: int
    forum_topics: int


def _indicator(key: str, period: Period) -> int:
    return figures.values(REGISTRY[key], [period])[0] or 0


def home_figures(now: datetime | None = None) -> HomeFigures:
    now = now or utcnow()
    today = Period(SINCE, local_today(now), "")
    upcoming = db.session.scalar(
        select(func.count()).select_from(Event).where(upcoming_condition(now))) or 0
    topics = db.session.scalar(
        select(func.count()).select_from(Topic).join(Category, Category.id == Topic.category_id)
        .where(Topic.hidden.is_(False), Category.members_only.is_(False))) or 0
    return HomeFigures(
        validated_organizations=_indicator("padron-validadas", today),
        municipalities=len(figures.municipality_values(REGISTRY["padron-validadas"], today)),
        upcoming_events=upcoming,
        past_events=_indicator("eventos-impartidos", today),
        attendances=_indicator("asistencias", today),
        forum_topics=topics)
