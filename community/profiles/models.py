"""Organizations (OSC), their people, and the trail of every change to a profile."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.core.pagecache import track
from community.core.timeutil import utcnow
from community.extensions import db

organization_activity = Table(
    "organization_activity",
    db.metadata,
    Column("organization_id", ForeignKey("organization.id", ondelete="CASCADE"),
           primary_key=True),
    Column("fraction", ForeignKey("activity_area.fraction"), primary_key=True, index=True),
)

organization_population = Table(
    "organization_population",
    db.metadata,
    Column("organization_id", ForeignKey("organization.id", ondelete="CASCADE"),
           primary_key=True),
    Column("population", String(40), primary_key=True, index=True),
)

organization_served_municipality = Table(
    "organization_served_municipality",
    db.metadata,
    Column("organization_id", ForeignKey("organization.id", ondelete="CASCADE"),
           primary_key=True),
    Column("municipality_code", ForeignKey("municipality.code"), primary_key=True, index=True),
)


# Words the initials of an OSC skip: articles, prepositions, legal forms.
INITIALS_SKIP = frozenset({"a", "al", "de", "del", "el", "en", "la", "las", "los", "para",
                           "por", "y", "e", "a.c", "ac", "i.a.p", "iap", "s.c", "sc"})


class Organization(db.Model):
    """An OSC's profile. Public fields show on ``/osc/<slug>``; the validated ones form the
    state registry (padrón)."""

    __tablename__ = "organization"
    __table_args__ = (
        Index("ix_organization_status_municipality_name", "status", "municipality_code",
              "name_folded"),
        Index("ix_organization_status_name", "status", "name_folded"),
        # The padrón at a date (staff/indicators.py): validated by then, with what its
        # figures ask (stale, CLUNI, donataria, the municipality), without reading the table.
        Index("ix_organization_status_validated", "status", "validated_at",
              "municipality_code", "confirmed_at", "sat_donee", "cluni"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(90), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200))
    legal_name: Mapped[str | None] = mapped_column(String(250))
    legal_form: Mapped[str | None] = mapped_column(String(10))
    rfc: Mapped[str | None] = mapped_column(String(13), index=True)
    cluni: Mapped[str | None] = mapped_column(String(20), index=True)
    constituted_on: Mapped[date | None] = mapped_column(Date)
    deed_number: Mapped[str | None] = mapped_column(String(40))
    deed_notary: Mapped[str | None] = mapped_column(String(200))
    deed_place: Mapped[str | None] = mapped_column(String(120))
    sat_donee: Mapped[bool] = mapped_column(Boolean, default=False)
    sat_donee_since: Mapped[date | None] = mapped_column(Date)
    social_registry_folio: Mapped[str | None] = mapped_column(String(40))
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipality.code"))
    other_state: Mapped[str | None] = mapped_column(String(60))
    address: Mapped[str | None] = mapped_column(String(250))
    postal_code: Mapped[str | None] = mapped_column(String(5))
    phone: Mapped[str | None] = mapped_column(String(20))
    public_email: Mapped[str | None] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(250))
    social_links: Mapped[dict] = mapped_column(JSON, default=dict)
    mission: Mapped[str | None] = mapped_column(Text)
    mission_html: Mapped[str | None] = mapped_column(Text)
    social_object: Mapped[str | None] = mapped_column(Text)
    social_object_html: Mapped[str | None] = mapped_column(Text)
    logo_file: Mapped[str | None] = mapped_column(String(80))

    status: Mapped[str] = mapped_column(String(12), default="pending")
    status_reason: Mapped[str | None] = mapped_column(Text)
    validated_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    reminded_for: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Where an OSC imported from the government's padrón came from (padron_import.py), and
    # the e-mail the padrón holds for it: a claim's code goes there, never shown publicly.
    source_file: Mapped[str | None] = mapped_column(String(200))
    source_row: Mapped[int | None]
    imported_at: Mapped[datetime | None]
    registry_email: Mapped[str | None] = mapped_column(String(254))

    municipality = relationship("Municipality", lazy="joined")
    activities = relationship("ActivityArea", secondary=organization_activity,
                              order_by="ActivityArea.position", lazy="selectin")
    served_municipalities = relationship("Municipality",
                                         secondary=organization_served_municipality,
                                         order_by="Municipality.name")
    population_rows = relationship("OrganizationPopulation", cascade="all, delete-orphan")
    memberships = relationship("Membership", back_populates="organization",
                               cascade="all, delete-orphan")

    @property
    def populations(self) -> list[str]:
        return sorted(row.population for row in self.population_rows)

    @property
    def initials(self) -> str:
        """Up to two letters for a card without a logo: the first letters of the name's
        first two words that are not articles or the legal form."""
        words = [w for w in self.name.replace("-", " ").split()
                 if w[:1].isalnum() and w.lower().strip(".,") not in INITIALS_SKIP]
        return "".join(w[0] for w in words[:2]).upper() or self.name[:1].upper()

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.slug} {self.status}>"


class OrganizationPopulation(db.Model):
    """Mapped view of ``organization_population`` so a profile can list its populations."""

    __table__ = organization_population


track("registry", Organization, OrganizationPopulation)


class Membership(db.Model):
    """A person's place in an OSC: admin or member; ``requested`` until an admin accepts."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("organization_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10), default="member")
    status: Mapped[str] = mapped_column(String(10), default="active")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization = relationship("Organization", back_populates="memberships")
    user = relationship("User", lazy="joined")


class Follow(db.Model):
    __tablename__ = "organization_follow"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


track("registry", Follow)


class ChangeRequest(db.Model):
    """Changes to legal fields of a validated OSC, waiting for staff; the public profile keeps
    the validated values until approval."""

    __tablename__ = "change_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    changes: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization = relationship("Organization")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])


class ProfileRevision(db.Model):
    """One field's change: who, when, old -> new. ``kind`` tells whether it was published at
    once, requested for review, approved or rejected."""

    __tablename__ = "profile_revision"
    __table_args__ = (Index("ix_profile_revision_org_created", "organization_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(12), default="published")
    change_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("change_request.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor = relationship("User", lazy="joined")


class OrganizationDocument(db.Model):
    """A private document (acta constitutiva, CLUNI certificate, SAT authorization): only the
    OSC's admins and staff may download it."""

    __tablename__ = "organization_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class PadronImport(db.Model):
    """One uploaded padrón file on its way in: stored privately, mapped, analysed (the dry
    run's classes and counts), then applied. Re-importing the same file (same sha256) is
    allowed and changes nothing."""

    __tablename__ = "padron_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))  # csv | xlsx
    encoding: Mapped[str | None] = mapped_column(String(20))
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)  # column index -> field
    counts: Mapped[dict] = mapped_column(JSON, default=dict)  # class -> rows (the dry run)
    rows: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(12), default="uploaded")
    # uploaded -> analysed -> applying -> applied | failed
    progress: Mapped[int] = mapped_column(default=0)  # rows done, for the progress bar
    # When the last batch committed: an import "applying" with no batch for ten minutes was
    # cut short (a restart killed its thread) and may be applied again.
    progress_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[datetime | None]


class OrganizationClaim(db.Model):
    """A person asking to administer an unclaimed OSC (one imported from the padrón, with no
    admin): proven by a code sent to the padrón's e-mail of the OSC, or by a document staff
    review. Only a hash of the code is kept."""

    __tablename__ = "organization_claim"
    __table_args__ = (Index("ix_organization_claim_org_status", "organization_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    method: Mapped[str] = mapped_column(String(10))  # email | document
    status: Mapped[str] = mapped_column(String(10), default="pending")
    # pending -> approved | refused | expired | withdrawn
    code_hash: Mapped[str | None] = mapped_column(String(128))
    code_expires_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization_document.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization = relationship("Organization", lazy="joined")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")
