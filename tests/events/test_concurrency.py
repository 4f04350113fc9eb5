"""Capacity under real concurrency: threads, each with its own app context, session and
database connection, against whichever database the suite runs on (the file SQLite of the
test instance, or PostgreSQL with TEST_DATABASE_URL). Never skipped."""

import threading
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from community.accounts.models import User
from community.core.database import mark_read_only
from community.core.timeutil import utcnow
from community.events import services
from community.events.models import Event, Registration
from community.extensions import db as _db

THREAD_TIMEOUT = 120


class JobFailed(Exception):
    """A job's error with what tells a slow lock from a short wait: how long the job ran and
    the threads alive then ("database is locked" after 10 s means a writer held the lock that
    long; after a fraction of a second, a connection whose busy timeout was shortened)."""

    def __init__(self, error: BaseException, started: float | None) -> None:
        ran = "before the start" if started is None else f"{time.monotonic() - started:.2f} s"
        super().__init__(f"{error!r} after {ran}; "
                         f"threads {sorted(t.name for t in threading.enumerate())}")
        self.__cause__ = error


def run_at_once(app, jobs: list[Callable[[], None]]) -> list[BaseException]:
    """Run each job in its own thread and app context, all released together by a barrier;
    each commits (or rolls back) on its own. Returns the errors raised."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(jobs))

    def worker(job):
        with app.app_context():
            mark_read_only(False)  # a thread outside a request writes, like a CLI command
            started = None
            try:
                barrier.wait(timeout=THREAD_TIMEOUT)
                started = time.monotonic()
                job()
                _db.session.commit()
            except BaseException as error:  # noqa: BLE001 - reported by the test
                _db.session.rollback()
                errors.append(JobFailed(error, started))
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return errors


def _release_main_session(db) -> None:
    """The test's own session must hold no transaction (on SQLite every transaction here
    begins IMMEDIATE and would keep the write lock from the threads)."""
    db.session.commit()
    db.session.close()


def _register_job(user_id: int, event_id: int, now=None) -> Callable[[], None]:
    def job():
        user = _db.session.get(User, user_id)
        event = _db.session.get(Event, event_id)
        services.register(user, event, now=now)

    return job


def _cancel_job(registration_id: int) -> Callable[[], None]:
    def job():
        registration = _db.session.get(Registration, registration_id)
        services.cancel_registration(registration.user, registration)

    return job


def _statuses(db, event_id: int) -> dict[str, list[int]]:
    db.session.expire_all()
    rows = db.session.execute(select(Registration.user_id, Registration.status).where(
        Registration.event_id == event_id).order_by(Registration.queued_at, Registration.id))
    found: dict[str, list[int]] = {"confirmed": [], "waitlisted": [], "cancelled": []}
    for user_id, status in rows:
        found[status].append(user_id)
    return found


def test_50_concurrent_registrations_for_10_seats(app, db, make_event, make_user, outbox):
    event = make_event(capacity="10")
    user_ids = [make_user().id for _ in range(50)]
    event_id = event.id
    _release_main_session(db)
    errors = run_at_once(app, [_register_job(uid, event_id) for uid in user_ids])
    assert errors == []
    found = _statuses(db, event_id)
    assert len(found["confirmed"]) == 10
    assert len(found["waitlisted"]) == 40
    assert sorted(found["confirmed"] + found["waitlisted"]) == sorted(user_ids)
    assert services.seats(db.session.get(Event, event_id))["left"] == 0
    confirmations = [m for m in outbox if m.subject.startswith("Registro confirmado")]
    assert len(confirmations) == 10


def test_concurrent_cancellations_promote_in_order_without_overfilling(app, db, make_event,
                                                                        make_user):
    """Five confirmed people cancel while ten newcomers register, all at once: the five
    seats go to the first five who were waiting, never to a newcomer, never a sixth."""
    event = make_event(capacity="5")
    start = utcnow() - timedelta(hours=1)
    people = [make_user() for _ in range(15)]
    registrations = [services.register(person, event, now=start + timedelta(seconds=n))
                     for n, person in enumerate(people)]
    db.session.commit()
    newcomers = [make_user().id for _ in range(10)]
    event_id, ids = event.id, [p.id for p in people]
    cancelling = [r.id for r in registrations[:5]]
    _release_main_session(db)
    jobs = [_cancel_job(rid) for rid in cancelling]
    jobs += [_register_job(uid, event_id) for uid in newcomers]
    errors = run_at_once(app, jobs)
    assert errors == []
    found = _statuses(db, event_id)
    assert found["confirmed"] == ids[5:10]
    assert found["waitlisted"][:5] == ids[10:15]
    assert sorted(found["waitlisted"][5:]) == sorted(newcomers)
    assert found["cancelled"] == ids[:5]
