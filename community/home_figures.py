"""The home page's figures, every one counted from the data at the time of the request.

Nothing shown as a number on the home page is written in a template: validated OSCs, the
municipalities where there is at least one, upcoming events, forum conversations and the
attendance recorded at events. The home page is not in the page cache, so each visit counts;
four small aggregate queries on indexed columns.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from community.core.timeutil import utcnow
from community.events.models import Event, Registration
from community.events.queries import past_condition, upcoming_condition
from community.extensions import db
from community.forums.models import Category, Topic
from community.profiles.models import Organization


@dataclass(frozen=True)
class HomeFigures:
    validated_organizations: int
    municipalities: int
    upcoming_events: int
    past_events: int
    attendances: int
    forum_topics: int


def home_figures(now: datetime | None = None) -> HomeFigures:
    now = now or utcnow()
    validated = Organization.status == "validated"
    organizations, municipalities = db.session.execute(
        select(func.count(), func.count(func.distinct(Organization.municipality_code)))
        .where(validated)).one()
    upcoming, past = db.session.execute(select(
        func.count().filter(upcoming_condition(now)),
        func.count().filter(past_condition(now)),
    ).select_from(Event)).one()
    attendances = db.session.scalar(
        select(func.count()).select_from(Registration)
        .where(Registration.checked_in_at.is_not(None))) or 0
    topics = db.session.scalar(
        select(func.count()).select_from(Topic).join(Category, Category.id == Topic.category_id)
        .where(Topic.hidden.is_(False), Category.members_only.is_(False))) or 0
    return HomeFigures(validated_organizations=organizations or 0,
                       municipalities=municipalities or 0, upcoming_events=upcoming or 0,
                       past_events=past or 0, attendances=attendances, forum_topics=topics)
