"""iCalendar (RFC 5545): one event, the public feed, and each person's secret feed.

Every VEVENT keeps the same UID for ever (``event-<id>@<site host>``) and raises its
SEQUENCE when the event changes, so a calendar that imported it updates it in place, and a
cancelled event stays in the feeds with STATUS:CANCELLED so subscribers see it struck out.
Times carry TZID=America/Mexico_City with its VTIMEZONE. The online link goes only where
``services.online_link`` gives it to the person (a confirmed place, or managing the event),
the same rule as the event page: the .ics they download, their personal feed, their
confirmation mail; never the public feed, which is nobody's.
"""

import html
import re
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Timezone
from icalendar import Event as VEvent
from sqlalchemy import or_, select

from community.accounts.models import User
from community.core.errors import NotFound
from community.core.permissions import require_signed_in
from community.core.timeutil import LOCAL_TZ, utcnow
from community.core.urls import external_url
from community.events import queries, services
from community.events.fields import IN_PERSON, KINDS, MODALITIES
from community.events.models import CalendarFeedKey, Event, Registration
from community.extensions import db

PRODID = "-//Comunidad OSC//Eventos//ES"
FEED_PAST = timedelta(days=90)  # recent past events stay, so calendars keep what happened
PERSONAL_PAST = timedelta(days=365)
FEED_LIMIT = 500
REFRESH = timedelta(hours=6)
TAG_RE = re.compile(r"<[^>]+>")
BLOCK_END_RE = re.compile(r"</(p|li|h[1-6]|blockquote|pre)>|<br\s*/?>", re.IGNORECASE)


# --- building calendars -------------------------------------------------------------------


def _host() -> str:
    """The site's configured host, not the one a request came by, so UIDs never change."""
    return urlsplit(current_app.config["BASE_URL"]).hostname or "comunidad-osc.local"


def uid(event: Event) -> str:
    return f"event-{event.id}@{_host()}"


def _aware(value: datetime, tz=LOCAL_TZ) -> datetime:
    return value.replace(tzinfo=UTC).astimezone(tz)


def plain_text(markup: str | None) -> str:
    """The sanitized description HTML as plain text (paragraphs kept as blank lines)."""
    text = BLOCK_END_RE.sub("\n", markup or "")
    text = html.unescape(TAG_RE.sub("", text))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def location(event: Event) -> str:
    parts: list[str] = []
    if event.modality in IN_PERSON:
        parts = [p for p in (event.venue, event.address) if p]
        if event.municipality is not None:
            parts.append(f"{event.municipality.name}, {_('Estado de México')}")
    if not parts:
        parts = [str(MODALITIES.get(event.modality, event.modality))]
    return ", ".join(parts)


def _description(event: Event, url: str, online_url: str | None) -> str:
    parts = [event.summary or "", plain_text(event.description_html)]
    if event.status == "cancelled" and event.cancel_reason:
        parts.insert(0, _("Evento cancelado: %(reason)s", reason=event.cancel_reason))
    if online_url:
        parts.append(_("Enlace para conectarse: %(url)s", url=online_url))
    parts.append(_("Detalles y registro: %(url)s", url=url))
    return "\n\n".join(p for p in parts if p)


def vevent(event: Event, online_url: str | None = None, tentative: bool = False) -> VEvent:
    """One event as a VEVENT; ``online_url`` only for a confirmed person."""
    url = external_url("events.event", slug=event.slug)
    item = VEvent()
    item.add("uid", uid(event))
    item.add("dtstamp", _aware(event.updated_at, UTC))
    item.add("created", _aware(event.created_at, UTC))
    item.add("last-modified", _aware(event.updated_at, UTC))
    item.add("sequence", event.sequence)
    item.add("dtstart", _aware(event.starts_at))
    item.add("dtend", _aware(event.ends_at))
    item.add("summary", event.title)
    item.add("description", _description(event, url, online_url))
    item.add("location", location(event))
    item.add("url", url)
    item.add("categories", [str(KINDS.get(event.kind, event.kind))])
    item.add("status", _status(event, tentative))
    if event.organization is not None:
        item.add("organizer", f"{url}#organiza", parameters={"CN": event.organization.name})
    return item


def _status(event: Event, tentative: bool) -> str:
    if event.status == "cancelled":
        return "CANCELLED"
    if event.status == "draft" or tentative:
        return "TENTATIVE"
    return "CONFIRMED"


def calendar(items: Iterable[VEvent], name: str, method: str | None = None) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "America/Mexico_City")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", REFRESH)
    cal.add_component(_mexico_city())
    for item in items:
        cal.add_component(item)
    return cal.to_ical()


@lru_cache(maxsize=1)
def _mexico_city() -> Timezone:
    """The VTIMEZONE, built once per process: deriving it from the tz database costs more
    than the rest of a calendar (15–55 ms), and every confirmation mail carries one."""
    return Timezone.from_tzid("America/Mexico_City")


def event_calendar(event: Event, registration: Registration | None = None,
                   viewer=None) -> bytes:
    """A single event for one person: ``viewer`` (who downloads it) or the registration's
    (a mail attachment). It carries the online link when that person may have it, and is
    TENTATIVE while their place is on the waiting list."""
    person = viewer if viewer is not None else getattr(registration, "user", None)
    online = services.online_link(person, event, registration)
    tentative = registration is not None and registration.status == "waitlisted"
    return calendar([vevent(event, online, tentative)], event.title, method="PUBLISH")


# --- the public feed ----------------------------------------------------------------------


def public_events(filters: "queries.CalendarFilters", now: datetime | None = None) -> list[Event]:
    """Published events from the recent past on, with the calendar's filters, and cancelled
    ones that had been published (so subscribers see them cancelled)."""
    since = (now or utcnow()) - FEED_PAST
    stmt = select(Event).where(
        Event.ends_at >= since,
        or_(Event.status.in_(queries.PUBLIC_STATUSES),
            (Event.status == "cancelled") & Event.published_at.is_not(None)))
    stmt = queries._filtered(stmt, filters, None)  # noqa: SLF001 - the calendar's own filters
    return list(db.session.scalars(stmt.order_by(Event.starts_at, Event.id).limit(FEED_LIMIT)))


def public_feed(filters: "queries.CalendarFilters") -> bytes:
    return calendar((vevent(e) for e in public_events(filters)),
                    _("Eventos de Comunidad OSC"))


# --- the personal feed --------------------------------------------------------------------


def feed_key(user) -> CalendarFeedKey | None:
    require_signed_in(user)
    return db.session.get(CalendarFeedKey, user.id)


def rotate_key(user) -> CalendarFeedKey:
    """A new secret for the person's feed (the first one, or a replacement that makes the old
    URL stop working at once)."""
    require_signed_in(user)
    key = db.session.get(CalendarFeedKey, user.id)
    if key is None:
        key = CalendarFeedKey(user_id=user.id)
        db.session.add(key)
    key.token = secrets.token_urlsafe(32)
    key.created_at = utcnow()
    db.session.flush()
    return key


def personal_url(key: CalendarFeedKey) -> str:
    return external_url("events.personal_feed", token=key.token)


def _owner_of(token: str) -> CalendarFeedKey:
    if not token or len(token) > 64:
        raise NotFound()
    key = db.session.scalar(select(CalendarFeedKey).where(CalendarFeedKey.token == token))
    owner = db.session.get(User, key.user_id) if key is not None else None
    if owner is None or not owner.active:
        raise NotFound()
    return key


def personal_registrations(token: str, now: datetime | None = None) -> list[Registration]:
    """The active registrations of the token's owner (404 for a wrong or revoked token),
    from a year ago on; drafts never show."""
    key = _owner_of(token)
    since = (now or utcnow()) - PERSONAL_PAST
    return list(db.session.scalars(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .where(Registration.user_id == key.user_id,
               Registration.status.in_(("confirmed", "waitlisted")),
               Event.status != "draft", Event.ends_at >= since)
        .order_by(Event.starts_at, Event.id).limit(FEED_LIMIT)))


def personal_feed(token: str) -> bytes:
    items = []
    for registration in personal_registrations(token):
        event = registration.event
        items.append(vevent(event, services.online_link(registration.user, event, registration),
                            tentative=registration.status != "confirmed"))
    return calendar(items, _("Mis eventos · Comunidad OSC"))
