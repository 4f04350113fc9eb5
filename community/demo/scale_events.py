"""``flask seed-scale --attendances N``: N attendances (checked-in registrations) over two years
of concluded scale events, for the indicators' benchmark (``bench/indicators_bench.py``).

As for the OSCs and the advisory requests (``scale.py``), the rows are written directly with
SQLAlchemy Core ``insert()`` in batches, with what the services would have stored:

- **events**: every kind, about ``TRAINING_SIZE`` attendances each (20 to 3 times that), on
  days spread evenly over the last ``ATTENDANCE_DAYS`` days, at 10:00 in Mexico City, across
  the municipalities by population (15 % online, with no municipality); most concluded, some
  published and past (both count as held), a few cancelled (their registrations cancelled,
  never checked in). One Congress a year (Octobers), with ``CONGRESS_SHARE`` of the
  attendances. Their slugs begin with ``ATTENDANCE_SLUG``, by which the command knows its rows;
- **people**: citizen accounts (one for every ``ATTENDANCES_PER_PERSON`` attendances) that
  cannot sign in, living in the municipalities by population, most of them in an OSC of the
  scale registry (when there is one) on whose behalf they register;
- **registrations**: at an event, three quarters of the people from its municipality and the
  rest from anywhere, never twice the same person (one row per event and person, as the
  services keep); about ``NO_SHOW`` of the confirmed places are never checked in, which
  is not counted in N.

With advisory requests of the scale (``--advisory``), ``link_advisory_organizations`` gives
the requests made by an OSC (not a group) one of the scale OSCs, so "OSC atendidas" counts.
"""

import random
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, insert, select, update

from community.core.timeutil import to_local
from community.demo import fake
from community.demo.scale import ADVISORY_EMAIL_LIKE, SCALE_DOMAIN, SCALE_EMAIL_LIKE
from community.extensions import db

ATTENDANCE_DAYS = 730
ATTENDANCE_SLUG = "escala-asistencia"
PEOPLE_DOMAIN = f"asistentes.{SCALE_DOMAIN}"
TRAINING_SIZE = 90  # mean attendances of a training
CONGRESS_SHARE = 0.06
CONGRESS_MONTH_DAY = (10, 22)
ATTENDANCES_PER_PERSON = 6
IN_AN_OSC = 0.7  # people who belong to a scale OSC
FOR_THE_OSC = 0.9  # of those, registrations made on the OSC's behalf
LOCAL_SHARE = 0.75
NO_SHOW = 0.1
CANCELLED_EVENTS = 0.02
ONLINE = 0.15
#: Trainings by kind (the congress apart), as the program's calendar has them.
TRAINING_KINDS = (("taller", 40), ("curso", 18), ("seminario", 12), ("conferencia", 12),
                  ("encuentro", 8), ("coloquio", 4), ("foro", 5))
#: An unusable password hash: these accounts never sign in.
NO_PASSWORD = "!escala"  # noqa: S105 - not a password: matches none


def attendance_scale_count() -> int:
    """Checked-in registrations at the scale events."""
    from community.events.models import Event, Registration

    return db.session.scalar(
        select(func.count()).select_from(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(Event.slug.like(f"{ATTENDANCE_SLUG}-%"), Registration.checked_in_at.is_not(None)))


def _scale_events_count() -> int:
    from community.events.models import Event

    return db.session.scalar(select(func.count()).select_from(Event).where(
        Event.slug.like(f"{ATTENDANCE_SLUG}-%")))


def _scale_people_count() -> int:
    from community.accounts.models import User

    return db.session.scalar(select(func.count()).select_from(User).where(
        User.email.like(f"%@{PEOPLE_DOMAIN}")))


class AttendanceScaleBuilder:
    """Plans the events, makes the people, then the registrations event by event."""

    def __init__(self, rng: random.Random, places: list, now, start: int):
        self.rng, self.places, self.now = rng, places, now
        self.weights = fake.municipality_weights(places, 0.55)
        self.start = start  # numbering of slugs and e-mails after an earlier run (--append)
        self.today = to_local(now).date()

    # --- events ---------------------------------------------------------------------------

    def plan_events(self, attendances: int) -> list[dict]:
        """Event rows with their planned number of attendances (``_attend``, not a column)."""
        rng = self.rng
        congress_total = round(attendances * CONGRESS_SHARE)
        congress_days = self._congress_days()
        sizes = [congress_total // len(congress_days)] * len(congress_days)
        if sizes:
            sizes[0] += congress_total - sum(sizes)
        training_total = attendances - sum(sizes)
        trainings = []
        left = training_total
        while left > 0:
            size = min(left, max(1, int(rng.triangular(20, 3 * TRAINING_SIZE, 0.8 *
                                                       TRAINING_SIZE))))
            trainings.append(size)
            left -= size
        kinds, kind_weights = zip(*TRAINING_KINDS, strict=True)
        rows = []
        count = len(trainings)
        for index, size in enumerate(trainings):
            back = 1 + (ATTENDANCE_DAYS - 1) * (index + rng.random()) / max(1, count)
            rows.append(self._event(self.today - timedelta(days=int(back)),
                                    rng.choices(kinds, kind_weights)[0], size))
        rows += [self._event(day, "congreso", size, place_code="15106")
                 for day, size in zip(congress_days, sizes, strict=True)]
        cancelled = max(1, round(len(rows) * CANCELLED_EVENTS)) if rows else 0
        for _ in range(cancelled):  # a few cancelled events: registrations, no attendance
            day = self.today - timedelta(days=rng.randint(1, ATTENDANCE_DAYS - 1))
            rows.append(self._event(day, rng.choices(kinds, kind_weights)[0], 0,
                                    status="cancelled", registered=rng.randint(5, 40)))
        for number, row in enumerate(rows, start=self.start + 1):
            row["slug"] = f"{ATTENDANCE_SLUG}-{number}"
            row["title"] = f"{row['title']} {number}"
        return rows

    def _congress_days(self):
        month, day = CONGRESS_MONTH_DAY
        first = self.today - timedelta(days=ATTENDANCE_DAYS - 1)
        days = []
        for year in range(self.today.year, first.year - 1, -1):
            candidate = self.today.replace(year=year, month=month, day=day)
            if first <= candidate <= self.today - timedelta(days=3):
                days.append(candidate)
        return days

    def _event(self, day, kind, attend, place_code=None, status=None, registered=None):
        from community.events.fields import KINDS

        rng = self.rng
        if place_code is None:
            online = kind != "congreso" and rng.random() < ONLINE
            place_code = None if online else rng.choices(self.places, self.weights)[0].code
        # 10:00 in Mexico City (UTC-6) for three or four hours; a congress lasts two days.
        starts = datetime.combine(day, datetime.min.time()) + timedelta(hours=16)
        ends = starts + (timedelta(days=1, hours=8) if kind == "congreso"
                         else timedelta(hours=rng.choice((3, 4))))
        if status is None:
            status = "concluded" if rng.random() < 0.85 else "published"
        published = starts - timedelta(days=rng.randint(10, 40))
        return {"title": f"{KINDS[kind]} de escala", "kind": kind, "starts_at": starts,
                "ends_at": ends, "modality": "en_linea" if place_code is None else "presencial",
                "municipality_code": place_code, "status": status, "capacity": None,
                "created_at": published - timedelta(days=2), "updated_at": ends,
                "published_at": published,
                "cancelled_at": starts - timedelta(days=2) if status == "cancelled" else None,
                "cancel_reason": "Se pospone por causas de fuerza mayor."
                if status == "cancelled" else None,
                "_attend": attend,
                "_register": registered if registered is not None
                else attend + round(attend * NO_SHOW / (1 - NO_SHOW))}

    # --- people ---------------------------------------------------------------------------

    def people(self, count: int, start: int, org_ids: list[int]) -> tuple[list[dict], list]:
        """``count`` account rows and, for each, the OSC they belong to (or None)."""
        rng = self.rng
        homes = rng.choices(self.places, self.weights, k=count)
        rows, orgs = [], []
        for offset, place in enumerate(homes):
            number = start + offset + 1
            created = self.now - timedelta(days=ATTENDANCE_DAYS + rng.randint(1, 400))
            rows.append({"email": f"persona{number}@{PEOPLE_DOMAIN}",
                         "name": fake.full_person_name(rng), "password_hash": NO_PASSWORD,
                         "role": "citizen", "municipality_code": place.code, "locale": "es_MX",
                         "active": True, "session_token": secrets.token_hex(32),
                         "email_confirmed_at": created, "created_at": created,
                         "password_changed_at": created, "notification_email": "each"})
            orgs.append(rng.choice(org_ids) if org_ids and rng.random() < IN_AN_OSC else None)
        return rows, orgs

    # --- registrations --------------------------------------------------------------------

    def registrations(self, event_id: int, event: dict, pool: "PeoplePool") -> list[dict]:
        rng = self.rng
        chosen = pool.draw(rng, event["municipality_code"], event["_register"])
        rng.shuffle(chosen)
        attend = min(event["_attend"], len(chosen))
        starts = event["starts_at"]
        rows = []
        for index, (user_id, org_id) in enumerate(chosen):
            queued = starts - timedelta(days=rng.randint(1, 20), minutes=rng.randint(0, 1439))
            row = {"event_id": event_id, "user_id": user_id,
                   "organization_id": org_id if org_id and rng.random() < FOR_THE_OSC
                   else None,
                   "status": "confirmed", "queued_at": queued, "created_at": queued,
                   "confirmed_at": queued, "cancelled_at": None,
                   "ticket": secrets.token_urlsafe(18), "checked_in_at": None,
                   "checked_in_by_id": None, "certificate_code": None, "reminded_at": None}
            if event["status"] == "cancelled":
                row["status"], row["cancelled_at"] = "cancelled", event["cancelled_at"]
            elif index < attend:
                row["checked_in_at"] = starts + timedelta(minutes=rng.randint(-30, 45))
            rows.append(row)
        return rows


class PeoplePool:
    """The scale people by municipality, to draw an event's attendees without repeats."""

    def __init__(self, people: list[tuple[int, str | None, int | None]]):
        self.everyone = [(user_id, org_id) for user_id, _code, org_id in people]
        self.by_place: dict[str, list] = {}
        for user_id, code, org_id in people:
            self.by_place.setdefault(code, []).append((user_id, org_id))

    def draw(self, rng: random.Random, code: str | None, count: int) -> list:
        count = min(count, len(self.everyone))
        local = self.by_place.get(code) or []
        from_local = min(len(local), round(count * LOCAL_SHARE)) if code else 0
        chosen = rng.sample(local, from_local) if from_local else []
        seen = {user_id for user_id, _ in chosen}
        while len(chosen) < count:
            person = self.everyone[rng.randrange(len(self.everyone))]
            if person[0] not in seen:
                seen.add(person[0])
                chosen.append(person)
        return chosen


def insert_events(rows: list[dict]) -> list[int]:
    from community.events.models import Event

    table = Event.__table__
    columns = [{k: v for k, v in row.items() if not k.startswith("_")} for row in rows]
    return db.session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                              columns).scalars().all()


def insert_people(rows: list[dict]) -> list[int]:
    from community.accounts.models import User

    table = User.__table__
    return db.session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                              rows).scalars().all()


def insert_registrations(rows: list[dict]) -> None:
    from community.events.models import Registration

    if rows:
        db.session.execute(insert(Registration.__table__), rows)


def scale_organization_ids() -> list[int]:
    """The validated OSCs of the scale registry (people register on their behalf)."""
    from community.profiles.models import Organization

    return list(db.session.scalars(select(Organization.id).where(
        Organization.public_email.like(SCALE_EMAIL_LIKE),
        Organization.status == "validated").order_by(Organization.id)))


def seed_attendances(count: int, rng: random.Random, places: list, now, batch_size: int,
                     progress=None) -> dict:
    """The events, people and registrations for ``count`` attendances; their numbers."""
    builder = AttendanceScaleBuilder(rng, places, now, _scale_events_count())
    events = builder.plan_events(count)
    event_ids = []
    for first in range(0, len(events), batch_size):
        event_ids += insert_events(events[first:first + batch_size])
    org_ids = scale_organization_ids()
    wanted = max(1, count // ATTENDANCES_PER_PERSON,
                 max((e["_register"] for e in events), default=0))
    people_start = _scale_people_count()
    people = []
    for first in range(0, wanted, batch_size):
        rows, orgs = builder.people(min(batch_size, wanted - first), people_start + first,
                                    org_ids)
        ids = insert_people(rows)
        people += [(user_id, row["municipality_code"], org_id)
                   for user_id, row, org_id in zip(ids, rows, orgs, strict=True)]
    pool = PeoplePool(people)
    pending, registrations = [], 0
    for event_id, event in zip(event_ids, events, strict=True):
        pending += builder.registrations(event_id, event, pool)
        if len(pending) >= batch_size:
            insert_registrations(pending)
            registrations += len(pending)
            pending = []
        if progress:
            progress(event["_attend"])
    insert_registrations(pending)
    registrations += len(pending)
    return {"events": len(events), "people": len(people), "registrations": registrations,
            "attendances": count}


def link_advisory_organizations(rng: random.Random, batch_size: int = 2000) -> int:
    """Requests of the scale made by an OSC (not a group) get one of the scale OSCs."""
    from community.advisory.models import AdvisoryRequest

    org_ids = scale_organization_ids()
    if not org_ids:
        return 0
    request_ids = list(db.session.scalars(select(AdvisoryRequest.id).where(
        AdvisoryRequest.contact_email.like(ADVISORY_EMAIL_LIKE),
        AdvisoryRequest.requester_kind == "osc",
        AdvisoryRequest.organization_id.is_(None)).order_by(AdvisoryRequest.id)))
    table = AdvisoryRequest.__table__
    stmt = update(table).where(table.c.id == bindparam("request_id")).values(
        organization_id=bindparam("org_id"))
    for first in range(0, len(request_ids), batch_size):
        db.session.execute(stmt, [{"request_id": request_id, "org_id": rng.choice(org_ids)}
                                  for request_id in request_ids[first:first + batch_size]])
    return len(request_ids)
