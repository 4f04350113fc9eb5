"""Demo organizations: a registry that looks like the padrón of the DGPS, all of it fictional.

``seed()`` (run by ``flask seed-demo`` after the demo accounts) registers about 320 OSCs
through the real services, each by its own fictional admin, and lets the demo staff account
validate, reject or deactivate them, so every profile has its revisions and every decision its
audit entry. Dates are then moved back in time so that the registry has history: most OSCs
validated and current, some pending, rejected or dadas de baja, some whose yearly confirmation
is overdue (stale) or due within 30 days. The demo citizen administers one OSC in
Nezahualcóyotl and is a member of another; a few OSCs have a change of razón social waiting
for staff. It all runs inside ``quiet()``: nobody is mailed about demo data.

Everything comes from ``random.Random(SEED)`` and the catalogues, so two runs build the same
organizations; an OSC whose slug already exists is skipped, so running it twice adds nothing.
Each organization is made by ``community.demo.fake.fake_osc``, as ``flask seed-scale``'s are.
Admin accounts live under ``@demo.comunidad-osc.mx`` like the other demo accounts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update

from community.accounts.models import User
from community.accounts.services import find_by_email
from community.core.aftercommit import quiet
from community.core.models import AuditEntry
from community.core.text import slugify
from community.core.timeutil import utcnow
from community.demo import SEED, accounts
from community.demo.accounts import CITIZEN_EMAIL, DEMO_DOMAIN, STAFF_EMAIL
from community.demo.fake import (
    DEACTIVATE_REASONS,
    OTHER_STATES,
    REJECT_REASONS,
    OtherState,
    Place,
    fake_osc,
    full_person_name,
    handle_for,
    municipality_weights,
    neighbours,
    places_from_catalogue,
)
from community.extensions import db
from community.profiles import services
from community.profiles.models import ChangeRequest, Membership, Organization, ProfileRevision

EDOMEX_ORGS = 310
OTHER_STATE_ORGS = 10
CITIZEN_MUNICIPALITY = "15058"  # Nezahualcóyotl


@dataclass
class OrgSpec:
    """One demo OSC before it exists: what its admin types, plus how its story goes."""

    slug: str
    raw: dict
    status: str  # fresh, soon, stale, pending, rejected, inactive
    admin_email: str
    admin_name: str
    admin_municipality: str | None
    reason: str | None = None
    change: str | None = None  # "upper" or "iap": a pending change of razón social
    days: dict = field(default_factory=dict)


STATUS_SHARES = (("pending", 0.10), ("rejected", 0.04), ("inactive", 0.04), ("stale", 0.08),
                 ("soon", 0.03))


def _statuses(rng: random.Random, count: int) -> list[str]:
    statuses = []
    for status, share in STATUS_SHARES:
        statuses += [status] * round(count * share)
    statuses += ["fresh"] * (count - len(statuses))
    rng.shuffle(statuses)
    return statuses


def _timeline(rng: random.Random, status: str) -> dict:
    """Days before now of each event (created, validated, confirmed, decided)."""
    if status == "pending":
        return {"created": rng.randint(1, 75)}
    if status == "rejected":
        created = rng.randint(30, 420)
        return {"created": created, "decided": created - rng.randint(5, 25)}
    confirmed = {"fresh": (5, 330), "soon": (337, 362), "stale": (380, 900),
                 "inactive": (200, 1100)}[status]
    confirmed = rng.randint(*confirmed)
    created = confirmed + rng.choice((0, rng.randint(30, 2200)))
    created = min(max(created, confirmed + 10), 3600)
    validated = created - rng.randint(3, 40)
    validated = max(validated, confirmed)
    days = {"created": created, "validated": validated, "confirmed": confirmed}
    if status == "inactive":
        days["decided"] = rng.randint(10, max(11, confirmed - 1))
    return days


def build_specs(rng: random.Random, places: list[Place]) -> list[OrgSpec]:
    """The demo registry, decided only by ``rng`` and the catalogue."""
    near = neighbours(places)
    homes: list[tuple[Place | None, OtherState | None]] = [
        (p, None) for p in rng.choices(places, weights=municipality_weights(places, 0.9),
                                       k=EDOMEX_ORGS)]
    homes += [(None, s) for s in rng.choices(OTHER_STATES, weights=[s.weight for s in
                                                                    OTHER_STATES],
                                             k=OTHER_STATE_ORGS)]
    statuses = _statuses(rng, len(homes))
    specs, slugs, handles, emails, rfcs, clunis = [], set(), set(), set(), set(), set()

    def new_handle(name: str) -> str:
        handle, n = handle_for(name), 2
        while handle in handles:
            handle, n = f"{handle_for(name)}{n}", n + 1
        handles.add(handle)
        return handle

    for (place, state), status in zip(homes, statuses, strict=True):
        raw = fake_osc(rng, place, state, near=near,
                       first_year=2021 if status == "pending" else 1985,
                       name_ok=lambda name: slugify(name) not in slugs,
                       handle=new_handle).fields
        slug = slugify(raw["name"])
        slugs.add(slug)
        for key, taken in (("rfc", rfcs), ("cluni", clunis)):
            if raw.get(key) in taken:
                del raw[key]
            elif key in raw:
                taken.add(raw[key])
        email = f"admin.{slug[:57].rstrip('-')}@{DEMO_DOMAIN}"
        n = 2
        while email in emails:
            email, n = f"admin.{slug[:54].rstrip('-')}-{n}@{DEMO_DOMAIN}", n + 1
        emails.add(email)
        spec = OrgSpec(slug=slug, raw=raw, status=status, admin_email=email,
                       admin_name=full_person_name(rng),
                       admin_municipality=place.code if place else None,
                       days=_timeline(rng, status))
        if status == "rejected":
            spec.reason = rng.choice(REJECT_REASONS)
        elif status == "inactive":
            spec.reason = rng.choice(DEACTIVATE_REASONS)
        specs.append(spec)
    _choose_change_requests(rng, specs)
    return specs


def _choose_change_requests(rng: random.Random, specs: list[OrgSpec]) -> None:
    candidates = [s for s in specs if s.status == "fresh"
                  and s.raw["municipality_code"] != CITIZEN_MUNICIPALITY]
    for spec in rng.sample(candidates, 8):
        spec.change = "iap" if spec.raw["legal_form"] == "AC" and rng.random() < 0.5 else "upper"


def citizen_orgs(specs: list[OrgSpec]) -> tuple[OrgSpec, OrgSpec]:
    """The two current OSCs in Nezahualcóyotl the demo citizen administers and belongs to."""
    neza = [s for s in specs if s.status == "fresh"
            and s.raw["municipality_code"] == CITIZEN_MUNICIPALITY]
    return neza[0], neza[1]


# --------------------------------------------------------------------------------------------
# Seeding through the services
# --------------------------------------------------------------------------------------------


def _admin_users(specs: list[OrgSpec]) -> dict[str, User]:
    """One confirmed citizen account per OSC, all with the demo password.

    The password is hashed once and the hash reused: hashing is slow on purpose, and these
    accounts all share the documented demo password anyway.
    """
    emails = [s.admin_email for s in specs]
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    password_hash = accounts.password_hash()
    now = utcnow()
    for spec in specs:
        if spec.admin_email not in users:
            user = User(email=spec.admin_email, name=spec.admin_name, role="citizen",
                        municipality_code=spec.admin_municipality, locale="es_MX",
                        password_hash=password_hash, email_confirmed_at=now)
            db.session.add(user)
            users[spec.admin_email] = user
    db.session.flush()
    return users


def _without_taken_identifiers(specs: list[OrgSpec]) -> None:
    """A real OSC registered since may hold a demo RFC or CLUNI: that demo OSC goes without."""
    for name, column in (("rfc", Organization.rfc), ("cluni", Organization.cluni)):
        values = [s.raw[name] for s in specs if s.raw.get(name)]
        taken = set(db.session.scalars(select(column).where(column.in_(values))))
        for spec in specs:
            if spec.raw.get(name) in taken:
                spec.raw = {k: val for k, val in spec.raw.items() if k != name}


def _decide(staff: User, org: Organization, spec: OrgSpec) -> None:
    if spec.status == "pending":
        return
    if spec.status == "rejected":
        services.reject(staff, org, spec.reason)
        return
    services.validate(staff, org)
    if spec.status == "inactive":
        services.deactivate(staff, org, spec.reason)


def _open_change(admin: User, org: Organization, spec: OrgSpec) -> ChangeRequest | None:
    raw = dict(spec.raw)
    name = raw["name"]
    if spec.change == "iap":
        raw.update(legal_form="IAP", legal_name=f"{name}, I.A.P.")
    else:
        raw["legal_name"] = raw["legal_name"].upper()
    return services.update_profile(admin, org, raw)


def _backdate(created: list[tuple[OrgSpec, Organization]], requests: list[ChangeRequest],
              now: datetime) -> None:
    """Give the registry a past: dates on the OSCs, their revisions, memberships and audit.

    The services stamp everything with the current time; a demo where every OSC was
    registered today has no stale OSCs and no history worth reading.
    """
    def ago(days: int, rng_minutes: int) -> datetime:
        return now - timedelta(days=days, minutes=rng_minutes)

    revision_params, status_params, audit_params, membership_params = [], [], [], []
    for spec, org in created:
        days, minutes = spec.days, (org.id * 37) % 600
        org.created_at = ago(days["created"], minutes)
        updated = org.created_at
        if "validated" in days:
            org.validated_at = ago(days["validated"], minutes)
            org.confirmed_at = ago(days["confirmed"], minutes)
            updated = org.confirmed_at
            status_params.append({"b_org": org.id, "b_value": "validated",
                                  "b_ts": org.validated_at})
            audit_params.append({"b_target": str(org.id), "b_action": "organization.validated",
                                 "b_ts": org.validated_at})
        if "decided" in days:
            decided = ago(days["decided"], minutes)
            updated = max(updated, decided)
            status_params.append({"b_org": org.id, "b_value": spec.status, "b_ts": decided})
            action = {"rejected": "organization.rejected", "inactive": "organization.deactivated"}
            audit_params.append({"b_target": str(org.id), "b_action": action[spec.status],
                                 "b_ts": decided})
        org.updated_at = updated
        revision_params.append({"b_org": org.id, "b_ts": org.created_at})
        audit_params.append({"b_target": str(org.id), "b_action": "organization.registered",
                             "b_ts": org.created_at})
        membership_params.append({"b_org": org.id, "b_ts": org.created_at})
    for index, request in enumerate(requests):
        request.created_at = now - timedelta(days=1 + index * 2, hours=index)
    db.session.flush()

    revisions, audits = ProfileRevision.__table__, AuditEntry.__table__
    memberships = Membership.__table__
    statements = [
        (update(revisions).where(revisions.c.organization_id == bindparam("b_org"),
                                 revisions.c.kind == "created")
         .values(created_at=bindparam("b_ts")), revision_params),
        (update(revisions).where(revisions.c.organization_id == bindparam("b_org"),
                                 revisions.c.field == "status",
                                 revisions.c.new_value == bindparam("b_value"))
         .values(created_at=bindparam("b_ts")), status_params),
        (update(audits).where(audits.c.target_type == "organization",
                              audits.c.target_id == bindparam("b_target"),
                              audits.c.action == bindparam("b_action"))
         .values(created_at=bindparam("b_ts")), audit_params),
        (update(memberships).where(memberships.c.organization_id == bindparam("b_org"),
                                   memberships.c.role == "admin")
         .values(created_at=bindparam("b_ts")), membership_params),
        (update(revisions).where(revisions.c.change_request_id == bindparam("b_request"))
         .values(created_at=bindparam("b_ts")),
         [{"b_request": r.id, "b_ts": r.created_at} for r in requests]),
    ]
    for statement, params in statements:
        if params:
            db.session.execute(statement, params)


def seed() -> list[Organization]:
    """Create the demo OSCs that are missing; existing slugs are left as they are.

    Quiet: the validations, rejections and join requests mail nobody (~300 fictional admins
    at fictional addresses)."""
    with quiet():
        return _seed()


def _seed() -> list[Organization]:
    staff = accounts.demo_account(STAFF_EMAIL)
    citizen = accounts.demo_account(CITIZEN_EMAIL)
    places = places_from_catalogue()
    if not places:
        raise RuntimeError("Load the catalogues first (flask catalog load).")
    specs = build_specs(random.Random(SEED), places)
    own, joined = citizen_orgs(specs)
    existing = set(db.session.scalars(select(Organization.slug).where(
        Organization.slug.in_([s.slug for s in specs]))))
    todo = [s for s in specs if s.slug not in existing]

    _without_taken_identifiers(todo)
    admins = _admin_users([s for s in todo if s is not own])
    admins[own.admin_email] = citizen
    created, requests = [], []
    for spec in todo:
        admin = admins[spec.admin_email]
        org = services.register(admin, spec.raw)
        _decide(staff, org, spec)
        if spec.change:
            requests.append(_open_change(admin, org, spec))
        created.append((spec, org))
    _citizen_joins(citizen, joined, admins)
    _backdate(created, [r for r in requests if r is not None], utcnow())
    db.session.flush()
    return [org for _, org in created]


def _citizen_joins(citizen: User, spec: OrgSpec, admins: dict[str, User]) -> None:
    """The demo citizen asks to join a second OSC in her municipality and is accepted."""
    org = db.session.scalar(select(Organization).where(Organization.slug == spec.slug))
    if org is None or services.membership_of(citizen, org) is not None:
        return
    membership = services.request_join(citizen, org)
    db.session.flush()
    admin = admins.get(spec.admin_email) or find_by_email(spec.admin_email)
    services.decide_join(admin, membership, accept=True)
