"""Rules the profile pages used to decide beside the service, now asked of the service only:
whether legal changes wait for staff (the edit form's notice and what saving does agree), and
which memberships an OSC's member pages may act on."""

from community.profiles import services
from community.profiles.models import Membership
from tests.conftest import client_as, post_form

NOTICE = "los cambios a estos datos los revisa el personal"
FORM = {"municipality_code": "15106", "activities": ["IX"]}


def _notice_shown(client, org) -> bool:
    return NOTICE in client.get(f"/osc/{org.slug}/editar").get_data(as_text=True)


def test_the_review_notice_and_saving_agree(app, db, make_org, staff):
    validated, pending = make_org(), make_org(status="pending")
    for org, person, reviewed in ((validated, validated.admin, True),
                                  (validated, staff, False),
                                  (pending, pending.admin, False)):
        assert services.legal_changes_reviewed(person, org) is reviewed
        assert _notice_shown(client_as(app, person), org) is reviewed
        change = services.update_profile(person, org, {**FORM, "name": org.name,
                                                       "legal_name": "Razón Nueva A.C."})
        db.session.rollback()
        assert (change is not None) is reviewed


def test_member_pages_act_only_on_their_own_osc_memberships(app, db, make_org, make_user):
    mine, theirs = make_org(), make_org(name="La Otra")
    person = make_user()
    services.decide_join(theirs.admin, services.request_join(person, theirs), accept=True)
    db.session.commit()
    membership = db.session.scalar(db.select(Membership).where(
        Membership.user_id == person.id, Membership.organization_id == theirs.id))
    client = client_as(app, mine.admin)
    page = f"/osc/{mine.slug}/miembros"
    base = f"/osc/{mine.slug}/miembros/{membership.id}"
    assert post_form(client, f"{base}/rol", {"role": "admin"}, page=page).status_code == 404
    assert post_form(client, f"{base}/quitar", page=page).status_code == 404
    assert post_form(client, f"{base}/solicitud", {"decision": "accept"},
                     page=page).status_code == 404
    db.session.refresh(membership)
    assert membership.role == "member" and membership.status == "active"
