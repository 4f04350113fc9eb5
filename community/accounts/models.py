"""People who use the platform."""

import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from community.core.permissions import has_role
from community.core.timeutil import utcnow
from community.extensions import db


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


def hash_password(password: str) -> str:
    """A new hash with the configured method (the slow part of signing up)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


_DUMMY_HASHES: dict[str, str] = {}


def check_password_of_nobody(password: str) -> bool:
    """The work of checking a password, for an address without an account: a sign-in with an
    unknown address then takes as long as one with a wrong password. Always False."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    dummy = _DUMMY_HASHES.get(method)
    if dummy is None:
        dummy = _DUMMY_HASHES.setdefault(method, hash_password(secrets.token_urlsafe(16)))
    check_password_hash(dummy, password)
    return False


class User(UserMixin, db.Model):
    """An account. The session and remember cookies name ``session_token`` and the key of one
    :class:`UserSession` (one device), never the primary key: ending that session signs out
    that device only; changing ``session_token`` (a password change or reset, "sign out
    everywhere", a suspension) ends every session and remember cookie at once."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="citizen")
    municipality_code: Mapped[str | None] = mapped_column(
        ForeignKey("municipality.code"), index=True
    )
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    email_confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    suspended_until: Mapped[datetime | None]
    suspension_reason: Mapped[str | None] = mapped_column(String(500))
    notification_email: Mapped[str] = mapped_column(String(10), default="each",
                                                    server_default="each")
    # The version of the aviso de privacidad the person accepted, and when (core.privacy).
    privacy_version: Mapped[str | None] = mapped_column(String(20))
    privacy_accepted_at: Mapped[datetime | None]
    # A closed account (accounts.services.close_account): anonymized, never signs in again.
    closed_at: Mapped[datetime | None]

    municipality = db.relationship("Municipality", lazy="joined")

    # The key of the device session this request runs in (not a column): set by
    # accounts.services when a session starts or a cookie is read.
    device_key = None

    def get_id(self) -> str:
        """What the cookies carry: the account's token and this device's session key."""
        if self.device_key is None:
            return self.session_token  # names no session: signs nobody in
        return f"{self.session_token}:{self.device_key}"

    @property
    def is_active(self) -> bool:
        return self.active and self.closed_at is None and not self.is_suspended

    @property
    def is_suspended(self) -> bool:
        """A moderator's suspension for a time; it ends by itself when the time passes."""
        return self.suspended_until is not None and self.suspended_until > utcnow()

    @property
    def is_staff(self) -> bool:
        return has_role(self, "staff")

    @property
    def is_admin(self) -> bool:
        return has_role(self, "admin")

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)
        self.password_changed_at = utcnow()
        self.session_token = new_session_token()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class UserSession(db.Model):
    """One device where a person signed in. The cookie holds its key; the table holds only
    the key's SHA-256, so a copy of the database opens no session. Signing out on that device
    ends it (``ended_at``); it also ends on its own at ``expires_at``. Rows outlive their end
    for a while: the networks a person signed in from are how the sign-in limit tells their
    usual places from a stranger's (accounts.services.known_network)."""

    __tablename__ = "user_session"
    __table_args__ = (Index("ix_user_session_user_network", "user_id", "network"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    network: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
