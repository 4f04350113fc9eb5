"""The library: publications described with Dublin Core, their files and the text inside them.

A *resource* is anything people can cite: a magazine issue, an article, a manual, a chapter,
a guide. A resource may have *parts* (an issue's articles, a manual's chapters): each part is
a resource of its own with a page range inside its parent's PDF, so it can be found, cited
and downloaded by itself while the file exists once. An issue belongs to a *series*
(Ciudadanía Activa) with its number and format.

Files are versioned: replacing the PDF adds a ``ResourceFile`` and keeps the earlier ones. The
text of each version is extracted page by page in the background (``ResourcePage``), and
that text is what the search indexes. Times are naive UTC like every DateTime column.
"""

from datetime import date, datetime

from sqlalchemy import (
    Column,
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

resource_subject = Table(
    "resource_subject",
    db.metadata,
    Column("resource_id", ForeignKey("resource.id", ondelete="CASCADE"), primary_key=True),
    Column("subject_id", ForeignKey("library_subject.id", ondelete="CASCADE"),
           primary_key=True, index=True),
)

resource_area = Table(
    "resource_area",
    db.metadata,
    Column("resource_id", ForeignKey("resource.id", ondelete="CASCADE"), primary_key=True),
    Column("fraction", ForeignKey("activity_area.fraction"), primary_key=True, index=True),
)


class Subject(db.Model):
    """A theme of the managed list (the program's training themes); staff add and rename."""

    __tablename__ = "library_subject"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)


class Series(db.Model):
    """A periodical publication whose issues are numbered (Ciudadanía Activa)."""

    __tablename__ = "library_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(90), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    publisher: Mapped[str] = mapped_column(String(200), default="")
    identifier: Mapped[str] = mapped_column(String(120), default="")  # ISSN, when it has one
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Resource(db.Model):
    """One citable publication, described with the Dublin Core elements.

    ``status``: draft (staff only) -> published -> withdrawn (answers 410 with its note).
    ``access``: "public", or "members" (staff and the active members of a validated OSC
    read the file and its text; everyone else sees the metadata only).
    A part (``parent_id``) has no file of its own: it reads pages ``first_page`` to
    ``last_page`` of its parent's current file, in ``position`` order in the table of contents.
    """

    __tablename__ = "resource"
    __table_args__ = (
        Index("ix_resource_status_issued", "status", "issued"),
        Index("ix_resource_series_order", "series_id", "issue_format", "issue_number"),
        Index("ix_resource_parent_position", "parent_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # dc:type, see services.KINDS
    title: Mapped[str] = mapped_column(String(250))
    description: Mapped[str] = mapped_column(Text, default="")
    issued: Mapped[date]  # dc:date
    language: Mapped[str] = mapped_column(String(5), default="es")
    rights: Mapped[str] = mapped_column(String(30), default="cc-by-nc-4.0")
    publisher: Mapped[str] = mapped_column(String(200), default="")
    identifier: Mapped[str] = mapped_column(String(120), default="")  # ISBN, ISSN, DOI...
    access: Mapped[str] = mapped_column(String(10), default="public")
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    withdrawn_note: Mapped[str | None] = mapped_column(Text)

    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("library_series.id", ondelete="SET NULL"))
    issue_number: Mapped[int | None]
    issue_format: Mapped[str | None] = mapped_column(String(10))  # "print" | "digital"

    parent_id: Mapped[int | None] = mapped_column(ForeignKey("resource.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    first_page: Mapped[int | None]
    last_page: Mapped[int | None]

    current_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("resource_file.id", ondelete="SET NULL", use_alter=True,
                   name="fk_resource_current_file"))
    download_count: Mapped[int] = mapped_column(default=0)

    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]

    series = relationship("Series", lazy="joined")
    parent = relationship("Resource", remote_side=[id], back_populates="parts")
    parts = relationship("Resource", back_populates="parent", cascade="all, delete-orphan",
                         order_by="(Resource.position, Resource.id)")
    creators = relationship("Creator", cascade="all, delete-orphan", lazy="selectin",
                            order_by="Creator.position")
    subjects = relationship("Subject", secondary=resource_subject, lazy="selectin",
                            order_by="Subject.position")
    areas = relationship("ActivityArea", secondary=resource_area, lazy="selectin",
                         order_by="ActivityArea.position")
    current_file = relationship("ResourceFile", foreign_keys=[current_file_id],
                                post_update=True)
    files = relationship("ResourceFile", foreign_keys="ResourceFile.resource_id",
                         back_populates="resource", cascade="all, delete-orphan",
                         order_by="ResourceFile.version.desc()")

    def __repr__(self) -> str:
        return f"<Resource {self.id} {self.slug} {self.status}>"


class Creator(db.Model):
    """An author of a resource (dc:creator), in the order the publication names them."""

    __tablename__ = "resource_creator"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id", ondelete="CASCADE"),
                                             index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(160))
    affiliation: Mapped[str] = mapped_column(String(200), default="")


class ResourceFile(db.Model):
    """One version of a resource's PDF. ``text_status``: pending -> running -> done | empty
    (no searchable text: scanned pages) | failed (the parser hit a limit or broke)."""

    __tablename__ = "resource_file"
    __table_args__ = (
        UniqueConstraint("resource_id", "version", name="uq_resource_file_version"),
        Index("ix_resource_file_text_status", "text_status", "claimed_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id", ondelete="CASCADE"))
    version: Mapped[int]
    stored_name: Mapped[str] = mapped_column(String(40))
    original_name: Mapped[str] = mapped_column(String(130))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int]
    has_javascript: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(String(300), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    text_status: Mapped[str] = mapped_column(String(10), default="pending")
    text_error: Mapped[str | None] = mapped_column(String(300))
    claimed_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    extracted_at: Mapped[datetime | None]
    cover_name: Mapped[str | None] = mapped_column(String(40))

    resource = relationship("Resource", foreign_keys=[resource_id], back_populates="files")
    uploaded_by = relationship("User")


class ResourcePage(db.Model):
    """The text of one page of one file version, as extracted."""

    __tablename__ = "resource_page"

    file_id: Mapped[int] = mapped_column(ForeignKey("resource_file.id", ondelete="CASCADE"),
                                         primary_key=True)
    number: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text, default="")


class DownloadMonth(db.Model):
    """Counted downloads of a resource in a month ("2026-12"): robots and repeats excluded."""

    __tablename__ = "resource_download_month"

    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id", ondelete="CASCADE"),
                                             primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True, index=True)
    count: Mapped[int] = mapped_column(default=0)


class RecentDownload(db.Model):
    """Who downloaded what in the last moments, to count a visitor's repeats once (COUNTER's
    double-click rule). ``visitor`` is a keyed hash of address and browser, never either."""

    __tablename__ = "resource_recent_download"

    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id", ondelete="CASCADE"),
                                             primary_key=True)
    visitor: Mapped[str] = mapped_column(String(32), primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)


track("library", Resource, Creator, ResourceFile, Series, Subject)
