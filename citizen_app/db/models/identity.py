"""Users, their sign-in sessions, pending sign-ins, and self-declared profiles.

Identity data (name, personal ID number, birth date, permanent address…) comes
from the identity provider, is refreshed at every sign-in and is never edited
here. What the citizen declares (phone, email, current address, language,
notifications) lives in :class:`UserProfile`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from citizen_app.db.base import Base, JsonDocument, UtcDateTime, utcnow


class User(Base):
    """A person known to the app, matched by (issuer, subject) and never by name or email."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    display_name: Mapped[str] = mapped_column(String(200), default="")
    # ["citizen"] or staff roles ("counter_officer", "supervisor"), as the provider last said.
    roles: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    unit_level: Mapped[str | None] = mapped_column(String(16))  # "commune" | "province" for staff
    unit_code: Mapped[str | None] = mapped_column(String(8))
    assurance_level: Mapped[int] = mapped_column(Integer, default=1)

    # Verified identity (read-only in the app).
    personal_id: Mapped[str | None] = mapped_column(String(12))
    full_name: Mapped[str | None] = mapped_column(String(200))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(8))  # "male" | "female"
    place_of_origin: Mapped[str | None] = mapped_column(String(255))
    permanent_province_code: Mapped[str | None] = mapped_column(String(2))
    permanent_province_name: Mapped[str | None] = mapped_column(String(100))
    permanent_commune_code: Mapped[str | None] = mapped_column(String(5))
    permanent_commune_name: Mapped[str | None] = mapped_column(String(100))
    permanent_street: Mapped[str | None] = mapped_column(String(255))
    identity_refreshed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    profile: Mapped[UserProfile | None] = relationship(
        back_populates="user", uselist=False, cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("issuer", "subject"),
        # Counter staff look citizens up by ID number for assisted submission.
        Index("ix_users_personal_id", "personal_id"),
    )


class UserProfile(Base):
    """What the citizen declares themselves; editable, every change audited."""

    __tablename__ = "user_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    phone: Mapped[str | None] = mapped_column(String(10))  # normalised 0XXXXXXXXX
    email: Mapped[str | None] = mapped_column(String(254))
    current_province_code: Mapped[str | None] = mapped_column(String(2))
    current_commune_code: Mapped[str | None] = mapped_column(String(5))
    current_street: Mapped[str | None] = mapped_column(String(255))
    preferred_locale: Mapped[str] = mapped_column(String(2), default="vi")
    # In-app notices are always on; email is the citizen's choice.
    notify_email: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="profile")


class AuthSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # public id for logs and audit
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    absolute_expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(16))  # logout | idle | absolute | replaced
    locale: Mapped[str] = mapped_column(String(2), default="vi")
    # Sent back as id_token_hint at logout so the provider ends its own session without asking.
    id_token: Mapped[str | None] = mapped_column(Text)
    # Which identity provider (core.identity.providers key) signed this browser in: logout goes there.
    provider: Mapped[str] = mapped_column(String(16), default="citizen", server_default="citizen")

    __table_args__ = (Index("ix_auth_sessions_user_id", "user_id"),)


class LoginTransaction(Base):
    """A sign-in started here and not finished yet: single use, short-lived, keyed by hash(state)."""

    __tablename__ = "login_transactions"

    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(128))
    code_verifier: Mapped[str] = mapped_column(String(128))
    redirect_uri: Mapped[str] = mapped_column(String(500))
    next_path: Mapped[str] = mapped_column(String(1000))
    locale: Mapped[str] = mapped_column(String(2), default="vi")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The provider it was started with; only that provider's callback may finish it.
    provider: Mapped[str] = mapped_column(String(16), default="citizen", server_default="citizen")

    __table_args__ = (Index("ix_login_transactions_expires_at", "expires_at"),)
