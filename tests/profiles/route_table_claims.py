"""Route × role rows of claims on unclaimed OSCs, to merge into tests/test_routes_roles.ROUTES:
any signed-in person may ask to administer an OSC that has no admin (anonymous visitors are
sent to sign in); only staff decide a claim."""

from datetime import timedelta

from community.accounts.models import User
from community.core.text import fold
from community.core.timeutil import utcnow
from community.profiles.models import Organization, OrganizationClaim
from tests.route_roles import LOGIN, expect

SIGNED_IN_200 = expect(LOGIN, 200, 200, 200)
SIGNED_IN_302 = expect(LOGIN, 302, 302, 302)
NOTHING_PENDING = expect(LOGIN, 303, 303, 303)  # no claim of theirs: back to the claim page

CLAIM_ROUTES = {
    "profiles.claim_find": ("GET", "/osc/administrar", SIGNED_IN_200),
    "profiles.claim": ("POST", "/osc/{claim_org}/administrar", SIGNED_IN_302),
    "profiles.claim_code": ("POST", "/osc/{claim_org}/administrar/codigo", NOTHING_PENDING),
    "profiles.claim_withdraw": ("POST", "/osc/{claim_org}/administrar/cancelar",
                                NOTHING_PENDING),
    "profiles.decide_claim": ("POST", "/personal/administrar/{claim}/decision",
                              expect(LOGIN, 403, 302, 302)),
}

CLAIM_POST_DATA = {
    "profiles.claim": {"method": "email"},
    "profiles.claim_code": {"code": "123456"},
    "profiles.decide_claim": {"decision": "approve"},
}


def claims_world(db, people) -> dict:
    """Two OSCs as the padrón import leaves them (no admin): one anyone may claim by code,
    one with a person's document claim waiting for staff."""
    now = utcnow()
    orgs = []
    for name in ("OSC del padrón sin administrar", "OSC del padrón en revisión"):
        org = Organization(slug=fold(name).replace(" ", "-"), name=name, name_folded=fold(name),
                           status="validated", municipality_code="15106",
                           validated_at=now - timedelta(days=30), imported_at=now,
                           registry_email="registro@dominio.mx")
        db.session.add(org)
        orgs.append(org)
    claimant = User(email="reclama@ejemplo.mx", name="Persona que reclama", role="citizen",
                    municipality_code="15106", email_confirmed_at=now)
    claimant.password_hash = "!"  # never signs in: no hash to compute
    db.session.add(claimant)
    db.session.flush()
    claim = OrganizationClaim(organization_id=orgs[1].id, user_id=claimant.id,
                              method="document", status="pending", attempts=0)
    db.session.add(claim)
    db.session.commit()
    return {"claim_org": orgs[0].slug, "claim": claim.id}
