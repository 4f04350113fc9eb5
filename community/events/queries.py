"""Read side of events: the calendar list and month grid, the manage list, a person's
registrations, seat counts for many events at once. Nothing here writes, and nothing here
decides who may act (that is ``services``)."""

import calendar as pycalendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, defaultload, lazyload

from community.core.catalog import is_municipality
from community.core.errors import ValidationError
from community.core.pagination import parse_page
from community.core.timeutil import LOCAL_TZ, to_local, utcnow
from community.events.fields import KINDS, MODALITIES, TOPICS
from community.events.models import Event, EventSession, Registration, event_topic
from community.extensions import db
from community.profiles.models import Organization

PER_PAGE = 20
MANAGE_PER_PAGE = 50
PUBLIC_STATUSES = ("published", "concluded")
MIN_YEAR, MAX_YEAR = 2000, 2100
# The GET arguments CalendarFilters.from_args reads: the cached pages declare them.
FILTER_ARGS = ("tipo", "municipio", "modalidad", "tema", "mi_municipio", "pasados", "page")


@dataclass
class CalendarFilters:
    """What a visitor can ask the calendar (GET parameters in Spanish, as in the URL)."""

    kind: str | None = None
    municipality: str | None = None
    modality: str | None = None
    topic: str | None = None
    mine: bool = False
    past: bool = False
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "CalendarFilters":
        filters = cls(kind=args.get("tipo") or None, municipality=args.get("municipio") or None,
                      modality=args.get("modalidad") or None, topic=args.get("tema") or None,
                      mine=args.get("mi_municipio") == "1", past=args.get("pasados") == "1",
                      page=parse_page(args.get("page")))
        filters.check()
        return filters

    def check(self) -> None:
        """Unknown values are a clear message (HTTP 400), never an empty list that lies."""
        errors = {}
        if self.kind and self.kind not in KINDS:
            errors["tipo"] = _l("Ese tipo de evento no existe.")
        if self.municipality and not is_municipality(self.municipality):
            errors["municipio"] = _l("Ese municipio no existe.")
        if self.modality and self.modality not in MODALITIES:
            errors["modalidad"] = _l("Esa modalidad no existe.")
        if self.topic and self.topic not in TOPICS:
            errors["tema"] = _l("Ese tema no está en la lista.")
        if errors:
            raise ValidationError(errors)

    def as_args(self, **overrides) -> dict:
        """The GET parameters of these filters (only those in use), for links."""
        args = {"tipo": self.kind, "municipio": self.municipality, "modalidad": self.modality,
                "tema": self.topic, "mi_municipio": "1" if self.mine else None,
                "pasados": "1" if self.past else None,
                "page": self.page if self.page > 1 else None}
        args.update(overrides)
        return {k: v for k, v in args.items() if v}

    def feed_args(self, user_municipality: str | None) -> dict:
        """The same filters for the iCalendar feed, which knows nobody: "my municipality"
        becomes the municipality itself."""
        args = self.as_args(page=None, pasados=None, mi_municipio=None)
        if self.mine and user_municipality and not self.municipality:
            args["municipio"] = user_municipality
        return args


def _filtered(stmt: Select, filters: CalendarFilters, user_municipality: str | None) -> Select:
    if filters.kind:
        stmt = stmt.where(Event.kind == filters.kind)
    municipality = filters.municipality
    if filters.mine and user_municipality and not municipality:
        municipality = user_municipality
    if municipality:
        stmt = stmt.where(Event.municipality_code == municipality)
    if filters.modality:
        stmt = stmt.where(Event.modality == filters.modality)
    if filters.topic:
        stmt = stmt.where(exists().where(event_topic.c.event_id == Event.id,
                                         event_topic.c.topic == filters.topic))
    return stmt


def upcoming_condition(now: datetime):
    """Published events that have not ended yet."""
    return and_(Event.status == "published", Event.ends_at > now)


def past_condition(now: datetime):
    """Concluded events, and published ones whose end has passed."""
    return or_(Event.status == "concluded",
               and_(Event.status == "published", Event.ends_at <= now))


def calendar(filters: CalendarFilters, user_municipality: str | None = None,
             now: datetime | None = None):
    """A page of upcoming events (soonest first) or, with ``past``, of past ones (latest
    first). Drafts and cancelled events never appear."""
    now = now or utcnow()
    if filters.past:
        stmt = select(Event).where(past_condition(now)).order_by(Event.starts_at.desc(),
                                                                   Event.id.desc())
    else:
        stmt = select(Event).where(upcoming_condition(now)).order_by(Event.starts_at, Event.id)
    stmt = _filtered(stmt, filters, user_municipality).options(
        defaultload(Event.organization).lazyload(Organization.activities))  # never shown here
    return db.paginate(stmt, page=filters.page, per_page=PER_PAGE, error_out=False, count=True)


def confirmed_counts(event_ids: list[int]) -> dict[int, int]:
    """Confirmed seats of many events in one query (the calendar shows seats left)."""
    return {event_id: count for event_id, count in _status_counts(event_ids, "confirmed")}


def registration_counts(event_ids: list[int]) -> dict[int, dict[str, int]]:
    """{event id: {"confirmed": n, "waitlisted": m}} in one query."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"confirmed": 0, "waitlisted": 0})
    if not event_ids:
        return counts
    rows = db.session.execute(
        select(Registration.event_id, Registration.status, func.count())
        .where(Registration.event_id.in_(event_ids),
               Registration.status.in_(("confirmed", "waitlisted")))
        .group_by(Registration.event_id, Registration.status))
    for event_id, status, count in rows:
        counts[event_id][status] = count
    return counts


def _status_counts(event_ids: list[int], status: str):
    if not event_ids:
        return []
    return db.session.execute(
        select(Registration.event_id, func.count())
        .where(Registration.event_id.in_(event_ids), Registration.status == status)
        .group_by(Registration.event_id))


# --- the month grid -----------------------------------------------------------------------


def month_bounds(year: int, month: int) -> tuple[date, date] | None:
    """First and last day of a month, or None when the month makes no sense."""
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return None
    return date(year, month, 1), date(year, month, pycalendar.monthrange(year, month)[1])


def _utc_start_of(day: date) -> datetime:
    """Midnight of a day in Mexico City, as naive UTC."""
    return datetime.combine(day, time(), tzinfo=LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)


def month_events(year: int, month: int, filters: CalendarFilters,
                 user_municipality: str | None = None) -> dict[date, list[Event]]:
    """Public events by local day for one month; an event of several days is on each day."""
    first, last = month_bounds(year, month)
    stmt = select(Event).where(Event.status.in_(PUBLIC_STATUSES),
                               Event.starts_at < _utc_start_of(last + timedelta(days=1)),
                               Event.ends_at > _utc_start_of(first)) \
        .order_by(Event.starts_at, Event.id)
    days: dict[date, list[Event]] = defaultdict(list)
    for event in db.session.scalars(_filtered(stmt, filters, user_municipality)):
        for day in _local_days(event):
            if first <= day <= last:
                days[day].append(event)
    return days


def _local_days(event: Event) -> list[date]:
    """The local calendar days an event touches (an end at midnight does not count)."""
    start = to_local(event.starts_at).date()
    end = to_local(event.ends_at - timedelta(microseconds=1)).date()
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def month_weeks(year: int, month: int) -> list[list[date]]:
    """Weeks of the grid, Monday first, with the spill-over days of the months around."""
    return pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)


def local_today() -> date:
    return to_local(utcnow()).date()


# --- one event ----------------------------------------------------------------------------


def waitlist_position(registration: Registration) -> int:
    """1 for the first person waiting: the order in which promotion will happen."""
    return waitlist_positions([registration])[registration.id]


def waitlist_positions(registrations: list[Registration]) -> dict[int, int]:
    """:func:`waitlist_position` of each waiting registration of a list, in one statement
    (a person's list of registrations may wait in many events)."""
    waiting = [r.id for r in registrations if r.status == "waitlisted"]
    if not waiting:
        return {}
    ahead = aliased(Registration)
    rows = db.session.execute(
        select(Registration.id, func.count(ahead.id))
        .outerjoin(ahead, and_(
            ahead.event_id == Registration.event_id, ahead.status == "waitlisted",
            or_(ahead.queued_at < Registration.queued_at,
                and_(ahead.queued_at == Registration.queued_at, ahead.id < Registration.id))))
        .where(Registration.id.in_(waiting)).group_by(Registration.id))
    return {registration_id: count + 1 for registration_id, count in rows}


def program_days(event: Event) -> list[tuple[date, list[EventSession]]]:
    """The program grouped by local day, in time order."""
    days: dict[date, list[EventSession]] = defaultdict(list)
    for session in event.sessions:
        days[to_local(session.starts_at).date()].append(session)
    return sorted(days.items())


# --- people and managers ------------------------------------------------------------------


def my_registrations(user, now: datetime | None = None) -> dict[str, list[Registration]]:
    """A person's registrations: upcoming (active, event not over) and past (the event is
    over or cancelled, or the person attended). Cancelled registrations are left out unless
    the person attended."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .options(contains_eager(Registration.event))  # one statement, not one per event
        .where(Registration.user_id == user.id,
               or_(Registration.status != "cancelled", Registration.checked_in_at.is_not(None)))
        .order_by(Event.starts_at, Event.id))
    upcoming, past = [], []
    for registration in rows:
        event = registration.event
        if event.status == "published" and event.ends_at > now:
            upcoming.append(registration)
        else:
            past.append(registration)
    past.reverse()
    return {"upcoming": upcoming, "past": past}


def manage_list(organization_ids: list[int] | None, page: int = 1):
    """Every event, drafts included (``organization_ids`` None: staff), or those of some
    OSCs; the latest first."""
    stmt = select(Event).order_by(Event.starts_at.desc(), Event.id.desc())
    if organization_ids is not None:
        stmt = stmt.where(Event.organization_id.in_(organization_ids or [-1]))
    return db.paginate(stmt, page=max(1, page), per_page=MANAGE_PER_PAGE, error_out=False,
                       count=True)


# --- the personal home and the staff console ----------------------------------------------


def upcoming_registrations(user, now: datetime | None = None,
                           limit: int = 5) -> tuple[list[tuple[Registration, Event]], int]:
    """A person's active registrations (confirmed or waiting) to events not over yet, soonest
    first: the first ``limit`` and how many there are, in one query."""
    now = now or utcnow()
    rows = db.session.execute(
        select(Registration, Event, func.count().over())
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.user_id == user.id,
               Registration.status.in_(("confirmed", "waitlisted")), upcoming_condition(now))
        .order_by(Event.starts_at, Event.id).limit(limit)
        .options(lazyload(Registration.user), lazyload(Event.topic_rows))).all()
    return [(registration, event) for registration, event, _ in rows], \
        (rows[0][2] if rows else 0)


@dataclass(frozen=True)
class WeekEvent:
    """An event of this week with its registrations, for the staff console."""

    id: int
    slug: str
    title: str
    starts_at: datetime
    capacity: int | None
    confirmed: int
    waitlisted: int
    attended: int


def week_bounds(today: date | None = None) -> tuple[datetime, datetime]:
    """Today and the next six days (local days), from today's 00:00, as naive UTC: on a
    Sunday, "this week" means the days ahead, not a week about to end."""
    today = today or local_today()
    return _utc_start_of(today), _utc_start_of(today + timedelta(days=7))


def week_events(today: date | None = None, limit: int = 10) -> tuple[list[WeekEvent], int]:
    """Published (or concluded) events of today and the next six days, soonest first, each
    with its confirmed, waiting and attended registrations: the first ``limit`` and how many
    there are, in one query."""
    start, end = week_bounds(today)
    rows = db.session.execute(
        select(Event.id, Event.slug, Event.title, Event.starts_at, Event.capacity,
               func.count(case((Registration.status == "confirmed", 1))),
               func.count(case((Registration.status == "waitlisted", 1))),
               func.count(Registration.checked_in_at), func.count().over())
        .outerjoin(Registration, Registration.event_id == Event.id)
        .where(Event.status.in_(PUBLIC_STATUSES), Event.starts_at < end, Event.ends_at > start)
        .group_by(Event.id, Event.slug, Event.title, Event.starts_at, Event.capacity)
        .order_by(Event.starts_at, Event.id).limit(limit)).all()
    return [WeekEvent(*row[:8]) for row in rows], (rows[0][8] if rows else 0)
