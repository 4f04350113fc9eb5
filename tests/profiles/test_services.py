"""Registry rules through the service layer."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from community.core.errors import PermissionDenied, ValidationError
from community.core.models import AuditEntry
from community.core.timeutil import utcnow
from community.profiles import queries, services
from community.profiles.models import ChangeRequest, Membership, ProfileRevision


def _revisions(db, org, kind=None):
    stmt = select(ProfileRevision).where(ProfileRevision.organization_id == org.id)
    if kind:
        stmt = stmt.where(ProfileRevision.kind == kind)
    return {(r.field, r.old_value, r.new_value, r.kind) for r in db.session.scalars(stmt)}


def test_register_makes_pending_org_with_admin_and_created_revisions(db, make_user):
    user = make_user()
    org = services.register(user, {"name": "Mujeres que Transforman", "municipality_code": "15058",
                                   "activities": ["IX", "V"], "rfc": "",
                                   "status": "validated", "validated_at": "2020-01-01"})
    db.session.commit()
    assert org.status == "pending" and org.validated_at is None
    assert org.slug == "mujeres-que-transforman"
    assert services.is_org_admin(user, org)
    assert ("activities", None, "IX, V", "created") in _revisions(db, org)
    assert ("name", None, "Mujeres que Transforman", "created") in _revisions(db, org)


def test_register_requires_confirmed_email_and_required_fields(db, make_user):
    with pytest.raises(PermissionDenied):
        services.register(make_user(confirmed=False), {"name": "X A.C."})
    with pytest.raises(ValidationError) as excinfo:
        services.register(make_user(), {"name": "", "municipality_code": "", "activities": []})
    assert set(excinfo.value.errors) == {"name", "municipality_code", "activities"}


def test_slugs_are_unique(db, make_org):
    first, second = make_org(name="Red Solidaria"), make_org(name="Red Solidaria")
    assert (first.slug, second.slug) == ("red-solidaria", "red-solidaria-2")


def test_bad_fields_all_reported_in_spanish(db, make_user):
    with pytest.raises(ValidationError) as excinfo:
        services.register(make_user(), {
            "name": "Fundación Prueba", "municipality_code": "15106", "activities": ["IX", "XX"],
            "rfc": "ABC", "postal_code": "123", "public_email": "no-es-correo",
            "website": "javascript:alert(1)", "constituted_on": "2999-01-01",
        })
    errors = excinfo.value.errors
    assert set(errors) >= {"activities", "rfc", "postal_code", "public_email", "website",
                           "constituted_on"}
    assert "RFC" in str(errors["rfc"])


def test_other_state_needs_its_name(db, make_user):
    with pytest.raises(ValidationError) as excinfo:
        services.register(make_user(), {"name": "Red Norte", "municipality_code": "otra",
                                        "activities": ["I"]})
    assert "other_state" in excinfo.value.errors


def test_edit_before_validation_publishes_everything(db, make_org):
    org = make_org(status="pending", legal_name="Vieja A.C.")
    raw = {"name": org.name, "municipality_code": "15106", "activities": ["IX"],
           "legal_name": "Nueva A.C.", "phone": "722 123 4567"}
    assert services.update_profile(org.admin, org, raw) is None
    db.session.commit()
    assert org.legal_name == "Nueva A.C." and org.phone == "7221234567"
    assert ("legal_name", "Vieja A.C.", "Nueva A.C.", "published") in _revisions(db, org)


def test_legal_change_after_validation_waits_for_staff(db, make_org, staff, outbox):
    org = make_org(legal_name="Vieja A.C.", mission="Antes")
    raw = {"name": org.name, "municipality_code": "15106", "activities": ["IX"],
           "legal_name": "Nueva A.C.", "mission": "Después"}
    request = services.update_profile(org.admin, org, raw)
    db.session.commit()
    assert org.legal_name == "Vieja A.C."  # the public profile keeps the validated value
    assert org.mission == "Después"  # other fields publish at once
    assert request.changes == {"legal_name": "Nueva A.C."}
    assert ("legal_name", "Vieja A.C.", "Nueva A.C.", "requested") in _revisions(db, org)
    assert ("mission", "Antes", "Después", "published") in _revisions(db, org)

    services.decide_change_request(staff, request, approve=True)
    db.session.commit()
    assert org.legal_name == "Nueva A.C." and request.status == "approved"
    assert ("legal_name", "Vieja A.C.", "Nueva A.C.", "approved") in _revisions(db, org)
    assert any("aprobó" in m.body for m in outbox)


def test_rejected_change_keeps_value_and_needs_reason(db, make_org, staff):
    org = make_org(legal_name="Vieja A.C.")
    request = services.update_profile(org.admin, org, {
        "name": org.name, "municipality_code": "15106", "activities": ["IX"],
        "legal_name": "Otra A.C."})
    with pytest.raises(ValidationError):
        services.decide_change_request(staff, request, approve=False, reason=" ")
    services.decide_change_request(staff, request, approve=False, reason="No coincide con acta")
    assert org.legal_name == "Vieja A.C." and request.status == "rejected"
    with pytest.raises(ValidationError):
        services.decide_change_request(staff, request, approve=True)


def test_newer_legal_change_supersedes_pending_one(db, make_org):
    org = make_org()
    base = {"name": org.name, "municipality_code": "15106", "activities": ["IX"]}
    first = services.update_profile(org.admin, org, {**base, "legal_name": "Uno A.C."})
    second = services.update_profile(org.admin, org, {**base, "legal_name": "Dos A.C."})
    assert first.status == "superseded" and second.status == "pending"
    assert services.pending_change_request(org) == second


def test_staff_edits_publish_legal_fields_directly(db, make_org, staff):
    org = make_org(legal_name="Vieja A.C.")
    services.update_profile(staff, org, {"name": org.name, "municipality_code": "15106",
                                         "activities": ["IX"], "legal_name": "Corregida A.C."})
    assert org.legal_name == "Corregida A.C."


def test_admin_of_one_org_cannot_touch_another(db, make_org):
    mine, theirs = make_org(), make_org()
    raw = {"name": "Robada", "municipality_code": "15106", "activities": ["IX"]}
    with pytest.raises(PermissionDenied):
        services.update_profile(mine.admin, theirs, raw)
    with pytest.raises(PermissionDenied):
        services.confirm_current(mine.admin, theirs)
    with pytest.raises(PermissionDenied):
        services.invite(mine.admin, theirs, "x@ejemplo.mx")
    assert theirs.name != "Robada"


@pytest.mark.parametrize("role", ["citizen", "admin_of_org"])
def test_only_staff_decide_registry(db, make_org, make_user, role):
    org = make_org(status="pending")
    actor = org.admin if role == "admin_of_org" else make_user()
    for decide in (lambda: services.validate(actor, org),
                   lambda: services.reject(actor, org, "x"),
                   lambda: services.deactivate(actor, org, "x")):
        with pytest.raises(PermissionDenied):
            decide()


def test_registry_decisions_are_audited_and_notified(db, make_org, staff, outbox):
    org = make_org(status="pending")
    with pytest.raises(ValidationError):
        services.reject(staff, org, "")
    services.reject(staff, org, "Falta el acta constitutiva.")
    db.session.commit()
    assert org.status == "rejected"
    assert "Falta el acta constitutiva." in outbox[-1].body
    assert outbox[-1].recipients == [org.admin.email]
    # Editing a rejected profile sends it back to the queue.
    services.update_profile(org.admin, org, {"name": org.name, "municipality_code": "15106",
                                             "activities": ["IX", "I"]})
    assert org.status == "pending"
    services.validate(staff, org)
    db.session.commit()
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"organization.rejected", "organization.validated"} <= actions


def test_staleness_is_computed_from_dates(db, make_org):
    org = make_org()
    validated = org.validated_at
    assert services.display_status(org, validated + timedelta(days=364)) == "validated"
    assert services.display_status(org, validated + timedelta(days=365)) == "stale"
    org.confirmed_at = validated + timedelta(days=300)
    assert services.display_status(org, validated + timedelta(days=400)) == "validated"


def test_confirm_restarts_the_clock(db, make_org):
    org = make_org()
    org.validated_at = org.confirmed_at = utcnow() - timedelta(days=400)
    assert services.display_status(org) == "stale"
    services.confirm_current(org.admin, org)
    assert services.display_status(org) == "validated"


def test_reminders_30_days_before_and_on_the_day_once_each(db, make_org, outbox):
    org = make_org()
    start = org.validated_at
    assert services.send_reminders(start + timedelta(days=300)) == 0
    assert services.send_reminders(start + timedelta(days=336)) == 1
    db.session.commit()
    assert services.send_reminders(start + timedelta(days=340)) == 0
    assert services.send_reminders(start + timedelta(days=365)) == 1
    db.session.commit()
    assert services.send_reminders(start + timedelta(days=366)) == 0
    assert len(outbox) == 2 + 1  # plus the validation notice
    assert "En 30 días" in outbox[1].body and "Hoy vence" in outbox[2].body


def test_membership_join_accept_and_last_admin(db, make_org, make_user):
    org = make_org()
    person = make_user()
    membership = services.request_join(person, org)
    db.session.flush()
    assert not services.is_org_member(person, org)
    services.decide_join(org.admin, membership, accept=True)
    assert services.is_org_member(person, org)
    with pytest.raises(PermissionDenied):
        services.set_member_role(person, membership, "admin")
    admin_membership = services.membership_of(org.admin, org)
    with pytest.raises(ValidationError):
        services.remove_member(org.admin, admin_membership)
    with pytest.raises(ValidationError):
        services.set_member_role(org.admin, admin_membership, "member")
    services.set_member_role(org.admin, membership, "admin")
    services.remove_member(org.admin, admin_membership)  # now someone else is admin
    db.session.flush()
    assert db.session.scalar(select(Membership).where(Membership.user_id == org.admin.id)) is None


def test_invitation_only_for_the_invited_address(db, make_org, make_user, outbox):
    org = make_org()
    services.invite(org.admin, org, "Invitada@Ejemplo.mx", role="admin")
    db.session.commit()
    token = outbox[-1].body.split("/osc/invitacion/")[1].split()[0]
    with pytest.raises(ValidationError):
        services.accept_invitation(make_user(email="otra@ejemplo.mx"), token)
    invited = make_user(email="invitada@ejemplo.mx")
    services.accept_invitation(invited, token)
    assert services.is_org_admin(invited, org)


def test_follow_is_idempotent(db, make_org, make_user):
    org, person = make_org(), make_user()
    services.follow(person, org)
    services.follow(person, org)
    db.session.flush()
    assert services.follower_count(org) == 1
    services.unfollow(person, org)
    db.session.flush()
    assert services.follower_count(org) == 0


def test_visibility_of_unvalidated_profiles(db, make_org, make_user, staff):
    org = make_org(status="pending")
    assert services.get_visible(org.admin, org.slug) == org
    assert services.get_visible(staff, org.slug) == org
    from community.core.errors import NotFound

    with pytest.raises(NotFound):
        services.get_visible(make_user(), org.slug)


def test_completeness_levels_name_what_is_missing(db, make_org):
    org = make_org()
    level = queries.completeness(org)
    assert level.level is None and level.next_level == "basico"
    assert [str(m) for m in level.missing] == ["Misión", "Correo público o teléfono"]
    services.update_profile(org.admin, org, {"name": org.name, "municipality_code": "15106",
                                             "activities": ["IX"], "mission": "Ayudamos.",
                                             "phone": "7221234567"})
    assert queries.completeness(org).level == "basico"
    assert queries.completeness(org).next_level == "completo"


def test_change_requests_listed_for_staff_only(db, make_org, staff):
    org = make_org()
    services.update_profile(org.admin, org, {"name": "Nombre Nuevo", "municipality_code": "15106",
                                             "activities": ["IX"]})
    pending, requests = services.validation_queue(staff)
    assert [r.organization_id for r in requests] == [org.id]
    assert isinstance(requests[0], ChangeRequest)
    with pytest.raises(PermissionDenied):
        services.validation_queue(org.admin)


def test_registry_remind_command_is_idempotent(runner, make_org, db, outbox):
    org = make_org()
    org.validated_at = org.confirmed_at = utcnow() - timedelta(days=340)
    db.session.commit()
    first = runner.invoke(args=["registry", "remind"])
    second = runner.invoke(args=["registry", "remind"])
    assert "1 recordatorios" in first.output and "0 recordatorios" in second.output
    assert [m.recipients for m in outbox[1:]] == [[org.admin.email]]


def test_reserved_words_never_become_slugs(db, make_org):
    assert make_org(name="Mapa").slug == "mapa-osc"
