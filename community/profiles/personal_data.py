"""What profiles keeps about a person: memberships and follows (core.personal_data)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from community.core import audit
from community.core.errors import ValidationError
from community.core.personal_data import close_check, exporter, iso, on_close
from community.extensions import db
from community.profiles.models import Follow, Membership, Organization


@exporter("memberships")
def memberships(user) -> list[dict]:
    rows = db.session.execute(
        select(Membership, Organization.name, Organization.slug)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(Membership.user_id == user.id).order_by(Membership.created_at))
    return [{"organization": name, "slug": slug, "role": m.role, "status": m.status,
             "since": iso(m.created_at)} for m, name, slug in rows]


@exporter("follows")
def follows(user) -> list[dict]:
    rows = db.session.execute(
        select(Follow.created_at, Organization.name, Organization.slug)
        .join(Organization, Organization.id == Follow.organization_id)
        .where(Follow.user_id == user.id).order_by(Follow.created_at))
    return [{"organization": name, "slug": slug, "since": iso(created)}
            for created, name, slug in rows]


def sole_admin_of(user) -> list[Organization]:
    """The OSCs where the person is the only active administrator."""
    mine = select(Membership.organization_id).where(
        Membership.user_id == user.id, Membership.role == "admin",
        Membership.status == "active")
    others = (select(func.count()).select_from(Membership)
              .where(Membership.organization_id == Organization.id,
                     Membership.user_id != user.id, Membership.role == "admin",
                     Membership.status == "active").scalar_subquery())
    return list(db.session.scalars(
        select(Organization).where(Organization.id.in_(mine), others == 0)
        .order_by(Organization.name)))


@close_check
def refuse_sole_admin(user) -> None:
    orgs = sole_admin_of(user)
    if orgs:
        raise ValidationError({"organizations": _l(
            "Eres la única persona administradora de %(names)s. Antes de cerrar tu cuenta, "
            "nombra a otra persona administradora en la página de integrantes.",
            names=", ".join(org.name for org in orgs))})


@on_close
def remove_memberships_and_follows(user) -> None:
    for membership in db.session.scalars(select(Membership).where(
            Membership.user_id == user.id)):
        audit.record("membership.removed", actor=user, target=membership.organization,
                     user=user.id, reason="account_closed")
        db.session.delete(membership)
    for follow in db.session.scalars(select(Follow).where(Follow.user_id == user.id)):
        db.session.delete(follow)  # one by one: the page cache sees each (core.pagecache)
