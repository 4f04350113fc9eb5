"""``runs_events`` (the calendar's "Gestionar eventos" and part of its audience) is one EXISTS
asked on every visit; it must answer as ``managed_organization_ids`` does."""

from flask_login import AnonymousUserMixin

from community.core.errors import PermissionDenied
from community.events import services
from community.profiles import services as registry


def _manages(user) -> bool:
    try:
        services.managed_organization_ids(user)
    except PermissionDenied:
        return False
    return True


def test_runs_events_agrees_with_the_managers_list(db, make_user, make_org, staff):
    citizen = make_user()
    pending = make_org(status="pending")
    rejected = make_org(status="rejected")
    validated = make_org()
    member = make_user()
    registry.decide_join(validated.admin, registry.request_join(member, validated), accept=True)
    asking = make_user()
    registry.request_join(asking, validated)
    db.session.commit()
    people = [AnonymousUserMixin(), citizen, pending.admin, rejected.admin, validated.admin,
              member, asking, staff, make_user(role="admin"), make_user(active=False)]
    answers = [(services.runs_events(person), _manages(person)) for person in people]
    assert all(ours == theirs for ours, theirs in answers), answers
    assert [ours for ours, _theirs in answers] == [
        False, False, True, True, True, False, False, True, True, False]
