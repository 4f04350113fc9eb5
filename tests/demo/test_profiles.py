"""The demo registry (``seed-demo``): realistic, consistent with the rules, idempotent."""

import random
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from community.accounts.models import User
from community.accounts.services import find_by_email
from community.core.timeutil import utcnow
from community.demo import accounts as accounts_demo
from community.demo import fake
from community.demo import profiles as demo
from community.profiles import services
from community.profiles import validators as v
from community.profiles.models import (
    ChangeRequest,
    Membership,
    Organization,
    ProfileRevision,
)

BIG_FOUR = {"15033", "15058", "15106", "15057"}  # Ecatepec, Nezahualcóyotl, Toluca, Naucalpan


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_registry_is_realistic_and_idempotent(demo_world, db, outbox):
    # The registry's own OSCs; those the sample padrón brought in are checked by its tests.
    orgs = list(db.session.scalars(select(Organization).where(
        Organization.source_file.is_(None))))
    assert len(orgs) >= 300

    # Where: at least 60 municipalities, the most populous ones first, ~10 from other states.
    counts = Counter(o.municipality_code for o in orgs if o.municipality_code)
    assert len(counts) >= 60
    assert {code for code, _ in counts.most_common(6)} >= BIG_FOUR
    others = [o for o in orgs if o.municipality_code is None]
    assert 8 <= len(others) <= 12 and all(o.other_state for o in others)
    for org in orgs:
        if org.municipality_code and org.postal_code:
            assert v.is_edomex_postal_code(org.postal_code), org.postal_code
        if org.municipality_code:
            assert org.municipality_code in {m.code for m in org.served_municipalities}

    # Status mix, computed as the site shows it.
    shown = Counter(services.display_status(o) for o in orgs)
    assert set(shown) == {"pending", "validated", "stale", "rejected", "inactive"}
    assert shown["validated"] >= 0.7 * len(orgs)
    assert all(o.status_reason for o in orgs if o.status in ("rejected", "inactive"))
    now = utcnow()
    due_soon = [o for o in orgs if services.display_status(o, now) == "validated"
                and services.confirmation_due(o) <= now + services.REMIND_BEFORE]
    assert due_soon
    assert all(o.validated_at < now - timedelta(days=1) for o in orgs if o.validated_at)

    # Identifiers pass the same checks as a person's input.
    with_rfc = [o for o in orgs if o.rfc]
    with_cluni = [o for o in orgs if o.cluni]
    assert len(with_rfc) >= 0.9 * len(orgs)
    assert 0.5 * len(orgs) <= len(with_cluni) <= 0.7 * len(orgs)
    for org in with_rfc:
        assert v.clean_rfc(org.rfc) == org.rfc
        assert org.rfc[3:9] == org.constituted_on.strftime("%y%m%d")
        assert org.rfc[:3] == fake.rfc_letters(org.name)
    for org in with_cluni:
        assert v.clean_cluni(org.cluni) == org.cluni
    assert len({o.rfc for o in with_rfc}) == len(with_rfc)
    for org in orgs:
        assert 1 <= len(org.activities) <= 3 and org.mission and org.mission_html
        for field in ("public_email", "website", "phone"):
            value = getattr(org, field)
            if value:
                cleaner = {"public_email": v.clean_email, "website": v.clean_url,
                           "phone": v.clean_phone}[field]
                assert cleaner(value) == value
        if org.public_email:
            assert org.public_email.endswith(".example")
    donees = [o for o in orgs if o.sat_donee]
    assert 0.2 * len(orgs) <= len(donees) <= 0.4 * len(orgs)
    assert all(o.sat_donee_since for o in donees)

    # People: one admin each, the demo citizen in Nezahualcóyotl, work for the staff queue.
    citizen = find_by_email(accounts_demo.CITIZEN_EMAIL)
    staff = find_by_email(accounts_demo.STAFF_EMAIL)
    administered = [o for o in orgs if services.is_org_admin(citizen, o)]
    assert len(administered) == 1
    assert administered[0].municipality_code == "15058"
    assert services.display_status(administered[0]) == "validated"
    member_of = [o for o in orgs if services.is_org_member(citizen, o)
                 and not services.is_org_admin(citizen, o)]
    assert len(member_of) == 1
    other = next(o for o in orgs if o not in administered)
    (admin,) = services.admins_of(other)
    assert admin.email == f"admin.{other.slug[:57].rstrip('-')}@{accounts_demo.DEMO_DOMAIN}"
    assert admin.email_confirmed and admin.role == "citizen"
    assert admin.check_password(accounts_demo.DEMO_PASSWORD)
    pending, requests = services.validation_queue(staff)
    assert len([o for o in pending if o.source_file is None]) == shown["pending"]
    assert len(requests) >= 5
    assert all("legal_name" in r.changes for r in requests)
    assert not outbox  # no mail to fictional admins

    # History is in the past too.
    first = min(orgs, key=lambda o: o.created_at)
    assert first.created_at < now - timedelta(days=365)
    created_revision = db.session.scalar(select(ProfileRevision).where(
        ProfileRevision.organization_id == first.id, ProfileRevision.kind == "created"))
    assert created_revision.created_at == first.created_at

    # Running it again adds nothing.
    before = {model: _count(db, model) for model in (Organization, User, Membership,
                                                      ChangeRequest, ProfileRevision)}
    assert demo.seed() == []
    db.session.commit()
    assert {model: _count(db, model) for model in before} == before


def test_demo_specs_are_deterministic(app, db):
    places = fake.places_from_catalogue()
    first = demo.build_specs(random.Random(demo.SEED), places)
    second = demo.build_specs(random.Random(demo.SEED), places)
    assert [(s.slug, s.raw, s.status) for s in first] == [
        (s.slug, s.raw, s.status) for s in second]
    assert len({s.slug for s in first}) == len(first)
    assert len({s.admin_email for s in first}) == len(first)
    assert all(len(s.admin_email.split("@")[0]) <= 64 for s in first)


def test_demo_profile_pages_render(demo_world, db, client):
    org = db.session.scalar(select(Organization).where(
        Organization.status == "validated", Organization.municipality_code == "15058"))
    assert client.get(f"/osc/{org.slug}").status_code == 200
    assert client.get("/osc?municipio=15058").status_code == 200


def test_rfc_letters_follow_the_sat_rule():
    assert fake.rfc_letters("Red de Mujeres de Toluca") == "RMT"
    assert fake.rfc_letters("Patitas de Zumpango") == "PZU"
    assert fake.rfc_letters("Iniciativa") == "INI"
    assert fake.rfc_letters("Fundación Años Dorados, A.C.") == "FAD"
    assert fake.rfc_letters("Red de Mujeres, I.A.P.") == "RMU"
