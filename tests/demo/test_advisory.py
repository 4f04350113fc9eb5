"""The demo asesorías (``seed-demo``): two years of requests that keep every rule of the
services (states, due dates, the paused clock, internal notes), and idempotent.

Seeds fewer requests than ``flask seed-demo`` (and only the few OSCs it needs, not the demo
registry) so the test stays fast; the plan's edge cases are forced whatever the total."""

import re
import time
from collections import Counter

from sqlalchemy import func, select

from community.advisory import labels, queries, services
from community.advisory.models import (
    AdvisoryActivity,
    AdvisoryOutcome,
    AdvisoryRequest,
    AdvisorySession,
)
from community.core.models import AuditEntry, Notification
from community.core.timeutil import to_local, utcnow
from community.demo import accounts as accounts_demo
from community.demo import advisory as demo
from community.demo.accounts import CITIZEN_EMAIL, DEMO_DOMAIN
from community.demo.cli import DEMO_SEEDERS

TOTAL = 80
MODELS = (AdvisoryRequest, AdvisoryActivity, AdvisorySession, AdvisoryOutcome, AuditEntry,
          Notification)


def _counts(db) -> list[int]:
    return [db.session.scalar(select(func.count()).select_from(model)) for model in MODELS]


def _seed(db, make_org, make_user, outbox):
    accounts_demo.seed()
    for n, code in enumerate(("15106", "15033", "15058", "15057", "15099")):
        admin = make_user(email=f"admin.osc{n}@{DEMO_DOMAIN}", municipality=code)
        make_org(name=f"Organización Demo {n}", admin=admin, municipality=code)
    db.session.commit()
    outbox.clear()  # the registry's own mails about these OSCs
    made = demo.seed(total=TOTAL)
    db.session.commit()
    return made


def _check_states_and_years(made, today):
    states = Counter(req.state for req in made)
    assert set(states) == set(labels.STATES), states
    assert states["concluida"] >= 0.3 * len(made)
    assert 3 <= states["por_confirmar"] <= 5 and states["en_espera"] >= 3
    years = Counter(to_local(req.created_at).year for req in made)
    assert set(years) == {today.year - 1, today.year}
    assert all(to_local(req.created_at).date() <= today for req in made)
    assert set(Counter(req.topic for req in made)) == set(labels.TOPICS)
    assert len({req.municipality_code for req in made}) >= 25
    places = Counter(req.municipality_code for req in made)
    assert {code for code, _ in places.most_common(6)} & {"15106", "15033", "15058", "15057"}
    kinds = Counter("anon" if req.user_id is None else req.requester_kind for req in made)
    assert kinds["anon"] and kinds["grupo"] and kinds["osc"]
    assert any(req.organization_id for req in made)  # an OSC member asked for their OSC


def _check_dues(made, today):
    """Stored due dates are the services' own; only the chosen few are overdue."""
    overdue = 0
    for req in made:
        if req.confirmed_at is None:
            assert req.first_contact_due is None and req.state == "por_confirmar" \
                or req.state == "cancelada"
            continue
        dues = services.due_dates(req, today)
        if req.state != "en_espera":
            assert (req.first_contact_due, req.conclusion_due) == \
                (dues.first_contact, dues.conclusion), req.folio
        if req.state in ("asignada", "en_atencion", "en_espera", "concluida"):
            assert req.first_contact_at is not None and req.assignee_id is not None
        overdue += dues.first_contact_overdue or dues.conclusion_overdue
        if req.state == "concluida":
            assert req.outcomes and req.concluded_at and dues.on_time is not None
        if req.state == "cancelada":
            assert req.cancel_reason and req.cancelled_at
    assert 4 <= overdue <= 10
    assert queries.console_counts()[1] == overdue


def _check_history(db, made, now):
    sessions = [s for req in made for s in req.sessions]
    assert len(sessions) >= len(made) // 3
    assert Counter(s.modality for s in sessions).keys() == set(labels.MODALITIES)
    for s in sessions:
        assert to_local(s.request.created_at).date() <= s.held_on <= to_local(now).date()
        assert s.topics and s.duration_minutes > 0 and s.people_attended > 0
        assert (s.municipality_code is None) == (s.modality == "en_linea")
    outcomes = Counter(o.kind for req in made for o in req.outcomes)
    assert set(outcomes) == set(labels.OUTCOMES)
    acta = [o for req in made for o in req.outcomes if o.kind == "osc_constituida"]
    assert all(o.achieved_on for o in acta)
    linked = [req for req in made if req.resulting_organization_id]
    assert len(linked) == demo.LINKED_OSCS
    assert all(req.resulting_organization.name == req.proposed_name for req in linked)
    messages = [a for req in made for a in req.activities if a.kind == "message"]
    assert {a.from_requester for a in messages} == {True, False}
    for req in made:
        times = [a.created_at for a in req.activities]
        assert times == sorted(times) and times[0] == req.created_at and times[-1] <= now
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.created_at > now)) == 0


def _check_notes_are_internal(db, made):
    notes = [a for req in made for a in req.activities if a.kind == "note"]
    assert notes and all(a.internal and not a.from_requester for a in notes)
    assert all(not a.internal for req in made for a in req.activities if a.kind != "note")
    req = next(r for r in made if any(a.kind == "note" for a in r.activities)
               and r.user_id is not None)
    assert all(not a.internal for a in services.timeline(req.user, req))
    citizen = accounts_demo.demo_account(CITIZEN_EMAIL)
    mine = {req.state for req in made if req.user_id == citizen.id}
    assert mine == {"concluida", "en_espera"}


def test_demo_requests_tell_two_years_of_cases(app, db, make_org, make_user, outbox):
    assert DEMO_SEEDERS.index("advisory") > DEMO_SEEDERS.index("library")
    started = time.perf_counter()
    made = _seed(db, make_org, make_user, outbox)
    print(f"seeded {len(made)} requests in {time.perf_counter() - started:.1f} s")
    now = utcnow()
    today = services.today()
    assert len(made) == TOTAL
    _check_states_and_years(made, today)
    _check_dues(made, today)
    _check_history(db, made, now)
    _check_notes_are_internal(db, made)
    assert outbox == []  # quiet: nobody is mailed about demo data

    counts = _counts(db)
    assert demo.seed(total=TOTAL) == []
    db.session.commit()
    assert _counts(db) == counts


def test_seed_scale_adds_advisory_requests_the_queue_can_read(runner, db, staff):
    result = runner.invoke(args=["seed-scale", "--orgs", "0", "--advisory", "400",
                                 "--batch-size", "150", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "400 solicitudes de asesoría" in result.output
    rows = list(db.session.scalars(select(AdvisoryRequest)))
    assert len(rows) == 400 and len({r.folio for r in rows}) == 400
    assert all(re.fullmatch(r"ASE-20\d\d-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{5}", r.folio)
               for r in rows)
    states = Counter(r.state for r in rows)
    assert set(states) >= set(labels.STATES) - {"por_confirmar"}  # that one is rare: recent
    assert states["concluida"] > states["recibida"]
    today = services.today()
    for req in rows:
        if req.confirmed_at is None:
            continue
        dues = services.due_dates(req, today)
        if req.state != "en_espera":  # the stored dates leave out a pause still running
            assert (req.first_contact_due, req.conclusion_due) == (dues.first_contact,
                                                                   dues.conclusion)
        assert (req.assignee_id is None) == (req.first_contact_at is None)
        assert (req.state == "concluida") == bool(req.outcomes)
        assert req.activities[0].kind == "created"
    assert db.session.scalar(select(func.count()).select_from(AdvisorySession)) >= 100
    page = queries.queue(queries.QueueFilters(state="en_atencion"), 1, 50)
    assert page.total == states["en_atencion"]
    assert sum(queries.pending_counts_by_municipality().values()) == sum(
        states[s] for s in ("recibida", "asignada", "en_atencion", "en_espera"))

    again = runner.invoke(args=["seed-scale", "--orgs", "0", "--advisory", "10"])
    assert again.exit_code != 0 and "--append" in again.output
    more = runner.invoke(args=["seed-scale", "--orgs", "0", "--advisory", "100", "--append"])
    assert more.exit_code == 0, more.output
    assert db.session.scalar(select(func.count()).select_from(AdvisoryRequest)) == 500
